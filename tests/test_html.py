"""The HTML page: one self-contained, accessible page with the chart and its text version.

The structure is checked with :mod:`html.parser`; the accessibility with axe-core in headless
Chromium (WCAG 2.0/2.1 A and AA rules). axe-core comes from npm: ``PK_AXE_JS`` names its
``axe.min.js`` (``.ci/run`` installs it). Locally the axe test is skipped when that or Chromium
is missing; with ``CI`` set it fails instead.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from paths import CHAINS, EXAMPLE
from prozesskette import api
from prozesskette.cli import main
from prozesskette.layout.geometry import Layout
from prozesskette.loader import load
from prozesskette.markup import safe_href
from prozesskette.model import Chain
from prozesskette.renderers.html import render_html
from prozesskette.words import words_for

ALL = [*CHAINS, EXAMPLE]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    ancestors: tuple[str, ...]  # tags, outermost first
    ids: tuple[str, ...]  # ids of the ancestors and the element itself
    text: str = ""


class Page(HTMLParser):
    """Every element with its ancestors, and the text of each element (descendants' text
    included)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> Element:
        values = {name: value or "" for name, value in attrs}
        ids = (*(self.stack[-1].ids if self.stack else ()),
               *((values["id"],) if "id" in values else ()))
        element = Element(tag, values, tuple(e.tag for e in self.stack), ids)
        self.elements.append(element)
        return element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = self._element(tag, attrs)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data

    # --- queries

    def all(self, *tags: str) -> list[Element]:
        return [e for e in self.elements if e.tag in tags]

    def one(self, tag: str) -> Element:
        found = self.all(tag)
        assert len(found) == 1, (tag, len(found))
        return found[0]

    def by_id(self, ident: str) -> Element:
        return next(e for e in self.elements if e.attrs.get("id") == ident)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def words(text: str) -> str:
    return " ".join(text.split())


def chain_of(path: Path) -> Chain:
    chain: Chain = load(path)
    return chain


@pytest.fixture(scope="module", params=ALL, ids=lambda p: Path(p).name)
def rendered(request: pytest.FixtureRequest) -> tuple[Chain, str, Page]:
    chain = chain_of(request.param)
    page = api.to_html(chain)
    return chain, page, parse(page)


# ----------------------------------------------------------------------------- document


def test_document_head(rendered: tuple[Chain, str, Page]) -> None:
    chain, page, doc = rendered
    assert page.startswith("<!doctype html>\n")
    assert doc.doctype is not None and doc.doctype.lower() == "doctype html"
    root = doc.one("html")
    assert root.attrs["lang"] == chain.language == "de"
    assert root.attrs["dir"] == "ltr"
    assert any(m.attrs.get("charset") == "utf-8" for m in doc.all("meta"))
    viewport = [m for m in doc.all("meta") if m.attrs.get("name") == "viewport"]
    assert viewport and "width=device-width" in viewport[0].attrs["content"]
    in_head = [e for e in doc.elements if e.ancestors == ("html", "head")]
    assert [e.tag for e in in_head] == ["meta", "meta", "title", "style"]
    assert chain.title in words(in_head[2].text)
    assert f"Stand: {chain.version}" in words(in_head[2].text)


def test_no_script_and_nothing_external(rendered: tuple[Chain, str, Page]) -> None:
    _, page, doc = rendered
    assert not doc.all("script", "iframe", "object", "embed", "img", "link", "base",
                       "foreignobject", "form")
    for element in doc.elements:
        for name, value in element.attrs.items():
            assert not name.startswith("on"), (element.tag, name)
            assert name not in ("src", "srcset", "xlink:href"), (element.tag, name)
            assert "javascript:" not in value.lower()
    for url in re.findall(r"url\(([^)]*)\)", page):
        assert url.startswith(("data:font/woff;base64,", "#")), url[:40]
    assert "@import" not in page


def test_landmarks_headings_and_skip_link(rendered: tuple[Chain, str, Page]) -> None:
    chain, _, doc = rendered
    main_element = doc.one("main")
    assert main_element.ancestors == ("html", "body")
    h1 = doc.one("h1")
    assert words(h1.text) == chain.title
    levels = [int(e.tag[1]) for e in doc.elements if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels
    assert "main" in h1.ancestors
    assert chain.region and chain.version
    meta = words(doc.all("p")[0].text)
    assert chain.region in meta and f"Stand: {chain.version}" in meta
    skip = [a for a in doc.all("a") if words(a.text) == "Zur Textfassung springen"]
    assert len(skip) == 1 and skip[0].attrs["href"] == "#pk-text"
    target = doc.by_id("pk-text")
    assert "main" in target.ancestors
    # the skip link comes before the chart, the text version after it
    order = [id(e) for e in doc.elements]
    svg = doc.one("svg")
    assert order.index(id(skip[0])) < order.index(id(svg)) < order.index(id(target))


def test_chart_inline_in_a_figure(rendered: tuple[Chain, str, Page]) -> None:
    chain, _, doc = rendered
    svg = doc.one("svg")
    assert "figure" in svg.ancestors
    assert svg.attrs["width"] == "100%"  # the inline variant, no size in points
    caption = doc.one("figcaption")
    assert caption.ancestors[-1] == "figure" and chain.title in words(caption.text)
    scroller = next(e for e in doc.all("div") if e.attrs.get("class") == "chart")
    assert scroller.attrs["tabindex"] == "0" and scroller.attrs["aria-label"]
    ids = [e.attrs["id"] for e in doc.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"


def text_version(doc: Page) -> str:
    return words(doc.by_id("pk-text").text)


def test_every_step_in_the_text_version(rendered: tuple[Chain, str, Page]) -> None:
    chain, _, doc = rendered
    items = [e for e in doc.all("li") if e.attrs.get("id", "").startswith("pk-text-step-")]
    assert len(items) == len(chain.steps)
    headings = [words(e.text) for e in doc.all("h3") if "li" in e.ancestors
                and "ol" in e.ancestors]
    for number, (step_heading, item) in enumerate(zip(headings, items, strict=True), 1):
        step = chain.step(item.attrs["id"].removeprefix("pk-text-step-"))
        assert step_heading == f"{number}. {words(step.title)}"
        text = words(item.text)
        for actor in step.responsible:
            assert words(chain.actor(actor).name) in text
        if step.legal_basis:
            assert words(step.legal_basis) in text
        if step.description:
            assert words(step.description) in text
        for transition in step.next:
            assert words(chain.step(transition.to).title) in text
            if transition.label:
                assert f"wenn {words(transition.label)}: " in text
        if not step.next:
            assert "Ende der Prozesskette" in text
        kind = {"start": "Beginn", "end": "Ende", "decision": "Entscheidung",
                "document": "Dokument"}.get(step.kind.value)
        if kind:
            assert f"Art {kind}" in text
    # phases as h2, in the chain's order
    phase_headings = [words(e.text) for e in doc.all("h2") if words(e.text).startswith("Phase")]
    assert phase_headings == [f"Phase: {phase.title}" for phase in chain.phases]
    # in-page links point at existing ids
    ids = {e.attrs["id"] for e in doc.elements if "id" in e.attrs}
    for link in doc.all("a"):
        if link.attrs["href"].startswith("#"):
            assert link.attrs["href"][1:] in ids


def test_contacts_with_links(rendered: tuple[Chain, str, Page]) -> None:
    chain, _, doc = rendered
    text = text_version(doc)
    assert "Beteiligte Stellen und Ansprechpersonen" in [words(h.text) for h in doc.all("h2")]
    actor_headings = [words(h.text) for h in doc.all("h3")
                      if h.attrs.get("id", "").startswith("pk-text-actor-")]
    assert actor_headings == [chain.actor(lane).name for lane in api.layout_chain(chain).lanes]
    hrefs = {a.attrs["href"]: words(a.text) for a in doc.all("a") if "pk-text" in a.ids}
    contacts = [c for actor in chain.actors for c in actor.contacts]
    assert contacts
    for contact in contacts:
        assert words(contact.name) in text
        if contact.role:
            assert words(contact.role) in text
        if contact.address:
            assert words(contact.address) in text
        if contact.phone:
            tel = safe_href("tel:" + contact.phone)
            assert tel is not None and hrefs.get(tel) == contact.phone
        if contact.email:
            assert hrefs.get("mailto:" + contact.email) == contact.email
        if contact.url:
            assert contact.url in hrefs
    for href in hrefs:
        assert href.startswith(("#pk-text-", "https://", "http://", "mailto:", "tel:")), href


def test_interfaces_and_loops(rendered: tuple[Chain, str, Page]) -> None:
    chain, _, doc = rendered
    from prozesskette.analysis import analyse

    analysis = analyse(chain)
    assert "Schnittstellen und Überschneidungen" in [words(h.text) for h in doc.all("h2")]
    text = text_version(doc)
    section = text[text.index("Schnittstellen und Überschneidungen"):]
    assert section.count(" übergibt an ") == len(analysis.handoffs)
    for overlap in analysis.overlaps:
        assert f"{overlap.title}: angeboten von" in section
    assert "Schleifen" in section
    if any(edge.back for edge in api.layout_chain(chain).edges):
        assert "(Schleife)" in text


def test_hostile_text_is_escaped(example_text: str) -> None:
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)> & \"'"
    hostile = (example_text
               .replace("title: Ankunft im Landkreis", f"title: {json.dumps(evil)}")
               .replace("name: Erika Beispiel", "name: '<b onclick=x>Erika</b>'"))
    chain = load(hostile)
    page = api.to_html(chain)
    doc = parse(page)
    assert not doc.all("script", "img", "b")
    assert all(not name.startswith("on") for e in doc.elements for name in e.attrs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert words(evil) in text_version(doc)
    assert "<b onclick=x>Erika</b>" in text_version(doc)


def test_forbidden_characters_are_dropped_from_page_and_chart(example_text: str) -> None:
    """Noncharacters and C1 controls are parse errors in HTML: neither the text version nor
    the inline chart (which used to keep U+FDD0-U+FDEF) may carry them."""
    odd = r'"Ankunft\ufdd0 im\x85 Landkreis\U0010FFFF"'  # YAML escapes
    chain = load(example_text.replace("title: Ankunft im Landkreis", f"title: {odd}"))
    assert "\ufdd0" in chain.steps[0].title  # the model lets them through
    page = api.to_html(chain)
    assert not re.search("[\x85\ufdd0\U0010ffff]", page)
    assert " Ankunft im Landkreis</h3>" in page  # text version
    assert "„Ankunft im Landkreis“" in page  # the chart's description


def test_unsafe_links_are_dropped_again(example_text: str) -> None:
    chain = load(example_text)
    contact = chain.actor("jobcenter").contacts[0]
    # the model refuses such values; a renderer checks links again all the same
    object.__setattr__(contact, "url", "javascript:alert(1)")
    object.__setattr__(contact, "email", "x@example.org\"><script>")
    page = render_html(api.layout_chain(chain))
    doc = parse(page)
    hrefs = [a.attrs["href"] for a in doc.all("a")]
    assert not [h for h in hrefs if "javascript" in h.lower()]
    text_hrefs = [a.attrs["href"] for a in doc.all("a") if "pk-text" in a.ids]
    assert not [h for h in text_hrefs if "script" in h or "x@example.org" in h]
    assert "javascript:alert(1)" in text_version(doc)  # shown as text, not as a link
    assert not doc.all("script")


def test_deterministic_and_file_output(tmp_path: Path) -> None:
    chain = load(EXAMPLE)
    first = api.to_html(chain)
    assert api.to_html(load(EXAMPLE)) == first
    path = api.render(chain, tmp_path / "chart.html")
    assert path.read_text("utf-8") == first
    assert main(["render", str(EXAMPLE), "-f", "html", "-o", str(tmp_path), "-q"]) == 0
    assert (tmp_path / "example.html").read_text("utf-8") == first
    assert "html" in api.FORMATS


def test_options(example_text: str) -> None:
    chain = load(example_text)
    plain = api.to_html(chain, qr=False, embed_font=False)
    assert "@font-face" not in plain and "pk-qr" not in plain
    assert "@font-face" in api.to_html(chain)


def test_english_and_right_to_left(example_text: str) -> None:
    english = parse(api.to_html(load(example_text.replace("language: de", "language: en"))))
    assert english.one("html").attrs == {"lang": "en", "dir": "ltr"}
    headings = [words(h.text) for h in english.all("h2")]
    assert words_for("page", "en")["actors_heading"] in headings
    assert words_for("page", "en")["interfaces_heading"] in headings
    assert "Skip to the text version" in words(english.one("main").text)
    arabic = parse(api.to_html(load(example_text.replace("language: de", "language: ar"))))
    assert arabic.one("html").attrs == {"lang": "ar", "dir": "rtl"}
    for tag in ("he", "fa-IR", "ur", "ps"):
        page = parse(api.to_html(load(example_text.replace("language: de",
                                                           f"language: {tag}"))))
        assert page.one("html").attrs["dir"] == "rtl"


def test_chain_without_phases_and_contacts() -> None:
    chain = load({"title": "Kurz", "actors": [{"id": "a", "name": "Amt"}],
                  "steps": [{"id": "s", "title": "Los", "kind": "start", "actor": "a",
                             "next": ["e"]},
                            {"id": "e", "title": "Fertig", "kind": "end", "actor": "a"}]})
    doc = parse(api.to_html(chain))
    assert [words(h.text) for h in doc.all("h2")] == [
        "Ablauf", "Beteiligte Stellen und Ansprechpersonen",
        "Schnittstellen und Überschneidungen"]
    assert not [e for e in doc.all("p") if e.attrs.get("class") == "meta"]
    assert "Keine." in text_version(doc)


def test_layout_without_chain() -> None:
    layout = api.layout_chain(load(EXAMPLE))
    bare: Layout = replace(layout, chain=None)
    doc = parse(render_html(bare))
    items = [e for e in doc.all("li") if e.attrs.get("id", "").startswith("pk-text-step-")]
    assert len(items) == len(layout.nodes)
    assert len(doc.all("h1")) == 1


# ----------------------------------------------------------------------------- axe-core


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI, see .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def axe_browser() -> Iterator[tuple[Any, str]]:
    axe = os.environ.get("PK_AXE_JS")
    if not axe or not Path(axe).is_file():
        _unavailable("PK_AXE_JS does not name axe-core's axe.min.js "
                     "(npm install --prefix /tmp/axe axe-core)")
    assert axe is not None
    if CHROMIUM is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser, axe
        browser.close()


def _variants() -> list[Any]:
    cases = [pytest.param(path, "lr", None, id=Path(path).name) for path in ALL]
    cases.append(pytest.param(EXAMPLE, "tb", None, id="example-tb"))
    cases.append(pytest.param(EXAMPLE, "lr", "en", id="example-en"))
    cases.append(pytest.param(EXAMPLE, "lr", "ar", id="example-ar"))
    # real translations: the chain drawn in its English, Arabic and Leichte-Sprache texts
    translated = next(path for path in CHAINS if Path(path).name == "stendal-ausbildung.yaml")
    for tag in ("en", "ar", "de-x-ls"):
        cases.append(pytest.param(translated, "lr", f"lang={tag}", id=f"ausbildung-{tag}"))
    return cases


def _page_file(tmp_path: Path, path: Path, language: str | None, **options: Any) -> Path:
    """The chain's page in a file: ``language`` either replaces the chain's language
    (``"ar"``) or draws one of its translations (``"lang=ar"``)."""
    text = Path(path).read_text("utf-8")
    if language and language.startswith("lang="):
        options["lang"] = language.removeprefix("lang=")
    elif language:
        text = text.replace("language: de", f"language: {language}")
    page_file = tmp_path / "page.html"
    page_file.write_text(api.to_html(load(text), **options), "utf-8")
    return page_file


def _open(browser: Any, page_file: Path, errors: list[str], **options: Any) -> Any:
    page = browser.new_page(**options)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    return page


def _axe_violations(page: Any, axe: str) -> list[Any]:
    """axe-core's violations on the open page (printed, so that a failure says what)."""
    page.add_script_tag(path=axe)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    violations: list[Any] = result["violations"]
    for violation in violations:
        print(f"{violation['id']} ({violation['impact']}): {violation['help']} "
              f"{violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            print("   ", node["target"], node["html"][:300])
            print("     ", " | ".join(node.get("failureSummary", "").splitlines()))
    assert result["passes"], "axe ran no rule at all"
    return violations


@pytest.mark.parametrize(("path", "direction", "language"), _variants())
def test_axe_finds_no_violations(axe_browser: tuple[Any, str], tmp_path: Path, path: Path,
                                 direction: str, language: str | None) -> None:
    browser, axe = axe_browser
    errors: list[str] = []
    page = _open(browser, _page_file(tmp_path, path, language, direction=direction), errors)
    violations = _axe_violations(page, axe)
    page.close()
    assert violations == [], [v["id"] for v in violations]
    assert errors == []


# ----------------------------------------------------------------------------- phones

PHONE = {"width": 390, "height": 844}
#: Words and links longer than a phone's width: they must wrap, not widen the page.
LONG_WORD = "Ausbildungsplatzvermittlungsdienstleistungsqualitätssicherungsbeauftragte" * 2
LONG_URL = "https://example.org/" + "unterseite/" * 30 + "ende"

_MEASURE = """() => {
  const box = element => element.getBoundingClientRect();
  const chart = document.querySelector('.chart');
  return {
    document: document.documentElement.scrollWidth, body: document.body.scrollWidth,
    text: box(document.getElementById('pk-text')).top,
    figure: box(document.querySelector('figure')).top,
    chartWidth: box(chart).width, chartHeight: box(chart).height,
    chartScrollWidth: chart.scrollWidth, chartOverflow: getComputedStyle(chart).overflowX,
    svgWidth: box(chart.querySelector('svg')).width};
}"""


def _long_words(tmp_path: Path) -> Path:
    """The example with an over-long word in its title, a step, a description, a name,
    and an over-long web address and e-mail address."""
    text = (EXAMPLE.read_text("utf-8")
            .replace("title: Integration von", f"title: {LONG_WORD} Integration von")
            .replace("title: Ankunft im Landkreis", f"title: Ankunft {LONG_WORD}")
            .replace("name: Erika Beispiel", f"name: Erika {LONG_WORD}")
            .replace("https://example.org/jobcenter", LONG_URL)
            .replace("e.beispiel@example.org", f"{LONG_WORD.lower()}@example.org")
            .replace("    phase: ankommen\n    next: [beratung]",
                     f"    phase: ankommen\n    url: {LONG_URL}\n"
                     f"    description: Siehe {LONG_WORD} und {LONG_URL}\n"
                     "    next: [beratung]", 1))
    path = tmp_path / "long-words.yaml"
    path.write_text(text, "utf-8")
    assert load(path).steps[0].description
    return path


def _phone_cases() -> list[Any]:
    cases = [pytest.param(path, None, id=Path(path).name) for path in ALL]
    translated = next(path for path in CHAINS if Path(path).name == "stendal-ausbildung.yaml")
    cases.append(pytest.param(translated, "lang=ar", id="ausbildung-ar"))
    cases.append(pytest.param(EXAMPLE, "ar", id="example-ar"))
    cases.append(pytest.param(None, None, id="long-words"))
    cases.append(pytest.param(None, "ar", id="long-words-ar"))
    return cases


@pytest.mark.parametrize(("path", "language"), _phone_cases())
def test_phone_text_first_no_sideways_scrolling(axe_browser: tuple[Any, str], tmp_path: Path,
                                                path: Path | None,
                                                language: str | None) -> None:
    """At 390 px the text version comes first, the chart follows in its own scrolling box
    (at its natural size, at most 80 % of the screen high), and the page never scrolls
    sideways: not for the chart, nor for long words and addresses."""
    browser, axe = axe_browser
    errors: list[str] = []
    page_file = _page_file(tmp_path, path or _long_words(tmp_path), language)
    page = _open(browser, page_file, errors, viewport=PHONE)
    sizes = page.evaluate(_MEASURE)
    violations = _axe_violations(page, axe)
    page.close()
    print(sizes)
    assert sizes["document"] <= PHONE["width"] and sizes["body"] <= PHONE["width"]
    assert sizes["text"] < sizes["figure"], "the text version comes before the chart"
    assert sizes["chartOverflow"] == "auto"
    assert sizes["chartWidth"] < PHONE["width"] < sizes["chartScrollWidth"]
    assert abs(sizes["svgWidth"] - sizes["chartScrollWidth"]) < 1  # the chart scrolls in it
    assert sizes["chartHeight"] <= 0.8 * PHONE["height"] + 2  # two pixels of border
    assert violations == [], [v["id"] for v in violations]
    assert errors == []


@pytest.mark.parametrize("language", [None, "lang=ar"])
def test_desktop_keeps_the_chart_first(axe_browser: tuple[Any, str], tmp_path: Path,
                                       language: str | None) -> None:
    """From 700 px on, the page stays as it was: the chart above the text version, as wide
    as the window allows and as high as it is."""
    browser, _ = axe_browser
    errors: list[str] = []
    tall = next(path for path in CHAINS if Path(path).name == "stendal-ausbildung.yaml")
    page_file = _page_file(tmp_path, tall, language)
    for width in (700, 1280):
        page = _open(browser, page_file, errors, viewport={"width": width, "height": 800})
        sizes = page.evaluate(_MEASURE)
        page.close()
        assert sizes["document"] <= width and sizes["body"] <= width, (width, sizes)
        assert sizes["figure"] < sizes["text"], width
        assert sizes["chartHeight"] > 800, (width, sizes)  # not limited to the screen
    assert errors == []
