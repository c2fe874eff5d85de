"""``ps``, ``uname``, ``whoami`` and ``id``: the process table and the system's identity.

``ps`` reads the PID namespace the program runs in (``ProcessTable``): in a container,
PID 1 is the container's command and every ``docker exec`` a new process (PPID 0:
its parent is outside the namespace). procps-ng prints three shapes a lesson uses:

* ``ps``: the processes on the caller's terminal (``docker exec`` without ``-t``
  has none, so not the ``bash`` on ``pts/0``), ``PID TTY TIME CMD``;
* ``ps aux`` (BSD): every process with ``USER PID %CPU %MEM VSZ RSS TTY STAT START
  TIME COMMAND``;
* ``ps -ef`` (System V): ``UID PID PPID C STIME TTY TIME CMD``.

procps-ng 4 widened the PID columns from 5 to 7. BusyBox's ``ps`` takes no selection
and prints ``PID USER TIME COMMAND`` for every process. Simplified: processes use no
CPU time (``00:00:00``); ``VSZ``/``RSS`` are each program's typical figures from a
real container (``MEMORY_KIB``); ``STAT`` is ``R`` for ``ps`` itself, ``S`` otherwise,
``s`` for a session leader and ``+`` for the foreground process of a terminal.

``uname`` prints the host's kernel (containers share it): release from the engine
profile's era, version string as that Ubuntu kernel build prints it.
"""

from __future__ import annotations

import time

from simulator.programs.options import OPERAND, OptionError, OptionSpec, scan
from simulator.programs.process import ProcessContext, ProcessEntry, ProgramBody

EPOCH_S = 1_767_225_600  # simulated time 0: 2026-01-01 00:00:00 UTC (as ping's timestamps)
MEM_TOTAL_KIB = 8_141_300  # the lab host's MemTotal (8 GiB less the kernel's reserve)
BUSYBOX_BANNER = "BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\n"

# Typical VSZ and RSS (KiB) of each program in a real container (ps aux).
MEMORY_KIB = {
    "bash": (18176, 3148), "-bash": (8712, 5248), "sh": (4628, 784), "dash": (4628, 784), "sleep": (4384, 684),
    "ps": (15576, 2136), "ping": (6504, 1528), "init": (167820, 12964), "dockerd": (2317464, 91420),
    "containerd": (1874132, 48216), "nginx: master process nginx -g daemon off;": (11404, 7312), "zsh": (11608, 5488),
}
DEFAULT_MEMORY_KIB = (4572, 1024)

# `uname -v` of the kernels the engine profiles run on (Ubuntu's linux-image builds)
KERNEL_VERSIONS = {
    "5.4.0-150-generic": "#167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023",
    "6.8.0-60-generic": "#63-Ubuntu SMP PREEMPT_DYNAMIC Tue Apr 15 19:04:15 UTC 2025",
}


def _clock(seconds: float, fmt: str) -> str:
    return time.strftime(fmt, time.gmtime(EPOCH_S + seconds))


def _comm(entry: ProcessEntry) -> str:
    """``/proc/PID/comm``: the program's file name, at most 15 characters."""
    name = entry.argv[0].rsplit("/", 1)[-1].lstrip("-") if entry.argv else "?"
    return name.split(":")[0][:15]


def _stat(entry: ProcessEntry, table: list[ProcessEntry], me: int) -> str:
    stat = "R" if entry.pid == me else "S"
    if entry.session_leader:
        stat += "s"
    foreground = entry.tty is not None and not any(p.ppid == entry.pid and p.tty == entry.tty for p in table)
    if foreground:
        stat += "+"
    return stat


def ps(ctx: ProcessContext, argv: list[str]) -> int:
    """``ps``, ``ps aux`` (``ax``, ``-e``, ``-A``), ``ps -ef`` (``-f``); BusyBox's ``ps``."""
    table = ctx.processes
    entries = table.listing() if table is not None else []
    if ctx.busybox:
        ctx.out("PID   USER     TIME  COMMAND\n" + "".join(f"{p.pid:>5} {'root':<8} {'0:00':>5} {' '.join(p.argv)}\n" for p in entries))
        return 0
    args = argv[1:]
    flags = "".join(a for a in args)
    bsd = bool(args) and not args[0].startswith("-")
    letters = set(flags.lstrip("-"))
    if (bsd and not letters <= set("aux")) or (not bsd and not letters <= set("efA")):
        ctx.err(f"dockersim: ps {' '.join(args)}: these options of ps are not simulated (ps, ps aux, ps -ef are)\n")
        return 126
    everyone = ("a" in letters and "x" in letters) or "e" in letters or "A" in letters
    mine = next((p for p in entries if p.pid == ctx.ns_pid), None)
    tty = mine.tty if mine is not None else None
    shown = entries if everyone else [p for p in entries if p.tty == tty]
    width = 7 if ctx.userland.procps_at_least(4) else 5
    if bsd and "u" in letters:
        ctx.out(_aux(shown, entries, ctx.ns_pid, width))
    elif "f" in letters and not bsd:
        ctx.out(_full(shown, width))
    else:
        ctx.out(f"{'PID':>{width}} TTY          TIME CMD\n" + "".join(
            f"{p.pid:>{width}} {p.tty or '?':<8} 00:00:00 {_comm(p)}\n" for p in shown))
    return 0


def _aux(shown: list[ProcessEntry], table: list[ProcessEntry], me: int, width: int) -> str:
    out = f"USER     {'PID':>{width}} %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n"
    for p in shown:
        vsz, rss = MEMORY_KIB.get(" ".join(p.argv), MEMORY_KIB.get(_comm(p), DEFAULT_MEMORY_KIB))
        mem = rss * 100 / MEM_TOTAL_KIB
        out += (
            f"{'root':<8} {p.pid:>{width}} {0.0:4.1f} {mem:4.1f} {vsz:>6} {rss:>5} {p.tty or '?':<8} "
            f"{_stat(p, table, me):<4} {_clock(p.started_s, '%H:%M'):>5} {'0:00':>6} {' '.join(p.argv)}\n"
        )
    return out


def _full(shown: list[ProcessEntry], width: int) -> str:
    out = f"UID      {'PID':>{width}} {'PPID':>{width}}  C STIME TTY          TIME CMD\n"
    for p in shown:
        out += (
            f"{'root':<8} {p.pid:>{width}} {p.ppid:>{width}}  0 {_clock(p.started_s, '%H:%M'):>5} "
            f"{p.tty or '?':<8} 00:00:00 {' '.join(p.argv)}\n"
        )
    return out


_UNAME_FIELDS = {"s": 0, "n": 1, "r": 2, "v": 3, "m": 4, "p": 5, "i": 6, "o": 7}
_UNAME_LONG = {
    "--kernel-name": "s", "--nodename": "n", "--kernel-release": "r", "--kernel-version": "v", "--machine": "m",
    "--processor": "p", "--hardware-platform": "i", "--operating-system": "o", "--all": "a",
}


_UNAME_SPEC = OptionSpec(flags="".join(_UNAME_FIELDS) + "a", long_flags=tuple(_UNAME_LONG))


def _uname_refused(ctx: ProcessContext, operand: str | None, error: OptionError | None) -> int:
    """uname's words for a word it does not take (coreutils, or BusyBox with its usage); status 1."""
    if ctx.busybox:
        bad = operand if error is None else "-" if error.option.startswith("--") else error.letter
        ctx.err(f"uname: invalid option -- '{bad}'\n{BUSYBOX_BANNER}Usage: uname [-amnrspvio]\n")
        return 1
    if error is None:
        first = f"uname: extra operand '{operand}'\n"
    elif error.option.startswith("--"):
        first = f"uname: unrecognized option '{error.word}'\n"
    else:
        first = f"uname: invalid option -- '{error.letter}'\n"
    ctx.err(first + "Try 'uname --help' for more information.\n")
    return 1


def uname(ctx: ProcessContext, argv: list[str]) -> int:
    """``uname [-asnrvmpio]``: the kernel the container shares with its host."""
    release = ctx.kernel_release
    busybox = ctx.busybox
    system = "Linux" if ctx.userland.musl else "GNU/Linux"
    platform = "x86_64" if ctx.userland.uname_platform and not busybox else "unknown"
    values = ["Linux", ctx.hostname, release, KERNEL_VERSIONS.get(release, "#1 SMP"), "x86_64", platform, platform, system]
    wanted: set[str] = set()
    try:
        for option, value in scan(argv[1:], _UNAME_SPEC):  # the first bad word is the one named
            if option == OPERAND:
                return _uname_refused(ctx, value or "", None)
            wanted.add(_UNAME_LONG.get(option) or option[1:])
    except OptionError as error:
        return _uname_refused(ctx, None, error)
    if "a" in wanted:
        # GNU: -a leaves out -p and -i when they are unknown; BusyBox prints every field but -p/-i
        fields = [0, 1, 2, 3, 4, 7] if busybox or platform == "unknown" else list(range(8))
    else:
        fields = sorted(_UNAME_FIELDS[letter] for letter in wanted) or [0]
    ctx.out(" ".join(values[i] for i in fields) + "\n")
    return 0


def whoami(ctx: ProcessContext, argv: list[str]) -> int:
    """``whoami``: root, in the host's terminal and in a container (Docker's default user)."""
    ctx.out("root\n" if ctx.uid == 0 else f"{ctx.uid}\n")
    return 0


def id_(ctx: ProcessContext, argv: list[str]) -> int:
    """``id [-u|-g|-n]``: root's ids and the groups the image's /etc/group gives it."""
    args = argv[1:]
    if args in (["-u"], ["-g"]):
        ctx.out("0\n")
    elif args in (["-un"], ["-nu"], ["-gn"], ["-ng"], ["-u", "-n"], ["-n", "-u"], ["-g", "-n"], ["-n", "-g"]):
        ctx.out("root\n")
    elif args in ([], ["root"]):
        ctx.out(f"uid=0(root) gid=0(root) groups={ctx.userland.root_groups}\n")
    elif args and not args[0].startswith("-"):
        ctx.err(f"id: unknown user {args[0]}\n" if ctx.busybox else f"id: '{args[0]}': no such user\n")
        return 1
    else:
        ctx.err(f"dockersim: id {' '.join(args)}: these options of id are not simulated (id, id -u, id -un are)\n")
        return 126
    return 0


PROGRAMS: dict[str, ProgramBody] = {"ps": ps, "uname": uname, "whoami": whoami, "id": id_}
