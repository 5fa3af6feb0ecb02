"""Each layout stage alone, on small chains: what its result promises, checked on that result
rather than on the finished drawing."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paths import CHAINS, EXAMPLE, ROOT, examples
from prozesskette import text as tx
from prozesskette.analysis import analyse
from prozesskette.graph import ChainGraph
from prozesskette.layout import rows
from prozesskette.layout.assemble import reading_order
from prozesskette.layout.coords import (
    Box,
    LaneAxis,
    TimeAxis,
    item_boxes,
    place_columns,
    place_lanes,
)
from prozesskette.layout.engine import Grid, make_grid
from prozesskette.layout.furniture import legend, title_block
from prozesskette.layout.geometry import NodeBox, Rect, RectIndex, TextBlock
from prozesskette.layout.labels import place_label
from prozesskette.layout.lane_rows import gap_sizes
from prozesskette.layout.options import (
    CHANNEL_MIN,
    CHANNEL_NARROW,
    PAD_X,
    PAD_Y,
    Frame,
    Options,
)
from prozesskette.layout.paths import route_points
from prozesskette.layout.ports import Port, PortKey, end_ports, side_ports
from prozesskette.layout.routes import Route, plan_routes
from prozesskette.layout.sizes import (
    HeaderSizes,
    Sizing,
    column_widths,
    lane_header_sizes,
    phase_band,
    size_steps,
)
from prozesskette.layout.step_text import node_text
from prozesskette.layout.tracks import (
    Channel,
    ChannelPlan,
    Seg,
    _constraint_ring,
    _must_precede,
    assign_tracks,
    column_channels,
    gap_channels,
)
from prozesskette.loader import load
from prozesskette.model import Chain, StepKind
from prozesskette.samples import generate_chain
from prozesskette.words import words_for


class Stages(NamedTuple):
    graph: ChainGraph
    frame: Frame
    grid: Grid
    headers: HeaderSizes
    sizing: Sizing
    routes: tuple[Route, ...]
    gaps: dict[tuple[int, int], Channel]
    lanes: LaneAxis
    channels: ChannelPlan
    times: TimeAxis
    boxes: dict[str, Box]
    ports: dict[PortKey, Port]
    points: tuple[tuple[tuple[float, float], ...], ...]


def run_stages(chain: Chain, **options: Any) -> Stages:
    """The stages of :func:`prozesskette.layout.build.lay_out` up to the route points."""
    opts = Options(**options)
    graph = ChainGraph(chain)
    frame = Frame(opts.direction or chain.direction.value)  # type: ignore[arg-type]
    grid = make_grid(graph, opts.lane_order, opts.compact)
    headers = lane_header_sizes(chain, opts, frame, grid.lanes)
    routes = plan_routes(graph, grid)
    gaps = gap_channels(routes)
    gap_size = gap_sizes(graph, opts, frame, grid, routes, gaps)
    sizing = size_steps(graph, opts, frame, grid, headers, gap_size)
    widths = column_widths(chain, opts, frame, grid, sizing)
    band = phase_band(chain, opts, frame, grid, widths, sizing.channel_min)
    lanes = place_lanes(grid, sizing, headers, routes, gaps, gap_size, band)
    sides = side_ports(routes, lanes.centre, lanes.extent, lanes.gap_l)
    channels = column_channels(routes, sides, lanes.centre, lanes.gap_l)
    times = place_columns(graph, opts, frame, grid, sizing, headers, lanes, widths, routes,
                          channels)
    boxes = item_boxes(grid, sizing, lanes, times)
    ports = end_ports(routes, times.centre, sizing.t_ext, channels.ports)
    points = route_points(graph, routes, boxes, ports, channels.jogs, times.run_t, lanes.gap_l)
    return Stages(graph, frame, grid, headers, sizing, routes, gaps, lanes, channels, times,
                  boxes, ports, points)


SMALL = [EXAMPLE, *CHAINS]
GENERATED = [(12, 3, 1), (25, 6, 2), (40, 9, 1)]  # steps, lanes, seed


def _chains() -> list[tuple[str, Chain]]:
    named = [(Path(p).name, load(p)) for p in SMALL]
    named += [(f"gen{s}-{n}-{seed}", generate_chain(s, n, seed, decisions=0.3, shared=0.2,
                                                     contacts=True))
              for s, n, seed in GENERATED]
    return named


CHAIN_CASES = _chains()
OPTIONS = [{}, {"direction": "tb"}, {"compact": True}]


@pytest.fixture(scope="module", params=[(name, i) for name, _ in CHAIN_CASES
                                        for i in range(len(OPTIONS))],
                ids=lambda p: f"{p[0]}-{','.join(OPTIONS[p[1]]) or 'default'}")
def stages(request: pytest.FixtureRequest) -> Stages:
    name, option_index = request.param
    chain = dict(CHAIN_CASES)[name]
    return run_stages(chain, **OPTIONS[option_index])


# --- options ----------------------------------------------------------------------------------

def test_frame_maps_the_abstract_axes() -> None:
    lr, tb = Frame("lr"), Frame("tb")
    assert lr.ext(3.0, 5.0) == (3.0, 5.0) and tb.ext(3.0, 5.0) == (5.0, 3.0)
    assert tb.ext(*tb.ext(3.0, 5.0)) == (3.0, 5.0)
    assert lr.xy(1.0, 2.0) == (1.0, 2.0) and tb.xy(1.0, 2.0) == (2.0, 1.0)
    assert tb.rect(1.0, 2.0, 10.0, 20.0) == Rect(2.0, 1.0, 20.0, 10.0)


# --- sizes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("narrow", [1.0, 0.68])
@pytest.mark.parametrize("name", [name for name, _ in CHAIN_CASES])
def test_every_box_holds_its_text(name: str, narrow: float) -> None:
    options = Options()
    for step in dict(CHAIN_CASES)[name].steps:
        text = node_text(step, options, narrow)
        widths = [tx.text_width(line, options.font_size) for line in text.lines] + [
            tx.text_width(line, options.small_size) for line in text.note]
        assert max(widths) <= text.text_w + 0.01, step.id
        assert len(text.lines) * tx.line_height(options.font_size) <= text.text_h + 0.01
        if step.kind is StepKind.decision:  # inside the diamond: u/W + h/H <= 1
            assert text.text_w / text.w + text.text_h / text.h <= 1.0 + 1e-9, step.id
        else:
            assert text.text_w + 2 * PAD_X <= text.w + 0.01, step.id
            assert text.text_h + 2 * PAD_Y <= text.h + 0.01, step.id


def test_wide_charts_get_narrower_boxes_and_channels() -> None:
    wide = run_stages(generate_chain(40, 9, 1, contacts=True))
    assert wide.sizing.channel_min == CHANNEL_NARROW
    assert max(t.w for t in wide.sizing.texts.values()) < Options().box_width * 1.5
    assert min(t.w for t in wide.sizing.texts.values()) < Options().box_width
    tall = run_stages(generate_chain(6, 10, 1))  # (6 × 8 narrows now: test_layout.py)
    assert tall.sizing.channel_min == CHANNEL_MIN
    assert min(t.w for t in tall.sizing.texts.values()) >= Options().box_width


def test_sizing_gives_every_item_its_extents(stages: Stages) -> None:
    for key, item in stages.grid.items.items():
        if item.real:
            text = stages.sizing.texts[key]
            assert (stages.sizing.t_ext[key], stages.sizing.l_ext[key]) == \
                stages.frame.ext(text.w, text.h)
        else:
            assert stages.sizing.t_ext[key] == stages.sizing.l_ext[key] == 0.0


# --- routes -----------------------------------------------------------------------------------

def test_every_edge_gets_one_route_through_the_grid(stages: Stages) -> None:
    graph, grid = stages.graph, stages.grid
    assert [r.edge for r in stages.routes] == list(range(len(graph.edges)))
    back = set(grid.back)
    for route in stages.routes:
        edge = graph.edges[route.edge]
        assert (route.items[0].key, route.items[-1].key) == (edge.source, edge.target)
        cols = [item.col for item in route.items]
        if route.edge in back:
            assert route.kind in ("loopU", "loopB", "detour")
            assert route.gap is not None
        elif route.kind == "fwd":
            assert all(b == a + 1 for a, b in itertools.pairwise(cols)), route
        elif route.kind in ("vert", "detour"):
            assert cols[0] == cols[-1]
        else:
            assert route.kind in ("elbowV", "elbowH") and cols == [cols[0], cols[0] + 1]
        if route.elbow_start or route.elbow_end:
            assert route.kind == "fwd" and len(route.items) >= 3


# --- tracks -----------------------------------------------------------------------------------

def _overlap(x: Seg, y: Seg) -> bool:
    return x.lo <= y.hi + 0.5 and y.lo <= x.hi + 0.5


seg_lists = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30),
                               st.sampled_from([-1, 1]), st.sampled_from([-1, 1])),
                     min_size=1, max_size=12)


@settings(max_examples=examples(200), deadline=None)
@given(seg_lists)
def test_overlapping_runs_never_share_a_track(spec: list[tuple[int, int, int, int]]) -> None:
    segs = [Seg(i, float(a), float(b), sa, sb) for i, (a, b, sa, sb) in enumerate(spec)]
    count = assign_tracks(segs)
    assert count == 1 + max(s.track for s in segs)
    for x, y in itertools.combinations(segs, 2):
        if _overlap(x, y):
            assert x.track != y.track
    if not _constraint_ring(segs):  # stubs that must not lie on top of each other
        for x, y in itertools.permutations(segs, 2):
            if _overlap(x, y) and _must_precede(x, y):
                assert x.track < y.track


def test_must_precede_keeps_stubs_apart() -> None:
    """A run whose stub leaves towards the low side where another's leaves towards the high
    side at the same place must take the lower track; the other way round never."""
    low = Seg(0, 10.0, 20.0, -1, 1)
    high = Seg(1, 10.0, 30.0, 1, 1)
    assert _must_precede(low, high) and not _must_precede(high, low)
    assign_tracks([high, low])
    assert low.track < high.track


def test_channel_tracks_are_distinct_where_runs_overlap(stages: Stages) -> None:
    for channel in [*stages.gaps.values(), *stages.channels.channels.values()]:
        assert channel.tracks == 1 + max(run.track for run in channel.runs)
        for x, y in itertools.combinations(channel.runs, 2):
            lo_x, hi_x, lo_y, hi_y = min(x.a, x.b), max(x.a, x.b), min(y.a, y.b), max(y.a, y.b)
            if lo_x <= hi_y + 0.5 and lo_y <= hi_x + 0.5:
                assert x.track != y.track


# --- ports ------------------------------------------------------------------------------------

def test_ports_of_one_side_lie_apart_on_that_side(stages: Stages) -> None:
    sides: dict[tuple[str, str], list[Port]] = {}
    for port in stages.ports.values():
        sides.setdefault((port.item, port.side), []).append(port)
    for (key, side), ports in sides.items():
        box = stages.boxes[key]
        half = box.l_ext / 2 if side in "LR" else box.t_ext / 2
        offsets = sorted(p.offset for p in ports)
        assert all(abs(o) <= half for o in offsets), (key, side, offsets)
        assert all(b - a > 0.5 for a, b in itertools.pairwise(offsets)), (key, side, offsets)


def test_every_route_end_has_its_port(stages: Stages) -> None:
    for route in stages.routes:
        for end, item in (("src", route.items[0]), ("dst", route.items[-1])):
            elbow = route.elbow_start if end == "src" else route.elbow_end
            port = stages.ports[(route.edge, end)]  # type: ignore[index]
            assert port.item == item.key and port.edge == route.edge
            if route.kind == "fwd":
                assert (port.side in "TB") == elbow


# --- coordinates ------------------------------------------------------------------------------

def test_lanes_stack_and_boxes_stay_inside_them(stages: Stages) -> None:
    lanes = stages.lanes
    assert lanes.lane_top[0] == lanes.phase_band
    for lane in range(len(lanes.lane_top) - 1):
        assert lanes.lane_top[lane] + lanes.lane_ext[lane] == lanes.lane_top[lane + 1]
    assert lanes.lane_top[-1] + lanes.lane_ext[-1] == lanes.l_total
    for key, item in stages.grid.items.items():
        box = stages.boxes[key]
        top = lanes.lane_top[item.lo]
        bottom = lanes.lane_top[item.hi] + lanes.lane_ext[item.hi]
        assert top - 0.01 <= box.l - box.l_ext / 2 and box.l + box.l_ext / 2 <= bottom + 0.01
        assert stages.times.header_t < box.t - box.t_ext / 2
        assert box.t + box.t_ext / 2 < stages.times.t_total


def test_columns_do_not_overlap_along_time(stages: Stages) -> None:
    spans: dict[int, tuple[float, float]] = {}
    for key, item in stages.grid.items.items():
        box = stages.boxes[key]
        lo, hi = spans.get(item.col, (box.t - box.t_ext / 2, box.t + box.t_ext / 2))
        spans[item.col] = (min(lo, box.t - box.t_ext / 2), max(hi, box.t + box.t_ext / 2))
    ordered = [spans[c] for c in sorted(spans)]
    for (_, right), (left, _) in itertools.pairwise(ordered):
        assert right < left


# --- paths ------------------------------------------------------------------------------------

def test_route_points_are_orthogonal_and_end_on_their_boxes(stages: Stages) -> None:
    for route, points in zip(stages.routes, stages.points, strict=True):
        assert len(points) >= 2
        for (t0, l0), (t1, l1) in itertools.pairwise(points):
            assert abs(t0 - t1) < 0.01 or abs(l0 - l1) < 0.01, route
        for point, item in ((points[0], route.items[0]), (points[-1], route.items[-1])):
            box = stages.boxes[item.key]
            assert abs(point[0] - box.t) <= box.t_ext / 2 + 0.6
            assert abs(point[1] - box.l) <= box.l_ext / 2 + 0.6


# --- labels, furniture, assembly --------------------------------------------------------------

def _node(rect: Rect) -> NodeBox:
    empty = TextBlock((), rect)
    return NodeBox("n", "task", rect, rect, empty, ("a",), None, ())


def test_a_label_avoids_steps_and_other_labels() -> None:
    points = ((0.0, 100.0), (300.0, 100.0))
    blocker = _node(Rect(0.0, 60.0, 80.0, 80.0))  # over the run's start, both sides
    shapes = [blocker]
    shape_index = RectIndex()
    shape_index.add(blocker.rect)
    labels = RectIndex()
    first = place_label("ja", points, shapes, shape_index, labels, [], RectIndex(), 7.0)
    second = place_label("nein", points, shapes, shape_index, labels, [], RectIndex(), 7.0)
    assert first is not None and second is not None
    for label in (first, second):
        assert not label.rect.overlaps(blocker.rect)
        assert label.rect.bottom <= 100.0 or label.rect.y >= 100.0  # beside the run
    assert not first.rect.overlaps(second.rect)
    assert len(labels.rects) == 2


def test_legend_explains_only_what_the_chart_uses() -> None:
    chain = load(EXAMPLE)
    graph = ChainGraph(chain)
    analysis = analyse(graph)
    key = legend(graph, analysis, Options(), words_for("legend", "en"), 300.0, 500.0)
    kinds = [item.kind for item in key.items]
    used = {step.kind.value for step in chain.steps}
    assert {k for k in kinds if k in ("start", "task", "decision", "document", "end")} == used
    assert ("handoff" in kinds) == bool(analysis.handoffs)
    for item in key.items:  # rows wrap inside the legend's width
        assert key.rect.contains(item.swatch) and item.text.rect.right <= 300.0 - 8.0 + 16.0
    assert key.rect.y >= 500.0


def test_title_wraps_to_the_chart_width() -> None:
    chain = load(EXAMPLE)
    block, shift = title_block(chain, words_for("legend", "de"), 400.0)
    assert block.rect.w == 400.0 and shift > block.title.rect.bottom
    assert all(tx.text_width(line.text, line.size, True) <= 380.0 for line in block.title.lines)


def test_reading_order_follows_the_edges(stages: Stages) -> None:
    order = [item.key for item in reading_order(stages.graph, stages.grid)]
    assert sorted(order) == sorted(stages.graph.steps)
    position = {key: i for i, key in enumerate(order)}
    back = set(stages.grid.back)
    for index, edge in enumerate(stages.graph.edges):
        if index not in back:
            assert position[edge.source] < position[edge.target]


@pytest.mark.parametrize("family", ["samples", "cross-lane"])
@pytest.mark.parametrize("seed", [1, 2])
def test_long_edges_run_along_the_lane_that_crosses_less(family: str, seed: int) -> None:
    """Stage 3: a long edge runs along its source's or its target's lane; of the two, the
    one whose pieces cross fewer other pieces between the same columns (and fewer hand-offs
    in the columns it passes), so the chosen lanes cross no more than the freer lanes do."""
    from prozesskette.layout import engine
    from prozesskette.samples import cross_lane_chain, generate_chain

    make = generate_chain if family == "samples" else cross_lane_chain
    graph = ChainGraph(make(400, 8, seed))
    grid = make_grid(graph, "auto", False)
    back = set(grid.back)
    gaps: dict[int, list[tuple[int, int, int]]] = {}
    verticals: dict[int, list[tuple[int, int]]] = {}
    chosen: dict[int, tuple[int, int, int, int, int, tuple[int, ...]]] = {}
    for link in grid.links:
        source, target = link.items[0], link.items[-1]
        if link.vertical:
            lo, hi = sorted((source.lo, target.lo))
            verticals.setdefault(source.col, []).append((lo, hi))
            continue
        run = link.items[1].lo if len(link.items) > 2 else source.lo
        candidates = engine._dummy_candidates(source, target)
        assert len(link.items) == 2 or run in candidates or any(
            item.lo != run for item in link.items[1:-1])  # moved off a shared step's lane
        engine._add_pieces(gaps, link.index, source.col, target.col, source.lo, target.lo,
                           run, 1)
        if len(link.items) > 2:
            chosen[link.index] = (source.col, target.col, source.lo, target.lo, run,
                                  candidates)
    assert chosen and not back & set(chosen)
    worse = 0
    for index, (start, end, a, b, run, candidates) in chosen.items():
        engine._add_pieces(gaps, index, start, end, a, b, run, -1)
        cost = {lane: engine._run_cost(gaps, verticals, start, end, a, b, lane)
                for lane in candidates}
        worse += cost.get(run, 0) > min(cost.values())
        engine._add_pieces(gaps, index, start, end, a, b, run, 1)
    assert worse <= len(chosen) // 20  # a local optimum, up to edges moved by later ones


def _rows_of_steps(grid: Grid) -> dict[str, int]:
    """Per lane (actor id): how many rows hold a step of that lane alone."""
    rows: dict[str, set[int]] = {}
    for item in grid.items.values():
        if item.real and item.lo == item.hi:
            rows.setdefault(grid.lanes[item.lo], set()).add(item.row)
    return {actor: len(used) for actor, used in rows.items()}


def test_a_lane_loses_a_row_of_boxes_for_a_jog(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stage 5b: where a bypass keeps a lone step in a row of its own and no move keeps
    every straight run, up to JOG_MOVES steps still move into one row; the bypass takes a
    jog into the thin row. Stendal Arbeit's Bildungsträger lane: its three steps in one row
    (two rows before, 174 pt tall against 132); no other lane holds more rows of steps, and
    no row loses the dummies it holds."""
    graph = ChainGraph(load(ROOT / "chains" / "stendal-arbeit.yaml"))
    grid = make_grid(graph, "auto", False)
    assert _rows_of_steps(grid)["bildungstraeger"] == 1
    dummies = {key: item.row for key, item in grid.items.items() if not item.real}
    monkeypatch.setattr(rows, "JOG_MOVES", 0)  # only the moves that keep every straight run
    kept = make_grid(graph, "auto", False, list(grid.lanes))
    assert _rows_of_steps(kept)["bildungstraeger"] == 2
    assert all(count <= _rows_of_steps(kept)[actor]
               for actor, count in _rows_of_steps(grid).items())
    assert dummies == {key: item.row for key, item in kept.items.items() if not item.real}
