"""A picture of the whole lab as plain data, for ``TopologyChanged`` records.

Views draw from this and nothing else: machines and containers (namespaces) with
their devices (name, kind, MAC, addresses, state, master bridge, veth peer), the
LAN switch and its cables. Tuples all the way down, so two snapshots compare with
``==`` and a record is immutable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.kernel.devices.veth import Veth
from simulator.kernel.links import stacked_on

if TYPE_CHECKING:
    from simulator.kernel.namespace import NetworkNamespace
    from simulator.scenario.lab import Lab


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
