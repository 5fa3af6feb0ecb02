"""Text measurement, bidi, shaping, line breaking and font embedding for all of prozesskette.

The layout engine and every renderer use this one package, so that the text that was
measured is the text that is drawn, in the same font. One module per job, bottom up:

* :mod:`.fonts` -- the bundled font files (Noto Sans, plus Noto Sans Arabic/Ethiopic for
  the scripts it lacks) and the pure-Python reader of their metrics;
* :mod:`.chars` -- character classes the others share;
* :mod:`.bidi` -- the Unicode Bidirectional Algorithm: levels per paragraph, visual order
  per line, and runs of one face;
* :mod:`.shaping` -- HarfBuzz shaping of Arabic runs and glyph outlines for the PDF;
* :mod:`.metrics` -- widths, ascent, line height, glyph coverage;
* :mod:`.hyphenate` -- syllable boundaries from the hyphenation dictionaries of pyphen;
* :mod:`.wrap` -- line breaking that guarantees each line fits;
* :mod:`.subset` -- WOFF subsets for SVG and HTML.

Importing the package does no work; each font is read and parsed on first use and then
cached, and uharfbuzz is imported only when a text needs shaping or a subset is made.
The names below are the package's interface; import them from here.
"""

from __future__ import annotations

from prozesskette.text.bidi import (
    BrowserLines,
    Run,
    base_rtl,
    bidi_class,
    browser_lines,
    line_rtl,
    needs_runs,
    paragraph_levels,
    paragraph_visual_runs,
    runs,
    visual_runs,
    visual_text,
)
from prozesskette.text.fonts import (
    ARABIC,
    ETHIOPIC,
    FACES,
    FAMILIES,
    FONT_FAMILY,
    PRIMARY,
    SHAPED,
    FontError,
    _font,
    face_for_char,
    face_path,
    font_path,
)
from prozesskette.text.hyphenate import has_dictionary, word_cuts
from prozesskette.text.metrics import (
    LINE_SPACING,
    ascent,
    cap_height,
    descent,
    has_glyph,
    line_height,
    missing_glyphs,
    text_width,
)
from prozesskette.text.shaping import Glyph, glyph_outline, run_units, shape
from prozesskette.text.subset import woff_subset
from prozesskette.text.wrap import (
    DEFAULT_LANGUAGE,
    Wrapped,
    longest_syllable_width,
    longest_word_width,
    wrap,
    wrap_text,
)

__all__ = [
    "ARABIC",
    "DEFAULT_LANGUAGE",
    "ETHIOPIC",
    "FACES",
    "FAMILIES",
    "FONT_FAMILY",
    "LINE_SPACING",
    "PRIMARY",
    "SHAPED",
    "BrowserLines",
    "FontError",
    "Glyph",
    "Run",
    "Wrapped",
    "_font",
    "ascent",
    "base_rtl",
    "bidi_class",
    "browser_lines",
    "cap_height",
    "descent",
    "face_for_char",
    "face_path",
    "font_path",
    "glyph_outline",
    "has_dictionary",
    "has_glyph",
    "line_height",
    "line_rtl",
    "longest_syllable_width",
    "longest_word_width",
    "missing_glyphs",
    "needs_runs",
    "paragraph_levels",
    "paragraph_visual_runs",
    "run_units",
    "runs",
    "shape",
    "text_width",
    "visual_runs",
    "visual_text",
    "woff_subset",
    "word_cuts",
    "wrap",
    "wrap_text",
]
