"""The rows of a workshop's tables → the plain data of a chain, each value's cell recorded.

:mod:`.sheets` reads the file into :class:`Grid` s (text cells) and hands them here; the
result goes through the loader and the checks like a YAML file's data. Positions are written
as (row, sheet number × :data:`SHEET_STRIDE` + column), so that every issue the loader and the
checks report can be turned back into 'sheet!cell'.

References may be ids or names: 'Jobcenter' finds the actor ``jobcenter`` by its name (in any
language); an unknown one is an error with a 'did you mean'. Without an actors (phases)
sheet, as in a CSV file, the names the steps use become the actors (phases).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from prozesskette.errors import Issue, Severity, did_you_mean
from prozesskette.export.tables import (
    CHAIN_ROWS,
    KIND_WORDS,
    TABLES,
    HeaderLanguage,
    TableName,
    TableSpec,
    slug,
    split_header,
)
from prozesskette.messages import _
from prozesskette.model import FIELDS
from prozesskette.source import DataPath

SHEET_STRIDE = 1000
"""Encoded column = sheet number × stride + column (columns beyond are not read)."""

Position = tuple[int, int]

_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_GERMAN_DATE = re.compile(r"^(?:(\d{1,2})\.)?(\d{1,2})\.(\d{4})$")
_DATE_LIKE = re.compile(r"^\d{1,4}(?:[-./]\d{1,4}){1,2}$")
_LIST_SPLIT = re.compile(r"\s*[;\n]\s*")
#: One next step: an id or title, then maybe its label in brackets (which may hold ';';
#: a ']' in a label is written twice: 'kurs [A]]1]' is the label 'A]1').
_NEXT_ITEMS = re.compile(r"(?P<to>[^;\n\[\]]*?)\s*(?:\[(?P<label>(?:[^\]]|\]\])*)\])?\s*"
                         r"(?:[;\n]\s*|$)")


@dataclass(frozen=True)
class Grid:
    """One sheet (or the CSV file) as text cells: (row number, cells) of its non-empty rows."""

    name: str | None  # the sheet's title; None for a CSV file
    number: int
    rows: tuple[tuple[int, tuple[str | None, ...]], ...]


@dataclass
class Collector:
    """The issues found so far, and where each value of the chain data stood."""

    file: str
    issues: list[Issue] = field(default_factory=list)
    positions: dict[DataPath, Position] = field(default_factory=dict)
    header_language: HeaderLanguage = "de"  # of the steps table, for the hints

    def issue(self, at: Position, severity: Severity, message: str, hint: str | None,
              code: str) -> None:
        self.issues.append(Issue(self.file, at[0], at[1], severity, message, hint, code))

    def error(self, at: Position, message: str, hint: str | None, code: str) -> None:
        self.issue(at, "error", message, hint, code)


def table_of(grid: Grid) -> TableName | None:
    """Which table a sheet is, by its name in German or English."""
    title = (grid.name or "").strip().casefold()
    return next((name for name, spec in TABLES.items()
                 if title in (spec.de.casefold(), spec.en.casefold(), name)), None)


def iso_date(text: str) -> str | None:
    """An ISO date (YYYY-MM or YYYY-MM-DD) from ISO or German writing, or None if invalid."""
    match = _DATE.match(text)
    if match:
        year, month, day = match.group(1), match.group(2), match.group(3)
    else:
        german = _GERMAN_DATE.match(text)
        if german is None:
            return None
        year, month = german.group(3), german.group(2).zfill(2)
        day = german.group(1).zfill(2) if german.group(1) else None
    try:
        datetime.date(int(year), int(month), int(day or 1))
    except ValueError:
        return None
    return f"{year}-{month}-{day}" if day else f"{year}-{month}"


class Table:
    """One table's rows, with its columns found by their headers (German or English)."""

    def __init__(self, sink: Collector, grid: Grid, spec: TableSpec) -> None:
        self.sink, self.grid, self.spec = sink, grid, spec
        self.main: dict[str, int] = {}  # key → column
        self.translated: dict[str, dict[str, int]] = {}  # key → language → column
        self.language: HeaderLanguage = "de"
        self.rows = grid.rows[1:]
        self.header_row = grid.rows[0][0] if grid.rows else 1
        if grid.rows:
            self._find_columns(grid.rows[0][1])

    def at(self, row: int, column: int) -> Position:
        return (row, self.grid.number * SHEET_STRIDE + column)

    def _find_columns(self, headers: tuple[str | None, ...]) -> None:
        words: dict[str, tuple[str, HeaderLanguage | None]] = {}
        for column_spec in self.spec.columns:
            words.setdefault(column_spec.key.casefold(), (column_spec.key, None))
            words[column_spec.en.casefold()] = (column_spec.key, "en")
            words[column_spec.de.casefold()] = (column_spec.key, "de")
        votes = {"de": 0, "en": 0}
        unknown: list[tuple[Position, str]] = []
        for column, header in enumerate(headers, start=1):
            if header is None:
                continue
            base, language = split_header(header)
            found = words.get(" ".join(base.split()).casefold())
            where = self.at(self.header_row, column)
            if found is None:
                unknown.append((where, header))
                continue
            key, header_language = found
            if header_language:
                votes[header_language] += 1
            taken = self.main if language is None else self.translated.get(key, {})
            if (key if language is None else language) in taken:
                self.sink.error(where, _("the column '{header}' appears twice").format(
                    header=header), _("delete or rename one of them"), "sheet-column-twice")
            elif language is None:
                self.main[key] = column
            else:
                self.translated.setdefault(key, {})[language] = column
        self.language = "en" if votes["en"] > votes["de"] else "de"
        known = ", ".join(c.header(self.language) for c in self.spec.columns)
        for where, header in unknown:
            self.sink.issue(where, "warning",
                            _("the column '{header}' is not read").format(header=header),
                            _("the columns of this table: {columns}").format(columns=known),
                            "sheet-column")
        width = len(headers)
        for row, cells in self.rows:
            beyond = next((column for column, cell in enumerate(cells[width:], start=width + 1)
                           if cell is not None), None)
            if beyond is not None:
                self.sink.issue(self.at(row, beyond), "warning",
                                _("this cell has no header: it is not read"),
                                _("in a CSV file, put a cell that holds the separator in "
                                  "quotes (a spreadsheet program does so)"), "sheet-no-header")

    def header(self, key: str) -> str:
        return next(c for c in self.spec.columns if c.key == key).header(self.language)

    def column(self, key: str) -> int:
        """The column of ``key`` (or of its first translation; 1 if it has none)."""
        return self.main.get(key) or next(iter(self.translated.get(key, {}).values()), 1)

    def value(self, cells: tuple[str | None, ...], key: str) -> str | None:
        """A short value (id, reference, word), without surrounding spaces."""
        column = self.main.get(key)
        text = cells[column - 1] if column is not None and column <= len(cells) else None
        return text.strip() if text is not None and text.strip() else None

    def text(self, cells: tuple[str | None, ...], key: str, own: str) -> Any:
        """A text as written, with its translations: the text, or {language: text}."""
        column = self.main.get(key)
        main = cells[column - 1] if column is not None and column <= len(cells) else None
        others = {language: cells[col - 1]
                  for language, col in self.translated.get(key, {}).items()
                  if col <= len(cells) and cells[col - 1] is not None}
        if not others:
            return main
        return {**({own: main} if main is not None else {}), **others}

    def place(self, path: DataPath, row: int, key: str) -> Position:
        """Record that the value at ``path`` stands in ``key`` 's cell of ``row``."""
        where = self.at(row, self.column(key))
        self.sink.positions[path] = where
        return where


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


@dataclass
class _Names:
    """The ids of one kind (actors, phases, services) and the names that find them."""

    noun: str
    name_key: str  # the field the names are in: name or title
    items: list[dict[str, Any]]
    implicit: bool  # no sheet of its own: the names used become items
    by_name: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.items:
            for key in ("id", self.name_key, "short"):
                value = item.get(key)
                texts = value.values() if isinstance(value, dict) else [value]
                for text in texts:
                    if isinstance(text, str):
                        self.by_name.setdefault(text.strip().casefold(), item["id"])

    def resolve(self, value: str, at: Position, sink: Collector) -> str | None:
        if any(item["id"] == value for item in self.items):
            return value
        found = self.by_name.get(value.casefold())
        if found is not None:
            return found
        if self.implicit:
            taken = {item["id"] for item in self.items}
            new_id = _unique(slug(value), taken)
            self.items.append({"id": new_id, self.name_key: value})
            self.by_name[value.casefold()] = new_id
            return new_id
        names = [item["id"] for item in self.items] + [
            text for item in self.items for text in
            ([item.get(self.name_key)] if isinstance(item.get(self.name_key), str) else [])]
        guess = did_you_mean(value, names) or did_you_mean(value.casefold(), [
            name.casefold() for name in names])
        words = _noun_words(self.noun)
        hint = _("did you mean '{guess}'?").format(guess=guess) if guess else (
            words["ids"] if self.items else words["add"])
        sink.error(at, words["unknown"].format(value=value), hint, f"unknown-{self.noun}")
        return None


def _noun_words(noun: str) -> dict[str, str]:
    """The messages about an actor, phase, service, contact or step, in the reader's language:
    one whole sentence per noun (German nouns have genders, and their articles differ)."""
    if noun == "actor":
        return {"unknown": _("unknown actor '{value}'"),
                "ids": _("write one of the ids of the actors' sheet"),
                "add": _("add the actor to its sheet first"),
                "empty": _("'{header}' is empty: every actor needs one"),
                "name": _("write the actor's name"),
                "no-id": _("the actor has no id: it is '{id}'"),
                "duplicate": _("duplicate actor id '{id}'"),
                "same-id": _("the same id is in {cell}; give each actor its own id"),
                "id-column": _("the table has no column '{column}': each actor's id is made "
                               "from its name")}
    if noun == "phase":
        return {"unknown": _("unknown phase '{value}'"),
                "ids": _("write one of the ids of the phases' sheet"),
                "add": _("add the phase to its sheet first"),
                "empty": _("'{header}' is empty: every phase needs one"),
                "name": _("write the phase's title"),
                "no-id": _("the phase has no id: it is '{id}'"),
                "duplicate": _("duplicate phase id '{id}'"),
                "same-id": _("the same id is in {cell}; give each phase its own id"),
                "id-column": _("the table has no column '{column}': each phase's id is made "
                               "from its name")}
    if noun == "service":
        return {"unknown": _("unknown service '{value}'"),
                "ids": _("write one of the ids of the services' sheet"),
                "add": _("add the service to its sheet first"),
                "empty": _("'{header}' is empty: every service needs one"),
                "name": _("write the service's title"),
                "no-id": _("the service has no id: it is '{id}'"),
                "duplicate": _("duplicate service id '{id}'"),
                "same-id": _("the same id is in {cell}; give each service its own id"),
                "id-column": _("the table has no column '{column}': each service's id is made "
                               "from its name")}
    if noun == "contact":
        return {"empty": _("'{header}' is empty: every contact needs one")}
    return {"empty": _("'{header}' is empty: every step needs one"),
            "no-id": _("the step has no id: it is '{id}'"),
            "duplicate": _("duplicate step id '{id}'"),
            "same-id": _("the same id is in {cell}; give each step its own id"),
            "id-column": _("the table has no column '{column}': each step's id is made from "
                           "its name")}


def _kind_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for kind, (german, english) in KIND_WORDS.items():
        for word in (german, english, kind.value):
            words[word.casefold()] = kind.value
    return words


class Builder:
    """Builds the chain data from the tables found (the steps table at least)."""

    def __init__(self, sink: Collector, grids: dict[TableName, Grid], title: str,
                 title_from_name: bool) -> None:
        self.sink = sink
        self.tables = {name: Table(sink, grid, TABLES[name]) for name, grid in grids.items()}
        self.title = title
        self.title_from_name = title_from_name  # else it came from the CSV's 'Titel:' line

    def build(self) -> dict[str, Any]:
        data = self._chain()
        own = data.setdefault("language", self.tables["steps"].language)
        self.sink.header_language = self.tables["steps"].language
        lists: dict[str, list[dict[str, Any]]] = {}
        names: dict[str, _Names] = {}
        sections: tuple[tuple[TableName, str, str], ...] = (
            ("actors", "actor", "name"), ("phases", "phase", "title"),
            ("services", "service", "title"))
        for section, noun, name_key in sections:
            lists[section] = self._items(section, noun, name_key, own)
            implicit = section not in self.tables or (not lists[section]
                                                      and section == "actors")
            names[section] = _Names(noun, name_key, lists[section], implicit)
        steps = self._steps(own, names)
        self._contacts(own, names["actors"])
        data.update({section: items or None for section, items in lists.items()})
        data["steps"] = steps
        return data

    # --- the chain's own fields ----------------------------------------------------------------

    def _chain(self) -> dict[str, Any]:
        table = self.tables.get("chain")
        data: dict[str, Any] = {}
        if table is not None:
            labels = {word.casefold(): key for key, pair in CHAIN_ROWS.items()
                      for word in (*pair, key)}
            found: list[tuple[str, int, tuple[str | None, ...]]] = []
            for row, cells in table.rows:
                label = table.value(cells, "field")
                key = labels.get(label.casefold()) if label else None
                if key is None:
                    rows = ", ".join(pair[0 if table.language == "de" else 1]
                                     for pair in CHAIN_ROWS.values())
                    self.sink.issue(table.at(row, table.column("field")), "warning",
                                    _("the row '{label}' is not read").format(label=label),
                                    _("the rows: {rows}").format(rows=rows), "sheet-row")
                    continue
                found.append((key, row, cells))
            language = next((table.value(cells, "value") for key, _, cells in found
                             if key == "language"), None)
            own = language or table.language
            for key, row, cells in found:
                kind = FIELDS["Chain"][key].kind
                value = table.text(cells, "value", own) if kind in ("text", "longtext") \
                    else table.value(cells, "value")
                if value is None:
                    continue
                where = table.place((key,), row, "value")
                if key == "version" and isinstance(value, str):
                    value = self._date(value, where, table.header("value"), "Stand", short=True)
                data[key] = value
        if data.get("title") is None:
            data["title"] = self.title
            if self.title_from_name:
                hint = _("give it a 'Titel' row in a sheet 'Kette'") if self.tables["steps"].\
                    grid.name is not None else _("give the file a first line 'Titel: …'")
                self.sink.issue((0, 0), "note", _("the chain's title is the file name: "
                                                  "'{title}'").format(title=self.title),
                                hint, "sheet-title")
        return data

    def _date(self, value: str, where: Position, header: str, label: str, *,
              short: bool) -> str | None:
        """A date cell as ISO text; an error if it looks like a date and is none."""
        if not _DATE_LIKE.match(value):
            if short:
                return value  # a 'Stand' may also be a version name
        else:
            date = iso_date(value)
            if date is not None and (short or len(date) == 10):
                return date
        hint = _("write it as YYYY-MM or YYYY-MM-DD, e.g. {example}").format(
            example="2026-11") if short else _("write it as YYYY-MM-DD, e.g. {example}").format(
            example="2026-11-30")
        self.sink.error(where, _("{label} '{value}' is not a valid date").format(
            label=label, value=value), hint, "sheet-date")
        return None

    # --- actors, phases, services, contacts ------------------------------------------------

    def _record(self, table: Table, row: int, cells: tuple[str | None, ...], model: str,
                own: str, path: DataPath, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The model fields of one row, each one's cell recorded."""
        self.sink.positions[path] = table.at(row, 1)
        item: dict[str, Any] = {}
        for key, spec in FIELDS[model].items():
            if key in skip or (key not in table.main and key not in table.translated):
                continue
            value = table.text(cells, key, own) if spec.kind in ("text", "longtext") \
                else table.value(cells, key)
            if value is None:
                continue
            where = table.place((*path, key), row, key)
            if key == "checked" and isinstance(value, str):
                value = self._date(value, where, table.header(key), table.header(key),
                                   short=False)
            item[key] = value
        return item

    def _empty(self, table: Table, row: int, key: str, noun: str, hint: str) -> None:
        self.sink.error(table.at(row, table.column(key)),
                        _noun_words(noun)["empty"].format(header=table.header(key)), hint,
                        "sheet-empty")

    def _give_id(self, table: Table, row: int, item: dict[str, Any], name: Any, noun: str,
                 taken: dict[str, Position], path: DataPath) -> None:
        """The row's id: its cell, or one made from the name (with a note)."""
        where = table.at(row, table.column("id"))
        if item.get("id") is None:
            text = name if isinstance(name, str) else next(iter(name.values()), "") \
                if isinstance(name, dict) else ""
            item["id"] = _unique(slug(text), set(taken))
            if "id" in table.main:  # else one note for the table says so
                self.sink.issue(where, "note", _noun_words(noun)["no-id"].format(
                    id=item["id"]), None, "sheet-id")
            self.sink.positions[(*path, "id")] = where
        elif item["id"] in taken:
            words = _noun_words(noun)
            self.sink.error(where, words["duplicate"].format(id=item["id"]),
                            words["same-id"].format(cell=self.cell_name(taken[item["id"]])),
                            "duplicate-id")
            return
        taken[item["id"]] = where

    def _no_id_column(self, table: Table, noun: str) -> None:
        if "id" not in table.main and table.rows:
            self.sink.issue(table.at(table.header_row, 1), "note",
                            _noun_words(noun)["id-column"].format(column=table.header("id")),
                            None, "sheet-id")

    def cell_name(self, at: Position) -> str:
        sheet, column = divmod(at[1], SHEET_STRIDE)
        grid = next((t.grid for t in self.tables.values() if t.grid.number == sheet), None)
        prefix = f"{grid.name}!" if grid is not None and grid.name else ""
        return f"{prefix}{letter(column)}{at[0]}"

    def _items(self, section: TableName, noun: str, name_key: str,
               own: str) -> list[dict[str, Any]]:
        table = self.tables.get(section)
        if table is None:
            return []
        self.sink.positions[(section,)] = table.at(table.header_row, 1)
        model = TABLES[section].model or ""
        self._no_id_column(table, noun)
        items: list[dict[str, Any]] = []
        taken: dict[str, Position] = {}
        for row, cells in table.rows:
            path: DataPath = (section, len(items))
            item = self._record(table, row, cells, model, own, path)
            name = item.get(name_key)
            if name is None:
                self._empty(table, row, name_key, noun, _noun_words(noun)["name"])
                item[name_key] = item.get("id") or noun
            self._give_id(table, row, item, item[name_key], noun, taken, path)
            items.append(item)
        return items

    def _contacts(self, own: str, actors: _Names) -> None:
        table = self.tables.get("contacts")
        if table is None:
            return
        for row, cells in table.rows:
            value = table.value(cells, "actor")
            where = table.at(row, table.column("actor"))
            if value is None:
                self._empty(table, row, "actor", "contact",
                            _("write the id of the contact's actor"))
                continue
            actor_id = actors.resolve(value, where, self.sink)
            if actor_id is None:
                continue
            index = next(i for i, item in enumerate(actors.items) if item["id"] == actor_id)
            contacts = actors.items[index].setdefault("contacts", [])
            path: DataPath = ("actors", index, "contacts", len(contacts))
            item = self._record(table, row, cells, "Contact", own, path)
            if item.get("name") is None:
                self._empty(table, row, "name", "contact", _("write the contact's name"))
                item["name"] = "?"
            contacts.append(item)

    # --- steps -----------------------------------------------------------------------------

    def _steps(self, own: str, names: dict[str, _Names]) -> list[dict[str, Any]]:
        table = self.tables["steps"]
        self.sink.positions[("steps",)] = table.at(table.header_row, 1)
        if "title" not in table.main:
            headers = ", ".join(c.header(table.language) for c in table.spec.columns)
            self.sink.error(table.at(table.header_row, 1),
                            _("the steps table has no column '{column}'").format(
                                column=table.header("title")),
                            _("the first row holds the headers: {headers}").format(
                                headers=headers), "sheet-no-column")
            return []
        steps: list[dict[str, Any]] = []
        taken: dict[str, Position] = {}
        self._no_id_column(table, "step")
        for row, cells in table.rows:
            path: DataPath = ("steps", len(steps))
            step = self._record(table, row, cells, "Step", own, path,
                                frozenset({"kind", "actor", "actors", "phase", "service",
                                           "next"}))
            if step.get("title") is None:
                self._empty(table, row, "title", "step", _("write what happens in this step"))
                step["title"] = step.get("id") or "?"
            self._give_id(table, row, step, step["title"], "step", taken, path)
            steps.append(step)
        titles = {text.strip().casefold(): step["id"] for step in steps
                  for text in (step["title"].values() if isinstance(step["title"], dict)
                               else [step["title"]])}
        kinds = _kind_words()
        for index, (row, cells) in enumerate(table.rows):
            step, path = steps[index], ("steps", index)
            kind = table.value(cells, "kind")
            if kind is not None:
                where = table.place((*path, "kind"), row, "kind")
                step["kind"] = kinds.get(kind.casefold())
                if step["kind"] is None:
                    words = ", ".join(pair[0 if table.language == "de" else 1]
                                      for pair in KIND_WORDS.values())
                    self.sink.error(where, _("'{kind}' is no kind of step").format(kind=kind),
                                    _("write one of: {words}").format(words=words),
                                    "sheet-kind")
            self._responsible(table, row, cells, step, path, names["actors"])
            for key in ("phase", "service"):
                value = table.value(cells, key)
                if value is not None:
                    where = table.place((*path, key), row, key)
                    step[key] = names[key + "s"].resolve(value, where, self.sink)
            step["next"] = self._next(table, row, cells, path, own, [s["id"] for s in steps],
                                      titles)
        phases = [item["id"] for item in names["phases"].items]
        for index, (row, _cells) in enumerate(table.rows):
            if phases and not steps[index].get("phase") and "phase" in table.main:
                self._empty(table, row, "phase", "step", _("choose one of: {choices}").format(
                    choices=", ".join(phases)))
        return steps

    def _responsible(self, table: Table, row: int, cells: tuple[str | None, ...],
                     step: dict[str, Any], path: DataPath, actors: _Names) -> None:
        lead = table.value(cells, "actor")
        co = table.value(cells, "co_actors")
        found: list[str | None] = []
        if lead is not None:
            where = table.place((*path, "actor"), row, "actor")
            found.append(actors.resolve(lead, where, self.sink))
            self.sink.positions[(*path, "actors", 0)] = where
        elif co is None:
            self._empty(table, row, "actor", "step",
                        _("write the id of the actor responsible for it"))
            return
        for value in _LIST_SPLIT.split(co or ""):
            if value:
                where = table.at(row, table.column("co_actors"))
                self.sink.positions[(*path, "actors", len(found))] = where
                found.append(actors.resolve(value, where, self.sink))
        ids = [actor for actor in found if actor is not None]
        if co is None:
            step["actor"] = ids[0] if ids else None
        else:
            step["actors"] = ids

    def _next(self, table: Table, row: int, cells: tuple[str | None, ...], path: DataPath,
              own: str, ids: list[str], titles: dict[str, str]) -> list[dict[str, Any]]:
        """'pruefung [ja]; kurs [nein]', with the labels' translations in 'Nächste Schritte
        [en]' columns written the same way."""
        text = table.value(cells, "next")
        if text is None:
            return []
        where = table.place((*path, "next"), row, "next")
        transitions: list[dict[str, Any]] = []
        for target, label in self._targets(text, where, ids, titles):
            self.sink.positions[(*path, "next", len(transitions))] = where
            transitions.append({"to": target, "label": label})
        for language, column in table.translated.get("next", {}).items():
            translated = cells[column - 1] if column <= len(cells) else None
            if translated is None:
                continue
            at = table.at(row, column)
            for target, label in self._targets(translated, at, ids, titles):
                transition = next((t for t in transitions if t["to"] == target), None)
                if transition is None:
                    self.sink.error(at, _("'{target}' is not among the next steps in "
                                          "'{column}'").format(target=target,
                                                               column=table.header("next")),
                                    _("name the same steps in the same order; only the labels "
                                      "are translated"), "sheet-next-translation")
                elif label is not None:
                    main = transition["label"]
                    labels = main if isinstance(main, dict) else (
                        {own: main} if main is not None else {})
                    transition["label"] = {**labels, language: label}
        return transitions

    def _targets(self, text: str, where: Position, ids: list[str],
                 titles: dict[str, str]) -> list[tuple[str, str | None]]:
        found: list[tuple[str, str | None]] = []
        text = text.strip()
        position = 0
        matches: list[re.Match[str]] = []
        while position < len(text):
            match = _NEXT_ITEMS.match(text, position)
            if match is None or match.end() == position or not match["to"].strip():
                rest = text[position:].split(";")[0]
                self.sink.error(where, _("cannot read '{text}' as a next step").format(
                    text=rest), _("write the next steps as 'pruefung [ja]; kurs [nein]': step "
                                  "ids (or titles), each label in brackets"), "sheet-next")
                return found
            matches.append(match)
            position = match.end()
        for match in matches:
            target = match["to"].strip()
            label = match["label"].replace("]]", "]") if match["label"] and \
                match["label"].strip() else None
            if target not in ids:
                target = titles.get(target.casefold(), target)
            if target not in ids:
                guess = did_you_mean(target, ids) or did_you_mean(target, list(titles))
                self.sink.error(where, _("unknown step '{value}'").format(value=match["to"]),
                                _("did you mean '{guess}'?").format(guess=guess) if guess else
                                _("write the id (or title) of a step in this table"),
                                "unknown-step")
                continue
            found.append((target, label))
        return found


def letter(column: int) -> str:
    """The spreadsheet name of a column: 1 → A, 27 → AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
