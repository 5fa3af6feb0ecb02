"""A chart spread over a page set (see :mod:`prozesskette.layout.pages`): planned, laid out
page by page and placed at one scale, then written with its overview map
(:func:`build_page_set`)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, NamedTuple

from prozesskette.layout.geometry import Layout, Rect, TextLine
from prozesskette.layout.pages import (
    Overflow,
    OverviewMap,
    PageSet,
    SplitMode,
    overview_map,
    plan_pages,
)
from prozesskette.messages import _, decimal
from prozesskette.model import Chain
from prozesskette.printing.qr_fit import QR_HEADROOM, Fit, Request, too_small
from prozesskette.printing.results import PdfResult, Sheet
from prozesskette.renderers.pdf import (
    MIN_MODULE_MM,
    MIN_TEXT_PT,
    Placement,
    qr_side_for_min_module,
    qr_spots,
    smallest_module_mm,
)
from prozesskette.renderers.pdf.page import chain_rtl, chart_area, drawn_box, place_chart
from prozesskette.renderers.pdf.split_pages import write_split_pdf
from prozesskette.text import text_width

__all__ = ["MAP_SHARE", "SPLIT_PAPER", "Paper", "build_page_set", "readable"]

SPLIT_PAPER = "A3"
"""The paper of a page set when no page is given: the largest that office printers print."""

MAP_SHARE = 0.16
"""The overview map's height on page 1, as a share of the page's height."""


class Paper(NamedTuple):
    """What the pages after the chart hold (as :func:`build_pdf`'s arguments)."""

    appendix: bool
    contacts: bool
    matrix: bool
    interfaces: bool
    creation_date: datetime | None
    focus: tuple[str, ...]


def readable(fit: Fit) -> bool:
    return fit.layout.style.font_size * fit.placement.scale >= MIN_TEXT_PT - 1e-6


def _map_frame(placement: Placement, whole: Layout, rtl: bool) -> Rect:
    """Where page 1's overview map goes: in the top corner opposite the header's start (top
    right; top left for right-to-left languages), below the header where that has no
    room."""
    furniture = placement.furniture
    bands = [lane.band for lane in whole.lanes.values()]
    wide = max(b.right for b in bands) - min(b.x for b in bands)
    tall = max(b.bottom for b in bands) - min(b.y for b in bands)
    height = MAP_SHARE * placement.height
    width = min(0.3 * placement.width, (height - 12.0) * wide / max(tall, 1.0))
    x = furniture.margin if rtl else placement.width - furniture.margin - width
    frame = Rect(x, furniture.margin, width, height)
    spans = [_span(line) for line in placement.header]
    if any(left < frame.right + furniture.gap and right > frame.x - furniture.gap
           for left, right in spans):
        frame = Rect(x, chart_area(placement).y, width, height)
    return frame


def _span(line: TextLine) -> tuple[float, float]:
    """The left and right end of a header line."""
    width = text_width(line.text, line.size, line.bold)
    left = line.x - (width if line.anchor == "end" else width / 2
                     if line.anchor == "middle" else 0.0)
    return left, left + width


class _Pages:
    """Lays out and measures the pages of a page set on one paper."""

    def __init__(self, request: Request, whole: Layout, paper: str, landscape: bool,
                 qr_size: float | None) -> None:
        self.request = request
        self.whole = whole
        self.paper = paper
        self.landscape = landscape
        self.qr_size = qr_size
        self.need = MIN_TEXT_PT / whole.style.font_size  # smallest scale allowed

    def lay_out(self, chain: Chain, first: bool) -> Layout:
        options: dict[str, Any] = {**self.request.options, "qr": self.request.qr,
                                   "lane_order": "file", "title": False}
        options["legend"] = first and bool(self.request.options.get("legend", True))
        if self.qr_size is not None:
            options["qr_size"] = self.qr_size
        return self.request.factory(chain, **options)

    def area(self, layout: Layout, first: bool) -> tuple[Rect, Placement, Rect | None]:
        """The chart's room on its page, the page's placement and (page 1) the map frame."""
        placement = place_chart(layout, layout.chain, self.paper, self.landscape, None)
        if not first:
            return chart_area(placement), placement, None
        frame = _map_frame(placement, self.whole, chain_rtl(self.request.chain))
        return chart_area(placement, frame.bottom + placement.furniture.gap), placement, frame

    def measure(self, layout: Layout, first: bool) -> Overflow:
        area, _placement, _frame = self.area(layout, first)
        drawn = drawn_box(layout)  # (its own white space goes into the page's margins)
        wide, tall = drawn.w * self.need / area.w, drawn.h * self.need / area.h
        return Overflow(wide, tall) if layout.direction == "lr" else Overflow(tall, wide)

    def sheet(self, layout: Layout, first: bool, target: float) -> tuple[Sheet, Rect | None]:
        area, placement, frame = self.area(layout, first)
        drawn = drawn_box(layout)
        scale = min(target, area.w / drawn.w, area.h / drawn.h)
        x = area.x + (area.w - drawn.w * scale) / 2 - drawn.x * scale
        placed = Placement(placement.page, placement.landscape, placement.width,
                           placement.height, scale, x, area.y - drawn.y * scale,
                           placement.furniture, placement.header)
        module = smallest_module_mm(layout, scale) if self.request.qr else None
        return Sheet(layout, placed, layout.style.font_size * scale, module), frame


def build_page_set(request: Request, whole: Layout, split: SplitMode,
                    qr_size: float | None, problems: list[str], paper: Paper) -> PdfResult:
    """The chart as a page set (see :mod:`.layout.pages`): planned, laid out page by page,
    all pages at one scale (the largest that every page allows, at most 1), QR codes big
    enough at the smallest scale a page may print at."""
    name = request.page or SPLIT_PAPER
    need = MIN_TEXT_PT / whole.style.font_size
    if request.qr and any(True for _ in qr_spots(whole)):
        given = qr_size or max(spot.qr.w for spot in qr_spots(whole) if spot.qr is not None)
        qr_size = max(given, qr_side_for_min_module(whole, need) * QR_HEADROOM)
    # no orientation given: landscape for lanes as rows (portrait needed 1.6–1.7 times the
    # pages for the Gesamtübersicht and generated chains of 64–200 steps); for lanes as
    # columns the one that needs fewer pages, portrait when equal (a top-to-bottom chart of
    # many lanes fills landscape pages better: the 64 × 22 chain, 15 portrait or 9
    # landscape A3 pages)
    if request.landscape is not None:
        orientations: tuple[bool, ...] = (request.landscape,)
    else:
        orientations = (True,) if whole.direction == "lr" else (False, True)
    planned: list[tuple[_Pages, PageSet]] = []
    for landscape in orientations:
        pages = _Pages(request, whole, name, landscape, qr_size)
        planned.append((pages, plan_pages(request.chain, whole, pages.measure,
                                          pages.lay_out, split,
                                          rtl=chain_rtl(request.chain))))
    pages, page_set = min(planned, key=lambda plan: len(plan[1].pages))
    landscape = pages.landscape
    layouts = [page.layout for page in page_set.pages]
    room = min(pages.sheet(layout, index == 0, math.inf)[0].placement.scale
               for index, layout in enumerate(layouts))
    target = min(1.0, max(need, room))
    sheets: list[Sheet] = []
    frame: Rect | None = None
    for index, layout in enumerate(layouts):
        sheet, page_frame = pages.sheet(layout, index == 0, target)
        sheets.append(sheet)
        frame = frame or page_frame
    overview: OverviewMap | None = None
    if len(sheets) > 1 and frame is not None:
        overview = overview_map(whole, page_set, frame, request.chain.language,
                                rtl=chain_rtl(request.chain))
    for number, sheet in enumerate(sheets, 1):
        if sheet.text_size < MIN_TEXT_PT - 1e-6:
            problems.append(_("page {number} of the chart prints at {printed} pt (less than "
                              "{least} pt): choose a larger page").format(
                number=number, printed=decimal(sheet.text_size), least=f"{MIN_TEXT_PT:g}"))
        if too_small(sheet.module_mm):
            problems.append(_("QR modules on page {number} print at {module} mm (less than "
                              "{least} mm)").format(number=number,
                                                    module=f"{sheet.module_mm or 0:.2f}",
                                                    least=decimal(MIN_MODULE_MM, 1)))
    document = write_split_pdf(
        request.chain, [(sheet.layout, sheet.placement) for sheet in sheets], overview,
        targets=[{marker.step: marker.link.target_page if marker.side == "out"
                  else marker.link.source_page for marker in page.markers}
                 for page in page_set.pages],
        appendix=paper.appendix, contacts=paper.contacts, matrix=paper.matrix,
        interfaces=paper.interfaces, qr=request.qr, creation_date=paper.creation_date,
        focus=paper.focus)
    first = sheets[0]
    modules = [sheet.module_mm for sheet in sheets if sheet.module_mm is not None]
    note = (_("the chart prints below {least} pt on one page: split into {count} pages of "
              "{page}") if split == "auto" else
            _("the chart is split into {count} pages of {page}")).format(
        least=f"{MIN_TEXT_PT:g}", count=len(sheets), page=name)
    return PdfResult(data=document.data, page=name, landscape=landscape,
                     page_size=(first.placement.width, first.placement.height),
                     scale=first.placement.scale,
                     origin=(first.placement.x, first.placement.y),
                     text_size=min(sheet.text_size for sheet in sheets),
                     module_mm=min(modules) if modules else None, qr_size=qr_size,
                     pages=document.pages, warnings=tuple(problems), layout=first.layout,
                     notes=(note,), page_set=page_set, sheets=tuple(sheets))
