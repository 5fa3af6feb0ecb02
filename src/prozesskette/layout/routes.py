"""Stage: routes. Which way each edge runs through the grid (:data:`RouteKind`), decided on
the grid alone, before any size or coordinate is known. The final points follow in
:mod:`~prozesskette.layout.paths`, once ports, tracks and coordinates are placed.

Bends are chosen with the ports: a hand-off to the next column bends once where a column is
free (an elbow, also out of or into a shared step, also down one lane between its rows); a
hand-off past a step in one column is a bracket with two bends; a loop back leaves through its
source's top or bottom and enters its target's with two bends where the columns are free and
it crosses no more than a loop through the channels. Measured against the routes before (the
same grids; medians of three seeds, 200 steps, file order): elbows 149 → 143 bends on
``generate_chain`` and 117 → 114 on ``cross_lane_chain``; loops 143 → 136 and 114 → 110, with
10 → 8 and 12 → 7 crossings (loops weigh the crossings with the loops planned before them and
ports nest runs that turn the same way).
"""

from __future__ import annotations

import itertools
import math
from typing import Literal, NamedTuple

from prozesskette.graph import ChainGraph
from prozesskette.layout.grid import Grid, Item

RouteKind = Literal["fwd", "vert", "detour", "elbowV", "elbowH", "loopU", "loopB"]
"""fwd: to a later column, jogging in the channels between; vert: a hand-off straight down
(or up) in one column; detour: a hand-off in one column drawn beside it, past a step in between
(no gap: out of the source's side, along the channel and back into the target's same side, two
bends), or a loop back along a row gap into the target's top (or bottom);
elbowV / elbowH: a hand-off to the next column with one bend, vertical first / horizontal first;
loopU: out of the top or bottom, back along a row gap (under or over the steps of one row, or
beside one of its ends) and into the top or bottom; loopB: back through a row
gap, out of the source's right side and into the target's left side."""

GapKey = tuple[int, int]  # (lane, gap index): the row gap above row k of a lane is gap k


class Route(NamedTuple):
    edge: int  # index in ChainGraph.edges
    kind: RouteKind
    items: tuple[Item, ...]  # source, dummies…, target (loops: source, target)
    gap: GapKey | None = None  # the row gap of loops (and of detours that are loops)
    gap_side: Literal[1, -1] = 1  # loopU: +1 below the source, -1 above; detour: +1 down
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
    room = _ElbowRoom(grid, routes)
    _plan_elbows(room, routes)
    loops = _Loops(grid, blocked, _vertical_runs(routes), room)
    loops.note_forward(routes)
    for index in grid.back:
        edge = graph.edges[index]
        routes.append(loops.route(index, grid.items[edge.source], grid.items[edge.target]))
    return tuple(sorted(routes, key=lambda r: r.edge))


class _Loops:
    """Planning the loops back, one after the other: what they cross so far. Work state of
    :func:`plan_routes`."""

    def __init__(self, grid: Grid, blocked: set[tuple[int, int, int]],
                 runs: _Runs, room: _ElbowRoom) -> None:
        self.grid = grid
        self.blocked = blocked
        self.runs = runs  # (t in column units, low, high): vertical runs planned so far
        self.room = room
        self.along: list[tuple[float, float, float]] = []  # (level, t from, t to) of loops
        self.through: dict[int, list[float]] = {}  # channel -> levels of runs across it
        self.in_gap: dict[GapKey, list[GapRun]] = {}  # the loops' runs along each row gap

    def note_forward(self, routes: list[Route]) -> None:
        """Where the forward routes run across the channels (their levels)."""
        for route in routes:
            items = route.items
            if route.kind in ("elbowV", "elbowH"):
                at = items[1] if route.kind == "elbowV" else items[0]
                self.through.setdefault(items[0].col, []).append(level(at))
            elif route.kind == "fwd":
                for a, b in itertools.pairwise(items):
                    levels = {level(a), level(b)}
                    self.through.setdefault(a.col, []).extend(levels)

    def channel_leg(self, channel: int, item: Item, gap: GapKey) -> int:
        """How many runs across a channel a run in it from the item to the gap crosses."""
        at = level(gap) - 0.5
        own = _run_key(*_exit(item, gap_below(item, gap)))
        lo, hi = min(at, own), max(at, own)
        return sum(1 for x in self.through.get(channel, ()) if lo < x < hi)

    def free(self, gap: GapKey, u: Item, v: Item) -> bool:
        cols = range(min(u.col, v.col), max(u.col, v.col) + 1)
        return not any((c, *gap) in self.blocked for c in cols)

    def across(self, t: float, item: Item, gap: GapKey) -> int:
        """How many loops planned so far a run at t from the item to the gap crosses."""
        level = _run_key(*gap) - 0.5
        own = _run_key(*_exit(item, gap_below(item, gap)))
        lo, hi = min(level, own), max(level, own)
        return sum(1 for at, t0, t1 in self.along if t0 <= t <= t1 and lo < at < hi)

    def same_gap(self, route: Route) -> int:
        """The crossings a loop's run along its row gap cannot avoid with the runs of the
        loops planned there before it, whatever the order of their tracks (a leg of each
        inside the other's run, towards it). Measured (sizes 50–1000, seeds 1–3, one
        drawing each): cross-lane 98 → 96 crossings, samples 171 → 168; bends alike."""
        assert route.gap is not None
        run = gap_run(route)
        return sum(min(_gap_crossings(run, other), _gap_crossings(other, run))
                   for other in self.in_gap.get(route.gap, ()))

    def take(self, index: int, gap: GapKey, ends: tuple[tuple[float, Item], ...],
             t0: float, t1: float) -> None:
        level = _run_key(*gap) - 0.5
        self.along.append((level, t0, t1))
        for t, item in ends:
            own = _run_key(*_exit(item, gap_below(item, gap)))
            self.runs.append((t, min(level, own), max(level, own)))
            if t == item.col:  # a leg in the item's own column
                self.room.take(item.col, (min(level, own), max(level, own), f"loop {index}"))

    def route(self, index: int, u: Item, v: Item) -> Route:
        """The route of an edge back from u to v, the fewest crossings first, then the
        fewest bends: under (or over) its row (two bends); out of u's top or bottom, back
        along a row gap beside u or v, into v's top or bottom (two); out of u's side, back
        beside v and into its top or bottom (three); through a row gap near both (four)."""
        if u.lo == u.hi and v.lo == v.hi and u.lo == v.lo and u.row == v.row:
            # under its row, or over it where that crosses fewer loops along the row gap
            sides: tuple[tuple[Literal[1, -1], GapKey], ...] = (
                (1, (u.lo, u.row + 1)), (-1, (u.lo, u.row)))
            free = [Route(index, "loopU", (u, v), gap, side) for side, gap in sides
                    if self.free(gap, u, v)]
            if free:
                route = min(free, key=self.same_gap)
                assert route.gap is not None
                self.take(index, route.gap, ((u.col, u), (v.col, v)), v.col, u.col)
                self.in_gap.setdefault(route.gap, []).append(gap_run(route))
                return route
        gap, crossed = _free_gap(self.grid, self.blocked, self.runs, u, v)
        options = [(crossed + self.across(u.col + 0.5, u, gap) + self.across(v.col - 0.5, v, gap)
                    + self.channel_leg(u.col, u, gap) + self.channel_leg(v.col - 1, v, gap),
                    4, Route(index, "loopB", (u, v), gap))]
        legs = _two_legs(self.grid, self.blocked, self.runs, self.room, u, v)
        if legs is not None:
            gap2, crossed2 = legs
            options.append((crossed2 + self.across(u.col, u, gap2) + self.across(v.col, v, gap2),
                            2, Route(index, "loopU", (u, v), gap2,
                                     1 if gap_below(u, gap2) else -1)))
        if v.lo == v.hi:
            for gap3 in ((v.lo, v.row), (v.lo, v.row + 1)):
                if self.free(gap3, u, v):
                    options.append((_crossed(self.runs, v.lo, gap3[1], v.col - 0.5, u.col + 0.5)
                                    + self.across(u.col + 0.5, u, gap3)
                                    + self.channel_leg(u.col, u, gap3), 3,
                                    Route(index, "detour", (u, v), gap3,
                                          1 if gap3[1] == v.row else -1)))
        _, _, best = min(((crossed + self.same_gap(route), bends, route)
                          for crossed, bends, route in options), key=lambda o: (o[0], o[1]))
        assert best.gap is not None
        self.in_gap.setdefault(best.gap, []).append(gap_run(best))
        if best.kind == "loopU":
            self.take(index, best.gap, ((u.col, u), (v.col, v)), v.col, u.col)
        elif best.kind == "detour":
            self.take(index, best.gap, ((u.col + 0.5, u), (v.col, v)), v.col, u.col + 0.5)
        else:
            self.take(index, best.gap, ((u.col + 0.5, u), (v.col - 0.5, v)), v.col - 0.5,
                      u.col + 0.5)
        return best


def _run_key(lane: int, row: float) -> float:
    return lane * 1000.0 + row


def level(where: Item | GapKey) -> float:
    """Where an item (its first row) or the rows before a row gap lie along l, as an
    order key (lane * 1000 + row)."""
    if isinstance(where, Item):
        return _run_key(where.lo, where.row)
    return _run_key(*where)


def reach(item: Item, to: float) -> float:
    """How far (as an order key) a run from the item's top or bottom goes to ``to``."""
    top, bottom = _run_key(item.lo, item.row), _run_key(*_exit(item, True))
    return max(top - to, to - bottom, 0.0)


def gap_below(item: Item, gap: GapKey) -> bool:
    """Whether a row gap lies below the item (else above it)."""
    lane, row = _exit(item, True)
    return _run_key(*gap) - 0.5 > _run_key(lane, row)


GapRun = tuple[float, float, int, int]
"""A run along a row gap: (t at end a, t at end b, in column units; the side each end's stub
leaves the gap to: -1 towards smaller l, +1 towards larger l)."""


def gap_run(route: Route) -> GapRun:
    """The run of a loop (or a detour that is a loop) along its row gap."""
    assert route.gap is not None
    u, v = route.items[0], route.items[-1]
    if route.kind == "loopU":  # legs reach back to the steps
        return (float(u.col), float(v.col), -1 if gap_below(u, route.gap) else 1,
                -1 if gap_below(v, route.gap) else 1)
    if route.kind == "loopB":  # legs in the column channels next to the steps
        return (u.col + 0.5, v.col - 0.5, -1 if gap_below(u, route.gap) else 1,
                -1 if gap_below(v, route.gap) else 1)
    down = route.gap_side
    return (float(v.col), u.col + 0.5, down, -1 if down > 0 else 1)


def _gap_crossings(first: GapRun, second: GapRun) -> int:
    """Crossings of two runs in one row gap where ``first`` takes the track on the side of
    smaller l: a stub that leaves a run towards the other run's track crosses it where the
    other run passes."""
    count = 0
    for run, other, towards in ((first, second, 1), (second, first, -1)):
        lo, hi = min(other[0], other[1]), max(other[0], other[1])
        for end, side in ((run[0], run[2]), (run[1], run[3])):
            if side == towards and lo < end < hi:
                count += 1
    return count


def _two_legs(grid: Grid, blocked: set[tuple[int, int, int]],
              runs: _Runs, room: _ElbowRoom, u: Item,
              v: Item) -> tuple[GapKey, int] | None:
    """The row gap beside u or v for a loop with two bends (out of u's top or bottom, back
    along the gap, into v's), with the fewest crossings; None if no gap is free."""
    candidates: list[GapKey] = []
    for item in (u, v):
        lane, row = _exit(item, True)
        candidates += [(lane, row + 1), (item.lo, item.row)]
    cols = range(min(u.col, v.col), max(u.col, v.col) + 1)
    best: tuple[int, int, GapKey] | None = None
    for gap in candidates:
        if any((c, *gap) in blocked for c in cols):
            continue
        crossed = _crossed(runs, gap[0], gap[1], v.col, u.col)
        for item in (u, v):
            leg = room.leg(item, gap)
            if leg is None:
                break
            crossed += leg
        else:
            rank = (crossed, 0 if gap[0] in (u.lo, u.hi, v.lo, v.hi) else 1, gap)
            if best is None or rank < best:
                best = rank
    return None if best is None else (best[2], best[0])


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

    def leg(self, item: Item, gap: GapKey) -> int | None:
        """How many dummies a run from the item's top or bottom to a row gap crosses in the
        item's column; None if a step or another vertical run is in the way."""
        down = gap_below(item, gap)
        level = _run_key(*gap) - 0.5
        own = _run_key(*_exit(item, down))
        lo, hi = min(level, own), max(level, own)
        # runs that end at the item leave or enter it beside the leg, which takes the port
        # towards the loop's target: they do not lie on it
        if any(a < hi and lo < b and own not in (a, b) for a, b, _ in self.runs.get(item.col, ())):
            return None
        crossed = 0
        for lane in range(int(lo // 1000), int(hi // 1000) + 1):
            for other in self.cells.get((item.col, lane), ()):
                if other is item:
                    continue
                row = _row_in(other, lane)
                if row is None or lo < _run_key(lane, row) < hi:
                    if other.real:
                        return None
                    crossed += 1
        return crossed

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


def _plan_elbows(room: _ElbowRoom, routes: list[Route]) -> None:
    """Hand-offs to a neighbouring column become elbows with one bend instead of two:
    down (or up) out of the source's column and into the target's side ("elbowV"), or
    out of the source's side and down into the target's top ("elbowH") — where the column
    they pass is free. Long edges may likewise bend into their source's or target's top.
    No elbow where another edge through the same side of the step would jog past the level
    of its horizontal run (see :class:`_SideJogs`)."""
    jogs = _SideJogs(routes)
    for index, route in enumerate(routes):
        if route.kind != "fwd" or len(route.items) < 3:
            continue
        u, first = route.items[0], route.items[1]
        last, v = route.items[-2], route.items[-1]
        if not u.lo <= first.lo <= u.hi and not jogs.passed(index, u, level(first), "out"):
            span = room.elbow_fits(u, first, first.lo > u.hi, jog_after=True)
            if span is not None:
                route = routes[index] = route._replace(elbow_start=True)
                room.take(u.col, (*span, u.key))
        if not v.lo <= last.lo <= v.hi and not jogs.passed(index, v, level(last), "in"):
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
        span = room.elbow_fits(u, v, down, jog_after=True) \
            if v.lo == v.hi and not jogs.passed(index, u, level(v), "out") else None
        if span is not None:
            routes[index] = route._replace(kind="elbowV")
            room.take(u.col, (*span, u.key))
            continue
        # horizontal first (out of a one-lane source), then into the target's top (or bottom)
        span = room.elbow_fits(v, u, not down, jog_after=False) \
            if u.lo == u.hi and not jogs.passed(index, v, level(u), "in") else None
        if span is not None:
            routes[index] = route._replace(kind="elbowH")
            room.take(v.col, (*span, v.key))


class _SideJogs:
    """The forward edges that leave a step through its later side or enter it through its
    earlier side, with a jog in the channel next to it, for :func:`_plan_elbows`. An elbow
    out of (or into) the step runs along l-level ``at`` across that channel; an edge of the
    same side whose jog there passes ``at`` would cross it, where as two jogs of one side
    they nest (ports and tracks order them). Measured (cross-lane family, sizes 50–1000,
    seeds 1–3, one drawing each): 108 → 98 crossings, 2813 → 2855 bends; samples family
    176 → 171 crossings, 3783 → 3821 bends."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        self.out: dict[str, list[int]] = {}
        self.into: dict[str, list[int]] = {}
        for index, route in enumerate(routes):
            if route.kind == "fwd":
                self.out.setdefault(route.items[0].key, []).append(index)
                self.into.setdefault(route.items[-1].key, []).append(index)

    def passed(self, index: int, item: Item, at: float, way: Literal["out", "in"]) -> bool:
        """Whether another edge out of (into) the item's side jogs past ``at``."""
        own = level(item)
        for other in (self.out if way == "out" else self.into).get(item.key, ()):
            route = self.routes[other]
            if other == index or route.kind != "fwd" or \
                    (route.elbow_start if way == "out" else route.elbow_end):
                continue
            far = level(route.items[1] if way == "out" else route.items[-2])
            if min(own, far) < at < max(own, far) and (far - own) * (at - own) > 0:
                return True
        return False


class _Runs:
    """Vertical runs, (low, high) in lane*1000+row keys, by where they lie along t (in half
    columns): so that the runs between two columns are found without looking at all."""

    def __init__(self) -> None:
        self.at: dict[int, list[tuple[float, float]]] = {}

    def append(self, run: tuple[float, float, float]) -> None:
        t, lo, hi = run
        self.at.setdefault(round(2 * t), []).append((lo, hi))

    def crossed(self, level: float, t_lo: float, t_hi: float) -> int:
        """How many runs between t_lo and t_hi (inclusive) pass ``level``."""
        return sum(1 for half in range(math.ceil(2 * t_lo - 0.01), math.floor(2 * t_hi + 0.01) + 1)
                   for lo, hi in self.at.get(half, ()) if lo < level < hi)


def _vertical_runs(routes: list[Route]) -> _Runs:
    """(t position in column units, low, high) of the vertical runs planned so far, in
    lane*1000+row keys: hand-offs, elbows and the jogs of forward edges."""
    runs = _Runs()
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


def _crossed(runs: _Runs, lane: int, gap: int, t_lo: float,
             t_hi: float) -> int:
    """How many planned vertical runs a run along a row gap between t_lo and t_hi (column
    units) would cross."""
    return runs.crossed(lane * 1000.0 + gap - 0.5, t_lo, t_hi)


def _free_gap(grid: Grid, blocked: set[tuple[int, int, int]],
              runs: _Runs, u: Item, v: Item) -> tuple[GapKey, int]:
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
