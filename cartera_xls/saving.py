"""The one door to the disk: every regenerated workbook is written through :func:`save`.

``save`` owns the whole replace policy, so a notebook's ``cartera.save(path)``
refuses exactly what ``refresh`` refuses, with the same Spanish message:

1. the target must not be open in Excel or LibreOffice (their lock files);
2. only one refresh of a file at a time (our own lock beside it);
3. replacing the workbook that was read is refused when it holds content the
   new one cannot carry (named in the message), unless ``force``;
4. nor when it changed on disk since it was read (someone saved it meanwhile);
5. the new file goes to a temp file in the same folder, is checked, the old one
   is copied to ``respaldos/`` and the temp file replaces it atomically.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import carry
from .errors import ContentWouldBeLost, WorkbookChanged, WriteFailed
from .pipeline import Refreshed
from .progress import AT_VERIFYING, Report, quiet
from .safety import atomic_write, check_not_open, fingerprint, real_path, refresh_lock
from .schema import messages
from .schema.sheets import DATA_SHEETS, GENERATED_SHEETS, REGLAS
from .sources import SUFFIXES, check_written, has_macros
from .tables import SheetTable
from .writing import write_workbook

OUTPUT_SUFFIX = ".xlsx"
MACRO_SUFFIX = ".xlsm"


@dataclass(frozen=True)
class Source:
    """The workbook a portfolio was read from, as it was on disk when read."""

    path: Path
    fingerprint: str  # digest of its bytes at reading time
    generated: bool  # one cartera_xls wrote: its generated sheets are ours to regenerate


def output_path(path: str | Path, source: Path | None = None) -> Path:
    """Where a workbook asked for at ``path`` is written.

    In place of a workbook read as .xls, .ods or .csv: the ``.xlsx`` beside it.
    A name given: kept as given when it is ``.xlsx`` (or the ``.xlsm`` with macros
    it was read from), ``.xlsx`` added when it has no spreadsheet suffix
    (``resumen.2026`` → ``resumen.2026.xlsx``), refused for a format the tool
    only reads (``x.csv``), rather than written under another name.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == MACRO_SUFFIX and source is not None and source.suffix.lower() == MACRO_SUFFIX and has_macros(source):
        return path
    if source is not None and path.absolute() == source.absolute():
        return path.with_suffix(OUTPUT_SUFFIX)
    if suffix == OUTPUT_SUFFIX:
        return path
    if suffix in SUFFIXES:
        raise WriteFailed(messages.CANNOT_WRITE.format(path=path, detail=messages.OUTPUT_FORMAT.format(suffix=suffix)))
    return path.with_name(path.name + OUTPUT_SUFFIX)


def save(
    refreshed: Refreshed,
    path: str | Path,
    source: Source | None = None,
    *,
    force: bool = False,
    keep_backups: int | None = None,
    progress: Report = quiet,
) -> Path | None:
    """Write ``refreshed`` to ``path`` safely; return the backup of the file it replaced, if any.

    ``source`` is the workbook it was read from: replacing it is checked for
    content that would be lost (unless ``force``) and for changes on disk since
    it was read.
    """
    target = output_path(path, source.path if source is not None else None)
    check_not_open(target)
    replaced = source if source is not None and is_in_place(target, source) else None

    def unchanged() -> None:
        if replaced is not None and fingerprint(replaced.path) != replaced.fingerprint:
            raise WorkbookChanged(messages.CHANGED_ON_DISK.format(path=replaced.path.name))

    unchanged()
    plan = carry_plan(refreshed, source) if source is not None and source.path.is_file() else None
    if replaced is not None and not force and plan is not None and plan.lost:
        raise ContentWouldBeLost(messages.CANNOT_CARRY.format(path=replaced.path.name, what="; ".join(plan.lost)))

    keep = refreshed.parameters.respaldos if keep_backups is None else keep_backups
    with refresh_lock(target), bulk_work():
        write = lambda temp: write_workbook(refreshed, temp, progress, plan)  # noqa: E731
        return atomic_write(target, write, _verifier(refreshed, target, plan, progress), keep, unchanged)


def carry_plan(refreshed: Refreshed, source: Source) -> carry.Plan | None:
    """What of the source package the new workbook carries (None for .xls, .ods and other formats)."""
    portfolio = refreshed.portfolio
    data_sheets = {table.name: _layout(table) for table in portfolio.tables.values()}
    renamed = {sheet.source_name: sheet.name for sheet in portfolio.unknown if sheet.source_name and sheet.source_name != sheet.name}
    return carry.plan(real_path(source.path), data_sheets, renamed, (*GENERATED_SHEETS, REGLAS.label), source.generated)


def _layout(table: SheetTable) -> carry.DataSheet:
    """What the scan found of a data sheet, and where the tool writes its table."""
    columns = [*table.positions.values(), *table.computed_at.values()] or [table.first_col]
    details = table.cells.details
    area = (table.header_row, min(columns), max(columns), table.last_row - 1)
    return carry.DataSheet(details.head, details.tail, area, table.table_rows)


def is_in_place(target: Path, source: Source) -> bool:
    """Whether writing ``target`` replaces the workbook ``source`` was read from."""
    return target.exists() and target.resolve() == source.path.resolve()


def _verifier(refreshed: Refreshed, target: Path, plan: carry.Plan | None, progress: Report = quiet) -> Callable[[Path], None]:
    """A check that a written file is whole, holds every row of every data sheet and every cell the team typed on them.

    What fails is said of ``target``, the file the team asked for, never of the
    temporary file beside it that was checked (``.err.cartera-tmp-31894.xlsx``).
    """
    heights = {table.name: table.last_row for table in refreshed.tables.values() if table.spec in DATA_SHEETS}
    patched = [table for table in refreshed.tables.values() if plan is not None and table.name in plan.data_sheets]

    def verify(path: Path) -> None:
        progress(messages.PROGRESS_VERIFYING, AT_VERIFYING)
        try:
            check_written(path, heights, {table.name: _team_cells(table) for table in patched if _rows_rewritten(table)})
        except Exception as exc:
            raise WriteFailed(messages.CANNOT_WRITE.format(path=target.name, detail=f"{exc}; {messages.WRITE_CHECK_HINT}")) from None

    return verify


def _rows_rewritten(table: SheetTable) -> bool:
    """Whether patching a data sheet rewrites rows of the team's (cells of the tool's among theirs), not only passes them on."""
    return bool(table.spec.computed_columns or table.assigned or table.merged)


def _team_cells(table: SheetTable) -> dict[int, list[tuple[int, Any]]]:
    """The cells of the team's a patched data sheet must hold as read: column → (0-based row, value), the non-blank ones.

    The tool's computed columns are left out, and so are the cells a conflicted copy's merge changed.
    """
    owned = set(table.computed_at.values())
    merged = {(row - 1, table.positions[slot]) for row, slot in table.merged if slot in table.positions}
    found: dict[int, list[tuple[int, Any]]] = {}
    for row, values in enumerate(table.cells.top):
        for col, value in enumerate(values):
            if col not in owned and value not in _BLANK and (row, col) not in merged:
                found.setdefault(col, []).append((row, value))
    first = len(table.cells.top)
    for col, values in enumerate(table.cells.below):
        if col in owned:
            continue
        kept = [(first + row, value) for row, value in enumerate(values) if value not in _BLANK and (first + row, col) not in merged]
        if kept:
            found.setdefault(col, []).extend(kept)
    return found


_BLANK = (None, "")


@contextmanager
def bulk_work() -> Iterator[None]:
    """Hold the cyclic garbage collector off while reading or writing a workbook.

    Both allocate millions of small tuples that never form a cycle, and with the
    collector on it walks the whole heap again and again as they pile up
    (measured on the L benchmark: about 4 s of a 35 s refresh, same peak memory).
    Reference counting still frees everything; the few cycles made meanwhile are
    collected once the collector is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # The objects made meanwhile go straight to the oldest generation: otherwise the first
            # collection after enabling walks all of them at once (2 s on the L benchmark).
            gc.freeze()
            gc.unfreeze()
            gc.enable()
