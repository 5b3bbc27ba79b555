"""Never lose the file: locks, backups, temp files and failures at each step."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
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

from .conftest import HOY, backups, basic_portfolio, make_workbook, sheet_names
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
    assert not backups(basic_file.parent)


def test_libreoffice_lock_names_who_has_it_open(basic_file: Path) -> None:
    (basic_file.parent / f".~lock.{basic_file.name}#").write_text(",Óscar Lima,portatil,23.11.2026 10:00,file:///x;\n", "utf-8")
    with pytest.raises(WorkbookInUse) as caught:
        cartera_xls.refresh(basic_file, hoy=HOY)
    assert str(caught.value) == messages.OPEN_IN_EXCEL.format(path=basic_file.name, app="LibreOffice", who=" por Óscar Lima")


def test_backups_are_pruned_to_the_parameter(basic_file: Path) -> None:
    for _ in range(4):
        cartera_xls.load(basic_file, hoy=HOY).save(basic_file, keep_backups=2)
    assert len(backups(basic_file.parent)) == 2


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
        monkeypatch.setattr("cartera_xls.safety.shutil.copyfile", fail)
    else:
        monkeypatch.setattr(Path, "replace", fail)
    with pytest.raises(WriteFailed) as caught:
        cartera.save(basic_file)
    assert "El archivo original no se ha modificado" in str(caught.value)
    assert safety.TEMP_MARK not in str(caught.value)  # the file the team asked for is named, never the temporary one
    if step == "verify":
        assert f"«{basic_file.name}»" in str(caught.value) and messages.WRITE_CHECK_HINT in str(caught.value)
    assert basic_file.read_bytes() == before
    leftovers = [p.name for p in basic_file.parent.iterdir() if safety.TEMP_MARK in p.name]
    assert leftovers == []


def test_output_is_always_xlsx_and_named_as_asked(tmp_path: Path, basic_file: Path) -> None:
    # A format the tool only reads is refused, not written under another name.
    for asked in ("salida.ods", "salida.csv"):
        with pytest.raises(WriteFailed) as caught:
            cartera_xls.refresh(basic_file, tmp_path / asked, hoy=HOY)
        assert messages.OUTPUT_FORMAT.format(suffix=Path(asked).suffix) in str(caught.value)
    with pytest.raises(WriteFailed):
        cartera_xls.load(basic_file, hoy=HOY).save(tmp_path / "x.csv")
    assert not list(tmp_path.glob("salida*")) and not (tmp_path / "x.xlsx").exists()
    # A name without a spreadsheet suffix keeps what was typed and gets .xlsx after it.
    assert cartera_xls.refresh(basic_file, tmp_path / "resumen.2026", hoy=HOY).written == tmp_path / "resumen.2026.xlsx"
    assert cartera_xls.refresh(basic_file, tmp_path / "resumen", hoy=HOY).written == tmp_path / "resumen.xlsx"
    assert (tmp_path / "resumen.2026.xlsx").exists()


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

    def spy(refreshed: Refreshed, path: Path, progress: Report, plan: object) -> None:
        seen.append(gc.isenabled())
        original(refreshed, path, progress, plan)  # type: ignore[arg-type]

    monkeypatch.setattr("cartera_xls.saving.write_workbook", spy)
    assert gc.isenabled()
    cartera = cartera_xls.load(basic_file, hoy=HOY)
    assert gc.isenabled()
    cartera.save(basic_file)
    assert seen == [False] and gc.isenabled()

    def fail(refreshed: Refreshed, path: Path, progress: Report, plan: object) -> None:
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


def test_pruning_keeps_other_workbooks_backups(tmp_path: Path) -> None:
    folder = tmp_path / "respaldos"
    folder.mkdir()
    others = ["cartera_norte_2026-01-01_100000.xlsx", "cartera_2024_2026-01-01_100000.xlsx", "cartera_2026-01-01_10000.xlsx"]
    for name in others:
        (folder / name).write_bytes(b"someone else's")
    path = make_workbook(tmp_path / "cartera.xlsx", basic_portfolio())
    for _ in range(3):
        cartera_xls.load(path, hoy=HOY).save(path, keep_backups=1)
    names = sorted(p.name for p in folder.iterdir())
    assert all(name in names for name in others)
    assert len([name for name in names if safety.backup_pattern(path).fullmatch(name)]) == 1


def test_a_name_with_brackets_is_pruned_too(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "cartera [norte].xlsx", basic_portfolio())
    for _ in range(3):
        cartera_xls.load(path, hoy=HOY).save(path, keep_backups=1)
    assert len(backups(tmp_path)) == 1


def test_a_failed_backup_leaves_no_half_backup(basic_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = basic_file.read_bytes()
    real = shutil.copyfile

    def half_then_full_disk(source: Path, target: Path) -> None:
        Path(target).write_bytes(Path(source).read_bytes()[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    cartera = cartera_xls.load(basic_file, hoy=HOY)
    monkeypatch.setattr("cartera_xls.safety.shutil.copyfile", half_then_full_disk)
    with pytest.raises(WriteFailed) as caught:
        cartera.save(basic_file)
    monkeypatch.setattr("cartera_xls.safety.shutil.copyfile", real)
    assert "no queda espacio en el disco" in str(caught.value)
    assert basic_file.read_bytes() == before
    assert list((basic_file.parent / "respaldos").iterdir()) == []  # neither a half backup nor its temp file


@pytest.mark.parametrize("mode", [0o600, 0o664, 0o444])
def test_the_file_keeps_its_permissions(basic_file: Path, mode: int) -> None:
    basic_file.chmod(mode)
    cartera_xls.refresh(basic_file, hoy=HOY)
    assert stat.S_IMODE(basic_file.stat().st_mode) == mode  # a read-only file replaced as root stays read-only


def test_a_symlink_is_followed_and_its_target_replaced(tmp_path: Path) -> None:
    (tmp_path / "dropbox").mkdir()
    real = make_workbook(tmp_path / "dropbox" / "cartera.xlsx", basic_portfolio())
    link = tmp_path / "cartera.xlsx"
    link.symlink_to(real)
    before = real.read_bytes()
    cartera_xls.refresh(link, hoy=HOY)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_bytes() != before and "Agenda" in sheet_names(real)
    assert len(list((real.parent / "respaldos").iterdir())) == 1  # the backup sits beside the real file
    (real.parent / f"~${real.name}").write_bytes(b"\x05Carla" + b" " * 40)  # Excel has the real file open
    with pytest.raises(WorkbookInUse):
        cartera_xls.refresh(link, hoy=HOY)


def test_a_refused_refresh_never_removes_the_holders_lock(basic_file: Path) -> None:
    from .test_hostile import HOLD_LOCK

    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(basic_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        lock = basic_file.with_name(f".~cartera.{basic_file.name}.lock")
        for _ in range(2):  # a second refresh, then a third: both refused, the lock file still there
            with pytest.raises(WorkbookInUse):
                cartera_xls.refresh(basic_file, hoy=HOY)
            assert lock.exists()
    finally:
        holder.communicate("")
    assert not basic_file.with_name(f".~cartera.{basic_file.name}.lock").exists()  # the holder removed its own


def test_the_calendar_never_overwrites_a_workbook(basic_file: Path) -> None:
    before = basic_file.read_bytes()
    code, _, err = run("refresh", str(basic_file), "-o", str(basic_file.parent / "otra.xlsx"), "--ics", str(basic_file))
    assert code == 2 and err.strip() == messages.ICS_ON_WORKBOOK.format(path=basic_file.name)
    assert basic_file.read_bytes() == before


def test_a_missing_output_folder_gets_a_clear_message(basic_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "no_existe"
    code, out, err = run("refresh", str(basic_file), "-o", str(folder / "salida.xlsx"))
    assert (code, out) == (2, "")
    assert messages.NO_SUCH_FOLDER.format(folder=folder) in err and "El archivo original no se ha modificado" in err


@pytest.mark.parametrize(("code", "reason"), [(errno.EACCES, "EACCES"), (errno.ENOSPC, "ENOSPC"), (errno.EROFS, "EROFS")])
def test_a_refused_write_is_said_in_spanish(basic_file: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str) -> None:
    from xlsxwriter.exceptions import FileCreateError

    def refused(self: object) -> None:  # how XlsxWriter reports a file it cannot create
        raise FileCreateError(OSError(code, os.strerror(code)))

    before = basic_file.read_bytes()
    monkeypatch.setattr("xlsxwriter.Workbook.close", refused)
    exit_code, out, err = run("refresh", str(basic_file))
    assert (exit_code, out) == (2, "")
    assert messages.OS_ERRORS[reason] in err and "Error inesperado" not in err
    assert basic_file.read_bytes() == before


def test_excel_holding_the_file_on_windows_is_said_and_nothing_is_lost(basic_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = basic_file.read_bytes()
    real = Path.replace

    def share_locked(self: Path, target: str | os.PathLike[str]) -> Path:
        if Path(target) == basic_file:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        return real(self, target)

    monkeypatch.setattr(Path, "replace", share_locked)
    code, out, err = run("refresh", str(basic_file))
    assert (code, out) == (2, "")
    assert err.strip() == messages.CANNOT_WRITE.format(path=basic_file, detail=messages.REPLACE_REFUSED)
    assert basic_file.read_bytes() == before
    assert not [p for p in basic_file.parent.iterdir() if safety.TEMP_MARK in p.name]  # the temp file removed
