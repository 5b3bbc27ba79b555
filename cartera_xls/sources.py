"""From a file on disk to raw grids of cell values — the only module that opens workbooks.

Values come from python-calamine (fast, every format). For ``.xlsx``/``.xlsm``
the sheet XML is also scanned for what calamine hides: error cells (``#N/A``)
and formulas without a cached value, both of which calamine turns into ``''``.
The formula text of sheets the tool does not know comes from openpyxl, which
is slow but only reads those sheets.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from defusedxml import DefusedXmlException, ElementTree
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from .errors import PasswordProtected, UnreadableWorkbook
from .raw import FORMULA_WITHOUT_VALUE, ExcelError, RawSheet, RawWorkbook, column_index
from .schema import messages
from .schema.sheets import MARKER_PROPERTY

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
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

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_ERROR_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>')
_UNCACHED_FORMULA = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>')
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+\d+:)?([A-Z]+)(\d+)"')
_LAST_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_WIDE_CELL = re.compile(rb'r="[A-Z]{3}[0-9]')  # a cheap superset: a hit only triggers the exact scan
_ANY_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)\d+"')


def check_written(path: Path, heights: dict[str, int]) -> None:
    """A file just written is whole: every zip member reads back with its CRC, and each sheet has at least its rows.

    Raises ``ValueError`` naming what is wrong. Every member is decompressed (zipfile
    checks the CRC at the end of each read) and a sheet's height is taken from its
    last ``<row r="...">``, so verifying costs a fraction of writing.
    """
    with zipfile.ZipFile(path) as archive:
        members = dict(_sheet_members(archive))
        last_rows: dict[str, int] = {}
        for entry in archive.infolist():
            try:
                data = archive.read(entry)
            except (zipfile.BadZipFile, zlib.error) as exc:
                raise ValueError(f"la parte {entry.filename} está dañada ({exc})") from None
            if entry.filename in members.values():
                match = _LAST_ROW.search(data, max(0, data.rfind(b"<row ")))
                last_rows[entry.filename] = int(match.group(1)) if match else 0
    for name, height in heights.items():
        found = last_rows.get(members.get(name, ""), 0)
        if found < height:
            raise ValueError(f"la hoja {name} tiene {found} filas en lugar de {height}")


def open_workbook(path: Path) -> RawWorkbook:
    """Read every sheet of ``path``; raise :class:`UnreadableWorkbook` with a Spanish message."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableWorkbook(messages.FILE_NOT_FOUND.format(path=path))
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableWorkbook(messages.UNSUPPORTED_FORMAT.format(path=path.name, suffix=suffix or "sin extensión"))
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(OLE_MAGIC) and suffix != ".xls":
        raise PasswordProtected(messages.PASSWORD_PROTECTED.format(path=path.name))
    if not (magic.startswith(ZIP_MAGIC) or magic.startswith(OLE_MAGIC)):
        raise UnreadableWorkbook(messages.NOT_A_WORKBOOK.format(path=path.name))
    flagged: dict[str, dict[tuple[int, int], str]] = {}
    date1904 = generated = False
    if magic.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                _check_zip_bounds(archive, path)
                if suffix in ZIP_SUFFIXES:
                    flagged, date1904, generated = _scan_xlsx(archive, path)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail=exc)) from None
    formulas = (lambda sheet_name: read_formulas(path, sheet_name)) if suffix in ZIP_SUFFIXES else RawWorkbook.formulas
    return RawWorkbook(path, _read_values(path, flagged), date1904, generated, formulas)


def read_formulas(path: Path, sheet_name: str) -> Mapping[tuple[int, int], str]:
    """Formula text (``=SUM(A1:A3)``) by (row, column) of one sheet of an .xlsx/.xlsm."""
    import openpyxl  # only needed for sheets the tool does not know

    try:
        book = openpyxl.load_workbook(path, read_only=True, keep_links=False)
        try:
            found: dict[tuple[int, int], str] = {}
            for row in book[sheet_name].iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "f" and cell.value is not None:
                        text = getattr(cell.value, "text", cell.value)
                        found[(cell.row - 1, cell.column - 1)] = str(text)
            return found
        finally:
            book.close()
    except Exception as exc:  # openpyxl fails in many ways on a damaged part; all mean the same to the team
        detail = f"hoja «{sheet_name}»: {type(exc).__name__}"
        raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail=detail)) from None


def _read_values(path: Path, flagged: dict[str, dict[tuple[int, int], str]]) -> list[RawSheet]:
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            sheets = []
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue  # chart sheets and dialogs carry no cells
                rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                hidden = meta.visible != SheetVisibleEnum.Visible
                sheets.append(RawSheet(meta.name, rows, hidden, flagged.get(meta.name, {})))
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


def _scan_xlsx(archive: zipfile.ZipFile, path: Path) -> tuple[dict[str, dict[tuple[int, int], str]], bool, bool]:
    """Error cells and uncached formulas per sheet, the 1904 flag and our marker."""
    names = set(archive.namelist())
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        members = _sheet_members(archive, workbook)
    except DefusedXmlException:
        raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail=messages.HOSTILE_XML)) from None
    except (KeyError, ElementTree.ParseError) as exc:
        raise UnreadableWorkbook(messages.CORRUPT_WORKBOOK.format(path=path.name, detail=exc)) from None
    props = workbook.find("m:workbookPr", _NS)
    date1904 = props is not None and props.get("date1904", "0").lower() in ("1", "true")
    flagged: dict[str, dict[tuple[int, int], str]] = {}
    for sheet_name, member in members:
        if member not in names:
            continue
        data = archive.read(member)
        _check_dimension(data, path)
        flagged[sheet_name] = _flag_cells(data)
    generated = "docProps/custom.xml" in names and MARKER_PROPERTY.encode() in archive.read("docProps/custom.xml")
    return flagged, date1904, generated


def _check_dimension(data: bytes, path: Path) -> None:
    """Refuse sheets whose used area would make a reader allocate an absurd grid.

    The declared ``<dimension>`` may be missing or lie, so the last row and any
    three-letter column actually present are checked too (rows are in order).
    """
    rows = cols = 0
    match = _DIMENSION.search(data, 0, 4096)
    if match:
        rows, cols = int(match.group(2)), column_index(match.group(1)) + 1
    last_row = _LAST_ROW.search(data, max(0, data.rfind(b"<row ") - 1))
    if last_row:
        rows = max(rows, int(last_row.group(1)))
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
            flagged[key] = ExcelError(match.group(3).decode("utf-8", "replace"))
    if b"<f" in data:
        for match in _UNCACHED_FORMULA.finditer(data):
            flagged.setdefault((int(match.group(2)) - 1, column_index(match.group(1))), FORMULA_WITHOUT_VALUE)
    return flagged


def uncarried_content(path: Path, ours: tuple[str, ...] = ()) -> list[str]:
    """What the regenerated workbook cannot carry, in the team's words (charts, images, pivot tables…).

    Sheets named in ``ours`` (generated ones, when the workbook is ours) are
    skipped: their charts are regenerated.
    """
    if path.suffix.lower() not in ZIP_SUFFIXES:
        return []
    found: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                found.append(messages.CONTENT_MACROS)
            if any(name.startswith("xl/pivotTables/") for name in names):
                found.append(messages.CONTENT_PIVOTS)
            for sheet_name, member in _sheet_members(archive):
                if sheet_name in ours:
                    continue
                kinds = _sheet_content(archive, names, member)
                found.extend(messages.CONTENT_IN_SHEET.format(what=kind, sheet=sheet_name) for kind in kinds)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, DefusedXmlException):
        return found
    return found


def _sheet_members(archive: zipfile.ZipFile, workbook: Any = None) -> list[tuple[str, str]]:
    """(sheet name, zip member of its XML) in workbook order; ``workbook`` is xl/workbook.xml if already parsed."""
    if workbook is None:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.findall("rel:Relationship", _NS)}
    return [
        (sheet.get("name", ""), _resolve("xl", targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")))
        for sheet in workbook.iterfind("m:sheets/m:sheet", _NS)
    ]


def _resolve(folder: str, target: str) -> str:
    """A relationship target as a zip member name: absolute (``/xl/...``) or relative to ``folder``."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _sheet_content(archive: zipfile.ZipFile, names: set[str], member: str) -> list[str]:
    """Kinds of objects attached to one sheet: charts, images, comments."""
    sheet_path = PurePosixPath(member)
    rels_name = str(sheet_path.parent / "_rels" / (sheet_path.name + ".rels"))
    if rels_name not in names:
        return []
    kinds: list[str] = []
    for rel in ElementTree.fromstring(archive.read(rels_name)).findall("rel:Relationship", _NS):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind in ("comments", "threadedComment") and messages.CONTENT_COMMENTS not in kinds:
            kinds.append(messages.CONTENT_COMMENTS)
        elif kind == "drawing":
            drawing = _resolve(str(sheet_path.parent), rel.get("Target", ""))
            drawing_rels = str(PurePosixPath(drawing).parent / "_rels" / (PurePosixPath(drawing).name + ".rels"))
            if drawing_rels in names:
                for inner in ElementTree.fromstring(archive.read(drawing_rels)).findall("rel:Relationship", _NS):
                    inner_kind = inner.get("Type", "").rsplit("/", 1)[-1]
                    label = {"chart": messages.CONTENT_CHARTS, "image": messages.CONTENT_IMAGES}.get(inner_kind)
                    if label and label not in kinds:
                        kinds.append(label)
    return kinds
