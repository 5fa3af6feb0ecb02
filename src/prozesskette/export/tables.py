"""The workshop tables: a chain as rows and columns, the words of their headers.

One declaration of every table and column serves both directions: :mod:`.xlsx` writes
:func:`chain_tables` into a workbook, :mod:`.sheets` reads a workbook or CSV file back by
matching its headers against :data:`TABLES` (German and English are both accepted). A text
that has translations gets one column per language beside its own: "Schritt", "Schritt [en]".
Kept apart from both so that neither needs openpyxl to know the format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from prozesskette.analysis import Role, analyse
from prozesskette.errors import Issue, ProzessketteError
from prozesskette.i18n import languages
from prozesskette.messages import _
from prozesskette.model import FIELDS, Chain, StepKind, Text

HeaderLanguage = Literal["de", "en"]
"""The language of the headers and sheet names: German for German chains, else English."""

TableName = Literal["steps", "actors", "phases", "services", "contacts", "matrix",
                    "interfaces", "chain"]
"""Which table: the first six are read back, ``matrix`` and ``interfaces`` only written."""

Cell = str | None
"""What a table cell holds: text, or nothing."""

CellsOf = Callable[[int, str, "str | None"], Cell]
"""Fills a table: (row, column key, translation language or None) → the cell."""


@dataclass(frozen=True)
class Column:
    """One column: the model field it holds (or a role such as ``co_actors``), its header in
    each language, its width in characters, and the table whose ids it must name."""

    key: str
    de: str
    en: str
    width: int = 16
    names: TableName | None = None  # a drop-down of that table's ids (data validation)

    def header(self, language: HeaderLanguage) -> str:
        return self.de if language == "de" else self.en


@dataclass(frozen=True)
class TableSpec:
    """A table's sheet name in each language, its model class and its columns."""

    name: TableName
    de: str
    en: str
    model: str | None
    columns: tuple[Column, ...]

    def title(self, language: HeaderLanguage) -> str:
        return self.de if language == "de" else self.en


_ID = Column("id", "ID", "ID", 18)
_DESCRIPTION = Column("description", "Beschreibung", "Description", 40)
_URL = Column("url", "Webseite", "Web page", 28)

TABLES: dict[TableName, TableSpec] = {spec.name: spec for spec in (
    TableSpec("steps", "Schritte", "Steps", "Step", (
        Column("id", "Schritt-ID", "Step ID", 18),
        Column("title", "Schritt", "Step", 36),
        Column("kind", "Art", "Kind", 13),
        Column("phase", "Phase", "Phase", 16, "phases"),
        Column("actor", "Verantwortlich", "Responsible", 18, "actors"),
        Column("co_actors", "Mitverantwortlich", "Co-responsible", 20),
        Column("next", "Nächste Schritte", "Next steps", 30),
        Column("legal_basis", "Rechtsgrundlage", "Legal basis", 20),
        Column("service", "Angebot", "Service", 18, "services"),
        _DESCRIPTION,
        Column("url", "Link", "Link", 28),
    )),
    TableSpec("actors", "Akteure", "Actors", "Actor", (
        _ID, Column("name", "Name", "Name", 36), Column("short", "Kurzname", "Short name", 16),
        Column("color", "Farbe", "Colour", 10), _DESCRIPTION, _URL,
        Column("pin", "Fixiert", "Pin", 10),
    )),
    TableSpec("phases", "Phasen", "Phases", "Phase", (
        _ID, Column("title", "Titel", "Title", 36),
    )),
    TableSpec("services", "Angebote", "Services", "Service", (
        _ID, Column("title", "Titel", "Title", 30), _DESCRIPTION,
    )),
    TableSpec("contacts", "Kontakte", "Contacts", "Contact", (
        Column("actor", "Akteur", "Actor", 18, "actors"), Column("name", "Name", "Name", 24),
        Column("role", "Funktion", "Role", 28), Column("phone", "Telefon", "Phone", 18),
        Column("email", "E-Mail", "E-mail", 28), _URL,
        Column("address", "Adresse", "Address", 30),
        Column("organization", "Organisation", "Organisation", 24),
        Column("checked", "Geprüft am", "Checked", 12),
    )),
    TableSpec("matrix", "Verantwortungsmatrix", "Responsibilities", None, (
        Column("id", "Schritt-ID", "Step ID", 18), Column("title", "Schritt", "Step", 36),
    )),
    TableSpec("interfaces", "Schnittstellen", "Interfaces", None, (
        Column("kind", "Art", "Kind", 16), Column("source", "Von Schritt", "From step", 18),
        Column("target", "Nach Schritt", "To step", 18),
        Column("from", "Übergabe von", "Handed over by", 24),
        Column("to", "an", "to", 24), Column("label", "Beschriftung", "Label", 14),
    )),
    TableSpec("chain", "Kette", "Chain", "Chain", (
        Column("field", "Feld", "Field", 16), Column("value", "Wert", "Value", 60),
    )),
)}

#: The rows of the chain table: model field → its label in each language.
CHAIN_ROWS: dict[str, tuple[str, str]] = {
    "title": ("Titel", "Title"), "region": ("Region", "Region"),
    "version": ("Stand", "Version"), "language": ("Sprache", "Language"),
    "direction": ("Richtung", "Direction"), "lane_order": ("Bahnenfolge", "Lane order"),
    "author": ("Autor", "Author"),
    "description": ("Beschreibung", "Description"),
}

#: The words of the "Art" column; both languages are read back, and the model's own values.
KIND_WORDS: dict[StepKind, tuple[str, str]] = {
    StepKind.start: ("Start", "start"), StepKind.task: ("Aufgabe", "task"),
    StepKind.decision: ("Entscheidung", "decision"), StepKind.document: ("Dokument", "document"),
    StepKind.end: ("Ende", "end"),
}

#: The words of the responsibility matrix and of the interfaces' kinds.
ROLE_WORDS: dict[Role, tuple[str, str]] = {
    Role.lead: ("verantwortlich", "lead"), Role.shared: ("mitverantwortlich", "shared")}
HANDOFF_WORDS = ("Übergabe", "hand-off")
SHARED_WORDS = ("gemeinsamer Schritt", "shared step")

LIST_SEPARATOR = "; "
"""Between several ids in one cell: co-responsible actors, next steps."""

_LANGUAGE_SUFFIX = re.compile(r"^(?P<base>.*?)\s*\[(?P<lang>[A-Za-z0-9\-]+)\]$")


def require_openpyxl(file: str) -> None:
    """Raise a located error with the fix if openpyxl (needed for .xlsx only) is missing."""
    try:
        import openpyxl  # noqa: F401  (only whether it is there)
    except ImportError:
        raise ProzessketteError(Issue(file, 0, 0, "error",
                                      _("reading and writing .xlsx needs the package openpyxl"),
                                      _("pip install openpyxl (or use a .csv steps table)"),
                                      "sheet-openpyxl")) from None


def header_language(chain_language: str) -> HeaderLanguage:
    return "de" if chain_language.lower().startswith("de") else "en"


def translated_header(header: str, language: str) -> str:
    """The header of a translation column: 'Schritt [en]'."""
    return f"{header} [{language}]"


def split_header(header: str) -> tuple[str, str | None]:
    """'Schritt [en]' → ('Schritt', 'en'); 'Schritt' → ('Schritt', None)."""
    match = _LANGUAGE_SUFFIX.match(header.strip())
    if match is None:
        return header.strip(), None
    return match.group("base"), match.group("lang")


def kind_word(kind: StepKind, language: HeaderLanguage) -> str:
    german, english = KIND_WORDS[kind]
    return german if language == "de" else english


def slug(text: str) -> str:
    """An id made from a name, for rows whose id cell is empty: 'Agentur für Arbeit' →
    'agentur-fuer-arbeit'."""
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w]+", "-", text).strip("-_")[:40].strip("-_")
    return text if text and not text[0].isdigit() else f"id-{text}" if text else "id"


def format_next(targets: list[tuple[str, str | None]]) -> str:
    """Next steps as one cell: 'pruefung [ja]; kurs [nein]' (a ']' in a label doubled)."""
    return LIST_SEPARATOR.join(f"{to} [{label.replace(']', ']]')}]" if label else to
                               for to, label in targets)


def sheet_hints() -> dict[str, str]:
    """Hints for the checks' issues in the words of the tables rather than of chain files, in
    the reader's language: issue code → hint, with {next}, {kind}, {end} … standing for the
    headers and words of the workbook (in its own language)."""
    return {
        "dead-end": _("write the following steps in '{next}', or make it '{end}' in '{kind}'"),
        "end-has-next": _("empty '{next}', or make it another '{kind}'"),
        "no-start": _("make the first step '{start}' in '{kind}'"),
        "no-end": _("make the last step(s) '{end}' in '{kind}'"),
        "decision-branches": _("write two or more steps in '{next}', e.g. 'pruefung [ja]; "
                               "kurs [nein]'"),
        "decision-label": _("give each branch in '{next}' its label in brackets: "
                            "'kurs [nein]'"),
        "unreachable": _("name it in '{next}' of an earlier step"),
        "start-has-predecessor": _("make it another '{kind}', or add a '{start}' step before "
                                   "it"),
        "unused-actor": _("delete its row, or name it in '{actor}' of a step"),
        "unused-phase": _("delete its row, or name it in '{phase}' of a step"),
    }


def sheet_hint(code: str, language: HeaderLanguage) -> str | None:
    """The hint for a check's issue in the tables' words (None: keep the check's own)."""
    hints = sheet_hints()
    if code not in hints:
        return None
    steps = {column.key: column.header(language) for column in TABLES["steps"].columns}
    pick = 0 if language == "de" else 1
    return hints[code].format(
        next=steps["next"], kind=steps["kind"], actor=steps["actor"], phase=steps["phase"],
        start=KIND_WORDS[StepKind.start][pick], end=KIND_WORDS[StepKind.end][pick])


# --- chain → tables ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    """One sheet as written: headers, rows of cells, widths, and which column lists which
    table's ids (for the drop-downs)."""

    name: TableName
    title: str
    headers: tuple[str, ...]
    widths: tuple[int, ...]
    rows: tuple[tuple[Cell, ...], ...]
    lists: tuple[tuple[int, TableName], ...] = ()  # (0-based column, table of its ids)
    frozen_columns: int = 0
    choices: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (0-based column, its words)


def _text_in(value: Any, language: str) -> Cell:
    if isinstance(value, Text):
        return value.translations.get(language)
    return value if isinstance(value, str) else None


def _translations_used(items: list[Any], key: str, chain_language: str,
                       order: list[str]) -> list[str]:
    """The languages other than the chain's that some item's ``key`` is translated into."""
    used = {language for item in items if isinstance(getattr(item, key, None), Text)
            for language in getattr(item, key).translations}
    return [language for language in order if language in used and language != chain_language]


def _table(chain: Chain, spec: TableSpec, items: list[Any], language: HeaderLanguage,
           cells: CellsOf) -> Table:
    """A table of ``items`` whose model fields are the columns; text fields with
    translations get one more column per language. ``cells(row, key, language)`` gives the
    cell of the row-th item in the column of ``key`` (translated into ``language``)."""
    order = languages(chain)
    model_fields = FIELDS[spec.model] if spec.model else {}
    headers: list[str] = []
    widths: list[int] = []
    lists: list[tuple[int, TableName]] = []
    getters: list[tuple[str, str | None]] = []
    for column in spec.columns:
        if spec.model and column.key not in model_fields and column.key in _MODEL_KEYS:
            continue  # a field this version of the model does not have
        variants: list[str | None] = [None]
        if column.key in model_fields and model_fields[column.key].kind in ("text", "longtext"):
            variants += _translations_used(items, column.key, chain.language, order)
        elif column.key == "next":
            variants += _label_languages(items, chain.language, order)
        for variant in variants:
            if column.names is not None and variant is None:
                lists.append((len(headers), column.names))
            header = column.header(language)
            headers.append(translated_header(header, variant) if variant else header)
            widths.append(column.width)
            getters.append((column.key, variant))
    rows = tuple(tuple(cells(position, key, variant) for key, variant in getters)
                 for position in range(len(items)))
    return Table(spec.name, spec.title(language), tuple(headers), tuple(widths), rows,
                 tuple(lists))


#: Columns that are model fields only in some versions of the model (read if present).
_MODEL_KEYS = frozenset({"checked"})


def _label_languages(steps: list[Any], chain_language: str, order: list[str]) -> list[str]:
    used = {language for step in steps for transition in step.next
            if isinstance(transition.label, Text) for language in transition.label.translations}
    return [language for language in order if language in used and language != chain_language]


def _field_cell(item: Any, key: str, variant: str | None, chain_language: str) -> Cell:
    value = getattr(item, key, None)
    if value is None:
        return None
    if isinstance(value, Text):
        return _text_in(value, variant or chain_language)
    if variant is not None:
        return None
    if hasattr(value, "value"):  # an enum
        return str(value.value)
    return str(value)


def chain_tables(chain: Chain) -> list[Table]:
    """Every table of the workbook, in sheet order: the steps first (the table a workshop
    fills in), then what they refer to, then the analyses, then the chain's own fields."""
    language = header_language(chain.language)
    own = chain.language
    steps = list(chain.steps)

    def step_cell(row: int, key: str, variant: str | None) -> Cell:
        step = steps[row]
        if key == "kind":
            return kind_word(step.kind, language)
        if key == "actor":
            return step.responsible[0] if step.responsible else None
        if key == "co_actors":
            return LIST_SEPARATOR.join(step.responsible[1:]) or None
        if key == "next":
            if variant is not None and not any(t.label for t in step.next):
                return None  # nothing to translate
            targets = [(t.to, _text_in(t.label, own) if variant is None
                        else t.label.translations.get(variant)
                        if isinstance(t.label, Text) else None) for t in step.next]
            return format_next(targets) or None
        return _field_cell(step, key, variant, own)

    def cells_of(items: list[Any]) -> CellsOf:
        return lambda row, key, variant: _field_cell(items[row], key, variant, own)

    owners = [actor.id for actor in chain.actors for _ in actor.contacts]
    contacts = [contact for actor in chain.actors for contact in actor.contacts]

    def contact_cell(row: int, key: str, variant: str | None) -> Cell:
        return owners[row] if key == "actor" else _field_cell(contacts[row], key, variant, own)

    actors, phases, services = list(chain.actors), list(chain.phases), list(chain.services)
    table = _table(chain, TABLES["steps"], steps, language, step_cell)
    kinds = tuple(kind_word(kind, language) for kind in StepKind)
    kind_column = table.headers.index(TABLES["steps"].columns[2].header(language))
    return [
        replace(table, frozen_columns=2, choices=((kind_column, kinds),)),
        _table(chain, TABLES["actors"], actors, language, cells_of(actors)),
        _table(chain, TABLES["phases"], phases, language, cells_of(phases)),
        _table(chain, TABLES["services"], services, language, cells_of(services)),
        _table(chain, TABLES["contacts"], contacts, language, contact_cell),
        _matrix(chain, language),
        _interfaces(chain, language),
        _chain_table(chain, language),
    ]


def _matrix(chain: Chain, language: HeaderLanguage) -> Table:
    """Steps × actors: who leads each step, who shares it (from prozesskette.analysis)."""
    spec = TABLES["matrix"]
    matrix = analyse(chain).matrix
    actor_ids = [actor.id for actor in chain.actors]
    words = {role: pair[0] if language == "de" else pair[1] for role, pair in ROLE_WORDS.items()}
    rows = tuple((step.id, str(step.title), *(words[matrix[step.id][actor]]
                                              if actor in matrix[step.id] else None
                                              for actor in actor_ids))
                 for step in chain.steps)
    headers = (*(column.header(language) for column in spec.columns), *actor_ids)
    widths = (*(column.width for column in spec.columns), *(max(12, len(a) + 2)
                                                            for a in actor_ids))
    return Table("matrix", spec.title(language), headers, widths, rows, frozen_columns=2)


def _interfaces(chain: Chain, language: HeaderLanguage) -> Table:
    """The hand-offs between actors and the shared steps (from prozesskette.analysis)."""
    spec = TABLES["interfaces"]
    analysis = analyse(chain)
    pick = 0 if language == "de" else 1
    rows: list[tuple[Cell, ...]] = [
        (HANDOFF_WORDS[pick], handoff.source, handoff.target,
         LIST_SEPARATOR.join(handoff.from_actors), LIST_SEPARATOR.join(handoff.to_actors),
         str(handoff.label) if handoff.label else None)
        for handoff in analysis.handoffs]
    rows += [(SHARED_WORDS[pick], shared.step, None, LIST_SEPARATOR.join(shared.actors),
              None, None) for shared in analysis.shared_steps]
    return Table("interfaces", spec.title(language),
                 tuple(column.header(language) for column in spec.columns),
                 tuple(column.width for column in spec.columns), tuple(rows))


def _chain_table(chain: Chain, language: HeaderLanguage) -> Table:
    """Field | value rows for the chain's own fields, with translation columns."""
    spec = TABLES["chain"]
    own = chain.language
    keys = [key for key in CHAIN_ROWS if key in FIELDS["Chain"]]
    other = [lang for lang in languages(chain) if lang != own and any(
        isinstance(getattr(chain, key), Text) and lang in getattr(chain, key).translations
        for key in keys)]
    value_header = spec.columns[1].header(language)
    headers = (spec.columns[0].header(language), value_header,
               *(translated_header(value_header, lang) for lang in other))
    widths = (spec.columns[0].width, *(spec.columns[1].width for _ in range(1 + len(other))))
    rows = tuple((CHAIN_ROWS[key][0 if language == "de" else 1],
                  _field_cell(chain, key, None, own),
                  *(_field_cell(chain, key, lang, own) for lang in other))
                 for key in keys)
    return Table("chain", spec.title(language), headers, widths, rows, frozen_columns=1)
