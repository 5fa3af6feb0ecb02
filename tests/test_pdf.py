"""The print PDF: page choice, vector QR codes that scan, text, fonts, links, determinism."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest

from prozesskette.i18n import localise
from prozesskette.layout.geometry import (
    Badge,
    ContactSpot,
    EdgeLabel,
    EdgeRoute,
    LaneBox,
    Layout,
    Legend,
    LegendItem,
    NodeBox,
    PhaseBox,
    Rect,
    Style,
    TextBlock,
    TextLine,
)
from prozesskette.loader import load
from prozesskette.model import Chain
from prozesskette.printing import MAX_QR_GROWTH, PrintWarning, build_pdf, render_pdf
from prozesskette.qr import qr_matrix
from prozesskette.renderers.pdf import MIN_MODULE_MM, MM, choose_page, page_size, write_pdf
from prozesskette.renderers.pdf.appendix import tel_href
from prozesskette.text import ascent, descent, line_height, wrap
from prozesskette.vcard import vcard

pypdf = pytest.importorskip("pypdf")
np = pytest.importorskip("numpy")
zxingcpp = pytest.importorskip("zxingcpp")
pdfium = pytest.importorskip("pypdfium2")
Image = pytest.importorskip("PIL.Image")

ROOT = Path(__file__).resolve().parent.parent
CHAINS = sorted((ROOT / "chains").glob("stendal-*.yaml"))


# --------------------------------------------------------------------------------------------
# A stand-in layout engine: a plain grid, honouring qr and qr_size like the real one
# --------------------------------------------------------------------------------------------


def _block(text: str, x: float, top: float, width: float, size: float, bold: bool = False,
           anchor: str = "middle", href: str | None = None) -> TextBlock:
    lines = []
    y = top + ascent(size, bold)
    texts = wrap(text, width, size, bold) or [""]
    for index, part in enumerate(texts):
        if index:
            y += line_height(size)
        lines.append(TextLine(part, x, y, size, bold, anchor, href))  # type: ignore[arg-type]
    bottom = y + descent(size, bold)
    left = x - width / 2 if anchor == "middle" else x
    return TextBlock(tuple(lines), Rect(left, top, width, bottom - top))


def grid_layout(chain: Chain, *, qr: bool = True, qr_size: float = 48.0,
                font_size: float = 9.0, column: float = 130.0) -> Layout:
    """Lanes as rows, one column per step in file order: crude but a valid Layout."""
    style = Style(font_size=font_size)
    header_w = 150.0 + (qr_size if qr else 0.0)
    top = 40.0
    node_w, node_h = column - 30, 54.0
    lanes: dict[str, LaneBox] = {}
    y = top + 24
    lane_y: dict[str, float] = {}
    for actor in chain.actors:
        contacts_h = sum((qr_size if qr else 0) + 34 for _ in actor.contacts)
        height = max(node_h + 30, 30 + contacts_h)
        band = Rect(10, y, header_w + column * len(chain.steps), height)
        header = Rect(10, y, header_w, height)
        spots = []
        cy = y + 26
        for index, contact in enumerate(actor.contacts):
            qr_rect = Rect(16, cy, qr_size, qr_size) if qr else None
            text_x = 16 + (qr_size + 4 if qr else 0)
            lines = [TextLine(contact.name, text_x, cy + 8, 7, True, "start")]
            if contact.phone:
                lines.append(TextLine(contact.phone, text_x, cy + 17, 7, False, "start",
                                      tel_href(contact.phone)))
            if contact.email:
                lines.append(TextLine(contact.email, text_x, cy + 26, 6, False, "start",
                                      "mailto:" + contact.email))
            spots.append(ContactSpot(actor.id, index, qr_rect, vcard(contact, actor.name),
                                     TextBlock(tuple(lines), Rect(text_x, cy, 100, 30))))
            cy += (qr_size if qr else 0) + 34
        title = _block(actor.short or actor.name, 16, y + 4, header_w - 12, font_size, True,
                       "start")
        lanes[actor.id] = LaneBox(actor.id, band, header, title, tuple(spots),
                                  actor.color or "#f4f4f4")
        lane_y[actor.id] = y + height / 2
        y += height
    width = 10 + header_w + column * len(chain.steps) + 10
    nodes: dict[str, NodeBox] = {}
    x0 = 10 + header_w + 15
    for index, step in enumerate(chain.steps):
        actors = step.responsible or (chain.actors[0].id,)
        cx = x0 + index * column + node_w / 2
        cy = lane_y[actors[0]]
        rect = Rect(cx - node_w / 2, cy - node_h / 2, node_w, node_h)
        parts = tuple((actor, Rect(rect.x, rect.y + i * node_h / len(actors), node_w,
                                   node_h / len(actors))) for i, actor in enumerate(actors))
        title = _block(step.title, cx, rect.y + 6, node_w - 16, font_size)
        note = (_block(step.legal_basis, cx, title.rect.bottom + 1, node_w - 16, 6.5)
                if step.legal_basis else None)
        badges: tuple[Badge, ...] = ()
        if step.service:
            badge = Rect(rect.right - 7, rect.y - 7, 14, 14)
            badges = (Badge(badge, TextLine("1", badge.cx, badge.cy + 2.5, 7, True),
                            "overlap", "overlap"),)
        nodes[step.id] = NodeBox(step.id, str(step.kind), rect,  # type: ignore[arg-type]
                                 rect.inflate(-4), title, actors, step.phase,
                                 parts if len(actors) > 1 else (), badges, note,
                                 len(actors) > 1)
    edges = []
    for step in chain.steps:
        for transition in step.next:
            a, b = nodes[step.id].rect, nodes[transition.to].rect
            mid = (a.right + b.x) / 2 if b.x > a.right else a.right + 8
            points = ((a.right, a.cy), (mid, a.cy), (mid, b.cy), (b.x, b.cy))
            label = None
            if transition.label:
                text = _block(transition.label, mid + 2, a.cy - 12, 60, 7, anchor="start")
                label = EdgeLabel(text.rect, text)
            handoff = nodes[step.id].actors != nodes[transition.to].actors
            edges.append(EdgeRoute(step.id, transition.to, points, label, handoff,
                                   b.x <= a.right, (mid, a.cy) if handoff else None))
    phases: dict[str, PhaseBox] = {}
    for phase in chain.phases:
        members = [nodes[s.id].rect for s in chain.steps if s.phase == phase.id]
        if members:
            left = min(r.x for r in members) - 15
            right = max(r.right for r in members) + 15
            header = Rect(left, top, right - left, 24)
            phases[phase.id] = PhaseBox(phase.id, Rect(left, top, right - left, y - top),
                                        header, _block(phase.title, header.cx, top + 6,
                                                       header.w - 8, font_size, True))
    legend_top = y + 10
    items = []
    for index, kind in enumerate(("start", "task", "decision", "document", "end", "shared",
                                  "handoff", "overlap")):
        swatch = Rect(20 + index * 110, legend_top + 8, 30, 16)
        items.append(LegendItem(kind, swatch, _block(kind, swatch.right + 4, legend_top + 10,
                                                     70, 7, anchor="start")))
    legend = Legend(Rect(10, legend_top, 8 * 110 + 20, 32), tuple(items))
    return Layout(width, legend_top + 42, "lr", nodes, lanes, phases, tuple(edges), None,
                  legend, style, chain.language, chain)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def layout_factory() -> Any:
    """The real engine once it exists, else the grid stand-in."""
    try:
        from prozesskette.layout import layout_chain
    except ImportError:
        return grid_layout
    return layout_chain


@pytest.fixture(scope="module", params=[path.name for path in CHAINS])
def example(request: pytest.FixtureRequest) -> tuple[Chain, Any]:
    chain = load(ROOT / "chains" / request.param)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrintWarning)
        result = build_pdf(chain, layout_factory())
    return chain, result


def rasterise(data: bytes, index: int, dpi: int = 150) -> Any:
    from prozesskette.renderers.png import render_png

    return Image.open(io.BytesIO(render_png(data, dpi=dpi, page=index))).convert("L")


def squash(text: str) -> str:
    """Text without white space and hyphens, for comparisons across line breaks."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


def decode_all(image: Any) -> list[Any]:
    return list(zxingcpp.read_barcodes(np.asarray(image),
                                       formats=zxingcpp.BarcodeFormat.QRCode))


def expected_vcards(chain: Chain) -> list[str]:
    return [vcard(contact, actor.name) for actor in chain.actors
            for contact in actor.contacts]


def fonts_of(reader: Any) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        if fonts:
            for ref in fonts.get_object().values():
                names.add(str(ref.get_object().get("/BaseFont")))
    return names


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


def test_chart_page_is_landscape_and_text_at_least_7pt(example: tuple[Chain, Any]) -> None:
    _, result = example
    width, height = result.page_size
    assert width > height
    assert (width, height) == pytest.approx(page_size(result.page, True))
    assert result.text_size >= 7.0 - 1e-6
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((width, height), abs=0.01)
    for page in reader.pages[1:]:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            page_size("A4", False), abs=0.01)


def test_every_qr_code_in_the_chart_decodes_to_its_vcard(example: tuple[Chain, Any]) -> None:
    chain, result = example
    layout = result.layout
    assert result.module_mm is not None and result.module_mm >= MIN_MODULE_MM - 1e-9
    image = rasterise(result.data, 0)
    px = image.width / result.page_size[0]  # pixels per point
    spots = [spot for lane in layout.lanes.values() for spot in lane.contacts]
    assert len(spots) == len(expected_vcards(chain))
    decoded = []
    for spot in spots:
        assert spot.qr is not None
        matrix = qr_matrix(spot.payload)
        module_mm = spot.qr.w * result.scale / matrix.total_size / MM
        assert module_mm >= MIN_MODULE_MM - 1e-9
        actor = chain.actor(spot.actor)
        assert spot.payload == vcard(actor.contacts[spot.index], actor.name)
        # the code where the layout put it, quiet zone and a little more included
        x0, y0 = result.origin
        box = spot.qr.inflate(4)
        crop = image.crop((round((x0 + box.x * result.scale) * px),
                           round((y0 + box.y * result.scale) * px),
                           round((x0 + box.right * result.scale) * px),
                           round((y0 + box.bottom * result.scale) * px)))
        found = decode_all(crop)
        assert [item.text for item in found] == [spot.payload], spot.actor
        decoded.append(found[0].text)
    assert sorted(decoded) == sorted(expected_vcards(chain))
    assert any("ü" in text or "ö" in text or "ş" in text for text in decoded)


def test_every_qr_code_in_the_directory_decodes(example: tuple[Chain, Any]) -> None:
    chain, result = example
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    texts = [squash(page.extract_text()) for page in reader.pages]
    pages = [index for index, text in enumerate(texts) if "Kontaktverzeichnis" in text]
    decoded: list[str] = []
    for index in range(pages[0], len(reader.pages)):
        decoded += [item.text for item in decode_all(rasterise(result.data, index))]
    assert sorted(decoded) == sorted(expected_vcards(chain))
    assert any("ü" in text or "ö" in text or "ş" in text for text in decoded)


def test_text_is_extractable(example: tuple[Chain, Any]) -> None:
    chain, result = example
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    chart = squash(reader.pages[0].extract_text())
    for step in chain.steps:
        assert squash(step.title) in chart, step.title
    for actor in chain.actors:
        for contact in actor.contacts:
            assert squash(contact.name) in chart, contact.name
    rest = squash(" ".join(page.extract_text() for page in reader.pages[1:]))
    for actor in chain.actors:
        assert squash(actor.name) in rest
        for contact in actor.contacts:
            assert squash(contact.name) in rest
            if contact.phone:
                assert squash(contact.phone) in rest
    assert "Seite1von" + str(len(reader.pages)) in chart
    if chain.version:
        assert squash(f"Stand: {chain.version}") in chart


def test_font_is_embedded_as_noto_sans_subset(example: tuple[Chain, Any]) -> None:
    _, result = example
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    names = fonts_of(reader)
    assert names and all("NotoSans" in name for name in names), names
    assert all(re.match(r"^/[A-Z]{6}\+", name) for name in names), "subsets"
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in \
                font else font
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_metadata_and_links(example: tuple[Chain, Any]) -> None:
    chain, result = example
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    info = reader.metadata
    assert info.title == chain.title
    assert "Prozesskette" in (info.subject or "")
    assert reader.trailer["/Root"]["/Lang"] == chain.language
    assert str(info["/CreationDate"]).startswith("D:20000101")
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            action = annot.get_object().get("/A")
            if action is not None:
                uris.append(str(action.get_object()["/URI"]))
    for actor in chain.actors:
        for contact in actor.contacts:
            if contact.email:
                assert f"mailto:{contact.email}" in uris
            if contact.phone:
                assert tel_href(contact.phone) in uris
            if contact.url:
                assert contact.url in uris


def test_structurally_clean(example: tuple[Chain, Any], tmp_path: Path) -> None:
    _, result = example
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reader = pypdf.PdfReader(io.BytesIO(result.data), strict=True)
        for page in reader.pages:
            page.extract_text()
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        pytest.skip("qpdf not installed")
    path = tmp_path / "chain.pdf"
    path.write_bytes(result.data)
    check = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout


def test_deterministic(example: tuple[Chain, Any]) -> None:
    chain, result = example
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrintWarning)
        again = build_pdf(chain, layout_factory())
    assert again.data == result.data


def test_png_deterministic(example: tuple[Chain, Any]) -> None:
    from prozesskette.renderers.png import render_png

    _, result = example
    first = render_png(result.data, dpi=40)
    assert first == render_png(result.data, dpi=40)
    assert first.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(first))
    assert abs(image.width - result.page_size[0] / 72 * 40) <= 1
    assert image.info["dpi"] == pytest.approx((40, 40), abs=0.01)


# ------------------------------------------------------------------ page choice and QR fixing


@pytest.fixture(scope="module")
def ausbildung() -> Chain:
    chain = load(ROOT / "chains" / "stendal-ausbildung.yaml")
    assert isinstance(chain, Chain)
    return chain


def test_fixed_small_page_warns_and_caps_qr_growth(ausbildung: Chain) -> None:
    with pytest.warns(PrintWarning) as caught:
        data = render_pdf(ausbildung, grid_layout, page="A4", appendix=False)
    messages = [str(w.message) for w in caught]
    assert any("body text prints at" in m for m in messages)
    assert any("choose a larger page" in m for m in messages)
    assert data.startswith(b"%PDF")
    result = build_pdf(ausbildung, grid_layout, page="A4", appendix=False)
    assert result.qr_size == pytest.approx(48.0 * MAX_QR_GROWTH)
    assert result.module_mm is not None and result.module_mm < MIN_MODULE_MM


def test_layout_options_as_keywords(ausbildung: Chain) -> None:
    seen: list[dict[str, Any]] = []

    def factory(chain: Chain, **options: Any) -> Layout:
        seen.append(options)
        return grid_layout(chain, **{k: v for k, v in options.items() if k != "direction"})

    build_pdf(ausbildung, factory, appendix=False, direction="tb", qr=False)
    assert seen == [{"direction": "tb", "qr": False}]


def test_qr_enlarged_to_reach_minimum_module(ausbildung: Chain) -> None:
    result = build_pdf(ausbildung, grid_layout, appendix=False,
                       layout_options={"qr_size": 40.0, "column": 80.0})
    assert result.qr_size is not None and result.qr_size > 40.0
    assert result.module_mm is not None and result.module_mm >= MIN_MODULE_MM
    assert any("enlarged" in note for note in result.notes)  # fixed: a note, not a warning
    assert not any("enlarged" in problem for problem in result.warnings)
    image = rasterise(result.data, 0)
    assert sorted(item.text for item in decode_all(image)) == sorted(
        expected_vcards(ausbildung))


def test_qr_codes_shrink_back_when_the_chart_moved_to_a_larger_page(ausbildung: Chain) -> None:
    """Codes enlarged for the first page's scale are bigger than needed once the chart has
    moved to a larger page and prints larger: the layout is redone with codes just big
    enough for the final scale (without that step the modules would print above 0.44 mm)."""
    result = build_pdf(ausbildung, grid_layout, appendix=False,
                       layout_options={"qr_size": 34.0, "column": 70.0, "font_size": 11.0})
    assert result.page == "A1"
    assert result.module_mm is not None
    # codes shrunk back towards the least module (printing._tighter); it stops where smaller
    # codes would make the chart print smaller (here 0.49 mm instead of 0.52: with smaller
    # codes the chart fits A2, where they print too small)
    assert MIN_MODULE_MM <= result.module_mm < MIN_MODULE_MM * 1.25
    assert [note for note in result.notes if "enlarged" in note] == [
        "QR modules would print at 0.12 mm on A2 landscape (less than 0.4 mm): QR codes "
        f"enlarged in the layout from 34 pt to {result.qr_size:.0f} pt, modules now "
        f"{result.module_mm:.2f} mm on A1 landscape"]


def test_right_to_left_pdf_holds_the_chart_only(ausbildung: Chain) -> None:
    arabic, _ = localise(ausbildung, "ar")
    assert arabic.language == "ar"
    result = build_pdf(arabic, grid_layout)
    assert result.pages == 1
    assert any("right-to-left" in note for note in result.warnings)


def test_renderer_draws_the_layout_it_is_given(ausbildung: Chain) -> None:
    """The renderer decides no layout: the layout printing settled on (here one with QR
    codes enlarged), placed by the renderer's own page choice, writes the same bytes."""
    result = build_pdf(ausbildung, grid_layout, appendix=False,
                       layout_options={"qr_size": 40.0, "column": 80.0})
    assert result.qr_size is not None and result.qr_size > 40.0
    placement, notes = choose_page(result.layout, ausbildung, None, None)
    assert (placement.page, placement.scale) == (result.page, result.scale)
    assert notes == [note for note in result.warnings if "body text" in note]
    document = write_pdf(ausbildung, result.layout, placement, appendix=False)
    assert document.data == result.data and document.pages == result.pages == 1


def test_renderer_does_not_import_the_layout_engine() -> None:
    import sys

    code = ("import sys, prozesskette.renderers.pdf\n"
            "print(sorted(m for m in sys.modules if m.startswith('prozesskette.layout.')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "['prozesskette.layout.geometry']", run.stdout


def test_auto_page_is_smallest_with_readable_text(ausbildung: Chain) -> None:
    narrow = {"column": 80.0}
    result = build_pdf(ausbildung, grid_layout, appendix=False, layout_options=narrow)
    order = ("A4", "A3", "A2", "A1", "A0")
    assert result.text_size >= 7.0
    assert result.scale <= 1.0
    assert result.landscape
    index = order.index(result.page)
    assert index > 0
    smaller = build_pdf(ausbildung, grid_layout, appendix=False, page=order[index - 1],
                        landscape=True, layout_options={**narrow, "qr_size": result.qr_size})
    assert smaller.text_size < 7.0
    assert any("body text prints at" in note for note in smaller.warnings)


def test_options_leave_out_sections(ausbildung: Chain) -> None:
    only_chart = build_pdf(ausbildung, grid_layout, appendix=False)
    assert only_chart.pages == 1
    no_contacts = build_pdf(ausbildung, grid_layout, contacts=False, qr=False)
    reader = pypdf.PdfReader(io.BytesIO(no_contacts.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Kontaktverzeichnis" not in text
    assert "Verantwortlichkeiten" in text
    assert no_contacts.module_mm is None
    assert all(spot.qr is None for lane in no_contacts.layout.lanes.values()
               for spot in lane.contacts)


APPENDIX_WORDS = {
    "de": ("Schnittstellenpapier", "Kontaktverzeichnis", "Verantwortlichkeiten",
           "Schnittstellen und Überschneidungen", "Gemeinsam verantwortete Schritte",
           "Nr. Von An Bedingung", "Keine Ansprechperson angegeben.", "Telefon: +49",
           "federführend: die erst- oder einzig genannte Stelle", "10 Stellen, 32 Schritte"),
    "en": ("Interfaces and contacts", "Contact directory", "Responsibilities",
           "Interfaces and overlaps", "Steps with shared responsibility",
           "No. From To Condition", "No contact person given.", "Phone: +49",
           "lead: the first or only institution named", "institutions: 10, steps: 32"),
}


@pytest.mark.parametrize(("language", "other"), [("de", "en"), ("en", "de")])
def test_the_appendix_speaks_the_chain_language(ausbildung: Chain, language: str,
                                                other: str) -> None:
    """The Schnittstellenpapier's headings, table heads and labels follow the language the
    PDF is made in (German chains used to get a German appendix in every language)."""
    chain, _ = localise(ausbildung, language)
    result = build_pdf(chain, grid_layout, qr=False)
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    appendix = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages[1:]))
    for words in APPENDIX_WORDS[language]:
        assert words in appendix, words
    for words in APPENDIX_WORDS[other]:
        assert words not in appendix, words
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[:2] == [("Prozesskette", "Process chain")[language == "en"],
                           APPENDIX_WORDS[language][0]]


def test_creation_date_given(ausbildung: Chain) -> None:
    from datetime import datetime, timedelta, timezone

    moment = datetime(2026, 11, 5, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    result = build_pdf(ausbildung, grid_layout, appendix=False, creation_date=moment)
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    assert str(reader.metadata["/CreationDate"]) == "D:20261105093000+01'00'"


def test_unknown_page_size(ausbildung: Chain) -> None:
    with pytest.raises(ValueError, match="A5"):
        build_pdf(ausbildung, grid_layout, page="A5")


def test_title_block_when_the_layout_has_none(ausbildung: Chain) -> None:
    result = build_pdf(ausbildung, grid_layout, appendix=False)
    assert result.layout.title is None
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    text = squash(reader.pages[0].extract_text())
    assert squash(ausbildung.title) in text
    assert squash(f"{ausbildung.region} · Stand: {ausbildung.version}") in text
    assert "Seite1von1" in text


def test_outline_points_at_the_sections(example: tuple[Chain, Any]) -> None:
    _, result = example
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    targets: dict[str, int] = {}

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                targets[item.title] = reader.get_destination_page_number(item)

    walk(reader.outline)
    assert targets["Prozesskette"] == 0
    for title in ("Kontaktverzeichnis", "Verantwortlichkeiten", "Übergaben",
                  "Überschneidungen"):
        page = reader.pages[targets[title]]
        assert squash(title) in squash(page.extract_text()), title


def test_png_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from prozesskette.renderers.png import PngUnavailableError, render_png

    data = build_pdf(load(ROOT / "chains" / "stendal-arbeit.yaml"), grid_layout,
                     appendix=False).data
    with pytest.raises(IndexError, match="1 page"):
        render_png(data, page=1)
    with pytest.raises(ValueError, match="dpi"):
        render_png(data, dpi=0)
    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    with pytest.raises(PngUnavailableError, match=r"pypdfium2 is not installed"):
        render_png(data)


def test_png_install_command_fits_the_install() -> None:
    """pip records a folder install as a file:// url (PEP 610); the package name alone would
    look it up on an index it is not on."""
    from prozesskette.renderers.png import install_command

    folder = '{"dir_info": {"editable": true}, "url": "file:///home/me/prozesskette"}'
    assert install_command(folder) == 'pip install ".[png]"'
    index = '{"url": "https://files.example.org/prozesskette-0.1.0.whl", "archive_info": {}}'
    assert install_command(index) == 'pip install "prozesskette[png]"'
    assert install_command("not json") == 'pip install "prozesskette[png]"'


def test_png_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from prozesskette.renderers import png

    monkeypatch.setattr(png, "_installed_direct_url", lambda: '{"url": "file:///src/pk"}')
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(png.PngUnavailableError, match=r'Pillow is not installed\): run pip '
                       r'install "\.\[png\]" in the folder prozesskette was installed from'):
        png.require_png()
    monkeypatch.setattr(png, "_installed_direct_url", lambda: None)
    with pytest.raises(png.PngUnavailableError, match=r'run pip install "prozesskette\[png\]"$'):
        png.require_png()


def test_png_is_the_chart_alone_at_its_own_size(ausbildung: Chain) -> None:
    """No page margins, title block or footer: the picture is the layout's size at the given
    dpi (1 layout point = 1/72 inch), not the page's, and its QR codes decode."""
    from prozesskette import api

    dpi = 100
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the enlarged QR codes are no warning
        data = api.to_png(ausbildung, dpi)
    assert api.to_png(ausbildung, dpi) == data  # deterministic
    printed = build_pdf(ausbildung, appendix=False)
    assert printed.notes and printed.page_size[0] > printed.layout.width * printed.scale
    image = Image.open(io.BytesIO(data))
    # pdfium rounds the page's raster and each cropped edge apart: up to 2 px
    assert abs(image.width - printed.layout.width / 72 * dpi) <= 1
    assert abs(image.height - printed.layout.height / 72 * dpi) <= 1
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.01)
    sharp = Image.open(io.BytesIO(api.to_png(ausbildung))).convert("L")  # the default dpi
    assert sorted(item.text for item in decode_all(sharp)) == sorted(
        expected_vcards(ausbildung))


def test_small_page_moves_qr_codes_to_the_directory(ausbildung: Chain) -> None:
    """On a page where the chart's text is too small anyway, QR codes are not blown up on the
    chart: they stay scannable in the contact directory (on one page: a page set would
    print it readably, see test_split.py)."""
    result = build_pdf(ausbildung, page="A3", split="none")
    assert all(spot.qr is None for lane in result.layout.lanes.values()
               for spot in lane.contacts)
    assert any("contact directory" in note for note in result.notes)  # fixed: a note
    assert not any("contact directory" in problem for problem in result.warnings)
    assert result.pages > 1 and result.module_mm is None
