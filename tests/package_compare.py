"""Comparing a sheet of two workbooks part by part, after undoing what carrying a package legitimately changes.

A carried sheet gets new style indices (styles are merged), inline strings
instead of shared ones, new part names and table ids, and loses ``tabSelected``.
:func:`canonical_sheet` resolves all of those to what they mean (the style a
cell shows, the text it holds, the content of every part it points to), so two
sheets compare equal exactly when the team would see the same thing.
"""

from __future__ import annotations

import re
import zipfile
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from defusedxml import ElementTree

from cartera_xls import ooxml
from cartera_xls.xml_parts import transitional

Canonical = tuple[Any, ...]
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class Package:
    """One workbook file, read for comparison."""

    def __init__(self, path: Path) -> None:
        self.archive = zipfile.ZipFile(path)
        self.names = set(self.archive.namelist())

    def read(self, part: str) -> bytes:
        return transitional(self.archive.read(part))

    def tree(self, part: str) -> Any:
        return ElementTree.fromstring(self.read(part))

    @cached_property
    def sheets(self) -> dict[str, str]:
        return dict(ooxml.sheet_members(self.archive))

    @cached_property
    def strings(self) -> list[Any]:
        name = "xl/sharedStrings.xml"
        return list(self.tree(name)) if name in self.names else []

    @cached_property
    def styles(self) -> Any:
        return self.tree("xl/styles.xml")

    def _collection(self, name: str) -> list[Any]:
        found = self.styles.find(MAIN + name)
        return list(found) if found is not None else []

    @cached_property
    def number_formats(self) -> dict[str, str]:
        return {fmt.get("numFmtId"): fmt.get("formatCode") for fmt in self._collection("numFmts")}

    def style(self, index: str | None, collection: str = "cellXfs") -> Canonical:
        """What a cell style shows: its font, fill, border, number format, alignment and protection, not its indices."""
        xfs = self._collection(collection)
        xf = xfs[int(index or 0)] if int(index or 0) < len(xfs) else None
        if xf is None:
            return ()
        attributes = {key: value for key, value in xf.attrib.items() if key not in ("fontId", "fillId", "borderId", "numFmtId", "xfId")}
        number = xf.get("numFmtId", "0")
        return (
            tuple(sorted(attributes.items())),
            canonical(self._collection("fonts")[int(xf.get("fontId", "0"))]) if self._collection("fonts") else (),
            canonical(self._collection("fills")[int(xf.get("fillId", "0"))]) if self._collection("fills") else (),
            canonical(self._collection("borders")[int(xf.get("borderId", "0"))]) if self._collection("borders") else (),
            self.number_formats.get(number, number),
            tuple(canonical(child) for child in xf),
            self.style(xf.get("xfId"), "cellStyleXfs") if collection == "cellXfs" and xf.get("xfId") else (),
        )

    def dxf(self, index: str) -> Canonical:
        dxfs = self._collection("dxfs")
        return canonical(dxfs[int(index)]) if int(index) < len(dxfs) else ()


def canonical(element: Any, package: Package | None = None, drop: tuple[str, ...] = ()) -> Canonical:
    """An element as a comparable value; with ``package``, style and string indices resolved to what they mean."""
    attributes = dict(element.attrib)
    children = list(element)
    tag = element.tag
    for name in drop:
        attributes.pop(name, None)
    if package is not None:
        if tag in (MAIN + "c", MAIN + "row") and "s" in attributes:
            attributes["s"] = package.style(attributes["s"])
        if tag == MAIN + "col" and "style" in attributes:
            attributes["style"] = package.style(attributes["style"])
        if tag == MAIN + "cfRule" and "dxfId" in attributes:
            attributes["dxfId"] = package.dxf(attributes["dxfId"])
        if tag == MAIN + "c" and attributes.get("t") == "s":
            attributes["t"] = "inlineStr"
            index = int(element.find(MAIN + "v").text)
            children = [package.strings[index]]
        if tag == MAIN + "sheetView":
            attributes.pop("tabSelected", None)
    if tag == MAIN + "si":
        tag = MAIN + "is"
    if tag == MAIN + "font":  # the order of a font's children means nothing (the tool puts a script's in schema order)
        children.sort(key=lambda child: child.tag)
    return (
        tag,
        tuple(sorted((key, value if isinstance(value, tuple) else str(value)) for key, value in attributes.items())),
        (element.text or "").strip() if not children or (element.text and element.text.strip()) else "",
        tuple(canonical(child, package, drop) for child in children),
    )


def canonical_sheet(package: Package, name: str) -> Canonical:
    """A sheet and every part it points to, as the team sees them."""
    member = package.sheets[name]
    return canonical(package.tree(member), package), related(package, member, set())


def related(package: Package, part: str, seen: set[str]) -> Canonical:
    """The parts a part points to, by relationship id, each compared by content."""
    found: list[Canonical] = []
    for rel_id, kind, target, mode in sorted(ooxml.relationships(package.archive, part)):
        kind = ooxml.kind(kind)
        if mode or target in seen or target not in package.names:
            found.append((rel_id, kind, target if mode else "<missing>" if target not in package.names else "<seen>"))
            continue
        seen.add(target)
        content: Any
        if target.endswith((".xml", ".vml")):
            data = package.read(target)
            if kind == "table":
                data = re.sub(rb'(<table\b[^>]*? )id="\d+"', rb"\1", data)
            if kind in ("pivotTable",):
                data = re.sub(rb' dxfId="\d+"', b"", data)  # checked through the styles, not the index
            content = _xml(data)
        else:
            content = package.archive.read(target)
        found.append((rel_id, kind, PurePosixPath(target).suffix, content, related(package, target, seen)))
    return tuple(found)


def _xml(data: bytes) -> Any:
    try:
        return canonical(ElementTree.fromstring(data))
    except ElementTree.ParseError:  # VML is not always well-formed XML: compared as text
        return data
