"""The distances of the layout, in points: margins, gaps, drops between the layers of a picture."""

from __future__ import annotations

MARGIN = 28.0
MARGIN_TIGHT = 12.0  # above the title and under the lowest row of a picture packed to fit a slide's height
PAD = 10.0
PILL_H = 28.0
GAP_CONTAINERS = 26.0
GAP_CONTAINERS_COMPACT = 14.0  # the same in a picture packed to fit a slide
V_LINK = 62.0  # container bottom edge -> host top edge (the veth pair)
BRIDGE_DROP = 58.0  # host top edge -> bridge bar
BAR_GAP = 22.0  # between rows of bridge bars
ROUTE_DROP = 70.0  # bridge bar -> host bottom edge (IP forwarding)
TIGHT = 0.5  # in a picture packed to fit a slide's height, the cables and veth pairs this much as long
ROOMY_TIGHT = 0.68  # the same in a path's picture, whose arrows need more room
TIGHT_BRIDGE = 0.45  # and the host's top edge -> its bridges
TIGHT_ROUTE = 0.85  # and its bridges -> its bottom edge (the routing to its NIC passes a little under them)
CABLE = 74.0  # host bottom edge -> switch top edge (and switch -> bottom row)
SWITCH_H = 54.0
SWITCH_H_ROOMY_TIGHT = 44.0  # a path's, under arrows from port to port in their lanes
SWITCH_H_TIGHT = 26.0  # a thin switch in a picture packed to fit a slide's height: its label's line and a little
GAP_HOSTS = 80.0
GAP_HOSTS_COMPACT = 24.0
WRAP_NAME = 14  # in a packed picture, a container's name longer than this is wrapped after a "_" or "-"
GAP_MACHINES = 60.0
WIRE = 90.0  # router -> internet
OV_GAP = 34.0  # the bridges -> an overlay namespace's top edge, inside the host
OV_DROP = 46.0  # an overlay namespace's top edge -> its br0
STACK_RISE = 112.0  # a NIC -> the devices stacked on it (eth0.10, a macvlan shim), above it and the routing
TUNNEL_STAGGER = 24.0  # between the channels of two tunnels under the hosts (a label's height and a gap)
TUNNEL_DROP = 40.0  # a host's bottom edge -> the first tunnel's channel (its label fits above it)
STACK_GAP = 96.0  # a host's bottom edge -> the containers of the host under it, in a picture with its hosts stacked
STACK_INDENT = 48.0  # the NIC of a stacked host -> the left edge of the host under it (its cable and the tunnels pass there)
OVERLAY_KIND = "overlay-netns"
