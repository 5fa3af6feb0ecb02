"""Compact charts (issue 14, item 3): contacts side by side in the lane header, smaller QR
codes that still give name, phone and e-mail when scanned, boxes that widen before a fifth
line, and automatic lane colours that differ from both neighbours (CIEDE2000)."""

from __future__ import annotations

import dataclasses
import io
import itertools
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paths import ARBEIT, AUSBILDUNG, CHAINS, examples
from prozesskette import api, samples
from prozesskette.errors import ProzessketteError
from prozesskette.layout import layout_chain, verify
from prozesskette.layout.geometry import Layout, Rect
from prozesskette.layout.options import Frame, Options
from prozesskette.layout.sizes import (
    QR_PAD,
    header_content,
    lane_header_sizes,
)
from prozesskette.layout.step_text import MAX_LINES, node_text
from prozesskette.model import Actor, Chain, Contact, Step, StepKind
from prozesskette.qr import qr_matrix
from prozesskette.theme import (
    AUTO_LANE_COLORS,
    MIN_LANE_DELTA_E,
    auto_lane_colors,
    color_difference,
    delta_e2000,
    lane_fill,
)
from prozesskette.vcard import contact_payload, mecard, vcard

zxingcpp = pytest.importorskip("zxingcpp")
pdfium = pytest.importorskip("pypdfium2")


# ------------------------------------------------------------------ decoding a printed chart

def _pdf_codes(chain: Chain, dpi: int = 150) -> list[str]:
    """The texts of every QR code zxing-cpp finds on the chart pages of the chain's PDF,
    rasterised at ``dpi`` (A2, the chart's QR codes at their printed size; a chart that
    does not fit one page at 7 pt is a page set, each page with its lanes' codes)."""
    from prozesskette.printing import build_pdf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = build_pdf(chain, page="A2", landscape=True, appendix=False)
    texts = []
    for page in pdfium.PdfDocument(result.data):
        image = page.render(scale=dpi / 72).to_pil()
        texts += [code.text for code in zxingcpp.read_barcodes(
            image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return texts


def _vcard_fields(text: str) -> dict[str, str]:
    lines = text.replace("\r\n", "\n").split("\n")
    assert lines[0] == "BEGIN:VCARD" and lines[-1] == "END:VCARD"
    fields = {}
    for line in lines[1:-1]:
        name, _, value = line.partition(":")
        fields[name.split(";")[0]] = value
    return fields


def _mecard_fields(text: str) -> dict[str, str]:
    assert text.startswith("MECARD:") and text.endswith(";;")
    fields = {}
    for part in text.removeprefix("MECARD:").removesuffix(";;").split(";"):
        name, _, value = part.partition(":")
        fields[name] = value
    return fields


def _scanned(text: str) -> tuple[str, str, str]:
    """Name, dialled phone and e-mail as a phone would save them from the code."""
    if text.startswith("MECARD:"):
        fields = _mecard_fields(text)
        family, _, given_name = fields["N"].partition(",")
        name = f"{given_name} {family}".strip()
    else:
        fields = _vcard_fields(text)
        name = fields["FN"]
    phone = "".join(ch for ch in fields["TEL"] if ch.isdigit() or ch == "+")
    return name, phone, fields["EMAIL"]


def _expected(chain: Chain) -> set[tuple[str, str, str]]:
    return {(c.name, "".join(ch for ch in c.phone or "" if ch.isdigit() or ch == "+"),
             c.email or "") for a in chain.actors for c in a.contacts}


@pytest.mark.parametrize("qr", ["vcard", "mecard"])
def test_printed_codes_give_name_phone_and_email(qr: str) -> None:
    """Every contact's code on the A2 chart, decoded from a 150 dpi raster, gives the
    contact's name, phone and e-mail."""
    chain = dataclasses.replace(api.load(ARBEIT), qr=qr)
    codes = _pdf_codes(chain)
    assert all(code.startswith("MECARD:" if qr == "mecard" else "BEGIN:VCARD")
               for code in codes)
    assert {_scanned(code) for code in codes} == _expected(chain)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield instance
        instance.close()


@pytest.mark.parametrize("qr", ["vcard", "mecard"])
def test_svg_codes_in_chromium_give_name_phone_and_email(browser: Any, tmp_path: Path,
                                                         qr: str) -> None:
    """The same from the SVG as Chromium draws it at its own size on a HiDPI screen (the
    lane headers at 192 dpi; at 96 dpi a module of the 72 pt codes is about 1.5 px, at the
    edge of what a decoder reads, and whether one code decodes came down to its place)."""
    from PIL import Image

    chain = dataclasses.replace(api.load(AUSBILDUNG), qr=qr)
    layout = api.layout_chain(chain)
    svg = tmp_path / "chart.svg"
    svg.write_text(api.to_svg(chain), "utf-8")
    px = 4 / 3  # CSS pixels per point
    context = browser.new_context(device_scale_factor=2, viewport={
        "width": int(layout.width * px) + 1, "height": int(layout.height * px) + 1})
    page = context.new_page()
    page.goto(svg.as_uri())
    headers = max(lane.header.right for lane in layout.lanes.values()) * px
    image = Image.open(io.BytesIO(page.screenshot(timeout=120_000, clip={
        "x": 0, "y": 0, "width": headers, "height": layout.height * px})))
    context.close()
    codes = [code.text for code in zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.QRCode)]
    assert {_scanned(code) for code in codes} == _expected(chain)


def test_default_vcard_is_smaller_and_mecard_smaller_still() -> None:
    """The minimal vCard takes the Stendal codes from versions 11–13 down to at most 10;
    MECARD to at most 8 (the full card is the old default)."""
    chains = [api.load(path) for path in CHAINS]
    pairs = [(c, a.name) for chain in chains for a in chain.actors for c in a.contacts]
    full = max(qr_matrix(vcard(c, org, full=True)).version for c, org in pairs)
    small = max(qr_matrix(vcard(c, org)).version for c, org in pairs)
    short = max(qr_matrix(mecard(c, org)).version for c, org in pairs)
    assert full >= 12 and small <= 10 and short <= 8


def test_payload_formats() -> None:
    contact = Contact("Dr. Erika Beispiel", role="Beratung", phone="+49 (3931) 0000-12",
                      email="e@example.org", url="https://example.org/e")
    assert contact_payload(contact, "Amt; Nord", "mecard") == (
        "MECARD:N:Beispiel,Dr. Erika;ORG:Amt\\; Nord;TEL:+493931000012;EMAIL:e@example.org;;")
    assert contact_payload(contact, None, "tel") == "tel:+493931000012"
    assert contact_payload(contact, None, "url") == "https://example.org/e"
    assert "TITLE" not in contact_payload(contact, "Amt", "vcard")
    bare = Contact("Erika Beispiel")  # nothing to dial or open: the vCard says who it is
    assert contact_payload(bare, None, "tel").startswith("BEGIN:VCARD")
    assert contact_payload(bare, None, "url").startswith("BEGIN:VCARD")


def _chain(qr: str | None = None, contact_qr: str | None = None, contacts: int = 1,
           steps: int = 3, lanes: int = 2) -> dict[str, Any]:
    """A chain whose lanes but the last have ``contacts`` contacts each."""
    people = [{"name": f"Erika Beispiel {i}", "phone": f"+49 3931 0000-{i:02d}",
               "email": f"e{i}@example.org", **({"qr": contact_qr} if contact_qr else {})}
              for i in range(contacts)]
    ids = [chr(ord("a") + lane) for lane in range(lanes)]
    chain: dict[str, Any] = {
        "title": "T",
        "actors": [{"id": actor, "name": f"Amt {actor}",
                    **({"contacts": people} if actor != ids[-1] else {})} for actor in ids],
        "steps": [{"id": f"s{i}", "title": f"Schritt {i}", "actor": ids[i % lanes],
                   **({"kind": "start"} if i == 0 else {}),
                   **({"kind": "end"} if i == steps - 1 else {"next": [f"s{i + 1}"]})}
                  for i in range(steps)]}
    if qr:
        chain["qr"] = qr
    return chain


def test_qr_field_per_chain_and_per_contact() -> None:
    layout = api.layout_chain(_chain(qr="mecard", contacts=2))
    assert [s.payload[:7] for s in layout.lanes["a"].contacts] == ["MECARD:"] * 2
    layout = api.layout_chain(_chain(qr="mecard", contact_qr="tel"))
    assert layout.lanes["a"].contacts[0].payload == "tel:+493931000000"
    assert api.load(_chain()).qr == "vcard"
    assert "qr" not in api.load(_chain()).to_dict()
    with pytest.raises(ProzessketteError, match="mcard"):
        api.load(_chain(qr="mcard"))


# ------------------------------------------------------------------ contacts in the header

def _inside(outer: Rect, inner: Rect) -> bool:
    return outer.inflate(0.5).contains(inner)


def _header_boxes(layout: Layout) -> None:
    """Every contact's code and text lies in its lane's header, and nothing overlaps."""
    for lane in layout.lanes.values():
        rects = [lane.title.rect] if lane.title.lines else []
        for spot in lane.contacts:
            rects += [spot.text.rect] + ([spot.qr] if spot.qr else [])
        for rect in rects:
            assert _inside(lane.header, rect), lane.actor
        for one, two in itertools.combinations(rects, 2):
            assert not _overlap(one, two), lane.actor


def _overlap(a: Rect, b: Rect) -> bool:
    return a.x + 0.5 < b.right and b.x + 0.5 < a.right and a.y + 0.5 < b.bottom \
        and b.y + 0.5 < a.bottom


@pytest.mark.parametrize("path", CHAINS, ids=lambda p: p.stem)
@pytest.mark.parametrize("direction", ["lr", "tb"])
def test_shipped_chains_headers_hold_their_contacts(path: Any, direction: str) -> None:
    layout = api.layout_chain(path, direction=direction)
    assert verify(layout) == []
    _header_boxes(layout)


def test_contacts_stand_side_by_side_when_the_header_is_wide_enough() -> None:
    actor = Actor("a", "Jobcenter", contacts=tuple(
        Contact(f"Erika Beispiel {i}", phone="+49 3931 0000-00", email="e@example.org")
        for i in range(3)))
    options = Options()
    codes = (options.qr_size,) * 3
    narrow = header_content(actor, options, 230.0, codes)
    wide = header_content(actor, options, 700.0, codes)
    assert len({cell.top for cell in narrow.contacts}) == 3  # one under another
    assert len({cell.top for cell in wide.contacts}) == 1  # side by side
    assert wide.height == pytest.approx(options.qr_size + 2 * QR_PAD)
    # a lane with one contact is one QR code tall: its name stands beside the code
    single = header_content(dataclasses.replace(actor, contacts=actor.contacts[:1]), options,
                            230.0, codes[:1])
    assert single.height == pytest.approx(options.qr_size + 2 * QR_PAD)
    assert single.title_left > options.qr_size


def test_a_name_with_a_long_word_stands_above_the_codes_unbroken() -> None:
    """Beside the code the name has only the text's width; a word that does not fit there
    would be split mid-word, so such a name heads the header over its whole width."""
    contact = Contact("Erika Beispiel", phone="+49 3931 0000-00", email="e@example.org")
    name = "Landesverwaltungsamtsaußenstelle Stendal"  # 174 pt: wider than the text
    content = header_content(Actor("a", name, contacts=(contact,)), Options(), 219.0,
                             (Options().qr_size,))
    assert content.title_left < Options().qr_size
    assert " ".join(content.title) == name
    assert content.contacts[0].top > content.title_top


def test_header_widens_when_the_lanes_with_many_contacts_set_the_height() -> None:
    """Many lanes of three contacts and few steps: stacked, the chart would be far taller
    than landscape paper, so the header holds the contacts side by side; a long chain,
    wide anyway, keeps the narrow header and stacks them."""
    short = api.load(_chain(contacts=3, steps=12, lanes=8))
    long = api.load(_chain(contacts=3, steps=200, lanes=8))
    lanes = [actor.id for actor in short.actors]
    wide = lane_header_sizes(short, Options(), Frame("lr"), lanes)
    narrow = lane_header_sizes(long, Options(), Frame("lr"), lanes)
    assert wide.width > narrow.width
    assert wide.need["a"] < narrow.need["a"]
    layout = api.layout_chain(short)
    codes = [spot.qr for spot in layout.lanes["a"].contacts if spot.qr]
    assert len(codes) == 3
    assert len({round(code.y) for code in codes}) == 1
    assert layout.lanes["a"].band.h < 2 * codes[0].h
    assert verify(layout) == []
    _header_boxes(layout)


# ------------------------------------------------------------------ boxes widen first

def test_boxes_widen_before_a_fifth_line() -> None:
    title = ("Antrag auf Anerkennung der ausländischen Berufsqualifikation mit allen "
             "Nachweisen, Übersetzungen und Zeugnissen bei der zuständigen Stelle stellen")
    for kind in (StepKind.task, StepKind.decision):
        for narrow in (1.0, 0.68):
            text = node_text(Step(id="s", title=title, kind=kind, actor="a"), Options(),
                             narrow)
            assert len(text.lines) <= MAX_LINES
    short = node_text(Step(id="s", title="Kurz", actor="a"), Options())
    assert short.w == Options().box_width  # short titles keep the usual width


# ------------------------------------------------------------------ lane colours

SHARMA = [  # CIEDE2000 test pairs of Sharma, Wu and Dalal (2005), table 1
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_published_pairs(lab1: Any, lab2: Any, expected: float) -> None:
    assert delta_e2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_auto_colour_next_to_a_close_user_colour() -> None:
    """The case of the issue: the first automatic colour #eef4fb is 1.7 from a neighbour's
    #e8f1fb; another palette colour is taken."""
    assert color_difference("#eef4fb", "#e8f1fb") < MIN_LANE_DELTA_E
    fills = auto_lane_colors(["#e8f1fb", None, "#fdf6e3"], [0, 0, 0])
    assert fills[1] != "#eef4fb"
    assert color_difference(fills[1], "#e8f1fb") >= MIN_LANE_DELTA_E
    assert color_difference(fills[1], "#fdf6e3") >= MIN_LANE_DELTA_E


def test_auto_colours_in_a_layout_follow_the_drawn_order() -> None:
    chain = samples.cross_lane_chain(40, 9, 1)
    actors = tuple(dataclasses.replace(a, color="#e8f1fb" if i % 3 == 0 else None)
                   for i, a in enumerate(chain.actors))
    chain = dataclasses.replace(chain, actors=actors)
    for order in ("file", "auto"):
        layout = layout_chain(chain, lane_order=order)
        lanes = sorted(layout.lanes.values(), key=lambda lane: lane.band.y)
        for index, lane in enumerate(lanes):
            if chain.actor(lane.actor).color:
                continue
            for other in lanes[max(0, index - 1):index] + lanes[index + 1:index + 2]:
                assert color_difference(lane_fill(lane.color),
                                        lane_fill(other.color)) >= MIN_LANE_DELTA_E


pale = st.tuples(*[st.integers(200, 255)] * 3).map(
    lambda c: "#{:02x}{:02x}{:02x}".format(*c))


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.one_of(st.none(), pale, st.sampled_from(AUTO_LANE_COLORS)),
                min_size=1, max_size=24), st.randoms(use_true_random=False))
def test_auto_colours_differ_from_both_neighbours(given_colors: list[str | None],
                                                  rng: Any) -> None:
    start = [rng.randrange(len(AUTO_LANE_COLORS)) for _ in given_colors]
    fills = auto_lane_colors(given_colors, start)
    assert auto_lane_colors(given_colors, start) == fills  # deterministic
    for index, color in enumerate(given_colors):
        if color is not None:
            assert fills[index] == lane_fill(color)
            continue
        assert fills[index] in AUTO_LANE_COLORS
        for other in (index - 1, index + 1):
            if 0 <= other < len(fills):
                assert color_difference(fills[index], fills[other]) >= MIN_LANE_DELTA_E


# ------------------------------------------------------------------ the chains stay valid

def test_generated_chains_with_contacts_verify() -> None:
    for steps, lanes in ((20, 6), (40, 9)):
        chain = samples.cross_lane_chain(steps, lanes, 1, contacts=True)
        people = tuple(dataclasses.replace(a, contacts=a.contacts * 3) for a in chain.actors)
        for variant in (chain, dataclasses.replace(chain, actors=people)):
            for direction in ("lr", "tb"):
                layout = layout_chain(variant, direction=direction)
                assert verify(layout) == []
                _header_boxes(layout)

