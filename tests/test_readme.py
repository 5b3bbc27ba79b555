"""The README's Python example runs as written, and its commands exist."""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import pytest

from cartera_xls.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def test_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "plantillas", tmp_path / "plantillas")
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert (tmp_path / "cartera_actualizada.xlsx").exists()


def test_commands_in_the_table_exist() -> None:
    commands = set(re.findall(r"`\.venv/bin/cartera-xls (\w+)", README))
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert commands and commands <= set(subparsers.choices)


def test_transcript_is_what_the_demo_prints(tmp_path: Path) -> None:
    """«Uso diario» shows ``demo`` then ``refresh`` as a user types them: both commands print what is shown."""
    import io

    from cartera_xls.cli import main
    from cartera_xls.demo import FIXED_HOY

    transcript = re.search(
        r"```text\n\$ \.venv/bin/cartera-xls demo --hoy (\S+)\n(.*?)\$ \.venv/bin/cartera-xls refresh (\S+) --hoy (\S+)\n(.*?)```",
        README,
        re.S,
    )
    assert transcript is not None
    demo_hoy, demo_printed, name, hoy, printed = transcript.groups()
    assert demo_hoy == hoy == FIXED_HOY.isoformat()
    # Lines that depend on the machine: where it was written, the backup's time.
    varying = ("Escrito", "Respaldo")
    commands = ((["demo", str(tmp_path), "--hoy", hoy], demo_printed), (["refresh", str(tmp_path / name), "--hoy", hoy], printed))
    for command, shown in commands:
        out = io.StringIO()
        assert main(command, out=out, err=io.StringIO()) == 0
        expected = [line for line in shown.splitlines() if not line.startswith(varying)]
        got = [line.replace(str(tmp_path) + "/", "") for line in out.getvalue().splitlines() if not line.startswith(varying)]
        assert got == expected


def test_the_code_map_names_every_module_and_only_modules() -> None:
    section = README.split("## Para el equipo técnico", 1)[1]
    table = "\n".join(line for line in section.splitlines() if line.startswith("| ") and "módulos" not in line)
    named = set(re.findall(r"`(\w+)`", table))
    modules = {path.stem for path in (ROOT / "cartera_xls").glob("*.py")} - {"__init__", "__main__"}
    assert named == modules


def test_nothing_outside_the_repository_is_needed() -> None:
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *ROOT.glob("scripts/*"), *ROOT.glob("tests/*.py"), *ROOT.glob(".ci/*")]
    for path in (path for path in files if path != Path(__file__)):
        text = path.read_text("utf-8")
        assert "../shared" not in text and 'parent.parent / "shared"' not in text, path


def test_every_readme_command_works_as_written_in_a_new_terminal(tmp_path: Path) -> None:
    """Issue 32, point 2: in a new terminal in the project folder after the quick start (no environment activated), every
    command the README shows runs as written: the transcript's and the table's, on the files they name."""
    import datetime as dt
    import shutil
    import subprocess
    import sys

    from cartera_xls.cli import main

    from .conftest import make_workbook

    project = tmp_path / "proyecto"
    project.mkdir()
    (project / ".venv").symlink_to(Path(sys.executable).parents[1])  # what scripts/instalar.sh leaves there
    shown = re.findall(r"^\$ (\.venv/bin/cartera-xls .+)$", README, re.M)
    table = re.findall(r"^\| `(\.venv/bin/cartera-xls [^`]+)` \|", README, re.M)
    assert len(shown) == 2 and len(table) >= 9
    assert "`python -m cartera_xls " not in README.replace("`python -m cartera_xls` solo", "")  # no command that needs the venv active
    assert main(["demo", str(project), "--hoy", "2026-11-18"]) == 0
    shutil.copyfile(project / "cartera_demo.xlsx", project / "cartera.xlsx")
    sales: list[list[object]] = [["Fecha", "Cliente", "Producto", "Importe"], [dt.datetime(2026, 10, 1), "Bodega Sur", "Maca", 120.0]]
    make_workbook(project / "ventas.xlsx", {"Ventas": sales})
    make_workbook(project / "clientes.xlsx", {"Clientes": [["Nombre", "Teléfono"], ["Bodega Sur", "955111222"]]})
    (project / "ventas.csv").write_text("Fecha,Cliente,Producto,Importe\n2026-10-01,Bodega Sur,Maca,120\n", "utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    for command in [*shown, *table]:
        command = command.replace("[carpeta]", "demo_en_carpeta")
        done = subprocess.run(["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode in (0, 1), (command, done.stdout[-500:], done.stderr[-500:])  # validate says 1 when it finds problems
        assert "Traceback" not in done.stderr and "No such file" not in done.stderr, (command, done.stderr)
