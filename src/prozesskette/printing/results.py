"""What printing decided: the PDF and its figures (:class:`PdfResult`), each chart page of a
page set (:class:`Sheet`), and the warning category for what the user should fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from prozesskette.layout.geometry import Layout
from prozesskette.layout.pages import PageSet
from prozesskette.renderers.pdf import Placement

__all__ = ["LayoutFactory", "PdfResult", "PrintWarning", "Sheet"]

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
