"""Never lose the file: locks, backups, temp files and failures at each step."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import cartera_xls
from cartera_xls import safety
from cartera_xls.errors import WorkbookInUse, WriteFailed
from cartera_xls.pipeline import Refreshed
from cartera_xls.progress import Report
from cartera_xls.schema import messages
from cartera_xls.sources import check_written

from .conftest import HOY
from .test_cli import run


def test_excel_lock_names_who_has_it_open(basic_file: Path) -> None:
    before = basic_file.read_bytes()
    user = "Carla Núñez"
    encoded = user.encode("latin-1")
    (basic_file.parent / f"~${basic_file.name}").write_bytes(bytes([len(encoded)]) + encoded + b" " * 40)
    code, out, err = run("refresh", str(basic_file))
    assert code == 2 and out == ""
    assert err.strip() == messages.OPEN_IN_EXCEL.format(path=basic_file.name, app="Excel", who=" por Carla Núñez")
    assert basic_file.read_bytes() == before
    assert not (basic_file.parent / "respaldos").exists()


def test_libreoffice_lock_names_who_has_it_open(basic_file: Path) -> None:
    (basic_file.parent / f".~lock.{basic_file.name}#").write_text(",Óscar Lima,portatil,23.11.2026 10:00,file:///x;\n", "utf-8")
    with pytest.raises(WorkbookInUse) as caught:
        cartera_xls.refresh(basic_file, hoy=HOY)
    assert str(caught.value) == messages.OPEN_IN_EXCEL.format(path=basic_file.name, app="LibreOffice", who=" por Óscar Lima")


def test_backups_are_pruned_to_the_parameter(basic_file: Path) -> None:
    for _ in range(4):
        cartera_xls.load(basic_file, hoy=HOY).save(basic_file, keep_backups=2)
    assert len(list((basic_file.parent / "respaldos").iterdir())) == 2


def test_stale_temp_files_are_cleaned(basic_file: Path) -> None:
    stale = basic_file.parent / f".{basic_file.stem}{safety.TEMP_MARK}999.xlsx"
    stale.write_bytes(b"half a workbook")
    cartera_xls.refresh(basic_file, hoy=HOY)
    assert not stale.exists()


@pytest.mark.parametrize("step", ["write", "fsync", "verify", "backup", "replace"])
def test_a_failure_at_any_step_leaves_the_original(basic_file: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    before = basic_file.read_bytes()
    boom = OSError(28, "No queda espacio en el disco")

    def fail(*args: object, **kwargs: object) -> None:
        raise boom

    cartera = cartera_xls.load(basic_file, hoy=HOY)
    if step == "write":
        monkeypatch.setattr("cartera_xls.saving.write_workbook", fail)
    elif step == "fsync":
        monkeypatch.setattr(safety, "_fsync_file", fail)
    elif step == "verify":
        monkeypatch.setattr("cartera_xls.saving.check_written", fail)
    elif step == "backup":
        monkeypatch.setattr("cartera_xls.safety.shutil.copy2", fail)
    else:
        monkeypatch.setattr(Path, "replace", fail)
    with pytest.raises(WriteFailed) as caught:
        cartera.save(basic_file)
    assert "El archivo original no se ha modificado" in str(caught.value)
    assert basic_file.read_bytes() == before
    leftovers = [p.name for p in basic_file.parent.iterdir() if safety.TEMP_MARK in p.name]
    assert leftovers == []


def test_output_is_always_xlsx(tmp_path: Path, basic_file: Path) -> None:
    result = cartera_xls.refresh(basic_file, tmp_path / "salida.ods", hoy=HOY)
    assert result.written == tmp_path / "salida.xlsx"
    assert result.written.exists()


def test_temp_file_lives_beside_the_target(basic_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Path] = []
    real = safety._fsync_file

    def spy(path: Path) -> None:
        seen.append(path)
        real(path)

    monkeypatch.setattr(safety, "_fsync_file", spy)
    cartera_xls.refresh(basic_file, hoy=HOY)
    assert seen[0].parent == basic_file.parent and safety.TEMP_MARK in seen[0].name
    assert seen[0].parent.samefile(basic_file.parent)


def _small_workbook(path: Path, rows: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Ventas")
    for row in range(rows):
        sheet.write_string(row, 0, f"texto {row} " * 20)
    book.close()


def test_verification_accepts_a_whole_file(tmp_path: Path) -> None:
    _small_workbook(tmp_path / "a.xlsx", 300)
    check_written(tmp_path / "a.xlsx", {"Ventas": 300})


def test_verification_catches_missing_rows(tmp_path: Path) -> None:
    _small_workbook(tmp_path / "a.xlsx", 300)
    with pytest.raises(ValueError, match="la hoja Ventas tiene 300 filas en lugar de 301"):
        check_written(tmp_path / "a.xlsx", {"Ventas": 301})
    with pytest.raises(ValueError, match="la hoja Clientes tiene 0 filas"):
        check_written(tmp_path / "a.xlsx", {"Clientes": 1})


def test_verification_catches_a_damaged_part(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    _small_workbook(path, 300)
    with zipfile.ZipFile(path) as archive:
        entry = archive.getinfo("xl/sharedStrings.xml")
    data = bytearray(path.read_bytes())
    middle = entry.header_offset + 30 + len(entry.filename) + entry.compress_size // 2
    data[middle] ^= 0xFF  # one flipped byte inside the compressed strings
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"xl/sharedStrings\.xml está dañada"):
        check_written(path, {"Ventas": 300})


def test_the_collector_is_held_off_only_while_reading_and_writing(basic_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from cartera_xls import writing

    seen: list[bool] = []
    original = writing.write_workbook

    def spy(refreshed: Refreshed, path: Path, progress: Report) -> None:
        seen.append(gc.isenabled())
        original(refreshed, path, progress)

    monkeypatch.setattr("cartera_xls.saving.write_workbook", spy)
    assert gc.isenabled()
    cartera = cartera_xls.load(basic_file, hoy=HOY)
    assert gc.isenabled()
    cartera.save(basic_file)
    assert seen == [False] and gc.isenabled()

    def fail(refreshed: Refreshed, path: Path, progress: Report) -> None:
        raise OSError("disco lleno")

    monkeypatch.setattr("cartera_xls.saving.write_workbook", fail)
    with pytest.raises(WriteFailed):
        cartera.save(basic_file)
    assert gc.isenabled()
    gc.disable()
    try:
        cartera_xls.load(basic_file, hoy=HOY)
        assert not gc.isenabled()  # a caller's own choice is left as it was
    finally:
        gc.enable()
