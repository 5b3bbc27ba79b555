"""Problems found in the data: values, not exceptions.

Every check yields :class:`Problem` rows; they end up in the ``Revisar`` sheet,
in ``cartera.revisar`` and in the command line summary. The row that caused a
problem is always kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
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
    code: str = ""  # the kind of problem, stable whatever the wording (``bad-date``): alike problems group by it
    client: str = ""  # who the row is about («C004 · Ana Pérez»), so the reader need not go and look

    @classmethod
    def of(
        cls,
        template: messages.Template,
        sheet: str,
        row: int | None,
        column: str,
        value: Any = "",
        severity: str = messages.SEVERITY_ERROR,
        **fields: Any,
    ) -> Problem:
        """Fill a template of :mod:`schema.messages`."""
        shown = display(value)
        values = {"value": shown, "column": column, **fields}
        message, hint = template.message.format(**values), template.hint.format(**values).strip()
        return cls(sheet, row, column, shown, message, hint, severity, template.code)


def thousands(count: int) -> str:
    """``36.500``: a whole number as the team writes it, its thousands set off by points."""
    return f"{count:,}".replace(",", ".")


def display(value: Any) -> str:
    """A cell value as the team would read it in a message."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")  # 2,5 and 1e+300, as the team would read them
    if hasattr(value, "strftime"):
        return str(value.strftime(DATE_FORMAT))
    return str(value)


GROUP_FROM = 5  # this many alike problems (same sheet, column and kind) become one row
LISTED = 3  # and the first of them are still listed one by one
MAX_RANGES = 12  # row ranges spelled out in a group's message


def grouped(problems: Iterable[Problem], listed: int = LISTED) -> list[Problem]:
    """Problems as a person reads them: the same problem on many rows is one row with the count and the row ranges.

    «Ventas, filas 2–40001 (10.057 filas): falta el cliente» stands for ten
    thousand rows, followed by the first few of them one by one; a problem seen
    on fewer rows than :data:`GROUP_FROM` is listed as it is. Order is kept
    (each group where its first row was).
    """
    problems = list(problems)
    groups: dict[tuple[str, str, str, str], list[Problem]] = {}
    for problem in problems:
        if problem.row is not None and problem.code:
            groups.setdefault(_alike(problem), []).append(problem)
    result: list[Problem] = []
    for problem in problems:
        group = groups.get(_alike(problem)) if problem.row is not None else None
        if group is None or len(group) < GROUP_FROM:
            result.append(problem)
        elif problem is group[0]:
            rows = sorted({p.row for p in group if p.row is not None})
            summary = messages.GROUPED_PROBLEM.format(
                count=thousands(len(group)), rows=row_ranges(rows, MAX_RANGES), example=problem.message
            )
            result.append(
                Problem(problem.sheet, problem.row, problem.column, problem.value, summary, problem.hint, problem.severity, problem.code)
            )
            result.extend(group[:listed])
    return result


def _alike(problem: Problem) -> tuple[str, str, str, str]:
    """What alike problems share: the sheet, the column, the template and the severity."""
    return (problem.sheet, problem.column, problem.code, problem.severity)


def row_ranges(rows: Sequence[int], limit: int | None = None) -> str:
    """Excel rows as the team reads them: ``3–5, 8`` (the first ``limit`` ranges, then «…»)."""
    parts: list[str] = []
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if row is not None:
            start = previous = row
    if limit is not None and len(parts) > limit:
        parts = [*parts[:limit], "…"]
    return ", ".join(parts)


def named(problems: Iterable[Problem], clients: Mapping[tuple[str, int], str]) -> list[Problem]:
    """Each problem on a row that belongs to a client, with that client's «ID · Nombre» (``clients``: by sheet and row)."""
    return [
        dataclasses.replace(problem, client=clients.get((problem.sheet, problem.row), ""))
        if problem.row is not None and not problem.client
        else problem
        for problem in problems
    ]
