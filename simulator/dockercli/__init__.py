"""The ``docker`` command line: between the engine (below) and the lab (above).

``DockerCli(engine).run(["docker", ...])`` parses the words as the docker CLI does,
asks the engine, and returns a :class:`CliOutcome`: what to print, the exit
status, and where the terminal goes next (a program to run in a container, a
container's shell to enter). One module per family of subcommands, each with its
flag tables; the inspect JSON, Go templates (``--format``) and tables are here too.
"""

from __future__ import annotations

from simulator.dockercli.base import SHELLS, CliOutcome
from simulator.dockercli.docker import DockerCli

__all__ = ["SHELLS", "CliOutcome", "DockerCli"]
