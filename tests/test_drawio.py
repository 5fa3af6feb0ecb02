"""The diagrams.net export, read back: the file parses as an mxGraphModel, it holds one cell
per lane, step and route, and every cell sits where the layout put it (absolute positions
after adding the containers' offsets), with its shape, colours, labels and links."""

from __future__ import annotations

import base64
import io
import math
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import prozesskette.export
from paths import ROOT
from prozesskette.cli import main
from prozesskette.export.drawio import (
    drawio_qr_image,
    edge_ids,
    header_side,
    label_anchor,
    to_drawio,
)
from prozesskette.i18n import localise
from prozesskette.layout import Layout, layout_chain
from prozesskette.layout.geometry import EdgeRoute, Rect
from prozesskette.loader import load
from prozesskette.markup import element_id, escape_html, one_line
from prozesskette.model import Actor, Chain, Contact, Phase, Step, StepKind, Transition
from prozesskette.qr import qr_matrix
from prozesskette.theme import EDGE, HANDOFF, deeper, lane_fill

SHIPPED = [*sorted((ROOT / "chains").glob("*.yaml")), *sorted((ROOT / "tests/data").glob("*.yaml"))]
VARIANTS = {"src": {}, "ar": {"lang": "ar"}, "tb": {"direction": "tb"}}
TOLERANCE = 0.01


# --- reading a file back ------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    id: str
    value: str
    style: dict[str, str]  # key → value; bare names (swimlane, rhombus, text) → ""
    parent: str | None
    element: ET.Element  # the mxCell
    data: dict[str, str]  # the UserObject's attributes (link, tooltip, vcard), if any

    @property
    def geometry(self) -> ET.Element:
        geometry = self.element.find("mxGeometry")
        assert geometry is not None, self.id
        return geometry


def parse_style(style: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for part in style.split(";"):
        if part:
            key, _, value = part.partition("=")
            result[key] = value
    return result


def read(xml: str) -> dict[str, Cell]:
    """The cells of a diagrams.net file by id, checking the envelope on the way."""
    mxfile = ET.fromstring(xml.encode("utf-8"))
    assert mxfile.tag == "mxfile"
    diagrams = mxfile.findall("diagram")
    assert len(diagrams) == 1
    model = diagrams[0].find("mxGraphModel")
    assert model is not None
    root = model.find("root")
    assert root is not None
    cells: dict[str, Cell] = {}
    for child in root:
        if child.tag == "UserObject":
            inner = child.find("mxCell")
            assert inner is not None and inner.get("id") is None
            data = {key: value for key, value in child.attrib.items() if key not in ("id", "label")}
            cell_id, value, element = child.get("id"), child.get("label", ""), inner
        else:
            assert child.tag == "mxCell", child.tag
            cell_id, value, element, data = child.get("id"), child.get("value", ""), child, {}
        assert cell_id is not None and cell_id not in cells, cell_id
        cells[cell_id] = Cell(cell_id, value, parse_style(element.get("style", "")),
                              element.get("parent"), element, data)
    assert cells["0"].parent is None and cells["1"].parent == "0"
    for cell in cells.values():  # every parent exists and comes first (mxGraph reads in order)
        if cell.parent is not None:
            assert list(cells).index(cell.parent) < list(cells).index(cell.id)
    return cells


def origin(cells: dict[str, Cell], cell: Cell) -> tuple[float, float]:
    """The absolute position of a cell's parent (the sum of its containers' positions)."""
    x = y = 0.0
    parent = cell.parent
    while parent not in (None, "0", "1"):
        geometry = cells[parent].geometry
        x += float(geometry.get("x", 0))
        y += float(geometry.get("y", 0))
        parent = cells[parent].parent
    return x, y


def absolute_rect(cells: dict[str, Cell], cell: Cell) -> Rect:
    geometry = cell.geometry
    ox, oy = origin(cells, cell)
    return Rect(ox + float(geometry.get("x", 0)), oy + float(geometry.get("y", 0)),
                float(geometry.get("width", 0)), float(geometry.get("height", 0)))


def close(a: Rect, b: Rect) -> bool:
    return all(abs(u - v) <= TOLERANCE for u, v in zip((a.x, a.y, a.w, a.h), (b.x, b.y, b.w, b.h),
                                                       strict=True))


def point(element: ET.Element) -> tuple[float, float]:
    return float(element.get("x", 0)), float(element.get("y", 0))


class _Text(HTMLParser):
    """The text of an HTML label (line breaks as newlines) and the tags it uses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "br":
            self.text.append("\n")
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def label_text(value: str) -> _Text:
    parser = _Text()
    parser.feed(value)
    parser.close()
    assert parser.tags <= {"br", "b", "i", "font", "a"}, parser.tags
    return parser


# --- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="module",
                params=[(path, variant) for path in SHIPPED for variant in VARIANTS],
                ids=lambda p: f"{p[0].stem}-{p[1]}")
def exported(request: pytest.FixtureRequest) -> tuple[Chain, Layout, str]:
    path, variant = request.param
    options = dict(VARIANTS[variant])
    chain, _ = localise(load(path), options.pop("lang", None))
    layout = layout_chain(chain, **options)
    return chain, layout, to_drawio(chain, layout)


# --- every shipped chain --------------------------------------------------------------------

def test_one_cell_per_lane_step_and_edge(exported: tuple[Chain, Layout, str]) -> None:
    _, layout, xml = exported
    cells = read(xml)
    lanes = {c.id for c in cells.values() if "swimlane" in c.style}
    steps = {c.id for c in cells.values() if c.id.startswith("pk-step-")}
    edges = {c.id for c in cells.values() if c.id.startswith("pk-edge-")}
    assert lanes == {element_id("pk-lane-", actor) for actor in layout.lanes}
    assert steps == {element_id("pk-step-", node) for node in layout.nodes}
    assert len(edges) == len(layout.edges) == len(set(edge_ids(layout.edges)))
    assert all(cells[i].element.get("vertex") == "1" for i in lanes | steps)
    assert all(cells[i].element.get("edge") == "1" for i in edges)
    assert {c.id for c in cells.values() if c.id.startswith("pk-phase-")
            and not c.id.startswith("pk-phase-line-")} == {
        element_id("pk-phase-", phase) for phase in layout.phases}


def test_geometry_equals_the_layout(exported: tuple[Chain, Layout, str]) -> None:
    _, layout, xml = exported
    cells = read(xml)
    for actor, lane in layout.lanes.items():
        cell = cells[element_id("pk-lane-", actor)]
        assert cell.parent == "1"
        assert close(absolute_rect(cells, cell), lane.band)
        assert close(absolute_rect(cells, cells[element_id("pk-lane-title-", actor)]),
                     lane.title.rect)
        for spot in lane.contacts:
            if spot.qr is not None:
                qr = cells[element_id("pk-qr-", actor) + f"-{spot.index + 1}"]
                assert qr.parent == cell.id and close(absolute_rect(cells, qr), spot.qr)
    for node_id, node in layout.nodes.items():
        cell = cells[element_id("pk-step-", node_id)]
        # a child of one of its lanes, placed relative to it: absolute after adding the offset
        assert cell.parent in {element_id("pk-lane-", a) for a in node.actors}
        assert close(absolute_rect(cells, cell), node.rect), node_id
    for phase_id, phase in layout.phases.items():
        assert close(absolute_rect(cells, cells[element_id("pk-phase-", phase_id)]), phase.header)


def test_edges_follow_our_routes(exported: tuple[Chain, Layout, str]) -> None:
    _, layout, xml = exported
    cells = read(xml)
    for route, edge_id in zip(layout.edges, edge_ids(layout.edges), strict=True):
        cell = cells[edge_id]
        assert cell.parent == "1"  # the layer: points are absolute
        source, target = layout.nodes[route.source], layout.nodes[route.target]
        assert cell.element.get("source") == element_id("pk-step-", route.source)
        assert cell.element.get("target") == element_id("pk-step-", route.target)
        geometry = cell.geometry
        ends = {p.get("as"): point(p) for p in geometry.findall("mxPoint")}
        waypoints = [point(p) for p in geometry.findall("Array/mxPoint")]
        drawn = [ends["sourcePoint"], *waypoints, ends["targetPoint"]]
        assert len(drawn) == len(route.points)
        assert all(math.dist(a, b) <= TOLERANCE for a, b in zip(drawn, route.points, strict=True))
        style = cell.style
        assert style["edgeStyle"] == "none"  # no re-routing by diagrams.net
        # the ports, as fractions of the boxes, give our first and last points
        for end, box, (x, y) in (("exit", source.rect, route.points[0]),
                                 ("entry", target.rect, route.points[-1])):
            assert style[f"{end}Perimeter"] == "0"
            assert abs(box.x + float(style[f"{end}X"]) * box.w - x) <= TOLERANCE
            assert abs(box.y + float(style[f"{end}Y"]) * box.h - y) <= TOLERANCE
        assert style["strokeColor"] == (HANDOFF if route.handoff else EDGE)
        assert ("dashed" in style) == route.back
        if route.label is None:
            assert cell.value == "" and "offset" not in ends
        else:
            assert "".join(label_text(cell.value).text).replace("\n", " ") == \
                route.label.text.text
            ax, ay = label_anchor(route.points)
            ox, oy = ends["offset"]
            assert abs(ax + ox - route.label.rect.cx) <= TOLERANCE
            assert abs(ay + oy - route.label.rect.cy) <= TOLERANCE


def test_labels_and_styles_per_kind(exported: tuple[Chain, Layout, str]) -> None:
    chain, layout, xml = exported
    cells = read(xml)
    expected = {"start": "arcSize", "end": "strokeWidth", "task": "rounded",
                "decision": "rhombus", "document": "shape"}
    steps = {step.id: step for step in chain.steps}
    for node_id, node in layout.nodes.items():
        cell = cells[element_id("pk-step-", node_id)]
        assert expected[node.kind] in cell.style
        if node.kind == "document":
            assert cell.style["shape"] == "document"
        if node.kind in ("start", "end"):  # a stadium: the arc is the shorter side
            assert float(cell.style["arcSize"]) == pytest.approx(min(node.rect.w, node.rect.h),
                                                                 abs=TOLERANCE)
        text = label_text(cell.value).text
        lines = "".join(text).split("\n")
        assert lines[:len(node.title.lines)] == [one_line(line.text)
                                                 for line in node.title.lines]
        if node.note is not None:
            assert lines[len(node.title.lines):] == [one_line(line.text)
                                                     for line in node.note.lines]
        step = steps[node_id]
        if step.description:
            assert cell.data["tooltip"] == one_line(step.description).strip()
        if len(node.actors) > 1 and len(node.lane_parts) > 1:
            first, last = node.lane_parts[0][0], node.lane_parts[-1][0]
            assert cell.style["fillColor"] == deeper(lane_fill(layout.lanes[first].color))
            assert cell.style["gradientColor"] == deeper(lane_fill(layout.lanes[last].color))
    rtl = layout.language == "ar"
    assert all((c.style.get("textDirection") == "auto") == rtl
               for c in cells.values() if "fontSize" in c.style)


def test_lanes_have_their_colour_and_header_on_our_side(
        exported: tuple[Chain, Layout, str]) -> None:
    chain, layout, xml = exported
    cells = read(xml)
    names = {actor.id: actor.name for actor in chain.actors}
    for actor, lane in layout.lanes.items():
        style = cells[element_id("pk-lane-", actor)].style
        side = header_side(lane)
        assert side == ("top" if layout.direction == "tb" else
                        "right" if layout.language == "ar" else "left")
        assert style["swimlaneFillColor"] == lane_fill(lane.color)
        if side in ("left", "right"):
            assert style["horizontal"] == "0"
            assert float(style["startSize"]) == pytest.approx(lane.header.w, abs=TOLERANCE)
        else:
            assert float(style["startSize"]) == pytest.approx(lane.header.h, abs=TOLERANCE)
        assert ("flipH" in style) == (side == "right")
        title = label_text(cells[element_id("pk-lane-title-", actor)].value).text
        assert "".join(title).replace("\n", " ") == lane.title.text
        assert cells[element_id("pk-lane-", actor)].value == escape_html(one_line(names[actor]))


def test_qr_codes_are_the_contacts_vcards_and_link_to_them(
        exported: tuple[Chain, Layout, str]) -> None:
    chain, layout, xml = exported
    cells = read(xml)
    contacts = {actor.id: actor.contacts for actor in chain.actors}
    found = 0
    for actor, lane in layout.lanes.items():
        for spot in lane.contacts:
            if spot.qr is None:
                continue
            found += 1
            cell = cells[element_id("pk-qr-", actor) + f"-{spot.index + 1}"]
            assert cell.data["vcard"] == spot.payload
            contact = contacts[actor][spot.index]
            if contact.email:
                assert cell.data["link"] == "mailto:" + contact.email
            elif contact.phone:
                assert cell.data["link"].startswith("tel:")
            assert cell.style["shape"] == "image"
            assert decode_qr_image(cell.style["image"]) == qr_matrix(spot.payload).rows
    assert found == sum(spot.qr is not None for lane in layout.lanes.values()
                        for spot in lane.contacts)


def decode_qr_image(uri: str, quiet: int = 4) -> tuple[tuple[bool, ...], ...]:
    """The module matrix drawn by an image from :func:`drawio_qr_image`: its rectangles
    painted onto a grid, the quiet zone cut off (and checked to be light)."""
    prefix = "data:image/svg+xml,"
    assert uri.startswith(prefix)
    svg = ET.fromstring(base64.b64decode(uri[len(prefix):]))
    size = int(svg.get("width", "0"))
    path = svg.find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    grid = [[False] * size for _ in range(size)]
    for x, y, w, h, back in re.findall(r"M(\d+) (\d+)h(\d+)v(\d+)h-(\d+)z", path.get("d", "")):
        assert w == back
        for row in range(int(y), int(y) + int(h)):
            for column in range(int(x), int(x) + int(w)):
                grid[row][column] = True
    assert not any(grid[r][c] for r in range(size) for c in range(size)
                   if min(r, c) < quiet or max(r, c) >= size - quiet)
    return tuple(tuple(row[quiet:size - quiet]) for row in grid[quiet:size - quiet])


# --- single properties ------------------------------------------------------------------------

def odd_chain() -> Chain:
    """Texts with markup characters, ids that need encoding, a shared step and a contact."""
    return Chain(
        title='Übergänge <&> "Test"',
        actors=(Actor("büro", "Büro & Co. <Stelle>", color="#ABC",
                      contacts=(Contact('Zoë "Z" <O\'Neil>', phone="+49 1 23",
                                        email="z@example.org"),)),
                Actor("шаг-б", "Второй <b>", short="B")),
        phases=(Phase("ä", "Phase <1>"),),
        steps=(Step("start", "Los & <script>", kind=StepKind.start, actor="büro", phase="ä",
                    next=(Transition("α_1"),)),
               Step("α_1", "Prüfen: a < b?", kind=StepKind.decision, actor="шаг-б", phase="ä",
                    next=(Transition("end", "ja & <gut>"), Transition("start", '"nein"'))),
               Step("end", "Ende", kind=StepKind.end, actors=("шаг-б", "büro"), phase="ä",
                    description='Zeile 1\nZeile 2 mit <a href="x">')),
    )


def test_markup_in_texts_stays_text() -> None:
    chain = odd_chain()
    layout = layout_chain(chain)
    cells = read(to_drawio(chain, layout))
    start = label_text(cells["pk-step-start"].value)
    assert "".join(start.text).replace("\n", " ") == layout.nodes["start"].title.text
    assert "script" not in start.tags
    edge = cells["pk-edge-α_1.end"]
    assert "".join(label_text(edge.value).text) == "ja & <gut>"
    assert cells["pk-step-end"].data["tooltip"] == 'Zeile 1 Zeile 2 mit <a href="x">'
    lane = cells[element_id("pk-lane-", "büro")]
    assert label_text(lane.value).text == ["Büro & Co. <Stelle>"]
    contact = label_text(cells["pk-contact-büro-1"].value)
    assert contact.links == ["tel:+49123", "mailto:z@example.org"]


def test_output_is_deterministic() -> None:
    chain = odd_chain()
    assert to_drawio(chain) == to_drawio(chain) == to_drawio(chain, layout_chain(chain))


def test_shared_step_lies_in_its_last_drawn_lane() -> None:
    """A lane drawn after the step's container would paint over the step's other part."""
    chain = odd_chain()
    layout = layout_chain(chain)
    cells = read(to_drawio(chain, layout))
    order = list(layout.lanes)
    last = max(layout.nodes["end"].actors, key=order.index)
    assert cells["pk-step-end"].parent == element_id("pk-lane-", last)


def test_label_anchor_is_the_middle_of_the_route() -> None:
    assert label_anchor([(0.0, 0.0), (10.0, 0.0)]) == (5.0, 0.0)
    assert label_anchor([(0.0, 0.0), (0.0, 4.0), (6.0, 4.0)]) == (1.0, 4.0)
    # mxGraph rounds the distance along the route to whole units
    assert label_anchor([(0.0, 0.0), (3.0, 0.0)]) == (2.0, 0.0)


def test_edge_ids_are_unique_and_readable() -> None:
    routes = [EdgeRoute("a", "b", ((0, 0), (1, 1))), EdgeRoute("a", "b", ((0, 0), (1, 1))),
              EdgeRoute("a.b", "c", ((0, 0), (1, 1))), EdgeRoute("a", "b.c", ((0, 0), (1, 1)))]
    assert edge_ids(routes) == ["pk-edge-a.b", "pk-edge-a.b.2", "pk-edge-a.2e.b.c",
                                "pk-edge-a.b.2e.c"]


def test_qr_image_is_a_data_uri_diagrams_net_reads_from_a_style() -> None:
    uri = drawio_qr_image("BEGIN:VCARD\r\nFN:Zoë\r\nEND:VCARD")
    assert ";" not in uri and uri.startswith("data:image/svg+xml,")
    assert decode_qr_image(uri) == qr_matrix("BEGIN:VCARD\r\nFN:Zoë\r\nEND:VCARD").rows


def test_header_side_follows_the_layout() -> None:
    chain = load(ROOT / "tests/data/example.yaml")
    lane = next(iter(layout_chain(chain).lanes.values()))
    assert header_side(lane) == "left"
    assert header_side(replace(lane, header=replace(lane.header, x=lane.band.right
                                                    - lane.header.w))) == "right"
    assert header_side(replace(lane, header=Rect(lane.band.x, lane.band.y, lane.band.w, 20))) \
        == "top"


def test_exports_package_names_to_drawio() -> None:
    assert prozesskette.export.to_drawio is to_drawio


def test_cli_writes_the_file(tmp_path: Path) -> None:
    source = ROOT / "tests/data/example.yaml"
    out = tmp_path / "kette.drawio"
    stdout, stderr = io.StringIO(), io.StringIO()
    assert main(["export", str(source), "--to", "drawio", "--direction", "tb", "-o", str(out)],
                out=stdout, err=stderr) == 0, stderr.getvalue()
    chain = load(source)
    assert out.read_text(encoding="utf-8") == to_drawio(chain, layout_chain(chain, direction="tb"))


# --- read by mxGraph itself ------------------------------------------------------------------

#: mxGraph's ``javascript/mxClient.js`` (``npm install --prefix /tmp/mx mxgraph``): the library
#: diagrams.net draws with. With it, Chromium opens each file and mxGraph's own view must put
#: every step, lane, route and label where our layout has it.
MXGRAPH = os.environ.get("PK_MXGRAPH_JS")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

#: The cells' positions as mxGraph's view computes them (scale 1, no translation). The
#: UserObject's ``label`` is the label, as in diagrams.net.
STATES_JS = """(xml) => {
  const doc = mxUtils.parseXml(xml);
  const model = doc.documentElement.getElementsByTagName('mxGraphModel')[0];
  const graph = new mxGraph(document.getElementById('graph'));
  graph.convertValueToString = function(cell) {
    return mxUtils.isNode(cell.value) ? cell.value.getAttribute('label') || ''
      : mxGraph.prototype.convertValueToString.apply(this, arguments);
  };
  graph.isHtmlLabel = function(cell) { return this.getCellStyle(cell)['html'] == '1'; };
  new mxCodec(doc).decode(model, graph.getModel());
  const states = {};
  for (const id in graph.getModel().cells) {
    const state = graph.view.getState(graph.getModel().cells[id]);
    if (state) states[id] = {
      rect: [state.x, state.y, state.width, state.height],
      points: state.absolutePoints ? state.absolutePoints.map(p => [p.x, p.y]) : null,
      label: state.absoluteOffset ? [state.absoluteOffset.x, state.absoluteOffset.y] : null};
  }
  return states;
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not MXGRAPH or not Path(MXGRAPH).is_file():
        pytest.skip("PK_MXGRAPH_JS does not name mxgraph's mxClient.js "
                    "(npm install --prefix /tmp/mx mxgraph)")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install '.[dev]')")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield instance
        instance.close()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_mxgraph_puts_every_cell_where_the_layout_does(browser: Any, path: Path,
                                                       variant: str) -> None:
    options = dict(VARIANTS[variant])
    chain, _ = localise(load(path), options.pop("lang", None))
    layout = layout_chain(chain, **options)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_content('<div id="graph"></div>')
    page.evaluate("mxBasePath = '.'; mxLoadResources = false; mxLoadStylesheets = false;")
    page.add_script_tag(path=MXGRAPH)
    states = page.evaluate(STATES_JS, to_drawio(chain, layout))
    page.close()
    assert errors == []

    def at(cell_id: str) -> Rect:
        return Rect(*states[cell_id]["rect"])

    tolerance = 0.02  # our 0.01 for the file, plus mxGraph's own sums of parent offsets
    for actor, lane in layout.lanes.items():
        assert close_within(at(element_id("pk-lane-", actor)), lane.band, tolerance)
    for node_id, node in layout.nodes.items():
        assert close_within(at(element_id("pk-step-", node_id)), node.rect, tolerance), node_id
    for route, edge_id in zip(layout.edges, edge_ids(layout.edges), strict=True):
        drawn = states[edge_id]["points"]
        assert len(drawn) == len(route.points), edge_id
        assert all(math.dist(a, b) <= tolerance for a, b in zip(drawn, route.points,
                                                                 strict=True)), edge_id
        if route.label is not None:
            assert math.dist(states[edge_id]["label"],
                             (route.label.rect.cx, route.label.rect.cy)) <= tolerance, edge_id


def close_within(a: Rect, b: Rect, tolerance: float) -> bool:
    return all(abs(u - v) <= tolerance for u, v in zip((a.x, a.y, a.w, a.h),
                                                       (b.x, b.y, b.w, b.h), strict=True))
