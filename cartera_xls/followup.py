"""The follow-up rules of the RECO AIRES manual: semáforo with its reason, next contact, agenda.

``rojo`` needs constant follow-up, ``amarillo`` a reminder, ``verde`` is
waiting for the client to say whether they are interested (or nothing is
pending); lost clients get no colour and stay out of the agenda. First match
wins, in the order of SPEC §2. Pure functions of the metrics, the parameters
and ``hoy``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pandas as pd

from .schema import messages
from .schema.params import WEEKDAYS, Reglas
from .schema.sheets import (
    ABC_A,
    AGENDA_SHEET,
    AMARILLO,
    DATE_FORMAT,
    ESTADO_ACTIVO,
    ESTADO_INACTIVO,
    ESTADO_NUEVO,
    ESTADO_PERDIDO,
    ESTADO_POTENCIAL,
    ROJO,
    SEMAFORO_PRIORITY,
    SIN_COLOR,
    VERDE,
    VOLUMEN_ALTO,
)
from .tables import is_missing

Row = dict[str, Any]


class Rule(NamedTuple):
    """One follow-up rule of the manual, in the order they are tried."""

    colour: str
    fires: Callable[[Row], bool]  # does it apply to this client
    reason: Callable[[Row], str]  # the Motivo, in words
    action: Callable[[Row], str]  # the suggested action
    contact: Callable[[Row], pd.Timestamp]  # the contact date it derives when the team committed none


def _date(value: Any) -> str:
    return "" if is_missing(value) else pd.Timestamp(value).strftime(DATE_FORMAT)


def _since(days: Any) -> str:
    return messages.REASON_NEVER if is_missing(days) else messages.REASON_SINCE.format(days=int(days))


def _action_text(row: Row) -> str:
    text = row.get("accion_texto")
    return str(text) if isinstance(text, str) and text.strip() else messages.NO_ACTION_TEXT


def _rules(reglas: Reglas, hoy: pd.Timestamp) -> list[Rule]:
    warn = pd.Timedelta(days=int(reglas.dias_aviso))
    wait = int(reglas.dias_espera_respuesta)
    no_contact = int(reglas.dias_sin_contacto)
    prob_high = float(reglas.prob_alta) / 100

    def days_waiting(row: Row) -> float:
        return float("nan") if is_missing(row["esperando_desde"]) else (hoy - row["esperando_desde"]).days

    def on_hoy(_: Row) -> pd.Timestamp:
        return hoy

    return [
        Rule(
            ROJO,
            lambda r: not is_missing(r["accion_fecha"]) and r["accion_fecha"] < hoy,
            lambda r: messages.REASON_OVERDUE.format(date=_date(r["accion_fecha"]), action=_action_text(r)),
            _action_text,
            on_hoy,
        ),
        Rule(
            ROJO,
            lambda r: int(r["reclamos_abiertos"] or 0) > 0,
            lambda r: messages.REASON_COMPLAINT.format(date=_date(r["reclamo_desde"])),
            lambda r: messages.ACTION_COMPLAINT,
            on_hoy,
        ),
        Rule(
            ROJO,
            lambda r: r["estado"] == ESTADO_INACTIVO and (r["abc"] == ABC_A or r["volumen"] == VOLUMEN_ALTO),
            lambda r: messages.REASON_KEY_INACTIVE.format(
                who=messages.REASON_KEY_A if r["abc"] == ABC_A else messages.REASON_KEY_HIGH, days=r["dias_sin_comprar"]
            ),
            lambda r: messages.ACTION_KEY_INACTIVE,
            on_hoy,
        ),
        Rule(
            ROJO,
            lambda r: (
                r["estado"] == ESTADO_POTENCIAL
                and not is_missing(r["probabilidad"])
                and r["probabilidad"] >= prob_high - 1e-9
                and (is_missing(r["dias_sin_contacto"]) or r["dias_sin_contacto"] > warn.days)
            ),
            lambda r: messages.REASON_HOT_PROSPECT.format(probability=f"{r['probabilidad']:.0%}", since=_since(r["dias_sin_contacto"])),
            lambda r: messages.ACTION_HOT_PROSPECT,
            on_hoy,
        ),
        Rule(
            AMARILLO,
            lambda r: not is_missing(r["accion_fecha"]) and r["accion_fecha"] <= hoy + warn,
            lambda r: messages.REASON_DUE.format(date=_date(r["accion_fecha"]), action=_action_text(r)),
            _action_text,
            lambda r: r["accion_fecha"],
        ),
        Rule(
            AMARILLO,
            lambda r: not is_missing(r["compra_esperada"]) and r["compra_esperada"] <= hoy + warn,
            lambda r: messages.REASON_REPURCHASE.format(date=_date(r["compra_esperada"])),
            lambda r: messages.ACTION_REPURCHASE,
            lambda r: max(r["compra_esperada"] - warn, hoy),
        ),
        Rule(
            AMARILLO,
            lambda r: (
                r["estado"] in (ESTADO_ACTIVO, ESTADO_NUEVO) and (is_missing(r["dias_sin_contacto"]) or r["dias_sin_contacto"] > no_contact)
            ),
            lambda r: (
                messages.REASON_NEVER_CONTACTED
                if is_missing(r["dias_sin_contacto"])
                else messages.REASON_NO_CONTACT.format(days=int(r["dias_sin_contacto"]))
            ),
            lambda r: messages.ACTION_NO_CONTACT,
            on_hoy,
        ),
        Rule(
            AMARILLO,
            lambda r: days_waiting(r) > wait,
            lambda r: messages.REASON_WAITING_LONG.format(date=_date(r["esperando_desde"]), days=int(days_waiting(r))),
            lambda r: messages.ACTION_WAITING_LONG,
            on_hoy,
        ),
        Rule(
            VERDE,
            lambda r: not is_missing(r["esperando_desde"]),
            lambda r: messages.REASON_WAITING.format(date=_date(r["esperando_desde"])),
            lambda r: messages.ACTION_WAITING,
            lambda r: r["esperando_desde"] + pd.Timedelta(days=wait + 1),
        ),
        Rule(
            VERDE,
            lambda r: True,
            lambda r: messages.REASON_NOTHING,
            lambda r: messages.ACTION_ROUTINE,
            lambda r: (r["ultimo_contacto"] if not is_missing(r["ultimo_contacto"]) else hoy) + pd.Timedelta(days=no_contact),
        ),
    ]


def next_weekday(day: pd.Timestamp, weekday_name: str) -> pd.Timestamp:
    """``day`` moved forward to the team's weekly follow-up day (the same day if it already is)."""
    target = WEEKDAYS.index(weekday_name)
    return day + pd.Timedelta(days=(target - day.weekday()) % 7)


def semaforo(frame: pd.DataFrame, reglas: Reglas, hoy: pd.Timestamp) -> pd.DataFrame:
    """Semáforo, Motivo, Próximo contacto and Acción sugerida for every client.

    ``frame`` holds the metrics, ``estado``, ``abc``, ``volumen``,
    ``probabilidad``, ``accion_fecha`` and ``accion_texto``.
    """
    rules = _rules(reglas, hoy)
    colours: list[str] = []
    reasons: list[str] = []
    actions: list[str | None] = []
    dates: list[Any] = []
    records: list[Row] = frame.to_dict("records")  # type: ignore[assignment]
    for row in records:
        if row["estado"] == ESTADO_PERDIDO:
            colours.append(SIN_COLOR)
            reasons.append(messages.REASON_LOST)
            actions.append(None)
            dates.append(pd.NaT)
            continue
        colour, _, reason, action, derived = next(rule for rule in rules if rule.fires(row))
        colours.append(colour)
        reasons.append(reason(row))
        actions.append(action(row))
        if not is_missing(row["accion_fecha"]):
            dates.append(row["accion_fecha"])  # a date the team committed to wins
        elif colour == ROJO:
            dates.append(hoy)
        else:
            dates.append(next_weekday(max(derived(row), hoy), reglas.dia_seguimiento))
    return pd.DataFrame(
        {
            "semaforo": colours,
            "motivo": reasons,
            "proximo_contacto": pd.Series(dates, index=frame.index, dtype="datetime64[ns]"),
            "accion_sugerida": pd.Series(actions, index=frame.index, dtype="object"),
        },
        index=frame.index,
    )


AGENDA_ROW = "fila"  # the client's Excel row, beside the columns of the Agenda sheet
AGENDA_KEYS = [AGENDA_ROW, *(column.key for column in AGENDA_SHEET.columns)]


def agenda(clients: pd.DataFrame, computed: pd.DataFrame, reglas: Reglas, hoy: pd.Timestamp) -> pd.DataFrame:
    """The follow-up plan: everything overdue plus the next ``dias_agenda`` days, one row per action.

    Grouped by salesperson; within each, by date, then red before yellow before
    green, then A before B before C, then higher purchase probability.
    """
    horizon = hoy + pd.Timedelta(days=int(reglas.dias_agenda))
    due = computed["proximo_contacto"].notna() & (computed["proximo_contacto"] <= horizon) & (computed["semaforo"] != SIN_COLOR)
    if not due.any():
        return pd.DataFrame(columns=AGENDA_KEYS)
    picked = clients.loc[due]

    def column(name: str) -> pd.Series:
        return picked[name] if name in picked else pd.Series(None, index=picked.index, dtype="object")

    plan = pd.DataFrame(
        {
            "fecha": computed.loc[due, "proximo_contacto"],
            "vendedor": column("salesperson"),
            "id": column("id"),
            "cliente": column("name"),
            "empresa": column("company"),
            "telefono": column("phone"),
            "email": column("email"),
            "accion": computed.loc[due, "accion_sugerida"],
            "motivo": computed.loc[due, "motivo"],
            "semaforo": computed.loc[due, "semaforo"],
            "estado": computed.loc[due, "estado"],
        }
    )
    order = pd.DataFrame(
        {
            "vendedor": plan["vendedor"].fillna("").astype(str).str.casefold(),
            "fecha": plan["fecha"],
            "prioridad": plan["semaforo"].map(SEMAFORO_PRIORITY),
            "abc": computed.loc[due, "abc"].fillna("Z"),
            "probabilidad": -column("purchase_probability").astype("float64").fillna(0.0),
        }
    )
    ranked = order.sort_values(["vendedor", "fecha", "prioridad", "abc", "probabilidad"], kind="stable").index
    return plan.loc[ranked].reset_index(names=AGENDA_ROW)
