"""Where the time goes: the refresh's stages next to the floor's two parts, in one process.

    python benchmarks/stages.py --size L

The refresh reads, checks and computes, then writes the regenerated workbook and verifies it. The
floor reads every cell of that produced workbook with python-calamine and writes it back with
XlsxWriter's typed writers: the least any tool writing the same workbook with this stack spends.
Both are timed in the same process, alternating, and the cells each writes are counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from python_calamine import CalamineWorkbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import floor  # noqa: E402
from generate import HOY, SIZES, workbook  # noqa: E402

import cartera_xls  # noqa: E402


def cells(path: Path) -> int:
    """Non-empty cells of every sheet of ``path``."""
    book = CalamineWorkbook.from_path(str(path))
    return sum(1 for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for value in row if value != "")


def refresh_stages(source: Path, target: Path, hoy: dt.date) -> dict[str, float]:
    """Seconds of reading + rules and of writing + verifying, split at the refresh's own progress marks."""
    marks: list[float] = []
    started = time.perf_counter()
    cartera_xls.refresh(source, target, hoy=hoy, progress=lambda stage, fraction: marks.append(time.perf_counter()))
    ended = time.perf_counter()
    return {"leer, revisar y calcular": marks[1] - started, "escribir y verificar": ended - marks[1], "total": ended - started}


def floor_stages(source: Path, target: Path) -> dict[str, float]:
    """Seconds of the floor's reading and writing (the split is where the first sheet starts to be written)."""
    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(source))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    read = time.perf_counter() - started
    started = time.perf_counter()
    floor.main(str(source), str(target))
    whole = time.perf_counter() - started
    return {"leer": read, "escribir": whole - read, "total": whole}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="S")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    source = workbook(args.size)
    refresh_runs: list[dict[str, float]] = []
    floor_runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        refreshed, floored = Path(scratch) / "refresh.xlsx", Path(scratch) / "floor.xlsx"
        for _ in range(args.runs):
            refresh_runs.append(refresh_stages(source, refreshed, HOY))
            floor_runs.append(floor_stages(refreshed, floored))
        written = {"refresh": cells(refreshed), "floor": cells(floored)}
    print(f"{args.size}: mediana de {args.runs} ejecución(es), en un proceso (sin el arranque del intérprete)")
    for name, runs in (("refresh", refresh_runs), ("floor", floor_runs)):
        print(f"\n{name}: {written[name]:,} celdas escritas")
        for stage in runs[0]:
            print(f"  {stage:28s}{statistics.median(run[stage] for run in runs):8.2f} s")
    refresh_write = statistics.median(run["escribir y verificar"] for run in refresh_runs)
    floor_total = statistics.median(run["total"] for run in floor_runs)
    print(f"\nceldas refresh / floor:                {written['refresh'] / written['floor']:5.2f}")
    print(f"escribir (refresh) / floor entero:     {refresh_write / floor_total:5.2f}")
    print(f"refresh entero / floor entero:         {statistics.median(run['total'] for run in refresh_runs) / floor_total:5.2f}")


if __name__ == "__main__":
    main()
