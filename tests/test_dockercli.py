"""The docker CLI's command tables: every subcommand answers a wrong count of arguments,
an unknown subcommand and its group's usage as the CLI of each generation does."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.dockercli.base import Command, Group
from simulator.dockercli.docker import COMMANDS


def _commands() -> list[Command]:
    found: list[Command] = []
    for entry in COMMANDS.values():
        if isinstance(entry, Group):
            found += entry.subcommands.values()
        elif isinstance(entry, Command):
            found.append(entry)
    return found


def test_every_flag_table_names_each_flag_once() -> None:
    commands = _commands()
    assert len(commands) >= 25
    clashes = []
    for command in commands:
        longs: list[str] = []
        shorts: list[str] = []
        for flag in command.flags or ():
            longs += [flag.long, *flag.aliases]
            shorts += [flag.short] if flag.short else []
        if len(set(longs)) != len(longs) or len(set(shorts)) != len(shorts):
            clashes.append(command.name)
    assert clashes == []


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("docker ps c1", "accepts no arguments"),
        ("docker network create", "requires exactly 1 argument"),
        ("docker network connect net1", "requires exactly 2 arguments"),
        ("docker network disconnect", "requires exactly 2 arguments"),
        ("docker network rm", "requires at least 1 argument"),
        ("docker network inspect", "requires at least 1 argument"),
        ("docker exec c1", "requires at least 2 arguments"),
        ("docker attach c1 c2", "requires exactly 1 argument"),
        ("docker start", "requires at least 1 argument"),
        ("docker start -ai", "requires at least 1 argument"),
        ("docker kill", "requires at least 1 argument"),
        ("docker port", "requires at least 1 argument"),
        ("docker inspect", "requires at least 1 argument"),
        ("docker swarm init extra", "accepts no arguments"),
        ("docker swarm join-token", "requires exactly 1 argument"),
    ],
)
@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_a_wrong_count_of_arguments_gets_cobras_words(engine: str, command: str, message: str) -> None:
    lab = Lab(engine=engine)
    r = lab.sh(command)
    path = "docker " + command.split()[1] + ("" if command.split()[1] not in ("network", "swarm") else " " + command.split()[2])
    if engine == "20.10":
        assert r.stderr.startswith(f'"{path}" {message}.\nSee \'{path} --help\'.\n\nUsage:  ')
    else:
        assert r.stderr.startswith(f"docker: '{path}' {message}\n\nUsage:  ")
        assert r.stderr.endswith(f"See '{path} --help' for more information\n")
    assert (r.exit_code, r.stdout) == (1, "")


def test_the_exact_words_of_both_generations() -> None:
    old, new = Lab(engine="20.10"), Lab(engine="29.2")
    assert old.sh("docker ps c1").stderr == (
        "\"docker ps\" accepts no arguments.\nSee 'docker ps --help'.\n\nUsage:  docker ps [OPTIONS]\n\nList containers\n"
    )
    assert new.sh("docker ps c1").stderr == (
        "docker: 'docker ps' accepts no arguments\n\nUsage:  docker ps [OPTIONS]\n\nSee 'docker ps --help' for more information\n"
    )


@pytest.mark.parametrize(
    ("engine", "command", "stderr"),
    [
        ("20.10", "docker network bogus", "docker: 'network bogus' is not a docker command.\nSee 'docker --help'\n"),
        ("29.2", "docker network bogus", "docker: unknown command: docker network bogus\n\nRun 'docker network --help' for more information\n"),
        ("20.10", "docker swarm bogus", "docker: 'swarm bogus' is not a docker command.\nSee 'docker --help'\n"),
        ("29.2", "docker swarm bogus", "docker: unknown command: docker swarm bogus\n\nRun 'docker swarm --help' for more information\n"),
        ("20.10", "docker bogus", "docker: 'bogus' is not a docker command.\nSee 'docker --help'\n"),
        ("29.2", "docker container bogus", "docker: unknown command: docker bogus\n\nRun 'docker --help' for more information\n"),
    ],
)
def test_an_unknown_subcommand(engine: str, command: str, stderr: str) -> None:
    r = Lab(engine=engine).sh(command)
    assert (r.stdout, r.stderr, r.exit_code) == ("", stderr, 1)


@pytest.mark.parametrize("command", ["docker network", "docker network --help", "docker network help"])
def test_a_group_alone_prints_its_usage(command: str) -> None:
    r = Lab().sh(command)
    assert r.exit_code == 0
    assert r.stdout.startswith("\nUsage:  docker network COMMAND\n\nManage networks\n")
    assert "  connect     Connect a container to a network\n" in r.stdout


def test_aliases_are_the_same_command() -> None:
    lab = Lab(seed=3)
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    assert lab.sh("docker container ls").stdout == lab.sh("docker ps").stdout
    assert lab.sh("docker network list -q").stdout == lab.sh("docker network ls -q").stdout
    lab.sh("docker network create n1")
    r = lab.sh("docker network remove n1")
    assert (r.stdout, r.exit_code) == ("n1\n", 0)


def test_network_ls_filters_by_each_key_and_refuses_an_unknown_one() -> None:
    lab = Lab(engine="29.2")
    lab.sh("docker network create --driver bridge mynet")
    names = lambda r: [line.split()[1] for line in r.stdout.splitlines()[1:]]  # noqa: E731
    assert names(lab.sh("docker network ls --filter driver=null")) == ["none"]
    assert names(lab.sh("docker network ls -f name=my")) == ["mynet"]
    assert names(lab.sh("docker network ls --filter type=custom")) == ["mynet"]
    assert names(lab.sh("docker network ls --filter type=builtin")) == ["bridge", "host", "none"]
    r = lab.sh("docker network ls --filter colour=red")
    assert (r.stdout, r.stderr, r.exit_code) == ("", "Error response from daemon: invalid filter 'colour'\n", 1)
