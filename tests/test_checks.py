"""Each structural check: one chain that passes it, one that fails it."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import prozesskette
from paths import ROOT, examples
from prozesskette.analysis import Role, analyse
from prozesskette.cli import main
from prozesskette.errors import FOLLOWS_FROM, ProzessketteError, did_you_mean, one_typo_apart
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
    load_with_issues,
    strongly_connected,
)
from prozesskette.loader import read_chain
from prozesskette.model import Chain
from prozesskette.samples import generate_chain


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


# --- the root cause first -------------------------------------------------------------------

STENDAL = (ROOT / "chains" / "stendal-arbeit.yaml").read_text("utf-8")
STENDAL_IDS = [step.id for step in prozesskette.load(STENDAL).steps]
LOOPS = [("note", "loop")] * 3  # the three loops of the Stendal chain
ONE_FOLLOW_ON = ("note", FOLLOWS_FROM)


def kinds(issues: list[Any]) -> list[tuple[str, str]]:
    return [(issue.severity, issue.code) for issue in issues]


def stendal_with(old: str, new: str) -> str:
    assert STENDAL.count(old) == 1, old
    return STENDAL.replace(old, new)


def check_output(text: str, folder: Path) -> tuple[str, list[str]]:
    """``prozesskette check`` on a chain in file ``k``: its summary line, and the lines above
    it without the hints."""
    (folder / "k").write_text(text, "utf-8")
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        main(["check", "k"], out=io.StringIO(), err=err)
    lines = [line for line in err.getvalue().splitlines() if not line.startswith("    hint:")]
    return lines[-1], lines[:-1]


def test_one_misspelt_next_is_the_one_error_and_comes_first() -> None:
    text = stendal_with("next: [integrationskurs]", "next: [integratonskurs]")
    _, issues = load_with_issues(text)
    assert kinds(issues) == [("error", "unknown-step"), *LOOPS, *[ONE_FOLLOW_ON] * 31]
    cause = issues[0]
    assert cause.message == "unknown step 'integratonskurs'"
    assert cause.hint == "did you mean 'integrationskurs'?"
    assert {issue.follows_from for issue in issues[4:]} == {(cause.line, cause.col)}
    assert issues[4].message == ("no end can be reached from step 'ankunft' (follows from the "
                                 f"`next` of step 'kurszulassung' at line {cause.line}:12)")
    assert issues[-1].message == ("step 'beschaeftigung' cannot be reached from a start "
                                  f"(follows from the `next` of step 'kurszulassung' at line "
                                  f"{cause.line}:12)")
    assert sorted(issues) == issues  # any later sort keeps the causes first


def test_one_deleted_next_is_the_one_error() -> None:
    text = stendal_with("    next: [abschluss_vorhanden]\n", "")
    _, issues = load_with_issues(text)
    # the cause first, although a loop note stands earlier in the file
    assert kinds(issues) == [("error", "dead-end"), *LOOPS, *[ONE_FOLLOW_ON] * 30]
    assert issues[0].message == "step 'profiling' leads nowhere"
    assert {issue.follows_from for issue in issues[4:]} == {(issues[0].line, issues[0].col)}


def test_a_missing_step_is_the_one_error() -> None:
    text = re.sub(r"  - id: integrationskurs\n(    .*\n)+\n", "", STENDAL)
    _, issues = load_with_issues(text)
    assert kinds(issues) == [("error", "unknown-step"), *LOOPS, *[ONE_FOLLOW_ON] * 30]
    assert issues[0].message == "unknown step 'integrationskurs'"
    assert issues[0].hint is not None and issues[0].hint.startswith("known step ids: ")


def test_unexplained_reachability_stays_an_error() -> None:
    """A loop without a way out, and a step nobody names, are faults of their own."""
    text = stendal_with("    next: [dtz]\n\n  - id: berufssprachkurs",
                        "    next: [dtz]\n\n  - id: extra\n    title: Extra\n"
                        "    actor: sprachkurs\n    phase: sprache\n    next: [dtz]\n\n"
                        "  - id: berufssprachkurs")
    _, issues = load_with_issues(text)
    assert ("error", "unreachable") in kinds(issues)
    assert FOLLOWS_FROM not in {issue.code for issue in issues}


@pytest.mark.parametrize(("old", "new", "expected"), [
    # unknown id (not in a `next`): nothing follows from it
    ("title: Integrationskurs besuchen\n    actor: sprachkurs",
     "title: Integrationskurs besuchen\n    actor: sprachkurz",
     [("error", "unknown-actor"), *LOOPS]),
    # missing target: a transition without `to`
    ("{to: wiederholerkurs, label: nein}", "{label: nein}", [("error", "missing")]),
    # unlabelled branch of a decision
    ("{to: wiederholerkurs, label: nein}", "{to: wiederholerkurs}",
     [("error", "decision-label"), *LOOPS]),
])
def test_common_mistakes_without_follow_ons(old: str, new: str,
                                            expected: list[tuple[str, str]]) -> None:
    _, issues = load_with_issues(stendal_with(old, new))
    assert kinds(issues) == expected


def test_check_summary_counts_causes_and_consequences_apart(tmp_path: Path) -> None:
    summary, lines = check_output(stendal_with("next: [integrationskurs]",
                                               "next: [integratonskurs]"), tmp_path)
    assert summary == "k: 1 error(s), 0 warning(s); 31 follow-on note(s)"
    assert lines[0] == "k:238:12: error: unknown step 'integratonskurs'"
    summary, _ = check_output(stendal_with("{to: wiederholerkurs, label: nein}",
                                           "{to: wiederholerkurs}"), tmp_path)
    assert summary == "k: 1 error(s), 0 warning(s)"


def test_api_check_and_load_agree_with_check() -> None:
    text = stendal_with("next: [integrationskurs]", "next: [integratonskurs]")
    assert kinds(prozesskette.check(text)) == kinds(load_with_issues(text)[1])
    with pytest.raises(ProzessketteError) as caught:
        prozesskette.load(text)
    assert kinds(caught.value.issues) == [("error", "unknown-step")]


# --- did you mean -----------------------------------------------------------------------------

def test_did_you_mean_suggests_close_names() -> None:
    assert did_you_mean("vermitlung", ["bescheid", "vermittlung"]) == "vermittlung"
    assert did_you_mean("integratonskurs", STENDAL_IDS) == "integrationskurs"
    assert did_you_mean("dtx", STENDAL_IDS) == "dtz"  # one typo in a short id


def test_did_you_mean_is_silent_for_unrelated_names() -> None:
    assert did_you_mean("jobsuche", [*STENDAL_IDS, "bescheid"]) is None
    assert did_you_mean("xyz", STENDAL_IDS) is None


@pytest.mark.parametrize(("first", "second", "expected"), [
    ("dtz", "dtx", True), ("abc", "acb", True), ("abc", "bac", True), ("abc", "abcd", True),
    ("abcd", "abc", True), ("abc", "xbc", True), ("abc", "abc", False), ("abc", "cba", False),
    ("abcd", "badc", False), ("ab", "ba", False), ("abc", "abcde", False),
])
def test_one_typo_apart(first: str, second: str, expected: bool) -> None:
    assert one_typo_apart(first, second) is expected
    assert one_typo_apart(second, first) is expected


@settings(max_examples=examples(40), deadline=None)
@given(size=st.integers(4, 40), seed=st.integers(0, 10_000), pick=st.integers(0, 10_000),
       typo=st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12))
def test_one_broken_next_in_a_generated_chain_is_the_first_error(size: int, seed: int,
                                                                pick: int, typo: str) -> None:
    data = generate_chain(size, 3, seed).to_dict()
    links = [(step, position) for step in data["steps"]
             for position in range(len(step.get("next", [])))]
    step, position = links[pick % len(links)]
    wrong = f"x{typo}"  # generated ids are s0, s1, …: never this one
    target = step["next"][position]
    step["next"][position] = {**target, "to": wrong} if isinstance(target, dict) else wrong
    _, issues = load_with_issues(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    errors = [issue for issue in issues if issue.is_error]
    assert [(e.code, e.message) for e in errors] == [("unknown-step", f"unknown step '{wrong}'")]
    assert issues.index(errors[0]) <= [i.severity for i in issues].index("error")
    cause = (errors[0].line, errors[0].col)
    follow_ons = [issue for issue in issues if issue.code == FOLLOWS_FROM]
    assert all(issue.follows_from == cause for issue in follow_ons)
    assert issues == [*issues[:len(issues) - len(follow_ons)], *follow_ons]


def test_follow_on_notes_of_a_chain_without_lines_name_the_step() -> None:
    steps = steps_with(t={"next": ["dd"]})
    issues = check_chain(chain(steps=steps))
    assert kinds(issues)[0] == ("error", "unknown-step")
    assert ("step 'r' cannot be reached from a start (follows from the `next` of step 't')"
            in messages(issues))
    assert {issue.follows_from for issue in issues[1:] if issue.is_follow_on} == {(0, 0)}


def test_follow_ons_stay_last_when_contact_warnings_join(tmp_path: Path) -> None:
    text = stendal_with("next: [integrationskurs]", "next: [integratonskurs]")
    (tmp_path / "k").write_text(text, "utf-8")
    err = io.StringIO()
    main(["check", "--max-age", "12", str(tmp_path / "k")], out=io.StringIO(), err=err)
    located = [line for line in err.getvalue().splitlines() if ": note: " in line
               or ": error: " in line or ": warning: " in line]
    severities = [line.split(": ")[1] for line in located]
    assert "warning" in severities and "follows from" not in located[0]
    first_follow_on = next(i for i, line in enumerate(located) if "follows from" in line)
    assert all("follows from" in line for line in located[first_follow_on:])
