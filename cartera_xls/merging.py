"""Dropbox's conflicted copies merged into the workbook, with nothing of either side lost.

When two salespeople save the shared workbook at once, Dropbox keeps one of
them as «cartera (copia en conflicto de Ana 2026-11-21).xlsx». The merge is
three-way, against the workbook as the last refresh wrote it (kept in
``respaldos/`` as the base, see :func:`base_path`):

- Clientes rows match by ID (by name for a client without one); the log sheets
  (Ventas, Seguimiento, Oportunidades, Encuestas, Reclamos) are aligned in order
  against the base, as diff3 aligns lines: a row added on either side is kept
  once, and a row edited on one side is that row, merged cell by cell.
- A cell the copy changed and the workbook did not takes the copy's value; one
  both changed differently keeps the workbook's, and Revisar shows both.
- A row deleted on one side and left alone on the other is deleted (its cells
  emptied, the tool cannot take a row out of the team's sheet), its values said
  in Revisar so it can be typed back; one deleted on one side and changed on the
  other is kept and said.
- Without a base older than the copy, a two-way union: the copy's new rows are
  added, a blank of the workbook is filled from the copy, and every other cell
  that differs is said in Revisar.

Values travel as the cells were typed (the raw value, written back by the
tool) and as read (the typed value the rules use).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd
from defusedxml import ElementTree

from .ooxml import cell_range, notes
from .problems import Problem, display
from .raw import Formula, column_letters
from .schema import fold, header_key, messages
from .schema.sheets import CALCULATED_SUFFIX, CLIENTES, DATA_SHEETS
from .tables import EXTRA_PREFIX, SheetTable, UnknownSheet, is_missing, unique_slot

BASE_NAME = "{stem} (base para fusionar){suffix}"  # in respaldos/: the workbook as the last refresh wrote it
# «cartera (copia en conflicto de Ana 2026-11-21).xlsx», «cartera (Ana's conflicted copy 2026-11-21 (1)).xlsx»
_WHO_AND_WHEN = (
    re.compile(r"\(copia en conflicto de (?P<who>.+?) (?P<date>\d{4}-\d{2}-\d{2})(?: \(\d+\))?\)", re.I),
    re.compile(r"\((?P<who>.+?)['’]s conflicted copy (?P<date>\d{4}-\d{2}-\d{2})(?: \(\d+\))?\)", re.I),
    re.compile(r"\((?:(?P<who>.+?) )?(?:conflicted copy|copia en conflicto) (?P<date>\d{4}-\d{2}-\d{2})(?: \(\d+\))?\)", re.I),
)


@dataclass(frozen=True)
class Copy:
    """A conflicted copy: where it is, who saved it and when (as Dropbox named it)."""

    path: Path
    who: str
    date: dt.date | None

    @classmethod
    def of(cls, path: Path) -> Copy:
        for pattern in _WHO_AND_WHEN:
            found = pattern.search(path.name)
            if found:
                try:
                    day: dt.date | None = dt.date.fromisoformat(found.group("date"))
                except ValueError:
                    day = None
                return cls(path, (found.group("who") or "").strip(), day)
        return cls(path, "", None)

    def said(self) -> dict[str, str]:
        """How a message names it: whose copy, of what day."""
        when = self.date.strftime("%d/%m/%Y") if self.date else messages.MERGE_UNKNOWN_DATE
        return {"who": self.who or messages.MERGE_UNKNOWN_WHO, "date": when, "copy": self.path.name}


@dataclass(frozen=True)
class Merged:
    """What a merge took from one copy, for the terminal and for moving the copy away once written."""

    copy: Copy
    rows: int  # rows added from the copy
    cells: int  # cells of the workbook changed to the copy's value
    conflicts: int  # cells changed differently on both sides (kept as the workbook's, said in Revisar)
    three_way: bool  # against the base (else a two-way union)
    deleted: int = 0  # rows of the workbook deleted as the copy deleted them


def base_path(workbook: Path, backups: Path) -> Path:
    """Where the base of ``workbook`` is kept: ``respaldos/cartera (base para fusionar).xlsx``."""
    return backups / BASE_NAME.format(stem=workbook.stem, suffix=workbook.suffix)


def merge(
    tables: Mapping[str, SheetTable], base: Mapping[str, SheetTable] | None, copy_tables: Mapping[str, SheetTable], copy: Copy
) -> tuple[dict[str, SheetTable], list[Problem], Merged]:
    """The workbook's tables with the copy's changes taken; the problems to say; what was taken.

    ``base`` is the workbook as the last refresh wrote it (None when unknown: a two-way union).
    """
    result = dict(tables)
    problems: list[Problem] = []
    rows = cells = conflicts = deleted = 0
    for spec in DATA_SHEETS:
        ours, theirs = tables.get(spec.key), copy_tables.get(spec.key)
        if ours is None or theirs is None:
            continue
        before = base.get(spec.key) if base is not None else None  # a sheet the base lacks: two-way
        side = _Side(ours, _by_our_headers(theirs, ours), _by_our_headers(before, ours) if before is not None else None, copy)
        side.run()
        result[spec.key] = side.table()
        problems.extend(side.problems)
        rows += len(side.added)
        cells += side.changed
        conflicts += side.conflicts
        deleted += len(side.deleted)
    return result, problems, Merged(copy, rows, cells, conflicts, base is not None, deleted)


def _by_our_headers(table: SheetTable, ours: SheetTable) -> SheetTable:
    """Another version of a sheet with its columns named as ours are: by the exact header first, wherever it stands.

    Reading takes the first header that names a column (a synonym too), so a copy with «WhatsApp» inserted before
    «Teléfono» reads WhatsApp as the phone. Here a column headed exactly as one of ours is that column; a synonym
    stays the column it names only when no exact header claims it, else it is a column of the team's own.
    """
    our_headers = {header_key(ours.header(slot)): slot for slot in ours.slots}
    exact = {slot: our_headers[key] for slot in table.slots if (key := header_key(table.header(slot))) in our_headers}
    claimed = set(exact.values())
    renamed: dict[str, str] = {}
    for slot in table.slots:
        if slot in exact:
            renamed[slot] = exact[slot]
        elif slot in claimed:  # a synonym whose column another header names exactly: a column of its own
            renamed[slot] = unique_slot(EXTRA_PREFIX + table.header(slot), {*claimed, *table.slots, *renamed.values()})
        else:
            renamed[slot] = slot
    if all(key == value for key, value in renamed.items()):
        return table
    return dataclasses.replace(
        table,
        frame=table.frame.rename(columns=renamed),
        slots=tuple(renamed[slot] for slot in table.slots),
        positions={renamed.get(slot, slot): col for slot, col in table.positions.items()},
        labels={renamed.get(slot, slot): text for slot, text in table.labels.items()},
        invalid={(row, renamed.get(slot, slot)): value for (row, slot), value in table.invalid.items()},
    )


def _blank(value: Any) -> bool:
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def _same(a: Any, b: Any) -> bool:
    """Two cells say the same: both blank, or the same as the team reads them (text trimmed, 5 and 5.0 alike)."""
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    return display(a.strip() if isinstance(a, str) else a) == display(b.strip() if isinstance(b, str) else b)


def raw_row(table: SheetTable, row: int) -> dict[str, Any]:
    """The cells of one data row (its Excel row) as typed, by slot."""
    offset = row - table.header_row - 2
    found: dict[str, Any] = {}
    for slot in table.slots:
        column = table.cells.column(table.position(slot))
        found[slot] = column[offset] if 0 <= offset < len(column) else None
    return found


class _Side:
    """The merge of one data sheet: the workbook's table, the copy's, and the base's when known."""

    def __init__(self, ours: SheetTable, theirs: SheetTable, base: SheetTable | None, copy: Copy) -> None:
        self.ours, self.theirs, self.base, self.copy = ours, theirs, base, copy
        self.slots = [slot for slot in ours.slots if slot in theirs.slots]  # columns both have (the team's own by header)
        # columns only the copy has (and the base had not: not one the workbook deleted), added with their values
        computed = {header_key(column.label + suffix) for column in ours.spec.computed_columns for suffix in ("", CALCULATED_SUFFIX)}
        self.new_slots = [  # the copy's computed columns, read as its own where their marks were lost, are never new
            slot
            for slot in theirs.slots
            if slot not in ours.slots and (base is None or slot not in base.slots) and header_key(theirs.header(slot)) not in computed
        ]
        self.paired: dict[int, int] = {}  # our row → the copy's version of it
        self.columns: dict[str, int] = {}  # the new columns' slots → where they go in ours
        self.edits: dict[tuple[int, str], tuple[Any, Any]] = {}  # (our row, slot) → (as typed, as read)
        self.added: list[tuple[dict[str, Any], dict[str, Any]]] = []  # rows of the copy: (as typed, as read) by slot
        self.deleted: list[int] = []  # rows of ours the copy deleted and the workbook left alone
        self.problems: list[Problem] = []
        self.changed = self.conflicts = 0

    # --- rows as typed -------------------------------------------------------------
    def _rows(self, table: SheetTable) -> dict[int, dict[str, Any]]:
        return {int(row): raw_row(table, int(row)) for row in table.frame.index}

    def run(self) -> None:
        if self.ours.spec is CLIENTES:
            ours, theirs = self._rows(self.ours), self._rows(self.theirs)
            self._by_key(ours, theirs, self._rows(self.base) if self.base is not None else None)
        else:
            self._by_content()
        self.columns = self._columns()

    def _contents(self, table: SheetTable) -> dict[int, tuple[str, ...]]:
        """Each data row's content as the team reads it, by Excel row: worked out column by column, each distinct value once."""
        rows = table.frame.index.to_numpy(dtype="int64")
        offsets = rows - table.header_row - 2
        shown: dict[tuple[type, Any], str] = {}
        columns = []
        for slot in self.slots:
            cells = table.cells.column(table.position(slot))
            column = []
            for offset in offsets.tolist():
                value = cells[offset] if 0 <= offset < len(cells) else None
                key = (type(value), value)  # 1, 1.0 and True are one dict key; their texts differ
                try:
                    text = shown[key]
                except (KeyError, TypeError):  # TypeError: a value that cannot be a key
                    text = "" if _blank(value) else display(value.strip() if isinstance(value, str) else value)
                    if not isinstance(value, float) or value == value:  # NaN is never found again: not kept
                        with contextlib.suppress(TypeError):
                            shown[key] = text
                column.append(text)
            columns.append(column)
        return dict(zip(rows.tolist(), zip(*columns, strict=True), strict=True)) if columns else {int(row): () for row in rows}

    def _by_content(self) -> None:
        """A log sheet: its rows aligned in order, base against each side (as diff3 aligns lines), then cell by cell.

        A row of the copy the base lacks is added unless the workbook added the same; a row the copy edited
        (aligned with its base row and alike, see :func:`_alike`) is one row, merged cell by cell as Clientes
        is; a row the copy deleted stays, said when the workbook changed it. Without a base the workbook's
        rows stand for it: a row of the copy alike to one of ours is that row, every difference said.
        """
        ours, theirs = self._contents(self.ours), self._contents(self.theirs)
        base = self._contents(self.base) if self.base is not None else None
        our_rows, their_rows = list(ours), list(theirs)
        if base is None:
            pairs, inserted, _ = _aligned(list(ours.values()), list(theirs.values()), self._alike)
            for i, j in pairs:
                self._cells(our_rows[i], raw_row(self.ours, our_rows[i]), their_rows[j], raw_row(self.theirs, their_rows[j]), None)
            for j in inserted:
                if any(theirs[their_rows[j]]):
                    self._add(their_rows[j], raw_row(self.theirs, their_rows[j]))
            return
        base_rows = list(base)
        to_ours, ours_added, _ = _aligned(list(base.values()), list(ours.values()), self._alike)
        to_theirs, theirs_added, theirs_deleted = _aligned(list(base.values()), list(theirs.values()), self._alike)
        ours_at = dict(to_ours)
        added_here = Counter(ours[our_rows[i]] for i in ours_added)
        for b, j in to_theirs:
            was, row = base[base_rows[b]], their_rows[j]
            if theirs[row] == was:
                if b in ours_at:
                    self.paired[our_rows[ours_at[b]]] = row
                continue  # the copy left it alone
            if b not in ours_at:  # deleted here, changed there: kept, said
                added = self._add(row, raw_row(self.theirs, row))
                self._say(messages.MERGE_DELETED_HERE, added, "", "", copy_row=row)
                continue
            assert self.base is not None
            our_row = our_rows[ours_at[b]]
            self._cells(our_row, raw_row(self.ours, our_row), row, raw_row(self.theirs, row), raw_row(self.base, base_rows[b]))
        for j in theirs_added:
            key = theirs[their_rows[j]]
            if not any(key):
                continue
            if added_here[key] > 0:  # added on both sides alike: once
                added_here[key] -= 1
                continue
            self._add(their_rows[j], raw_row(self.theirs, their_rows[j]))
        for b in theirs_deleted:  # rows the copy deleted: deleted when the workbook left them alone, else kept and said
            if b not in ours_at:
                continue  # deleted on both sides
            if ours[our_rows[ours_at[b]]] == base[base_rows[b]]:
                self._delete(our_rows[ours_at[b]])
            else:
                self._say(messages.MERGE_DELETED_THERE, our_rows[ours_at[b]], "", "")

    def _alike(self, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        """Two versions of one log row: the same invoice, or all their cells but one the same (two for a wide row)."""
        if "invoice" in self.slots:
            at = self.slots.index("invoice")
            if a[at] and b[at]:
                return a[at] == b[at]
        differing = sum(1 for x, y in zip(a, b, strict=True) if x != y)
        return differing <= (2 if len(a) >= WIDE_ROW else 1) and differing < len(a)

    def _cells(
        self, our_row: int, mine: Mapping[str, Any], their_row: int, other: Mapping[str, Any], was: Mapping[str, Any] | None
    ) -> None:
        """One row in both, cell by cell. With the base's row (``was``): a cell changed there only is taken, changed on
        both sides otherwise is a conflict, ours kept; a row the base lacks (``_NOT_IN_BASE``, added on both sides) conflicts
        wherever it differs. Without a base (``None``): a blank of ours is filled from the copy, any other difference said."""
        self.paired[our_row] = their_row
        for slot in self.slots:
            value, here = other.get(slot), mine.get(slot)
            if _same(value, here):
                continue
            label = self.ours.header(slot)
            if was is not None:
                if was is not _NOT_IN_BASE:
                    if _same(value, was.get(slot)):
                        continue  # changed here only
                    if _same(here, was.get(slot)):
                        self._edit(our_row, slot, their_row)  # changed there only: taken
                        continue
                self.conflicts += 1
                self._say(messages.MERGE_CONFLICT, our_row, label, here, theirs=display(value))
            elif _blank(here):
                self._edit(our_row, slot, their_row)  # a blank of ours filled from the copy: nothing is lost
                self._say(messages.MERGE_FILLED, our_row, label, value)
            else:
                self.conflicts += 1
                self._say(messages.MERGE_DIFFERS, our_row, label, here, theirs=display(value))

    def _by_key(self, ours: dict[int, dict[str, Any]], theirs: dict[int, dict[str, Any]], base: dict[int, dict[str, Any]] | None) -> None:
        """Clientes: rows by ID, by name for a client without one; cell by cell."""
        ours_by, base_by = _keyed(ours), _keyed(base) if base is not None else {}
        for row, values in theirs.items():
            key = _key(values)
            if key is None:
                continue
            before = base_by.get(key)
            mine = ours_by.get(key)
            if mine is None:
                if before is not None and all(_same(values.get(slot), before[1].get(slot)) for slot in self.slots):
                    continue  # deleted here, unchanged there: stays deleted
                added = self._add(row, values)
                if before is not None:
                    self._say(messages.MERGE_DELETED_HERE, added, "", "", copy_row=row)
                continue
            self._cells(mine[0], mine[1], row, values, before[1] if before is not None else _NOT_IN_BASE if self.base is not None else None)
        if base is not None:  # rows the copy deleted are kept: said when the workbook changed them
            theirs_by = _keyed(theirs)
            for before_values in base.values():
                keys = _keys(before_values)
                mine = next((ours_by[key] for key in keys if key in ours_by), None)
                if mine is None or any(key in theirs_by for key in keys):
                    continue
                if all(_same(mine[1].get(slot), before_values.get(slot)) for slot in self.slots):
                    self._delete(mine[0])
                else:
                    self._say(messages.MERGE_DELETED_THERE, mine[0], "", "")

    # --- what the merge does ------------------------------------------------------------
    def _edit(self, our_row: int, slot: str, their_row: int) -> None:
        self.edits[(our_row, slot)] = (raw_row(self.theirs, their_row)[slot], self.theirs.frame.at[their_row, slot])
        self.changed += 1

    def _delete(self, our_row: int) -> None:
        """Delete a row of ours (the copy deleted it, the workbook left it alone): emptied, its values said."""
        self.deleted.append(our_row)
        values = raw_row(self.ours, our_row)
        said = " · ".join(str(display(value)) for value in values.values() if not _blank(value))
        self._say(messages.MERGE_DELETED, our_row, "", said)

    def _add(self, their_row: int, values: Mapping[str, Any]) -> int:
        """Add a row of the copy below the workbook's; return the Excel row it takes."""
        typed = self.theirs.frame.loc[their_row]
        slots = [*self.slots, *self.new_slots]
        self.added.append(({slot: values.get(slot) for slot in slots}, {slot: typed[slot] for slot in slots}))
        return self.ours.last_row + len(self.added)

    def _say(
        self, template: messages.Template, row: int | None, column: str, value: Any, copy_row: int | None = None, **fields: Any
    ) -> None:
        fields = {**self.copy.said(), "copy_row": copy_row or "", **fields}
        self.problems.append(Problem.of(template, self.ours.name, row, column, value, messages.SEVERITY_WARNING, **fields))

    def table(self) -> SheetTable:
        """The workbook's table with the copy's changes: values as read in the frame, cells as typed to write."""
        columns = self.columns
        if not self.edits and not self.added and not self.deleted and not columns:
            return self.ours
        frame = self.ours.frame.drop(index=self.deleted)
        merged: dict[tuple[int, str], Any] = dict(self.ours.merged)
        for row in self.deleted:
            merged.update({(row, slot): None for slot, value in raw_row(self.ours, row).items() if not _blank(value)})
        for (row, slot), (raw, typed) in self.edits.items():
            frame.at[row, slot] = typed
            merged[(row, slot)] = raw
        positions, labels = dict(self.ours.positions), dict(self.ours.labels)
        for slot, col in columns.items():  # the copy's new columns: header and the values of the rows both have
            positions[slot], labels[slot] = col, self.theirs.header(slot)
            merged[(self.ours.header_row + 1, slot)] = self.theirs.header(slot)
            frame[slot] = pd.Series({row: self.theirs.frame.at[theirs, slot] for row, theirs in self.paired.items() if row in frame.index})
            merged.update(
                {(row, slot): value for row, theirs in self.paired.items() if not _blank(value := raw_row(self.theirs, theirs)[slot])}
            )
        slots = [*self.slots, *columns]
        if self.added:
            first = self.ours.last_row + 1
            index = pd.Index(range(first, first + len(self.added)), dtype="int64")
            rows = pd.DataFrame([typed for _, typed in self.added], index=index, columns=slots)
            frame = pd.concat([frame, rows.astype({slot: frame[slot].dtype for slot in slots}, errors="ignore")])
            for row, (raw, _) in zip(index, self.added, strict=True):
                for slot, value in raw.items():
                    if not _blank(value):
                        merged[(int(row), slot)] = value
        return dataclasses.replace(
            self.ours, frame=frame, merged=merged, slots=(*self.ours.slots, *columns), positions=positions, labels=labels
        )

    def _columns(self) -> dict[str, int]:
        """The copy's new columns and where they go: after every column of the sheet (the tool cannot move the team's
        columns to make room where the copy had it), each said with the column it followed there."""
        if not self.new_slots:
            return {}
        used = [*self.ours.positions.values(), *self.ours.computed_at.values(), *self.ours.renamed_computed.values()]
        widest = max((len(row) for row in self.ours.cells.top), default=0)
        after = max([*used, len(self.ours.cells.below) - 1, widest - 1]) + 1
        columns = {}
        for slot in self.new_slots:
            columns[slot] = after
            at = self.theirs.position(slot)
            before = max((s for s in self.theirs.slots if self.theirs.position(s) < at), key=self.theirs.position, default=None)
            count = sum(1 for row in self.paired.values() if not _blank(raw_row(self.theirs, row)[slot]))
            self._say(
                messages.MERGE_COLUMN_ADDED,
                self.ours.header_row + 1,
                column_letters(after),
                self.theirs.header(slot),
                count=count + sum(1 for raw, _ in self.added if not _blank(raw.get(slot))),
                where=messages.MERGE_COLUMN_AFTER.format(column=self.theirs.header(before)) if before is not None else "",
                letter=column_letters(after),
            )
            after += 1
        return columns


_NOT_IN_BASE: Mapping[str, Any] = MappingProxyType({})  # the base's row of a row both sides added
WIDE_ROW = 6  # a log row of this many columns may differ in two cells and still be the same row edited


def _aligned(
    before: list[tuple[str, ...]], after: list[tuple[str, ...]], alike: Callable[[tuple[str, ...], tuple[str, ...]], bool]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Rows of ``before`` and ``after`` aligned in order (difflib's longest matching runs, as diff aligns lines).

    Returns the pairs (the same row, or one edited: paired inside a replaced run when ``alike``), the rows
    only ``after`` has (added) and those only ``before`` has (deleted).
    """
    pairs: list[tuple[int, int]] = []
    added: list[int] = []
    deleted: list[int] = []
    shortest = min(len(before), len(after))
    head = next((at for at in range(shortest) if before[at] != after[at]), shortest)  # as diff does: the common ends first
    tail = next((at for at in range(shortest - head) if before[-1 - at] != after[-1 - at]), shortest - head)
    pairs.extend((at, at) for at in range(head))
    middle = difflib.SequenceMatcher(None, before[head : len(before) - tail], after[head : len(after) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in ((tag, i1 + head, i2 + head, j1 + head, j2 + head) for tag, i1, i2, j1, j2 in middle.get_opcodes()):
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        start, paired = j1, set()
        for i in range(i1, i2):  # each row of the run with the first alike row after the last one paired, in order
            match = next((j for j in range(start, j2) if alike(before[i], after[j])), None)
            if match is None:
                deleted.append(i)
                continue
            pairs.append((i, match))
            paired.add(match)
            start = match + 1
        added.extend(j for j in range(j1, j2) if j not in paired)
    pairs.extend((len(before) - tail + at, len(after) - tail + at) for at in range(tail))
    return pairs, added, deleted


def _key(values: Mapping[str, Any]) -> str | None:
    client_id, name = values.get("id"), values.get("name")
    if not _blank(client_id):
        return "id:" + fold(str(display(client_id)))
    if not _blank(name):
        return "name:" + fold(str(name))
    return None


def _keys(values: Mapping[str, Any]) -> list[str]:
    """Every key a row may be found by: its ID, its name."""
    keys = [key] if (key := _key(values)) is not None else []
    if not _blank(values.get("name")):
        keys.append("name:" + fold(str(values["name"])))
    return keys


def _keyed(rows: Mapping[int, Mapping[str, Any]] | None) -> dict[str, tuple[int, Mapping[str, Any]]]:
    """Rows by key; a client without an ID is also found by name (matched to one that got its ID since)."""
    found: dict[str, tuple[int, Mapping[str, Any]]] = {}
    names: dict[str, list[tuple[int, Mapping[str, Any]]]] = defaultdict(list)
    for row, values in (rows or {}).items():
        key = _key(values)
        if key is not None:
            found.setdefault(key, (row, values))
        if not _blank(values.get("name")):
            names["name:" + fold(str(values["name"]))].append((row, values))
    for key, matches in names.items():
        if len(matches) == 1:
            found.setdefault(key, matches[0])
    return found


def notes_not_taken(ours: Path, base: Path | None, theirs: Path, copy: Copy) -> list[Problem]:
    """The cell notes the copy added (the workbook and the base have none there, or another text): not carried, each said
    with its text so that it can be typed back."""
    try:
        found = [_notes(path) for path in (ours, base, theirs) if path is not None]
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, KeyError, ValueError):
        return []  # a workbook whose notes cannot be read (.xls, a broken part): nothing to compare
    mine, *before, other = found
    problems = []
    for sheet, cells in other.items():
        for ref, text in cells.items():
            if any(side.get(sheet, {}).get(ref) == text for side in (mine, *before)):
                continue
            span = cell_range(ref)
            if span is None:
                continue
            row, column = span[0] + 1, column_letters(span[1])
            problems.append(Problem.of(messages.MERGE_NOTE_NOT_TAKEN, sheet, row, column, text, messages.SEVERITY_WARNING, **copy.said()))
    return problems


def _notes(path: Path) -> dict[str, dict[str, str]]:
    with zipfile.ZipFile(path) as archive:
        return notes(archive)


@dataclass(frozen=True)
class TakenSheet:
    """The cells of a team sheet that a conflicted copy changed and the workbook did not: laid over the workbook's sheet."""

    name: str
    cells: Mapping[tuple[int, int], tuple[Any, Formula | None]]  # (row, col) 0-based → the copy's value and formula


def team_sheets(
    ours: Sequence[UnknownSheet], base: Sequence[UnknownSheet] | None, theirs: Sequence[UnknownSheet], copy: Copy, taken: set[str]
) -> tuple[list[UnknownSheet], list[TakenSheet], list[Problem]]:
    """The team's own sheets the copy changed: taken cell by cell when the workbook's is as the base, else kept beside.

    A sheet the copy changed and the workbook did not gets the copy's cells over
    its own (its formatting stays). A sheet both changed keeps the workbook's,
    the copy's version written beside it as a sheet of its own; so does one
    changed without a base to tell who changed it. A sheet the copy added comes
    with its name (if free). Each is said in Revisar.
    """
    by_name = {fold(sheet.name): sheet for sheet in ours}
    before = {fold(sheet.name): sheet for sheet in base} if base is not None else {}
    beside: list[UnknownSheet] = []
    took: list[TakenSheet] = []
    problems: list[Problem] = []
    for sheet in theirs:
        key = fold(sheet.name)
        mine, was = by_name.get(key), before.get(key)
        if (mine is not None and _same_rows(sheet, mine)) or (was is not None and _same_rows(sheet, was)):
            continue
        if mine is not None and was is not None and _same_rows(mine, was):
            cells = _changed_cells(mine, sheet)
            took.append(TakenSheet(mine.name, cells))
            problems.append(
                Problem.of(
                    messages.MERGE_SHEET_TAKEN, mine.name, None, "", mine.name, messages.SEVERITY_WARNING, count=len(cells), **copy.said()
                )
            )
            continue
        name = _free(
            sheet.name if mine is None else messages.MERGE_SHEET_NAME.format(name=sheet.name, who=copy.who or copy.said()["who"]), taken
        )
        taken.add(fold(name))
        beside.append(dataclasses.replace(sheet, name=name, source_name=""))
        template = messages.MERGE_SHEET if mine is not None else messages.MERGE_SHEET_ADDED
        problems.append(Problem.of(template, name, None, "", sheet.name, messages.SEVERITY_WARNING, **copy.said()))
    return beside, took, problems


def _changed_cells(ours: UnknownSheet, theirs: UnknownSheet) -> dict[tuple[int, int], tuple[Any, Formula | None]]:
    """Every cell of ``theirs`` that says something else than ``ours`` (a cell it emptied, as None)."""
    changed: dict[tuple[int, int], tuple[Any, Formula | None]] = {}
    height = max(len(ours.rows), len(theirs.rows))
    for row in range(height):
        mine = ours.rows[row] if row < len(ours.rows) else []
        other = theirs.rows[row] if row < len(theirs.rows) else []
        for col in range(max(len(mine), len(other))):
            a = mine[col] if col < len(mine) else None
            b = other[col] if col < len(other) else None
            formula = theirs.details.formulas.get((row, col))
            mine_formula = ours.details.formulas.get((row, col))
            if formula is not None and mine_formula is not None and formula.text == mine_formula.text:
                continue  # the same formula: its cached value is whichever program saved it last
            if not _same(a, b) or formula != mine_formula:
                changed[(row, col)] = (None if _blank(b) else b, formula)
    return changed


def _same_rows(a: UnknownSheet, b: UnknownSheet) -> bool:
    """Whether two versions of a team sheet say the same: values as typed, a formula by its text, never by its cached value
    (the base keeps formulas without one; any save in Excel or LibreOffice fills it in)."""

    def cells(sheet: UnknownSheet) -> list[tuple[str, ...]]:
        formulas = sheet.details.formulas
        rows = [
            tuple(
                "=" + formulas[(r, c)].text if (r, c) in formulas else "" if _blank(value) else display(value)
                for c, value in enumerate(row)
            )
            for r, row in enumerate(sheet.rows)
        ]
        rows = [row[: max((i + 1 for i, v in enumerate(row) if v), default=0)] for row in rows]
        while rows and not rows[-1]:
            rows.pop()
        return rows

    return cells(a) == cells(b)


def _free(name: str, taken: set[str]) -> str:
    """A sheet name of at most 31 characters that no other sheet has (Excel's rule, its case folded)."""
    candidate, number = name[:31], 2
    while fold(candidate) in taken:
        suffix = f" {number}"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    return candidate
