"""The one markup module: escaping read back by an XML parser, forbidden characters, links,
colours, language tags and element ids."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prozesskette.markup import (
    FORBIDDEN,
    color_problem,
    css_color,
    css_ident,
    element_id,
    escape_attribute,
    escape_html,
    escape_text,
    language_attribute,
    language_problem,
    link_problem,
    one_line,
    primary_subtag,
    safe_href,
    strip_forbidden,
    strip_not_xml,
)

# any code point but lone surrogates (which no Python text from a file carries)
TEXTS = st.text(st.characters(codec="utf-8"), max_size=40)


# ----------------------------------------------------------------------------- escaping

@given(TEXTS)
def test_escaped_text_and_attributes_read_back_unchanged(raw: str) -> None:
    text = one_line(raw)
    element = ET.fromstring(f'<a title="{escape_attribute(text)}">{escape_text(text)}</a>')
    assert element.get("title") == text
    assert (element.text or "") == text


@given(TEXTS)
def test_escape_html_is_html_escape(text: str) -> None:
    assert escape_html(text) == html.escape(text, quote=True)


def test_escaping_examples() -> None:
    assert escape_text("<a & \"b\" 'c'>") == "&lt;a &amp; \"b\" 'c'&gt;"
    assert escape_attribute("<a & \"b\" 'c'>") == "&lt;a &amp; &quot;b&quot; 'c'&gt;"
    assert escape_html("'") == "&#x27;"


# ----------------------------------------------------------------------------- characters

def test_forbidden_characters() -> None:
    # the case where the SVG and HTML copies of the rule differed (U+FDD0-U+FDEF), and
    # noncharacters of the other planes, which both kept
    assert strip_forbidden("a\ufdd0b\ufdefc\U0001fffed\U0010ffffe") == "abcde"
    assert strip_forbidden("a\x00b\x1bc\x7fd\x85e\x9ff\ufffeg\uffffh") == "abcdefgh"
    assert strip_forbidden("tab\tline\nreturn\r ü ß ا 😀 \u200d\ufdcf\ufdf0") == \
        "tab\tline\nreturn\r ü ß ا 😀 \u200d\ufdcf\ufdf0"


def test_bpmn_keeps_what_xml_can_hold() -> None:
    assert strip_not_xml("a\x00b\x85c\ufdd0d\ufffe\t\n") == "ab\x85c\ufdd0d\t\n"


@given(TEXTS)
def test_stripped_text_is_well_formed_xml(raw: str) -> None:
    for text in (strip_forbidden(raw), strip_not_xml(raw)):
        ET.fromstring(f"<a>{escape_text(text)}</a>")


def test_one_line() -> None:
    assert one_line("a\n\n b\tc\r\n\u2028d\x00") == "a  b c d"


# ----------------------------------------------------------------------------- links

@pytest.mark.parametrize(("href", "expected"), [
    ("https://example.org/a?b=c", "https://example.org/a?b=c"),
    ("  https://example.org  ", "https://example.org"),
    ("HTTP://example.org", "HTTP://example.org"),
    ("mailto:a@example.org", "mailto:a@example.org"),
    ("tel:+49 (3931) 0000/11", "tel:+49(3931)000011"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("https://exa\nmple.org", None),
    ("https://exa\x01mple.org", None),
    ("https://example.org/\x85x", None),
    ("https://example.org\n", "https://example.org"),
    ('https://example.org/"onmouseover="x', None),
    ("https://example.org/<script>", None),
    ("mailto:a@example.org'", None),
    ("data:text/html,<script>", None),
    ("//example.org", None),
    ("https:alert", None),
    ("vbscript:x", None),
    ("ftp://example.org", None),
    ("", None),
    (None, None),
])
def test_safe_href(href: str | None, expected: str | None) -> None:
    assert safe_href(href) == expected
    if href is not None and href.strip():
        assert (link_problem(href.strip()) is None) == (expected is not None)


def test_a_final_line_break_is_no_part_of_a_value() -> None:
    # Python's $ matches before a final line break: the rules must not
    assert link_problem("https://example.org\n") is not None
    assert color_problem("#fff\n") is not None
    assert language_problem("de\n") is not None


def test_link_problem_message() -> None:
    assert link_problem("javascript:x") == (
        "'javascript:x' is not an allowed link: use https://…, http://…, mailto:… or tel:…")


# ----------------------------------------------------------------------------- colours

@pytest.mark.parametrize(("value", "valid"), [
    ("#abc", True), ("#A0b1C2", True), ("#abcd", False), ("abc", False), ("#ggg", False),
    ("red", False), ('#fff" onload="x', False), ("#fff\n", False), ("", False),
])
def test_colours(value: str, valid: bool) -> None:
    assert (color_problem(value) is None) == valid
    assert css_color(value, "#000") == (value.lower() if valid else "#000")


def test_no_colour_is_the_fallback() -> None:
    assert css_color(None, "#f7f7f7") == "#f7f7f7"


# ----------------------------------------------------------------------------- languages

@pytest.mark.parametrize(("tag", "valid"), [
    ("de", True), ("pt-BR", True), ("sr-Latn", True), ("de-x-ls", True), ("ckb", True),
    ("de-CH-1996", True), ("d", False), ("deutsch", False), ("de_DE", False), ("de-", False),
    ("de-a-bc", False), ('de" onload="x', False), ("", False),
])
def test_language_tags(tag: str, valid: bool) -> None:
    assert (language_problem(tag) is None) == valid
    assert language_attribute(tag) == (tag if valid else "und")


def test_language_attribute_strips_and_defaults() -> None:
    assert language_attribute(" en ") == "en"
    assert language_attribute(None) == "und"
    assert language_problem(3) == "'3' is not a language tag"
    assert primary_subtag("AR-sy") == "ar" and primary_subtag("de-x-ls") == "de"
    assert primary_subtag("de_DE") == "de"  # a dictionary's name (text.hyphenate)


# ----------------------------------------------------------------------------- ids

# XML 1.0 (fifth edition) Name, production [5], as the oracle
_START = ("A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
          "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf"
          "\ufdf0-\ufffd\U00010000-\U000effff:")
XML_NAME = re.compile(f"[{_START}][{_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*")


@given(TEXTS, TEXTS)
def test_element_ids_are_xml_names_and_injective(a: str, b: str) -> None:
    assert XML_NAME.fullmatch(element_id("pk-", a))
    assert (element_id("pk-", a) == element_id("pk-", b)) == (a == b)


def test_element_id_examples() -> None:
    assert element_id("pk-", "straße_ende") == "pk-straße_ende"
    assert element_id("pk-", "a.b c") == "pk-a.2e.b.20.c"


def test_css_ident() -> None:
    assert css_ident('X"}</style><script>', "Noto Sans") == "Xstylescript"
    assert css_ident("  Noto   Sans ", "x") == "Noto Sans"
    assert css_ident("{}", "fallback") == "fallback"


@given(st.text())
def test_the_printable_fast_path_changes_nothing(text: str) -> None:
    """one_line and strip_forbidden skip their regexes for printable text: the result is the
    one the regexes give."""
    assert strip_forbidden(text) == FORBIDDEN.sub("", text)
    assert one_line(text) == FORBIDDEN.sub("", re.sub(r"[\t\n\r\u2028\u2029]+", " ", text))
