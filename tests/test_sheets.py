"""Spreadsheets in and out: the XLSX workbook of a chain, and XLSX/CSV tables back to a chain.

Workbooks are read back with openpyxl (sheets, headers, frozen panes, filters, drop-downs),
round trips compare ``Chain.to_dict()`` (which keeps every translation; ``Text`` equality
alone would not), and each broken table is checked for the exact cell its error names.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paths import CHAINS, EXAMPLE, ROOT, examples
from prozesskette.analysis import analyse
from prozesskette.cli import main
from prozesskette.errors import ProzessketteError
from prozesskette.export import from_sheet, read_sheet, to_xlsx
from prozesskette.export.tables import TABLES, chain_tables
from prozesskette.i18n import languages
from prozesskette.loader import load
from prozesskette.model import Actor, Chain, Contact, Step, Transition
from prozesskette.samples import generate_chain

ALL_CHAINS = [*CHAINS, EXAMPLE, ROOT / "tests/data/many-languages.yaml"]
AUSBILDUNG = ROOT / "chains/stendal-ausbildung.yaml"  # translated into en, ar, de-x-ls


def _workbook(chain: Chain) -> Any:
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(chain)))


def _save(workbook: Any, path: Path) -> Path:
    workbook.save(path)
    return path


def _column(sheet: Any, header: str) -> str:
    """The letter of the column with this header."""
    for cell in sheet[1]:
        if cell.value == header:
            return str(cell.column_letter)
    raise AssertionError(f"no column {header!r}")


def _row(sheet: Any, step_id: str) -> int:
    for cell in sheet["A"]:
        if cell.value == step_id:
            return int(cell.row)
    raise AssertionError(f"no row {step_id!r}")


def _errors(path: Path) -> list[str]:
    return [issue.format() for issue in read_sheet(path).issues if issue.is_error]


# --- out -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ALL_CHAINS, ids=lambda path: path.stem)
def test_round_trip_keeps_the_chain_with_its_translations(path: Path, tmp_path: Path) -> None:
    chain = load(path)
    target = tmp_path / "chain.xlsx"
    target.write_bytes(to_xlsx(chain))
    back, issues = from_sheet(target)
    assert not [issue for issue in issues if issue.severity != "note"]
    assert back.to_dict() == chain.to_dict()
    assert languages(back) == languages(chain)
    for old, new in zip(chain.steps, back.steps, strict=True):
        assert getattr(new.title, "translations", None) == getattr(old.title, "translations",
                                                                    None)
        assert [getattr(t.label, "translations", t.label) for t in new.next] == \
            [getattr(t.label, "translations", t.label) for t in old.next]


@settings(max_examples=examples(8), deadline=None)
@given(steps=st.integers(3, 40), lanes=st.integers(2, 7), seed=st.integers(0, 10_000),
       contacts=st.booleans())
def test_generated_chains_round_trip(steps: int, lanes: int, seed: int, contacts: bool,
                                     tmp_path_factory: pytest.TempPathFactory) -> None:
    chain = generate_chain(steps, lanes, seed, contacts=contacts)
    target = tmp_path_factory.mktemp("gen") / "chain.xlsx"
    target.write_bytes(to_xlsx(chain))
    assert from_sheet(target)[0].to_dict() == chain.to_dict()


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                max_size=30).filter(str.strip)


@settings(max_examples=examples(25), deadline=None)
@given(title=_TEXT, label=_TEXT, role=_TEXT, translation=_TEXT)
def test_any_text_round_trips(title: str, label: str, role: str, translation: str,
                              tmp_path_factory: pytest.TempPathFactory) -> None:
    """Texts with formula characters ('=1+1'), brackets, separators and any script come
    back as a chain file would give them (the loader strips surrounding spaces)."""
    chain = Chain({"de": title, "en": translation}, [
        Actor("a", "A", contacts=[Contact("Erika", role={"de": role, "en": translation})])], [
        Step("s", title, kind="start", actor="a", next=["d"]),
        Step("d", "?", kind="decision", actor="a",
             next=[Transition("e", {"de": label, "en": translation}), Transition("s", "x")]),
        Step("e", {"de": title, "en": translation}, kind="end", actor="a")])
    target = tmp_path_factory.mktemp("text") / "chain.xlsx"
    target.write_bytes(to_xlsx(chain))
    assert from_sheet(target)[0].to_dict() == load(chain.to_dict()).to_dict()


def test_a_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    formula = '=HYPERLINK("https://example.org";"x")'
    chain = Chain(formula, [Actor("a", "=1+1")], [
        Step("s", "=A1", kind="start", actor="a", next=["e"]),
        Step("e", "+B2", kind="end", actor="a")])
    book = _workbook(chain)
    assert book["Schritte"]["B2"].data_type == "s" and book["Schritte"]["B2"].value == "=A1"
    target = tmp_path / "formula.xlsx"
    target.write_bytes(to_xlsx(chain))
    assert from_sheet(target)[0].to_dict() == chain.to_dict()


def test_the_same_chain_gives_the_same_bytes() -> None:
    chain = load(AUSBILDUNG)
    first = to_xlsx(chain)
    assert to_xlsx(load(AUSBILDUNG)) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert "1980-01-01T00:00:00Z" in core and core.count("1980-01-01") == 2
    script = ("import sys, hashlib; from prozesskette.loader import load; "
              "from prozesskette.export import to_xlsx; "
              "print(hashlib.sha256(to_xlsx(load(sys.argv[1]))).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT / "src")}
    other = subprocess.run([sys.executable, "-c", script, str(AUSBILDUNG)], env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert other == hashlib.sha256(first).hexdigest()


def test_workbook_sheets_headers_panes_filters_and_drop_downs() -> None:
    chain = load(AUSBILDUNG)
    book = _workbook(chain)
    assert book.sheetnames == ["Schritte", "Akteure", "Phasen", "Angebote", "Kontakte",
                               "Verantwortungsmatrix", "Schnittstellen", "Kette"]
    steps = book["Schritte"]
    headers = [cell.value for cell in steps[1]]
    for header in ("Schritt-ID", "Schritt", "Schritt [en]", "Schritt [ar]", "Art", "Phase",
                   "Verantwortlich", "Mitverantwortlich", "Nächste Schritte",
                   "Nächste Schritte [en]", "Rechtsgrundlage", "Angebot"):
        assert header in headers
    assert steps.freeze_panes == "C2"
    assert steps.auto_filter.ref == f"A1:{steps.cell(1, len(headers)).column_letter}" \
        f"{len(chain.steps) + 1}"
    assert steps.column_dimensions["B"].width == 36
    rules = {str(rule.sqref).split(":")[0]: rule.formula1
             for rule in steps.data_validations.dataValidation}
    assert rules[_column(steps, "Verantwortlich") + "2"].startswith("'Akteure'!$A$2:")
    assert rules[_column(steps, "Phase") + "2"].startswith("'Phasen'!$A$2:")
    assert rules[_column(steps, "Art") + "2"] == '"Start,Aufgabe,Entscheidung,Dokument,Ende"'
    for sheet in book.worksheets:
        assert sheet.freeze_panes is not None and sheet.freeze_panes.endswith("2")
        assert all(cell.font.bold for cell in sheet[1])
    actor_ids = [row[0] for row in book["Akteure"].iter_rows(min_row=2, values_only=True)]
    assert actor_ids == [actor.id for actor in chain.actors]
    contacts = list(book["Kontakte"].iter_rows(min_row=2, values_only=True))
    assert len(contacts) == sum(len(actor.contacts) for actor in chain.actors)


def test_matrix_and_interfaces_are_the_analysis() -> None:
    chain = load(AUSBILDUNG)
    analysis = analyse(chain)
    book = _workbook(chain)
    matrix = list(book["Verantwortungsmatrix"].iter_rows(values_only=True))
    actors = list(matrix[0][2:])
    assert actors == [actor.id for actor in chain.actors]
    for row in matrix[1:]:
        marked = {actor: word for actor, word in zip(actors, row[2:], strict=True) if word}
        roles = analysis.matrix[str(row[0])]
        assert marked == {actor: "verantwortlich" if role.value == "lead" else
                          "mitverantwortlich" for actor, role in roles.items()}
    interfaces = list(book["Schnittstellen"].iter_rows(min_row=2, values_only=True))
    handoffs = [(row[1], row[2]) for row in interfaces if row[0] == "Übergabe"]
    assert handoffs == [(h.source, h.target) for h in analysis.handoffs]
    assert len(interfaces) == len(analysis.handoffs) + len(analysis.shared_steps)


def test_an_english_chain_gets_english_headers_and_reads_back(tmp_path: Path) -> None:
    chain = Chain("Arrival", [Actor("office", "Office")], [
        Step("a", "Arrive", kind="start", actor="office", next=["b"]),
        Step("b", "Done", kind="end", actor="office")], language="en")
    tables = {table.name: table for table in chain_tables(chain)}
    assert tables["steps"].title == "Steps"
    assert tables["steps"].headers[:3] == ("Step ID", "Step", "Kind")
    target = tmp_path / "en.xlsx"
    target.write_bytes(to_xlsx(chain))
    assert from_sheet(target)[0].to_dict() == chain.to_dict()


# --- in: a workshop's changes and mistakes ---------------------------------------------------

@pytest.fixture()
def book() -> Any:
    return _workbook(load(EXAMPLE))


def test_unknown_actor_names_its_cell_and_the_likely_one(book: Any, tmp_path: Path) -> None:
    steps = book["Schritte"]
    cell = f"{_column(steps, 'Verantwortlich')}{_row(steps, 'beratung')}"
    steps[cell] = "Jobcentre"
    errors = _errors(_save(book, tmp_path / "b.xlsx"))
    assert errors == [f"{tmp_path / 'b.xlsx'}: Schritte!{cell}: error: unknown actor "
                      "'Jobcentre'\n    hint: did you mean 'jobcenter'?"]


def test_names_stand_for_ids(book: Any, tmp_path: Path) -> None:
    steps = book["Schritte"]
    row = _row(steps, "beratung")
    steps[f"{_column(steps, 'Verantwortlich')}{row}"] = "Jobcenter Stendal"
    steps[f"{_column(steps, 'Phase')}{row}"] = "Ankommen"
    chain, _ = from_sheet(_save(book, tmp_path / "names.xlsx"))
    assert chain.step("beratung").responsible == ("jobcenter", "person")
    assert chain.step("beratung").phase == "ankommen"


@pytest.mark.parametrize("header", ["Schritt", "Verantwortlich"])
def test_empty_required_cell(book: Any, tmp_path: Path, header: str) -> None:
    steps = book["Schritte"]
    row = _row(steps, "kurs")
    steps[f"{_column(steps, header)}{row}"] = None
    steps[f"{_column(steps, 'Mitverantwortlich')}{row}"] = None
    errors = _errors(_save(book, tmp_path / "e.xlsx"))
    assert errors == [f"{tmp_path / 'e.xlsx'}: Schritte!{_column(steps, header)}{row}: error: "
                      f"'{header}' is empty: every step needs one\n    hint: " +
                      ("write what happens in this step" if header == "Schritt" else
                       "write the id of the actor responsible for it")]


def test_duplicate_id_names_both_cells(book: Any, tmp_path: Path) -> None:
    steps = book["Schritte"]
    steps[f"A{_row(steps, 'ende')}"] = "ankunft"
    steps[f"{_column(steps, 'Nächste Schritte')}{_row(steps, 'sprachstand')}"] = \
        "ankunft [ja]; kurs [nein]"
    errors = _errors(_save(book, tmp_path / "d.xlsx"))
    assert f"{tmp_path / 'd.xlsx'}: Schritte!A6: error: duplicate step id 'ankunft'\n" \
        "    hint: the same id is in Schritte!A2; give each step its own id" in errors


@pytest.mark.parametrize(("value", "expected"), [("2026-13", None), ("31.02.2026", None),
                                                  ("30.11.2026", "2026-11-30"),
                                                  ("11.2026", "2026-11"), ("Fassung 2", None)])
def test_wrong_date(book: Any, tmp_path: Path, value: str, expected: str | None) -> None:
    book["Kette"]["B4"] = value
    path = _save(book, tmp_path / "w.xlsx")
    result = read_sheet(path)
    if value == "Fassung 2":  # not a date at all: a version name, kept
        assert result.chain is not None and result.chain.version == value
    elif expected is None:
        assert [issue.format() for issue in result.errors] == [
            f"{path}: Kette!B4: error: Stand '{value}' is not a valid date\n"
            "    hint: write it as YYYY-MM or YYYY-MM-DD, e.g. 2026-11"]
    else:
        assert result.chain is not None and result.chain.version == expected


def test_a_date_cell_becomes_iso(book: Any, tmp_path: Path) -> None:
    import datetime

    book["Kette"]["B4"] = datetime.datetime(2026, 11, 1)
    chain, _ = from_sheet(_save(book, tmp_path / "date.xlsx"))
    assert chain.version == "2026-11-01"


def test_contacts_sheet_errors_are_located(tmp_path: Path) -> None:
    book = _workbook(load(AUSBILDUNG))
    contacts = book["Kontakte"]
    contacts["A2"] = "jobcentre"
    contacts[f"{_column(contacts, 'Telefon')}3"] = "call me"
    path = _save(book, tmp_path / "c.xlsx")
    errors = _errors(path)
    assert errors[0].startswith(f"{path}: Kontakte!A2: error: unknown actor 'jobcentre'\n"
                                "    hint: did you mean 'jobcenter'?")
    assert errors[1].startswith(f"{path}: Kontakte!{_column(contacts, 'Telefon')}3: error:")
    assert "phone" in errors[1]


def test_unknown_next_step_and_bad_kind(book: Any, tmp_path: Path) -> None:
    steps = book["Schritte"]
    row = _row(steps, "beratung")
    steps[f"{_column(steps, 'Nächste Schritte')}{row}"] = "sprachstnd"
    steps[f"{_column(steps, 'Art')}{row}"] = "Tätigkeit"
    errors = _errors(_save(book, tmp_path / "n.xlsx"))
    assert any(f"Schritte!{_column(steps, 'Art')}{row}: error: 'Tätigkeit' is no kind" in e
               for e in errors)
    assert any(f"Schritte!{_column(steps, 'Nächste Schritte')}{row}: error: unknown step "
               "'sprachstnd'\n    hint: did you mean 'sprachstand'?" in e for e in errors)


def test_the_checks_hints_speak_of_columns(book: Any, tmp_path: Path) -> None:
    steps = book["Schritte"]
    row = _row(steps, "kurs")
    steps[f"{_column(steps, 'Nächste Schritte')}{row}"] = None
    errors = _errors(_save(book, tmp_path / "h.xlsx"))
    assert f"{tmp_path / 'h.xlsx'}: Schritte!A{row}: error: step 'kurs' leads nowhere\n" \
        "    hint: write the following steps in 'Nächste Schritte', or make it 'Ende' in " \
        "'Art'" in errors


def test_translated_labels_must_name_the_same_steps(tmp_path: Path) -> None:
    book = _workbook(load(AUSBILDUNG))
    steps = book["Schritte"]
    column = _column(steps, "Nächste Schritte [en]")
    row = next(cell.row for cell in steps[column] if cell.value and "[" in str(cell.value)
               and cell.row > 1)
    steps[f"{column}{row}"] = "ankunft [yes]"
    errors = _errors(_save(book, tmp_path / "t.xlsx"))
    assert any(f"Schritte!{column}{row}: error: 'ankunft' is not among the next steps" in e
               for e in errors)


def test_formula_cell_is_an_error(book: Any, tmp_path: Path) -> None:
    steps = book["Schritte"]
    steps["B3"] = "=A2"
    errors = _errors(_save(book, tmp_path / "f.xlsx"))
    assert errors[0].startswith(f"{tmp_path / 'f.xlsx'}: Schritte!B3: error: the cell holds "
                                "a formula")


def test_english_headers_are_read(book: Any, tmp_path: Path) -> None:
    for spec in TABLES.values():
        sheet = book[spec.de]
        sheet.title = spec.en
        words = {column.de: column.en for column in spec.columns}
        for cell in sheet[1]:
            base, _, rest = str(cell.value).partition(" [")
            if base in words:
                cell.value = words[base] + (f" [{rest}" if rest else "")
    path = _save(book, tmp_path / "english.xlsx")
    assert from_sheet(path)[0].to_dict() == load(EXAMPLE).to_dict()


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("title: no")
    with pytest.raises(ProzessketteError) as caught:
        from_sheet(path)
    assert "this is not an XLSX workbook" in str(caught.value)


def test_without_openpyxl_xlsx_says_what_to_install(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "chain.xlsx"
    path.write_bytes(to_xlsx(load(EXAMPLE)))
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    with pytest.raises(ProzessketteError, match="needs the package openpyxl"):
        to_xlsx(load(EXAMPLE))
    assert [issue.hint for issue in read_sheet(path).issues] == [
        "pip install openpyxl (or use a .csv steps table)"]
    csv_file = tmp_path / "steps.csv"
    csv_file.write_text("Schritt;Art;Verantwortlich;Nächste Schritte\nA;Start;P;B\n"
                        "B;Ende;P;\n", encoding="utf-8")
    assert read_sheet(csv_file).chain is not None


# --- CSV -------------------------------------------------------------------------------------

_CSV = ("Titel: Ankommen in Stendal\n"
        "Schritt;Art;Phase;Verantwortlich;Nächste Schritte\n"
        "Ankunft;Start;Ankommen;Person;Beratung\n"
        "Beratung;Entscheidung;Ankommen;Jobcenter Stendal;\"Sprachkurs [nein]; Ende [ja]\"\n"
        "Sprachkurs;Aufgabe;Sprache;Kursträger;Beratung\n"
        "Ende;Ende;Sprache;Person;\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_with_semicolons_in_any_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ankommen.csv"
    path.write_bytes(_CSV.encode(encoding))
    result = read_sheet(path)
    assert result.chain is not None, [i.format() for i in result.issues]
    chain = result.chain
    assert chain.title == "Ankommen in Stendal"
    assert [step.id for step in chain.steps] == ["ankunft", "beratung", "sprachkurs", "ende"]
    assert [actor.name for actor in chain.actors] == ["Person", "Jobcenter Stendal",
                                                      "Kursträger"]
    assert [phase.id for phase in chain.phases] == ["ankommen", "sprache"]
    assert [(t.to, t.label) for t in chain.step("beratung").next] == [
        ("sprachkurs", "nein"), ("ende", "ja")]
    hints = [issue.format() for issue in result.issues if issue.code == "csv-encoding"]
    assert hints == ([f"{path}: warning: saved as Windows-1252; read as such\n"
                      "    hint: save as UTF-8 to be sure"] if encoding == "cp1252" else [])


def test_csv_with_commas_english_headers_and_title_from_file_name(tmp_path: Path) -> None:
    path = tmp_path / "first-steps.csv"
    path.write_text("Step ID,Step,Kind,Responsible,Next steps\n"
                    "a,Arrive,start,Office,b\nb,Done,end,Office,\n", encoding="utf-8")
    chain, issues = from_sheet(path)
    assert chain.title == "first steps" and chain.language == "en"
    assert [step.id for step in chain.steps] == ["a", "b"]
    assert any(issue.code == "sheet-title" for issue in issues)


def test_csv_errors_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("Schritt;Art;Verantwortlich;Nächste Schritte\n"
                    "Ankunft;Start;Person;Beratung\nBeratung;Ende;;\n", encoding="utf-8")
    assert _errors(path) == [f"{path}: C3: error: 'Verantwortlich' is empty: every step "
                             "needs one\n    hint: write the id of the actor responsible for it"]


# --- CLI -------------------------------------------------------------------------------------

def test_cli_export_and_import(tmp_path: Path) -> None:
    target = tmp_path / "example.xlsx"
    out, err = io.StringIO(), io.StringIO()
    assert main(["export", str(EXAMPLE), "--to", "xlsx", "-o", str(target)], out=out,
                err=err) == 0
    assert target.read_bytes() == to_xlsx(load(EXAMPLE))
    yaml_file = tmp_path / "back.yaml"
    assert main(["import", str(target), "-o", str(yaml_file)], out=out, err=err) == 0
    assert load(yaml_file).to_dict() == load(EXAMPLE).to_dict()


def test_cli_xlsx_needs_an_output_file() -> None:
    err = io.StringIO()
    assert main(["export", str(EXAMPLE), "--to", "xlsx"], out=io.StringIO(), err=err) == 2
    assert "-o" in err.getvalue()


def test_cli_import_prints_located_errors_and_exits_1(book: Any, tmp_path: Path) -> None:
    steps = book["Schritte"]
    cell = f"{_column(steps, 'Verantwortlich')}{_row(steps, 'kurs')}"
    steps[cell] = "Jobcentre"
    path = _save(book, tmp_path / "broken.xlsx")
    out, err = io.StringIO(), io.StringIO()
    assert main(["import", str(path), "-o", str(tmp_path / "x.yaml")], out=out, err=err) == 1
    assert f"{path}: Schritte!{cell}: error: unknown actor 'Jobcentre'\n" \
        "    hint: did you mean 'jobcenter'?\n" in err.getvalue()
    assert err.getvalue().endswith(f"{path}: 1 error(s), 0 warning(s)\n")
    assert not (tmp_path / "x.yaml").exists()
