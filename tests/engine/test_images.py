"""The textbook's images: what they run, and the servers a learner can reach."""

from __future__ import annotations

from simulator import Lab
from simulator.engine import images
from simulator.packets.tcp import TcpSegment
from simulator.programs import mysql
from simulator.trace.records import FrameSent


def tcp_frames(trace, port):
    out = []
    for record in trace:
        if isinstance(record, FrameSent):
            payload = getattr(record.frame.payload, "payload", None)
            if isinstance(payload, TcpSegment) and port in (payload.sport, payload.dport):
                out.append(record)
    return out


def test_every_textbook_image_is_modelled():
    for ref in ("ubuntu:14.04", "ubuntu:16.04", "ubuntu:18.04", "ubuntu:20.04", "ubuntu:22.04", "ubuntu:24.04", "centos:7",
                "debian:bullseye", "debian:bookworm", "alpine", "busybox", "nginx", "httpd", "mysql:5.7", "wordpress",
                "redis", "postgres", "nicolaka/netshoot"):
        assert images.find(ref) is not None, ref
    mysql57 = images.find("mysql:5.7")
    assert mysql57 is not None
    assert mysql57.entrypoint == ("docker-entrypoint.sh",) and mysql57.cmd == ("mysqld",)
    assert mysql57.exposed == ("3306/tcp", "33060/tcp") and "MYSQL_VERSION=5.7.44-1.el7" in mysql57.env


def test_an_image_the_simulator_does_not_model_says_so():
    lab = Lab()
    r = lab.sh("docker run -d --name x1 example/unknown:1.0")
    assert r.exit_code == 125 and r.stdout == ""
    assert r.stderr.startswith("dockersim: the image 'example/unknown:1.0' is not modelled by the simulator (modelled images: ")
    assert "mysql:5.7" in r.stderr and "repository does not exist" not in r.stderr
    assert lab.sh("docker ps -aq").stdout == ""


def test_mysql_needs_a_password_setting_or_exits():
    lab = Lab()
    lab.sh("docker run -d --name db1 mysql:5.7")
    lab.sh("sleep 1")
    assert "Exited (1)" in lab.sh("docker ps -a").stdout
    lab.sh("docker run -d --name db2 -e MYSQL_ALLOW_EMPTY_PASSWORD=yes mysql:5.7")
    lab.sh("sleep 1")
    assert lab.sh("docker inspect -f '{{.State.Status}}' db2").stdout == "running\n"


def test_mysql_greets_on_3306():
    greeting = mysql.greeting(7, b"a" * 20)
    assert greeting[0] == 10 and greeting[1:8] == b"5.7.44\0"
    assert mysql.parse_greeting(greeting) == b"a" * 20
    response = mysql.handshake_response("root", "password", "wordpress", b"a" * 20)
    assert mysql.parse_handshake_response(response) == ("root", mysql.scramble("password", b"a" * 20), "wordpress")


def start_textbook_pair(lab: Lab, user: str = "") -> int:
    lab.sh("docker run -d --name wordpressdb -e MYSQL_ROOT_PASSWORD=password -e MYSQL_DATABASE=wordpress mysql:5.7")
    extra = f"-e WORDPRESS_DB_USER={user} " if user else ""
    r = lab.sh(f"docker run -d -e WORDPRESS_DB_PASSWORD=password {extra}--name wordpress --link wordpressdb:mysql -p 80 wordpress")
    assert r.exit_code == 0, r.stderr
    port = lab.sh("docker port wordpress 80").stdout.splitlines()[0].rsplit(":", 1)[1]
    return int(port)


def test_wordpress_logs_in_to_its_database_through_the_link_alias():
    lab = Lab(engine="20.10")
    port = start_textbook_pair(lab, user="root")
    r = lab.sh(f"curl -i http://192.168.1.10:{port}/", on="laptop")
    assert r.exit_code == 0
    assert r.stdout.startswith("HTTP/1.1 302 Found\n")
    assert f"Location: http://192.168.1.10:{port}/wp-admin/install.php\n" in r.stdout
    frames = tcp_frames(r.trace, 3306)
    assert frames, "no frame to or from mysql's port"
    db_ip = lab.sh("docker inspect -f '{{.NetworkSettings.IPAddress}}' wordpressdb").stdout.strip()
    wp_ip = lab.sh("docker inspect -f '{{.NetworkSettings.IPAddress}}' wordpress").stdout.strip()
    first = frames[0].frame.payload
    assert (str(first.src), str(first.dst), first.payload.dport) == (wp_ip, db_ip, 3306)
    greetings = [f for f in frames if f.frame.payload.payload.data[4:5] == b"\x0a"]
    assert greetings and greetings[0].frame.payload.payload.data[5:12] == b"5.7.44\0"


def test_the_textbook_command_meets_todays_default_user():
    # Today's wordpress image defaults WORDPRESS_DB_USER to "example username": mysql refuses it.
    lab = Lab(engine="20.10")
    port = start_textbook_pair(lab)
    r = lab.sh(f"curl -s -I http://192.168.1.10:{port}/", on="laptop")
    assert r.stdout.startswith("HTTP/1.1 500 Internal Server Error\n")
    refused = [f for f in tcp_frames(r.trace, 3306) if b"Access denied for user 'example username'@" in f.frame.payload.payload.data]
    assert refused, "mysql's refusal is not on the wire"


def test_tcpdump_on_docker0_sees_the_database_connection():
    lab = Lab(engine="20.10")
    start_textbook_pair(lab, user="root")
    lab.sh("docker run -itd --name shell nicolaka/netshoot")
    wp_ip = lab.sh("docker inspect -f '{{.NetworkSettings.IPAddress}}' wordpress").stdout.strip()
    assert lab.sh(f"docker exec -d shell curl -s http://{wp_ip}/").exit_code == 0
    out = lab.sh("tcpdump -i docker0 -n -c 3 tcp port 3306").stdout.splitlines()
    packets = [line for line in out if " IP " in line]
    assert len(packets) == 3
    assert packets[0].split(" IP ", 1)[1].startswith(f"{wp_ip}.") and ".3306: Flags [S]" in packets[0]


def test_httpd_serves_its_default_page():
    lab = Lab()
    lab.sh("docker run -d --name web1 -p 8080:80 httpd")
    r = lab.sh("curl -s http://192.168.1.10:8080/", on="laptop")
    assert r.stdout == "<html><body><h1>It works!</h1></body></html>\n"
    head = lab.sh("curl -s -I http://192.168.1.10:8080/", on="laptop").stdout
    assert 'ETag: "2d-432a5e4a73a80"' in head and "Last-Modified: Mon, 11 Jun 2007 18:53:14 GMT" in head


def test_update_alternatives_links_are_on_the_path_too():
    lab = Lab(engine="20.10")
    lab.sh("docker run -itd --name c1 ubuntu:14.04")
    for program in ("which", "awk"):  # debianutils' which, mawk's awk: real, not "executable file not found"
        r = lab.sh(f"docker exec c1 {program} x")
        assert (r.stderr, r.exit_code) == (
            f"dockersim: {program}: the ubuntu:14.04 image has this program, but the simulator does not model it\n", 126)
    r = lab.sh("docker exec c1 tracepath 8.8.8.8")  # iputils-tracepath is not in the image
    assert r.exit_code == 126 and "executable file not found" in r.stdout + r.stderr
