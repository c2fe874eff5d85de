"""Container lifecycle: create, start, stop, exit and remove, as the daemon does them.

States: ``created`` (``docker create``: the configuration is checked and
recorded, nothing runs), ``running`` (``docker start``: the sandbox is built or
joined, ports are published, the image's server and the main process start),
``exited`` (the main process ended, or ``docker stop``/``kill``: everything the
start built is torn down and the addresses released, which is why a restarted
container can come back with another IP). ``docker rm`` forgets a container that
is not running; ``--rm`` does it when the container exits.

``create`` validates everything before it records anything: the name, then the
network mode (aliases and static addresses only on user-defined networks;
``container:NAME`` conflicts with a hostname, published ports and links), then
the links. ``docker stop`` sends SIGTERM; a shell as PID 1 ignores it, so the
daemon waits its 10 s grace period and sends SIGKILL (exit status 137).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from simulator.engine import image_programs, names, services
from simulator.engine.container import Container, NetworkRequest
from simulator.engine.network_mode import ModeKind, NetworkMode
from simulator.errors import DockerError

if TYPE_CHECKING:
    from simulator.engine.docker_engine import DockerEngine
    from simulator.engine.requests import RunRequest

NAME_RE = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
STOP_TIMEOUT_S = 10.0  # docker stop's default grace period before SIGKILL
EXIT_DELAY_S = 0.05  # a shell without a terminal, or a server that cannot start, exits this soon


class Lifecycle:
    """Moves one daemon's containers through created, running and exited."""

    def __init__(self, engine: DockerEngine) -> None:
        self.engine = engine

    # -- create --------------------------------------------------------------------------------

    def create(self, req: RunRequest) -> Container:
        """``docker create``: validate everything first, then record the container."""
        engine = self.engine
        self._check_name(req.name)
        self._check_several_networks(req)
        unresolved: RunRequest | None = None
        requests: dict[str, NetworkRequest] = {}
        if self._resolved_at_start(req):
            mode, unresolved = req.network, req
        else:
            mode, requests = self._resolve_mode(req)
        self._check_links(req)
        cid = engine.new_id()
        name = (req.name or names.generate(engine.sim.stream("names"), engine.container_names.keys())).lstrip("/")
        hostname = engine.machine.hostname if req.network.is_host else req.hostname or cid[:12]
        container = Container(
            id=cid,
            name=name,
            image=req.image,
            image_ref=req.image_ref,
            command=req.command or req.image.cmd,
            created=engine.sim.now,
            hostname=hostname,
            network_mode=mode,
            interactive=req.interactive,
            tty=req.tty,
            networks=requests,
            env=req.env,
            links=req.links,
            name_explicit=req.name is not None,
            auto_remove=req.rm,
            publish=() if mode.is_host else req.publish,
            publish_all=req.publish_all and not mode.is_host,
            cap_add=req.cap_add,
            privileged=req.privileged,
            domainname=req.domainname,
            mac_address=req.mac_address,
            dns_servers=req.dns,
            dns_search=req.dns_search,
            dns_options=req.dns_options,
            extra_hosts=req.extra_hosts,
            unresolved=unresolved,
        )
        engine.add_container(container)
        return container

    def _resolved_at_start(self, req: RunRequest) -> bool:
        """20.10 records a user network or ``container:NAME`` as given and looks it up at start.

        moby v20.10.24: create checks only the form of the endpoint settings
        (daemon/create.go verifyNetworkingConfig); allocateNetwork finds the network
        and the address, and ``container:NAME`` its container, when the container starts.
        """
        if not self.engine.profile.networks_resolved_at_start:
            return False
        mode = req.network
        if mode.is_container:
            return not (req.hostname or req.publish or req.publish_all or req.links)  # refused at create
        return mode.kind in (ModeKind.NETWORK, ModeKind.BRIDGE)  # `--net bridge --ip X` fails at start

    def _check_several_networks(self, req: RunRequest) -> None:
        """20.10's verifyNetworkingConfig: one endpoint configuration at create, before anything is made."""
        several = self.engine.profile.messages.several_networks
        if req.more_networks and several is not None:
            names = ", ".join(str(m) for m in (req.network, *req.more_networks))
            raise DockerError(several.format(names=names), 125)

    def _check_name(self, name: str | None) -> None:
        """A valid name, not taken (``Conflict. The container name ... is already in use``)."""
        if name is None:
            return
        messages = self.engine.profile.messages
        if not NAME_RE.match(name):
            raise DockerError(messages.invalid_name.format(name=name), 125)
        taken = self.engine.container_names.get(name.lstrip("/"))
        if taken is not None:
            raise DockerError(messages.name_in_use.format(name=name.lstrip("/"), id=taken), 125)

    def _resolve_mode(self, req: RunRequest) -> tuple[NetworkMode, dict[str, NetworkRequest]]:
        """The network mode as the container records it, and the networks it asks for."""
        mode = req.network
        messages = self.engine.profile.messages
        if mode.is_default_bridge:
            return self._default_bridge(req)
        if mode.kind in (ModeKind.HOST, ModeKind.NONE):
            if req.aliases:
                raise DockerError(messages.alias_not_user_defined, 125)
            if req.ip is not None:
                raise DockerError(messages.ip_on_host_or_none, 125)
            return mode, {}
        if mode.is_container:
            return self._container_mode(req), {}
        net = self.engine.network(mode.target)
        if net.driver == "null":
            return NetworkMode(ModeKind.NONE), {}
        if net.driver == "host":
            return NetworkMode(ModeKind.HOST), {}
        if req.ip is not None:
            self.engine.check_static_ip(net, req.ip)
        requests = {net.name: NetworkRequest(net.id, req.aliases, req.ip, mac=req.mac_address)}
        for order, more in enumerate(req.more_networks, start=1):  # >= 25: every --network at create
            other = self.engine.network(more.target)
            requests.setdefault(other.name, NetworkRequest(other.id, order=order))
        return NetworkMode.of_network(net.name), requests

    def _default_bridge(self, req: RunRequest) -> tuple[NetworkMode, dict[str, NetworkRequest]]:
        """``bridge`` (or no ``--network``): no aliases, no static address; 20.10 records ``default``."""
        engine = self.engine
        messages = engine.profile.messages
        if req.aliases:
            raise DockerError(messages.alias_not_user_defined, 125)
        if req.ip is not None:
            raise DockerError(messages.ip_not_user_defined, 125)
        bridge = engine.network_by_name("bridge")
        assert bridge is not None
        if req.network.kind is ModeKind.DEFAULT:
            mode = NetworkMode.parse(engine.profile.network_mode_default_name)
        else:
            mode = NetworkMode(ModeKind.BRIDGE)
        return mode, {"bridge": NetworkRequest(bridge.id, mac=req.mac_address)}

    def _container_mode(self, req: RunRequest) -> NetworkMode:
        """``container:NAME``: the container must exist; no hostname, published ports or links."""
        messages = self.engine.profile.messages
        ref = req.network.target
        if not ref:
            raise DockerError(messages.invalid_container_mode.format(ref=ref), 125)
        for conflict, message in (
            (req.hostname, messages.conflict_hostname),
            (req.publish or req.publish_all, messages.conflict_publish),
            (req.links, messages.conflict_container_links),
        ):
            if conflict:
                raise DockerError(message, 125)
        return NetworkMode.of_container(self.engine.container(ref).id)

    def _check_links(self, req: RunRequest) -> None:
        """``--link`` needs its target to exist, and no host networking."""
        messages = self.engine.profile.messages
        if req.network.is_host and req.links:
            raise DockerError(messages.conflict_host_links, 125)
        for target_name, _alias in req.links:
            try:
                self.engine.container(target_name)
            except DockerError:
                raise DockerError(messages.no_link_target.format(name=target_name), 125) from None

    # -- start ---------------------------------------------------------------------------------

    def start(self, container: Container, run_main: bool = True) -> None:
        """``docker start``: build the sandbox and the endpoints, run the image's process.

        ``run_main=False``: the caller runs the container's command in the foreground
        (``docker run IMAGE CMD`` without ``-d``) and ends the container after it.
        """
        if container.running:
            return
        engine = self.engine
        try:
            self._resolve_at_start(container)
            self._network_up(container)
        except DockerError:
            container.exit_code = 128  # what a start that failed leaves in State.ExitCode
            raise
        missing = self._missing_command(container)
        if missing is not None:  # the runtime could not exec it: what the start built is undone
            self.teardown(container)
            container.host_endpoint_id = ""
            container.exit_code = 127
            raise DockerError(engine.profile.messages.command_not_found.format(exec_error=missing))
        container.state = "running"
        container.sandbox_id = engine.new_id()
        container.started_at = engine.sim.now
        container.pid = engine.machine.next_pid()
        engine.refresh_firewall()
        self._start_services(container)
        if not run_main:
            return
        if not container.image.daemon and engine.main_runner is not None and engine.main_runner(container):
            return  # the command (not a shell) is the main process, with or without a terminal
        if not container.stays_up:  # a shell without a terminal or open stdin exits at once
            engine.sim.call_later(EXIT_DELAY_S, lambda: self.exited(container, 0))

    def _resolve_at_start(self, container: Container) -> None:
        """20.10: the network (and address) or the container the request named, found now."""
        req = container.unresolved
        if req is None:
            return
        mode, requests = self._resolve_mode(req)
        container.network_mode, container.networks, container.unresolved = mode, requests, None

    @staticmethod
    def _missing_command(container: Container) -> str | None:
        """runc's exec error when the main command is not a program of the image (without an entrypoint)."""
        if container.image.entrypoint or not container.command or container.command == container.image.cmd:
            return None  # the image's own CMD is there, even when its catalogue lists only the tools
        word = container.command[0]
        name = word.rsplit("/", 1)[-1]
        shipped = name in container.image.tools or name in container.image.package_tools or name in container.packages.programs
        if shipped and name not in image_programs.BUILTINS:
            return None
        if "/" in word:  # runc stats a path instead of searching $PATH
            return f'exec: "{word}": stat {word}: no such file or directory'
        return f'exec: "{word}": executable file not found in $PATH'

    def _network_up(self, container: Container) -> None:
        """Join the namespace the mode names, or build a sandbox and publish its ports."""
        engine = self.engine
        messages = engine.profile.messages
        mode = container.network_mode
        if mode.container_ref is not None:
            target = engine.container(mode.container_ref)
            if not target.running:
                raise DockerError(messages.join_not_running.format(name=target.name, state=target.state))
            container.netns = target.netns
            container.hostname = target.hostname
            return
        if mode.is_host:
            container.netns = engine.machine.netns
            container.host_endpoint_id = engine.new_id()  # an endpoint on "host" without an address
            return
        if mode.is_none:  # the null driver's endpoint: no interface, but an id (its own stream: no other id moves)
            container.host_endpoint_id = f"{engine.sim.stream('null-endpoints').getrandbits(256):064x}"
        for target_name, alias in container.links:
            target = engine.container(target_name)
            if not target.running:
                raise DockerError(messages.link_not_running.format(target=target.name, name=container.name, alias=alias))
            if "bridge" in container.networks and "bridge" not in target.endpoints:
                raise DockerError(messages.link_not_default.format(target=target.name))
        engine.sandboxes.build(container)
        try:
            engine.publisher.bind(container)
        except DockerError:
            self.teardown(container)
            raise

    def _start_services(self, container: Container) -> None:
        """What the image runs in the foreground (its ``service``: nginx listens on port 80)."""
        started = services.start(self.engine, container)
        if isinstance(started, int):  # the server could not start: the container exits
            code = started
            self.engine.sim.call_later(EXIT_DELAY_S, lambda: self.exited(container, code))
        elif started is not None:
            container.services.append(started)

    # -- exit, stop, remove ------------------------------------------------------------------------

    def exited(self, container: Container, code: int) -> None:
        """The main process ended with ``code``: tear down, and forget the container if ``--rm``."""
        engine = self.engine
        if container.running:
            self.teardown(container)
            container.state = "exited"
            container.exit_code = code
            container.finished_at = engine.sim.now
            engine.refresh_firewall()
            if container.auto_remove:  # --rm
                engine.forget_container(container)

    def teardown(self, container: Container) -> None:
        """Undo the start: servers, DNS, published ports, endpoints, the namespace."""
        for service in container.services:
            service.stop()
        container.services = []
        self.engine.sandboxes.close_dns(container)
        self.engine.publisher.release(container)
        self.engine.sandboxes.remove_endpoints(container)

    def stop(self, container: Container, kill: bool = False) -> float:
        """``docker stop``: SIGTERM, then SIGKILL after 10 s. Returns how long it took."""
        if not container.running:
            return 0.0
        if kill:
            took, code = 0.0, 137
        elif container.image.daemon:
            took, code = 0.1, 0
        else:
            took, code = STOP_TIMEOUT_S, 137  # a shell as PID 1 ignores SIGTERM
        # A container joined to this one's namespace (--net container:NAME) keeps running in it: the
        # kernel namespace lives while a process holds it, with only lo once this one's endpoints go.
        self.engine.sim.advance(took)
        self.exited(container, code)
        return took

    def remove(self, container: Container, force: bool = False) -> None:
        """``docker rm``: refused for a running container unless forced (then killed first)."""
        if container.running:
            if not force:
                raise DockerError(self.engine.profile.messages.remove_running.format(id=container.id, name=container.name))
            self.stop(container, kill=True)
        self.engine.forget_container(container)
