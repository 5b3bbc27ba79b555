"""The judges of every workbook the tests write: Microsoft's validator and the cross-part checks catch what they must."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import cartera_xls
from cartera_xls.schema.sheets import CLIENTES

from . import openxml_sdk, package_checks
from .conftest import CORPUS, HOY, excel_problems, fresh_workbooks, make_workbook, new_excel_problems, with_clientes, written_by_the_tool

PLANTILLAS = Path(__file__).resolve().parent.parent / "plantillas"


def rewritten(source: Path, target: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """A copy of ``source`` with one part changed."""
    with zipfile.ZipFile(source) as original:
        parts = {item.filename: original.read(item.filename) for item in original.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
    return target


def sheet_part(path: Path, name: str) -> str:
    from cartera_xls import ooxml

    with zipfile.ZipFile(path) as archive:
        return dict(ooxml.sheet_members(archive))[name]


@pytest.fixture(scope="module")
def demo() -> Path:
    return PLANTILLAS / "cartera_demo.xlsx"


def test_the_templates_and_excels_own_files_are_clean(demo: Path) -> None:
    assert excel_problems(demo) == []
    assert excel_problems(PLANTILLAS / "cartera_vacia.xlsx") == []
    assert excel_problems(CORPUS / "chart_bar01.xlsx") == []
    assert excel_problems(CORPUS / "macro01.xlsm") == []


@pytest.mark.damaged
def test_the_validator_finds_a_planted_schema_error(demo: Path, tmp_path: Path) -> None:
    part = sheet_part(demo, CLIENTES.label)
    planted = rewritten(demo, tmp_path / "mal.xlsx", part, lambda xml: xml.replace(b"<sheetData>", b"<sheetData><inventado/>", 1))
    findings = openxml_sdk.validator().validate(planted)
    assert [finding.part for finding in findings] == ["/" + part]
    assert "inventado" in findings[0].description


@pytest.mark.damaged
def test_a_package_the_sdk_cannot_open_is_one_finding(demo: Path, tmp_path: Path) -> None:
    planted = rewritten(demo, tmp_path / "mal.xlsx", "[Content_Types].xml", lambda xml: xml[:40])
    findings = openxml_sdk.validator().validate(planted)
    assert [finding.code for finding in findings] == [openxml_sdk.UNOPENABLE]


def _first_cell_style(xml: bytes) -> bytes:
    return re.sub(rb'(<c r="[A-Z]+\d+"[^>]*?) s="\d+"', rb'\1 s="9999"', xml, count=1)


def _first_shared_string(xml: bytes) -> bytes:
    return re.sub(rb'(<c [^>]*t="s"[^>]*><v>)\d+', rb"\g<1>99999", xml, count=1)


def _rows_out_of_order(xml: bytes) -> bytes:
    first = re.search(rb"<row [^>]*>.*?</row>", xml, re.S)
    assert first is not None
    return xml.replace(first.group(0), b"", 1).replace(b"</sheetData>", first.group(0) + b"</sheetData>")


def _cells_out_of_order(xml: bytes) -> bytes:
    cell = rb"(<c [^>]*?(?:/>|>(?:(?!</c>).)*</c>))"
    return re.sub(cell + cell, rb"\2\1", xml, count=1, flags=re.S)


PLANTED: dict[str, tuple[str, Callable[[bytes], bytes], str]] = {
    "a style index past cellXfs": (CLIENTES.label, _first_cell_style, "past the"),
    "a shared string past the table": (CLIENTES.label, _first_shared_string, "shared string 99999"),
    "rows out of order": (CLIENTES.label, _rows_out_of_order, "comes after row"),
    "cells out of order": (CLIENTES.label, _cells_out_of_order, "comes after column"),
}


@pytest.mark.damaged
@pytest.mark.parametrize("case", list(PLANTED))
def test_the_cross_part_checks_find_a_planted_error_in_a_sheet(demo: Path, tmp_path: Path, case: str) -> None:
    sheet, change, expected = PLANTED[case]
    planted = rewritten(demo, tmp_path / "mal.xlsx", sheet_part(demo, sheet), change)
    problems = package_checks.check(planted)
    assert len(problems) == 1 and expected in problems[0], problems


def _workbook_xml(demo: Path, tmp_path: Path, change: Callable[[bytes], bytes]) -> list[str]:
    return package_checks.check(rewritten(demo, tmp_path / "mal.xlsx", "xl/workbook.xml", change))


@pytest.mark.damaged
def test_the_cross_part_checks_find_planted_errors_in_the_package(demo: Path, tmp_path: Path) -> None:
    twice = _workbook_xml(demo, tmp_path, lambda xml: re.sub(rb"(<definedName [^>]*>[^<]*</definedName>)", rb"\1\1", xml, count=1))
    assert any("is defined 2 times" in problem for problem in twice), twice

    def code_names(xml: bytes) -> bytes:
        return xml.replace(b"<workbookPr", b'<workbookPr codeName="Hoja1"', 1)

    planted = rewritten(demo, tmp_path / "codigo.xlsx", "xl/workbook.xml", code_names)
    planted = rewritten(
        planted,
        tmp_path / "codigo2.xlsx",
        sheet_part(demo, CLIENTES.label),
        lambda xml: xml.replace(b"<sheetPr", b'<sheetPr codeName="hoja1"', 1),
    )
    assert any("code name hoja1 is given 2 times" in problem for problem in package_checks.check(planted))

    dangling = rewritten(
        demo, tmp_path / "rel.xlsx", "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(b'Target="styles.xml"', b'Target="estilos.xml"')
    )
    assert any("xl/estilos.xml, which is not in the package" in problem for problem in package_checks.check(dangling))

    untyped = rewritten(
        demo, tmp_path / "tipo.xlsx", "[Content_Types].xml", lambda xml: re.sub(rb"<Default Extension=\"rels\"[^>]*/>", b"", xml)
    )
    assert any("/_rels/.rels has no content type" in problem for problem in package_checks.check(untyped))


@pytest.mark.damaged
def test_the_cross_part_checks_find_a_table_and_its_header_disagreeing(tmp_path: Path) -> None:
    source = CORPUS / "table01.xlsx"
    planted = rewritten(
        source, tmp_path / "mal.xlsx", "xl/tables/table1.xml", lambda xml: xml.replace(b'name="Column1"', b'name="Otra"', 1)
    )
    assert package_checks.check(source) == []
    assert any("names a column «Otra»" in problem for problem in package_checks.check(planted))


@pytest.mark.damaged
def test_a_written_workbook_with_a_new_error_fails_and_the_inputs_errors_do_not(demo: Path, tmp_path: Path) -> None:
    """The sweep after every test: the tool's outputs are found, and only errors the inputs did not have count."""
    base = tmp_path / "base"
    test_folder = base / "test_algo0"
    test_folder.mkdir(parents=True)
    fresh_workbooks(base)  # nothing yet
    written = shutil.copy(demo, test_folder / "cartera.xlsx")
    assert fresh_workbooks(base) == [Path(written)] and written_by_the_tool(Path(written))
    assert fresh_workbooks(base) == []  # each workbook is looked at once per change
    assert new_excel_problems(Path(written), []) == []

    part = sheet_part(demo, CLIENTES.label)
    broken = rewritten(demo, test_folder / "rota.xlsx", part, lambda xml: xml.replace(b"<sheetData>", b"<sheetData><inventado/>", 1))
    assert len(new_excel_problems(broken, [])) == 1
    assert new_excel_problems(broken, [broken]) == []  # what the input already had is not the tool's


def test_a_refreshed_xlsm_gives_every_sheet_its_own_code_name(tmp_path: Path) -> None:
    """Excel's English «Sheet1» on the team's sheet: the generated sheets must not take it again."""
    path = with_clientes(CORPUS / "macro01.xlsm", tmp_path / "cartera.xlsm")
    cartera_xls.refresh(path, hoy=HOY)
    assert excel_problems(path) == []
    names = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet") or name == "xl/workbook.xml":
                names += re.findall(rb'codeName="([^"]+)"', archive.read(name))
    assert len(names) == len({name.lower() for name in names}) > 1, names


def test_a_carried_bin_part_gets_its_own_content_type(tmp_path: Path) -> None:
    """Excel's own way in an .xlsm with printer settings: ``.bin`` defaults to printer settings, the VBA project is an override.

    The tool's package defaults ``.bin`` to the VBA project, so the carried printer settings need an override of their own.
    """
    printer = "application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"
    with zipfile.ZipFile(CORPUS / "defined_name01.xlsx") as other:
        settings = other.read("xl/printerSettings/printerSettings1.bin")
    path = with_clientes(CORPUS / "macro01.xlsm", tmp_path / "cartera.xlsm")
    with zipfile.ZipFile(path) as original:
        parts = {item.filename: original.read(item.filename) for item in original.infolist()}
    parts["xl/printerSettings/printerSettings1.bin"] = settings
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/printerSettings"'
        b' Target="../printerSettings/printerSettings1.bin"/></Relationships>'
    )
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</worksheet>", b'<pageSetup orientation="portrait" r:id="rId1"/></worksheet>'
    )
    types = re.sub(
        rb'<Default Extension="bin" ContentType="[^"]*"/>',
        f'<Default Extension="bin" ContentType="{printer}"/>'.encode(),
        parts["[Content_Types].xml"],
    )
    vba = b'<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    parts["[Content_Types].xml"] = types.replace(b"</Types>", vba + b"</Types>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
    assert excel_problems(path) == []
    cartera_xls.refresh(path, hoy=HOY)
    assert excel_problems(path) == []
    with zipfile.ZipFile(path) as refreshed:
        types = refreshed.read("[Content_Types].xml")
    assert re.search(
        rb'<Override PartName="/xl/printerSettings/printerSettings\d+\.bin" ContentType="' + printer.encode() + rb'"/>', types
    ), types


def test_a_team_workbook_made_by_a_script_refreshes_clean(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "cartera.xlsx", {"Clientes": [["Nombre"], ["Ana"]]})
    cartera_xls.refresh(path, hoy=HOY)
    assert excel_problems(path) == []
