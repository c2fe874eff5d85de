"""The lab's processes: PID namespaces, what each program sees, and programs left running.

Each container has a PID namespace of its own, new with each start, its command as
PID 1; each machine has its own (init, the Docker daemons on a Docker host, the
learner's login shell). A program gets a :class:`ProcessContext`: its namespace,
its files and environment, its PID, and getaddrinfo (the hosts file, then DNS).
A program started in the background (``docker exec -d``, a container's main
process) runs until it ends or its container stops.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulator.engine import container_files as files
from simulator.programs import resolver, userland
from simulator.programs.process import ProcessContext, ProcessTable
from simulator.programs.tools import PROGRAMS

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.versions import EngineProfile
    from simulator.kernel.host import Machine
    from simulator.sim.simulation import Simulation

log = logging.getLogger(__name__)

SIGINT_STATUS = 130  # 128 + SIGINT: how a shell reports a program Ctrl-C killed


class Processes:
    """The processes of a lab's machines and containers, by container id or machine name."""

    def __init__(self, sim: Simulation, machines: dict[str, Machine], engines: dict[str, DockerEngine], profile: EngineProfile) -> None:
        self.sim = sim
        self.machines = machines
        self.engines = engines
        self.profile = profile
        self._tables: dict[str, ProcessTable] = {}

    def of_container(self, container: Container) -> ProcessTable:
        """The container's PID namespace: new with each start, its command as PID 1."""
        started = container.started_at if container.started_at is not None else self.sim.now
        table = self._tables.get(container.id)
        if table is None or table.started_s != started:
            table = ProcessTable(container.id, started)
            tty = "pts/0" if container.tty else None
            table.spawn(tuple(container.command) or (container.image.shell,), started, tty=tty)
            self._tables[container.id] = table
        return table

    def of_machine(self, machine: Machine) -> ProcessTable:
        """A machine's own processes: init, the Docker daemons on a Docker host, the learner's login shell."""
        table = self._tables.get(machine.name)
        if table is None:
            table = ProcessTable(machine.name, 0.0)
            table.spawn(("/sbin/init",), 0.0)
            if machine.name in self.engines:
                table.spawn(("/usr/bin/containerd",), 0.0, ppid=1)
                table.spawn(("/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock"), 0.0, ppid=1)
            table.spawn(("-bash",), 0.0, ppid=1, tty="pts/0")
            self._tables[machine.name] = table
        return table

    def daemon_children(self, machine: Machine) -> DaemonChildren:
        """The machine's process table as its Docker daemon starts children in it (docker-proxy)."""
        return DaemonChildren(self, machine)

    def engine_of(self, container: Container) -> DockerEngine:
        """The engine (of the lab's Docker hosts) that runs ``container``."""
        for engine in self.engines.values():
            if container.id in engine.containers:
                return engine
        raise KeyError(container.id)

    @staticmethod
    def ships(container: Container, name: str) -> bool:
        """Whether the container's image (or what was installed in it) has a program ``name`` on its PATH."""
        return name in container.image.tools or name in container.image.package_tools or name in container.packages.programs

    @staticmethod
    def program(container: Container, word: str) -> Any:
        """The program ``word`` names, if the container's image (or what was installed in it) has it."""
        name = word.rsplit("/", 1)[-1]
        program = PROGRAMS.get(name)
        if program is None or not Processes.ships(container, name):
            return None
        return program

    def in_container(self, container: Container, argv: list[str], main: bool = False,
                     parent: int = 0, tty: str | None = None) -> ProcessContext:
        """What a process in the container sees; it gets the next PID of the container's namespace (PID 1 if ``main``)."""
        assert container.netns is not None
        engine = self.engine_of(container)
        image = container.image
        ctx = ProcessContext(
            self.sim, container.netns, userland.of_image(image.flavour, image.repository), container.hostname, self.machines[engine.machine.name].next_pid(),
            files=files.container_files(engine, container),
            environ=files.container_environ(engine, container, None if main else tty is not None),
        )
        ctx.net_admin = container.net_admin
        ctx.tty = tty is not None  # a terminal: apt-get says "... Done"
        ctx.release = image.release
        ctx.packages = container.packages
        ctx.kernel_release = self.profile.kernel
        ctx.processes = self.of_container(container)
        ctx.ns_pid = 1 if main else ctx.processes.spawn(tuple(argv), self.sim.now, ppid=parent, tty=tty, session_leader=parent == 0)
        if main:  # PID 1's output is the container's log; with a terminal, one stream and the tty's \r\n
            ctx.log = container_log_writer(self.sim, container)
        self.wire_resolver(ctx)
        return ctx

    def on_machine(self, machine: Machine, argv: list[str]) -> ProcessContext:
        """What a program typed at the machine's prompt sees; a child of the login shell."""
        ctx = ProcessContext(
            self.sim, machine.netns, userland.HOST, machine.hostname, machine.next_pid(),
            files=files.host_files(machine), environ=files.host_environ(machine), net_admin=True,
        )
        ctx.netns_files = self.netns_files(machine.name)
        ctx.kernel_release = self.profile.kernel
        table = ctx.processes = self.of_machine(machine)
        shell_pid = max(p.pid for p in table.listing() if p.argv == ("-bash",))
        ctx.ns_pid = table.spawn(tuple(argv), self.sim.now, ppid=shell_pid, tty="pts/0", session_leader=False)
        self.wire_resolver(ctx)
        return ctx

    def detach(self, container: Container, program: Any, argv: list[str], main: bool = False) -> simpy.Process:
        """Start ``argv`` in the background; it ends when this run of the container does (stop, restart)."""
        started = container.started_at

        def alive() -> bool:
            return container.running and container.started_at == started

        ctx = self.in_container(container, argv, main=main)
        ctx.detached = True
        process = self.sim.env.process(background(program(ctx, argv), alive))
        table, pid = ctx.processes, ctx.ns_pid
        if table is not None:
            process.callbacks.append(lambda _event: table.exit(pid))
        return process

    def netns_files(self, machine: str) -> dict[str, Any]:
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

    def wire_resolver(self, ctx: ProcessContext) -> None:
        """getaddrinfo for the program: the hosts file, then the namespace's DNS servers."""
        families = ctx.userland.lookup_families
        sim = self.sim

        def resolve(target: str) -> Generator[Any, Any, str | None]:
            lookup = yield from resolver.resolve(sim, ctx.netns, ctx.files, target, families)
            v4 = [a for a in lookup.addresses if ":" not in a]
            return v4[0] if v4 else None

        def reverse(ip: str) -> Generator[Any, Any, str | None]:
            name = yield from resolver.reverse(sim, ctx.netns, ctx.files, ip)
            return name

        ctx.resolve = resolve
        ctx.reverse = reverse


def background(gen: Generator[Any, Any, int], alive: Callable[[], bool]) -> Generator[Any, Any, int]:
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


def foreground(gen: Generator[Any, Any, int]) -> Generator[Any, Any, int]:
    """Drive a program the terminal waits for; an interrupt it does not catch ends it with 128 + SIGINT."""
    try:
        result = yield from gen
    except simpy.Interrupt:  # Ctrl-C or the time limit, and the program does not catch it: 128 + SIGINT
        return SIGINT_STATUS
    return result


def container_log_writer(sim: Simulation, container: Container) -> Callable[[str, str], None]:
    """What the logging driver does with PID 1's output: each piece into the log at the time it is written.

    With ``-t`` both streams are the terminal's: stdout in the log, ``\n`` as ``\r\n`` (the tty's onlcr).
    """

    def write(stream: str, text: str) -> None:
        if container.tty:
            container.log.write(sim.now, "stdout", text.replace("\n", "\r\n"))
        else:
            container.log.write(sim.now, stream, text)

    return write


class DaemonChildren:
    """Processes dockerd starts on its host (``docker-proxy``): children of dockerd in the host's table."""

    def __init__(self, processes: Processes, machine: Machine) -> None:
        self.processes = processes
        self.machine = machine

    def spawn(self, argv: tuple[str, ...]) -> int:
        """Start ``argv`` as a child of dockerd; its PID."""
        table = self.processes.of_machine(self.machine)
        dockerd = next((p.pid for p in table.listing() if p.argv[:1] == ("/usr/bin/dockerd",)), 1)
        return table.spawn(argv, self.processes.sim.now, ppid=dockerd)

    def exit(self, pid: int) -> None:
        """The process ended."""
        self.processes.of_machine(self.machine).exit(pid)

