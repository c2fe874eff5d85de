"""The bridge driver: a Linux bridge per network, a veth pair per endpoint.

Network create: ``ip link add docker0 type bridge`` (``br-`` + 12 hex of the network
id for user networks), a MAC set explicitly so it never changes as ports come and
go, the gateway address (``172.17.0.1/16``), link up (NO-CARRIER until a port is up).

Endpoint join, as ``bridge_linux.go`` ``CreateEndpoint`` and ``Join`` do it:

1. a veth pair, host end ``veth`` + 7 random hex, container end another random
   ``veth...`` name; on engines <= 27 both are made in the host namespace (the
   container end first, so it gets the lower index) and the container end is moved;
   on >= 28 the container end is created in the container's namespace;
2. the host end joins the bridge and comes up;
3. in the container: the end is renamed ``eth0`` (``eth1``, ...), gets its MAC
   (``02:42`` + IP on <= 27, random on >= 28) and its address with broadcast, comes
   up; the default route via the gateway is added if this network provides it;
4. on >= 28 the container announces itself with three gratuitous ARPs, a second apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.engine.drivers import NetworkDriver
from simulator.kernel.devices.bridge import Bridge
from simulator.kernel.devices.veth import VethPair
from simulator.packets.addresses import BROADCAST_MAC, ZERO_MAC, MacAddress
from simulator.packets.arp import ArpOp, ArpPacket
from simulator.packets.ethernet import EthernetFrame, EtherType

if TYPE_CHECKING:
    from simulator.engine.network import Endpoint, Network


class BridgeDriver(NetworkDriver):
    """libnetwork's ``bridge`` driver."""

    name = "bridge"

    def create(self, network: Network) -> None:
        """``ip link add NAME type bridge``, its MAC, the gateway address, link up."""
        engine = self.engine
        ns = engine.machine.netns
        name = network.bridge_name or f"br-{network.id[:12]}"
        network.bridge_name = name
        rng = engine.sim.stream("macs")
        if engine.profile.mac_scheme == "ip":
            mac = MacAddress(b"\x02\x42" + rng.getrandbits(32).to_bytes(4, "big"))
        else:
            mac = MacAddress.random_local(rng)
        mtu = int(network.options.get("com.docker.network.driver.mtu", "1500") or 1500)
        bridge = Bridge(engine.sim, name, mac, mtu=mtu)
        bridge.tx_queue_len = 0
        bridge.ipv6 = True  # the host has IPv6: the bridge gets a link-local address once it has carrier
        ns.add_device(bridge)
        if network.gateway is not None and network.subnet is not None:
            ns.add_address(name, f"{network.gateway}/{network.subnet.prefixlen}")
        ns.set_up(name)
        # setupIPv4BridgeNetFiltering: br_netfilter + net.bridge.bridge-nf-call-iptables=1, so
        # that container-to-container traffic on a bridge walks the FORWARD chain. Up to
        # 27.4.0 dockerd does it for every bridge network; from 27.4.1 (moby#49090) only
        # when a network needs it: icc=false (or the userland proxy disabled, not modelled).
        icc = network.options.get("com.docker.network.bridge.enable_icc", "true") != "false"
        if _version(engine.profile.version) < (27, 4, 1) or not icc:
            ns.ipv4.bridge_nf_call_iptables = True

    def delete(self, network: Network) -> None:
        """The bridge goes, with its address and routes."""
        ns = self.engine.machine.netns
        if network.bridge_name and network.bridge_name in ns.devices:
            ns.remove_device(network.bridge_name)

    def join(self, network: Network, endpoint: Endpoint) -> None:
        """A veth pair: the host end on the bridge, the other renamed ``ethN`` in the sandbox."""
        engine = self.engine
        sim = engine.sim
        host_ns = engine.machine.netns
        container = endpoint.container
        sandbox = container.netns
        assert sandbox is not None and endpoint.ip is not None and endpoint.mac is not None and network.subnet is not None
        host_name = engine.random_veth_name()
        temp_name = engine.random_veth_name()
        mtu = int(network.options.get("com.docker.network.driver.mtu", "1500") or 1500)
        pair = VethPair(sim, host_name, MacAddress.random_local(sim.stream("macs")), temp_name, MacAddress.random_local(sim.stream("macs")), mtu)
        host_end, ctr_end = pair.a, pair.b
        host_end.tx_queue_len = ctr_end.tx_queue_len = 0  # netlink.Veth{TxQLen: 0}
        host_end.ipv6 = True
        ctr_end.ipv6 = engine.profile.ipv6_link_local  # >= 26.1: disable_ipv6 on the endpoint
        if engine.profile.veth_in_container_ns:
            sandbox.add_device(ctr_end)
            host_ns.add_device(host_end)
        else:
            # veth_newlink registers the peer first: the container end gets the lower index.
            host_ns.add_device(ctr_end)
            host_ns.add_device(host_end)
            index = ctr_end.ifindex
            host_ns.devices.pop(ctr_end.name)
            sandbox.add_device(ctr_end, ifindex=index)
        bridge = host_ns.devices[network.bridge_name or ""]
        assert isinstance(bridge, Bridge)
        bridge.add_port(host_end)
        host_ns.set_up(host_name)
        sandbox.rename_device(temp_name, endpoint.ifname)
        ctr_end.mac = endpoint.mac
        sandbox.add_address(endpoint.ifname, f"{endpoint.ip}/{network.subnet.prefixlen}")
        sandbox.set_up(endpoint.ifname)
        endpoint.host_ifname = host_name
        if engine.profile.garp_on_up:
            # libnetwork osl advertiseAddrs (>= 28): an unsolicited ARP request (sender =
            # target = the address, target MAC zero, to ff:ff:ff:ff:ff:ff) sent from a packet
            # socket as soon as the interface is up, then again every advertise_addr_ms
            # (1000) until advertise_addr_nmsgs (3) are out; the resends stop when the
            # interface goes away.
            count = int(network.options.get("com.docker.network.advertise_addr_nmsgs", "3"))
            interval = int(network.options.get("com.docker.network.advertise_addr_ms", "1000")) / 1000
            garp = ArpPacket(ArpOp.REQUEST, endpoint.mac, endpoint.ip, ZERO_MAC, endpoint.ip)

            def advertise() -> None:
                """One gratuitous ARP from the container's interface."""
                if sandbox.devices.get(endpoint.ifname) is ctr_end and ctr_end.mac == garp.sender_mac:
                    ctr_end.transmit(EthernetFrame(BROADCAST_MAC, garp.sender_mac, EtherType.ARP, garp, flow=sim.next_flow()))

            if count > 0:
                advertise()  # the first goes out before the API call returns
            for n in range(1, count):
                sim.call_later(n * interval, advertise)

    def leave(self, network: Network, endpoint: Endpoint) -> None:
        """The veth pair goes (deleting one end deletes both)."""
        host_ns = self.engine.machine.netns
        container = endpoint.container
        if endpoint.host_ifname and endpoint.host_ifname in host_ns.devices:
            host_ns.remove_device(endpoint.host_ifname)
        sandbox = container.netns
        if sandbox is not None and endpoint.ifname in sandbox.devices:
            sandbox.remove_device(endpoint.ifname)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdecimal())
