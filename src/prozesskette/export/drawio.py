"""Chain → diagrams.net (draw.io) file: our drawing as cells a coordinator can move by hand.

The file is an uncompressed ``mxfile`` with one ``diagram`` holding an ``mxGraphModel``;
every cell sits where the :class:`~prozesskette.layout.geometry.Layout` put it (1 unit = 1 pt,
so the 9 pt text keeps the proportions it was measured with). The mapping:

==================  ============================================================================
layout              cells
==================  ============================================================================
lane                a ``swimlane`` container (its band; the header strip on the side where ours
                    is, in the lane's colour under the same white veil); the lane's name, each
                    contact's lines and QR code are child cells at our positions
step                a vertex in its lane (coordinates relative to the lane, as mxGraph wants
                    for children); start/end: stadium, task: rounded rectangle, decision:
                    rhombus, document: ``shape=document``; a shared step lies in the last
                    drawn of its lanes (so no later lane covers it), filled with a gradient
                    of its lanes' colours
transition          an edge with our waypoints; ``exitX/exitY`` and ``entryX/entryY`` pin its
                    ends to our ports, its label sits at our label's centre (``offset`` from
                    the route's middle, mxGraph's anchor for edge labels)
phase               a header cell, and a dashed line where each later phase starts
QR code             an image (an SVG data URI of the matrix from :mod:`prozesskette.qr`) in a
                    ``UserObject`` that links to the contact and carries the vCard
==================  ============================================================================

The title and subtitle become text cells. The legend, the overlap badges and the hand-off
markers on the line are not carried over (a hand-off gets a small open circle at its start
instead, so it is not told by colour alone). Ids are derived from
chain ids (``pk-step-<id>``, ``pk-lane-<id>`` … via :func:`prozesskette.markup.element_id`),
so the same chain gives the same bytes. Labels are HTML (``html=1``) whose text goes through
:func:`prozesskette.markup.escape_html`; ElementTree escapes the attributes.
"""

from __future__ import annotations

import base64
import itertools
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import Literal

import prozesskette.layout as layout_stage  # its names load on first use
from prozesskette.i18n import is_rtl
from prozesskette.layout.geometry import (
    ContactSpot,
    EdgeRoute,
    LaneBox,
    Layout,
    NodeBox,
    Point,
    Rect,
    TextBlock,
    TextLine,
)
from prozesskette.markup import element_id, escape_html, one_line, safe_href, strip_not_xml
from prozesskette.model import Chain, Contact, Step
from prozesskette.qr import qr_matrix
from prozesskette.theme import (
    EDGE,
    HANDOFF,
    HEADER_VEIL,
    LANE_STROKE,
    NOTE,
    PHASE_FILL,
    PHASE_STROKE,
    QR_DARK,
    QR_LIGHT,
    STEP_FILL,
    STROKE,
    TEXT,
    deeper,
    lane_fill,
)

__all__ = ["HeaderSide", "drawio_qr_image", "header_side", "label_anchor", "to_drawio"]

ROOT_ID, LAYER_ID = "0", "1"  # mxGraph's root cell and its one default layer
SVG_NS = "http://www.w3.org/2000/svg"

HeaderSide = Literal["left", "right", "top", "bottom"]  # where a lane's header strip lies


def _num(value: float) -> str:
    """A coordinate with 3 decimals (not the layout's 2: a child's position is a difference
    of two layout values, and two roundings to 0.005 could add up to our 0.01 tolerance)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _fraction(value: float) -> str:
    """A relative position on a shape (``exitX`` …): 6 decimals keep 0.01 pt on 10 000 pt."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _hex6(color: str) -> str:
    """``#rgb`` as ``#rrggbb``: diagrams.net's colour fields expect six digits."""
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    return "#" + value.lower()


def _veiled(color: str, veil: float = HEADER_VEIL) -> str:
    """``color`` under white at opacity ``veil``: the header strip's colour in our SVG."""
    value = _hex6(color).lstrip("#")
    channels = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return "#" + "".join(f"{round(c + (255 - c) * veil):02x}" for c in channels)


def _style(*flags: str, **values: str | float | None) -> str:
    """An mxGraph style string: bare names (``swimlane``), then ``key=value;`` pairs in the
    given order (numbers in the coordinate format); ``None`` leaves a key out."""
    parts = list(flags)
    for key, value in values.items():
        if value is None:
            continue
        parts.append(f"{key}={_num(value) if isinstance(value, float | int) else value}")
    return ";".join(parts) + ";"


# --- text -------------------------------------------------------------------------------------

ALIGN = {"start": "left", "middle": "center", "end": "right"}


def _html_line(line: TextLine, base_size: float, link: bool) -> str:
    text = escape_html(one_line(line.text))
    if line.bold:
        text = f"<b>{text}</b>"
    if line.size != base_size:
        text = f'<font style="font-size:{_num(line.size)}px">{text}</font>'
    href = safe_href(line.href) if link else None
    if href:
        text = f'<a href="{escape_html(href)}">{text}</a>'
    return text


def html_label(block: TextBlock | None, base_size: float, *, link: bool = False) -> str:
    """A text block as an HTML label: our line breaks kept (``<br>``), so that diagrams.net
    does not re-wrap with its own measures; bold, size and links per line."""
    if block is None:
        return ""
    return "<br>".join(_html_line(line, base_size, link) for line in block.lines
                       if one_line(line.text).strip())


def _note_label(block: TextBlock | None) -> str:
    if block is None or not block.lines:
        return ""
    lines = "<br>".join(escape_html(one_line(line.text)) for line in block.lines)
    size = block.lines[0].size
    return f'<br><font style="font-size:{_num(size)}px;color:{_hex6(NOTE)}"><i>{lines}</i></font>'


# --- geometry ---------------------------------------------------------------------------------

def header_side(lane: LaneBox, tolerance: float = 0.01) -> HeaderSide:
    """Which side of its band a lane's header strip lies on."""
    band, header = lane.band, lane.header
    if abs(header.h - band.h) <= tolerance and header.w < band.w - tolerance:
        return "right" if abs(header.right - band.right) <= tolerance \
            and abs(header.x - band.x) > tolerance else "left"
    return "bottom" if abs(header.bottom - band.bottom) <= tolerance \
        and abs(header.y - band.y) > tolerance else "top"


def _js_round(value: float) -> int:
    """JavaScript's ``Math.round`` (halves up), which mxGraph uses below."""
    return math.floor(value + 0.5)


def label_anchor(points: Sequence[Point]) -> Point:
    """Where diagrams.net puts a relative edge label with ``x=0``, ``y=0`` before adding its
    ``offset``: the point half-way along the route, the distance rounded as mxGraph's
    ``mxGraphView.getPoint`` rounds it (so the offset we write lands on our label)."""
    segments = [math.dist(a, b) for a, b in itertools.pairwise(points)]
    distance = _js_round(0.5 * sum(segments))
    walked, index, segment = 0.0, 1, segments[0]
    while distance >= _js_round(walked + segment) and index < len(points) - 1:
        walked += segment
        segment = segments[index]
        index += 1
    factor = 0.0 if segment == 0 else (distance - walked) / segment
    (x0, y0), (x1, y1) = points[index - 1], points[index]
    return x0 + (x1 - x0) * factor, y0 + (y1 - y0) * factor


# --- QR codes ---------------------------------------------------------------------------------

def drawio_qr_image(payload: str) -> str:
    """The QR code of ``payload`` as an image diagrams.net shows: an SVG of the module matrix
    (quiet zone included), base64 in a data URI written the way diagrams.net writes images
    into styles (``data:image/svg+xml,<base64>``: a style value cannot hold the ``;`` of
    ``;base64``). Dependency-free: no PNG encoder needed."""
    matrix = qr_matrix(payload)
    size, quiet = matrix.total_size, matrix.quiet_zone
    path = "".join(f"M{x + quiet} {y + quiet}h{w}v{h}h-{w}z"
                   for x, y, w, h in matrix.dark_rects())
    svg = (f'<svg xmlns="{SVG_NS}" viewBox="0 0 {size} {size}" width="{size}"'
           f' height="{size}" shape-rendering="crispEdges">'
           f'<rect width="{size}" height="{size}" fill="{_hex6(QR_LIGHT)}"/>'
           f'<path d="{path}" fill="{_hex6(QR_DARK)}"/></svg>')
    return "data:image/svg+xml," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _contact_link(contact: Contact | None) -> str | None:
    """What a click on a contact's QR code opens: e-mail, else phone, else its web page."""
    if contact is None:
        return None
    if contact.email:
        return safe_href("mailto:" + contact.email)
    if contact.phone:
        return safe_href("tel:" + "".join(ch for ch in contact.phone
                                          if ch.isdigit() or ch == "+"))
    return safe_href(contact.url)


# --- the writer -------------------------------------------------------------------------------

class _Writer:
    """Appends cells to the ``root`` of the model, in drawing order.

    Styles name their shape explicitly (``shape=swimlane``, ``shape=rhombus``, text without
    fill and stroke) besides diagrams.net's named styles (``swimlane``, ``rhombus``, ``text``),
    so that plain mxGraph, which lacks those names, draws the same."""

    def __init__(self, chain: Chain, layout: Layout) -> None:
        self.chain, self.layout = chain, layout
        self.font = layout.style.font_size
        # "auto": each label takes the direction of its first strong letter, as a browser's
        # dir="auto" does; "rtl" for every label would reorder German names and phone numbers
        self.text_style: dict[str, str | float | None] = {
            "fontFamily": layout.style.font_family, "fontSize": self.font,
            "fontColor": _hex6(TEXT),
            "textDirection": "auto" if is_rtl(layout.language) else None}
        self.root = ET.Element("root")
        ET.SubElement(self.root, "mxCell", {"id": ROOT_ID})
        ET.SubElement(self.root, "mxCell", {"id": LAYER_ID, "parent": ROOT_ID})
        self.origin: dict[str, Point] = {LAYER_ID: (0.0, 0.0)}  # parent id → its position
        self.steps: dict[str, Step] = {step.id: step for step in chain.steps}
        self.contacts = {actor.id: actor.contacts for actor in chain.actors}

    # --- cells

    def cell(self, cell_id: str, value: str, style: str, parent: str,
             kind: Literal["vertex", "edge"], *, data: dict[str, str | None] | None = None,
             terminals: dict[str, str] | None = None) -> ET.Element:
        """One cell; with ``data`` (link, tooltip, own properties) wrapped in a
        ``UserObject`` as diagrams.net writes cells that carry more than a label."""
        kept = {key: strip_not_xml(value) for key, value in (data or {}).items() if value}
        cell_attrib = {"style": style, "parent": parent, kind: "1", **(terminals or {})}
        if kept:
            holder = ET.SubElement(self.root, "UserObject",
                                   {"label": strip_not_xml(value), **kept, "id": cell_id})
            return ET.SubElement(holder, "mxCell", cell_attrib)
        return ET.SubElement(self.root, "mxCell",
                             {"id": cell_id, "value": strip_not_xml(value), **cell_attrib})

    def vertex(self, cell_id: str, value: str, style: str, rect: Rect, parent: str = LAYER_ID,
               *, data: dict[str, str | None] | None = None) -> None:
        """A vertex at ``rect`` (absolute), written relative to its parent."""
        px, py = self.origin[parent]
        element = self.cell(cell_id, value, style, parent, "vertex", data=data)
        ET.SubElement(element, "mxGeometry", {
            "x": _num(rect.x - px), "y": _num(rect.y - py), "width": _num(rect.w),
            "height": _num(rect.h), "as": "geometry"})

    def text(self, cell_id: str, block: TextBlock, parent: str, *, link: bool = False,
             **style: str | float | None) -> None:
        """A free text at its measured extent, aligned as its first line is anchored."""
        if not block.lines:
            return
        self.vertex(cell_id, html_label(block, self.font, link=link), _style(
            "text", html=1, strokeColor="none", fillColor="none", whiteSpace="nowrap",
            align=ALIGN[block.lines[0].anchor],
            verticalAlign="top", spacing=0, **self.text_style, **style), block.rect, parent)

    # --- parts

    def lane(self, actor: str, lane: LaneBox) -> str:
        lane_id = element_id("pk-lane-", actor)
        side = header_side(lane)
        across = side in ("left", "right")
        fill = lane_fill(lane.color)
        name = next((a.name for a in self.chain.actors if a.id == actor), actor)
        self.vertex(lane_id, escape_html(one_line(name)), _style(
            "swimlane", shape="swimlane", container=1, horizontal=0 if across else None,
            flipH=1 if side == "right" else None, flipV=1 if side == "bottom" else None,
            startSize=lane.header.w if across else lane.header.h, collapsible=0, noLabel=1,
            html=1, fillColor=_veiled(fill), swimlaneFillColor=_hex6(fill),
            strokeColor=_hex6(LANE_STROKE)), lane.band)
        self.origin[lane_id] = (lane.band.x, lane.band.y)
        self.text(element_id("pk-lane-title-", actor), lane.title, lane_id)
        for spot in lane.contacts:
            self.contact(actor, spot, lane_id)
        return lane_id

    def contact(self, actor: str, spot: ContactSpot, lane_id: str) -> None:
        suffix = f"-{spot.index + 1}"
        contacts = self.contacts.get(actor, ())
        contact = contacts[spot.index] if spot.index < len(contacts) else None
        self.text(element_id("pk-contact-", actor) + suffix, spot.text, lane_id, link=True)
        if spot.qr is None:
            return
        name = contact.name if contact is not None else ""
        self.vertex(element_id("pk-qr-", actor) + suffix, "", _style(
            "shape=image", html=1, imageAspect=0, aspect="fixed",
            image=drawio_qr_image(spot.payload)), spot.qr,
            lane_id, data={"link": _contact_link(contact), "tooltip": name,
                           "vcard": spot.payload})

    def phases(self) -> None:
        for index, (phase_id, phase) in enumerate(self.layout.phases.items()):
            self.vertex(element_id("pk-phase-", phase_id), html_label(phase.title, self.font),
                        _style("rounded=0", html=1, whiteSpace="nowrap", spacing=0,
                               fillColor=_hex6(PHASE_FILL), strokeColor=_hex6(PHASE_STROKE),
                               **self.text_style), phase.header)
            if index:
                self.separator(phase_id, phase.column, phase.header)

    def separator(self, phase_id: str, column: Rect, header: Rect) -> None:
        """The dashed line where a phase starts, from below (beside) its header, as ours."""
        if self.layout.direction == "tb":
            inside = header.x >= column.x and header.right <= column.right
            line = ((header.right if inside else column.x, column.y), (column.right, column.y))
        else:
            inside = header.y >= column.y and header.bottom <= column.bottom
            line = ((column.x, header.bottom if inside else column.y), (column.x, column.bottom))
        element = self.cell(element_id("pk-phase-line-", phase_id), "", _style(
            "endArrow=none", html=1, dashed=1, dashPattern="4 3",
            strokeColor=_hex6(PHASE_STROKE)), LAYER_ID, "edge")
        geometry = ET.SubElement(element, "mxGeometry", {"relative": "1", "as": "geometry"})
        for (x, y), role in zip(line, ("sourcePoint", "targetPoint"), strict=True):
            ET.SubElement(geometry, "mxPoint", {"x": _num(x), "y": _num(y), "as": role})

    def step(self, node: NodeBox, parent: str) -> None:
        step = self.steps.get(node.id)
        label = html_label(node.title, self.font) + _note_label(node.note)
        shape = _shape_style(node, self.layout.style.corner_radius)
        fill = {"fillColor": _hex6(STEP_FILL)}
        parts = [part for part in node.lane_parts if part[0] in self.layout.lanes]
        if len(node.actors) > 1 and len(parts) > 1:
            (first, a), (last, b) = parts[0], parts[-1]
            fill = {"fillColor": deeper(lane_fill(self.layout.lanes[first].color)),
                    "gradientColor": deeper(lane_fill(self.layout.lanes[last].color)),
                    "gradientDirection": ("south" if b.y > a.y else "north" if b.y < a.y
                                          else "east" if b.x > a.x else "west")}
        data = None
        if step is not None:
            data = {"tooltip": one_line(step.description or "").strip() or None,
                    "link": safe_href(step.url)}
        self.vertex(element_id("pk-step-", node.id), label, _style(
            *shape, html=1, whiteSpace="nowrap", spacing=0, strokeColor=_hex6(STROKE),
            **fill, **self.text_style), node.rect, parent, data=data)

    def edge(self, route: EdgeRoute, cell_id: str) -> None:
        points = route.points
        source, target = self.layout.nodes.get(route.source), self.layout.nodes.get(route.target)
        color = _hex6(HANDOFF if route.handoff else EDGE)
        style = _style(
            "edgeStyle=none", html=1, rounded=1, arcSize=2 * self.layout.style.corner_radius,
            endArrow="block", endFill=1, endSize=self.layout.style.arrow_size,
            startArrow="oval" if route.handoff else None, startFill=0 if route.handoff else None,
            dashed=1 if route.back else None, dashPattern="4 3" if route.back else None,
            strokeColor=color, strokeWidth=self.layout.style.edge_width,
            **_port("exit", source, points[0]), **_port("entry", target, points[-1]),
            labelBackgroundColor=_hex6(STEP_FILL), **self.text_style)
        terminals = {key: element_id("pk-step-", node.id)
                     for key, node in (("source", source), ("target", target))
                     if node is not None}
        value = html_label(route.label.text, self.font) if route.label else ""
        element = self.cell(cell_id, value, style, LAYER_ID, "edge", terminals=terminals)
        geometry = ET.SubElement(element, "mxGeometry", {"relative": "1", "as": "geometry"})
        for (x, y), role in ((points[0], "sourcePoint"), (points[-1], "targetPoint")):
            ET.SubElement(geometry, "mxPoint", {"x": _num(x), "y": _num(y), "as": role})
        if len(points) > 2:
            waypoints = ET.SubElement(geometry, "Array", {"as": "points"})
            for x, y in points[1:-1]:
                ET.SubElement(waypoints, "mxPoint", {"x": _num(x), "y": _num(y)})
        if route.label is not None:
            ax, ay = label_anchor(points)
            ET.SubElement(geometry, "mxPoint", {"x": _num(route.label.rect.cx - ax),
                                                "y": _num(route.label.rect.cy - ay),
                                                "as": "offset"})

    def title(self) -> None:
        block = self.layout.title
        if block is None:
            return
        self.text("pk-title", block.title, LAYER_ID)
        if block.subtitle is not None:
            self.text("pk-subtitle", block.subtitle, LAYER_ID)

    def write(self) -> ET.Element:
        layout = self.layout
        lane_ids = {actor: self.lane(actor, lane) for actor, lane in layout.lanes.items()}
        order = list(layout.lanes)
        self.phases()
        for node in layout.nodes.values():
            lanes = [actor for actor in node.actors if actor in lane_ids]
            # the last drawn of its lanes: a lane drawn later would cover a shared step
            home = max(lanes, key=order.index) if lanes else None
            self.step(node, lane_ids[home] if home is not None else LAYER_ID)
        for route, cell_id in zip(layout.edges, edge_ids(layout.edges), strict=True):
            if len(route.points) >= 2:
                self.edge(route, cell_id)
        self.title()
        return self.root


def _shape_style(node: NodeBox, corner_radius: float) -> tuple[str, ...]:
    """The style names and values giving a step kind our shape."""
    rect = node.rect
    if node.kind in ("start", "end"):  # a stadium: corners of half the shorter side
        stadium = ("rounded=1", "absoluteArcSize=1", f"arcSize={_num(min(rect.w, rect.h))}")
        return (*stadium, "strokeWidth=2.5") if node.kind == "end" else stadium
    if node.kind == "decision":
        return ("rhombus", "shape=rhombus", "perimeter=rhombusPerimeter")
    if node.kind == "document":  # our wave: min(8 % of the height, 3 pt) above the bottom
        wave = min(rect.h * 0.08, 3.0)
        return ("shape=document", "boundedLbl=1", f"size={_fraction(2 * wave / rect.h)}")
    return ("rounded=1", "absoluteArcSize=1",
            f"arcSize={_num(2 * min(corner_radius, rect.w / 2, rect.h / 2))}")


def _port(end: Literal["exit", "entry"], node: NodeBox | None,
          point: Point) -> dict[str, str | float | None]:
    """``exitX``/``exitY`` (or ``entry…``): our port as a fraction of the step's box, off the
    perimeter so that diagrams.net uses it as is instead of projecting it."""
    if node is None or node.rect.w <= 0 or node.rect.h <= 0:
        return {}
    rect = node.rect
    return {f"{end}X": _fraction((point[0] - rect.x) / rect.w),
            f"{end}Y": _fraction((point[1] - rect.y) / rect.h),
            f"{end}Dx": 0, f"{end}Dy": 0, f"{end}Perimeter": 0}


def edge_ids(routes: Iterable[EdgeRoute]) -> list[str]:
    """``pk-edge-<from>.<to>`` (``.`` never occurs unescaped in an encoded id, so the pair is
    unambiguous), with ``.2``, ``.3`` … for further routes between the same steps."""
    seen: dict[tuple[str, str], int] = {}
    ids: list[str] = []
    for route in routes:
        key = (route.source, route.target)
        seen[key] = seen.get(key, 0) + 1
        base = element_id("pk-edge-", route.source) + "." + element_id("", route.target)
        ids.append(base if seen[key] == 1 else f"{base}.{seen[key]}")
    return ids


def to_drawio(chain: Chain, layout: Layout | None = None) -> str:
    """The chain as a diagrams.net file (UTF-8 text, uncompressed XML).

    ``layout`` gives the geometry; without one the chain is laid out with the default
    options of :func:`prozesskette.layout.layout_chain`.
    """
    if layout is None:
        layout = layout_stage.layout_chain(chain)
    mxfile = ET.Element("mxfile", {"host": "prozesskette", "type": "device",
                                   "compressed": "false", "pages": "1"})
    diagram = ET.SubElement(mxfile, "diagram", {"id": "pk-diagram",
                                                "name": strip_not_xml(one_line(chain.title))})
    model = ET.SubElement(diagram, "mxGraphModel", {
        "dx": "0", "dy": "0", "grid": "0", "gridSize": "10", "guides": "1", "tooltips": "1",
        "connect": "1", "arrows": "1", "fold": "1", "page": "1", "pageScale": "1",
        "pageWidth": str(math.ceil(layout.width)), "pageHeight": str(math.ceil(layout.height)),
        "math": "0", "shadow": "0"})
    model.append(_Writer(chain, layout).write())
    ET.indent(mxfile, space="  ")
    return ET.tostring(mxfile, encoding="unicode") + "\n"
