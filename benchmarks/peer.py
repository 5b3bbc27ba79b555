"""The peer: what a user would write instead — plain pandas with its defaults.

read_excel of every sheet (default engine), one group-by per client, to_excel of every sheet.
Usage: python benchmarks/peer.py IN.xlsx OUT.xlsx
"""

from __future__ import annotations

import sys

import pandas as pd

HOY = pd.Timestamp("2026-11-18")


def main(source: str, target: str) -> None:
    sheets = pd.read_excel(source, sheet_name=None)
    sales = sheets["Ventas"]
    per_client = sales.groupby("Cliente").agg(
        Compras=("Fecha", "nunique"), **{"Última compra": ("Fecha", "max"), "Facturación": ("Importe", "sum")}
    )
    clients = sheets["Clientes"].merge(per_client, left_on="ID", right_index=True, how="left")
    clients["Días sin comprar"] = (HOY - clients["Última compra"]).dt.days
    sheets["Clientes"] = clients
    with pd.ExcelWriter(target, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
