"""Engine stage 2, columns: longest path with phases as column ranges; a hand-off to another
lane may stay in the same column (a vertical arrow) unless something lies in between, else it
is drawn beside the column (a detour) or moves on a column.

A chart much wider than the page folds: a pair of steps of one lane (:func:`fold_pairs`)
shares a column, the second below the first, joined by a short vertical arrow (routed like a
hand-off in one column, :func:`~prozesskette.layout.routes.below`). The lane gets a row, the
chart loses columns where the pair lies on its longest paths. Measured (A3 / A2 landscape,
step titles): the 40-step, 9-lane cross-lane chart 21 → 15 grid columns, 3.93 → 4.65 pt on A3;
the Stendal Arbeit chart 5.74 → 6.13 pt on A2 (with the syllable floor of
:func:`~prozesskette.layout.step_text.node_text` and narrow empty channels)."""

from __future__ import annotations

import heapq

from prozesskette.graph import ChainGraph
from prozesskette.layout.grid import Grid
from prozesskette.model import StepKind


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
        if s_lo == s_hi == t_lo == t_hi and len(occupied[(column, s_lo)]) > 2:
            bad.append(index)  # a fold down one lane: its cell holds the pair alone
            continue
        if any(occupied.get((column, lane)) for lane in between):
            # blocked: a detour beside the column keeps the column, if both are plain steps
            allowed = grid.detours_allowed and index not in grid.undetoured
            if s_lo != s_hi or t_lo != t_hi or not (allowed or (
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
    """Columns for every step; returns the indices of edges drawn as loops back. A chart
    that comes out much wider than the page folds runs of steps down their lanes
    (:func:`fold_pairs`) where the estimate says it prints larger so."""
    graph = grid.graph
    back = back_edges(graph)
    minlen: dict[int, int] = {}
    for index, edge in enumerate(graph.edges):
        s_lo, s_hi = grid.span[edge.source]
        t_lo, t_hi = grid.span[edge.target]
        minlen[index] = 0 if (t_lo > s_hi or t_hi < s_lo) else 1
    _settle(grid, dict(minlen), back)
    grid.back = sorted(back)
    if grid.fold != "off" and len(graph.steps) <= FOLD_MAX_STEPS:
        _fold(grid, minlen, back)
    return back


def _fold(grid: Grid, minlen: dict[int, int], back: set[int]) -> None:
    """Fold runs down their lanes (:func:`fold_pairs`) where the chart is too wide: all
    pairs first, then without one lane's pairs after the other, keeping what the estimate
    (:func:`_extent_estimate`) says prints largest on landscape A paper; fewer folds where
    they tie. No fold at all unless that beats the unfolded columns."""
    folds = fold_pairs(grid, back)
    if not folds:
        return
    plain = _score(grid)
    if plain is None:
        return  # not too wide: no lane grows
    unfolded = (grid.col, grid.columns, grid.phase_cols, grid.detours)
    by_lane: dict[int, set[int]] = {}
    for index in folds:
        by_lane.setdefault(grid.span[grid.graph.edges[index].source][0], set()).add(index)
    rows = _lane_rows(grid)
    chosen = set(folds)
    _settle(grid, {**minlen, **dict.fromkeys(chosen, 0)}, back)
    best, kept = _score(grid, force=True), (grid.col, grid.columns, grid.phase_cols,
                                             grid.detours)
    grown = _lane_rows(grid)
    for lane in sorted(by_lane):
        if grown[lane] <= rows[lane]:
            continue  # its folds cost no height
        trial = chosen - by_lane[lane]
        _settle(grid, {**minlen, **dict.fromkeys(trial, 0)}, back)
        score = _score(grid, force=True)
        if score is not None and best is not None and score < best:
            chosen, best = trial, score
            kept = (grid.col, grid.columns, grid.phase_cols, grid.detours)
    if best is None or best >= plain:
        kept = unfolded
    grid.col, grid.columns, grid.phase_cols, grid.detours = kept


def _score(grid: Grid, *, force: bool = False) -> float | None:
    """The larger side of the estimated drawing, measured as on landscape A paper (smaller
    prints larger); None if it is not too wide (unless ``force``)."""
    width, height = _extent_estimate(grid)
    if width <= FOLD_ASPECT * height and not force:
        return None
    return max(width / FOLD_ASPECT, height)


def _settle(grid: Grid, minlen: dict[int, int], back: set[int]) -> None:
    """Columns with every same-column hand-off drawable (or moved on a column)."""
    graph = grid.graph
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


# --- folds: a run of steps down one lane, in one column --------------------------------------

FOLD_COLUMN = 130.0  # estimated extent of a column and its channel along t (pt; measured:
                     # 130 on the Stendal Ausbildung chart)
FOLD_HEADER = 220.0  # … of the lane headers
FOLD_ROW = 62.0  # … of a row of boxes along l
FOLD_ROW_GAP = 18.0  # … between two rows (options.ROW_GAP; options imports this module)
FOLD_LANE = 56.0  # … of a lane, at least
FOLD_CONTACT = 80.0  # … of a lane per contact in its header (a QR code and its margins)
FOLD_ASPECT = 1.45  # width : height wanted (options.TARGET_ASPECT)
FOLD_MAX_STEPS = 80  # larger charts do not fold: no page holds them at a readable size, and
                      # each fold costs about two bends where the run turns back to its row


def fold_pairs(grid: Grid, back: set[int]) -> list[int]:
    """Edges a → b that may become a short arrow down one lane, in one column: both plain
    one-lane steps of the same lane and phase, b a's only successor and a b's only
    predecessor, a no decision. Pairs only (a lane gets at most two rows for them), taken
    along each run in file order: a → b folds, b → c not, c → d again. None in the grid's
    ``unfolded`` lanes."""
    graph = grid.graph
    outs: dict[str, int] = dict.fromkeys(graph.steps, 0)
    ins: dict[str, int] = dict.fromkeys(graph.steps, 0)
    for index, edge in enumerate(graph.edges):
        outs[edge.source] += 1
        ins[edge.target] += index not in back  # a loop back may come in from the row gap
    used: set[str] = set()
    folds: list[int] = []
    for index, edge in enumerate(graph.edges):
        a, b = graph.steps[edge.source], graph.steps[edge.target]
        span = grid.span[a.id]
        one_way = outs[a.id] == 1 or (grid.fold != "runs" and a.kind is StepKind.decision)
        if index in back or a.id in used or b.id in used or not one_way \
                or ins[b.id] != 1 or span[0] != span[1] or grid.span[b.id] != span \
                or a.phase != b.phase or grid.lanes[span[0]] in grid.unfolded \
                or a.id in grid.badge_shared or b.id in grid.badge_shared:
            continue
        used.update((a.id, b.id))
        folds.append(index)
    return folds


def folded_lanes(grid: Grid) -> list[str]:
    """The lanes (actor ids, in drawing order) where the grid folded a run: a pair of
    :func:`fold_pairs` in one column."""
    lanes: set[int] = set()
    if grid.fold != "off":
        for index in fold_pairs(grid, set(grid.back)):
            edge = grid.graph.edges[index]
            if grid.col[edge.source] == grid.col[edge.target]:
                lanes.add(grid.span[edge.source][0])
    return [grid.lanes[lane] for lane in sorted(lanes)]


def _lane_rows(grid: Grid) -> list[int]:
    """Rows per lane: as many as its fullest column has steps."""
    cells: dict[tuple[int, int], int] = {}
    for step, column in grid.col.items():
        lo, hi = grid.span[step]
        for lane in {lo, hi}:
            cells[(column, lane)] = cells.get((column, lane), 0) + 1
    rows = [1] * len(grid.lanes)
    for (_, lane), count in cells.items():
        rows[lane] = max(rows[lane], count)
    return rows


def _extent_estimate(grid: Grid) -> tuple[float, float]:
    """The drawing's extents (t, l) estimated from the grid alone: unit columns, and lanes as
    many rows tall as their fullest column has steps."""
    rows = _lane_rows(grid)
    chain = grid.graph.chain
    height = sum(max(FOLD_CONTACT * len(chain.actor(actor).contacts), FOLD_LANE,
                     28.0 + n * FOLD_ROW + (n - 1) * FOLD_ROW_GAP)
                 for actor, n in zip(grid.lanes, rows, strict=True))
    return FOLD_HEADER + grid.columns * FOLD_COLUMN, height + 150.0
