"""Print-ready PDF: the chart on one page, then the Schnittstellenpapier pages.

The renderer draws a given :class:`~prozesskette.layout.geometry.Layout` and decides no
layout. Its modules, bottom up:

* :mod:`.fonts` — the bundled faces registered with reportlab; text and shaped glyphs;
* :mod:`.page` — paper sizes, where the chart goes on the page (one uniform scale, margins,
  title block, footer space), the page chosen for a layout, and what it prints at (body text
  in points, QR modules in millimetres);
* :mod:`.painter` — the palette, QR codes as vector squares, and the chart itself: lanes,
  phases, steps, badges, edges, legend and title;
* :mod:`.flowables` — paragraph styles, escaped markup, links, bookmarks and tables for the
  Schnittstellenpapier pages;
* :mod:`.focus_pages` — a focus view's Schnittstellenpapier: the focused institution's
  hand-offs in both directions with the other sides' contacts;
* :mod:`.appendix` — the Schnittstellenpapier pages (contacts, responsibilities, interfaces);
* :mod:`.document` — the reportlab document: templates, footer, outline, fixed dates; it
  writes the bytes.

Making a PDF of a chain, including a new layout with bigger QR codes when they would print
too small, is :func:`prozesskette.printing.build_pdf`.

Everything is vector (QR codes are filled rectangles, no bitmaps); the bundled Noto Sans is
embedded as a subset; output is byte-identical for the same input (reportlab's ``invariant``
mode plus a fixed creation date). reportlab is imported only where it is used, so that
importing this package stays cheap.
"""

from prozesskette.renderers.pdf.document import DEFAULT_CREATION_DATE, PdfDocument, write_pdf
from prozesskette.renderers.pdf.fonts import register_fonts
from prozesskette.renderers.pdf.page import (
    MIN_MODULE_MM,
    MIN_TEXT_PT,
    MM,
    PAGE_ORDER,
    PageChoice,
    Placement,
    choose_page,
    page_label,
    page_size,
    place_chart,
    qr_side_for_min_module,
    qr_spots,
    smallest_module_mm,
)

__all__ = [
    "DEFAULT_CREATION_DATE",
    "MIN_MODULE_MM",
    "MIN_TEXT_PT",
    "MM",
    "PAGE_ORDER",
    "PageChoice",
    "PdfDocument",
    "Placement",
    "choose_page",
    "page_label",
    "page_size",
    "place_chart",
    "qr_side_for_min_module",
    "qr_spots",
    "register_fonts",
    "smallest_module_mm",
    "write_pdf",
]
