"""What the embedded DNS does when it cannot forward, per engine version (resolver.go at each tag).

20.10 forwards from the container's namespace even on an internal network and,
when no upstream answers, sends nothing (the client times out); >= 24 answers
SERVFAIL, and >= 26 does not forward from internal networks at all.
"""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.engine.versions import profile


def internal_lab(engine: str) -> Lab:
    lab = Lab(engine=engine)
    assert lab.sh("docker network create --internal private").exit_code == 0
    assert lab.sh("docker run -itd --name c2 --net private busybox").exit_code == 0
    return lab


def test_the_versions_differ_as_data() -> None:
    old, new = profile("20.10"), profile("29.2")
    assert (old.dns_servfail_on_forward_failure, old.dns_internal_no_forward) == (False, False)
    assert (new.dns_servfail_on_forward_failure, new.dns_internal_no_forward) == (True, True)


@pytest.mark.parametrize(("engine", "stdout"), [
    ("20.10", ";; connection timed out; no servers could be reached\n\n"),
    ("29.2", "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n" + "** server can't find example.com: SERVFAIL\n\n" * 2),
])
def test_a_name_from_outside_on_an_internal_network(engine: str, stdout: str) -> None:
    lab = internal_lab(engine)
    r = lab.sh("docker exec c2 nslookup example.com")
    assert (r.stdout, r.exit_code) == (stdout, 1)
    # a container's own name is still answered locally
    assert "Name:\tc2\nAddress: 172.18.0.2\n" in lab.sh("docker exec c2 nslookup c2").stdout
