"""Package tools: ``apt-get`` (Debian, Ubuntu), ``apk`` (Alpine), ``yum`` (CentOS 7).

Each runs over the container's own network, as the real one does: getaddrinfo of
the mirror's name through the container's resolver (Docker's embedded DNS or the
host's servers), a TCP connection through the bridge and the host's NAT to the
mirror on the simulated internet, one HTTP GET per file on a kept-alive connection
(h11 framing, ``httpcore``). What it prints follows the tool's version in that image:
apt 1.0 (Ubuntu 14.04) names a site without its path and numbers only ``Get``
lines; apt >= 1.1 numbers every line and prints ``additional`` packages; apt >= 2.1
ends "Building dependency tree" with "... Done"; apt spells "... Done" only on a
terminal (``quiet=1`` otherwise). Installed programs go into the container's
``PackageDb``: that container only, gone with ``docker rm``.

Simplified: files are fetched one after another on one connection per host (apt
pipelines and fetches from several hosts at once); no debconf messages (the
terminal here shows a command's stderr after its stdout, and debconf's line would
land after dpkg's instead of after "Fetched"); the
mirror's bytes are a fraction of the real sizes (``archive.SERVED_FRACTION``); a
prompt without ``-y`` takes the default answer on a terminal (Enter) and reads
end-of-file otherwise ("Abort.").
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Generator
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any

from simulator.kernel.ipv4.tcp import SocketTimeout, TcpConnection, TcpError, tcp_connect
from simulator.programs import archive
from simulator.programs.archive import Package, PackageDb, Release
from simulator.programs.httpcore import HttpError, ResponseReader, request_bytes
from simulator.programs.process import ProcessContext, ProgramBody

APT_CONNECT_TIMEOUT_S = 120.0  # Acquire::http::Timeout
APK_CONNECT_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Fetched:
    """One file's outcome: its size, or why it failed (in apt's words)."""

    path: str
    ok: bool
    error: str = ""


def size_to_str(size: float) -> str:
    """apt's SizeToStr (strutl.cc), C locale: ``933 ``, ``65.9 k``, ``1460 k``, ``22.4 M``.

    >>> [size_to_str(n) + "B" for n in (933, 65_900, 1_460_000, 22_400_000)]
    ['933 B', '65.9 kB', '1460 kB', '22.4 MB']
    """
    units = ["", "k", "M", "G", "T"]
    value = float(size)
    for i, unit in enumerate(units):
        if value < 100 and i != 0:
            return f"{value:.1f} {unit}"
        if value < 10000:
            return f"{value:.0f} {unit}"
        value /= 1000.0
    return f"{value:.0f} P"


def time_to_str(seconds: float) -> str:
    """apt's TimeToStr for under a day: ``3s``, ``1min 5s``, ``2h 0min 1s``."""
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}h {s % 3600 // 60}min {s % 60}s"
    if s >= 60:
        return f"{s // 60}min {s % 60}s"
    return f"{s}s"


def fetch(ctx: ProcessContext, host: str, paths: list[str], connect_timeout_s: float,
          user_agent: str) -> Generator[Any, Any, list[Fetched]]:
    """GET each of ``paths`` from ``host`` on one connection; what became of each."""
    assert ctx.resolve is not None
    ip = yield from ctx.resolve(host)
    if ip is None:
        return [Fetched(p, False, f"Temporary failure resolving '{host}'") for p in paths]
    try:
        conn = yield from tcp_connect(ctx.netns.ipv4, IPv4Address(ip), 80, connect_timeout_s)
    except SocketTimeout:
        return [Fetched(p, False, f"Could not connect to {host}:80 ({ip}), connection timed out") for p in paths]
    except TcpError as error:
        return [Fetched(p, False, f"Could not connect to {host}:80 ({ip}). - connect ({_errno(error)}: {error})") for p in paths]
    results: list[Fetched] = []
    reader = ResponseReader()
    try:
        for path in paths:
            conn.send(request_bytes("GET", path, host, [("User-Agent", user_agent)]))
            reader.expect("GET", path, host)
            results.append((yield from _response(conn, reader, path)))
    except (TcpError, HttpError) as error:
        results += [Fetched(p, False, str(error)) for p in paths[len(results):]]
    conn.close()
    yield from conn.wait_closed(1.0)
    return results


def _errno(error: TcpError) -> int:
    return {"ENETUNREACH": 101, "ECONNREFUSED": 111, "EHOSTUNREACH": 113, "ETIMEDOUT": 110}.get(error.errno, 0)


def _response(conn: TcpConnection, reader: ResponseReader, path: str) -> Generator[Any, Any, Fetched]:
    while True:
        data = yield from conn.recv(APT_CONNECT_TIMEOUT_S)
        done = reader.feed(data)
        if done:
            response = done[0]
            if response.status == 200:
                return Fetched(path, True)
            return Fetched(path, False, f"{response.status}  {response.reason}")
        if not data:
            raise TcpError("ECONNRESET", "Connection failed")


def _release(ctx: ProcessContext, tool: str) -> Release | None:
    release = archive.RELEASES.get(ctx.release)
    return release if release is not None and release.tool == tool else None


def _db(ctx: ProcessContext) -> PackageDb:
    """The container's package database (a fresh one for a program run outside a container)."""
    if ctx.packages is None:
        ctx.packages = PackageDb()
    return ctx.packages


NOT_SIMULATED = 126  # found, but cannot be run: as the lab answers for any program it does not model


def not_modelled(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """The package tool of an image whose distribution release the archive tables do not hold."""
    yield from ()  # a generator, like every program
    ctx.err(f"dockersim: {argv[0]}: this image has this program, but the simulator does not model it for this image\n")
    return NOT_SIMULATED


def not_in_table(ctx: ProcessContext, release: Release, name: str) -> None:
    """A package the real archive may well have, but the simulator's table does not."""
    ctx.err(f"dockersim: the package '{name}' is not modelled by the simulator "
            f"(modelled packages: {', '.join(sorted(release.packages))})\n")


# -- apt-get ---------------------------------------------------------------------------------------

class _Apt:
    """One apt-get run in one release."""

    def __init__(self, ctx: ProcessContext, release: Release) -> None:
        self.ctx = ctx
        self.release = release
        major, minor = (int(x) for x in release.tool_version.split(".")[:2])
        self.old = (major, minor) < (1, 1)  # apt 1.0 (trusty)
        self.modern_tree = (major, minor) >= (2, 1)
        self.counter = 0
        self.user_agent = f"Debian APT-HTTP/1.3 ({release.tool_version})"

    def done(self, text: str) -> str:
        """OpTextProgress: "TEXT... Done" on a terminal; "TEXT..." when quiet (not a terminal)."""
        return f"{text}... Done\n" if self.ctx.tty else f"{text}...\n"

    def site(self, host: str, path: str) -> str:
        """How apt names a source: ``http://archive.ubuntu.com`` (1.0) or with its path."""
        root = path.split("/dists/", 1)[0]
        return f"http://{host}" if self.old else f"http://{host}{root}"

    def line(self, word: str, host: str, path: str, label: str, size_b: int | None = None) -> str:
        """One acquire line (acqprogress.cc): ``Get:N SITE LABEL [SIZE]``; apt 1.0 numbers only Get."""
        if word == "Get" or not self.old:
            self.counter += 1
            head = f"{word}:{self.counter}"
        else:
            head = word
        size = f" [{size_to_str(size_b)}B]" if size_b is not None else ""
        return f"{head} {self.site(host, path)} {label}{size}\n"

    def fetch_files(self, files: list[tuple[str, str, str, int]]) -> Generator[Any, Any, tuple[int, int, list[tuple[str, str, Fetched]]]]:
        """(host, path, label, size) in order, one connection per host; (bytes, bytes on the wire, failures).

        A suite whose InRelease failed has no list of index files: apt reports the
        InRelease and skips the rest of that suite.
        """
        ctx = self.ctx
        total, served, failures = 0, 0, []
        failed_suites: set[str] = set()
        hosts = list(dict.fromkeys(f[0] for f in files))
        for host in hosts:
            mine = [f for f in files if f[0] == host]
            results = yield from fetch(ctx, host, [f[1] for f in mine], APT_CONNECT_TIMEOUT_S, self.user_agent)
            for (h, path, label, size), result in zip(mine, results, strict=True):
                suite = path.split("/dists/", 1)[-1].split("/", 1)[0]
                if suite in failed_suites:
                    continue
                if result.ok:
                    ctx.out(self.line("Get", h, path, label, size))
                    total += size
                    served += archive.served_size(size)
                    continue
                if path.endswith("/InRelease"):
                    failed_suites.add(suite)
                ctx.out(self.line("Err", h, path, label))
                ctx.out(f"  {result.error}\n")
                failures.append((h, path, result))
        return total, served, failures

    def fetched(self, total: int, served: int, start: float) -> Generator[Any, Any, str]:
        """Wait for the bytes the mirror did not send (``archive``), then apt's summary line."""
        env = self.ctx.sim.env
        yield env.timeout(max(0, total - served) / archive.UNSENT_RATE_B_PER_S)
        seconds = env.now - start
        rate = total / max(seconds, 1e-6)
        return f"Fetched {size_to_str(total)}B in {time_to_str(seconds)} ({size_to_str(rate)}B/s)\n"

    def update(self) -> Generator[Any, Any, int]:
        """``apt-get update``: every index file of sources.list, then the summary and warnings."""
        ctx, release = self.ctx, self.release
        start = ctx.sim.env.now
        files = [(i.host, i.path, i.label, i.size_b) for i in release.indexes]
        total, served, failures = yield from self.fetch_files(files)
        if total:
            ctx.out((yield from self.fetched(total, served, start)))
        ctx.out(self.done("Reading package lists"))
        for host, path, result in failures:
            ctx.err(f"W: Failed to fetch http://{host}{path}  {result.error}\n")
            if self.old:
                ctx.err("\n")
        if failures:
            ctx.err("W: Some index files failed to download. They have been ignored, or old ones used instead.\n")
        if total:  # some index came: the lists know that suite's packages
            _db(ctx).lists = True
        return 0

    def show_list(self, title: str, names: list[str]) -> None:
        """apt's ShowList: a title, then the names indented two spaces, wrapped at 80 columns."""
        if not names:
            return
        self.ctx.out(f"{title}\n")
        self.ctx.out("\n".join(textwrap.wrap(" ".join(names), width=79, initial_indent="  ", subsequent_indent="  ",
                                             break_on_hyphens=False, break_long_words=False)) + "\n")

    def install(self, names: list[str], assume_yes: bool) -> Generator[Any, Any, int]:
        """``apt-get install``: resolve, show the transaction, ask (unless -y), then download and unpack."""
        ctx, release = self.ctx, self.release
        db = _db(ctx)
        ctx.out(self.done("Reading package lists"))
        ctx.out("Building dependency tree... Done\n" if self.modern_tree and ctx.tty else
                "Building dependency tree...\n" if not ctx.tty else "Building dependency tree       \n")
        ctx.out(self.done("Reading state information"))
        if not names:
            ctx.out("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n")
            return 0
        if not db.lists:
            ctx.err(f"E: Unable to locate package {names[0]}\n")
            return 100
        todo, already, missing = archive.resolve(release, names, db)
        if missing is not None:  # the lists are there: the real archive may have it, the table does not
            not_in_table(ctx, release, missing)
            return 100
        for pkg in already:
            ctx.out(f"{pkg.name} is already the newest version.\n" if self.old else
                    f"{pkg.name} is already the newest version ({pkg.version}).\n")
        extra = sorted(p.name for p in todo if p.name not in names)
        self.show_list("The following extra packages will be installed:" if self.old else
                       "The following additional packages will be installed:", extra)
        self.show_list("Suggested packages:", [s for p in todo for s in p.suggests])
        self.show_list("The following NEW packages will be installed:", sorted(p.name for p in todo))
        ctx.out(f"0 upgraded, {len(todo)} newly installed, 0 to remove and 0 not upgraded.\n")
        if not todo:
            return 0
        size = sum(p.size_b for p in todo)
        ctx.out(f"Need to get {size_to_str(size)}B of archives.\n")
        ctx.out(f"After this operation, {size_to_str(sum(p.installed_b for p in todo))}B of additional disk space will be used.\n")
        if extra and not assume_yes:
            ctx.out("Do you want to continue? [Y/n] ")
            if not ctx.tty:
                ctx.out("Abort.\n")
                return 1
            ctx.out("\n")
        return (yield from self.download_and_unpack(todo))

    def download_and_unpack(self, todo: list[Package]) -> Generator[Any, Any, int]:
        """Fetch each .deb from the mirror, then dpkg's unpack and configure lines."""
        ctx, release = self.ctx, self.release
        start = ctx.sim.env.now
        host = archive.package_host(release)
        root = archive.mirror_root(release)
        self.counter = 0
        total, failed = 0, []
        results = yield from fetch(ctx, host, [archive.package_path(release, p) for p in todo], APT_CONNECT_TIMEOUT_S, self.user_agent)
        for pkg, result in zip(todo, results, strict=True):
            pocket = pkg.pocket if self.old else f"{pkg.pocket} amd64"
            site = f"http://{host}{root}/" if self.old else f"http://{host}{root}"
            self.counter += 1
            if result.ok:
                ctx.out(f"Get:{self.counter} {site} {pocket} {pkg.name} amd64 {pkg.version} [{size_to_str(pkg.size_b)}B]\n")
                total += pkg.size_b
            else:
                ctx.out(f"Err{' ' if self.old else ':' + str(self.counter) + ' '}{site} {pocket} {pkg.name} amd64 {pkg.version}\n  {result.error}\n")
                failed.append((pkg, result))
        if failed:
            for pkg, result in failed:
                ctx.err(f"E: Failed to fetch http://{host}{archive.package_path(release, pkg)}  {result.error}\n\n")
            ctx.err("E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?\n")
            return 100
        ctx.out((yield from self.fetched(total, sum(archive.served_size(p.size_b) for p in todo), start)))
        files = release.dpkg_files
        numbered = not self.old and (release.name != "ubuntu-16.04") and len(todo) > 1
        for i, pkg in enumerate(todo):
            name = _dpkg_name(pkg)
            ctx.out(f"Selecting previously unselected package {name}.\n")
            if i == 0:
                ctx.out(f"(Reading database ... {files} files and directories currently installed.)\n")
            prefix = f"{i:02d}-" if numbered else ""
            ctx.out(f"Preparing to unpack .../{prefix}{pkg.name}_{pkg.version.replace(':', '%3a')}_amd64.deb ...\n")
            ctx.out(f"Unpacking {name} ({pkg.version}) ...\n")
        for pkg in todo:
            ctx.out(f"Setting up {_dpkg_name(pkg)} ({pkg.version}) ...\n")
            _db(ctx).installed[pkg.name] = pkg
        if release.libc and any(p.name.startswith("lib") for p in todo):
            ctx.out(f"Processing triggers for {release.libc} ...\n")
        return 0


def _dpkg_name(pkg: Package) -> str:
    """dpkg names Multi-Arch: same packages (the libraries) with their architecture."""
    return f"{pkg.name}:amd64" if pkg.name.startswith("lib") else pkg.name


APT_USAGE = "E: Invalid operation {op}\n"


def apt_get(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``apt-get update`` and ``apt-get install [-y] PKG...``."""
    release = _release(ctx, "apt")
    if release is None:
        return (yield from not_modelled(ctx, argv))
    options = [a for a in argv[1:] if a.startswith("-")]
    words = [a for a in argv[1:] if not a.startswith("-")]
    assume_yes = any(o in ("-y", "--yes", "--assume-yes", "-qy", "-yq") for o in options)
    if "-q" in options or "-qq" in options or "-qy" in options or "-yq" in options:
        ctx.tty = False
    apt = _Apt(ctx, release)
    if not words:
        ctx.out(f"apt {release.tool_version} (amd64)\nUsage: apt-get [options] command\n")
        return 1
    op = words[0]
    if op == "update":
        if len(words) > 1:
            ctx.err("E: The update command takes no arguments\n")
            return 100
        return (yield from apt.update())
    if op == "install":
        return (yield from apt.install(words[1:], assume_yes))
    ctx.err(APT_USAGE.format(op=op))
    return 100


# -- apk --------------------------------------------------------------------------------------------

def _apk_indexes(ctx: ProcessContext, release: Release) -> Generator[Any, Any, list[str]]:
    """Fetch every repository's APKINDEX; the repositories that failed."""
    failed: list[str] = []
    for index in release.indexes:
        url = f"http://{index.host}{index.path}"
        ctx.out(f"fetch {url}\n")
        results = yield from fetch(ctx, index.host, [index.path], APK_CONNECT_TIMEOUT_S, f"apk-tools/{release.tool_version}")
        if not results[0].ok:
            repo = url.rsplit("/", 2)[0]
            ctx.err(f"WARNING: fetching {repo}: temporary error (try again later)\n")
            failed.append(index.label)
    return failed


def apk(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``apk update`` and ``apk add [--no-cache] PKG...`` (apk-tools 2.14)."""
    release = _release(ctx, "apk")
    if release is None:
        return (yield from not_modelled(ctx, argv))
    words = [a for a in argv[1:] if not a.startswith("-")]
    if not words or words[0] not in ("update", "add"):
        ctx.out(f"apk-tools {release.tool_version}, compiled for x86_64.\n\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n")
        return 1
    db = _db(ctx)
    failed = yield from _apk_indexes(ctx, release)
    if words[0] == "update":
        for index in release.indexes:
            if index.label not in failed:
                ctx.out(f"v{release.codename}.6-52-g1b0ddff5a6e [http://{index.host}{index.path.rsplit('/', 2)[0]}]\n")
        if failed:
            ctx.out(f"{len(failed)} unavailable, 0 stale; 0 distinct packages available\n")
            return len(failed)
        ctx.out("OK: 24163 distinct packages available\n")
        return 0
    names = words[1:]
    if not failed:
        unknown = [n for n in names if n not in release.packages]
        if unknown:  # the index is there: the real archive may have it, the table does not
            not_in_table(ctx, release, unknown[0])
            return len(unknown)
    missing = names if failed else []
    if missing:
        ctx.err("ERROR: unable to select packages:\n")
        for name in missing:
            ctx.err(f"  {name} (no such package):\n    required by: world[{name}]\n")
        return len(missing)
    todo, _, _ = archive.resolve(release, names, db)
    results = yield from fetch(ctx, archive.package_host(release), [archive.package_path(release, p) for p in todo], APK_CONNECT_TIMEOUT_S,
                                 f"apk-tools/{release.tool_version}")
    for i, (pkg, result) in enumerate(zip(todo, results, strict=True), start=1):
        if not result.ok:
            ctx.err(f"ERROR: {pkg.name}-{pkg.version}: temporary error (try again later)\n")
            return 1
        ctx.out(f"({i}/{len(todo)}) Installing {pkg.name} ({pkg.version})\n")
        db.installed[pkg.name] = pkg
    if todo:
        ctx.out("Executing busybox-1.36.1-r29.trigger\n")
    size = release.base_size_b + sum(p.installed_b for p in db.installed.values())
    ctx.out(f"OK: {math.ceil(size / (1024 * 1024))} MiB in {release.base_packages + len(db.installed)} packages\n")
    return 0


# -- yum ---------------------------------------------------------------------------------------------

CENTOS_MIRRORLIST = "mirrorlist.centos.org"


def yum(ctx: ProcessContext, argv: list[str]) -> Generator[Any, Any, int]:
    """``yum install [-y] PKG`` in centos:7: the repositories' mirror list, looked up for real.

    CentOS 7 reached its end of life on 2024-06-30 and ``mirrorlist.centos.org`` no
    longer resolves, so on today's internet (and on the simulated one) yum fails
    the way it does on a real ``centos:7`` container.
    """
    if ctx.release != "centos-7":
        return (yield from not_modelled(ctx, argv))
    ctx.out("Loaded plugins: fastestmirror, ovl\n")
    words = [a for a in argv[1:] if not a.startswith("-")]
    if not words or words[0] not in ("install", "update", "makecache"):
        ctx.err(f"No such command: {words[0] if words else ''}. Please use /usr/bin/yum --help\n")
        return 1
    ctx.out("Determining fastest mirrors\n")
    assert ctx.resolve is not None
    ip = yield from ctx.resolve(CENTOS_MIRRORLIST)
    url = f"http://{CENTOS_MIRRORLIST}/?release=7&arch=x86_64&repo=os&infra=container"
    if ip is None:
        reason = f'curl#6 - "Could not resolve host: {CENTOS_MIRRORLIST}; Unknown error"'
    else:
        reason = f'curl#7 - "Failed connect to {CENTOS_MIRRORLIST}:80; Connection refused"'
    ctx.err(f"Could not retrieve mirrorlist {url} error was\n14: {reason}\n")
    ctx.err(_YUM_NO_REPO)
    return 1


_YUM_NO_REPO = """

 One of the configured repositories failed (Unknown),
 and yum doesn't have enough cached data to continue. At this point the only
 safe thing yum can do is fail. There are a few ways to work "fix" this:

     1. Contact the upstream for the repository and get them to fix the problem.

     2. Reconfigure the baseurl/etc. for the repository, to point to a working
        upstream. This is most often useful if you are using a newer
        distribution release than is supported by the repository (and the
        packages for the previous distribution release still work).

     3. Run the command with the repository temporarily disabled
            yum --disablerepo=<repoid> ...

     4. Disable the repository permanently, so yum won't use it by default. Yum
        will then just ignore the repository until you permanently enable it
        again or use --enablerepo for temporary usage:

            yum-config-manager --disable <repoid>
        or
            subscription-manager repos --disable=<repoid>

     5. Configure the failing repository to be skipped, if it is unavailable.
        Note that yum will try to contact the repo. when it runs most commands,
        so will have to try and fail each time (and thus. yum will be be much
        slower). If it is a very temporary problem though, this is often a nice
        compromise:

            yum-config-manager --save --setopt=<repoid>.skip_if_unavailable=true

Cannot find a valid baseurl for repo: base/7/x86_64
"""

def apt(ctx: ProcessContext, argv: list[str]) -> int:
    """``apt``, the interactive front end: the image has it, the simulator models ``apt-get``."""
    ctx.err("dockersim: apt: this image has this program, but the simulator does not model it (it models apt-get: apt-get update, apt-get install PKG)\n")
    return NOT_SIMULATED


PROGRAMS: dict[str, ProgramBody] = {"apt-get": apt_get, "apt": apt, "apk": apk, "yum": yum}
