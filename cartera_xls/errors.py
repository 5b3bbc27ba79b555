"""Exceptions of cartera_xls. Their message is Spanish and ready for the team.

The tree::

    CarteraError
    ├── UnreadableWorkbook (ValueError)   the file cannot be read as a workbook
    │   └── PasswordProtected             it is encrypted
    ├── MissingClients (ValueError)       no usable Clientes sheet (nor sales to build one from)
    ├── DateOutOfRange (ValueError)       a reference date (hoy) the computation cannot hold
    ├── NoSales (ValueError)              the file given with --ventas has no sales, or the workbook has its own
    ├── ContentWouldBeLost (ValueError)   replacing it would drop charts, macros…
    ├── WorkbookInUse (OSError)           Excel, LibreOffice or another refresh has it open
    └── WriteFailed (OSError)             the output could not be written
        └── WorkbookChanged               someone saved it while we worked

Problems inside the data (a bad date, an unknown client) are never raised:
they are :class:`cartera_xls.problems.Problem` values in ``cartera.problems``.
"""

from __future__ import annotations


class CarteraError(Exception):
    """Base of every error this library raises on purpose."""


class UnreadableWorkbook(CarteraError, ValueError):
    """The file is missing, not a workbook, damaged or in an unknown format."""


class PasswordProtected(UnreadableWorkbook):
    """The workbook is encrypted with a password."""


class MissingClients(CarteraError, ValueError):
    """The workbook has no Clientes sheet, or it lacks a required column."""


class DateOutOfRange(CarteraError, ValueError):
    """The reference date is outside ``schema.FIRST_DAY`` .. ``schema.LAST_DAY``."""


class NoSales(CarteraError, ValueError):
    """The sales file given apart has no sales sheet, or the workbook already has one."""


class ContentWouldBeLost(CarteraError, ValueError):
    """The workbook holds content the regenerated one cannot carry; nothing was replaced."""


class WorkbookInUse(CarteraError, OSError):
    """A lock file says Excel, LibreOffice or another refresh has the workbook open."""


class WriteFailed(CarteraError, OSError):
    """The new workbook could not be written; the original is untouched."""


class WorkbookChanged(WriteFailed):
    """The workbook changed on disk between reading and replacing it; it was not replaced."""
