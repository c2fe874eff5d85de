"""Package tools inside containers, as a learner types them: apt-get, apk, yum.

Each fetches over the simulated network (DNS, then TCP through the host's NAT to the
mirror on the simulated internet); what is installed belongs to that container only.
"""

from __future__ import annotations

from simulator import Lab
from simulator.programs.httpcore import RequestReader, ResponseReader, request_bytes
from simulator.programs.packages import size_to_str


def test_apt_sizes_as_apt_prints_them():
    assert [size_to_str(n) for n in (0, 933, 5300, 65_900, 1_460_000, 23_700_000)] == ["0 ", "933 ", "5300 ", "65.9 k", "1460 k", "23.7 M"]


def test_http_core_frames_a_kept_alive_exchange():
    server, client = RequestReader(), ResponseReader()
    requests = server.feed(request_bytes("GET", "/a", "archive.ubuntu.com") + request_bytes("GET", "/b", "archive.ubuntu.com"))
    assert [r.target for r in requests[:1]] == ["/a"] and requests[0].host == "archive.ubuntu.com"
    answer, keep_alive = server.respond(200, [], b"x" * 10)
    assert keep_alive
    client.expect("GET", "/a", "archive.ubuntu.com")
    got = client.feed(answer[:7]) + client.feed(answer[7:])
    assert len(got) == 1 and got[0].status == 200 and got[0].body == b"x" * 10


def test_install_before_update_finds_nothing_on_a_fresh_image():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    r = lab.sh("docker exec c1 apt-get install -y dnsutils")
    assert r.exit_code == 100
    assert r.stdout == "Reading package lists...\nBuilding dependency tree...\nReading state information...\n"
    assert r.stderr == "E: Unable to locate package dnsutils\n"


def test_update_then_install_gives_dig_to_that_container_only():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker run -itd --name c2 ubuntu:14.04")
    assert "executable file not found" in lab.sh("docker exec c1 dig example.com").stdout
    r = lab.sh("docker exec c1 apt-get update")
    assert r.exit_code == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[0] == "Get:1 http://archive.ubuntu.com trusty InRelease [65.9 kB]"
    assert "Get:15 http://security.ubuntu.com trusty-security InRelease [65.9 kB]" in lines
    assert lines[-2].startswith("Fetched 23.7 MB in ") and lines[-1] == "Reading package lists..."
    r = lab.sh("docker exec c1 apt-get install -y dnsutils")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "The following extra packages will be installed:\n  bind9-host geoip-database libbind9-90" in out
    assert "0 upgraded, 13 newly installed, 0 to remove and 0 not upgraded.\n" in out
    assert "Get:13 http://archive.ubuntu.com/ubuntu/ trusty-updates/main dnsutils amd64 1:9.9.5.dfsg-3ubuntu0.19 [89.5 kB]" in out
    assert "Setting up dnsutils (1:9.9.5.dfsg-3ubuntu0.19) ...\n" in out
    assert out.endswith("Processing triggers for libc-bin (2.19-0ubuntu6.15) ...\n")
    assert lab.sh("docker exec c1 dig +short example.com").stdout == "93.184.216.34\n"
    assert "executable file not found" in lab.sh("docker exec c2 dig example.com").stdout
    again = lab.sh("docker exec c1 apt-get install dnsutils")
    assert "dnsutils is already the newest version.\n" in again.stdout and again.exit_code == 0
    lab.sh("docker rm -f c1")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    assert "executable file not found" in lab.sh("docker exec c1 dig example.com").stdout


def test_a_package_outside_the_table_is_not_called_missing():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker exec c1 apt-get update")
    r = lab.sh("docker exec c1 apt-get install -y vim")
    assert r.exit_code == 100 and "Unable to locate" not in r.stderr
    assert r.stderr.startswith("dockersim: the package 'vim' is not modelled by the simulator (modelled packages: bind9-host, curl, ")


def test_exec_with_a_terminal_is_a_terminal():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    assert lab.sh("docker exec -it c1 apt-get update").stdout.endswith("Reading package lists... Done\n")
    assert lab.sh("docker exec c1 apt-get update").stdout.endswith("Reading package lists...\n")


def test_a_prompt_without_a_terminal_reads_end_of_file_and_aborts():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker exec c1 apt-get update")
    r = lab.sh("docker exec c1 apt-get install dnsutils")
    assert r.stdout.endswith("Do you want to continue? [Y/n] Abort.\n") and r.exit_code == 1
    assert "executable file not found" in lab.sh("docker exec c1 dig example.com").stdout


def test_on_the_attached_terminal_apt_says_done():
    lab = Lab()
    lab.sh("docker run -it --name c1 ubuntu:14.04")
    r = lab.sh("apt-get update")
    assert r.stdout.endswith("Reading package lists... Done\n")
    r = lab.sh("apt-get install dnsutils")
    assert "Do you want to continue? [Y/n] \n" in r.stdout and r.exit_code == 0
    assert "Reading state information... Done\n" in r.stdout
    assert lab.sh("dig +short example.com").stdout == "93.184.216.34\n"


def test_the_update_is_seen_on_the_wire_through_nat():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    assert lab.sh("docker exec -d c1 apt-get update").exit_code == 0
    out = lab.sh("tcpdump -i eth0 -n -c 4 tcp port 80").stdout.splitlines()
    packets = [line for line in out if " IP " in line]
    assert len(packets) == 4
    assert "IP 192.168.1.10." in packets[0] and "> 93.184.216.34.80: Flags [S]" in packets[0]
    get = request_bytes("GET", "/ubuntu/dists/trusty/InRelease", "archive.ubuntu.com", [("User-Agent", "Debian APT-HTTP/1.3 (1.0.1ubuntu2)")])
    assert "Flags [P.]" in packets[3] and packets[3].endswith(f"length {len(get)}")


def test_the_update_in_the_trace_and_the_capture(tmp_path):
    import dns.message
    from scapy.all import IP, TCP, UDP, Raw, rdpcap  # type: ignore[import-untyped]

    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    r = lab.sh("docker exec c1 apt-get update")
    path = tmp_path / "apt.pcapng"
    r.trace.to_pcap(str(path))
    packets = rdpcap(str(path))
    queries = [dns.message.from_wire(bytes(p[UDP].payload)) for p in packets if UDP in p and p[UDP].dport == 53]
    assert queries, "no DNS query"
    assert any(q.question[0].name.to_text() == "archive.ubuntu.com." for q in queries)
    gets = [bytes(p[Raw].load) for p in packets if TCP in p and Raw in p and p[TCP].dport == 80]
    assert gets, "no HTTP request"
    assert any(g.startswith(b"GET /ubuntu/dists/trusty/InRelease HTTP/1.1\r\nHost: archive.ubuntu.com\r\n") for g in gets)
    assert any(IP in p and p[IP].src == "192.168.1.10" and TCP in p and p[TCP].dport == 80 for p in packets)  # after NAT


def test_without_a_route_out_the_update_fails_as_apt_does():
    lab = Lab()
    lab.sh("docker run -itd --name c1 --net none ubuntu:14.04")
    r = lab.sh("docker exec c1 apt-get update")
    assert r.exit_code == 0
    assert r.stdout.startswith("Err http://archive.ubuntu.com trusty InRelease\n  Temporary failure resolving 'archive.ubuntu.com'\n")
    assert r.stderr.startswith("W: Failed to fetch http://archive.ubuntu.com/ubuntu/dists/trusty/InRelease  Temporary failure resolving 'archive.ubuntu.com'\n")
    assert r.stderr.endswith("W: Some index files failed to download. They have been ignored, or old ones used instead.\n")
    assert lab.sh("docker exec c1 apt-get install -y dnsutils").stderr == "E: Unable to locate package dnsutils\n"


def test_an_internal_network_has_no_way_to_the_mirror():
    lab = Lab()
    lab.sh("docker network create --internal inner")
    lab.sh("docker run -itd --name c1 --net inner ubuntu:16.04")
    r = lab.sh("docker exec c1 apt-get update")
    assert r.stdout.startswith("Err:1 http://archive.ubuntu.com/ubuntu xenial InRelease\n  Temporary failure resolving 'archive.ubuntu.com'\n")
    assert "W: Failed to fetch http://archive.ubuntu.com/ubuntu/dists/xenial/InRelease  Temporary failure resolving 'archive.ubuntu.com'\n" in r.stderr


def test_apk_add_fetches_the_index_and_installs():
    lab = Lab()
    lab.sh("docker run -itd --name al alpine")
    r = lab.sh("docker exec al apk add bind-tools")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "fetch http://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz"
    assert lines[2] == "(1/10) Installing bind-libs (9.18.33-r0)" and lines[11] == "(10/10) Installing bind-tools (9.18.33-r0)"
    assert lines[-1].startswith("OK: ") and lines[-1].endswith(" MiB in 24 packages")
    assert lab.sh("docker exec al dig +short example.com").stdout == "93.184.216.34\n"
    r = lab.sh("docker exec al apk add nosuchthing")
    assert r.stderr.startswith("dockersim: the package 'nosuchthing' is not modelled by the simulator (modelled packages: bind-libs, ")
    assert r.exit_code == 1


def test_an_installed_program_the_simulator_does_not_model_says_so():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    lab.sh("docker exec c1 apt-get update")
    lab.sh("docker exec c1 apt-get install -y netcat net-tools")
    r = lab.sh("docker exec c1 nc -h")
    assert r.stderr == "dockersim: nc: this container has this program, but the simulator does not model it\n"
    assert r.exit_code == 126
    assert lab.sh("docker exec c1 netstat -rn").stdout.startswith("Kernel IP routing table\n")  # net-tools' netstat is modelled


def test_a_current_ubuntu_numbers_every_line_and_pulls_dependencies_in_order():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:22.04")
    update = lab.sh("docker exec c1 apt-get update").stdout.splitlines()
    assert update[0] == "Get:1 http://archive.ubuntu.com/ubuntu jammy InRelease [270 kB]"
    assert update[-2].startswith("Fetched 37.8 MB in ") and update[-1] == "Reading package lists..."
    out = lab.sh("docker exec c1 apt-get install -y dnsutils").stdout
    assert "The following additional packages will be installed:\n  bind9-dnsutils bind9-host bind9-libs libuv1\n" in out
    assert "Get:1 http://archive.ubuntu.com/ubuntu jammy-updates/main amd64 libuv1 amd64 1.43.0-1 [93.0 kB]\n" in out
    assert "Preparing to unpack .../00-libuv1_1.43.0-1_amd64.deb ...\n" in out
    assert lab.sh("docker exec c1 host example.com").stderr.endswith("this container has this program, but the simulator does not model it\n")


def test_fetched_time_is_the_simulated_clock():
    lab = Lab()
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    start = lab.sim.now
    r = lab.sh("docker exec c1 apt-get update")
    line = next(x for x in r.stdout.splitlines() if x.startswith("Fetched "))
    seconds = int(line.split(" in ", 1)[1].split("s", 1)[0])
    assert seconds == int(lab.sim.now - start) or seconds == int(lab.sim.now - start) - 1


def test_yum_on_centos_7_meets_the_retired_mirror_list():
    lab = Lab()
    lab.sh("docker run -itd --name c7 centos:7")
    r = lab.sh("docker exec c7 yum install -y bind-utils")
    assert r.exit_code == 1
    assert r.stdout == "Loaded plugins: fastestmirror, ovl\nDetermining fastest mirrors\n"
    assert r.stderr.startswith(
        "Could not retrieve mirrorlist http://mirrorlist.centos.org/?release=7&arch=x86_64&repo=os&infra=container error was\n"
        '14: curl#6 - "Could not resolve host: mirrorlist.centos.org; Unknown error"\n')
    assert r.stderr.endswith("Cannot find a valid baseurl for repo: base/7/x86_64\n")
    questions = [str(q.question[0].name) for q in dns_queries(r.trace)]
    assert "mirrorlist.centos.org." in questions


def dns_queries(trace):
    """The DNS queries the command's frames carried, as dnspython messages."""
    import dns.message

    from simulator.packets.udp import UdpDatagram
    from simulator.trace.records import FrameSent

    out = []
    for record in trace:
        if isinstance(record, FrameSent):
            udp = getattr(record.frame.payload, "payload", None)
            if isinstance(udp, UdpDatagram) and udp.dport == 53:
                out.append(udp.payload if isinstance(udp.payload, dns.message.Message) else dns.message.from_wire(udp.payload))
    return out


def test_apk_without_a_way_out():
    lab = Lab()
    lab.sh("docker run -itd --name al --net none alpine")
    r = lab.sh("docker exec al apk add curl")
    assert r.stdout.startswith("fetch http://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\n")
    assert "WARNING: fetching http://dl-cdn.alpinelinux.org/alpine/v3.20/main: temporary error (try again later)\n" in r.stderr
    assert r.stderr.endswith("  curl (no such package):\n    required by: world[curl]\n") and r.exit_code == 1


def test_apt_is_there_but_points_to_apt_get():
    lab = Lab()
    lab.sh("docker run -itd --name u1 ubuntu:14.04")
    r = lab.sh("docker exec u1 apt update")
    assert r.exit_code == 126 and "the simulator does not model it (it models apt-get" in r.stderr


def test_the_package_tool_of_another_distribution_is_not_there():
    lab = Lab()
    lab.sh("docker run -itd --name u1 ubuntu:14.04")
    assert "executable file not found" in lab.sh("docker exec u1 apk add curl").stdout
    lab.sh("docker run -itd --name a1 alpine")
    assert "executable file not found" in lab.sh("docker exec a1 apt-get update").stdout
