"""vCard text (prozesskette.vcard) and QR matrices (prozesskette.qr): every code must decode
(zxing-cpp) to exactly its vCard, and the encoder must equal its oracle, the qrcode package."""

from __future__ import annotations

import itertools
import subprocess
import sys
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from prozesskette.model import Contact
from prozesskette.qr import (
    QrDataTooLongError,
    QrMatrix,
    _bit_stream,
    _codewords,
    _data_capacity,
    _encode,
    _Layout,
    _layout,
    _line_penalty,
    _penalty,
    _scores,
    min_printed_size_mm,
    module_size_mm,
    qr_matrix,
)
from prozesskette.vcard import split_address, split_name, vcard

np = pytest.importorskip("numpy")
zxingcpp = pytest.importorskip("zxingcpp")

PX = 6  # pixels per module in the test images


# ------------------------------------------------------------------------------ helpers


def render(matrix: QrMatrix, px: int = PX) -> Any:
    """The code as a grayscale image: black modules, white quiet zone."""
    dark = np.array(matrix.rows, dtype=bool)
    dark = np.pad(dark, matrix.quiet_zone, constant_values=False)
    image = np.where(dark, 0, 255).astype(np.uint8)
    return np.kron(image, np.ones((px, px), dtype=np.uint8))


def decode(matrix: QrMatrix) -> Any:
    results = zxingcpp.read_barcodes(render(matrix), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(results) == 1, "exactly one QR code must be found"
    return results[0]


def assert_round_trip(text: str) -> None:
    result = decode(qr_matrix(text))
    assert result.text == text
    # The raw payload is the UTF-8 encoding and carries no ECI ("]Q1" = model 2, no ECI):
    # the reader guessed UTF-8 from the bytes alone, as common readers do.
    assert result.bytes == text.encode("utf-8")
    assert result.symbology_identifier == "]Q1"


def unescape_components(value: str) -> list[str]:
    """Split a vCard 3.0 value at unescaped ';' and undo RFC 2426 escapes."""
    parts, current, chars = [], [], iter(value)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            current.append("\n" if nxt in "nN" else nxt)
        elif ch == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def parse_vcard(text: str) -> dict[str, list[str]]:
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCARD"
    assert lines[1] == "VERSION:3.0"
    assert lines[-1] == "END:VCARD"
    fields: dict[str, list[str]] = {}
    for line in lines[2:-1]:
        assert "\r" not in line and "\n" not in line
        name, _, value = line.partition(":")
        assert name not in fields, f"{name} twice"
        fields[name] = [value] if name == "URL" else unescape_components(value)
    return fields


# ------------------------------------------------------------------------------ vCard text


def test_vcard_full_contact() -> None:
    contact = Contact(
        name="Jürgen Müller-Lüdenscheidt",
        role="Integrationsfachkraft U25",
        phone="+49 3931 0000-12",
        email="juergen.mueller@example.org",
        url="https://example.org/kontakt",
        address="Musterstraße 1, 39576 Stendal",
    )
    assert vcard(contact, "Jobcenter Stendal", full=True) == "\r\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:3.0",
            "N:Müller-Lüdenscheidt;Jürgen;;;",
            "FN:Jürgen Müller-Lüdenscheidt",
            "ORG:Jobcenter Stendal",
            "TITLE:Integrationsfachkraft U25",
            "TEL;TYPE=WORK,VOICE:+49 3931 0000-12",
            "EMAIL;TYPE=INTERNET:juergen.mueller@example.org",
            "URL:https://example.org/kontakt",
            "ADR;TYPE=WORK:;;Musterstraße 1;Stendal;;39576;",
            "END:VCARD",
        ]
    )
    # By default only what a phone needs to save the contact: no TITLE, URL, ADR, TYPE.
    assert vcard(contact, "Jobcenter Stendal") == "\r\n".join(
        [
            "BEGIN:VCARD",
            "VERSION:3.0",
            "N:Müller-Lüdenscheidt;Jürgen;;;",
            "FN:Jürgen Müller-Lüdenscheidt",
            "ORG:Jobcenter Stendal",
            "TEL:+49 3931 0000-12",
            "EMAIL:juergen.mueller@example.org",
            "END:VCARD",
        ]
    )


def test_short_vcard_makes_smaller_codes() -> None:
    contact = Contact(
        name="Jürgen Müller-Lüdenscheidt",
        role="Integrationsfachkraft U25",
        phone="+49 3931 0000-12",
        email="juergen.mueller@example.org",
        url="https://example.org/kontakt/integrationsfachkraefte",
        address="Musterstraße 1, 39576 Stendal",
        organization="Jobcenter Landkreis Stendal",
    )
    short, full = vcard(contact), vcard(contact, full=True)
    assert len(short.encode()) < len(full.encode()) - 80
    assert qr_matrix(short).version <= qr_matrix(full).version - 2
    assert_round_trip(short)
    assert_round_trip(full)
    assert vcard(Contact(name="Erika", url="https://example.org")) == vcard(Contact(name="Erika"))


def test_vcard_only_name() -> None:
    text = vcard(Contact(name="Erika"))
    assert text == "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Erika;;;;\r\nFN:Erika\r\nEND:VCARD"
    assert_round_trip(text)


def test_vcard_escapes_rfc2426() -> None:
    contact = Contact(
        name="Beispiel, Erika",
        role="Beratung; Vermittlung, Coaching\\Leitung\nTeam Nord\r\nHaus 2",
        organization="Stadt; Amt, Büro",
    )
    text = vcard(contact, "Ignored because the contact names its own", full=True)
    lines = text.split("\r\n")
    assert "N:Beispiel;Erika;;;" in lines
    assert "FN:Beispiel\\, Erika" in lines
    assert "ORG:Stadt\\; Amt\\, Büro" in lines
    assert "TITLE:Beratung\\; Vermittlung\\, Coaching\\\\Leitung\\nTeam Nord\\nHaus 2" in lines
    fields = parse_vcard(text)
    assert fields["TITLE"] == ["Beratung; Vermittlung, Coaching\\Leitung\nTeam Nord\nHaus 2"]
    assert fields["ORG"] == ["Stadt; Amt, Büro"]
    assert_round_trip(text)


def test_vcard_organization_fallback() -> None:
    plain = Contact(name="Erika Beispiel")
    own = Contact(name="Erika Beispiel", organization="Sprachschule")
    assert "ORG:" not in vcard(plain)
    assert "ORG:Landkreis Stendal" in vcard(plain, "Landkreis Stendal").split("\r\n")
    assert "ORG:Sprachschule" in vcard(own).split("\r\n")
    assert "ORG:Sprachschule" in vcard(own, "Landkreis Stendal").split("\r\n")
    assert "ORG:" not in vcard(plain, "  ")


def test_vcard_is_deterministic_and_utf8() -> None:
    contact = Contact(name="Jürgen Müller", address="Straße des Friedens 3, 39576 Stendal")
    assert vcard(contact, full=True) == vcard(contact, full=True)
    assert "ß" in vcard(contact, full=True)
    assert "=C3" not in vcard(contact, full=True)  # no quoted-printable
    assert "ß" not in vcard(contact)  # the address is left out by default


@pytest.mark.parametrize(
    ("name", "family", "given", "prefixes", "suffixes"),
    [
        ("Erika", "Erika", "", "", ""),
        ("Erika Beispiel", "Beispiel", "Erika", "", ""),
        ("Hans  Peter Meier", "Meier", "Hans Peter", "", ""),
        ("Anna von Beispiel", "von Beispiel", "Anna", "", ""),
        ("Beispiel, Erika", "Beispiel", "Erika", "", ""),
        ("Prof. Dr. Erika Beispiel", "Beispiel", "Erika", "Prof. Dr.", ""),
        ("Frau Beispiel", "Beispiel", "", "Frau", ""),
        ("Erika Beispiel, M.A.", "Beispiel", "Erika", "", "M.A."),
        ("Erika Beispiel 0", "Beispiel", "Erika", "", "0"),  # (the generated contacts)
        ("Karl Beispiel III", "Beispiel", "Karl", "", "III"),
        ("Hans Meier Jr.", "Meier", "Hans", "", "Jr."),
        ("Erika 2", "2", "Erika", "", ""),  # (two words: no room for a suffix)
        ("Иван Петров", "Петров", "Иван", "", ""),
    ],
)
def test_split_name(name: str, family: str, given: str, prefixes: str, suffixes: str) -> None:
    parts = split_name(name)
    assert (parts.family, parts.given, parts.prefixes, parts.suffixes) == (
        family,
        given,
        prefixes,
        suffixes,
    )


@pytest.mark.parametrize(
    ("address", "street", "postcode", "city", "country"),
    [
        ("Musterstraße 1, 39576 Stendal", "Musterstraße 1", "39576", "Stendal", ""),
        ("Musterstraße 1 39576 Stendal", "Musterstraße 1", "39576", "Stendal", ""),
        ("Am Markt 1, Zimmer 3, D-39576 Stendal", "Am Markt 1, Zimmer 3", "39576", "Stendal", ""),
        ("Hauptplatz 2, 1010 Wien, Österreich", "Hauptplatz 2", "1010", "Wien", "Österreich"),
        ("39576 Stendal", "", "39576", "Stendal", ""),
        ("Rathaus, Zimmer 12", "Rathaus, Zimmer 12", "", "", ""),
    ],
)
def test_split_address(address: str, street: str, postcode: str, city: str, country: str) -> None:
    parts = split_address(address)
    assert (parts.street, parts.postcode, parts.city, parts.country) == (
        street,
        postcode,
        city,
        country,
    )


def test_unparsed_address_goes_to_street() -> None:
    text = vcard(Contact(name="A B", address="Rathaus; Eingang B, Zimmer 12"), full=True)
    assert "ADR;TYPE=WORK:;;Rathaus\\; Eingang B\\, Zimmer 12;;;;" in text.split("\r\n")


# ------------------------------------------------------------------------------ decoding


def test_umlauts_and_sharp_s_decode_as_utf8() -> None:
    contact = Contact(
        name="Jürgen Müller-Lüdenscheidt",
        role="Sachgebietsleiter Ausländerbehörde",
        phone="+49 3931 0000-12",
        email="j.mueller@example.org",
        address="Straße der Jugend 5, 39576 Stendal",
    )
    assert_round_trip(vcard(contact, "Landkreis Stendal – Ordnungsamt"))
    assert_round_trip(vcard(contact, "Landkreis Stendal – Ordnungsamt", full=True))


def test_commas_semicolons_and_backslashes_decode() -> None:
    contact = Contact(
        name="Müller, Jürgen",
        role="Beratung; Vermittlung, Coaching \\ Team",
        address="Rathaus; Eingang B, Zimmer 12, 39576 Stendal",
        url="https://example.org/a,b;c?x=1&y=2",
    )
    assert_round_trip(vcard(contact, "Stadt; Amt, Büro", full=True))


@pytest.mark.parametrize("level", ["L", "M", "Q", "H", "m"])
def test_error_correction_levels_decode(level: str) -> None:
    text = vcard(Contact(name="Jürgen Müller", phone="+49 3931 0000-12"))
    matrix = qr_matrix(text, level)
    assert decode(matrix).text == text
    assert decode(matrix).ec_level == level.upper()


def test_cyrillic_and_four_byte_characters_decode() -> None:
    assert_round_trip(vcard(Contact(name="Иван Петров", role="Переводчик 🙂")))


LATIN1_LETTERS = "".join(chr(c) for c in range(0xC0, 0x100) if chr(c) not in "×÷")
CYRILLIC_LETTERS = "".join(chr(c) for c in range(0x410, 0x450)) + "Ёё"
ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
NAME_ALPHABET = ASCII_LETTERS + LATIN1_LETTERS + CYRILLIC_LETTERS

words = st.text(alphabet=NAME_ALPHABET, min_size=1, max_size=12)
names = st.lists(words, min_size=1, max_size=4).map(" ".join)
free_text = st.text(
    alphabet=st.one_of(
        st.characters(categories=("L", "N", "P", "S", "Zs"), codec="utf-8"),
        st.sampled_from(",;\\\n:"),
    ),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() != "")
phones = st.builds(
    lambda area, number, extension: f"+49 {area} {number}" + (f"-{extension}" if extension else ""),
    st.from_regex(r"[1-9][0-9]{2,4}", fullmatch=True),
    st.from_regex(r"[0-9]{3,8}", fullmatch=True),
    st.one_of(st.none(), st.from_regex(r"[0-9]{1,3}", fullmatch=True)),
)
emails = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,19}", fullmatch=True).map(
    lambda local: f"{local}@example.org"
)
urls = st.from_regex(r"[a-z0-9/,;=&?._-]{0,30}", fullmatch=True).map(
    lambda path: f"https://example.org/{path}"
)
structured_addresses = st.builds(
    lambda street, number, code, city: (f"{street} {number}, {code} {city}", street, number,
                                        code, city),
    words,
    st.integers(1, 300),
    st.from_regex(r"[0-9]{5}", fullmatch=True),
    words,
)
# Free-form addresses without digits cannot look like "postcode city": they stay whole.
free_addresses = st.text(alphabet=NAME_ALPHABET + " ,;\\-.", min_size=1, max_size=40).filter(
    lambda text: text.strip(" ,") != "" and text == text.strip()
)


@pytest.mark.parametrize("full", [False, True])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=names,
    role=st.one_of(st.none(), free_text),
    phone=st.one_of(st.none(), phones),
    email=st.one_of(st.none(), emails),
    url=st.one_of(st.none(), urls),
    address=st.one_of(st.none(), structured_addresses, free_addresses),
    organization=st.one_of(st.none(), free_text),
)
def test_random_contacts_round_trip(
    full: bool,
    name: str,
    role: str | None,
    phone: str | None,
    email: str | None,
    url: str | None,
    address: tuple[str, str, int, str, str] | str | None,
    organization: str | None,
) -> None:
    address_text = address[0] if isinstance(address, tuple) else address
    contact = Contact(
        name=name, role=role, phone=phone, email=email, url=url, address=address_text
    )
    text = vcard(contact, organization, full=full)
    assert_round_trip(text)

    fields = parse_vcard(text)
    assert fields["FN"] == [contact.name]
    family, given_names, additional, prefixes, suffixes = fields["N"]
    assert additional == suffixes == ""
    assert " ".join(part for part in (prefixes, given_names, family) if part) == name
    assert fields.get("TITLE") == ([contact.role] if contact.role and full else None)
    org = organization.strip() if organization else None
    assert fields.get("ORG") == ([org] if org else None)
    tel, mail = ("TEL;TYPE=WORK,VOICE", "EMAIL;TYPE=INTERNET") if full else ("TEL", "EMAIL")
    assert fields.get(tel) == ([phone] if phone else None)
    assert fields.get(mail) == ([email] if email else None)
    assert fields.get("URL") == ([url] if url and full else None)
    if not full:
        assert "ADR;TYPE=WORK" not in fields
    elif isinstance(address, tuple):
        _, street, number, code, city = address
        assert fields["ADR;TYPE=WORK"] == ["", "", f"{street} {number}", city, "", code, ""]
    elif address is not None:
        assert fields["ADR;TYPE=WORK"] == ["", "", address, "", "", "", ""]
    else:
        assert "ADR;TYPE=WORK" not in fields


# ------------------------------------------------------------------------------ the matrix


def _coverage(matrix: QrMatrix) -> list[list[int]]:
    counts = [[0] * matrix.size for _ in range(matrix.size)]
    for x, y, w, h in matrix.dark_rects():
        assert w > 0 and h > 0
        assert x >= 0 and x + w <= matrix.size and y >= 0 and y + h <= matrix.size
        for yy in range(y, y + h):
            for xx in range(x, x + w):
                counts[yy][xx] += 1
    return counts


@pytest.mark.parametrize(
    "text",
    ["", "A", "https://example.org", vcard(Contact(name="Jürgen Müller-Lüdenscheidt",
                                                    address="Straße 1, 39576 Stendal"))],
)
def test_dark_rects_cover_exactly_the_dark_modules(text: str) -> None:
    matrix = qr_matrix(text)
    counts = _coverage(matrix)
    for y, row in enumerate(matrix.rows):
        for x, dark in enumerate(row):
            assert counts[y][x] == (1 if dark else 0), (x, y)
    rects = matrix.dark_rects()
    assert rects == sorted(rects, key=lambda r: (r[1], r[0]))
    # Merging pays: far fewer shapes than dark modules.
    assert len(rects) < sum(map(sum, matrix.rows)) / 2


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=7, max_size=7), min_size=7, max_size=7))
def test_dark_rects_on_arbitrary_grids(grid: list[list[bool]]) -> None:
    matrix = QrMatrix(size=7, rows=tuple(tuple(row) for row in grid), version=0)
    counts = _coverage(matrix)
    assert counts == [[1 if dark else 0 for dark in row] for row in grid]


def test_dark_rects_merge_vertically() -> None:
    rows = (
        (True, True, False, True),
        (True, True, False, True),
        (False, True, True, True),
        (False, False, False, False),
    )
    matrix = QrMatrix(size=4, rows=rows, version=0)
    assert matrix.dark_rects() == [(0, 0, 2, 2), (3, 0, 1, 2), (1, 2, 3, 1)]


def test_matrix_shape_and_version() -> None:
    matrix = qr_matrix("BEGIN:VCARD")
    assert matrix.size == 17 + 4 * matrix.version
    assert len(matrix.rows) == matrix.size
    assert all(len(row) == matrix.size for row in matrix.rows)
    assert matrix.quiet_zone == 4
    # Finder pattern in the top left corner, the symbol starts at (0, 0).
    assert matrix.rows[0][:7] == (True,) * 7
    assert matrix.rows[1][:7] == (True, False, False, False, False, False, True)
    with pytest.raises(ValueError):
        QrMatrix(size=3, rows=((True,),), version=1)


def test_qr_matrix_is_cached_and_validates_level() -> None:
    assert qr_matrix("abc") is qr_matrix("abc")
    assert qr_matrix("abc", "m") is qr_matrix("abc", "M")
    assert qr_matrix("abc", "H") is not qr_matrix("abc", "L")
    with pytest.raises(ValueError, match="error correction"):
        qr_matrix("abc", "X")


def test_too_much_data() -> None:
    with pytest.raises(QrDataTooLongError):
        qr_matrix("ü" * 1500)
    # Byte mode capacities of version 40 (ISO/IEC 18004 table 7).
    for level, limit in (("L", 2953), ("M", 2331), ("Q", 1663), ("H", 1273)):
        assert qr_matrix("a" * limit, level).version == 40
        with pytest.raises(QrDataTooLongError, match=f"{limit + 1} bytes"):
            qr_matrix("a" * (limit + 1), level)


def test_printed_size_helpers() -> None:
    matrix = qr_matrix("abc")
    assert matrix.size == 21
    assert min_printed_size_mm(matrix) == pytest.approx((21 + 8) * 0.4)
    assert min_printed_size_mm(matrix, 0.5) == pytest.approx(29 * 0.5)
    assert module_size_mm(matrix, 29.0) == pytest.approx(1.0)


def test_import_is_cheap() -> None:
    """The CLI imports these modules on start; making codes needs no third-party package,
    and both are leaves: they import no other module of the package."""
    code = (
        "import sys, prozesskette.qr as q, prozesskette.vcard as v\n"
        "from prozesskette.model import Contact\n"
        "heavy = ('qrcode', 'PIL', 'numpy', 'reportlab', 'networkx', 'yaml')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in heavy))\n"
        "q.qr_matrix(v.vcard(Contact(name='Jürgen Müller')), 'H')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in heavy))\n"
    )
    leaves = (
        "import sys, prozesskette.qr, prozesskette.vcard\n"
        "print(sorted(name for name in sys.modules if name.startswith('prozesskette')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split("\n")[:2] == ["[]", "[]"]
    result = subprocess.run(
        [sys.executable, "-c", leaves], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['prozesskette', 'prozesskette.qr', 'prozesskette.vcard']"


# ------------------------------------------------------------------------------ the encoder
#
# Oracle: the ``qrcode`` package (a test-only dependency, imported inside the tests). Its data
# goes in as a QRData in byte mode: ``add_data(bytes)`` alone would let qrcode switch to
# numeric or alphanumeric mode for runs of digits or capitals, which we never do.

Rows = tuple[tuple[bool, ...], ...]
LEVELS = ("L", "M", "Q", "H")


def qrcode_symbol(payload: bytes, level: str, version: int | None, mask: int | None) -> Any:
    qrcode = pytest.importorskip("qrcode")
    from qrcode.util import MODE_8BIT_BYTE, QRData

    constants = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }
    code = qrcode.QRCode(
        version=version, error_correction=constants[level], border=0, mask_pattern=mask
    )
    code.add_data(QRData(payload, mode=MODE_8BIT_BYTE))
    code.make(fit=version is None)
    return code


def qrcode_rows(code: Any) -> Rows:
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def full_payload(version: int, level: str, extra: int = 0) -> bytes:
    """Text that fills the version exactly (plus ``extra`` bytes), umlauts included."""
    count_bits = 8 if version < 10 else 16
    size = (8 * _data_capacity(version, level) - 4 - count_bits) // 8 + extra
    text = ("Jürgen Müller-Lüdenscheidt, Straße 1, Иван Петров 🙂 " * 60).encode()
    return text[:size]


ORACLE_ALPHABET = (
    ASCII_LETTERS + "0123456789 .,;:\\-+@/()\r\n" + "äöüÄÖÜßéè" + CYRILLIC_LETTERS + "€–🙂"
)


@st.composite
def oracle_payloads(draw: st.DrawFn) -> bytes:
    """UTF-8 text of 1–600 bytes: ASCII, umlauts, Cyrillic and a few longer characters."""
    length = draw(st.integers(1, 600))
    text = draw(st.text(alphabet=ORACLE_ALPHABET, min_size=length, max_size=length))
    payload = text.encode("utf-8")[:600]
    return payload[: len(payload.decode("utf-8", "ignore").encode("utf-8"))]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(oracle_payloads())
@example("Jürgen Müller".encode())
@example(("Иван Петров; " * 46).encode())
@example(b"12345678901234567890123456789012345")  # digits stay in byte mode
def test_matrix_equals_qrcode_with_same_version_and_mask(payload: bytes) -> None:
    for level in LEVELS:
        matrix, mask = _encode(payload, level)
        assert matrix.size == 17 + 4 * matrix.version
        assert matrix.rows == qrcode_rows(qrcode_symbol(payload, level, matrix.version, mask))


@pytest.mark.parametrize("version", range(1, 41))
def test_every_version_and_level(version: int) -> None:
    """Codewords (RS blocks, interleaving) for all 160 version/level pairs, the smallest
    version for a full symbol and one byte more, and the matrix at one level per version."""
    util = pytest.importorskip("qrcode.util")
    constants = {"L": 1, "M": 0, "Q": 3, "H": 2}  # qrcode.constants.ERROR_CORRECT_*
    for level in LEVELS:
        payload = full_payload(version, level)
        assert _encode(payload, level)[0].version == version
        if version < 40:
            assert _encode(full_payload(version, level, 1), level)[0].version == version + 1
        else:
            with pytest.raises(QrDataTooLongError):
                _encode(full_payload(version, level, 1), level)
        data = util.QRData(payload, mode=util.MODE_8BIT_BYTE)
        expected = util.create_data(version, constants[level], [data])
        assert list(_codewords(payload, version, level)) == list(expected)
    level = LEVELS[version % 4]
    mask = version % 8
    payload = full_payload(version, level)
    matrix, _ = _encode(payload, level, version, mask)
    assert matrix.rows == qrcode_rows(qrcode_symbol(payload, level, version, mask))


@pytest.mark.parametrize("version", [1, 2, 6, 7, 10, 14, 20, 27, 32, 40])
def test_every_version_decodes(version: int) -> None:
    level = LEVELS[version % 4]
    payload = full_payload(version, level)
    matrix, _ = _encode(payload, level)
    assert matrix.version == version
    result = decode(matrix)
    assert result.bytes == payload
    assert result.ec_level == level


MASK_SAMPLE = [
    vcard(Contact(name="Erika"), full=True),
    vcard(Contact(name="Jürgen Müller-Lüdenscheidt", role="Sachgebietsleiter",
                  phone="+49 3931 0000-12", email="j.mueller@example.org"), "Landkreis Stendal"),
    vcard(Contact(name="Иван Петров", role="Переводчик", phone="+49 391 12345"), "Sprachschule"),
    vcard(Contact(name="Prof. Dr. Anna von Beispiel", role="Ausbildungsberatung; Prüfungen",
                  phone="+49 3931 6890-0", email="anna.beispiel@ihk.example",
                  url="https://example.org/ausbildung", address="Am Markt 1, 39576 Stendal"),
          "IHK Magdeburg", full=True),
    "https://example.org/",
    "1234567890" * 7,
    "ÄÖÜ äöü ß " * 30,
]


@pytest.mark.parametrize("text", MASK_SAMPLE)
@pytest.mark.parametrize("level", LEVELS)
def test_mask_choice_equals_qrcode(text: str, level: str) -> None:
    """qrcode's own choice (``make(fit=True)``: version and best mask) gives the same symbol."""
    matrix = qr_matrix(text, level)
    code = qrcode_symbol(text.encode(), level, None, None)
    assert code.version == matrix.version
    assert qrcode_rows(code) == matrix.rows


# --- the penalty rules, checked against a plain transcription of ISO/IEC 18004 table 11


def reference_penalty(grid: list[list[bool]]) -> int:
    n = len(grid)
    lines = [list(row) for row in grid] + [list(column) for column in zip(*grid, strict=True)]
    score = 0
    for line in lines:
        for _, run in itertools.groupby(line):  # N1
            length = len(list(run))
            if length >= 5:
                score += 3 + (length - 5)
        text = "".join("1" if dark else "0" for dark in line)  # N3
        for pattern in ("00001011101", "10111010000"):
            score += 40 * sum(text.startswith(pattern, i) for i in range(len(text)))
    for y in range(n - 1):  # N2
        for x in range(n - 1):
            if grid[y][x] == grid[y][x + 1] == grid[y + 1][x] == grid[y + 1][x + 1]:
                score += 3
    dark = sum(map(sum, grid))  # N4
    if n:
        score += 10 * int(abs(Fraction(100 * dark, n * n) - 50) / 5)
    return score


def _bits(lines: Any) -> int:
    return int("0".join("".join("1" if v else "0" for v in line) for line in lines) + "0", 2)


def fast_penalty(grid: list[list[bool]]) -> int:
    n = len(grid)
    layout = _Layout(
        size=n, modules_r=_bits([[True] * n] * n), function_r=0, function_c=0, masks_r=(),
        masks_c=(), place_r=lambda s: (), place_c=lambda s: (), data_modules=0,
    )
    return _penalty(layout, _bits(grid), _bits(zip(*grid, strict=True)))


CHUNKS = ["0", "1", "00", "11", "0000", "1011101", "00000", "111111", "10"]


@st.composite
def grids(draw: st.DrawFn) -> list[list[bool]]:
    """Square grids built from chunks that often form runs and finder-like patterns."""
    n = draw(st.integers(1, 30))
    rows = []
    for _ in range(n):
        line = ""
        while len(line) < n:
            line += draw(st.sampled_from(CHUNKS))
        rows.append([c == "1" for c in line[:n]])
    if draw(st.booleans()):
        rows = [list(column) for column in zip(*rows, strict=True)]
    return rows


@settings(max_examples=300, deadline=None)
@given(grids())
@example([[True] * 21] * 21)
@example([[False] * 21] * 21)
@example([[c == "1" for c in "00001011101"]] * 11)
@example([[c == "1" for c in "101110100001011101"]] * 18)
def test_penalty_rules(grid: list[list[bool]]) -> None:
    qrcode_util = pytest.importorskip("qrcode.util")
    expected = reference_penalty(grid)
    assert fast_penalty(grid) == expected
    assert qrcode_util.lost_point(grid) == expected  # qrcode's rules give the same points


def blank_information(rows: Rows, version: int) -> list[list[bool]]:
    """The symbol as masks are evaluated: format and version information and the dark
    module still light."""
    n = len(rows)
    grid = [list(row) for row in rows]
    for i in [*range(9), *range(n - 8, n)]:
        if i != 6:  # (6, 8) and (8, 6) belong to the timing patterns
            grid[8][i] = grid[i][8] = False
    if version >= 7:
        for a in range(n - 11, n - 8):
            for b in range(6):
                grid[b][a] = grid[a][b] = False
    return grid


@pytest.mark.parametrize("text", MASK_SAMPLE[:4])
@pytest.mark.parametrize("level", ["L", "H"])
def test_mask_scores_and_tie_break(text: str, level: str) -> None:
    payload = text.encode()
    matrix, chosen = _encode(payload, level)
    layout, stream = _layout(matrix.version), _bit_stream(payload, matrix.version, level)
    scores = _scores(layout, stream, int("".join(layout.place_r(stream)), 2))
    expected = []
    for mask in range(8):
        rows = _encode(payload, level, matrix.version, mask)[0].rows
        expected.append(reference_penalty(blank_information(rows, matrix.version)))
    assert scores == expected
    assert chosen == scores.index(min(scores))  # the lowest-numbered mask on a tie


def test_line_penalty_ignores_line_breaks() -> None:
    # Two lines of 3 dark modules each (a separator bit between them): no run of 5.
    assert _line_penalty(0b1110_1110, 0) == 0
    assert _line_penalty(0b1111_1110, 0) == 3 + 2  # one run of 7
