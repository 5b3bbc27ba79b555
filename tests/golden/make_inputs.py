"""Write the small input workbooks of the golden tests (run once; the .xlsx files are committed).

python -m tests.golden.make_inputs
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.conftest import basic_portfolio, make_workbook

HERE = Path(__file__).parent

CASES: dict[str, dict[str, list[list[Any]]]] = {
    "basico": basic_portfolio(),
    "alias_y_titulos": {
        "cartera de clientes": [
            ["Listado de clientes — actualizado por Carla"],
            [],
            ["Código", "Nombre y apellido", "Razón social", "Celular", "Correo", "Provincia", "Prob. de compra", "Cumpleaños"],
            [1, "Ana Quispe", "Tienda Ana", 900111222, "ana@ejemplo.pe", "Lima", "alta", "12/05"],
            [2, "Luis García", "Farmacia Luis", "+51 900 333 444", "luis@ejemplo.pe", "Cusco", "40%", None],
            [None, "Rosa Mamani", None, None, None, "Lima", 0.1, "3 de junio"],
        ],
        "FACTURAS": [
            ["fecha factura", "cliente", "monto", "artículo", "Nº factura"],
            ["05/10/2026", "1", "1.234,56", "Maca", "F-1"],
            ["2026-10-20", "Farmacia Luis", "$1,200.50", "Quinua", "F-2"],
            [dt.datetime(2026, 9, 1), 1, 99, "Stevia", "F-3"],
        ],
        "Mis notas": [["Objetivo anual", 50000], ["Comentario", "=A1 es un texto, no una fórmula"]],
    },
    "problemas": {
        "Clientes": [
            ["ID", "Nombre", "Email", "Teléfono", "Fecha de alta", "Probabilidad de compra", "Compra por iniciativa propia"],
            ["C1", "Ana Quispe", "ana@ejemplo.pe", "900 111 222", "31/02/2024", "muchísima", "quizás"],
            ["C1", "Luis García", "luis@ejemplo.pe", None, "mañana", None, "sí"],
            ["C3", None, "otra@ejemplo.pe", "+51 900111222", None, None, None],
            ["C4", "Luis García", None, None, None, None, None],
        ],
        "Seguimiento": [
            ["Fecha", "Cliente", "Tipo", "Esperando respuesta", "Fecha próxima acción"],
            ["01/11/2026", "C1", "WhatsApp", "x", "10/11/2026"],
            ["02/11/2026", "Luis García", "telepatía", "no", None],
            [None, "Nadie", "llamada", None, "ayer"],
        ],
        "Reglas": [["Parámetro", "Valor"], ["dias_aviso", "siete"], ["dia_seguimiento", "Lunes"], ["color_favorito", "azul"]],
    },
}


def main() -> None:
    for name, sheets in CASES.items():
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        make_workbook(folder / "entrada.xlsx", sheets)


if __name__ == "__main__":
    main()
