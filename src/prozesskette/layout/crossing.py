"""A crossing estimate for lane orders, and a search over lane orders that uses it.

Which lane order gives the fewest crossings cannot be seen from the hand-off lengths alone:
two hand-offs cross when they run between the same two columns and their lanes interleave,
and a hand-off drawn as a vertical arrow crosses every edge that runs past it in a lane in
between. Both depend only on the lanes' relative order once the columns are known. So the
chart is layered once, with no regard to the lane order (hand-offs to another lane may stay in
the column, runs in one lane move on a column), and every edge becomes its lanes per column
gap; then any lane order can be scored without laying it out again:

* two edge pieces in one column gap with lanes (s1 → t1) and (s2 → t2) cross when s1 lies
  above s2 and t1 below t2, or the other way round (pieces that share an end lane can be put
  in the right order inside that lane, so they count nothing);
* a vertical hand-off in a column from lane a to lane b crosses every edge piece, and is
  blocked by every step, in that column in a lane between a and b.

The terms are gathered by the pair of lanes whose swap flips them, so moving one lane past its
neighbour costs only the terms of that pair: a lane can be tried at every position (sifting,
as in Matuszewski, Schönfeld, Molitor 1999) for the price of a few swaps. Measured on the
cross-lane family (10 lanes, seed 1): at 500 steps 22 crossing and 30 in-between terms,
gathered in about 20 ms (the layering), a sifting round about 1.5 ms; at 1000 steps, with
the one-pass columns of :func:`_rough_columns`, 5 and 0 terms in about 6 ms, so there the
hand-off lengths carry most of the choice. The estimate ranks orders only roughly (the final
crossings also depend on routing); ``layout_chain`` draws the best few where it can afford to.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence

from prozesskette.graph import ChainGraph
from prozesskette.layout.columns import assign_columns, back_edges, layer
from prozesskette.layout.grid import Grid, lane_spans

BLOCKED = 1.0  # a vertical hand-off with a step in its way: moved on a column or drawn beside
HANDOFF_LENGTH = 0.05  # per hand-off and lane of distance: shorter arrows break ties
SPLIT_SHARED = 100.0  # a shared step whose lanes are not adjacent (drawn with a badge)


class LaneCrossings:
    """The crossing estimate of one chain, for any order of its lanes (lane indices in file
    order), with its terms gathered by the pair of lanes whose swap flips them."""

    def __init__(self, graph: ChainGraph, reference: list[str] | None = None) -> None:
        self.lanes = [actor.id for actor in graph.chain.actors]
        self.reference = reference or self.lanes
        n = len(self.lanes)
        self.n = n
        # pair (p, q), p < q -> crossing terms (s1, t1, s2, t2, weight) and between terms
        # (s, t, x, weight) whose state flips when p and q swap places
        self.cross: dict[tuple[int, int], list[tuple[int, int, int, int, float]]] = {}
        self.between: dict[tuple[int, int], list[tuple[int, int, int, float]]] = {}
        self.handoffs = [[0.0] * n for _ in range(n)]
        self.groups: list[tuple[int, ...]] = []
        self._differences: dict[tuple[int, int], list[float]] = {}
        self._touched: dict[tuple[int, int], list[tuple[int, ...]]] = {}
        self._gather(graph)
        self.cross_terms = sorted({term for terms in self.cross.values() for term in terms})
        self.between_terms = sorted({term for terms in self.between.values()
                                     for term in terms})

    # --- gathering ------------------------------------------------------------------------

    def _gather(self, graph: ChainGraph) -> None:
        index = {actor: i for i, actor in enumerate(self.lanes)}
        lane = {step.id: index[step.responsible[0]] if step.responsible else 0
                for step in graph.steps.values()}
        groups = {tuple(sorted(index[a] for a in step.responsible))
                  for step in graph.steps.values() if len(step.responsible) > 1}
        self.groups = sorted(groups)
        col, back = _rough_columns(graph, self.reference)
        cells: dict[tuple[int, int], int] = {}  # (column, lane) -> steps there
        for step_id, column in col.items():
            cells[(column, lane[step_id])] = cells.get((column, lane[step_id]), 0) + 1
        gaps: dict[int, dict[tuple[int, int], int]] = {}  # gap after column -> pieces
        passing: dict[tuple[int, int], int] = {}  # (column, lane) -> edges running past
        verticals: list[tuple[int, int, int]] = []
        for number, edge in enumerate(graph.edges):
            if number in back:
                continue
            a, b = lane[edge.source], lane[edge.target]
            if a != b:
                self.handoffs[a][b] += 1.0
                self.handoffs[b][a] += 1.0
            start, end = col[edge.source], col[edge.target]
            if start == end:
                if a != b:
                    verticals.append((col[edge.source], a, b))
                continue
            run = a if end - start < 2 else min(
                (a, b), key=lambda x: sum(cells.get((c, x), 0) for c in range(start + 1, end)))
            for column in range(start + 1, end):
                passing[(column, run)] = passing.get((column, run), 0) + 1
            for column in range(start, end):
                piece = (a if column == start else run, b if column == end - 1 else run)
                pieces = gaps.setdefault(column, {})
                pieces[piece] = pieces.get(piece, 0) + 1
        weights: dict[tuple[int, int, int, int], float] = {}
        for pieces in gaps.values():
            kinds = sorted(pieces.items())
            for i, ((s1, t1), c1) in enumerate(kinds):
                for (s2, t2), c2 in kinds[i + 1:]:
                    if s1 != s2 and t1 != t2:
                        key = (s1, t1, s2, t2)
                        weights[key] = weights.get(key, 0.0) + c1 * c2
        for (s1, t1, s2, t2), weight in sorted(weights.items()):
            first, second = _pair(s1, s2), _pair(t1, t2)
            if first == second:
                continue  # both ends swap: the pieces keep crossing or not
            for pair in (first, second):
                self.cross.setdefault(pair, []).append((s1, t1, s2, t2, weight))
        between: dict[tuple[int, int, int], float] = {}
        for column, a, b in verticals:
            for x in range(self.n):
                if x in (a, b):
                    continue
                weight = passing.get((column, x), 0) + BLOCKED * cells.get((column, x), 0)
                if weight:
                    spot = (min(a, b), max(a, b), x)
                    between[spot] = between.get(spot, 0.0) + weight
        for (a, b, x), weight in sorted(between.items()):
            for pair in (_pair(a, x), _pair(b, x)):
                self.between.setdefault(pair, []).append((a, b, x, weight))

    # --- scoring --------------------------------------------------------------------------

    def cost(self, order: Sequence[int]) -> float:
        """The estimate for lanes in this order (lane indices, top first)."""
        rank = [0] * self.n
        for position, lane in enumerate(order):
            rank[lane] = position
        total = 0.0
        for s1, t1, s2, t2, weight in self.cross_terms:
            if (rank[s1] - rank[s2]) * (rank[t1] - rank[t2]) < 0:
                total += weight
        for a, b, x, weight in self.between_terms:
            if min(rank[a], rank[b]) < rank[x] < max(rank[a], rank[b]):
                total += weight
        for a in range(self.n):
            for b in range(a + 1, self.n):
                total += HANDOFF_LENGTH * self.handoffs[a][b] * abs(rank[a] - rank[b])
        return total + SPLIT_SHARED * sum(1 for group in self.groups if _split(group, rank))

    def _swap_delta(self, p: int, q: int, rank: list[int], order: list[int]) -> float:
        """How the estimate changes when lane p, just above lane q, swaps places with it
        (``order``: the lanes top first, ``rank`` their positions). Every term but the
        hand-off length is a whole number, so the sums are exact in any order."""
        delta = 0.0
        pair = _pair(p, q)
        for s1, t1, s2, t2, weight in self.cross.get(pair, ()):
            crossed = (rank[s1] - rank[s2]) * (rank[t1] - rank[t2]) < 0
            delta += -weight if crossed else weight
        for a, b, x, weight in self.between.get(pair, ()):
            ra, rb, rx = rank[a], rank[b], rank[x]
            inside = ra < rx < rb or rb < rx < ra
            delta += -weight if inside else weight
        # the hand-offs of p to the lanes above get longer by one, those below shorter, and
        # the other way round for q
        difference = self._differences.get((p, q))  # (looked up here: the hot path)
        if difference is None:
            difference = self._difference(p, q)
        position = rank[p]
        length = sum(map(difference.__getitem__, order[:position])) \
            - sum(map(difference.__getitem__, order[position + 2:]))
        delta += HANDOFF_LENGTH * length
        touched = self._touched.get(pair)
        if touched is None:
            touched = self._touching(pair)
        if touched:
            before = sum(1 for g in touched if _split(g, rank))
            rank[p], rank[q] = rank[q], rank[p]
            after = sum(1 for g in touched if _split(g, rank))
            rank[p], rank[q] = rank[q], rank[p]
            delta += SPLIT_SHARED * (after - before)
        return delta

    def _difference(self, p: int, q: int) -> list[float]:
        """Lane p's hand-offs to every lane less lane q's, kept for the next swap."""
        row_p, row_q = self.handoffs[p], self.handoffs[q]
        found = self._differences[(p, q)] = [a - b for a, b in zip(row_p, row_q, strict=True)]
        return found

    def _touching(self, pair: tuple[int, int]) -> list[tuple[int, ...]]:
        """The shared steps' lane groups that hold either lane of the pair, kept."""
        found = self._touched[pair] = [g for g in self.groups if pair[0] in g or pair[1] in g]
        return found

    # --- searching ------------------------------------------------------------------------

    def sift(self, order: list[int], top: int = 0, bottom: int = 0,
             rounds: int = 8) -> tuple[list[int], float]:
        """Move each lane to its best position while that lowers the estimate; lanes pinned
        to the first ``top`` and last ``bottom`` places stay there."""
        order = order[:]
        rank = [0] * self.n
        for position, lane in enumerate(order):
            rank[lane] = position
        lo, hi = top, self.n - bottom  # the movable range of positions
        for _ in range(rounds):
            improved = False
            for lane in sorted(order[lo:hi]):
                improved |= self._sift_one(lane, order, rank, lo, hi)
            if not improved:
                break
        return order, self.cost(order)

    def _sift_one(self, lane: int, order: list[int], rank: list[int], lo: int,
                  hi: int) -> bool:
        def swap(position: int) -> float:  # swap the lanes at position and position + 1
            p, q = order[position], order[position + 1]
            delta = self._swap_delta(p, q, rank, order)
            order[position], order[position + 1] = q, p
            rank[p], rank[q] = position + 1, position
            return delta

        start = rank[lane]
        total = 0.0
        for position in range(start - 1, lo - 1, -1):
            total += swap(position)
        costs = {lo: total}  # estimate at each position, relative to the start
        for position in range(lo, hi - 1):
            total += swap(position)
            costs[position + 1] = total
        costs[start] = 0.0
        best_at = min(costs, key=lambda at: (costs[at], at != start, at))
        order.insert(best_at, order.pop(hi - 1))  # back up to its best place (no estimate)
        for position in range(best_at, hi):
            rank[order[position]] = position
        return costs[best_at] < -1e-9


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def lanes_apart(ranks: Sequence[int]) -> bool:
    """Whether the lanes at these places are not one block of neighbours (a shared step
    whose lanes are apart is drawn in one of them, with a badge)."""
    return max(ranks) - min(ranks) != len(ranks) - 1


def _split(group: tuple[int, ...], rank: list[int]) -> bool:
    if len(group) == 2:  # (the common case, without a list)
        return abs(rank[group[0]] - rank[group[1]]) != 1
    return lanes_apart([rank[lane] for lane in group])


ROUGH_STEPS = 600  # above this many steps, the estimate's columns come from one pass


def _rough_columns(graph: ChainGraph, lanes: list[str]) -> tuple[dict[str, int], set[int]]:
    """The columns of the chart with lanes in the order ``lanes`` (the layering of
    :func:`~prozesskette.layout.columns.layer`), and the loops back. Above
    :data:`ROUGH_STEPS` steps one longest-path pass stands in for the layering, with every
    hand-off moved on a column: the layering resolves blocked hand-offs in rounds, each a
    pass, which at 5000 steps cost about 0.35 s."""
    rank = {actor: i for i, actor in enumerate(lanes)}
    spans, badge = lane_spans(graph, rank)
    grid = Grid(graph, lanes, rank, spans, badge, detours_allowed=False)
    if len(graph.steps) <= ROUGH_STEPS:
        back = layer(grid)
        return grid.col, back
    back = back_edges(graph)
    assign_columns(grid, dict.fromkeys(range(len(graph.edges)), 1), back)
    return grid.col, back


def search(estimate: LaneCrossings, starts: list[list[int]], restarts: int, seed: int,
           top: int = 0, bottom: int = 0) -> list[tuple[float, list[int]]]:
    """Sifted orders from the given starts and ``restarts`` seeded shuffles (pinned lanes
    stay in place), best first, without repeats."""
    shuffler = random.Random(seed)
    tries = [start[:] for start in starts]
    base = starts[0]
    for _ in range(restarts):
        middle = base[top:estimate.n - bottom]
        tries.append(base[:top] + shuffler.sample(middle, len(middle))
                     + base[estimate.n - bottom:])
    found: dict[tuple[int, ...], float] = {}
    for start in tries:
        order, cost = estimate.sift(start, top, bottom)
        found.setdefault(tuple(order), cost)
    return sorted((cost, list(order)) for order, cost in found.items())


def route_crossings(routes: Sequence[Sequence[tuple[float, float]]]) -> int:
    """How many times the orthogonal polylines ``routes`` cross each other: the count of
    :func:`~prozesskette.layout.invariants.crossings`, taken on a drawing's route points
    before the shapes, labels and furniture are added (they move no line), so that lane
    orders can be compared for the price of the routing alone."""
    return len(crossing_pairs(routes))


def crossing_pairs(routes: Sequence[Sequence[tuple[float, float]]]) -> list[tuple[int, int]]:
    """The two routes (indices, the smaller first) of every crossing, in order."""
    across: list[tuple[float, float, float, int]] = []  # (t, l from, l to, route)
    along: list[tuple[float, float, float, int]] = []  # (l, t from, t to, route)
    for number, points in enumerate(routes):
        for (t0, l0), (t1, l1) in itertools.pairwise(points):
            if abs(t0 - t1) < _EPS and abs(l0 - l1) < _EPS:
                continue
            if abs(l0 - l1) < _EPS:
                along.append((l0, min(t0, t1), max(t0, t1), number))
            else:
                across.append((t0, min(l0, l1), max(l0, l1), number))
    across.sort()
    where = [t for t, _, _, _ in across]
    found: set[tuple[int, int, float, float]] = set()
    for l_at, t_lo, t_hi, number in along:
        start = bisect.bisect_right(where, t_lo + _EPS)
        end = bisect.bisect_left(where, t_hi - _EPS)
        for t_at, lo, hi, other in across[start:end]:
            if other != number and lo + _EPS < l_at < hi - _EPS:
                found.add((min(number, other), max(number, other), round(t_at, 2),
                           round(l_at, 2)))
    return [(a, b) for a, b, _, _ in sorted(found)]


_EPS = 0.01  # as in :mod:`~prozesskette.layout.invariants`
