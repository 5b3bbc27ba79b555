"""Hostile and wrong files, built by test code: a clean Spanish error within seconds, nothing written."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment

import cartera_xls
from cartera_xls import safety
from cartera_xls.cli import printable
from cartera_xls.errors import CarteraError
from cartera_xls.schema import messages

from .conftest import CORPUS, HOY, basic_portfolio, make_workbook, sheet_names, with_clientes, with_unknown_part
from .conftest import backups as list_backups
from .test_cli import run

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def workbook_xml(prolog: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<workbook {NS}><sheets><sheet name="Clientes" sheetId="1" r:id="rId1"/></sheets></workbook>'


def sheet_xml(body: str, dimension: str = "A1:A2", prolog: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet {NS}><dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'


NAME_SHEET = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Nombre</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Ana</t></is></c></row>'
)


def raw_xlsx(path: Path, workbook: str | None = None, sheet: str | bytes | None = None) -> Path:
    """A minimal xlsx written part by part, so each test can make one part hostile."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook or workbook_xml())
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet if sheet is not None else sheet_xml(NAME_SHEET))
    return path


def assert_refused(path: Path, expected: str, seconds: float = 10) -> None:
    before = path.read_bytes()
    siblings = sorted(p.name for p in path.parent.iterdir())
    started = time.monotonic()
    code, out, err = run("refresh", str(path))
    assert time.monotonic() - started < seconds
    assert (code, out) == (2, "")
    assert err.strip() == expected
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == siblings


def test_the_minimal_workbook_is_valid(tmp_path: Path) -> None:
    cartera = cartera_xls.load(raw_xlsx(tmp_path / "ok.xlsx"), hoy=HOY)
    assert list(cartera.clientes["Nombre"]) == ["Ana"]


def test_zip_bomb(tmp_path: Path) -> None:
    path = raw_xlsx(tmp_path / "bomba.xlsx", sheet=sheet_xml(NAME_SHEET + " " * 30_000_000))
    detail = "5 partes, 28 MB descomprimido"
    assert_refused(path, messages.CORRUPT_WORKBOOK.format(path=path.name, detail=detail))


def test_entity_bomb(tmp_path: Path) -> None:
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    path = raw_xlsx(tmp_path / "entidades.xlsx", workbook=workbook_xml(laughs))
    assert_refused(path, messages.CORRUPT_WORKBOOK.format(path=path.name, detail=messages.HOSTILE_XML))


def test_external_entity_in_a_sheet_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secreto.txt"
    secret.write_text("CONTRASEÑA", "utf-8")
    prolog = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>Nombre</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    path = raw_xlsx(tmp_path / "xxe.xlsx", sheet=sheet_xml(body, prolog=prolog))
    try:
        cartera = cartera_xls.load(path, hoy=HOY)
    except CarteraError:
        return  # refused: fine
    assert "CONTRASEÑA" not in cartera.clientes.to_string()


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", None])
def test_far_cell(tmp_path: Path, dimension: str | None) -> None:
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    xml = sheet_xml(NAME_SHEET + far, dimension=dimension or "A1")
    if dimension is None:
        xml = xml.replace('<dimension ref="A1"/>', "")
    path = raw_xlsx(tmp_path / "lejos.xlsx", sheet=xml)
    expected = messages.CORRUPT_WORKBOOK.format(path=path.name, detail="una hoja ocupa 1.048.576 filas × 16.384 columnas")
    assert_refused(path, expected)


def test_truncated_file(basic_file: Path) -> None:
    data = basic_file.read_bytes()
    basic_file.write_bytes(data[: len(data) // 2])
    code, _, err = run("refresh", str(basic_file))
    assert code == 2
    assert err.startswith(messages.CORRUPT_WORKBOOK.split("{detail}")[0].format(path=basic_file.name))


def test_html_renamed_as_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "cartera.xlsx"
    path.write_text("<html><body><table><tr><td>Nombre</td></tr></table></body></html>", "utf-8")
    assert_refused(path, messages.NOT_A_WORKBOOK.format(path=path.name))


def _with_chart_and_comment(path: Path) -> Path:
    make_workbook(path, basic_portfolio())
    book = openpyxl.load_workbook(path)
    sheet = book["Ventas"]
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=4, min_row=1, max_row=4), titles_from_data=True)
    sheet.add_chart(chart, "H2")
    book["Clientes"]["B2"].comment = Comment("cliente VIP", "Carla")
    book.save(path)
    return path


def test_content_that_cannot_be_carried_is_named_and_refused_in_place(tmp_path: Path) -> None:
    path = with_unknown_part(_with_chart_and_comment(tmp_path / "cartera.xlsx"))
    what = messages.CONTENT_PART.format(part="parte1.xml")  # the chart and the comment are carried; only this is not
    assert_refused(path, messages.CANNOT_CARRY.format(path=path.name, what=what))
    code, _, _ = run("refresh", str(path), "-o", str(tmp_path / "aparte.xlsx"))
    assert code == 0  # writing elsewhere leaves the original with everything
    original = path.read_bytes()
    code, _, _ = run("refresh", str(path), "--forzar")
    assert code == 0
    backups = list_backups(tmp_path)
    assert [b.read_bytes() for b in backups] == [original]


def test_charts_and_comments_on_data_sheets_come_back_in_place(tmp_path: Path) -> None:
    path = _with_chart_and_comment(tmp_path / "cartera.xlsx")
    assert run("refresh", str(path))[0] == 0  # in place, no --forzar needed
    book = openpyxl.load_workbook(path)
    assert book["Clientes"]["B2"].comment is not None and book["Clientes"]["B2"].comment.text == "cliente VIP"
    assert len(book["Ventas"]._charts) == 1
    assert run("refresh", str(path))[0] == 0  # and again
    assert len(openpyxl.load_workbook(path)["Ventas"]._charts) == 1


def test_our_own_charts_do_not_block_a_refresh(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "cartera.xlsx", basic_portfolio())
    assert run("refresh", str(path))[0] == 0
    assert run("refresh", str(path))[0] == 0  # Resumen's charts are ours: regenerated, not lost


def test_file_changed_during_the_refresh_is_not_replaced(basic_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cartera_xls import writing

    real = writing.write_workbook
    someone_else = b"saved by Excel meanwhile"

    def write_and_meanwhile(refreshed: object, temp: Path, progress: object, plan: object) -> None:
        real(refreshed, temp, progress, plan)  # type: ignore[arg-type]
        basic_file.write_bytes(someone_else)

    monkeypatch.setattr("cartera_xls.saving.write_workbook", write_and_meanwhile)
    code, _, err = run("refresh", str(basic_file))
    assert (code, err.strip()) == (2, messages.CHANGED_ON_DISK.format(path=basic_file.name))
    assert basic_file.read_bytes() == someone_else
    assert [p.name for p in basic_file.parent.iterdir() if safety.TEMP_MARK in p.name] == []


def test_one_refresh_at_a_time(basic_file: Path) -> None:
    holder = subprocess.Popen(  # another refresh: a second process holding the lock
        [sys.executable, "-c", HOLD_LOCK, str(basic_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        code, _, err = run("refresh", str(basic_file))
        assert (code, err.strip()) == (2, messages.REFRESH_RUNNING.format(path=basic_file.name))
    finally:
        holder.communicate("")
    assert run("refresh", str(basic_file))[0] == 0  # released


HOLD_LOCK = """
import sys
from pathlib import Path
from cartera_xls import safety
with safety.refresh_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_dropbox_conflicted_copy_is_merged_and_kept_never_deleted(basic_file: Path) -> None:
    copy = basic_file.with_name(f"{basic_file.stem} (conflicted copy 2026-11-20).xlsx")
    shutil.copy(basic_file, copy)
    before = copy.read_bytes()
    code, out, _ = run("refresh", str(basic_file))
    assert code == 0
    assert "Fusionada la copia en conflicto de alguien (20/11/2026): 0 filas nuevas, 0 celdas cambiadas" in out
    kept = basic_file.parent / "respaldos" / copy.name
    assert not copy.exists() and kept.read_bytes() == before  # moved aside as it was, never deleted


def test_terminal_output_cannot_carry_escape_sequences(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "c.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Clientes")
    sheet.write_row(0, 0, ["Nombre", "Fecha de alta"])
    sheet.write_row(1, 0, ["Ana", "\x1b[2J\x1b[31mhoy\u202e"])
    book.close()
    code, out, _ = run("validate", str(path))
    assert code == 1
    assert "\x1b" not in out and "\u202e" not in out
    assert printable("a\x1b[31mb\u202ec") == "a?[31mb?c"


def test_mutated_workbooks_only_raise_our_errors(tmp_path: Path) -> None:
    """A fuzz over the load path: every mutation gives a result or a CarteraError, nothing else."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    source = make_workbook(tmp_path / "base.xlsx", basic_portfolio())
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_names = [name for name in parts if name.startswith("xl/worksheets/") or name in ("xl/workbook.xml", "xl/sharedStrings.xml")]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(sheet_names), st.integers(0, 10_000), st.integers(1, 40), st.binary(min_size=0, max_size=40))
    def mutate(part: str, at: int, cut: int, insert: bytes) -> None:
        data = parts[part]
        position = at % (len(data) + 1)
        mutated = dict(parts)
        mutated[part] = data[:position] + insert + data[position + cut :]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in mutated.items():
                archive.writestr(name, content)
        target = tmp_path / "mutada.xlsx"
        target.write_bytes(buffer.getvalue())
        with contextlib.suppress(CarteraError):
            cartera_xls.load(target, hoy=HOY)

    mutate()


def test_an_xlsm_keeps_its_macros_in_place(tmp_path: Path) -> None:
    path = with_clientes(CORPUS / "macro01.xlsm", tmp_path / "cartera.xlsm")
    result = cartera_xls.refresh(path, hoy=HOY)
    assert result.written == path and not (tmp_path / "cartera.xlsx").exists()  # still the .xlsm, in place
    with zipfile.ZipFile(CORPUS / "macro01.xlsm") as original, zipfile.ZipFile(path) as refreshed:
        assert refreshed.read("xl/vbaProject.bin") == original.read("xl/vbaProject.bin")
        assert b"macroEnabled" in refreshed.read("[Content_Types].xml")
        assert b'codeName="ThisWorkbook"' in refreshed.read("xl/workbook.xml")
    assert "Sheet1" in sheet_names(path) and "Resumen" in sheet_names(path)
    assert cartera_xls.refresh(path, hoy=HOY).written == path  # and again
