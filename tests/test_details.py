"""Readable details (issue 14, item 5): words break at syllables, edge labels never overlap,
a shared step drawn in one lane names its other actors."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pyphen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paths import CHAINS, examples
from prozesskette import text as tx
from prozesskette.api import to_html, to_pdf, to_svg
from prozesskette.layout import layout_chain, verify
from prozesskette.layout.geometry import Layout, Rect, TextBlock
from prozesskette.layout.labels import centred_block
from prozesskette.layout.options import Options
from prozesskette.layout.readability import detail_problems
from prozesskette.layout.sizes import header_content
from prozesskette.loader import load
from prozesskette.model import Actor
from prozesskette.samples import WORDS, cross_lane_chain, generate_chain
from prozesskette.text import hyphenate

FAMILIES = {"samples": generate_chain, "cross-lane": cross_lane_chain}
_PYPHEN = {"de": pyphen.Pyphen(lang="de"), "en": pyphen.Pyphen(lang="en")}


# --- words break at syllables ---------------------------------------------------------------

def _blocks(obj: Any, out: list[TextBlock]) -> list[TextBlock]:
    """Every text block drawn in a layout (boxes, lanes, phases, labels, legend, title)."""
    if isinstance(obj, TextBlock):
        out.append(obj)
    elif isinstance(obj, dict):
        for value in obj.values():
            _blocks(value, out)
    elif isinstance(obj, tuple | list):
        for value in obj:
            _blocks(value, out)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            if field.name != "chain":
                _blocks(getattr(obj, field.name), out)
    return out


def _bad_breaks(lines: list[str], source: str, language: str = "de") -> list[str]:
    """Words that wrap() cut where the dictionary has no boundary (a cut at a hyphen, soft
    hyphen or zero-width space of the source is the author's and fine). The boundaries
    themselves are held against pyphen and LibreOffice below."""
    joined = lines[0] if lines else ""
    for line, following in itertools.pairwise(lines):
        head = re.split(r"[\s/\u2010\u2013-]", line[:-1])[-1]
        tail = re.split(r"[\s/\u2010\u2013-]", following)[0]
        hints = "[\u00ad\u200b]?"
        explicit = re.search(hints.join(map(re.escape, head)) + "[-\u00ad\u200b]" + hints.join(
            map(re.escape, tail)), source) is not None
        if line.endswith("-") and line[-2:-1].isalpha() and tail and not explicit:
            joined = joined[:-1] + "|" + following  # a cut wrap() made
        else:
            joined += " " + following
    bad = []
    for run in re.findall(r"[\w|]+", joined):
        if "|" not in run:
            continue
        word = run.replace("|", "")
        cuts = list(itertools.accumulate(len(part) for part in run.split("|")[:-1]))
        if not set(cuts) <= set(tx.word_cuts(word, language)[0]):
            bad.append(run)
    return bad


def _layout_breaks(layout: Layout, source: str) -> list[str]:
    return [bad for block in _blocks(layout, [])
            for bad in _bad_breaks([line.text for line in block.lines], source)]


def _case_chain() -> dict[str, Any]:
    return {"title": "T", "language": "de",
            "actors": [{"id": "a", "name": "Anerkennungsberatungsstelle"},
                       {"id": "b", "name": "Kammer"}],
            "phases": [{"id": "p", "title": "Anerkennungsverfahren"}],
            "steps": [{"id": "s", "title": "Anerkennungsverfahren beantragen", "actor": "a",
                       "phase": "p", "kind": "start", "next": ["e"]},
                      {"id": "e", "title": "Ende", "actor": "b", "phase": "p", "kind": "end"}]}


def test_anerkennungsverfahren_breaks_at_its_joint_top_to_bottom() -> None:
    """The phase header of a top-to-bottom chart is 96 pt wide: the bold word needs two
    lines. It used to come out as 'Anerkennungsverf-' / 'ahren'."""
    layout = layout_chain(load(_case_chain()), direction="tb")
    assert [line.text for line in layout.phases["p"].title.lines] == [
        "Anerkennungs-", "verfahren"]
    assert _layout_breaks(layout, str(_case_chain())) == []


_GERMAN = [*WORDS, "Anerkennungsverfahren", "Berufsausbildungsbeihilfe", "Schnittstellenpapier",
           "Zuständigkeitsprüfung", "Jugendberufsagentur", "Integrationskursträger",
           "Eingliederungsvereinbarung", "Donaudampfschifffahrtsgesellschaftskapitän"]
_ENGLISH = ["registration", "appointment", "counselling", "recognition", "apprenticeship",
            "qualification", "responsibilities", "interdepartmental"]


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(_GERMAN), min_size=1, max_size=4),
       width=st.floats(min_value=25, max_value=160), size=st.sampled_from([7.0, 9.0, 9.5]),
       bold=st.booleans(), glue=st.sampled_from(["", " ", "\u00ad"]))
def test_german_words_break_only_at_syllables(words: list[str], width: float, size: float,
                                               bold: bool, glue: str) -> None:
    text = glue.join(words)
    wrapped = tx.wrap_text(text, width, size, bold, "de")
    if width >= tx.longest_syllable_width(text, size, bold, "de"):
        assert not wrapped.forced
    if not wrapped.forced:
        assert _bad_breaks(wrapped.lines, text) == []
    assert all(tx.text_width(line, size, bold) <= width + 1e-6 for line in wrapped.lines)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(_ENGLISH), min_size=1, max_size=3),
       width=st.floats(min_value=25, max_value=100))
def test_english_words_break_at_english_syllables(words: list[str], width: float) -> None:
    text = " ".join(words)
    wrapped = tx.wrap_text(text, width, 9.0, False, "en")
    if not wrapped.forced:
        assert _bad_breaks(wrapped.lines, text, "en") == []


def test_soft_hyphen_and_zwsp_still_break() -> None:
    assert tx.wrap("Anerken\u00adnungsverfahren", 80, 9) == ["Anerken-", "nungsverfahren"]
    assert tx.wrap("Anerken\u200bnungsverfahren", 80, 9) == ["Anerken", "nungsverfahren"]


def test_language_without_dictionary_does_not_break_at_syllables() -> None:
    """Farsi has no pyphen dictionary: an over-long word is cut only as a last resort,
    and the caller is told (it should widen the box)."""
    assert not tx.has_dictionary("fa")
    assert tx.has_dictionary("de-x-ls")  # Leichte Sprache hyphenates as German
    assert tx.wrap_text("Anerkennungsverfahren", 60, 9, language="fa").forced
    assert not tx.wrap_text("Anerkennungsverfahren", 60, 9, language="de").forced
    width = tx.longest_syllable_width("Anerkennungsverfahren", 9, language="fa")
    assert width == pytest.approx(tx.text_width("Anerkennungsverfahren", 9))


@pytest.mark.parametrize("direction", ["lr", "tb"])
@pytest.mark.parametrize("path", CHAINS, ids=lambda p: p.name)
def test_shipped_chains_break_at_syllables(path: Path, direction: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert _layout_breaks(layout_chain(load(path), direction=direction), source) == []


@pytest.mark.parametrize("direction", ["lr", "tb"])
@pytest.mark.parametrize("family", FAMILIES)
def test_generated_chains_break_at_syllables(family: str, direction: str) -> None:
    chain = FAMILIES[family](60, 8, 3, contacts=True)
    assert _layout_breaks(layout_chain(chain, direction=direction), "") == []


# --- a shared step drawn in one lane names its other actors -----------------------------

SHARED = Path(__file__).parent / "data" / "shared-lanes.yaml"


@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_shared_step_tag_names_the_other_actors(direction: str) -> None:
    layout = layout_chain(load(SHARED), direction=direction)
    tags = {node.id: [b for b in node.badges if b.kind == "shared"]
            for node in layout.nodes.values()}
    assert [b.text.text for b in tags["beratung"]] == ["+ BA, IHK"]
    assert [b.text.text for b in tags["antrag"]] == ["+ JC"]
    tag = tags["beratung"][0]
    # as wide as its measured text, on the box's edge
    assert tag.rect.w == pytest.approx(tx.text_width("+ BA, IHK", tag.text.size, True) + 7.0)
    box = layout.nodes["beratung"].rect
    assert tag.rect.y < box.y < tag.rect.bottom or tag.rect.y < box.bottom < tag.rect.bottom
    assert "Agentur für Arbeit Stendal" in tag.title  # the tooltip names them in full
    assert detail_problems(layout) == []
    assert verify(layout) == []


def test_shared_step_tag_is_drawn_in_svg_html_and_pdf() -> None:
    svg = to_svg(SHARED)
    assert ">+ BA, IHK</text>" in svg and ">+ JC</text>" in svg
    step = re.search(r'data-step="beratung"[^>]*>.*?aria-label="([^"]*)"', svg, re.S)
    assert step is not None  # the step's accessible name names every actor in full
    assert all(step.group(1).count(name) == 1 for name in (  # once each: a screen reader
        "Junge geflüchtete Person", "Agentur für Arbeit Stendal",  # should not hear the
        "Industrie- und Handelskammer"))  # tag's tooltip repeat them
    assert ">+ BA, IHK</text>" in to_html(SHARED)
    document = pdfium.PdfDocument(to_pdf(SHARED))
    first_page = document[0].get_textpage().get_text_range()
    assert "+ BA, IHK" in first_page and "+ JC" in first_page


_FAMILY_CASES = st.tuples(st.sampled_from(sorted(FAMILIES)), st.integers(20, 160),
                          st.integers(3, 10), st.integers(1, 10_000),
                          st.sampled_from(["lr", "tb"]), st.sampled_from(["file", "auto"]))


@settings(max_examples=examples(12), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=_FAMILY_CASES)
def test_badges_and_labels_hide_nothing(case: tuple[str, int, int, int, str, str]) -> None:
    """On both families: no two edge labels overlap, no label covers a step, no badge
    or tag covers text, a step, another badge, a label or an edge."""
    family, steps, lanes, seed, direction, lane_order = case
    chain = FAMILIES[family](steps, lanes, seed, contacts=seed % 2 == 0, decisions=0.3)
    layout = layout_chain(chain, direction=direction, lane_order=lane_order)
    assert [v for v in verify(layout) if v.kind == "label"] == []
    assert detail_problems(layout) == []


@pytest.mark.parametrize("options", [{}, {"direction": "tb"}, {"lane_order": "auto"},
                                     {"compact": True, "direction": "tb"}],
                         ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
@pytest.mark.parametrize("path", [*CHAINS, SHARED], ids=lambda p: p.name)
def test_shipped_chains_hide_no_detail(path: Path, options: dict[str, Any]) -> None:
    layout = layout_chain(load(path), **options)
    assert detail_problems(layout) == []
    assert [v for v in verify(layout) if v.kind == "label"] == []


def _shipped_words() -> list[str]:
    return sorted({word for path in CHAINS for word in re.findall(
        r"[^\W\d_]{4,}", path.read_text(encoding="utf-8"))})


def test_english_syllables_are_pyphens() -> None:
    """The reader in text/hyphenate.py finds exactly pyphen's positions in a one-level
    dictionary, on every word of the shipped chains."""
    words = _shipped_words()
    assert len(words) > 500
    assert [w for w in words if tx.word_cuts(w, "en")[0]
            != tuple(_PYPHEN["en"].positions(w))] == []


@functools.cache
def _german_level(number: int, folder: Path) -> pyphen.Pyphen:
    """pyphen over one level of the German dictionary (0: the compounds, 1: syllables)."""
    path = Path(pyphen.LANGUAGES[pyphen.language_fallback("de_DE")])
    encoding, body = path.read_bytes().split(b"\n", 1)
    level = body.split(b"\nNEXTLEVEL\n")[number]
    single = folder / f"hyph_de_level{number}.dic"
    single.write_bytes(encoding + b"\n" + level)
    return pyphen.Pyphen(filename=str(single))


def test_german_compounds_split_first_then_break_as_words(tmp_path_factory: Any) -> None:
    """The two levels of the German dictionary read apart, each by pyphen: a word in which
    the compound level finds no joint breaks at its syllables; a compound breaks at its
    joints and, within each part, only at that part's own syllables."""
    folder = tmp_path_factory.mktemp("hyph")
    compounds, syllables = _german_level(0, folder), _german_level(1, folder)
    plain = joined = 0
    for word in _shipped_words():
        if any(word.lower().endswith(_letters(e)) for e in hyphenate._ENDINGS["de"]):
            continue  # the dictionary's mistakes, tested below
        cuts = tx.word_cuts(word, "de")[0]
        joints = compounds.positions(word)
        if not joints:
            plain += 1
            expected = set(syllables.positions(word))
            # … but a lone letter joins the part after it ("Pro-be-a-r-beit": "Pro-be-ar-beit")
            assert set(cuts) <= expected, word
            assert all({k - 1, k + 1} & expected for k in expected - set(cuts)), word
            assert min(b - a for a, b in itertools.pairwise([0, *cuts, len(word)])) >= 2, word
            continue
        joined += 1
        allowed: set[int] = set(joints)
        for start, end in itertools.pairwise([0, *joints, len(word)]):
            allowed |= {start + k for k in syllables.positions(word[start:end])}
        assert set(cuts) <= allowed, word
        # a joint goes only where it would leave one letter alone ("Über=g-ang")
        assert all({k - 1, k + 1} & allowed for k in set(joints) - set(cuts)), word
    assert plain > 900 and joined > 300


def _letters(ending: str) -> str:
    return ending.replace("-", "").replace("=", "")


@pytest.mark.parametrize(("word", "broken"), [
    # the dictionary's compound level ends these wrongly (libhyphen 2.8 the same): in
    # brackets what the dictionary alone gives
    ("Aufenthaltserlaubnis", "Auf-ent-halts=er-laub-nis"),  # [Auf-ent-haltser=laub-nis]
    ("Arbeitsuchend", "Ar-beit=su-chend"),  # [Ar-beits=uchend]
    ("Jugendintegrationskurs", "Ju-gend=in-te-gra-ti-ons=kurs"),  # [Ju-gend-in=te-gra…]
    ("Gesamtübersicht", "Ge-samt=über-sicht"),  # [Ge-samtü-ber=sicht]
    ("Schulabschluss", "Schul=ab-schluss"),  # [Schulab=schluss]
    ("Erstaufnahme", "Erst=auf-nah-me"),  # [Erstauf=nah-me]
    # … and its syllable level leaves single letters (libhyphen too, but for Übergang)
    ("Probearbeit", "Pro-be-ar-beit"),  # [Pro-be-a-r-beit]
    ("Aufenthaltsstatus", "Auf-ent-halts-sta-tus"),  # [Auf-ent-halts-s-ta-tus]
    ("Potenzialanalyse", "Po-ten-zi-al-ana-ly-se"),  # [Po-ten-zi-a-l-ana-ly-se]
    ("Übergang", "Über=gang"),  # [Über=g-ang]
    ("Aufenthaltserlaubnissen", "Auf-ent-halts=er-laub-nis-sen"),
    ("Schulabschlüssen", "Schul=ab-schlüs-sen"),
    # endings that must not hold back other words
    ("Besuche", "Be-su-che"),
    ("Erlaubnis", "Er-laub-nis"),
    ("Beschäftigungserlaubnis", "Be-schäf-ti-gungs=er-laub-nis"),
])
def test_german_dictionary_mistakes_are_mended(word: str, broken: str) -> None:
    cuts, joints = tx.word_cuts(word, "de")
    shown = "".join(("=" if k in joints else "-" if k in cuts else "") + ch
                    for k, ch in enumerate(word))
    assert shown == broken
    every = [k for k in range(1, len(word)) if k in cuts]
    pieces = [word[a:b] for a, b in itertools.pairwise([0, *every, len(word)])]
    assert min(map(len, pieces)) >= 2


@pytest.mark.parametrize(("word", "broken"), [
    # LibreOffice (libhyphen 2.8, the same hyph_de_DE.dic) breaks these compounds so; pyphen
    # merges the two levels of the dictionary and also allows the breaks in brackets
    ("Berufssprachkurs", "Be-rufs-sprach-kurs"),  # [Berufss-prachkurs]
    ("Betriebspraktikum", "Be-triebs-prak-ti-kum"),  # [Betrieb-spraktikum]
    ("Deutschland", "Deutsch-land"),  # [Deut-sch-land]
    ("Mitarbeiter", "Mit-ar-bei-ter"),  # [Mita-rbeiter]
    ("Sachbearbeiterin", "Sach-be-ar-bei-te-rin"),
    ("Abschlüsse", "Ab-schlüs-se"),  # [Absch-lüsse]
    ("Spracherwerb", "Sprach-er-werb"),  # [Spra-cherwerb]
    ("Asylantrag", "Asyl-an-trag"),  # [Asy-lantrag]
    ("Anerkennungsverfahren", "An-er-ken-nungs-ver-fah-ren"),
    ("Integrationskurs", "In-te-gra-ti-ons-kurs"),
])
def test_german_compounds_break_as_libreoffice_breaks_them(word: str, broken: str) -> None:
    cuts, _joints = tx.word_cuts(word, "de")
    parts = [word[a:b] for a, b in itertools.pairwise([0, *cuts, len(word)])]
    assert "-".join(parts) == broken


@pytest.mark.parametrize("address", ["integrationsfachkraft.beispiel@example.org",
                                     "https://www.example.org/jobcenter/integrationsfachkraefte",
                                     "e.beispiel@jobcenter-stendal.example.org"])
@pytest.mark.parametrize("width", [60.0, 80.0, 100.0])
def test_addresses_break_without_a_hyphen(address: str, width: float) -> None:
    """A reader types what an address line shows: no syllables, no added hyphen."""
    lines = tx.wrap(address, width, 7.0)
    assert "".join(lines) == address
    assert all(tx.text_width(line, 7.0) <= width + 1e-6 for line in lines)


@pytest.mark.parametrize("language", ["en", "de"])
def test_headers_and_phase_titles_break_in_the_charts_language(language: str) -> None:
    """Lane headers, phase titles and labels break words at the syllables of the chart's
    language, not always German ones."""
    word = "Internationalization"
    allowed = set(_PYPHEN[language].positions(word))
    header = header_content(Actor(id="a", name=word), Options(language=language, qr=False),
                            70.0, ()).title
    phase = [line.text for line in centred_block(word, Rect(0, 0, 60, 40), 9.0, True,
                                                 language).lines]
    for lines in (list(header), phase):
        assert len(lines) > 1
        cuts = list(itertools.accumulate(len(line) - 1 for line in lines[:-1]))
        assert set(cuts) <= allowed, lines
    other = "de" if language == "en" else "en"
    assert header != header_content(Actor(id="a", name=word), Options(language=other, qr=False),
                                    70.0, ()).title
