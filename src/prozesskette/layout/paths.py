"""Stage: the final points of every route, in the abstract axes (t, l): from its source
port, along its tracks, to its target port. Orthogonal by construction: each point shares one
coordinate with the one before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from prozesskette.graph import ChainGraph
from prozesskette.layout.coords import Box
from prozesskette.layout.grid import Item
from prozesskette.layout.ports import Port, PortEnd, Side
from prozesskette.layout.routes import Route, below
from prozesskette.layout.tracks import Run
from prozesskette.model import StepKind

AxisPoint = tuple[float, float]  # a point (t, l) in the abstract axes
JOG_AWAY = 4.5  # how far from its source a vertical hand-off jogs, if it must (pt)


class _Placed(NamedTuple):
    """The placed stage results a route's points are read from."""

    graph: ChainGraph
    boxes: Mapping[str, Box]
    ports: Mapping[tuple[int, PortEnd], Port]
    jogs: Mapping[tuple[int, int], Run]  # (edge, channel) -> run
    run_t: Mapping[tuple[int, int], float]  # (edge, channel) -> t of its track
    gap_l: Mapping[int, float]  # edge -> l of its run along a row gap

    def port_l(self, edge: int, end: PortEnd) -> float:
        port = self.ports[(edge, end)]
        return self.boxes[port.item].l + port.offset

    def side_t(self, item: Item, side: Side, offset_l: float) -> float:
        """Where a left/right port meets the shape's outline (diamonds are not rectangles)."""
        box = self.boxes[item.key]
        half_t = box.t_ext / 2
        if item.real and self.graph.steps[item.key].kind is StepKind.decision:
            ratio = min(1.0, abs(offset_l) / max(box.l_ext / 2, 1.0))
            half_t *= 1.0 - ratio
        return box.t + (half_t if side == "R" else -half_t)

    def side_l(self, item: Item, side: Side, offset_t: float) -> float:
        box = self.boxes[item.key]
        half_l = box.l_ext / 2
        if item.real and self.graph.steps[item.key].kind is StepKind.decision:
            ratio = min(1.0, abs(offset_t) / max(box.t_ext / 2, 1.0))
            half_l *= 1.0 - ratio
        return box.l + (half_l if side == "B" else -half_l)

    def end_l(self, item: Item, edge: int, end: PortEnd) -> tuple[float, float]:
        """(t, l) where a top/bottom port meets the outline."""
        port = self.ports[(edge, end)]
        t = self.boxes[item.key].t + port.offset
        return t, self.side_l(item, port.side, port.offset)

    def beside(self, a: Item, b: Item) -> float:
        """Where a hand-off from a to b in one column jogs (if its ends do not line up):
        close to a, inside a's lane, so that the jog runs along no lane border (a box keeps
        at least 14 pt from its lane's border) and off the middle of a row gap, where the
        tracks of loops run."""
        ba, bb = self.boxes[a.key], self.boxes[b.key]
        if below(a, b):
            edge, room = ba.l + ba.l_ext / 2, (bb.l - bb.l_ext / 2) - (ba.l + ba.l_ext / 2)
        else:
            edge, room = ba.l - ba.l_ext / 2, (bb.l + bb.l_ext / 2) - (ba.l - ba.l_ext / 2)
        return edge + max(-JOG_AWAY, min(JOG_AWAY, room / 3))


def route_points(graph: ChainGraph, routes: tuple[Route, ...], boxes: Mapping[str, Box],
                 ports: Mapping[tuple[int, PortEnd], Port], jogs: Mapping[tuple[int, int], Run],
                 run_t: Mapping[tuple[int, int], float],
                 gap_l: Mapping[int, float]) -> tuple[tuple[AxisPoint, ...], ...]:
    """The points of each route (in the order of ``routes``), without repeated or collinear
    middle points."""
    placed = _Placed(graph, boxes, ports, jogs, run_t, gap_l)
    drawn = {"fwd": _forward, "detour": _detour, "elbowV": _elbow_v, "elbowH": _elbow_h,
             "vert": _vertical, "loopU": _loop_under, "loopB": _loop_back}
    return tuple(tuple(_simplify(drawn[route.kind](placed, route))) for route in routes)


def _forward(placed: _Placed, route: Route) -> list[AxisPoint]:
    items, edge = route.items, route.edge
    pts: list[AxisPoint] = []
    if route.elbow_start:
        t0, l0 = placed.end_l(items[0], edge, "src")
        current = placed.boxes[items[1].key].l
        pts += [(t0, l0), (t0, current)]
    else:
        current = placed.port_l(edge, "src")
        pts.append((placed.side_t(items[0], "R", current - placed.boxes[items[0].key].l),
                    current))
    for a in items[:-1]:
        jog = placed.jogs.get((edge, a.col))
        if jog is not None:
            at = placed.run_t[(edge, a.col)]
            pts.append((at, current))
            pts.append((at, jog.b))
            current = jog.b
    last = items[-1]
    if route.elbow_end:
        t1, l1 = placed.end_l(last, edge, "dst")
        pts += [(t1, current), (t1, l1)]
    else:
        pts.append((placed.side_t(last, "L", current - placed.boxes[last.key].l), current))
    return pts


def _detour(placed: _Placed, route: Route) -> list[AxisPoint]:
    u, v = route.items[0], route.items[-1]
    lu = placed.port_l(route.edge, "src")
    track = placed.run_t[(route.edge, u.col)]
    if route.gap is None:  # beside the column and back into the target's same side
        lv = placed.port_l(route.edge, "dst")
        return [(placed.side_t(u, "R", lu - placed.boxes[u.key].l), lu), (track, lu),
                (track, lv), (placed.side_t(v, "R", lv - placed.boxes[v.key].l), lv)]
    gap = placed.gap_l[route.edge]
    t_v, l_v = placed.end_l(v, route.edge, "dst")
    return [(placed.side_t(u, "R", lu - placed.boxes[u.key].l), lu), (track, lu), (track, gap),
            (t_v, gap), (t_v, l_v)]


def _elbow_v(placed: _Placed, route: Route) -> list[AxisPoint]:
    u, v = route.items
    t, l_u = placed.end_l(u, route.edge, "src")
    lv = placed.port_l(route.edge, "dst")
    return [(t, l_u), (t, lv), (placed.side_t(v, "L", lv - placed.boxes[v.key].l), lv)]


def _elbow_h(placed: _Placed, route: Route) -> list[AxisPoint]:
    u, v = route.items
    lu = placed.port_l(route.edge, "src")
    t, l_v = placed.end_l(v, route.edge, "dst")
    return [(placed.side_t(u, "R", lu - placed.boxes[u.key].l), lu), (t, lu), (t, l_v)]


def _vertical(placed: _Placed, route: Route) -> list[AxisPoint]:
    a, b = route.items[0], route.items[-1]
    ta, la = placed.end_l(a, route.edge, "src")
    tb, lb = placed.end_l(b, route.edge, "dst")
    pts = [(ta, la)]
    if abs(ta - tb) > 0.01:  # offsets differ: jog in the gap between the lanes
        gap = placed.beside(a, b)
        pts.append((ta, gap))
        pts.append((tb, gap))
    pts.append((tb, lb))
    return pts


def _loop_under(placed: _Placed, route: Route) -> list[AxisPoint]:
    u, v = route.items
    gap = placed.gap_l[route.edge]
    ta, la = placed.end_l(u, route.edge, "src")
    tb, lb = placed.end_l(v, route.edge, "dst")
    return [(ta, la), (ta, gap), (tb, gap), (tb, lb)]


def _loop_back(placed: _Placed, route: Route) -> list[AxisPoint]:
    u, v = route.items
    gap = placed.gap_l[route.edge]
    l0, l1 = placed.port_l(route.edge, "src"), placed.port_l(route.edge, "dst")
    j1 = placed.run_t[(route.edge, u.col)]
    j2 = placed.run_t[(route.edge, v.col - 1)]
    return [(placed.side_t(u, "R", l0 - placed.boxes[u.key].l), l0), (j1, l0), (j1, gap),
            (j2, gap), (j2, l1), (placed.side_t(v, "L", l1 - placed.boxes[v.key].l), l1)]


def _simplify(points: list[AxisPoint]) -> list[AxisPoint]:
    """Drop repeated and collinear middle points."""
    out: list[AxisPoint] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 0.01 and abs(out[-1][1] - p[1]) < 0.01:
            continue
        out.append(p)
    result: list[AxisPoint] = []
    for p in out:
        if len(result) >= 2:
            a, b = result[-2], result[-1]
            if (abs(a[0] - b[0]) < 0.01 and abs(b[0] - p[0]) < 0.01) or (
                    abs(a[1] - b[1]) < 0.01 and abs(b[1] - p[1]) < 0.01):
                result[-1] = p
                continue
        result.append(p)
    return result
