"""The focus view (one institution's chart): what it keeps, what it cuts into stubs, and that
the result is an ordinary chain every check, the layout and the PDF accept."""

from __future__ import annotations

import io
import re
import warnings
from functools import cache
from pathlib import Path

import pytest

from paths import CHAINS
from prozesskette.analysis import analyse
from prozesskette.api import layout_chain, verify
from prozesskette.errors import ProzessketteError
from prozesskette.focus import (
    STUB_PREFIX,
    FocusedChain,
    focus_all,
    focus_chain,
    focus_ids,
    handoffs_of,
    is_stub,
    partners_of,
)
from prozesskette.graph import check_chain
from prozesskette.i18n import localise
from prozesskette.loader import load
from prozesskette.model import Actor, Chain, Step, StepKind, Text, Transition
from prozesskette.samples import generate_chain
from prozesskette.words import CATALOGUE

AUSBILDUNG = next(path for path in CHAINS if path.name == "stendal-ausbildung.yaml")


@cache
def original(path: Path) -> Chain:
    return load(path)


@cache
def view(path: Path, actor: str) -> FocusedChain:
    return focus_chain(original(path), actor)


VIEWS = [pytest.param(path, actor.id, id=f"{path.stem}-{actor.id}")
         for path in CHAINS for actor in original(path).actors]


def _problems(chain: Chain) -> list[str]:
    return [issue.format() for issue in check_chain(chain) if issue.severity != "note"]


# --- every actor of every shipped chain ------------------------------------------------------


@pytest.mark.parametrize(("path", "actor"), VIEWS)
def test_the_view_passes_every_check(path: Path, actor: str) -> None:
    assert _problems(view(path, actor).chain) == []


@pytest.mark.parametrize(("path", "actor"), VIEWS)
def test_the_view_lays_out_with_every_invariant(path: Path, actor: str) -> None:
    assert verify(layout_chain(view(path, actor).chain)) == []


@pytest.mark.parametrize(("path", "actor"), VIEWS)
def test_the_lanes_are_the_focus_and_its_hand_off_partners(path: Path, actor: str) -> None:
    chain = original(path)
    expected = {actor}
    for handoff in analyse(chain).handoffs:
        sides = set(handoff.from_actors) | set(handoff.to_actors)
        if actor in sides:
            expected |= sides
    for step in chain.steps:
        if actor in step.responsible:
            expected |= set(step.responsible)
    lanes = [lane.id for lane in view(path, actor).chain.actors]
    assert set(lanes) == expected
    assert lanes == [a.id for a in chain.actors if a.id in expected]  # the chain's order
    assert set(view(path, actor).partners) == expected - {actor}
    assert set(partners_of(chain, [actor])) == expected - {actor}


@pytest.mark.parametrize(("path", "actor"), VIEWS)
def test_every_step_of_the_focus_is_kept_as_it_was(path: Path, actor: str) -> None:
    focused = view(path, actor).chain
    mine = [step for step in original(path).steps if actor in step.responsible]
    assert mine
    for step in mine:
        kept = focused.step(step.id)
        assert kept.title == step.title
        assert getattr(kept.title, "translations", None) == getattr(step.title,
                                                                     "translations", None)
        assert (kept.kind, kept.responsible, kept.phase) == (step.kind, step.responsible,
                                                             step.phase)


@pytest.mark.parametrize(("path", "actor"), VIEWS)
def test_every_hand_off_into_and_out_of_the_focus_is_kept(path: Path, actor: str) -> None:
    chain, focused = original(path), view(path, actor).chain
    touching = [h for h in analyse(chain).handoffs
                if actor in h.from_actors or actor in h.to_actors]
    assert touching
    for handoff in touching:
        source = focused.step(handoff.source)
        assert focused.step(handoff.target).title == chain.step(handoff.target).title
        assert Transition(handoff.target, handoff.label) in source.next
    assert handoffs_of(focused, [actor]) == handoffs_of(chain, [actor])


@pytest.mark.parametrize(("path", "actor"), VIEWS)
def test_stubs_stand_for_cut_steps_and_say_how_many_and_where(path: Path, actor: str) -> None:
    chain, focused = original(path), view(path, actor)
    kept = {step.id for step in focused.chain.steps if not is_stub(step.id)}
    cut = {step.id for step in chain.steps} - kept
    for stub in focused.stubs:
        step = focused.chain.step(stub.step)
        assert is_stub(step.id)
        assert set(stub.hidden) <= cut
        if stub.kind == "after":
            names = [chain.actor(a).short or chain.actor(a).name for a in stub.continues_at]
            assert step.title.startswith("weiter bei: ")
            assert all(name in step.title for name in names[:2])
            assert step.kind in (StepKind.end, StepKind.task)
        else:
            count = len(stub.hidden)
            words = "1 Schritt bei" if count == 1 else f"{count} Schritte bei"
            prefix = "vorher" if stub.kind == "before" else "dazwischen"
            assert step.title.startswith(f"{prefix}: {words} ")
            assert step.kind is (StepKind.start if stub.kind == "before" else StepKind.task)
        for transition in step.next:  # stubs lead to kept steps, or to an end stub
            assert transition.to in kept or focused.chain.step(transition.to).kind is \
                StepKind.end
    # each transition from a kept step into the cut part now leads to a stub standing for
    # the step it went to
    by_id = {stub.step: stub for stub in focused.stubs}
    for step in chain.steps:
        if step.id not in kept:
            continue
        into_cut = [t.to for t in step.next if t.to in cut]
        stubs = [t.to for t in focused.chain.step(step.id).next if is_stub(t.to)]
        assert bool(into_cut) == bool(stubs)
        reached = {hidden for s in stubs for hidden in by_id[s].hidden}
        assert set(into_cut) <= reached


def test_the_jobcenter_view_of_the_training_chain() -> None:
    """The issue's example, step by step: what a Jobcenter sees of the training chain."""
    focused = view(AUSBILDUNG, "jobcenter").chain
    shown = [(step.title, step.responsible[0], step.kind.value) for step in focused.steps]
    assert shown == [
        ("vorher: 3 Schritte bei anderen Stellen", "auslaenderbehoerde", "start"),
        ("vorher: 5 Schritte bei anderen Stellen", "sprachkurs", "start"),
        ("Aufenthaltserlaubnis", "auslaenderbehoerde", "document"),
        ("Anmeldung im Jobcenter (U25-Team)", "jobcenter", "task"),
        ("Deutschkenntnisse auf B1-Niveau?", "sprachkurs", "decision"),
        ("dazwischen: 6 Schritte bei anderen Stellen", "sprachkurs", "task"),
        ("dazwischen: 3 Schritte bei anderen Stellen", "sprachkurs", "task"),
        ("Berufswunsch geklärt?", "person", "decision"),
        ("dazwischen: 1 Schritt bei Betrieb", "person", "task"),
        ("Ausbildungsvermittlung", "jobcenter", "task"),
        ("KAUSA-Beratung und Bewerbungscoaching", "bildungstraeger", "task"),
        ("weiter bei: Betrieb", "bildungstraeger", "end"),
    ]
    assert focused.title.startswith("Integration von jungen Geflüchteten")
    assert focused.title.endswith("– Ausschnitt für JC")
    language_decision = focused.step("sprachstand")
    assert [t.label for t in language_decision.next] == ["ja", "nein"]
    assert len({t.to for t in language_decision.next}) == 2  # two branches, two stubs
    assert [p.id for p in focused.phases] == ["aufenthalt", "sprache", "orientierung"]


def test_stub_words_follow_the_language() -> None:
    english, _ = localise(view(AUSBILDUNG, "jobcenter").chain, "en")
    titles = [step.title for step in english.steps if is_stub(step.id)]
    assert titles == ["before: 3 steps at other agencies", "before: 5 steps at other agencies",
                      "in between: 6 steps at other agencies",
                      "in between: 3 steps at other agencies", "in between: 1 step at Company",
                      "continues at: Company"]
    assert english.title.endswith("vocational training in the district of Stendal – view "
                                  "for Jobcenter")
    description = next(step.description for step in english.steps if is_stub(step.id))
    assert description is not None and description.startswith("Not shown in this view: ")


def test_an_arabic_focus_view_has_arabic_stubs() -> None:
    """The stubs come in every language of the words catalogue, so the Arabic view of a
    fully translated chain needs no fallback at all."""
    arabic, issues = localise(view(AUSBILDUNG, "jobcenter").chain, "ar")
    assert issues == []
    titles = [step.title for step in arabic.steps if is_stub(step.id)]
    assert titles == ["قبل ذلك: خطوات عددها 3 لدى جهات أخرى",
                      "قبل ذلك: خطوات عددها 5 لدى جهات أخرى",
                      "في الأثناء: خطوات عددها 6 لدى جهات أخرى",
                      "في الأثناء: خطوات عددها 3 لدى جهات أخرى",
                      "في الأثناء: خطوة واحدة لدى الشركة",
                      "يُستكمل لدى: الشركة"]
    assert arabic.title.endswith(" – الجزء الخاص بـمركز التوظيف")
    description = next(step.description for step in arabic.steps if is_stub(step.id))
    assert description is not None and description.startswith("غير معروض في هذا الجزء: ")
    assert "؛ " in description  # the Arabic semicolon between the cut steps' titles


@pytest.mark.parametrize("language", sorted(CATALOGUE))
def test_stubs_speak_every_catalogue_language_without_warnings(language: str) -> None:
    focused = view(AUSBILDUNG, "jobcenter")
    localised, issues = localise(focused.chain, language)
    assert [issue for issue in issues if STUB_PREFIX in issue.message] == []
    words = CATALOGUE[language]["focus"]
    for stub in focused.stubs:
        step = localised.step(stub.step)
        assert step.title.startswith(words[stub.kind].split("{")[0]), (language, step.title)
        assert step.description is not None
        assert step.description.startswith(words["cut"].split("{")[0]), language


# --- the focus as asked ----------------------------------------------------------------------


def test_an_unknown_actor_is_an_error_with_a_suggestion() -> None:
    chain = original(AUSBILDUNG)
    with pytest.raises(ProzessketteError) as caught:
        focus_chain(chain, "jobcentre")
    [issue] = caught.value.issues
    assert issue.message == "unknown actor 'jobcentre' in the focus"
    assert issue.hint == "did you mean 'jobcenter'?"
    # located where the actor ids are declared
    lines = AUSBILDUNG.read_text(encoding="utf-8").splitlines()
    assert (issue.file, issue.line) == (str(AUSBILDUNG), lines.index("actors:") + 1)
    with pytest.raises(ProzessketteError, match=r"unknown actor 'nobody'(.|\n)*known actors: "
                       "person"):
        focus_chain(chain, ["jobcenter", "nobody"])
    with pytest.raises(ProzessketteError, match="the focus names no actor"):
        focus_chain(chain, " , ")
    assert focus_ids(chain, "jobcenter, agentur,jobcenter") == ("jobcenter", "agentur")


def test_several_actors_share_one_view() -> None:
    both = focus_chain(original(AUSBILDUNG), "jobcenter,agentur")
    assert both.focus == ("jobcenter", "agentur")
    assert _problems(both.chain) == []
    steps = {step.id for step in both.chain.steps}
    for actor in both.focus:
        assert {s.id for s in original(AUSBILDUNG).steps if actor in s.responsible} <= steps
    assert both.chain.title.endswith("Ausschnitt für JC, AA")


def test_focus_all_gives_one_view_per_actor_with_steps() -> None:
    chain = original(AUSBILDUNG)
    idle = Actor("beobachter", "Beobachtende Stelle")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wider = Chain(chain.title, (*chain.actors, idle), chain.steps, phases=chain.phases,
                      services=chain.services)
    views = list(focus_all(wider))
    assert [v.focus for v in views] == [(a.id,) for a in chain.actors]
    with pytest.raises(ProzessketteError, match="have no steps"):
        focus_chain(wider, "beobachter")


# --- the re-wiring, on chains made for it ---------------------------------------------------


def _chain(*steps: Step, actors: str = "abc") -> Chain:
    return Chain("Test", tuple(Actor(a, f"Stelle {a.upper()}", short=a.upper())
                               for a in actors), steps)


def test_both_branches_of_a_decision_into_one_cut_region_stay_distinct() -> None:
    """The neighbour's decision d at a's hand-off: both branches lead into the cut part."""
    chain = _chain(
        Step("s", "Start", kind=StepKind.start, actor="a", next=("d",)),
        Step("d", "Entscheidung", kind=StepKind.decision, actor="b",
             next=({"to": "x", "label": "ja"}, {"to": "y", "label": "nein"})),
        Step("x", "X", actor="c", next=("z",)),
        Step("y", "Y", actor="c", next=("z",)),
        Step("z", "Z", actor="c", next=("e",)),
        Step("e", "Ende", kind=StepKind.end, actor="c"))
    focused = focus_chain(chain, "a")
    assert _problems(focused.chain) == []
    branches = focused.chain.step("d").next
    assert [t.label for t in branches] == ["ja", "nein"]
    assert len({t.to for t in branches}) == 2
    assert sorted(len(stub.hidden) for stub in focused.stubs) == [3, 3]  # x or y, z, e


def test_a_cut_region_holding_the_start_and_entered_again_gets_a_start_stub() -> None:
    chain = _chain(
        Step("s", "Start", kind=StepKind.start, actor="a", next=("t1",)),
        Step("t1", "T1", actor="a", next=("t2",)),
        Step("t2", "T2", actor="a", next=("k",)),
        Step("k", "K", kind=StepKind.decision, actor="b",
             next=({"to": "u", "label": "nochmal"}, {"to": "e", "label": "fertig"})),
        Step("u", "U", actor="a", next=("t1",)),
        Step("e", "Ende", kind=StepKind.end, actor="b"))
    focused = focus_chain(chain, "b")
    assert _problems(focused.chain) == []
    kinds = sorted(stub.kind for stub in focused.stubs)
    assert kinds == ["before", "between"]


def test_a_cut_region_holding_an_end_keeps_a_way_to_it() -> None:
    """n → [r1 → r2 → (end | back to n)]: without an end stub behind the region's stub, n
    would only loop through the stub and never reach an end."""
    chain = _chain(
        Step("s", "Start", kind=StepKind.start, actor="b", next=("n",)),
        Step("n", "N", actor="a", next=("r1",)),
        Step("r1", "R1", actor="c", next=("r2",)),
        Step("r2", "R2", kind=StepKind.decision, actor="c",
             next=({"to": "e", "label": "ja"}, {"to": "n", "label": "nein"})),
        Step("e", "Ende", kind=StepKind.end, actor="c"))
    focused = focus_chain(chain, "b")
    assert _problems(focused.chain) == []
    assert sorted(stub.kind for stub in focused.stubs) == ["after", "between"]
    assert [a.id for a in focused.chain.actors] == ["a", "b"]


@pytest.mark.parametrize("seed", range(24))
def test_every_view_of_generated_chains_passes_every_check(seed: int) -> None:
    chain = generate_chain(12 + 3 * seed, 3 + seed % 6, seed)
    for focused in focus_all(chain):
        assert _problems(focused.chain) == [], (seed, focused.focus)
        assert {a.id for a in focused.chain.actors} == {*focused.focus, *focused.partners}


# --- the Schnittstellenpapier of a focus view ------------------------------------------------


def _pdf_texts(focused: FocusedChain, language: str | None = None) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    from prozesskette.printing import build_pdf

    chain, _ = localise(focused.chain, language)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = build_pdf(chain, focus=focused.focus, qr=False)
    reader = pypdf.PdfReader(io.BytesIO(result.data))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_the_focus_pdf_lists_the_focus_hand_offs_with_the_other_sides_contacts() -> None:
    focused = view(AUSBILDUNG, "jobcenter")
    pages = _pdf_texts(focused)
    appendix = " ".join(pages[1:])
    assert "Schnittstellenpapier für JC" in appendix
    assert "2 Übergaben an JC, 2 Übergaben von JC" in appendix
    incoming = appendix[appendix.index("Übergaben an JC Hier"):
                        appendix.index("Übergaben von JC Hier")]
    outgoing = appendix[appendix.index("Übergaben von JC Hier"):
                        appendix.index("Gemeinsam verantwortete Schritte")]
    assert "Aufenthaltserlaubnis" in incoming and "Jürgen Müller-Lüdenscheidt" in incoming
    assert "Berufswunsch geklärt?" in incoming
    assert "Deutschkenntnisse auf B1-Niveau?" in outgoing and "Sören Fiktiv" in outgoing
    assert "KAUSA-Beratung" in outgoing and "Mira Probst-Beispiel" in outgoing
    # hand-offs between other institutions and the stubs are not listed
    assert "Abschlussprüfung" not in appendix
    assert "vorher:" not in appendix.split("Verantwortlichkeiten", 1)[1]
    # the contacts: the focus first, the other sides after it, no one else
    directory = appendix[appendix.index("Kontaktverzeichnis"):]
    assert directory.index("Jobcenter Landkreis Stendal") < directory.index(
        "Ausländerbehörde Landkreis Stendal")
    chain = original(AUSBILDUNG)
    shown = {a.id for a in focused.chain.actors}
    for actor in chain.actors:
        for contact in actor.contacts:
            assert (contact.name in directory) == (actor.id in shown), contact.name


def test_the_english_focus_pdf_speaks_english() -> None:
    appendix = " ".join(_pdf_texts(view(AUSBILDUNG, "jobcenter"), "en")[1:])
    for words in ("Interfaces and contacts of Jobcenter",
                  "hand-offs to Jobcenter: 2, hand-offs from Jobcenter: 2, steps with shared "
                  "responsibility: 1, partner institutions: 5",
                  "placeholder steps such as “before: 3 steps at other agencies”",
                  "Hand-offs to Jobcenter Here this institution takes the case over.",
                  "Hand-offs from Jobcenter Here this institution passes the case on.",
                  "No. To Step here Condition Contact persons there", "Contact directory",
                  "Jobcenter and the institutions that hand cases over to them"):
        assert words in appendix, words
    for german in ("Schnittstellenpapier", "Übergaben", "Ansprechpersonen", "Partnerstellen",
                   "vorher:", "Kontaktverzeichnis", "Verantwortlichkeiten"):
        assert german not in appendix, german


def test_the_whole_chain_pdf_keeps_its_own_schnittstellenpapier() -> None:
    chain = original(AUSBILDUNG)
    whole = FocusedChain(chain, (), (), ())
    appendix = " ".join(_pdf_texts(whole)[1:])
    assert "Schnittstellenpapier für" not in appendix
    assert "Abschlussprüfung" in appendix


def test_a_title_without_translations_is_marked_too() -> None:
    chain = _chain(
        Step("s", "Start", kind=StepKind.start, actor="a", next=("t",)),
        Step("t", "T", actor="b", next=("e",)),
        Step("e", "Ende", kind=StepKind.end, actor="c"))
    assert focus_chain(chain, "c").chain.title == "Test – Ausschnitt für C"
    english = Chain(Text({"en": "Test", "de": "Test"}), chain.actors, chain.steps,
                    language="en")
    assert focus_chain(english, "c").chain.title == "Test – view for C"


@pytest.mark.parametrize(("path", "actor"), VIEWS)
def test_every_focus_pdf_counts_the_focus_hand_offs(path: Path, actor: str) -> None:
    focused = view(path, actor)
    found = handoffs_of(original(path), [actor])
    name = original(path).actor(actor).short or original(path).actor(actor).name
    appendix = " ".join(_pdf_texts(focused)[1:])
    assert (f"{len(found.incoming)} Übergaben an {name}, {len(found.outgoing)} Übergaben von "
            f"{name}") in appendix
    rows = appendix[appendix.index(f"Übergaben an {name} Hier"):
                    appendix.index("Gemeinsam verantwortete Schritte")]
    rows = re.sub(r"\s+", "", rows)  # extracted table cells break words anywhere
    for handoff in (*found.incoming, *found.outgoing):
        for step in (handoff.source, handoff.target):
            assert re.sub(r"\s+", "", original(path).step(step).title) in rows


def test_long_names_and_many_cut_steps_still_make_valid_stubs() -> None:
    long_name = "Sehr lange Bezeichnung einer Stelle " * 50  # 1,800 characters
    actors = (Actor("a", "A"), Actor("b", long_name[:1900]), Actor("c", long_name[:1900]),
              Actor("d", "D"))
    steps = [Step("s", "Start", kind=StepKind.start, actor="a", next=("m0",))]
    steps += [Step(f"m{i}", "Titel " * 300, actor="bc"[i % 2], next=(f"m{i + 1}",))
              for i in range(29)]
    steps += [Step("m29", "Letzter", actor="d", next=("e",)),
              Step("e", "Ende", kind=StepKind.end, actor="d")]
    chain = Chain("Kette " * 333, actors, tuple(steps))
    focused = focus_chain(chain, "a")
    assert _problems(focused.chain) == []
    [stub] = focused.stubs
    step = focused.chain.step(stub.step)
    assert step.title == "weiter bei: " + " ".join(long_name.split())[:79] + "…"
    assert step.description is not None
    assert step.description.endswith("und 18 weitere")
    assert len(focused.chain.title) <= 2000
    assert focused.chain.title.endswith("… – Ausschnitt für A")
