"""Write the regenerated workbook with XlsxWriter — the only module that writes cells.

Every data sheet becomes an Excel table (filters, frozen header, fitted widths,
number formats, dropdowns fed from the hidden ``Listas`` sheet). User text is
always written with ``write_string`` and the workbook is opened with
``strings_to_formulas`` and ``strings_to_urls`` off, so a client called
``=HYPERLINK(...)`` stays text. Formulas are only written for the cells of
sheets the tool does not know, where the user wrote them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from . import __version__
from .pipeline import Refreshed
from .problems import Problem
from .progress import AT_SAVING, AT_WRITING, Report, quiet
from .raw import EXCEL_ERRORS, ExcelError, column_letters
from .reglas import ReglasRead
from .schema import Column, Fmt, Kind, Sheet, messages
from .schema.params import PARAMETERS
from .schema.sheets import (
    AGENDA_SHEET,
    CLIENTES,
    DATA_SHEETS,
    DATE_FORMAT,
    FIXED_LISTS,
    INSTRUCCIONES,
    LIST_CLIENTES,
    LIST_VENDEDORES,
    LISTAS,
    MARKER_PROPERTY,
    NO,
    NUMBER_FORMATS,
    REGLAS,
    REVISAR_SHEET,
    SI,
)
from .styles import TABLE_STYLE, Formats, colour_due_dates, colour_rows, colour_semaforo
from .summary_writing import SummaryWriter
from .tables import EXTRA_PREFIX, SheetTable, UnknownSheet, is_missing

EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
EXCEL_FAKE_LEAP_DAY = np.datetime64("1900-03-01", "D")
EXTRA_ROWS_WITH_DROPDOWN = 500  # rows below a table that still get its dropdowns
MIN_WIDTH, MAX_WIDTH = 8, 75  # 75 fits the longest Motivo of the rules
DOCUMENT_DATE = dt.datetime(2000, 1, 1)  # fixed, so the same data gives the same bytes


def write_workbook(refreshed: Refreshed, path: Path, progress: Report = quiet) -> None:
    """Write ``refreshed`` as a complete workbook at ``path`` (which must not be the original).

    ``progress`` hears the data sheets go by (their share of the cells) and the save.
    """
    progress(messages.PROGRESS_WRITING, AT_WRITING)
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False, "nan_inf_to_errors": True},
    )
    book.set_properties({"created": DOCUMENT_DATE, "title": CLIENTES.label})
    book.set_custom_property(MARKER_PROPERTY, __version__)
    formats = Formats(book, refreshed.reglas.moneda)
    lists = _collect_lists(refreshed.tables)
    list_ranges = _list_ranges(lists)
    warn_days = int(refreshed.reglas.dias_aviso)
    summary = SummaryWriter(book, formats, refreshed)
    summary.resumen()
    write_agenda(book, formats, refreshed)
    tables = [(table, refreshed.clients if spec is CLIENTES else None) for spec in DATA_SHEETS if (table := refreshed.tables.get(spec.key))]
    sizes = [len(table.frame) * (len(table.slots) + (len(extra.columns) if extra is not None else 0)) for table, extra in tables]
    done, total = 0, max(sum(sizes), 1)
    for (table, extra), size in zip(tables, sizes, strict=True):
        write_table(book, formats, table, list_ranges, extra, warn_days)
        done += size
        progress(messages.PROGRESS_WRITING, AT_WRITING + (AT_SAVING - AT_WRITING) * done / total)
    for write_sheet in (summary.analisis, summary.concentracion, summary.geografia, summary.productos, summary.vendedores):
        write_sheet()
    for sheet in refreshed.portfolio.unknown:
        write_unknown(book, formats, sheet)
    write_problems(book, formats, refreshed.problems)
    write_parameters(book, formats, refreshed.portfolio.reglas)
    write_instructions(book, formats)
    write_lists(book, formats, lists)
    progress(messages.PROGRESS_SAVING, AT_SAVING)
    book.close()


def write_table(
    book: xlsxwriter.Workbook,
    formats: Formats,
    table: SheetTable,
    list_ranges: dict[str, str],
    computed: pd.DataFrame | None = None,
    warn_days: int = 0,
) -> Worksheet:
    """One known sheet: title rows, then an Excel table with every row and column."""
    sheet = book.add_worksheet(table.spec.label)
    _write_raw_rows(sheet, formats, table.title_rows)
    columns: list[tuple[str, Column | None, pd.Series, bool]] = []
    for slot in table.slots:
        column = None if slot.startswith(EXTRA_PREFIX) else table.spec.column(slot)
        columns.append((table.header(slot), column, table.frame[slot], False))
    if computed is not None:
        for key in computed.columns:
            columns.append((table.spec.column(key).label, table.spec.column(key), computed[key], True))

    top, left, rows = table.header_row, table.first_col, len(table.frame)
    sheet.add_table(
        top,
        left,
        top + max(rows, 1),
        left + len(columns) - 1,
        {
            "name": f"Tabla{table.spec.key.capitalize()}",
            "style": TABLE_STYLE,
            "columns": [
                {"header": header, "header_format": formats.computed_header if is_computed else formats.header}
                for header, _, _, is_computed in columns
            ],
        },
    )
    invalid_by_slot: dict[str, dict[int, Any]] = {}
    for (row, slot), value in table.invalid.items():
        invalid_by_slot.setdefault(slot, {})[row] = value
    position_of = {row: top + 1 + offset for offset, row in enumerate(table.frame.index.tolist())}
    slot_of = [*table.slots, *(computed.columns if computed is not None else [])]
    for offset, ((header, column, series, _), slot) in enumerate(zip(columns, slot_of, strict=True)):
        col = left + offset
        width = write_column(sheet, formats, top + 1, col, column, series)
        for row, value in invalid_by_slot.get(str(slot), {}).items():
            width = max(width, write_value(sheet, formats, position_of[row], col, value, cell_format=formats.invalid))
        fixed = column.width if column is not None else None
        sheet.set_column(col, col, fixed or _fit(max(width, _header_width(header))))
        if column is not None and column.dropdown in list_ranges:
            sheet.data_validation(
                top + 1,
                col,
                top + max(rows, 1) + EXTRA_ROWS_WITH_DROPDOWN,
                col,
                {"validate": "list", "source": list_ranges[column.dropdown], "error_type": "warning", "ignore_blank": True},
            )
    if computed is not None and len(table.frame):
        last_row, right = top + rows, left + len(columns) - 1
        semaforo_col = left + slot_of.index("semaforo")
        colour_semaforo(sheet, formats, top + 1, last_row, semaforo_col)
        colour_due_dates(sheet, formats, top + 1, last_row, left + slot_of.index("proximo_contacto"), warn_days)
        colour_rows(sheet, formats, top + 1, last_row, left, right, semaforo_col)
    frozen = _frozen_columns(table)
    sheet.freeze_panes(top + 1, left + frozen)
    sheet.set_landscape()
    sheet.repeat_rows(top)
    if frozen:
        sheet.repeat_columns(left, left + frozen - 1)
    return sheet


def _frozen_columns(table: SheetTable) -> int:
    """Keep the client's ID and name in view while scrolling right through Clientes."""
    if table.spec is not CLIENTES or "name" not in table.slots:
        return 0
    position = table.slots.index("name") + 1
    return position if position <= 3 else 0


def write_agenda(book: xlsxwriter.Workbook, formats: Formats, refreshed: Refreshed) -> None:
    """The follow-up plan: a title with the date, then one row per action."""
    sheet = book.add_worksheet(AGENDA_SHEET.label)
    reglas = refreshed.reglas
    title = messages.AGENDA_TITLE.format(hoy=refreshed.hoy.strftime(DATE_FORMAT), days=int(reglas.dias_agenda))
    sheet.write_string(0, 0, title, formats.title)
    plan = refreshed.agenda
    columns = AGENDA_SHEET.columns
    top = 2
    sheet.add_table(
        top,
        0,
        top + max(len(plan), 1),
        len(columns) - 1,
        {
            "name": "TablaAgenda",
            "style": TABLE_STYLE,
            "columns": [{"header": column.label, "header_format": formats.header} for column in columns],
        },
    )
    keys = [column.key for column in columns]
    for col, column in enumerate(columns):
        width = write_column(sheet, formats, top + 1, col, column, plan[column.key])
        sheet.set_column(col, col, _fit(max(width, _header_width(column.label))))
    if len(plan):
        last_row = top + len(plan)
        semaforo_col = keys.index("semaforo")
        colour_semaforo(sheet, formats, top + 1, last_row, semaforo_col)
        colour_due_dates(sheet, formats, top + 1, last_row, keys.index("fecha"), int(reglas.dias_aviso))
        colour_rows(sheet, formats, top + 1, last_row, 0, len(keys) - 1, semaforo_col)
    else:
        sheet.write_string(top + 1, 0, messages.AGENDA_EMPTY)
    sheet.freeze_panes(top + 1, 0)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(top)


def write_column(sheet: Worksheet, formats: Formats, first_row: int, col: int, column: Column | None, series: pd.Series) -> int:
    """Write a column with typed writers; return the width of its longest value.

    Blanks, widths and date serials are worked out for the whole column at once,
    so the loop per cell does nothing but the write.
    """
    kind = column.kind if column is not None else None
    cell_format = formats.for_column(column)
    if kind is Kind.DATE or pd.api.types.is_datetime64_any_dtype(series.dtype):
        _write_numbers(sheet, first_row, col, _excel_serials(series), cell_format or formats.number(NUMBER_FORMATS[Kind.DATE]))
        return 10
    if kind is Kind.BOOL:
        for row, value in enumerate(series.tolist()):
            if not is_missing(value):
                sheet.write_string(first_row + row, col, SI if value else NO)
        return 3
    if kind in (Kind.NUMBER, Kind.INTEGER, Kind.PERCENT):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        _write_numbers(sheet, first_row, col, numbers, cell_format)
        finite = numbers[np.isfinite(numbers)]
        if not len(finite):
            return 0
        return max(len(f"{finite.min():,.2f}"), len(f"{finite.max():,.2f}"))  # the longest is at one end
    values = series.tolist()
    write_string = sheet.write_string
    width = 0
    for row, value in enumerate(values, start=first_row):
        if type(value) is str:  # the common case, kept tight: text is always written as text
            write_string(row, col, value)
        elif value is not None:
            width = max(width, write_value(sheet, formats, row, col, value))
    width = max(width, max((len(value) for value in values if type(value) is str), default=0))
    return min(width, MAX_WIDTH)


def _write_numbers(sheet: Worksheet, first_row: int, col: int, numbers: np.ndarray, cell_format: Format | None) -> None:
    """Every number of a column but the NaNs (blank cells)."""
    present = np.flatnonzero(~np.isnan(numbers))
    write_number = sheet.write_number
    for row, value in zip((present + first_row).tolist(), numbers[present].tolist(), strict=True):
        write_number(row, col, value, cell_format)


def write_value(
    sheet: Worksheet,
    formats: Formats,
    row: int,
    col: int,
    value: Any,
    formula: str | None = None,
    cell_format: Format | None = None,
) -> int:
    """Write one value of a user column by its Python type; text is always text."""
    if isinstance(value, ExcelError) and value in EXCEL_ERRORS:
        # An error the user's workbook had: written back as the same error constant, not as text.
        sheet.write_formula(row, col, "=" + value, cell_format, value)
        return len(value)
    if cell_format is not None and isinstance(value, str):
        sheet.write_string(row, col, value, cell_format)
        return len(value)
    if formula is not None:
        sheet.write_formula(row, col, formula, None, "" if value is None else value)
        return len(formula)
    if is_missing(value):
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
        return 5
    if isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
        return len(str(value))
    if isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, formats.number(Fmt.DATE_TIME if value.time() != dt.time() else Fmt.DATE))
        return 16
    if isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, formats.number(NUMBER_FORMATS[Kind.DATE]))
        return 10
    if isinstance(value, dt.time | dt.timedelta):
        sheet.write_string(row, col, str(value))
        return len(str(value))
    text = str(value)
    sheet.write_string(row, col, text)
    return max((len(line) for line in text.splitlines()), default=0)


def _excel_serials(series: pd.Series) -> np.ndarray:
    """Dates as Excel serial numbers (NaN for blanks), computed for the whole column at once."""
    values = pd.to_datetime(series, errors="coerce").to_numpy(dtype="datetime64[D]")
    serials = (values - EXCEL_EPOCH).astype("float64")
    serials[values < EXCEL_FAKE_LEAP_DAY] -= 1  # Excel counts a 29/02/1900 that never was
    serials[np.isnat(values)] = np.nan
    return serials


def _fit(width: int) -> int:
    return max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


def _header_width(header: str) -> int:
    return min(len(header) + 3, 24)  # long headers wrap rather than widen


def _write_raw_rows(sheet: Worksheet, formats: Formats, rows: Sequence[Sequence[Any]]) -> None:
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value != "" and value is not None:
                write_value(sheet, formats, r, c, value)
        if r == 0 and any(value != "" for value in row):
            sheet.set_row(0, None, formats.title)


def write_unknown(book: xlsxwriter.Workbook, formats: Formats, unknown: UnknownSheet) -> None:
    """A sheet the tool does not know: every value and formula where it was."""
    sheet = book.add_worksheet(unknown.name)
    for r, row in enumerate(unknown.rows):
        for c, value in enumerate(row):
            formula = unknown.formulas.get((r, c))
            if formula is not None or (value != "" and value is not None):
                write_value(sheet, formats, r, c, value if value != "" else None, formula)
    if unknown.hidden:
        sheet.hide()


def write_problems(book: xlsxwriter.Workbook, formats: Formats, problems: Sequence[Problem]) -> None:
    """The Revisar sheet: one row per problem, with where and what to do."""
    sheet = book.add_worksheet(REVISAR_SHEET.label)
    rows = [tuple(getattr(p, column.key) for column in REVISAR_SHEET.columns) for p in problems]
    _plain_table(sheet, formats, "TablaRevisar", REVISAR_SHEET, rows)


def write_parameters(book: xlsxwriter.Workbook, formats: Formats, reglas: ReglasRead) -> None:
    """The Reglas sheet: every parameter with the value in force (or the one the team typed)."""
    sheet = book.add_worksheet(REGLAS.label)
    typed = reglas.shown()
    rows: list[tuple[Any, ...]] = [(p.key, typed.get(p.key, p.default), p.description) for p in PARAMETERS]
    rows.extend(reglas.unknown_rows)
    _plain_table(sheet, formats, "TablaReglas", REGLAS, rows)


def write_instructions(book: xlsxwriter.Workbook, formats: Formats) -> None:
    """How to use the workbook, in the team's words."""
    sheet = book.add_worksheet(INSTRUCCIONES)
    sheet.write_string(0, 0, messages.INSTRUCTIONS_TITLE, formats.title)
    for row, line in enumerate(messages.INSTRUCTIONS, start=2):
        if line:
            sheet.write_string(row, 0, line)
    sheet.set_column(0, 0, 120)


def write_lists(book: xlsxwriter.Workbook, formats: Formats, lists: dict[str, list[str]]) -> None:
    """The hidden Listas sheet that feeds every dropdown."""
    sheet = book.add_worksheet(LISTAS)
    for col, (name, values) in enumerate(lists.items()):
        sheet.write_string(0, col, name, formats.header)
        for row, value in enumerate(values, start=1):
            sheet.write_string(row, col, value)
        sheet.set_column(col, col, 20)
    sheet.hide()


def _plain_table(sheet: Worksheet, formats: Formats, name: str, spec: Sheet, rows: Sequence[Sequence[Any]]) -> None:
    """A sheet that is one Excel table of plain values, its columns as ``spec`` declares them."""
    sheet.add_table(
        0,
        0,
        max(len(rows), 1),
        len(spec.columns) - 1,
        {"name": name, "style": TABLE_STYLE, "columns": [{"header": c.label, "header_format": formats.header} for c in spec.columns]},
    )
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            write_value(sheet, formats, r, c, value)
    for c, column in enumerate(spec.columns):
        width = column.width or MIN_WIDTH
        sheet.set_column(c, c, width, formats.wrap if width >= 40 else None)
    sheet.freeze_panes(1, 0)


def _collect_lists(tables: Mapping[str, SheetTable]) -> dict[str, list[str]]:
    lists = {name: list(values) for name, values in FIXED_LISTS.items()}
    clients = tables[CLIENTES.key].frame
    lists[LIST_CLIENTES] = sorted({v for v in clients["id"] if isinstance(v, str) and v})
    salespeople: set[str] = set()
    for table in tables.values():
        if "salesperson" in table.frame:
            salespeople.update(v.strip() for v in table.frame["salesperson"] if isinstance(v, str) and v.strip())
    lists[LIST_VENDEDORES] = sorted(salespeople)
    return {name: values for name, values in lists.items() if values}


def _list_ranges(lists: dict[str, list[str]]) -> dict[str, str]:
    return {
        name: f"='{LISTAS}'!${column_letters(col)}$2:${column_letters(col)}${len(values) + 1}"
        for col, (name, values) in enumerate(lists.items())
    }
