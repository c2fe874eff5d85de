"""``docker version`` and ``docker images``: what the lab's Docker is, and the images it models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dockercli import output
from simulator.dockercli.base import CliOutcome, Command
from simulator.dockercli.parser import Parsed
from simulator.engine import images as image_catalog

if TYPE_CHECKING:
    from simulator.dockercli.docker import DockerCli


def images(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker images``: every image the simulator models."""
    rows = [[image.repository, image.tag, image.image_id, "2 weeks ago", "78.1MB"] for image in image_catalog.CATALOG.values()]
    return CliOutcome(stdout=output.table(["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], rows))


def version(cli: DockerCli, p: Parsed) -> CliOutcome:
    """``docker version``: the client and the server of the lab's engine version."""
    prof = cli.engine.profile
    return CliOutcome(stdout=(
        "Client:\n"
        f" Version:           {prof.version}\n"
        f" API version:       {prof.api_version}\n"
        " OS/Arch:           linux/amd64\n\n"
        "Server: Docker Engine - Community\n"
        " Engine:\n"
        f"  Version:          {prof.version}\n"
        f"  API version:      {prof.api_version} (minimum version 1.24)\n"
        " containerd:\n"
        f"  Version:          {prof.containerd_version}\n"
    ))


COMMANDS = {
    "images": Command("images", images, flags=None),
    "version": Command("version", version, flags=None),
}
