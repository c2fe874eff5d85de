"""``iptables -P``: a built-in chain's policy, with iptables 1.8's errors and exit statuses."""

from __future__ import annotations

import pytest

from simulator import Lab


@pytest.mark.parametrize(
    ("command", "status", "message"),
    [
        ("iptables -P FORWARD", 2, "iptables v1.8.10 (nf_tables): -P requires a chain and a policy\n"),
        ("iptables -P NOPE ACCEPT", 1, "iptables: Bad built-in chain name.\n"),
        ("iptables -P DOCKER ACCEPT", 1, "iptables: Bad built-in chain name.\n"),
        ("iptables -P FORWARD FOO", 1, "iptables: Bad policy name. Run `dmesg' for more information.\n"),
        ("iptables -t nat -P POSTROUTING DROP", 2, 'The "nat" table is not intended for filtering'),
    ],
)
def test_bad_policy_commands_are_refused_and_change_nothing(command: str, status: int, message: str) -> None:
    lab = Lab(seed=1)
    before = lab.sh("iptables -S").stdout + lab.sh("iptables -t nat -S").stdout
    r = lab.sh(command)
    assert (r.exit_code, r.stdout) == (status, "")
    assert message in r.stderr
    assert lab.sh("iptables -S").stdout + lab.sh("iptables -t nat -S").stdout == before


def test_policy_is_shown_and_decides() -> None:
    lab = Lab(seed=1)
    assert lab.sh("iptables -S INPUT", on="laptop").stdout == "-P INPUT ACCEPT\n"
    assert lab.sh("ping -c 1 192.168.1.20").exit_code == 0
    assert lab.sh("iptables -P INPUT DROP", on="laptop").exit_code == 0
    assert lab.sh("iptables -S INPUT", on="laptop").stdout == "-P INPUT DROP\n"
    r = lab.sh("ping -c 1 -W 1 192.168.1.20")
    assert r.exit_code == 1 and "0 received" in r.stdout
    listing = lab.sh("iptables -L INPUT -n -v", on="laptop").stdout
    assert listing.startswith("Chain INPUT (policy DROP 1 packets, 84 bytes)")
    assert lab.sh("iptables -P INPUT ACCEPT", on="laptop").exit_code == 0
    assert lab.sh("ping -c 1 192.168.1.20").exit_code == 0
