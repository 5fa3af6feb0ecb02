"""The chart page: paper sizes, where a given layout goes on the page, and how it prints.

Nothing here changes a layout. For a layout and a paper size this module works out one
uniform scale, the margins, the title block and the footer space (:func:`place_chart`), picks
the paper when none is given (:func:`choose_page`), and measures what the result prints at:
body text in points, QR modules in millimetres (:func:`smallest_module_mm`). Whoever wants a
different layout for the paper (bigger QR codes) asks the layout engine itself; see
:mod:`prozesskette.printing`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple

from prozesskette.i18n import is_rtl
from prozesskette.layout.geometry import ContactSpot, Layout, Point, Rect, TextLine, map_geometry
from prozesskette.messages import _, decimal
from prozesskette.model import Chain
from prozesskette.qr import qr_matrix
from prozesskette.text import ascent, descent, line_height, wrap
from prozesskette.words import words_for

__all__ = ["MIN_MODULE_MM", "MIN_TEXT_PT", "MM", "PAGE_ORDER", "PRINTER_EDGE_MM", "Furniture",
           "PageChoice", "Placement", "chain_rtl", "chart_area", "chart_room", "choose_page",
           "drawn_box", "page_label", "page_size", "page_words", "place_chart",
           "qr_side_for_min_module", "qr_spots", "smallest_module_mm"]

MM = 72 / 25.4
"""Points per millimetre."""

MIN_TEXT_PT = 7.0
"""Smallest printed body text size (the layout's ``style.font_size`` after scaling)."""

MIN_MODULE_MM = 0.4
"""Smallest printed QR module; phone cameras read 0.4 mm modules reliably."""

PAGE_ORDER = ("A4", "A3", "A2", "A1", "A0")
"""Paper sizes tried, smallest first."""

def page_words(chain: Chain | None) -> dict[str, str]:
    """The page furniture's words in the chain's language."""
    return words_for("print", getattr(chain, "language", None) or "de")


def chain_rtl(chain: Chain | None) -> bool:
    """Whether the chain's language is written right to left (furniture is mirrored)."""
    return is_rtl(getattr(chain, "language", None))


def page_size(name: str, landscape: bool = True) -> tuple[float, float]:
    """Width and height in points of an ISO A paper size ("A4" … "A0")."""
    from reportlab.lib import pagesizes

    key = name.strip().upper()
    if key not in PAGE_ORDER:
        raise ValueError(f"unknown page size {name!r}: use one of " + ", ".join(PAGE_ORDER))
    short, long = sorted(getattr(pagesizes, key))
    return (long, short) if landscape else (short, long)


PRINTER_EDGE_MM = 5.0
"""The strip along the paper's edge that office and poster printers may not print (3–5 mm)."""


@dataclass(frozen=True)
class Furniture:
    """Sizes of the page furniture (margins, title block, footer) for one paper size.

    The margins stay near 10 mm at every size (printers need about 5 mm), and the footer line
    sits inside the bottom margin, :data:`PRINTER_EDGE_MM` above the paper's edge: on A2 the
    chart area grows from 1604 × 1080 to 1627 × 1127 pt (before: margins of 14.1 mm, and the
    footer line and a 5.6 mm gap above the bottom margin), and the Stendal Ausbildung chart
    prints at 5.94 pt instead of 5.86 pt, Arbeit at 6.51 instead of 6.36. The footer grows a
    little with the paper (7 pt on A4, 8.3 pt on A2, 9.9 pt on A0), for a poster read from a
    step away; 3 mm (× the same growth) keep it apart from the chart, whose lowest lane
    border may run right above it."""

    margin: float  # left, right and top; the title block starts below the top one
    title_size: float
    subtitle_size: float
    footer_size: float
    gap: float  # between the title block and the chart, and between the chart and the footer
    footer_baseline: float  # the footer line's baseline, above the paper's bottom edge
    bottom: float  # the room below the chart: the footer line and its gap

    @classmethod
    def for_page(cls, width: float, height: float) -> Furniture:
        # grows with the paper: 1 on A4, about 1.41 per size step up to 4 on A0
        k = min(width, height) / page_size("A4", False)[0]
        root = math.sqrt(k)
        footer = 7 * math.sqrt(root)
        gap = 3 * MM * math.sqrt(root)
        baseline = PRINTER_EDGE_MM * MM + descent(footer)
        margin = 10 * MM
        return cls(margin=margin, title_size=14 * k, subtitle_size=8.5 * k,
                   footer_size=footer, gap=gap, footer_baseline=baseline,
                   bottom=max(margin, baseline + ascent(footer) + gap))


@dataclass(frozen=True)
class Placement:
    """Where the chart goes on the page: ``scale`` and the chart's top-left corner."""

    page: str
    landscape: bool
    width: float
    height: float
    scale: float
    x: float  # page coordinates of the chart's top-left corner, y measured from the top
    y: float
    furniture: Furniture
    header: tuple[TextLine, ...]  # title block lines in page coordinates (top-left origin)


class PageChoice(NamedTuple):
    """The chosen page, and warnings about text that prints smaller than :data:`MIN_TEXT_PT`."""

    placement: Placement
    notes: list[str]


def _header_lines(chain: Chain | None, layout: Layout, width: float,
                  furniture: Furniture) -> tuple[TextLine, ...]:
    """The page's title block: title, region and "Stand" — unless the layout has a title."""
    if layout.title is not None or chain is None:
        return ()
    lines: list[TextLine] = []
    rtl = chain_rtl(chain)
    x = width - furniture.margin if rtl else furniture.margin
    anchor: Literal["start", "end"] = "end" if rtl else "start"
    y = furniture.margin
    size = furniture.title_size
    available = width - 2 * furniture.margin
    for index, text in enumerate(wrap(chain.title, available, size, True)):
        y += ascent(size, True) if index == 0 else line_height(size)
        lines.append(TextLine(text, x, y, size, True, anchor))
    sub = _subtitle(chain)
    if sub:
        size2 = furniture.subtitle_size
        for text in wrap(sub, available, size2):
            y += line_height(size2)
            lines.append(TextLine(text, x, y, size2, False, anchor))
    return tuple(lines)


def _subtitle(chain: Chain) -> str:
    parts = [chain.region or ""]
    if chain.version:
        parts.append(page_words(chain)["stand"].format(chain.version))
    return " · ".join(part for part in parts if part)


def _area(furniture: Furniture, header: tuple[TextLine, ...], width: float, height: float,
          below: float = 0.0) -> Rect:
    """The room a chart may fill on a page ``width`` × ``height``: inside the margins, below
    the title block (if the page has one) and ``below``, above the footer."""
    top = furniture.margin
    if header:
        last = header[-1]
        top = last.y + descent(last.size, last.bold) + furniture.gap
    top = max(top, below)
    return Rect(furniture.margin, top, width - 2 * furniture.margin,
                max(1.0, height - furniture.bottom - top))


def chart_area(placement: Placement, below: float = 0.0) -> Rect:
    """Where a chart may go on the placement's page (points from the top left): inside the
    margins, below the title block and ``below``, above the footer."""
    return _area(placement.furniture, placement.header, placement.width, placement.height,
                 below)


def chart_room(placement: Placement) -> tuple[float, float]:
    """Width and height of :func:`chart_area`."""
    area = chart_area(placement)
    return area.w, area.h


def drawn_box(layout: Layout) -> Rect:
    """What the layout draws: the box around its rectangles, route points and text anchors.
    The layout keeps white space around it (12 pt at the sides and the top, 16 pt below the
    legend); on paper the page's margins are that space."""
    xs: list[float] = []
    ys: list[float] = []

    def rect(box: Rect) -> Rect:
        xs.extend((box.x, box.x + box.w))
        ys.extend((box.y, box.y + box.h))
        return box

    def line(text: TextLine) -> TextLine:
        xs.append(text.x)
        ys.append(text.y)
        return text

    def point(at: Point) -> Point:
        xs.append(at[0])
        ys.append(at[1])
        return at

    map_geometry(layout, rect, line, point)
    if not xs:
        return Rect(0.0, 0.0, layout.width, layout.height)
    left, top = max(0.0, min(xs)), max(0.0, min(ys))
    return Rect(left, top, max(1e-9, min(layout.width, max(xs)) - left),
                max(1e-9, min(layout.height, max(ys)) - top))


def place_chart(layout: Layout, chain: Chain | None, page: str, landscape: bool,
                max_scale: float | None) -> Placement:
    """The layout on ``page``, as large as fits (never above ``max_scale``), centred: what it
    draws (:func:`drawn_box`) inside the margins, its own white space in them. (Measured:
    Stendal Arbeit on A2 6.51 → 6.58 pt, the Gesamtübersicht on A0 8.04 → 8.14 pt.)"""
    width, height = page_size(page, landscape)
    furniture = Furniture.for_page(width, height)
    header = _header_lines(chain, layout, width, furniture)
    area = _area(furniture, header, width, height)
    drawn = drawn_box(layout)
    scale = min(area.w / drawn.w, area.h / drawn.h)
    if max_scale is not None:
        scale = min(scale, max_scale)
    x = area.x + (area.w - drawn.w * scale) / 2 - drawn.x * scale
    y = area.y + (area.h - drawn.h * scale) / 2 - drawn.y * scale
    return Placement(page, landscape, width, height, scale, x, y, furniture, header)


def _readable(layout: Layout, placement: Placement) -> bool:
    return layout.style.font_size * placement.scale >= MIN_TEXT_PT - 1e-6


def choose_page(layout: Layout, chain: Chain | None, page: str | None,
                landscape: bool | None) -> PageChoice:
    """The page for the chart, and warnings about text smaller than :data:`MIN_TEXT_PT`.

    ``page=None``: the smallest size (landscape unless ``landscape`` is False) at which body
    text prints at :data:`MIN_TEXT_PT` or more, never enlarging the chart. A given ``page``
    is filled, in the orientation given (``None``: whichever fits better).
    """
    if page is None:
        return _smallest_readable_page(layout, chain, True if landscape is None else landscape)
    body = layout.style.font_size
    notes: list[str] = []
    if landscape is None:
        wide = place_chart(layout, chain, page, True, None)
        tall = place_chart(layout, chain, page, False, None)
        placement = wide if wide.scale >= tall.scale - 1e-9 else tall
    else:
        placement = place_chart(layout, chain, page, landscape, None)
    printed = body * placement.scale
    if printed < MIN_TEXT_PT - 1e-6:
        smallest = next((name for name in PAGE_ORDER
                         if _readable(layout, place_chart(layout, chain, name,
                                                          placement.landscape, 1.0))), None)
        note = _("on {page} body text prints at {printed} pt (less than {least} pt)").format(
            page=page_label(placement), printed=decimal(printed), least=f"{MIN_TEXT_PT:g}")
        if smallest:
            note += "; " + _("{page} is the smallest size with {least} pt").format(
                page=smallest, least=f"{MIN_TEXT_PT:g}")
        notes.append(note)
    return PageChoice(placement, notes)


def _smallest_readable_page(layout: Layout, chain: Chain | None,
                            landscape: bool) -> PageChoice:
    for name in PAGE_ORDER:
        candidate = place_chart(layout, chain, name, landscape, 1.0)
        if _readable(layout, candidate):
            return PageChoice(candidate, [])
    placement = place_chart(layout, chain, PAGE_ORDER[-1], landscape, 1.0)
    return PageChoice(placement, [
        _("the chart is too large for {page}: body text prints at {printed} pt (less than "
          "{least} pt)").format(page=PAGE_ORDER[-1], least=f"{MIN_TEXT_PT:g}",
                                printed=decimal(layout.style.font_size * placement.scale))])


def page_label(placement: Placement) -> str:
    """"A3 landscape", for messages (in the chosen language)."""
    if placement.landscape:
        return _("{page} landscape").format(page=placement.page)
    return _("{page} portrait").format(page=placement.page)


def qr_spots(layout: Layout) -> Iterator[ContactSpot]:
    """The contact spots of the layout that carry a QR code."""
    for lane in layout.lanes.values():
        for spot in lane.contacts:
            if spot.qr is not None:
                yield spot


def smallest_module_mm(layout: Layout, scale: float) -> float | None:
    """The smallest QR module of the chart printed at ``scale``, mm (None: no QR codes)."""
    sizes = [spot.qr.w * scale / qr_matrix(spot.payload).total_size / MM
             for spot in qr_spots(layout) if spot.qr is not None]
    return min(sizes) if sizes else None


def qr_side_for_min_module(layout: Layout, scale: float) -> float:
    """The layout QR side (points, quiet zone included) whose modules print at exactly
    :data:`MIN_MODULE_MM` at ``scale``, for the layout's densest code."""
    return max(MIN_MODULE_MM * MM * qr_matrix(spot.payload).total_size / scale
               for spot in qr_spots(layout))
