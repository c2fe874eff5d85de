"""The text filters a pipeline ends in: grep, head, tail, wc, sort, uniq, cat.

They read what the previous command printed (``ip addr | grep inet``) and are pure
functions of their arguments and that text, like the coreutils/busybox tools they
imitate (the common options only).
"""

from __future__ import annotations

import re
from collections.abc import Callable

Filter = Callable[[list[str], str], tuple[str, str, int]]


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _count_arg(argv: list[str], default: int) -> tuple[int, list[str]]:
    n, rest, i = default, [], 1
    while i < len(argv):
        a = argv[i]
        if a == "-n" and i + 1 < len(argv):
            n = int(argv[i + 1])
            i += 2
            continue
        if a.startswith("-n") and a[2:].lstrip("-").isdecimal():
            n = int(a[2:])
        elif a.startswith("-") and a[1:].isdecimal():
            n = int(a[1:])
        else:
            rest.append(a)
        i += 1
    return n, rest


def head(argv: list[str], text: str) -> tuple[str, str, int]:
    """``head [-n N]`` of piped text: its first lines; (stdout, stderr, status)."""
    try:
        n, _ = _count_arg(argv, 10)
    except ValueError:
        return "", f"head: invalid number of lines: '{argv[-1]}'\n", 1
    return "".join(_lines(text)[:n]), "", 0


def tail(argv: list[str], text: str) -> tuple[str, str, int]:
    """``tail [-n N]`` of piped text: its last lines; (stdout, stderr, status)."""
    try:
        n, _ = _count_arg(argv, 10)
    except ValueError:
        return "", f"tail: invalid number of lines: '{argv[-1]}'\n", 1
    lines = _lines(text)
    return "".join(lines[-n:] if n else []), "", 0


def grep(argv: list[str], text: str) -> tuple[str, str, int]:
    """``grep [-iFEvco] PATTERN`` of piped text; status 1 when nothing matched."""
    flags = {a for a in argv[1:] if a.startswith("-") and len(a) > 1}
    words = [a for a in argv[1:] if not (a.startswith("-") and len(a) > 1)]
    letters = set("".join(f[1:] for f in flags if not f.startswith("--")))
    if not words:
        return "", "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2
    pattern = words[0]
    try:
        if "F" in letters:
            regex = re.compile(re.escape(pattern), re.I if "i" in letters else 0)
        else:
            extended = "E" in letters
            p = pattern if extended else pattern.replace(r"\|", "|").replace(r"\+", "+")
            regex = re.compile(p, re.I if "i" in letters else 0)
    except re.error:
        return "", "grep: Unmatched ( or \\(\n", 2
    invert = "v" in letters
    chosen = [line for line in _lines(text) if bool(regex.search(line)) != invert]
    if "c" in letters:
        return f"{len(chosen)}\n", "", 0 if chosen else 1
    if "o" in letters and not invert:
        return "".join(m.group(0) + "\n" for line in chosen for m in regex.finditer(line)), "", 0 if chosen else 1
    return "".join(chosen), "", 0 if chosen else 1


def wc(argv: list[str], text: str) -> tuple[str, str, int]:
    """``wc [-l|-w|-c]`` of piped text."""
    lines = text.count("\n")
    words = len(text.split())
    if "-l" in argv:
        return f"{lines}\n", "", 0
    if "-w" in argv:
        return f"{words}\n", "", 0
    if "-c" in argv:
        return f"{len(text.encode())}\n", "", 0
    return f"{lines:>7} {words:>7} {len(text.encode()):>7}\n", "", 0


def sort(argv: list[str], text: str) -> tuple[str, str, int]:
    """``sort [-n] [-r] [-u]`` of piped text."""
    lines = [line if line.endswith("\n") else line + "\n" for line in _lines(text)]
    key = None
    if "-n" in argv:
        def key(line: str) -> tuple[float, str]:
            m = re.match(r"\s*(-?\d+(?:\.\d+)?)", line)
            return (float(m.group(1)) if m else 0.0, line)
    out = sorted(lines, key=key, reverse="-r" in argv)
    if "-u" in argv:
        out = list(dict.fromkeys(out))
    return "".join(out), "", 0


def uniq(argv: list[str], text: str) -> tuple[str, str, int]:
    """``uniq [-c]`` of piped text: adjacent repeats folded."""
    out: list[str] = []
    counts: list[int] = []
    for line in _lines(text):
        if out and out[-1] == line:
            counts[-1] += 1
        else:
            out.append(line)
            counts.append(1)
    if "-c" in argv:
        return "".join(f"{c:>7} {line}" for c, line in zip(counts, out, strict=True)), "", 0
    return "".join(out), "", 0


def cat(argv: list[str], text: str) -> tuple[str, str, int]:
    """``cat`` at the end of a pipe: the text as it came."""
    return text, "", 0


FILTERS: dict[str, Filter] = {"grep": grep, "egrep": grep, "head": head, "tail": tail, "wc": wc, "sort": sort, "uniq": uniq, "cat": cat}
