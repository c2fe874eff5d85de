"""The harness's own parts that need no daemon: normalisation, sequence files, the cache's place."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.realdocker import daemon
from tests.realdocker.replay import SEQUENCES, all_sequences, load, normalise, where

ROOT = Path(__file__).resolve().parents[2]


def test_ids_times_and_random_macs_are_normalised_but_docker_macs_are_compared() -> None:
    text = ("4e9f8a1c2b3d\n" + "a" * 63 + "1\n" + "link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff\n"
            "link/ether 02:42:98:c8:6a:84\nUp 3 seconds\n9: veth1a2b3c4@if8: <UP>\n")
    out = normalise(text, real=False)
    assert out.splitlines() == [
        "<id>", "<id>", "link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff",
        "link/ether <mac>", "Up <time>", "<n>: veth<id>@if<n>: <UP>",
    ]


def test_the_daemons_resolver_is_rewritten_only_on_the_real_side() -> None:
    assert normalise("nameserver 192.168.1.1\n", real=True) == "nameserver 8.8.8.8\n"
    assert normalise("nameserver 192.168.1.1\n", real=False) == "nameserver 192.168.1.1\n"


def test_the_networks_prune_removed_are_compared_as_a_set() -> None:
    """The daemon walks a Go map: the order of ``Deleted Networks:`` differs from run to run."""
    one = normalise("Deleted Networks:\nlab1\nnamed1\natt1\n\n", real=True)
    two = normalise("Deleted Networks:\natt1\nlab1\nnamed1\n\n", real=False)
    assert one == two == "Deleted Networks:\natt1\nlab1\nnamed1\n\n"
    assert normalise("Deleted Networks:\nb\na\n", real=True) != normalise("Deleted Networks:\na\n", real=False)


def test_docker_info_sets_aside_only_this_machines_facts() -> None:
    real = (" Images: 3\n Server Version: 20.10.24+dfsg1\n  Backing Filesystem: tmpfs\n Runtimes: runc io.containerd.runc.v2\n"
            " Security Options:\n  seccomp\n   Profile: default\n Kernel Version: 6.18.44\n CPUs: 2\n Name: vm\n"
            " Live Restore Enabled: false\n")
    sim = (" Images: 19\n Server Version: 20.10.24\n  Backing Filesystem: extfs\n Runtimes: io.containerd.runc.v2 runc\n"
           " Security Options:\n  apparmor\n  seccomp\n   Profile: default\n Kernel Version: 5.4.0-150-generic\n CPUs: 2\n"
           " Name: host\n Live Restore Enabled: false\n")
    assert normalise(real, real=True) == normalise(sim, real=False)
    # what Docker itself decides is still compared
    assert normalise(real, real=True) != normalise(sim.replace("Live Restore Enabled: false", "Live Restore Enabled: true"), real=False)
    assert normalise(" Containers: 2\n", real=True) != normalise(" Containers: 1\n", real=False)


def test_stand_in_tool_versions_are_set_aside_only_for_stand_in_containers() -> None:
    old = "172.17.0.0/16 dev eth0  proto kernel  scope link  src 172.17.0.2 \n"
    new = "172.17.0.0/16 dev eth0 proto kernel scope link src 172.17.0.2 \n"
    assert normalise(old, real=False, stand_in=True) == normalise(new, real=True, stand_in=True)
    assert normalise(old, real=False) != normalise(new, real=True)


def test_sequence_files_are_commands_and_narration(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("$ docker ps\nsome expected output\n")
    with pytest.raises(ValueError, match="bad.txt:2"):
        load(bad)
    seqs = all_sequences()
    assert len(seqs) >= 20 and all(s.steps for s in seqs)
    assert {p.stem for p in SEQUENCES.glob("*.txt")} == {s.name for s in seqs}


def test_commands_are_told_apart_by_where_they_run() -> None:
    seq = next(s for s in all_sequences() if s.name == "16-embedded-dns")
    places = dict(zip((st.command for st in seq.steps), where(seq), strict=True))
    assert places["docker exec probe dig +short srva"] == (True, False)  # netshoot stand-in
    assert places["docker exec srvb nslookup srva"] == (False, False)  # busybox
    assert places["docker network create --subnet 10.11.0.0/24 dnsnet"] == (False, False)


def test_the_image_cache_lives_outside_the_clone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(daemon.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert daemon.cache_dir() == tmp_path / "dockersim" / "realdocker"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert ROOT not in daemon.cache_dir().parents
    monkeypatch.setenv(daemon.CACHE_ENV, str(tmp_path / "mine"))
    assert daemon.cache_dir() == tmp_path / "mine"


def test_the_cache_key_follows_what_the_root_filesystem_contains(monkeypatch: pytest.MonkeyPatch) -> None:
    key = daemon.rootfs_key()
    monkeypatch.setattr(daemon, "ROOTFS_PACKAGES", (*daemon.ROOTFS_PACKAGES, "curl"))
    assert daemon.rootfs_key() != key


def test_stand_ins_carry_the_catalogs_command_and_environment() -> None:
    changes = daemon._changes("ubuntu:14.04")
    assert changes[0] == 'CMD ["/bin/bash"]'
    assert any(c.startswith("ENV PATH=") for c in changes)
    assert daemon._changes("busybox:latest")[0] == 'CMD ["sh"]'


def test_without_root_the_suite_skips_with_the_reason_or_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(daemon.os, "geteuid", lambda: 1000)
    assert "need root" in (daemon.unavailable_reason() or "")
    monkeypatch.delenv(daemon.STRICT_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="need root"):
        daemon.require_real_docker()
    monkeypatch.setenv(daemon.STRICT_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="DOCKERSIM_REQUIRE_REAL_DOCKER is set"):
        daemon.require_real_docker()


def test_dns_answer_orders_that_are_random_on_the_daemon_are_sorted_for_dns_clients_only() -> None:
    from tests.realdocker.replay import normalise_dns_order

    shuffled, sorted_ = "10.11.0.3       shared\n10.11.0.2       shared\n", "10.11.0.2       shared\n10.11.0.3       shared\n"
    assert normalise_dns_order("docker exec probe getent hosts shared", shuffled) == sorted_
    assert normalise_dns_order("docker exec probe dig +short shared", "10.11.0.3\n10.11.0.2\n") == "10.11.0.2\n10.11.0.3\n"
    assert normalise_dns_order("docker exec c1 ip route", shuffled) == shuffled  # not a DNS client: untouched
    head = "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n"
    a, aaaa = "Non-authoritative answer:\nName:\tsrva\nAddress: 10.11.0.2\n\n", "Non-authoritative answer:\n\n"
    assert normalise_dns_order("docker exec b nslookup srva", head + a + aaaa) == normalise_dns_order("docker exec b nslookup srva", head + aaaa + a)
    # lines that differ in more than their address keep their order
    hosts = "172.18.0.3\tweb\n172.18.0.2\tdb\n"
    assert normalise_dns_order("docker exec probe getent hosts web db", hosts) == hosts


def test_the_rules_of_several_published_ports_are_compared_in_port_order() -> None:
    """A container's port bindings are a Go map in dockerd: its rules come in any order."""
    from tests.realdocker.replay import normalise_order

    real = (
        "-A DOCKER -d 172.17.0.5/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 9001 -j ACCEPT\n"
        "-A DOCKER -d 172.17.0.5/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 9000 -j ACCEPT\n"
        "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 9001 -j DNAT --to-destination 172.17.0.5:9001\n"
        "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 9000 -j DNAT --to-destination 172.17.0.5:9000\n"
    )
    lines = real.splitlines()
    ordered = "\n".join([lines[1], lines[0], lines[3], lines[2]]) + "\n"
    assert normalise_order("iptables-save", real) == ordered
    assert normalise_order("iptables-save", ordered) == ordered
    assert normalise_order("docker exec c1 ip route", real) == real  # only iptables-save's output


def test_the_networks_of_a_refused_several_network_run_are_compared_sorted() -> None:
    """20.10's verifyNetworkingConfig names the networks in a map's order."""
    from tests.realdocker.replay import normalise_order

    real = "docker: Error response from daemon: Container cannot be connected to network endpoints: x2, x1.\n"
    assert normalise_order("docker run -itd --net x1 --net x2 busybox", real) == real.replace("x2, x1", "x1, x2")
