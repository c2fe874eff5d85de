"""Append-only structured records of what happened, and tools to read them.

Every hop a frame makes becomes a record carrying its reason: the FDB entry that
decided a forward, the route that matched, the netfilter rule that rewrote an
address, the neighbour state that held a packet back, the reason for a drop.
Views (``simulator.viz``) and captures read nothing else.
"""

from simulator.trace.records import (
    ArpProxied,
    BridgeForwarded,
    CommandRun,
    ControlPlaneProgrammed,
    DropReason,
    FilterVerdict,
    FrameDropped,
    FrameReceived,
    FrameSent,
    MacvlanForwarded,
    NatTranslated,
    NeighbourChanged,
    PacketDelivered,
    Record,
    RouteChosen,
    TopologyChanged,
    VxlanDecapsulated,
    VxlanEncapsulated,
)
from simulator.trace.topology import ContainerState, DeviceState, LanCable, NamespaceState, Snapshot
from simulator.trace.tracer import Trace, Tracer

__all__ = [
    "ArpProxied",
    "BridgeForwarded",
    "CommandRun",
    "ContainerState",
    "ControlPlaneProgrammed",
    "DeviceState",
    "DropReason",
    "FilterVerdict",
    "FrameDropped",
    "FrameReceived",
    "FrameSent",
    "LanCable",
    "MacvlanForwarded",
    "NamespaceState",
    "NatTranslated",
    "NeighbourChanged",
    "PacketDelivered",
    "Record",
    "RouteChosen",
    "Snapshot",
    "TopologyChanged",
    "Trace",
    "Tracer",
    "VxlanDecapsulated",
    "VxlanEncapsulated",
]
