"""The figures of the summary sheets, as pure functions of the data, the rules in force and ``hoy``.

Each function returns a DataFrame under the English keys of the tables declared
in :mod:`cartera_xls.schema.summary` (or a small dict); the writer looks labels
and formats up by key, and notebooks see the same figures labelled in Spanish
as ``cartera.indicadores``. Rows dated after ``hoy`` are ignored, like in the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .rules import Sheets, per_client
from .schema import summary as labels
from .schema.params import PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR, Reglas
from .schema.sheets import ESTADO_PERDIDO, ESTADOS, OPPORTUNITY_WON, SEMAFOROS
from .tables import CLIENT_ID

PROMOTER_MIN, PASSIVE_MIN = 9, 7
TREND_MONTHS = 12
TOP_N = (1, 5, 10)
MAX_PAIRS = 20
SEGMENT_KEYS = ("segment", "business_type", "region")  # the client columns of Análisis' first axis
PROMOTERS, PASSIVES, DETRACTORS, NPS = "promotores", "pasivos", "detractores", "nps"


@dataclass(frozen=True)
class Inputs:
    """What the indicators read: client rows with their metrics, the other sheets, the rules in force."""

    clients: pd.DataFrame  # input columns and metrics side by side, one row per client
    sheets: Sheets
    reglas: Reglas
    hoy: pd.Timestamp

    @cached_property
    def known_sales(self) -> pd.DataFrame | None:
        """Sales up to ``hoy`` of known clients (a sale naming no known client waits in Revisar, like in the metrics)."""
        sales = _dated(self.sheets.sales, self.hoy)
        return sales[sales[CLIENT_ID].notna()] if sales is not None else None

    @cached_property
    def purchases(self) -> pd.DataFrame | None:
        """Known sales as purchases: one per client and day with a positive amount."""
        sales = self.known_sales
        if sales is None or "amount" not in sales:
            return None
        positive = sales.dropna(subset=["amount"])
        return positive.loc[positive["amount"] > 0, [CLIENT_ID, "date"]].drop_duplicates()

    @cached_property
    def product_sales(self) -> pd.DataFrame | None:
        """Known sales naming a product, the product's name trimmed."""
        sales = self.known_sales
        if sales is None or "product" not in sales:
            return None
        usable = sales.dropna(subset=["product"])
        return usable.assign(product=usable["product"].astype(str).str.strip())


def _dated(frame: pd.DataFrame | None, hoy: pd.Timestamp, column: str = "date") -> pd.DataFrame | None:
    if frame is None or column not in frame:
        return None
    return frame[frame[column].notna() & (frame[column] <= hoy)]


# --- Periods -------------------------------------------------------------------------

_PERIOD_LENGTH = {PERIOD_MONTH: pd.DateOffset(months=1), PERIOD_QUARTER: pd.DateOffset(months=3), PERIOD_YEAR: pd.DateOffset(years=1)}


def period_start(day: pd.Timestamp, period: str) -> pd.Timestamp:
    """First day of the month, quarter or year containing ``day``."""
    if period == PERIOD_YEAR:
        return pd.Timestamp(day.year, 1, 1)
    if period == PERIOD_QUARTER:
        return pd.Timestamp(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return pd.Timestamp(day.year, day.month, 1)


def periods(hoy: pd.Timestamp, period: str) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """The period to date, the same stretch of the previous period and of the year before (inclusive), by key."""
    start = period_start(hoy, period)
    elapsed = hoy - start
    previous_start = start - _PERIOD_LENGTH[period]
    previous_end = min(previous_start + elapsed, start - pd.Timedelta(days=1))
    year_start = start - pd.DateOffset(years=1)
    return {
        labels.PERIOD_CURRENT: (start, hoy),
        labels.PERIOD_PREVIOUS: (previous_start, previous_end),
        labels.PERIOD_LAST_YEAR: (year_start, min(year_start + elapsed, start - pd.Timedelta(days=1))),
    }


def _in(frame: pd.DataFrame | None, column: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame | None:
    if frame is None:
        return None
    return frame[(frame[column] >= start) & (frame[column] <= end)]


def _closing_days(inputs: Inputs, start: pd.Timestamp, end: pd.Timestamp) -> float:
    opportunities = inputs.sheets.opportunities
    if opportunities is not None and {"status", "closed", "opened"} <= set(opportunities.columns):
        won = opportunities[(opportunities["status"] == OPPORTUNITY_WON) & opportunities["closed"].between(start, end)]
        days = (won["closed"] - won["opened"]).dt.days
        return float(days.mean()) if len(days) else np.nan
    clients = inputs.clients
    if inputs.sheets.followups is None:
        return np.nan
    first_contact = inputs.sheets.followups.dropna(subset=[CLIENT_ID]).groupby(CLIENT_ID)["date"].min()
    new = clients[clients["primera_compra"].between(start, end)]
    days = (new["primera_compra"] - per_client(new["id"], first_contact).astype("datetime64[ns]")).dt.days
    days = days[days >= 0]
    return float(days.mean()) if len(days) else np.nan


def _nps(recommendations: pd.Series) -> float:
    answered = recommendations.dropna().astype("float64")
    if answered.empty:
        return np.nan
    return float(100 * ((answered >= PROMOTER_MIN).mean() - (answered < PASSIVE_MIN).mean()))


def period_values(inputs: Inputs, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, float]:
    """The eight sales indicators of the seeds over one stretch of days, by indicator key."""
    sales = inputs.known_sales
    purchases = _in(inputs.purchases, "date", start, end)
    clients = inputs.clients
    new = int(clients["primera_compra"].between(start, end).sum())
    lost = int(clients["perdido_desde"].between(start, end).sum())
    sheets = inputs.sheets
    surveys = _in(_dated(sheets.surveys, inputs.hoy), "date", start, end)
    contacts = _in(_dated(sheets.followups, inputs.hoy), "date", start, end)
    complaints = _in(_dated(sheets.complaints, inputs.hoy), "date", start, end)
    revenue = _in(sales, "date", start, end)
    return {
        "ventas": float(len(purchases)) if purchases is not None else np.nan,
        "facturacion": float(revenue["amount"].sum()) if revenue is not None and "amount" in revenue else np.nan,
        "nuevos": float(new),
        "perdidos": float(lost),
        "perdidos_por_nuevo": lost / new if new else np.nan,
        "contactos": float(len(contacts)) if contacts is not None else np.nan,
        "dias_cierre": _closing_days(inputs, start, end),
        "satisfaccion": float(surveys["satisfaction"].astype("float64").mean())
        if surveys is not None and "satisfaction" in surveys and surveys["satisfaction"].notna().any()
        else np.nan,
        "nps": _nps(surveys["recommendation"]) if surveys is not None and "recommendation" in surveys else np.nan,
        "reclamos": float(len(complaints)) if complaints is not None else np.nan,
    }


def period_indicators(inputs: Inputs, spans: dict[str, tuple[pd.Timestamp, pd.Timestamp]]) -> pd.DataFrame:
    """Indicators (rows, by key in the schema's order) for each period, with the relative changes."""
    table = pd.DataFrame({name: period_values(inputs, *span) for name, span in spans.items()})
    table = table.reindex([column.key for column in labels.INDICATORS.columns])
    current = table[labels.PERIOD_CURRENT]
    for column, base in labels.CHANGES:
        reference = table[base].replace(0, np.nan)
        table[column] = (current - reference) / reference.abs()
    return table


def monthly_trend(inputs: Inputs) -> pd.DataFrame:
    """The last twelve months (the current one to date): revenue, sales, new and lost clients, contacts, complaints.

    One pass per source, grouped by month — the same figures as :func:`period_values` month by month.
    """
    first = (period_start(inputs.hoy, PERIOD_MONTH) - pd.DateOffset(months=TREND_MONTHS - 1)).normalize()
    months = pd.period_range(first, inputs.hoy, freq="M")

    def per_month(frame: pd.DataFrame | None, column: str = "date", values: str | None = None) -> pd.Series | float:
        if frame is None:
            return np.nan
        dates = frame[column]
        inside = frame[dates.between(first, inputs.hoy)]
        key = inside[column].dt.to_period("M")
        grouped = inside[values].groupby(key).sum() if values is not None else key.value_counts()
        return grouped.reindex(months, fill_value=0).astype("float64")

    sales = inputs.known_sales
    has_amount = sales is not None and "amount" in sales
    table = pd.DataFrame(
        {
            "mes": [month_label(month.start_time) for month in months],
            "facturacion": per_month(sales, values="amount") if has_amount else np.nan,
            "ventas": per_month(inputs.purchases) if has_amount else np.nan,
            "nuevos": per_month(inputs.clients, "primera_compra"),
            "perdidos": per_month(inputs.clients, "perdido_desde"),
            "contactos": per_month(_dated(inputs.sheets.followups, inputs.hoy)),
            "reclamos": per_month(_dated(inputs.sheets.complaints, inputs.hoy)),
        },
        index=months,
    )
    return table.reset_index(drop=True)


def month_label(day: pd.Timestamp) -> str:
    """``dic 2025``: the month in the team's language, whatever the spreadsheet's locale."""
    return f"{labels.MONTHS[day.month - 1]} {day.year}"


def counts(clients: pd.DataFrame, column: str, order: tuple[str, ...]) -> pd.DataFrame:
    """How many clients have each value of ``column``, in the schema's order."""
    tally = clients[column].value_counts().reindex(list(order), fill_value=0)
    return pd.DataFrame({"clientes": tally.astype("int64")})


# --- Análisis ------------------------------------------------------------------------


def by_attribute(clients: pd.DataFrame, column: str) -> pd.DataFrame:
    """Clients, buyers, 12-month revenue and share for each value of a client attribute."""
    keys = [c.key for c in labels.SEGMENTS.columns]
    if column not in clients:
        return pd.DataFrame(columns=keys)
    key = clients[column].map(lambda v: v.strip() if isinstance(v, str) and v.strip() else labels.NO_VALUE)
    grouped = clients.assign(_key=key, _buyer=clients["compras"].astype("float64") > 0).groupby("_key")
    table = pd.DataFrame(
        {
            "clientes": grouped.size(),
            "compradores": grouped["_buyer"].sum().astype("int64"),
            "facturacion_12m": grouped["facturacion_12m"].sum(),
        }
    )
    total = table["facturacion_12m"].sum()
    table["participacion"] = table["facturacion_12m"] / total if total else 0.0
    table.index.name = None
    return table.sort_values(["facturacion_12m", "clientes"], ascending=False, kind="stable")


def estado_revenue(clients: pd.DataFrame) -> pd.DataFrame:
    """Clients and 12-month revenue per estado, in the schema's order."""
    table = counts(clients, "estado", ESTADOS)
    return table.join(clients.groupby("estado")["facturacion_12m"].sum())


def origins(clients: pd.DataFrame) -> pd.DataFrame:
    """Acquisition reasons: clients per Origen, how many became buyers, and their revenue."""
    table = by_attribute(clients, "source")
    if table.empty:
        return pd.DataFrame(columns=[c.key for c in labels.ORIGINS.columns])
    return pd.DataFrame(
        {
            "clientes": table["clientes"],
            "compradores": table["compradores"],
            "conversion": table["compradores"] / table["clientes"],
            "facturacion_12m": table["facturacion_12m"],
            "participacion": table["participacion"],
        }
    )


def churn_reasons(clients: pd.DataFrame) -> pd.DataFrame:
    """Lost clients by Motivo de baja."""
    lost = clients[clients["estado"] == ESTADO_PERDIDO]
    reasons = lost["churn_reason"] if "churn_reason" in lost else pd.Series(None, index=lost.index, dtype="object")
    key = reasons.map(lambda v: v.strip() if isinstance(v, str) and v.strip() else labels.NO_VALUE)
    tally = key.value_counts()
    table = pd.DataFrame({"perdidos": tally.astype("int64")})
    table["participacion"] = tally / tally.sum() if len(tally) else 0.0
    table.index.name = None
    return table


def recommendation(clients: pd.DataFrame) -> pd.DataFrame:
    """Promoters, passives and detractors by each client's last answer, and the NPS (rows by key)."""
    answers = clients["recomendacion"].dropna().astype("float64")
    groups = {
        PROMOTERS: int((answers >= PROMOTER_MIN).sum()),
        PASSIVES: int(((answers >= PASSIVE_MIN) & (answers < PROMOTER_MIN)).sum()),
        DETRACTORS: int((answers < PASSIVE_MIN).sum()),
    }
    table = pd.DataFrame({"clientes": pd.Series(groups, dtype="float64")})
    total = max(len(answers), 1)
    table["participacion"] = table["clientes"] / total
    table.loc[NPS] = [_nps(answers), np.nan]
    return table


# --- Concentración -------------------------------------------------------------------


def pareto(clients: pd.DataFrame) -> pd.DataFrame:
    """Clients by 12-month revenue, with share, cumulative share and ABC class."""
    buying = clients[clients["facturacion_12m"] > 0]
    ranked = buying.sort_values("facturacion_12m", ascending=False, kind="stable")
    total = ranked["facturacion_12m"].sum()
    share = ranked["facturacion_12m"] / total if total else ranked["facturacion_12m"] * 0
    return pd.DataFrame(
        {
            "puesto": np.arange(1, len(ranked) + 1),
            "id": ranked["id"].to_numpy(),
            "cliente": ranked["name"].to_numpy(),
            "facturacion_12m": ranked["facturacion_12m"].to_numpy(),
            "participacion": share.to_numpy(),
            "acumulada": share.cumsum().to_numpy(),
            "abc": ranked["abc"].to_numpy(),
        }
    )


def concentration(table: pd.DataFrame, reglas: Reglas) -> dict[str, Any]:
    """Shares of the top 1/5/10 clients, the Herfindahl index and the warnings of Reglas' thresholds."""
    shares = table["participacion"].astype("float64")
    result: dict[str, Any] = {f"top{n}": float(shares.head(n).sum()) for n in TOP_N}
    result["herfindahl"] = float((shares**2).sum() * 10_000)
    warnings = []
    if len(shares) and result["top1"] > reglas.umbral_top1 / 100:
        client = table["cliente"].iloc[0]
        warnings.append(labels.CONCENTRATION_TOP1.format(client=client, share=f"{result['top1']:.0%}", threshold=f"{reglas.umbral_top1}%"))
    if len(shares) and result["top5"] > reglas.umbral_top5 / 100:
        warnings.append(labels.CONCENTRATION_TOP5.format(share=f"{result['top5']:.0%}", threshold=f"{reglas.umbral_top5}%"))
    result["warnings"] = warnings
    return result


# --- Productos -----------------------------------------------------------------------


def products(inputs: Inputs) -> pd.DataFrame:
    """Clients, units and revenue by product."""
    sales = inputs.product_sales
    if sales is None or sales.empty:
        return pd.DataFrame(columns=[c.key for c in labels.PRODUCTS.columns])
    grouped = sales.groupby("product")
    quantity = grouped["quantity"].sum() if "quantity" in sales else grouped.size() * np.nan
    table = pd.DataFrame({"clientes": grouped[CLIENT_ID].nunique(), "unidades": quantity, "facturacion": grouped["amount"].sum()})
    total = table["facturacion"].sum()
    table["participacion"] = table["facturacion"] / total if total else 0.0
    table.index.name = None
    return table.sort_values("facturacion", ascending=False, kind="stable")


def _basket(inputs: Inputs) -> pd.DataFrame | None:
    """Client × product: 1 when the client bought the product (positive amount)."""
    sales = inputs.product_sales
    if sales is None or sales.empty:
        return None
    bought = sales[sales["amount"] > 0]
    if bought.empty:
        return None
    clients, client_names = pd.factorize(bought[CLIENT_ID], sort=True)
    items, product_names = pd.factorize(bought["product"], sort=True)
    owned = np.zeros((len(client_names), len(product_names)), dtype="float64")
    owned[clients, items] = 1.0
    return pd.DataFrame(owned, index=pd.Index(client_names, name=CLIENT_ID), columns=pd.Index(product_names, name="product"))


def _lift(basket: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Product × product: clients buying both, and the lift P(A and B) / (P(A) P(B))."""
    owned = basket.to_numpy(dtype="float64")
    clients = len(owned)
    together = owned.T @ owned
    support = np.diag(together) / clients
    lift = (together / clients) / np.outer(support, support)
    return together, lift


def product_pairs(inputs: Inputs) -> pd.DataFrame:
    """Pairs bought by the same clients: support, confidence and lift, strongest first."""
    keys = [c.key for c in labels.PAIRS.columns]
    basket = _basket(inputs)
    if basket is None or basket.shape[1] < 2:
        return pd.DataFrame(columns=keys)
    together, lift = _lift(basket)
    names = list(basket.columns)
    rows = []
    for i, first in enumerate(names):
        for j in range(i + 1, len(names)):
            both = float(together[i, j])
            if both > 0:
                rows.append([first, names[j], int(both), both / len(basket), both / float(together[i, i]), float(lift[i, j])])
    table = pd.DataFrame(rows, columns=keys)
    ordered = table.sort_values(["lift", "clientes"], ascending=False, kind="stable")
    return ordered.head(MAX_PAIRS).reset_index(drop=True)


def best_offers(inputs: Inputs) -> pd.DataFrame:
    """For each buying client, the product it does not buy yet with the highest lift to what it buys."""
    keys = [c.key for c in labels.OFFERS.columns]
    basket = _basket(inputs)
    if basket is None or basket.shape[1] < 2:
        return pd.DataFrame(columns=keys)
    _, lift = _lift(basket)
    lift_values = lift.copy()
    np.fill_diagonal(lift_values, 0.0)
    owned = basket.to_numpy()
    scores = np.where(owned > 0, -np.inf, (owned @ lift_values) / np.maximum(owned.sum(axis=1, keepdims=True), 1))
    best = scores.argmax(axis=1)
    best_score = scores[np.arange(len(best)), best]
    keep = np.isfinite(best_score) & (best_score > 0)
    ids = pd.Series(np.asarray(basket.index)[keep])
    clients = inputs.clients.drop_duplicates("id").set_index("id")
    salesperson = clients["salesperson"] if "salesperson" in clients else pd.Series(None, index=clients.index, dtype="object")
    return pd.DataFrame(
        {
            "id": ids,
            "cliente": ids.map(clients["name"]),
            "vendedor": ids.map(salesperson),
            "producto": np.asarray(basket.columns)[best][keep],
            "lift": best_score[keep],
        }
    )


# --- Geografía y vendedores ----------------------------------------------------------


def salespeople(clients: pd.DataFrame, hoy: pd.Timestamp) -> pd.DataFrame:
    """Per salesperson: clients by estado and by semáforo, 12-month revenue, recent contacts, overdue actions."""
    key = clients["salesperson"] if "salesperson" in clients else pd.Series(None, index=clients.index, dtype="object")
    key = key.map(lambda v: v.strip() if isinstance(v, str) and v.strip() else labels.NO_SALESPERSON)
    frame = clients.assign(_vendedor=key)
    by_estado = pd.crosstab(frame["_vendedor"], frame["estado"]).reindex(columns=list(ESTADOS), fill_value=0)
    by_colour = pd.crosstab(frame["_vendedor"], frame["semaforo"]).reindex(columns=list(SEMAFOROS), fill_value=0)
    grouped = frame.groupby("_vendedor")
    overdue = frame.assign(_vencida=frame["accion_fecha"] < hoy).groupby("_vendedor")["_vencida"].sum()
    extra = pd.DataFrame(
        {
            "facturacion_12m": grouped["facturacion_12m"].sum(),
            "contactos_90d": grouped["contactos_90d"].sum().astype("int64"),
            "vencidas": overdue.astype("int64"),
        }
    )
    table = pd.concat([by_estado, by_colour, extra], axis=1).fillna(0)
    table.index.name = None
    return table.sort_values("facturacion_12m", ascending=False, kind="stable")


@dataclass(frozen=True)
class Indicators:
    """Every figure of the summary sheets, under the keys of :data:`schema.summary.FIGURE_NAMES`."""

    periods: pd.DataFrame
    ranges: dict[str, tuple[pd.Timestamp, pd.Timestamp]]
    trend: pd.DataFrame
    by_estado: pd.DataFrame
    by_semaforo: pd.DataFrame
    estado_revenue: pd.DataFrame
    segments: dict[str, pd.DataFrame]  # client column key → table
    origins: pd.DataFrame
    churn: pd.DataFrame
    recommendation: pd.DataFrame
    pareto: pd.DataFrame
    concentration: dict[str, Any]
    regions: pd.DataFrame
    cities: pd.DataFrame
    products: pd.DataFrame
    pairs: pd.DataFrame
    offers: pd.DataFrame
    salespeople: pd.DataFrame


def compute(inputs: Inputs) -> Indicators:
    """All the figures, from the same inputs."""
    clients = inputs.clients
    table = pareto(clients)
    spans = periods(inputs.hoy, inputs.reglas.periodo)
    return Indicators(
        periods=period_indicators(inputs, spans),
        ranges=spans,
        trend=monthly_trend(inputs),
        by_estado=counts(clients, "estado", ESTADOS),
        by_semaforo=counts(clients, "semaforo", SEMAFOROS),
        estado_revenue=estado_revenue(clients),
        segments={key: by_attribute(clients, key) for key in SEGMENT_KEYS},
        origins=origins(clients),
        churn=churn_reasons(clients),
        recommendation=recommendation(clients),
        pareto=table,
        concentration=concentration(table, inputs.reglas),
        regions=by_attribute(clients, "region"),
        cities=by_attribute(clients, "city"),
        products=products(inputs),
        pairs=product_pairs(inputs),
        offers=best_offers(inputs),
        salespeople=salespeople(clients, inputs.hoy),
    )
