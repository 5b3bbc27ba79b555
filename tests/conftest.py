"""Shared helpers: build workbooks the way people build them, and read cells back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

HOY = dt.date(2026, 11, 2)


class Formula(str):
    """A cell that ``make_workbook`` writes as a formula; any other text stays text."""


def make_workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """Write ``sheets`` (name → rows) with openpyxl, as Excel users' files are."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                if isinstance(value, str) and not isinstance(value, Formula):
                    cell.data_type = "s"  # openpyxl would turn "=..." into a formula
    book.save(path)
    return path


def cells(path: Path, sheet: str) -> list[list[Any]]:
    """Every value of a sheet as openpyxl reads it (formulas as text)."""
    book = openpyxl.load_workbook(path)
    try:
        return [list(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def column_values(path: Path, sheet: str, header: str, header_row: int = 1) -> list[Any]:
    """The values under ``header`` in a sheet, blank trailing rows dropped."""
    rows = cells(path, sheet)
    titles = rows[header_row - 1]
    index = titles.index(header)
    values = [row[index] for row in rows[header_row:]]
    while values and values[-1] is None:
        values.pop()
    return values


def sheet_names(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def basic_portfolio() -> dict[str, list[list[Any]]]:
    """Three clients, a few sales and contacts: the smallest useful portfolio."""
    return {
        "Clientes": [
            ["ID", "Nombre", "Empresa", "Teléfono", "Email", "Vendedor"],
            ["C0001", "Ana Quispe", "Tienda Ana", "+51 900 111 222", "ana@ejemplo.pe", "Carla"],
            ["C0002", "Luis García", "Farmacia Luis", "+51 900 333 444", "luis@ejemplo.pe", "Óscar"],
            ["C0003", "Rosa Mamani", "Panadería Rosa", None, None, "Carla"],
        ],
        "Ventas": [
            ["Fecha", "Cliente", "Producto", "Importe"],
            [dt.datetime(2026, 10, 1), "C0001", "Maca", 120.5],
            [dt.datetime(2026, 9, 1), "C0001", "Stevia", 80],
            [dt.datetime(2026, 10, 15), "Luis García", "Quinua", 300],
        ],
    }


@pytest.fixture
def basic_file(tmp_path: Path) -> Path:
    return make_workbook(tmp_path / "cartera.xlsx", basic_portfolio())


def flatten(rows: Iterable[Iterable[Any]]) -> list[Any]:
    return [value for row in rows for value in row]
