"""What a Schnittstellenpapier reads from a chain: interfaces, overlaps, responsibilities.

*Interfaces* (Schnittstellen) are hand-offs — transitions whose source and target steps have
different responsible actors — and steps that several actors carry together. *Overlaps* are
offers (a step's ``service`` key) provided by steps of more than one actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from prozesskette.graph import ChainGraph
from prozesskette.model import Chain


@dataclass(frozen=True)
class Handoff:
    """A transition that passes the case from one actor (or group) to another."""

    source: str
    target: str
    from_actors: tuple[str, ...]
    to_actors: tuple[str, ...]
    label: str | None


@dataclass(frozen=True)
class SharedStep:
    """A step several actors are responsible for together."""

    step: str
    actors: tuple[str, ...]


@dataclass(frozen=True)
class Overlap:
    """The same offer provided by steps of different actors."""

    service: str
    title: str
    steps: tuple[str, ...]
    actors: tuple[str, ...]


class Role(StrEnum):
    lead = "lead"            # the first (or only) responsible actor
    shared = "shared"        # co-responsible


@dataclass(frozen=True)
class Analysis:
    handoffs: tuple[Handoff, ...]
    shared_steps: tuple[SharedStep, ...]
    overlaps: tuple[Overlap, ...]
    matrix: dict[str, dict[str, Role]]  # step id -> actor id -> role

    @property
    def interface_count(self) -> int:
        return len(self.handoffs) + len(self.shared_steps)

    def handoff_pairs(self) -> dict[tuple[tuple[str, ...], tuple[str, ...]], int]:
        """How often each (from actors, to actors) pair hands over, in order of appearance."""
        counts: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
        for handoff in self.handoffs:
            pair = (handoff.from_actors, handoff.to_actors)
            counts[pair] = counts.get(pair, 0) + 1
        return counts


def analyse(chain: Chain | ChainGraph) -> Analysis:
    """Interfaces, overlaps and the responsibility matrix, in declared order."""
    graph = chain if isinstance(chain, ChainGraph) else ChainGraph(chain)
    steps = graph.steps
    handoffs = tuple(
        Handoff(edge.source, edge.target, steps[edge.source].responsible,
                steps[edge.target].responsible, edge.label)
        for edge in graph.edges
        if steps[edge.source].responsible and steps[edge.target].responsible
        and set(steps[edge.source].responsible) != set(steps[edge.target].responsible)
    )
    shared = tuple(SharedStep(step.id, step.responsible) for step in steps.values()
                   if len(step.responsible) > 1)
    titles = {service.id: service.title for service in graph.chain.services}
    by_service: dict[str, list[str]] = {}
    for step in steps.values():
        if step.service:
            by_service.setdefault(step.service, []).append(step.id)
    overlaps: list[Overlap] = []
    for service, step_ids in by_service.items():
        # the same offer from steps of different actors; one shared step is no overlap
        leads = {steps[s].responsible[0] for s in step_ids if steps[s].responsible}
        actors = tuple(dict.fromkeys(a for s in step_ids for a in steps[s].responsible))
        if len(step_ids) > 1 and len(leads) > 1:
            overlaps.append(Overlap(service, titles.get(service, service), tuple(step_ids),
                                    actors))
    matrix = {
        step.id: {actor: (Role.lead if position == 0 else Role.shared)
                  for position, actor in enumerate(step.responsible)}
        for step in steps.values()
    }
    return Analysis(handoffs, shared, tuple(overlaps), matrix)


def interface_steps(analysis: Analysis) -> set[str]:
    """Steps that take part in an interface (either end of a hand-off, or shared)."""
    marked = {s.step for s in analysis.shared_steps}
    for handoff in analysis.handoffs:
        marked.add(handoff.source)
        marked.add(handoff.target)
    return marked
