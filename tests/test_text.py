"""Tests for prozesskette.text: the one text measurer shared by layout and renderers."""

from __future__ import annotations

import itertools
import os
import shutil
import struct
import subprocess
import sys
import zlib
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prozesskette import text as T
from prozesskette.text import fonts, subset

GERMAN = "Größenänderung der Übergabe – „Prüfung“ durch die Geschäftsführung § 5 … ÄÖÜ äöü ß"
CYRILLIC = "Съешь же ещё этих мягких французских булок, да выпей чаю. ЁЖЗИЙ ЩЪЫЬЭЮЯ"
CHART_TEXT = (
    "Eingang der Meldung Prüfung durch Sachbearbeitung Rückfrage beim Kunden "
    "Freigabe durch Geschäftsführung Qualitätssicherung Einkauf/Vertrieb "
    "Störung beheben – Übergabe an IT-Support (24/7) Telefon: 0800 123 456 "
    "Bestätigung per E-Mail verschicken Ja Nein Ende Start"
)


# --------------------------------------------------------------------------- fonts


@pytest.mark.parametrize("bold", [False, True])
def test_font_files_are_bundled(bold: bool) -> None:
    path = T.font_path(bold)
    assert path.is_file()
    assert path.name == ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")
    assert path.read_bytes()[:4] == b"\0\1\0\0"
    assert T.FONT_FAMILY == "Noto Sans"


def test_font_bytes_via_importlib_resources() -> None:
    assert fonts._font_resource(False).read_bytes() == fonts._font_bytes(False)


def test_licence_is_bundled() -> None:
    licence = resources.files("prozesskette") / "fonts" / "OFL.txt"
    text = licence.read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in text
    assert "Copyright 2015 Google LLC" in text


def test_import_is_cheap_and_first_measurement_fast() -> None:
    code = (
        "import sys, time\n"
        "import prozesskette.text as t\n"
        "assert t._font.cache_info().currsize == 0, 'font parsed at import'\n"
        "start = time.perf_counter()\n"
        "t.text_width('Prüfung', 10)\n"
        "print(time.perf_counter() - start)\n"
    )
    src = str(Path(T.__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    # The budget is 20 ms; allow slack for a loaded CI machine.
    assert float(out) < 0.1


# --------------------------------------------------------------------------- metrics


def test_width_basics() -> None:
    assert T.text_width("", 12) == 0.0
    w10 = T.text_width("Prüfung", 10)
    assert w10 > 0
    assert T.text_width("Prüfung", 20) == pytest.approx(2 * w10)
    assert T.text_width("Prüfung", 10, bold=True) > w10
    assert T.text_width("iiii", 10) < T.text_width("MMMM", 10)


def test_widths_grow_with_every_character() -> None:
    for sample in (GERMAN, CYRILLIC):
        widths = [T.text_width(sample[:k], 11) for k in range(len(sample) + 1)]
        assert all(a < b for a, b in itertools.pairwise(widths))


def test_width_is_additive_without_kern_table() -> None:
    # Noto Sans has only GPOS kerning, which (like reportlab) we ignore.
    assert T._font(False).kerning == {}
    a, b = "Qualitäts", "sicherung"
    assert T.text_width(a + b, 9) == pytest.approx(T.text_width(a, 9) + T.text_width(b, 9))


def test_kern_table_pairs_are_applied() -> None:
    """Noto Sans has no 'kern' table, so check the kern reader on a copy that has one."""
    tt_lib = pytest.importorskip("fontTools.ttLib")
    kern_module = pytest.importorskip("fontTools.ttLib.tables._k_e_r_n")
    import io

    font = tt_lib.TTFont(str(T.font_path()))
    cmap = font.getBestCmap()
    subtable = kern_module.KernTable_format_0()
    subtable.version, subtable.coverage, subtable.format = 0, 1, 0
    subtable.kernTable = {
        (cmap[ord("A")], cmap[ord("V")]): -80,
        (cmap[ord("T")], cmap[ord("o")]): -55,
    }
    kern = tt_lib.newTable("kern")
    kern.version, kern.kernTables = 0, [subtable]
    font["kern"] = kern
    buffer = io.BytesIO()
    font.save(buffer)
    parsed = fonts._Font(buffer.getvalue())
    plain = T._font(False)
    assert parsed.units("AV") == plain.units("AV") - 80
    assert parsed.units("To To") == plain.units("To To") - 110
    assert parsed.units("VA") == plain.units("VA")
    # The kern table is kept in WOFF subsets, so browsers kern exactly these pairs too.
    sfnt = subset.sfnt_subset(buffer.getvalue(), "AVTo")
    kept = tt_lib.TTFont(io.BytesIO(sfnt))
    assert kept["kern"].kernTables[0].kernTable == {("A", "V"): -80, ("T", "o"): -55}


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("sample", [GERMAN, CYRILLIC])
def test_widths_match_reportlab(sample: str, bold: bool) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "ProzessketteTest-Bold" if bold else "ProzessketteTest"
    pdfmetrics.registerFont(TTFont(name, str(T.font_path(bold))))
    for size in (7.5, 11, 24):
        ours = T.text_width(sample, size, bold)
        theirs = pdfmetrics.stringWidth(sample, name, size)
        assert ours == pytest.approx(theirs, rel=0.005)


def test_vertical_metrics() -> None:
    assert T.LINE_SPACING == 1.25
    assert T.line_height(10) == 12.5
    asc, desc = T.ascent(10), T.descent(10)
    assert 9 < asc < 12
    assert 2 < desc < 4
    assert 6 < T.cap_height(10) < asc
    assert T.ascent(20, bold=True) == pytest.approx(2 * T.ascent(10, bold=True))


# --------------------------------------------------------------------------- glyphs


@pytest.mark.parametrize("bold", [False, True])
def test_german_and_cyrillic_glyphs(bold: bool) -> None:
    needed = "äöüÄÖÜß„“‚‘–—…§€°²" + "".join(map(chr, range(0x0410, 0x0450))) + "Ёё"
    for ch in needed:
        assert T.has_glyph(ch, bold), ch
    assert T.missing_glyphs(GERMAN + CYRILLIC, bold) == set()


def test_missing_glyphs() -> None:
    assert not T.has_glyph("中")
    assert T.missing_glyphs("Straße 中文\n\t\u00ad") == {"中", "文"}
    # A missing character is measured with the .notdef width (0.6 em in Noto Sans).
    assert T.text_width("中", 10) == pytest.approx(6.0)
    with pytest.raises(ValueError):
        T.has_glyph("ab")


# --------------------------------------------------------------------------- wrap


def _fits(line: str, max_width: float, size: float, bold: bool = False) -> bool:
    return T.text_width(line, size, bold) <= max_width + 1e-6


def test_wrap_simple() -> None:
    text = "Eingang der Meldung prüfen und an die Sachbearbeitung weitergeben"
    max_width = T.longest_word_width(text, 10) + 5
    lines = T.wrap(text, max_width, 10)
    assert len(lines) > 1
    assert " ".join(lines) == text
    assert all(_fits(line, max_width, 10) for line in lines)
    assert T.wrap(text, 10_000, 10) == [text]


def test_wrap_is_greedy() -> None:
    text = "aa bb cc dd ee ff"
    max_width = T.text_width("aa bb cc", 10)
    assert T.wrap(text, max_width, 10) == ["aa bb cc", "dd ee ff"]


def test_wrap_whitespace_and_newlines() -> None:
    assert T.wrap("", 100, 10) == []
    assert T.wrap("  \n \t ", 100, 10) == []
    assert T.wrap("  Start   und\t Ende  ", 1000, 10) == ["Start und Ende"]
    assert T.wrap("Start\nEnde", 1000, 10) == ["Start", "Ende"]
    assert T.wrap("Start\r\n\r\nEnde\n", 1000, 10) == ["Start", "", "Ende"]


def test_wrap_keeps_no_break_space() -> None:
    text = "Tel.\u00a00800\u00a0123\u00a0456 z.\u202fB. Anruf"
    width = T.text_width("Tel.\u00a00800\u00a0123\u00a0456", 10)
    assert T.wrap(text, width, 10)[0] == "Tel.\u00a00800\u00a0123\u00a0456"


def test_wrap_after_hyphen_and_slash() -> None:
    width = max(T.text_width("Qualitäts-", 10), T.text_width("Sicherung", 10))
    assert T.wrap("Qualitäts-Sicherung", width, 10) == ["Qualitäts-", "Sicherung"]
    width = max(T.text_width("Einkauf/", 10), T.text_width("Vertrieb", 10))
    assert T.wrap("Einkauf/Vertrieb", width, 10) == ["Einkauf/", "Vertrieb"]
    # A leading hyphen, a minus sign, or a hyphen or slash before a digit does not break.
    for word in ("-5", "--Option", "24/7", "0800-123", "2010–2020"):
        assert T.longest_word_width(word, 10) == T.text_width(word, 10), word
    assert T.wrap("Mo–Fr", T.text_width("Mo–", 10), 10) == ["Mo–", "Fr"]


def test_wrap_around_en_dash() -> None:
    text = "Prüfen – Frei"
    for line in ("Prüfen –", "Prüfen"):
        lines = T.wrap(text, T.text_width(line, 10), 10)
        assert " ".join(lines) == text
        assert lines[0] == line


def test_wrap_soft_hyphen() -> None:
    text = "Qualitäts\u00adsicherung"
    assert T.wrap(text, 1000, 10) == ["Qualitätssicherung"]
    width = max(T.text_width("Qualitäts-", 10), T.text_width("sicherung", 10))
    assert T.wrap(text, width, 10) == ["Qualitäts-", "sicherung"]


def test_wrap_splits_overlong_word_with_hyphen() -> None:
    word = "Donaudampfschifffahrtsgesellschaftskapitän"
    max_width = 60.0
    lines = T.wrap(word, max_width, 10)
    assert len(lines) > 1
    assert all(line.endswith("-") for line in lines[:-1])
    assert "".join(line.removesuffix("-") for line in lines) == word
    assert all(_fits(line, max_width, 10) for line in lines)
    # every break lies at one of the word's syllable boundaries (German, by default)
    cuts, _joints = T.word_cuts(word, "de")
    ends = list(itertools.accumulate(len(line.removesuffix("-")) for line in lines[:-1]))
    assert set(ends) <= set(cuts)
    # … and the line could not take the next syllable too, unless a compound joint was taken
    for end in ends:
        longer = [k for k in cuts if k > end]
        start = max([0] + [e for e in ends if e < end])
        if longer:
            assert not _fits(word[start:longer[0]] + "-", max_width, 10) or end in _joints


def test_wrap_without_a_dictionary_cuts_only_as_a_last_resort() -> None:
    """In a language without hyphenation patterns a piece wider than the line is cut
    anywhere (keeping three letters on each side where possible), and says so."""
    word = "Abschlussbericht"
    width = T.text_width(word[:-1] + "-", 10)
    wrapped = T.wrap_text(word, width, 10, language="ar")
    assert wrapped.lines == [word[:-3] + "-", word[-3:]]
    assert wrapped.forced
    german = T.wrap_text(word, width, 10, language="de")
    assert not german.forced
    assert len(german.lines[0]) - 1 in T.word_cuts(word, "de")[0]


def test_wrap_fills_current_line_before_splitting() -> None:
    text = "Die Donaudampfschifffahrtsgesellschaft"
    lines = T.wrap(text, 80, 10)
    assert lines[0].startswith("Die Donau")
    assert lines[0].endswith("-")


def test_wrap_narrower_than_one_character() -> None:
    assert T.wrap("abc", 1, 10) == ["a", "b", "c"]
    assert T.wrap("ab cd", 0, 10) == ["a", "b", "c", "d"]


def test_wrap_is_deterministic() -> None:
    text = CHART_TEXT * 3
    assert T.wrap(text, 90, 9) == T.wrap(text, 90, 9)


def test_longest_word_width() -> None:
    assert T.longest_word_width("", 10) == 0.0
    text = "Die Qualitätssicherung prüft"
    assert T.longest_word_width(text, 10) == T.text_width("Qualitätssicherung", 10)
    assert T.longest_word_width("IT-Support", 10) == T.text_width("Support", 10)
    assert T.longest_word_width("Qualitäts\u00adsicherung", 10) == T.text_width("sicherung", 10)
    assert T.longest_word_width(text, 10, bold=True) > T.longest_word_width(text, 10)


_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜжщъыЖЩЮЯ0123456789.,:()"
_WORD = st.text(alphabet=_LETTERS + "-/–", min_size=1, max_size=30)
_TEXT = st.lists(
    st.tuples(_WORD, st.sampled_from([" ", "  ", "\t", " – ", "\n", " \n "])), max_size=25
).map(lambda parts: "".join(w + s for w, s in parts))


def _non_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch != "-")


@settings(max_examples=300, deadline=None)
@given(
    text=_TEXT,
    max_width=st.floats(min_value=0, max_value=400),
    size=st.floats(min_value=4, max_value=30),
    bold=st.booleans(),
)
def test_wrap_properties(text: str, max_width: float, size: float, bold: bool) -> None:
    lines = T.wrap(text, max_width, size, bold)
    for line in lines:
        assert line == line.strip()
        assert "  " not in line and "\n" not in line
        assert _fits(line, max_width, size, bold) or len(line) == 1
    # Nothing is lost or reordered: only hyphens can be added at line ends.
    assert _non_space("".join(lines)) == _non_space(text)
    assert T.wrap(text, max_width, size, bold) == lines


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, size=st.floats(min_value=4, max_value=30), extra=st.floats(0, 200))
def test_wrap_gives_back_the_words(text: str, size: float, extra: float) -> None:
    text = text.replace("-", "").replace("/", "").replace("–", "").replace("\n", " ")
    max_width = T.longest_word_width(text, size) + extra
    lines = T.wrap(text, max_width, size)
    assert " ".join(lines).split() == text.split()
    assert all(_fits(line, max_width, size) for line in lines)


def test_wrap_100_titles_is_fast() -> None:
    import time

    titles = [f"{CHART_TEXT[i % 50 : i % 50 + 60]} Schritt {i}" for i in range(100)]
    start = time.perf_counter()
    for title in titles:
        T.wrap(title, 110, 9)
    assert time.perf_counter() - start < 0.5


# --------------------------------------------------------------------------- WOFF


def woff_to_sfnt(woff: bytes) -> bytes:
    """Decode a WOFF 1.0 file into the TrueType font it wraps (checked on the way)."""
    (signature, flavor, length, num, reserved, total_sfnt, *_rest) = struct.unpack_from(
        ">4sIIHHIHHIIIII", woff, 0
    )
    assert signature == b"wOFF"
    assert length == len(woff)
    assert reserved == 0
    entries = [struct.unpack_from(">4sIIII", woff, 44 + 20 * i) for i in range(num)]
    assert [e[0] for e in entries] == sorted(e[0] for e in entries)
    tables = []
    for tag, offset, comp_length, orig_length, checksum in entries:
        assert offset % 4 == 0
        raw = woff[offset : offset + comp_length]
        data = zlib.decompress(raw) if comp_length < orig_length else raw
        assert len(data) == orig_length
        tables.append((tag, checksum, data))
    entry_selector = num.bit_length() - 1
    search_range = 16 * (1 << entry_selector)
    out = struct.pack(">IHHHH", flavor, num, search_range, entry_selector, 16 * num - search_range)
    offset = 12 + 16 * num
    body = b""
    for tag, checksum, data in tables:
        out += struct.pack(">4sIII", tag, checksum, offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    sfnt = out + body
    assert len(sfnt) == total_sfnt
    return sfnt


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    words: tuple[int, ...] = struct.unpack(f">{len(data) // 4}I", data)
    return sum(words) & 0xFFFFFFFF


def _tables(sfnt: bytes) -> dict[bytes, bytes]:
    num = struct.unpack_from(">H", sfnt, 4)[0]
    out = {}
    for i in range(num):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", sfnt, 12 + 16 * i)
        out[tag] = sfnt[offset : offset + length]
    return out


@pytest.fixture(scope="module")
def chart_woff() -> bytes:
    return T.woff_subset(CHART_TEXT + GERMAN)


def test_woff_is_small(chart_woff: bytes) -> None:
    chars = set(CHART_TEXT + GERMAN)
    assert len(chars) >= 60
    assert len(chart_woff) < 40_000
    assert len(chart_woff) < len(T.font_path().read_bytes()) / 10


def test_woff_checksums(chart_woff: bytes) -> None:
    sfnt = woff_to_sfnt(chart_woff)
    assert _checksum(sfnt) == 0xB1B0AFBA  # checkSumAdjustment makes the whole font sum up
    num = struct.unpack_from(">H", sfnt, 4)[0]
    for i in range(num):
        tag, checksum, offset, length = struct.unpack_from(">4sIII", sfnt, 12 + 16 * i)
        data = bytearray(sfnt[offset : offset + length])
        if tag == b"head":
            data[8:12] = b"\0\0\0\0"
        assert _checksum(bytes(data)) == checksum, tag
    tags = set(_tables(sfnt))
    assert {b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"name"} <= tags
    assert not tags & {b"GSUB", b"GPOS", b"GDEF", b"DSIG"}


def test_woff_opens_in_reportlab(chart_woff: bytes, tmp_path: Path) -> None:
    from reportlab.pdfbase.ttfonts import TTFontFile

    path = tmp_path / "subset.ttf"
    path.write_bytes(woff_to_sfnt(chart_woff))
    face = TTFontFile(str(path), validate=1)
    chars = set(CHART_TEXT + GERMAN)
    for ch in chars:
        assert face.charWidths[ord(ch)] == pytest.approx(T.text_width(ch, 1000)), ch
        gid = face.charToGlyph[ord(ch)]
        outline = face.glyphPos[gid + 1] - face.glyphPos[gid]
        assert (outline > 0) == (ch != " "), ch
    assert ord("X") not in face.charToGlyph  # not in the subset, so not in its cmap
    assert len(face.glyphPos) - 1 < 200  # only the glyphs needed, not the font's 4,000


def _closure(font: object, chars: set[str]) -> set[str]:
    """Glyph names of ``chars`` in a fontTools font, with .notdef and every component."""
    cmap = font.getBestCmap()  # type: ignore[attr-defined]
    glyf = font["glyf"]  # type: ignore[index]
    todo = [cmap[ord(ch)] for ch in chars if ord(ch) in cmap] + [".notdef"]
    keep: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            if glyf[name].isComposite():
                todo += [component.glyphName for component in glyf[name].components]
    return keep


@pytest.mark.parametrize("bold", [False, True])
def test_woff_keeps_the_glyph_set_and_draws_each_glyph_as_the_font(bold: bool) -> None:
    """The subset holds the glyphs of the characters and of their components (the set the
    own subsetter kept), and each character draws exactly as in the full font."""
    tt_lib = pytest.importorskip("fontTools.ttLib")
    recording = pytest.importorskip("fontTools.pens.recordingPen")
    import io

    chars = set(CHART_TEXT + GERMAN)
    full = tt_lib.TTFont(str(T.font_path(bold)))
    part = tt_lib.TTFont(io.BytesIO(T.woff_subset(chars, bold)))
    assert part["maxp"].numGlyphs == len(_closure(full, chars))
    full_cmap, part_cmap = full.getBestCmap(), part.getBestCmap()
    full_glyphs, part_glyphs = full.getGlyphSet(), part.getGlyphSet()
    for ch in sorted(chars):
        drawn = []
        for glyphs, name in ((full_glyphs, full_cmap[ord(ch)]), (part_glyphs, part_cmap[ord(ch)])):
            pen = recording.DecomposingRecordingPen(glyphs)
            glyphs[name].draw(pen)
            drawn.append((pen.value, glyphs[name].width))
        assert drawn[0] == drawn[1], ch


def test_woff_with_fonttools(chart_woff: bytes, tmp_path: Path) -> None:
    tt_lib = pytest.importorskip("fontTools.ttLib")
    bounds_pen = pytest.importorskip("fontTools.pens.boundsPen")

    path = tmp_path / "subset.woff"
    path.write_bytes(chart_woff)
    font = tt_lib.TTFont(str(path))
    assert font.flavor == "woff"
    cmap = font.getBestCmap()
    chars = set(CHART_TEXT + GERMAN)
    assert set(cmap) == {ord(ch) for ch in chars}
    glyphs = font.getGlyphSet()
    glyf = font["glyf"]
    for ch in chars - {" "}:
        name = cmap[ord(ch)]
        pen = bounds_pen.BoundsPen(glyphs)
        glyphs[name].draw(pen)  # composite glyphs (ä, Ü) draw through their components
        assert pen.bounds is not None, ch
        assert font["hmtx"][name][0] == round(T.text_width(ch, 1000))
        if glyf[name].isComposite():
            for component in glyf[name].components:
                assert glyf[component.glyphName].numberOfContours != 0


def test_woff_passes_ots(chart_woff: bytes, tmp_path: Path) -> None:
    """The OpenType Sanitizer is what Chrome and Firefox run on every web font."""
    ots = shutil.which("ots-sanitize")
    if ots is None:
        pytest.skip("ots-sanitize not installed (Debian package opentype-sanitizer)")
    for bold in (False, True):
        path = tmp_path / f"subset-{bold}.woff"
        path.write_bytes(T.woff_subset(CHART_TEXT + CYRILLIC, bold))
        result = subprocess.run([ots, str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_woff_edge_cases() -> None:
    for chars in ("", " ", "中", "Ab\u00ad\n"):
        woff = T.woff_subset(chars)
        sfnt = woff_to_sfnt(woff)
        assert _checksum(sfnt) == 0xB1B0AFBA
    # Every glyph at once needs the long loca format.
    everything = "".join(chr(cp) for cp in T._font(True).cmap)
    sfnt = woff_to_sfnt(T.woff_subset(everything, bold=True))
    assert struct.unpack_from(">h", _tables(sfnt)[b"head"], 50)[0] == 1


def test_woff_is_deterministic_and_cached() -> None:
    chars = "Prüfung Freigabe"
    first = T.woff_subset(chars)
    assert T.woff_subset(set(chars)) is first  # cached by the set of characters
    assert T.woff_subset(["Prü", "fung Freigabe"]) is first
    subset._woff_subset.cache_clear()
    assert T.woff_subset(chars) == first
    assert T.woff_subset(chars, bold=True) != first


def test_woff_adds_the_mirrored_bracket() -> None:
    """A browser draws "(" as ")" in right-to-left text, so the subset carries both."""
    tt_lib = pytest.importorskip("fontTools.ttLib")
    import io

    cmap = tt_lib.TTFont(io.BytesIO(T.woff_subset("a(«"))).getBestCmap()
    assert set(cmap) == {ord(ch) for ch in "a()«»"}


def test_arabic_subset_keeps_shaping_tables_and_every_character() -> None:
    tt_lib = pytest.importorskip("fontTools.ttLib")
    import io

    text = "مركز التوظيف، الإصدار ٢٠٢٦ فارسی پ"
    font = tt_lib.TTFont(io.BytesIO(T.woff_subset(text, face=T.ARABIC)))
    assert {"GSUB", "GPOS", "GDEF"} <= set(font.keys())  # the browser shapes like shape()
    assert {ord(ch) for ch in text} <= set(font.getBestCmap())
    plain = tt_lib.TTFont(io.BytesIO(T.woff_subset(CHART_TEXT)))
    assert not {"GSUB", "GPOS", "GDEF"} & set(plain.keys())
