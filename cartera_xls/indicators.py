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

from .rules import Sheets, first_day_12m, lost_days, per_client, referrers, trimmed, unknown_if_new
from .schema import summary as labels
from .schema.params import PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR, Parameters
from .schema.sheets import ESTADO_PERDIDO, ESTADOS, OPPORTUNITY_WON, SEMAFOROS
from .tables import CLIENT_ID, is_missing

PROMOTER_MIN, PASSIVE_MIN = 9, 7
TOP_N = (1, 5, 10)
MAX_PAIRS = 20
SEGMENT_KEYS = ("client_type", "segment", "business_type", "region")  # the client columns of Análisis' first axis
PROMOTERS, PASSIVES, DETRACTORS, NPS = "promotores", "pasivos", "detractores", "nps"


@dataclass(frozen=True)
class Inputs:
    """What the indicators read: client rows with their metrics, the other sheets, the rules in force."""

    clients: pd.DataFrame  # input columns and metrics side by side, one row per client
    sheets: Sheets
    parameters: Parameters
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
    def lost_days(self) -> pd.Series:
        """Every day a client became lost, as of that day (see :func:`rules.lost_days`): what each period counts."""
        return lost_days(self.clients, self.purchases, self.parameters, self.hoy)

    @cached_property
    def first_days(self) -> dict[str, pd.Timestamp | None]:
        """Each indicator's first day with data: the first row of the sheet it comes from (``None`` without the sheet)."""
        sheets = self.sheets

        def first(frame: pd.DataFrame | None) -> pd.Timestamp | None:
            dated = _dated(frame, self.hoy)
            return dated["date"].min() if dated is not None and len(dated) else None

        sales, followups, surveys, complaints = (
            first(sheets.sales),
            first(sheets.followups),
            first(sheets.surveys),
            first(sheets.complaints),
        )
        by_sheet = {"ventas": sales, "contactos": followups, "satisfaccion": surveys, "nps": surveys, "reclamos": complaints}
        return {key: by_sheet.get(key, sales) for key in (column.key for column in labels.INDICATORS.columns)}

    @cached_property
    def history(self) -> pd.Timestamp | None:
        """The first day a period may start for new and lost clients to be counted in it, ``None`` without sales.

        A client is new when it had not bought before, and lost after
        ``dias_perdido`` days without buying: both can only be told once the
        sales reach that far back. Before, every client of the first months
        looks new and none can be lost yet (an export that starts in December
        shows hundreds of «new» clients a year ago).
        """
        first = self.first_days.get("ventas")
        return None if first is None else first + pd.Timedelta(days=int(self.parameters.dias_perdido))

    @cached_property
    def sales_made(self) -> pd.DataFrame | None:
        """One row per sale, dated: an invoice (its first day) where the line has a number, else a client's day of purchase.

        What «Número de ventas» counts: invoices when the team keeps them, never
        the lines of one invoice; a credit note (negative) is no sale.
        """
        sales = self.known_sales
        if sales is None or "amount" not in sales:
            return None
        positive = sales.loc[sales["amount"] > 0]
        invoice = positive["invoice"] if "invoice" in positive else pd.Series(None, index=positive.index, dtype="object")
        has_number = (invoice.notna() & invoice.ne("")).to_numpy(dtype=bool)  # a blank cell is read as missing
        by_invoice = positive.loc[has_number].assign(_venta=invoice[has_number]).sort_values("date", kind="stable")
        invoices = by_invoice.drop_duplicates("_venta")[[CLIENT_ID, "date"]]
        days = positive.loc[~has_number, [CLIENT_ID, "date"]].drop_duplicates()
        return pd.concat([invoices, days], ignore_index=True)

    @cached_property
    def product_sales(self) -> pd.DataFrame | None:
        """Known sales naming a product, the product's name with its spaces tidied (:func:`rules.trimmed`)."""
        sales = self.known_sales
        if sales is None or "product" not in sales:
            return None
        usable = sales.dropna(subset=["product"])
        return usable.assign(product=trimmed(usable["product"]))


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
    """The period to date, the same stretch of the previous period and of the year before, the last whole period (inclusive), by key."""
    start = period_start(hoy, period)
    elapsed = hoy - start
    previous_start = start - _PERIOD_LENGTH[period]
    previous_end = min(previous_start + elapsed, start - pd.Timedelta(days=1))
    year_start = start - pd.DateOffset(years=1)
    return {
        labels.PERIOD_CURRENT: (start, hoy),
        labels.PERIOD_PREVIOUS: (previous_start, previous_end),
        labels.PERIOD_LAST_YEAR: (year_start, min(year_start + elapsed, start - pd.Timedelta(days=1))),
        labels.PERIOD_LAST_FULL: (previous_start, start - pd.Timedelta(days=1)),
    }


def _in(frame: pd.DataFrame | None, column: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame | None:
    if frame is None:
        return None
    return frame[(frame[column] >= start) & (frame[column] <= end)]


def closing(inputs: Inputs) -> pd.DataFrame:
    """Days to close a sale over the deals closed in the last 90 days and the last 12 months, and how many there were.

    From Oportunidades (won: opening → closing); without it, from Seguimiento
    and Ventas (first contact → first purchase of the clients who first bought
    in the window). Rows by window key; empty when neither source exists.
    """
    spans = {key: (inputs.hoy - pd.Timedelta(days=days - 1), inputs.hoy) for key, days in labels.CLOSING_WINDOWS}
    days = _closing_days(inputs)
    if days is None:
        return pd.DataFrame(columns=[c.key for c in labels.CLOSING.columns])
    rows = {}
    for key, (start, end) in spans.items():
        inside = days[(days.index >= start) & (days.index <= end)]
        rows[key] = {"dias": float(inside.mean()) if len(inside) else np.nan, "ventas": float(len(inside))}
    return pd.DataFrame.from_dict(rows, orient="index")


def closing_source(inputs: Inputs) -> str | None:
    """Where the days to close come from (a key of :data:`schema.summary.CLOSE_SOURCES`), ``None`` when they cannot be computed."""
    opportunities = inputs.sheets.opportunities
    if opportunities is not None and {"status", "closed", "opened"} <= set(opportunities.columns):
        return "oportunidades"
    if inputs.sheets.followups is not None and inputs.purchases is not None:
        return "primer_contacto"
    return None


def _closing_days(inputs: Inputs) -> pd.Series | None:
    """Days to close each sale, indexed by the day it closed (up to ``hoy``)."""
    source = closing_source(inputs)
    if source == "oportunidades":
        opportunities = _dated(inputs.sheets.opportunities, inputs.hoy, "closed")
        assert opportunities is not None
        won = opportunities[opportunities["status"] == OPPORTUNITY_WON].dropna(subset=["opened"])
        return pd.Series((won["closed"] - won["opened"]).dt.days.to_numpy(dtype="float64"), index=pd.DatetimeIndex(won["closed"]))
    if source is None:
        return None
    followups = _dated(inputs.sheets.followups, inputs.hoy)
    assert followups is not None
    first_contact = followups.dropna(subset=[CLIENT_ID]).groupby(CLIENT_ID)["date"].min()
    clients = inputs.clients.dropna(subset=["primera_compra"])
    contacted = per_client(clients["id"], first_contact).astype("datetime64[ns]")
    days = (clients["primera_compra"] - contacted).dt.days
    keep = days.notna() & (days >= 0)
    return pd.Series(days[keep].to_numpy(dtype="float64"), index=pd.DatetimeIndex(clients.loc[keep, "primera_compra"]))


def sales_contacts(inputs: Inputs) -> pd.DataFrame | None:
    """The contacts that count as sales contacts: those of the types Reglas lists (all of them when Seguimiento has no Tipo)."""
    followups = _dated(inputs.sheets.followups, inputs.hoy)
    if followups is None or "contact_type" not in followups:
        return followups
    return followups[followups["contact_type"].isin(inputs.parameters.sales_contact_types)]


HISTORY_KEYS = ("nuevos", "perdidos", "perdidos_por_nuevo")  # figures that need history before their period


def _nps(recommendations: pd.Series) -> float:
    answered = recommendations.dropna().astype("float64")
    if answered.empty:
        return np.nan
    return float(100 * ((answered >= PROMOTER_MIN).mean() - (answered < PASSIVE_MIN).mean()))


def period_values(inputs: Inputs, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, float]:
    """The eight sales indicators of the seeds over one stretch of days, by indicator key."""
    sales = inputs.known_sales
    purchases = _in(inputs.purchases, "date", start, end)
    made = _in(inputs.sales_made, "date", start, end)
    clients = inputs.clients
    new = int(clients["primera_compra"].between(start, end).sum())
    lost = int(inputs.lost_days.between(start, end).sum())
    sheets = inputs.sheets
    surveys = _in(_dated(sheets.surveys, inputs.hoy), "date", start, end)
    contacts = _in(sales_contacts(inputs), "date", start, end)
    complaints = _in(_dated(sheets.complaints, inputs.hoy), "date", start, end)
    revenue = _in(sales, "date", start, end)
    return {
        "ventas": float(len(made)) if made is not None else np.nan,
        "facturacion": float(revenue["amount"].sum()) if revenue is not None and "amount" in revenue else np.nan,
        "nuevos": float(new) if purchases is not None else np.nan,  # without Ventas nobody is known to have bought
        "perdidos": float(lost),
        "perdidos_por_nuevo": lost / new if new and purchases is not None else np.nan,
        "contactos": float(len(contacts)) if contacts is not None else np.nan,
        "satisfaccion": float(surveys["satisfaction"].astype("float64").mean())
        if surveys is not None and "satisfaction" in surveys and surveys["satisfaction"].notna().any()
        else np.nan,
        "nps": _nps(surveys["recommendation"]) if surveys is not None and "recommendation" in surveys else np.nan,
        "reclamos": float(len(complaints)) if complaints is not None else np.nan,
    }


def period_indicators(inputs: Inputs, spans: dict[str, tuple[pd.Timestamp, pd.Timestamp]]) -> pd.DataFrame:
    """Indicators (rows, by key in the schema's order) for each period, with the changes.

    A reference period that starts before its sheet has any data is left blank
    (not a misleading 0), and so is its change. Scores (satisfaction, NPS) change
    in points; counts and amounts in per cent.
    """
    table = pd.DataFrame({name: period_values(inputs, *span) for name, span in spans.items()})
    table = table.reindex([column.key for column in labels.INDICATORS.columns])
    first_days, history = inputs.first_days, inputs.history
    partial: dict[str, list[str]] = {}
    for name, (start, end) in spans.items():
        if history is not None and start < history:
            table.loc[list(HISTORY_KEYS), name] = np.nan  # not enough sales before it to tell new and lost clients
        if name == labels.PERIOD_CURRENT:
            continue
        table.loc[[key for key, first in first_days.items() if first is None or first > end], name] = np.nan  # no data in it
        partial[name] = [key for key, first in first_days.items() if not covered(first, start)]
    current = table[labels.PERIOD_CURRENT]
    points = table.index.isin(labels.POINT_CHANGES)
    for column, base in labels.CHANGES:
        reference = table[base]
        relative = (current - reference) / reference.replace(0, np.nan).abs()
        table[column] = np.where(points, current - reference, relative)
        table.loc[partial.get(base, []), column] = np.nan  # against a period the data cover only from its end: no change
    return table


COVERED_SLACK_DAYS = 7  # a period whose data begin within its first week is compared; one covered later only shown


def covered(first: pd.Timestamp | None, start: pd.Timestamp) -> bool:
    """Whether a sheet whose first row is on ``first`` covers a period starting on ``start`` enough to compare with it.

    A period with any data shows its figure in the periods table as in the 12-month table (never blank in one and
    filled in the other), with a note of the day the data begin; the change against it is computed only when the
    data begin within its first week. Sales that begin on 02/05 (1 May a holiday) cover May; on the 20th, they do not.
    """
    return first is not None and first <= start + pd.Timedelta(days=COVERED_SLACK_DAYS)


def uncovered_sheets(inputs: Inputs, spans: dict[str, tuple[pd.Timestamp, pd.Timestamp]]) -> dict[str, pd.Timestamp]:
    """The data sheets whose first row comes after the start of a reference period: sheet key → first day."""
    sheets = {"ventas": inputs.sheets.sales, "seguimiento": inputs.sheets.followups, "encuestas": inputs.sheets.surveys}
    sheets["reclamos"] = inputs.sheets.complaints
    earliest = min(start for name, (start, _) in spans.items() if name != labels.PERIOD_CURRENT)
    result = {}
    for key, frame in sheets.items():
        dated = _dated(frame, inputs.hoy)
        if dated is not None and len(dated) and dated["date"].min() > earliest:
            result[key] = dated["date"].min()
    return result


def monthly_trend(inputs: Inputs) -> pd.DataFrame:
    """The last twelve months, month by month: revenue, sales, new and lost clients, contacts, complaints.

    The same 365 days as every «12 meses» figure, so the first month and the
    current one are usually partial and say their days («dic 2025 (8–31)»),
    and the table's revenue adds up to the clients' «Facturación 12 meses».
    One pass per source, grouped by month — the same figures as
    :func:`period_values` month by month.
    """
    first = first_day_12m(inputs.hoy)  # the first day «12 meses» counts everywhere
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
    first_days = inputs.first_days
    ends = months.end_time.normalize()

    history = inputs.history
    starts = months.start_time.normalize().where(months.start_time >= first, first)  # the first month counts from ``first``

    def since_first(values: pd.Series | float, key: str) -> pd.Series | float:
        """Months that ended before the sheet's first row are blank: no data, not zero; so are new and lost clients without history."""
        first = first_days.get(key)
        if not isinstance(values, pd.Series) or first is None:
            return values
        if key in HISTORY_KEYS and history is not None:
            return values.where(starts >= history)
        return values.where(ends >= first)

    table = pd.DataFrame(
        {
            "mes": [month_label(start, inputs.hoy) for start in starts],
            "facturacion": since_first(per_month(sales, values="amount"), "facturacion") if has_amount else np.nan,
            "ventas": since_first(per_month(inputs.sales_made), "ventas") if has_amount else np.nan,
            "nuevos": since_first(per_month(inputs.clients, "primera_compra"), "nuevos") if inputs.purchases is not None else np.nan,
            "perdidos": since_first(per_month(inputs.lost_days.to_frame("date")), "perdidos"),
            "contactos": since_first(per_month(sales_contacts(inputs)), "contactos"),
            "reclamos": since_first(per_month(_dated(inputs.sheets.complaints, inputs.hoy)), "reclamos"),
        },
        index=months,
    )
    return table.reset_index(drop=True)


def month_label(day: pd.Timestamp, hoy: pd.Timestamp | None = None) -> str:
    """``dic 2025``: the month in the team's language, whatever the spreadsheet's locale.

    A month counted from ``day`` after its first, or up to ``hoy`` before its
    last, is only partly there and says which days it holds: ``dic 2011 (1–10)``.
    """
    label = f"{labels.MONTHS[day.month - 1]} {day.year}"
    last = hoy.day if hoy is not None and (day.year, day.month) == (hoy.year, hoy.month) else day.days_in_month
    if day.day > 1 or last < day.days_in_month:
        return labels.PARTIAL_MONTH.format(month=label, first=day.day, last=last)
    return label


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


def stale_data(inputs: Inputs) -> pd.Timestamp | None:
    """The day the sales end, when that is more than a year before ``hoy``: an old export, read as of today."""
    sales = inputs.sheets.sales
    if sales is None or "date" not in sales or not sales["date"].notna().any():
        return None
    last = pd.Timestamp(sales["date"].max()).normalize()
    return last if inputs.hoy - last > pd.Timedelta(days=labels.STALE_AFTER_DAYS) else None


def referrals(clients: pd.DataFrame) -> pd.DataFrame:
    """The ability to attract clients (seed 000): per referrer, the clients it brought, how many buy, and their revenue.

    ``Referido por`` names the referrer by ID or by name; a name that matches no
    client is listed as typed.
    """
    keys = [c.key for c in labels.REFERRALS.columns]
    who = referrers(clients)
    if who.empty:
        return pd.DataFrame(columns=keys)
    referred = clients.loc[who.index]
    names = clients.drop_duplicates("id").set_index("id")["name"]
    frame = pd.DataFrame(
        {
            "id": who.to_numpy(),
            "referente": [
                names.get(client) if client is not None else str(text).strip()
                for client, text in zip(who, referred["referred_by"], strict=True)
            ],
            "comprador": (referred["compras"].astype("float64") > 0).to_numpy(),
            "facturacion_12m": referred["facturacion_12m"].to_numpy(),
        }
    )
    grouped = frame.fillna({"id": ""}).groupby(["id", "referente"], sort=False)
    table = pd.DataFrame(
        {
            "clientes": grouped.size(),
            "compradores": grouped["comprador"].sum().astype("int64"),
            "facturacion_12m": grouped["facturacion_12m"].sum(),
        }
    ).reset_index()
    table["id"] = table["id"].replace("", None)
    return table.sort_values(["facturacion_12m", "clientes"], ascending=False, kind="stable")[keys].reset_index(drop=True)


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


def concentration(table: pd.DataFrame, parameters: Parameters) -> dict[str, Any]:
    """Shares of the top 1/5/10 clients, the Herfindahl index and the warnings of Reglas' thresholds."""
    shares = table["participacion"].astype("float64")
    result: dict[str, Any] = {f"top{n}": float(shares.head(n).sum()) for n in TOP_N}
    result["herfindahl"] = float((shares**2).sum() * 10_000)
    warnings = []
    if len(shares) and result["top1"] > parameters.umbral_top1 / 100:
        client = table["cliente"].iloc[0]
        share, threshold = _over(result["top1"] * 100, parameters.umbral_top1)
        warnings.append(labels.CONCENTRATION_TOP1.format(client=client, share=share, threshold=threshold))
    if len(shares) and result["top5"] > parameters.umbral_top5 / 100:
        share, threshold = _over(result["top5"] * 100, parameters.umbral_top5)
        warnings.append(labels.CONCENTRATION_TOP5.format(share=share, threshold=threshold))
    result["warnings"] = warnings
    return result


def _over(share: float, threshold: float) -> tuple[str, str]:
    """A share (in per cent) over its threshold, both as the team reads them, with as many decimals as it takes for the
    share not to read as the threshold: 20.04 over 20 is «20,04%», never «20%» (umbral 20%)."""

    def shown(value: float, decimals: int) -> str:
        return f"{value:.{decimals}f}%".replace(".", ",")

    decimals = next((d for d in range(MAX_SHARE_DECIMALS) if round(share, d) > threshold), MAX_SHARE_DECIMALS)
    limit = next(d for d in range(MAX_SHARE_DECIMALS + 1) if round(threshold, d) == threshold or d == MAX_SHARE_DECIMALS)
    return shown(share, decimals), shown(threshold, limit)


MAX_SHARE_DECIMALS = 4  # a share over its threshold by less than 0,0001 % reads with four decimals


# --- Productos -----------------------------------------------------------------------


def products(inputs: Inputs) -> pd.DataFrame:
    """Buyers, units and revenue by product over the last 12 months, like every other sheet.

    A product's clients are its buyers: a client whose only line of it is a
    return (a negative amount) lowers its revenue but is not counted.
    """
    sales = inputs.product_sales
    if sales is not None:
        sales = sales[sales["date"] >= first_day_12m(inputs.hoy)]
    if sales is None or sales.empty:
        return pd.DataFrame(columns=[c.key for c in labels.PRODUCTS.columns])
    grouped = sales.groupby("product")
    quantity = grouped["quantity"].sum() if "quantity" in sales else grouped.size() * np.nan
    buyers = sales[sales["amount"] > 0].groupby("product")[CLIENT_ID].nunique().reindex(quantity.index, fill_value=0)
    table = pd.DataFrame({"clientes": buyers, "unidades": quantity, "facturacion": grouped["amount"].sum()})
    total = table["facturacion"].sum()
    table["participacion"] = table["facturacion"] / total if total else 0.0
    table.index.name = None
    return table.sort_values("facturacion", ascending=False, kind="stable")


@dataclass(frozen=True)
class Pairs:
    """Who bought what, as integer codes, and the pairs of products bought by at least ``min_clientes_par`` clients."""

    clients: np.ndarray  # client ID of each client code
    products: np.ndarray  # product name of each product code (sorted: ties break alphabetically)
    owner: np.ndarray  # client code of each (client, product) bought with a positive amount
    owned: np.ndarray  # product code of each of those
    a: np.ndarray  # product codes of each pair (a < b), its clients and its lift
    b: np.ndarray
    both: np.ndarray
    lift: np.ndarray
    buyers: np.ndarray  # clients of each product code
    table: pd.DataFrame  # the pairs as Productos shows them, strongest first


def _pairs(inputs: Inputs) -> Pairs | None:
    """The cross-selling pairs, from the client–product pairs alone: memory grows with the pairs bought, not products².

    One self-join of the (client, product) pairs on the client counts the
    clients of each pair of products; only pairs with enough clients are kept,
    and a product with fewer buyers than that never enters the join.
    """
    sales = inputs.product_sales
    if sales is None or sales.empty:
        return None
    bought = sales[sales["amount"] > 0]
    if bought.empty:
        return None
    client_codes, client_ids = pd.factorize(bought[CLIENT_ID])
    product_codes, names = pd.factorize(bought["product"], sort=True)
    keys = np.unique(client_codes.astype("int64") * len(names) + product_codes)  # each (client, product) once
    owner, owned = (keys // len(names)).astype("int32"), (keys % len(names)).astype("int32")
    clients = len(client_ids)
    buyers = np.bincount(owned, minlength=len(names)).astype("float64")
    minimum = max(int(inputs.parameters.min_clientes_par), 1)
    frequent = pd.DataFrame({"c": owner, "p": owned})[buyers[owned] >= minimum]
    joined = frequent.merge(frequent, on="c", suffixes=("_a", "_b"))
    joined = joined[joined["p_a"].to_numpy() < joined["p_b"].to_numpy()]
    pair_keys, together = np.unique(joined["p_a"].to_numpy().astype("int64") * len(names) + joined["p_b"].to_numpy(), return_counts=True)
    keep = together >= minimum
    a, b, both = (pair_keys[keep] // len(names)), (pair_keys[keep] % len(names)), together[keep].astype("float64")
    lift = both * clients / (buyers[a] * buyers[b])
    table = pd.DataFrame(
        {
            "producto_a": np.asarray(names)[a],
            "producto_b": np.asarray(names)[b],
            "clientes": both.astype("int64"),
            "soporte": both / clients,
            "confianza": both / buyers[a],
            "lift": lift,
        }
    )
    table = table.sort_values(["lift", "clientes", "producto_a", "producto_b"], ascending=[False, False, True, True])
    return Pairs(np.asarray(client_ids), np.asarray(names), owner, owned, a, b, both, lift, buyers, table)


def product_pairs(pairs: Pairs | None) -> pd.DataFrame:
    """The :data:`MAX_PAIRS` strongest pairs bought by at least ``min_clientes_par`` clients: support, confidence, lift.

    Strongest by support × lift: lift alone puts first the pairs of the few
    clients of two rare products (on UCI Online Retail, 20 pairs of 3 clients
    of 4,300 with lifts up to 431); weighed by support, a pair comes first when
    it is both unexpected and common. Ties: more clients, then by name.
    """
    if pairs is None:
        return pd.DataFrame(columns=[c.key for c in labels.PAIRS.columns])
    table = pairs.table.assign(_strength=pairs.table["soporte"] * pairs.table["lift"])
    table = table.sort_values(["_strength", "clientes", "producto_a", "producto_b"], ascending=[False, False, True, True], kind="stable")
    return table.drop(columns="_strength").head(MAX_PAIRS).reset_index(drop=True)


def pair_count(pairs: Pairs | None) -> int:
    """How many pairs are bought by at least ``min_clientes_par`` clients (the table shows the strongest :data:`MAX_PAIRS`)."""
    return 0 if pairs is None else len(pairs.table)


OFFER_CHUNK = 2_000_000  # (client, partner) rows scored at once


def _client_chunks(owner: np.ndarray, counts: np.ndarray) -> list[slice]:
    """Runs of the (client, product) rows, sorted by client, cut between clients every :data:`OFFER_CHUNK` partners."""
    total = np.cumsum(counts)
    cuts, start = [], 0
    boundaries = np.flatnonzero(np.r_[owner[1:] != owner[:-1], True]) + 1  # where each client's rows end
    last = 0
    for end in boundaries.tolist():
        if total[end - 1] - (total[start - 1] if start else 0) > OFFER_CHUNK and last > start:
            cuts.append(slice(start, last))
            start = last
        last = end
    cuts.append(slice(start, len(owner)))
    return cuts


def best_offers(inputs: Inputs, pairs: Pairs | None) -> pd.DataFrame:
    """For each buying client not lost, the product to offer: the one it does not buy yet in its strongest pair with one it buys.

    The pair is that of the table above (bought by at least ``min_clientes_par``
    clients) and a real association (lift above 1). Its lift, support and
    confidence (of «buys X» → «buys Y») are shown with it, and the product X it
    comes from. The strongest pair has the highest lift, then confidence, then
    the first products by name. In integer codes and sorted arrays, a few
    million (client, partner) rows at a time.
    """
    keys = [c.key for c in labels.OFFERS.columns]
    if pairs is None or not len(pairs.a):
        return pd.DataFrame(columns=keys)
    products = len(pairs.products)
    associated = pairs.lift > 1 + 1e-12
    source = np.concatenate([pairs.a[associated], pairs.b[associated]])  # both ways: a→b and b→a
    target = np.concatenate([pairs.b[associated], pairs.a[associated]])
    lift = np.concatenate([pairs.lift[associated]] * 2)
    both = np.concatenate([pairs.both[associated]] * 2)
    order = np.argsort(source, kind="stable")
    source, target, lift, both = source[order], target[order], lift[order], both[order]
    confidence = both / pairs.buyers[source]
    starts = np.searchsorted(source, np.arange(products))
    counts = np.bincount(source, minlength=products)[pairs.owned]  # partners of each product each client owns
    chosen: list[np.ndarray] = []
    for rows in _client_chunks(pairs.owner, counts):  # bounded memory: a few million partners at a time
        chunk = counts[rows]
        if not chunk.sum():
            continue
        client = np.repeat(pairs.owner[rows], chunk)
        position = np.repeat(starts[pairs.owned[rows]] - np.cumsum(chunk) + chunk, chunk) + np.arange(chunk.sum())
        fresh = ~np.isin(
            client.astype("int64") * products + target[position], pairs.owner[rows].astype("int64") * products + pairs.owned[rows]
        )
        client, position = client[fresh], position[fresh]
        if not len(client):
            continue  # every partner already bought: nothing to offer in this chunk
        best = np.lexsort((source[position], target[position], -confidence[position], -lift[position], client))
        best = best[np.r_[True, client[best][1:] != client[best][:-1]]]  # per client, its strongest pair
        chosen.append(np.column_stack([client[best], position[best]]))
    if not chosen:
        return pd.DataFrame(columns=keys)
    client_of, position = np.concatenate(chosen).T
    ids = pd.Series(pairs.clients[client_of])
    clients = inputs.clients.drop_duplicates("id").set_index("id")
    salesperson = clients["salesperson"] if "salesperson" in clients else pd.Series(None, index=clients.index, dtype="object")
    table = pd.DataFrame(
        {
            "id": ids,
            "cliente": ids.map(clients["name"]),
            "vendedor": ids.map(salesperson),
            "producto": pairs.products[target[position]],
            "porque": pairs.products[source[position]],
            "lift": lift[position],
            "soporte": both[position] / len(pairs.clients),
            "confianza": confidence[position],
        }
    )
    lost = ids.map(clients["estado"]).eq(ESTADO_PERDIDO).to_numpy() if "estado" in clients else np.zeros(len(ids), dtype=bool)
    return table[~lost].reset_index(drop=True)  # a lost client is offered nothing, here as in Clientes


# --- Geografía y vendedores ----------------------------------------------------------


def salespeople(clients: pd.DataFrame) -> pd.DataFrame:
    """Per salesperson: clients by estado and by semáforo, 12-month revenue, recent contacts, overdue actions."""
    key = clients["salesperson"] if "salesperson" in clients else pd.Series(None, index=clients.index, dtype="object")
    key = key.map(lambda v: v.strip() if isinstance(v, str) and v.strip() else labels.NO_SALESPERSON)
    frame = clients.assign(_vendedor=key)
    by_estado = pd.crosstab(frame["_vendedor"], frame["estado"]).reindex(columns=list(ESTADOS), fill_value=0)
    by_colour = pd.crosstab(frame["_vendedor"], frame["semaforo"]).reindex(columns=list(SEMAFOROS), fill_value=0)
    grouped = frame.groupby("_vendedor")
    overdue = grouped["acciones_vencidas"].sum()
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
    countries: pd.DataFrame
    regions: pd.DataFrame
    cities: pd.DataFrame
    products: pd.DataFrame
    pairs: pd.DataFrame
    pairs_total: int  # the pairs bought by enough clients, of which ``pairs`` shows the strongest
    offers: pd.DataFrame
    salespeople: pd.DataFrame
    closing: pd.DataFrame  # days to close a sale by window (rows: keys of schema.summary.CLOSING_WINDOWS)
    closing_source: str | None  # where they come from; None when they cannot be computed
    uncovered: dict[str, pd.Timestamp]  # data sheet key → its first day, when after the start of a reference period
    referrals: pd.DataFrame  # per client who brought others: clients brought, buyers among them, their revenue
    stale: pd.Timestamp | None = None  # the last sale, when it is over a year before hoy (an old export)
    left_out: dict[str, float] | None = None  # Ventas lines naming no known client: how many, their amount, its share
    history: pd.Timestamp | None = None  # new and lost clients are blank in periods that start before this day
    new_unknown: tuple[int, pd.Timestamp] | None = None  # recent first buyers counted activo for lack of history, and since when


def _history_shown(inputs: Inputs, spans: dict[str, tuple[pd.Timestamp, pd.Timestamp]]) -> pd.Timestamp | None:
    """The day new and lost clients start to count, when some period or month shown starts before it (a note says so)."""
    history = inputs.history
    trend_start = first_day_12m(inputs.hoy)
    earliest = min([trend_start, *(start for start, _ in spans.values())])
    return history if history is not None and earliest < history else None


def new_unknown(inputs: Inputs) -> tuple[int, pd.Timestamp] | None:
    """How many recent first buyers are not called nuevo because the data begin too shortly before (see
    :func:`rules.unknown_if_new`), and the data's first day; None when there are none."""
    first = inputs.first_days.get("ventas")  # the sales' first day up to hoy, as rules.data_start finds it for the estados
    clients = inputs.clients
    if first is None or "primera_compra" not in clients:
        return None
    data_from = first.normalize()
    count = int((unknown_if_new(clients, inputs.parameters, inputs.hoy, data_from) & (clients["estado"] != ESTADO_PERDIDO)).sum())
    return (count, data_from) if count else None


def left_out_sales(inputs: Inputs) -> dict[str, float] | None:
    """The sales lines up to ``hoy`` that no figure counts because their client is not in Clientes (Revisar lists them)."""
    sales = _dated(inputs.sheets.sales, inputs.hoy)
    if sales is None or CLIENT_ID not in sales:
        return None
    unknown = sales[CLIENT_ID].isna()
    if not unknown.any():
        return None
    amounts = sales["amount"].astype("float64").fillna(0.0) if "amount" in sales else pd.Series(0.0, index=sales.index)
    total, outside = float(amounts.sum()), float(amounts[unknown].sum())
    blank = sales["client"].map(is_missing) if "client" in sales else pd.Series(True, index=sales.index)
    return {
        "lineas": float(unknown.sum()),
        "sin_cliente": float((unknown & blank).sum()),  # of them, lines with no client at all (not a name Clientes lacks)
        "importe": outside,
        "participacion": outside / total if total > 0 else np.nan,
    }


def compute(inputs: Inputs) -> Indicators:
    """All the figures, from the same inputs."""
    clients = inputs.clients
    table = pareto(clients)
    spans = periods(inputs.hoy, inputs.parameters.periodo)
    pairs = _pairs(inputs)
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
        concentration=concentration(table, inputs.parameters),
        countries=by_attribute(clients, "country"),
        regions=by_attribute(clients, "region"),
        cities=by_attribute(clients, "city"),
        products=products(inputs),
        pairs=product_pairs(pairs),
        pairs_total=pair_count(pairs),
        offers=best_offers(inputs, pairs),
        closing=closing(inputs),
        closing_source=closing_source(inputs),
        uncovered=uncovered_sheets(inputs, spans),
        referrals=referrals(clients),
        stale=stale_data(inputs),
        left_out=left_out_sales(inputs),
        history=_history_shown(inputs, spans),
        new_unknown=new_unknown(inputs),
        salespeople=salespeople(clients),
    )
