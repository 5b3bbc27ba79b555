"""Round trip: any valid portfolio written and read back gives the same data, twice over."""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Literal

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cartera_xls
from cartera_xls.schema.sheets import NO, SI

from .conftest import HOY

SURROGATES: tuple[Literal["Cs"]] = ("Cs",)  # not encodable in a workbook
TRICKY = [
    "=1+1",
    "+34 600 000 000",
    "-5",
    "@SUM(A1)",
    "_x0041_",
    '=HYPERLINK("http://x")',
    "😀 cliente",
    "\tTab",
    "línea 1\nlínea 2",
    "123",
    "0034600111222",
]
LONG = ["é" * 32767, "x" * 32760 + "😀"]

text = st.one_of(
    st.sampled_from(TRICKY + LONG),
    st.text(st.characters(exclude_categories=SURROGATES), min_size=1, max_size=40),
).filter(lambda s: s.strip() != "")
optional_text = st.one_of(st.none(), text)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
cents = st.integers(min_value=-(10**9), max_value=10**9).map(lambda c: c / 100)


@st.composite
def portfolios(draw: Any) -> dict[str, Any]:
    ids = draw(st.lists(text.map(str.strip).filter(bool), min_size=1, max_size=6, unique_by=lambda s: s.casefold()))
    clients = [
        {
            "id": client_id,
            "name": draw(text),
            "company": draw(optional_text),
            "notes": draw(optional_text),
            "signup_date": draw(st.one_of(st.none(), dates)),
            "purchase_probability": draw(st.one_of(st.none(), st.integers(0, 100).map(lambda p: p / 100))),
            "self_initiated": draw(st.one_of(st.none(), st.booleans())),
        }
        for client_id in ids
    ]
    sales = [
        {"date": draw(dates), "client": draw(st.sampled_from(ids)), "product": draw(optional_text), "amount": draw(cents)}
        for _ in range(draw(st.integers(0, 6)))
    ]
    return {"clients": clients, "sales": sales}


CLIENT_HEADERS = {
    "id": "ID",
    "name": "Nombre",
    "company": "Empresa",
    "notes": "Notas",
    "signup_date": "Fecha de alta",
    "purchase_probability": "Probabilidad de compra",
    "self_initiated": "Compra por iniciativa propia",
}
SALE_HEADERS = {"date": "Fecha", "client": "Cliente", "product": "Producto", "amount": "Importe"}


def _write(path: Path, portfolio: dict[str, Any]) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, headers, rows in (("Clientes", CLIENT_HEADERS, portfolio["clients"]), ("Ventas", SALE_HEADERS, portfolio["sales"])):
        sheet = book.add_worksheet(name)
        for c, header in enumerate(headers.values()):
            sheet.write_string(0, c, header)
        for r, row in enumerate(rows, start=1):
            for c, key in enumerate(headers):
                value = row[key]
                if isinstance(value, bool):
                    sheet.write_string(r, c, SI if value else NO)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write_number(r, c, value)
    book.close()


def _dumped(cartera: cartera_xls.Cartera, sheet: str, keys: list[str]) -> list[dict[str, Any]]:
    return [{key: getattr(model, key) for key in keys} for model in cartera.models(sheet)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(portfolios())
def test_written_and_read_back_equal(portfolio: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "cartera.xlsx"
        _write(source, portfolio)
        first = cartera_xls.load(source, hoy=HOY)
        assert _dumped(first, "clientes", list(CLIENT_HEADERS)) == portfolio["clients"]
        assert _dumped(first, "ventas", list(SALE_HEADERS)) == portfolio["sales"]

        regenerated = Path(folder) / "regenerada.xlsx"
        first.save(regenerated)
        second = cartera_xls.load(regenerated, hoy=HOY)
        assert second.models("clientes") == first.models("clientes")
        assert second.models("ventas") == first.models("ventas")


def test_refresh_twice_gives_identical_data_sheets(basic_file: Path, tmp_path: Path) -> None:
    """The same data refreshed again gives the same workbook, byte for byte.

    The first refresh of a workbook without a Reglas sheet writes one; from then on it is the team's
    (patched, not regenerated), so the bytes settle from the second refresh on.
    """
    once, twice, thrice = tmp_path / "una.xlsx", tmp_path / "dos.xlsx", tmp_path / "tres.xlsx"
    cartera_xls.refresh(basic_file, once, hoy=HOY)
    cartera_xls.refresh(once, twice, hoy=HOY)
    cartera_xls.refresh(twice, thrice, hoy=HOY)
    from .conftest import cells

    for sheet in ("Clientes", "Ventas", "Revisar", "Reglas"):
        assert cells(twice, sheet) == cells(once, sheet), sheet
    assert twice.read_bytes() == thrice.read_bytes()
    with zipfile.ZipFile(once) as first, zipfile.ZipFile(twice) as second:
        sheets = [name for name in first.namelist() if name.startswith("xl/worksheets/sheet")]
        assert {name: first.read(name) for name in sheets} == {name: second.read(name) for name in sheets}


# --- every cell as typed, through refresh → refresh --------------------------------------------------------------
TEAM_HEADERS = ["Zona", "E-Mail", "NIF", "Código postal", " notas ", "Hora", "Total €", "Zona 2"]
FORMATS = ["General", "00000", "0.0%", "#,##0.00", "dd/mm/yyyy hh:mm", "hh:mm", "dd/mm/yyyy"]


@st.composite
def team_cells(draw: Any) -> Any:
    """A cell the team could type in a column of its own: text, a formatted number, a date-time, a time, a formula."""
    kind = draw(st.sampled_from(["text", "number", "datetime", "time", "formula", "blank"]))
    if kind == "text":
        return ("text", draw(text), None)
    if kind == "number":
        return ("number", draw(st.integers(-(10**6), 10**6)) / draw(st.sampled_from([1, 4, 100])), draw(st.sampled_from(FORMATS[:4])))
    if kind == "datetime":
        moment = dt.datetime.combine(draw(dates), dt.time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 45]))))
        return ("datetime", moment, draw(st.sampled_from(FORMATS[4:5] + FORMATS[6:])))
    if kind == "time":
        return ("time", dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))), "hh:mm")
    if kind == "formula":
        return ("formula", draw(st.sampled_from([("=1+2", 3), ('="a"&"b"', "ab"), ("=2>1", True), ("=NA()", "#N/A")])), None)
    return ("blank", None, None)


@st.composite
def sheets_as_typed(draw: Any) -> dict[str, Any]:
    headers = ["Nombre", *draw(st.lists(st.sampled_from(TEAM_HEADERS), min_size=1, max_size=4, unique=True))]
    rows: list[list[Any] | None] = []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()) and rows:
            rows.append(None)  # a blank row in the middle
            continue
        rows.append([("text", draw(text), None), *(draw(team_cells()) for _ in headers[1:])])
    return {"titles": draw(st.integers(0, 2)), "headers": headers, "rows": rows}


def _write_typed(path: Path, spec: dict[str, Any]) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    formats: dict[str, Any] = {}
    sheet = book.add_worksheet("Clientes")
    top = spec["titles"]
    for r in range(top):
        sheet.write_string(r, 0, f"Título {r}")
    for c, header in enumerate(spec["headers"]):
        sheet.write_string(top, c, header)
    for offset, row in enumerate(spec["rows"], start=1):
        for c, (kind, value, number_format) in enumerate(row or []):
            fmt = (
                None
                if number_format in (None, "General")
                else formats.setdefault(number_format, book.add_format({"num_format": number_format}))
            )
            r = top + offset
            if kind == "text":
                sheet.write_string(r, c, value)
            elif kind == "number":
                sheet.write_number(r, c, value, fmt)
            elif kind == "datetime":
                sheet.write_datetime(r, c, value, fmt)
            elif kind == "time":
                sheet.write_datetime(r, c, dt.datetime.combine(dt.date(1899, 12, 31), value), fmt)
            elif kind == "formula":
                sheet.write_formula(r, c, value[0], None, value[1])
    book.close()


def _typed_cells(path: Path, width: int) -> dict[str, tuple[Any, ...]]:
    """(value, type, number format, formula) of every non-empty cell of Clientes within the team's columns."""
    from openpyxl import load_workbook

    values, formulas = load_workbook(path, data_only=True)["Clientes"], load_workbook(path)["Clientes"]
    found = {}
    for row in formulas.iter_rows(max_col=width):
        for cell in row:
            if cell.value is not None:
                cached = values[cell.coordinate]
                found[cell.coordinate] = (cached.value, cached.data_type, cell.number_format, cell.value if cell.data_type == "f" else None)
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sheets_as_typed())
def test_every_cell_comes_back_as_typed(spec: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source, once, twice = (Path(folder) / name for name in ("cartera.xlsx", "una.xlsx", "dos.xlsx"))
        _write_typed(source, spec)
        cartera_xls.refresh(source, once, hoy=HOY)
        cartera_xls.refresh(once, twice, hoy=HOY)
        width = len(spec["headers"])
        before, after, again = (_typed_cells(path, width) for path in (source, once, twice))
        assert after == before  # every cell the team typed, as typed
        assert again == after  # and the next refresh changes nothing of it
