"""Writing cells back as the team typed them: value and type, number format, formula, time of day.

One :class:`CellWriter` per workbook turns a raw value (what the reader handed
over) into XlsxWriter's typed call: text is always text, numbers stay numbers
with their number format, dates keep their time of day and become serials of
the workbook's own date system (1900 or 1904), times and durations stay
numbers, a formula is written with its cached value of the right type (an
error as an error, a date as its serial, nothing when it had none).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_range
from xlsxwriter.worksheet import CellArrayFormulaTuple, CellFormulaTuple, Worksheet

from .ooxml import cell_range
from .raw import EXCEL_ERRORS, FORMULA_WITHOUT_VALUE, Cell, ExcelError, Formula, NumberFormat
from .schema import Fmt
from .styles import Formats

EPOCH_1900 = dt.date(1899, 12, 30)
EPOCH_1904 = dt.date(1904, 1, 1)
FIRST_REAL_1900_SERIAL = 61  # 01/03/1900: before it, Excel counts a 29/02/1900 that never was
SECONDS_PER_DAY = 86_400
DATE_WIDTH = 11  # «30/11/2026» and the cell's margins


def by_column(cells: Mapping[Cell, Any]) -> dict[int, dict[int, Any]]:
    """``{(row, col): value}`` regrouped as ``{col: {row: value}}`` so each column looks its cells up once."""
    grouped: dict[int, dict[int, Any]] = defaultdict(dict)
    for (row, col), value in cells.items():
        grouped[col][row] = value
    return grouped


class CellWriter:
    """Writes raw cell values of one workbook with their types and number formats."""

    def __init__(self, formats: Formats, date1904: bool = False) -> None:
        self.formats = formats
        self.date1904 = date1904
        self._epoch = EPOCH_1904.toordinal() if date1904 else EPOCH_1900.toordinal()

    # --- values ---------------------------------------------------------------------
    def serial(self, value: dt.date | dt.time | dt.timedelta) -> float:
        """A date, date-time, time or duration as the number Excel stores."""
        if isinstance(value, dt.timedelta):
            return value.total_seconds() / SECONDS_PER_DAY
        if isinstance(value, dt.time):
            return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / SECONDS_PER_DAY
        days = value.toordinal() - self._epoch
        if not self.date1904 and days < FIRST_REAL_1900_SERIAL:
            days -= 1
        if isinstance(value, dt.datetime):
            return days + (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / SECONDS_PER_DAY
        return float(days)

    def format_for(self, number_format: NumberFormat | None) -> Format | None:
        """The workbook format of a number format as the file stored it (a built-in id or a code)."""
        return None if number_format is None else self.formats.number(number_format)

    @staticmethod
    def implied_format(value: Any) -> NumberFormat | None:
        """The format a date-like value needs when the cell brought none (a file without styles)."""
        if isinstance(value, dt.datetime):
            return Fmt.DATE_TIME if value.time() != dt.time() else Fmt.DATE
        if isinstance(value, dt.date):
            return Fmt.DATE
        if isinstance(value, dt.time):
            return Fmt.TIME
        if isinstance(value, dt.timedelta):
            return Fmt.DURATION
        return None

    def cached(self, value: Any) -> Any:
        """A formula's cached value as XlsxWriter writes it: a number, a string, a bool or an error."""
        if isinstance(value, (dt.date, dt.time, dt.timedelta)):
            return self.serial(value)
        if isinstance(value, float) and not math.isfinite(value):
            return "#NUM!"
        if value is None:
            return ""
        return value

    # --- one cell ---------------------------------------------------------------------
    def write(
        self,
        sheet: Worksheet,
        row: int,
        col: int,
        value: Any,
        number_format: NumberFormat | None = None,
        formula: Formula | None = None,
        flag: str | None = None,
        cell_format: Format | None = None,
    ) -> int:
        """Write one cell; return the width its content needs.

        ``flag`` is an Excel error the cell held (``#N/A``) or
        :data:`FORMULA_WITHOUT_VALUE`; ``cell_format`` overrides the number
        format (the orange of a value that could not be read).
        """
        if number_format is None:
            number_format = self.implied_format(value)
        fmt = cell_format if cell_format is not None else self.format_for(number_format)
        if formula is not None:
            cached = "" if flag == FORMULA_WITHOUT_VALUE else (flag if flag is not None else self.cached(value))
            write_stored_formula(sheet, row, col, formula, fmt, cached)
            return len(formula.text)
        if flag is not None and flag != FORMULA_WITHOUT_VALUE:
            # An error value the team's workbook had: written back as the same error, not as text.
            sheet.write_formula(row, col, "=" + flag, fmt, flag)
            return len(flag)
        if isinstance(value, ExcelError) and value in EXCEL_ERRORS:
            sheet.write_formula(row, col, "=" + value, fmt, str(value))
            return len(value)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return 0
        if isinstance(value, str):
            if value:
                sheet.write_string(row, col, value, fmt)
            return max((len(line) for line in value.splitlines()), default=0)
        if isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmt)
            return 5
        if isinstance(value, (int, float)):
            sheet.write_number(row, col, value, fmt)
            return len(f"{value:,.2f}")
        if isinstance(value, (dt.date, dt.time, dt.timedelta)):
            sheet.write_number(row, col, self.serial(value), fmt)
            timed = DATE_WIDTH + (6 if isinstance(value, dt.datetime) and value.time() != dt.time() else 0)
            return max(timed, shown_width(number_format))  # «yyyy-mm-dd h:mm:ss» shows 19 characters
        text = str(value)
        sheet.write_string(row, col, text, fmt)
        return len(text)

    # --- a column of cells ---------------------------------------------------------------
    def column(
        self,
        sheet: Worksheet,
        col: int,
        rows: Sequence[int],
        values: Sequence[Any],
        formats: Mapping[int, NumberFormat] | None = None,
        default: NumberFormat | None = None,
        formulas: Mapping[int, Formula] | None = None,
        flags: Mapping[int, str] | None = None,
    ) -> int:
        """Write ``values`` at sheet ``rows`` of column ``col``; return the width the column needs.

        ``formats``, ``formulas`` and ``flags`` are keyed by sheet row; ``default``
        is the format of a cell that brought none. The common cells (text, numbers)
        take a tight path.
        """
        formats = formats or {}
        special = set(formulas or ()) | set(flags or ())
        text_width = 0
        widest = 0.0
        other_width = 0
        dated = False
        default_format = self.format_for(default)
        date_format = self.format_for(default if default is not None else Fmt.DATE)
        fmt_cache: dict[NumberFormat, Format | None] = {}
        shown: dict[NumberFormat, int] = {}
        write_string, write_number = sheet.write_string, sheet.write_number
        epoch, before_leap_day = self._epoch, not self.date1904
        for row, value in zip(rows, values, strict=True):
            if row in special:
                number_format = formats.get(row, default)
                width = self.write(sheet, row, col, value, number_format, (formulas or {}).get(row), (flags or {}).get(row))
                other_width = max(other_width, width)
                continue
            kind = type(value)
            if kind is str:
                if value:
                    write_string(row, col, value)
                    text_width = max(text_width, len(value))
            elif kind is float or kind is int or kind is dt.date:
                own = formats.get(row)
                if own is None:
                    cell_format = date_format if kind is dt.date else default_format
                else:
                    cell_format = fmt_cache.get(own)
                    if cell_format is None:
                        cell_format = fmt_cache[own] = self.format_for(own)
                if kind is dt.date:  # the common date cell, its serial worked out here
                    days = value.toordinal() - epoch
                    write_number(row, col, days - 1 if before_leap_day and days < FIRST_REAL_1900_SERIAL else days, cell_format)
                    dated = True
                    if own is not None and own not in shown:
                        shown[own] = shown_width(own)  # the team's «yyyy-mm-dd h:mm:ss» needs more than dd/mm/aaaa
                else:
                    write_number(row, col, value, cell_format)
                    if abs(value) > widest:
                        widest = abs(value)
            elif value is not None:
                number_format = formats.get(row, default)
                other_width = max(other_width, self.write(sheet, row, col, value, number_format))
        number_width = len(f"{widest:,.2f}") if widest else 0
        return max(text_width, number_width, other_width, DATE_WIDTH if dated else 0, *shown.values())


_NOT_SHOWN = re.compile(r'\[[^\]]*\]|"[^"]*"|\\.|[_*].|;.*$')  # colours and conditions, quoted text, escapes, padding, other sections


def shown_width(number_format: NumberFormat | None) -> int:
    """About how many characters a date format shows (its codes stand for as many digits as they have letters)."""
    if not isinstance(number_format, str):
        return 0
    return len(_NOT_SHOWN.sub("", number_format)) + 1


def write_stored_formula(sheet: Worksheet, row: int, col: int, formula: Formula, fmt: Format | None, cached: Any) -> None:
    """A formula of the team's exactly as their file stores it.

    XlsxWriter's ``write_formula`` edits the text it is given: it drops a
    trailing ``}`` (``=F2+{1}`` → ``=F2+{1``), makes any formula that merely
    mentions ``FILTER(`` in a string a dynamic array, and prefixes functions
    inside string literals. The stored text is already what Excel wants, so it
    goes straight into the cell table (XlsxWriter's own structure: the version
    is pinned below 4). An array or dynamic array stays one only where the
    source had it.
    """
    if formula.array is None:
        if sheet._check_dimensions(row, col) == 0:  # the sheet's used area grows to hold it, as write_formula does
            sheet.table[row][col] = CellFormulaTuple(formula.text, fmt, cached)
        return
    first_row, first_col, last_row, last_col = _bounds(row, col, formula.array)
    if sheet._check_dimensions(first_row, first_col) or sheet._check_dimensions(last_row, last_col):
        return
    kind = "dynamic" if formula.dynamic else "static"
    reference = xl_range(first_row, first_col, last_row, last_col)  # one cell's is «A1», as XlsxWriter writes it
    sheet.table[first_row][first_col] = CellArrayFormulaTuple(formula.text, fmt, cached, reference, kind)
    if formula.dynamic:
        sheet.has_dynamic_arrays = True
    for other_row in range(first_row, last_row + 1):
        for other_col in range(first_col, last_col + 1):
            if (other_row, other_col) != (first_row, first_col):
                sheet.write_number(other_row, other_col, 0, fmt)  # as XlsxWriter pads the rest of an array's area


def _bounds(row: int, col: int, reference: str) -> tuple[int, int, int, int]:
    """The cells an array formula spans, from its own cell when the reference is unreadable."""
    span = cell_range(reference)
    return span if span is not None else (row, col, row, col)
