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
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import simpy

from simulator.engine import container_files as files
from simulator.engine import image_programs
from simulator.engine.docker_engine import DockerEngine
from simulator.engine.swarm import Swarm
from simulator.engine.versions import profile
from simulator.programs import resolver, textutils, userland
from simulator.programs.process import ProcessContext, ProcessTable
from simulator.programs.tools import PROGRAMS
from simulator.scenario import pacing, shell, snapshot
from simulator.scenario.docker_cli import SHELLS, CliOutcome, DockerCli
from simulator.scenario.topologies import build
from simulator.sim.simulation import Simulation
from simulator.trace.records import CommandRun, TopologyChanged
from simulator.trace.tracer import Trace

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.kernel.host import Machine

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
# Where bash finds the tools on a usr-merged Ubuntu host (PATH has /usr/sbin before /usr/bin).
_SBIN = frozenset({"brctl", "bridge", "ifconfig", "ip", "iptables"})
SIGINT_STATUS = 130  # 128 + SIGINT: how a shell reports a program Ctrl-C killed

NOT_SIMULATED = 126  # a program the image has but the simulator does not model: "found, cannot be run"
SHELL_NAMES = {"sh": "sh", "dash": "sh", "ash": "sh", "bash": "bash", "zsh": "zsh"}  # the name each says errors in

#: ``on_output(stream, text)``: ``stream`` is ``"stdout"`` or ``"stderr"``.
OutputCallback = Callable[[str, str], None]
Runner = Callable[[list[str]], tuple[str, str, int]]
HOST_TOOLS = frozenset(PROGRAMS) | {"docker", "exit"}


@dataclass
class Result:
    """What one command showed: its output, its exit status, and its trace records."""

    stdout: str
    stderr: str
    exit_code: int
    trace: Trace
    command: str = ""
    prompt: str = ""
    stderr_first: bool = False

    @property
    def output(self) -> str:
        """What the terminal shows: stdout and stderr in the order they were written."""
        return self.stderr + self.stdout if self.stderr_first else self.stdout + self.stderr

    _shown: bool = field(default=False, init=False, repr=False, compare=False)

    def __repr__(self) -> str:
        return f"Result(exit_code={self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"

    def show(self) -> Result:
        """Print what the terminal showed (the prompt, the command, its output) and return this result.

        In Jupyter a result that was shown is not displayed a second time as a
        cell's value, so ``lab.sh(command).show()`` as the last line of a cell shows
        the terminal once; a result never shown displays as that same terminal text.
        """
        print(self.prompt + self.command)
        print(self.output, end="")
        self._shown = True
        return self

    def _ipython_display_(self) -> None:
        if not self._shown:
            self.show()


@dataclass
class Attachment:
    """The terminal is inside a container's shell."""

    container: Container
    machine: str
    stops_container: bool
    shell_pid: int = 1  # the shell the learner types into (PID 1 after docker run -it / attach)
    tty: str = "pts/0"


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
        self._attached: list[Attachment] = []
        self._status: dict[object, int] = {}  # each shell's ``$?``: the host's (by machine), an attached container's (by attachment)
        self._pid_tables: dict[str, ProcessTable] = {}  # by container id or machine name
        self._stderr_first = False
        self._last_snapshot: Any = None
        self._speed: float | None = None  # simulated seconds per wall second while a terminal waits
        self._on_output: OutputCallback | None = None
        self._streaming = False  # the running command's output goes straight to the terminal (no pipe)
        self._streamed = [0, 0]  # characters of this pipeline's stdout, stderr already handed to on_output
        self._shown = [0, 0]  # characters of this line's stdout, stderr already handed to on_output
        self._interrupt = False
        self._snapshots = snapshot.Snapshots()
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
            a = self._attached[-1]
            if a.container.image.flavour == "busybox":
                return "/ # "
            return f"root@{a.container.hostname}:/# "
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
        try:
            with self._ctrl_c_stops_the_program(speed is not None or on_output is not None):
                stdout, stderr, code = self._run_line(command, on)
        except Exception as error:  # a bug must not crash a lesson: report it like a crashed tool
            log.exception("internal error running %r", command)
            stdout, stderr, code = "", f"dockersim: internal error: {type(error).__name__}: {error}\n", 70
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
            return "", f"bash: {_path_of(text.split(None, 1)[0])}: Argument list too long\n", 126
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
            return files.container_environ(self._engine_of(container), container)
        machine = self.machines[on or self.default_host]
        return {**_bash_variables(machine.hostname), **files.host_environ(machine)}

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
            line = shell.parse_line(text)
        except shell.ShellSyntaxError as error:
            return "", _syntax_error(shell_name, str(error)), 2
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

    def _expand(self, argv: list[str], line: shell.Line, run: Runner, shell_name: str, depth: int,
                environ: Callable[[], dict[str, str]] | None, last_code: int) -> tuple[list[str] | None, str, int]:
        """Run the command substitutions ``argv`` marks (in the same place), look its parameters up, put both in."""
        wanted = shell.substitutions_in(argv)
        names = shell.variables_in(argv)
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
        words = shell.expand(argv, outputs, values)
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
                return "", _not_found(shell_name, userland.HOST, "docker"), 127
            outcome = DockerCli(engine).run(argv)
            return self._follow(outcome, machine.name)
        if name == "exit":
            return "", "", 0
        base = name.rsplit("/", 1)[-1]
        if base in SHELL_NAMES:
            return self._shell(argv, lambda words, sh: self._on_machine(machine, words, sh), userland.HOST,
                               lambda: {**_bash_variables(machine.hostname), **files.host_environ(machine)})
        program = PROGRAMS.get(base)
        if program is None:
            if base in image_programs.BUILTINS:
                return "", f"dockersim: {base}: a shell builtin the simulator does not model\n", NOT_SIMULATED
            if base in image_programs.UBUNTU_HOST:
                return "", _not_simulated(base, "this host"), NOT_SIMULATED
            return "", _not_found(shell_name, userland.HOST, name), 127
        ctx = ProcessContext(
            self.sim, machine.netns, userland.HOST, machine.hostname, machine.next_pid(),
            files=files.host_files(machine), environ=files.host_environ(machine),
        )
        ctx.netns_files = self._netns_files(machine.name)
        ctx.kernel_release = self.profile.kernel
        table = ctx.processes = self._pids_of_machine(machine)
        shell_pid = max(p.pid for p in table.listing() if p.argv == ("-bash",))
        ctx.ns_pid = table.spawn(tuple(argv), self.sim.now, ppid=shell_pid, tty="pts/0", session_leader=False)
        self._wire_resolver(ctx)
        try:
            return self._run_program(ctx, program, argv)
        finally:
            table.exit(ctx.ns_pid)

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
            return "", _not_simulated(f"{name} {args[0]}", "the shell"), NOT_SIMULATED
        if shell_name == "bash":
            return "", f"bash: {args[0]}: No such file or directory\n", 127
        if land.busybox:
            return "", f"sh: can't open '{args[0]}': No such file or directory\n", 2
        return "", f"sh: 0: Can't open {args[0]}\n", 127

    def _netns_files(self, machine: str) -> dict[str, Any]:
        """The files under /var/run/docker/netns that keep Docker's namespaces (containers, overlay networks)."""
        engine = self.engines.get(machine)
        if engine is None:
            return {}
        out: dict[str, Any] = {}
        for c in engine.containers.values():
            if c.running and c.netns is not None and c.netns is not engine.machine.netns and c.sandbox_id:
                out[f"/var/run/docker/netns/{c.sandbox_id[:12]}"] = c.netns
        for ns in engine.drivers["overlay"].namespaces():
            out[f"/var/run/docker/netns/{ns.node.split(':', 1)[-1]}"] = ns
        return out

    def _wire_resolver(self, ctx: ProcessContext) -> None:
        """getaddrinfo for the program: the hosts file, then the namespace's DNS servers."""
        families = ("A",) if ctx.flavour == "ubuntu-14.04" else ("A", "AAAA")

        def resolve(target: str) -> Generator[Any, Any, str | None]:
            lookup = yield from resolver.resolve(self.sim, ctx.netns, ctx.files, target, families)
            v4 = [a for a in lookup.addresses if ":" not in a]
            return v4[0] if v4 else None

        def reverse(ip: str) -> Generator[Any, Any, str | None]:
            name = yield from resolver.reverse(self.sim, ctx.netns, ctx.files, ip)
            return name

        ctx.resolve = resolve
        ctx.reverse = reverse

    def _follow(self, outcome: CliOutcome, machine: str) -> tuple[str, str, int]:
        self._stderr_first = outcome.stderr_first
        if outcome.attach is not None:
            attachment = Attachment(outcome.attach, machine, outcome.attach_stops_container)
            if not outcome.attach_stops_container:  # docker exec -it: a new shell on a new terminal
                table = self._pids_of(outcome.attach)
                attachment.tty = f"pts/{sum(1 for a in self._attached if a.container is outcome.attach) + 1}"
                attachment.shell_pid = table.spawn((outcome.attach.image.shell.rsplit("/", 1)[-1],), self.sim.now, tty=attachment.tty)
            self._attached.append(attachment)
            self._status[id(attachment)] = 0  # a new shell: nothing has run in it yet
            return outcome.stdout, outcome.stderr, outcome.exit_code
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

    def _in_container(self, attachment: Attachment, argv: list[str]) -> tuple[str, str, int]:
        container = attachment.container
        if argv[0] == "exit":  # bash's exit: N, or the last command's status; the terminal's docker exits with it
            status = int(argv[1]) & 0xFF if len(argv) > 1 and argv[1].isdecimal() else self._status.get(id(attachment), 0)
            self._attached.pop()
            if not attachment.stops_container:
                self._pids_of(container).exit(attachment.shell_pid)
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
            argv = shell.simple_command(argv[2]) or argv  # `sh -c 'sleep 1000'`: the shell runs one command
        if not argv or argv[0].rsplit("/", 1)[-1] in SHELLS:
            return False
        program = self._program(container, argv[0])
        if program is None or container.netns is None:
            return False
        started = container.started_at
        process = self._detach(container, program, argv, main=True)

        def ended(event: Any) -> None:
            if container.running and container.started_at == started:
                self._engine_of(container).exited(container, int(event.value or 0) if event.ok else 1)

        process.callbacks.append(ended)
        return True

    def _detach(self, container: Container, program: Any, argv: list[str], main: bool = False) -> simpy.Process:
        """Start ``argv`` in the background; it ends when this run of the container does (stop, restart)."""
        started = container.started_at

        def alive() -> bool:
            return container.running and container.started_at == started

        ctx = self._context(self._engine_of(container), container, argv, main=main)
        ctx.detached = True
        process = self.sim.env.process(_background(program(ctx, argv), alive))
        table, pid = ctx.processes, ctx.ns_pid
        if table is not None:
            process.callbacks.append(lambda _event: table.exit(pid))
        return process

    def _pids_of(self, container: Container) -> ProcessTable:
        """The container's PID namespace: new with each start, its command as PID 1."""
        started = container.started_at if container.started_at is not None else self.sim.now
        table = self._pid_tables.get(container.id)
        if table is None or table.started_s != started:
            table = ProcessTable(container.id, started)
            tty = "pts/0" if container.tty else None
            table.spawn(tuple(container.command) or (container.image.shell,), started, tty=tty)
            self._pid_tables[container.id] = table
        return table

    def _pids_of_machine(self, machine: Machine) -> ProcessTable:
        """A machine's own processes: init, the Docker daemons on a Docker host, the learner's login shell."""
        table = self._pid_tables.get(machine.name)
        if table is None:
            table = ProcessTable(machine.name, 0.0)
            table.spawn(("/sbin/init",), 0.0)
            if machine.name in self.engines:
                table.spawn(("/usr/bin/containerd",), 0.0, ppid=1)
                table.spawn(("/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"), 0.0, ppid=1)
            table.spawn(("-bash",), 0.0, ppid=1, tty="pts/0")
            self._pid_tables[machine.name] = table
        return table

    @staticmethod
    def _program(container: Container, word: str) -> Any:
        """The program ``word`` names, if the container's image (or what was installed in it) has it."""
        name = word.rsplit("/", 1)[-1]
        program = PROGRAMS.get(name)
        if program is None or not Lab._ships(container, name):
            return None
        return program

    def _context(self, engine: DockerEngine, container: Container, argv: list[str], main: bool = False,
                 parent: int = 0, tty: str | None = None) -> ProcessContext:
        """What a process in the container sees; it gets the next PID of the container's namespace (PID 1 if ``main``)."""
        assert container.netns is not None
        image = container.image
        ctx = ProcessContext(
            self.sim, container.netns, userland.of_image(image.flavour, image.repository), container.hostname, self.machines[engine.machine.name].next_pid(),
            files=files.container_files(engine, container), environ=files.container_environ(engine, container),
        )
        ctx.net_admin = container.net_admin
        ctx.tty = tty is not None  # a terminal: apt-get says "... Done"
        ctx.release = image.release
        ctx.packages = container.packages
        ctx.kernel_release = self.profile.kernel
        ctx.processes = self._pids_of(container)
        ctx.ns_pid = 1 if main else ctx.processes.spawn(tuple(argv), self.sim.now, ppid=parent, tty=tty, session_leader=parent == 0)
        self._wire_resolver(ctx)
        return ctx

    def _exec(self, container: Container, argv: list[str], via_docker: bool, background: bool = False, shell_name: str | None = None,
              main: bool = False, parent: int = 0, tty: str | None = None) -> tuple[str, str, int]:
        """Run ``argv`` inside ``container`` (``docker exec``, its shell or a ``sh -c``; ``-d``: in the background)."""
        image = container.image
        base = argv[0].rsplit("/", 1)[-1]
        land = userland.of_image(image.flavour, image.repository)
        if base in SHELL_NAMES and self._ships(container, base) and not background:
            return self._shell(
                argv, lambda words, sh: self._exec(container, words, via_docker=False, shell_name=sh, main=main, parent=parent, tty=tty),
                land, lambda: files.container_environ(self._engine_of(container), container),
            )
        program = self._program(container, argv[0])
        if program is None:
            if base in image_programs.BUILTINS and not via_docker:  # typed into its shell
                return "", f"dockersim: {base}: a shell builtin the simulator does not model\n", NOT_SIMULATED
            if self._ships(container, base) and base not in image_programs.BUILTINS:
                installed = base in container.packages.programs and base not in image.tools
                return "", _not_simulated(base, "this container" if installed else f"the {image.reference} image"), NOT_SIMULATED
            if via_docker:
                if self.profile.cli_error_style == "see-help":
                    msg = f'OCI runtime exec failed: exec failed: container_linux.go:380: starting container process caused: exec: "{argv[0]}": executable file not found in $PATH: unknown\n'
                else:
                    msg = f'OCI runtime exec failed: exec failed: unable to start container process: exec: "{argv[0]}": executable file not found in $PATH: unknown\n'
                return "", msg, 126
            if shell_name is not None:
                return "", _not_found(shell_name, land, argv[0]), 127
            if image.flavour == "busybox":
                return "", f"/bin/sh: {argv[0]}: not found\n", 127
            return "", f"bash: {argv[0]}: command not found\n", 127
        if background:  # docker exec -d: started, not waited for; what it prints is not shown
            self._detach(container, program, argv)
            return "", "", 0
        ctx = self._context(self._engine_of(container), container, argv, main=main, parent=parent, tty=tty)
        try:
            return self._run_program(ctx, program, argv)
        finally:
            if not main and ctx.processes is not None:
                ctx.processes.exit(ctx.ns_pid)

    @staticmethod
    def _ships(container: Container, name: str) -> bool:
        """Whether the container's image (or what was installed in it) has a program ``name`` on its PATH."""
        return name in container.image.tools or name in container.image.package_tools or name in container.packages.programs

    def _engine_of(self, container: Container) -> DockerEngine:
        for engine in self.engines.values():
            if container.id in engine.containers:
                return engine
        raise KeyError(container.id)

    def _run_program(self, ctx: ProcessContext, program: Any, argv: list[str]) -> tuple[str, str, int]:
        env = self.sim.env
        terminal = self._on_output is not None or self._speed is not None
        if terminal:  # written as it happens, so that a ^C lands where the output had got to
            ctx.sink = self._stream if self._streaming else _unseen
        ctx.terminal = self._on_output is not None and self._speed is not None
        process = env.process(_wrap(program(ctx, argv)))
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


def _path_of(word: str) -> str:
    """Where bash would find the program ``word`` (it names that path when exec fails)."""
    if "/" in word or (word not in PROGRAMS and word != "docker"):
        return word
    return f"/usr/{'sbin' if word in _SBIN else 'bin'}/{word}"


def _bash_variables(hostname: str) -> dict[str, str]:
    """What bash sets for itself without exporting (``$HOSTNAME`` on the host's prompt)."""
    return {"HOSTNAME": hostname}


def _not_simulated(program: str, where: str) -> str:
    """The one line a learner gets for a real program the simulator does not model."""
    return f"dockersim: {program}: {where} has this program, but the simulator does not model it\n"


def _not_found(shell_name: str | None, land: userland.Userland, name: str) -> str:
    """``command not found`` as the shell words it: at the prompt (``None``) or running a ``-c`` line."""
    if shell_name is None:
        return f"bash: {name}: command not found\n"
    if shell_name == "bash":
        return f"bash: line 1: {name}: command not found\n" if land.bash_line_numbers() else f"bash: {name}: command not found\n"
    if shell_name == "zsh":
        return f"zsh:1: command not found: {name}\n"
    if land.busybox:
        return f"sh: {name}: not found\n"
    return f"sh: 1: {name}: not found\n"


def _syntax_error(shell_name: str, message: str) -> str:
    """A syntax error as the shell that read the line words it."""
    if shell_name == "bash":
        return f"bash: {message}\n"
    return f"{shell_name}: {message}\n"


def _background(gen: Generator[Any, Any, int], alive: Any) -> Generator[Any, Any, int]:
    """Drive a detached process (``docker exec -d``) until it ends or its container stops.

    Whatever goes wrong inside it ends it quietly, as a crashed background process
    would, instead of surfacing in the learner's next command.
    """
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            event = gen.throw(error) if error is not None else gen.send(value)
        except StopIteration as stop:
            return int(stop.value or 0)
        except Exception:
            log.debug("a detached process ended with an error", exc_info=True)
            return 1
        error = None
        if not alive():
            gen.close()
            return 137  # the container stopped: SIGKILL
        try:
            value = yield event
        except Exception as failure:  # a failed event: hand it to the process
            error = failure


def _wrap(gen: Generator[Any, Any, int]) -> Generator[Any, Any, int]:
    try:
        result = yield from gen
    except simpy.Interrupt:  # Ctrl-C or the time limit, and the program does not catch it: 128 + SIGINT
        return SIGINT_STATUS
    return result
