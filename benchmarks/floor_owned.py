"""The floor of a patching refresh: read every cell, write only the cells the tool owns, copy the rest.

python-calamine reads every cell of the produced workbook (as the refresh must, to compute); XlsxWriter
writes with its typed writers only what the tool owns there: the sheets it generates whole and the
computed columns of the data sheets (found by their marks); every other sheet's part is copied into
the package as stored. Usage: python benchmarks/floor_owned.py IN.xlsx OUT.xlsx
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from floor import write_cells

from cartera_xls import ooxml
from cartera_xls.schema.sheets import COMPUTED_MARK, GENERATED_SHEETS, LISTAS, REGLAS


def main(source: str, target: str) -> None:
    with zipfile.ZipFile(source) as archive:
        workbook = ooxml.parse(archive.read(ooxml.WORKBOOK))
        members = dict(ooxml.sheet_members(archive, workbook))
    marks = ooxml.column_marks(workbook, COMPUTED_MARK)
    generated = {*GENERATED_SHEETS, LISTAS}
    book = CalamineWorkbook.from_path(source)
    out = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False})
    date_format = out.add_format({"num_format": "dd/mm/yyyy"})
    copied: list[str] = []
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()  # every cell is read
        if name in generated:
            columns: set[int] | None = None  # all of them
        elif name in marks:
            columns = set(marks[name].values())
        else:
            if name != REGLAS.label:
                copied.append(members[name])
            continue
        write_cells(out.add_worksheet(name), rows, date_format, columns)
    out.close()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as package:
        for member in copied:  # the team's sheets, as stored (decompressed and compressed again, as a zip library does)
            package.writestr(f"copia/{member}", archive.read(member))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
