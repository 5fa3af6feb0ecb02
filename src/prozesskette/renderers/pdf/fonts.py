"""The PDF's fonts: the bundled faces registered with reportlab, and text drawn in them.

reportlab embeds registered TrueType fonts as subsets holding only the glyphs used. Noto Sans
draws most text as PDF text; runs in scripts it lacks fall back to the bundled Arabic and
Ethiopic faces, and Arabic runs are shaped with HarfBuzz and drawn as glyph outlines, because
reportlab cannot place shaped glyphs.

Both the chart page and the Schnittstellenpapier pages draw through this module, so it sits
below both of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prozesskette.text import (
    PRIMARY,
    SHAPED,
    Run,
    face_path,
    font_path,
    glyph_outline,
    line_rtl,
    needs_runs,
    run_units,
    shape,
    text_width,
    visual_runs,
    visual_text,
)

__all__ = ["FONT_BOLD", "FONT_REGULAR", "draw_text", "face_font", "register_face",
           "register_fonts"]

FONT_REGULAR = "NotoSans"
FONT_BOLD = "NotoSans-Bold"

GlyphOutline = tuple[tuple[str, tuple[float, ...]], ...]
"""Pen operators ("M", "L", "Q", "C", "Z") with their coordinates in font units."""


def register_fonts() -> None:
    """Register the bundled Noto Sans (regular and bold) with reportlab, once."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

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


def register_face(face: str) -> str:
    """Register a bundled face (both weights) as a reportlab family, so <b> works in it."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if face not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(face, str(face_path(face, False))))
        pdfmetrics.registerFont(TTFont(f"{face}-Bold", str(face_path(face, True))))
        for italic in (0, 1):
            addMapping(face, 0, italic, face)
            addMapping(face, 1, italic, f"{face}-Bold")
    return face


def _font(bold: bool) -> str:
    return FONT_BOLD if bold else FONT_REGULAR


def face_font(face: str, bold: bool) -> str:
    """The reportlab name of a bundled face (registered on first use)."""
    if face == PRIMARY:
        return _font(bold)
    register_face(face)
    return f"{face}-Bold" if bold else face


def draw_text(canvas: Any, text: str, left: float, baseline: float, size: float,
              bold: bool = False, chart_rtl: bool = False,
              runs: Sequence[Run] | None = None) -> None:
    """One line of text starting at ``left`` (y up, as reportlab draws), in visual order.

    Text Noto Sans covers is drawn as PDF text. Other scripts fall back per run to the
    bundled Arabic and Ethiopic faces; Arabic runs are shaped with HarfBuzz and drawn as
    glyph outlines (reportlab cannot place shaped glyphs), with the same text laid
    invisibly on top so that the PDF stays searchable and copyable. ``runs`` are the line's
    visual runs when its paragraph has resolved them (see ``paragraph_visual_runs``).
    """
    if runs is None and not needs_runs(text):
        canvas.setFont(_font(bold), size)
        canvas.drawString(left, baseline, text)
        return
    if runs is None:
        runs = visual_runs(text, bold, line_rtl(text, chart_rtl))
    x = left
    for face, part, level in runs:
        scale = size / 1000.0
        if face in SHAPED:
            start = x
            for gid, advance, x_offset, y_offset in shape(part, face, bold, bool(level % 2)):
                _draw_glyph(canvas, glyph_outline(face, gid, bold),
                            x + x_offset * scale, baseline + y_offset * scale, scale)
                x += advance * scale
            _draw_invisible(canvas, part, start, x - start, baseline, size, face, bold)
        else:
            canvas.setFont(face_font(face, bold), size)
            canvas.drawString(x, baseline, visual_text(face, part, level))
            x += run_units(face, part, bold, level) * scale


def _draw_invisible(canvas: Any, text: str, left: float, width: float, baseline: float,
                    size: float, face: str, bold: bool) -> None:
    """``text`` as invisible PDF text stretched over ``width``: the outlines drawn there
    cannot be searched or copied, this text can."""
    invisible = canvas.beginText(left, baseline)
    invisible.setTextRenderMode(3)
    invisible.setFont(face_font(face, bold), size)
    invisible.setHorizScale(100.0 * width / max(text_width(text, size, bold), 0.01))
    invisible.textOut(text)
    invisible.setTextRenderMode(0)  # the mode outlives the text object otherwise
    invisible.setHorizScale(100.0)
    canvas.drawText(invisible)


def _draw_glyph(canvas: Any, outline: GlyphOutline, x: float, y: float, scale: float) -> None:
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
