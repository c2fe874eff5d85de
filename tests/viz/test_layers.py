"""Views read only the trace and the packets (import-linter checks it too; this fails faster)."""

from __future__ import annotations

import ast
from pathlib import Path

import simulator.viz

ALLOWED_SIMULATOR = ("simulator.trace", "simulator.packets", "simulator.viz")


def test_viz_imports_only_trace_and_packets():
    folder = Path(simulator.viz.__file__).parent
    offenders = []
    for source in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name == "simulator" or (name.startswith("simulator.") and not name.startswith(ALLOWED_SIMULATOR)):
                    offenders.append(f"{source.name}: {name}")
    assert offenders == []
