"""``docker run`` and ``docker create``: the flags to a run request, the request to a container.

``docker run`` then starts it: in the background (``-d``), with the terminal in
its shell (``-it``), or with its command as the foreground program (the
container exits when the command does). A daemon refusal is printed in the run
framing of the CLI generation (exit status 125).
"""

from __future__ import annotations

from ipaddress import IPv4Address, ip_address
from typing import TYPE_CHECKING

from simulator.dockercli.base import SHELLS, CliOutcome, Command, at_least
from simulator.dockercli.parser import Flag, Parsed, flag_error
from simulator.engine import images
from simulator.engine.docker_engine import START_TIME_S, PortSpec, RunRequest
from simulator.engine.network_mode import ModeKind, NetworkMode
from simulator.errors import CliError, DockerError

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli
    from simulator.engine.messages import DaemonMessages

RUN_FLAGS = (
    Flag("detach", "d"),
    Flag("interactive", "i"),
    Flag("tty", "t"),
    Flag("rm"),
    Flag("publish-all", "P"),
    Flag("privileged"),
    Flag("init"),
    Flag("name", value=True),
    Flag("network", value=True, repeat=True, aliases=("net",)),
    Flag("network-alias", value=True, repeat=True, aliases=("net-alias",)),
    Flag("ip", value=True),
    Flag("hostname", "h", value=True),
    Flag("domainname", value=True),
    Flag("env", "e", value=True, repeat=True),
    Flag("link", value=True, repeat=True),
    Flag("publish", "p", value=True, repeat=True),
    Flag("dns", value=True, repeat=True),
    Flag("dns-search", value=True, repeat=True),
    Flag("dns-option", value=True, repeat=True, aliases=("dns-opt",)),
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


def parse_error(cli: DockerCli, command: str, message: str) -> CliError:
    """An error of the CLI's own ``parse`` of the run flags (``reportError``), exit status 125."""
    if cli.style == "see-help":
        end = "" if message.endswith(".") else "."
        return CliError(f"docker: {message}{end}\nSee 'docker {command} --help'.\n", 125)
    return CliError(f"docker: {message}\n\nRun 'docker {command} --help' for more information\n", 125)


def _networks(cli: DockerCli, command: str, p: Parsed) -> tuple[NetworkMode, ...]:
    """``--network`` given once or several times (``parseNetworkOpts``): each network once, and
    user-defined networks not mixed with ``bridge``/``host``/``none``/``container:``."""
    given = p.values_of("network") or ["default"]
    modes = tuple(NetworkMode.parse(text) for text in given)
    seen: set[str] = set()
    for text in given:
        if text in seen:
            raise parse_error(cli, command, f'network "{text}" is specified multiple times')
        seen.add(text)
    kinds = {m.kind is ModeKind.NETWORK for m in modes}
    if len(kinds) > 1:
        raise parse_error(cli, command, "conflicting options: cannot attach both user-defined and non-user-defined network-modes")
    return modes


def run_request(cli: DockerCli, command: str, p: Parsed) -> RunRequest:
    """The parsed ``docker run``/``create`` flags as the request the engine takes."""
    check_client_values(cli, command, p)
    ref = p.args[0]
    image = images.find(ref)
    if image is None:  # not a claim that it does not exist: the simulator has no model of it
        raise CliError(
            f"dockersim: the image '{images.normalise(ref)}' is not modelled by the simulator "
            f"(modelled images: {', '.join(images.modelled())})\n",
            125,
        )
    static_ip, aliases = endpoint_settings(cli, p)
    mac = p.value("mac-address") or ""
    links = []
    for spec in p.values_of("link"):
        target, _, alias = spec.partition(":")
        links.append((target, alias or target))
    messages = cli.engine.profile.messages
    publish: list[PortSpec] = []
    for spec in p.values_of("publish"):
        try:
            publish += port_specs(spec, messages)
        except ValueError as error:
            raise parse_error(cli, command, str(error)) from None
    networks = _networks(cli, command, p)
    cli.engine.image_store.add(images.normalise(ref))  # with its flags read, the CLI pulls a missing image, then creates
    return RunRequest(
        image=image,
        image_ref=ref,
        command=tuple(p.args[1:]),
        name=p.value("name"),
        network=networks[0],
        more_networks=networks[1:],
        aliases=aliases,
        ip=static_ip,
        hostname=p.value("hostname"),
        domainname=p.value("domainname") or "",
        interactive=p.flag("interactive"),
        tty=p.flag("tty"),
        env=tuple(p.values_of("env")),
        links=tuple(links),
        rm=p.flag("rm"),
        publish=tuple(publish),
        publish_all=p.flag("publish-all"),
        cap_add=tuple(p.values_of("cap-add")),
        privileged=p.flag("privileged"),
        mac_address=mac,
        dns=tuple(p.values_of("dns")),
        dns_search=tuple(p.values_of("dns-search")),
        dns_options=tuple(p.values_of("dns-option")),
        extra_hosts=tuple(p.values_of("add-host")),
    )


def endpoint_settings(cli: DockerCli, p: Parsed) -> tuple[IPv4Address | None, tuple[str, ...]]:
    """``--ip`` and ``--network-alias`` as the daemon receives them.

    CLI <= 22 sends them only for the network ``--network`` names: without it they
    never reach the daemon (cli/command/container/opts.go parseNetworkOpts), and the
    daemon checks the address's form at create (``invalid IPv4 address: X``).
    """
    ip = p.value("ip")
    aliases = tuple(p.values_of("network-alias"))
    cli_messages = cli.engine.profile.cli_messages
    if cli_messages.endpoint_settings_need_network and not p.values_of("network"):
        return None, ()
    if ip is None:
        return None, aliases
    try:
        return IPv4Address(ip), aliases
    except ValueError:  # a CLI with a typed --ip flag refused it already (check_client_values)
        raise DockerError(cli.engine.profile.messages.invalid_ipv4.format(ip=ip), 125) from None


def check_client_values(cli: DockerCli, command: str, p: Parsed) -> None:
    """What the CLI refuses before asking the daemon: --add-host and --ip as flags, then --mac-address."""
    cli_messages = cli.engine.profile.cli_messages
    for value in p.values_of("add-host"):
        reason = extra_host_error(value, cli_messages.add_host_equals)
        if reason is not None:
            raise flag_error(command, f'invalid argument "{value}" for "--add-host" flag: {reason}', cli.style)
    ip = p.value("ip")
    if ip is not None and cli_messages.ip_flag_typed and not _is_ipv4(ip):
        raise flag_error(command, f'invalid argument "{ip}" for "--ip" flag: invalid string being converted to IP address: {ip}', cli.style)
    mac = p.value("mac-address")
    if mac is not None and not valid_mac(mac.strip()):
        raise _client_error(cli, command, f"{mac} is not a valid mac address")
    networks = p.values_of("network")  # never mixed: user-defined or not (_networks)
    if networks and p.values_of("network-alias") and NetworkMode.parse(networks[0]).kind is not ModeKind.NETWORK:
        # cli/command/container/opts.go parseNetworkAttachmentOpt (v20.10.24 and v29.2.0)
        raise _client_error(cli, command, "network-scoped aliases are only supported for user-defined networks")


def _client_error(cli: DockerCli, command: str, message: str) -> CliError:
    """An error of the CLI's own parse(): reportError with the help line, exit status 125."""
    out = cli.run_error(message, command)
    return CliError(out.stderr, out.exit_code)


def _is_ipv4(text: str) -> bool:
    try:
        IPv4Address(text)
    except ValueError:
        return False
    return True


def _is_ip(text: str) -> bool:
    """Go's net.ParseIP: an IPv4 or IPv6 address (no zone)."""
    try:
        ip_address(text)
    except ValueError:
        return False
    return "%" not in text


def extra_host_error(value: str, equals_form: bool) -> str | None:
    """Why ``--add-host VALUE`` is refused (docker/cli opts/hosts.go ValidateExtraHost), or None.

    ``equals_form`` (CLI >= 25): ``host=ip`` as well as ``host:ip``, an address in
    brackets, and no ``:`` in the name.
    """
    name, sep, ip = value.partition("=") if equals_form else ("", "", "")
    if not sep:
        name, sep, ip = value.partition(":")
    if not sep or not name or (equals_form and ":" in name):
        return f'bad format for add-host: "{value}"'
    if ip == "host-gateway":
        return None
    if equals_form and len(ip) > 2 and ip[0] == "[" and ip[-1] == "]":
        ip = ip[1:-1]
    if not _is_ip(ip.strip()):
        return f'invalid IP address in add-host: "{ip}"'
    return None


def valid_mac(text: str) -> bool:
    """Go's net.ParseMAC: 6, 8 or 20 bytes as ``xx:xx..``, ``xx-xx..`` or ``xxxx.xxxx..``."""
    hexdigits = set("0123456789abcdefABCDEF")
    if len(text) < 14:
        return False
    if text[2] in ":-":
        sep, width, byte_counts = text[2], 2, (6, 8, 20)
    elif text[4] == ".":
        sep, width, byte_counts = ".", 4, (6, 8, 20)
    else:
        return False
    if (len(text) + 1) % (width + 1):
        return False
    groups = text.split(sep)
    if len(groups) * width // 2 not in byte_counts:
        return False
    return all(len(g) == width and set(g) <= hexdigits for g in groups)


def _port_range(text: str) -> tuple[int, int] | None:
    """nat.ParsePortRange: ``N`` or ``N-M`` (0-65535, M >= N), or None."""
    first, dash, last = text.partition("-")
    if not dash:
        last = first
    elif "-" in last:
        last = last.split("-", 1)[0]
    if not (first.isdecimal() and last.isdecimal()):
        return None
    start, end = int(first), int(last)
    if start > 65535 or end > 65535 or end < start:
        return None
    return start, end


def _split_proto_port(raw: str) -> tuple[str, str]:
    """nat.SplitProtoPort: ``80/udp`` -> (``udp``, ``80``); no protocol: tcp; nothing before ``/``: empty."""
    parts = raw.split("/")
    if not parts[0]:
        return "", ""
    if len(parts) == 1 or not parts[1]:
        return "tcp", parts[0]
    return parts[1], parts[0]


def _host_ip(raw: str, messages: DaemonMessages) -> str:
    """The ``IP`` of ``-p IP:HOST:CONTAINER``, brackets of an IPv6 address stripped."""
    ip = raw[1:-1] if raw.startswith("[") and raw.endswith("]") else raw
    if ip:
        try:
            ip_address(ip)
        except ValueError:
            raise ValueError(messages.port_invalid_ip.format(ip=ip)) from None
    return ip


def port_specs(text: str, messages: DaemonMessages) -> list[PortSpec]:
    """``-p [IP:][HOST:]CONTAINER[/PROTO]`` as go-connections' nat.ParsePortSpec reads it: one
    spec per port of a range (``-p 8000-8001:80-81``); ``ValueError`` with the CLI's words."""
    parts = text.split(":")
    raw_ip = ":".join(parts[:-2])
    host = parts[-2] if len(parts) > 1 else ""
    proto, ctr = _split_proto_port(parts[-1])
    ip = _host_ip(raw_ip, messages)
    if not ctr:
        raise ValueError(messages.port_none.format(spec=text))
    ctr_range = _port_range(ctr)
    if ctr_range is None:
        raise ValueError(messages.port_invalid_container.format(port=ctr))
    host_range = (0, 0)
    if host:
        found = _port_range(host)
        if found is None:
            raise ValueError(messages.port_invalid_host.format(port=host))
        host_range = found
    span = ctr_range[1] - ctr_range[0]
    if host and span != host_range[1] - host_range[0] and span != 0:
        raise ValueError(messages.port_invalid_ranges.format(container=ctr, host=host))
    if proto.lower() not in ("tcp", "udp", "sctp"):
        raise ValueError(messages.port_invalid_proto.format(proto=proto))
    specs = []
    for i in range(span + 1):
        if not host:
            specs.append(PortSpec(ctr_range[0] + i, proto.lower(), 0, ip))
        elif span == 0 and host_range[0] != host_range[1]:  # one container port, a range to pick from
            specs.append(PortSpec(ctr_range[0], proto.lower(), host_range[0], ip, host_range[1]))
        else:
            specs.append(PortSpec(ctr_range[0] + i, proto.lower(), host_range[0] + i, ip))
    return specs


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
            return start_failed(cli, error)
        return CliOutcome(exec_in=container, exec_argv=list(req.command), foreground_main=True, changed=True, tty=req.tty)
    try:
        engine.start(container)
    except DockerError as error:
        out = start_failed(cli, error)
        out.stdout = container.id + "\n" if detach else ""  # -d prints the id before it starts it
        out.stderr = warning + out.stderr
        return out
    engine.sim.advance(START_TIME_S)
    if detach:
        return CliOutcome(stdout=container.id + "\n", stderr=warning, changed=True, stderr_first=bool(warning))
    if container.stays_up and req.interactive and req.tty:
        return CliOutcome(attach=container, attach_stops_container=True, changed=True)
    return CliOutcome(changed=True)


def start_failed(cli: DockerCli, error: DockerError) -> CliOutcome:
    """``docker run`` whose container was created but did not start: it stays Created.

    The exit status tells why (docker/cli run.go runStartContainerErr/toStatusError):
    127 when the command was not found, 126 when it could not be executed, else 125.
    CLI <= 27 prints no help line after a failed start.
    """
    message = error.message
    code = 125
    if "executable file not found" in message or "no such file or directory" in message:
        code = 127
    elif "permission denied" in message or "is a directory" in message:
        code = 126
    help_line = cli.engine.profile.cli_messages.start_error_help
    out = cli.run_error(f"Error response from daemon: {message}", "run", help_line=help_line, exit_code=code)
    out.changed = True
    return out


COMMANDS = {
    "run": Command("run", run, RUN_FLAGS, at_least(1), interspersed=False),
    "create": Command("create", create, RUN_FLAGS, at_least(1), interspersed=False),
}
