"""Text measurement, line breaking and font embedding for every part of prozesskette.

The layout engine and both renderers (SVG and PDF) use this one module, so that the
text that was measured is the text that is drawn, in the same font:

* the bundled font is Noto Sans Regular/Bold (``fonts/`` next to this module, SIL OFL 1.1);
* widths are the fonts' advance widths (``hmtx``) plus the pairs of a TrueType ``kern``
  table if the font has one -- exactly what reportlab's ``stringWidth`` computes for the
  same TTF, and exactly what a browser draws with the WOFF subset from :func:`woff_subset`,
  which has no GSUB/GPOS tables, so no ligatures or OpenType kerning can change widths;
* :func:`wrap` breaks text into lines that are guaranteed to fit.

Everything is pure Python (``struct`` and ``zlib``).  Importing the module does no work;
each font is read and parsed on first use and then cached.
"""

from __future__ import annotations

import functools
import struct

TYPE_CHECKING = False  # avoids importing typing at run time; mypy treats it as True
if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterable
    from importlib.resources.abc import Traversable
    from pathlib import Path
    from typing import Any

__all__ = [
    "FONT_FAMILY",
    "LINE_SPACING",
    "ascent",
    "cap_height",
    "descent",
    "font_face_css",
    "font_path",
    "has_glyph",
    "line_height",
    "longest_word_width",
    "missing_glyphs",
    "text_width",
    "woff_subset",
    "wrap",
]

FONT_FAMILY = "Noto Sans"
"""CSS / display family name of the bundled font (both weights)."""

LINE_SPACING = 1.25
"""Baseline-to-baseline distance as a multiple of the font size."""

# Faces for the scripts Noto Sans lacks, tried in this order (per glyph run):
# Arabic script (Arabic, Farsi, Pashto; shaped with HarfBuzz) and Ethiopic (Tigrinya).
PRIMARY, ARABIC, ETHIOPIC = "NotoSans", "NotoSansArabic", "NotoSansEthiopic"
FACES = (PRIMARY, ARABIC, ETHIOPIC)
FAMILIES = {PRIMARY: "Noto Sans", ARABIC: "Noto Sans Arabic", ETHIOPIC: "Noto Sans Ethiopic"}
SHAPED = frozenset({ARABIC})  # faces whose runs need shaping (joining forms, marks)
_FALLBACK_EM = 0.6  # width of a missing character if the font's .notdef has no advance

# Characters after which a line may break inside a word (the break keeps the character
# at the end of the line): hyphen-minus, slash, Unicode hyphen, en dash.
_BREAK_AFTER = frozenset("-/\u2010\u2013")
_SOFT_HYPHEN = "\u00ad"  # invisible break opportunity, drawn as "-" when used
_ZWSP = "\u200b"  # invisible break opportunity, drawn as nothing
_INVISIBLE = frozenset((_SOFT_HYPHEN, _ZWSP, "\u2060", "\ufeff"))
_HYPHEN = "-"
_EPS = 1e-9


# --------------------------------------------------------------------------- font files


def font_path(bold: bool = False) -> Path:
    """Path of the bundled TTF file (Noto Sans Regular, or Bold if ``bold``).

    Use it to register the font with reportlab, e.g.
    ``pdfmetrics.registerFont(TTFont("NotoSans-Bold", str(font_path(True))))``.
    """
    return _font_path(bool(bold))


def _file_name(bold: bool, face: str = PRIMARY) -> str:
    return f"{face}-{'Bold' if bold else 'Regular'}.ttf"


def _font_resource(bold: bool, face: str = PRIMARY) -> Traversable:
    from importlib import resources

    return resources.files(__package__ or "prozesskette") / "fonts" / _file_name(bold, face)


def face_path(face: str, bold: bool = False) -> Path:
    """Path of a bundled TTF file by face name (:data:`FACES`)."""
    return _font_path(bool(bold), face)


@functools.cache
def _font_path(bold: bool, face: str = PRIMARY) -> Path:
    import pathlib

    res = _font_resource(bold, face)
    if isinstance(res, pathlib.Path):
        return res
    # The package is not on a plain file system (e.g. a zip): copy the font out once.
    import tempfile

    target = pathlib.Path(tempfile.gettempdir()) / f"prozesskette-{_file_name(bold, face)}"
    data = _font_bytes(bold, face)
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)
    return target


@functools.cache
def _font_bytes(bold: bool, face: str = PRIMARY) -> bytes:
    # Fast path: the package's own loader reads the file next to this module (works for
    # plain directories and zip imports alike) without importing importlib.resources,
    # which alone costs ~25 ms in a fresh interpreter.
    import os

    get_data = getattr(globals().get("__loader__"), "get_data", None)
    if get_data is not None and "__file__" in globals():
        name = os.path.join(os.path.dirname(__file__), "fonts", _file_name(bold, face))
        try:
            data = get_data(name)
        except OSError:
            pass
        else:
            if isinstance(data, bytes):
                return data
    return _font_resource(bold, face).read_bytes()


# --------------------------------------------------------------------------- font parsing


class FontError(ValueError):
    """The font file is not a TrueType font this module can read."""


class _Font:
    """The parsed parts of one TrueType font needed for measuring and subsetting."""

    __slots__ = (
        "advances",
        "ascender",
        "cap_height",
        "char_units",
        "cmap",
        "data",
        "descender",
        "kerning",
        "notdef_units",
        "num_glyphs",
        "tables",
        "units_per_em",
    )

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.tables = _table_directory(data)
        for tag in ("head", "hhea", "maxp", "hmtx", "cmap"):
            if tag not in self.tables:
                raise FontError(f"font has no {tag!r} table")
        head = self.table_offset("head")
        self.units_per_em: int = struct.unpack_from(">H", data, head + 18)[0]
        if self.units_per_em <= 0:
            raise FontError("font has unitsPerEm 0")
        hhea = self.table_offset("hhea")
        asc, desc = struct.unpack_from(">hh", data, hhea + 4)
        num_hmetrics: int = struct.unpack_from(">H", data, hhea + 34)[0]
        self.ascender: int = asc
        self.descender: int = -desc if desc < 0 else desc
        self.num_glyphs: int = struct.unpack_from(">H", data, self.table_offset("maxp") + 4)[0]
        cap = round(0.7 * self.units_per_em)
        if "OS/2" in self.tables:
            os2, os2_len = self.tables["OS/2"]
            version: int = struct.unpack_from(">H", data, os2)[0]
            if version >= 2 and os2_len >= 90:
                cap = struct.unpack_from(">h", data, os2 + 88)[0]
        self.cap_height: int = cap

        # hmtx: numberOfHMetrics (advance, lsb) pairs, then lsb only (advance repeats).
        if not 0 < num_hmetrics <= self.num_glyphs:
            raise FontError("bad numberOfHMetrics")
        pairs = struct.unpack_from(f">{2 * num_hmetrics}H", data, self.table_offset("hmtx"))
        advances = list(pairs[0::2])
        advances.extend([advances[-1]] * (self.num_glyphs - num_hmetrics))
        self.advances: list[int] = advances
        notdef = advances[0] if advances[0] > 0 else round(_FALLBACK_EM * self.units_per_em)
        self.notdef_units: int = notdef

        self.cmap: dict[int, int] = _parse_cmap(data, self.table_offset("cmap"), self.num_glyphs)
        n = self.num_glyphs
        self.char_units: dict[str, int] = {
            chr(cp): advances[gid] for cp, gid in self.cmap.items() if gid < n
        }
        self.kerning: dict[int, int] = (
            _parse_kern(data, self.table_offset("kern")) if "kern" in self.tables else {}
        )

    def table_offset(self, tag: str) -> int:
        return self.tables[tag][0]

    def table(self, tag: str) -> bytes:
        offset, length = self.tables[tag]
        return self.data[offset : offset + length]

    def units(self, text: str) -> int:
        """Width of ``text`` in font units."""
        get = self.char_units.get
        notdef = self.notdef_units
        total = sum([get(ch, notdef) for ch in text])
        if self.kerning and len(text) > 1:
            kern = self.kerning
            cmap = self.cmap
            prev = -1
            for ch in text:
                gid = cmap.get(ord(ch), 0)
                if prev >= 0:
                    total += kern.get((prev << 16) | gid, 0)
                prev = gid
        return total


def _table_directory(data: bytes) -> dict[str, tuple[int, int]]:
    if len(data) < 12:
        raise FontError("file too short for a font")
    version, num_tables = struct.unpack_from(">IH", data, 0)
    if version not in (0x00010000, 0x74727565):  # 1.0 or 'true'
        raise FontError("not a TrueType (glyf) font")
    tables: dict[str, tuple[int, int]] = {}
    for i in range(num_tables):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if offset + length > len(data):
            raise FontError(f"table {tag!r} extends past the end of the file")
        tables[tag.decode("latin-1")] = (offset, length)
    return tables


def _parse_cmap(data: bytes, offset: int, num_glyphs: int) -> dict[int, int]:
    """Unicode code point -> glyph id, from the best Unicode subtable (format 12 or 4)."""
    _version, count = struct.unpack_from(">HH", data, offset)
    candidates: dict[tuple[int, int], int] = {}
    for i in range(count):
        platform, encoding, sub = struct.unpack_from(">HHI", data, offset + 4 + 8 * i)
        fmt: int = struct.unpack_from(">H", data, offset + sub)[0]
        candidates[(platform, encoding)] = offset + sub
        candidates.setdefault((-1, fmt), offset + sub)
    for key in ((3, 10), (0, 6), (0, 4), (-1, 12)):
        if key in candidates:
            sub = candidates[key]
            if struct.unpack_from(">H", data, sub)[0] == 12:
                return _parse_cmap12(data, sub, num_glyphs)
    for key in ((3, 1), (0, 3), (0, 2), (0, 1), (0, 0), (-1, 4)):
        if key in candidates:
            sub = candidates[key]
            if struct.unpack_from(">H", data, sub)[0] == 4:
                return _parse_cmap4(data, sub, num_glyphs)
    raise FontError("font has no Unicode cmap subtable of format 4 or 12")


def _parse_cmap4(data: bytes, sub: int, num_glyphs: int) -> dict[int, int]:
    seg_x2: int = struct.unpack_from(">H", data, sub + 6)[0]
    n = seg_x2 // 2
    ends = struct.unpack_from(f">{n}H", data, sub + 14)
    starts = struct.unpack_from(f">{n}H", data, sub + 16 + seg_x2)
    deltas = struct.unpack_from(f">{n}H", data, sub + 16 + 2 * seg_x2)
    ro_pos = sub + 16 + 3 * seg_x2
    range_offsets = struct.unpack_from(f">{n}H", data, ro_pos)
    cmap: dict[int, int] = {}
    for i in range(n):
        start, end, delta, ro = starts[i], ends[i], deltas[i], range_offsets[i]
        if start > end or start == 0xFFFF:
            continue
        if ro == 0:
            for cp in range(start, end + 1):
                gid = (cp + delta) & 0xFFFF
                if 0 < gid < num_glyphs:
                    cmap[cp] = gid
        else:
            base = ro_pos + 2 * i + ro
            ids = struct.unpack_from(f">{end - start + 1}H", data, base)
            for k, raw in enumerate(ids):
                if raw:
                    gid = (raw + delta) & 0xFFFF
                    if 0 < gid < num_glyphs:
                        cmap[start + k] = gid
    return cmap


def _parse_cmap12(data: bytes, sub: int, num_glyphs: int) -> dict[int, int]:
    n_groups: int = struct.unpack_from(">I", data, sub + 12)[0]
    cmap: dict[int, int] = {}
    for i in range(n_groups):
        start, end, first = struct.unpack_from(">III", data, sub + 16 + 12 * i)
        for cp in range(start, min(end, 0x10FFFF) + 1):
            gid = first + cp - start
            if 0 < gid < num_glyphs:
                cmap[cp] = gid
    return cmap


def _parse_kern(data: bytes, offset: int) -> dict[int, int]:
    """Pairs of a Microsoft-style ``kern`` table (format 0, horizontal, not cross-stream).

    Keys are ``left_gid << 16 | right_gid``.  Apple's version-1 tables are ignored.
    """
    version, n_tables = struct.unpack_from(">HH", data, offset)
    kerning: dict[int, int] = {}
    if version != 0:
        return kerning
    pos = offset + 4
    for _ in range(n_tables):
        _sub_version, length, coverage = struct.unpack_from(">HHH", data, pos)
        fmt = coverage >> 8
        horizontal = coverage & 1
        minimum_or_cross = coverage & 0x6
        override = coverage & 0x8
        if fmt == 0 and horizontal and not minimum_or_cross:
            n_pairs: int = struct.unpack_from(">H", data, pos + 6)[0]
            values = struct.unpack_from(">" + "HHh" * n_pairs, data, pos + 14)
            for k in range(0, 3 * n_pairs, 3):
                key = (values[k] << 16) | values[k + 1]
                value = values[k + 2]
                kerning[key] = value if override else kerning.get(key, 0) + value
        pos += length
    return kerning


@functools.cache
def _font(bold: bool, face: str = PRIMARY) -> _Font:
    return _Font(_font_bytes(bold, face))


# --------------------------------------------------------------------------- metrics


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Advance width of one line of ``text`` at ``size`` points, in points.

    Characters the font does not have count with the width of its .notdef glyph.
    Only one line is measured: a ``"\\n"`` counts as a (missing) character; use
    :func:`wrap` for text with line breaks.
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


def _is_layout_control(ch: str) -> bool:
    return ch < " " or "\x7f" <= ch <= "\x9f" or ch in _INVISIBLE or ch in "\u2028\u2029"


def missing_glyphs(text: str, bold: bool = False) -> set[str]:
    """Characters of ``text`` that the font cannot draw.

    Control characters and the invisible break hints that :func:`wrap` consumes
    (newline, tab, soft hyphen, zero-width space, ...) are never reported.
    """
    return {ch for ch in set(text) if not _is_layout_control(ch) and not has_glyph(ch, bold)
            and not _is_mark_control(ch)}


# --------------------------------------------------------------------------- scripts and runs

# A run of text drawn with one face in one direction: (face, text, level); odd levels run
# right to left (Unicode bidi embedding levels, simplified to what chain texts need).
Run = tuple[str, str, int]


def _is_arabic(ch: str) -> bool:
    cp = ord(ch)
    return (0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF
            or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF)


def _is_hebrew(ch: str) -> bool:
    return 0x0590 <= ord(ch) <= 0x05FF


def _is_ethiopic(ch: str) -> bool:
    cp = ord(ch)
    return 0x1200 <= cp <= 0x139F or 0x2D80 <= cp <= 0x2DDF or 0xAB00 <= cp <= 0xAB2F


def _is_mark_control(ch: str) -> bool:
    """Bidi marks and joiners: invisible, never drawn as glyphs."""
    return ch in "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067" \
        "\u2068\u2069"


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9" or "\u0660" <= ch <= "\u0669" or "\u06f0" <= ch <= "\u06f9"


def _strong(ch: str) -> str:
    """'R' (right to left), 'L' (left to right), 'EN' (digits) or 'N' (neutral)."""
    if _is_digit(ch):
        return "EN"
    if _is_arabic(ch) or _is_hebrew(ch):
        return "R" if ch.isalpha() or _is_mark(ch) else "N"
    return "L" if ch.isalpha() else "N"


def needs_runs(text: str) -> bool:
    """Whether ``text`` needs more than Noto Sans drawn left to right (fast check)."""
    return not text.isascii() and not _font(False).char_units.keys() >= set(text)


def base_rtl(text: str) -> bool:
    """The paragraph direction of ``text``: that of its first strong character."""
    for ch in text:
        kind = _strong(ch)
        if kind in ("R", "L"):
            return kind == "R"
    return False


def _face_of(ch: str, bold: bool, level: int) -> str:
    if _is_arabic(ch):
        return ARABIC
    if _is_ethiopic(ch):
        return ETHIOPIC
    if level % 2 and ch in _font(bold, ARABIC).char_units and not _is_digit(ch):
        return ARABIC  # a space or a comma inside right-to-left text joins its run
    return face_for_char(ch, bold) or PRIMARY


def runs(text: str, bold: bool = False, rtl: bool | None = None) -> list[Run]:
    """``text`` split into runs of one face and one direction, in logical order.

    ``rtl`` is the paragraph direction (default: that of the first strong character).
    Neutral characters take the direction of their neighbours when both agree, else the
    paragraph's; digits run left to right.
    """
    if not needs_runs(text):
        return [(PRIMARY, text, 1 if rtl else 0)] if text else []
    base = 1 if (base_rtl(text) if rtl is None else rtl) else 0
    kinds = [_strong(ch) for ch in text]
    for k in range(1, len(text) - 1):  # '2026-11', '1.5', '10/12' are one number (UBA W4)
        if text[k] in "+-,./:" and kinds[k - 1] == "EN" and kinds[k + 1] == "EN":
            kinds[k] = "EN"
    # digits after left-to-right text belong to it (UBA W7); otherwise they count as right
    # to left for their neutral neighbours (N1)
    previous = "R" if base else "L"
    for k, kind in enumerate(kinds):
        if kind == "EN" and previous == "L":
            kinds[k] = "L"
        elif kind in ("R", "L"):
            previous = kind
    as_dir = ["R" if kind == "EN" else kind for kind in kinds]
    resolved = list(as_dir)
    index = 0
    while index < len(text):
        if as_dir[index] != "N":
            index += 1
            continue
        end = index
        while end < len(text) and as_dir[end] == "N":
            end += 1
        before = as_dir[index - 1] if index > 0 else ("R" if base else "L")
        after = as_dir[end] if end < len(text) else ("R" if base else "L")
        direction = before if before == after else ("R" if base else "L")
        for k in range(index, end):
            resolved[k] = direction
        index = end
    levels = []
    previous_strong = "R" if base else "L"
    for kind, direction in zip(kinds, resolved, strict=True):
        if kind == "EN":
            levels.append(base + 1 if base or previous_strong == "R" else base)
            continue
        if kind in ("R", "L"):
            previous_strong = kind
        if direction == "R":
            levels.append(base if base else base + 1)
        else:
            levels.append(base + 1 if base else base)
    result: list[Run] = []
    for ch, level in zip(text, levels, strict=True):
        face = _face_of(ch, bold, level)
        if result and result[-1][0] == face and result[-1][2] == level:
            result[-1] = (face, result[-1][1] + ch, level)
        elif result and _is_mark(ch):  # a combining mark stays with its base character
            result[-1] = (result[-1][0], result[-1][1] + ch, result[-1][2])
        else:
            result.append((face, ch, level))
    return result


def visual_runs(text: str, bold: bool = False, rtl: bool | None = None) -> list[Run]:
    """The runs of one line in drawing order, left to right (bidi rule L2)."""
    items = runs(text, bold, rtl)
    if not items:
        return items
    highest = max(level for _, _, level in items)
    lowest_odd = min((level for _, _, level in items if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(items):
            if items[index][2] >= level:
                end = index
                while end < len(items) and items[end][2] >= level:
                    end += 1
                items[index:end] = items[index:end][::-1]
                index = end
            else:
                index += 1
    return items


_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def visual_text(face: str, text: str, level: int) -> str:
    """The characters of an unshaped run as drawn left to right: a right-to-left run is
    reversed, with brackets mirrored (shaped runs come in visual order from :func:`shape`)."""
    if level % 2 and face not in SHAPED:
        return text[::-1].translate(_MIRRORED)
    return text


@functools.cache
def _hb_font(bold: bool, face: str) -> object:
    import uharfbuzz as hb

    return hb.Font(hb.Face(_font_bytes(bold, face)))


Glyph = tuple[int, float, float, float]  # glyph id, x advance, x offset, y offset (font units)


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


def glyph_outline(face: str, gid: int, bold: bool = False) -> tuple[tuple[str, tuple[float,
                                                                                  ...]], ...]:
    """The outline of one glyph as (operator, coordinates) pairs in font units, y up:
    ``M x y``, ``L x y``, ``Q x1 y1 x y``, ``C x1 y1 x2 y2 x y``, ``Z``."""
    return _glyph_outline(face, gid, bool(bold))


@functools.cache
def _glyph_outline(face: str, gid: int, bold: bool) -> tuple[tuple[str, tuple[float, ...]], ...]:
    commands: list[tuple[str, tuple[float, ...]]] = []

    class Pen:
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


def line_rtl(text: str, chart_rtl: bool) -> bool:
    """Whether a drawn line runs right to left: in a right-to-left chart every line with
    Arabic or Hebrew letters does (lines of digits, phone numbers and e-mail addresses stay
    left to right); in a left-to-right chart only a line that starts with such a letter."""
    if text.isascii():
        return False
    if chart_rtl:
        return any(_strong(ch) == "R" for ch in text)
    return base_rtl(text)


def face_for_char(ch: str, bold: bool = False) -> str | None:
    """The face a browser picks for ``ch`` from the stack Noto Sans, Noto Sans Arabic, Noto
    Sans Ethiopic (the first that has it), or None if none has it."""
    for face in FACES:
        if ch in _font(bool(bold), face).char_units:
            return face
    return None


def faces_of(text: str, bold: bool = False) -> set[str]:
    """The faces needed to draw ``text``."""
    if not needs_runs(text):
        return {PRIMARY}
    return {face for face, _, _ in runs(text, bold)}


# --------------------------------------------------------------------------- line breaking

_Piece = tuple[str, str]  # (as drawn inside a line, as drawn at the end of a line)


@functools.cache
def _space_re() -> re.Pattern[str]:
    import re

    # Breakable, collapsible white space: every white space except the no-break ones.
    return re.compile(r"[^\S\u00a0\u2007\u202f]+")


def _paragraphs(text: str) -> list[list[str]]:
    """Split into forced lines (``\\n`` and friends), each a list of words.

    Blank lines in the middle are kept (as empty word lists); leading and trailing
    blank lines are dropped.
    """
    space = _space_re()
    paras = [[w for w in space.split(line) if w] for line in text.splitlines()]
    while paras and not paras[0]:
        paras.pop(0)
    while paras and not paras[-1]:
        paras.pop()
    return paras


def _pieces(word: str) -> list[_Piece]:
    """Split a word at its break opportunities into unbreakable pieces.

    A word may break after ``-``, ``/``, ``‐`` or ``–`` that follows something other
    than such a character and is followed by something other than a digit, and at a
    soft hyphen or zero-width space (which are removed from the drawn text).
    """
    pieces: list[_Piece] = []
    buf: list[str] = []
    n = len(word)
    for i, ch in enumerate(word):
        if ch in (_SOFT_HYPHEN, _ZWSP):
            if buf and i + 1 < n:
                mid = "".join(buf)
                pieces.append((mid, mid + _HYPHEN if ch == _SOFT_HYPHEN else mid))
                buf = []
            continue
        if ch in _INVISIBLE:
            continue
        buf.append(ch)
        if (
            ch in _BREAK_AFTER
            and i + 1 < n
            and word[i + 1] not in _BREAK_AFTER
            and not word[i + 1].isdigit()  # keep "24/7", "0800-123", "2010–2020" whole
            and any(c not in _BREAK_AFTER and c not in _INVISIBLE for c in buf)
        ):
            mid = "".join(buf)
            pieces.append((mid, mid))
            buf = []
    if buf:
        mid = "".join(buf)
        pieces.append((mid, mid))
    elif pieces:
        # A trailing soft hyphen / ZWSP: the last piece ends the word, drawn plainly.
        mid = pieces[-1][0]
        pieces[-1] = (mid, mid)
    return pieces


def _is_mark(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x0300 <= cp <= 0x036F
        or 0x1AB0 <= cp <= 0x1AFF
        or 0x1DC0 <= cp <= 0x1DFF
        or 0x20D0 <= cp <= 0x20FF
        or 0xFE20 <= cp <= 0xFE2F
    )


def _hyphenated(head: str) -> str:
    return head if head[-1] in _BREAK_AFTER else head + _HYPHEN


def _single_cluster(text: str) -> bool:
    """One character, possibly followed by combining marks: cannot be split."""
    return all(_is_mark(ch) for ch in text[1:])


def _split_word(text: str, fits: Callable[[str], bool]) -> tuple[str, str]:
    """Split an over-long piece: returns (line drawn with hyphen, rest).

    Takes the longest prefix that fits together with a hyphen, preferring to keep at
    least three characters on either side; if not even one character fits with a
    hyphen, the longest prefix that fits without one, or at least one character.
    Never splits a combining mark from its base letter.
    """
    n = len(text)
    cuts = [k for k in range(n - 1, 0, -1) if not _is_mark(text[k])]
    best = next((k for k in cuts if fits(_hyphenated(text[:k]))), 0)
    if best:
        preferred = min(best, n - 3)
        if preferred >= 3 and preferred != best and not _is_mark(text[preferred]):
            line = _hyphenated(text[:preferred])
            if fits(line):
                return line, text[preferred:]
        return _hyphenated(text[:best]), text[best:]
    best = next((k for k in cuts if fits(text[:k])), cuts[-1] if cuts else n)
    return text[:best], text[best:]


def _fill_split(text: str, line_start: str, fits: Callable[[str], bool]) -> tuple[str, str] | None:
    """Split an over-long piece so that its head still fits after ``line_start`` (the
    current line), keeping at least three characters on either side; None if impossible."""
    for k in range(len(text) - 3, 2, -1):
        if not _is_mark(text[k]):
            line = _hyphenated(text[:k])
            if fits(line_start + line):
                return line_start + line, text[k:]
    return None


def wrap(text: str, max_width: float, size: float, bold: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` points at ``size``.

    Greedy (first fit), deterministic.  Lines break at white space (runs collapse to
    one space; no-break spaces do not break), after ``-``, ``/``, ``‐`` and ``–`` inside
    a word, at a soft hyphen (drawn as ``-``) or zero-width space, and always at
    ``"\\n"``.  A piece too wide for a line on its own is split with a trailing ``-``
    at the longest prefix that fits, keeping at least three characters per side where
    possible.  Every line satisfies ``text_width(line, size, bold) <= max_width``;
    only when ``max_width`` is narrower than a single character does a line hold one
    character that is wider.  Blank text gives ``[]``; blank lines between text lines
    are kept as ``""``.
    """
    if max_width != max_width:  # NaN
        raise ValueError("max_width is NaN")
    font = _font(bool(bold))
    limit_units = (max_width + _EPS) * font.units_per_em / size if size > 0 else float("inf")
    units = _units_function(bool(bold))

    def fits(line: str) -> bool:
        return units(line) <= limit_units

    lines: list[str] = []
    for words in _paragraphs(text):
        if not words:
            lines.append("")
            continue
        cur = ""  # the current line as drawn if more text follows on it
        tail = ""  # what to add to cur when the line ends here (the "-" of a soft hyphen)
        for word in words:
            for j, (mid, end) in enumerate(_pieces(word)):
                sep = " " if j == 0 and cur else ""
                if fits(cur + sep + end):
                    cur, tail = cur + sep + mid, end[len(mid) :]
                    continue
                rest, suffix = mid, end[len(mid) :]
                if cur:
                    # A piece too wide even for a line of its own must be split anyway:
                    # start it on the current line rather than leave that line short.
                    split = None if fits(end) else _fill_split(rest, cur + sep, fits)
                    if split is not None:
                        lines.append(split[0])
                        rest = split[1]
                    else:
                        lines.append(cur + tail)
                    cur, tail = "", ""
                while not fits(rest + suffix) and not _single_cluster(rest):
                    line, rest = _split_word(rest, fits)
                    lines.append(line)
                cur = rest
                tail = suffix if fits(rest + suffix) else ""
        if cur:
            lines.append(cur + tail)
    return lines


def longest_word_width(text: str, size: float, bold: bool = False) -> float:
    """Width of the widest piece of ``text`` that :func:`wrap` cannot break.

    A box at least this wide (plus padding) never needs a forced hyphenation:
    ``wrap(text, longest_word_width(text, size), size)`` breaks only at the regular
    break opportunities.  Blank text gives 0.0.
    """
    font = _font(bool(bold))
    units = _units_function(bool(bold))
    widest = 0.0
    for words in _paragraphs(text):
        for word in words:
            for _mid, end in _pieces(word):
                widest = max(widest, units(end))
    return widest * size / font.units_per_em


# --------------------------------------------------------------------------- WOFF subsets

# Tables a browser needs to show the glyphs; everything else (GSUB, GPOS, GDEF, DSIG,
# hdmx, LTSH, VDMX, ...) is dropped.  Without GSUB/GPOS a browser draws neither
# ligatures nor OpenType kerning, which keeps its widths equal to text_width().
_KEEP_TABLES = (
    "OS/2",
    "cmap",
    "cvt ",
    "fpgm",
    "gasp",
    "glyf",
    "head",
    "hhea",
    "hmtx",
    "kern",
    "loca",
    "maxp",
    "name",
    "post",
    "prep",
)


def _chars_of(chars: Iterable[str]) -> frozenset[str]:
    return frozenset(ch for item in chars for ch in item)


def woff_subset(chars: str | Iterable[str], bold: bool = False, face: str = PRIMARY) -> bytes:
    """A WOFF 1.0 font with only the glyphs for ``chars`` (plus .notdef), for embedding.

    ``chars`` is a string or any collection of strings; every character in them is
    included.  Glyph ids are kept, so the subset measures exactly like the full font;
    characters the font lacks are left out of the cmap (a browser falls back for them).
    The result is deterministic and cached per (set of characters, weight).
    """
    return _woff_subset(_chars_of(chars), bool(bold), face)


def font_face_css(chars: str | Iterable[str], bold: bool = False) -> str:
    """An ``@font-face`` rule embedding :func:`woff_subset` as a data URL (for SVG ``<style>``).

    The family is :data:`FONT_FAMILY`; the weight is 700 for bold, else 400.
    """
    import base64

    data = base64.b64encode(woff_subset(chars, bold)).decode("ascii")
    weight = 700 if bold else 400
    return (
        f'@font-face{{font-family:"{FONT_FAMILY}";font-style:normal;font-weight:{weight};'
        f'src:url(data:font/woff;base64,{data}) format("woff");}}'
    )


@functools.lru_cache(maxsize=64)
def _woff_subset(chars: frozenset[str], bold: bool, face: str = PRIMARY) -> bytes:
    if face in SHAPED:
        return _sfnt_to_woff(_shaping_subset(chars, bold, face))
    return _sfnt_to_woff(_subset_sfnt(_font(bold, face), chars))


def _shaping_subset(chars: frozenset[str], bold: bool, face: str) -> bytes:
    """A subset that keeps the OpenType layout tables (GSUB, GPOS, GDEF): the browser shapes
    Arabic with them exactly as :func:`shape` measured. Made with HarfBuzz's subsetter."""
    import uharfbuzz as hb

    face_obj = hb.Face(_font_bytes(bold, face))
    subset_input = hb.SubsetInput()
    for ch in sorted(chars):
        subset_input.unicode_set.add(ord(ch))
    # no hinting, no glyph names: smaller, and the same bytes on every machine
    subset_input.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE
    result = hb.subset(face_obj, subset_input)
    if result is None:
        raise FontError(f"could not subset {face}")
    return bytes(result.blob.data)


def _glyph_closure(glyf: bytes, loca: list[int], gids: set[int]) -> set[int]:
    """``gids`` plus every glyph used as a component of a composite glyph, recursively."""
    keep = set(gids)
    todo = list(gids)
    while todo:
        gid = todo.pop()
        start, end = loca[gid], loca[gid + 1]
        if end - start < 10 or struct.unpack_from(">h", glyf, start)[0] >= 0:
            continue
        pos = start + 10
        while True:
            flags, component = struct.unpack_from(">HH", glyf, pos)
            pos += 4 + (4 if flags & 0x0001 else 2)  # ARG_1_AND_2_ARE_WORDS
            if flags & 0x0008:  # WE_HAVE_A_SCALE
                pos += 2
            elif flags & 0x0040:  # WE_HAVE_AN_X_AND_Y_SCALE
                pos += 4
            elif flags & 0x0080:  # WE_HAVE_A_TWO_BY_TWO
                pos += 8
            if component not in keep and component < len(loca) - 1:
                keep.add(component)
                todo.append(component)
            if not flags & 0x0020:  # MORE_COMPONENTS
                break
    return keep


def _cmap_table(mapping: dict[int, int]) -> bytes:
    """A cmap with a (3,1) format 4 subtable, plus (3,10) format 12 beyond the BMP."""
    bmp = sorted((cp, gid) for cp, gid in mapping.items() if cp <= 0xFFFF)
    # Segments of consecutive code points with consecutive glyph ids (idDelta coding).
    segments: list[list[int]] = []  # [start, end, delta]
    for cp, gid in bmp:
        if cp == 0xFFFF:
            continue
        delta = (gid - cp) & 0xFFFF
        if segments and segments[-1][1] == cp - 1 and segments[-1][2] == delta:
            segments[-1][1] = cp
        else:
            segments.append([cp, cp, delta])
    segments.append([0xFFFF, 0xFFFF, 1])
    n = len(segments)
    entry_selector = n.bit_length() - 1
    search_range = 2 * (1 << entry_selector)
    length = 16 + 8 * n
    fmt4 = struct.pack(
        ">7H", 4, length, 0, 2 * n, search_range, entry_selector, 2 * n - search_range
    )
    fmt4 += struct.pack(f">{n}H", *(s[1] for s in segments)) + b"\0\0"
    fmt4 += struct.pack(f">{n}H", *(s[0] for s in segments))
    fmt4 += struct.pack(f">{n}H", *(s[2] for s in segments))
    fmt4 += struct.pack(f">{n}H", *([0] * n))

    subtables: list[tuple[int, int, bytes]] = [(3, 1, fmt4)]
    if any(cp > 0xFFFF for cp in mapping):
        groups: list[list[int]] = []  # [start, end, first glyph]
        for cp, gid in sorted(mapping.items()):
            if groups and groups[-1][1] == cp - 1 and groups[-1][2] + cp - groups[-1][0] == gid:
                groups[-1][1] = cp
            else:
                groups.append([cp, cp, gid])
        fmt12 = struct.pack(">HHIII", 12, 0, 16 + 12 * len(groups), 0, len(groups))
        fmt12 += b"".join(struct.pack(">III", *g) for g in groups)
        subtables.append((3, 10, fmt12))

    out = struct.pack(">HH", 0, len(subtables))
    offset = 4 + 8 * len(subtables)
    body = b""
    for platform, encoding, data in subtables:
        out += struct.pack(">HHI", platform, encoding, offset + len(body))
        body += data
    return out + body


def _subset_sfnt(font: _Font, chars: frozenset[str]) -> bytes:
    if "glyf" not in font.tables or "loca" not in font.tables:
        raise FontError("only TrueType-outline fonts can be subset")
    n = font.num_glyphs
    head = bytearray(font.table("head"))
    long_loca = struct.unpack_from(">h", head, 50)[0] == 1
    loca_raw = font.table("loca")
    if long_loca:
        loca = list(struct.unpack_from(f">{n + 1}I", loca_raw))
    else:
        loca = [2 * v for v in struct.unpack_from(f">{n + 1}H", loca_raw)]
    glyf = font.table("glyf")

    mapping = {ord(ch): font.cmap[ord(ch)] for ch in chars if ord(ch) in font.cmap}
    keep = _glyph_closure(glyf, loca, {0, *mapping.values()})

    # glyf/loca: every glyph id stays, unused glyphs become empty.
    parts: list[bytes] = []
    offsets = [0]
    pos = 0
    for gid in range(n):
        if gid in keep:
            outline = glyf[loca[gid] : loca[gid + 1]]
            outline += b"\0" * (-len(outline) % 4)
            parts.append(outline)
            pos += len(outline)
        offsets.append(pos)
    new_glyf = b"".join(parts) or b"\0\0\0\0"
    if pos <= 0x1FFFE:
        new_loca = struct.pack(f">{n + 1}H", *(o // 2 for o in offsets))
        struct.pack_into(">h", head, 50, 0)
    else:
        new_loca = struct.pack(f">{n + 1}I", *offsets)
        struct.pack_into(">h", head, 50, 1)
    struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set at the end

    # hmtx: one long metric per glyph, zero for the unused ones (compresses to nothing).
    hhea = bytearray(font.table("hhea"))
    num_hmetrics = struct.unpack_from(">H", hhea, 34)[0]
    hmtx_raw = font.table("hmtx")
    lsbs = list(struct.unpack_from(f">{2 * num_hmetrics}h", hmtx_raw)[1::2])
    extra = n - num_hmetrics
    lsbs.extend(struct.unpack_from(f">{extra}h", hmtx_raw, 4 * num_hmetrics))
    metrics: list[int] = []
    for gid in range(n):
        if gid in keep:
            metrics += (font.advances[gid], lsbs[gid])
        else:
            metrics += (0, 0)
    new_hmtx = struct.pack(">" + "Hh" * n, *metrics)
    struct.pack_into(">H", hhea, 34, n)

    tables: dict[str, bytes] = {
        "head": bytes(head),
        "hhea": bytes(hhea),
        "hmtx": new_hmtx,
        "loca": new_loca,
        "glyf": new_glyf,
        "cmap": _cmap_table(mapping),
    }
    if "post" in font.tables:
        post = bytearray(font.table("post")[:32].ljust(32, b"\0"))
        struct.pack_into(">I", post, 0, 0x00030000)  # version 3: no glyph names
        tables["post"] = bytes(post)
    if "OS/2" in font.tables:
        os2 = bytearray(font.table("OS/2"))
        if mapping and len(os2) >= 68:
            struct.pack_into(">HH", os2, 64, min(min(mapping), 0xFFFF), min(max(mapping), 0xFFFF))
        tables["OS/2"] = bytes(os2)
    for tag in _KEEP_TABLES:
        if tag not in tables and tag in font.tables:
            tables[tag] = font.table(tag)
    return _build_sfnt(tables)


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words: tuple[int, ...] = struct.unpack(f">{len(padded) // 4}I", padded)
    return sum(words) & 0xFFFFFFFF


def _build_sfnt(tables: dict[str, bytes]) -> bytes:
    tags = sorted(tables)
    num = len(tags)
    entry_selector = num.bit_length() - 1
    search_range = 16 * (1 << entry_selector)
    header = struct.pack(
        ">IHHHH", 0x00010000, num, search_range, entry_selector, 16 * num - search_range
    )
    directory = b""
    body = b""
    offset = 12 + 16 * num
    head_offset = 0
    for tag in tags:
        table = tables[tag]
        if tag == "head":
            head_offset = offset + len(body)
        directory += struct.pack(
            ">4sIII", tag.encode("latin-1"), _checksum(table), offset + len(body), len(table)
        )
        body += table + b"\0" * (-len(table) % 4)
    font = bytearray(header + directory + body)
    adjustment = (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF
    struct.pack_into(">I", font, head_offset + 8, adjustment)
    return bytes(font)


def _sfnt_to_woff(sfnt: bytes) -> bytes:
    import zlib

    flavor, num = struct.unpack_from(">IH", sfnt, 0)
    records = [struct.unpack_from(">4sIII", sfnt, 12 + 16 * i) for i in range(num)]
    records.sort(key=lambda r: r[0])
    header_size = 44 + 20 * num
    directory = b""
    body = b""
    total_sfnt = 12 + 16 * num
    for tag, checksum, offset, length in records:
        table = sfnt[offset : offset + length]
        packed = zlib.compress(table, 9)
        if len(packed) >= length:
            packed = table
        directory += struct.pack(
            ">4sIIII", tag, header_size + len(body), len(packed), length, checksum
        )
        body += packed + b"\0" * (-len(packed) % 4)
        total_sfnt += length + (-length % 4)
    total = header_size + len(body)
    header = struct.pack(
        ">4sIIHHIHHIIIII", b"wOFF", flavor, total, num, 0, total_sfnt, 1, 0, 0, 0, 0, 0, 0
    )
    return header + directory + body
