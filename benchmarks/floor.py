"""The floor: read every cell with python-calamine, write every cell back with XlsxWriter's typed writers.

What any refresh with this stack must at least spend. Usage: python benchmarks/floor.py IN.xlsx OUT.xlsx
"""

from __future__ import annotations

import datetime as dt
import sys

import xlsxwriter
from python_calamine import CalamineWorkbook


def main(source: str, target: str) -> None:
    book = CalamineWorkbook.from_path(source)
    out = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False})
    date_format = out.add_format({"num_format": "dd/mm/yyyy"})
    for name in book.sheet_names:
        sheet = out.add_worksheet(name)
        for r, row in enumerate(book.get_sheet_by_name(name).to_python()):
            for c, value in enumerate(row):
                if type(value) is str:
                    if value:
                        sheet.write_string(r, c, value)
                elif type(value) in (float, int):
                    sheet.write_number(r, c, value)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                elif type(value) is bool:
                    sheet.write_boolean(r, c, value)
    out.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
