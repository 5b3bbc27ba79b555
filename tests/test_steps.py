"""The pure steps of the pipeline on ten-line DataFrames: no workbook, no disk, expected values worked out by hand."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cartera_xls import checks, followup, indicators, pipeline, rules
from cartera_xls.reading import typed_frame
from cartera_xls.schema import Sheet
from cartera_xls.schema.params import Reglas
from cartera_xls.schema.sheets import CLIENTES, SEGUIMIENTO, VENTAS
from cartera_xls.tables import CLIENT_ID, SheetTable

HOY = pd.Timestamp("2026-11-02")  # a Monday
REGLAS = Reglas()


def day(days_ago: int) -> pd.Timestamp:
    return HOY - pd.Timedelta(days=days_ago)


def table(spec: Sheet, rows: list[dict[str, Any]]) -> SheetTable:
    """A sheet table as the reader would build it, from rows keyed by column key (Excel rows from 2)."""
    slots = tuple(dict.fromkeys(key for row in rows for key in row)) or ("name",)
    values = {slot: [row.get(slot) for row in rows] for slot in slots}
    index = pd.Index(range(2, len(rows) + 2), dtype="int64")
    return SheetTable(spec, spec.label, typed_frame(spec, values, index, slots), slots)


def values(series: pd.Series) -> list[Any]:
    """A column's values with every kind of blank as ``None``."""
    return [None if value is None or value != value else value for value in series.tolist()]  # NaN is not itself


def resolved(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose Cliente is already a client ID."""
    return frame.assign(**{CLIENT_ID: frame["client"]})


def test_purchase_metrics_count_days_not_lines() -> None:
    clients = pd.DataFrame({"id": ["C1", "C2"]}, index=[2, 3])
    sales = resolved(
        pd.DataFrame(
            {
                "client": ["C1", "C1", "C1", "C1", "C2"],
                "date": [day(30), day(30), day(20), day(10), day(400)],
                "amount": [50.0, 50.0, 100.0, -20.0, 10.0],
                "product": ["Maca", "Stevia", "Maca", "Maca", "Quinua"],
            }
        )
    )
    metrics = rules.purchase_metrics(clients, sales, HOY)
    c1 = metrics.loc[2]
    assert c1["compras"] == 2  # two days with positive sales; the credit note is no purchase
    assert c1["ultima_compra"] == day(20) and c1["dias_sin_comprar"] == 20
    assert c1["intervalo"] == 10 and c1["compra_esperada"] == day(10)
    assert c1["facturacion"] == pytest.approx(180.0) and c1["productos"] == 2
    assert metrics.loc[3, "facturacion_12m"] == 0.0 and metrics.loc[3, "facturacion"] == 10.0


def test_abc_classes_by_share_made_before_each_client() -> None:
    metrics = pd.DataFrame({"facturacion_12m": [70.0, 20.0, 6.0, 4.0, 0.0], "compras": [1, 1, 1, 1, 0]})
    # shares made before each: 0, .70, .90, .96 → A, A (below .80), B (below .95), C; no purchases → no class
    assert values(rules.abc(metrics, REGLAS)) == ["A", "A", "B", "C", None]


def test_volumen_against_the_average_buyer() -> None:
    metrics = pd.DataFrame({"facturacion_12m": [300.0, 100.0, 20.0, 0.0], "compras_12m": [3, 1, 1, 0], "compras": [3, 1, 1, 0]})
    # average per buying client: 140 → alto above 140, bajo up to 70, no class without purchases
    assert values(rules.volumen(metrics, REGLAS)) == ["alto", "medio", "bajo", None]


def test_estados_first_match_wins() -> None:
    clients = pd.DataFrame({"id": ["C1", "C2", "C3", "C4"], "churn_date": [pd.NaT, pd.NaT, pd.NaT, day(1)]}, index=[2, 3, 4, 5])
    metrics = pd.DataFrame(
        {
            "dias_sin_comprar": pd.array([10, pd.NA, 200, 10], dtype="Int64"),
            "compras": pd.array([5, 0, 1, 5], dtype="Int64"),
            "intervalo": pd.array([20, pd.NA, pd.NA, 20], dtype="Int64"),
            "primera_compra": [day(300), pd.NaT, day(200), day(300)],
            "facturacion_12m": [100.0, 0.0, 10.0, 100.0],
            "compras_12m": pd.array([5, 0, 1, 5], dtype="Int64"),
        },
        index=clients.index,
    )
    assert rules.estados(clients, metrics, REGLAS, HOY).tolist() == ["activo", "potencial", "inactivo", "perdido"]


def test_semaforo_reasons_and_dates() -> None:
    base = {
        "estado": "activo",
        "abc": "B",
        "volumen": "medio",
        "probabilidad": np.nan,
        "reclamos_abiertos": 0,
        "reclamo_desde": pd.NaT,
        "esperando_desde": pd.NaT,
        "compra_esperada": pd.NaT,
        "ultimo_contacto": day(3),
        "dias_sin_contacto": 3,
        "dias_sin_comprar": 5,
        "accion_fecha": pd.NaT,
        "accion_texto": None,
    }
    frame = pd.DataFrame(
        [
            {**base, "accion_fecha": day(2), "accion_texto": "Llamar"},  # committed action overdue
            {**base, "esperando_desde": day(4)},  # waiting for their answer, within 10 days
            {**base, "estado": "perdido"},
        ]
    )
    result = followup.semaforo(frame, REGLAS, HOY)
    assert result["semaforo"].tolist() == ["rojo", "verde", "—"]
    assert result.loc[0, "motivo"] == f"Acción comprometida vencida el {day(2):%d/%m/%Y}: Llamar."
    assert result.loc[0, "proximo_contacto"] == day(2)
    assert result.loc[1, "proximo_contacto"] == HOY + pd.Timedelta(days=11)  # the day after the wait ends: a Friday
    assert result["proximo_contacto"].isna().tolist() == [False, False, True]


def test_assign_ids_returns_a_new_table_and_leaves_its_input() -> None:
    clients = table(CLIENTES, [{"id": "C0007", "name": "Ana"}, {"name": "Luis"}])
    before = clients.frame.copy()
    updated, problems = checks.assign_ids(clients)
    assert updated.frame["id"].tolist() == ["C0007", "C0008"]
    pd.testing.assert_frame_equal(clients.frame, before)
    assert [(p.row, p.value) for p in problems] == [(3, "C0008")]


def test_resolve_clients_by_id_or_unambiguous_name() -> None:
    clients = table(CLIENTES, [{"id": "C1", "name": "Ana"}, {"id": "C2", "name": "Luis"}, {"id": "C3", "name": "Luis"}])
    sales = table(VENTAS, [{"client": "c1"}, {"client": "ana"}, {"client": "Luis"}, {"client": "Nadie"}])
    ids, problems = checks.resolve_clients(clients, sales)
    assert values(ids) == ["C1", "C1", None, None]
    assert [p.row for p in problems] == [4, 5]  # ambiguous Luis, unknown Nadie
    assert CLIENT_ID not in sales.frame


def test_period_values_on_small_frames() -> None:
    clients = pd.DataFrame({"id": ["C1", "C2"], "primera_compra": [day(1), day(100)], "perdido_desde": [pd.NaT, day(3)]})
    sales = resolved(pd.DataFrame({"client": ["C1", "C2", "C2"], "date": [day(1), day(2), day(40)], "amount": [10.0, 5.0, 7.0]}))
    inputs = indicators.Inputs(clients, rules.Sheets(clients, sales), REGLAS, HOY)
    figures = indicators.period_values(inputs, day(10), HOY)
    assert figures["ventas"] == 2 and figures["facturacion"] == 15.0
    assert figures["nuevos"] == 1 and figures["perdidos"] == 1 and figures["perdidos_por_nuevo"] == 1.0
    assert np.isnan(figures["contactos"])  # no Seguimiento sheet: not computed, not zero


def test_compute_needs_no_file_and_as_of_another_date() -> None:
    clients = table(CLIENTES, [{"id": "C1", "name": "Ana", "salesperson": "Carla"}])
    sales = table(VENTAS, [{"date": day(30).date(), "client": "C1", "amount": 100.0}])
    contacts = table(SEGUIMIENTO, [{"date": day(5).date(), "client": "C1", "next_action": "Llamar", "next_action_date": day(-3).date()}])
    tables = {spec.key: dataclasses.replace(t, frame=resolved(t.frame)) for spec, t in ((VENTAS, sales), (SEGUIMIENTO, contacts))}
    portfolio = pipeline.Portfolio({CLIENTES.key: clients, **tables})
    today = pipeline.compute(portfolio, HOY.date())
    assert today.clients.loc[2, "semaforo"] == "amarillo"  # the action is due in 3 days
    assert today.agenda["accion"].tolist() == ["Llamar"]
    later = pipeline.compute(portfolio, (HOY + pd.Timedelta(days=7)).date())
    assert later.clients.loc[2, "semaforo"] == "rojo"  # and overdue a week later
    assert today.clients.loc[2, "semaforo"] == "amarillo"  # computing again changed nothing already computed


def test_a_repeated_id_belongs_to_its_first_row() -> None:
    ids = pd.Series(["C1", "C2", "C1", None], index=[2, 3, 4, 5])
    revenue = pd.Series({"C1": 100.0, "C2": 50.0})
    # row 4 repeats C1 (reported in Revisar): it gets nothing rather than a copy of row 2's figures
    assert values(rules.per_client(ids, revenue)) == [100.0, 50.0, None, None]
