"""Scenario files: parsing, matching and bad input."""

from __future__ import annotations

import pytest

from simulator.scenario.script import ScriptError, load, matches, parse


def test_parse_commands_machines_narration_and_expected_output():
    sc = parse("#! engine: 20.10\n# hello\n$ docker ps\nCONTAINER ID\nlaptop$ ping -c 1 x\n\nout\n\n")
    assert sc.meta == {"engine": "20.10"}
    assert [(s.command, s.on) for s in sc.steps] == [("docker ps", None), ("ping -c 1 x", "laptop")]
    assert sc.steps[0].narration == ["hello"] and sc.steps[1].expected == ["", "out"]


def test_ellipsis_matches_lines_and_text():
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["id: ..."], ["id: 123"])
    assert not matches(["a"], ["b"])


@pytest.mark.parametrize(("data", "message"), [
    (b"\x00\x01binary", "not a text file"),
    (b"\xff\xfe\xfa", "not UTF-8 text"),
    (b"output before\n$ ls\n", ":1: expected output before any command"),
    (b"#!nocolon\n", ":1: a header line"),
])
def test_bad_files_name_the_file_and_line(tmp_path, data: bytes, message: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(ScriptError, match=message):
        load(str(path))


def test_missing_file():
    with pytest.raises(ScriptError, match="no such file"):
        load("/nonexistent/lesson.txt")
