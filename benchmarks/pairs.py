"""Cross-selling on a catalogue of thousands of products: the refresh against the floor of the workbook it produces.

    python benchmarks/pairs.py [--runs 2]

The shape of the real workbook of issue 14: 40,000 sales lines naming 8,415 distinct products (a long
tail: a few best sellers, most products bought once or twice), 2,000 clients. Before, the product
pairs were dense clients × products and products × products matrices: 26 s and 2 GB on that
workbook. Targets: within 3× the floor and under 1 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import measure  # noqa: E402

HOY = dt.date(2026, 11, 2)
LINES, PRODUCTS, CLIENTS = 40_000, 8_415, 2_000
TARGET_OVER_FLOOR = 3.0
TARGET_MEGABYTES = 1024


def workbook(path: Path) -> Path:
    """Clientes and Ventas with a long-tailed catalogue (Zipf-like choice of products)."""
    rnd = random.Random(14)
    weights = [1 / (rank + 1) for rank in range(PRODUCTS)]
    products = rnd.choices(range(PRODUCTS), weights=weights, k=LINES)
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    clients = book.add_worksheet("Clientes")
    clients.write_row(0, 0, ["ID", "Nombre"])
    for number in range(1, CLIENTS + 1):
        clients.write_row(number, 0, [f"C{number:05d}", f"Cliente {number}"])
    sales = book.add_worksheet("Ventas")
    sales.write_row(0, 0, ["Fecha", "Cliente", "Producto", "Importe"])
    for row, product in enumerate(products, start=1):
        day = dt.datetime.combine(HOY, dt.time()) - dt.timedelta(days=rnd.randint(1, 720))
        sales.write_datetime(row, 0, day, date_format)
        sales.write_string(row, 1, f"C{rnd.randint(1, CLIENTS):05d}")
        sales.write_string(row, 2, f"Artículo {product:05d}")
        sales.write_number(row, 3, round(rnd.uniform(5, 500), 2))
    book.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        source = workbook(folder / "catalogo.xlsx")
        produced = folder / "producido.xlsx"
        refresh = [python, "-m", "cartera_xls", "refresh", str(source), "-o", str(produced), "--hoy", HOY.isoformat()]
        measure(refresh)  # made once, untimed, for the floor to read
        floor = [python, str(HERE / "floor.py"), str(produced), str(folder / "floor.xlsx")]
        print(f"{LINES:,} líneas de venta, {PRODUCTS:,} productos, {CLIENTS:,} clientes")
        results: dict[str, list[tuple[float, float, float]]] = {"refresh": [], "floor": []}
        for run in range(args.runs):
            for name, command in (("refresh", refresh), ("floor", floor)):
                results[name].append(measure(command))
                seconds, cpu, megabytes = results[name][-1]
                print(f"  run {run + 1} {name:8s} {seconds:7.2f} s {cpu:7.2f} s CPU {megabytes:8.0f} MB", flush=True)
    medians = {name: [statistics.median(run[i] for run in runs) for i in range(3)] for name, runs in results.items()}
    ratio = statistics.median(r[0] / f[0] for r, f in zip(results["refresh"], results["floor"], strict=True))
    print(f"\nrefresh / floor (tiempo, mediana por ronda): {ratio:.2f}   objetivo ≤ {TARGET_OVER_FLOOR}")
    print(f"memoria pico del refresh: {medians['refresh'][2]:.0f} MB   objetivo < {TARGET_MEGABYTES} MB")


if __name__ == "__main__":
    main()
