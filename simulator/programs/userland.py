"""Userland profiles: which builds of the everyday tools an image (or the host) ships.

One row per userland a lesson meets, built like the engine's version table
(``simulator/engine/versions.py``): the programs that print differently from one
image to the next (iproute2, net-tools, iputils or BusyBox, procps, the C library,
curl, dig) are data here, so a program asks ``ctx.userland.busybox`` or
``ctx.userland.iproute2_at_least("4.3")`` instead of comparing image names, and a
renderer takes the profile (``render_ip.ip_addr(links, land)``).

Sources: the packages each image's release shipped (Ubuntu 14.04 "trusty":
iproute2 3.12.0-2, net-tools 1.60-25ubuntu2, iputils-ping 3:20121221-4ubuntu1,
procps 1:3.3.9-1ubuntu2, coreutils 8.21; Alpine 3.20 / busybox:1.36: BusyBox 1.36.1
with musl 1.2.5 or glibc; Ubuntu 24.04 "noble" hosts: iproute2 6.1.0,
net-tools 2.10, iputils 20240117, procps 4.0.4, coreutils 9.4; Debian 13
"trixie" images: coreutils 9.7, procps 4.0.4).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Userland:
    """What one userland's tools are: their versions, or ``None`` when it has no such package."""

    name: str  # a label for messages ("ubuntu-14.04", "busybox", "host", ...); programs ask the fields below
    busybox: str | None  # BusyBox version when the applets (ping, ip, route, ps, ...) are BusyBox's
    iproute2: str | None
    net_tools: str | None
    iputils: str | None
    procps: str | None
    coreutils: str | None
    libc: str  # "glibc" | "musl"
    bash: str | None = None  # GNU bash (>= 5.1 says "bash: line 1: X: command not found" under -c)
    root_groups: str = "0(root)"  # what `id` lists for root: its /etc/group memberships
    uname_platform: bool = True  # Ubuntu's coreutils print -p/-i (x86_64); Debian's say "unknown" and -a leaves them out
    curl: str = "8.5.0"  # the curl it runs (Ubuntu 24.04's; Debian trixie images ship 8.14.1)
    dig: str = "9.18.39-0ubuntu0.24.04.2-Ubuntu"  # BIND's dig, as its banner names it (Ubuntu 24.04's)
    lookup_families: tuple[str, ...] = ("A", "AAAA")  # what getaddrinfo() asks the DNS for (eglibc 2.19: A only)

    @property
    def musl(self) -> bool:
        """Whether the programs link musl (Alpine), whose error texts differ from glibc's."""
        return self.libc == "musl"

    def bash_line_numbers(self) -> bool:
        """Whether ``bash -c`` names the line in its errors (bash >= 5.1)."""
        return self.bash is not None and tuple(int(p) for p in self.bash.split(".")) >= (5, 1)

    def procps_at_least(self, major: int) -> bool:
        """Whether procps-ng is version ``major`` or newer (4 widened the PID columns to 7)."""
        return self.procps is not None and int(self.procps.split(".")[0]) >= major

    def iproute2_at_least(self, version: str) -> bool:
        """Whether this userland's ``ip`` is iproute2 ``version`` or newer (``"4.3"``); BusyBox's ``ip`` is not iproute2."""
        return self.iproute2 is not None and _numbers(self.iproute2) >= _numbers(version)

    def net_tools_at_least(self, version: str) -> bool:
        """Whether this userland's ``ifconfig``/``route``/``netstat`` are net-tools ``version`` or newer (``"2.10"``)."""
        return self.net_tools is not None and _numbers(self.net_tools) >= _numbers(version)

    def curl_at_least(self, version: str) -> bool:
        """Whether this userland's curl is ``version`` or newer (``"8.14.1"``)."""
        return _numbers(self.curl) >= _numbers(version)

    def dig_at_least(self, version: str) -> bool:
        """Whether this userland's dig is BIND ``version`` or newer (``"9.18"``)."""
        return _numbers(self.dig.split("-", 1)[0]) >= _numbers(version)

    def iputils_at_least(self, version: str) -> bool:
        """Whether this userland's iputils is ``version`` or newer (``"20180629"``); BusyBox's ping is not iputils."""
        return self.iputils is not None and _iputils_number(self.iputils) >= _iputils_number(version)


def _numbers(version: str) -> tuple[int, ...]:
    """``"3.12.0"`` as ``(3, 12, 0)``, for comparing release numbers."""
    return tuple(int(part) for part in version.split(".") if part.isdecimal())


def _iputils_number(version: str) -> int:
    """iputils versions are dates, the old ones prefixed ``s`` (``s20121221``)."""
    return int(version.lstrip("s"))


# Alpine's /etc/group puts root in these groups (docker run alpine id)
_ALPINE_ROOT_GROUPS = "0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)"
_UBUNTU_1404 = Userland(
    name="ubuntu-14.04", busybox=None, iproute2="3.12.0", net_tools="1.60", iputils="s20121221", procps="3.3.9",
    coreutils="8.21", libc="glibc", bash="4.3", dig="9.9.5-3ubuntu0.19-Ubuntu", lookup_families=("A",),
    curl="7.35.0",  # trusty-security's curl 7.35.0-1ubuntu2.20, what apt-get install curl brings
)
_HOST = Userland(
    name="host", busybox=None, iproute2="6.1.0", net_tools="2.10", iputils="20240117", procps="4.0.4",
    coreutils="9.4", libc="glibc", bash="5.2",
)

PROFILES: dict[str, Userland] = {
    "ubuntu-14.04": _UBUNTU_1404,
    # ubuntu:16.04 and later images ship neither iproute2, net-tools nor iputils-ping
    "ubuntu-16.04": Userland(
        name="ubuntu-16.04", busybox=None, iproute2=None, net_tools=None, iputils=None, procps="3.3.10",
        coreutils="8.25", libc="glibc", bash="4.3",
    ),
    "ubuntu-24.04": Userland(
        name="ubuntu-24.04", busybox=None, iproute2=None, net_tools=None, iputils=None, procps="4.0.4",
        coreutils="9.4", libc="glibc", bash="5.2",
    ),
    "debian": Userland(  # trixie-slim based: no procps
        name="debian", busybox=None, iproute2=None, net_tools=None, iputils=None, procps=None,
        coreutils="9.7", libc="glibc", bash="5.2", uname_platform=False, curl="8.14.1",
    ),
    "busybox": Userland(
        name="busybox", busybox="1.36.1", iproute2=None, net_tools=None, iputils=None, procps=None,
        coreutils=None, libc="glibc", root_groups="0(root),10(wheel)",
    ),
    "alpine": Userland(
        name="busybox", busybox="1.36.1", iproute2=None, net_tools=None, iputils=None, procps=None,
        coreutils=None, libc="musl", root_groups=_ALPINE_ROOT_GROUPS,
    ),
    "host": _HOST,
    "netshoot": Userland(  # Alpine-based, with the host's tools built against musl
        name="host", busybox=None, iproute2="6.1.0", net_tools="2.10", iputils="20240117", procps="4.0.4",
        coreutils="9.4", libc="musl", bash="5.2", root_groups=_ALPINE_ROOT_GROUPS, uname_platform=False,
        dig="9.20.15",  # Alpine's bind-tools
    ),
}

# Images whose userland is not the one their flavour names (same printing, other libc or banners).
_BY_REPOSITORY = {"alpine": "alpine", "nicolaka/netshoot": "netshoot"}


def of_image(flavour: str, repository: str) -> Userland:
    """The userland of an image, from its repository or else its flavour (the host's when unknown)."""
    key = _BY_REPOSITORY.get(repository, flavour)
    found = PROFILES.get(key)
    if found is None:
        return Userland(name=flavour, busybox=None, iproute2=None, net_tools=None, iputils=None, procps=None,
                        coreutils=None, libc="glibc")
    return found


HOST = _HOST


def profile(land: Userland | str) -> Userland:
    """``land`` itself, or the profile named ``land`` (``"ubuntu-14.04"``, ``"busybox"``, ``"host"``).

    Raises:
        ValueError: no userland has that name.

    >>> profile("busybox").busybox
    '1.36.1'
    """
    if isinstance(land, Userland):
        return land
    found = PROFILES.get(land)
    if found is None:
        raise ValueError(f"unknown userland {land!r}; expected one of {tuple(PROFILES)}")
    return found
