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
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .ooxml import cell_range
from .raw import NO_DETAILS, Cell, SheetDetails
from .schema import Sheet

EXTRA_PREFIX = "extra:"  # slot name of a user column inside a SheetTable frame
CLIENT_ID = "client_id"  # resolved client ID beside each row's "Cliente" reference


@dataclass(frozen=True)
class SheetCells:
    """A sheet's cells as they were read, so every one the team typed is written back as typed."""

    top: tuple[tuple[Any, ...], ...] = ()  # the rows above the header, and the header row, as read
    below: tuple[tuple[Any, ...], ...] = ()  # the rows below the header, by column (column A first)
    details: SheetDetails = NO_DETAILS  # number formats, formulas, hidden rows and columns, merges, tables
    flagged: Mapping[Cell, str] = field(default_factory=dict)  # error cells and formulas without a cached value

    @property
    def height(self) -> int:
        """How many rows there are below the header, blank ones included."""
        return max((len(column) for column in self.below), default=0)

    def column(self, col: int) -> tuple[Any, ...]:
        """The cells of a column below the header (empty when the sheet has nothing there)."""
        return self.below[col] if col < len(self.below) else ()


@dataclass(frozen=True)
class SheetTable:
    """One known sheet: typed values plus what is needed to write it back as it was."""

    spec: Sheet
    name: str  # the sheet's name in the workbook it came from
    frame: pd.DataFrame  # one column per slot; index = Excel row number of each data row
    slots: tuple[str, ...]  # column order: column keys, and EXTRA_PREFIX + header for user columns
    header_row: int = 0  # 0-based row of the header in the sheet
    first_col: int = 0  # 0-based column where the table starts
    invalid: Mapping[tuple[int, str], Any] = field(default_factory=dict)  # (row, slot) → text as typed
    labels: Mapping[str, str] = field(default_factory=dict)  # slot → its header as the team typed it
    positions: Mapping[str, int] = field(default_factory=dict)  # slot → 0-based sheet column
    cells: SheetCells = field(default_factory=SheetCells)  # the sheet as read
    computed_at: Mapping[str, int] = field(default_factory=dict)  # computed column key → where we wrote it last time
    renamed: frozenset[str] = frozenset()  # computed columns whose label the team already uses for a column of its own
    renamed_computed: Mapping[str, int] = field(default_factory=dict)  # computed key → its old column the team renamed
    assigned: frozenset[int] = frozenset()  # Excel rows whose ID the tool assigned
    stood_in: frozenset[str] = frozenset()  # required columns the sheet lacks, served by another (a client name as the client)
    state: str = "visible"  # as the team left the sheet: visible, hidden or veryHidden
    merged: Mapping[tuple[int, str], Any] = field(default_factory=dict)  # (Excel row, slot) → a conflicted copy's cell, as typed
    not_data: frozenset[int] = frozenset()  # 0-based rows below the header that total or label the data: the team's in every column
    table_rows: int | None = None  # 0-based last row the team's Excel table is grown to (rows typed under it), if it is

    def header(self, slot: str) -> str:
        """The header the team sees for a slot: as typed, or the schema's label for a column the tool added."""
        if slot in self.labels:
            return self.labels[slot]
        if slot.startswith(EXTRA_PREFIX):
            return slot[len(EXTRA_PREFIX) :]
        return self.spec.column(slot).label

    @property
    def last_row(self) -> int:
        """The Excel row (1-based) of the last row below the header that holds anything."""
        last_data = int(self.frame.index.max()) if len(self.frame) else 0
        return max(self.header_row + 1 + self.cells.height, last_data)

    def team_table(self) -> tuple[str, tuple[int, int, int, int]] | None:
        """The team's Excel table whose header row is this sheet's: its name and cells, if it has one."""
        return team_table(self.cells.details.tables, self.header_row)

    def position(self, slot: str) -> int:
        """The sheet column of a slot: where it was read, or in slot order from the table's first column."""
        return self.positions.get(slot, self.first_col + self.slots.index(slot))

    def labelled(self) -> pd.DataFrame:
        """The frame for notebooks: known columns under the template's names, the team's own under theirs.

        ``Nombre`` is ``Nombre`` however the sheet calls it, so a notebook reads any workbook alike.
        """
        frame = self.frame[list(self.slots)]
        names = [self.header(slot) if slot.startswith(EXTRA_PREFIX) else self.spec.column(slot).label for slot in self.slots]
        frame.columns = pd.Index(names)
        frame.index.name = "fila"
        return frame


@dataclass(frozen=True)
class UnknownSheet:
    """A sheet the tool does not know, carried as it was read: values, formulas and number formats."""

    name: str  # as it is written (a name the tool needs is kept as «… (original)»)
    rows: list[list[Any]]
    details: SheetDetails = NO_DETAILS
    hidden: bool = False
    flagged: Mapping[Cell, str] = field(default_factory=dict)
    source_name: str = ""  # its name in the workbook read


def unique_slot(slot: str, taken: Collection[str]) -> str:
    """``slot``, or ``slot (2)``, ``slot (3)``… the first that ``taken`` does not hold: a team's column by its header, once."""
    candidate, number = slot, 2
    while candidate in taken:
        candidate, number = f"{slot} ({number})", number + 1
    return candidate


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pd.NA: a blank cell, whatever the column's dtype."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def team_table(tables: tuple[tuple[str, str], ...], header_row: int) -> tuple[str, tuple[int, int, int, int]] | None:
    """Among a sheet's tables ``(name, ref)``, the one whose header is ``header_row`` (0-based): its name and cells (0-based)."""
    for name, reference in tables:
        span = cell_range(reference)
        if span is not None and span[0] == header_row:
            return name, span
    return None
