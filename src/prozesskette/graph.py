"""The chain as a directed graph, and the structural checks.

Each check is a plain function ``check_*(graph) -> list[Issue]``; :func:`check_chain` runs
them all. Ties are always broken by declared (file) order. :func:`check_loaded` adds them to
what :func:`prozesskette.loader.read_chain` found (for a chain that did not load, only those
that :func:`check_partial` can judge on its valid parts).
"""

from __future__ import annotations

import calendar
import heapq
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Literal

from prozesskette.errors import FOLLOWS_FROM, Issue, did_you_mean
from prozesskette.loader import PLACEHOLDER_STEP, Loaded, PartialChain, read_chain
from prozesskette.messages import _, ngettext
from prozesskette.model import Chain, Step, StepKind
from prozesskette.source import SourceMap, unlocated
from prozesskette.vcard import vcard


@dataclass(frozen=True)
class Edge:
    """A transition between two known steps, with its position in the file."""

    source: str
    target: str
    label: str | None
    index: int  # position within the source step's `next`


class ChainGraph:
    """A chain plus its transition graph, in declared order."""

    def __init__(self, chain: Chain) -> None:
        self.chain = chain
        self.source: SourceMap = chain.source or unlocated()
        self.order: dict[str, int] = {}
        for index, step in enumerate(chain.steps):
            self.order.setdefault(step.id, index)
        self.steps: dict[str, Step] = {}
        for step in chain.steps:
            self.steps.setdefault(step.id, step)
        self.edges: list[Edge] = [
            Edge(step.id, transition.to, transition.label, index)
            for step in self.steps.values()
            for index, transition in enumerate(step.next)
            if transition.to in self.steps
        ]

    @cached_property
    def components(self) -> list[list[str]]:
        """Strongly connected components with more than one step (the loops), in file order."""
        return [c for c in strongly_connected(self.steps, self.successors_map) if len(c) > 1]

    @cached_property
    def successors_map(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {step_id: [] for step_id in self.steps}
        for edge in self.edges:
            result[edge.source].append(edge.target)
        return result

    @cached_property
    def cycle_edges(self) -> set[tuple[str, str]]:
        """Transitions that lie on some loop (inside a strongly connected component)."""
        component_of = {node: number for number, component in enumerate(self.components)
                        for node in component}
        return {(e.source, e.target) for e in self.edges
                if e.source in component_of
                and component_of[e.source] == component_of.get(e.target)}

    def loop_through(self, component: list[str]) -> list[str]:
        """One elementary loop inside a component, starting at its earliest step."""
        members = set(component)
        start = component[0]
        parent: dict[str, str] = {}
        queue = [start]
        for node in queue:  # breadth-first: the shortest way back to start
            for nxt in self.successors_map[node]:
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return list(reversed(path))
                if nxt in members and nxt not in parent and nxt != start:
                    parent[nxt] = node
                    queue.append(nxt)
        return [start]

    def path(self, step_id: str, *parts: str | int) -> tuple[str | int, ...]:
        return ("steps", self.order[step_id], *parts)

    def at(self, step_id: str, *parts: str | int) -> tuple[int, int]:
        return self.source.where(self.path(step_id, *parts))


def _spread(roots: list[str], neighbours: dict[str, list[str]], seen: set[str]) -> list[str]:
    """The steps reached from ``roots`` that are not in ``seen`` yet (``seen`` grows by them):
    a walk that stops where an earlier walk went, so that many walks cost one."""
    found = [root for root in dict.fromkeys(roots) if root not in seen]
    seen.update(found)
    for step_id in found:  # grows while it runs: breadth first
        for nxt in neighbours[step_id]:
            if nxt not in seen:
                seen.add(nxt)
                found.append(nxt)
    return found


def strongly_connected(nodes: Iterable[str], successors: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components listed in file order of their first node."""
    order = {node: i for i, node in enumerate(nodes)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    for root in order:
        if root in index:
            continue
        work = [(root, iter(successors[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    result.append(sorted(component, key=order.__getitem__))
    return sorted(result, key=lambda c: order[c[0]])


def _steps_with_index(chain: Chain) -> Iterable[tuple[int, Step]]:
    return enumerate(chain.steps)


def check_unique_ids(graph: ChainGraph) -> list[Issue]:
    """Ids of actors, phases, services and steps are unique within their kind."""
    issues: list[Issue] = []
    chain, source = graph.chain, graph.source
    groups: list[tuple[str, str, Iterable[str]]] = [
        ("actors", "actor", (a.id for a in chain.actors)),
        ("phases", "phase", (p.id for p in chain.phases)),
        ("services", "service", (s.id for s in chain.services)),
        ("steps", "step", (s.id for s in chain.steps)),
    ]
    for section, noun, ids in groups:
        seen: dict[str, int] = {}
        for index, item_id in enumerate(ids):
            if item_id in seen:
                first_line = source.where((section, seen[item_id], "id"))[0]
                issues.append(source.issue(
                    (section, index, "id"), "error",
                    _duplicate_message(noun).format(id=item_id),
                    _duplicate_hint(noun).format(line=first_line),
                    code="duplicate-id"))
            else:
                seen[item_id] = index
    return issues


def _duplicate_message(noun: str) -> str:
    messages = {"actor": _("duplicate actor id '{id}'"), "phase": _("duplicate phase id '{id}'"),
                "service": _("duplicate service id '{id}'"),
                "step": _("duplicate step id '{id}'")}
    return messages[noun]


def _duplicate_hint(noun: str) -> str:
    hints = {"actor": _("the same id is used at line {line}; give each actor its own id"),
             "phase": _("the same id is used at line {line}; give each phase its own id"),
             "service": _("the same id is used at line {line}; give each service its own id"),
             "step": _("the same id is used at line {line}; give each step its own id")}
    return hints[noun]


def _noun(noun: str) -> str:
    """The printed name of a section's items, in the user's language."""
    nouns = {"actor": _("actor"), "phase": _("phase"), "service": _("service"),
             "step": _("step")}
    return nouns.get(noun, noun)


def _unknown(source: SourceMap, path: tuple[str | int, ...], noun: str, value: str,
             known: list[str], section: str) -> Issue:
    guess = did_you_mean(value, known)
    shown = _noun(noun)
    hint = _("did you mean '{guess}'?").format(guess=guess) if guess else (
        _("known {noun} ids: ").format(noun=shown) + ", ".join(known[:12])
        + (" …" if len(known) > 12 else "")
        if known else _("declare it under '{section}:'").format(section=section))
    messages = {"actor": _("unknown actor '{value}'"), "phase": _("unknown phase '{value}'"),
                "service": _("unknown service '{value}'"), "step": _("unknown step '{value}'")}
    message = messages.get(noun, "unknown " + noun + " '{value}'").format(value=value)
    return source.issue(path, "error", message, hint, code=f"unknown-{noun}")


def check_references(graph: ChainGraph) -> list[Issue]:
    """Every actor, phase, service and step a step names exists."""
    issues: list[Issue] = []
    chain, source = graph.chain, graph.source
    actors = [a.id for a in chain.actors]
    phases = [p.id for p in chain.phases]
    services = [s.id for s in chain.services]
    steps = [s.id for s in chain.steps]
    step_ids = set(steps)  # a list lookup per transition made 5,000 steps take 0.3 s
    for index, step in _steps_with_index(chain):
        if step.actor is not None and step.actor not in actors:
            issues.append(_unknown(source, ("steps", index, "actor"), "actor", step.actor,
                                   actors, "actors"))
        for position, actor_id in enumerate(step.actors or ()):
            if actor_id not in actors:
                issues.append(_unknown(source, ("steps", index, "actors", position), "actor",
                                       actor_id, actors, "actors"))
        if step.phase is not None and step.phase not in phases:
            issues.append(_unknown(source, ("steps", index, "phase"), "phase", step.phase,
                                   phases, "phases"))
        if step.phase is None and phases:
            issues.append(source.issue(("steps", index), "error",
                                       _("step '{step}' has no phase").format(step=step.id),
                                       _("add `phase: …` with one of: {phases}").format(
                                           phases=", ".join(phases)),
                                       code="missing-phase"))
        if step.service is not None and services and step.service not in services:
            issues.append(_unknown(source, ("steps", index, "service"), "service", step.service,
                                   services, "services"))
        for position, transition in enumerate(step.next):
            if transition.to not in step_ids:
                issues.append(_unknown(source, ("steps", index, "next", position), "step",
                                       transition.to, steps, "steps"))
            elif transition.to == step.id:
                issues.append(source.issue(("steps", index, "next", position), "error",
                                           _("step '{step}' leads to itself").format(
                                               step=step.id),
                                           _("a repeated activity is a loop over two steps, "
                                             "e.g. a decision and the step to repeat"),
                                           code="self-loop"))
        seen_targets: set[str] = set()
        for position, transition in enumerate(step.next):
            if transition.to in seen_targets:
                issues.append(source.issue(("steps", index, "next", position), "error",
                                           _("step '{step}' leads to '{target}' twice").format(
                                               step=step.id, target=transition.to),
                                           _("keep one of the two transitions"),
                                           code="duplicate-transition"))
            seen_targets.add(transition.to)
    return issues


def check_responsible(graph: ChainGraph) -> list[Issue]:
    """Every step has a responsible actor (a gap otherwise)."""
    return [
        graph.source.issue(("steps", index), "error",
                           _("step '{step}' has no responsible actor (a gap in the chain)"
                             ).format(step=step.id),
                           _("add `actor: …` or `actors: [a, b]`"), code="gap")
        for index, step in _steps_with_index(graph.chain) if not step.responsible
    ]


def check_start_end(graph: ChainGraph) -> list[Issue]:
    """At least one start and one end; starts have no predecessors, ends no successors."""
    chain, source = graph.chain, graph.source
    issues: list[Issue] = []
    kinds = [step.kind for step in chain.steps]
    if StepKind.start not in kinds:
        issues.append(source.issue(("steps",), "error", _("the chain has no start step"),
                                   _("mark the first step with `kind: start`"), code="no-start"))
    if StepKind.end not in kinds:
        issues.append(source.issue(("steps",), "error", _("the chain has no end step"),
                                   _("mark the last step(s) with `kind: end`"), code="no-end"))
    targets = {edge.target for edge in graph.edges}
    for index, step in _steps_with_index(chain):
        if step.kind is StepKind.end and step.next:
            issues.append(source.issue(("steps", index, "next"), "error",
                                       _("end step '{step}' has following steps").format(
                                           step=step.id),
                                       _("remove `next`, or make it a task"),
                                       code="end-has-next"))
        if step.kind is StepKind.start and step.id in targets:
            issues.append(source.issue(("steps", index, "kind"), "warning",
                                       _("start step '{step}' is reached from other steps"
                                         ).format(step=step.id),
                                       _("make it a task, or add a start step before it"),
                                       code="start-has-predecessor"))
        if step.kind is not StepKind.end and not step.next:
            issues.append(source.issue(("steps", index), "error",
                                       _("step '{step}' leads nowhere").format(step=step.id),
                                       _("add `next: [...]`, or mark it `kind: end`"),
                                       code="dead-end"))
    return issues


@dataclass(frozen=True)
class BrokenLink:
    """A step whose way on is broken, which an error reports: a `next` that names an unknown
    step, or no `next` at all on a step that is not an end. The steps behind it become
    unreachable, and those before it reach no end: consequences, not causes."""

    step: str
    at: tuple[int, int]  # where the error that reports it stands
    guess: str | None  # the step an unknown id probably meant (the 'did you mean')


def broken_links(graph: ChainGraph) -> list[BrokenLink]:
    """Every broken link, in file order, at the position of its error."""
    known = [step.id for step in graph.chain.steps]  # as check_references suggests
    links: list[BrokenLink] = []
    for index, step in _steps_with_index(graph.chain):
        if graph.order[step.id] != index:
            continue  # a duplicate id: the graph knows the first step only
        if step.kind is not StepKind.end and not step.next:
            links.append(BrokenLink(step.id, graph.source.where(("steps", index)), None))
        links += [BrokenLink(step.id, graph.source.where(("steps", index, "next", position)),
                             did_you_mean(transition.to, known))
                  for position, transition in enumerate(step.next)
                  if transition.to not in graph.steps]
    return links


def _end_causes(links: list[BrokenLink], predecessors: dict[str, list[str]],
                reaches_end: set[str]) -> dict[str, BrokenLink]:
    """Steps that reach no end only because they lead to a broken link (were the link whole,
    it would lead on): each with the first such link, in file order."""
    seen = set(reaches_end)
    return {step_id: link for link in links
            for step_id in _spread([link.step], predecessors, seen)}


def _start_causes(graph: ChainGraph, links: list[BrokenLink], reached: set[str],
                  predecessors: dict[str, list[str]]) -> dict[str, BrokenLink]:
    """Steps that no start reaches only because a broken link cut them off: each with the
    link that, repaired, reaches it. A repaired link leads to its 'did you mean' step; the
    first also to every entry of the cut-off part (the first step of each loop or step there
    that no other cut-off step leads into: in a whole chain something reached leads into it,
    so an entry is where a lost transition led). Links are repaired once a start reaches
    them, the earliest in the file first."""
    cut_off = {step_id for step_id in graph.steps if step_id not in reached}
    inside = {step_id: [nxt for nxt in graph.successors_map[step_id] if nxt in cut_off]
              for step_id in graph.steps if step_id in cut_off}
    entries = [component[0] for component in strongly_connected(inside, inside)
               if all(before in component for member in component
                      for before in predecessors[member])]
    links_at: dict[str, list[int]] = {}
    for number, link in enumerate(links):
        links_at.setdefault(link.step, []).append(number)
    ready = [number for number, link in enumerate(links) if link.step in reached]
    heapq.heapify(ready)
    reached_now = set(reached)
    causes: dict[str, BrokenLink] = {}
    while ready:
        link = links[heapq.heappop(ready)]
        targets = [*([link.guess] if link.guess else []), *entries]
        entries = []
        for step_id in _spread(targets, graph.successors_map, reached_now):
            causes[step_id] = link
            for number in links_at.get(step_id, ()):
                heapq.heappush(ready, number)
    return causes


ReachCode = Literal["unreachable", "no-way-to-end"]


def _reach_errors() -> dict[ReachCode, tuple[str, str]]:
    """code → (message, hint), in the user's language (a function: chosen when used)."""
    return {
        "unreachable": (_("step '{step}' cannot be reached from a start"),
                        _("name it in the `next` of an earlier step")),
        "no-way-to-end": (_("no end can be reached from step '{step}'"),
                          _("lead it (or the loop it is in) on to a step that reaches an end")),
    }


def _reach_follow_ons() -> dict[ReachCode, tuple[str, str]]:
    """code → (message with the cause's line, message for a chain without lines)."""
    return {
        "unreachable": (_("step '{step}' cannot be reached from a start (follows from the "
                          "`next` of step '{cause}' at line {line}:{col})"),
                        _("step '{step}' cannot be reached from a start (follows from the "
                          "`next` of step '{cause}')")),
        "no-way-to-end": (_("no end can be reached from step '{step}' (follows from the "
                            "`next` of step '{cause}' at line {line}:{col})"),
                          _("no end can be reached from step '{step}' (follows from the "
                            "`next` of step '{cause}')")),
    }


def _reach_issue(graph: ChainGraph, index: int, code: ReachCode,
                 cause: BrokenLink | None) -> Issue:
    """An error, or a note with the code "follows-from" when a broken link explains it."""
    step_id = graph.chain.steps[index].id
    line, col = graph.source.where(("steps", index))
    if cause is None:
        message, hint = _reach_errors()[code]
        return Issue(graph.source.file, line, col, "error", message.format(step=step_id), hint,
                     code)
    located, unlocated_message = _reach_follow_ons()[code]
    message = (located if cause.at[0] else unlocated_message).format(
        step=step_id, cause=cause.step, line=cause.at[0], col=cause.at[1])
    return Issue(graph.source.file, line, col, "note", message, None, FOLLOWS_FROM,
                 follows_from=cause.at)


def check_reachability(graph: ChainGraph) -> list[Issue]:
    """Every step is reachable from a start and can reach an end. Where a broken link
    (:class:`BrokenLink`, an error of its own) explains it, the step gets a note that names the
    link instead of an error: one typo in a `next` would otherwise bury its own error under
    one for every step behind it and before it."""
    chain = graph.chain
    starts = [s.id for s in chain.steps if s.kind is StepKind.start]
    ends = [s.id for s in chain.steps if s.kind is StepKind.end]
    if not starts or not ends:
        return []  # reported by check_start_end
    reached = set(_spread(starts, graph.successors_map, set()))
    predecessors: dict[str, list[str]] = {step_id: [] for step_id in graph.steps}
    for edge in graph.edges:
        predecessors[edge.target].append(edge.source)
    reaches_end = set(_spread(ends, predecessors, set()))
    links = broken_links(graph)
    start_causes = _start_causes(graph, links, reached, predecessors)
    end_causes = _end_causes(links, predecessors, reaches_end)
    issues: list[Issue] = []
    for index, step in _steps_with_index(chain):
        if step.id not in graph.steps or graph.order[step.id] != index:
            continue
        if step.id not in reached:
            issues.append(_reach_issue(graph, index, "unreachable", start_causes.get(step.id)))
        if step.id not in reaches_end and step.next:
            issues.append(_reach_issue(graph, index, "no-way-to-end", end_causes.get(step.id)))
    return issues


def check_decisions(graph: ChainGraph) -> list[Issue]:
    """Decisions have at least two outgoing transitions, each labelled."""
    issues: list[Issue] = []
    for index, step in _steps_with_index(graph.chain):
        if step.kind is not StepKind.decision:
            continue
        if len(step.next) < 2:
            issues.append(graph.source.issue(("steps", index, "next") if step.next
                                             else ("steps", index), "error",
                                             _("decision '{step}' needs at least two branches"
                                               ).format(step=step.id),
                                             _("e.g. next: [{to: a, label: ja}, {to: b, label: "
                                               "nein}]"), code="decision-branches"))
        for position, transition in enumerate(step.next):
            if not transition.label:
                issues.append(graph.source.issue(
                    ("steps", index, "next", position), "error",
                    _("branch '{target}' of decision '{step}' has no label").format(
                        target=transition.to, step=step.id),
                    _("write it as {{to: {target}, label: ja}}").format(target=transition.to),
                    code="decision-label"))
    return issues


def check_cycles(graph: ChainGraph) -> list[Issue]:
    """Loops are allowed (a repeated exam is real) but listed as notes."""
    return [
        Issue(graph.source.file, *graph.at(cycle[0]), "note",
              _("loop: {steps}").format(steps=" → ".join([*cycle, cycle[0]])),
              _("loops are fine; this note lists them so none is accidental"), "loop")
        for cycle in (graph.loop_through(c) for c in graph.components[:20])
    ]


def check_phase_order(graph: ChainGraph) -> list[Issue]:
    """Transitions that run backwards through the phase order outside a loop."""
    chain = graph.chain
    phase_rank = {phase.id: rank for rank, phase in enumerate(chain.phases)}
    issues: list[Issue] = []
    for edge in graph.edges:
        source_phase = graph.steps[edge.source].phase
        target_phase = graph.steps[edge.target].phase
        if source_phase not in phase_rank or target_phase not in phase_rank:
            continue
        if phase_rank[target_phase] < phase_rank[source_phase] and \
                (edge.source, edge.target) not in graph.cycle_edges:
            issues.append(graph.source.issue(
                graph.path(edge.source, "next", edge.index), "warning",
                _("'{source}' (phase '{source_phase}') leads back to '{target}' "
                  "(phase '{target_phase}')").format(
                    source=edge.source, source_phase=source_phase, target=edge.target,
                    target_phase=target_phase),
                _("phases run in the order they are listed; check the phase of either step"),
                code="backwards"))
    return issues


def check_unused(graph: ChainGraph) -> list[Issue]:
    """Actors and phases that no step uses."""
    chain, source = graph.chain, graph.source
    used_actors = {a for s in chain.steps for a in s.responsible}
    used_phases = {s.phase for s in chain.steps}
    issues = [source.issue(("actors", i, "id"), "warning",
                           _("actor '{actor}' has no steps").format(actor=a.id),
                           _("remove it, or give it a step"), code="unused-actor")
              for i, a in enumerate(chain.actors) if a.id not in used_actors]
    issues += [source.issue(("phases", i, "id"), "warning",
                            _("phase '{phase}' has no steps").format(phase=p.id),
                            _("remove it, or put a step into it"), code="unused-phase")
               for i, p in enumerate(chain.phases) if p.id not in used_phases]
    return issues


QR_BYTE_CAPACITY_M = 2331  # bytes a QR code (version 40, error correction M) can hold


def check_contacts(graph: ChainGraph) -> list[Issue]:
    """Every contact fits into a QR code (else it is drawn as text only)."""
    issues: list[Issue] = []
    for a_index, actor in enumerate(graph.chain.actors):
        for c_index, contact in enumerate(actor.contacts):
            size = len(vcard(contact, contact.organization or actor.name).encode("utf-8"))
            if size > QR_BYTE_CAPACITY_M:
                issues.append(graph.source.issue(
                    ("actors", a_index, "contacts", c_index), "warning",
                    _("the contact '{name}' is too long for a QR code ({size:,} bytes; at "
                      "most {capacity:,}): it is shown without one").format(
                        name=contact.name[:40], size=size, capacity=QR_BYTE_CAPACITY_M),
                    _("shorten name, role or organisation"),
                    code="contact-too-long"))
    return issues


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (0 when ``later`` is not after it):
    from 2023-05-02 to 2025-12-01 is 30, to 2025-12-02 is 31. Counted as :func:`months_after`
    counts, so that from 29 January to 28 February of a common year is one month."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    due = months_after(earlier, months)
    if due is None or due > later:
        months -= 1
    return max(months, 0)


def months_after(day: date, months: int) -> date | None:
    """The same day ``months`` later (the month's last day when that month is shorter, as
    from 31 January to 28 February), or None when that is past the year 9999."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > 9999:
        return None
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def check_contact_age(chain: Chain, max_age_months: int,
                      today: date | None = None) -> list[Issue]:
    """Contacts whose details were last checked more than ``max_age_months`` ago, or never:
    people change jobs, and a chart that hands out an old number sends people nowhere.

    Warnings, at the contact's ``checked:`` (or at the contact, when it has none); ``today``
    defaults to the system date (tests pass their own). Not part of :func:`check_chain`: it
    depends on the day it runs, and a chain without dates is fine until someone asks.
    """
    if max_age_months < 1:
        raise ValueError(f"max_age_months must be at least 1, not {max_age_months}")
    today = today or date.today()
    source = chain.source or unlocated()
    confirm = _("confirm the details with the person, then write `checked: {today}`").format(
        today=today.isoformat())
    confirm_new = _("confirm the details with the person, then add `checked: {today}`").format(
        today=today.isoformat())
    issues: list[Issue] = []
    for a_index, actor in enumerate(chain.actors):
        for c_index, contact in enumerate(actor.contacts):
            here = ("actors", a_index, "contacts", c_index)
            name = str(contact.name)[:40]
            checked = contact.checked
            if checked is None:
                issues.append(source.issue(
                    here, "warning",
                    _("contact '{name}' has never been checked").format(name=name),
                    confirm_new, code="contact-unchecked"))
            elif checked > today:
                issues.append(source.issue(
                    (*here, "checked"), "warning",
                    _("contact '{name}' was checked {checked}, which is after today "
                      "({today})").format(name=name, checked=checked.isoformat(),
                                          today=today.isoformat()),
                    _("a typo? write the day the details were last confirmed"),
                    code="contact-checked-later"))
            elif (due := months_after(checked, max_age_months)) is not None and today > due:
                months = months_between(checked, today)
                issues.append(source.issue(
                    (*here, "checked"), "warning",
                    ngettext("contact '{name}' was last checked {checked} ({months} month ago)",
                             "contact '{name}' was last checked {checked} ({months} months ago)",
                             months).format(name=name, checked=checked.isoformat(),
                                            months=months),
                    ngettext("older than {months} month: ", "older than {months} months: ",
                             max_age_months).format(months=max_age_months) + confirm,
                    code="contact-old"))
    return issues


CHECKS: tuple[Callable[[ChainGraph], list[Issue]], ...] = (
    check_unique_ids, check_references, check_responsible, check_start_end,
    check_reachability, check_decisions, check_cycles, check_phase_order, check_unused,
    check_contacts,
)


def check_chain(chain: Chain) -> list[Issue]:
    """Run every structural check; issues sorted by position."""
    graph = ChainGraph(chain)
    issues: list[Issue] = []
    for check in CHECKS:
        issues.extend(check(graph))
    return sorted(issues)


def check_partial(partial: PartialChain) -> list[Issue]:
    """The checks that still hold for the valid parts of a chain that did not load, so that
    one wrong field does not hide the other mistakes of the file."""
    graph = ChainGraph(partial.chain)
    # References into a section with a missing or invalid item would look unknown.
    skipped = {f"unknown-{section[:-1]}" for section in partial.unusable}
    if "phases" in partial.invalid_items:
        skipped.add("missing-phase")
    issues = [*check_decisions(graph),
              *(issue for issue in check_references(graph) if issue.code not in skipped)]
    if "steps" not in partial.invalid_items:
        issues += check_start_end(graph)
    return [issue for issue in issues if f"'{PLACEHOLDER_STEP}'" not in issue.message]


def check_loaded(loaded: Loaded) -> list[Issue]:
    """Every issue of a loaded chain, sorted by position: the problems of the file, then the
    structural checks of the chain (or those that hold for its valid parts)."""
    if loaded.chain is not None:
        checks = check_chain(loaded.chain)
    elif loaded.partial is not None:
        checks = check_partial(loaded.partial)
    else:
        checks = []
    return sorted([*loaded.issues, *checks])


def load_with_issues(source: str | os.PathLike[str] | Mapping[str, Any], *,
                     filename: str | None = None) -> tuple[Chain | None, list[Issue]]:
    """Read and check a chain; returns (Chain or None, every issue sorted), as
    ``prozesskette check`` reports them. Problems are returned, never raised."""
    loaded = read_chain(source, filename=filename)
    return loaded.chain, check_loaded(loaded)
