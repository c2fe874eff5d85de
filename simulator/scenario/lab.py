"""The lab: machines on a LAN, a Docker engine on each Docker host, and a shell.

``Lab.sh(command)`` is a terminal on the Docker host: it parses the line the way
a shell would (quotes, but no expansion, no pipes: nothing is ever run for real),
runs ``docker`` against the simulated engine or a simulated program in the right
namespace, lets simulated time pass while the program runs, and returns what the
terminal would show with the exit status and the trace records of that command.

After ``docker run -it`` or ``docker exec -it NAME bash`` the terminal is inside the
container until ``exit``, as on a real host.

A script runs each command as fast as it can. A terminal (``dockersim shell``)
passes ``speed=`` to keep simulated time with the wall clock (``scenario/pacing.py``)
and ``on_output=`` to be handed each piece of output as the program writes it;
``Lab.interrupt()`` is its Ctrl-C: the foreground program is stopped at once, as by
SIGINT, and its timers and sockets go with it.
"""

from __future__ import annotations

import contextlib
import logging
import math
import signal
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import simpy

from simulator import shell_syntax
from simulator.dockercli import SHELLS, CliOutcome, DockerCli
from simulator.engine import container_files as files
from simulator.engine import image_programs
from simulator.engine.docker_engine import DockerEngine
from simulator.engine.swarm import Swarm
from simulator.engine.versions import profile
from simulator.programs import textutils, userland
from simulator.programs.process import ProcessContext
from simulator.programs.tools import PROGRAMS
from simulator.scenario import container_tty, pacing, shell_words, snapshot
from simulator.scenario.collector import Collector
from simulator.scenario.processes import SIGINT_STATUS, Processes, foreground
from simulator.scenario.result import Attachment, Result
from simulator.scenario.shell_words import NOT_SIMULATED, SHELL_NAMES
from simulator.scenario.topologies import build
from simulator.sim.simulation import Simulation
from simulator.trace.records import CommandRun, TopologyChanged
from simulator.trace.topology import Snapshot
from simulator.trace.tracer import Trace

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.kernel.host import Machine

__all__ = ["DEFAULT_TRACE_WINDOW", "MAX_COMMAND_S", "MAX_LINE_BYTES", "SIGINT", "Attachment", "Lab", "OutputCallback", "Result"]

log = logging.getLogger(__name__)

#: The cause a program's ``simpy.Interrupt`` carries when the learner pressed Ctrl-C.
SIGINT = "SIGINT"

MAX_COMMAND_S = 86400.0  # the longest a single command may run, in simulated seconds
MAX_SUBSTITUTION_DEPTH = 8  # $( $( ... ) ) nested deeper than this is refused
#: The longest command line the terminal takes, in bytes: Linux's ARG_MAX with the usual
#: 8 MiB stack (a longer line gets bash's "Argument list too long", exit 126).
MAX_LINE_BYTES = 2 * 1024 * 1024
#: Trace records kept in memory by default: at least this many of the latest (the
#: longest built-in lesson records a few hundred), at most twice as many. ``None``: all.
DEFAULT_TRACE_WINDOW = 100_000

#: ``on_output(stream, text)``: ``stream`` is ``"stdout"`` or ``"stderr"``.
OutputCallback = Callable[[str, str], None]
Runner = Callable[[list[str]], tuple[str, str, int]]


class Lab:
    """A simulated Docker host (or several) on a LAN with a way to the internet.

    >>> lab = Lab(seed=1)
    >>> lab.sh("docker run -d --name c1 ubuntu:14.04 sleep 1000").exit_code
    0
    >>> print(lab.sh("docker exec c1 hostname").stdout.strip() == lab.engine.container("c1").hostname)
    True
    """

    #: Called with every new lab (the test suite checks each lab's invariants after a test).
    observers: ClassVar[list[Callable[[Lab], None]]] = []

    def __init__(
        self,
        engine: str | None = None,
        hosts: int = 1,
        lang: str = "en",
        seed: int = 0,
        one_mac_per_port: bool = False,
        trace_window: int | None = DEFAULT_TRACE_WINDOW,
    ) -> None:
        """Build the lab; ``trace_window`` bounds the trace in memory (see :attr:`trace`), ``None`` keeps it all."""
        if lang not in ("en", "ko"):
            raise ValueError(f"lang must be 'en' or 'ko', not {lang!r}")
        if not 1 <= hosts <= 3:
            raise ValueError("hosts must be 1, 2 or 3")
        if trace_window is not None and (isinstance(trace_window, bool) or not isinstance(trace_window, int) or trace_window < 1):
            raise ValueError(f"trace_window must be a whole number of records, at least 1, or None, not {trace_window!r}")
        self.engine_version = engine
        self.profile = profile(engine)
        self.hosts = hosts
        self.lang = lang
        self.seed = seed
        self.sim = Simulation(seed)
        self.sim.tracer.lang = lang
        self.trace_window = trace_window
        if trace_window is not None:
            self.sim.tracer.configure(window=trace_window)
        self.topology = build(self.sim, hosts, one_mac_per_port)
        self.machines: dict[str, Machine] = self.topology.machines
        self.engines: dict[str, DockerEngine] = {
            name: DockerEngine(self.sim, self.machines[name], self.profile) for name in self.topology.docker_hosts
        }
        self.swarm = Swarm(self.sim)  # the one cluster the lab's daemons may form (docker swarm init/join)
        for daemon in self.engines.values():
            daemon.swarm = self.swarm
            daemon.main_runner = self._start_main
        self.default_host = self.topology.docker_hosts[0]
        self.processes = Processes(self.sim, self.machines, self.engines, self.profile)
        for daemon in self.engines.values():
            daemon.publisher.proxies.processes = self.processes.daemon_children(daemon.machine)
        self._attached: list[Attachment] = []
        self._status: dict[object, int] = {}  # each shell's ``$?``: the host's (by machine), an attached container's (by attachment)
        self._stderr_first = False
        self._last_snapshot: Snapshot | None = None
        self._speed: float | None = None  # simulated seconds per wall second while a terminal waits
        self._on_output: OutputCallback | None = None
        self._streaming = False  # the running command's output goes straight to the terminal (no pipe)
        self._streamed = [0, 0]  # characters of this pipeline's stdout, stderr already handed to on_output
        self._shown = [0, 0]  # characters of this line's stdout, stderr already handed to on_output
        self._interrupt = False
        self._snapshots = snapshot.Snapshots()
        self._collector = Collector(self.engines, self.machines)
        self._emit_topology("lab built")
        for observe in Lab.observers:
            observe(self)

    # -- public --------------------------------------------------------------------------------

    @property
    def engine(self) -> DockerEngine:
        """The Docker engine of the (first) Docker host."""
        return self.engines[self.default_host]

    @property
    def trace(self) -> Trace:
        """The records so far: all of them, or with a ``trace_window`` the latest (at least that many).

        A lesson's whole trace fits in the default window many times over; a long run
        (``ping -c 100000``) keeps only its latest records, so memory stays bounded.
        """
        return self.sim.tracer.trace()

    @property
    def attached(self) -> Attachment | None:
        """The container whose shell the terminal is in (``docker run -it``, ``exec -it``, ``attach``), if any."""
        return self._attached[-1] if self._attached else None

    def pcap(self, path: str) -> None:
        """Write everything captured so far as pcapng (one interface per device)."""
        self.trace.to_pcap(path)

    def prompt(self, on: str | None = None) -> str:
        """The prompt a terminal would show now (``root@host:~# `` or a container's)."""
        if self._attached and on is None:
            return container_tty.shell_prompt(self._attached[-1].container)
        return f"root@{(on or self.default_host)}:~# "

    def sh(
        self, command: str, on: str | None = None, *, speed: float | None = None, on_output: OutputCallback | None = None
    ) -> Result:
        """Run one command line as a learner would type it; never raises for bad input.

        Args:
            command: the line, as typed.
            on: the machine to run it on (default: the Docker host, or the attached container).
            speed: keep simulated time with the wall clock, ``speed`` simulated seconds per
                wall second (``math.inf``: as fast as possible, yet stoppable); ``None``
                (scripts, notebooks): as fast as possible.
            on_output: called with ``("stdout" | "stderr", text)`` as the terminal would
                show it, while the command runs. The Result holds the same text.

        With a ``speed`` and an ``on_output`` the lab is a terminal: a program that runs
        until Ctrl-C (``ping`` without ``-c``) does so, and :meth:`interrupt` stops it.
        """
        mark = self.sim.tracer.mark()
        start = self.sim.now
        self._stderr_first = False
        self._speed, self._on_output, self._interrupt = speed, on_output, False
        self._shown = [0, 0]
        prompt = self.prompt(on)
        where = on or (self._attached[-1].container.name if self._attached else self.default_host)
        shell_key = self._shell_key(on)
        main_tty = self._attached[-1] if on is None and self._attached and self._attached[-1].stops_container else None
        try:
            with self._ctrl_c_stops_the_program(speed is not None or on_output is not None):
                stdout, stderr, code = self._run_line(command, on)
        except Exception as error:  # a bug must not crash a lesson: report it like a crashed tool
            log.exception("internal error running %r", command)
            stdout, stderr, code = "", f"dockersim: internal error: {type(error).__name__}: {error}\n", 70
        if main_tty is not None:  # PID 1's terminal: what it showed goes to the container's log
            still_there = main_tty.container.running and bool(self._attached) and self._attached[-1] is main_tty
            container_tty.log_typed_line(main_tty.container, self.sim.now, command, stdout + stderr, still_there)
        try:
            self._emit("stdout", stdout[self._shown[0]:])  # what no program wrote as it ran (docker's answers, errors)
            self._emit("stderr", stderr[self._shown[1]:])
        finally:
            self._speed, self._on_output = None, None
        if command.strip() and not command.lstrip().startswith("#"):  # an empty line leaves ``$?`` as it was
            self._status[shell_key] = code
            self._status[self._shell_key(on)] = code  # after ``exit``: the shell below sees docker's status
        self.sim.tracer.emit(CommandRun(start, where, command, code, self.sim.now))
        self._emit_topology(command)
        self._collector.after_command()
        return Result(stdout, stderr, code, self.sim.tracer.since(mark), command, prompt, self._stderr_first)

    def idle(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass with no command running (a terminal between commands).

        Timers fire as they would (neighbour entries age, containers' programs run on);
        the records belong to no command's Result. At most a simulated day at a time.
        """
        seconds = min(seconds, MAX_COMMAND_S)
        if seconds > 0:
            self.sim.env.run(until=self.sim.now + seconds)

    def interrupt(self) -> None:
        """Ctrl-C at the terminal: the foreground program of the running command stops now.

        Safe to call from a signal handler or an ``on_output`` callback; a no-op when
        nothing runs (the next command starts afresh).
        """
        self._interrupt = True

    # -- internals -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _ctrl_c_stops_the_program(self, terminal: bool) -> Iterator[None]:
        """At a terminal (or a notebook's interrupt button), SIGINT stops the simulated program.

        Never in the middle of an event: the handler only raises the flag :func:`pacing.drive`
        reads between events. Without a terminal, or off the main thread, nothing changes.
        """
        previous: Any = None
        if terminal:
            with contextlib.suppress(ValueError):  # not the main thread: signals cannot be caught here
                previous = signal.signal(signal.SIGINT, lambda number, frame: self.interrupt())
        try:
            yield
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def _emit(self, stream: str, text: str) -> None:
        if text and self._on_output is not None:
            self._shown[stream == "stderr"] += len(text)
            self._on_output(stream, text)

    def _stream(self, stream: str, text: str) -> None:
        """A running program wrote ``text``: the terminal shows it now."""
        self._streamed[stream == "stderr"] += len(text)
        self._emit(stream, text)

    def _emit_topology(self, cause: str) -> None:
        snap = self._snapshots.take(self)  # the previous snapshot itself when nothing changed
        if snap is not self._last_snapshot:
            self._last_snapshot = snap
            self.sim.tracer.emit(TopologyChanged(self.sim.now, snap, cause))

    def _run_line(self, line: str, on: str | None) -> tuple[str, str, int]:
        if on is not None and on not in self.machines:
            return "", f"dockersim: no machine named {on!r} (machines: {', '.join(self.machines)})\n", 2
        text = line.strip()
        if not text or text.startswith("#"):
            return "", "", 0
        if len(text) > MAX_LINE_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
            return "", f"bash: {shell_words.path_of(text.split(None, 1)[0])}: Argument list too long\n", 126
        if on is None and self._attached and text.replace(" ", "").lower() in ("^p^q", "ctrl-pctrl-q"):
            self._attached.pop()  # the detach keys: the container keeps running
            return "read escape sequence\n", "", 0
        if on is None and self._attached and text.replace(" ", "").lower() in ("^d", "ctrl-d"):
            text = "exit"  # end of file at the container's shell: it exits, as on ``exit``
        return self._run_text(text, lambda argv: self._run_here(argv, on), environ=lambda: self._environ_here(on), mode="terminal",
                              status=self._status.get(self._shell_key(on), 0))

    def _shell_key(self, on: str | None) -> object:
        """The shell a line typed now goes to: an attached container's, or a machine's."""
        if on is None and self._attached:
            return id(self._attached[-1])
        return on or self.default_host

    def _environ_here(self, on: str | None) -> dict[str, str]:
        """The environment of the shell the terminal is in (for ``$NAME``)."""
        if on is None and self._attached:
            container = self._attached[-1].container
            return files.container_environ(self.processes.engine_of(container), container)
        machine = self.machines[on or self.default_host]
        return {**shell_words.bash_variables(machine.hostname), **files.host_environ(machine)}

    def _run_here(self, argv: list[str], on: str | None) -> tuple[str, str, int]:
        """One command where the terminal is now: the attached container's shell, or the machine."""
        if on is None and self._attached:
            return self._in_container(self._attached[-1], argv)
        return self._on_machine(self.machines[on or self.default_host], argv)

    def _run_text(self, text: str, run: Runner, shell_name: str = "bash", depth: int = 0,
                  environ: Callable[[], dict[str, str]] | None = None, mode: str = "shell", status: int = 0) -> tuple[str, str, int]:
        """A command line (``a | b && c; d``, with ``$(...)`` and ``$NAME``) run command by command through ``run``.

        ``mode``: ``"terminal"`` for the line typed at the terminal (each pipeline's output is
        shown as it comes), ``"shell"`` for a ``sh -c`` line (its programs show through the
        terminal's pipeline that runs the shell), ``"capture"`` for a command substitution
        (nothing is shown: the output becomes words). ``status`` is ``$?`` before the line:
        the shell's last command's exit status.
        """
        try:
            line = shell_syntax.parse_line(text)
        except shell_syntax.ShellSyntaxError as error:
            return "", shell_words.syntax_error(shell_name, str(error)), 2
        stdout, stderr, code = "", "", status
        outer_streaming = self._streaming
        for connector, pipeline in line.sequence:
            if self._interrupt:  # Ctrl-C ends the whole list, as in bash
                break
            if (connector == "&&" and code != 0) or (connector == "||" and code == 0):
                continue
            expanded: list[list[str]] = []
            for argv in pipeline:
                if not line.substitutions and not line.variables:  # nothing to expand (and long lines stay fast)
                    expanded.append(argv)
                    continue
                words, err, sub_code = self._expand(argv, line, run, shell_name, depth, environ, code)
                stderr += err
                if words is None:  # the substitutions ran, nothing is left to run: their status stands
                    code = sub_code
                    break
                expanded.append(words)
            else:
                if mode == "terminal":
                    self._streaming, self._streamed = len(expanded) == 1, [0, 0]
                else:  # a pipe, or a substitution, keeps the output from the terminal
                    self._streaming = outer_streaming and mode == "shell" and len(expanded) == 1
                out, err, code = self._run_pipeline(expanded, run)
                if mode == "terminal":
                    # What the program did not already show as it ran (a pipe's output, docker's own words).
                    self._emit("stdout", out[self._streamed[0]:])
                    self._emit("stderr", err[self._streamed[1]:])
                else:
                    self._streaming = outer_streaming
                stdout, stderr = stdout + out, stderr + err
        return stdout, stderr, code

    def _expand(self, argv: list[str], line: shell_syntax.Line, run: Runner, shell_name: str, depth: int,
                environ: Callable[[], dict[str, str]] | None, last_code: int) -> tuple[list[str] | None, str, int]:
        """Run the command substitutions ``argv`` marks (in the same place), look its parameters up, put both in."""
        wanted = shell_syntax.substitutions_in(argv)
        names = shell_syntax.variables_in(argv)
        if not wanted and not names:
            return argv, "", 0
        env = environ() if environ is not None and names else {}
        values = {i: str(last_code) if line.variables[i] == "?" else env.get(line.variables[i], "") for i in names}
        if depth >= MAX_SUBSTITUTION_DEPTH:
            return None, f"{shell_name}: command substitution nested too deeply\n", 2
        outputs: dict[int, str] = {}
        stderr, code = "", 0
        for index in wanted:
            out, err, code = self._run_text(line.substitutions[index], run, shell_name, depth + 1, environ, mode="capture")
            outputs[index] = out
            stderr += err
        words = shell_syntax.expand(argv, outputs, values)
        return (words or None), stderr, code if wanted else last_code

    def _run_pipeline(self, pipeline: list[list[str]], run: Runner) -> tuple[str, str, int]:
        """``cmd | grep x | head``: the first command runs in the lab, the rest filter its output."""
        first, filters = pipeline[0], pipeline[1:]
        stdout, stderr, code = run(first)
        for argv in filters:
            tool = textutils.FILTERS.get(argv[0])
            if tool is None:
                return "", stderr + f"bash: {argv[0]}: command not found\n", 127
            stdout, err, code = tool(argv, stdout)
            stderr += err
        return stdout, stderr, code

    def _on_machine(self, machine: Machine, argv: list[str], shell_name: str | None = None) -> tuple[str, str, int]:
        """One command on a machine: at its prompt, or in a ``sh -c`` line there (``shell_name``)."""
        name = argv[0]
        if name == "docker":
            engine = self.engines.get(machine.name)
            if engine is None:
                return "", shell_words.not_found(shell_name, userland.HOST, "docker"), 127
            outcome = DockerCli(engine).run(argv)
            return self._follow(outcome, machine.name)
        if name == "exit":
            return "", "", 0
        base = name.rsplit("/", 1)[-1]
        if base in SHELL_NAMES:
            return self._shell(argv, lambda words, sh: self._on_machine(machine, words, sh), userland.HOST,
                               lambda: {**shell_words.bash_variables(machine.hostname), **files.host_environ(machine)})
        program = PROGRAMS.get(base)
        if program is None:
            if base in image_programs.BUILTINS:
                return "", shell_words.builtin_not_simulated(base), NOT_SIMULATED
            if base in image_programs.UBUNTU_HOST:
                return "", shell_words.not_simulated(base, "this host"), NOT_SIMULATED
            return "", shell_words.not_found(shell_name, userland.HOST, name), 127
        ctx = self.processes.on_machine(machine, argv)
        try:
            return self._run_program(ctx, program, argv)
        finally:
            if ctx.processes is not None:
                ctx.processes.exit(ctx.ns_pid)

    def _shell(self, argv: list[str], run: Callable[[list[str], str], tuple[str, str, int]], land: userland.Userland,
               environ: Callable[[], dict[str, str]]) -> tuple[str, str, int]:
        """``sh -c 'LINE'`` / ``bash -c 'LINE'``: the line through the same interpreter as the terminal.

        Without ``-c`` and without a terminal, a shell reads its empty standard input and exits.
        """
        name = argv[0].rsplit("/", 1)[-1]
        shell_name = SHELL_NAMES[name]
        args = argv[1:]
        if not args:
            return "", "", 0
        if args[0] == "-c":
            if len(args) < 2:
                return "", f"{name}: -c: option requires an argument\n", 2
            return self._run_text(args[1], lambda words: run(words, shell_name), shell_name, environ=environ)
        if args[0].startswith("-"):
            return "", shell_words.not_simulated(f"{name} {args[0]}", "the shell"), NOT_SIMULATED
        message, status = shell_words.cannot_open(shell_name, args[0], land)
        return "", message, status

    def _follow(self, outcome: CliOutcome, machine: str) -> tuple[str, str, int]:
        self._stderr_first = outcome.stderr_first
        if outcome.attach is not None:
            attachment = Attachment(outcome.attach, machine, outcome.attach_stops_container)
            if not outcome.attach_stops_container:  # docker exec -it: a new shell on a new terminal
                table = self.processes.of_container(outcome.attach)
                attachment.tty = f"pts/{sum(1 for a in self._attached if a.container is outcome.attach) + 1}"
                attachment.shell_pid = table.spawn((outcome.attach.image.shell.rsplit("/", 1)[-1],), self.sim.now, tty=attachment.tty)
            self._attached.append(attachment)
            self._status[id(attachment)] = 0  # a new shell: nothing has run in it yet
            return outcome.stdout, outcome.stderr, outcome.exit_code
        if outcome.follow_logs is not None and self._speed is not None and self._on_output is not None:
            return self._follow_logs(outcome, machine)
        if outcome.exec_in is not None and outcome.exec_argv is not None:
            container = outcome.exec_in
            if self._streaming:  # docker's own words come before the program's
                self._stream("stdout", outcome.stdout)
                self._stream("stderr", outcome.stderr)
            stdout, stderr, code = self._exec(container, outcome.exec_argv, via_docker=True, background=outcome.detach, main=outcome.foreground_main,
                                              tty="pts/0" if outcome.tty else None)
            if outcome.foreground_main:
                self.engines[machine].exited(container, code)
            return outcome.stdout + stdout, outcome.stderr + stderr, code
        return outcome.stdout, outcome.stderr, outcome.exit_code

    def _follow_logs(self, outcome: CliOutcome, machine: str) -> tuple[str, str, int]:
        """``docker logs -f`` at a terminal: what is there, then each new line as it comes, until the container stops or Ctrl-C."""
        assert outcome.follow_logs is not None
        if self._streaming:
            self._stream("stdout", outcome.stdout)
            self._stream("stderr", outcome.stderr)
        argv = ["docker", "logs", "-f", outcome.follow_logs.name]
        follow = container_tty.log_follower(outcome.follow_logs, outcome.follow_timestamps)
        stdout, stderr, code = self._run_program(self.processes.on_machine(self.machines[machine], argv), follow, argv)
        return outcome.stdout + stdout, outcome.stderr + stderr, code

    def _in_container(self, attachment: Attachment, argv: list[str]) -> tuple[str, str, int]:
        container = attachment.container
        if argv[0] == "exit":  # bash's exit: N, or the last command's status; the terminal's docker exits with it
            status = int(argv[1]) & 0xFF if len(argv) > 1 and argv[1].isdecimal() else self._status.get(id(attachment), 0)
            self._attached.pop()
            if not attachment.stops_container:
                self.processes.of_container(container).exit(attachment.shell_pid)
            if attachment.stops_container:
                engine = self.engines[attachment.machine]
                engine.exited(container, status)
            return "exit\n", "", status
        if not container.running:
            self._attached.pop()
            return "", "", 0
        return self._exec(container, argv, via_docker=False, parent=attachment.shell_pid, tty=attachment.tty)

    def _start_main(self, container: Container) -> bool:
        """``docker run [-itd] IMAGE CMD``: CMD is the container's main process; the container exits when it does.

        Only a command the image has, and not a shell (which stays up only with a terminal).
        """
        argv = list(container.command)
        if len(argv) == 3 and argv[0].rsplit("/", 1)[-1] in SHELLS and argv[1] == "-c":
            argv = shell_syntax.simple_command(argv[2]) or argv  # `sh -c 'sleep 1000'`: the shell runs one command
        if not argv or argv[0].rsplit("/", 1)[-1] in SHELLS:
            if argv and container.tty and container.interactive:  # an interactive shell on its terminal: its first prompt
                container.log.write(self.sim.now, "stdout", container_tty.shell_prompt(container))
            return False
        program = Processes.program(container, argv[0])
        if program is None or container.netns is None:
            return False
        started = container.started_at
        process = self.processes.detach(container, program, argv, main=True)

        def ended(event: Any) -> None:
            if container.running and container.started_at == started:
                self.processes.engine_of(container).exited(container, int(event.value or 0) if event.ok else 1)

        process.callbacks.append(ended)
        return True

    def _exec(self, container: Container, argv: list[str], via_docker: bool, background: bool = False, shell_name: str | None = None,
              main: bool = False, parent: int = 0, tty: str | None = None) -> tuple[str, str, int]:
        """Run ``argv`` inside ``container`` (``docker exec``, its shell or a ``sh -c``; ``-d``: in the background)."""
        base = argv[0].rsplit("/", 1)[-1]
        land = userland.of_image(container.image.flavour, container.image.repository)
        if base in SHELL_NAMES and Processes.ships(container, base) and not background:
            return self._shell(
                argv, lambda words, sh: self._exec(container, words, via_docker=False, shell_name=sh, main=main, parent=parent, tty=tty),
                land, lambda: files.container_environ(self.processes.engine_of(container), container),
            )
        program = Processes.program(container, argv[0])
        if program is None:
            message, status = shell_words.cannot_run_in_container(container, argv[0], via_docker, shell_name)
            if via_docker and message == shell_words.exec_failed(argv[0]):
                return message, "", status  # the daemon writes it into the exec's output stream
            return "", message, status
        if background:  # docker exec -d: started, not waited for; what it prints is not shown
            self.processes.detach(container, program, argv)
            return "", "", 0
        ctx = self.processes.in_container(container, argv, main=main, parent=parent, tty=tty)
        try:
            return self._run_program(ctx, program, argv)
        finally:
            if not main and ctx.processes is not None:
                ctx.processes.exit(ctx.ns_pid)

    def _run_program(self, ctx: ProcessContext, program: Any, argv: list[str]) -> tuple[str, str, int]:
        env = self.sim.env
        terminal = self._on_output is not None or self._speed is not None
        if terminal:  # written as it happens, so that a ^C lands where the output had got to
            ctx.sink = self._stream if self._streaming else _unseen
        ctx.terminal = self._on_output is not None and self._speed is not None
        process = env.process(foreground(program(ctx, argv)))
        # A lesson must never hang: no command runs longer than a simulated day.
        until = env.any_of([process, env.timeout(MAX_COMMAND_S)])
        if not terminal:
            env.run(until=until)  # a script: as fast as possible, nothing to wait for
        elif pacing.drive(env, until, self._speed or math.inf, lambda: self._interrupt) is pacing.Stop.INTERRUPTED:
            return self._stop(ctx, process)
        if not process.triggered:
            process.interrupt("time limit")
            env.run(until=process)  # deliver the interrupt now, not in the learner's next command
            ctx.err(f"dockersim: {argv[0]} stopped after {MAX_COMMAND_S / 3600:.0f} simulated hours\n")
            return "".join(ctx.stdout), "".join(ctx.stderr), 130
        code = int(process.value or 0)
        return "".join(ctx.stdout), "".join(ctx.stderr), code

    def _stop(self, ctx: ProcessContext, process: simpy.Process) -> tuple[str, str, int]:
        """Ctrl-C: the terminal echoes ``^C`` and the program gets SIGINT now.

        A program that handles SIGINT (``ping`` prints its statistics) ends with its own
        status; any other dies of it, and the shell starts a new line (status 130).
        """
        ctx.out("^C")
        if process.is_alive:
            process.interrupt(SIGINT)
            self.sim.env.run(until=process)  # deliver it now: the program's timers and sockets go
        code = int(process.value or 0)
        if code == SIGINT_STATUS:
            ctx.out("\n")
        return "".join(ctx.stdout), "".join(ctx.stderr), code


def _unseen(stream: str, text: str) -> None:
    """Output that goes into a pipe, not to the terminal (``ping ... | grep ttl``)."""
