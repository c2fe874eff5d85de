"""The default bridge as a learner meets it, through Lab.sh."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.trace.records import BridgeForwarded, FrameDropped, NatTranslated, NeighbourChanged


@pytest.fixture
def lab() -> Lab:
    lab = Lab(engine="20.10", seed=3)
    for name in ("c1", "c2", "c3"):
        assert lab.sh(f"docker run -itd --name {name} ubuntu:14.04").exit_code == 0
    return lab


def test_addresses_are_handed_out_in_order_with_ip_derived_macs(lab: Lab):
    out = lab.sh("docker exec c2 ip addr show eth0").stdout
    assert "inet 172.17.0.3/16 brd 172.17.255.255 scope global eth0" in out
    assert "link/ether 02:42:ac:11:00:03" in out


def test_one_veth_per_running_container_on_docker0(lab: Lab):
    out = lab.sh("ip link").stdout
    assert out.count("master docker0") == 3
    lab.sh("docker stop c2")
    assert lab.sh("ip link").stdout.count("master docker0") == 2
    assert "state UP" in lab.sh("ip link show docker0").stdout


def test_ping_between_containers_crosses_the_bridge(lab: Lab):
    r = lab.sh("docker exec c1 ping -c 2 172.17.0.3")
    assert r.exit_code == 0
    assert "2 packets transmitted, 2 received, 0% packet loss" in r.stdout
    assert "64 bytes from 172.17.0.3: icmp_seq=1 ttl=64" in r.stdout
    forwards = [rec for rec in r.trace if isinstance(rec, BridgeForwarded)]
    assert forwards[0].action == "flood"  # the ARP request is broadcast
    assert any(f.action == "forward" for f in forwards)  # then the FDB knows
    # The third container sees the broadcast ARP and nothing else.
    seen = r.trace.captured("c3", "eth0")
    assert [f.payload.summary() for _, f in seen] == ["ARP, Request who-has 172.17.0.3 tell 172.17.0.2"]


def test_ping_to_the_internet_is_masqueraded_twice(lab: Lab):
    r = lab.sh("docker exec c1 ping -c 1 8.8.8.8")
    assert r.exit_code == 0 and "ttl=62" in r.stdout  # two routers: host and LAN router
    nat = [rec for rec in r.trace if isinstance(rec, NatTranslated)]
    assert nat[0].node == "host" and "MASQUERADE" in nat[0].rule and "172.17.0.2" in nat[0].before and "192.168.1.10" in nat[0].after
    on_wire = [f for _, f in r.trace.captured("host", "eth0") if f.ethertype == 0x0800]
    assert all(f.payload.src != f.payload.src.__class__("172.17.0.2") for f in on_wire)


def test_neighbour_timers_show_after_sleep(lab: Lab):
    lab.sh("docker exec c1 ping -c 2 172.17.0.3")
    assert "STALE" in lab.sh("docker exec c2 ip neigh").stdout or "DELAY" in lab.sh("docker exec c2 ip neigh").stdout
    r = lab.sh("sleep 10")
    states = [(rec.node, rec.new) for rec in r.trace if isinstance(rec, NeighbourChanged)]
    assert ("c2", "PROBE") in states and ("c2", "REACHABLE") in states
    unicast_probe = [f for _, f in r.trace.captured("c2", "eth0") if f.ethertype == 0x0806 and not f.dst.is_broadcast]
    assert unicast_probe, "c2 re-probes c1 with a unicast ARP request"


def test_restart_may_change_the_address(lab: Lab):
    lab.sh("docker stop c1")
    lab.sh("docker run -itd --name c4 ubuntu:14.04")
    lab.sh("docker start c1")
    assert lab.sh("docker exec c4 hostname -i").stdout.strip() == "172.17.0.2"
    assert lab.sh("docker exec c1 hostname -i").stdout.strip() == "172.17.0.5"


def test_unreachable_address_reports_host_unreachable():
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    r = lab.sh("docker exec c1 ping -c 1 172.17.0.99")
    assert r.exit_code == 1
    assert "From 172.17.0.2 icmp_seq=1 Destination Host Unreachable" in r.stdout
    drops = [d for d in r.trace if isinstance(d, FrameDropped)]
    assert any(d.reason.value == "neigh-failed" for d in drops)


def test_current_engine_uses_random_macs_and_announces_them():
    lab = Lab(seed=5)
    r = lab.sh("docker run -itd --name c1 alpine")
    out = lab.sh("docker exec c1 ip addr show eth0").stdout
    assert "02:42:ac:11" not in out
    garp = [f for _, f in r.trace.captured("c1", "eth0") if f.ethertype == 0x0806]
    assert garp and garp[0].payload.sender_ip == garp[0].payload.target_ip


def test_shell_container_without_terminal_exits_at_once():
    lab = Lab()
    lab.sh("docker run -d --name quick ubuntu:14.04")
    assert "quick" not in lab.sh("docker ps").stdout
    assert "Exited (0)" in lab.sh("docker ps -a").stdout


@pytest.mark.parametrize(
    ("command", "code", "stderr"),
    [
        ("foo --bar", 127, "bash: foo: command not found\n"),
        ("docker foo", 1, "docker: unknown command: docker foo\n\nRun 'docker --help' for more information\n"),
        ("docker run --foo ubuntu", 125,
         "unknown flag: --foo\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'docker run --help' for more information\n"),
        ("docker run -z ubuntu", 125, "unknown shorthand flag: 'z' in -z"),
        ("docker stop nosuch", 1, "Error response from daemon: No such container: nosuch\n"),
        ("docker exec nosuch ls", 1, "Error response from daemon: No such container: nosuch\n"),
        ("docker run -itd --name bad/name ubuntu", 125, "Invalid container name (bad/name)"),
        ("docker run nosuchimage", 125, "dockersim: the image 'nosuchimage:latest' is not modelled by the simulator"),
        ("echo 'unterminated", 2, "unexpected EOF while looking for matching"),
        ("docker run", 1, "requires at least 1 argument"),
    ],
)
def test_bad_input_gets_the_tools_answer_and_changes_nothing(command: str, code: int, stderr: str):
    lab = Lab()
    before = lab.sh("docker ps -a").stdout, lab.sh("ip link").stdout
    r = lab.sh(command)
    assert r.exit_code == code
    assert stderr in r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert (lab.sh("docker ps -a").stdout, lab.sh("ip link").stdout) == before


def test_duplicate_name_is_refused_with_dockers_message():
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    r = lab.sh("docker run -itd --name c1 ubuntu:14.04")
    assert r.exit_code == 125
    assert r.stderr.startswith('docker: Error response from daemon: Conflict. The container name "/c1" is already in use by container "')
    assert r.stderr.endswith("You have to remove (or rename) that container to be able to reuse that name.\nSee 'docker run --help'.\n")


def test_tool_missing_from_the_image():
    lab = Lab()
    lab.sh("docker run -itd --name u1 ubuntu")
    r = lab.sh("docker exec u1 ping -c 1 8.8.8.8")
    # the daemon writes the runtime's error into the exec's output stream
    assert r.exit_code == 126 and 'exec: "ping": executable file not found in $PATH' in r.stdout
    lab.sh("docker exec -it u1 bash")
    r = lab.sh("ping 8.8.8.8")
    assert (r.exit_code, r.stderr) == (127, "bash: ping: command not found\n")


def test_same_seed_same_trace():
    def run(seed: int) -> list[str]:
        lab = Lab(seed=seed)
        lab.sh("docker run -itd --name a alpine")
        lab.sh("docker run -itd --name b alpine")
        lab.sh("docker exec a ping -c 3 172.17.0.3")
        return [repr(r) for r in lab.trace]

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_pipes_and_lists_like_a_shell():
    lab = Lab()
    lab.sh("docker run -d --name web -p 8080:80 nginx")
    r = lab.sh("iptables -t nat -S | grep DNAT")
    assert r.stdout == "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\n"
    assert lab.sh("docker ps -q | wc -l").stdout == "1\n"
    assert lab.sh("false && echo no || echo yes").stdout == "yes\n"
    r = lab.sh("ip addr > out.txt")
    assert r.exit_code == 2 and "redirections are not simulated" in r.stderr


def test_published_port_reached_from_the_internet_keeps_the_clients_address():
    lab = Lab()
    lab.sh("docker run -d --name web -p 8080:80 nginx")
    r = lab.sh("curl -s http://192.168.1.10:8080/", on="internet")
    assert r.exit_code == 0 and "<title>Welcome to nginx!</title>" in r.stdout
    nat = [rec for rec in r.trace if type(rec).__name__ == "NatTranslated" and rec.node == "host"]
    assert nat and "DNAT" in nat[0].rule and nat[0].after.endswith("172.17.0.2:80")
    seen = [f.payload for _, f in r.trace.captured("web", "eth0") if f.ethertype == 0x0800]
    assert seen and seen[0].src.exploded == "203.0.113.1"  # DNAT keeps the client's address
    lab.sh("docker stop web")
    assert lab.sh("curl -s http://192.168.1.10:8080/", on="internet").exit_code == 7


def test_a_detached_command_is_the_containers_main_process():
    """``docker run -d IMAGE sleep N`` runs N seconds and exits 0; a restart runs it anew; stop kills it."""
    lab = Lab(seed=1)
    assert lab.sh("docker run -d --name short alpine sleep 5").exit_code == 0
    assert lab.sh("docker run -d --name forever ubuntu:14.04 sleep infinity").exit_code == 0
    assert lab.sh("docker run -d --name shell alpine").exit_code == 0  # sh without a terminal

    def states() -> dict[str, str]:
        lines = lab.sh("docker ps -a --format '{{.Names}} {{.Status}}'").stdout.splitlines()
        return {name: " ".join(rest.split()[:2]) for name, rest in (line.split(" ", 1) for line in lines)}

    lab.sh("sleep 1")
    assert states() == {"shell": "Exited (0)", "forever": "Up 1", "short": "Up 2"}
    assert lab.sh("docker exec short ping -c 1 172.17.0.3").exit_code == 0  # it has its network meanwhile
    lab.sh("sleep 10")
    assert states()["short"] == "Exited (0)"
    assert lab.sh("docker start short").exit_code == 0
    lab.sh("sleep 3")
    assert states()["short"] == "Up 3"  # the command runs again
    lab.sh("sleep 3")
    assert states()["short"] == "Exited (0)"
    lab.sh("docker stop forever")  # sleep as PID 1 ignores SIGTERM: killed after 10 s
    assert states() == {"shell": "Exited (0)", "forever": "Exited (137)", "short": "Exited (0)"}


def test_a_command_cut_at_the_time_limit_leaves_the_lab_working():
    """A command still running after a simulated day is stopped (like ^C); the next one runs normally."""
    lab = Lab(seed=1)
    r = lab.sh("sleep infinity")
    assert (r.exit_code, r.stderr) == (130, "dockersim: sleep stopped after 24 simulated hours\n")
    assert lab.sh("ip route").exit_code == 0
    lab.sh("docker run -itd --name c1 alpine")
    r = lab.sh("docker exec c1 ping -c 100000 -i 10 172.17.0.1")
    assert r.exit_code == 130
    assert "8641 packets transmitted, 8640 packets received" in r.stdout  # ping's summary, as after ^C
    assert lab.sh("docker exec c1 ping -c 1 172.17.0.1").exit_code == 0


def test_a_detached_ping_without_count_runs_until_stopped():
    """``docker run -d alpine ping HOST``: the classic pinger keeps pinging (a foreground ping stops after 4)."""
    lab = Lab(seed=1)
    lab.sh("docker run -itd --name target alpine")
    assert lab.sh("docker run -d --name pinger alpine ping 172.17.0.2").exit_code == 0
    lab.sh("sleep 60")
    assert "pinger Up" in lab.sh("docker ps --format '{{.Names}} {{.Status}}'").stdout
    rx = lab.engine.container("target").netns.devices["eth0"].rx_packets
    assert rx >= 60  # one echo request a second (and the ARP exchange)
    lab.sh("docker stop pinger")  # ping as PID 1 has no SIGTERM handler: killed after 10 s
    assert "pinger Exited (137)" in lab.sh("docker ps -a --format '{{.Names}} {{.Status}}'").stdout
    lab.sh("sleep 5")
    assert lab.engine.container("target").netns.devices["eth0"].rx_packets <= rx + 12
    foreground = lab.sh("docker exec target ping 127.0.0.1")
    assert "4 packets transmitted" in foreground.stdout


def test_a_command_given_with_a_terminal_is_still_the_main_process():
    """``docker run -itd IMAGE ping -c 2 HOST`` runs ping as PID 1 and exits after it, like ``-d``."""
    lab = Lab(seed=1)
    lab.sh("docker run -itd --name p1 alpine ping -c 2 172.17.0.1")
    lab.sh("docker run -itd --name shell alpine")
    lab.sh("sleep 5")
    lines = lab.sh("docker ps -a --format '{{.Names}} {{.Status}}'").stdout.splitlines()
    assert [line.split(" (")[0] for line in lines] == ["shell Up 5 seconds", "p1 Exited"]
    frames = [r for r in lab.sim.tracer.records if type(r).__name__ == "FrameSent" and r.node == "p1"]
    assert len(frames) >= 2  # the echo requests (and an ARP request) left p1
