"""The portfolio's sheets in memory: one :class:`SheetTable` per known sheet, one :class:`UnknownSheet` per other.

A :class:`SheetTable` keeps everything needed to write a sheet back unchanged:
the title rows above the header, the column order (known and user columns),
the typed values in a DataFrame indexed by Excel row number, and the original
text of every cell that could not be read, so nothing the team typed is lost.
Tables are values: a step that changes one returns a new table
(:func:`dataclasses.replace`), never edits it in place.

The pydantic models of the rows are in :mod:`cartera_xls.models`, built only
when a notebook asks for them (a refresh never needs pydantic).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .schema import Sheet

EXTRA_PREFIX = "extra:"  # slot name of a user column inside a SheetTable frame
CLIENT_ID = "client_id"  # resolved client ID beside each row's "Cliente" reference


@dataclass(frozen=True)
class SheetTable:
    """One known sheet: typed values plus what is needed to write it back as it was."""

    spec: Sheet
    name: str  # the sheet's name in the workbook it came from
    frame: pd.DataFrame  # one column per slot; index = Excel row number
    slots: tuple[str, ...]  # column order: column keys, and EXTRA_PREFIX + header for user columns
    header_row: int = 0  # 0-based row of the header in the sheet
    first_col: int = 0  # 0-based column where the table starts
    title_rows: tuple[tuple[Any, ...], ...] = ()  # raw rows above the header
    invalid: Mapping[tuple[int, str], Any] = field(default_factory=dict)  # (row, slot) → text as typed

    def header(self, slot: str) -> str:
        """The header the team sees for a slot."""
        if slot.startswith(EXTRA_PREFIX):
            return slot[len(EXTRA_PREFIX) :]
        return self.spec.column(slot).label

    def labelled(self) -> pd.DataFrame:
        """The frame with the team's headers as column names, for notebooks."""
        frame = self.frame[list(self.slots)]
        frame.columns = pd.Index([self.header(slot) for slot in self.slots])
        frame.index.name = "fila"
        return frame


@dataclass(frozen=True)
class UnknownSheet:
    """A sheet the tool does not know, carried as values and formulas."""

    name: str
    rows: list[list[Any]]
    formulas: Mapping[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pd.NA: a blank cell, whatever the column's dtype."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)
