"""prozesskette diff: what changed between two versions of a chain, found exactly, drawn on
the new chart (SVG, HTML, PDF) and summarised by the CLI with diff's exit codes."""

from __future__ import annotations

import copy
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from paths import AUSBILDUNG, CHAINS, EXAMPLE
from prozesskette import api
from prozesskette.changes import (
    ChainDiff,
    ContactChange,
    FieldChange,
    NameChange,
    StepChange,
    TransitionChange,
    describe_diff,
    diff_chains,
    split_revision,
)
from prozesskette.cli import main
from prozesskette.layout import layout_chain, verify
from prozesskette.layout.diff_marks import GHOST_CLEARANCE, mark_layout
from prozesskette.layout.geometry import Layout, Rect
from prozesskette.loader import load
from prozesskette.model import Chain
from prozesskette.renderers.svg import render_svg
from prozesskette.samples import generate_chain

ARBEIT = next(path for path in CHAINS if path.name == "stendal-arbeit.yaml")
NS = {"s": "http://www.w3.org/2000/svg"}


@cache
def old_chain() -> Chain:
    return load(ARBEIT)


def edited(data: dict[str, Any]) -> dict[str, Any]:
    """The Arbeitstisch's edit of stendal-arbeit: one step added, one removed, one renamed,
    one retitled, and a contact's new phone number."""
    data = copy.deepcopy(data)
    steps = data["steps"]
    by_id = {step["id"]: step for step in steps}
    steps.remove(by_id["arbeitsuchend"])
    by_id["beschaeftigungserlaubnis"]["next"] = ["kurszulassung"]
    by_id["buergergeld"]["title"] = "Bürgergeld beantragen"
    by_id["dtz"]["id"] = "dtz_pruefung"
    by_id["wiederholerkurs"]["next"] = ["dtz_pruefung"]
    steps.insert(steps.index(by_id["integrationskurs"]) + 1, {
        "id": "sprachcafe", "title": "Sprachcafé der MBE", "actor": "mbe", "phase": "sprache",
        "next": ["dtz_pruefung"]})
    by_id["integrationskurs"]["next"] = ["sprachcafe"]
    abh = next(actor for actor in data["actors"] if actor["id"] == "auslaenderbehoerde")
    abh["contacts"][0]["phone"] = "+49 3931 0000-99"
    return data


@cache
def new_chain() -> Chain:
    return api.load(edited(old_chain().to_dict()))


@cache
def the_diff() -> ChainDiff:
    return api.diff(old_chain(), new_chain())


@cache
def marked() -> Layout:
    return mark_layout(layout_chain(new_chain()), the_diff())


@cache
def marked_svg() -> ET.Element:
    return ET.fromstring(render_svg(marked(), embed_font=False))


# --------------------------------------------------------------------------- the diff


def test_the_edited_copys_differences_are_found_exactly() -> None:
    diff = the_diff()
    assert diff.steps == (
        StepChange("changed", "beschaeftigungserlaubnis", "beschaeftigungserlaubnis",
                   "Beschäftigungserlaubnis beantragen",
                   (FieldChange("next", "Arbeitsuchend melden",
                                "Zulassung zum Integrationskurs"),)),
        StepChange("changed", "buergergeld", "buergergeld", "Bürgergeld beantragen",
                   (FieldChange("title", "Bürgergeld-Antrag und Kooperationsplan",
                                "Bürgergeld beantragen"),)),
        StepChange("changed", "integrationskurs", "integrationskurs",
                   "Integrationskurs besuchen",
                   (FieldChange("next", "DTZ mit B1 bestanden?", "Sprachcafé der MBE"),)),
        StepChange("added", None, "sprachcafe", "Sprachcafé der MBE"),
        StepChange("renamed", "dtz", "dtz_pruefung", "DTZ mit B1 bestanden?",
                   (FieldChange("id", "dtz", "dtz_pruefung"),)),
        StepChange("removed", "arbeitsuchend", None, "Arbeitsuchend melden"),
    )
    assert diff.transitions == (
        TransitionChange("added", "beschaeftigungserlaubnis", "kurszulassung", None),
        TransitionChange("added", "integrationskurs", "sprachcafe", None),
        TransitionChange("added", "sprachcafe", "dtz_pruefung", None),
        TransitionChange("removed", "beschaeftigungserlaubnis", "arbeitsuchend", None),
        TransitionChange("removed", "arbeitsuchend", "kurszulassung", None),
        TransitionChange("removed", "integrationskurs", "dtz", None),
    )
    assert diff.contacts == (ContactChange(
        "changed", "auslaenderbehoerde", "Gudrun Übelhör",
        (FieldChange("phone", "+49 3931 0000-22", "+49 3931 0000-99"),)),)
    assert diff.actors == () and diff.phases == ()
    assert diff


@pytest.mark.parametrize("path", CHAINS, ids=lambda path: path.stem)
def test_a_chain_has_no_difference_with_itself(path: Path) -> None:
    chain = load(path)
    diff = diff_chains(chain, load(path))
    assert not diff and describe_diff(diff) == ()
    layout = layout_chain(chain)
    assert mark_layout(layout, diff) is layout  # nothing marked: the ordinary chart


def _chain(**changes: Any) -> Chain:
    data: dict[str, Any] = {
        "title": "T", "language": "de",
        "actors": [{"id": "a", "name": "Amt A",
                    "contacts": [{"name": "Eva Muster", "phone": "+49 1 2345",
                                  "email": "eva@example.org", "role": "Leitung"}]},
                   {"id": "b", "name": "Amt B"}],
        "phases": [{"id": "p1", "title": "Anfang"}, {"id": "p2", "title": "Ende"}],
        "steps": [
            {"id": "s", "title": "Start", "kind": "start", "actor": "a", "phase": "p1",
             "next": ["x"]},
            {"id": "x", "title": "Prüfen", "kind": "decision", "actor": "b", "phase": "p1",
             "next": [{"to": "y", "label": "ja"}, {"to": "e", "label": "nein"}]},
            {"id": "y", "title": "Bescheid", "kind": "document", "actor": "a", "phase": "p2",
             "legal_basis": "§ 1", "next": ["e"]},
            {"id": "e", "title": "Ende", "kind": "end", "actor": "a", "phase": "p2"},
        ]}
    for path, value in changes.items():
        target: Any = data
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return api.load(data)


def test_actors_and_phases_renamed_under_the_same_id_or_a_new_one() -> None:
    renamed = _chain(actors__1__name="Amt Beta", phases__0__id="start",
                     steps__0__phase="start", steps__1__phase="start")
    diff = diff_chains(_chain(), renamed)
    assert diff.actors == (NameChange("renamed", "b", "b", "Amt B", "Amt Beta"),)
    assert diff.phases == (NameChange("renamed", "p1", "start", "Anfang", "Anfang"),)
    assert diff.steps == ()  # the steps' phase is the renamed phase: not a change


def test_a_rename_needs_the_same_title_and_actors() -> None:
    same = _chain(steps__2__id="z", steps__1__next=[{"to": "z", "label": "ja"},
                                                    {"to": "e", "label": "nein"}])
    assert [c.kind for c in diff_chains(_chain(), same).steps] == ["renamed"]
    other_title = _chain(steps__2__id="z", steps__2__title="Neuer Bescheid",
                         steps__1__next=[{"to": "z", "label": "ja"},
                                         {"to": "e", "label": "nein"}])
    kinds = {(c.kind, c.id) for c in diff_chains(_chain(), other_title).steps}
    assert ("added", "z") in kinds and ("removed", "y") in kinds


def test_every_step_field_and_branch_label_is_compared() -> None:
    new = _chain(steps__2__kind="task", steps__2__actor="b", steps__2__phase="p1",
                 steps__2__legal_basis="§ 2", steps__2__service=None,
                 steps__1__next=[{"to": "y", "label": "jawohl"}, {"to": "e", "label": "nein"}])
    diff = diff_chains(_chain(), new)
    fields = {change.id: [f.field for f in change.fields] for change in diff.steps}
    assert fields == {"x": ["next"], "y": ["kind", "actors", "phase", "legal_basis"]}
    assert diff.transitions == (TransitionChange("added", "x", "y", "jawohl"),
                                TransitionChange("removed", "x", "y", "ja"))


def test_a_changed_translation_is_a_change() -> None:
    new = _chain(steps__2__title={"de": "Bescheid", "en": "Notice"})
    change, = diff_chains(_chain(), new).steps
    assert change.kind == "changed" and change.fields[0].field == "title"


def test_contacts_added_removed_and_changed_name_phone_email_role() -> None:
    new = _chain(actors__0__contacts=[
        {"name": "Eva Muster-Neu", "phone": "+49 1 2345", "email": "eva@example.org",
         "role": "Stellvertretung"},
        {"name": "Max Probe", "email": "max@example.org"}])
    diff = diff_chains(_chain(), new)
    assert diff.contacts == (
        ContactChange("changed", "a", "Eva Muster-Neu",
                      (FieldChange("name", "Eva Muster", "Eva Muster-Neu"),
                       FieldChange("role", "Leitung", "Stellvertretung"))),
        ContactChange("added", "a", "Max Probe"))
    gone = diff_chains(new, _chain())
    assert [c.kind for c in gone.contacts] == ["changed", "removed"]


def test_the_summary_is_in_the_language_asked_for() -> None:
    german = describe_diff(the_diff(), "de")
    english = describe_diff(the_diff(), "en")
    assert [s.heading for s in german] == ["Schritte", "Übergänge", "Ansprechpersonen"]
    assert [s.heading for s in english] == ["Steps", "Transitions", "Contacts"]
    title = german[0].items[1]
    assert title.text == "Geänderter Schritt: Bürgergeld beantragen"
    assert title.details == ("Titel: vorher „Bürgergeld-Antrag und Kooperationsplan“, "
                             "jetzt „Bürgergeld beantragen“",)


# --------------------------------------------------------------------------- the drawing


def _steps_with(root: ET.Element, kind: str) -> set[str]:
    return {group.get("data-step", "") for group in root.iterfind(".//s:g[@class]", NS)
            if "pk-step" in (group.get("class") or "").split()
            and group.find(f"s:g[@class='pk-diff-mark pk-diff-{kind}']", NS) is not None}


def test_the_marks_sit_on_exactly_the_changed_steps() -> None:
    root = marked_svg()
    assert _steps_with(root, "added") == {"sprachcafe"}
    assert _steps_with(root, "changed") == {"beschaeftigungserlaubnis", "buergergeld",
                                            "integrationskurs", "dtz_pruefung"}
    ghosts = root.findall(".//s:g[@class='pk-diff-ghost']", NS)
    assert [g.get("data-step") for g in ghosts] == ["arbeitsuchend"]
    edges = {(g.get("data-from"), g.get("data-to")) for g in root.iterfind(".//s:g", NS)
             if g.get("data-diff") == "added"}
    assert edges == {("beschaeftigungserlaubnis", "kurszulassung"),
                     ("integrationskurs", "sprachcafe"), ("sprachcafe", "dtz_pruefung")}


def test_titles_and_accessible_names_carry_the_old_values() -> None:
    root = marked_svg()
    step = root.find(".//s:g[@id='pk-step-buergergeld']", NS)
    assert step is not None
    box = step[0]
    assert "Bürgergeld-Antrag und Kooperationsplan" in (box.get("aria-label") or "")
    tooltip = box.find("s:title", NS)
    assert tooltip is not None and "Bürgergeld-Antrag und Kooperationsplan" in (tooltip.text or "")
    ghost = root.find(".//s:g[@class='pk-diff-ghost']", NS)
    assert ghost is not None
    ghost_box = ghost[0]
    assert ghost_box.get("role") == "img"
    assert ghost_box.get("aria-label") == "Entfernter Schritt: Arbeitsuchend melden"
    assert ghost_box.get("stroke-dasharray")  # a pattern, not only a colour


def test_the_changed_contact_is_marked_in_its_lane_header() -> None:
    root = marked_svg()
    marked_contacts = [(lane.get("data-actor"), mark)
                       for lane in root.iterfind(".//s:g[@class='pk-lane']", NS)
                       for mark in lane.iterfind("s:g[@class='pk-contact']/s:g", NS)
                       if (mark.get("class") or "").startswith("pk-diff-mark")]
    assert [(actor, mark.get("class")) for actor, mark in marked_contacts] == [
        ("auslaenderbehoerde", "pk-diff-mark pk-diff-changed")]
    mark = marked_contacts[0][1]
    assert mark.get("role") == "img"
    assert mark.get("aria-label") == (
        "Geänderte Ansprechperson bei Ausländerbehörde Landkreis Stendal: Gudrun Übelhör; "
        "Telefon: vorher „+49 3931 0000-22“, jetzt „+49 3931 0000-99“")
    tooltip = mark.find("s:title", NS)
    assert tooltip is not None and tooltip.text == mark.get("aria-label")


def test_the_legend_explains_each_kind_of_mark() -> None:
    keys = marked_svg().findall(".//s:g[@class='pk-diff-legend']/s:g", NS)
    assert [k.get("class") for k in keys] == ["pk-diff-key pk-diff-added",
                                              "pk-diff-key pk-diff-changed",
                                              "pk-diff-key pk-diff-removed"]
    texts = ["".join(k.itertext()) for k in keys]
    assert texts == ["neu (+)", "geändert (alte Werte beim Überfahren)",
                     "entfernt (gestrichelt)"]
    patterns = [k.find(".//s:rect", NS) for k in keys]
    assert [p.get("stroke-dasharray") if p is not None else "?" for p in patterns] == \
        [None, "1.5 2", "5 3"]


def _segments(layout: Layout) -> list[Rect]:
    return [Rect(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))
            for edge in layout.edges
            for (x0, y0), (x1, y1) in zip(edge.points, edge.points[1:], strict=False)]


def test_the_ghost_is_in_its_old_lane_clear_of_everything() -> None:
    layout = marked()
    ghost, = layout.marks.ghosts
    lane = layout.lanes["agentur"]  # the removed step's actor
    assert lane.band.contains(ghost.rect) and not ghost.rect.overlaps(lane.header)
    # in its old phase where that has room for it, else as near to it as the lane allows
    # (since the narrower diamonds of 5 December the phase's part of the lane is full)
    assert layout.phases["aufenthalt"].column.overlaps(ghost.rect)
    room = ghost.rect.inflate(GHOST_CLEARANCE - 0.5)
    assert not any(node.rect.overlaps(room) for node in layout.nodes.values())
    assert not any(segment.inflate(0.5).overlaps(room) for segment in _segments(layout))
    assert verify(layout) == []


def test_a_removed_step_without_a_lane_goes_into_the_removed_list() -> None:
    old = _chain()
    data = old.to_dict()  # actor b and its only step go
    data["actors"] = data["actors"][:1]
    data["steps"][0]["next"] = ["y"]
    data["steps"] = [s for s in data["steps"] if s["id"] != "x"]
    new = api.load(data)
    layout = mark_layout(layout_chain(new), diff_chains(old, new))
    assert layout.marks.ghosts == ()
    assert layout.marks.removed is not None
    assert [line.text for line in layout.marks.removed.lines] == ["Entfernte Schritte",
                                                                  "– Prüfen"]
    root = ET.fromstring(render_svg(layout, embed_font=False))
    listed = root.find(".//s:g[@class='pk-diff-removed']", NS)
    assert listed is not None and "Prüfen" in "".join(listed.itertext())
    assert layout.marks.removed_rect is not None
    assert layout.height >= layout.marks.removed_rect.bottom
    assert verify(layout) == []


@pytest.mark.parametrize("seed", range(6))
def test_removing_a_step_of_a_generated_chain_marks_it_in_both_directions(seed: int) -> None:
    chain = generate_chain(14, 4, seed)
    data = chain.to_dict()
    victim = next(s for s in data["steps"][1:] if len(s.get("next", [])) == 1)
    after = victim["next"][0]
    after = after if isinstance(after, str) else after["to"]
    for step in data["steps"]:
        step["next"] = [after if (t if isinstance(t, str) else t["to"]) == victim["id"] else t
                        for t in step.get("next", [])]
    data["steps"].remove(victim)
    new = api.load(data)
    diff = diff_chains(chain, new)
    assert [c.old_id for c in diff.step_changes("removed")] == [victim["id"]]
    layout = mark_layout(layout_chain(new, direction="tb" if seed % 2 else "lr"), diff)
    placed = [g.step for g in layout.marks.ghosts]
    listed = [line.text for line in layout.marks.removed.lines[1:]] if layout.marks.removed \
        else []
    assert placed == [victim["id"]] or listed == ["– " + victim["title"]]
    assert verify(layout) == []


def test_right_to_left_and_html_carry_the_marks() -> None:
    with pytest.warns(UserWarning, match="no 'ar' translation"):
        svg = api.to_diff_svg(old_chain(), new_chain(), lang="ar", embed_font=False)
    root = ET.fromstring(svg)
    assert _steps_with(root, "added") == {"sprachcafe"}
    assert root.find(".//s:g[@class='pk-diff-ghost']", NS) is not None
    width = float(root.get("viewBox", "").split()[2])
    legend = root.find(".//s:g[@class='pk-diff-legend']/s:rect", NS)
    assert legend is not None and float(legend.get("x", "0")) > width / 2  # from the right
    page = api.to_diff_html(old_chain(), new_chain(), embed_font=False)
    assert 'class="pk-diff-ghost"' in page and "Bürgergeld-Antrag und Kooperationsplan" in page


def test_the_pdf_lists_every_change_and_is_deterministic() -> None:
    import pypdfium2 as pdfium

    data = api.to_diff_pdf(old_chain(), new_chain(), compared="stendal-arbeit.yaml@HEAD")
    assert api.to_diff_pdf(old_chain(), new_chain(), compared="stendal-arbeit.yaml@HEAD") == data
    document = pdfium.PdfDocument(data)
    text = "".join(document[index].get_textpage().get_text_range()
                   for index in range(1, len(document)))
    for expected in ("Änderungen", "stendal-arbeit.yaml@HEAD", "Neuer Schritt: Sprachcafé der MBE",
                     "Entfernter Schritt: Arbeitsuchend melden",
                     "vorher „Bürgergeld-Antrag und Kooperationsplan“",
                     "Kennung: vorher „dtz“, jetzt „dtz_pruefung“",
                     "Telefon: vorher „+49 3931 0000-22“, jetzt „+49 3931 0000-99“"):
        assert expected in text.replace("\r\n", "\n").replace("\n", " ")


# --------------------------------------------------------------------------- the CLI


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    import yaml

    new = tmp_path / "neu.yaml"
    new.write_text(yaml.safe_dump(edited(old_chain().to_dict()), allow_unicode=True,
                                  sort_keys=False), encoding="utf-8")
    return ARBEIT, new


@pytest.fixture
def german(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")


def test_cli_exits_1_with_a_summary_in_german(versions: tuple[Path, Path], german: None,
                                              tmp_path: Path) -> None:
    out_file = tmp_path / "diff.svg"
    code, out, err = run("diff", str(versions[0]), str(versions[1]), "-o", str(out_file))
    assert code == 1, err
    assert out.startswith(f"{versions[0]} → {versions[1]}: 13 Unterschiede\n")
    assert "  + Neuer Schritt: Sprachcafé der MBE\n" in out
    assert "  - Entfernter Schritt: Arbeitsuchend melden\n" in out
    assert "      Telefon: vorher „+49 3931 0000-22“, jetzt „+49 3931 0000-99“\n" in out
    root = ET.parse(out_file).getroot()
    assert _steps_with(root, "added") == {"sprachcafe"}


def test_cli_exits_0_without_differences_and_speaks_english(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setenv("LANGUAGE", "en_GB:de")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    code, out, _err = run("diff", str(ARBEIT), str(ARBEIT))
    assert (code, out) == (0, f"{ARBEIT} → {ARBEIT}: No differences.\n")


def test_cli_exits_2_on_trouble(tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.yaml"
    broken.write_text("title: x\nactors: []\nsteps: []\n", encoding="utf-8")
    assert run("diff", str(ARBEIT))[0] == 2
    assert run("diff", str(ARBEIT), str(tmp_path / "missing.yaml"))[0] == 2
    code, _out, err = run("diff", str(ARBEIT), str(broken))
    assert code == 2 and "kaputt.yaml" in err
    assert run("diff", str(ARBEIT), str(ARBEIT), "-o", str(tmp_path / "x.png"))[0] == 2
    assert run("diff", "--since", "HEAD", str(ARBEIT), str(ARBEIT))[0] == 2


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
                   cwd=folder, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_cli_reads_the_old_version_from_git_read_only(tmp_path: Path,
                                                      versions: tuple[Path, Path]) -> None:
    chain = tmp_path / "repo" / "kette.yaml"
    chain.parent.mkdir()
    chain.write_bytes(ARBEIT.read_bytes())
    _git(chain.parent, "init", "-q")
    _git(chain.parent, "add", "kette.yaml")
    _git(chain.parent, "commit", "-qm", "Stand 1")
    chain.write_bytes(versions[1].read_bytes())
    status_before = subprocess.run(["git", "status", "--porcelain"], cwd=chain.parent,
                                   capture_output=True, check=True).stdout
    code, out, err = run("diff", f"{chain}@HEAD", str(chain))
    assert code == 1, err
    assert f"{chain}@HEAD → {chain}: " in out
    assert run("diff", "--since", "HEAD", str(chain))[1] == out
    code, _out, err = run("diff", "--since", "nicht-da", str(chain))
    assert code == 2 and "nothing in the repository was changed" in err
    assert subprocess.run(["git", "status", "--porcelain"], cwd=chain.parent,
                          capture_output=True, check=True).stdout == status_before


def test_a_revision_is_never_an_option_for_git(tmp_path: Path) -> None:
    target = tmp_path / "written"
    code, _out, err = run("diff", f"--since=--output={target}", str(ARBEIT))
    assert code == 2 and "is not a revision" in err
    assert not target.exists()


def test_cli_says_so_when_git_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    code, _out, err = run("diff", "--since", "HEAD", str(ARBEIT))
    assert code == 2
    assert "git is not installed" in err and "nothing in the repository was changed" in err


def test_file_at_revision_is_split_unless_the_file_exists(tmp_path: Path) -> None:
    assert split_revision("a/kette.yaml@HEAD~2") == ("a/kette.yaml", "HEAD~2")
    assert split_revision("kette.yaml") == ("kette.yaml", None)
    odd = tmp_path / "kette@2024.yaml"
    odd.write_text("", encoding="utf-8")
    assert split_revision(str(odd)) == (str(odd), None)


@pytest.mark.parametrize("mirror", [False, True])
@pytest.mark.parametrize("example", ["example", "stendal-ausbildung"])
def test_diff_keys_stand_on_the_side_the_chart_reads_from(mirror: bool, example: str) -> None:
    """The marks' keys and the ghosts go right in a mirrored chart, left otherwise, whether
    the chart's legend is one row beside the title (Stendal) or wraps into rows below a
    narrow chart (the example: its last row holds one item, under the first)."""
    path = EXAMPLE if example == "example" else AUSBILDUNG
    old = load(path)
    data = old.to_dict()
    data["steps"][3]["title"] = "Ein neuer Titel für diesen Schritt"
    diff = diff_chains(old, api.load(data))
    layout = mark_layout(layout_chain(api.load(data), mirror=mirror), diff)
    assert layout.legend is not None
    rows = {round(item.swatch.y) for item in layout.legend.items}
    assert (len(rows) > 1) == (example == "example")
    keys = layout.marks.keys_rect
    assert keys is not None
    assert (keys.cx > layout.width / 2) == mirror
