"""Bidi levels and visual order of prozesskette.text.bidi, against python-bidi as an oracle.

python-bidi 0.6 wraps the Rust crate unicode-bidi, a complete UAX #9 implementation.
``get_display`` gives the visual order of a one-line paragraph (without mirroring brackets,
so this file compares characters unmirrored); its ``debug`` output carries the resolved
paragraph levels, one per UTF-8 byte.

Known differences, kept out of the generated corpus and pinned below: explicit embeddings,
overrides and isolates (LRE ... PDI), which chain texts do not use and this module treats as
boundary neutrals (see its docstring); and segment separators (tab): UAX #9 rule L1 puts a
tab back to the paragraph level, python-bidi's get_display does not (chain texts never draw a
tab: wrap() turns white space into single spaces).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prozesskette import text as T
from prozesskette.text import bidi

get_display = pytest.importorskip("bidi").get_display

_LEVEL = re.compile(r"Level\(\s*(\d+),\s*\)")


def oracle_levels(text: str, rtl: bool | None) -> list[int]:
    """python-bidi's paragraph levels of ``text``, one per character."""
    debug = get_display(text, base_dir=_base_dir(rtl), debug=True)
    assert isinstance(debug, str)
    section = debug[debug.index("levels: [") : debug.index("paragraphs: [")]
    per_byte = [int(level) for level in _LEVEL.findall(section)]
    assert len(per_byte) == len(text.encode())
    levels, offset = [], 0
    for ch in text:
        levels.append(per_byte[offset])
        offset += len(ch.encode())
    return levels


def oracle_display(text: str, rtl: bool | None) -> str:
    display = get_display(text, base_dir=_base_dir(rtl))
    assert isinstance(display, str)
    return display


def _base_dir(rtl: bool | None) -> str | None:
    return None if rtl is None else "R" if rtl else "L"


def our_display(text: str, rtl: bool | None) -> str:
    """The characters of ``text`` in drawing order, from the runs the PDF draws."""
    drawn = []
    for run in T.visual_runs(text, rtl=rtl):
        drawn.append(run.text[::-1] if run.level % 2 else run.text)  # unmirrored, as the oracle
    return "".join(drawn)


CORPUS = [
    "Termin مرحبا 2026",
    "Termin am 12.03.2026 bei مركز التوظيف (Jobcenter) Raum 4",
    "لا (Gestattung/Duldung)",
    "نعم (Aufenthaltserlaubnis)",
    "مركز التوظيف (Jobcenter) § 44",
    "الإصدار: 2026-11",
    "الموعد ١٢/٠٣/٢٠٢٦ الساعة 10:30",
    "رقم الهاتف: +49 3931 0000-31",
    "مراجعه به اداره کار (Agentur für Arbeit) در ۱۴۰۳/۰۵/۱۲",
    "فرم شماره ۱۲ را پر کنید، سپس 3 نسخه",
    "שלום עולם 2026 (Hallo Welt)",
    "בקשה מס' 123-456 ל-Jobcenter",
    "Gebühr 12,50 € — رسوم 12,50 €",
    "Rabatt 15% خصم 15%",
    "Kontakt: beratung@example.org أو 0800 123 456",
    "[Schritt 3] الخطوة [3]",
    "ܫܠܡܐ ܥܠܡܐ 2026",  # Syriac
    "ދިވެހި 12 Malediven",  # Thaana
    "ߒߞߏ 7 N'Ko",  # N'Ko
    "\ufb1d\ufb1f Hebräische Präsentationsformen \ufe8d\ufe8f",
    "أَهْلًا Tschüß",  # Arabic marks
    "é́ Ümlaut مع 1.5 km",
    "",
    "   ",
    "(((مرحبا)))",
    "Frage؟ سؤال?",
]


@pytest.mark.parametrize("rtl", [None, False, True])
@pytest.mark.parametrize("text", CORPUS)
def test_levels_and_visual_order_match_python_bidi(text: str, rtl: bool | None) -> None:
    assert T.paragraph_levels(text, rtl) == oracle_levels(text, rtl)
    assert our_display(text, rtl) == oracle_display(text, rtl)


_ALPHABET = st.sampled_from(
    list("abcXYZäß") + list("مرحبالنع") + list("שלוםעב") + list("ۀیک")  # Latin Arabic Hebrew
    + list("0123456789") + list("٠١٢٣") + list("۰۱۲۳")  # European, Arabic, Persian digits
    + list(" .,:/-+%€$#§@'\"!?؟،") + list("()[]{}«»⌈⌉〈〉\u2329\u232a")  # neutrals, brackets
    + ["\u064e", "\u0301"]  # Arabic and Latin combining marks
    + ["ܫ", "ދ", "ߒ", "\u200e", "\u200f", "\u061c"]  # Syriac, Thaana, N'Ko; LRM, RLM, ALM
)


@settings(max_examples=400, deadline=None)
@given(st.text(_ALPHABET, max_size=30), st.sampled_from([None, False, True]))
def test_generated_mixes_match_python_bidi(text: str, rtl: bool | None) -> None:
    assert T.paragraph_levels(text, rtl) == oracle_levels(text, rtl)
    assert our_display(text, rtl) == oracle_display(text, rtl)


def test_digits_after_right_to_left_text_keep_their_order_and_place() -> None:
    """Rule I1 (the PDF drew "… 6202" before the fix): digits after Arabic get level 2, so
    they run left to right, and follow the Arabic word in its own direction (to its left)."""
    assert T.paragraph_levels("Termin مرحبا 2026")[-4:] == [2, 2, 2, 2]
    runs = T.visual_runs("Termin مرحبا 2026")
    drawn = [T.visual_text(run.face, run.text, run.level) for run in runs]
    assert drawn == ["Termin ", "2026", "مرحبا "]  # the Arabic run is shaped, in logical order
    assert our_display("Termin مرحبا 2026", None) == "Termin 2026 ابحرم"


def test_right_to_left_scripts_from_the_character_database() -> None:
    for word in ("ܫܠܡܐ", "ދިވެހި", "ߒߞߏ", "\ufb1d\ufb1f", "שלום", "مرحبا"):
        assert T.base_rtl(word), word
        assert T.line_rtl(word, chart_rtl=False), word
    assert not T.base_rtl("12 (٣)")  # no strong character: left to right


def test_wrapped_paragraph_is_resolved_as_a_whole() -> None:
    """The branch label of chains/stendal-ausbildung.yaml, broken after the slash: each
    line keeps the order it has in the paragraph (UAX #9 3.4)."""
    lines = ["لا (Gestattung/", "Duldung)"]
    paragraph = " ".join(lines)
    levels = oracle_levels(paragraph, None)
    per_line = T.paragraph_visual_runs(lines)
    assert [run.level for run in per_line[0]] == [2, 1, 1]
    first = [T.visual_text(run.face, run.text, run.level) for run in per_line[0]]
    assert first == ["Gestattung/", ")", "لا "]  # the "(" mirrors: it opens to the right
    second = [T.visual_text(run.face, run.text, run.level) for run in per_line[1]]
    assert second == ["(", "Duldung"]
    # each line alone (the old way) puts the slash at the wrong end
    alone = [T.visual_text(run.face, run.text, run.level) for run in T.visual_runs(lines[0])]
    assert alone[0] == "/"
    # the levels are the oracle's for the whole paragraph, then L1 per line
    assert [run.level for run in per_line[1]] == [levels[-1], levels[-2]]


@pytest.mark.parametrize("paragraph", [
    "Termin am 12.03.2026 bei مركز التوظيف (Jobcenter) Raum 4 und danach zu الموعد",
    "مراجعه به اداره کار (Agentur für Arbeit) در ۱۴۰۳/۰۵/۱۲ و سپس Jobcenter",
    "שלום עולם 2026 (Hallo Welt) und dann zurück nach בית",
])
@pytest.mark.parametrize("width", [80.0, 120.0, 200.0])
def test_wrapped_lines_take_the_paragraph_levels(paragraph: str, width: float) -> None:
    lines = T.wrap(paragraph, width, 9)
    assert " ".join(lines) == paragraph  # only spaces were broken at
    levels = oracle_levels(paragraph, None)
    base = 1 if T.base_rtl(paragraph) else 0
    start = 0
    for line, line_runs in zip(lines, T.paragraph_visual_runs(lines), strict=True):
        expected = bidi.line_levels(line, levels[start : start + len(line)], base)
        start += len(line) + 1
        # the runs hold exactly the line's characters, each once, at its paragraph level
        order = bidi.visual_order(expected)
        drawn = "".join(run.text[::-1] if run.level % 2 else run.text for run in line_runs)
        assert drawn == "".join(line[k] for k in order)


def test_line_rule_l1_puts_trailing_white_space_at_the_paragraph_level() -> None:
    assert bidi.line_levels("abc مر ", [0, 0, 0, 0, 1, 1, 1], 0) == [0, 0, 0, 0, 1, 1, 0]
    assert bidi.line_levels("مر\tab ", [1, 1, 1, 2, 2, 2], 1) == [1, 1, 1, 2, 2, 1]


def test_explicit_formatting_characters_are_not_applied() -> None:
    """A known difference with the oracle: embeddings are ignored (module docstring)."""
    text = "ab\u202bcd\u202cef"
    assert T.paragraph_levels(text) == [0] * len(text)
    assert oracle_levels(text, None) != [0] * len(text)


_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e"))


@pytest.mark.parametrize("paragraph", [
    "لا (Gestattung/Duldung)",
    "Termin am 12.03.2026 bei مركز التوظيف (Jobcenter) Raum 4 und danach zu الموعد",
    "مراجعه به اداره کار (Agentur für Arbeit) در ۱۴۰۳/۰۵/۱۲ و سپس Jobcenter",
    "שלום עולם 2026 (Hallo Welt) und dann zurück nach בית",
])
@pytest.mark.parametrize("width", [45.0, 80.0, 120.0])
def test_browser_lines_show_the_paragraph_order(paragraph: str, width: float) -> None:
    """What a browser draws of each line (python-bidi playing the browser, with the line's
    direction) is the line in the order the paragraph gives it."""
    lines = T.wrap(paragraph, width, 9)
    browser = T.browser_lines(lines)
    assert browser.rtl == T.base_rtl(paragraph)
    for line, text, runs in zip(lines, browser.texts, T.paragraph_visual_runs(lines),
                                strict=True):
        assert text.translate(_CONTROLS) == line  # logical order kept
        expected = "".join(run.text[::-1] if run.level % 2 else run.text for run in runs)
        shown = oracle_display(text, browser.rtl).translate(_CONTROLS)
        assert shown == expected


def test_browser_lines_change_only_what_the_paragraph_changes() -> None:
    lines = ["لا (Gestattung/", "Duldung)"]
    browser = T.browser_lines(lines)
    assert browser.rtl
    assert browser.texts[0] != lines[0]  # the slash must be pinned to the Latin word
    assert browser.texts[1] == lines[1]  # "Duldung)" right to left is already right
    plain = ["Antrag auf", "Leistungen (SGB II)"]
    assert T.browser_lines(plain) == (False, tuple(plain))


_WORDS = st.sampled_from([
    "Antrag", "(Jobcenter)", "§ 44", "2026-11", "12,50 €", "Gestattung/Duldung", "B2",
    "مركز", "التوظيف", "(الوكالة)", "١٢/٠٣", "اداره", "کار", "۱۴۰۳", "שלום", "(בית)", "15%",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=12), st.floats(30.0, 150.0), st.booleans())
def test_generated_paragraphs_show_their_order_in_a_browser(
        words: list[str], width: float, chart_rtl: bool) -> None:
    lines = T.wrap(" ".join(words), width, 9)
    browser = T.browser_lines(lines, chart_rtl)
    for line, text, runs in zip(lines, browser.texts,
                                T.paragraph_visual_runs(lines, rtl=browser.rtl), strict=True):
        expected = "".join(run.text[::-1] if run.level % 2 else run.text for run in runs)
        assert oracle_display(text, browser.rtl).translate(_CONTROLS) == expected, (line, text)


def test_a_tab_goes_back_to_the_paragraph_level() -> None:
    """Rule L1 for a segment separator; a known difference with the oracle (docstring)."""
    runs = T.visual_runs("ab\tcd", rtl=True)
    assert [(run.text, run.level) for run in runs] == [("cd", 2), ("\t", 1), ("ab", 2)]
    assert oracle_display("ab\tcd", True) == "ab\tcd"  # python-bidi keeps the tab at level 2
