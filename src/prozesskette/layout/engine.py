"""The swimlane layout: a layered (Sugiyama-style) layout with lanes as hard partitions.

Everything here works in two abstract axes: ``t`` (time: the column axis) and ``l`` (the lane
axis). For lanes as rows (``lr``) t is x and l is y; for lanes as columns (``tb``) t is y and
l is x. Only :class:`prozesskette.layout.options.Frame` maps them to final coordinates.

Stages, each a function over :class:`Grid`:

1. lane order (file order, or a search for few crossings over the estimate of
   :mod:`~prozesskette.layout.crossing`; pinned lanes and shared steps' lanes kept);
2. columns: longest path with phases as column ranges; a hand-off to another lane may stay in
   the same column (a vertical arrow) unless something lies in between;
3. long edges become chains of dummy slots, one per column they cross, along their source's
   or their target's lane, whichever crosses fewer other edges;
4. crossing reduction inside each lane cell by barycentre sweeps (lanes are never mixed);
5. sub-rows: the items of a lane are put on a grid of rows, aligned so that edges run straight.

Sizes, ports, channel tracks and coordinates are the later stages listed in
:mod:`prozesskette.layout.build`.

The grid's types live in :mod:`~prozesskette.layout.grid`, stage 1 in
:mod:`~prozesskette.layout.lane_order`, stage 2 in :mod:`~prozesskette.layout.columns`;
stages 3–5 and :func:`make_grid`, which runs them all, here.
"""

from __future__ import annotations

from prozesskette.graph import ChainGraph
from prozesskette.layout.columns import (
    CAREFUL_LAYERING,
    assign_columns,
    back_edges,
    layer,
)
from prozesskette.layout.grid import Chainlink, FoldMode, Grid, Item, lane_spans
from prozesskette.layout.lane_order import LaneOrder, lane_orders, lane_trials, order_lanes
from prozesskette.layout.rows import compact_rows

__all__ = ["Chainlink", "Grid", "Item", "assign_columns", "assign_rows", "back_edges",
           "build_items", "lane_orders", "lane_spans", "lane_trials", "layer", "make_grid",
           "order_lanes", "reduce_crossings"]


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
    runs = _run_lanes(grid, back, cell_count, exclusive)
    grid.links = []
    for index, edge in enumerate(graph.edges):
        if index in back:
            continue
        source, target = grid.items[edge.source], grid.items[edge.target]
        chain_items = [source]
        if index in runs:
            lane = runs[index]
            for column in range(source.col + 1, target.col):
                use = lane
                if (column, lane) in exclusive:
                    use = min((x for x in range(len(grid.lanes)) if (column, x) not in exclusive),
                              key=lambda x: abs(x - lane), default=lane)
                dummy = Item(f"{index}:{column}", column, use, use, None, pos=source.pos)
                grid.items[dummy.key] = dummy
                chain_items.append(dummy)
        chain_items.append(target)
        grid.links.append(Chainlink(index, chain_items, vertical=source.col == target.col,
                                    detour=index in grid.detours))


RUN_PASSES = 2  # passes over the long edges, each choosing its lane given the others'


def _run_lanes(grid: Grid, back: set[int], cells: dict[tuple[int, int], int],
               exclusive: set[tuple[int, int]]) -> dict[int, int]:
    """The lane each long edge runs along: its source's or its target's, whichever crosses
    fewer other edges (pieces between the same two columns whose lanes interleave with its
    own, and hand-offs in a column it passes that cross its lane), the freer one on a tie."""
    graph = grid.graph
    items = grid.items
    runs: dict[int, int] = {}
    long_edges: list[tuple[int, int, int, int, int, tuple[int, ...]]] = []
    gaps: dict[int, list[tuple[int, int, int]]] = {}  # gap after column -> (edge, from, to)
    verticals: dict[int, list[tuple[int, int]]] = {}  # column -> hand-off lane ranges
    for index, edge in enumerate(graph.edges):
        if index in back:
            continue
        source, target = items[edge.source], items[edge.target]
        if target.col == source.col:
            lo, hi = sorted((source.hi if target.lo > source.hi else source.lo,
                             target.lo if target.lo > source.hi else target.hi))
            verticals.setdefault(source.col, []).append((lo, hi))
        elif target.col - source.col == 1:
            gaps.setdefault(source.col, []).append((index, source.lo, target.lo))
        else:
            candidates = _dummy_candidates(source, target)
            lane = _dummy_lane(grid, source, target, cells, exclusive)
            runs[index] = lane
            for column in range(source.col + 1, target.col):
                cells[(column, lane)] = cells.get((column, lane), 0) + 1
            long_edges.append((index, source.col, target.col, source.lo, target.lo,
                               candidates))
    for index, start, end, a, b, _ in long_edges:
        _add_pieces(gaps, index, start, end, a, b, runs[index], 1)
    for _ in range(RUN_PASSES):
        changed = False
        for index, start, end, a, b, candidates in long_edges:
            if len(candidates) < 2:
                continue
            _add_pieces(gaps, index, start, end, a, b, runs[index], -1)
            costs = {lane: _run_cost(gaps, verticals, start, end, a, b, lane)
                     + 5 * sum((column, lane) in exclusive for column in range(start + 1, end))
                     for lane in candidates}
            best = min(candidates, key=lambda lane: (costs[lane], lane != runs[index]))
            if best != runs[index]:
                runs[index], changed = best, True
            _add_pieces(gaps, index, start, end, a, b, runs[index], 1)
        if not changed:
            break
    return runs


def _dummy_candidates(source: Item, target: Item) -> tuple[int, ...]:
    if source.hi < target.lo:
        return (source.hi, target.lo)
    if target.hi < source.lo:
        return (source.lo, target.hi)
    return (max(source.lo, target.lo),)


def _add_pieces(gaps: dict[int, list[tuple[int, int, int]]], index: int, start: int, end: int,
                a: int, b: int, lane: int, sign: int) -> None:
    """Add (sign 1) or remove (-1) the pieces of a long edge that runs along ``lane``."""
    for column in range(start, end):
        piece = (index, a if column == start else lane, b if column == end - 1 else lane)
        if sign > 0:
            gaps.setdefault(column, []).append(piece)
        else:
            gaps[column].remove(piece)


def _run_cost(gaps: dict[int, list[tuple[int, int, int]]],
              verticals: dict[int, list[tuple[int, int]]], start: int, end: int, a: int,
              b: int, lane: int) -> int:
    cost = 0
    for column in range(start, end):
        s = a if column == start else lane
        t = b if column == end - 1 else lane
        for _, s2, t2 in gaps.get(column, ()):
            if (s - s2) * (t - t2) < 0:
                cost += 1
        if column > start:
            cost += sum(1 for lo, hi in verticals.get(column, ()) if lo < lane < hi)
    return cost


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

    if m == 1:  # (most cells: the row nearest the wish, the upper one on a tie)
        item = members[0]
        r = fixed(item) if item.hi > item.lo else None
        if r is None:
            wish = desire.get(item.key)
            r = 0 if wish is None else min(range(rows), key=lambda x: (abs(x - wish), x))
        if item.hi > item.lo and lane == item.hi:
            item.row_hi = r
        else:
            item.row = r
        return
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


def make_grid(graph: ChainGraph, lane_order: LaneOrder, detours: bool = True,
              lanes: list[str] | None = None, fold: FoldMode = "off",
              unfolded: frozenset[str] = frozenset(),
              undetoured: frozenset[int] = frozenset()) -> Grid:
    """Stages 1–5: lanes (``lanes``, or as ``lane_order`` says), columns, dummies, order,
    rows. The grid is topology only: sizes and coordinates are later stages (``sizes``,
    ``coords``), so no size can sway an order. Runs fold as ``fold`` says, except in the lanes
    ``unfolded``; with ``detours``, hand-offs past a step stay in their column, except the
    edges ``undetoured`` (as without ``detours``: where nothing could cross the detour, it
    is still drawn)."""
    if lanes is None:
        lanes = order_lanes(graph, lane_order)
    rank = {actor: i for i, actor in enumerate(lanes)}
    spans, badge = lane_spans(graph, rank)
    grid = Grid(graph, lanes, rank, spans, badge, detours_allowed=detours,
                free_detours=len(graph.steps) <= CAREFUL_LAYERING,
                fold=fold, unfolded=unfolded, undetoured=undetoured)
    layer(grid)
    build_items(grid)
    reduce_crossings(grid)
    assign_rows(grid)
    compact_rows(grid)
    return grid
