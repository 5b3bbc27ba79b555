"""The whole team, not one person (issue 23): launchers for every machine, conflicted copies, a calendar each, who refreshed."""

from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cartera_xls.cli import main
from cartera_xls.launchers import launcher_paths, launcher_text, write_launchers
from cartera_xls.schema import messages
from cartera_xls.writing import USER_VARIABLE

from .conftest import backups

BIN = Path(sys.executable).parent  # where pip put the «cartera-xls» command of this environment


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _shadowed_folder(tmp_path: Path) -> Path:
    """A shared folder as a teammate may have it: the workbook, and a folder named like the package beside it."""
    folder = tmp_path / "Dropbox" / "Ventas equipo"
    (folder / "cartera_xls").mkdir(parents=True)
    (folder / "cartera_xls" / "LEAME.txt").write_text("una descarga, no el paquete\n", "utf-8")
    assert run("init", str(folder / "mi cartera.xlsx"))[0] == 0
    return folder


def _environment(tmp_path: Path, path: str) -> dict[str, str]:
    return {"PATH": path, "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8"}


def desktop_exec(entry: Path, where: Path | None = None) -> list[str]:
    """The command a file manager runs for a desktop entry, read by the specification: string escapes, then Exec quoting, then
    the field codes (``%%`` a literal ``%``, ``%k`` the entry's place: ``where``, by default the entry itself)."""
    values = dict(line.split("=", 1) for line in entry.read_text("utf-8").splitlines() if "=" in line)
    raw = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), values["Exec"])
    args, current, quoted, i = [], "", False, 0
    while i < len(raw):
        ch = raw[i]
        if quoted and ch == "\\" and i + 1 < len(raw) and raw[i + 1] in '"`$\\':
            current, i = current + raw[i + 1], i + 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == " " and not quoted:
            if current:
                args.append(current)
            current = ""
        else:
            current += ch
        i += 1
    args.append(current)
    return [str(where if where is not None else entry) if arg == "%k" else arg.replace("%%", "%") for arg in args]


def gio_exec(entry: Path) -> list[str]:
    """The command ``gio launch`` runs for a desktop entry: ``%k`` expands to nothing and is dropped."""
    return [arg for arg in desktop_exec(entry) if arg != str(entry)]


@pytest.mark.skipif(sys.platform.startswith("win"), reason="the Linux launchers run under bash")
def test_the_linux_launchers_run_from_a_folder_that_shadows_the_package(tmp_path: Path) -> None:
    folder = _shadowed_folder(tmp_path)
    paths = launcher_paths(folder / "mi cartera.xlsx")
    assert all(path.exists() for path in paths.values())
    # Run there, Python imports the folder instead of the package (a notebook gets an AttributeError); with -P it does not.
    env = _environment(tmp_path, f"{BIN}:/usr/bin:/bin")
    check = "import cartera_xls; cartera_xls.load"
    shadowed = subprocess.run([sys.executable, "-c", check], cwd=folder, env=env, capture_output=True, text=True)
    assert shadowed.returncode != 0 and "AttributeError" in shadowed.stderr
    assert subprocess.run([sys.executable, "-P", "-c", check], cwd=folder, env=env, capture_output=True).returncode == 0
    # The two commands the README gives work from that folder.
    for command in (
        ["cartera-xls", "validate", "mi cartera.xlsx"],
        [sys.executable, "-P", "-m", "cartera_xls", "validate", "mi cartera.xlsx"],
    ):
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "Clientes: 0" in done.stdout, done.stderr
    for command in (["bash", str(paths["linux-shell"]), "auto"], desktop_exec(paths["linux"])):
        done = subprocess.run(command, cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Escrito: mi cartera.xlsx" in done.stdout
    assert len(backups(folder)) == 2
    # The desktop entry opens a terminal and is executable, as file managers want it to launch on a double click.
    entry = paths["linux"].read_text("utf-8")
    assert "Terminal=true" in entry and os.access(paths["linux"], os.X_OK)


@pytest.mark.skipif(sys.platform.startswith("win"), reason="the Linux launchers run under bash")
def test_a_launcher_without_the_tool_says_how_to_install_it(tmp_path: Path) -> None:
    folder = _shadowed_folder(tmp_path)
    # A teammate's machine: python3 without the tool, no cartera-xls command.
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("bash", "dirname", "python3"):
        found = shutil.which(tool, path="/usr/bin:/bin")
        assert found is not None
        (bare / tool).symlink_to(found)
    shell = launcher_paths(folder / "mi cartera.xlsx")["linux-shell"]
    done = subprocess.run(
        [str(bare / "bash"), str(shell), "auto"],
        cwd=folder,
        env=_environment(tmp_path, str(bare)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 127
    assert done.stdout.strip() == messages.LAUNCHER_NOT_INSTALLED.format(command=messages.INSTALL_COMMAND_POSIX)
    assert "No such file" not in done.stdout + done.stderr


def test_no_launcher_holds_a_path_of_the_machine_that_wrote_it(tmp_path: Path) -> None:
    workbook = tmp_path / "cartera 100% €.xlsx"
    written = write_launchers(workbook)
    assert set(written) == {"windows", "macos", "linux", "linux-shell"}
    for kind, path in written.items():
        text = path.read_bytes().decode("utf-8")
        assert text == launcher_text(workbook, kind)
        assert str(tmp_path) not in text and sys.executable not in text and "/home/" not in text
    windows = written["windows"].read_bytes().decode("utf-8")
    assert windows.startswith("@echo off\r\n") and "\r\n" in windows and "\n" not in windows.replace("\r\n", "")
    # The command first, then the py launcher and python with -P (the folder cannot shadow the package); % doubled for cmd.
    order = [
        'cartera-xls refresh "cartera 100%% €.xlsx"',
        'py -3 -P -m cartera_xls refresh "cartera 100%% €.xlsx"',
        "python -P -m cartera_xls",
    ]
    assert [windows.index(line) for line in order] == sorted(windows.index(line) for line in order)
    assert messages.INSTALL_COMMAND_WINDOWS in windows and 'if /i not "%~1"=="auto" pause' in windows
    macos = written["macos"].read_text("utf-8")
    assert macos == written["linux-shell"].read_text("utf-8") and macos.startswith("#!/bin/bash\n")
    assert f"workbook={shlex.quote(workbook.name)}" in macos and "python3 -P -m cartera_xls" in macos
    assert all(os.access(written[kind], os.X_OK) for kind in ("macos", "linux", "linux-shell"))


def test_init_and_demo_say_every_launcher(tmp_path: Path) -> None:
    code, out, _ = run("init", str(tmp_path / "cartera.xlsx"))
    assert code == 0
    assert (
        messages.CLI_LAUNCHERS_WRITTEN.format(
            windows="Actualizar cartera.bat", macos="Actualizar cartera.command", linux="Actualizar cartera.desktop"
        )
        in out.splitlines()
    )


# --- point 4: a calendar per salesperson, every output path checked first ---------------------------------------


def _uids(path: Path) -> set[str]:
    return set(re.findall(r"^UID:(.+)$", path.read_text("utf-8").replace("\r\n", "\n"), re.M))


def _cancelled(path: Path) -> set[str]:
    events = path.read_text("utf-8").replace("\r\n", "\n").split("BEGIN:VEVENT")[1:]
    return {re.search(r"^UID:(.+)$", event, re.M).group(1) for event in events if "STATUS:CANCELLED" in event}  # type: ignore[union-attr]


def test_a_folder_gets_a_calendar_per_salesperson(tmp_path: Path) -> None:
    assert run("demo", str(tmp_path), "--hoy", "2026-11-18")[0] == 0
    workbook, folder = tmp_path / "cartera_demo.xlsx", tmp_path / "agendas"
    folder.mkdir()
    code, out, err = run("refresh", str(workbook), "--hoy", "2026-11-18", "--ics", str(folder))
    assert code == 0, err
    team = folder / "agenda.ics"
    own = sorted(path for path in folder.iterdir() if path != team)
    assert [path.name for path in own] == ["agenda - Carla Núñez.ics", "agenda - Fiorella Soto.ics", "agenda - Óscar Lima.ics"]
    assert f"Agendas exportadas en {folder}: agenda.ics con todas" in out
    # Each action is in the team's calendar and in exactly one salesperson's, with the same UID.
    mine = [_uids(path) for path in own]
    assert set().union(*mine) == _uids(team) and sum(len(uids) for uids in mine) == len(_uids(team))
    # Carla's clients handed to Óscar: her calendar cancels them, his gets them with the same UIDs.
    import openpyxl

    book = openpyxl.load_workbook(workbook)
    clientes = book["Clientes"]
    header_row = next(row for row in range(1, 6) if "Vendedor" in [cell.value for cell in clientes[row]])
    column = [cell.value for cell in clientes[header_row]].index("Vendedor") + 1
    for row in range(header_row + 1, clientes.max_row + 1):
        if clientes.cell(row, column).value == "Carla Núñez":
            clientes.cell(row, column).value = "Óscar Lima"
    book.save(workbook)
    carla, oscar = folder / "agenda - Carla Núñez.ics", folder / "agenda - Óscar Lima.ics"
    carla_before = _uids(carla)
    assert run("refresh", str(workbook), "--hoy", "2026-11-18", "--ics", str(folder))[0] == 0
    assert _cancelled(carla) == carla_before  # nothing of hers is pending: her calendar removes every event
    assert carla_before <= _uids(oscar) and not (carla_before & _cancelled(oscar))  # his, with the same UIDs


@pytest.mark.parametrize("agenda", ["no existe/agenda.ics", "no existe/", "cartera.xlsx", "otra.xlsx"])
def test_an_agenda_that_cannot_be_written_leaves_the_workbook_untouched(tmp_path: Path, agenda: str) -> None:
    workbook = tmp_path / "cartera.xlsx"
    assert run("init", str(workbook))[0] == 0
    before = workbook.read_bytes()
    code, out, err = run("refresh", str(workbook), "--ics", str(tmp_path / agenda) + ("/" if agenda.endswith("/") else ""))
    assert code == 2 and out == ""
    assert err.strip() in {
        messages.ICS_NO_FOLDER.format(path=tmp_path / "no existe"),
        messages.ICS_ON_WORKBOOK.format(path=Path(agenda).name),
    }
    assert workbook.read_bytes() == before and not backups(tmp_path)


# --- point 5: who refreshed and when --------------------------------------------------------------------------


def test_resumen_and_agenda_say_who_refreshed_and_when(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    import openpyxl

    from cartera_xls.styles import Stamped, stamped

    monkeypatch.setenv(USER_VARIABLE, "Lucía")
    workbook = tmp_path / "cartera.xlsx"
    assert run("init", str(workbook))[0] == 0
    before = dt.datetime.now().replace(second=0, microsecond=0)
    assert run("refresh", str(workbook))[0] == 0  # as of today: the time too
    book = openpyxl.load_workbook(workbook)
    for sheet, cell in (("Resumen", "A3"), ("Agenda", "A2")):
        value, number_format = book[sheet][cell].value, book[sheet][cell].number_format
        assert before <= value <= dt.datetime.now(), sheet
        assert number_format == '"Actualizado el "dd/mm/yyyy" a las "hh:mm" por Lucía"', sheet
    # As of another day (--hoy), the stamp is that day, with no time, still signed, and it says «Calculado al».
    assert stamped(dt.date(2026, 11, 2), dt.datetime(2026, 12, 2, 9, 41, 7), 'Ana "la jefa"') == Stamped(
        dt.datetime(2026, 11, 2), '" por Ana la jefa"', "Calculado al"
    )
    today = stamped(dt.date(2026, 12, 2), dt.datetime(2026, 12, 2, 9, 41, 7), "")
    assert today == Stamped(dt.datetime(2026, 12, 2, 9, 41), '" a las "hh:mm', "Actualizado el")


# --- issue 32: the first day, for every teammate and every file name ------------------------------------------------

HARD_NAME = "Cartera 100% Perú & Cía $HOME 'x' \"y\" (2026).xlsx"


def _bare_path(tmp_path: Path) -> Path:
    """A teammate's PATH: bash and the few tools the launchers use, python3 without the tool, no cartera-xls command."""
    bare = tmp_path / "bin"
    bare.mkdir(exist_ok=True)
    for tool in ("bash", "dirname", "python3", "find", "sleep"):
        found = shutil.which(tool, path="/usr/bin:/bin")
        assert found is not None
        if not (bare / tool).exists():
            (bare / tool).symlink_to(found)
    return bare


@pytest.mark.skipif(sys.platform.startswith("win"), reason="the Linux launchers run under bash")
def test_the_launchers_find_the_projects_venv_above_the_workbook(tmp_path: Path) -> None:
    """Issue 32, point 1: the README's install puts the tool only in the project's .venv; a launcher under it finds it."""
    project = tmp_path / "home" / "cartera_xls"
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "cartera-xls").symlink_to(BIN / "cartera-xls")
    folder = project / "carteras" / "zona norte"
    folder.mkdir(parents=True)
    assert run("init", str(folder / "cartera.xlsx"))[0] == 0
    paths = launcher_paths(folder / "cartera.xlsx")
    env = _environment(tmp_path, str(_bare_path(tmp_path)))
    for command in (["bash", str(paths["linux-shell"]), "auto"], desktop_exec(paths["linux"])):
        done = subprocess.run(command, cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Escrito: cartera.xlsx" in done.stdout


@pytest.mark.skipif(sys.platform.startswith("win"), reason="the Linux launchers run under bash")
def test_a_launcher_without_the_tool_gives_a_command_that_works_from_the_project_folder(tmp_path: Path) -> None:
    folder = _shadowed_folder(tmp_path)
    shell = launcher_paths(folder / "mi cartera.xlsx")["linux-shell"]
    done = subprocess.run(
        ["bash", str(shell), "auto"], cwd=folder, env=_environment(tmp_path, str(_bare_path(tmp_path))), capture_output=True, text=True
    )
    assert done.returncode == 127
    command = done.stdout.strip().rsplit(": ", 1)[1]
    assert command == "pipx install ."  # run in the project folder (the one with pyproject.toml), it installs the tool
    assert (Path(__file__).parents[1] / "pyproject.toml").exists()


@pytest.mark.skipif(sys.platform.startswith("win"), reason="the Linux launchers run under bash")
@pytest.mark.parametrize("how", ["shell", "file manager", "gio in the folder", "gio elsewhere"])
def test_every_launcher_runs_for_any_file_name(tmp_path: Path, how: str) -> None:
    """Issue 32, point 5: %, $, quotes, &, accents and spaces; the desktop entry from a file manager (%k) and from gio (no %k)."""
    folder = tmp_path / "Dropbox" / "Ventas 100% & Cía"
    folder.mkdir(parents=True)
    workbook = folder / HARD_NAME
    assert run("init", str(workbook))[0] == 0
    paths = launcher_paths(workbook)
    exec_line = next(line for line in paths["linux"].read_text("utf-8").splitlines() if line.startswith("Exec="))
    assert "100%% Perú" in exec_line and "100% Perú" not in exec_line  # a literal % is %% in Exec (Name keeps it as it is)
    commands = {
        "shell": ["bash", str(paths["linux-shell"]), "auto"],
        "file manager": desktop_exec(paths["linux"]),
        "gio in the folder": gio_exec(paths["linux"]),
        "gio elsewhere": gio_exec(paths["linux"]),
    }
    env = {**_environment(tmp_path, f"{BIN}:/usr/bin:/bin"), "HOME": str(tmp_path)}
    cwd = tmp_path if how == "gio elsewhere" else folder
    done = subprocess.run(commands[how], cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Escrito: {HARD_NAME}" in done.stdout
    # the Windows batch file doubles every % of the name for cmd, and quotes the name
    batch = paths["windows"].read_text("utf-8")
    assert f'refresh "{HARD_NAME.replace("%", "%%")}"' in batch


def test_help_names_the_program_as_invoked() -> None:
    """Issue 32, point 6."""
    from cartera_xls.cli import program_name

    assert program_name("/home/ana/.local/bin/cartera-xls") == "cartera-xls"
    assert program_name("C:\\Users\\ana\\Scripts\\cartera-xls.exe".replace("\\", "/")) == "cartera-xls"
    assert program_name("/work/cartera_xls/__main__.py") == "python -m cartera_xls"
    done = subprocess.run([str(BIN / "cartera-xls"), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("uso: cartera-xls "), done.stdout[:200]
    done = subprocess.run([sys.executable, "-P", "-m", "cartera_xls", "--help"], capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("uso: python -m cartera_xls "), done.stdout[:200]


def _without_root_overrides() -> None:
    """In the child, before exec: root loses CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so file modes hold for it."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2  # linux/prctl.h, linux/capability.h


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux users and capabilities")
def test_a_read_only_workbook_is_refreshed_by_an_ordinary_user_and_stays_read_only(tmp_path: Path) -> None:
    """Issue 32, point 4: as a user who is not root. CI runs as root, whom file modes do not stop: the refresh runs there
    without the capabilities that let root write a read-only file (dropped from its bounding set), as any user."""
    workbook = tmp_path / "cartera.xlsx"
    assert run("init", str(workbook))[0] == 0
    workbook.chmod(0o444)
    user: dict[str, Any] = {"preexec_fn": _without_root_overrides} if os.geteuid() == 0 else {}
    done = subprocess.run(
        [str(BIN / "cartera-xls"), "refresh", workbook.name],
        cwd=tmp_path,
        env=_environment(tmp_path, f"{BIN}:/usr/bin:/bin"),
        capture_output=True,
        text=True,
        timeout=120,
        **user,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Escrito: cartera.xlsx" in done.stdout
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o444  # still read-only
    assert len(backups(tmp_path)) == 1
