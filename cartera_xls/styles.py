"""How the regenerated workbook looks: cell formats, colours and conditional formatting.

The colours of the semáforo are the familiar ones of Excel's own "good, neutral,
bad" styles, so the team reads them at a glance; row tints are lighter versions.
Conditional formats use formulas relative to the first data row, with English
function names (``TODAY``), as Excel stores them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name, xl_range
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .schema import Column, Fmt, messages, summary
from .schema.sheets import (
    AMARILLO,
    HOY_NAME,
    LIST_NAME_PREFIX,
    LISTAS,
    NUMBER_FORMATS,
    REVIEW_NAME,
    REVISAR,
    ROJO,
    SIN_COLOR,
    VERDE,
    WAIT_DAYS_NAME,
    WARN_DAYS_NAME,
)

TABLE_STYLE = "Table Style Medium 2"
A4 = 9  # XlsxWriter's paper code
PRINT_MARGINS = {"left": 0.25, "right": 0.25, "top": 0.5, "bottom": 0.6}  # inches: Excel's «narrow», the footer below
HEADER_COLOUR = "#1F4E78"
COMPUTED_COLOUR = "#7F7F7F"
INVALID_COLOUR = "#F8CBAD"


class Colours(NamedTuple):
    """How one semáforo colour is painted."""

    fill: str  # the Semáforo cell
    font: str
    tint: str  # the whole row, lighter
    chart: str  # a bar or slice: the colour itself, at full strength


SEMAFORO_COLOURS = {
    ROJO: Colours("#FFC7CE", "#9C0006", "#FDECEE", "#C00000"),
    AMARILLO: Colours("#FFEB9C", "#7F6000", "#FFF8E1", "#FFC000"),
    VERDE: Colours("#C6EFCE", "#006100", "#EEF8F0", "#00B050"),
    SIN_COLOR: Colours("#D9D9D9", "#595959", "#F2F2F2", "#A6A6A6"),
}
SIN_ALERTA_CHART = "#9DC3E6"  # no light: not painted in the sheets, a soft blue in the charts
STALE_COLOUR = "#F4B183"


def money_format(currency: str) -> str:
    """Amounts with the team's currency: ``"S/" #,##0.00``; the euro and codes (``USD``) after the number; none, no symbol."""
    symbol = currency.replace('"', "").strip()
    if not symbol:
        return "#,##0.00"
    return f'#,##0.00 "{symbol}"' if symbol == "€" or symbol.isalpha() else f'"{symbol}" #,##0.00'


class Stamped(NamedTuple):
    """The refresh as its stamp says it: the moment (the calculation day, with the time when that day is today) and its words."""

    at: dt.datetime
    signed: str = ""  # what the stamp's number format says after the date: « a las 09:30 por lucia»
    words: str = summary.STAMP_WORDS  # before it: «Actualizado el», or «Calculado al» for a refresh as of another day


def stamped(hoy: dt.date, now: dt.datetime, who: str) -> Stamped:
    """The stamp of a refresh as of ``hoy`` made at ``now`` by ``who``: the time only when ``hoy`` is that day."""
    today = hoy == now.date()
    at = now.replace(second=0, microsecond=0) if today else dt.datetime.combine(hoy, dt.time())
    name = who.replace('"', "").replace("\\", "").strip()
    signed = (summary.STAMP_TIME if today else "") + (summary.STAMP_BY.format(who=name) if name else "")
    return Stamped(at, signed, summary.STAMP_WORDS if today else summary.STAMP_WORDS_AS_OF)


def today_formula(hoy: dt.date, today: dt.date) -> str:
    """What ``HOY_NAME`` names: ``TODAY()`` for a refresh as of the real today, else the calculation day itself."""
    return "=TODAY()" if hoy == today else f"=DATE({hoy.year},{hoy.month},{hoy.day})"


class Formats:
    """The cell formats of one workbook (formats cannot be shared across workbooks)."""

    def __init__(self, book: Workbook, currency: str, stamped: Stamped | None = None) -> None:
        self.book = book
        self.currency = currency
        self.stamped = stamped or Stamped(dt.datetime(2000, 1, 1))  # when and by whom the workbook is refreshed
        signed = self.stamped.signed
        self.header = book.add_format({"bold": True, "font_color": "white", "bg_color": HEADER_COLOUR, "text_wrap": True, "valign": "top"})
        self.computed_header = book.add_format(
            {"bold": True, "italic": True, "font_color": "white", "bg_color": COMPUTED_COLOUR, "text_wrap": True, "valign": "top"}
        )
        header = {"bold": True, "font_color": "white", "bg_color": HEADER_COLOUR, "text_wrap": True, "valign": "top"}
        self.header_text = book.add_format({**header, "indent": 1, "align": "left"})  # over indented text (summary tables)
        self.header_right = book.add_format({**header, "align": "right", "indent": 1})  # over numbers, clear of the header before it
        self.text = book.add_format({"indent": 1})
        self.text_top = book.add_format({"indent": 1, "align": "left", "valign": "top"})  # an indent needs its alignment said
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.invalid = book.add_format({"bg_color": INVALID_COLOUR})
        self.review = book.add_format({"bg_color": INVALID_COLOUR, "font_color": "#843C0C"})  # a conditional format's: a cell Revisar lists
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.top = book.add_format({"valign": "top"})
        self._numbers: dict[str | int, Format] = {}
        self.semaforo = {
            name: book.add_format({"bg_color": colours.fill, "font_color": colours.font, "bold": True})
            for name, colours in SEMAFORO_COLOURS.items()
        }
        self.semaforo_header = {
            name: book.add_format(
                {"bg_color": colours.fill, "font_color": colours.font, "bold": True, "text_wrap": True, "valign": "top", "align": "right"}
            )
            for name, colours in SEMAFORO_COLOURS.items()
        }
        self.row_tint = {name: book.add_format({"bg_color": colours.tint}) for name, colours in SEMAFORO_COLOURS.items()}
        # The Semáforo cell in each colour, plain and showing the colour's word over whatever text it holds.
        self.live_semaforo = {
            name: (
                self.semaforo[name],
                book.add_format({"bg_color": colours.fill, "font_color": colours.font, "bold": True, "num_format": f';;;"{name}"'}),
            )
            for name, colours in SEMAFORO_COLOURS.items()
        }
        self.stamp = book.add_format(
            {
                "num_format": summary.STAMP.format(words=self.stamped.words, signed=signed),
                "italic": True,
                "font_color": "#595959",
                "align": "left",
            }
        )
        self.stale_stamp = book.add_format(
            {
                "num_format": summary.STAMP_STALE.format(words=self.stamped.words, days=summary.STALE_DAYS, signed=signed),
                "bold": True,
                "bg_color": STALE_COLOUR,
                "font_color": "#843C0C",
            }
        )

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


def colour_follow_up(
    sheet: Worksheet,
    formats: Formats,
    rows: tuple[int, int],
    cols: tuple[int, int],
    semaforo_col: int,
    date_col: int,
    warn_days: str,
    waiting: tuple[int, str] | None = None,
) -> None:
    """The Semáforo cell, the date and the row tint, live against the workbook's day (``HOY_NAME``: ``TODAY()``, or the
    calculation day of a refresh as of another day) between refreshes.

    The colour written at refresh time holds, except that a date that has passed
    turns the row red (overdue), and an unlit row whose date comes within
    ``warn_days`` (a formula: the Reglas cell) turns yellow; the Semáforo cell
    then also reads «rojo» or «amarillo» (a number format over its text), so the
    word never contradicts the colour. Lost clients are grey. The most urgent
    wins: a green row (waiting for the client's answer) turns yellow once its
    wait is over (``waiting``: the «Esperando respuesta desde» column and the
    days of wait, a formula), as the next refresh would say.
    """
    first_row, last_row = rows
    first_col, last_col = cols
    light = f"${xl_col_to_name(semaforo_col)}{first_row + 1}"
    date = f"${xl_col_to_name(date_col)}{first_row + 1}"
    overdue = f"AND(ISNUMBER({date}),INT({date})<={HOY_NAME})"  # red from the day it is due: «es para hoy o ya venció»
    soon = f"AND(ISNUMBER({date}),INT({date})<={HOY_NAME}+{warn_days})"
    lapsed: tuple[tuple[str, str, str | None], ...] = ()
    if waiting is not None:
        since = f"${xl_col_to_name(waiting[0])}{first_row + 1}"
        lapsed = ((f'AND({light}="{VERDE}",ISNUMBER({since}),{HOY_NAME}-INT({since})>{waiting[1]})', AMARILLO, AMARILLO),)
    rules = (  # first true wins: (condition, colour, the word the Semáforo cell then shows)
        (overdue, ROJO, ROJO),
        (f'{light}="{ROJO}"', ROJO, None),
        *lapsed,
        (f'{light}="{AMARILLO}"', AMARILLO, None),
        (f'{light}="{VERDE}"', VERDE, None),
        (f'{light}="{SIN_COLOR}"', SIN_COLOR, None),
        (soon, AMARILLO, AMARILLO),
    )
    targets = (
        ((first_row, semaforo_col, last_row, semaforo_col), formats.live_semaforo),
        ((first_row, date_col, last_row, date_col), {name: (cell_format, cell_format) for name, cell_format in formats.semaforo.items()}),
        ((first_row, first_col, last_row, last_col), {name: (cell_format, cell_format) for name, cell_format in formats.row_tint.items()}),
    )
    for area, by_colour in targets:
        for condition, colour, word in rules:
            plain, worded = by_colour[colour]
            options = {"type": "formula", "criteria": f"={condition}", "format": worded if word else plain, "stop_if_true": True}
            sheet.conditional_format(*area, options)


_CELL = r"\$[A-Z]{1,3}\d+"
_DATED = rf"AND\(ISNUMBER\({_CELL}\),INT\({_CELL}\)"
# The conditions :func:`colour_follow_up` writes, whatever the columns and rows: how a refresh tells its own rules
# from the team's in a conditional format that covers both (Excel keeps rules of one range in one element).
_TODAY = rf"(?:TODAY\(\)|{HOY_NAME})"  # earlier versions compared with TODAY() itself
_FOLLOW_UP_RULE = re.compile(
    rf"^(?:{_DATED}<=?{_TODAY}\)"
    rf"|{_CELL}=\"(?:{'|'.join(re.escape(word) for word in (ROJO, AMARILLO, VERDE, SIN_COLOR))})\""
    rf"|{_DATED}<={_TODAY}\+.*\b{re.escape(WARN_DAYS_NAME)}\b.*\)"
    rf"|AND\({_CELL}=\"{re.escape(VERDE)}\",ISNUMBER\({_CELL}\),{_TODAY}-INT\({_CELL}\)>.*\b{re.escape(WAIT_DAYS_NAME)}\b.*\))$"
)


def is_follow_up_rule(formula: str) -> bool:
    """Whether a conditional format's formula is one of the live follow-up colours the tool writes."""
    return _FOLLOW_UP_RULE.match(formula.strip().removeprefix("=")) is not None


# The tool's mark on a cell that Revisar lists: true while the workbook has a Revisar sheet, so it goes with it.
REVIEW_MARK = f"ISREF({REVIEW_NAME})"
_EARLIER_REVIEW_MARK = f"ISREF({REVISAR}!$A$1)"  # as versions before the workbook name wrote it (Excel moves it to x14)
_EARLIER_LIST = re.compile(rf"^(?:'{re.escape(LISTAS)}'|{re.escape(LISTAS)})!", re.IGNORECASE)
MAX_MARKED_RANGES = 2_000  # Revisar lists them all; more marks only slow Excel down


def mark_for_review(sheet: Worksheet, formats: Formats, cells: Iterable[tuple[int, int, int]]) -> int:
    """Paint the cells Revisar lists, ``(row, first_col, last_col)`` 0-based, in the colour of a value to look at.

    One conditional format of the tool's over all of them (runs of rows merged),
    written first so it shows over the follow-up tints; the next refresh writes
    it again from what is still wrong, so a corrected cell loses it. Returns the
    number of ranges marked.
    """
    runs: list[list[int]] = []  # [first_row, last_row, first_col, last_col]
    for row, first_col, last_col in sorted(set(cells), key=lambda cell: (cell[1], cell[2], cell[0])):
        if runs and runs[-1][2:] == [first_col, last_col] and runs[-1][1] + 1 == row:
            runs[-1][1] = row
        else:
            runs.append([row, row, first_col, last_col])
    runs = sorted(runs)[:MAX_MARKED_RANGES]
    if not runs:
        return 0
    ranges = " ".join(xl_range(*run[:1], *run[2:3], *run[1:2], *run[3:4]) for run in runs)
    first = runs[0]
    sheet.conditional_format(
        first[0],
        first[2],
        first[1],
        first[3],
        {"type": "formula", "criteria": f"={REVIEW_MARK}", "format": formats.review, "multi_range": ranges},
    )
    return len(runs)


def is_our_rule(formula: str) -> bool:
    """Whether a conditional format's formula is the tool's: a live follow-up colour or the mark of a cell to review."""
    return is_follow_up_rule(formula) or formula.strip().removeprefix("=") in (REVIEW_MARK, _EARLIER_REVIEW_MARK)


def is_our_list(formula: str) -> bool:
    """Whether a validation's list is one of the tool's dropdowns: a ``cartera_lista_…`` name, or (earlier versions) a
    range of its Listas sheet, never the team's «Listas de precios»."""
    text = formula.strip().removeprefix("=")
    return text.lower().startswith(LIST_NAME_PREFIX) or _EARLIER_LIST.match(text) is not None


def list_name(key: str) -> str:
    """The workbook name of one of the tool's lists: «Tipo de contacto» → ``cartera_lista_tipo_de_contacto``."""
    plain = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode().lower()
    return LIST_NAME_PREFIX + re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def print_setup(sheet: Worksheet, hoy: dt.date, *, header_row: int | None = None, landscape: bool = True) -> None:
    """Print like a report: A4, one page wide, the header row on every page, a footer with the sheet, page x of y and the date.

    ``header_row`` (0-based) repeats at the top of each page. Fitted to the
    width only, so a long sheet runs on as many pages as its rows need.
    """
    sheet.set_paper(A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(**PRINT_MARGINS)
    sheet.set_footer(messages.PRINT_FOOTER.format(hoy=hoy.strftime("%d/%m/%Y")), {"margin": 0.25})
    if header_row is not None:
        sheet.repeat_rows(header_row)
