"""The docker engine, the docker CLI, the lab, the shell's syntax and the programs stay in pieces a reader can take in.

No module over 600 lines, no function over 80 lines or with more than 25 branches,
a docstring on every public function, and no ``getattr``/``hasattr`` probing an
attribute by a literal name (a typo there fails silently).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "simulator"
CHECKED = sorted(
    [
        *(ROOT / "dockercli").glob("*.py"),
        *(ROOT / "engine").rglob("*.py"),
        *(ROOT / "programs").glob("*.py"),
        *(ROOT / "scenario" / name for name in ("lab.py", "processes.py", "result.py", "shell_words.py", "snapshot.py")),
        ROOT / "shell_syntax.py",
    ]
)
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
MAX_BRANCHES = 25
BRANCHES = (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.match_case)


def branches(function: ast.AST) -> int:
    """Decision points: if/elif, loops, except clauses, match cases, each extra ``and``/``or``, comprehension ``if``s."""
    count = 0
    for node in ast.walk(function):
        if isinstance(node, BRANCHES):
            count += 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
    return count


def functions(tree: ast.AST, public: bool = True, prefix: str = "") -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, bool]]:
    """Every function and method, with whether it is public (its name and its class's have no leading ``_``)."""
    found = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((prefix + node.name, node, public and not node.name.startswith("_")))
            found += functions(node, False, prefix + node.name + ".")
        elif isinstance(node, ast.ClassDef):
            found += functions(node, public and not node.name.startswith("_"), prefix + node.name + ".")
        else:
            found += functions(node, public, prefix)
    return found


def test_the_checked_modules_are_there() -> None:
    assert len(CHECKED) >= 15
    assert all(path.exists() for path in CHECKED)


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_shape(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    problems = []
    if len(source.splitlines()) > MAX_MODULE_LINES:
        problems.append(f"{len(source.splitlines())} lines")
    for name, node, public in functions(tree):
        assert node.end_lineno is not None
        length = node.end_lineno - node.lineno + 1
        if length > MAX_FUNCTION_LINES:
            problems.append(f"{name}: {length} lines")
        if branches(node) > MAX_BRANCHES:
            problems.append(f"{name}: {branches(node)} branches")
        if public and ast.get_docstring(node) is None:
            problems.append(f"{name}: no docstring")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr")
                and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
            problems.append(f"line {node.lineno}: {node.func.id}(..., {node.args[1].value!r})")
    assert problems == []


def test_the_checks_catch_what_they_look_for() -> None:
    source = "def f(x):\n" + "".join(f"    if x == {i} or x < 0:\n        return getattr(x, 'n')\n" for i in range(13))
    tree = ast.parse(source)
    [(name, node, public)] = functions(tree)
    assert (name, public) == ("f", True)
    assert branches(node) == 26
    assert ast.get_docstring(node) is None
