"""The floor: read every cell with python-calamine, write every cell back with XlsxWriter's typed writers.

What any refresh with this stack must at least spend. Usage: python benchmarks/floor.py IN.xlsx OUT.xlsx
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Container
from typing import Any

import xlsxwriter
from python_calamine import CalamineWorkbook


def main(source: str, target: str) -> None:
    book = CalamineWorkbook.from_path(source)
    out = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False})
    date_format = out.add_format({"num_format": "dd/mm/yyyy"})
    for name in book.sheet_names:
        write_cells(out.add_worksheet(name), book.get_sheet_by_name(name).to_python(), date_format)
    out.close()


def write_cells(sheet: Any, rows: list[list[Any]], date_format: Any, columns: Container[int] | None = None) -> None:
    """Every cell of ``rows`` (of ``columns`` only, when given) with XlsxWriter's typed writers."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if columns is not None and c not in columns:
                continue
            if type(value) is str:
                if value:
                    sheet.write_string(r, c, value)
            elif type(value) in (float, int):
                sheet.write_number(r, c, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date_format)
            elif type(value) is bool:
                sheet.write_boolean(r, c, value)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
