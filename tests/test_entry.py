"""What the team types by hand is caught where they type it (issue 21): near misses, impossible values, marks on the row."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

import cartera_xls
from cartera_xls import checks, cli
from cartera_xls.styles import REVIEW_MARK, is_our_rule

from .conftest import HOY, make_workbook


def ago(days: int) -> dt.datetime:
    return dt.datetime.combine(HOY, dt.time()) - dt.timedelta(days=days)


def _said(cartera: cartera_xls.Cartera, code: str) -> list[tuple[str, int, str, str]]:
    rows = cartera.revisar[cartera.revisar["Código"] == code]
    return list(zip(rows["Hoja"], rows["Fila"], rows["Valor"], rows["Problema"], strict=True))


# --- point 1: near misses are suggested, never corrected ---------------------------------------------


CLIENTS: list[list[Any]] = [
    ["ID", "Nombre", "Vendedor", "Referido por"],
    ["C0001", "Ana Pérez García", "Lucía Ramírez", None],
    ["C0002", "Ferretería López S.L.", "Lucía Ramírez", None],
    ["C0003", "Bodega Sur", "Lucía Ramírez", "Ana Perez"],  # the client is «Ana Pérez García»
    ["C0004", "Tienda 1", "Lucía Ramríez", "Feria de Lima"],  # a typo; a referrer outside the portfolio
    ["C0005", "Distribuidora Norte", "Lucía Ramírez", None],
]


def _near_misses(tmp_path: Path) -> cartera_xls.Cartera:
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Importe"],
        [ago(30), "C0001", 100.0],
        [ago(20), "Ferreteria Lopes", 50.0],  # «Ferretería López S.L.»
        [ago(10), "Tienda 2", 70.0],  # another branch, not a typo of «Tienda 1»
        [ago(5), "Distribuidora Sur", 30.0],  # not «Distribuidora Norte»
        [ago(4), "Bodega Sur", 20.0],
    ]
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": CLIENTS, "Ventas": sales})
    return cartera_xls.load(source, hoy=HOY)


def test_an_unknown_client_names_the_near_miss(tmp_path: Path) -> None:
    cartera = _near_misses(tmp_path)
    near = _said(cartera, "unknown-client-near")
    assert [(sheet, row, value) for sheet, row, value, _ in near] == [("Ventas", 3, "Ferreteria Lopes")]
    assert "¿Quiso decir «C0002 · Ferretería López S.L.»?" in near[0][3]
    # Other branches and other regions are unknown clients with no suggestion.
    plain = _said(cartera, "unknown-client")
    assert [(row, value) for _, row, value, _ in plain] == [(4, "Tienda 2"), (5, "Distribuidora Sur")]
    # Never corrected: the sale counts for nobody until the team writes the client.
    lopez = cartera.clientes.set_index("ID").loc["C0002"]
    assert lopez["Facturación total"] == 0


def test_a_referrer_nearly_named_is_suggested(tmp_path: Path) -> None:
    cartera = _near_misses(tmp_path)
    near = _said(cartera, "referrer-near")
    assert [(sheet, row, value) for sheet, row, value, _ in near] == [("Clientes", 4, "Ana Perez")]
    assert near[0][3].endswith("¿Quiso decir «C0001 · Ana Pérez García»?")
    assert "C0001" not in cartera.indicadores["referidos"]["ID"].tolist()  # not counted for Ana until corrected


def test_a_salesperson_nearly_like_a_common_one_is_asked(tmp_path: Path) -> None:
    cartera = _near_misses(tmp_path)
    near = _said(cartera, "salesperson-near")
    assert [(sheet, row, value) for sheet, row, value, _ in near] == [("Clientes", 5, "Lucía Ramríez")]
    assert near[0][3] == "«Lucía Ramríez» (1 fila) se parece a «Lucía Ramírez» (4 filas): ¿es la misma persona?"
    assert sorted(cartera.indicadores["vendedores"].index) == ["Lucía Ramríez", "Lucía Ramírez"]  # asked, not merged


def test_suggestions_score_words_and_edits() -> None:
    suggester = checks.Suggester.of(
        [("C0001 · Ana Pérez García", ["C0001", "Ana Pérez García"]), ("C0002 · Juan Pérez Gómez", ["C0002", "Juan Pérez Gómez"])]
    )
    found = suggester.suggest(["Ana Perez", "ana", "Perez", "C002", "C0003", "Juan Peres Gomez"])
    # Both words of «Ana Perez» are in one name; one word alone is too little to suggest anyone.
    # An ID with a zero left out is a near miss; an ID with another number is another client.
    assert found == {
        "Ana Perez": "«C0001 · Ana Pérez García»",
        "C002": "«C0002 · Juan Pérez Gómez»",
        "Juan Peres Gomez": "«C0002 · Juan Pérez Gómez»",
    }


# --- point 4: a reference to a suspected duplicate says so ---------------------------------------------


def test_a_call_logged_by_name_on_a_suspected_duplicate_says_both(tmp_path: Path) -> None:
    clients: list[list[Any]] = [
        ["ID", "Nombre", "Estado"],
        ["C0002", "Ferretería López S.L.", None],
        ["C0010", "Ferreteria Lopez", None],  # the same shop, typed again as a prospect
        ["C0011", "Bodega Sur", None],
    ]
    followups: list[list[Any]] = [
        ["Fecha", "Cliente", "Tipo"],
        [ago(3), "ferreteria lopez", "llamada"],
        [ago(2), "C0010", "llamada"],  # an ID is a choice: nothing to say
        [ago(1), "Bodega Sur", "visita"],
    ]
    cartera = cartera_xls.load(make_workbook(tmp_path / "c.xlsx", {"Clientes": clients, "Seguimiento": followups}), hoy=HOY)
    said = _said(cartera, "reference-to-twin")
    assert [(sheet, row, value) for sheet, row, value, _ in said] == [("Seguimiento", 2, "ferreteria lopez")]
    assert said[0][3] == (
        "«ferreteria lopez» puede ser de «C0010 · Ferreteria Lopez» o «C0002 · Ferretería López S.L.» "
        "(parecen el mismo cliente): se cuenta para «C0010 · Ferreteria Lopez»."
    )
    # Counted where the name points, as before: the tool never moves a contact on its own.
    last = cartera.clientes.set_index("ID")["Último contacto"]
    assert pd.isna(last["C0002"])
    assert last["C0010"] == pd.Timestamp(ago(2))


# --- point 3: dates that cannot be right, with bounds in Reglas --------------------------------------------


def test_dates_before_the_business_or_years_ahead_are_said(tmp_path: Path) -> None:
    clients: list[list[Any]] = [
        ["ID", "Nombre", "Fecha de alta"],
        ["C1", "Ana", dt.datetime(1926, 3, 5)],  # 2026 typed 1926
        ["C2", "Luis", dt.datetime(2019, 6, 1)],
    ]
    followups: list[list[Any]] = [
        ["Fecha", "Cliente", "Tipo", "Próxima acción", "Fecha próxima acción"],
        [ago(3), "C1", "llamada", "Enviar catálogo", dt.datetime(2062, 11, 26)],  # 2026 typed 2062
        [ago(2), "C2", "llamada", "Visita", dt.datetime(2027, 3, 1)],  # four months ahead: fine
    ]
    sales: list[list[Any]] = [["Fecha", "Cliente", "Importe"], [dt.datetime(2062, 1, 1), "C2", 10.0]]
    reglas: list[list[Any]] = [["Parámetro", "Valor"], ["anio_minimo", 2015]]
    sheets = {"Clientes": clients, "Ventas": sales, "Seguimiento": followups, "Reglas": reglas}
    cartera = cartera_xls.load(make_workbook(tmp_path / "c.xlsx", sheets), hoy=HOY)
    before = _said(cartera, "date-before-business")
    assert [(sheet, row, value) for sheet, row, value, _ in before] == [("Clientes", 2, "05/03/1926")]
    assert before[0][3] == "La fecha 05/03/1926 es anterior a 2015, el año más antiguo posible según Reglas («anio_minimo»)."
    ahead = _said(cartera, "date-far-ahead")
    # The sale of 2062 is said once, as a sale after hoy; the follow-up date of 2062 is more than 2 years ahead.
    assert [(sheet, row, value) for sheet, row, value, _ in ahead] == [("Seguimiento", 2, "26/11/2062")]
    assert ahead[0][3] == "La fecha 26/11/2062 está más de 2 años después de la fecha de cálculo (02/11/2026)."
    assert len(_said(cartera, "sale-after-hoy")) == 1
    # With the founding year at 2020, Luis's 2019 signup is said too.
    later = cartera_xls.load(
        make_workbook(tmp_path / "d.xlsx", {**sheets, "Reglas": [["Parámetro", "Valor"], ["anio_minimo", 2020]]}), hoy=HOY
    )
    assert [row for _, row, _, _ in _said(later, "date-before-business")] == [2, 3]


# --- point 8: the problem is visible where it is typed ------------------------------------------------------


def _marks(path: Path) -> dict[str, list[str]]:
    """Each sheet's ranges under the tool's mark for review."""
    book = openpyxl.load_workbook(path)
    found: dict[str, list[str]] = {}
    for sheet in book.worksheets:
        for ranges, rules in sheet.conditional_formatting._cf_rules.items():
            if any(rule.formula == [REVIEW_MARK] for rule in rules):
                found.setdefault(sheet.title, []).extend(sorted(str(ranges.sqref).split()))
    return found


def test_a_cell_revisar_lists_is_marked_on_its_sheet_until_corrected(tmp_path: Path) -> None:
    clients: list[list[Any]] = [
        ["ID", "Nombre", "Email", "Teléfono"],
        ["C1", "Ana", "pedro@@gmail.com", "987654321"],
        ["C2", "Luis", "luis@correo.pe", "98765"],
        ["C3", None, None, None],  # a required value missing: said of Nombre
    ]
    sales: list[list[Any]] = [["Fecha", "Cliente", "Importe"], [ago(3), "C1", 10.0], [ago(2), "C9", 5.0], [ago(1), "C9", 5.0]]
    path = make_workbook(tmp_path / "c.xlsx", {"Clientes": clients, "Ventas": sales})
    cartera_xls.refresh(path, hoy=HOY)
    assert _marks(path) == {"Clientes": ["B4", "C2", "D3"], "Ventas": ["B3:B4"]}
    cartera_xls.refresh(path, hoy=HOY)
    assert _marks(path) == {"Clientes": ["B4", "C2", "D3"], "Ventas": ["B3:B4"]}  # written again, never twice
    # The team corrects the email; the next refresh no longer marks it, the others stay.
    book = openpyxl.load_workbook(path)
    book["Clientes"]["C2"] = "pedro@gmail.com"
    book.save(path)
    cartera_xls.refresh(path, hoy=HOY)
    assert _marks(path) == {"Clientes": ["B4", "D3"], "Ventas": ["B3:B4"]}
    # An ID the tool gave is said in Revisar for the record, not marked: there is nothing to correct.
    book = openpyxl.load_workbook(path)
    book["Clientes"].append([None, "Rosa", "rosa@correo.pe", "987000111"])
    book.save(path)
    cartera_xls.refresh(path, hoy=HOY)
    assert _marks(path)["Clientes"] == ["B4", "D3"]
    # The team's own conditional formats are never taken for the tool's.
    assert not is_our_rule("ISREF(Hoja1!$A$1)") and is_our_rule("=" + REVIEW_MARK)


# --- point 7: a workbook started from an export is ready for work -------------------------------------------


def test_a_workbook_started_from_an_export_is_ready_for_work(tmp_path: Path) -> None:
    export = tmp_path / "ventas.csv"
    export.write_text(
        "Fecha,Cliente,Email,Teléfono,Dirección,Producto,Importe\n"
        "2026-10-01,Ana Pérez,ana@ejemplo.pe,987654321,Av. Arequipa 123,Tornillo,20\n"
        "2026-10-05,Luis Gómez,,912345678,,Tuerca,5\n"
        "2026-10-20,Ana Pérez,ana.perez@ejemplo.pe,,,Tuerca,7\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert cli.main(["refresh", str(export), "--hoy", "2026-11-02"], out=out, err=io.StringIO()) == 0
    written = tmp_path / "ventas.xlsx"
    book = openpyxl.load_workbook(written)
    # Every sheet a team logs its work in, with its headers, as init writes them.
    for sheet in ("Seguimiento", "Oportunidades", "Encuestas", "Reclamos", "Reglas"):
        assert sheet in book.sheetnames
    assert [cell.value for cell in book["Seguimiento"][1]][:3] == ["Fecha", "Cliente", "Tipo"]
    # The export's client columns reach Clientes, from each client's latest line that has them; a name is a name, not an ID.
    clientes = book["Clientes"]
    header = [cell.value for cell in clientes[1]]
    rows = [dict(zip(header, (cell.value for cell in row), strict=True)) for row in clientes.iter_rows(min_row=2)]
    assert [(r["ID"], r["Nombre"], r["Email"], r["Teléfono"], r["Dirección"]) for r in rows] == [
        ("C0001", "Ana Pérez", "ana.perez@ejemplo.pe", "987654321", "Av. Arequipa 123"),
        ("C0002", "Luis Gómez", None, "912345678", None),
    ]
    # The launcher is beside it, as init leaves one, and the terminal says so.
    launchers = [path.name for path in tmp_path.iterdir() if path.name.startswith("Actualizar ventas")]
    assert launchers and "Para actualizar con doble clic" in out.getvalue()
    # The next refresh reads the workbook: the sales count for the clients made from them.
    cartera = cartera_xls.load(written, hoy=dt.date(2026, 11, 2))
    assert cartera.clientes.set_index("ID")["Facturación total"].to_dict() == {"C0001": 27.0, "C0002": 5.0}


# --- point 6: a workbook at its very start works ---------------------------------------------------------


def test_a_workbook_at_its_very_start_refreshes(tmp_path: Path) -> None:
    # Only some headers, no ID column, no rows yet.
    empty = make_workbook(tmp_path / "nuevo.xlsx", {"Clientes": [["Nombre", "Email", "Teléfono"]]})
    out = io.StringIO()
    assert cli.main(["refresh", str(empty), "--hoy", "2026-11-02"], out=out, err=io.StringIO()) == 0
    assert "Clientes: 0" in out.getvalue()
    # The first client and a sale typed by name: matched by name, an ID given and written beside the team's columns.
    started = make_workbook(
        tmp_path / "primero.xlsx",
        {
            "Clientes": [["Nombre", "Email", "Teléfono"], ["Ana Pérez", "ana@ejemplo.pe", "987654321"]],
            "Ventas": [["Fecha", "Cliente", "Importe"], [ago(5), "Ana Pérez", 30.0]],
        },
    )
    cartera_xls.refresh(started, hoy=HOY)
    header = [cell.value for cell in openpyxl.load_workbook(started)["Clientes"][1]]
    assert header[:4] == ["Nombre", "Email", "Teléfono", "ID"]  # none of the team's columns moved
    cartera = cartera_xls.load(started, hoy=HOY)
    assert cartera.clientes[["ID", "Facturación total"]].values.tolist() == [["C0001", 30.0]]


def test_an_in_cell_picture_is_named_and_never_typed_over(tmp_path: Path) -> None:
    import struct
    import zipfile
    import zlib

    import xlsxwriter

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    picture = tmp_path / "foto.png"
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    picture.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")
    )
    path = tmp_path / "c.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Clientes")
    sheet.write_row(0, 0, ["ID", "Nombre"])
    sheet.write_row(1, 0, ["C0001", "Ana"])
    sheet.write(2, 1, "Luis")
    sheet.embed_image("A3", str(picture))  # a photo pasted where Luis's ID goes
    book.close()
    result = cartera_xls.refresh(path, hoy=HOY)
    said = [(p.row, p.column, p.code) for p in result.cartera.problems if p.row == 3]
    assert said == [(3, "ID", "in-cell-picture")]
    # No ID is assigned over the picture: the cell is still the team's picture.
    with zipfile.ZipFile(path) as archive:
        names = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        parts = [archive.read(name) for name in names]
    assert any(b'<c r="A3" t="e" vm="1"' in part for part in parts)
    assert result.cartera.clientes["Nombre"].tolist() == ["Ana", "Luis"]


def test_a_product_nearly_in_the_teams_list_is_suggested(tmp_path: Path) -> None:
    sales: list[list[Any]] = [
        ["Fecha", "Cliente", "Producto", "Importe"],
        [ago(9), "C1", "Tornillo 3/8", 10.0],
        [ago(8), "C1", "Tornilo 3/8", 10.0],  # a letter left out
        [ago(7), "C1", "Tornilo 3/8", 10.0],
        [ago(6), "C1", "Tornillo 1/2", 10.0],  # another size, not in the list: a new product, nothing to say
        [ago(5), "C1", "Arandela", 10.0],
    ]
    prices: list[list[Any]] = [["Lista de precios 2026"], ["Producto", "Precio"], ["Tornillo 3/8", 0.5], ["Arandela", 0.1]]
    sheets = {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Ventas": sales, "Precios": prices}
    cartera = cartera_xls.load(make_workbook(tmp_path / "c.xlsx", sheets), hoy=HOY)
    said = _said(cartera, "product-near")
    assert [(sheet, row, value) for sheet, row, value, _ in said] == [("Ventas", 3, "Tornilo 3/8")]
    assert said[0][3] == "«Tornilo 3/8» (2 filas) no está en la lista de productos del equipo. ¿Quiso decir «Tornillo 3/8»?"
    # Without a product list, nothing is said: there is nothing to compare with.
    del sheets["Precios"]
    assert not _said(cartera_xls.load(make_workbook(tmp_path / "d.xlsx", sheets), hoy=HOY), "product-near")
