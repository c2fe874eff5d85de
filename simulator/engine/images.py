"""The images a lesson uses, and what each carries.

An image decides the userland a learner meets inside the container: which tools
exist (``ubuntu:14.04`` had ``ping``, ``ip`` and ``ifconfig``; today's ``ubuntu``
has none of them), how they print (``flavour``: iputils/iproute2/net-tools versus
busybox), what runs (a shell that idles only with ``-i`` or ``-t``; nginx's
server), and the ports and environment it declares (used by ``--link``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from simulator.engine import image_programs

# Every program on each image's PATH (and the shell's builtins): see image_programs.
SHELL_TOOLS_UBUNTU_1404 = image_programs.names(image_programs.UBUNTU_1404) | image_programs.BUILTINS
BUSYBOX_TOOLS = image_programs.names(image_programs.BUSYBOX_IMAGE) | image_programs.BUILTINS
ALPINE_TOOLS = image_programs.names(image_programs.ALPINE_IMAGE) | image_programs.BUILTINS
MINIMAL_DEBIAN_TOOLS = image_programs.names(image_programs.UBUNTU_MINIMAL) | image_programs.BUILTINS


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
    release: str = ""  # the distribution release whose package archive it uses (programs.archive.RELEASES)
    service: str = ""  # the server its default command runs (engine.services.SERVICES): "nginx", "mysql"

    @property
    def package_tools(self) -> frozenset[str]:
        """The distribution's package tool, which every image of that distribution ships."""
        family = self.release.split("-", 1)[0]
        return PACKAGE_TOOLS.get(family, frozenset())

    @property
    def reference(self) -> str:
        """The image as ``docker images`` names it (no ``:latest``)."""
        return self.repository if self.tag == "latest" else f"{self.repository}:{self.tag}"


PACKAGE_TOOLS = {"ubuntu": frozenset({"apt-get", "apt"}), "debian": frozenset({"apt-get", "apt"}),
                 "alpine": frozenset({"apk"}), "centos": frozenset({"yum"})}
_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

CATALOG: dict[str, Image] = {
    "ubuntu:14.04": Image("ubuntu", "14.04", ("/bin/bash",), image_id="13b66b487594", release="ubuntu-14.04"),
    "ubuntu:16.04": Image("ubuntu", "16.04", ("/bin/bash",), tools=MINIMAL_DEBIAN_TOOLS, flavour="ubuntu-16.04", image_id="b6f507652425",
                          release="ubuntu-16.04"),
    "ubuntu:latest": Image("ubuntu", "latest", ("/bin/bash",), tools=MINIMAL_DEBIAN_TOOLS, flavour="ubuntu-24.04", image_id="a04dc4851cbc",
                           release="ubuntu-24.04"),
    "alpine:latest": Image("alpine", "latest", ("/bin/sh",), flavour="busybox", tools=ALPINE_TOOLS, shell="/bin/sh", image_id="9234e8fb04c4",
                           release="alpine-3.20"),
    "busybox:latest": Image("busybox", "latest", ("sh",), flavour="busybox", tools=BUSYBOX_TOOLS, shell="sh", image_id="af4709625109"),
    "nginx:latest": Image(
        "nginx",
        "latest",
        ("nginx", "-g", "daemon off;"),
        entrypoint=("/docker-entrypoint.sh",),
        flavour="debian",
        tools=image_programs.names(image_programs.NGINX) | image_programs.BUILTINS,  # the nginx Dockerfile installs curl
        daemon=True,
        service="nginx",
        exposed=("80/tcp",),
        env=(_PATH, "NGINX_VERSION=1.29.3", "NJS_VERSION=0.9.4", "PKG_RELEASE=1~trixie"),
        image_id="d261fd19cb63",
    ),
    "postgres:latest": Image("postgres", "latest", ("postgres",), entrypoint=("docker-entrypoint.sh",), flavour="debian",
                             tools=image_programs.names(image_programs.POSTGRES) | image_programs.BUILTINS, daemon=True, exposed=("5432/tcp",),
                             env=(_PATH, "PGDATA=/var/lib/postgresql/data", "PG_MAJOR=18"), image_id="194f5f2a900a"),
    "mysql:latest": Image("mysql", "latest", ("mysqld",), entrypoint=("docker-entrypoint.sh",), flavour="debian",
                          tools=image_programs.names(image_programs.MYSQL) | image_programs.BUILTINS, daemon=True, exposed=("3306/tcp", "33060/tcp"),
                          env=(_PATH, "MYSQL_MAJOR=innovation"), image_id="f6b0ca07d79d"),
    "redis:latest": Image("redis", "latest", ("redis-server",), entrypoint=("docker-entrypoint.sh",), flavour="debian",
                          tools=image_programs.names(image_programs.REDIS) | image_programs.BUILTINS, daemon=True, exposed=("6379/tcp",),
                          env=(_PATH, "REDIS_VERSION=8.2.3"), image_id="7faaec683238"),
}
NETSHOOT_TOOLS = image_programs.names(image_programs.NETSHOOT) | image_programs.BUILTINS
CATALOG["nicolaka/netshoot:latest"] = Image(
    "nicolaka/netshoot", "latest", ("zsh",), flavour="host", tools=NETSHOOT_TOOLS, shell="/bin/zsh", image_id="a2b4c3e60b2f",
)



def _id(reference: str) -> str:
    """A stable stand-in for an image id (the real one changes with every rebuild of a tag)."""
    return hashlib.sha256(reference.encode()).hexdigest()[:12]


def _distro(repository: str, tag: str, release: str, cmd: str = "/bin/bash") -> Image:
    """An OS base image: a shell as its command, PATH as its environment (their Dockerfiles' CMD and ENV)."""
    return Image(repository, tag, (cmd,), flavour="ubuntu-24.04" if repository == "ubuntu" else "debian",
                 tools=MINIMAL_DEBIAN_TOOLS, image_id=_id(f"{repository}:{tag}"), release=release)


# The textbook's other images. Command, entrypoint, exposed ports and environment from
# each image's Dockerfile (docker-library/*; mysql:5.7 is its last release, on Oracle Linux 7).
CATALOG.update({
    "ubuntu:18.04": _distro("ubuntu", "18.04", "ubuntu-18.04"),
    "ubuntu:20.04": _distro("ubuntu", "20.04", "ubuntu-20.04"),
    "ubuntu:22.04": _distro("ubuntu", "22.04", "ubuntu-22.04"),
    "debian:bullseye": _distro("debian", "bullseye", "debian-11", "bash"),
    "debian:bookworm": _distro("debian", "bookworm", "debian-12", "bash"),
    "centos:7": _distro("centos", "7", "centos-7"),
    "httpd:latest": Image(
        "httpd", "latest", ("httpd-foreground",), flavour="debian", tools=MINIMAL_DEBIAN_TOOLS, daemon=True, service="httpd",
        exposed=("80/tcp",), image_id=_id("httpd:latest"), release="",
        env=("PATH=/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
             "HTTPD_PREFIX=/usr/local/apache2", "HTTPD_VERSION=2.4.65"),
    ),
    "mysql:5.7": Image(
        "mysql", "5.7", ("mysqld",), entrypoint=("docker-entrypoint.sh",), flavour="debian", tools=MINIMAL_DEBIAN_TOOLS,
        daemon=True, service="mysql", exposed=("3306/tcp", "33060/tcp"), image_id="5107333e08a8",
        env=(_PATH, "GOSU_VERSION=1.16", "MYSQL_MAJOR=5.7", "MYSQL_VERSION=5.7.44-1.el7", "MYSQL_SHELL_VERSION=8.0.35-1.el7"),
    ),
    "wordpress:latest": Image(
        "wordpress", "latest", ("apache2-foreground",), entrypoint=("docker-entrypoint.sh",), flavour="debian",
        tools=MINIMAL_DEBIAN_TOOLS, daemon=True, service="wordpress", exposed=("80/tcp",), image_id=_id("wordpress:latest"),
        env=(_PATH, "PHP_INI_DIR=/usr/local/etc/php", "APACHE_CONFDIR=/etc/apache2", "APACHE_ENVVARS=/etc/apache2/envvars",
             "PHP_VERSION=8.2.29"),
    ),
})

ALIASES = {
    "ubuntu:24.04": "ubuntu:latest", "ubuntu:noble": "ubuntu:latest", "ubuntu:trusty": "ubuntu:14.04", "ubuntu:xenial": "ubuntu:16.04",
    "ubuntu:bionic": "ubuntu:18.04", "ubuntu:focal": "ubuntu:20.04", "ubuntu:jammy": "ubuntu:22.04",
    "debian:11": "debian:bullseye", "debian:12": "debian:bookworm", "centos:centos7": "centos:7", "centos:7.9.2009": "centos:7",
    "alpine:3.20": "alpine:latest", "mysql:5.7.44": "mysql:5.7", "httpd:2.4": "httpd:latest",
}


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
    """The catalog's image for a reference as typed (``nginx``, ``ubuntu:14.04``), or None."""
    return CATALOG.get(normalise(reference))


def modelled() -> list[str]:
    """The images the simulator models, as a learner would type them."""
    return sorted(CATALOG)
