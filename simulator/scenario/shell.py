"""What the shell does with a line before any program runs: words, pipes, ``;``, ``&&``, ``||``.

Quoting follows POSIX sh (``shlex`` in posix mode, comments allowed). Nothing is
expanded or executed for real: the words go to simulated programs. Redirections
and background jobs are refused with a message, not silently ignored.
"""

from __future__ import annotations

import shlex


class ShellSyntaxError(Exception):
    """What bash would say (without the ``bash: `` prefix)."""


Pipeline = list[list[str]]


def parse(text: str) -> list[tuple[str, Pipeline]]:
    """``a | b && c ; d`` -> [("", [[a], [b]]), ("&&", [[c]]), (";", [[d]])]."""
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
