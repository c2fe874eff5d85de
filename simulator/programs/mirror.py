"""The distributions' package mirrors on the simulated internet.

One web server answers for every mirror host (``archive.ubuntu.com``,
``security.ubuntu.com``, ``deb.debian.org``, ``dl-cdn.alpinelinux.org``) as a CDN
does: by the request's Host header. It serves the files ``archive`` lists (index
files, packages) and answers 404 for anything else. Framing is h11's
(``httpcore``, ``sites``); each connection is kept alive until the client closes
it, as apt's HTTP method does with one connection per host.

Simplified: a file's bytes are filler of ``archive.SERVED_FRACTION`` of its size
(see ``archive``); no ranges, no If-Modified-Since.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from simulator.programs import archive
from simulator.programs.httpcore import Request
from simulator.programs.sites import Answer, handoff

# What the Ubuntu archive's servers say they are; for the CDNs in front of the other
# mirrors the header is left out rather than guessed.
SERVERS = {"archive.ubuntu.com": "Apache/2.4.29 (Ubuntu)", "security.ubuntu.com": "Apache/2.4.29 (Ubuntu)"}


def _files() -> dict[tuple[str, str], int]:
    """(host, path) -> size in bytes, for every file of every release."""
    out: dict[tuple[str, str], int] = {}
    for release in archive.RELEASES.values():
        for index in release.indexes:
            out[(index.host, index.path)] = index.size_b
        host = archive.package_host(release)
        for pkg in release.packages.values():
            out[(host, archive.package_path(release, pkg))] = pkg.size_b
    return out


FILES = _files()
HOSTS = frozenset(host for host, _ in FILES)


def body_for(size_b: int) -> bytes:
    """The bytes served for a file of ``size_b`` bytes (see SERVED_FRACTION)."""
    return b"\0" * archive.served_size(size_b)


def answer(request: Request) -> tuple[int, list[tuple[str, str]], bytes]:
    """The mirror's answer to one request: status, headers, body."""
    size = FILES.get((request.host, request.path))
    server = [("Server", SERVERS[request.host])] if request.host in SERVERS else []
    if request.method not in ("GET", "HEAD"):
        return 405, [*server, ("Content-Type", "text/html")], b""
    if size is None:
        return 404, [*server, ("Content-Type", "text/html; charset=iso-8859-1")], b"<h1>Not Found</h1>\n"
    return 200, [*server, ("Content-Type", "application/octet-stream")], body_for(size)


def site(request: Request) -> Generator[Any, Any, Answer]:
    """The mirror as a site (``sites``): answers at once."""
    yield from ()  # a site may take time; the mirror does not
    status, headers, body = answer(request)
    return Answer(status, tuple(headers), body)


serve = handoff(site)
