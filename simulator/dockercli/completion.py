"""Tab completion of ``docker`` command lines: the words Docker's bash completion offers.

contrib/completion/bash/docker (docker/cli) completes by position: after ``docker network``
the network subcommands, after ``docker network inspect`` the networks, after ``docker exec``
the running containers, after ``docker start`` the stopped ones, after ``docker run`` (its
flags done) an image, and after ``--network`` a network or a network mode. This module
decides those words from what the lab's daemons hold; the shell draws the menu.
Simplified: flags are not offered (a word starting with ``-`` gets no docker completion).
"""

from __future__ import annotations

from dataclasses import dataclass

SUBCOMMANDS = {
    "network": ("connect", "create", "disconnect", "inspect", "ls", "prune", "rm"),
    "image": ("build", "history", "import", "inspect", "load", "ls", "prune", "pull", "push", "rm", "save", "tag"),
    "container": ("attach", "commit", "cp", "create", "diff", "exec", "export", "inspect", "kill", "logs", "ls", "pause",
                  "port", "prune", "rename", "restart", "rm", "run", "start", "stats", "stop", "top", "unpause", "update",
                  "wait"),
}
#: Commands whose first argument is a running container, any container, or a stopped one.
RUNNING = frozenset({"exec", "attach", "stop", "kill", "top", "stats", "pause", "port"})
ANY = frozenset({"inspect", "logs", "rm", "restart", "wait", "rename", "diff", "export", "commit", "cp", "update"})
STOPPED = frozenset({"start"})
#: Flags of run/create whose value is the next word (so the image is not expected there).
RUN_VALUED = frozenset({"--name", "--net", "--network", "--net-alias", "--network-alias", "--ip", "-p", "--publish",
                        "--link", "-e", "--env", "-h", "--hostname", "--dns", "--add-host", "--mac-address", "-v",
                        "--volume", "--restart", "-w", "--workdir", "-u", "--user", "--cap-add", "--dns-search"})
NETWORK_FLAGS = frozenset({"--net", "--network"})


@dataclass(frozen=True)
class Known:
    """What the lab's daemons hold: containers (name, running), networks, and the images a learner may type."""

    containers: tuple[tuple[str, bool], ...]
    networks: tuple[str, ...]
    images: tuple[str, ...]


def _containers(known: Known, which: str) -> list[str]:
    if which == "running":
        return sorted(name for name, up in known.containers if up)
    if which == "stopped":
        return sorted(name for name, up in known.containers if not up)
    return sorted(name for name, _up in known.containers)


def _run_words(known: Known, args: list[str]) -> list[str]:
    """``docker run|create ARGS <Tab>``: a network after --net, nothing after another valued flag, else an image."""
    if args and args[-1] in NETWORK_FLAGS:
        return sorted(set(known.networks) | {"bridge", "host", "none"}) + [f"container:{n}" for n in _containers(known, "running")]
    if args and args[-1] in RUN_VALUED:
        return []
    if any(not a.startswith("-") and (i == 0 or args[i - 1] not in RUN_VALUED) for i, a in enumerate(args)):
        return []  # the image is given: what follows is the container's command
    return list(known.images)


def candidates(words: list[str], known: Known) -> list[str] | None:
    """The words that may come after ``words`` (``["docker", "network", "inspect"]``), or None when
    this is not a docker position this module decides (the first words, a flag)."""
    if len(words) < 2 or words[0] != "docker":
        return None
    command, args = words[1], words[2:]
    if command in SUBCOMMANDS:
        if not args:
            return list(SUBCOMMANDS[command])
        sub, args = args[0], args[1:]
        if command == "network":
            if sub in ("inspect", "rm") or (sub in ("connect", "disconnect") and not args):
                return sorted(known.networks)
            if sub in ("connect", "disconnect"):
                return _containers(known, "any")
            return []
        if command == "image":
            return list(known.images) if sub in ("pull", "inspect", "rm", "history", "tag", "push", "save") else []
        command = {"ls": "ps"}.get(sub, sub)
    if command in ("run", "create"):
        return _run_words(known, args)
    if command in ("pull", "images", "rmi", "history"):
        return [] if args else list(known.images)
    for group, which in ((RUNNING, "running"), (ANY, "any"), (STOPPED, "stopped")):
        if command in group:
            return _containers(known, which)
    return None
