"""What the layout produces: a :class:`Scene` of shapes, labels and edge polylines, in points, ``y`` growing downwards.

Plain data, each item tagged with the graph node or edge it draws (its ``gid``), so the
views find the artist of a device or a link by name."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.viz import style


def edge_gid(a: str, b: str) -> str:
    """The ``gid`` of the artist drawing the edge between ``a`` and ``b`` (order-free)."""
    x, y = sorted((a, b))
    return f"EDGE:{x}|{y}"


@dataclass(slots=True)
class Shape:
    """A rectangle to draw: ``box`` (a namespace), ``pill`` (a device), ``bar`` (bridge, switch)."""

    gid: str
    kind: str
    x: float
    y: float
    w: float
    h: float
    fill: str
    edge: str
    dashed: bool = False
    owner: str = ""  # the namespace a device pill belongs to

    @property
    def cx(self) -> float:
        """The centre's x."""
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        """The centre's y."""
        return self.y + self.h / 2

    def shift(self, dx: float, dy: float) -> None:
        """Move it by (dx, dy) points."""
        self.x += dx
        self.y += dy


@dataclass(slots=True)
class Label:
    """One line of text; ``y`` is its top (y grows down), ``ha`` its horizontal anchor."""

    gid: str
    x: float
    y: float
    text: str
    size: float = style.LABEL_PT
    bold: bool = False
    mono: bool = False
    colour: str = style.INK
    ha: str = "left"
    va: str = "top"

    def shift(self, dx: float, dy: float) -> None:
        """Move it by (dx, dy) points."""
        self.x += dx
        self.y += dy


@dataclass(slots=True)
class EdgeLine:
    """A link to draw as a polyline."""

    gid: str
    a: str
    b: str
    kind: str
    points: list[tuple[float, float]]

    def shift(self, dx: float, dy: float) -> None:
        """Move it by (dx, dy) points."""
        self.points = [(x + dx, y + dy) for x, y in self.points]


@dataclass(slots=True)
class Scene:
    """A laid-out picture: everything in points, ``y`` growing downwards."""

    width: float
    height: float
    shapes: dict[str, Shape] = field(default_factory=dict)
    extra_shapes: list[Shape] = field(default_factory=list)  # second shapes of a node (a group's veth stub)
    labels: list[Label] = field(default_factory=list)
    edges: list[EdgeLine] = field(default_factory=list)
    owner: dict[str, str] = field(default_factory=dict)  # every gid -> the graph node it belongs to
    collapsed: dict[str, str] = field(default_factory=dict)  # a hidden container or device -> its "+N more" group

    def anchor(self, node: str, toward: tuple[float, float] | None = None) -> tuple[float, float]:
        """Where an arrow to or from ``node`` should attach.

        Pills attach at their centre; the long bars (a bridge, the switch) at the
        point of their edge nearest ``toward``, so an arrow from a veth drops
        straight onto the bridge below it.
        """
        shape = self.shapes[node]
        if shape.kind != "bar" or toward is None:
            return (shape.cx, shape.cy)
        tx, ty = toward
        x = min(max(tx, shape.x + 12), shape.x + shape.w - 12)
        if ty < shape.y:
            return (x, shape.y)
        if ty > shape.y + shape.h:
            return (x, shape.y + shape.h)
        return (x, shape.cy)

