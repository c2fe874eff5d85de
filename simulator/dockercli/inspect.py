"""``docker network inspect`` and ``docker inspect``: the JSON Docker prints, key for key.

Keys come in Go struct order, which changed between engine versions
(``shared/reference/docker-facts.md`` 4.2): ``EnableIPv4`` from 28, ``Containers`` after
``Labels`` and an IPAM ``Status`` from 29. Only running containers appear under
``Containers`` (endpoints are deleted on stop).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.dockercli.gotemplate import GoStruct
from simulator.dockercli.output import rfc3339
from simulator.engine import image_records
from simulator.packets.addresses import MacAddress

if TYPE_CHECKING:
    from simulator.engine.container import Container, NetworkRequest
    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.network import Network


#: api/types/network IPAMConfig: (Go field, JSON key); how a zero value prints in a template,
#: as a string (20.10) or as a net/netip value (29: "invalid Prefix", "invalid IP").
IPAM_CONFIG_FIELDS = (("Subnet", "Subnet"), ("IPRange", "IPRange"), ("Gateway", "Gateway"), ("AuxAddress", "AuxiliaryAddresses"))
NETIP_ZERO = {"Subnet": "invalid Prefix", "IPRange": "invalid Prefix", "Gateway": "invalid IP"}


def _ipam_config(engine: DockerEngine, net: Network) -> GoStruct:
    """One ``IPAM.Config`` item: what was configured at create (<= 28), with the gateway IPAM chose (>= 29)."""
    prof = engine.profile
    assert net.subnet is not None
    item: dict[str, Any] = {"Subnet": str(net.subnet)}
    if net.ip_range is not None:
        item["IPRange"] = str(net.ip_range)
    # daemon/network.go buildIpamResources: a user's config is shown as given (<= 28)
    shown = not net.user_subnet or net.user_gateway or prof.inspect_allocated_gateway
    if net.gateway is not None and shown:
        item["Gateway"] = str(net.gateway)
    if net.aux_addresses:
        item["AuxiliaryAddresses"] = dict(sorted(net.aux_addresses.items()))
    zero = NETIP_ZERO if prof.api_netip else {}
    return GoStruct(item, tuple((go, key, zero.get(go, "map[]" if go == "AuxAddress" else "")) for go, key in IPAM_CONFIG_FIELDS))


def network(engine: DockerEngine, net: Network) -> dict[str, Any]:
    """``docker network inspect NETWORK``: one network, key for key as the engine version prints it."""
    prof = engine.profile
    ipam_config: list[dict[str, Any]] | None = None
    if net.subnet is not None:
        ipam_config = [_ipam_config(engine, net)]
    elif prof.at_least("28"):
        ipam_config = []
    containers = {
        ep.container.id: {
            "Name": ep.container.name,
            "EndpointID": ep.id,
            "MacAddress": str(ep.mac) if ep.mac else "",
            "IPv4Address": f"{ep.ip}/{ep.prefixlen}" if ep.ip else "",
            "IPv6Address": "",
        }
        for ep in sorted(net.endpoints.values(), key=lambda e: e.container.id)
        if ep.container.id in engine.containers  # a swarm network shows this node's endpoints only
    }
    if net.driver in ("host", "null"):  # host- and none-mode containers are attached without an address
        for c in sorted(engine.containers.values(), key=lambda c: c.id):
            if c.running and (c.network_mode.is_host if net.driver == "host" else c.network_mode.is_none):
                containers[c.id] = {"Name": c.name, "EndpointID": c.host_endpoint_id, "MacAddress": "", "IPv4Address": "", "IPv6Address": ""}
    peers = _swarm_peers(engine, net, containers)
    out: dict[str, Any] = {
        "Name": net.name,
        "Id": net.id,
        "Created": rfc3339(net.created),
        "Scope": net.scope,
        "Driver": net.driver,
    }
    if prof.inspect_enable_ipv4:
        out["EnableIPv4"] = net.driver not in ("host", "null")
    out["EnableIPv6"] = False
    out["IPAM"] = {"Driver": "default", "Options": net.ipam_options, "Config": ipam_config}
    out["Internal"] = net.internal
    out["Attachable"] = net.attachable
    out["Ingress"] = False
    out["ConfigFrom"] = {"Network": ""}
    out["ConfigOnly"] = False
    if not prof.inspect_containers_last:
        out["Containers"] = containers
    out["Options"] = dict(sorted(net.options.items()))
    out["Labels"] = dict(sorted(net.labels.items()))  # encoding/json sorts map keys
    if prof.inspect_containers_last:
        out["Containers"] = containers
        if net.pool is not None and net.subnet is not None:
            scope = net.ip_range or net.subnet
            in_range = sum(1 for ip in net.pool.used if int(scope.network_address) <= ip <= int(scope.broadcast_address))
            out["Status"] = {
                "IPAM": {
                    "Subnets": {
                        str(net.subnet): {
                            "IPsInUse": net.pool.in_use(),
                            "DynamicIPsAvailable": scope.num_addresses - in_range,
                        }
                    }
                }
            }
    if peers:
        out["Peers"] = peers
    return out


def _swarm_peers(engine: DockerEngine, net: Network, containers: dict[str, Any]) -> list[dict[str, str]]:
    """An overlay network: the node's ``lb-NAME`` endpoint joins ``Containers``; ``Peers`` lists the nodes."""
    swarm = engine.swarm
    node = swarm.node(engine) if swarm is not None else None
    if swarm is None or node is None or net.scope != "swarm":
        return []
    lb = node.lb.get(net.id)
    if lb is not None and net.subnet is not None and any(ep.container.id in engine.containers for ep in net.endpoints.values()):
        containers[f"lb-{net.name}"] = {
            "Name": f"{net.name}-endpoint",
            "EndpointID": node.lb_ids.get(net.id, ""),
            "MacAddress": str(MacAddress.from_ipv4(lb)),
            "IPv4Address": f"{lb}/{net.subnet.prefixlen}",
            "IPv6Address": "",
        }
    users = {ep.container.id for ep in net.endpoints.values()}
    out = []
    for other in swarm.nodes.values():
        if users & set(other.engine.containers):
            out.append({"Name": other.peer_name, "IP": str(other.addr)})
    return out


def _endpoint_settings(engine: DockerEngine, container: Container, name: str) -> dict[str, Any]:
    prof = engine.profile
    request = container.networks[name]
    ep = container.endpoints.get(name)
    net = engine.networks.get(request.network_id)
    running = ep is not None
    ipam = {"IPv4Address": str(request.static_ip)} if request.static_ip else None
    aliases = list(request.aliases) or None
    if not prof.at_least("25") and net is not None and not net.is_default_bridge:
        aliases = [*request.aliases, container.short_id]
    body: dict[str, Any] = {"IPAMConfig": ipam, "Links": None, "Aliases": aliases}
    if prof.at_least("28"):
        body["MacAddress"] = str(ep.mac) if running and ep and ep.mac else ""
        body["DriverOpts"] = None
        body["GwPriority"] = 0
    body["NetworkID"] = request.network_id
    body["EndpointID"] = ep.id if ep else ""
    body["Gateway"] = str(net.gateway) if running and net and net.gateway else ""
    body["IPAddress"] = str(ep.ip) if running and ep and ep.ip else ""
    body["IPPrefixLen"] = ep.prefixlen if running and ep else 0
    body["IPv6Gateway"] = ""
    body["GlobalIPv6Address"] = ""
    body["GlobalIPv6PrefixLen"] = 0
    if not prof.at_least("28"):
        body["MacAddress"] = str(ep.mac) if running and ep and ep.mac else ""
        body["DriverOpts"] = None
    if prof.at_least("25"):
        names = [container.name, *request.aliases, container.short_id] if net is not None and not net.is_default_bridge else None
        body["DNSNames"] = names
    return body


def frontends(c: Container) -> dict[str, list[tuple[str, str]]]:
    """Where each published port listens, by ``PORT/PROTO`` in Go's map-key order: (HostIp, HostPort)
    pairs; a binding on every address is reported for IPv4 (``0.0.0.0``) and IPv6 (``::``)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for b in c.port_bindings:
        pairs = found.setdefault(f"{b.container_port}/{b.proto}", [])
        if b.host_ip in ("", "0.0.0.0"):
            pairs += [("0.0.0.0", str(b.host_port)), ("::", str(b.host_port))]
        else:
            pairs.append((b.host_ip, str(b.host_port)))
    return dict(sorted(found.items()))


def _ports(c: Container) -> dict[str, Any]:
    """``NetworkSettings.Ports``: each exposed port, and where each published one is bound."""
    ports: dict[str, Any] = {}
    for exposed in c.image.exposed:
        ports[exposed] = None
    for key, pairs in frontends(c).items():
        ports[key] = [{"HostIp": ip, "HostPort": port} for ip, port in pairs]
    return dict(sorted(ports.items()))


def _networks(engine: DockerEngine, c: Container) -> dict[str, Any]:
    """``NetworkSettings.Networks``: one endpoint per network, in the order they were joined."""
    if c.network_mode.is_host or c.network_mode.is_none:
        return {str(c.network_mode): {"IPAMConfig": None, "Links": None, "Aliases": None, "NetworkID": _net_id(engine, str(c.network_mode)),
                                 "EndpointID": c.host_endpoint_id if c.running else "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "",
                                 "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": "", "DriverOpts": None}}
    networks = {name: _endpoint_settings(engine, c, name) for name in sorted(c.networks, key=lambda n: c.networks[n].order)}
    for name, request in c.failed_connects.items():
        networks[name] = _failed_connect_settings(c, request)
    return networks


def _failed_connect_settings(c: Container, request: NetworkRequest) -> dict[str, Any]:
    """20.10: what a failed ``network connect`` left: its settings, no network id, no endpoint."""
    return {"IPAMConfig": {"IPv4Address": str(request.static_ip)} if request.static_ip else {}, "Links": None,
            "Aliases": [*request.aliases, c.short_id], "NetworkID": "", "EndpointID": "", "Gateway": "", "IPAddress": "",
            "IPPrefixLen": 0, "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": "",
            "DriverOpts": {}}


def _default_bridge_settings(c: Container) -> dict[str, Any]:
    """The default bridge's endpoint repeated at the top of ``NetworkSettings`` (before engine 29)."""
    default = c.endpoints.get("bridge")
    return {
        "SecondaryIPAddresses": None,
        "SecondaryIPv6Addresses": None,
        "EndpointID": default.id if default else "",
        "Gateway": str(default.network.gateway) if default and default.network.gateway else "",
        "GlobalIPv6Address": "",
        "GlobalIPv6PrefixLen": 0,
        "IPAddress": str(default.ip) if default and default.ip else "",
        "IPPrefixLen": default.prefixlen if default else 0,
        "IPv6Gateway": "",
        "MacAddress": str(default.mac) if default and default.mac else "",
    }


def _network_settings(engine: DockerEngine, c: Container) -> dict[str, Any]:
    """``NetworkSettings``, its keys in the engine version's order."""
    legacy = not engine.profile.at_least("29")
    sandbox = c.sandbox_id if c.running else ""
    settings: dict[str, Any] = {}
    if legacy:
        settings["Bridge"] = ""
    settings["SandboxID"] = sandbox
    if legacy:
        settings["HairpinMode"] = False
        settings["LinkLocalIPv6Address"] = ""
        settings["LinkLocalIPv6PrefixLen"] = 0
    settings["Ports"] = _ports(c)
    settings["SandboxKey"] = f"/var/run/docker/netns/{sandbox[:12]}" if c.running else ""
    if legacy:
        settings.update(_default_bridge_settings(c))
    settings["Networks"] = _networks(engine, c)
    return settings


def _state(c: Container) -> dict[str, Any]:
    """``State``: running or not, since when, with what exit code."""
    return {
        "Status": c.state,
        "Running": c.running,
        "Paused": False,
        "Restarting": False,
        "OOMKilled": False,
        "Dead": False,
        "Pid": c.pid if c.running else 0,
        "ExitCode": c.exit_code,
        "Error": "",
        "StartedAt": rfc3339(c.started_at) if c.started_at is not None else "0001-01-01T00:00:00Z",
        "FinishedAt": rfc3339(c.finished_at) if c.finished_at is not None else "0001-01-01T00:00:00Z",
    }


def _config(engine: DockerEngine, c: Container) -> dict[str, Any]:
    """``Config``: what the container was created with."""
    config = {
        "Hostname": c.hostname,
        "Domainname": c.domainname,
        "User": "",
        "AttachStdin": c.interactive,
        "Tty": c.tty,
        "OpenStdin": c.interactive,
        "Env": [*c.env, *c.image.env],
        "Cmd": list(c.command),
        "Image": c.image_ref or c.image.reference,
        "Entrypoint": list(c.image.entrypoint) or None,
    }
    if c.mac_address and engine.profile.config_mac_address:  # `json:",omitempty"`, gone from API 1.44
        config["MacAddress"] = c.mac_address
    return config


def _port_bindings(c: Container) -> dict[str, list[dict[str, str]]]:
    """``HostConfig.PortBindings``: the ``-p`` requests by ``PORT/PROTO`` (a range: one key per port)."""
    bindings: dict[str, list[dict[str, str]]] = {}
    for p in c.publish:
        host = "" if not p.host_port else f"{p.host_port}-{p.host_port_end}" if p.host_port_end else str(p.host_port)
        bindings.setdefault(f"{p.container_port}/{p.proto}", []).append({"HostIp": p.host_ip, "HostPort": host})
    return dict(sorted(bindings.items()))


def _host_config(c: Container) -> dict[str, Any]:
    """``HostConfig``: the network side of what the run asked for (the CLI sends empty lists, not null,
    for ``--dns``, ``--dns-option`` and ``--dns-search``)."""
    return {
        "NetworkMode": str(c.network_mode),
        "PortBindings": _port_bindings(c),
        "PublishAllPorts": c.publish_all,
        "Dns": list(c.dns_servers),
        "DnsOptions": list(c.dns_options),
        "DnsSearch": list(c.dns_search),
        "ExtraHosts": list(c.extra_hosts) or None,
        "Links": [f"/{t}:/{c.name}/{a}" for t, a in c.links] or None,
    }


def container(engine: DockerEngine, c: Container) -> dict[str, Any]:
    """``docker inspect CONTAINER``: one container, key for key as the engine version prints it."""
    return {
        "Id": c.id,
        "Created": rfc3339(c.created),
        "Path": (c.image.entrypoint or c.command)[0],
        "Args": list((*c.image.entrypoint, *c.command)[1:]),
        "State": _state(c),
        "Image": image_records.full_id(c.image.repository, c.image.tag, c.image.image_id),
        "ResolvConfPath": f"/var/lib/docker/containers/{c.id}/resolv.conf",
        "HostnamePath": f"/var/lib/docker/containers/{c.id}/hostname",
        "HostsPath": f"/var/lib/docker/containers/{c.id}/hosts",
        "Name": f"/{c.name}",
        "RestartCount": 0,
        "Driver": "overlay2",
        "Platform": "linux",
        "HostConfig": _host_config(c),
        "Config": _config(engine, c),
        "NetworkSettings": _network_settings(engine, c),
    }


def _net_id(engine: DockerEngine, name: str) -> str:
    net = engine.network_by_name(name)
    return net.id if net else ""
