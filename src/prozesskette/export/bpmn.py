"""Chain → BPMN 2.0 XML, with a complete diagram (BPMN DI) taken from a :class:`Layout`.

The mapping, chosen so that :func:`prozesskette.export.importer.from_bpmn` gives the chain back
unchanged:

========================  ====================================================================
chain                     BPMN
========================  ====================================================================
chain                     one ``collaboration`` whose ``participant`` (the pool) references one
                          ``process``; title → their names, description → ``documentation``;
                          region, version, language, direction, author and the services →
                          ``pk:chain`` / ``pk:service`` in the process's ``extensionElements``
actor                     ``lane`` (name, description → ``documentation``); short name, colour,
                          link and contacts → ``pk:actor`` / ``pk:contact``
phase                     a ``categoryValue`` of the ``category`` "Phasen", a ``group`` showing
                          the phase's column, and the ``categoryValueRef`` of its steps
start / end / task step   ``startEvent`` / ``endEvent`` / ``task``
decision                  ``exclusiveGateway``; its outgoing flows carry the branch labels
document                  a ``task`` with a ``dataOutputAssociation`` to a
                          ``dataObjectReference`` of a ``dataObject`` (the document) of the
                          same name
transition                ``sequenceFlow`` (``name`` = label) plus ``incoming``/``outgoing``
shared step               in the lane of its lead actor; all its actors → ``pk:step actors``
legal basis, service, url ``pk:step`` attributes
========================  ====================================================================

Our extension elements live in :data:`PK_NS` inside ``bpmn:extensionElements``, so the OMG
schema accepts the file and other tools keep (or ignore) them.

Translations: BPMN's own places (``name``, ``documentation``, the ``pk:`` attributes) hold
each text in its first language (the chain's own, when the text has it), so every tool shows
the chain as written.
A translated text (:class:`~prozesskette.model.Text`) adds one
``<pk:text field="title" xml:lang="en">…</pk:text>`` per language, all of them and in the
chain's order, in the ``extensionElements`` of its element, or inside the ``pk:contact`` /
``pk:service`` that holds the field. Not ``bpmn:documentation`` per language: the OMG schema
allows no ``xml:lang`` there, documentation is meant for descriptions (not names or labels),
and modelling tools show one documentation and join the rest as paragraphs.

Ids are derived from chain ids (``pk-step-<id>``, ``pk-lane-<id>``, ``pk-flow-<step>-<n>`` …),
so the output is deterministic.
The XML is built with :mod:`xml.etree.ElementTree`, which does all escaping.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import NamedTuple

import prozesskette.layout as layout_stage  # its names load on first use
from prozesskette.layout.geometry import Layout, Point, Rect, fmt
from prozesskette.markup import strip_not_xml
from prozesskette.model import Chain, Step, StepKind, Text

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
COLOR_NS = "http://www.omg.org/spec/BPMN/non-normative/color/1.0"
PK_NS = "https://example.org/prozesskette/bpmn"
"""The namespace of our extension elements (``pk:chain``, ``pk:actor``, ``pk:step`` …)."""
XML_NS = "http://www.w3.org/XML/1998/namespace"
"""The namespace of ``xml:lang``, which every XML document knows without a declaration."""

TARGET_NAMESPACE = "https://example.org/prozesskette/chain"

NAMESPACES = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS,
              "color": COLOR_NS, "pk": PK_NS}

# Fixed ids of the containers; everything else is derived from chain ids.
DEFINITIONS_ID = "pk-definitions"
COLLABORATION_ID = "pk-collaboration"
PARTICIPANT_ID = "pk-participant"
PROCESS_ID = "pk-process"
LANESET_ID = "pk-lanes"
PHASES_ID = "pk-phases"
STEP_PREFIX = "pk-step-"
LANE_PREFIX = "pk-lane-"
PHASE_PREFIX = "pk-phase-"

TAG_OF_KIND: dict[StepKind, str] = {
    StepKind.start: "startEvent",
    StepKind.end: "endEvent",
    StepKind.task: "task",
    StepKind.document: "task",
    StepKind.decision: "exclusiveGateway",
}

PX_PER_PT = 96 / 72
"""The layout is in points; BPMN DI tools (bpmn-js, Camunda Modeler) read coordinates as CSS
pixels (96 per inch). Converting makes our 9 pt text the 12 px text those tools draw, so their
labels fit the boxes that were measured for ours."""
DATA_OBJECT_SIZE = (24.0, 30.0)  # px; bpmn-js draws 36 × 50, smaller sits on the task's corner
EVENT_SIZE = 36.0  # px, the usual diameter of a BPMN event
POOL_HEADER = 30.0  # px, the strip of a pool that holds its name, as in bpmn-js

_KEEP = re.compile(r"[A-Za-z0-9_\-\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]")


def ncname(prefix: str, chain_id: str) -> str:
    """A valid, reversible XML id for a chain id: ``prefix`` + the id, where every character
    other than ASCII letters, digits, ``_``, ``-`` and Latin-1 letters (umlauts, ß) is written
    as ``.<hex>.`` ('.' never occurs in chain ids, so :func:`chain_id` can undo it)."""
    return prefix + "".join(ch if _KEEP.fullmatch(ch) else f".{ord(ch):x}." for ch in chain_id)


def chain_id(ncname_: str, prefix: str) -> str | None:
    """The chain id that :func:`ncname` encoded, or None if ``ncname_`` is not ours."""
    if not ncname_.startswith(prefix):
        return None
    try:
        return re.sub(r"\.([0-9a-f]{1,6})\.", lambda m: chr(int(m.group(1), 16)),
                      ncname_[len(prefix):])
    except (ValueError, OverflowError):
        return None


def step_ref(step_id: str) -> str:
    return ncname(STEP_PREFIX, step_id)


def flow_ref(step_id: str, index: int) -> str:
    """The id of the ``index``-th (0-based) transition of a step."""
    return ncname("pk-flow-", step_id) + f"-{index + 1}"


def _text(value: str) -> str:
    """Drop the few characters XML 1.0 cannot hold at all (they never carry meaning here)."""
    return strip_not_xml(value)


class Extension(NamedTuple):
    """One ``pk:`` element: its tag, attributes (None: left out), text and child elements."""

    tag: str
    attrib: dict[str, str | None]
    text: str | None = None
    children: tuple[Extension, ...] = ()

    def is_empty(self) -> bool:
        return not self.text and not self.children and \
            all(value is None for value in self.attrib.values())


def _ext(tag: str, text: str | None = None, *, children: Iterable[Extension] = (),
         **attrib: str | None) -> Extension:
    return Extension(tag, attrib, text, tuple(children))


def _translations(**texts: str | None) -> list[Extension]:
    """``pk:text`` elements for the translated ones of ``texts`` (field name → value): one
    per language, in the text's order, so the first is the one BPMN's own place shows."""
    return [Extension("pk:text", {"field": name, "xml:lang": language}, translated)
            for name, value in texts.items() if isinstance(value, Text)
            for language, translated in value.translations.items()]


class _Builder:
    """Elements with literal prefixes (``bpmn:task``): deterministic prefixes without touching
    ElementTree's global namespace registry; the root declares them all."""

    @staticmethod
    def sub(parent: ET.Element, tag: str, attrib: dict[str, str | None] | None = None,
            text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, tag, {key: _text(value) for key, value in
                                              (attrib or {}).items() if value is not None})
        if text is not None:
            element.text = _text(text)
        return element

    @classmethod
    def documentation(cls, parent: ET.Element, text: str | None) -> None:
        if text:
            cls.sub(parent, "bpmn:documentation", text=text)

    @classmethod
    def extensions(cls, parent: ET.Element, items: Iterable[Extension]) -> None:
        """``bpmn:extensionElements`` holding ``pk:`` elements; left out when every element
        would be empty."""
        kept = [item for item in items if not item.is_empty()]
        if not kept:
            return
        container = cls.sub(parent, "bpmn:extensionElements")
        for item in kept:
            cls.extension(container, item)

    @classmethod
    def extension(cls, parent: ET.Element, item: Extension) -> None:
        element = cls.sub(parent, item.tag, item.attrib, item.text)
        for child in item.children:
            cls.extension(element, child)


def to_bpmn(chain: Chain, layout: Layout | None = None) -> str:
    """The chain as a BPMN 2.0 XML document (UTF-8 text), diagram included.

    ``layout`` gives the diagram's geometry; without one the chain is laid out with the
    default options of :func:`prozesskette.layout.layout_chain`.
    """
    if layout is None:  # the engine loads only here: reading BPMN does not need it
        layout = layout_stage.layout_chain(chain)
    root = ET.Element("bpmn:definitions", {
        **{f"xmlns:{prefix}": uri for prefix, uri in NAMESPACES.items()},
        "id": DEFINITIONS_ID,
        "targetNamespace": TARGET_NAMESPACE,
        "exporter": "prozesskette",
        "exporterVersion": _version(),
    })
    b = _Builder
    phase_ids = {phase.id for phase in chain.phases}
    if chain.phases:
        category = b.sub(root, "bpmn:category", {"id": PHASES_ID, "name": "Phasen"})
        for phase in chain.phases:
            value = b.sub(category, "bpmn:categoryValue",
                          {"id": ncname(PHASE_PREFIX, phase.id), "value": phase.title})
            b.extensions(value, _translations(title=phase.title))
    collaboration = b.sub(root, "bpmn:collaboration", {"id": COLLABORATION_ID})
    b.sub(collaboration, "bpmn:participant",
          {"id": PARTICIPANT_ID, "name": chain.title, "processRef": PROCESS_ID})

    process = b.sub(root, "bpmn:process",
                    {"id": PROCESS_ID, "name": chain.title, "isExecutable": "false"})
    b.documentation(process, chain.description)
    b.extensions(process, [
        _ext("pk:chain", region=chain.region, version=chain.version, language=chain.language,
             direction=chain.direction.value, author=chain.author,
             lane_order=None if chain.lane_order == "auto" else chain.lane_order.value),
        *_translations(title=chain.title, region=chain.region, description=chain.description),
        *(_ext("pk:service", _untranslated(service.description), id=service.id,
               title=service.title,
               children=_translations(title=service.title, description=service.description))
          for service in chain.services),
    ])

    _lanes(process, chain)
    _flow_nodes(process, chain, phase_ids)
    for phase in chain.phases:
        b.sub(process, "bpmn:group", {"id": ncname("pk-group-", phase.id),
                                      "categoryValueRef": ncname(PHASE_PREFIX, phase.id)})

    _diagram(root, chain, layout)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + \
        "\n"


def _lanes(process: ET.Element, chain: Chain) -> None:
    """One lane per actor (with its contacts as extensions), holding the steps it leads."""
    b = _Builder
    lane_set = b.sub(process, "bpmn:laneSet", {"id": LANESET_ID})
    for actor in chain.actors:
        lane = b.sub(lane_set, "bpmn:lane", {"id": ncname(LANE_PREFIX, actor.id),
                                             "name": actor.name})
        b.documentation(lane, actor.description)
        b.extensions(lane, [
            _ext("pk:actor", short=actor.short, color=actor.color, url=actor.url,
                 pin=actor.pin.value if actor.pin else None),
            *_translations(name=actor.name, short=actor.short, description=actor.description),
            *(_ext("pk:contact", name=contact.name, role=contact.role, phone=contact.phone,
                   email=contact.email, url=contact.url, address=contact.address,
                   organization=contact.organization,
                   checked=contact.checked.isoformat() if contact.checked else None,
                   children=_translations(role=contact.role))
              for contact in actor.contacts),
        ])
        for step in chain.steps:
            if step.responsible[:1] == (actor.id,):
                b.sub(lane, "bpmn:flowNodeRef", text=step_ref(step.id))


def _flow_nodes(process: ET.Element, chain: Chain, phase_ids: set[str]) -> None:
    """The steps as tasks, events and gateways, the documents' data objects, and the
    sequence flows between them."""
    b = _Builder
    incoming: dict[str, list[str]] = {}
    for step in chain.steps:
        for index, transition in enumerate(step.next):
            incoming.setdefault(transition.to, []).append(flow_ref(step.id, index))

    for step in chain.steps:
        node = b.sub(process, "bpmn:" + TAG_OF_KIND[step.kind],
                     {"id": step_ref(step.id), "name": step.title})
        b.documentation(node, step.description)
        b.extensions(node, [Extension("pk:step", _step_extension(step, phase_ids)),
                            *_translations(title=step.title, description=step.description)])
        if step.phase in phase_ids:
            b.sub(node, "bpmn:categoryValueRef", text=ncname(PHASE_PREFIX, step.phase))
        for flow in incoming.get(step.id, ()):
            b.sub(node, "bpmn:incoming", text=flow)
        for index in range(len(step.next)):
            b.sub(node, "bpmn:outgoing", text=flow_ref(step.id, index))
        if step.kind is StepKind.document:
            association = b.sub(node, "bpmn:dataOutputAssociation",
                                {"id": ncname("pk-docout-", step.id)})
            b.sub(association, "bpmn:targetRef", text=ncname("pk-docref-", step.id))

    for step in chain.steps:
        if step.kind is StepKind.document:
            # The data object carries the name; its (drawn) reference stays unnamed, so the
            # diagram does not repeat the task's title under the document symbol.
            b.sub(process, "bpmn:dataObject", {"id": ncname("pk-data-", step.id),
                                               "name": step.title})
            b.sub(process, "bpmn:dataObjectReference", {
                "id": ncname("pk-docref-", step.id),
                "dataObjectRef": ncname("pk-data-", step.id)})
    for step in chain.steps:
        for index, transition in enumerate(step.next):
            sequence_flow = b.sub(process, "bpmn:sequenceFlow", {
                "id": flow_ref(step.id, index), "name": transition.label,
                "sourceRef": step_ref(step.id), "targetRef": step_ref(transition.to)})
            b.extensions(sequence_flow, _translations(label=transition.label))


def _untranslated(text: str | None) -> str | None:
    """The text of a ``pk:`` element that is not translated; a translated one is all in its
    ``pk:text`` children (no mixed content: readers take the element's text as it stands)."""
    return None if isinstance(text, Text) else text


def _version() -> str:
    # standard library, but ~20 ms to import (email parsing): only writing BPMN needs it
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("prozesskette")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def _step_extension(step: Step, phase_ids: set[str]) -> dict[str, str | None]:
    """What BPMN has no place for: all actors of a shared step (the lane holds the lead only),
    legal basis, service, link, and a phase the chain does not declare."""
    return {
        "actors": " ".join(step.actors) if step.actors is not None else None,
        "phase": step.phase if step.phase is not None and step.phase not in phase_ids else None,
        "legalBasis": step.legal_basis,
        "service": step.service,
        "url": step.url,
    }


# --- diagram interchange ---------------------------------------------------------------------

def _px(value: float) -> str:
    """A layout length (pt) as a diagram coordinate (px), in the layout's one number format."""
    return fmt(value * PX_PER_PT)


def _bounds(parent: ET.Element, rect: Rect) -> None:
    _Builder.sub(parent, "dc:Bounds", {"x": _px(rect.x), "y": _px(rect.y),
                                       "width": _px(rect.w), "height": _px(rect.h)})


def _shape(plane: ET.Element, element_id: str, rect: Rect, label: Rect | None = None,
           **attrib: str | None) -> ET.Element:
    shape = _Builder.sub(plane, "bpmndi:BPMNShape",
                         {"id": element_id + "_di", "bpmnElement": element_id, **attrib})
    _bounds(shape, rect)
    if label is not None:
        _bounds(_Builder.sub(shape, "bpmndi:BPMNLabel"), label)
    return shape


def _edge(plane: ET.Element, element_id: str, points: Iterable[Point],
          label: Rect | None = None) -> None:
    edge = _Builder.sub(plane, "bpmndi:BPMNEdge",
                        {"id": element_id + "_di", "bpmnElement": element_id})
    for x, y in points:
        _Builder.sub(edge, "di:waypoint", {"x": _px(x), "y": _px(y)})
    if label is not None:
        _bounds(_Builder.sub(edge, "bpmndi:BPMNLabel"), label)


def _union(rects: Iterable[Rect]) -> Rect:
    items = list(rects)
    x, y = min(r.x for r in items), min(r.y for r in items)
    return Rect(x, y, max(r.right for r in items) - x, max(r.bottom for r in items) - y)


def eventRect(rect: Rect) -> Rect:
    """BPMN events are circles of the usual size, centred in the layout's box (in points)."""
    side = min(rect.w, rect.h, EVENT_SIZE / PX_PER_PT)
    return Rect(rect.cx - side / 2, rect.cy - side / 2, side, side)


def _clip_to_circle(points: list[Point], circle: Rect, at_end: bool) -> list[Point]:
    """Move the end of a route that stops at an event's layout box onto the event's circle,
    along its last segment (so the arrow still touches the shape)."""
    if len(points) < 2:
        return points
    (x0, y0), (x1, y1) = (points[-2], points[-1]) if at_end else (points[1], points[0])
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    if length == 0:
        return points
    ux, uy = dx / length, dy / length
    # Solve |p0 + t·u − c| = r for the first hit, t along the segment direction.
    r = circle.w / 2
    fx, fy = x0 - circle.cx, y0 - circle.cy
    b = fx * ux + fy * uy
    disc = b * b - (fx * fx + fy * fy - r * r)
    if disc < 0:
        return points  # the segment passes beside the circle: leave the route as drawn
    t = -b - math.sqrt(disc)
    if t < 0:
        return points
    hit = (x0 + t * ux, y0 + t * uy)
    return [*points[:-1], hit] if at_end else [hit, *points[1:]]


def _diagram(root: ET.Element, chain: Chain, layout: Layout) -> None:
    b = _Builder
    diagram = b.sub(root, "bpmndi:BPMNDiagram",
                    {"id": "pk-diagram", "name": chain.title, "resolution": "96"})
    plane = b.sub(diagram, "bpmndi:BPMNPlane", {"id": "pk-plane",
                                                "bpmnElement": COLLABORATION_ID})
    horizontal = "true" if layout.direction == "lr" else "false"
    lanes = [(actor, layout.lanes[actor.id]) for actor in chain.actors
             if actor.id in layout.lanes]
    if lanes:
        band = _union(lane.band for _, lane in lanes)
        header = POOL_HEADER / PX_PER_PT
        pool = (Rect(band.x - header, band.y, band.w + header, band.h)
                if horizontal == "true" else
                Rect(band.x, band.y - header, band.w, band.h + header))
        _shape(plane, PARTICIPANT_ID, pool, isHorizontal=horizontal)
        for actor, lane in lanes:
            _shape(plane, ncname(LANE_PREFIX, actor.id), lane.band, lane.title.rect,
                   isHorizontal=horizontal,
                   **{"color:background-color": lane.color, "color:border-color": None})
    for phase in chain.phases:
        box = layout.phases.get(phase.id)
        if box is not None:
            _shape(plane, ncname("pk-group-", phase.id), box.column, box.title.rect)

    circles: dict[str, Rect] = {}
    for step in chain.steps:
        node = layout.nodes.get(step.id)
        if node is None:
            continue
        if step.kind in (StepKind.start, StepKind.end):
            # The circle in the middle of the node's box, the title below it as usual in BPMN;
            # above a start when time runs downwards, where its arrow leaves below.
            circle = circles[step.id] = eventRect(node.rect)
            height = node.title.rect.h
            above = layout.direction == "tb" and step.kind is StepKind.start
            _shape(plane, step_ref(step.id), circle,
                   Rect(node.rect.x, circle.y - 2 - height if above else circle.bottom + 2,
                         node.rect.w, height))
        elif step.kind is StepKind.decision:
            _shape(plane, step_ref(step.id), node.rect, node.title.rect,
                   isMarkerVisible="false")
        else:
            _shape(plane, step_ref(step.id), node.rect)
    for step in chain.steps:
        node = layout.nodes.get(step.id)
        if step.kind is StepKind.document and node is not None:
            _shape(plane, ncname("pk-docref-", step.id), _documentRect(node.rect))

    routes: dict[tuple[str, str], list[tuple[list[Point], Rect | None]]] = {}
    for route in layout.edges:
        routes.setdefault((route.source, route.target), []).append(
            (list(route.points), route.label.rect if route.label else None))
    for step in chain.steps:
        for index, transition in enumerate(step.next):
            candidates = routes.get((step.id, transition.to))
            if candidates:
                points, label = candidates.pop(0)
            else:
                points, label = _straight(layout, step.id, transition.to), None
            if not points:
                continue
            if step.id in circles:
                points = _clip_to_circle(points, circles[step.id], at_end=False)
            if transition.to in circles:
                points = _clip_to_circle(points, circles[transition.to], at_end=True)
            _edge(plane, flow_ref(step.id, index), points, label)
    for step in chain.steps:
        node = layout.nodes.get(step.id)
        if step.kind is StepKind.document and node is not None:
            # a short dotted arrow from the task's lower edge into the document symbol
            doc = _documentRect(node.rect)
            _edge(plane, ncname("pk-docout-", step.id),
                  [(doc.x - doc.w / 2, node.rect.bottom), (doc.x, doc.cy)])


def _documentRect(task: Rect) -> Rect:
    """Where the data object of a document step sits: over the task's lower right corner."""
    w, h = (size / PX_PER_PT for size in DATA_OBJECT_SIZE)
    return Rect(task.right - w * 0.6, task.bottom - h * 0.6, w, h)


def _straight(layout: Layout, source: str, target: str) -> list[Point]:
    """A route for a transition the layout did not draw: centre to centre."""
    a, b = layout.nodes.get(source), layout.nodes.get(target)
    if a is None or b is None:
        return []
    return [(a.rect.cx, a.rect.cy), (b.rect.cx, b.rect.cy)]
