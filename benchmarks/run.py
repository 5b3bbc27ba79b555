"""Refresh against the floor and the peer, side by side, alternating runs in one session.

    python benchmarks/run.py --size L --runs 3

The floor is measured on the workbook the refresh produces: python-calamine reads every cell of it
and XlsxWriter writes every one back with its typed writers, nothing else. That is what any tool
producing that workbook with this stack must at least spend when it regenerates every sheet. Since
the refresh patches the team's sheets instead, it is held to a fraction of that floor (≤ 0.7) and
compared with a second one, «floor_owned»: every cell read, only the tool's cells written (the
sheets it generates, its computed columns), the team's other sheets copied.

Each contender runs as its own process (the refresh through the command line, as the team runs it);
wall time, CPU time (user + system) and peak memory (max RSS) are taken per process. Prints medians
and the ratios refresh/floor, peer/refresh and memory refresh/floor, next to the targets of the issue.

The machines are noisy (the same floor run takes 19 s or 26 s), so each ratio is given twice: the
ratio of the medians, and the median of the ratios of each round — contenders of one round run back
to back, so a slow spell of the machine hits them alike. CPU time is less sensitive to other
processes than wall time and is shown beside it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import HOY, SIZES, workbook  # noqa: E402

TARGET_REFRESH_OVER_FLOOR = 0.7  # a refresh that patches beats the floor that rewrites every cell (issue 20)
TARGET_PEER_OVER_REFRESH = 2.5
TARGET_MEMORY_OVER_FLOOR = 1.5


def commands(source: Path, produced: Path, folder: Path) -> dict[str, list[str]]:
    """The contenders; the floor reads ``produced``, the workbook a refresh of ``source`` writes."""
    python = sys.executable
    return {
        "refresh": [python, "-m", "cartera_xls", "refresh", str(source), "-o", str(folder / "refresh.xlsx"), "--hoy", HOY.isoformat()],
        "floor": [python, str(HERE / "floor.py"), str(produced), str(folder / "floor.xlsx")],
        "floor_owned": [python, str(HERE / "floor_owned.py"), str(produced), str(folder / "floor_owned.xlsx")],
        "peer": [python, str(HERE / "peer.py"), str(source), str(folder / "peer.xlsx")],
    }


def produce(source: Path, folder: Path) -> Path:
    """The workbook a refresh of ``source`` writes (made once, untimed, for the floor to read)."""
    produced = folder / "producido.xlsx"
    command = [sys.executable, "-m", "cartera_xls", "refresh", str(source), "-o", str(produced), "--hoy", HOY.isoformat()]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return produced


def measure(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident memory (MB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[1]} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="S")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=["refresh", "floor", "floor_owned", "peer"], help="run only these contenders")
    args = parser.parse_args()
    source = workbook(args.size)
    clients, sales, followups = SIZES[args.size]
    print(f"{args.size}: {clients:,} clientes, {sales:,} ventas, {followups:,} seguimientos — {platform.node()}, {os.cpu_count()} núcleos")
    results: dict[str, list[tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        produced = produce(source, Path(scratch))
        sizes = f"{produced.stat().st_size / 1024**2:.1f} MB (entrada {source.stat().st_size / 1024**2:.1f} MB)"
        print(f"floor sobre el libro producido: {sizes}")
        every = commands(source, produced, Path(scratch))
        contenders = {name: cmd for name, cmd in every.items() if not args.only or name in args.only}
        for run in range(args.runs):
            for name, command in contenders.items():  # alternate, so machine noise hits every contender alike
                results.setdefault(name, []).append(measure(command))
                seconds, cpu, megabytes = results[name][-1]
                print(f"  run {run + 1} {name:8s} {seconds:7.2f} s {cpu:7.2f} s CPU {megabytes:8.0f} MB", flush=True)
    medians = {name: tuple(statistics.median(run[i] for run in runs) for i in range(3)) for name, runs in results.items()}
    print(f"\n{'':10s}{'tiempo (mediana)':>18s}{'CPU (mediana)':>16s}{'memoria pico':>16s}")
    for name, (seconds, cpu, megabytes) in medians.items():
        print(f"{name:12s}{seconds:14.2f} s{cpu:14.2f} s{megabytes:13.0f} MB")
    print(f"\n{'':31s}{'de medianas':>12s}{'mediana por ronda':>20s}{'CPU':>8s}   objetivo")

    def ratio(top: str, bottom: str, measure: int = 0) -> tuple[float, float]:
        paired = [a[measure] / b[measure] for a, b in zip(results[top], results[bottom], strict=True)]
        return medians[top][measure] / medians[bottom][measure], statistics.median(paired)

    def line(label: str, top: str, bottom: str, target: str) -> None:
        (of_medians, per_round), (cpu, _) = ratio(top, bottom), ratio(top, bottom, 1)
        print(f"{label:31s}{of_medians:12.2f}{per_round:20.2f}{cpu:8.2f}   {target}")

    if {"refresh", "floor"} <= medians.keys():
        line("refresh / floor (tiempo)", "refresh", "floor", f"≤ {TARGET_REFRESH_OVER_FLOOR}")
        of_medians, per_round = ratio("refresh", "floor", 2)
        print(f"{'refresh / floor (memoria)':31s}{of_medians:12.2f}{per_round:20.2f}{'':8s}   ≤ {TARGET_MEMORY_OVER_FLOOR}")
    if {"refresh", "floor_owned"} <= medians.keys():
        line("refresh / floor_owned (tiempo)", "refresh", "floor_owned", "(informativo)")
    if {"refresh", "peer"} <= medians.keys():
        line("peer / refresh (tiempo)", "peer", "refresh", f"≥ {TARGET_PEER_OVER_REFRESH}")


if __name__ == "__main__":
    main()
