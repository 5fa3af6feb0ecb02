"""XLSX workbook or CSV steps table → chain, with every problem located at its cell.

Reads the tables :mod:`.xlsx` writes (:mod:`.tables` declares them) and what a workshop makes
of them: German or English headers and sheet names, a text's translations in columns such as
"Schritt [en]", references written as ids or as names ("Jobcenter" for the actor
``jobcenter``), empty id cells (an id is made from the name, with a note). Each problem names
sheet and cell as a spreadsheet shows them: ``Schritte!D14: unknown actor 'Jobcentre'``.

A CSV file is a steps table alone (``;`` or ``,`` between cells, UTF-8 or Windows-1252): its
actors, phases and services are the names its cells use, its title is the first line if that
reads "Titel: …" (or "Title: …"), else the file name.

How issues are located: the chain data is built with a :class:`SourceMap` whose "line" is the
row and whose "column" is ``sheet number × 1000 + column``, so that the loader and the checks
locate their issues as usual; ``_Reader.at_cell`` then names the cell.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from prozesskette.errors import Issue, ProzessketteError
from prozesskette.export.importer import chain_to_yaml
from prozesskette.export.sheet_rows import (
    SHEET_STRIDE,
    Builder,
    Collector,
    Grid,
    letter,
    table_of,
)
from prozesskette.export.tables import TableName, require_openpyxl, sheet_hint
from prozesskette.graph import check_loaded
from prozesskette.loader import build_chain
from prozesskette.messages import _
from prozesskette.model import Chain
from prozesskette.output import os_reason, write_atomic
from prozesskette.source import SourceMap

MAX_SHEET_BYTES = 20 * 1024 * 1024
_READ_TABLES: tuple[TableName, ...] = ("steps", "actors", "phases", "services", "contacts",
                                       "chain")
_CSV_TITLE = re.compile(r"^\s*\"?(?:titel|title)\s*:\s*(?P<title>.*?)[\s;,\"]*$", re.I)


@dataclass(frozen=True)
class SheetImport:
    """What reading a spreadsheet gave: the chain (None if it has errors) and every issue,
    in sheet, row and column order."""

    chain: Chain | None
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.is_error]


def from_sheet(source: str | os.PathLike[str]) -> tuple[Chain, list[Issue]]:
    """Read a workbook (.xlsx) or steps table (.csv) as a chain; raise
    :class:`ProzessketteError` with every located issue if it has errors."""
    result = read_sheet(source)
    if result.chain is None or result.errors:
        raise ProzessketteError(list(result.issues))
    return result.chain, list(result.issues)


def read_sheet(source: str | os.PathLike[str]) -> SheetImport:
    """Read a workbook (.xlsx) or steps table (.csv); problems are returned, never raised."""
    path = Path(source)
    name = str(source)
    try:
        size = path.stat().st_size
        if size > MAX_SHEET_BYTES:
            return _failed(name, _("the file is too large ({size:,} bytes; at most "
                                   "{limit:,})").format(size=size, limit=MAX_SHEET_BYTES),
                           _("split it into smaller tables"))
        data = path.read_bytes()
    except FileNotFoundError:
        return _failed(name, _("no such file"), _("check the file name and folder"))
    except OSError as exc:
        return _failed(name, _("cannot read the file: {reason}").format(reason=os_reason(exc)),
                       _("check the path"))
    reader = _Reader(name)
    title: str | None = None
    if path.suffix.lower() == ".csv":
        grids, title = _csv_grid(reader, data)
    else:
        try:
            opened = _xlsx_grids(reader, data)
        except ProzessketteError as exc:  # openpyxl is missing
            return SheetImport(None, tuple(exc.issues))
        if opened is None:
            return SheetImport(None, tuple(reader.issues))
        grids = opened
    return reader.read(grids, title or re.sub(r"[-_]+", " ", path.stem).strip() or
                       "Prozesskette", title_from_name=title is None)


def _failed(name: str, message: str, hint: str) -> SheetImport:
    return SheetImport(None, (Issue(name, 0, 0, "error", message, hint, "sheet-read"),))


# --- cells -----------------------------------------------------------------------------------

def _cell_text(value: Any) -> str | None:
    """A cell's value as the text the chain holds: numbers without '.0', dates as ISO."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _xlsx_grids(reader: _Reader, data: bytes) -> list[Grid] | None:
    require_openpyxl(reader.file)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a file that is no workbook
        reader.issues.append(Issue(reader.file, 0, 0, "error",
                                   _("this is not an XLSX workbook ({kind})").format(
                                       kind=type(exc).__name__),
                                   _("save it from the spreadsheet program as .xlsx, or as "
                                     ".csv"), "sheet-read"))
        return None
    grids: list[Grid] = []
    try:
        for number, sheet in enumerate(workbook.worksheets, start=1):
            reader.sheet_names[number] = sheet.title
            rows: list[tuple[int, tuple[str | None, ...]]] = []
            for row_number, row in enumerate(sheet.iter_rows(), start=1):
                cells: list[str | None] = []
                for column, cell in enumerate(row[:SHEET_STRIDE - 1], start=1):
                    if getattr(cell, "data_type", None) == "f":
                        reader.error((row_number, number * SHEET_STRIDE + column),
                                     _("the cell holds a formula, which is not read"),
                                     _("write the text or id itself"), "sheet-formula")
                        cells.append(None)
                        continue
                    cells.append(_cell_text(getattr(cell, "value", None)))
                if any(cells):
                    rows.append((row_number, tuple(cells)))
            grids.append(Grid(sheet.title, number, tuple(rows)))
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError) as exc:
        # a damaged sheet inside a readable zip (ElementTree's ParseError is a SyntaxError)
        reader.issues.append(Issue(reader.file, 0, 0, "error",
                                   _("the workbook is damaged: {kind} while reading its "
                                     "sheets").format(kind=type(exc).__name__),
                                   _("open it in the spreadsheet program and save it again"),
                                   "sheet-read"))
        return None
    finally:
        workbook.close()
    return grids


def _csv_grid(reader: _Reader, data: bytes) -> tuple[list[Grid], str | None]:
    """The CSV file as one grid, and the chain title of its 'Titel:' line if it has one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        reader.issues.append(Issue(reader.file, 0, 0, "warning",
                                   _("saved as Windows-1252; read as such"),
                                   _("save as UTF-8 to be sure"), "csv-encoding"))
    lines = text.splitlines()
    offset = 0
    title: str | None = None
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is not None and (match := _CSV_TITLE.match(lines[first])) and match["title"]:
        title = match["title"]
        offset = first + 1
    header = next((line for line in lines[offset:] if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=lambda d: (header.count(d), d == ";"))
    rows: list[tuple[int, tuple[str | None, ...]]] = []
    records = csv.reader(io.StringIO("\n".join(lines[offset:])), delimiter=delimiter)
    for number, record in enumerate(records, start=offset + 1):
        cells = tuple(cell if cell.strip() else None for cell in record[:SHEET_STRIDE - 1])
        if any(cells):
            rows.append((number, cells))
    return [Grid(None, 0, tuple(rows))], title


# --- tables → chain --------------------------------------------------------------------------

class _Reader(Collector):
    """Finds the tables among the grids, builds the chain, locates every issue at its cell."""

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.sheet_names: dict[int, str] = {}

    def read(self, grids: list[Grid], title: str, *, title_from_name: bool) -> SheetImport:
        tables: dict[TableName, Grid] = {}
        for grid in grids:
            name = table_of(grid) if grid.name is not None else "steps"
            if name in _READ_TABLES and name not in tables:
                tables[name] = grid
        if "steps" not in tables:
            steps = next((grid for grid in grids if table_of(grid) is None and grid.rows), None)
            if steps is None:
                sheets = ", ".join(repr(grid.name) for grid in grids)
                self.error((0, 0), _("no steps table: none of the sheets ({sheets}) is called "
                                     "'Schritte' or 'Steps'").format(sheets=sheets),
                           _("name the sheet of the steps 'Schritte'"), "sheet-no-steps")
                return SheetImport(None, tuple(self.issues))
            tables["steps"] = steps
        return self.finish(Builder(self, tables, title, title_from_name).build())

    def finish(self, data: dict[str, Any]) -> SheetImport:
        """Load and check the data like a chain file's; the checks' issues on a row that
        already has an error of the import are left out (they would repeat it), as are their
        duplicate ids (the import names both cells); their hints speak of columns."""
        loaded = build_chain(data, SourceMap(self.file, values=dict(self.positions)))
        own_rows = {(issue.line, issue.col // SHEET_STRIDE) for issue in self.issues
                    if issue.is_error and issue.line}
        later = [replace(issue, hint=sheet_hint(issue.code, self.header_language) or issue.hint)
                 for issue in check_loaded(loaded) if issue.code != "duplicate-id"
                 and (issue.line, issue.col // SHEET_STRIDE) not in own_rows]
        issues = sorted([*self.issues, *later],
                        key=lambda i: (i.col // SHEET_STRIDE, i.line, i.col))
        located = tuple(self.at_cell(issue) for issue in issues)
        chain = loaded.chain if not any(issue.is_error for issue in located) else None
        return SheetImport(chain, located)

    def at_cell(self, issue: Issue) -> Issue:
        """The issue located at 'sheet!cell' instead of the encoded row and column."""
        if not issue.line:
            return issue
        sheet, column = divmod(issue.col, SHEET_STRIDE)
        name = self.sheet_names.get(sheet)
        if name and re.search(r"[^\w]", name):
            name = "'" + name.replace("'", "''") + "'"
        where = f"{name}!" if name else ""
        return Issue(f"{issue.file}: {where}{letter(max(column, 1))}{issue.line}", 0, 0,
                     issue.severity, issue.message, issue.hint, issue.code)


def import_sheet(source: str, output: str | None, out: TextIO, err: TextIO) -> int:
    """``prozesskette import FILE.xlsx|FILE.csv [-o chain.yaml]``: print the issues like
    ``check`` does (the import's own notes too, e.g. the ids it made; not the loops), write
    the chain as YAML; 1 if the table has errors (then nothing is written), else 0."""
    result = read_sheet(source)
    for issue in result.issues:
        if issue.severity != "note" or issue.code.startswith("sheet-"):
            err.write(issue.format() + "\n")
    if result.chain is None:
        warnings = sum(issue.severity == "warning" for issue in result.issues)
        err.write(_("{file}: {errors} error(s), {warnings} warning(s)").format(
            file=source, errors=len(result.errors), warnings=warnings) + "\n")
        return 1
    text = chain_to_yaml(result.chain)
    if output is None:
        out.write(text)
    else:
        write_atomic(output, text)
    return 0
