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
    """``docker ps [-a] [-l] [-q] [--no-trunc] [--format ...]``, newest first."""
    now = cli.engine.sim.now
    filters = ps_filters(cli, p.values_of("filter"))
    # newest first; of two created at the same instant, the later one first
    containers = sorted(cli.engine.containers.values(), key=lambda c: c.created)[::-1]
    if p.flag("latest"):
        containers = containers[:1]
    every = p.flag("all") or p.flag("latest") or "status" in filters  # a status filter lists exited ones too
    rows = [_ps_row(cli, c, now, p.flag("no-trunc")) for c in containers
            if (c.running or every) and _matches(cli, c, filters)]
    if p.flag("quiet"):
        return CliOutcome(stdout="".join(r["ID"] + "\n" for r in rows))
    template = p.value("format")
    if template is None or template == "table":
        header = [head for _key, head in PS_COLUMNS]
        return CliOutcome(stdout=output.table(header, [[r[key] for key, _head in PS_COLUMNS] for r in rows]))
    return custom_table(template, rows, PS_HEADERS)


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


def ports_column(cli: DockerCli, c: Container) -> str:
    """``0.0.0.0:8080->80/tcp, [::]:8080->80/tcp`` (``:::8080`` on older CLIs), or ``80/tcp``."""
    if not c.running or c.network_mode.shares_namespace:
        return ""
    v6 = "[::]" if cli.engine.profile.at_least("27") else "::"
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


def port(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker port CONTAINER [PORT[/PROTO]]``: where each published port listens on the host."""
    c = cli.engine.container(p.args[0])
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


def inspect_command(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker inspect [--type T] [-f TEMPLATE] NAME|ID...``."""
    kind = p.value("type")
    objects, errors = [], []
    for ref in p.args:
        try:
            objects.append(_inspect_one(cli, ref, kind))
        except DockerError:
            errors.append(f"Error: No such {kind or 'object'}: {ref}\n" if cli.engine.profile.at_least("23") or kind else f"Error: No such object: {ref}\n")
    return formatted(objects, p.value("format"), errors)


def formatted(objects: list[Any], template: str | None, errors: list[str]) -> CliOutcome:
    """Inspected objects as a JSON array, or each through a ``--format`` template; the errors after."""
    if template is None:
        text = output.inspect_json(objects) if objects or not errors else "[]\n"
        return CliOutcome(stdout=text, stderr="".join(errors), exit_code=1 if errors else 0)
    try:
        text = "".join(gotemplate.render(template, obj) + "\n" for obj in objects)
    except gotemplate.TemplateError as error:
        return CliOutcome(stderr=f"{error}\n", exit_code=1)
    return CliOutcome(stdout=text, stderr="".join(errors), exit_code=1 if errors else 0)


COMMANDS = {
    "ps": Command("ps", ps, PS_FLAGS, NONE),
    "port": Command("port", port, (), at_least(1)),
    "inspect": Command("inspect", inspect_command, INSPECT_FLAGS, at_least(1)),
}
