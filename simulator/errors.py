"""Requests Docker refuses, each carrying Docker's own message and exit status.

The engine raises these before it changes anything; the command runner prints
them the way the docker CLI does (``Error response from daemon: ...``, or the
``docker run`` framing of the engine version) with the CLI's exit status.
"""

from __future__ import annotations


class ScenarioError(Exception):
    """Base of every error a learner's command can provoke."""

    exit_code = 1


class DockerError(ScenarioError):
    """The daemon refused a request; ``str(error)`` is the daemon's message."""

    def __init__(self, message: str, exit_code: int = 1, note: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.note = note  # printed before the error (e.g. "Unable to find image ... locally")


class NoSuchContainer(DockerError):
    """No such container: NAME"""

    def __init__(self, name: str) -> None:
        super().__init__(f"No such container: {name}")
        self.name = name


class NoSuchNetwork(DockerError):
    """network NAME not found"""

    def __init__(self, name: str) -> None:
        super().__init__(f"network {name} not found")
        self.name = name


class CliError(ScenarioError):
    """The docker CLI itself refused the command line (flags, arguments): printed as is."""

    def __init__(self, text: str, exit_code: int) -> None:
        super().__init__(text)
        self.text = text
        self.exit_code = exit_code
