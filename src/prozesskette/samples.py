"""Generated chains for tests and benchmarks: realistic shape, reproducible from a seed.

A main line of steps that hands the case from lane to lane and moves forward through the
phases, with decisions whose second branch either takes a detour that rejoins the line or loops
back to repeat a step, and some steps that two neighbouring actors share.
"""

from __future__ import annotations

import random

from prozesskette.model import Actor, Chain, Contact, Phase, Step, StepKind, Transition

WORDS = ("Antrag", "Beratung", "Prüfung", "Kurs", "Termin", "Bescheid", "Anmeldung",
         "Vermittlung", "Praktikum", "Nachweis", "Gespräch", "Förderung", "Anerkennung",
         "Vertrag", "Bewerbung", "Sprachkurs", "Einstufung", "Begleitung", "Übergabe", "Zeugnis")


def generate_chain(steps: int, lanes: int, seed: int = 0, *, decisions: float = 0.12,
                   shared: float = 0.06, loops: float = 0.4, contacts: bool = False) -> Chain:
    """A valid chain of ``steps`` steps over ``lanes`` actors."""
    rng = random.Random(seed)
    lanes = max(2, lanes)
    steps = max(3, steps)
    actors = tuple(
        Actor(f"a{i}", f"Stelle {i + 1}", short=f"S{i + 1}",
              contacts=(Contact(f"Erika Beispiel {i}", phone=f"+49 3931 0000-{i:02d}",
                                email=f"e{i}@example.org"),) if contacts and i % 2 == 0 else ())
        for i in range(lanes))
    phase_count = max(1, min(8, steps // 8))
    phases = tuple(Phase(f"p{i}", f"Phase {i + 1}") for i in range(phase_count))
    specs: list[dict[str, object]] = []
    lane = 0
    for index in range(steps):
        if index > 0 and rng.random() < 0.7:
            lane = rng.choice([x for x in range(lanes) if x != lane])
        phase = min(phase_count - 1, index * phase_count // steps)
        kind = StepKind.task
        if index == 0:
            kind = StepKind.start
        elif index == steps - 1:
            kind = StepKind.end
        elif index < steps - 3 and rng.random() < decisions:
            kind = StepKind.decision
        elif rng.random() < 0.08:
            kind = StepKind.document
        owners: list[int] = [lane]
        if kind is StepKind.task and rng.random() < shared:
            owners.append(lane + 1 if lane + 1 < lanes else lane - 1)
        title = " ".join(rng.sample(WORDS, rng.randint(1, 3)))
        specs.append({"id": f"s{index}", "title": f"{title} {index}", "kind": kind,
                      "owners": owners, "phase": phase, "next": []})
    for index, spec in enumerate(specs[:-1]):
        spec_next: list[Transition] = spec["next"]  # type: ignore[assignment]
        spec_next.append(Transition(f"s{index + 1}", "ja" if spec["kind"] is StepKind.decision
                                    else None))
        if spec["kind"] is StepKind.decision:
            same_phase = [j for j in range(max(0, index - 6), index)
                          if specs[j]["phase"] == spec["phase"] and specs[j]["kind"] is not
                          StepKind.start]
            if same_phase and rng.random() < loops:
                target = rng.choice(same_phase)
            else:
                later = [j for j in range(index + 2, min(len(specs), index + 6))]
                target = rng.choice(later) if later else index + 1
            if target != index + 1:
                spec_next.append(Transition(f"s{target}", "nein"))
            else:
                spec["kind"] = StepKind.task
                spec_next[0] = Transition(f"s{index + 1}")
    built = []
    for spec in specs:
        owners_ids = [f"a{x}" for x in spec["owners"]]  # type: ignore[attr-defined]
        built.append(Step(
            id=str(spec["id"]), title=str(spec["title"]), kind=spec["kind"],  # type: ignore[arg-type]
            actor=owners_ids[0] if len(owners_ids) == 1 else None,
            actors=tuple(owners_ids) if len(owners_ids) > 1 else None,
            phase=f"p{spec['phase']}", next=tuple(spec["next"])))  # type: ignore[arg-type]
    return Chain(title=f"Generated chain ({steps} steps, {lanes} lanes, seed {seed})",
                 actors=actors, steps=tuple(built), phases=phases, region="Beispielkreis",
                 version="2026-11")
