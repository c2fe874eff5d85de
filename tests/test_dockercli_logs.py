"""``docker logs``: what the container's main process wrote, as the real images write it."""

from __future__ import annotations

import re

import pytest

from simulator import Lab

_MYSQL_ERROR = (
    "[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n"
    "    You need to specify one of the following as an environment variable:\n"
    "    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD\n"
)
_STAMP = r"2026-01-01 00:00:\d\d\+00:00"


@pytest.mark.parametrize("engine", ["20.10", "29.2"])
def test_mysql_without_a_password_exits_1_and_its_log_says_why(engine: str) -> None:
    lab = Lab(engine=engine)
    lab.sh("docker run -d --name db mysql:5.7")
    lab.sh("sleep 1")
    assert lab.sh("docker ps -a --format '{{.Names}} {{.Status}}'").stdout.startswith("db Exited (1)")
    r = lab.sh("docker logs db")
    assert r.exit_code == 0
    notes = r.stdout.splitlines()
    assert len(notes) == 3
    assert re.fullmatch(_STAMP + r" \[Note\] \[Entrypoint\]: Entrypoint script for MySQL Server 5\.7\.44-1\.el7 started\.", notes[0])
    assert notes[1].endswith("[Note] [Entrypoint]: Switching to dedicated user 'mysql'") and notes[2] == notes[0]
    assert re.fullmatch(_STAMP + " " + re.escape(_MYSQL_ERROR), r.stderr)


def test_mysql_with_a_password_logs_its_initialisation_and_is_ready() -> None:
    lab = Lab()
    lab.sh("docker run -d --name db -e MYSQL_ROOT_PASSWORD=pw -e MYSQL_DATABASE=wp -e MYSQL_USER=wp -e MYSQL_PASSWORD=x mysql:5.7")
    r = lab.sh("docker logs db")
    assert "[Note] [Entrypoint]: Creating database wp\n" in r.stdout
    assert "[Note] [Entrypoint]: Giving user wp access to schema wp\n" in r.stdout
    assert r.stdout.endswith("[Note] [Entrypoint]: MySQL init process done. Ready for start up.\n\n")
    assert r.stderr.endswith("Version: '5.7.44'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server (GPL)\n")


@pytest.mark.parametrize(("engine", "kernel", "nofile"), [("20.10", "5.4.0-150-generic", "1048576:1048576"),
                                                            ("29.2", "6.8.0-60-generic", "1024:524288")])
def test_nginx_logs_its_entrypoint_then_its_notices(engine: str, kernel: str, nofile: str) -> None:
    lab = Lab(engine=engine)
    lab.sh("docker run -d --name web -p 8080:80 nginx")
    r = lab.sh("docker logs web")
    assert r.stdout.splitlines()[0] == "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
    assert r.stdout.splitlines()[-1] == "/docker-entrypoint.sh: Configuration complete; ready for start up"
    notices = r.stderr.splitlines()
    assert all(re.match(r"2026/01/01 00:00:\d\d \[notice\] 1#1: ", line) for line in notices) and len(notices) == 8
    assert notices[1].endswith("nginx/1.29.3") and notices[3].endswith(f"OS: Linux {kernel}")
    assert notices[4].endswith(f"getrlimit(RLIMIT_NOFILE): {nofile}")


def test_wordpress_logs_the_copy_and_apaches_start() -> None:
    lab = Lab()
    lab.sh("docker run -d --name wp -e WORDPRESS_DB_HOST=db -e WORDPRESS_DB_USER=wp wordpress")
    ip = lab.sh("docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' wp").stdout.strip()
    lines = lab.sh("docker logs wp").stderr.splitlines()
    assert lines[:2] == ["WordPress not found in /var/www/html - copying now...", "Complete! WordPress has been successfully copied to /var/www/html"]
    assert lines[2].endswith("copying 'wp-config-docker.php' (WORDPRESS_DB_HOST WORDPRESS_DB_USER)")
    assert f"fully qualified domain name, using {ip}. Set" in lines[3] and lines[3] == lines[4]
    assert lines[-1].endswith("[core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'")


def test_tail_timestamps_since_and_the_foreground_commands_output() -> None:
    lab = Lab()
    lab.sh("docker run --name e1 ubuntu:14.04 echo hello")
    assert lab.sh("docker logs e1").stdout == "hello\n"
    lab.sh("docker run -d --name web nginx")
    assert len(lab.sh("docker logs --tail 2 web").stderr.splitlines()) == 2
    assert lab.sh("docker logs -n 0 web").stderr == ""
    assert lab.sh("docker logs --tail bogus web").stderr == lab.sh("docker logs web").stderr  # the daemon's Atoi fallback: all
    stamped = lab.sh("docker logs -t --tail 1 web").stderr
    assert re.fullmatch(r"2026-01-01T00:00:\d\d\.\d{9}Z 2026/01/01 00:00:\d\d \[notice\] 1#1: start worker process 30\n", stamped)
    lab.sh("sleep 120")
    assert lab.sh("docker logs --since 1m web").stderr == ""
    assert lab.sh("docker logs --since 2026-01-01T00:00:00Z --tail 1 web").stderr.endswith("start worker process 30\n")
    assert lab.sh("docker logs -f web").stderr == lab.sh("docker logs web").stderr  # no terminal: what is there


def test_a_terminal_containers_log_is_its_tty() -> None:
    lab = Lab()
    lab.sh("docker run -it --name sh1 ubuntu:14.04")
    lab.sh("hostname")
    lab.sh("exit")
    cid = lab.sh("docker inspect -f '{{.Id}}' sh1").stdout[:12]
    assert lab.sh("docker logs sh1").stdout == f"root@{cid}:/# hostname\r\n{cid}\r\nroot@{cid}:/# exit\r\nexit\r\n"
    lab.sh("docker run -it --name sh3 ubuntu:14.04")
    lab.sh("^D")  # end of file: bash says exit
    cid3 = lab.sh("docker inspect -f '{{.Id}}' sh3").stdout[:12]
    assert lab.sh("docker logs sh3").stdout == f"root@{cid3}:/# exit\r\n"
    lab.sh("docker run -itd --name sh2 alpine")
    assert lab.sh("docker logs sh2").stdout == "/ # "


@pytest.mark.parametrize(("engine", "stderr"), [("20.10", "Error: No such container: nope\n"),
                                                ("29.2", "Error response from daemon: No such container: nope\n")])
def test_a_missing_container(engine: str, stderr: str) -> None:
    r = Lab(engine=engine).sh("docker logs nope")
    assert (r.stdout, r.stderr, r.exit_code) == ("", stderr, 1)


def test_a_detached_main_processs_output_is_logged_as_it_comes() -> None:
    """``docker run -d busybox ping``: one reply a second in the log, each at its time; an hour of it stays cheap."""
    lab = Lab()
    lab.sh("docker run -d --name p1 busybox ping 127.0.0.1")
    lab.sh("sleep 3600")
    lines = lab.sh("docker logs -t p1").stdout.splitlines()
    assert lines[0].endswith(" PING 127.0.0.1 (127.0.0.1): 56 data bytes") and len(lines) == 3602
    assert re.fullmatch(r"2026-01-01T01:00:00\.\d{9}Z 64 bytes from 127\.0\.0\.1: seq=3600 ttl=64 time=0\.\d{3} ms", lines[-1]), lines[-1]


def test_nginx_logs_each_request_with_the_client_it_saw() -> None:
    """access.log is the image's stdout: the proxy's connections come from the bridge, DNATed ones keep their client."""
    lab = Lab()
    lab.sh("docker run -d --name web -p 8080:80 nginx")
    lab.sh("curl -s localhost:8080/nope")
    lab.sh("curl -sI http://192.168.1.10:8080/", on="internet")
    access = [line for line in lab.sh("docker logs web").stdout.splitlines() if " - - [" in line]
    assert access == [
        '172.17.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET /nope HTTP/1.1" 404 153 "-" "curl/8.5.0" "-"',
        '203.0.113.1 - - [01/Jan/2026:00:00:00 +0000] "HEAD / HTTP/1.1" 200 0 "-" "curl/8.5.0" "-"',
    ]
