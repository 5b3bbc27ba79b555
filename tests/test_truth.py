"""The follow-up and the figures tell the whole truth: small hand-built workbooks, expected values worked out by hand.

HOY (conftest) is Monday 02/11/2026; the weekly follow-up day is Friday (30/10, 06/11, 13/11…).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest

import cartera_xls
from cartera_xls import indicators, rules
from cartera_xls.ics import agenda_calendar, read_previous, unfold
from cartera_xls.schema import Fmt, messages
from cartera_xls.schema import summary as labels
from cartera_xls.schema.params import Parameters
from cartera_xls.schema.sheets import WARN_DAYS_NAME
from cartera_xls.tables import CLIENT_ID
from cartera_xls.template import write_template

from .conftest import HOY, make_workbook

CURRENT = labels.PERIODS_TABLE.column(labels.PERIOD_CURRENT).label
PREVIOUS = labels.PERIODS_TABLE.column(labels.PERIOD_PREVIOUS).label
LAST_YEAR = labels.PERIODS_TABLE.column(labels.PERIOD_LAST_YEAR).label
CHANGE = labels.PERIODS_TABLE.column("var_anterior").label


def at(day: str, hour: int = 0, minute: int = 0) -> dt.datetime:
    """``dd/mm/yyyy`` as a datetime (as Excel hands dates over)."""
    return dt.datetime.strptime(day, "%d/%m/%Y").replace(hour=hour, minute=minute)


def texts(path: Path, sheet: str) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [value for row in book[sheet].iter_rows(values_only=True) for value in row if isinstance(value, str)]


# --- 1, 2: one agenda row per action; red is due now -----------------------------------


def test_every_pending_action_is_its_own_agenda_row_and_red_is_due_today(tmp_path: Path) -> None:
    source = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
            "Ventas": [["Fecha", "Cliente", "Importe"], [at("01/10/2026"), "C1", 100]],
            "Seguimiento": [
                ["Fecha", "Cliente", "Próxima acción", "Fecha próxima acción"],
                [at("30/10/2026"), "C1", "Confirmar pedido", at("07/11/2026")],
            ],
            "Reclamos": [["Fecha", "Cliente", "Estado"], [at("29/10/2026"), "C1", "abierto"]],
        },
    )
    out = tmp_path / "salida.xlsx"
    cartera = cartera_xls.refresh(source, out, hoy=HOY).cartera
    agenda = cartera.agenda
    assert agenda["Acción sugerida"].tolist() == [messages.ACTION_COMPLAINT[0], "Confirmar pedido"]
    assert agenda["Fecha"].tolist() == [at("02/11/2026"), at("07/11/2026")]  # the complaint today, not on 07/11
    assert agenda["Semáforo"].tolist() == ["rojo", "amarillo"]
    client = cartera.clientes.iloc[0]
    assert client["Semáforo"] == "rojo"  # the worst of its actions
    assert client["Motivo"] == (
        messages.REASON_COMPLAINT.format(date="29/10/2026")
        + " "
        + messages.REASON_COMMITTED.format(date="07/11/2026", action="Confirmar pedido")
    )
    # The Agenda sheet as written: both rows, below the title and the stamp.
    book = openpyxl.load_workbook(out)
    rows = [row for row in book["Agenda"].iter_rows(min_row=5, values_only=True) if row[0] is not None]
    assert [(row[0], row[7]) for row in rows] == [(at("02/11/2026"), messages.ACTION_COMPLAINT[0]), (at("07/11/2026"), "Confirmar pedido")]


# --- 3: reminders do not slide -----------------------------------------------------------


def _periodic_workbook(path: Path, contacts: list[dt.datetime]) -> Path:
    return make_workbook(
        path,
        {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
            "Ventas": [["Fecha", "Cliente", "Importe"], [at("01/07/2026"), "C1", 100]],
            "Seguimiento": [["Fecha", "Cliente", "Tipo"], *([day, "C1", "llamada"] for day in contacts)],
        },
    )


def test_a_reminder_stays_on_its_date_turns_red_and_only_a_contact_clears_it(tmp_path: Path) -> None:
    path = _periodic_workbook(tmp_path / "c.xlsx", [at("02/10/2026")])
    # 02/10 + 31 days = 02/11 (Monday): the reminder falls on Friday 06/11.
    today = cartera_xls.load(path, hoy=HOY).clientes.iloc[0]
    assert (today["Semáforo"], today["Próximo contacto"]) == ("amarillo", at("06/11/2026"))
    # A week later, nobody called: still 06/11, now overdue.
    later = cartera_xls.load(path, hoy=dt.date(2026, 11, 9)).clientes.iloc[0]
    assert (later["Semáforo"], later["Próximo contacto"]) == ("rojo", at("06/11/2026"))
    assert later["Motivo"] == messages.REASON_NO_CONTACT_OVERDUE.format(due="06/11/2026", date="02/10/2026")
    # A contact logged on 09/11 clears it: the next one is the Friday after 10/12, 11/12, and there is nothing to alert.
    called = _periodic_workbook(tmp_path / "d.xlsx", [at("02/10/2026"), at("09/11/2026")])
    after = cartera_xls.load(called, hoy=dt.date(2026, 11, 9)).clientes.iloc[0]
    assert (after["Semáforo"], after["Próximo contacto"]) == ("sin alerta", at("11/12/2026"))


# --- 6: times of day ---------------------------------------------------------------------------


def _timed_workbook(path: Path, zone: str | None = None) -> Path:
    sheets: dict[str, list[list[Any]]] = {
        "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
        "Ventas": [["Fecha", "Cliente", "Importe"], [at("01/10/2026"), "C1", 100]],
        "Seguimiento": [
            ["Fecha", "Cliente", "Próxima acción", "Fecha próxima acción"],
            [at("30/10/2026"), "C1", "Visitar con muestras", at("05/11/2026", 10, 30)],
        ],
    }
    if zone is not None:
        sheets["Reglas"] = [["Parámetro", "Valor"], ["zona_horaria", zone]]
    return make_workbook(path, sheets)


def test_a_time_of_day_is_kept_in_clientes_the_agenda_and_the_calendar(tmp_path: Path) -> None:
    source = _timed_workbook(tmp_path / "c.xlsx", "America/Lima")
    out = tmp_path / "salida.xlsx"
    cartera = cartera_xls.refresh(source, out, hoy=HOY).cartera
    assert cartera.clientes.iloc[0]["Próximo contacto"] == at("05/11/2026", 10, 30)
    assert cartera.agenda["Fecha"].tolist() == [at("05/11/2026", 10, 30)]
    assert cartera.clientes.iloc[0]["Motivo"] == messages.REASON_COMMITTED.format(date="05/11/2026 10:30", action="Visitar con muestras")
    book = openpyxl.load_workbook(out)
    clientes = book["Clientes"]
    header = [cell.value for cell in clientes[1]]
    cell = clientes.cell(2, header.index("Próximo contacto") + 1)
    assert (cell.value, cell.number_format) == (at("05/11/2026", 10, 30), "dd/mm/yyyy hh:mm")
    agenda_cell = book["Agenda"]["A5"]
    assert (agenda_cell.value, agenda_cell.number_format) == (at("05/11/2026", 10, 30), "dd/mm/yyyy hh:mm")
    # The team's own cell in Seguimiento keeps its time too.
    assert book["Seguimiento"]["D2"].value == at("05/11/2026", 10, 30)

    ics = tmp_path / "agenda.ics"
    cartera.export_agenda(ics)
    lines = unfold(ics.read_text("utf-8"))
    assert "DTSTART;TZID=America/Lima:20261105T103000" in lines  # the team's local time, in its zone from Reglas
    assert "TZID:America/Lima" in lines and "TZOFFSETTO:-0500" in lines  # with the zone it names


def test_an_unknown_time_zone_is_reported_and_the_default_kept(tmp_path: Path) -> None:
    cartera = cartera_xls.load(_timed_workbook(tmp_path / "c.xlsx", "Hora de Lima"), hoy=HOY)
    assert cartera.refreshed.parameters.zona_horaria == Parameters().zona_horaria
    problems = cartera.revisar
    assert ((problems["Hoja"] == "Reglas") & (problems["Valor"] == "Hora de Lima")).any()


# --- 7: colours that stay true, the refresh stamp -------------------------------------------


def test_live_colours_read_dias_aviso_from_the_reglas_cell(tmp_path: Path) -> None:
    source = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
            "Reglas": [["Parámetro", "Valor"], ["moneda", "S/"], ["dias_aviso", 10]],
        },
    )
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(source, out, hoy=HOY)
    book = openpyxl.load_workbook(out)
    name = book.defined_names[WARN_DAYS_NAME]
    assert name.attr_text == "'Reglas'!$B$3"  # the team's own row, where they typed 10
    assert book["Reglas"]["B3"].value == 10
    with zipfile.ZipFile(out) as archive:
        sheet_xml = archive.read(_sheet_part(archive, "Clientes")).decode()
    formulas = re.findall(r"<formula>(.*?)</formula>", sheet_xml)
    assert any("cartera_hoy" in f and WARN_DAYS_NAME in f for f in formulas)  # due soon: against the cell, not a literal 10
    assert not any(re.search(r"TODAY\(\)\+\d", f) for f in formulas)
    assert any(("cartera_hoy" in f and "&lt;" in f) or "<=cartera_hoy" in f for f in formulas)  # overdue: a passed date turns red
    # Refreshed again, the name is defined once (the tool's own, not carried as the team's).
    cartera_xls.refresh(out, hoy=HOY)
    with zipfile.ZipFile(out) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    assert workbook.count(f'name="{WARN_DAYS_NAME}"') == 1


def _sheet_part(archive: zipfile.ZipFile, name: str) -> str:
    workbook = archive.read("xl/workbook.xml").decode()
    rel_id = re.search(rf'<sheet name="{name}" sheetId="\d+" r:id="(rId\d+)"', workbook)
    assert rel_id is not None
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    target = re.search(rf'Id="{rel_id.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rel_id.group(1)}"', rels
    )
    assert target is not None
    return "xl/" + target.group(1).removeprefix("/xl/")


def test_resumen_and_agenda_say_when_they_were_refreshed(tmp_path: Path) -> None:
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]]})
    out = tmp_path / "salida.xlsx"
    cartera_xls.refresh(source, out, hoy=HOY)
    book = openpyxl.load_workbook(out)
    for sheet, cell in (("Resumen", "A3"), ("Agenda", "A2")):
        stamp = book[sheet][cell]
        # refreshed as of another day than today (--hoy): «calculado al», and its colours compare with that day
        assert stamp.value == at("02/11/2026") and stamp.number_format.startswith('"Calculado al "')
        rules_here = [rule for ranges in book[sheet].conditional_formatting for rule in ranges.rules]
        assert any(f"cartera_hoy-${cell[0]}${cell[1:]}>{labels.STALE_DAYS}" in formula for rule in rules_here for formula in rule.formula)
    assert book.defined_names["cartera_hoy"].attr_text == "DATE(2026,11,2)"


# --- 8: a calendar that can be imported again -----------------------------------------------


def _calendar_workbook(path: Path, contacts: list[list[Any]]) -> Path:
    return make_workbook(
        path,
        {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"], ["C2", "Luis"]],
            "Ventas": [["Fecha", "Cliente", "Importe"], [at("01/10/2026"), "C1", 100], [at("01/10/2026"), "C2", 100]],
            "Seguimiento": [["Fecha", "Cliente", "Próxima acción", "Fecha próxima acción"], *contacts],
        },
    )


def _events(text: str) -> dict[str, dict[str, str]]:
    events: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT" and current is not None:
            events[current["UID"]] = current
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name.split(";")[0]] = line if name.startswith("DTSTART") else value
    return events


def test_calendar_events_keep_their_uid_revise_and_cancel(tmp_path: Path) -> None:
    contacts = [
        [at("28/10/2026"), "C1", "Confirmar pedido", at("04/11/2026")],
        [at("29/10/2026"), "C2", "Enviar muestras", at("06/11/2026")],
    ]
    first_now = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    cartera = cartera_xls.load(_calendar_workbook(tmp_path / "a.xlsx", contacts), hoy=HOY)
    first = _events(agenda_calendar(cartera.refreshed.agenda, HOY, "Europe/Madrid", now=first_now))
    assert set(first) == {"C1-accion-20261028-1@cartera-xls", "C2-accion-20261029-1@cartera-xls"}  # client and action, no date
    assert all(event["SEQUENCE"] == "0" and event["DTSTAMP"] == "20261102T090000Z" for event in first.values())

    # Exported again the same day with nothing changed: the very same events.
    text = agenda_calendar(cartera.refreshed.agenda, HOY, "Europe/Madrid", now=first_now)
    again = agenda_calendar(
        cartera.refreshed.agenda, HOY, "Europe/Madrid", read_previous(text), dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    )
    assert _events(again) == first

    # A week later: C1's action is overdue (on today's date, marked), C2 called on 06/11 (its action is done).
    later_contacts: list[list[Any]] = [*contacts, [at("06/11/2026"), "C2", None, None]]
    later = cartera_xls.load(_calendar_workbook(tmp_path / "b.xlsx", later_contacts), hoy=dt.date(2026, 11, 9))
    week_now = dt.datetime(2026, 11, 9, 9, 0, tzinfo=dt.UTC)
    revised = _events(agenda_calendar(later.refreshed.agenda, dt.date(2026, 11, 9), "Europe/Madrid", read_previous(text), week_now))
    overdue = revised["C1-accion-20261028-1@cartera-xls"]
    assert overdue["DTSTART"] == "DTSTART;VALUE=DATE:20261109"  # today, where someone sees it
    assert overdue["SUMMARY"].startswith(messages.ICS_OVERDUE.format(date="04/11/2026", summary="")[:-1].rstrip())
    assert (overdue["SEQUENCE"], overdue["DTSTAMP"]) == ("1", "20261109T090000Z")
    done = revised["C2-accion-20261029-1@cartera-xls"]
    assert (done["STATUS"], done["SEQUENCE"]) == ("CANCELLED", "1")


# --- 9: bought after its Fecha de baja ------------------------------------------------------


def test_a_purchase_after_the_churn_date_reactivates_and_is_flagged(tmp_path: Path) -> None:
    source = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre", "Fecha de baja"], ["C1", "Ana", at("01/09/2026")], ["C2", "Luis", at("01/10/2026")]],
            "Ventas": [["Fecha", "Cliente", "Importe"], [at("20/10/2026"), "C1", 100], [at("01/08/2026"), "C2", 50]],
        },
    )
    cartera = cartera_xls.load(source, hoy=HOY)
    # C1 bought on 20/10, after leaving on 01/09: back, and activo, not nuevo (the sales begin on 01/08, 80 days before its
    # first purchase: fewer than the 90 of dias_cliente_nuevo, so nobody can tell it had not bought before)
    assert cartera.clientes["Estado"].tolist() == ["activo", "perdido"]
    problems = cartera.revisar
    flagged = problems[problems["Problema"].str.startswith("Compró después de su baja")]
    assert flagged[["Hoja", "Fila", "Columna", "Valor"]].values.tolist() == [["Clientes", 2, "Fecha de baja", "01/09/2026"]]
    assert flagged["Problema"].iloc[0] == messages.BOUGHT_AFTER_CHURN[0].format(last="20/10/2026")
    assert cartera.agenda["ID"].tolist().count("C2") == 0  # the lost one stays out of the agenda


# --- 10, 11: figures in points, no comparison against missing data ----------------------------


def test_nps_and_satisfaction_change_in_points(tmp_path: Path) -> None:
    hoy = dt.date(2026, 11, 20)  # current: 01/11–20/11; previous: 01/10–20/10; a year before: 01/11/2025–20/11/2025
    surveys: list[list[Any]] = [["Fecha", "Cliente", "Satisfacción", "Recomendación"], [at("01/01/2025"), "C1", 4, 8]]
    surveys += [[at("05/10/2026"), "C1", s, r] for s, r in ((5, 10), (4, 9), (4, 5), (5, 10))]  # NPS 75 − 25 = +50, mean 4.5
    surveys += [[at("05/11/2026"), "C1", 3, r] for r in (2, 3, 4, 10)]  # NPS 25 − 75 = −50, mean 3
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Encuestas": surveys})
    out = tmp_path / "salida.xlsx"
    cartera = cartera_xls.refresh(source, out, hoy=hoy).cartera
    table = cartera.indicadores["periodos"]
    assert table.loc["NPS (recomendación)", CURRENT] == pytest.approx(-50)
    assert table.loc["NPS (recomendación)", PREVIOUS] == pytest.approx(50)
    assert table.loc["NPS (recomendación)", CHANGE] == pytest.approx(-100)  # points, not −200 %
    assert table.loc["Satisfacción media (1–5)", CHANGE] == pytest.approx(-1.5)
    assert np.isnan(table.loc["NPS (recomendación)", LAST_YEAR])  # no answer back then: blank, not 0
    resumen = openpyxl.load_workbook(out)["Resumen"]
    row = next(r for r in resumen.iter_rows() if r[0].value == "NPS (recomendación)")
    assert (row[5].value, row[5].number_format) == (-100, Fmt.POINTS)


def test_no_comparison_with_periods_before_a_sheet_has_data(tmp_path: Path) -> None:
    hoy = dt.date(2026, 11, 20)
    source = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
            "Ventas": [["Fecha", "Cliente", "Importe"], [at("05/11/2026"), "C1", 100], [at("12/11/2026"), "C1", 50]],
        },
    )
    out = tmp_path / "salida.xlsx"
    cartera = cartera_xls.refresh(source, out, hoy=hoy).cartera
    table = cartera.indicadores["periodos"]
    assert table.loc["Facturación", CURRENT] == 150
    assert np.isnan(table.loc["Facturación", PREVIOUS]) and np.isnan(table.loc["Facturación", LAST_YEAR])
    assert np.isnan(table.loc["Facturación", CHANGE])
    trend = cartera.indicadores["tendencia"]
    assert trend["Facturación"].iloc[-1] == 150 and trend["Facturación"].iloc[:-1].isna().all()  # months before: blank
    resumen = texts(out, "Resumen")
    assert labels.UNCOVERED_NOTE.format(sheet="Ventas", date="05/11/2026", slack=7) in resumen


def test_days_to_close_over_90_days_and_12_months_from_first_contact(tmp_path: Path) -> None:
    hoy = dt.date(2026, 11, 20)  # 90 days: 23/08–20/11
    source = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"], ["C2", "Luis"]],
            "Ventas": [["Fecha", "Cliente", "Importe"], [at("21/09/2026"), "C1", 100], [at("09/02/2026"), "C2", 50]],
            "Seguimiento": [["Fecha", "Cliente"], [at("01/09/2026"), "C1"], [at("10/01/2026"), "C2"]],
        },
    )
    out = tmp_path / "salida.xlsx"
    cartera = cartera_xls.refresh(source, out, hoy=hoy).cartera
    closing = cartera.indicadores["dias_cierre"]  # C1: 01/09 → 21/09 = 20 days; C2: 10/01 → 09/02 = 30 days
    assert closing.loc["Últimos 90 días"].tolist() == [20.0, 1]
    assert closing.loc["Últimos 12 meses"].tolist() == [25.0, 2]
    resumen = texts(out, "Resumen")
    assert labels.CLOSE_SOURCES["primer_contacto"] in resumen
    assert not any("Oportunidades" in text and "no se calcula" in text for text in resumen)  # one source, said once


# --- 12: ABC and pasivo with ties ---------------------------------------------------------------


def test_equal_revenue_gets_equal_class_whatever_the_row_order() -> None:
    metrics = pd.DataFrame({"facturacion_12m": [700.0, 100.0, 100.0, 100.0], "compras": [1, 1, 1, 1]})
    # 700 make 70 %; the three tied clients start at 70 % < 80 %: all A (by row order the second and third were B).
    assert rules.abc(metrics, Parameters()).tolist() == ["A", "A", "A", "A"]
    swapped = pd.DataFrame({"facturacion_12m": [100.0, 100.0, 700.0, 100.0], "compras": [1, 1, 1, 1]})
    assert rules.abc(swapped, Parameters()).tolist() == ["A", "A", "A", "A"]
    metrics = pd.DataFrame({"facturacion_12m": [600.0, 300.0, 50.0, 50.0], "compras": [1, 1, 1, 1]})
    # Ahead of each: 0 % (A), 60 % (A), and 90 % for both tied clients: B for both, never B for one and C for the other.
    assert rules.abc(metrics, Parameters()).tolist() == ["A", "A", "B", "B"]


def test_pasivo_never_marks_more_than_its_share_with_ties() -> None:
    n = 8
    clients = pd.DataFrame({"id": [f"C{i}" for i in range(n)]}, index=range(2, n + 2))

    def estados(revenue: list[float], purchases: list[int]) -> list[str]:
        metrics = pd.DataFrame(
            {
                "dias_sin_comprar": pd.array([10] * n, dtype="Int64"),
                "compras": pd.array([5] * n, dtype="Int64"),
                "intervalo": pd.array([20] * n, dtype="Int64"),
                "intervalo_exacto": [20.0] * n,
                "primera_compra": [pd.Timestamp("2025-01-01")] * n,
                "ultima_compra": [pd.Timestamp("2026-10-20")] * n,
                "ultima_linea": [pd.Timestamp("2026-10-20")] * n,
                "facturacion_12m": revenue,
                "compras_12m": pd.array(purchases, dtype="Int64"),
            },
            index=clients.index,
        )
        return rules.estados(clients, metrics, Parameters(), pd.Timestamp(HOY)).tolist()

    # Distinct values: the bottom quarter of 8 is 2 clients.
    assert estados([10, 20, 30, 40, 50, 60, 70, 80], [1, 2, 3, 4, 5, 6, 7, 8]).count("pasivo") == 2
    # Five clients tied at the bottom cannot all be its 25 %: none is marked (before, all five were).
    assert estados([10, 10, 10, 10, 10, 300, 400, 500], [1, 1, 1, 1, 1, 3, 4, 5]).count("pasivo") == 0
    # Fewer than four clients to rank: none (a percentile of three says nothing).
    few = pd.DataFrame({"id": ["A", "B", "C"]}, index=[2, 3, 4])
    metrics = pd.DataFrame(
        {
            "dias_sin_comprar": pd.array([10] * 3, dtype="Int64"),
            "compras": pd.array([5] * 3, dtype="Int64"),
            "intervalo": pd.array([20] * 3, dtype="Int64"),
            "intervalo_exacto": [20.0] * 3,
            "primera_compra": [pd.Timestamp("2025-01-01")] * 3,
            "ultima_compra": [pd.Timestamp("2026-10-20")] * 3,
            "ultima_linea": [pd.Timestamp("2026-10-20")] * 3,
            "facturacion_12m": [1.0, 2.0, 3.0],
            "compras_12m": pd.array([1, 2, 3], dtype="Int64"),
        },
        index=few.index,
    )
    assert "pasivo" not in rules.estados(few, metrics, Parameters(), pd.Timestamp(HOY)).tolist()


# --- 13, 16: cross-selling with minimum support, in linear memory --------------------------------


def _pairs_workbook(path: Path, minimum: int | None = None) -> Path:
    bought = {"C1": "AB", "C2": "AB", "C3": "AB", "C4": "CD", "C5": "A", "C6": "A"}
    sales: list[list[Any]] = [["Fecha", "Cliente", "Producto", "Importe"]]
    sales += [[at("01/10/2026"), client, product, 10] for client, products in bought.items() for product in products]
    sheets: dict[str, list[list[Any]]] = {"Clientes": [["ID", "Nombre"], *([c, c] for c in bought)], "Ventas": sales}
    if minimum is not None:
        sheets["Reglas"] = [["Parámetro", "Valor"], ["min_clientes_par", minimum]]
    return make_workbook(path, sheets)


def test_cross_selling_lists_only_pairs_bought_by_enough_clients(tmp_path: Path) -> None:
    cartera = cartera_xls.load(_pairs_workbook(tmp_path / "a.xlsx"), hoy=HOY)
    pairs = cartera.indicadores["pares"]
    # A–B: 3 of 6 clients; P(A) = 5/6, P(B) = 3/6 → lift (3/6) / (5/6 · 3/6) = 1.2. C–D (one client, lift 6) is left out.
    assert pairs[["Producto A", "Producto B", "Clientes con ambos"]].values.tolist() == [["A", "B", 3]]
    assert pairs["Lift"].iloc[0] == pytest.approx(1.2)
    offers = cartera.indicadores["ofertas"].set_index("ID")["Producto a ofrecer"].to_dict()
    assert offers == {"C5": "B", "C6": "B"}  # C4 gets nothing from a pair of one client
    loose = cartera_xls.load(_pairs_workbook(tmp_path / "b.xlsx", minimum=1), hoy=HOY).indicadores["pares"]
    assert loose[["Producto A", "Producto B"]].values.tolist()[0] == ["C", "D"] and loose["Lift"].iloc[0] == pytest.approx(6.0)


def test_product_pairs_need_no_products_squared_matrix() -> None:
    """Thousands of products bought by few clients each: the pairs come from the client–product pairs alone."""
    rng = np.random.default_rng(3)
    clients, products, lines = 3_000, 20_000, 30_000
    sales = pd.DataFrame(
        {
            "date": pd.Timestamp("2026-10-01"),
            "client": rng.integers(0, clients, lines).astype(str),
            "product": rng.integers(0, products, lines).astype(str),
            "amount": 10.0,
        }
    )
    sales[CLIENT_ID] = sales["client"]
    frame = pd.DataFrame({"id": sorted(set(sales["client"])), "name": "x"})
    inputs = indicators.Inputs(
        frame.assign(compras=1, facturacion_12m=1.0),
        rules.Sheets(clients=frame, sales=sales),
        Parameters(min_clientes_par=1),
        pd.Timestamp(HOY),
    )
    pairs = indicators._pairs(inputs)
    assert pairs is not None
    owned = sales[[CLIENT_ID, "product"]].drop_duplicates()
    per_client = owned.groupby(CLIENT_ID).size()
    assert pairs.table["clientes"].sum() == int((per_client * (per_client - 1) // 2).sum())  # every pair of each basket, once


@pytest.mark.parametrize(("minimum", "chunk"), [(1, 2_000_000), (3, 2_000_000), (1, 7), (3, 50)])
def test_pairs_and_offers_match_a_plain_dense_computation(minimum: int, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a small random catalogue, the same pairs and offers as the textbook clients × products matrices (in one go or in chunks)."""
    monkeypatch.setattr(indicators, "OFFER_CHUNK", chunk)
    rng = np.random.default_rng(minimum)
    sales = pd.DataFrame({"client": rng.integers(0, 60, 400).astype(str), "product": rng.choice(list("ABCDEFGHIJKLMNO"), 400)})
    sales = sales.assign(date=pd.Timestamp("2026-10-01"), amount=10.0, **{CLIENT_ID: sales["client"]})
    frame = pd.DataFrame({"id": sorted(set(sales["client"])), "name": "x"})
    inputs = indicators.Inputs(frame, rules.Sheets(clients=frame, sales=sales), Parameters(min_clientes_par=minimum), pd.Timestamp(HOY))
    basket = pd.crosstab(sales[CLIENT_ID], sales["product"]).clip(upper=1).astype(float)
    owned = basket.to_numpy()
    together = owned.T @ owned
    support = np.diag(together) / len(owned)
    lift = (together / len(owned)) / np.outer(support, support)
    names = list(basket.columns)
    expected = {(names[i], names[j]): lift[i, j] for i in range(len(names)) for j in range(i + 1, len(names)) if together[i, j] >= minimum}
    pairs = indicators._pairs(inputs)
    assert pairs is not None
    got = {(a, b): value for a, b, value in pairs.table[["producto_a", "producto_b", "lift"]].itertuples(index=False)}
    assert got.keys() == expected.keys() and all(got[k] == pytest.approx(v) for k, v in expected.items())
    # Each client's offer: over (X it buys, Y it does not) of a kept pair with lift > 1, the highest lift,
    # then confidence X→Y, then Y and X by name.
    best = {}
    for client, row in zip(basket.index, owned, strict=True):
        candidates = [
            (-lift[x, y], -together[x, y] / together[x, x], names[y], names[x], lift[x, y], together[x, y] / together[x, x])
            for x in np.flatnonzero(row)
            for y in np.flatnonzero(row == 0)
            if together[x, y] >= minimum and lift[x, y] > 1
        ]
        if candidates:
            _, _, y_name, x_name, pair_lift, confidence = min(candidates)
            best[client] = (y_name, x_name, pytest.approx(pair_lift), pytest.approx(confidence))
    offers = indicators.best_offers(inputs, pairs)
    got_offers = offers[["id", "producto", "porque", "lift", "confianza"]].itertuples(index=False)
    assert {client: (y, x, value, confidence) for client, y, x, value, confidence in got_offers} == best
    assert (offers["lift"] > 1).all()


# --- 14, 15: Productos over 12 months; the contact types that count ----------------------------------


def test_sales_contacts_are_the_types_reglas_lists(tmp_path: Path) -> None:
    def load(parameters: list[list[Any]]) -> cartera_xls.Cartera:
        sheets: dict[str, list[list[Any]]] = {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
            "Seguimiento": [
                ["Fecha", "Cliente", "Tipo"],
                *([at("01/11/2026"), "C1", kind] for kind in ("llamada", "llamada", "visita", "email")),
            ],
        }
        if parameters:
            sheets["Reglas"] = [["Parámetro", "Valor"], *parameters]
        return cartera_xls.load(make_workbook(tmp_path / f"c{len(parameters)}.xlsx", sheets), hoy=HOY)

    by_default = load([]).indicadores["periodos"]
    assert by_default.loc["Llamadas y contactos de venta", CURRENT] == 3  # llamada, visita, reunión: not the email
    only_visits = load([["tipos_contacto_venta", "Visita"]])
    assert only_visits.indicadores["periodos"].loc["Llamadas y contactos de venta", CURRENT] == 1
    assert only_visits.refreshed.parameters.tipos_contacto_venta == "visita"
    out = tmp_path / "salida.xlsx"
    only_visits.save(out)
    assert labels.CONTACTS_LABEL.format(label="Llamadas y contactos de venta", types="visita") in texts(out, "Resumen")
    unknown = load([["tipos_contacto_venta", "fax"], ["x", 1]])
    assert unknown.refreshed.parameters.tipos_contacto_venta == Parameters().tipos_contacto_venta
    assert (unknown.revisar["Valor"] == "fax").any()


# --- 17, 19, 20: persona o empresa, referrals, what each client buys ---------------------------


def test_persona_o_empresa_is_read_listed_and_analysed(tmp_path: Path) -> None:
    source = make_workbook(
        tmp_path / "c.xlsx",
        {"Clientes": [["ID", "Nombre", "Tipo de persona"], ["C1", "Ana", "Persona natural"], ["C2", "Andina SAC", "jurídica"]]},
    )
    out = tmp_path / "salida.xlsx"
    cartera = cartera_xls.refresh(source, out, hoy=HOY).cartera
    assert cartera.clientes["Persona o empresa"].tolist() == ["persona", "empresa"]
    table = cartera.indicadores["segmentos"]["Persona o empresa"]
    assert table["Clientes"].to_dict() == {"persona": 1, "empresa": 1}
    lists = openpyxl.load_workbook(out)["Listas"]
    assert "Persona o empresa" in [cell.value for cell in lists[1]]  # its dropdown
    template = openpyxl.load_workbook(write_template(tmp_path / "nueva.xlsx"))["Clientes"]
    assert "Persona o empresa" in [cell.value for cell in template[1]]


def test_referrers_are_marked_ranked_first_and_analysed(tmp_path: Path) -> None:
    source = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [
                ["ID", "Nombre", "Referido por"],
                ["C4", "Pedro", None],
                ["C1", "Ana", None],
                ["C2", "Luis", "C1"],
                ["C3", "Rosa", "ana"],
            ],
            "Ventas": [["Fecha", "Cliente", "Importe"], [at("01/10/2026"), "C2", 100]],
            "Reclamos": [["Fecha", "Cliente", "Estado"], [at("29/10/2026"), "C4", "abierto"], [at("29/10/2026"), "C1", "abierto"]],
        },
    )
    out = tmp_path / "salida.xlsx"
    cartera = cartera_xls.refresh(source, out, hoy=HOY).cartera
    agenda = cartera.agenda
    complaints = agenda[agenda["Acción sugerida"] == messages.ACTION_COMPLAINT[0]]
    assert complaints["ID"].tolist() == ["C1", "C4"]  # equal colour, day, class and probability: who brought clients first
    assert complaints["Clientes que trajo"].tolist()[0] == 2
    referrals = cartera.indicadores["referidos"]
    assert referrals.values.tolist() == [["C1", "Ana", 2, 1, 100.0]]  # by ID and by name; one of the two buys
    assert labels.AXIS_REFERRALS in texts(out, "Análisis")


def test_products_bought_are_listed_most_bought_first(tmp_path: Path) -> None:
    sales: list[list[Any]] = [["Fecha", "Cliente", "Producto", "Importe"]]
    sales += [[at(day), "C1", "Maca", 10] for day in ("01/08/2026", "01/09/2026", "01/10/2026")]
    sales += [[at("01/10/2026"), "C1", "Stevia", 50], [at("01/10/2026"), "C1", "Maca", 5]]  # one purchase day with two lines
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": sales})
    client = cartera_xls.load(source, hoy=HOY).clientes.iloc[0]
    assert (client["Productos comprados"], client["Qué compra (veces)"]) == (2, "Maca (3), Stevia (1)")
