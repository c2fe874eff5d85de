"""An honest userland: what each image ships either runs or says it is not simulated."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.engine import image_programs
from simulator.engine.images import CATALOG
from simulator.programs import userland


@pytest.fixture(scope="module")
def lab() -> Lab:
    lab = Lab()
    lab.sh("docker run -itd --name ubu ubuntu:14.04")
    lab.sh("docker run -itd --name alp alpine")
    lab.sh("docker run -itd --name new ubuntu")
    return lab


def test_a_program_the_image_has_but_the_simulator_does_not_model_says_so(lab: Lab):
    r = lab.sh("docker exec ubu tac /etc/hosts")
    assert (r.exit_code, r.stdout) == (126, "")
    assert r.stderr == "dockersim: tac: the ubuntu:14.04 image has this program, but the simulator does not model it\n"
    assert "executable file not found" not in lab.sh("docker exec alp /usr/bin/hexdump x").stdout


def test_a_program_the_image_lacks_is_still_not_found(lab: Lab):
    r = lab.sh("docker exec new ping -c 1 8.8.8.8")  # ubuntu:24.04 ships no ping
    assert r.exit_code == 126 and 'exec: "ping": executable file not found in $PATH' in r.stdout
    r = lab.sh("docker exec ubu curl http://example.com/")  # nor does ubuntu:14.04 ship curl
    assert 'exec: "curl": executable file not found in $PATH' in r.stdout


def test_the_host_has_its_programs_too():
    lab = Lab()
    r = lab.sh("vim /etc/hosts")
    assert r.exit_code == 127 and r.stderr == "bash: vim: command not found\n"
    r = lab.sh("sort")
    assert (r.exit_code, r.stderr) == (126, "dockersim: sort: this host has this program, but the simulator does not model it\n")


def test_every_catalogued_image_lists_its_programs_with_a_shell_and_the_modelled_ones():
    assert CATALOG
    for reference, image in CATALOG.items():
        assert {"sh", "cat", "echo", "sleep"} <= image.tools, reference
        assert len(image.tools) > 150, reference  # a whole userland, not a handful of tools
    assert {"route", "netstat", "arp", "ss", "ps", "uname", "whoami", "id", "ip", "ping", "ifconfig"} <= CATALOG["ubuntu:14.04"].tools
    assert "traceroute" in CATALOG["alpine:latest"].tools and "ss" not in CATALOG["alpine:latest"].tools
    assert "ps" not in CATALOG["nginx:latest"].tools  # debian slim ships no procps
    assert "b2sum" not in CATALOG["ubuntu:14.04"].tools  # coreutils 8.21 predates it
    assert image_programs.UBUNTU_1404["route"] == "/sbin/route"


def test_userland_profiles_are_data():
    assert userland.of_image("ubuntu-14.04", "ubuntu").iputils == "s20121221"
    assert userland.of_image("busybox", "alpine").musl
    assert not userland.of_image("busybox", "busybox").musl
    assert userland.HOST.iputils_at_least("20161105") and not userland.of_image("ubuntu-14.04", "ubuntu").iputils_at_least("20161105")


def test_hostname_i_reads_the_hosts_file_and_capital_i_every_interface():
    lab = Lab()
    lab.sh("docker network create n2")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker network connect n2 c1")
    lab.sh("docker run -itd --name a1 alpine")
    assert lab.sh("docker exec c1 hostname -i").stdout == "172.17.0.2 172.18.0.2\n"
    assert lab.sh("docker exec c1 hostname -I").stdout == "172.17.0.2 172.18.0.2 \n"  # a space after each
    assert lab.sh("hostname -i").stdout == "127.0.1.1\n"  # the host's /etc/hosts, as on Debian and Ubuntu
    assert lab.sh("hostname -I").stdout == "192.168.1.10 172.17.0.1 172.18.0.1 \n"
    r = lab.sh("docker exec a1 hostname -I")  # BusyBox has no -I
    assert (r.exit_code, r.stderr) == (1, "hostname: invalid option -- 'I'\n")


def test_shell_builtins_are_not_programs():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    r = lab.sh("docker exec c1 cd /tmp")  # no shell runs it: Docker looks for a program file
    assert r.exit_code == 126 and 'exec: "cd": executable file not found in $PATH' in r.stdout
    r = lab.sh("cd /tmp")
    assert (r.exit_code, r.stderr) == (126, "dockersim: cd: a shell builtin the simulator does not model\n")
    r = lab.sh("docker exec c1 sh -c 'export X=1'")
    assert r.stderr == "dockersim: export: a shell builtin the simulator does not model\n"


def test_profiles_answer_by_release_not_by_name():
    from simulator.programs.userland import PROFILES, profile

    old, host, alpine = PROFILES["ubuntu-14.04"], PROFILES["host"], PROFILES["alpine"]
    assert not old.iproute2_at_least("4.3") and host.iproute2_at_least("4.3") and not alpine.iproute2_at_least("1.0")
    assert not old.net_tools_at_least("2.10") and host.net_tools_at_least("2.10")
    assert old.dig_at_least("9.9") and not old.dig_at_least("9.18") and PROFILES["netshoot"].dig_at_least("9.18")
    assert PROFILES["debian"].curl_at_least("8.14.1") and not host.curl_at_least("8.6.0")
    assert profile("busybox") is PROFILES["busybox"] and profile(host) is host
    with pytest.raises(ValueError, match="unknown userland 'windows'"):
        profile("windows")


def test_a_renderer_refuses_a_userland_without_the_tool():
    from simulator.programs import render

    with pytest.raises(ValueError, match="has no ip"):
        render.ip_route([], "ubuntu-16.04")
    with pytest.raises(ValueError, match="has no ifconfig"):
        render.ifconfig([], "debian")
