"""A layout shaped for the page: the chart laid out once more for the shape of the page's chart
area, kept when its text prints larger (:func:`shape_for_page`).

The screen's drawing is made without a page: the layout narrows its boxes in steps towards an
estimated aspect and judges its folds as on A paper. A given page has one shape (its chart
area, the furniture taken off: 1627 × 1127 pt on A2 landscape, 1.44 : 1), and the layout can
aim at it (the layout option ``aspect``: each fold mode, boxes narrowed until the drawing has
that shape; see :func:`prozesskette.layout.build.layout_chain`). Which of the two prints
larger is measured, not assumed: the shaped drawing is the larger one on the Stendal charts
and the Gesamtübersicht, but its QR codes grow differently, and a drawing shaped for the page
can still lose to the screen's where the estimate of the screen's drawing happened to fit.
"""

from __future__ import annotations

from typing import Any

from prozesskette.printing.qr_fit import Fit, Fitted, Request, fit_qr_codes, too_small
from prozesskette.renderers.pdf import MIN_TEXT_PT, PAGE_ORDER, place_chart
from prozesskette.renderers.pdf.page import chart_room

__all__ = ["SHAPE_MAX_STEPS", "shape_for_page", "shaped_request"]

SHAPE_MAX_STEPS = 200
"""Charts with more steps are not laid out again for the page: the shaped layout costs up to
about 18 drawings more (0.6 s for the 64 steps of the Gesamtübersicht), and such a chart is
split into a page set anyway unless the paper is very large."""


def shaped_request(request: Request, fit: Fit) -> Request | None:
    """``request`` with the layout option ``aspect`` of the page that ``fit`` (a layout of
    ``request``) is shaped for: the given page, or with ``page=None`` the paper one size
    smaller than ``fit``'s, where the chart may just become readable (A0 when it is not
    readable even there; None when it is readable on A4). None also for a chart of more than
    :data:`SHAPE_MAX_STEPS` steps."""
    if len(request.chain.steps) > SHAPE_MAX_STEPS:
        return None
    target = _target_page(request, fit)
    if target is None:
        return None
    placement = fit.placement
    width, height = chart_room(place_chart(fit.layout, request.chain, target,
                                           placement.landscape, None))
    options: dict[str, Any] = {**request.options, "aspect": width / height}
    landscape = placement.landscape if request.page is not None else request.landscape
    return Request(request.chain, request.factory, options, request.page, landscape,
                   request.qr)


def shape_for_page(request: Request, fitted: Fitted, qr_size: float | None, *,
                   directory: bool) -> Fitted:
    """``fitted`` or the chart laid out for the shape of its page (:func:`shaped_request`),
    whichever prints better: QR codes that print large enough first, then (``page=None``)
    the smaller paper, then the larger text; on a tie, ``fitted``."""
    shaped = shaped_request(request, fitted.fit)
    if shaped is None:
        return fitted
    candidate = fit_qr_codes(shaped, qr_size, directory=directory)
    return candidate if _rank(candidate) < _rank(fitted) else fitted


def _target_page(request: Request, fit: Fit) -> str | None:
    if request.page is not None:
        return request.page
    index = PAGE_ORDER.index(fit.placement.page)
    if fit.layout.style.font_size * fit.placement.scale < MIN_TEXT_PT - 1e-6:
        return fit.placement.page  # unreadable even on the largest paper
    return PAGE_ORDER[index - 1] if index > 0 else None


def _rank(fitted: Fitted) -> tuple[bool, int, float]:
    """Smaller is better: codes too small, the paper's size, the text size (negated)."""
    fit = fitted.fit
    return (too_small(fit.module_mm), PAGE_ORDER.index(fit.placement.page),
            -fit.layout.style.font_size * fit.placement.scale)
