"""A workbook built the way people build them: everything read or reported, nothing dropped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

import cartera_xls
from cartera_xls.schema import messages

from .conftest import HOY, cells, column_values, sheet_names

FORMULA_NAME = '=HYPERLINK("http://ejemplo.com","clic")'


def _as_text(cell: openpyxl.cell.cell.Cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # openpyxl would otherwise store it as a formula


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "  CLIENTES "
    sheet["A1"] = "Cartera 2026 — Zona Norte"
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["ID", "NOMBRE", "EMPRESA", "TELEFONO", "E-MAIL", "FECHA DE ALTA", "Probabilidad", "Cumpleaños"])
    sheet.append(["C0001", "Ana Quispe", "Tienda Ana", "+51 900 111 222", "ana@ejemplo.pe", "05/03/2024", "70%", "12 de mayo"])
    sheet.append(["C0002", "placeholder", "Farmacia", "600 333 444", "luis@ejemplo.pe", "#N/A", "0,5", None])
    _as_text(sheet["B5"], FORMULA_NAME)
    sheet.append([])  # a blank row in the middle
    sheet.append([None, "Rosa Mamani", "Panadería Rosa", None, "rosa@ejemplo.pe", dt.datetime(2025, 1, 10), "baja", "3 de junio"])
    sheet.append(["C0004", "Pedro Oculto", "Oculto SA", None, None, "2025-02-01", None, None])
    sheet.row_dimensions[8].hidden = True
    sheet.append(["C0005", "Ana Quispe Dup", "Otra", None, "ANA@ejemplo.pe ", "31/02/2024", None, None])
    ventas = book.create_sheet("ventas")
    ventas.append(["FECHA", "CLIENTE", "IMPORTE", "PRODUCTO"])
    ventas.append(["01/10/2026", "C0001", "1.234,56", "Maca"])
    ventas.append([dt.datetime(2026, 9, 1), "Rosa Mamani", 80, "Stevia"])
    ventas.append(["15/10/2026", "Cliente Fantasma", "€ 300", "Quinua"])
    notes = book.create_sheet("Notas del equipo")
    notes.append(["Meta", 1000])
    notes.append(["Extra", 500])
    notes.append(["Total", "=SUM(B1:B2)"])
    path = tmp_path / "messy.xlsx"
    book.save(path)
    return path


def test_messy_workbook_read_and_reported(messy: Path, tmp_path: Path) -> None:
    cartera = cartera_xls.load(messy, hoy=HOY)
    clientes = cartera.clientes
    assert len(clientes) == 5  # the blank row is not a client; the hidden one is
    assert list(clientes["Nombre"]) == ["Ana Quispe", FORMULA_NAME, "Rosa Mamani", "Pedro Oculto", "Ana Quispe Dup"]
    assert clientes.loc[4, "Fecha de alta"] == dt.datetime(2024, 3, 5)
    assert clientes.loc[4, "Probabilidad de compra"] == pytest.approx(0.7)
    assert clientes.loc[7, "Probabilidad de compra"] == pytest.approx(0.2)
    assert clientes.loc[7, "ID"] == "C0006"  # assigned after the highest existing ID
    assert list(clientes["Cumpleaños"]) == ["12 de mayo", None, "3 de junio", None, None]
    assert cartera.ventas["Importe"].tolist() == pytest.approx([1234.56, 80.0, 300.0])

    found = {(p.sheet, p.row, p.column, p.message) for p in cartera.problems}
    assert ("  CLIENTES ", 5, "FECHA DE ALTA", messages.EXCEL_ERROR[0].format(value="#N/A")) in found
    assert ("  CLIENTES ", 9, "FECHA DE ALTA", messages.BAD_DATE[0].format(value="31/02/2024")) in found
    text_date = messages.TEXT_DATE[0].format(value="05/03/2024", date="05/03/2024")
    assert ("  CLIENTES ", 4, "FECHA DE ALTA", text_date) in found  # read, kept as typed, and worth converting
    assert ("ventas", 4, "CLIENTE", messages.UNKNOWN_CLIENT[0].format(value="Cliente Fantasma")) in found
    duplicate = messages.SUSPECTED_DUPLICATE[0].format(other=4, other_client="C0001 · Ana Quispe", reason=messages.DUPLICATE_REASON_EMAIL)
    assert ("  CLIENTES ", 9, "E-MAIL", duplicate) in found
    # Revisar names who each client-level problem is about.
    assert {(p.row, p.client) for p in cartera.problems if p.sheet == "  CLIENTES " and p.row in (5, 9)} == {
        (5, "C0002 · " + FORMULA_NAME),
        (9, "C0005 · Ana Quispe Dup"),
    }

    out = tmp_path / "salida.xlsx"
    cartera.save(out)
    assert sheet_names(out)[:4] == ["Resumen", "Agenda", "  CLIENTES ", "ventas"]  # the team's names
    rows = cells(out, "  CLIENTES ")
    assert rows[0][0] == "Cartera 2026 — Zona Norte"  # the title stays above the header
    assert rows[2][:6] == ["ID", "NOMBRE", "EMPRESA", "TELEFONO", "E-MAIL", "FECHA DE ALTA"]  # headers as typed
    names = column_values(out, "  CLIENTES ", "NOMBRE", header_row=3)
    assert names == ["Ana Quispe", FORMULA_NAME, None, "Rosa Mamani", "Pedro Oculto", "Ana Quispe Dup"]  # the blank row stays
    book = openpyxl.load_workbook(out)
    clientes = book["  CLIENTES "]
    assert clientes["B5"].data_type == "s"  # text, never a formula
    assert clientes.row_dimensions[8].hidden  # the hidden row stays hidden
    assert "A1:D1" in {str(merged) for merged in clientes.merged_cells.ranges}  # and the title stays merged
    assert column_values(out, "  CLIENTES ", "FECHA DE ALTA", header_row=3) == [
        "05/03/2024",  # a date typed as text stays as typed (read as 5 March 2024; Revisar suggests converting it)
        "#N/A",  # the error cell the user had, as it was; listed in Revisar
        None,
        dt.datetime(2025, 1, 10),
        "2025-02-01",  # text too, as typed
        "31/02/2024",
    ]
    assert column_values(out, "  CLIENTES ", "Cumpleaños", header_row=3) == ["12 de mayo", None, None, "3 de junio"]
    assert column_values(out, "  CLIENTES ", "ID", header_row=3) == ["C0001", "C0002", None, "C0006", "C0004", "C0005"]
    assert cells(out, "Notas del equipo") == [["Meta", 1000], ["Extra", 500], ["Total", "=SUM(B1:B2)"]]
    revisar = cells(out, "Revisar")
    assert revisar[0] == ["Hoja", "Fila", "Cliente", "Columna", "Valor", "Problema", "Qué hacer", "Gravedad"]
    assert ["ventas", 4, None, "CLIENTE", "Cliente Fantasma"] in [row[:5] for row in revisar]  # the column as the team calls it


def test_regenerated_messy_workbook_reads_the_same(messy: Path, tmp_path: Path) -> None:
    first = cartera_xls.load(messy, hoy=HOY)
    out = tmp_path / "salida.xlsx"
    first.save(out)
    second = cartera_xls.load(out, hoy=HOY)
    assert second.clientes.reset_index(drop=True).equals(first.clientes.reset_index(drop=True))
    assert second.ventas.reset_index(drop=True).equals(first.ventas.reset_index(drop=True))
    # The same problems, except the ID now written in the sheet.
    kept = {(p.message, p.value) for p in first.problems if p.severity != messages.SEVERITY_INFO}
    again = {(p.message, p.value) for p in second.problems if p.severity != messages.SEVERITY_INFO}
    assert again == kept


def test_team_columns_named_like_computed_ones_are_kept(tmp_path: Path) -> None:
    from .conftest import make_workbook

    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["Nombre", "Estado", "Semáforo"], ["Ana", "VIP", "azul"]]})
    cartera = cartera_xls.load(path, hoy=HOY)
    assert cartera.clientes.loc[2, "Estado"] == "VIP"  # the team's column keeps its name
    assert cartera.clientes.loc[2, "Semáforo"] == "azul"
    assert cartera.clientes.loc[2, "Estado (calculado)"] == "potencial"  # ours takes the suffix
    out = tmp_path / "salida.xlsx"
    cartera.save(out)
    assert cells(out, "Clientes")[0][:5] == ["Nombre", "Estado", "Semáforo", "ID", "Estado (calculado)"]  # new columns after theirs
    again = cartera_xls.load(out, hoy=HOY)  # ours now: computed columns recomputed, the team's kept
    assert again.clientes.loc[2, "Estado"] == "VIP"
    assert again.clientes.loc[2, "Estado (calculado)"] == "potencial"
    assert list(again.clientes.columns).count("Estado") == 1
