"""The real CLI's commands: a real one the simulator does not model says so; ``docker --help`` lists them as that CLI does."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.dockercli import commands
from simulator.dockercli.docker import COMMANDS

# Every real command a textbook reader may type and the simulator does not model (yet).
_REAL_UNMODELLED = ["push example/x", "top", "stats", "cp", "volume ls", "build .", "commit c1", "system df"]


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
@pytest.mark.parametrize("words", _REAL_UNMODELLED)
def test_a_real_command_the_simulator_does_not_model_says_so(engine: str, words: str) -> None:
    lab = Lab(engine=engine)
    name = words.split()[0]
    assert name not in COMMANDS
    r = lab.sh(f"docker {words}")
    version = "20.10.24" if engine == "20.10" else "29.2.0"
    assert (r.stdout, r.exit_code) == ("", 126)
    assert r.stderr == f"dockersim: docker {name}: Docker {version} has this command, but the simulator does not model it\n"


def test_container_subcommands_are_real_too() -> None:
    r = Lab().sh("docker container stats")
    assert (r.stderr, r.exit_code) == ("dockersim: docker container stats: Docker 29.2.0 has this command, but the simulator does not model it\n", 126)


@pytest.mark.parametrize(
    ("engine", "stderr"),
    [
        ("20.10", "docker: 'bogus' is not a docker command.\nSee 'docker --help'\n"),
        ("29.2", "docker: unknown command: docker bogus\n\nRun 'docker --help' for more information\n"),
    ],
)
def test_only_a_word_no_cli_knows_is_unknown(engine: str, stderr: str) -> None:
    r = Lab(engine=engine).sh("docker bogus")
    assert (r.stdout, r.stderr, r.exit_code) == ("", stderr, 1)


def test_trust_left_the_cli_in_29() -> None:
    assert Lab(engine="20.10").sh("docker trust inspect x").exit_code == 126
    assert Lab().sh("docker trust inspect x").stderr == "docker: unknown command: docker trust\n\nRun 'docker --help' for more information\n"


def test_docker_help_of_2010_as_the_cli_prints_it() -> None:
    r = Lab(engine="20.10").sh("docker --help")
    assert r.exit_code == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[:4] == ["", "Usage:  docker [OPTIONS] COMMAND", "", "A self-sufficient runtime for containers"]
    assert "      --config string      Location of client config files (default" in lines
    assert '                           "/root/.docker")' in lines
    assert "  logs        Fetch the logs of a container" in lines
    assert "  trust       Manage trust on Docker images" in lines
    assert "  checkpoint  Manage checkpoints" not in lines  # an experimental daemon's only
    assert r.stdout.endswith("\nRun 'docker COMMAND --help' for more information on a command.\n\n"
                             "To get more help with docker, check out our guides at https://docs.docker.com/go/guides/\n")


def test_docker_help_of_29_shows_swarm_commands_on_a_manager_only() -> None:
    lab = Lab()
    r = lab.sh("docker --help")
    assert r.stdout.startswith("Usage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\nCommon Commands:\n"
                               "  run         Create and run a new container from an image\n")
    assert "\nSwarm Commands:\n  swarm       Manage Swarm\n\nCommands:\n" in r.stdout
    assert "  trust " not in r.stdout and "\nGlobal Options:\n" in r.stdout
    assert lab.sh("docker swarm init").exit_code == 0
    shown = lab.sh("docker --help").stdout
    assert "\nSwarm Commands:\n  config      Manage Swarm configs\n  node        Manage Swarm nodes\n" in shown


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_docker_alone_prints_the_help_on_stderr(engine: str) -> None:
    lab = Lab(engine=engine)
    alone, asked = lab.sh("docker"), lab.sh("docker help")
    assert (alone.stdout, alone.exit_code) == ("", 0)
    assert alone.stderr == asked.stdout and "Fetch the logs of a container" in asked.stdout


def test_every_modelled_command_is_a_real_one() -> None:
    for version in ("20.10", "29"):
        real = commands.real_commands(version)
        assert real
        assert all(name in real for name in COMMANDS if not name.startswith("-")), [n for n in COMMANDS if n not in real]


def test_flag_help_wraps_as_pflag_does() -> None:
    wrapped = commands.flag_usages((commands.GlobalFlag("  -l, --log-level string", "word " * 30),))
    lines = wrapped.splitlines()
    assert lines[0].startswith("  -l, --log-level string   word ")
    assert all(len(line) <= 79 for line in lines) and all(line.startswith(" " * 27) for line in lines[1:])
