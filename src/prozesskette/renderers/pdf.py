"""Print-ready PDF: the chart on one page, then the Schnittstellenpapier pages.

The chart page draws a :class:`~prozesskette.layout.geometry.Layout` and nothing else: every
box, line of text, route and QR square comes from the layout engine. This module only decides
what the *page* needs — the paper size, one uniform scale for the whole chart, margins, the
title block and the page footer — and it may ask the layout engine for a new layout with
bigger QR codes (``qr_size``) when the scale would print QR modules smaller than 0.4 mm.

Everything is vector (QR codes are filled rectangles, no bitmaps); the bundled Noto Sans is
embedded as a subset; output is byte-identical for the same input (reportlab's ``invariant``
mode plus a fixed creation date).
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from prozesskette.layout.geometry import (
    Badge,
    ContactSpot,
    EdgeRoute,
    LaneBox,
    Layout,
    LegendItem,
    NodeBox,
    PhaseBox,
    Point,
    Rect,
    TextBlock,
    TextLine,
)

if TYPE_CHECKING:
    from prozesskette.model import Chain
    from prozesskette.qr import QrMatrix

__all__ = [
    "DEFAULT_CREATION_DATE",
    "MAX_QR_GROWTH",
    "MIN_MODULE_MM",
    "MIN_TEXT_PT",
    "PAGE_ORDER",
    "PdfResult",
    "PrintWarning",
    "build_pdf",
    "page_size",
    "register_fonts",
    "render_pdf",
]

MM = 72 / 25.4
"""Points per millimetre."""

MIN_TEXT_PT = 7.0
"""Smallest printed body text size (the layout's ``style.font_size`` after scaling)."""

MIN_MODULE_MM = 0.4
"""Smallest printed QR module; phone cameras read 0.4 mm modules reliably."""

PAGE_ORDER = ("A4", "A3", "A2", "A1", "A0")
"""Paper sizes tried, smallest first."""

DEFAULT_CREATION_DATE = datetime(2000, 1, 1, tzinfo=UTC)
"""Creation date written when none is given, so that the same chain gives the same bytes."""

FONT_REGULAR = "NotoSans"
FONT_BOLD = "NotoSans-Bold"

MAX_QR_GROWTH = 2.5
"""When the chart's text prints below 7 pt anyway, QR codes are enlarged to at most this many
times the layout's own size: beyond that the chart would become mostly QR codes, and a larger
page is the real fix. Charts with readable text get whatever size the codes need."""

_QR_ATTEMPTS = 5  # times the layout is redone with bigger QR codes
_QR_HEADROOM = 1.03  # enlarge QR codes a little more than the bare minimum


class PrintWarning(UserWarning):
    """Something about the printed PDF the user should know (small text, enlarged QR codes)."""


LayoutFactory = Callable[..., Layout]


def page_size(name: str, landscape: bool = True) -> tuple[float, float]:
    """Width and height in points of an ISO A paper size ("A4" … "A0")."""
    from reportlab.lib import pagesizes

    key = name.strip().upper()
    if key not in PAGE_ORDER:
        raise ValueError(f"unknown page size {name!r}: use one of " + ", ".join(PAGE_ORDER))
    short, long = sorted(getattr(pagesizes, key))
    return (long, short) if landscape else (short, long)


# --------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------


def register_fonts() -> None:
    """Register the bundled Noto Sans (regular and bold) with reportlab, once.

    reportlab embeds registered TrueType fonts as subsets holding only the glyphs used.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from prozesskette.text import font_path

    registered = pdfmetrics.getRegisteredFontNames()
    if FONT_REGULAR not in registered:
        pdfmetrics.registerFont(TTFont(FONT_REGULAR, str(font_path(False))))
    if FONT_BOLD not in registered:
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_path(True))))
        # <b> in platypus paragraphs; italics fall back to the upright faces
        addMapping(FONT_REGULAR, 0, 0, FONT_REGULAR)
        addMapping(FONT_REGULAR, 1, 0, FONT_BOLD)
        addMapping(FONT_REGULAR, 0, 1, FONT_REGULAR)
        addMapping(FONT_REGULAR, 1, 1, FONT_BOLD)


def _font(bold: bool) -> str:
    return FONT_BOLD if bold else FONT_REGULAR


#: The PDF's own words (page furniture), per language; others fall back to English.
PAGE_WORDS: dict[str, dict[str, str]] = {
    "de": {"stand": "Stand: {}", "page": "Seite {} von {}", "chart": "Prozesskette",
           "paper": "Schnittstellenpapier"},
    "en": {"stand": "As of {}", "page": "Page {} of {}", "chart": "Process chain",
           "paper": "Interfaces and contacts"},
    "ar": {"stand": "الإصدار: {}", "page": "الصفحة {} من {}", "chart": "سلسلة الإجراءات",
           "paper": "نقاط التواصل وجهات الاتصال"},
    "fa": {"stand": "نسخه: {}", "page": "صفحه {} از {}", "chart": "زنجیره فرایند",
           "paper": "نقاط ارتباط و اطلاعات تماس"},
    "uk": {"stand": "Станом на {}", "page": "Сторінка {} з {}", "chart": "Ланцюг процесу",
           "paper": "Взаємодія та контакти"},
}


def _page_words(chain: Chain | None) -> dict[str, str]:
    from prozesskette.i18n import pick

    return pick(PAGE_WORDS, getattr(chain, "language", None) or "de")


def _chain_rtl(chain: Chain | None) -> bool:
    from prozesskette.i18n import is_rtl

    return is_rtl(getattr(chain, "language", None))


def _face_font(face: str, bold: bool) -> str:
    """The reportlab name of a bundled face (registered on first use)."""
    from prozesskette.text import PRIMARY

    if face == PRIMARY:
        return _font(bold)
    from prozesskette.renderers.appendix import _family

    _family(face)
    return f"{face}-Bold" if bold else face


def draw_text(canvas: Any, text: str, left: float, baseline: float, size: float,
              bold: bool = False, chart_rtl: bool = False) -> None:
    """One line of text starting at ``left`` (y up, as reportlab draws), in visual order.

    Text Noto Sans covers is drawn as PDF text. Other scripts fall back per run to the
    bundled Arabic and Ethiopic faces; Arabic runs are shaped with HarfBuzz and drawn as
    glyph outlines (reportlab cannot place shaped glyphs), with the same text laid
    invisibly on top so that the PDF stays searchable and copyable.
    """
    from prozesskette import text as fonts

    if not fonts.needs_runs(text):
        canvas.setFont(_font(bold), size)
        canvas.drawString(left, baseline, text)
        return
    rtl = fonts.line_rtl(text, chart_rtl)
    x = left
    for face, part, level in fonts.visual_runs(text, bold, rtl):
        scale = size / 1000.0
        if face in fonts.SHAPED:
            start = x
            for gid, advance, x_offset, y_offset in fonts.shape(part, face, bold,
                                                                 bool(level % 2)):
                _draw_glyph(canvas, fonts.glyph_outline(face, gid, bold),
                            x + x_offset * scale, baseline + y_offset * scale, scale)
                x += advance * scale
            invisible = canvas.beginText(start, baseline)
            invisible.setTextRenderMode(3)
            invisible.setFont(_face_font(face, bold), size)
            invisible.setHorizScale(100.0 * (x - start) / max(
                fonts.text_width(part, size, bold), 0.01))
            invisible.textOut(part)
            invisible.setTextRenderMode(0)  # the mode outlives the text object otherwise
            invisible.setHorizScale(100.0)
            canvas.drawText(invisible)
        else:
            canvas.setFont(_face_font(face, bold), size)
            canvas.drawString(x, baseline, fonts.visual_text(face, part, level))
            x += fonts.run_units(face, part, bold, level) * scale


def _draw_glyph(canvas: Any, outline: tuple[tuple[str, tuple[float, ...]], ...], x: float,
                y: float, scale: float) -> None:
    if not outline:
        return
    path = canvas.beginPath()
    current = (0.0, 0.0)
    for operator, values in outline:
        points = [(x + values[k] * scale, y + values[k + 1] * scale)
                  for k in range(0, len(values), 2)]
        if operator == "M":
            path.moveTo(*points[0])
        elif operator == "L":
            path.lineTo(*points[0])
        elif operator == "Q":  # quadratic → cubic Bézier
            (qx, qy), (ex, ey) = points
            cx, cy = current
            path.curveTo(cx + 2 / 3 * (qx - cx), cy + 2 / 3 * (qy - cy),
                         ex + 2 / 3 * (qx - ex), ey + 2 / 3 * (qy - ey), ex, ey)
        elif operator == "C":
            path.curveTo(*points[0], *points[1], *points[2])
        else:
            path.close()
            continue
        current = points[-1]
    canvas.drawPath(path, stroke=0, fill=1)


# --------------------------------------------------------------------------------------------
# Page fitting
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Furniture:
    """Sizes of the page furniture (margins, title block, footer) for one paper size."""

    margin: float
    title_size: float
    subtitle_size: float
    footer_size: float
    gap: float

    @classmethod
    def for_page(cls, width: float, height: float) -> _Furniture:
        # grows with the paper: 1 on A4, about 1.41 per size step up to 4 on A0
        k = min(width, height) / page_size("A4", False)[0]
        root = math.sqrt(k)
        return cls(margin=10 * MM * root, title_size=14 * k, subtitle_size=8.5 * k,
                   footer_size=7 * root, gap=4 * MM * root)


@dataclass(frozen=True)
class _Placement:
    """Where the chart goes on the page: ``scale`` and the chart's top-left corner."""

    page: str
    landscape: bool
    width: float
    height: float
    scale: float
    x: float  # page coordinates of the chart's top-left corner, y measured from the top
    y: float
    furniture: _Furniture
    header: tuple[TextLine, ...]  # title block lines in page coordinates (top-left origin)


def _header_lines(chain: Chain | None, layout: Layout, width: float,
                  furniture: _Furniture) -> tuple[TextLine, ...]:
    """The page's title block: title, region and "Stand" — unless the layout has a title."""
    from prozesskette.text import ascent, line_height, wrap

    if layout.title is not None or chain is None:
        return ()
    lines: list[TextLine] = []
    rtl = _chain_rtl(chain)
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
        parts.append(_page_words(chain)["stand"].format(chain.version))
    return " · ".join(part for part in parts if part)


def _place(layout: Layout, chain: Chain | None, page: str, landscape: bool,
           max_scale: float | None) -> _Placement:
    from prozesskette.text import descent

    width, height = page_size(page, landscape)
    furniture = _Furniture.for_page(width, height)
    header = _header_lines(chain, layout, width, furniture)
    top = furniture.margin
    if header:
        last = header[-1]
        top = last.y + descent(last.size, last.bold) + furniture.gap
    bottom = height - furniture.margin - furniture.footer_size * 1.6 - furniture.gap
    available_w = width - 2 * furniture.margin
    available_h = max(1.0, bottom - top)
    scale = min(available_w / max(layout.width, 1e-9), available_h / max(layout.height, 1e-9))
    if max_scale is not None:
        scale = min(scale, max_scale)
    x = furniture.margin + (available_w - layout.width * scale) / 2
    y = top + (available_h - layout.height * scale) / 2
    return _Placement(page, landscape, width, height, scale, x, y, furniture, header)


def _choose_page(layout: Layout, chain: Chain | None, page: str | None,
                 landscape: bool | None) -> tuple[_Placement, list[str]]:
    """The page for the chart, and warnings about text smaller than :data:`MIN_TEXT_PT`."""
    body = layout.style.font_size
    notes: list[str] = []
    if page is None:
        orientation = True if landscape is None else landscape
        placement = None
        for name in PAGE_ORDER:
            candidate = _place(layout, chain, name, orientation, 1.0)
            if body * candidate.scale >= MIN_TEXT_PT - 1e-6:
                placement = candidate
                break
        if placement is None:
            placement = _place(layout, chain, PAGE_ORDER[-1], orientation, 1.0)
            notes.append(
                f"the chart is too large for {PAGE_ORDER[-1]}: body text prints at "
                f"{body * placement.scale:.1f} pt (less than {MIN_TEXT_PT:g} pt)")
        return placement, notes
    if landscape is None:
        wide = _place(layout, chain, page, True, None)
        tall = _place(layout, chain, page, False, None)
        placement = wide if wide.scale >= tall.scale - 1e-9 else tall
    else:
        placement = _place(layout, chain, page, landscape, None)
    printed = body * placement.scale
    if printed < MIN_TEXT_PT - 1e-6:
        smallest = next((name for name in PAGE_ORDER
                         if body * _place(layout, chain, name, placement.landscape, 1.0).scale
                         >= MIN_TEXT_PT - 1e-6), None)
        hint = f"; {smallest} is the smallest size with {MIN_TEXT_PT:g} pt" if smallest else ""
        notes.append(f"on {_page_label(placement)} body text prints at {printed:.1f} pt "
                     f"(less than {MIN_TEXT_PT:g} pt){hint}")
    return placement, notes


def _page_label(placement: _Placement) -> str:
    return f"{placement.page} {'landscape' if placement.landscape else 'portrait'}"


# --------------------------------------------------------------------------------------------
# QR codes
# --------------------------------------------------------------------------------------------


def _spots(layout: Layout) -> Iterator[ContactSpot]:
    for lane in layout.lanes.values():
        for spot in lane.contacts:
            if spot.qr is not None:
                yield spot


def _matrix(payload: str) -> QrMatrix:
    from prozesskette.qr import qr_matrix

    return qr_matrix(payload)


def _smallest_module_mm(layout: Layout, scale: float) -> float | None:
    sizes = [spot.qr.w * scale / _matrix(spot.payload).total_size / MM
             for spot in _spots(layout) if spot.qr is not None]
    return min(sizes) if sizes else None


def _needed_qr_size(layout: Layout, scale: float) -> float:
    """The layout ``qr_size`` (points, quiet zone included) for 0.4 mm modules at ``scale``."""
    return max(MIN_MODULE_MM * MM * _matrix(spot.payload).total_size / scale
               for spot in _spots(layout)) * _QR_HEADROOM


# --------------------------------------------------------------------------------------------
# Drawing the chart
# --------------------------------------------------------------------------------------------

# The SVG renderer's default colours (prozesskette.renderers.svg), so both outputs look alike.
INK = "#1a1a1a"  # text
NOTE = "#4d4d4d"  # notes (legal basis), also the page furniture
LINK = "#0b57a5"  # text lines that carry a link
STROKE = "#333333"  # step outlines
STEP_FILL = "#ffffff"
EDGE = "#4d4d4d"
HANDOFF = "#b3261e"
LANE_STROKE = "#a6a6a6"
LANE_FILL = "#f7f7f7"  # a lane without a valid colour of its own
PHASE_FILL = "#ececec"
PHASE_STROKE = "#8c8c8c"
BADGE = "#5b3a8c"
WHITE = "#ffffff"
HEADER_VEIL = 0.6  # lane headers: white at 60 % over the lane colour (blended, no alpha)
NOTE_SLANT = 12.0  # degrees: notes are oblique, as the SVG's font-style="italic"

_HEX_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def _color(value: str) -> Any:
    from reportlab.lib.colors import HexColor

    if len(value) == 4:  # #rgb
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return HexColor(value)


def _lane_color(value: str | None) -> str:
    return value if value and _HEX_RE.match(value) else LANE_FILL


def _veiled(value: str, veil: float) -> Any:
    """``value`` seen through white of opacity ``veil``."""
    from reportlab.lib.colors import Color

    base = _color(value)
    return Color(*(channel + (1 - channel) * veil
                   for channel in (base.red, base.green, base.blue)))


class _Painter:
    """Draws layout geometry on a reportlab canvas, the way the SVG renderer draws it.

    The canvas is transformed so that one unit is one layout point and the chart's top-left
    corner is the origin; layout y grows downwards, so every y is negated when drawn.
    """

    def __init__(self, canvas: Any, layout: Layout) -> None:
        self.c = canvas
        self.layout = layout
        self.style = layout.style
        from prozesskette.i18n import is_rtl

        self.rtl = is_rtl(layout.language)

    # -- primitives ---------------------------------------------------------------------

    def text(self, line: TextLine, color: str = INK, slant: float = 0.0) -> None:
        from prozesskette.text import ascent, descent, text_width

        if not line.text.strip():
            return
        c = self.c
        width = text_width(line.text, line.size, line.bold)
        left = line.x - (width if line.anchor == "end" else
                         width / 2 if line.anchor == "middle" else 0.0)
        c.saveState()
        c.setFillColor(_color(LINK if line.href else color))
        c.translate(left, -line.y)
        if slant:
            c.skew(0, slant)
        draw_text(c, line.text, 0, 0, line.size, line.bold, self.rtl)
        c.restoreState()
        if line.href:
            c.linkURL(line.href, (left, -(line.y + descent(line.size, line.bold)), left + width,
                                  -(line.y - ascent(line.size, line.bold))),
                      relative=1, thickness=0)

    def block(self, block: TextBlock | None, color: str = INK, slant: float = 0.0) -> None:
        if block is not None:
            for line in block.lines:
                self.text(line, color, slant)

    def rect_path(self, rect: Rect, radius: float = 0.0) -> Any:
        path = self.c.beginPath()
        radius = min(radius, rect.w / 2, rect.h / 2)
        if radius > 0:
            path.roundRect(rect.x, -rect.bottom, rect.w, rect.h, radius)
        else:
            path.rect(rect.x, -rect.bottom, rect.w, rect.h)
        return path

    def fill_rect(self, rect: Rect, fill: Any, stroke: Any = None, width: float = 1.0) -> None:
        c = self.c
        if fill is not None:
            c.setFillColor(fill)
        if stroke is not None:
            c.setStrokeColor(stroke)
            c.setLineWidth(width)
        c.rect(rect.x, -rect.bottom, rect.w, rect.h, stroke=0 if stroke is None else 1,
               fill=0 if fill is None else 1)

    def shape_path(self, kind: str, rect: Rect) -> tuple[Any, float]:
        """The outline of a step of ``kind`` in ``rect``, and its stroke width."""
        c = self.c
        width = self.style.line_width
        if kind in ("start", "end"):
            if kind == "end":  # a thicker border, kept inside the same outer extent
                thick = 2.5 * width
                rect = rect.inflate(-(thick - width) / 2)
                width = thick
            return self.rect_path(rect, min(rect.w, rect.h) / 2), width
        path = c.beginPath()
        if kind == "decision":
            path.moveTo(rect.cx, -rect.y)
            path.lineTo(rect.right, -rect.cy)
            path.lineTo(rect.cx, -rect.bottom)
            path.lineTo(rect.x, -rect.cy)
            path.close()
            return path, width
        if kind == "document":
            # straight top and sides; the bottom is the SVG's "Q … T …": two quadratic
            # half-waves, up in the right half and down in the left, written as cubics
            wave = min(rect.h * 0.1, 4.0)
            base = rect.bottom - wave
            path.moveTo(rect.x, -rect.y)
            path.lineTo(rect.right, -rect.y)
            path.lineTo(rect.right, -base)
            for start, control, end in (
                    ((rect.right, base), (rect.right - rect.w / 4, base - 2 * wave),
                     (rect.cx, base)),
                    ((rect.cx, base), (rect.x + rect.w / 4, base + 2 * wave),
                     (rect.x, base))):
                (c1x, c1y), (c2x, c2y), (ex, ey) = _quad_to_cubic(start, control, end)
                path.curveTo(c1x, -c1y, c2x, -c2y, ex, -ey)
            path.close()
            return path, width
        return self.rect_path(rect, self.style.corner_radius), width

    def shape(self, kind: str, rect: Rect, fill: Any, stroke: Any) -> None:
        path, width = self.shape_path(kind, rect)
        c = self.c
        if fill is not None:
            c.setFillColor(fill)
        if stroke is not None:
            c.setStrokeColor(stroke)
            c.setLineWidth(width)
        c.drawPath(path, stroke=0 if stroke is None else 1, fill=0 if fill is None else 1)

    # -- chart parts --------------------------------------------------------------------

    def draw(self) -> None:
        # the SVG's order: lanes (with contacts), phases, steps, edges, legend, title
        for lane in self.layout.lanes.values():
            self.lane(lane)
        for index, phase in enumerate(self.layout.phases.values()):
            self.phase(phase, index)
        for node in self.layout.nodes.values():
            self.node(node)
        for edge in self.layout.edges:
            self.edge(edge)
        self.legend()
        self.title()

    def lane(self, lane: LaneBox) -> None:
        color = _lane_color(lane.color)
        self.fill_rect(lane.band, _color(color), _color(LANE_STROKE), self.style.line_width)
        self.fill_rect(lane.header, _veiled(color, HEADER_VEIL))
        self.block(lane.title)
        for spot in lane.contacts:
            if spot.qr is not None:
                draw_qr(self.c, _matrix(spot.payload), spot.qr.x, -spot.qr.bottom,
                        min(spot.qr.w, spot.qr.h))
            self.block(spot.text)

    def phase(self, phase: PhaseBox, index: int) -> None:
        c = self.c
        column, header = phase.column, phase.header
        if index:  # a dashed line where the phase starts, below (beside) its header
            c.setStrokeColor(_color(PHASE_STROKE))
            c.setLineWidth(self.style.line_width)
            c.setDash(4, 3)
            if self.layout.direction == "tb":
                inside = header.x >= column.x and header.right <= column.right
                x1 = header.right if inside else column.x
                c.line(x1, -column.y, column.right, -column.y)
            else:
                inside = header.y >= column.y and header.bottom <= column.bottom
                y1 = header.bottom if inside else column.y
                c.line(column.x, -y1, column.x, -column.bottom)
            c.setDash()
        self.fill_rect(header, _color(PHASE_FILL), _color(PHASE_STROKE), self.style.line_width)
        self.block(phase.title)

    def node(self, node: NodeBox) -> None:
        c = self.c
        shared = len(node.actors) > 1
        self.shape(node.kind, node.rect, _color(STEP_FILL), _color(STROKE))
        if shared and node.lane_parts:
            c.saveState()
            path, _ = self.shape_path(node.kind, node.rect)
            c.clipPath(path, stroke=0, fill=0)
            for actor, part in node.lane_parts:
                lane = self.layout.lanes.get(actor)
                self.fill_rect(part, _color(_lane_color(lane.color if lane else None)))
            c.restoreState()
            self.shape(node.kind, node.rect, None, _color(STROKE))
        self.block(node.title)
        self.block(node.note, NOTE, NOTE_SLANT)
        for badge in node.badges:
            self.badge(badge)

    def badge(self, badge: Badge) -> None:
        rect = badge.rect
        radius = min(rect.w, rect.h) / 2
        self.c.setFillColor(_color(BADGE))
        self.c.circle(rect.cx, -rect.cy, radius, stroke=0, fill=1)
        self.text(badge.text, STEP_FILL)

    def route(self, points: list[Point], radius: float) -> Any:
        """The polyline with its bends rounded (quadratic, as the SVG's ``Q``)."""
        path = self.c.beginPath()
        path.moveTo(points[0][0], -points[0][1])
        last = len(points) - 1
        for i in range(1, last):
            (x0, y0), (x1, y1), (x2, y2) = points[i - 1], points[i], points[i + 1]
            len1 = abs(x1 - x0) + abs(y1 - y0)
            len2 = abs(x2 - x1) + abs(y2 - y1)
            r = min(radius, len1 if i == 1 else len1 / 2, len2 if i + 1 == last else len2 / 2)
            if r < 0.5 or len1 == 0 or len2 == 0:
                path.lineTo(x1, -y1)
                continue
            ax, ay = x1 - (x1 - x0) / len1 * r, y1 - (y1 - y0) / len1 * r
            bx, by = x1 + (x2 - x1) / len2 * r, y1 + (y2 - y1) / len2 * r
            path.lineTo(ax, -ay)
            (c1x, c1y), (c2x, c2y), _ = _quad_to_cubic((ax, ay), (x1, y1), (bx, by))
            path.curveTo(c1x, -c1y, c2x, -c2y, bx, -by)
        path.lineTo(points[last][0], -points[last][1])
        return path

    def arrow(self, points: tuple[Point, ...], color: Any, dashed: bool = False,
              radius: float | None = None) -> None:
        """A route with its arrow head at the last point (the route stops under the head)."""
        c = self.c
        route = [point for index, point in enumerate(points)
                 if index == 0 or point != points[index - 1]]
        if len(route) < 2:
            return
        size = self.style.arrow_size
        (x0, y0), (x1, y1) = route[-2], route[-1]
        length = math.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        cut = min(size * 0.5, length)
        route[-1] = (x1 - ux * cut, y1 - uy * cut)
        c.setStrokeColor(color)
        c.setLineWidth(self.style.edge_width)
        if dashed:
            c.setDash(4, 3)
        c.drawPath(self.route(route, self.style.corner_radius if radius is None else radius),
                   stroke=1, fill=0)
        if dashed:
            c.setDash()
        bx, by = x1 - ux * size, y1 - uy * size
        half = size * 0.4
        head = c.beginPath()
        head.moveTo(x1, -y1)
        head.lineTo(bx - uy * half, -(by + ux * half))
        head.lineTo(bx + uy * half, -(by - ux * half))
        head.close()
        c.setFillColor(color)
        c.drawPath(head, stroke=0, fill=1)

    def marker(self, point: Point, color: Any) -> None:
        c = self.c
        c.setFillColor(_color(STEP_FILL))
        c.setStrokeColor(color)
        c.setLineWidth(self.style.edge_width)
        c.circle(point[0], -point[1], self.style.arrow_size * 0.5, stroke=1, fill=1)

    def edge(self, edge: EdgeRoute) -> None:
        if len(edge.points) < 2:
            return
        color = _color(HANDOFF if edge.handoff else EDGE)
        self.arrow(edge.points, color, dashed=edge.back)
        if edge.marker is not None:
            self.marker(edge.marker, color)
        if edge.label is not None:
            self.fill_rect(edge.label.rect, _color(STEP_FILL))
            self.block(edge.label.text)

    def legend(self) -> None:
        legend = self.layout.legend
        if legend is None:
            return
        self.fill_rect(legend.rect, _color(WHITE), _color(LANE_STROKE), self.style.line_width)
        for item in legend.items:
            self.swatch(item)
            self.block(item.text)

    def swatch(self, item: LegendItem) -> None:
        box = item.swatch
        c = self.c
        if item.kind in ("start", "task", "decision", "document", "end"):
            self.shape(item.kind, box, _color(STEP_FILL), _color(STROKE))
        elif item.kind == "shared":
            fills = [*(_lane_color(lane.color) for lane in self.layout.lanes.values()),
                     LANE_FILL, "#e6e6e6"][:2]
            self.fill_rect(Rect(box.x, box.y, box.w, box.h / 2), _color(fills[0]))
            self.fill_rect(Rect(box.x, box.cy, box.w, box.h / 2), _color(fills[1]))
            self.shape("task", box, None, _color(STROKE))
        elif item.kind in ("handoff", "back", "edge"):
            color = _color(HANDOFF if item.kind == "handoff" else EDGE)
            self.arrow(((box.x, box.cy), (box.right, box.cy)), color,
                       dashed=item.kind == "back", radius=0)
            if item.kind == "handoff":
                self.marker((box.cx, box.cy), color)
        elif item.kind in ("overlap", "badge"):
            c.setFillColor(_color(BADGE))
            c.circle(box.cx, -box.cy, min(box.w, box.h) / 2, stroke=0, fill=1)
        else:
            self.shape("task", box, _color(STEP_FILL), _color(STROKE))

    def title(self) -> None:
        title = self.layout.title
        if title is not None:
            self.block(title.title)
            self.block(title.subtitle)


def _quad_to_cubic(start: Point, control: Point, end: Point) -> tuple[Point, Point, Point]:
    """The cubic Bézier control points (and end) that draw a quadratic Bézier exactly."""
    (sx, sy), (cx, cy), (ex, ey) = start, control, end
    return ((sx + 2 / 3 * (cx - sx), sy + 2 / 3 * (cy - sy)),
            (ex + 2 / 3 * (cx - ex), ey + 2 / 3 * (cy - ey)), end)


def draw_qr(canvas: Any, matrix: QrMatrix, x: float, y: float, side: float) -> None:
    """Draw a QR code as filled rectangles in the square with lower-left corner ``(x, y)``.

    ``side`` includes the quiet zone, which is painted white. The dark modules are the merged
    rectangles of :meth:`QrMatrix.dark_rects`, written in module units (small integers) under
    one transformation and filled as one path, so no seams show between them and a code
    costs a few hundred bytes.
    """
    from reportlab.lib.colors import black, white

    module = side / matrix.total_size
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillColor(black)
    # module grid: origin at the symbol's top-left module, y downwards, one unit per module
    canvas.transform(module, 0, 0, -module, x + matrix.quiet_zone * module,
                     y + side - matrix.quiet_zone * module)
    rects = "\n".join(f"{mx} {my} {mw} {mh} re" for mx, my, mw, mh in matrix.dark_rects())
    if rects:
        canvas.addLiteral(rects + "\nf")
    canvas.restoreState()


# --------------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------------


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
    warnings: tuple[str, ...]
    layout: Layout


def _date_formatter(moment: datetime) -> Callable[..., str]:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    stamp = (f"D:{moment:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'"
             f"{abs(minutes) % 60:02d}'")

    def formatter(*_: Any) -> str:
        return stamp

    return formatter


def _make_canvas_class() -> type:
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Keeps the pages until the end so that the footer can say "Seite i von N".

        Outline entries are recorded with their page and replayed when the pages are
        written (bookmarks must refer to the page being written).
        """

        def __init__(self, *args: Any, footer: Callable[[Any, int, int], None],
                     date_formatter: Callable[..., str], **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(date_formatter)
            self._pk_pages: list[dict[str, Any]] = []
            self._pk_footer = footer
            self._pk_marks: list[tuple[int, str, str, int]] = []

        def pk_outline(self, title: str, key: str, level: int = 0) -> None:
            self._pk_marks.append((len(self._pk_pages), key, title, level))

        def showPage(self) -> None:
            self._pk_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = self._pk_pages
            marks = self._pk_marks
            total = len(pages)
            for number, state in enumerate(pages):
                self.__dict__.update(state)
                for page, key, _title, _level in marks:
                    if page == number:
                        self.bookmarkPage(key, fit="Fit")
                self._pk_footer(self, number + 1, total)
                Canvas.showPage(self)
            for _page, key, title, level in marks:
                self.addOutlineEntry(title, key, level)
            if marks:
                self.showOutline()
            Canvas.save(self)

    return NumberedCanvas


def _footer_text(chain: Chain) -> str:
    parts = [chain.title, chain.region or ""]
    if chain.version:
        parts.append(_page_words(chain)["stand"].format(chain.version))
    return " · ".join(part for part in parts if part)


def _fit_text(value: str, width: float, size: float) -> str:
    from prozesskette.text import text_width

    if text_width(value, size) <= width:
        return value
    while value and text_width(value + " …", size) > width:
        value = value[:-1]
    return value.rstrip() + " …"


def _draw_footer(canvas: Any, number: int, total: int, *, chain: Chain,
                 chart_page: bool) -> None:
    from prozesskette.text import text_width

    width, height = canvas._pagesize
    if chart_page and number == 1:
        furniture = _Furniture.for_page(width, height)
        margin, size = furniture.margin, furniture.footer_size
    else:
        margin, size = 18 * MM, 7.5
    label = _page_words(chain)["page"].format(number, total)
    baseline = margin * 0.75 if not chart_page or number > 1 else margin
    canvas.saveState()
    canvas.setFillColor(_color(NOTE))
    rtl = _chain_rtl(chain)
    label_width = text_width(label, size)
    room = width - 2 * margin - label_width - 4 * size
    footer = _fit_text(_footer_text(chain), room, size)
    if rtl:  # mirrored: the page number on the left, the chain on the right
        draw_text(canvas, label, margin, baseline, size, chart_rtl=True)
        draw_text(canvas, footer, width - margin - text_width(footer, size), baseline, size,
                  chart_rtl=True)
    else:
        draw_text(canvas, label, width - margin - label_width, baseline, size)
        draw_text(canvas, footer, margin, baseline, size)
    canvas.restoreState()


def _chart_flowable(layout: Layout, placement: _Placement, bookmark: str | None) -> Any:
    from reportlab.platypus import Flowable

    class Chart(Flowable):  # type: ignore[misc]
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return placement.width, placement.height

        def draw(self) -> None:
            canvas = self.canv
            if bookmark is not None and hasattr(canvas, "pk_outline"):
                canvas.pk_outline(bookmark, "chart")
            painter = _Painter(canvas, layout)
            # page furniture: the title block when the layout has none (page coordinates,
            # measured from the top like the layout's)
            canvas.saveState()
            canvas.translate(0, placement.height)
            for line in placement.header:
                painter.text(line, INK if line.bold else NOTE)
            canvas.restoreState()
            canvas.saveState()
            canvas.translate(placement.x, placement.height - placement.y)
            canvas.scale(placement.scale, placement.scale)
            painter.draw()
            canvas.restoreState()

    return Chart()


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
    """
    if layout_factory is None:
        from prozesskette.layout import layout_chain

        layout_factory = layout_chain
    options = {**(layout_options or {}), **more_layout_options}
    if page is not None:
        page_size(page)  # validates the name
        page = page.strip().upper()
    notes: list[str] = []

    qr_size: float | None = options.pop("qr_size", None)
    if appendix and _chain_rtl(chain):
        appendix = False
        notes.append("the Schnittstellenpapier pages are not available for right-to-left "
                     "languages yet: the PDF holds the chart only; the HTML page "
                     "(--format html) carries the contact directory and the interfaces")

    def attempt(size: float | None) -> tuple[Layout, _Placement, list[str], float | None]:
        kwargs = {"qr": qr, **options}
        if size is not None:
            kwargs["qr_size"] = size
        made = layout_factory(chain, **kwargs)
        placed, text = _choose_page(made, chain, page, landscape)
        return made, placed, text, (_smallest_module_mm(made, placed.scale) if qr else None)

    layout, placement, text_notes, module = attempt(qr_size)
    first: tuple[float, str, float] | None = None  # module, page, QR side before enlarging
    stuck = False
    for _attempt in range(_QR_ATTEMPTS):
        if module is None or module >= MIN_MODULE_MM - 1e-9:
            break
        if first is None:
            first = (module, _page_label(placement),
                     max(spot.qr.w for spot in _spots(layout) if spot.qr is not None))
        # a chart whose text is unreadable anyway does not become a chart of QR codes
        readable = layout.style.font_size * placement.scale >= MIN_TEXT_PT - 1e-6
        if not readable and appendix and contacts:
            # the codes move to the contact directory pages, where they print at full size
            options["qr"] = False
            layout, placement, text_notes, _ = attempt(None)
            options.pop("qr")
            notes.append(f"QR modules would print at {first[0]:.2f} mm on {first[1]} (less "
                         f"than {MIN_MODULE_MM:g} mm): the QR codes are in the contact "
                         "directory pages instead of on the chart")
            first, module = None, None
            break
        cap = math.inf if readable else first[2] * MAX_QR_GROWTH
        previous, qr_size = module, min(_needed_qr_size(layout, placement.scale), cap)
        layout, placement, text_notes, module = attempt(qr_size)
        if module is not None and module < MIN_MODULE_MM - 1e-9 and (
                module <= previous * 1.01 or qr_size >= cap - 1e-6):
            stuck = True
            break
    if first is not None and qr_size is not None and module is not None \
            and module > MIN_MODULE_MM * 1.1:
        # the codes were enlarged for a scale that changed on the way (usually because the
        # chart moved to a larger page): try codes just big enough for the final scale
        tighter = _needed_qr_size(layout, placement.scale)
        if tighter < qr_size:
            candidate = attempt(tighter)
            if (candidate[3] is not None and candidate[3] >= MIN_MODULE_MM - 1e-9
                    and PAGE_ORDER.index(candidate[1].page)
                    <= PAGE_ORDER.index(placement.page)):
                layout, placement, text_notes, module = candidate
                qr_size = tighter
    if first is not None and module is not None:
        was, where, side = first
        note = (f"QR modules would print at {was:.2f} mm on {where} (less than "
                f"{MIN_MODULE_MM:g} mm): QR codes enlarged in the layout from {side:.0f} pt "
                f"to {qr_size or 0:.0f} pt, modules now {module:.2f} mm on "
                f"{_page_label(placement)}")
        if module < MIN_MODULE_MM - 1e-9:
            note += (f" (at most {MAX_QR_GROWTH:g} times their size): choose a larger page"
                     if stuck else f" — still too small after {_QR_ATTEMPTS} new layouts: "
                     "choose a larger page")
        notes.append(note)
    notes.extend(text_notes)

    data, pages = _document(chain, layout, placement, appendix=appendix, contacts=contacts,
                            matrix=matrix, interfaces=interfaces, qr=qr,
                            creation_date=creation_date or DEFAULT_CREATION_DATE)
    return PdfResult(data=data, page=placement.page, landscape=placement.landscape,
                     page_size=(placement.width, placement.height), scale=placement.scale,
                     origin=(placement.x, placement.y),
                     text_size=layout.style.font_size * placement.scale, module_mm=module,
                     qr_size=qr_size, pages=pages, warnings=tuple(notes), layout=layout)


def _document(chain: Chain, layout: Layout, placement: _Placement, *, appendix: bool,
              contacts: bool, matrix: bool, interfaces: bool, qr: bool,
              creation_date: datetime) -> tuple[bytes, int]:
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate

    from prozesskette.renderers.appendix import APPENDIX_MARGINS, appendix_story

    register_fonts()
    buffer = io.BytesIO()
    subject = "Prozesskette" + (" und Schnittstellenpapier" if appendix else "")
    if chain.region:
        subject += f" – {chain.region}"
    if chain.version:
        subject += f" – Stand: {chain.version}"
    doc = BaseDocTemplate(
        buffer,
        pagesize=(placement.width, placement.height),
        invariant=1,
        title=chain.title,
        author=chain.author or "",
        subject=subject,
        creator=_creator(),
        keywords=", ".join(actor.name for actor in chain.actors),
        lang=chain.language or "de",
        leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0,
        pageCompression=1,
        initialFontName=FONT_REGULAR, initialFontSize=9, initialLeading=12,
    )
    chart_frame = Frame(0, 0, placement.width, placement.height, 0, 0, 0, 0, id="chart")
    templates = [PageTemplate(id="chart", frames=[chart_frame],
                              pagesize=(placement.width, placement.height))]
    story: list[Any] = []
    extra: list[Any] = []
    if appendix:
        extra = appendix_story(chain, contacts=contacts, matrix=matrix,
                               interfaces=interfaces, qr=qr)
    if extra:
        a4 = page_size("A4", landscape=False)
        left, top, right, bottom = APPENDIX_MARGINS
        frame = Frame(left, bottom, a4[0] - left - right, a4[1] - top - bottom,
                      0, 0, 0, 0, id="appendix")
        templates.append(PageTemplate(id="appendix", frames=[frame], pagesize=a4,
                                      onPage=partial(_appendix_header, chain=chain)))
        story.append(NextPageTemplate("appendix"))
    doc.addPageTemplates(templates)
    story.append(_chart_flowable(layout, placement, "Prozesskette" if extra else None))
    story.extend(extra)
    footer = partial(_draw_footer, chain=chain, chart_page=True)
    canvas_class = _make_canvas_class()
    doc.build(story, canvasmaker=partial(canvas_class, footer=footer,
                                         date_formatter=_date_formatter(creation_date)))
    return buffer.getvalue(), doc.page


def _creator() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"prozesskette {version('prozesskette')}"
    except PackageNotFoundError:
        return "prozesskette"


def _appendix_header(canvas: Any, doc: Any, *, chain: Chain) -> None:
    from prozesskette.renderers.appendix import APPENDIX_MARGINS

    width, height = canvas._pagesize
    left, top, right, _bottom = APPENDIX_MARGINS
    canvas.saveState()
    canvas.setFont(FONT_REGULAR, 7.5)
    canvas.setFillColor(_color(NOTE))
    draw_text(canvas, _fit_text(f"{_page_words(chain)['paper']} · {chain.title}",
                                width - left - right, 7.5), left, height - top + 5 * MM, 7.5)
    canvas.setStrokeColor(_color(LANE_STROKE))
    canvas.setLineWidth(0.5)
    canvas.line(left, height - top + 3.5 * MM, width - right, height - top + 3.5 * MM)
    canvas.restoreState()


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
    layout_options: Mapping[str, Any] | None = None,
    **more_layout_options: Any,
) -> bytes:
    """The chain as PDF bytes; see :func:`build_pdf`. Problems come as :class:`PrintWarning`."""
    result = build_pdf(chain, layout_factory, page=page, landscape=landscape,
                       appendix=appendix, contacts=contacts, matrix=matrix,
                       interfaces=interfaces, qr=qr, creation_date=creation_date,
                       layout_options=layout_options, **more_layout_options)
    for note in result.warnings:
        warnings.warn(note, PrintWarning, stacklevel=2)
    return result.data
