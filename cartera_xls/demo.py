"""A realistic example portfolio, generated from a seed, for ``demo``, the tests and benchmarks.

A distributor of Andean products (stevia, maca, quinoa…) with a few dozen
clients of every kind the rules distinguish: regular buyers, new ones, lapsed,
lost, small and prospects; follow-ups with overdue and upcoming actions; a few
opportunities, surveys and complaints, and a couple of deliberate mistakes so
the Revisar sheet has something to show.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

import xlsxwriter

from .schema import Sheet
from .schema.sheets import (
    CLIENTES,
    CONTACT_TYPES,
    EMPRESA,
    ENCUESTAS,
    NO,
    OPORTUNIDADES,
    PERSONA,
    RECLAMOS,
    REGLAS,
    SEGUIMIENTO,
    SI,
    VENTAS,
)
from .styles import money_format

DEMO_TITLE = "Cartera de clientes — Distribuidora Andina"
FIXED_HOY = dt.date(2026, 11, 18)  # the date of the committed demo in plantillas/
DEMO_CURRENCY = "S/"  # a Peruvian distributor's soles, set in its Reglas and on its amounts
DEMO_HOLIDAYS = "01/01, 01/05, 29/06, 28/07, 29/07, 30/08, 08/10, 01/11, 08/12, 25/12"  # Peru's fixed-date holidays
MONEY_KEYS = frozenset({"amount", "unit_price", "estimated_amount"})
FIRST_NAMES = (
    "Ana",
    "Luis",
    "María",
    "Jorge",
    "Carmen",
    "Pedro",
    "Rosa",
    "Miguel",
    "Lucía",
    "Javier",
    "Elena",
    "Raúl",
    "Patricia",
    "Diego",
    "Sofía",
    "Andrés",
    "Valeria",
    "Martín",
    "Gabriela",
    "Hugo",
)
LAST_NAMES = (
    "Quispe",
    "García",
    "Mamani",
    "Rodríguez",
    "Flores",
    "Torres",
    "Huamán",
    "Rojas",
    "Vargas",
    "Castillo",
    "Mendoza",
    "Chávez",
    "Ramos",
    "Díaz",
    "Salazar",
    "Paredes",
)
BUSINESS = (
    ("Tienda naturista", "Naturista"),
    ("Farmacia", "Farmacia"),
    ("Minimarket", "Minimarket"),
    ("Restaurante", "Restaurante"),
    ("Gimnasio", "Gimnasio"),
    ("Distribuidora", "Distribuidora"),
    ("Panadería", "Panadería"),
)
PLACES = (
    ("Lima", "Lima"),
    ("Miraflores", "Lima"),
    ("Arequipa", "Arequipa"),
    ("Trujillo", "La Libertad"),
    ("Cusco", "Cusco"),
    ("Piura", "Piura"),
    ("Chiclayo", "Lambayeque"),
)
PRODUCTS = (
    ("Stevia en hojas 250 g", "Endulzantes", 18.0),
    ("Stevia líquida 50 ml", "Endulzantes", 24.0),
    ("Maca en polvo 500 g", "Superalimentos", 32.0),
    ("Maca gelatinizada 1 kg", "Superalimentos", 58.0),
    ("Quinua orgánica 1 kg", "Granos", 15.0),
    ("Kiwicha 500 g", "Granos", 9.5),
    ("Cacao en polvo 500 g", "Superalimentos", 27.0),
    ("Aceite de sacha inchi 250 ml", "Aceites", 35.0),
)
DEMO_TIME_ZONE = "America/Lima"  # the demo is a Peruvian distributor: its calendar is in its own zone
SALESPEOPLE = ("Carla Núñez", "Óscar Lima", "Fiorella Soto")
SOURCES = ("referido", "feria", "web", "publicidad", "alianza")
SEGMENTS = ("Mayorista", "Minorista", "Horeca")
CHURN_REASONS = ("Precio", "Cerró el negocio", "Se fue con la competencia")
NEXT_ACTIONS = (
    "Llamar para reponer stock",
    "Visitar con muestras",
    "Enviar lista de precios",
    "Confirmar pedido",
    "Presentar maca gelatinizada",
)


def generate(hoy: dt.date, clients: int = 60, seed: int = 7) -> dict[Sheet, list[list[Any]]]:
    """Rows (header first) of every sheet of a demo portfolio as of ``hoy``."""
    rnd = random.Random(seed)
    sheets: dict[Sheet, list[list[Any]]] = {
        CLIENTES: [[c.label for c in CLIENTES.input_columns if c.key not in _UNUSED_CLIENT_COLUMNS] + ["Horario de atención"]],
        VENTAS: [[VENTAS.column(key).label for key in _SALES_COLUMNS]],
        SEGUIMIENTO: [[c.label for c in SEGUIMIENTO.input_columns]],
        OPORTUNIDADES: [[c.label for c in OPORTUNIDADES.input_columns]],
        ENCUESTAS: [[c.label for c in ENCUESTAS.input_columns]],
        RECLAMOS: [[c.label for c in RECLAMOS.input_columns]],
    }
    profiles = ("activo",) * 5 + ("nuevo", "inactivo", "perdido", "potencial", "potencial", "pasivo")
    for number in range(1, clients + 1):
        profile = profiles[(number * 7) % len(profiles)]
        _client(rnd, sheets, hoy, number, profile)
    # Deliberate mistakes the Revisar sheet shows: a sale to an unknown client and a duplicate.
    sheets[VENTAS].append(
        [
            hoy - dt.timedelta(days=12),
            "Bodega San Martín",
            PRODUCTS[0][0],
            PRODUCTS[0][1],
            3,
            54.0,
            "contado",
            "F-9999",
            SALESPEOPLE[0],
        ]
    )
    duplicate = list(sheets[CLIENTES][3])
    duplicate[0] = f"C{clients + 1:04d}"
    duplicate[1] = duplicate[1].upper()
    sheets[CLIENTES].append(duplicate)
    return sheets


# The columns of the demo's sales ledger, in the order its rows are written.
_SALES_COLUMNS = ("date", "client", "product", "category", "quantity", "amount", "payment_method", "invoice", "salesperson")
_UNUSED_CLIENT_COLUMNS = {"work_address", "requirements", "competition"}


def _client(rnd: random.Random, sheets: dict[Sheet, list[list[Any]]], hoy: dt.date, number: int, profile: str) -> None:
    client_id = f"C{number:04d}"
    name = f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {LAST_NAMES[(number * 3 + number // len(FIRST_NAMES)) % len(LAST_NAMES)]}"
    kind, business_type = rnd.choice(BUSINESS)
    city, region = rnd.choice(PLACES)
    salesperson = rnd.choice(SALESPEOPLE)
    company = f"{kind} {rnd.choice(LAST_NAMES)}"
    signup = hoy - dt.timedelta(days={"nuevo": 40, "potencial": 25}.get(profile, rnd.randint(400, 900)))
    churn_date, churn_reason = (
        (hoy - dt.timedelta(days=rnd.randint(30, 200)), rnd.choice(CHURN_REASONS)) if profile == "perdido" and number % 2 else (None, None)
    )
    probability = rnd.choice((0.2, 0.5, 0.8, 0.9)) if profile == "potencial" else None
    referred = f"C{max(1, number - 5):04d}" if number % 6 == 0 else None
    values: dict[str, Any] = {
        "id": client_id,
        "name": name,
        "company": company,
        "client_type": PERSONA if kind == "Tienda naturista" and number % 3 == 0 else EMPRESA,
        "business_type": business_type,
        "tax_id": f"20{rnd.randint(100000000, 999999999)}",
        "email": f"{name.split()[0].lower()}.{number}@ejemplo.pe",
        "phone": f"+51 9{rnd.randint(10, 99)} {rnd.randint(100, 999)} {rnd.randint(100, 999)}",
        "address": f"Av. {rnd.choice(LAST_NAMES)} {rnd.randint(100, 2500)}",
        "city": city,
        "region": region,
        "country": "Perú",
        "salesperson": salesperson,
        "segment": rnd.choice(SEGMENTS),
        "signup_date": signup,
        "source": "referido" if referred else rnd.choice(SOURCES),
        "referred_by": referred,
        "purchase_probability": probability,
        "products_of_interest": rnd.choice(PRODUCTS)[0],
        "payment_method": rnd.choice(("contado", "transferencia", "crédito 30 días")),
        "self_initiated": SI if rnd.random() < 0.5 else NO,
        "churn_date": churn_date,
        "churn_reason": churn_reason,
        "notes": "",
        "opinion": rnd.choice(("", "Le gusta la calidad", "Pide mejores precios por volumen")),
        "needs": rnd.choice(("", "Entrega los lunes", "Factura electrónica")),
    }
    row = [values.get(c.key) for c in CLIENTES.input_columns if c.key not in _UNUSED_CLIENT_COLUMNS]
    sheets[CLIENTES].append([*row, rnd.choice(("9:00–18:00", "8:00–13:00", ""))])
    _sales(rnd, sheets, hoy, client_id, salesperson, profile)
    _followups(rnd, sheets, hoy, client_id, salesperson, profile)


def _sales(rnd: random.Random, sheets: dict[Sheet, list[list[Any]]], hoy: dt.date, client_id: str, salesperson: str, profile: str) -> None:
    if profile == "potencial":
        return
    interval = rnd.randint(20, 45)
    last_gap = {
        "activo": rnd.randint(3, 25),
        "nuevo": rnd.randint(5, 30),
        "inactivo": rnd.randint(150, 250),
        "perdido": rnd.randint(420, 600),
        "pasivo": rnd.randint(30, 80),
    }[profile]
    start_gap = {"nuevo": 40, "pasivo": 700}.get(profile, rnd.randint(500, 800))
    day = hoy - dt.timedelta(days=last_gap)
    first = hoy - dt.timedelta(days=start_gap)
    size = {"pasivo": 0.3}.get(profile, rnd.choice((0.6, 1.0, 1.0, 2.5, 6.0)))
    step = interval * (4 if profile == "pasivo" else 1)
    number = 0
    while day >= first:
        product, category, price = rnd.choice(PRODUCTS)
        quantity = max(1, round(rnd.uniform(4, 20) * size))
        number += 1
        invoice = f"F-{client_id[1:]}{number:03d}"
        sheets[VENTAS].append(
            [day, client_id, product, category, quantity, round(quantity * price, 2), "transferencia", invoice, salesperson]
        )
        day -= dt.timedelta(days=max(7, round(rnd.gauss(step, step / 5))))
    if profile != "perdido" and rnd.random() < 0.15:
        sheets[RECLAMOS].append([hoy - dt.timedelta(days=rnd.randint(2, 40)), client_id, "Entrega con retraso", "abierto", None])
    if rnd.random() < 0.4:
        satisfaction = rnd.randint(2, 5)
        sheets[ENCUESTAS].append(
            [
                hoy - dt.timedelta(days=rnd.randint(10, 200)),
                client_id,
                satisfaction,
                min(10, satisfaction * 2 + rnd.randint(-1, 1)),
                "",
            ]
        )


def _followups(
    rnd: random.Random, sheets: dict[Sheet, list[list[Any]]], hoy: dt.date, client_id: str, salesperson: str, profile: str
) -> None:
    if profile == "perdido":
        return
    contacts = rnd.randint(1, 4)
    for index in range(contacts):
        day = hoy - dt.timedelta(days=rnd.randint(1, 35) + 30 * (contacts - index - 1))
        last = index == contacts - 1
        waiting = SI if last and day >= hoy - dt.timedelta(days=16) and rnd.random() < 0.5 else NO
        next_date: dt.date | None = None
        if last and rnd.random() < 0.6:  # a team that keeps up: most next steps ahead, a few overdue, some at a set time
            next_date = max(day + dt.timedelta(days=1), hoy + dt.timedelta(days=rnd.choice((-4, -1, 0, 2, 3, 6, 8, 10, 13))))
            if rnd.random() < 0.35:
                next_date = dt.datetime.combine(next_date, dt.time(rnd.choice((9, 10, 11, 16)), rnd.choice((0, 30))))
        next_action = rnd.choice(NEXT_ACTIONS) if next_date else None
        kind = rnd.choice(CONTACT_TYPES[:5])
        result = rnd.choice(("Interesado", "Pidió precios", "Sin respuesta", "Hizo pedido"))
        # A client who asked for prices in the last days waits for our quote: the other way round from «waiting».
        owes = SI if last and waiting == NO and result == "Pidió precios" and day >= hoy - dt.timedelta(days=10) else NO
        sheets[SEGUIMIENTO].append([day, client_id, kind, salesperson, result, waiting, owes, next_action, next_date])
    if profile == "potencial":
        opened = hoy - dt.timedelta(days=rnd.randint(5, 60))
        sheets[OPORTUNIDADES].append([client_id, opened, None, "abierta", rnd.choice((500, 1200, 3000)), None])
    elif rnd.random() < 0.25:
        opened = hoy - dt.timedelta(days=rnd.randint(100, 400))
        won = rnd.random() < 0.6
        sheets[OPORTUNIDADES].append(
            [
                client_id,
                opened,
                opened + dt.timedelta(days=rnd.randint(7, 60)),
                "ganada" if won else "perdida",
                rnd.choice((800, 2000)),
                None if won else "Precio",
            ]
        )


def write_input(sheets: dict[Sheet, list[list[Any]]], path: Path, title: str | None = DEMO_TITLE) -> None:
    """Write the rows as a team would keep them: a title above Clientes, each sheet an Excel table set up to print.

    The data sheets are the team's: a refresh adds the tool's columns and colours and keeps the rest as made here.
    """
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": dt.datetime(2000, 1, 1)})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    time_format = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": money_format(DEMO_CURRENCY)})  # the team's amounts show their currency
    for spec, rows in sheets.items():
        sheet = book.add_worksheet(spec.label)
        offset = 2 if spec is CLIENTES and title else 0
        if offset and title:
            sheet.write_string(0, 0, title, bold)
        amounts = {c for c, label in enumerate(rows[0] if rows else []) if label in _money_labels(spec)}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r + offset, c, value, time_format)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r + offset, c, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(r + offset, c, value, bold if r == 0 else None)
                elif value is not None:
                    sheet.write_number(r + offset, c, value, money if c in amounts else None)
        if rows:
            _as_a_team_table(sheet, spec, rows, offset, book.add_format({"bold": True, "text_wrap": True, "valign": "top"}))
    if title:
        _team_goals(book)  # the team's own sheet, before Reglas
    parameters = book.add_worksheet(REGLAS.label)
    for c, column in enumerate(REGLAS.columns):
        parameters.write_string(0, c, column.label, bold)
    parameters.write_row(1, 0, ["moneda", DEMO_CURRENCY, "Soles peruanos"])
    parameters.write_row(2, 0, ["feriados", DEMO_HOLIDAYS, "Feriados de Perú que cierran la distribuidora"])
    parameters.write_row(3, 0, ["zona_horaria", DEMO_TIME_ZONE, "La hora de Lima: una visita a las 10:30 es a las 10:30 en el teléfono"])
    parameters.set_column(0, 0, 22)
    parameters.set_column(1, 1, 12)
    parameters.set_column(2, 2, 90)
    _printed_by_the_team(parameters, 0)
    book.close()


def _money_labels(spec: Sheet) -> set[str]:
    """The headers of a sheet's amounts (Importe, Precio unitario, Importe estimado)."""
    return {column.label for column in spec.columns if column.key in MONEY_KEYS}


TEAM_FOOTER = "&L&A&CPágina &P de &N"  # the team's own footer: the sheet, the page


def _as_a_team_table(sheet: Any, spec: Sheet, rows: list[list[Any]], top: int, header_format: Any) -> None:
    """A data sheet formatted as a team does in Excel: «Dar formato como tabla», widths, the header wrapped and frozen, one page wide."""
    header = [str(label) for label in rows[0]]
    last = top + max(len(rows) - 1, 1)
    name = f"Tabla{spec.key.capitalize()}"
    columns = [{"header": h, "header_format": header_format} for h in header]
    sheet.add_table(top, 0, last, len(header) - 1, {"name": name, "style": "Table Style Medium 2", "columns": columns})
    for c, label in enumerate(header):
        longest = max((len(str(row[c])) for row in rows[1:] if c < len(row) and row[c] is not None), default=0)
        sheet.set_column(c, c, min(max(longest, *(len(word) for word in label.split()), 6) + 2, 18))
    sheet.set_row(top, 45)
    sheet.freeze_panes(top + 1, 0)
    _printed_by_the_team(sheet, top)


def _printed_by_the_team(sheet: Any, header_row: int) -> None:
    """The team's print set-up: A4 landscape, one page wide, the header on every page, their footer."""
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_footer(TEAM_FOOTER)


GOALS = (("Carla Núñez", 6000, 5400), ("Óscar Lima", 5000, 5600), ("Fiorella Soto", 4500, 3100))


def _team_goals(book: xlsxwriter.Workbook) -> None:
    """The team's own sheet of monthly goals, as a sales manager keeps one: formatted, with a table, a name, a chart and a note."""
    sheet = book.add_worksheet("Metas del equipo")
    title = book.add_format({"bold": True, "font_size": 14, "font_color": "#FFFFFF", "bg_color": "#375623", "align": "center"})
    money = book.add_format({"num_format": '"S/" #,##0'})
    percent = book.add_format({"num_format": "0%"})
    sheet.merge_range("A1:D1", "Metas del mes por vendedor", title)
    sheet.write_comment("A1", "Metas acordadas en la reunión de ventas del lunes.", {"author": "Gerencia"})
    last = 2 + len(GOALS)
    sheet.add_table(
        2,
        0,
        last,
        3,
        {
            "name": "MetasVendedores",
            "style": "Table Style Medium 7",
            "columns": [
                {"header": "Vendedor"},
                {"header": "Meta", "format": money},
                {"header": "Logro", "format": money},
                {"header": "Avance", "formula": "=[@Logro]/[@Meta]", "format": percent},
            ],
            "data": [list(goal) for goal in GOALS],
        },
    )
    for row, (_, goal, done) in enumerate(GOALS, start=3):  # the cached results, as Excel saves them
        sheet.write_formula(row, 3, "=MetasVendedores[[#This Row],[Logro]]/MetasVendedores[[#This Row],[Meta]]", percent, done / goal)
    book.define_name("MetaDelEquipo", f"=SUM('Metas del equipo'!$B$4:$B${last + 1})")
    sheet.write_string(last + 2, 0, "Meta del equipo")
    sheet.write_formula(last + 2, 1, "=MetaDelEquipo", money, sum(goal for _, goal, _ in GOALS))
    behind = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    sheet.conditional_format(3, 3, last, 3, {"type": "cell", "criteria": "<", "value": 0.9, "format": behind})
    chart = book.add_chart({"type": "column"})
    for col, colour in ((1, "#A9D08E"), (2, "#375623")):
        chart.add_series(
            {
                "name": ["Metas del equipo", 2, col],
                "categories": ["Metas del equipo", 3, 0, last, 0],
                "values": ["Metas del equipo", 3, col, last, col],
                "fill": {"color": colour},
            }
        )
    chart.set_title({"name": "Meta y logro del mes"})
    chart.set_size({"width": 420, "height": 240})
    sheet.insert_chart("F2", chart)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 3, 12)


def write_demo(path: str | Path, hoy: dt.date | None = None) -> Path:
    """Generate the demo portfolio as of ``hoy`` (default today) and refresh it into ``path``."""
    from .cartera import refresh

    hoy = hoy or dt.date.today()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / path.name
        write_input(generate(hoy), source)
        return refresh(source, path, hoy).written


TEMPLATE_FILE = "cartera_vacia.xlsx"
DEMO_FILE = "cartera_demo.xlsx"


def build_plantillas(folder: str | Path) -> list[Path]:
    """Write the committed examples: the empty template and the demo refreshed as of ``FIXED_HOY``."""
    from .cartera import Cartera, load
    from .saving import carry_plan
    from .writing import write_workbook

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / TEMPLATE_FILE
    write_workbook(Cartera.empty(FIXED_HOY).refreshed, template, who="")  # the same bytes whoever builds them
    demo = folder / DEMO_FILE
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / DEMO_FILE
        write_input(generate(FIXED_HOY), source)
        cartera = load(source, FIXED_HOY)
        assert cartera.source is not None
        write_workbook(cartera.refreshed, demo, plan=carry_plan(cartera.refreshed, cartera.source), who="")  # the team's sheet carried
    return [template, demo]


if __name__ == "__main__":  # python -m cartera_xls.demo: refresh plantillas/
    for written in build_plantillas(Path(__file__).resolve().parent.parent / "plantillas"):
        print(written)
