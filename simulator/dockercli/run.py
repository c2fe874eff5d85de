"""``docker run`` and ``docker create``: the flags to a run request, the request to a container.

``docker run`` then starts it: in the background (``-d``), with the terminal in
its shell (``-it``), or with its command as the foreground program (the
container exits when the command does). A daemon refusal is printed in the run
framing of the CLI generation (exit status 125).
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from simulator.dockercli.base import SHELLS, CliOutcome, Command, at_least
from simulator.dockercli.parser import Flag, Parsed
from simulator.engine import images
from simulator.engine.docker_engine import START_TIME_S, PortSpec, RunRequest
from simulator.engine.network_mode import NetworkMode
from simulator.errors import CliError, DockerError

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli

RUN_FLAGS = (
    Flag("detach", "d"),
    Flag("interactive", "i"),
    Flag("tty", "t"),
    Flag("rm"),
    Flag("publish-all", "P"),
    Flag("privileged"),
    Flag("init"),
    Flag("name", value=True),
    Flag("network", value=True, aliases=("net",)),
    Flag("network-alias", value=True, repeat=True, aliases=("net-alias",)),
    Flag("ip", value=True),
    Flag("hostname", "h", value=True),
    Flag("env", "e", value=True, repeat=True),
    Flag("link", value=True, repeat=True),
    Flag("publish", "p", value=True, repeat=True),
    Flag("dns", value=True, repeat=True),
    Flag("add-host", value=True, repeat=True),
    Flag("mac-address", value=True),
    Flag("expose", value=True, repeat=True),
    Flag("restart", value=True),
    Flag("volume", "v", value=True, repeat=True),
    Flag("workdir", "w", value=True),
    Flag("entrypoint", value=True),
    Flag("user", "u", value=True),
    Flag("cap-add", value=True, repeat=True),
)

HOST_MODE_PORTS = "WARNING: Published ports are discarded when using host network mode\n"


def run_request(cli: DockerCli, command: str, p: Parsed) -> RunRequest:
    """The parsed ``docker run``/``create`` flags as the request the engine takes."""
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
    return RunRequest(
        image=image,
        image_ref=ref,
        command=tuple(p.args[1:]),
        name=p.value("name"),
        network=NetworkMode.parse(p.value("network") or "default"),
        aliases=tuple(p.values_of("network-alias")),
        ip=static_ip,
        hostname=p.value("hostname"),
        interactive=p.flag("interactive"),
        tty=p.flag("tty"),
        env=tuple(p.values_of("env")),
        links=tuple(links),
        rm=p.flag("rm"),
        publish=tuple(port_spec(command, spec) for spec in p.values_of("publish")),
        publish_all=p.flag("publish-all"),
        cap_add=tuple(p.values_of("cap-add")),
        privileged=p.flag("privileged"),
    )


def _publish_error(command: str, text: str, reason: str) -> CliError:
    return CliError(f'invalid argument "{text}" for "-p, --publish" flag: {reason}\nSee \'docker {command} --help\'.\n', 125)


def port_spec(command: str, text: str) -> PortSpec:
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
        raise _publish_error(command, text, f"Invalid ip address: {':'.join(parts[:-2])}")
    if proto not in ("tcp", "udp", "sctp"):
        raise _publish_error(command, text, f"invalid proto: {proto}")
    for label, value in (("containerPort", ctr), ("hostPort", host)):
        if value and not (value.isdecimal() and 0 < int(value) < 65536):
            raise _publish_error(command, text, f"Invalid {label}: {value}")
    if not ctr:
        raise _publish_error(command, text, f"No port specified: {text}<empty>")
    return PortSpec(int(ctr), proto, int(host) if host else 0, host_ip)


def create(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker create``: the container, created; its ID printed."""
    req = run_request(cli, "create", p)
    container = cli.engine.create(req)
    return CliOutcome(stdout=container.id + "\n", changed=True)


def run(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker run``: create, then start in the background, in a terminal, or in the foreground."""
    try:
        req = run_request(cli, "run", p)
    except DockerError as error:
        out = cli.daemon_error(error, "run")
        out.stderr = error.note + out.stderr
        return out
    engine = cli.engine
    warning = HOST_MODE_PORTS if (req.publish or req.publish_all) and req.network.is_host else ""
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
            return cli.daemon_error(error, "run")
        return CliOutcome(exec_in=container, exec_argv=list(req.command), foreground_main=True, changed=True, tty=req.tty)
    try:
        engine.start(container)
    except DockerError as error:
        out = cli.daemon_error(error, "run")
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


COMMANDS = {
    "run": Command("run", run, RUN_FLAGS, at_least(1), interspersed=False),
    "create": Command("create", create, RUN_FLAGS, at_least(1), interspersed=False),
}
