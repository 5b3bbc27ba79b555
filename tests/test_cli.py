"""The command line, in-process: exit codes and the exact sentences the team reads."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from cartera_xls.cli import build_parser, main
from cartera_xls.schema import FIRST_DAY, LAST_DAY, messages
from cartera_xls.schema.params import PARAMETERS

from .conftest import backups as list_backups
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
    backups = list_backups(basic_file.parent)
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert messages.CLI_BACKUP.format(path=backups[0]) in out
    assert "Clientes" in sheet_names(basic_file)


def test_refresh_to_another_file_leaves_the_original(basic_file: Path, tmp_path: Path) -> None:
    original = basic_file.read_bytes()
    out_path = tmp_path / "nueva.xlsx"
    code, _, _ = run("refresh", str(basic_file), "-o", str(out_path), "--hoy", "2026-11-02")
    assert code == 0 and out_path.exists()
    assert basic_file.read_bytes() == original
    assert not list_backups(tmp_path)


def test_validate_exit_codes(basic_file: Path, tmp_path: Path) -> None:
    code, out, _ = run("validate", str(basic_file))
    assert code == 0
    assert messages.CLI_NO_PROBLEMS in out
    bad = make_workbook(tmp_path / "mala.xlsx", {"Clientes": [["Nombre", "Fecha de alta"], ["Ana", "ayer"]]})
    before = bad.read_bytes()
    code, out, _ = run("validate", str(bad))
    assert code == 1
    assert messages.CLI_SUMMARY_PROBLEMS.format(count=1) in out
    assert "Clientes, fila 2, «C0001 · Ana», columna «Fecha de alta»: «ayer» no es una fecha reconocible." in out
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
    code, _, err = run("refresh", str(basic_file), "--hoy", "23-11-2026")
    assert code == 2
    assert messages.BAD_DATE_ARGUMENT.format(value="23-11-2026") in err


def test_init_writes_the_template_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "nueva.xlsx"
    code, out, _ = run("init", str(path))
    assert code == 0 and out.splitlines()[0] == messages.CLI_TEMPLATE_WRITTEN.format(path=path)
    names = sheet_names(path)
    data = ["Clientes", "Ventas", "Seguimiento", "Oportunidades", "Encuestas", "Reclamos"]
    assert [name for name in names if name in data] == data
    assert "Instrucciones" in sheet_names(path)
    code, _, err = run("init", str(path))
    assert (code, err.strip()) == (2, messages.FILE_EXISTS.format(path=path))


def test_demo(tmp_path: Path) -> None:
    code, out, _ = run("demo", str(tmp_path), "--hoy", "2026-11-02")
    written = tmp_path / "cartera_demo.xlsx"
    assert (code, out.splitlines()[0]) == (0, messages.CLI_DEMO_WRITTEN.format(path=written))
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
    assert "Cliente: Ana\\; Pérez\\, hija (=HYPERLINK(1))\\nTeléfono: +51 900\\nMotivo: " in unfolded  # no «Email:» without one
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_an_event_says_only_what_is_known_and_the_file_is_an_ics(tmp_path: Path) -> None:
    """Issue 24, point 14: «Cliente: Juan ()» and empty «Teléfono:»/«Email:» lines are gone; «--ics agenda» writes agenda.ics."""
    source = make_workbook(tmp_path / "c.xlsx", {"Clientes": [["ID", "Nombre", "Probabilidad de compra"], ["C1", "Juan Martínez", "90%"]]})
    code, out, _ = run("refresh", str(source), "--hoy", "2026-11-02", "--ics", str(tmp_path / "agenda"))
    written = tmp_path / "agenda.ics"
    assert code == 0 and written.exists() and not (tmp_path / "agenda").exists()
    assert messages.CLI_AGENDA_WRITTEN.format(path=written, count=1) in out
    unfolded = written.read_bytes().decode("utf-8").replace("\r\n ", "")
    description = next(line for line in unfolded.split("\r\n") if line.startswith("DESCRIPTION:"))
    assert description.startswith("DESCRIPTION:Cliente: Juan Martínez\\nMotivo: ")
    assert "()" not in description and "Teléfono" not in description and "Email" not in description


def test_argparse_speaks_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run("refresh")
    assert (code, out) == (2, "")
    assert err.startswith("uso: python -m cartera_xls refresh") and "error: faltan estos argumentos: archivo" in err
    code, _, err = run("borrar", "x.xlsx")
    assert code == 2 and "«borrar» no es una opción válida (elija entre 'refresh', 'validate', 'init', 'demo')" in err
    code, _, err = run("validate", "x.xlsx", "--sin-esto")
    assert code == 2 and "argumentos no reconocidos: --sin-esto" in err
    with pytest.raises(SystemExit) as done:
        main(["refresh", "--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith("uso: ") and "opciones:" in shown and "argumentos:" in shown and messages.CLI_HELP_HELP in shown
    for english in ("usage", "options:", "positional arguments", "show this help", "required", "invalid choice"):
        assert english not in shown + err


def test_hoy_is_accepted_as_the_team_writes_dates(basic_file: Path) -> None:
    assert run("validate", str(basic_file), "--hoy", "02/11/2026") == run("validate", str(basic_file), "--hoy", "2026-11-02")
    code, _, err = run("validate", str(basic_file), "--hoy", "31/02/2026")
    assert code == 2 and messages.BAD_DATE_ARGUMENT.format(value="31/02/2026") in err


@pytest.mark.parametrize("hoy", ["9999-12-31", "2262-04-12", "2150-01-01", "1899-12-31"])
def test_a_reference_date_out_of_range_is_said_not_crashed(basic_file: Path, hoy: str) -> None:
    code, out, err = run("refresh", str(basic_file), "-o", str(basic_file.with_name("otra.xlsx")), "--hoy", hoy)
    shown = dt.date.fromisoformat(hoy).strftime("%d/%m/%Y")
    assert (code, out) == (2, "")
    assert err.strip() == messages.DATE_OUT_OF_RANGE.format(value=shown, first="01/01/1900", last="31/12/2149")


def test_a_folder_instead_of_a_workbook(tmp_path: Path) -> None:
    for command in ("refresh", "validate"):
        code, _, err = run(command, str(tmp_path))
        assert (code, err.strip()) == (2, messages.IS_A_FOLDER.format(path=tmp_path))


def test_rule_values_beyond_what_dates_hold_are_flagged_not_crashed(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "x.xlsx",
        {
            "Clientes": [["Nombre"], ["Ana"]],
            "Ventas": [["Fecha", "Cliente", "Importe"], [dt.datetime(2026, 1, 5), "Ana", 10]],
            "Reglas": [["Parámetro", "Valor"], ["dias_inactivo", 10_000_000], ["dias_aviso", 2.5], ["factor_intervalo", 1e300]],
        },
    )
    code, out, _ = run("refresh", str(path), "-o", str(tmp_path / "out.xlsx"), "--hoy", "2149-12-31")
    assert code == 0
    assert "«dias_inactivo». Se usa el valor por omisión 180. Admite un número entero de 1 a 3.650." in out
    assert "«dias_aviso». Se usa el valor por omisión 7. Admite un número entero de 0 a 3.650." in out
    assert "«factor_intervalo». Se usa el valor por omisión 2. Admite un número de 1 a 3.650." in out


def test_a_team_sheet_named_like_a_generated_one_and_its_twin(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path / "x.xlsx",
        {"Clientes": [["Nombre"], ["Ana"]], "Resumen": [["el nuestro"]], "Resumen (original)": [["el de antes"]]},
    )
    out = tmp_path / "out.xlsx"
    assert run("refresh", str(path), "-o", str(out))[0] == 0
    assert {"Resumen", "Resumen (original)", "Resumen (original 2)"} <= set(sheet_names(out))


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_keeps_the_refresh_status(basic_file: Path) -> None:
    out = basic_file.with_name("otra.xlsx")
    err = io.StringIO()
    assert main(["refresh", str(basic_file), "-o", str(out)], out=_ClosedPipe(), err=err) == 0
    assert out.exists() and err.getvalue() == ""
    assert main(["validate", str(basic_file)], out=_ClosedPipe(), err=err) == 0


def test_a_console_without_accents_degrades_them(basic_file: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for args in (["validate", str(basic_file)], ["refresh", "--help"], ["refresh"]):
        done = subprocess.run([sys.executable, "-m", "cartera_xls", *args], capture_output=True, env=env, check=False)
        assert b"Error inesperado" not in done.stderr and b"Traceback" not in done.stderr, args
        assert done.returncode in (0, 2), args
    shown = subprocess.run(
        [sys.executable, "-m", "cartera_xls", "validate", str(basic_file)], capture_output=True, env=env, check=False
    ).stdout.decode("ascii")
    assert "Semaforo:" in shown


def test_output_elsewhere_while_the_original_is_open_in_excel(basic_file: Path) -> None:
    (basic_file.parent / f"~${basic_file.name}").write_bytes(b"\x03Ana" + b" " * 40)
    before = basic_file.read_bytes()
    code, _, err = run("refresh", str(basic_file), "-o", str(basic_file.with_name("otra.xlsx")))
    assert (code, err) == (0, "")  # only the target's lock matters: the original is not touched
    assert basic_file.read_bytes() == before
    assert run("refresh", str(basic_file))[0] == 2  # in place it is refused


def _extreme_workbook(path: Path, bound: str) -> Path:
    """Every sheet with dates at both ends of the range the tool accepts, and every rule at its minimum or maximum."""
    a, z = (dt.datetime.combine(day, dt.time()) for day in (FIRST_DAY, LAST_DAY))
    numbers = [p for p in PARAMETERS if not p.choices and not isinstance(p.default, str)]
    rules = [["Parámetro", "Valor"], *([p.key, getattr(p, bound)] for p in numbers if getattr(p, bound) is not None)]
    day = dt.timedelta(days=1)
    return make_workbook(
        path,
        {
            "Clientes": [["Nombre", "Fecha de alta"], ["Ana", a + day], ["Luis", z - day], ["Eva", None]],
            "Ventas": [
                ["Fecha", "Cliente", "Importe", "Producto"],
                [a, "Ana", 5, "a"],
                [a + day, "Ana", 5, "b"],
                [z, "Ana", 5, "a"],
                [z, "Luis", 5, "b"],
            ],
            "Seguimiento": [
                ["Fecha", "Cliente", "Fecha próxima acción", "Próxima acción", "Esperando respuesta"],
                [z, "Ana", z, "x", "sí"],
                [a, "Luis", a, "y", "sí"],
            ],
            "Oportunidades": [["Cliente", "Fecha apertura", "Fecha cierre", "Estado"], ["Eva", a, z, "abierta"]],
            "Reclamos": [["Fecha", "Cliente", "Estado"], [a, "Ana", "abierto"]],
            "Encuestas": [["Fecha", "Cliente", "Satisfacción"], [a, "Ana", 5], [z, "Ana", 1]],
            "Reglas": rules,
        },
    )


@pytest.mark.parametrize("bound", ["minimum", "maximum"])
@pytest.mark.parametrize("hoy", [FIRST_DAY, LAST_DAY, dt.date(2026, 11, 25)])
def test_the_ends_of_every_range_compute(tmp_path: Path, bound: str, hoy: dt.date) -> None:
    path = _extreme_workbook(tmp_path / "x.xlsx", bound)
    args = ("-o", str(tmp_path / "out.xlsx"), "--hoy", hoy.isoformat(), "--ics", str(tmp_path / "agenda.ics"))
    code, out, err = run("refresh", str(path), *args)
    assert (code, err) == (0, ""), err
    assert "Clientes: 3" in out


def test_the_client_lists_show_id_and_name_and_either_form_reads_back(tmp_path: Path) -> None:
    from cartera_xls import load

    path = make_workbook(
        tmp_path / "x.xlsx",
        {
            "Clientes": [["ID", "Nombre"], ["C001", "Ana Pérez"], ["C002", "Luis García"]],
            "Ventas": [
                ["Fecha", "Cliente", "Importe"],
                [dt.datetime(2026, 1, 5), "C001 · Ana Pérez", 10],  # picked from the list
                [dt.datetime(2026, 1, 6), "C002", 20],  # typed as an ID
                [dt.datetime(2026, 1, 7), "luis garcía", 30],  # typed as a name
            ],
        },
    )
    out = tmp_path / "out.xlsx"
    assert run("refresh", str(path), "-o", str(out), "--hoy", "2026-02-01")[0] == 0
    lists = openpyxl.load_workbook(out)["Listas"]
    values = [cell.value for cell in next(col for col in lists.iter_cols() if col[0].value == "Clientes")[1:] if cell.value]
    assert values == ["C001 · Ana Pérez", "C002 · Luis García"]
    cartera = load(out, hoy=dt.date(2026, 2, 1))
    assert cartera.clientes.set_index("ID")["Facturación total"].to_dict() == {"C001": 10, "C002": 50}
    assert not cartera.problems


def test_init_writes_a_launcher_that_refreshes_the_workbook_in_place(tmp_path: Path) -> None:
    from cartera_xls.launchers import launcher_paths

    workbook = tmp_path / "mi cartera.xlsx"
    code, out, _ = run("init", str(workbook))
    launchers = launcher_paths(workbook)
    assert code == 0 and all(path.exists() for path in launchers.values())
    assert launchers["windows"].name in out and launchers["linux"].name in out
    if sys.platform.startswith("win"):
        return  # the .bat runs under cmd; its text is checked in test_team
    launcher = launchers["linux-shell"]
    assert os.access(launcher, os.X_OK)
    # As a double click (no key to wait for without a terminal) or a scheduled task with «auto»: refreshed in place.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for args in ([], ["auto"]):
        done = subprocess.run(
            ["bash", str(launcher), *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, env=env
        )
        assert done.returncode == 0, done.stderr
        assert "Respaldo del original: respaldos/" in done.stdout
    assert len(list_backups(tmp_path)) == 2


def test_a_file_of_the_launchers_name_that_is_not_ours_is_left_alone(tmp_path: Path) -> None:
    from cartera_xls.launchers import launcher_paths, write_launchers

    workbook = tmp_path / "cartera.xlsx"
    theirs = launcher_paths(workbook)["windows"]
    theirs.write_text("echo mi propio script\n", "utf-8")
    assert set(write_launchers(workbook)) == {"macos", "linux", "linux-shell"}
    assert theirs.read_text("utf-8") == "echo mi propio script\n"


def test_an_empty_workbook_prints_no_empty_counts(tmp_path: Path) -> None:
    path = tmp_path / "vacia.xlsx"
    run("init", str(path))
    code, out, _ = run("validate", str(path))
    assert (code, out.splitlines()) == (0, [messages.CLI_SUMMARY_CLIENTS.format(total=0), messages.CLI_NO_PROBLEMS])
