"""BPMN 2.0 XML → Chain, and Chain → the YAML a coordinator edits.

:func:`from_bpmn` undoes :func:`prozesskette.export.bpmn.to_bpmn` exactly, and reads BPMN from
other tools (bpmn.io, Camunda Modeler, Signavio …) as far as the chain format can say it:
lanes become actors, events, tasks and exclusive gateways become steps, sequence flows become
transitions (their names the labels), groups with a category value become phases. Whatever
has no place in a chain (sub-processes, message flows, boundary events, parallel gateways …)
is reported as a warning naming the element's id and tag, with its line in the file.

The XML is read safely by :mod:`prozesskette.export.safe_xml`.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from prozesskette.errors import Issue, ProzessketteError, Severity
from prozesskette.export.bpmn import (
    BPMN_NS,
    LANE_PREFIX,
    PHASE_PREFIX,
    PK_NS,
    STEP_PREFIX,
    XML_NS,
    chain_id,
)
from prozesskette.export.safe_xml import XmlDocument, parse_xml, read_source
from prozesskette.graph import check_partial
from prozesskette.loader import build_chain
from prozesskette.messages import _
from prozesskette.model import FIELDS, ID_RE, Chain
from prozesskette.source import SourceMap

_B = "{" + BPMN_NS + "}"
_PK = "{" + PK_NS + "}"
_XML_LANG = "{" + XML_NS + "}lang"

Translated = str | dict[str, str]
"""A text as the chain format writes it: plain, or language tag → text."""

_KIND_OF_TAG = {"startEvent": "start", "endEvent": "end", "task": "task",
                "userTask": "task", "manualTask": "task", "serviceTask": "task",
                "sendTask": "task", "receiveTask": "task", "scriptTask": "task",
                "businessRuleTask": "task", "exclusiveGateway": "decision"}
_TASK_TAGS = {tag for tag, kind in _KIND_OF_TAG.items() if kind == "task"}
# Elements that become a step although the chain format cannot say all they mean.
_APPROXIMATED = {
    "intermediateCatchEvent": "task", "intermediateThrowEvent": "task", "subProcess": "task",
    "adHocSubProcess": "task", "transaction": "task", "callActivity": "task",
    "inclusiveGateway": "decision", "complexGateway": "decision",
    "eventBasedGateway": "decision",
}


def _approximated(local: str, element: str) -> str:
    """What became of an element that is only approximated, in the reader's language."""
    if local in ("intermediateCatchEvent", "intermediateThrowEvent"):
        return _("{element} is imported as a task; its event trigger is lost").format(
            element=element)
    if local == "callActivity":
        return _("{element} is imported as a task; the called process is not imported").format(
            element=element)
    if local == "eventBasedGateway":
        return _("{element} is imported as a decision on the following events").format(
            element=element)
    if _APPROXIMATED[local] == "decision":
        return _("{element} is imported as a decision (one branch only)").format(
            element=element)
    return _("{element} is imported as one task; its content is not imported").format(
        element=element)

# Elements read elsewhere or carrying nothing a chain needs.
_QUIET = {"documentation", "extensionElements", "laneSet", "sequenceFlow", "group",
          "dataObject", "dataObjectReference", "auditing", "monitoring"}
_FALLBACK_TITLE = {"start": "Start", "end": "Ende", "decision": "Entscheidung"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _prefixed(tag: str) -> str:
    """``{ns}local`` as a reader knows it: ``bpmn:local`` for BPMN, else the local name."""
    return ("bpmn:" if tag.startswith(_B) else "") + _local(tag)


# --- mapping ---------------------------------------------------------------------------------

def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _documentation(element: ET.Element) -> str | None:
    texts = [_clean("".join(doc.itertext())) for doc in element.findall(_B + "documentation")]
    return "\n\n".join(text for text in texts if text) or None


def _pk(element: ET.Element, name: str) -> list[ET.Element]:
    extensions = element.find(_B + "extensionElements")
    return [] if extensions is None else extensions.findall(_PK + name)


def _pk_one(element: ET.Element, name: str) -> dict[str, str]:
    found = _pk(element, name)
    return dict(found[0].attrib) if found else {}


def _texts(holder: ET.Element | None) -> dict[str, dict[str, str]]:
    """The translations among ``holder``'s children (``pk:text``): field → language → text,
    in the order written."""
    found: dict[str, dict[str, str]] = {}
    for item in holder.findall(_PK + "text") if holder is not None else ():
        name, language, text = item.get("field"), item.get(_XML_LANG), _clean(item.text)
        if name and language and text:
            found.setdefault(name, {})[language] = text
    return found


def _element_texts(element: ET.Element) -> dict[str, dict[str, str]]:
    """The translations of a BPMN element's texts, from its ``extensionElements``."""
    return _texts(element.find(_B + "extensionElements"))


def _translated(shown: str | None, translations: dict[str, str] | None) -> Translated | None:
    """A text from BPMN's own place for it (a name, a documentation …) and its translations.
    The place wins for the first language, the one it shows: a modelling tool edits only the
    place, so a changed name is the newer text."""
    if not translations:
        return shown
    if shown is None:
        return dict(translations)
    return {**translations, next(iter(translations)): shown}


class _Ids:
    """Chain ids for BPMN ids: ours decoded, others' made valid and unique."""

    def __init__(self) -> None:
        self.used: dict[str, set[str]] = {}

    def make(self, kind: str, bpmn_id: str, prefix: str) -> str:
        used = self.used.setdefault(kind, set())
        decoded = chain_id(bpmn_id, prefix)
        if decoded is not None and ID_RE.match(decoded) and len(decoded) <= 80:
            candidate = decoded
        else:
            candidate = re.sub(r"[^\w\-]", "_", bpmn_id)[:76] or kind
            if not ID_RE.match(candidate):
                candidate = f"{kind[:1]}_{candidate}"[:76]
        unique, number = candidate, 2
        while unique in used:
            unique, number = f"{candidate}_{number}", number + 1
        used.add(unique)
        return unique


@dataclass
class _Import:
    doc: XmlDocument
    issues: list[Issue] = field(default_factory=list)
    ids: _Ids = field(default_factory=_Ids)
    positions: dict[tuple[str | int, ...], tuple[int, int]] = field(default_factory=dict)

    def warn(self, element: ET.Element | None, message: str, hint: str | None = None,
             severity: Severity = "warning", code: str = "bpmn-unsupported") -> None:
        line, col = self.doc.at(element)
        self.issues.append(Issue(self.doc.file, line, col, severity, message, hint, code))

    def describe(self, element: ET.Element) -> str:
        name = _clean(element.get("name"))
        return f"{_prefixed(element.tag)} '{element.get('id', '?')}'" + \
            (f" ({name})" if name else "")

    def locate(self, path: tuple[str | int, ...], element: ET.Element) -> None:
        if element in self.doc.positions:
            self.positions[path] = self.doc.positions[element]


def from_bpmn(source: str | bytes | os.PathLike[str], *,
              filename: str | None = None) -> tuple[Chain, list[Issue]]:
    """Read a BPMN 2.0 XML document (text, bytes or a file path) as a chain.

    Returns the chain and the issues found (warnings for what could not be mapped, notes for
    what was guessed). Raises :class:`ProzessketteError` if the input is unsafe, not XML, not
    BPMN, or does not make a valid chain (the issues say why and where).
    """
    data, name = read_source(source, filename)
    doc = parse_xml(data, name)
    work = _Import(doc)
    if doc.root.tag != _B + "definitions":
        raise ProzessketteError(Issue(name, *doc.at(doc.root), "error",
                                      _("this is not BPMN 2.0: the root element is '{root}', "
                                        "not bpmn:definitions").format(
                                          root=_local(doc.root.tag)),
                                      _("BPMN 2.0 files use the namespace {namespace}").format(
                                          namespace=BPMN_NS),
                                      "bpmn-root"))
    process, participant = _choose_process(work)
    chain_data = _map_process(work, process, participant)
    smap = SourceMap(name, values=dict(work.positions))
    loaded = build_chain(chain_data, smap)
    partial_checks = check_partial(loaded.partial) if loaded.partial is not None else []
    issues = sorted([*work.issues, *loaded.issues, *partial_checks])
    if loaded.chain is None or any(issue.is_error for issue in issues):
        raise ProzessketteError(issues)
    return loaded.chain, issues


def _choose_process(work: _Import) -> tuple[ET.Element, ET.Element | None]:
    """The one process that becomes the chain: the first pool's (with flow nodes), else the
    first process. Other pools and message flows are reported."""
    root = work.doc.root
    processes = {p.get("id"): p for p in root.findall(_B + "process")}
    participants = [p for c in root.findall(_B + "collaboration")
                    for p in c.findall(_B + "participant")]
    for collaboration in root.findall(_B + "collaboration"):
        for flow in collaboration.findall(_B + "messageFlow"):
            work.warn(flow, _("{element} is not imported: a chain has one pool, message flows "
                              "between pools have no place in it").format(
                                  element=work.describe(flow)),
                      _("model the hand-off as a sequence flow between lanes"))
    candidates: list[tuple[ET.Element, ET.Element | None]] = [
        (processes[p.get("processRef")], p) for p in participants
        if p.get("processRef") in processes]
    candidates += [(p, None) for p in processes.values()
                   if all(p is not chosen for chosen, _pool in candidates)]
    if not candidates:
        raise ProzessketteError(Issue(work.doc.file, *work.doc.at(root), "error",
                                      _("the file has no bpmn:process"), code="bpmn-empty"))

    def has_nodes(process: ET.Element) -> bool:
        return any(_local(child.tag) in _KIND_OF_TAG or _local(child.tag) in _APPROXIMATED
                   for child in process)

    process, participant = next(((p, q) for p, q in candidates if has_nodes(p)), candidates[0])
    for other, other_participant in candidates:
        if other is not process:
            shown = other_participant if other_participant is not None else other
            if other_participant is not None and not has_nodes(other):
                continue  # an empty (collapsed) pool, e.g. an external partner: nothing lost
            work.warn(shown, _("{element} is not imported: only one pool ({pool}) becomes "
                               "the chain").format(element=work.describe(shown),
                                                   pool=process.get("id")),
                      _("import each pool's process separately, or merge them into lanes"))
    return process, participant


def _lanes(work: _Import, process: ET.Element) -> list[ET.Element]:
    """Leaf lanes in document order; nested lanes are flattened (with a warning)."""
    leaves: list[ET.Element] = []
    pending = [lane for lane_set in process.findall(_B + "laneSet")
               for lane in lane_set.findall(_B + "lane")]
    while pending:
        lane = pending.pop(0)
        children = [child for child_set in lane.findall(_B + "childLaneSet")
                    for child in child_set.findall(_B + "lane")]
        if children:
            work.warn(lane, _("{element} has lanes inside it: its inner lanes become the "
                              "actors").format(element=work.describe(lane)),
                      code="bpmn-approximated")
            pending[0:0] = children
        else:
            leaves.append(lane)
    return leaves


def _map_process(work: _Import, process: ET.Element,
                 participant: ET.Element | None) -> dict[str, Any]:
    root = work.doc.root
    settings = _pk_one(process, "chain")
    texts = _element_texts(process)
    title = _translated((_clean(participant.get("name")) if participant is not None else None)
                        or _clean(process.get("name")) or _clean(root.get("name")),
                        texts.get("title"))
    if title is None:
        title = "Prozess"
        work.warn(participant if participant is not None else process,
                  _("the pool has no name: the chain is called '{title}'").format(title=title),
                  _("give the chain a title"), "note", "bpmn-guess")
    data: dict[str, Any] = {
        "title": title,
        "region": _translated(settings.get("region"), texts.get("region")),
        "version": settings.get("version"),
        "language": settings.get("language"),
        "direction": settings.get("direction"),
        "lane_order": settings.get("lane_order"),
        "author": settings.get("author"),
        "description": _translated(_documentation(process), texts.get("description")),
    }

    # actors
    lane_of: dict[str, str] = {}
    actors: list[dict[str, Any]] = []
    for lane in _lanes(work, process):
        actor_id = work.ids.make("actor", lane.get("id", "lane"), LANE_PREFIX)
        texts = _element_texts(lane)
        name = _translated(_clean(lane.get("name")), texts.get("name"))
        if name is None:
            name = actor_id
            work.warn(lane, _("{element} has no name: the actor is called '{actor}'").format(
                element=work.describe(lane), actor=actor_id), None, "note", "bpmn-guess")
        extra = _pk_one(lane, "actor")
        work.locate(("actors", len(actors)), lane)
        actors.append({"id": actor_id, "name": name,
                       "short": _translated(extra.get("short"), texts.get("short")),
                       "color": extra.get("color"),
                       "description": _translated(_documentation(lane),
                                                  texts.get("description")),
                       "url": extra.get("url"),
                       "contacts": [_contact(contact) for contact in _pk(lane, "contact")]
                       or None,
                       "pin": extra.get("pin")})
        for ref in lane.findall(_B + "flowNodeRef"):
            if ref.text and ref.text.strip() not in lane_of:
                lane_of[ref.text.strip()] = actor_id
    if not actors:
        actor_id = work.ids.make("actor", (participant if participant is not None
                                           else process).get("id", "prozess"), "")
        actors.append({"id": actor_id, "name": title})
        work.warn(process, _("the process has no lanes: all steps go to one actor, "
                             "'{actor}'").format(actor=actor_id),
                  _("add lanes for the actors in the modelling tool"),
                  code="bpmn-approximated")
    data["actors"] = actors

    phases, phase_of_value = _map_phases(work, process)
    data["phases"] = phases or None
    data["services"] = [_service(service) for service in _pk(process, "service")] or None

    data["steps"] = _map_steps(work, process, lane_of, phase_of_value,
                               actors[0]["id"] if not lane_of and len(actors) == 1 else None)
    return data


def _map_phases(work: _Import,
                process: ET.Element) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The phases (category values shown by groups or named by flow nodes), and the phase id
    of each category value's id."""
    values = {value.get("id"): value for category in work.doc.root.findall(_B + "category")
              for value in category.findall(_B + "categoryValue")}
    used_values = {group.get("categoryValueRef") for group in process.iter(_B + "group")}
    used_values |= {(ref.text or "").strip() for ref in process.iter(_B + "categoryValueRef")}
    phase_of_value: dict[str, str] = {}
    phases: list[dict[str, Any]] = []
    for value_id, value in values.items():
        if value_id is None or value_id not in used_values:
            continue
        phase_id = work.ids.make("phase", value_id, PHASE_PREFIX)
        phase_of_value[value_id] = phase_id
        work.locate(("phases", len(phases)), value)
        phases.append({"id": phase_id, "title": _translated(
            _clean(value.get("value")), _element_texts(value).get("title")) or phase_id})
    for group in process.iter(_B + "group"):
        if group.get("categoryValueRef") not in phase_of_value:
            work.warn(group, _("{element} is not imported: it names no category value, so it "
                               "is no phase").format(element=work.describe(group)),
                      _("give the group a name (category value)"))
    return phases, phase_of_value


def _contact(contact: ET.Element) -> dict[str, Any]:
    """A ``pk:contact``: its attributes, the role with its ``pk:text`` translations."""
    return {**{key: contact.get(key) for key in ("name", "phone", "email", "url", "address",
                                                  "organization", "checked")},
            "role": _translated(contact.get("role"), _texts(contact).get("role"))}


def _service(service: ET.Element) -> dict[str, Any]:
    """A ``pk:service``: its description is its text, or all in its ``pk:text`` children."""
    texts = _texts(service)
    return {"id": service.get("id"),
            "title": _translated(service.get("title"), texts.get("title")),
            "description": _translated(_clean(service.text), texts.get("description"))}


def _map_steps(work: _Import, process: ET.Element, lane_of: dict[str, str],
               phase_of_value: dict[str, str], only_actor: str | None) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    step_of: dict[str, dict[str, Any]] = {}  # BPMN id → step data
    bridged: set[str] = set()  # parallel gateways: their flows are joined up
    reported: set[str] = set()
    document_refs: set[str] = set()
    for element in process:
        local = _local(element.tag)
        element_id = element.get("id", "")
        if not element.tag.startswith(_B):
            work.warn(element, _("{tag} '{id}' is not BPMN and not imported").format(
                tag=element.tag, id=element_id))
            reported.add(element_id)
            continue
        if local in _KIND_OF_TAG or local in _APPROXIMATED:
            if local in _APPROXIMATED:
                kind = _APPROXIMATED[local]
                work.warn(element, _approximated(local, work.describe(element)),
                          code="bpmn-approximated")
            else:
                kind = _KIND_OF_TAG[local]
            outputs = element.findall(_B + "dataOutputAssociation")
            if local in _TASK_TAGS and outputs:
                kind = "document"
                document_refs |= {(target.text or "").strip() for output in outputs
                                  for target in output.findall(_B + "targetRef")}
            step = _step(work, element, kind, lane_of, phase_of_value, only_actor)
            work.locate(("steps", len(steps)), element)
            steps.append(step)
            step_of[element_id] = step
        elif local == "parallelGateway":
            bridged.add(element_id)
            work.warn(element, _("{element} is not imported: its incoming flows lead straight "
                                 "on to its outgoing ones (a step with several 'next' steps "
                                 "runs them side by side)").format(
                                     element=work.describe(element)),
                      code="bpmn-approximated")
        elif local not in _QUIET:
            hint = (_("its outgoing flows are dropped too; model the exception as a decision")
                    if local == "boundaryEvent" else None)
            work.warn(element, _("{element} is not imported: the chain format has no such "
                                 "element").format(element=work.describe(element)), hint)
            reported.add(element_id)
    for element in process.findall(_B + "dataObjectReference"):
        if element.get("id") not in document_refs:
            work.warn(element, _("{element} is not imported: only a data object that a task "
                                 "puts out makes the task a document step").format(
                                     element=work.describe(element)))
    _map_flows(work, process, step_of, bridged, reported, steps)
    for step in steps:
        if not step["next"]:
            del step["next"]
    return steps


def _step(work: _Import, element: ET.Element, kind: str, lane_of: dict[str, str],
          phase_of_value: dict[str, str], only_actor: str | None) -> dict[str, Any]:
    element_id = element.get("id", "step")
    step_id = work.ids.make("step", element_id, STEP_PREFIX)
    texts = _element_texts(element)
    title = _translated(_clean(element.get("name")), texts.get("title"))
    if title is None:
        title = _FALLBACK_TITLE.get(kind, step_id)
        work.warn(element, _("{element} has no name: its title is '{title}'").format(
            element=work.describe(element), title=title), None, "note", "bpmn-guess")
    extra = _pk_one(element, "step")
    lane_actor = lane_of.get(element_id, only_actor)
    actor: str | None = lane_actor
    actors: list[str] | None = None
    if "actors" in extra:
        actors = extra["actors"].split()
        if lane_actor is not None and actors[:1] != [lane_actor]:
            # moved to another lane in a modelling tool: that lane's actor now leads
            actors = [lane_actor, *(a for a in actors if a != lane_actor)]
        actor = None
    elif lane_actor is None:
        work.warn(element, _("{element} lies in no lane: it has no actor").format(
            element=work.describe(element)), _("put it into the lane of the actor responsible "
                                               "for it"))
    phase = extra.get("phase")
    if phase is None:
        refs = [(ref.text or "").strip() for ref in element.findall(_B + "categoryValueRef")]
        phases = [phase_of_value[ref] for ref in refs if ref in phase_of_value]
        if len(phases) > 1:
            work.warn(element, _("{element} belongs to several phases; it goes into the "
                                 "first, '{phase}'").format(element=work.describe(element),
                                                            phase=phases[0]),
                      code="bpmn-approximated")
        phase = phases[0] if phases else None
    return {"id": step_id, "title": title,
            "description": _translated(_documentation(element), texts.get("description")),
            "kind": None if kind == "task" else kind, "actor": actor, "actors": actors,
            "phase": phase, "next": [], "legal_basis": extra.get("legalBasis"),
            "service": extra.get("service"), "url": extra.get("url")}


def _map_flows(work: _Import, process: ET.Element, step_of: dict[str, dict[str, Any]],
               bridged: set[str], reported: set[str], steps: list[dict[str, Any]]) -> None:
    flows: list[tuple[ET.Element, str, str, Translated | None]] = []
    for flow in process.findall(_B + "sequenceFlow"):
        label = _translated(_clean(flow.get("name")), _element_texts(flow).get("label"))
        condition = flow.find(_B + "conditionExpression")
        if label is None and condition is not None and _clean("".join(condition.itertext())):
            label = _clean("".join(condition.itertext()))
            work.warn(flow, _("{element} has a condition but no name: the condition becomes "
                              "its label").format(element=work.describe(flow)),
                      None, "note", "bpmn-guess")
        flows.append((flow, flow.get("sourceRef", ""), flow.get("targetRef", ""), label))
    leaving: dict[str, list[tuple[str, Translated | None]]] = {}
    for _flow, source, target, label in flows:
        leaving.setdefault(source, []).append((target, label))

    def ends(target: str, label: Translated | None,
             seen: frozenset[str]) -> list[tuple[str, Translated | None]]:
        """Where a flow into ``target`` arrives once parallel gateways are passed through."""
        if target not in bridged:
            return [(target, label)]
        if target in seen:
            return []
        result: list[tuple[str, Translated | None]] = []
        for after, after_label in leaving.get(target, []):
            result += ends(after, label or after_label, seen | {target})
        return result

    index_of = {id(step): index for index, step in enumerate(steps)}
    for flow, source, target, label in flows:
        if source in bridged:
            continue  # followed from the flows into the gateway
        known = source in step_of
        arrivals = ends(target, label, frozenset())
        if known and arrivals and all(end in step_of for end, _label in arrivals):
            step = step_of[source]
            for end, end_label in arrivals:
                transition = {"to": step_of[end]["id"], "label": end_label}
                if target in bridged and transition in step["next"]:
                    continue
                work.locate(("steps", index_of[id(step)], "next", len(step["next"])), flow)
                step["next"].append(transition)
            continue
        if source in reported or target in reported:
            continue
        missing = next((end for end, _label in arrivals if end not in step_of), target) if known \
            else source
        work.warn(flow, _("{element} is not imported: '{missing}' is not a step").format(
            element=work.describe(flow), missing=missing))


# --- YAML ------------------------------------------------------------------------------------

# The order coordinators read a step in: what, who, when; then details; then where it leads.
STEP_KEYS = ("id", "title", "kind", "actor", "actors", "phase", "service", "legal_basis", "url",
             "description", "next")

def chain_to_yaml(chain: Chain) -> str:
    """The chain in the file format coordinators write: only the fields that are set, block
    style, text unescaped, ``next: [a, b]`` when no branch has a label, one blank line between
    sections and between the items of the long lists. ``load`` reads it back unchanged."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)  # "  - item" under a key, as people write

    class Flow(list[Any]):
        pass

    class FlowMap(dict[str, Any]):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    def flow_seq(dumper: yaml.SafeDumper, value: Flow) -> yaml.SequenceNode:
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)

    def flow_map(dumper: yaml.SafeDumper, value: FlowMap) -> yaml.MappingNode:
        return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)

    Dumper.add_representer(str, text)
    Dumper.add_representer(Flow, flow_seq)
    Dumper.add_representer(FlowMap, flow_map)

    plain = chain.to_dict()
    data = {key: plain[key] for key in FIELDS["Chain"] if key in plain}  # the format's order
    data["steps"] = [{key: step[key] for key in (*STEP_KEYS, *step) if key in step}
                     for step in data["steps"]]
    for step in data["steps"]:
        if "actors" in step:
            step["actors"] = Flow(step["actors"])
        if "next" in step:
            labelled = any("label" in item for item in step["next"])
            step["next"] = ([FlowMap(item) if "label" in item else item["to"]
                             for item in step["next"]] if labelled
                            else Flow(item["to"] for item in step["next"]))
    dumped: str = yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False,
                            default_flow_style=False, width=96, indent=2)
    lines: list[str] = []
    section = ""
    for line in dumped.splitlines():
        key = re.match(r"^([a-z_]+):", line)
        if key:
            section = key.group(1)
            if section in ("description", "actors", "phases", "services", "steps"):
                lines.append("")
        elif line.startswith("  - ") and section in ("actors", "steps") and \
                not lines[-1].endswith(":"):
            lines.append("")
        lines.append(line)
    return "\n".join(lines) + "\n"
