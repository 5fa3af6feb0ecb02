"""Stage: coordinates, one axis at a time.

The lane axis first (:func:`place_lanes`): row gaps are as wide as their tracks need, lanes
as tall as their rows or their header. Then, once the side ports and the column channels'
tracks are known, the time axis (:func:`place_columns`): channels as wide as their tracks
and branch labels need. A branch label asks for room before a channel's tracks only where
neither place right beside the start of its edge (above or below its first run) is free
with less (:func:`_label_lead`): on Stendal Ausbildung that took the labels' cost in width
from 248 to 109 pt. :func:`item_boxes` joins both into each item's box.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import NamedTuple

from prozesskette.graph import ChainGraph
from prozesskette.layout.grid import Grid, Item
from prozesskette.layout.lane_rows import row_extents
from prozesskette.layout.options import TRACK, TRACK_MARGIN, Frame, Options
from prozesskette.layout.routes import GapKey, Route
from prozesskette.layout.sizes import HeaderSizes, Sizing, header_content, qr_sides
from prozesskette.layout.step_text import label_size
from prozesskette.layout.tracks import Channel, ChannelPlan
from prozesskette.model import StepKind


class LaneAxis(NamedTuple):
    """Where everything lies along l."""

    phase_band: float  # extent of the phase titles' band before the first lane
    lane_top: tuple[float, ...]
    lane_ext: tuple[float, ...]
    l_total: float
    centre: Mapping[str, float]  # grid item key -> l of its centre
    extent: Mapping[str, float]  # … its extent along l (a shared step: over its lanes)
    gap_l: Mapping[int, float]  # edge -> l of its run along a row gap (loops, detours)


def place_lanes(grid: Grid, sizing: Sizing, headers: HeaderSizes, routes: tuple[Route, ...],
                gaps: Mapping[GapKey, Channel], gap_size: Mapping[GapKey, float],
                band: float) -> LaneAxis:
    """Stack the lanes after the phase band (``band``): each lane's rows and its gaps
    (``gap_size``, of :func:`~prozesskette.layout.lane_rows.gap_sizes`)."""
    row_ext = row_extents(grid, sizing.l_ext)
    reach = _straight_reach(routes)

    lane_top: list[float] = []
    lane_ext: list[float] = []
    row_top: list[list[float]] = []
    gap_pos: dict[GapKey, tuple[float, float]] = {}
    cursor = band
    for lane, actor in enumerate(grid.lanes):
        sizes = [gap_size[(lane, g)] for g in range(grid.rows[lane] + 1)]
        content = sum(sizes) + sum(row_ext[lane])
        extra = max(0.0, headers.need[actor] - content)
        sizes[0] += extra / 2
        sizes[-1] += extra / 2
        top = cursor
        lane_top.append(top)
        rows_top: list[float] = []
        at = top
        for r in range(grid.rows[lane]):
            gap_pos[(lane, r)] = (at, sizes[r])
            at += sizes[r]
            rows_top.append(at)
            at += row_ext[lane][r]
        gap_pos[(lane, grid.rows[lane])] = (at, sizes[-1])
        at += sizes[-1]
        row_top.append(rows_top)
        lane_ext.append(at - top)
        cursor = at
    centre: dict[str, float] = {}
    extent: dict[str, float] = {}
    for item in grid.items.values():
        centre[item.key], extent[item.key] = _item_l(item, sizing.l_ext[item.key], row_top,
                                                     row_ext, lane_top, reach.get(item.key, ()))
    gap_l: dict[int, float] = {}
    for key, channel in gaps.items():
        at, size = gap_pos[key]
        first = at + size / 2 - (channel.tracks - 1) * TRACK / 2
        for run in channel.runs:
            gap_l[run.edge] = first + run.track * TRACK
    return LaneAxis(band, tuple(lane_top), tuple(lane_ext), cursor, centre, extent, gap_l)


STRAIGHT_REACH = 12.0  # how far a shared step reaches past the middle of its rows (pt)


def _straight_reach(routes: tuple[Route, ...]) -> dict[str, set[int]]:
    """Towards which of its two lanes a two-lane step reaches past the middle of its row
    (-1: its first, +1: its last): where a forward edge leaves or enters its side from a
    step or dummy in that lane, which can then run straight."""
    reach: dict[str, set[int]] = {}
    for route in routes:
        if route.kind != "fwd":
            continue
        items = route.items
        ends = ([(items[0], items[1])] if not route.elbow_start else []) + \
            ([(items[-1], items[-2])] if not route.elbow_end else [])
        for end, other in ends:
            if end.hi == end.lo + 1 and other.lo == other.hi and other.lo in (end.lo, end.hi):
                reach.setdefault(end.key, set()).add(-1 if other.lo == end.lo else 1)
    return reach


def _item_l(item: Item, l_ext: float, row_top: list[list[float]], row_ext: list[list[float]],
            lane_top: list[float], reach: Collection[int] = ()) -> tuple[float, float]:
    """Centre and extent along l of an item; a step over several lanes reaches from the
    middle of its row in the first lane to the middle of its row in the last (two lanes: its
    own height, centred on the lane boundary)."""
    if item.lo == item.hi:
        return row_top[item.lo][item.row] + row_ext[item.lo][item.row] / 2, l_ext
    top = row_top[item.lo][item.row]
    bottom = row_top[item.hi][item.row_hi] + row_ext[item.hi][item.row_hi]
    if item.hi == item.lo + 1:
        boundary = lane_top[item.hi]
        half = max(l_ext / 2, 24.0)
        # reach a little past the middle of a row whose neighbour it has an edge to, so
        # that the edge can run straight
        reach_top = row_top[item.lo][item.row] + row_ext[item.lo][item.row] / 2 - STRAIGHT_REACH
        reach_bottom = row_top[item.hi][item.row_hi] + row_ext[item.hi][item.row_hi] / 2 \
            + STRAIGHT_REACH
        top = max(top, min(boundary - half, reach_top) if -1 in reach else boundary - half)
        bottom = min(bottom, max(boundary + half, reach_bottom) if 1 in reach
                     else boundary + half)
    else:
        top += row_ext[item.lo][item.row] / 2 - l_ext / 2
        bottom -= row_ext[item.hi][item.row_hi] / 2 - l_ext / 2
        top = max(top, row_top[item.lo][item.row])
        bottom = min(bottom, row_top[item.hi][item.row_hi] + row_ext[item.hi][item.row_hi])
        if bottom - top < l_ext:  # its text needs the whole span
            top = row_top[item.lo][item.row]
            bottom = row_top[item.hi][item.row_hi] + row_ext[item.hi][item.row_hi]
    return (top + bottom) / 2, bottom - top


CHANNEL_EMPTY = 14.0  # a channel that no edge runs along (pt)
DIVIDER_CLEAR = 7.0
"""How far the tracks of a channel keep from the phase divider in it (pt): more than the
4 pt that :func:`~prozesskette.layout.invariants.verify` asks, so that a dashed loop back
does not read as part of the dashed divider."""


class TimeAxis(NamedTuple):
    """Where everything lies along t."""

    header_t: float  # extent of the lane headers before the first column
    channel_t: Mapping[int, tuple[float, float]]  # channel -> (start, extent)
    t_total: float
    centre: Mapping[str, float]  # grid item key -> t of its centre
    run_t: Mapping[tuple[int, int], float]  # (edge, channel) -> t of the edge's track there


class _LabelSpot(NamedTuple):
    """A branch label at the start of its edge's first run, along t from the source's side."""

    edge: int
    source: str  # grid item key of the edge's source
    col: int  # the source's column: the label lies in the channel after it
    centre_l: float  # l of the source's centre
    extent_l: float  # … and its extent along l
    port_l: float  # l of the first run
    inset: float  # how far inside the box's side along t the run starts (a diamond's)
    badge_l: tuple[float, ...]  # l of the source's edges where a badge or tag may sit
    label_t: float  # the label's extent along t …
    label_l: float  # … and along l
    need: float  # the room it needs before the channel's first track, if it gets any
    fixed: bool  # it gets that room whatever lies in the channel


def _label_spots(graph: ChainGraph, options: Options, frame: Frame, grid: Grid,
                 sizing: Sizing, routes: tuple[Route, ...], width: tuple[float, ...],
                 lanes: LaneAxis, plan: ChannelPlan) -> dict[int, list[_LabelSpot]]:
    """Each branch label that starts beside a run along t, by the source's column."""
    spots: dict[int, list[_LabelSpot]] = {}
    for route in routes:
        edge = graph.edges[route.edge]
        if not edge.label or route.kind not in ("fwd", "loopB", "elbowH", "detour"):
            continue
        source = grid.items[edge.source]
        label_t, label_l = frame.ext(*label_size(edge.label, options.small_size,
                                                 options.language))
        slack = (width[source.col] - sizing.t_ext[source.key]) / 2
        port = plan.ports.get((route.edge, "src"))
        fixed = port is None or route.elbow_start or not 0 <= source.col < grid.columns - 1
        offset = port.offset if port is not None else 0.0
        inset = 0.0
        if source.real and graph.steps[source.key].kind is StepKind.decision:
            inset = sizing.t_ext[source.key] / 2 * min(
                1.0, abs(offset) / max(lanes.extent[source.key] / 2, 1.0))
        top = lanes.centre[source.key] - lanes.extent[source.key] / 2
        bottom = top + lanes.extent[source.key]
        # an overlap badge sits on the top right corner, a shared step's tag on the top or
        # bottom edge (either, in top-to-bottom charts: the "right" is then along l)
        badge_l = (top,) if frame.direction == "lr" and source.key not in grid.badge_shared \
            else (top, bottom)
        spots.setdefault(source.col, []).append(_LabelSpot(
            route.edge, source.key, source.col, lanes.centre[source.key],
            lanes.extent[source.key], lanes.centre[source.key] + offset, inset, badge_l,
            label_t, label_l, label_t + 8.0 - slack, fixed))
    return spots


LABEL_CLEAR = 4.0
"""How far (points) a branch label placed in a channel without room of its own keeps from
what might lie there: other runs and their hand-off markers (3.5 pt half side)."""
BADGE_REACH = 8.5  # how far a corner badge reaches past a box's sides (radius 8 pt)


class _Slot(NamedTuple):
    """An item of a column along l."""

    key: str
    real: bool  # a step (else a long edge's dummy)
    top: float
    bottom: float
    tagged: bool  # a shared step drawn in one lane, with a tag naming the others
    edge: int  # a dummy's edge (-1: a step)


class _Column(NamedTuple):
    """What lies in one column, along l: for telling whether a label may reach into it."""

    items: tuple[_Slot, ...]
    ports: tuple[tuple[int, str, float], ...]  # edge, side (L or R), l of its side ports
    hanging: tuple[tuple[float, float, float], ...]
    """The branch labels beside runs along l down the column's middle: from where to
    where along l they may lie, and how far they reach to either side along t."""


def _hanging_labels(graph: ChainGraph, options: Options, frame: Frame, grid: Grid,
                    routes: tuple[Route, ...],
                    lanes: LaneAxis) -> list[list[tuple[float, float, float]]]:
    """Labels of edges that leave their step's top or bottom, by column (see
    :attr:`_Column.hanging`)."""
    hanging: list[list[tuple[float, float, float]]] = [[] for _ in range(grid.columns)]
    for route in routes:
        label = graph.edges[route.edge].label
        if not label or not (route.kind in ("vert", "elbowV", "loopU") or route.elbow_start):
            continue
        source, other = route.items[0], route.items[1 if route.kind == "fwd" else -1]
        start, end = lanes.centre[source.key], lanes.centre[other.key]
        if route.kind == "loopU" and route.edge in lanes.gap_l:
            end = lanes.gap_l[route.edge]
        # the run leaves the source's top or bottom: the label lies beside it from there on
        start += lanes.extent[source.key] / 2 * (1 if end > start else -1)
        label_t, _ = frame.ext(*label_size(label, options.small_size, options.language))
        hanging[source.col].append((min(start, end), max(start, end), label_t + 4.0))
    return hanging


def _columns_along_l(grid: Grid, lanes: LaneAxis, plan: ChannelPlan,
                     hanging: list[list[tuple[float, float, float]]]) -> list[_Column]:
    owner = {item.key: link.index for link in grid.links for item in link.items[1:-1]}
    items: list[list[_Slot]] = [[] for _ in range(grid.columns)]
    for item in grid.items.values():
        half = lanes.extent[item.key] / 2
        items[item.col].append(_Slot(item.key, item.real, lanes.centre[item.key] - half,
                                     lanes.centre[item.key] + half,
                                     item.key in grid.badge_shared, owner.get(item.key, -1)))
    ports: list[list[tuple[int, str, float]]] = [[] for _ in range(grid.columns)]
    for port in plan.ports.values():
        ports[grid.items[port.item].col].append((port.edge, port.side,
                                                 lanes.centre[port.item] + port.offset))
    return [_Column(tuple(i), tuple(p), tuple(h))
            for i, p, h in zip(items, ports, hanging, strict=True)]


def _gap_runs(routes: tuple[Route, ...], lanes: LaneAxis) -> dict[int, list[float]]:
    """The l of every run along a row gap, by each column it may pass (one either side)."""
    runs: dict[int, list[float]] = {}
    for route in routes:
        if route.edge not in lanes.gap_l:
            continue
        cols = [item.col for item in route.items]
        for col in range(min(cols) - 1, max(cols) + 2):
            runs.setdefault(col, []).append(lanes.gap_l[route.edge])
    return runs


class _Near(NamedTuple):
    """What lies around channel k when it is placed with a given room for labels."""

    col_start: float  # where column k starts along t
    next_start: float  # … and column k + 1
    tracks: Mapping[int, float]  # run index in channel k -> t of its track
    columns: list[_Column]
    gap_runs: Mapping[int, list[float]]


class _ChannelAt(NamedTuple):
    """Channel k where it starts, for placing it with any room for labels (:class:`_Near`)."""

    start: float
    col_start: float  # where column k starts
    channel: Channel | None
    least: float
    plain: bool
    divider: bool
    columns: list[_Column]
    gap_runs: Mapping[int, list[float]]

    def with_room(self, room: float) -> _Near:
        runs = self.channel.runs if self.channel is not None else ()
        tracks = self.channel.tracks if self.channel is not None else 0
        size, first = _channel_room(room, tracks, self.least, self.plain, self.divider)
        return _Near(self.col_start, self.start + size,
                     {index: self.start + first + run.track * TRACK
                      for index, run in enumerate(runs)}, self.columns, self.gap_runs)


class _Obstacle(NamedTuple):
    """What keeps a label from a place, and whether more room before the tracks helps."""

    short: float | None  # how far it lies too close along t (None: it moves with the label)


def _label_lead(spot: _LabelSpot, sizing: Sizing, width: tuple[float, ...],
                plan: ChannelPlan, near_with: Callable[[float], _Near]) -> float:
    """The least room before channel k's tracks that gives a branch label a free place
    right beside the start of its first run, above or below it: no run, marker, step,
    corner badge or long edge's line in the way (``near_with``: the channel placed with a
    given room). :func:`~prozesskette.layout.labels.place_label` tries those two places
    first and takes the first that is free and crosses nothing, so a label gets one of
    them; a label with none within :attr:`_LabelSpot.need` gets that room, as before (its
    place before the channel's first track)."""
    best = spot.need
    for band in ((spot.port_l - 2.5 - spot.label_l, spot.port_l - 1.0),
                 (spot.port_l + 1.0, spot.port_l + 2.5 + spot.label_l)):
        if band[0] <= spot.centre_l <= band[1] and abs(spot.port_l - spot.centre_l) \
                * sizing.t_ext[spot.source] / max(spot.extent_l, 1.0) > 2.5:
            continue  # from a port off a diamond's tip, towards the tip: over the tip
        lead = 0.0
        for _ in range(LEAD_TRIES):  # more room moves the channel's tracks and the next
            near = near_with(lead)  # column on, by up to as much
            t0 = near.col_start + (width[spot.col] + sizing.t_ext[spot.source]) / 2 \
                - spot.inset
            obstacle = _in_the_way(spot, (band[0] - LABEL_CLEAR, band[1] + LABEL_CLEAR),
                                   (t0, t0 + 3.0 + spot.label_t + 2.0), sizing, width, plan,
                                   near)
            if obstacle is None:
                best = min(best, lead)
                break
            if obstacle.short is None or lead + obstacle.short >= best:
                break
            lead += obstacle.short + 0.5
    return best


LEAD_TRIES = 4  # rounds of "more room" per band (2 nearly always settle it)


def _in_the_way(spot: _LabelSpot, band: tuple[float, float], reach: tuple[float, float],
                sizing: Sizing, width: tuple[float, ...], plan: ChannelPlan,
                near: _Near) -> _Obstacle | None:
    """What lies in the way of the label in the band along l, over its reach along t, at
    or after the source's side (None: nothing)."""
    k = spot.col
    lo, hi = band
    t0, t1 = reach
    middle = near.next_start + width[k + 1] / 2 - 3.0  # the lines down a column's middle
    if t1 > middle:
        return _Obstacle(t1 - middle)  # the middle of the next column
    channel = plan.channels.get(k)
    for index, run in enumerate(channel.runs if channel is not None else ()):
        clear = LABEL_CLEAR if run.edge != spot.edge else -LABEL_CLEAR  # its own turn
        if min(run.a, run.b) <= hi - LABEL_CLEAR + clear \
                and lo + LABEL_CLEAR - clear <= max(run.a, run.b) \
                and t0 <= near.tracks[index] <= t1 + LABEL_CLEAR:
            return _Obstacle(t1 + LABEL_CLEAR - near.tracks[index])  # a track
    if any(lo <= gap <= hi for gap in near.gap_runs.get(k, ())):
        return _Obstacle(None)  # a run along a row gap
    for col, start, towards in ((k, near.col_start, "R"), (k + 1, near.next_start, "L")):
        for edge, side_of, port_l in near.columns[col].ports:
            own = edge == spot.edge and abs(port_l - spot.port_l) < 0.5  # the run beside
            if side_of != towards or not lo <= port_l <= hi or own:
                continue
            if col == k or (edge, k) not in plan.jogs:  # on along t from column k
                return _Obstacle(None)  # another edge's side port
            # from a track of channel k: that track's run lies in the band too
        middle = start + width[col] / 2
        for top, bottom, aside in near.columns[col].hanging:
            if top <= hi and lo <= bottom:
                if col == k and middle + aside > t0:
                    return _Obstacle(None)  # a label down the column's middle
                if col == k + 1 and middle - aside < t1:
                    return _Obstacle(t1 - middle + aside)  # a label down the next column's middle
        for key, real, top, bottom, tagged, owner in near.columns[col].items:
            if top - BADGE_REACH > hi or lo > bottom + BADGE_REACH:
                continue
            if not real and owner == spot.edge and abs((top + bottom) / 2 - spot.port_l) < 0.5:
                continue  # this edge's own, straight on
            if not real:
                return _Obstacle(None)  # a long edge's line
            if col == k and key != spot.source \
                    and start + (width[col] + sizing.t_ext[key]) / 2 + BADGE_REACH > t0:
                return _Obstacle(None)  # a step (or its corner badge)
            if key == spot.source and any(edge_l - BADGE_REACH <= hi and lo <= edge_l
                                          + BADGE_REACH for edge_l in spot.badge_l):
                return _Obstacle(None)  # the source's badge
            side = start + (width[col] - sizing.t_ext[key]) / 2 - (TAG_REACH if tagged else 2.0)
            if col == k + 1 and side < t1:
                return _Obstacle(t1 - side)  # a step in the next column
    return None


TAG_REACH = 6.0
"""How far a shared step's tag, wider than its box, reaches past the box's left side (its
round end's radius is about 5 pt); a label keeps 2 pt from a step without one."""


def _channel_room(lead: float, tracks: int, least: float, plain: bool,
                  divider: bool) -> tuple[float, float]:
    """A channel's size and its first track's distance from its start, with ``lead`` of
    room for branch labels before the tracks (``plain``: nothing runs along it)."""
    if plain:  # room for the arrows straight across and labels
        size = max(min(least, CHANNEL_EMPTY), lead + CHANNEL_EMPTY)
    else:
        size = max(least, lead + 2 * TRACK_MARGIN + max(0, tracks - 1) * TRACK)
    first = lead + TRACK_MARGIN + (size - lead - 2 * TRACK_MARGIN
                                   - max(0, tracks - 1) * TRACK) / 2
    if divider and tracks:
        # a phase divider runs through the widest free stretch of this channel: make
        # one wide enough that the divider keeps DIVIDER_CLEAR from the tracks
        last = first + (tracks - 1) * TRACK
        widest = max(first, size - last)
        size += max(0.0, 2 * DIVIDER_CLEAR - widest)
    return size, first


def place_columns(graph: ChainGraph, options: Options, frame: Frame, grid: Grid,
                  sizing: Sizing, headers: HeaderSizes, lanes: LaneAxis,
                  widths: tuple[float, ...], routes: tuple[Route, ...],
                  plan: ChannelPlan) -> TimeAxis:
    """Columns (at least ``widths`` wide) and the channels between them, after the lane
    headers."""
    spots = _label_spots(graph, options, frame, grid, sizing, routes, widths, lanes, plan)
    if frame.direction == "lr":
        header_t = headers.width
    else:
        header_t = 0.0
        sides = qr_sides(graph.chain, options)
        for lane, actor in enumerate(grid.lanes):
            header_t = max(header_t, header_content(
                graph.chain.actor(actor), options, max(lanes.lane_ext[lane], 10.0),
                sides[actor]).height)
    cursor = header_t
    col_t: list[float] = []
    channel_t: dict[int, tuple[float, float]] = {}
    run_t: dict[tuple[int, int], float] = {}
    dividers = {last for _, last in grid.phase_cols.values() if last < grid.columns - 1}
    columns = _columns_along_l(grid, lanes, plan, _hanging_labels(
        graph, options, frame, grid, routes, lanes)) if spots else []
    gap_runs = _gap_runs(routes, lanes) if spots else {}
    for k in range(-1, grid.columns):
        channel = plan.channels.get(k)
        tracks = channel.tracks if channel is not None else 0
        least = sizing.channel_min  # (the ends too: 18 pt, narrowed 14)
        plain = not (tracks or k in dividers or not 0 <= k < grid.columns - 1)
        lead = 0.0
        if k in spots:
            at = _ChannelAt(cursor, col_t[k], channel, least, plain, k in dividers, columns,
                            gap_runs)
            lead = max(spot.need if spot.fixed or k in dividers
                       else _label_lead(spot, sizing, widths, plan, at.with_room)
                       for spot in spots[k])
        size, first = _channel_room(lead, tracks, least, plain, k in dividers)
        channel_t[k] = (cursor, size)
        for run in channel.runs if channel is not None else ():
            run_t[(run.edge, k)] = cursor + first + run.track * TRACK
        cursor += size
        if k + 1 < grid.columns:
            col_t.append(cursor)
            cursor += widths[k + 1]
    centre = {key: col_t[item.col] + widths[item.col] / 2 for key, item in grid.items.items()}
    return TimeAxis(header_t, channel_t, cursor, centre, run_t)


class Box(NamedTuple):
    """An item's centre and extents in the abstract axes."""

    t: float
    l: float  # noqa: E741 - the lane axis
    t_ext: float
    l_ext: float


def item_boxes(grid: Grid, sizing: Sizing, lanes: LaneAxis, times: TimeAxis) -> dict[str, Box]:
    return {key: Box(times.centre[key], lanes.centre[key], sizing.t_ext[key], lanes.extent[key])
            for key in grid.items}
