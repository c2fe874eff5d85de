"""A container's network mode (``HostConfig.NetworkMode``), parsed once.

``docker run --network VALUE`` names one of five things: the default (no
``--network``: the ``bridge`` network, which 20.10 records as ``default``), the
``bridge`` network itself, ``host`` (the host's namespace), ``none`` (only ``lo``),
``container:NAME|ID`` (another container's namespace) or a network by name or id.
The CLI parses the option into a :class:`NetworkMode`; the engine resolves it
(a container reference becomes the full id, a network given by id its name) and
stores the resolved value on the container, where ``docker inspect`` reads it as
text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ModeKind(Enum):
    """What a network mode names."""

    DEFAULT = "default"  # no --network
    BRIDGE = "bridge"
    HOST = "host"
    NONE = "none"
    CONTAINER = "container"  # container:<name or id>
    NETWORK = "network"  # a network by name or id


_PREDEFINED = {"default": ModeKind.DEFAULT, "bridge": ModeKind.BRIDGE, "host": ModeKind.HOST, "none": ModeKind.NONE}


@dataclass(frozen=True, slots=True)
class NetworkMode:
    """``--network``'s value as a type: the kind, and the container or network it names.

    >>> NetworkMode.parse("container:web").container_ref
    'web'
    >>> str(NetworkMode.parse("mynet"))
    'mynet'
    """

    kind: ModeKind
    target: str = ""  # the container (CONTAINER) or network (NETWORK) named

    @classmethod
    def parse(cls, text: str) -> NetworkMode:
        """Read ``--network``'s text (``"default"`` when the option was not given)."""
        kind = _PREDEFINED.get(text)
        if kind is not None:
            return cls(kind)
        if text.startswith("container:"):
            return cls(ModeKind.CONTAINER, text.split(":", 1)[1])
        return cls(ModeKind.NETWORK, text)

    @classmethod
    def of_container(cls, container_id: str) -> NetworkMode:
        """``container:<id>``: share that container's namespace."""
        return cls(ModeKind.CONTAINER, container_id)

    @classmethod
    def of_network(cls, name: str) -> NetworkMode:
        """A user-defined network, by name."""
        return cls(ModeKind.NETWORK, name)

    def __str__(self) -> str:
        """The text ``docker inspect`` shows as ``HostConfig.NetworkMode``."""
        if self.kind is ModeKind.CONTAINER:
            return f"container:{self.target}"
        if self.kind is ModeKind.NETWORK:
            return self.target
        return str(self.kind.value)

    @property
    def is_host(self) -> bool:
        """The host's namespace (``--network host``)."""
        return self.kind is ModeKind.HOST

    @property
    def is_none(self) -> bool:
        """Only ``lo`` (``--network none``)."""
        return self.kind is ModeKind.NONE

    @property
    def is_container(self) -> bool:
        """Another container's namespace (``--network container:NAME``)."""
        return self.kind is ModeKind.CONTAINER

    @property
    def is_default_bridge(self) -> bool:
        """The default ``bridge`` network, asked for by name or by default."""
        return self.kind in (ModeKind.DEFAULT, ModeKind.BRIDGE)

    @property
    def shares_namespace(self) -> bool:
        """No sandbox of its own: the host's namespace or another container's."""
        return self.kind in (ModeKind.HOST, ModeKind.CONTAINER)

    @property
    def container_ref(self) -> str | None:
        """The container whose namespace this mode joins (a reference, then its id), or None."""
        return self.target if self.kind is ModeKind.CONTAINER else None
