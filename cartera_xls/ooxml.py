"""Reading the parts of an Office Open XML package: relationships, sheets, styles, and what a sheet's XML holds.

Pure functions over a :class:`zipfile.ZipFile` or a part's bytes; no calamine,
no openpyxl. Both Transitional (what Excel saves by default) and Strict Open XML
("Strict Open XML Spreadsheet") are read: their namespaces differ, the parts
do not. Sheet XML can be tens of megabytes, so it is scanned with byte regular
expressions that only stop at the cells that matter (a format that is not
General, a formula, an error), never parsed into a tree.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any, TypeVar

from defusedxml import ElementTree

from .raw import Cell, Formula, SheetDetails, column_index, column_letters

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MAIN_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELATIONSHIPS_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK = "xl/workbook.xml"

_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*)>(?:<f([^>]*)/>|<f([^>]*)>([^<]*)</f>)')
_HIDDEN_ROW = re.compile(rb'<row r="(\d+)"[^>]*? hidden="(?:1|true)"')
_COLUMNS = re.compile(rb"<cols>(.*?)</cols>", re.S)
_COLUMN = re.compile(rb"<col\b([^>]*)/?>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_REFERENCE = re.compile(r"\$?([A-Z]+)\$?(\d+)")


class Namespaces:
    """The namespaces of one package: Transitional or Strict."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.main = MAIN_STRICT if strict else MAIN
        self.relationships = RELATIONSHIPS_STRICT if strict else RELATIONSHIPS

    def tag(self, name: str) -> str:
        """A SpreadsheetML element's qualified name, ``{namespace}name``."""
        return f"{{{self.main}}}{name}"

    @property
    def rid(self) -> str:
        """The qualified name of the ``r:id`` attribute."""
        return f"{{{self.relationships}}}id"


def parse(data: bytes) -> Any:
    """A small part (workbook, styles, relationships) as an element tree; entities are refused (defusedxml)."""
    return ElementTree.fromstring(data)


def namespaces(workbook: Any) -> Namespaces:
    """Whether a parsed ``xl/workbook.xml`` is Strict Open XML."""
    return Namespaces(strict=workbook.tag.startswith(f"{{{MAIN_STRICT}}}"))


def resolve(folder: str, target: str) -> str:
    """A relationship target as a zip member name: absolute (``/xl/...``) or relative to ``folder``."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def rels_name(member: str) -> str:
    """The relationships part of a part: ``xl/worksheets/_rels/sheet1.xml.rels``."""
    path = PurePosixPath(member)
    return str(path.parent / "_rels" / (path.name + ".rels"))


LOCATION = "Location"  # a target inside the document (``#Sheet1!A1``): no part, kept as written


def relationships(archive: zipfile.ZipFile, member: str) -> list[tuple[str, str, str, str]]:
    """(id, type, resolved target, target mode) of every relationship of a part; empty when it has none.

    The mode is ``External`` for a link outside the package, :data:`LOCATION`
    for a place inside the document, empty for a part.
    """
    name = rels_name(member)
    if name not in archive.NameToInfo:
        return []
    folder = str(PurePosixPath(member).parent)
    found = []
    for rel in parse(archive.read(name)).iter(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship"):
        mode = rel.get("TargetMode", "")
        target = rel.get("Target", "")
        if not mode and target.startswith("#"):
            mode = LOCATION
        found.append((rel.get("Id", ""), rel.get("Type", ""), target if mode else resolve(folder, target), mode))
    return found


def kind(relationship_type: str) -> str:
    """The last word of a relationship type URI (``worksheet``, ``drawing``, ``comments``…), Strict or not."""
    return relationship_type.rsplit("/", 1)[-1]


def sheet_members(archive: zipfile.ZipFile, workbook: Any = None) -> list[tuple[str, str]]:
    """(sheet name, zip member of its XML) in workbook order; ``workbook`` is xl/workbook.xml if already parsed."""
    if workbook is None:
        workbook = parse(archive.read(WORKBOOK))
    ns = namespaces(workbook)
    targets = {rel_id: target for rel_id, _, target, _ in relationships(archive, WORKBOOK)}
    return [(sheet.get("name", ""), targets.get(sheet.get(ns.rid), "")) for sheet in workbook.iter(ns.tag("sheet"))]


_WHOLE_COLUMN = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3}):\$?([A-Z]{1,3})$")


def column_marks(workbook: Any, prefix: str) -> dict[str, dict[str, int]]:
    """The workbook-wide names ``prefix`` + key that span one whole column: sheet → key → 0-based column.

    A name Excel could not keep (its column was deleted: ``#REF!``) marks nothing.
    """
    ns = namespaces(workbook)
    marks: dict[str, dict[str, int]] = {}
    for element in workbook.iter(ns.tag("definedName")):
        name = element.get("name", "")
        match = _WHOLE_COLUMN.match((element.text or "").strip())
        if not name.startswith(prefix) or element.get("localSheetId") is not None or match is None or match.group(3) != match.group(4):
            continue
        sheet = match.group(1).replace("''", "'") if match.group(1) is not None else match.group(2)
        marks.setdefault(sheet, {})[name.removeprefix(prefix)] = column_index(match.group(3))
    return marks


def date1904(workbook: Any) -> bool:
    """Whether a parsed workbook uses the 1904 date system."""
    props = workbook.find(namespaces(workbook).tag("workbookPr"))
    return props is not None and props.get("date1904", "0").lower() in ("1", "true")


def local_name(tag: str) -> str:
    """An element's name without its namespace (``{http://…/main}comment`` is ``comment``), Strict or not."""
    return tag.rsplit("}", 1)[-1]


def notes(archive: zipfile.ZipFile) -> dict[str, dict[str, str]]:
    """Each sheet's cell notes (the comments part; a threaded comment keeps one there too): sheet name → A1 reference → text."""
    found: dict[str, dict[str, str]] = {}
    for name, member in sheet_members(archive):
        for _, rel_type, target, _ in relationships(archive, member):
            if kind(rel_type) != "comments" or target not in archive.NameToInfo:
                continue
            part = parse(archive.read(target))
            for comment in part.iter():
                if local_name(comment.tag) == "comment" and comment.get("ref"):
                    text = "".join(t.text or "" for t in comment.iter() if local_name(t.tag) == "t")
                    found.setdefault(name, {})[comment.get("ref")] = text.strip()
    return found


def totals_rows(archive: zipfile.ZipFile, member: str) -> frozenset[int]:
    """The 0-based rows of one sheet that are its Excel tables' totals rows (``totalsRowCount``): not data."""
    rows: set[int] = set()
    for _, rel_type, target, _ in relationships(archive, member):
        if kind(rel_type) == "table" and target in archive.NameToInfo:
            table = parse(archive.read(target))
            count = int(table.get("totalsRowCount") or 0)  # 0 when the totals row is off (totalsRowShown="0")
            span = cell_range(table.get("ref", ""))
            if count and span is not None:
                rows.update(range(span[2] - count + 1, span[2] + 1))
    return frozenset(rows)


def sheet_tables(archive: zipfile.ZipFile, member: str) -> tuple[tuple[str, str], ...]:
    """(name, range) of the Excel tables of one sheet."""
    found = []
    for _, rel_type, target, _ in relationships(archive, member):
        if kind(rel_type) == "table" and target in archive.NameToInfo:
            table = parse(archive.read(target))
            found.append((table.get("displayName") or table.get("name", ""), table.get("ref", "")))
    return tuple(found)


def sheet_details(data: bytes, tables: tuple[tuple[str, str], ...] = (), totals: frozenset[int] = frozenset()) -> SheetDetails:
    """Number formats, formulas, hidden rows and columns and merged cells of one sheet's XML."""
    start, end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    return SheetDetails(
        head=data[: max(start, 0)],
        tail=data[end + len(b"</sheetData>") :] if end >= 0 else b"",
        formulas=_formulas(data) if b"<f" in data else {},
        hidden_rows=frozenset(int(row) - 1 for row in _HIDDEN_ROW.findall(data)) if b"hidden=" in data else frozenset(),
        hidden_columns=_hidden_columns(data),
        merged=tuple(_merges(data)) if b"<mergeCell " in data else (),
        tables=tables,
        totals_rows=totals,
        widths=_column_attribute(data, b"width", float, lambda _: True),
        heights=_row_attribute(data, b"ht", float, _by_hand) if b"customHeight" in data else {},
        row_levels=_row_attribute(data, b"outlineLevel", int, _grouped) if b"outlineLevel" in data else {},
        column_levels=_column_attribute(data, b"outlineLevel", int, _grouped),
        tab_color=_tab_color(data[: max(start, 0)]),
        right_to_left=_RIGHT_TO_LEFT.search(data, 0, max(start, 0)) is not None,
    )


def _formulas(data: bytes) -> dict[Cell, Formula]:
    """Every formula, shared ones written out for each cell they cover (as Excel shows them)."""
    from openpyxl.formula.translate import Translator  # openpyxl's own formula translation, only when there are shared formulas

    found: dict[Cell, Formula] = {}
    masters: dict[bytes, tuple[str, str]] = {}  # shared index → (formula, its first cell)
    pending: list[tuple[Cell, bytes]] = []
    for letters, row, cell_attributes, empty_attributes, attributes, text in _FORMULA_CELL.findall(data):
        cell = (int(row) - 1, column_index(letters))
        attrs = dict(_ATTRIBUTE.findall(attributes or empty_attributes))
        formula = html.unescape(text.decode("utf-8"))
        if attrs.get(b"t") == b"shared":
            index = attrs.get(b"si", b"")
            if formula:
                masters[index] = (formula, f"{letters.decode()}{row.decode()}")
            else:
                pending.append((cell, index))
                continue
        if not formula:
            continue
        array = attrs.get(b"ref", b"").decode() if attrs.get(b"t") == b"array" else None
        dynamic = b'cm="' in cell_attributes
        found[cell] = Formula(formula, array or None, dynamic)
    for cell, index in pending:
        if index in masters:
            formula, origin = masters[index]
            target = _cell_name(cell)
            found[cell] = Formula(Translator("=" + formula, origin=origin).translate_formula(target)[1:])
    return found


def _cell_name(cell: Cell) -> str:
    return f"{column_letters(cell[1])}{cell[0] + 1}"


_ROW = re.compile(rb"<row\b([^>]*)>")
T = TypeVar("T")
_TAB_COLOR = re.compile(rb'<tabColor\b[^>]*?\brgb="(?:[0-9A-Fa-f]{2})?([0-9A-Fa-f]{6})"')
_RIGHT_TO_LEFT = re.compile(rb'<sheetView\b[^>]*?\brightToLeft="(?:1|true)"')


MAX_COLUMN_SPAN = 1024
MAX_COLUMNS = 16_384  # Excel's


def _hidden_columns(data: bytes) -> frozenset[int]:
    return frozenset(_column_attribute(data, b"hidden", str, lambda attrs: attrs[b"hidden"] in (b"1", b"true"), widest=MAX_COLUMNS))


def _column_attribute(
    data: bytes, name: bytes, kind: Callable[[str], T], when: Callable[[dict[bytes, bytes]], bool], widest: int = MAX_COLUMN_SPAN
) -> dict[int, T]:
    """Column → its attribute ``name`` (0-based columns), from the ``<col>`` ranges that have it and for which ``when`` holds.

    A range wider than ``widest`` columns is left out (a width over the whole sheet is a default, not a column's).
    """
    match = _COLUMNS.search(data, 0, data.find(b"<sheetData"))
    if match is None or name not in match.group(1):
        return {}
    found: dict[int, T] = {}
    for attributes in _COLUMN.findall(match.group(1)):
        attrs = dict(_ATTRIBUTE.findall(attributes))
        first, last = int(attrs.get(b"min", b"1")) - 1, int(attrs.get(b"max", b"1"))
        if name in attrs and last - first <= widest and when(attrs):
            for col in range(first, last):
                found[col] = kind(attrs[name].decode())
    return found


def _row_attribute(data: bytes, name: bytes, kind: Callable[[str], T], when: Callable[[dict[bytes, bytes]], bool]) -> dict[int, T]:
    """Row → its attribute ``name`` (0-based rows), for the rows that have it and for which ``when`` holds."""
    found: dict[int, T] = {}
    for attributes in _ROW.findall(data):
        if name not in attributes:
            continue
        attrs = dict(_ATTRIBUTE.findall(attributes))
        if name in attrs and b"r" in attrs and when(attrs):
            found[int(attrs[b"r"]) - 1] = kind(attrs[name].decode())
    return found


def _by_hand(attrs: dict[bytes, bytes]) -> bool:
    return attrs.get(b"customHeight") in (b"1", b"true")


def _grouped(attrs: dict[bytes, bytes]) -> bool:
    return attrs[b"outlineLevel"] != b"0"


def _tab_color(head: bytes) -> str | None:
    match = _TAB_COLOR.search(head)
    return "#" + match.group(1).decode().upper() if match else None


def _merges(data: bytes) -> Iterable[tuple[int, int, int, int]]:
    for first_col, first_row, last_col, last_row in _MERGE.findall(data):
        yield (
            int(first_row) - 1,
            column_index(first_col),
            int(last_row or first_row) - 1,
            column_index(last_col or first_col),
        )


def cell_range(reference: str) -> tuple[int, int, int, int] | None:
    """``A1:C3`` as (first row, first col, last row, last col), 0-based; ``None`` when it is not a range of cells."""
    cells = _REFERENCE.findall(reference)
    if not cells:
        return None
    (first_col, first_row), (last_col, last_row) = cells[0], cells[-1]
    return int(first_row) - 1, column_index(first_col), int(last_row) - 1, column_index(last_col)


_BRACKETED_CURRENCY = re.compile(r"\[\$([^\]\-]*)(?:-[0-9A-Fa-f]+)?\]")  # [$€-C0A], [$USD], [$-409] (a locale, no symbol)
_QUOTED = re.compile(r'"([^"]*)"')
_CURRENCY_SIGN = re.compile(r"[€£$¥₹₽₩₪₫₱₲₴₡₦]")
_STYLE_ATTRIBUTE = re.compile(rb'\ss="(\d+)"')
_STYLED_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]+)\d+"([^>]*)>')
CURRENCY_SCAN_BYTES = 1 << 20  # the first rows of a sheet say how the team formats the column
CURRENCY_SAMPLE = 50


def currency_symbol(number_format: str) -> str | None:
    """The currency a number format shows (``#,##0.00 [$€-C0A]`` → ``€``, ``"S/" #,##0.00`` → ``S/``), or ``None``."""
    positive = number_format.split(";", 1)[0]
    bracketed = [symbol.strip() for symbol in _BRACKETED_CURRENCY.findall(positive) if symbol.strip()]
    if bracketed:
        return str(bracketed[0])
    quoted = [text.strip() for text in _QUOTED.findall(positive) if text.strip() and not any(ch.isdigit() for ch in text)]
    if quoted:
        return str(quoted[0])
    sign = _CURRENCY_SIGN.search(_BRACKETED_CURRENCY.sub("", _QUOTED.sub("", positive)).replace("\\", ""))
    return sign.group(0) if sign else None


def cell_formats(archive: zipfile.ZipFile) -> list[str]:
    """The number format code of every cell style (``cellXfs``), by index; empty when the package has no styles."""
    member = next((target for _, rel_type, target, _ in relationships(archive, WORKBOOK) if kind(rel_type) == "styles"), None)
    if not member or member not in archive.NameToInfo:
        return []
    styles = parse(archive.read(member))
    ns = Namespaces(strict=styles.tag.startswith(f"{{{MAIN_STRICT}}}"))
    codes = {element.get("numFmtId"): element.get("formatCode", "") for element in styles.iter(ns.tag("numFmt"))}
    cell_xfs = next(styles.iter(ns.tag("cellXfs")), None)
    return [codes.get(xf.get("numFmtId", "0"), "") for xf in cell_xfs.iter(ns.tag("xf"))] if cell_xfs is not None else []


_STYLED_CELL_ROW = re.compile(rb'<(?:\w+:)?c r="([A-Z]+)(\d+)"([^>]*)>')


def other_currencies(data: bytes, formats: list[str], columns: Mapping[int, str]) -> dict[int, dict[int, str]]:
    """Column → row → the currency a cell shows where it is not its column's (``columns``: :func:`column_currencies`).

    The whole sheet is read only when the workbook's styles show two
    currencies or more; a workbook of one currency costs nothing.
    """
    symbols = {index: currency_symbol(code) for index, code in enumerate(formats)}
    if len({symbol for symbol in symbols.values() if symbol}) < 2 or not columns:
        return {}
    found: dict[int, dict[int, str]] = {}
    for match in _STYLED_CELL_ROW.finditer(data):
        column = column_index(match.group(1))
        expected = columns.get(column)
        style = _STYLE_ATTRIBUTE.search(match.group(3)) if expected is not None else None
        symbol = symbols.get(int(style.group(1))) if style else None
        if symbol and symbol != expected:
            found.setdefault(column, {})[int(match.group(2))] = symbol
    return found


def column_currencies(data: bytes, formats: list[str]) -> dict[int, str]:
    """Column → the currency the style most of its first cells carry shows (``formats``: :func:`cell_formats`).

    Only the sheet's first megabyte is looked at: a team formats a column as a
    whole, so its first rows tell.
    """
    if not formats:
        return {}
    used: dict[int, dict[int, int]] = {}
    for match in _STYLED_CELL.finditer(data, 0, CURRENCY_SCAN_BYTES):
        counts = used.setdefault(column_index(match.group(1)), {})
        if sum(counts.values()) < CURRENCY_SAMPLE:
            style = _STYLE_ATTRIBUTE.search(match.group(2))
            index = int(style.group(1)) if style else 0
            counts[index] = counts.get(index, 0) + 1
    found = {}
    for column, counts in used.items():
        index = max(counts, key=counts.__getitem__)
        symbol = currency_symbol(formats[index]) if index < len(formats) else None
        if symbol:
            found[column] = symbol
    return found
