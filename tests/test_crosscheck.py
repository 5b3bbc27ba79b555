"""Metrics of thousands of clients against a plain, independent pandas computation."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from pathlib import Path

import pandas as pd
import pytest

import cartera_xls
from cartera_xls import followup, indicators, pipeline, rules
from cartera_xls.demo import generate, write_input
from cartera_xls.schema.sheets import VENTAS

from .conftest import HOY


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    sheets = generate(HOY, clients=2000, seed=11)
    path = tmp_path_factory.mktemp("grande") / "cartera.xlsx"
    write_input(sheets, path)
    header, *rows = sheets[VENTAS]
    sales = pd.DataFrame(rows, columns=header)
    return path, sales


def test_metrics_match_plain_pandas(big: tuple[Path, pd.DataFrame]) -> None:
    path, sales = big
    cartera = cartera_xls.load(path, hoy=HOY)
    clientes = cartera.clientes.set_index("ID")
    assert len(clientes) > 2000 and len(sales) > 20000

    sales = sales[sales["Cliente"].isin(clientes.index)]
    sales["Fecha"] = pd.to_datetime(sales["Fecha"])
    total = sales.groupby("Cliente")["Importe"].sum()
    last_year = sales[sales["Fecha"] > pd.Timestamp(HOY) - pd.Timedelta(days=365)].groupby("Cliente")["Importe"].sum()
    positive = sales[sales["Importe"] > 0]
    last = positive.groupby("Cliente")["Fecha"].max()
    count = positive.groupby("Cliente")["Fecha"].nunique()

    expected = pd.DataFrame({"total": total, "12m": last_year, "last": last, "count": count}).reindex(clientes.index)
    pd.testing.assert_series_equal(clientes["Facturación total"], expected["total"].fillna(0).round(2), check_names=False)
    pd.testing.assert_series_equal(clientes["Facturación 12 meses"], expected["12m"].fillna(0).round(2), check_names=False)
    pd.testing.assert_series_equal(clientes["Última compra"], expected["last"].astype("datetime64[ns]"), check_names=False)
    pd.testing.assert_series_equal(clientes["Compras"], expected["count"].fillna(0).astype("Int64"), check_names=False)


def test_same_hoy_same_result(basic_file: Path, tmp_path: Path) -> None:
    first = cartera_xls.load(basic_file, hoy=HOY)
    second = cartera_xls.load(basic_file, hoy=HOY)
    pd.testing.assert_frame_equal(first.refreshed.clients, second.refreshed.clients)
    pd.testing.assert_frame_equal(first.agenda, second.agenda)
    later = cartera_xls.load(basic_file, hoy=HOY + dt.timedelta(days=400))
    assert not later.refreshed.clients["estado"].equals(first.refreshed.clients["estado"])


def test_rules_read_no_clock() -> None:
    for module in (rules, followup, indicators, pipeline):
        source = inspect.getsource(module)
        assert not re.search(r"\.(today|now|utcnow|time)\(", source), f"{module.__name__} reads the clock"
