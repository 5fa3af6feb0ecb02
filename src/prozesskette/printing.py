"""Fit a chain to paper: choose the page and the QR size, re-laying out the chain when its
QR codes would print too small.

The PDF renderer (:mod:`prozesskette.renderers.pdf`) draws a given layout on a page it is
given. Printing needs one decision more, and it needs the layout engine for it: at the scale
the chart prints at, QR modules must be at least :data:`~.renderers.pdf.MIN_MODULE_MM` wide or
phone cameras cannot read them. When they are smaller, the chain is laid out again with bigger
QR codes (``qr_size``), up to :data:`QR_ATTEMPTS` times, because a new layout may move to a
bigger page and print at a different scale. That loop lives here, in the api layer, above
both the layout engine and the renderer.

What the loop did on its own (QR codes enlarged, or moved to the contact directory) is a *note*:
the tool has fixed it, the user need not act. Notes are kept in :attr:`PdfResult.notes` and
logged at INFO level on the ``prozesskette`` logger (the CLI prints them as ``note:`` lines);
they are not Python warnings, which are for problems the user should fix
(:class:`PrintWarning`: text too small to read, QR codes still too small).
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from prozesskette.changes import ChainDiff
from prozesskette.layout import layout_chain
from prozesskette.layout.diff_marks import mark_layout
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
from prozesskette.renderers.pdf import (
    MIN_MODULE_MM,
    MIN_TEXT_PT,
    PAGE_ORDER,
    Placement,
    choose_page,
    page_label,
    page_size,
    qr_side_for_min_module,
    qr_spots,
    smallest_module_mm,
    write_pdf,
)
from prozesskette.renderers.pdf.diff_pages import write_diff_pdf
from prozesskette.renderers.pdf.page import chain_rtl, place_chart
from prozesskette.renderers.pdf.split_pages import write_split_pdf
from prozesskette.text import descent, text_width

__all__ = ["MAP_SHARE", "MAX_QR_GROWTH", "NOTES", "QR_ATTEMPTS", "SPLIT_PAPER", "LayoutFactory",
           "PdfResult", "PrintWarning", "Sheet", "build_pdf", "render_diff_pdf", "render_pdf",
           "report"]

MAX_QR_GROWTH = 2.5
"""When the chart's text prints below 7 pt anyway, QR codes are enlarged to at most this many
times the layout's own size: beyond that the chart would become mostly QR codes, and a larger
page is the real fix. Charts with readable text get whatever size the codes need."""

QR_ATTEMPTS = 5
"""Times the layout is redone with bigger QR codes before giving up."""

QR_HEADROOM = 1.03
"""QR codes are enlarged a little more than the bare minimum, so that a slightly smaller
scale on the new layout does not fall short again."""

TIGHTEN_STEPS = 3
"""Times enlarged codes are shrunk back towards the least module size (:func:`_tighter`)."""

TIGHT_HEADROOM = 1.005
"""The headroom of a code shrunk back: the layout is redone anyway if it falls short."""

TIGHT_ENOUGH = 1.015
"""Modules within this factor of the minimum are not shrunk further (each step costs a
layout)."""

_RTL_APPENDIX_NOTE = (
    "the Schnittstellenpapier pages are not available for right-to-left languages yet: the "
    "PDF holds the chart only; the HTML page (--format html) carries the contact directory "
    "and the interfaces")

NOTES = logging.getLogger("prozesskette.printing")
"""Where the automatic fixes are logged (INFO): ``logging.getLogger("prozesskette")`` sees them."""

LayoutFactory = Callable[..., Layout]
"""Makes a layout: ``factory(chain, qr=…, qr_size=…, **layout_options)``."""


class PrintWarning(UserWarning):
    """Something about the printed PDF the user should know (small text, enlarged QR codes)."""


class Sheet(NamedTuple):
    """One chart page of a page set as printed: its placement and what it prints at."""

    layout: Layout
    placement: Placement
    text_size: float  # step titles, points
    module_mm: float | None  # smallest QR module, mm


@dataclass(frozen=True)
class PdfResult:
    """The PDF and what was decided while making it."""

    data: bytes
    page: str  # paper size of the chart page, "A4" … "A0"
    landscape: bool
    page_size: tuple[float, float]  # chart page, points
    scale: float  # chart scale (printed size / layout size)
    origin: tuple[float, float]  # the chart's top-left corner on its page, points from top-left
    text_size: float  # printed body text size, points
    module_mm: float | None  # smallest printed QR module in the chart, mm (None: no codes)
    qr_size: float | None  # the layout's QR side (points) used, None: the engine's default
    pages: int
    warnings: tuple[str, ...]  # problems the user may want to fix (small text, small QR codes)
    layout: Layout
    notes: tuple[str, ...] = ()  # what was fixed automatically (QR codes enlarged or moved)
    page_set: PageSet | None = None  # the chart across pages (None: on one page)
    sheets: tuple[Sheet, ...] = ()  # each chart page of a page set, as printed


@dataclass(frozen=True)
class _Request:
    """What stays the same between the layouts tried for one PDF."""

    chain: Chain
    factory: LayoutFactory
    options: Mapping[str, Any]  # layout options, without qr and qr_size
    page: str | None
    landscape: bool | None
    qr: bool


class _Fit(NamedTuple):
    """One layout tried, on the page chosen for it."""

    layout: Layout
    placement: Placement
    notes: list[str]  # the page choice's warnings about small text
    module_mm: float | None  # smallest printed QR module, None: no QR codes


class _Before(NamedTuple):
    """The first layout's QR codes, before they were enlarged (for the warning)."""

    module_mm: float
    page: str  # page label, e.g. "A3 landscape"
    side: float  # the largest QR side in the layout, points


class _Fitted(NamedTuple):
    """The layout that goes to print, its QR size, the warnings about it and the fixes made."""

    fit: _Fit
    qr_size: float | None
    warnings: list[str]
    fixes: list[str]


def _lay_out(request: _Request, qr_size: float | None, *, without_qr: bool = False) -> _Fit:
    kwargs: dict[str, Any] = {"qr": request.qr, **request.options}
    if without_qr:
        kwargs["qr"] = False
    if qr_size is not None:
        kwargs["qr_size"] = qr_size
    layout = request.factory(request.chain, **kwargs)
    placement, notes = choose_page(layout, request.chain, request.page, request.landscape)
    module = smallest_module_mm(layout, placement.scale) if request.qr else None
    return _Fit(layout, placement, notes, module)


def _too_small(module_mm: float | None) -> bool:
    return module_mm is not None and module_mm < MIN_MODULE_MM - 1e-9


def _fit_qr_codes(request: _Request, qr_size: float | None, *, directory: bool,
                  first: _Fit | None = None) -> _Fitted:
    """Lay the chain out again with bigger QR codes until they print at the minimum module.

    A chart whose text is unreadable anyway does not become a chart of QR codes: its codes
    grow at most :data:`MAX_QR_GROWTH` times, or, when the PDF has a contact ``directory``,
    they leave the chart for the directory pages, where they print at full size.
    """
    fit = first or _lay_out(request, qr_size)
    before: _Before | None = None
    stuck = False
    for _attempt in range(QR_ATTEMPTS):
        module = fit.module_mm
        if module is None or not _too_small(module):
            break
        if before is None:
            before = _Before(module, page_label(fit.placement),
                             max(spot.qr.w for spot in qr_spots(fit.layout)
                                 if spot.qr is not None))
        readable = fit.layout.style.font_size * fit.placement.scale >= MIN_TEXT_PT - 1e-6
        if not readable and directory:
            fit = _lay_out(request, None, without_qr=True)._replace(module_mm=None)
            note = _("QR modules would print at {module} mm on {page} (less than {least} mm): "
                     "the QR codes are in the contact directory pages instead of on the "
                     "chart").format(module=decimal(before.module_mm, 2), page=before.page,
                                     least=decimal(MIN_MODULE_MM, 1))
            return _Fitted(fit, qr_size, fit.notes, [note])
        cap = math.inf if readable else before.side * MAX_QR_GROWTH
        qr_size = min(qr_side_for_min_module(fit.layout, fit.placement.scale) * QR_HEADROOM,
                      cap)
        fit = _lay_out(request, qr_size)
        now = fit.module_mm
        if now is not None and _too_small(now) and (now <= module * 1.01
                                                    or qr_size >= cap - 1e-6):
            stuck = True  # no progress, or the cap reached
            break
    final = fit.module_mm
    if before is None or final is None:
        return _Fitted(fit, qr_size, fit.notes, [])
    if qr_size is not None and not _too_small(final):
        fit, qr_size = _tighter(request, fit, qr_size)
    final = fit.module_mm
    assert final is not None  # _tighter keeps a layout with QR codes
    note = _enlarged_note(before, fit.placement, final, qr_size, stuck)
    if _too_small(final):  # not fixed: the user has to choose a larger page
        return _Fitted(fit, qr_size, [note, *fit.notes], [])
    return _Fitted(fit, qr_size, fit.notes, [note])


def _tighter(request: _Request, fit: _Fit, qr_size: float) -> tuple[_Fit, float]:
    """The codes were enlarged with headroom, for a scale that changed on the way (the chart
    grew with its codes, or moved to a larger page): lay out again with codes just big enough
    for the final scale, and keep each layout that still prints them large enough on a page
    no larger; when one falls short (a smaller code can change the layout: boxes narrowed
    differently), try halfway between, up to :data:`TIGHTEN_STEPS` layouts in all. A layout
    whose chart prints smaller on the same page ends the search: the text size counts, not
    the module. Measured: the Stendal Ausbildung chart on A2, modules 0.41 → 0.40 mm (codes
    126 → 123 pt); on Stendal Arbeit smaller codes printed the text at 6.18 pt, not 6.36."""
    short: float | None = None  # the largest side tried that fell short
    for _step in range(TIGHTEN_STEPS):
        module = fit.module_mm
        if module is None or module <= MIN_MODULE_MM * TIGHT_ENOUGH:
            break
        tighter = qr_side_for_min_module(fit.layout, fit.placement.scale) * TIGHT_HEADROOM
        if short is not None:
            tighter = max(tighter, (short + qr_size) / 2)
        if tighter >= qr_size * 0.995:
            break
        candidate = _lay_out(request, tighter)
        if (candidate.module_mm is None or _too_small(candidate.module_mm)
                or PAGE_ORDER.index(candidate.placement.page)
                > PAGE_ORDER.index(fit.placement.page)):
            short = tighter
            continue
        if (candidate.placement.page == fit.placement.page
                and candidate.placement.scale < fit.placement.scale):
            break  # smaller codes, yet a chart that prints smaller (boxes narrowed otherwise)
        fit, qr_size = candidate, tighter
    return fit, qr_size


def _enlarged_note(before: _Before, placement: Placement, module: float,
                   qr_size: float | None, stuck: bool) -> str:
    note = _("QR modules would print at {module} mm on {page} (less than {least} mm): QR codes "
             "enlarged in the layout from {before} pt to {after} pt, modules now {now} mm on "
             "{final_page}").format(
        module=decimal(before.module_mm, 2), page=before.page, least=decimal(MIN_MODULE_MM, 1),
        before=f"{before.side:.0f}", after=f"{qr_size or 0:.0f}", now=decimal(module, 2),
        final_page=page_label(placement))
    if _too_small(module) and stuck:
        note += " " + _("(at most {times} times their size): choose a larger page").format(
            times=f"{MAX_QR_GROWTH:g}")
    elif _too_small(module):
        note += " " + _("— still too small after {count} new layouts: choose a larger "
                        "page").format(count=QR_ATTEMPTS)
    return note


def build_pdf(
    chain: Chain,
    layout_factory: LayoutFactory | None = None,
    *,
    page: str | None = None,
    landscape: bool | None = None,
    appendix: bool = True,
    contacts: bool = True,
    matrix: bool = True,
    interfaces: bool = True,
    qr: bool = True,
    creation_date: datetime | None = None,
    focus: tuple[str, ...] = (),
    diff: ChainDiff | None = None,
    compared: str | None = None,
    split: SplitMode = "auto",
    layout_options: Mapping[str, Any] | None = None,
    **more_layout_options: Any,
) -> PdfResult:
    """The chain as a print-ready PDF, with everything decided on the way.

    ``layout_factory(chain, qr=…, qr_size=…, **layout_options)`` makes the layout (default:
    :func:`prozesskette.layout.layout_chain`); it is called again with a bigger ``qr_size``
    when QR modules would print smaller than 0.4 mm. Layout options come as the
    ``layout_options`` mapping or as further keyword arguments (``direction="tb"``,
    ``lane_order=…``, ``legend=False`` …); a ``qr_size`` among them is the starting size.

    ``page=None`` chooses the smallest landscape size from A4 to A0 at which body text prints
    at 7 pt or more, never enlarging the chart. A given ``page`` is filled: the chart is
    scaled up or down to fit, in the orientation given by ``landscape`` (``None``: whichever
    fits better). ``appendix`` adds the Schnittstellenpapier pages (A4 portrait): the contact
    directory (``contacts``), the responsibility matrix (``matrix``) and the hand-offs and
    overlaps (``interfaces``). ``qr=False`` leaves out every QR code.

    ``focus`` names the focused actors when ``chain`` is a focus view (made by
    :func:`prozesskette.focus.focus_chain`): the Schnittstellenpapier then lists their
    hand-offs in both directions with the other sides' contacts.

    ``diff`` (of an older version against ``chain``) marks the changes on the chart, and the
    pages after it list them ("Änderungen", see :mod:`.renderers.pdf.diff_pages`) instead of
    the Schnittstellenpapier; ``compared`` names the old version there.

    ``split`` spreads a chart over a page set (see :mod:`.layout.pages`): ``"auto"`` when
    its step titles would print below 7 pt on the page (with ``page=None``: even on A0; the
    page set is then on :data:`SPLIT_PAPER`), ``"phases"`` always, a page or more per
    phase; ``"none"`` never. A diff's chart is never split, nor is (with ``"auto"``) the
    chart of a ``layout_factory`` of the caller's: the pages are laid out with
    ``lane_order="file"``, ``title=False`` and ``legend`` on page 1 only, which such a
    factory need not take.
    """
    options = {**(layout_options or {}), **more_layout_options}
    if page is not None:
        page_size(page)  # validates the name
        page = page.strip().upper()
    problems: list[str] = []
    qr_size: float | None = options.pop("qr_size", None)
    if diff is not None:  # the pages after the chart list the changes instead
        appendix = False
    if appendix and chain_rtl(chain):
        appendix = False
        problems.append(_RTL_APPENDIX_NOTE)
    factory = layout_factory or layout_chain
    if diff is not None:  # marked in every layout tried: the marks may grow the chart
        factory = _marking(factory, diff)
    request = _Request(chain, factory, options, page, landscape, qr)
    first = _lay_out(request, qr_size)
    if split == "auto" and layout_factory is not None:
        split = "none"  # a factory of its own need not take the pages' layout options
    if split != "none" and diff is None and (split == "phases" or not _readable(first)):
        return _build_page_set(request, first.layout, split, qr_size, problems,
                               _Paper(appendix=appendix, contacts=contacts, matrix=matrix,
                                      interfaces=interfaces, creation_date=creation_date,
                                      focus=focus))
    fitted = _fit_qr_codes(request, qr_size, directory=appendix and contacts, first=first)
    problems.extend(fitted.warnings)
    layout, placement = fitted.fit.layout, fitted.fit.placement
    if diff is not None:
        document = write_diff_pdf(chain, layout, placement, diff, compared=compared,
                                  creation_date=creation_date)
    else:
        document = write_pdf(chain, layout, placement, appendix=appendix, contacts=contacts,
                             matrix=matrix, interfaces=interfaces, qr=qr,
                             creation_date=creation_date, focus=focus)
    return PdfResult(data=document.data, page=placement.page, landscape=placement.landscape,
                     page_size=(placement.width, placement.height), scale=placement.scale,
                     origin=(placement.x, placement.y),
                     text_size=layout.style.font_size * placement.scale,
                     module_mm=fitted.fit.module_mm, qr_size=fitted.qr_size,
                     pages=document.pages, warnings=tuple(problems), layout=layout,
                     notes=tuple(fitted.fixes))


def _marking(factory: LayoutFactory, diff: ChainDiff) -> LayoutFactory:
    """A layout factory whose layouts carry the marks of ``diff``."""

    def marked(chain: Chain, **options: Any) -> Layout:
        return mark_layout(factory(chain, **options), diff)

    return marked


def render_pdf(
    chain: Chain,
    layout_factory: LayoutFactory | None = None,
    *,
    page: str | None = None,
    landscape: bool | None = None,
    appendix: bool = True,
    contacts: bool = True,
    matrix: bool = True,
    interfaces: bool = True,
    qr: bool = True,
    creation_date: datetime | None = None,
    focus: tuple[str, ...] = (),
    split: SplitMode = "auto",
    layout_options: Mapping[str, Any] | None = None,
    **more_layout_options: Any,
) -> bytes:
    """The chain as PDF bytes; see :func:`build_pdf`. Problems come as :class:`PrintWarning`,
    automatic fixes as notes (see :func:`report`)."""
    result = build_pdf(chain, layout_factory, page=page, landscape=landscape,
                       appendix=appendix, contacts=contacts, matrix=matrix,
                       interfaces=interfaces, qr=qr, creation_date=creation_date,
                       focus=focus, split=split, layout_options=layout_options,
                       **more_layout_options)
    report(result, stacklevel=3)
    return result.data


def report(result: PdfResult, *, stacklevel: int = 2) -> None:
    """Tell what making the PDF decided: each warning as a :class:`PrintWarning`, each
    automatic fix as an INFO record on :data:`NOTES` (a note is no call to act)."""
    for problem in result.warnings:
        warnings.warn(problem, PrintWarning, stacklevel=stacklevel)
    for note in result.notes:
        NOTES.info("%s", note)


def render_diff_pdf(chain: Chain, diff: ChainDiff, *, compared: str | None = None,
                    **options: Any) -> bytes:
    """The new ``chain`` with the changes of ``diff`` marked, then the "Änderungen" pages; see
    :func:`build_pdf` (``options`` as :func:`render_pdf`'s). Problems come as
    :class:`PrintWarning`, automatic fixes as notes (see :func:`report`)."""
    result = build_pdf(chain, diff=diff, compared=compared, **options)
    report(result, stacklevel=3)
    return result.data


# --- page sets ----------------------------------------------------------------------------

SPLIT_PAPER = "A3"
"""The paper of a page set when no page is given: the largest that office printers print."""

MAP_SHARE = 0.16
"""The overview map's height on page 1, as a share of the page's height."""


class _Paper(NamedTuple):
    """What the pages after the chart hold (as :func:`build_pdf`'s arguments)."""

    appendix: bool
    contacts: bool
    matrix: bool
    interfaces: bool
    creation_date: datetime | None
    focus: tuple[str, ...]


def _readable(fit: _Fit) -> bool:
    return fit.layout.style.font_size * fit.placement.scale >= MIN_TEXT_PT - 1e-6


def _chart_area(placement: Placement, top: float = 0.0) -> Rect:
    """Where a chart may go on its page (points from the top left): below the header (and
    ``top``), above the footer, inside the margins."""
    furniture = placement.furniture
    start = furniture.margin
    if placement.header:
        last = placement.header[-1]
        start = last.y + descent(last.size, last.bold) + furniture.gap
    start = max(start, top)
    bottom = placement.height - furniture.margin - furniture.footer_size * 1.6 - furniture.gap
    return Rect(furniture.margin, start, placement.width - 2 * furniture.margin,
                max(1.0, bottom - start))


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
        frame = Rect(x, _chart_area(placement).y, width, height)
    return frame


def _span(line: TextLine) -> tuple[float, float]:
    """The left and right end of a header line."""
    width = text_width(line.text, line.size, line.bold)
    left = line.x - (width if line.anchor == "end" else width / 2
                     if line.anchor == "middle" else 0.0)
    return left, left + width


class _Pages:
    """Lays out and measures the pages of a page set on one paper."""

    def __init__(self, request: _Request, whole: Layout, paper: str, landscape: bool,
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
            return _chart_area(placement), placement, None
        frame = _map_frame(placement, self.whole, chain_rtl(self.request.chain))
        return _chart_area(placement, frame.bottom + placement.furniture.gap), placement, frame

    def measure(self, layout: Layout, first: bool) -> Overflow:
        area, _placement, _frame = self.area(layout, first)
        wide, tall = layout.width * self.need / area.w, layout.height * self.need / area.h
        return Overflow(wide, tall) if layout.direction == "lr" else Overflow(tall, wide)

    def sheet(self, layout: Layout, first: bool, target: float) -> tuple[Sheet, Rect | None]:
        area, placement, frame = self.area(layout, first)
        scale = min(target, area.w / layout.width, area.h / layout.height)
        x = area.x + (area.w - layout.width * scale) / 2
        placed = Placement(placement.page, placement.landscape, placement.width,
                           placement.height, scale, x, area.y, placement.furniture,
                           placement.header)
        module = smallest_module_mm(layout, scale) if self.request.qr else None
        return Sheet(layout, placed, layout.style.font_size * scale, module), frame


def _build_page_set(request: _Request, whole: Layout, split: SplitMode,
                    qr_size: float | None, problems: list[str], paper: _Paper) -> PdfResult:
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
        if _too_small(sheet.module_mm):
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
