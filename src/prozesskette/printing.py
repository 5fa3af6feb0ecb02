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
from prozesskette.layout.geometry import Layout
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
from prozesskette.renderers.pdf.page import chain_rtl

__all__ = ["MAX_QR_GROWTH", "NOTES", "QR_ATTEMPTS", "LayoutFactory", "PdfResult",
           "PrintWarning", "build_pdf", "render_diff_pdf", "render_pdf", "report"]

MAX_QR_GROWTH = 2.5
"""When the chart's text prints below 7 pt anyway, QR codes are enlarged to at most this many
times the layout's own size: beyond that the chart would become mostly QR codes, and a larger
page is the real fix. Charts with readable text get whatever size the codes need."""

QR_ATTEMPTS = 5
"""Times the layout is redone with bigger QR codes before giving up."""

QR_HEADROOM = 1.03
"""QR codes are enlarged a little more than the bare minimum, so that a slightly smaller
scale on the new layout does not fall short again."""

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


def _fit_qr_codes(request: _Request, qr_size: float | None, *, directory: bool) -> _Fitted:
    """Lay the chain out again with bigger QR codes until they print at the minimum module.

    A chart whose text is unreadable anyway does not become a chart of QR codes: its codes
    grow at most :data:`MAX_QR_GROWTH` times, or, when the PDF has a contact ``directory``,
    they leave the chart for the directory pages, where they print at full size.
    """
    fit = _lay_out(request, qr_size)
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
            note = (f"QR modules would print at {before.module_mm:.2f} mm on {before.page} "
                    f"(less than {MIN_MODULE_MM:g} mm): the QR codes are in the contact "
                    "directory pages instead of on the chart")
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
    if qr_size is not None and final > MIN_MODULE_MM * 1.1:
        fit, qr_size = _tighter(request, fit, qr_size)
    final = fit.module_mm
    assert final is not None  # _tighter keeps a layout with QR codes
    note = _enlarged_note(before, fit.placement, final, qr_size, stuck)
    if _too_small(final):  # not fixed: the user has to choose a larger page
        return _Fitted(fit, qr_size, [note, *fit.notes], [])
    return _Fitted(fit, qr_size, fit.notes, [note])


def _tighter(request: _Request, fit: _Fit, qr_size: float) -> tuple[_Fit, float]:
    """The codes were enlarged for a scale that changed on the way (usually because the
    chart moved to a larger page): try codes just big enough for the final scale, and keep
    them if they still print large enough on a page no larger."""
    tighter = qr_side_for_min_module(fit.layout, fit.placement.scale) * QR_HEADROOM
    if tighter < qr_size:
        candidate = _lay_out(request, tighter)
        if (candidate.module_mm is not None and not _too_small(candidate.module_mm)
                and PAGE_ORDER.index(candidate.placement.page)
                <= PAGE_ORDER.index(fit.placement.page)):
            return candidate, tighter
    return fit, qr_size


def _enlarged_note(before: _Before, placement: Placement, module: float,
                   qr_size: float | None, stuck: bool) -> str:
    note = (f"QR modules would print at {before.module_mm:.2f} mm on {before.page} (less "
            f"than {MIN_MODULE_MM:g} mm): QR codes enlarged in the layout from "
            f"{before.side:.0f} pt to {qr_size or 0:.0f} pt, modules now {module:.2f} mm on "
            f"{page_label(placement)}")
    if _too_small(module):
        note += (f" (at most {MAX_QR_GROWTH:g} times their size): choose a larger page"
                 if stuck else f" — still too small after {QR_ATTEMPTS} new layouts: "
                 "choose a larger page")
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
    fitted = _fit_qr_codes(request, qr_size, directory=appendix and contacts)
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
    layout_options: Mapping[str, Any] | None = None,
    **more_layout_options: Any,
) -> bytes:
    """The chain as PDF bytes; see :func:`build_pdf`. Problems come as :class:`PrintWarning`,
    automatic fixes as notes (see :func:`report`)."""
    result = build_pdf(chain, layout_factory, page=page, landscape=landscape,
                       appendix=appendix, contacts=contacts, matrix=matrix,
                       interfaces=interfaces, qr=qr, creation_date=creation_date,
                       focus=focus, layout_options=layout_options, **more_layout_options)
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
