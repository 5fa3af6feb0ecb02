"""Text metrics: widths, vertical metrics, line height and glyph coverage.

Widths are the fonts' advance widths (``hmtx``) plus the pairs of a TrueType ``kern``
table if the font has one -- exactly what reportlab's ``stringWidth`` computes for the
same TTF, and what a browser draws with the WOFF subsets of :mod:`.subset` (Noto Sans
subsets carry no GSUB/GPOS tables, so no ligatures or OpenType kerning change widths).
Text in scripts Noto Sans lacks is measured per run in its fallback face; Arabic runs
with their HarfBuzz-shaped advances.
"""

from __future__ import annotations

import functools

from prozesskette.text.bidi import runs
from prozesskette.text.chars import is_layout_control, is_mark_control
from prozesskette.text.fonts import FACES, _font
from prozesskette.text.shaping import run_units

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

LINE_SPACING = 1.25
"""Baseline-to-baseline distance as a multiple of the font size."""


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Advance width of one line of ``text`` at ``size`` points, in points.

    Characters the font does not have count with the width of its .notdef glyph.
    Only one line is measured: a ``"\\n"`` counts as a (missing) character; use
    :func:`~prozesskette.text.wrap.wrap` for text with line breaks.
    """
    font = _font(bool(bold))
    return _units_function(bool(bold))(text) * size / font.units_per_em


def ascent(size: float, bold: bool = False) -> float:
    """Height of the font's ascender above the baseline (hhea), in points."""
    font = _font(bool(bold))
    return font.ascender * size / font.units_per_em


def descent(size: float, bold: bool = False) -> float:
    """Depth of the font's descender below the baseline (hhea), as a positive number."""
    font = _font(bool(bold))
    return font.descender * size / font.units_per_em


def cap_height(size: float, bold: bool = False) -> float:
    """Height of capital letters above the baseline (OS/2 sCapHeight), in points.

    Handy for centring a line optically: baseline = centre + cap_height / 2.
    """
    font = _font(bool(bold))
    return font.cap_height * size / font.units_per_em


def line_height(size: float) -> float:
    """Baseline-to-baseline distance for ``size``: ``LINE_SPACING * size``."""
    return LINE_SPACING * size


def has_glyph(ch: str, bold: bool = False) -> bool:
    """Whether the font has a (non-.notdef) glyph for the single character ``ch``."""
    if len(ch) != 1:
        raise ValueError(f"has_glyph() takes one character, got {ch!r}")
    return any(ch in _font(bool(bold), face).char_units for face in FACES)


def missing_glyphs(text: str, bold: bool = False) -> set[str]:
    """Characters of ``text`` that the font cannot draw.

    Control characters and the invisible break hints that ``wrap()`` consumes
    (newline, tab, soft hyphen, zero-width space, ...) are never reported.
    """
    return {ch for ch in set(text) if not is_layout_control(ch) and not has_glyph(ch, bold)
            and not is_mark_control(ch)}


@functools.cache
def _units_function(bold: bool) -> Callable[[str], float]:
    """Width in font units, with per-run fallback to the other faces where needed."""
    primary = _font(bold)
    plain = primary.units
    have = primary.char_units.keys()

    def units(text: str) -> float:
        if text.isascii() or have >= set(text):
            return plain(text)
        # the other faces are read only when a text needs them
        return sum(run_units(face, part, bold, level) * primary.units_per_em
                   / _font(bold, face).units_per_em for face, part, level in runs(text, bold))

    return units
