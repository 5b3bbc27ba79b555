"""How the regenerated workbook looks: cell formats, colours and conditional formatting.

The colours of the semáforo are the familiar ones of Excel's own "good, neutral,
bad" styles, so the team reads them at a glance; row tints are lighter versions.
Conditional formats use formulas relative to the first data row, with English
function names (``TODAY``), as Excel stores them.
"""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .schema import Column
from .schema.sheets import AMARILLO, NUMBER_FORMATS, ROJO, SIN_COLOR, VERDE

TABLE_STYLE = "Table Style Medium 2"
HEADER_COLOUR = "#1F4E78"
COMPUTED_COLOUR = "#7F7F7F"
INVALID_COLOUR = "#F8CBAD"
# colour → (cell fill, cell font, row tint)
SEMAFORO_COLOURS = {
    ROJO: ("#FFC7CE", "#9C0006", "#FDECEE"),
    AMARILLO: ("#FFEB9C", "#7F6000", "#FFF8E1"),
    VERDE: ("#C6EFCE", "#006100", "#EEF8F0"),
    SIN_COLOR: ("#D9D9D9", "#595959", "#F2F2F2"),
}


class Formats:
    """The cell formats of one workbook (formats cannot be shared across workbooks)."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.header = book.add_format({"bold": True, "font_color": "white", "bg_color": HEADER_COLOUR, "text_wrap": True, "valign": "top"})
        self.computed_header = book.add_format(
            {"bold": True, "italic": True, "font_color": "white", "bg_color": COMPUTED_COLOUR, "text_wrap": True, "valign": "top"}
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.invalid = book.add_format({"bg_color": INVALID_COLOUR})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self._numbers: dict[str, Format] = {}
        self.semaforo = {
            name: book.add_format({"bg_color": fill, "font_color": font, "bold": True})
            for name, (fill, font, _) in SEMAFORO_COLOURS.items()
        }
        self.row_tint = {name: book.add_format({"bg_color": tint}) for name, (_, _, tint) in SEMAFORO_COLOURS.items()}

    def number(self, number_format: str) -> Format:
        """A format with the given Excel number format, made once."""
        if number_format not in self._numbers:
            self._numbers[number_format] = self.book.add_format({"num_format": number_format})
        return self._numbers[number_format]

    def for_column(self, column: Column | None) -> Format | None:
        if column is None:
            return None
        number_format = column.number_format or NUMBER_FORMATS.get(column.kind)
        return self.number(number_format) if number_format else None


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
