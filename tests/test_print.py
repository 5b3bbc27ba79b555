"""Issue 16: the regenerated workbook prints like a report (read back with openpyxl; LibreOffice counts the pages)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

import cartera_xls
from cartera_xls.demo import FIXED_HOY, build_plantillas, generate, write_input
from cartera_xls.schema import messages
from cartera_xls.schema.sheets import INSTRUCCIONES, LISTAS

from .conftest import make_workbook

A4 = 9
TEAM_SHEET = "Metas del equipo"  # the demo's own sheet: printed as the team set it up
TABLE_SHEETS = {"Agenda", "Clientes", "Ventas", "Seguimiento", "Oportunidades", "Encuestas", "Reclamos", "Revisar", "Reglas"}


def _one_client(tmp_path: Path) -> Path:
    return make_workbook(tmp_path / "uno.xlsx", {"Clientes": [["Nombre"], ["Ana"]]})


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """What the team had before the refresh (the empty template has nothing before it)."""
    folder = tmp_path_factory.mktemp("antes")
    demo = folder / "demo.xlsx"
    write_input(generate(FIXED_HOY), demo)  # what build_plantillas refreshes
    return {"demo": demo, "un cliente": _one_client(folder)}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, inputs: dict[str, Path]) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("print")
    template, demo = build_plantillas(folder)
    one = cartera_xls.refresh(inputs["un cliente"], folder / "uno_out.xlsx", hoy=FIXED_HOY).written
    return {"demo": demo, "vacía": template, "un cliente": one}


def _print_settings(sheet: Any) -> tuple[Any, ...]:
    setup, fit = sheet.page_setup, sheet.sheet_properties.pageSetUpPr
    footer = f"&L{sheet.oddFooter.left.text}&C{sheet.oddFooter.center.text}&R{sheet.oddFooter.right.text}"
    return (
        fit.fitToPage if fit else None,
        setup.fitToWidth,
        setup.fitToHeight,
        setup.paperSize,
        setup.orientation,
        footer,
        sheet.print_title_rows,
    )


@pytest.mark.parametrize("which", ["demo", "vacía", "un cliente"])
def test_every_sheet_prints_one_page_wide_with_its_header_and_a_footer(
    printed: dict[str, Path], inputs: dict[str, Path], which: str
) -> None:
    """The tool's sheets print like a report; the team's data sheets print as the team set them up (the tool owns cells)."""
    book = openpyxl.load_workbook(printed[which])
    before = openpyxl.load_workbook(inputs[which]) if which in inputs else None
    footer = messages.PRINT_FOOTER.format(hoy=FIXED_HOY.strftime("%d/%m/%Y"))
    for sheet in book.worksheets:
        if sheet.title in (LISTAS, TEAM_SHEET):
            continue
        if before is not None and sheet.title in before.sheetnames:
            assert _print_settings(sheet) == _print_settings(before[sheet.title]), sheet.title
            continue
        setup = sheet.page_setup
        assert sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), sheet.title  # one page wide, as long as it needs
        assert int(setup.paperSize) == A4, sheet.title
        assert setup.orientation == ("portrait" if sheet.title == INSTRUCCIONES else "landscape"), sheet.title
        shown = f"&L{sheet.oddFooter.left.text}&C{sheet.oddFooter.center.text}&R{sheet.oddFooter.right.text}"
        assert shown == footer, sheet.title
        if sheet.title in TABLE_SHEETS and sheet.title in book.sheetnames:
            assert sheet.print_title_rows, sheet.title  # the header row on every page


def test_the_agenda_starts_a_page_for_each_salesperson(printed: dict[str, Path]) -> None:
    agenda = openpyxl.load_workbook(printed["demo"])["Agenda"]
    header_row = next(row for row in range(1, 10) if agenda.cell(row, 1).value == "Fecha")
    salespeople = [agenda.cell(row, 2).value for row in range(header_row + 1, agenda.max_row + 1)]
    changes = [header_row + offset for offset in range(1, len(salespeople)) if salespeople[offset] != salespeople[offset - 1]]
    assert len(set(salespeople)) == 3
    assert [brk.id for brk in agenda.row_breaks.brk] == changes  # a break after the last row of each salesperson


def thirteen_clients(folder: Path) -> Path:
    """A small team's workbook with every sheet present: 13 clients, their sales, contacts, surveys and complaints."""
    source = folder / "trece_entrada.xlsx"
    write_input(generate(FIXED_HOY, clients=13), source)
    return cartera_xls.refresh(source, folder / "trece.xlsx", hoy=FIXED_HOY).written


def test_a_small_workbook_has_every_sheet(tmp_path: Path) -> None:
    names = openpyxl.load_workbook(thirteen_clients(tmp_path), read_only=True).sheetnames
    for sheet in ("Resumen", "Agenda", "Clientes", "Ventas", "Seguimiento", "Oportunidades", "Encuestas", "Reclamos", "Revisar"):
        assert sheet in names
