"""A network namespace: its own devices, addresses, routes, ARP table and firewall.

``ip netns add`` gives a namespace with only ``lo`` (down); Docker's sandboxes
bring it up. Interface indexes are allocated per namespace and only grow
(``dev_new_index``); a device moved into a namespace keeps its index when it is
free there, which is why a container's ``eth0`` can be ``27: eth0@if28``.
``node`` is the name the learner knows the namespace by (a machine or a container).

A namespace with a ``watcher`` (a set: the lab's topology snapshots, see
``scenario/snapshot.py``) reports every change to what ``ip link`` and ``ip addr``
show here: a device added, removed, renamed, brought up or down, an address added or
removed, and (through :meth:`touch`) a MAC or master change. It adds itself to the
watcher and the device concerned to ``changed`` (or sets ``reread`` when the change
is not one device's), so the snapshot re-reads that and nothing else. A change to a
veth end or to a lower device is also reported in the namespace of its peer or of the
devices stacked on it, whose ``ip link`` names it (``eth0@if28``). Only the
configuration paths do this; no frame or packet ever does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar
from weakref import WeakKeyDictionary

from simulator.kernel.devices.flood import note_change
from simulator.kernel.devices.loopback import Loopback
from simulator.kernel.ipv4.stack import InterfaceAddress, Ipv4Stack
from simulator.trace.topology import ContainerState, DeviceState, NamespaceState

if TYPE_CHECKING:
    from simulator.kernel.devices.device import Device
    from simulator.sim.simulation import Simulation


class NetworkNamespace:
    """One network namespace."""

    created: ClassVar[int] = 0  # namespaces made so far, in any simulation
    _births: ClassVar[WeakKeyDictionary[Simulation, list[NetworkNamespace]]] = WeakKeyDictionary()

    @classmethod
    def births(cls, sim: Simulation) -> list[NetworkNamespace]:
        """The namespaces made in ``sim`` from now on, in order: a watcher's list, which it takes and clears."""
        return cls._births.setdefault(sim, [])

    def __init__(self, sim: Simulation, node: str) -> None:
        NetworkNamespace.created += 1
        born = NetworkNamespace._births.get(sim)
        if born is not None:
            born.append(self)
        self.sim = sim
        self.node = node
        self.devices: dict[str, Device] = {}
        self.watcher: set[NetworkNamespace] | None = None  # told of every change (the lab's snapshots)
        self.changed: set[Device] = set()  # devices whose ``ip link``/``ip addr`` lines changed, for the watcher
        self.reread = False  # a change the watcher must read the whole namespace for
        self._next_ifindex = 1
        self.ipv4 = Ipv4Stack(sim, self)
        self.lo = Loopback(sim)
        self.add_device(self.lo)
        self.netnsids: dict[int, NetworkNamespace] = {}

    def __repr__(self) -> str:
        return f"<NetworkNamespace {self.node}>"

    def touch(self, device: Device | None = None) -> None:
        """Report a change to what ``ip link`` / ``ip addr`` show (see the module docstring)."""
        self.changed_device(device)
        if device is None:
            return
        peer = device.peer  # a veth's other end names this one
        if peer is not None and peer.namespace is not None:
            peer.namespace.changed_device(peer)
        upper = device.upper  # VLAN, macvlan and ipvlan devices stacked on this one name it
        if upper is not None:
            children = list(upper.vlans.values()) + (list(upper.handler.children) if upper.handler is not None else [])
            for child in children:
                if child.namespace is not None:
                    child.namespace.changed_device(child)

    def changed_device(self, device: Device | None) -> None:
        """Report a change to ``device``'s lines only (None: to the namespace as a whole) to the watcher, and to its bridge."""
        if device is not None:
            note_change(device)
        watcher = self.watcher
        if watcher is not None:
            watcher.add(self)
            if device is None:
                self.reread = True
            else:
                self.changed.add(device)

    def add_device(self, device: Device, ifindex: int | None = None) -> None:
        """Register a device created in (or moved into) this namespace."""
        if device.name in self.devices:
            raise FileExistsError("RTNETLINK answers: File exists")
        # Every index here is below _next_ifindex: only a lower one can be taken (the host's
        # namespace has two devices per container, so it is not looked for in vain).
        if ifindex is None or (ifindex < self._next_ifindex and any(d.ifindex == ifindex for d in self.devices.values())):
            ifindex = self._next_ifindex
        device.ifindex = ifindex
        self._next_ifindex = max(self._next_ifindex, ifindex + 1)
        device.namespace = self
        device.node = self.node
        self.devices[device.name] = device
        self.touch(device)

    def remove_device(self, name: str) -> Device:
        """Take a device out of this namespace (its addresses and routes go, its bridge lets it go); returns it."""
        device = self.devices.pop(name)
        self.ipv4.forget_device(name)
        if device.master is not None:
            device.master.remove_port(device)
        self.touch(device)
        device.namespace = None
        return device

    def rename_device(self, old: str, new: str) -> None:
        """``ip link set OLD name NEW`` (the device must be down, as Linux requires)."""
        device = self.devices.pop(old)
        device.name = new
        self.devices[new] = device
        self.ipv4.rename_device(old, new)
        self.touch(device)
        for port in device.enslaved():  # a bridge's ports name it as their master
            self.changed_device(port)

    def set_up(self, name: str) -> None:
        """``ip link set NAME up``: the device comes up and its connected routes with it."""
        device = self.devices[name]
        if not device.up:
            device.up = True
            self.changed_device(device)
            self.ipv4.link_up(name)

    def set_down(self, name: str) -> None:
        """``ip link set NAME down``: the device goes down, its routes and link-local address with it."""
        device = self.devices[name]
        if device.up:
            device.up = False
            device.link_local_kept = False  # NETDEV_DOWN: addrconf_ifdown drops the fe80:: address
            self.changed_device(device)
            self.ipv4.link_down(name)

    def add_address(self, dev: str, cidr: str, broadcast: bool = True) -> InterfaceAddress:
        """``ip addr add CIDR [brd +] dev DEV``."""
        from ipaddress import IPv4Interface

        iface = IPv4Interface(cidr)
        brd = iface.network.broadcast_address if broadcast and iface.network.prefixlen < 31 else None
        scope = "host" if iface.ip.is_loopback else "global"
        addr = InterfaceAddress(iface.ip, iface.network.prefixlen, dev, brd, scope)
        self.ipv4.add_address(addr)
        return addr

    def addresses_of(self, name: str) -> tuple[str, ...]:
        """The IPv4 addresses of device ``name`` as ``ip addr`` prints them (``172.17.0.2/16``), in order."""
        return tuple(f"{a.ip}/{a.prefixlen}" for a in self.ipv4.addresses if a.dev == name)

    def device_states(self) -> list[DeviceState]:
        """Every device as ``ip link`` / ``ip addr`` list them, in ``ifindex`` order."""
        addresses: dict[str, list[str]] = {}
        for a in self.ipv4.addresses:
            addresses.setdefault(a.dev, []).append(f"{a.ip}/{a.prefixlen}")
        return [dev.state(tuple(addresses.get(dev.name, ()))) for dev in sorted(self.devices.values(), key=_ifindex)]

    def state(self, kind: str, machine: str, container: ContainerState | None = None) -> NamespaceState:
        """This namespace and its devices, as a snapshot shows it (``kind`` and ``machine`` as the lab calls them)."""
        return NamespaceState(self.node, kind, machine, tuple(self.device_states()), container)

    def by_index(self, ifindex: int) -> Device | None:
        """The device whose interface index is ``ifindex``, if any."""
        for device in self.devices.values():
            if device.ifindex == ifindex:
                return device
        return None

    def netnsid_of(self, other: NetworkNamespace) -> int:
        """The id this namespace knows ``other`` by (``link-netnsid N``), assigned on first use."""
        for nsid, ns in self.netnsids.items():
            if ns is other:
                return nsid
        nsid = len(self.netnsids)
        self.netnsids[nsid] = other
        return nsid


def _ifindex(device: Device) -> int:
    return device.ifindex
