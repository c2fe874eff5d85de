"""``docker logs``: what a container's main process wrote, read back from its log.

As cli/command/container/logs.go (20.10.24 and 29.2.0): the client inspects the
container first (so a missing one is the client's ``No such container`` in CLI <= 22),
then asks for the log: stdout to stdout and stderr to stderr (a container with a
terminal has one stream). ``--tail N`` (``-n``; not a number: everything, as the
daemon's ``strconv.Atoi`` fallback), ``-t`` (each line after its RFC3339Nano time,
nine digits), ``--since``/``--until`` (a Go duration before now, Unix seconds, or an
RFC 3339 time), ``--details`` (no log options: each line after one space).
``-f`` follows the log until the container stops, or until Ctrl-C at a terminal; in a
script or a notebook nobody can press Ctrl-C, so it prints what is there.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from simulator.dockercli.base import CliOutcome, Command, exactly
from simulator.dockercli.parser import Flag, Parsed
from simulator.engine.container_logs import EPOCH_S, LogEntry, docker_timestamp
from simulator.errors import CliError

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli

LOGS_FLAGS = (
    Flag("follow", "f"), Flag("since", value=True), Flag("until", value=True), Flag("timestamps", "t"),
    Flag("details"), Flag("tail", "n", value=True),
)
_GO_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)(h|m|s|ms|us|µs|ns))+$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)")
_UNITS_S = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_RFC3339 = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:\d{2})?$")


def moment(value: str, now_s: float) -> float | None:
    """docker/api/types/time GetTimestamp, as simulated seconds: a duration before now, Unix seconds, or a date."""
    if _GO_DURATION.match(value):
        return now_s - sum(float(n) * _UNITS_S[unit] for n, unit in _DURATION_PART.findall(value))
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return float(value) - EPOCH_S
    match = _RFC3339.match(value)
    if match is None:
        return None
    day, clock, zone = match.groups()
    stamp = dt.datetime.fromisoformat(f"{day}T{clock or '00:00:00'}{'+00:00' if zone in (None, 'Z') else zone}")
    return stamp.timestamp() - EPOCH_S


def render(entries: list[LogEntry], timestamps: bool, details: bool) -> tuple[str, str]:
    """The entries as the CLI writes them: (stdout, stderr)."""
    out: dict[str, list[str]] = {"stdout": [], "stderr": []}
    for entry in entries:
        prefix = (docker_timestamp(entry.time_s) + " " if timestamps else "") + (" " if details else "")
        out[entry.stream].append(prefix + entry.text)
    return "".join(out["stdout"]), "".join(out["stderr"])


def logs(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker logs [OPTIONS] CONTAINER``."""
    container = cli.engine.container(p.args[0])
    now = cli.engine.sim.now
    bounds = []
    for name in ("since", "until"):
        value = p.value(name)
        at = None if value is None or value == "" else moment(value, now)
        if value and at is None:
            raise CliError(f"dockersim: docker logs --{name} {value}: the simulator does not model this form of time "
                           "(it takes 10m, 1h30m, Unix seconds or 2026-01-01T00:00:00Z)\n", 126)
        bounds.append(at)
    tail_word = p.value("tail") or "all"
    tail = int(tail_word) if re.fullmatch(r"-?\d+", tail_word) and int(tail_word) >= 0 else None
    entries = container.log.lines(since_s=bounds[0], until_s=bounds[1], tail=tail)
    stdout, stderr = render(entries, p.flag("timestamps"), p.flag("details"))
    follow = container if p.flag("follow") and container.running and bounds[1] is None else None
    return CliOutcome(stdout=stdout, stderr=stderr, follow_logs=follow, follow_timestamps=p.flag("timestamps"))


COMMANDS = {"logs": Command("logs", logs, LOGS_FLAGS, exactly(1))}
