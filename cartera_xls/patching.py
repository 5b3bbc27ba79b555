"""Patching one of the team's data sheets: their sheet as it was, with the cells and ranges the tool owns put in.

The tool owns cells, not sheets. On Clientes, Ventas, Seguimiento… XlsxWriter
writes only what is the tool's (its columns with their headers, the IDs it
assigned, the rows it adds, its dropdowns and live colours); here that is laid
over the team's own sheet part:

- every row keeps its attributes and the team's cells; the tool's cells go in
  at their places, and what the team's sheet had in the tool's columns (last
  refresh's values) goes;
- the team's column widths win; a column of the tool's the sheet has no width
  for takes the tool's;
- after the cells, everything is the team's (merges, protection, filters,
  print settings, links, drawings, tables…) except the tool's own dropdowns
  and live colours, which are replaced by this refresh's.

The team's sheet arrives already remapped to the new package (styles, shared
strings as inline strings, Transitional namespaces); XlsxWriter's part is
regular, so its rows and cells are picked out by pattern.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from xlsxwriter.utility import xl_range

from . import ooxml, xml_tokens
from .raw import column_letters
from .xml_parts import elements, inner, merge_tail, pruned

_OUR_REFERENCE = re.compile(rb'<c r="([A-Z]{1,3})\d+"')  # XlsxWriter's cells all start so
_SPANS = re.compile(rb'\sspans="[^"]*"')
_COL = re.compile(rb"<col\b[^>]*/>")
_COL_SPAN = re.compile(rb'\smin="(\d+)"[^>]*?\smax="(\d+)"|\smax="(\d+)"[^>]*?\smin="(\d+)"')
_DIMENSION = re.compile(rb'<dimension\b[^>]*?\sref="([^"]*)"[^>]*/>')
# CT_Worksheet's elements after <sheetData>, in the order the schema requires them.
TAIL_ORDER = (
    "sheetCalcPr",
    "sheetProtection",
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)
OURS_IN_TAIL = ("conditionalFormatting", "dataValidations")  # what of XlsxWriter's part, after the cells, is the tool's


CHUNK = 4 << 20  # bytes of the team's sheet read at a time: a sheet of any size is patched in little memory


@dataclass(frozen=True)
class Ours:
    """What XlsxWriter wrote on a data sheet (all of it the tool's), and what else on the sheet is the tool's."""

    sheet: bytes  # XlsxWriter's part
    header_row: int  # 0-based
    owned_columns: frozenset[int]  # 0-based: every cell from the header row down is the tool's
    is_our_rule: Callable[[bytes], bool]  # the tool's live colours of the last refresh, among the team's rules
    is_our_validation: Callable[[bytes], bool]  # and its dropdowns
    team_rows: frozenset[int] = frozenset()  # 0-based rows the team's in every column (a totals row, a «Total» line)


def patch_sheet(read: Callable[[int], bytes], ours: Ours, edit: Callable[[bytes], bytes] = lambda data: data) -> Iterator[bytes]:
    """The team's sheet, read piece by piece with ``read`` (a file's), with what is the tool's laid over it.

    Every cell of ``ours.sheet`` is the tool's, and so is every cell of ``ours.owned_columns``
    from the header row down: the team's sheet loses what it had there. ``edit`` is applied to
    each piece of the team's XML first (whole rows, or the parts before and after them).
    Yields the new part piece by piece; only whole rows are ever held, a few megabytes at a time.
    The team's rows and cells are found by :mod:`cartera_xls.xml_tokens`, exactly: XML it cannot
    cover raises :class:`~cartera_xls.xml_tokens.NotExact` and nothing is written.
    """
    our_head, our_data, our_tail = _split(ours.sheet)
    our_rows = dict(_our_rows(our_data))
    pending = sorted(our_rows)
    buffer = b""
    while (start := buffer.find(b"<sheetData")) < 0 or buffer.find(b">", start) < 0:
        chunk = read(CHUNK)
        if not chunk:
            raise ValueError("a worksheet without <sheetData>")
        buffer += chunk
    opening_end = buffer.find(b">", start) + 1
    empty = buffer[opening_end - 2 : opening_end] == b"/>"  # <sheetData/>: no rows of the team's
    head = edit(buffer[:start])
    yield _dimension(_merged_columns(head, our_head, ours.owned_columns), our_head) + b"<sheetData>"
    buffer = buffer[opening_end:]
    if empty:
        buffer = b"</sheetData>" + buffer
    number = 0
    while True:
        closed = xml_tokens.sheet_data_end(buffer)
        if closed is not None:
            region, buffer, last = buffer[: closed[0]], buffer[closed[1] :], True
        else:
            chunk = read(CHUNK)
            if not chunk:
                raise ValueError("a worksheet whose <sheetData> does not close")
            buffer += chunk
            cut = _last_row_start(buffer)
            if cut <= 0:
                continue
            region, buffer, last = buffer[:cut], buffer[cut:], False
        patched, number = _patched_rows(edit(region), our_rows, pending, ours, number)
        following = None if last else xml_tokens.row_number(xml_tokens.start_tag(buffer, 0) or b"")
        upto = following if following is not None else number + 1  # a row without a number follows the last one
        before = [row for row in pending if last or row < upto]
        del pending[: len(before)]
        yield patched + b"".join(our_rows[row].whole() for row in before)
        if last:
            break
    while chunk := read(CHUNK):
        buffer += chunk
    tail = edit(buffer)
    closing = tail.rfind(b"</")
    yield b"</sheetData>" + _patched_tail(tail[:closing], our_tail, ours) + tail[closing:]


def _last_row_start(buffer: bytes) -> int:
    """Where the last row whose start tag is read whole starts in ``buffer``; 0 when the piece cannot be cut for sure.

    Outside comments, CDATA sections and instructions a ``<row`` is always a row's start tag (``<``
    is never in text or attribute values); a piece holding one of those is not cut at all, it
    grows until ``</sheetData>``.
    """
    if b"<!" in buffer or b"<?" in buffer:
        return 0
    at = len(buffer)
    while (at := buffer.rfind(b"<row", 0, at)) > 0:
        if buffer[at + 4 : at + 5] in xml_tokens.DELIMITERS and xml_tokens.start_tag(buffer, at) is not None:
            return at
    return 0


def whole_rows(read: Callable[[int], bytes]) -> Iterator[bytes]:
    """A sheet part read with ``read``, in pieces that each end before a row starts (no cell is ever cut)."""
    buffer = b""
    while chunk := read(CHUNK):
        buffer += chunk
        cut = _last_row_start(buffer)
        if cut > 0:
            yield buffer[:cut]
            buffer = buffer[cut:]
    yield buffer


def _patched_tail(tail: bytes, our_tail: bytes, ours: Ours) -> bytes:
    """What follows the cells: the team's, less the tool's colours and dropdowns of the last refresh, plus this refresh's.

    The last refresh's are recognised wherever they are: in the main block, or in the extension list
    where Excel moves a rule or a validation that names another sheet when it saves the workbook.
    """
    kept: list[tuple[str, bytes]] = []
    for name, text in elements(tail):
        if name == "conditionalFormatting":
            text = pruned(text, lambda child, rule: None if child == "cfRule" and ours.is_our_rule(rule) else rule)
        elif name == "dataValidations":
            text = pruned(text, lambda child, check: None if child == "dataValidation" and ours.is_our_validation(check) else check)
        elif name == "extLst":
            text = pruned(text, lambda child, extension: _without_ours(extension, ours) if child == "ext" else extension)
        if text:
            kept.append((name, text))
    added = [(name, text) for name, text in elements(our_tail) if name in OURS_IN_TAIL]
    sheet = b"<sheetData></sheetData>" + b"".join(text for _, text in kept) + b"</worksheet>"
    merged = merge_tail(sheet, added, TAIL_ORDER, ("dataValidations",))
    return merged[len(b"<sheetData></sheetData>") : -len(b"</worksheet>")]


X14_VALIDATIONS = b"{cce6a557-97bc-4b89-adb6-d9c93caab3df}"  # the extension Excel keeps cross-sheet validations in
X14_FORMATS = b"{78c0d931-6437-407d-a8ee-f0aad7539e65}"  # and cross-sheet conditional formats


def _without_ours(extension: bytes, ours: Ours) -> bytes | None:
    """One ``<ext>`` of a worksheet less the tool's dropdowns or colours Excel moved there; None when nothing is left."""
    uri = (xml_tokens.attribute((xml_tokens.start_tag(extension, 0) or b"")[4:], b"uri") or "").lower().encode()
    if uri == X14_VALIDATIONS:

        def validation(child: str, text: bytes) -> bytes | None:
            return None if child == "dataValidation" and ours.is_our_validation(text) else text

        return pruned(extension, lambda child, text: pruned(text, validation) if child == "dataValidations" else text) or None
    if uri == X14_FORMATS:

        def formatting(child: str, text: bytes) -> bytes | None:
            if child != "conditionalFormatting":
                return text
            rules = [rule for name, rule in elements(inner(text)) if name == "cfRule"]
            if all(ours.is_our_rule(rule) for rule in rules):
                return None  # only the tool's rules: its range goes with them
            return pruned(text, lambda name, rule: None if name == "cfRule" and ours.is_our_rule(rule) else rule)

        return pruned(extension, lambda child, text: pruned(text, formatting) if child == "conditionalFormattings" else text) or None
    return extension


def _split(sheet: bytes) -> tuple[bytes, bytes, bytes]:
    """A worksheet part as (everything before ``<sheetData>``, the rows, the elements after ``</sheetData>``)."""
    start = sheet.find(b"<sheetData")
    opening_end = sheet.find(b">", start) + 1
    if sheet[opening_end - 2 : opening_end] == b"/>":  # <sheetData/>
        return sheet[:start], b"", sheet[opening_end : sheet.rfind(b"</")]
    end = sheet.find(b"</sheetData>", opening_end)
    return sheet[:start], sheet[opening_end:end], sheet[end + len(b"</sheetData>") : sheet.rfind(b"</")]


@dataclass(frozen=True)
class _OurRow:
    """A row XlsxWriter wrote: its start tag, its cells as written, and their 0-based columns (in order)."""

    opening: bytes
    cells: bytes
    cols: tuple[int, ...]
    number: int

    def split(self) -> list[tuple[int, bytes]]:
        return _cells(next(xml_tokens.rows(b"<row>" + self.cells + b"</row>")), self.number)

    def whole(self) -> bytes:
        return self.opening + self.cells + b"</row>"


def _our_rows(data: bytes) -> Iterator[tuple[int, _OurRow]]:
    """XlsxWriter's rows by their 1-based number (its part is regular: ``<c r="B5"``, every row numbered)."""
    for row in xml_tokens.rows(data):
        number = row.number()
        if number is not None:
            cols = tuple(map(xml_tokens.column, _OUR_REFERENCE.findall(row.content)))
            yield number, _OurRow(_opening(row, number), row.content, cols, number)


def _opening(row: xml_tokens.Element, number: int) -> bytes:
    """A patched row's start tag: its attributes less ``spans`` (the cells may no longer fit it), its number said."""
    attributes = xml_tokens.without_attribute(row.data[row.attributes_at[0] : row.attributes_at[1]], b"spans").rstrip()
    if row.attribute(b"r") is None:
        attributes = f' r="{number}"'.encode() + attributes
    return b"<row" + attributes + b">"


def _cells(row: xml_tokens.Element, number: int) -> list[tuple[int, bytes]]:
    """A row's cells with their 0-based columns, each saying its reference (one without follows the one before it)."""
    found: list[tuple[int, bytes]] = []
    col = -1
    for at, text in xml_tokens.cells(row):
        if at is None:
            col += 1
            text = b"<c" + f' r="{column_letters(col)}{number}"'.encode() + text[2:]
        else:
            col = at
        found.append((col, text))
    return found


def _patched_rows(data: bytes, ours: Mapping[int, _OurRow], pending: list[int], sheet: Ours, number: int = 0) -> tuple[bytes, int]:
    """Whole rows of the team's with the tool's cells in, and the number of the last (``number``: the one before them).

    Rows only the tool writes (``pending``, in order, taken from it as they are placed) go in before
    the first row of the team's that follows them; the caller places those after the last.
    """
    owned = sheet.owned_columns
    if not owned:
        last = xml_tokens.last_row(data, number)
        if not pending or pending[0] > last:
            return data, last  # nothing of the tool's here: the rows as they are
    out: list[bytes] = []
    position = 0
    for row in xml_tokens.rows(data):
        out.append(data[position : row.start])  # whitespace, comments between rows: the team's
        position = row.end
        stated = row.number()
        number = stated if stated is not None else number + 1
        while pending and pending[0] < number:  # a row only the tool writes, before this one
            out.append(ours[pending.pop(0)].whole())
        here = ours[pending.pop(0)] if pending and pending[0] == number else None
        theirs = number - 1 < sheet.header_row or number - 1 in sheet.team_rows
        drop = (frozenset() if theirs else owned).union(here.cols if here is not None else ())
        if not drop:
            out.append(row.text)
            continue
        cells = _cells(row, number)
        kept = [(col, cell) for col, cell in cells if col not in drop]
        if here is None and len(kept) == len(cells):
            out.append(row.text)  # nothing of the tool's on this row
            continue
        if here is None:
            inside = b"".join(cell for _, cell in kept)
        elif not here.cols or not kept or kept[-1][0] < here.cols[0]:  # the common case: the tool's cells after the team's
            inside = b"".join(cell for _, cell in kept) + here.cells
        else:
            inside = b"".join(cell for _, cell in sorted([*kept, *here.split()], key=lambda item: item[0]))
        out.append(_opening(row, number) + inside + b"</row>")
    out.append(data[position:])
    return b"".join(out), number


def _merged_columns(head: bytes, our_head: bytes, owned: frozenset[int]) -> bytes:
    """The team's ``<cols>`` with the tool's widths for its columns the team gave none."""
    theirs = [(match, _span(match.group(0))) for match in _COL.finditer(head)]
    covered = {col for _, (first, last) in theirs for col in range(first, last + 1)}
    added = [
        col
        for col in (match.group(0) for match in _COL.finditer(our_head))
        if (span := _span(col)) and all(c in owned and c not in covered for c in range(span[0], span[1] + 1))
    ]
    if not added:
        return head
    if not theirs:  # <cols> is the last element before <sheetData>
        return head + b"<cols>" + b"".join(added) + b"</cols>"
    every = sorted([*(match.group(0) for match, _ in theirs), *added], key=lambda col: _span(col)[0])
    start = head.find(b"<cols")
    end = head.find(b"</cols>", start) + len(b"</cols>")
    return head[:start] + b"<cols>" + b"".join(every) + b"</cols>" + head[end:]


def _span(col: bytes) -> tuple[int, int]:
    """A ``<col>``'s 0-based first and last column."""
    match = _COL_SPAN.search(col)
    if match is None:
        return (0, -1)
    first, last = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    return int(first) - 1, int(last) - 1


def _dimension(head: bytes, our_head: bytes) -> bytes:
    """The sheet's used range, grown over the tool's cells."""
    theirs, ours = _DIMENSION.search(head), _DIMENSION.search(our_head)
    if theirs is None or ours is None:
        return head
    spans = [span for ref in (theirs.group(1), ours.group(1)) if (span := ooxml.cell_range(html.unescape(ref.decode())))]
    if not spans:
        return head
    r0, c0 = min(s[0] for s in spans), min(s[1] for s in spans)
    r1, c1 = max(s[2] for s in spans), max(s[3] for s in spans)
    return head[: theirs.start(1)] + str(xl_range(r0, c0, r1, c1)).encode() + head[theirs.end(1) :]


_TABLE = re.compile(rb"<(?:\w+:)?table\b[^>]*>")
_AUTO_FILTER = re.compile(rb"<(?:\w+:)?autoFilter\b[^>]*?>")
_TABLE_COLUMNS = re.compile(rb"<((?:\w+:)?)tableColumns\b[^>]*?>(.*?)</(?:\w+:)?tableColumns>", re.S)
_REF = re.compile(rb'(\sref=")([^"]*)(")')
_COUNT = re.compile(rb'(\scount=")(\d*)(")')
_COLUMN_ID = re.compile(rb'<(?:\w+:)?tableColumn\b[^>]*?\sid="(\d+)"')


def extended_table(data: bytes, span: tuple[int, int, int, int], labels: Sequence[str], last_row: int | None = None) -> bytes:
    """A table part grown by columns after its last one, titled ``labels`` (their header cells say the same), and down to ``last_row``."""
    first_row, first_col, last_row_now, last_col = span
    right = last_col + len(labels)
    bottom = last_row_now if last_row is None else last_row

    def reference(match: re.Match[bytes]) -> bytes:
        found = ooxml.cell_range(match.group(2).decode())
        rows = (found[0], found[2]) if found else (first_row, last_row_now)
        return match.group(1) + str(xl_range(rows[0], first_col, max(rows[1], bottom), right)).encode() + match.group(3)

    table = _TABLE.search(data)
    if table is None:
        return data
    data = data[: table.start()] + _REF.sub(reference, table.group(0), count=1) + data[table.end() :]
    data = _AUTO_FILTER.sub(lambda m: _REF.sub(reference, m.group(0), count=1), data, count=1)
    columns = _TABLE_COLUMNS.search(data)
    if columns is None or not labels:
        return data
    prefix = columns.group(1)
    next_id = max((int(found) for found in _COLUMN_ID.findall(columns.group(2))), default=0) + 1
    new = b"".join(
        b"<" + prefix + b'tableColumn id="' + str(next_id + offset).encode() + b'" name="' + _attribute(label) + b'"/>'
        for offset, label in enumerate(labels)
    )
    closing = b"</" + prefix + b"tableColumns>"
    whole = columns.group(0)
    grown = whole.replace(closing, new + closing)
    count = str(len(_COLUMN_ID.findall(grown))).encode()
    opening_end = grown.find(b">") + 1
    grown = _COUNT.sub(lambda m: m.group(1) + count + m.group(3), grown[:opening_end], count=1) + grown[opening_end:]
    return data[: columns.start()] + grown + data[columns.end() :]


def _attribute(text: str) -> bytes:
    """Text as an XML attribute value (a table column's name: line breaks kept as Excel writes them)."""
    escaped = text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;").encode("utf-8")
