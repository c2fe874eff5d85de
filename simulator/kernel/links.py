"""Creating, moving and deleting links: rtnetlink's ``RTM_NEWLINK`` and ``RTM_DELLINK``.

One place that knows how each kind of device is born and dies, for whoever asks:
the ``ip`` program (a learner typing ``ip link add mac0 link eth0 type macvlan mode
bridge``) and Docker's drivers (a macvlan child per container, an ``eth0.10``
sub-interface, a VXLAN device per overlay network). Refusals raise
:class:`~simulator.kernel.devices.upper.LinkError` with iproute2's words.

Deleting a device also deletes what is stacked on it (a VLAN's macvlan children,
wherever they live), as unregistering a lower device does in Linux.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from simulator.kernel.devices import ipvlan, macvlan, vlan, vxlan
from simulator.kernel.devices.upper import LinkError
from simulator.packets.addresses import MacAddress
from simulator.packets.vxlan import VXLAN_PORT

if TYPE_CHECKING:
    from simulator.kernel.devices.device import Device
    from simulator.kernel.namespace import NetworkNamespace

MAX_NAME = 15  # IFNAMSIZ - 1


def lookup(ns: NetworkNamespace, name: str) -> Device:
    """``ll_name_to_index``: iproute2's own error when the name is unknown."""
    dev = ns.devices.get(name)
    if dev is None:
        raise LinkError(f'Cannot find device "{name}"', 1)
    return dev


def check_new(ns: NetworkNamespace, name: str) -> None:
    """A name a new link may take in ``ns`` (rtnetlink's answer otherwise: not a valid ifname, File exists)."""
    if len(name) > MAX_NAME or not name or "/" in name or " " in name:
        raise LinkError(f'Error: argument "{name}" is wrong: "name" not a valid ifname', 255)
    if name in ns.devices:
        raise LinkError("RTNETLINK answers: File exists")


def _random_mac(ns: NetworkNamespace) -> MacAddress:
    return MacAddress.random_local(ns.sim.stream("link-macs"))  # eth_random_addr


def add_macvlan(ns: NetworkNamespace, name: str, parent: str, mode: macvlan.MacvlanMode, mac: MacAddress | None = None) -> macvlan.Macvlan:
    """``ip link add NAME link PARENT type macvlan mode MODE``."""
    lower = lookup(ns, parent)
    check_new(ns, name)
    child = macvlan.create(ns.sim, name, lower, mode, mac or _random_mac(ns))
    child.ipv6 = lower.ipv6  # IPv6 (a link-local address) as on the parent's side
    ns.add_device(child)
    return child


def add_ipvlan(ns: NetworkNamespace, name: str, parent: str, mode: ipvlan.IpvlanMode, flag: ipvlan.IpvlanFlag) -> ipvlan.Ipvlan:
    """``ip link add NAME link PARENT type ipvlan mode MODE FLAG``."""
    lower = lookup(ns, parent)
    check_new(ns, name)
    child = ipvlan.create(ns.sim, name, lower, mode, flag)
    child.ipv6 = lower.ipv6  # IPv6 (a link-local address) as on the parent's side
    ns.add_device(child)
    return child


def add_vlan(ns: NetworkNamespace, name: str, parent: str, vid: int) -> vlan.Vlan:
    """``ip link add link PARENT name NAME type vlan id VID``."""
    lower = lookup(ns, parent)
    check_new(ns, name)
    dev = vlan.create(ns.sim, name, lower, vid)
    dev.ipv6 = lower.ipv6  # IPv6 (a link-local address) as on the parent's side
    ns.add_device(dev)
    return dev


def add_vxlan(
    ns: NetworkNamespace,
    name: str,
    vni: int,
    *,
    dstport: int = VXLAN_PORT,
    learning: bool = True,
    proxy: bool = False,
    l2miss: bool = False,
    l3miss: bool = False,
    udp_csum: bool = True,
    local: IPv4Address | None = None,
    remote: IPv4Address | None = None,
    mtu: int = 1500,
    mac: MacAddress | None = None,
) -> vxlan.Vxlan:
    """``ip link add NAME type vxlan id VNI dstport PORT ...``: the socket stays in ``ns`` (the underlay)."""
    check_new(ns, name)
    if not 0 <= vni < 1 << 24:
        raise LinkError(f'Error: argument "{vni}" is wrong: invalid id', 255)
    dev = vxlan.Vxlan(ns.sim, name, mac or _random_mac(ns), vni, ns, dstport=dstport, learning=learning, proxy=proxy,
                      l2miss=l2miss, l3miss=l3miss, udp_csum=udp_csum, local=local, mtu=mtu)
    dev.open()
    if remote is not None:
        dev.fdb_add(MacAddress(bytes(6)), remote)  # remote: the all-zeros default destination
    ns.add_device(dev)
    return dev


def move(dev: Device, to: NetworkNamespace, new_name: str | None = None) -> None:
    """``ip link set DEV netns NS [name NEW]``: the index is kept when it is free there."""
    src = dev.namespace
    index = dev.ifindex
    if src is not None:
        src.ipv4.forget_device(dev.name)
        src.devices.pop(dev.name, None)
    if new_name is not None:
        dev.name = new_name
    to.add_device(dev, ifindex=index)


def delete(ns: NetworkNamespace, name: str) -> None:
    """``ip link del NAME``: the device, and every device stacked on it."""
    dev = lookup(ns, name)
    if dev.kind == "loopback":
        raise LinkError("RTNETLINK answers: Operation not supported")
    _unregister(dev)


def _unregister(dev: Device) -> None:
    upper = dev.upper
    if upper is not None:
        for child in list(upper.vlans.values()):
            _unregister(child)
        handler = upper.handler
        if isinstance(handler, macvlan.MacvlanPort | ipvlan.IpvlanPort):
            for kid in list(handler.children):
                _unregister(kid)
    if isinstance(dev, macvlan.Macvlan):
        macvlan.destroy(dev)
    elif isinstance(dev, ipvlan.Ipvlan):
        ipvlan.destroy(dev)
    elif isinstance(dev, vlan.Vlan):
        vlan.destroy(dev)
    elif isinstance(dev, vxlan.Vxlan):
        dev.close()
    ns = dev.namespace
    if ns is not None and ns.devices.get(dev.name) is dev:
        ns.remove_device(dev.name)


def stacked_on(dev: Device) -> Device | None:
    """The lower device of a stacked device (``IFLA_LINK``), or None."""
    if isinstance(dev, macvlan.Macvlan | ipvlan.Ipvlan | vlan.Vlan):
        return dev.lower
    return None
