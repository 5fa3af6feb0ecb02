"""Exports (BPMN, DOT, Mermaid), the BPMN import and the YAML writer.

Outputs are checked by reading them back: BPMN with an XML parser, against the OMG schema and
through the import; DOT through ``dot`` when it is installed.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from prozesskette.errors import ProzessketteError
from prozesskette.export import chain_to_yaml, from_bpmn, to_bpmn, to_dot, to_mermaid
from prozesskette.export.bpmn import BPMN_NS, PK_NS, PX_PER_PT, chain_id, ncname
from prozesskette.export.mermaid import mermaid_id
from prozesskette.layout import layout_chain
from prozesskette.loader import load
from prozesskette.model import (
    FIELDS,
    Actor,
    Chain,
    Contact,
    Phase,
    Service,
    Step,
    StepKind,
    Text,
    Transition,
)

ROOT = Path(__file__).resolve().parents[1]
CHAINS = [ROOT / "tests/data/example.yaml", ROOT / "chains/stendal-ausbildung.yaml",
          ROOT / "chains/stendal-arbeit.yaml"]
# beside the repository (also when it is a git worktree one level further down)
XSD = next((folder / "shared/bpmn-xsd/BPMN20.xsd" for folder in ROOT.parents
            if (folder / "shared/bpmn-xsd/BPMN20.xsd").exists()),
           ROOT.parent / "shared/bpmn-xsd/BPMN20.xsd")
NS = {"bpmn": BPMN_NS, "pk": PK_NS, "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NCNAME = re.compile(r"^[A-Za-z_\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff][\w.\-\u00c0-\u00ff]*$")


@pytest.fixture(scope="module", params=CHAINS, ids=lambda path: path.stem)
def chain(request: pytest.FixtureRequest) -> Chain:
    loaded: Chain = load(request.param)
    return loaded


@pytest.fixture(scope="module")
def example() -> Chain:
    loaded: Chain = load(CHAINS[0])
    return loaded


def odd_chain() -> Chain:
    """Ids and texts that need care: umlauts, non-Latin letters, markup characters."""
    return Chain(
        title='Übergänge <&> "Test" ]]>',
        actors=(Actor("büro", "Büro & Co. <Stelle>", color="#ABC",
                      contacts=(Contact("Zoë \"Z\" O'Neil", phone="+49 1 23",
                                        email="z@example.org"),)),
                Actor("шаг-б", "Второй", short="B")),
        phases=(Phase("ä", "Phase 1"),),
        steps=(Step("start", "Los", kind=StepKind.start, actor="büro", phase="ä",
                    next=(Transition("α_1"),)),
               Step("α_1", "Prüfen: a < b?", kind=StepKind.decision, actor="шаг-б", phase="ä",
                    next=(Transition("end", "ja & gut"), Transition("start", '"nein"'))),
               Step("end", "Ende", kind=StepKind.end, actors=("шаг-б", "büro"), phase="ä",
                    description="Zeile 1\nZeile 2 mit \\ und `code`")),
    )


def parse(xml: str) -> ET.Element:
    return ET.fromstring(xml.encode("utf-8"))


# --- BPMN export -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def schema() -> Any:
    etree = pytest.importorskip("lxml.etree", reason="lxml is needed for XSD validation")
    if not XSD.exists():
        pytest.skip(f"the OMG BPMN schema is not at {XSD}")
    return etree.XMLSchema(etree.parse(str(XSD)))


def assert_schema_valid(schema: Any, xml: str) -> None:
    from lxml import etree  # type: ignore[import-untyped]

    assert schema.validate(etree.fromstring(xml.encode("utf-8"))), schema.error_log


def test_bpmn_validates_against_the_omg_schema(chain: Chain, schema: Any) -> None:
    assert_schema_valid(schema, to_bpmn(chain))


def test_bpmn_odd_and_top_to_bottom_chains_validate(example: Chain, schema: Any) -> None:
    assert_schema_valid(schema, to_bpmn(odd_chain()))
    assert_schema_valid(schema, to_bpmn(example, layout_chain(example, direction="tb")))


def test_bpmn_odd_ids_and_texts_round_trip() -> None:
    odd = odd_chain()
    xml = to_bpmn(odd)
    root = parse(xml)
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    assert all(NCNAME.match(i) for i in ids if i), [i for i in ids if i and not NCNAME.match(i)]
    assert "pk-step-.3b1._1" in ids  # α encoded, readable ASCII kept
    back, issues = from_bpmn(xml)
    assert back.to_dict() == odd.to_dict()
    assert issues == []


def test_ncname_round_trip() -> None:
    for value in ["jobcenter", "übergang", "a-b_c", "шаг", "x.y", "日本", "ß"]:
        assert chain_id(ncname("pk-step-", value), "pk-step-") == value
    assert ncname("pk-", "übergang") == "pk-übergang"
    assert chain_id("Activity_1", "pk-step-") is None


def test_bpmn_round_trip(chain: Chain) -> None:
    back, issues = from_bpmn(to_bpmn(chain))
    assert issues == []
    # to_dict: `==` on chains compares a Text as the str of its first language only
    assert back.to_dict() == chain.to_dict()
    assert chain_to_yaml(back) == chain_to_yaml(chain)  # languages in the same order too


def translations_of(obj: Any, path: str = "") -> dict[str, dict[str, str]]:
    """Every translated text of a chain: where it is → its translations."""
    found: dict[str, dict[str, str]] = {}
    for name, spec in FIELDS[type(obj).__name__].items():
        value = getattr(obj, name)
        if isinstance(value, Text):
            found[f"{path}{name}"] = value.translations
        elif spec.kind in ("list", "next"):
            for index, item in enumerate(value or ()):
                found |= translations_of(item, f"{path}{name}[{index}].")
    return found


def test_bpmn_keeps_every_translation_of_the_multilingual_chain() -> None:
    chain = load(ROOT / "chains/stendal-ausbildung.yaml")
    texts = translations_of(chain)
    assert len(texts) == 129
    assert sum(len(t) for t in texts.values()) == 516  # de, en, ar, de-x-ls each
    back, _ = from_bpmn(to_bpmn(chain))
    assert translations_of(back) == texts


def test_bpmn_round_trip_comparison_sees_a_lost_translation() -> None:
    chain = load(ROOT / "chains/stendal-ausbildung.yaml")
    xml = to_bpmn(chain)
    lost = re.sub(r'\n *<pk:text field="label" xml:lang="ar">[^<]*</pk:text>', "", xml, count=1)
    assert lost != xml
    back, _ = from_bpmn(lost)
    assert back == chain  # what Text equality sees: the first language only
    assert back.to_dict() != chain.to_dict()


def test_bpmn_writes_one_pk_text_per_language() -> None:
    chain = load(ROOT / "chains/stendal-ausbildung.yaml")
    root = parse(to_bpmn(chain))
    process = root.find("bpmn:process", NS)
    assert process is not None
    task = process.find("bpmn:task[@id='pk-step-aufenthaltserlaubnis']", NS)
    assert task is not None
    title = chain.step("aufenthaltserlaubnis").title
    assert isinstance(title, Text)
    # BPMN's own place shows the chain's language; pk:text holds every language, in order
    assert task.get("name") == title.translations["de"]
    texts = task.findall("bpmn:extensionElements/pk:text[@field='title']", NS)
    assert [(t.get(XML_LANG), t.text) for t in texts] == list(title.translations.items())
    assert [t.get(XML_LANG) for t in texts] == ["de", "en", "ar", "de-x-ls"]
    # no xml:lang on documentation (the OMG schema has no place for it), one per element
    assert all(doc.get(XML_LANG) is None for doc in root.iter(f"{{{BPMN_NS}}}documentation"))
    assert len(task.findall("bpmn:documentation", NS)) == 1
    # a translated service keeps its description in pk:text only: no mixed content
    service = process.find("bpmn:extensionElements/pk:service", NS)
    assert service is not None and service.text is not None and not service.text.strip()
    assert {t.get("field") for t in service.findall("pk:text", NS)} == {"title", "description"}
    contact = process.find("bpmn:laneSet/bpmn:lane/bpmn:extensionElements/pk:contact"
                           "[pk:text]", NS)
    assert contact is not None
    assert [t.get("field") for t in contact.findall("pk:text", NS)] == ["role"] * 4


def test_bpmn_import_keeps_a_name_edited_in_a_modelling_tool() -> None:
    def both(de: str, en: str) -> Text:
        return Text({"de": de, "en": en})

    chain = Chain(
        title=both("Kette", "Chain"),
        actors=(Actor("a", both("Amt", "Office"),
                      contacts=(Contact("Eva", role=both("Leitung", "Head")),)),),
        services=(Service("s", both("Kurs", "Course"), description=both("Lernen", "Learning")),),
        steps=(Step("start", both("Los", "Go"), kind=StepKind.start, actor="a",
                    next=(Transition("end", both("ja", "yes")),)),
               Step("end", "Ende", kind=StepKind.end, actor="a")),
    )
    xml = to_bpmn(chain)
    back, issues = from_bpmn(xml)
    assert issues == [] and back.to_dict() == chain.to_dict()
    edited = xml.replace('name="Los"', 'name="Anfang"').replace('name="ja"', 'name="jawohl"')
    back, _ = from_bpmn(edited)
    texts = translations_of(back)
    assert texts["steps[0].title"] == {"de": "Anfang", "en": "Go"}
    assert texts["steps[0].next[0].label"] == {"de": "jawohl", "en": "yes"}
    assert texts["actors[0].contacts[0].role"] == {"de": "Leitung", "en": "Head"}
    assert "steps[1].title" not in texts and back.step("end").title == "Ende"


def test_bpmn_is_deterministic(example: Chain) -> None:
    assert to_bpmn(example) == to_bpmn(example)


def test_bpmn_semantics(example: Chain) -> None:
    root = parse(to_bpmn(example))
    assert root.get("targetNamespace")
    participants = root.findall("bpmn:collaboration/bpmn:participant", NS)
    processes = root.findall("bpmn:process", NS)
    assert len(participants) == 1 and len(processes) == 1
    process = processes[0]
    assert participants[0].get("processRef") == process.get("id")
    assert participants[0].get("name") == example.title

    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    assert [lane.get("name") for lane in lanes] == [actor.name for actor in example.actors]
    lane_of = {ref.text: lane.get("id") for lane in lanes
               for ref in lane.findall("bpmn:flowNodeRef", NS)}
    # the shared step 'beratung' (jobcenter + person) is in the lead actor's lane
    assert lane_of["pk-step-beratung"] == "pk-lane-jobcenter"
    beratung = process.find("bpmn:task[@id='pk-step-beratung']", NS)
    assert beratung is not None
    step_ext = beratung.find("bpmn:extensionElements/pk:step", NS)
    assert step_ext is not None and step_ext.get("actors") == "jobcenter person"

    tags = {element.get("id"): element.tag.split("}")[1] for element in process}
    assert tags["pk-step-ankunft"] == "startEvent"
    assert tags["pk-step-ende"] == "endEvent"
    assert tags["pk-step-sprachstand"] == "exclusiveGateway"
    assert tags["pk-step-kurs"] == "task"

    flows = {flow.get("id"): flow for flow in process.findall("bpmn:sequenceFlow", NS)}
    assert {(f.get("sourceRef"), f.get("targetRef"), f.get("name")) for f in flows.values()} \
        == {(f"pk-step-{s.id}", f"pk-step-{t.to}", t.label)
            for s in example.steps for t in s.next}
    gateway_out = [flows[ref.text or ""] for ref in
                   process.findall("bpmn:exclusiveGateway/bpmn:outgoing", NS)]
    assert sorted(flow.get("name") or "" for flow in gateway_out) == ["ja", "nein"]
    for node in process:
        for ref in node.findall("bpmn:outgoing", NS):
            assert flows[ref.text or ""].get("sourceRef") == node.get("id")
        for ref in node.findall("bpmn:incoming", NS):
            assert flows[ref.text or ""].get("targetRef") == node.get("id")

    # contacts, phases, region and version are kept
    contact = process.find("bpmn:laneSet/bpmn:lane[@id='pk-lane-jobcenter']/"
                           "bpmn:extensionElements/pk:contact", NS)
    assert contact is not None and contact.get("phone") == "+49 3931 0000-00"
    settings = process.find("bpmn:extensionElements/pk:chain", NS)
    assert settings is not None
    assert (settings.get("region"), settings.get("version")) == ("Landkreis Stendal", "2017-12")
    values = root.findall("bpmn:category/bpmn:categoryValue", NS)
    assert [value.get("value") for value in values] == ["Ankommen", "Sprache"]
    assert len(process.findall("bpmn:group", NS)) == 2


def test_bpmn_documents_and_descriptions() -> None:
    chain = load(CHAINS[1])
    process = parse(to_bpmn(chain)).find("bpmn:process", NS)
    assert process is not None
    task = process.find("bpmn:task[@id='pk-step-aufenthaltserlaubnis']", NS)
    assert task is not None
    target = task.find("bpmn:dataOutputAssociation/bpmn:targetRef", NS)
    assert target is not None
    reference = process.find(f"bpmn:dataObjectReference[@id='{target.text}']", NS)
    assert reference is not None and reference.get("name") is None  # drawn without a label
    data_object = process.find(f"bpmn:dataObject[@id='{reference.get('dataObjectRef')}']", NS)
    assert data_object is not None and data_object.get("name") == "Aufenthaltserlaubnis"
    documentation = task.find("bpmn:documentation", NS)
    assert documentation is not None
    assert documentation.text == chain.step("aufenthaltserlaubnis").description
    extension = task.find("bpmn:extensionElements/pk:step", NS)
    assert extension is not None and extension.get("legalBasis") == "§ 25 Abs. 1–2 AufenthG"


def test_bpmn_diagram_follows_the_layout(chain: Chain) -> None:
    layout = layout_chain(chain)
    root = parse(to_bpmn(chain, layout))
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane is not None
    shapes = {shape.get("bpmnElement"): shape for shape in plane.findall("bpmndi:BPMNShape", NS)}
    edges = {edge.get("bpmnElement"): edge for edge in plane.findall("bpmndi:BPMNEdge", NS)}

    def bounds(element: ET.Element) -> tuple[float, ...]:
        """In layout points (the diagram is in CSS pixels)."""
        box = element.find("dc:Bounds", NS)
        assert box is not None
        return tuple(float(box.get(key) or "nan") / PX_PER_PT
                     for key in ("x", "y", "width", "height"))

    def close(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        return all(abs(p - q) <= 0.01 for p, q in zip(a, b, strict=True))

    for step in chain.steps:
        node = layout.nodes[step.id]
        rect = (node.rect.x, node.rect.y, node.rect.w, node.rect.h)
        shape = shapes[f"pk-step-{step.id}"]
        if step.kind in ("start", "end"):  # a circle centred in the node's box
            x, y, w, h = bounds(shape)
            assert w == h <= min(node.rect.w, node.rect.h) + 0.01
            assert abs(x + w / 2 - node.rect.cx) < 0.01 and abs(y + h / 2 - node.rect.cy) < 0.01
        else:
            assert close(bounds(shape), rect)
        if step.kind == "document":
            assert f"pk-docref-{step.id}" in shapes
    for actor in chain.actors:
        lane = layout.lanes[actor.id]
        shape = shapes[f"pk-lane-{actor.id}"]
        assert shape.get("isHorizontal") == "true"
        assert close(bounds(shape), (lane.band.x, lane.band.y, lane.band.w, lane.band.h))
    pool = bounds(shapes["pk-participant"])
    for actor in chain.actors:
        x, y, w, h = bounds(shapes[f"pk-lane-{actor.id}"])
        assert pool[0] <= x and pool[1] <= y and x + w <= pool[0] + pool[2] + 0.01 \
            and y + h <= pool[1] + pool[3] + 0.01
    routes = {(edge.source, edge.target): edge for edge in layout.edges}
    for step in chain.steps:
        for index, transition in enumerate(step.next):
            edge = edges[f"pk-flow-{step.id}-{index + 1}"]
            points = [(float(p.get("x") or 0) / PX_PER_PT, float(p.get("y") or 0) / PX_PER_PT)
                      for p in edge.findall("di:waypoint", NS)]
            route = routes[(step.id, transition.to)]
            assert len(points) == len(route.points) >= 2
            # inner points as laid out; the ends may move onto an event's circle
            for (x, y), (rx, ry) in zip(points[1:-1], route.points[1:-1], strict=True):
                assert abs(x - rx) < 0.01 and abs(y - ry) < 0.01
            # an arrow into or out of an event touches its circle
            for end, step_id in ((points[0], step.id), (points[-1], transition.to)):
                if chain.step(step_id).kind in ("start", "end"):
                    x, y, w, _ = bounds(shapes[f"pk-step-{step_id}"])
                    assert abs(math.dist(end, (x + w / 2, y + w / 2)) - w / 2) < 0.02
            label = edge.find("bpmndi:BPMNLabel", NS)
            if route.label is not None:
                assert label is not None
                r = route.label.rect
                assert close(bounds(label), (r.x, r.y, r.w, r.h))


def test_bpmn_top_to_bottom(example: Chain) -> None:
    """Lanes as columns: vertical lane shapes, the pool's name strip on top."""
    xml = to_bpmn(example, layout_chain(example, direction="tb"))
    shapes = parse(xml).findall(".//bpmndi:BPMNShape[@isHorizontal]", NS)
    assert shapes and {shape.get("isHorizontal") for shape in shapes} == {"false"}


def test_bpmn_without_layout_lays_out(example: Chain) -> None:
    assert to_bpmn(example) == to_bpmn(example, layout_chain(example))


# --- BPMN import -----------------------------------------------------------------------------

FOREIGN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:collaboration id="Collaboration_1">
    <bpmn:participant id="Participant_A" name="Antrag" processRef="Process_1"/>
    <bpmn:participant id="Participant_B" name="Extern"/>
    <bpmn:messageFlow id="Message_1" sourceRef="Task_1" targetRef="Participant_B"/>
  </bpmn:collaboration>
  <bpmn:process id="Process_1">
    <bpmn:laneSet id="LaneSet_1">
      <bpmn:lane id="Lane_Amt" name="Amt">
        <bpmn:flowNodeRef>Start_1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Split</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Gateway_1</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="Lane_Person" name="Person">
        <bpmn:flowNodeRef>Sub_1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_2</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>End_1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Boundary_1</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="Start_1"/>
    <bpmn:userTask id="Task_1" name="Antrag prüfen">
      <bpmn:documentation>Genau hinsehen.</bpmn:documentation>
    </bpmn:userTask>
    <bpmn:parallelGateway id="Split"/>
    <bpmn:subProcess id="Sub_1" name="Unterlagen sammeln">
      <bpmn:task id="Inner" name="innen"/>
    </bpmn:subProcess>
    <bpmn:task id="Task_2" name="Bescheid">
      <bpmn:dataOutputAssociation id="Out_1"><bpmn:targetRef>Doc_1</bpmn:targetRef>
      </bpmn:dataOutputAssociation>
    </bpmn:task>
    <bpmn:exclusiveGateway id="Gateway_1" name="Vollständig?"/>
    <bpmn:endEvent id="End_1" name="Fertig"/>
    <bpmn:boundaryEvent id="Boundary_1" attachedToRef="Task_1"/>
    <bpmn:dataObjectReference id="Doc_1" name="Bescheid" dataObjectRef="Data_1"/>
    <bpmn:dataObject id="Data_1"/>
    <bpmn:sequenceFlow id="F1" sourceRef="Start_1" targetRef="Task_1"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Task_1" targetRef="Split"/>
    <bpmn:sequenceFlow id="F3" sourceRef="Split" targetRef="Sub_1"/>
    <bpmn:sequenceFlow id="F4" sourceRef="Split" targetRef="Task_2"/>
    <bpmn:sequenceFlow id="F5" sourceRef="Sub_1" targetRef="Gateway_1"/>
    <bpmn:sequenceFlow id="F6" sourceRef="Task_2" targetRef="Gateway_1"/>
    <bpmn:sequenceFlow id="F7" name="ja" sourceRef="Gateway_1" targetRef="End_1"/>
    <bpmn:sequenceFlow id="F8" sourceRef="Gateway_1" targetRef="Task_1">
      <bpmn:conditionExpression>nein</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F9" sourceRef="Boundary_1" targetRef="End_1"/>
    <bpmn:sequenceFlow id="F10" sourceRef="Task_2" targetRef="Ghost"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_import_foreign_bpmn() -> None:
    chain, issues = from_bpmn(FOREIGN, filename="antrag.bpmn")
    assert chain.title == "Antrag"
    assert [(a.id, a.name) for a in chain.actors] == [("Lane_Amt", "Amt"),
                                                       ("Lane_Person", "Person")]
    kinds = {step.id: (step.kind.value, step.actor, step.title) for step in chain.steps}
    assert kinds == {
        "Start_1": ("start", "Lane_Amt", "Start"),
        "Task_1": ("task", "Lane_Amt", "Antrag prüfen"),
        "Sub_1": ("task", "Lane_Person", "Unterlagen sammeln"),
        "Task_2": ("document", "Lane_Person", "Bescheid"),
        "Gateway_1": ("decision", "Lane_Amt", "Vollständig?"),
        "End_1": ("end", "Lane_Person", "Fertig"),
    }
    assert chain.step("Task_1").description == "Genau hinsehen."
    # the parallel gateway is passed through: Task_1 leads to both branches
    assert chain.step("Task_1").next == (Transition("Sub_1"), Transition("Task_2"))
    assert chain.step("Gateway_1").next == (Transition("End_1", "ja"),
                                            Transition("Task_1", "nein"))
    warnings = [issue for issue in issues if issue.severity == "warning"]
    text = "\n".join(issue.format() for issue in warnings)
    for expected in ("bpmn:messageFlow 'Message_1'", "bpmn:parallelGateway 'Split'",
                     "bpmn:subProcess 'Sub_1'", "bpmn:boundaryEvent 'Boundary_1'"):
        assert expected in text
    assert all(issue.file == "antrag.bpmn" and issue.line > 0 for issue in warnings)
    assert "F9" not in text  # the boundary event's flow goes with it, no second warning
    assert "bpmn:sequenceFlow 'F10' is not imported: 'Ghost' is not a step" in text
    notes = [issue.message for issue in issues if issue.severity == "note"]
    assert any("Start_1" in note for note in notes)  # unnamed start event
    assert any("F8" in note for note in notes)  # condition used as label
    assert load(chain_to_yaml(chain)) == chain


def test_import_without_lanes_puts_steps_into_one_actor() -> None:
    xml = FOREIGN.split("<bpmn:laneSet")[0] + FOREIGN.split("</bpmn:laneSet>")[1]
    chain, issues = from_bpmn(xml)
    assert [actor.name for actor in chain.actors] == ["Antrag"]
    assert {step.actor for step in chain.steps} == {chain.actors[0].id}
    assert any("no lanes" in issue.message for issue in issues)


@pytest.mark.parametrize("evil", [
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><a>&lol;</a>',
    '<?xml version="1.0"?><!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>',
    '<!ENTITY x "y"><a/>',
])
def test_import_refuses_dtds_and_entities(evil: str) -> None:
    with pytest.raises(ProzessketteError, match="refused"):
        from_bpmn(evil)


def test_import_refuses_a_dtd_in_utf16() -> None:
    evil = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'
    with pytest.raises(ProzessketteError, match="refused"):
        from_bpmn(evil.encode("utf-16"))


def test_import_refuses_oversized_and_broken_input(tmp_path: Path) -> None:
    from prozesskette.export import safe_xml

    big = b"<a>" + b" " * (safe_xml.MAX_BPMN_BYTES + 1) + b"</a>"
    with pytest.raises(ProzessketteError, match="too large"):
        from_bpmn(big)
    with pytest.raises(ProzessketteError, match="not well-formed") as broken:
        from_bpmn("<bpmn:definitions>\n  <oops>", filename="x.bpmn")
    assert broken.value.issues[0].line >= 1
    with pytest.raises(ProzessketteError, match="not BPMN"):
        from_bpmn("<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(ProzessketteError, match="no such file"):
        from_bpmn(tmp_path / "missing.bpmn")


def test_import_from_path_and_bytes(tmp_path: Path, example: Chain) -> None:
    path = tmp_path / "chain.bpmn"
    path.write_text(to_bpmn(example), encoding="utf-8")
    assert from_bpmn(path)[0] == example
    assert from_bpmn(str(path))[0] == example
    assert from_bpmn(path.read_bytes())[0] == example


def test_import_reports_invalid_chains_with_positions() -> None:
    xml = to_bpmn(load(CHAINS[0])).replace('name="Jobcenter Stendal"', 'name="  "')
    chain, issues = from_bpmn(xml)
    assert chain.actor("jobcenter").name == "jobcenter"  # falls back to the id, with a note
    assert any(issue.severity == "note" and "pk-lane-jobcenter" in issue.message
               for issue in issues)
    broken = to_bpmn(load(CHAINS[0])).replace('color="#e8f1fb"', 'color="blue"')
    with pytest.raises(ProzessketteError, match="is not a colour") as error:
        from_bpmn(broken, filename="b.bpmn")
    assert error.value.issues[0].line > 1


def test_import_follows_lane_moves() -> None:
    """A shared step moved into another lane in a modeller: that lane's actor leads."""
    xml = to_bpmn(load(CHAINS[0]))
    xml = xml.replace("<bpmn:flowNodeRef>pk-step-beratung</bpmn:flowNodeRef>", "")
    xml = xml.replace("<bpmn:flowNodeRef>pk-step-ankunft</bpmn:flowNodeRef>",
                      "<bpmn:flowNodeRef>pk-step-ankunft</bpmn:flowNodeRef>"
                      "<bpmn:flowNodeRef>pk-step-beratung</bpmn:flowNodeRef>")
    chain, _ = from_bpmn(xml)
    assert chain.step("beratung").actors == ("person", "jobcenter")


# --- YAML ------------------------------------------------------------------------------------

def test_chain_to_yaml_round_trip(chain: Chain) -> None:
    text = chain_to_yaml(chain)
    assert load(text) == chain
    assert "null" not in text and "!!" not in text and "\\u" not in text


def test_chain_to_yaml_style(example: Chain) -> None:
    text = chain_to_yaml(example)
    assert text.startswith("title: Integration von jungen Geflüchteten in Ausbildung\n")
    assert "    next: [beratung]\n" in text
    assert "    actors: [jobcenter, person]\n" in text
    assert "      - {to: ende, label: ja}\n" in text
    assert "\n  - id: person\n" in text  # indented list items, as coordinators write them
    assert "kind: task" not in text and "language: de" not in text
    odd = odd_chain()
    assert load(chain_to_yaml(odd)) == odd


# --- DOT -------------------------------------------------------------------------------------

def test_dot_structure(example: Chain) -> None:
    source = to_dot(example)
    assert "newrank=true" in source
    for actor in example.actors:
        assert f"subgraph cluster_{actor.id} {{" in source
    assert 'label="Jobcenter Stendal"' in source
    assert re.search(r"ankunft \[label=\"Ankunft im Landkreis\".*shape=ellipse", source)
    assert re.search(r"ende \[.*peripheries=2 shape=ellipse", source)
    assert re.search(r"sprachstand \[.*shape=diamond", source)
    assert re.search(r"kurs \[.*shape=box style=\"rounded,filled\"", source)
    assert "sprachstand -> ende [label=ja]" in source
    assert "\\n+ Person" in source  # the shared step names its co-actor


def test_dot_escapes_text() -> None:
    source = to_dot(odd_chain())
    assert '"Übergänge <&> \\"Test\\" ]]>"' in source
    assert 'label="\\"nein\\""' in source
    assert "subgraph \"cluster_шаг-б\"" in source
    assert "Zeile 2 mit \\\\ und" in source  # a backslash stays a backslash


@pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz 'dot' program is "
                    "not installed")
@pytest.mark.parametrize("path", CHAINS, ids=lambda path: path.stem)
def test_dot_renders(path: Path) -> None:
    chain = load(path)
    result = subprocess.run(["dot", "-Tsvg"], input=to_dot(chain).encode(), capture_output=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr.decode()
    svg = ET.fromstring(result.stdout)
    titles = [element.text for element in svg.iter("{http://www.w3.org/2000/svg}title")]
    for actor in chain.actors:
        if any(step.responsible[:1] == (actor.id,) for step in chain.steps):
            assert f"cluster_{actor.id}" in titles
    for step in chain.steps:
        assert step.id in titles
    dot_odd = subprocess.run(["dot", "-Tsvg"], input=to_dot(odd_chain()).encode(),
                             capture_output=True, timeout=60, check=False)
    assert dot_odd.returncode == 0, dot_odd.stderr.decode()
    assert "Übergänge &lt;&amp;&gt; &quot;Test&quot;" in dot_odd.stdout.decode()


# --- Mermaid ---------------------------------------------------------------------------------

def test_mermaid_structure(example: Chain) -> None:
    text = to_mermaid(example)
    lines = text.splitlines()
    assert lines[:4] == ["---", 'title: "Integration von jungen Geflüchteten in Ausbildung"',
                         "---", "flowchart LR"]
    assert '  subgraph lane_jobcenter["Jobcenter Stendal"]' in lines
    assert lines.count("  end") == 3
    assert '    s_ankunft(["Ankunft im Landkreis"])' in lines
    assert '    s_ende((("Bereit für die Ausbildungssuche")))' in lines
    assert '    s_sprachstand{"Sprachniveau B1 erreicht?"}' in lines
    assert '    s_kurs("Integrationskurs besuchen")' in lines
    assert '  s_sprachstand -->|"ja"| s_ende' in lines
    assert "  s_kurs --> s_sprachstand" in lines
    assert "  style lane_jobcenter fill:#e8f1fb,stroke:#999999" in lines
    # the shared step sits in its lead lane only
    lane = text.split("subgraph lane_jobcenter")[1].split("  end")[0]
    assert "s_beratung(" in lane and text.count("s_beratung(") == 1


def test_mermaid_escapes_text_and_ids() -> None:
    text = to_mermaid(odd_chain())
    assert 'title: "Übergänge <&> \\"Test\\" ]]>"' in text  # YAML front matter, JSON-quoted
    assert 'subgraph lane_b_fc_ro["Büro #amp; Co. #lt;Stelle#gt;"]' in text
    assert '{"Prüfen: a #lt; b?"}' in text
    assert '-->|"#quot;nein#quot;"|' in text
    assert mermaid_id("s_", "end") == "s_end"
    assert len({mermaid_id("s_", i) for i in ["a_b", "a-b", "a__b", "a_2d_b"]}) == 4
    for line in text.splitlines()[4:]:
        assert line.count('"') % 2 == 0
