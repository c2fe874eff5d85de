"""Byte-exact renderers for the Linux networking tools a learner types.

Flavours
========

A *flavour* names the userland profile (``simulator/programs/userland.py``) whose
binaries run the tool; every renderer takes the profile itself or its name:

``"ubuntu-14.04"``
    A ``ubuntu:14.04`` container: iproute2 3.12.0, net-tools 1.60 with the
    Debian patch set (1.60-25ubuntu2), iputils-s20121221.
``"busybox"``
    An Alpine (musl) container, where ``ip``, ``ifconfig`` and ``ping`` are
    BusyBox 1.36 applets.
``"host"``
    A modern Docker host, Ubuntu 24.04: iproute2 6.1, net-tools 2.10,
    iputils 20240117, bridge-utils 1.7.

Where each tool is
==================

One module per tool, each taking frozen views of kernel state and the userland
profile, and returning exactly the text the real tool writes to the terminal,
including the trailing spaces, double spaces and blank lines the real programs
emit. Nothing there touches the simulator: the formats can be read, tested and
reasoned about on their own.

``render_views``
    The views (``LinkView``, ``AddressView``, ``RouteView``, ``NeighbourView``,
    ``FdbView``, ``BridgeView``) and the ``IFF_*`` flags.
``render_ip``
    ``ip link``/``addr``/``route``/``neigh``, with ``-o`` and ``-br``.
``render_ifconfig``
    ``ifconfig``.
``render_bridge``
    ``brctl show``, ``bridge fdb show``, ``bridge link``.
``render_ping``
    ``ping``'s replies, errors and statistics.
``render_nettools``
    ``route``, ``arp`` and ``netstat``.

This module gathers them under one name, as the programs and the tests import them.
"""

from __future__ import annotations

from simulator.programs.render_bridge import brctl_show, bridge_fdb_show, bridge_link
from simulator.programs.render_ifconfig import ifconfig
from simulator.programs.render_ip import (
    ip_addr,
    ip_addr_brief,
    ip_addr_oneline,
    ip_link,
    ip_link_brief,
    ip_link_oneline,
    ip_neigh,
    ip_neigh_brief,
    ip_route,
)
from simulator.programs.render_ping import PingError, PingReply, PingRun, ping
from simulator.programs.render_views import (
    AddressView,
    BridgeView,
    FdbView,
    LinkView,
    NeighbourView,
    RouteView,
)

__all__ = [
    "FLAVOURS",
    "AddressView",
    "BridgeView",
    "FdbView",
    "LinkView",
    "NeighbourView",
    "PingError",
    "PingReply",
    "PingRun",
    "RouteView",
    "bridge_fdb_show",
    "bridge_link",
    "brctl_show",
    "ifconfig",
    "ip_addr",
    "ip_addr_brief",
    "ip_addr_oneline",
    "ip_link",
    "ip_link_brief",
    "ip_link_oneline",
    "ip_neigh",
    "ip_neigh_brief",
    "ip_route",
    "ping",
]

#: The userlands with every tool rendered here (``ip``, ``ifconfig``, ``ping``), by name.
FLAVOURS: tuple[str, ...] = ("ubuntu-14.04", "busybox", "host")
