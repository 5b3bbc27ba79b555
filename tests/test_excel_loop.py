"""Excel in the loop: what other producers and Excel itself write, and what a team puts around the tool's cells."""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import cartera_xls
from cartera_xls import ooxml
from cartera_xls.errors import WriteFailed
from cartera_xls.raw import column_index

from .conftest import HOY, basic_portfolio, cells, make_workbook


def rewrite_sheet(path: Path, sheet: str, change: Callable[[str], str]) -> Path:
    """The workbook with one sheet's XML rewritten by ``change``, every other part as it was."""
    with zipfile.ZipFile(path) as original:
        member = dict(ooxml.sheet_members(original))[sheet]
        parts = {item.filename: original.read(item.filename) for item in original.infolist()}
    parts[member] = change(parts[member].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)
    return path


def without_references(xml: str) -> str:
    """Rows and cells without ``r=`` where it is optional (each follows the one before).

    As generators built on Microsoft's SDK write them.
    """
    previous = {"row": 0, "col": -1}

    def cell(match: re.Match[str]) -> str:
        col = column_index(match.group(2))
        follows, previous["col"] = col == previous["col"] + 1, col
        return match.group(1) if follows else match.group(0)

    def row(match: re.Match[str]) -> str:
        number = int(match.group(2))
        follows, previous["row"], previous["col"] = number == previous["row"] + 1, number, -1
        opening = "<row" if follows else f'<row r="{number}"'
        return opening + re.sub(r'(<c\b)\sr="([A-Z]+)\d+"', cell, match.group(3))

    return re.sub(r'(<row)\sr="(\d+)"(.*?</row>)', row, xml, flags=re.S)


def single_quoted(xml: str) -> str:
    return re.sub(r'(\s[\w:]+)="([^"]*)"', r"\1='\2'", xml)


def spaced_end_tags(xml: str) -> str:
    return xml.replace("</row>", "</row >").replace("</c>", "</c\n>").replace("</sheetData>", "</sheetData >")


def commented(xml: str) -> str:
    """A comment between rows that mentions a row and a cell, and one inside a row."""
    xml = xml.replace("<sheetData>", '<sheetData><!-- <row r="2"><c r="A2"><v>9</v></c></row> -->', 1)
    return re.sub(r'(<row r="3"[^>]*>)', r'\1<!-- </row> <c r="Z3"/> -->', xml, count=1)


def with_cdata(xml: str) -> str:
    """Row 2's name as an inline string in a CDATA section holding markup-like text."""
    return re.sub(
        r'<c r="B2"[^>]*?(?:/>|>.*?</c>)',
        '<c r="B2" t="inlineStr"><is><t><![CDATA[Ana <Quispe> & </c></row>]]></t></is></c>',
        xml,
        count=1,
        flags=re.S,
    )


VARIANTS = {
    "sin r=": without_references,
    "comillas simples": single_quoted,
    "</row >": spaced_end_tags,
    "comentarios": commented,
    "CDATA": with_cdata,
    "todo junto": lambda xml: spaced_end_tags(single_quoted(commented(without_references(xml)))),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("chunk", [None, 41])
def test_valid_xml_excel_never_writes_keeps_every_cell(variant: str, chunk: int | None, tmp_path: Path, monkeypatch: Any) -> None:
    """Clientes and Ventas written as other producers write them: every cell of the team's comes back, the tool's go in."""
    from cartera_xls import patching

    if chunk is not None:
        monkeypatch.setattr(patching, "CHUNK", chunk)  # pieces that cut rows everywhere
    source = make_workbook(tmp_path / "cartera.xlsx", basic_portfolio())
    cartera_xls.refresh(source, hoy=HOY)  # the tool's columns, marks and lists are in: the next refresh patches them
    expected = {sheet: cells(source, sheet) for sheet in ("Clientes", "Ventas")}
    if variant == "CDATA":
        expected["Clientes"][1][1] = "Ana <Quispe> & </c></row>"
    for sheet in ("Clientes",) if variant == "CDATA" else ("Clientes", "Ventas"):
        rewrite_sheet(source, sheet, VARIANTS[variant])
    result = cartera_xls.refresh(source, hoy=HOY)
    for sheet in ("Clientes", "Ventas"):
        assert cells(result.written, sheet) == expected[sheet], sheet
    again = cartera_xls.refresh(source, hoy=HOY)
    assert cells(again.written, "Clientes") == expected["Clientes"]


@pytest.mark.damaged
def test_xml_that_cannot_be_tokenised_exactly_is_refused_with_the_original_untouched(tmp_path: Path) -> None:
    """An element name the tokenizer does not know in Clientes' rows: refused, said in Spanish with the sheet, nothing written."""
    source = make_workbook(tmp_path / "cartera.xlsx", basic_portfolio())
    cartera_xls.refresh(source, hoy=HOY)
    rewrite_sheet(source, "Clientes", lambda xml: xml.replace("</row>", "<ñ:x xmlns:ñ='urn:x'/></row>", 1))
    before = source.read_bytes()
    with pytest.raises(WriteFailed) as refused:
        cartera_xls.refresh(source, hoy=HOY)
    assert "«Clientes»" in str(refused.value) and "no se ha modificado" in str(refused.value)
    assert source.read_bytes() == before


# --- Excel's own save between refreshes ---------------------------------------------------------------


X14_DATA = Path(__file__).resolve().parent / "data" / "excel-x14"


def _sheet_xml(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(dict(ooxml.sheet_members(archive))[sheet]).decode("utf-8")


def _skeleton(xml: str) -> list[str]:
    """An extension's shape: its element names and the names of their attributes, in order (values and text aside)."""
    return [
        tag.group(1) + "".join(sorted(" " + name for name in re.findall(r"\s([\w:]+)=", tag.group(2))))
        for tag in re.finditer(r"<(/?[\w:]+)([^>]*)>", xml)
    ]


def _extension(xml: str, uri: str) -> str:
    found = re.search(rf'<ext\b[^>]*uri="{re.escape(uri)}".*?</ext>', xml, re.S | re.I)
    assert found is not None, uri
    return found.group(0)


def test_the_excel_save_transform_writes_what_excel_writes() -> None:
    """The stand-in for Excel's Save moves a cross-sheet list and an expression rule in the shape of real Excel-saved files."""
    from .excel_save import X14_FORMATS, X14_VALIDATIONS, names_another_sheet

    assert names_another_sheet("Listas!$A$2:$A$5") and names_another_sheet("'Mi hoja'!A1") and names_another_sheet("A1<>bottom!A1")
    assert not names_another_sheet("cartera_lista_origen") and not names_another_sheet('"hola!"') and not names_another_sheet("ISREF(x)")
    real_validation = _extension(_sheet_xml(X14_DATA / "dataValidation2Test.xlsx", "Feuil1"), X14_VALIDATIONS)
    real_rule = _extension(_sheet_xml(X14_DATA / "issue.4629.xlsx", "top"), X14_FORMATS)
    ours = _excel_saved_sample()
    made_validation = _extension(ours, X14_VALIDATIONS)
    made_rule = _extension(ours, X14_FORMATS)
    # one validation of the real file's two, one rule; attribute sets as Excel writes them
    real_one = re.sub(r"(<x14:dataValidation\b.*?</x14:dataValidation>).*(</x14:dataValidations>)", r"\1\2", real_validation, flags=re.S)
    assert _skeleton(made_validation) == _skeleton(real_one)
    assert _skeleton(made_rule) == _skeleton(real_rule)


def _excel_saved_sample() -> str:
    """A sheet with a cross-sheet list and a cross-sheet expression rule, passed through the Excel-save transform."""
    import tempfile

    import xlsxwriter

    from .excel_save import excel_save

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "muestra.xlsx"
        book = xlsxwriter.Workbook(str(path))
        top, bottom = book.add_worksheet("top"), book.add_worksheet("Feuil2")
        bottom.write_column(0, 0, ["a", "b"])
        top.data_validation("B14", {"validate": "list", "source": "=Feuil2!$A$1:$A$2"})
        fill = book.add_format({"font_color": "#9C5700", "bg_color": "#FFEB9C"})
        top.conditional_format("A1:A20", {"type": "formula", "criteria": "=A1<>Feuil2!A1", "format": fill, "stop_if_true": True})
        book.close()
        excel_save(path)
        return _sheet_xml(path, "top")


def _tool_rules(xml: str) -> dict[str, int]:
    """How many of the tool's dropdowns and marks a sheet holds, in the main block and in x14 together."""
    from cartera_xls.styles import is_our_list, is_our_rule

    formulas = [
        html.unescape(formula)
        for formula in re.findall(
            r"<(?:formula1|xm:f)>([^<]*)</(?:formula1|xm:f)>", re.sub(r"<x14:cfRule\b.*?</x14:cfRule>", "", xml, flags=re.S)
        )
    ]
    rules = [html.unescape(f) for f in re.findall(r"<cfRule\b.*?<formula>([^<]*)</formula>", xml, re.S)]
    rules += [html.unescape(f) for f in re.findall(r"<x14:cfRule\b.*?<xm:f>([^<]*)</xm:f>", xml, re.S)]
    return {
        "desplegables": sum(1 for formula in formulas if is_our_list(formula)),
        "marcas": sum(1 for formula in rules if is_our_rule(formula) and "ISREF" in formula),
        "colores": sum(1 for formula in rules if is_our_rule(formula) and "ISREF" not in formula),
    }


def test_refresh_excel_save_refresh_is_stable(tmp_path: Path) -> None:
    """Four days of refresh, Save in Excel, refresh: the tool's dropdowns and marks are counted once, never piled up."""
    from cartera_xls.demo import write_demo

    from .excel_save import excel_save

    path = write_demo(tmp_path / "cartera.xlsx", HOY)
    first = {sheet: _tool_rules(_sheet_xml(path, sheet)) for sheet in ("Clientes", "Ventas", "Seguimiento")}
    assert first["Clientes"]["desplegables"] > 0 and first["Clientes"]["colores"] > 0
    for _ in range(4):
        excel_save(path)
        cartera_xls.refresh(path, hoy=HOY)
        assert {sheet: _tool_rules(_sheet_xml(path, sheet)) for sheet in first} == first
        saved_by_excel = _sheet_xml(path, "Clientes")
        assert "x14:dataValidation" not in saved_by_excel or "cartera_lista" not in _extension(
            saved_by_excel, "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
        )


def test_a_workbook_of_an_earlier_version_saved_by_excel_loses_its_moved_rules_once(tmp_path: Path) -> None:
    """Lists and marks an earlier version wrote on Listas and Revisar directly, moved to x14 by Excel: replaced, not kept beside."""
    from .excel_save import X14_VALIDATIONS, excel_save

    source = make_workbook(
        tmp_path / "cartera.xlsx", basic_portfolio() | {"Seguimiento": [["Fecha", "Cliente", "Tipo"], ["x", "C0009", "Visita"]]}
    )
    cartera_xls.refresh(source, hoy=HOY)
    expected = _tool_rules(_sheet_xml(source, "Clientes"))
    assert expected["marcas"] == 0 and _tool_rules(_sheet_xml(source, "Seguimiento"))["marcas"] == 1
    # as an earlier version wrote them: the lists and the mark name the sheets themselves
    for sheet in ("Clientes", "Seguimiento"):
        rewrite_sheet(
            source,
            sheet,
            lambda xml: re.sub(r"cartera_lista_\w+", "'Listas'!$A$2:$A$3", xml).replace("ISREF(cartera_revisar)", "ISREF(Revisar!$A$1)"),
        )
    excel_save(source)
    moved = _sheet_xml(source, "Seguimiento")
    assert "ISREF(Revisar!$A$1)" in moved and "Listas!$A$2:$A$3" in _extension(moved, X14_VALIDATIONS)
    cartera_xls.refresh(source, hoy=HOY)
    after = _sheet_xml(source, "Seguimiento")
    assert "Revisar!$A$1" not in after and "Listas!" not in after
    assert _tool_rules(after)["marcas"] == 1
    assert _tool_rules(_sheet_xml(source, "Clientes")) == expected
    # the team fixes the date and the unknown client and saves in Excel: the next refresh leaves no mark
    book = openpyxl.load_workbook(source)
    book["Seguimiento"]["A2"], book["Seguimiento"]["B2"] = dt.datetime(2026, 10, 5), "C0001"
    book.save(source)
    excel_save(source)
    cartera_xls.refresh(source, hoy=HOY)
    assert _tool_rules(_sheet_xml(source, "Seguimiento"))["marcas"] == 0


def test_the_teams_own_rules_excel_moved_to_x14_are_kept(tmp_path: Path) -> None:
    """A team list on its own sheet and a team colour naming another sheet, both in x14: kept as they were, and no second dropdown."""
    from .excel_save import X14_FORMATS, X14_VALIDATIONS, excel_save

    portfolio = basic_portfolio()
    portfolio["Clientes"][0].append("Zona")
    portfolio["Zonas"] = [["Zona"], ["Norte"], ["Sur"]]
    source = make_workbook(tmp_path / "cartera.xlsx", portfolio)
    book = openpyxl.load_workbook(source)
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    check = DataValidation(type="list", formula1="Zonas!$A$2:$A$3")
    check.add("G2:G50")
    book["Clientes"].add_data_validation(check)
    book["Clientes"].conditional_formatting.add(
        "B2:B50", FormulaRule(formula=["B2=Zonas!$A$2"], fill=PatternFill("solid", bgColor="FFFF00"))
    )
    book.save(source)
    excel_save(source)
    team = _sheet_xml(source, "Clientes")
    team_validation, team_rule = _extension(team, X14_VALIDATIONS), _extension(team, X14_FORMATS)
    for _ in range(2):
        cartera_xls.refresh(source, hoy=HOY)
        after = _sheet_xml(source, "Clientes")
        assert re.sub(r'\s(?:count|priority)="\d+"', "", _extension(after, X14_VALIDATIONS)) == re.sub(
            r'\s(?:count|priority)="\d+"', "", team_validation
        )
        assert _extension(after, X14_FORMATS) == team_rule
        excel_save(source)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_second_refresh_the_same_day_after_excels_save_gives_the_same_bytes(tmp_path: Path) -> None:
    """Refresh, Save in Excel, refresh twice: the two refreshes write the same parts, byte for byte."""
    from cartera_xls.demo import write_demo

    from .excel_save import excel_save

    path = write_demo(tmp_path / "cartera.xlsx", HOY)
    excel_save(path)
    cartera_xls.refresh(path, hoy=HOY)
    first = _parts(path)
    cartera_xls.refresh(path, hoy=HOY)
    second = _parts(path)
    assert list(first) == list(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_styles_do_not_grow_with_who_refreshes(tmp_path: Path, monkeypatch: Any) -> None:
    """Five teammates refresh in turn: one stamp format in styles.xml, the last one's name in it; the part keeps its size."""
    from cartera_xls.demo import write_demo
    from cartera_xls.writing import USER_VARIABLE

    path = write_demo(tmp_path / "cartera.xlsx", HOY)
    sizes = []
    for who in ("ana", "luis", "rosa", "carla", "ana"):
        monkeypatch.setenv(USER_VARIABLE, who)
        cartera_xls.refresh(path)  # as of today: the stamp says the time and who
        styles = _parts(path)["xl/styles.xml"].decode("utf-8")
        names = re.findall(r"por ([a-z]+)&quot;", styles)
        assert set(names) == {who}, names
        sizes.append(len(styles) - len(who) * len(names))
    assert len(set(sizes)) == 1, sizes


# --- what the team puts under the clients ---------------------------------------------------------------


def _clients_as_a_table(tmp_path: Path) -> Path:
    """The basic portfolio with Clientes as an Excel table, refreshed once: the computed columns are in it."""
    from openpyxl.worksheet.table import Table

    source = make_workbook(tmp_path / "cartera.xlsx", basic_portfolio())
    book = openpyxl.load_workbook(source)
    book["Clientes"].add_table(Table(displayName="TablaClientes", ref="A1:F4"))
    book.save(source)
    cartera_xls.refresh(source, hoy=HOY)
    return source


def _letter(path: Path, label: str) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(cells(path, "Clientes")[0].index(label) + 1))


def test_a_totals_row_on_clientes_is_the_teams_in_every_column(tmp_path: Path) -> None:
    """Table › Total Row on Clientes: its SUBTOTALs under the computed columns come back, and it is no client."""
    source = _clients_as_a_table(tmp_path)
    estado, compras = _letter(source, "Estado"), _letter(source, "Compras")
    book = openpyxl.load_workbook(source)
    sheet = book["Clientes"]
    table = sheet.tables["TablaClientes"]
    table.ref = re.sub(r"\d+$", "5", table.ref)
    table.totalsRowCount = 1
    sheet["B5"] = "Total"
    sheet[f"{estado}5"] = "=SUBTOTAL(103,TablaClientes[Estado])"
    sheet[f"{compras}5"] = "=SUBTOTAL(109,TablaClientes[Compras])"
    book.save(source)
    for _ in range(2):
        cartera_xls.refresh(source, hoy=HOY)
        rows = openpyxl.load_workbook(source)["Clientes"]
        assert (rows["B5"].value, rows[f"{estado}5"].value, rows[f"{compras}5"].value) == (
            "Total",
            "=SUBTOTAL(103,TablaClientes[Estado])",
            "=SUBTOTAL(109,TablaClientes[Compras])",
        )
        assert rows["A5"].value is None  # no ID given to it
        assert len(cartera_xls.load(source, hoy=HOY).clientes) == 3


@pytest.mark.parametrize("where", ["Nombre", "ID"])
def test_a_total_line_typed_under_the_clients_is_not_a_client(where: str, tmp_path: Path) -> None:
    """«Total clientes» two rows under the last client, with COUNTA and SUBTOTAL under the columns: kept, never a client."""
    source = _clients_as_a_table(tmp_path)
    label, facturacion = _letter(source, where), _letter(source, "Facturación total")
    before = len(cartera_xls.load(source, hoy=HOY).clientes)
    book = openpyxl.load_workbook(source)
    sheet = book["Clientes"]
    sheet[f"{label}6"] = "Total clientes"
    sheet["C6"] = '=COUNTA(B2:B4)&" clientes"'
    sheet[f"{facturacion}6"] = f"=SUBTOTAL(109,{facturacion}2:{facturacion}4)"
    book.save(source)
    for _ in range(2):
        cartera_xls.refresh(source, hoy=HOY)
        rows = openpyxl.load_workbook(source)["Clientes"]
        assert rows[f"{label}6"].value == "Total clientes"
        assert rows["C6"].value == '=COUNTA(B2:B4)&" clientes"'
        assert rows[f"{facturacion}6"].value == f"=SUBTOTAL(109,{facturacion}2:{facturacion}4)"
        if where != "ID":
            assert rows["A6"].value is None
        cartera = cartera_xls.load(source, hoy=HOY)
        assert len(cartera.clientes) == before
        assert not [p for p in cartera.problems if p.sheet == "Clientes" and p.row == 6]


def test_plain_values_typed_right_under_the_teams_table_are_a_client_and_the_table_grows(tmp_path: Path) -> None:
    """LibreOffice does not extend a table when one types under it: the row is a client, the table is grown over it, said once."""
    source = _clients_as_a_table(tmp_path)
    book = openpyxl.load_workbook(source)
    sheet = book["Clientes"]
    sheet["B5"], sheet["C5"], sheet["F5"] = "Nuevo Cliente", "Bodega Nueva", "Carla"
    book.save(source)
    first = cartera_xls.refresh(source, hoy=HOY).cartera
    assert len([p for p in first.problems if "TablaClientes" in p.message and p.sheet == "Clientes" and p.row == 5]) == 1
    cartera = cartera_xls.load(source, hoy=HOY)
    assert "Nuevo Cliente" in cartera.clientes["Nombre"].tolist()
    table = openpyxl.load_workbook(source)["Clientes"].tables["TablaClientes"]
    assert table.ref.endswith("5")
    said = [p for p in cartera_xls.refresh(source, hoy=HOY).cartera.problems if "TablaClientes" in p.message]
    assert said == []  # said the refresh it grew, not again


# --- renamed sheets and columns, the team's order -------------------------------------------------------


def test_a_renamed_parameters_sheet_is_read_by_its_content(tmp_path: Path) -> None:
    """«Reglas del equipo» holds Parámetro/Valor and known keys: its values apply, no default «Reglas» is added."""
    source = make_workbook(tmp_path / "cartera.xlsx", basic_portfolio())
    cartera_xls.refresh(source, hoy=HOY)
    book = openpyxl.load_workbook(source)
    sheet = book["Reglas"]
    sheet.title = "Reglas del equipo"
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "dias_aviso":
            row[1].value = 9
    book.save(source)
    result = cartera_xls.refresh(source, hoy=HOY)
    names = openpyxl.load_workbook(source).sheetnames
    assert "Reglas del equipo" in names and "Reglas" not in names
    assert result.cartera.refreshed.parameters.dias_aviso == 9
    assert [p for p in result.cartera.problems if p.sheet == "Reglas del equipo" and p.code == "read-by-content"]


def test_a_renamed_computed_column_is_said_until_it_is_named_back(tmp_path: Path) -> None:
    """«Estado» renamed «Estado cliente»: kept as the team's, said in Revisar on every refresh, and the live one written again."""
    source = make_workbook(tmp_path / "cartera.xlsx", basic_portfolio())
    cartera_xls.refresh(source, hoy=HOY)
    estado = _letter(source, "Estado")
    book = openpyxl.load_workbook(source)
    book["Clientes"][f"{estado}1"] = "Estado cliente"
    book.save(source)
    for _ in range(2):
        result = cartera_xls.refresh(source, hoy=HOY)
        said = [p for p in result.cartera.problems if p.code == "computed-renamed"]
        assert len(said) == 1 and said[0].column == "Estado cliente" and "Estado" in said[0].hint
        titles = cells(source, "Clientes")[0]
        assert "Estado cliente" in titles and "Estado" in titles
    book = openpyxl.load_workbook(source)
    book["Clientes"][f"{estado}1"] = "Estado"
    book.save(source)
    result = cartera_xls.refresh(source, hoy=HOY)
    assert not [p for p in result.cartera.problems if p.code == "computed-renamed"]


def test_the_teams_sheet_order_is_kept(tmp_path: Path) -> None:
    """Ventas moved to the end and a team sheet after Listas: the order comes back as the team left it."""
    source = make_workbook(tmp_path / "cartera.xlsx", basic_portfolio() | {"Metas": [["Mes", "Meta"], ["nov", 100]]})
    cartera_xls.refresh(source, hoy=HOY)
    book = openpyxl.load_workbook(source)
    order = book.sheetnames
    book.move_sheet("Ventas", offset=len(order) - 1 - order.index("Ventas"))
    order = book.sheetnames
    book.move_sheet("Metas", offset=len(order) - 1 - order.index("Metas"))
    book.save(source)
    expected = openpyxl.load_workbook(source).sheetnames
    assert expected[-2:] == ["Ventas", "Metas"]
    for _ in range(2):
        cartera_xls.refresh(source, hoy=HOY)
        assert openpyxl.load_workbook(source).sheetnames == expected


def test_the_resumen_tables_keep_their_place_and_names_when_notes_come_and_go(tmp_path: Path) -> None:
    """A sale naming an unknown client adds a warning: the 12-month table stays on its row, and Resumen_12meses says where."""
    from cartera_xls.schema.summary import RESUMEN_NAMES, TREND

    portfolio = basic_portfolio()
    portfolio["Ventas"].append([dt.datetime(2026, 10, 20), "C0099", "Maca", 50])
    source = make_workbook(tmp_path / "cartera.xlsx", portfolio)

    def places() -> tuple[int, dict[str, str]]:
        book = openpyxl.load_workbook(source)
        rows = [row[0] for row in book["Resumen"].iter_rows(values_only=True)]
        trend = next(row for row, value in enumerate(rows) if isinstance(value, str) and value.startswith(TREND.label))
        return trend, {key: book.defined_names[name].attr_text for key, name in RESUMEN_NAMES.items()}

    result = cartera_xls.refresh(source, hoy=HOY)
    assert any(p.code == "unknown-client" for p in result.cartera.problems)
    with_note = places()
    book = openpyxl.load_workbook(source)
    for row in book["Ventas"].iter_rows(min_row=2):
        if row[1].value == "C0099":
            row[1].value = "C0001"
    book.save(source)
    cartera_xls.refresh(source, hoy=HOY)
    assert places() == with_note
    title_row, names = with_note
    assert names["trend"].startswith(f"'Resumen'!$A${title_row + 2}:")  # the table's header, under its title
