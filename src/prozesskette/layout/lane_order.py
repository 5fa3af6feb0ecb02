"""Engine stage 1, the lane order: the file order, or ('auto', the default) an order with few
crossings, found by the sifting search over the crossing estimate of
:mod:`~prozesskette.layout.crossing` at every size. Actors pinned ``top`` or ``bottom`` keep
their places; shared steps' lanes are kept adjacent where the order allows.

Measured before → after the crossing search (medians of seeds 1–3, default options, full
drawings; the run lanes of :func:`~prozesskette.layout.engine.build_items` already chosen by
crossings): the cross-lane family at 100 steps 12 → 2 crossings, at 1000 steps 47 → 35. In
the samples family a shared step always joins the next lane, so the file order is kept.
"""

from __future__ import annotations

from typing import Literal

from prozesskette.graph import ChainGraph
from prozesskette.layout.crossing import LaneCrossings, lanes_apart, search

LaneOrder = Literal["file", "auto"]  # the chain's order, or one with few crossings


def lanes_split(groups: list[tuple[str, ...]], order: list[str]) -> int:
    """How many of the shared steps' lane ``groups`` (:func:`shared_groups`) are not
    adjacent in this order."""
    rank = {actor: i for i, actor in enumerate(order)}
    return sum(1 for group in groups if lanes_apart([rank[a] for a in group]))


def _lane_cost(order: list[str], pairs: dict[tuple[str, str], int],
               groups: list[tuple[tuple[str, ...], int]]) -> float:
    """The hand-offs' lengths, and 1000 per shared step whose lanes are apart (``groups``:
    each group of lanes once, with how many shared steps it has: 5000 steps have about 180
    shared steps but few groups)."""
    rank = {actor: i for i, actor in enumerate(order)}
    cost = 0.0
    for (a, b), weight in pairs.items():
        distance = abs(rank[a] - rank[b])
        cost += weight * (1.5 * distance - 0.5 if distance > 1 else distance)
    if groups:
        cost += 1000.0 * sum(count for group, count in groups
                             if lanes_apart([rank[a] for a in group]))
    return cost


def _local_search(order: list[str], pairs: dict[tuple[str, str], int],
                  groups: list[tuple[str, ...]]) -> tuple[list[str], float]:
    """Move single lanes while that shortens the hand-offs (:func:`_lane_cost`)."""
    counted: dict[tuple[str, ...], int] = {}
    for group in groups:
        counted[group] = counted.get(group, 0) + 1
    weighted = list(counted.items())
    best = _lane_cost(order, pairs, weighted)
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
                cost = _lane_cost(trial, pairs, weighted)
                if cost < best - 1e-9:
                    order, best, improved = trial, cost, True
    return order, best


SEARCH_WORK = 60_000  # shuffled starts of the crossing search: about this many lanes² · edges
SEARCH_RESTARTS = (2, 12)  # … but at least and at most this many
REFERENCE_ROUNDS = 2  # the search runs again with the columns of the order it found, in
REFERENCE_STEPS = 600  # charts up to this many steps (each round lays out the columns)


def order_lanes(graph: ChainGraph, mode: LaneOrder) -> list[str]:
    """Lane order: file order, or ('auto') the first of :func:`lane_orders`."""
    order = [actor.id for actor in graph.chain.actors]
    if mode != "auto" or len(order) < 3:
        return order
    return lane_orders(graph)[0]


def lane_orders(graph: ChainGraph) -> list[list[str]]:
    """Good lane orders, best first, by the crossing estimate of
    :class:`~prozesskette.layout.crossing.LaneCrossings`.

    The search starts from the file order and from the order with the shortest hand-offs
    (:func:`_local_search`), and from seeded shuffles, more of them in smaller charts; the
    estimate is gathered from the columns of the order with the shortest hand-offs, and once
    more from the columns of the best order found (the columns change with the order)."""
    lanes = [actor.id for actor in graph.chain.actors]
    top = [actor.id for actor in graph.chain.actors if actor.pin == "top"]
    bottom = [actor.id for actor in graph.chain.actors if actor.pin == "bottom"]
    if len(lanes) - len(top) - len(bottom) < 2:
        return [top + [lane for lane in lanes if lane not in top + bottom] + bottom]
    pairs, groups = _handoffs(graph)
    shortest = _pinned(_local_search(lanes, pairs, groups)[0], top, bottom)
    index = {lane: i for i, lane in enumerate(lanes)}
    starts = [[index[lane] for lane in shortest],
              [index[lane] for lane in _pinned(lanes, top, bottom)]]
    work = len(lanes) ** 2 * max(1, len(graph.edges))
    restarts = max(SEARCH_RESTARTS[0], min(SEARCH_RESTARTS[1], SEARCH_WORK // work))
    rounds = REFERENCE_ROUNDS if len(graph.steps) <= REFERENCE_STEPS else 1
    found: list[tuple[float, list[int]]] = []
    reference = shortest
    for round_ in range(rounds):
        estimate = LaneCrossings(graph, reference)
        found = search(estimate, starts, restarts if round_ == 0 else 0,
                       seed=len(lanes) * 7919 + len(graph.steps), top=len(top),
                       bottom=len(bottom))
        reference = [lanes[i] for i in found[0][1]]
        starts = [order for _, order in found[:3]]
    ranked = [[lanes[i] for i in order] for _, order in found]
    if shortest not in ranked:
        ranked.append(shortest)
    return ranked


def shared_groups(graph: ChainGraph) -> list[tuple[str, ...]]:
    """The lanes of each shared step."""
    return [step.responsible for step in graph.steps.values() if len(step.responsible) > 1]


def _pinned(order: list[str], top: list[str], bottom: list[str]) -> list[str]:
    """The order with the lanes pinned to the top first and those pinned to the bottom last,
    each in file order."""
    return top + [lane for lane in order if lane not in top and lane not in bottom] + bottom


def lane_trials(graph: ChainGraph, count: int) -> list[list[str]]:
    """The ``count`` best of :func:`lane_orders`, and the file order (pinned lanes moved) if
    it is not among them: a drawing chosen from these never has more crossings than the
    file order's."""
    trials = lane_orders(graph)[:count]
    lanes = [actor.id for actor in graph.chain.actors]
    plain = _pinned(lanes, [a.id for a in graph.chain.actors if a.pin == "top"],
                    [a.id for a in graph.chain.actors if a.pin == "bottom"])
    if plain not in trials:
        trials.append(plain)
    return trials


def _handoffs(graph: ChainGraph) -> tuple[dict[tuple[str, str], int], list[tuple[str, ...]]]:
    """Hand-offs per pair of lanes, and the lane groups of shared steps."""
    pairs: dict[tuple[str, str], int] = {}
    for edge in graph.edges:
        a = graph.steps[edge.source].responsible
        b = graph.steps[edge.target].responsible
        if a and b and a[0] != b[0]:
            key = (a[0], b[0]) if a[0] < b[0] else (b[0], a[0])
            pairs[key] = pairs.get(key, 0) + 1
    return pairs, shared_groups(graph)
