"""How tall the rows of a lane are and the gaps between them, for given item extents: the lane
axis stacks them (:func:`~prozesskette.layout.coords.place_lanes`), and the sizes stage asks
how much room a diamond has in its lane without making the lane taller
(:func:`~prozesskette.layout.sizes.size_steps`). One computation for both, so that the room
the sizes stage promises is the room the lane axis gives."""

from __future__ import annotations

from collections.abc import Mapping

from prozesskette import text as tx
from prozesskette.graph import ChainGraph
from prozesskette.layout.grid import Grid
from prozesskette.layout.options import LANE_PAD, ROW_GAP, TRACK, Frame, Options
from prozesskette.layout.routes import GapKey, Route, below
from prozesskette.layout.step_text import label_size
from prozesskette.layout.tracks import Channel

DUMMY_ROW = 12.0  # a row that only a long edge passes through (its dummies) is this tall
SHARED_HALF = 24.0  # a shared step reaches at least this far into each of its two lanes


def row_extents(grid: Grid, l_ext: Mapping[str, float]) -> list[list[float]]:
    """Each lane's rows, each as tall as its tallest item (along l): a shared step counts
    half in its first and in its last lane, a dummy :data:`DUMMY_ROW`."""
    rows: list[list[float]] = [[0.0] * count for count in grid.rows]
    for item in grid.items.values():
        if item.real and item.lo == item.hi:
            rows[item.lo][item.row] = max(rows[item.lo][item.row], l_ext[item.key])
        elif not item.real:
            rows[item.lo][item.row] = max(rows[item.lo][item.row], DUMMY_ROW)
        else:
            half = max(l_ext[item.key] / 2, SHARED_HALF)
            rows[item.lo][item.row] = max(rows[item.lo][item.row], half)
            rows[item.hi][item.row_hi] = max(rows[item.hi][item.row_hi], half)
    return rows


def _label_pads(graph: ChainGraph, options: Options, frame: Frame, grid: Grid,
                routes: tuple[Route, ...]) -> dict[GapKey, float]:
    """A labelled hand-off straight across a lane boundary needs room for its label there."""
    pad_need: dict[GapKey, float] = {}
    for route in routes:
        label = graph.edges[route.edge].label
        if route.kind != "vert" or not label:
            continue
        a, b = route.items[0], route.items[-1]
        _, label_l = frame.ext(*label_size(label, options.small_size, options.language))
        upper, lower = (a, b) if below(a, b) else (b, a)
        half = (label_l + 10.0) / 2
        keys = ((upper.hi, grid.rows[upper.hi]), (lower.lo, 0)) if lower.lo > upper.hi \
            else ((lower.lo, lower.row),)  # down a lane: the row gap between them
        for key in keys:
            pad_need[key] = max(pad_need.get(key, 0.0), half)
    return pad_need


def gap_sizes(graph: ChainGraph, options: Options, frame: Frame, grid: Grid,
              routes: tuple[Route, ...], gaps: Mapping[GapKey, Channel]) -> dict[GapKey, float]:
    """Every gap of every lane, (lane, k) being the gap above row k (k = rows: below the last
    row): a lane's padding at its ends, a row gap between rows (room for a branch label on a
    line down the lane); wider where a labelled hand-off crosses it or its tracks need."""
    label_room = tx.line_height(options.small_size) + 6.0
    pad_need = _label_pads(graph, options, frame, grid, routes)
    sizes: dict[GapKey, float] = {}
    for lane, rows in enumerate(grid.rows):
        for gap in range(rows + 1):
            inner = gap not in (0, rows)
            base = max(ROW_GAP, label_room + 4.0) if inner else LANE_PAD
            base = max(base, pad_need.get((lane, gap), 0.0))
            tracks = gaps[(lane, gap)].tracks if (lane, gap) in gaps else 0
            sizes[(lane, gap)] = max(base, 2 * 6.0 + (tracks - 1) * TRACK + 2.0) if tracks \
                else base
    return sizes
