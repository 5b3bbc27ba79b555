"""Realistic portfolios of a given size for the benchmarks, generated with numpy and cached.

python benchmarks/generate.py L      # writes benchmarks/.datos/L.xlsx (once)
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import xlsxwriter

HOY = dt.date(2026, 11, 18)
SIZES = {  # clients, sales lines, follow-ups
    "S": (1_000, 20_000, 3_000),
    "L": (10_000, 200_000, 30_000),
    "XL": (50_000, 1_000_000, 150_000),
}
CACHE = Path(__file__).parent / ".datos"
FIRST = ("Ana", "Luis", "María", "Jorge", "Carmen", "Pedro", "Rosa", "Miguel", "Lucía", "Javier", "Elena", "Raúl")
LAST = ("Quispe", "García", "Mamani", "Rodríguez", "Flores", "Torres", "Huamán", "Rojas", "Vargas", "Castillo")
KINDS = ("Tienda naturista", "Farmacia", "Minimarket", "Restaurante", "Gimnasio", "Distribuidora")
PLACES = (("Lima", "Lima"), ("Arequipa", "Arequipa"), ("Trujillo", "La Libertad"), ("Cusco", "Cusco"), ("Piura", "Piura"))
PRODUCTS = ("Stevia 250 g", "Stevia líquida", "Maca 500 g", "Maca 1 kg", "Quinua 1 kg", "Kiwicha", "Cacao 500 g", "Sacha inchi")
PRICES = np.array([18.0, 24.0, 32.0, 58.0, 15.0, 9.5, 27.0, 35.0])
SELLERS = ("Carla Núñez", "Óscar Lima", "Fiorella Soto", "Hugo Paz")
TYPES = ("llamada", "visita", "email", "mensaje", "reunión")
ACTIONS = ("Llamar para reponer", "Visitar con muestras", "Enviar precios", "")
CLIENT_HEADERS = ("ID", "Nombre", "Empresa", "Teléfono", "Email", "Ciudad", "Región", "Vendedor", "Fecha de alta", "Probabilidad de compra")
SALE_HEADERS = ("Fecha", "Cliente", "Producto", "Cantidad", "Importe", "Factura", "Vendedor")
FOLLOWUP_HEADERS = ("Fecha", "Cliente", "Tipo", "Vendedor", "Esperando respuesta", "Próxima acción", "Fecha próxima acción")


def workbook(size: str) -> Path:
    """The cached input workbook of ``size``, generated the first time."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{size}.xlsx"
    if not path.exists():
        write(path, *SIZES[size])
    return path


def write(path: Path, clients: int, sales: int, followups: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{n:06d}" for n in range(1, clients + 1)], dtype=object)
    today = np.datetime64(HOY)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})

    sheet = book.add_worksheet("Clientes")
    sheet.write_row(0, 0, CLIENT_HEADERS)
    signup = today - rng.integers(30, 1500, clients).astype("timedelta64[D]")
    probability = rng.choice([np.nan, 0.2, 0.5, 0.8], clients, p=[0.7, 0.1, 0.1, 0.1])
    for n in range(clients):
        city, region = PLACES[n % len(PLACES)]
        row = n + 1
        sheet.write_string(row, 0, ids[n])
        sheet.write_string(row, 1, f"{FIRST[n % len(FIRST)]} {LAST[(n // 12) % len(LAST)]} {n}")
        sheet.write_string(row, 2, f"{KINDS[n % len(KINDS)]} {LAST[n % len(LAST)]} {n}")
        sheet.write_string(row, 3, f"+51 9{n:08d}")
        sheet.write_string(row, 4, f"cliente{n}@ejemplo.pe")
        sheet.write_string(row, 5, city)
        sheet.write_string(row, 6, region)
        sheet.write_string(row, 7, SELLERS[n % len(SELLERS)])
        sheet.write_datetime(row, 8, signup[n].astype(dt.date), date_format)
        if not np.isnan(probability[n]):
            sheet.write_number(row, 9, probability[n])

    sheet = book.add_worksheet("Ventas")
    sheet.write_row(0, 0, SALE_HEADERS)
    weights = 1 / np.arange(1, clients + 1) ** 0.8  # a few big clients, a long tail
    buyer = rng.choice(clients, sales, p=weights / weights.sum())
    days = np.sort(rng.integers(0, 1100, sales))[::-1]
    product = rng.integers(0, len(PRODUCTS), sales)
    quantity = rng.integers(1, 40, sales)
    amount = np.round(quantity * PRICES[product] * rng.uniform(0.9, 1.1, sales), 2)
    for n in range(sales):
        row = n + 1
        sheet.write_datetime(row, 0, (today - np.timedelta64(int(days[n]), "D")).astype(dt.date), date_format)
        sheet.write_string(row, 1, ids[buyer[n]])
        sheet.write_string(row, 2, PRODUCTS[product[n]])
        sheet.write_number(row, 3, int(quantity[n]))
        sheet.write_number(row, 4, float(amount[n]))
        sheet.write_string(row, 5, f"F-{n:07d}")
        sheet.write_string(row, 6, SELLERS[buyer[n] % len(SELLERS)])

    sheet = book.add_worksheet("Seguimiento")
    sheet.write_row(0, 0, FOLLOWUP_HEADERS)
    contacted = rng.integers(0, clients, followups)
    contact_days = np.sort(rng.integers(0, 120, followups))[::-1]
    for n in range(followups):
        row = n + 1
        day = today - np.timedelta64(int(contact_days[n]), "D")
        sheet.write_datetime(row, 0, day.astype(dt.date), date_format)
        sheet.write_string(row, 1, ids[contacted[n]])
        sheet.write_string(row, 2, TYPES[n % len(TYPES)])
        sheet.write_string(row, 3, SELLERS[contacted[n] % len(SELLERS)])
        sheet.write_string(row, 4, "sí" if n % 5 == 0 else "no")
        action = ACTIONS[n % len(ACTIONS)]
        if action:
            sheet.write_string(row, 5, action)
            sheet.write_datetime(row, 6, (day + np.timedelta64(7 + n % 14, "D")).astype(dt.date), date_format)
    book.close()


if __name__ == "__main__":
    for size in sys.argv[1:] or ["S"]:
        print(workbook(size))
