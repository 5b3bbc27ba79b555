"""Every estado and every semáforo reason, the day before, on and after each threshold (SPEC §2 defaults)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
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
    parameters: dict[str, Any] | None = None,
    logged: int | None = None,
) -> dict[str, Any]:
    """Refresh a portfolio around client C1 and return its computed columns (team's labels).

    ``logged``: days ago Seguimiento started, by a call to another client (C0), when C1's own ``contacts`` do not say.
    """
    client = {"Nombre": "Ana", **(client or {})}
    headers = ["ID", *client]
    clients: list[list[Any]] = [headers, ["C1", *client.values()]]
    sales: list[list[Any]] = [["Fecha", "Cliente", "Importe", "Producto"]]
    for days, amount in zip(purchases, amounts or [100.0] * len(purchases), strict=True):
        sales.append([ago(days), "C1", amount, "Maca"])
    for number, (client_id, days_list, amount) in enumerate(others, start=2):
        clients.append([client_id, f"Otro {number}", *[None] * (len(headers) - 2)])
        sales.extend([ago(days), client_id, amount, "Stevia"] for days in days_list)
    seguimiento: list[list[Any]] = [
        ["Fecha", "Cliente", "Tipo", "Esperando respuesta", "El cliente espera nuestra respuesta", "Próxima acción", "Fecha próxima acción"]
    ]
    for contact in contacts:
        action_date = contact.get("action_in")
        seguimiento.append(
            [
                ago(contact["days"]),
                "C1",
                "llamada",
                contact.get("waiting"),
                contact.get("owes"),
                contact.get("action"),
                None if action_date is None else ago(-action_date),
            ]
        )
    if logged is not None:
        clients.append(["C0", "Otro", *[None] * (len(headers) - 2)])
        seguimiento.append([ago(logged), "C0", "llamada", None, None, None, None])
    sheets: dict[str, list[list[Any]]] = {"Clientes": clients, "Ventas": sales, "Seguimiento": seguimiento}
    if complaints:
        sheets["Reclamos"] = [["Fecha", "Cliente", "Estado"], *([ago(c["days"]), "C1", c["status"]] for c in complaints)]
    if parameters:
        sheets["Reglas"] = [["Parámetro", "Valor"], *([k, v] for k, v in parameters.items())]
    path = make_workbook(tmp_path / "cartera.xlsx", sheets)
    cartera = cartera_xls.load(path, hoy=HOY)
    row = cartera.clientes.iloc[0]
    return {label: row[label] for label in ("Estado", "Semáforo", "Motivo", "Próximo contacto", "Acción sugerida", "Volumen", "ABC")}


ESTADO_CASES = [
    # (case, keyword arguments, expected estado)
    ("never bought", {"purchases": ()}, "potencial"),
    # A credit note is a return of something bought before the data begin: a client who has not bought since, not a prospect.
    ("only a credit note", {"purchases": (10,), "amounts": (-50.0,)}, "inactivo"),
    ("only a credit note, 366 days ago", {"purchases": (366,), "amounts": (-50.0,)}, "perdido"),
    # nuevo needs history: the sales data (C9 bought 300 days ago) cover dias_cliente_nuevo days before the first purchase
    ("first purchase 89 days ago", {"purchases": (89,), "others": (("C9", (300,), 10.0),)}, "nuevo"),
    ("first purchase 90 days ago", {"purchases": (90,), "others": (("C9", (300,), 10.0),)}, "nuevo"),
    ("first purchase 89 days ago, the data begin 179 days ago", {"purchases": (89,), "others": (("C9", (179,), 10.0),)}, "nuevo"),
    ("first purchase 89 days ago, the data begin 178 days ago", {"purchases": (89,), "others": (("C9", (178,), 10.0),)}, "activo"),
    ("first purchase 89 days ago, the data begin that day", {"purchases": (89,)}, "activo"),
    ("first purchase 91 days ago", {"purchases": (91,)}, "activo"),
    ("one purchase 179 days ago", {"purchases": (179,)}, "activo"),
    ("one purchase 180 days ago", {"purchases": (180,)}, "activo"),
    ("one purchase 181 days ago", {"purchases": (181,)}, "inactivo"),
    ("regular every 10 days, last 59 ago", {"purchases": (59, 69, 79, 89, 99)}, "activo"),
    ("regular every 10 days, last 60 ago", {"purchases": (60, 70, 80, 90, 100)}, "activo"),
    ("regular every 10 days, last 61 ago", {"purchases": (61, 71, 81, 91, 101)}, "inactivo"),
    ("regular every 100 days, last 200 ago", {"purchases": (200, 300, 400)}, "activo"),
    ("regular every 100 days, last 201 ago", {"purchases": (201, 301, 401)}, "inactivo"),
    # Gaps of 126 and 127 days: the usual interval is 126.5, twice that 253 (rounding first gave 252).
    ("median interval 126.5, last 253 ago", {"purchases": (253, 379, 506)}, "activo"),
    ("median interval 126.5, last 254 ago", {"purchases": (254, 380, 507)}, "inactivo"),
    # Every 300 days would allow 600 without buying, but a year without a purchase is inactive whatever the rhythm
    # (no purchase in the 12 months the pasivo percentile measures).
    ("regular every 300 days, last 364 ago", {"purchases": (364, 664, 964)}, "activo"),
    ("regular every 300 days, last 365 ago", {"purchases": (365, 665, 965)}, "inactivo"),
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
        {"purchases": (30,), "others": (("C2", (20, 40), 5000.0), ("C3", (20, 40), 5000.0), ("C4", (20, 400), 900.0))},
        "nuevo",
    ),
    ("dias_inactivo from Reglas", {"purchases": (121,), "parameters": {"dias_inactivo": 120}}, "inactivo"),
]


@pytest.mark.parametrize(("case", "kwargs", "expected"), ESTADO_CASES, ids=[c[0] for c in ESTADO_CASES])
def test_estado(tmp_path: Path, case: str, kwargs: dict[str, Any], expected: str) -> None:
    assert classify(tmp_path, **kwargs)["Estado"] == expected


def test_pasivo_is_the_bottom_quarter_in_revenue_and_purchases(tmp_path: Path) -> None:
    others = tuple((f"C{n}", (10, 40, 70, 100), 1000.0) for n in range(2, 9))
    assert classify(tmp_path, purchases=(100,), amounts=(20.0,), others=others)["Estado"] == "pasivo"
    # Bottom in purchases but not in revenue: not pasivo.
    assert classify(tmp_path, purchases=(100,), amounts=(9000.0,), others=others)["Estado"] == "activo"


# HOY is Monday 02/11/2026; the follow-up day is Friday (30/10, 06/11, 13/11…). By default C1 bought once,
# 100 days ago (activo), and was last contacted 5 days ago (28/10): its periodic contact falls on the
# Friday after 28/10 + 31 days = 28/11, that is 04/12, more than dias_aviso = 7 days ahead.
PERIODIC_AHEAD = messages.REASON_NO_CONTACT.format(due="04/12/2026", date="28/10/2026")
SEMAFORO_CASES = [
    ("prospect with nothing pending", {"purchases": (), "contacts": ({"days": 20},)}, "sin alerta", messages.REASON_NOTHING),
    ("only the periodic contact ahead", {}, "sin alerta", PERIODIC_AHEAD),
    (
        "committed action overdue by a day",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": -1},)},
        "rojo",
        messages.REASON_COMMITTED_OVERDUE.format(date="01/11/2026", action="Llamar"),
    ),
    (
        # «rojo = es para hoy o ya venció»: due today is red, and said as today's, not as late.
        "committed action due today",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": 0},)},
        "rojo",
        "Para hoy: Llamar.",
    ),
    (
        # Follow-up day Monday; last contact 02/10, 31 days later is Monday 02/11: today.
        "periodic contact due today",
        {"contacts": ({"days": 31},), "parameters": {"dia_seguimiento": "lunes"}},
        "rojo",
        "Para hoy: contacto periódico (último contacto el 02/10/2026).",
    ),
    (
        # Waiting since Thursday 22/10; 11 days later is Monday 02/11, the follow-up day: the reminder is today.
        "answer reminder due today",
        {"contacts": ({"days": 11, "waiting": "sí"},), "parameters": {"dia_seguimiento": "lunes"}},
        "rojo",
        "Para hoy: recordarle (sin respuesta desde el 22/10/2026).",
    ),
    (
        "committed action in 7 days",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": 7},)},
        "amarillo",
        messages.REASON_COMMITTED.format(date="09/11/2026", action="Llamar"),
    ),
    (
        "committed action in 8 days: listed, no light",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": 8},)},
        "sin alerta",
        messages.REASON_COMMITTED.format(date="10/11/2026", action="Llamar"),
    ),
    (
        "action done: a contact on its date",
        {"contacts": ({"days": 9, "action": "Llamar", "action_in": -3}, {"days": 3})},
        "sin alerta",
        messages.REASON_NO_CONTACT.format(due="04/12/2026", date="30/10/2026"),
    ),
    (
        "a later contact without a next step leaves the action open",
        {"contacts": ({"days": 9, "action": "Llamar", "action_in": 3}, {"days": 5})},
        "amarillo",
        messages.REASON_COMMITTED.format(date="05/11/2026", action="Llamar"),
    ),
    (
        "action replaced by a later next step",
        {"contacts": ({"days": 9, "action": "Llamar", "action_in": -3}, {"days": 5, "action": "Visitar", "action_in": 20})},
        "sin alerta",
        messages.REASON_COMMITTED.format(date="22/11/2026", action="Visitar") + " Ojo: cae en domingo.",  # kept on its day, said
    ),
    ("open complaint", {"complaints": ({"days": 4, "status": "abierto"},)}, "rojo", messages.REASON_COMPLAINT.format(date="29/10/2026")),
    ("resolved complaint", {"complaints": ({"days": 4, "status": "resuelto"},)}, "sin alerta", PERIODIC_AHEAD),
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
        "sin alerta",
        messages.REASON_NOTHING,
    ),
    (
        "lukewarm prospect",
        {"purchases": (), "client": {"Probabilidad de compra": "69%"}, "contacts": ({"days": 20},)},
        "sin alerta",
        messages.REASON_NOTHING,
    ),
    (
        # Every 30 days, last on 10/10: expected 09/11 (Monday); the reminder is the Friday before, 06/11, within 7 days.
        "repurchase reminder within dias_aviso",
        {"purchases": (23, 53, 83)},
        "amarillo",
        messages.REASON_REPURCHASE.format(date="09/11/2026", due="06/11/2026"),
    ),
    (
        # Last on 18/10: expected 17/11; reminder on Friday 13/11, before the periodic contact of 04/12.
        "repurchase reminder ahead comes before the periodic contact",
        {"purchases": (15, 45, 75)},
        "sin alerta",
        messages.REASON_REPURCHASE.format(date="17/11/2026", due="13/11/2026"),
    ),
    (
        # Last on 23/09: expected 23/10, reminder 16/10; no contact since 03/10 (before its week): overdue, on its date.
        "repurchase reminder that passed",
        {"purchases": (40, 70, 100), "contacts": ({"days": 30},)},
        "rojo",
        messages.REASON_REPURCHASE_OVERDUE.format(date="23/10/2026", due="16/10/2026"),
    ),
    (
        # Last contact 02/10: 31 days later is 02/11, the reminder the Friday after, 06/11.
        "no contact for 31 days",
        {"contacts": ({"days": 31},)},
        "amarillo",
        messages.REASON_NO_CONTACT.format(due="06/11/2026", date="02/10/2026"),
    ),
    (
        "no contact for 25 days",
        {"contacts": ({"days": 25},)},
        "sin alerta",
        messages.REASON_NO_CONTACT.format(due="13/11/2026", date="08/10/2026"),
    ),
    (
        # Last contact 23/09: the reminder fell on Friday 30/10 and nobody called; it stays there, red.
        "periodic reminder that passed",
        {"contacts": ({"days": 40},)},
        "rojo",
        messages.REASON_NO_CONTACT_OVERDUE.format(due="30/10/2026", date="23/09/2026"),
    ),
    (
        # Bought once on 25/07, and Seguimiento has no contact yet (issue 36, point 10): the periodic contact counts from
        # today, 02/11, the day logging starts, not from the purchase: 31 days later is 03/12, the reminder Friday 04/12.
        "never contacted active client, nothing logged yet",
        {"contacts": ()},
        "sin alerta",
        messages.REASON_SINCE_LOGGING.format(due="04/12/2026", date="02/11/2026"),
    ),
    (
        # Never contacted, bought once on 25/07, and Seguimiento has logged calls for a year: 31 days after the purchase
        # is 25/08, the reminder Friday 28/08.
        "never contacted active client",
        {"contacts": (), "logged": 365},
        "rojo",
        messages.REASON_AFTER_PURCHASE_OVERDUE.format(due="28/08/2026", date="25/07/2026"),
    ),
    (
        # First purchase 300 days ago, the last 14 days ago (19/10), never contacted: the purchase was a contact;
        # 31 days after it is 19/11, the reminder Friday 20/11 (not red since the first purchase).
        "client who bought two weeks ago",
        {"purchases": (14, 300), "contacts": (), "logged": 365},
        "sin alerta",
        messages.REASON_AFTER_PURCHASE.format(due="20/11/2026", date="19/10/2026"),
    ),
    (
        "a purchase after the last contact",
        {"purchases": (14, 300), "contacts": ({"days": 50},)},
        "sin alerta",
        messages.REASON_AFTER_PURCHASE.format(due="20/11/2026", date="19/10/2026"),
    ),
    (
        # Fecha de alta 23/10, after the only purchase (25/07): 31 days later is Monday 23/11, the reminder Friday 27/11.
        "signed up after the last purchase",
        {"contacts": (), "client": {"Fecha de alta": ago(10)}, "logged": 365},
        "sin alerta",
        messages.REASON_AFTER_SIGNUP.format(due="27/11/2026", date="23/10/2026"),
    ),
    (
        "waiting for their answer 11 days",
        {"contacts": ({"days": 11, "waiting": "sí"},)},
        "amarillo",
        messages.REASON_WAITING_LONG.format(date="22/10/2026", due="06/11/2026"),
    ),
    (
        "waiting for their answer 10 days: green",
        {"contacts": ({"days": 10, "waiting": "sí"},)},
        "verde",
        messages.REASON_WAITING.format(date="23/10/2026", due="06/11/2026"),
    ),
    (
        "answer reminder that passed",
        {"contacts": ({"days": 20, "waiting": "sí"},)},
        "rojo",
        messages.REASON_WAITING_OVERDUE.format(date="13/10/2026", due="30/10/2026"),
    ),
    (
        # The client waits for our quote since Friday 30/10: ours to do by the next follow-up day, Friday 06/11.
        "the client waits for our answer",
        {"contacts": ({"days": 3, "owes": "sí"},)},
        "amarillo",
        messages.REASON_OWED.format(date="30/10/2026", due="06/11/2026"),
    ),
    (
        "our answer is late",
        {"contacts": ({"days": 10, "owes": "sí"},)},
        "rojo",
        messages.REASON_OWED_OVERDUE.format(due="30/10/2026", date="23/10/2026"),
    ),
    (
        # Follow-up day Monday; asked on Monday 26/10: the answer is due Monday 02/11, today.
        "our answer is due today",
        {"contacts": ({"days": 7, "owes": "sí"},), "parameters": {"dia_seguimiento": "lunes"}},
        "rojo",
        "Para hoy: responderle (espera nuestra respuesta desde el 26/10/2026).",
    ),
    (
        "a later contact closes our answer",
        {"contacts": ({"days": 10, "owes": "sí"}, {"days": 5})},
        "sin alerta",
        PERIODIC_AHEAD,
    ),
    ("lost client", {"purchases": (500,)}, "—", messages.REASON_LOST),
    (
        "every reason, most urgent first",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": -2},), "complaints": ({"days": 4, "status": "abierto"},)},
        "rojo",
        messages.REASON_COMMITTED_OVERDUE.format(date="31/10/2026", action="Llamar")
        + " "
        + messages.REASON_COMPLAINT.format(date="29/10/2026"),
    ),
    (
        "red and yellow both listed",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": 3},), "complaints": ({"days": 4, "status": "abierto"},)},
        "rojo",
        messages.REASON_COMPLAINT.format(date="29/10/2026") + " " + messages.REASON_COMMITTED.format(date="05/11/2026", action="Llamar"),
    ),
    (
        "dias_aviso from Reglas",
        {"contacts": ({"days": 5, "action": "Llamar", "action_in": 10},), "parameters": {"dias_aviso": 10}},
        "amarillo",
        messages.REASON_COMMITTED.format(date="12/11/2026", action="Llamar"),
    ),
]


@pytest.mark.parametrize(("case", "kwargs", "colour", "reason"), SEMAFORO_CASES, ids=[c[0] for c in SEMAFORO_CASES])
def test_semaforo_and_reason(tmp_path: Path, case: str, kwargs: dict[str, Any], colour: str, reason: str) -> None:
    result = classify(tmp_path, **kwargs)
    assert (result["Semáforo"], result["Motivo"]) == (colour, reason)


def test_next_contact_dates(tmp_path: Path) -> None:
    committed = classify(tmp_path, contacts=({"days": 5, "action": "Llamar", "action_in": 3},))
    assert committed["Próximo contacto"] == ago(-3)  # the team's own date
    assert committed["Acción sugerida"] == "Llamar"
    red = classify(tmp_path, complaints=({"days": 4, "status": "abierto"},), contacts=({"days": 5, "action": "Llamar", "action_in": 5},))
    assert red["Próximo contacto"] == ago(0)  # red is due now, not on the other action's date
    assert red["Acción sugerida"] == messages.ACTION_COMPLAINT[0]
    yellow = classify(tmp_path, contacts=({"days": 31},))
    assert yellow["Próximo contacto"] == FRIDAY_AFTER_HOY  # on the weekly follow-up day
    monday = classify(tmp_path, contacts=({"days": 31},), parameters={"dia_seguimiento": "lunes"})
    assert monday["Próximo contacto"] == ago(0)  # 02/10 + 31 days is Monday 02/11 itself
    overdue = classify(tmp_path, contacts=({"days": 40},))
    assert overdue["Próximo contacto"] == dt.datetime(2026, 10, 30)  # the reminder's own past day: overdue
    repurchase = classify(tmp_path, purchases=(15, 45, 75))
    assert repurchase["Próximo contacto"] == dt.datetime(2026, 11, 13)  # before the repurchase of 17/11, not at 04/12
    lost = classify(tmp_path, purchases=(500,))
    assert lost["Próximo contacto"] is None or str(lost["Próximo contacto"]) == "NaT"


def expected_purchase(tmp_path: Path, purchases: tuple[int, ...], client: dict[str, Any] | None = None) -> Any:
    classify(tmp_path, purchases=purchases, client=client)
    cartera = cartera_xls.load(tmp_path / "cartera.xlsx", hoy=HOY)
    return cartera.clientes.iloc[0]["Próxima compra esperada"]


def test_the_next_purchase_is_expected_from_a_habit_only(tmp_path: Path) -> None:
    # Three purchases 30 days apart, the last 10/10: expected 09/11.
    assert expected_purchase(tmp_path, (23, 53, 83)) == dt.datetime(2026, 11, 9)
    # Two purchases are one gap, not a habit: no date (two years apart it said 2028).
    assert pd.isna(expected_purchase(tmp_path, (23, 753)))
    # A lost client is not expected back, even with a habit.
    assert pd.isna(expected_purchase(tmp_path, (23, 53, 83), {"Fecha de baja": ago(3)}))


def test_a_client_who_is_not_a_self_buyer_is_visited(tmp_path: Path) -> None:
    client = {"Compra por iniciativa propia": "no"}
    complaint = classify(tmp_path, client=client, complaints=({"days": 4, "status": "abierto"},))
    assert complaint["Acción sugerida"] == messages.ACTION_COMPLAINT[1] == "Resolver el reclamo y visitar al cliente"
    periodic = classify(tmp_path, client=client, contacts=({"days": 31},))
    assert periodic["Acción sugerida"] == messages.ACTION_NO_CONTACT[1] == "Visitar para mantener el contacto"
    assert classify(tmp_path, contacts=({"days": 31},))["Acción sugerida"] == "Llamar para mantener el contacto"


def test_volume_and_abc(tmp_path: Path) -> None:
    others = (("C2", (10,), 100.0), ("C3", (10,), 100.0), ("C4", (10,), 100.0))
    big = classify(tmp_path, purchases=(10,), amounts=(700.0,), others=others)
    assert (big["Volumen"], big["ABC"]) == ("alto", "A")
    small = classify(tmp_path, purchases=(10,), amounts=(10.0,), others=others)
    assert (small["Volumen"], small["ABC"]) == ("bajo", "C")
