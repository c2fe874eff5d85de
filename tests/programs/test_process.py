"""Programs as the lab runs them: generator functions, or plain functions that take no time."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from simulator import Lab
from simulator.programs import userland
from simulator.programs.process import ProcessContext, ProgramTable
from simulator.programs.tools import PROGRAMS


def _plain(ctx: ProcessContext, argv: list[str]) -> int:
    return len(argv)


def _waits(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    yield ctx.sim.env.timeout(2.0)
    return 7


def test_a_plain_function_and_a_generator_both_run_as_simpy_processes():
    table = ProgramTable({"plain": _plain})
    table["waits"] = _waits
    assert sorted(table) == ["plain", "waits"] and len(table) == 2
    lab = Lab(seed=1)
    host = lab.machines["host"]
    ctx = ProcessContext(lab.sim, host.netns, userland.HOST, host.hostname, 1)
    env = lab.sim.env
    start = env.now
    plain = env.process(table["plain"](ctx, ["plain", "a", "b"]))
    waits = env.process(table["waits"](ctx, ["waits"]))
    env.run(until=waits)
    assert (plain.value, waits.value, env.now - start) == (3, 7, 2.0)


def test_registered_plain_programs_print_and_exit_as_before():
    assert PROGRAMS["echo"].__name__ == "echo"  # adapted, named after the function it runs
    lab = Lab(seed=1)
    r = lab.sh("echo hello")
    assert (r.exit_code, r.stdout) == (0, "hello\n")
    assert lab.sh("false").exit_code == 1
    assert lab.sh("uname -r").exit_code == 0
