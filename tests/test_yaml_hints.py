"""The YAML mistakes new users make get the hint for their cause, at their line (issue 15, 3):
over-indentation and tabs, a '#' value that became a comment, a file not saved as UTF-8, and
Word's typographic quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from paths import EXAMPLE
from prozesskette.errors import Issue
from prozesskette.graph import load_with_issues
from prozesskette.source import enclosing_keys, key_line, source_lines

TEXT = EXAMPLE.read_text("utf-8")


def issues_of(text: str) -> list[Issue]:
    _, issues = load_with_issues(text, filename="t.yaml")
    return [issue for issue in issues if issue.severity != "note"]


def only(text: str) -> Issue:
    found = issues_of(text)
    assert len(found) == 1, [issue.format() for issue in found]
    return found[0]


def changed(old: str, new: str) -> str:
    assert TEXT.count(old) == 1
    return TEXT.replace(old, new)


def test_one_extra_space_names_the_column_it_belongs_at() -> None:
    issue = only(changed("        role: Integ", "         role: Integ"))
    assert (issue.line, issue.col, issue.severity) == (15, 10, "error")
    assert issue.message == "YAML syntax: 'role' is indented 1 space more than 'name' above it"
    assert issue.hint == "indent 'role' like 'name' above it: column 9"
    assert "quotes" not in issue.hint


def test_over_indented_key_after_a_nested_block_lines_up_with_its_parent() -> None:
    text = changed("        role: Integrationsfachkraft U25\n        phone:",
                   "        role:\n          de: Integrationsfachkraft U25\n         phone:")
    issue = only(text)
    assert (issue.line, issue.col) == (17, 10)
    assert issue.hint == "indent 'phone' like 'role' above it: column 9"


def test_a_text_with_colon_keeps_its_quotes_hint() -> None:
    """A key that lines up is not an indentation mistake: the old hint stays right."""
    issue = only(changed("title: Ankommen", "title: Schritt 1: Ankommen"))
    assert issue.line == 24 and "must be put in quotes" in (issue.hint or "")
    issue = only(changed("region: Landkreis Stendal", "region:\n  de: Kreis: Stendal"))
    assert issue.line == 3 and "must be put in quotes" in (issue.hint or "")


def test_a_tab_says_how_far_to_indent() -> None:
    issue = only(changed("    short: JC", "\tshort: JC"))
    assert (issue.line, issue.col) == (11, 1)
    assert issue.hint == ("replace the tab characters with spaces: indent 'short' like 'name' "
                          "above it: column 5")


@pytest.mark.parametrize(("old", "new", "key", "col"), [
    ('color: "#e8f1fb"', "color: #e8f1fb", "color", 12),
    ("short: JC", "short:   #JC", "short", 14),
    ("  - id: sprache", "  - id: #sprache", "id", 9),
])
def test_a_hash_value_that_became_a_comment_is_an_error_at_its_line(
        old: str, new: str, key: str, col: int) -> None:
    text = changed(old, new)
    issue = only(text)
    line = text.splitlines().index(next(x for x in text.splitlines() if new in x)) + 1
    comment = new.split("#", 1)[1]
    assert (issue.line, issue.col, issue.severity) == (line, col, "error")
    assert issue.message == f"'{key}' is empty: '#{comment}' starts a comment"
    assert issue.hint == f'write {key}: "#{comment}"'


def test_an_ordinary_comment_after_an_empty_key_is_left_alone() -> None:
    text = changed('    color: "#e8f1fb"\n', "    color: # to be chosen\n")
    assert issues_of(text) == []


def test_a_windows_1252_file_says_where_and_how_to_save_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "ansi.yaml"
    path.write_bytes(TEXT.encode("cp1252"))
    issue = only(str(path))  # type: ignore[arg-type]
    # "Integration von jungen Geflüchteten": the ü stands at line 1, column 35
    assert (issue.line, issue.col) == (1, 35)
    assert issue.message == ("the file is not UTF-8 text: the first byte that is not UTF-8, "
                             "0xFC ('ü' in Windows-1252), stands at line 1, column 35")
    hint = issue.hint or ""
    assert '"Codierung: UTF-8"' in hint and "Windows-Editor" in hint
    assert "LibreOffice" in hint and "VS Code" in hint and "status bar" in hint


def test_the_column_of_a_bad_byte_counts_characters(tmp_path: Path) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_bytes("title: Straße ".encode() + "Grün\n".encode("cp1252"))
    issue = only(str(path))  # type: ignore[arg-type]
    assert (issue.line, issue.col) == (1, 17)


def test_typographic_quotes_around_a_key_are_an_error_with_the_word_hint() -> None:
    issue = only(changed("    title: Ankommen", "    “title”: Ankommen"))
    assert (issue.line, issue.col, issue.severity) == (24, 5, "error")
    assert issue.message == ("the key '“title”' is written with typographic quotes, which "
                             "YAML does not read as quotes")
    assert (issue.hint or "").startswith(
        'replace the typographic quotes with straight ones " or turn off AutoFormat')


@pytest.mark.parametrize("quoted", ["„Ankommen“", "“Ankommen”", "‘Ankommen’"])
def test_typographic_quotes_around_a_value_are_a_warning(quoted: str) -> None:
    issue = only(changed("title: Ankommen", f"title: {quoted}"))
    assert (issue.line, issue.col, issue.severity) == (24, 12, "warning")
    assert "typographic quotes" in issue.message
    assert (issue.hint or "").endswith(f"straight quotes: title: '{quoted}'")


def test_typographic_quotes_in_a_syntax_error_get_the_word_hint() -> None:
    issue = only(changed("title: Ankommen", "title: „Schritt 1: Ankommen“"))
    assert issue.line == 24 and "AutoFormat" in (issue.hint or "")


def test_quotes_inside_a_text_or_in_straight_quotes_are_fine() -> None:
    text = changed("title: Ankommen", "title: Kurs „Leben in Deutschland“ besuchen").replace(
        "title: Sprache", "title: '„Sprache“'")
    assert issues_of(text) == []


def test_the_lines_and_keys_the_hints_read() -> None:
    assert source_lines("a\r\nb\rc\u2028d\x0ce") == ["a", "b", "c", "d\x0ce"]
    assert key_line("      - name: X") == ("name", 9, False)
    assert key_line("    next:  # later") == ("next", 5, True)
    assert key_line("      Sie lernen Deutsch.") is None
    lines = ["a:", "  b:", "    c: 1", "    d: 2", "  e: 3", ""]
    assert [k.column for k in enclosing_keys(lines, 6)] == [3, 1]
    assert [k.key for k in enclosing_keys(lines, 5)] == ["d", "b", "a"]


def test_a_hash_value_after_a_quoted_key_is_found_too() -> None:
    issue = only(changed('color: "#e8f1fb"', '"color": #e8f1fb'))
    assert (issue.line, issue.col) == (12, 14)
    assert issue.hint == 'write color: "#e8f1fb"'


def test_a_hash_value_inside_brackets_names_the_comment() -> None:
    issue = only(changed("{to: kurs, label: nein}", "{to: #kurs, label: nein}"))
    assert issue.message.startswith("YAML syntax")
    assert issue.hint == "'#kurs' starts a comment, also inside [ ] and { }: write \"#kurs\""


def test_a_value_in_typographic_quotes_that_fails_its_check_is_one_error() -> None:
    issue = only(changed('color: "#e8f1fb"', "color: “#e8f1fb”"))
    assert (issue.line, issue.col, issue.severity) == (12, 12, "error")
    assert "is not a colour" in issue.message
    assert (issue.hint or "").startswith("replace the typographic quotes with straight ones")


def test_the_hints_stay_quick_on_a_hostile_line() -> None:
    """The hints read the raw line with lazy patterns: a line of 100,000 spaces must not make
    them quadratic (it would take minutes)."""
    spaces = " " * 100_000
    issue = only(f"title: T\ncolor: #a{spaces}b\n")
    assert issue.message.startswith("'color' is empty: '#a ")
    assert issue.message.endswith("…' starts a comment")
    issue = only(f"title: T\nactors:\n  - id: a\n     b{spaces}c: d\n")
    assert issue.message.startswith("YAML syntax")


BLOCK_TEXT = """title: T
actors:
  - id: a
    name: A
steps:
  - id: s
    title: S
    actor: a
    description: >-
      Sie bekommen eine feste Ansprech-Person.
      U25 heißt: für junge Menschen unter 25 Jahren.
{next}
  - id: e
    title: E
    kind: end
    actor: a
"""


def test_a_line_of_a_text_block_that_looks_like_a_key_is_not_taken_for_one() -> None:
    """Seen on the Stendal chain: a tab before ``next`` after a description written as a
    block; the hint named the text 'U25 heißt' as the key to line up with."""
    issue = only(BLOCK_TEXT.format(next="\tnext: [e]"))
    assert issue.line == 12
    assert issue.hint == ("replace the tab characters with spaces: indent 'next' like "
                          "'description' above it: column 5")
    assert issue.message == ("YAML syntax: found a tab character where an indentation space "
                             "is expected (while scanning a block scalar)")
    lines = source_lines(BLOCK_TEXT.format(next="    next: [e]"))
    assert [key.key for key in enclosing_keys(lines, 12)] == ["description", "steps"]


def test_an_over_indented_key_after_a_text_block_names_its_sibling() -> None:
    issue = only(BLOCK_TEXT.format(next="     next: [e]"))
    assert issue.hint == "indent 'next' like 'description' above it: column 5"
