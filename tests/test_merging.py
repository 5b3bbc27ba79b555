"""Dropbox's conflicted copies merged with nothing lost (issue 23, point 3)."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment

import cartera_xls
from cartera_xls.cli import main
from cartera_xls.merging import Copy

from .conftest import HOY, make_workbook

COPY = "cartera (copia en conflicto de Ana 2026-11-21).xlsx"


def _start(folder: Path, clients: list[list[Any]], followups: list[list[Any]]) -> Path:
    """A workbook as the team has it after a refresh: the base the next conflicted copy is merged against."""
    folder.mkdir(parents=True, exist_ok=True)
    path = make_workbook(folder / "cartera.xlsx", {"Clientes": clients, "Seguimiento": followups})
    cartera_xls.refresh(path, hoy=HOY)
    return path


def _edit(path: Path, cells: dict[tuple[str, str], Any], rows: dict[str, list[list[Any]]]) -> None:
    """Edit a workbook as Excel would: cells by (sheet, A1 reference), rows appended."""
    book = openpyxl.load_workbook(path)
    for (sheet, ref), value in cells.items():
        book[sheet][ref] = value
    for sheet, added in rows.items():
        for row in added:
            book[sheet].append(row)
    book.save(path)


def _conflict(path: Path) -> Path:
    copy = path.with_name(COPY)
    shutil.copyfile(path, copy)
    later = time.time() + 5
    os.utime(copy, (later, later))  # saved after the last refresh, as Dropbox keeps it
    return copy


def _table(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path)
    rows = [row[:4] for row in book[sheet].iter_rows(min_row=2, values_only=True) if any(v is not None for v in row[:4])]
    return [tuple(value for value in row) for row in rows]


CLIENTS: list[list[Any]] = [
    ["ID", "Nombre", "Teléfono", "Notas"],
    ["C1", "Ana Pérez", "987654321", None],
    ["C2", "Luis Gómez", "912345678", "paga a 30 días"],
    ["C3", "Rosa Díaz", None, None],
]
FOLLOWUPS: list[list[Any]] = [["Fecha", "Cliente", "Tipo", "Resultado"], [dt.datetime(2026, 10, 1), "C1", "llamada", "interesado"]]


def test_a_conflicted_copy_is_merged_three_way(tmp_path: Path) -> None:
    path = _start(tmp_path, CLIENTS, FOLLOWUPS)
    copy = _conflict(path)
    # Ana, on her machine: a new phone for Luis, a note on Rosa, a call logged, a new client.
    _edit(
        copy,
        {("Clientes", "C3"): "999888777", ("Clientes", "D4"): "llamar por la tarde", ("Clientes", "D3"): "paga a 60 días"},
        {"Seguimiento": [[dt.datetime(2026, 10, 20), "C2", "visita", "pidió precios"]], "Clientes": [["C4", "Bodega Sur", "955111222"]]},
    )
    # Meanwhile in the workbook: another call, Ana's email... and Luis's note changed differently.
    _edit(
        path,
        {("Clientes", "D3"): "paga al contado"},
        {"Seguimiento": [[dt.datetime(2026, 10, 21), "C3", "llamada", "no contesta"]]},
    )
    out = io.StringIO()
    assert main(["refresh", str(path), "--hoy", HOY.isoformat()], out=out, err=io.StringIO()) == 0
    assert "Fusionada la copia en conflicto de Ana (21/11/2026): 2 filas nuevas, 2 celdas cambiadas, 1 en conflicto" in out.getvalue()
    assert _table(path, "Clientes") == [
        ("C1", "Ana Pérez", "987654321", None),
        ("C2", "Luis Gómez", "999888777", "paga al contado"),  # the phone from the copy; the note changed on both sides: ours
        ("C3", "Rosa Díaz", None, "llamar por la tarde"),
        ("C4", "Bodega Sur", "955111222", None),
    ]
    assert Counter(_table(path, "Seguimiento")) == Counter(
        [
            (dt.datetime(2026, 10, 1), "C1", "llamada", "interesado"),
            (dt.datetime(2026, 10, 21), "C3", "llamada", "no contesta"),
            (dt.datetime(2026, 10, 20), "C2", "visita", "pidió precios"),
        ]
    )
    cartera = cartera_xls.load(path, hoy=HOY)
    assert cartera.clientes.set_index("ID").loc["C2", "Último contacto"] == dt.datetime(2026, 10, 20)  # the copy's call counts
    # The conflict was said in the refresh's Revisar, with both values and whose copy; the copy is kept in respaldos/.
    revisar = openpyxl.load_workbook(path)["Revisar"]
    said = [" ".join(str(v) for v in row if v) for row in revisar.iter_rows(values_only=True)]
    assert any("«paga al contado» en el libro y «paga a 60 días» en la copia en conflicto de Ana (21/11/2026)" in line for line in said)
    assert not copy.exists() and (tmp_path / "respaldos" / COPY).exists()
    # The next refresh finds no copy and says nothing more.
    out = io.StringIO()
    assert main(["refresh", str(path), "--hoy", HOY.isoformat()], out=out, err=io.StringIO()) == 0
    assert "Fusionada" not in out.getvalue()


def test_validate_says_what_a_refresh_would_merge_and_writes_nothing(tmp_path: Path) -> None:
    path = _start(tmp_path, CLIENTS, FOLLOWUPS)
    copy = _conflict(path)
    _edit(copy, {}, {"Seguimiento": [[dt.datetime(2026, 10, 20), "C2", "visita", "pidió precios"]]})
    before = path.read_bytes()
    out = io.StringIO()
    main(["validate", str(path), "--hoy", HOY.isoformat()], out=out, err=io.StringIO())
    assert "Hay una copia en conflicto de Ana (21/11/2026); al actualizar se fusionarán: 1 fila nueva, 0 celdas cambiadas" in out.getvalue()
    assert path.read_bytes() == before and copy.exists()


def test_without_the_base_every_difference_is_said(tmp_path: Path) -> None:
    path = _start(tmp_path, CLIENTS, FOLLOWUPS)
    copy = _conflict(path)
    (tmp_path / "respaldos" / "cartera (base para fusionar).xlsx").unlink()  # another version made the workbook
    _edit(copy, {("Clientes", "D2"): "cliente VIP", ("Clientes", "D3"): "paga a 60 días"}, {})
    cartera = cartera_xls.load(path, hoy=HOY)
    filled = [p for p in cartera.problems if p.code == "merge-filled"]
    differs = [p for p in cartera.problems if p.code == "merge-differs"]
    assert [(p.row, p.value) for p in filled] == [(2, "cliente VIP")]  # a blank of ours filled, and said
    assert [(p.row, p.value) for p in differs] == [(3, "paga a 30 días")]  # ours kept, theirs said
    assert cartera.clientes.set_index("ID")["Notas"].to_dict() == {"C1": "cliente VIP", "C2": "paga a 30 días", "C3": None}


@pytest.mark.parametrize(
    ("name", "who", "day"),
    [
        ("cartera (copia en conflicto de Ana 2026-11-21).xlsx", "Ana", dt.date(2026, 11, 21)),
        ("cartera (Ana's conflicted copy 2026-11-21).xlsx", "Ana", dt.date(2026, 11, 21)),
        ("cartera (copia en conflicto de PORTATIL-LUCIA 2026-11-21 (1)).xlsx", "PORTATIL-LUCIA", dt.date(2026, 11, 21)),
        ("cartera (María José’s conflicted copy 2026-01-02).xlsx", "María José", dt.date(2026, 1, 2)),
        ("cartera (conflicted copy 2026-11-20).xlsx", "", dt.date(2026, 11, 20)),
        ("cartera (conflicted copy).xlsx", "", None),
    ],
)
def test_who_and_when_from_dropboxs_names(name: str, who: str, day: dt.date | None) -> None:
    copy = Copy.of(Path(name))
    assert (copy.who, copy.date) == (who, day)


# --- property: random edits on both sides, nothing lost ----------------------------------------------------------

_VALUES = st.sampled_from(["a", "b", "c", "987654321", "nota"])
_EDITS = st.dictionaries(st.tuples(st.integers(2, 4), st.sampled_from("CD")), _VALUES, max_size=4)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ours=_EDITS,
    theirs=_EDITS,
    our_rows=st.integers(0, 2),
    their_rows=st.integers(0, 2),
    our_clients=st.integers(0, 1),
    their_clients=st.integers(0, 1),
)
def test_random_edits_on_both_sides_lose_nothing(
    tmp_path_factory: pytest.TempPathFactory,
    ours: dict[tuple[int, str], str],
    theirs: dict[tuple[int, str], str],
    our_rows: int,
    their_rows: int,
    our_clients: int,
    their_clients: int,
) -> None:
    folder = tmp_path_factory.mktemp("merge")
    path = _start(folder, CLIENTS, FOLLOWUPS)
    base = {(row, col): value for row, line in enumerate(CLIENTS[1:], start=2) for col, value in zip("CD", line[2:], strict=True)}
    copy = _conflict(path)

    def rows(side: str, count: int) -> list[list[Any]]:
        return [[dt.datetime(2026, 10, 10 + n), "C1", "llamada", f"{side} {n}"] for n in range(count)]

    def clients(side: str, count: int) -> list[list[Any]]:
        return [[f"{side}{n}", f"Cliente {side} {n}", None] for n in range(count)]

    _edit(
        copy,
        {("Clientes", f"{col}{row}"): value for (row, col), value in theirs.items()},
        {"Seguimiento": rows("copia", their_rows), "Clientes": clients("A", their_clients)},
    )
    _edit(
        path,
        {("Clientes", f"{col}{row}"): value for (row, col), value in ours.items()},
        {"Seguimiento": rows("libro", our_rows), "Clientes": clients("W", our_clients)},
    )
    cartera_xls.refresh(path, hoy=HOY)
    merged = {line[0]: line for line in _table(path, "Clientes")}
    # Every client of either side is there; every cell edited on one side has that side's value; on both, ours.
    assert set(merged) == {"C1", "C2", "C3", *(f"W{n}" for n in range(our_clients)), *(f"A{n}" for n in range(their_clients))}
    conflicts = 0
    for row, line in enumerate(CLIENTS[1:], start=2):
        for col in "CD":
            was, mine, other = base[(row, col)], ours.get((row, col), base[(row, col)]), theirs.get((row, col), base[(row, col)])
            expected = other if mine == was else mine
            conflicts += mine != was and other != was and mine != other
            assert merged[line[0]]["ABCD".index(col)] == expected, (row, col)
    said = openpyxl.load_workbook(path)["Revisar"]
    lines = [" ".join(str(v) for v in row if v) for row in said.iter_rows(values_only=True)]
    assert sum("Cambiado en los dos lados" in line for line in lines) == conflicts
    # Every call logged on either side is there once.
    logged = Counter(line[3] for line in _table(path, "Seguimiento"))
    assert logged == Counter(["interesado", *(f"libro {n}" for n in range(our_rows)), *(f"copia {n}" for n in range(their_rows))])


def test_a_team_sheet_the_copy_changed_is_taken_or_kept_beside_ours(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "cartera.xlsx",
        {
            "Clientes": CLIENTS,
            "Precios": [["Producto", "Precio"], ["Tornillo", 1.5], ["Tuerca", 0.5]],
            "Notas": [["Reunión del lunes"]],
        },
    )
    book = openpyxl.load_workbook(path)
    book["Precios"]["B1"].font = openpyxl.styles.Font(bold=True)  # the team's formatting, which a taken cell keeps around it
    book.save(path)
    cartera_xls.refresh(path, hoy=HOY)
    copy = _conflict(path)
    book = openpyxl.load_workbook(copy)
    book["Precios"]["B2"] = 1.6  # only the copy changed Precios: taken, cell by cell
    book["Precios"]["A3"] = None
    book["Precios"].append(["Arandela", 0.1])
    book["Notas"]["A1"] = "Reunión del miércoles"  # both changed Notas: ours kept, the copy's beside
    book.create_sheet("Pedidos de Ana").append(["Pedido 1"])
    book.save(copy)
    _edit(path, {("Notas", "A1"): "Reunión del martes"}, {})
    result = cartera_xls.refresh(path, hoy=HOY)
    merged = sorted((p.sheet, p.code) for p in result.cartera.problems if p.code.startswith("merge"))
    assert merged == [("Notas (Ana)", "merge-sheet"), ("Pedidos de Ana", "merge-sheet-added"), ("Precios", "merge-sheet-taken")]
    book = openpyxl.load_workbook(path)
    assert [[c.value for c in row] for row in book["Precios"].iter_rows()] == [
        ["Producto", "Precio"],
        ["Tornillo", 1.6],
        [None, 0.5],
        ["Arandela", 0.1],
    ]
    assert book["Precios"]["B1"].font.bold  # the workbook's sheet, with the copy's values in it
    assert book["Notas"]["A1"].value == "Reunión del martes"
    assert book["Notas (Ana)"]["A1"].value == "Reunión del miércoles"
    assert [[c.value for c in row] for row in book["Pedidos de Ana"].iter_rows()] == [["Pedido 1"]]
    assert not [p for p in cartera_xls.load(path, hoy=HOY).problems if p.code.startswith("merge")]  # said once, when merged


# --- issue 31, point 1: an edited row is one row -----------------------------------------------------------

SALES: list[list[Any]] = [
    ["Fecha", "Cliente", "Producto", "Importe", "Factura"],
    [dt.datetime(2026, 10, 1), "C1", "Maca", 185, "F-10001"],
    [dt.datetime(2026, 10, 2), "C2", "Quinua", 300, "F-10002"],
    [dt.datetime(2026, 10, 3), "C3", "Stevia", 120, "F-10003"],
]


def _with_sales(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = make_workbook(folder / "cartera.xlsx", {"Clientes": CLIENTS, "Ventas": SALES})
    cartera_xls.refresh(path, hoy=HOY)
    return path


def _merge_line(path: Path, cells: dict[tuple[str, str], Any], sales: list[list[Any]]) -> str:
    """The terminal's line for a conflicted copy of ``path`` with these edits, refreshed."""
    copy = _conflict(path)
    _edit(copy, cells, {"Ventas": sales})
    out = io.StringIO()
    assert main(["refresh", str(path), "--hoy", HOY.isoformat()], out=out, err=io.StringIO()) == 0
    line = next(line for line in out.getvalue().splitlines() if line.startswith("Fusionada"))
    assert "1 celda cambiada," in line  # one of each: singular
    return line


def _revenue(path: Path) -> dict[str, float]:
    clientes = cartera_xls.load(path, hoy=HOY).clientes.set_index("ID")
    return {str(key): float(value) for key, value in clientes["Facturación total"].items()}


def test_a_sale_corrected_in_the_copy_is_one_sale(tmp_path: Path) -> None:
    """Ana corrects F-10001 from 185 to 1850 in her copy: one sale of 1850, nothing said of a deletion."""
    path = _with_sales(tmp_path)
    copy = _conflict(path)
    _edit(copy, {("Ventas", "D2"): 1850}, {})
    result = cartera_xls.refresh(path, hoy=HOY)
    assert _table(path, "Ventas") == [(dt.datetime(2026, 10, 1), "C1", "Maca", 1850), *[tuple(row[:4]) for row in SALES[2:]]]
    assert _revenue(path)["C1"] == 1850
    assert not [p for p in result.cartera.problems if p.code.startswith("merge-deleted")]


def test_a_sale_corrected_differently_on_both_sides_is_one_sale_and_a_conflict(tmp_path: Path) -> None:
    """F-10003 (120) corrected to 110 in the workbook, 130 in the copy: one sale, the workbook's value, the conflict said."""
    path = _with_sales(tmp_path)
    copy = _conflict(path)
    _edit(copy, {("Ventas", "D4"): 130}, {})
    _edit(path, {("Ventas", "D4"): 110}, {})
    out = io.StringIO()
    assert main(["refresh", str(path), "--hoy", HOY.isoformat()], out=out, err=io.StringIO()) == 0
    assert "0 filas nuevas, 0 celdas cambiadas, 1 en conflicto" in out.getvalue()
    assert [row[3] for row in _table(path, "Ventas")] == [185, 300, 110]
    said = [" ".join(str(v) for v in row if v) for row in openpyxl.load_workbook(path)["Revisar"].iter_rows(values_only=True)]
    assert any("«110» en el libro y «130» en la copia en conflicto de Ana (21/11/2026)" in line for line in said)
    # the next copy, with one sale and one correction: said in the singular
    assert "1 fila nueva" in _merge_line(path, {("Ventas", "D3"): 301}, [[dt.datetime(2026, 10, 9), "C1", "Maca", 9, "F-10009"]])


def test_without_a_base_a_corrected_sale_is_one_sale_with_the_difference_said(tmp_path: Path) -> None:
    """No base (a copy older than the last refresh): the copy's corrected sale is the workbook's row, the difference said."""
    path = _with_sales(tmp_path)
    copy = _conflict(path)
    (tmp_path / "respaldos" / "cartera (base para fusionar).xlsx").unlink()
    _edit(copy, {("Ventas", "D2"): 1850}, {"Ventas": [[dt.datetime(2026, 10, 5), "C2", "Maca", 50, "F-10004"]]})
    cartera = cartera_xls.load(path, hoy=HOY)
    assert sorted(cartera.ventas["Importe"].tolist()) == [50, 120, 185, 300]  # the new sale added, the corrected one not twice
    assert [(p.row, p.value) for p in cartera.problems if p.code == "merge-differs"] == [(2, "185")]


def test_a_call_logged_on_each_side_and_an_edited_one_are_merged(tmp_path: Path) -> None:
    """Seguimiento: the copy edits a result and logs a call, the workbook logs another: three rows and the edit, no duplicate."""
    path = _start(tmp_path, CLIENTS, FOLLOWUPS)
    copy = _conflict(path)
    _edit(copy, {("Seguimiento", "D2"): "muy interesado"}, {"Seguimiento": [[dt.datetime(2026, 10, 20), "C2", "visita", "pidió precios"]]})
    _edit(path, {}, {"Seguimiento": [[dt.datetime(2026, 10, 21), "C3", "llamada", "no contesta"]]})
    cartera_xls.refresh(path, hoy=HOY)
    assert Counter(_table(path, "Seguimiento")) == Counter(
        [
            (dt.datetime(2026, 10, 1), "C1", "llamada", "muy interesado"),
            (dt.datetime(2026, 10, 21), "C3", "llamada", "no contesta"),
            (dt.datetime(2026, 10, 20), "C2", "visita", "pidió precios"),
        ]
    )


def test_a_team_sheets_formulas_are_compared_by_their_text_not_their_cached_values(tmp_path: Path) -> None:
    """Issue 31, point 4: the workbook was saved in Excel (its formulas now have values), only Ana changed «Metas»: taken."""
    import re
    import zipfile

    from cartera_xls import ooxml

    from .conftest import Formula

    path = make_workbook(
        tmp_path / "cartera.xlsx",
        {"Clientes": CLIENTS, "Metas": [["Mes", "Meta", "Hecho", "Avance"], ["nov", 100, 65, Formula("=C2/B2")]]},
    )
    cartera_xls.refresh(path, hoy=HOY)
    copy = _conflict(path)
    _edit(copy, {("Metas", "C2"): 70}, {})
    with zipfile.ZipFile(path) as archive:  # Excel's save on our side: the formula's cached value filled in
        member = dict(ooxml.sheet_members(archive))["Metas"]
        parts = {item.filename: archive.read(item.filename) for item in archive.infolist()}
    parts[member] = re.sub(rb"(<f>C2/B2</f>)(?:<v>[^<]*</v>|<v */>)?", rb"\g<1><v>0.65</v>", parts[member])
    assert b"<v>0.65</v>" in parts[member]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as saved:
        for name, data in parts.items():
            saved.writestr(name, data)
    result = cartera_xls.refresh(path, hoy=HOY)
    merged = sorted((p.sheet, p.code) for p in result.cartera.problems if p.code.startswith("merge"))
    assert merged == [("Metas", "merge-sheet-taken")]
    book = openpyxl.load_workbook(path)
    assert "Metas (Ana)" not in book.sheetnames
    assert [c.value for c in book["Metas"][2]] == ["nov", 100, 70, "=C2/B2"]


def test_a_row_deleted_in_the_copy_and_left_alone_here_is_deleted_and_its_values_said(tmp_path: Path) -> None:
    """Issue 31, point 1: Ana deletes F-10002 and the client C3; nobody touched them here: both go, their values in Revisar."""
    path = _with_sales(tmp_path)
    copy = _conflict(path)
    book = openpyxl.load_workbook(copy)
    book["Ventas"].delete_rows(3)
    book["Clientes"].delete_rows(4)
    book.save(copy)
    _edit(path, {("Ventas", "D2"): 190}, {})  # the workbook changes another sale meanwhile
    out = io.StringIO()
    assert main(["refresh", str(path), "--hoy", HOY.isoformat()], out=out, err=io.StringIO()) == 0
    assert "0 filas nuevas, 2 filas borradas, 0 celdas cambiadas, 0 en conflicto" in out.getvalue()
    assert _table(path, "Ventas") == [(dt.datetime(2026, 10, 1), "C1", "Maca", 190), (dt.datetime(2026, 10, 3), "C3", "Stevia", 120)]
    assert [row[:2] for row in _table(path, "Clientes")] == [("C1", "Ana Pérez"), ("C2", "Luis Gómez")]
    cartera = cartera_xls.load(path, hoy=HOY)
    assert _revenue(path) == {"C1": 190, "C2": 0}
    deleted = [p for p in cartera.problems if p.code == "merge-deleted"]
    assert deleted == []  # said once, in the refresh that merged; the next reading has nothing to merge
    said = [" ".join(str(v) for v in row if v) for row in openpyxl.load_workbook(path)["Revisar"].iter_rows(values_only=True)]
    assert any("Decía: 02/10/2026 · C2 · Quinua · 300 · F-10002." in line for line in said), said
    assert any("Decía: C3 · Rosa Díaz." in line for line in said), said
    # nothing of the emptied rows is left in the tool's columns either
    clientes = openpyxl.load_workbook(path)["Clientes"]
    assert all(value is None for value in next(clientes.iter_rows(min_row=4, max_row=4, values_only=True)))


def test_a_row_deleted_in_the_copy_but_changed_here_is_kept_and_said(tmp_path: Path) -> None:
    path = _with_sales(tmp_path)
    copy = _conflict(path)
    book = openpyxl.load_workbook(copy)
    book["Ventas"].delete_rows(3)
    book.save(copy)
    _edit(path, {("Ventas", "D3"): 310}, {})
    result = cartera_xls.refresh(path, hoy=HOY)
    assert [row[3] for row in _table(path, "Ventas")] == [185, 310, 120]
    assert [(p.sheet, p.row) for p in result.cartera.problems if p.code == "merge-deleted-there"] == [("Ventas", 3)]


def test_a_sale_line_repeated_exactly_is_said_whatever_made_it(tmp_path: Path) -> None:
    """Issue 31, point 1: the same line twice (a paste, or the same sale typed on both sides without a base) counts twice: said."""
    path = make_workbook(tmp_path / "cartera.xlsx", {"Clientes": CLIENTS, "Ventas": [*SALES, SALES[2], [*SALES[2][:3], 301, SALES[2][4]]]})
    cartera = cartera_xls.load(path, hoy=HOY)
    repeated = [p for p in cartera.problems if p.code == "repeated-sale"]
    assert [(p.sheet, p.row) for p in repeated] == [("Ventas", 5)]  # row 6 differs in its amount: not a repetition
    assert "repite exactamente la de la fila 3" in repeated[0].message


def _insert_columns(book: openpyxl.Workbook, name: str, at: int, count: int) -> None:
    """Insert columns as Excel does: the workbook names over the columns from ``at`` on move with them (openpyxl's alone do not)."""
    book[name].insert_cols(at, count)
    for defined in book.defined_names.values():
        sheet, _, span = defined.attr_text.partition("!")
        if sheet.strip("'") != name or ":" not in span:
            continue
        first, last = (openpyxl.utils.column_index_from_string(part.strip("$")) for part in span.split(":"))
        if first >= at:
            moved = [openpyxl.utils.get_column_letter(col + count) for col in (first, last)]
            defined.attr_text = f"{sheet}!${moved[0]}:${moved[1]}"


def test_columns_the_copy_inserted_come_with_their_values_and_a_synonym_never_stands_for_an_exact_header(tmp_path: Path) -> None:
    """Issue 31, point 2: Ana inserts «Cumpleaños» after Nombre and «WhatsApp» before Teléfono (a synonym of it)."""
    path = _start(tmp_path, CLIENTS, FOLLOWUPS)
    copy = _conflict(path)
    book = openpyxl.load_workbook(copy)
    sheet = book["Clientes"]
    _insert_columns(book, "Clientes", 3, 2)  # C, D: before Teléfono, after Nombre
    typed = [("Cumpleaños", "WhatsApp"), (dt.datetime(1980, 5, 4), "+51 900 000 001"), (None, None), ("12/3", None)]
    for row, values in enumerate(typed, 1):
        sheet.cell(row, 3, values[0])
        sheet.cell(row, 4, values[1])
    book.save(copy)
    out = io.StringIO()
    assert main(["refresh", str(path), "--hoy", HOY.isoformat()], out=out, err=io.StringIO()) == 0
    assert "0 filas nuevas, 0 celdas cambiadas, 0 en conflicto" in out.getvalue()  # Teléfono is Teléfono in both
    clientes = openpyxl.load_workbook(path)["Clientes"]
    header = [cell.value for cell in clientes[1]]
    assert header[:4] == ["ID", "Nombre", "Teléfono", "Notas"]  # the workbook's columns stay where they were
    at, whatsapp = header.index("Cumpleaños") + 1, header.index("WhatsApp") + 1
    assert whatsapp == at + 1 > 4
    assert [clientes.cell(row, at).value for row in range(2, 5)] == [dt.datetime(1980, 5, 4), None, "12/3"]
    assert [clientes.cell(row, whatsapp).value for row in range(2, 5)] == ["+51 900 000 001", None, None]
    assert [clientes.cell(row, 3).value for row in range(2, 5)] == ["987654321", "912345678", None]  # ours, untouched
    said = [" ".join(str(v) for v in row if v) for row in openpyxl.load_workbook(path)["Revisar"].iter_rows(values_only=True)]
    assert any("añadió la columna «Cumpleaños» tras «Nombre»: se añadió con sus valores (2)" in line for line in said), said
    # the next refresh reads them as the team's own columns, nothing more merged or said
    cartera = cartera_xls.load(path, hoy=HOY)
    assert cartera.clientes.set_index("ID").loc["C1", "WhatsApp"] == "+51 900 000 001"
    assert not [p for p in cartera.problems if p.code.startswith("merge")]


def test_a_note_the_copy_added_is_said_with_its_text(tmp_path: Path) -> None:
    """Issue 31, point 3: notes are not carried from the copy; each one it added is said in Revisar with its text."""
    path = _start(tmp_path, CLIENTS, FOLLOWUPS)
    book = openpyxl.load_workbook(path)
    book["Clientes"]["B2"].comment = Comment("cliente desde 2019", "Luis")  # the team's, in both
    book.save(path)
    cartera_xls.refresh(path, hoy=HOY)
    copy = _conflict(path)
    book = openpyxl.load_workbook(copy)
    book["Clientes"]["B3"].comment = Comment("prefiere WhatsApp", "Ana")
    book.save(copy)
    result = cartera_xls.refresh(path, hoy=HOY)
    said = [(p.sheet, p.row, p.column, p.value) for p in result.cartera.problems if p.code == "merge-note-not-taken"]
    assert said == [("Clientes", 3, "B", "prefiere WhatsApp")]
    assert openpyxl.load_workbook(path)["Clientes"]["B2"].comment.text.startswith("cliente desde 2019")


# --- property: sales edited, deleted and added on both sides ------------------------------------------------------

_INVOICES = [f"F-2000{n}" for n in range(1, 7)]
_SIDE = st.fixed_dictionaries(
    {
        "amounts": st.dictionaries(st.sampled_from(_INVOICES), st.sampled_from([11, 22, 33]), max_size=3),
        "deleted": st.sets(st.sampled_from(_INVOICES), max_size=2),
        "added": st.integers(0, 2),
    }
)


def _sales_side(path: Path, side: dict[str, Any], name: str) -> None:
    """One side's work on Ventas: amounts corrected, rows deleted (as Excel deletes them), sales added."""
    book = openpyxl.load_workbook(path)
    sheet = book["Ventas"]
    rows = {sheet.cell(row, 5).value: row for row in range(2, sheet.max_row + 1)}
    for invoice, amount in side["amounts"].items():
        sheet.cell(rows[invoice], 4, amount)
    for invoice in sorted(side["deleted"], key=rows.__getitem__, reverse=True):
        sheet.delete_rows(rows[invoice])
    for n in range(side["added"]):
        sheet.append([dt.datetime(2026, 10, 20 + n), "C2", "Quinua", 40 + n, f"{name}-{n}"])
    book.save(path)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ours=_SIDE, theirs=_SIDE, with_base=st.booleans())
def test_random_sales_edits_deletions_and_additions_on_both_sides(
    tmp_path_factory: pytest.TempPathFactory, ours: dict[str, Any], theirs: dict[str, Any], with_base: bool
) -> None:
    """Issue 31, proof: no sale counted twice, every value typed on either side in the result or named in Revisar,
    and with a base exactly diff3's answer: deleted where one side deleted and the other left alone, conflicts counted."""
    folder = tmp_path_factory.mktemp("sales")
    sales = [SALES[0], *([dt.datetime(2026, 10, n), f"C{1 + n % 3}", "Maca", 100 * n, invoice] for n, invoice in enumerate(_INVOICES, 1))]
    path = make_workbook(folder / "cartera.xlsx", {"Clientes": CLIENTS, "Ventas": sales})
    cartera_xls.refresh(path, hoy=HOY)
    copy = _conflict(path)
    if not with_base:
        (folder / "respaldos" / "cartera (base para fusionar).xlsx").unlink()
    _sales_side(copy, theirs, "copia")
    _sales_side(path, ours, "libro")
    result = cartera_xls.refresh(path, hoy=HOY)
    got = Counter((row[4], row[3]) for row in openpyxl.load_workbook(path)["Ventas"].iter_rows(min_row=2, values_only=True) if row[4])
    assert all(count == 1 for count in Counter(invoice for invoice, _ in got.elements()).values()), got  # no sale twice
    amounts = dict(got.keys())  # invoice → amount (each invoice once, as just asserted)
    said = " ".join(p.message for p in result.cartera.problems if p.code.startswith("merge"))
    for side, name in ((ours, "libro"), (theirs, "copia")):
        for invoice, amount in side["amounts"].items():
            if invoice in side["deleted"]:
                continue  # corrected, then deleted on that side: its value is not typed anywhere any more
            assert amounts.get(invoice) == amount or f"«{amount}»" in said or str(amount) in said, (invoice, amount)
        assert all(amounts.get(f"{name}-{n}") == 40 + n for n in range(side["added"]))
    if not with_base:
        return
    conflicts = 0
    for n, invoice in enumerate(_INVOICES, 1):
        mine, other = ours["amounts"].get(invoice), theirs["amounts"].get(invoice)
        if invoice in ours["deleted"] and invoice in theirs["deleted"]:
            expected = None
        elif invoice in ours["deleted"]:
            expected = other  # deleted here: back only when the copy changed it
        elif invoice in theirs["deleted"]:
            expected = mine  # deleted there: kept only when the workbook changed it
        else:
            expected = mine if mine is not None else other if other is not None else 100 * n
            conflicts += mine is not None and other is not None and mine != other
        assert amounts.get(invoice) == expected, (invoice, amounts)
        if invoice in theirs["deleted"] and mine is None and invoice not in ours["deleted"]:
            assert f"Decía: {dt.date(2026, 10, n):%d/%m/%Y}" in said and invoice in said  # its values said, to type it back
    assert [m.conflicts for m in result.cartera.refreshed.portfolio.merged] == [conflicts]
