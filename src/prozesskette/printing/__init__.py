"""Fit a chain to paper: choose the page and the QR size, re-laying out the chain when its
QR codes would print too small.

The PDF renderer (:mod:`prozesskette.renderers.pdf`) draws a given layout on a page it is
given. Printing needs one decision more, and it needs the layout engine for it: at the scale
the chart prints at, QR modules must be at least :data:`~.renderers.pdf.MIN_MODULE_MM` wide or
phone cameras cannot read them. When they are smaller, the chain is laid out again with bigger
QR codes (``qr_size``), up to :data:`QR_ATTEMPTS` times, because a new layout may move to a
bigger page and print at a different scale. That loop (:mod:`.qr_fit`) and the page sets
(:mod:`.page_set`) live here, in the printing layer, above both the layout engine and the
renderer; :mod:`.results` holds what they return.

What the loop did on its own (QR codes enlarged, or moved to the contact directory) is a *note*:
the tool has fixed it, the user need not act. Notes are kept in :attr:`PdfResult.notes` and
logged at INFO level on the ``prozesskette`` logger (the CLI prints them as ``note:`` lines);
they are not Python warnings, which are for problems the user should fix
(:class:`PrintWarning`: text too small to read, QR codes still too small).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from prozesskette.changes import ChainDiff
from prozesskette.layout.build import Drafts
from prozesskette.layout.diff_marks import mark_layout
from prozesskette.layout.geometry import Layout
from prozesskette.layout.pages import SplitMode
from prozesskette.model import Chain
from prozesskette.printing.page_fit import shape_for_page, shaped_request
from prozesskette.printing.page_set import (
    MAP_SHARE,
    SPLIT_PAPER,
    Paper,
    build_page_set,
    readable,
)
from prozesskette.printing.qr_fit import (
    MAX_QR_GROWTH,
    QR_ATTEMPTS,
    Fitted,
    Request,
    fit_qr_codes,
    lay_out_request,
)
from prozesskette.printing.results import LayoutFactory, PdfResult, PrintWarning, Sheet
from prozesskette.renderers.pdf import page_size, write_pdf
from prozesskette.renderers.pdf.diff_pages import write_diff_pdf
from prozesskette.renderers.pdf.page import chain_rtl

__all__ = ["MAP_SHARE", "MAX_QR_GROWTH", "NOTES", "QR_ATTEMPTS", "SPLIT_PAPER", "LayoutFactory",
           "PdfResult", "PrintWarning", "Sheet", "build_pdf", "render_diff_pdf", "render_pdf",
           "report"]

_RTL_APPENDIX_NOTE = (
    "the Schnittstellenpapier pages are not available for right-to-left languages yet: the "
    "PDF holds the chart only; the HTML page (--format html) carries the contact directory "
    "and the interfaces")

NOTES = logging.getLogger("prozesskette.printing")
"""Where the automatic fixes are logged (INFO): ``logging.getLogger("prozesskette")`` sees them."""


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
    fits better). Without a ``layout_factory``, the chart is laid out twice: as for the
    screen, and shaped for the page (the layout option ``aspect``, see :mod:`.page_fit`);
    the one that prints larger is kept (``page=None``: the one on smaller paper, shaped for
    the paper one size smaller). ``appendix`` adds the Schnittstellenpapier pages (A4
    portrait): the contact directory (``contacts``), the responsibility matrix
    (``matrix``) and the hand-offs and overlaps (``interfaces``). ``qr=False`` leaves out
    every QR code.

    ``focus`` names the focused actors when ``chain`` is a focus view (made by
    :func:`prozesskette.focus.focus_chain`): the Schnittstellenpapier then lists their
    hand-offs in both directions with the other sides' contacts.

    ``diff`` (of an older version against ``chain``) marks the changes on the chart, and the
    pages after it list them ("Änderungen", see :mod:`.renderers.pdf.diff_pages`) instead of
    the Schnittstellenpapier; ``compared`` names the old version there.

    ``split`` spreads a chart over a page set (see :mod:`.layout.pages`): ``"auto"`` when
    its step titles would print below 7 pt on the page, shaped for it too (with
    ``page=None``: even on A0; the page set is then on :data:`SPLIT_PAPER`), ``"phases"``
    always, a page or more per
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
    factory = layout_factory or Drafts(chain)  # (layout_chain, grids and lane order kept)
    if diff is not None:  # marked in every layout tried: the marks may grow the chart
        factory = _marking(factory, diff)
    request = Request(chain, factory, options, page, landscape, qr)
    first = lay_out_request(request, qr_size)
    if split == "auto" and layout_factory is not None:
        split = "none"  # a factory of its own need not take the pages' layout options
    shapes = layout_factory is None  # (the default factory takes the option ``aspect``)
    paper = Paper(appendix=appendix, contacts=contacts, matrix=matrix, interfaces=interfaces,
                  creation_date=creation_date, focus=focus)
    if split != "none" and diff is None and (split == "phases" or not readable(first)):
        shaped = shaped_request(request, first) if split == "auto" and shapes else None
        shaped_first = lay_out_request(shaped, qr_size) if shaped is not None else None
        if shaped is None or shaped_first is None or not readable(shaped_first):
            return build_page_set(request, first.layout, split, qr_size, problems, paper)
        request, first, shapes = shaped, shaped_first, False  # shaped for the page: readable
    fitted = fit_qr_codes(request, qr_size, directory=appendix and contacts, first=first)
    if shapes:
        fitted = shape_for_page(request, fitted, qr_size, directory=appendix and contacts)
    problems.extend(fitted.warnings)
    return _written(chain, fitted, paper, qr, diff, compared, problems)


def _written(chain: Chain, fitted: Fitted, paper: Paper, qr: bool, diff: ChainDiff | None,
             compared: str | None, problems: list[str]) -> PdfResult:
    """The PDF of the fitted chart: with the Schnittstellenpapier, or the list of a diff's
    changes."""
    layout, placement = fitted.fit.layout, fitted.fit.placement
    if diff is not None:
        document = write_diff_pdf(chain, layout, placement, diff, compared=compared,
                                  creation_date=paper.creation_date)
    else:
        document = write_pdf(chain, layout, placement, appendix=paper.appendix,
                             contacts=paper.contacts, matrix=paper.matrix,
                             interfaces=paper.interfaces, qr=qr,
                             creation_date=paper.creation_date, focus=paper.focus)
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
