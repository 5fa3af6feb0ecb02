"""Generated chains for tests and benchmarks: realistic shape, reproducible from a seed.

Two families. ``generate_chain``: a main line of steps that hands the case from lane to lane
and moves forward through the phases, with decisions whose second branch either takes a detour
that rejoins the line or loops back to repeat a step, and some steps that two neighbouring
actors share. ``cross_lane_chain``: the harder traffic of a real Arbeitstisch (its docstring
says how).
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
    actors = _actors(lanes, contacts)
    phase_count = max(1, min(8, steps // 8))
    phases = _phases(phase_count)
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
    built = [_step(int(str(spec["id"])[1:]), str(spec["title"]), spec["kind"],  # type: ignore[arg-type]
                   spec["owners"], spec["phase"], spec["next"])  # type: ignore[arg-type]
             for spec in specs]
    return Chain(title=f"Generated chain ({steps} steps, {lanes} lanes, seed {seed})",
                 actors=actors, steps=tuple(built), phases=phases, region="Beispielkreis",
                 version="2026-11")


def cross_lane_chain(steps: int, lanes: int, seed: int = 0, *, decisions: float = 0.14,
                     back: float = 0.25, shared: float = 0.04,
                     contacts: bool = False) -> Chain:
    """A valid chain with the cross-lane traffic of a real Arbeitstisch.

    ``generate_chain`` mostly hands a case to a random lane and branches once. Real chains
    differ in ways that make layout harder, and this family has them: a step stays in its
    predecessor's lane about half the time; hand-offs go to two or three fixed "partner" lanes
    of each lane, which are rarely its neighbours; decisions have two or three branches that
    run side by side and merge again; about a quarter of the decisions loop back to an earlier
    step of their phase (about 3 % of all edges); shared steps join partner lanes.
    """
    rng = random.Random(seed)
    steps = max(8, steps)
    lanes = min(max(3, lanes), steps // 2)
    actors = _actors(lanes, contacts)
    lane_of, partners = _lane_walk(steps, lanes, rng)
    phase_count = max(1, min(8, steps // 8))
    phase_of = [min(phase_count - 1, index * phase_count // steps) for index in range(steps)]
    kinds = [StepKind.task] * steps
    kinds[0], kinds[-1] = StepKind.start, StepKind.end
    edges: list[list[Transition]] = [[] for _ in range(steps)]
    index = 0
    while index < steps - 1:
        earlier = [j for j in range(max(1, index - 6), index) if phase_of[j] == phase_of[index]]
        if 0 < index < steps - 6 and rng.random() < decisions:
            kinds[index] = StepKind.decision
            if earlier and rng.random() < back:
                edges[index] += [Transition(f"s{index + 1}", "ja"),
                                 Transition(f"s{rng.choice(earlier)}", "nein")]
                index += 1
                continue
            heads = range(index + 1, index + 1 + rng.choice((2, 2, 3)))
            merge = heads[-1] + 1
            edges[index] += [Transition(f"s{head}", label)
                             for head, label in zip(heads, ("ja", "nein", "später"), strict=False)]
            for head in heads:
                edges[head].append(Transition(f"s{merge}"))
            index = merge
            continue
        if kinds[index] is StepKind.task and rng.random() < 0.06:
            kinds[index] = StepKind.document
        edges[index].append(Transition(f"s{index + 1}"))
        index += 1
    built = []
    for index in range(steps):
        owners = [lane_of[index]]
        if kinds[index] is StepKind.task and rng.random() < shared:
            owners.append(rng.choice(partners[lane_of[index]]))
        title = " ".join(rng.sample(WORDS, rng.randint(1, 3)))
        built.append(_step(index, f"{title} {index}", kinds[index], owners, phase_of[index],
                           edges[index]))
    return Chain(title=f"Cross-lane chain ({steps} steps, {lanes} lanes, seed {seed})",
                 actors=actors, steps=tuple(built), phases=_phases(phase_count),
                 region="Beispielkreis", version="2026-11")


def _lane_walk(steps: int, lanes: int,
               rng: random.Random) -> tuple[list[int], dict[int, list[int]]]:
    """Each step's lane, and each lane's partners. A random cycle through all lanes is part of
    the partners, so every lane can be reached; a lane the walk still misses takes over a
    random middle step, so that no actor is left without steps."""
    cycle = rng.sample(range(lanes), lanes)
    partners = {}
    for position, lane in enumerate(cycle):
        follower = cycle[(position + 1) % lanes]
        others = [x for x in range(lanes) if x not in (lane, follower)]
        partners[lane] = [follower, *rng.sample(others, min(len(others), rng.choice((1, 2))))]
    lane_of = [rng.randrange(lanes)]
    for _ in range(1, steps):
        previous = lane_of[-1]
        lane_of.append(previous if rng.random() < 0.5 else rng.choice(partners[previous]))
    for lane in sorted(set(range(lanes)) - set(lane_of)):
        crowded = [i for i in range(1, steps - 1) if lane_of.count(lane_of[i]) > 1]
        lane_of[rng.choice(crowded)] = lane
    return lane_of, partners


def _actors(lanes: int, contacts: bool) -> tuple[Actor, ...]:
    return tuple(
        Actor(f"a{i}", f"Stelle {i + 1}", short=f"S{i + 1}",
              contacts=(Contact(f"Erika Beispiel {i}", phone=f"+49 3931 0000-{i:02d}",
                                email=f"e{i}@example.org"),) if contacts and i % 2 == 0 else ())
        for i in range(lanes))


def _phases(count: int) -> tuple[Phase, ...]:
    return tuple(Phase(f"p{i}", f"Phase {i + 1}") for i in range(count))


def _step(index: int, title: str, kind: StepKind, owners: list[int], phase: int,
          next_steps: list[Transition]) -> Step:
    owner_ids = [f"a{x}" for x in owners]
    return Step(id=f"s{index}", title=title, kind=kind,
                actor=owner_ids[0] if len(owner_ids) == 1 else None,
                actors=tuple(owner_ids) if len(owner_ids) > 1 else None,
                phase=f"p{phase}", next=tuple(next_steps))
