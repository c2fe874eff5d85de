"""``docker version``, ``docker info`` and ``docker wait`` as each generation prints them
(the 20.10 client against a real dockerd 20.10: ``tests/realdocker`` sequences 18 and 21)."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.dockercli.info import bytes_size


def _out(lab: Lab, command: str) -> tuple[str, str, int]:
    r = lab.sh(command)
    return r.stdout, r.stderr, r.exit_code


@pytest.mark.parametrize(("engine", "expected"), [("20.10", "20.10.24 1.41 1.12"), ("29.2", "29.2.0 1.53 1.44")])
def test_version_format_executes_over_the_version_struct(engine: str, expected: str) -> None:
    lab = Lab(engine=engine)
    assert _out(lab, "docker version --format '{{.Server.Version}} {{.Server.APIVersion}} {{.Server.MinAPIVersion}}'") == (
        expected + "\n", "", 0)
    assert lab.sh("docker version --format '{{.Client.Version}}'").stdout == expected.split()[0] + "\n"
    assert lab.sh("docker version -f '{{json .Client.ApiVersion}}'").stdout == f'"{expected.split()[1]}"\n'


def test_version_prints_the_releases_build() -> None:
    out = Lab(engine="20.10").sh("docker version").stdout
    assert out.startswith("Client: Docker Engine - Community\n Version:           20.10.24\n API version:       1.41\n")
    assert " Git commit:        297e128\n" in out and "  Git commit:       5d6db84\n" in out
    assert "  API version:      1.41 (minimum version 1.12)\n" in out
    assert " containerd:\n  Version:          1.6.21\n" in out


def test_version_and_info_take_no_arguments_and_name_their_template_errors() -> None:
    lab = Lab(engine="20.10")
    r = lab.sh("docker info x")
    assert (r.exit_code, r.stderr.splitlines()[0]) == (1, '"docker info" accepts no arguments.')
    assert _out(lab, "docker version --format '{{.Nope}}'") == (
        "\n", 'template: version:1:2: executing "version" at <.Nope>: can\'t evaluate field Nope in type system.versionInfo\n', 1)
    assert _out(lab, "docker info --format '{{.Nope}}'") == (
        "\n", 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type system.info\n', 1)


def test_info_counts_the_simulators_containers() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name one busybox")
    lab.sh("docker create --name two busybox")
    assert _out(lab, "docker info --format '{{.Containers}} {{.ContainersRunning}} {{.ContainersStopped}}'") == ("2 1 1\n", "", 0)
    assert lab.sh("docker info --format '{{.ServerVersion}} {{.KernelVersion}} {{.Name}} {{.NCPU}}'").stdout == (
        "20.10.24 5.4.0-150-generic host 2\n")


@pytest.mark.parametrize(("engine", "lines"), [
    ("20.10", [" Containers: 1", "  Running: 1", " Server Version: 20.10.24", " Cgroup Version: 1",
               " Runtimes: io.containerd.runc.v2 io.containerd.runtime.v1.linux runc", " Kernel Version: 5.4.0-150-generic",
               " Operating System: Ubuntu 20.04.6 LTS", " Total Memory: 7.764GiB", " Name: host",
               " Registry: https://index.docker.io/v1/", " Live Restore Enabled: false"]),
    ("29.2", [" Version:    29.2.0", " Server Version: 29.2.0", " Cgroup Version: 2", " Runtimes: io.containerd.runc.v2 runc",
              " Operating System: Ubuntu 24.04.2 LTS", "  ::1/128", " Firewall Backend: iptables"]),
])
def test_info_prints_the_lab_host_of_its_era(engine: str, lines: list[str]) -> None:
    lab = Lab(engine=engine)
    lab.sh("docker run -itd --name one busybox")
    r = lab.sh("docker info")
    assert (r.stderr, r.exit_code) == ("", 0)
    assert r.stdout.startswith("Client:\n") and r.stdout.endswith("\n\n")
    shown = r.stdout.splitlines()
    assert lines and all(line in shown for line in lines), [line for line in lines if line not in shown]
    assert " Swarm: inactive" in shown
    assert (" Registry: https://index.docker.io/v1/" in shown) == (engine == "20.10")


def test_info_id_is_the_daemons_own_and_stays() -> None:
    lab = Lab(engine="20.10")
    first = lab.sh("docker info --format '{{.ID}}'").stdout.strip()
    assert len(first.split(":")) == 12 and all(len(group) == 4 for group in first.split(":"))
    assert lab.sh("docker info --format '{{.ID}}'").stdout.strip() == first
    assert len(Lab(engine="29.2").sh("docker info --format '{{.ID}}'").stdout.strip()) == 36  # a UUID from 23


def test_bytes_size_is_go_units() -> None:
    assert (bytes_size(8_141_300 * 1024), bytes_size(25_276_182_528), bytes_size(512)) == ("7.764GiB", "23.54GiB", "512B")


def test_wait_prints_each_exit_code_and_the_daemons_errors_last() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -d --name done busybox true")
    assert _out(lab, "docker wait done") == ("0\n", "", 0)
    assert _out(lab, "docker wait done nosuch done") == ("0\n0\n", "Error response from daemon: No such container: nosuch\n", 1)
    r = lab.sh("docker wait")
    assert r.exit_code == 1 and r.stderr.startswith('"docker wait" requires at least 1 argument.')


def test_wait_lets_time_pass_until_the_container_stops() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 busybox")
    before = lab.sim.now
    lab.sh("docker stop c1")
    assert _out(lab, "docker wait c1") == ("137\n", "", 0)
    assert lab.sim.now >= before
    lab.sh("docker start c1")
    r = lab.sh("docker wait c1")  # an idle shell never stops on its own: the simulator says so and gives up
    assert (r.stdout, r.exit_code) == ("", 1)
    assert r.stderr.startswith("dockersim: docker wait: c1 is still running")


@pytest.mark.parametrize(("engine", "line"), [("20.10", "Docker version 20.10.24, build 297e128\n"),
                                              ("29.2", "Docker version 29.2.0, build 0b9d198\n")])
def test_docker_dash_dash_version_names_the_clients_commit(engine: str, line: str) -> None:
    assert _out(Lab(engine=engine), "docker --version") == (line, "", 0)


def test_len_in_a_template_counts_a_networks_containers() -> None:
    """``{{len .Containers}}``: text/template's builtin, as `docker network inspect -f` runs it."""
    from simulator import Lab

    lab = Lab(engine="20.10")
    lab.sh("docker network create --subnet 10.30.0.0/24 n1")
    assert lab.sh("docker network inspect -f '{{len .Containers}}' n1").stdout == "0\n"
    lab.sh("docker run -itd --name c1 --net n1 busybox")
    lab.sh("docker run -itd --name c2 --net n1 busybox")
    assert lab.sh("docker network inspect -f '{{len .Containers}}' n1").stdout == "2\n"


def test_host_and_none_containers_have_an_endpoint_while_they_run() -> None:
    """libnetwork gives a host- or none-mode container an endpoint without an interface."""
    import json

    from simulator import Lab

    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name n1 --net none busybox")
    lab.sh("docker run -itd --name h1 --net host busybox")
    for name, net in (("n1", "none"), ("h1", "host")):
        settings = json.loads(lab.sh(f"docker inspect -f '{{{{json .NetworkSettings.Networks}}}}' {name}").stdout)
        assert len(settings[net]["EndpointID"]) == 64
    assert lab.sh("docker network inspect -f '{{range .Containers}}{{.Name}} {{end}}' none").stdout == "n1 \n"
    lab.sh("docker stop n1")
    settings = json.loads(lab.sh("docker inspect -f '{{json .NetworkSettings.Networks}}' n1").stdout)
    assert settings["none"]["EndpointID"] == ""
