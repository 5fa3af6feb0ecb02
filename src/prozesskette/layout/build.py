"""From the grid of :mod:`engine` to final geometry: sizes, ports, channel tracks, routes,
coordinates, headers, title and legend.

Work happens in the abstract axes (t: time, l: lanes); :class:`Frame` maps them to x/y.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

from prozesskette import text as tx
from prozesskette.analysis import Analysis, analyse, interface_steps
from prozesskette.graph import ChainGraph
from prozesskette.i18n import is_rtl, pick
from prozesskette.layout.engine import Grid, Item, lane_trials, make_grid
from prozesskette.layout.geometry import (
    Badge,
    ContactSpot,
    EdgeLabel,
    EdgeRoute,
    LaneBox,
    Layout,
    Legend,
    LegendItem,
    NodeBox,
    PhaseBox,
    Point,
    Rect,
    RectIndex,
    Style,
    TextBlock,
    TextLine,
    TitleBlock,
    shape_overlaps,
    translate,
)
from prozesskette.layout.invariants import crossings
from prozesskette.layout.mirror import mirror
from prozesskette.model import Chain, Step, StepKind
from prozesskette.qr import fits_in_qr, vcard
from prozesskette.translations import LEGEND

PALETTE = ("#eef4fb", "#f3f8ee", "#fbf3ea", "#f2eefa", "#eaf6f6", "#fbeef2", "#f6f5e8",
           "#edf1f5", "#f4efe9", "#eef7f1", "#f7eef8", "#eef0fa")


@dataclass(frozen=True)
class Options:
    """What the layout may be asked for."""

    direction: Literal["lr", "tb"] | None = None  # None: the chain's own
    lane_order: Literal["file", "auto"] = "file"
    qr: bool = True
    qr_size: float = 72.0  # side of a QR square incl. quiet zone, in points
    contacts: bool = True
    font_size: float = 9.0
    small_size: float = 7.0
    box_width: float = 104.0
    title: bool = True
    legend: bool = True
    language: str | None = None
    compact: bool = False  # hand-offs past a step in between stay in their column (detours)


# spacing, in points
PAD_X, PAD_Y = 7.0, 6.0
ROW_GAP = 22.0
LANE_PAD = 14.0
CHANNEL_MIN = 22.0
CHANNEL_NARROW = 18.0  # … in a chart that had to get narrower
NARROWING = (1.0, 0.88, 0.77, 0.68)  # box widths tried (times Options.box_width), widest first
TARGET_ASPECT = 1.6  # width : height wanted for the drawing (A paper in landscape: 1.41)
TRACK = 7.0
TRACK_MARGIN = 9.0
PORT_GAP = 8.0
HEADER_PAD = 8.0
NUDGE = 3.5
MARGIN = 12.0  # white space around the whole drawing

LEGEND_TEXT = {
    "de": {"start": "Beginn", "end": "Ende", "task": "Schritt", "decision": "Entscheidung",
           "document": "Dokument", "shared": "gemeinsam verantwortet",
           "handoff": "Übergabe an andere Stelle (Schnittstelle)",
           "overlap": "gleiches Angebot bei mehreren Stellen (Überschneidung)",
           "stand": "Stand", "phase": "Phase", "legal": "Rechtsgrundlage"},
    "en": {"start": "Start", "end": "End", "task": "Step", "decision": "Decision",
           "document": "Document", "shared": "shared responsibility",
           "handoff": "hand-off to another institution (interface)",
           "overlap": "same offer from several institutions (overlap)",
           "stand": "As of", "phase": "Phase", "legal": "Legal basis"},
}


# --- sizes ----------------------------------------------------------------------------------

@dataclass
class NodeText:
    lines: list[str]
    note: list[str]
    w: float
    h: float
    text_w: float  # width of the text area
    text_h: float  # height of the text block


def _keep_together(citation: str) -> str:
    """No line breaks inside '§ 44', 'Abs. 1' or 'SGB III'."""
    text = re.sub(r"(§§?|Abs\.|Nr\.|Satz|S\.|Art\.) ", "\\1\u00a0", citation)
    return re.sub(r"\b([A-ZÄÖÜ][A-Za-zÄÖÜäöüß]{1,7}) ([IVX]{1,4})\b", "\\1\u00a0\\2", text)


def _block_height(lines: int, notes: int, size: float, small: float) -> float:
    height = lines * tx.line_height(size)
    if notes:
        height += 2.0 + notes * tx.line_height(small)
    return height


def node_text(step: Step, options: Options, narrow: float = 1.0) -> NodeText:
    """Wrap a step's title (and legal basis) and choose its box size. ``narrow`` < 1 makes
    boxes and diamonds narrower (titles wrap to more lines, boxes grow taller)."""
    size, small = options.font_size, options.small_size
    title = step.title
    word = tx.longest_word_width(title, size)
    box_width = options.box_width * narrow
    if step.kind is StepKind.decision:
        text_w = min(max(96.0 * narrow, min(word, 150.0)), 150.0)
    else:
        text_w = min(max(box_width - 2 * PAD_X, min(word, 190.0)), 190.0)
        if step.kind in (StepKind.start, StepKind.end):
            text_w -= 10.0
    text_w = max(text_w, min(word, 190.0))  # no split words (badges sit on the corner)
    lines = tx.wrap(title, text_w, size)
    legal = _keep_together(step.legal_basis) if step.legal_basis else None
    note = tx.wrap(legal, max(text_w, min(tx.longest_word_width(legal, small), 190.0)),
                   small) if legal else []
    block_h = _block_height(len(lines), len(note), size, small)
    widest = max([tx.text_width(line, size) for line in lines]
                 + [tx.text_width(line, small) for line in note] + [1.0])
    if step.kind is StepKind.decision:
        used_w = max(widest, 40.0)
        # text of width u and height h fits a diamond W × H where u/W + h/H <= 1: a narrow
        # chart trades width for height
        spread = 1.7 if narrow >= 1.0 else 1.5
        w = max(box_width, used_w * spread + 8.0)
        h = max(44.0, block_h / (1.0 - (used_w + 4.0) / w) + 6.0)
        return NodeText(lines, note, w, h, used_w + 4.0, block_h)
    w = max(box_width, widest + 2 * PAD_X + (10.0 if step.kind in (
        StepKind.start, StepKind.end) else 0.0))
    h = max(38.0, block_h + 2 * PAD_Y + (6.0 if step.kind is StepKind.document else 0.0))
    return NodeText(lines, note, w, h, w - 2 * PAD_X, block_h)


LABEL_WRAP = 72.0  # branch labels wrap at this width


def _label_size(text: str, size: float) -> tuple[float, float]:
    """Width and height of a branch label's box (wrapped at :data:`LABEL_WRAP`)."""
    lines = tx.wrap(text, LABEL_WRAP, size)
    return (max(tx.text_width(line, size) for line in lines) + 6.0,
            len(lines) * tx.line_height(size) + 2.0)


# --- routing data ---------------------------------------------------------------------------

@dataclass
class Port:
    item: str
    side: str  # "L", "R", "T", "B" in abstract axes: L/R along t, T/B along l
    edge: int
    other: float = 0.0  # where the other end lies (for ordering ports)
    offset: float = 0.0  # along the side, from the centre


@dataclass
class Seg:
    """A run of one edge inside a channel: vertical in a column channel (``axis == 'v'``,
    spanning l) or horizontal in a row gap (``axis == 'h'``, spanning t)."""

    edge: int
    a: float  # start coordinate along the channel
    b: float
    a_side: int  # -1: the stub at a leaves towards smaller t (v) / l (h); +1 the other way
    b_side: int
    track: int = 0
    pos: float = 0.0  # final coordinate across the channel
    a_port: Port | None = None  # the step port at end a, if the run starts at a step
    b_port: Port | None = None
    b_exact: bool = True  # False: end b stands for a track found later (not a fixed place)

    @property
    def lo(self) -> float:
        return min(self.a, self.b)

    @property
    def hi(self) -> float:
        return max(self.a, self.b)


def _pair_crossings(first: Seg, second: Seg) -> int:
    """Crossings if ``first`` takes the track nearer the low side of the channel."""
    count = 0
    for end, side in ((first.a, first.a_side), (first.b, first.b_side)):
        if side > 0 and second.lo < end < second.hi:
            count += 1
    for end, side in ((second.a, second.a_side), (second.b, second.b_side)):
        if side < 0 and first.lo < end < first.hi:
            count += 1
    return count


def _must_precede(first: Seg, second: Seg) -> bool:
    """``first`` must be nearer the low side: first has a stub towards the low side where
    second has one towards the high side. Were first's track further out, the two stubs
    would lie on top of each other between the tracks."""
    for end, side, exact in ((first.a, first.a_side, True),
                             (first.b, first.b_side, first.b_exact)):
        if side < 0 and exact:
            for other, other_side, other_exact in ((second.a, second.a_side, True),
                                                   (second.b, second.b_side, second.b_exact)):
                if other_side > 0 and other_exact and abs(end - other) < 0.5:
                    return True
    return False


def _constraint_ring(segs: list[Seg]) -> list[Seg]:
    """Runs caught in a cycle of must-precede constraints (empty if there is none)."""
    after: dict[int, list[int]] = {i: [] for i in range(len(segs))}
    indegree = [0] * len(segs)
    for i, x in enumerate(segs):
        for j, y in enumerate(segs):
            if i != j and x.lo <= y.hi + 0.5 and y.lo <= x.hi + 0.5 and _must_precede(x, y):
                after[i].append(j)
                indegree[j] += 1
    ready = [i for i in range(len(segs)) if indegree[i] == 0]
    done = 0
    while ready:
        i = ready.pop()
        done += 1
        for j in after[i]:
            indegree[j] -= 1
            if indegree[j] == 0:
                ready.append(j)
    if done == len(segs):
        return []
    core = {i for i in range(len(segs)) if indegree[i] > 0}
    changed = True
    while changed:  # peel off runs that only follow the ring: what stays lies on it
        changed = False
        for i in sorted(core):
            if not any(j in core for j in after[i]):
                core.discard(i)
                changed = True
    return [segs[i] for i in sorted(core)]


def assign_tracks(segs: list[Seg]) -> int:
    """Order the runs of one channel (few crossings; stubs never on top of each other) and give
    overlapping runs different tracks. Returns the number of tracks."""
    if not segs:
        return 0
    segs.sort(key=lambda s: (s.lo, s.hi, s.edge))

    def compare(x: Seg, y: Seg) -> int:
        if x.hi < y.lo - 0.5 or y.hi < x.lo - 0.5:
            return -1 if x.lo < y.lo else (1 if x.lo > y.lo else 0)
        cx, cy = _pair_crossings(x, y), _pair_crossings(y, x)
        if cx != cy:
            return -1 if cx < cy else 1
        return -1 if (x.lo, x.edge) < (y.lo, y.edge) else 1

    soft = sorted(segs, key=functools.cmp_to_key(compare))
    rank = {id(s): i for i, s in enumerate(soft)}
    # hard constraints, then Kahn's algorithm with the soft order as priority
    after: dict[int, list[Seg]] = {id(s): [] for s in segs}
    indegree = {id(s): 0 for s in segs}
    for x in segs:
        for y in segs:
            if x is not y and x.lo <= y.hi + 0.5 and y.lo <= x.hi + 0.5 and _must_precede(x, y):
                after[id(x)].append(y)
                indegree[id(y)] += 1
    order: list[Seg] = []
    remaining = {id(s): s for s in segs}
    heap = [(rank[id(s)], id(s)) for s in segs if indegree[id(s)] == 0]
    heapq.heapify(heap)
    while remaining:
        if not heap:  # a cycle of hard constraints: break it at the best-ranked run
            sid = min(remaining, key=lambda k: rank[k])
            indegree[sid] = 0
            heapq.heappush(heap, (rank[sid], sid))
        _, sid = heapq.heappop(heap)
        if sid not in remaining:
            continue
        seg = remaining.pop(sid)
        order.append(seg)
        for nxt in after[sid]:
            indegree[id(nxt)] -= 1
            if indegree[id(nxt)] == 0 and id(nxt) in remaining:
                heapq.heappush(heap, (rank[id(nxt)], id(nxt)))
    placed: list[Seg] = []
    for seg in order:
        seg.track = 1 + max((p.track for p in placed
                             if p.lo <= seg.hi + 0.5 and seg.lo <= p.hi + 0.5), default=-1)
        placed.append(seg)
    return 1 + max(s.track for s in order)


# --- the builder ----------------------------------------------------------------------------

@dataclass
class Route:
    edge: int
    kind: str  # "fwd", "vert", "detour", "elbowV", "elbowH", "loopU", "loopB"
    items: list[Item] = field(default_factory=list)
    gap: tuple[int, int] | None = None  # (lane, gap index) for loops
    gap_side: int = 1  # loopU: +1 below the row, -1 above
    points: list[tuple[float, float]] = field(default_factory=list)  # (t, l)
    elbow_start: bool = False  # a long edge that leaves its source downwards (or upwards)
    elbow_end: bool = False  # … that enters its target from above (or below)


class Builder:
    def __init__(self, chain: Chain, options: Options, lanes: list[str] | None = None) -> None:
        self.chain = chain
        self.options = options
        self.graph = ChainGraph(chain)
        self.analysis: Analysis = analyse(self.graph)
        direction = options.direction or chain.direction.value
        self.direction: Literal["lr", "tb"] = "tb" if direction == "tb" else "lr"
        self.language = options.language or chain.language
        self.words = pick({**LEGEND_TEXT, **LEGEND}, self.language)
        self.texts: dict[str, NodeText] = {}
        overlap_badges: dict[str, int] = {}
        for number, overlap in enumerate(self.analysis.overlaps, start=1):
            for step_id in overlap.steps:
                overlap_badges.setdefault(step_id, number)
        self.overlap_number = overlap_badges
        for step in self.graph.steps.values():
            self.texts[step.id] = node_text(step, options)
        sizes = {sid: self._ext(t.w, t.h) for sid, t in self.texts.items()}
        self.grid: Grid = make_grid(self.graph, sizes, options.lane_order, options.compact,
                                    lanes)
        self.channel_min = CHANNEL_MIN
        self._fit_aspect()

    def _fit_aspect(self) -> None:
        """A chart much wider than tall gets narrower boxes and channels: titles wrap to more
        lines and boxes grow taller, which costs little height where lane headers (contacts)
        make the lanes tall anyway. The widest step of :data:`NARROWING` whose estimated
        drawing is at most :data:`TARGET_ASPECT` wide is taken, else the narrowest."""
        self._lane_headers()
        steps = list(self.graph.steps.values())

        def fits(narrow: float) -> tuple[bool, dict[str, NodeText], float]:
            texts = self.texts if narrow >= 1.0 else {
                step.id: node_text(step, self.options, narrow) for step in steps}
            channel = CHANNEL_MIN if narrow >= 1.0 else CHANNEL_NARROW
            w, h = self._xy(*self._estimate(texts, channel))
            return w <= TARGET_ASPECT * h, texts, channel

        # the widest boxes first; then the narrowest, and only if that is wide enough the ones
        # in between (sizing every step's text costs time in a long chart)
        ok, texts, channel = fits(NARROWING[0])
        if not ok:
            ok, texts, channel = fits(NARROWING[-1])
            if ok:
                for narrow in NARROWING[1:-1]:
                    wide_ok, wide_texts, wide_channel = fits(narrow)
                    if wide_ok:
                        texts, channel = wide_texts, wide_channel
                        break
        if texts is self.texts:
            return
        self.texts = texts
        self.channel_min = channel
        for step_id, text in texts.items():
            item = self.grid.items[step_id]
            item.t_ext, item.l_ext = self._ext(text.w, text.h)

    def _estimate(self, texts: dict[str, NodeText], channel: float) -> tuple[float, float]:
        """A quick estimate of the drawing's extents (t, l) with these box sizes."""
        grid = self.grid
        width = [20.0] * grid.columns
        rows = [[12.0] * n for n in grid.rows]
        for item in grid.items.values():
            if not item.real:
                continue
            t_ext, l_ext = self._ext(texts[item.key].w, texts[item.key].h)
            width[item.col] = max(width[item.col], t_ext)
            if item.hi > item.lo:
                half = max(l_ext / 2, 24.0)
                rows[item.lo][item.row] = max(rows[item.lo][item.row], half)
                rows[item.hi][item.row_hi] = max(rows[item.hi][item.row_hi], half)
            else:
                rows[item.lo][item.row] = max(rows[item.lo][item.row], l_ext)
        lanes = [max(self.header_need[actor], sum(rows[lane]) + 2 * LANE_PAD
                     + ROW_GAP * (len(rows[lane]) - 1))
                 for lane, actor in enumerate(grid.lanes)]
        header_t = self.header_width if self.direction == "lr" else max(
            self._header_content(actor, lanes[lane])[0] for lane, actor in enumerate(grid.lanes))
        t_total = header_t + sum(width) + channel * max(0, grid.columns - 1) + 36.0
        l_total = sum(lanes) + 30.0
        if self.direction == "lr":
            return t_total, l_total + 70.0  # title and legend lie along l here, along t in tb
        return t_total + 70.0, l_total

    # abstract extents (t, l) of a final (w, h)
    def _ext(self, w: float, h: float) -> tuple[float, float]:
        return (w, h) if self.direction == "lr" else (h, w)

    def _xy(self, t: float, l_: float) -> Point:
        return (t, l_) if self.direction == "lr" else (l_, t)

    def _rect(self, t0: float, l0: float, t_ext: float, l_ext: float) -> Rect:
        if self.direction == "lr":
            return Rect(t0, l0, t_ext, l_ext)
        return Rect(l0, t0, l_ext, t_ext)

    # ---------------------------------------------------------------------------------------
    def build(self) -> Layout:
        grid = self.grid
        self._plan_routes()
        self._lane_headers()
        self._l_coordinates()
        self._ports_l()
        self._channels_v()
        self._t_coordinates()
        self._ports_t()
        self._gaps_h()
        self._polylines()
        return self._geometry(grid)

    # --- routes ----------------------------------------------------------------------------
    def _plan_routes(self) -> None:
        grid = self.grid
        self.routes: list[Route] = []
        for link in grid.links:
            if link.detour:
                u, v = link.items[0], link.items[-1]
                down = v.lo > u.hi
                self.routes.append(Route(link.index, "detour", list(link.items),
                                         (v.lo, v.row if down else v.row + 1),
                                         1 if down else -1))
                continue
            self.routes.append(Route(link.index, "vert" if link.vertical else "fwd",
                                     list(link.items)))
        self.blocked: set[tuple[int, int, int]] = set()  # (column, lane, gap index)
        for item in grid.items.values():
            if item.real and item.hi > item.lo:
                self.blocked.add((item.col, item.lo, grid.rows[item.lo]))
                self.blocked.add((item.col, item.hi, 0))
                for lane in range(item.lo + 1, item.hi):
                    for gap in range(grid.rows[lane] + 1):
                        self.blocked.add((item.col, lane, gap))
        self._plan_elbows()
        self.back_set = set(grid.back)
        self._runs_cache = self._vertical_runs()
        for index in grid.back:
            edge = self.graph.edges[index]
            u, v = grid.items[edge.source], grid.items[edge.target]
            route = Route(index, "loopB", [u, v])
            if u.lo == u.hi and v.lo == v.hi and u.lo == v.lo and u.row == v.row:
                lane = u.lo
                for side, gap in ((1, u.row + 1), (-1, u.row)):
                    cols = range(min(u.col, v.col), max(u.col, v.col) + 1)
                    if not any((c, lane, gap) in self.blocked for c in cols):
                        route = Route(index, "loopU", [u, v], (lane, gap), side)
                        break
            if route.kind == "loopB":
                route.gap, crossed = self._free_gap(u, v)
            if route.kind == "loopB" and v.lo == v.hi:
                # three bends instead of four: out of u's side, back along the row gap beside
                # v, and into v's bottom (or top), unless that crosses more edges
                below = u.lo > v.lo or (u.lo == v.lo and u.row >= v.row)
                for gap, side in (((v.row + 1, -1), (v.row, 1)) if below
                                  else ((v.row, 1), (v.row + 1, -1))):
                    cols = range(min(u.col, v.col), max(u.col, v.col) + 1)
                    if not any((c, v.lo, gap) in self.blocked for c in cols) and \
                            self._crossed(v.lo, gap, v.col - 0.5, u.col + 0.5) <= crossed:
                        route = Route(index, "detour", [u, v], (v.lo, gap), side)
                        break
            self.routes.append(route)
        self.routes.sort(key=lambda r: r.edge)

    def _plan_elbows(self) -> None:
        """Hand-offs to a neighbouring column become elbows with one bend instead of two:
        down (or up) out of the source's column and into the target's side ("elbowV"), or
        out of the source's side and down into the target's top ("elbowH") — where the column
        they pass is free."""
        grid = self.grid
        cells: dict[tuple[int, int], list[Item]] = {}
        for item in grid.items.values():
            for lane in range(item.lo, item.hi + 1):
                cells.setdefault((item.col, lane), []).append(item)
        runs: dict[int, list[tuple[float, float, str]]] = {}  # column -> vertical runs

        def key(lane: int, row: float) -> float:
            return lane * 1000.0 + row

        # each dummy's neighbours along its edge: a dummy whose line runs straight on into
        # the neighbouring column is crossed there by a jog anyway, so an elbow may cross it
        straight_next: set[str] = set()
        straight_prev: set[str] = set()
        for link in grid.links:
            for before, dummy, after in zip(link.items, link.items[1:], link.items[2:],
                                            strict=False):
                if dummy.real:
                    continue
                if after.lo == dummy.lo and after.row == dummy.row and after.hi == after.lo:
                    straight_next.add(dummy.key)
                if before.lo == dummy.lo and before.row == dummy.row and before.hi == before.lo:
                    straight_prev.add(dummy.key)

        def blocked_for(column: int, lane: int, free: set[str]) -> bool:
            return any(item.real or item.key not in free for item in cells.get((column, lane), ()))

        def real_in(column: int, lane: int, *, jog_after: bool = True) -> bool:
            """Something in the way of an elbow's vertical run in this column? The jog that
            the elbow replaces would run in the channel after (or before) the column."""
            return blocked_for(column, lane, straight_next if jog_after else straight_prev)

        def free_run(column: int, lo: float, hi: float, owner: str) -> bool:
            return all(hi < a or b < lo or who == owner for a, b, who in runs.get(column, ()))

        for route in self.routes:
            if route.kind == "vert":
                a, b = route.items[0], route.items[-1]
                ka, kb = key(a.lo, a.row), key(b.lo, b.row)
                runs.setdefault(a.col, []).append((min(ka, kb), max(ka, kb), a.key))
        def beyond(item: Item, column: int, towards_down: bool) -> bool:
            """Anything in the item's cell beyond it, in the given direction?"""
            return any(other is not item and (other.row > item.row if towards_down
                                              else other.row < item.row)
                       for other in cells.get((column, item.lo), ()))

        def lanes_between(a: Item, b: Item) -> range:
            return range(a.lo + 1, b.lo) if b.lo > a.lo else range(b.lo + 1, a.lo)

        for route in self.routes:
            if route.kind != "fwd" or len(route.items) < 3:
                continue
            # long edges: a bend at either end can turn into the step's top or bottom
            u, first = route.items[0], route.items[1]
            last, v = route.items[-2], route.items[-1]
            if u.lo == u.hi and first.lo != u.lo:
                down = first.lo > u.lo
                span = (min(key(u.lo, u.row), key(first.lo, first.row)),
                        max(key(u.lo, u.row), key(first.lo, first.row)))
                if not beyond(u, u.col, down) and not cells.get((u.col, first.lo)) and not any(
                        real_in(u.col, lane) for lane in lanes_between(u, first)) and free_run(
                        u.col, *span, u.key):
                    route.elbow_start = True
                    runs.setdefault(u.col, []).append((*span, u.key))
            if v.lo == v.hi and last.lo != v.lo:
                down = v.lo > last.lo
                span = (min(key(v.lo, v.row), key(last.lo, last.row)),
                        max(key(v.lo, v.row), key(last.lo, last.row)))
                if not beyond(v, v.col, not down) and not cells.get((v.col, last.lo)) and not any(
                        real_in(v.col, lane, jog_after=False) for lane in lanes_between(last, v)
                ) and free_run(
                        v.col, *span, v.key):
                    route.elbow_end = True
                    runs.setdefault(v.col, []).append((*span, v.key))
        for route in self.routes:
            if route.kind != "fwd" or len(route.items) != 2:
                continue
            u, v = route.items
            if u.hi > u.lo or v.hi > v.lo or u.lo == v.lo:
                continue
            down = v.lo > u.lo
            between = lanes_between(u, v)

            # vertical first, in the source's column
            span = (min(key(u.lo, u.row), key(v.lo, v.row)),
                    max(key(u.lo, u.row), key(v.lo, v.row)))
            if not beyond(u, u.col, down) and not cells.get((u.col, v.lo)) and not any(
                    real_in(u.col, lane) for lane in between) and free_run(
                    u.col, *span, u.key):
                route.kind = "elbowV"
                runs.setdefault(u.col, []).append((*span, u.key))
                continue
            # horizontal first, then into the target's top (or bottom)
            if not beyond(v, v.col, not down) and not cells.get((v.col, u.lo)) and not any(
                    real_in(v.col, lane, jog_after=False) for lane in between) and free_run(
                    v.col, *span, v.key):
                route.kind = "elbowH"
                runs.setdefault(v.col, []).append((*span, v.key))

    def _vertical_runs(self) -> list[tuple[float, float, float]]:
        """(t position in column units, low, high) of the vertical runs planned so far, in
        lane*1000+row keys: hand-offs, elbows and the jogs of forward edges."""
        runs: list[tuple[float, float, float]] = []
        for route in self.routes:
            if route.kind in ("vert", "elbowV", "elbowH", "fwd", "detour"):
                for a, b in zip(route.items, route.items[1:], strict=False):
                    ka, kb = a.lo * 1000.0 + a.row, b.lo * 1000.0 + b.row
                    if ka == kb:
                        continue
                    where = {"vert": a.col, "elbowV": a.col, "elbowH": b.col}.get(
                        route.kind, a.col + 0.5)
                    runs.append((float(where), min(ka, kb), max(ka, kb)))
        return runs

    def _crossed(self, lane: int, gap: int, t_lo: float, t_hi: float) -> int:
        """How many planned vertical runs a run along a row gap between t_lo and t_hi (column
        units) would cross."""
        level = lane * 1000.0 + gap - 0.5
        return sum(1 for t, lo, hi in self._runs_cache
                   if t_lo <= t <= t_hi and lo < level < hi)

    def _free_gap(self, u: Item, v: Item) -> tuple[tuple[int, int], int]:
        """The row gap for a loop back from u to v: unblocked, crossing few vertical runs, near
        both ends; and how many runs it crosses."""
        grid = self.grid
        cols = range(min(u.col, v.col) - 1, max(u.col, v.col) + 2)
        best: tuple[float, int, int, int] | None = None
        for lane in range(len(grid.lanes)):
            for gap in range(grid.rows[lane] + 1):
                if any((c, lane, gap) in self.blocked for c in cols):
                    continue
                crossed = self._crossed(lane, gap, v.col - 0.5, u.col + 0.5)
                distance = abs(lane - u.lo) + abs(lane - v.lo)
                cost = (crossed + 0.3 * distance, lane, gap, crossed)
                if best is None or cost < best:
                    best = cost
        if best is None:  # pragma: no cover - every gap blocked cannot happen in practice
            return (u.lo, grid.rows[u.lo]), 0
        return (best[1], best[2]), best[3]

    # --- lane headers: sizes along l -------------------------------------------------------
    def _header_content(self, actor_id: str, width: float) -> tuple[float, list[
            tuple[str, float, float, bool]], list[tuple[int, float, float, list[tuple[
                str, bool, str | None]]]]]:
        """Lines of the header at a given width: (height, title lines, contacts)."""
        actor = self.chain.actor(actor_id)
        opts = self.options
        size = opts.font_size + 0.5
        inner = width - 2 * HEADER_PAD
        title = [(line, 0.0, 0.0, True) for line in tx.wrap(actor.name, inner, size, True)]
        height = HEADER_PAD + len(title) * tx.line_height(size)
        contacts: list[tuple[int, float, float, list[tuple[str, bool, str | None]]]] = []
        if opts.contacts:
            qr = opts.qr_size if opts.qr else 0.0
            text_w = inner - (qr + 5.0 if qr else 0.0)
            for index, contact in enumerate(actor.contacts):
                lines: list[tuple[str, bool, str | None]] = []
                for line in tx.wrap(contact.name, text_w, opts.small_size, True):
                    lines.append((line, True, None))
                if contact.role:
                    lines += [(line, False, None) for line in tx.wrap(contact.role, text_w,
                                                                      opts.small_size)]
                if contact.phone:
                    href = "tel:" + "".join(ch for ch in contact.phone if ch.isdigit()
                                            or ch == "+")
                    lines += [(line, False, href) for line in tx.wrap(contact.phone, text_w,
                                                                      opts.small_size)]
                if contact.email:
                    lines += [(line, False, "mailto:" + contact.email)
                              for line in tx.wrap(contact.email, text_w, opts.small_size)]
                text_h = len(lines) * tx.line_height(opts.small_size)
                cell = max(qr, text_h)
                contacts.append((index, height + 6.0, cell, lines))
                height += 6.0 + cell
        return height + HEADER_PAD, title, contacts

    def _lane_headers(self) -> None:
        opts = self.options
        qr = opts.qr_size if (opts.qr and opts.contacts) else 0.0
        contacts = [c for a in self.chain.actors for c in a.contacts] if opts.contacts else []
        # the contact text beside a QR code is as wide as its longest e-mail or phone line
        longest = max([tx.text_width(value, opts.small_size, bold) for c in contacts
                       for value, bold in ((c.email or "", False), (c.phone or "", False),
                                           (c.name, True))] + [0.0])
        text_w = min(max(96.0, longest + 1.0), 160.0) if contacts else 0.0
        need = 2 * HEADER_PAD + (qr + 5.0 if qr and contacts else 0.0) + text_w
        self.header_width = max(130.0, need)
        if self.direction == "lr":
            self.header_need = {a: self._header_content(a, self.header_width)[0]
                                for a in self.grid.lanes}
        else:
            self.header_need = {a: self.header_width for a in self.grid.lanes}

    # --- l coordinates ---------------------------------------------------------------------
    def _gap_segments(self) -> dict[tuple[int, int], list[Seg]]:
        """Horizontal runs of loops in the row gaps, with t measured in column units."""
        gaps: dict[tuple[int, int], list[Seg]] = {}
        for route in self.routes:
            if route.kind == "loopU":
                u, v = route.items
                assert route.gap is not None
                side = -route.gap_side  # legs reach back towards the row
                gaps.setdefault(route.gap, []).append(
                    Seg(route.edge, float(u.col), float(v.col), side, side))
            elif route.kind == "loopB":
                u, v = route.items
                assert route.gap is not None
                gaps.setdefault(route.gap, []).append(
                    Seg(route.edge, u.col + 0.5, v.col - 0.5, 0, 0))
            elif route.kind == "detour":
                u, v = route.items[0], route.items[-1]
                assert route.gap is not None
                down = route.gap_side
                gaps.setdefault(route.gap, []).append(
                    Seg(route.edge, float(v.col), u.col + 0.5, down, -down, b_exact=False))
        return gaps

    def _l_coordinates(self) -> None:
        grid = self.grid
        opts = self.options
        gap_segs = self._gap_segments()
        self.gap_tracks = {key: assign_tracks(segs) for key, segs in gap_segs.items()}
        self.gap_segs = gap_segs
        # row extents
        row_ext: list[list[float]] = [[0.0] * rows for rows in grid.rows]
        for item in grid.items.values():
            if item.real and item.lo == item.hi:
                row_ext[item.lo][item.row] = max(row_ext[item.lo][item.row], item.l_ext)
            elif not item.real:
                row_ext[item.lo][item.row] = max(row_ext[item.lo][item.row], 12.0)
            elif item.hi > item.lo:  # half of a shared step lies in its first and last lane
                half = max(item.l_ext / 2, 24.0)
                row_ext[item.lo][item.row] = max(row_ext[item.lo][item.row], half)
                row_ext[item.hi][item.row_hi] = max(row_ext[item.hi][item.row_hi], half)
        self.row_ext = row_ext
        label_room = tx.line_height(opts.small_size) + 6.0

        # a labelled hand-off straight across a lane boundary needs room for its label there
        pad_need: dict[tuple[int, int], float] = {}
        for route in self.routes:
            label = self.graph.edges[route.edge].label
            if route.kind != "vert" or not label:
                continue
            a, b = route.items[0], route.items[-1]
            _, label_l = self._ext(*_label_size(label, opts.small_size))
            upper, lower = (a, b) if b.lo > a.hi else (b, a)
            half = (label_l + 10.0) / 2
            for key in ((upper.hi, grid.rows[upper.hi]), (lower.lo, 0)):
                pad_need[key] = max(pad_need.get(key, 0.0), half)

        def gap_size(lane: int, gap: int) -> float:
            base = LANE_PAD if gap in (0, grid.rows[lane]) else ROW_GAP
            base = max(base, label_room + 4.0) if gap not in (0, grid.rows[lane]) else base
            base = max(base, pad_need.get((lane, gap), 0.0))
            tracks = self.gap_tracks.get((lane, gap), 0)
            return max(base, 2 * 6.0 + (tracks - 1) * TRACK + 2.0) if tracks else base

        self.phase_band = self._phase_band()
        self.lane_top: list[float] = []
        self.lane_ext: list[float] = []
        self.row_top: list[list[float]] = []
        self.gap_pos: dict[tuple[int, int], tuple[float, float]] = {}
        cursor = self.phase_band
        for lane, actor in enumerate(grid.lanes):
            sizes = [gap_size(lane, g) for g in range(grid.rows[lane] + 1)]
            content = sum(sizes) + sum(row_ext[lane])
            need = self.header_need[actor]
            extra = max(0.0, need - content)
            sizes[0] += extra / 2
            sizes[-1] += extra / 2
            top = cursor
            self.lane_top.append(top)
            rows_top: list[float] = []
            at = top
            for r in range(grid.rows[lane]):
                self.gap_pos[(lane, r)] = (at, sizes[r])
                at += sizes[r]
                rows_top.append(at)
                at += row_ext[lane][r]
            self.gap_pos[(lane, grid.rows[lane])] = (at, sizes[-1])
            at += sizes[-1]
            self.row_top.append(rows_top)
            self.lane_ext.append(at - top)
            cursor = at
        self.l_total = cursor
        # item l positions (centres) and multi-lane extents
        for item in grid.items.values():
            if item.lo == item.hi:
                top = self.row_top[item.lo][item.row]
                item.l = top + self.row_ext[item.lo][item.row] / 2
            else:
                # from the middle of its row in the first lane to the middle of its row in the
                # last; two lanes: its own height, centred on the lane boundary
                top = self.row_top[item.lo][item.row]
                bottom = self.row_top[item.hi][item.row_hi] + self.row_ext[item.hi][item.row_hi]
                if item.hi == item.lo + 1:
                    boundary = self.lane_top[item.hi]
                    half = max(item.l_ext / 2, 24.0)
                    top, bottom = max(top, boundary - half), min(bottom, boundary + half)
                else:
                    top += self.row_ext[item.lo][item.row] / 2 - item.l_ext / 2
                    bottom -= self.row_ext[item.hi][item.row_hi] / 2 - item.l_ext / 2
                    top = max(top, self.row_top[item.lo][item.row])
                    bottom = min(bottom, self.row_top[item.hi][item.row_hi]
                                 + self.row_ext[item.hi][item.row_hi])
                    if bottom - top < item.l_ext:  # its text needs the whole span
                        top = self.row_top[item.lo][item.row]
                        bottom = self.row_top[item.hi][item.row_hi] \
                            + self.row_ext[item.hi][item.row_hi]
                item.l = (top + bottom) / 2
                item.l_ext = bottom - top
        # gaps: track positions along l
        for key, segs in gap_segs.items():
            at, size = self.gap_pos[key]
            tracks = self.gap_tracks[key]
            first = at + size / 2 - (tracks - 1) * TRACK / 2
            for seg in segs:
                seg.pos = first + seg.track * TRACK

    def _phase_widths(self) -> dict[str, float]:
        """The least width each phase gets along the time axis (its columns and channels)."""
        grid = self.grid
        width = [20.0] * grid.columns
        for item in grid.items.values():
            width[item.col] = max(width[item.col], item.t_ext)
        for phase in self.chain.phases:
            first, _last = grid.phase_cols.get(phase.id, (0, 0))
            if not any(it.col == first for it in grid.items.values() if it.real):
                title_w, _ = self._ext(min(tx.text_width(phase.title, self.options.font_size,
                                                         True) + 12.0, 120.0), 0.0)
                width[first] = max(width[first], title_w)  # an empty phase: room for its title
        self.min_col_width = width
        return {p.id: sum(width[c] for c in range(grid.phase_cols.get(p.id, (0, 0))[0],
                                                   grid.phase_cols.get(p.id, (0, 0))[1] + 1))
                + self.channel_min * (grid.phase_cols.get(p.id, (0, 0))[1]
                                 - grid.phase_cols.get(p.id, (0, 0))[0])
                for p in self.chain.phases}

    def _phase_band(self) -> float:
        opts = self.options
        widths = self._phase_widths()
        if not self.chain.phases:
            return 0.0
        if self.direction == "lr":
            lines = max(len(tx.wrap(p.title, max(widths[p.id] - 4.0, 10.0), opts.font_size,
                                    True)) for p in self.chain.phases)
            return 2 * PAD_Y + lines * tx.line_height(opts.font_size)
        return 96.0

    # --- ports along l (left/right sides) ---------------------------------------------------
    def _ports_l(self) -> None:
        grid = self.grid
        sides: dict[tuple[str, str], list[Port]] = {}
        self.port_of: dict[tuple[int, str], Port] = {}  # (edge, "src"|"dst") -> port

        def add(item: Item, side: str, edge: int, other: float, end: str) -> None:
            port = Port(item.key, side, edge, other)
            sides.setdefault((item.key, side), []).append(port)
            self.port_of[(edge, end)] = port

        for route in self.routes:
            if route.kind == "fwd":
                first, second = route.items[0], route.items[1]
                last, before = route.items[-1], route.items[-2]
                if not route.elbow_start:
                    add(first, "R", route.edge, second.l, "src")
                if not route.elbow_end:
                    add(last, "L", route.edge, before.l, "dst")
            elif route.kind == "elbowV":
                add(route.items[1], "L", route.edge, route.items[0].l, "dst")
            elif route.kind == "detour":
                add(route.items[0], "R", route.edge, route.items[-1].l, "src")
            elif route.kind == "elbowH":
                add(route.items[0], "R", route.edge, route.items[1].l, "src")
            elif route.kind == "loopB":
                u, v = route.items
                assert route.gap is not None
                gap_l = next(s.pos for s in self.gap_segs[route.gap] if s.edge == route.edge)
                add(u, "R", route.edge, gap_l, "src")
                add(v, "L", route.edge, gap_l, "dst")
        self.sides = sides
        for (key, _side), ports in sides.items():
            item = grid.items[key]
            half = item.l_ext / 2 - 5.0
            ports.sort(key=lambda p: (p.other, p.edge))
            aligned = [i for i, p in enumerate(ports) if abs(p.other - item.l) < 0.5]
            centre = aligned[0] if aligned else None
            if centre is None:
                # no straight neighbour: spread symmetrically around the centre
                n = len(ports)
                step = min(PORT_GAP, 2 * half / max(n, 1)) if n > 1 else 0.0
                for i, port in enumerate(ports):
                    port.offset = (i - (n - 1) / 2) * step
            else:
                above, below = centre, len(ports) - centre - 1
                step = min(PORT_GAP, half / max(above, below, 1))
                for i, port in enumerate(ports):
                    port.offset = (i - centre) * step

    def _port_l(self, edge: int, end: str) -> float:
        port = self.port_of[(edge, end)]
        return self.grid.items[port.item].l + port.offset

    # --- vertical channels -----------------------------------------------------------------
    def _channels_v(self) -> None:
        """Runs in the channels between columns; channel k lies right of column k (-1: left of
        the first column)."""
        channels: dict[int, list[Seg]] = {}
        self.fwd_jogs: dict[tuple[int, int], Seg] = {}  # (edge, channel) -> seg
        for route in self.routes:
            if route.kind == "fwd":
                items = route.items
                for i in range(len(items) - 1):
                    a, b = items[i], items[i + 1]
                    at_start = i == 0 and not route.elbow_start
                    at_end = i == len(items) - 2 and not route.elbow_end
                    la = self._port_l(route.edge, "src") if at_start else (
                        b.l if i == 0 else a.l)
                    lb = self._port_l(route.edge, "dst") if at_end else (
                        a.l if i == len(items) - 2 else b.l)
                    if abs(la - lb) > 0.01:
                        seg = Seg(route.edge, la, lb, -1, 1,
                                  a_port=self.port_of[(route.edge, "src")] if at_start else None,
                                  b_port=self.port_of[(route.edge, "dst")] if at_end else None)
                        channels.setdefault(a.col, []).append(seg)
                        self.fwd_jogs[(route.edge, a.col)] = seg
            elif route.kind == "detour":
                u = route.items[0]
                assert route.gap is not None
                gap_l = next(s.pos for s in self.gap_segs[route.gap] if s.edge == route.edge)
                seg = Seg(route.edge, self._port_l(route.edge, "src"), gap_l, -1, -1,
                          a_port=self.port_of[(route.edge, "src")])
                channels.setdefault(u.col, []).append(seg)
                self.fwd_jogs[(route.edge, u.col)] = seg
            elif route.kind == "loopB":
                u, v = route.items
                assert route.gap is not None
                gap_l = next(s.pos for s in self.gap_segs[route.gap] if s.edge == route.edge)
                s1 = Seg(route.edge, self._port_l(route.edge, "src"), gap_l, -1, -1,
                         a_port=self.port_of[(route.edge, "src")])
                s2 = Seg(route.edge, gap_l, self._port_l(route.edge, "dst"), 1, 1,
                         b_port=self.port_of[(route.edge, "dst")])
                channels.setdefault(u.col, []).append(s1)
                channels.setdefault(v.col - 1, []).append(s2)
                self.fwd_jogs[(route.edge, u.col)] = s1
                self.fwd_jogs[(route.edge, v.col - 1)] = s2
        self._nudge_stubs(channels)
        self.channel_tracks = {k: assign_tracks(segs) for k, segs in channels.items()}
        self.channels = channels

    def _nudge_stubs(self, channels: dict[int, list[Seg]]) -> None:
        """Where the runs of a channel need each other on both sides in a ring (edges swapping
        rows at the same port heights), move one step port of the ring a little so that no
        stubs lie on top of each other. Rings of dummies only are left as they are."""
        for segs in channels.values():
            for attempt in range(2 * len(segs)):
                ring = _constraint_ring(segs)
                if not ring:
                    break
                for seg in ring[attempt % len(ring):] + ring[:attempt % len(ring)]:
                    if seg.b_port is not None:
                        seg.b_port.offset += NUDGE
                        seg.b += NUDGE
                        break
                    if seg.a_port is not None:
                        seg.a_port.offset += NUDGE
                        seg.a += NUDGE
                        break
                else:
                    break

    # --- t coordinates ---------------------------------------------------------------------
    def _t_coordinates(self) -> None:
        grid = self.grid
        width = list(self.min_col_width)
        label_need = self._label_needs(width)
        header_t = self.header_width if self.direction == "lr" else self._header_height_tb()
        self.header_t = header_t
        cursor = header_t
        self.col_t: list[float] = []
        self.channel_t: dict[int, tuple[float, float]] = {}
        for k in range(-1, grid.columns):
            tracks = self.channel_tracks.get(k, 0)
            lead = label_need.get(k, 0.0)
            size = max(self.channel_min if 0 <= k < grid.columns - 1 else 18.0,
                       lead + 2 * TRACK_MARGIN + max(0, tracks - 1) * TRACK)
            self.channel_t[k] = (cursor, size)
            first = cursor + lead + TRACK_MARGIN + (size - lead - 2 * TRACK_MARGIN
                                                    - max(0, tracks - 1) * TRACK) / 2
            for seg in self.channels.get(k, []):
                seg.pos = first + seg.track * TRACK
            cursor += size
            if k + 1 < grid.columns:
                self.col_t.append(cursor)
                cursor += width[k + 1]
        self.col_width = width
        self.t_total = cursor
        for item in grid.items.values():
            item.t = self.col_t[item.col] + width[item.col] / 2

    def _label_needs(self, width: list[float]) -> dict[int, float]:
        """Room a branch label needs between a box and the first track of its channel."""
        needs: dict[int, float] = {}
        grid = self.grid
        size = self.options.small_size
        for route in self.routes:
            edge = self.graph.edges[route.edge]
            if not edge.label or route.kind not in ("fwd", "loopB", "elbowH", "detour"):
                continue
            source = grid.items[edge.source]
            label_t, _ = self._ext(*_label_size(edge.label, size))
            slack = (width[source.col] - source.t_ext) / 2
            needs[source.col] = max(needs.get(source.col, 0.0), label_t + 8.0 - slack)
        return needs

    def _header_height_tb(self) -> float:
        best = 0.0
        for lane, actor in enumerate(self.grid.lanes):
            width = max(self.lane_ext[lane], 10.0)
            best = max(best, self._header_content(actor, width)[0])
        return best

    # --- ports along t (top/bottom sides) and gap runs --------------------------------------
    def _ports_t(self) -> None:
        grid = self.grid
        sides: dict[tuple[str, str], list[Port]] = {}
        for route in self.routes:
            if route.kind == "vert":
                a, b = route.items[0], route.items[-1]
                down = b.lo > a.hi
                for item, side, end in ((a, "B" if down else "T", "src"),
                                        (b, "T" if down else "B", "dst")):
                    port = Port(item.key, side, route.edge, 0.0)
                    sides.setdefault((item.key, side), []).append(port)
                    self.port_of[(route.edge, end)] = port
            elif route.kind == "fwd" and (route.elbow_start or route.elbow_end):
                ends = []
                if route.elbow_start:
                    u, d = route.items[0], route.items[1]
                    ends.append((u, "B" if d.lo > u.lo else "T", "src", d.t))
                if route.elbow_end:
                    d, v = route.items[-2], route.items[-1]
                    ends.append((v, "T" if v.lo > d.lo else "B", "dst", d.t))
                for item, side, end, other in ends:
                    port = Port(item.key, side, route.edge, other)
                    sides.setdefault((item.key, side), []).append(port)
                    self.port_of[(route.edge, end)] = port
            elif route.kind == "detour":
                v = route.items[-1]
                side = "T" if route.gap_side > 0 else "B"
                port = Port(v.key, side, route.edge, v.t + 10_000.0)
                sides.setdefault((v.key, side), []).append(port)
                self.port_of[(route.edge, "dst")] = port
            elif route.kind in ("elbowV", "elbowH"):
                u, v = route.items
                down = v.lo > u.hi
                item, side, end, other = ((u, "B" if down else "T", "src", v.t)
                                          if route.kind == "elbowV"
                                          else (v, "T" if down else "B", "dst", u.t))
                port = Port(item.key, side, route.edge, other)
                sides.setdefault((item.key, side), []).append(port)
                self.port_of[(route.edge, end)] = port
            elif route.kind == "loopU":
                u, v = route.items
                side = "B" if route.gap_side > 0 else "T"
                for item, end, other in ((u, "src", v.t), (v, "dst", u.t)):
                    port = Port(item.key, side, route.edge, other)
                    sides.setdefault((item.key, side), []).append(port)
                    self.port_of[(route.edge, end)] = port
        for (key, _side), ports in sides.items():
            item = grid.items[key]
            half = item.t_ext / 2 - 8.0
            ports.sort(key=lambda p: (p.other - item.t, p.edge))
            n = len(ports)
            step = min(PORT_GAP * 1.5, 2 * half / max(n, 1)) if n > 1 else 0.0
            for i, port in enumerate(ports):
                port.offset = (i - (n - 1) / 2) * step
        # a vertical hand-off runs straight: one end takes the other's port position where
        # it fits on that side and no other port there is close
        def free_at(port: Port, offset: float) -> bool:
            item = grid.items[port.item]
            return abs(offset) <= item.t_ext / 2 - 6.0 and all(
                other is port or abs(other.offset - offset) >= 6.0
                for other in sides[(port.item, port.side)])

        for route in self.routes:
            if route.kind == "vert":
                src = self.port_of[(route.edge, "src")]
                dst = self.port_of[(route.edge, "dst")]
                if abs(src.offset - dst.offset) < 0.01:
                    continue
                if free_at(dst, src.offset):
                    dst.offset = src.offset
                elif free_at(src, dst.offset):
                    src.offset = dst.offset

    def _gaps_h(self) -> None:
        """Final t positions of loop and detour runs in the row gaps."""
        for route in self.routes:
            if route.kind not in ("loopU", "loopB", "detour"):
                continue
            assert route.gap is not None
            seg = next(s for s in self.gap_segs[route.gap] if s.edge == route.edge)
            if route.kind == "detour":
                v = route.items[-1]
                seg.a = v.t + self.port_of[(route.edge, "dst")].offset
                seg.b = self.fwd_jogs[(route.edge, route.items[0].col)].pos
                continue
            u, v = route.items
            if route.kind == "loopU":
                seg.a = u.t + self.port_of[(route.edge, "src")].offset
                seg.b = v.t + self.port_of[(route.edge, "dst")].offset
            else:
                seg.a = self.fwd_jogs[(route.edge, u.col)].pos
                seg.b = self.fwd_jogs[(route.edge, v.col - 1)].pos

    # --- polylines -------------------------------------------------------------------------
    def _side_t(self, item: Item, side: str, offset_l: float) -> float:
        """Where a left/right port meets the shape's outline (diamonds are not rectangles)."""
        half_t = item.t_ext / 2
        if item.real and self.graph.steps[item.key].kind is StepKind.decision:
            ratio = min(1.0, abs(offset_l) / max(item.l_ext / 2, 1.0))
            half_t *= 1.0 - ratio
        return item.t + (half_t if side == "R" else -half_t)

    def _side_l(self, item: Item, side: str, offset_t: float) -> float:
        half_l = item.l_ext / 2
        if item.real and self.graph.steps[item.key].kind is StepKind.decision:
            ratio = min(1.0, abs(offset_t) / max(item.t_ext / 2, 1.0))
            half_l *= 1.0 - ratio
        return item.l + (half_l if side == "B" else -half_l)

    def _polylines(self) -> None:
        for route in self.routes:
            pts: list[tuple[float, float]] = []
            if route.kind == "fwd":
                items = route.items
                if route.elbow_start:
                    src = self.port_of[(route.edge, "src")]
                    t0 = items[0].t + src.offset
                    current = items[1].l
                    pts += [(t0, self._side_l(items[0], src.side, src.offset)), (t0, current)]
                else:
                    current = self._port_l(route.edge, "src")
                    pts.append((self._side_t(items[0], "R", current - items[0].l), current))
                for i in range(len(items) - 1):
                    a = items[i]
                    jog = self.fwd_jogs.get((route.edge, a.col))
                    if jog is not None:
                        pts.append((jog.pos, current))
                        pts.append((jog.pos, jog.b))
                        current = jog.b
                last = items[-1]
                if route.elbow_end:
                    dst = self.port_of[(route.edge, "dst")]
                    t1 = last.t + dst.offset
                    pts += [(t1, current), (t1, self._side_l(last, dst.side, dst.offset))]
                else:
                    pts.append((self._side_t(last, "L", current - last.l), current))
            elif route.kind == "detour":
                u, v = route.items[0], route.items[-1]
                assert route.gap is not None
                seg = next(s for s in self.gap_segs[route.gap] if s.edge == route.edge)
                dst = self.port_of[(route.edge, "dst")]
                lu = self._port_l(route.edge, "src")
                track = self.fwd_jogs[(route.edge, u.col)].pos
                pts += [(self._side_t(u, "R", lu - u.l), lu), (track, lu), (track, seg.pos),
                        (seg.a, seg.pos), (seg.a, self._side_l(v, dst.side, dst.offset))]
            elif route.kind == "elbowV":
                u, v = route.items
                src = self.port_of[(route.edge, "src")]
                lv = self._port_l(route.edge, "dst")
                t = u.t + src.offset
                pts += [(t, self._side_l(u, src.side, src.offset)), (t, lv),
                        (self._side_t(v, "L", lv - v.l), lv)]
            elif route.kind == "elbowH":
                u, v = route.items
                dst = self.port_of[(route.edge, "dst")]
                lu = self._port_l(route.edge, "src")
                t = v.t + dst.offset
                pts += [(self._side_t(u, "R", lu - u.l), lu), (t, lu),
                        (t, self._side_l(v, dst.side, dst.offset))]
            elif route.kind == "vert":
                a, b = route.items[0], route.items[-1]
                src, dst = self.port_of[(route.edge, "src")], self.port_of[(route.edge, "dst")]
                ta, tb = a.t + src.offset, b.t + dst.offset
                pts.append((ta, self._side_l(a, src.side, src.offset)))
                if abs(ta - tb) > 0.01:  # offsets differ: jog in the gap between the lanes
                    gap = self._between_lanes(a, b)
                    pts.append((ta, gap))
                    pts.append((tb, gap))
                pts.append((tb, self._side_l(b, dst.side, dst.offset)))
            elif route.kind == "loopU":
                u, v = route.items
                assert route.gap is not None
                seg = next(s for s in self.gap_segs[route.gap] if s.edge == route.edge)
                src, dst = self.port_of[(route.edge, "src")], self.port_of[(route.edge, "dst")]
                pts.append((seg.a, self._side_l(u, src.side, src.offset)))
                pts.append((seg.a, seg.pos))
                pts.append((seg.b, seg.pos))
                pts.append((seg.b, self._side_l(v, dst.side, dst.offset)))
            else:  # loopB
                u, v = route.items
                assert route.gap is not None
                seg = next(s for s in self.gap_segs[route.gap] if s.edge == route.edge)
                l0, l1 = self._port_l(route.edge, "src"), self._port_l(route.edge, "dst")
                j1 = self.fwd_jogs[(route.edge, u.col)].pos
                j2 = self.fwd_jogs[(route.edge, v.col - 1)].pos
                pts += [(self._side_t(u, "R", l0 - u.l), l0), (j1, l0), (j1, seg.pos),
                        (j2, seg.pos), (j2, l1), (self._side_t(v, "L", l1 - v.l), l1)]
            route.points = _simplify(pts)

    def _between_lanes(self, a: Item, b: Item) -> float:
        if b.lo > a.hi:
            return (a.l + a.l_ext / 2 + b.l - b.l_ext / 2) / 2
        return (b.l + b.l_ext / 2 + a.l - a.l_ext / 2) / 2

    # --- geometry --------------------------------------------------------------------------
    def _geometry(self, grid: Grid) -> Layout:
        opts = self.options
        size, small = opts.font_size, opts.small_size
        title_block, top = self._title_block()
        offset_y = top
        # In lr the chart origin is (0, top); in tb likewise: shift everything down by `top`.

        def rect(t0: float, l0: float, t_ext: float, l_ext: float) -> Rect:
            r = self._rect(t0, l0, t_ext, l_ext)
            return Rect(r.x, r.y + offset_y, r.w, r.h)

        def point(t: float, l_: float) -> Point:
            x, y = self._xy(t, l_)
            return (x, y + offset_y)

        interface = interface_steps(self.analysis)
        lanes: dict[str, LaneBox] = {}
        for lane, actor_id in enumerate(grid.lanes):
            actor = self.chain.actor(actor_id)
            band = rect(0.0, self.lane_top[lane], self.t_total, self.lane_ext[lane])
            header = rect(0.0, self.lane_top[lane], self.header_t, self.lane_ext[lane])
            title, spots = self._header_geometry(actor_id, header)
            color = actor.color or PALETTE[self.chain.actors.index(actor) % len(PALETTE)]
            lanes[actor_id] = LaneBox(actor_id, band, header, title, spots, color)
        phases: dict[str, PhaseBox] = {}
        for phase in self.chain.phases:
            first, last = grid.phase_cols.get(phase.id, (0, 0))
            t0 = self._boundary(first - 1) if first > 0 else self.header_t
            t1 = self._boundary(last) if last < grid.columns - 1 else self.t_total
            column = rect(t0, self.phase_band, t1 - t0, self.l_total - self.phase_band)
            header = rect(t0, 0.0, t1 - t0, self.phase_band)
            phases[phase.id] = PhaseBox(phase.id, column, header,
                                        _centred_block(phase.title, header, size, True))
        nodes: dict[str, NodeBox] = {}
        order = self._reading_order()
        for item in order:
            step = self.graph.steps[item.key]
            text = self.texts[item.key]
            box = rect(item.t - item.t_ext / 2, item.l - item.l_ext / 2, item.t_ext, item.l_ext)
            area = Rect(box.cx - text.text_w / 2, box.cy - text.text_h / 2 - (
                3.0 if step.kind is StepKind.document else 0.0), text.text_w, text.text_h)
            title_lines, note_block = _node_lines(text, area, size, small)
            parts = tuple((grid.lanes[lane], _clip_to_lane(box, lanes[grid.lanes[lane]].band))
                          for lane in range(item.lo, item.hi + 1)) if item.hi > item.lo else ()
            badges: list[Badge] = []
            number = self.overlap_number.get(item.key)
            if number is not None:
                overlap = self.analysis.overlaps[number - 1]
                badges.append(_badge(box, str(number), "overlap",
                                     f"{self.words['overlap']}: {overlap.title}", small))
            if item.key in grid.badge_shared:
                others = [self.chain.actor(a).short or self.chain.actor(a).name
                          for a in step.responsible[1:]]
                badges.append(_badge(box, "+" + str(len(others)), "shared",
                                     f"{self.words['shared']}: " + ", ".join(others), small,
                                     left=True))
            nodes[item.key] = NodeBox(
                item.key, step.kind.value, box, area, title_lines, step.responsible,
                step.phase, parts, tuple(badges), note_block, item.key in interface,
                step.description)
        edges: list[EdgeRoute] = []
        handoffs = {(h.source, h.target) for h in self.analysis.handoffs}
        shapes = list(nodes.values())
        shape_index = RectIndex()
        for node in shapes:
            shape_index.add(node.rect)
        runs = [(route.edge, self._xy_run(a, offset_y), self._xy_run(b, offset_y))
                for route in self.routes
                for a, b in zip(route.points, route.points[1:], strict=False)]
        run_index = RectIndex()
        for _, a, b in runs:
            run_index.add(Rect(min(a[0], b[0]), min(a[1], b[1]), abs(a[0] - b[0]),
                               abs(a[1] - b[1])))
        labels = RectIndex()
        markers: list[Point] = []
        for route in self.routes:
            edge = self.graph.edges[route.edge]
            points = tuple(point(t, l_) for t, l_ in route.points)
            label = None
            if edge.label:
                label = self._label(edge.label, points, route.edge, shapes, shape_index, labels,
                                    runs, run_index, small)
            is_handoff = (edge.source, edge.target) in handoffs
            marker = _boundary_marker(points, [lanes[a].band for a in grid.lanes]) \
                if is_handoff else None
            if marker is not None and any(abs(marker[0] - m[0]) < 10.0 and abs(
                    marker[1] - m[1]) < 10.0 for m in markers):
                marker = None  # one marker is enough where hand-offs cross close together
            if marker is not None:
                markers.append(marker)
            edges.append(EdgeRoute(edge.source, edge.target, points, label, is_handoff,
                                   route.edge in self.back_set, marker))
        width, height = self._xy(self.t_total, self.l_total)
        if title_block is not None:  # a long title may need more than the chart's width
            width = max(width, title_block.title.rect.right,
                        title_block.subtitle.rect.right if title_block.subtitle else 0.0)
            title_block = TitleBlock(Rect(0.0, 0.0, width, title_block.rect.h),
                                     title_block.title, title_block.subtitle)
        legend = self._legend(width, height + offset_y) if opts.legend else None
        total_h = (legend.rect.bottom + 4.0) if legend else height + offset_y
        layout = Layout(width=width, height=total_h, direction=self.direction, nodes=nodes,
                        lanes=lanes, phases=phases, edges=tuple(edges), title=title_block,
                        legend=legend, style=Style(font_size=size, small_font_size=small),
                        language=self.language, chain=self.chain)
        return translate(layout, MARGIN, MARGIN, MARGIN)

    def _reading_order(self) -> list[Item]:
        """Steps in the order a reader follows them: every step after the steps that lead to
        it (loops back aside); among the ready ones the earliest column, then lane, then row."""
        grid = self.grid
        back = set(grid.back)
        indegree = {key: 0 for key in self.graph.steps}
        successors: dict[str, list[str]] = {key: [] for key in self.graph.steps}
        for index, edge in enumerate(self.graph.edges):
            if index not in back:
                indegree[edge.target] += 1
                successors[edge.source].append(edge.target)

        def rank(key: str) -> tuple[int, int, int, int]:
            item = grid.items[key]
            return (item.col, item.lo, item.row, self.graph.order[key])

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

    def _boundary(self, channel: int) -> float:
        """Where a phase boundary runs through a channel: in its widest free stretch, so that
        no edge lies on the dashed line."""
        start, size = self.channel_t[channel]
        tracks = [seg.pos for seg in self.channels.get(channel, ())]
        stops = sorted([start, start + size, *tracks])
        widest = max(itertools.pairwise(stops), key=lambda pair: pair[1] - pair[0])
        return (widest[0] + widest[1]) / 2

    def _xy_run(self, point: tuple[float, float], offset_y: float) -> Point:
        x, y = self._xy(*point)
        return (x, y + offset_y)

    def _header_geometry(self, actor_id: str, header: Rect) -> tuple[TextBlock, tuple[
            ContactSpot, ...]]:
        opts = self.options
        height, title, contacts = self._header_content(actor_id, header.w)
        size = opts.font_size + 0.5
        # lanes as rows: centred beside the lane; as columns: all names on one line at the top
        top = header.y + (max(0.0, (header.h - height) / 2) if self.direction == "lr" else 0.0)
        lines: list[TextLine] = []
        y = top + HEADER_PAD
        for text, _, _, bold in title:
            lines.append(TextLine(text, header.x + HEADER_PAD, y + tx.ascent(size, bold), size,
                                  bold, "start"))
            y += tx.line_height(size)
        width = max([tx.text_width(t, size, True) for t, *_ in title] + [0.0])
        title_block = TextBlock(tuple(lines), Rect(header.x + HEADER_PAD, top + HEADER_PAD,
                                                   width, y - top - HEADER_PAD))
        actor = self.chain.actor(actor_id)
        spots: list[ContactSpot] = []
        qr = opts.qr_size if opts.qr else 0.0
        for index, cell_top, cell_h, text_lines in contacts:
            contact = actor.contacts[index]
            payload = vcard(contact, contact.organization or actor.name)
            y0 = top + cell_top
            qr_rect = Rect(header.x + HEADER_PAD, y0 + (cell_h - qr) / 2, qr, qr) \
                if qr and fits_in_qr(payload) else None  # too long: the text must do
            text_x = header.x + HEADER_PAD + (qr + 5.0 if qr else 0.0)
            text_h = len(text_lines) * tx.line_height(opts.small_size)
            ty = y0 + (cell_h - text_h) / 2
            tl: list[TextLine] = []
            widest = 0.0
            for text, bold, href in text_lines:
                tl.append(TextLine(text, text_x, ty + tx.ascent(opts.small_size, bold),
                                   opts.small_size, bold, "start", href))
                widest = max(widest, tx.text_width(text, opts.small_size, bold))
                ty += tx.line_height(opts.small_size)
            spots.append(ContactSpot(actor_id, index, qr_rect, payload,
                                     TextBlock(tuple(tl), Rect(text_x, y0 + (cell_h - text_h) / 2,
                                                               widest, text_h))))
        return title_block, tuple(spots)

    def _label(self, text: str, points: tuple[Point, ...], edge: int, shapes: list[NodeBox],
               shape_index: RectIndex, labels: RectIndex, runs: list[tuple[int, Point, Point]],
               run_index: RectIndex, size: float) -> EdgeLabel | None:
        """A branch label beside a run of its edge, near the start, where it hides no step and
        no other label, and crosses as few other edges as possible."""
        w, h = _label_size(text, size)
        candidates: list[Rect] = []
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if abs(y0 - y1) < 0.01:  # horizontal run: above or below, at its start or end
                forward = x1 > x0
                starts = [x0 + 3.0 if forward else x0 - 3.0 - w,
                          x1 - 3.0 - w if forward else x1 + 3.0]
                for x in starts:
                    candidates += [Rect(x, y0 - h - 1.5, w, h), Rect(x, y0 + 1.5, w, h)]
            else:
                down = y1 > y0
                starts = [y0 + 3.0 if down else y0 - 3.0 - h, y1 - 3.0 - h if down else y1 + 3.0]
                for y in starts:
                    candidates += [Rect(x0 + 2.5, y, w, h), Rect(x0 - 2.5 - w, y, w, h)]
        # further along every run, should the places near the ends all be taken
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if abs(y0 - y1) < 0.01:
                lo, hi = sorted((x0, x1))
                x = lo + 3.0
                while x + w < hi - 3.0:
                    candidates += [Rect(x, y0 - h - 1.5, w, h), Rect(x, y0 + 1.5, w, h)]
                    x += 8.0
            else:
                lo, hi = sorted((y0, y1))
                y = lo + 3.0
                while y + h < hi - 3.0:
                    candidates += [Rect(x0 + 2.5, y, w, h), Rect(x0 - 2.5 - w, y, w, h)]
                    y += 6.0
        best: tuple[int, int] | None = None
        chosen: Rect | None = None
        for order, candidate in enumerate(candidates):
            if any(shape_overlaps(shapes[i], candidate) for i in shape_index.near(candidate)) \
                    or any(candidate.overlaps(labels.rects[i]) for i in labels.near(candidate)):
                continue
            crossed = sum(1 for i in run_index.near(candidate) if runs[i][0] != edge
                          and _segment_hits(runs[i][1], runs[i][2], candidate))
            score = (crossed, order)
            if best is None or score < best:
                best, chosen = score, candidate
            if crossed == 0:
                break
        if chosen is None:
            if not candidates:
                return None
            chosen = candidates[0]  # nothing free: verify() reports it
        labels.add(chosen)
        return EdgeLabel(chosen, _centred_block(text, chosen, size, False))

    def _title_block(self) -> tuple[TitleBlock | None, float]:
        if not self.options.title:
            return None, 0.0
        chain = self.chain
        size = 16.0
        width, _ = self._xy(self.t_total, self.l_total)
        title_lines = tx.wrap(chain.title, max(200.0, width - 20), size, True)
        y = 6.0
        lines = []
        for line in title_lines:
            lines.append(TextLine(line, 0.0, y + tx.ascent(size, True), size, True, "start"))
            y += tx.line_height(size)
        title = TextBlock(tuple(lines), Rect(0.0, 6.0, max(tx.text_width(t, size, True)
                                                             for t in title_lines), y - 6.0))
        parts = [p for p in (chain.region, f"{self.words['stand']}: {chain.version}"
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
        return TitleBlock(Rect(0.0, 0.0, width, y + 8.0), title, subtitle), y + 14.0

    def _legend(self, width: float, top: float) -> Legend:
        small = self.options.small_size
        words = self.words
        kinds = ["start", "task", "decision", "document", "end"]
        used = {s.kind.value for s in self.graph.steps.values()}
        entries = [k for k in kinds if k in used]
        if any(len(s.responsible) > 1 for s in self.graph.steps.values()):
            entries.append("shared")
        if self.analysis.handoffs:
            entries.append("handoff")
        if self.analysis.overlaps:
            entries.append("overlap")
        items: list[LegendItem] = []
        inset = 8.0  # the items stand inside the legend's frame
        x, y = inset, top + 12.0
        row_h = 16.0
        for kind in entries:
            label = words[kind]
            text_w = tx.text_width(label, small)
            swatch_w = 24.0 if kind not in ("overlap",) else 12.0
            item_w = swatch_w + 5.0 + text_w + 16.0
            if x + item_w > width - inset and x > inset:
                x, y = inset, y + row_h
            swatch = Rect(x, y + 2.0, swatch_w, 12.0)
            text_rect = Rect(x + swatch_w + 5.0, y + 2.0, text_w, 12.0)
            items.append(LegendItem(kind, swatch, TextBlock((TextLine(
                label, text_rect.x, text_rect.y + 6.0 + (tx.ascent(small) - tx.descent(small))
                / 2, small, False, "start"),), text_rect)))
            x += item_w
        return Legend(Rect(0.0, top + 8.0, width, y + row_h - top - 4.0), tuple(items))


def _segment_hits(a: Point, b: Point, rect: Rect) -> bool:
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return x0 < rect.right and rect.x < x1 + 0.01 and y0 < rect.bottom and rect.y < y1 + 0.01


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated and collinear middle points."""
    out: list[tuple[float, float]] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 0.01 and abs(out[-1][1] - p[1]) < 0.01:
            continue
        out.append(p)
    result: list[tuple[float, float]] = []
    for p in out:
        if len(result) >= 2:
            a, b = result[-2], result[-1]
            if (abs(a[0] - b[0]) < 0.01 and abs(b[0] - p[0]) < 0.01) or (
                    abs(a[1] - b[1]) < 0.01 and abs(b[1] - p[1]) < 0.01):
                result[-1] = p
                continue
        result.append(p)
    return result


def _centred_block(text: str, area: Rect, size: float, bold: bool) -> TextBlock:
    lines = tx.wrap(text, max(area.w - 4.0, 10.0), size, bold)
    height = len(lines) * tx.line_height(size)
    y = area.cy - height / 2
    out = []
    widest = 0.0
    for line in lines:
        out.append(TextLine(line, area.cx, y + _baseline(size, bold), size, bold, "middle"))
        widest = max(widest, tx.text_width(line, size, bold))
        y += tx.line_height(size)
    return TextBlock(tuple(out), Rect(area.cx - widest / 2, area.cy - height / 2, widest, height))


def _baseline(size: float, bold: bool = False) -> float:
    """Baseline below the top of a line box, centring ascent and descent in the line."""
    lead = tx.line_height(size) - tx.ascent(size, bold) - tx.descent(size, bold)
    return lead / 2 + tx.ascent(size, bold)


def _node_lines(text: NodeText, area: Rect, size: float, small: float) -> tuple[
        TextBlock, TextBlock | None]:
    y = area.y
    lines = []
    widest = 0.0
    for line in text.lines:
        lines.append(TextLine(line, area.cx, y + _baseline(size), size, False, "middle"))
        widest = max(widest, tx.text_width(line, size))
        y += tx.line_height(size)
    title = TextBlock(tuple(lines), Rect(area.cx - widest / 2, area.y, widest, y - area.y))
    if not text.note:
        return title, None
    y += 2.0
    top = y
    notes = []
    widest = 0.0
    for line in text.note:
        notes.append(TextLine(line, area.cx, y + _baseline(small), small, False, "middle"))
        widest = max(widest, tx.text_width(line, small))
        y += tx.line_height(small)
    return title, TextBlock(tuple(notes), Rect(area.cx - widest / 2, top, widest, y - top))


def _clip_to_lane(box: Rect, band: Rect) -> Rect:
    top = max(box.y, band.y)
    bottom = min(box.bottom, band.bottom)
    left = max(box.x, band.x)
    right = min(box.right, band.right)
    return Rect(left, top, max(0.0, right - left), max(0.0, bottom - top))


def _badge(box: Rect, text: str, kind: Literal["overlap", "shared"], title: str, size: float,
           left: bool = False) -> Badge:
    r = 6.5 if len(text) < 2 else 8.0
    cx = box.x if left else box.right  # centred on the corner, clear of the text area
    rect = Rect(cx - r, box.y - r, 2 * r, 2 * r)
    return Badge(rect, TextLine(text, rect.cx, rect.cy + (tx.ascent(size, True)
                                                          - tx.descent(size, True)) / 2,
                                size, True, "middle"), kind, title)


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


def layout_chain(chain: Chain, **options: object) -> Layout:
    """Lay out a checked chain: pure geometry, see :class:`Layout`.

    Options: direction ('lr' | 'tb'), lane_order ('file' | 'auto'), qr (bool), qr_size (pt),
    contacts, font_size, small_size, box_width, title, legend, language, compact (hand-offs
    past a step in between stay in their column, drawn beside it: narrower, more crossings),
    mirror (default: for right-to-left languages; time then runs from right to left).
    """
    mirrored = options.pop("mirror", None)  # None: mirror for right-to-left languages
    opts = Options(**options)  # type: ignore[arg-type]
    if opts.lane_order == "auto" and len(chain.steps) <= LANE_TRIAL_STEPS:
        layout = _best_of_lane_orders(chain, opts)
    else:
        layout = Builder(chain, opts).build()
    if mirrored is None:
        mirrored = is_rtl(layout.language)
    if mirrored:
        layout = mirror(layout)
    return layout


LANE_TRIAL_STEPS = 40  # up to this many steps, 'auto' lays the chart out in …
LANE_TRIALS = 3  # … this many of the best lane orders (and the one with the shortest
                 # hand-offs) and keeps the best drawing
AREA_PER_CROSSING = 0.2  # a drawing 20 % larger in area is as bad as one more crossing


def _best_of_lane_orders(chain: Chain, opts: Options) -> Layout:
    """The drawing with the fewest crossings for the best few lane orders of
    :func:`~prozesskette.layout.engine.lane_orders`, with area as the tie-breaker (weighed by
    :data:`AREA_PER_CROSSING`): the column count that ranks the orders does not see
    crossings, a full drawing does."""
    orders = lane_trials(ChainGraph(chain), LANE_TRIALS, opts.compact)
    drawn = [Builder(chain, opts, order).build() for order in orders]
    smallest = min(layout.width * layout.height for layout in drawn)

    def badness(layout: Layout) -> float:
        area = layout.width * layout.height / smallest - 1.0
        return crossings(layout) + area / AREA_PER_CROSSING

    return min(drawn, key=badness)
