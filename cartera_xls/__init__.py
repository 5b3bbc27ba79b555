"""cartera_xls — the team's customer portfolio workbook, read, classified and written back.

>>> import cartera_xls
>>> cartera = cartera_xls.load("cartera.xlsx")      # doctest: +SKIP
>>> cartera.clientes.head()                          # doctest: +SKIP
>>> cartera.save("cartera_actualizada.xlsx")         # doctest: +SKIP

The public names are imported on first use (PEP 562), so ``python -m
cartera_xls --help`` answers without loading pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .cartera import Cartera, RefreshResult, load, refresh
    from .errors import (
        CarteraError,
        ContentWouldBeLost,
        DateOutOfRange,
        MissingClients,
        NoSales,
        PasswordProtected,
        UnreadableWorkbook,
        WorkbookChanged,
        WorkbookInUse,
        WriteFailed,
    )
    from .problems import Problem

_WHERE = {
    "Cartera": "cartera",
    "RefreshResult": "cartera",
    "load": "cartera",
    "refresh": "cartera",
    "CarteraError": "errors",
    "ContentWouldBeLost": "errors",
    "DateOutOfRange": "errors",
    "MissingClients": "errors",
    "NoSales": "errors",
    "PasswordProtected": "errors",
    "UnreadableWorkbook": "errors",
    "WorkbookChanged": "errors",
    "WorkbookInUse": "errors",
    "WriteFailed": "errors",
    "Problem": "problems",
}

__all__ = [
    "Cartera",
    "CarteraError",
    "ContentWouldBeLost",
    "DateOutOfRange",
    "MissingClients",
    "NoSales",
    "PasswordProtected",
    "Problem",
    "RefreshResult",
    "UnreadableWorkbook",
    "WorkbookChanged",
    "WorkbookInUse",
    "WriteFailed",
    "__version__",
    "load",
    "refresh",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
