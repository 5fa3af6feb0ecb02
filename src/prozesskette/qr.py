"""Contact QR codes: the QR module matrix of a text, without any drawing.

Renderers (SVG, PDF) draw the matrix themselves from :meth:`QrMatrix.dark_rects`, so that a
code becomes a handful of shapes instead of one square per module. The text of a contact's
code, the vCard, comes from :mod:`prozesskette.vcard`.

Character set: the text goes into the code as UTF-8 bytes in byte mode *without* an ECI
designator. Readers then guess the charset; ZXing and its ports (Java, C++, .NET, JS, which
many phone apps build on) choose UTF-8 whenever the bytes are valid UTF-8 with at least one
multi-byte character, so umlauts, ß and Cyrillic come out right (tests/test_qr.py checks this
with zxing-cpp). An ECI designator (UTF-8 = ECI 26) would be more formally correct, but these
readers do not need it and it would cost space.

Why an own encoder: speed. A chart carries a code per contact, and the PDF may lay a chart out
several times to enlarge its codes. Measured for 200 typical vCards (level M, matrix only, no
image; see the commit that split off vcard.py): 0.45 ms per vCard here against 14.4 ms with
the ``qrcode`` package (7.4); an earlier measurement gave 0.5 ms against 17 ms with qrcode and
13.5 ms with segno. It is pure Python (standard library only), following ISO/IEC 18004: byte
mode, error correction levels L/M/Q/H, the smallest version 1–40 that fits, Reed–Solomon
blocks interleaved as in the standard's tables, and the best of the eight masks by penalty
rules N1–N4. Its oracle is ``qrcode``, which only the tests need:
tests/test_qr.py::test_matrix_equals_qrcode_with_same_version_and_mask compares it module for
module (plus test_mask_choice_equals_qrcode and test_every_version_and_level), and zxing-cpp
decodes every code back. This module must import fast (the CLI imports it on start).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from operator import itemgetter

# Re-exported until graph.py, layout/build.py and renderers/appendix.py import it from
# prozesskette.vcard (their owners change those lines when the restructuring is merged).
from prozesskette.vcard import vcard

__all__ = [
    "ERROR_CORRECTION_LEVELS",
    "QrDataTooLongError",
    "QrMatrix",
    "fits_in_qr",
    "min_printed_size_mm",
    "module_size_mm",
    "qr_matrix",
    "vcard",
]

ERROR_CORRECTION_LEVELS = ("L", "M", "Q", "H")
"""QR error correction levels: about 7 %, 15 %, 25 % and 30 % of the code may be damaged."""

# --------------------------------------------------------------------------------------------
# The QR matrix
# --------------------------------------------------------------------------------------------


class QrDataTooLongError(ValueError):
    """The text does not fit into a QR code (version 40) at the chosen error correction."""


@dataclass(frozen=True)
class QrMatrix:
    """A QR code's modules; ``rows[y][x]`` is True for a dark module.

    ``size`` counts modules per side *without* the quiet zone; renderers keep ``quiet_zone``
    light modules free on every side.
    """

    size: int
    rows: tuple[tuple[bool, ...], ...]
    version: int
    quiet_zone: int = 4

    def __post_init__(self) -> None:
        if len(self.rows) != self.size or any(len(row) != self.size for row in self.rows):
            raise ValueError(f"a QR matrix of size {self.size} needs {self.size}×{self.size} rows")

    @cached_property
    def _rects(self) -> tuple[tuple[int, int, int, int], ...]:
        return _merge_runs(self.rows)

    @property
    def total_size(self) -> int:
        """Modules per side including the quiet zone on both sides."""
        return self.size + 2 * self.quiet_zone

    def dark_rects(self) -> list[tuple[int, int, int, int]]:
        """``(x, y, w, h)`` rectangles in module units covering exactly the dark modules.

        Horizontal runs of dark modules are merged, and runs with the same position and width
        in consecutive rows are merged into taller rectangles; rectangles do not overlap.
        Coordinates start at the first module of the symbol (no quiet-zone offset), ordered
        by top edge, then left edge.
        """
        return list(self._rects)


_DARK_RUN_RE = re.compile(rb"\x01+")


def _merge_runs(rows: tuple[tuple[bool, ...], ...]) -> tuple[tuple[int, int, int, int], ...]:
    rects: list[list[int]] = []
    open_rects: dict[tuple[int, int], list[int]] = {}
    for y, row in enumerate(rows):
        still_open: dict[tuple[int, int], list[int]] = {}
        for match in _DARK_RUN_RE.finditer(bytes(map(bool, row))):
            run = match.span()  # (start, end) of a run of dark modules
            rect = open_rects.pop(run, None)
            if rect is None:
                start, end = run
                rect = [start, y, end - start, 0]
                rects.append(rect)
            rect[3] += 1
            still_open[run] = rect
        open_rects = still_open
    return tuple((x, y, w, h) for x, y, w, h in rects)


def qr_matrix(data: str, error_correction: str = "M") -> QrMatrix:
    """The QR code for ``data`` (sent as UTF-8 bytes), in the smallest version that fits.

    ``error_correction`` is one of "L", "M", "Q", "H". Results are cached. Raises
    :class:`QrDataTooLongError` if the data does not fit even into version 40.
    """
    level = error_correction.upper()
    if level not in ERROR_CORRECTION_LEVELS:
        raise ValueError(
            f"unknown QR error correction {error_correction!r}: use one of L, M, Q, H"
        )
    return _qr_matrix(data, level)


@lru_cache(maxsize=512)
def _qr_matrix(data: str, level: str) -> QrMatrix:
    return _encode(data.encode("utf-8"), level)[0]


def min_printed_size_mm(matrix: QrMatrix, min_module_mm: float = 0.4) -> float:
    """The smallest printed side length, quiet zone included, for modules of ``min_module_mm``.

    0.4 mm modules scan reliably with phone cameras at reading distance; renderers can warn
    about or enlarge codes printed smaller than this.
    """
    return matrix.total_size * min_module_mm


def module_size_mm(matrix: QrMatrix, printed_width_mm: float) -> float:
    """The module side length when the code, quiet zone included, is printed this wide."""
    return printed_width_mm / matrix.total_size


# --------------------------------------------------------------------------------------------
# The encoder (ISO/IEC 18004, model 2, byte mode)
# --------------------------------------------------------------------------------------------
#
# Everything that depends on the version only (function patterns, the order in which data
# modules are filled, the mask patterns) is computed once per version and cached. A symbol is
# kept as one big integer per reading direction: row-major ("R") and column-major ("C"), each
# line of ``size`` module bits followed by one separator bit that is always 0. The separator
# belongs to neither colour, so runs and patterns never continue from one line into the next,
# and the mask penalty rules become a few shifts, ANDs and popcounts over the whole symbol.
# Within a line the first module is the most significant bit.

# Error correction codewords per block, versions 1–40 (ISO/IEC 18004 table 9).
_EC_CODEWORDS_PER_BLOCK = {
    "L": (7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
          28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "M": (10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
          26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),
    "Q": (13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
          28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "H": (17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
          30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
}
# Error correction blocks, versions 1–40 (table 9). Blocks with one data codeword more than
# the others come last.
_EC_BLOCKS = {
    "L": (1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
          8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25),
    "M": (1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
          17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49),
    "Q": (1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
          23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68),
    "H": (1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
          25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81),
}
# The two error correction level bits of the format information (table 12).
_FORMAT_LEVEL_BITS = {"L": 0b01, "M": 0b00, "Q": 0b11, "H": 0b10}

# Mask pattern conditions (table 10) for row i and column j; a module is inverted where true.
_MASK_CONDITIONS: tuple[Callable[[int, int], bool], ...] = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)
_MASK_PERIOD = 12  # every condition repeats after 12 rows and after 12 columns


def _symbol_size(version: int) -> int:
    return 17 + 4 * version


def _alignment_centres(version: int) -> tuple[int, ...]:
    """Row/column coordinates of alignment pattern centres (annex E)."""
    if version == 1:
        return ()
    count = version // 7 + 2
    last = 4 * version + 10  # the last centre is 7 modules from the far edge
    # Even spacing from the far edge, rounded up to an even number; version 32 is the one
    # exception in the standard's table.
    step = 26 if version == 32 else -(-(last - 6) // (2 * (count - 1))) * 2
    return (6, *range(last - step * (count - 2), last + 1, step))


def _data_module_count(version: int) -> int:
    """Modules left for codewords and remainder bits once all function patterns are placed."""
    n = _symbol_size(version)
    # Three finder patterns with separators (8×8 each), two timing patterns, two copies of
    # the format information (15 modules each) and the dark module.
    count = n * n - 3 * 64 - 2 * (n - 16) - 31
    if version >= 2:
        per_side = version // 7 + 2
        count -= 25 * (per_side * per_side - 3)
        count += 2 * 5 * (per_side - 2)  # alignment patterns on a timing pattern: not twice
    if version >= 7:
        count -= 2 * 18  # version information
    return count


def _data_capacity(version: int, level: str) -> int:
    """Data codewords of the version at the error correction level."""
    blocks = _EC_BLOCKS[level][version - 1]
    per_block = _EC_CODEWORDS_PER_BLOCK[level][version - 1]
    return _data_module_count(version) // 8 - blocks * per_block


def _bch(value: int, generator: int) -> int:
    """``value`` followed by the remainder of its division by ``generator`` (over GF(2))."""
    degree = generator.bit_length() - 1
    remainder = value << degree
    while remainder.bit_length() > degree:
        remainder ^= generator << (remainder.bit_length() - 1 - degree)
    return value << degree | remainder


def _format_bits(level: str, mask: int) -> int:
    """The 15 format information bits: BCH(15,5) code, XORed with 101010000010010."""
    return _bch(_FORMAT_LEVEL_BITS[level] << 3 | mask, 0b10100110111) ^ 0b101010000010010


# ------------------------------------------------------------ Reed–Solomon over GF(2^8)


@cache
def _gf_tables() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Antilog (doubled, so sums of two logs need no reduction) and log tables of GF(256)
    with the primitive polynomial x^8 + x^4 + x^3 + x^2 + 1."""
    antilog = [0] * 510
    log = [0] * 256
    value = 1
    for power in range(255):
        antilog[power] = antilog[power + 255] = value
        log[value] = power
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    return tuple(antilog), tuple(log)


@cache
def _rs_products(degree: int) -> tuple[int, ...]:
    """For each byte ``f``, ``f`` times the generator polynomial of ``degree`` (without its
    leading 1) as one big-endian integer of ``degree`` bytes."""
    antilog, log = _gf_tables()
    generator = [1]  # coefficients, highest power first: (x - α^0)(x - α^1)…
    for power in range(degree):
        product = [*generator, 0]
        for index, coefficient in enumerate(generator, 1):
            if coefficient:
                product[index] ^= antilog[log[coefficient] + power]
        generator = product
    logs = [log[c] if c else -1 for c in generator[1:]]
    table = [0]
    for factor in range(1, 256):
        lf = log[factor]
        table.append(int.from_bytes(
            bytes(antilog[lf + lc] if lc >= 0 else 0 for lc in logs), "big"))
    return tuple(table)


def _rs_remainder(block: bytes, degree: int) -> bytes:
    """The ``degree`` error correction codewords of a data block."""
    products = _rs_products(degree)
    shift = 8 * (degree - 1)
    keep = (1 << shift) - 1
    remainder = 0
    for byte in block:
        remainder = (remainder & keep) << 8 ^ products[remainder >> shift ^ byte]
    return remainder.to_bytes(degree, "big")


def _codewords(payload: bytes, version: int, level: str) -> bytes:
    """Byte-mode bit stream, padded, split into blocks, error-corrected and interleaved."""
    capacity = _data_capacity(version, level)
    count_bits = 8 if version < 10 else 16
    stream = (0b0100 << count_bits | len(payload)) << 8 * len(payload)
    stream |= int.from_bytes(payload, "big")
    length = 4 + count_bits + 8 * len(payload)
    terminator = min(4, 8 * capacity - length)
    length += terminator + (-(length + terminator) % 8)
    stream <<= length - (4 + count_bits + 8 * len(payload))
    data = stream.to_bytes(length // 8, "big")
    fill = capacity - len(data)
    data += b"\xec\x11" * (fill // 2) + b"\xec" * (fill % 2)

    blocks_count = _EC_BLOCKS[level][version - 1]
    degree = _EC_CODEWORDS_PER_BLOCK[level][version - 1]
    short, longer = divmod(capacity, blocks_count)
    blocks: list[bytes] = []
    start = 0
    for index in range(blocks_count):
        end = start + short + (index >= blocks_count - longer)
        blocks.append(data[start:end])
        start = end
    out = bytearray()
    for column in zip(*blocks, strict=False):  # the first `short` codewords of every block
        out += bytes(column)
    out += bytes(block[short] for block in blocks[blocks_count - longer:])
    for column in zip(*(_rs_remainder(block, degree) for block in blocks), strict=True):
        out += bytes(column)
    return bytes(out)


# ------------------------------------------------------------ per-version layout


class _Layout:
    """What all symbols of one version share (a plain class: cheaper to import than a
    dataclass)."""

    __slots__ = ("data_modules", "function_c", "function_r", "masks_c", "masks_r",
                 "modules_r", "place_c", "place_r", "size")

    def __init__(
        self,
        size: int,
        modules_r: int,
        function_r: int,
        function_c: int,
        masks_r: tuple[int, ...],
        masks_c: tuple[int, ...],
        place_r: Callable[[str], tuple[str, ...]],
        place_c: Callable[[str], tuple[str, ...]],
        data_modules: int,
    ) -> None:
        self.size = size
        self.modules_r = modules_r  # 1 on every module (serves column-major as well)
        self.function_r = function_r  # dark modules of finder, separator, timing, alignment
        self.function_c = function_c
        self.masks_r = masks_r  # per mask: the modules it inverts, data modules only
        self.masks_c = masks_c
        self.place_r = place_r  # picks the stream's characters in row-major order
        self.place_c = place_c
        self.data_modules = data_modules


@cache
def _mask_tiles() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Per mask: 12 row strings (row i, columns 0–11) and 12 column strings (column j,
    rows 0–11), "1" where the mask inverts."""
    span = range(_MASK_PERIOD)
    return tuple(
        (
            tuple("".join("1" if cond(i, j) else "0" for j in span) for i in span),
            tuple("".join("1" if cond(i, j) else "0" for i in span) for j in span),
        )
        for cond in _MASK_CONDITIONS
    )


def _lines_to_int(lines: list[str]) -> int:
    return int("0".join(lines) + "0", 2)


_AS_BITS = bytes.maketrans(b"\0\1", b"01")
_AS_INVERTED_BITS = bytes.maketrans(b"\0\1", b"10")


def _grid_to_int(grid: list[bytearray], table: bytes, transpose: bool = False) -> int:
    lines = [bytes(column) for column in zip(*grid, strict=True)] if transpose else grid
    return int(b"0".join(line.translate(table) for line in lines) + b"0", 2)


def _function_patterns(version: int) -> tuple[list[bytearray], list[bytearray]]:
    """The function patterns' ``dark`` modules, and the modules ``used`` by them or reserved."""
    n = _symbol_size(version)
    dark = [bytearray(n) for _ in range(n)]
    used = [bytearray(n) for _ in range(n)]  # function patterns and reserved areas

    def put(x: int, y: int, is_dark: bool) -> None:
        dark[y][x] = is_dark
        used[y][x] = 1

    # Finder patterns with their light separators: rings at Chebyshev distance 0–4 from the
    # centre are dark, dark, light, dark, light.
    for cx, cy in ((3, 3), (n - 4, 3), (3, n - 4)):
        for y in range(max(0, cy - 4), min(n, cy + 5)):
            for x in range(max(0, cx - 4), min(n, cx + 5)):
                put(x, y, max(abs(x - cx), abs(y - cy)) in (0, 1, 3))
    # Alignment patterns: dark centre, light ring, dark ring; none over a finder pattern.
    centres = _alignment_centres(version)
    for cy in centres:
        for cx in centres:
            if used[cy][cx]:
                continue
            for y in range(cy - 2, cy + 3):
                for x in range(cx - 2, cx + 3):
                    put(x, y, max(abs(x - cx), abs(y - cy)) != 1)
    # Timing patterns (alignment patterns on them agree with them).
    for i in range(8, n - 8):
        put(i, 6, i % 2 == 0)
        put(6, i, i % 2 == 0)
    # Reserved, filled after masking: format information, the dark module, version information.
    for i in (*range(9), *range(n - 8, n)):
        used[8][i] = used[i][8] = 1
    if version >= 7:
        for a in range(n - 11, n - 8):
            for b in range(6):
                used[b][a] = used[a][b] = 1
    return dark, used


def _placement(used: list[bytearray], data_modules: int) -> tuple[list[int], list[int]]:
    """Codeword placement: two-module columns from the right, alternately upwards and
    downwards, skipping the vertical timing pattern. The lists map each bit of the row- and
    column-major symbol to its position in the bit stream; modules that hold no data (and the
    separators) map to a "0" appended to the stream."""
    n = len(used)
    stride = n + 1
    index_r = [data_modules] * (n * stride)
    index_c = [data_modules] * (n * stride)
    k = 0
    x, upwards = n - 1, True
    while x > 0:
        if x == 6:
            x = 5
        for y in range(n - 1, -1, -1) if upwards else range(n):
            row = used[y]
            if not row[x]:
                index_r[y * stride + x] = index_c[x * stride + y] = k
                k += 1
            if not row[x - 1]:
                index_r[y * stride + x - 1] = index_c[(x - 1) * stride + y] = k
                k += 1
        upwards = not upwards
        x -= 2
    assert k == data_modules
    return index_r, index_c


@cache
def _layout(version: int) -> _Layout:
    n = _symbol_size(version)
    dark, used = _function_patterns(version)
    data_modules = _data_module_count(version)
    index_r, index_c = _placement(used, data_modules)
    data_r = _grid_to_int(used, _AS_INVERTED_BITS)
    data_c = _grid_to_int(used, _AS_INVERTED_BITS, transpose=True)
    repeat = n // _MASK_PERIOD + 1
    masks_r, masks_c = [], []
    for row_tiles, column_tiles in _mask_tiles():
        masks_r.append(data_r & _lines_to_int(
            [(row_tiles[i % _MASK_PERIOD] * repeat)[:n] for i in range(n)]))
        masks_c.append(data_c & _lines_to_int(
            [(column_tiles[j % _MASK_PERIOD] * repeat)[:n] for j in range(n)]))
    return _Layout(
        size=n,
        modules_r=_lines_to_int(["1" * n] * n),
        function_r=_grid_to_int(dark, _AS_BITS),
        function_c=_grid_to_int(dark, _AS_BITS, transpose=True),
        masks_r=tuple(masks_r),
        masks_c=tuple(masks_c),
        place_r=itemgetter(*index_r),
        place_c=itemgetter(*index_c),
        data_modules=data_modules,
    )


@cache
def _information_bits(version: int, level: str, mask: int) -> int:
    """Format information, the dark module and version information, row-major."""
    n = _symbol_size(version)
    stride = n + 1
    top = n * stride - 1
    dark: list[tuple[int, int]] = [(8, n - 8)]  # (x, y)
    fmt = _format_bits(level, mask)
    for i in range(15):
        if fmt >> i & 1:
            # first copy around the top left finder pattern (skipping the timing patterns),
            # second copy split between the other two
            if i < 8:
                dark += [(8, (0, 1, 2, 3, 4, 5, 7, 8)[i]), (n - 1 - i, 8)]
            else:
                dark += [((7, 5, 4, 3, 2, 1, 0)[i - 8], 8), (8, n - 15 + i)]
    if version >= 7:
        info = _bch(version, 0b1111100100101)
        for i in range(18):
            if info >> i & 1:
                a, b = n - 11 + i % 3, i // 3
                dark += [(a, b), (b, a)]
    value = 0
    for x, y in dark:
        value |= 1 << (top - (y * stride + x))
    return value


# ------------------------------------------------------------ mask evaluation
#
# Penalty rules of ISO/IEC 18004 (table 11), with N1 = 3, N2 = 3, N3 = 40, N4 = 10:
#   N1  each run of r >= 5 modules of one colour in a row or column: N1 + (r - 5)
#   N2  each 2×2 block of one colour (overlapping blocks all count): N2
#   N3  each 1:1:3:1:1 dark-light-dark-light-dark pattern in a row or column with 4 light
#       modules before it, and each with 4 light modules after it: N3
#   N4  k full 5 % steps by which the share of dark modules deviates from 50 %: N4 × k
# Evaluated like the standard's encoding procedure orders it (§7.1: mask in step 6, format
# and version information in step 7): on the symbol with all function patterns and the
# masked codewords, while the format and version information and the dark module are still
# blank (light). Patterns are looked for inside the symbol only; the quiet zone is not part
# of it. The ``qrcode`` package evaluates the same way, so both pick the same mask.


def _line_penalty(d: int, light: int) -> int:
    """Rules N1 (runs of five or more) and N3 (1:1:3:1:1 finder-like patterns with four light
    modules on one side) for all lines of one direction. ``d``/``light``: the dark and the
    light modules."""
    score = 0
    for x in (d, light):
        pairs = x & x >> 1
        fives = pairs & pairs >> 2 & x >> 4  # bit k: modules k…k+4 alike
        ones = fives.bit_count()
        # a run of length r sets r - 4 bits of `fives` and scores r - 2 = (r - 4) + 2
        score += 3 * ones - 2 * (fives & fives >> 1).bit_count()
    core = d & light >> 1 & d >> 2 & d >> 3 & d >> 4 & light >> 5 & d >> 6  # 1011101
    light4 = light & light >> 1
    light4 &= light4 >> 2
    score += 40 * ((core & light4 << 4).bit_count() + (core & light4 >> 7).bit_count())
    return score


def _penalty(layout: _Layout, d_r: int, d_c: int) -> int:
    """Penalty points N1–N4 of a masked symbol (row-major and column-major bits)."""
    n = layout.size
    light_r = d_r ^ layout.modules_r
    score = _line_penalty(d_r, light_r) + _line_penalty(d_c, d_c ^ layout.modules_r)
    for x in (d_r, light_r):  # N2: 2×2 blocks of one colour, overlapping ones included
        vertical = x & x >> (n + 1)
        score += 3 * (vertical & vertical >> 1).bit_count()
    total = n * n
    score += 10 * (abs(20 * d_r.bit_count() - 10 * total) // total)  # N4: 5 % steps from 50 %
    return score


def _smallest_version(payload: bytes, level: str) -> int:
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        if 4 + count_bits + 8 * len(payload) <= 8 * _data_capacity(version, level):
            return version
    raise QrDataTooLongError(
        f"{len(payload)} bytes do not fit into a QR code with error correction {level}"
        " (at most 2953 bytes at L, 2331 at M)"
    )


def _bit_stream(payload: bytes, version: int, level: str) -> str:
    """The codeword bits, the remainder bits and a "0" for modules that hold no data."""
    codewords = _codewords(payload, version, level)
    stream = f"{int.from_bytes(codewords, 'big'):0{8 * len(codewords)}b}"
    return stream + "0" * (_layout(version).data_modules - len(stream) + 1)


def _scores(layout: _Layout, stream: str, data_r: int) -> list[int]:
    data_c = int("".join(layout.place_c(stream)), 2)
    return [
        _penalty(layout, layout.function_r | data_r ^ mask_r, layout.function_c | data_c ^ mask_c)
        for mask_r, mask_c in zip(layout.masks_r, layout.masks_c, strict=True)
    ]


def _encode(
    payload: bytes, level: str, version: int | None = None, mask: int | None = None
) -> tuple[QrMatrix, int]:
    """The symbol and its mask; by default the smallest version and the mask with the lowest
    penalty (the lowest-numbered one on a tie)."""
    if version is None:
        version = _smallest_version(payload, level)
    layout = _layout(version)
    stream = _bit_stream(payload, version, level)
    data_r = int("".join(layout.place_r(stream)), 2)
    if mask is None:
        scores = _scores(layout, stream, data_r)
        mask = scores.index(min(scores))
    symbol = layout.function_r | data_r ^ layout.masks_r[mask]
    symbol |= _information_bits(version, level, mask)
    n = layout.size
    text = f"{symbol:0{n * (n + 1)}b}"
    rows = tuple(tuple(map("1".__eq__, text[y : y + n])) for y in range(0, n * (n + 1), n + 1))
    return QrMatrix(size=n, rows=rows, version=version), mask


_CAPACITY = {"L": 2953, "M": 2331, "Q": 1663, "H": 1273}  # bytes at version 40, byte mode


def fits_in_qr(data: str, error_correction: str = "M") -> bool:
    """Whether ``data`` (as UTF-8) fits into the largest QR code at this error correction."""
    return len(data.encode("utf-8")) <= _CAPACITY[error_correction.upper()]
