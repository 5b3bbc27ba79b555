"""Exact tokens of the team's XML: where each row, cell and element starts and ends, to the byte.

A part of the team's is never parsed and written again: the tool splices its
bytes. The patterns here follow XML's grammar for what a worksheet holds (tags
with either quote around their values and whitespace before ``>`` or ``/>``,
comments, CDATA sections, processing instructions), and every scan checks that
it covered its region exactly, token after token: what does not tokenise raises
:class:`NotExact`, and the caller refuses to write rather than guess.

Python's regular expressions do the scanning in C, a whole row per match (the
issue that asked for exactness measured pyexpat's ``CurrentByteIndex`` slower
than the patterns it replaces). Rows the tool leaves alone are passed on as
they are: in a piece without comments, CDATA or instructions a ``<row`` can only
be a row's start tag, so a search finds the last one exactly; otherwise every
row is tokenised.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .raw import column_index

_S = rb"[ \t\r\n]"
_NAME = rb"[A-Za-z_][\w.\-]*+(?::[A-Za-z_][\w.\-]*+)?+"
_ATTRIBUTES = rb"(?:" + _S + rb"+" + _NAME + _S + rb"*=" + _S + rb"*(?:\"[^\"<]*+\"|'[^'<]*+'))*+" + _S + rb"*+"
_COMMENT = rb"<!--(?:[^-]++|-(?!-))*+-->"
_CDATA = rb"<!\[CDATA\[(?:[^\]]++|\](?!\]>))*+\]\]>"
_INSTRUCTION = rb"<\?(?:[^?]++|\?(?!>))*+\?>"
_MISC = re.compile(rb"(?:" + _S + rb"++|" + _COMMENT + rb"|" + _INSTRUCTION + rb")*+")  # what may stand between elements


def _element(name: bytes) -> re.Pattern[bytes]:
    """One element ``name`` whole: its start tag (group 1: its attributes), its content (group 2) and its end tag."""
    other_end = rb"</(?!" + name + _S + rb"*>)" + _NAME + _S + rb"*>"
    tags = rb"<" + _NAME + _ATTRIBUTES + rb"/?>|" + other_end
    content = rb"(?:[^<]++|" + _COMMENT + rb"|" + _CDATA + rb"|" + _INSTRUCTION + rb"|" + tags + rb")*+"
    return re.compile(rb"<" + name + rb"(?=[\s/>])(" + _ATTRIBUTES + rb")(?:/>|>(" + content + rb")</" + name + _S + rb"*>)")


_ROW = _element(b"row")
_CELL = _element(b"c")
_CELL_OR_MISC = re.compile(_CELL.pattern + rb"|" + _S + rb"++|" + _COMMENT + rb"|" + _INSTRUCTION)
_ATTRIBUTE = re.compile(_S + rb"+(" + _NAME + rb")" + _S + rb"*=" + _S + rb"*(?:\"([^\"<]*)\"|'([^'<]*)')")
_TOKEN = re.compile(
    rb"(?P<text>[^<]++)|(?P<misc>" + _COMMENT + rb"|" + _CDATA + rb"|" + _INSTRUCTION + rb")"
    rb"|<(?P<open>" + _NAME + rb")" + _ATTRIBUTES + rb"(?P<empty>/?)>|</(?P<close>" + _NAME + rb")" + _S + rb"*>"
)
_START_TAG = re.compile(rb"<" + _NAME + _ATTRIBUTES + rb"/?>")
_SHEET_DATA = re.compile(rb"<sheetData" + _ATTRIBUTES + rb"(/?)>")
_SHEET_DATA_END = re.compile(rb"</sheetData" + _S + rb"*>")
DELIMITERS = (b" ", b"\t", b"\r", b"\n", b">", b"/")
_R = re.compile(_S + rb"r" + _S + rb"*=" + _S + rb"*[\"']([A-Za-z]{1,3})\d+[\"']")  # a cell's reference, when only it says r=
_REFERENCE = re.compile(rb"([A-Za-z]{1,3})(\d+)")


class NotExact(ValueError):
    """XML the tokenizer could not cover exactly: nothing is written from a guess."""

    def __init__(self, data: bytes, at: int) -> None:
        super().__init__(f"XML no reconocido en el byte {at}: {data[at : at + 60]!r}")


@dataclass(frozen=True)
class Element:
    """An element found at its exact bytes: ``data[start:end]`` is all of it."""

    data: bytes
    start: int
    end: int
    attributes_at: tuple[int, int]  # the span of its attributes in its start tag
    content_at: tuple[int, int] | None  # the span of its content; None for an empty-element tag (``<row/>``)

    @property
    def text(self) -> bytes:
        return self.data[self.start : self.end]

    @property
    def content(self) -> bytes:
        return b"" if self.content_at is None else self.data[self.content_at[0] : self.content_at[1]]

    def number(self) -> int | None:
        """A row's number as its ``r`` says it; None when it does not say."""
        return _number(self.attribute(b"r"))

    def attribute(self, name: bytes) -> str | None:
        """An attribute's value, entities resolved (either quote)."""
        return attribute(self.data[self.attributes_at[0] : self.attributes_at[1]], name)


def _number(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def row_number(tag: bytes) -> int | None:
    """The number a row's start tag gives it (``r``, either quote); None when it does not say."""
    return _number(attribute(tag, b"r"))


def start_tag(data: bytes, at: int) -> bytes | None:
    """The start tag that begins at ``at``, whole; None when ``data`` ends before it does."""
    found = _START_TAG.match(data, at)
    return found.group(0) if found else None


def attribute(attributes: bytes, name: bytes) -> str | None:
    """The value of attribute ``name`` in a start tag's attribute text, entities resolved."""
    for match in _ATTRIBUTE.finditer(attributes):
        if match.group(1) == name:
            value = match.group(2) if match.group(2) is not None else match.group(3)
            return html.unescape(value.decode("utf-8"))
    return None


def without_attribute(attributes: bytes, name: bytes) -> bytes:
    """A start tag's attribute text less attribute ``name``."""
    return _ATTRIBUTE.sub(lambda match: b"" if match.group(1) == name else match.group(0), attributes)


def _elements(pattern: re.Pattern[bytes], data: bytes, start: int, end: int) -> Iterator[Element]:
    position = start
    while True:
        position = _MISC.match(data, position, end).end()  # type: ignore[union-attr]  # matches the empty string at worst
        if position >= end:
            return
        found = pattern.match(data, position, end)
        if found is None:
            raise NotExact(data, position)
        content = found.span(2) if found.group(2) is not None else None
        yield Element(data, position, found.end(), found.span(1), content)
        position = found.end()


def rows(data: bytes, start: int = 0, end: int | None = None) -> Iterator[Element]:
    """The rows of a piece of ``<sheetData>``, every byte between them whitespace, a comment or an instruction."""
    return _elements(_ROW, data, start, len(data) if end is None else end)


def last_row(data: bytes, number: int = 0) -> int:
    """The number of the last row in a piece of ``<sheetData>`` (``number``: the one before the piece).

    Read at the last row's start tag when it says it and nothing in the piece can hide a
    ``<row`` (a comment, a CDATA section); otherwise every row is counted, exactly.
    """
    if b"<!" not in data and b"<?" not in data:
        at = len(data)
        while (at := data.rfind(b"<row", 0, at)) >= 0:
            if data[at + 4 : at + 5] in DELIMITERS:
                stated = row_number(start_tag(data, at) or b"")
                if stated is not None:
                    return stated
                break
        else:
            return number  # no row at all
    for row in rows(data):
        stated = row.number()
        number = stated if stated is not None else number + 1
    return number


def sheet_data(data: bytes) -> tuple[int, int]:
    """Where a whole worksheet part's rows are: from after ``<sheetData>`` to ``</sheetData>`` (empty for ``<sheetData/>``)."""
    found = _SHEET_DATA.search(data)
    if found is None:
        return 0, 0
    if found.group(1):
        return found.end(), found.end()
    end = sheet_data_end(data, found.end())
    return found.end(), end[0] if end else len(data)


def sheet_data_end(data: bytes, start: int = 0) -> tuple[int, int] | None:
    """Where ``</sheetData>`` starts and ends (whitespace before its ``>`` allowed), when it is there."""
    at = data.find(b"</sheetData", start)
    found = _SHEET_DATA_END.match(data, at) if at >= 0 else None
    return (at, found.end()) if found else None


def cells(row: Element) -> list[tuple[int | None, bytes]]:
    """A row's cells, each with the 0-based column its ``r`` names (None when it names none), nothing else between them
    but whitespace, comments and instructions."""
    if row.content_at is None:
        return []
    data, (start, end) = row.data, row.content_at
    found: list[tuple[int | None, bytes]] = []
    position = start
    for token in _CELL_OR_MISC.finditer(data, start, end):  # one token after another, none skipped
        if token.start() != position:
            raise NotExact(data, position)
        position = token.end()
        attributes = token.group(1)
        if attributes is None:
            continue  # whitespace, a comment, an instruction
        if attributes.count(b"r=") == 1 and (named := _R.search(attributes)) is not None:
            found.append((column(named.group(1)), token.group(0)))
        else:  # an unusual start tag: its attributes read one by one
            at = reference(attribute(attributes, b"r"))
            found.append((at[1] if at else None, token.group(0)))
    if position != end:
        raise NotExact(data, position)
    return found


@functools.cache
def column(letters: bytes) -> int:
    """A column's letters (``AB``, ``ab``) as its 0-based index: a few hundred letters, met again in every row."""
    return column_index(letters.upper())


def reference(value: str | None) -> tuple[int, int] | None:
    """``B12`` as (1-based row, 0-based column); None when there is none or it is not a cell's."""
    found = _REFERENCE.fullmatch(value.encode()) if value is not None else None
    return (int(found.group(2)), column(found.group(1))) if found is not None else None


def top_level(fragment: bytes) -> list[tuple[str, bytes]]:
    """The top-level elements of an XML fragment: (local name, bytes); text, comments and instructions between them skipped."""
    found: list[tuple[str, bytes]] = []
    depth, start, name, position = 0, 0, "", 0
    while position < len(fragment):
        token = _TOKEN.match(fragment, position)
        if token is None:
            raise NotExact(fragment, position)
        if token.group("open") is not None:
            if depth == 0:
                start, name = position, token.group("open").decode().rsplit(":", 1)[-1]
            if token.group("empty"):
                if depth == 0:
                    found.append((name, fragment[start : token.end()]))
            else:
                depth += 1
        elif token.group("close") is not None:
            depth -= 1
            if depth == 0:
                found.append((name, fragment[start : token.end()]))
            elif depth < 0:
                raise NotExact(fragment, position)
        position = token.end()
    if depth:
        raise NotExact(fragment, len(fragment))
    return found
