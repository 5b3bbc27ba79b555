"""Each parser against the ways a Spanish-speaking team types values."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cartera_xls
from cartera_xls.parsing import (
    BadValue,
    date_parser,
    parse_bool,
    parse_id,
    parse_integer,
    parse_number,
    parse_percent,
    parse_text,
)
from cartera_xls.schema import LAST_DAY, fold

from .conftest import make_workbook

parse_date = date_parser()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("€ 1.234", 1234.0),
        ("$1,234", 1234.0),
        ("1234", 1234.0),
        ("0,5", 0.5),
        ("12,5", 12.5),
        ("-300", -300.0),
        ("(300)", -300.0),
        ("1.234.567", 1234567.0),
        ("S/ 45,90", 45.9),
        ("  75  ", 75.0),
        (99.9, 99.9),
        (3, 3.0),
    ],
)
def test_numbers(raw: Any, expected: Any) -> None:
    assert parse_number(raw) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["abc", "1,2,3.4.5x", "", True, dt.date(2024, 1, 1), "nan", "inf"])
def test_bad_numbers(raw: Any) -> None:
    with pytest.raises(BadValue):
        parse_number(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/03/2024", dt.date(2024, 3, 5)),
        ("5/3/2024", dt.date(2024, 3, 5)),
        ("05-03-2024", dt.date(2024, 3, 5)),
        ("05.03.24", dt.date(2024, 3, 5)),
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("2024/03/05 10:30", dt.date(2024, 3, 5)),
        (45356.0, dt.date(2024, 3, 5)),
        (dt.datetime(2024, 3, 5, 10, 30), dt.date(2024, 3, 5)),
        (dt.date(2024, 3, 5), dt.date(2024, 3, 5)),
    ],
)
def test_dates_are_day_first(raw: Any, expected: Any) -> None:
    assert parse_date(raw) == expected


def test_1904_serials() -> None:
    assert date_parser(date1904=True)(43894.0) == dt.date(2024, 3, 5)


@pytest.mark.parametrize("raw", ["31/02/2024", "mañana", "13/13/2024", "2024-3", -5.0, dt.date(1800, 1, 1), "01/01/3024"])
def test_bad_dates(raw: Any) -> None:
    with pytest.raises(BadValue):
        parse_date(raw)


def test_one_date_range_for_cells_serials_and_text(tmp_path: Path) -> None:
    """A date in 2180 is refused whether typed as a date cell, a serial or text; the last day is taken in each form."""
    last_serial = (LAST_DAY - dt.date(1899, 12, 30)).days
    for parse in (parse_date, date_parser(date1904=True)):
        for too_late in (dt.date(2180, 1, 1), dt.datetime(2180, 1, 1, 9), "01/01/2180", "2180-01-01", float(last_serial + 1462 + 1)):
            with pytest.raises(BadValue):
                parse(too_late)
    assert parse_date(float(last_serial)) == LAST_DAY == date_parser(date1904=True)(float(last_serial - 1462))
    assert parse_date(LAST_DAY.strftime("%d/%m/%Y")) == LAST_DAY == parse_date(LAST_DAY)
    with pytest.raises(BadValue):
        parse_date(float(last_serial + 1))

    path = make_workbook(
        tmp_path / "cartera.xlsx",
        {
            "Clientes": [
                ["Nombre", "Fecha de alta"],
                ["Ana", dt.datetime(2180, 1, 1)],
                ["Luis", "01/01/2180"],
                ["Rosa", dt.datetime(2149, 12, 31)],
            ],
        },
    )
    cartera = cartera_xls.load(path, hoy=dt.date(2026, 11, 2))
    refused = [problem.row for problem in cartera.problems if problem.column == "Fecha de alta" and problem.code != "date-far-ahead"]
    assert refused == [2, 3]
    # 2149 is a date Excel can hold, read as such, and said as years ahead of hoy.
    assert [problem.row for problem in cartera.problems if problem.code == "date-far-ahead"] == [4]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sí", True),
        ("Si", True),
        ("SÍ ", True),
        ("x", True),
        ("1", True),
        (1.0, True),
        ("true", True),
        (True, True),
        ("no", False),
        ("NO", False),
        ("0", False),
        (0, False),
        ("falso", False),
    ],
)
def test_booleans(raw: Any, expected: Any) -> None:
    assert parse_bool(raw) is expected


def test_bad_boolean() -> None:
    with pytest.raises(BadValue):
        parse_bool("quizás")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("70%", 0.7),
        ("70 %", 0.7),
        ("0,7", 0.7),
        (0.7, 0.7),
        (70, 0.7),
        ("alta", 0.8),
        ("Media", 0.5),
        ("baja", 0.2),
        ("12,5%", 0.125),
    ],
)
def test_percent(raw: Any, expected: Any) -> None:
    assert parse_percent(raw) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["150%", "altísima", -0.1, 250])
def test_bad_percent(raw: Any) -> None:
    with pytest.raises(BadValue):
        parse_percent(raw)


def test_integers_and_ids_and_text() -> None:
    assert parse_integer("4") == 4
    with pytest.raises(BadValue):
        parse_integer("4,5")
    assert parse_id(12.0) == "12"
    assert parse_id("  C0012 ") == "C0012"
    assert parse_text(600111222.0) == "600111222"
    assert parse_text(" texto tal cual ") == " texto tal cual "
    assert parse_text(dt.date(2024, 3, 5)) == "05/03/2024"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("  Teléfono  Móvil ", "telefono movil"),
        ("TELÉFONO_MÓVIL", "telefono movil"),
        ("Razón social:", "razon social"),
        ("C-0007", "c 0007"),
        ("ﬁ", "fi"),  # a ligature decomposes like Excel's users expect
        ("Straße", "strasse"),
    ],
)
def test_fold_ignores_case_accents_and_separators(text: str, key: str) -> None:
    assert fold(text) == key


@given(st.text(max_size=30))
def test_fold_takes_the_ascii_shortcut_only_where_decomposing_changes_nothing(text: str) -> None:
    decomposed = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    assert fold(text) == re.sub(r"[\s_.:\-/()]+", " ", decomposed).strip().casefold()
