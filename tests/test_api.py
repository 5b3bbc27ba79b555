"""The public API: what ``import cartera_xls`` offers, pinned."""

from __future__ import annotations

import subprocess
import sys

import cartera_xls


def test_all_is_pinned() -> None:
    assert cartera_xls.__all__ == [
        "Cartera",
        "CarteraError",
        "ContentWouldBeLost",
        "MissingClients",
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
