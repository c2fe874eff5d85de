"""What the shell does with a line before any program runs: words, pipes, ``;``, ``&&``, ``||``.

Quoting follows POSIX sh as ``shlex`` reads it in posix mode (comments allowed), in
time linear in the line. Nothing is expanded or executed for real: the words go to simulated programs. Redirections
and background jobs are refused with a message, not silently ignored.
"""

from __future__ import annotations

import re


class ShellSyntaxError(Exception):
    """What bash would say (without the ``bash: `` prefix)."""


Pipeline = list[list[str]]


def parse(text: str) -> list[tuple[str, Pipeline]]:
    """``a | b && c ; d`` -> [("", [[a], [b]]), ("&&", [[c]]), (";", [[d]])]."""
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
