"""How the regenerated workbook looks: cell formats, colours and conditional formatting.

The colours of the semáforo are the familiar ones of Excel's own "good, neutral,
bad" styles, so the team reads them at a glance; row tints are lighter versions.
Conditional formats use formulas relative to the first data row, with English
function names (``TODAY``), as Excel stores them.
"""

from __future__ import annotations

from typing import NamedTuple

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .schema import Column, Fmt
from .schema.sheets import AMARILLO, NUMBER_FORMATS, ROJO, SIN_COLOR, VERDE

TABLE_STYLE = "Table Style Medium 2"
HEADER_COLOUR = "#1F4E78"
COMPUTED_COLOUR = "#7F7F7F"
INVALID_COLOUR = "#F8CBAD"


class Colours(NamedTuple):
    """How one semáforo colour is painted."""

    fill: str  # the Semáforo cell
    font: str
    tint: str  # the whole row, lighter


SEMAFORO_COLOURS = {
    ROJO: Colours("#FFC7CE", "#9C0006", "#FDECEE"),
    AMARILLO: Colours("#FFEB9C", "#7F6000", "#FFF8E1"),
    VERDE: Colours("#C6EFCE", "#006100", "#EEF8F0"),
    SIN_COLOR: Colours("#D9D9D9", "#595959", "#F2F2F2"),
}


def money_format(currency: str) -> str:
    """Amounts with the team's currency: ``"S/" #,##0.00``; the euro goes after the number."""
    symbol = currency.replace('"', "")
    return f'#,##0.00 "{symbol}"' if symbol == "€" else f'"{symbol}" #,##0.00'


class Formats:
    """The cell formats of one workbook (formats cannot be shared across workbooks)."""

    def __init__(self, book: Workbook, currency: str) -> None:
        self.book = book
        self.currency = currency
        self.header = book.add_format({"bold": True, "font_color": "white", "bg_color": HEADER_COLOUR, "text_wrap": True, "valign": "top"})
        self.computed_header = book.add_format(
            {"bold": True, "italic": True, "font_color": "white", "bg_color": COMPUTED_COLOUR, "text_wrap": True, "valign": "top"}
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.invalid = book.add_format({"bg_color": INVALID_COLOUR})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self._numbers: dict[str | int, Format] = {}
        self.semaforo = {
            name: book.add_format({"bg_color": colours.fill, "font_color": colours.font, "bold": True})
            for name, colours in SEMAFORO_COLOURS.items()
        }
        self.row_tint = {name: book.add_format({"bg_color": colours.tint}) for name, colours in SEMAFORO_COLOURS.items()}

    def number(self, number_format: str | int) -> Format:
        """A format with the given Excel number format: a code, a role of :class:`Fmt` or a built-in id (14)."""
        code: str | int = number_format if isinstance(number_format, int) else str(number_format)
        if code == Fmt.MONEY:
            code = money_format(self.currency)
        if code not in self._numbers:
            self._numbers[code] = self.book.add_format({"num_format": code})
        return self._numbers[code]

    def for_column(self, column: Column | None) -> Format | None:
        """A data column's format: its own, or its kind's default."""
        if column is None:
            return None
        number_format = column.number_format or NUMBER_FORMATS.get(column.kind)
        return self.number(number_format) if number_format else None

    def declared(self, column: Column) -> Format | None:
        """A summary column's format: only the one it declares."""
        return self.number(column.number_format) if column.number_format else None


def colour_semaforo(sheet: Worksheet, formats: Formats, first_row: int, last_row: int, col: int) -> None:
    """Semáforo cells filled red, yellow, green or grey by their value."""
    for name, cell_format in formats.semaforo.items():
        sheet.conditional_format(
            first_row, col, last_row, col, {"type": "cell", "criteria": "==", "value": f'"{name}"', "format": cell_format}
        )


def colour_rows(sheet: Worksheet, formats: Formats, first_row: int, last_row: int, first_col: int, last_col: int, key_col: int) -> None:
    """Each row lightly tinted by its semáforo (``=$K5="rojo"``)."""
    key = f"${xl_col_to_name(key_col)}{first_row + 1}"
    for name, cell_format in formats.row_tint.items():
        sheet.conditional_format(
            first_row, first_col, last_row, last_col, {"type": "formula", "criteria": f'={key}="{name}"', "format": cell_format}
        )


def colour_due_dates(sheet: Worksheet, formats: Formats, first_row: int, last_row: int, col: int, warn_days: int) -> None:
    """Dates coloured against TODAY(): overdue red, within ``warn_days`` yellow — right between refreshes."""
    cell = f"${xl_col_to_name(col)}{first_row + 1}"
    rules = (
        (f"=AND(ISNUMBER({cell}),{cell}<TODAY())", formats.semaforo[ROJO]),
        (f"=AND(ISNUMBER({cell}),{cell}<=TODAY()+{int(warn_days)})", formats.semaforo[AMARILLO]),
    )
    for formula, cell_format in rules:
        sheet.conditional_format(
            first_row, col, last_row, col, {"type": "formula", "criteria": formula, "format": cell_format, "stop_if_true": True}
        )
