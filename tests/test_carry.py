"""The team's own content comes back intact: their sheets part by part, and what they added to the data sheets."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import warnings
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

import cartera_xls
from cartera_xls import ooxml
from cartera_xls.schema.sheets import DATA_SHEETS
from cartera_xls.xml_parts import transitional

from .conftest import CORPUS, HOY, make_workbook, with_clientes
from .package_compare import Package, canonical_sheet
from .test_cli import run
from .test_ownership import outside_owned

DATA_SHEET_NAMES = {sheet.label for sheet in DATA_SHEETS}

DATA = Path(__file__).parent / "data"
# One Excel-saved file per kind of feature of the corpus (charts, images, comments, tables, sparklines, validation,
# conditional formats, rich strings, links, names, print setup, buttons, array formulas, macros…); the rest in the slow test.
SAMPLE = sorted({re.sub(r"\d+$", "", path.stem): path for path in sorted(CORPUS.glob("*.xls*"))}.values())


def png() -> bytes:
    """A 2×2 red PNG, to insert as an image."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def load(path: Path) -> openpyxl.Workbook:
    """``path`` read by openpyxl, which warns that it cannot read sparklines (compared part by part instead)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Sparkline Group extension is not supported", UserWarning)
        return openpyxl.load_workbook(path)


def refreshed_in_place(source: Path, folder: Path) -> Path:
    """``source`` with a minimal Clientes sheet added, refreshed in place (no --forzar): the refreshed file."""
    path = with_clientes(source, folder / source.name)
    code, _, err = run("refresh", str(path), "--hoy", HOY.isoformat())
    assert (code, err) == (0, ""), err
    return path


def assert_sheets_come_back(source: Path, refreshed: Path, data_sheets: tuple[str, ...] = ("Clientes",)) -> None:
    """Every sheet of the team in ``source`` is in ``refreshed``, equal part by part once remapped indices are resolved.

    ``data_sheets`` are the sheets the tool reads and writes again (compared cell by cell elsewhere).
    """
    before, after = Package(source), Package(refreshed)
    for name in before.sheets:
        if name in data_sheets:
            continue
        assert name in after.sheets, f"{source.name}: sheet {name} missing"
        assert canonical_sheet(after, name) == canonical_sheet(before, name), f"{source.name}: sheet {name} differs"


def assert_team_sheets_identical(source: Path, refreshed: Path) -> None:
    """Each of the team's sheets in ``refreshed`` is its part in ``source`` byte for byte (only no longer the selected tab).

    The package's styles and shared strings are the team's (the tool's appended), so nothing of theirs is renumbered.
    """
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(refreshed) as after:
        old, new = dict(ooxml.sheet_members(before)), dict(ooxml.sheet_members(after))
        for name, member in old.items():
            if name in DATA_SHEET_NAMES or name not in new:
                continue
            expected = re.sub(rb' tabSelected="(?:1|true)"', b"", transitional(before.read(member)))
            assert after.read(new[name]) == expected, f"{source.name}: sheet {name} is not byte for byte the team's"


@pytest.mark.parametrize("source", SAMPLE, ids=lambda path: path.name)
def test_excel_saved_workbooks_come_back_part_by_part(source: Path, tmp_path: Path) -> None:
    original = tmp_path / "original" / source.name
    original.parent.mkdir()
    with_clientes(source, original)
    refreshed = refreshed_in_place(source, tmp_path)
    assert_sheets_come_back(original, refreshed)
    load(refreshed)  # a strict reader opens it
    code, _, err = run("refresh", str(refreshed), "--hoy", HOY.isoformat())  # and the next refresh changes nothing of theirs
    assert (code, err) == (0, "")
    assert_sheets_come_back(original, refreshed)


# The rest of the corpus, in parts the test workers share: a fixed half of what SAMPLE leaves (every other file in
# name order, so each feature's variants are split between the halves), or all of it with CARTERA_XLS_CORPUS=1.
# Each refreshed workbook is also validated with Microsoft's validator after its part (conftest).
CORPUS_FILES = sorted(CORPUS.glob("*.xls*"))
REST = [path for path in CORPUS_FILES if path not in SAMPLE]
CORPUS_PROOF = REST if os.environ.get("CARTERA_XLS_CORPUS") else REST[::2]
CORPUS_CHUNKS = 8


@pytest.mark.parametrize("chunk", range(CORPUS_CHUNKS))
def test_the_corpus_comes_back(tmp_path: Path, chunk: int) -> None:
    sources = CORPUS_PROOF[chunk::CORPUS_CHUNKS]
    assert len(CORPUS_FILES) == 993 and sources
    failures = []
    for source in sources:
        folder = tmp_path / source.stem
        folder.mkdir()
        original = with_clientes(source, folder / ("original" + source.suffix))
        try:
            refreshed = refreshed_in_place(source, folder)
            assert_sheets_come_back(original, refreshed)
            assert_team_sheets_identical(original, refreshed)
            assert outside_owned(refreshed, "Clientes", original) == outside_owned(original, "Clientes", original)
        except AssertionError as failure:
            failures.append(f"{source.name}: {failure}")
    assert failures == [], f"{len(failures)} of the corpus differ"


def team_workbook(path: Path) -> Path:
    """A portfolio whose team sheet has everything a team adds: formats, merges, a name, a table, validation, colours,
    a link, a comment, an image, a chart, sparklines, frozen panes, a filter, protection; and a hidden sheet."""
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1})
    percent = book.add_format({"num_format": "0%"})
    clientes = book.add_worksheet("Clientes")
    clientes.write_row(0, 0, ["Nombre", "Zona"])
    clientes.write_row(1, 0, ["Ana Quispe", "Norte"])
    metas = book.add_worksheet("Metas")
    metas.merge_range("A1:D1", "Metas del año", bold)
    metas.write_string(1, 0, "Meta")
    metas.write_number(1, 1, 1000)
    book.define_name("Meta", "=Metas!$B$2")
    metas.write_formula(2, 1, "=Meta*2", None, 999)  # a stale cached value: LibreOffice must compute 2000
    metas.add_table("A5:C8", {"name": "Objetivos", "columns": [{"header": "Zona"}, {"header": "Objetivo"}, {"header": "Logro"}]})
    for row, (zona, objetivo, logro) in enumerate((("Norte", 10, 0.5), ("Sur", 20, 0.8), ("Este", 30, 1.1)), start=5):
        metas.write_string(row, 0, zona)
        metas.write_number(row, 1, objetivo)
        metas.write_number(row, 2, logro, percent)
    metas.write_formula(9, 1, "=SUM(Objetivos[Objetivo])", None, 0)  # LibreOffice must compute 60
    metas.data_validation("E6:E8", {"validate": "list", "source": ["sí", "no"]})
    metas.conditional_format("C6:C8", {"type": "cell", "criteria": ">", "value": 1, "format": bold})
    metas.write_url("A12", "https://ejemplo.pe/metas", string="Metas en la web")
    metas.write_comment("B2", "Meta acordada con gerencia", {"author": "Carla"})
    metas.insert_image("G2", "logo.png", {"image_data": io.BytesIO(png())})
    chart = book.add_chart({"type": "column"})
    chart.add_series({"categories": "=Metas!$A$6:$A$8", "values": "=Metas!$B$6:$B$8"})
    metas.insert_chart("G8", chart)
    metas.write_row("E10", [1, 2, 3, 4])
    metas.add_sparkline("I10", {"range": "Metas!E10:H10"})
    metas.freeze_panes(1, 0)
    metas.autofilter("E5:E8")
    metas.protect()
    hidden = book.add_worksheet("Notas ocultas")
    hidden.write_string(0, 0, "solo para gerencia")
    hidden.hide()
    book.close()
    return path


def test_a_team_sheet_with_everything_comes_back_in_place(tmp_path: Path) -> None:
    path = team_workbook(tmp_path / "cartera.xlsx")
    original = tmp_path / "original.xlsx"
    shutil.copy(path, original)
    for _ in range(2):  # in place, without --forzar, twice
        code, _, err = run("refresh", str(path), "--hoy", HOY.isoformat())
        assert (code, err) == (0, "")
    assert_sheets_come_back(original, path)
    book = load(path)
    metas = book["Metas"]
    assert "Meta" in book.defined_names and "Objetivos" in metas.tables
    assert {str(merged) for merged in metas.merged_cells.ranges} == {"A1:D1"}
    assert metas["B2"].comment is not None and metas["A12"].hyperlink.target == "https://ejemplo.pe/metas"
    assert len(metas._charts) == 1 and len(metas._images) == 1
    assert metas.freeze_panes == "A2" and metas.protection.sheet
    assert book["Notas ocultas"].sheet_state == "hidden"
    assert book.sheetnames.index("Metas") < book.sheetnames.index("Notas ocultas")


@pytest.mark.libreoffice
def test_libreoffice_computes_the_teams_names_and_tables(soffice: str, tmp_path: Path) -> None:
    from .test_libreoffice import recalculated

    path = team_workbook(tmp_path / "cartera.xlsx")
    assert run("refresh", str(path), "--hoy", HOY.isoformat())[0] == 0
    values = recalculated(soffice, path, tmp_path / "calc")["Metas"]
    assert values["B3"].value == 2000  # =Meta*2, through the carried defined name
    assert values["B10"].value == 60  # =SUM(Objetivos[Objetivo]), through the carried table


def _pivot_workbook_with_ventas(path: Path) -> Path:
    """The Excel-saved pivot workbook with its pivot source sheet made the team's Ventas sheet (headers as a team types them)."""
    with zipfile.ZipFile(DATA / "ExcelPivotTableSample.xlsx") as original:
        parts = {item.filename: original.read(item.filename) for item in original.infolist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'<sheet name="Tabelle1"', b'<sheet name="Ventas"')
    for name in ("xl/pivotCache/pivotCacheDefinition1.xml", "xl/pivotCache/pivotCacheDefinition2.xml"):
        parts[name] = parts[name].replace(b'sheet="Tabelle1"', b'sheet="Ventas"')
    strings = parts["xl/sharedStrings.xml"]
    parts["xl/sharedStrings.xml"] = strings.replace(b"<t>Field1</t>", b"<t>Cliente</t>").replace(b"<t>Field2</t>", b"<t>Importe</t>")
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(b"<t>Field3</t>", b"<t>Fecha</t>")
    sheet = parts["xl/worksheets/sheet1.xml"]  # the team's other table beside the sales: headers of its own
    for column, (index, title) in zip("EFG", ((0, "Zona"), (1, "Meta"), (2, "Día")), strict=True):
        old = f'<c r="{column}1" t="s"><v>{index}</v></c>'.encode()
        assert old in sheet
        sheet = sheet.replace(old, f'<c r="{column}1" t="inlineStr"><is><t>{title}</t></is></c>'.encode())
    parts["xl/worksheets/sheet1.xml"] = sheet
    for number, title in ((1, "Zona"), (2, "Meta"), (3, "Día")):
        parts["xl/tables/table1.xml"] = parts["xl/tables/table1.xml"].replace(f'name="Field{number}"'.encode(), f'name="{title}"'.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
    return with_clientes(path, path.with_name("con_clientes.xlsx"))


def test_an_excel_saved_workbook_with_pivot_tables_refreshes_in_place(tmp_path: Path) -> None:
    source = _pivot_workbook_with_ventas(tmp_path / "pivots.xlsx")
    path = tmp_path / "cartera.xlsx"
    shutil.copy(source, path)
    for _ in range(2):
        code, _, err = run("refresh", str(path), "--hoy", HOY.isoformat())
        assert (code, err) == (0, "")
    for sheet in ("Tabelle2", "Tabelle3"):  # the sheets holding the pivot tables, with their caches and connection
        assert canonical_sheet(Package(path), sheet) == canonical_sheet(Package(source), sheet), sheet
    with zipfile.ZipFile(path) as refreshed:
        workbook = refreshed.read("xl/workbook.xml")
        assert re.findall(rb'<pivotCache cacheId="(\d+)"', workbook) == [b"0", b"2"]
        assert "xl/connections.xml" in refreshed.namelist()
    book = openpyxl.load_workbook(path)
    assert len(book["Tabelle2"]._pivots) == 1 and len(book["Tabelle3"]._pivots) == 1
    assert "Tabelle1" in book["Ventas"].tables  # the team's own table on the sales sheet, kept
    cartera = cartera_xls.load(path, hoy=HOY)
    assert cartera.ventas["Importe"].tolist() == [1.0, 2.0, 3.0]  # and the sales read as sales


def test_an_excel_saved_chart_on_a_data_sheet_comes_back(tmp_path: Path) -> None:
    """chart_bar01: Excel's chart over a sheet's data; the sheet made the team's Clientes sheet (its first cell a header)."""
    with zipfile.ZipFile(CORPUS / "chart_bar01.xlsx") as original:
        parts = {item.filename: original.read(item.filename) for item in original.infolist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'<sheet name="Sheet1"', b'<sheet name="Clientes"')
    for name in list(parts):
        if name.startswith("xl/charts/"):
            parts[name] = parts[name].replace(b"Sheet1!", b"Clientes!")
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        rb'<c r="A1"[^>]*>.*?</c>', b'<c r="A1" t="inlineStr"><is><t>Nombre</t></is></c>', sheet, count=1
    )
    path = tmp_path / "cartera.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
    chart_before = Package(path).read("xl/charts/chart1.xml")
    assert run("refresh", str(path), "--hoy", HOY.isoformat())[0] == 0
    book = openpyxl.load_workbook(path)
    assert len(book["Clientes"]._charts) == 1
    after = Package(path)
    drawing = next(target for _, kind, target, _ in ooxml_rels(after, after.sheets["Clientes"]) if kind.endswith("/drawing"))
    chart = next(target for _, kind, target, _ in ooxml_rels(after, drawing) if kind.endswith("/chart"))
    assert after.read(chart) == chart_before  # the chart itself, byte for byte


def ooxml_rels(package: Package, part: str) -> list[tuple[str, str, str, str]]:
    from cartera_xls import ooxml

    return ooxml.relationships(package.archive, part)


def test_formulas_without_values_and_errors_on_a_team_sheet_survive_two_refreshes(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "cartera.xlsx",
        {"Clientes": [["Nombre"], ["Ana"]], "Cálculos": [["=1/0", "=A1+1"], ["=NA()", '="total: "&B1']]},
    )
    book = openpyxl.load_workbook(path)
    for row in book["Cálculos"].iter_rows():
        for cell in row:
            cell.value = str(cell.value)  # formulas, saved without cached values (as scripts do)
    book.save(path)
    original = tmp_path / "original.xlsx"
    shutil.copy(path, original)
    for _ in range(2):
        assert run("refresh", str(path), "--hoy", HOY.isoformat())[0] == 0
    assert_sheets_come_back(original, path)
    assert openpyxl.load_workbook(path)["Cálculos"]["A1"].value == "=1/0"


@pytest.mark.libreoffice
def test_libreoffice_and_openpyxl_saved_team_sheets_come_back(soffice: str, tmp_path: Path) -> None:
    from .test_libreoffice import convert

    source = team_workbook(tmp_path / "xlsxwriter.xlsx")
    saved_by_libreoffice = convert(soffice, source, "xlsx", tmp_path / "libreoffice")
    saved_by_openpyxl = tmp_path / "openpyxl.xlsx"
    load(source).save(saved_by_openpyxl)
    for saved in (saved_by_libreoffice, saved_by_openpyxl):
        path = tmp_path / f"refrescado_{saved.parent.name}_{saved.name}"
        shutil.copy(saved, path)
        code, _, err = run("refresh", str(path), "--hoy", HOY.isoformat())
        assert (code, err) == (0, ""), saved
        assert_sheets_come_back(saved, path)
