"""Command lines read the way getopt(3) and getopt_long(3) read them.

Every program here parses its words in two steps: this module splits them into
options (with their values) and operands, as the C library's getopt does; the
program then folds the options into a frozen value of its own (``PingOptions``,
``CurlOptions``, ``WgetOptions``) and only then acts. The split follows getopt:

* ``-abc`` is three short options; a short option that takes a value takes the
  rest of its word (``-O-``, ``-c5``) or else the next word (``-O -``);
* ``--name`` is a long option, ``--name=value`` or ``--name value`` gives it a value;
* any other word (and ``-`` alone) is an operand, wherever it stands (GNU getopt
  permutes; curl and BusyBox do the same for URLs and hosts).

A word the program does not know raises :class:`UnknownOption`, a value that is
not there :class:`MissingArgument`; each program words them as its real
counterpart does (glibc: ``invalid option -- 'x'``, ``unrecognized option
'--foo'``, ``option requires an argument -- 'O'``; curl: ``option -x: is
unknown``, ``option -o: requires parameter``). Simplified: no abbreviated long
options, no ``--`` end marker, and a value given to a long option that takes
none is ignored.

>>> spec = OptionSpec(flags="qS", valued="OT", long_flags=("--quiet",), long_valued=("--timeout",))
>>> split(["-qO-", "--timeout=5", "http://web/"], spec)
Parsed(options=(('-q', None), ('-O', '-'), ('--timeout', '5')), operands=('http://web/',))
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """The options one program knows: short letters and long names, with or without a value."""

    flags: str = ""  # short options without a value ("qS")
    valued: str = ""  # short options that take one ("OT")
    long_flags: tuple[str, ...] = ()  # "--quiet"
    long_valued: tuple[str, ...] = ()  # "--timeout"


@dataclass(frozen=True, slots=True)
class Parsed:
    """The words split: each option as typed with its value (None for a flag), then the operands."""

    options: tuple[tuple[str, str | None], ...]
    operands: tuple[str, ...]


class OptionError(Exception):
    """A command line the option parser refuses; ``option`` is the option as getopt names it."""

    def __init__(self, option: str, word: str) -> None:
        super().__init__(option)
        self.option = option  # "-x", "--foo"
        self.word = word  # the whole word typed ("--foo=1")

    @property
    def letter(self) -> str:
        """A short option's letter (``x`` of ``-x``), as glibc quotes it."""
        return self.option[1:]


class UnknownOption(OptionError):
    """An option the program does not have."""


class MissingArgument(OptionError):
    """An option that takes a value, at the end of the command line."""


OPERAND = ""
"""The name :func:`scan` gives an operand (its word is the value)."""


def scan(args: list[str], spec: OptionSpec) -> Iterator[tuple[str, str | None]]:
    """``args`` (without the program's name) word by word, in order, as getopt reads them.

    Yields ``(option, value)`` (``value`` None for a flag) and ``(OPERAND, word)``, so a
    program that checks each value as it comes stops at the first bad one, as the real
    tool does.

    Raises:
        UnknownOption: a word names an option ``spec`` does not have.
        MissingArgument: the last word is an option that needs a value.
    """
    i = 0
    while i < len(args):
        word = args[i]
        if word.startswith("--"):
            name, eq, inline = word.partition("=")
            if name in spec.long_flags:
                yield name, None
            elif name in spec.long_valued:
                if not eq:
                    if i + 1 >= len(args):
                        raise MissingArgument(name, word)
                    i += 1
                    inline = args[i]
                yield name, inline
            else:
                raise UnknownOption(name, word)
        elif word.startswith("-") and len(word) > 1:
            found: list[tuple[str, str | None]] = []
            i = _short_cluster(args, i, spec, found)
            yield from found
        else:
            yield OPERAND, word
        i += 1


def split(args: list[str], spec: OptionSpec) -> Parsed:
    """``args`` (without the program's name) as options and operands (see :func:`scan`)."""
    options: list[tuple[str, str | None]] = []
    operands: list[str] = []
    for option, value in scan(args, spec):
        if option == OPERAND:
            operands.append(value or "")
        else:
            options.append((option, value))
    return Parsed(tuple(options), tuple(operands))


def _short_cluster(args: list[str], i: int, spec: OptionSpec, options: list[tuple[str, str | None]]) -> int:
    """The short options of ``args[i]`` (``-qO-``); the index of the last word used."""
    word = args[i]
    for j, letter in enumerate(word[1:], start=1):
        option = f"-{letter}"
        if letter in spec.flags:
            options.append((option, None))
        elif letter in spec.valued:
            value = word[j + 1:]
            if not value:
                if i + 1 >= len(args):
                    raise MissingArgument(option, word)
                i += 1
                value = args[i]
            options.append((option, value))
            return i
        else:
            raise UnknownOption(option, word)
    return i
