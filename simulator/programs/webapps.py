"""The web applications images run: Apache httpd's default page, and WordPress.

``httpd`` serves ``/usr/local/apache2/htdocs/index.html`` ("It works!") and 404 for
anything else. ``wordpress`` (Apache with PHP) connects to its database for every
page, as WordPress does: it resolves ``WORDPRESS_DB_HOST`` (default ``mysql``, the
alias ``--link db:mysql`` gives) through the container's own resolver (its
``/etc/hosts``, then DNS) and logs in to MySQL on 3306 as ``WORDPRESS_DB_USER``
(default ``example username`` in today's image) with ``WORDPRESS_DB_PASSWORD``. A
fresh installation redirects every page to ``/wp-admin/install.php``; a failed
login is the "Error establishing a database connection" page, status 500.

Simplified: the pages' HTML is abbreviated to their title and message (no style
sheets, no language chooser); headers are as Apache and PHP send them.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from simulator.programs import mysql
from simulator.programs.httpcore import Request
from simulator.programs.servers import EPOCH_S, http_date
from simulator.programs.sites import Answer

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.sim.simulation import Simulation

HTTPD_SERVER = "Apache/2.4.65 (Unix)"
HTTPD_INDEX = b"<html><body><h1>It works!</h1></body></html>\n"
HTTPD_INDEX_MTIME_S = 1_181_587_994  # Mon, 11 Jun 2007 18:53:14 GMT: the file as httpd ships it
WORDPRESS_SERVER = "Apache/2.4.65 (Debian)"
PHP_VERSION = "8.2.29"
NO_CACHE = (("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
            ("Cache-Control", "no-cache, must-revalidate, max-age=0, no-store, private"))


def httpd(sim: Simulation) -> Callable[[Request], Generator[Any, Any, Answer]]:
    """Apache httpd 2.4 with the image's configuration."""

    def site(request: Request) -> Generator[Any, Any, Answer]:
        yield from ()  # a site may take time; this one does not
        date = ("Date", http_date(EPOCH_S + sim.now))
        if request.path in ("/", "/index.html"):
            headers = (date, ("Server", HTTPD_SERVER), ("Last-Modified", http_date(HTTPD_INDEX_MTIME_S)),
                       ("ETag", f'"{len(HTTPD_INDEX):x}-{HTTPD_INDEX_MTIME_S * 1_000_000:x}"'),
                       ("Accept-Ranges", "bytes"), ("Content-Length", str(len(HTTPD_INDEX))), ("Content-Type", "text/html"))
            return Answer(200, headers, HTTPD_INDEX)
        body = (b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n'
                b"</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n")
        return Answer(404, (date, ("Server", HTTPD_SERVER), ("Content-Length", str(len(body))),
                            ("Content-Type", "text/html; charset=iso-8859-1")), body)

    return site


def _page(title: str, body: str, body_attributes: str = "") -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="en-US">\n<head>\n\t<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            f"\t<title>{title}</title>\n</head>\n<body{body_attributes}>\n{body}\n</body>\n</html>\n").encode()


DB_ERROR_PAGE = _page("Database Error", '\t<div class="wp-die-message"><h1>Error establishing a database connection</h1></div>',
                      ' id="error-page"')
INSTALL_PAGE = _page("WordPress &rsaquo; Installation", '<p id="logo">WordPress</p>\n<h1>Welcome</h1>')


def wordpress(sim: Simulation, netns: NetworkNamespace, environ: dict[str, str],
              resolve: Callable[[str], Generator[Any, Any, str | None]]) -> Callable[[Request], Generator[Any, Any, Answer]]:
    """WordPress on Apache and PHP, with its database settings from the environment."""
    host_port = environ.get("WORDPRESS_DB_HOST", "mysql")
    db_host, _, port_text = host_port.partition(":")
    user = environ.get("WORDPRESS_DB_USER", "example username")
    password = environ.get("WORDPRESS_DB_PASSWORD", "example password")
    database = environ.get("WORDPRESS_DB_NAME", "wordpress")
    del port_text  # only the default port is modelled

    def database_up() -> Generator[Any, Any, bool]:
        ip = yield from resolve(db_host)
        if ip is None:
            return False
        error = yield from mysql.connect(sim, netns, IPv4Address(ip), user, password, database)
        return error is None

    def site(request: Request) -> Generator[Any, Any, Answer]:
        ok = yield from database_up()
        date = ("Date", http_date(EPOCH_S + sim.now))
        common = (date, ("Server", WORDPRESS_SERVER), ("X-Powered-By", f"PHP/{PHP_VERSION}"))
        if not ok:
            return Answer(500, (*common, *NO_CACHE, ("Content-Length", str(len(DB_ERROR_PAGE))),
                                ("Content-Type", "text/html; charset=utf-8")), DB_ERROR_PAGE)
        if request.path == "/wp-admin/install.php":
            return Answer(200, (*common, *NO_CACHE, ("Vary", "Accept-Encoding"), ("Content-Length", str(len(INSTALL_PAGE))),
                                ("Content-Type", "text/html; charset=utf-8")), INSTALL_PAGE)
        host = request.header("host") or "localhost"
        return Answer(302, (*common, *NO_CACHE, ("X-Redirect-By", "WordPress"),
                            ("Location", f"http://{host}/wp-admin/install.php"), ("Content-Length", "0"),
                            ("Content-Type", "text/html; charset=UTF-8")))

    return site
