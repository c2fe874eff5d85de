"""The small programs of every userland: ``hostname``, ``cat``, ``env``, ``printenv``,
``echo``, ``true``, ``false``, ``sleep`` (coreutils, the hostname package, or BusyBox).

Each answers from what the process sees (its files, its environment, its namespace's
addresses) in the words of the userland it runs in.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

from simulator.programs import os_release, procfs, sysfs
from simulator.programs.process import ProcessContext, ProgramBody


def hostname(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``hostname``, ``hostname -i`` (the name's addresses, from /etc/hosts or DNS), ``hostname -I``
    (every address of every interface but loopback's, each followed by a space)."""
    args = argv[1:]
    if args == ["-I"] and not ctx.busybox:
        addrs = [str(a.ip) for a in ctx.netns.ipv4.addresses if a.scope != "host"]
        ctx.out("".join(a + " " for a in addrs) + "\n")
        return 0
    if args == ["-i"]:
        found = _addresses_of(ctx.files.get("/etc/hosts", ""), ctx.hostname)
        if not found and ctx.resolve is not None:
            answer = yield from ctx.resolve(ctx.hostname)
            found = [answer] if answer else []
        if not found:
            ctx.err(f"hostname: {ctx.hostname}: Unknown host\n" if ctx.busybox else "hostname: Name or service not known\n")
            return 1
        ctx.out(" ".join(found) + "\n")
        return 0
    if args:
        bad = args[0][1:2] if args[0].startswith("-") else args[0]
        if ctx.busybox:
            ctx.err(f"hostname: invalid option -- '{bad}'\n" if args[0].startswith("-") else "hostname: sethostname: Operation not permitted\n")
        else:
            ctx.err(f"dockersim: hostname {' '.join(args)}: not simulated (hostname, -i and -I are)\n")
        return 1 if ctx.busybox else 126
    ctx.out(ctx.hostname + "\n")
    return 0


def _addresses_of(hosts: str, name: str) -> list[str]:
    """The IPv4 addresses /etc/hosts gives ``name``, in file order, each once."""
    found: list[str] = []
    for line in hosts.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2 and name in words[1:] and ":" not in words[0] and words[0] not in found:
            found.append(words[0])
    return found


def _file(ctx: ProcessContext, path: str) -> tuple[str | None, bool]:
    """The text of ``path`` in the process's view, and whether the simulator models that place
    (the network files, ``/proc/sys/net``, ``/sys/class/net``, the release files): only there
    is an absent file known to be missing."""
    text = ctx.files.get(path)
    if text is not None:
        return text, True
    if path.startswith("/proc/sys/"):
        return procfs.read(ctx.netns, path), True
    if path.startswith(sysfs.PREFIX):
        return sysfs.read(ctx.netns, path), True
    text = os_release.read(ctx.release, path)
    return text, text is not None


def cat(ctx: ProcessContext, argv: list[str]) -> int:
    """``cat FILE...``: each file of the process's view, in order; a missing one is named on stderr (status 1).

    A file in a place the simulator does not model is said to be so, never called missing:
    the real image may well have it (``/etc/passwd``).
    """
    status = 0
    for path in argv[1:]:
        text, modelled = _file(ctx, path)
        if text is not None:
            ctx.out(text)
            continue
        status = 1
        if not modelled:
            ctx.err(f"dockersim: cat: {path}: the simulator does not model this file\n")
        elif ctx.busybox:
            ctx.err(f"cat: can't open '{path}': No such file or directory\n")
        else:
            ctx.err(f"cat: {path}: No such file or directory\n")
    return status


def env(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``env``: the environment, one ``NAME=value`` a line."""
    yield from ()  # a program is a generator; this one never waits
    ctx.out("".join(f"{k}={v}\n" for k, v in ctx.environ.items()))
    return 0


def printenv(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``printenv [VARIABLE]...``: the whole environment, or each named variable's value (exit 1 if one is unset)."""
    names = argv[1:]
    if not names:
        return (yield from env(ctx, argv))
    found = [ctx.environ[name] for name in names if name in ctx.environ]
    ctx.out("".join(value + "\n" for value in found))
    return 0 if len(found) == len(names) else 1


def echo(ctx: ProcessContext, argv: list[str]) -> int:
    """``echo WORD...``: the words, one space apart, and a newline."""
    ctx.out(" ".join(argv[1:]) + "\n")
    return 0


def true(ctx: ProcessContext, argv: list[str]) -> int:
    """``true``: nothing, status 0."""
    return 0


def clear(ctx: ProcessContext, argv: list[str]) -> int:
    """``clear`` (ncurses): here, nothing on standard output, status 0.

    At a terminal ``clear`` writes the terminfo ``clear`` and ``E3`` strings
    (``ESC[H ESC[2J ESC[3J`` for xterm). A lab's output is a transcript, not a screen: a
    notebook cell or a ``lab.sh`` result holds only this command's own output, so there
    is nothing before it to clear, and the escape sequence would show as garbage text in
    the cell. ``dockersim shell``, which is a terminal, clears its screen itself when
    ``clear`` succeeds (``shell_app``).
    """
    return 0


def false(ctx: ProcessContext, argv: list[str]) -> int:
    """``false``: nothing, status 1."""
    return 1


_SLEEP_SUFFIXES = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_BUSYBOX_SLEEP_USAGE = (
    "BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: sleep [N]...\n\n"
    "Pause for a time equal to the total of the args given, where each arg can\n"
    "have an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n"
)


def _gnu_interval(word: str) -> float | None:
    """coreutils ``sleep``: ``xstrtod`` (decimal, exponent, hex, ``inf``) then one s/m/h/d suffix; ``None`` if invalid."""
    unit = _SLEEP_SUFFIXES.get(word[-1:], 0) if len(word) > 1 or word in _SLEEP_SUFFIXES else 0
    number = word[:-1] if unit else word
    unit = unit or 1
    if "_" in number or not number.strip():
        return None
    try:
        value = float(number)
    except ValueError:
        try:
            value = float.fromhex(number)
        except ValueError:
            return None
    if math.isnan(value) or value < 0:
        return None
    return value * unit


def _busybox_interval(word: str) -> float | None:
    """BusyBox ``parse_duration_str``: digits and a dot, then an optional s/m/h/d suffix."""
    unit = _SLEEP_SUFFIXES.get(word[-1:], 0)
    number = word[:-1] if unit else word
    if not number or number.strip("0123456789.") or number.count(".") > 1 or number == ".":
        return None
    return float(number) * (unit or 1)


def sleep(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``sleep NUMBER[SUFFIX]...``: simulated time passes (the sum of the arguments); every timer due fires.

    GNU's range: any non-negative number (``2.5``, ``1e3``, ``0x10``) with an ``s``,
    ``m``, ``h`` or ``d`` suffix, several summed, ``infinity``. The lab stops a
    command after a simulated day, so a lesson never hangs.
    """
    args = argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    elif args[:1] and args[0].startswith("-") and len(args[0]) > 1 and not ctx.busybox:
        ctx.err(f"sleep: invalid option -- '{args[0][1]}'\nTry 'sleep --help' for more information.\n")
        return 1
    if not args:
        if ctx.busybox:
            ctx.err(_BUSYBOX_SLEEP_USAGE)
            return 1
        ctx.err("sleep: missing operand\nTry 'sleep --help' for more information.\n")
        return 1
    total = 0.0
    bad = False
    for word in args:
        if ctx.busybox and word.lower().startswith("inf"):  # BusyBox: "inf..." sleeps forever
            total = math.inf
            continue
        value = _busybox_interval(word) if ctx.busybox else _gnu_interval(word)
        if value is None:
            if ctx.busybox:
                ctx.err(f"sleep: invalid number '{word}'\n")
                return 1
            ctx.err(f"sleep: invalid time interval '{word}'\n")
            bad = True
            continue
        total += value
    if bad:
        ctx.err("Try 'sleep --help' for more information.\n")
        return 1
    if math.isinf(total):
        yield ctx.sim.env.event()  # never triggered: until the container stops or the lab's time limit
        return 0
    yield ctx.sim.env.timeout(total)
    return 0


PROGRAMS: dict[str, ProgramBody] = {
    "hostname": hostname,
    "cat": cat,
    "env": env,
    "printenv": printenv,
    "echo": echo,
    "true": true,
    "false": false,
    "clear": clear,
    "sleep": sleep,
}
