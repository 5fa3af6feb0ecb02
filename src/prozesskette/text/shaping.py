"""Shaping with HarfBuzz: the joining forms and mark positions of Arabic-script runs.

Noto Sans Arabic runs are measured and drawn as HarfBuzz glyphs, so the PDF draws the
glyphs the browser draws with the same font. uharfbuzz is imported on first use only:
a chart without Arabic text never loads it.
"""

from __future__ import annotations

import functools

from prozesskette.text.fonts import SHAPED, _font, _font_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Glyph = tuple[int, float, float, float]  # glyph id, x advance, x offset, y offset (font units)
Outline = tuple[tuple[str, tuple[float, ...]], ...]  # (operator, coordinates) pairs


@functools.cache
def _hb_font(bold: bool, face: str) -> object:
    import uharfbuzz as hb

    return hb.Font(hb.Face(_font_bytes(bold, face)))


@functools.lru_cache(maxsize=4096)
def shape(text: str, face: str, bold: bool = False, rtl: bool = True) -> tuple[Glyph, ...]:
    """HarfBuzz glyphs of one run, in visual order (left to right), in font units."""
    import uharfbuzz as hb

    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    hb.shape(_hb_font(bold, face), buffer, {})
    return tuple((info.codepoint, pos.x_advance, pos.x_offset, pos.y_offset)
                 for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True))


def run_units(face: str, text: str, bold: bool, level: int) -> float:
    """Advance width of one run in units of the face (all bundled faces have 1000 units)."""
    if face in SHAPED:
        return float(sum(glyph[1] for glyph in shape(text, face, bold, bool(level % 2))))
    return float(_font(bold, face).units(text))


def glyph_outline(face: str, gid: int, bold: bool = False) -> Outline:
    """The outline of one glyph as (operator, coordinates) pairs in font units, y up:
    ``M x y``, ``L x y``, ``Q x1 y1 x y``, ``C x1 y1 x2 y2 x y``, ``Z``."""
    return _glyph_outline(face, gid, bool(bold))


@functools.cache
def _glyph_outline(face: str, gid: int, bold: bool) -> Outline:
    commands: list[tuple[str, tuple[float, ...]]] = []

    class Pen:  # fontTools' pen protocol; HarfBuzz calls these methods
        def moveTo(self, point: tuple[float, float]) -> None:
            commands.append(("M", point))

        def lineTo(self, point: tuple[float, float]) -> None:
            commands.append(("L", point))

        def qCurveTo(self, *points: tuple[float, float]) -> None:
            commands.append(("Q", (*points[0], *points[1])))

        def curveTo(self, *points: tuple[float, float]) -> None:
            commands.append(("C", (*points[0], *points[1], *points[2])))

        def closePath(self) -> None:
            commands.append(("Z", ()))

    font: Any = _hb_font(bold, face)
    font.draw_glyph_with_pen(gid, Pen())
    return tuple(commands)
