"""The text of the picture, measured: a box's lines (a container's name, image, aliases, addresses), a
bridge's label, a machine's, the title. Every width and height comes from :mod:`~simulator.viz.style`'s
measures in points, so a box is exactly as wide as its longest line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Interface

from simulator.viz import style
from simulator.viz.layout.spacing import PAD, WRAP_NAME
from simulator.viz.network import Device, Namespace, dev_id
from simulator.viz.words import term


@dataclass(slots=True)
class Line:
    """One line of a box's text, measured in points; ``gid`` the node it belongs to (default: the box's)."""

    text: str
    size: float = style.LABEL_PT
    bold: bool = False
    mono: bool = False
    colour: str = style.INK
    gid: str = ""
    tail: Line | None = None  # more text on the same line, in its own style (a bridge's address after its name)

    @property
    def own_width(self) -> float:
        """The width in points of the line's own text (without its tail)."""
        return style.text_width(self.text, self.size, bold=self.bold, mono=self.mono)

    @property
    def width(self) -> float:
        """The line's width in points."""
        return self.own_width + (TAIL_GAP + self.tail.width if self.tail else 0.0)

    @property
    def height(self) -> float:
        """The line's height in points."""
        return max(style.line_height(self.size), self.tail.height if self.tail else 0.0)


TAIL_GAP = 8.0
"""Between a line's text and its tail, in points."""


def measure(lines: list[Line]) -> tuple[float, float]:
    """The width and height of ``lines`` stacked, in points."""
    return (max((ln.width for ln in lines), default=0.0), sum(ln.height for ln in lines))


def pill_w(text: str) -> float:
    """The width of a device's pill with ``text`` inside."""
    return style.text_width(text, style.LABEL_PT, bold=True) + 2 * PAD


def plain(addr: str) -> str:
    """An address without its prefix length: ``10.0.0.2/24`` -> ``10.0.0.2``."""
    return addr.split("/")[0]


def addr_lines(d: Device, gid: str, with_name: bool) -> list[Line]:
    """A device's addresses a line each (``with_name``: the first after its name), then its MAC, muted."""
    lines = []
    addrs = [a for a in d.addrs] or ["(no IPv4 address)"]
    for i, a in enumerate(addrs):
        text = f"{d.name} {a}" if (with_name and i == 0) else (" " * (len(d.name) + 1) + a if with_name else a)
        lines.append(Line(text, mono=True, gid=gid))
    if d.kind != "loopback":
        mac = f"{' ' * (len(d.name) + 1)}{d.mac}" if with_name else d.mac
        lines.append(Line(mac, mono=True, colour=style.MUTED, gid=gid))
    return lines


def bridge_lines(gid: str, name: str, addrs: Sequence[str], mac: str, tight: bool = False) -> list[Line]:
    """A bridge's label: its name, its addresses (when it has any; ``tight``: after the name), its MAC, a line each."""
    lines = [Line(name, bold=True, gid=gid)]
    if addrs and tight:
        lines[0].tail = Line("  ".join(addrs), mono=True, colour=style.MUTED, gid=gid)
    elif addrs:
        lines.append(Line("  ".join(addrs), mono=True, colour=style.MUTED, gid=gid))
    lines.append(Line(mac, mono=True, colour=style.MUTED, gid=gid))
    return lines


def lo_lines(ns: Namespace, tight: bool = False) -> list[Line]:
    """``lo`` in one muted line, or its public addresses (the internet's servers), two a line.

    ``tight`` (a picture packed to fit a slide's height): a ``lo`` with nothing but its
    loopback address goes on another line's end (:func:`lo_tail`), unless it is the
    namespace's only device.
    """
    lo = ns.device("lo")
    if lo is None:
        return []
    gid = dev_id(ns.node, "lo")
    shown = [plain(a) for a in lo.addrs if not IPv4Interface(a).ip.is_loopback]
    if not shown and tight and any(d.kind != "loopback" for d in ns.devices):
        return []
    if not shown:
        return [Line(f"lo {lo.addrs[0]}" if lo.addrs else "lo", colour=style.MUTED, gid=gid)]
    lines = []
    for i in range(0, len(shown), 2):
        head = "lo " if i == 0 else "   "
        lines.append(Line(head + ", ".join(shown[i : i + 2]), mono=True, gid=gid))
    return lines

def lo_tail(ns: Namespace, tight: bool) -> Line | None:
    """In a ``tight`` picture, the ``lo`` line :func:`lo_lines` leaves out, to go at the end of another line."""
    lo = ns.device("lo")
    if not tight or lo is None or lo_lines(ns, tight) or not lo_lines(ns):
        return None
    return lo_lines(ns)[0]


def kind_words(kind: str, lang: str) -> str:
    """The words under a namespace's name saying what it is (a Docker host, a router...), in ``lang``."""
    return term(kind if kind in ("docker-host", "router", "internet", "laptop", "container") else "machine", lang)


def wrapped(name: str, limit: int = WRAP_NAME) -> list[str]:
    """``name`` on lines of at most ``limit`` characters where it can break after a ``_`` or ``-``.

    >>> wrapped("network_alias_container1"), wrapped("c1"), wrapped("dns_client")
    (['network_alias_', 'container1'], ['c1'], ['dns_client'])
    """
    lines = [""]
    for piece in re.findall(r"[^_-]*[_-]|[^_-]+$", name):
        if lines[-1] and len(lines[-1]) + len(piece) > limit:
            lines.append("")
        lines[-1] += piece
    return lines


def container_lines(ns: Namespace, lang: str = "en", wrap: bool = False, tight: bool = False, pills_w: float | None = None,
                    narrow: bool = False) -> list[Line]:
    """A container's name (``wrap``: on several lines), image, aliases, ``lo`` (as :func:`lo_lines` says) and addresses.

    ``narrow``: a ``lo`` goes after the image, else after the name, only if that makes the box no wider than its
    other lines or its pills (``pills_w``) do."""
    names = wrapped(ns.node) if wrap else [ns.node]
    lines = [Line(name, style.NAME_PT, bold=True, gid=ns.node) for name in names]
    image = ns.extra.get("image")
    if image:
        lines.append(Line(str(image), colour=style.MUTED, gid=ns.node))
    lines.extend(alias_lines(ns, lang))
    lines.extend(lo_lines(ns, tight))
    links = [d for d in ns.devices if d.kind != "loopback"]
    for d in links:
        lines.extend(addr_lines(d, dev_id(ns.node, d.name), with_name=len(links) > 1))
    tail = lo_tail(ns, tight)
    if tail is not None:  # after the image (or the name); in a box packed narrow, where that does not widen it, else a line of its own
        room = max(measure(lines)[0], (pills_w or 0.0) - 2 * PAD)
        heads = [lines[len(names) if image else len(names) - 1], lines[len(names) - 1]]
        head = next((h for h in heads if not narrow or h.width + TAIL_GAP + tail.width <= room), None)
        if head is not None:
            head.tail = tail
        else:
            lines.insert(len(names) + (1 if image else 0) + len(alias_lines(ns, lang)), tail)
    return lines


def alias_lines(ns: Namespace, lang: str) -> list[Line]:
    """The container's network-scoped aliases, one line per network (named when it is on several)."""
    aliases = ns.extra.get("aliases", ())
    several = len(ns.extra.get("networks", ())) > 1
    return [Line(term("aliases", lang, names=", ".join(names)) + (f" ({network})" if several else ""), bold=True,
                  gid=ns.node)
            for network, names in aliases]

def more_lines(group: str, members: Sequence[str], created: Sequence[str], addrs: Sequence[str], lang: str) -> list[Line]:
    """A "+N more" box's text: how many, the hidden containers' names as runs in creation order
    ("c4 … c16", "c18 … c30"), and their addresses when they are one run."""
    lines = [Line(term("more", lang, n=len(members)), style.NAME_PT, bold=True, gid=group)]
    runs: list[list[str]] = []
    for name in members:
        if runs and created.index(name) == created.index(runs[-1][-1]) + 1:
            runs[-1].append(name)
        else:
            runs.append([name])
    for run in runs[:3]:
        text = run[0] if len(run) == 1 else (f"{run[0]}, {run[1]}" if len(run) == 2 else f"{run[0]} … {run[-1]}")
        lines.append(Line(text, gid=group))
    if len(runs) > 3:
        lines.append(Line("…", gid=group))
    if addrs and len(runs) == 1:
        first, last = plain(addrs[0]), plain(addrs[-1])
        if first.rsplit(".", 1)[0] == last.rsplit(".", 1)[0]:
            lines.append(Line(f"{first} … .{last.rsplit('.', 1)[1]}", mono=True, gid=group))
        else:
            lines.append(Line(f"{first} …", mono=True, gid=group))
            lines.append(Line(f"… {last}", mono=True, gid=group))
    return lines


def machine_lines(ns: Namespace, lang: str, tight: bool = False, wide: bool = False) -> list[Line]:
    """A machine's name, kind (``tight``: after the name), each device's addresses and ``lo``.

    ``tight``: a ``lo`` with nothing but 127.0.0.1 goes after the kind when that is no more than a
    routing line's room (``SIDE_ROOM``) wider than the addresses, or always when the box may be ``wide``
    (a router's, whose first line is the row's tallest box's), else on a line of its own."""
    kind = Line(kind_words(ns.kind, lang), colour=style.MUTED, gid=ns.node)
    lines = [Line(ns.node, style.NAME_PT, bold=True, gid=ns.node, tail=kind if tight else None)]
    if not tight:
        lines.append(kind)
    links = [d for d in ns.devices if d.kind != "loopback"]
    for d in links:
        lines.extend(addr_lines(d, dev_id(ns.node, d.name), with_name=True))
    lines.extend(lo_lines(ns, tight))
    tail = lo_tail(ns, tight)
    if tail is not None and (wide or lines[0].width + TAIL_GAP + tail.width <= measure(lines[1:])[0] + SIDE_ROOM):
        kind.tail = tail
    elif tail is not None:
        lines.append(tail)
    return lines


SIDE_ROOM = 70.0
"""The room a machine's box keeps right of its text for a routing line inside it, or for pills on two edges."""

def title_lines(title: str | None, subtitle: str | None) -> list[Line]:
    """The picture's title and subtitle, when it has them."""
    head: list[Line] = []
    if title:
        head.append(Line(title, style.TITLE_PT, bold=True, gid="title"))
    if subtitle:
        head.append(Line(subtitle, colour=style.MUTED, gid="title"))
    return head

