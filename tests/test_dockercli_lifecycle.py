"""run/create/start/exec/attach/rm/ps error paths and lifecycle, as a terminal shows them.

Each expectation is what Debian's docker.io 20.10.24 printed for the same command
(tests/realdocker sequences 02, 05, 07, 09, 13, 18), or docker/cli's source at v29.2.0
for the current engine.
"""

from __future__ import annotations

import pytest

from simulator.scenario.lab import Lab


def statuses(lab: Lab) -> list[str]:
    out = lab.sh("docker ps -a --format '{{.Names}} {{.Status}}'").stdout
    return [" ".join(line.split()[:2]) for line in out.splitlines()]


def test_20_10_run_d_of_an_unknown_network_prints_the_id_and_leaves_it_created():
    lab = Lab(engine="20.10")
    r = lab.sh("docker run -itd --name e1 --net nosuchnet busybox")
    assert r.exit_code == 125
    assert len(r.stdout.strip()) == 64
    assert r.stderr == "docker: Error response from daemon: network nosuchnet not found.\n"  # no help line
    assert statuses(lab) == ["e1 Created"]
    assert lab.sh("docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' e1").stdout == "created 128\n"


def test_20_10_the_network_is_looked_up_at_start_so_a_later_one_is_found():
    lab = Lab(engine="20.10")
    lab.sh("docker create -it --name c1 --net later busybox")
    r = lab.sh("docker start c1")
    assert (r.exit_code, r.stderr) == (1, "Error response from daemon: network later not found\nError: failed to start containers: c1\n")
    lab.sh("docker network create later")
    r = lab.sh("docker start c1")
    assert (r.exit_code, r.stdout) == (0, "c1\n")
    assert lab.sh("docker inspect -f '{{.NetworkSettings.Networks.later.IPAddress}}' c1").stdout == "172.18.0.2\n"


def test_20_10_static_ip_outside_the_subnet_and_missing_container_fail_at_start():
    lab = Lab(engine="20.10")
    lab.sh("docker network create --subnet 10.90.0.0/24 fixed")
    r = lab.sh("docker run -itd --name e3 --net fixed --ip 10.99.0.5 busybox")
    assert r.exit_code == 125 and r.stdout.strip()
    assert r.stderr == "docker: Error response from daemon: Invalid address 10.99.0.5: It does not belong to any of this network's subnets.\n"
    r = lab.sh("docker run -itd --name e16 --network container:nosuch busybox")
    assert r.stderr == "docker: Error response from daemon: No such container: nosuch.\n" and r.stdout.strip()
    r = lab.sh("docker run -itd --name e17 --net bridge --ip 172.17.0.50 busybox")
    assert r.stderr == "docker: Error response from daemon: user specified IP address is supported on user defined networks only.\n"
    assert statuses(lab) == ["e17 Created", "e16 Created", "e3 Created"]


def test_20_10_ip_and_alias_without_net_never_reach_the_daemon():
    lab = Lab(engine="20.10")
    r = lab.sh("docker run -itd --name e2 --ip 172.17.0.50 busybox")
    assert (r.exit_code, r.stderr) == (0, "")
    r = lab.sh("docker run -itd --name e15 --net-alias x busybox")
    assert (r.exit_code, r.stderr) == (0, "")
    assert lab.sh("docker inspect -f '{{.NetworkSettings.IPAddress}}' e2").stdout == "172.17.0.2\n"
    assert statuses(lab) == ["e15 Up", "e2 Up"]


def test_20_10_a_malformed_ip_is_refused_by_the_daemon_at_create():
    lab = Lab(engine="20.10")
    lab.sh("docker network create --subnet 10.90.0.0/24 fixed")
    r = lab.sh("docker run -itd --name e5 --ip 10.90.0.300 --net fixed busybox")
    assert (r.exit_code, r.stdout) == (125, "")
    assert r.stderr == "docker: Error response from daemon: invalid IPv4 address: 10.90.0.300.\nSee 'docker run --help'.\n"
    assert statuses(lab) == []


def test_current_cli_checks_the_ip_flag_itself():
    r = Lab().sh("docker run -itd --name e5 --ip 10.90.0.300 --net fixed busybox")
    assert r.exit_code == 125
    assert r.stderr.startswith('invalid argument "10.90.0.300" for "--ip" flag: invalid string being converted to IP address: 10.90.0.300\n')


@pytest.mark.parametrize(("engine", "framing"), [
    ("20.10", "docker: {}.\nSee 'docker run --help'.\n"),
    ("29.2", "docker: {}\n\nRun 'docker run --help' for more information\n"),
])
def test_alias_on_an_explicit_predefined_network_is_refused_by_the_client(engine, framing):
    r = Lab(engine=engine).sh("docker run -itd --name a1 --net bridge --net-alias web busybox")
    assert (r.exit_code, r.stdout) == (125, "")
    assert r.stderr == framing.format("network-scoped aliases are only supported for user-defined networks")


def test_a_missing_command_leaves_the_container_created_with_exit_status_127():
    lab = Lab(engine="20.10")
    r = lab.sh("docker run -itd --name e14 busybox nosuchcommand")
    assert r.exit_code == 127 and r.stdout.strip()
    assert r.stderr == ('docker: Error response from daemon: failed to create shim task: OCI runtime create failed: '
                        'runc create failed: unable to start container process: exec: "nosuchcommand": '
                        "executable file not found in $PATH: unknown.\n")
    assert statuses(lab) == ["e14 Created"]
    r = lab.sh("docker run --name e15 busybox /bin/nosuch")
    assert r.exit_code == 127 and r.stdout == ""
    assert 'exec: "/bin/nosuch": stat /bin/nosuch: no such file or directory: unknown.\n' in r.stderr
    r = lab.sh("docker start e14")
    assert r.exit_code == 1 and r.stderr.endswith("Error: failed to start containers: e14\n")
    assert lab.sh("ip -br link show type veth").stdout == ""  # the start built nothing that stays


def test_current_engine_prints_the_help_line_after_a_failed_start():
    r = Lab().sh("docker run -itd --name e14 busybox nosuchcommand")
    assert r.exit_code == 127
    assert r.stderr.startswith("docker: Error response from daemon: failed to create task for container: ")
    assert r.stderr.endswith("unknown\n\nRun 'docker run --help' for more information\n")


def test_the_daemons_own_period_is_not_doubled():
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name ok1 busybox")
    r = lab.sh("docker run -itd --name ok1 busybox")
    assert r.stderr.endswith("to be able to reuse that name.\nSee 'docker run --help'.\n")


@pytest.mark.parametrize(("flags", "stderr"), [
    ("--mac-address 02:42:zz:00:00:01", "docker: 02:42:zz:00:00:01 is not a valid mac address.\nSee 'docker create --help'.\n"),
    ("--mac-address 02:42:ac:11:00:0", "docker: 02:42:ac:11:00:0 is not a valid mac address.\nSee 'docker create --help'.\n"),
    ("--add-host noip", 'invalid argument "noip" for "--add-host" flag: bad format for add-host: "noip"\nSee \'docker create --help\'.\n'),
    ("--add-host :1.2.3.4", 'invalid argument ":1.2.3.4" for "--add-host" flag: bad format for add-host: ":1.2.3.4"\nSee \'docker create --help\'.\n'),
    ("--add-host h:notanip", 'invalid argument "h:notanip" for "--add-host" flag: invalid IP address in add-host: "notanip"\nSee \'docker create --help\'.\n'),
    ("--add-host a:", 'invalid argument "a:" for "--add-host" flag: invalid IP address in add-host: ""\nSee \'docker create --help\'.\n'),
])
def test_20_10_client_checks_of_mac_and_add_host(flags, stderr):
    lab = Lab(engine="20.10")
    r = lab.sh(f"docker create --name e1 {flags} busybox")
    assert (r.exit_code, r.stdout, r.stderr) == (125, "", stderr)
    assert statuses(lab) == []


@pytest.mark.parametrize("flags", [
    "--mac-address 02:42:ac:11:00:05", "--mac-address 02-42-AC-11-00-05", "--add-host h:10.0.0.1",
    "--add-host h:host-gateway", "--add-host v6:::1",
])
def test_well_formed_mac_and_add_host_are_accepted(flags):
    r = Lab(engine="20.10").sh(f"docker create --name ok {flags} busybox")
    assert (r.exit_code, r.stderr) == (0, "")


def test_current_cli_takes_add_host_with_equals_and_brackets():
    lab = Lab()
    assert lab.sh("docker create --name a1 --add-host h=10.0.0.1 busybox").exit_code == 0
    assert lab.sh("docker create --name b1 --add-host h=[::1] busybox").exit_code == 0
    assert lab.sh("docker create --name c1 --add-host h=10.0.0.1 busybox").exit_code == 0
    r = Lab(engine="20.10").sh("docker create --name a1 --add-host h=10.0.0.1 busybox")
    assert r.stderr.startswith('invalid argument "h=10.0.0.1" for "--add-host" flag: bad format for add-host')


def test_20_10_client_names_a_missing_container_for_exec_attach_and_rm():
    lab = Lab(engine="20.10")
    for command in ("exec nosuch ip addr", "attach nosuch", "rm nosuch"):
        r = lab.sh(f"docker {command}")
        assert (r.exit_code, r.stderr) == (1, "Error: No such container: nosuch\n"), command
    r = lab.sh("docker rm -f nosuch")  # printed, but -f still exits 0
    assert (r.exit_code, r.stderr) == (0, "Error: No such container: nosuch\n")
    r = lab.sh("docker stop nosuch")  # stop asks the daemon directly
    assert r.stderr == "Error response from daemon: No such container: nosuch\n"


def test_current_cli_passes_the_daemons_no_such_container_through():
    r = Lab().sh("docker exec nosuch ip addr")
    assert (r.exit_code, r.stderr) == (1, "Error response from daemon: No such container: nosuch\n")


def test_start_names_every_container_it_could_not_start():
    lab = Lab(engine="20.10")
    r = lab.sh("docker start nosuch other")
    assert r.exit_code == 1
    assert r.stderr == ("Error response from daemon: No such container: nosuch\n"
                        "Error response from daemon: No such container: other\n"
                        "Error: failed to start containers: nosuch, other\n")
    r = Lab().sh("docker start nosuch")
    assert r.stderr.endswith("\nfailed to start containers: nosuch\n")


@pytest.mark.parametrize(("engine", "message"), [
    ("20.10", "You cannot attach to a stopped container, start it first\n"),
    ("29.2", "cannot attach to a stopped container, start it first\n"),
])
def test_attach_to_a_stopped_container_is_the_clients_own_error(engine, message):
    lab = Lab(engine=engine)
    lab.sh("docker create --name idle busybox")
    r = lab.sh("docker attach idle")
    assert (r.exit_code, r.stderr) == (1, message)


def test_exec_of_a_missing_program_is_printed_on_stdout():
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name web busybox")
    r = lab.sh("docker exec web dig +short web")
    assert (r.exit_code, r.stderr) == (126, "")
    assert r.stdout == ('OCI runtime exec failed: exec failed: unable to start container process: exec: "dig": '
                        "executable file not found in $PATH: unknown\n")


def test_ps_filter_name_is_a_regular_expression_and_keys_combine():
    lab = Lab(engine="20.10")
    for name in ("e1", "e14", "quick", "ok"):
        lab.sh(f"docker create --name {name} busybox")
    def names(filters: str) -> list[str]:
        r = lab.sh(f"docker ps -a {filters} --format '{{{{.Names}}}}'")
        assert r.exit_code == 0, r.stderr
        return r.stdout.split()
    assert names("--filter name=e1") == ["e14", "e1"]
    assert names("--filter name=^e1$") == []  # names are matched as "/NAME"
    assert names("--filter name=/e1$") == ["e1"]
    assert names("-f name=quick -f name=ok") == ["ok", "quick"]
    assert names("-f name=[") == []
    assert names("-f status=created -f name=q") == ["quick"]
    lab.sh("docker start ok")
    assert lab.sh("docker ps -f status=created --format '{{.Names}}'").stdout.split() == ["quick", "e14", "e1"]
    r = lab.sh("docker ps -f status=foo")
    assert (r.exit_code, r.stderr) == (1, "Error response from daemon: Invalid filter 'status=foo'\n")
    r = lab.sh("docker ps -a --filter nme=x")
    assert (r.exit_code, r.stderr) == (1, "Error response from daemon: Invalid filter 'nme'\n")
    r = lab.sh("docker ps -a --filter name")
    assert r.exit_code == 125
    assert r.stderr.startswith('invalid argument "name" for "-f, --filter" flag: bad format of filter (expected name=value)\n')


def test_20_10_a_failed_connect_leaves_an_empty_entry_until_the_next_connect():
    lab = Lab(engine="20.10")
    lab.sh("docker network create --subnet 172.30.0.0/24 front")
    lab.sh("docker run -itd --name db busybox")
    r = lab.sh("docker network connect --alias database --ip 172.31.0.50 front db")
    assert r.stderr == "Error response from daemon: Invalid address 172.31.0.50: It does not belong to any of this network's subnets\n"
    nets = "docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}' db"
    assert lab.sh(nets).stdout == "bridge=172.17.0.2 front= \n"
    short = lab.engine.container("db").short_id
    assert lab.sh("docker inspect -f '{{json .NetworkSettings.Networks.front}}' db").stdout == (
        '{"IPAMConfig":{"IPv4Address":"172.31.0.50"},"Links":null,"Aliases":["database","' + short + '"],'
        '"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"",'
        '"GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"MacAddress":"","DriverOpts":{}}\n')
    assert lab.sh("docker network disconnect front db").exit_code == 1  # not connected for all that
    assert lab.sh("docker network connect front db").exit_code == 0
    assert lab.sh("docker network disconnect front db").exit_code == 0
    assert lab.sh(nets).stdout == "bridge=172.17.0.2 \n"


def test_current_engine_keeps_no_entry_for_a_failed_connect():
    lab = Lab()
    lab.sh("docker network create --subnet 172.30.0.0/24 front")
    lab.sh("docker run -itd --name db busybox")
    assert lab.sh("docker network connect --ip 172.31.0.50 front db").exit_code == 1
    assert lab.sh("docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' db").stdout == "bridge \n"
