"""QR codes grown until they print: the layouts tried for one PDF (:class:`Request`,
:class:`Fit`) and the loop that lays the chain out again with bigger codes when their modules
would print below :data:`~prozesskette.renderers.pdf.MIN_MODULE_MM` (:func:`fit_qr_codes`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from prozesskette.layout.geometry import Layout
from prozesskette.messages import _, decimal
from prozesskette.model import Chain
from prozesskette.printing.results import LayoutFactory
from prozesskette.renderers.pdf import (
    MIN_MODULE_MM,
    MIN_TEXT_PT,
    PAGE_ORDER,
    Placement,
    choose_page,
    page_label,
    qr_side_for_min_module,
    qr_spots,
    smallest_module_mm,
)

__all__ = ["MAX_QR_GROWTH", "QR_ATTEMPTS", "QR_HEADROOM", "Fit", "Fitted", "Request",
           "fit_qr_codes", "lay_out_request", "too_small"]

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


@dataclass(frozen=True)
class Request:
    """What stays the same between the layouts tried for one PDF."""

    chain: Chain
    factory: LayoutFactory
    options: Mapping[str, Any]  # layout options, without qr and qr_size
    page: str | None
    landscape: bool | None
    qr: bool


class Fit(NamedTuple):
    """One layout tried, on the page chosen for it."""

    layout: Layout
    placement: Placement
    notes: list[str]  # the page choice's warnings about small text
    module_mm: float | None  # smallest printed QR module, None: no QR codes


class Before(NamedTuple):
    """The first layout's QR codes, before they were enlarged (for the warning)."""

    module_mm: float
    page: str  # page label, e.g. "A3 landscape"
    side: float  # the largest QR side in the layout, points


class Fitted(NamedTuple):
    """The layout that goes to print, its QR size, the warnings about it and the fixes made."""

    fit: Fit
    qr_size: float | None
    warnings: list[str]
    fixes: list[str]


def lay_out_request(request: Request, qr_size: float | None, *, without_qr: bool = False) -> Fit:
    kwargs: dict[str, Any] = {"qr": request.qr, **request.options}
    if without_qr:
        kwargs["qr"] = False
    if qr_size is not None:
        kwargs["qr_size"] = qr_size
    layout = request.factory(request.chain, **kwargs)
    placement, notes = choose_page(layout, request.chain, request.page, request.landscape)
    module = smallest_module_mm(layout, placement.scale) if request.qr else None
    return Fit(layout, placement, notes, module)


def too_small(module_mm: float | None) -> bool:
    return module_mm is not None and module_mm < MIN_MODULE_MM - 1e-9


def fit_qr_codes(request: Request, qr_size: float | None, *, directory: bool,
                  first: Fit | None = None) -> Fitted:
    """Lay the chain out again with bigger QR codes until they print at the minimum module.

    A chart whose text is unreadable anyway does not become a chart of QR codes: its codes
    grow at most :data:`MAX_QR_GROWTH` times, or, when the PDF has a contact ``directory``,
    they leave the chart for the directory pages, where they print at full size.
    """
    fit = first or lay_out_request(request, qr_size)
    before: Before | None = None
    stuck = False
    for _attempt in range(QR_ATTEMPTS):
        module = fit.module_mm
        if module is None or not too_small(module):
            break
        if before is None:
            before = Before(module, page_label(fit.placement),
                             max(spot.qr.w for spot in qr_spots(fit.layout)
                                 if spot.qr is not None))
        readable = fit.layout.style.font_size * fit.placement.scale >= MIN_TEXT_PT - 1e-6
        if not readable and directory:
            fit = lay_out_request(request, None, without_qr=True)._replace(module_mm=None)
            note = _("QR modules would print at {module} mm on {page} (less than {least} mm): "
                     "the QR codes are in the contact directory pages instead of on the "
                     "chart").format(module=decimal(before.module_mm, 2), page=before.page,
                                     least=decimal(MIN_MODULE_MM, 1))
            return Fitted(fit, qr_size, fit.notes, [note])
        cap = math.inf if readable else before.side * MAX_QR_GROWTH
        qr_size = min(qr_side_for_min_module(fit.layout, fit.placement.scale) * QR_HEADROOM,
                      cap)
        fit = lay_out_request(request, qr_size)
        now = fit.module_mm
        if now is not None and too_small(now) and (now <= module * 1.01
                                                    or qr_size >= cap - 1e-6):
            stuck = True  # no progress, or the cap reached
            break
    final = fit.module_mm
    if before is None or final is None:
        return Fitted(fit, qr_size, fit.notes, [])
    if qr_size is not None and not too_small(final):
        fit, qr_size = _tighter(request, fit, qr_size)
    final = fit.module_mm
    assert final is not None  # _tighter keeps a layout with QR codes
    note = _enlarged_note(before, fit.placement, final, qr_size, stuck)
    if too_small(final):  # not fixed: the user has to choose a larger page
        return Fitted(fit, qr_size, [note, *fit.notes], [])
    return Fitted(fit, qr_size, fit.notes, [note])


def _tighter(request: Request, fit: Fit, qr_size: float) -> tuple[Fit, float]:
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
        candidate = lay_out_request(request, tighter)
        if (candidate.module_mm is None or too_small(candidate.module_mm)
                or PAGE_ORDER.index(candidate.placement.page)
                > PAGE_ORDER.index(fit.placement.page)):
            short = tighter
            continue
        if (candidate.placement.page == fit.placement.page
                and candidate.placement.scale < fit.placement.scale):
            break  # smaller codes, yet a chart that prints smaller (boxes narrowed otherwise)
        fit, qr_size = candidate, tighter
    return fit, qr_size


def _enlarged_note(before: Before, placement: Placement, module: float,
                   qr_size: float | None, stuck: bool) -> str:
    note = _("QR modules would print at {module} mm on {page} (less than {least} mm): QR codes "
             "enlarged in the layout from {before} pt to {after} pt, modules now {now} mm on "
             "{final_page}").format(
        module=decimal(before.module_mm, 2), page=before.page, least=decimal(MIN_MODULE_MM, 1),
        before=f"{before.side:.0f}", after=f"{qr_size or 0:.0f}", now=decimal(module, 2),
        final_page=page_label(placement))
    if too_small(module) and stuck:
        note += " " + _("(at most {times} times their size): choose a larger page").format(
            times=f"{MAX_QR_GROWTH:g}")
    elif too_small(module):
        note += " " + _("— still too small after {count} new layouts: choose a larger "
                        "page").format(count=QR_ATTEMPTS)
    return note
