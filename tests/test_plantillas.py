"""The committed examples in plantillas/ are what the code generates today."""

from __future__ import annotations

from pathlib import Path

from cartera_xls.demo import build_plantillas

PLANTILLAS = Path(__file__).resolve().parent.parent / "plantillas"


def test_plantillas_are_up_to_date(tmp_path: Path) -> None:
    for fresh in build_plantillas(tmp_path):
        committed = PLANTILLAS / fresh.name
        assert committed.exists(), f"falta {committed}"
        assert committed.read_bytes() == fresh.read_bytes(), f"{fresh.name} is stale: run python -m cartera_xls.demo"
