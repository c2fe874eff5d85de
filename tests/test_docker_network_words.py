"""``docker network`` as each generation prints it: the 20.10 client against a real
dockerd 20.10 (``tests/realdocker`` sequences 03, 04, 14), the current one from
docker/cli and moby at v29.2.0."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.dockercli.gotemplate import GoStruct, render


def _out(lab: Lab, command: str) -> tuple[str, str, int]:
    r = lab.sh(command)
    return r.stdout, r.stderr, r.exit_code


def test_an_unknown_network_is_the_20_10_clients_own_404() -> None:
    lab = Lab(engine="20.10")
    assert _out(lab, "docker network rm nosuchnet") == ("", "Error: No such network: nosuchnet\n", 1)
    assert _out(lab, "docker network inspect nosuchnet") == ("[]\n", "Error: No such network: nosuchnet\n", 1)
    # a template with nothing to execute still prints its newline (TemplateInspector.Flush)
    assert _out(lab, "docker network inspect -f '{{.Name}}' nosuchnet") == ("\n", "Error: No such network: nosuchnet\n", 1)
    lab.sh("docker network create mv")
    assert _out(lab, "docker network rm mv nosuch") == ("mv\n", "Error: No such network: nosuch\n", 1)


def test_an_unknown_network_on_the_current_engine_is_the_daemons_words() -> None:
    # moby 45067cda33 (v23): the client no longer rewords a 404
    lab = Lab(engine="29.2")
    assert _out(lab, "docker network rm nosuchnet") == ("", "Error response from daemon: network nosuchnet not found\n", 1)
    assert _out(lab, "docker network inspect nosuchnet")[1] == "Error response from daemon: network nosuchnet not found\n"


def test_network_create_without_a_name_prints_its_usage() -> None:
    assert _out(Lab(engine="20.10"), "docker network create") == ("", (
        '"docker network create" requires exactly 1 argument.\nSee \'docker network create --help\'.\n\n'
        "Usage:  docker network create [OPTIONS] NETWORK\n\nCreate a network\n"), 1)


def test_a_bad_subnet_is_the_20_10_daemons_to_refuse() -> None:
    lab = Lab(engine="20.10")
    assert _out(lab, "docker network create --subnet 10.50.0.300/24 badsubnet") == (
        "", "Error response from daemon: Invalid subnet 10.50.0.300/24 : invalid CIDR address: 10.50.0.300/24\n", 1)
    # Go's net.ParseCIDR wants a prefix length
    assert _out(lab, "docker network create --subnet 10.50.0.0 bare")[1] == (
        "Error response from daemon: Invalid subnet 10.50.0.0 : invalid CIDR address: 10.50.0.0\n")
    # matched against a --gateway, the CLI finds it first (subnetMatches)
    assert _out(lab, "docker network create --subnet 10.50.0.300/24 --gateway 10.50.0.1 badgw") == (
        "", "invalid subnet: invalid CIDR address: 10.50.0.300/24\n", 1)
    assert "badsubnet" not in lab.sh("docker network ls").stdout


def test_network_ls_format_and_label_filter() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker network create --label team=blue --label env=test lab1")
    lab.sh("docker network create other")
    assert _out(lab, "docker network ls --format '{{.Name}} {{.Driver}} {{.Scope}}'") == (
        "bridge bridge local\nhost host local\nlab1 bridge local\nnone null local\nother bridge local\n", "", 0)
    r = lab.sh("docker network ls -f label=team=blue")
    assert r.stdout.splitlines()[0] == "NETWORK ID     NAME      DRIVER    SCOPE"
    assert [line.split()[1] for line in r.stdout.splitlines()[1:]] == ["lab1"]
    assert _out(lab, "docker network ls -f label=team --format '{{.Name}} {{.Labels}} {{.Internal}} {{.IPv6}}'") == (
        "lab1 env=test,team=blue false false\n", "", 0)
    assert _out(lab, "docker network ls -f label=team=red -q") == ("", "", 0)
    assert _out(lab, "docker network ls --format 'table {{.Name}}\\t{{.Driver}}' -f name=lab") == (
        "NAME      DRIVER\nlab1      bridge\n", "", 0)
    assert _out(lab, "docker network ls -f colour=red") == ("", "Error response from daemon: Invalid filter 'colour'\n", 1)


def test_ipam_config_prints_as_go_prints_the_struct() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker network create --subnet 10.10.0.0/24 --gateway 10.10.0.254 net1")
    lab.sh("docker network create --subnet 10.20.0.0/16 --ip-range 10.20.5.0/24 net2")
    lab.sh("docker network create --subnet 10.30.0.0/24 --aux-address host1=10.30.0.2 net3")
    assert lab.sh("docker network inspect -f '{{.IPAM.Config}}' bridge net1 net2 net3").stdout == (
        "[{172.17.0.0/16  172.17.0.1 map[]}]\n[{10.10.0.0/24  10.10.0.254 map[]}]\n"
        "[{10.20.0.0/16 10.20.5.0/24  map[]}]\n[{10.30.0.0/24   map[host1:10.30.0.2]}]\n")
    assert lab.sh("docker network inspect -f '{{range .IPAM.Config}}[{{.Gateway}}]{{.AuxAddress}}{{end}}' net2").stdout == "[]map[]\n"


def test_the_current_engines_ipam_config_holds_netip_values() -> None:
    lab = Lab(engine="29.2")
    lab.sh("docker network create --subnet 10.20.0.0/16 net2")
    # >= 29: the gateway IPAM chose is shown; a zero netip.Prefix prints "invalid Prefix"
    assert lab.sh("docker network inspect -f '{{.IPAM.Config}}' net2").stdout == "[{10.20.0.0/16 invalid Prefix 10.20.0.1 map[]}]\n"


@pytest.mark.parametrize(("engine", "shown"), [("20.10", False), ("29.2", True)])
def test_a_gateway_not_given_is_shown_from_29(engine: str, shown: bool) -> None:
    lab = Lab(engine=engine)
    lab.sh("docker network create -d bridge --subnet 10.20.0.0/16 --ip-range 10.20.5.0/24 net2")
    lab.sh("docker network create --subnet 10.30.0.0/24 --aux-address host1=10.30.0.2 net3")
    lab.sh("docker network create auto")
    net2 = lab.sh("docker network inspect -f '{{json .IPAM.Config}}' net2").stdout
    net3 = lab.sh("docker network inspect -f '{{json .IPAM.Config}}' net3").stdout
    assert ('"Gateway"' in net2, '"Gateway"' in net3) == (shown, shown)
    if not shown:
        assert net2 == '[{"Subnet":"10.20.0.0/16","IPRange":"10.20.5.0/24"}]\n'
        assert net3 == '[{"Subnet":"10.30.0.0/24","AuxiliaryAddresses":{"host1":"10.30.0.2"}}]\n'
    # a subnet the daemon chose always shows its gateway
    assert '"Gateway"' in lab.sh("docker network inspect -f '{{json .IPAM.Config}}' auto").stdout


def test_labels_come_sorted_as_encoding_json_sorts_a_map() -> None:
    lab = Lab(engine="20.10")
    lab.sh("docker network create --label team=blue --label env=test lab1")
    assert lab.sh("docker network inspect -f '{{json .Labels}}' lab1").stdout == '{"env":"test","team":"blue"}\n'
    assert '"Labels": {\n            "env": "test",\n            "team": "blue"\n        }' in lab.sh("docker network inspect lab1").stdout


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_network_prune_ends_with_a_blank_line_and_takes_no_arguments(engine: str) -> None:
    lab = Lab(engine=engine)
    lab.sh("docker network create a1")
    lab.sh("docker network create a2")
    assert _out(lab, "docker network prune -f") == ("Deleted Networks:\na1\na2\n\n", "", 0)
    assert _out(lab, "docker network prune -f") == ("", "", 0)
    r = lab.sh("docker network prune x")
    assert r.exit_code == 1 and "accepts no arguments" in r.stderr and "Usage:  docker network prune [OPTIONS]" in r.stderr


def test_a_go_struct_in_a_template() -> None:
    s = GoStruct({"Subnet": "10.0.0.0/24"}, fields=(("Subnet", "Subnet", ""), ("AuxAddress", "AuxiliaryAddresses", "map[]")))
    assert render("{{.}}", [s]) == "[{10.0.0.0/24 map[]}]"
    assert render("{{.AuxAddress}}", s) == "map[]"
    assert render("{{json .}}", s) == '{"Subnet":"10.0.0.0/24"}'
