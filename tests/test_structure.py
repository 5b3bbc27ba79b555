"""What makes Excel show its repair dialog, checked on every kind of generated workbook."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from cartera_xls.demo import build_plantillas
from cartera_xls.schema.sheets import LIST_NAME_PREFIX

from .test_golden import CASES, GOLDEN


def _workbooks(tmp_path: Path) -> list[Path]:
    import cartera_xls

    from .conftest import HOY

    paths = build_plantillas(tmp_path / "plantillas")
    for case in CASES:
        out = tmp_path / f"{case}.xlsx"
        cartera_xls.refresh(GOLDEN / case / "entrada.xlsx", out, hoy=HOY)
        paths.append(out)
    return paths


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return _workbooks(tmp_path_factory.mktemp("estructura"))


def test_tables_have_unique_headers_and_do_not_overlap(workbooks: list[Path]) -> None:
    for path in workbooks:
        book = openpyxl.load_workbook(path)
        names: set[str] = set()
        for sheet in book.worksheets:
            areas = []
            for table in sheet.tables.values():
                assert table.name not in names, f"{path.name}: table name {table.name} repeated"
                names.add(table.name)
                headers = [column.name for column in table.tableColumns]
                assert len(headers) == len({h.casefold() for h in headers}), f"{path.name}/{sheet.title}: {headers}"
                min_col, min_row, max_col, max_row = range_boundaries(table.ref)
                assert max_row > min_row, f"{path.name}/{sheet.title}: a header-only table"
                cells = [sheet.cell(min_row, c).value for c in range(min_col, max_col + 1)]
                assert cells == headers, f"{path.name}/{sheet.title}: header cells differ from the table's"
                areas.append((min_col, min_row, max_col, max_row))
            for i, a in enumerate(areas):
                for b in areas[i + 1 :]:
                    assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], f"{path.name}/{sheet.title}: overlapping tables"


def test_every_dropdown_points_at_an_existing_list(workbooks: list[Path]) -> None:
    for path in workbooks:
        book = openpyxl.load_workbook(path)
        lists = book["Listas"]
        found = 0
        for sheet in book.worksheets:
            for validation in sheet.data_validations.dataValidation:
                # each dropdown reads a hidden workbook name of the tool's, which points at its column of Listas
                name = book.defined_names.get(validation.formula1 or "")
                assert name is not None and name.hidden and (validation.formula1 or "").startswith(LIST_NAME_PREFIX), validation.formula1
                match = re.fullmatch(r"'?Listas'?!\$([A-Z]+)\$2:\$([A-Z]+)\$(\d+)", name.attr_text)
                assert match, f"{path.name}/{sheet.title}: {validation.formula1} = {name.attr_text}"
                column, last = match.group(1), int(match.group(3))
                values = [lists[f"{column}{row}"].value for row in range(2, last + 1)]
                assert all(v not in (None, "") for v in values), f"{path.name}: empty entries in {validation.formula1}"
                found += 1
        assert found >= (3 if path.parent.name == "plantillas" else 1), path.name
        assert lists.sheet_state == "hidden"


def test_no_formula_comes_from_user_text(workbooks: list[Path]) -> None:
    """The only formulas are the error constants the user had and formulas of the team's own sheets."""
    for path in workbooks:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        assert re.fullmatch(r"=#(N/A|REF!|DIV/0!|VALUE!|NAME\?|NUM!|NULL!)", str(cell.value)) or sheet.title not in (
                            "Clientes",
                            "Ventas",
                            "Seguimiento",
                            "Revisar",
                            "Agenda",
                            "Reglas",
                        ), f"{path.name}/{sheet.title}!{cell.coordinate}: {cell.value}"
