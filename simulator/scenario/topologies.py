"""The lab's machines and how they are wired.

::

    internet (8.8.8.8, 93.184.216.34 "example.com")
       | 203.0.113.0/24, ~10 ms away
    router (192.168.1.1, masquerades the LAN)
       |
    lan switch ---- host (192.168.1.10)   [Lab(hosts=2): host1 .10, host2 .11]
       |
    laptop (192.168.1.20)

The Docker host's ``eth0`` is on an ordinary home/office LAN; the router NATs the
LAN's outgoing connections to a simulated internet (and routes incoming ones, as if
the LAN's addresses were public, so published ports can be tried from afar), where 8.8.8.8 answers pings (and, later, DNS) and a
web server lives. Addresses come from the documentation ranges (RFC 5737) and
private space, so nothing here resembles a real machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network

from simulator.kernel.host import Machine
from simulator.kernel.ipv4.routing import DEFAULT_NETWORK, Route
from simulator.kernel.wire import EthernetNic, LanSwitch, Wire
from simulator.packets.addresses import MacAddress
from simulator.programs import dns_server, mirror, servers
from simulator.sim import latency
from simulator.sim.simulation import Simulation

LAN = "192.168.1.0/24"
ROUTER_LAN_IP = IPv4Address("192.168.1.1")
HOST_IPS = (IPv4Address("192.168.1.10"), IPv4Address("192.168.1.11"), IPv4Address("192.168.1.12"))
LAPTOP_IP = IPv4Address("192.168.1.20")
WAN_ROUTER_IP = IPv4Address("203.0.113.2")
WAN_ISP_IP = IPv4Address("203.0.113.1")
INTERNET_ADDRESSES = {"dns.google": "8.8.8.8", "dns-secondary.google": "8.8.4.4", "example.com": "93.184.216.34"}
# What the internet's resolver (8.8.8.8) knows; anything else is NXDOMAIN.
INTERNET_NAMES = {
    **INTERNET_ADDRESSES,
    "www.example.com": "93.184.216.34",
    "example.org": "93.184.216.34",
    "archive.ubuntu.com": "93.184.216.34",
    "dl-cdn.alpinelinux.org": "93.184.216.34",
    "security.ubuntu.com": "93.184.216.34",
    "deb.debian.org": "93.184.216.34",
}


@dataclass
class Topology:
    """Everything the lab built, by name."""

    machines: dict[str, Machine] = field(default_factory=dict)
    docker_hosts: list[str] = field(default_factory=list)
    switch: LanSwitch | None = None


def _nic(sim: Simulation, machine: Machine, name: str, mac: str, cidr: str) -> EthernetNic:
    nic = EthernetNic(sim, name, MacAddress.parse(mac))
    nic.ipv6 = True
    machine.netns.add_device(nic)
    machine.netns.add_address(name, cidr)
    return nic


def build(sim: Simulation, hosts: int = 1, one_mac_per_port: bool = False) -> Topology:
    """The standard lab: ``hosts`` Docker hosts, a laptop, a router and the internet."""
    topo = Topology()
    switch = LanSwitch(sim, "lan", one_mac_per_port=one_mac_per_port)
    topo.switch = switch

    router = Machine(sim, "router", flavour="busybox")
    lan_nic = _nic(sim, router, "eth0", "52:54:00:c0:a8:01", f"{ROUTER_LAN_IP}/24")
    wan_nic = _nic(sim, router, "eth1", "52:54:00:cb:00:02", f"{WAN_ROUTER_IP}/24")
    router.netns.ipv4.ip_forward = True
    router.netns.ipv4.netfilter.apply("nat", "-A POSTROUTING -s 192.168.1.0/24 -o eth1 -j MASQUERADE")
    topo.machines["router"] = router

    internet = Machine(sim, "internet", flavour="host")
    isp_nic = _nic(sim, internet, "eth0", "52:54:00:cb:00:01", f"{WAN_ISP_IP}/24")
    for ip in INTERNET_ADDRESSES.values():
        internet.netns.add_address("lo", f"{ip}/32", broadcast=False)
    topo.machines["internet"] = internet
    dns_server.start(sim, internet.netns, INTERNET_NAMES)
    web = servers.start_http_server(sim, internet.netns, 80)  # the web server behind example.com
    for host in mirror.HOSTS:  # and, by name, the package mirrors (apt-get update, apk add)
        web.sites[host] = mirror.serve
    Wire(sim, wan_nic, isp_nic, bit_rate=1e8, delay_s=latency.WAN_ONE_WAY_S)
    router.netns.ipv4.routes.add(Route(DEFAULT_NETWORK, "eth1", gateway=WAN_ISP_IP))
    # The LAN is reachable from the internet through the router (as if its addresses were
    # public), so a lesson can try a published port from far away.
    internet.netns.ipv4.routes.add(Route(IPv4Network(LAN), "eth0", gateway=WAN_ROUTER_IP, proto="static"))
    switch.plug(lan_nic)

    names = ["host"] if hosts == 1 else [f"host{i + 1}" for i in range(hosts)]
    for i, name in enumerate(names):
        machine = Machine(sim, name, flavour="host")
        machine.netns.lo.ipv6 = True
        nic = _nic(sim, machine, "eth0", f"52:54:00:12:34:{0x56 + i:02x}", f"{HOST_IPS[i]}/24")
        machine.netns.ipv4.routes.add(Route(DEFAULT_NETWORK, "eth0", gateway=ROUTER_LAN_IP, proto="static"))
        machine.resolv_conf_nameservers = ["8.8.8.8"]
        switch.plug(nic)
        topo.machines[name] = machine
        topo.docker_hosts.append(name)

    laptop = Machine(sim, "laptop", flavour="host")
    laptop_nic = _nic(sim, laptop, "eth0", "3c:22:fb:1a:2b:3c", f"{LAPTOP_IP}/24")
    laptop.netns.ipv4.routes.add(Route(DEFAULT_NETWORK, "eth0", gateway=ROUTER_LAN_IP, proto="static"))
    switch.plug(laptop_nic)
    topo.machines["laptop"] = laptop

    for machine in topo.machines.values():
        for dev in list(machine.netns.devices):
            machine.netns.set_up(dev)
    return topo
