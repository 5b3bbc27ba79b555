"""The README's Python example runs as written, and its commands exist."""

from __future__ import annotations

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
    commands = set(re.findall(r"`python -m cartera_xls (\w+)", README))
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert commands and commands <= set(subparsers.choices)  # type: ignore[attr-defined]
