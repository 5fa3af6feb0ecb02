"""From a checked chain to final geometry, as a list of stages (:func:`lay_out`).

Each stage is a function of the results before it and returns a typed, immutable result:

=================  =======================================  ================================
stage              function                                 result
=================  =======================================  ================================
columns, order     :func:`.engine.make_grid`                :class:`.engine.Grid`
routes             :func:`.routes.plan_routes`              :class:`.routes.Route` s
tracks (row gaps)  :func:`.tracks.gap_channels`             :class:`.tracks.Channel` s
gaps of each lane  :func:`.lane_rows.gap_sizes`             points per (lane, gap)
sizes              :func:`.sizes.size_steps`                :class:`.sizes.Sizing`
lane axis          :func:`.coords.place_lanes`              :class:`.coords.LaneAxis`
side ports         :func:`.ports.side_ports`                :class:`.ports.Port` s
tracks (columns)   :func:`.tracks.column_channels`          :class:`.tracks.ChannelPlan`
time axis          :func:`.coords.place_columns`            :class:`.coords.TimeAxis`
end ports          :func:`.ports.end_ports`                 :class:`.ports.Port` s
points             :func:`.paths.route_points`              points per route (t, l)
furniture, shapes  :mod:`.furniture`, :mod:`.assemble`      :class:`.geometry.Layout`
=================  =======================================  ================================

The axes interleave because each needs the other: a column channel is as wide as its tracks,
and which runs share a track depends on where the ports lie along the lanes.

The stages up to the points are :func:`draw`; the rest, :func:`finish`, moves no line.
Lane-order trials (:mod:`.build`) therefore compare drafts (their crossings counted on the
points) and finish only the best.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import NamedTuple

from prozesskette.analysis import Analysis, analyse
from prozesskette.graph import ChainGraph
from prozesskette.layout.assemble import drawn_runs, edge_routes, node_boxes
from prozesskette.layout.coords import (
    Box,
    LaneAxis,
    TimeAxis,
    item_boxes,
    place_columns,
    place_lanes,
)
from prozesskette.layout.engine import make_grid
from prozesskette.layout.furniture import (
    lane_boxes,
    legend,
    phase_boxes,
    title_block,
)
from prozesskette.layout.geometry import Layout, Legend, Rect, Style, TitleBlock, translate
from prozesskette.layout.grid import FoldMode, Grid
from prozesskette.layout.lane_rows import gap_sizes
from prozesskette.layout.options import MARGIN, Canvas, Frame, Options
from prozesskette.layout.paths import AxisPoint, route_points
from prozesskette.layout.ports import end_ports, side_ports
from prozesskette.layout.routes import Route, plan_routes
from prozesskette.layout.sizes import (
    Sizing,
    column_widths,
    lane_header_sizes,
    phase_band,
    size_steps,
    sized_at,
)
from prozesskette.layout.tracks import ChannelPlan, column_channels, gap_channels
from prozesskette.model import Chain, StepKind
from prozesskette.words import words_for

__all__ = ["Draft", "DraftCache", "Outline", "draw", "finish", "grid_for", "lay_out",
           "outline_of"]


def lay_out(chain: Chain, options: Options, lanes: list[str] | None = None,
            fold: FoldMode = "off") -> Layout:
    """One drawing of the chain, lanes in the order ``lanes`` (None: as the options say),
    runs of steps folded down their lanes as ``fold`` says, not yet mirrored for
    right-to-left languages."""
    return finish(chain, draw(chain, options, lanes, fold))


class Draft(NamedTuple):
    """The stages up to the points of every route: enough to count crossings (the
    furniture, shapes and labels that :func:`finish` adds move no line)."""

    graph: ChainGraph
    options: Options
    frame: Frame
    grid: Grid
    sizing: Sizing
    routes: tuple[Route, ...]
    lane_axis: LaneAxis
    time_axis: TimeAxis
    channels: ChannelPlan
    boxes: Mapping[str, Box]
    points: tuple[tuple[AxisPoint, ...], ...]


class DraftCache:
    """What the layouts of one chain share whatever their QR size, ``aspect`` and box widths
    (:class:`Options`): the grids (topology only; 70 ms each for the Gesamtübersicht), the
    lane order the trials chose (they lay out with the default QR size anyway), and which
    lanes stay unfolded and which detours are refused in print. The PDF lays one chain out
    up to about eight times (QR codes grown, then the drawing shaped for the page); with
    these caches the Gesamtübersicht's A0 PDF took 0.7 s instead of 2.5 s (Stendal
    Ausbildung on A2: 0.4 s instead of 0.8 s)."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.grids: dict[tuple[object, ...], Grid] = {}
        self.orders: dict[Options, list[str]] = {}
        self.unfolded: dict[tuple[object, ...], frozenset[str]] = {}  # lanes kept unfolded
        self.undetoured: dict[tuple[object, ...], frozenset[int] | None] = {}  # detours refused


def grid_for(chain: Chain, options: Options, lanes: list[str] | None,
             fold: FoldMode = "off", drafts: DraftCache | None = None,
             unfolded: frozenset[str] = frozenset(),
             undetoured: frozenset[int] = frozenset()) -> Grid:
    """The grid of these options, lanes, folds and refused detours (kept in ``drafts``)."""
    mode = options.lane_order or chain.lane_order.value
    key = (mode, options.compact, None if lanes is None else tuple(lanes), fold, unfolded,
           undetoured)
    if drafts is not None and key in drafts.grids:
        return drafts.grids[key]
    grid = make_grid(ChainGraph(chain), mode, options.compact, lanes, fold, unfolded,
                     undetoured)
    if drafts is not None:
        drafts.grids[key] = grid
    return grid


def draw(chain: Chain, options: Options, lanes: list[str] | None,
         fold: FoldMode = "off", grid: Grid | None = None,
         narrow: float | None = None) -> Draft:
    """The stages from the grid (``grid``, if made already) to the points of every
    route, boxes narrowed by ``narrow`` (None: as the sizes stage chooses). Every stage wraps
    text in the chart's language (its words break at that language's syllables):
    ``options.language``, else the chain's."""
    options = replace(options, language=options.language or chain.language)
    grid = grid or grid_for(chain, options, lanes, fold)
    graph = grid.graph
    frame = Frame("tb" if (options.direction or chain.direction.value) == "tb" else "lr")
    headers = lane_header_sizes(chain, options, frame, grid.lanes, grid)
    routes = plan_routes(graph, grid)  # (topology only: the routes need no sizes)
    gaps = gap_channels(routes)
    gap_size = gap_sizes(graph, options, frame, grid, routes, gaps)
    sizing = size_steps(graph, options, frame, grid, headers, gap_size) if narrow is None \
        else sized_at(graph, options, frame, grid, headers, gap_size, narrow)
    widths = column_widths(chain, options, frame, grid, sizing)
    band = phase_band(chain, options, frame, grid, widths, sizing.channel_min)
    lane_axis = place_lanes(grid, sizing, headers, routes, gaps, gap_size, band)
    pointed = {key for key in grid.items if key in graph.steps
               and graph.steps[key].kind is StepKind.decision}
    ports = side_ports(routes, lane_axis.centre, lane_axis.extent, lane_axis.gap_l,
                       lane_axis.lane_top, pointed)
    channels = column_channels(routes, ports, lane_axis.centre, lane_axis.gap_l)
    time_axis = place_columns(graph, options, frame, grid, sizing, headers, lane_axis, widths,
                              routes, channels)
    boxes = item_boxes(grid, sizing, lane_axis, time_axis)
    all_ports = end_ports(routes, time_axis.centre, sizing.t_ext, channels.ports)
    points = route_points(graph, routes, boxes, all_ports, channels.jogs, time_axis.run_t,
                          lane_axis.gap_l)
    return Draft(graph, options, frame, grid, sizing, routes, lane_axis, time_axis,
                     channels, boxes, points)


class Outline(NamedTuple):
    """What lies around the chart (title, legend) and the drawing's size before its margins:
    enough to compare the sizes of drawings without finishing them (:func:`.build._best_fold`)."""

    title: TitleBlock | None
    top: float  # how far the chart lies below the title
    legend: Legend | None
    width: float
    height: float


def outline_of(chain: Chain, geometry: Draft, analysis: Analysis) -> Outline:
    """The title, legend and size around a drawing (a long title may widen it)."""
    options, frame = geometry.options, geometry.frame
    words = words_for("legend", options.language or chain.language)
    width, height = frame.xy(geometry.time_axis.t_total, geometry.lane_axis.l_total)
    title, top = title_block(chain, words, width) if options.title else (None, 0.0)
    if title is not None:  # a long title may need more than the chart's width
        width = max(width, title.title.rect.right,
                    title.subtitle.rect.right if title.subtitle else 0.0)
        title = TitleBlock(Rect(0.0, 0.0, width, title.rect.h), title.title, title.subtitle)
    key = legend(geometry.graph, analysis, options, words, width, height + top, title) \
        if options.legend else None
    if key is not None and key.rect.y > top:  # below the chart, not beside the title
        return Outline(title, top, key, width, key.rect.bottom + 4.0)
    return Outline(title, top, key, width, height + top)


def finish(chain: Chain, geometry: Draft, analysis: Analysis | None = None) -> Layout:
    """The drawing from its geometry: title, lanes, phases, shapes, edges and legend."""
    graph, options, frame, grid, sizing, routes, lane_axis, time_axis, channels, boxes, \
        points = geometry
    analysis = analyse(graph) if analysis is None else analysis
    language = options.language or chain.language
    words = words_for("legend", language)
    outline = outline_of(chain, geometry, analysis)
    canvas = Canvas(frame, outline.top)  # the chart below its title
    lane_geometry = lane_boxes(chain, options, frame, canvas, grid, lane_axis, time_axis)
    runs = drawn_runs(canvas, routes, points)  # (for the shared steps' tags and the labels)
    nodes = node_boxes(graph, analysis, options, canvas, grid, sizing, boxes, lane_geometry,
                       words, runs)
    edges = edge_routes(graph, analysis, options, canvas, grid, routes, points, nodes,
                        lane_geometry, runs)
    labels = [along_t(canvas, edge.label.rect) for edge in edges if edge.label is not None]
    phases = phase_boxes(chain, options, canvas, grid, lane_axis, time_axis, channels, labels)
    layout = Layout(width=outline.width, height=outline.height, direction=frame.direction,
                    nodes=nodes, lanes=lane_geometry, phases=phases, edges=edges,
                    title=outline.title, legend=outline.legend,
                    style=Style(font_size=options.font_size, small_font_size=options.small_size),
                    language=language, chain=chain)
    return translate(layout, MARGIN, MARGIN, MARGIN)


def along_t(canvas: Canvas, rect: Rect) -> tuple[float, float]:
    """A rectangle of the drawing (below the title) as its extent along t."""
    if canvas.frame.direction == "lr":
        return rect.x, rect.right
    return rect.y - canvas.dy, rect.bottom - canvas.dy
