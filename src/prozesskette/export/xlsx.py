"""Chain → XLSX workbook: the tables a workshop fills in (:mod:`.tables`), ready to use.

Every sheet has a frozen, bold header row and an auto filter; the steps table keeps its id and
title in view while scrolling right. The columns that name actors, phases and services offer
a drop-down of the ids in their sheets (data validation), the kind column one of its words.
:mod:`.sheets` reads the workbook back.

The file is byte-identical for the same chain: openpyxl stamps the current time into
docProps/core.xml and into every zip entry, so the workbook is written with a fixed date and
its zip is rewritten entry by entry with fixed entry dates. openpyxl is imported here only
(when a workbook is written), not by the package.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import TYPE_CHECKING, Any

from prozesskette.export.tables import TABLES, Table, TableName, chain_tables, require_openpyxl
from prozesskette.model import Chain

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: The date in the file's properties and zip entries (the zip format's earliest).
FIXED_DATE = datetime.datetime(1980, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: How many rows below the last one keep the drop-downs, for rows a workshop adds.
SPARE_ROWS = 200
_HEADER_FILL = "FFDDE7EE"


def to_xlsx(chain: Chain) -> bytes:
    """The chain as an XLSX workbook (bytes; the same chain gives the same bytes)."""
    require_openpyxl("<xlsx>")
    from openpyxl import Workbook
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    tables = chain_tables(chain)
    titles = {table.name: table.title for table in tables}
    sizes = {table.name: len(table.rows) for table in tables}
    for table in tables:
        sheet = workbook.create_sheet(table.title)
        _fill(sheet, table)
        _validate(sheet, table, titles, sizes)
    workbook.properties = DocumentProperties(
        creator="prozesskette", lastModifiedBy="prozesskette", title=str(chain.title)[:250],
        created=FIXED_DATE, modified=FIXED_DATE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter rather than Workbook.save, which would stamp "modified" with the time
        ExcelWriter(workbook, archive).save()
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated :data:`FIXED_DATE`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=_ZIP_DATE),
                            source.read(entry.filename), compress_type=zipfile.ZIP_DEFLATED)
    return target_buffer.getvalue()


def _fill(sheet: Worksheet, table: Table) -> None:
    """Headers, rows, widths, the frozen header and the filter."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=_HEADER_FILL)
    for column, header in enumerate(table.headers, start=1):
        header_cell = sheet.cell(row=1, column=column, value=header)
        header_cell.font = bold
        header_cell.fill = fill
    wrap = Alignment(wrap_text=True, vertical="top")
    wide = {column for column, width in enumerate(table.widths, start=1) if width >= 30}
    for row_number, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=row_number, column=column)
            _set_text(cell, value)
            if column in wide:
                cell.alignment = wrap
    for column, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=2, column=table.frozen_columns + 1).coordinate
    last = get_column_letter(max(len(table.headers), 1))
    sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"


def _set_text(cell: Any, value: str) -> None:
    """A text cell, always: a text that starts with '=' stays text, never a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell.data_type = "s"


def _validate(sheet: Worksheet, table: Table, titles: dict[TableName, str],
              sizes: dict[TableName, int]) -> None:
    """Drop-downs: the ids of another sheet, or a column's fixed words."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    last_row = len(table.rows) + 1 + SPARE_ROWS
    german = table.title == TABLES[table.name].de
    rules: list[tuple[int, str, str]] = []  # (column, list formula, message)
    for column, names in table.lists:
        if not sizes.get(names):
            continue  # an empty list would refuse every value
        end = sizes[names] + 1 + SPARE_ROWS
        quoted = "'" + titles[names].replace("'", "''") + "'"
        message = f"Bitte eine ID aus dem Blatt {titles[names]} wählen" if german else \
            f"Choose an id from the sheet {titles[names]}"
        rules.append((column, f"{quoted}!$A$2:$A${end}", message))
    for column, words in table.choices:
        rules.append((column, '"' + ",".join(words) + '"',
                      ("Bitte eines wählen: " if german else "Choose one of: ")
                      + ", ".join(words)))
    for column, formula, message in rules:
        # a warning, not a stop: the import also reads names, and rows added below
        rule = DataValidation(type="list", formula1=formula, allow_blank=True,
                              showErrorMessage=True, errorStyle="warning", error=message)
        letter = get_column_letter(column + 1)
        rule.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(rule)
