"""The portfolio in memory: one table per sheet, and pydantic models of its rows.

A :class:`SheetTable` keeps everything needed to write a sheet back unchanged:
the title rows above the header, the column order (known and user columns),
the typed values in a DataFrame indexed by Excel row number, and the original
text of every cell that could not be read, so nothing the team typed is lost.

The pydantic models are generated from :mod:`cartera_xls.schema`, one per
sheet, with the column keys as fields plus ``fila`` (the Excel row) and
``extra`` (the user's own columns, by header).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, create_model

from .schema import Kind, Sheet
from .schema.sheets import DATA_SHEETS, REGLAS

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


class Row(BaseModel):
    """Base of every row model: the Excel row and the user's own columns."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fila: int
    extra: dict[str, Any] = {}


_PYTHON_TYPES: dict[Kind, Any] = {
    Kind.TEXT: str,
    Kind.ID: str,
    Kind.CHOICE: str,
    Kind.NUMBER: float,
    Kind.PERCENT: float,
    Kind.INTEGER: int,
    Kind.BOOL: bool,
    Kind.DATE: dt.date,
    Kind.ANY: Any,
}


def _model_for(sheet: Sheet) -> type[Row]:
    fields: dict[str, Any] = {column.key: (_PYTHON_TYPES[column.kind] | None, None) for column in sheet.columns if not column.computed}
    name = sheet.key.capitalize()
    model: type[Row] = create_model(name, __base__=Row, __doc__=sheet.description, **fields)
    return model


MODELS: dict[str, type[Row]] = {sheet.key: _model_for(sheet) for sheet in (*DATA_SHEETS, REGLAS)}


def is_missing(value: Any) -> bool:
    """True for None, NaN, NaT and pd.NA: a blank cell, whatever the column's dtype."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: Any) -> Any:
    """A DataFrame cell as a plain Python value for pydantic."""
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def rows_as_models(table: SheetTable) -> list[Row]:
    """Validate every row of ``table`` into its sheet's pydantic model."""
    model = MODELS[table.spec.key]
    known = [slot for slot in table.slots if not slot.startswith(EXTRA_PREFIX) and slot in model.model_fields]
    extras = [slot for slot in table.slots if slot.startswith(EXTRA_PREFIX)]
    result = []
    for fila, record in zip(table.frame.index, table.frame.to_dict("records"), strict=True):
        values = {slot: _plain(record[slot]) for slot in known}
        extra = {table.header(slot): _plain(record[slot]) for slot in extras}
        result.append(model(fila=int(fila), extra=extra, **values))
    return result
