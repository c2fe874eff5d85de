"""The network as it stood at one moment: the typed snapshot a ``TopologyChanged`` carries.

What ``ip link`` and ``ip addr`` would list in every namespace of the lab, and what
the LAN switch's cables join, as small frozen values the kernel builds about itself
(``Device.state``, ``NetworkNamespace.state``, ``LanSwitch.cables``) and the views
read field by field (``simulator/viz/network.py``). A container's namespace also
says what Docker knows of it (:class:`ContainerState`: its image, networks and
network-scoped aliases), which no ``ip`` command shows but a picture labels.

Every value compares with ``==`` and hashes, so two snapshots a command apart compare
in one expression, and the lab keeps the very same value for what did not change
(``scenario/snapshot.py``); a namespace's ``devices`` and a snapshot's
``namespaces`` may be :class:`~simulator.trace.records.ChunkedTuple` values, read
like the flat tuples they stand for.

>>> lo = DeviceState("lo", "loopback", "00:00:00:00:00:00", ("127.0.0.1/8",), True, None, None)
>>> host = NamespaceState("host", "docker-host", "host", (lo,))
>>> Snapshot((host,), ()).namespace("host").device("lo").addrs
('127.0.0.1/8',)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.packets.frozen import fast_init

__all__ = ["ContainerState", "DeviceState", "LanCable", "NamespaceState", "Snapshot"]


@fast_init
@dataclass(frozen=True, slots=True)
class DeviceState:
    """One network device as ``ip link`` / ``ip addr`` list it.

    ``kind`` is ``ip -d link``'s (``veth``, ``bridge``, ``macvlan``, ...); ``addrs`` the
    IPv4 addresses as ``ip addr`` prints them (``172.17.0.2/16``); ``master`` the
    bridge it is a port of; ``peer`` the ``(node, device)`` at its other end: a
    veth's peer, or the device a macvlan, ipvlan or VLAN device is stacked on
    (``IFLA_LINK``, the ``@eth0`` of ``eth0.10@eth0``).
    """

    name: str
    kind: str
    mac: str
    addrs: tuple[str, ...]
    up: bool
    master: str | None
    peer: tuple[str, str] | None


@fast_init
@dataclass(frozen=True, slots=True)
class ContainerState:
    """What Docker knows of a container whose namespace the snapshot shows.

    ``image`` is its image reference; ``networks`` the names of the networks it is
    on, sorted; ``aliases`` ``(network, (alias, ...))`` for each network where it has
    network-scoped aliases (``--network-alias``, ``network connect --alias``), the
    names the embedded DNS server at 127.0.0.11 answers for it there.
    """

    image: str
    networks: tuple[str, ...]
    aliases: tuple[tuple[str, tuple[str, ...]], ...]


@fast_init
@dataclass(frozen=True, slots=True)
class NamespaceState:
    """A network namespace and its devices, in ``ifindex`` order.

    ``node`` is the name a learner knows it by (``host``, ``router``, ``c1``; an
    overlay network's own namespace is ``HOST:ID``); ``kind`` is ``docker-host``,
    ``router``, ``internet``, ``laptop``, ``container`` or ``overlay-netns``;
    ``machine`` the machine it lives on; ``container`` what Docker knows of it, for a
    container's namespace.
    """

    node: str
    kind: str
    machine: str
    devices: Sequence[DeviceState]
    container: ContainerState | None = None

    def device(self, name: str) -> DeviceState | None:
        """The device called ``name`` here, or None."""
        return next((d for d in self.devices if d.name == name), None)


@fast_init
@dataclass(frozen=True, slots=True)
class LanCable:
    """A cable from a LAN switch port to a machine's NIC (``node``/``dev``; empty when the port is free)."""

    port: str
    node: str
    dev: str


@fast_init
@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every namespace of the lab, in a stable order (machines, then each engine's containers and overlay namespaces), and the LAN."""

    namespaces: Sequence[NamespaceState]
    lan: tuple[LanCable, ...]

    def namespace(self, node: str) -> NamespaceState | None:
        """The namespace called ``node``, or None."""
        return next((n for n in self.namespaces if n.node == node), None)
