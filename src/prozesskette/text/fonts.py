"""The bundled font files and the part of each that measuring needs, parsed in pure Python.

The faces are Noto Sans Regular/Bold (``fonts/`` in the package, SIL OFL 1.1) and, for the
scripts Noto Sans lacks, Noto Sans Arabic and Noto Sans Ethiopic.  :class:`_Font` reads the
sfnt table directory, ``head``/``hhea``/``maxp``/``OS/2`` metrics, the advance widths
(``hmtx``), the Unicode ``cmap`` and a TrueType ``kern`` table -- exactly what reportlab's
``stringWidth`` uses, so widths measured here are the widths drawn in the PDF.

Importing the module does no work: each face is read and parsed on first use, then cached
(the Arabic and Ethiopic faces only when a text needs them).
"""

from __future__ import annotations

import functools
import struct

TYPE_CHECKING = False  # avoids importing typing at run time; mypy treats it as True
if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from pathlib import Path

FONT_FAMILY = "Noto Sans"
"""CSS / display family name of the bundled font (both weights)."""

# Faces for the scripts Noto Sans lacks, tried in this order (per glyph run):
# Arabic script (Arabic, Farsi, Pashto; shaped with HarfBuzz) and Ethiopic (Tigrinya).
PRIMARY, ARABIC, ETHIOPIC = "NotoSans", "NotoSansArabic", "NotoSansEthiopic"
FACES = (PRIMARY, ARABIC, ETHIOPIC)
FAMILIES = {PRIMARY: "Noto Sans", ARABIC: "Noto Sans Arabic", ETHIOPIC: "Noto Sans Ethiopic"}
SHAPED = frozenset({ARABIC})  # faces whose runs need shaping (joining forms, marks)
_FALLBACK_EM = 0.6  # width of a missing character if the font's .notdef has no advance
# The package that holds ``fonts/`` (this module lives in its ``text`` subpackage).
_PACKAGE = (__package__ or "prozesskette.text").rpartition(".")[0] or "prozesskette"


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

    return resources.files(_PACKAGE) / "fonts" / _file_name(bold, face)


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
    # Fast path: the package's own loader reads the file next to this package (works for
    # plain directories and zip imports alike) without importing importlib.resources,
    # which alone costs ~25 ms in a fresh interpreter.
    import os

    get_data = getattr(globals().get("__loader__"), "get_data", None)
    if get_data is not None and "__file__" in globals():
        package_dir = os.path.dirname(os.path.dirname(__file__))
        name = os.path.join(package_dir, "fonts", _file_name(bold, face))
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


def face_for_char(ch: str, bold: bool = False) -> str | None:
    """The face a browser picks for ``ch`` from the stack Noto Sans, Noto Sans Arabic, Noto
    Sans Ethiopic (the first that has it), or None if none has it."""
    for face in FACES:
        if ch in _font(bool(bold), face).char_units:
            return face
    return None
