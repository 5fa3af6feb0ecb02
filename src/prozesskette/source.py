"""Where each part of a chain stands in its file, so that every issue can name line and column.

The loader fills a :class:`SourceMap` while it reads YAML (the BPMN importer while it reads
XML); the checks, translations and the importer ask it where a data path stands. It sits in
the bottom layer with :mod:`prozesskette.errors`, so that every stage above can locate its
issues without importing the stage that read the file.

It also reads the raw lines at a position, for the hints that must see what was typed rather
than what YAML made of it: a key indented to no column above it, a tab, a value that began
with '#' and became a comment, Word's typographic quotes, a file not saved as UTF-8.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from prozesskette.errors import Issue, Severity
from prozesskette.messages import _, ngettext

DataPath = tuple[str | int, ...]
"""A place in the plain data of a chain, e.g. ``("steps", 3, "next", 0)``."""

Position = tuple[int, int]
"""1-based line and column; ``(0, 0)`` is the file as a whole."""


class SourceMap:
    """Where each part of a chain stands in its file (1-based line and column).

    A plain class rather than a dataclass (its ``__eq__`` and ``__repr__`` were never used):
    every command imports this module, and a dataclass costs about 0.7 ms to create there.
    """

    __slots__ = ("file", "keys", "values")

    def __init__(self, file: str, values: dict[DataPath, Position] | None = None,
                 keys: dict[DataPath, Position] | None = None) -> None:
        self.file = file
        self.values: dict[DataPath, Position] = {} if values is None else values
        self.keys: dict[DataPath, Position] = {} if keys is None else keys

    def __repr__(self) -> str:
        return f"SourceMap({self.file!r}, {len(self.values)} values, {len(self.keys)} keys)"

    def where(self, path: DataPath, *, key: bool = False) -> Position:
        """Position of the value at ``path`` (or of its key), else of the nearest ancestor."""
        table = self.keys if key else self.values
        if path in table:
            return table[path]
        for cut in range(len(path) - 1, -1, -1):
            if path[:cut] in self.values:
                return self.values[path[:cut]]
        return (0, 0)

    def issue(self, path: DataPath, severity: Severity, message: str, hint: str | None = None,
              *, key: bool = False, code: str = "") -> Issue:
        """An issue located at the value at ``path`` (or at its key)."""
        line, col = self.where(path, key=key)
        return Issue(self.file, line, col, severity, message, hint, code)


def unlocated(file: str = "<chain>") -> SourceMap:
    """A source map for chains built in Python: issues then name the file only."""
    return SourceMap(file)


# --- the raw lines, for hints that must look at what was typed ------------------------------

_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # YAML's line breaks, no others

# an indentation, list dashes, then a key (plain or quoted) and its colon; the rest of the line
_KEY_LINE = re.compile(r"""([ \t]*(?:-[ \t]+)*)("[^"]*"|'[^']*'|[^\s:#"'-][^:#]*?)[ \t]*:"""
                       r"(?:[ \t]+(.*))?$")


_LOOK_AT = 1000  # characters of a line that the hints read


def source_lines(text: str) -> list[str]:
    """The lines of a text as YAML counts them, so that line N of a mark is ``lines[N - 1]``."""
    return _LINE_BREAK.split(text)


class KeyLine(NamedTuple):
    """A line that starts with ``key:`` (after its indentation and any list dashes)."""

    key: str
    column: int
    """1-based column of the key's first character."""
    opens_block: bool
    """Nothing but a comment follows the colon: the key's value is on the lines below."""


def key_line(line: str) -> KeyLine | None:
    """The key a line starts with, or None for a line of text, a list item or a comment."""
    match = _KEY_LINE.match(line[:_LOOK_AT])  # keys are short; bounded, the regex is lazy
    if match is None:
        return None
    rest = (match.group(3) or "").strip()
    return KeyLine(match.group(2).strip("\"'"), len(match.group(1)) + 1,
                   not rest or rest.startswith("#"))


def enclosing_keys(lines: list[str], line: int) -> list[KeyLine]:
    """The keys above line ``line`` (1-based) whose blocks may still be open there, innermost
    first: the nearest key line, then each key line further up that stands further left.
    These are the columns a key on line ``line`` may line up with.

    A text written as a block (``description: >-``) may hold lines that look like keys
    ("U25 heißt: für junge Menschen"); they are its text, not keys, and are skipped."""
    found: list[KeyLine] = []
    text_lines = _block_text_lines(lines[: max(line - 1, 0)])
    for number in range(min(line - 1, len(lines)) - 1, -1, -1):
        key = None if number in text_lines else key_line(lines[number])
        if key is not None and (not found or key.column < found[-1].column):
            found.append(key)
            if key.column == 1:
                break
    return found


#: A key whose value is a block of text on the lines below (``|``, ``>-``, ``|+2`` …).
_BLOCK_TEXT = re.compile(r"[^#]*?:[ \t]+[|>][-+0-9]*[ \t]*(?:#.*)?$")


def _block_text_lines(lines: list[str]) -> set[int]:
    """The (0-based) lines that are the text of a block scalar: after a key ending in ``|`` or
    ``>``, every line that is blank or indented further than that key."""
    inside: set[int] = set()
    opened_at: int | None = None  # the column of the key whose text block is open
    for number, text in enumerate(lines):
        indent = len(text) - len(text.lstrip(" "))
        if opened_at is not None and (not text.strip() or indent >= opened_at):
            inside.add(number)
            continue
        opened_at = None
        key = key_line(text)
        if key is not None and _BLOCK_TEXT.match(text[:_LOOK_AT]):
            opened_at = key.column
    return inside


def tab_hint(lines: list[str], line: int,
             siblings: Callable[[str, str], bool] | None = None) -> str:
    """Replace the tab: and, when the line holds a key, with how many spaces.

    ``siblings(key, other)`` says whether two keys belong to one kind of item (both fields of a
    step, say); the loader knows the format, this module does not. With it, the hint names the
    key above that ``key`` belongs beside, not merely the nearest one."""
    key = key_line(lines[line - 1]) if 0 < line <= len(lines) else None
    above = enclosing_keys(lines, line)
    if key is None or not above or "\t" not in lines[line - 1][: key.column]:
        return _("replace the tab characters with spaces")
    beside = next((other for other in above if siblings and siblings(key.key, other.key)),
                  above[0])
    return _("replace the tab characters with spaces: indent '{key}' like '{above}' above "
             "it: column {column}").format(key=key.key, above=beside.key, column=beside.column)


def comment_in_brackets(lines: list[str], line: int) -> str | None:
    """A value after '[' or '{' on this line or the one above that starts with '#': YAML reads
    it and the rest of the line as a comment, so the bracket is never closed."""
    for text in reversed(lines[max(line - 2, 0): line]):
        found = re.search(r"[\[{][^\]}]*?(?:^|[\s\[{,])(#[^\s,\]}]*)", text[:_LOOK_AT])
        if found:
            return found.group(1)
    return None


def misindented(lines: list[str], line: int) -> tuple[int, str, str] | None:
    """For a syntax error on a line whose key lines up with no key above it: the key's column,
    a message saying by how much it is off, and a hint naming the column it belongs at."""
    key = key_line(lines[line - 1]) if 0 < line <= len(lines) else None
    above = enclosing_keys(lines, line)
    if key is None or not above or "\t" in lines[line - 1][: key.column]:
        return None
    if key.column in {other.column for other in above} or \
            (above[0].opens_block and key.column > above[0].column):
        return None  # it lines up (or starts the block of the key above): not indentation
    target = min(above, key=lambda other: (abs(other.column - key.column), other.column))
    off = key.column - target.column
    more = ngettext("'{key}' is indented {count} space more than '{above}' above it",
                    "'{key}' is indented {count} spaces more than '{above}' above it", abs(off))
    less = ngettext("'{key}' is indented {count} space less than '{above}' above it",
                    "'{key}' is indented {count} spaces less than '{above}' above it", abs(off))
    return (key.column,
            (more if off > 0 else less).format(key=key.key, count=abs(off), above=target.key),
            _("indent '{key}' like '{above}' above it: column {column}").format(
                key=key.key, above=target.key, column=target.column))


# --- hints for what an editor or a word processor did to the text -------------------------

TYPOGRAPHIC_QUOTES = "“”„‘’‚«»"
OPENING_QUOTES, CLOSING_QUOTES = "“„‘‚«»", "”“’‘»«"


def typographic_hint() -> str:
    """How to get rid of Word's typographic quotes (a function: the words are translated)."""
    return _("replace the typographic quotes with straight ones \" or turn off AutoFormat "
             "(Word: Datei → Optionen → Dokumentprüfung → AutoKorrektur-Optionen → "
             "AutoFormat während der Eingabe)")


def straight_quoted(value: str) -> str:
    """The value in YAML's straight quotes, as the user would write it."""
    return f"'{value}'" if "'" not in value else '"' + value.replace('"', '\\"') + '"'


def save_as_utf8_hint() -> str:
    """How to save a file as UTF-8 in the editors coordinators use (translated words)."""
    return _("save it as UTF-8: in Windows-Editor \"Datei → Speichern unter\", then "
             "\"Codierung: UTF-8\"; in LibreOffice \"Datei → Speichern unter\", tick "
             "\"Filtereinstellungen bearbeiten\", then \"Zeichensatz: Unicode (UTF-8)\"; "
             "in VS Code click the encoding in the status bar, then \"Mit Codierung "
             "speichern\" → UTF-8")


def not_utf8_issue(file: str, raw: bytes, start: int) -> Issue:
    """Where the first byte that is not UTF-8 stands (the column in characters), and what it
    means in Windows-1252, the usual encoding of such a file, so that the user can find it."""
    line = raw[:start].count(b"\n") + 1
    line_start = raw.rfind(b"\n", 0, start) + 1
    col = len(raw[line_start:start].decode("utf-8", "replace")) + 1
    meant = raw[start:start + 1].decode("cp1252", "replace")
    shown = _(" ('{meant}' in Windows-1252)").format(meant=meant) \
        if meant.isprintable() and meant != "\ufffd" else ""
    return Issue(file, line, col, "error",
                 _("the file is not UTF-8 text: the first byte that is not UTF-8, "
                   "0x{byte:02X}{shown}, stands at line {line}, column {col}").format(
                     byte=raw[start], shown=shown, line=line, col=col),
                 save_as_utf8_hint(), "encoding")


def typed_by_mistake(key_node: Any, value_node: Any, lines: list[str],
                      file: str) -> Issue | None:
    """A key/value pair that YAML reads, but not as it was meant: typographic quotes (from
    Word) that YAML keeps as text, or a value starting with '#' that became a comment and left
    the key empty (``color: #e8f1fb``)."""
    key = key_node.value
    line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
    if not key_node.style and any(quote in key for quote in TYPOGRAPHIC_QUOTES):
        return Issue(file, line, col, "error",
                     _("the key '{key}' is written with typographic quotes, which YAML does not "
                       "read as quotes").format(key=key), typographic_hint(),
                     "typographic-quotes")
    if getattr(value_node, "style", "x") or not isinstance(value_node.value, str):
        return None  # quoted, a block scalar, a list or a mapping
    value = value_node.value.strip()
    if value == "":
        end = key_node.end_mark
        rest = lines[end.line][end.column:] if end.line < len(lines) else ""
        comment = re.match(r"[ \t]*:[ \t]+(#\S.*)", rest)
        if comment is None:  # no comment, or '# …' as comments are written: meant as one
            return None
        lost = comment.group(1).rstrip()
        lost = lost if len(lost) <= 80 else lost[:79] + "…"
        return Issue(file, end.line + 1, end.column + comment.start(1) + 1, "error",
                     _("'{key}' is empty: '{lost}' starts a comment").format(key=key, lost=lost),
                     _("write {key}: \"{lost}\"").format(key=key, lost=lost), "comment-value")
    if typographic_wrapped(value):
        mark = value_node.start_mark
        return Issue(file, mark.line + 1, mark.column + 1, "warning",
                     _("the value of '{key}' is written with typographic quotes, which YAML "
                       "keeps as part of the text").format(key=key),
                     typographic_hint() + _("; to keep them in the text, put the value in straight "
                                          "quotes: {key}: {value}").format(
                         key=key, value=straight_quoted(value)),
                     "typographic-quotes")
    return None


def typographic_wrapped(value: str) -> bool:
    """Whether a text starts and ends with typographic quotes, as Word writes "…"."""
    return len(value) > 1 and value[0] in OPENING_QUOTES and value[-1] in CLOSING_QUOTES


def with_typographic_causes(read: list[Issue], checked: list[Issue]) -> list[Issue]:
    """The issues of reading and of checking a file, where a value in typographic quotes also
    failed its check (``color: “#e8f1fb”``) as one error with the hint on the quotes."""
    quoted = {(issue.line, issue.col) for issue in read
              if issue.code == "typographic-quotes" and not issue.is_error}
    failed = {(issue.line, issue.col) for issue in checked if issue.is_error} & quoted
    return [*(issue for issue in read if (issue.line, issue.col) not in failed),
            *(dataclasses.replace(issue, hint=typographic_hint())
              if issue.is_error and (issue.line, issue.col) in failed else issue
              for issue in checked)]
