"""Scenario files: a terminal transcript a teacher can hand out, and check.

Format (UTF-8 text)::

    #! title: 1. Docker network structure
    #! engine: 20.10          (optional: engine version, hosts, seed, lang)
    # narration, shown as a comment
    $ docker run -itd --name c1 ubuntu:14.04
    expected output line 1
    expected output line 2
    laptop$ ping -c 1 192.168.1.10      (a command on another machine of the lab)

A ``$ `` line is a command on the Docker host, or in the container the terminal
is attached to (after ``docker run -it``); ``NAME$ `` runs it on machine NAME. The
lines up to the next command or narration are the expected output (stdout and
stderr as a terminal shows them). In expected output, ``...`` alone on a line
matches any number of lines and ``...`` inside a line matches any text, like
doctest's ELLIPSIS. Scenario files are data: nothing in them is ever executed by
Python or a real shell.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MACHINE_PROMPT = re.compile(r"^([A-Za-z][\w-]*)\$ (.*)$")
BUILTIN_DIR = Path(__file__).parent / "builtin"


class ScriptError(Exception):
    """A scenario file that cannot be read: ``file:line: message``."""


@dataclass
class Step:
    """One command, where it runs, what it should print."""

    line: int
    command: str
    on: str | None = None
    expected: list[str] = field(default_factory=list)
    narration: list[str] = field(default_factory=list)


@dataclass
class Script:
    """A parsed scenario file."""

    path: str
    meta: dict[str, str]
    steps: list[Step]
    trailing_narration: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.meta.get("title", Path(self.path).stem)


def parse(text: str, path: str = "<scenario>") -> Script:
    """Parse scenario text; raises ScriptError with the file and line for bad input."""
    if "\x00" in text:
        raise ScriptError(f"{path}:1: not a text file (it contains NUL bytes)")
    meta: dict[str, str] = {}
    steps: list[Step] = []
    narration: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if any(ord(ch) < 32 and ch not in "\t" for ch in line):
            raise ScriptError(f"{path}:{number}: control characters in the line: {line!r}")
        if line.startswith("#!"):
            key, sep, value = line[2:].partition(":")
            if not sep:
                raise ScriptError(f"{path}:{number}: a header line reads '#! key: value', not {line!r}")
            meta[key.strip().lower()] = value.strip()
            continue
        if line.startswith("$ ") or line == "$":
            steps.append(Step(number, line[2:].strip(), None, [], narration))
            narration = []
            continue
        m = MACHINE_PROMPT.match(line)
        if m:
            steps.append(Step(number, m.group(2).strip(), m.group(1), [], narration))
            narration = []
            continue
        if line.startswith("#"):
            narration.append(line[1:].strip())
            continue
        if not steps:
            if line.strip():
                raise ScriptError(f"{path}:{number}: expected output before any command: {line!r}")
            continue
        steps[-1].expected.append(line)
    for step in steps:
        while step.expected and not step.expected[-1].strip():
            step.expected.pop()
    return Script(path, meta, steps, narration)


def load(name_or_path: str) -> Script:
    """A built-in scenario by name, or a file by path."""
    path = Path(name_or_path)
    if not path.exists():
        builtin = BUILTIN_DIR / f"{name_or_path}.txt"
        if builtin.exists():
            path = builtin
        else:
            raise ScriptError(f"{name_or_path}: no such file, and no built-in scenario of that name (see 'dockersim scenarios')")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ScriptError(f"{path}: {error.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ScriptError(f"{path}:{line}: not UTF-8 text") from None
    return parse(text, str(path))


def builtin_names() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.txt"))


def _line_matches(pattern: str, actual: str) -> bool:
    if "..." not in pattern:
        return pattern.rstrip() == actual.rstrip()
    regex = ".*".join(re.escape(part) for part in pattern.rstrip().split("..."))
    return re.fullmatch(regex, actual.rstrip()) is not None


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` lines match ``expected`` (``...`` lines match any run of lines)."""

    def go(i: int, j: int) -> bool:
        while i < len(expected):
            if expected[i].strip() == "...":
                return any(go(i + 1, k) for k in range(j, len(actual) + 1))
            if j >= len(actual) or not _line_matches(expected[i], actual[j]):
                return False
            i += 1
            j += 1
        return j == len(actual)

    return go(0, 0)


def diff(expected: list[str], actual: list[str], label: str) -> str:
    return "".join(
        line + "\n"
        for line in difflib.unified_diff(expected, actual, fromfile=f"{label} (expected)", tofile=f"{label} (actual)", lineterm="")
    )


def iter_output_lines(text: str) -> Iterator[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    yield from lines
