"""The bridge tools, run on the host only: bridge-utils ``brctl show``, iproute2
``bridge fdb show`` and ``bridge link``.

``brctl show`` (bridge-utils ``brctl/brctl_cmd.c:show_bridge``)
    Walks ``/sys/class/net/*/bridge`` and each ``brif/`` directory with
    ``scandir(..., alphasort)`` and prints tab-separated columns; extra ports
    go on their own lines after seven tabs.

``bridge fdb show`` / ``bridge link`` (iproute2 ``bridge/fdb.c``,
``bridge/link.c``)
    ``fdb`` prints ``MAC dev DEV [vlan N] [self] [master BR] STATE`` where the
    state word is ``permanent`` or empty (learned entries end in a trailing
    space).  ``link`` dumps ``AF_BRIDGE`` links, i.e. bridge ports only, and
    resolves ``IFLA_LINK`` in the *local* namespace without looking at the
    netnsid, so a Docker veth whose peer index is also the index of a local
    device shows that device's name (e.g. ``veth2@docker0``).

Sources: bridge-utils ``brctl/brctl_cmd.c``, ``brctl/brctl_disp.c`` and real
bridge-utils 1.7 output; iproute2 ``bridge/fdb.c``, ``bridge/link.c``.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.programs.render_views import (
    BridgeView,
    FdbView,
    LinkView,
    by_index,
    ip_flags,
    kernel_flags,
    peer_suffix,
)


def brctl_show(bridges: Sequence[BridgeView]) -> str:
    """bridge-utils ``brctl show``: bridges and ports in ``alphasort`` order."""
    out = "bridge name\tbridge id\t\tSTP enabled\tinterfaces\n"
    for bridge in sorted(bridges, key=lambda b: b.name.encode()):
        out += f"{bridge.name}\t\t{bridge.bridge_id}\t{'yes' if bridge.stp else 'no'}\t\t"
        ports = sorted(bridge.interfaces, key=str.encode)
        if not ports:
            out += "\n"
        for i, port in enumerate(ports):
            out += (f"{port}\n" if i == 0 else f"\t\t\t\t\t\t\t{port}\n")
    return out


def bridge_fdb_show(entries: Sequence[FdbView]) -> str:
    """iproute2 ``bridge fdb show`` in dump order."""
    out = ""
    for entry in entries:
        line = f"{entry.mac} dev {entry.dev} "
        if entry.vlan:
            line += f"vlan {entry.vlan} "
        if entry.dst is not None:
            line += f"dst {entry.dst} "
        if entry.self_:
            line += "self "
        if entry.master is not None:
            line += f"master {entry.master} "
        line += "permanent" if entry.permanent or entry.local else ""
        out += line + "\n"
    return out


def bridge_link(links: Sequence[LinkView]) -> str:
    """iproute2 ``bridge link show``: the bridge ports among ``links``.

    ``links`` must be every link of the namespace: ``IFLA_LINK`` is resolved
    among them without regard to the netnsid (``AF_BRIDGE`` dumps carry none).
    """
    cache = by_index(links)
    out = ""
    for link in links:
        if link.master is None:
            continue
        suffix, mdown = peer_suffix(link, cache, honour_netnsid=False, unknown_is_down=False)
        state = link.port_state
        if state is None:
            state = "forwarding" if link.up and link.lower_up else "disabled"
        out += (
            f"{link.index}: {link.name}{suffix}: {ip_flags(kernel_flags(link), mdown)}"
            f"mtu {link.mtu} master {link.master} state {state} "
            f"priority {link.port_priority} cost {link.port_cost} \n"
        )
    return out
