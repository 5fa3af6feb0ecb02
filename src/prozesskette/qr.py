"""Contact QR codes: vCard text and the QR module matrix, without any drawing.

Renderers (SVG, PDF) draw the matrix themselves, using :meth:`QrMatrix.dark_rects` or
:meth:`QrMatrix.svg_path_data` so that a code becomes a handful of shapes instead of one
square per module.

Character set: the vCard goes into the code as UTF-8 bytes in byte mode *without* an ECI
designator. Readers then guess the charset; ZXing and its ports (Java, C++, .NET, JS, which
many phone apps build on) choose UTF-8 whenever the bytes are valid UTF-8 with at least one
multi-byte character, so umlauts, ß and Cyrillic come out right (tests/test_qr.py checks this
with zxing-cpp). An ECI designator (UTF-8 = ECI 26) would be more formally correct, but
``qrcode`` cannot write one and these readers do not need it.

This module must import fast (the CLI imports it on start): ``qrcode`` is imported only when
a matrix is actually built, and the contact model is needed for type checking only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prozesskette.model import Contact

__all__ = [
    "ERROR_CORRECTION_LEVELS",
    "QrDataTooLongError",
    "QrMatrix",
    "min_printed_size_mm",
    "module_size_mm",
    "qr_matrix",
    "qr_matrix_cache_clear",
    "vcard",
]

ERROR_CORRECTION_LEVELS = ("L", "M", "Q", "H")
"""QR error correction levels: about 7 %, 15 %, 25 % and 30 % of the code may be damaged."""

CRLF = "\r\n"

# --------------------------------------------------------------------------------------------
# vCard 3.0 (RFC 2426)
# --------------------------------------------------------------------------------------------

_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
_WS_RE = re.compile(r"\s+")

# Lower-case name particles that belong to the family name: "Anna von Beispiel".
_PARTICLES = frozenset(
    {"von", "vom", "van", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das",
     "zu", "zum", "zur", "la", "le", "ten", "ter", "af", "al", "el", "bin", "ibn"}
)
# Honorific prefixes without a full stop; words ending in "." ("Dr.", "Prof.") count as well.
_PREFIXES = frozenset({"Herr", "Frau", "Mr", "Mrs", "Ms", "Dr", "Prof"})
# A degree after a comma: "Erika Beispiel, M.A." / "Erika Beispiel, MBA".
_SUFFIX_RE = re.compile(r"^(?:[^\s,]*\.[^,]*|[A-Z]{2,5}|Jr|Sr|I{1,3}|IV)$")

# "39576 Stendal", "D-39576 Stendal", "1010 Wien", "CH-8001 Zürich".
_POSTCODE_CITY_RE = re.compile(r"^(?:[A-Z]{1,2}-\s?)?(?P<code>\d{4,5})\s+(?P<city>\S.*)$")
# The same without a comma: "Musterstraße 1 39576 Stendal" (five-digit codes only).
_INLINE_ADDRESS_RE = re.compile(
    r"^(?P<street>.*?\d\S*)\s+(?P<code>\d{5})\s+(?P<city>[^\d\s].*)$"
)


def escape_text(value: str) -> str:
    r"""Escape a vCard 3.0 text value (RFC 2426 §4): ``\`` ``,`` ``;`` and line breaks."""
    value = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return _NEWLINE_RE.sub("\\\\n", value)


def _uri(value: str) -> str:
    # URI values are not text values: RFC 2426 does not escape them (a "\," would become part
    # of the link). The model already rejects whitespace; drop line breaks defensively anyway.
    return _NEWLINE_RE.sub("", value)


@dataclass(frozen=True)
class NameParts:
    """The structured name of a vCard's ``N`` property."""

    family: str = ""
    given: str = ""
    additional: str = ""
    prefixes: str = ""
    suffixes: str = ""

    def n_value(self) -> str:
        return ";".join(
            escape_text(part)
            for part in (self.family, self.given, self.additional, self.prefixes, self.suffixes)
        )


def split_name(name: str) -> NameParts:
    """Split a full name: the last word is the family name, the words before it given names.

    Also understood: leading titles ("Dr. Erika Beispiel", "Prof. Dr. …"), lower-case
    particles that belong to the family name ("Anna von Beispiel"), a degree after a comma
    ("Erika Beispiel, M.A.") and the inverted form "Beispiel, Erika". A single word becomes
    the family name.
    """
    name = _WS_RE.sub(" ", name).strip()
    suffixes = ""
    head, sep, tail = name.rpartition(",")
    if sep and head.strip() and _SUFFIX_RE.match(tail.strip()):
        name, suffixes = head.strip(), tail.strip()
    if name.count(",") == 1:
        family, given = (part.strip() for part in name.split(","))
        if family and given:
            return NameParts(family=family, given=given, suffixes=suffixes)
    words = name.split(" ") if name else []
    prefixes: list[str] = []
    while len(words) > 1 and (words[0].endswith(".") or words[0] in _PREFIXES):
        prefixes.append(words.pop(0))
    if not words:
        return NameParts(prefixes=" ".join(prefixes), suffixes=suffixes)
    start = len(words) - 1
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1
    return NameParts(
        family=" ".join(words[start:]),
        given=" ".join(words[:start]),
        prefixes=" ".join(prefixes),
        suffixes=suffixes,
    )


@dataclass(frozen=True)
class AddressParts:
    """The components of a vCard's ``ADR`` property that a one-line address fills."""

    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""

    def adr_value(self) -> str:
        # post office box; extended address; street; locality; region; postal code; country
        parts = ("", "", self.street, self.city, "", self.postcode, self.country)
        return ";".join(escape_text(part) for part in parts)


def split_address(address: str) -> AddressParts:
    """Parse "Musterstraße 1, 39576 Stendal" into street, postal code and city.

    Parts after the "postcode city" part become the country ("…, 39576 Stendal, Deutschland").
    An address that does not have that shape goes into the street field unchanged.
    """
    parts = [part.strip() for part in re.split(r",|\r\n|\r|\n", address)]
    parts = [part for part in parts if part]
    for index in range(len(parts) - 1, -1, -1):
        match = _POSTCODE_CITY_RE.match(parts[index])
        if match:
            return AddressParts(
                street=", ".join(parts[:index]),
                city=match["city"],
                postcode=match["code"],
                country=", ".join(parts[index + 1 :]),
            )
    if len(parts) == 1:
        match = _INLINE_ADDRESS_RE.match(_WS_RE.sub(" ", parts[0]))
        if match:
            return AddressParts(
                street=match["street"], city=match["city"], postcode=match["code"]
            )
    return AddressParts(street=address)


def vcard(contact: Contact, organization: str | None = None) -> str:
    """The contact as vCard 3.0 text, lines joined with CRLF, for a QR code.

    ``organization`` (usually the actor's name) is used when the contact names no
    ``organization`` of its own; the contact's field is the override the model documents.
    Only fields that are present are written; the output is deterministic. Values are UTF-8
    text as is (no quoted-printable), escaped per RFC 2426; lines are not folded.
    """
    org = contact.organization or (organization.strip() if organization else "")
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:" + split_name(contact.name).n_value(),
        "FN:" + escape_text(contact.name),
    ]
    if org:
        lines.append("ORG:" + escape_text(org))
    if contact.role:
        lines.append("TITLE:" + escape_text(contact.role))
    if contact.phone:
        lines.append("TEL;TYPE=WORK,VOICE:" + escape_text(contact.phone))
    if contact.email:
        lines.append("EMAIL;TYPE=INTERNET:" + escape_text(contact.email))
    if contact.url:
        lines.append("URL:" + _uri(contact.url))
    if contact.address:
        lines.append("ADR;TYPE=WORK:" + split_address(contact.address).adr_value())
    lines.append("END:VCARD")
    return CRLF.join(lines)


# --------------------------------------------------------------------------------------------
# The QR matrix
# --------------------------------------------------------------------------------------------


class QrDataTooLongError(ValueError):
    """The text does not fit into a QR code (version 40) at the chosen error correction."""


def _compact_number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


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

    def svg_path_data(
        self,
        x0: float,
        y0: float,
        module: float,
        fmt: Callable[[float], str] = _compact_number,
    ) -> str:
        """One SVG path ``d`` string drawing every dark module, one subpath per rectangle.

        ``(x0, y0)`` is where the symbol's first module goes (add ``quiet_zone * module``
        when placing the code with its quiet zone), ``module`` the side of a module and
        ``fmt`` formats the numbers. Fill the path with ``fill-rule`` left at its default.
        """
        parts = []
        for x, y, w, h in self._rects:
            width = fmt(w * module)
            parts.append(
                f"M{fmt(x0 + x * module)} {fmt(y0 + y * module)}"
                f"h{width}v{fmt(h * module)}h-{width}z"
            )
        return "".join(parts)


def _merge_runs(rows: tuple[tuple[bool, ...], ...]) -> tuple[tuple[int, int, int, int], ...]:
    rects: list[list[int]] = []
    open_rects: dict[tuple[int, int], list[int]] = {}
    for y, row in enumerate(rows):
        still_open: dict[tuple[int, int], list[int]] = {}
        x, size = 0, len(row)
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            run = (start, x - start)
            rect = open_rects.pop(run, None)
            if rect is None:
                rect = [start, y, x - start, 0]
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
    import qrcode  # imported here: it is slow to import and only needed when drawing codes
    from qrcode.exceptions import DataOverflowError

    levels = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }
    code = qrcode.QRCode(error_correction=levels[level], border=0, version=None)
    payload = data.encode("utf-8")
    code.add_data(payload)
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError):
        # qrcode 8 reports overflow as "ValueError: Invalid version (was 41 …)" from its
        # version setter before it gets to raise DataOverflowError.
        raise QrDataTooLongError(
            f"{len(payload)} bytes do not fit into a QR code with error correction {level}"
            " (at most 2953 bytes at L, 2331 at M)"
        ) from None
    matrix = code.get_matrix()
    rows = tuple(tuple(bool(cell) for cell in row) for row in matrix)
    return QrMatrix(size=len(rows), rows=rows, version=int(code.version))


def qr_matrix_cache_clear() -> None:
    """Forget the cached matrices (for long-running processes and tests)."""
    _qr_matrix.cache_clear()


def min_printed_size_mm(matrix: QrMatrix, min_module_mm: float = 0.4) -> float:
    """The smallest printed side length, quiet zone included, for modules of ``min_module_mm``.

    0.4 mm modules scan reliably with phone cameras at reading distance; renderers can warn
    about or enlarge codes printed smaller than this.
    """
    return matrix.total_size * min_module_mm


def module_size_mm(matrix: QrMatrix, printed_width_mm: float) -> float:
    """The module side length when the code, quiet zone included, is printed this wide."""
    return printed_width_mm / matrix.total_size
