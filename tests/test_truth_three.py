"""What the workbook says is true, round three (issue 36): history that does not change with the day, honest dates.

Expected values are worked out by hand in each test, from the rules' defaults (dias_inactivo 180, dias_perdido 365: a
client with fewer than three purchases is lost on the 366th day without buying).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import cartera_xls
from cartera_xls.schema import summary as labels

from .conftest import make_workbook

# C1: 10/01/2024, back on 01/12/2025 (lost 10/01/2025, in a month before the history new and lost need: blank).
# C2: 01/02/2024, back on 10/06/2025: lost on 01/02/2025 (2024 is a leap year: 366 days later), came back.
# C3: 15/03/2024 only: lost on 16/03/2025, and still lost.
_SALES: list[list[Any]] = [
    ["Fecha", "Cliente", "Importe"],
    [dt.datetime(2024, 1, 10), "C1", 10.0],
    [dt.datetime(2024, 2, 1), "C2", 10.0],
    [dt.datetime(2024, 3, 15), "C3", 10.0],
    [dt.datetime(2025, 6, 10), "C2", 10.0],
    [dt.datetime(2025, 12, 1), "C1", 10.0],
]
_CLIENTS = [["ID", "Nombre"], ["C1", "Ana"], ["C2", "Luis"], ["C3", "Rosa"]]


def _lost_per_month(path: Path, hoy: dt.date) -> dict[str, float]:
    trend = cartera_xls.load(path, hoy=hoy).indicadores["tendencia"].set_index("Mes")
    return {str(month): value for month, value in trend["Clientes perdidos"].items()}


def test_lost_clients_per_month_count_as_of_the_month_not_as_of_today(tmp_path: Path) -> None:
    """Issue 36, point 1: C2 was lost in February 2025 and came back in June; February still counts it."""
    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": _CLIENTS, "Ventas": _SALES})
    lost = _lost_per_month(path, dt.date(2025, 12, 15))
    assert next(iter(lost)) == "dic 2024 (16–31)"  # «12 meses» is the 365 days up to 15/12/2025, everywhere
    assert pd.isna(lost["dic 2024 (16–31)"]) and pd.isna(lost["ene 2025"])  # data from 10/01/2024: lost known from 09/01/2025
    assert (lost["feb 2025"], lost["mar 2025"]) == (1, 1)  # C2 (back since), C3 (still lost)
    told = {"dic 2024 (16–31)", "ene 2025", "feb 2025", "mar 2025"}
    assert sum(value for month, value in lost.items() if month not in told) == 0
    # A past month never changes with the day of the refresh.
    later = _lost_per_month(path, dt.date(2026, 1, 20))
    assert (later["feb 2025"], later["mar 2025"]) == (1, 1)


def test_the_next_expected_purchase_is_a_day_never_noon(tmp_path: Path) -> None:
    """Issue 36, point 8: gaps of 10 and 11 days have a median of 10.5: shown as 11, and the next purchase is expected on
    the last one's day plus 11, at no hour («Vencido desde el 12/09/2026», never «… 12:00»)."""
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Importe"],
        [dt.datetime(2026, 8, 11, 9, 30), "C1", 10.0],
        [dt.datetime(2026, 8, 21, 17, 0), "C1", 10.0],
        [dt.datetime(2026, 9, 1, 11, 15), "C1", 10.0],
    ]
    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": sales})
    client = cartera_xls.load(path, hoy=dt.date(2026, 9, 20)).clientes.iloc[0]
    assert client["Intervalo habitual (días)"] == 11
    assert client["Próxima compra esperada"] == pd.Timestamp(2026, 9, 12)  # 01/09 + 11 days, 00:00
    assert "12:00" not in client["Motivo"] and "12/09/2026" in client["Motivo"]


def test_pasivo_exists_when_every_client_bought_once(tmp_path: Path) -> None:
    """Issue 36, point 5: eight clients who all bought once in the last 12 months (100 to 170 days ago: neither new nor
    inactive); revenues 10, 20 … 80. The bottom 25 % are two clients: C1 and C2 (10 and 20), not none because all tie at one."""
    hoy = dt.date(2026, 12, 1)
    sales: list[list[Any]] = [["Fecha", "Cliente", "Importe"]]
    sales += [[dt.datetime(2026, 8, 23) - dt.timedelta(days=10 * n), f"C{n}", 10.0 * n] for n in range(1, 9)]
    clients = [["ID", "Nombre"], *([f"C{n}", f"Cliente {n}"] for n in range(1, 9))]
    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": clients, "Ventas": sales})
    estados = cartera_xls.load(path, hoy=hoy).clientes.set_index("ID")["Estado"]
    assert estados[estados == "pasivo"].index.tolist() == ["C1", "C2"]
    assert set(estados.drop(["C1", "C2"])) == {"activo"}


def test_nuevo_needs_history_and_the_resumen_says_who_could_not_be_told(tmp_path: Path) -> None:
    """Issue 36, point 4: one month of data (sales from 03/05/2026, refreshed on 01/06): every buyer would look new. They are
    activo, and the Resumen says how many and why (the rules' own cases, with history before, are in test_rules)."""
    sales: list[list[Any]] = [["Fecha", "Cliente", "Importe"]]
    sales += [[dt.datetime(2026, 5, 2 + n), f"C{n}", 100.0] for n in range(1, 4)]
    clients = [["ID", "Nombre"], *([f"C{n}", f"Cliente {n}"] for n in range(1, 4))]
    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": clients, "Ventas": sales})
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(path, out, hoy=dt.date(2026, 6, 1))
    cartera = cartera_xls.load(out, hoy=dt.date(2026, 6, 1))
    assert cartera.clientes["Estado"].tolist() == ["activo", "activo", "activo"]
    assert cartera.indicadores["nuevos_sin_historia"] == (3, pd.Timestamp(2026, 5, 3))
    texts = [cell.value for row in openpyxl.load_workbook(out)["Resumen"].iter_rows() for cell in row if isinstance(cell.value, str)]
    note = "Clientes nuevos: Ventas empieza el 03/05/2026 y hacen falta 90 días de datos antes de una primera compra"
    assert any(
        text.startswith(note) and text.endswith("3 clientes que compraron por primera vez después cuentan como activos.") for text in texts
    )


def _periods(tmp_path: Path, first_day: int) -> pd.DataFrame:
    sales: list[list[Any]] = [["Fecha", "Cliente", "Importe"]]
    sales += [[dt.datetime(2026, 5, day), "C1", 100.0] for day in range(first_day, 32, 3)]
    sales += [[dt.datetime(2026, 6, 2), "C1", 500.0]]
    path = make_workbook(tmp_path / f"c{first_day}.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": sales})
    periods: pd.DataFrame = cartera_xls.load(path, hoy=dt.date(2026, 6, 10)).indicadores["periodos"]
    return periods


def test_a_period_the_data_cover_but_for_its_first_days_is_shown_and_compared(tmp_path: Path) -> None:
    """Issue 36, point 2: sales from 02/05 (1 May a holiday): May (the last full period) and 01–10/05 (the previous one) are
    shown as the 12-month table shows them, and compared; sales from 20/05: 01–10/05 has no data (blank), May shows what it
    has, and no change is computed against a period the data cover only from its 20th day."""
    column = {key: labels.PERIODS_TABLE.column(key).label for key in ("anterior", "ultimo_completo", "var_anterior")}
    periods = _periods(tmp_path, 2)
    assert periods.loc["Facturación", column["ultimo_completo"]] == 100.0 * len(range(2, 32, 3))  # 02/05, 05/05 … 29/05
    assert periods.loc["Facturación", column["anterior"]] == 300  # 02, 05 and 08/05
    assert periods.loc["Facturación", column["var_anterior"]] == (500 - 300) / 300
    late = _periods(tmp_path, 20)
    assert late.loc["Facturación", column["ultimo_completo"]] == 100.0 * len(range(20, 32, 3))  # 20, 23, 26, 29/05
    assert late.loc["Facturación", [column["anterior"], column["var_anterior"]]].isna().all()


def test_a_share_just_over_its_threshold_does_not_read_as_the_threshold() -> None:
    """Issue 36, point 17: 20.04 % of the revenue over a 20 % threshold reads «20,04%», not «20%» (umbral 20%)."""
    from cartera_xls.indicators import concentration
    from cartera_xls.schema.params import Parameters

    table = pd.DataFrame({"cliente": ["Ana", "Luis"], "participacion": [0.2004, 0.7996]})
    sorted_table = table.sort_values("participacion", ascending=False).reset_index(drop=True)
    warnings = concentration(sorted_table, Parameters(umbral_top1=79.9))["warnings"]
    assert warnings[0] == "Atención: un solo cliente (Luis) hace el 80% de la facturación (umbral 79,9%)."
    near = pd.DataFrame({"cliente": ["Ana", *(f"C{n}" for n in range(9))], "participacion": [0.2004, *[0.7996 / 9] * 9]})
    assert concentration(near, Parameters())["warnings"][0].startswith("Atención: un solo cliente (Ana) hace el 20,04% de")


def test_the_demos_calendar_is_in_its_own_zone(tmp_path: Path) -> None:
    """Issue 36, point 11: Peruvian data, Peruvian holidays, soles: and Lima's time zone, so a 10:30 visit is 10:30 in Lima."""
    from cartera_xls.cli import main

    assert main(["demo", str(tmp_path), "--hoy", "2026-11-18"]) == 0
    workbook = tmp_path / "cartera_demo.xlsx"
    assert main(["refresh", str(workbook), "--hoy", "2026-11-18", "--ics", str(tmp_path / "agenda.ics")]) == 0
    assert cartera_xls.load(workbook, hoy=dt.date(2026, 11, 18)).refreshed.parameters.zona_horaria == "America/Lima"
    calendar = (tmp_path / "agenda.ics").read_text("utf-8")
    assert "TZID=America/Lima" in calendar and "Europe/Madrid" not in calendar


def test_an_unreadable_next_action_date_says_the_action_is_missing_from_the_agenda(tmp_path: Path) -> None:
    """Issue 36, point 12: «el martes» as the date of «Llevar muestras»: Revisar says that action is in no Agenda until fixed."""
    contacts: list[list[Any]] = [
        ["Fecha", "Cliente", "Tipo", "Próxima acción", "Fecha próxima acción"],
        [dt.datetime(2026, 11, 20), "C1", "visita", "Llevar muestras", "el martes"],
    ]
    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Seguimiento": contacts})
    cartera = cartera_xls.load(path, hoy=dt.date(2026, 11, 23))
    said = [p for p in cartera.problems if p.sheet == "Seguimiento" and p.row == 2]
    assert [p.message for p in said] == [
        "«el martes» no es una fecha reconocible: la acción «Llevar muestras» no está en la Agenda ni en el Semáforo hasta que se corrija."
    ]
    assert cartera.agenda.empty or "Llevar muestras" not in cartera.agenda["Acción sugerida"].tolist()


def test_revisar_wraps_a_client_name_wider_than_its_column(tmp_path: Path) -> None:
    """Issue 32, point 8: Revisar cut «María Fernández Sotc…» where the next column had text; a long name now wraps."""
    name = "María Fernández Sotomayor de la Cruz"
    clients = [["ID", "Nombre", "Email"], ["C1", name, "maria@@ejemplo"], ["C2", "Ana", "ana@@ejemplo"]]
    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": clients})
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(path, out, hoy=dt.date(2026, 11, 2))
    sheet = openpyxl.load_workbook(out)["Revisar"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Cliente") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if name in str(sheet.cell(r, column).value))
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width < len(f"C1 · {name}")
    assert sheet.cell(row, column).alignment.wrap_text  # the column's format: the name wraps instead of being cut
    assert (sheet.row_dimensions[row].height or 0) > 15  # and its row is tall enough for two lines


def test_twelve_months_are_one_window_everywhere(tmp_path: Path) -> None:
    """Issue 36, point 3: «12 meses» is the 365 days up to hoy, hoy included, in Clientes, the Resumen's table and Productos.

    Refreshed on 15/03/2026, the window starts on 16/03/2025: the sale of 15/03/2025 (100) is out of every «12 meses»
    figure, the one of 16/03/2025 (10) and the one of the day (1) are in, so the table's first month is «mar 2025 (16–31)»,
    its last «mar 2026 (1–15)», and its revenue adds up to the clients' 11 (before, the table began on 01/04/2025: 1).
    """
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Producto", "Importe"],
        [dt.datetime(2025, 3, 15), "C1", "Té", 100.0],
        [dt.datetime(2025, 3, 16), "C1", "Té", 10.0],
        [dt.datetime(2026, 3, 15), "C2", "Café", 1.0],
    ]
    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"], ["C2", "Luis"]], "Ventas": sales})
    out = tmp_path / "salida.xlsx"
    cartera = cartera_xls.refresh(path, out, hoy=dt.date(2026, 3, 15)).cartera
    assert cartera.clientes["Facturación 12 meses"].tolist() == [10.0, 1.0]
    trend = cartera.indicadores["tendencia"].set_index("Mes")["Facturación"]
    assert (trend.index[0], trend.iloc[0]) == ("mar 2025 (16–31)", 10.0)
    assert (trend.index[-1], trend.iloc[-1]) == ("mar 2026 (1–15)", 1.0)
    assert len(trend) == 13 and trend.sum() == cartera.clientes["Facturación 12 meses"].sum() == 11.0
    assert cartera.indicadores["productos"]["Facturación 12 meses"].sum() == 11.0
    book = openpyxl.load_workbook(out)
    said = "del 16/03/2025 al 15/03/2026"
    assert said in book["Productos"]["A2"].value and said in book["Concentración"]["A2"].value
    resumen = [cell.value for row in book["Resumen"].iter_rows(max_col=1) for cell in row if isinstance(cell.value, str)]
    assert any(text.startswith("Últimos 12 meses") and said in text for text in resumen)


def test_a_saturday_follow_up_day_is_a_working_day_and_holidays_never_are(tmp_path: Path) -> None:
    """Issue 36, point 9: the team's working days are Monday to Friday and its follow-up day; a generated reminder
    never falls on another weekend day or a holiday, and Reglas says so.

    With dia_seguimiento sábado and dias_sin_contacto 30, a call is due on the first Saturday from the 31st day after
    the last purchase and call: 02/11/2026 → 03/12 → Saturday 05/12, kept (a working day for this team); 09/11/2026 → 10/12 →
    Saturday 12/12, a holiday here, so Monday 14/12 (Sunday is not a working day).
    """
    from cartera_xls.schema.params import PARAMETERS

    rules = [["Parámetro", "Valor"], ["dia_seguimiento", "sábado"], ["feriados", "12/12/2026"]]
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Importe"],
        [dt.datetime(2026, 11, 2), "C1", 10.0],
        [dt.datetime(2026, 11, 9), "C2", 10.0],
    ]
    clients = [["ID", "Nombre"], ["C1", "Ana"], ["C2", "Luis"]]
    calls: list[list[Any]] = [
        ["Fecha", "Cliente", "Tipo"],
        [dt.datetime(2026, 11, 2), "C1", "llamada"],
        [dt.datetime(2026, 11, 9), "C2", "llamada"],
    ]
    sheets: dict[str, list[list[Any]]] = {"Clientes": clients, "Ventas": sales, "Seguimiento": calls, "Reglas": rules}
    cartera = cartera_xls.load(make_workbook(tmp_path / "c.xlsx", sheets), hoy=dt.date(2026, 11, 20))
    assert cartera.clientes["Próximo contacto"].tolist() == [dt.datetime(2026, 12, 5), dt.datetime(2026, 12, 14)]
    said = next(parameter.description for parameter in PARAMETERS if parameter.key == "feriados")
    assert "día de seguimiento" in said and "sábado o domingo" in said


def _texts(sheet: Any) -> list[str]:
    return [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]


def test_empty_sections_say_why(tmp_path: Path) -> None:
    """Issue 36, point 19: a country alone fills Geografía; a table with no column under it says which column is
    missing; an empty Ventas is «no tiene filas», not «Sin hoja Ventas»; a line with no client is not «a client that is
    not in Clientes»."""
    clients = [["ID", "Nombre", "País"], ["C1", "Ana", "Perú"], ["C2", "Luis", "Chile"], ["C3", "Rosa", "Perú"]]
    empty = make_workbook(tmp_path / "vacia.xlsx", {"Clientes": clients, "Ventas": [["Fecha", "Cliente", "Importe"]]})
    out = cartera_xls.refresh(empty, tmp_path / "vacia_out.xlsx", hoy=dt.date(2026, 11, 20)).written
    book = openpyxl.load_workbook(out)
    geografia = _texts(book["Geografía"])
    assert labels.BY_COUNTRY in geografia and geografia.count("Perú") == 1 and "Chile" in geografia
    countries = cartera_xls.load(out, hoy=dt.date(2026, 11, 20)).indicadores["paises"]
    assert countries["Clientes"].to_dict() == {"Perú": 2, "Chile": 1}
    for column in ("Región", "Ciudad"):
        assert labels.NO_COLUMN.format(column=column) in geografia
    analisis = _texts(book["Análisis"])
    for column in ("Persona o empresa", "Tipo de empresa"):
        assert labels.NO_COLUMN.format(column=column) in analisis, analisis
    resumen = _texts(book["Resumen"])
    assert any(text.startswith("La hoja Ventas no tiene filas") for text in resumen)
    assert not any(text.startswith("Sin hoja Ventas") for text in resumen)
    assert _texts(book["Productos"])[2] == "La hoja Ventas no tiene filas: no hay datos de productos."

    lines: list[list[Any]] = [
        ["Fecha", "Cliente", "Importe"],
        [dt.datetime(2026, 11, 1), None, 50.0],
        [dt.datetime(2026, 11, 1), "C1", 50.0],
    ]
    blank = make_workbook(tmp_path / "sin.xlsx", {"Clientes": clients, "Ventas": lines})
    said = _texts(
        openpyxl.load_workbook(cartera_xls.refresh(blank, tmp_path / "sin_out.xlsx", hoy=dt.date(2026, 11, 20)).written)["Resumen"]
    )
    assert "Fuera de las cifras: 1 línea de Ventas (50,0 % de la facturación) no tiene cliente; vea la hoja Revisar." in said
    lines.append([dt.datetime(2026, 11, 2), "Pedro", 100.0])
    both = make_workbook(tmp_path / "ambas.xlsx", {"Clientes": clients, "Ventas": lines})
    said = _texts(
        openpyxl.load_workbook(cartera_xls.refresh(both, tmp_path / "ambas_out.xlsx", hoy=dt.date(2026, 11, 20)).written)["Resumen"]
    )
    expected = "2 líneas de Ventas (75,0 % de la facturación) no cuentan: 1 sin cliente y 1 con un cliente que no está en Clientes"
    assert any(expected in text for text in said), said


def test_products_differing_only_by_spaces_are_one_and_count_their_buyers(tmp_path: Path) -> None:
    """Issue 36, point 15: «Té  verde» (two spaces) and «Té verde » are «Té verde»: one row of Productos with 2 buyers
    (C1, C2) and 10 + 5 - 5 = 10 of revenue; C3, whose only line of it is a return, is not one of its clients."""
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Producto", "Importe"],
        [dt.datetime(2026, 10, 1), "C1", "Té  verde", 10.0],
        [dt.datetime(2026, 10, 2), "C2", "Té verde ", 5.0],
        [dt.datetime(2026, 10, 3), "C3", "Té verde", -5.0],
        [dt.datetime(2026, 10, 3), "C3", "Café", 20.0],
    ]
    clients = [["ID", "Nombre"], ["C1", "Ana"], ["C2", "Luis"], ["C3", "Rosa"]]
    cartera = cartera_xls.load(make_workbook(tmp_path / "c.xlsx", {"Clientes": clients, "Ventas": sales}), hoy=dt.date(2026, 11, 20))
    products = cartera.indicadores["productos"]
    assert products.index.tolist() == ["Café", "Té verde"]
    assert products.loc["Té verde", ["Clientes", "Facturación 12 meses"]].tolist() == [2, 10.0]
    assert cartera.clientes["Qué compra (veces)"].tolist() == ["Té verde (1)", "Té verde (1)", "Café (1)"]


def test_an_amount_in_another_currency_is_said_in_revisar(tmp_path: Path) -> None:
    """Issue 36, point 18: Importe cells formatted in € but one in $: the $ one is summed as € (10 + 20 + 30), and
    Revisar says so on its row; a blank cell formatted in $ says nothing."""
    path = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
            "Ventas": [
                ["Fecha", "Cliente", "Importe"],
                *([dt.datetime(2026, 10, day), "C1", 10.0 * day] for day in (1, 2, 3)),
                ["", "", None],
            ],
        },
    )
    book = openpyxl.load_workbook(path)
    for row, code in ((2, "#,##0.00 [$€-C0A]"), (3, "#,##0.00 [$€-C0A]"), (4, "[$$-409]#,##0.00"), (5, "[$$-409]#,##0.00")):
        book["Ventas"].cell(row, 3).number_format = code
    book.save(path)
    cartera = cartera_xls.load(path, hoy=dt.date(2026, 11, 20))
    assert cartera.clientes["Facturación total"].tolist() == [60.0]
    mixed = [p for p in cartera.problems if p.message.startswith("Este importe se ve en")]
    assert [(p.sheet, p.row, p.column, p.value) for p in mixed] == [("Ventas", 4, "Importe", "$")]
    assert "los demás de Ventas en «€»" in mixed[0].message


def test_pairs_rank_by_support_times_lift_and_offers_agree_with_clientes(tmp_path: Path) -> None:
    """Issue 36, point 16, on 30 clients (min_clientes_par 3):

    - A (C01–C20) and B (C06–C25): 15 together, lift 15·30/(20·20) = 1.125, support 0.5, support × lift 0.5625;
    - X (C26–C28) and Y (C26–C30, C01–C05): 3 together, lift 3·30/(3·10) = 3, support 0.1, support × lift 0.3;
    - A and Y: 5 together, lift 5·30/(20·10) = 0.75, support × lift 0.125.
    By lift, X–Y came first; by support × lift, A–B. The title says how many pairs there are. C30 bought Y only, two
    years ago (lost): it gets no offer in the table, as in Clientes.
    """
    clients = [f"C{n:02d}" for n in range(1, 31)]
    bought = {"A": clients[0:20], "B": clients[5:25], "X": clients[25:28], "Y": clients[25:30] + clients[0:5]}
    sales: list[list[Any]] = [["Fecha", "Cliente", "Producto", "Importe"]]
    for product, buyers in bought.items():
        sales += [[dt.datetime(2024, 6, 1) if client == "C30" else dt.datetime(2026, 10, 1), client, product, 10.0] for client in buyers]
    sheets: dict[str, list[list[Any]]] = {
        "Clientes": [["ID", "Nombre"], *([client, f"Cliente {client}"] for client in clients)],
        "Ventas": sales,
        "Reglas": [["Parámetro", "Valor"], ["min_clientes_par", 3]],
    }
    path = make_workbook(tmp_path / "c.xlsx", sheets)
    out = tmp_path / "salida.xlsx"
    cartera = cartera_xls.refresh(path, out, hoy=dt.date(2026, 11, 20)).cartera
    pairs = cartera.indicadores["pares"]
    assert pairs[["Producto A", "Producto B"]].values.tolist() == [["A", "B"], ["X", "Y"], ["A", "Y"]]
    assert pairs["Lift"].tolist() == pytest.approx([1.125, 3.0, 0.75])
    assert cartera.indicadores["pares_total"] == 3
    clientes = cartera.clientes.set_index("ID")
    assert clientes.loc["C30", "Estado"] == "perdido"
    offers = cartera.indicadores["ofertas"].set_index("ID")["Producto a ofrecer"]
    assert "C30" not in offers.index
    assert offers.to_dict() == clientes["Producto a ofrecer"].dropna().to_dict()
    title = next(text for text in _texts(openpyxl.load_workbook(out)["Productos"]) if text.startswith("Se compran juntos"))
    assert title.endswith("(pares que compran 3 clientes o más): los 3, por soporte × lift")


def test_a_product_sold_often_is_not_a_slip_for_one_in_the_price_list(tmp_path: Path) -> None:
    """Issue 36, point 13 (products): the price list has «Cacao en polvo 500 g» (4 lines) but not «Maca en polvo 500 g»
    (5 lines): Maca is a product of its own, nothing to suggest. «Cacao en povlo 500 g» on 1 line is near Cacao (4 lines,
    more than three times as many): suggested."""
    sales: list[list[Any]] = [["Fecha", "Cliente", "Producto", "Importe"]]
    for product, lines in (("Cacao en polvo 500 g", 4), ("Maca en polvo 500 g", 5), ("Cacao en povlo 500 g", 1)):
        sales += [[dt.datetime(2026, 10, 1 + n), "C1", product, 10.0] for n in range(lines)]
    prices: list[list[Any]] = [["Producto", "Precio"], ["Cacao en polvo 500 g", 12.0]]
    sheets: dict[str, list[list[Any]]] = {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": sales, "Precios": prices}
    cartera = cartera_xls.load(make_workbook(tmp_path / "c.xlsx", sheets), hoy=dt.date(2026, 11, 20))
    near = [(p.value, p.message) for p in cartera.problems if p.code == "product-near"]
    assert [value for value, _ in near] == ["Cacao en povlo 500 g"], near


def test_two_clients_of_one_name_are_said_once_and_references_by_name_are_ambiguous(tmp_path: Path) -> None:
    """Issue 36, point 14: a second «Pedro Castillo», at another company, is said once in Clientes (its row 3, naming
    row 2); a sale «Pedro Castillo» cannot tell which and is said ambiguous; a sale by ID counts."""
    clients = [["ID", "Nombre", "Empresa"], ["C1", "Pedro Castillo", "Ferretería Lima"], ["C2", "Pedro Castillo", "Agro Norte"]]
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Importe"],
        [dt.datetime(2026, 10, 1), "Pedro Castillo", 10.0],
        [dt.datetime(2026, 10, 2), "C2", 20.0],
    ]
    cartera = cartera_xls.load(make_workbook(tmp_path / "c.xlsx", {"Clientes": clients, "Ventas": sales}), hoy=dt.date(2026, 11, 20))
    said = [(p.sheet, p.row, p.code) for p in cartera.problems]
    assert said.count(("Clientes", 3, "same-name")) == 1 and ("Clientes", 2, "same-name") not in said
    same = next(p for p in cartera.problems if p.code == "same-name")
    assert same.message.startswith("Otro cliente se llama igual: «C1 · Pedro Castillo» (fila 2)")
    assert ("Ventas", 2, "ambiguous-client") in said
    assert cartera.clientes["Facturación total"].tolist() == [0.0, 20.0]


def test_a_rows_own_client_code_comes_before_its_name(tmp_path: Path) -> None:
    """Issue 36, point 13 (clients): Ventas read by «Cliente» (names) with a «Código cliente» beside it. Row 2's code C9 is
    no client: «Ana Peres» is unknown and nothing is suggested (before: «¿Quiso decir C1 · Ana Pérez?», which its code
    contradicts). Row 4's «Ana P.» matches no name but its code C1 does: the sale is Ana's (before: left out)."""
    clients = [["ID", "Nombre"], ["C1", "Ana Pérez"], ["C2", "Luis Soto"]]
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Código cliente", "Importe"],
        [dt.datetime(2026, 10, 1), "Ana Peres", "C9", 10.0],
        [dt.datetime(2026, 10, 1), "Luis Soto", "C2", 5.0],
        [dt.datetime(2026, 10, 1), "Ana P.", "C1", 7.0],
    ]
    cartera = cartera_xls.load(make_workbook(tmp_path / "c.xlsx", {"Clientes": clients, "Ventas": sales}), hoy=dt.date(2026, 11, 20))
    assert cartera.clientes["Facturación total"].tolist() == [7.0, 5.0]
    assert [(p.sheet, p.row, p.code) for p in cartera.problems] == [("Ventas", 2, "unknown-client")]
    # An export's own spelling of the header («Cod_Cliente», not one of the Cliente aliases) is read the same way.
    renamed = [["Fecha", "Cliente", "Cod_Cliente", "Importe"], *sales[1:]]
    cartera = cartera_xls.load(make_workbook(tmp_path / "r.xlsx", {"Clientes": clients, "Ventas": renamed}), hoy=dt.date(2026, 11, 20))
    assert cartera.clientes["Facturación total"].tolist() == [7.0, 5.0]
    assert [(p.row, p.code) for p in cartera.problems] == [(2, "unknown-client")]
    # Codes of another numbering (an ERP's 1001…, none an ID of Clientes) are not read: names decide, near misses suggested.
    other = [[*line[:2], 1000 + number, line[3]] if number else line for number, line in enumerate(sales)]
    cartera = cartera_xls.load(make_workbook(tmp_path / "d.xlsx", {"Clientes": clients, "Ventas": other}), hoy=dt.date(2026, 11, 20))
    assert cartera.clientes["Facturación total"].tolist() == [0.0, 5.0]
    assert [(p.row, p.code) for p in cartera.problems] == [(2, "unknown-client-near"), (4, "unknown-client")]
    # A code typed as a number is read as the ID it shows (1001, not «1001.0»).
    numbered = [["ID", "Nombre"], ["1001", "Ana Pérez"], ["1002", "Luis Soto"]]
    cartera = cartera_xls.load(make_workbook(tmp_path / "e.xlsx", {"Clientes": numbered, "Ventas": other}), hoy=dt.date(2026, 11, 20))
    assert cartera.clientes["Facturación total"].tolist() == [10.0, 5.0]  # rows 2 and 3 by code; row 4 (1003) is no client


def test_day_one_is_not_a_wall_of_red(tmp_path: Path) -> None:
    """Issue 36, point 10: the periodic contact counts from when Seguimiento starts, when that is after the last purchase.

    Refreshed on Friday 20/11/2026 (follow-up day viernes, dias_sin_contacto 30). C1 and C2 bought on 01/06/2026.
    - Seguimiento just created, empty: logging starts today; 20/11 + 31 = 21/12, the reminder Friday 25/12 is a
      holiday here (25/12 every year), so Monday 28/12 (sin alerta). Before: «Vencido desde el 03/07/2026» for both.
    - Seguimiento's first contact is C2's on 01/09/2026: logging started then; C1, never contacted since, is due from
      the Friday after 02/10 (01/09 + 31), 02/10 itself: red, «sin contacto anotado desde que Seguimiento empezó»;
      C2 (contacted 01/09) is due on the same day, from its own contact.
    """
    clients = [["ID", "Nombre"], ["C1", "Ana"], ["C2", "Luis"]]
    sales: list[list[Any]] = [["Fecha", "Cliente", "Importe"], *([dt.datetime(2026, 6, 1), c, 10.0] for c in ("C1", "C2"))]
    rules = [["Parámetro", "Valor"], ["feriados", "25/12"]]
    empty: dict[str, list[list[Any]]] = {
        "Clientes": clients,
        "Ventas": sales,
        "Seguimiento": [["Fecha", "Cliente", "Tipo"]],
        "Reglas": rules,
    }
    day_one = cartera_xls.load(make_workbook(tmp_path / "a.xlsx", empty), hoy=dt.date(2026, 11, 20)).clientes
    assert day_one["Semáforo"].tolist() == ["sin alerta", "sin alerta"]
    assert day_one["Próximo contacto"].tolist() == [dt.datetime(2026, 12, 28)] * 2
    assert day_one["Motivo"].iloc[0] == "Contacto periódico el 28/12/2026 (Seguimiento anota contactos desde el 20/11/2026)."
    logged: dict[str, list[list[Any]]] = {
        **empty,
        "Seguimiento": [["Fecha", "Cliente", "Tipo"], [dt.datetime(2026, 9, 1), "C2", "llamada"]],
    }
    later = cartera_xls.load(make_workbook(tmp_path / "b.xlsx", logged), hoy=dt.date(2026, 11, 20)).clientes
    assert later["Semáforo"].tolist() == ["rojo", "rojo"]
    assert later["Motivo"].tolist() == [
        "Vencido desde el 02/10/2026: sin contacto anotado desde que Seguimiento empezó, el 01/09/2026.",
        "Vencido desde el 02/10/2026: sin contacto desde el 01/09/2026.",
    ]


def test_the_agendas_wait_date_is_on_the_wait_row_only(tmp_path: Path) -> None:
    """Issue 36, point 7: «Esperando respuesta desde» drives the live yellow of a lapsed wait, so it stands on the row of
    the wait (verde) and not on the client's other actions: C1 asked on 10/11/2026 and has an open complaint (rojo)."""
    sheets: dict[str, list[list[Any]]] = {
        "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
        "Seguimiento": [["Fecha", "Cliente", "Tipo", "Esperando respuesta"], [dt.datetime(2026, 11, 10), "C1", "llamada", "sí"]],
        "Reclamos": [["Fecha", "Cliente", "Estado"], [dt.datetime(2026, 11, 12), "C1", "abierto"]],
    }
    agenda = cartera_xls.load(make_workbook(tmp_path / "c.xlsx", sheets), hoy=dt.date(2026, 11, 13)).agenda
    by_colour = agenda.set_index("Semáforo")["Esperando respuesta desde"]
    assert sorted(by_colour.index) == ["rojo", "verde"]
    assert by_colour["verde"] == dt.datetime(2026, 11, 10) and pd.isna(by_colour["rojo"])
