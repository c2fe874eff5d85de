"""``docker ps``, ``docker port`` and ``docker inspect``: what the daemon knows, as the CLI prints it.

Tables are laid out as the CLI's tabwriter does (:mod:`~simulator.dockercli.output`);
``--format`` takes a Go template (:mod:`~simulator.dockercli.gotemplate`), per row or
as ``table ...`` columns; inspect prints the JSON Docker prints
(:mod:`~simulator.dockercli.inspect`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulator.dockercli import gotemplate, inspect, output
from simulator.dockercli.base import NONE, CliOutcome, Command, at_least
from simulator.dockercli.parser import Flag, Parsed, flag_error
from simulator.engine import images
from simulator.errors import CliError, DockerError

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli
    from simulator.engine.container import Container

PS_FLAGS = (
    Flag("all", "a"),
    Flag("quiet", "q"),
    Flag("no-trunc"),
    Flag("latest", "l"),
    Flag("size", "s"),
    Flag("filter", "f", value=True, repeat=True),
    Flag("format", value=True),
    Flag("last", "n", value=True),
)
INSPECT_FLAGS = (Flag("format", "f", value=True), Flag("type", value=True), Flag("size", "s"))

PS_HEADERS = {
    "ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "RunningFor": "CREATED", "CreatedAt": "CREATED AT",
    "Status": "STATUS", "State": "STATE", "Ports": "PORTS", "Names": "NAMES", "Networks": "NETWORKS",
}
#: The default ``docker ps`` table: (template field, column header).
PS_COLUMNS = (
    ("ID", "CONTAINER ID"), ("Image", "IMAGE"), ("Command", "COMMAND"), ("RunningFor", "CREATED"),
    ("Status", "STATUS"), ("Ports", "PORTS"), ("Names", "NAMES"),
)


def _status(c: Container, now: float) -> str:
    """``Up 5 seconds``, ``Exited (0) 2 minutes ago`` or ``Created``."""
    if c.running:
        return "Up " + output.human_duration(now - (c.started_at if c.started_at is not None else now))
    if c.state == "exited":
        return f"Exited ({c.exit_code}) " + output.human_duration(now - (c.finished_at if c.finished_at is not None else now)) + " ago"
    return "Created"


def _ps_row(cli: DockerCli, c: Container, now: float, full: bool) -> dict[str, str]:
    """One container as the fields a ``docker ps --format`` template sees."""
    full_cmd = " ".join((*c.image.entrypoint, *c.command))
    return {
        "ID": c.id if full else c.short_id,
        "Image": c.image_ref or c.image.reference,
        "Command": output.go_quote(full_cmd if full else output.ellipsis(full_cmd, 20)),
        "RunningFor": output.human_duration(now - c.created) + " ago",
        "CreatedAt": output.rfc3339(c.created),
        "Status": _status(c, now),
        "State": c.state,
        "Ports": ports_column(cli, c),
        "Names": c.name,
        "Networks": ",".join(sorted(c.endpoints)),
    }


def ps(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker ps [-a] [-l] [-n N] [-q] [--no-trunc] [--format ...]``, newest first."""
    now = cli.engine.sim.now
    filters = ps_filters(cli, p.values_of("filter"))
    # newest first; of two created at the same instant, the later one first
    containers = sorted(cli.engine.containers.values(), key=lambda c: c.created)[::-1]
    last = _last(cli, p.value("last"))
    if p.flag("latest") and last <= 0:
        last = 1  # -l is -n 1
    if last > 0:  # the last N created, in every state
        containers = containers[:last]
    every = p.flag("all") or last > 0 or "status" in filters  # a status filter lists exited ones too
    rows = [_ps_row(cli, c, now, p.flag("no-trunc")) for c in containers
            if (c.running or every) and _matches(cli, c, filters)]
    if p.flag("quiet"):
        return CliOutcome(stdout="".join(r["ID"] + "\n" for r in rows))
    template = p.value("format")
    if template is None or template == "table":
        header = [head for _key, head in PS_COLUMNS]
        return CliOutcome(stdout=output.table(header, [[r[key] for key, _head in PS_COLUMNS] for r in rows]))
    return custom_table(template, rows, PS_HEADERS)


def _last(cli: DockerCli, value: str | None) -> int:
    """``-n, --last N`` as pflag reads an int (default -1)."""
    if value is None:
        return -1
    try:
        return int(value, 0)
    except ValueError:
        raise flag_error("ps", f'invalid argument "{value}" for "-n, --last" flag: strconv.ParseInt: parsing "{value}": invalid syntax',
                         cli.style) from None


# every key the daemon takes (daemon/list.go acceptedPsFilterTags); the simulator filters on the first four
PS_FILTERS_MODELLED = ("name", "id", "status", "network")
PS_FILTERS_ACCEPTED = PS_FILTERS_MODELLED + (
    "ancestor", "before", "exited", "expose", "health", "isolation", "is-task", "label", "publish", "since", "volume",
)

PS_STATUSES = ("created", "restarting", "running", "removing", "paused", "exited", "dead")


def ps_filters(cli: DockerCli, specs: list[str]) -> dict[str, list[str]]:
    """``--filter KEY=VALUE`` (repeated: the same key ORs, different keys AND), checked as the CLI and daemon do."""
    filters: dict[str, list[str]] = {}
    for spec in specs:
        key, sep, value = spec.partition("=")
        if not sep:
            raise flag_error("ps", f'invalid argument "{spec}" for "-f, --filter" flag: bad format of filter (expected name=value)', cli.style)
        filters.setdefault(key.strip().lower(), []).append(value.strip())
    for key in filters:
        if key not in PS_FILTERS_ACCEPTED:
            raise DockerError(f"Invalid filter '{key}'")
        if key == "status":
            for value in filters[key]:
                if value not in PS_STATUSES:
                    raise DockerError(f"Invalid filter 'status={value}'")
        if key not in PS_FILTERS_MODELLED:
            raise CliError(f"dockersim: docker ps --filter {key}=... is not modelled by the simulator "
                           f"(modelled: {', '.join(PS_FILTERS_MODELLED)})\n", 1)
    return filters


def _matches(cli: DockerCli, c: Container, filters: dict[str, list[str]]) -> bool:
    """Whether the container passes every filter key (one of each key's values)."""
    tests: dict[str, Callable[[str], bool]] = {
        "name": lambda v: _search(v, "/" + c.name),  # a regular expression, searched in "/NAME"
        "id": lambda v: c.id.startswith(v),
        "status": lambda v: v == c.state,
        "network": lambda v: any(v in (name, ep.network.id) for name, ep in c.endpoints.items()),
    }
    return all(any(tests[key](value) for value in values) for key, values in filters.items())


def _search(pattern: str, text: str) -> bool:
    """Go's regexp.MatchString: a pattern that does not compile matches nothing."""
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def custom_table(template: str, rows: list[dict[str, str]], headers: dict[str, str]) -> CliOutcome:
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


def host_port(cli: DockerCli, ip: str, port: str) -> str:
    """``IP:PORT`` as this CLI joins them (``[::]:8080``, or ``:::8080`` before net.JoinHostPort)."""
    if ":" in ip and cli.engine.profile.cli_ipv6_brackets:
        return f"[{ip}]:{port}"
    return f"{ip}:{port}"


def ports_column(cli: DockerCli, c: Container) -> str:
    """``docker ps`` PORTS (formatter.DisplayablePorts): sorted by container port, then address; a port
    published on the same number grouped into ranges (``0.0.0.0:9000-9002->9000-9002/tcp``), then the
    other mappings (``0.0.0.0:8080->80/tcp``); an exposed port not published as ``80/tcp``."""
    if not c.running or c.network_mode.shares_namespace:
        return ""
    ports: list[tuple[int, str, int, str]] = []  # (private, ip, public, proto), as the daemon lists them
    for key, pairs in inspect.frontends(c).items():
        number, _, proto = key.partition("/")
        ports += [(int(number), ip, int(public), proto) for ip, public in pairs]
    bound = set(inspect.frontends(c))
    for exposed in c.image.exposed:
        if exposed not in bound:
            number, _, proto = exposed.partition("/")
            ports.append((int(number), "", 0, proto or "tcp"))
    ports.sort()
    groups: dict[tuple[str, str], list[int]] = {}  # (ip, proto) -> [first, last], in creation order
    result: list[str] = []
    mappings: list[str] = []
    for private, ip, public, proto in ports:
        if ip and public != private:
            mappings.append(f"{host_port(cli, ip, str(public))}->{private}/{proto}")
            continue
        group = groups.get((ip, proto))
        if group is not None and private == group[1] + 1:
            group[1] = private
            continue
        if group is not None:
            result.append(_port_group(cli, ip, proto, group))
        groups[(ip, proto)] = [private, private]  # a new group keeps the key's place
    result += [_port_group(cli, ip, proto, group) for (ip, proto), group in groups.items()]
    return ", ".join(result + mappings)


def _port_group(cli: DockerCli, ip: str, proto: str, group: list[int]) -> str:
    """formatter.formGroup: ``9000-9002/tcp``, or ``0.0.0.0:9000-9002->9000-9002/tcp`` when published."""
    text = str(group[0]) if group[0] == group[1] else f"{group[0]}-{group[1]}"
    if ip:
        text = f"{host_port(cli, ip, text)}->{text}"
    return f"{text}/{proto}"


def port(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker port CONTAINER [PORT[/PROTO]]``: where each published port listens on the host."""
    c = cli.engine.container(p.args[0])
    found = inspect.frontends(c)
    if len(p.args) > 1:
        typed = p.args[1]
        number, _, proto = typed.partition("/")
        pairs = found.get(f"{number}/{proto or 'tcp'}")
        if not pairs:
            message = cli.engine.profile.messages.no_public_port
            raise CliError(message.format(typed=typed, port=number, proto=proto or "tcp", name=p.args[0]) + "\n", 1)
        lines = [host_port(cli, ip, public) for ip, public in pairs]
    else:
        lines = [f"{key} -> {host_port(cli, ip, public)}" for key, pairs in found.items() for ip, public in pairs]
    if cli.engine.profile.cli_ipv6_brackets:  # CLI >= 23 sorts its lines (sortorder.NaturalLess)
        lines.sort(key=_natural)
    return CliOutcome(stdout="".join(line + "\n" for line in lines))


def _natural(text: str) -> list[tuple[int, int | str]]:
    """sortorder.NaturalLess: runs of digits compare as numbers."""
    return [(0, int(run)) if run.isdecimal() else (1, run) for run in re.findall(r"\d+|\D+", text)]


def _inspect_one(cli: DockerCli, ref: str, kind: str | None) -> dict[str, Any]:
    """The object ``ref`` names: a container (first) or a network, or only the ``--type`` asked for."""
    engine = cli.engine
    if kind == "network":
        return inspect.network(engine, engine.network(ref))
    try:
        return inspect.container(engine, engine.container(ref))
    except DockerError:
        if kind == "container":
            raise
        return inspect.network(engine, engine.network(ref))


NOT_MODELLED = 126  # as the lab answers for what it does not model


def _present_image(cli: DockerCli, ref: str) -> bool:
    """Whether ``ref`` names an image pulled to this host (``ubuntu:14.04``, ``nginx``, an ID prefix)."""
    store = cli.engine.image_store
    if images.normalise(ref) in store:
        return True
    short = ref.removeprefix("sha256:")
    return len(short) >= 1 and any(images.CATALOG[r].image_id.startswith(short) for r in store.references())


def inspect_command(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker inspect [--type T] [-f TEMPLATE] NAME|ID...``."""
    kind = p.value("type")
    objects, errors = [], []
    for ref in p.args:
        try:
            objects.append(_inspect_one(cli, ref, kind))
        except DockerError:
            if kind in (None, "image") and _present_image(cli, ref):  # real, but not modelled: never "No such object"
                errors.append(f"dockersim: docker inspect: {ref} is an image on this host; the simulator does not model image inspection\n")
                continue
            errors.append(f"Error: No such {kind or 'object'}: {ref}\n" if cli.engine.profile.at_least("23") or kind else f"Error: No such object: {ref}\n")
    if not objects and errors and all(e.startswith("dockersim:") for e in errors):
        return CliOutcome(stderr="".join(errors), exit_code=NOT_MODELLED)
    return formatted(objects, p.value("format"), errors)


def formatted(objects: list[Any], template: str | None, errors: list[str]) -> CliOutcome:
    """Inspected objects as a JSON array, or each through a ``--format`` template; the errors after."""
    if template is None:
        text = output.inspect_json(objects) if objects or not errors else "[]\n"
        return CliOutcome(stdout=text, stderr="".join(errors), exit_code=1 if errors else 0)
    try:
        # cli/command/inspect TemplateInspector.Flush: nothing inspected still prints a newline
        text = "".join(gotemplate.render(template, obj) + "\n" for obj in objects) or "\n"
    except gotemplate.TemplateError as error:
        return CliOutcome(stderr=f"{error}\n", exit_code=1)
    return CliOutcome(stdout=text, stderr="".join(errors), exit_code=1 if errors else 0)


COMMANDS = {
    "ps": Command("ps", ps, PS_FLAGS, NONE),
    "port": Command("port", port, (), at_least(1)),
    "inspect": Command("inspect", inspect_command, INSPECT_FLAGS, at_least(1)),
}
