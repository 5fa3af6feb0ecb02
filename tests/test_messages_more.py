"""More of what the program says, in German and English: the BPMN and spreadsheet imports, file
read and write errors, diff's unreadable old version, the API's warnings and serve's console.

Each area is run through its real entry (the command line in a subprocess with
PROZESSKETTE_LANG, or the API with the language re-chosen) and one or two messages are compared
word for word in both languages. A German import of a broken file must contain no English
message: none of the English templates' own words (see :func:`_english_pieces`).
"""

from __future__ import annotations

import errno
import os
import string
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from paths import EXAMPLE, ROOT
from prozesskette import api, messages
from prozesskette.errors import ProzessketteError
from prozesskette.messages import parse_po
from prozesskette.output import os_reason

SOURCE = ROOT / "src" / "prozesskette"
PO = SOURCE / "locale" / "de" / "LC_MESSAGES" / "prozesskette.po"
LANGUAGE_VARIABLES = {"PROZESSKETTE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:collaboration id="c">
    <bpmn:participant id="pool" name="Ankommen im Landkreis" processRef="p"/>
    <bpmn:participant id="partner" name="Partner" processRef="q"/>
    <bpmn:messageFlow id="m1" sourceRef="t1" targetRef="partner"/>
  </bpmn:collaboration>
  <bpmn:process id="p">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="jc" name="Jobcenter">
        <bpmn:flowNodeRef>s</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>t1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>sp</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>e</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="s" name="Ankunft"/>
    <bpmn:task id="t1" name="Beratung"/>
    <bpmn:subProcess id="sp" name="Kurs"/>
    <bpmn:parallelGateway id="g"/>
    <bpmn:task id="lost" name="Bescheid"/>
    <bpmn:boundaryEvent id="b" attachedToRef="t1"/>
    <bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t1"/>
    <bpmn:sequenceFlow id="f2" sourceRef="t1" targetRef="sp"/>
    <bpmn:sequenceFlow id="f3" sourceRef="sp" targetRef="e"/>
    <bpmn:sequenceFlow id="f4" sourceRef="sp" targetRef="Geist"/>
    <bpmn:sequenceFlow id="f5" sourceRef="t1" targetRef="lost"/>
    <bpmn:sequenceFlow id="f6" sourceRef="lost" targetRef="e"/>
  </bpmn:process>
  <bpmn:process id="q"><bpmn:task id="x" name="Extern"/></bpmn:process>
</bpmn:definitions>
"""
NOT_WELL_FORMED = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
                   '\n<bpmn:process id="p">\n</bpmn:definitions>\n')
CSV = ("Schritt-ID;Schritt;Art;Verantwortlich;Nächste Schritte;Extra\n"
       "ankunft;Ankunft;Start;Jobcenter;beratung\n"
       "beratung;Beratung;Tätigkeit;Jobcenter;ende [ja]\n"
       "ende;Ende;Ende;;\n")


@pytest.fixture(autouse=True)
def _english_again() -> Iterator[None]:
    yield
    messages.choose_language("en")


def _run(tmp_path: Path, argv: list[str], language: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    env.update(PROZESSKETTE_LANG=language, PYTHONPATH=str(SOURCE.parent))
    return subprocess.run([sys.executable, "-m", "prozesskette", *argv], capture_output=True,
                          text=True, cwd=tmp_path, env=env, check=False, timeout=120)


def _both(tmp_path: Path, argv: list[str]) -> tuple[str, str]:
    """stderr of the command in German and in English."""
    return _run(tmp_path, argv, "de").stderr, _run(tmp_path, argv, "en").stderr


def _english_pieces() -> set[str]:
    """The words of the English messages that their German leaves out: the text between the
    {fields} of each translated template, where it is two words or more."""
    pieces: set[str] = set()
    for msgid, msgstr in parse_po(PO.read_text(encoding="utf-8")).items():
        for literal, *_rest in string.Formatter().parse(msgid):
            piece = literal.strip(" :;,.()'\"…")
            if len(piece) >= 10 and " " in piece and piece not in msgstr:
                pieces.add(piece)
    return pieces


def _english_in(german: str) -> list[str]:
    words = [word for word in ("error:", "warning:", "hint:", "note:") if word in german]
    return words + sorted(piece for piece in _english_pieces() if piece in german)


def test_the_english_pieces_find_english() -> None:
    """The check below would find an untranslated message (and not a German one)."""
    assert len(_english_pieces()) > 200
    assert _english_in("kette.csv: C3: error: 'X' is no kind of step") == [
        "error:", "is no kind of step"]
    assert _english_in("kette.csv: C3: Fehler: 'X' ist keine Art von Schritt") == []


def test_bpmn_import_warnings_in_both_languages(tmp_path: Path) -> None:
    (tmp_path / "kette.bpmn").write_text(BPMN, encoding="utf-8")
    german, english = _both(tmp_path, ["import", "kette.bpmn", "-o", "kette.yaml"])
    assert ("kette.bpmn:19:5: Warnung: bpmn:subProcess 'sp' (Kurs) wird als eine Aufgabe "
            "übernommen; der Inhalt wird nicht übernommen\n") in german
    assert ("kette.bpmn:19:5: warning: bpmn:subProcess 'sp' (Kurs) is imported as one task; "
            "its content is not imported\n") in english
    assert ("kette.bpmn:22:5: Warnung: bpmn:boundaryEvent 'b' wird nicht übernommen: das "
            "Format der Prozessketten kennt kein solches Element\n    Tipp: auch die "
            "ausgehenden Flüsse entfallen; bilden Sie die Ausnahme als Entscheidung ab\n") in german
    assert ("kette.bpmn:22:5: warning: bpmn:boundaryEvent 'b' is not imported: the chain format "
            "has no such element\n    hint: its outgoing flows are dropped too; model the "
            "exception as a decision\n") in english
    assert german.count("\n") == english.count("\n") >= 12
    assert _english_in(german) == [], german


@pytest.mark.parametrize(("text", "german", "english"), [
    (NOT_WELL_FORMED,
     "kaputt.bpmn:3:3: Fehler: kein wohlgeformtes XML: Start- und End-Tag passen nicht "
     "zusammen\n    Tipp: ist das wirklich eine BPMN-Datei?\n",
     "kaputt.bpmn:3:3: error: not well-formed XML: mismatched tag\n"
     "    hint: is this really a BPMN file?\n"),
    ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<x/>\n',
     "kaputt.bpmn:2:1: Fehler: die Datei enthält <!DOCTYPE: Dokumente mit einer DTD oder mit "
     "Entity-Deklarationen werden abgelehnt\n",
     "kaputt.bpmn:2:1: error: the file contains <!DOCTYPE: documents with a DTD or entity "
     "declarations are refused\n"),
    ('<definitions xmlns="urn:x"/>',
     "kaputt.bpmn:1:1: Fehler: das ist kein BPMN 2.0: das äußerste Element ist 'definitions', "
     "nicht bpmn:definitions\n",
     "kaputt.bpmn:1:1: error: this is not BPMN 2.0: the root element is 'definitions', not "
     "bpmn:definitions\n"),
])
def test_broken_bpmn_in_both_languages(tmp_path: Path, text: str, german: str,
                                       english: str) -> None:
    (tmp_path / "kaputt.bpmn").write_text(text, encoding="utf-8")
    in_german, in_english = _both(tmp_path, ["import", "kaputt.bpmn"])
    assert in_german.startswith(german), in_german
    assert in_english.startswith(english), in_english
    assert _english_in(in_german) == [], in_german


def _workbook(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    steps = book.active
    steps.title = "Schritte"
    for row in (("Schritt-ID", "Schritt", "Art", "Verantwortlich", "Nächste Schritte"),
                ("ankunft", "Ankunft", "Start", "jobcenter", "beratung; sackgasse"),
                ("beratung", "Beratung", "Tätigkeit", "Jobcentre", "ende"),
                ("sackgasse", "Warten", None, "jobcenter", None),
                ("ende", "Ende", "Ende", "jobcenter", "gibtsnicht"),
                ("ende", "Fertig", "Ende", "jobcenter", None)):
        steps.append(row)
    actors = book.create_sheet("Akteure")
    actors.append(("ID", "Name", "Farbe"))
    actors.append(("jobcenter", "Jobcenter", "blau"))
    actors.append(("sozialamt", None, None))
    book.save(path)
    return path


def test_spreadsheet_import_errors_name_sheet_and_cell(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    _workbook(tmp_path / "kette.xlsx")
    german, english = _both(tmp_path, ["import", "kette.xlsx"])
    assert ("kette.xlsx: Schritte!D3: Fehler: unbekannte Stelle 'Jobcentre'\n"
            "    Tipp: Meinten Sie 'Jobcenter'?\n") in german
    assert ("kette.xlsx: Schritte!D3: error: unknown actor 'Jobcentre'\n"
            "    hint: did you mean 'Jobcenter'?\n") in english
    assert ("kette.xlsx: Schritte!A6: Fehler: die Kennung 'ende' ist unter den Schritten "
            "doppelt vergeben\n    Tipp: dieselbe Kennung steht schon in Schritte!A5; geben Sie "
            "jedem Schritt eine eigene Kennung\n") in german
    assert ("kette.xlsx: Schritte!A6: error: duplicate step id 'ende'\n    hint: the same id "
            "is in Schritte!A5; give each step its own id\n") in english
    assert ("kette.xlsx: Schritte!A4: Fehler: der Schritt 'sackgasse' führt nirgendwohin\n"
            "    Tipp: tragen Sie in 'Nächste Schritte' die folgenden Schritte ein, oder wählen "
            "Sie in 'Art' 'Ende'\n") in german
    assert german.endswith("kette.xlsx: 7 Fehler, 0 Warnung(en)\n"), german
    assert english.endswith("kette.xlsx: 7 error(s), 0 warning(s)\n"), english
    assert _english_in(german) == [], german


def test_csv_import_in_both_languages(tmp_path: Path) -> None:
    (tmp_path / "kette.csv").write_text(CSV, encoding="utf-8")
    german, english = _both(tmp_path, ["import", "kette.csv"])
    assert ("kette.csv: C3: Fehler: 'Tätigkeit' ist keine Art von Schritt\n"
            "    Tipp: schreiben Sie eines davon: Start, Aufgabe, Entscheidung, Dokument, "
            "Ende\n") in german
    assert ("kette.csv: C3: error: 'Tätigkeit' is no kind of step\n"
            "    hint: write one of: Start, Aufgabe, Entscheidung, Dokument, Ende\n") in english
    assert "kette.csv: F1: Warnung: die Spalte 'Extra' wird nicht gelesen\n" in german
    assert "kette.csv: F1: warning: the column 'Extra' is not read\n" in english
    assert _english_in(german) == [], german


@pytest.mark.parametrize("name", ["kette.csv", "kette.xlsx"])
def test_unreadable_tables_in_german(tmp_path: Path, name: str) -> None:
    """A missing table, and one that is no workbook (or, as CSV, no steps table)."""
    german, english = _both(tmp_path, ["import", name])
    assert german.startswith(f"{name}: Fehler: diese Datei gibt es nicht\n"
                             "    Tipp: prüfen Sie Dateiname und Ordner\n"), german
    assert english.startswith(f"{name}: error: no such file\n"), english
    (tmp_path / name).write_bytes(b"\x00\x01 kein Tabellenblatt")
    german = _run(tmp_path, ["import", name], "de").stderr
    assert "Fehler:" in german and _english_in(german) == [], german


@pytest.mark.parametrize(("content", "german", "english"), [
    (b"title: T\x00\n",
     "nul.yaml: Fehler: die Datei enthält NUL-Bytes\n"
     "    Tipp: ist das wirklich eine Textdatei (YAML)?\n",
     "nul.yaml: error: the file contains NUL bytes\n"
     "    hint: is this really a text (YAML) file?\n"),
    (b"title: a\n---\ntitle: b\n",
     "nul.yaml:3:1: Fehler: die Datei enthält mehr als ein YAML-Dokument ('---')\n"
     "    Tipp: speichern Sie jede Prozesskette in einer eigenen Datei\n",
     "nul.yaml:3:1: error: the file holds more than one YAML document ('---')\n"
     "    hint: put each chain in a file of its own\n"),
    (b"title: " + b"[" * 60 + b"]" * 60 + b"\n",
     "Fehler: die Datei ist tiefer als 40 Ebenen verschachtelt\n"
     "    Tipp: eine Prozesskette braucht nur wenige Ebenen: prüfen Sie die Klammern\n",
     "error: the file nests deeper than 40 levels\n"
     "    hint: a chain needs only a few levels: check the brackets\n"),
])
def test_file_read_errors_in_both_languages(tmp_path: Path, content: bytes, german: str,
                                            english: str) -> None:
    (tmp_path / "nul.yaml").write_bytes(content)
    in_german, in_english = _both(tmp_path, ["check", "nul.yaml"])
    assert german in in_german, in_german
    assert english in in_english, in_english
    assert _english_in(in_german) == [], in_german


@pytest.mark.skipif(not Path(os.devnull).exists() or os.name == "nt", reason="POSIX device")
def test_a_device_is_not_a_chain_file_in_both_languages(tmp_path: Path) -> None:
    german, english = _both(tmp_path, ["check", os.devnull])
    assert (f"{os.devnull}: Fehler: das ist keine gewöhnliche Datei\n    Tipp: nennen Sie eine "
            ".yaml-Datei, die auf dem Datenträger gespeichert ist\n") in german
    assert (f"{os.devnull}: error: this is not a regular file\n"
            "    hint: name a .yaml file saved on disk\n") in english


def test_output_errors_in_both_languages(tmp_path: Path) -> None:
    target = tmp_path / "fehlt" / "kette.svg"
    for language, message, hint in (
            ("de", f"den Ausgabeordner '{target.parent}' gibt es nicht",
             "legen Sie ihn zuerst an, oder wählen Sie mit -o einen anderen"),
            ("en", f"the output folder '{target.parent}' does not exist",
             "create it first, or choose another with -o")):
        messages.choose_language(language)  # type: ignore[arg-type]
        with pytest.raises(ProzessketteError) as caught:
            api.render(EXAMPLE, target)
        (issue,) = caught.value.issues
        assert (issue.message, issue.hint, issue.code) == (message, hint, "no-output-folder")
    messages.choose_language("de")
    with pytest.raises(ProzessketteError) as caught:
        api.render(EXAMPLE, tmp_path / "kette.gif")
    assert caught.value.issues[0].message == (
        "unbekanntes Ausgabeformat 'gif': verwenden Sie eines von svg, pdf, png, json, html")
    assert caught.value.issues[0].code == "output-format"
    denied = OSError(errno.EACCES, "Permission denied")
    assert os_reason(denied) == "keine Berechtigung"
    assert os_reason(OSError(errno.EBADF, "Bad file descriptor")) == "Bad file descriptor"
    messages.choose_language("en")
    assert os_reason(denied) == "Permission denied"


def test_the_old_version_that_cannot_be_read_in_both_languages(tmp_path: Path) -> None:
    (tmp_path / "kette.yaml").write_bytes(EXAMPLE.read_bytes())
    german, english = _both(tmp_path, ["diff", "--since=-x", "kette.yaml"])
    assert german == (
        "kette.yaml@-x: Fehler: die alte Fassung kann nicht gelesen werden: '-x' ist keine "
        "Revision (nur gelesen: im Repository wurde nichts verändert)\n"
        "    Tipp: geben Sie einen Commit, ein Tag oder einen Branch an, z. B. HEAD~1 oder "
        "v2026-10\n")
    assert english == (
        "kette.yaml@-x: error: cannot read the old version: '-x' is not a revision (read-only: "
        "nothing in the repository was changed)\n"
        "    hint: give a commit, tag or branch, e.g. HEAD~1 or v2026-10\n")


def test_untranslated_texts_warning_in_both_languages() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for language, first in (("de", "Texte haben keine Übersetzung in 'xx':"),
                            ("en", "texts have no 'xx' translation:")):
        messages.choose_language(language)  # type: ignore[arg-type]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            api.to_svg(text, lang="xx")
        shown = str(caught[0].message).splitlines()
        assert shown[0].endswith(first), shown[0]
        assert shown[-1] == ("… und {count} weitere" if language == "de"
                             else "… and {count} more").format(
                                 count=int(shown[0].split()[0]) - 5)


def test_serve_console_lines_in_both_languages(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("uvicorn")
    pytest.importorskip("starlette")
    from prozesskette.serve import app

    monkeypatch.setattr(app._Uvicorn, "run", lambda self: None)  # no server, just its words
    (tmp_path / "kette.yaml").write_bytes(EXAMPLE.read_bytes())
    for language, lines in (
            ("de", ["Achtung: Der Server lauscht auf 0.0.0.0. Jeder im Netzwerk kann die "
                    "Ketten lesen.",
                    f"Vorschau von {tmp_path} unter http://0.0.0.0:8123/ (beenden mit Strg+C)",
                    "Vorschau beendet.",
                    f"prozesskette serve: {tmp_path / 'fehlt'} gibt es nicht"]),
            ("en", ["Warning: the server listens on 0.0.0.0. Anyone on the network can read "
                    "the chains.",
                    f"Preview of {tmp_path} at http://0.0.0.0:8123/ (stop with Ctrl+C)",
                    "Preview ended.",
                    f"prozesskette serve: {tmp_path / 'fehlt'} does not exist"])):
        messages.choose_language(language)  # type: ignore[arg-type]
        assert app.serve(tmp_path, "0.0.0.0", 8123, False) == 0
        assert app.serve(tmp_path / "fehlt", "127.0.0.1", 8123, False) == 2
        out, err = capsys.readouterr()
        assert err.splitlines() == [lines[0], lines[3]]
        assert out.splitlines() == lines[1:3]
