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
    ipv6_link_local: bool  # 26.0 only: endpoints of non-IPv6 networks keep an fe80:: address
    ipv6_loopback: bool  # >= 26.0: lo keeps ::1 (<= 25: disable_ipv6 on "all" in every new sandbox)
    cli_error_style: str  # "see-help" (CLI <= 27) | "run-help" (CLI >= 28)
    firewall: str  # "isolation" (<= 27) | "forward-chain" (28.x) | "v29" (>= 29)
    link_env_vars: bool  # <= 28: --link injects ALIAS_PORT_... variables
    # CLI's host:port: net.JoinHostPort ("[::]:8080"; docker port >= 23, ps >= 27.2 and its ranges >= 28), "%s:%s" (":::8080") before
    cli_ipv6_brackets: bool
    config_mac_address: bool  # <= 24 (API < 1.44): --mac-address also shows as Config.MacAddress
    generated_resolv_conf: bool  # >= 26.0: header and trailer comments
    dns_servfail_on_forward_failure: bool  # >= 24.0: SERVFAIL when no upstream answers (moby e6258e6590, moby#44575); before: no answer at all
    dns_internal_no_forward: bool  # >= 26.0: nothing forwarded from internal networks (moby 790c3039d0); before: tried from the container
    etc_hosts_v6_short: bool  # >= 28: "fe00::" instead of "fe00::0"
    network_mode_default_name: str  # HostConfig.NetworkMode without --network
    inspect_enable_ipv4: bool  # >= 28: EnableIPv4 in network inspect
    inspect_containers_last: bool  # >= 29: Containers after Labels, Status present
    macvlan_implicit_gateway: bool  # <= 28
    macvlan_shared_parent: bool  # >= 27.0.1
    macvlan_internal_dummy: bool  # <= 20.10: --internal replaces -o parent with a dm- dummy link
    kernel: str  # what the host's `uname -r` says in this era
    # -- docker network / info / version (sources: moby and docker/cli at each tag) --
    client_not_found: bool  # <= 22: the Go client words a 404 itself, "Error: No such network: X" (removed by moby 45067cda33, v23)
    inspect_allocated_gateway: bool  # >= 29 (moby ea0d934ff2): IPAM.Config shows the gateway IPAM chose when none was given
    api_netip: bool  # >= 29: api/types/network holds netip values; a zero Prefix prints "invalid Prefix" in a template
    daemon_parses_subnet: bool  # 20.10: the CLI sends --subnet as given; the daemon refuses a bad one (daemon/network.go getIpamConfig)
    host_os: str  # `docker info` Operating System: the lab host's release in this era
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
        # libnetwork osl/namespace_linux.go (v20.10.24, vendored): a new sandbox starts with
        # setIPv6(path, "all", false), which the kernel also applies to "default", so lo and
        # every interface moved in have IPv6 disabled: no ::1, no fe80:: (removed in v26.0.0,
        # moby a8f7c5ee48 "Detect IPv6 support in containers").
        ipv6_link_local=False,
        ipv6_loopback=False,
        cli_error_style="see-help",
        firewall="isolation",
        link_env_vars=True,
        cli_ipv6_brackets=False,
        config_mac_address=True,
        generated_resolv_conf=False,
        dns_servfail_on_forward_failure=False,
        dns_internal_no_forward=False,
        etc_hosts_v6_short=False,
        network_mode_default_name="default",
        inspect_enable_ipv4=False,
        inspect_containers_last=False,
        macvlan_implicit_gateway=True,
        macvlan_shared_parent=False,
        macvlan_internal_dummy=True,
        kernel="5.4.0-150-generic",
        client_not_found=True,
        inspect_allocated_gateway=False,
        api_netip=False,
        daemon_parses_subnet=True,
        host_os="Ubuntu 20.04.6 LTS",
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
        ipv6_loopback=True,
        cli_error_style="run-help",
        firewall="v29",
        link_env_vars=False,
        cli_ipv6_brackets=True,
        config_mac_address=False,
        generated_resolv_conf=True,
        dns_servfail_on_forward_failure=True,
        dns_internal_no_forward=True,
        etc_hosts_v6_short=True,
        network_mode_default_name="bridge",
        inspect_enable_ipv4=True,
        inspect_containers_last=True,
        macvlan_implicit_gateway=False,
        macvlan_shared_parent=True,
        macvlan_internal_dummy=False,
        kernel="6.8.0-60-generic",
        client_not_found=False,
        inspect_allocated_gateway=True,
        api_netip=True,
        daemon_parses_subnet=False,
        host_os="Ubuntu 24.04.2 LTS",
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
