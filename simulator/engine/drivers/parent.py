"""The parent interface of a macvlan or ipvlan network (``-o parent=...``).

What libnetwork's ``macvlan_setup.go`` / ``ipvlan_setup.go`` do with the parent,
shared by both drivers:

* no ``-o parent``: a dummy link ``dm-`` + 12 hex of the network id is made and the
  network is internal (its containers talk only to each other);
* a parent that exists (``eth0``): used as it is;
* a parent that does not exist and has a dot (``eth0.10``): an 802.1Q
  sub-interface is created (``ip link add link eth0 name eth0.10 type vlan id
  10``) and brought up, and remembered as made by Docker, so ``docker network rm``
  deletes it when no other network uses it;
* anything else is refused with libnetwork's words.

One parent per network is checked against the other networks of the same
driver: macvlan shares a parent between networks from 27.0.1 (never in passthru
mode), ipvlan never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.errors import DockerError
from simulator.kernel import links
from simulator.kernel.devices.device import Device
from simulator.kernel.devices.upper import LinkError

if TYPE_CHECKING:
    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.network import Network

DUMMY_PREFIX = "dm-"


@dataclass
class ParentConfig:
    """What a macvlan/ipvlan network knows about its parent link."""

    parent: str
    mode: str
    flag: str = ""
    created_link: bool = False


def dummy_name(network_id: str) -> str:
    """``getDummyName``: ``dm-`` and the first 12 characters of the network id."""
    return DUMMY_PREFIX + network_id[:12]


def parse_vlan(engine: DockerEngine, name: str) -> tuple[str, int]:
    """``parseVlan``: ``eth0.10`` -> (``eth0``, 10), refused like libnetwork refuses."""
    parts = name.split(".")
    if len(parts) != 2:
        raise DockerError(f"required interface name format is: name.vlan_id, ex. eth0.10 for vlan 10, instead received {name}")
    parent, vid_text = parts
    try:
        vid = int(vid_text)
    except ValueError:
        raise DockerError(f"unable to parse a valid vlan id from: {vid_text} (ex. eth0.10 for vlan 10)") from None
    if parent not in engine.machine.netns.devices:
        raise DockerError(engine.profile.messages.parent_not_found.format(parent=parent))
    return parent, vid


def ensure_parent(engine: DockerEngine, net: Network, config: ParentConfig, others: list[ParentConfig]) -> None:
    """``createNetwork``: make the parent exist (a dummy or a VLAN sub-interface) if it does not."""
    ns = engine.machine.netns
    if config.parent in ns.devices:
        config.created_link = any(o.parent == config.parent and o.created_link for o in others)
        return
    if config.parent == dummy_name(net.id):
        dummy = Device(engine.sim, config.parent, links._random_mac(ns))
        dummy.kind = "dummy"
        ns.add_device(dummy)
        ns.set_up(dummy.name)
        config.created_link = True
        return
    if "." not in config.parent:
        raise DockerError(f"invalid subinterface vlan name {config.parent}, example formatting is eth0.10")
    lower, vid = parse_vlan(engine, config.parent)
    if not 1 <= vid <= 4094:
        raise DockerError(f"vlan id must be between 1-4094, received: {vid}")
    try:
        links.add_vlan(ns, config.parent, lower, vid)
    except LinkError as error:
        raise DockerError(f"failed to create {config.parent} vlan link: {_errno_text(str(error))}") from None
    ns.set_up(config.parent)
    config.created_link = True


def release_parent(engine: DockerEngine, config: ParentConfig, users: int) -> None:
    """``DeleteNetwork``: delete the link Docker made, when this network was its last user."""
    ns = engine.machine.netns
    if not config.created_link or users > 1 or config.parent not in ns.devices:
        return
    dev = ns.devices[config.parent]
    if dev.kind in ("dummy", "vlan"):
        links.delete(ns, config.parent)


def _errno_text(message: str) -> str:
    """What Go prints for the errno behind an rtnetlink answer (``file exists``)."""
    text = message.removeprefix("RTNETLINK answers: ").removeprefix("Error: ")
    return text[:1].lower() + text[1:].rstrip(".")


def port_error(engine: DockerEngine, driver: str, error: LinkError) -> DockerError:
    """``createMacVlan``/``createIPVlan`` failed: ``failed to create the macvlan port: ...``."""
    return DockerError(engine.profile.messages.networking(f"failed to create the {driver} port: {_errno_text(str(error))}"))
