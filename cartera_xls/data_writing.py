"""Writing a data sheet (Clientes, Ventas, Seguimiento…).

A sheet of the team's workbook (.xlsx, .xlsm) is patched (``patched=True``):
only what the tool owns is written here, and :mod:`cartera_xls.carry` lays it
over the team's own sheet part, which keeps everything else. The tool owns its
computed columns (grey headers, where they were last time, else after the
team's), the columns it adds because the sheet lacks them (an ID, an Importe
made of quantity × price, the parameters' descriptions), the IDs it assigns and
the rows it adds to Reglas, plus its dropdowns and live colours.

A workbook that is not an OOXML package (.xls, .ods, a CSV) or a new one is
written whole: every value where it was, its formulas, the computed columns, a
table (or filters when the headers cannot make one), widths and dropdowns.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_range
from xlsxwriter.worksheet import Worksheet

from .cell_writing import CellWriter, by_column
from .parsing import is_blank
from .schema import Column, Fmt, Kind
from .schema.sheets import CALCULATED_SUFFIX, CLIENTES, NO, NUMBER_FORMATS, SI
from .styles import TABLE_STYLE
from .tables import EXTRA_PREFIX, SheetTable, is_missing

GENERAL_FORMAT = 0  # Excel's built-in «General»: a cell emptied by a conflicted copy's merge

EXTRA_ROWS_WITH_DROPDOWN = 500  # rows below a table that still get its dropdowns
MIN_WIDTH, MAX_WIDTH = 8, 75  # 75 fits the longest Motivo of the rules
HEADER_WIDTH = 24  # long headers wrap rather than widen
HEADER_LINES = 3
FILTER_BUTTON = 2  # characters the filter button takes beside a header
WRAPPED_WIDTH = 40  # a column declared this wide holds sentences: they wrap
# Kinds whose text the tool reads into a value and writes back as that value (the documented change).
PARSED_KINDS = frozenset({Kind.DATE, Kind.NUMBER, Kind.INTEGER, Kind.PERCENT, Kind.BOOL, Kind.CHOICE})


@dataclass(frozen=True)
class OutputColumn:
    """One column of a data sheet as it is written."""

    col: int  # 0-based sheet column
    label: str  # the header written
    slot: str  # the slot of the table, or the key of a computed column
    column: Column | None  # the schema's column (None for the team's own)
    computed: bool = False


@dataclass(frozen=True)
class Written:
    """Where a data sheet's columns went, for the dropdowns and colours written after it."""

    columns: tuple[OutputColumn, ...]
    first_row: int  # first data row (0-based)
    last_row: int  # last data row (0-based)
    owned: tuple[OutputColumn, ...] = ()  # the columns whose every cell from the header down is the tool's

    def col(self, key: str) -> int | None:
        return next((c.col for c in self.columns if c.slot == key), None)


def layout(table: SheetTable, computed: Sequence[str] = ()) -> tuple[OutputColumn, ...]:
    """The columns of the written sheet, left to right: the team's where they were, the computed where they were last time.

    A computed column the sheet did not have yet goes after the last column: the
    team's empty columns stay empty.
    """
    columns = [
        OutputColumn(table.position(slot), table.header(slot), slot, None if slot.startswith(EXTRA_PREFIX) else table.spec.column(slot))
        for slot in table.slots
    ]
    taken = {c.col for c in columns} | set(table.computed_at.values())
    after = max(taken, default=table.first_col - 1) + 1
    for key in computed:
        column = table.spec.column(key)
        if key in table.computed_at:
            col = table.computed_at[key]
        else:
            col, after = after, after + 1
        label = column.label + CALCULATED_SUFFIX if key in table.renamed else column.label
        columns.append(OutputColumn(col, label, key, column, computed=True))
    return tuple(sorted(columns, key=lambda c: c.col))


def _table_columns(table: SheetTable, columns: Sequence[OutputColumn]) -> Sequence[OutputColumn]:
    """The columns the Excel table spans: all of them, or only the team's table's when all that lies beyond it is untitled.

    A note typed in the cell beside the team's table is not a column of it: the table keeps its
    columns (and every structured reference to it keeps working) and the note stays where it was.
    """
    theirs = table.team_table()
    if theirs is None:
        return columns
    inside = [c for c in columns if c.col <= theirs[1][3] or c.computed]
    beyond = [c for c in columns if c not in inside]
    if beyond and all(not c.label.strip() and c.col > max(i.col for i in inside) for c in beyond) and table_possible(inside):
        return inside
    return columns


def table_possible(columns: Sequence[OutputColumn]) -> bool:
    """An Excel table needs a title on every column, all different, and no empty column between them."""
    labels = [c.label.casefold() for c in columns]
    contiguous = all(b.col == a.col + 1 for a, b in itertools.pairwise(columns))
    return bool(columns) and all(label.strip() for label in labels) and len(set(labels)) == len(labels) and contiguous


def write_data_sheet(
    sheet: Worksheet,
    writer: CellWriter,
    table: SheetTable,
    table_name: str,
    computed: pd.DataFrame | None = None,
    appended: Sequence[Mapping[str, Any]] = (),
    patched: bool = False,
) -> Written:
    """Write one data sheet; ``computed`` are Clientes' computed columns, ``appended`` rows the tool adds below the team's.

    ``patched``: the sheet is the team's, patched when the package is zipped (see :mod:`cartera_xls.patching`):
    only the cells the tool owns are written.
    """
    formats = writer.formats
    cells, details, top = table.cells, table.cells.details, table.header_row
    columns = layout(table, list(computed.columns) if computed is not None else ())
    frame_rows = table.frame.index.to_numpy(dtype="int64") - 1  # 0-based sheet rows of the data rows
    height = max(cells.height, int(frame_rows.max()) - top if len(frame_rows) else 0) + len(appended)
    last_row = top + max(height, 1)
    if patched:
        return _write_owned(sheet, writer, table, columns, computed, appended, frame_rows, last_row)
    formulas_by_col, flags_by_col = by_column(details.formulas), by_column(cells.flagged)

    _write_top(sheet, writer, table)
    in_table = _table_columns(table, columns)
    left, right = in_table[0].col, in_table[-1].col
    if table_possible(in_table):
        header_formats = [formats.computed_header if c.computed else formats.header for c in in_table]
        columns_options = [{"header": c.label, "header_format": f} for c, f in zip(in_table, header_formats, strict=True)]
        add_table(sheet, top, left, last_row, right, {"name": table_name, "style": TABLE_STYLE, "columns": columns_options})
    else:
        for c in columns:
            if c.label:
                sheet.write_string(top, c.col, c.label, formats.computed_header if c.computed else formats.header)
        sheet.autofilter(top, left, last_row, right)

    invalid_by_slot: dict[str, dict[int, Any]] = {}
    for (row, slot), value in table.invalid.items():
        invalid_by_slot.setdefault(slot, {})[row - 1] = value
    appended_from = top + 1 + cells.height
    tall: dict[int, int] = {}  # rows whose wrapped text needs more than one line: no application measures them on opening
    widths: dict[int, float] = {}
    for c in columns:
        fixed = c.column.width if c.column is not None else None
        # Declared wide columns (descriptions) wrap, their rows made tall enough; the others do not wrap.
        wrap = formats.wrap if fixed is not None and fixed >= WRAPPED_WIDTH else None
        if c.computed:
            assert computed is not None
            width = write_typed(sheet, writer, frame_rows, c.col, c.column, computed[c.slot])
        else:
            rows, values = _team_values(table, c, frame_rows, invalid_by_slot.get(c.slot, {}))
            default = formats_default(c.column)
            width = writer.column(sheet, c.col, rows, values, None, default, formulas_by_col.get(c.col), flags_by_col.get(c.col))
            formulas, flags = formulas_by_col.get(c.col, {}), flags_by_col.get(c.col, {})
            for row, value in invalid_by_slot.get(c.slot, {}).items():  # in orange, a formula kept as a formula
                width = max(width, writer.write(sheet, row, c.col, value, None, formulas.get(row), flags.get(row), formats.invalid))
            extras = [(appended_from + offset, extra[c.slot]) for offset, extra in enumerate(appended) if c.slot in extra]
            for row, value in extras:
                width = max(width, writer.write(sheet, row, c.col, value))
            if wrap is not None and fixed is not None:
                for row, text in (*zip(rows, values, strict=True), *extras):
                    if isinstance(text, str):
                        tall[row] = max(tall.get(row, 1), text_lines(text, fixed))
        hidden: dict[str, Any] = {"hidden": True} if c.col in details.hidden_columns else {}
        if details.column_levels.get(c.col):
            hidden["level"] = details.column_levels[c.col]  # grouped by the team
        # The width the sheet had wins (the team's, or ours from the last refresh); a new column is fitted to its content.
        stored = details.widths.get(c.col)
        widths[c.col] = (characters(stored) if stored else None) or fixed or fit(max(width, header_width(c.label)))
        sheet.set_column(c.col, c.col, widths[c.col], wrap, hidden or None)
    set_header_height(sheet, top, [(c.label, widths[c.col]) for c in columns])
    for row, row_height in details.heights.items():  # the heights the team gave rows by hand
        if row > top:
            sheet.set_row(row, row_height)
    if details.tab_color is not None:
        sheet.set_tab_color(details.tab_color)
    if details.right_to_left:
        sheet.right_to_left()
    for row, lines in tall.items():
        if lines > 1:
            sheet.set_row(row, LINE_HEIGHT * lines, formats.wrap)  # a row format wins over the column's: the same wrap, all at the top
    for row in sorted(details.hidden_rows | set(details.row_levels)):  # hidden or grouped by the team
        options = {"hidden": row in details.hidden_rows, "level": details.row_levels.get(row, 0)}
        wrapped = formats.wrap if tall.get(row, 1) > 1 else None
        sheet.set_row(row, details.heights.get(row) or tall_height(tall, row), wrapped, options)
    frozen = _frozen_columns(table, columns)
    sheet.freeze_panes(top + 1, left + frozen)
    sheet.repeat_rows(top)  # printed one page wide: the header on every page, no columns to repeat
    _write_merged(sheet, writer, table)
    return Written(columns, top + 1, last_row)


def _write_merged(sheet: Worksheet, writer: CellWriter, table: SheetTable) -> None:
    """The cells taken from a conflicted copy (see :mod:`cartera_xls.merging`), as they were typed there.

    Over the team's cell at that place: written last, so they replace what was there; a cell the copy emptied (a row
    it deleted) is written blank, in the general format, so that nothing of the team's stays there.
    """
    for (row, slot), value in table.merged.items():
        if is_blank(value):
            sheet.write_blank(row - 1, table.position(slot), None, writer.format_for(GENERAL_FORMAT))
            continue
        column = table.spec.column(slot) if not slot.startswith(EXTRA_PREFIX) else None
        number_format = formats_default(column) if isinstance(value, dt.datetime | dt.date | int | float) else None
        writer.write(sheet, row - 1, table.position(slot), value, number_format)


def owned_columns(table: SheetTable, columns: Sequence[OutputColumn]) -> tuple[OutputColumn, ...]:
    """The columns that are the tool's from the header down: the computed ones, and those it adds (no header in the sheet).

    An ID column for a sheet that had none, an Importe made of quantity and price, the description of the parameters.
    """
    header = table.cells.top[table.header_row] if len(table.cells.top) > table.header_row else ()
    titled = {col for col, value in enumerate(header) if not is_blank(value)}

    def added(c: OutputColumn) -> bool:  # a column of the schema's the sheet has nothing in: the tool's (not a note of the team's)
        return c.column is not None and c.col not in titled and all(is_blank(value) for value in table.cells.column(c.col))

    return tuple(c for c in columns if c.computed or added(c))


def _write_owned(
    sheet: Worksheet,
    writer: CellWriter,
    table: SheetTable,
    columns: Sequence[OutputColumn],
    computed: pd.DataFrame | None,
    appended: Sequence[Mapping[str, Any]],
    frame_rows: np.ndarray,
    last_row: int,
) -> Written:
    """Only what the tool owns on a sheet of the team's: its columns (header and cells), the IDs it assigned, the rows it adds.

    Everything else (the team's cells, widths, filters, tables, panes, print settings) stays as the team left it.
    """
    formats, top = writer.formats, table.header_row
    owned = owned_columns(table, columns)
    formulas_by_col = by_column(table.cells.details.formulas)
    for c in owned:
        sheet.write_string(top, c.col, c.label, formats.computed_header if c.computed else formats.header)
        if c.computed:
            assert computed is not None
            width = write_typed(sheet, writer, frame_rows, c.col, c.column, computed[c.slot])
        else:
            rows, values = _team_values(table, c, frame_rows, {})
            width = writer.column(sheet, c.col, rows, values, None, formats_default(c.column), formulas_by_col.get(c.col))
        fixed = c.column.width if c.column is not None else None
        sheet.set_column(c.col, c.col, fixed or fit(max(width, header_width(c.label))))
    if "id" in table.slots and table.assigned and all(c.slot != "id" for c in owned):
        ids = dict(zip(table.frame.index.tolist(), table.frame["id"].tolist(), strict=True))
        numeric = any(type(value) in (int, float) for value in table.cells.column(table.position("id")))
        for row in sorted(table.assigned):  # a number among numbers, as the team types its IDs
            value = int(ids[row]) if numeric and str(ids[row]).isdigit() else ids[row]
            writer.write(sheet, row - 1, table.position("id"), value)
    appended_from = top + 1 + table.cells.height
    for offset, extra in enumerate(appended):  # the rows the tool adds are its own, heights included
        lines = 1
        for c in columns:
            if c.slot not in extra:
                continue
            fixed = c.column.width if c.column is not None else None
            wrapped = fixed is not None and fixed >= WRAPPED_WIDTH and isinstance(extra[c.slot], str)
            writer.write(sheet, appended_from + offset, c.col, extra[c.slot], None, None, None, formats.wrap if wrapped else None)
            if wrapped and fixed is not None:  # as wide as the team made the column
                stored = table.cells.details.widths.get(c.col)
                lines = max(lines, text_lines(extra[c.slot], (characters(stored) if stored else None) or fixed))
        if lines > 1:
            sheet.set_row(appended_from + offset, LINE_HEIGHT * lines, formats.wrap)
    _write_merged(sheet, writer, table)
    return Written(tuple(columns), top + 1, last_row, owned)


def tall_height(tall: Mapping[int, int], row: int) -> float | None:
    """The height of a row whose wrapped text needs more than one line, if it does."""
    return LINE_HEIGHT * tall[row] if tall.get(row, 1) > 1 else None


def characters(stored: float) -> float:
    """A column width as stored in the file (pixels of Calibri 11 over 7, padding included) as ``set_column`` takes it.

    The inverse of XlsxWriter's conversion, so a column the team set to 60 is written back as 60, not 60.71.
    """
    pixels = round(stored * 7)
    return (pixels - 5) / 7 if pixels >= 12 else pixels / 12


def add_table(sheet: Worksheet, top: int, left: int, bottom: int, right: int, options: dict[str, Any]) -> None:
    """An Excel table over ``top:bottom``, without XlsxWriter registering each of its cells.

    ``add_table`` records every cell of the range to refuse overlaps (2.2 million
    dictionary entries for the L benchmark's sheets: 2.5 s and hundreds of MB). A
    data sheet has one table and no merged cells below its header, so the table is
    added over its header and first row and its recorded range then widened to the
    last row, the only entries that depend on it. Falls back to the plain call if
    XlsxWriter ever records tables differently.
    """
    if bottom <= top + 1:
        sheet.add_table(top, left, bottom, right, options)
        return
    sheet.add_table(top, left, top + 1, right, options)
    table = sheet.tables[-1] if isinstance(getattr(sheet, "tables", None), list) and sheet.tables else None
    expected = xl_range(top, left, top + 1, right)
    if not isinstance(table, dict) or table.get("range") != expected or table.get("a_range") != expected:
        sheet.tables.pop()
        sheet.add_table(top, left, bottom, right, options)
        return
    table["range"] = table["a_range"] = xl_range(top, left, bottom, right)
    if table.get("autofilter"):
        table["autofilter"] = table["a_range"]


def _write_top(sheet: Worksheet, writer: CellWriter, table: SheetTable) -> None:
    """The rows above the header as they were: values, formulas, formats and merged title cells."""
    details = table.cells.details
    top = table.header_row
    for r, row in enumerate(table.cells.top[:top]):
        for c, value in enumerate(row):
            formula = details.formulas.get((r, c))
            flag = table.cells.flagged.get((r, c))
            if formula is not None or flag is not None or not is_blank(value):
                writer.write(sheet, r, c, value, None, formula, flag)
        if r == 0 and any(not is_blank(value) for value in row):
            sheet.set_row(0, None, writer.formats.title)
    for first_row, first_col, last_row, last_col in details.merged:
        if last_row < top and (first_row, first_col) != (last_row, last_col):
            value = table.cells.top[first_row][first_col] if first_col < len(table.cells.top[first_row]) else None
            sheet.merge_range(first_row, first_col, last_row, last_col, None)
            writer.write(sheet, first_row, first_col, value)


def _team_values(table: SheetTable, c: OutputColumn, frame_rows: np.ndarray, invalid: Mapping[int, Any]) -> tuple[range, list[Any]]:
    """The sheet rows below the header and what to write in each for one of the team's columns.

    The raw cell as read, except where the tool changed it on purpose: text it
    parsed in a known column (written as the value it read), an ID it assigned.
    Cells that could not be read are written apart, in orange.
    """
    top = table.header_row
    first = top + 1  # the first sheet row below the header (0-based)
    raw = table.cells.column(c.col)
    height = max(len(raw), int(frame_rows.max()) - top if len(frame_rows) else 0)
    values: list[Any] = [*raw, *([None] * (height - len(raw)))]
    if c.column is None:
        return range(first, first + height), values
    if not any(value is not None and value != "" for value in raw):  # a column the tool adds: all its values are the tool's
        changed = [int(row) - 1 - first for row in frame_rows + 1]
    elif c.column.kind in PARSED_KINDS:  # text the tool read: written as the value it read
        changed = [offset for offset, value in enumerate(raw) if type(value) is str and value.strip()]
    elif c.slot == "id":  # IDs the tool assigned
        changed = [row - 1 - first for row in table.assigned]
    else:
        changed = []
    if changed:
        read = dict(zip(table.frame.index.tolist(), table.frame[c.slot].tolist(), strict=True))
        numeric_ids = c.column.kind is Kind.ID and any(type(value) in (int, float) for value in raw)
        for offset in changed:
            excel_row = first + offset + 1
            if excel_row not in read or first + offset in invalid:
                continue  # not a data row (a header pasted again), or unreadable: kept as typed
            value = read[excel_row]
            if c.column.kind is Kind.ID:  # a number among numbers, as the team types its IDs
                values[offset] = int(value) if numeric_ids and str(value).isdigit() else value
            else:
                values[offset] = _typed(value, c.column)
    for row in invalid:
        values[row - first] = None  # written apart, in orange
    return range(first, first + height), values


def _typed(value: Any, column: Column) -> Any:
    """A value the tool read from text, as it is written back."""
    if is_missing(value):
        return None
    if column.kind is Kind.BOOL:
        return SI if value else NO
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


def formats_default(column: Column | None) -> str | None:
    """The number format of a known column's cells that brought none of their own."""
    if column is None:
        return None
    return column.number_format or NUMBER_FORMATS.get(column.kind)


def write_typed(sheet: Worksheet, writer: CellWriter, rows: np.ndarray, col: int, column: Column | None, series: pd.Series) -> int:
    """Write a typed column (computed values, the agenda) at sheet ``rows``; return the width of its longest value.

    Blanks, widths and date serials are worked out for the whole column at once,
    so the loop per cell does nothing but the write.
    """
    formats = writer.formats
    kind = column.kind if column is not None else None
    cell_format = formats.for_column(column)
    if kind is Kind.DATE or pd.api.types.is_datetime64_any_dtype(series.dtype):
        serials = _serials(series, writer.date1904)
        timed = np.isfinite(serials) & (serials % 1 != 0)  # a time of day (an action at 10:30) shows it
        date_format = cell_format or formats.number(Fmt.DATE)
        _write_numbers(sheet, rows, col, np.where(timed, np.nan, serials), date_format)
        if timed.any():
            _write_numbers(sheet, rows, col, np.where(timed, serials, np.nan), formats.number(Fmt.DATE_TIME))
            return 16
        return 11  # «30/11/2026» and the cell's margins
    if kind is Kind.BOOL:
        for row, value in zip(rows.tolist(), series.tolist(), strict=True):
            if not is_missing(value):
                sheet.write_string(row, col, SI if value else NO)
        return 3
    if kind in (Kind.NUMBER, Kind.INTEGER, Kind.PERCENT):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        _write_numbers(sheet, rows, col, numbers, cell_format)
        finite = numbers[np.isfinite(numbers)]
        if not len(finite):
            return 0
        return max(len(f"{finite.min():,.2f}"), len(f"{finite.max():,.2f}"))  # the longest is at one end
    values = series.tolist()
    write_string = sheet.write_string
    width = 0
    for row, value in zip(rows.tolist(), values, strict=True):
        if type(value) is str:  # the common case, kept tight: text is always written as text
            write_string(row, col, value)
        elif not is_missing(value):
            width = max(width, writer.write(sheet, row, col, value))
    width = max(width, max((len(value) for value in values if type(value) is str), default=0))
    return min(width, MAX_WIDTH)


def _write_numbers(sheet: Worksheet, rows: np.ndarray, col: int, numbers: np.ndarray, cell_format: Any) -> None:
    """Every number of a column but the NaNs (blank cells)."""
    present = np.flatnonzero(~np.isnan(numbers))
    write_number = sheet.write_number
    for row, value in zip(rows[present].tolist(), numbers[present].tolist(), strict=True):
        write_number(row, col, value, cell_format)


def _serials(series: pd.Series, date1904: bool) -> np.ndarray:
    """Dates as Excel serial numbers of the workbook's date system (NaN for blanks; a time of day as the fraction)."""
    values = pd.to_datetime(series, errors="coerce").to_numpy(dtype="datetime64[s]")
    epoch = np.datetime64("1904-01-01" if date1904 else "1899-12-30", "s")
    serials = (values - epoch).astype("float64") / 86400
    if not date1904:
        serials[values < np.datetime64("1900-03-01", "s")] -= 1  # Excel counts a 29/02/1900 that never was
    serials[np.isnat(values)] = np.nan
    return serials


LINE_HEIGHT = 15.0  # points: one line of the default font


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide (a little generous: fonts vary)."""
    per_line = max(int(width) - 2, 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def set_header_height(sheet: Worksheet, row: int, labels: Sequence[tuple[str, float]]) -> None:
    """A header row tall enough for its longest header wrapped in its column (no application measures it on opening)."""
    lines = max((header_lines(label, width) for label, width in labels), default=1)
    if lines > 1:
        sheet.set_row(row, LINE_HEIGHT * lines)


def header_lines(label: str, width: float) -> int:
    """Lines a header takes wrapped at word boundaries in a column ``width`` characters wide (beside the filter button)."""
    room = max(int(width) - FILTER_BUTTON, 1)
    lines, used = 1, 0
    for word in label.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def fit(width: int) -> int:
    return max(MIN_WIDTH, min(MAX_WIDTH, width + 1))


def header_width(header: str) -> int:
    """Room for a header wrapped on up to three lines, its longest word whole, and the filter button.

    «Compra por iniciativa propia» needs 13, not 31: a sheet of sixty columns
    then still prints one page wide at a scale LibreOffice and Excel accept.
    """
    longest_word = max((len(word) for word in header.split()), default=0)
    return min(max(longest_word, math.ceil(len(header) / HEADER_LINES)) + FILTER_BUTTON, HEADER_WIDTH)


def _frozen_columns(table: SheetTable, columns: Sequence[OutputColumn]) -> int:
    """Keep the client's ID and name in view while scrolling right through Clientes."""
    if table.spec is not CLIENTES or "name" not in table.slots:
        return 0
    left = columns[0].col
    width = table.position("name") - left + 1
    return width if width <= 3 else 0
