"""What the shell does with a line before any program runs: words, pipes, ``;``, ``&&``, ``||``.

Quoting follows POSIX sh as ``shlex`` reads it in posix mode (comments allowed), in
time linear in the line. Nothing is executed for real: the words go to simulated
programs. Redirections and background jobs are refused with a message, not silently
ignored.

Command substitution (``$(...)`` and backticks) and parameters (``$NAME``,
``${NAME}``, ``$?``) are found here, before the words are split: each one is set
aside and its place marked in the word by a stand-in character (one range for an
unquoted one, one for one inside double quotes). When the command runs, the lab runs
each substitution's text as a command line of its own, in the same place, looks the
parameters up in that place's environment, and ``expand`` puts the text back: a
command's trailing newlines removed, and, when unquoted, split into words at blanks and
newlines as bash does with the default IFS (no globbing). Positional and special
parameters other than ``$?`` are left as typed.
"""

from __future__ import annotations

import re
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
    variables: tuple[str, ...] = ()


def parse_line(text: str) -> Line:
    """Split ``text`` into pipelines, with each ``$(...)``/backtick set aside for ``expand``."""
    marked, substitutions, variables = _mark_substitutions(text)
    return Line(_parse(marked), tuple(substitutions), tuple(variables))


def simple_command(text: str) -> list[str] | None:
    """The words of ``text`` if it is one simple command (no list, pipe, substitution or parameter)."""
    try:
        line = parse_line(text)
    except ShellSyntaxError:
        return None
    if len(line.sequence) != 1 or len(line.sequence[0][1]) != 1 or line.substitutions or line.variables:
        return None
    return line.sequence[0][1][0]


def has_substitution(word: str) -> bool:
    """Whether ``word`` carries a command substitution or a parameter still to be expanded."""
    return _MARKS.search(word) is not None


def _stand_in(ch: str, outputs: dict[int, str], values: dict[int, str]) -> tuple[str, bool] | None:
    """The text a stand-in character stands for, and whether it was quoted; None for a plain character."""
    code = ord(ch)
    for base, table, quoted, strip in (
        (_UNQUOTED, outputs, False, True), (_QUOTED, outputs, True, True),
        (_VAR_UNQUOTED, values, False, False), (_VAR_QUOTED, values, True, False),
    ):
        if base <= code < base + _MAX_SUBSTITUTIONS:
            text = table.get(code - base, "")
            return (text.rstrip("\n") if strip else text), quoted
    return None


def expand(argv: list[str], outputs: dict[int, str], values: dict[int, str] | None = None) -> list[str]:
    """The words of ``argv`` with each substitution replaced by its command's output and
    each parameter by its value.

    ``outputs`` maps a substitution's index to what its command printed (trailing
    newlines dropped), ``values`` a parameter's index to its value. Unquoted, the text is
    split at blanks (an empty one leaves no word); quoted, it stays one word.
    """
    values = values or {}
    words: list[str] = []
    for word in argv:
        if not has_substitution(word):
            words.append(word)
            continue
        fields: list[str] = [""]
        kept = [False]  # a field with literal text or a quoted substitution is a word even when empty
        for ch in word:
            found = _stand_in(ch, outputs, values)
            if found is not None and found[1]:
                fields[-1] += found[0]
                kept[-1] = True
            elif found is not None:
                text = found[0]
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


_MARKS = re.compile("[\ue100-\ue4ff]")


def _marked(argv: list[str], bases: tuple[int, int]) -> list[int]:
    """The indices marked in ``argv`` by characters counted from either of ``bases``, in order."""
    found: list[int] = []
    for word in argv:
        if not _MARKS.search(word):
            continue
        for ch in word:
            code = ord(ch)
            for base in bases:
                if base <= code < base + _MAX_SUBSTITUTIONS and code - base not in found:
                    found.append(code - base)
    return found


def substitutions_in(argv: list[str]) -> list[int]:
    """The indices of the substitutions ``argv`` marks, in order."""
    return _marked(argv, (_UNQUOTED, _QUOTED))


def variables_in(argv: list[str]) -> list[int]:
    """The indices of the parameters ``argv`` marks, in order."""
    return _marked(argv, (_VAR_UNQUOTED, _VAR_QUOTED))


_UNQUOTED = 0xE100
_QUOTED = 0xE200
_VAR_UNQUOTED = 0xE300
_VAR_QUOTED = 0xE400
_MAX_SUBSTITUTIONS = 0x100
_NAME_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_NAME_CHARS = _NAME_START + "0123456789"


def _parameter(text: str, i: int) -> tuple[str, int] | None:
    """``$NAME``, ``${NAME}`` or ``$?`` at ``text[i]``: the name and the index after it."""
    nxt = text[i + 1:i + 2]
    if nxt == "?":
        return "?", i + 2
    if nxt == "{":
        end = text.find("}", i + 2)
        name = text[i + 2:end] if end > 0 else ""
        if name and (name == "?" or (name[0] in _NAME_START and all(c in _NAME_CHARS for c in name))):
            return name, end + 1
        return None
    if nxt and nxt in _NAME_START:
        end = i + 1
        while end < len(text) and text[end] in _NAME_CHARS:
            end += 1
        return text[i + 1:end], end
    return None


def _mark_substitutions(text: str) -> tuple[str, list[str], list[str]]:
    """Replace each top-level ``$(...)``, backtick and parameter by a stand-in; return the commands and names."""
    if "$" not in text and "`" not in text:
        return text, [], []  # nothing to set aside (and a long line is not walked char by char)
    out: list[str] = []
    found: list[str] = []
    names: list[str] = []
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and quote != "'" and i + 1 < len(text):
            out.append(text[i:i + 2])
            i += 2
            continue
        parameter = _parameter(text, i) if quote != "'" and ch == "$" else None
        if parameter is not None:
            if len(names) >= _MAX_SUBSTITUTIONS:
                raise ShellSyntaxError("too many parameters in one line")
            names.append(parameter[0])
            out.append(chr((_VAR_QUOTED if quote == '"' else _VAR_UNQUOTED) + len(names) - 1))
            i = parameter[1]
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
    return "".join(out), found, names


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
    """The pipelines of a line whose substitutions are already marked."""
    try:
        tokens = _tokens(text)
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
        if token and token[0] in _OPERATORS:  # an operator run (a word never starts with a bare operator character)
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


# Quoted or escaped ``; & | < >`` are plain characters (``echo '|'`` prints a bar): the
# lexer gives them as private-use stand-ins, told apart from operators, and ``parse``
# puts them back in the words.
_OPERATORS = ";&|<>"
_STAND_INS = "".join(chr(0xE000 + i) for i in range(len(_OPERATORS)))
_PROTECT = str.maketrans(_OPERATORS, _STAND_INS)
_UNPROTECT = str.maketrans(_STAND_INS, _OPERATORS)


# A line is blanks and, between them, words, runs of operator characters and comments
# (to the end of their line). A word is plain text, quoted strings and escaped
# characters with nothing between them. Anything else (``bad``) is an unclosed quote or
# a final backslash.
_WORD = r"""(?:[^ \t\r\n'"\\;&|<>#]+|'[^']*'|"[^"\\]*(?:\\.[^"\\]*)*"|\\.)+"""
_LINE = re.compile(rf"""[ \t\r\n]*(?:({_WORD})|([;&|<>]+)|#[^\n]*\n?|([^ \t\r\n]))""", re.DOTALL)
# The pieces of a word that has quotes or backslashes.
_PIECE = re.compile(r"""([^'"\\]+)|'([^']*)'|"([^"\\]*(?:\\.[^"\\]*)*)"|\\(.)""", re.DOTALL)
# Inside double quotes a backslash escapes only a backslash or a double quote (as shlex has it).
_IN_DOUBLE = re.compile(r"\\(.)", re.DOTALL)
# A line without quotes, backslashes or comments is only words and operator runs.
_QUOTING = re.compile(r"""['"\\#]""")
_BARE = re.compile(r"[;&|<>]+|[^ \t\r\n;&|<>]+")


def _tokens(text: str) -> list[str]:
    """The words and operator runs of ``text``, in time linear in its length.

    Quoted or escaped operator characters come out as their stand-ins. Raises
    ValueError for an unclosed quote or a final backslash.
    """
    if _QUOTING.search(text) is None:
        return _BARE.findall(text)
    tokens: list[str] = []
    for word, operator, bad in _LINE.findall(text):
        if bad:
            raise ValueError("No closing quotation")
        if operator:
            tokens.append(operator)
        elif word:
            tokens.append(_unquote(word) if "'" in word or '"' in word or "\\" in word else word)
    return tokens


def _unquote(word: str) -> str:
    """A word with its quotes and escapes resolved; the operator characters they protect as stand-ins."""
    out: list[str] = []
    for plain, single, double, escaped in _PIECE.findall(word):
        if plain:
            out.append(plain)
        elif escaped:
            out.append(escaped.translate(_PROTECT))
        elif double:
            out.append((_IN_DOUBLE.sub(_unescape_double, double) if "\\" in double else double).translate(_PROTECT))
        else:
            out.append(single.translate(_PROTECT))
    return "".join(out)


def _unescape_double(match: re.Match[str]) -> str:
    return match.group(1) if match.group(1) in '\\"' else match.group()
