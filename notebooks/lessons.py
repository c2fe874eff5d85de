"""One source for the Korean and English lesson notebooks.

Each lesson is a list of cells; a markdown cell holds both languages, a code cell is
shared, so the two notebooks cannot drift apart. ``python notebooks/lessons.py``
writes ``notebooks/en/*.ipynb`` and ``notebooks/ko/*.ipynb`` (tests check they are
up to date and execute them top to bottom).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def md(en: str, ko: str) -> dict[str, str]:
    return {"en": en.strip(), "ko": ko.strip()}


def code(src: str) -> str:
    return src.strip()


SETUP = """
from simulator import Lab, viz

lab = Lab(engine={engine!r}, lang={lang!r}, seed={seed}, hosts={hosts})

def run(command, on=None):
    \"\"\"Type a command into the lab's terminal: the cell shows what the terminal shows.\"\"\"
    return lab.sh(command, on=on).show()
"""

QUESTIONS = ("**Questions for the class**", "**생각해 볼 문제**")

LESSONS: dict[str, dict[str, object]] = {
    "1-structure": {
        "engine": "20.10",
        "title": md("1. Docker's network structure: eth0, veth and docker0", "1. 도커 네트워크 구조: eth0, veth, docker0"),
        "cells": [
            md(
                "Every container gets its own **network namespace**: its own interfaces, addresses and routes. "
                "Docker connects it to the host with a **veth pair**: one end is `eth0` inside the container, "
                "the other end (`veth...`) is plugged into the **docker0** bridge on the host.",
                "컨테이너는 저마다 **네트워크 네임스페이스**를 갖습니다. 인터페이스, IP 주소, 라우팅 테이블이 모두 따로입니다. "
                "도커는 **veth 쌍**으로 컨테이너를 호스트에 연결합니다. 한쪽 끝은 컨테이너 안의 `eth0`이 되고, "
                "다른 쪽 끝(`veth...`)은 호스트의 **docker0** 브리지에 꽂힙니다.",
            ),
            code('run("docker run -itd --name c1 ubuntu:14.04")\nrun("docker run -itd --name c2 ubuntu:14.04")\nrun("docker exec c1 ifconfig")'),
            md(
                "On the host there is one `veth` interface per running container, and `docker0` holds them together.",
                "호스트에는 실행 중인 컨테이너마다 `veth` 인터페이스가 하나씩 있고, `docker0`가 이들을 하나로 묶습니다.",
            ),
            code('run("brctl show docker0")\nrun("ip addr show docker0")'),
            code("viz.topology(lab.trace)"),
            md("Now a ping from c1 to c2. Step through it: the ARP request is flooded, the bridge learns, the reply comes back.",
               "이제 c1에서 c2로 ping을 보냅니다. 한 단계씩 따라가 보세요. ARP 요청이 브리지 전체로 퍼지고, 브리지가 MAC 주소를 배우고, 응답이 돌아옵니다."),
            code('r = run("docker exec c1 ping -c 2 172.17.0.3")\nviz.path(r.trace)'),
            code("viz.ladder(r.trace)"),
            code("viz.player(r.trace)"),
            md("To the internet, the packet leaves through the host's `eth0`, and iptables rewrites its source address (MASQUERADE).",
               "인터넷으로 나갈 때 패킷은 호스트의 `eth0`를 지나고, iptables가 출발지 주소를 호스트 주소로 바꿉니다(MASQUERADE)."),
            code('r = run("docker exec c1 ping -c 1 8.8.8.8")\nrun("iptables -t nat -S POSTROUTING")\nviz.headers(r.trace)'),
            md(
                QUESTIONS[0] + "\n\n1. Why does `c3` (if you start one) see the ARP request but not the ping?\n"
                "2. Stop `c1`, start a new container, then start `c1` again. Which address does `c1` get, and why?",
                QUESTIONS[1] + "\n\n1. 세 번째 컨테이너를 띄우면 ARP 요청은 보이는데 ping은 보이지 않습니다. 왜 그럴까요?\n"
                "2. `c1`을 멈추고 새 컨테이너를 띄운 뒤 `c1`을 다시 시작해 보세요. `c1`은 어떤 주소를 받고, 왜 그럴까요?",
            ),
        ],
    },
    "2-drivers": {
        "engine": "20.10",
        "title": md("2. Network drivers: docker network ls and inspect", "2. 네트워크 드라이버: docker network ls와 inspect"),
        "cells": [
            md("Docker starts with three networks, one per built-in driver: `bridge`, `host` and `null` (the network called `none`).",
               "도커는 처음부터 기본 드라이버마다 네트워크를 하나씩, 모두 세 개 만들어 둡니다. `bridge`, `host`, 그리고 `null`(네트워크 이름은 `none`)입니다."),
            code('run("docker network ls")\nrun("docker run -itd --name c1 ubuntu:14.04")\nrun("docker network inspect bridge")'),
            code('run("docker network inspect -f \\"{{range .IPAM.Config}}{{.Subnet}} via {{.Gateway}}{{end}}\\" bridge")'),
            code("viz.topology(lab.trace)"),
            md(QUESTIONS[0] + "\n\n1. Which field of the inspect output tells you the bridge's Linux device name?\n2. Why is `Containers` empty for `host` and `none`?",
               QUESTIONS[1] + "\n\n1. inspect 출력의 어느 항목에서 브리지의 리눅스 장치 이름을 알 수 있나요?\n2. `host`와 `none` 네트워크의 `Containers`가 비어 있는 까닭은 무엇일까요?"),
        ],
    },
    "2-1-bridge": {
        "engine": "20.10",
        "title": md("2.1 A user-defined bridge", "2.1 사용자 정의 브리지"),
        "cells": [
            md("`docker network create` makes a new Linux bridge (`br-` + the network id) with the next free subnet.",
               "`docker network create`는 새 리눅스 브리지(`br-` + 네트워크 ID)를 만들고, 아직 쓰이지 않은 다음 서브넷을 할당합니다."),
            code('run("docker network create --driver bridge mybridge")\nrun("docker run -itd --name mynetwork_container --net mybridge ubuntu:14.04")\nrun("docker exec mynetwork_container ifconfig eth0")\nrun("brctl show")'),
            code('run("docker network create --driver=bridge --subnet=172.72.0.0/16 --ip-range=172.72.0.0/24 --gateway=172.72.0.1 my_custom_network")\nrun("docker run -itd --name custom --net my_custom_network ubuntu:14.04")\nrun("docker exec custom ip route")'),
            code('r = run("docker exec mynetwork_container ping -c 1 -W 1 172.72.0.2")\nviz.path(r.trace)'),
            code("viz.topology(lab.trace)"),
            md(QUESTIONS[0] + "\n\n1. The last ping fails. On which device, and by which iptables rule, was it dropped?\n2. What changes after `docker network connect my_custom_network mynetwork_container`?",
               QUESTIONS[1] + "\n\n1. 마지막 ping은 실패합니다. 어느 장치에서, 어떤 iptables 규칙 때문에 버려졌을까요?\n2. `docker network connect my_custom_network mynetwork_container`를 실행하면 무엇이 달라지나요?"),
        ],
    },
    "2-2-host": {
        "engine": "20.10",
        "title": md("2.2 Host network", "2.2 호스트 네트워크"),
        "cells": [
            md("With `--net host` the container shares the host's namespace: same interfaces, same addresses, same hostname.",
               "`--net host`로 실행한 컨테이너는 호스트의 네트워크 네임스페이스를 그대로 씁니다. 인터페이스도, 주소도, 호스트 이름도 같습니다."),
            code('run("docker run -itd --name network_host --net host ubuntu:14.04")\nrun("docker exec network_host ifconfig eth0")\nrun("docker exec network_host hostname")'),
            code('run("docker run -d --name web --net host -p 8080:80 nginx")'),
            code("viz.topology(lab.trace)"),
            md(QUESTIONS[0] + "\n\n1. Why does Docker discard `-p 8080:80` here?\n2. How many veth interfaces did `network_host` add to the host?",
               QUESTIONS[1] + "\n\n1. 여기서 도커가 `-p 8080:80`을 무시하는 까닭은 무엇일까요?\n2. `network_host` 때문에 호스트에 veth가 몇 개 생겼나요?"),
        ],
    },
    "2-3-none": {
        "engine": "20.10",
        "title": md("2.3 None network", "2.3 none 네트워크"),
        "cells": [
            md("`--net none` gives the container only a loopback interface: no way in, no way out.",
               "`--net none`으로 실행한 컨테이너에는 루프백 인터페이스만 있습니다. 들어올 길도, 나갈 길도 없습니다."),
            code('run("docker run -itd --name network_none --net none ubuntu:14.04")\nrun("docker exec network_none ifconfig")\nrun("docker exec network_none ping -c 1 8.8.8.8")'),
            code("viz.topology(lab.trace)"),
            md(QUESTIONS[0] + "\n\n1. Why does ping fail before sending any packet?\n2. When would you want a container like this?",
               QUESTIONS[1] + "\n\n1. ping이 패킷을 하나도 보내기 전에 실패하는 까닭은 무엇일까요?\n2. 이런 컨테이너는 언제 쓸모가 있을까요?"),
        ],
    },
    "2-4-container": {
        "engine": "20.10",
        "title": md("2.4 Container network", "2.4 컨테이너 네트워크"),
        "cells": [
            md("`--net container:NAME` puts a container into another container's namespace: they share `eth0`, its address and its MAC.",
               "`--net container:NAME`은 컨테이너를 다른 컨테이너의 네임스페이스에 넣습니다. 두 컨테이너는 `eth0`와 그 주소, MAC 주소까지 함께 씁니다."),
            code('run("docker run -itd --name network_container_1 ubuntu:14.04")\nrun("docker run -itd --name network_container_2 --net container:network_container_1 ubuntu:14.04")\nrun("docker exec network_container_1 ifconfig eth0")\nrun("docker exec network_container_2 ifconfig eth0")'),
            code('run("brctl show docker0")\nviz.topology(lab.trace)'),
            md(QUESTIONS[0] + "\n\n1. How many veth interfaces are on docker0, and why?\n2. What happens to `network_container_2` when `network_container_1` stops?",
               QUESTIONS[1] + "\n\n1. docker0에 veth가 몇 개 붙어 있고, 왜 그럴까요?\n2. `network_container_1`이 멈추면 `network_container_2`는 어떻게 될까요?"),
        ],
    },
    "2-5-alias-dns": {
        "engine": "20.10",
        "title": md("2.5 Network aliases and Docker's embedded DNS", "2.5 네트워크 별칭과 도커 내장 DNS"),
        "cells": [
            md("On a user-defined network every container asks Docker's embedded DNS server at 127.0.0.11. "
               "Several containers can share one alias; the server returns all their addresses, in a new order every time.",
               "사용자 정의 네트워크의 컨테이너는 127.0.0.11에 있는 도커 내장 DNS 서버에 이름을 묻습니다. "
               "여러 컨테이너가 별칭 하나를 함께 쓸 수 있고, DNS 서버는 그 주소를 모두, 매번 순서를 바꿔 돌려줍니다."),
            code('run("docker network create mybridge")\nfor i in (1, 2, 3):\n    run(f"docker run -itd --name network_alias_container{i} --net mybridge --net-alias alicek106 ubuntu:14.04")\nrun("docker run -itd --name network_alias_ping --net mybridge ubuntu:14.04")\nrun("docker exec network_alias_ping cat /etc/resolv.conf")'),
            code("viz.topology(lab.trace)"),
            code('for _ in range(3):\n    r = run("docker exec network_alias_ping ping -c 1 alicek106")'),
            code("viz.ladder(r.trace)"),
            code('run("docker run -itd --name dns_client --net mybridge busybox")\nr = run("docker exec dns_client nslookup alicek106")\nviz.path(r.trace)'),
            md(QUESTIONS[0] + "\n\n1. The query goes to 127.0.0.11:53, but no process listens there. Find the iptables rule in the container that redirects it.\n2. Why can't containers on the default bridge use `--net-alias`?",
               QUESTIONS[1] + "\n\n1. 질의는 127.0.0.11:53으로 가지만 그 포트를 듣는 프로세스는 없습니다. 컨테이너 안에서 질의를 다른 포트로 돌리는 iptables 규칙을 찾아보세요.\n2. 기본 브리지의 컨테이너는 왜 `--net-alias`를 쓸 수 없을까요?"),
        ],
    },
    "2-6-macvlan": {
        "engine": "20.10",
        "hosts": 2,
        "title": md("2.6 MacVLAN: containers with addresses of the LAN itself", "2.6 MacVLAN: LAN의 주소를 그대로 쓰는 컨테이너"),
        "cells": [
            md("A macvlan network gives each container its own MAC address on the physical LAN and an address from the LAN's range "
               "(not 172.17.x.x). Two Docker hosts share the LAN 192.168.1.0/24; each hands out addresses from its own slice.",
               "macvlan 네트워크는 컨테이너마다 실제 LAN 위의 MAC 주소를 하나씩 주고, IP도 LAN 대역에서 줍니다(172.17.x.x가 아닙니다). "
               "도커 호스트 두 대가 192.168.1.0/24 LAN을 함께 쓰고, 호스트마다 서로 겹치지 않는 주소 범위를 나눠 맡습니다."),
            code('run("docker network create -d macvlan --subnet=192.168.1.0/24 --ip-range=192.168.1.64/28 --gateway=192.168.1.1 -o macvlan_mode=bridge -o parent=eth0 my_macvlan")\n'
                 'run("docker network create -d macvlan --subnet=192.168.1.0/24 --ip-range=192.168.1.80/28 --gateway=192.168.1.1 -o macvlan_mode=bridge -o parent=eth0 my_macvlan", on="host2")\n'
                 'run("docker run -itd --name c1 --net my_macvlan ubuntu:14.04")\n'
                 'run("docker run -itd --name c2 --net my_macvlan ubuntu:14.04", on="host2")\n'
                 'run("docker exec c1 ip addr show eth0")'),
            code('r = run("docker exec c1 ping -c 2 192.168.1.80")\nviz.path(r.trace)'),
            md("The laptop on the LAN reaches the container directly. The Docker host itself cannot: the kernel keeps a macvlan parent and its children apart.",
               "LAN에 있는 노트북은 컨테이너에 바로 닿습니다. 그런데 정작 도커 호스트는 닿지 못합니다. 커널이 macvlan의 부모 인터페이스와 자식 인터페이스 사이의 통신을 막기 때문입니다."),
            code('run("ping -c 2 192.168.1.64", on="laptop")\nr = run("ping -c 2 192.168.1.64")'),
            md("The usual fix: a macvlan \"shim\" interface on the host, with a route to the containers' range.",
               "흔히 쓰는 해결책은 호스트에 macvlan \"shim\" 인터페이스를 하나 더 만들고, 컨테이너 주소 범위로 가는 경로를 그쪽으로 잡는 것입니다."),
            code('for command in ("ip link add mac0 link eth0 type macvlan mode bridge", "ip addr add 192.168.1.99/32 dev mac0",\n'
                 '                "ip link set mac0 up", "ip route add 192.168.1.64/28 dev mac0"):\n'
                 '    run(command)\nr = run("ping -c 2 192.168.1.64")\nviz.topology(lab.trace)'),
            md(QUESTIONS[0] + "\n\n1. Why does a cloud network or a switch with port security often break macvlan?\n2. Why did the shim interface need its own MAC address and a /32 address?",
               QUESTIONS[1] + "\n\n1. 클라우드 네트워크나 포트 보안이 켜진 스위치에서 macvlan이 잘 동작하지 않는 까닭은 무엇일까요?\n2. shim 인터페이스에 따로 MAC 주소와 /32 주소가 필요했던 까닭은 무엇일까요?"),
        ],
    },
    "2-7-overlay": {
        "engine": "29.2",
        "hosts": 2,
        "title": md("2.7 Overlay networks: one network across two hosts", "2.7 오버레이 네트워크: 두 호스트에 걸친 하나의 네트워크"),
        "cells": [
            md("An overlay network spans several Docker hosts of a swarm. Containers on different hosts share one subnet; "
               "their frames travel inside VXLAN (UDP port 4789) between the hosts.",
               "오버레이 네트워크는 스웜에 속한 여러 도커 호스트에 걸쳐 있습니다. 서로 다른 호스트의 컨테이너가 한 서브넷을 함께 쓰고, "
               "컨테이너의 이더넷 프레임은 호스트 사이를 VXLAN(UDP 4789번 포트)에 담겨 오갑니다."),
            code('import re\nr = run("docker swarm init --advertise-addr 192.168.1.10")\n'
                 'token = re.search(r"SWMTKN-\\S+", r.stdout).group(0)\n'
                 'run(f"docker swarm join --token {token} 192.168.1.10:2377", on="host2")\n'
                 'run("docker network create -d overlay --attachable my-overlay")\n'
                 'run("docker run -itd --name ov1 --net my-overlay ubuntu:14.04")\n'
                 'run("docker run -itd --name ov2 --net my-overlay ubuntu:14.04", on="host2")'),
            code('r = run("docker exec ov1 ping -c 2 ov2")\nviz.path(r.trace)'),
            code("viz.headers(r.trace)"),
            md(QUESTIONS[0] + "\n\n1. Find the VXLAN header in the capture: what is the VNI, and how many bytes does the encapsulation add?\n2. Why is the containers' MTU 1450 instead of 1500?",
               QUESTIONS[1] + "\n\n1. 캡처에서 VXLAN 헤더를 찾아보세요. VNI는 얼마이고, 캡슐화 때문에 몇 바이트가 늘어났나요?\n2. 컨테이너의 MTU가 1500이 아니라 1450인 까닭은 무엇일까요?"),
        ],
    },
}


def notebook(name: str, lang: str) -> dict[str, object]:
    lesson = LESSONS[name]
    title = lesson["title"]
    assert isinstance(title, dict)
    cells: list[dict[str, object]] = [{"cell_type": "markdown", "metadata": {}, "source": f"# {title[lang]}"}]
    cells.append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                  "source": SETUP.strip().format(engine=lesson["engine"], lang=lang, seed=1, hosts=lesson.get("hosts", 1))})
    for cell in lesson["cells"]:  # type: ignore[union-attr]
        if isinstance(cell, dict):
            cells.append({"cell_type": "markdown", "metadata": {}, "source": cell[lang]})
        else:
            cells.append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": cell})
    for i, cell in enumerate(cells):
        cell["id"] = f"{name}-{i:02d}"  # stable ids (nbformat 4.5)
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def render_all() -> dict[Path, str]:
    out = {}
    for lang in ("en", "ko"):
        for name in LESSONS:
            out[HERE / lang / f"{name}.ipynb"] = json.dumps(notebook(name, lang), ensure_ascii=False, indent=1) + "\n"
    return out


def main() -> int:
    for path, text in render_all().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
