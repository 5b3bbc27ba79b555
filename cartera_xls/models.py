"""The pydantic models of the rows, one per sheet, generated from :mod:`cartera_xls.schema`.

Each model has the column keys as fields plus ``fila`` (the Excel row) and
``extra`` (the user's own columns, by header). Imported on first use, so a
refresh from the command line does not pay for pydantic.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, create_model

from .schema import Kind, Sheet
from .schema.sheets import DATA_SHEETS, REGLAS
from .tables import EXTRA_PREFIX, SheetTable, is_missing


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


@cache
def model_for(sheet: Sheet) -> type[Row]:
    """The row model of ``sheet`` (built once)."""
    fields: dict[str, Any] = {column.key: (_PYTHON_TYPES[column.kind] | None, None) for column in sheet.columns if not column.computed}
    name = sheet.key.capitalize()
    model: type[Row] = create_model(name, __base__=Row, __doc__=sheet.description, **fields)
    return model


MODELLED_SHEETS: dict[str, Sheet] = {sheet.key: sheet for sheet in (*DATA_SHEETS, REGLAS)}


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
    model = model_for(MODELLED_SHEETS[table.spec.key])
    known = [slot for slot in table.slots if not slot.startswith(EXTRA_PREFIX) and slot in model.model_fields]
    extras = [slot for slot in table.slots if slot.startswith(EXTRA_PREFIX)]
    result = []
    for fila, record in zip(table.frame.index, table.frame.to_dict("records"), strict=True):
        values = {slot: _plain(record[slot]) for slot in known}
        extra = {table.header(slot): _plain(record[slot]) for slot in extras}
        result.append(model(fila=int(fila), extra=extra, **values))
    return result
