"""Every test that builds a Lab has the lab's invariants checked when it ends.

The checks themselves, and what they mean precisely, are in ``test_invariants.py``.
A test that breaks the model on purpose opts out with
``@pytest.mark.no_invariants("why")``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from simulator import Lab
from tests.test_invariants import LOG_KEY, DeviceLog, check_lab


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_invariants(reason): do not check the lab invariants after this test")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, Any]:
    report = yield
    if report.when == "call":
        item.stash[FAILED_KEY] = report.failed
    return report


FAILED_KEY = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def lab_invariants(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Generator[None, None, None]:
    """Record every Lab the test creates and every device's life; check them at teardown."""
    labs: list[Lab] = []
    log = DeviceLog()
    log.install(monkeypatch)
    request.node.stash[LOG_KEY] = log
    Lab.observers.append(labs.append)
    try:
        yield
    finally:
        Lab.observers.remove(labs.append)
    if request.node.get_closest_marker("no_invariants") or request.node.stash.get(FAILED_KEY, False):
        return
    problems: list[str] = []
    for lab in labs:
        found, _in_flight = check_lab(lab, log)
        problems += found
    if problems:
        shown = "\n  ".join(problems[:15])
        more = f"\n  ... and {len(problems) - 15} more" if len(problems) > 15 else ""
        pytest.fail(f"lab invariants broken ({len(problems)}):\n  {shown}{more}", pytrace=False)
