"""``ps``, ``uname``, ``whoami``, ``id`` in containers and on the host, as procps, coreutils and BusyBox print them."""

from __future__ import annotations

import re

import pytest

from simulator import Lab


@pytest.fixture()
def lab() -> Lab:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker run -itd --name a1 alpine")
    return lab


def test_ps_without_a_terminal_shows_only_processes_without_one(lab: Lab):
    lab.sh("docker exec -d c1 sleep 500")
    r = lab.sh("docker exec c1 ps")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "  PID TTY          TIME CMD"  # procps 3.3.9: 5-wide PIDs
    assert [line.split()[1:] for line in lines[1:]] == [["?", "00:00:00", "sleep"], ["?", "00:00:00", "ps"]]
    assert all(re.fullmatch(r" {1,4}\d+ \?        00:00:00 \w+", line) for line in lines[1:])


def test_ps_aux_lists_pid_1_the_containers_command_and_the_exec_sessions(lab: Lab):
    lab.sh("docker exec -d c1 sleep 500")
    r = lab.sh("docker exec c1 ps aux")
    lines = r.stdout.splitlines()
    assert lines[0] == "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"
    assert len(lines) == 4
    pid1, sleeper, me = lines[1:]
    assert re.fullmatch(r"root +1 +0\.0 +\d\.\d +\d+ +\d+ pts/0    Ss\+  \d\d:\d\d   0:00 /bin/bash", pid1)
    assert sleeper.endswith(" ?        Ss   00:00   0:00 sleep 500")
    assert me.endswith(" ?        Rs   00:00   0:00 ps aux")


def test_ps_ef_shows_parents_and_a_shell_typed_into(lab: Lab):
    lab.sh("docker exec -it c1 bash")
    r = lab.sh("ps -ef")
    lines = r.stdout.splitlines()
    assert lines[0] == "UID        PID  PPID  C STIME TTY          TIME CMD"
    rows = [line.split(None, 7) for line in lines[1:]]
    assert [row[7] for row in rows] == ["/bin/bash", "bash", "ps -ef"]
    shell_pid = rows[1][1]
    assert rows[2][2] == shell_pid and rows[2][5] == rows[1][5] == "pts/1"  # a child of the exec'd bash, on its terminal
    lab.sh("exit")
    after = lab.sh("docker exec c1 ps -ef").stdout
    assert " bash\n" not in after  # the exec'd shell ended with exit


def test_a_restarted_container_numbers_its_processes_from_1_again(lab: Lab):
    lab.sh("docker exec c1 ps")
    lab.sh("docker restart c1")
    assert lab.sh("docker exec c1 ps -ef").stdout.splitlines()[2].split()[1] == "2"


def test_busybox_ps_has_its_own_table(lab: Lab):
    r = lab.sh("docker exec a1 ps aux")
    assert r.stdout == "PID   USER     TIME  COMMAND\n    1 root      0:00 /bin/sh\n    2 root      0:00 ps aux\n"


def test_host_ps_uses_procps_4_columns(lab: Lab):
    r = lab.sh("ps")
    lines = r.stdout.splitlines()
    assert lines[0] == "    PID TTY          TIME CMD"
    assert [line.split()[-1] for line in lines[1:]] == ["bash", "ps"]
    assert "/usr/bin/dockerd" in lab.sh("ps aux").stdout


def test_uname_prints_the_hosts_kernel_in_each_userlands_words(lab: Lab):
    hostname = lab.engine.container("c1").hostname
    r = lab.sh("docker exec c1 uname -a")
    assert r.stdout == f"Linux {hostname} 5.4.0-150-generic #167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n"
    assert lab.sh("docker exec a1 uname -a").stdout.endswith(" 2023 x86_64 Linux\n")  # BusyBox on musl
    assert lab.sh("docker exec c1 uname -r").stdout == "5.4.0-150-generic\n"
    assert lab.sh("docker exec c1 uname -rm").stdout == "5.4.0-150-generic x86_64\n"
    assert lab.sh("docker exec c1 uname").stdout == "Linux\n"
    assert Lab().sh("uname -r").stdout == "6.8.0-60-generic\n"  # the current engine's era
    r = lab.sh("docker exec c1 uname -x")
    assert (r.exit_code, r.stderr) == (1, "uname: invalid option -- 'x'\nTry 'uname --help' for more information.\n")
    r = lab.sh("docker exec c1 uname -ax")  # the bad letter, not the first of the word
    assert r.stderr == "uname: invalid option -- 'x'\nTry 'uname --help' for more information.\n"
    r = lab.sh("docker exec c1 uname --all --nope")
    assert (r.exit_code, r.stderr) == (1, "uname: unrecognized option '--nope'\nTry 'uname --help' for more information.\n")
    r = lab.sh("docker exec c1 uname -r foo")
    assert (r.exit_code, r.stderr) == (1, "uname: extra operand 'foo'\nTry 'uname --help' for more information.\n")
    assert lab.sh("docker exec a1 uname -ax").stderr.startswith("uname: invalid option -- 'x'\nBusyBox v1.36.1")


def test_whoami_and_id(lab: Lab):
    assert lab.sh("docker exec c1 whoami").stdout == "root\n"
    assert lab.sh("docker exec c1 id").stdout == "uid=0(root) gid=0(root) groups=0(root)\n"
    assert lab.sh("docker exec a1 id").stdout.startswith("uid=0(root) gid=0(root) groups=0(root),1(bin),2(daemon),")
    assert lab.sh("docker exec c1 id -u").stdout == "0\n"
    assert lab.sh("id -un").stdout == "root\n"
