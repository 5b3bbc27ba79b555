"""The command line, in-process: exit codes and the exact sentences the team reads."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import pytest

from cartera_xls.cli import build_parser, main
from cartera_xls.schema import messages

from .conftest import make_workbook, sheet_names


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_every_command_has_help() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in subparsers.choices.items():
        assert command.description, name
        for action in command._actions:
            if action.dest != "help":
                assert action.help, f"{name} {action.dest}"


def test_refresh_in_place_keeps_a_backup(basic_file: Path) -> None:
    original = basic_file.read_bytes()
    code, out, err = run("refresh", str(basic_file), "--hoy", "2026-11-02")
    assert (code, err) == (0, "")
    assert messages.CLI_WRITTEN.format(path=basic_file) in out
    backups = list((basic_file.parent / "respaldos").iterdir())
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert messages.CLI_BACKUP.format(path=backups[0]) in out
    assert "Clientes" in sheet_names(basic_file)


def test_refresh_to_another_file_leaves_the_original(basic_file: Path, tmp_path: Path) -> None:
    original = basic_file.read_bytes()
    out_path = tmp_path / "nueva.xlsx"
    code, _, _ = run("refresh", str(basic_file), "-o", str(out_path), "--hoy", "2026-11-02")
    assert code == 0 and out_path.exists()
    assert basic_file.read_bytes() == original
    assert not (tmp_path / "respaldos").exists()


def test_validate_exit_codes(basic_file: Path, tmp_path: Path) -> None:
    code, out, _ = run("validate", str(basic_file))
    assert code == 0
    assert messages.CLI_NO_PROBLEMS in out
    bad = make_workbook(tmp_path / "mala.xlsx", {"Clientes": [["Nombre", "Fecha de alta"], ["Ana", "ayer"]]})
    before = bad.read_bytes()
    code, out, _ = run("validate", str(bad))
    assert code == 1
    assert messages.CLI_SUMMARY_PROBLEMS.format(count=1) in out
    assert "Clientes, fila 2, columna «Fecha de alta»: «ayer» no es una fecha reconocible." in out
    assert bad.read_bytes() == before  # validate never writes


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, messages.FILE_NOT_FOUND.format(path="{path}")),
        (b"Nombre;Email\nAna;ana@x.pe\n", messages.NOT_A_WORKBOOK.format(path="cartera.xlsx")),
        (b"", messages.NOT_A_WORKBOOK.format(path="cartera.xlsx")),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, messages.PASSWORD_PROTECTED.format(path="cartera.xlsx")),
    ],
)
def test_unusable_files_exit_2_with_a_spanish_message(tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "cartera.xlsx"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run("refresh", str(path))
    assert code == 2 and out == ""
    assert err.strip() == expected.format(path=path)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["cartera.xlsx"] if content is not None else [])
    if content is not None:
        assert path.read_bytes() == content


def test_missing_clients_sheet(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "x.xlsx", {"Hoja1": [["Zona", "Litros"], ["Norte", 2]]})
    code, _, err = run("validate", str(path))
    # What was looked for, and what the sheet has.
    expected = messages.MISSING_CLIENTS_SHEET + " " + messages.SHEET_COLUMNS.format(sheet="Hoja1", columns="Zona, Litros")
    assert (code, err.strip()) == (2, expected)


def test_missing_name_column(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "x.xlsx", {"Clientes": [["Empresa", "Email"], ["Tienda", "a@b.c"]]})
    code, _, err = run("validate", str(path))
    assert (code, err.strip()) == (2, messages.MISSING_CLIENTS_COLUMN.format(sheet="Clientes", column="Nombre"))


def test_bad_date_argument(basic_file: Path) -> None:
    code, _, err = run("refresh", str(basic_file), "--hoy", "23/11/2026")
    assert code == 2
    assert messages.BAD_DATE_ARGUMENT.format(value="23/11/2026") in err


def test_init_writes_the_template_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "nueva.xlsx"
    code, out, _ = run("init", str(path))
    assert code == 0 and out.strip() == messages.CLI_TEMPLATE_WRITTEN.format(path=path)
    names = sheet_names(path)
    data = ["Clientes", "Ventas", "Seguimiento", "Oportunidades", "Encuestas", "Reclamos"]
    assert [name for name in names if name in data] == data
    assert "Instrucciones" in sheet_names(path)
    code, _, err = run("init", str(path))
    assert (code, err.strip()) == (2, messages.FILE_EXISTS.format(path=path))


def test_demo(tmp_path: Path) -> None:
    code, out, _ = run("demo", str(tmp_path), "--hoy", "2026-11-02")
    written = tmp_path / "cartera_demo.xlsx"
    assert (code, out.strip()) == (0, messages.CLI_DEMO_WRITTEN.format(path=written))
    assert written.exists()


def test_module_runs_from_the_command_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "cartera_xls", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert messages.CLI_DESCRIPTION in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "cartera_xls", "refresh", str(tmp_path / "no.xlsx")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_refresh_exports_the_agenda_as_ics(tmp_path: Path) -> None:
    source = make_workbook(
        tmp_path / "c.xlsx",
        {
            "Clientes": [
                ["ID", "Nombre", "Empresa", "Teléfono", "Probabilidad de compra"],
                ["C1", "Ana; Pérez, hija", "=HYPERLINK(1)", "+51 900", "90%"],
            ],
        },
    )
    ics = tmp_path / "agenda.ics"
    code, out, _ = run("refresh", str(source), "--hoy", "2026-11-02", "--ics", str(ics))
    assert code == 0
    assert messages.CLI_AGENDA_WRITTEN.format(path=ics, count=1) in out
    text = ics.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    unfolded = text.replace("\r\n ", "")
    assert "DTSTART;VALUE=DATE:20261102\r\n" in unfolded
    assert "SUMMARY:Llamar al prospecto y proponer una reunión — Ana\\; Pérez\\, hija\r\n" in unfolded
    assert "Cliente: Ana\\; Pérez\\, hija (=HYPERLINK(1))\\nTeléfono: +51 900" in unfolded
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
