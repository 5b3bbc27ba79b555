"""What the workbook says is true, round two (issue 24): the team's currency, real lifts, honest periods."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import cartera_xls
from cartera_xls.ooxml import currency_symbol
from cartera_xls.styles import money_format
from cartera_xls.template import write_template

from .conftest import HOY, make_workbook


def ago(days: int) -> dt.datetime:
    return dt.datetime.combine(HOY, dt.time()) - dt.timedelta(days=days)


# --- 6: the team's currency ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number_format", "symbol"),
    [
        ("#,##0.00 [$€-C0A]", "€"),  # Excel's «Moneda» in Spanish (Spain)
        ('"S/" #,##0.00', "S/"),
        ("[$$-409]#,##0.00", "$"),
        ("[$USD] #,##0", "USD"),
        ('#,##0 "COP"', "COP"),
        ('"£"#,##0.00', "£"),
        ("\\€#,##0", "€"),
        ("$#,##0.00_);($#,##0.00)", "$"),
        ("[$-409]#,##0.00", None),  # a locale, no currency
        ("#,##0.00", None),
        ("dd/mm/yyyy", None),
        ('0 "días"', "días"),  # a quoted word is taken as said: only the Importe column is asked
    ],
)
def test_the_currency_a_number_format_shows(number_format: str, symbol: str | None) -> None:
    assert currency_symbol(number_format) == symbol


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("", "#,##0.00"), ("€", '#,##0.00 "€"'), ("S/", '"S/" #,##0.00'), ("$", '"$" #,##0.00'), ("USD", '#,##0.00 "USD"')],
)
def test_money_formats(currency: str, expected: str) -> None:
    assert money_format(currency) == expected


def _sales_workbook(path: Path, importe_format: str | None, reglas: list[list[Any]] | None = None) -> Path:
    sheets: dict[str, list[list[Any]]] = {
        "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
        "Ventas": [["Fecha", "Cliente", "Importe"], [ago(10), "C1", 1449767320.45], [ago(40), "C1", 20.0]],
    }
    if reglas is not None:
        sheets["Reglas"] = reglas
    make_workbook(path, sheets)
    if importe_format is not None:
        book = openpyxl.load_workbook(path)
        for (cell,) in book["Ventas"].iter_rows(min_row=2, min_col=3, max_col=3):
            cell.number_format = importe_format
        book.save(path)
    return path


def _facturacion_format(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    sheet = book["Clientes"]
    header = [cell.value for cell in sheet[1]]
    return str(sheet.cell(2, header.index("Facturación total") + 1).number_format)


def test_without_a_currency_amounts_have_no_symbol(tmp_path: Path) -> None:
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(_sales_workbook(tmp_path / "c.xlsx", None), out, hoy=HOY)
    assert _facturacion_format(out) == "#,##0.00"  # Colombian pesos were shown as «1.449.767.320,45 €»


def test_the_teams_importe_format_is_the_guess(tmp_path: Path) -> None:
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(_sales_workbook(tmp_path / "c.xlsx", "[$$-409]#,##0.00"), out, hoy=HOY)
    assert _facturacion_format(out) == '"$" #,##0.00'
    assert cartera_xls.load(out, hoy=HOY).refreshed.parameters.moneda == "$"


def test_reglas_names_the_currency_over_the_guess(tmp_path: Path) -> None:
    reglas = [["Parámetro", "Valor"], ["moneda", "COP"]]
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(_sales_workbook(tmp_path / "c.xlsx", "[$$-409]#,##0.00", reglas), out, hoy=HOY)
    assert _facturacion_format(out) == '#,##0.00 "COP"'
    # The Resumen's money cells too.
    book = openpyxl.load_workbook(out)
    formats = {cell.number_format for row in book["Resumen"].iter_rows() for cell in row if isinstance(cell.value, float)}
    assert '#,##0.00 "COP"' in formats and not any("€" in code for code in formats)


def test_init_and_demo_say_their_currency(tmp_path: Path) -> None:
    template = write_template(tmp_path / "nueva.xlsx")
    rows = {row[0]: row[1] for row in openpyxl.load_workbook(template)["Reglas"].iter_rows(min_row=2, values_only=True)}
    assert rows["moneda"] == "€"
    demo = Path(__file__).parent.parent / "plantillas" / "cartera_demo.xlsx"
    book = openpyxl.load_workbook(demo)
    assert {row[0]: row[1] for row in book["Reglas"].iter_rows(min_row=2, values_only=True)}["moneda"] == "S/"
    ventas = book["Ventas"]
    header = [cell.value for cell in ventas[1]]
    assert ventas.cell(2, header.index("Importe") + 1).number_format == '"S/" #,##0.00'  # Ventas shows the currency too
