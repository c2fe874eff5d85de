"""A container's log: what its main process wrote, as ``docker logs`` reads it back.

The daemon's logging driver (``json-file`` by default) keeps each line the main
process (PID 1) writes on stdout or stderr, with the time it arrived; a container
with a terminal (``-t``) has one stream, the terminal's, where the shell's prompt,
the echo of what was typed and ``\\r\\n`` line ends all land. ``docker exec`` output is
not in the log. The log outlives the container's stops and starts, and goes with
``docker rm``.

What an image's main process prints when it starts is written here by the image's
entrypoint and daemon, each from its source (named at each function). Times come
from the simulated clock (time 0 is 2026-01-01 00:00:00 UTC). Simplified: of
``mysqld``'s and ``apache2``'s own start-up lines only those named below are written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

EPOCH_S = 1_767_225_600  # simulated time 0: 2026-01-01 00:00:00 UTC


@dataclass(frozen=True)
class LogEntry:
    """One line (or the start of one) as the logging driver stored it."""

    time_s: float
    stream: str  # "stdout" | "stderr"
    text: str


@dataclass
class ContainerLog:
    """Every line a container's main process wrote, in order."""

    entries: list[LogEntry] = field(default_factory=list)

    def write(self, time_s: float, stream: str, text: str) -> None:
        """``text`` written at ``time_s``: one entry per line (a line's end joins the entry it continues)."""
        for piece in text.splitlines(keepends=True):
            last = self.entries[-1] if self.entries else None
            if last is not None and last.stream == stream and not last.text.endswith("\n"):
                self.entries[-1] = LogEntry(last.time_s, stream, last.text + piece)
            else:
                self.entries.append(LogEntry(time_s, stream, piece))

    def lines(self, since_s: float | None = None, until_s: float | None = None, tail: int | None = None) -> list[LogEntry]:
        """The entries ``docker logs`` shows: within ``since``/``until``, the last ``tail`` of them."""
        shown = [e for e in self.entries if (since_s is None or e.time_s >= since_s) and (until_s is None or e.time_s < until_s)]
        if tail is not None:
            shown = shown[len(shown) - tail:] if tail > 0 else []
        return shown


def wall(time_s: float) -> dt.datetime:
    """The simulated moment as a UTC date."""
    return dt.datetime.fromtimestamp(EPOCH_S + time_s, tz=dt.timezone.utc)


def docker_timestamp(time_s: float) -> str:
    """``docker logs -t``: jsonmessage.RFC3339NanoFixed (nine digits, ``Z``)."""
    whole = wall(time_s)
    nanos = round((time_s % 1) * 1e9) % 1_000_000_000
    return whole.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}Z"


# -- what images print when they start -------------------------------------------------------------

Lines = list[tuple[str, str]]  # (stream, text)

#: MYSQL_VERSION of the mysql:5.7 image (docker-library/mysql 5.7/Dockerfile.oracle, the last 5.7 release).
MYSQL_57_VERSION = "5.7.44-1.el7"
_MYSQL_PASSWORD_VARS = ("MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD")


def _mysql_log(time_s: float, kind: str, text: str) -> tuple[str, str]:
    """docker-entrypoint.sh ``mysql_log``: ``$(date --rfc-3339=seconds) [TYPE] [Entrypoint]: TEXT``; Warn and ERROR on stderr."""
    stamp = wall(time_s).strftime("%Y-%m-%d %H:%M:%S+00:00")
    return ("stdout" if kind == "Note" else "stderr"), f"{stamp} [{kind}] [Entrypoint]: {text}\n"


def mysql_needs_password(environ: dict[str, str]) -> bool:
    """docker_verify_minimum_env: none of the password variables is set (non-empty)."""
    return not any(environ.get(name) for name in _MYSQL_PASSWORD_VARS)


def mysql_57(time_s: float, environ: dict[str, str]) -> Lines:
    """docker-library/mysql 5.7/docker-entrypoint.sh ``_main`` on an empty data directory.

    The entrypoint starts as root, notes its start, and re-executes itself as the
    ``mysql`` user (gosu), so the first note appears twice. Without a password
    variable ``docker_verify_minimum_env`` ends it with ``mysql_error`` (exit 1).
    Otherwise the entrypoint's own notes of initialising, the temporary server and
    the accounts; of mysqld's log only its last line (sql/mysqld.cc ER_STARTUP, 5.7's
    UTC ``log_timestamps``): the lines ``mysqld --initialize-insecure`` and the
    temporary server write are not modelled.
    """
    started = f"Entrypoint script for MySQL Server {MYSQL_57_VERSION} started."
    out = [_mysql_log(time_s, "Note", started), _mysql_log(time_s, "Note", "Switching to dedicated user 'mysql'"),
           _mysql_log(time_s, "Note", started)]
    if mysql_needs_password(environ):
        out.append(_mysql_log(time_s, "ERROR", "Database is uninitialized and password option is not specified\n"
                                               "    You need to specify one of the following as an environment variable:\n"
                                               "    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD"))
        return out
    user, password, database = environ.get("MYSQL_USER"), environ.get("MYSQL_PASSWORD"), environ.get("MYSQL_DATABASE")
    if user and not password:
        out.append(_mysql_log(time_s, "Warn", "MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created"))
    elif password and not user:
        out.append(_mysql_log(time_s, "Warn", "MYSQL_PASSWORD specified, but missing MYSQL_USER; MYSQL_PASSWORD will be ignored"))
    notes = ["Initializing database files", "Database files initialized", "Starting temporary server", "Waiting for server startup",
             "Temporary server started."]
    if database:
        notes.append(f"Creating database {database}")
    if user and password:
        notes.append(f"Creating user {user}")
        if database:
            notes.append(f"Giving user {user} access to schema {database}")
    out += [_mysql_log(time_s, "Note", note) for note in notes]
    out.append(("stdout", "\n"))  # docker_process_init_files: an echo after the (empty) init directory
    out += [_mysql_log(time_s, "Note", "Stopping temporary server"), _mysql_log(time_s, "Note", "Temporary server stopped"),
            ("stdout", "\n"), _mysql_log(time_s, "Note", "MySQL init process done. Ready for start up."), ("stdout", "\n")]
    stamp = wall(time_s).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
    out.append(("stderr", f"{stamp} 0 [Note] mysqld: ready for connections.\n"
                          "Version: '5.7.44'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server (GPL)\n"))
    return out


def nginx(time_s: float, version: str, kernel: str, workers: tuple[int, ...], nofile: str) -> Lines:
    """nginx's image: /docker-entrypoint.sh and its scripts (nginxinc/docker-nginx, mainline/debian), then nginx's notices.

    The entrypoint's lines (stdout) as its scripts print them for the image's own
    default.conf on a kernel with IPv6 (``10-listen-on-ipv6-by-default.sh`` enables
    ``listen [::]:80``; 15 and 30 are silent without their variables). nginx's notices
    (stderr, its error log) as src/event/ngx_event.c and src/os/unix/ngx_posix_init.c
    write them at start; the compiler line is the one nginx.org's Debian trixie
    packages carry (gcc 14.2.0-19, trixie's), with nginx's trailing space.
    """
    entry = "/docker-entrypoint.sh"
    ipv6 = "10-listen-on-ipv6-by-default.sh"
    stamp = wall(time_s).strftime("%Y/%m/%d %H:%M:%S")
    out: Lines = [("stdout", line + "\n") for line in (
        f"{entry}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        f"{entry}: Looking for shell scripts in /docker-entrypoint.d/",
        f"{entry}: Launching /docker-entrypoint.d/{ipv6}",
        f"{ipv6}: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
        f"{ipv6}: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        f"{entry}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
        f"{entry}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        f"{entry}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
        f"{entry}: Configuration complete; ready for start up",
    )]
    notices = ['using the "epoll" event method', f"nginx/{version}", "built by gcc 14.2.0 (Debian 14.2.0-19) ",
               f"OS: Linux {kernel}", f"getrlimit(RLIMIT_NOFILE): {nofile}", "start worker processes"]
    notices += [f"start worker process {pid}" for pid in workers]
    out += [("stderr", f"{stamp} [notice] 1#1: {notice}\n") for notice in notices]
    return out


def wordpress(time_s: float, environ: dict[str, str], address: str, apache: str, php: str) -> Lines:
    """wordpress:latest (php8.2/apache): docker-entrypoint.sh's copy of WordPress, then Apache's start (stderr).

    docker-library/wordpress latest/php8.2/apache/docker-entrypoint.sh on an empty
    /var/www/html; ``wp-config.php`` from ``wp-config-docker.php`` when a
    ``WORDPRESS_*`` variable is set (bash lists them sorted). Apache: AH00558 twice
    (the configuration test, then the start: no ServerName, the container's address),
    then mpm_prefork's AH00163 and core's AH00094.
    """
    out: Lines = [("stderr", "WordPress not found in /var/www/html - copying now...\n"),
                  ("stderr", "Complete! WordPress has been successfully copied to /var/www/html\n")]
    wp_vars = sorted(name for name in environ if name.startswith("WORDPRESS_"))
    if wp_vars:
        out.append(("stderr", "No 'wp-config.php' found in /var/www/html, but 'WORDPRESS_...' variables supplied; "
                              f"copying 'wp-config-docker.php' ({' '.join(wp_vars)})\n"))
    fqdn = (f"AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using {address}. "
            "Set the 'ServerName' directive globally to suppress this message\n")
    out += [("stderr", fqdn), ("stderr", fqdn)]
    moment = wall(time_s)
    stamp = moment.strftime("%a %b %d %H:%M:%S.%f %Y")
    out.append(("stderr", f"[{stamp}] [mpm_prefork:notice] [pid 1] AH00163: {apache} PHP/{php} configured -- resuming normal operations\n"))
    out.append(("stderr", f"[{stamp}] [core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'\n"))
    return out
