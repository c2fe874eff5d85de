"""The ``docker`` command: flags parsed like the CLI, requests sent to the engine,
answers printed like the CLI prints them.

Errors: the CLI's own (unknown flag, missing argument) as cobra words them, exit
125 for flags; the daemon's refusals as ``Error response from daemon: MSG`` (exit
1), or, for ``docker run``/``create``, in the run framing of the CLI generation
(exit 125).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from simulator.engine import images
from simulator.engine.docker_engine import START_TIME_S, RunRequest
from simulator.errors import CliError, DockerError
from simulator.scenario import output
from simulator.scenario.command_parser import (
    EXEC_FLAGS,
    KILL_FLAGS,
    NETWORK_LS_FLAGS,
    PS_FLAGS,
    RM_FLAGS,
    RUN_FLAGS,
    START_FLAGS,
    STOP_FLAGS,
    Flag,
    args_error,
    parse_flags,
)

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.engine.docker_engine import DockerEngine

SUBCOMMANDS = (
    "run", "create", "start", "stop", "restart", "rm", "kill", "ps", "exec", "attach",
    "network", "version", "images", "container", "port",
)


@dataclass
class CliOutcome:
    """What a docker command produced, and what should happen next."""

    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    exec_in: Container | None = None  # run this argv inside the container (exec, foreground run)
    exec_argv: list[str] | None = None
    attach: Container | None = None  # enter the container's shell (-it)
    attach_stops_container: bool = False
    foreground_main: bool = False  # the argv is the container's main process: it exits after
    changed: bool = False


class DockerCli:
    """``docker`` on one Docker host."""

    def __init__(self, engine: DockerEngine) -> None:
        self.engine = engine

    @property
    def style(self) -> str:
        return self.engine.profile.cli_error_style

    def daemon_error(self, error: DockerError, command: str) -> CliOutcome:
        if command in ("run", "create"):
            if self.style == "see-help":
                return CliOutcome(stderr=f"docker: Error response from daemon: {error.message}.\nSee 'docker {command} --help'.\n", exit_code=125)
            return CliOutcome(stderr=f"docker: Error response from daemon: {error.message}\n\nRun 'docker {command} --help' for more information\n", exit_code=125)
        return CliOutcome(stderr=f"Error response from daemon: {error.message}\n", exit_code=error.exit_code)

    def run(self, argv: list[str]) -> CliOutcome:
        args = argv[1:]
        if not args:
            return CliOutcome(stdout=self.usage(), exit_code=0)
        command = args[0]
        if command == "container" and len(args) > 1:
            command, args = args[1], args[1:]
            if command == "ls":
                command = "ps"
        if command in ("--version", "-v"):
            return CliOutcome(stdout=f"Docker version {self.engine.profile.version}, build 6a30dfc\n")
        handler = getattr(self, "cmd_" + command.replace("-", "_"), None)
        if handler is None or command not in SUBCOMMANDS:
            if self.style == "see-help":
                return CliOutcome(stderr=f"docker: '{command}' is not a docker command.\nSee 'docker --help'\n", exit_code=1)
            return CliOutcome(stderr=f"docker: unknown command: docker {command}\n\nRun 'docker --help' for more information\n", exit_code=1)
        try:
            result: CliOutcome = handler(args[1:])
            return result
        except CliError as error:
            return CliOutcome(stderr=error.text, exit_code=error.exit_code)
        except DockerError as error:
            return self.daemon_error(error, command)

    def usage(self) -> str:
        return "\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\nCommon Commands:\n  run         Create and run a new container from an image\n  exec        Execute a command in a running container\n  ps          List containers\n  network     Manage networks\n"

    # -- run / create ------------------------------------------------------------------------

    def _run_request(self, command: str, args: list[str]) -> tuple[RunRequest, Any]:
        p = parse_flags(command, args, RUN_FLAGS, self.style, interspersed=False)
        if not p.args:
            raise args_error(command, "requires at least 1 argument", self.style)
        ref = p.args[0]
        image = images.find(ref)
        if image is None:
            name = images.normalise(ref)
            repo = name.rsplit(":", 1)[0]
            raise DockerError(
                f"pull access denied for {repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
                125,
                note=f"Unable to find image '{name}' locally\n",
            )
        ip = p.value("ip")
        static_ip = None
        if ip is not None:
            try:
                static_ip = IPv4Address(ip)
            except ValueError:
                raise CliError(f'invalid argument "{ip}" for "--ip" flag: invalid string being converted to IP address: {ip}\nSee \'docker {command} --help\'.\n', 125) from None
        links = []
        for spec in p.values_of("link"):
            target, _, alias = spec.partition(":")
            links.append((target, alias or target))
        network = p.value("network") or "default"
        req = RunRequest(
            image=image,
            image_ref=ref,
            command=tuple(p.args[1:]),
            name=p.value("name"),
            network=network,
            aliases=tuple(p.values_of("network-alias")),
            ip=static_ip,
            hostname=p.value("hostname"),
            interactive=p.flag("interactive"),
            tty=p.flag("tty"),
            env=tuple(p.values_of("env")),
            links=tuple(links),
            rm=p.flag("rm"),
        )
        return req, p

    def cmd_create(self, args: list[str]) -> CliOutcome:
        req, _ = self._run_request("create", args)
        container = self.engine.create(req)
        container.image_ref = req.image_ref  # type: ignore[attr-defined]
        return CliOutcome(stdout=container.id + "\n", changed=True)

    def cmd_run(self, args: list[str]) -> CliOutcome:
        try:
            req, p = self._run_request("run", args)
        except DockerError as error:
            out = self.daemon_error(error, "run")
            out.stderr = error.note + out.stderr
            return out
        engine = self.engine
        container = engine.create(req)
        container.image_ref = req.image_ref  # type: ignore[attr-defined]
        detach = p.flag("detach")
        has_command = bool(req.command) and req.command != req.image.cmd
        shell_cmd = not has_command or req.command[0] in ("bash", "sh", "/bin/bash", "/bin/sh", "ash")
        if not detach and has_command and not shell_cmd:
            # The command is the container's main process: run it, then the container exits.
            container.tty = container.interactive = True
            try:
                engine.start(container)
            except DockerError as error:
                return self.daemon_error(error, "run")
            return CliOutcome(exec_in=container, exec_argv=list(req.command), foreground_main=True, changed=True)
        try:
            engine.start(container)
        except DockerError as error:
            return self.daemon_error(error, "run")
        engine.sim.advance(START_TIME_S)
        if detach:
            return CliOutcome(stdout=container.id + "\n", changed=True)
        if container.stays_up and req.interactive and req.tty:
            return CliOutcome(attach=container, attach_stops_container=True, changed=True)
        return CliOutcome(changed=True)

    # -- lifecycle ------------------------------------------------------------------------------

    def _each(self, command: str, args: list[str], flags: list[Flag], action: Any) -> CliOutcome:
        p = parse_flags(command, args, flags, self.style)
        if not p.args:
            raise args_error(command, "requires at least 1 argument", self.style)
        out, err, code = [], [], 0
        for ref in p.args:
            try:
                container = self.engine.container(ref)
                action(container, p)
                out.append(ref + "\n")
            except DockerError as error:
                err.append(f"Error response from daemon: {error.message}\n")
                code = 1
        return CliOutcome(stdout="".join(out), stderr="".join(err), exit_code=code, changed=True)

    def cmd_start(self, args: list[str]) -> CliOutcome:
        p = parse_flags("start", args, START_FLAGS, self.style)
        if p.flag("attach") and p.flag("interactive") and p.args:
            try:
                container = self.engine.container(p.args[0])
                self.engine.start(container)
            except DockerError as error:
                return self.daemon_error(error, "start")
            return CliOutcome(attach=container, attach_stops_container=True, changed=True)

        def start(c: Container, _p: Any) -> None:
            self.engine.start(c)
            self.engine.sim.advance(START_TIME_S)

        return self._each("start", args, START_FLAGS, start)

    def cmd_stop(self, args: list[str]) -> CliOutcome:
        return self._each("stop", args, STOP_FLAGS, lambda c, _p: self.engine.stop(c))

    def cmd_kill(self, args: list[str]) -> CliOutcome:
        def kill(c: Container, _p: Any) -> None:
            if not c.running:
                raise DockerError(f"cannot kill container: {c.name}: container {c.id} is not running")
            self.engine.stop(c, kill=True)

        return self._each("kill", args, KILL_FLAGS, kill)

    def cmd_restart(self, args: list[str]) -> CliOutcome:
        def restart(c: Container, _p: Any) -> None:
            self.engine.stop(c)
            self.engine.start(c)
            c.restart_count += 0
            self.engine.sim.advance(START_TIME_S)

        return self._each("restart", args, STOP_FLAGS, restart)

    def cmd_rm(self, args: list[str]) -> CliOutcome:
        return self._each("rm", args, RM_FLAGS, lambda c, p: self.engine.remove(c, force=p.flag("force")))

    # -- exec / attach ----------------------------------------------------------------------------

    def cmd_exec(self, args: list[str]) -> CliOutcome:
        p = parse_flags("exec", args, EXEC_FLAGS, self.style, interspersed=False)
        if len(p.args) < 2:
            raise args_error("exec", "requires at least 2 arguments", self.style)
        container = self.engine.container(p.args[0])
        if not container.running:
            if self.style == "see-help":
                raise DockerError(f"Container {container.id} is not running")
            raise DockerError(f"container {container.id} is not running")
        argv = p.args[1:]
        if argv[0] in ("bash", "sh", "/bin/bash", "/bin/sh", "ash") and len(argv) == 1:
            if p.flag("interactive") and p.flag("tty"):
                return CliOutcome(attach=container, attach_stops_container=False)
            return CliOutcome()
        return CliOutcome(exec_in=container, exec_argv=argv)

    def cmd_attach(self, args: list[str]) -> CliOutcome:
        p = parse_flags("attach", args, [Flag("no-stdin"), Flag("sig-proxy"), Flag("detach-keys", value=True)], self.style)
        if len(p.args) != 1:
            raise args_error("attach", "requires exactly 1 argument", self.style)
        container = self.engine.container(p.args[0])
        if not container.running:
            raise DockerError("You cannot attach to a stopped container, start it first")
        return CliOutcome(attach=container, attach_stops_container=True)

    # -- listings -------------------------------------------------------------------------------------

    def cmd_ps(self, args: list[str]) -> CliOutcome:
        p = parse_flags("ps", args, PS_FLAGS, self.style)
        if p.args:
            raise args_error("ps", "accepts no arguments", self.style)
        now = self.engine.sim.now
        rows = []
        containers = sorted(self.engine.containers.values(), key=lambda c: -c.created)
        for c in containers:
            if not (c.running or p.flag("all")):
                continue
            cid = c.id if p.flag("no-trunc") else c.short_id
            if p.flag("quiet"):
                rows.append([cid])
                continue
            full_cmd = " ".join((*c.image.entrypoint, *c.command))
            cmd = output.go_quote(full_cmd if p.flag("no-trunc") else output.ellipsis(full_cmd, 20))
            created = output.human_duration(now - c.created) + " ago"
            if c.running:
                status = "Up " + output.human_duration(now - (c.started_at or now))
            elif c.state == "exited":
                status = f"Exited ({c.exit_code}) " + output.human_duration(now - (c.finished_at or now)) + " ago"
            else:
                status = "Created"
            rows.append([cid, getattr(c, "image_ref", c.image.reference), cmd, created, status, "", c.name])
        if p.flag("quiet"):
            return CliOutcome(stdout="".join(r[0] + "\n" for r in rows))
        header = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
        return CliOutcome(stdout=output.table(header, rows))

    def cmd_images(self, args: list[str]) -> CliOutcome:
        rows = []
        for _ref, image in images.CATALOG.items():
            rows.append([image.repository, image.tag, image.image_id, "2 weeks ago", "78.1MB"])
        return CliOutcome(stdout=output.table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], rows))

    def cmd_network(self, args: list[str]) -> CliOutcome:
        if not args:
            return CliOutcome(stdout="\nUsage:  docker network COMMAND\n\nManage networks\n\nCommands:\n  connect     Connect a container to a network\n  create      Create a network\n  disconnect  Disconnect a container from a network\n  inspect     Display detailed information on one or more networks\n  ls          List networks\n  prune       Remove all unused networks\n  rm          Remove one or more networks\n\nRun 'docker network COMMAND --help' for more information on a command.\n")
        sub = args[0]
        if sub in ("ls", "list"):
            p = parse_flags("network ls", args[1:], NETWORK_LS_FLAGS, self.style)
            nets = sorted(self.engine.networks.values(), key=lambda n: n.name)
            for f in p.values_of("filter"):
                key, _, value = f.partition("=")
                if key == "driver":
                    nets = [n for n in nets if n.driver == value]
                elif key == "name":
                    nets = [n for n in nets if value in n.name]
            if p.flag("quiet"):
                return CliOutcome(stdout="".join((n.id if p.flag("no-trunc") else n.short_id) + "\n" for n in nets))
            rows = [[n.id if p.flag("no-trunc") else n.short_id, n.name, n.driver, n.scope] for n in nets]
            return CliOutcome(stdout=output.table(["NETWORK ID", "NAME", "DRIVER", "SCOPE"], rows))
        if self.style == "see-help":
            return CliOutcome(stderr=f"docker: '{' '.join(['network', sub])}' is not a docker command.\nSee 'docker --help'\n", exit_code=1)
        return CliOutcome(stderr=f"docker: unknown command: docker network {sub}\n\nRun 'docker network --help' for more information\n", exit_code=1)

    def cmd_version(self, args: list[str]) -> CliOutcome:
        prof = self.engine.profile
        return CliOutcome(stdout=(
            "Client:\n"
            f" Version:           {prof.version}\n"
            f" API version:       {prof.api_version}\n"
            " OS/Arch:           linux/amd64\n\n"
            "Server: Docker Engine - Community\n"
            " Engine:\n"
            f"  Version:          {prof.version}\n"
            f"  API version:      {prof.api_version} (minimum version 1.24)\n"
            " containerd:\n"
            f"  Version:          {prof.containerd_version}\n"
        ))

    def cmd_port(self, args: list[str]) -> CliOutcome:
        p = parse_flags("port", args, [], self.style)
        if not p.args:
            raise args_error("port", "requires at least 1 argument", self.style)
        self.engine.container(p.args[0])
        return CliOutcome()

