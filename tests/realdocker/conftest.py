"""The session's one real dockerd (see daemon.py): started once, stopped and removed at the end."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pytest

from tests.realdocker.daemon import RealDocker, host_snapshot, require_real_docker


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "realdocker: differential tests against a real dockerd 20.10 (need root)")


@pytest.fixture(scope="session")
def real_docker() -> Iterator[RealDocker]:
    require_real_docker()
    before = host_snapshot()
    started = time.monotonic()
    rd = RealDocker()
    try:
        rd.setup()
        rd.host_before = before
        print(f"\nrealdocker: daemon and images ready in {time.monotonic() - started:.1f} s", file=sys.stderr)
        yield rd
    finally:
        rd.close()
