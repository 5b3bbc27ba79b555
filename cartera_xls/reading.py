"""From raw grids to typed tables: find sheets and headers, parse every cell, keep every row.

Nothing here raises for bad data: each unreadable value becomes a
:class:`Problem`, and the text the team typed is kept in ``SheetTable.invalid``
so it is written back as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

import pandas as pd

from .errors import MissingClients, NoSales
from .parsing import BadValue, is_blank, parse_text, parser_for
from .problems import Problem, row_ranges
from .raw import FORMULA_WITHOUT_VALUE, Formula, RawSheet, RawWorkbook, RichValue, SheetDetails, column_letters
from .schema import Column, Kind, Sheet, fold, header_key, messages, within_dates
from .schema.params import PARAMETERS
from .schema.sheets import (
    CALCULATED_SUFFIX,
    CLIENTES,
    COMPUTED_WORDS,
    DATA_SHEETS,
    GENERATED_SHEETS,
    INSTRUCCIONES,
    REGLAS,
    RENAMED_MARK,
    TOTAL_WORDS,
    VENTAS,
)
from .tables import EXTRA_PREFIX, SheetCells, SheetTable, UnknownSheet, is_missing, team_table, unique_slot

HEADER_SEARCH_ROWS = 30
_KNOWN_SHEETS: tuple[Sheet, ...] = (*DATA_SHEETS, REGLAS)
_GENERATED_KEYS = {fold(name) for name in GENERATED_SHEETS}
_GENERATED_NAMES = {name.casefold() for name in GENERATED_SHEETS}
RESERVED_SUFFIX = " (original)"


@dataclass
class ReadResult:
    """What reading a workbook gives: known tables, other sheets and problems."""

    tables: dict[str, SheetTable]
    unknown: list[UnknownSheet]
    problems: list[Problem] = field(default_factory=list)
    generated: bool = False  # the workbook is one cartera_xls wrote


def read_tables(book: RawWorkbook) -> ReadResult:
    """Match sheets (by name, then by their columns), find headers and parse every known sheet of ``book``.

    A workbook without a Clientes sheet but with sales gets one built from the
    sales (see :func:`clients_from_sales`); with neither, :class:`MissingClients`
    says what was looked for and what each sheet has.
    """
    # Ours even without our document property when it went through .ods/.xls on the way.
    generated = book.generated or _has_our_instructions(book.sheets)
    result = ReadResult({}, [], generated=generated)
    pending: list[RawSheet] = []  # sheets no name matched: maybe data sheets by their columns
    for raw in book.sheets:
        spec = _match_sheet(raw.name)
        if spec is not None and spec.key not in result.tables:
            table = _read_table(raw, spec, book.date1904, generated, result.problems, book.marks.get(raw.name, {}))
            if table is not None:
                result.tables[spec.key] = table
                continue
        elif spec is not None:  # «Ventas 2025» after «Ventas 2024»: kept as it is, and said that it does not count
            chosen = result.tables[spec.key].name
            result.problems.append(
                Problem.of(messages.SHEET_SAME_ROLE, raw.name, None, "", "", messages.SEVERITY_WARNING, role=spec.label, chosen=chosen)
            )
        elif raw.name.casefold() in _GENERATED_NAMES:  # Excel's sheet names differ only when more than the case differs
            if generated:
                continue  # ours: regenerated on write
            renamed = _free_sheet_name(raw.name, {fold(other.name) for other in book.sheets} | _GENERATED_KEYS)
            result.problems.append(
                Problem.of(messages.RESERVED_SHEET, raw.name, None, "", raw.name, messages.SEVERITY_WARNING, renamed=renamed)
            )
            result.unknown.append(UnknownSheet(renamed, raw.rows, raw.details, raw.hidden, raw.flagged, raw.name))
            continue
        elif fold(raw.name) in _GENERATED_KEYS:  # «Analisis» beside our «Análisis»: the team's, kept as it is
            generated_name = next(name for name in GENERATED_SHEETS if fold(name) == fold(raw.name))
            result.problems.append(
                Problem.of(messages.SHEET_LIKE_GENERATED, raw.name, None, "", raw.name, messages.SEVERITY_INFO, generated=generated_name)
            )
        pending.append(raw)
    read_by_content = _read_by_content(pending, result, book.date1904, generated)
    result.unknown.extend(
        UnknownSheet(raw.name, raw.rows, raw.details, raw.hidden, raw.flagged, raw.name)
        for raw in pending
        if raw.name not in read_by_content
    )
    if CLIENTES.key not in result.tables:
        if any(_match_sheet(raw.name) is CLIENTES for raw in book.sheets):
            name = next(raw.name for raw in book.sheets if _match_sheet(raw.name) is CLIENTES)
            column = CLIENTES.column("name").label
            raise MissingClients(messages.MISSING_CLIENTS_COLUMN.format(sheet=name, column=column))
        sales = result.tables.get(VENTAS.key)
        if sales is None or not len(sales.frame):
            raise MissingClients(_nothing_to_read(book))
        taken = {raw.name for raw in book.sheets}
        created = clients_from_sales(sales, taken)
        result.tables = {CLIENTES.key: created, **result.tables}
        # Started from an export: the sheets a team logs its work in, empty with their headers, as ``init`` writes them.
        taken_folded = {fold(name) for name in taken}
        for spec in DATA_SHEETS:
            if spec.key not in result.tables and fold(spec.label) not in taken_folded:
                result.tables[spec.key] = empty_table(spec)
        result.problems.append(
            Problem.of(messages.CLIENTS_FROM_SALES, created.name, None, "", "", messages.SEVERITY_WARNING, source=sales.name)
        )
    return result


def with_sales(book: RawWorkbook, sales_book: RawWorkbook) -> RawWorkbook:
    """``book`` with the sales sheet of another file (a client list and a sales ledger kept apart).

    The sales sheet is found by its name or its columns; it keeps its name
    unless ``book`` has a sheet so called. Refused when the other file has no
    sales, or when ``book`` already has its own (which would be ambiguous).
    """
    own = next((raw for raw in book.sheets if _match_sheet(raw.name) is VENTAS or _fits(raw, VENTAS) is not None), None)
    if own is not None:
        raise NoSales(messages.SALES_TWICE.format(path=book.path.name, sheet=own.name))
    found = next((raw for raw in sales_book.sheets if _match_sheet(raw.name) is VENTAS), None)
    found = found or next((raw for raw in sales_book.sheets if _fits(raw, VENTAS) is not None), None)
    if found is None:
        raise NoSales(messages.NO_SALES_IN_FILE.format(path=sales_book.path.name) + " " + _described(sales_book))
    names = {fold(raw.name) for raw in book.sheets}
    name = found.name if fold(found.name) not in names else VENTAS.label
    sheet = dataclasses.replace(found, name=name)
    return dataclasses.replace(book, sheets=[*book.sheets, sheet])


# Roles a sheet may play by its columns alone, in the order they are tried.
_BY_CONTENT = (VENTAS, CLIENTES, REGLAS)
MIN_KNOWN_PARAMETERS = 2  # a sheet of Parámetro and Valor is the team's Reglas renamed when it names this many of ours


def _read_by_content(pending: list[RawSheet], result: ReadResult, date1904: bool, generated: bool) -> set[str]:
    """Sheets whose names say nothing (``Hoja1``, ``Orders``) read as Ventas or Clientes when their columns say so.

    When several sheets could be the same one, the one with most recognised
    columns (then most rows) is read; the choice is reported with its reason.
    """
    taken: set[str] = set()
    for spec in _BY_CONTENT:
        if spec.key in result.tables:
            continue
        candidates = [(fit, raw) for raw in pending if raw.name not in taken and (fit := _fits(raw, spec)) is not None]
        if not candidates:
            continue
        candidates.sort(key=lambda pair: (-len(pair[0]), -len(pair[1].rows)))
        found, raw = candidates[0]
        problems: list[Problem] = []
        table = _read_table(raw, spec, date1904, generated, problems)
        if table is None:
            continue
        result.tables[spec.key] = table
        result.problems.extend(problems)
        taken.add(raw.name)
        labels = ", ".join(spec.column(key).label for key in found)
        result.problems.append(
            Problem.of(messages.READ_BY_CONTENT, raw.name, None, "", "", messages.SEVERITY_INFO, role=spec.label, columns=labels)
        )
        for _, other in candidates[1:]:
            result.problems.append(
                Problem.of(
                    messages.SHEET_CHOSEN,
                    other.name,
                    None,
                    "",
                    "",
                    messages.SEVERITY_WARNING,
                    role=spec.label,
                    chosen=raw.name,
                    count=len(found),
                )
            )
    return taken


def _fits(raw: RawSheet, spec: Sheet) -> list[str] | None:
    """The keys of ``spec`` a sheet's header row has, when enough to be that sheet (``None`` when not)."""
    found = _header_keys(raw, spec)
    if spec is REGLAS:  # «Reglas del equipo»: Parámetro and Valor, and the names of our parameters under Parámetro
        if not {"parameter", "value"} <= set(found):
            return None
        known = {fold(parameter.key) for parameter in PARAMETERS}
        named = {fold(value) for row in raw.rows for value in row[:4] if isinstance(value, str) and fold(value) in known}
        return found if len(named) >= MIN_KNOWN_PARAMETERS else None
    if spec is VENTAS:
        return found if _satisfied(spec, set(found)) else None
    others = [key for key in found if key not in ("name", "id")]
    looks_like_sales = _satisfied(VENTAS, set(_header_keys(raw, VENTAS)))
    return found if "name" in found and others and not looks_like_sales else None


def _header_keys(raw: RawSheet, spec: Sheet) -> list[str]:
    """The columns of ``spec`` (keys, in order, the computed ones left out) the sheet's best header row has."""
    lookup = _header_lookup(spec)
    header_row, _ = _find_header(raw.rows, lookup)
    header = raw.rows[header_row] if raw.rows else []
    found = dict.fromkeys(lookup[header_key(v)].key for v in header if isinstance(v, str) and header_key(v) in lookup)
    return [key for key in found if not spec.column(key).computed]


def _satisfied(spec: Sheet, found: set[str]) -> bool:
    """Whether the required columns are there, counting stand-ins and the amount made of quantity × unit price."""
    present = found | {column.stands_for for column in spec.columns if column.stands_for and column.key in found}
    present |= {key for key, parts in _DERIVED.get(spec.key, {}).items() if set(parts) <= found}
    return all(column.key in present for column in spec.required_columns)


def _nothing_to_read(book: RawWorkbook) -> str:
    """Why the workbook cannot be read: what was looked for, and the columns each sheet has."""
    return messages.MISSING_CLIENTS_SHEET + " " + _described(book)


def _described(book: RawWorkbook) -> str:
    """The headers each sheet has (the first sheets, the first columns)."""
    shown = []
    for raw in book.sheets[:MAX_SHEETS_DESCRIBED]:
        header_row, _ = _find_header(raw.rows, _header_lookup(VENTAS) | _header_lookup(CLIENTES))
        header = [str(value).strip() for value in (raw.rows[header_row] if raw.rows else []) if not is_blank(value)]
        listed = ", ".join(header[:MAX_HEADERS_DESCRIBED]) + (", …" if len(header) > MAX_HEADERS_DESCRIBED else "")
        shown.append(messages.SHEET_COLUMNS.format(sheet=raw.name, columns=listed or messages.NO_COLUMNS))
    return " ".join(shown)


MAX_SHEETS_DESCRIBED = 3
MAX_HEADERS_DESCRIBED = 10
# Required columns a sheet may lack when it has what makes them: key → the keys it is made of.
_DERIVED: dict[str, dict[str, tuple[str, ...]]] = {VENTAS.key: {"amount": ("quantity", "unit_price")}}


# What a sales export may say of its clients, carried into the Clientes sheet made from it.
CLIENT_SLOTS_IN_SALES = ("company", "tax_id", "email", "phone", "address", "segment", "city", "region", "country", "salesperson")


def clients_from_sales(sales: SheetTable, taken: set[str]) -> SheetTable:
    """A Clientes sheet for a sales export alone: one client per distinct client reference, in order of appearance.

    ID is the reference when the export has a client code (its name from the
    export's client name column); when the export names its clients (or a
    column headed just «Cliente» holds names, not codes), the name is the reference and the ID
    is left for :func:`checks.assign_ids`. Company, tax id, email, phone, address,
    segment, city, region, country and salesperson come from the most recent
    line that has them. Every other column of a new workbook is there too, in
    its place, so the team can fill it in. Nothing is invented: what the export
    lacks stays blank.
    """
    frame = sales.frame.dropna(subset=["client"])
    by_name = "client" in sales.stood_in or (fold(sales.header("client")) in _PLAIN_CLIENT_HEADERS and _names_not_codes(frame["client"]))
    key = frame["client"].map(lambda value: fold(str(value)))
    ordered = frame.assign(_key=key).sort_values("date", kind="stable", na_position="first") if "date" in frame else frame.assign(_key=key)
    latest = ordered.groupby("_key", sort=False).last()  # last non-blank value of each column, most recent line last
    first_seen = key.drop_duplicates()
    latest = latest.reindex(first_seen.to_numpy())
    reference = frame.loc[first_seen.index, "client"].to_numpy()
    columns: dict[str, Any] = {"id": [None] * len(reference) if by_name else reference}  # first, as in the template
    names = latest["client_name"].to_numpy() if "client_name" in latest and not by_name else None
    columns["name"] = (
        [name if isinstance(name, str) and name.strip() else str(ref) for name, ref in zip(names, reference, strict=True)]
        if names is not None
        else [str(ref) for ref in reference]
    )
    for slot in CLIENT_SLOTS_IN_SALES:
        if slot in latest and latest[slot].notna().any():
            columns[slot] = [None if is_missing(value) else value for value in latest[slot]]
    for column in CLIENTES.input_columns:  # every column ``init`` writes, in its order: blank where the export says nothing
        columns.setdefault(column.key, [None] * len(reference))
    order = [column.key for column in CLIENTES.input_columns]
    slots = tuple(sorted(columns, key=lambda slot: order.index(slot) if slot in order else len(order)))
    values = {slot: list(columns[slot]) for slot in slots}
    index = pd.Index(range(2, len(reference) + 2), dtype="int64")
    name = CLIENTES.label if CLIENTES.label not in taken else CLIENTES.label + CREATED_SUFFIX
    labels = {slot: CLIENTES.column(slot).label for slot in slots}
    cells = SheetCells(top=(tuple(labels.values()),), below=tuple(tuple(values[slot]) for slot in slots))
    return SheetTable(CLIENTES, name, typed_frame(CLIENTES, values, index, slots), slots, labels=labels, cells=cells)


def empty_table(spec: Sheet) -> SheetTable:
    """A data sheet with its headers and no rows, as a new workbook has it."""
    slots = tuple(column.key for column in spec.input_columns)
    frame = typed_frame(spec, {slot: [] for slot in slots}, pd.Index([], dtype="int64"), slots)
    return SheetTable(spec, spec.label, frame, slots)


_PLAIN_CLIENT_HEADERS = {fold(header) for header in ("Cliente", "Customer", "Client")}  # not «ID cliente», «CustomerID»…


def _names_not_codes(references: pd.Series) -> bool:
    """Whether a client column holds names («Ana Pérez»), not codes («C001», 12345): most have no digit."""
    distinct = pd.unique(references.astype("string").dropna().to_numpy())
    with_digit = sum(any(ch.isdigit() for ch in str(reference)) for reference in distinct)
    return len(distinct) > 0 and with_digit * 2 < len(distinct)


CREATED_SUFFIX = " (creada)"


def _has_our_instructions(sheets: list[RawSheet]) -> bool:
    for raw in sheets:
        if fold(raw.name) == fold(INSTRUCCIONES) and raw.rows and raw.rows[0] and raw.rows[0][0] == messages.INSTRUCTIONS_TITLE:
            return True
    return False


def _match_sheet(name: str) -> Sheet | None:
    key = header_key(name)
    return next((spec for spec in _KNOWN_SHEETS if key in spec.name_keys()), None)


def _header_lookup(spec: Sheet) -> dict[str, Column]:
    """Folded header → column; labels win over aliases, computed columns included."""
    lookup: dict[str, Column] = {}
    for column in spec.columns:
        for key in column.header_keys():
            lookup.setdefault(key, column)
    for column in spec.columns:
        lookup[header_key(column.label)] = column
    return lookup


def _find_header(rows: list[list[Any]], lookup: dict[str, Column]) -> tuple[int, int]:
    """The row (0-based) that looks most like a header, and how many known headers it has."""
    best_row, best_hits = 0, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len({lookup[header_key(v)].key for v in row if isinstance(v, str) and header_key(v) in lookup})
        if hits > best_hits:
            best_row, best_hits = index, hits
    return best_row, best_hits


def _read_table(
    raw: RawSheet, spec: Sheet, date1904: bool, generated: bool, problems: list[Problem], marks: Mapping[str, int] | None = None
) -> SheetTable | None:
    """Parse one known sheet; ``None`` (sheet carried as unknown) when a required column is missing.

    Every row keeps its place (the frame's index is the Excel row) and every
    column its position and its header as the team typed it.
    """
    lookup = _header_lookup(spec)
    header_row, _ = _find_header(raw.rows, lookup)
    header = raw.rows[header_row] if raw.rows else []
    found = {lookup[header_key(v)].key for v in header if isinstance(v, str) and header_key(v) in lookup}
    stand_ins = {c.stands_for: c.key for c in spec.columns if c.stands_for and c.key in found and c.stands_for not in found}
    derived = {key: parts for key, parts in _DERIVED.get(spec.key, {}).items() if key not in found and set(parts) <= found}
    missing = [c for c in spec.required_columns if c.key not in found and c.key not in stand_ins and c.key not in derived]
    if missing:
        if spec is not CLIENTES:
            for column in missing:
                problems.append(Problem.of(messages.MISSING_COLUMN, raw.name, header_row + 1, column.label, "", messages.SEVERITY_WARNING))
        return None

    # Column by column: one transpose at C speed, then each check stops at the first cell that answers it.
    first_data = header_row + 1
    height = len(raw.rows) - first_data  # rows below the header
    grid = list(zip_longest(*raw.rows[first_data:], fillvalue=None))
    first_col, last_col = _used_columns(header, grid, first_data, raw)
    columns = _columns(raw, spec, header, header_row, range(first_col, last_col + 1), grid, generated, problems, marks or {})
    for key, stand_in in stand_ins.items():  # a client name column serves as the client reference
        columns.positions = {(key if slot == stand_in else slot): col for slot, col in columns.positions.items()}
        columns.labels = {(key if slot == stand_in else slot): label for slot, label in columns.labels.items()}
    used = [*columns.positions.values(), *columns.computed_at.values()]
    kept = _rows_with_content([grid[col] for col in sorted(used) if col < len(grid)], height, first_data, used, raw)
    kept = _without_repeated_headers(kept, grid, header, columns, first_data, raw.name, problems)
    if raw.details.totals_rows:  # a table's totals row («Total», =SUBTOTAL…) sums the data: it is not a row of it
        kept = [offset for offset in kept if first_data + offset not in raw.details.totals_rows]
    totals = _totals_lines(kept, first_data, raw)  # «Total clientes» typed under the data, its COUNTA and SUBTOTAL
    kept = kept[: len(kept) - len(totals)]
    grown = _grown_table(raw, header_row, [first_data + offset for offset in kept], problems)
    indices = [first_data + offset for offset in kept]
    every_row = len(kept) == height
    values: dict[str, list[Any]] = {}
    invalid: dict[tuple[int, str], Any] = {}
    for slot, col in columns.positions.items():
        if col >= len(grid):
            cells: Sequence[Any] = [None] * len(kept)  # a header past the last cell of every row
        else:
            cells = grid[col] if every_row else [grid[col][offset] for offset in kept]
        if slot.startswith(EXTRA_PREFIX):
            values[slot] = [None if is_blank(value) else value for value in cells]
        else:
            label = columns.labels[slot]
            values[slot] = _parse_column(indices, cells, col, spec.column(slot), label, raw, invalid, date1904, problems)
    _complete_products(spec, values, indices, raw.name, columns.labels, problems)
    index = pd.Index([index + 1 for index in indices], dtype="int64")
    details = raw.details
    for key, parts in derived.items():  # quantity × unit price, written as a formula so the team sees how it was made
        details = _derive(spec.column(key), parts, values, columns, indices, max(last_col, *columns.positions.values()) + 1, details)
        problems.append(
            Problem.of(messages.AMOUNT_FROM_PRICE, raw.name, header_row + 1, spec.column(key).label, "", messages.SEVERITY_INFO)
        )
    slots = tuple(columns.positions)
    frame = typed_frame(spec, values, index, slots)
    if spec is VENTAS:
        frame = _credit_lines(frame, raw.name, columns.labels, problems)
    return SheetTable(
        spec=spec,
        name=raw.name,
        frame=frame,
        slots=slots,
        header_row=header_row,
        first_col=first_col,
        invalid=invalid,
        labels=columns.labels,
        positions=columns.positions,
        cells=SheetCells(tuple(tuple(row) for row in raw.rows[: header_row + 1]), tuple(grid), details, raw.flagged),
        computed_at=columns.computed_at,
        renamed=frozenset(columns.renamed),
        renamed_computed=columns.gone,
        stood_in=frozenset(stand_ins),
        not_data=frozenset(raw.details.totals_rows) | frozenset(first_data + offset for offset in totals),
        table_rows=grown,
        state="veryHidden" if raw.very_hidden else "hidden" if raw.hidden else "visible",
    )


# An aggregate over the rows above, as files store formulas (English names; Excel 2010's under _xlfn.).
_AGGREGATE = re.compile(
    r"\b(?:_xlfn\.)?(?:SUBTOTAL|AGGREGATE|SUMIFS?|SUMPRODUCT|SUM|COUNTIFS?|COUNTA|COUNTBLANK|COUNT|AVERAGEIFS?|AVERAGEA?|MAXA?|MINA?|MEDIAN|PRODUCT)\(",
    re.IGNORECASE,
)


_RANGE = re.compile(r"\$?[A-Za-z]{1,3}\$?(\d+):\$?[A-Za-z]{1,3}\$?(\d+)")


def _aggregates_above(formula: str, row: int) -> bool:
    """Whether a formula in ``row`` (0-based) aggregates rows above it: a range ending above, or a table's column."""
    if _AGGREGATE.search(formula) is None:
        return False
    return "[" in formula or any(int(last) <= row for _, last in _RANGE.findall(formula))


def _totals_lines(kept: list[int], first_data: int, raw: RawSheet) -> list[int]:
    """The last rows of ``kept`` (offsets below the header) that total or label the rows above them, last first."""
    found: list[int] = []
    for offset in reversed(kept):
        if not _is_totals_line(raw, first_data + offset):
            break
        found.append(offset)
    return found


def _is_totals_line(raw: RawSheet, row: int) -> bool:
    """A row whose formulas all aggregate (SUBTOTAL, SUM, COUNTA… over the column above) beside text only, or a lone «Total» label."""
    formulas = {col: formula for (at, col), formula in raw.details.formulas.items() if at == row}
    if any(not _aggregates_above(formula.text, row) for formula in formulas.values()):
        return False  # another formula: a row of data (an amount worked out)
    texts: list[str] = []
    for col, value in enumerate(raw.rows[row] if row < len(raw.rows) else ()):
        if col in formulas or is_blank(value):
            continue
        if not isinstance(value, str):
            return False  # a number or a date typed: data
        texts.append(value)
    if formulas:
        return True
    words = fold(texts[0]).split() if texts else []
    return len(texts) <= 2 and bool(words) and words[0].rstrip(":") in TOTAL_WORDS


def _grown_table(raw: RawSheet, header_row: int, rows: list[int], problems: list[Problem]) -> int | None:
    """The last row the team's table must reach when rows of data were typed under it (LibreOffice does not grow it); said once."""
    table = team_table(raw.details.tables, header_row)
    if table is None or not rows:
        return None
    name, span = table
    below = [row for row in rows if row > span[2]]
    if not below or span[2] in raw.details.totals_rows:
        return None  # nothing under it, or under its totals row: not the table's data
    ranges = row_ranges([row + 1 for row in below])
    problems.append(
        Problem.of(
            messages.TABLE_GROWN, raw.name, below[0] + 1, "", "", messages.SEVERITY_INFO, rows=ranges, table=name, last=below[-1] + 1
        )
    )
    return below[-1]


def _derive(
    column: Column,
    parts: tuple[str, ...],
    values: dict[str, list[Any]],
    columns: _Columns,
    indices: list[int],
    col: int,
    details: SheetDetails,
) -> SheetDetails:
    """A required column made of others (Importe = Cantidad × Precio unitario): values, and a formula per row at ``col``."""
    letters = [column_letters(columns.positions[part]) for part in parts]
    products: list[Any] = []
    formulas = dict(details.formulas)
    for offset, row in enumerate(indices):
        factors = [values[part][offset] for part in parts]
        products.append(None if any(is_missing(f) for f in factors) else round(math.prod(factors), 10))
        formulas[(row, col)] = Formula("*".join(f"{letter}{row + 1}" for letter in letters))
    values[column.key] = products
    columns.positions[column.key] = col
    columns.labels[column.key] = column.label
    return dataclasses.replace(details, formulas=formulas)


def _complete_products(
    spec: Sheet, values: dict[str, list[Any]], indices: list[int], sheet: str, labels: Mapping[str, str], problems: list[Problem]
) -> None:
    """A blank Importe beside a Cantidad and a Precio unitario is their product (as the README says), not a missing datum.

    The team's blank cell stays blank; the figures use the product, and
    Revisar no longer lists the row as missing its Importe.
    """
    for key, parts in _DERIVED.get(spec.key, {}).items():
        if key not in values or not all(part in values for part in parts):
            continue
        filled: set[int] = set()
        for offset, row in enumerate(indices):
            factors = [values[part][offset] for part in parts]
            if values[key][offset] is None and not any(is_missing(f) for f in factors):
                values[key][offset] = round(math.prod(factors), 10)
                filled.add(row + 1)
        if filled:
            label = labels[key]
            problems[:] = [
                p
                for p in problems
                if not (p.code == messages.MISSING_REQUIRED.code and p.sheet == sheet and p.column == label and p.row in filled)
            ]


_CREDIT_INVOICE = re.compile(r"^C\d")  # cancellations of billing exports: C536379


def _credit_lines(frame: pd.DataFrame, sheet: str, labels: Mapping[str, str], problems: list[Problem]) -> pd.DataFrame:
    """Lines that are credits by their invoice (``C…``) or a negative quantity count as negative amounts."""
    credit = pd.Series(False, index=frame.index)
    if "invoice" in frame:
        credit |= frame["invoice"].map(lambda value: isinstance(value, str) and bool(_CREDIT_INVOICE.match(value.strip()))).astype(bool)
    if "quantity" in frame:
        credit |= (frame["quantity"] < 0).fillna(False).astype(bool)
    flipped = credit & (frame["amount"] > 0).fillna(False).astype(bool)
    if not flipped.any():
        return frame
    label = labels.get("amount", VENTAS.column("amount").label)
    problems.extend(Problem.of(messages.CREDIT_LINE, sheet, int(row), label, "", messages.SEVERITY_INFO) for row in frame.index[flipped])
    return frame.assign(amount=frame["amount"].where(~flipped, -frame["amount"]))


def _could_be_ours(column: Column, col: int, grid: list[tuple[Any, ...]], raw: RawSheet) -> bool:
    """Whether every value under a computed column's header is one the tool could have written there.

    Numbers in a column of counts or amounts, dates in a column of dates, its fixed words (Estado, Semáforo,
    Volumen…) or one of its sentences (Motivo); a formula or anything else is the team's: «211 kg», «VIP».
    """
    if col >= len(grid):
        return True
    first_data = len(raw.rows) - len(grid[col])  # the grid holds the rows below the header
    formulas = raw.details.formulas
    words = COMPUTED_WORDS.get(column.key)
    for offset, value in enumerate(grid[col]):
        if is_blank(value) or (first_data + offset, col) in formulas:  # a totals line's SUBTOTAL: not a value of the column
            continue
        if column.kind in (Kind.INTEGER, Kind.NUMBER):
            ours = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif column.kind is Kind.DATE:
            ours = isinstance(value, (dt.date, dt.datetime))
        elif words is not None:
            ours = isinstance(value, str) and value.strip() in words
        elif column.key == "motivo":
            ours = isinstance(value, str) and _REASON.match(value.strip()) is not None
        else:
            ours = isinstance(value, str)
        if not ours:
            return False
    return True


def _template(text: str) -> str:
    """A message template as a pattern: its fixed words, anything for each ``{field}``."""
    return ".+?".join(re.escape(part) for part in re.split(r"\{\w+\}", text))


# Every sentence the Motivo column is made of (messages.REASON_*), each with the note of a day off after it, one or more.
_SENTENCES = "|".join(
    _template(text) for name, text in vars(messages).items() if name.startswith("REASON_") and isinstance(text, str) and text.endswith(".")
)
_ONE_REASON = f"(?:{_SENTENCES})(?:{_template(messages.REASON_DAY_OFF)})?"
_REASON = re.compile(f"^{_ONE_REASON}(?: {_ONE_REASON})*$")


@dataclass
class _Columns:
    """How the columns of a header row were read."""

    positions: dict[str, int] = field(default_factory=dict)  # slot → sheet column, in sheet order
    labels: dict[str, str] = field(default_factory=dict)  # slot → header as typed
    computed_at: dict[str, int] = field(default_factory=dict)  # our computed columns found (a workbook we wrote)
    renamed: set[str] = field(default_factory=set)  # computed keys whose plain label is a column of the team's
    gone: dict[str, int] = field(default_factory=dict)  # computed key → the column of it the team renamed (theirs now)


def _columns(
    raw: RawSheet,
    spec: Sheet,
    header: list[Any],
    header_row: int,
    span: range,
    grid: list[tuple[Any, ...]],
    generated: bool,
    problems: list[Problem],
    marks: Mapping[str, int],
) -> _Columns:
    """Which column is which: known columns by header, the team's own, and the computed ones we wrote before.

    A computed column is ours when its header is our label with ``(calculado)``,
    or our plain label where our mark is (``schema.sheets.COMPUTED_MARK``: it
    moves with the column wherever the team moves it). A workbook written before
    the marks existed has none: there our plain label is ours unless a twin with
    the suffix exists. Any other column named like a computed one is the team's,
    kept and never written, and ours takes the suffix.
    """
    lookup = _header_lookup(spec)
    theirs = team_table(raw.details.tables, header_row)  # the team's Excel table of this header, if any
    typed = {col: parse_text(header[col]) if col < len(header) and not is_blank(header[col]) else "" for col in span}
    suffixed = {header_key(column.label + CALCULATED_SUFFIX): column for column in spec.computed_columns}
    twins = {suffixed[header_key(text)].key for text in typed.values() if header_key(text) in suffixed}
    result = _Columns()
    seen_extra: dict[str, str] = {}  # folded team header → the first one typed, to spot duplicates
    for col, text in typed.items():
        key = header_key(text)
        column = lookup.get(key) if text else None
        if key in suffixed:
            result.computed_at.setdefault(suffixed[key].key, col)
            continue
        if column is not None and column.computed:
            legacy = (  # written before the marks: ours where all it holds is what the tool writes there
                generated and column.key not in twins and column.key not in result.computed_at and _could_be_ours(column, col, grid, raw)
            )
            if marks.get(column.key) == col if marks else legacy:
                result.computed_at[column.key] = col  # ours from the last refresh: recomputed, never read
                continue
            result.renamed.add(column.key)
            problems.append(
                Problem.of(
                    messages.RESERVED_COLUMN,
                    raw.name,
                    header_row + 1,
                    text,
                    text,
                    messages.SEVERITY_INFO,
                    renamed=column.label + CALCULATED_SUFFIX,
                )
            )
            column = None
        if column is not None and column.key not in result.positions:
            result.positions[column.key] = col
            result.labels[column.key] = text
            continue
        if not text and (col >= len(grid) or all(map(is_blank, grid[col]))):
            continue  # an empty column between the team's: left empty, never given an invented header
        # «Zona» twice is a duplicate; State beside Region (two aliases of one column) is one more column of the team's
        twice = header_key(result.labels[column.key]) == key if column is not None else bool(text) and key in seen_extra
        if twice:
            problems.append(Problem.of(messages.DUPLICATE_COLUMN, raw.name, header_row + 1, text, "", messages.SEVERITY_WARNING))
        elif not text and not (theirs is not None and col > theirs[1][3]):  # a note beside the team's table is no column of it
            problems.append(
                Problem.of(messages.UNTITLED_COLUMN, raw.name, header_row + 1, column_letters(col), "", messages.SEVERITY_WARNING)
            )
        seen_extra.setdefault(key, text)
        slot = unique_slot(EXTRA_PREFIX + (text or column_letters(col)), result.positions)
        result.positions[slot] = col
        result.labels[slot] = text
    _renamed_by_the_team(raw.name, spec, header_row, typed, marks, result, problems)
    return result


def _renamed_by_the_team(
    sheet: str, spec: Sheet, header_row: int, typed: Mapping[int, str], marks: Mapping[str, int], result: _Columns, problems: list[Problem]
) -> None:
    """Computed columns the team renamed («Estado» → «Estado cliente»): theirs now, no longer updated; said every refresh.

    A column is recognised by the mark it had (moved to ``RENAMED_MARK`` by the refresh that found it), whatever its new name.
    """
    for column in spec.computed_columns:
        for col in (marks.get(RENAMED_MARK + column.key), marks.get(column.key)):
            text = typed.get(col, "") if col is not None else ""
            if col is None or not text or result.computed_at.get(column.key) == col:
                continue
            if header_key(text) in (header_key(column.label), header_key(column.label + CALCULATED_SUFFIX)):
                continue  # named back: a column of the team's named like ours, or ours again
            result.gone[column.key] = col
            problems.append(
                Problem.of(messages.COMPUTED_RENAMED, sheet, header_row + 1, text, text, messages.SEVERITY_WARNING, label=column.label)
            )
            break


def _without_repeated_headers(
    kept: list[int],
    grid: list[tuple[Any, ...]],
    header: list[Any],
    columns: _Columns,
    first_data: int,
    sheet: str,
    problems: list[Problem],
) -> list[int]:
    """The data rows less those that repeat the header row (pasted again): reported, kept in the sheet, never read as data."""
    titled = [(col, fold(label)) for slot, label in columns.labels.items() if label and (col := columns.positions[slot]) < len(grid)]
    if len(titled) < 2:
        return kept
    needed = max(2, (len(titled) + 1) // 2)

    def repeats(offset: int) -> bool:
        hits = 0
        for col, label in titled:
            value = grid[col][offset]
            if isinstance(value, str) and fold(value) == label:
                hits += 1
        return hits >= needed

    repeated = [offset for offset in kept if isinstance(grid[titled[0][0]][offset], str) and repeats(offset)]
    for offset in repeated:
        problems.append(Problem.of(messages.REPEATED_HEADER, sheet, first_data + offset + 1, "", "", messages.SEVERITY_WARNING))
    return [offset for offset in kept if offset not in set(repeated)] if repeated else kept


def _used_columns(header: list[Any], grid: list[tuple[Any, ...]], first_data: int, raw: RawSheet) -> tuple[int, int]:
    """First and last column holding anything in the header row or below it (a formula without a value counts)."""
    flagged_cols = {col for row, col in raw.flagged if row >= first_data}
    flagged_cols.update(col for row, col in raw.details.formulas if row >= first_data)

    def used(col: int) -> bool:
        if col < len(header) and not is_blank(header[col]):
            return True
        return col in flagged_cols or (col < len(grid) and not all(map(is_blank, grid[col])))

    width = max(len(header), len(grid))
    first = next((col for col in range(width) if used(col)), None)
    if first is None:
        return 0, -1
    return first, next(col for col in range(width - 1, first - 1, -1) if used(col))


def _rows_with_content(columns: list[tuple[Any, ...]], height: int, first_data: int, used: list[int], raw: RawSheet) -> list[int]:
    """Offsets of the rows with a non-blank cell in ``columns`` or a formula in a ``used`` column.

    Most rows are settled by their first cell.
    """
    undecided: Sequence[int] = range(height)
    kept: list[int] = []
    for cells in columns:
        blank: list[int] = []
        for offset in undecided:
            (blank if is_blank(cells[offset]) else kept).append(offset)
        undecided = blank
        if not undecided:
            break
    if undecided and (raw.flagged or raw.details.formulas):
        wanted = set(used)
        marked = {row - first_data for row, col in (*raw.flagged, *raw.details.formulas) if col in wanted and row >= first_data}
        kept.extend(offset for offset in undecided if offset in marked)
    return sorted(kept)


def _parse_column(
    indices: list[int],
    cells: Sequence[Any],
    col: int,
    column: Column,
    label: str,
    raw: RawSheet,
    invalid: dict[tuple[int, str], Any],
    date1904: bool,
    problems: list[Problem],
) -> list[Any]:
    parse = parser_for(column, date1904)
    parsed = list(cells)
    fast = _ALREADY_TYPED.get(column.kind) if column.minimum is None and column.maximum is None else None
    if fast is None:
        todo: Sequence[int] = range(len(parsed))
    else:  # the common case, one tight pass: the reader already gave the right type, nothing to parse
        typed, ready = fast
        todo = [offset for offset, value in enumerate(parsed) if type(value) is not typed or not ready(value)]
    flags = raw.flagged
    flagged_rows = {index for index, flagged_col in flags if flagged_col == col} if flags else set()
    if flagged_rows:
        todo = sorted({*todo, *(offset for offset, index in enumerate(indices) if index in flagged_rows)})
    cache: dict[Any, Any] = {}  # the same text repeats a lot (client IDs, types, dates typed as text)
    uncalculated: list[int] = []  # rows whose formula has no value yet: one problem for the whole column
    for offset in todo:
        index, value = indices[offset], parsed[offset]
        flag = flags.get((index, col)) if flagged_rows else None
        if flag == FORMULA_WITHOUT_VALUE:
            uncalculated.append(index + 1)
            parsed[offset] = None
        elif flag is not None:
            template = messages.IN_CELL_PICTURE if isinstance(flag, RichValue) else messages.EXCEL_ERROR
            problems.append(Problem.of(template, raw.name, index + 1, label, flag))
            invalid[(index + 1, column.key)] = flag
            parsed[offset] = None
        elif is_blank(value):
            if column.required:
                problems.append(Problem.of(messages.MISSING_REQUIRED, raw.name, index + 1, label))
            parsed[offset] = None
        elif type(value) is str and value in cache:
            parsed[offset] = cache[value]
        else:
            try:
                result = parse(value)
                if type(value) is str:
                    cache[value] = result
                parsed[offset] = result
            except BadValue as bad:
                problems.append(Problem.of(bad.template, raw.name, index + 1, label, value, **bad.fields))
                invalid[(index + 1, column.key)] = value
                parsed[offset] = None
        if column.kind is Kind.DATE and type(value) is str and parsed[offset] is not None:  # kept as typed: worth converting
            shown = parsed[offset].strftime("%d/%m/%Y")
            problems.append(Problem.of(messages.TEXT_DATE, raw.name, index + 1, label, value, messages.SEVERITY_INFO, date=shown))
    if uncalculated:
        rows = row_ranges(uncalculated)
        problems.append(Problem.of(messages.FORMULA_WITHOUT_VALUE, raw.name, uncalculated[0], label, count=len(uncalculated), rows=rows))
    return parsed


# Kind → (type the reader gives, check that the value needs no parsing): the common case, kept cheap.
_ALREADY_TYPED: dict[Kind, tuple[type, Callable[[Any], Any]]] = {
    Kind.TEXT: (str, str.strip),  # non-blank text is kept exactly as typed
    Kind.NUMBER: (float, math.isfinite),
    Kind.DATE: (dt.date, within_dates),
}

_DTYPES: dict[Kind, Any] = {
    Kind.NUMBER: "float64",
    Kind.PERCENT: "float64",
    Kind.INTEGER: "Int64",
    Kind.BOOL: "boolean",
}


def typed_frame(spec: Sheet, values: dict[str, list[Any]], index: pd.Index, slots: Sequence[str]) -> pd.DataFrame:
    """Columns with dtypes the rules can compute on: datetime64, float64, Int64, boolean, object."""
    columns: dict[str, Any] = {}
    for slot in slots:
        data = values[slot]
        kind = None if slot.startswith(EXTRA_PREFIX) else spec.column(slot).kind
        if kind is Kind.DATE:
            columns[slot] = pd.to_datetime(pd.Series(data, index=index, dtype="object")).astype("datetime64[ns]")
        elif kind in _DTYPES:
            columns[slot] = pd.Series(pd.array(data, dtype=_DTYPES[kind]), index=index)
        else:
            columns[slot] = pd.Series(data, index=index, dtype="object")
    return pd.DataFrame(columns, index=index)


def _free_sheet_name(name: str, taken: set[str]) -> str:
    """``Resumen (original)``, or ``Resumen (original 2)`` when the team has that one too (Excel: 31 characters, any case)."""
    candidate, number = name[: 31 - len(RESERVED_SUFFIX)] + RESERVED_SUFFIX, 2
    while fold(candidate) in taken:
        suffix = RESERVED_SUFFIX.replace(")", f" {number})")
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    return candidate
