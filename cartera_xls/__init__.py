"""cartera_xls — the team's customer portfolio workbook, read, classified and written back.

>>> import cartera_xls
>>> cartera = cartera_xls.load("cartera.xlsx")      # doctest: +SKIP
>>> cartera.clientes.head()                          # doctest: +SKIP
>>> cartera.save("cartera_actualizada.xlsx")         # doctest: +SKIP
"""

__version__ = "0.1.0"

from .cartera import Cartera, RefreshResult, load, refresh
from .errors import (
    CarteraError,
    ContentWouldBeLost,
    MissingClients,
    PasswordProtected,
    UnreadableWorkbook,
    WorkbookChanged,
    WorkbookInUse,
    WriteFailed,
)
from .problems import Problem

__all__ = [
    "Cartera",
    "CarteraError",
    "ContentWouldBeLost",
    "MissingClients",
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
