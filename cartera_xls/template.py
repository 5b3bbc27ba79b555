"""The empty workbook of ``init``: every sheet, header, dropdown and the instructions."""

from __future__ import annotations

from pathlib import Path

from .cartera import Cartera
from .errors import WriteFailed
from .schema import messages


def write_template(path: str | Path) -> Path:
    """Write the empty template at ``path``; never overwrites an existing file."""
    path = Path(path)
    if path.exists():
        raise WriteFailed(messages.FILE_EXISTS.format(path=path))
    Cartera.empty().save(path)
    return path
