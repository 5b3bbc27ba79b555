"""What a reader hands over: every sheet as a grid of raw cell values, before any interpretation.

:mod:`cartera_xls.sources` opens the file and fills these; :mod:`cartera_xls.reading`
turns them into typed tables. Nothing here touches the disk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMULA_WITHOUT_VALUE = "__formula_without_value__"
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")


class ExcelError(str):
    """An Excel error value such as ``#N/A``, kept so it is written back as the same error."""

    __slots__ = ()


def _no_formulas(sheet_name: str) -> Mapping[tuple[int, int], str]:
    return {}


@dataclass
class RawSheet:
    """One sheet as a grid of raw values, indexed from A1 (row 0, column 0)."""

    name: str
    rows: list[list[Any]]
    hidden: bool = False
    # (row, column) → Excel error text such as "#N/A", or FORMULA_WITHOUT_VALUE
    flagged: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class RawWorkbook:
    """Every sheet of a workbook, plus what the readers need to interpret it."""

    path: Path
    sheets: list[RawSheet]
    date1904: bool = False
    generated: bool = False  # written by cartera_xls (has our marker property)
    # Formula text (``=SUM(A1:A3)``) by (row, column) of one sheet, read when asked; empty where the format has none.
    formulas: Callable[[str], Mapping[tuple[int, int], str]] = _no_formulas


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
