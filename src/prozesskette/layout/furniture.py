"""Stage: the furniture around the steps — lane bands with their headers (names, contacts,
QR codes), phase columns with their titles, the chart's title and the legend."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from prozesskette import text as tx
from prozesskette.analysis import Analysis
from prozesskette.graph import ChainGraph
from prozesskette.layout.coords import LaneAxis, TimeAxis
from prozesskette.layout.geometry import (
    ContactSpot,
    LaneBox,
    Legend,
    LegendItem,
    LegendKind,
    PhaseBox,
    Rect,
    TextBlock,
    TextLine,
    TitleBlock,
)
from prozesskette.layout.grid import Grid
from prozesskette.layout.labels import centred_block
from prozesskette.layout.options import Canvas, Frame, Options
from prozesskette.layout.sizes import contact_payloads, header_content, qr_sides
from prozesskette.layout.tracks import ChannelPlan
from prozesskette.model import Actor, Chain
from prozesskette.theme import auto_lane_colors
from prozesskette.vcard import QrFormat


def lane_boxes(chain: Chain, options: Options, frame: Frame, canvas: Canvas, grid: Grid,
               lanes: LaneAxis, times: TimeAxis) -> dict[str, LaneBox]:
    """Each lane's band over the whole chart and its header, in drawing order."""
    boxes: dict[str, LaneBox] = {}
    actors = [chain.actor(actor_id) for actor_id in grid.lanes]
    # automatic colours only now that the drawn order is known: each must differ from both
    # neighbours in that order, their own colours included
    fills = auto_lane_colors([actor.color for actor in actors],
                             [chain.actors.index(actor) for actor in actors])
    sides = qr_sides(chain, options)
    for lane, actor in enumerate(actors):
        band = canvas.rect(0.0, lanes.lane_top[lane], times.t_total, lanes.lane_ext[lane])
        header = canvas.rect(0.0, lanes.lane_top[lane], times.header_t, lanes.lane_ext[lane])
        title, spots = _header_geometry(actor, sides[actor.id], chain.qr, options, frame,
                                        header)
        boxes[actor.id] = LaneBox(actor.id, band, header, title, spots,
                                  actor.color or fills[lane])
    return boxes


def _header_geometry(actor: Actor, sides: tuple[float, ...], qr_format: QrFormat,
                     options: Options, frame: Frame,
                     header: Rect) -> tuple[TextBlock, tuple[ContactSpot, ...]]:
    content = header_content(actor, options, header.w, sides)
    size = options.font_size + 0.5
    small = options.small_size
    # lanes as rows: centred beside the lane; as columns: all names on one line at the top
    left = header.x
    top = header.y + (max(0.0, (header.h - content.height) / 2) if frame.direction == "lr"
                      else 0.0)
    lines: list[TextLine] = []
    title_x = left + content.title_left
    y = top + content.title_top
    for text in content.title:
        lines.append(TextLine(text, title_x, y + tx.ascent(size, True), size, True, "start"))
        y += tx.line_height(size)
    width = max([tx.text_width(t, size, True) for t in content.title] + [0.0])
    title_block = TextBlock(tuple(lines), Rect(title_x, top + content.title_top, width,
                                               y - top - content.title_top))
    spots: list[ContactSpot] = []
    payloads = contact_payloads(actor, qr_format)
    for cell in content.contacts:
        side = cell.qr_side
        qr_rect = Rect(left + cell.qr_left, top + cell.qr_top, side, side) if side else None
        text_x, ty = left + cell.text_left, top + cell.text_top
        tl: list[TextLine] = []
        widest = 0.0
        for text, bold, href in cell.lines:
            tl.append(TextLine(text, text_x, ty + tx.ascent(small, bold), small, bold, "start",
                               href))
            widest = max(widest, tx.text_width(text, small, bold))
            ty += tx.line_height(small)
        spots.append(ContactSpot(actor.id, cell.contact, qr_rect, payloads[cell.contact],
                                 TextBlock(tuple(tl), Rect(text_x, top + cell.text_top, widest,
                                                           ty - top - cell.text_top))))
    return title_block, tuple(spots)


def phase_boxes(chain: Chain, options: Options, canvas: Canvas, grid: Grid, lanes: LaneAxis,
                times: TimeAxis, plan: ChannelPlan,
                labels: Sequence[tuple[float, float]] = ()) -> dict[str, PhaseBox]:
    """Each phase's column range over all lanes, bounded in the channels between phases,
    clear of the branch ``labels`` there (their extents along t) where the channel has room
    beside them."""
    boxes: dict[str, PhaseBox] = {}
    for phase in chain.phases:
        first, last = grid.phase_cols.get(phase.id, (0, 0))
        t0 = _boundary(times, plan, first - 1, labels) if first > 0 else times.header_t
        t1 = _boundary(times, plan, last, labels) if last < grid.columns - 1 \
            else times.t_total
        column = canvas.rect(t0, lanes.phase_band, t1 - t0, lanes.l_total - lanes.phase_band)
        header = canvas.rect(t0, 0.0, t1 - t0, lanes.phase_band)
        boxes[phase.id] = PhaseBox(phase.id, column, header,
                                   centred_block(phase.title, header, options.font_size, True,
                                                 options.language))
    return boxes


DIVIDER_CLEAR = 4.0  # a phase divider beside a label keeps this far from lines and boxes


def _boundary(times: TimeAxis, plan: ChannelPlan, channel: int,
              labels: Sequence[tuple[float, float]] = ()) -> float:
    """Where a phase boundary runs through a channel: in its widest free stretch, so that
    no edge lies on the dashed line, and no branch label hides it where a stretch beside
    the labels is free (a label sits at the start of its edge, and an edge leaving a phase's
    last decision starts in this channel: 43 of 1002 labels hid a divider on the Stendal
    charts, the Gesamtübersicht and 20 generated 60-step charts, both directions)."""
    start, size = times.channel_t[channel]
    end = start + size
    runs = plan.channels[channel].runs if channel in plan.channels else ()
    tracks = [times.run_t[(run.edge, channel)] for run in runs]
    inside = [(max(lo, start), min(hi, end)) for lo, hi in labels if lo < end and hi > start]
    stops = sorted({start, end, *tracks, *(t for pair in inside for t in pair)})
    free = [(a, b) for a, b in itertools.pairwise(stops) if b - a >= 2 * DIVIDER_CLEAR
            and not any(lo <= (a + b) / 2 <= hi for lo, hi in inside)]
    widest = max(free or itertools.pairwise(sorted([start, end, *tracks])),
                 key=lambda pair: pair[1] - pair[0])
    return (widest[0] + widest[1]) / 2


def title_block(chain: Chain, words: Mapping[str, str],
                width: float) -> tuple[TitleBlock, float]:
    """The chart's title and subtitle (region, version) above a chart ``width`` wide, and
    how far the chart moves down to make room."""
    size = 16.0
    title_lines = tx.wrap(chain.title, max(200.0, width - 20), size, True)
    y = 6.0
    lines = []
    for line in title_lines:
        lines.append(TextLine(line, 0.0, y + tx.ascent(size, True), size, True, "start"))
        y += tx.line_height(size)
    title = TextBlock(tuple(lines), Rect(0.0, 6.0, max(tx.text_width(t, size, True)
                                                         for t in title_lines), y - 6.0))
    parts = [p for p in (chain.region, f"{words['stand']}: {chain.version}"
                         if chain.version else None) if p]
    subtitle = None
    if parts:
        sub = 10.0
        sub_lines = tx.wrap(" · ".join(parts), max(200.0, width - 20), sub)
        top = y + 2.0
        subtitle_lines = []
        for line in sub_lines:
            subtitle_lines.append(TextLine(line, 0.0, y + 2.0 + tx.ascent(sub), sub, False,
                                           "start"))
            y += tx.line_height(sub)
        subtitle = TextBlock(tuple(subtitle_lines),
                             Rect(0.0, top, max(tx.text_width(t, sub) for t in sub_lines),
                                  y - top + 2.0))
        y += 2.0
    return TitleBlock(Rect(0.0, 0.0, width, y + 4.0), title, subtitle), y + 8.0


LEGEND_INSET = 8.0  # the items stand this far inside the legend's frame
LEGEND_ROW = 16.0  # one row of items
LEGEND_GAP = 24.0  # between the title and a legend beside it


def legend_entries(graph: ChainGraph, analysis: Analysis) -> list[LegendKind]:
    """The shapes, badges and marks the chart uses, in the legend's order."""
    kinds: tuple[LegendKind, ...] = ("start", "task", "decision", "document", "end")
    used = {s.kind.value for s in graph.steps.values()}
    entries = [k for k in kinds if k in used]
    if any(len(s.responsible) > 1 for s in graph.steps.values()):
        entries.append("shared")
    if analysis.handoffs:
        entries.append("handoff")
    if analysis.overlaps:
        entries.append("overlap")
    return entries


def _item_width(kind: LegendKind, label: str, small: float) -> float:
    return (24.0 if kind != "overlap" else 12.0) + 5.0 + tx.text_width(label, small) + 16.0


def legend(graph: ChainGraph, analysis: Analysis, options: Options, words: Mapping[str, str],
           width: float, top: float, title: TitleBlock | None = None) -> Legend:
    """What the shapes, badges and marks used in the chart mean: in one row at the right
    of the title block where that row fits beside the title (the drawing then gets no
    lower for its legend: 36 pt, 2–3 % of a Stendal chart's height, which its print size
    gains where the height decides it), else in rows ``width`` wide below the chart
    (``top``)."""
    small = options.small_size
    entries = legend_entries(graph, analysis)
    row_w = sum(_item_width(kind, words[kind], small) for kind in entries) + 2 * LEGEND_INSET
    if title is not None:
        title_right = max(title.title.rect.right,
                          title.subtitle.rect.right if title.subtitle else 0.0)
        if title_right + LEGEND_GAP + row_w <= width:
            y = max(4.0, title.title.rect.cy - 8.0)  # the items' middle on the title's
            row = _legend_row(entries, words, small, width - row_w + LEGEND_INSET, y)
            return Legend(Rect(width - row_w, y - 4.0, row_w, LEGEND_ROW + 8.0), row)
    items: list[LegendItem] = []
    x, y = LEGEND_INSET, top + 12.0
    for kind in entries:
        item_w = _item_width(kind, words[kind], small)
        if x + item_w > width - LEGEND_INSET and x > LEGEND_INSET:
            x, y = LEGEND_INSET, y + LEGEND_ROW
        items.extend(_legend_row([kind], words, small, x, y))
        x += item_w
    return Legend(Rect(0.0, top + 8.0, width, y + LEGEND_ROW - top - 4.0), tuple(items))


def _legend_row(entries: list[LegendKind], words: Mapping[str, str], small: float, x: float,
                y: float) -> tuple[LegendItem, ...]:
    """Legend items side by side from ``x``, their row's top at ``y``."""
    items: list[LegendItem] = []
    for kind in entries:
        label = words[kind]
        text_w = tx.text_width(label, small)
        swatch_w = 24.0 if kind != "overlap" else 12.0
        swatch = Rect(x, y + 2.0, swatch_w, 12.0)
        text_rect = Rect(x + swatch_w + 5.0, y + 2.0, text_w, 12.0)
        items.append(LegendItem(kind, swatch, TextBlock((TextLine(
            label, text_rect.x, text_rect.y + 6.0 + (tx.ascent(small) - tx.descent(small))
            / 2, small, False, "start"),), text_rect)))
        x += _item_width(kind, label, small)
    return tuple(items)
