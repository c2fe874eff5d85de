"""Engine profiles: every behaviour that differs between Docker versions, as data.

One row per engine release a lesson may want. The default is the current line;
``"20.10"`` is the textbook's era. Sources: ``shared/reference/docker-facts.md``
section 12 and the commits it cites.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine import messages
from simulator.engine.messages import CliMessages, DaemonMessages


@dataclass(frozen=True, slots=True)
class EngineProfile:
    """What one Docker engine version does that a learner can see."""

    version: str  # `docker version` Server Version
    api_version: str
    mac_scheme: str  # "ip": 02:42 + IPv4 (<= 27); "random": random local (>= 28, moby#48808)
    subnet_allocation: str  # "round-robin" (<= 26.1) | "lowest-free" (>= 27.0.1)
    iface_naming: str  # "counter" (<= 27) | "lowest-free" (>= 28)
    veth_in_container_ns: bool  # >= 28: the container end is created in the container's netns
    garp_on_up: bool  # >= 28: a gratuitous ARP when the endpoint comes up
    ipv6_link_local: bool  # <= 26.0: endpoints keep an fe80:: address
    cli_error_style: str  # "see-help" (CLI <= 27) | "run-help" (CLI >= 28)
    firewall: str  # "isolation" (<= 27) | "forward-chain" (28.x) | "v29" (>= 29)
    link_env_vars: bool  # <= 28: --link injects ALIAS_PORT_... variables
    generated_resolv_conf: bool  # >= 26.0: header and trailer comments
    etc_hosts_v6_short: bool  # >= 28: "fe00::" instead of "fe00::0"
    network_mode_default_name: str  # HostConfig.NetworkMode without --network
    inspect_enable_ipv4: bool  # >= 28: EnableIPv4 in network inspect
    inspect_containers_last: bool  # >= 29: Containers after Labels, Status present
    macvlan_implicit_gateway: bool  # <= 28
    macvlan_shared_parent: bool  # >= 27.0.1
    macvlan_internal_dummy: bool  # <= 20.10: --internal replaces -o parent with a dm- dummy link
    kernel: str  # what the host's `uname -r` says in this era
    messages: DaemonMessages  # the daemon's error texts in this version's words
    cli_messages: CliMessages  # what the CLI of this era says itself
    # 20.10: create records the --network and --ip as given; the network, the address in it and a
    # container:NAME are looked up at start (moby v20.10.24 daemon/container_operations.go
    # allocateNetwork), so a bad one leaves the container Created. Newer: refused at create.
    networks_resolved_at_start: bool
    # 20.10 (daemon/container_operations.go connectToNetwork): the endpoint settings are stored
    # before the endpoint is created and not removed when creating it fails
    failed_connect_leaves_entry: bool
    containerd_version: str

    def at_least(self, version: str) -> bool:
        """Whether this engine is ``version`` or newer (``"28.0.2"``)."""
        return _numbers(self.version) >= _numbers(version)


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdecimal())


PROFILES: dict[str, EngineProfile] = {
    "20.10": EngineProfile(
        version="20.10.24",
        api_version="1.41",
        mac_scheme="ip",
        subnet_allocation="round-robin",
        iface_naming="counter",
        veth_in_container_ns=False,
        garp_on_up=False,
        ipv6_link_local=True,
        cli_error_style="see-help",
        firewall="isolation",
        link_env_vars=True,
        generated_resolv_conf=False,
        etc_hosts_v6_short=False,
        network_mode_default_name="default",
        inspect_enable_ipv4=False,
        inspect_containers_last=False,
        macvlan_implicit_gateway=True,
        macvlan_shared_parent=False,
        macvlan_internal_dummy=True,
        kernel="5.4.0-150-generic",
        messages=messages.V20_10,
        cli_messages=messages.V20_10_CLI,
        networks_resolved_at_start=True,
        failed_connect_leaves_entry=True,
        containerd_version="1.6.21",
    ),
    "29.2": EngineProfile(
        version="29.2.0",
        api_version="1.53",
        mac_scheme="random",
        subnet_allocation="lowest-free",
        iface_naming="lowest-free",
        veth_in_container_ns=True,
        garp_on_up=True,
        ipv6_link_local=False,
        cli_error_style="run-help",
        firewall="v29",
        link_env_vars=False,
        generated_resolv_conf=True,
        etc_hosts_v6_short=True,
        network_mode_default_name="bridge",
        inspect_enable_ipv4=True,
        inspect_containers_last=True,
        macvlan_implicit_gateway=False,
        macvlan_shared_parent=True,
        macvlan_internal_dummy=False,
        kernel="6.8.0-60-generic",
        messages=messages.CURRENT,
        cli_messages=messages.CURRENT_CLI,
        networks_resolved_at_start=False,
        failed_connect_leaves_entry=False,
        containerd_version="v2.1.4",
    ),
}
ALIASES = {"current": "29.2", "latest": "29.2", "29": "29.2", "20": "20.10", "20.10.24": "20.10", "29.2.0": "29.2"}
DEFAULT_ENGINE = "29.2"


def profile(name: str | None) -> EngineProfile:
    """The profile for an engine name (``"20.10"``, ``"29.2"``, ``"current"``)."""
    key = ALIASES.get(name or DEFAULT_ENGINE, name or DEFAULT_ENGINE)
    try:
        return PROFILES[key]
    except KeyError:
        known = ", ".join(sorted(PROFILES) + sorted(ALIASES))
        raise ValueError(f"unknown engine version {name!r} (known: {known})") from None
