"""From a file on disk to raw grids of cell values — the only module that opens workbooks.

Values come from python-calamine (fast, every format). For ``.xlsx``/``.xlsm``
the sheet XML is also scanned (:mod:`cartera_xls.ooxml`) for what calamine hides:
error cells (``#N/A``) and formulas without a cached value, both of which
calamine turns into ``''``, and what makes a cell come back as typed: its
number format and formula, hidden rows and columns, the sheet's tables.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException, ElementTree
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from . import ooxml, xml_tokens
from .errors import PasswordProtected, UnreadableWorkbook
from .raw import (
    FORMULA_WITHOUT_VALUE,
    NO_DETAILS,
    Cell,
    ExcelError,
    RawSheet,
    RawWorkbook,
    RichValue,
    SheetDetails,
    column_index,
    column_letters,
)
from .schema import messages
from .schema.sheets import COMPUTED_MARK, MARKER_PROPERTY

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt")
TEXT_SUFFIXES = (".csv", ".txt")
ZIP_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Bounds checked before any parser sees the file (see PITFALLS: no reader
# bounds decompression, and calamine aborts the process on a far cell).
MAX_ZIP_ENTRIES = 10_000
MAX_UNCOMPRESSED = 4 * 1024**3
MIN_RATIO_LARGE_ENTRY = 0.01  # Apache POI's rule for entries above 100 KB
LARGE_ENTRY = 100 * 1024
MAX_CELLS = 60_000_000
MAX_ROWS = 1_048_576
MAX_COLS = 16_384

_ERROR_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>')
_UNCACHED_FORMULA = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>')
_WIDE_CELL = re.compile(rb'r="[A-Z]{3}[0-9]')  # a cheap superset: a hit only triggers the exact scan
_ANY_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)\d+"')
_CELL_ROW = re.compile(rb'<c r="([A-Z]+)(\d+)"')


def check_written(
    path: Path, heights: Mapping[str, int], team_cells: Mapping[str, Mapping[int, Sequence[tuple[int, Any]]]] | None = None
) -> None:
    """A file just written is whole: every zip member reads back with its CRC, each sheet has at least its rows,
    and the sheets of ``team_cells`` (sheet → column → (0-based row, value)) hold those cells as they were read.

    Raises ``ValueError`` naming what is wrong. Every member is decompressed (zipfile
    checks the CRC at the end of each read) and a sheet's height is taken from its
    rows, counted exactly (:func:`cartera_xls.xml_tokens.last_row`); the team's cells
    are read back with calamine, as they were read, on the sheets the refresh rewrote rows of.
    """
    with zipfile.ZipFile(path) as archive:
        members = dict(ooxml.sheet_members(archive))
        last_rows: dict[str, int] = {}
        for entry in archive.infolist():
            try:
                data = archive.read(entry)
            except (zipfile.BadZipFile, zlib.error) as exc:
                raise ValueError(f"la parte {entry.filename} está dañada ({exc})") from None
            if entry.filename in members.values():
                last_rows[entry.filename] = xml_tokens.last_row(data[slice(*xml_tokens.sheet_data(data))])
    for name, height in heights.items():
        found = last_rows.get(members.get(name, ""), 0)
        if found < height:
            raise ValueError(f"la hoja {name} tiene {found} filas en lugar de {height}")
    if not team_cells:
        return
    book = CalamineWorkbook.from_path(str(path))
    try:
        for name, columns in team_cells.items():
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for col, expected in columns.items():
                written = [(row, rows[row][col] if row < len(rows) and col < len(rows[row]) else None) for row, _ in expected]
                if written != list(expected):
                    lost = sum(1 for (_, a), (_, b) in zip(expected, written, strict=True) if a != b)
                    raise ValueError(f"la hoja {name} cambió {lost} celda(s) del equipo en la columna {column_letters(col)}")
    finally:
        book.close()


def open_workbook(path: Path) -> RawWorkbook:
    """Read every sheet of ``path``; raise :class:`UnreadableWorkbook` with a Spanish message."""
    path = Path(path)
    if path.is_dir():
        raise UnreadableWorkbook(messages.IS_A_FOLDER.format(path=path))
    if not path.is_file():
        raise UnreadableWorkbook(messages.FILE_NOT_FOUND.format(path=path))
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableWorkbook(messages.UNSUPPORTED_FORMAT.format(path=path.name, suffix=suffix or "sin extensión"))
    if suffix in TEXT_SUFFIXES:
        return RawWorkbook(path, [read_csv(path)])
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(OLE_MAGIC) and suffix != ".xls":
        raise PasswordProtected(messages.PASSWORD_PROTECTED.format(path=path.name))
    if not (magic.startswith(ZIP_MAGIC) or magic.startswith(OLE_MAGIC)):
        raise UnreadableWorkbook(messages.NOT_A_WORKBOOK.format(path=path.name))
    scanned: dict[str, tuple[dict[Cell, str], SheetDetails]] = {}
    date1904 = generated = False
    marks: dict[str, dict[str, int]] = {}
    if magic.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                _check_zip_bounds(archive, path)
                if suffix in ZIP_SUFFIXES:
                    scanned, date1904, generated, marks = _scan_xlsx(archive, path)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail=exc)) from None
    return RawWorkbook(path, _read_values(path, scanned), date1904, generated, marks)


MAX_CSV_BYTES = 2 * 1024**3
_PLAIN_NUMBER = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?$")  # 2.55, -6, 17850.0 (not 00123: a code)
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def read_csv(path: Path) -> RawSheet:
    """A CSV export as one sheet named after the file: its separator and encoding found, numbers and dates typed.

    Plain numbers become numbers (codes with leading zeros stay text); dates
    written month first (``12/31/2010``, as English exports do) become dates when
    a value shows it (a second part above 12); otherwise dates stay text for the
    day-first reading of the rest of the tool.
    """
    if path.stat().st_size > MAX_CSV_BYTES:
        raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail="demasiado grande"))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # an export from Windows: cp1252, or latin-1 for the bytes cp1252 leaves undefined
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    sample = text[: 64 * 1024]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Any]] = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    width = max((len(row) for row in rows), default=0)
    columns = [[row[col] if col < len(row) else "" for row in rows] for col in range(width)]
    typed = [_typed_column(values) for values in columns]
    grid = [list(row) for row in zip(*typed, strict=True)] if typed else []
    return RawSheet(_sheet_name(path.stem), grid)


def _typed_column(values: list[str]) -> list[Any]:
    month_first = False
    for value in values[1:]:  # below the header
        match = _SLASH_DATE.match(value.strip())
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12:
                month_first = False
                break
            month_first = month_first or second > 12
    result: list[Any] = []
    for value in values:
        text = value.strip()
        match = _SLASH_DATE.match(text) if month_first else None
        if match:
            month, day, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
            year += 2000 if year < 70 else 1900 if year < 100 else 0
            hour, minute, second = (int(part) if part else 0 for part in match.group(4, 5, 6))
            try:
                result.append(dt.datetime(year, month, day, hour, minute, second))
                continue
            except ValueError:
                pass
        result.append(float(text) if _PLAIN_NUMBER.match(text) else value)
    return result


def _sheet_name(stem: str) -> str:
    """A file name as a sheet name: without the characters Excel forbids, at most 31 characters."""
    name = re.sub(r"[\[\]:*?/\\]", " ", stem).strip("' ") or "Hoja1"
    return name[:31]


def _read_values(path: Path, scanned: dict[str, tuple[dict[Cell, str], SheetDetails]]) -> list[RawSheet]:
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            sheets = []
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue  # chart sheets and dialogs carry no cells
                sheet = book.get_sheet_by_name(meta.name)
                rows = sheet.to_python(skip_empty_area=False)
                hidden = meta.visible != SheetVisibleEnum.Visible
                flagged, details = scanned.get(meta.name, ({}, NO_DETAILS))
                if details is NO_DETAILS and sheet.merged_cell_ranges:  # .xls: calamine knows the merges
                    merged = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges)
                    details = SheetDetails(merged=merged)
                very_hidden = meta.visible == SheetVisibleEnum.VeryHidden
                sheets.append(RawSheet(meta.name, rows, hidden, flagged, details, very_hidden))
            return sheets
        finally:
            book.close()
    except PasswordError:
        raise PasswordProtected(messages.PASSWORD_PROTECTED.format(path=path.name)) from None
    except (CalamineError, ValueError, OSError) as exc:
        raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail=exc)) from None


def _check_zip_bounds(archive: zipfile.ZipFile, path: Path) -> None:
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    too_compressed = any(
        entry.file_size > LARGE_ENTRY and entry.compress_size / entry.file_size < MIN_RATIO_LARGE_ENTRY for entry in entries
    )
    if len(entries) > MAX_ZIP_ENTRIES or total > MAX_UNCOMPRESSED or too_compressed:
        detail = f"{len(entries)} partes, {total // 1024**2} MB descomprimido"
        raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail=detail))


def _scan_xlsx(
    archive: zipfile.ZipFile, path: Path
) -> tuple[dict[str, tuple[dict[Cell, str], SheetDetails]], bool, bool, dict[str, dict[str, int]]]:
    """Per sheet, its error cells and uncached formulas and its details; the 1904 flag, our marker, our column marks."""
    names = set(archive.namelist())
    try:
        workbook = ooxml.parse(archive.read(ooxml.WORKBOOK))
        members = ooxml.sheet_members(archive, workbook)
        scanned: dict[str, tuple[dict[Cell, str], SheetDetails]] = {}
        formats = ooxml.cell_formats(archive)
        for sheet_name, member in members:
            if member not in names:
                continue
            data = archive.read(member)
            _check_dimension(data, path)
            details = ooxml.sheet_details(data, ooxml.sheet_tables(archive, member), ooxml.totals_rows(archive, member))
            currencies = ooxml.column_currencies(data, formats)
            others = ooxml.other_currencies(data, formats, currencies)
            details = dataclasses.replace(details, currencies=currencies, other_currencies=others)
            scanned[sheet_name] = (_flag_cells(data), details)
    except UnreadableWorkbook:
        raise
    except DefusedXmlException:
        raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail=messages.HOSTILE_XML)) from None
    except (KeyError, ValueError, ElementTree.ParseError) as exc:
        raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail=exc)) from None
    generated = "docProps/custom.xml" in names and MARKER_PROPERTY.encode() in archive.read("docProps/custom.xml")
    return scanned, ooxml.date1904(workbook), generated, ooxml.column_marks(workbook, COMPUTED_MARK)


def _check_dimension(data: bytes, path: Path) -> None:
    """Refuse sheets whose used area would make a reader allocate an absurd grid.

    The declared ``<dimension>`` may be missing or lie (Excel writes ``A1:XFD1048576``
    for a sheet whose comment it once moved there), so what counts is the cells
    actually present: the last one's row and the widest column. The readers
    allocate by those, not by the declaration.
    """
    rows = cols = 0
    last_cell = _CELL_ROW.search(data, max(0, data.rfind(b"<c r=")))  # cells are in order: the last has the highest row
    if last_cell:
        rows, cols = int(last_cell.group(2)), column_index(last_cell.group(1)) + 1
    if _WIDE_CELL.search(data):  # a column past ZZ: find the widest (rare, so the full scan is rare)
        cols = max(cols, *(column_index(m.group(1)) + 1 for m in _ANY_CELL.finditer(data)))
    if rows > MAX_ROWS or cols > MAX_COLS or rows * max(cols, 1) > MAX_CELLS:
        detail = f"una hoja ocupa {rows:,} filas × {cols:,} columnas".replace(",", ".")
        raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail=detail))


def _flag_cells(data: bytes) -> dict[tuple[int, int], str]:
    flagged: dict[tuple[int, int], str] = {}
    if b't="e"' in data:
        for match in _ERROR_CELL.finditer(data):
            key = (int(match.group(2)) - 1, column_index(match.group(1)))
            opening = match.group(0)[: match.group(0).find(b">")]
            error = match.group(3).decode("utf-8", "replace")
            flagged[key] = RichValue(error) if b' vm="' in opening else ExcelError(error)
    if b"<f" in data:
        for match in _UNCACHED_FORMULA.finditer(data):
            flagged.setdefault((int(match.group(2)) - 1, column_index(match.group(1))), FORMULA_WITHOUT_VALUE)
    return flagged


def has_macros(path: Path) -> bool:
    """Whether an .xlsm holds a VBA project."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
