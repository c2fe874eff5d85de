"""What the shell does with a line before any program runs: words, pipes, ``;``, ``&&``, ``||``.

Quoting follows POSIX sh (``shlex`` in posix mode, comments allowed). Nothing is
executed for real: the words go to simulated programs. Redirections and
background jobs are refused with a message, not silently ignored.

Command substitution (``$(...)`` and backticks) is found here, before the words
are split: each one is set aside and its place marked in the word by a stand-in
character (one range for an unquoted substitution, one for a substitution inside
double quotes). When the command runs, the lab runs each substitution's text as a
command line of its own, in the same place, and ``expand`` puts its output back:
trailing newlines removed, and, when unquoted, split into words at blanks and
newlines as bash does with the default IFS (no globbing).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass


class ShellSyntaxError(Exception):
    """What bash would say (without the ``bash: `` prefix)."""


Pipeline = list[list[str]]


def parse(text: str) -> list[tuple[str, Pipeline]]:
    """``a | b && c ; d`` -> [("", [[a], [b]]), ("&&", [[c]]), (";", [[d]])].

    Substitutions stay marked in the words (see ``parse_line``)."""
    return parse_line(text).sequence


@dataclass(frozen=True)
class Line:
    """A parsed command line: its sequence of pipelines and the command substitutions its words mark."""

    sequence: list[tuple[str, Pipeline]]
    substitutions: tuple[str, ...]


def parse_line(text: str) -> Line:
    """Split ``text`` into pipelines, with each ``$(...)``/backtick set aside for ``expand``."""
    marked, substitutions = _mark_substitutions(text)
    return Line(_parse(marked), tuple(substitutions))


def has_substitution(word: str) -> bool:
    """Whether ``word`` carries a command substitution still to be run."""
    return any(_UNQUOTED <= ord(ch) < _QUOTED + _MAX_SUBSTITUTIONS for ch in word)


def expand(argv: list[str], outputs: dict[int, str]) -> list[str]:
    """The words of ``argv`` with each substitution replaced by its command's output.

    ``outputs`` maps a substitution's index to what its command printed. Unquoted,
    the output is split at blanks (an empty one leaves no word); quoted, it stays
    one word. Trailing newlines are dropped either way.
    """
    words: list[str] = []
    for word in argv:
        if not has_substitution(word):
            words.append(word)
            continue
        fields: list[str] = [""]
        kept = [False]  # a field with literal text or a quoted substitution is a word even when empty
        for ch in word:
            code = ord(ch)
            if _QUOTED <= code < _QUOTED + _MAX_SUBSTITUTIONS:
                fields[-1] += outputs.get(code - _QUOTED, "").rstrip("\n")
                kept[-1] = True
            elif _UNQUOTED <= code < _UNQUOTED + _MAX_SUBSTITUTIONS:
                text = outputs.get(code - _UNQUOTED, "").rstrip("\n")
                pieces = text.split()
                if text[:1].isspace():
                    fields.append("")
                    kept.append(False)
                for i, piece in enumerate(pieces):
                    if i:
                        fields.append("")
                        kept.append(False)
                    fields[-1] += piece
                    kept[-1] = True
                if text[-1:].isspace():
                    fields.append("")
                    kept.append(False)
            else:
                fields[-1] += ch
                kept[-1] = True
        words += [f for f, k in zip(fields, kept, strict=True) if k]
    return words


def substitutions_in(argv: list[str]) -> list[int]:
    """The indices of the substitutions ``argv`` marks, in order."""
    found: list[int] = []
    for word in argv:
        for ch in word:
            code = ord(ch)
            for base in (_UNQUOTED, _QUOTED):
                if base <= code < base + _MAX_SUBSTITUTIONS and code - base not in found:
                    found.append(code - base)
    return found


_UNQUOTED = 0xE100
_QUOTED = 0xE200
_MAX_SUBSTITUTIONS = 0x100


def _mark_substitutions(text: str) -> tuple[str, list[str]]:
    """Replace each top-level ``$(...)`` and backtick by a stand-in; return the texts inside."""
    out: list[str] = []
    found: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and quote != "'" and i + 1 < len(text):
            out.append(text[i:i + 2])
            i += 2
            continue
        if quote != "'" and (text.startswith("$(", i) or ch == "`"):
            if text.startswith("$((", i):
                raise ShellSyntaxError("$((...)): arithmetic expansion is not simulated")
            end = _closing(text, i + 2) if ch == "$" else text.find("`", i + 1)
            if end < 0:
                raise ShellSyntaxError(f"unexpected EOF while looking for matching `{')' if ch == '$' else '`'}'")
            if len(found) >= _MAX_SUBSTITUTIONS:
                raise ShellSyntaxError("too many command substitutions in one line")
            found.append(text[i + 2:end] if ch == "$" else text[i + 1:end])
            out.append(chr((_QUOTED if quote == '"' else _UNQUOTED) + len(found) - 1))
            i = end + 1
            continue
        if ch in "'\"" and (not quote or quote == ch):
            quote = "" if quote else ch
        out.append(ch)
        i += 1
    return "".join(out), found


def _closing(text: str, start: int) -> int:
    """The index of the ``)`` that closes a ``$(`` opened just before ``start`` (-1 if none)."""
    depth = 1
    quote = ""
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\" and quote != "'":
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _parse(text: str) -> list[tuple[str, Pipeline]]:
    lexer = shlex.shlex(_protect_quoted(text), posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:
        quote = "'" if text.count("'") % 2 else '"'
        raise ShellSyntaxError(f"unexpected EOF while looking for matching `{quote}'") from None
    sequence: list[tuple[str, Pipeline]] = []
    connector = ""
    pipeline: Pipeline = []
    words: list[str] = []
    for token in tokens:
        if token in ("|", ";", "&&", "||"):
            if not words:
                raise ShellSyntaxError(f"syntax error near unexpected token `{token}'")
            pipeline.append(words)
            words = []
            if token != "|":
                sequence.append((connector, pipeline))
                pipeline, connector = [], token
            continue
        if token and set(token) <= set(";&|<>"):
            if token in (">", ">>", "<", "2>", "&>"):
                raise ShellSyntaxError(f"{token}: redirections are not simulated (the lab has no files to write)")
            if token == "&":
                raise ShellSyntaxError("&: background jobs are not simulated")
            raise ShellSyntaxError(f"syntax error near unexpected token `{token}'")
        words.append(token.translate(_UNPROTECT))
    if words:
        pipeline.append(words)
    elif pipeline or connector in ("|", "&&", "||"):
        raise ShellSyntaxError("syntax error: unexpected end of file")
    if pipeline:
        sequence.append((connector, pipeline))
    return sequence


# Quoted or escaped ``; & | < >`` are plain characters (``echo '|'`` prints a bar), but
# shlex returns them exactly like operators: they travel through it as private-use
# stand-ins and are put back in the words.
_OPERATORS = ";&|<>"
_STAND_INS = "".join(chr(0xE000 + i) for i in range(len(_OPERATORS)))
_PROTECT = str.maketrans(_OPERATORS, _STAND_INS)
_UNPROTECT = str.maketrans(_STAND_INS, _OPERATORS)


def _protect_quoted(text: str) -> str:
    out: list[str] = []
    quote = ""  # the quote we are inside, if any
    escaped = False  # the previous character was a backslash that escapes this one
    for ch in text:
        if escaped:
            escaped = False
            out.append(ch.translate(_PROTECT))
        elif quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"':
                escaped = True
            out.append(ch.translate(_PROTECT))
        else:
            if ch in "'\"":
                quote = ch
            elif ch == "\\":
                escaped = True
            out.append(ch)
    return "".join(out)
