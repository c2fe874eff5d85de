"""``docker network ls|create|rm|inspect|connect|disconnect|prune``.

The CLI checks what it can itself (``--subnet`` is a CIDR, ``--gateway`` is in the
subnet, ...) with its own words and exit statuses; the rest is the daemon's to
refuse (``Error response from daemon: ...``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from simulator.dockercli import inspect, output
from simulator.dockercli.base import ANY, NONE, CliOutcome, Command, Group, Table, at_least, exactly
from simulator.dockercli.listing import custom_table, formatted
from simulator.dockercli.parser import Flag, Parsed
from simulator.engine.docker_engine import NetworkRequestSpec
from simulator.errors import CliError, DockerError, NoSuchNetwork

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli
    from simulator.engine.network import Network

LS_FLAGS = (Flag("no-trunc"), Flag("quiet", "q"), Flag("filter", "f", value=True, repeat=True), Flag("format", value=True))
CREATE_FLAGS = (
    Flag("driver", "d", value=True),
    Flag("subnet", value=True, repeat=True),
    Flag("ip-range", value=True, repeat=True),
    Flag("gateway", value=True, repeat=True),
    Flag("aux-address", value=True, repeat=True),
    Flag("internal"),
    Flag("attachable"),
    Flag("opt", "o", value=True, repeat=True),
    Flag("label", value=True, repeat=True),
    Flag("ipv6"),
    Flag("ipam-driver", value=True),
    Flag("scope", value=True),
    Flag("ingress"),
)
RM_FLAGS = (Flag("force", "f"),)
INSPECT_FLAGS = (Flag("format", "f", value=True), Flag("verbose", "v"))
CONNECT_FLAGS = (
    Flag("ip", value=True),
    Flag("alias", value=True, repeat=True),
    Flag("link", value=True, repeat=True),
    Flag("ip6", value=True),
    Flag("driver-opt", value=True, repeat=True),
    Flag("link-local-ip", value=True, repeat=True),
)
DISCONNECT_FLAGS = (Flag("force", "f"),)
PRUNE_FLAGS = (Flag("force", "f"), Flag("filter", value=True, repeat=True))

def _has_label(net: Network, wanted: str) -> bool:
    """``label=KEY`` or ``label=KEY=VALUE`` (filters.MatchKVList)."""
    key, eq, value = wanted.partition("=")
    return key in net.labels and (not eq or net.labels[key] == value)


#: ``docker network ls --filter KEY=VALUE``: whether a network passes, per key.
LS_FILTERS: dict[str, Callable[[Network, str], bool]] = {
    "driver": lambda n, value: n.driver == value,
    "name": lambda n, value: value in n.name,
    "type": lambda n, value: (value == "builtin") == n.predefined,
    "id": lambda n, value: n.id.startswith(value),
    "label": _has_label,
    "scope": lambda n, value: n.scope == value,
}
#: ``docker network ls --format``: the placeholders' column headers (cli/command/formatter/network.go).
LS_HEADERS = {
    "ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER", "Scope": "SCOPE", "IPv6": "IPV6",
    "Internal": "INTERNAL", "Labels": "LABELS", "CreatedAt": "CREATED AT",
}
LS_DEFAULT_FORMAT = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"

USAGE = """
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


def natural(name: str) -> list[object]:
    """sortorder.NaturalLess: digits compare as numbers."""
    return [int(part) if part.isdecimal() else part for part in re.split(r"(\d+)", name)]


def ls(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker network ls [-q] [--no-trunc] [-f KEY=VALUE] [--format TEMPLATE]``."""
    nets: list[Network] = sorted(cli.engine.networks.values(), key=lambda n: natural(n.name))
    for f in p.values_of("filter"):
        key, _, value = f.partition("=")
        keep = LS_FILTERS.get(key)
        if keep is None:
            raise DockerError(cli.engine.profile.messages.invalid_filter.format(key=key))
        nets = [n for n in nets if keep(n, value)]
    ids = [n.id if p.flag("no-trunc") else n.short_id for n in nets]
    if p.flag("quiet"):
        return CliOutcome(stdout="".join(i + "\n" for i in ids))
    rows = [_ls_row(n, i) for i, n in zip(ids, nets, strict=True)]
    return custom_table(p.value("format") or LS_DEFAULT_FORMAT, rows, LS_HEADERS)


def _ls_row(net: Network, shown_id: str) -> dict[str, str]:
    """One network as the fields a ``docker network ls --format`` template sees."""
    return {
        "ID": shown_id, "Name": net.name, "Driver": net.driver, "Scope": net.scope, "IPv6": "false",
        "Internal": "true" if net.internal else "false",
        "Labels": ",".join(f"{k}={v}" for k, v in sorted(net.labels.items())),
        "CreatedAt": output.go_time(net.created),
    }


def _go_cidr(text: str) -> IPv4Network | None:
    """Go's ``net.ParseCIDR``: ``ADDRESS/BITS`` with a decimal prefix length, or None."""
    address, slash, bits = text.partition("/")
    if not slash or not bits.isdecimal() or not address:
        return None
    try:
        return IPv4Network(f"{address}/{bits}", strict=False)
    except ValueError:
        return None


def _cidr(cli: DockerCli, text: str, what: str) -> IPv4Network:
    net = _go_cidr(text)
    if net is None:
        raise CliError(f"invalid argument \"{text}\" for \"--{what}\" flag: invalid CIDR address: {text}\n", 125)
    if str(net) != text and cli.engine.profile.at_least("25"):
        raise DockerError(f"invalid network config:\ninvalid {what} {text}: it should be {net}")
    return net


def _subnet(cli: DockerCli, text: str, checked_against: bool) -> IPv4Network:
    """``--subnet``. 20.10's CLI passes it on as a string: it fails in the CLI only when an
    ``--ip-range``, ``--gateway`` or ``--aux-address`` is matched against it (``subnetMatches``),
    otherwise in the daemon (``getIpamConfig``)."""
    if cli.engine.profile.daemon_parses_subnet and _go_cidr(text) is None:
        if checked_against:
            raise CliError(f"invalid subnet: invalid CIDR address: {text}\n", 1)
        raise DockerError(cli.engine.profile.messages.invalid_subnet.format(subnet=text))
    return _cidr(cli, text, "subnet")


def _address(text: str, flag: str, shown: str | None = None) -> IPv4Address:
    """An IPv4 address given to ``--flag`` (``shown``: the whole flag value, if more than the address)."""
    try:
        return IPv4Address(text)
    except ValueError:
        raise CliError(f"invalid argument \"{shown or text}\" for \"--{flag}\" flag: invalid string being converted to IP address: {text}\n", 125) from None


def _ipam(cli: DockerCli, p: Parsed) -> tuple[IPv4Network | None, IPv4Network | None, IPv4Address | None]:
    """``--subnet``, ``--ip-range`` and ``--gateway``, checked as the CLI checks them."""
    subnets, ranges, gateways = p.values_of("subnet"), p.values_of("ip-range"), p.values_of("gateway")
    if (ranges or gateways) and not subnets:
        raise CliError("every ip-range or gateway must have a corresponding subnet\n", 1)
    if len(subnets) > 1:
        raise CliError("multiple overlapping subnet configuration is not supported\n", 1)
    subnet = _subnet(cli, subnets[0], bool(ranges or gateways or p.values_of("aux-address"))) if subnets else None
    ip_range = gateway = None
    if ranges:
        ip_range = _cidr(cli, ranges[0], "ip-range")
        assert subnet is not None
        if not ip_range.subnet_of(subnet):
            raise CliError(f"no matching subnet for range {ranges[0]}\n", 1)
    if len(gateways) > 1:
        raise CliError(f"cannot configure multiple gateways ({gateways[0]}, {gateways[1]}) for the same subnet ({subnets[0]})\n", 1)
    if gateways:
        gateway = _address(gateways[0], "gateway")
        assert subnet is not None
        if gateway not in subnet:
            raise CliError(f"no matching subnet for gateway {gateways[0]}\n", 1)
    return subnet, ip_range, gateway


def _aux_addresses(p: Parsed, subnet: IPv4Network | None) -> dict[str, IPv4Address]:
    """``--aux-address NAME=IP``: each in the subnet."""
    aux = {}
    for item in p.values_of("aux-address"):
        key, _, value = item.partition("=")
        ip = _address(value, "aux-address", shown=item)
        if subnet is None or ip not in subnet:
            raise CliError(f"no matching subnet for aux-address {value}\n", 1)
        aux[key] = ip
    return aux


def _pairs(items: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` words (``--opt``, ``--label``) as a mapping."""
    return {key: value for key, _, value in (item.partition("=") for item in items)}


def create(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker network create [--driver D] [--subnet ...] NAME``: the new network's ID."""
    subnet, ip_range, gateway = _ipam(cli, p)
    aux = _aux_addresses(p, subnet)
    spec = NetworkRequestSpec(p.args[0], p.value("driver") or "bridge", subnet, ip_range, gateway, aux, p.flag("internal"),
                              p.flag("attachable"), _pairs(p.values_of("opt")), _pairs(p.values_of("label")))
    net = cli.engine.create_network(spec)
    return CliOutcome(stdout=net.id + "\n", changed=True)


def _not_found(cli: DockerCli, error: DockerError, ref: str) -> str:
    """A network the daemon does not know: the 20.10 client's own words for a 404, or the daemon's."""
    if cli.engine.profile.client_not_found:
        return f"Error: No such network: {ref}\n"
    return f"Error response from daemon: {error.message}\n"


def rm(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker network rm [-f] NETWORK...``: each name printed back when removed."""
    out, err = [], []
    for ref in p.args:
        try:
            cli.engine.remove_network(ref)
            out.append(ref + "\n")
        except NoSuchNetwork as error:
            if not p.flag("force"):
                err.append(_not_found(cli, error, ref))
        except DockerError as error:
            err.append(f"Error response from daemon: {error.message}\n")
    return CliOutcome(stdout="".join(out), stderr="".join(err), exit_code=1 if err else 0, changed=True)


def inspect_networks(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker network inspect [-f TEMPLATE] NETWORK...``."""
    objects, errors = [], []
    for ref in p.args:
        try:
            objects.append(inspect.network(cli.engine, cli.engine.network(ref)))
        except NoSuchNetwork as error:
            errors.append(_not_found(cli, error, ref))
        except DockerError as error:
            errors.append(f"Error response from daemon: {error.message}\n")
    return formatted(objects, p.value("format"), errors)


def connect(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker network connect [--ip IP] [--alias A] NETWORK CONTAINER``."""
    text = p.value("ip")
    ip = _address(text, "ip") if text else None
    cli.engine.connect(p.args[0], p.args[1], ip, tuple(p.values_of("alias")))
    return CliOutcome(changed=True)


def disconnect(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker network disconnect [-f] NETWORK CONTAINER``."""
    cli.engine.disconnect(p.args[0], p.args[1], p.flag("force"))
    return CliOutcome(changed=True)


def prune(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker network prune [-f]``: the unused custom networks removed (the prompt answered yes)."""
    removed = cli.engine.prune_networks()
    text = "" if p.flag("force") else (
        "WARNING! This will remove all custom networks not used by at least one container.\n"
        "Are you sure you want to continue? [y/N] y\n"
    )
    if removed:
        # cli/command/network/prune.go: the report, then Fprintln: a blank line after the names.
        # The daemon walks its networks in Go map order (libnetwork's datastore cache), so a real
        # daemon's order changes from run to run; the simulator removes them in creation order.
        text += "Deleted Networks:\n" + "".join(name + "\n" for name in removed) + "\n"
    return CliOutcome(stdout=text, changed=True)


_LS = Command("network ls", ls, LS_FLAGS, ANY)
_RM = Command("network rm", rm, RM_FLAGS, at_least(1))
NETWORK = Group("network", USAGE, {
    "ls": _LS,
    "list": _LS,
    "create": Command("network create", create, CREATE_FLAGS, exactly(1)),
    "rm": _RM,
    "remove": _RM,
    "inspect": Command("network inspect", inspect_networks, INSPECT_FLAGS, at_least(1)),
    "connect": Command("network connect", connect, CONNECT_FLAGS, exactly(2)),
    "disconnect": Command("network disconnect", disconnect, DISCONNECT_FLAGS, exactly(2)),
    "prune": Command("network prune", prune, PRUNE_FLAGS, NONE),
})

COMMANDS: Table = {"network": NETWORK}
