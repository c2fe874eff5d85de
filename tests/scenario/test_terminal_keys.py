"""Docker's terminal keys through ``lab.sh``, as a scenario file writes them (``^P^Q``, ``^D``)."""

from __future__ import annotations

from simulator.scenario.lab import Lab


def _status(lab: Lab, name: str) -> str:
    return lab.sh(f"docker ps -a --filter name={name} --format '{{{{.Status}}}}'").stdout.strip()


def test_detach_keys_leave_the_container_running_after_run_it_and_exec_it() -> None:
    lab = Lab(seed=2)
    lab.sh("docker run -it --name c1 ubuntu:14.04")
    assert lab.attached is not None and lab.prompt().startswith("root@")
    assert lab.sh("^P^Q").stdout == "read escape sequence\n"
    assert lab.attached is None and lab.prompt() == "root@host:~# "
    assert _status(lab, "c1").startswith("Up")
    lab.sh("docker exec -it c1 bash")
    assert lab.sh("^P^Q").stdout == "read escape sequence\n"
    assert _status(lab, "c1").startswith("Up")


def test_ctrl_d_leaves_the_containers_shell_only() -> None:
    lab = Lab(seed=2)
    lab.sh("docker run -itd --name c1 alpine")
    lab.sh("docker exec -it c1 sh")
    assert lab.prompt() == "/ # "
    r = lab.sh("^D")
    assert r.exit_code == 0 and lab.attached is None
    assert _status(lab, "c1").startswith("Up")  # exec -it: the container keeps running
    lab.sh("docker run -it --name c2 busybox")
    lab.sh("^D")
    assert lab.attached is None
    assert _status(lab, "c2").startswith("Exited (0)")  # run -it: its shell was the container's main process
    assert lab.sh("^D").exit_code == 127  # at the host's prompt it is no key, just text
