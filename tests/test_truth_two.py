"""What the workbook says is true, round two (issue 24): the team's currency, real lifts, honest periods."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import cartera_xls
from cartera_xls.ooxml import currency_symbol
from cartera_xls.schema.sheets import ESTADOS
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


# --- 7: a lift that is a lift ----------------------------------------------------------------------


def test_the_offer_shows_the_pair_behind_it_and_only_pairs_that_lift(tmp_path: Path) -> None:
    bought = {"C1": "AB", "C2": "AB", "C3": "AB", "C4": "A", "C5": "BC", "C6": "C"}
    sales: list[list[Any]] = [["Fecha", "Cliente", "Producto", "Importe"]]
    sales += [[ago(30), client, product, 10] for client, products in bought.items() for product in products]
    source = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre"], *([c, c] for c in bought)],
            "Ventas": sales,
            "Reglas": [["Parámetro", "Valor"], ["min_clientes_par", 1]],
        },
    )
    offers = cartera_xls.load(source, hoy=HOY).indicadores["ofertas"].set_index("ID")
    # 6 buying clients; A bought by 4, B by 4, C by 2. A–B: 3 clients, lift 3·6 / (4·4) = 1.125, support 3/6,
    # confidence A→B 3/4. B–C: 1 client, lift 1·6 / (4·2) = 0.75: buying one makes the other less likely, never offered.
    assert sorted(offers.index) == ["C4", "C5"]  # C6 (only C) and C1–C3 (A, B: only C is left) get nothing
    c4, c5 = offers.loc["C4"], offers.loc["C5"]
    assert (c4["Producto a ofrecer"], c4["Porque compra"]) == ("B", "A")
    assert (c5["Producto a ofrecer"], c5["Porque compra"]) == ("A", "B")
    for offer in (c4, c5):
        assert offer["Lift del par"] == pytest.approx(1.125)
        assert offer["Soporte"] == pytest.approx(0.5)
        assert offer["Confianza"] == pytest.approx(0.75)


# --- 8: periods that say what they hold ------------------------------------------------------------


def _number_of_sales(path: Path, header: list[str], lines: list[list[Any]]) -> float:
    source = make_workbook(path, {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": [header, *lines]})
    periods = cartera_xls.load(source, hoy=HOY).indicadores["periodos"]
    return float(periods.loc["Número de ventas"].iloc[0])  # this month's


def test_a_sale_is_an_invoice_when_the_team_numbers_them(tmp_path: Path) -> None:
    day = ago(1)
    # Invoice F1 has two lines, F2 one, all the same day; a line with no number counts as its day of purchase,
    # and a credit note is no sale: 3 sales (client-days would say 1).
    lines = [[day, "C1", 10, "F1"], [day, "C1", 10, "F1"], [day, "C1", 5, "F2"], [day, "C1", 5, None], [day, "C1", -5, "C9"]]
    assert _number_of_sales(tmp_path / "a.xlsx", ["Fecha", "Cliente", "Importe", "Factura"], lines) == 3
    # Without invoice numbers a sale is a client's day of purchase: 2 days.
    plain = [[day, "C1", 10], [day, "C1", 10], [ago(0), "C1", 5]]
    assert _number_of_sales(tmp_path / "b.xlsx", ["Fecha", "Cliente", "Importe"], plain) == 2


def test_the_pareto_chart_says_it_shows_the_first_30(tmp_path: Path) -> None:
    clients = [f"C{n}" for n in range(1, 36)]
    sales: list[list[Any]] = [["Fecha", "Cliente", "Importe"], *([ago(20), c, 100 + n] for n, c in enumerate(clients))]
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], *([c, c] for c in clients)], "Ventas": sales})
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(source, out, hoy=HOY)
    with zipfile.ZipFile(out) as archive:
        charts = "".join(archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/charts/chart"))
    assert "Concentración de la facturación (Pareto): los 30 primeros de 35 clientes" in charts


def test_cross_selling_covers_the_whole_history_as_its_title_says(tmp_path: Path) -> None:
    # A and B bought together two years ago only: the pair is listed (all history), Productos (12 months) lists neither.
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Producto", "Importe"],
        *([ago(700), c, p, 10] for c in ("C1", "C2", "C3") for p in "AB"),
    ]
    sales.append([ago(10), "C1", "Z", 10])
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "a"], ["C2", "b"], ["C3", "c"]], "Ventas": sales})
    figures = cartera_xls.load(source, hoy=HOY).indicadores
    assert figures["pares"][["Producto A", "Producto B"]].values.tolist()[0] == ["A", "B"]
    assert list(figures["productos"].index) == ["Z"]


# --- 12: what was left out is on the Resumen ------------------------------------------------------


def test_the_resumen_says_which_sales_no_figure_counts(tmp_path: Path) -> None:
    sales: list[list[Any]] = [["Fecha", "Cliente", "Importe"], [ago(5), "C1", 300.0], [ago(6), "C1", 500.0]]
    sales += [[ago(7), "Bodega San Martín", 150.0], [ago(8), "C77", 50.0]]
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": sales})
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(source, out, hoy=HOY)
    cartera = cartera_xls.load(source, hoy=HOY)
    # Two lines of 1.000 in all name no client in Clientes: 200 / 1.000 = 20 % of the revenue.
    assert cartera.indicadores["fuera_de_las_cifras"] == {
        "lineas": 2,
        "sin_cliente": 0,
        "importe": 200.0,
        "participacion": pytest.approx(0.2),
    }
    texts = [cell.value for row in openpyxl.load_workbook(out)["Resumen"].iter_rows() for cell in row if isinstance(cell.value, str)]
    expected = (
        "Fuera de las cifras: 2 líneas de Ventas (20,0 % de la facturación) nombran un cliente que no está en Clientes; "
        "vea la hoja Revisar."
    )
    assert expected in texts
    # Every line known: no such note.
    known = make_workbook(tmp_path / "k.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": sales[:3]})
    assert cartera_xls.load(known, hoy=HOY).indicadores["fuera_de_las_cifras"] is None


# --- 10: a partial month is marked, the last whole one is on the Resumen ------------------------------


def test_the_current_month_says_which_days_it_holds(tmp_path: Path) -> None:
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Importe"],
        [dt.datetime(2025, 9, 20), "C1", 5.0],  # the data begin before last year's month: every period is covered
        [dt.datetime(2026, 10, 5), "C1", 70.0],
        [dt.datetime(2026, 10, 28), "C1", 30.0],
    ]
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": sales})
    trend = cartera_xls.load(source, hoy=dt.date(2026, 11, 10)).indicadores["tendencia"]
    assert list(trend.iloc[-2:, 0]) == ["oct 2026", "nov 2026 (1–10)"]
    whole = cartera_xls.load(source, hoy=dt.date(2026, 11, 30)).indicadores["tendencia"]
    assert whole.iloc[-1, 0] == "nov 2026"  # its last day: the month is whole
    # On the 1st the month to date holds nothing yet; October, whole, is beside it.
    first = cartera_xls.load(source, hoy=dt.date(2026, 11, 1)).indicadores["periodos"]
    assert first.loc["Facturación", "Periodo actual"] == 0
    assert first.loc["Facturación", "Último periodo completo"] == 100.0
    assert first.loc["Número de ventas", "Último periodo completo"] == 2


# --- 9: no new or lost clients on a window the data do not really cover --------------------------------


def test_new_and_lost_clients_need_a_year_of_sales_before_the_period(tmp_path: Path) -> None:
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Importe"],
        [dt.datetime(2025, 11, 20), "C1", 10.0],  # the data begin here: new and lost can be told from 20/11/2026
        [dt.datetime(2025, 12, 5), "C3", 10.0],  # C3's only purchase: lost 366 days later, on 06/12/2026
        [dt.datetime(2026, 12, 4), "C2", 10.0],  # C2's first purchase: new in December 2026
        [dt.datetime(2026, 12, 5), "C1", 10.0],
    ]
    clients = [["ID", "Nombre"], ["C1", "Ana"], ["C2", "Luis"], ["C3", "Rosa"]]
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": clients, "Ventas": sales})
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(source, out, hoy=dt.date(2026, 12, 9))
    figures = cartera_xls.load(out, hoy=dt.date(2026, 12, 9)).indicadores
    periods = figures["periodos"]
    assert periods.loc["Clientes nuevos", "Periodo actual"] == 1
    assert periods.loc["Clientes perdidos", "Periodo actual"] == 1
    # A year ago the data had just begun: C1 and C3 looked new; now blank, and so is the change against it.
    assert pd.isna(periods.loc["Clientes nuevos", "Mismo periodo del año anterior"])
    assert pd.isna(periods.loc["Clientes nuevos", "Variación vs año anterior"])
    trend = figures["tendencia"].set_index("Mes")
    assert trend["Clientes nuevos"].iloc[:-1].isna().all() and trend["Clientes perdidos"].iloc[:-1].isna().all()  # not 0
    assert (trend.loc["dic 2026 (1–9)", "Clientes nuevos"], trend.loc["dic 2026 (1–9)", "Clientes perdidos"]) == (1, 1)
    assert trend["Facturación"].notna().all()  # the revenue needs no history
    assert figures["nuevos_y_perdidos_desde"] == pd.Timestamp("2026-11-20")
    texts = [cell.value for row in openpyxl.load_workbook(out)["Resumen"].iter_rows() for cell in row if isinstance(cell.value, str)]
    assert any(text.startswith("Clientes nuevos y perdidos: en blanco en los periodos que empiezan antes del 20/11/2026") for text in texts)


# --- 4: holidays and weekends --------------------------------------------------------------------------


def _christmas(path: Path, holidays: str | None, next_action: dt.datetime | None = None) -> cartera_xls.Cartera:
    contact = [dt.datetime(2026, 11, 20), "C1", "llamada", "Llamar" if next_action else None, next_action]
    sheets: dict[str, list[list[Any]]] = {
        "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
        "Ventas": [["Fecha", "Cliente", "Importe"], [dt.datetime(2026, 10, 1), "C1", 100.0]],
        "Seguimiento": [["Fecha", "Cliente", "Tipo", "Próxima acción", "Fecha próxima acción"], contact],
    }
    if holidays is not None:
        sheets["Reglas"] = [["Parámetro", "Valor"], ["feriados", holidays]]
    return cartera_xls.load(make_workbook(path, sheets), hoy=dt.date(2026, 12, 22))


def test_a_reminder_on_a_holiday_moves_to_the_next_working_day(tmp_path: Path) -> None:
    # Last contact Friday 20/11: 31 days later is Monday 21/12, the follow-up day after it Friday 25/12.
    plain = _christmas(tmp_path / "a.xlsx", None).clientes.iloc[0]
    assert plain["Motivo"] == "Contacto periódico el 25/12/2026 (último contacto el 20/11/2026)."
    # Christmas is a holiday: Saturday and Sunday are no working days either, so Monday 28/12.
    moved = _christmas(tmp_path / "b.xlsx", "25/12, 01/01").clientes.iloc[0]
    assert moved["Motivo"] == "Contacto periódico el 28/12/2026 (último contacto el 20/11/2026)."
    assert moved["Próximo contacto"] == dt.datetime(2026, 12, 28)


def test_a_date_the_team_typed_on_a_day_off_is_kept_and_said(tmp_path: Path) -> None:
    cartera = _christmas(tmp_path / "a.xlsx", "25/12/2026", next_action=dt.datetime(2026, 12, 25))
    reason = "Acción comprometida para el 25/12/2026: Llamar. Ojo: cae en feriado."
    assert cartera.clientes.iloc[0]["Motivo"] == reason
    assert cartera.clientes.iloc[0]["Próximo contacto"] == dt.datetime(2026, 12, 25)  # the team's date is never moved
    assert reason in set(cartera.agenda["Motivo"])
    sunday = _christmas(tmp_path / "b.xlsx", None, next_action=dt.datetime(2026, 12, 27))
    # Without holidays the periodic contact of Friday 25/12 comes first; the team's Sunday is listed after it, said.
    assert sunday.clientes.iloc[0]["Motivo"] == (
        "Contacto periódico el 25/12/2026 (último contacto el 20/11/2026). "
        "Acción comprometida para el 27/12/2026: Llamar. Ojo: cae en domingo."
    )


def test_holidays_are_read_as_the_team_types_them(tmp_path: Path) -> None:
    from cartera_xls.schema.params import holidays

    assert holidays("1/1; 25/12 , 6/4/2026") == "01/01, 25/12, 06/04/2026"
    assert holidays("") == ""
    for bad in ("31/02", "Navidad", "25-12"):
        with pytest.raises(ValueError):
            holidays(bad)
    cartera = _christmas(tmp_path / "c.xlsx", "Navidad")
    assert (cartera.revisar["Valor"] == "Navidad").any()  # refused in Revisar, the default (none) kept


# --- 14: what the rendered pages showed ------------------------------------------------------------------

DEMO = Path(__file__).parent.parent / "plantillas" / "cartera_demo.xlsx"


def test_text_after_a_right_aligned_number_or_date_never_touches_it() -> None:
    book = openpyxl.load_workbook(DEMO)
    agenda, revisar = book["Agenda"], book["Revisar"]
    header = [cell.value for cell in agenda[4]]
    seller = agenda.cell(5, header.index("Vendedor") + 1)  # right after «14/11/2026 09:30»
    assert (seller.alignment.horizontal, seller.alignment.indent) == ("left", 1)
    assert agenda.cell(5, header.index("Fecha") + 1).alignment.indent == 0
    client = revisar.cell(2, 3)  # right after the row number «64»
    assert (revisar.cell(1, 3).value, client.alignment.horizontal, client.alignment.indent) == ("Cliente", "left", 1)
    assert {cell.alignment.vertical for cell in revisar[2]} == {"top"}  # beside the wrapped Problema, every cell at the top


def test_analisis_headers_have_room_and_no_section_is_cut_by_a_page() -> None:
    sheet = openpyxl.load_workbook(DEMO)["Análisis"]
    titles = {cell.row for cell in sheet["A"] if isinstance(cell.value, str) and cell.value[:2] in {f"{n}." for n in range(1, 7)}}
    breaks = [b.id + 1 for b in sheet.row_breaks.brk]  # openpyxl: the break is after row id
    assert breaks and set(breaks) <= titles  # pages break only before a section title, never inside a table
    referrals = next(cell.row for cell in sheet["A"] if isinstance(cell.value, str) and cell.value.startswith("6."))
    # «Facturación 12 meses de sus referidos» wraps on three lines in its column of 18.
    assert sheet.row_dimensions[referrals + 1].height >= 45


# --- issue 21, point 5: Importe = Cantidad × Precio unitario wherever Importe is blank -------------------


def test_a_blank_importe_is_quantity_times_price(tmp_path: Path) -> None:
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Cantidad", "Precio unitario", "Importe"],
        [ago(60), "C1", 2, 10.0, 20.0],
        [ago(30), "C1", 3, 12.5, None],  # blank Importe: 3 × 12,50 = 37,50
        [ago(20), "C1", None, 12.5, None],  # nothing to multiply: still missing, and said
    ]
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": sales})
    cartera = cartera_xls.load(source, hoy=HOY)
    client = cartera.clientes.iloc[0]
    assert client["Facturación total"] == pytest.approx(57.5)  # 20 + 37,50; the row was left out before
    assert client["Compras"] == 2
    missing = cartera.revisar[cartera.revisar["Problema"].str.startswith("Falta el dato obligatorio «Importe»")]
    assert missing["Fila"].tolist() == [4]  # only the row without a quantity


# --- issue 21, point 2: one spelling per salesperson -----------------------------------------------------


def test_one_spelling_per_salesperson(tmp_path: Path) -> None:
    clients = [
        ["ID", "Nombre", "Vendedor"],
        ["C1", "Ana", "Lucía"],
        ["C2", "Luis", "lucia"],
        ["C3", "Rosa", "Lucía"],
        ["C4", "Eva", "Óscar"],
    ]
    followups: list[list[Any]] = [["Fecha", "Cliente", "Vendedor"], [ago(3), "C1", "LUCÍA "]]
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": clients, "Seguimiento": followups})
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(source, out, hoy=HOY)
    cartera = cartera_xls.load(out, hoy=HOY)
    # «Lucía» is written in two rows, «lucia» and «LUCÍA» in one each: one salesperson, «Lucía», with three clients.
    assert sorted(cartera.indicadores["vendedores"].index) == ["Lucía", "Óscar"]
    assert cartera.indicadores["vendedores"].loc["Lucía", list(ESTADOS)].sum() == 3
    listas = openpyxl.load_workbook(out)["Listas"]
    header = [cell.value for cell in listas[1]]
    column = header.index("Vendedores") + 1
    assert [listas.cell(r, column).value for r in range(2, 4)] == ["Lucía", "Óscar"]  # the dropdown offers no typo
    said = cartera.revisar[cartera.revisar["Problema"].str.contains("escrito de otra forma")]
    assert sorted(zip(said["Hoja"], said["Fila"], said["Valor"], strict=True)) == [("Clientes", 3, "lucia"), ("Seguimiento", 2, "LUCÍA")]
    assert said["Problema"].iloc[0].endswith("se cuenta como «Lucía».")
    # The team's cells are theirs: the typo stays where it was typed.
    assert openpyxl.load_workbook(out)["Clientes"]["C3"].value == "lucia"


# --- issue 21, point 3: a sale after hoy is said ------------------------------------------------------------


def test_a_sale_dated_after_hoy_is_in_revisar(tmp_path: Path) -> None:
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Importe"],
        [ago(10), "C1", 100.0],
        [dt.datetime(2062, 11, 26), "C1", 500.0],  # 2026 typed as 2062
        [ago(-1), "C1", 50.0],  # tomorrow
    ]
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": sales})
    cartera = cartera_xls.load(source, hoy=HOY)
    assert cartera.clientes.iloc[0]["Facturación total"] == 100.0  # neither counts
    said = cartera.revisar[cartera.revisar["Problema"].str.contains("después de la fecha de cálculo")]
    assert said["Fila"].tolist() == [3, 4]
    assert said["Problema"].iloc[0] == "La venta es del 26/11/2062, después de la fecha de cálculo (02/11/2026): no entra en ninguna cifra."
    assert set(said["Cliente"]) == {"C1 · Ana"}
    # As of a later day, tomorrow's sale counts and is no longer said.
    later = cartera.as_of(dt.date(2026, 11, 3))
    assert later.revisar["Problema"].str.contains("después de la fecha de cálculo").sum() == 1


# --- issue 21, point 3: emails that cannot be an address ---------------------------------------------------


def test_invalid_emails_are_said_and_kept(tmp_path: Path) -> None:
    emails = ["ana@ejemplo.pe", "pedro@@gmail.com", "marta.gomez@hotmail", "lucía.48@ejemplo.pe", "  ", "juan..p@correo.com"]
    clients = [["ID", "Nombre", "Email"], *([f"C{n}", f"Cliente {n}", email] for n, email in enumerate(emails, start=1))]
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": clients})
    cartera = cartera_xls.load(source, hoy=HOY)
    said = cartera.revisar[cartera.revisar["Problema"].str.contains("no es una dirección de email válida")]
    # Rows 3, 4 and 7: a double @, a domain without a dot, two dots in a row; an accented name is a valid address.
    assert list(zip(said["Fila"], said["Valor"], strict=True)) == [
        (3, "pedro@@gmail.com"),
        (4, "marta.gomez@hotmail"),
        (7, "juan..p@correo.com"),
    ]
    assert len(cartera.clientes) == 6  # every row kept
    assert cartera.clientes["Email"].tolist()[1] == "pedro@@gmail.com"


def test_phone_numbers_with_too_few_digits_are_said(tmp_path: Path) -> None:
    phones: list[Any] = ["+51 987 654 321", "98765", 987654321, "(01) 234-5678 / 999 888 777", "12-34"]
    clients = [["ID", "Nombre", "Teléfono"], *([f"C{n}", f"Cliente {n}", phone] for n, phone in enumerate(phones, start=1))]
    cartera = cartera_xls.load(make_workbook(tmp_path / "c.xlsx", {"Clientes": clients}), hoy=HOY)
    said = cartera.revisar[cartera.revisar["Problema"].str.contains("no se puede marcar")]
    # «98765» has 5 digits and «12-34» 4; a number typed as a number and two numbers in one cell are fine.
    assert list(zip(said["Fila"], said["Valor"], strict=True)) == [(3, "98765"), (6, "12-34")]
    assert said["Problema"].iloc[0] == "El teléfono «98765» tiene solo 5 dígitos: no se puede marcar."


def test_reglas_currency_against_the_teams_format_is_said(tmp_path: Path) -> None:
    # Older versions wrote «€» in every Reglas; a team selling in dollars is told, and Reglas still wins.
    reglas = [["Parámetro", "Valor"], ["moneda", "€"]]
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(_sales_workbook(tmp_path / "c.xlsx", "[$$-409]#,##0.00", reglas), out, hoy=HOY)
    assert _facturacion_format(out) == '#,##0.00 "€"'
    said = cartera_xls.load(out, hoy=HOY).revisar
    said = said[said["Problema"].str.startswith("Reglas dice que la moneda es «€»")]
    assert said[["Hoja", "Fila", "Valor"]].values.tolist() == [["Reglas", 2, "€"]]
    assert "muestran «$»" in said["Problema"].iloc[0]
    # The same currency both ways: nothing to say.
    same = cartera_xls.load(_sales_workbook(tmp_path / "d.xlsx", '"€" #,##0.00', reglas), hoy=HOY).revisar
    assert not same["Problema"].str.startswith("Reglas dice").any()
