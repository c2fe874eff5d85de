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
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, Any, Any]:  # pluggy passes only the arguments named
    report = yield
    if report.when == "call":
        item.stash[FAILED_KEY] = report.failed
    return report


FAILED_KEY = pytest.StashKey[bool]()


KEEP = 20  # labs held until teardown; older ones are checked when a newer one is built


@pytest.fixture(autouse=True)
def lab_invariants(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Generator[None, None, None]:
    """Record every Lab the test creates and every device's life; check them at teardown.

    A test that builds many labs (hypothesis builds one per example) has each lab beyond
    the last ``KEEP`` checked as soon as a newer one exists, and then forgotten, so
    memory stays bounded. The invariants hold between any two commands, so an early
    check is as valid as one at teardown.
    """
    labs: list[Lab] = []
    problems: list[str] = []
    log = DeviceLog()
    log.install(monkeypatch)
    request.node.stash[LOG_KEY] = log
    exempt = request.node.get_closest_marker("no_invariants") is not None

    def seen(lab: Lab) -> None:
        labs.append(lab)
        if len(labs) > KEEP:
            old = labs.pop(0)
            if not exempt:
                problems.extend(check_lab(old, log)[0])
            log.forget(old)

    Lab.observers.append(seen)
    try:
        yield
    finally:
        Lab.observers.remove(seen)
    if exempt or request.node.stash.get(FAILED_KEY, False):
        return
    for lab in labs:
        found, _in_flight = check_lab(lab, log)
        problems += found
    if problems:
        shown = "\n  ".join(problems[:15])
        more = f"\n  ... and {len(problems) - 15} more" if len(problems) > 15 else ""
        pytest.fail(f"lab invariants broken ({len(problems)}):\n  {shown}{more}", pytrace=False)
