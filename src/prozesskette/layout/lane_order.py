"""Engine stage 1, the lane order: file order, or a local search that shortens hand-offs and
keeps shared steps' lanes adjacent, its candidates ranked by the columns they need."""

from __future__ import annotations

import random
from typing import Literal

from prozesskette.graph import ChainGraph
from prozesskette.layout.columns import CAREFUL_LAYERING, layer
from prozesskette.layout.grid import Grid, lane_spans

LaneOrder = Literal["file", "auto"]  # the chain's order, or one that shortens hand-offs


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


def order_lanes(graph: ChainGraph, mode: LaneOrder, detours: bool = False) -> list[str]:
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
