"""The follow-up rules of the RECO AIRES manual: every pending action, the semáforo with its reasons, the agenda.

Each client has a list of pending actions, each with its own date and colour:

- ``rojo`` — due now (an open complaint, a key client gone inactive, a hot
  prospect: dated today) or overdue (a committed action or a reminder whose
  date passed with no contact logged: it stays on its own date, never slides);
- ``amarillo`` — a committed action or a reminder (repurchase, periodic
  contact) due within ``dias_aviso`` days, or an answer awaited too long;
- ``verde`` — waiting for the client to say whether they are interested
  (when the client waits for *our* answer, that is an action of ours:
  yellow, then red on the next follow-up day);
- ``sin alerta`` — a committed action or the periodic contact further ahead.

Reminders are dated from the data, not from ``hoy``, on the team's weekly
follow-up day: the periodic contact after the last contact logged, the
repurchase reminder before the expected repurchase, the answer reminder after
``dias_espera_respuesta``; only a contact logged in Seguimiento clears them. A
client's Semáforo is the worst of its actions, its Motivo lists every reason,
most urgent first, and its Próximo contacto is the date of the most urgent one.
Lost clients have no actions (grey, out of the agenda). Pure functions of the
metrics, the committed actions, the parameters and ``hoy``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from .schema import messages
from .schema.params import WEEKDAYS, Parameters
from .schema.sheets import (
    ABC_A,
    AGENDA_SHEET,
    AMARILLO,
    DATE_FORMAT,
    DATE_TIME_FORMAT,
    ESTADO_ACTIVO,
    ESTADO_INACTIVO,
    ESTADO_NUEVO,
    ESTADO_PASIVO,
    ESTADO_PERDIDO,
    ESTADO_POTENCIAL,
    ROJO,
    SEMAFORO_PRIORITY,
    SIN_ALERTA,
    SIN_COLOR,
    VERDE,
    VOLUMEN_ALTO,
)
from .tables import is_missing

# Kinds of action: the first part of an action's key, which names it in calendars.
COMMITTED, COMPLAINT, KEY_INACTIVE, HOT_PROSPECT, REPURCHASE, PERIODIC, ANSWER, OWED = (
    "accion",
    "reclamo",
    "inactivo",
    "prospecto",
    "recompra",
    "contacto",
    "respuesta",
    "debemos",
)
ACTION_COLUMNS = ["fila", "tipo", "color", "fecha", "motivo", "accion", "clave"]
MAX_DAYS_OFF = 31  # how far a generated reminder may be pushed past days off
REPURCHASE_ESTADOS = (ESTADO_ACTIVO, ESTADO_NUEVO, ESTADO_PASIVO)  # an inactive client's expected repurchase is long gone
PERIODIC_ESTADOS = (ESTADO_ACTIVO, ESTADO_NUEVO)


def when(value: Any) -> str:
    """A date as the team reads it, with its time of day when it has one."""
    if is_missing(value):
        return ""
    return _when(pd.Timestamp(value).value)


@functools.lru_cache(maxsize=4096)
def _when(nanoseconds: int) -> str:  # the same few hundred days come back for thousands of clients
    moment = pd.Timestamp(nanoseconds)
    return moment.strftime(DATE_TIME_FORMAT if moment != moment.normalize() else DATE_FORMAT)


def next_weekday(day: pd.Timestamp, weekday_name: str) -> pd.Timestamp:
    """``day`` moved forward to the team's weekly follow-up day (the same day if it already is)."""
    target = WEEKDAYS.index(weekday_name)
    return day + pd.Timedelta(days=(target - day.weekday()) % 7)


def _next_weekdays(days: pd.Series, weekday_name: str) -> pd.Series:
    target = WEEKDAYS.index(weekday_name)
    moved: pd.Series = days + pd.to_timedelta((target - days.dt.day_of_week) % 7, unit="D")
    return moved


def _weekdays_before(days: pd.Series, weekday_name: str) -> pd.Series:
    """The last follow-up day strictly before each day."""
    target = WEEKDAYS.index(weekday_name)
    moved: pd.Series = days - pd.to_timedelta((days.dt.day_of_week - target - 1) % 7 + 1, unit="D")
    return moved


SATURDAY, SUNDAY = 5, 6


def days_off(days: pd.Series, parameters: Parameters, *, saturdays: bool = False) -> pd.Series:
    """Whether each day is a holiday of ``feriados`` or a Sunday (and, with ``saturdays``, a Saturday), unless it is the follow-up day."""
    every_year, once = parameters.holidays
    weekday = days.dt.day_of_week
    rest = (weekday == SUNDAY) | ((weekday == SATURDAY) & saturdays)
    off = rest & (weekday != WEEKDAYS.index(parameters.dia_seguimiento))
    if every_year:
        off = off | days.dt.strftime("%d/%m").isin(every_year)
    if once:
        off = off | days.dt.strftime("%d/%m/%Y").isin(once)
    result: pd.Series = off.fillna(False).astype(bool)
    return result


def _day_off(day: pd.Timestamp, parameters: Parameters) -> str:
    """The warning added to an action the team dated on a day off: kept on its day, but said."""
    weekday = day.weekday()
    every_year, once = parameters.holidays
    holiday = day.strftime("%d/%m") in every_year or day.strftime("%d/%m/%Y") in once
    return messages.REASON_DAY_OFF.format(day=messages.HOLIDAY if holiday else WEEKDAYS[weekday])


def _working(days: pd.Series, parameters: Parameters) -> pd.Series:
    """Generated dates moved off holidays and weekends to the next working day (the team's own dates are never moved).

    The tool does not book the team on a Saturday unless Saturday is its
    follow-up day; a date the team typed on a Saturday is theirs and fine.
    """
    moved = days.copy()
    for _ in range(MAX_DAYS_OFF):  # a run of days off is short: Christmas to a Monday is three
        off = days_off(moved, parameters, saturdays=True).to_numpy()
        if not off.any():
            break
        moved[off] = moved[off] + pd.Timedelta(days=1)
    return moved


class _Builder:
    """Collects the actions of every kind as columns, then one frame."""

    def __init__(self, frame: pd.DataFrame, parameters: Parameters, hoy: pd.Timestamp) -> None:
        self.frame = frame
        self.hoy = hoy
        self.warn = pd.Timedelta(days=int(parameters.dias_aviso))
        self.parts: list[pd.DataFrame] = []
        visit = frame["self_initiated"] if "self_initiated" in frame else pd.Series(pd.NA, index=frame.index)
        self.visit = visit.astype("boolean").eq(False).fillna(False).astype(bool)  # «compra por iniciativa propia» = no

    def by_date(self, dates: pd.Series) -> np.ndarray:
        """Due today or overdue red, due within dias_aviso yellow, further ahead no light (by day, whatever the time of day)."""
        days = dates.dt.normalize()
        return np.select([days <= self.hoy, days <= self.hoy + self.warn], [ROJO, AMARILLO], SIN_ALERTA)

    def reason(self, colour: str, day_due: pd.Timestamp, templates: tuple[str, str, str], **fields: Any) -> str:
        """A reason in the words of its colour: (ahead, due today, overdue) templates, filled with ``fields``."""
        ahead, today, late = templates
        template = (today if day_due.normalize() == self.hoy else late) if colour == ROJO else ahead
        return template.format(**fields)

    def remind(self, kind: str, rows: pd.Index, due: pd.Series, dated: pd.Series, texts: tuple[str, str, str], actions: list[str]) -> None:
        """A reminder per row on its ``due`` day, coloured by it; its reason names the day it is about (``dated``) and ``due``."""
        colours = self.by_date(due)
        reasons = [
            self.reason(colour, reminder, texts, date=when(day), due=when(reminder))
            for colour, day, reminder in zip(colours, dated, due, strict=True)
        ]
        self.add(kind, rows, colours, due, reasons, actions, kind)

    def verb(self, rows: pd.Index, texts: tuple[str, str]) -> list[str]:
        """The suggested action: called, or visited when the client does not buy on its own initiative."""
        return [texts[1] if visit else texts[0] for visit in self.visit.loc[rows]]

    def add(self, kind: str, rows: pd.Index, colours: Any, dates: pd.Series, reasons: list[str], actions: list[str], keys: Any) -> None:
        if not len(rows):
            return
        self.parts.append(
            pd.DataFrame(
                {
                    "fila": rows,
                    "tipo": kind,
                    "color": colours,
                    "fecha": dates.to_numpy(dtype="datetime64[ns]"),
                    "motivo": reasons,
                    "accion": actions,
                    "clave": keys,
                }
            )
        )

    def result(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({column: pd.Series(dtype="datetime64[ns]" if column == "fecha" else "object") for column in ACTION_COLUMNS})
        return pd.concat(self.parts, ignore_index=True)


def actions(
    frame: pd.DataFrame,
    committed: pd.DataFrame,
    parameters: Parameters,
    hoy: pd.Timestamp,
    has_followups: bool = True,
    logged_from: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Every pending action of every client, one row each (:data:`ACTION_COLUMNS`).

    ``frame`` holds the client columns and their metrics (``estado``, ``abc``,
    ``volumen``, ``probabilidad``…); ``committed`` the open committed actions of
    :func:`cartera_xls.rules.committed_actions`. Without a Seguimiento sheet
    nothing is known of contacts, so no periodic contact is asked for; with one,
    ``logged_from`` is the day it starts (:func:`cartera_xls.rules.logging_start`; None: no such limit).
    """
    built = _Builder(frame, parameters, hoy)
    alive = frame["estado"] != ESTADO_PERDIDO
    estado = frame["estado"]

    mine = committed[committed["fila"].isin(frame.index[alive])] if len(committed) else committed
    if len(mine):
        dates = pd.to_datetime(mine["fecha"])
        colours = built.by_date(dates)
        texts = [text if isinstance(text, str) and text.strip() else messages.NO_ACTION_TEXT for text in mine["texto"]]
        committed_texts = (messages.REASON_COMMITTED, messages.REASON_COMMITTED_TODAY, messages.REASON_COMMITTED_OVERDUE)
        off = (days_off(dates.dt.normalize(), parameters) & (dates.dt.normalize() >= hoy)).to_numpy()  # ahead: the team can move it
        reasons = [
            built.reason(colour, day, committed_texts, date=when(day), action=text) + (_day_off(day, parameters) if is_off else "")
            for colour, day, text, is_off in zip(colours, dates, texts, off, strict=True)
        ]
        built.add(COMMITTED, pd.Index(mine["fila"]), colours, dates, reasons, texts, [f"{COMMITTED}-{key}" for key in mine["clave"]])

    today = pd.Series(hoy, index=frame.index)
    complaint = alive & (frame["reclamos_abiertos"].fillna(0).astype("int64") > 0)
    rows = frame.index[complaint]
    reasons = [messages.REASON_COMPLAINT.format(date=when(day)) for day in frame.loc[rows, "reclamo_desde"]]
    built.add(COMPLAINT, rows, ROJO, today.loc[rows], reasons, built.verb(rows, messages.ACTION_COMPLAINT), COMPLAINT)

    key_inactive = (
        (estado == ESTADO_INACTIVO) & ((frame["abc"] == ABC_A) | (frame["volumen"] == VOLUMEN_ALTO)) & frame["dias_sin_comprar"].notna()
    )
    rows = frame.index[key_inactive]
    reasons = [
        messages.REASON_KEY_INACTIVE.format(who=messages.REASON_KEY_A if abc == ABC_A else messages.REASON_KEY_HIGH, days=days)
        for abc, days in zip(frame.loc[rows, "abc"], frame.loc[rows, "dias_sin_comprar"], strict=True)
    ]
    built.add(KEY_INACTIVE, rows, ROJO, today.loc[rows], reasons, built.verb(rows, messages.ACTION_KEY_INACTIVE), KEY_INACTIVE)

    silent = frame["dias_sin_contacto"].astype("float64")
    hot = (
        (estado == ESTADO_POTENCIAL)
        & (frame["probabilidad"] >= float(parameters.prob_alta) / 100 - 1e-9)
        & (silent.isna() | (silent > built.warn.days))
    )
    rows = frame.index[hot]
    reasons = [
        messages.REASON_HOT_PROSPECT.format(
            probability=f"{probability:.0%}",
            since=messages.REASON_NEVER if np.isnan(days) else messages.REASON_SINCE.format(days=int(days)),
        )
        for probability, days in zip(frame.loc[rows, "probabilidad"], silent.loc[rows], strict=True)
    ]
    built.add(HOT_PROSPECT, rows, ROJO, today.loc[rows], reasons, built.verb(rows, messages.ACTION_HOT_PROSPECT), HOT_PROSPECT)

    _repurchase(built, parameters)
    _answers(built, parameters)
    _owed(built, parameters)
    found = built.result()
    if has_followups:
        found = _periodic(built, parameters, found, logged_from)
    return found


def _repurchase(built: _Builder, parameters: Parameters) -> None:
    """The reminder before the expected repurchase: on the last follow-up day before it, cleared by a contact in its warning window."""
    frame = built.frame
    expected = frame["compra_esperada"]
    candidates = frame.index[frame["estado"].isin(REPURCHASE_ESTADOS) & expected.notna()]
    if not len(candidates):
        return
    expected = expected.loc[candidates]
    due = _working(_weekdays_before(expected, parameters.dia_seguimiento), parameters)
    due = due.where(due > frame.loc[candidates, "ultima_compra"], frame.loc[candidates, "ultima_compra"] + pd.Timedelta(days=1))
    window = (due - built.warn).where(due - built.warn > frame.loc[candidates, "ultima_compra"], frame.loc[candidates, "ultima_compra"])
    contacted = frame.loc[candidates, "ultimo_contacto"] >= window.dt.normalize()
    rows = candidates[~contacted.to_numpy()]
    texts = (messages.REASON_REPURCHASE, messages.REASON_REPURCHASE_TODAY, messages.REASON_REPURCHASE_OVERDUE)
    built.remind(REPURCHASE, rows, due.loc[rows], expected.loc[rows], texts, built.verb(rows, messages.ACTION_REPURCHASE))


def _answers(built: _Builder, parameters: Parameters) -> None:
    """Waiting for the client's answer: green within dias_espera_respuesta, then a reminder on the next follow-up day."""
    frame = built.frame
    wait = int(parameters.dias_espera_respuesta)
    rows = frame.index[(frame["estado"] != ESTADO_PERDIDO) & frame["esperando_desde"].notna()]
    if not len(rows):
        return
    since = frame.loc[rows, "esperando_desde"]
    due = _working(_next_weekdays(since + pd.Timedelta(days=wait + 1), parameters.dia_seguimiento), parameters)
    waited = (built.hoy - since).dt.days
    colours = np.select([waited <= wait, due <= built.hoy], [VERDE, ROJO], AMARILLO)
    ahead = {VERDE: messages.REASON_WAITING, AMARILLO: messages.REASON_WAITING_LONG, ROJO: ""}
    reasons = [
        built.reason(
            colour,
            reminder,
            (ahead[colour], messages.REASON_WAITING_TODAY, messages.REASON_WAITING_OVERDUE),
            date=when(day),
            due=when(reminder),
        )
        for colour, day, reminder in zip(colours, since, due, strict=True)
    ]
    waiting, reminding = built.verb(rows, messages.ACTION_WAITING), built.verb(rows, messages.ACTION_WAITING_LONG)
    suggested = [wait_text if colour == VERDE else remind for colour, wait_text, remind in zip(colours, waiting, reminding, strict=True)]
    built.add(ANSWER, rows, colours, due, reasons, suggested, ANSWER)


def _owed(built: _Builder, parameters: Parameters) -> None:
    """The client waits for our answer (a quote, a price): an action of ours, due on the next follow-up day after the contact.

    Yellow from the contact (within ``dias_aviso``), red on its day; only a
    later contact logged in Seguimiento closes it.
    """
    frame = built.frame
    if "debemos_desde" not in frame:
        return
    rows = frame.index[(frame["estado"] != ESTADO_PERDIDO) & frame["debemos_desde"].notna()]
    if not len(rows):
        return
    since = frame.loc[rows, "debemos_desde"]
    due = _working(_next_weekdays(since.dt.normalize() + pd.Timedelta(days=1), parameters.dia_seguimiento), parameters)
    texts = (messages.REASON_OWED, messages.REASON_OWED_TODAY, messages.REASON_OWED_OVERDUE)
    built.remind(OWED, rows, due, since, texts, built.verb(rows, messages.ACTION_OWED))


def _periodic(built: _Builder, parameters: Parameters, found: pd.DataFrame, logged_from: pd.Timestamp | None) -> pd.DataFrame:
    """The periodic contact of active and new clients, on the follow-up day after ``dias_sin_contacto`` days without one.

    Counted from the latest of the last contact logged, the last purchase (a
    client who bought two weeks ago was in touch), the Fecha de alta and the
    day Seguimiento starts (``logged_from``: before it, contacts were not
    written down, so a workbook started from an export is not a wall of red on
    its first day); left out when another action of the client comes first,
    since that contact restarts the count.
    """
    frame = built.frame
    candidates = frame.index[frame["estado"].isin(PERIODIC_ESTADOS)]
    last = frame.loc[candidates, "ultimo_contacto"]
    bought = frame.loc[candidates, "ultima_compra"]
    signup = frame.loc[candidates, "signup_date"] if "signup_date" in frame else pd.Series(pd.NaT, index=candidates)
    signup = signup.astype("datetime64[ns]")
    logging = pd.Series(pd.NaT if logged_from is None else logged_from, index=candidates, dtype="datetime64[ns]")
    anchor = pd.concat([last, bought, signup, logging], axis=1).max(axis=1).dropna()
    if anchor.empty:
        return found
    due = _working(
        _next_weekdays(anchor + pd.Timedelta(days=int(parameters.dias_sin_contacto) + 1), parameters.dia_seguimiento), parameters
    )
    earlier = (
        found.assign(fecha=found["fecha"].dt.normalize()).groupby("fila")["fecha"].min()
        if len(found)
        else pd.Series(dtype="datetime64[ns]")
    )
    first_other = earlier.reindex(due.index)
    due = due[~(first_other <= due).to_numpy()]
    rows = due.index
    colours = built.by_date(due)
    texts = {
        "contact": (messages.REASON_NO_CONTACT, messages.REASON_NO_CONTACT_TODAY, messages.REASON_NO_CONTACT_OVERDUE),
        "purchase": (messages.REASON_AFTER_PURCHASE, messages.REASON_AFTER_PURCHASE_TODAY, messages.REASON_AFTER_PURCHASE_OVERDUE),
        "signup": (messages.REASON_AFTER_SIGNUP, messages.REASON_AFTER_SIGNUP_TODAY, messages.REASON_AFTER_SIGNUP_OVERDUE),
        "logging": (messages.REASON_SINCE_LOGGING, messages.REASON_SINCE_LOGGING_TODAY, messages.REASON_SINCE_LOGGING_OVERDUE),
    }
    since = anchor.loc[rows]
    kinds = np.select(
        [last.loc[rows].eq(since).to_numpy(), bought.loc[rows].eq(since).to_numpy(), signup.loc[rows].eq(since).to_numpy()],
        ["contact", "purchase", "signup"],
        "logging",
    )
    reasons = [
        built.reason(colour, reminder, texts[kind], date=when(day), due=when(reminder))
        for colour, reminder, day, kind in zip(colours, due, since, kinds, strict=True)
    ]
    built.parts = [found]
    built.add(PERIODIC, rows, colours, due, reasons, built.verb(rows, messages.ACTION_NO_CONTACT), PERIODIC)
    return built.result()


def _urgency(found: pd.DataFrame) -> pd.DataFrame:
    """Actions most urgent first within each client: colour, then date."""
    return found.assign(_prioridad=found["color"].map(SEMAFORO_PRIORITY)).sort_values(["fila", "_prioridad", "fecha"], kind="stable")


def _joined(ordered: pd.DataFrame) -> pd.Series:
    """Each client's reasons in one text, in the order given (rows of one client are together)."""
    rows, starts = np.unique(ordered["fila"].to_numpy(), return_index=True)
    order = np.argsort(starts)
    rows, starts = rows[order], starts[order]
    reasons = ordered["motivo"].tolist()
    ends = [*starts[1:].tolist(), len(reasons)]
    return pd.Series([" ".join(reasons[a:b]) for a, b in zip(starts.tolist(), ends, strict=True)], index=rows)


def semaforo(frame: pd.DataFrame, found: pd.DataFrame, hoy: pd.Timestamp) -> pd.DataFrame:
    """Semáforo, Motivo, Próximo contacto and Acción sugerida of every client from its actions, and how many are overdue."""
    lost = frame["estado"] == ESTADO_PERDIDO
    result = pd.DataFrame(
        {
            "semaforo": np.where(lost, SIN_COLOR, SIN_ALERTA),
            "motivo": np.where(lost, messages.REASON_LOST, messages.REASON_NOTHING),
            "proximo_contacto": pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]"),
            "accion_sugerida": pd.Series(None, index=frame.index, dtype="object"),
            "acciones_vencidas": np.zeros(len(frame), dtype="int64"),
        },
        index=frame.index,
    )
    if len(found):
        ordered = _urgency(found)
        first = ordered.groupby("fila").head(1).set_index("fila")
        result.loc[first.index, "semaforo"] = first["color"]
        result.loc[first.index, "proximo_contacto"] = first["fecha"]
        result.loc[first.index, "accion_sugerida"] = first["accion"]
        result.loc[first.index, "motivo"] = _joined(ordered)
        overdue = ordered[ordered["fecha"].dt.normalize() < hoy].groupby("fila").size()
        result.loc[overdue.index, "acciones_vencidas"] = overdue.astype("int64")
    return result


AGENDA_ROW = "fila"  # the client's Excel row, beside the columns of the Agenda sheet
AGENDA_KEY = "clave"  # the action's name for calendars: client ID and kind of action
AGENDA_OVERDUE = "vencida"  # the action's date has passed
AGENDA_KEYS = [AGENDA_ROW, AGENDA_KEY, AGENDA_OVERDUE, *(column.key for column in AGENDA_SHEET.columns)]


def agenda(clients: pd.DataFrame, metrics: pd.DataFrame, found: pd.DataFrame, parameters: Parameters, hoy: pd.Timestamp) -> pd.DataFrame:
    """The follow-up plan: every action overdue or due in the next ``dias_agenda`` days, one row per action.

    Grouped by salesperson; within each, by day, then red before yellow before
    green before the rest, then A before B before C, then higher purchase
    probability, then clients who brought others first, then the time of day.
    """
    horizon = hoy + pd.Timedelta(days=int(parameters.dias_agenda))
    due = found[found["fecha"].dt.normalize() <= horizon] if len(found) else found
    if not len(due):
        return pd.DataFrame(columns=AGENDA_KEYS)
    rows = pd.Index(due["fila"])
    picked = clients.loc[rows]

    def column(name: str) -> np.ndarray:
        return picked[name].to_numpy() if name in picked else np.full(len(picked), None, dtype="object")

    referrals = metrics.loc[rows, "referidos"].astype("float64").to_numpy()
    plan = pd.DataFrame(
        {
            AGENDA_ROW: rows.to_numpy(),
            AGENDA_KEY: [f"{client}-{key}" for client, key in zip(column("id"), due["clave"], strict=True)],
            AGENDA_OVERDUE: (due["fecha"].dt.normalize() < hoy).to_numpy(),
            "fecha": due["fecha"].to_numpy(),
            "vendedor": column("salesperson"),
            "id": column("id"),
            "cliente": column("name"),
            "empresa": column("company"),
            "telefono": column("phone"),
            "email": column("email"),
            "accion": due["accion"].to_numpy(),
            "motivo": due["motivo"].to_numpy(),
            "semaforo": due["color"].to_numpy(),
            "estado": metrics.loc[rows, "estado"].to_numpy(),
            "referidos": np.where(referrals > 0, referrals, np.nan),
            # on the wait's own row only: it turns a lapsed wait yellow between refreshes, as in Clientes
            "esperando_desde": np.where(
                due["tipo"].eq(ANSWER).to_numpy(), metrics.loc[rows, "esperando_desde"].to_numpy(), np.datetime64("NaT")
            ),
        }
    )
    dates = pd.to_datetime(plan["fecha"])
    probability = picked["purchase_probability"] if "purchase_probability" in picked else pd.Series(np.nan, index=rows)
    order = pd.DataFrame(
        {
            "vendedor": plan["vendedor"].fillna("").astype(str).str.casefold(),
            "dia": dates.dt.normalize(),
            "prioridad": plan["semaforo"].map(SEMAFORO_PRIORITY),
            "abc": metrics.loc[rows, "abc"].fillna("Z").to_numpy(),
            "probabilidad": -probability.astype("float64").fillna(0.0).to_numpy(),
            "referente": -(np.nan_to_num(referrals) > 0).astype("int64"),
            "hora": dates,
        }
    )
    ranked = order.sort_values(list(order.columns), kind="stable").index
    return plan.loc[ranked].reset_index(drop=True)
