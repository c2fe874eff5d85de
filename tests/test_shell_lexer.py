"""The shell's reading of a line: words, quotes, operators, comments, in linear time."""

from __future__ import annotations

import time

import pytest

from simulator.shell_syntax import ShellSyntaxError, parse


@pytest.mark.parametrize(("line", "parsed"), [
    ("docker ps", [("", [["docker", "ps"]])]),
    ("  echo   a\tb  ", [("", [["echo", "a", "b"]])]),
    ("echo 'a  b' \"c d\"", [("", [["echo", "a  b", "c d"]])]),
    ("echo '' \"\" x", [("", [["echo", "", "", "x"]])]),
    ("echo a''b \"x\"'y'z", [("", [["echo", "ab", "xyz"]])]),
    (r"echo a\ b \$x", [("", [["echo", "a b", "$x"]])]),
    (r'echo "a\"b" "c\\d" "e\f"', [("", [["echo", 'a"b', "c\\d", "e\\f"]])]),
    ("echo '|' \"a;b\" c\\&d", [("", [["echo", "|", "a;b", "c&d"]])]),
    ("a|b", [("", [["a"], ["b"]])]),
    ("a && b || c ; d", [("", [["a"]]), ("&&", [["b"]]), ("||", [["c"]]), (";", [["d"]])]),
    ("ps # a comment | with 'quotes", [("", [["ps"]])]),
    ("echo a#b", [("", [["echo", "a"]])]),
    ("echo a\\#b '#'", [("", [["echo", "a#b", "#"]])]),
    ("# only a comment", []),
    ("echo a # it's\necho b;", [("", [["echo", "a", "echo", "b"]])]),
    ("", []),
])
def test_words_and_operators(line: str, parsed: list) -> None:
    assert parse(line) == parsed


@pytest.mark.parametrize(("line", "message"), [
    ("echo 'a", "unexpected EOF while looking for matching `''"),
    ('echo "a', "unexpected EOF while looking for matching `\"'"),
    ("| a", "syntax error near unexpected token `|'"),
    ("a &&", "syntax error: unexpected end of file"),
    ("a ;; b", "syntax error near unexpected token `;;'"),
    ("echo > f", ">: redirections are not simulated"),
    ("sleep 5 &", "&: background jobs are not simulated"),
])
def test_syntax_errors(line: str, message: str) -> None:
    with pytest.raises(ShellSyntaxError, match=message.replace("|", r"\|")):
        parse(line)


def test_time_is_linear_in_the_line() -> None:
    def took(n: int) -> float:
        line = "echo " + "'a b' c\\ d \"e|f\" " * n
        start = time.perf_counter()
        words = parse(line)[0][1][0]
        assert len(words) == 1 + 3 * n
        return time.perf_counter() - start

    took(1000)  # warm up
    small, large = min(took(5_000) for _ in range(3)), min(took(40_000) for _ in range(2))
    assert large < 20 * small, f"{small:.3f} s for 5,000 pieces, {large:.3f} s for 40,000"  # 8x the input: linear is ~8x
