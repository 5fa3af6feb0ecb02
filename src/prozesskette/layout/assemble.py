"""Stage: the steps and edges as drawn — boxes with their text and badges in reading order,
routes with their branch labels and lane-boundary markers — in final x/y."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Mapping
from dataclasses import replace

from prozesskette.analysis import Analysis, interface_steps
from prozesskette.graph import ChainGraph
from prozesskette.layout.coords import Box
from prozesskette.layout.geometry import (
    Badge,
    EdgeRoute,
    LaneBox,
    NodeBox,
    Point,
    Rect,
    RectIndex,
)
from prozesskette.layout.grid import Grid, Item
from prozesskette.layout.labels import EdgeRun, badge, node_lines, place_label, shared_tag
from prozesskette.layout.options import Canvas, Options
from prozesskette.layout.paths import AxisPoint
from prozesskette.layout.routes import Route
from prozesskette.layout.sizes import Sizing
from prozesskette.model import StepKind


def reading_order(graph: ChainGraph, grid: Grid) -> list[Item]:
    """Steps in the order a reader follows them: every step after the steps that lead to
    it (loops back aside); among the ready ones the earliest column, then lane, then row."""
    back = set(grid.back)
    indegree = {key: 0 for key in graph.steps}
    successors: dict[str, list[str]] = {key: [] for key in graph.steps}
    for index, edge in enumerate(graph.edges):
        if index not in back:
            indegree[edge.target] += 1
            successors[edge.source].append(edge.target)

    def rank(key: str) -> tuple[int, int, int, int]:
        item = grid.items[key]
        return (item.col, item.lo, item.row, graph.order[key])

    heap = [(rank(k), k) for k, d in indegree.items() if d == 0]
    heapq.heapify(heap)
    result: list[Item] = []
    while heap:
        _, key = heapq.heappop(heap)
        result.append(grid.items[key])
        for nxt in successors[key]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                heapq.heappush(heap, (rank(nxt), nxt))
    return result


def drawn_runs(canvas: Canvas, routes: tuple[Route, ...],
               points: tuple[tuple[AxisPoint, ...], ...]) -> tuple[list[EdgeRun], RectIndex]:
    """The straight runs of every route as drawn, and an index of them."""
    runs: list[EdgeRun] = [(route.edge, canvas.point(*a), canvas.point(*b))
                           for route, route_points in zip(routes, points, strict=True)
                           for a, b in itertools.pairwise(route_points)]
    run_index = RectIndex()
    for _, a, b in runs:
        run_index.add(Rect(min(a[0], b[0]), min(a[1], b[1]), abs(a[0] - b[0]),
                           abs(a[1] - b[1])))
    return runs, run_index


def node_boxes(graph: ChainGraph, analysis: Analysis, options: Options, canvas: Canvas,
               grid: Grid, sizing: Sizing, boxes: Mapping[str, Box],
               lanes: Mapping[str, LaneBox], words: Mapping[str, str],
               runs: tuple[list[EdgeRun], RectIndex]) -> dict[str, NodeBox]:
    """Every step's shape, text and badges, in reading order. A shared step drawn in one
    lane gets a tag naming its other actors, placed clear of the edges (``runs``: their
    :func:`drawn_runs`, as :func:`edge_routes` draws them)."""
    size, small = options.font_size, options.small_size
    interface = interface_steps(analysis)
    overlap_number: dict[str, int] = {}
    for number, overlap in enumerate(analysis.overlaps, start=1):
        for step_id in overlap.steps:
            overlap_number.setdefault(step_id, number)
    nodes: dict[str, NodeBox] = {}
    for item in reading_order(graph, grid):
        step = graph.steps[item.key]
        text = sizing.texts[item.key]
        b = boxes[item.key]
        box = canvas.rect(b.t - b.t_ext / 2, b.l - b.l_ext / 2, b.t_ext, b.l_ext)
        area = Rect(box.cx - text.text_w / 2, box.cy - text.text_h / 2 - (
            3.0 if step.kind is StepKind.document else 0.0), text.text_w, text.text_h)
        title_lines, note_block = node_lines(text, area, size, small)
        parts = tuple((grid.lanes[lane], _clip_to_lane(box, lanes[grid.lanes[lane]].band))
                      for lane in range(item.lo, item.hi + 1)) if item.hi > item.lo else ()
        badges: list[Badge] = []
        overlap_at = overlap_number.get(item.key)
        if overlap_at is not None:
            overlap = analysis.overlaps[overlap_at - 1]
            badges.append(badge(box, str(overlap_at), "overlap",
                                f"{words['overlap']}: {overlap.title}", small))
        nodes[item.key] = NodeBox(
            item.key, step.kind.value, box, area, title_lines, step.responsible,
            step.phase, parts, tuple(badges), note_block, item.key in interface,
            step.description)
    if grid.badge_shared:
        _tag_shared_steps(graph, grid, nodes, words, small, runs)
    return nodes


def _tag_shared_steps(graph: ChainGraph, grid: Grid, nodes: dict[str, NodeBox],
                      words: Mapping[str, str], size: float,
                      edges: tuple[list[EdgeRun], RectIndex]) -> None:
    """Add the tag of every shared step drawn in its lead lane only, in reading order:
    its other actors by their short names (the tooltip and the accessible name say them
    in full)."""
    chain = graph.chain
    shapes = list(nodes.values())
    shape_index = RectIndex()
    taken = RectIndex()
    for node in shapes:
        shape_index.add(node.rect)
        for existing in node.badges:
            taken.add(existing.rect)
    for key in [k for k in nodes if k in grid.badge_shared]:
        node = nodes[key]
        others = [chain.actor(a) for a in graph.steps[key].responsible[1:]]
        title = f"{words['shared']}: " + ", ".join(actor.name for actor in others)
        tag = shared_tag(node, [actor.short or actor.name for actor in others], title, size,
                         shapes, shape_index, taken, *edges)
        nodes[key] = replace(node, badges=(*node.badges, tag))


MARKER_CLEAR = 3.5
"""Half the side of the square a branch label keeps clear around a hand-off marker (the
renderers draw it as a circle of radius ``arrow_size / 2`` = 3 pt)."""


def _close_marker(marker: Point, near: Mapping[tuple[int, int], list[Point]]) -> bool:
    """Whether a marker already placed lies less than 10 pt away along both axes."""
    cx, cy = int(marker[0] // 10), int(marker[1] // 10)
    return any(abs(marker[0] - m[0]) < 10.0 and abs(marker[1] - m[1]) < 10.0
               for dx in (-1, 0, 1) for dy in (-1, 0, 1) for m in near.get((cx + dx, cy + dy), ()))


def edge_routes(graph: ChainGraph, analysis: Analysis, options: Options, canvas: Canvas,
                grid: Grid, routes: tuple[Route, ...], points: tuple[tuple[AxisPoint, ...], ...],
                nodes: Mapping[str, NodeBox], lanes: Mapping[str, LaneBox],
                runs_made: tuple[list[EdgeRun], RectIndex]) -> tuple[EdgeRoute, ...]:
    """Every edge as drawn, in edge order: its points, branch label and hand-off marker
    (``runs_made``: their :func:`drawn_runs`; nothing here changes them)."""
    handoffs = {(h.source, h.target) for h in analysis.handoffs}
    back = set(grid.back)
    shapes = list(nodes.values())
    shape_index = RectIndex()
    labels = RectIndex()  # the labels placed so far, and the badges they keep clear of
    for node in shapes:
        shape_index.add(node.rect)
        for node_badge in node.badges:
            labels.add(node_badge.rect)
    runs, run_index = runs_made
    bands = [lanes[a].band for a in grid.lanes]
    drawn_routes = [tuple(canvas.point(t, l_) for t, l_ in route_points) for route_points in points]
    markers: list[Point | None] = []  # first every hand-off marker, for the labels to avoid
    near: dict[tuple[int, int], list[Point]] = {}  # the markers by 10-pt cell (a scan of all
    # earlier markers per hand-off cost 1.4 s of 4 at 5,000 steps)
    for route, drawn in zip(routes, drawn_routes, strict=True):
        edge = graph.edges[route.edge]
        marker = _boundary_marker(drawn, bands) if (edge.source, edge.target) in handoffs \
            else None
        if marker is not None and _close_marker(marker, near):
            marker = None  # one marker is enough where hand-offs cross close together
        if marker is not None:
            near.setdefault((int(marker[0] // 10), int(marker[1] // 10)), []).append(marker)
            labels.add(Rect(marker[0] - MARKER_CLEAR, marker[1] - MARKER_CLEAR,
                            2 * MARKER_CLEAR, 2 * MARKER_CLEAR))
        markers.append(marker)
    edges: list[EdgeRoute] = []
    for route, drawn, marker in zip(routes, drawn_routes, markers, strict=True):
        edge = graph.edges[route.edge]
        label = None
        if edge.label:
            label = place_label(edge.label, drawn, shapes, shape_index, labels, runs,
                                run_index, options.small_size, options.language)
        edges.append(EdgeRoute(edge.source, edge.target, drawn, label,
                               (edge.source, edge.target) in handoffs, route.edge in back,
                               marker))
    return tuple(edges)


def _clip_to_lane(box: Rect, band: Rect) -> Rect:
    top = max(box.y, band.y)
    bottom = min(box.bottom, band.bottom)
    left = max(box.x, band.x)
    right = min(box.right, band.right)
    return Rect(left, top, max(0.0, right - left), max(0.0, bottom - top))


def _boundary_marker(points: tuple[Point, ...], bands: list[Rect]) -> Point | None:
    """The first place where a route crosses from one lane into another."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        for band in bands:
            for edge_value, vertical in ((band.y, True), (band.x, False)):
                if vertical and abs(x0 - x1) < 0.01 and min(y0, y1) < edge_value < max(y0, y1) \
                        and band.x <= x0 <= band.right and band.y > bands[0].y + 0.01:
                    return (x0, edge_value)
                if not vertical and abs(y0 - y1) < 0.01 and min(x0, x1) < edge_value < max(
                        x0, x1) and band.y <= y0 <= band.bottom and band.x > bands[0].x + 0.01:
                    return (edge_value, y0)
    return None
