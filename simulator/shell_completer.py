"""Tab completion in ``dockersim shell``: commands first, then what docker's own bash completion offers by position
(subcommands, networks, containers, images, ``--net`` values), then the lab's names and common words."""

from __future__ import annotations

from collections.abc import Iterator

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from simulator.dockercli import completion
from simulator.engine import images
from simulator.scenario.lab import Lab

DOCKER_WORDS = ("run", "exec", "ps", "stop", "start", "restart", "rm", "kill", "attach", "network", "ls", "inspect",
                "create", "connect", "disconnect", "logs", "port", "images", "pull", "version", "info")
COMMAND_WORDS = ("docker", "ip", "ifconfig", "ping", "brctl", "bridge", "iptables", "sleep", "hostname", "cat",
                 "curl", "wget", "nslookup", "dig", "tcpdump", "env", "exit", "help", "on")
OTHER_WORDS = ("addr", "route", "neigh", "link", "show", "fdb", "/etc/hosts", "/etc/resolv.conf", "--name", "--net",
               "--network", "--net-alias", "-itd", "-it", "-d", "bash", "sh", "laptop", "internet")
#: The images the simulator models, as a learner types them (``ubuntu:14.04``, ``alpine``).
IMAGE_WORDS = tuple(sorted({ref.removesuffix(":latest") for ref in images.CATALOG} | set(images.CATALOG) | set(images.ALIASES)))
SIMULATOR_WORDS = (":events", ":explain", ":figures", ":capture", ":speed", ":lang", ":help")


class ShellCompleter(Completer):
    """Tab completion: commands first, then container and network names, images and options."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        """prompt_toolkit's hook: the options that start with the word before the cursor."""
        word = document.get_word_before_cursor(WORD=True)
        for option in self.options(document.text_before_cursor):
            if option.startswith(word):
                yield Completion(option, start_position=-len(word))

    def _known(self) -> completion.Known:
        """The lab's containers, networks and images, for docker's completion."""
        engines = list(self.lab.engines.values())
        return completion.Known(tuple((c.name, c.running) for e in engines for c in e.containers.values()),
                                tuple(n.name for e in engines for n in e.networks.values()), IMAGE_WORDS)

    def options(self, before: str) -> list[str]:
        """The words that may come next after ``before``."""
        words = before.split()
        first = not words or (len(words) == 1 and not before.endswith(" "))
        if first:
            return sorted(set(COMMAND_WORDS + SIMULATOR_WORDS))
        if words[0] == "docker" and (len(words) == 1 or (len(words) == 2 and not before.endswith(" "))):
            return sorted(DOCKER_WORDS)
        typed = words if before.endswith(" ") else words[:-1]
        docker_words = completion.candidates(typed, self._known())
        if docker_words is not None:
            return docker_words
        names = [c.name for e in self.lab.engines.values() for c in e.containers.values()]
        names += [n.name for e in self.lab.engines.values() for n in e.networks.values()]
        return sorted(set(names) | set(OTHER_WORDS) | set(IMAGE_WORDS) | set(COMMAND_WORDS))
