"""The user's language: German for a German locale, English otherwise (gettext catalogues)."""

from __future__ import annotations

import ast
import gettext
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from paths import EXAMPLE as EXAMPLE_CHAIN
from prozesskette import messages
from prozesskette.messages import language_from_environment, parse_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "prozesskette"
PO = SOURCE / "locale" / "de" / "LC_MESSAGES" / "prozesskette.po"

UNKNOWN_ACTOR = """title: T
actors:
  - id: jobcenter
    name: Jobcenter
steps:
  - id: a
    title: A
    actor: jobcentre
"""
UNLABELLED = """title: T
actors:
  - id: x
    name: X
steps:
  - id: d
    title: Passt es?
    actor: x
    kind: decision
    next: [{to: a, label: ja}, {to: b}]
  - id: a
    title: A
    actor: x
  - id: b
    title: B
    actor: x
"""
MISINDENTED = "title: T\nactors:\n  - id: x\n    name: X\nsteps:\n  - id: a\n     title: A\n"
TAB = "title: T\nactors:\n  - id: x\n\tname: X\n"


@pytest.fixture(autouse=True)
def _english_again() -> Iterator[None]:
    yield
    messages.choose_language("en")


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "de_DE.UTF-8"}, "de"),
    ({"LANG": "de_AT"}, "de"),
    ({"LC_ALL": "de"}, "de"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"LANG": "en_GB.UTF-8"}, "en"),
    ({"LANGUAGE": "de:en", "LANG": "C"}, "de"),
    ({"LANGUAGE": "", "LC_ALL": "", "LANG": "de_DE.UTF-8"}, "de"),
    ({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en"),
    ({"PROZESSKETTE_LANG": "en", "LANG": "de_DE.UTF-8"}, "en"),
    ({"PROZESSKETTE_LANG": "de", "LANG": "C"}, "de"),
    ({"LANG": "dex"}, "en"),
])
def test_language_follows_the_usual_variables(environ: dict[str, str], expected: str) -> None:
    assert language_from_environment(environ) == expected


def _msgids_in_code() -> set[tuple[str, str | None]]:
    found: set[tuple[str, str | None]] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            args = node.args
            if node.func.id == "_" and args:
                assert isinstance(args[0], ast.Constant), f"{path}:{node.lineno}"
                found.add((args[0].value, None))
            elif node.func.id == "ngettext" and len(args) >= 2:
                assert isinstance(args[0], ast.Constant) and isinstance(args[1], ast.Constant)
                found.add((args[0].value, args[1].value))
    return found


def test_every_message_in_the_code_has_a_german_translation() -> None:
    used = _msgids_in_code()
    assert len(used) > 30
    catalogue = parse_po(PO.read_text(encoding="utf-8"))
    missing = sorted(msgid for msgid, _plural in used if not catalogue.get(msgid))
    assert missing == []
    plurals = {msgid for msgid, plural in used if plural}
    assert all(len(catalogue[msgid].split("\0")) == 2 for msgid in plurals)


def test_translations_keep_the_fields_of_their_message() -> None:
    """A msgstr that drops or misspells a {field} would raise KeyError or lose the value."""
    import string

    def fields(text: str) -> set[str | None]:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}

    catalogue = parse_po(PO.read_text(encoding="utf-8"))
    for msgid, msgstr in catalogue.items():
        for form in msgstr.split("\0"):
            assert fields(form) == fields(msgid), msgid


def test_po_parser_reads_what_gettext_reads(tmp_path: Path) -> None:
    """The source-tree fallback (parse the .po) and the wheel's .mo give the same strings."""
    text = PO.read_text(encoding="utf-8")
    mo = tmp_path / "de.mo"
    mo.write_bytes(messages.compile_mo(text))
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    fallback = messages._PoTranslations(parse_po(text))
    for msgid, plural in _msgids_in_code():
        if plural is None:
            assert compiled.gettext(msgid) == fallback.gettext(msgid)
        else:
            for n in (1, 2, 5):
                assert compiled.ngettext(msgid, plural, n) == fallback.ngettext(msgid, plural, n)


def test_fuzzy_and_empty_entries_are_not_used() -> None:
    text = 'msgid "a"\nmsgstr "A"\n\n#, fuzzy\nmsgid "b"\nmsgstr "B"\n\nmsgid "c"\nmsgstr ""\n'
    assert parse_po(text) == {"a": "A"}


def _check(tmp_path: Path, text: str, **environ: str) -> subprocess.CompletedProcess[str]:
    chain = tmp_path / "kette.yaml"
    chain.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if k not in {"PROZESSKETTE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}}
    env.update(environ, PYTHONPATH=str(SOURCE.parent))
    return subprocess.run([sys.executable, "-m", "prozesskette", "check", "kette.yaml"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, check=False)


def test_check_speaks_german_in_a_german_locale(tmp_path: Path) -> None:
    result = _check(tmp_path, UNKNOWN_ACTOR, LANG="de_DE.UTF-8")
    assert result.returncode == 1
    assert ("kette.yaml:8:12: Fehler: unbekannte Stelle 'jobcentre'\n"
            "    Tipp: Meinten Sie 'jobcenter'?\n") in result.stderr
    assert result.stderr.endswith("kette.yaml: 4 Fehler, 1 Warnung(en)\n")


def test_check_speaks_english_in_the_c_locale(tmp_path: Path) -> None:
    result = _check(tmp_path, UNKNOWN_ACTOR, LANG="C")
    assert ("kette.yaml:8:12: error: unknown actor 'jobcentre'\n"
            "    hint: did you mean 'jobcenter'?\n") in result.stderr
    assert result.stderr.endswith("kette.yaml: 4 error(s), 1 warning(s)\n")


def test_prozesskette_lang_overrides_the_locale(tmp_path: Path) -> None:
    assert "error: unknown actor" in _check(tmp_path, UNKNOWN_ACTOR, LANG="de_DE.UTF-8",
                                            PROZESSKETTE_LANG="en").stderr
    assert "Fehler: unbekannte Stelle" in _check(tmp_path, UNKNOWN_ACTOR, LANG="C",
                                                 PROZESSKETTE_LANG="de").stderr


@pytest.mark.parametrize(("text", "german", "english"), [
    (UNLABELLED,
     "Fehler: der Weg nach 'b' der Entscheidung 'd' hat keine Beschriftung\n"
     "    Tipp: schreiben Sie ihn als {to: b, label: ja}",
     "error: branch 'b' of decision 'd' has no label\n"
     "    hint: write it as {to: b, label: ja}"),
    (MISINDENTED,
     "Fehler: YAML-Syntax: 'title' ist 1 Leerzeichen weiter eingerückt als 'id' darüber\n"
     "    Tipp: rücken Sie 'title' ein wie 'id' darüber: Spalte 5",
     "error: YAML syntax: 'title' is indented 1 space more than 'id' above it\n"
     "    hint: indent 'title' like 'id' above it: column 5"),
    (TAB, "    Tipp: ersetzen Sie die Tabulatoren durch Leerzeichen",
     "    hint: replace the tab characters with spaces"),
])
def test_broken_files_in_both_languages(tmp_path: Path, text: str, german: str,
                                        english: str) -> None:
    in_german = _check(tmp_path, text, LANG="de_DE.UTF-8").stderr
    in_english = _check(tmp_path, text, LANG="C").stderr
    assert german in in_german, in_german
    assert english in in_english, in_english
    english_words = ("error", "hint", "warning", "unknown", "step ", "the ", " has ", " is ",
                     "did you", "indent", "replace", "found", "while")
    assert [word for word in english_words if word in in_german] == [], in_german


def test_no_english_is_left_in_a_german_check_of_an_unknown_id(tmp_path: Path) -> None:
    """Every message of this broken chain (unknown actor, unused actor, no start, no end, a
    dead end) comes out in German."""
    in_german = _check(tmp_path, UNKNOWN_ACTOR, LANG="de_DE.UTF-8").stderr
    assert in_german.count("Fehler:") == 4 and in_german.count("Tipp:") == 5
    english_words = ("error", "hint", "warning", "unknown", "step ", "the ", " has ", " is ",
                     "did you", "add ", "mark ", "remove ")
    assert [word for word in english_words if word in in_german] == [], in_german


def test_the_cli_page_shows_what_check_prints_in_both_languages(tmp_path: Path) -> None:
    """docs/cli.md shows the getting-started chain's typo in English and in German."""
    page = (ROOT / "docs" / "cli.md").read_text("utf-8")
    chain = (ROOT / "docs" / "getting-started.md").read_text("utf-8")
    text = chain.split("```yaml\n", 1)[1].split("```", 1)[0]
    typo = text.replace("actor: migrationsberatung", "actor: migrationsberatun")
    assert typo != text
    for language in ("de", "en"):
        shown = _check(tmp_path, typo, PROZESSKETTE_LANG=language).stderr
        assert shown.startswith("kette.yaml:29:12: ")
        assert f"```text\n{shown}```" in page, shown


def _run(tmp_path: Path, argv: list[str], **environ: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"PROZESSKETTE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}}
    env.update(environ, PYTHONPATH=str(SOURCE.parent))
    return subprocess.run([sys.executable, "-m", "prozesskette", *argv], capture_output=True,
                          text=True, cwd=tmp_path, env=env, check=False)


@pytest.mark.parametrize(("argv", "german", "english"), [
    (["diff", "a.yaml"],
     "prozesskette diff: Fehler: bitte zwei Fassungen angeben: prozesskette diff ALT NEU "
     "(ALT auch als DATEI@REV), oder prozesskette diff --since REV DATEI\n",
     "prozesskette diff: error: give two versions: prozesskette diff OLD NEW (OLD may be "
     "FILE@REV), or prozesskette diff --since REV FILE\n"),
    (["render", "missing.yaml"],
     "missing.yaml: Fehler: diese Datei gibt es nicht\n    Tipp: prüfen Sie Dateiname und "
     "Ordner\n",
     "missing.yaml: error: no such file\n    hint: check the file name and folder\n"),
    (["export", "missing.yaml", "--to", "xlsx"],
     "prozesskette: Fehler: --to xlsx schreibt eine Binärdatei: geben Sie ihren Namen mit -o "
     "an\n    Tipp: prozesskette export FILE --to xlsx -o FILE.xlsx\n",
     "prozesskette: error: --to xlsx writes a binary file: name it with -o\n"
     "    hint: prozesskette export FILE --to xlsx -o FILE.xlsx\n"),
    (["check", "--max-age", "zwölf", "a.yaml"],
     "'zwölf' ist keine ganze Zahl von Monaten; z. B. --max-age 12",
     "'zwölf' is not a whole number of months; e.g. --max-age 12"),
])
def test_other_commands_in_both_languages(tmp_path: Path, argv: list[str], german: str,
                                          english: str) -> None:
    assert german in _run(tmp_path, argv, LANG="de_AT.UTF-8").stderr
    assert english in _run(tmp_path, argv, LANG="C").stderr


def test_help_is_german_in_a_german_locale(tmp_path: Path) -> None:
    assert "Prozessketten als SVG, PDF, PNG oder Layout-JSON zeichnen" in _run(
        tmp_path, ["--help"], LC_ALL="de_DE.UTF-8").stdout
    assert "draw chains as SVG, PDF, PNG or layout JSON" in _run(
        tmp_path, ["--help"], LC_ALL="C.UTF-8", LANG="de_DE.UTF-8").stdout


def test_argparse_speaks_german_too(tmp_path: Path) -> None:
    """argparse's own words ("usage:", "options", its errors) follow the language as well."""
    helped = _run(tmp_path, ["check", "--help"], LANG="de_DE.UTF-8").stdout
    assert helped.startswith("Aufruf: prozesskette check")
    assert "\nOptionen:\n" in helped and "diese Hilfe zeigen und beenden" in helped
    assert "usage:" not in helped and "options:" not in helped
    wrong = _run(tmp_path, ["render", "-f", "gif", "a.yaml"], LANG="de_DE.UTF-8").stderr
    assert "Argument -f/--format: ungültige Auswahl: 'gif'" in wrong
    missing = _run(tmp_path, ["check"], LANG="de_DE.UTF-8").stderr
    assert "prozesskette check: Fehler: diese Argumente fehlen: FILE" in missing
    english = _run(tmp_path, ["check"], LANG="C").stderr
    assert english.startswith("usage: prozesskette check")
    assert "the following arguments are required: FILE" in english


def test_the_argparse_words_in_the_catalogue_are_argparse_s() -> None:
    """A Python release that rewords argparse would leave our German words unused: each of
    ARGPARSE_WORDS must still occur in argparse's source, and have a German translation."""
    import argparse
    import inspect

    from prozesskette.cli.base import ARGPARSE_WORDS

    source = inspect.getsource(argparse)
    catalogue = parse_po(PO.read_text(encoding="utf-8"))
    for words in ARGPARSE_WORDS:
        assert repr(words)[1:-1] in source or words in source, words
        assert catalogue.get(words), words


def test_the_page_notes_speak_german_with_a_decimal_comma() -> None:
    """What ``render -f pdf`` says about small print, in the reader's words and numbers."""
    from prozesskette.api import layout_chain
    from prozesskette.loader import load
    from prozesskette.messages import choose_language
    from prozesskette.renderers.pdf import choose_page

    chain = load(EXAMPLE_CHAIN)
    layout = layout_chain(chain, font_size=4.0)
    try:
        choose_language("de")
        german = choose_page(layout, chain, "A4", True).notes
        choose_language("en")
        english = choose_page(layout, chain, "A4", True).notes
    finally:
        choose_language("en")
    assert german and english
    assert re.fullmatch(r"auf A4 quer wird der Text in \d+,\d pt gedruckt \(kleiner als 7 pt\)"
                        r"(; A\d ist das kleinste Format mit 7 pt)?", german[0]), german
    assert re.fullmatch(r"on A4 landscape body text prints at \d+\.\d pt \(less than 7 pt\)"
                        r"(; A\d is the smallest size with 7 pt)?", english[0]), english


def test_serve_focus_problems_keep_their_suggestion_in_german(tmp_path: Path) -> None:
    """The did-you-mean of ``serve --focus`` was found by its English words, so a German
    run lost it; now it is made from the actor ids and comes in either language."""
    from prozesskette.messages import choose_language
    from prozesskette.serve.workspace import Workspace

    folder = tmp_path / "ketten"
    folder.mkdir()
    (folder / "kette.yaml").write_text(EXAMPLE_CHAIN.read_text("utf-8"), "utf-8")
    workspace = Workspace(folder)
    workspace.scan()
    try:
        choose_language("de")
        german = workspace.focus_problems("jobcentr")
    finally:
        choose_language("en")
    english = workspace.focus_problems("jobcentr")
    assert german == ["--focus: keine Kette unter ketten hat eine Stelle 'jobcentr' mit "
                      "Schritten\n    Tipp: Meinten Sie 'jobcenter'?"]
    assert english == ["--focus: no chain under ketten has an actor 'jobcentr' with steps\n"
                       "    hint: did you mean 'jobcenter'?"]
