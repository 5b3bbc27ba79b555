"""The public API: what ``import cartera_xls`` offers, pinned."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import cartera_xls

from .conftest import HOY, backups


def test_all_is_pinned() -> None:
    assert cartera_xls.__all__ == [
        "Cartera",
        "CarteraError",
        "ContentWouldBeLost",
        "DateOutOfRange",
        "MissingClients",
        "NoSales",
        "PasswordProtected",
        "Problem",
        "RefreshResult",
        "UnreadableWorkbook",
        "WorkbookChanged",
        "WorkbookInUse",
        "WriteFailed",
        "__version__",
        "load",
        "refresh",
    ]
    for name in cartera_xls.__all__:
        assert getattr(cartera_xls, name) is not None


def test_every_error_is_a_cartera_error() -> None:
    for name in cartera_xls.__all__:
        value = getattr(cartera_xls, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, cartera_xls.CarteraError)
            assert value.__doc__


def test_help_does_not_load_pandas() -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['cartera_xls', '--help']\n"
        "try:\n    runpy.run_module('cartera_xls', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('pandas' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_a_notebook_save_in_place_refuses_what_refresh_refuses(tmp_path: Path) -> None:
    from .conftest import basic_portfolio, make_workbook, with_unknown_part

    path = with_unknown_part(make_workbook(tmp_path / "cartera.xlsx", basic_portfolio()))
    before = path.read_bytes()
    with pytest.raises(cartera_xls.ContentWouldBeLost) as from_notebook:
        cartera_xls.load(path, hoy=HOY).save(path)
    with pytest.raises(cartera_xls.ContentWouldBeLost) as from_refresh:
        cartera_xls.refresh(path, hoy=HOY)
    assert str(from_notebook.value) == str(from_refresh.value)
    assert path.read_bytes() == before and not backups(tmp_path)
    cartera_xls.load(path, hoy=HOY).save(path, force=True)  # as --forzar does
    assert len(backups(tmp_path)) == 1


def test_a_notebook_save_refuses_a_workbook_changed_since_it_was_read(basic_file: Path) -> None:
    cartera = cartera_xls.load(basic_file, hoy=HOY)
    basic_file.write_bytes(basic_file.read_bytes() + b"\0")  # someone saved it meanwhile
    with pytest.raises(cartera_xls.WorkbookChanged):
        cartera.save(basic_file)


def test_saving_twice_from_one_notebook_is_allowed(basic_file: Path) -> None:
    cartera = cartera_xls.load(basic_file, hoy=HOY)
    cartera.save(basic_file)
    cartera.save(basic_file)  # the file on disk is the one this notebook wrote
    assert len(backups(basic_file.parent)) == 2


def test_as_of_gives_what_a_fresh_load_gives(tmp_path: Path) -> None:
    from cartera_xls.demo import FIXED_HOY, generate, write_input

    path = tmp_path / "demo.xlsx"
    write_input(generate(FIXED_HOY), path)
    later = FIXED_HOY + dt.timedelta(days=45)
    moved = cartera_xls.load(path, hoy=FIXED_HOY).as_of(later)
    fresh = cartera_xls.load(path, hoy=later)
    assert moved.hoy == later
    pd.testing.assert_frame_equal(moved.clientes, fresh.clientes)
    pd.testing.assert_frame_equal(moved.agenda, fresh.agenda)
    for name, figure in fresh.indicadores.items():
        parts = figure if name == "segmentos" else {name: figure}
        for part, value in parts.items():
            got = moved.indicadores[name][part] if name == "segmentos" else moved.indicadores[name]
            if isinstance(value, pd.DataFrame):
                pd.testing.assert_frame_equal(got, value, obj=part)
            else:
                assert got == value, part
    assert not moved.clientes["Estado"].equals(cartera_xls.load(path, hoy=FIXED_HOY).clientes["Estado"])


def test_every_problem_has_a_stable_code_a_notebook_can_filter_by(tmp_path: Path) -> None:
    from cartera_xls.schema import messages

    from .conftest import make_workbook

    codes = messages.PROBLEM_CODES  # declared with each template, never made up from a name
    assert len(codes) == len(set(codes)) and "bad-date" in codes and "unknown-client" in codes
    assert not {"merged-rows", "action-complaint"} & set(codes)  # pairs of words that are not problems are not codes
    path = make_workbook(
        tmp_path / "cartera.xlsx",
        {
            "Clientes": [["ID", "Nombre", "Fecha de alta"], ["C1", "Ana", "ayer"], ["C2", "Luis", "mañana"]],
            "Ventas": [["Fecha", "Cliente", "Importe"], [dt.datetime(2026, 1, 5), "Nadie", 10]],
        },
    )
    cartera = cartera_xls.load(path, hoy=HOY)
    assert [problem.code for problem in cartera.problems] == ["bad-date", "bad-date", "unknown-client"]
    revisar = cartera.revisar
    assert list(revisar.loc[revisar["Código"] == "bad-date", "Fila"]) == [2, 3]
    assert list(revisar.loc[revisar["Código"] == "unknown-client", "Hoja"]) == ["Ventas"]
