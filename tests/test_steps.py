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
from cartera_xls.schema.params import Parameters
from cartera_xls.schema.sheets import CLIENTES, SEGUIMIENTO, VENTAS
from cartera_xls.tables import CLIENT_ID, SheetTable

HOY = pd.Timestamp("2026-11-02")  # a Monday
REGLAS = Parameters()


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
    assert c1["intervalo"] == 10 and c1["intervalo_exacto"] == 10.0
    assert pd.isna(c1["compra_esperada"])  # two purchases are one gap, not a habit: nothing expected
    assert c1["ultima_linea"] == day(10)  # the credit note is the last line
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
    churn = [pd.NaT, pd.NaT, pd.NaT, day(1), day(20)]
    clients = pd.DataFrame({"id": ["C1", "C2", "C3", "C4", "C5"], "churn_date": churn}, index=[2, 3, 4, 5, 6])
    metrics = pd.DataFrame(
        {
            "dias_sin_comprar": pd.array([10, pd.NA, 200, 10, 10], dtype="Int64"),
            "compras": pd.array([5, 0, 1, 5, 5], dtype="Int64"),
            "intervalo": pd.array([20, pd.NA, pd.NA, 20, 20], dtype="Int64"),
            "intervalo_exacto": [20.0, np.nan, np.nan, 20.0, 20.0],
            "primera_compra": [day(300), pd.NaT, day(200), day(300), day(300)],
            "ultima_compra": [day(10), pd.NaT, day(200), day(10), day(10)],
            "ultima_linea": [day(10), pd.NaT, day(200), day(10), day(10)],
            "facturacion_12m": [100.0, 0.0, 10.0, 100.0, 100.0],
            "compras_12m": pd.array([5, 0, 1, 5, 5], dtype="Int64"),
        },
        index=clients.index,
    )
    # C4 left yesterday, after its last purchase: lost. C5 left 20 days ago but bought 10 days ago: reactivated.
    assert rules.estados(clients, metrics, REGLAS, HOY).tolist() == ["activo", "potencial", "inactivo", "perdido", "activo"]
    assert rules.reactivated(clients, metrics, HOY).tolist() == [False, False, False, False, True]


def test_actions_semaforo_agenda_and_dates() -> None:
    base = {
        "id": "C",
        "name": "Ana",
        "estado": "activo",
        "abc": "B",
        "volumen": "medio",
        "probabilidad": np.nan,
        "reclamos_abiertos": 0,
        "reclamo_desde": pd.NaT,
        "esperando_desde": pd.NaT,
        "compra_esperada": pd.NaT,
        "primera_compra": day(300),
        "ultima_compra": day(40),
        "ultimo_contacto": day(3),
        "dias_sin_contacto": 3,
        "dias_sin_comprar": 40,
        "referidos": 0,
    }
    frame = pd.DataFrame(
        [
            {**base, "id": "C1"},  # a committed action overdue since Saturday 31/10
            {**base, "id": "C2", "esperando_desde": day(4)},  # waiting since 29/10: green, reminder on Friday 13/11
            {**base, "id": "C3", "estado": "perdido"},
            {**base, "id": "C4", "reclamos_abiertos": 1, "reclamo_desde": day(6)},  # a complaint, and an action on 05/11
            {**base, "id": "C5"},  # last contact 30/10: periodic contact on the Friday after 30/11, 04/12
        ],
        index=[2, 3, 4, 5, 6],
    )
    committed = pd.DataFrame(
        {"fila": [2, 5], "fecha": [day(2), day(-3)], "texto": ["Llamar", "Enviar muestras"], "clave": ["20261028-1", "20261027-1"]}
    )
    found = followup.actions(frame, committed, REGLAS, HOY)
    # One row per action; a periodic contact only where no other action comes first (C5).
    assert sorted(zip(found["fila"], found["tipo"], strict=True)) == [
        (2, "accion"),
        (3, "respuesta"),
        (5, "accion"),
        (5, "reclamo"),
        (6, "contacto"),
    ]
    result = followup.semaforo(frame, found, HOY)
    assert result["semaforo"].tolist() == ["rojo", "verde", "—", "rojo", "sin alerta"]
    assert result.loc[2, "motivo"] == "Vencida desde el 31/10/2026: Llamar."
    assert result.loc[5, "motivo"] == "Reclamo abierto desde el 27/10/2026. Acción comprometida para el 05/11/2026: Enviar muestras."
    assert result.loc[6, "motivo"] == "Contacto periódico el 04/12/2026 (último contacto el 30/10/2026)."
    expected_dates = [day(2), pd.Timestamp("2026-11-13"), pd.NaT, HOY, pd.Timestamp("2026-12-04")]
    assert result["proximo_contacto"].tolist() == expected_dates  # red due now (C4), not on its other action's day
    assert result["acciones_vencidas"].tolist() == [1, 0, 0, 0, 0]
    plan = followup.agenda(frame, frame, found, REGLAS, HOY)  # up to 16/11: not C5's contact of 04/12
    assert list(zip(plan["id"], plan["fecha"], plan["semaforo"], strict=True)) == [
        ("C1", day(2), "rojo"),
        ("C4", HOY, "rojo"),
        ("C4", day(-3), "amarillo"),
        ("C2", pd.Timestamp("2026-11-13"), "verde"),
    ]
    assert plan["clave"].tolist() == ["C1-accion-20261028-1", "C4-reclamo", "C4-accion-20261027-1", "C2-respuesta"]


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
    inputs = indicators.Inputs(clients, rules.Sheets(clients=clients, sales=sales), REGLAS, HOY)
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
