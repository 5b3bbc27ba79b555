"""Double-click launchers beside the workbook, one per system, that work on every teammate's machine.

The workbook lives in a shared folder (Dropbox) and each salesperson opens it on
their own Windows, macOS or Linux machine, so ``init``, ``demo`` and a workbook
started from an export write every launcher at once: ``Actualizar cartera.bat``
(Windows), ``Actualizar cartera.command`` (macOS: Finder opens it in Terminal),
``Actualizar cartera.desktop`` (Linux: opens a terminal) and ``Actualizar
cartera.sh`` (Linux, for a terminal or a scheduler). None holds a path of the
machine that wrote it: each finds the tool where it runs (the ``cartera-xls``
command, the ``.venv`` of the project folder the workbook sits in or under,
else ``py``/``python3`` with ``-P`` so that a ``cartera_xls`` folder beside the
workbook cannot shadow the package), refreshes the workbook beside it and keeps
the window open with the summary. Where the tool is not installed it says the
command that installs it from the project folder. Any file name works (a ``%``
is doubled for cmd and for the desktop entry's Exec). With the argument
``auto`` (a scheduled task) it does not wait for a key.
"""

from __future__ import annotations

import shlex
import stat
from collections.abc import Callable
from pathlib import Path

from .schema import messages

MARKER = "cartera_xls launcher"  # a launcher that says this is ours to rewrite; any other file of that name is left alone
AUTO = "auto"
COMMAND = "cartera-xls"  # the console script pip and pipx put on the PATH
VENV_COMMAND = f".venv/bin/{COMMAND}"  # where scripts/instalar.sh puts it, in the project folder
VENV_COMMAND_WINDOWS = f".venv\\Scripts\\{COMMAND}.exe"
NOT_INSTALLED = 127  # the shell's «command not found»
NOT_INSTALLED_WINDOWS = 9009  # cmd's


def _posix(workbook: Path) -> str:
    """The bash script of macOS and Linux: the first way to run the tool that this machine has.

    The command on the PATH, pipx's place, the ``.venv`` of the project folder the workbook sits in or under
    (where the README's install puts it), then ``python3 -P`` where the package is importable.
    """
    local = f"$HOME/.local/bin/{COMMAND}"  # pipx's and pip --user's place, not always on a double click's PATH
    missing = messages.LAUNCHER_NOT_INSTALLED.format(command=messages.INSTALL_COMMAND_POSIX)
    return "\n".join(
        [
            "#!/bin/bash",
            f"# {MARKER}: {messages.LAUNCHER_COMMENT}",
            'cd "$(dirname "$0")" || exit 2',
            f"workbook={shlex.quote(workbook.name)}",
            'venv="" folder="$PWD"',
            "while :; do  # the project's own environment, in this folder or one above",
            f'  if [ -x "$folder/{VENV_COMMAND}" ]; then venv="$folder/{VENV_COMMAND}"; break; fi',
            '  [ "$folder" = / ] || [ -z "$folder" ] && break',
            '  folder="$(dirname "$folder")"',
            "done",
            f"if command -v {COMMAND} >/dev/null 2>&1; then",
            f'  {COMMAND} refresh "$workbook"',
            f'elif [ -x "{local}" ]; then',
            f'  "{local}" refresh "$workbook"',
            'elif [ -n "$venv" ]; then',
            '  "$venv" refresh "$workbook"',
            "elif command -v python3 >/dev/null 2>&1 && python3 -P -c 'import cartera_xls' >/dev/null 2>&1; then",
            '  python3 -P -m cartera_xls refresh "$workbook"',
            "else",
            f"  echo {shlex.quote(missing)}",
            f"  (exit {NOT_INSTALLED})",
            "fi",
            "status=$?",
            f'if [ "$1" != {AUTO} ] && [ -t 0 ]; then read -r -n 1 -s -p {shlex.quote(messages.LAUNCHER_PAUSE)}; echo; fi',
            'exit "$status"',
            "",
        ]
    )


def _windows(workbook: Path) -> str:
    """The batch file of Windows: ``cartera-xls``, else the ``py`` launcher, else ``python``; UTF-8 from its fourth line."""
    name = workbook.name.replace("%", "%%")
    missing = messages.LAUNCHER_NOT_INSTALLED.format(command=messages.INSTALL_COMMAND_WINDOWS)
    lines = [
        "@echo off",
        f"rem {MARKER}: {messages.LAUNCHER_COMMENT}",
        "chcp 65001 >nul",
        'cd /d "%~dp0"',
        f"where {COMMAND} >nul 2>nul",
        "if errorlevel 1 goto venv",
        f'{COMMAND} refresh "{name}"',
        "goto done",
        ":venv",
        *[
            f'if exist "%~dp0{up}{VENV_COMMAND_WINDOWS}" ("%~dp0{up}{VENV_COMMAND_WINDOWS}" refresh "{name}" & goto done)'
            for up in ("", "..\\", "..\\..\\", "..\\..\\..\\")
        ],
        ":py",
        'py -3 -P -c "import cartera_xls" >nul 2>nul',
        "if errorlevel 1 goto python",
        f'py -3 -P -m cartera_xls refresh "{name}"',
        "goto done",
        ":python",
        'python -P -c "import cartera_xls" >nul 2>nul',
        "if errorlevel 1 goto missing",
        f'python -P -m cartera_xls refresh "{name}"',
        "goto done",
        ":missing",
        f"echo {missing}",
        f"cmd /c exit {NOT_INSTALLED_WINDOWS}",
        ":done",
        "set status=%errorlevel%",
        f'if /i not "%~1"=="{AUTO}" pause',
        "exit /b %status%",
        "",
    ]
    return "\r\n".join(lines)


def _desktop(workbook: Path) -> str:
    """The Linux desktop entry: a terminal that runs the ``.sh`` beside it, on any machine.

    ``%k`` is where the entry is when a file manager launches it; ``gio launch`` passes nothing there, so the
    folder is then the current one when the script is in it, else the first folder under the home that has it.
    A literal ``%`` of the workbook's name is written ``%%``, as the specification wants in Exec.
    """
    shell = launcher_paths(workbook)["linux-shell"].name
    found = f'find "$HOME" -maxdepth {SEARCH_DEPTH} -type f -name {shlex.quote(_glob_literal(shell))} -print -quit 2>/dev/null'
    script = (
        f'if [ -f "$0" ]; then cd "$(dirname "$0")" || exit 2; elif [ ! -f {shlex.quote(shell)} ]; then '
        f'here="$({found})"; [ -n "$here" ] && cd "$(dirname "$here")"; fi; '
        f"[ -f {shlex.quote(shell)} ] || {{ echo {shlex.quote(messages.LAUNCHER_NOT_FOUND.format(script=shell))}; sleep 10; exit 2; }}; "
        f"exec bash ./{shlex.quote(shell)}"
    )
    name = messages.LAUNCHER_NAME.format(stem=workbook.stem)
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.0",
            f"Name={_desktop_string(name)}",
            f"Comment={_desktop_string(f'{MARKER}: {messages.LAUNCHER_COMMENT}')}",
            f"Exec={_desktop_string('bash -c ' + _desktop_argument(script).replace('%', '%%') + ' %k')}",
            "Terminal=true",
            "Icon=x-office-spreadsheet",
            "",
        ]
    )


SEARCH_DEPTH = 6  # how deep under the home a desktop entry launched without its place looks for its script


def _glob_literal(name: str) -> str:
    """A file name as a ``find -name`` pattern that matches only itself."""
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in name)


def _desktop_argument(text: str) -> str:
    """One quoted argument of a desktop entry's Exec key (the specification's quoting rules)."""
    return '"' + "".join("\\" + ch if ch in '"`$\\' else ch for ch in text) + '"'


def _desktop_string(text: str) -> str:
    """A desktop entry value: backslashes escaped first, as the specification reads them before the Exec quoting."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


# Each launcher: its suffix, how it is made, whether it must be executable.
_KINDS: dict[str, tuple[str, Callable[[Path], str], bool]] = {
    "windows": (".bat", _windows, False),
    "macos": (".command", _posix, True),
    "linux": (".desktop", _desktop, True),  # GNOME and KDE launch an executable (trusted) entry on a double click
    "linux-shell": (".sh", _posix, True),
}


def launcher_paths(workbook: Path) -> dict[str, Path]:
    """Where each launcher of ``workbook`` goes (``Actualizar cartera.bat`` for ``cartera.xlsx``…), by kind."""
    stem = messages.LAUNCHER_NAME.format(stem=workbook.stem)
    return {kind: workbook.with_name(stem + suffix) for kind, (suffix, _, _) in _KINDS.items()}


def launcher_text(workbook: Path, kind: str) -> str:
    """The text of one launcher of ``workbook``: ``windows``, ``macos``, ``linux`` or ``linux-shell``."""
    return _KINDS[kind][1](workbook)


def write_launchers(workbook: Path) -> dict[str, Path]:
    """Write every launcher beside ``workbook``; a file of a launcher's name that is not ours is left alone (and not returned)."""
    written: dict[str, Path] = {}
    for kind, path in launcher_paths(workbook).items():
        if path.exists():
            try:
                ours = MARKER in path.read_text("utf-8", errors="replace")
            except OSError:
                ours = False
            if not ours:
                continue
        path.write_bytes(launcher_text(workbook, kind).encode("utf-8"))
        if _KINDS[kind][2]:
            path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        written[kind] = path
    return written
