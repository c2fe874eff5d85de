"""A small Go text/template for ``--format`` / ``-f``: what lessons use.

Supported: ``{{.Field.Sub}}``, ``{{json .X}}``, ``{{range .Map}}...{{end}}`` (over map
values or list items, with ``.`` rebound), ``{{range $k, $v := .Map}}`` with
``{{$k}}``/``{{$v.Field}}``, ``{{index .Map "key"}}``, ``{{println}}``, literal text, and
``\\n``/``\\t`` escapes as the shell passes them. Errors read like Go's
(``template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"``).

The CLI executes templates over Go values, not over JSON: a map prints as
``map[k:v]`` with its keys sorted, a struct as ``{v1 v2 ...}`` with every field,
zero values included. Inspect data is JSON-shaped dicts; a dict that stands for a
Go struct is a :class:`GoStruct`, which knows its fields (and how a zero value of
each prints), so ``{{.IPAM.Config}}`` prints ``[{172.18.0.0/16  172.18.0.1 map[]}]``
as Go's ``fmt`` does.
"""

from __future__ import annotations

import json
import re
from typing import Any

TOKEN = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.S)


class TemplateError(Exception):
    """The template cannot be parsed or executed."""


class GoStruct(dict[str, Any]):
    """A JSON object that is a Go struct: its keys as JSON has them (``omitempty`` fields left
    out), and ``fields``: every field in declaration order as (Go name, JSON key, zero value
    as ``fmt`` prints it).

    >>> s = GoStruct({"Subnet": "10.0.0.0/24"}, fields=(("Subnet", "Subnet", ""), ("Gateway", "Gateway", "")))
    >>> _go_text(s), render("{{.Gateway}}", s)
    ('{10.0.0.0/24 }', '')
    """

    def __init__(self, values: dict[str, Any], fields: tuple[tuple[str, str, str], ...], type_name: str = "struct") -> None:
        super().__init__(values)
        self.fields = fields
        self.type_name = type_name  # as Go names the type in an error (``system.versionInfo``)

    def field(self, name: str) -> tuple[bool, Any]:
        """(found, value) of the Go field or JSON key ``name``; a left-out field is its zero value."""
        for go_name, key, zero in self.fields:
            if name in (go_name, key):
                return True, self.get(key, zero)
        return False, None


def _go_text(value: Any) -> str:
    if value is None:
        return "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, GoStruct):
        return "{" + " ".join(_go_text(value[key]) if key in value else zero for _go, key, zero in value.fields) + "}"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_text(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go_text(v) for v in value) + "]"
    return str(value)


def _lookup(expr: str, dot: Any, variables: dict[str, Any]) -> Any:
    expr = expr.strip()
    if expr == ".":
        return dot
    if expr.startswith("$"):
        name, _, rest = expr.partition(".")
        value = variables.get(name)
        return _walk(value, rest.split(".") if rest else [], expr)
    if expr.startswith("."):
        return _walk(dot, expr[1:].split("."), expr)
    if expr.startswith('"') and expr.endswith('"'):
        return expr[1:-1]
    raise TemplateError(f'template: :1: function "{expr.split()[0]}" not defined')


def _walk(value: Any, parts: list[str], expr: str) -> Any:
    for part in parts:
        if not part:
            continue
        if isinstance(value, GoStruct):
            found, field_value = value.field(part)
            if not found:
                raise TemplateError(f'template: :1:2: executing "" at <{expr}>: can\'t evaluate field {part} in type {value.type_name}')
            value = field_value
        elif isinstance(value, dict):
            if part not in value:
                raise TemplateError(f'template: :1:2: executing "" at <{expr}>: map has no entry for key "{part}"')
            value = value[part]
        else:
            raise TemplateError(f'template: :1:2: executing "" at <{expr}>: can\'t evaluate field {part} in type {type(value).__name__}')
    return value


def render(template: str, data: Any) -> str:
    """Execute ``template`` against ``data`` (dicts and lists from the inspect JSON)."""
    template = template.replace("\\n", "\n").replace("\\t", "\t")
    pieces: list[tuple[str, str]] = []
    pos = 0
    for m in TOKEN.finditer(template):
        pieces.append(("text", template[pos : m.start()]))
        pieces.append(("action", m.group(1)))
        pos = m.end()
    pieces.append(("text", template[pos:]))
    out, i = _execute(pieces, 0, data, {})
    if i != len(pieces):
        raise TemplateError('template: :1: unexpected {{end}}')
    return out


def _execute(pieces: list[tuple[str, str]], i: int, dot: Any, variables: dict[str, Any]) -> tuple[str, int]:
    out: list[str] = []
    while i < len(pieces):
        kind, text = pieces[i]
        if kind == "text":
            out.append(text)
            i += 1
            continue
        if text == "end":
            return "".join(out), i
        if text.startswith("range "):
            spec = text[6:].strip()
            key_var = val_var = None
            m = re.match(r"(\$\w+)\s*,\s*(\$\w+)\s*:=\s*(.*)", spec)
            if m:
                key_var, val_var, spec = m.group(1), m.group(2), m.group(3)
            collection = _lookup(spec, dot, variables)
            items = sorted(collection.items()) if isinstance(collection, dict) else list(enumerate(collection or []))
            end = _find_end(pieces, i + 1)
            body = pieces[i + 1 : end]
            for key, value in items:
                scope = dict(variables)
                if key_var and val_var:
                    scope[key_var], scope[val_var] = key, value
                text_out, _ = _execute(body, 0, value, scope)
                out.append(text_out)
            i = end + 1
            continue
        out.append(_evaluate(text, dot, variables))
        i += 1
    return "".join(out), i


def _find_end(pieces: list[tuple[str, str]], i: int) -> int:
    depth = 0
    while i < len(pieces):
        kind, text = pieces[i]
        if kind == "action":
            if text.startswith("range ") or text.startswith("if ") or text.startswith("with "):
                depth += 1
            elif text == "end":
                if depth == 0:
                    return i
                depth -= 1
        i += 1
    raise TemplateError("template: :1: unexpected EOF")


def _evaluate(action: str, dot: Any, variables: dict[str, Any]) -> str:
    words = action.split()
    if not words:
        raise TemplateError("template: :1: missing value for command")
    if words[0] == "json":
        return json.dumps(_lookup(" ".join(words[1:]), dot, variables), separators=(",", ":"))
    if words[0] == "println":
        return " ".join(_go_text(_lookup(w, dot, variables)) for w in words[1:]) + "\n"
    if words[0] == "index" and len(words) >= 3:
        container = _lookup(words[1], dot, variables)
        key = words[2].strip('"')
        if isinstance(container, dict):
            return _go_text(container.get(key))
        return _go_text(container[int(key)])
    if words[0] == "len" and len(words) == 2:  # text/template's builtin: a map's, slice's or string's length
        value = _lookup(words[1], dot, variables)
        if not isinstance(value, (dict, list, str)):
            raise TemplateError(f'template: :1:2: executing "" at <len {words[1]}>: error calling len: len of type {type(value).__name__}')
        return str(len(value))
    if words[0] in ("lower", "upper") and len(words) == 2:
        value = _go_text(_lookup(words[1], dot, variables))
        return value.lower() if words[0] == "lower" else value.upper()
    if len(words) > 1:
        raise TemplateError(f'template: :1: function "{words[0]}" not defined')
    return _go_text(_lookup(words[0], dot, variables))
