"""A picture of the whole lab as typed values, for ``TopologyChanged`` records.

Views draw from this and nothing else: a :class:`~simulator.trace.topology.Snapshot`
of the machines and containers (namespaces) with their devices (name, kind, MAC,
addresses, state, master bridge, veth peer), the LAN switch and its cables. The
kernel describes its own objects (``NetworkNamespace.state``, ``Device.state``,
``LanSwitch.cables``); this module says which namespaces the lab shows, in which
order, and what Docker knows of a container's (:func:`container_state`). Frozen
values all the way down, so two snapshots compare with ``==`` and a record is immutable.

:func:`take` walks the whole lab: the reference, O(namespaces + devices). The lab
itself takes its snapshots through :class:`Snapshots`, after every command, and that
must cost what the command changed: a namespace that reported no change (the kernel
reports every change ``ip link`` or ``ip addr`` would show, device by device, see
``kernel/namespace.py``) keeps the very same value, and within a namespace that did,
only the devices it named are read again. Long
sequences are :class:`~simulator.trace.records.ChunkedTuple` values sharing their
unchanged chunks with the snapshot before, so consecutive snapshots share memory and
compare (``==``) in C by identity. ``Snapshots.take(lab) == take(lab)`` always.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import islice
from operator import attrgetter
from typing import TYPE_CHECKING, Generic, TypeVar

from simulator.kernel.namespace import NetworkNamespace
from simulator.trace.records import ChunkedTuple
from simulator.trace.topology import ContainerState, DeviceState, LanCable, NamespaceState, Snapshot

if TYPE_CHECKING:
    from simulator.engine.container import Container
    from simulator.engine.docker_engine import DockerEngine
    from simulator.kernel.devices.device import Device
    from simulator.scenario.lab import Lab

_IFINDEX = attrgetter("ifindex")
T = TypeVar("T", NamespaceState, DeviceState)


def container_state(c: Container) -> ContainerState:
    """What a container's namespace adds to the snapshot: its image, its networks, its aliases per network."""
    aliases = tuple((name, ep.aliases) for name, ep in sorted(c.endpoints.items()) if ep.aliases)
    return ContainerState(c.image.reference, tuple(sorted(c.endpoints)), aliases)


def _lan(lab: Lab) -> tuple[LanCable, ...]:
    return lab.topology.switch.cables() if lab.topology.switch is not None else ()


def take(lab: Lab) -> Snapshot:
    """Every namespace the lab shows (machines, then each engine's containers and overlay namespaces) and the LAN."""
    namespaces = []
    for name, machine in lab.machines.items():
        kind = "docker-host" if name in lab.engines else name
        namespaces.append(machine.netns.state(kind, name))
    for host, engine in lab.engines.items():
        for c in sorted(engine.containers.values(), key=lambda c: c.created):
            if c.netns is None or c.netns is engine.machine.netns:
                continue
            if c.network_mode.is_container:
                continue
            namespaces.append(c.netns.state("container", host, container_state(c)))
        for ns in engine.drivers["overlay"].namespaces():  # overlay networks' own namespaces (br0, vxlan0)
            namespaces.append(ns.state("overlay-netns", host))
    return Snapshot(tuple(namespaces), _lan(lab))


class _Seq(Generic[T]):
    """A flat list and the sequence it was last published as: publishing re-chunks only what changed.

    The published value is a plain tuple up to ``ChunkedTuple.SIZE`` items, else a
    :class:`ChunkedTuple`, built from the chunks of the one before:
    a replaced item re-makes its chunk, an insertion or deletion the chunks from there on.
    """

    __slots__ = ("items", "value", "_dirty", "_tail")

    def __init__(self) -> None:
        self.items: list[T] = []
        self.value: Sequence[T] = ()
        self._dirty: set[int] = set()  # chunks holding a replaced item
        self._tail = 0  # the items from here on moved (something was inserted or deleted before them)

    def set(self, i: int, item: T) -> None:
        if self.items[i] is not item:
            self.items[i] = item
            self._dirty.add(i // ChunkedTuple.SIZE)

    def insert(self, i: int, item: T) -> None:
        self.items.insert(i, item)
        self._tail = min(self._tail, i)

    def delete(self, i: int) -> None:
        del self.items[i]
        self._tail = min(self._tail, i)

    def splice(self, start: int, stop: int, new: list[T]) -> None:
        """Replace ``items[start:stop]`` with ``new``."""
        if stop - start == len(new):
            for k, item in enumerate(new):
                self.set(start + k, item)
        else:
            self.items[start:stop] = new
            self._tail = min(self._tail, start)

    def publish(self) -> Sequence[T]:
        items, old, size = self.items, self.value, ChunkedTuple.SIZE
        n = len(items)
        if n <= size:
            flat = tuple(items)
            value: Sequence[T] = flat
            if type(old) is tuple and old == flat:
                value = self.items[:] = old  # the items as published: an equal one is not rebuilt later
        elif not self._dirty and self._tail >= n and len(old) == n:
            value = old
        else:
            previous = old.chunks if isinstance(old, ChunkedTuple) else ()
            start = min(self._tail, len(old)) // size if previous else 0
            chunks = list(previous[:start])
            for c in self._dirty:
                if c < start:
                    chunks[c] = self._chunk(c, previous)
            chunks.extend(self._chunk(c, previous) for c in range(start, (n + size - 1) // size))
            value = ChunkedTuple(tuple(chunks))
        self.value = value
        self._dirty.clear()
        self._tail = n
        return value

    def _chunk(self, c: int, previous: tuple[tuple[T, ...], ...]) -> tuple[T, ...]:
        size = ChunkedTuple.SIZE
        chunk = tuple(self.items[c * size:(c + 1) * size])
        if c < len(previous) and previous[c] == chunk:  # identical items compare by identity, in C
            self.items[c * size:(c + 1) * size] = previous[c]  # the items as published (an equal one may be new)
            return previous[c]
        return chunk


class _Entry:
    """One namespace as the last snapshot showed it, and what it was read from."""

    __slots__ = ("kind", "machine", "owner", "value", "rows", "keys", "devices", "sources")

    def __init__(self, kind: str, machine: str, owner: Container | None) -> None:
        self.kind = kind
        self.machine = machine
        self.owner = owner  # the container whose image and networks are in ``extra``
        self.value: NamespaceState | None = None
        self.rows: _Seq[DeviceState] = _Seq()  # the devices' states, by ifindex
        self.keys: list[int] = []  # their ifindexes
        self.devices: list[Device] = []  # the devices themselves
        self.sources: dict[Device, tuple[DeviceState, int]] = {}  # device -> (its state, its ifindex)


class _Engine:
    """One engine's containers as the last snapshot saw them, in creation order."""

    __slots__ = ("containers", "listed", "number", "next", "shown", "numbers", "quiet", "hidden", "overlay")

    def __init__(self) -> None:
        self.containers: dict[str, Container] | None = None  # the engine's dict they were read from
        self.listed: list[Container] = []  # every container, in the dict's (creation) order
        self.number: dict[str, int] = {}  # container id -> its rank in creation order
        self.next = 0
        self.shown: dict[str, NetworkNamespace] = {}  # container id -> the namespace the snapshot shows for it
        self.numbers: list[int] = []  # the ranks of the shown ones, ascending: their order in the snapshot
        self.quiet: dict[str, Container] = {}  # shown, without endpoints: stopping one changes no namespace
        self.hidden: dict[str, Container] = {}  # not shown, but would be once started
        self.overlay: list[NetworkNamespace] = []  # the overlay driver's namespaces, after the containers


class Snapshots:
    """The lab's snapshots, each costing what changed since the one before.

    Namespaces report their changes to ``self._dirty`` (their ``watcher``, with the
    devices concerned in ``changed``): a snapshot re-reads those devices' lines and
    patches the namespace's row list and the snapshot's namespace list. An engine's
    containers are followed as they are appended to its dict (in creation order), and
    only the ones that may have started or stopped are looked at (see ``_containers``).
    """

    def __init__(self) -> None:
        self._entries: dict[NetworkNamespace, _Entry] = {}
        self._dirty: set[NetworkNamespace] = set()  # every watched namespace adds itself here on a change
        self._seq: _Seq[NamespaceState] = _Seq()  # the namespaces' states, in the order of :func:`take`
        self._machines: list[NetworkNamespace] = []
        self._engines: list[tuple[str, DockerEngine, _Engine]] = []
        self._shown: dict[NetworkNamespace, tuple[_Engine, Container]] = {}  # a container's namespace -> whose
        self._births: list[NetworkNamespace] | None = None  # namespaces made since the last snapshot (the kernel appends)
        self._last: Snapshot | None = None

    def take(self, lab: Lab) -> Snapshot:
        """What :func:`take` returns; the previous snapshot itself when nothing changed."""
        if [(h, e) for h, e, _ in self._engines] != list(lab.engines.items()):
            self._restart(lab)
        pending: dict[int, list[Container]] = {}  # per engine view (by id): containers whose namespace changed
        changed = list(self._dirty)
        self._dirty.clear()
        for ns in changed:
            owner = self._shown.get(ns)
            if owner is not None:
                pending.setdefault(id(owner[0]), []).append(owner[1])
            elif ns not in self._entries:  # no longer shown: forget what it collected
                ns.changed.clear()
                ns.reread = False
        births = self._births
        if births is None:  # the first look: every container is looked at anyway
            births = self._births = NetworkNamespace.births(lab.sim)
        born = set(births)
        births.clear()
        seq = self._seq
        machines = [machine.netns for machine in lab.machines.values()]
        values = [self._read(machine.netns, "docker-host" if name in lab.engines else name, name, None)
                  for name, machine in lab.machines.items()]
        self._forget(self._machines, machines)
        seq.splice(0, len(self._machines), values)
        self._machines = machines
        offset = len(machines)
        for host, engine, view in self._engines:
            self._containers(host, engine, view, offset, pending.get(id(view), []), born)
            offset += len(view.numbers)
            namespaces: list[NetworkNamespace] = engine.drivers["overlay"].namespaces()
            values = [self._read(ns, "overlay-netns", host, None) for ns in namespaces]
            self._forget(view.overlay, namespaces)
            seq.splice(offset, offset + len(view.overlay), values)
            view.overlay = namespaces
            offset += len(namespaces)
        lan = _lan(lab)
        namespaces_seq = seq.publish()
        last = self._last
        if last is not None:
            if namespaces_seq is last.namespaces and lan == last.lan:
                return last
            if lan == last.lan:
                lan = last.lan
        snap = Snapshot(namespaces_seq, lan)
        self._last = snap
        return snap

    def _restart(self, lab: Lab) -> None:
        """The lab's engines are not the ones followed so far: read everything again."""
        self._entries.clear()
        self._shown.clear()
        self._seq.splice(0, len(self._seq.items), [])
        self._machines = []
        self._engines = [(host, engine, _Engine()) for host, engine in lab.engines.items()]

    def _forget(self, old: list[NetworkNamespace], new: list[NetworkNamespace]) -> None:
        if old != new:
            keep = set(new)
            for ns in old:
                if ns not in keep:
                    self._entries.pop(ns, None)

    def _containers(self, host: str, engine: DockerEngine, view: _Engine, offset: int, pending: list[Container],
                    born: set[NetworkNamespace]) -> None:
        """Bring the engine's part of the namespace list up to date (it starts at ``offset``).

        A container's ``netns`` changes when it starts (a new namespace: ``born``), and
        when it stops: leaving its endpoints then removes devices from its namespace
        (``pending``), except for a container with no endpoint, which is looked at
        every time (``quiet``).
        """
        containers = engine.containers
        added, removed = self._changes(containers, view)
        for c in removed:
            self._drop(view, offset, c)
        todo = added + pending
        if view.quiet:
            todo += view.quiet.values()
        if born and view.hidden:
            todo += self._started(engine, view, born)
        host_ns = engine.machine.netns
        for c in todo:
            self._place(host, containers, host_ns, view, offset, c)

    @staticmethod
    def _started(engine: DockerEngine, view: _Engine, born: set[NetworkNamespace]) -> list[Container]:
        """The hidden containers that started since the last snapshot: the owners of the namespaces ``born`` since.

        A container's namespace bears the container's name when it is made (``docker
        inspect`` shows it as the sandbox's key). A namespace named after no container
        (an overlay network's, or a container renamed in the same command line) is looked
        for among every hidden container.
        """
        started = []
        for ns in born:
            cid = engine.container_names.get(ns.node)
            if cid is None:
                started += [c for c in view.hidden.values() if c.netns is ns]
                continue
            c = view.hidden.get(cid)
            if c is not None and c.netns is ns:
                started.append(c)
        return started

    @staticmethod
    def _changes(containers: dict[str, Container], view: _Engine) -> tuple[list[Container], list[Container]]:
        """The containers added to and removed from the engine since the view last looked (the view is updated)."""
        n, known = len(containers), len(view.listed)
        removed: list[Container] = []
        if containers is view.containers and n >= known and (
                known == 0 or next(islice(reversed(containers.values()), n - known, None)) is view.listed[-1]):
            # Only appended (a removal would have pushed the last known one further back).
            added = list(islice(reversed(containers.values()), n - known))[::-1]
            view.listed.extend(added)
            return added, removed
        listed = list(containers.values())
        if containers is view.containers:
            removed = [c for c in view.listed if containers.get(c.id) is not c]
            added = [c for c in listed if c.id not in view.number]
        else:
            removed, added = view.listed, listed
        view.containers, view.listed = containers, listed
        return added, removed

    def _drop(self, view: _Engine, offset: int, c: Container) -> None:
        """A removed container: its namespace leaves the list, and the view forgets it."""
        old = view.shown.pop(c.id, None)
        if old is not None:
            p = bisect_left(view.numbers, view.number[c.id])
            del view.numbers[p]
            self._seq.delete(offset + p)
            self._shown.pop(old, None)
            self._entries.pop(old, None)
        del view.number[c.id]
        view.quiet.pop(c.id, None)
        view.hidden.pop(c.id, None)

    def _place(self, host: str, containers: dict[str, Container], host_ns: NetworkNamespace, view: _Engine, offset: int,
               c: Container) -> None:
        """One container's namespace, listed (or re-read) in its place, or taken off the list when it has none."""
        numbers, shown, seq = view.numbers, view.shown, self._seq
        rank = view.number.get(c.id)
        if rank is None:
            if containers.get(c.id) is not c:
                return  # removed
            rank = view.number[c.id] = view.next
            view.next += 1
        old = shown.get(c.id)
        ns = c.netns
        own = not c.network_mode.shares_namespace
        if ns is None or ns is host_ns or not own:
            ns = None
        before = None
        if old is not None and old is not ns:
            p = bisect_left(numbers, rank)
            before = seq.items[offset + p]
            del numbers[p]
            seq.delete(offset + p)
            del shown[c.id]
            self._shown.pop(old, None)
            self._entries.pop(old, None)
        if ns is None:
            view.quiet.pop(c.id, None)
            if own:
                view.hidden[c.id] = c  # not running: its next namespace is a new one
            else:
                view.hidden.pop(c.id, None)
            return
        value = self._read(ns, "container", host, c)
        if before is not None and before == value:  # restarted as it was: the same value
            value = self._entries[ns].value = before
        p = bisect_left(numbers, rank)
        if old is ns:
            seq.set(offset + p, value)
        else:
            numbers.insert(p, rank)
            seq.insert(offset + p, value)
            shown[c.id] = ns
            self._shown[ns] = (view, c)
        view.hidden.pop(c.id, None)
        if c.endpoints:
            view.quiet.pop(c.id, None)
        else:
            view.quiet[c.id] = c

    def _read(self, ns: NetworkNamespace, kind: str, machine: str, owner: Container | None) -> NamespaceState:
        """The namespace's state: the one before when nothing changed, else patched where it changed."""
        entry = self._entries.get(ns)
        if entry is not None and entry.kind == kind and entry.machine == machine and entry.owner is owner:
            if not ns.changed and not ns.reread and entry.value is not None:
                return entry.value
            if ns.reread or not self._patch(ns, entry):
                self._full(ns, entry)
        else:
            entry = self._entries[ns] = _Entry(kind, machine, owner)
            ns.watcher = self._dirty
            self._full(ns, entry)
        ns.changed.clear()
        ns.reread = False
        container = container_state(owner) if owner is not None else None
        value = NamespaceState(ns.node, kind, machine, entry.rows.publish(), container)
        if entry.value is None or entry.value != value:
            entry.value = value
            return value
        return entry.value

    @staticmethod
    def _full(ns: NetworkNamespace, entry: _Entry) -> None:
        """Read every device of the namespace (keeping the values of the unchanged ones)."""
        addresses: dict[str, list[str]] = {}
        for a in ns.ipv4.addresses:
            addresses.setdefault(a.dev, []).append(f"{a.ip}/{a.prefixlen}")
        previous = entry.sources
        sources: dict[Device, tuple[DeviceState, int]] = {}
        devices = sorted(ns.devices.values(), key=_IFINDEX)
        rows = []
        for dev in devices:
            known = _row(dev, tuple(addresses.get(dev.name, ())), previous.get(dev))
            sources[dev] = known
            rows.append(known[0])
        entry.sources = sources
        entry.devices = devices
        entry.keys = [dev.ifindex for dev in devices]
        entry.rows.splice(0, len(entry.rows.items), rows)

    @staticmethod
    def _patch(ns: NetworkNamespace, entry: _Entry) -> bool:
        """Re-read only the devices that changed; False when the rows no longer match (read them all)."""
        keys, devices, rows, sources = entry.keys, entry.devices, entry.rows, entry.sources
        added = []
        for dev in ns.changed:
            present = dev.namespace is ns and ns.devices.get(dev.name) is dev
            known = sources.get(dev)
            if known is not None:
                p = bisect_left(keys, known[1])
                if p >= len(devices) or devices[p] is not dev:
                    return False
                if present and dev.ifindex == known[1]:
                    fresh = _row(dev, ns.addresses_of(dev.name), known)
                    sources[dev] = fresh
                    rows.set(p, fresh[0])
                    continue
                del keys[p], devices[p], sources[dev]
                rows.delete(p)
            if present:
                added.append(dev)
        for dev in added:
            p = bisect_right(keys, dev.ifindex)
            fresh = _row(dev, ns.addresses_of(dev.name), None)
            keys.insert(p, dev.ifindex)
            devices.insert(p, dev)
            sources[dev] = fresh
            rows.insert(p, fresh[0])
        return True


def _row(dev: Device, addrs: tuple[str, ...], known: tuple[DeviceState, int] | None) -> tuple[DeviceState, int]:
    """(the device's state, its ifindex): ``known`` itself when nothing moved, so an unchanged device keeps its value."""
    state = dev.state(addrs)
    if known is not None and known[0] == state:
        return known if known[1] == dev.ifindex else (known[0], dev.ifindex)
    return (state, dev.ifindex)
