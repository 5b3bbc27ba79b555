"""What a reader hands over: every sheet as a grid of raw cell values, before any interpretation.

:mod:`cartera_xls.sources` opens the file and fills these; :mod:`cartera_xls.reading`
turns them into typed tables. Nothing here touches the disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMULA_WITHOUT_VALUE = "__formula_without_value__"
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")


class ExcelError(str):
    """An Excel error value such as ``#N/A``, kept so it is written back as the same error."""

    __slots__ = ()


class RichValue(ExcelError):
    """A cell whose value is Excel's rich data (``vm=``: an in-cell picture, a linked data type); files show ``#VALUE!``."""

    __slots__ = ()


# A number format as the file stores it: a built-in id (14 is the locale's short date) or a format code.
NumberFormat = int | str
Cell = tuple[int, int]  # (row, column), 0-based from A1


@dataclass(frozen=True)
class Formula:
    """A cell's formula as the file stores it (without the leading ``=``)."""

    text: str
    array: str | None = None  # the range an array formula spans (``A1:A3``), on its first cell
    dynamic: bool = False  # a dynamic array (spills), as Excel 365 writes FILTER, UNIQUE…


@dataclass(frozen=True)
class SheetDetails:
    """What a sheet holds beyond its values: formulas and the layout the team chose.

    Number formats are not collected: a workbook that has them (.xlsx) is patched, its cells copied with their own.
    """

    formulas: Mapping[Cell, Formula] = field(default_factory=dict)
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[int] = frozenset()
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (first row, first col, last row, last col)
    tables: tuple[tuple[str, str], ...] = ()  # (name, range) of the sheet's Excel tables
    totals_rows: frozenset[int] = frozenset()  # rows that are a table's totals row («Total»): not data
    widths: Mapping[int, float] = field(default_factory=dict)  # column → width the file sets for it
    heights: Mapping[int, float] = field(default_factory=dict)  # row → height set by hand (customHeight)
    row_levels: Mapping[int, int] = field(default_factory=dict)  # row → outline level (grouped rows)
    column_levels: Mapping[int, int] = field(default_factory=dict)  # column → outline level (grouped columns)
    currencies: Mapping[int, str] = field(default_factory=dict)  # column → the currency its cells' number format shows
    other_currencies: Mapping[int, Mapping[int, str]] = field(default_factory=dict)  # column → row → another currency shown
    tab_color: str | None = None  # #RRGGBB of the sheet's tab
    right_to_left: bool = False
    head: bytes = b""  # the sheet's XML before its cells (root, sheetPr…), kept for carrying what the team added
    tail: bytes = b""  # and after them (validation, conditional formats, links, drawings…)


NO_DETAILS = SheetDetails()


@dataclass
class RawSheet:
    """One sheet as a grid of raw values, indexed from A1 (row 0, column 0)."""

    name: str
    rows: list[list[Any]]
    hidden: bool = False
    # (row, column) → Excel error text such as "#N/A", or FORMULA_WITHOUT_VALUE
    flagged: dict[Cell, str] = field(default_factory=dict)
    details: SheetDetails = NO_DETAILS
    very_hidden: bool = False  # hidden so that only VBA shows it again (Excel's «veryHidden»)


@dataclass
class RawWorkbook:
    """Every sheet of a workbook, plus what the readers need to interpret it."""

    path: Path
    sheets: list[RawSheet]
    date1904: bool = False
    generated: bool = False  # written by cartera_xls (has our marker property)
    marks: dict[str, dict[str, int]] = field(default_factory=dict)  # sheet → computed column key → column its mark spans


def column_letters(col: int) -> str:
    """0 → ``"A"``, 26 → ``"AA"`` (the inverse of :func:`column_index`)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: bytes | str) -> int:
    """``"A"`` → 0, ``"AA"`` → 26."""
    text = letters.decode() if isinstance(letters, bytes) else letters
    index = 0
    for ch in text:
        index = index * 26 + ord(ch) - 64
    return index - 1
