"""What is the tool's and what is the team's: marked computed columns, sheets named like generated ones, names as XML."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.packaging.custom import StringProperty
from openpyxl.workbook.defined_name import DefinedName

import cartera_xls
from cartera_xls import ooxml
from cartera_xls.schema import messages
from cartera_xls.schema.sheets import CALCULATED_SUFFIX, CLIENTES, COMPUTED_MARK, MARKER_PROPERTY
from cartera_xls.styles import is_follow_up_rule, is_our_list, is_our_rule

from .conftest import HOY, Formula, basic_portfolio, cells, make_workbook, sheet_names
from .test_cli import run


def refresh(path: Path) -> None:
    code, _, err = run("refresh", str(path), "--hoy", HOY.isoformat())
    assert (code, err) == (0, ""), err


def header(path: Path, sheet: str = "Clientes") -> list[Any]:
    return cells(path, sheet)[0]


def column(path: Path, label: str, sheet: str = "Clientes") -> list[Any]:
    rows = cells(path, sheet)
    index = rows[0].index(label)
    return [row[index] for row in rows[1:]]


def marks(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    found = re.findall(r'<definedName name="' + COMPUTED_MARK + r'(\w+)" hidden="1">([^<]*)</definedName>', workbook)
    return dict(found)


def edited_in_excel(path: Path, edit: Any) -> None:
    """Open the workbook the tool wrote, change it as the team would, save it (openpyxl keeps names and properties)."""
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)


def test_each_computed_column_is_marked_by_a_hidden_name_over_it(basic_file: Path) -> None:
    refresh(basic_file)
    found = marks(basic_file)
    titles = header(basic_file)
    assert {"estado", "semaforo", "proximo_contacto"} <= set(found)
    for key, reference in found.items():
        letters = re.fullmatch(r"'Clientes'!\$([A-Z]+):\$\1", reference)
        assert letters is not None, reference
        index = openpyxl.utils.column_index_from_string(letters.group(1)) - 1
        assert titles[index] == CLIENTES.column(key).label


def test_a_team_column_named_like_a_computed_one_is_kept_with_its_values(basic_file: Path) -> None:
    """The team adds «Estado» (VIP, moroso) beside the table of a refreshed workbook: theirs, never overwritten."""
    refresh(basic_file)
    width = len(header(basic_file))

    def add_their_estado(book: openpyxl.Workbook) -> None:
        sheet = book["Clientes"]
        for row, value in enumerate(["Estado", "VIP", "moroso", "VIP"], start=1):
            sheet.cell(row, width + 1, value)

    edited_in_excel(basic_file, add_their_estado)
    for _ in range(2):  # and the next refresh changes nothing of theirs
        refresh(basic_file)
        assert column(basic_file, "Estado") == ["VIP", "moroso", "VIP"]
        assert set(column(basic_file, "Estado" + CALCULATED_SUFFIX)) <= {"activo", "nuevo", "pasivo", "inactivo", "potencial", "perdido"}
        assert header(basic_file).count("Estado") == 1
    said = cartera_xls.load(basic_file, hoy=HOY).problems
    assert any(problem.code == "reserved-column" and problem.value == "Estado" for problem in said)


def _ours(path: Path, columns: list[str], rows: list[list[Any]], marked: dict[str, str]) -> Path:
    """A workbook the tool wrote (its property) and the team then edited in Excel: these Clientes columns, these marks."""
    make_workbook(path, {"Clientes": [columns, *rows]})
    book = openpyxl.load_workbook(path)
    book.custom_doc_props.append(StringProperty(name=MARKER_PROPERTY, value="0.1.0"))
    for key, letters in marked.items():
        book.defined_names[COMPUTED_MARK + key] = DefinedName(COMPUTED_MARK + key, attr_text=f"Clientes!${letters}:${letters}", hidden=True)
    book.save(path)
    return path


def test_a_marked_column_moved_by_the_team_is_still_ours(tmp_path: Path) -> None:
    """The team inserted «Zona» before the computed columns: Excel moved the marks with them (D, E)."""
    path = _ours(
        tmp_path / "cartera.xlsx",
        ["ID", "Nombre", "Zona", "Estado", "Semáforo"],
        [["C1", "Ana", "Norte", "lo que había", "rojo"], ["C2", "Luis", "Sur", "lo que había", "rojo"]],
        {"estado": "D", "semaforo": "E"},
    )
    refresh(path)
    assert column(path, "Zona") == ["Norte", "Sur"]
    assert column(path, "Estado") == ["potencial", "potencial"]  # recomputed where the mark is
    assert header(path).count("Estado") == 1 and not any(str(title).endswith(CALCULATED_SUFFIX) for title in header(path))


def test_a_computed_label_where_no_mark_is_belongs_to_the_team(tmp_path: Path) -> None:
    """Their «Estado» in D (typed after ours moved to F): D keeps their values, ours is recomputed in F."""
    path = _ours(
        tmp_path / "cartera.xlsx",
        ["ID", "Nombre", "Notas", "Estado", "Semáforo", "Estado"],
        [["C1", "Ana", "", "VIP", "rojo", "viejo"], ["C2", "Luis", "", "moroso", "rojo", "viejo"]],
        {"estado": "F", "semaforo": "E"},
    )
    refresh(path)
    assert column(path, "Estado") == ["VIP", "moroso"]
    assert column(path, "Estado" + CALCULATED_SUFFIX) == ["potencial", "potencial"]


def test_a_workbook_written_before_the_marks_keeps_its_computed_columns_once(tmp_path: Path) -> None:
    """Without marks, a column named like a computed one that holds only what the tool writes there is the tool's."""
    rows: list[list[Any]] = [
        ["C1", "Ana", "activo", "Nada pendiente.", 3],
        ["C2", "Luis", None, "Vencido desde el 02/11/2026: sin contacto desde el 01/10/2026.", 0],
    ]
    path = _ours(tmp_path / "cartera.xlsx", ["ID", "Nombre", "Estado", "Motivo", "Compras"], rows, {})
    refresh(path)
    titles = header(path)
    assert [titles.count(label) for label in ("Estado", "Motivo", "Compras")] == [1, 1, 1]
    assert not [title for title in titles if str(title).endswith(CALCULATED_SUFFIX)]  # none went beside as the team's
    assert column(path, "Estado") == ["potencial", "potencial"]
    assert column(path, "Compras") == [0, 0]  # recomputed: neither bought
    assert {"estado", "motivo", "compras"} <= set(marks(path))  # marked from now on


def test_without_marks_a_column_with_values_the_tool_never_writes_is_the_teams(tmp_path: Path) -> None:
    """«Estado» with VIP and moroso, «Volumen» in kilos, the team's «Motivo»: kept as typed, the computed ones beside, said."""
    rows = [["C1", "Ana", "VIP", "211 kg", "Pidió descuento"], ["C2", "Luis", "moroso", "80 kg", "Nada pendiente."]]
    path = _ours(tmp_path / "cartera.xlsx", ["ID", "Nombre", "Estado", "Volumen", "Motivo"], rows, {})
    for _ in range(2):
        result = cartera_xls.refresh(path, hoy=HOY)
        assert column(path, "Estado") == ["VIP", "moroso"]
        assert column(path, "Volumen") == ["211 kg", "80 kg"]
        assert column(path, "Motivo") == ["Pidió descuento", "Nada pendiente."]
        assert column(path, "Estado" + CALCULATED_SUFFIX) == ["potencial", "potencial"]
        assert "Volumen" + CALCULATED_SUFFIX in header(path) and "Motivo" + CALCULATED_SUFFIX in header(path)
    said = {p.column for p in result.cartera.problems if p.code == "reserved-column"}
    assert {"Estado", "Volumen", "Motivo"} <= said


def test_a_team_sheet_named_like_a_generated_one_without_its_accent_is_kept(basic_file: Path) -> None:
    """«Analisis» and «Geografia» beside the generated «Análisis» and «Geografía»: the team's, never deleted."""
    refresh(basic_file)

    def add_their_sheets(book: openpyxl.Workbook) -> None:
        book.create_sheet("Analisis").append(["nuestro análisis", 42])
        book.create_sheet("GEOGRAFIA").append(["zonas", "Norte"])

    edited_in_excel(basic_file, add_their_sheets)
    for _ in range(2):
        refresh(basic_file)
        names = sheet_names(basic_file)
        assert {"Analisis", "GEOGRAFIA", "Análisis", "Geografía"} <= set(names)
        assert cells(basic_file, "Analisis") == [["nuestro análisis", 42]]
        assert cells(basic_file, "GEOGRAFIA") == [["zonas", "Norte"]]
    said = [(p.sheet, p.message) for p in cartera_xls.load(basic_file, hoy=HOY).problems]
    assert ("Analisis", messages.SHEET_LIKE_GENERATED[0].format(value="Analisis", generated="Análisis")) in said


def test_sheet_scoped_names_survive_whatever_the_attribute_order(tmp_path: Path) -> None:
    """Google Sheets writes ``<sheet state="visible" name=…>``: the names scoped to the team's sheets are kept."""
    path = make_workbook(tmp_path / "cartera.xlsx", {**basic_portfolio(), "Metas": [["Meta", 100]]})
    book = openpyxl.load_workbook(path)
    book["Metas"].defined_names["MetaLocal"] = DefinedName("MetaLocal", attr_text="Metas!$B$1")
    book.save(path)
    with zipfile.ZipFile(path) as original:
        parts = {item.filename: original.read(item.filename) for item in original.infolist()}
    parts["xl/workbook.xml"] = re.sub(rb'<sheet name="([^"]*)" ([^>]*?)(/?)>', rb'<sheet \2 name="\1"\3>', parts["xl/workbook.xml"])
    assert b"<sheet name=" not in parts["xl/workbook.xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
    refresh(path)
    again = openpyxl.load_workbook(path)
    assert "MetaLocal" in again["Metas"].defined_names
    assert again["Metas"].defined_names["MetaLocal"].attr_text == "Metas!$B$1"


def test_formula_text_comes_back_as_stored(tmp_path: Path) -> None:
    """XlsxWriter's formula writer edits text: the team's formulas must come back exactly as their file stores them."""
    sheets = basic_portfolio()
    sheets["Clientes"][0] = [*sheets["Clientes"][0], "Más uno", "Etiqueta", "Suma"]
    typed = [Formula("=F2+{1}"), Formula('="FILTER("&A2&")"'), Formula('=SUM(F2:F3)&" UNIQUE(x)"')]
    sheets["Clientes"][1] = [*sheets["Clientes"][1], *typed]
    path = make_workbook(tmp_path / "cartera.xlsx", sheets)
    for _ in range(2):
        refresh(path)
        assert [column(path, label)[0] for label in ("Más uno", "Etiqueta", "Suma")] == [str(formula) for formula in typed]
        with zipfile.ZipFile(path) as archive:
            assert b'cm="1"' not in archive.read("xl/worksheets/sheet3.xml")  # no dynamic array where there was none


def test_the_teams_validations_and_colours_on_clientes_are_kept(basic_file: Path) -> None:
    """A prompt-only validation (Excel's «any value»), a list on their «Listas de precios», a whole-row colour rule."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    refresh(basic_file)

    def add_theirs(book: openpyxl.Workbook) -> None:
        prices = book.create_sheet("Listas de precios")
        for value in ("Mayorista", "Minorista"):
            prices.append([value])
        sheet = book["Clientes"]
        prompt = DataValidation(showInputMessage=True, promptTitle="Ojo", prompt="Escriba el nombre completo", sqref="B2:B4")
        prices_list = DataValidation(type="list", formula1="'Listas de precios'!$A$1:$A$2", sqref="C2:C4")
        sheet.data_validations.append(prompt)
        sheet.data_validations.append(prices_list)
        whole_row = FormulaRule(formula=['$E2="ana@ejemplo.pe"'], fill=PatternFill("solid", start_color="FFFF00", end_color="FFFF00"))
        sheet.conditional_formatting.add(f"A2:{openpyxl.utils.get_column_letter(sheet.max_column)}4", whole_row)

    edited_in_excel(basic_file, add_theirs)
    for _ in range(2):
        refresh(basic_file)
        sheet = openpyxl.load_workbook(basic_file)["Clientes"]
        validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
        assert validations["B2:B4"].prompt == "Escriba el nombre completo"
        assert validations["C2:C4"].formula1 == "'Listas de precios'!$A$1:$A$2"
        rules = [rule.formula for area in sheet.conditional_formatting for rule in area.rules]
        assert ['$E2="ana@ejemplo.pe"'] in rules


def test_what_the_team_set_for_the_whole_workbook_is_kept(basic_file: Path) -> None:
    """Hidden and very hidden data sheets, document properties, manual and iterative calculation, structure protection."""
    from openpyxl.workbook.protection import WorkbookProtection

    refresh(basic_file)

    def set_theirs(book: openpyxl.Workbook) -> None:
        book["Ventas"].sheet_state = "hidden"
        book.properties.creator, book.properties.title, book.properties.keywords = "Ana Quispe", "Cartera Norte", "clientes, norte"
        book.calculation.calcMode, book.calculation.iterate = "manual", True
        book.security = WorkbookProtection(lockStructure=True)

    edited_in_excel(basic_file, set_theirs)
    for _ in range(2):
        refresh(basic_file)
        book = openpyxl.load_workbook(basic_file)
        assert book["Ventas"].sheet_state == "hidden"
        assert (book.properties.creator, book.properties.title, book.properties.keywords) == (
            "Ana Quispe",
            "Cartera Norte",
            "clientes, norte",
        )
        assert book.properties.lastModifiedBy == "cartera_xls" and book.properties.modified.year >= 2026
        assert (book.calculation.calcMode, book.calculation.iterate, book.calculation.fullCalcOnLoad) == ("manual", True, True)
        assert book.security is not None and book.security.lockStructure

    edited_in_excel(basic_file, lambda book: setattr(book["Ventas"], "sheet_state", "veryHidden"))
    refresh(basic_file)
    assert openpyxl.load_workbook(basic_file)["Ventas"].sheet_state == "veryHidden"


def test_a_note_beside_the_teams_table_leaves_their_table_alone(tmp_path: Path) -> None:
    """A note typed in the cell right of TablaVentas: the table keeps its columns, and =SUM(TablaVentas[Importe]) its table."""
    from openpyxl.worksheet.table import Table

    sheets = basic_portfolio()
    sheets["Resumen del equipo"] = [["Total", Formula("=SUM(TablaVentas[Importe])")]]
    path = make_workbook(tmp_path / "cartera.xlsx", sheets)
    book = openpyxl.load_workbook(path)
    book["Ventas"].add_table(Table(displayName="TablaVentas", ref="A1:D4"))
    book["Ventas"]["F2"] = "ojo: revisar el precio"
    book.save(path)
    for _ in range(2):
        refresh(path)
        again = openpyxl.load_workbook(path)
        assert dict(again["Ventas"].tables.items()) == {"TablaVentas": "A1:D4"}
        assert again["Ventas"]["F2"].value == "ojo: revisar el precio"
        assert again["Resumen del equipo"]["B1"].value == "=SUM(TablaVentas[Importe])"
        assert not [p for p in cartera_xls.load(path, hoy=HOY).problems if p.code == "untitled-column"]


def test_the_look_the_team_gave_a_data_sheet_comes_back(basic_file: Path) -> None:
    """A column widened to 60, a row made taller, a red tab, right-to-left: as they were, refresh after refresh."""
    refresh(basic_file)

    def set_theirs(book: openpyxl.Workbook) -> None:
        sheet = book["Ventas"]
        sheet.column_dimensions["C"].width = 60
        sheet.row_dimensions[3].height = 42
        sheet.sheet_properties.tabColor = "FFC00000"
        sheet.sheet_view.rightToLeft = True

    edited_in_excel(basic_file, set_theirs)
    for _ in range(2):
        refresh(basic_file)
        sheet = openpyxl.load_workbook(basic_file)["Ventas"]
        assert sheet.column_dimensions["C"].width == 60
        assert sheet.row_dimensions[3].height == 42
        assert sheet.sheet_properties.tabColor is not None and sheet.sheet_properties.tabColor.rgb == "FFC00000"
        assert sheet.sheet_view.rightToLeft


def test_the_print_area_the_team_set_on_a_data_sheet_is_kept(basic_file: Path) -> None:
    refresh(basic_file)
    edited_in_excel(basic_file, lambda book: setattr(book["Ventas"], "print_area", "A1:C4"))
    for _ in range(2):
        refresh(basic_file)
        assert openpyxl.load_workbook(basic_file)["Ventas"].print_area == "'Ventas'!$A$1:$C$4"


def test_a_clientes_sheet_with_headers_and_no_rows_yet_refreshes(tmp_path: Path) -> None:
    """The very start of a workbook: «Nombre | Email | Teléfono», no ID column, nobody yet."""
    path = make_workbook(tmp_path / "cartera.xlsx", {"Clientes": [["Nombre", "Email", "Teléfono"]]})
    code, out, err = run("refresh", str(path), "--hoy", HOY.isoformat())
    assert (code, err) == (0, "") and "Clientes: 0" in out
    assert header(path)[:3] == ["Nombre", "Email", "Teléfono"] and "ID" in header(path)


def test_an_untitled_column_is_named_by_its_letter(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "cartera.xlsx", {"Clientes": [["Nombre", "Email"], ["Ana", "a@b.pe", "nota"]]})
    said = [p.message for p in cartera_xls.load(path, hoy=HOY).problems if p.code == "untitled-column"]
    assert said == [messages.UNTITLED_COLUMN[0].format(column="C")] == ["La columna C tiene datos pero no tiene título."]


def test_rows_and_columns_the_team_grouped_stay_grouped(basic_file: Path) -> None:
    refresh(basic_file)

    def group(book: openpyxl.Workbook) -> None:
        sheet = book["Ventas"]
        sheet.row_dimensions.group(3, 4, outline_level=1, hidden=True)
        sheet.column_dimensions.group("C", "D", outline_level=1)

    edited_in_excel(basic_file, group)
    for _ in range(2):
        refresh(basic_file)
        sheet = openpyxl.load_workbook(basic_file)["Ventas"]
        assert [(sheet.row_dimensions[row].outlineLevel, sheet.row_dimensions[row].hidden) for row in (2, 3, 4)] == [
            (0, False),
            (1, True),
            (1, True),
        ]
        levels = {col: dim.outlineLevel for dim in sheet.column_dimensions.values() for col in range(dim.min, dim.max + 1)}
        assert [levels.get(col, 0) for col in (2, 3, 4)] == [0, 1, 1]  # B, C, D


# --- the team's sheet, as it was, outside what the tool owns ----------------------------------------


def outside_owned(path: Path, sheet: str, before: Path | None = None) -> Any:
    """A data sheet and what it points to, as the team sees them, less the tool's columns and the rows' ``spans``.

    The tool's columns are the marked ones and, given the workbook ``before`` the refresh, those it had no cell in
    (an ID column the tool added).
    """
    from openpyxl.utils import column_index_from_string

    from .package_compare import MAIN, Package, canonical_sheet

    owned = {column_index_from_string(ref.split("!$")[1].split(":")[0]) for ref in marks(path).values() if sheet in ref}
    if before is not None:
        with zipfile.ZipFile(before) as archive:
            part = archive.read(dict(ooxml.sheet_members(archive))[sheet])
        used = {column_index_from_string(letters.decode()) for letters in re.findall(rb'<c r="([A-Z]+)\d+"', part)}
        owned |= set(range(1, 16385)) - used

    def ours(node: Any) -> bool:
        """The tool's live colours, review marks and dropdowns (written again by every refresh), and what is left empty without them."""
        tag, _, _, children = node
        if tag == MAIN + "cfRule":
            return any(child[0] == MAIN + "formula" and is_our_rule(child[2]) for child in children)
        if tag == MAIN + "dataValidation":
            return any(child[0] == MAIN + "formula1" and is_our_list(child[2]) for child in children)
        if tag in (MAIN + "conditionalFormatting", MAIN + "dataValidations"):
            return all(ours(child) for child in children)
        return False

    def strip(node: Any) -> Any:
        tag, attributes, text, children = node
        if tag == MAIN + "row":
            attributes = tuple(item for item in attributes if item[0] != "spans")
            children = tuple(child for child in children if column_index_from_string(_letters(child)) not in owned)
        if tag == MAIN + "dimension":
            attributes = ()
        if tag == MAIN + "cols":  # a width the tool gives its own column (the team's widths are compared)
            children = tuple(child for child in children if not _only_owned(child, owned))
            if not children:
                return None
        if tag == MAIN + "dataValidations":
            attributes = tuple(item for item in attributes if item[0] != "count")
        kept = (strip(child) for child in children if not ours(child))
        return tag, attributes, text, tuple(child for child in kept if child is not None)

    tree, related = canonical_sheet(Package(path), sheet)
    return strip(tree), related


def _only_owned(col: Any, owned: set[int]) -> bool:
    """Whether a ``<col>`` spans only columns of the tool's (1-based, as ``min`` and ``max`` count)."""
    span = dict(col[1])
    return set(range(int(span["min"]), int(span["max"]) + 1)) <= owned


def _letters(cell: Any) -> str:
    reference = dict(cell[1])["r"]
    return re.match(r"[A-Z]+", reference).group(0)  # type: ignore[union-attr]


def test_everyday_edits_of_the_team_come_back_after_two_refreshes(basic_file: Path) -> None:
    """Fills, fonts, borders, rich text, merges, protection with a password, links, notes, zoom, frozen panes,
    print settings, an «any value» validation with a message, a whole-row colour: every one as the team left it."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    refresh(basic_file)

    def edit(book: openpyxl.Workbook) -> None:
        clientes, ventas = book["Clientes"], book["Ventas"]
        clientes["B2"].fill = PatternFill("solid", fgColor="FFFFFF00")
        clientes["B3"].font = Font(bold=True, italic=True, color="FF0000FF", name="Arial", size=13)
        clientes["C2"].border = Border(bottom=Side(style="thick", color="FF00B050"))
        clientes["C3"].alignment = Alignment(horizontal="center", wrap_text=True, vertical="top")
        clientes["C4"] = CellRichText("Panadería ", TextBlock(InlineFont(b=True, color="FFC00000"), "Rosa"))
        clientes["D2"].hyperlink = "https://ejemplo.pe/ana"
        clientes["E3"].comment = Comment("Prefiere correo por la tarde.", "Carla")
        clientes.freeze_panes = "C2"
        clientes.sheet_view.zoomScale = 85
        clientes.conditional_formatting.add("A2:F4", FormulaRule(formula=['$F2="Carla"'], fill=PatternFill("solid", bgColor="FFDDEBF7")))
        note = DataValidation(type=None, allow_blank=True, showInputMessage=True, promptTitle="Teléfono", prompt="Con el prefijo +51")
        note.add("D2:D100")
        clientes.add_data_validation(note)
        ventas["G2"] = "Revisado por gerencia"
        ventas.merge_cells("G2:H3")
        ventas.protection.sheet = True
        ventas.protection.password = "clave"
        ventas.page_setup.orientation = "landscape"
        ventas.oddFooter.center.text = "Ventas del equipo"
        ventas.print_title_rows = "1:1"

    edited_in_excel(basic_file, edit)
    before = {sheet: outside_owned(basic_file, sheet) for sheet in ("Clientes", "Ventas")}
    for _ in range(2):
        refresh(basic_file)
        for sheet, expected in before.items():
            assert outside_owned(basic_file, sheet) == expected, sheet
    book = openpyxl.load_workbook(basic_file)
    assert book["Ventas"].protection.sheet and book["Ventas"].protection.password  # the password with it
    assert book["Clientes"]["C4"].value == "Panadería Rosa"  # and the computed columns still there
    assert "Estado" in header(basic_file)


def test_a_sheet_read_in_small_pieces_is_patched_the_same(basic_file: Path, tmp_path: Path, monkeypatch: Any) -> None:
    """A sheet of 200,000 rows is read a few megabytes at a time; a piece never cuts a row, so the result is the same."""
    from cartera_xls import patching

    cartera_xls.refresh(basic_file, tmp_path / "una.xlsx", hoy=HOY)  # the team's Reglas, computed columns, rows of the tool's
    whole = cartera_xls.refresh(tmp_path / "una.xlsx", tmp_path / "entero.xlsx", hoy=HOY).written
    monkeypatch.setattr(patching, "CHUNK", 37)
    pieces = cartera_xls.refresh(tmp_path / "una.xlsx", tmp_path / "trozos.xlsx", hoy=HOY).written
    assert pieces.read_bytes() == whole.read_bytes()


def _prefixed(path: Path) -> Path:
    """The workbook as libraries built on Microsoft's SDK write it: SpreadsheetML under an ``x:`` prefix."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(path) as original:
        parts = {item.filename: original.read(item.filename) for item in original.infolist()}
    for name, data in parts.items():
        if name.startswith(("xl/worksheets/sheet", "xl/sharedStrings", "xl/styles", "xl/workbook.xml")) and name.endswith(".xml"):
            text = data.decode("utf-8").replace(f'xmlns="{main}"', f'xmlns:x="{main}"')
            parts[name] = re.sub(r"<(/?)([A-Za-z]\w*)(?=[\s/>])", r"<\1x:\2", text).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)
    return path


def test_a_workbook_written_with_a_namespace_prefix_keeps_every_cell(tmp_path: Path) -> None:
    """<x:row><x:c t="s">: the team's cells, their shared strings and styles come back, and the computed columns go in."""
    from openpyxl.styles import PatternFill

    source = make_workbook(tmp_path / "cartera.xlsx", basic_portfolio())
    book = openpyxl.load_workbook(source)
    book["Clientes"]["B2"].fill = PatternFill("solid", fgColor="FFFFFF00")
    book.save(source)
    before = {sheet: cells(source, sheet) for sheet in ("Clientes", "Ventas")}
    _prefixed(source)
    assert b"<x:row" in zipfile.ZipFile(source).read("xl/worksheets/sheet1.xml")
    for _ in range(2):
        refresh(source)
        after = cells(source, "Clientes")
        assert [row[:6] for row in after] == [row[:6] for row in before["Clientes"]]
        assert cells(source, "Ventas") == before["Ventas"]
        assert "Estado" in after[0]
        fill = openpyxl.load_workbook(source)["Clientes"]["B2"].fill
        assert fill.fgColor.rgb == "FFFFFF00"


def test_a_tables_totals_row_is_not_a_sale(tmp_path: Path) -> None:
    """Ventas as an Excel table with its totals row («Total», =SUBTOTAL(109,…)): not read as a sale, kept as it was."""
    path = _with_totals_row(tmp_path / "cartera.xlsx")
    before = cells(path, "Ventas")
    assert before[3][0] == "Total" and str(before[3][2]).startswith("=SUBTOTAL(109,")
    for _ in range(2):
        refresh(path)
        cartera = cartera_xls.load(path, hoy=HOY)
        assert cartera.ventas["Importe"].tolist() == [120.5, 80.0]
        assert not [p for p in cartera.problems if p.sheet == "Ventas"]  # «Total» is no bad date nor unknown client
        table = openpyxl.load_workbook(path)["Ventas"].tables["TablaVentas"]
        assert (table.ref, table.totalsRowCount) == ("A1:C4", 1)
        assert cells(path, "Ventas") == before


def _with_totals_row(path: Path) -> Path:
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Clientes").write_column(0, 0, ["Nombre", "Ana Quispe"])
    ventas = book.add_worksheet("Ventas")
    columns = [{"header": "Fecha", "total_string": "Total"}, {"header": "Cliente"}, {"header": "Importe", "total_function": "sum"}]
    data = [[dt.datetime(2026, 10, 1), "Ana Quispe", 120.5], [dt.datetime(2026, 9, 1), "Ana Quispe", 80]]
    ventas.add_table("A1:C4", {"name": "TablaVentas", "total_row": True, "columns": columns, "data": data})
    ventas.set_column(0, 0, 12, book.add_format({"num_format": "dd/mm/yyyy"}))
    book.close()
    return path


def test_the_live_colours_are_written_again_not_piled_up(tmp_path: Path) -> None:
    """Every rule of the tool's (the lapsed wait's too) is known as the tool's: the next refresh replaces it, never adds a copy."""
    import datetime as dt

    asked = dt.datetime.combine(HOY - dt.timedelta(days=2), dt.time())
    path = make_workbook(
        tmp_path / "cartera.xlsx",
        {"Clientes": [["ID", "Nombre"], ["C1", "Ana"]], "Seguimiento": [["Fecha", "Cliente", "Esperando respuesta"], [asked, "C1", "sí"]]},
    )

    def rules() -> list[str]:
        with zipfile.ZipFile(path) as archive:
            sheet = archive.read(dict(ooxml.sheet_members(archive))["Clientes"]).decode()
        return [html.unescape(rule) for rule in re.findall(r"<formula>([^<]*)</formula>", sheet)]

    refresh(path)
    first = rules()
    assert any("cartera_dias_espera" in rule for rule in first)  # the wait, read from Reglas
    assert all(is_follow_up_rule(rule) for rule in first)
    refresh(path)
    assert rules() == first
