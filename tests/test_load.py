"""Loading chain files: every mistake comes back located, with a hint, never as a traceback."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paths import CHAINS, EXAMPLE, examples
from prozesskette.api import load
from prozesskette.errors import ProzessketteError
from prozesskette.graph import load_with_issues
from prozesskette.loader import PLACEHOLDER_STEP, read_chain
from prozesskette.loader import load as load_unchecked
from prozesskette.model import Actor, Chain, Contact, Step, StepKind, Transition
from prozesskette.samples import generate_chain


def line_of(text: str, fragment: str, nth: int = 0) -> int:
    """1-based number of the line holding the nth occurrence of fragment."""
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if fragment in line]
    return lines[nth]


def errors_of(text: str) -> list[tuple[int, int, str]]:
    _, issues = load_with_issues(text, filename="t.yaml")
    return [(i.line, i.col, i.message) for i in issues if i.is_error]


def test_example_from_the_issue_loads_unchanged(example_text: str) -> None:
    chain = load(EXAMPLE)
    assert chain.title == "Integration von jungen Geflüchteten in Ausbildung"
    assert chain.version == "2017-12"
    assert chain.step("beratung").responsible == ("jobcenter", "person")
    assert [t.label for t in chain.step("sprachstand").next] == ["ja", "nein"]
    assert chain.actor("jobcenter").contacts[0].address == "Musterstraße 1, 39576 Stendal"
    assert load(example_text) == chain  # text and path give the same chain


@pytest.mark.parametrize("path", CHAINS, ids=lambda p: p.name)
def test_shipped_chains_are_clean(path: object) -> None:
    chain, issues = load_with_issues(path)  # type: ignore[arg-type]
    assert chain is not None
    assert [i for i in issues if i.severity != "note"] == []
    assert len(chain.steps) >= 20 and len(chain.actors) >= 6


def test_broken_copy_reports_every_error_with_position(example_text: str) -> None:
    broken = (example_text
              .replace("    actor: sprachkurs\n    phase: sprache\n    next:\n",
                       "    actor: sprachkurss\n    phase: sprache\n    next:\n")
              .replace("next: [beratung]", "next: [beratnug]")
              .replace("kind: end", "kind: task")
              .replace("{to: kurs, label: nein}", "{to: kurs}"))
    found = errors_of(broken)
    messages = [m for _, _, m in found]
    assert (42, 12, "unknown actor 'sprachkurss'") in found
    assert (33, 12, "unknown step 'beratnug'") in found
    assert (46, 9, "branch 'kurs' of decision 'sprachstand' has no label") in found
    assert "the chain has no end step" in messages
    _, issues = load_with_issues(broken, filename="t.yaml")
    hints = {i.message: i.hint for i in issues}
    assert hints["unknown actor 'sprachkurss'"] == "did you mean 'sprachkurs'?"
    assert hints["unknown step 'beratnug'"] == "did you mean 'beratung'?"


def test_indentation_error_is_located(example_text: str) -> None:
    broken = example_text.replace("    name: Jobcenter Stendal", "   name: Jobcenter Stendal")
    (line, col, message), = errors_of(broken)
    assert message.startswith("YAML syntax")
    assert line in (10, 11) and col >= 1  # the mis-indented "name:" stands on line 10


def test_wrong_field_and_unknown_id_together(example_text: str) -> None:
    broken = example_text.replace("  - id: sprache\n    title: Sprache",
                                  "  - id: sprache\n    titel: Sprache").replace(
        "next: [sprachstand]", "next: [sprachstnd]")
    found = errors_of(broken)
    phase_line = line_of(broken, "  - id: sprache")
    assert (phase_line, 5, "phase has no 'title'") in found
    assert (phase_line + 1, 5, "unknown field 'titel' in a phase") in found
    assert (line_of(broken, "next: [sprachstnd]"), 12, "unknown step 'sprachstnd'") in found


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("url", "javascript:alert(1)", "not an allowed link"),
    ("url", "data:text/html,hi", "not an allowed link"),
    ("phone", "call me", "does not look like a phone number"),
    ("email", "nobody", "does not look like an e-mail address"),
])
def test_contact_values_are_checked(example_text: str, field: str, value: str,
                                    fragment: str) -> None:
    line = {"url": "        url: https://example.org/jobcenter",
            "phone": '        phone: "+49 3931 0000-00"',
            "email": "        email: e.beispiel@example.org"}[field]
    broken = example_text.replace(line, f"        {field}: \"{value}\"")
    found = errors_of(broken)
    assert len(found) == 1
    assert fragment in found[0][2]
    assert found[0][1] == 8 + len(field) + 3  # the value's column
    assert found[0][0] == line_of(broken, f"{field}: ")


def test_only_safe_links_in_python_models() -> None:
    with pytest.raises(ValueError, match="not an allowed link"):
        Contact(name="x", url="javascript:alert(1)")
    assert Contact(name="x", url="tel:+4939310").url == "tel:+4939310"


def test_scalars_stay_text() -> None:
    chain = load("title: T\nversion: 2017-12\nactors: [{id: a, name: A}]\nsteps:\n"
                 "  - {id: s, title: S, kind: start, actor: a, next: [{to: d, label: no}]}\n"
                 "  - {id: e, title: E, kind: end, actor: a}\n"
                 "  - {id: d, title: D, kind: decision, actor: a,"
                 " next: [{to: e, label: yes}, {to: s, label: no}]}\n")
    assert chain.version == "2017-12"
    assert chain.step("d").next[0].label == "yes"  # not True


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "the file is empty"),
    ("- a\n- b\n", "must be a mapping"),
    ("a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
     "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
     "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
     "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n", "too many values"),
    ("a: " + "[" * 60 + "]" * 60 + "\n", "deeper than"),
    ("title: a\ntitle: b\n", "duplicate key 'title'"),
    ("title: x\n\tactors: []\n", "YAML syntax"),
    ("title: Schritt 1: Ankunft\n", "YAML syntax"),
    ("--- {title: a}\n--- {title: b}\n", "more than one YAML document"),
    ("title: !!python/object:os.system x\n", "is not allowed"),
    ("null\n", "holds no chain"),
])
def test_hostile_or_broken_yaml_gives_located_errors(text: str, fragment: str) -> None:
    chain, issues = load_with_issues(text, filename="bad.yaml")
    assert chain is None
    assert any(fragment in i.message for i in issues), [i.format() for i in issues]
    assert all(i.file == "bad.yaml" for i in issues)


def test_unsafe_yaml_tag_constructs_nothing() -> None:
    chain, issues = load_with_issues("title: !!python/object/apply:os.system [echo hi]\n")
    assert chain is None and issues


def test_non_utf8_and_missing_files(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    latin = folder / "latin1.yaml"
    latin.write_bytes("title: Straße\n".encode("latin-1"))
    _, issues = load_with_issues(latin)
    assert issues[0].message.startswith("the file is not UTF-8 text")
    assert (issues[0].line, issues[0].col) == (1, 12)
    _, issues = load_with_issues(folder / "missing.yaml")
    assert issues[0].message == "no such file"
    _, issues = load_with_issues(folder)
    assert "folder" in issues[0].message


def test_load_raises_one_error_type_with_all_issues(example_text: str) -> None:
    broken = example_text.replace("actor: person\n    phase: sprache",
                                  "actor: persn\n    phase: sprache")
    with pytest.raises(ProzessketteError) as info:
        load(broken)
    assert [i.message for i in info.value.issues] == ["unknown actor 'persn'"]
    assert "did you mean 'person'?" in str(info.value)


def test_loading_does_not_check(example_text: str) -> None:
    """The loader reads and validates the file; references are the checks' business."""
    broken = example_text.replace("actor: person\n    phase: sprache",
                                  "actor: persn\n    phase: sprache")
    loaded = read_chain(broken)
    assert loaded.chain is not None and loaded.issues == [] and loaded.partial is None
    assert load_unchecked(broken).steps[-1].actor == "persn"
    with pytest.raises(ProzessketteError, match="unknown actor 'persn'"):
        load(broken)


def test_a_chain_that_does_not_load_keeps_its_valid_parts(example_text: str) -> None:
    broken = example_text.replace("  - id: sprache\n    title: Sprache",
                                  "  - id: sprache\n    titel: Sprache")
    loaded = read_chain(broken)
    assert loaded.chain is None and loaded.partial is not None
    assert [i.message for i in loaded.issues] == ["phase has no 'title'",
                                                  "unknown field 'titel' in a phase"]
    assert loaded.partial.unusable == {"phases", "services"}  # the example has no services
    assert loaded.partial.invalid_items == {"phases"}
    assert PLACEHOLDER_STEP not in {step.id for step in loaded.partial.chain.steps}
    with pytest.raises(ProzessketteError) as info:
        load_unchecked(broken)
    assert len(info.value.issues) == 2


def test_the_loader_does_not_import_the_checks() -> None:
    import subprocess
    import sys

    code = ("import sys, prozesskette.loader; "
            "print(' '.join(m for m in sys.modules if m.startswith('prozesskette.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)
    loaded = result.stdout.split()
    assert "prozesskette.loader" in loaded and "prozesskette.model" in loaded
    assert "prozesskette.graph" not in loaded and "prozesskette.api" not in loaded


def test_chain_fields_stand_in_file_order_and_only_three_are_positional() -> None:
    from dataclasses import fields

    from prozesskette.model import FIELDS

    assert [f.name for f in fields(Chain) if f.name != "source"] == list(FIELDS["Chain"])
    actors, steps = _tiny_parts()
    assert Chain("T", actors, steps, region="Landkreis Stendal").region == "Landkreis Stendal"
    with pytest.raises(TypeError):
        Chain("T", actors, steps, "Landkreis Stendal")  # type: ignore[call-arg]


def test_field_specs_are_read_from_the_dataclasses() -> None:
    from prozesskette.model import FIELDS, FieldSpec

    assert FIELDS["Chain"]["actors"] == FieldSpec(
        "list", True, "Institutions and people; one lane each.", item="Actor", min_items=1)
    assert [name for name, spec in FIELDS["Chain"].items() if spec.required] == [
        "title", "actors", "steps"]
    assert FIELDS["Step"]["kind"].choices == ("start", "task", "decision", "document", "end")
    assert FIELDS["Chain"]["direction"].choices == ("lr", "tb")
    assert FIELDS["Actor"]["contacts"].item == "Contact"
    assert "source" not in FIELDS["Chain"]  # a field without a spec is not in the format
    assert "language" not in Chain("T", *_tiny_parts()).to_dict()  # defaults are left out
    assert Chain("T", *_tiny_parts(), language="en").to_dict()["language"] == "en"


def _tiny_parts() -> tuple[tuple[Actor, ...], tuple[Step, ...]]:
    return ((Actor("a", "A"),), (Step("s", "S", kind=StepKind.start, actor="a",
                                      next=(Transition("e"),)),
                                 Step("e", "E", kind=StepKind.end, actor="a")))


def test_models_build_in_python() -> None:
    step = Step(id="a", title="A", kind="start", actor="x", next=["b", {"to": "c", "label": "ja"}])
    assert step.kind is StepKind.start
    assert step.next[1].label == "ja"
    with pytest.raises(ValueError, match="either 'actor' or 'actors'"):
        Step(id="a", title="A", actor="x", actors=("y",))
    with pytest.raises(ValueError, match="not a valid id"):
        Step(id="1a", title="A")


def test_dict_round_trip_of_shipped_chains() -> None:
    for path in CHAINS:
        chain = load(path)
        assert read_chain(chain.to_dict()).chain == chain, path


# --- generated chains --------------------------------------------------------------------------

chain_params = st.tuples(st.integers(3, 40), st.integers(2, 9), st.integers(0, 10_000))


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain_params)
def test_generated_chains_load_cleanly(params: tuple[int, int, int]) -> None:
    steps, lanes, seed = params
    chain = generate_chain(steps, lanes, seed)
    text = yaml.safe_dump(chain.to_dict(), allow_unicode=True, sort_keys=False)
    loaded, issues = load_with_issues(text)
    assert loaded == chain
    assert not [i for i in issues if i.is_error]


def _corrupt(data: object, path: list[object], value: object) -> object:
    if not path:
        return value
    head, *rest = path
    if isinstance(data, dict):
        return {k: (_corrupt(v, rest, value) if k == head else v) for k, v in data.items()}
    if isinstance(data, list):
        return [(_corrupt(v, rest, value) if i == head else v) for i, v in enumerate(data)]
    return data


def _paths(data: object, prefix: list[object]) -> list[list[object]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, [*prefix, k])
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, [*prefix, i])
    return out


junk = st.one_of(st.none(), st.integers(), st.text(max_size=30),
                 st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
                 st.just("javascript:alert(1)"), st.just("<script>x</script>"))


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chain_params, st.data(), junk)
def test_corrupted_chains_give_issues_never_tracebacks(params: tuple[int, int, int],
                                                       data: st.DataObject,
                                                       value: object) -> None:
    steps, lanes, seed = params
    plain = generate_chain(steps, lanes, seed).to_dict()
    path = data.draw(st.sampled_from(_paths(plain, [])))
    broken = _corrupt(plain, path, value)
    text = yaml.safe_dump(broken, allow_unicode=True, sort_keys=False)
    chain, issues = load_with_issues(text, filename="g.yaml")
    if chain is None:
        assert any(i.is_error for i in issues)
    for issue in issues:
        assert issue.file == "g.yaml"
        assert issue.message


@settings(max_examples=examples(150), deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    chain, _issues = load_with_issues(text)
    assert chain is None or isinstance(chain, Chain)


def test_review_findings_in_the_loader_stay_fixed(tmp_path: object) -> None:
    from pathlib import Path

    deep = "a: " + "[" * 100_000 + "]" * 100_000
    (issue,) = load_with_issues(deep)[1]
    assert "nests deeper" in issue.message and (issue.line, issue.col) == (1, 43)
    assert load_with_issues("foo\x00.yaml")[1][0].message.startswith("the file name contains")
    assert "broken character" in load_with_issues("title: T\ud800\n")[1][0].message
    text = ("title: T\nactors: [{id: a, name: A}]\nphases: [{id: p, title: P}]\nsteps:\n"
            "  - {id: s, title: S, kind: start, actor: a, phase: p, next: [e]}\n"
            "  - {id: e, title: E, kind: end, actor: a, phase: p, bogus: 1}\n")
    assert [i.message for i in load_with_issues(text)[1]] == ["unknown field 'bogus' in a step"]
    plain = text.replace(", bogus: 1", "").replace("title: T", "title: =")
    chain, issues = load_with_issues(plain)
    assert chain is not None and chain.title == "=" and not issues
    path = Path(str(tmp_path)) / "x.yaml"
    path.write_bytes("title: Ärger Ärger ".encode() + b"\xff")
    (issue,) = load_with_issues(path)[1]
    assert (issue.line, issue.col) == (1, 20)


def test_pin_and_lane_order_are_checked_and_located(example_text: str) -> None:
    """Issue 14: an actor's 'pin' (top | bottom) and the chain's 'lane_order' (auto | file)
    load as their enums; a wrong value is an error at the value, with a suggestion."""
    pinned = example_text.replace("    short: Person\n", "    short: Person\n    pin: top\n")
    pinned = pinned.replace("language: de\n", "language: de\nlane_order: file\n")
    chain = load(pinned)
    assert chain.actors[0].pin == "top" and chain.lane_order == "file"
    assert chain.actors[1].pin is None and load(example_text).lane_order == "auto"
    assert read_chain(chain.to_dict()).chain == chain
    assert chain.to_dict()["actors"][0]["pin"] == "top"
    broken = pinned.replace("pin: top", "pin: oben")
    found = errors_of(broken)
    assert len(found) == 1
    line, column, message = found[0]
    assert "'oben' is not a valid pin" in message
    assert (line, column) == (line_of(broken, "pin: oben"), 10)
    assert errors_of(pinned.replace("lane_order: file", "lane_order: random"))[0][0] == \
        line_of(pinned, "lane_order: file")
