"""iproute2 ``ss``: the sockets of the namespace, in the layout of the iproute2 the image ships.

iproute2 >= 5 (``misc/ss.c`` ``render()``): every field is buffered as a token in its
column (Netid, State, Recv-Q, Send-Q, Local Address:, Port, Peer Address:, Port,
Process); a column is as wide as its widest token plus its left delimiter (one
space, none before a Port or Process), addresses right-aligned, the rest left. Not
on a terminal the columns stay that narrow ("compact"); on one, the line's spare
width (the lab's terminal is 80 columns) is spread over the columns. The very
last token of the output is never measured (``field_flush`` runs only when moving
on), so a lone ``users:(...)`` does not widen its column. Netid shows only when more
than one kind of socket is listed.

iproute2 3.12 (``ubuntu:14.04``) prints fixed widths computed from an 80-column
screen: ``%-10s`` state, ``%-6d`` queues, addresses in 20 columns right-aligned with
``*`` for any address, ports in 5.

``-s`` prints the summary of ``/proc/net/sockstat``. Simplified: only TCP and UDP
sockets exist in the model (no UNIX, netlink or raw sockets), owners' file
descriptors are the first free one (3) unless the owner says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.programs import netinfo
from simulator.programs.options import OptionError, OptionSpec, split
from simulator.programs.process import ProcessContext, ProgramBody
from simulator.programs.render_nettools import SocketView

SCREEN_WIDTH = 80  # the lab's terminal
SS_STATES = {
    "LISTEN": "LISTEN", "ESTABLISHED": "ESTAB", "SYN_SENT": "SYN-SENT", "SYN_RECV": "SYN-RECV", "FIN_WAIT1": "FIN-WAIT-1",
    "FIN_WAIT2": "FIN-WAIT-2", "TIME_WAIT": "TIME-WAIT", "CLOSE": "UNCONN", "CLOSE_WAIT": "CLOSE-WAIT",
    "LAST_ACK": "LAST-ACK", "CLOSING": "CLOSING", "": "UNCONN",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One of ss's output columns: alignment, header, the delimiter printed before it."""

    header: str
    right: bool
    ldelim: str


COLUMNS = (
    Column("Netid", False, ""), Column("State", False, " "), Column("Recv-Q", False, " "), Column("Send-Q", False, " "),
    Column("Local Address:", True, " "), Column("Port", False, ""), Column("Peer Address:", True, " "),
    Column("Port", False, ""), Column("Process", False, ""),
)


def _users(s: SocketView) -> str:
    if s.owner is None:
        return ""
    comm = s.owner.program.split(":")[0].split()[0].rsplit("/", 1)[-1][:15]
    return f' users:(("{comm}",pid={s.owner.pid},fd={s.owner.fd}))'


def render_modern(sockets: list[SocketView], netid: bool, processes: bool, tty: bool) -> str:
    """iproute2 6.1's ``render()``: header and rows, column widths from the tokens."""
    enabled = [i for i in range(len(COLUMNS)) if netid or i != 0]
    rows: list[list[str]] = [[COLUMNS[i].header for i in enabled]]
    for s in sockets:
        send_q = s.backlog if s.state == "LISTEN" else s.send_q  # a listener's Send-Q is its backlog
        cells = [s.proto, SS_STATES[s.state], f"{s.recv_q:<6}", f"{send_q:<6}", f"{s.local_ip}:", str(s.local_port),
                 f"{s.remote_ip}:", "*" if s.remote_port == 0 else str(s.remote_port), _users(s) if processes else ""]
        rows.append([cells[i] for i in enabled])
    widths = _widths(rows, enabled, tty)
    out = []
    for row in rows:
        line = ""
        for n, (i, token) in enumerate(zip(enabled, row, strict=True)):
            column = COLUMNS[i]
            printed = 0
            if n:
                line += column.ldelim
                printed = len(column.ldelim)
            if column.right:
                line += " " * max(0, widths[n] - len(token) - printed)
                line += token
            else:
                line += token
                line += " " * max(0, widths[n] - printed - len(token))
        out.append(line)
    return "".join(line + "\n" for line in out)


def _widths(rows: list[list[str]], enabled: list[int], tty: bool) -> list[int]:
    """``render_calc_width()``: measured widths (the last token unmeasured), spread on a terminal."""
    measured = [0] * len(enabled)
    for r, row in enumerate(rows):
        for n, token in enumerate(row):
            if r and r == len(rows) - 1 and n == len(row) - 1:
                continue  # a row's last token is never flushed before render()
            measured[n] = max(measured[n], len(token))
    widths = []
    first = True
    for n, i in enumerate(enabled):
        width = measured[n] + len(COLUMNS[i].ldelim) if not first and measured[n] else measured[n]
        widths.append(width)
        if width:
            first = False
    if not tty:
        return widths
    return _spread(widths, SCREEN_WIDTH)


def _spread(widths: list[int], screen: int) -> list[int]:
    """The second pass of ``render_calc_width()``: break lines at the screen width and
    spread each line's spare width over its columns, the rightmost first for the remainder."""
    widths = [min(w, screen) for w in widths]
    length = 0
    linecols = 0
    eol = -1
    c = 0
    while c < len(widths):
        if widths[c]:
            linecols += 1
            length += widths[c]
            last = not any(widths[c + 1:])
            if last or length >= screen:
                if length != screen:
                    if length > screen:  # this column starts the next line
                        length -= widths[c]
                        c -= 1
                        linecols -= 1
                    spacing, rem = divmod(screen - length, linecols)
                    for k in range(c, eol, -1):
                        if widths[k]:
                            widths[k] += spacing
                            if rem:
                                widths[k] += 1
                                rem -= 1
                eol = c
                length = 0
                linecols = 0
        c += 1
    return widths


def render_312(sockets: list[SocketView], netid: bool, processes: bool) -> str:
    """iproute2 3.12: fixed columns sized for an 80-column screen."""
    netid_width = 5 if netid else 0
    state_width = 10
    addrp = SCREEN_WIDTH - (netid_width + 1) - (state_width + 1) - 14
    if addrp & 1:
        if netid_width:
            netid_width += 1
        else:
            state_width += 1
    addrp = addrp // 2 - 1
    serv_width = 5
    addrp = max(addrp, 15 + serv_width + 1)
    addr_width = addrp - serv_width - 1
    head = (f"{'Netid':<{netid_width}} " if netid_width else "") + f"{'State':<{state_width}} " + "Recv-Q Send-Q "
    head += f"{'Local Address':>{addr_width}}:{'Port':<{serv_width}} {'Peer Address':>{addr_width}}:{'Port':<{serv_width}}\n"
    out = head
    for s in sockets:
        line = f"{s.proto:<{netid_width}} " if netid_width else ""
        send_q = s.backlog if s.state == "LISTEN" else s.send_q
        line += f"{SS_STATES[s.state]:<{state_width}} {s.recv_q:<6} {send_q:<6} "
        for ip, port in ((s.local_ip, str(s.local_port)), (s.remote_ip, "*" if s.remote_port == 0 else str(s.remote_port))):
            shown = "*" if ip == netinfo.ANY else str(ip)
            line += f"{shown:>{addr_width}}:{port:<{serv_width}} "
        if processes and s.owner is not None:
            comm = s.owner.program.split(":")[0].split()[0].rsplit("/", 1)[-1][:15]
            line += f' users:(("{comm}",{s.owner.pid},{s.owner.fd}))'
        out += line + "\n"
    return out


def summary(sockets: list[SocketView]) -> str:
    """``ss -s``: ``/proc/net/sockstat`` as ss sums it."""
    tcp = [s for s in sockets if s.proto == "tcp"]
    udp = [s for s in sockets if s.proto == "udp"]
    estab = sum(1 for s in tcp if s.state == "ESTABLISHED")
    timewait = sum(1 for s in tcp if s.state == "TIME_WAIT")
    hashed = len(tcp) - timewait
    out = f"Total: {len(tcp) + len(udp)}\n"
    out += f"TCP:   {len(tcp)} (estab {estab}, closed 0, orphaned 0, timewait {timewait})\n\n"
    out += "Transport Total     IP        IPv6\n"
    for name, total in (("RAW", 0), ("UDP", len(udp)), ("TCP", hashed), ("INET", hashed + len(udp)), ("FRAG", 0)):
        out += f"{name}\t  {total:<9} {total:<9} {0:<9}\n"
    return out + "\n"


_KNOWN = set("tulanps4")


def _selected(found: list[SocketView], kinds: list[str], letters: set[str]) -> list[SocketView]:
    """The sockets ``-a`` (all), ``-l`` (listening) or neither (connected only) asks for, UDP before TCP as ss dumps them."""
    if "a" in letters:
        shown = [s for s in found if s.proto in kinds]
    elif "l" in letters:
        shown = [s for s in found if s.proto in kinds and s.listening]
    else:  # connected sockets only (not listening, not unconnected UDP)
        shown = [s for s in found if s.proto in kinds and not s.listening]
    shown.sort(key=lambda s: kinds.index(s.proto))
    return shown


def ss(ctx: ProcessContext, argv: list[str]) -> int:
    """``ss [-t] [-u] [-l|-a] [-n] [-p] [-s] [-4]``."""
    args = argv[1:]
    try:
        parsed = split(args, OptionSpec(flags="".join(sorted(_KNOWN))))
    except OptionError:
        parsed = None
    if parsed is None or parsed.operands:
        ctx.err(f"dockersim: ss {' '.join(args)}: these options of ss are not simulated (-t -u -l -a -n -p -s are)\n")
        return 126
    letters = {option[1:] for option, _ in parsed.options}
    pid_namespace = ctx.processes.key if ctx.processes is not None else ""
    found = netinfo.sockets(ctx.netns, pid_namespace)
    if "s" in letters:
        ctx.out(summary(found))
        return 0
    if "n" not in letters:
        ctx.err(f"dockersim: ss {' '.join(args)}: without -n (service names) is not simulated\n")
        return 126
    kinds = [p for p, letter in (("udp", "u"), ("tcp", "t")) if letter in letters] or ["udp", "tcp"]
    shown = _selected(found, kinds, letters)
    netid = len(kinds) > 1
    me = next((p for p in ctx.processes.listing() if p.pid == ctx.ns_pid), None) if ctx.processes is not None else None
    tty = me is not None and me.tty is not None
    if ctx.userland.iproute2 is not None and not ctx.userland.iproute2_at_least("4.0"):  # iproute2 3.x's columns
        ctx.out(render_312(shown, netid, "p" in letters))
    else:
        ctx.out(render_modern(shown, netid, "p" in letters, tty))
    return 0


PROGRAMS: dict[str, ProgramBody] = {"ss": ss}
