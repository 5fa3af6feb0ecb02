"""Each structural check: one chain that passes it, one that fails it."""

from __future__ import annotations

from typing import Any

import pytest

from prozesskette.analysis import Role, analyse
from prozesskette.graph import (
    ChainGraph,
    check_chain,
    check_cycles,
    check_decisions,
    check_phase_order,
    check_reachability,
    check_references,
    check_responsible,
    check_start_end,
    check_unique_ids,
    check_unused,
    strongly_connected,
)
from prozesskette.loader import read_chain
from prozesskette.model import Chain


def chain(**changes: Any) -> Chain:
    """A small valid chain; keyword arguments replace whole sections."""
    data: dict[str, Any] = {
        "title": "T",
        "actors": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}, {"id": "c", "name": "C"}],
        "phases": [{"id": "p1", "title": "P1"}, {"id": "p2", "title": "P2"}],
        "services": [{"id": "kurs", "title": "Kurs"}],
        "steps": [
            {"id": "s", "title": "S", "kind": "start", "actor": "a", "phase": "p1", "next": ["t"]},
            {"id": "t", "title": "T", "actors": ["a", "b"], "phase": "p1", "next": ["d"],
             "service": "kurs"},
            {"id": "d", "title": "D?", "kind": "decision", "actor": "b", "phase": "p2",
             "next": [{"to": "e", "label": "ja"}, {"to": "r", "label": "nein"}]},
            {"id": "r", "title": "R", "actor": "c", "phase": "p2", "next": ["d"],
             "service": "kurs"},
            {"id": "e", "title": "E", "kind": "end", "actor": "a", "phase": "p2"},
        ],
    }
    data.update(changes)
    loaded = read_chain(data)
    assert loaded.chain is not None, loaded.issues
    return loaded.chain


def steps_with(**per_step: dict[str, Any]) -> list[dict[str, Any]]:
    base = chain().to_dict()["steps"]
    return [{**step, **per_step.get(step["id"], {})} for step in base]


def messages(issues: list[Any]) -> list[str]:
    return [issue.message for issue in issues]


def test_valid_chain_passes_every_check() -> None:
    issues = check_chain(chain())
    assert [i for i in issues if i.severity != "note"] == []
    assert messages(issues) == ["loop: d → r → d"]


def test_unique_ids() -> None:
    assert check_unique_ids(ChainGraph(chain())) == []
    steps = steps_with(r={"id": "t", "next": ["d"]})
    found = check_unique_ids(ChainGraph(chain(steps=steps)))
    assert messages(found) == ["duplicate step id 't'"]


def test_references() -> None:
    assert check_references(ChainGraph(chain())) == []
    steps = steps_with(s={"actor": "x", "next": ["tt"]}, r={"phase": "p3", "service": "kurss"})
    found = messages(check_references(ChainGraph(chain(steps=steps))))
    assert "unknown actor 'x'" in found
    assert "unknown step 'tt'" in found
    assert "unknown phase 'p3'" in found
    assert "unknown service 'kurss'" in found


def test_phase_required_when_phases_exist() -> None:
    steps = steps_with(r={"phase": None})
    steps[3].pop("phase")
    assert "step 'r' has no phase" in messages(check_references(ChainGraph(chain(steps=steps))))


def test_responsible() -> None:
    assert check_responsible(ChainGraph(chain())) == []
    steps = steps_with()
    steps[3].pop("actor")
    found = check_responsible(ChainGraph(chain(steps=steps)))
    assert messages(found) == ["step 'r' has no responsible actor (a gap in the chain)"]


def test_start_and_end() -> None:
    assert check_start_end(ChainGraph(chain())) == []
    steps = steps_with(s={"kind": "task"}, e={"kind": "task"})
    found = messages(check_start_end(ChainGraph(chain(steps=steps))))
    assert "the chain has no start step" in found
    assert "the chain has no end step" in found
    assert "step 'e' leads nowhere" in found


def test_reachability() -> None:
    assert check_reachability(ChainGraph(chain())) == []
    steps = [*steps_with(r={"next": ["x"]}),
             {"id": "x", "title": "X", "actor": "c", "phase": "p2", "next": ["r"]},
             {"id": "y", "title": "Y", "actor": "c", "phase": "p2", "next": ["e"]}]
    found = messages(check_reachability(ChainGraph(chain(steps=steps))))
    assert "step 'y' cannot be reached from a start" in found
    assert "no end can be reached from step 'x'" in found
    assert "no end can be reached from step 'r'" in found


def test_decisions() -> None:
    assert check_decisions(ChainGraph(chain())) == []
    steps = steps_with(d={"next": [{"to": "e"}, {"to": "r", "label": "nein"}]})
    found = messages(check_decisions(ChainGraph(chain(steps=steps))))
    assert found == ["branch 'e' of decision 'd' has no label"]
    steps = steps_with(d={"next": [{"to": "e", "label": "ja"}]}, r={"next": ["e"]})
    found = messages(check_decisions(ChainGraph(chain(steps=steps))))
    assert found == ["decision 'd' needs at least two branches"]


def test_cycles_are_listed_as_notes() -> None:
    steps = steps_with(d={"kind": "task", "next": ["e"]})
    steps[3]["next"] = ["e"]
    assert check_cycles(ChainGraph(chain(steps=steps))) == []
    notes = check_cycles(ChainGraph(chain()))
    assert [(n.severity, n.message) for n in notes] == [("note", "loop: d → r → d")]


def test_backwards_through_phases() -> None:
    assert check_phase_order(ChainGraph(chain())) == []
    # a branch from phase p2 back to a step of p1 that does not loop back
    steps = [*steps_with(d={"next": [{"to": "e", "label": "ja"}, {"to": "r", "label": "nein"},
                                     {"to": "z", "label": "vielleicht"}]}),
             {"id": "z", "title": "Z", "actor": "c", "phase": "p1", "next": ["e"]}]
    found = messages(check_phase_order(ChainGraph(chain(steps=steps))))
    assert found == ["'d' (phase 'p2') leads back to 'z' (phase 'p1')"]


def test_unused_actors_and_phases() -> None:
    assert check_unused(ChainGraph(chain())) == []
    actors = [*chain().to_dict()["actors"], {"id": "idle", "name": "Idle"}]
    found = messages(check_unused(ChainGraph(chain(actors=actors))))
    assert found == ["actor 'idle' has no steps"]


def test_self_loop_and_duplicate_transition() -> None:
    steps = steps_with(t={"next": ["t", "d", "d"]})
    found = messages(check_references(ChainGraph(chain(steps=steps))))
    assert "step 't' leads to itself" in found
    assert "step 't' leads to 'd' twice" in found


def test_strongly_connected_components() -> None:
    succ = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": []}
    assert strongly_connected(list(succ), succ) == [["a", "b", "c"], ["d", "e"], ["f"]]


def test_analysis_interfaces_overlaps_matrix() -> None:
    analysis = analyse(chain())
    pairs = [(h.source, h.target) for h in analysis.handoffs]
    assert pairs == [("s", "t"), ("t", "d"), ("d", "e"), ("d", "r"), ("r", "d")]
    assert [s.step for s in analysis.shared_steps] == ["t"]
    (overlap,) = analysis.overlaps
    assert overlap.title == "Kurs" and overlap.actors == ("a", "b", "c")
    assert analysis.matrix["t"] == {"a": Role.lead, "b": Role.shared}
    assert analysis.interface_count == 6


@pytest.mark.parametrize("kind", ["start", "task", "decision", "document", "end"])
def test_every_kind_is_accepted(kind: str) -> None:
    steps = steps_with(t={"kind": kind}) if kind != "decision" else steps_with(
        t={"kind": kind, "next": [{"to": "d", "label": "ja"}, {"to": "e", "label": "nein"}]})
    assert chain(steps=steps).step("t").kind.value == kind
