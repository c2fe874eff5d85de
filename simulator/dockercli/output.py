"""Docker-like text: tables (Go's tabwriter as the docker CLI configures it) and durations.

The CLI (>= 20.10) lays out tables with ``tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)``:
every column but the last is as wide as its widest cell plus 3 spaces, at least
10. Durations are go-units ``HumanDuration``.
"""

from __future__ import annotations

import json
from typing import Any

MIN_WIDTH = 10
PADDING = 3


def table(header: list[str], rows: list[list[str]]) -> str:
    """Format rows like the docker CLI's tabwriter."""
    cols = len(header)
    widths = []
    for c in range(cols - 1):
        cells = [header[c]] + [r[c] for r in rows]
        widths.append(max(MIN_WIDTH, max(len(x) for x in cells) + PADDING))
    lines = []
    for r in [header, *rows]:
        parts = [r[c].ljust(widths[c]) for c in range(cols - 1)] + [r[-1]]
        lines.append("".join(parts))
    return "".join(line + "\n" for line in lines)


def human_duration(seconds: float) -> str:
    """go-units HumanDuration."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return f"{s} seconds"
    minutes = int(seconds // 60)
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = round(seconds / 3600)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{hours // 24 // 365} years"


def ellipsis(text: str, width: int) -> str:
    """formatter.Ellipsis: cut to ``width`` runes, the last one an ellipsis."""
    if len(text) <= width:
        return text
    return text[: width - 1] + "…"


def go_quote(text: str) -> str:
    """strconv.Quote for the printable strings Docker shows."""
    return json.dumps(text, ensure_ascii=False)


def inspect_json(objects: list[Any]) -> str:
    """The CLI prints inspect output as a JSON array indented with 4 spaces."""
    return json.dumps(objects, indent=4, ensure_ascii=False) + "\n"


def rfc3339(seconds: float, base_epoch: int = 1_767_225_600) -> str:
    """Go's time.RFC3339Nano in UTC, as inspect prints Created."""
    import datetime as dt

    total_ns = round((base_epoch + seconds) * 1e9)
    whole, ns = divmod(total_ns, 1_000_000_000)
    stamp = dt.datetime.fromtimestamp(whole, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    frac = f"{ns:09d}".rstrip("0")
    return f"{stamp}.{frac}Z" if frac else f"{stamp}Z"


def go_time(seconds: float, base_epoch: int = 1_767_225_600) -> str:
    """Go's ``time.Time.String()`` in UTC (``2026-01-01 00:00:01.5 +0000 UTC``), as ``--format {{.CreatedAt}}`` prints it."""
    stamp = rfc3339(seconds, base_epoch)[:-1]  # no "Z"
    return stamp.replace("T", " ") + " +0000 UTC"
