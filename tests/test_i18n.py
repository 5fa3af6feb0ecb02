"""One chain, many languages: translated fields, fallbacks with located warnings, scripts
drawn with glyphs that exist (no tofu), Arabic shaped and right to left, RTL charts mirrored."""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from typing import get_args

import pytest

import prozesskette
from paths import CHAINS
from prozesskette import text as fonts
from prozesskette.i18n import is_rtl, languages, localise
from prozesskette.layout.geometry import Layout, TextLine
from prozesskette.model import Chain, Text
from prozesskette.words import CATALOGUE, Surface, catalogue_language, pick, words_for


def run(*argv: str) -> tuple[int, str, str]:
    from prozesskette.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


MANY = Path(__file__).parent / "data" / "many-languages.yaml"
AUSBILDUNG = next(path for path in CHAINS if Path(path).name == "stendal-ausbildung.yaml")
LANGUAGES = ("de", "en", "ar", "fa", "uk", "ti", "de-x-ls")


@pytest.fixture(scope="module")
def many() -> Chain:
    chain: Chain = prozesskette.load(MANY)
    return chain


def lines_of(layout: Layout) -> list[TextLine]:
    found: list[TextLine] = []

    def visit(obj: object) -> None:
        if isinstance(obj, TextLine):
            found.append(obj)
        elif isinstance(obj, tuple | list):
            for item in obj:
                visit(item)
        elif isinstance(obj, dict):
            for item in obj.values():
                visit(item)
        elif hasattr(obj, "__dataclass_fields__"):
            for name in obj.__dataclass_fields__:
                if name != "chain":
                    visit(getattr(obj, name))

    for name in ("nodes", "lanes", "phases", "edges", "title", "legend"):
        visit(getattr(layout, name))
    return found


# --------------------------------------------------------------------------- the format

def test_translated_fields_load_and_read_in_the_chain_language(many: Chain) -> None:
    assert isinstance(many.title, Text)
    assert many.title == "Ankommen und Sprachkurs"
    assert many.title.translations["ar"] == "الوصول ودورة اللغة"
    assert languages(many) == ["de", "en", "ar", "fa", "uk", "ti", "de-x-ls"]
    # the mapping survives to_dict → load
    again = prozesskette.load(many.to_dict())
    assert again == many and again.to_dict() == many.to_dict()


def test_localise_picks_the_language_without_warnings(many: Chain) -> None:
    for tag in LANGUAGES:
        chain, missing = localise(many, tag)
        assert missing == [], tag
        assert chain.language == tag
        assert not isinstance(chain.title, Text) and chain.title == many.title.translations[tag]
        label = chain.step("kurs").next[0].label
        assert type(label) is str and label == many.step("kurs").next[0].label.translations[
            tag]
    # a region subtag falls back to its language without a warning
    chain, missing = localise(many, "ar-SY")
    assert missing == [] and chain.title == "الوصول ودورة اللغة"


def test_missing_translation_falls_back_with_field_and_line(tmp_path: Path) -> None:
    text = MANY.read_text("utf-8").replace("      en: Apply for asylum (§ 14 AsylG)\n", "")
    path = tmp_path / "chain.yaml"
    path.write_text(text, "utf-8")
    chain, missing = localise(prozesskette.load(path), "en")
    assert chain.step("antrag").title == "Asylantrag stellen (§ 14 AsylG)"
    assert len(missing) == 1
    issue = missing[0]
    # the place of the title's texts (the line of its first translation)
    line = text.splitlines().index("      de: Asylantrag stellen (§ 14 AsylG)") + 1
    assert (issue.file, issue.line, issue.severity) == (str(path), line, "warning")
    assert "step 'antrag'" in issue.message and "'title'" in issue.message
    assert "en" in (issue.hint or "")
    # the CLI: render warns and still writes; check --lang lists it
    code, _, err = run("render", str(path), "--lang", "en", "-o", str(tmp_path / "out.svg"))
    assert code == 0 and f"{path}:{line}:" in err and "no 'en' translation" in err
    code, out, err = run("check", str(path), "--lang", "en", "--lang", "ar")
    assert code == 0
    assert f"{path}:{line}:" in err
    assert "en: 1 text(s) untranslated" in out and "ar: complete" in out


def test_api_warns_about_untranslated_texts(tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = prozesskette.to_svg(AUSBILDUNG.read_text("utf-8").replace(
            "language: de", "language: de"), lang="fr")
    assert any("no 'fr' translation" in str(warning.message) for warning in caught)
    assert 'lang="fr"' in svg


def test_bad_translations_are_located_errors(tmp_path: Path) -> None:
    text = MANY.read_text("utf-8")
    text = text.replace("      uk: Подати заяву про притулок (§ 14 AsylG)\n",
                        "      Ukrainisch!: Подати заяву\n")
    text = text.replace("      ti: ሕቶ ዑቕባ ምቕራብ (§ 14 AsylG)\n", "      ti: [a, b]\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    code, _, err = run("check", str(path))
    assert code == 1
    lines = text.splitlines()
    bad_key = lines.index("      Ukrainisch!: Подати заяву") + 1
    bad_value = lines.index("      ti: [a, b]") + 1
    assert f"{path}:{bad_key}:7: error: 'title' has a translation under 'Ukrainisch!'" in err
    assert f"{path}:{bad_value}:" in err and "'title' in 'ti' must be a text" in err


def test_the_shipped_chain_is_fully_translated() -> None:
    code, out, err = run("check", str(AUSBILDUNG), "--lang", "en", "--lang", "ar",
                         "--lang", "de-x-ls")
    assert code == 0, err
    for tag in ("en", "ar", "de-x-ls"):
        assert f"  {tag}: complete" in out


SURFACES: tuple[Surface, ...] = get_args(Surface)


def test_word_tables_have_the_english_keys() -> None:
    english = CATALOGUE["en"]
    assert set(english) == set(SURFACES) == {"legend", "chart", "page", "print", "paper",
                                             "focus", "fresh", "diff"}
    for tag, surfaces in CATALOGUE.items():
        assert set(surfaces) == set(english), tag
        for surface, table in surfaces.items():
            assert set(table) == set(english[surface]), (tag, surface)
            for key, value in table.items():  # named fields may come in another order
                fields = sorted(re.findall(r"\{\w*\}", english[surface][key]))
                assert sorted(re.findall(r"\{\w*\}", value)) == fields, (tag, surface, key)
                assert value.strip(), (tag, surface, key)


@pytest.mark.parametrize(("language", "expected"), [
    ("de", "de"), ("de-AT", "de"), ("DE", "de"), ("de-x-ls", "de-x-ls"), ("ar-SY", "ar"),
    ("fa", "fa"), ("xx", "en"), ("", "en"), (None, "en"),
])
def test_words_fall_back_to_the_primary_subtag_then_english(language: str | None,
                                                             expected: str) -> None:
    for surface in SURFACES:
        assert words_for(surface, language) == CATALOGUE[expected][surface]


@pytest.mark.parametrize(("language", "expected"), [
    ("de", "de"), ("DE-at", "de"), ("de-x-ls", "de-x-ls"), ("fa-AF", "fa"), ("xx", None),
    ("", None), (None, None),
])
def test_the_catalogue_language_of_a_tag(language: str | None, expected: str | None) -> None:
    assert catalogue_language(language) == expected


def test_missing_words_are_filled_from_the_fallback() -> None:
    table = {"en": {"a": "A", "b": "B"}, "de": {"a": "Ä"}}
    assert pick(table, "de-CH") == {"a": "Ä", "b": "B"}
    assert pick(table, "fr") == table["en"]
    assert pick(table, None, fallback="de") == {"a": "Ä"}


# --------------------------------------------------------------------------- scripts

@pytest.mark.parametrize("tag", LANGUAGES)
def test_every_glyph_drawn_exists_in_its_face(many: Chain, tag: str) -> None:
    layout = prozesskette.layout_chain(many, lang=tag)
    drawn = lines_of(layout)
    assert drawn
    checked = 0
    for line in drawn:
        assert fonts.missing_glyphs(line.text, line.bold) == set(), (tag, line.text)
        for face, part, level in fonts.runs(line.text, line.bold):
            font = fonts._font(line.bold, face)
            if face in fonts.SHAPED:  # shaped glyph ids: none is .notdef (0)
                glyphs = fonts.shape(part, face, line.bold, bool(level % 2))
                assert all(gid != 0 for gid, *_ in glyphs), (tag, part)
            else:
                for ch in part:
                    if not ch.isspace() and ch not in "\u00ad\u200b":
                        assert ch in font.char_units, (tag, face, ch)
            checked += len(part)
    assert checked > 100


@pytest.mark.parametrize("tag", LANGUAGES)
def test_svg_embeds_a_face_with_every_character(many: Chain, tag: str) -> None:
    from fontTools.ttLib import TTFont

    svg = prozesskette.to_svg(many, lang=tag)
    faces = re.findall(r'@font-face\{font-family:"pk ([^"]+)";font-style:normal;font-weight:'
                       r'(\d+);src:url\(data:font/woff;base64,([^)]+)\)', svg)
    assert faces
    covered: dict[int, set[int]] = {400: set(), 700: set()}
    import base64

    for _family, weight, data in faces:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        covered[int(weight)] |= set(font.getBestCmap())
    texts = re.findall(r"<(?:text|tspan)[^>]*>([^<]+)</(?:text|tspan)>", svg)
    assert texts
    import html

    embedded = covered[400] | covered[700]
    for content in texts:
        for ch in html.unescape(content):
            if not ch.isspace():
                assert ord(ch) in embedded, (tag, ch)
    if tag in ("ar", "fa"):
        assert any(family == "Noto Sans Arabic" for family, _, _ in faces)
    if tag == "ti":
        assert any(family == "Noto Sans Ethiopic" for family, _, _ in faces)


def test_arabic_is_shaped_into_joining_forms() -> None:
    word = "مرحبا"
    nominal = [fonts._font(False, fonts.ARABIC).cmap[ord(ch)] for ch in word]
    shaped = [gid for gid, *_ in fonts.shape(word, fonts.ARABIC)]
    assert len(shaped) == len(word)
    # visual order is reversed, and the joined letters use other glyphs than the isolated
    assert shaped != nominal[::-1]
    assert sum(a != b for a, b in zip(shaped, nominal[::-1], strict=True)) >= 3
    # the measured width is the shaped one
    width = fonts.text_width(word, 10)
    assert width == pytest.approx(sum(g[1] for g in fonts.shape(word, fonts.ARABIC)) / 100)


def test_bidi_runs_in_visual_order() -> None:
    text = "مركز التوظيف (Jobcenter) § 44"
    runs = fonts.visual_runs(text, rtl=True)
    drawn = [fonts.visual_text(face, part, level) for face, part, level in runs]
    # left to right (UAX #9, as python-bidi and browsers): the number, the Latin part in
    # its order and mirrored brackets, then the Arabic words
    assert "".join(drawn[:-1]) == "44 § (Jobcenter)"
    assert runs[-1][0] == fonts.ARABIC and runs[-1][1].startswith("مركز")
    # digits after Arabic letters are Arabic numbers (W2); the hyphen does not join them (W4)
    assert [run.text for run in fonts.visual_runs("الإصدار: 2026-11", rtl=True)][:3] == [
        "11", "-", "2026"]
    assert not fonts.line_rtl("+49 3931 0000-31", chart_rtl=True)
    assert fonts.line_rtl("الاستشارة", chart_rtl=False)


# --------------------------------------------------------------------------- right to left

@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_right_to_left_charts_are_mirrored(many: Chain, direction: str) -> None:
    ltr = prozesskette.layout_chain(many, lang="en", direction=direction)
    rtl = prozesskette.layout_chain(many, lang="ar", direction=direction)
    assert prozesskette.verify(rtl) == []
    assert is_rtl("ar") and not is_rtl("de-x-ls")
    start, end = rtl.nodes["start"].rect, rtl.nodes["ende"].rect
    if direction == "lr":
        assert start.x > end.x  # time runs from right to left
        for lane in rtl.lanes.values():  # lane headers on the right
            assert lane.header.right == pytest.approx(lane.band.right)
    # exactly the unmirrored layout, mirrored: same bands, same QR payloads
    plain = prozesskette.layout_chain(many, lang="ar", direction=direction, mirror=False)
    assert plain.width == rtl.width
    for actor, lane in plain.lanes.items():
        band = rtl.lanes[actor].band
        assert (band.y, band.h, band.w) == (lane.band.y, lane.band.h, lane.band.w)
        assert band.x == pytest.approx(plain.width - lane.band.right)
        assert [spot.payload for spot in rtl.lanes[actor].contacts] == \
            [spot.payload for spot in lane.contacts]
    for step_id, node in plain.nodes.items():
        assert rtl.nodes[step_id].rect.x == pytest.approx(plain.width - node.rect.right)
    assert ltr.nodes["start"].rect.x < ltr.nodes["ende"].rect.x or direction == "tb"


def test_arabic_svg_lines_run_right_to_left(many: Chain) -> None:
    svg = prozesskette.to_svg(many, lang="ar")
    assert 'lang="ar"' in svg
    assert re.search(r'<text[^>]*direction="rtl"[^>]*>الوصول ودورة اللغة</text>', svg)
    # a phone number stays left to right
    assert not re.search(r'direction="rtl"[^>]*>\+49 3931', svg)


@pytest.mark.parametrize("tag", ["ar", "ti", "uk", "de-x-ls"])
def test_pdf_text_in_each_language_is_extractable(many: Chain, tag: str) -> None:
    from pypdf import PdfReader

    data = prozesskette.to_pdf(many, lang=tag)
    reader = PdfReader(io.BytesIO(data))
    extracted = " ".join(page.extract_text() for page in reader.pages)
    title = many.title.translations[tag]
    squashed = extracted.replace(" ", "").replace("\n", "")
    for word in title.split():
        assert word in squashed or word[::-1] in squashed, (tag, word)
    fonts_used = {str(font.get("/BaseFont")) for page in reader.pages
                  for font in (page["/Resources"].get("/Font") or {}).values()
                  for font in [font.get_object()]}
    if tag == "ti":
        assert any("NotoSansEthiopic" in name for name in fonts_used)
    assert prozesskette.to_pdf(many, lang=tag) == data  # deterministic


def test_translated_outputs_are_deterministic(many: Chain) -> None:
    for tag in ("ar", "ti"):
        assert prozesskette.to_svg(many, lang=tag) == prozesskette.to_svg(many, lang=tag)
        assert prozesskette.to_html(many, lang=tag) == prozesskette.to_html(many, lang=tag)


def test_html_page_language_and_direction(many: Chain) -> None:
    page = prozesskette.to_html(many, lang="ar")
    assert '<html lang="ar" dir="rtl">' in page
    assert "الوصول ودورة اللغة" in page
    easy = prozesskette.to_html(many, lang="de-x-ls")
    assert '<html lang="de-x-ls" dir="ltr">' in easy
    assert "Sie kommen an und lernen Deutsch" in easy


@pytest.mark.parametrize("text", ["ښه راغلاست ټولو ته", "پناهجو ژبه گام کار", "ትግርኛ ቋንቋ"])
def test_pashto_farsi_and_tigrinya_letters_have_glyphs(text: str) -> None:
    assert fonts.missing_glyphs(text) == set()
    for face, part, level in fonts.runs(text):
        if face in fonts.SHAPED:
            assert all(gid != 0 for gid, *_ in fonts.shape(part, face, False, bool(level % 2)))
    lines = fonts.wrap(text, 40, 9)
    assert all(fonts.text_width(line, 9) <= 40 + 1e-6 for line in lines if " " in line)
