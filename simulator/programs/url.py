"""URLs as the HTTP clients split them: ``scheme://host[:port]/path?query``.

curl's URL parser (``lib/urlapi.c``) decides what a learner's URL means: a missing
scheme means ``http``, the scheme and host are case-insensitive, user info before
``@`` is dropped here (no authentication is modelled), the fragment never leaves the
client, and a port must be a decimal number up to 65535. Both wgets use the same
split; each tool words its own refusal. Simplified: no IPv6 literals, no
percent-decoding.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEME_PORTS = {"http": 80, "https": 443}


class UrlError(Exception):
    """A URL curl rejects; ``code`` is curl's exit status, the message its wording."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Url:
    """``scheme://host[:port]/path?query`` as curl splits it."""

    scheme: str
    host: str
    port: int
    path: str
    port_given: bool = False

    @property
    def host_port(self) -> str:
        """The ``Host:`` header: the port only when it is not the scheme's default."""
        if self.port_given and self.port != SCHEME_PORTS.get(self.scheme):
            return f"{self.host}:{self.port}"
        return self.host

    @property
    def text(self) -> str:
        """The URL written back in full (``http://host/path``), as GNU Wget prints it."""
        return f"{self.scheme}://{self.host_port}{self.path}"

    @property
    def file_name(self) -> str:
        """The last part of the path, where wget saves the body (``index.html`` for a directory)."""
        return self.path.split("?", 1)[0].rsplit("/", 1)[-1] or "index.html"


def authority(text: str) -> str:
    """The ``host[:port]`` part of a URL exactly as typed (BusyBox wget prints and sends it).

    >>> authority("http://Web:8080/x?y")
    'Web:8080'
    """
    return text.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]


def parse_url(text: str) -> Url:
    """Split a URL the way curl's URL parser does (a missing scheme means http).

    Raises:
        UrlError: curl refuses the URL (with its exit status and words).

    >>> parse_url("172.17.0.2:8080/x?y=1")
    Url(scheme='http', host='172.17.0.2', port=8080, path='/x?y=1', port_given=True)
    >>> parse_url("http://:80/")
    Traceback (most recent call last):
    ...
    simulator.programs.url.UrlError: URL rejected: No host part in the URL
    """
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "http", text
    scheme = scheme.lower()
    if not scheme.isalnum():
        raise UrlError(3, "URL rejected: Bad scheme")
    if scheme not in SCHEME_PORTS:
        raise UrlError(1, f'Protocol "{scheme}" not supported')
    cut = len(rest)
    for ch in "/?#":
        at = rest.find(ch)
        if at != -1:
            cut = min(cut, at)
    host_part, path = rest[:cut], rest[cut:]
    path = path.split("#", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    if "@" in host_part:
        host_part = host_part.rsplit("@", 1)[1]
    host, colon, port_text = host_part.rpartition(":") if ":" in host_part else (host_part, "", "")
    if any(ch.isspace() for ch in text):
        raise UrlError(3, "URL rejected: Malformed input to a URL function")
    if not host:
        raise UrlError(3, "URL rejected: No host part in the URL")
    port = SCHEME_PORTS[scheme]
    if colon and port_text:
        if not port_text.isdecimal() or int(port_text) > 65535:
            raise UrlError(3, "URL rejected: Port number was not a decimal number between 0 and 65535")
        port = int(port_text)
    return Url(scheme, host.lower(), port, path, bool(colon and port_text))
