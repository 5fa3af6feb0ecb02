"""Stage: routes. Which way each edge runs through the grid (:data:`RouteKind`), decided on
the grid alone, before any size or coordinate is known. The final points follow in
:mod:`~prozesskette.layout.paths`, once ports, tracks and coordinates are placed.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from prozesskette.graph import ChainGraph
from prozesskette.layout.grid import Grid, Item

RouteKind = Literal["fwd", "vert", "detour", "elbowV", "elbowH", "loopU", "loopB"]
"""fwd: to a later column, jogging in the channels between; vert: a hand-off straight down
(or up) in one column; detour: a hand-off in one column drawn beside it, past a step in between
(no gap: out of the source's side, along the channel and back into the target's same side, two
bends), or a loop back along a row gap into the target's top (or bottom);
elbowV / elbowH: a hand-off to the next column with one bend, vertical first / horizontal first;
loopU: back along the row gap under (or over) the steps of one row; loopB: back through a row
gap, out of the source's right side and into the target's left side."""

GapKey = tuple[int, int]  # (lane, gap index): the row gap above row k of a lane is gap k


class Route(NamedTuple):
    edge: int  # index in ChainGraph.edges
    kind: RouteKind
    items: tuple[Item, ...]  # source, dummies…, target (loops: source, target)
    gap: GapKey | None = None  # the row gap of loops (and of detours that are loops)
    gap_side: Literal[1, -1] = 1  # loopU: +1 below the row, -1 above; detour: +1 down
    elbow_start: bool = False  # a long edge that leaves its source downwards (or upwards)
    elbow_end: bool = False  # … that enters its target from above (or below)


def plan_routes(graph: ChainGraph, grid: Grid) -> tuple[Route, ...]:
    """Every edge's route, in edge order."""
    routes: list[Route] = []
    for link in grid.links:
        if link.detour:
            u, v = link.items[0], link.items[-1]
            routes.append(Route(link.index, "detour", tuple(link.items), None,
                                1 if below(u, v) else -1))
            continue
        routes.append(Route(link.index, "vert" if link.vertical else "fwd", tuple(link.items)))
    blocked: set[tuple[int, int, int]] = set()  # (column, lane, gap index)
    for item in grid.items.values():
        if item.real and item.hi > item.lo:
            blocked.add((item.col, item.lo, grid.rows[item.lo]))
            blocked.add((item.col, item.hi, 0))
            for lane in range(item.lo + 1, item.hi):
                for gap in range(grid.rows[lane] + 1):
                    blocked.add((item.col, lane, gap))
    _plan_elbows(grid, routes)
    runs = _vertical_runs(routes)
    for index in grid.back:
        edge = graph.edges[index]
        routes.append(_loop(grid, blocked, runs, index, grid.items[edge.source],
                            grid.items[edge.target]))
    return tuple(sorted(routes, key=lambda r: r.edge))


def _loop(grid: Grid, blocked: set[tuple[int, int, int]], runs: list[tuple[float, float, float]],
          index: int, u: Item, v: Item) -> Route:
    """The route of an edge back from u to v: under (or over) its row, else through a row gap
    near both ends."""
    if u.lo == u.hi and v.lo == v.hi and u.lo == v.lo and u.row == v.row:
        lane = u.lo
        for side, gap in ((1, u.row + 1), (-1, u.row)):
            cols = range(min(u.col, v.col), max(u.col, v.col) + 1)
            if not any((c, lane, gap) in blocked for c in cols):
                return Route(index, "loopU", (u, v), (lane, gap), 1 if side > 0 else -1)
    gap_key, crossed = _free_gap(grid, blocked, runs, u, v)
    route = Route(index, "loopB", (u, v), gap_key)
    if v.lo == v.hi:
        # three bends instead of four: out of u's side, back along the row gap beside v, and
        # into v's bottom (or top), unless that crosses more edges
        below = u.lo > v.lo or (u.lo == v.lo and u.row >= v.row)
        for gap, side in (((v.row + 1, -1), (v.row, 1)) if below
                          else ((v.row, 1), (v.row + 1, -1))):
            cols = range(min(u.col, v.col), max(u.col, v.col) + 1)
            if not any((c, v.lo, gap) in blocked for c in cols) and \
                    _crossed(runs, v.lo, gap, v.col - 0.5, u.col + 0.5) <= crossed:
                return Route(index, "detour", (u, v), (v.lo, gap), 1 if side > 0 else -1)
    return route


def _run_key(lane: int, row: float) -> float:
    return lane * 1000.0 + row


class _ElbowRoom:
    """What lies in the grid's cells, for :func:`_plan_elbows`: work state of that one
    function, filled as elbows are taken."""

    def __init__(self, grid: Grid, routes: list[Route]) -> None:
        self.cells: dict[tuple[int, int], list[Item]] = {}
        for item in grid.items.values():
            for lane in range(item.lo, item.hi + 1):
                self.cells.setdefault((item.col, lane), []).append(item)
        self.runs: dict[int, list[tuple[float, float, str]]] = {}  # column -> vertical runs
        # each dummy's neighbours along its edge: a dummy whose line runs straight on into
        # the neighbouring column is crossed there by a jog anyway, so an elbow may cross it
        self.straight_next: set[str] = set()
        self.straight_prev: set[str] = set()
        for link in grid.links:
            for before, dummy, after in zip(link.items, link.items[1:], link.items[2:],
                                            strict=False):
                if dummy.real:
                    continue
                if after.lo == dummy.lo and after.row == dummy.row and after.hi == after.lo:
                    self.straight_next.add(dummy.key)
                if before.lo == dummy.lo and before.row == dummy.row and before.hi == before.lo:
                    self.straight_prev.add(dummy.key)
        for route in routes:
            if route.kind == "vert":
                a, b = route.items[0], route.items[-1]
                ka, kb = _run_key(a.lo, a.row), _run_key(b.lo, b.row)
                self.runs.setdefault(a.col, []).append((min(ka, kb), max(ka, kb), a.key))

    def real_in(self, column: int, lane: int, *, jog_after: bool = True) -> bool:
        """Something in the way of an elbow's vertical run in this column? The jog that
        the elbow replaces would run in the channel after (or before) the column."""
        free = self.straight_next if jog_after else self.straight_prev
        return any(item.real or item.key not in free for item in self.cells.get((column, lane), ()))

    def free_run(self, column: int, lo: float, hi: float, owner: str) -> bool:
        return all(hi < a or b < lo or who == owner for a, b, who in self.runs.get(column, ()))

    def clear_beyond(self, column: int, lane: int, row: int, down: bool,
                     item: Item | None = None) -> bool:
        """Does everything in the cell (besides ``item``) lie beyond ``row`` of the lane,
        in the given direction?"""
        for other in self.cells.get((column, lane), ()):
            if other is item:
                continue
            at = _row_in(other, lane)
            if at is None or (at <= row if down else at >= row):
                return False
        return True

    def take(self, column: int, run: tuple[float, float, str]) -> None:
        self.runs.setdefault(column, []).append(run)

    def elbow_fits(self, at: Item, other: Item, down: bool, *,
                   jog_after: bool) -> tuple[float, float] | None:
        """The span of a vertical run in ``at``'s column towards ``other``'s lane, if free:
        nothing beyond ``at`` in its cell (towards ``other``), nothing in the lanes between
        but dummies that run straight on, and in ``other``'s lane only what lies beyond the
        run's turn."""
        lane, row = _exit(at, down)
        to_lane, to_row = _exit(other, not down)
        ka, kb = _run_key(lane, row), _run_key(to_lane, to_row)
        span = (min(ka, kb), max(ka, kb))
        between = range(min(lane, to_lane) + 1, max(lane, to_lane))
        if self.clear_beyond(at.col, lane, row, not down, at) and \
                self.clear_beyond(at.col, to_lane, to_row, down, at) and \
                not any(self.real_in(at.col, x, jog_after=jog_after) for x in between) \
                and self.free_run(at.col, *span, at.key):
            return span
        return None


def below(a: Item, b: Item) -> bool:
    """Whether b lies below a along l: in a later lane, or in a later row of a's last lane
    (a run of steps down one lane, in one column)."""
    lane, row = _exit(a, True)
    return (b.lo, b.row) > (lane, row)


def _exit(item: Item, down: bool) -> tuple[int, int]:
    """The lane and row where a vertical run leaves the item downwards (or upwards)."""
    if down:
        return item.hi, item.row_hi if item.hi > item.lo else item.row
    return item.lo, item.row


def _row_in(item: Item, lane: int) -> int | None:
    """The item's row in one of its lanes; None in the lanes a shared step fills."""
    if lane == item.lo:
        return item.row
    return item.row_hi if lane == item.hi else None


def _plan_elbows(grid: Grid, routes: list[Route]) -> None:
    """Hand-offs to a neighbouring column become elbows with one bend instead of two:
    down (or up) out of the source's column and into the target's side ("elbowV"), or
    out of the source's side and down into the target's top ("elbowH") — where the column
    they pass is free. Long edges may likewise bend into their source's or target's top."""
    room = _ElbowRoom(grid, routes)
    for index, route in enumerate(routes):
        if route.kind != "fwd" or len(route.items) < 3:
            continue
        u, first = route.items[0], route.items[1]
        last, v = route.items[-2], route.items[-1]
        if not u.lo <= first.lo <= u.hi:
            span = room.elbow_fits(u, first, first.lo > u.hi, jog_after=True)
            if span is not None:
                route = routes[index] = route._replace(elbow_start=True)
                room.take(u.col, (*span, u.key))
        if not v.lo <= last.lo <= v.hi:
            span = room.elbow_fits(v, last, not v.lo > last.lo, jog_after=False)
            if span is not None:
                routes[index] = route._replace(elbow_end=True)
                room.take(v.col, (*span, v.key))
    for index, route in enumerate(routes):
        if route.kind != "fwd" or len(route.items) != 2:
            continue
        u, v = route.items
        if not (v.lo > u.hi or u.lo > v.hi or (u.lo == u.hi == v.lo == v.hi and u.row != v.row)):
            continue
        down = below(u, v)
        # vertical first, in the source's column (and into the side of a one-lane target)
        span = room.elbow_fits(u, v, down, jog_after=True) if v.lo == v.hi else None
        if span is not None:
            routes[index] = route._replace(kind="elbowV")
            room.take(u.col, (*span, u.key))
            continue
        # horizontal first (out of a one-lane source), then into the target's top (or bottom)
        span = room.elbow_fits(v, u, not down, jog_after=False) if u.lo == u.hi else None
        if span is not None:
            routes[index] = route._replace(kind="elbowH")
            room.take(v.col, (*span, v.key))


def _vertical_runs(routes: list[Route]) -> list[tuple[float, float, float]]:
    """(t position in column units, low, high) of the vertical runs planned so far, in
    lane*1000+row keys: hand-offs, elbows and the jogs of forward edges."""
    runs: list[tuple[float, float, float]] = []
    for route in routes:
        if route.kind in ("vert", "elbowV", "elbowH", "fwd", "detour"):
            for a, b in zip(route.items, route.items[1:], strict=False):
                ka, kb = a.lo * 1000.0 + a.row, b.lo * 1000.0 + b.row
                if ka == kb:
                    continue
                where = {"vert": a.col, "elbowV": a.col, "elbowH": b.col}.get(
                    route.kind, a.col + 0.5)
                runs.append((float(where), min(ka, kb), max(ka, kb)))
    return runs


def _crossed(runs: list[tuple[float, float, float]], lane: int, gap: int, t_lo: float,
             t_hi: float) -> int:
    """How many planned vertical runs a run along a row gap between t_lo and t_hi (column
    units) would cross."""
    level = lane * 1000.0 + gap - 0.5
    return sum(1 for t, lo, hi in runs if t_lo <= t <= t_hi and lo < level < hi)


def _free_gap(grid: Grid, blocked: set[tuple[int, int, int]],
              runs: list[tuple[float, float, float]], u: Item, v: Item) -> tuple[GapKey, int]:
    """The row gap for a loop back from u to v: unblocked, crossing few vertical runs, near
    both ends; and how many runs it crosses."""
    cols = range(min(u.col, v.col) - 1, max(u.col, v.col) + 2)
    best: tuple[float, int, int, int] | None = None
    for lane in range(len(grid.lanes)):
        for gap in range(grid.rows[lane] + 1):
            if any((c, lane, gap) in blocked for c in cols):
                continue
            crossed = _crossed(runs, lane, gap, v.col - 0.5, u.col + 0.5)
            distance = abs(lane - u.lo) + abs(lane - v.lo)
            cost = (crossed + 0.3 * distance, lane, gap, crossed)
            if best is None or cost < best:
                best = cost
    if best is None:  # pragma: no cover - every gap blocked cannot happen in practice
        return (u.lo, grid.rows[u.lo]), 0
    return (best[1], best[2]), best[3]
