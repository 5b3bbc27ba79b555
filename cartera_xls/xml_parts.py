"""Editing the parts of an OOXML package as bytes: merging styles, placing elements in schema order, writing relationships.

The parts XlsxWriter writes and the team's parts are both machine-written XML
(no DTD, no CDATA), so small, exact byte edits are enough and keep every byte
the edit does not touch: nothing is parsed into a tree and written back with
other prefixes or attribute orders.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence

from .xml_tokens import start_tag, top_level

STRICT_REPLACEMENTS = (
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships", b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/drawingml/chart", b"http://schemas.openxmlformats.org/drawingml/2006/chart"),
    (b"http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing", b"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"),
    (b"http://purl.oclc.org/ooxml/drawingml/picture", b"http://schemas.openxmlformats.org/drawingml/2006/picture"),
    (b"http://purl.oclc.org/ooxml/officeDocument/sharedTypes", b"http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes"),
)
STYLE_COLLECTIONS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles", "colors")
_COUNT = re.compile(rb"""\scount=["'](\d*)["']""")
_OUTER = re.compile(rb"^<[^>]*>|</[^>]*>$")


def transitional(data: bytes) -> bytes:
    """Strict Open XML namespaces as the Transitional ones XlsxWriter's parts use."""
    if b"purl.oclc.org" not in data:
        return data
    for strict, transitional_namespace in STRICT_REPLACEMENTS:
        data = data.replace(strict, transitional_namespace)
    return data


MAIN_NAMESPACE = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROOT = re.compile(rb"<(?![?!])(?:([\w.-]+):)?([\w.-]+)\b([^>]*)>")


def main_prefix(data: bytes) -> bytes | None:
    """The prefix a part's root gives SpreadsheetML's main namespace (``x`` of ``<x:worksheet xmlns:x=…>``); None if none.

    Excel writes the namespace as the default one; libraries built on Microsoft's SDK often write ``x:``.
    """
    root = _ROOT.search(data)
    if root is None or root.group(1) is None:
        return None
    prefix = root.group(1)
    declared = re.search(rb"\sxmlns:" + re.escape(prefix) + rb'="([^"]*)"', root.group(3))
    default = re.search(rb'\sxmlns="([^"]*)"', root.group(3))
    if declared is None or declared.group(1) != MAIN_NAMESPACE or (default is not None and default.group(1) != MAIN_NAMESPACE):
        return None
    return prefix


def unprefixed(data: bytes, prefix: bytes | None) -> bytes:
    """A part (or a piece of one) with its main-namespace elements written without ``prefix``, as Excel writes them.

    The same XML: the root declares the namespace as the default one too. Text never holds a raw ``<``.
    """
    if prefix is None:
        return data
    data = data.replace(b"<" + prefix + b":", b"<").replace(b"</" + prefix + b":", b"</")
    declaration = b" xmlns:" + prefix + b'="' + MAIN_NAMESPACE + b'"'
    if declaration in data and b' xmlns="' + MAIN_NAMESPACE + b'"' not in data:
        data = data.replace(declaration, b' xmlns="' + MAIN_NAMESPACE + b'"' + declaration, 1)
    return data


def unprefixed_reader(read: Callable[[int], bytes], prefix: bytes | None) -> Callable[[int], bytes]:
    """``read`` (a file's) giving the part :func:`unprefixed`: a tag cut between two reads is completed by the next."""
    if prefix is None:
        return read
    pending = b""

    def read_unprefixed(size: int) -> bytes:
        nonlocal pending
        while True:
            chunk = read(size)
            if not chunk:
                rest, pending = pending, b""
                return unprefixed(rest, prefix)
            data = pending + chunk
            cut = data.rfind(b"<")  # what follows may be a tag not whole yet
            if cut > 0:
                pending = data[cut:]
                return unprefixed(data[:cut], prefix)
            pending = data

    return read_unprefixed


def shift(data: bytes, pattern: bytes, offset: int) -> bytes:
    """Every number captured by ``pattern`` (prefix, number, suffix) moved by ``offset``."""
    if not offset:
        return data
    return re.sub(pattern, lambda m: m.group(1) + str(int(m.group(2)) + offset).encode() + m.group(3), data)


def renumber(data: bytes, pattern: bytes, new: Callable[[bytes], bytes]) -> bytes:
    """Every value captured by ``pattern`` (prefix, value, suffix) replaced by ``new(value)``."""
    return re.sub(pattern, lambda m: m.group(1) + new(m.group(2)) + m.group(3), data)


# --- styles.xml ----------------------------------------------------------------------------------


def merge_styles(ours: bytes, theirs: bytes, slot: Callable[[bytes], bytes] = lambda code: b"") -> tuple[bytes, list[int], list[int]]:
    """``ours`` with what ``theirs`` adds: the merged part, and where each of their cell formats and differential formats went.

    Their fonts, fills, borders, custom number formats, cell style formats, cell
    formats, differential formats, named styles and table styles ours lack are
    appended, every index inside them moved to where its target now sits; one
    identical to one of ours is not repeated but points to ours, so merging a
    workbook the tool wrote adds nothing twice. Number formats whose codes ``slot`` gives the same
    key (the tool's stamp, which names who refreshed) share one place: theirs replaces ours there,
    in the numbers formats and in the differential formats, so the part does not grow with them.
    """
    collections = {name: collection(theirs, name) for name in STYLE_COLLECTIONS}
    present = {name: collection(ours, name) for name in STYLE_COLLECTIONS}
    appended: dict[str, list[bytes]] = {name: [] for name in STYLE_COLLECTIONS}

    def place(name: str, child: bytes) -> int:
        """The index of ``child`` in the merged collection: the one already there, or a new one at the end."""
        pool = present[name]
        if child in pool:
            return pool.index(child)
        pool.append(child)
        appended[name].append(child)
        return len(pool) - 1

    our_codes = dict(_number_format(child)[::-1] for child in present["numFmts"])  # format code → id
    next_id = max([163, *(int(i) for i in our_codes.values())]) + 1
    number_ids: dict[bytes, bytes] = {}
    slotted = {key: child for child in present["numFmts"] if (key := slot(_number_format(child)[1]))}
    replaced: list[tuple[bytes, bytes]] = []  # (child of ours, what takes its place)
    for child in collections["numFmts"]:
        number, code = _number_format(child)
        if code in our_codes:
            number_ids[number] = our_codes[code]
        elif (key := slot(code)) and key in slotted:
            number_ids[number] = place_id = _number_format(slotted[key])[0]
            replaced.append((slotted[key], re.sub(rb'numFmtId="\d+"', b'numFmtId="' + place_id + b'"', child, count=1)))
        else:
            number_ids[number] = our_codes[code] = str(next_id).encode()
            place("numFmts", renumber(child, rb'(numFmtId=")(\d+)(")', lambda value: number_ids[value]))
            next_id += 1

    def formats(child: bytes) -> bytes:
        return renumber(child, rb'(numFmtId=")(\d+)(")', lambda value: number_ids.get(value, value))

    fonts = [place("fonts", font_in_order(child)) for child in collections["fonts"]]
    fills = [place("fills", child) for child in collections["fills"]]
    borders = [place("borders", child) for child in collections["borders"]]

    def indices(child: bytes) -> bytes:
        child = renumber(formats(child), rb'(fontId=")(\d+)(")', lambda value: mapped(fonts, value))
        child = renumber(child, rb'(fillId=")(\d+)(")', lambda value: mapped(fills, value))
        return renumber(child, rb'(borderId=")(\d+)(")', lambda value: mapped(borders, value))

    style_xfs = [place("cellStyleXfs", indices(child)) for child in collections["cellStyleXfs"]]
    xf_map = [
        place("cellXfs", renumber(indices(child), rb'(xfId=")(\d+)(")', lambda value: mapped(style_xfs, value)))
        for child in collections["cellXfs"]
    ]

    def keyed(dxf: bytes) -> bytes:
        return re.sub(rb'formatCode="([^"]*)"', lambda match: b'formatCode="' + (slot(match.group(1)) or match.group(1)) + b'"', dxf)

    dxf_keys = {keyed(child): child for child in present["dxfs"]}
    dxf_map = []
    for child in collections["dxfs"]:
        dxf = fonts_in_order(formats(child))
        same = dxf_keys.get(keyed(dxf))
        if same is not None and same != dxf and b"formatCode=" in dxf:  # the stamp's colours, naming another who
            replaced.append((same, dxf))
            dxf_map.append(present["dxfs"].index(same))
        else:
            dxf_map.append(place("dxfs", dxf))
    names = {_style_name(child) for child in present["cellStyles"]}
    for child in collections["cellStyles"]:
        if _style_name(child) not in names:
            place("cellStyles", renumber(child, rb'(xfId=")(\d+)(")', lambda value: mapped(style_xfs, value)))
    table_names = {_style_name(child) for child in present["tableStyles"]}
    for child in collections["tableStyles"]:
        if _style_name(child) not in table_names:
            place("tableStyles", renumber(child, rb'(dxfId=")(\d+)(")', lambda value: mapped(dxf_map, value)))
    if not present["colors"]:
        appended["colors"] = collections["colors"]
    merged = ours
    for old, new in replaced:
        merged = merged.replace(old, new, 1)
    for name in STYLE_COLLECTIONS:
        merged = _append_children(merged, name, appended[name])
    return merged, xf_map, dxf_map


# CT_Font's children in the order the schema requires (openpyxl writes name, family, color, sz…: Excel minds).
FONT_ORDER = (
    *("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign"),
    *("sz", "color", "name", "family", "charset", "scheme"),
)
_FONT = re.compile(rb"<font\b[^>]*?(?:/>|>.*?</font>)", re.S)


def fonts_in_order(styles: bytes) -> bytes:
    """Every ``<font>`` of a styles part (cell fonts and differential formats' fonts) with its children in schema order."""
    return _FONT.sub(lambda match: font_in_order(match.group(0)), styles)


def font_in_order(font: bytes) -> bytes:
    """A ``<font>`` with its children in schema order (a font already in order comes back as it was)."""
    children = elements(inner(font)) if not font.endswith(b"/>") else []
    rank = {name: index for index, name in enumerate(FONT_ORDER)}
    ordered = sorted(children, key=lambda child: rank.get(child[0], len(rank)))
    if ordered == children:
        return font
    return font[: font.find(b">") + 1] + b"".join(text for _, text in ordered) + font[font.rfind(b"</") :]


def _number_format(child: bytes) -> tuple[bytes, bytes]:
    """A ``<numFmt>``'s id and format code."""
    number = re.search(rb'numFmtId="(\d+)"', child)
    code = re.search(rb'formatCode="([^"]*)"', child)
    return (number.group(1) if number else b"0"), (code.group(1) if code else b"")


def mapped(mapping: Sequence[int], value: bytes) -> bytes:
    """An index moved as ``mapping`` says (an index past its end stays as it is)."""
    index = int(value)
    return str(mapping[index] if index < len(mapping) else index).encode()


def collection(data: bytes, name: str) -> list[bytes]:
    """The children of one collection of styles.xml (``<fonts>``…), as they are written."""
    match = re.search(rb"<" + name.encode() + rb"\b[^>]*?(?:/>|>(.*?)</" + name.encode() + rb">)", data, re.S)
    if match is None or not match.group(1):
        return []
    return [text for _, text in elements(match.group(1))]


def _style_name(cell_style: bytes) -> bytes:
    match = re.search(rb'name="([^"]*)"', cell_style)
    return match.group(1) if match else b""


def _append_children(data: bytes, name: str, children: Sequence[bytes]) -> bytes:
    """``children`` added at the end of a collection of styles.xml (created where the schema puts it when absent)."""
    if not children:
        return data
    tag = name.encode()
    block = b"".join(children)
    full = re.search(rb"<" + tag + rb"\b([^>]*?)>(.*?)</" + tag + rb">", data, re.S)
    if full is not None:
        attributes = _with_count(full.group(1), len(elements(full.group(2))) + len(children))
        return data[: full.start()] + b"<" + tag + attributes + b">" + full.group(2) + block + b"</" + tag + b">" + data[full.end() :]
    empty = re.search(rb"<" + tag + rb"\b([^>]*?)/>", data)
    if empty is not None:
        attributes = _with_count(empty.group(1), len(children))
        return data[: empty.start()] + b"<" + tag + attributes + b">" + block + b"</" + tag + b">" + data[empty.end() :]
    later = [f"<{n}".encode() for n in STYLE_COLLECTIONS[STYLE_COLLECTIONS.index(name) + 1 :]] + [b"<extLst", b"</styleSheet>"]
    position = min((data.find(marker) for marker in later if data.find(marker) >= 0), default=len(data))
    count = b"" if name == "colors" else f' count="{len(children)}"'.encode()
    return data[:position] + b"<" + tag + count + b">" + block + b"</" + tag + b">" + data[position:]


def _with_count(attributes: bytes, count: int) -> bytes:
    if b"count=" in attributes:
        return re.sub(rb'count="\d+"', f'count="{count}"'.encode(), attributes)
    return attributes + f' count="{count}"'.encode()


# --- elements ------------------------------------------------------------------------------------


def elements(fragment: bytes) -> list[tuple[str, bytes]]:
    """The top-level elements of an XML fragment: (local name, text). Comments and declarations are skipped."""
    return top_level(fragment)


def inner(element: bytes) -> bytes:
    """An element's content, without its own opening and closing tags."""
    return _OUTER.sub(b"", element)


def merge_tail(ours: bytes, theirs: Sequence[tuple[str, bytes]], order: Sequence[str], merged_kinds: Sequence[str]) -> bytes:
    """A worksheet with more elements after ``</sheetData>``, every element in ``order`` (same-kind lists merged)."""
    end = ours.rfind(b"</sheetData>") + len(b"</sheetData>")
    closing = ours.rfind(b"</worksheet>")
    present = elements(ours[end:closing])
    for name, text in theirs:
        same = next((index for index, (existing, _) in enumerate(present) if existing == name), None)
        if same is not None and name in merged_kinds:
            present[same] = (name, _merged_children(present[same][1], text, name))
        else:
            present.append((name, text))
    rank = {name: index for index, name in enumerate(order)}
    present.sort(key=lambda element: rank.get(element[0], len(rank)))
    return ours[:end] + b"".join(text for _, text in present) + ours[closing:]


def _merged_children(ours: bytes, theirs: bytes, name: str) -> bytes:
    closing = f"</{name}>".encode()
    merged = ours.replace(closing, b"".join(text for _, text in elements(inner(theirs))) + closing)
    if b"count=" in merged[: merged.find(b">")]:
        merged = re.sub(rb'count="\d+"', f'count="{len(elements(inner(merged)))}"'.encode(), merged, count=1)
    return merged


def pruned(element: bytes, keep: Callable[[str, bytes], bytes | None]) -> bytes:
    """An element with each child as ``keep`` gives it back (None: left out), its count updated; empty when none is left.

    ``keep`` is given each child's local name and bytes; the element's own tags are the team's, as they were.
    """
    children = elements(inner(element)) if not element.rstrip().endswith(b"/>") else []
    kept = [text for name, child in children if (text := keep(name, child))]
    opening = start_tag(element, 0)
    if not kept or opening is None:
        return b""
    count = _COUNT.search(opening)
    if count is not None:
        opening = opening[: count.start(1)] + str(len(kept)).encode() + opening[count.end(1) :]
    return opening + b"".join(kept) + element[element.rfind(b"</") :]


def only_extensions(element: bytes, uris: Sequence[bytes]) -> bytes:
    """An ``extLst`` with only the extensions named by ``uris``; empty when none is left."""
    kept = [text for name, text in elements(inner(element)) if name == "ext" and any(uri in text for uri in uris)]
    return b"<extLst>" + b"".join(kept) + b"</extLst>" if kept else b""


def insert(data: bytes, name: str, element: bytes, order: Sequence[str]) -> bytes:
    """``element`` put into a part before the first element that must follow it in ``order``."""
    later = order[order.index(name) + 1 :]
    positions = [match.start() for later_name in later if (match := re.search(rb"<" + later_name.encode() + rb"\b", data))]
    root_end = data.rfind(b"</")
    return data[: min(positions, default=root_end)] + element + data[min(positions, default=root_end) :]


def declare_namespaces(ours: bytes, theirs: bytes) -> bytes:
    """Our part's root also declaring the prefixes the root of ``theirs`` declares (for the fragments copied from it)."""
    root = re.search(rb"<(?!\?)([\w:]+)\b([^>]*)>", ours)
    their_root = re.search(rb"<(?!\?)([\w:]+)\b([^>]*)>", theirs)
    if root is None or their_root is None:
        return ours
    declared = set(re.findall(rb'xmlns:([\w.-]+)="', root.group(2)))
    missing = [(prefix, uri) for prefix, uri in re.findall(rb'xmlns:([\w.-]+)="([^"]*)"', their_root.group(2)) if prefix not in declared]
    if not missing:
        return ours
    added = b"".join(b" xmlns:" + prefix + b'="' + uri + b'"' for prefix, uri in missing)
    return ours[: root.end(2)] + added + ours[root.end(2) :]


def renamed_ids(element: bytes, rel_ids: Mapping[str, str]) -> bytes:
    """Relationship ids (``r:id``) of an element renamed."""
    return renumber(element, rb'(r:id=")([^"]+)(")', lambda value: rel_ids.get(value.decode(), value.decode()).encode())


# --- relationships -------------------------------------------------------------------------------


def relationship(rel_id: str, kind: str, target: str, external: bool = False) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rel_id}" Type="{kind}" Target="{escape(target)}"{mode}/>'.encode()


def relationships(entries: Sequence[bytes]) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + b"".join(entries) + b"</Relationships>"
    )


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def unescape(name: bytes) -> str:
    return html.unescape(name.decode("utf-8"))
