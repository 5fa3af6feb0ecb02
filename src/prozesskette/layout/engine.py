"""The swimlane layout: a layered (Sugiyama-style) layout with lanes as hard partitions.

Everything here works in two abstract axes: ``t`` (time: the column axis) and ``l`` (the lane
axis). For lanes as rows (``lr``) t is x and l is y; for lanes as columns (``tb``) t is y and
l is x. Only :class:`prozesskette.layout.options.Frame` maps them to final coordinates.

Stages, each a function over :class:`Grid`:

1. lane order (file order, or a local search that shortens hand-offs and keeps shared steps'
   lanes adjacent);
2. columns: longest path with phases as column ranges; a hand-off to another lane may stay in
   the same column (a vertical arrow) unless something lies in between;
3. long edges become chains of dummy slots, one per column they cross;
4. crossing reduction inside each lane cell by barycentre sweeps (lanes are never mixed);
5. sub-rows: the items of a lane are put on a grid of rows, aligned so that edges run straight.

Sizes, ports, channel tracks and coordinates are the later stages listed in
:mod:`prozesskette.layout.build`.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from prozesskette.graph import ChainGraph
from prozesskette.model import StepKind


@dataclass
class Item:
    """Something that occupies a slot in a column: a step, or a dummy of a long edge."""

    key: str
    col: int
    lo: int  # first lane (rank)
    hi: int  # last lane (rank)
    step: str | None  # the step id, None for dummies
    pos: float = 0.0  # order key inside its lane cell
    row: int = 0  # sub-row inside the lane (for multi-lane items: the row in lane lo)
    row_hi: int = 0  # for multi-lane items: the row in lane hi
    must_first: bool = False
    must_last: bool = False

    @property
    def real(self) -> bool:
        return self.step is not None


@dataclass
class Chainlink:
    """A forward edge as the chain of items it passes: source, dummies…, target."""

    index: int  # the edge's index in ChainGraph.edges
    items: list[Item]
    vertical: bool = False  # source and target in the same column
    detour: bool = False  # … with something in between: drawn beside the column


@dataclass
class Grid:
    graph: ChainGraph
    lanes: list[str]  # actor ids in drawing order
    rank: dict[str, int]  # actor id -> lane rank
    span: dict[str, tuple[int, int]]  # step id -> lane range (lo, hi)
    badge_shared: set[str]  # shared steps drawn in the lead lane only (lanes not adjacent)
    col: dict[str, int] = field(default_factory=dict)
    columns: int = 0
    phase_cols: dict[str, tuple[int, int]] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    links: list[Chainlink] = field(default_factory=list)
    back: list[int] = field(default_factory=list)  # indices of edges drawn as loops back
    rows: list[int] = field(default_factory=list)  # sub-rows per lane
    detours_allowed: bool = True
    free_detours: bool = False  # … or only those that no other edge could cross
    detours: set[int] = field(default_factory=set)  # same-column hand-offs drawn beside


# --- 1. lane order --------------------------------------------------------------------------

def _shared_adjacent(order: list[str], groups: list[tuple[str, ...]],
                     rank: dict[str, int] | None = None) -> int:
    """How many shared steps have lanes that are not adjacent in this order."""
    if rank is None:
        rank = {actor: i for i, actor in enumerate(order)}
    bad = 0
    for group in groups:
        ranks = [rank[a] for a in group]
        if max(ranks) - min(ranks) != len(ranks) - 1:
            bad += 1
    return bad


def _lane_cost(order: list[str], pairs: dict[tuple[str, str], int],
               groups: list[tuple[str, ...]]) -> float:
    rank = {actor: i for i, actor in enumerate(order)}
    cost = 0.0
    for (a, b), weight in pairs.items():
        distance = abs(rank[a] - rank[b])
        cost += weight * (1.5 * distance - 0.5 if distance > 1 else distance)
    if groups:
        cost += 1000.0 * _shared_adjacent(order, groups, rank)
    return cost


def _local_search(order: list[str], pairs: dict[tuple[str, str], int],
                  groups: list[tuple[str, ...]]) -> tuple[list[str], float]:
    """Move single lanes while that shortens the hand-offs (:func:`_lane_cost`)."""
    best = _lane_cost(order, pairs, groups)
    improved = True
    rounds = 0
    limit = 50 if len(order) <= 16 else 4  # each round costs lanes³ · edges
    while improved and rounds < limit:
        improved = False
        rounds += 1
        for i in range(len(order)):
            for j in range(len(order)):
                if i == j:
                    continue
                trial = order[:]
                lane = trial.pop(i)
                trial.insert(j, lane)
                cost = _lane_cost(trial, pairs, groups)
                if cost < best - 1e-9:
                    order, best, improved = trial, cost, True
    return order, best


LANE_RESTARTS = 16  # further lane orders tried (from shuffled starts) in charts up to …
LANE_RESTART_STEPS = 40  # … this many steps (6 above 10 lanes): each try lays out the
                         # columns once more
LANE_COLUMN_COST = 3.0  # hand-off cost (see _lane_cost) worth one column


def order_lanes(graph: ChainGraph, mode: str, detours: bool = False) -> list[str]:
    """Lane order: file order, or ('auto') the first of :func:`lane_orders`."""
    order = [actor.id for actor in graph.chain.actors]
    if mode != "auto" or len(order) < 3:
        return order
    return lane_orders(graph, detours)[0]


def lane_orders(graph: ChainGraph, detours: bool = False) -> list[list[str]]:
    """Good lane orders, best first: short hand-offs and few columns (see :func:`_ranked`)."""
    return _ranked(graph, detours)[1]


def lane_trials(graph: ChainGraph, count: int, detours: bool = False) -> list[list[str]]:
    """The ``count`` best of :func:`lane_orders`, and the order with the shortest hand-offs
    (the local search from the file order) if it is not among them."""
    shortest, orders = _ranked(graph, detours)
    trials = orders[:count]
    if shortest not in trials:
        trials.append(shortest)
    return trials


def _ranked(graph: ChainGraph, detours: bool) -> tuple[list[str], list[list[str]]]:
    """The order with the shortest hand-offs, and good lane orders ranked best first.

    A local search for short hand-offs runs from the file order; in charts of up to
    :data:`LANE_RESTART_STEPS` steps it also runs from a few shuffled starts (seeded, so the
    result is stable), and those orders and the file order are ranked by the columns they
    need (a hand-off between lanes that lie apart is blocked more often by a step in between,
    and every blocked hand-off costs a column) plus their hand-off cost.
    """
    order = [actor.id for actor in graph.chain.actors]
    pairs, groups = _handoffs(graph)
    found, cost = _local_search(order, pairs, groups)
    if len(graph.steps) > LANE_RESTART_STEPS or len(order) < 3:
        return found, [found]
    candidates = [(found, cost), (order, _lane_cost(order, pairs, groups))]
    shuffler = random.Random(len(order) * 7919 + len(graph.steps))
    restarts = LANE_RESTARTS if len(order) <= 10 else 6
    for _ in range(restarts):
        candidates.append(_local_search(shuffler.sample(order, len(order)), pairs, groups))
    seen: set[tuple[str, ...]] = set()
    ranked: list[tuple[tuple[int, float, float, int], list[str]]] = []
    for index, (candidate, candidate_cost) in enumerate(candidates):
        if tuple(candidate) in seen:
            continue
        seen.add(tuple(candidate))
        columns = _column_count(graph, candidate, detours)
        # a column saved is worth a longer hand-off, but only clearly: two hand-offs one lane
        # longer each cost as much as one column
        ranked.append(((_shared_adjacent(candidate, groups),
                        columns + candidate_cost / LANE_COLUMN_COST, candidate_cost, index),
                       candidate))
    ranked.sort()
    return found, [candidate for _, candidate in ranked]


def _handoffs(graph: ChainGraph) -> tuple[dict[tuple[str, str], int], list[tuple[str, ...]]]:
    """Hand-offs per pair of lanes, and the lane groups of shared steps."""
    pairs: dict[tuple[str, str], int] = {}
    for edge in graph.edges:
        a = graph.steps[edge.source].responsible
        b = graph.steps[edge.target].responsible
        if a and b and a[0] != b[0]:
            key = (a[0], b[0]) if a[0] < b[0] else (b[0], a[0])
            pairs[key] = pairs.get(key, 0) + 1
    groups = [s.responsible for s in graph.steps.values() if len(s.responsible) > 1]
    return pairs, groups


def _column_count(graph: ChainGraph, lanes: list[str], detours: bool) -> int:
    """How many columns the chart needs with this lane order."""
    rank = {actor: i for i, actor in enumerate(lanes)}
    spans, badge = lane_spans(graph, rank)
    grid = Grid(graph, lanes, rank, spans, badge, detours_allowed=detours,
                free_detours=len(graph.steps) <= CAREFUL_LAYERING)
    layer(grid)
    return grid.columns


def lane_spans(graph: ChainGraph, rank: dict[str, int]) -> tuple[dict[str, tuple[int, int]],
                                                                  set[str]]:
    """Each step's lane range; shared steps whose lanes are not adjacent keep the lead lane."""
    spans: dict[str, tuple[int, int]] = {}
    badge: set[str] = set()
    for step in graph.steps.values():
        ranks = sorted(rank[a] for a in step.responsible if a in rank)
        if not ranks:
            ranks = [0]
        if ranks[-1] - ranks[0] == len(ranks) - 1:
            spans[step.id] = (ranks[0], ranks[-1])
        else:
            lead = rank[step.responsible[0]]
            spans[step.id] = (lead, lead)
            badge.add(step.id)
    return spans, badge


# --- 2. columns -----------------------------------------------------------------------------

def back_edges(graph: ChainGraph) -> set[int]:
    """Edges to break cycles (depth-first from the starts, in file order) and edges that run
    backwards through the phase order."""
    phase_rank = {p.id: i for i, p in enumerate(graph.chain.phases)}
    succ: dict[str, list[tuple[str, int]]] = {s: [] for s in graph.steps}
    back: set[int] = set()
    for index, edge in enumerate(graph.edges):
        ps = phase_rank.get(graph.steps[edge.source].phase or "", 0)
        pt = phase_rank.get(graph.steps[edge.target].phase or "", 0)
        if pt < ps:
            back.add(index)
        else:
            succ[edge.source].append((edge.target, index))
    state: dict[str, int] = {}  # 1 on stack, 2 done
    roots = [s.id for s in graph.steps.values() if s.kind is StepKind.start]
    roots += list(graph.steps)
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            node, children = stack[-1]
            for child, index in children:
                if state.get(child) == 1:
                    back.add(index)
                elif child not in state:
                    state[child] = 1
                    stack.append((child, iter(succ[child])))
                    break
            else:
                state[node] = 2
                stack.pop()
    return back


def assign_columns(grid: Grid, minlen: dict[int, int], back: set[int],
                   floor: dict[str, int] | None = None) -> None:
    """Longest-path columns, phase by phase; each phase is a contiguous column range.
    ``floor`` gives steps a lowest column (steps moved out of a hand-off's way)."""
    floor = floor or {}
    graph = grid.graph
    preds: dict[str, list[tuple[str, int]]] = {s: [] for s in graph.steps}
    succs: dict[str, list[str]] = {s: [] for s in graph.steps}
    for index, edge in enumerate(graph.edges):
        if index in back:
            continue
        preds[edge.target].append((edge.source, minlen[index]))
        succs[edge.source].append(edge.target)
    phases = [p.id for p in graph.chain.phases] or [""]
    by_phase: dict[str, list[str]] = {p: [] for p in phases}
    for step in graph.steps.values():
        by_phase[step.phase if step.phase in by_phase else phases[0]].append(step.id)
    col: dict[str, int] = {}
    start = 0
    grid.phase_cols = {}
    taken: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for phase in phases:
        members = set(by_phase[phase])
        indegree = {s: sum(1 for p, _ in preds[s] if p in members) for s in members}
        heap = [(graph.order[s], s) for s in members if indegree[s] == 0]
        heapq.heapify(heap)
        last = start - 1
        while heap:
            _, node = heapq.heappop(heap)
            value = max(start, floor.get(node, 0))
            for pred, length in preds[node]:
                if pred in col:
                    value = max(value, col[pred] + length)
            lo, hi = grid.span[node]
            while any(_spans_clash((lo, hi), other, lane)
                      for lane in range(lo, hi + 1) for other in taken.get((value, lane), ())):
                value += 1
            for lane in range(lo, hi + 1):
                taken.setdefault((value, lane), []).append((lo, hi))
            col[node] = value
            last = max(last, value)
            for nxt in succs[node]:
                if nxt in members and nxt not in col:
                    indegree[nxt] -= 1
                    if indegree[nxt] == 0:
                        heapq.heappush(heap, (graph.order[nxt], nxt))
        for node in sorted(members - col.keys(), key=graph.order.__getitem__):
            col[node] = start  # unreachable within the phase (reported by the checks)
            last = max(last, start)
        end = max(last, start)  # an empty phase keeps one column
        grid.phase_cols[phase] = (start, end)
        start = end + 1
    grid.col = col
    grid.columns = start


def _spans_clash(new: tuple[int, int], old: tuple[int, int], lane: int) -> bool:
    """Whether two steps can share a column in ``lane``: single-lane steps stack; a shared step
    owns its inner lanes and the last row of its first lane and the first row of its last."""
    (lo, hi), (olo, ohi) = new, old
    if lo == hi and olo == ohi:
        return False
    if lo < lane < hi or olo < lane < ohi:
        return True
    if lo == hi or olo == ohi:
        return False
    return lo == olo or hi == ohi


def _vertical_conflicts(grid: Grid, back: set[int], minlen: dict[int, int]) -> list[int]:
    """Same-column hand-offs that cannot be drawn as a straight vertical arrow."""
    graph = grid.graph
    occupied: dict[tuple[int, int], list[str]] = {}
    for step_id, column in grid.col.items():
        lo, hi = grid.span[step_id]
        for lane in range(lo, hi + 1):
            occupied.setdefault((column, lane), []).append(step_id)
    # which side of its lane cell each step must take
    sides: dict[tuple[int, int], dict[str, set[str]]] = {}
    for step_id, column in grid.col.items():  # a shared step is last in its first lane's
        lo, hi = grid.span[step_id]           # cell and first in its last lane's
        if hi > lo:
            sides.setdefault((column, lo), {"first": set(), "last": set()})["last"].add(step_id)
            sides.setdefault((column, hi), {"first": set(), "last": set()})["first"].add(step_id)
    bad: list[int] = []
    grid.detours = set()
    for index, edge in enumerate(graph.edges):
        if index in back or minlen[index] != 0:
            continue
        column = grid.col[edge.source]
        if grid.col[edge.target] != column:
            continue
        s_lo, s_hi = grid.span[edge.source]
        t_lo, t_hi = grid.span[edge.target]
        down = t_lo > s_hi
        between = range(s_hi + 1, t_lo) if down else range(t_hi + 1, s_lo)
        ends = [((column, s_hi), "last", edge.source), ((column, t_lo), "first", edge.target)] \
            if down else [((column, s_lo), "first", edge.source), ((column, t_hi), "last",
                                                                   edge.target)]
        if any(occupied.get((column, lane)) for lane in between):
            # blocked: a detour beside the column keeps the column, if both are plain steps
            if s_lo != s_hi or t_lo != t_hi or not (grid.detours_allowed or (
                    grid.free_detours and _detour_free(grid, index, back))):
                bad.append(index)
                continue
            grid.detours.add(index)
            ends = ends[1:]  # the detour leaves the source by its side
        clash = False
        for cell, side, step_id in ends:
            taken = sides.setdefault(cell, {"first": set(), "last": set()})
            other = "last" if side == "first" else "first"
            mates = occupied.get(cell, [])
            if (taken[side] - {step_id}) or (step_id in taken[other] and len(mates) > 1):
                clash = True
        if clash:
            bad.append(index)
            grid.detours.discard(index)
            continue
        for cell, side, step_id in ends:
            sides[cell][side].add(step_id)
    return bad


def _detour_free(grid: Grid, index: int, back: set[int]) -> bool:
    """Whether a blocked hand-off drawn beside its column (up or down the channel after it,
    then back along a row gap into the target) would have that stretch to itself: no other
    edge leaves or passes the column within the lanes the detour runs along."""
    graph = grid.graph
    edge = graph.edges[index]
    column = grid.col[edge.source]
    lo = min(grid.span[edge.source][0], grid.span[edge.target][0])
    hi = max(grid.span[edge.source][1], grid.span[edge.target][1])
    for other_index, other in enumerate(graph.edges):
        if other_index == index:
            continue
        a, b = grid.col[other.source], grid.col[other.target]
        if other_index in back:
            a, b = b - 1, a + 1  # a loop runs back beside both its ends
        if not a <= column < b:
            continue
        (a_lo, a_hi), (b_lo, b_hi) = grid.span[other.source], grid.span[other.target]
        o_lo, o_hi = min(a_lo, b_lo), max(a_hi, b_hi)
        if other.source in (edge.source, edge.target) and other_index not in back \
                and a_lo == a_hi:
            # an edge of the detour's own ends leaves to the right in the end's row: in the
            # way only if it turns towards the detour's other end
            o_lo, o_hi = (a_lo + 1, o_hi) if o_hi > a_lo else (o_lo, a_lo - 1)
            if o_lo > o_hi:
                continue
        if o_lo <= hi and o_hi >= lo:
            return False
    return True


CAREFUL_LAYERING = 150  # up to this many steps, each conflict tries two remedies


def _resolve_one(grid: Grid, index: int, minlen: dict[int, int], back: set[int],
                 floor: dict[str, int]) -> None:
    """Resolve one blocked same-column hand-off: push its target a column on, or move the
    steps in its way a column on instead — whichever leaves the chart narrower."""
    edge = grid.graph.edges[index]
    column = grid.col[edge.source]
    s_lo, s_hi = grid.span[edge.source]
    t_lo, t_hi = grid.span[edge.target]
    between = set(range(s_hi + 1, t_lo) if t_lo > s_hi else range(t_hi + 1, s_lo))
    blockers = [step for step, col in grid.col.items() if col == column
                and step not in (edge.source, edge.target)
                and between & set(range(grid.span[step][0], grid.span[step][1] + 1))]
    if not blockers:
        minlen[index] = 1
        return
    before = grid.columns
    trial = dict(floor)
    for step in blockers:
        trial[step] = column + 1
    assign_columns(grid, minlen, back, trial)
    moved = grid.columns
    if moved <= before and index not in _vertical_conflicts(grid, back, minlen):
        floor.update(trial)  # the blockers had room: nothing got wider
        return
    minlen[index] = 1
    assign_columns(grid, minlen, back, floor)
    if moved < grid.columns and index not in _vertical_conflicts(grid, back, {
            **minlen, index: 0}):
        minlen[index] = 0
        floor.update(trial)


def layer(grid: Grid) -> set[int]:
    """Columns for every step; returns the indices of edges drawn as loops back."""
    graph = grid.graph
    back = back_edges(graph)
    minlen: dict[int, int] = {}
    for index, edge in enumerate(graph.edges):
        s_lo, s_hi = grid.span[edge.source]
        t_lo, t_hi = grid.span[edge.target]
        minlen[index] = 0 if (t_lo > s_hi or t_hi < s_lo) else 1
    floor: dict[str, int] = {}
    careful = len(graph.steps) <= CAREFUL_LAYERING
    for _ in range(80 if careful else 50):
        assign_columns(grid, minlen, back, floor)
        conflicts = _vertical_conflicts(grid, back, minlen)
        if not conflicts:
            break
        if careful:
            _resolve_one(grid, conflicts[0], minlen, back, floor)
            continue
        for index in conflicts[:1] if len(conflicts) < 4 else conflicts[: len(conflicts) // 2]:
            minlen[index] = 1
    else:  # pragma: no cover - safety net
        for index in minlen:
            minlen[index] = max(minlen[index], 1)
        assign_columns(grid, minlen, back, floor)
    grid.back = sorted(back)
    return back


# --- 3. items and dummies -------------------------------------------------------------------

def build_items(grid: Grid) -> None:
    """Items for steps and for the dummies of long edges."""
    graph = grid.graph
    grid.items = {}
    cell_count: dict[tuple[int, int], int] = {}
    exclusive: set[tuple[int, int]] = set()  # (column, lane) inside a multi-lane step
    for step_id in graph.steps:
        lo, hi = grid.span[step_id]
        item = Item(step_id, grid.col[step_id], lo, hi, step_id,
                    pos=float(graph.order[step_id]))
        grid.items[step_id] = item
        for lane in range(lo, hi + 1):
            cell_count[(item.col, lane)] = cell_count.get((item.col, lane), 0) + 1
            if lo < lane < hi:
                exclusive.add((item.col, lane))
    back = set(grid.back)
    grid.links = []
    for index, edge in enumerate(graph.edges):
        if index in back:
            continue
        source, target = grid.items[edge.source], grid.items[edge.target]
        chain_items = [source]
        if target.col - source.col >= 2:
            lane = _dummy_lane(grid, source, target, cell_count, exclusive)
            for column in range(source.col + 1, target.col):
                use = lane
                if (column, lane) in exclusive:
                    use = min((x for x in range(len(grid.lanes)) if (column, x) not in exclusive),
                              key=lambda x: abs(x - lane), default=lane)
                dummy = Item(f"{index}:{column}", column, use, use, None, pos=source.pos)
                grid.items[dummy.key] = dummy
                cell_count[(column, use)] = cell_count.get((column, use), 0) + 1
                chain_items.append(dummy)
        chain_items.append(target)
        grid.links.append(Chainlink(index, chain_items, vertical=source.col == target.col,
                                    detour=index in grid.detours))


def _dummy_lane(grid: Grid, source: Item, target: Item, cells: dict[tuple[int, int], int],
                exclusive: set[tuple[int, int]]) -> int:
    """The lane a long edge runs along: the source's or the target's, whichever is freer."""
    if source.hi < target.lo:
        candidates = [source.hi, target.lo]
    elif target.hi < source.lo:
        candidates = [source.lo, target.hi]
    else:
        shared = max(source.lo, target.lo)
        return shared
    columns = range(source.col + 1, target.col)

    def load(lane: int) -> tuple[int, int]:
        return (sum(cells.get((c, lane), 0) + 5 * ((c, lane) in exclusive) for c in columns),
                0 if lane == candidates[0] else 1)

    return min(candidates, key=load)


# --- 4. crossing reduction ------------------------------------------------------------------

def _columns(grid: Grid) -> list[list[Item]]:
    cols: list[list[Item]] = [[] for _ in range(grid.columns)]
    for item in grid.items.values():
        cols[item.col].append(item)
    return cols


def _sort_key(item: Item) -> tuple[int, int, float]:
    # multi-lane items sit between their first lane's items and the next lane's
    return (item.lo, 1 if item.hi > item.lo else 0, item.pos)


def _neighbours(grid: Grid) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    left: dict[str, list[str]] = {key: [] for key in grid.items}
    right: dict[str, list[str]] = {key: [] for key in grid.items}
    for link in grid.links:
        for a, b in zip(link.items, link.items[1:], strict=False):
            if a.col != b.col:
                right[a.key].append(b.key)
                left[b.key].append(a.key)
    return left, right


def _count_crossings(cols: list[list[Item]], right: dict[str, list[str]]) -> int:
    total = 0
    for index in range(len(cols) - 1):
        position = {item.key: i for i, item in enumerate(cols[index + 1])}
        targets: list[int] = []
        for item in cols[index]:
            targets.extend(sorted(position[k] for k in right[item.key] if k in position))
        total += _inversions(targets)
    return total


def _inversions(values: list[int]) -> int:
    """Number of inversions, by merge sort (the bilayer cross count)."""
    if len(values) < 2:
        return 0
    count = 0
    width = 1
    data = values[:]
    n = len(data)
    while width < n:
        merged: list[int] = []
        for start in range(0, n, 2 * width):
            a = data[start:start + width]
            b = data[start + width:start + 2 * width]
            i = j = 0
            while i < len(a) and j < len(b):
                if b[j] < a[i]:
                    count += len(a) - i
                    merged.append(b[j])
                    j += 1
                else:
                    merged.append(a[i])
                    i += 1
            merged.extend(a[i:])
            merged.extend(b[j:])
        data = merged
        width *= 2
    return count


def _apply_sides(column: list[Item]) -> None:
    """Keep items that must be first/last in their lane cell there (vertical hand-offs)."""
    for item in column:
        if item.must_first:
            item.pos = -1e9 + item.pos * 1e-6
        elif item.must_last:
            item.pos = 1e9 + item.pos * 1e-6


def reduce_crossings(grid: Grid, sweeps: int = 6) -> None:
    """Barycentre sweeps; items only move within their lane cell, never across lanes."""
    left, right = _neighbours(grid)
    for link in grid.links:
        if link.vertical:
            source, target = link.items[0], link.items[-1]
            down = target.lo > source.hi
            if down:
                target.must_first = True
            else:
                target.must_last = True
            if not link.detour and down:
                source.must_last = True
            elif not link.detour:
                source.must_first = True
    cols = _columns(grid)
    for column in cols:
        _apply_sides(column)
        column.sort(key=_sort_key)
        for i, item in enumerate(column):
            item.pos = float(i)
    best = _count_crossings(cols, right)
    best_pos = {key: item.pos for key, item in grid.items.items()}
    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        order = range(1, len(cols)) if forward else range(len(cols) - 2, -1, -1)
        for index in order:
            neighbour_map = left if forward else right
            column = cols[index]
            for i, item in enumerate(column):
                keys = neighbour_map[item.key]
                if keys:
                    item.pos = sum(grid.items[k].pos for k in keys) / len(keys)
                else:
                    item.pos = float(i)
            _apply_sides(column)
            column.sort(key=_sort_key)
            for i, item in enumerate(column):
                item.pos = float(i)
        crossings = _count_crossings(cols, right)
        if crossings < best:
            best = crossings
            best_pos = {key: item.pos for key, item in grid.items.items()}
        if best == 0:
            break
    for key, value in best_pos.items():
        grid.items[key].pos = value


# --- 5. sub-rows ----------------------------------------------------------------------------

def _cells(grid: Grid) -> dict[tuple[int, int], list[Item]]:
    cells: dict[tuple[int, int], list[Item]] = {}
    for item in grid.items.values():
        for lane in (item.lo, item.hi) if item.hi > item.lo else (item.lo,):
            cells.setdefault((item.col, lane), []).append(item)
    for members in cells.values():
        members.sort(key=lambda it: it.pos)
    return cells


def _place_cell(members: list[Item], lane: int, rows: int, desire: dict[str, float]) -> None:
    """Order-preserving assignment of a cell's items to sub-rows, nearest to their wishes."""
    m = len(members)
    inf = float("inf")

    def fixed(item: Item) -> int | None:
        if item.hi > item.lo:
            return rows - 1 if lane == item.lo else 0
        return None

    def cost(item: Item, row: int) -> float:
        f = fixed(item)
        if f is not None:
            return 0.0 if row == f else inf
        wish = desire.get(item.key)
        return 0.0 if wish is None else abs(row - wish)

    # dp[j][r]: best cost placing first j+1 items with item j at row r
    dp = [[inf] * rows for _ in range(m)]
    parent = [[-1] * rows for _ in range(m)]
    for r in range(rows):
        dp[0][r] = cost(members[0], r)
    for j in range(1, m):
        best, best_r = inf, -1
        for r in range(rows):
            if r - 1 >= 0 and dp[j - 1][r - 1] < best:
                best, best_r = dp[j - 1][r - 1], r - 1
            if best < inf:
                dp[j][r] = best + cost(members[j], r)
                parent[j][r] = best_r
    r = min(range(rows), key=lambda x: (dp[m - 1][x], x))
    for j in range(m - 1, -1, -1):
        item = members[j]
        if item.hi > item.lo and lane == item.hi:
            item.row_hi = r
        else:
            item.row = r
        r = parent[j][r]


def assign_rows(grid: Grid) -> None:
    """Give every item a sub-row in its lane so that connected items line up."""
    cells = _cells(grid)
    rows = [1] * len(grid.lanes)
    for (_, lane), members in cells.items():
        rows[lane] = max(rows[lane], len(members))
    grid.rows = rows
    left, right = _neighbours(grid)
    by_col: dict[int, list[tuple[int, list[Item]]]] = {}
    for (column, lane), members in cells.items():
        by_col.setdefault(column, []).append((lane, members))
    columns = sorted(by_col)
    for sweep in range(4):
        order = columns if sweep % 2 == 0 else list(reversed(columns))
        for column in order:
            desire: dict[str, float] = {}
            for lane, members in by_col[column]:
                for item in members:
                    keys = left[item.key] if sweep == 0 else left[item.key] + right[item.key]
                    wishes: list[float] = []
                    for key in keys:
                        other = grid.items[key]
                        if other.lo <= lane <= other.hi:  # same lane: a straight edge is
                            row = float(other.row if other.lo == lane else other.row_hi)
                            wishes += [row, row, row]    # possible, so this wish counts more
                        elif other.hi < lane:
                            wishes.append(0.0)  # come in from the lane above: stay high
                        else:
                            wishes.append(rows[lane] - 1.0)
                    if wishes:
                        wishes.sort()
                        desire[item.key] = wishes[len(wishes) // 2]
            for lane, members in sorted(by_col[column], key=lambda pair: pair[0]):
                _place_cell(members, lane, rows[lane], desire)


def make_grid(graph: ChainGraph, lane_order: str, detours: bool = True,
              lanes: list[str] | None = None) -> Grid:
    """Stages 1–5: lanes (``lanes``, or as ``lane_order`` says), columns, dummies, order,
    rows. The grid is topology only: sizes and coordinates are later stages (``sizes``,
    ``coords``), so no size can sway an order."""
    if lanes is None:
        lanes = order_lanes(graph, lane_order, detours)
    rank = {actor: i for i, actor in enumerate(lanes)}
    spans, badge = lane_spans(graph, rank)
    grid = Grid(graph, lanes, rank, spans, badge, detours_allowed=detours,
                free_detours=len(graph.steps) <= CAREFUL_LAYERING)
    layer(grid)
    build_items(grid)
    reduce_crossings(grid)
    assign_rows(grid)
    return grid


def iter_pairs(items: list[Item]) -> Iterable[tuple[Item, Item]]:
    return itertools.pairwise(items)
