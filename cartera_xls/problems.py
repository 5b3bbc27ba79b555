"""Problems found in the data: values, not exceptions.

Every check yields :class:`Problem` rows; they end up in the ``Revisar`` sheet,
in ``cartera.revisar`` and in the command line summary. The row that caused a
problem is always kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .schema import messages
from .schema.sheets import DATE_FORMAT


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the workbook, located by sheet, row and column."""

    sheet: str
    row: int | None  # Excel row number (1-based); None for sheet-wide problems
    column: str  # the header as the team sees it; "" when not about one column
    value: str
    message: str
    hint: str
    severity: str = messages.SEVERITY_ERROR

    @classmethod
    def of(
        cls,
        template: tuple[str, str],
        sheet: str,
        row: int | None,
        column: str,
        value: Any = "",
        severity: str = messages.SEVERITY_ERROR,
        **fields: Any,
    ) -> Problem:
        """Fill a ``(message, hint)`` template of :mod:`schema.messages`."""
        shown = display(value)
        message, hint = template
        values = {"value": shown, "column": column, **fields}
        return cls(sheet, row, column, shown, message.format(**values), hint.format(**values).strip(), severity)


def display(value: Any) -> str:
    """A cell value as the team would read it in a message."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return str(value.strftime(DATE_FORMAT))
    return str(value)
