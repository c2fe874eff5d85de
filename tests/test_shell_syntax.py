"""The shell syntax students type: command substitution, ``sh -c``/``bash -c``, through ``lab.sh``."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator import shell_syntax as shell


def test_rm_f_of_every_container_id_removes_them_all():
    lab = Lab()
    ids = [lab.sh(f"docker run -itd --name c{i} ubuntu:14.04").stdout.strip()[:12] for i in (1, 2)]
    r = lab.sh("docker rm -f $(docker ps -aq)")
    assert r.exit_code == 0, r.stderr
    assert sorted(r.stdout.split()) == sorted(ids)  # docker rm echoes each argument: the ids
    assert lab.sh("docker ps -aq").stdout == ""
    again = lab.sh("docker rm -f $(docker ps -aq)")  # nothing left: docker rm gets no argument
    assert again.exit_code == 1 and "'docker rm' requires at least 1 argument" in again.stderr


def test_inspect_of_running_containers_and_backticks():
    lab = Lab()
    lab.sh("docker run -itd --name web ubuntu:14.04")
    r = lab.sh("docker inspect -f '{{.Name}}' $(docker ps -q)")
    assert (r.exit_code, r.stdout) == (0, "/web\n")
    r = lab.sh("docker inspect -f '{{.Name}}' `docker ps -q`")
    assert (r.exit_code, r.stdout) == (0, "/web\n")


def test_quoted_substitution_stays_one_word_and_nests():
    lab = Lab()
    assert lab.sh('echo "a  $(echo x   y)  b"').stdout == "a  x y  b\n"
    assert lab.sh("echo \"a  $(echo 'x   y')  b\"").stdout == "a  x   y  b\n"
    assert lab.sh("echo $(echo 'x   y')").stdout == "x y\n"
    assert lab.sh("echo $(echo $(echo deep))").stdout == "deep\n"
    assert lab.sh("echo '$(not run)'").stdout == "$(not run)\n"


def test_substitution_runs_where_the_terminal_is():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker exec -it c1 bash")
    r = lab.sh("echo $(hostname)")
    assert r.stdout == lab.engine.container("c1").hostname + "\n"


def test_an_unclosed_substitution_is_bashs_syntax_error():
    r = Lab().sh("echo $(hostname")
    assert (r.exit_code, r.stderr) == (2, "bash: unexpected EOF while looking for matching `)'\n")


def test_sh_c_runs_a_line_in_the_container_with_each_shells_words():
    lab = Lab()
    lab.sh("docker run -itd --name ubu ubuntu:14.04")
    lab.sh("docker run -itd --name alp alpine")
    hostname = lab.engine.container("ubu").hostname
    r = lab.sh("docker exec ubu sh -c 'hostname && nosuch'")
    assert (r.exit_code, r.stdout, r.stderr) == (127, hostname + "\n", "sh: 1: nosuch: not found\n")  # dash
    r = lab.sh("docker exec ubu bash -c 'false || echo \"up on $(hostname)\"'")
    assert (r.exit_code, r.stdout) == (0, f"up on {hostname}\n")
    r = lab.sh("docker exec ubu bash -c nosuch")
    assert r.stderr == "bash: nosuch: command not found\n"  # bash 4.3
    r = lab.sh("docker exec alp sh -c 'nosuch'")
    assert (r.exit_code, r.stderr) == (127, "sh: nosuch: not found\n")  # BusyBox ash
    r = lab.sh("bash -c 'nosuch'")  # the host's bash 5.2 names the line
    assert (r.exit_code, r.stderr) == (127, "bash: line 1: nosuch: command not found\n")


def test_docker_run_with_sh_c_runs_the_line_as_the_main_process():
    lab = Lab()
    r = lab.sh("docker run --rm alpine sh -c 'hostname -i'")
    assert (r.exit_code, r.stdout) == (0, "172.17.0.2\n")
    assert lab.sh("docker ps -aq").stdout == ""  # --rm: gone after its main process ended


def test_a_shell_without_c_and_without_a_terminal_exits_at_once():
    lab = Lab()
    lab.sh("docker run -itd --name ubu ubuntu:14.04")
    r = lab.sh("docker exec ubu bash")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    r = lab.sh("docker exec ubu bash script.sh")
    assert (r.exit_code, r.stderr) == (127, "bash: script.sh: No such file or directory\n")


@pytest.mark.parametrize(
    ("word", "output", "expected"),
    [
        ("\ue100", "a\nb\n", ["a", "b"]),
        ("x\ue100y", "", ["xy"]),
        ("\ue100", "", []),
        ("\ue200", "", [""]),
        ("-\ue100-", " p q ", ["-", "p", "q", "-"]),
    ],
)
def test_expand_splits_unquoted_output_at_blanks(word: str, output: str, expected: list[str]):
    assert shell.expand([word], {0: output}) == expected


def test_parameters_expand_from_where_the_line_runs():
    lab = Lab()
    lab.sh('docker run -itd --name web -e GREETING="hello world" ubuntu:14.04')
    assert lab.sh("echo $HOME ${HOME}/x").stdout == "/root /root/x\n"
    assert lab.sh("echo '$HOME'").stdout == "$HOME\n"  # single quotes: as typed
    assert lab.sh("docker exec web echo $HOSTNAME").stdout == "host\n"  # the host's shell expands it first
    hostname = lab.engine.container("web").hostname
    assert lab.sh("docker exec web sh -c 'echo $HOSTNAME'").stdout == hostname + "\n"
    assert lab.sh("docker exec web sh -c 'printenv GREETING; echo \"[$GREETING]\" [$GREETING]'").stdout == "hello world\n[hello world] [hello world]\n"
    assert lab.sh("false; echo $?").stdout == "1\n"
    assert lab.sh("echo $NOPE x").stdout == "x\n"
    lab.sh("docker exec -it web bash")
    assert lab.sh("echo $GREETING").stdout == "hello world\n"


def test_a_detached_sh_c_with_one_command_runs_it_as_the_main_process():
    lab = Lab()
    assert lab.sh("docker run -d --name idle alpine sh -c 'sleep 1000'").exit_code == 0
    lab.sh("sleep 10")
    assert lab.engine.container("idle").running  # the shell's one command keeps it up
    assert "    1 root      0:00 sh -c sleep 1000\n" in lab.sh("docker exec idle ps").stdout
    lab.sh("sleep 1000")
    assert not lab.engine.container("idle").running


def test_at_a_terminal_substitutions_and_sh_c_show_exactly_what_the_result_holds():
    import math

    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker run -itd --name c2 ubuntu:14.04")
    lines = [
        "echo $(docker exec c1 hostname) done",  # the substitution's output becomes words, never shown itself
        'docker exec c1 sh -c "hostname; ping -c 1 172.17.0.3 | grep ttl; nosuch"',
        "docker exec c1 ping -f -c 3 172.17.0.3",
        "docker rm -f $(docker ps -aq)",
    ]
    for line in lines:
        shown: list[str] = []
        r = lab.sh(line, speed=math.inf, on_output=lambda stream, text, into=shown: into.append(text))
        assert "".join(shown) == r.output, line
    assert r.exit_code == 0 and len(r.stdout.split()) == 2


def test_dollar_question_is_the_last_lines_status_in_each_shell():
    """``$?`` carries from line to line; each shell (the host's, a container's) keeps its own; ``exit`` hands it down."""
    lab = Lab()
    assert lab.sh("docker run nosuch").exit_code == 125
    assert lab.sh("echo $?").stdout == "125\n"
    assert lab.sh("echo $?").stdout == "0\n"  # echo itself succeeded
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker exec -it c1 bash")
    assert lab.sh("echo $?").stdout == "0\n"  # a new shell
    assert lab.sh("ls /nope").exit_code == 126
    assert lab.sh("").exit_code == 0 and lab.sh("echo $?").stdout == "126\n"  # an empty line changes nothing
    assert lab.sh("exit").exit_code == 0  # exit: the last status, which echo made 0
    lab.sh("docker exec -it c1 bash")
    assert lab.sh("exit 3").exit_code == 3
    assert lab.sh("echo $?").stdout == "3\n"  # the host's docker exec ended with the shell's status
    lab.sh("docker run -it --name c2 ubuntu:14.04")
    lab.sh("exit 7")
    assert "Exited (7)" in lab.sh("docker ps -a").stdout
