"""``/sys/class/net``: a container's eth0 names its host end by index (iflink), as on a real host."""

from __future__ import annotations

import re

from simulator import Lab


def test_iflink_of_a_containers_eth0_is_its_host_veths_index() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    iflink = lab.sh("docker exec c1 cat /sys/class/net/eth0/iflink").stdout.strip()
    host_links = lab.sh("ip -o link").stdout
    match = re.search(rf"^{iflink}: (veth\w+)@if(\d+):", host_links, re.MULTILINE)
    assert match is not None, host_links
    assert lab.sh("docker exec c1 cat /sys/class/net/eth0/ifindex").stdout == match.group(2) + "\n"
    assert lab.sh(f"cat /sys/class/net/{match.group(1)}/iflink").stdout == match.group(2) + "\n"


def test_values_of_a_devices_files_and_a_missing_one() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    r = lab.sh("docker exec c1 cat /sys/class/net/eth0/address /sys/class/net/eth0/mtu /sys/class/net/lo/type "
               "/sys/class/net/eth0/operstate")
    assert r.stdout == "02:42:ac:11:00:02\n1500\n772\nup\n"
    r = lab.sh("docker exec c1 cat /sys/class/net/eth1/iflink")
    assert (r.stderr, r.exit_code) == ("cat: /sys/class/net/eth1/iflink: No such file or directory\n", 1)
    lab.sh("docker exec c1 ping -c 1 172.17.0.1")
    assert int(lab.sh("docker exec c1 cat /sys/class/net/eth0/statistics/tx_packets").stdout) >= 1


def test_ip_details_is_said_to_be_unmodelled_not_shown_without_its_lines() -> None:
    lab = Lab()
    for words in ("-d link show docker0", "-details addr"):
        r = lab.sh(f"ip {words}")
        assert (r.stdout, r.exit_code) == ("", 126)
        assert r.stderr == "dockersim: ip -details: ip has this option, but the simulator does not model its detail lines\n"
    r = lab.sh("ethtool -S docker0")  # Ubuntu Server has ethtool: not called missing
    assert (r.stderr, r.exit_code) == ("dockersim: ethtool: this host has this program, but the simulator does not model it\n", 126)


def test_release_files_and_files_the_simulator_does_not_model() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    r = lab.sh("docker exec c1 cat /etc/lsb-release")
    assert r.stdout == 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=14.04\nDISTRIB_CODENAME=trusty\nDISTRIB_DESCRIPTION="Ubuntu 14.04.6 LTS"\n'
    assert 'PRETTY_NAME="Ubuntu 14.04.6 LTS"\n' in lab.sh("docker exec c1 cat /etc/os-release").stdout
    r = lab.sh("docker exec c1 cat /etc/passwd")  # the image has it; the simulator does not model it
    assert (r.stdout, r.stderr, r.exit_code) == ("", "dockersim: cat: /etc/passwd: the simulator does not model this file\n", 1)
    r = lab.sh("docker run --rm busybox cat /etc/os-release")
    assert r.stderr == "dockersim: cat: /etc/os-release: the simulator does not model this file\n"
