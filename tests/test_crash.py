"""Kill a real in-place refresh at random moments: the path always holds the old or a whole new workbook."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cartera_xls
from cartera_xls.demo import generate, write_input
from cartera_xls.schema.sheets import CLIENTES, VENTAS

from .conftest import HOY

KILLS = 6


def _rows(path: Path) -> tuple[int, int]:
    cartera = cartera_xls.load(path, hoy=HOY)
    return len(cartera.clientes), len(cartera.ventas)


@pytest.mark.slow
def test_sigkill_at_any_moment_leaves_a_whole_workbook(tmp_path: Path) -> None:
    path = tmp_path / "cartera.xlsx"
    sheets = generate(HOY, clients=600, seed=3)
    write_input(sheets, path)
    expected = (len(sheets[CLIENTES]) - 1, len(sheets[VENTAS]) - 1)
    assert _rows(path) == expected

    command = [sys.executable, "-m", "cartera_xls", "refresh", str(path), "--hoy", HOY.isoformat()]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    duration = time.monotonic() - started  # the kills are spread over a whole refresh, however fast this machine is

    outcomes = set()
    for moment in range(KILLS):
        before = path.read_bytes()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * (moment + 0.5) / KILLS)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = path.read_bytes()
        if after == before:
            outcomes.add("old")
        else:
            assert _rows(path) == expected  # a complete new workbook with every row
            outcomes.add("new")
    assert "old" in outcomes  # the kills did land before the replace
    subprocess.run(command, check=True, capture_output=True)  # the next run cleans up after killed ones
    assert [p.name for p in tmp_path.iterdir() if ".cartera-tmp-" in p.name] == []
