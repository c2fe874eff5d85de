"""The ``docker`` command: flags parsed like the CLI, requests sent to the engine,
answers printed like the CLI prints them.

Errors: the CLI's own (unknown flag, missing argument) as cobra words them, exit
125 for flags; the daemon's refusals as ``Error response from daemon: MSG`` (exit
1), or, for ``docker run``/``create``, in the run framing of the CLI generation
(exit 125).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING, Any

from simulator.engine import images
from simulator.engine.docker_engine import START_TIME_S, NetworkRequestSpec, PortSpec, RunRequest
from simulator.engine.network_mode import NetworkMode
from simulator.errors import CliError, DockerError
from simulator.scenario import gotemplate, inspect, output
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
    "network", "version", "images", "container", "port", "inspect", "swarm", "node",
)

SHELLS = frozenset({"bash", "sh", "ash"})  # a container whose command is a shell needs a terminal to stay up


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
    stderr_first: bool = False  # a warning printed before the output
    detach: bool = False  # docker exec -d: the process runs on in the background
    tty: bool = False  # -t: the program's output goes to a terminal (apt-get then says "... Done")


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
        if image is None:  # not a claim that it does not exist: the simulator has no model of it
            raise CliError(
                f"dockersim: the image '{images.normalise(ref)}' is not modelled by the simulator "
                f"(modelled images: {', '.join(images.modelled())})\n",
                125,
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
        network = NetworkMode.parse(p.value("network") or "default")
        publish = tuple(self._port_spec(command, spec) for spec in p.values_of("publish"))
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
            publish=publish,
            publish_all=p.flag("publish-all"),
            cap_add=tuple(p.values_of("cap-add")),
            privileged=p.flag("privileged"),
        )
        return req, p

    def _port_spec(self, command: str, text: str) -> PortSpec:
        """``-p [IP:][HOST:]CONTAINER[/PROTO]`` as nat.ParsePortSpec reads it."""
        spec, _, proto = text.partition("/")
        proto = proto or "tcp"
        parts = spec.split(":")
        host_ip, host, ctr = "", "", parts[-1]
        if len(parts) == 2:
            host = parts[0]
        elif len(parts) == 3:
            host_ip, host = parts[0], parts[1]
        elif len(parts) > 3:
            raise CliError(f'invalid argument "{text}" for "-p, --publish" flag: Invalid ip address: {":".join(parts[:-2])}\nSee \'docker {command} --help\'.\n', 125)
        if proto not in ("tcp", "udp", "sctp"):
            raise CliError(f'invalid argument "{text}" for "-p, --publish" flag: invalid proto: {proto}\nSee \'docker {command} --help\'.\n', 125)
        for label, value in (("containerPort", ctr), ("hostPort", host)):
            if value and not (value.isdecimal() and 0 < int(value) < 65536):
                raise CliError(f'invalid argument "{text}" for "-p, --publish" flag: Invalid {label}: {value}\nSee \'docker {command} --help\'.\n', 125)
        if not ctr:
            raise CliError(f'invalid argument "{text}" for "-p, --publish" flag: No port specified: {text}<empty>\nSee \'docker {command} --help\'.\n', 125)
        return PortSpec(int(ctr), proto, int(host) if host else 0, host_ip)

    def cmd_create(self, args: list[str]) -> CliOutcome:
        req, _ = self._run_request("create", args)
        container = self.engine.create(req)
        return CliOutcome(stdout=container.id + "\n", changed=True)

    def cmd_run(self, args: list[str]) -> CliOutcome:
        try:
            req, p = self._run_request("run", args)
        except DockerError as error:
            out = self.daemon_error(error, "run")
            out.stderr = error.note + out.stderr
            return out
        engine = self.engine
        warning = ""
        if (req.publish or req.publish_all) and req.network.is_host:
            warning = "WARNING: Published ports are discarded when using host network mode\n"
        container = engine.create(req)
        detach = p.flag("detach")
        has_command = bool(req.command) and req.command != req.image.cmd
        # a bare shell idles at its prompt; `sh -c LINE` is a command like any other
        shell_cmd = not has_command or (req.command[0].rsplit("/", 1)[-1] in SHELLS and len(req.command) == 1)
        if not detach and has_command and not shell_cmd:
            # The command is the container's main process: run it, then the container exits.
            try:
                engine.start(container, run_main=False)
            except DockerError as error:
                return self.daemon_error(error, "run")
            return CliOutcome(exec_in=container, exec_argv=list(req.command), foreground_main=True, changed=True, tty=req.tty)
        try:
            engine.start(container)
        except DockerError as error:
            out = self.daemon_error(error, "run")
            out.stdout = container.id + "\n" if detach else ""
            out.stderr = warning + out.stderr
            out.changed = True
            return out
        engine.sim.advance(START_TIME_S)
        if detach:
            return CliOutcome(stdout=container.id + "\n", stderr=warning, changed=True, stderr_first=bool(warning))
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
        if argv[0].rsplit("/", 1)[-1] in SHELLS and len(argv) == 1:
            if p.flag("interactive") and p.flag("tty"):
                return CliOutcome(attach=container, attach_stops_container=False)
            return CliOutcome()
        return CliOutcome(exec_in=container, exec_argv=argv, detach=p.flag("detach"), tty=p.flag("tty"))

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
        if p.flag("latest"):
            containers = containers[:1]
        for c in containers:
            if not (c.running or p.flag("all") or p.flag("latest")):
                continue
            full_cmd = " ".join((*c.image.entrypoint, *c.command))
            if c.running:
                status = "Up " + output.human_duration(now - (c.started_at if c.started_at is not None else now))
            elif c.state == "exited":
                status = f"Exited ({c.exit_code}) " + output.human_duration(now - (c.finished_at if c.finished_at is not None else now)) + " ago"
            else:
                status = "Created"
            rows.append({
                "ID": c.id if p.flag("no-trunc") else c.short_id,
                "Image": c.image_ref or c.image.reference,
                "Command": output.go_quote(full_cmd if p.flag("no-trunc") else output.ellipsis(full_cmd, 20)),
                "RunningFor": output.human_duration(now - c.created) + " ago",
                "CreatedAt": output.rfc3339(c.created),
                "Status": status,
                "State": c.state,
                "Ports": self._ports_column(c),
                "Names": c.name,
                "Networks": ",".join(sorted(c.endpoints)),
            })
        if p.flag("quiet"):
            return CliOutcome(stdout="".join(r["ID"] + "\n" for r in rows))
        template = p.value("format")
        if template is None or template == "table":
            header = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
            keys = ["ID", "Image", "Command", "RunningFor", "Status", "Ports", "Names"]
            return CliOutcome(stdout=output.table(header, [[r[k] for k in keys] for r in rows]))
        return self._custom_table(template, rows, PS_HEADERS)

    def _custom_table(self, template: str, rows: list[dict[str, str]], headers: dict[str, str]) -> CliOutcome:
        """``--format``: a Go template per row, or ``table ...`` with tab-separated columns."""
        is_table = template.startswith("table ")
        body = template[6:] if is_table else template
        try:
            lines = [gotemplate.render(body, row) for row in rows]
            if not is_table:
                return CliOutcome(stdout="".join(line + "\n" for line in lines))
            head = gotemplate.render(body, {k: headers.get(k, k.upper()) for k in rows[0]} if rows else dict(headers))
        except gotemplate.TemplateError as error:
            return CliOutcome(stderr=f"{error}\n", exit_code=1)
        cells = [line.split("\t") for line in [head, *lines]]
        width = max(len(c) for c in cells)
        cells = [c + [""] * (width - len(c)) for c in cells]
        return CliOutcome(stdout=output.table(cells[0], cells[1:]))

    def _ports_column(self, c: Container) -> str:
        """``0.0.0.0:8080->80/tcp, [::]:8080->80/tcp`` (``:::8080`` on older CLIs), or ``80/tcp``."""
        if not c.running or c.network_mode.shares_namespace:
            return ""
        v6 = "[::]" if self.engine.profile.at_least("27") else "::"
        parts = []
        bound = set()
        for b in sorted(c.port_bindings, key=lambda b: (b.container_port, b.proto)):
            parts.append(f"0.0.0.0:{b.host_port}->{b.container_port}/{b.proto}")
            parts.append(f"{v6}:{b.host_port}->{b.container_port}/{b.proto}")
            bound.add(f"{b.container_port}/{b.proto}")
        for exposed in c.image.exposed:
            if exposed not in bound:
                parts.append(exposed)
        return ", ".join(parts)

    def cmd_port(self, args: list[str]) -> CliOutcome:
        p = parse_flags("port", args, [], self.style)
        if not p.args:
            raise args_error("port", "requires at least 1 argument", self.style)
        c = self.engine.container(p.args[0])
        v6 = "[::]"
        lines = []
        for b in sorted(c.port_bindings, key=lambda b: (b.container_port, b.proto)):
            key = f"{b.container_port}/{b.proto}"
            if len(p.args) > 1 and p.args[1] not in (key, str(b.container_port)):
                continue
            prefix = "" if len(p.args) > 1 else f"{key} -> "
            lines += [f"{prefix}0.0.0.0:{b.host_port}", f"{prefix}{v6}:{b.host_port}"]
        if len(p.args) > 1 and not lines:
            raise DockerError(f"No public port '{p.args[1] if '/' in p.args[1] else p.args[1] + '/tcp'}' published for {c.name}")
        return CliOutcome(stdout="".join(line + "\n" for line in lines))

    def cmd_inspect(self, args: list[str]) -> CliOutcome:
        p = parse_flags("inspect", args, [Flag("format", "f", value=True), Flag("type", value=True), Flag("size", "s")], self.style)
        if not p.args:
            raise args_error("inspect", "requires at least 1 argument", self.style)
        kind = p.value("type")
        objects, errors = [], []
        for ref in p.args:
            try:
                if kind == "network":
                    objects.append(inspect.network(self.engine, self.engine.network(ref)))
                    continue
                try:
                    objects.append(inspect.container(self.engine, self.engine.container(ref)))
                except DockerError:
                    if kind == "container":
                        raise
                    objects.append(inspect.network(self.engine, self.engine.network(ref)))
            except DockerError:
                errors.append(f"Error: No such {kind or 'object'}: {ref}\n" if self.engine.profile.at_least("23") or kind else f"Error: No such object: {ref}\n")
        return self._formatted(objects, p.value("format"), errors)

    def _formatted(self, objects: list[Any], template: str | None, errors: list[str]) -> CliOutcome:
        if template is None:
            text = output.inspect_json(objects) if objects or not errors else "[]\n"
            return CliOutcome(stdout=text, stderr="".join(errors), exit_code=1 if errors else 0)
        try:
            text = "".join(gotemplate.render(template, obj) + "\n" for obj in objects)
        except gotemplate.TemplateError as error:
            return CliOutcome(stderr=f"{error}\n", exit_code=1)
        return CliOutcome(stdout=text, stderr="".join(errors), exit_code=1 if errors else 0)

    def cmd_images(self, args: list[str]) -> CliOutcome:
        rows = []
        for _ref, image in images.CATALOG.items():
            rows.append([image.repository, image.tag, image.image_id, "2 weeks ago", "78.1MB"])
        return CliOutcome(stdout=output.table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], rows))

    def cmd_network(self, args: list[str]) -> CliOutcome:
        if not args or args[0] in ("--help", "help"):
            return CliOutcome(stdout=NETWORK_USAGE)
        sub, rest = args[0], args[1:]
        handler = {
            "ls": self._network_ls, "list": self._network_ls, "create": self._network_create,
            "rm": self._network_rm, "remove": self._network_rm, "inspect": self._network_inspect,
            "connect": self._network_connect, "disconnect": self._network_disconnect, "prune": self._network_prune,
        }.get(sub)
        if handler is None:
            if self.style == "see-help":
                return CliOutcome(stderr=f"docker: 'network {sub}' is not a docker command.\nSee 'docker --help'\n", exit_code=1)
            return CliOutcome(stderr=f"docker: unknown command: docker network {sub}\n\nRun 'docker network --help' for more information\n", exit_code=1)
        return handler(rest)

    def _network_ls(self, args: list[str]) -> CliOutcome:
        p = parse_flags("network ls", args, NETWORK_LS_FLAGS, self.style)
        nets = sorted(self.engine.networks.values(), key=lambda n: _natural(n.name))
        for f in p.values_of("filter"):
            key, _, value = f.partition("=")
            if key == "driver":
                nets = [n for n in nets if n.driver == value]
            elif key == "name":
                nets = [n for n in nets if value in n.name]
            elif key == "type":
                nets = [n for n in nets if (value == "builtin") == n.predefined]
            elif key == "id":
                nets = [n for n in nets if n.id.startswith(value)]
            else:
                raise DockerError(f"invalid filter '{key}'")
        if p.flag("quiet"):
            return CliOutcome(stdout="".join((n.id if p.flag("no-trunc") else n.short_id) + "\n" for n in nets))
        rows = [[n.id if p.flag("no-trunc") else n.short_id, n.name, n.driver, n.scope] for n in nets]
        return CliOutcome(stdout=output.table(["NETWORK ID", "NAME", "DRIVER", "SCOPE"], rows))

    def _network_create(self, args: list[str]) -> CliOutcome:
        flags = [
            Flag("driver", "d", value=True), Flag("subnet", value=True, repeat=True), Flag("ip-range", value=True, repeat=True),
            Flag("gateway", value=True, repeat=True), Flag("aux-address", value=True, repeat=True), Flag("internal"),
            Flag("attachable"), Flag("opt", "o", value=True, repeat=True), Flag("label", value=True, repeat=True),
            Flag("ipv6"), Flag("ipam-driver", value=True), Flag("scope", value=True), Flag("ingress"),
        ]
        p = parse_flags("network create", args, flags, self.style)
        if len(p.args) != 1:
            raise args_error("network create", "requires exactly 1 argument", self.style)
        name = p.args[0]
        subnets, ranges, gateways = p.values_of("subnet"), p.values_of("ip-range"), p.values_of("gateway")
        if (ranges or gateways) and not subnets:
            raise CliError("every ip-range or gateway must have a corresponding subnet\n", 1)
        if len(subnets) > 1:
            raise CliError("multiple overlapping subnet configuration is not supported\n", 1)
        subnet = ip_range = gateway = None
        if subnets:
            subnet = self._cidr(subnets[0], "subnet")
        if ranges:
            ip_range = self._cidr(ranges[0], "ip-range")
            assert subnet is not None
            if not ip_range.subnet_of(subnet):
                raise CliError(f"no matching subnet for range {ranges[0]}\n", 1)
        if len(gateways) > 1:
            raise CliError(f"cannot configure multiple gateways ({gateways[0]}, {gateways[1]}) for the same subnet ({subnets[0]})\n", 1)
        if gateways:
            try:
                gateway = IPv4Address(gateways[0])
            except ValueError:
                raise CliError(f"invalid argument \"{gateways[0]}\" for \"--gateway\" flag: invalid string being converted to IP address: {gateways[0]}\n", 125) from None
            assert subnet is not None
            if gateway not in subnet:
                raise CliError(f"no matching subnet for gateway {gateways[0]}\n", 1)
        aux = {}
        for item in p.values_of("aux-address"):
            key, _, value = item.partition("=")
            try:
                ip = IPv4Address(value)
            except ValueError:
                raise CliError(f"invalid argument \"{item}\" for \"--aux-address\" flag: invalid string being converted to IP address: {value}\n", 125) from None
            if subnet is None or ip not in subnet:
                raise CliError(f"no matching subnet for aux-address {value}\n", 1)
            aux[key] = ip
        options = {}
        for item in p.values_of("opt"):
            key, _, value = item.partition("=")
            options[key] = value
        labels = {k: v for k, _, v in (item.partition("=") for item in p.values_of("label"))}
        spec = NetworkRequestSpec(name, p.value("driver") or "bridge", subnet, ip_range, gateway, aux, p.flag("internal"),
                                  p.flag("attachable"), options, labels)
        net = self.engine.create_network(spec)
        return CliOutcome(stdout=net.id + "\n", changed=True)

    def _cidr(self, text: str, what: str) -> IPv4Network:
        try:
            net = IPv4Network(text, strict=False)
        except ValueError:
            raise CliError(f"invalid argument \"{text}\" for \"--{what}\" flag: invalid CIDR address: {text}\n", 125) from None
        if str(net) != text and self.engine.profile.at_least("25"):
            raise DockerError(f"invalid network config:\ninvalid {what.replace('ip-', 'ip-')} {text}: it should be {net}")
        return net

    def _network_rm(self, args: list[str]) -> CliOutcome:
        p = parse_flags("network rm", args, [Flag("force", "f")], self.style)
        if not p.args:
            raise args_error("network rm", "requires at least 1 argument", self.style)
        out, err = [], []
        for ref in p.args:
            try:
                self.engine.remove_network(ref)
                out.append(ref + "\n")
            except DockerError as error:
                if p.flag("force") and "not found" in error.message:
                    continue
                err.append(f"Error response from daemon: {error.message}\n")
        return CliOutcome(stdout="".join(out), stderr="".join(err), exit_code=1 if err else 0, changed=True)

    def _network_inspect(self, args: list[str]) -> CliOutcome:
        p = parse_flags("network inspect", args, [Flag("format", "f", value=True), Flag("verbose", "v")], self.style)
        if not p.args:
            raise args_error("network inspect", "requires at least 1 argument", self.style)
        objects, errors = [], []
        for ref in p.args:
            try:
                objects.append(inspect.network(self.engine, self.engine.network(ref)))
            except DockerError as error:
                errors.append(f"Error response from daemon: {error.message}\n" if self.style == "see-help" else f"Error: No such network: {ref}\n")
        return self._formatted(objects, p.value("format"), errors)

    def _network_connect(self, args: list[str]) -> CliOutcome:
        flags = [Flag("ip", value=True), Flag("alias", value=True, repeat=True), Flag("link", value=True, repeat=True),
                 Flag("ip6", value=True), Flag("driver-opt", value=True, repeat=True), Flag("link-local-ip", value=True, repeat=True)]
        p = parse_flags("network connect", args, flags, self.style)
        if len(p.args) != 2:
            raise args_error("network connect", "requires exactly 2 arguments", self.style)
        ip = None
        if p.value("ip"):
            try:
                ip = IPv4Address(p.value("ip"))
            except ValueError:
                raise CliError(f"invalid argument \"{p.value('ip')}\" for \"--ip\" flag: invalid string being converted to IP address: {p.value('ip')}\n", 125) from None
        self.engine.connect(p.args[0], p.args[1], ip, tuple(p.values_of("alias")))
        return CliOutcome(changed=True)

    def _network_disconnect(self, args: list[str]) -> CliOutcome:
        p = parse_flags("network disconnect", args, [Flag("force", "f")], self.style)
        if len(p.args) != 2:
            raise args_error("network disconnect", "requires exactly 2 arguments", self.style)
        self.engine.disconnect(p.args[0], p.args[1], p.flag("force"))
        return CliOutcome(changed=True)

    def _network_prune(self, args: list[str]) -> CliOutcome:
        p = parse_flags("network prune", args, [Flag("force", "f"), Flag("filter", value=True, repeat=True)], self.style)
        removed = self.engine.prune_networks()
        text = "" if p.flag("force") else (
            "WARNING! This will remove all custom networks not used by at least one container.\n"
            "Are you sure you want to continue? [y/N] y\n"
        )
        if removed:
            text += "Deleted Networks:\n" + "".join(name + "\n" for name in removed)
        return CliOutcome(stdout=text, changed=True)

    def cmd_swarm(self, args: list[str]) -> CliOutcome:
        from simulator.scenario import swarm_cli

        return swarm_cli.swarm(self, args)

    def cmd_node(self, args: list[str]) -> CliOutcome:
        from simulator.scenario import swarm_cli

        return swarm_cli.node(self, args)

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




NETWORK_USAGE = """
Usage:  docker network COMMAND

Manage networks

Commands:
  connect     Connect a container to a network
  create      Create a network
  disconnect  Disconnect a container from a network
  inspect     Display detailed information on one or more networks
  ls          List networks
  prune       Remove all unused networks
  rm          Remove one or more networks

Run 'docker network COMMAND --help' for more information on a command.
"""


def _natural(name: str) -> list[object]:
    """sortorder.NaturalLess: digits compare as numbers."""
    import re

    return [int(part) if part.isdecimal() else part for part in re.split(r"(\d+)", name)]


PS_HEADERS = {
    "ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "RunningFor": "CREATED", "CreatedAt": "CREATED AT",
    "Status": "STATUS", "State": "STATE", "Ports": "PORTS", "Names": "NAMES", "Networks": "NETWORKS",
}
