"""Package archives: what each distribution's mirror holds, and what a container installed.

A container starts with its image's package set and, for Debian and Ubuntu, empty
package lists (the images delete ``/var/lib/apt/lists``). ``apt-get update`` fetches
the index files its ``sources.list`` names from the mirrors; ``apt-get install``
then finds packages in them, resolves their dependencies and fetches each ``.deb``.
Alpine's ``apk`` and CentOS's ``yum`` fetch their indexes on demand.

The tables below hold, per release, the mirrors and index files the image's own
sources configuration names, and the packages a networking lesson installs with
their version, download size, installed size, the dependencies the image does not
already have, and the programs they put on ``$PATH``. Versions aim at the
release's final updates/security pockets and sizes at what the archive's index lists
(rounded as the tools print them), after the distributions' package archives
(packages.ubuntu.com, packages.debian.org, pkgs.alpinelinux.org). They were written
down by hand, not fetched: a figure found to differ from the archive is a fix to
this table, and the tests check the tools' behaviour, not these numbers.

Simplified, on purpose: the mirror sends each file with 1/100 of its size in bytes
(``SERVED_FRACTION``), so that a 20 MB ``apt-get update`` is a few hundred TCP
segments instead of fifteen thousand; the tools print the sizes the index lists, as
the real ones do (apt and apk know a file's size from the index before fetching it).
The rest of each file's bytes are accounted for in time, not on the wire: the tool
waits as long as they would take at ``UNSENT_RATE_B_PER_S`` (the lab's 100 Mbit/s
internet link), so "Fetched 23.7 MB in 2s" is what the simulated clock shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SERVED_FRACTION = 0.01
UNSENT_RATE_B_PER_S = 12.5e6  # the lab's internet link (topologies: 100 Mbit/s)


def served_size(size_b: int) -> int:
    """How many bytes the simulated mirror sends for a file of ``size_b`` bytes."""
    return max(1, int(size_b * SERVED_FRACTION))


@dataclass(frozen=True)
class Package:
    """One binary package in one release."""

    name: str
    version: str
    size_b: int  # the download (.deb, .apk, .rpm)
    installed_b: int  # "After this operation, ... of additional disk space"
    depends: tuple[str, ...] = ()  # what it pulls in that the image lacks
    programs: tuple[str, ...] = ()
    suggests: tuple[str, ...] = ()
    pocket: str = ""  # apt: the suite/component it comes from ("trusty-updates/main")


@dataclass(frozen=True)
class IndexFile:
    """One file ``update`` fetches: where it lives and how apt names it."""

    host: str
    path: str  # the URL path on the mirror
    label: str  # what apt prints after the site ("trusty-updates/main amd64 Packages")
    size_b: int


@dataclass(frozen=True)
class Release:
    """One distribution release as its package tool sees it."""

    name: str  # "ubuntu-14.04"
    tool: str  # "apt" | "apk" | "yum"
    tool_version: str  # apt "1.0.1ubuntu2" | apk "2.14.4" | yum "3.4.3"
    codename: str
    indexes: tuple[IndexFile, ...]
    packages: dict[str, Package]
    base_packages: int = 0  # what the image has installed (apk's "OK: ... in N packages")
    base_size_b: int = 0  # apk: the installed size the image starts with
    dpkg_files: int = 0  # "(Reading database ... N files and directories currently installed.)"
    libc: str = ""  # "libc-bin (2.19-0ubuntu6.15)": the trigger apt runs after installing libraries



@dataclass
class PackageDb:
    """What a container's package tool knows: fetched lists and installed packages.

    It lives with the container (gone with ``docker rm``), never with the image.
    """

    lists: bool = False  # apt: /var/lib/apt/lists holds the indexes (after apt-get update)
    installed: dict[str, Package] = field(default_factory=dict)

    @property
    def programs(self) -> set[str]:
        """The programs the installed packages put on ``$PATH``."""
        return {p for pkg in self.installed.values() for p in pkg.programs}


def package_path(release: Release, pkg: Package) -> str:
    """The URL path of a package file on its mirror."""
    if release.tool == "apk":
        return f"/alpine/v{release.codename}/main/x86_64/{pkg.name}-{pkg.version}.apk"
    if release.tool == "yum":
        return f"/centos/7.9.2009/os/x86_64/Packages/{pkg.name}-{pkg.version}.x86_64.rpm"
    pool = pkg.name[:4] if pkg.name.startswith("lib") else pkg.name[0]
    source = pkg.name
    version = pkg.version.split(":", 1)[-1]
    return f"{mirror_root(release)}/pool/main/{pool}/{source}/{pkg.name}_{version}_amd64.deb"


def mirror_root(release: Release) -> str:
    """The archive's root on its mirror (``/ubuntu``, ``/debian``)."""
    return "/debian" if release.name.startswith("debian") else "/ubuntu"


def package_host(release: Release) -> str:
    """The mirror packages are downloaded from."""
    return release.indexes[-1].host if release.tool != "apt" else (
        "deb.debian.org" if release.name.startswith("debian") else "archive.ubuntu.com")


def resolve(release: Release, names: list[str], db: PackageDb) -> tuple[list[Package], list[Package], str | None]:
    """(packages to install, already installed among those asked, the first name not found).

    Dependencies (transitively) come before what needs them, as the tools order a
    transaction; each package once.

    >>> todo, _, _ = resolve(JAMMY, ["dnsutils"], PackageDb())
    >>> [p.name for p in todo]
    ['libuv1', 'bind9-libs', 'bind9-host', 'bind9-dnsutils', 'dnsutils']
    """
    wanted: dict[str, Package] = {}
    already: list[Package] = []

    def add(pkg: Package) -> None:
        if pkg.name in wanted or pkg.name in db.installed:
            return
        wanted[pkg.name] = pkg  # placed now (a cycle stops here), moved after its dependencies below
        for dep in pkg.depends:
            if dep in release.packages:
                add(release.packages[dep])
        wanted[pkg.name] = wanted.pop(pkg.name)

    for name in names:
        pkg = release.packages.get(name)
        if pkg is None:
            return [], [], name
        if name in db.installed:
            already.append(pkg)
            continue
        add(pkg)
    return list(wanted.values()), already, None


# -- the tables ---------------------------------------------------------------------------------

def _p(name: str, version: str, size_kb: float, installed_kb: float, pocket: str = "", depends: tuple[str, ...] = (),
       programs: tuple[str, ...] = (), suggests: tuple[str, ...] = ()) -> Package:
    return Package(name, version, int(size_kb * 1000), int(installed_kb * 1024), depends, programs, suggests, pocket)


def _apt_indexes(host: str, security: str, root: str, suites: list[tuple[str, str, list[tuple[str, float, float]]]],
                 inrelease_kb: dict[str, float], with_sources: bool, old_apt: bool) -> tuple[IndexFile, ...]:
    """InRelease per suite, then per component its Sources (deb-src) and amd64 Packages.

    ``suites``: (suite, host kind "archive"|"security", [(component, Sources kB, Packages kB)]).
    apt >= 1.1 fetches the compressed ``.xz``/``.gz`` indexes and prints ``Packages``; so does 1.0.
    """
    files: list[IndexFile] = []
    for suite, kind, comps in suites:
        site = security if kind == "security" else host
        files.append(IndexFile(site, f"{root}/dists/{suite}/InRelease", f"{suite} InRelease", int(inrelease_kb[suite] * 1000)))
        for comp, sources_kb, packages_kb in comps:
            if with_sources and sources_kb:
                files.append(IndexFile(site, f"{root}/dists/{suite}/{comp}/source/Sources.gz", f"{suite}/{comp} Sources", int(sources_kb * 1000)))
            files.append(IndexFile(site, f"{root}/dists/{suite}/{comp}/binary-amd64/Packages.gz",
                                   f"{suite}/{comp} amd64 Packages", int(packages_kb * 1000)))
    del old_apt
    return tuple(files)


# ubuntu:14.04's sources.list: main, restricted and universe of trusty, trusty-updates and
# trusty-security, with deb-src lines; Acquire::Languages "none" (docker-no-languages).
_TRUSTY_SUITES = [
    ("trusty", "archive", [("main", 1335, 1743), ("restricted", 5.3, 16.4), ("universe", 7926, 7589)]),
    ("trusty-updates", "archive", [("main", 538, 1460), ("restricted", 6.5, 21.4), ("universe", 289, 671)]),
    ("trusty-security", "security", [("main", 220, 1051), ("restricted", 5.1, 18.1), ("universe", 151, 424)]),
]

_TRUSTY_PACKAGES = {p.name: p for p in [
    # dnsutils 1:9.9.5.dfsg-3ubuntu0.19 (trusty-security): BIND 9.9.5's dig, nslookup, nsupdate
    _p("dnsutils", "1:9.9.5.dfsg-3ubuntu0.19", 89.5, 376, "trusty-updates/main",
       ("libbind9-90", "libdns100", "libisc95", "libisccc90", "libisccfg90", "liblwres90", "libgeoip1", "libxml2",
        "bind9-host", "geoip-database", "sgml-base", "xml-core"),
       ("dig", "nslookup", "nsupdate"), ("rblcheck",)),
    _p("bind9-host", "1:9.9.5.dfsg-3ubuntu0.19", 48.4, 132, "trusty-updates/main", programs=("host",)),
    _p("libisc95", "1:9.9.5.dfsg-3ubuntu0.19", 145, 450, "trusty-updates/main"),
    _p("libdns100", "1:9.9.5.dfsg-3ubuntu0.19", 634, 2043, "trusty-updates/main"),
    _p("libisccc90", "1:9.9.5.dfsg-3ubuntu0.19", 14.2, 56, "trusty-updates/main"),
    _p("libisccfg90", "1:9.9.5.dfsg-3ubuntu0.19", 35.6, 120, "trusty-updates/main"),
    _p("libbind9-90", "1:9.9.5.dfsg-3ubuntu0.19", 20.4, 68, "trusty-updates/main"),
    _p("liblwres90", "1:9.9.5.dfsg-3ubuntu0.19", 32.4, 104, "trusty-updates/main"),
    _p("libgeoip1", "1.6.0-1", 71.0, 216, "trusty/main", suggests=("geoip-bin",)),
    _p("geoip-database", "20140313-1", 1196, 3584, "trusty/main"),
    _p("libxml2", "2.9.1+dfsg1-3ubuntu4.13", 573, 1828, "trusty-updates/main"),
    _p("sgml-base", "1.26+nmu4ubuntu1", 12.5, 96, "trusty/main", suggests=("sgml-base-doc",)),
    _p("xml-core", "0.13+nmu2", 23.3, 100, "trusty/main", suggests=("debhelper",)),
    _p("iputils-ping", "3:20121221-4ubuntu1.1", 56.1, 160, "trusty-updates/main", programs=("ping", "ping6")),
    _p("net-tools", "1.60-25ubuntu2.1", 176, 716, "trusty-updates/main", programs=("ifconfig", "route", "netstat", "arp")),
    _p("iproute2", "3.12.0-2ubuntu1.2", 389, 1456, "trusty-updates/main", programs=("ip", "ss", "bridge", "tc")),
    _p("curl", "7.35.0-1ubuntu2.20", 123, 291, "trusty-security/main", ("libcurl3",), ("curl",)),
    _p("libcurl3", "7.35.0-1ubuntu2.20", 174, 449, "trusty-security/main"),
    _p("wget", "1.15-1ubuntu1.14.04.5", 270, 899, "trusty-security/main", programs=("wget",)),
    _p("netcat", "1.10-40", 3.3, 28, "trusty/universe", ("netcat-traditional",)),
    _p("netcat-traditional", "1.10-40", 65.5, 152, "trusty/universe", programs=("nc", "netcat")),
    _p("traceroute", "1:2.0.20-0ubuntu0.1", 44.6, 184, "trusty-updates/main", programs=("traceroute",)),
    _p("tcpdump", "4.9.3-0ubuntu0.14.04.1", 364, 1128, "trusty-security/main", ("libpcap0.8",), ("tcpdump",)),
    _p("libpcap0.8", "1.5.3-2", 110, 284, "trusty/main"),
    _p("iptables", "1.4.21-1ubuntu1", 261, 1316, "trusty/main", ("libnfnetlink0", "libxtables10"), ("iptables",)),
    _p("libnfnetlink0", "1.0.1-2", 13.4, 68, "trusty/main"),
    _p("libxtables10", "1.4.21-1ubuntu1", 25.9, 88, "trusty/main"),
]}

TRUSTY = Release(
    "ubuntu-14.04", "apt", "1.0.1ubuntu2", "trusty",
    _apt_indexes("archive.ubuntu.com", "security.ubuntu.com", "/ubuntu", _TRUSTY_SUITES,
                 {"trusty": 65.9, "trusty-updates": 65.9, "trusty-security": 65.9}, True, True),
    _TRUSTY_PACKAGES, dpkg_files=11544, libc="libc-bin (2.19-0ubuntu6.15)",
)


_COMPONENTS = ("main", "restricted", "universe", "multiverse")


def _modern_ubuntu(name: str, codename: str, apt: str, inrelease_kb: tuple[float, float, float],
                   packages_kb: tuple[tuple[float, float, float, float], ...], versions: dict[str, str], bind: str,
                   dpkg_files: int, libc: str, lib_suffix: str = "", old_bind: bool = False) -> Release:
    """16.04 and later: no deb-src lines; main, restricted, universe, multiverse of three suites.

    ``packages_kb``: the four components' Packages index sizes, for the release, its -updates and its -security.
    """
    suite_names = (codename, f"{codename}-updates", f"{codename}-security")
    suites = [(suite, "security" if suite.endswith("-security") else "archive", [(comp, 0.0, kb) for comp, kb in zip(_COMPONENTS, sizes, strict=True)])
              for suite, sizes in zip(suite_names, packages_kb, strict=True)]
    kb = dict(zip(suite_names, inrelease_kb, strict=True))
    packages = _tools(f"{codename}-updates/main", bind, versions, lib_suffix, old_bind)
    return Release(name, "apt", apt, codename,
                   _apt_indexes("archive.ubuntu.com", "security.ubuntu.com", "/ubuntu", suites, kb, False, False),
                   {p.name: p for p in packages}, dpkg_files=dpkg_files, libc=libc)


def _tools(pocket: str, bind: str, versions: dict[str, str], lib_suffix: str = "", old_bind: bool = False) -> list[Package]:
    """The lesson's packages in a post-2016 Debian/Ubuntu release (``old_bind``: before BIND 9.16's bind9-dnsutils)."""
    if old_bind:
        dnsutils = _p("dnsutils", bind, 145, 520, pocket, ("bind9-host",), ("dig", "nslookup", "nsupdate"))
    else:
        dnsutils = _p("dnsutils", bind, 2.7, 16, pocket, ("bind9-dnsutils",))
    return [
        dnsutils,
        *(_old_bind(pocket, bind) if old_bind else _bind_libs(pocket, bind, lib_suffix)),
        _p("iputils-ping", versions["iputils-ping"], 42.9, 116, pocket, ("libcap2-bin",), ("ping",)),
        _p("libcap2-bin", versions["libcap2-bin"], 26.3, 104, pocket),
        _p("net-tools", versions["net-tools"], 194, 800, pocket, programs=("ifconfig", "route", "netstat", "arp")),
        _p("iproute2", versions["iproute2"], 1120, 3400, pocket, ("libmnl0", "libelf1"), ("ip", "ss", "bridge", "tc")),
        _p("libmnl0", versions["libmnl0"], 13.0, 52, pocket),
        _p("libelf1", versions["libelf1"], 54.7, 160, pocket),
        _p("curl", versions["curl"], 194, 454, pocket, ("libcurl4", "ca-certificates"), ("curl",)),
        _p("libcurl4", versions["curl"], 290, 760, pocket),
        _p("ca-certificates", versions["ca-certificates"], 158, 384, pocket),
        _p("wget", versions["wget"], 339, 970, pocket, programs=("wget",)),
        _p("netcat", versions["netcat"], 2.1, 14, pocket, ("netcat-openbsd",)),
        _p("netcat-openbsd", versions["netcat"], 43.9, 112, pocket, programs=("nc", "netcat")),
        _p("traceroute", versions["traceroute"], 45.1, 172, pocket, programs=("traceroute",)),
        _p("tcpdump", versions["tcpdump"], 472, 1310, pocket, ("libpcap0.8",), ("tcpdump",)),
        _p("libpcap0.8", versions["libpcap0.8"], 150, 372, pocket),
        _p("iptables", versions["iptables"], 380, 2650, pocket, ("libip4tc2", "libxtables12"), ("iptables",)),
        _p("libip4tc2", versions["iptables"], 19.7, 64, pocket),
        _p("libxtables12", versions["iptables"], 31.0, 100, pocket),
    ]


def _bind_libs(pocket: str, bind: str, lib_suffix: str) -> list[Package]:
    return [
        _p("bind9-dnsutils", bind, 156, 549, pocket, ("bind9-host", "bind9-libs"), ("dig", "nslookup", "nsupdate")),
        _p("bind9-host", bind, 52.3, 160, pocket, ("bind9-libs",), ("host",)),
        _p("bind9-libs", bind, 1250, 3700, pocket, (f"libuv1{lib_suffix}",)),
        _p(f"libuv1{lib_suffix}", "1.43.0-1" if lib_suffix == "" else "1.48.0-1.1build1", 93.0, 264, pocket),
    ]


_V_FOCAL = {"iputils-ping": "3:20190709-3", "libcap2-bin": "1:2.32-1ubuntu0.1", "net-tools": "1.60+git20180626.aebd88e-1ubuntu1",
            "iproute2": "5.5.0-1ubuntu1", "libmnl0": "1.0.4-2", "libelf1": "0.176-1.1ubuntu0.1", "curl": "7.68.0-1ubuntu2.25",
            "ca-certificates": "20240203~20.04.1", "wget": "1.20.3-1ubuntu2.1", "netcat": "1.206-1ubuntu1",
            "traceroute": "1:2.1.0-2", "tcpdump": "4.9.3-4ubuntu0.3", "libpcap0.8": "1.9.1-3", "iptables": "1.8.4-3ubuntu2.1"}
_V_JAMMY = {"iputils-ping": "3:20211215-1", "libcap2-bin": "1:2.44-1ubuntu0.22.04.1", "net-tools": "1.60+git20181103.0eebece-1ubuntu5",
            "iproute2": "5.15.0-1ubuntu2", "libmnl0": "1.0.4-3build2", "libelf1": "0.186-1build1", "curl": "7.81.0-1ubuntu1.20",
            "ca-certificates": "20240203~22.04.1", "wget": "1.21.2-2ubuntu1.1", "netcat": "1.218-4ubuntu1",
            "traceroute": "1:2.1.0-2", "tcpdump": "4.99.1-3ubuntu0.2", "libpcap0.8": "1.10.1-4build1", "iptables": "1.8.7-1ubuntu5.2"}
_V_NOBLE = {"iputils-ping": "3:20240117-1build1", "libcap2-bin": "1:2.66-5ubuntu2.2", "net-tools": "2.10-0.1ubuntu4",
            "iproute2": "6.1.0-1ubuntu6", "libmnl0": "1.0.5-2build1", "libelf1": "0.190-1.1ubuntu0.1", "curl": "8.5.0-2ubuntu10.6",
            "ca-certificates": "20240203", "wget": "1.21.4-1ubuntu4.1", "netcat": "1.226-1ubuntu2",
            "traceroute": "1:2.1.5-1", "tcpdump": "4.99.4-3ubuntu4", "libpcap0.8": "1.10.4-4.1ubuntu3", "iptables": "1.8.10-3ubuntu2"}
_V_XENIAL = {"iputils-ping": "3:20121221-5ubuntu2", "libcap2-bin": "1:2.24-12", "net-tools": "1.60-26ubuntu1",
             "iproute2": "4.3.0-1ubuntu3.16.04.5", "libmnl0": "1.0.3-5", "libelf1": "0.165-3ubuntu1.2", "curl": "7.47.0-1ubuntu2.19",
             "ca-certificates": "20210119~16.04.1", "wget": "1.17.1-1ubuntu1.5", "netcat": "1.105-7ubuntu1",
             "traceroute": "1:2.0.21-1", "tcpdump": "4.9.3-0ubuntu0.16.04.1", "libpcap0.8": "1.7.4-2ubuntu0.1", "iptables": "1.6.0-2ubuntu3"}
_V_BIONIC = {"iputils-ping": "3:20161105-1ubuntu3", "libcap2-bin": "1:2.25-1.2", "net-tools": "1.60+git20161116.90da8a0-1ubuntu1",
             "iproute2": "4.15.0-2ubuntu1.3", "libmnl0": "1.0.4-2", "libelf1": "0.170-0.4ubuntu0.1", "curl": "7.58.0-2ubuntu3.24",
             "ca-certificates": "20230311ubuntu0.18.04.1", "wget": "1.19.4-1ubuntu2.2", "netcat": "1.187-1ubuntu0.1",
             "traceroute": "1:2.1.0-2", "tcpdump": "4.9.3-0ubuntu0.18.04.3", "libpcap0.8": "1.8.1-6ubuntu1.18.04.2", "iptables": "1.6.1-2ubuntu2"}
_V_BULLSEYE = {"iputils-ping": "3:20210202-1", "libcap2-bin": "1:2.44-1", "net-tools": "1.60+git20181103.0eebece-1",
               "iproute2": "5.10.0-4", "libmnl0": "1.0.4-3", "libelf1": "0.183-1", "curl": "7.74.0-1.3+deb11u14",
               "ca-certificates": "20210119", "wget": "1.21-1+deb11u1", "netcat": "1.217-3",
               "traceroute": "1:2.1.0-2+b1", "tcpdump": "4.99.0-2+deb11u1", "libpcap0.8": "1.10.0-2", "iptables": "1.8.7-1"}
_V_BOOKWORM = {"iputils-ping": "3:20221126-1+deb12u1", "libcap2-bin": "1:2.66-4+deb12u1", "net-tools": "2.10-0.1",
               "iproute2": "6.1.0-3", "libmnl0": "1.0.4-3", "libelf1": "0.188-2.1", "curl": "7.88.1-10+deb12u14",
               "ca-certificates": "20230311+deb12u1", "wget": "1.21.3-1+deb12u1", "netcat": "1.219-1",
               "traceroute": "1:2.1.2-1", "tcpdump": "4.99.3-1", "libpcap0.8": "1.10.3-1", "iptables": "1.8.9-2"}


def _old_bind(pocket: str, bind: str) -> list[Package]:
    """Before BIND 9.16's bind9-dnsutils: dnsutils itself carries dig and nslookup."""
    return [_p("bind9-host", bind, 38.2, 150, pocket, programs=("host",))]


XENIAL = _modern_ubuntu("ubuntu-16.04", "xenial", "1.2.35", (247, 99.8, 99.8),
                        ((1558, 14.1, 9827, 176), (2560, 16.4, 1544, 26.2), (2051, 15.9, 984, 8820 / 1000)),
                        _V_XENIAL, "1:9.10.3.dfsg.P4-8ubuntu1.19", 4431, "libc-bin (2.23-0ubuntu11.3)", old_bind=True)
BIONIC = _modern_ubuntu("ubuntu-18.04", "bionic", "1.6.17", (242, 88.7, 88.7),
                        ((1344, 13.5, 11.3e3, 186), (3786, 1688, 2411, 30.8), (3373, 1664, 1637, 23.8)),
                        _V_BIONIC, "1:9.11.3+dfsg-1ubuntu1.19", 4047, "libc-bin (2.27-3ubuntu1.6)", old_bind=True)
FOCAL = _modern_ubuntu("ubuntu-20.04", "focal", "2.0.10", (265, 128, 128),
                       ((1275, 33.4, 11.3e3, 177), (4560, 4372, 1586, 33.7), (4150, 4218, 1298, 30.9)),
                       _V_FOCAL, "1:9.18.30-0ubuntu0.20.04.2", 4123, "libc-bin (2.31-0ubuntu9.16)")
JAMMY = _modern_ubuntu("ubuntu-22.04", "jammy", "2.4.13", (270, 128, 129),
                       ((1792, 164, 17.5e3, 266), (3114, 4489, 1521, 52.6), (2788, 4304, 1226, 48.5)),
                       _V_JAMMY, "1:9.18.30-0ubuntu0.22.04.2", 4392, "libc-bin (2.35-0ubuntu3.9)")
NOBLE = _modern_ubuntu("ubuntu-24.04", "noble", "2.7.14build2", (256, 126, 126),
                       ((1808, 117, 19.3e3, 331), (1673, 2189, 1523, 35.0), (1342, 2046, 1132, 33.1)),
                       _V_NOBLE, "1:9.18.30-0ubuntu0.24.04.2", 4381, "libc-bin (2.39-0ubuntu8.5)", lib_suffix="t64")


def _debian(name: str, codename: str, apt: str, kb: tuple[float, float, float, float, float, float],
            versions: dict[str, str], bind: str, dpkg_files: int, libc: str) -> Release:
    """debian:<codename>: deb.debian.org (main of the release and its updates), security via deb.debian.org too."""
    host = "deb.debian.org"
    files = (
        IndexFile(host, f"/debian/dists/{codename}/InRelease", f"{codename} InRelease", int(kb[0] * 1000)),
        IndexFile(host, f"/debian/dists/{codename}-updates/InRelease", f"{codename}-updates InRelease", int(kb[1] * 1000)),
        IndexFile(host, f"/debian-security/dists/{codename}-security/InRelease", f"{codename}-security InRelease", int(kb[2] * 1000)),
        IndexFile(host, f"/debian/dists/{codename}/main/binary-amd64/Packages.xz", f"{codename}/main amd64 Packages", int(kb[3] * 1000)),
        IndexFile(host, f"/debian/dists/{codename}-updates/main/binary-amd64/Packages.xz", f"{codename}-updates/main amd64 Packages", int(kb[4] * 1000)),
        IndexFile(host, f"/debian-security/dists/{codename}-security/main/binary-amd64/Packages.xz", f"{codename}-security/main amd64 Packages",
                  int(kb[5] * 1000)),
    )
    packages = _tools(f"{codename}/main", bind, versions)
    return Release(name, "apt", apt, codename, files, {p.name: p for p in packages}, dpkg_files=dpkg_files, libc=libc)


BULLSEYE = _debian("debian-11", "bullseye", "2.2.4", (75.1, 44.1, 27.2, 8068, 18.8, 406),
                   _V_BULLSEYE, "1:9.16.50-1~deb11u2", 6653, "libc-bin (2.31-13+deb11u11)")
BOOKWORM = _debian("debian-12", "bookworm", "2.6.1", (151, 55.4, 48.0, 8792, 6924 / 1000, 272),
                   _V_BOOKWORM, "1:9.18.33-1~deb12u2", 6677, "libc-bin (2.36-9+deb12u10)")

# alpine:3.20 (alpine:latest of the lesson's images): /etc/apk/repositories lists main and community.
ALPINE = Release(
    "alpine-3.20", "apk", "2.14.4", "3.20",
    (IndexFile("dl-cdn.alpinelinux.org", "/alpine/v3.20/main/x86_64/APKINDEX.tar.gz", "main", 486_000),
     IndexFile("dl-cdn.alpinelinux.org", "/alpine/v3.20/community/x86_64/APKINDEX.tar.gz", "community", 2_226_000)),
    {p.name: p for p in [
        _p("bind-tools", "9.18.33-r0", 470, 1240, "main",
           ("bind-libs", "fstrm", "json-c", "libuv", "nghttp2-libs", "protobuf-c", "libxml2", "xz-libs", "krb5-libs"),
           ("dig", "nslookup", "host", "nsupdate")),
        _p("bind-libs", "9.18.33-r0", 1300, 3900, "main"),
        _p("fstrm", "0.6.1-r4", 11.0, 44, "main"),
        _p("json-c", "0.17-r0", 33.0, 88, "main"),
        _p("libuv", "1.48.0-r0", 87.0, 180, "main"),
        _p("nghttp2-libs", "1.62.1-r0", 74.0, 168, "main"),
        _p("protobuf-c", "1.5.0-r0", 21.0, 60, "main"),
        _p("libxml2", "2.12.7-r0", 675, 1348, "main"),
        _p("xz-libs", "5.6.2-r0", 71.0, 168, "main"),
        _p("krb5-libs", "1.21.3-r0", 447, 1056, "main"),
        _p("iputils", "20240117-r0", 13.0, 32, "main", ("iputils-ping",)),
        _p("iputils-ping", "20240117-r0", 48.0, 120, "main", programs=("ping",)),
        _p("net-tools", "2.10-r3", 134, 400, "main", programs=("ifconfig", "route", "netstat", "arp")),
        _p("iproute2", "6.9.0-r0", 3.0, 4, "main", ("iproute2-minimal", "iproute2-ss", "iproute2-tc", "libmnl", "libelf"), ()),
        _p("iproute2-minimal", "6.9.0-r0", 406, 948, "main", programs=("ip",)),
        _p("iproute2-ss", "6.9.0-r0", 115, 272, "main", programs=("ss",)),
        _p("iproute2-tc", "6.9.0-r0", 293, 720, "main", programs=("tc",)),
        _p("libmnl", "1.0.5-r2", 9.0, 28, "main"),
        _p("libelf", "0.191-r0", 61.0, 148, "main"),
        _p("curl", "8.12.1-r0", 263, 472, "main",
           ("brotli-libs", "c-ares", "libcurl", "libidn2", "libpsl", "libunistring", "nghttp2-libs", "zstd-libs"), ("curl",)),
        _p("brotli-libs", "1.1.0-r2", 339, 916, "main"),
        _p("c-ares", "1.28.1-r0", 78.0, 172, "main"),
        _p("libcurl", "8.12.1-r0", 362, 756, "main"),
        _p("libidn2", "2.3.7-r0", 71.0, 344, "main"),
        _p("libpsl", "0.21.5-r1", 23.0, 56, "main"),
        _p("libunistring", "1.2-r0", 520, 1640, "main"),
        _p("zstd-libs", "1.5.6-r0", 264, 648, "main"),
        _p("wget", "1.24.5-r0", 196, 492, "main", ("libidn2", "libunistring", "pcre2"), ("wget",)),
        _p("pcre2", "10.43-r0", 246, 708, "main"),
        _p("netcat-openbsd", "1.226-r0", 23.0, 64, "main", ("libbsd", "libmd"), ("nc",)),
        _p("libbsd", "0.12.2-r0", 40.0, 112, "main"),
        _p("libmd", "1.1.0-r0", 15.0, 64, "main"),
        _p("tcpdump", "4.99.4-r1", 449, 1032, "main", ("libpcap",), ("tcpdump",)),
        _p("libpcap", "1.10.4-r1", 135, 296, "main"),
        _p("iptables", "1.8.10-r3", 348, 2396, "main", ("libmnl", "libnftnl", "libxtables"), ("iptables",)),
        _p("libnftnl", "1.2.6-r0", 58.0, 172, "main"),
        _p("libxtables", "1.8.10-r3", 24.0, 64, "main"),
        _p("traceroute", "2.1.5-r0", 24.0, 72, "community", programs=("traceroute",)),
    ]},
    base_packages=14, base_size_b=8 * 1024 * 1024 - 200 * 1024,
)

RELEASES: dict[str, Release] = {r.name: r for r in (TRUSTY, XENIAL, BIONIC, FOCAL, JAMMY, NOBLE, BULLSEYE, BOOKWORM, ALPINE)}
