"""Summary figures against plain, independent pandas computations, and the charts that show them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import range_boundaries

import cartera_xls
from cartera_xls.demo import build_plantillas, generate, write_input
from cartera_xls.indicators import periods
from cartera_xls.schema import summary as labels
from cartera_xls.schema.sheets import CLIENTES, ENCUESTAS, RECLAMOS, SEGUIMIENTO, VENTAS

from .conftest import make_workbook

HOY = pd.Timestamp("2026-03-31")
CURRENT = labels.PERIODS_TABLE.column(labels.PERIOD_CURRENT).label  # the notebook shows the sheet's headers


@pytest.mark.parametrize(
    ("hoy", "period", "current", "previous", "last_year", "last_full"),
    [
        (
            "2026-03-31",
            "mes",
            ("2026-03-01", "2026-03-31"),
            ("2026-02-01", "2026-02-28"),
            ("2025-03-01", "2025-03-31"),
            ("2026-02-01", "2026-02-28"),
        ),
        # On the 1st the period to date is one day: the last whole month is beside it (it was a Resumen of zeros).
        (
            "2026-03-01",
            "mes",
            ("2026-03-01", "2026-03-01"),
            ("2026-02-01", "2026-02-01"),
            ("2025-03-01", "2025-03-01"),
            ("2026-02-01", "2026-02-28"),
        ),
        (
            "2026-05-15",
            "trimestre",
            ("2026-04-01", "2026-05-15"),
            ("2026-01-01", "2026-02-14"),
            ("2025-04-01", "2025-05-15"),
            ("2026-01-01", "2026-03-31"),
        ),
        (
            "2026-12-31",
            "año",
            ("2026-01-01", "2026-12-31"),
            ("2025-01-01", "2025-12-31"),
            ("2025-01-01", "2025-12-31"),
            ("2025-01-01", "2025-12-31"),
        ),
    ],
)
def test_period_boundaries(
    hoy: str, period: str, current: tuple[str, str], previous: tuple[str, str], last_year: tuple[str, str], last_full: tuple[str, str]
) -> None:
    spans = periods(pd.Timestamp(hoy), period)
    as_text = {name: tuple(day.strftime("%Y-%m-%d") for day in span) for name, span in spans.items()}
    expected = {labels.PERIOD_CURRENT: current, labels.PERIOD_PREVIOUS: previous, labels.PERIOD_LAST_YEAR: last_year}
    assert as_text == {**expected, labels.PERIOD_LAST_FULL: last_full}


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> tuple[cartera_xls.Cartera, dict[str, pd.DataFrame]]:
    sheets = generate(HOY.date(), clients=1500, seed=5)
    path = tmp_path_factory.mktemp("indicadores") / "cartera.xlsx"
    write_input(sheets, path)
    raw = {spec.key: pd.DataFrame(rows[1:], columns=rows[0]) for spec, rows in sheets.items()}
    for frame in raw.values():
        for column in frame.columns:
            if column.startswith("Fecha"):
                frame[column] = pd.to_datetime(frame[column])
    return cartera_xls.load(path, hoy=HOY.date()), raw


def _between(frame: pd.DataFrame, column: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    return frame[(frame[column] >= start) & (frame[column] <= end)]


def test_period_indicators_match_pandas(portfolio: tuple[cartera_xls.Cartera, dict[str, pd.DataFrame]]) -> None:
    cartera, raw = portfolio
    table = cartera.indicadores["periodos"]
    known = set(raw[CLIENTES.key]["ID"])
    sales = raw[VENTAS.key][raw[VENTAS.key]["Cliente"].isin(known)]
    followups = raw[SEGUIMIENTO.key]
    sales_contacts = followups[followups["Tipo"].isin(["llamada", "visita", "reunión"])]  # Reglas' default list
    compared = 0
    for name, (start, end) in cartera.indicadores["rangos"].items():

        def expected(frame: pd.DataFrame, value: float, end: pd.Timestamp = end, name: str = name) -> float:
            """A reference period that ends before the sheet's first row has no data: blank, not 0 (issue 36, point 2:
            one the data reach only after its start shows what it has, as the 12-month table does)."""
            return np.nan if name != CURRENT and frame["Fecha"].min() > end else value

        in_period = _between(sales, "Fecha", start, end)
        assert table.loc["Facturación", name] == pytest.approx(expected(sales, in_period["Importe"].sum()), nan_ok=True)
        positive = in_period[in_period["Importe"] > 0]
        count = len(positive[["Cliente", "Fecha"]].drop_duplicates())
        assert table.loc["Número de ventas", name] == pytest.approx(expected(sales, count), nan_ok=True)
        contacts = _between(sales_contacts, "Fecha", start, end)
        assert table.loc["Llamadas y contactos de venta", name] == pytest.approx(expected(followups, len(contacts)), nan_ok=True)
        complaints = _between(raw[RECLAMOS.key], "Fecha", start, end)
        assert table.loc["Reclamos recibidos", name] == pytest.approx(expected(raw[RECLAMOS.key], len(complaints)), nan_ok=True)
        surveys = _between(raw[ENCUESTAS.key], "Fecha", start, end)
        mean = surveys["Satisfacción"].mean() if len(surveys) else np.nan
        assert table.loc["Satisfacción media (1–5)", name] == pytest.approx(expected(raw[ENCUESTAS.key], mean), nan_ok=True)
        all_first = sales[(sales["Importe"] > 0) & (sales["Fecha"] <= HOY)].groupby("Cliente")["Fecha"].min()
        assert table.loc["Clientes nuevos", name] == pytest.approx(expected(sales, int(all_first.between(start, end).sum())), nan_ok=True)
        compared += not np.isnan(table.loc["Llamadas y contactos de venta", name])
    assert compared >= 2  # the demo's contacts go back far enough for the current and previous months


def test_monthly_trend_matches_pandas(portfolio: tuple[cartera_xls.Cartera, dict[str, pd.DataFrame]]) -> None:
    cartera, raw = portfolio
    trend = cartera.indicadores["tendencia"]
    known = set(raw[CLIENTES.key]["ID"])
    sales = raw[VENTAS.key][raw[VENTAS.key]["Cliente"].isin(known) & (raw[VENTAS.key]["Fecha"] <= HOY)]
    by_month = sales.groupby(sales["Fecha"].dt.to_period("M"))["Importe"].sum()
    months = pd.period_range(end=HOY.to_period("M"), periods=12, freq="M")
    expected = [by_month.get(month, 0.0) for month in months]
    assert trend["Facturación"].tolist() == pytest.approx(expected)
    assert trend["Mes"].iloc[0] == "abr 2025" and trend["Mes"].iloc[-1] == "mar 2026"


def test_concentration_and_products_match_pandas(portfolio: tuple[cartera_xls.Cartera, dict[str, pd.DataFrame]]) -> None:
    cartera, raw = portfolio
    known = set(raw[CLIENTES.key]["ID"])
    sales = raw[VENTAS.key][raw[VENTAS.key]["Cliente"].isin(known)]
    last_year = sales[sales["Fecha"] > HOY - pd.Timedelta(days=365)]
    per_client = last_year.groupby("Cliente")["Importe"].sum()
    shares = per_client[per_client > 0].sort_values(ascending=False) / per_client[per_client > 0].sum()
    figures = cartera.indicadores["concentracion"]
    assert figures["top1"] == pytest.approx(shares.iloc[0])
    assert figures["top5"] == pytest.approx(shares.head(5).sum())
    assert figures["top10"] == pytest.approx(shares.head(10).sum())
    assert figures["herfindahl"] == pytest.approx((shares**2).sum() * 10_000)
    pareto = cartera.indicadores["pareto"]
    assert pareto["Participación acumulada"].iloc[-1] == pytest.approx(1.0)
    products = cartera.indicadores["productos"]  # the last 12 months, like the rest
    expected = last_year.groupby("Producto")["Importe"].sum().sort_values(ascending=False)
    assert products["Facturación 12 meses"].to_dict() == pytest.approx(expected.to_dict())
    clients_per_product = last_year.groupby("Producto")["Cliente"].nunique()
    assert products["Clientes"].to_dict() == clients_per_product.to_dict()


def test_segments_match_pandas(portfolio: tuple[cartera_xls.Cartera, dict[str, pd.DataFrame]]) -> None:
    cartera, raw = portfolio
    regions = cartera.indicadores["regiones"]
    expected = raw[CLIENTES.key]["Región"].value_counts()
    assert regions["Clientes"].to_dict() == expected.to_dict()
    estados = cartera.indicadores["estados"]["Clientes"]
    assert estados.sum() == len(raw[CLIENTES.key])
    assert estados.to_dict() == cartera.clientes["Estado"].value_counts().reindex(estados.index, fill_value=0).to_dict()


def test_empty_periods_and_missing_sheets(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [["ID", "Nombre"], ["C1", "Ana"]],
            "Ventas": [["Fecha", "Cliente", "Importe"], [pd.Timestamp("2025-06-10"), "C1", 50]],
        },
    )
    cartera = cartera_xls.load(path, hoy=HOY.date())
    table = cartera.indicadores["periodos"]
    assert table.loc["Facturación", CURRENT] == 0
    assert table.loc["Número de ventas", CURRENT] == 0
    assert np.isnan(table.loc["Satisfacción media (1–5)", CURRENT])  # no Encuestas sheet
    assert np.isnan(table.loc["Llamadas y contactos de venta", CURRENT])  # no Seguimiento sheet
    assert cartera.indicadores["tendencia"]["Facturación"].sum() == 50
    out = tmp_path / "salida.xlsx"
    cartera.save(out)
    resumen = [v for row in openpyxl.load_workbook(out)["Resumen"].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert labels.MISSING_SHEET_NOTE.format(sheet="Seguimiento", indicators=labels.MISSING_SHEET_INDICATORS["seguimiento"]) in resumen
    assert labels.CLOSE_UNAVAILABLE in resumen  # no Oportunidades, no Seguimiento: said once, and nothing else about it
    assert not any("Días para cerrar" in text and "primer contacto" in text for text in resumen)


def test_demo_has_native_charts_with_the_right_series(tmp_path: Path) -> None:
    _, demo = build_plantillas(tmp_path)
    book = openpyxl.load_workbook(demo)
    with zipfile.ZipFile(demo) as archive:
        charts = [archive.read(name).decode() for name in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", name)]
    assert len(charts) >= 5
    titles = " ".join(charts)
    for title in (labels.CHART_REVENUE, labels.CHART_NEW_LOST, labels.CHART_ESTADOS, labels.CHART_SEMAFORO, labels.CHART_PARETO):
        assert title in titles
    references = [ref for chart in charts for ref in re.findall(r"<c:f>(.*?)</c:f>", chart)]
    assert references
    for reference in references:
        sheet_name, cells = reference.rsplit("!", 1)
        sheet = book[sheet_name.strip("'")]
        min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
        values = [sheet.cell(r, c).value for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
        assert all(v is not None for v in values), f"{reference} points at empty cells"
    revenue_chart = next(chart for chart in charts if labels.CHART_REVENUE in chart)
    assert re.search(r"<c:f>'?Resumen'?!\$B\$\d+:\$B\$\d+</c:f>", revenue_chart)  # the trend table's Facturación


def test_remaining_indicators_match_pandas(tmp_path: Path) -> None:
    """Lost clients, days to close, NPS, origins, recommendation, salespeople and product pairs, by hand."""
    hoy = pd.Timestamp("2026-03-20")
    path = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [
                ["ID", "Nombre", "Origen", "Vendedor", "Fecha de baja", "Motivo de baja"],
                ["C1", "Ana", "feria", "Carla", None, None],
                ["C2", "Luis", "feria", "Carla", pd.Timestamp("2026-03-05"), "Precio"],
                ["C3", "Rosa", "web", "Óscar", None, None],
                ["C4", "Pedro", "web", "Óscar", None, None],
            ],
            "Ventas": [
                ["Fecha", "Cliente", "Producto", "Importe"],
                [pd.Timestamp("2026-03-10"), "C1", "Maca", 100],
                [pd.Timestamp("2026-03-10"), "C1", "Stevia", 50],
                [pd.Timestamp("2026-03-12"), "C3", "Maca", 80],
                [pd.Timestamp("2025-12-01"), "C2", "Stevia", 30],
                # Sales began over a year before March (a client since gone from the list): who is new can be told.
                [pd.Timestamp("2025-01-15"), "C9", "Stevia", 10],
            ],
            "Oportunidades": [
                ["Cliente", "Fecha apertura", "Fecha cierre", "Estado"],
                ["C1", pd.Timestamp("2026-02-20"), pd.Timestamp("2026-03-10"), "ganada"],
                ["C3", pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-11"), "ganada"],
                ["C4", pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-15"), "perdida"],
            ],
            "Encuestas": [
                ["Fecha", "Cliente", "Satisfacción", "Recomendación"],
                [pd.Timestamp("2026-03-02"), "C1", 5, 10],
                [pd.Timestamp("2026-03-03"), "C3", 2, 3],
                [pd.Timestamp("2026-03-04"), "C4", 4, 8],
            ],
        },
    )
    cartera = cartera_xls.load(path, hoy=hoy.date())
    table = cartera.indicadores["periodos"][CURRENT]
    assert table["Clientes perdidos"] == 1  # C2: Fecha de baja 05/03
    assert table["Clientes nuevos"] == 2  # C1 and C3 bought first in March
    assert table["Clientes perdidos por cada nuevo"] == pytest.approx(0.5)
    closing = cartera.indicadores["dias_cierre"]  # won ones closed in the window: 18 and 10 days
    assert closing.loc["Últimos 90 días", "Días para cerrar (media)"] == pytest.approx((18 + 10) / 2)
    assert closing.loc["Últimos 12 meses", "Ventas cerradas"] == 2
    assert cartera.indicadores["fuente_dias_cierre"] == "oportunidades"
    answers = pd.Series([10, 3, 8])
    assert table["NPS (recomendación)"] == pytest.approx(100 * ((answers >= 9).mean() - (answers <= 6).mean()))

    origins = cartera.indicadores["origenes"]
    assert origins.loc["feria", "Clientes"] == 2 and origins.loc["feria", "Compradores"] == 2
    assert origins.loc["web", "Conversión"] == pytest.approx(0.5)
    recommendation = cartera.indicadores["recomendacion"]
    assert recommendation.loc[labels.PROMOTERS, "Clientes"] == 1
    assert recommendation.loc[labels.PASSIVES, "Clientes"] == 1
    assert recommendation.loc[labels.DETRACTORS, "Clientes"] == 1
    assert recommendation.loc[labels.NPS_LABEL, "Clientes"] == pytest.approx(0.0)
    bajas = cartera.indicadores["bajas"]
    assert bajas.loc["Precio", "Clientes perdidos"] == 1

    sellers = cartera.indicadores["vendedores"]
    assert sellers.loc["Carla", "perdido"] == 1 and sellers.loc["Carla", "nuevo"] == 1
    assert sellers.loc["Óscar", "Facturación 12 meses"] == pytest.approx(80.0)
    assert sellers[["nuevo", "activo", "pasivo", "inactivo", "potencial", "perdido"]].to_numpy().sum() == 4

    # One client buys both products: below min_clientes_par = 3, no pair and no offer from it.
    assert cartera.indicadores["pares"].empty and cartera.indicadores["ofertas"].empty
