"""curl and wget as a learner sees them: output, exit status, and what went on the wire."""

from __future__ import annotations

import pytest

from simulator import Lab
from simulator.packets.ipv4 import IPv4Packet
from simulator.packets.tcp import TcpFlags, TcpSegment
from simulator.programs.curl import UrlError, parse_url
from simulator.programs.servers import NGINX_INDEX_HTML, nginx_error_page
from simulator.trace.records import FrameSent, TcpStateChanged

WEB = "93.184.216.34"
PAGE = NGINX_INDEX_HTML.decode()
HEAD_200 = (
    "HTTP/1.1 200 OK\n"
    "Server: nginx/1.29.3\n"
    "Date: Thu, 01 Jan 2026 00:00:{sec:02d} GMT\n"
    "Content-Type: text/html\n"
    "Content-Length: 615\n"
    "Last-Modified: Tue, 28 Oct 2025 12:05:10 GMT\n"
    "Connection: keep-alive\n"
    'ETag: "6900b176-267"\n'
    "Accept-Ranges: bytes\n"
)


@pytest.fixture
def lab() -> Lab:
    lab = Lab(seed=5)
    # the lab's internet machine already runs a web server on port 80 (topologies.build)
    return lab


def syns(result, node: str = "host") -> list[float]:
    out = []
    for r in result.trace:
        if isinstance(r, FrameSent) and r.node == node and r.dev == "eth0" and isinstance(r.frame.payload, IPv4Packet):
            seg = r.frame.payload.payload
            if isinstance(seg, TcpSegment) and seg.flags == TcpFlags.SYN:
                out.append(r.time)
    return out


# -- URLs ------------------------------------------------------------------------------------------


def test_urls_split_as_curl_splits_them():
    assert parse_url("http://example.com").path == "/"
    assert parse_url("example.com:8080/a?b=c#frag").path == "/a?b=c"
    assert parse_url("HTTP://Example.COM/").host == "example.com"
    assert parse_url("http://1.2.3.4:80/").host_port == "1.2.3.4"
    assert parse_url("http://1.2.3.4:8080/").host_port == "1.2.3.4:8080"
    with pytest.raises(UrlError, match="Port number was not a decimal number between 0 and 65535"):
        parse_url("http://1.2.3.4:99999/")
    with pytest.raises(UrlError) as info:
        parse_url("gopher://x/")
    assert info.value.code == 1 and str(info.value) == 'Protocol "gopher" not supported'


# -- curl: success ------------------------------------------------------------------------------------


def test_curl_prints_the_nginx_welcome_page(lab: Lab):
    r = lab.sh(f"curl http://{WEB}/")
    assert (r.exit_code, r.stdout, r.stderr) == (0, PAGE, "")
    assert len(NGINX_INDEX_HTML) == 615


def test_curl_head_shows_nginx_headers_with_the_simulated_date(lab: Lab):
    lab.sh("sleep 5")
    r = lab.sh(f"curl -I {WEB}")
    assert r.exit_code == 0
    assert r.stdout == HEAD_200.format(sec=5) + "\n"


def test_curl_include_shows_headers_then_body(lab: Lab):
    r = lab.sh(f"curl -i http://{WEB}/")
    assert r.stdout == HEAD_200.format(sec=0) + "\n" + PAGE


def test_curl_verbose_prints_what_curl_8_5_prints(lab: Lab):
    r = lab.sh(f"curl -v http://{WEB}/")
    assert r.exit_code == 0 and r.stdout == PAGE
    expected = (
        f"*   Trying {WEB}:80...\n"
        f"* Connected to {WEB} ({WEB}) port 80\n"
        "> GET / HTTP/1.1\n"
        f"> Host: {WEB}\n"
        "> User-Agent: curl/8.5.0\n"
        "> Accept: */*\n"
        "> \n"
        + "".join(f"< {line}\n" for line in HEAD_200.format(sec=0).splitlines())
        + "< \n"
        f"* Connection #0 to host {WEB} left intact\n"
    )
    assert r.stderr == expected


def test_curl_verbose_by_name_shows_the_resolution(lab: Lab):
    r = lab.sh("curl -sv http://example.com/")
    assert r.exit_code == 0
    assert r.stderr.startswith(f"* Host example.com:80 was resolved.\n* IPv6: (none)\n* IPv4: {WEB}\n*   Trying {WEB}:80...\n"
                               f"* Connected to example.com ({WEB}) port 80\n")
    assert "> Host: example.com\n" in r.stderr


def test_a_404_prints_nginx_error_page_unless_fail_is_given(lab: Lab):
    r = lab.sh(f"curl http://{WEB}/missing")
    assert (r.exit_code, r.stdout) == (0, nginx_error_page(404).decode().replace("\r\n", "\n"))
    assert "<hr><center>nginx/1.29.3</center>" in r.stdout
    r = lab.sh(f"curl -f http://{WEB}/missing")
    assert (r.exit_code, r.stdout, r.stderr) == (22, "", "curl: (22) The requested URL returned error: 404\n")


def test_the_whole_exchange_is_in_the_command_trace(lab: Lab):
    r = lab.sh(f"curl -s http://{WEB}/")
    client = [(c.old, c.new) for c in r.trace if isinstance(c, TcpStateChanged) and c.node == "host"]
    assert client[-1] == ("FIN-WAIT-2", "TIME-WAIT")
    server = [c.new for c in r.trace if isinstance(c, TcpStateChanged) and c.node == "internet"]
    assert server[-1] == "CLOSED"  # the last ACK landed before the prompt came back


def test_several_urls_reuse_the_kept_alive_connection(lab: Lab):
    r = lab.sh(f"curl -sv http://{WEB}/ http://{WEB}/nope")
    assert r.exit_code == 0
    assert r.stdout == PAGE + nginx_error_page(404).decode().replace("\r\n", "\n")
    assert f"* Re-using existing connection with host {WEB}\n" in r.stderr
    assert len(syns(r)) == 1


def test_the_server_keeps_listening_between_commands(lab: Lab):
    for _ in range(3):
        assert lab.sh(f"curl -s http://{WEB}/").exit_code == 0
        lab.sh("sleep 1")


def test_curl_to_a_file_draws_the_progress_meter(lab: Lab):
    r = lab.sh(f"curl -o page.html http://{WEB}/")
    assert r.exit_code == 0 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[0] == "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current"
    assert lines[2].startswith("100   615  100   615    0     0 ")
    assert lab.sh(f"curl -s -o page.html http://{WEB}/").stderr == ""


# -- curl: failures -------------------------------------------------------------------------------------


def test_connection_refused_is_curl_7(lab: Lab):
    r = lab.sh("curl http://192.168.1.10:8080/", on="laptop")
    assert (r.exit_code, r.stdout) == (7, "")
    assert r.stderr == "curl: (7) Failed to connect to 192.168.1.10 port 8080 after 0 ms: Couldn't connect to server\n"
    r = lab.sh("curl -v http://192.168.1.10:8080/", on="laptop")
    lines = r.stderr.splitlines()
    assert lines[0] == "*   Trying 192.168.1.10:8080..."
    assert lines[1].startswith("* connect to 192.168.1.10 port 8080 from 192.168.1.20 port ") and lines[1].endswith(" failed: Connection refused")
    assert lines[2:] == [
        "* Failed to connect to 192.168.1.10 port 8080 after 0 ms: Couldn't connect to server",
        "* Closing connection",
        "curl: (7) Failed to connect to 192.168.1.10 port 8080 after 0 ms: Couldn't connect to server",
    ]


def test_a_dropped_syn_runs_into_the_connect_timeout(lab: Lab):
    assert lab.sh("iptables -A INPUT -p tcp --dport 80 -j DROP", on="internet").exit_code == 0
    start = lab.sim.now
    r = lab.sh(f"curl --connect-timeout 5 http://{WEB}/")
    assert r.exit_code == 28
    assert r.stderr == f"curl: (28) Failed to connect to {WEB} port 80 after 5001 ms: Timeout was reached\n"
    assert [round(t - start) for t in syns(r)] == [0, 1, 3]  # SYN, then Linux's 1 s, 2 s backoff


def test_max_time_during_connect_and_the_kernel_giving_up(lab: Lab):
    lab.sh("iptables -A INPUT -p tcp --dport 80 -j DROP", on="internet")
    r = lab.sh(f"curl -m 2 http://{WEB}/")
    assert (r.exit_code, r.stderr) == (28, "curl: (28) Connection timed out after 2001 milliseconds\n")
    r = lab.sh(f"curl http://{WEB}/")  # no timeout of curl's below 300 s: tcp_syn_retries decides
    assert r.exit_code == 28
    assert r.stderr == f"curl: (28) Failed to connect to {WEB} port 80 after 127000 ms: Couldn't connect to server\n"
    assert len(syns(r)) == 7


def test_silent_hides_errors_and_show_error_brings_them_back(lab: Lab):
    r = lab.sh("curl -s http://192.168.1.10:8080/", on="laptop")
    assert (r.exit_code, r.stderr) == (7, "")
    r = lab.sh("curl -sS http://192.168.1.10:8080/", on="laptop")
    assert r.stderr.startswith("curl: (7) Failed to connect")


def test_curl_errors_before_any_packet(lab: Lab):
    r = lab.sh("curl http://no-such-host.invalid/")
    assert (r.exit_code, r.stderr) == (6, "curl: (6) Could not resolve host: no-such-host.invalid\n")
    r = lab.sh("curl http://:80/")
    assert (r.exit_code, r.stderr) == (3, "curl: (3) URL rejected: No host part in the URL\n")
    r = lab.sh("curl")
    assert (r.exit_code, r.stderr) == (2, "curl: try 'curl --help' or 'curl --manual' for more information\n")
    r = lab.sh(f"curl --bogus http://{WEB}/")
    assert (r.exit_code, r.stderr) == (2, "curl: option --bogus: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n")
    r = lab.sh(f"curl -m abc http://{WEB}/")
    assert r.exit_code == 2 and r.stderr.startswith("curl: option -m: expected a proper numerical parameter\n")


# -- which images have what -------------------------------------------------------------------------------


def test_images_carry_the_clients_the_real_images_carry(lab: Lab):
    lab.sh("docker run -itd --name al alpine")
    lab.sh("docker run -itd --name u14 ubuntu:14.04")
    lab.sh("docker run -d --name web nginx")
    assert lab.sh("docker exec al curl http://93.184.216.34/").exit_code == 126  # alpine: no curl
    assert lab.sh("docker exec u14 wget http://93.184.216.34/").exit_code == 126  # ubuntu:14.04: neither
    assert lab.sh("docker exec u14 curl http://93.184.216.34/").exit_code == 126
    r = lab.sh(f"docker exec web curl -sv http://{WEB}/")  # nginx (Debian trixie): curl 8.14.1
    assert r.exit_code == 0 and r.stdout == PAGE
    assert "> User-Agent: curl/8.14.1\n" in r.stderr and "* Request completely sent off\n" in r.stderr


# -- wget ----------------------------------------------------------------------------------------------------


@pytest.fixture
def alpine(lab: Lab) -> Lab:
    assert lab.sh("docker run -itd --name c1 alpine").exit_code == 0
    return lab


def test_busybox_wget_saves_index_html(alpine: Lab):
    r = alpine.sh(f"docker exec c1 wget http://{WEB}/")
    assert (r.exit_code, r.stdout) == (0, "")
    assert r.stderr == (
        f"Connecting to {WEB} ({WEB}:80)\n"
        "saving to 'index.html'\n"
        "index.html           100% |********************************|   615  0:00:00 ETA\n"
        "'index.html' saved\n"
    )
    r = alpine.sh(f"docker exec c1 wget http://{WEB}:80/")
    assert r.stderr.startswith(f"Connecting to {WEB}:80 ({WEB}:80)\n")


def test_busybox_wget_to_stdout(alpine: Lab):
    r = alpine.sh(f"docker exec c1 wget -qO- http://{WEB}/")
    assert (r.exit_code, r.stdout, r.stderr) == (0, PAGE, "")
    r = alpine.sh(f"docker exec c1 wget -O - http://{WEB}/")
    assert r.stdout == PAGE
    assert r.stderr.splitlines() == [
        f"Connecting to {WEB} ({WEB}:80)",
        "writing to stdout",
        "-                    100% |********************************|   615  0:00:00 ETA",
        "written to stdout",
    ]


def test_busybox_wget_errors(alpine: Lab):
    r = alpine.sh(f"docker exec c1 wget -q http://{WEB}/nope")
    assert (r.exit_code, r.stderr) == (1, "wget: server returned error: HTTP/1.1 404 Not Found\n")
    r = alpine.sh(f"docker exec c1 wget http://{WEB}:8080/")
    assert r.exit_code == 1
    assert r.stderr == f"Connecting to {WEB}:8080 ({WEB}:8080)\nwget: can't connect to remote host ({WEB}): Connection refused\n"
    r = alpine.sh("docker exec c1 wget http://nowhere.invalid/")
    assert (r.exit_code, r.stderr) == (1, "wget: bad address 'nowhere.invalid'\n")


def test_busybox_wget_timeout_when_the_syn_is_dropped(alpine: Lab):
    alpine.sh("iptables -A INPUT -p tcp --dport 80 -j DROP", on="internet")
    start = alpine.sim.now
    r = alpine.sh(f"docker exec c1 wget -T 3 http://{WEB}/")
    assert (r.exit_code, r.stderr) == (1, f"Connecting to {WEB} ({WEB}:80)\nwget: download timed out\n")
    assert alpine.sim.now - start == pytest.approx(3.0, abs=0.5)


def test_busybox_wget_closes_after_the_server_does(alpine: Lab):
    r = alpine.sh(f"docker exec c1 wget -q http://{WEB}/")
    server = [c.new for c in r.trace if isinstance(c, TcpStateChanged) and c.node == "internet"]
    assert server == ["SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT"]  # Connection: close


def test_gnu_wget_on_the_host(lab: Lab):
    r = lab.sh(f"wget http://{WEB}/")
    assert r.exit_code == 0
    lines = r.stderr.splitlines()
    assert lines[:6] == [
        f"--2026-01-01 00:00:00--  http://{WEB}/",
        f"Connecting to {WEB}:80... connected.",
        "HTTP request sent, awaiting response... 200 OK",
        "Length: 615 [text/html]",
        "Saving to: ‘index.html’",
        "",
    ]
    assert lines[6].startswith("index.html          100%[===================>]     615")
    assert lines[8].startswith("2026-01-01 00:00:00 (") and lines[8].endswith(" - ‘index.html’ saved [615/615]")
    r = lab.sh(f"wget -qO- http://{WEB}/x")
    assert (r.exit_code, r.stdout, r.stderr) == (8, "", "")
    r = lab.sh("wget http://192.168.1.20:8080/")
    assert r.exit_code == 4 and r.stderr.endswith("Connecting to 192.168.1.20:8080... failed: Connection refused.\n")


def _trusty_with_curl() -> Lab:
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker exec c1 apt-get update")
    lab.sh("docker exec c1 apt-get install -y curl")
    return lab


def test_ubuntu_1404s_curl_is_7_35_and_speaks_as_it_did() -> None:
    lab = _trusty_with_curl()
    r = lab.sh("docker exec c1 curl -sv http://example.com -o /dev/null")
    assert r.stderr.splitlines()[:8] == [
        "* Rebuilt URL to: http://example.com/",
        "* Hostname was NOT found in DNS cache",
        "*   Trying 93.184.216.34...",
        "* Connected to example.com (93.184.216.34) port 80 (#0)",
        "> GET / HTTP/1.1",
        "> User-Agent: curl/7.35.0",
        "> Host: example.com",
        "> Accept: */*",
    ]
    r = lab.sh("docker exec c1 curl http://172.17.0.1:9")
    assert (r.stderr, r.exit_code) == ("curl: (7) Failed to connect to 172.17.0.1 port 9: Connection refused\n", 7)


def test_a_real_curl_option_not_modelled_is_said_so_not_called_unknown() -> None:
    lab = Lab()
    for words in ("--version", "-V", "-w %{http_code}", "--data-raw x"):
        r = lab.sh(f"curl {words} http://example.com/")
        option = words.split()[0]
        assert (r.stderr, r.exit_code) == (
            f"dockersim: curl: option {option}: curl has this option, but the simulator does not model it\n", 126)
    r = lab.sh("curl --no-such-option http://example.com/")
    assert (r.stderr.splitlines()[0], r.exit_code) == ("curl: option --no-such-option: is unknown", 2)
