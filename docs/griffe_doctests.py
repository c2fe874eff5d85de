"""A griffe extension for the API pages: doctest examples in docstrings become code blocks.

The project's docstrings carry runnable examples (``>>> lab.sh(...)``) anywhere in
the text, as doctest reads them, not only under an ``Examples:`` heading. Markdown
would read those lines as nested quotes, and an expression such as ``rows[:2]``
right after a bracket as a reference link. This extension wraps every run of
``>>>`` lines (up to the next blank line, which ends a doctest example too) in a
``pycon`` fence before mkdocstrings renders the docstring; text already inside a
fence is left alone.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_doctests(text: str) -> str:
    """Wrap each doctest example of ``text`` (a run of lines from one starting ``>>>`` to
    the next blank line) in a pycon code fence at the example's indentation."""
    out: list[str] = []
    lines = text.split("\n")
    in_fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        if in_fence or not (stripped.startswith(">>> ") or stripped == ">>>"):
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(stripped)]
        block = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        out.append(f"{indent}```pycon")
        out.extend(block)
        out.append(f"{indent}```")
    return "\n".join(out)


class FenceDoctests(griffe.Extension):
    """Fence the doctest examples of every docstring griffe loads."""

    def on_instance(self, *, node: Any, obj: griffe.Object, agent: Any, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
