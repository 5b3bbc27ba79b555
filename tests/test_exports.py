"""Issue 15: what the team already has (a billing or shop export, English or Spanish headers) becomes a portfolio.

Each style is a small hand-made export as the systems write them, plus one
real public export (the UCI "Online Retail" invoices of 09/12/2011, see
``data/FUENTES.md``) whose figures are recomputed here with pandas.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from cartera_xls import load
from cartera_xls.cli import main
from cartera_xls.schema import header_key, messages

from .conftest import cells, column_values, make_workbook, sheet_names

DATA = Path(__file__).parent / "data"
UCI = DATA / "online_retail_2011-12-09.csv"
UCI_DAY = dt.date(2011, 12, 9)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def uci_by_pandas() -> pd.DataFrame:
    """Clients, revenue and last purchase of the UCI day, computed independently of the tool."""
    frame = pd.read_csv(UCI, parse_dates=["InvoiceDate"]).dropna(subset=["CustomerID"])
    frame["ID"] = frame["CustomerID"].astype(int).astype(str)
    frame["amount"] = frame["Quantity"] * frame["UnitPrice"]  # cancellations carry negative quantities
    purchases = frame[frame["amount"] > 0]
    return pd.DataFrame(
        {"revenue": frame.groupby("ID")["amount"].sum(), "last": purchases.groupby("ID")["InvoiceDate"].max().dt.normalize()}
    )


def uci_as_xlsx(path: Path) -> Path:
    """The same export as the shop's Excel download: one sheet named after the data set, typed cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Online Retail"
    with UCI.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        sheet.append(next(reader))
        for invoice, code, description, quantity, date, price, customer, country in reader:
            sheet.append(
                [
                    invoice,
                    code,
                    description,
                    int(quantity),
                    dt.datetime.fromisoformat(date),
                    float(price),
                    float(customer) if customer else None,
                    country,
                ]
            )
    book.save(path)
    return path


def assert_matches_pandas(clients: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = clients.set_index("ID")
    assert sorted(got.index) == sorted(expected.index)
    for client, row in expected.iterrows():
        assert got.at[client, "Facturación total"] == pytest.approx(row["revenue"], abs=0.005), client
        if pd.notna(row["last"]):
            assert got.at[client, "Última compra"] == row["last"], client


@pytest.mark.parametrize("style", ["csv", "xlsx"])
def test_a_real_english_export_alone_matches_pandas(tmp_path: Path, style: str) -> None:
    source = UCI if style == "csv" else uci_as_xlsx(tmp_path / "online_retail.xlsx")
    cartera = load(source, hoy=UCI_DAY)
    expected = uci_by_pandas()
    assert len(expected) == 38
    assert_matches_pandas(cartera.clientes, expected)
    # The 80,995-unit order and its cancellation leave that client at zero.
    assert cartera.clientes.set_index("ID").at["16446", "Facturación total"] == pytest.approx(0, abs=0.005)
    kinds = [problem.message for problem in cartera.problems]
    assert messages.CLIENTS_FROM_SALES[0].format(source=source.stem if style == "csv" else "Online Retail") in kinds
    # A readable Revisar: the 1,008 lines without a customer are one row plus three examples.
    assert len(cartera.revisar) < 20
    assert any(text.startswith("En 1.008 filas (") for text in cartera.revisar["Problema"])


def test_the_export_refreshed_is_a_portfolio_the_next_refresh_reads(tmp_path: Path) -> None:
    out = tmp_path / "cartera.xlsx"
    code, printed, _ = run("refresh", str(UCI), "-o", str(out), "--hoy", UCI_DAY.isoformat())
    assert code == 0  # lines without a customer are listed to review; nothing is refused
    assert "Clientes: 38" in printed
    names = sheet_names(out)
    assert "Clientes" in names and "online_retail_2011-12-09" in names
    sales = cells(out, "online_retail_2011-12-09")
    header = sales[0]
    amount = header.index("Importe")
    # The amount the export lacked is a formula of the row's own cells.
    quantity, price = (openpyxl.utils.get_column_letter(header.index(name) + 1) for name in ("Quantity", "UnitPrice"))
    assert sales[1][amount] == f"={quantity}2*{price}2"
    assert len(sales) == 1633  # every line kept, those without a customer too
    assert len(column_values(out, "Clientes", "ID")) == 38
    again = load(out, hoy=UCI_DAY)
    assert_matches_pandas(again.clientes, uci_by_pandas())
    assert not any(problem.message.startswith("Sin columna Importe") for problem in again.problems)


SUPERSTORE_HEADER = [
    "Row ID", "Order ID", "Order Date", "Ship Date", "Ship Mode", "Customer ID", "Customer Name", "Segment", "Country",
    "City", "State", "Postal Code", "Region", "Product ID", "Category", "Sub-Category", "Product Name", "Sales",
    "Quantity", "Discount", "Profit",
]  # fmt: skip


def superstore(path: Path) -> Path:
    """Tableau's "Superstore" layout: Orders (one line per product), Returns, People; no client sheet."""
    lines = [
        (
            "CA-2016-152156",
            dt.datetime(2016, 11, 8),
            "CG-12520",
            "Claire Gute",
            "Consumer",
            "Henderson",
            "Kentucky",
            "South",
            "Bookcases",
            261.96,
        ),
        (
            "CA-2016-152156",
            dt.datetime(2016, 11, 8),
            "CG-12520",
            "Claire Gute",
            "Consumer",
            "Henderson",
            "Kentucky",
            "South",
            "Chairs",
            731.94,
        ),
        (
            "CA-2016-138688",
            dt.datetime(2016, 6, 12),
            "DV-13045",
            "Darrin Van Huff",
            "Corporate",
            "Los Angeles",
            "California",
            "West",
            "Labels",
            14.62,
        ),
        (
            "US-2015-108966",
            dt.datetime(2015, 10, 11),
            "SO-20335",
            "Sean O'Donnell",
            "Consumer",
            "Fort Lauderdale",
            "Florida",
            "South",
            "Tables",
            957.5775,
        ),
        (
            "CA-2017-115812",
            dt.datetime(2017, 6, 9),
            "CG-12520",
            "Claire Gute",
            "Home Office",
            "Louisville",
            "Kentucky",
            "South",
            "Phones",
            100.0,
        ),
    ]
    rows: list[list[Any]] = [SUPERSTORE_HEADER]
    for number, (order, date, client, name, segment, city, state, region, product, sales) in enumerate(lines, 1):
        rows.append(
            [number, order, date, date + dt.timedelta(days=3), "Second Class", client, name, segment, "United States", city,
             state, 42420, region, f"FUR-{number}", "Furniture", product, f"{product} X", sales, 2, 0, 10.5]
        )  # fmt: skip
    return make_workbook(path, {"Orders": rows, "Returns": [["Returned", "Order ID"], ["Yes", "US-2015-108966"]]})


def test_an_english_orders_sheet_gives_clients_with_what_their_latest_line_says(tmp_path: Path) -> None:
    path = superstore(tmp_path / "superstore.xlsx")
    cartera = load(path, hoy=dt.date(2017, 12, 31))
    clients = cartera.clientes.set_index("ID")
    assert list(clients.index) == ["CG-12520", "DV-13045", "SO-20335"]
    assert clients.at["CG-12520", "Nombre"] == "Claire Gute"
    assert clients.at["CG-12520", "Facturación total"] == pytest.approx(261.96 + 731.94 + 100.0)
    assert clients.at["CG-12520", "Última compra"] == pd.Timestamp(2017, 6, 9)  # Order Date, not Ship Date
    model = cartera.models("clientes")[0].model_dump()
    # Taken from the most recent line that has them: she moved to Louisville and is now Home Office.
    assert tuple(model[key] for key in ("city", "region", "country", "segment")) == (
        "Louisville",
        "Kentucky",
        "United States",
        "Home Office",
    )
    # State and Region are both read (State as the region, Region as a column of the team's): not a duplicate.
    assert [problem.message for problem in cartera.problems] == [messages.CLIENTS_FROM_SALES[0].format(source="Orders")]
    out = tmp_path / "out.xlsx"
    assert run("refresh", str(path), "-o", str(out), "--hoy", "2017-12-31")[0] == 0
    orders = cells(out, "Orders")
    assert orders[0][: len(SUPERSTORE_HEADER)] == SUPERSTORE_HEADER  # the export's own headers, in place
    assert "Returns" in sheet_names(out)


def billing_files(tmp_path: Path) -> tuple[Path, Path]:
    """A Latin American billing system's two downloads: the client list and the month's sales, each on «Hoja1»."""
    clients = make_workbook(
        tmp_path / "clientes.xlsx",
        {
            "Hoja1": [
                ["Cod. Cliente", "NOMBRECLIENTE", "NIF20", "TELEFONO1", "E-Mail", "CIUDAD"],
                ["C001", "Ferretería Ramírez", "900123456-7", 3104567890, "ramirez@correo.co", "Medellín"],
                ["C002", "Distribuciones Ortega", "800765432-1", 3209876543, "ortega@correo.co", "Cali"],
            ]
        },
    )
    sales = make_workbook(
        tmp_path / "ventas.xlsx",
        {
            "Hoja1": [
                ["FECHA", "Cod. Cliente", "Descripción", "Uds.", "Precio unitario", "Nº factura"],
                [dt.datetime(2025, 5, 2), "C001", "Tornillos 3/8", 100, 1.5, "F-101"],
                [dt.datetime(2025, 5, 9), "C002", "Pintura blanca", 4, 25, "F-102"],
                [dt.datetime(2025, 5, 20), "C001", "Brocas", 10, 3.2, "F-103"],
            ]
        },
    )
    return clients, sales


def test_a_client_list_and_a_sales_ledger_in_two_files_make_one_workbook(tmp_path: Path) -> None:
    clients, sales = billing_files(tmp_path)
    out = tmp_path / "cartera.xlsx"
    code, printed, err = run("refresh", str(clients), "--ventas", str(sales), "-o", str(out), "--hoy", "2025-06-01")
    assert (code, err) == (0, "")
    assert "Clientes: 2" in printed
    names = sheet_names(out)
    assert "Hoja1" in names and "Ventas" in names  # the client list keeps its name; the ledger's «Hoja1» is taken
    client_rows = cells(out, "Hoja1")
    assert client_rows[0][:6] == ["Cod. Cliente", "NOMBRECLIENTE", "NIF20", "TELEFONO1", "E-Mail", "CIUDAD"]
    assert client_rows[1][3] == 3104567890  # a phone stored as a number stays a number
    ledger = cells(out, "Ventas")
    assert ledger[0] == ["FECHA", "Cod. Cliente", "Descripción", "Uds.", "Precio unitario", "Nº factura", "Importe"]
    assert [row[6] for row in ledger[1:]] == ["=D2*E2", "=D3*E3", "=D4*E4"]
    cartera = load(out, hoy=dt.date(2025, 6, 1))
    revenue = cartera.clientes.set_index("ID")["Facturación total"]
    assert revenue.to_dict() == pytest.approx({"C001": 100 * 1.5 + 10 * 3.2, "C002": 4 * 25})
    assert cartera.models("clientes")[0].model_dump()["tax_id"] == "900123456-7"
    # Read again, the workbook is one file: no --ventas, nothing found twice.
    assert run("validate", str(out), "--hoy", "2025-06-01")[0] == 0


def test_the_sales_file_may_be_a_csv_with_semicolons_and_month_first_dates(tmp_path: Path) -> None:
    clients, _ = billing_files(tmp_path)
    sales = tmp_path / "ventas.csv"
    sales.write_text("Date;Customer;Amount\n12/31/2024;C001;10\n01/05/2025;C001;5\n02/14/2025;C002;7.5\n", encoding="utf-8")
    cartera = load(clients, hoy=dt.date(2025, 6, 1), ventas=sales)
    last = cartera.clientes.set_index("ID")["Última compra"]
    assert pd.Timestamp(last["C001"]) == pd.Timestamp(2025, 1, 5)  # 5 January: 12/31 shows the month comes first
    assert pd.Timestamp(last["C002"]) == pd.Timestamp(2025, 2, 14)


def test_day_first_dates_in_a_csv_stay_day_first(tmp_path: Path) -> None:
    sales = tmp_path / "facturas.csv"
    sales.write_bytes("Fecha,Cliente,Importe\n05/01/2025,Ana,10\n28/02/2025,Ana,5\n".encode("cp1252"))
    cartera = load(sales, hoy=dt.date(2025, 6, 1))
    clients = cartera.clientes.set_index("ID")
    assert pd.Timestamp(clients["Primera compra"].iloc[0]) == pd.Timestamp(2025, 1, 5)
    assert pd.Timestamp(clients["Última compra"].iloc[0]) == pd.Timestamp(2025, 2, 28)


def test_a_windows_csv_with_accents_is_read(tmp_path: Path) -> None:
    sales = tmp_path / "ventas.csv"
    sales.write_bytes("Fecha;Cliente;Importe\n05/01/2025;Peñalver Hnos.;10\n".encode("cp1252"))
    assert list(load(sales, hoy=dt.date(2025, 6, 1)).clientes["Nombre"]) == ["Peñalver Hnos."]


def test_credit_lines_count_against_the_client(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "facturas.xlsx",
        {
            "Facturas": [
                ["InvoiceNo", "InvoiceDate", "CustomerID", "Quantity", "UnitPrice", "Amount"],
                ["536365", dt.datetime(2025, 3, 1), "A", 6, 2.5, 15],
                ["C536379", dt.datetime(2025, 3, 2), "A", 1, 2.5, 2.5],  # cancellation typed with a positive amount
                ["536380", dt.datetime(2025, 3, 3), "A", -2, 2.5, 5],  # a return as a negative quantity
                ["536381", dt.datetime(2025, 3, 4), "B", 4, 10, 40],
            ]
        },
    )
    cartera = load(path, hoy=dt.date(2025, 6, 1))
    revenue = cartera.clientes.set_index("ID")["Facturación total"]
    assert revenue.to_dict() == pytest.approx({"A": 15 - 2.5 - 5, "B": 40})
    credit = [p for p in cartera.problems if p.message == messages.CREDIT_LINE[0]]
    assert [p.row for p in credit] == [3, 4]


def test_two_sheets_that_look_like_sales_say_which_was_read(tmp_path: Path) -> None:
    header = ["Fecha", "Cliente", "Importe"]
    path = make_workbook(
        tmp_path / "libro.xlsx",
        {
            "Hoja1": [header, [dt.datetime(2025, 1, 5), "Ana", 10]],
            "Hoja2": [[*header, "Producto"], [dt.datetime(2025, 2, 5), "Ana", 20, "x"], [dt.datetime(2025, 3, 5), "Luis", 30, "y"]],
        },
    )
    code, printed, _ = run("validate", str(path), "--hoy", "2025-06-01")
    chosen = messages.SHEET_CHOSEN[0].format(role="Ventas", chosen="Hoja2", count=4)
    assert code == 1
    assert f"  Hoja1: {chosen}" in printed
    cartera = load(path, hoy=dt.date(2025, 6, 1))
    assert list(cartera.revisar.loc[cartera.revisar["Hoja"] == "Hoja1", "Problema"]) == [chosen]
    assert sorted(cartera.clientes["Nombre"]) == ["Ana", "Luis"]


def test_yearly_sales_sheets_say_that_only_one_counts(tmp_path: Path) -> None:
    header = ["Fecha", "Cliente", "Importe"]
    path = make_workbook(
        tmp_path / "libro.xlsx",
        {
            "Clientes": [["Nombre"], ["Ana"], ["Luis"]],
            "Ventas 2024": [header, [dt.datetime(2024, 1, 5), "Ana", 10]],
            "Ventas 2025": [header, [dt.datetime(2025, 2, 5), "Luis", 20]],
        },
    )
    cartera = load(path, hoy=dt.date(2025, 6, 1))
    said = messages.SHEET_SAME_ROLE[0].format(role="Ventas", chosen="Ventas 2024")
    assert [(p.sheet, p.message) for p in cartera.problems if p.severity == messages.SEVERITY_WARNING] == [("Ventas 2025", said)]
    out = tmp_path / "out.xlsx"
    run("refresh", str(path), "-o", str(out), "--hoy", "2025-06-01")
    assert cells(out, "Ventas 2025")[1][1:] == ["Luis", 20]  # kept as it was


def test_revisar_stays_short_on_a_40000_line_export_with_10000_lines_without_a_client(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["InvoiceDate", "CustomerID", "Description", "Quantity", "UnitPrice"])
        start = dt.datetime(2025, 1, 1)
        for line in range(40_000):
            client = "" if line % 4 == 3 else str(10_000 + line // 4 % 500)
            writer.writerow([(start + dt.timedelta(minutes=13 * line)).isoformat(sep=" "), client, f"P{line % 97}", 1 + line % 5, 2.5])
    cartera = load(path, hoy=dt.date(2025, 12, 31))
    assert len(cartera.clientes) == 500
    assert len(cartera.revisar) < 200
    grouped = [text for text in cartera.revisar["Problema"] if text.startswith("En 10.000 filas (")]
    assert len(grouped) == 1 and "Falta el dato obligatorio «CustomerID»" in grouped[0]
    code, printed, _ = run("validate", str(path), "--hoy", "2025-12-31")
    assert code == 1
    assert len(printed.splitlines()) < 30  # the terminal shows the group once, not its rows


def test_an_old_export_says_it_is_old(tmp_path: Path) -> None:
    out = tmp_path / "cartera.xlsx"
    code, printed, _ = run("refresh", str(UCI), "-o", str(out), "--hoy", "2026-11-25")
    assert code == 0
    assert messages.CLI_STALE.format(date="09/12/2011", iso="2011-12-09") in printed
    summary = [value for row in cells(out, "Resumen") for value in row if isinstance(value, str)]
    assert any("09/12/2011" in text and "--hoy 2011-12-09" in text for text in summary)
    # At the export's own date it is not old.
    assert "--hoy" not in run("validate", str(UCI), "--hoy", "2011-12-09")[1]


def test_a_single_sheet_that_is_not_sales_says_what_was_looked_for_and_found(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "x.xlsx", {"Stock": [["Artículo", "Existencias"], ["Tornillos", 20]]})
    code, _, err = run("validate", str(path))
    assert code == 2
    assert "Se buscó una hoja de clientes" in err and "En «Stock» hay: Artículo, Existencias." in err


def test_the_sales_file_is_refused_when_it_has_no_sales_or_the_workbook_has_its_own(tmp_path: Path) -> None:
    clients, sales = billing_files(tmp_path)
    stock = make_workbook(tmp_path / "stock.xlsx", {"Stock": [["Artículo", "Existencias"], ["Tornillos", 20]]})
    code, _, err = run("validate", str(clients), "--ventas", str(stock))
    assert code == 2
    assert err.startswith(messages.NO_SALES_IN_FILE.format(path="stock.xlsx"))
    assert "En «Stock» hay: Artículo, Existencias." in err
    both = make_workbook(
        tmp_path / "cartera.xlsx",
        {"Clientes": [["Nombre"], ["Ana"]], "Ventas": [["Fecha", "Cliente", "Importe"], [dt.datetime(2025, 1, 5), "Ana", 10]]},
    )
    code, _, err = run("validate", str(both), "--ventas", str(sales))
    assert (code, err.strip()) == (2, messages.SALES_TWICE.format(path="cartera.xlsx", sheet="Ventas"))


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("NOMBRECLIENTE", "nombrecliente"),
        ("Nombre cliente", "nombrecliente"),
        ("nombre_cliente", "nombrecliente"),
        ("TELEFONO1", "telefono"),
        ("NIF20", "nif"),
        ("E-Mail", header_key("Email")),
        ("Cod. Cliente", header_key("COD_CLIENTE")),
        ("Ventas 2025", "ventas"),
        ("M2", "m2"),  # too short a word to lose its digits
    ],
)
def test_headers_match_as_exports_spell_them(header: str, key: str) -> None:
    assert header_key(header) == key


def test_a_csv_refreshed_in_place_gets_its_workbook_beside_it(tmp_path: Path) -> None:
    sales = tmp_path / "ventas.csv"
    sales.write_text("Fecha,Cliente,Importe\n05/01/2025,Ana,10\n", encoding="utf-8")
    before = sales.read_bytes()
    code, printed, _ = run("refresh", str(sales), "--hoy", "2025-06-01")
    assert code == 0 and f"Escrito: {tmp_path / 'ventas.xlsx'}" in printed
    assert sales.read_bytes() == before  # the export itself is never touched
    assert load(tmp_path / "ventas.xlsx", hoy=dt.date(2025, 6, 1)).clientes["Nombre"].tolist() == ["Ana"]


def test_a_workbook_started_from_an_export_has_every_column_init_writes(tmp_path: Path) -> None:
    """Issue 32, point 3: Clientes is ready to work in: Teléfono, Empresa, Notas, Fecha de alta… in init's order, filled where
    the export has data (Superstore's City, State, Country, Segment), blank where it has none."""
    path = superstore(tmp_path / "superstore.xlsx")
    assert main(["refresh", str(path), "-o", str(tmp_path / "cartera.xlsx"), "--hoy", "2017-12-31"], out=io.StringIO()) == 0
    assert main(["init", str(tmp_path / "vacia.xlsx")], out=io.StringIO()) == 0
    started = openpyxl.load_workbook(tmp_path / "cartera.xlsx")["Clientes"]
    empty = openpyxl.load_workbook(tmp_path / "vacia.xlsx")["Clientes"]
    header = [cell.value for cell in started[1]]
    wanted = [cell.value for cell in empty[1]]
    assert header[: len(wanted)] == wanted
    row = {title: started.cell(2, col).value for col, title in enumerate(header, 1)}
    assert row["Nombre"] == "Claire Gute" and row["Ciudad"] == "Louisville" and row["Segmento"] == "Home Office"
    assert row["Teléfono"] is None and row["Notas"] is None and row["Fecha de alta"] is None
