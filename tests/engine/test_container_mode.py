"""``--network container:NAME``: the joined container reads the other's files and lives on in its namespace."""

from __future__ import annotations

import pytest

from simulator import Lab


@pytest.mark.parametrize("engine", ["20.10", None])
def test_the_joined_container_reads_the_others_hosts_and_resolv_conf(engine: str | None) -> None:
    lab = Lab(engine=engine) if engine else Lab()
    lab.sh("docker run -itd --name base ubuntu:14.04")
    lab.sh("docker run -itd --name side --net container:base ubuntu:14.04")
    for path in ("/etc/hosts", "/etc/resolv.conf", "/etc/hostname"):
        assert lab.sh(f"docker exec side cat {path}").stdout == lab.sh(f"docker exec base cat {path}").stdout
    assert lab.sh("docker exec side hostname -i").stdout == lab.sh("docker exec base hostname -i").stdout == "172.17.0.2\n"


def test_after_the_other_stops_the_joined_one_runs_on_with_only_lo() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name base ubuntu:14.04")
    lab.sh("docker run -itd --name side --net container:base ubuntu:14.04")
    lab.sh("docker stop base")
    r = lab.sh("docker exec side ip -o -4 addr")  # was an internal error (no namespace)
    assert (r.stdout, r.stderr, r.exit_code) == ("1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n", "", 0)
    lab.sh("docker start base")  # a new namespace for base; side stays in the old one
    assert "eth0" in lab.sh("docker exec base ip -o -4 addr").stdout
    assert "eth0" not in lab.sh("docker exec side ip -o -4 addr").stdout
