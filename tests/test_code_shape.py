"""Every module of the simulator stays in pieces a reader can take in.

No module over 600 lines, no function over 80 lines or with more than 25 branches,
a docstring on every public function (at least 85% of them across the package while
the packages listed below are being rewritten), and no ``getattr``/``hasattr``
probing an attribute by a literal name (a typo there fails silently) beyond the few
listed. The lists of exceptions name what is still too big today: they may only
shrink, and a test fails when one of them names something that is no longer there or
no longer too big, so that it is struck off.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "simulator"
CHECKED = sorted(ROOT.rglob("*.py"))
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
MAX_BRANCHES = 25
MIN_DOCUMENTED = 0.85
BRANCHES = (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.match_case)

# -- the exceptions: being split as this list was written; strike each off as it is --------------------

#: Modules over MAX_MODULE_LINES.
LONG_MODULES: set[str] = set()
#: Functions over MAX_FUNCTION_LINES or MAX_BRANCHES, as ``module:qualified name``.
LONG_FUNCTIONS: set[str] = set()
#: Packages whose public functions need not all be documented yet (rewritten this session);
#: together they keep the package above MIN_DOCUMENTED.
DOCSTRINGS_LATER = ("trace/", "viz/")
#: ``getattr``/``hasattr`` by a literal name, as ``module:name``, with why.
PROBES = {
    # the tests' stand-ins for a parsed command line carry no --trace-window
    "cli.py:trace_window",
    # IPython's shell has a kernel only inside Jupyter (and the tests give a plain shell one)
    "viz/player.py:kernel",
    # the dataclass machinery itself (frozen.py builds fast __init__s from it) and the platform (no O_NONBLOCK on Windows)
    "packets/frozen.py:__dataclass_params__", "packets/frozen.py:__post_init__", "packets/frozen.py:__annotations__",
    "scenario/script.py:O_NONBLOCK",
    # a DNS message as the payload, known without importing dnspython on every datagram
    "packets/udp.py:to_wire",
}


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


def probes(tree: ast.AST) -> list[tuple[int, str, str]]:
    """``getattr(x, "name")``/``hasattr(x, "name")`` calls: line, function, name."""
    return [(node.lineno, node.func.id, str(node.args[1].value)) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr")
            and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)]


def module_name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


class Shape:
    """What the checks measure in one module."""

    def __init__(self, path: Path) -> None:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        self.name = module_name(path)
        self.lines = len(source.splitlines())
        self.long: dict[str, str] = {}
        self.public = 0
        self.undocumented: list[str] = []
        for name, node, public in functions(tree):
            assert node.end_lineno is not None
            length = node.end_lineno - node.lineno + 1
            size = [f"{length} lines"] if length > MAX_FUNCTION_LINES else []
            size += [f"{branches(node)} branches"] if branches(node) > MAX_BRANCHES else []
            if size:
                self.long[f"{self.name}:{name}"] = ", ".join(size)
            if public:
                self.public += 1
                if ast.get_docstring(node) is None:
                    self.undocumented.append(name)
        self.probes = [(line, f"{self.name}:{name}", f"line {line}: {call}(..., {name!r})") for line, call, name in probes(tree)]


SHAPES = {module_name(path): Shape(path) for path in CHECKED}


def test_the_whole_package_is_checked() -> None:
    assert len(CHECKED) >= 150
    assert {"cli.py", "shell_app.py", "engine/docker_engine.py", "kernel/ipv4/tcp.py", "viz/player.py", "packets/codec.py"} <= set(SHAPES)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_module_shape(name: str) -> None:
    shape = SHAPES[name]
    problems = []
    if shape.lines > MAX_MODULE_LINES and name not in LONG_MODULES:
        problems.append(f"{shape.lines} lines")
    problems += [f"{function}: {size}" for function, size in shape.long.items() if function not in LONG_FUNCTIONS]
    if not name.startswith(DOCSTRINGS_LATER):
        problems += [f"{function}: no docstring" for function in shape.undocumented]
    problems += [text for _, probe, text in shape.probes if probe not in PROBES]
    assert problems == []


def test_public_functions_are_documented_across_the_package() -> None:
    public = sum(shape.public for shape in SHAPES.values())
    documented = public - sum(len(shape.undocumented) for shape in SHAPES.values())
    assert public > 800
    assert documented / public >= MIN_DOCUMENTED, f"{documented} of {public} public functions documented"


def test_the_lists_of_exceptions_only_name_what_is_still_there() -> None:
    """Struck off when split: a listed module, function or probe that is gone or now small fails here."""
    assert sorted(name for name in LONG_MODULES if name not in SHAPES or SHAPES[name].lines <= MAX_MODULE_LINES) == []
    too_long = {function for shape in SHAPES.values() for function in shape.long}
    assert sorted(LONG_FUNCTIONS - too_long) == []
    probed = {probe for shape in SHAPES.values() for _, probe, _ in shape.probes}
    assert sorted(PROBES - probed) == []


def test_the_checks_catch_what_they_look_for() -> None:
    source = "def f(x):\n" + "".join(f"    if x == {i} or x < 0:\n        return getattr(x, 'n')\n" for i in range(13))
    tree = ast.parse(source)
    [(name, node, public)] = functions(tree)
    assert (name, public) == ("f", True)
    assert branches(node) == 26
    assert ast.get_docstring(node) is None
    assert [(call, name) for _, call, name in probes(tree)] == [("getattr", "n")] * 13
