"""What the Open XML SDK does not check across parts, and Excel repairs (or refuses) on opening.

The SDK validates each part against its schema; it does not check that a
cell's style index exists in ``styles.xml``, that two tables have different
names, or that a relationship points at a part that is there. Excel does, and
answers with «We found a problem with some content». Each check here reads the
package as XML trees (Strict Open XML read as Transitional) and returns one
sentence per problem.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from defusedxml import ElementTree

from cartera_xls.xml_parts import transitional

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
FIRST_CUSTOM_NUMBER_FORMAT = 164
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _area(ref: str) -> tuple[int, int, int, int]:
    """``A1:C3`` → (first row, first column, last row, last column)."""
    corners = [_CELL.fullmatch(corner) for corner in ref.split(":")]
    if not corners or any(corner is None for corner in corners):
        raise ValueError(f"not a cell range: {ref!r}")
    points = [(int(c.group(2)), _column(c.group(1))) for c in corners if c is not None]
    return (points[0][0], points[0][1], points[-1][0], points[-1][1])


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


class Package:
    """A workbook file's parts, parsed on demand."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}

    def tree(self, name: str) -> Any:
        return ElementTree.fromstring(transitional(self.parts[name]))

    def relationships(self, source: str) -> list[tuple[str, str, str]]:
        """(id, type, target part or external URL) of a part's relationships; ``source`` "" is the package."""
        folder = posixpath.dirname(source)
        name = f"{folder}/_rels/{posixpath.basename(source)}.rels".lstrip("/") if source else "_rels/.rels"
        if name not in self.parts:
            return []
        found = []
        for rel in self.tree(name).iter(PACKAGE_REL + "Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") != "External":
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found.append((rel.get("Id", ""), rel.get("Type", ""), target))
        return found

    def related(self, source: str, kind: str) -> list[str]:
        return [target for _, type_, target in self.relationships(source) if type_.endswith("/" + kind)]

    def workbook_part(self) -> str:
        return self.related("", "officeDocument")[0]


def check(path: Path) -> list[str]:
    """Every cross-part problem of the workbook at ``path``."""
    package = Package(path)
    return [
        *_content_types(package),
        *_relationships(package),
        *_workbook(package),
    ]


def _content_types(package: Package) -> Iterator[str]:
    types = package.tree("[Content_Types].xml")
    defaults = {item.get("Extension", "").lower(): item.get("ContentType") for item in types.iter(CONTENT_TYPES + "Default")}
    overrides = {item.get("PartName", "").lstrip("/").lower(): item.get("ContentType") for item in types.iter(CONTENT_TYPES + "Override")}
    names = {name.lower() for name in package.parts}
    for part in sorted(overrides):
        if part not in names:
            yield f"[Content_Types].xml: an override names a part that is not in the package: /{part}"
    for name in package.parts:
        if name == "[Content_Types].xml":
            continue
        if name.lower() not in overrides and name.rsplit(".", 1)[-1].lower() not in defaults:
            yield f"[Content_Types].xml: the part /{name} has no content type"


def _relationships(package: Package) -> Iterator[str]:
    for name in package.parts:
        if not name.endswith(".rels"):
            continue
        rels = PurePosixPath(name)
        source = str(rels.parent.parent / rels.name.removesuffix(".rels")) if rels.parent.name == "_rels" else ""
        source = "" if source in (".", "") else source
        if source and source not in package.parts:
            yield f"{name}: the relationships of a part that is not in the package"
        ids = Counter(rel_id for rel_id, _, _ in package.relationships(source))
        for rel_id, count in ids.items():
            if count > 1:
                yield f"{name}: the relationship id {rel_id} is used {count} times"
        for rel_id, _, target in package.relationships(source):
            external = "://" in target or target.startswith(("mailto:", "#", "file:"))
            if not external and target not in package.parts:
                yield f"{name}: {rel_id} points at /{target}, which is not in the package"


def _workbook(package: Package) -> Iterator[str]:
    workbook_name = package.workbook_part()
    workbook = package.tree(workbook_name)
    targets = {rel_id: target for rel_id, _, target in package.relationships(workbook_name)}
    sheets = [(sheet.get("name", ""), targets.get(sheet.get(REL + "id", ""))) for sheet in workbook.iter(MAIN + "sheet")]
    yield from _names(package, workbook, [name for name, _ in sheets])
    styles = _styles(package, workbook_name)
    strings = _string_count(package, workbook_name)
    yield from styles.problems
    code_names: Counter[str] = Counter()
    workbook_properties = workbook.find(MAIN + "workbookPr")
    if workbook_properties is not None and workbook_properties.get("codeName"):
        code_names[workbook_properties.get("codeName", "").casefold()] += 1
    tables: list[tuple[str, str, tuple[int, int, int, int]]] = []
    table_names: Counter[str] = Counter()
    table_ids: Counter[str] = Counter()
    cache_ids = {cache.get("cacheId") for cache in workbook.iter(MAIN + "pivotCache")}
    for sheet_name, part in sheets:
        if part is None or part not in package.parts:
            yield f"{workbook_name}: the sheet «{sheet_name}» has no part"
            continue
        sheet = package.tree(part)
        if sheet.tag != MAIN + "worksheet":
            continue  # chartsheets and dialog sheets hold no cells
        properties = sheet.find(MAIN + "sheetPr")
        if properties is not None and properties.get("codeName"):
            code_names[properties.get("codeName", "").casefold()] += 1
        yield from _cells(part, sheet, styles.cell_formats, strings)
        yield from _conditional_formats(part, sheet, styles.differential_formats)
        merges = [_area(merge.get("ref", "")) for merge in sheet.iter(MAIN + "mergeCell")]
        for index, merge in enumerate(merges):
            for other in merges[index + 1 :]:
                if _overlap(merge, other):
                    yield f"{part}: merged ranges overlap: {merge} and {other}"
        headers = _header_texts(sheet, package, workbook_name)
        for table_part in package.related(part, "table"):
            table = package.tree(table_part)
            name = table.get("displayName") or table.get("name") or ""
            table_names[name.casefold()] += 1
            table_ids[table.get("id", "")] += 1
            area = _area(table.get("ref", ""))
            for other_sheet, other_name, other_area in tables:
                if other_sheet == part and _overlap(area, other_area):
                    yield f"{table_part}: the table {name} overlaps the table {other_name}"
            for merge in merges:
                if _overlap(area, merge):
                    yield f"{table_part}: the table {name} overlaps a merged range {merge}"
            tables.append((part, name, area))
            if table.get("headerRowCount", "1") != "0":
                columns = [column.get("name", "") for column in table.iter(MAIN + "tableColumn")]
                texts = [headers.get((area[0], area[1] + offset)) for offset in range(len(columns))]
                for column, text in zip(columns, texts, strict=True):
                    if text is not None and _unescape_column(column) != text:
                        yield f"{table_part}: the table {name} names a column «{column}» whose header cell says «{text}»"
        for pivot_part in package.related(part, "pivotTable"):
            cache_id = package.tree(pivot_part).get("cacheId")
            if cache_id not in cache_ids:
                yield f"{pivot_part}: cacheId {cache_id} is not among the workbook's pivot caches"
        for comments_part in package.related(part, "comments"):
            comments = package.tree(comments_part)
            authors = len(list(comments.iter(MAIN + "author")))
            for comment in comments.iter(MAIN + "comment"):
                if int(comment.get("authorId", "0")) >= authors:
                    yield f"{comments_part}: a comment's authorId {comment.get('authorId')} is past its {authors} authors"
    for name, count in table_names.items():
        if count > 1:
            yield f"{workbook_name}: {count} tables are named {name}"
    for table_id, count in table_ids.items():
        if count > 1:
            yield f"{workbook_name}: {count} tables have the id {table_id}"
    defined = {name.get("name", "").casefold() for name in workbook.iter(MAIN + "definedName")}
    for name in table_names:
        if name in defined:
            yield f"{workbook_name}: the table {name} has the name of a defined name"
    for code_name, count in code_names.items():
        if count > 1:
            yield f"{workbook_name}: the VBA code name {code_name} is given {count} times"
    for rid in (cache.get(REL + "id") for cache in workbook.iter(MAIN + "pivotCache")):
        if rid not in targets:
            yield f"{workbook_name}: a pivot cache points at the missing relationship {rid}"


def _names(package: Package, workbook: Any, sheet_names: list[str]) -> Iterator[str]:
    seen: Counter[tuple[str, str]] = Counter()
    for name in workbook.iter(MAIN + "definedName"):
        scope = name.get("localSheetId", "")
        seen[(name.get("name", "").casefold(), scope)] += 1
        if scope and not 0 <= int(scope) < len(sheet_names):
            yield f"xl/workbook.xml: the defined name {name.get('name')} is scoped to sheet {scope}, of {len(sheet_names)}"
    for (text, scope), count in seen.items():
        if count > 1:
            yield f"xl/workbook.xml: the defined name {text} is defined {count} times" + (f" in sheet {scope}" if scope else "")


class _Styles:
    def __init__(self, cell_formats: int, differential_formats: int, problems: list[str]) -> None:
        self.cell_formats = cell_formats
        self.differential_formats = differential_formats
        self.problems = problems


def _styles(package: Package, workbook_name: str) -> _Styles:
    found = [part for part in package.related(workbook_name, "styles") if part in package.parts]
    if not found:
        return _Styles(1, 0, [])  # without a styles part every cell is style 0
    styles = package.tree(found[0])

    def children(collection: str) -> list[Any]:
        element = styles.find(MAIN + collection)
        return list(element) if element is not None else []

    custom = {item.get("numFmtId") for item in children("numFmts")}
    problems = []
    for kind, limit_kind in (("cellXfs", "numFmtId"),):
        for index, xf in enumerate(children(kind)):
            number_format = xf.get(limit_kind, "0")
            if int(number_format) >= FIRST_CUSTOM_NUMBER_FORMAT and number_format not in custom:
                problems.append(f"{found[0]}: cell format {index} uses the number format {number_format}, which is not defined")
    counts = {name: len(children(name)) for name in ("fonts", "fills", "borders", "cellStyleXfs")}
    for index, xf in enumerate(children("cellXfs")):
        for attribute, collection in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders"), ("xfId", "cellStyleXfs")):
            value = xf.get(attribute)
            if value is not None and int(value) >= counts[collection]:
                problems.append(f"{found[0]}: cell format {index} has {attribute}={value}, past its {counts[collection]} {collection}")
    return _Styles(len(children("cellXfs")), len(children("dxfs")), problems)


def _string_count(package: Package, workbook_name: str) -> int:
    found = [part for part in package.related(workbook_name, "sharedStrings") if part in package.parts]
    return len(list(package.tree(found[0]).iter(MAIN + "si"))) if found else 0


def _cells(part: str, sheet: Any, cell_formats: int, strings: int) -> Iterator[str]:
    data = sheet.find(MAIN + "sheetData")
    previous_row = 0
    for row in data.iterfind(MAIN + "row") if data is not None else []:
        number = int(row.get("r", previous_row + 1))
        if number <= previous_row:
            yield f"{part}: row {number} comes after row {previous_row}"
        previous_row = number
        yield from _past_styles(part, f"row {number}", row.get("s"), cell_formats)
        previous_column = 0
        for cell in row.iter(MAIN + "c"):
            reference = cell.get("r")
            if reference is not None:
                match = _CELL.fullmatch(reference)
                if match is None or int(match.group(2)) != number:
                    yield f"{part}: the cell {reference} is in row {number}"
                    continue
                column = _column(match.group(1))
            else:
                column = previous_column + 1
            if column <= previous_column:
                yield f"{part}: the cell {reference} comes after column {previous_column} of row {number}"
            previous_column = column
            yield from _past_styles(part, f"the cell {reference}", cell.get("s"), cell_formats)
            if cell.get("t") == "s":
                value = cell.find(MAIN + "v")
                if value is None or value.text is None or not 0 <= int(value.text) < strings:
                    yield f"{part}: the cell {reference} points at shared string {value.text if value is not None else None}, of {strings}"


def _past_styles(part: str, what: str, style: str | None, cell_formats: int) -> Iterator[str]:
    if style is not None and int(style) >= cell_formats:
        yield f"{part}: {what} has style {style}, past the {cell_formats} cell formats"


def _conditional_formats(part: str, sheet: Any, differential_formats: int) -> Iterator[str]:
    for rule in sheet.iter(MAIN + "cfRule"):
        dxf = rule.get("dxfId")
        if dxf is not None and int(dxf) >= differential_formats:
            yield f"{part}: a conditional format uses dxfId {dxf}, past the {differential_formats} differential formats"


def _header_texts(sheet: Any, package: Package, workbook_name: str) -> dict[tuple[int, int], str]:
    """The text of every text cell (shared or inline), by (row, column): what a table's header must match."""
    found = [part for part in package.related(workbook_name, "sharedStrings") if part in package.parts]
    strings = (
        ["".join(text.text or "" for text in item.iter(MAIN + "t")) for item in package.tree(found[0]).iter(MAIN + "si")] if found else []
    )
    texts = {}
    for cell in sheet.iter(MAIN + "c"):
        match = _CELL.fullmatch(cell.get("r", ""))
        if match is None:
            continue
        key = (int(match.group(2)), _column(match.group(1)))
        kind = cell.get("t")
        value = cell.find(MAIN + "v")
        if kind == "s" and value is not None and value.text is not None and int(value.text) < len(strings):
            texts[key] = strings[int(value.text)]
        elif kind == "inlineStr":
            texts[key] = "".join(text.text or "" for text in cell.iter(MAIN + "t"))
        elif kind == "str" and value is not None:
            texts[key] = value.text or ""
    return texts


def _unescape_column(name: str) -> str:
    """A table column's name as the header cell shows it (Excel writes line breaks as _x000a_)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match.group(1), 16)), name)
