"""A picture of the whole lab as plain data, for ``TopologyChanged`` records.

Views draw from this and nothing else: machines and containers (namespaces) with
their devices (name, kind, MAC, addresses, state, master bridge, veth peer), the
LAN switch and its cables. Tuples all the way down, so two snapshots compare with
``==`` and a record is immutable.

:func:`take` walks the whole lab: the reference, O(namespaces + devices). The lab
itself takes its snapshots through :class:`Snapshots`, after every command, and that
must cost what the command changed: a namespace whose ``version`` (bumped by the
kernel on every change ``ip link`` or ``ip addr`` would show, see
``kernel/namespace.py``) did not move keeps the very same tuple, and within a
namespace that did, a device whose fields are unchanged keeps its tuple too. Long
sequences are :class:`~simulator.trace.records.ChunkedTuple` values sharing their
unchanged chunks with the snapshot before, so consecutive snapshots share memory and
compare (``==``) in C by identity. ``Snapshots.take(lab) == take(lab)`` always.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from simulator.kernel.devices.veth import Veth
from simulator.kernel.links import stacked_on
from simulator.trace.records import ChunkedTuple

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.kernel.devices.device import Device
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.scenario.lab import Lab

_CREATED = attrgetter("created")
_IFINDEX = attrgetter("ifindex")


def _namespace(ns: NetworkNamespace, kind: str, machine: str, extra: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    devices = []
    for dev in sorted(ns.devices.values(), key=lambda d: d.ifindex):
        peer = None
        lower = stacked_on(dev)  # a macvlan/ipvlan/VLAN device is tied to its parent
        if isinstance(dev, Veth) and dev.peer.namespace is not None:
            peer = (dev.peer.namespace.node, dev.peer.name)
        elif lower is not None and lower.namespace is not None:
            peer = (lower.namespace.node, lower.name)
        addrs = tuple(f"{a.ip}/{a.prefixlen}" for a in ns.ipv4.addresses if a.dev == dev.name)
        devices.append((dev.name, dev.kind, str(dev.mac), addrs, dev.up, dev.master.name if dev.master else None, peer))
    return (ns.node, kind, machine, tuple(devices), extra)


def take(lab: Lab) -> tuple[Any, ...]:
    """(namespaces, lan) where namespaces are (node, kind, machine, devices, extra)."""
    namespaces = []
    for name, machine in lab.machines.items():
        kind = "docker-host" if name in lab.engines else name
        namespaces.append(_namespace(machine.netns, kind, name))
    for host, engine in lab.engines.items():
        for c in sorted(engine.containers.values(), key=lambda c: c.created):
            if c.netns is None or c.netns is engine.machine.netns:
                continue
            if c.network_mode.startswith("container:"):
                continue
            extra = (("image", c.image.reference), ("networks", tuple(sorted(c.endpoints))))
            namespaces.append(_namespace(c.netns, "container", host, extra))
        overlay = engine.drivers.get("overlay")
        for ns in getattr(overlay, "namespaces", list)():  # overlay networks' own namespaces (br0, vxlan0)
            namespaces.append(_namespace(ns, "overlay-netns", host))
    lan: tuple[tuple[str, str, str], ...] = ()
    if lab.topology.switch is not None:
        lan = tuple(
            (port.name, port.wire.a.node if port.wire and port.wire.a is not port else "", port.wire.a.name if port.wire else "")
            for port in lab.topology.switch.ports.values()
        )
    return (tuple(namespaces), lan)


class _Entry:
    """One namespace as the last snapshot showed it, and what it was read from."""

    __slots__ = ("version", "kind", "machine", "owner", "value", "devices", "device_seq")

    def __init__(self, version: int, kind: str, machine: str, owner: Container | None, value: tuple[Any, ...],
                 devices: dict[Device, tuple[tuple[Any, ...], tuple[Any, ...]]], device_seq: Sequence[Any]) -> None:
        self.version = version
        self.kind = kind
        self.machine = machine
        self.owner = owner  # the container whose image and networks are in ``extra``
        self.value = value
        self.devices = devices  # device -> (what its tuple was read from, its tuple)
        self.device_seq = device_seq


class Snapshots:
    """The lab's snapshots, each re-reading only the namespaces that changed since the one before."""

    def __init__(self) -> None:
        self._entries: dict[NetworkNamespace, _Entry] = {}
        self._last: tuple[Any, ...] | None = None

    def take(self, lab: Lab) -> tuple[Any, ...]:
        """What :func:`take` returns; the previous snapshot itself when nothing changed."""
        old = self._entries
        entries: dict[NetworkNamespace, _Entry] = {}
        namespaces: list[tuple[Any, ...]] = []
        for name, machine in lab.machines.items():
            kind = "docker-host" if name in lab.engines else name
            namespaces.append(self._namespace(old, entries, machine.netns, kind, name, None))
        for host, engine in lab.engines.items():
            host_ns = engine.machine.netns
            for c in sorted(engine.containers.values(), key=_CREATED):
                ns = c.netns
                if ns is None or ns is host_ns or c.network_mode.startswith("container:"):
                    continue
                namespaces.append(self._namespace(old, entries, ns, "container", host, c))
            overlay = engine.drivers.get("overlay")
            for ns in getattr(overlay, "namespaces", list)():
                namespaces.append(self._namespace(old, entries, ns, "overlay-netns", host, None))
        self._entries = entries
        lan: tuple[tuple[str, str, str], ...] = ()
        if lab.topology.switch is not None:
            lan = tuple(
                (port.name, port.wire.a.node if port.wire and port.wire.a is not port else "", port.wire.a.name if port.wire else "")
                for port in lab.topology.switch.ports.values()
            )
        last = self._last
        if last is None:
            snap = (ChunkedTuple.share(namespaces, None), lan)
        else:
            shared = ChunkedTuple.share(namespaces, last[0])
            snap = (shared, last[1] if last[1] == lan else lan)
            if snap[0] is last[0] and snap[1] is last[1]:
                return last
            if snap == last:
                return last
        self._last = snap
        return snap

    @staticmethod
    def _namespace(old: dict[NetworkNamespace, _Entry], entries: dict[NetworkNamespace, _Entry], ns: NetworkNamespace,
                   kind: str, machine: str, owner: Container | None) -> tuple[Any, ...]:
        entry = old.get(ns)
        if entry is not None and entry.version == ns.version and entry.owner is owner and entry.kind == kind and entry.machine == machine:
            entries[ns] = entry
            return entry.value
        previous = entry.devices if entry is not None else {}
        addresses: dict[str, list[str]] = {}
        for a in ns.ipv4.addresses:
            addresses.setdefault(a.dev, []).append(f"{a.ip}/{a.prefixlen}")
        devices: dict[Device, tuple[tuple[Any, ...], tuple[Any, ...]]] = {}
        rows = []
        for dev in sorted(ns.devices.values(), key=_IFINDEX):
            peer = None
            if isinstance(dev, Veth):
                if dev.peer.namespace is not None:
                    peer = (dev.peer.namespace.node, dev.peer.name)
            else:
                lower = stacked_on(dev)  # a macvlan/ipvlan/VLAN device is tied to its parent
                if lower is not None and lower.namespace is not None:
                    peer = (lower.namespace.node, lower.name)
            addrs = tuple(addresses.get(dev.name, ()))
            master = dev.master.name if dev.master else None
            source = (dev.name, dev.kind, dev.mac, addrs, dev.up, master, peer)
            known = previous.get(dev)
            if known is not None and known[0] == source:
                row = known[1]
            else:
                row = (dev.name, dev.kind, str(dev.mac), addrs, dev.up, master, peer)
            devices[dev] = (source, row)
            rows.append(row)
        device_seq = ChunkedTuple.share(rows, entry.device_seq if entry is not None else None)
        extra: tuple[Any, ...] = ()
        if owner is not None:
            extra = (("image", owner.image.reference), ("networks", tuple(sorted(owner.endpoints))))
        value = (ns.node, kind, machine, device_seq, extra)
        if entry is not None and entry.value == value:
            value = entry.value
        entries[ns] = _Entry(ns.version, kind, machine, owner, value, devices, device_seq)
        return value
