"""Golden workbooks: each small input in tests/golden/ refreshed, compared cell by cell with its expected output.

The expected output is ``esperado.json`` beside the input: for every sheet, every
non-empty cell with its value, type and number format. After a deliberate
change, regenerate with ``CARTERA_XLS_UPDATE_GOLDEN=1 pytest tests/test_golden.py``
and review the diff of the JSON files like any other change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import cartera_xls

from .conftest import HOY

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "entrada.xlsx").exists())


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def dump(path: Path) -> dict[str, list[list[Any]]]:
    """Every non-empty cell: [coordinate, value, type, number format], sheet by sheet, in order."""
    book = openpyxl.load_workbook(path)
    try:
        result = {}
        for sheet in book.worksheets:
            result[sheet.title] = [
                [cell.coordinate, _json_value(cell.value), cell.data_type, cell.number_format]
                for row in sheet.iter_rows()
                for cell in row
                if cell.value is not None
            ]
        return result
    finally:
        book.close()


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, tmp_path: Path) -> None:
    output = tmp_path / "salida.xlsx"
    cartera_xls.refresh(GOLDEN / case / "entrada.xlsx", output, hoy=HOY)
    actual = dump(output)
    expected_path = GOLDEN / case / "esperado.json"
    if os.environ.get("CARTERA_XLS_UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", "utf-8")
    expected = json.loads(expected_path.read_text("utf-8"))
    assert list(actual) == list(expected), "sheets differ"
    for sheet, cells in expected.items():
        got = {c[0]: c[1:] for c in actual[sheet]}
        want = {c[0]: c[1:] for c in cells}
        differing = {coord: (got.get(coord), value) for coord, value in want.items() if got.get(coord) != value}
        extra = sorted(set(got) - set(want))
        assert not differing and not extra, f"{case}/{sheet}: differing (got, expected) {differing}; unexpected cells {extra}"
