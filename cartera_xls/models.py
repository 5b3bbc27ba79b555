"""The portfolio in memory: one table per sheet, and pydantic models of its rows.

A :class:`SheetTable` keeps everything needed to write a sheet back unchanged:
the title rows above the header, the column order (known and user columns),
the typed values in a DataFrame indexed by Excel row number, and the original
text of every cell that could not be read, so nothing the team typed is lost.

The pydantic models of the rows are in :mod:`cartera_xls.row_models`, built
only when a notebook asks for them (a refresh never needs pydantic).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .schema import Sheet

EXTRA_PREFIX = "extra:"  # slot name of a user column inside a SheetTable frame


@dataclass
class SheetTable:
    """One known sheet: typed values plus what is needed to write it back as it was."""

    spec: Sheet
    name: str  # the sheet's name in the workbook it came from
    frame: pd.DataFrame  # one column per slot; index = Excel row number
    slots: list[str]  # column order: column keys, and EXTRA_PREFIX + header for user columns
    header_row: int = 0  # 0-based row of the header in the sheet
    first_col: int = 0  # 0-based column where the table starts
    title_rows: list[list[Any]] = field(default_factory=list)  # raw rows above the header
    invalid: dict[tuple[int, str], Any] = field(default_factory=dict)  # (row, slot) → text as typed

    def header(self, slot: str) -> str:
        """The header the team sees for a slot."""
        if slot.startswith(EXTRA_PREFIX):
            return slot[len(EXTRA_PREFIX) :]
        return self.spec.column(slot).label

    def labelled(self) -> pd.DataFrame:
        """The frame with the team's headers as column names, for notebooks."""
        frame = self.frame[self.slots]
        frame.columns = pd.Index([self.header(slot) for slot in self.slots])
        frame.index.name = "fila"
        return frame


@dataclass
class UnknownSheet:
    """A sheet the tool does not know, carried as values and formulas."""

    name: str
    rows: list[list[Any]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pd.NA: a blank cell, whatever the column's dtype."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)
