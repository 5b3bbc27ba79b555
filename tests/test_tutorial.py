"""docs/tutorial.ipynb runs as written, cell after cell, so it cannot rot."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_tutorial_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "plantillas", tmp_path / "plantillas")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    notebook = json.loads((ROOT / "docs" / "tutorial.ipynb").read_text("utf-8"))
    namespace: dict[str, object] = {}
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert len(code_cells) >= 8
    for number, cell in enumerate(code_cells):
        exec(compile("".join(cell["source"]), f"tutorial.ipynb[{number}]", "exec"), namespace)
    assert (tmp_path / "docs" / "cartera_tutorial.xlsx").exists()
    import matplotlib.pyplot as plt  # a test dependency: the tutorial's plots need it

    assert plt.get_fignums(), "the tutorial draws its plots"
    plt.close("all")
