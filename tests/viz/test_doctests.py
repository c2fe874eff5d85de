"""The examples in the views' docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["simulator.viz", "simulator.viz.style", "simulator.viz.words", "simulator.viz.topology", "simulator.viz.path",
           "simulator.viz.ladder", "simulator.viz.headers", "simulator.viz.player", "simulator.viz.layout.text", "simulator.trace.explain"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
