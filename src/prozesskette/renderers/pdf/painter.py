"""Draws a :class:`~prozesskette.layout.geometry.Layout` on a reportlab canvas.

The painter decides nothing about the chart: every box, line of text, route and QR square
comes from the layout, drawn in the order and the colours of the SVG renderer so that both
outputs look alike. QR codes are vector (filled rectangles, no bitmaps).

The PDF's colours (chart and Schnittstellenpapier tables) are kept together at the top.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal, TypeGuard, get_args

from prozesskette.i18n import is_rtl
from prozesskette.layout.geometry import (
    Badge,
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
from prozesskette.qr import QrMatrix, qr_matrix
from prozesskette.renderers.pdf.fonts import draw_text
from prozesskette.text import (
    Run,
    ascent,
    descent,
    line_rtl,
    needs_runs,
    paragraph_visual_runs,
    text_width,
)
from prozesskette.theme import (
    BADGE,
    EDGE,
    HANDOFF,
    HEADER_VEIL,
    LANE_FILL,
    LANE_STROKE,
    LEGEND_FILL,
    LINK,
    NOTE,
    PHASE_FILL,
    PHASE_STROKE,
    SHARED_SECOND_FILL,
    STEP_FILL,
    STROKE,
    TEXT,
    lane_fill,
)

__all__ = ["Painter", "ShapeKind", "draw_qr", "pdf_color", "veiled"]

# --------------------------------------------------------------------------------------------
# Palette
# --------------------------------------------------------------------------------------------

# The chart: the one palette of every output (prozesskette.theme).
INK = TEXT
NOTE_SLANT = 12.0  # degrees: notes are oblique, as the SVG's font-style="italic"

# The Schnittstellenpapier tables (appendix pages).
TABLE_INK = "#1f2933"
TABLE_MUTED = "#52606d"
TABLE_RULE = "#c3cad2"
TABLE_HEAD_FILL = "#e4e8ed"
TABLE_PHASE_FILL = "#f3f5f7"
TABLE_LEAD_FILL = "#2c5282"
TABLE_SHARED_FILL = "#c6d8ee"

ShapeKind = Literal["start", "task", "decision", "document", "end"]
"""The outlines a step can have (the layout's ``NodeBox.kind``)."""

_SHAPE_KINDS: frozenset[str] = frozenset(get_args(ShapeKind))


def _is_shape_kind(kind: str) -> TypeGuard[ShapeKind]:
    return kind in _SHAPE_KINDS


def pdf_color(value: str) -> Any:
    """A ``#rgb`` or ``#rrggbb`` colour as a reportlab colour."""
    from reportlab.lib.colors import HexColor

    if len(value) == 4:  # #rgb
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return HexColor(value)



def veiled(value: str, veil: float) -> Any:
    """``value`` seen through white of opacity ``veil``."""
    from reportlab.lib.colors import Color

    base = pdf_color(value)
    return Color(*(channel + (1 - channel) * veil
                   for channel in (base.red, base.green, base.blue)))


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


def _quad_to_cubic(start: Point, control: Point, end: Point) -> tuple[Point, Point, Point]:
    """The cubic Bézier control points (and end) that draw a quadratic Bézier exactly."""
    (sx, sy), (cx, cy), (ex, ey) = start, control, end
    return ((sx + 2 / 3 * (cx - sx), sy + 2 / 3 * (cy - sy)),
            (ex + 2 / 3 * (cx - ex), ey + 2 / 3 * (cy - ey)), end)


# --------------------------------------------------------------------------------------------
# The chart
# --------------------------------------------------------------------------------------------


class Painter:
    """Draws layout geometry on a reportlab canvas, the way the SVG renderer draws it.

    The canvas is transformed so that one unit is one layout point and the chart's top-left
    corner is the origin; layout y grows downwards, so every y is negated when drawn.
    """

    def __init__(self, canvas: Any, layout: Layout) -> None:
        self.c = canvas
        self.layout = layout
        self.style = layout.style
        self.rtl = is_rtl(layout.language)

    # -- primitives ---------------------------------------------------------------------

    def text(self, line: TextLine, color: str = INK, slant: float = 0.0,
             runs: Sequence[Run] | None = None) -> None:
        if not line.text.strip():
            return
        c = self.c
        width = text_width(line.text, line.size, line.bold)
        left = line.x - (width if line.anchor == "end" else
                         width / 2 if line.anchor == "middle" else 0.0)
        c.saveState()
        c.setFillColor(pdf_color(LINK if line.href else color))
        c.translate(left, -line.y)
        if slant:
            c.skew(0, slant)
        draw_text(c, line.text, 0, 0, line.size, line.bold, self.rtl, runs)
        c.restoreState()
        if line.href:
            c.linkURL(line.href, (left, -(line.y + descent(line.size, line.bold)), left + width,
                                  -(line.y - ascent(line.size, line.bold))),
                      relative=1, thickness=0)

    def block(self, block: TextBlock | None, color: str = INK, slant: float = 0.0) -> None:
        if block is None:
            return
        lines = [line for line in block.lines if line.text.strip()]
        if len(lines) > 1 and not any(line.href for line in lines) and any(
                needs_runs(line.text) for line in lines):
            # one wrapped paragraph: levels for the whole of it, order per line (UAX #9 3.4)
            texts = [line.text for line in lines]
            rtl = line_rtl(" ".join(texts), self.rtl)
            for line, runs in zip(lines, paragraph_visual_runs(texts, lines[0].bold, rtl),
                                  strict=True):
                self.text(line, color, slant, runs)
            return
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

    def shape_path(self, kind: ShapeKind, rect: Rect) -> tuple[Any, float]:
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

    def shape(self, kind: ShapeKind, rect: Rect, fill: Any, stroke: Any) -> None:
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
        color = lane_fill(lane.color)
        self.fill_rect(lane.band, pdf_color(color), pdf_color(LANE_STROKE),
                       self.style.line_width)
        self.fill_rect(lane.header, veiled(color, HEADER_VEIL))
        self.block(lane.title)
        for spot in lane.contacts:
            if spot.qr is not None:
                draw_qr(self.c, qr_matrix(spot.payload), spot.qr.x, -spot.qr.bottom,
                        min(spot.qr.w, spot.qr.h))
            self.block(spot.text)

    def phase(self, phase: PhaseBox, index: int) -> None:
        c = self.c
        column, header = phase.column, phase.header
        if index:  # a dashed line where the phase starts, below (beside) its header
            c.setStrokeColor(pdf_color(PHASE_STROKE))
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
        self.fill_rect(header, pdf_color(PHASE_FILL), pdf_color(PHASE_STROKE),
                       self.style.line_width)
        self.block(phase.title)

    def node(self, node: NodeBox) -> None:
        c = self.c
        shared = len(node.actors) > 1
        self.shape(node.kind, node.rect, pdf_color(STEP_FILL), pdf_color(STROKE))
        if shared and node.lane_parts:
            c.saveState()
            path, _ = self.shape_path(node.kind, node.rect)
            c.clipPath(path, stroke=0, fill=0)
            for actor, part in node.lane_parts:
                lane = self.layout.lanes.get(actor)
                self.fill_rect(part, pdf_color(lane_fill(lane.color if lane else None)))
            c.restoreState()
            self.shape(node.kind, node.rect, None, pdf_color(STROKE))
        self.block(node.title)
        self.block(node.note, NOTE, NOTE_SLANT)
        for badge in node.badges:
            self.badge(badge)

    def badge(self, badge: Badge) -> None:
        """A round badge, or a pill as wide as its text (a shared step's other actors)."""
        rect = badge.rect
        radius = min(rect.w, rect.h) / 2
        self.c.setFillColor(pdf_color(BADGE))
        if rect.w > rect.h + 0.01:
            self.c.roundRect(rect.x, -rect.bottom, rect.w, rect.h, radius, stroke=0, fill=1)
        else:
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
        c.setFillColor(pdf_color(STEP_FILL))
        c.setStrokeColor(color)
        c.setLineWidth(self.style.edge_width)
        c.circle(point[0], -point[1], self.style.arrow_size * 0.5, stroke=1, fill=1)

    def edge(self, edge: EdgeRoute, color: Any = None) -> None:
        """An edge with its hand-off marker and label; ``color`` overrides the kind's (a
        diff draws an added edge again in the added colour)."""
        if len(edge.points) < 2:
            return
        if color is None:
            color = pdf_color(HANDOFF if edge.handoff else EDGE)
        self.arrow(edge.points, color, dashed=edge.back)
        if edge.marker is not None:
            self.marker(edge.marker, color)
        if edge.label is not None:
            self.fill_rect(edge.label.rect, pdf_color(STEP_FILL))
            self.block(edge.label.text)

    def legend(self) -> None:
        legend = self.layout.legend
        if legend is None:
            return
        self.fill_rect(legend.rect, pdf_color(LEGEND_FILL), pdf_color(LANE_STROKE),
                       self.style.line_width)
        for item in legend.items:
            self.swatch(item)
            self.block(item.text)

    def swatch(self, item: LegendItem) -> None:
        box = item.swatch
        c = self.c
        if _is_shape_kind(item.kind):
            self.shape(item.kind, box, pdf_color(STEP_FILL), pdf_color(STROKE))
        elif item.kind == "shared":
            fills = [*(lane_fill(lane.color) for lane in self.layout.lanes.values()),
                     LANE_FILL, SHARED_SECOND_FILL][:2]
            self.fill_rect(Rect(box.x, box.y, box.w, box.h / 2), pdf_color(fills[0]))
            self.fill_rect(Rect(box.x, box.cy, box.w, box.h / 2), pdf_color(fills[1]))
            self.shape("task", box, None, pdf_color(STROKE))
        elif item.kind in ("handoff", "back", "edge"):
            color = pdf_color(HANDOFF if item.kind == "handoff" else EDGE)
            self.arrow(((box.x, box.cy), (box.right, box.cy)), color,
                       dashed=item.kind == "back", radius=0)
            if item.kind == "handoff":
                self.marker((box.cx, box.cy), color)
        elif item.kind in ("overlap", "badge"):
            c.setFillColor(pdf_color(BADGE))
            c.circle(box.cx, -box.cy, min(box.w, box.h) / 2, stroke=0, fill=1)
        else:
            self.shape("task", box, pdf_color(STEP_FILL), pdf_color(STROKE))

    def title(self) -> None:
        title = self.layout.title
        if title is not None:
            self.block(title.title)
            self.block(title.subtitle)
