"""The Layout: pure geometry, in points, top-left origin, y downwards.

Everything a renderer draws is positioned here — boxes, text lines (baseline positions),
edge routes, QR code squares, legend and title. Renderers never decide a position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, Literal

Point = tuple[float, float]
LegendKind = Literal["start", "task", "decision", "document", "end", "shared", "handoff",
                     "overlap"]  # what a legend entry explains
Anchor = Literal["start", "middle", "end"]
MIRRORED_ANCHOR: dict[str, Anchor] = {"start": "end", "end": "start", "middle": "middle"}
"""The anchor of a line read in the other direction (mirrored charts, right-to-left text)."""


def fmt(value: float) -> str:
    """The one number formatter for all outputs: 2 decimals, no trailing zeros, no -0."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def contains(self, other: Rect, tolerance: float = 0.01) -> bool:
        return (other.x >= self.x - tolerance and other.y >= self.y - tolerance
                and other.right <= self.right + tolerance
                and other.bottom <= self.bottom + tolerance)

    def overlaps(self, other: Rect, tolerance: float = 0.01) -> bool:
        """True if the interiors intersect (touching edges do not count)."""
        return (self.x < other.right - tolerance and other.x < self.right - tolerance
                and self.y < other.bottom - tolerance and other.y < self.bottom - tolerance)

    def inflate(self, by: float) -> Rect:
        return Rect(self.x - by, self.y - by, self.w + 2 * by, self.h + 2 * by)

    def as_dict(self) -> dict[str, float]:
        return {"x": round(self.x, 2), "y": round(self.y, 2),
                "w": round(self.w, 2), "h": round(self.h, 2)}


@dataclass(frozen=True)
class TextLine:
    """One line of text; (x, y) is the baseline point at the anchor."""

    text: str
    x: float
    y: float
    size: float
    bold: bool = False
    anchor: Anchor = "middle"
    href: str | None = None  # http(s), mailto or tel link for this line


@dataclass(frozen=True)
class TextBlock:
    lines: tuple[TextLine, ...]
    rect: Rect  # the measured extent of the lines (ascent to descent, widest line)

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Badge:
    """A small round marker with a short text, e.g. the number of an overlap."""

    rect: Rect
    text: TextLine
    kind: Literal["overlap", "shared"]
    title: str  # what it means, for tooltips and screen readers


@dataclass(frozen=True)
class NodeBox:
    id: str
    kind: Literal["start", "task", "decision", "document", "end"]
    rect: Rect
    text_area: Rect  # where text may go inside the shape
    title: TextBlock
    actors: tuple[str, ...]
    phase: str | None
    lane_parts: tuple[tuple[str, Rect], ...]  # for a shared step: its part in each lane
    badges: tuple[Badge, ...] = ()
    note: TextBlock | None = None  # legal basis, small, inside the box below the title
    interface: bool = False  # takes part in a hand-off or is shared
    description: str | None = None


def shape_overlaps(node: NodeBox, rect: Rect) -> bool:
    """Whether a rectangle overlaps a step's drawn shape (diamonds are not rectangles)."""
    box = node.rect
    if not box.overlaps(rect):
        return False
    if node.kind != "decision":
        return True
    # the point of the rectangle nearest the centre decides, for the diamond's L1 ball
    px = min(max(box.cx, rect.x), rect.right)
    py = min(max(box.cy, rect.y), rect.bottom)
    return abs(px - box.cx) / (box.w / 2) + abs(py - box.cy) / (box.h / 2) < 0.999


@dataclass(frozen=True)
class ContactSpot:
    actor: str
    index: int
    qr: Rect | None  # the square including the quiet zone; None when QR codes are off
    payload: str  # the vCard the QR code encodes
    text: TextBlock  # name, role, phone, e-mail lines (phone and e-mail carry links)


@dataclass(frozen=True)
class LaneBox:
    actor: str
    band: Rect  # the whole lane, header included
    header: Rect
    title: TextBlock
    contacts: tuple[ContactSpot, ...]
    color: str  # fill, #rrggbb


@dataclass(frozen=True)
class PhaseBox:
    id: str
    column: Rect  # the phase's column range over all lanes
    header: Rect
    title: TextBlock


@dataclass(frozen=True)
class EdgeLabel:
    rect: Rect
    text: TextBlock


@dataclass(frozen=True)
class EdgeRoute:
    source: str
    target: str
    points: tuple[Point, ...]  # orthogonal polyline; the arrow head is at the last point
    label: EdgeLabel | None = None
    handoff: bool = False  # passes the case to another actor (an interface)
    back: bool = False  # runs back in time (a loop)
    marker: Point | None = None  # where the interface marker sits on the route

    @property
    def bends(self) -> int:
        return max(0, len(self.points) - 2)


@dataclass(frozen=True)
class LegendItem:
    kind: str  # a LegendKind (renderers also know "back", "edge", "badge")
    swatch: Rect
    text: TextBlock


@dataclass(frozen=True)
class Legend:
    rect: Rect
    items: tuple[LegendItem, ...]


@dataclass(frozen=True)
class TitleBlock:
    rect: Rect
    title: TextBlock
    subtitle: TextBlock | None


@dataclass(frozen=True)
class Style:
    """Sizes the layout used; renderers read stroke widths and the font from here."""

    font_family: str = "Noto Sans"
    font_size: float = 9.0
    small_font_size: float = 7.0
    line_width: float = 1.0
    edge_width: float = 1.0
    corner_radius: float = 4.0
    arrow_size: float = 6.0


MarkKind = Literal["added", "changed", "removed"]
"""How a part of the chart differs from an older version (see :mod:`.diff_marks`)."""


@dataclass(frozen=True)
class StepMark:
    """A step added or changed since the old version: an outline around it and a symbol."""

    step: str
    kind: Literal["added", "changed"]
    outline: Rect  # the step's box, grown a little
    symbol: Rect  # the round badge with the symbol ("+" or a pencil)
    title: str  # what changed, with the old values: tooltip and screen-reader text


@dataclass(frozen=True)
class EdgeMark:
    """A transition added since the old version: its route stands out, with a symbol."""

    source: str
    target: str
    symbol: Rect  # the "+" badge, on the route's longest straight run
    title: str


@dataclass(frozen=True)
class ContactMark:
    """A contact person added or changed since the old version, in its lane header."""

    actor: str
    index: int  # the contact's place among the actor's contacts (as ContactSpot.index)
    kind: Literal["added", "changed"]
    outline: Rect  # around the QR code and the text
    symbol: Rect
    title: str  # what changed, with the old values


@dataclass(frozen=True)
class Ghost:
    """A removed step, drawn as a dashed outline near where it was."""

    step: str  # its id in the old chain
    kind: Literal["start", "task", "decision", "document", "end"]
    rect: Rect
    text: TextBlock
    symbol: Rect  # the "−" badge
    title: str  # "removed: …" with the old values


@dataclass(frozen=True)
class MarkKey:
    """One entry of the marks' legend."""

    kind: MarkKind
    swatch: Rect
    text: TextBlock


@dataclass(frozen=True)
class DiffMarks:
    """The marks of a chart drawn against an older version; empty for an ordinary chart."""

    steps: tuple[StepMark, ...] = ()
    edges: tuple[EdgeMark, ...] = ()
    ghosts: tuple[Ghost, ...] = ()
    contacts: tuple[ContactMark, ...] = ()
    keys: tuple[MarkKey, ...] = ()  # the legend of the marks
    keys_rect: Rect | None = None
    removed: TextBlock | None = None  # removed steps without room in the chart, as a list
    removed_rect: Rect | None = None

    def __bool__(self) -> bool:
        return bool(self.steps or self.edges or self.ghosts or self.contacts or self.keys)


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    direction: Literal["lr", "tb"]
    nodes: dict[str, NodeBox]  # in reading order
    lanes: dict[str, LaneBox]  # in drawing order
    phases: dict[str, PhaseBox]
    edges: tuple[EdgeRoute, ...]
    title: TitleBlock | None
    legend: Legend | None
    style: Style = field(default_factory=Style)
    language: str = "de"
    chain: Any = None  # the Chain drawn (for metadata: title, descriptions, links)
    marks: DiffMarks = field(default_factory=DiffMarks)  # changes against an old version

    def to_json(self) -> dict[str, Any]:
        """The documented geometry JSON (points, top-left origin, y down)."""
        def block(text: TextBlock | None) -> list[dict[str, Any]] | None:
            if text is None:
                return None
            return [{"text": line.text, "x": round(line.x, 2), "y": round(line.y, 2),
                     "size": line.size, "bold": line.bold, "anchor": line.anchor}
                    for line in text.lines]

        return {
            "width": round(self.width, 2),
            "height": round(self.height, 2),
            "direction": self.direction,
            "nodes": {node_id: {**node.rect.as_dict(), "kind": node.kind,
                                "actors": list(node.actors), "phase": node.phase,
                                "lines": block(node.title), "note": block(node.note)}
                      for node_id, node in self.nodes.items()},
            "lanes": {actor: {**lane.band.as_dict(), "header": lane.header.as_dict(),
                              "lines": block(lane.title),
                              "qr": [{**spot.qr.as_dict(), "contact": spot.index}
                                     for spot in lane.contacts if spot.qr is not None]}
                      for actor, lane in self.lanes.items()},
            "phases": {phase_id: {**phase.column.as_dict(), "header": phase.header.as_dict(),
                                  "lines": block(phase.title)}
                       for phase_id, phase in self.phases.items()},
            "edges": [{"from": edge.source, "to": edge.target,
                       "points": [[round(x, 2), round(y, 2)] for x, y in edge.points],
                       "label": ({**edge.label.rect.as_dict(), "text": edge.label.text.text}
                                 if edge.label else None),
                       "handoff": edge.handoff, "back": edge.back}
                      for edge in self.edges],
        }


class RectIndex:
    """Rectangles (or segments as thin rectangles) bucketed on a coarse grid, so that
    "what is near this rectangle?" does not look at everything."""

    def __init__(self, cell: float = 160.0) -> None:
        self.cell = cell
        self.buckets: dict[tuple[int, int], list[int]] = {}
        self.rects: list[Rect] = []

    def _cells(self, rect: Rect) -> list[tuple[int, int]]:
        c = self.cell
        return [(cx, cy) for cx in range(int(rect.x // c), int(rect.right // c) + 1)
                for cy in range(int(rect.y // c), int(rect.bottom // c) + 1)]

    def add(self, rect: Rect) -> int:
        index = len(self.rects)
        self.rects.append(rect)
        for key in self._cells(rect):
            self.buckets.setdefault(key, []).append(index)
        return index

    def near(self, rect: Rect) -> list[int]:
        """Indices of rectangles sharing a grid cell with ``rect``, ascending."""
        found: set[int] = set()
        for key in self._cells(rect):
            found.update(self.buckets.get(key, ()))
        return sorted(found)


_DRAWN = ("nodes", "lanes", "phases", "edges", "title", "legend", "marks")
_WalkKind = Literal["rect", "line", "tuple", "dict", "keep"]  # what map_geometry does with a value


def map_geometry(layout: Layout, rect: Callable[[Rect], Rect],
                 line: Callable[[TextLine], TextLine],
                 point: Callable[[Point], Point]) -> dict[str, Any]:
    """Every drawn part of ``layout`` with its rectangles, text lines and points mapped (the
    parts are returned by field name, for ``replace(layout, **parts)``)."""

    # what to do with each type, found once per type (5000 steps: translate 0.25 → 0.1 s):
    # a kind, or for a dataclass the names of its fields
    kinds: dict[type, _WalkKind | tuple[str, ...]] = {}

    def kind(cls: type) -> _WalkKind | tuple[str, ...]:
        found: _WalkKind | tuple[str, ...]
        if issubclass(cls, Rect):
            found = "rect"
        elif issubclass(cls, TextLine):
            found = "line"
        elif issubclass(cls, tuple):
            found = "tuple"
        elif issubclass(cls, dict):
            found = "dict"
        elif is_dataclass(cls) and not issubclass(cls, Style):
            found = tuple(f.name for f in fields(cls))  # (all in __init__, as replace wants)
        else:
            found = "keep"
        kinds[cls] = found
        return found

    def walk(obj: Any) -> Any:
        what = kinds.get(type(obj))
        if what is None:
            what = kind(type(obj))
        if what == "keep":
            return obj
        if what == "rect":
            return rect(obj)
        if what == "line":
            return line(obj)
        if what == "tuple":
            if len(obj) == 2 and all(isinstance(v, float | int) and not isinstance(v, bool)
                                     for v in obj):
                return point(obj)
            return tuple(map(walk, obj))
        if what == "dict":
            return {key: walk(value) for key, value in obj.items()}
        assert isinstance(what, tuple)
        return type(obj)(**{name: walk(getattr(obj, name)) for name in what})

    return {name: walk(getattr(layout, name)) for name in _DRAWN}


def translate(layout: Layout, dx: float, dy: float, margin: float = 0.0) -> Layout:
    """The same layout moved by (dx, dy), its size grown by the shift plus ``margin``."""
    moved = map_geometry(layout, lambda r: Rect(r.x + dx, r.y + dy, r.w, r.h),
                         lambda t: replace(t, x=t.x + dx, y=t.y + dy),
                         lambda p: (p[0] + dx, p[1] + dy))
    return replace(layout, width=layout.width + dx + margin, height=layout.height + dy + margin,
                   **moved)
