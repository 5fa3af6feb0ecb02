"""A chart across pages: the split plan, one layout per page, continuation markers and the
overview map of the page set.

A chart that prints too small on one page is cut into a *page set*. Cuts go, in this order
of preference,

1. at phase boundaries: consecutive phases share a page while it fits (``auto``), or each
   phase starts a page (``phases``);
2. inside a phase too large for one page: at column boundaries, or between lane groups when
   its lanes are too many for the page's height. Where both would do, both are tried and
   the plan with fewer pages, then fewer hand-offs across pages, is kept; lane groups of
   one stretch of time are numbered in the order their flow begins.

Each page is drawn from a *sub-chain* (:func:`page_chain`): the page's steps, the lanes of
their actors (in the whole chart's order, with their headers and contacts, so every page
repeats them) and, for every transition that leaves or enters the page, a continuation
marker step — BPMN's link event. A marker that throws (``out``) is an end step in the
source's lane, "weiter auf S. 4: Termin bei der Berufsberatung"; the marker that catches
(``in``) is a start step in the target's lane, "von S. 2: Antrag stellen". (Words, not
arrows: the bundled Noto Sans has no arrow glyphs.) So the layout engine places the
markers and routes their edges like any step, :func:`~.invariants.verify` checks them, and
renderers only draw what the page's :class:`~.geometry.Layout` says.

Whether a page fits is the printer's question (it knows the paper): :func:`plan_pages` asks
a ``measure`` callback, which returns how much too long the page's layout is along the time
axis and along the lane axis (:class:`Overflow`, 1.0 = exactly fits). Planning lays out each
candidate page once, then each page once more with its page numbers: the Gesamtübersicht
(64 steps, 22 lanes) on A3 takes 21 trial layouts for its 9 pages, about 0.6 s in all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Literal, NamedTuple

from prozesskette.layout.geometry import Layout, Rect, TextBlock, TextLine
from prozesskette.model import Chain, Step, StepKind, Transition
from prozesskette.text import ascent, line_height, text_width, wrap
from prozesskette.words import words_for

__all__ = ["MARKER_PREFIX", "Link", "LinkMarker", "MapCell", "Overflow", "OverviewMap",
           "Page", "PageCut", "PageSet", "SplitMode", "is_marker", "overview_map",
           "page_chain", "plan_pages"]

SplitMode = Literal["auto", "phases", "none"]
"""``auto``: split only a chart that prints too small on one page; ``phases``: a page (or
more) per phase; ``none``: one page, however small."""

MARKER_PREFIX = "pk-page-link-"
"""Continuation markers' step ids start with this (no chain id can: ids are checked)."""

_PLACEHOLDER_PAGE = 88  # page number used while planning: as wide as any real one below 100
_MAX_TITLE = 60  # characters of a step title quoted in a marker


class Overflow(NamedTuple):
    """How much too long a page's layout is at the smallest allowed scale (1.0: it fits
    exactly; below 1: room to spare), along time (columns) and along the lanes."""

    time: float
    lanes: float

    @property
    def fits(self) -> bool:
        return self.time <= 1.0 + 1e-9 and self.lanes <= 1.0 + 1e-9


class PageCut(NamedTuple):
    """What one page shows: its steps and the lanes they are drawn in."""

    steps: tuple[str, ...]  # in the chain's order
    actors: tuple[str, ...]  # in the whole chart's lane order


class Link(NamedTuple):
    """A transition whose two ends are on different pages (a hand-off across pages)."""

    source: str
    target: str
    label: str | None
    source_page: int  # 1-based
    target_page: int


class LinkMarker(NamedTuple):
    """A continuation marker on a page: the marker step and the link it stands for."""

    step: str  # the marker's step id in the page's layout
    side: Literal["out", "in"]  # throws (the edge leaves here) or catches (it arrives)
    link: Link
    rect: Rect  # where the layout put it, in the page layout's coordinates


class Page(NamedTuple):
    """One page of the set: its cut, its sub-chain, its layout and its markers."""

    number: int  # 1-based
    cut: PageCut
    chain: Chain
    layout: Layout
    markers: tuple[LinkMarker, ...]


class PageSet(NamedTuple):
    """The pages in reading order (time first, then lane groups) and the cut transitions."""

    pages: tuple[Page, ...]
    links: tuple[Link, ...]
    extents: tuple[Rect, ...]  # each page's part of the whole chart, whole-layout coordinates


class MapCell(NamedTuple):
    """One page in the overview map: its part of the chart and its number."""

    page: int
    rect: Rect
    label: TextLine
    plate: Rect  # the white plate behind the label
    current: bool  # the page the map is printed on


class OverviewMap(NamedTuple):
    """The small map of the page set on page 1, in page coordinates (points, from the top
    left): the whole chart's outline, a dot per step, a cell per page."""

    rect: Rect  # the chart's outline in the map
    title: TextBlock
    cells: tuple[MapCell, ...]
    dots: tuple[Rect, ...]  # the steps, so that the reader recognises the chart's shape
    swatch: Rect  # a continuation marker in small, for the key below the map …
    key: TextBlock  # … and what it means (the chart's legend does not know markers)


def is_marker(step_id: str) -> bool:
    """Whether a step of a page's sub-chain is a continuation marker."""
    return step_id.startswith(MARKER_PREFIX)


# --- the sub-chain of a page ------------------------------------------------------------------


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_TITLE else text[:_MAX_TITLE - 1].rstrip() + "…"


def _lead_actor(step: Step, actors: Sequence[str]) -> str:
    """The lane a step is drawn in on a page with ``actors``: its lead, or the first of its
    actors that the page has."""
    return next((actor for actor in step.responsible if actor in actors), step.responsible[0])


class PageChain(NamedTuple):
    """A page's sub-chain and its continuation markers: (marker step id, side, source,
    target, label) of each cut transition."""

    chain: Chain
    markers: tuple[tuple[str, Literal["out", "in"], str, str, str | None], ...]


def page_chain(chain: Chain, cut: PageCut, page_of: dict[str, int], *,
               region: str | None = None) -> PageChain:
    """The sub-chain drawn on the page of ``cut``: its steps, its lanes, and a continuation
    marker for every transition into or out of the page (``page_of``: step → page number).
    ``region`` replaces the chain's region (the page header names the page's part)."""
    words = words_for("print", chain.language)
    kept = set(cut.steps)
    by_id = {step.id: step for step in chain.steps}
    markers: list[tuple[str, Literal["out", "in"], str, str, str | None]] = []
    incoming: dict[str, list[Step]] = {}
    for step in chain.steps:  # the catching markers, placed before their target
        for transition in step.next:
            if transition.to in kept and step.id not in kept:
                target = by_id[transition.to]
                marker = f"{MARKER_PREFIX}{len(markers) + 1}"
                markers.append((marker, "in", step.id, target.id, transition.label))
                text = words["link_from"].format(page=page_of[step.id],
                                                 title=_short(step.title))
                incoming.setdefault(target.id, []).append(Step(
                    marker, text, kind=StepKind.start, actor=_lead_actor(target, cut.actors),
                    phase=target.phase, next=(Transition(target.id),)))
    steps: list[Step] = []
    for step in chain.steps:
        if step.id not in kept:
            continue
        steps.extend(incoming.get(step.id, ()))
        throws: list[Step] = []
        transitions: list[Transition] = []
        for transition in step.next:
            if transition.to in kept:
                transitions.append(transition)
                continue
            target = by_id[transition.to]
            marker = f"{MARKER_PREFIX}{len(markers) + 1}"
            markers.append((marker, "out", step.id, target.id, transition.label))
            throws.append(Step(marker, words["link_to"].format(
                page=page_of[target.id], title=_short(target.title)), kind=StepKind.end,
                actor=_lead_actor(step, cut.actors), phase=step.phase))
            transitions.append(Transition(marker, transition.label))
        responsible = tuple(actor for actor in step.responsible if actor in cut.actors)
        if len(responsible) > 1:
            steps.append(replace(step, next=tuple(transitions), actor=None,
                                 actors=responsible))
        else:
            steps.append(replace(step, next=tuple(transitions), actors=None,
                                 actor=responsible[0] if responsible else step.responsible[0]))
        steps.extend(throws)
    used = {step.phase for step in steps}
    actors = {actor.id: actor for actor in chain.actors}
    sub = replace(chain, actors=tuple(actors[a] for a in cut.actors),
                  phases=tuple(phase for phase in chain.phases if phase.id in used),
                  steps=tuple(steps), region=region if region is not None else chain.region,
                  source=None)
    return PageChain(sub, tuple(markers))


# --- the plan ---------------------------------------------------------------------------------

Measure = Callable[[Layout, bool], Overflow]
"""How much too long a page's layout is (``first``: the page that carries the legend and the
overview map)."""
LayOut = Callable[[Chain, bool], Layout]
"""Lays out a page's sub-chain (``first`` as for :data:`Measure`)."""


class _Whole(NamedTuple):
    """What the plan reads from the whole chart's layout."""

    lanes: tuple[str, ...]  # lane order
    lane_extent: dict[str, tuple[float, float]]  # lane → (l0, l1)
    step_extent: dict[str, tuple[float, float]]  # step → (t0, t1), time running forwards


def _whole(layout: Layout, rtl: bool) -> _Whole:
    lr = layout.direction == "lr"
    lanes = {actor: (lane.band.y, lane.band.bottom) if lr else (lane.band.x, lane.band.right)
             for actor, lane in layout.lanes.items()}
    steps: dict[str, tuple[float, float]] = {}
    for node_id, node in layout.nodes.items():
        t0, t1 = (node.rect.x, node.rect.right) if lr else (node.rect.y, node.rect.bottom)
        steps[node_id] = (-t1, -t0) if rtl and lr else (t0, t1)
    return _Whole(tuple(layout.lanes), lanes, steps)


class _Planner:
    """Cuts the chain into pages that fit, laying out each candidate page once."""

    def __init__(self, chain: Chain, whole: _Whole, measure: Measure, lay_out: LayOut) -> None:
        self.chain = chain
        self.whole = whole
        self.measure = measure
        self.lay_out = lay_out
        self.lead = {step.id: step.responsible[0] for step in chain.steps}
        self.index = {step.id: i for i, step in enumerate(chain.steps)}
        self.tried: dict[tuple[PageCut, bool], Overflow] = {}
        self.fitted: dict[tuple[PageCut, bool], list[PageCut]] = {}

    def cut(self, steps: Sequence[str]) -> PageCut:
        ordered = tuple(sorted(steps, key=self.index.__getitem__))
        leads = {self.lead[s] for s in ordered}
        return PageCut(ordered, tuple(a for a in self.whole.lanes if a in leads))

    def overflow(self, cut: PageCut, first: bool) -> Overflow:
        key = (cut, first)
        if key not in self.tried:
            placeholder = dict.fromkeys(self.index, _PLACEHOLDER_PAGE)
            sub = page_chain(self.chain, cut, placeholder).chain
            self.tried[key] = self.measure(self.lay_out(sub, first), first)
        return self.tried[key]

    def fit(self, steps: Sequence[str], first: bool, explore: bool = True) -> list[PageCut]:
        """``steps`` on pages that fit: split along time (at columns) or between lane groups
        until each page fits or is a single column of a single lane. Where both splits are
        possible, the first cut (``explore``) tries both and keeps the plan with fewer
        pages, then fewer hand-offs across pages: a lane split of a phase whose lanes hand
        the case back and forth would send the reader back and forth between two pages.
        Cuts below it split along the axis that overflows more (trying both there too
        costs a 1000-step chain 4 times the layouts)."""
        cut = self.cut(steps)
        key = (cut, first)
        if key in self.fitted:
            return self.fitted[key]
        over = self.overflow(cut, first)
        columns = self.columns(cut.steps)
        options: list[list[list[str]]] = []
        if not over.fits and len(columns) > 1:
            options.append(self.time_parts(columns, max(over.time, over.lanes)))
        if not over.fits and len(cut.actors) > 1:
            options.append(sorted(self.lane_parts(cut, max(over.lanes, over.time)),
                                  key=self.first_step))
        if len(options) == 2 and not explore:
            options = options[:1] if over.time >= over.lanes else options[1:]
        best = [cut]
        if options:
            plans = []
            for parts in options:
                pages: list[PageCut] = []
                for part in parts:
                    pages += self.fit(part, first and not pages, explore=False)
                plans.append(pages)
            best = min(plans, key=lambda pages: (len(pages), self.crossing(pages)))
        if explore:
            self.fitted[key] = best
        return best

    def crossing(self, pages: Sequence[PageCut]) -> int:
        """How many transitions run between different pages of ``pages``."""
        page_of = {step: index for index, cut in enumerate(pages) for step in cut.steps}
        return sum(1 for step in self.chain.steps if step.id in page_of
                   for t in step.next if t.to in page_of and page_of[t.to] != page_of[step.id])

    def first_step(self, steps: Sequence[str]) -> tuple[float, int]:
        """Where a lane group's flow begins: lane groups of one stretch of time are read
        in this order (the group with the chain's start first), not top to bottom."""
        return min((self.whole.step_extent[s][0], self.index[s]) for s in steps)

    def columns(self, steps: Sequence[str]) -> list[list[str]]:
        """The steps grouped into the whole chart's columns (overlapping time extents)."""
        ordered = sorted(steps, key=lambda s: (self.whole.step_extent[s], self.index[s]))
        groups: list[list[str]] = []
        right = -math.inf
        for step in ordered:
            t0, t1 = self.whole.step_extent[step]
            if groups and t0 < right - 1e-6:
                groups[-1].append(step)
                right = max(right, t1)
            else:
                groups.append([step])
                right = t1
        return groups

    @staticmethod
    def time_parts(columns: list[list[str]], overflow: float) -> list[list[str]]:
        count = min(len(columns), max(2, math.ceil(overflow * 1.05)))
        size = len(columns) / count
        return [[s for column in columns[round(i * size):round((i + 1) * size)]
                 for s in column] for i in range(count)]

    def lane_parts(self, cut: PageCut, overflow: float) -> list[list[str]]:
        count = min(len(cut.actors), max(2, math.ceil(overflow * 1.05)))
        heights = [self.whole.lane_extent[a][1] - self.whole.lane_extent[a][0]
                   for a in cut.actors]
        share = sum(heights) / count
        groups: list[list[str]] = [[]]
        done = 0.0
        for actor, height in zip(cut.actors, heights, strict=True):
            if groups[-1] and done + height / 2 > share * len(groups) \
                    and len(groups) < count:
                groups.append([])
            groups[-1].append(actor)
            done += height
        return [[s for s in cut.steps if self.lead[s] in group] for group in groups]


def _phase_blocks(chain: Chain, whole: _Whole) -> list[list[str]]:
    """The steps by phase, phases in the order the chart shows them."""
    blocks: dict[str | None, list[str]] = {}
    for step in chain.steps:
        blocks.setdefault(step.phase, []).append(step.id)
    return sorted(blocks.values(),
                  key=lambda ids: min(whole.step_extent[s][0] for s in ids))


def plan_pages(chain: Chain, layout: Layout, measure: Measure, lay_out: LayOut,
               mode: SplitMode = "auto", *, rtl: bool = False) -> PageSet:
    """The page set of ``chain``, whose one-page layout is ``layout``: cut at phases first
    (``auto``: as many phases a page as fit; ``phases``: one phase a page), then at columns,
    then between lane groups, until every page fits (see :class:`Overflow`)."""
    whole = _whole(layout, rtl)
    planner = _Planner(chain, whole, measure, lay_out)
    cuts: list[PageCut] = []
    current: list[str] = []
    for block in _phase_blocks(chain, whole):
        if not current:
            current = block
            continue
        if mode == "auto" and planner.overflow(planner.cut(current + block), not cuts).fits:
            current = current + block
            continue
        cuts += planner.fit(current, not cuts)
        current = block
    cuts += planner.fit(current, not cuts)
    return _paginate(chain, layout, cuts, lay_out, whole)


def _paginate(chain: Chain, layout: Layout, cuts: list[PageCut], lay_out: LayOut,
              whole: _Whole) -> PageSet:
    page_of = {step: number for number, cut in enumerate(cuts, 1) for step in cut.steps}
    titles = {phase.id: str(phase.title) for phase in chain.phases}
    pages: list[Page] = []
    links: dict[tuple[str, str], Link] = {}
    for number, cut in enumerate(cuts, 1):
        shown = list(dict.fromkeys(titles[step.phase] for step in chain.steps
                                   if step.id in set(cut.steps) and step.phase in titles))
        region = " · ".join(part for part in (chain.region, " – ".join(
            shown[:1] + shown[-1:] if len(shown) > 1 else shown)) if part)
        sub = page_chain(chain, cut, page_of, region=region)
        drawn = lay_out(sub.chain, number == 1)
        markers: list[LinkMarker] = []
        for marker, side, source, target, label in sub.markers:
            link = links.setdefault((source, target), Link(
                source, target, label, page_of[source], page_of[target]))
            node = drawn.nodes.get(marker)
            if node is not None:
                markers.append(LinkMarker(marker, side, link, node.rect))
        pages.append(Page(number, cut, sub.chain, drawn, tuple(markers)))
    return PageSet(tuple(pages), tuple(links.values()),
                   tuple(_extent(layout, cut, whole) for cut in cuts))


def _extent(layout: Layout, cut: PageCut, whole: _Whole) -> Rect:
    """The page's part of the whole chart, in the whole layout's coordinates."""
    rects = [layout.nodes[s].rect for s in cut.steps if s in layout.nodes]
    lanes = [layout.lanes[a].band for a in cut.actors if a in layout.lanes]
    if layout.direction == "lr":
        x0, x1 = min(r.x for r in rects), max(r.right for r in rects)
        y0, y1 = min(r.y for r in lanes), max(r.bottom for r in lanes)
    else:
        y0, y1 = min(r.y for r in rects), max(r.bottom for r in rects)
        x0, x1 = min(r.x for r in lanes), max(r.right for r in lanes)
    return Rect(x0, y0, x1 - x0, y1 - y0)


# --- the overview map -------------------------------------------------------------------------

MAP_TEXT = 7.5  # points: the map prints at its own size, not scaled with the chart


def overview_map(layout: Layout, pages: PageSet, frame: Rect, language: str,
                 current: int = 1, *, rtl: bool = False) -> OverviewMap:
    """The overview map of ``pages`` (cut from ``layout``, the whole chart) inside ``frame``
    (page coordinates): a title line, then the chart's lanes as an outline with a cell per
    page, numbered, and a dot per step."""
    words = words_for("print", language)
    title_text = words["overview"].format(len(pages.pages))
    width = text_width(title_text, MAP_TEXT, True)
    title_line = TextLine(title_text, frame.right if rtl else frame.x,
                          frame.y + ascent(MAP_TEXT, True), MAP_TEXT, True,
                          "end" if rtl else "start")
    title = TextBlock((title_line,), Rect(frame.right - width if rtl else frame.x, frame.y,
                                          width, MAP_TEXT * 1.3))
    bands = [lane.band for lane in layout.lanes.values()]
    chart = Rect(min(b.x for b in bands), min(b.y for b in bands), 0, 0)
    chart = Rect(chart.x, chart.y, max(b.right for b in bands) - chart.x,
                 max(b.bottom for b in bands) - chart.y)
    top = frame.y + MAP_TEXT * 1.6
    swatch_w = 2.2 * MAP_TEXT
    key_lines = wrap(words["link_key"], max(frame.w - swatch_w - 4.0, 40.0), MAP_TEXT)
    key_h = len(key_lines) * line_height(MAP_TEXT)
    bottom = frame.bottom - key_h - MAP_TEXT * 0.6
    scale = min(frame.w / chart.w, (bottom - top) / chart.h)
    swatch = Rect(frame.right - swatch_w if rtl else frame.x, bottom + MAP_TEXT * 0.6,
                  swatch_w, MAP_TEXT * 1.2)
    text_x = swatch.x - 4.0 if rtl else swatch.right + 4.0
    key = TextBlock(tuple(
        TextLine(line, text_x, swatch.y + ascent(MAP_TEXT) + index * line_height(MAP_TEXT),
                 MAP_TEXT, False, "end" if rtl else "start")
        for index, line in enumerate(key_lines)),
        Rect(frame.x if rtl else text_x, swatch.y, frame.w - swatch_w - 4.0, key_h))

    def mapped(rect: Rect) -> Rect:
        return Rect(frame.x + (rect.x - chart.x) * scale, top + (rect.y - chart.y) * scale,
                    rect.w * scale, rect.h * scale)

    cells: list[MapCell] = []
    for page, extent in zip(pages.pages, pages.extents, strict=True):
        rect = mapped(extent.inflate(3.0))
        label = words["map_page"].format(page.number)
        width = text_width(label, MAP_TEXT, True)
        plate = Rect(rect.cx - width / 2 - 1.5, rect.cy - MAP_TEXT * 0.65, width + 3.0,
                     MAP_TEXT * 1.3)
        cells.append(MapCell(page.number, rect, TextLine(
            label, rect.cx, rect.cy + ascent(MAP_TEXT, True) * 0.45, MAP_TEXT, True,
            "middle"), plate, page.number == current))
    dots = tuple(_dot(mapped(node.rect)) for node in layout.nodes.values())
    return OverviewMap(mapped(chart), title, tuple(cells), dots, swatch, key)


def _dot(rect: Rect) -> Rect:
    w, h = max(rect.w, 1.2), max(rect.h, 1.2)
    return Rect(rect.cx - w / 2, rect.cy - h / 2, w, h)
