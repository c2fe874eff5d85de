"""Tab completion of docker command lines, as Docker's bash completion offers words."""

from __future__ import annotations

import time

from simulator.dockercli.completion import Known, candidates
from tests.test_shell_tty import shell as shell  # noqa: F401  (the pty fixture)

KNOWN = Known(containers=(("web", True), ("old", False)), networks=("bridge", "host", "none", "backend"),
              images=("nginx", "ubuntu:14.04"))


def test_positions_decide_the_words() -> None:
    assert candidates(["docker", "network"], KNOWN) == ["connect", "create", "disconnect", "inspect", "ls", "prune", "rm"]
    assert candidates(["docker", "network", "inspect"], KNOWN) == ["backend", "bridge", "host", "none"]
    assert candidates(["docker", "network", "connect", "backend"], KNOWN) == ["old", "web"]
    assert candidates(["docker", "exec", "-it"], KNOWN) == ["web"]
    assert candidates(["docker", "start"], KNOWN) == ["old"]
    assert candidates(["docker", "inspect"], KNOWN) == ["old", "web"]
    assert candidates(["docker", "container", "ls"], KNOWN) is None  # ps takes flags only
    assert candidates(["docker", "run", "-itd", "--name"], KNOWN) == []
    assert candidates(["docker", "run", "-itd", "--name", "c1"], KNOWN) == ["nginx", "ubuntu:14.04"]
    assert candidates(["docker", "run", "-itd", "--net"], KNOWN) == ["backend", "bridge", "host", "none", "container:web"]
    assert candidates(["docker", "run", "-it", "ubuntu:14.04"], KNOWN) == []
    assert candidates(["docker", "image", "pull"], KNOWN) == ["nginx", "ubuntu:14.04"]
    assert candidates(["docker"], KNOWN) is None and candidates(["ip"], KNOWN) is None


def test_tab_completes_a_network_subcommand_and_its_network_at_a_terminal(shell) -> None:  # noqa: F811
    t = shell("--speed", "max")
    t.type("docker network create backend")
    t.prompt()
    t.send(b"docker network ins\t")  # Tab: the only subcommand starting "ins"
    time.sleep(0.5)  # completion runs in the background, as a person types
    t.send(b" back\t")  # Tab: the network, not a program named "back..."
    time.sleep(0.5)
    t.send(b" -f '{{.Name}} {{.Driver}}'\r")
    shown = t.prompt()
    assert "docker network inspect backend -f" in shown and "\nbackend bridge\n" in shown, shown
