"""Refresh against the floor and the peer, side by side, alternating runs in one session.

    python benchmarks/run.py --size L --runs 3

Each contender runs as its own process (the refresh through the command line, as the team runs it);
wall time and peak memory (max RSS) are taken per process. Prints medians and the ratios
refresh/floor, peer/refresh and memory refresh/floor, next to the targets of the issue.
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

TARGET_REFRESH_OVER_FLOOR = 1.3
TARGET_PEER_OVER_REFRESH = 2.5
TARGET_MEMORY_OVER_FLOOR = 3.0


def commands(source: Path, folder: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "refresh": [python, "-m", "cartera_xls", "refresh", str(source), "-o", str(folder / "refresh.xlsx"), "--hoy", HOY.isoformat()],
        "floor": [python, str(HERE / "floor.py"), str(source), str(folder / "floor.xlsx")],
        "peer": [python, str(HERE / "peer.py"), str(source), str(folder / "peer.xlsx")],
    }


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[1]} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=list(SIZES), default="S")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=["refresh", "floor", "peer"], help="run only these contenders")
    args = parser.parse_args()
    source = workbook(args.size)
    clients, sales, followups = SIZES[args.size]
    print(f"{args.size}: {clients:,} clientes, {sales:,} ventas, {followups:,} seguimientos — {platform.node()}, {os.cpu_count()} núcleos")
    results: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        contenders = {name: cmd for name, cmd in commands(source, Path(scratch)).items() if not args.only or name in args.only}
        for run in range(args.runs):
            for name, command in contenders.items():  # alternate, so machine noise hits every contender alike
                results.setdefault(name, []).append(measure(command))
                seconds, megabytes = results[name][-1]
                print(f"  run {run + 1} {name:8s} {seconds:7.2f} s {megabytes:8.0f} MB", flush=True)
    medians = {name: (statistics.median(t for t, _ in runs), statistics.median(m for _, m in runs)) for name, runs in results.items()}
    print(f"\n{'':10s}{'tiempo (mediana)':>18s}{'memoria pico':>16s}")
    for name, (seconds, megabytes) in medians.items():
        print(f"{name:10s}{seconds:16.2f} s{megabytes:13.0f} MB")
    if {"refresh", "floor"} <= medians.keys():
        ratio = medians["refresh"][0] / medians["floor"][0]
        memory = medians["refresh"][1] / medians["floor"][1]
        print(f"\nrefresh / floor (tiempo):  {ratio:5.2f}   objetivo ≤ {TARGET_REFRESH_OVER_FLOOR}")
        print(f"refresh / floor (memoria): {memory:5.2f}   objetivo ≤ {TARGET_MEMORY_OVER_FLOOR}")
    if {"refresh", "peer"} <= medians.keys():
        print(f"peer / refresh (tiempo):   {medians['peer'][0] / medians['refresh'][0]:5.2f}   objetivo ≥ {TARGET_PEER_OVER_REFRESH}")


if __name__ == "__main__":
    main()
