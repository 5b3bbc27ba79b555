"""Nothing the team typed is lost: every cell of the data sheets comes back as typed, in its row, under its header."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

import cartera_xls
from cartera_xls.schema import messages

from .conftest import HOY, Formula, cells, make_workbook
from .test_cli import run

TITLE_FORMULA = '="Cartera al "&TEXT(TODAY(),"dd/mm/yyyy")'


def excel_like(path: Path) -> Path:
    """A workbook as Excel saves one: formulas with their cached values, number formats, times, a blank row, a table."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    fmt = {code: book.add_format({"num_format": code}) for code in ("00000", "dd/mm/yyyy hh:mm", "hh:mm", "dd/mm/yyyy", "0.0")}
    clientes = book.add_worksheet("Clientes")
    clientes.write_formula(0, 0, TITLE_FORMULA, None, "Cartera al 02/11/2026")
    headers = ["ID", "Nombre", "Código postal", "Teléfono", "NIF", "E-Mail", "Total pedidos"]
    for col, header in enumerate(headers):
        clientes.write_string(2, col, header)
    rows = [
        (123, "Ana Quispe", 8001, 600111222, "B12345678", "ana@x.pe", 150.0),
        (124, None, 8002, 600333444, "B87654321", "luis@x.pe", 0.0),
        None,  # a blank row in the middle
        (3260034, "Rosa Mamani", 28004, 611222333, "B11111111", "rosa@x.pe", 80.0),
    ]
    for offset, row in enumerate(rows):
        r = 3 + offset
        if row is None:
            continue
        client_id, name, postal, phone, tax_id, email, total = row
        clientes.write_number(r, 0, client_id, fmt["00000"])
        if name is None:
            clientes.write_formula(r, 1, '=UPPER("luis garcía")', None, "LUIS GARCÍA")
        else:
            clientes.write_string(r, 1, name)
        clientes.write_number(r, 2, postal, fmt["00000"])
        clientes.write_number(r, 3, phone)
        clientes.write_string(r, 4, tax_id)
        clientes.write_string(r, 5, email)
        clientes.write_formula(r, 6, f"=SUMIF(Ventas!B:B,A{r + 1},Ventas!F:F)", fmt["0.0"], total)
    ventas = book.add_worksheet("Ventas")
    ventas.add_table(
        0,
        0,
        3,
        8,
        {
            "name": "TablaDelEquipo",
            "columns": [
                {"header": "Fecha"},
                {"header": "Código cliente"},
                {"header": "Producto"},
                {"header": "Uds."},
                {"header": "Precio"},
                {"header": "Importe"},
                {"header": "IVA incluido"},
                {"header": "Hora de entrega"},
                {"header": "Vence"},
            ],
        },
    )
    sales = [
        (dt.datetime(2026, 10, 2, 16, 45), 123, "Maca", 3, 50.0, dt.time(10, 30)),
        (dt.datetime(2026, 10, 20, 9, 0), 3260034, "Stevia", 2, 40.0, dt.time(17, 0)),
        (dt.datetime(2026, 9, 1), 123, "Quinua", 1, 0.0, None),
    ]
    for offset, (day, client, product, units, price, hour) in enumerate(sales):
        r = 1 + offset
        ventas.write_datetime(r, 0, day, fmt["dd/mm/yyyy hh:mm"])
        ventas.write_number(r, 1, client)
        ventas.write_string(r, 2, product)
        ventas.write_number(r, 3, units)
        ventas.write_number(r, 4, price)
        ventas.write_formula(r, 5, f"=D{r + 1}*E{r + 1}", None, units * price)
        if price:
            ventas.write_formula(r, 6, f"=F{r + 1}*1.21", None, round(units * price * 1.21, 2))
        else:
            ventas.write_formula(r, 6, "=NA()", None, "#N/A")  # the team's own column holds an error
        if hour is not None:
            ventas.write_datetime(r, 7, dt.datetime.combine(dt.date(1899, 12, 31), hour), fmt["hh:mm"])
        serial = (day.date() + dt.timedelta(days=30) - dt.date(1899, 12, 30)).days
        ventas.write_formula(r, 8, f"=INT(A{r + 1})+30", fmt["dd/mm/yyyy"], serial)  # a formula whose value is a date
    book.close()
    return path


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, cartera_xls.Cartera]:
    folder = tmp_path_factory.mktemp("fiel")
    source = excel_like(folder / "cartera.xlsx")
    out = folder / "salida.xlsx"
    result = cartera_xls.refresh(source, out, hoy=HOY)
    return source, out, result.cartera


def _cell(path: Path, sheet: str, ref: str, values: bool = False) -> openpyxl.cell.cell.Cell:
    book = openpyxl.load_workbook(path, data_only=values)
    return book[sheet][ref]


def test_formulas_come_back_as_formulas_with_their_values(refreshed: tuple[Path, Path, cartera_xls.Cartera]) -> None:
    _, out, cartera = refreshed
    formulas = openpyxl.load_workbook(out)
    values = openpyxl.load_workbook(out, data_only=True)  # opening it at all proves every cached value is valid OOXML
    assert formulas["Clientes"]["A1"].value == TITLE_FORMULA  # a title row's formula
    assert formulas["Clientes"]["G4"].value == "=SUMIF(Ventas!B:B,A4,Ventas!F:F)"  # the team's column
    assert values["Clientes"]["G4"].value == 150 and formulas["Clientes"]["G4"].number_format == "0.0"
    assert formulas["Clientes"]["B5"].value == '=UPPER("luis garcía")' and values["Clientes"]["B5"].value == "LUIS GARCÍA"
    assert [formulas["Ventas"][f"F{r}"].value for r in (2, 3, 4)] == ["=D2*E2", "=D3*E3", "=D4*E4"]  # the tool's own column
    assert [values["Ventas"][f"F{r}"].value for r in (2, 3, 4)] == [150, 80, 0]
    assert formulas["Ventas"]["G2"].value == "=F2*1.21" and values["Ventas"]["G4"].value == "#N/A"  # a cached error stays one
    assert formulas["Ventas"]["I2"].value == "=INT(A2)+30"
    assert values["Ventas"]["I2"].value == dt.datetime(2026, 11, 1)  # a date-valued formula keeps a valid date
    assert cartera.ventas["Importe"].tolist() == [150.0, 80.0, 0.0]  # the rules use the cached values
    assert cartera.clientes.loc[5, "Nombre"] == "LUIS GARCÍA"


def test_times_of_day_and_number_formats_come_back(refreshed: tuple[Path, Path, cartera_xls.Cartera]) -> None:
    _, out, _ = refreshed
    book = openpyxl.load_workbook(out)
    ventas, clientes = book["Ventas"], book["Clientes"]
    assert ventas["A2"].value == dt.datetime(2026, 10, 2, 16, 45) and ventas["A2"].number_format == "dd/mm/yyyy hh:mm"
    assert ventas["H2"].value == dt.time(10, 30) and ventas["H2"].number_format == "hh:mm"
    assert clientes["A4"].value == 123 and clientes["A4"].number_format == "00000"  # a number, still shown as 00123
    assert clientes["C4"].value == 8001 and clientes["C4"].number_format == "00000"  # a postal code
    assert clientes["D4"].value == 600111222 and clientes["D4"].data_type == "n"  # a phone stored as a number
    assert ventas["B3"].value == 3260034 and ventas["B3"].data_type == "n"  # a numeric client code


def test_headers_rows_and_names_stay_where_they_were(refreshed: tuple[Path, Path, cartera_xls.Cartera]) -> None:
    source, out, cartera = refreshed
    before, after = cells(source, "Clientes"), cells(out, "Clientes")
    assert after[2][:7] == ["ID", "Nombre", "Código postal", "Teléfono", "NIF", "E-Mail", "Total pedidos"]
    assert cells(out, "Ventas")[0][:9] == before_ventas_header(source)
    assert all(value is None for value in after[5][:7])  # the blank row stays blank…
    assert after[6][:2] == [3260034, "Rosa Mamani"]  # …and the client below it stays on row 7
    assert before[6][:2] == after[6][:2]
    book = openpyxl.load_workbook(out)
    assert "TablaDelEquipo" in book["Ventas"].tables  # the team's table name, so its structured references still work
    assert book["Ventas"].tables["TablaDelEquipo"].ref == "A1:I4"  # covering every row
    assert not book["Clientes"].tables and book["Clientes"].auto_filter.ref is None  # the team made neither: the tool adds none
    assert cartera.clientes.loc[7, "Facturación total"] == 80.0  # 3260034 in Ventas found 3260034 in Clientes


def before_ventas_header(source: Path) -> list[Any]:
    return cells(source, "Ventas")[0][:9]


def test_every_team_cell_survives_a_second_refresh(refreshed: tuple[Path, Path, cartera_xls.Cartera], tmp_path: Path) -> None:
    _, out, _ = refreshed
    again = tmp_path / "otra_vez.xlsx"
    cartera_xls.refresh(out, again, hoy=HOY)
    for sheet in ("Clientes", "Ventas"):
        first, second = openpyxl.load_workbook(out)[sheet], openpyxl.load_workbook(again)[sheet]
        for row in first.iter_rows():
            for cell in row:
                twin = second[cell.coordinate]
                assert (twin.value, twin.data_type, twin.number_format) == (cell.value, cell.data_type, cell.number_format), cell.coordinate


def test_a_formula_without_a_cached_value_keeps_its_formula(tmp_path: Path) -> None:
    path = make_workbook(  # openpyxl writes formulas without cached values, as scripts do
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre", "Doble"], ["C1", Formula('="Ana"&" Quispe"'), Formula("=2*2")], ["C2", "Luis", Formula("=3*2")]],
            "Ventas": [["Fecha", "Cliente", "Cantidad", "Precio", "Importe"], [dt.datetime(2026, 10, 1), "C2", 2, 5, Formula("=C2*D2")]],
        },
    )
    cartera = cartera_xls.load(path, hoy=HOY)
    out = tmp_path / "salida.xlsx"
    cartera.save(out)
    book = openpyxl.load_workbook(out)
    assert book["Clientes"]["B2"].value == '="Ana"&" Quispe"'  # not an empty cell
    assert book["Clientes"]["C2"].value == "=2*2" and book["Ventas"]["E2"].value == "=C2*D2"
    uncalculated = [p for p in cartera.problems if p.message.startswith("1 celda(s) con fórmula")]
    assert [(p.sheet, p.row, p.column) for p in uncalculated] == [("Clientes", 2, "Nombre"), ("Ventas", 2, "Importe")]
    assert all(p.hint == messages.FORMULA_WITHOUT_VALUE[1] for p in uncalculated)
    again = cartera_xls.load(out, hoy=HOY)  # and a second refresh keeps them still
    again.save(tmp_path / "dos.xlsx")
    assert openpyxl.load_workbook(tmp_path / "dos.xlsx")["Clientes"]["B2"].value == '="Ana"&" Quispe"'


def test_repeated_headers_keep_both_columns_and_the_header_row(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [
                ["Nombre", "Zona", "zona", "Importe", "Importe"],
                ["Ana", "Norte", "N1", 10, 20],
                ["Nombre", "Zona", "zona", "Importe", "Importe"],  # the header pasted again
                ["Luis", "Sur", "S1", 30, 40],
            ]
        },
    )
    code, _, err = run("refresh", str(path), "--hoy", HOY.isoformat())
    assert (code, err) == (0, "")
    assert cells(path, "Clientes")[0][:5] == ["Nombre", "Zona", "zona", "Importe", "Importe"]  # never an empty header
    book = openpyxl.load_workbook(path)
    assert not book["Clientes"].tables and book["Clientes"].auto_filter.ref is None  # the sheet is the team's: no table, no filters
    cartera = cartera_xls.load(path, hoy=HOY)
    assert cartera.clientes["Nombre"].tolist() == ["Ana", "Luis"]  # the repeated header is not a client
    found = {(p.row, p.message) for p in cartera.problems}
    assert (3, messages.REPEATED_HEADER[0]) in found
    assert (1, messages.DUPLICATE_COLUMN[0].format(column="zona")) in found
    assert (1, messages.DUPLICATE_COLUMN[0].format(column="Importe")) in found
    assert run("refresh", str(path), "--hoy", HOY.isoformat())[0] == 0  # and the next refresh reads it again


def test_empty_columns_are_not_given_invented_headers(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["Nombre", *[None] * 100, "Notas"], ["Ana", *[None] * 100, "VIP"]]})
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(path, out, hoy=HOY)
    header = cells(out, "Clientes")[0]
    assert header[0] == "Nombre" and header[101] == "Notas"
    assert all(value is None for value in header[1:101])
    assert not any(isinstance(value, str) and value.startswith("Columna") for value in header)


def test_revisar_rows_are_the_rows_of_the_output(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["Nombre", "Fecha de alta"], ["Ana", None], [], [], ["Luis", "ayer"]]})
    out = tmp_path / "salida.xlsx"
    cartera = cartera_xls.refresh(path, out, hoy=HOY).cartera
    problem = next(p for p in cartera.problems if p.column == "Fecha de alta")
    assert problem.row == 5 and cells(out, "Clientes")[problem.row - 1][:2] == ["Luis", "ayer"]


def _strict(source: Path, target: Path) -> Path:
    """The same workbook as Excel's «Strict Open XML Spreadsheet» names its parts."""
    replacements = [
        (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
        (
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        ),
    ]
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            for old, new in replacements:
                data = data.replace(old, new)
            copy.writestr(item, data)
    return target


def test_strict_open_xml_reads_like_transitional(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    sheet = book.add_worksheet("Clientes")
    for col, header in enumerate(["Nombre", "Fecha de alta", "Notas"]):
        sheet.write_string(0, col, header)
    sheet.write_string(1, 0, "Ana")
    sheet.write_formula(1, 1, "=NA()", None, "#N/A")
    sheet.write_string(1, 2, "VIP")
    notes = book.add_worksheet("Notas del equipo")
    notes.write_formula(0, 0, "=1+1", None, 2)
    book.close()
    strict = _strict(tmp_path / "t.xlsx", tmp_path / "estricto.xlsx")
    assert b"purl.oclc.org" in zipfile.ZipFile(strict).read("xl/workbook.xml")
    cartera = cartera_xls.load(strict, hoy=HOY)
    errors = [(p.row, p.column, p.message) for p in cartera.errors()]
    assert errors == [(2, "Fecha de alta", messages.EXCEL_ERROR[0].format(value="#N/A"))]  # an error, not a missing value
    out = tmp_path / "salida.xlsx"
    cartera.save(out)
    assert openpyxl.load_workbook(out)["Clientes"]["B2"].value == "=NA()"
    assert cells(out, "Notas del equipo") == [["=1+1"]]


def test_the_1904_date_system_is_kept(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "c.xlsx"), {"date_1904": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Clientes")
    sheet.write_row(0, 0, ["Nombre", "Fecha de alta", "Cumpleaños"])
    sheet.write_string(1, 0, "Ana")
    sheet.write_datetime(1, 1, dt.datetime(2024, 3, 5), date_format)
    sheet.write_datetime(1, 2, dt.datetime(1990, 7, 1), date_format)
    book.close()
    cartera = cartera_xls.load(tmp_path / "c.xlsx", hoy=HOY)
    assert cartera.clientes.loc[2, "Fecha de alta"] == dt.datetime(2024, 3, 5)
    out = tmp_path / "salida.xlsx"
    cartera.save(out)
    assert re.search(rb'date1904="(1|true)"', zipfile.ZipFile(out).read("xl/workbook.xml"))
    values = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Clientes").to_python()
    assert values[1][1:3] == [dt.date(2024, 3, 5), dt.date(1990, 7, 1)]
    assert cartera_xls.load(out, hoy=HOY).clientes.loc[2, "Próximo contacto"] is not None
