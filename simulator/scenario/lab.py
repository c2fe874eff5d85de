"""The lab: machines on a LAN, a Docker engine on each Docker host, and a shell.

``Lab.sh(command)`` is a terminal on the Docker host: it parses the line the way
a shell would (quotes, but no expansion, no pipes: nothing is ever run for real),
runs ``docker`` against the simulated engine or a simulated program in the right
namespace, lets simulated time pass while the program runs, and returns what the
terminal would show with the exit status and the trace records of that command.

After ``docker run -it`` or ``docker exec -it NAME bash`` the terminal is inside the
container until ``exit``, as on a real host.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import simpy

from simulator.engine.docker_engine import DockerEngine
from simulator.engine.swarm import Swarm
from simulator.engine.versions import profile
from simulator.programs import resolver, textutils
from simulator.programs.process import ProcessContext
from simulator.programs.tools import PROGRAMS
from simulator.scenario import files, shell, snapshot
from simulator.scenario.docker_cli import SHELLS, CliOutcome, DockerCli
from simulator.scenario.topologies import build
from simulator.sim.simulation import Simulation
from simulator.trace.records import CommandRun, TopologyChanged
from simulator.trace.tracer import Trace

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.kernel.host import Machine

log = logging.getLogger(__name__)

MAX_COMMAND_S = 86400.0  # the longest a single command may run, in simulated seconds
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

    def __init__(self, engine: str | None = None, hosts: int = 1, lang: str = "en", seed: int = 0, one_mac_per_port: bool = False) -> None:
        if lang not in ("en", "ko"):
            raise ValueError(f"lang must be 'en' or 'ko', not {lang!r}")
        if not 1 <= hosts <= 3:
            raise ValueError("hosts must be 1, 2 or 3")
        self.engine_version = engine
        self.profile = profile(engine)
        self.hosts = hosts
        self.lang = lang
        self.seed = seed
        self.sim = Simulation(seed)
        self.sim.tracer.lang = lang
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
        self._stderr_first = False
        self._last_snapshot: Any = None
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
        """Every record so far."""
        return self.sim.tracer.trace()

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

    def sh(self, command: str, on: str | None = None) -> Result:
        """Run one command line as a learner would type it; never raises for bad input."""
        mark = self.sim.tracer.mark()
        start = self.sim.now
        self._stderr_first = False
        prompt = self.prompt(on)
        where = on or (self._attached[-1].container.name if self._attached else self.default_host)
        try:
            stdout, stderr, code = self._run_line(command, on)
        except Exception as error:  # a bug must not crash a lesson: report it like a crashed tool
            log.exception("internal error running %r", command)
            stdout, stderr, code = "", f"dockersim: internal error: {type(error).__name__}: {error}\n", 70
        self.sim.tracer.emit(CommandRun(start, where, command, code, self.sim.now))
        self._emit_topology(command)
        return Result(stdout, stderr, code, self.sim.tracer.since(mark), command, prompt, self._stderr_first)

    # -- internals -------------------------------------------------------------------------------

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
        if on is None and self._attached and text.replace(" ", "").lower() in ("^p^q", "ctrl-pctrl-q"):
            self._attached.pop()  # the detach keys: the container keeps running
            return "read escape sequence\n", "", 0
        try:
            sequence = shell.parse(text)
        except shell.ShellSyntaxError as error:
            return "", f"bash: {error}\n", 2
        stdout, stderr, code = "", "", 0
        for connector, pipeline in sequence:
            if (connector == "&&" and code != 0) or (connector == "||" and code == 0):
                continue
            out, err, code = self._run_pipeline(pipeline, on)
            stdout, stderr = stdout + out, stderr + err
        return stdout, stderr, code

    def _run_pipeline(self, pipeline: list[list[str]], on: str | None) -> tuple[str, str, int]:
        """``cmd | grep x | head``: the first command runs in the lab, the rest filter its output."""
        first, filters = pipeline[0], pipeline[1:]
        if on is None and self._attached:
            stdout, stderr, code = self._in_container(self._attached[-1], first)
        else:
            stdout, stderr, code = self._on_machine(self.machines[on or self.default_host], first)
        for argv in filters:
            tool = textutils.FILTERS.get(argv[0])
            if tool is None:
                return "", stderr + f"bash: {argv[0]}: command not found\n", 127
            stdout, err, code = tool(argv, stdout)
            stderr += err
        return stdout, stderr, code

    def _on_machine(self, machine: Machine, argv: list[str]) -> tuple[str, str, int]:
        name = argv[0]
        if name == "docker":
            engine = self.engines.get(machine.name)
            if engine is None:
                return "", "bash: docker: command not found\n", 127
            outcome = DockerCli(engine).run(argv)
            return self._follow(outcome, machine.name)
        if name == "exit":
            return "", "", 0
        program = PROGRAMS.get(name)
        if program is None:
            return "", f"bash: {name}: command not found\n", 127
        ctx = ProcessContext(
            self.sim, machine.netns, "host", machine.hostname, machine.next_pid(),
            files=files.host_files(machine), environ=files.host_environ(machine),
        )
        ctx.netns_files = self._netns_files(machine.name)
        self._wire_resolver(ctx)
        return self._run_program(ctx, program, argv)

    def _netns_files(self, machine: str) -> dict[str, Any]:
        """The files under /var/run/docker/netns that keep Docker's namespaces (containers, overlay networks)."""
        engine = self.engines.get(machine)
        if engine is None:
            return {}
        out: dict[str, Any] = {}
        for c in engine.containers.values():
            if c.running and c.netns is not None and c.netns is not engine.machine.netns and c.sandbox_id:
                out[f"/var/run/docker/netns/{c.sandbox_id[:12]}"] = c.netns
        overlay = engine.drivers.get("overlay")
        for ns in getattr(overlay, "namespaces", list)():
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
            self._attached.append(Attachment(outcome.attach, machine, outcome.attach_stops_container))
            return outcome.stdout, outcome.stderr, outcome.exit_code
        if outcome.exec_in is not None and outcome.exec_argv is not None:
            container = outcome.exec_in
            stdout, stderr, code = self._exec(container, outcome.exec_argv, via_docker=True, background=outcome.detach)
            if outcome.foreground_main:
                self.engines[machine]._exited(container, code)
            return outcome.stdout + stdout, outcome.stderr + stderr, code
        return outcome.stdout, outcome.stderr, outcome.exit_code

    def _in_container(self, attachment: Attachment, argv: list[str]) -> tuple[str, str, int]:
        container = attachment.container
        if argv[0] == "exit":
            self._attached.pop()
            if attachment.stops_container:
                engine = self.engines[attachment.machine]
                engine._exited(container, int(argv[1]) if len(argv) > 1 and argv[1].isdecimal() else 0)
            return "exit\n", "", 0
        if not container.running:
            self._attached.pop()
            return "", "", 0
        return self._exec(container, argv, via_docker=False)

    def _start_main(self, container: Container) -> bool:
        """``docker run [-itd] IMAGE CMD``: CMD is the container's main process; the container exits when it does.

        Only a command the image has, and not a shell (which stays up only with a terminal).
        """
        argv = list(container.command)
        if not argv or argv[0].rsplit("/", 1)[-1] in SHELLS:
            return False
        program = self._program(container, argv[0])
        if program is None or container.netns is None:
            return False
        started = container.started_at
        process = self._detach(container, program, argv)

        def ended(event: Any) -> None:
            if container.running and container.started_at == started:
                self._engine_of(container)._exited(container, int(event.value or 0) if event.ok else 1)

        process.callbacks.append(ended)
        return True

    def _detach(self, container: Container, program: Any, argv: list[str]) -> simpy.Process:
        """Start ``argv`` in the background; it ends when this run of the container does (stop, restart)."""
        started = container.started_at

        def alive() -> bool:
            return container.running and container.started_at == started

        ctx = self._context(self._engine_of(container), container)
        ctx.detached = True
        return self.sim.env.process(_background(program(ctx, argv), alive))

    @staticmethod
    def _program(container: Container, word: str) -> Any:
        """The program ``word`` names, if the container's image (or what was installed in it) has it."""
        name = word.rsplit("/", 1)[-1]
        program = PROGRAMS.get(name)
        if program is None or (name not in container.image.tools and name not in container.extra_tools):
            return None
        return program

    def _context(self, engine: DockerEngine, container: Container) -> ProcessContext:
        assert container.netns is not None
        image = container.image
        ctx = ProcessContext(
            self.sim, container.netns, image.flavour, container.hostname, self.machines[engine.machine.name].next_pid(),
            files=files.container_files(engine, container), environ=files.container_environ(engine, container),
        )
        ctx.userland = image.repository
        ctx.net_admin = container.net_admin
        self._wire_resolver(ctx)
        return ctx

    def _exec(self, container: Container, argv: list[str], via_docker: bool, background: bool = False) -> tuple[str, str, int]:
        """Run ``argv`` inside ``container`` (``docker exec`` or its shell; ``-d``: in the background)."""
        image = container.image
        program = self._program(container, argv[0])
        if program is None:
            if via_docker:
                if self.profile.cli_error_style == "see-help":
                    msg = f'OCI runtime exec failed: exec failed: container_linux.go:380: starting container process caused: exec: "{argv[0]}": executable file not found in $PATH: unknown\n'
                else:
                    msg = f'OCI runtime exec failed: exec failed: unable to start container process: exec: "{argv[0]}": executable file not found in $PATH: unknown\n'
                return "", msg, 126 if via_docker else 127
            if image.flavour == "busybox":
                return "", f"/bin/sh: {argv[0]}: not found\n", 127
            return "", f"bash: {argv[0]}: command not found\n", 127
        if background:  # docker exec -d: started, not waited for; what it prints is not shown
            self._detach(container, program, argv)
            return "", "", 0
        return self._run_program(self._context(self._engine_of(container), container), program, argv)

    def _engine_of(self, container: Container) -> DockerEngine:
        for engine in self.engines.values():
            if container.id in engine.containers:
                return engine
        raise KeyError(container.id)

    def _run_program(self, ctx: ProcessContext, program: Any, argv: list[str]) -> tuple[str, str, int]:
        env = self.sim.env
        process = env.process(_wrap(program(ctx, argv)))
        # A lesson must never hang: no command runs longer than a simulated day.
        env.run(until=env.any_of([process, env.timeout(MAX_COMMAND_S)]))
        if not process.triggered:
            process.interrupt("time limit")
            env.run(until=process)  # deliver the interrupt now, not in the learner's next command
            ctx.err(f"dockersim: {argv[0]} stopped after {MAX_COMMAND_S / 3600:.0f} simulated hours\n")
            return "".join(ctx.stdout), "".join(ctx.stderr), 130
        code = int(process.value or 0)
        return "".join(ctx.stdout), "".join(ctx.stderr), code


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
    except simpy.Interrupt:  # stopped at the time limit: like a ^C (128 + SIGINT)
        return 130
    return result
