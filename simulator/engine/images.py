"""The images a lesson uses, and what each carries.

An image decides the userland a learner meets inside the container: which tools
exist (``ubuntu:14.04`` had ``ping``, ``ip`` and ``ifconfig``; today's ``ubuntu``
has none of them), how they print (``flavour``: iputils/iproute2/net-tools versus
busybox), what runs (a shell that idles only with ``-i`` or ``-t``; nginx's
server), and the ports and environment it declares (used by ``--link``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.engine import image_programs

# Every program on each image's PATH (and the shell's builtins): see image_programs.
SHELL_TOOLS_UBUNTU_1404 = image_programs.names(image_programs.UBUNTU_1404) | image_programs.BUILTINS
BUSYBOX_TOOLS = image_programs.names(image_programs.BUSYBOX_IMAGE) | image_programs.BUILTINS
ALPINE_TOOLS = image_programs.names(image_programs.ALPINE_IMAGE) | image_programs.BUILTINS
MINIMAL_DEBIAN_TOOLS = image_programs.names(image_programs.UBUNTU_MINIMAL) | image_programs.BUILTINS
DEBIAN_SLIM_TOOLS = image_programs.names(image_programs.DEBIAN_SLIM) | image_programs.BUILTINS


@dataclass(frozen=True)
class Image:
    """One image: name, tag, what it runs and what it has."""

    repository: str
    tag: str
    cmd: tuple[str, ...]
    entrypoint: tuple[str, ...] = ()
    flavour: str = "ubuntu-14.04"
    tools: frozenset[str] = SHELL_TOOLS_UBUNTU_1404
    shell: str = "/bin/bash"
    daemon: bool = False  # runs a server in the foreground (stays up without -i/-t)
    exposed: tuple[str, ...] = ()  # "80/tcp"
    env: tuple[str, ...] = field(default=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",))
    image_id: str = ""

    @property
    def reference(self) -> str:
        return self.repository if self.tag == "latest" else f"{self.repository}:{self.tag}"


_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

CATALOG: dict[str, Image] = {
    "ubuntu:14.04": Image("ubuntu", "14.04", ("/bin/bash",), image_id="13b66b487594"),
    "ubuntu:16.04": Image("ubuntu", "16.04", ("/bin/bash",), tools=MINIMAL_DEBIAN_TOOLS, flavour="ubuntu-16.04", image_id="b6f507652425"),
    "ubuntu:latest": Image("ubuntu", "latest", ("/bin/bash",), tools=MINIMAL_DEBIAN_TOOLS, flavour="ubuntu-24.04", image_id="a04dc4851cbc"),
    "alpine:latest": Image("alpine", "latest", ("/bin/sh",), flavour="busybox", tools=ALPINE_TOOLS, shell="/bin/sh", image_id="9234e8fb04c4"),
    "busybox:latest": Image("busybox", "latest", ("sh",), flavour="busybox", tools=BUSYBOX_TOOLS, shell="sh", image_id="af4709625109"),
    "nginx:latest": Image(
        "nginx",
        "latest",
        ("nginx", "-g", "daemon off;"),
        entrypoint=("/docker-entrypoint.sh",),
        flavour="debian",
        tools=image_programs.names(image_programs.NGINX) | image_programs.BUILTINS,  # the nginx Dockerfile installs curl
        daemon=True,
        exposed=("80/tcp",),
        env=(_PATH, "NGINX_VERSION=1.29.3", "NJS_VERSION=0.9.4", "PKG_RELEASE=1~trixie"),
        image_id="d261fd19cb63",
    ),
    "postgres:latest": Image("postgres", "latest", ("postgres",), entrypoint=("docker-entrypoint.sh",), flavour="debian", tools=image_programs.names(image_programs.POSTGRES) | image_programs.BUILTINS, daemon=True, exposed=("5432/tcp",), env=(_PATH, "PGDATA=/var/lib/postgresql/data", "PG_MAJOR=18"), image_id="194f5f2a900a"),
    "mysql:latest": Image("mysql", "latest", ("mysqld",), entrypoint=("docker-entrypoint.sh",), flavour="debian", tools=image_programs.names(image_programs.MYSQL) | image_programs.BUILTINS, daemon=True, exposed=("3306/tcp", "33060/tcp"), env=(_PATH, "MYSQL_MAJOR=innovation"), image_id="f6b0ca07d79d"),
    "redis:latest": Image("redis", "latest", ("redis-server",), entrypoint=("docker-entrypoint.sh",), flavour="debian", tools=image_programs.names(image_programs.REDIS) | image_programs.BUILTINS, daemon=True, exposed=("6379/tcp",), env=(_PATH, "REDIS_VERSION=8.2.3"), image_id="7faaec683238"),
}
NETSHOOT_TOOLS = image_programs.names(image_programs.NETSHOOT) | image_programs.BUILTINS
CATALOG["nicolaka/netshoot:latest"] = Image(
    "nicolaka/netshoot", "latest", ("zsh",), flavour="host", tools=NETSHOOT_TOOLS, shell="/bin/zsh", image_id="a2b4c3e60b2f",
)

ALIASES = {"ubuntu:24.04": "ubuntu:latest", "ubuntu:noble": "ubuntu:latest", "ubuntu:trusty": "ubuntu:14.04", "ubuntu:xenial": "ubuntu:16.04"}


def normalise(reference: str) -> str:
    """``ubuntu`` -> ``ubuntu:latest``; ``docker.io/library/ubuntu:14.04`` -> ``ubuntu:14.04``."""
    ref = reference
    for prefix in ("docker.io/library/", "library/", "docker.io/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
    if ":" not in ref.rsplit("/", 1)[-1]:
        ref += ":latest"
    return ALIASES.get(ref, ref)


def find(reference: str) -> Image | None:
    return CATALOG.get(normalise(reference))
