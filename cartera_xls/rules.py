"""Per-client metrics and classification: estado, volumen, ABC and RFM.

Pure functions of the data, the parameters and the as-of date ``hoy``: no
clock, no I/O, vectorised group-bys (no loop over clients × sales). Rows dated
after ``hoy`` are ignored, so a refresh with ``--hoy`` in the past is what it
would have been that day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .schema import fold
from .schema.messages import MORE_PRODUCTS
from .schema.params import Parameters
from .schema.sheets import (
    ABC_A,
    ABC_B,
    ABC_C,
    COMPLAINT_OPEN,
    ESTADO_ACTIVO,
    ESTADO_INACTIVO,
    ESTADO_NUEVO,
    ESTADO_PASIVO,
    ESTADO_PERDIDO,
    ESTADO_POTENCIAL,
    RFM_LOST,
    RFM_SEGMENTS,
    VOLUMEN_ALTO,
    VOLUMEN_BAJO,
    VOLUMEN_MEDIO,
)
from .tables import CLIENT_ID

DAYS_12M = 365
DAYS_RECENT_CONTACTS = 90
MIN_PURCHASES_FOR_INTERVAL = 3
MIN_CLIENTS_FOR_PERCENTILE = 4
RFM_BINS = 5
MAX_PRODUCTS_LISTED = 10
_RFM_PATTERNS = [(re.compile(pattern), name) for pattern, name in RFM_SEGMENTS]


@dataclass(frozen=True, kw_only=True)
class Sheets:
    """The data sheets' frames the rules read, already resolved to client IDs (see :mod:`checks`); ``None`` when absent."""

    clients: pd.DataFrame
    sales: pd.DataFrame | None = None
    followups: pd.DataFrame | None = None
    opportunities: pd.DataFrame | None = None
    surveys: pd.DataFrame | None = None
    complaints: pd.DataFrame | None = None


def logging_start(followups: pd.DataFrame | None, hoy: pd.Timestamp) -> pd.Timestamp:
    """The day the team started writing contacts down: Seguimiento's first contact up to ``hoy``, or ``hoy`` when it has none.

    The periodic contact never counts from before it: a workbook started from
    an export, its Seguimiento empty, is not overdue for every client on day one.
    """
    first = data_start(followups, hoy)
    return hoy.normalize() if first is None else first


def first_day_12m(hoy: pd.Timestamp) -> pd.Timestamp:
    """The first day every «12 meses» counts: the 365 days up to ``hoy``, ``hoy`` included (dates are days)."""
    return hoy.normalize() - pd.Timedelta(days=DAYS_12M - 1)


def _until(frame: pd.DataFrame | None, hoy: pd.Timestamp, required: tuple[str, ...]) -> pd.DataFrame | None:
    """Rows usable by the rules: a client and the required values, dated up to ``hoy``."""
    if frame is None or CLIENT_ID not in frame or any(column not in frame for column in required):
        return None
    usable = frame.dropna(subset=[CLIENT_ID, *required])
    if "date" in usable:
        usable = usable[usable["date"] <= hoy]
    return usable


def per_client(ids: pd.Series, values: pd.Series) -> pd.Series:
    """``values`` (indexed by client ID) aligned to the clients' rows; missing where a client has none.

    A repeated ID belongs to its first row, as references to it resolve there;
    the later rows (reported in Revisar) get nothing rather than a copy.
    """
    owners = ids.where(~ids.duplicated(keep="first"))
    return pd.Series(values.reindex(owners.to_numpy()).to_numpy(), index=ids.index)


def _days(later: pd.Series | pd.Timestamp, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days.astype("Int64")


def purchase_metrics(clients: pd.DataFrame, sales: pd.DataFrame | None, hoy: pd.Timestamp) -> pd.DataFrame:
    """Purchases, first/last purchase, interval, expected next purchase, revenue, ticket, products.

    A purchase is a day with positive sales for the client (several invoice
    lines on one day are one purchase); credit notes lower revenue but are not
    purchases. The usual interval is the median of the gaps between purchases,
    kept exact (``intervalo_exacto``: 126.5 days doubled is 253) and shown
    rounded; the next purchase is expected only from a habit, three purchases
    or more. ``ultima_linea`` is the last day with any line, a credit note too.
    """
    ids = clients["id"]
    result = pd.DataFrame(index=clients.index)
    usable = _until(sales, hoy, ("date", "amount"))
    if usable is None or usable.empty:
        for column in ("compras", "compras_12m", "productos"):
            result[column] = pd.array([0] * len(clients), dtype="Int64")
        for column in ("primera_compra", "ultima_compra", "compra_esperada", "ultima_linea"):
            result[column] = pd.Series(pd.NaT, index=clients.index, dtype="datetime64[ns]")
        for column in ("facturacion", "facturacion_12m"):
            result[column] = 0.0
        result["dias_sin_comprar"] = pd.array([pd.NA] * len(clients), dtype="Int64")
        result["intervalo"] = pd.array([pd.NA] * len(clients), dtype="Int64")
        result["intervalo_exacto"] = np.nan
        result["ticket_medio"] = np.nan
        result["lista_productos"] = pd.Series(None, index=clients.index, dtype="object")
        return result

    first_12m = first_day_12m(hoy)
    by_client = usable.groupby(CLIENT_ID)
    revenue = by_client["amount"].sum()
    revenue_12m = usable[usable["date"] >= first_12m].groupby(CLIENT_ID)["amount"].sum()
    days = usable.loc[usable["amount"] > 0, [CLIENT_ID, "date"]].drop_duplicates().sort_values([CLIENT_ID, "date"])
    purchase_days = days.groupby(CLIENT_ID)["date"]
    purchases = purchase_days.size()
    purchases_12m = days[days["date"] >= first_12m].groupby(CLIENT_ID).size()
    first, last = purchase_days.min(), purchase_days.max()
    last_line = by_client["date"].max()
    gaps = days.assign(gap=purchase_days.diff().dt.days).dropna(subset=["gap"])
    interval = gaps.groupby(CLIENT_ID)["gap"].median()
    products, product_list = _products_bought(usable)

    result["compras"] = per_client(ids, purchases).fillna(0).astype("Int64")
    result["compras_12m"] = per_client(ids, purchases_12m).fillna(0).astype("Int64")
    result["primera_compra"] = per_client(ids, first).astype("datetime64[ns]")
    result["ultima_compra"] = per_client(ids, last).astype("datetime64[ns]")
    result["dias_sin_comprar"] = _days(hoy, result["ultima_compra"])
    exact = per_client(ids, interval).astype("float64")
    result["intervalo_exacto"] = exact
    result["intervalo"] = np.floor(exact + 0.5).astype("Int64")  # as Excel rounds: 126.5 is 127
    habit = result["compras"].astype("float64") >= MIN_PURCHASES_FOR_INTERVAL
    # a day, never 12:00: the last purchase's day plus the interval as shown (a median of 126.5 days is 127)
    result["compra_esperada"] = plus_days(result["ultima_compra"].dt.normalize(), result["intervalo"].astype("float64").where(habit))
    result["ultima_linea"] = per_client(ids, last_line).astype("datetime64[ns]")
    result["facturacion"] = per_client(ids, revenue).fillna(0.0).astype("float64").round(2)
    result["facturacion_12m"] = per_client(ids, revenue_12m).fillna(0.0).astype("float64").round(2)
    ticket = result["facturacion"] / result["compras"].astype("float64").replace(0, np.nan)
    result["ticket_medio"] = ticket.astype("float64").round(2)
    result["productos"] = per_client(ids, products).fillna(0).astype("Int64")
    result["lista_productos"] = per_client(ids, product_list).astype("object")
    return result


def trimmed(values: pd.Series) -> pd.Series:
    """Text values with their spaces tidied (none at either end, one between words: «Té  verde » is «Té verde»), each
    distinct value once (a catalogue repeats a few hundred names over many lines)."""
    codes, uniques = pd.factorize(values)
    clean = np.array([" ".join(str(value).split()) for value in uniques] + [None], dtype="object")
    return pd.Series(clean[codes], index=values.index, dtype="object")  # code -1 (a blank) takes the None at the end


def _products_bought(sales: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per client: how many products it bought, and which — «Café (5), Té (2)», most bought first (days bought, then revenue)."""
    if "product" not in sales:
        return pd.Series(dtype="int64"), pd.Series(dtype="object")
    lines = sales.dropna(subset=["product"])
    lines = lines[lines["amount"] > 0]
    if lines.empty:
        return pd.Series(dtype="int64"), pd.Series(dtype="object")
    names = trimmed(lines["product"])
    bought = (
        lines.assign(product=names).groupby([CLIENT_ID, "product"], sort=False).agg(veces=("date", "nunique"), importe=("amount", "sum"))
    )
    bought = bought.reset_index().sort_values([CLIENT_ID, "veces", "importe", "product"], ascending=[True, False, False, True])
    texts = (bought["product"] + " (" + bought["veces"].astype(str) + ")").tolist()
    clients, starts = np.unique(bought[CLIENT_ID].to_numpy(), return_index=True)  # sorted by client: one run each
    ends = [*starts[1:].tolist(), len(texts)]
    shown = []
    for start, end in zip(starts.tolist(), ends, strict=True):
        listed = ", ".join(texts[start : min(end, start + MAX_PRODUCTS_LISTED)])
        more = end - start - MAX_PRODUCTS_LISTED
        shown.append(listed + MORE_PRODUCTS.format(count=more) if more > 0 else listed)
    count = pd.Series(np.diff([*starts.tolist(), len(texts)]), index=clients)
    return count, pd.Series(shown, index=clients, dtype="object")


def contact_metrics(clients: pd.DataFrame, followups: pd.DataFrame | None, hoy: pd.Timestamp) -> pd.DataFrame:
    """Last contact, contacts in 90 days, since when the client owes us an answer and since when we owe the client one.

    Both are read from the client's last contact: a later contact without the mark closes them (see also :func:`committed_actions`).
    """
    ids = clients["id"]
    result = pd.DataFrame(index=clients.index)
    result["ultimo_contacto"] = pd.Series(pd.NaT, index=clients.index, dtype="datetime64[ns]")
    result["esperando_desde"] = pd.Series(pd.NaT, index=clients.index, dtype="datetime64[ns]")
    result["debemos_desde"] = pd.Series(pd.NaT, index=clients.index, dtype="datetime64[ns]")
    result["contactos_90d"] = pd.array([0] * len(clients), dtype="Int64")
    usable = _until(followups, hoy, ("date",))
    if usable is not None and not usable.empty:
        ordered = usable.sort_values([CLIENT_ID, "date"], kind="stable")
        last_rows = ordered.groupby(CLIENT_ID).tail(1).set_index(CLIENT_ID)
        result["ultimo_contacto"] = per_client(ids, last_rows["date"]).astype("datetime64[ns]")
        recent = ordered[ordered["date"] > hoy - pd.Timedelta(days=DAYS_RECENT_CONTACTS)].groupby(CLIENT_ID).size()
        result["contactos_90d"] = per_client(ids, recent).fillna(0).astype("Int64")
        for flag, since in (("awaiting_reply", "esperando_desde"), ("owes_reply", "debemos_desde")):
            if flag in last_rows:
                flagged = last_rows.loc[last_rows[flag].fillna(False).astype(bool), "date"]
                result[since] = per_client(ids, flagged).astype("datetime64[ns]")
    result["dias_sin_contacto"] = _days(hoy, result["ultimo_contacto"])
    return result


def committed_actions(clients: pd.DataFrame, followups: pd.DataFrame | None, hoy: pd.Timestamp) -> pd.DataFrame:
    """Every open committed action (``Fecha próxima acción``), one row each: client row, date (maybe with a time), text, key.

    The next steps are those set at the client's latest contact that set any (a
    later next step replaces an earlier one; several set that day are all
    kept); each stays open while no contact with the client is logged on or
    after its day. ``key`` names the action for calendars: the day of the
    contact that set it and its order among that day's, so it survives a change
    of its date or text.
    """
    none = pd.DataFrame({"fila": pd.Series(dtype="int64"), "fecha": pd.Series(dtype="datetime64[ns]"), "texto": [], "clave": []})
    usable = _until(followups, hoy, ("date",))
    if usable is None or "next_action_date" not in usable or not usable["next_action_date"].notna().any():
        return none
    owners = clients["id"].where(~clients["id"].duplicated(keep="first"))
    row_of = pd.Series(clients.index, index=owners.to_numpy()).loc[lambda rows: rows.index.notna()]
    last_contact = usable.groupby(CLIENT_ID)["date"].max().dt.normalize()
    scheduled = usable.dropna(subset=["next_action_date"]).sort_values([CLIENT_ID, "date"], kind="stable")
    client = scheduled[CLIENT_ID]
    latest = scheduled["date"] == client.map(scheduled.groupby(CLIENT_ID)["date"].max())
    is_open = latest & (scheduled["next_action_date"].dt.normalize() > client.map(last_contact))
    open_rows = scheduled[is_open & client.isin(row_of.index)]
    order = open_rows.groupby([CLIENT_ID, "date"]).cumcount() + 1
    text = open_rows["next_action"] if "next_action" in open_rows else pd.Series(None, index=open_rows.index, dtype="object")
    result = pd.DataFrame(
        {
            "fila": open_rows[CLIENT_ID].map(row_of).to_numpy(),
            "fecha": open_rows["next_action_date"].to_numpy(),
            "texto": text.to_numpy(),
            "clave": [f"{day:%Y%m%d}-{n}" for day, n in zip(open_rows["date"], order, strict=True)],
        }
    )
    return result.sort_values(["fila", "fecha"], kind="stable").reset_index(drop=True)


def other_metrics(sheets: Sheets, hoy: pd.Timestamp) -> pd.DataFrame:
    """Referrals brought, last satisfaction and recommendation, open complaints."""
    clients = sheets.clients
    ids = clients["id"]
    result = pd.DataFrame(index=clients.index)
    counts = referrers(clients).value_counts()
    result["referidos"] = per_client(ids, counts).fillna(0).astype("Int64")

    result["satisfaccion"] = pd.array([pd.NA] * len(clients), dtype="Int64")
    result["recomendacion"] = pd.array([pd.NA] * len(clients), dtype="Int64")
    surveys = _until(sheets.surveys, hoy, ("date",))
    if surveys is not None and not surveys.empty:
        for column, source in (("satisfaccion", "satisfaction"), ("recomendacion", "recommendation")):
            if source in surveys:
                answered = surveys.dropna(subset=[source]).sort_values("date", kind="stable")
                last = answered.groupby(CLIENT_ID)[source].last()
                result[column] = per_client(ids, last).astype("Int64")

    result["reclamos_abiertos"] = pd.array([0] * len(clients), dtype="Int64")
    result["reclamo_desde"] = pd.Series(pd.NaT, index=clients.index, dtype="datetime64[ns]")
    complaints = _until(sheets.complaints, hoy, ("date",))
    if complaints is not None and not complaints.empty:
        open_rows = complaints[open_complaints(complaints, hoy)]
        grouped = open_rows.groupby(CLIENT_ID)["date"]
        result["reclamos_abiertos"] = per_client(ids, grouped.size()).fillna(0).astype("Int64")
        result["reclamo_desde"] = per_client(ids, grouped.min()).astype("datetime64[ns]")
    return result


def referrers(clients: pd.DataFrame) -> pd.Series:
    """Who brought each referred client: ``Referido por`` matched to a client's ID, else to its name (the first such client).

    Indexed like the clients that name a referrer; the referrer's ID, or ``None``
    when the text names no client (the text as typed is in ``referred_by``).
    """
    if "referred_by" not in clients:
        return pd.Series(dtype="object")
    named = clients["referred_by"].map(lambda v: fold(str(v)) if not _blank(v) else None).dropna()
    owners = clients.drop_duplicates("id")
    ids = owners["id"].where(owners["id"].map(lambda v: isinstance(v, str)))
    by_id = dict(zip(ids.map(lambda v: fold(v) if isinstance(v, str) else None), ids, strict=True))
    by_name: dict[str, Any] = {}
    for name, client in zip(owners["name"], ids, strict=True):
        if isinstance(name, str) and isinstance(client, str):
            by_name.setdefault(fold(name), client)
    return named.map(lambda text: by_id.get(text) or by_name.get(text)).astype("object")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and not value.strip())


def open_complaints(complaints: pd.DataFrame, hoy: pd.Timestamp) -> pd.Series:
    """Complaints still open: state «abierto», or no state and no resolution date up to ``hoy``."""
    status = complaints["status"] if "status" in complaints else pd.Series(None, index=complaints.index, dtype="object")
    resolved = complaints["resolved_date"] if "resolved_date" in complaints else pd.Series(pd.NaT, index=complaints.index)
    return (status == COMPLAINT_OPEN) | (status.isna() & ~(resolved <= hoy))


def _thresholds(metrics: pd.DataFrame, parameters: Parameters) -> tuple[pd.Series, pd.Series]:
    """Each client's inactivity threshold and the days without buying after which it is lost.

    A regular buyer's threshold follows its own rhythm, but never passes a year
    (or ``dias_inactivo``, if longer): a client with no purchase in the twelve
    months the pasivo percentile measures has stopped buying (seed 000:
    «no han hecho compras recientes»), it is not a client who buys little.
    """
    purchases = metrics["compras"].astype("float64")
    interval = metrics["intervalo_exacto"].astype("float64")
    threshold = pd.Series(float(parameters.dias_inactivo), index=metrics.index)
    regular = purchases >= MIN_PURCHASES_FOR_INTERVAL
    rhythm = np.maximum(float(parameters.dias_inactivo_min), parameters.factor_intervalo * interval[regular])
    threshold[regular] = np.minimum(rhythm, float(max(parameters.dias_inactivo, DAYS_12M - 1)))
    return threshold, (2 * threshold).clip(lower=float(parameters.dias_perdido))


def reactivated(clients: pd.DataFrame, metrics: pd.DataFrame, hoy: pd.Timestamp) -> pd.Series:
    """Clients with a Fecha de baja reached who bought after it: treated as reactivated, and flagged in Revisar."""
    if "churn_date" not in clients:
        return pd.Series(False, index=clients.index)
    churn = clients["churn_date"]
    return ((churn <= hoy) & (metrics["ultima_compra"] > churn)).fillna(False).astype(bool)


def _churned(clients: pd.DataFrame, metrics: pd.DataFrame, hoy: pd.Timestamp) -> pd.Series:
    if "churn_date" not in clients:
        return pd.Series(False, index=clients.index)
    return (clients["churn_date"] <= hoy).fillna(False).astype(bool) & ~reactivated(clients, metrics, hoy)


def data_start(frame: pd.DataFrame | None, hoy: pd.Timestamp) -> pd.Timestamp | None:
    """The first day of a sheet's data up to ``hoy`` (any row, of any client): of Ventas, where the history the rules can
    see begins; of Seguimiento, the day the team started writing contacts down."""
    if frame is None or "date" not in frame:
        return None
    dates = frame["date"]
    first = dates[dates <= hoy].min()
    return None if pd.isna(first) else pd.Timestamp(first).normalize()


def unknown_if_new(metrics: pd.DataFrame, parameters: Parameters, hoy: pd.Timestamp, data_from: pd.Timestamp | None) -> pd.Series:
    """Clients who bought first within ``dias_cliente_nuevo`` days, but so soon after the data begin that nobody can tell
    whether they bought before: the data must cover that many days before a first purchase to call it new."""
    recent = _days(hoy, metrics["primera_compra"]).astype("float64") <= parameters.dias_cliente_nuevo
    if data_from is None:
        return pd.Series(False, index=metrics.index)
    covered = (metrics["primera_compra"] - data_from).dt.days.astype("float64") >= parameters.dias_cliente_nuevo
    return (recent & ~covered).fillna(False).astype(bool)


def estados(
    clients: pd.DataFrame, metrics: pd.DataFrame, parameters: Parameters, hoy: pd.Timestamp, data_from: pd.Timestamp | None = None
) -> pd.Series:
    """Estado of every client, first match wins (SPEC §2).

    A client is nuevo only when the sales data (from ``data_from``, their first day) cover ``dias_cliente_nuevo``
    days before its first purchase: with one month of data every buyer would look new; otherwise activo.

    A client whose only lines are credit notes bought before the data begin: it
    is not a prospect (potencial) but a client who has not bought since, so
    inactivo, or perdido once its last line is older than the lost threshold.
    """
    purchases = metrics["compras"].astype("float64")
    credit_only = (purchases == 0) & metrics["ultima_linea"].notna()
    days = metrics["dias_sin_comprar"].astype("float64").fillna(_days(hoy, metrics["ultima_linea"]).astype("float64"))
    threshold, lost_after = _thresholds(metrics, parameters)
    churned = _churned(clients, metrics, hoy)
    since_first = _days(hoy, metrics["primera_compra"]).astype("float64")

    estado = pd.Series(ESTADO_ACTIVO, index=clients.index, dtype="object")
    decided = pd.Series(False, index=clients.index)
    for mask, value in (
        (churned | (days > lost_after), ESTADO_PERDIDO),
        (credit_only, ESTADO_INACTIVO),
        (purchases == 0, ESTADO_POTENCIAL),
        ((since_first <= parameters.dias_cliente_nuevo) & ~unknown_if_new(metrics, parameters, hoy, data_from), ESTADO_NUEVO),
        (days > threshold, ESTADO_INACTIVO),
    ):
        hit = mask.fillna(False).astype(bool) & ~decided
        estado[hit] = value
        decided |= hit
    rest = ~decided
    if rest.sum() >= MIN_CLIENTS_FOR_PERCENTILE:  # a percentile of two or three clients says nothing
        share = float(parameters.percentil_pasivo) / 100
        candidates = metrics.loc[rest]
        low = _bottom(candidates["facturacion_12m"], share) & _fewest(candidates, share)
        estado[low[low].index] = ESTADO_PASIVO
    return estado


def _fewest(metrics: pd.DataFrame, share: float) -> pd.Series:
    """The ``share`` of clients that bought least in the last 12 months, ties broken: fewer purchases, then less revenue,
    then the longest since the last purchase (then sheet order).

    Purchase counts tie by the hundred (most clients bought once), so a tie group kept whole never fits the share and
    «el cliente que compra poco» would vanish; these keys make the order strict.
    """
    order = np.lexsort(
        (
            -metrics["dias_sin_comprar"].astype("float64").fillna(0).to_numpy(),
            metrics["facturacion_12m"].astype("float64").to_numpy(),
            metrics["compras_12m"].astype("float64").to_numpy(),
        )
    )
    chosen = np.zeros(len(metrics), dtype=bool)
    chosen[order[: int(np.floor(share * len(metrics) + 1e-9))]] = True
    return pd.Series(chosen, index=metrics.index)


def _bottom(values: pd.Series, share: float) -> pd.Series:
    """Values in the bottom ``share`` of their series, ties kept together: a tied group that does not fit whole is left out.

    So ties never mark more than the share (with ten clients and a 25 % share,
    at most two), where ``value <= percentile`` would mark every tied client.
    """
    ranks = values.astype("float64").rank(method="max", pct=True)
    return ranks <= share + 1e-9


def lost_since(clients: pd.DataFrame, metrics: pd.DataFrame, parameters: Parameters, hoy: pd.Timestamp) -> pd.Series:
    """The day each lost client became lost: its Fecha de baja, or the first day past its threshold."""
    _, lost_after = _thresholds(metrics, parameters)
    by_silence = plus_days(metrics["ultima_compra"].fillna(metrics["ultima_linea"]), lost_after + 1)
    since = by_silence.where(metrics["estado"] == ESTADO_PERDIDO)
    if "churn_date" in clients:
        since = clients["churn_date"].where(_churned(clients, metrics, hoy), since)
    return since.astype("datetime64[ns]")


def lost_days(clients: pd.DataFrame, purchases: pd.DataFrame | None, parameters: Parameters, hoy: pd.Timestamp) -> pd.Series:
    """Every day a client became lost, as it was seen that day: one date per loss, never undone by a later purchase.

    ``clients`` has the metrics beside the input columns (``perdido_desde`` among them). A client lost today
    became lost on its ``perdido_desde``. One who came back was lost too, for a while: past a gap between two
    purchases longer than its lost threshold (on the first day past it), or on a Fecha de baja it bought after.
    So a past month's count of lost clients is what that month's end saw, whatever the day of the refresh.
    """
    found = [clients["perdido_desde"].dropna()]
    if "churn_date" in clients and "ultima_compra" in clients:
        found.append(clients.loc[reactivated(clients, clients, hoy), "churn_date"])
    if purchases is not None and len(purchases) and {"id", "compras", "intervalo_exacto"} <= set(clients):
        _, lost_after = _thresholds(clients, parameters)
        after = pd.Series(lost_after.to_numpy(), index=clients["id"].astype("object"))
        after = after[~after.index.duplicated()]
        ordered = purchases.sort_values([CLIENT_ID, "date"], kind="stable")
        following = ordered.groupby(CLIENT_ID, sort=False)["date"].shift(-1)
        lost_on = plus_days(ordered["date"], ordered[CLIENT_ID].astype("object").map(after).astype("float64") + 1)
        came_back = following.notna() & (lost_on < following) & (lost_on <= hoy)
        found.append(lost_on[came_back])
    return pd.concat(found, ignore_index=True).astype("datetime64[ns]")


def volumen(metrics: pd.DataFrame, parameters: Parameters) -> pd.Series:
    """Alto above the average 12-month revenue per buying client (× factor), bajo below the low factor."""
    revenue = metrics["facturacion_12m"].astype("float64")
    buyers = revenue[metrics["compras_12m"].astype("float64") > 0]
    average = float(buyers.mean()) if len(buyers) else 0.0
    result = pd.Series(VOLUMEN_MEDIO, index=metrics.index, dtype="object")
    result[revenue <= parameters.factor_volumen_bajo * average] = VOLUMEN_BAJO
    result[revenue > parameters.factor_volumen * average] = VOLUMEN_ALTO
    result[metrics["compras"].astype("float64") == 0] = None
    return result


def abc(metrics: pd.DataFrame, parameters: Parameters) -> pd.Series:
    """ABC class by 12-month revenue: A makes the first ``abc_a`` %, B up to ``abc_b`` %, C the rest."""
    revenue = metrics["facturacion_12m"].astype("float64").clip(lower=0)
    result = pd.Series(None, index=metrics.index, dtype="object")
    buyers = metrics["compras"].astype("float64") > 0
    result[buyers] = ABC_C
    total = revenue.sum()
    if total <= 0:
        return result
    ranked = revenue[buyers & (revenue > 0)]
    groups = ranked.groupby(ranked).sum().sort_index(ascending=False)  # clients with equal revenue together
    before = ranked.map(groups.cumsum() - groups) / total  # share made by those with more: equal revenue, equal class
    result[before[before < parameters.abc_b / 100].index] = ABC_B
    result[before[before < parameters.abc_a / 100].index] = ABC_A
    return result


def rfm(metrics: pd.DataFrame, estado: pd.Series) -> pd.DataFrame:
    """R, F and M scores 1–5 (quintiles among buyers) and the named segment."""
    buyers = metrics["compras"].astype("float64") > 0
    result = pd.DataFrame(index=metrics.index)
    for column, source, ascending in (("r", "dias_sin_comprar", False), ("f", "compras", True), ("m", "facturacion", True)):
        values = metrics.loc[buyers, source].astype("float64")
        ranks = values.rank(method="average", pct=True, ascending=ascending)
        score = np.ceil(ranks * RFM_BINS).clip(1, RFM_BINS)
        result[column] = pd.Series(pd.NA, index=metrics.index, dtype="Int64")
        result.loc[buyers, column] = score.astype("int64")
        result[column] = result[column].astype("Int64")
    codes = result["r"].astype("string") + result["f"].astype("string")
    result["segmento_rfm"] = codes.map(_rfm_segment).astype("object")
    result.loc[estado == ESTADO_PERDIDO, "segmento_rfm"] = RFM_LOST
    return result


def _rfm_segment(code: Any) -> str | None:
    if not isinstance(code, str):
        return None
    return next((name for pattern, name in _RFM_PATTERNS if pattern.fullmatch(code)), None)


def plus_days(dates: pd.Series, days: pd.Series) -> pd.Series:
    """``dates`` plus ``days``; no date where the sum would pass the last day pandas can hold (centuries away).

    An interval of a century between two purchases typed in 1900 and 2149 would
    otherwise overflow; no expected day is better than a wrong one.
    """
    nanoseconds = dates.to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64")  # no Timedelta: it holds 292 years
    room = pd.Series((pd.Timestamp.max.value - nanoseconds) / 86_400e9 - 1, index=dates.index)
    days = days.astype("float64").where(days.astype("float64") <= room)
    return (dates + pd.to_timedelta(days, unit="D")).astype("datetime64[ns]")


def timestamp(day: dt.date) -> pd.Timestamp:
    """``hoy`` as a pandas timestamp at midnight."""
    return pd.Timestamp(day)
