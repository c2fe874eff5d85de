"""The daemon's messages, one table per engine version.

Every error text ``dockerd`` answers with lives here, as a template filled with
``str.format``; a version's row overrides only the wordings that changed (the
moby commit that changed each is named beside it). :class:`EngineProfile`
carries its row as ``messages``, so a code path asks ``profile.messages.X``
instead of comparing version numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DaemonMessages:
    """What one engine version answers, word for word (the defaults: the current engine)."""

    # -- docker run / create ---------------------------------------------------------------
    invalid_name: str = "Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
    name_in_use: str = ('Conflict. The container name "/{name}" is already in use by container "{id}". '
                        "You have to remove (or rename) that container to be able to reuse that name.")
    # >= 29: hyphenated, "aliases are only supported"
    alias_not_user_defined: str = "network-scoped aliases are only supported for user-defined networks"
    ip_not_user_defined: str = "user-specified IP address is supported on user-defined networks only"
    ip_on_host_or_none: str = "user specified IP address is supported on user defined networks only"
    invalid_container_mode: str = "invalid network mode: invalid container format container:{ref}"
    conflict_hostname: str = "conflicting options: hostname and the network mode"
    conflict_publish: str = "conflicting options: port publishing and the container type network mode"
    conflict_container_links: str = ("conflicting options: container type network can't be used with links. "
                                     "This would result in undefined behavior")
    conflict_host_links: str = ("conflicting options: host type networking can't be used with links. "
                                "This would result in undefined behavior")
    no_link_target: str = "could not get container for {name}: No such container: {name}"
    # several --network on one run: None = accepted (API >= 1.44, moby bbcd662532, v25); 20.10's
    # verifyNetworkingConfig refuses them
    several_networks: str | None = None
    # the CLI's -p parsing (go-connections nat.ParsePortSpec: v0.6, in CLI >= 28.5, lowercased its errors)
    port_invalid_ip: str = "invalid IP address: {ip}"
    port_none: str = "no port specified: {spec}<empty>"
    port_invalid_container: str = "invalid containerPort: {port}"
    port_invalid_host: str = "invalid hostPort: {port}"
    port_invalid_ranges: str = "invalid ranges specified for container and host Ports: {container} and {host}"
    port_invalid_proto: str = "invalid proto: {proto}"
    # docker port CONTAINER PORT: CLI 29 names the port as typed, lowercase
    no_public_port: str = "no public port '{typed}' published for {name}"
    invalid_ipv4: str = "invalid IPv4 address: {ip}"  # <= 24 daemon/create.go; newer CLIs check --ip first
    # -- docker start -------------------------------------------------------------------------
    join_not_running: str = "cannot join network namespace of a non running container: container {name} is {state}"
    link_not_running: str = "Cannot link to a non running container: /{target} AS /{name}/{alias}"
    link_not_default: str = "Cannot link to /{target}, as it does not belong to the default network"
    network_not_found: str = "network {id} not found"
    # the main command is not in the image: containerd wraps runc's error (>= 23: "failed to create
    # task for container: "; runc >= 1.2: "error during container init: ")
    command_not_found: str = ("failed to create task for container: failed to create shim task: OCI runtime create failed: "
                              "runc create failed: unable to start container process: error during container init: "
                              "{exec_error}: unknown")
    # >= 28.0.1: endpoint failures carry "failed to set up container networking: "
    networking_failure: str = "failed to set up container networking: {error}"
    no_addresses: str = "no available IPv4 addresses on this network's address pools: {name} ({id})"
    port_allocated: str = ("driver failed programming external connectivity on endpoint {name} ({endpoint}): "
                           "Bind for {host_ip}:{host_port} failed: port is already allocated")
    # -- docker rm ----------------------------------------------------------------------------
    # CLI >= 28 asks the daemon, whose wording this is
    remove_running: str = ('cannot remove container "/{name}": container is running: stop the container '
                           "before removing or force remove")
    # -- docker network create / rm ----------------------------------------------------------------
    predefined_network: str = "operation is not permitted on predefined {name} network "
    network_exists: str = "network with name {name} already exists"
    single_instance: str = 'only one instance of "{driver}" network is allowed'
    no_plugin: str = 'plugin "{driver}" not found'
    same_bridge_name: str = ("cannot create network {{id}} ({bridge}): conflicts with network {other} ({bridge}): "
                             "networks have same bridge name")
    # 20.10: daemon/network.go getIpamConfig parses --subnet (later CLIs check it first)
    invalid_subnet: str = "Invalid subnet {subnet} : invalid CIDR address: {subnet}"
    invalid_mtu: str = "invalid MTU: {value}"
    invalid_mtu_number: str = "invalid MTU number: {mtu}"
    # >= 27: pool overlaps are "invalid pool request: ..."
    pool_request: str = "invalid pool request: {error}"
    remove_predefined: str = "{name} is a pre-defined network and cannot be removed"
    # >= 28.1: the endpoint is named
    active_endpoints: str = 'error while removing network: network {name} has active endpoints (name:"{container}" id:"{endpoint}")'
    ambiguous_network: str = "network {ref} is ambiguous ({count} matches found on name)"
    # api/types/filters invalidFilter: "Invalid filter" in 20.10
    invalid_filter: str = "invalid filter '{key}'"
    # -- docker network connect / disconnect ---------------------------------------------------
    # >= 28.0.2: one message each way
    connect_host: str = "cannot connect container to host network - container must be created in host network mode"
    disconnect_host: str = "cannot disconnect container from host network - container was created in host network mode"
    connect_shared_namespace: str = ("container sharing network namespace with another container or host "
                                     "cannot be connected to any other network")
    connect_none: str = "container cannot be connected to multiple networks with one of the networks in private (none) mode"
    endpoint_exists: str = "endpoint with name {name} already exists in network {network}"
    not_connected: str = "container {id} is not connected to network {network}"
    # < 29.1: a static address needs a subnet given at create (None: no such rule)
    ip_needs_user_subnet: str | None = None
    # >= 29.1: "no configured subnet contains"; 25-29.0: "...or ip-range contain"
    ip_outside_subnets: str = "no configured subnet contains IP address {ip}"
    # -- drivers ---------------------------------------------------------------------------------
    # <= 28: "interface does was not found" (fixed by 29)
    parent_not_found: str = "-o parent interface was not found on the host: {parent}"

    def networking(self, error: str) -> str:
        """A failure while setting up a container's networking, with this version's prefix."""
        return self.networking_failure.format(error=error)


CURRENT = DaemonMessages()

@dataclass(frozen=True, slots=True)
class CliMessages:
    """What one ``docker`` CLI generation says itself, word for word (the defaults: the current CLI).

    Sources: docker/cli ``cli/command/container/{start,attach,run}.go`` and the API
    client it vendors, at v20.10.24 and v29.2.0.
    """

    # < 23 (client/errors.go objectNotFoundError): inspect and remove name a missing container
    # themselves; newer clients pass the daemon's ``No such container`` through (None)
    no_such_container: str | None = None
    # v20.10: errors.Errorf("Error: failed to start containers: ..."); v29: no "Error: "
    start_failed: str = "failed to start containers: {names}"
    # v29: lowercase "cannot attach"; v20.10: "You cannot attach"
    attach_stopped: str = "cannot attach to a stopped container, start it first"
    # v29 (toStatusError): a failed start of `docker run` is followed by the help line too;
    # v20.10: reportError(..., withHelp=false)
    start_error_help: bool = True
    # v29: `flags.IPVar` checks --ip; v20.10: a string the daemon checks at create
    # (daemon/create.go verifyNetworkingConfig: "invalid IPv4 address: X")
    ip_flag_typed: bool = True
    # v20.10 (cli/command/container/opts.go): --ip and --network-alias are sent only for the
    # network --network names; without --network the daemon never sees them
    endpoint_settings_need_network: bool = False
    # >= 25 (opts/hosts.go ValidateExtraHost): `--add-host name=ip` and `[addr]` accepted too
    add_host_equals: bool = True


CURRENT_CLI = CliMessages()

V20_10_CLI = CliMessages(
    no_such_container="Error: No such container: {ref}",
    start_failed="Error: failed to start containers: {names}",
    attach_stopped="You cannot attach to a stopped container, start it first",
    start_error_help=False,
    ip_flag_typed=False,
    endpoint_settings_need_network=True,
    add_host_equals=False,
)

V20_10 = DaemonMessages(
    # containerd 1.6 with runc 1.1 (Debian's docker.io 20.10.24; the profile's containerd_version)
    command_not_found=("failed to create shim task: OCI runtime create failed: runc create failed: "
                       "unable to start container process: {exec_error}: unknown"),
    alias_not_user_defined="network-scoped alias is supported only for containers in user defined networks",
    ip_not_user_defined="user specified IP address is supported on user defined networks only",
    networking_failure="{error}",
    remove_running=("You cannot remove a running container {id}. Stop the container before attempting removal "
                    "or force remove"),
    pool_request="{error}",
    invalid_filter="Invalid filter '{key}'",
    active_endpoints="error while removing network: network {name} id {id} has active endpoints",
    connect_host="container cannot be disconnected from host network or connected to host network",
    disconnect_host="container cannot be disconnected from host network or connected to host network",
    ip_needs_user_subnet="user specified IP address is supported only when connecting to networks with user configured subnets",
    ip_outside_subnets="Invalid address {ip}: It does not belong to any of this network's subnets",
    parent_not_found="-o parent interface does was not found on the host: {parent}",
    several_networks="Container cannot be connected to network endpoints: {names}",
    port_invalid_ip="Invalid ip address: {ip}",
    port_none="No port specified: {spec}<empty>",
    port_invalid_container="Invalid containerPort: {port}",
    port_invalid_host="Invalid hostPort: {port}",
    port_invalid_ranges="Invalid ranges specified for container and host Ports: {container} and {host}",
    port_invalid_proto="Invalid proto: {proto}",
    no_public_port="Error: No public port '{port}/{proto}' published for {name}",
)
