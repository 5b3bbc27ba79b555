"""Every estado and every semáforo reason, the day before, on and after each threshold (SPEC §2 defaults)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import cartera_xls
from cartera_xls.schema import messages

from .conftest import HOY, make_workbook

FRIDAY_AFTER_HOY = dt.datetime(2026, 11, 6)  # HOY is Monday 2 November 2026


def ago(days: int) -> dt.datetime:
    return dt.datetime.combine(HOY, dt.time()) - dt.timedelta(days=days)


def classify(
    tmp_path: Path,
    *,
    purchases: tuple[int, ...] = (100,),
    amounts: tuple[float, ...] | None = None,
    contacts: tuple[dict[str, Any], ...] = ({"days": 5},),
    client: dict[str, Any] | None = None,
    complaints: tuple[dict[str, Any], ...] = (),
    others: tuple[tuple[str, tuple[int, ...], float], ...] = (),
    reglas: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Refresh a portfolio around client C1 and return its computed columns (team's labels)."""
    client = {"Nombre": "Ana", **(client or {})}
    headers = ["ID", *client]
    clients: list[list[Any]] = [headers, ["C1", *client.values()]]
    sales: list[list[Any]] = [["Fecha", "Cliente", "Importe", "Producto"]]
    for days, amount in zip(purchases, amounts or [100.0] * len(purchases), strict=True):
        sales.append([ago(days), "C1", amount, "Maca"])
    for number, (client_id, days_list, amount) in enumerate(others, start=2):
        clients.append([client_id, f"Otro {number}", *[None] * (len(headers) - 2)])
        sales.extend([ago(days), client_id, amount, "Stevia"] for days in days_list)
    seguimiento: list[list[Any]] = [["Fecha", "Cliente", "Tipo", "Esperando respuesta", "Próxima acción", "Fecha próxima acción"]]
    for contact in contacts:
        action_date = contact.get("action_in")
        seguimiento.append(
            [
                ago(contact["days"]),
                "C1",
                "llamada",
                contact.get("waiting"),
                contact.get("action"),
                None if action_date is None else ago(-action_date),
            ]
        )
    sheets: dict[str, list[list[Any]]] = {"Clientes": clients, "Ventas": sales, "Seguimiento": seguimiento}
    if complaints:
        sheets["Reclamos"] = [["Fecha", "Cliente", "Estado"], *([ago(c["days"]), "C1", c["status"]] for c in complaints)]
    if reglas:
        sheets["Reglas"] = [["Parámetro", "Valor"], *([k, v] for k, v in reglas.items())]
    path = make_workbook(tmp_path / "cartera.xlsx", sheets)
    cartera = cartera_xls.load(path, hoy=HOY)
    row = cartera.clientes.iloc[0]
    return {label: row[label] for label in ("Estado", "Semáforo", "Motivo", "Próximo contacto", "Acción sugerida", "Volumen", "ABC")}


ESTADO_CASES = [
    # (case, keyword arguments, expected estado)
    ("never bought", {"purchases": ()}, "potencial"),
    ("only a credit note", {"purchases": (10,), "amounts": (-50.0,)}, "potencial"),
    ("first purchase 89 days ago", {"purchases": (89,)}, "nuevo"),
    ("first purchase 90 days ago", {"purchases": (90,)}, "nuevo"),
    ("first purchase 91 days ago", {"purchases": (91,)}, "activo"),
    ("one purchase 179 days ago", {"purchases": (179,)}, "activo"),
    ("one purchase 180 days ago", {"purchases": (180,)}, "activo"),
    ("one purchase 181 days ago", {"purchases": (181,)}, "inactivo"),
    ("regular every 10 days, last 59 ago", {"purchases": (59, 69, 79, 89, 99)}, "activo"),
    ("regular every 10 days, last 60 ago", {"purchases": (60, 70, 80, 90, 100)}, "activo"),
    ("regular every 10 days, last 61 ago", {"purchases": (61, 71, 81, 91, 101)}, "inactivo"),
    ("regular every 100 days, last 200 ago", {"purchases": (200, 300, 400)}, "activo"),
    ("regular every 100 days, last 201 ago", {"purchases": (201, 301, 401)}, "inactivo"),
    ("one purchase 364 days ago", {"purchases": (364,)}, "inactivo"),
    ("one purchase 365 days ago", {"purchases": (365,)}, "inactivo"),
    ("one purchase 366 days ago", {"purchases": (366,)}, "perdido"),
    ("regular every 100 days, last 400 ago", {"purchases": (400, 500, 600)}, "inactivo"),
    ("regular every 100 days, last 401 ago", {"purchases": (401, 501, 601)}, "perdido"),
    ("churned yesterday", {"client": {"Fecha de baja": ago(1)}}, "perdido"),
    ("churned today", {"client": {"Fecha de baja": ago(0)}}, "perdido"),
    ("churn date tomorrow", {"client": {"Fecha de baja": ago(-1)}}, "activo"),
    ("churned beats potencial", {"purchases": (), "client": {"Fecha de baja": ago(3)}}, "perdido"),
    ("churned beats nuevo", {"purchases": (10,), "client": {"Fecha de baja": ago(3)}}, "perdido"),
    (
        "nuevo beats the rest",
        {"purchases": (30,), "others": (("C2", (20, 40), 5000.0), ("C3", (20, 40), 5000.0), ("C4", (20,), 900.0))},
        "nuevo",
    ),
    ("dias_inactivo from Reglas", {"purchases": (121,), "reglas": {"dias_inactivo": 120}}, "inactivo"),
]


@pytest.mark.parametrize(("case", "kwargs", "expected"), ESTADO_CASES, ids=[c[0] for c in ESTADO_CASES])
def test_estado(tmp_path: Path, case: str, kwargs: dict[str, Any], expected: str) -> None:
    assert classify(tmp_path, **kwargs)["Estado"] == expected


def test_pasivo_is_the_bottom_quarter_in_revenue_and_purchases(tmp_path: Path) -> None:
    others = tuple((f"C{n}", (10, 40, 70, 100), 1000.0) for n in range(2, 9))
    assert classify(tmp_path, purchases=(100,), amounts=(20.0,), others=others)["Estado"] == "pasivo"
    # Bottom in purchases but not in revenue: not pasivo.
    assert classify(tmp_path, purchases=(100,), amounts=(9000.0,), others=others)["Estado"] == "activo"


SEMAFORO_CASES = [
    ("nothing pending", {}, "verde", messages.REASON_NOTHING),
    (
        "committed action overdue by a day",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": -1},)},
        "rojo",
        messages.REASON_OVERDUE.format(date="01/11/2026", action="Llamar"),
    ),
    (
        "committed action due today",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": 0},)},
        "amarillo",
        messages.REASON_DUE.format(date="02/11/2026", action="Llamar"),
    ),
    (
        "committed action in 7 days",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": 7},)},
        "amarillo",
        messages.REASON_DUE.format(date="09/11/2026", action="Llamar"),
    ),
    ("committed action in 8 days", {"contacts": ({"days": 5, "action": "Llamar", "action_in": 8},)}, "verde", messages.REASON_NOTHING),
    (
        "action done: a contact on its date",
        {"contacts": ({"days": 9, "action": "Llamar", "action_in": -3}, {"days": 3})},
        "verde",
        messages.REASON_NOTHING,
    ),
    (
        "action rescheduled by a later contact",
        {"contacts": ({"days": 9, "action": "Llamar", "action_in": -3}, {"days": 5, "action": "Visitar", "action_in": 20})},
        "verde",
        messages.REASON_NOTHING,
    ),
    ("open complaint", {"complaints": ({"days": 4, "status": "abierto"},)}, "rojo", messages.REASON_COMPLAINT.format(date="29/10/2026")),
    ("resolved complaint", {"complaints": ({"days": 4, "status": "resuelto"},)}, "verde", messages.REASON_NOTHING),
    (
        "A client gone inactive",
        {"purchases": (181,), "amounts": (5000.0,), "others": (("C2", (181,), 10.0),)},
        "rojo",
        messages.REASON_KEY_INACTIVE.format(who=messages.REASON_KEY_A, days=181),
    ),
    (
        "hot prospect not contacted for 8 days",
        {"purchases": (), "client": {"Probabilidad de compra": "70%"}, "contacts": ({"days": 8},)},
        "rojo",
        messages.REASON_HOT_PROSPECT.format(probability="70%", since=messages.REASON_SINCE.format(days=8)),
    ),
    (
        "hot prospect never contacted",
        {"purchases": (), "client": {"Probabilidad de compra": "alta"}, "contacts": ()},
        "rojo",
        messages.REASON_HOT_PROSPECT.format(probability="80%", since=messages.REASON_NEVER),
    ),
    (
        "hot prospect contacted 7 days ago",
        {"purchases": (), "client": {"Probabilidad de compra": "70%"}, "contacts": ({"days": 7},)},
        "verde",
        messages.REASON_NOTHING,
    ),
    (
        "lukewarm prospect",
        {"purchases": (), "client": {"Probabilidad de compra": "69%"}, "contacts": ({"days": 20},)},
        "verde",
        messages.REASON_NOTHING,
    ),
    (
        "repurchase expected in 7 days",
        {"purchases": (23, 53, 83)},
        "amarillo",
        messages.REASON_REPURCHASE.format(date="09/11/2026"),
    ),
    ("repurchase expected in 8 days", {"purchases": (22, 52, 82)}, "verde", messages.REASON_NOTHING),
    (
        "no contact for 31 days",
        {"contacts": ({"days": 31},)},
        "amarillo",
        messages.REASON_NO_CONTACT.format(days=31),
    ),
    ("no contact for 30 days", {"contacts": ({"days": 30},)}, "verde", messages.REASON_NOTHING),
    (
        "never contacted active client",
        {"contacts": ()},
        "amarillo",
        messages.REASON_NEVER_CONTACTED,
    ),
    (
        "waiting for their answer 11 days",
        {"contacts": ({"days": 11, "waiting": "sí"},)},
        "amarillo",
        messages.REASON_WAITING_LONG.format(date="22/10/2026", days=11),
    ),
    (
        "waiting for their answer 10 days",
        {"contacts": ({"days": 10, "waiting": "sí"},)},
        "verde",
        messages.REASON_WAITING.format(date="23/10/2026"),
    ),
    ("lost client", {"purchases": (500,)}, "—", messages.REASON_LOST),
    (
        "overdue beats complaint",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": -2},), "complaints": ({"days": 4, "status": "abierto"},)},
        "rojo",
        messages.REASON_OVERDUE.format(date="31/10/2026", action="Llamar"),
    ),
    (
        "red beats yellow",
        {"contacts": ({"days": 40},), "complaints": ({"days": 4, "status": "abierto"},)},
        "rojo",
        messages.REASON_COMPLAINT.format(date="29/10/2026"),
    ),
    (
        "dias_aviso from Reglas",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": 10},), "reglas": {"dias_aviso": 10}},
        "amarillo",
        messages.REASON_DUE.format(date="12/11/2026", action="Llamar"),
    ),
]


@pytest.mark.parametrize(("case", "kwargs", "colour", "reason"), SEMAFORO_CASES, ids=[c[0] for c in SEMAFORO_CASES])
def test_semaforo_and_reason(tmp_path: Path, case: str, kwargs: dict[str, Any], colour: str, reason: str) -> None:
    result = classify(tmp_path, **kwargs)
    assert (result["Semáforo"], result["Motivo"]) == (colour, reason)


def test_next_contact_dates(tmp_path: Path) -> None:
    committed = classify(tmp_path, contacts=({"days": 5, "action": "Llamar", "action_in": 3},))
    assert committed["Próximo contacto"] == ago(-3)  # the team's own date wins
    assert committed["Acción sugerida"] == "Llamar"
    red = classify(tmp_path, complaints=({"days": 4, "status": "abierto"},))
    assert red["Próximo contacto"] == ago(0)
    assert red["Acción sugerida"] == messages.ACTION_COMPLAINT
    yellow = classify(tmp_path, contacts=({"days": 31},))
    assert yellow["Próximo contacto"] == FRIDAY_AFTER_HOY  # moved to the weekly follow-up day
    monday = classify(tmp_path, contacts=({"days": 31},), reglas={"dia_seguimiento": "lunes"})
    assert monday["Próximo contacto"] == ago(0)
    lost = classify(tmp_path, purchases=(500,))
    assert lost["Próximo contacto"] is None or str(lost["Próximo contacto"]) == "NaT"


def test_volume_and_abc(tmp_path: Path) -> None:
    others = (("C2", (10,), 100.0), ("C3", (10,), 100.0), ("C4", (10,), 100.0))
    big = classify(tmp_path, purchases=(10,), amounts=(700.0,), others=others)
    assert (big["Volumen"], big["ABC"]) == ("alto", "A")
    small = classify(tmp_path, purchases=(10,), amounts=(10.0,), others=others)
    assert (small["Volumen"], small["ABC"]) == ("bajo", "C")
