"""The SVG renderer: well-formed, hooks, geometry inside the view box, escaping, links,
determinism, QR codes that are exactly the module matrix, accessibility structure."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

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
    TextBlock,
    TextLine,
    TitleBlock,
    fmt,
)
from prozesskette.markup import element_id
from prozesskette.qr import qr_matrix
from prozesskette.renderers.svg import render_svg
from prozesskette.renderers.svg_qr import qr_svg
from prozesskette.theme import LANE_FILL, deeper, lane_fill, opacity

NS = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent
EVIL = "<script>alert(1)</script>&\"'"
VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Öztürk;Ayşe;;;\r\nFN:Ayşe Öztürk\r\nEND:VCARD"


# ------------------------------------------------------------------------------ a layout


def block(*texts: str, x: float, y: float, size: float = 9.0, bold: bool = False,
          anchor: str = "middle", hrefs: tuple[str | None, ...] = ()) -> TextBlock:
    lines = tuple(
        TextLine(text, x, y + 11 * index, size, bold, anchor,  # type: ignore[arg-type]
                 hrefs[index] if index < len(hrefs) else None)
        for index, text in enumerate(texts))
    return TextBlock(lines, Rect(x - 40, y - 9, 80, 11 * len(texts)))


def node(node_id: str, kind: str, rect: Rect, title: str, actors: tuple[str, ...],
         phase: str | None, **extra: object) -> NodeBox:
    return NodeBox(
        id=node_id, kind=kind, rect=rect, text_area=rect.inflate(-4),  # type: ignore[arg-type]
        title=block(title, x=rect.cx, y=rect.cy + 3), actors=actors, phase=phase,
        lane_parts=extra.pop("lane_parts", ((actors[0], rect),)),  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def make_layout() -> Layout:
    """Two lanes (rows), two phases, five steps of every kind, a loop, a hand-off."""
    lane_a = LaneBox(
        actor="person", band=Rect(0, 40, 600, 100), header=Rect(0, 40, 120, 100),
        title=block("Junge Person", x=60, y=58, bold=True), contacts=(), color="#fdf6e3")
    spot = ContactSpot(
        actor="jmd", index=0, qr=Rect(6, 180, 45, 45), payload=VCARD,
        text=block("Ayşe Öztürk", "+49 3931 0000-11", "a@example.org", "Web", x=56, y=190,
                   size=7, anchor="start",
                   hrefs=(None, "tel:+49 3931 0000-11", "mailto:a@example.org",
                          "javascript:alert(1)")))
    lane_b = LaneBox(
        actor="jmd", band=Rect(0, 140, 600, 100), header=Rect(0, 140, 120, 100),
        title=block("Jugendmigrations-", "dienst", x=60, y=158, bold=True), contacts=(spot,),
        color="#f3e8fb")
    phases = {
        "ankommen": PhaseBox("ankommen", Rect(120, 10, 240, 230), Rect(120, 10, 240, 30),
                             block("Ankommen", x=240, y=29, bold=True)),
        "sprache": PhaseBox("sprache", Rect(360, 10, 240, 230), Rect(360, 10, 240, 30),
                            block("Sprache", x=480, y=29, bold=True)),
    }
    nodes = {
        "ankunft": node("ankunft", "start", Rect(140, 70, 80, 30), EVIL, ("person",),
                        "ankommen", description="Die Person kommt <an> & meldet sich."),
        "beratung": node(
            "beratung", "task", Rect(250, 100, 90, 80), "Erstberatung", ("person", "jmd"),
            "ankommen", lane_parts=(("person", Rect(250, 100, 90, 40)),
                                    ("jmd", Rect(250, 140, 90, 40))),
            interface=True, note=block("§ 45a SGB III", x=295, y=170, size=7),
            badges=(Badge(Rect(330, 94, 12, 12), TextLine("1", 336, 103, 7, True),
                          "overlap", "Überschneidung: Sprachförderung"),)),
        "b1": node("b1", "decision", Rect(380, 160, 80, 60), "B1?", ("jmd",), "sprache"),
        "bescheid": node("bescheid", "document", Rect(380, 60, 80, 40), "Bescheid",
                         ("person",), "sprache", interface=True),
        "straße_ende": node("straße_ende", "end", Rect(500, 65, 80, 30), "Fertig",
                            ("person",), "sprache"),
    }
    edges = (
        EdgeRoute("ankunft", "beratung", ((220, 85), (235, 85), (235, 120), (250, 120)),
                  handoff=True, marker=(235, 100)),
        EdgeRoute("beratung", "b1", ((340, 170), (360, 170), (360, 190), (380, 190))),
        EdgeRoute("b1", "bescheid", ((420, 160), (420, 100)),
                  label=EdgeLabel(Rect(422, 125, 20, 11), block("ja", x=432, y=134, size=7)),
                  handoff=True, marker=(420, 140)),
        EdgeRoute("b1", "beratung", ((420, 220), (420, 232), (295, 232), (295, 180)),
                  label=EdgeLabel(Rect(350, 226, 24, 11), block(EVIL, x=362, y=235, size=7)),
                  back=True),
        EdgeRoute("bescheid", "straße_ende", ((460, 80), (500, 80))),
    )
    legend = Legend(Rect(10, 250, 580, 40), tuple(
        LegendItem(kind, Rect(20 + 70 * index, 260, 20, 12),
                   block(kind, x=44 + 70 * index, y=270, size=7, anchor="start"))
        for index, kind in enumerate(("start", "task", "decision", "document", "end",
                                      "shared", "handoff", "overlap"))))
    title = TitleBlock(Rect(10, 0, 300, 10), block(EVIL, x=10, y=8, bold=True, anchor="start"),
                       block("Landkreis Stendal", x=200, y=8, size=7, anchor="start"))
    return Layout(width=600, height=300, direction="lr", nodes=nodes,
                  lanes={"person": lane_a, "jmd": lane_b}, phases=phases, edges=edges,
                  title=title, legend=legend, language="de")


@pytest.fixture(scope="module")
def layout() -> Layout:
    return make_layout()


@pytest.fixture(scope="module")
def svg(layout: Layout) -> str:
    return render_svg(layout)


@pytest.fixture(scope="module")
def root(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in el.get("class", "").split()]


# ------------------------------------------------------------------------------ structure


def test_root_is_fluid_and_labelled(root: ET.Element) -> None:
    assert root.tag == NS + "svg"
    assert root.get("viewBox") == "0 0 600 300"
    assert root.get("style") == "max-width:100%;height:auto"
    assert root.get("lang") == "de"
    title, desc = root.find(NS + "title"), root.find(NS + "desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert "5 Schritten" in (desc.text or "") and "2 Beteiligten" in (desc.text or "")
    assert "endet mit „Fertig“" in (desc.text or "")


def test_inline_variant_has_no_fixed_size(layout: Layout) -> None:
    inline = ET.fromstring(render_svg(layout, standalone=False))
    assert inline.get("width") == "100%" and inline.get("height") is None
    standalone = ET.fromstring(render_svg(layout))
    assert standalone.get("width") == "600pt" and standalone.get("height") == "300pt"


def test_step_hooks(root: ET.Element, layout: Layout) -> None:
    steps = by_class(root, "pk-step")
    assert [el.get("data-step") for el in steps] == list(layout.nodes)  # reading order
    shapes = {"start": "rect", "task": "rect", "decision": "polygon", "document": "path",
              "end": "rect"}
    for el in steps:
        box = layout.nodes[el.get("data-step", "")]
        assert el.get("id") == element_id("pk-step-", box.id)
        assert f"pk-{box.kind}" in el.get("class", "").split()
        assert el.get("role") == "listitem"
        first = el[0]
        assert first.tag == NS + shapes[box.kind]
        assert first.get("role") == "img" and first.get("aria-label")
    assert steps[0].find(f"{NS}*/{NS}title") is not None  # the description as tooltip
    shared = by_class(root, "pk-shared")
    assert [el.get("data-step") for el in shared] == ["beratung"]
    assert "pk-interface" in shared[0].get("class", "")
    assert shared[0].get("data-actors") == "person jmd"
    parts = [el for el in shared[0].iter(NS + "rect") if "--pk-shared-fill" in el.get("style", "")]
    assert [p.get("fill") for p in parts] == ["#fbebc1", "#e5ccf6"]  # the lanes' colours, deeper
    list_group = by_class(root, "pk-steps")[0]
    assert list_group.get("role") == "list"
    assert [child.get("role") for child in list_group] == ["listitem"] * 5


def test_umlaut_ids_are_xml_names(root: ET.Element) -> None:
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert "pk-step-straße_ende" in ids
    assert len(ids) == len(set(ids))
    assert element_id("pk-", "a.b c") == "pk-a.2e.b.20.c"
    assert element_id("pk-", "a b") != element_id("pk-", "a_b")


def test_lane_phase_edge_hooks(root: ET.Element, layout: Layout) -> None:
    lanes = by_class(root, "pk-lane")
    assert [el.get("data-actor") for el in lanes] == list(layout.lanes)
    for el in lanes:
        assert el[0].tag == NS + "rect" and "pk-band" in el[0].get("class", "")
    phases = by_class(root, "pk-phase")
    assert [el.get("data-phase") for el in phases] == list(layout.phases)
    edges = by_class(root, "pk-edge")
    real = [el for el in edges if el.get("data-from")]
    assert [(el.get("data-from"), el.get("data-to")) for el in real] == [
        (e.source, e.target) for e in layout.edges]
    for el, edge in zip(real, layout.edges, strict=True):
        path = el.find(NS + "path")
        assert path is not None and path.get("fill") == "none"
        assert el.find(NS + "polygon") is not None  # the arrow head
        assert ("pk-handoff" in el.get("class", "")) == edge.handoff
        assert ("pk-back" in el.get("class", "")) == edge.back
        assert (el.find(NS + "circle") is not None) == (edge.marker is not None)


def test_arrow_head_tip_is_the_last_point(root: ET.Element, layout: Layout) -> None:
    real = [el for el in by_class(root, "pk-edge") if el.get("data-from")]
    for el, edge in zip(real, layout.edges, strict=True):
        polygon = el.find(NS + "polygon")
        assert polygon is not None
        tip = polygon.get("points", "").split()[0]
        assert tip == f"{fmt(edge.points[-1][0])},{fmt(edge.points[-1][1])}"


def test_decorative_parts_hidden(root: ET.Element) -> None:
    for name in ("pk-phases", "pk-edges", "pk-legend", "pk-titleblock", "pk-qr"):
        for el in by_class(root, name):
            assert el.get("aria-hidden") == "true", name
    lanes = by_class(root, "pk-lanes")[0]
    assert lanes.get("role") == "list"
    assert all(child.get("role") == "listitem" for child in lanes)


def test_step_labels_say_who_what_where_next(root: ET.Element) -> None:
    labels = {el.get("data-step"): el[0].get("aria-label", "") for el in by_class(root, "pk-step")}
    assert labels["beratung"] == (
        "Schritt: Erstberatung. Gemeinsam zuständig: Junge Person und Jugendmigrations-dienst. "
        "Phase: Ankommen. Rechtsgrundlage: § 45a SGB III. Überschneidung: Sprachförderung. "
        "Weiter mit „B1?“.")
    assert labels["b1"] == (
        "Entscheidung: B1? Zuständig: Jugendmigrations-dienst. Phase: Sprache. "
        "Wenn ja: weiter mit „Bescheid“ (Übergabe an Junge Person). "
        f"Wenn {EVIL}: zurück zu „Erstberatung“.")
    assert labels["ankunft"].startswith(f"Start: {EVIL}.")


def test_english_words(layout: Layout) -> None:
    root = ET.fromstring(render_svg(replace(layout, language="en-GB")))
    assert root.get("lang") == "en-GB"
    label = by_class(root, "pk-step")[2][0].get("aria-label", "")
    assert label.startswith("Decision: B1? Responsible: ")
    assert "If ja: continue with “Bescheid” (hand-off to Junge Person)." in label


# ------------------------------------------------------------------------------ geometry


NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def test_everything_inside_the_view_box(root: ET.Element) -> None:
    width, height = 600, 300
    checked = 0
    for el in root.iter():
        if el.get("transform"):  # the QR path: checked against the matrix below
            continue
        for name in ("x", "x1", "x2", "cx"):
            if el.get(name) is not None:
                assert 0 <= float(el.get(name, "")) <= width
                checked += 1
        for name in ("y", "y1", "y2", "cy"):
            if el.get(name) is not None:
                assert 0 <= float(el.get(name, "")) <= height
                checked += 1
        for name in ("points", "d"):
            value = el.get(name)
            if value is None:
                continue
            numbers = [float(n) for n in NUMBER.findall(value)]
            if name == "points":
                xs, ys = numbers[0::2], numbers[1::2]
            else:  # absolute commands only (M H V L Q T Z): pairs, or single H/V values
                xs, ys = [], []
                for command, args in re.findall(r"([MHVLQTZ])([^MHVLQTZ]*)", value):
                    values = [float(n) for n in NUMBER.findall(args)]
                    if command == "H":
                        xs += values
                    elif command == "V":
                        ys += values
                    else:
                        xs += values[0::2]
                        ys += values[1::2]
            assert all(0 <= x <= width for x in xs), value
            assert all(0 <= y <= height for y in ys), value
            checked += len(xs) + len(ys)
        if el.get("width") and el.tag != NS + "svg":
            assert float(el.get("x", "0")) + float(el.get("width", "")) <= width
            assert float(el.get("y", "0")) + float(el.get("height", "")) <= height
    assert checked > 100


def test_shape_geometry(root: ET.Element, layout: Layout) -> None:
    steps = {el.get("data-step"): el for el in by_class(root, "pk-step")}
    diamond = steps["b1"][0].get("points")
    assert diamond == "420,160 460,190 420,220 380,190"
    start = steps["ankunft"][0]
    assert (start.get("x"), start.get("width"), start.get("rx")) == ("140", "80", "15")
    end = steps["straße_ende"][0]
    assert float(end.get("stroke-width", "1")) > 1  # the end's thicker border


def test_numbers_have_at_most_two_decimals(svg: str) -> None:
    body = svg.split("</style>", 1)[1]
    body = re.sub(r'transform="[^"]*"', "", body)  # the QR scale has more digits
    assert not re.search(r"\d\.\d{3}", body)


# ------------------------------------------------------------------------------ QR codes


def qr_squares(path: ET.Element) -> tuple[float, float, float, set[tuple[int, int, int, int]]]:
    """Decode the QR path: its transform and the squares its subpaths draw (module units)."""
    transform = path.get("transform", "")
    match = re.fullmatch(r"translate\(([-\d.]+) ([-\d.]+)\) scale\(([\d.]+)\)", transform)
    assert match, transform
    d = path.get("d", "")
    commands = re.findall(r"([MmHhVvZz])\s*(-?\d*(?:\s+-?\d+)?)", d)
    assert "".join(c + a for c, a in commands).replace(" ", "") == d.replace(" ", "")
    squares = set()
    x = y = 0
    subpath: list[tuple[int, int]] = []

    def close() -> None:
        if subpath:
            xs, ys = [p[0] for p in subpath], [p[1] for p in subpath]
            # an axis-parallel rectangle: four corners, drawn h, v, h
            assert len(subpath) == 4 and len(set(xs)) == 2 and len(set(ys)) == 2, subpath
            squares.add((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
            subpath.clear()

    for command, args in commands:
        values = [int(v) for v in args.split()]
        if command in "Mm":
            close()
            x, y = (values[0], values[1]) if command == "M" else (x + values[0], y + values[1])
        elif command == "h":
            x += values[0]
        elif command == "v":
            y += values[0]
        elif command == "H":
            x = values[0]
        elif command == "V":
            y = values[0]
        if command not in "Zz":
            subpath.append((x, y))
    close()
    return float(match[1]), float(match[2]), float(match[3]), squares


def test_qr_path_is_the_matrix(root: ET.Element, layout: Layout) -> None:
    groups = by_class(root, "pk-qr")
    assert len(groups) == 1
    spot = layout.lanes["jmd"].contacts[0]
    assert spot.qr is not None
    paths = groups[0].findall(NS + "path")
    assert len(paths) == 1  # one path for the whole code
    background = groups[0].find(NS + "rect")
    assert background is not None and background.get("fill") == "#fff"
    assert (background.get("x"), background.get("width")) == (fmt(spot.qr.x), fmt(spot.qr.w))
    tx, ty, scale, squares = qr_squares(paths[0])
    matrix = qr_matrix(spot.payload)
    quiet = matrix.quiet_zone
    expected = {(x + quiet, y + quiet, w, h) for x, y, w, h in matrix.dark_rects()}
    assert squares == expected
    assert len(re.findall("[Mm]", paths[0].get("d", ""))) == len(matrix.dark_rects())
    assert (tx, ty) == (spot.qr.x, spot.qr.y)
    assert scale * matrix.total_size == pytest.approx(spot.qr.w, abs=1e-3)
    # the squares scaled into the spot: all inside the box, leaving the quiet zone free
    for x, y, w, h in squares:
        assert spot.qr.x + quiet * scale - 1e-6 <= tx + x * scale
        assert tx + (x + w) * scale <= spot.qr.right - quiet * scale + 1e-3
        assert spot.qr.y + quiet * scale - 1e-6 <= ty + y * scale
        assert ty + (y + h) * scale <= spot.qr.bottom - quiet * scale + 1e-3


def test_qr_title_is_one_clean_escaped_line() -> None:
    element = ET.fromstring(qr_svg(VCARD, Rect(0, 0, 45, 45), "A\x00<b>\nC"))
    assert element.findtext("title") == "A<b> C"


def test_qr_off(layout: Layout) -> None:
    root = ET.fromstring(render_svg(layout, qr=False))
    assert not by_class(root, "pk-qr")
    assert by_class(root, "pk-contact")  # the contact text stays


# ------------------------------------------------------------------------------ safety


def test_escaping_and_no_active_content(svg: str, root: ET.Element) -> None:
    texts = ["".join(el.itertext()) for el in root.iter(NS + "text")]
    assert EVIL in texts
    assert EVIL in (root.find(NS + "title").text or "")  # type: ignore[union-attr]
    tags = {el.tag.split("}")[1] for el in root.iter()}
    assert not tags & {"script", "foreignObject", "iframe", "image", "use", "object"}
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            assert "javascript:" not in value.lower()
    assert "<script" not in svg and "javascript:" not in svg


def test_only_contact_links(root: ET.Element) -> None:
    links = [el.get("href") for el in root.iter(NS + "a")]
    assert links == ["tel:+4939310000-11", "mailto:a@example.org"]
    refs = re.findall(r"(?:href|src)=\"([^\"]*)\"|url\(([^)]*)\)",
                      ET.tostring(root, encoding="unicode"))
    for href, url in refs:
        assert href in links or url.startswith(("#pk-", "data:font/woff;base64,"))


def test_control_characters_are_dropped(layout: Layout) -> None:
    bad = replace(layout, title=TitleBlock(
        Rect(10, 0, 300, 10), block("A\x00B\x1bC\x7fD\ufffeE\tF", x=10, y=8), None))
    root = ET.fromstring(render_svg(bad))
    assert "ABCDE F" in ["".join(el.itertext()) for el in root.iter(NS + "text")]


def test_noncharacters_are_dropped_as_in_the_page(layout: Layout) -> None:
    """The SVG used to keep U+FDD0-U+FDEF (the HTML page dropped them around the same
    chart): now both follow the one rule of prozesskette.markup."""
    bad = replace(layout, title=TitleBlock(
        Rect(10, 0, 300, 10), block("A\ufdd0B\ufdefC\U0001fffeD\x85E", x=10, y=8), None))
    root = ET.fromstring(render_svg(bad))
    assert "ABCDE" in ["".join(el.itertext()) for el in root.iter(NS + "text")]


def test_hostile_ids_and_colours(layout: Layout) -> None:
    lane = replace(layout.lanes["person"], color='red" onload="x')
    box = replace(layout.nodes["ankunft"], id='x"><script>', kind="task")
    nodes = {box.id: box, **{k: v for k, v in layout.nodes.items() if k != "ankunft"}}
    bad = replace(layout, lanes={**layout.lanes, "person": lane}, nodes=nodes,
                  style=replace(layout.style, font_family='X"}</style><script>'))
    svg = render_svg(bad)
    root = ET.fromstring(svg)
    assert "<script" not in svg and "onload" not in svg.replace("onload=&quot;", "")
    assert all(not name.startswith("on") for el in root.iter() for name in el.attrib)
    assert by_class(root, "pk-step")[0].get("data-step") == 'x"><script>'


# ------------------------------------------------------------------------------ output


def test_deterministic(layout: Layout) -> None:
    assert render_svg(layout) == render_svg(make_layout())


def test_font_embedding(layout: Layout, svg: str) -> None:
    from prozesskette.text import woff_subset

    faces = re.findall(r"@font-face\{([^}]*)\}", svg)
    assert len(faces) == 2  # regular and bold
    regular = next(face for face in faces if "font-weight:400" in face)
    bold_face = next(face for face in faces if "font-weight:700" in face)
    import base64

    drawn_regular: set[str] = set()
    drawn_bold: set[str] = set()
    root = ET.fromstring(svg)
    for el in root.iter(NS + "text"):
        for part in [el, *el.iter(NS + "tspan")]:
            weight = part.get("font-weight") or el.get("font-weight")
            (drawn_bold if weight == "bold" else drawn_regular).update(part.text or "")
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", regular)[1])  # type: ignore[index]
    assert data == woff_subset("".join(sorted(drawn_regular)), bold=False)
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", bold_face)[1])  # type: ignore[index]
    assert data == woff_subset("".join(sorted(drawn_bold)), bold=True)
    assert '"pk Noto Sans"' in svg
    plain = render_svg(layout, embed_font=False)
    assert "@font-face" not in plain and len(svg) - len(plain) > 5000  # two WOFF subsets


def test_custom_properties_for_theming(svg: str) -> None:
    css = svg.split("<style>", 1)[1].split("</style>", 1)[0]
    for name in ("--pk-font", "--pk-stroke", "--pk-edge", "--pk-handoff", "--pk-text",
                 "--pk-step-fill", "--pk-link"):
        assert f"var({name}," in css
    assert 'style="fill:var(--pk-lane-fill,#fdf6e3)"' in svg  # per lane: inline, see below
    rules = re.sub(r"@font-face\{[^}]*\}", "", css)
    selectors = [part.strip() for rule in re.findall(r"(?:^|\})([^{}]+)\{", rules)
                 for part in rule.split(",")]
    assert selectors and all(part.startswith(".pk-chart") for part in selectors)


def test_two_charts_in_one_page_share_their_rules(layout: Layout) -> None:
    """The rules of one chart must not restyle another chart inline in the same page."""
    def rules(svg: str) -> str:
        css = svg.split("<style>", 1)[1].split("</style>", 1)[0]
        return re.sub(r"@font-face\{[^}]*\}\n?", "", css)

    other = replace(layout, lanes={"jmd": replace(layout.lanes["jmd"], color="#123456")})
    assert rules(render_svg(layout)) == rules(render_svg(other))
    first = ET.fromstring(render_svg(layout, id_prefix="one"))
    ids = {el.get("id") for el in first.iter() if el.get("id")}
    assert ids and all(str(i).startswith("one-") for i in ids)


def test_fast_import() -> None:
    """The renderer brings no heavy modules with it."""
    code = ("import sys; import prozesskette.renderers.svg; "
            "print(' '.join(m for m in ('lxml', 'jinja2', 'xml.sax', 'urllib.request', "
            "'qrcode', 'pydantic', 'base64') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""


# ------------------------------------------------------------------------------ chains


def layout_of(path: Path) -> Layout:
    layout_module = pytest.importorskip("prozesskette.layout")
    layout_chain = getattr(layout_module, "layout_chain", None)
    if layout_chain is None:
        pytest.skip("no layout engine yet")
    from prozesskette.loader import load

    return layout_chain(load(path))  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["chains/stendal-ausbildung.yaml", "chains/stendal-arbeit.yaml",
                                  "tests/data/example.yaml"])
def test_example_chains(name: str) -> None:
    layout = layout_of(ROOT / name)
    svg = render_svg(layout)
    root = ET.fromstring(svg)
    assert svg == render_svg(layout)
    steps = by_class(root, "pk-step")
    assert [el.get("data-step") for el in steps] == list(layout.nodes)
    assert all(el[0].get("role") == "img" for el in steps)
    for lane in layout.lanes.values():
        for spot in lane.contacts:
            if spot.qr is None:
                continue
            group = root.find(f".//*[@data-actor='{lane.actor}']")
            assert group is not None
            paths = [el for el in group.iter(NS + "path") if el.get("transform")]
            assert paths
    assert len(svg.encode()) < 400_000


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
def test_chromium_renders(tmp_path: Path, svg: str) -> None:
    """A smoke test: Chromium draws the SVG (non-white pixels where the chart is)."""
    file = tmp_path / "chart.svg"
    file.write_text(svg, encoding="utf-8")
    png = tmp_path / "chart.png"
    try:
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", f"--screenshot={png}",
             "--window-size=900,500", file.as_uri()],
            capture_output=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip("chromium did not finish")
    if not png.exists():
        pytest.skip("chromium made no screenshot")
    assert png.stat().st_size > 5_000


# ------------------------------------------------------------------------------ theme


def test_theme_helpers() -> None:
    assert deeper("#fff") == "#ffffff"
    assert deeper("#f0f0f0", 2) == "#e1e1e1"
    assert deeper("#808080") == "#000000"  # clamped, not negative
    assert lane_fill("#ABC") == "#abc"
    assert lane_fill('red" onload="x') == lane_fill(None) == LANE_FILL
    assert opacity(0.6) == ".6" and opacity(1.0) == "1"
