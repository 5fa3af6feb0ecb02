"""Invariants and quality figures of a Layout, computed from its geometry alone.

``verify(layout)`` lists every broken invariant (an empty list means all hold); ``metrics``
gives the figures the benchmark compares: crossings, bends, edge length, area.

Every render imports this module (the layout counts crossings to choose between lane orders,
the api returns :class:`Violation`), so its records are ``NamedTuple`` classes: immutable
like a frozen dataclass, with the same ``repr`` and ``==``, but created at import without
generating and executing method source (a frozen dataclass costs about ten times as much).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import Literal, NamedTuple

from prozesskette import text as tx
from prozesskette.layout.geometry import Layout, Point, Rect, shape_overlaps
from prozesskette.layout.readability import detail_problems

EPS = 0.01


ViolationKind = Literal["box-overlap", "lane", "phase", "edge-through-box", "edge-overlap",
                        "edge-near-border", "label", "text"]

BORDER_CLEARANCE = 4.0
"""A line that runs along a lane border or a phase divider keeps at least this far from it
(pt): closer, the two read as one line, and a dashed divider looks like a dashed loop back.
Crossing a border is fine."""


class Violation(NamedTuple):
    kind: ViolationKind
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class Metrics(NamedTuple):
    nodes: int
    edges: int
    crossings: int
    bends: int
    edge_length: float
    width: float
    height: float

    @property
    def aspect(self) -> float:
        return max(self.width, self.height) / max(1.0, min(self.width, self.height))

    @property
    def area(self) -> float:
        return self.width * self.height


class _Seg(NamedTuple):
    edge: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y0 - self.y1) < EPS


def _segments(layout: Layout) -> list[_Seg]:
    segs: list[_Seg] = []
    for index, edge in enumerate(layout.edges):
        for (x0, y0), (x1, y1) in zip(edge.points, edge.points[1:], strict=False):
            if abs(x0 - x1) < EPS and abs(y0 - y1) < EPS:
                continue
            segs.append(_Seg(index, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return segs


def _crossing_points(layout: Layout, segs: list[_Seg]) -> Iterator[tuple[int, int, Point]]:
    horizontal = [s for s in segs if s.horizontal]
    vertical = sorted((s for s in segs if not s.horizontal), key=lambda s: s.x0)
    xs = [s.x0 for s in vertical]
    for h in horizontal:
        start = bisect.bisect_right(xs, h.x0 + EPS)
        end = bisect.bisect_left(xs, h.x1 - EPS)
        for v in vertical[start:end]:
            if v.edge != h.edge and v.y0 + EPS < h.y0 < v.y1 - EPS:
                yield (min(h.edge, v.edge), max(h.edge, v.edge), (v.x0, h.y0))


def crossings(layout: Layout) -> int:
    return len({(a, b, (round(p[0], 2), round(p[1], 2)))
                for a, b, p in _crossing_points(layout, _segments(layout))})


def metrics(layout: Layout) -> Metrics:
    segs = _segments(layout)
    length = sum((s.x1 - s.x0) + (s.y1 - s.y0) for s in segs)
    return Metrics(len(layout.nodes), len(layout.edges), crossings(layout),
                   sum(edge.bends for edge in layout.edges), length, layout.width, layout.height)


def _overlapping_runs(layout: Layout, segs: list[_Seg]) -> Iterator[tuple[_Seg, _Seg]]:
    """Pairs of collinear segments of different edges sharing more than 1 pt."""
    groups: dict[tuple[bool, float], list[_Seg]] = {}
    for s in segs:
        key = (s.horizontal, round(s.y0 if s.horizontal else s.x0, 1))
        groups.setdefault(key, []).append(s)
    for (is_h, _), members in groups.items():
        members.sort(key=lambda s: s.x0 if is_h else s.y0)
        active: list[_Seg] = []
        for s in members:
            lo = s.x0 if is_h else s.y0
            hi = s.x1 if is_h else s.y1
            active = [a for a in active if (a.x1 if is_h else a.y1) > lo + 1.0]
            for a in active:
                a_hi = a.x1 if is_h else a.y1
                if a.edge != s.edge and min(a_hi, hi) - lo > 1.0:
                    yield a, s
            active.append(s)


class _BoxIndex:
    """Boxes bucketed on a coarse grid, for segment-through-box queries."""

    CELL = 150.0

    def __init__(self, boxes: dict[str, Rect]) -> None:
        self.cells: dict[tuple[int, int], list[str]] = {}
        self.boxes = boxes
        for key, rect in boxes.items():
            for cx in range(int(rect.x // self.CELL), int(rect.right // self.CELL) + 1):
                for cy in range(int(rect.y // self.CELL), int(rect.bottom // self.CELL) + 1):
                    self.cells.setdefault((cx, cy), []).append(key)

    def near(self, s: _Seg) -> set[str]:
        found: set[str] = set()
        for cx in range(int(s.x0 // self.CELL), int(s.x1 // self.CELL) + 1):
            for cy in range(int(s.y0 // self.CELL), int(s.y1 // self.CELL) + 1):
                found.update(self.cells.get((cx, cy), ()))
        return found


def _through(s: _Seg, r: Rect) -> bool:
    if s.horizontal:
        return r.y + EPS < s.y0 < r.bottom - EPS and min(s.x1, r.right) - max(s.x0, r.x) > EPS
    return r.x + EPS < s.x0 < r.right - EPS and min(s.y1, r.bottom) - max(s.y0, r.y) > EPS


def _union(rects: list[Rect]) -> Rect:
    x0 = min(r.x for r in rects)
    y0 = min(r.y for r in rects)
    return Rect(x0, y0, max(r.right for r in rects) - x0, max(r.bottom for r in rects) - y0)


class _Border(NamedTuple):
    at: float  # y of a horizontal border, x of a vertical one
    lo: float  # where it starts and ends along its own direction
    hi: float
    what: str


def _borders(layout: Layout) -> tuple[list[_Border], list[_Border]]:
    """The lane borders and phase dividers, horizontal and vertical, each sorted by ``at``."""
    horizontal: list[_Border] = []
    vertical: list[_Border] = []
    for lane in layout.lanes.values():
        band = lane.band
        what = f"the border of lane '{lane.actor}'"
        horizontal += [_Border(band.y, band.x, band.right, what),
                       _Border(band.bottom, band.x, band.right, what)]
        vertical += [_Border(band.x, band.y, band.bottom, what),
                     _Border(band.right, band.y, band.bottom, what)]
    for phase in layout.phases.values():
        column = phase.column
        what = f"the divider of phase '{phase.id}'"
        if layout.direction == "lr":
            vertical += [_Border(column.x, column.y, column.bottom, what),
                         _Border(column.right, column.y, column.bottom, what)]
        else:
            horizontal += [_Border(column.y, column.x, column.right, what),
                           _Border(column.bottom, column.x, column.right, what)]
    return sorted(horizontal), sorted(vertical)


def _border_clearance(layout: Layout, segs: list[_Seg], violations: list[Violation]) -> None:
    """Segments running along a lane border or phase divider closer than
    :data:`BORDER_CLEARANCE` (for more than 1 pt of their length)."""
    horizontal, vertical = _borders(layout)
    near = BORDER_CLEARANCE - EPS
    reported: set[tuple[int, str]] = set()
    for s in segs:
        borders = horizontal if s.horizontal else vertical
        at, lo, hi = (s.y0, s.x0, s.x1) if s.horizontal else (s.x0, s.y0, s.y1)
        start = bisect.bisect_left(borders, (at - near,))
        for border in borders[start:]:
            if border.at > at + near:
                break
            if min(hi, border.hi) - max(lo, border.lo) > 1.0 and (s.edge, border.what) \
                    not in reported:
                reported.add((s.edge, border.what))
                edge = layout.edges[s.edge]
                violations.append(Violation(
                    "edge-near-border", f"edge {edge.source}→{edge.target} runs "
                    f"{abs(at - border.at):.1f} pt along {border.what}"))


def _text_fits(layout: Layout, violations: list[Violation]) -> None:
    for node in layout.nodes.values():
        blocks = [node.title] + ([node.note] if node.note else [])
        for block in blocks:
            for line in block.lines:
                width = tx.text_width(line.text, line.size, line.bold)
                if width > node.text_area.w + 0.5:
                    violations.append(Violation("text", f"'{line.text}' ({width:.1f} pt) is "
                                                f"wider than step '{node.id}' allows"))
            if not node.text_area.inflate(0.5).contains(block.rect):
                violations.append(Violation("text", f"text of step '{node.id}' leaves its area"))
        area, box = node.text_area, node.rect
        if not box.contains(area):
            violations.append(Violation("text", f"text area of step '{node.id}' leaves the box"))
        if node.kind == "decision":
            for x, y in ((area.x, area.y), (area.right, area.y), (area.x, area.bottom),
                         (area.right, area.bottom)):
                if abs(x - box.cx) / (box.w / 2) + abs(y - box.cy) / (box.h / 2) > 1.0001:
                    violations.append(Violation("text", f"text of decision '{node.id}' pokes "
                                                "out of the diamond"))
                    break
    for phase in layout.phases.values():
        if phase.title.lines and not phase.header.inflate(0.5).contains(phase.title.rect):
            violations.append(Violation("text", f"title of phase '{phase.id}' leaves its "
                                        "header"))
    if layout.title is not None:
        for title in (layout.title.title, layout.title.subtitle):
            if title is not None and title.rect.right > layout.width + 0.5:
                violations.append(Violation("text", "the chart's title runs past its width"))
    for lane in layout.lanes.values():
        if not lane.header.inflate(0.5).contains(lane.title.rect):
            violations.append(Violation("text", f"name of lane '{lane.actor}' leaves its header"))
        for spot in lane.contacts:
            if spot.qr is not None and not lane.header.contains(spot.qr):
                violations.append(Violation("text", f"QR code of '{lane.actor}' leaves the "
                                            "header"))
            if not lane.header.inflate(0.5).contains(spot.text.rect):
                violations.append(Violation("text", f"contact text of '{lane.actor}' leaves "
                                            "the header"))


def verify(layout: Layout) -> list[Violation]:
    """Every broken invariant of the layout; an empty list when all hold."""
    violations: list[Violation] = []
    nodes = list(layout.nodes.values())
    boxes = {node.id: node.rect for node in nodes}
    index = _BoxIndex(boxes)
    for node in nodes:
        for other_id in sorted(index.near(_Seg(-1, node.rect.x, node.rect.y, node.rect.right,
                                               node.rect.bottom))):
            if other_id > node.id and node.rect.overlaps(boxes[other_id]):
                violations.append(Violation("box-overlap",
                                            f"steps '{node.id}' and '{other_id}' overlap"))
        lanes = [actor for actor, _ in node.lane_parts] or [node.actors[0]]
        bands = [layout.lanes[a].band for a in lanes if a in layout.lanes]
        if not bands or not _union(bands).contains(node.rect):
            violations.append(Violation("lane", f"step '{node.id}' is not inside its lane(s)"))
        if node.phase is not None and node.phase in layout.phases and \
                not layout.phases[node.phase].column.contains(node.rect):
            violations.append(Violation("phase", f"step '{node.id}' is not inside phase "
                                        f"'{node.phase}'"))
    segs = _segments(layout)
    for s in segs:
        edge = layout.edges[s.edge]
        for key in sorted(index.near(s)):
            if key not in (edge.source, edge.target) and _through(s, boxes[key]):
                violations.append(Violation("edge-through-box", f"edge {edge.source}→"
                                            f"{edge.target} passes through step '{key}'"))
    for a, b in _overlapping_runs(layout, segs):
        ea, eb = layout.edges[a.edge], layout.edges[b.edge]
        if {ea.source, ea.target} & {eb.source, eb.target}:
            continue
        violations.append(Violation("edge-overlap", f"edges {ea.source}→{ea.target} and "
                                    f"{eb.source}→{eb.target} lie on top of each other"))
    _border_clearance(layout, segs, violations)
    labels = [(i, e.label.rect) for i, e in enumerate(layout.edges) if e.label is not None]
    for i, rect in labels:
        for node in nodes:
            if shape_overlaps(node, rect):
                violations.append(Violation("label", f"label of edge {layout.edges[i].source}→"
                                            f"{layout.edges[i].target} covers step '{node.id}'"))
        for j, other in labels:
            if j > i and rect.overlaps(other):
                violations.append(Violation("label", "two edge labels overlap"))
    violations += [Violation("label", problem) for problem in detail_problems(layout)]
    _text_fits(layout, violations)
    return violations
