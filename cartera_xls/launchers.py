"""A double-click launcher beside the workbook: it refreshes it in place and keeps the window open with the summary.

``init`` and ``demo`` write the one for the system they run on, with the Python
that ran them: ``Actualizar cartera.bat`` on Windows, ``Actualizar
cartera.command`` on macOS (Finder opens it in Terminal), ``Actualizar
cartera.sh`` on Linux. Run with the argument ``auto`` (as a scheduled task
does) it does not wait for a key.
"""

from __future__ import annotations

import shlex
import stat
import sys
from pathlib import Path

from .schema import messages

MARKER = "cartera_xls launcher"  # a launcher that says this is ours to rewrite; any other file of that name is left alone
AUTO = "auto"


def launcher_path(workbook: Path, platform: str = sys.platform) -> Path:
    """Where the launcher of ``workbook`` goes on ``platform`` (``Actualizar cartera.bat`` for ``cartera.xlsx``)."""
    suffix = ".bat" if platform.startswith("win") else ".command" if platform == "darwin" else ".sh"
    return workbook.with_name(messages.LAUNCHER_NAME.format(stem=workbook.stem) + suffix)


def launcher_text(workbook: Path, python: str = sys.executable, platform: str = sys.platform) -> str:
    """The launcher's script: refresh ``workbook`` (by its name, beside the launcher) with ``python``, then wait for a key."""
    if platform.startswith("win"):
        return "\r\n".join(
            [
                "@echo off",
                f"rem {MARKER}: {messages.LAUNCHER_COMMENT}",
                "chcp 65001 >nul",
                'cd /d "%~dp0"',
                f'"{python}" -m cartera_xls refresh "{workbook.name}"',
                f'if /i not "%~1"=="{AUTO}" pause',
                "",
            ]
        )
    return "\n".join(
        [
            "#!/bin/bash",
            f"# {MARKER}: {messages.LAUNCHER_COMMENT}",
            'cd "$(dirname "$0")" || exit 2',
            f"{shlex.quote(python)} -m cartera_xls refresh {shlex.quote(workbook.name)}",
            "status=$?",
            f'if [ "$1" != {AUTO} ] && [ -t 0 ]; then read -r -n 1 -s -p {shlex.quote(messages.LAUNCHER_PAUSE)}; echo; fi',
            'exit "$status"',
            "",
        ]
    )


def write_launcher(workbook: Path, python: str = sys.executable, platform: str = sys.platform) -> Path | None:
    """Write the launcher beside ``workbook``; ``None`` when a file of that name that is not ours is there."""
    path = launcher_path(workbook, platform)
    if path.exists():
        try:
            ours = MARKER in path.read_text("utf-8", errors="replace")
        except OSError:
            ours = False
        if not ours:
            return None
    path.write_bytes(launcher_text(workbook, python, platform).encode("utf-8"))
    if not platform.startswith("win"):
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path
