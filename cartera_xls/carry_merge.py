"""The merge of the team's package into the parts XlsxWriter is about to zip.

The team's package is the base: its ``styles.xml`` and shared strings are the
package's (the tool's appended), its sheets are copied as stored (placeholders
replaced), its data sheets patched with the tool's cells (:mod:`cartera_xls.patching`),
and everything they point to is carried (drawings, charts, images, comments,
tables, pivot tables with their caches, printer settings, links, controls).
What must not collide is renamed: part names, table ids, defined names with
their sheets' new positions, pivot caches and external links in
``workbook.xml``, content types. ``calcChain.xml`` is left out (Excel rebuilds
it). Strict Open XML parts are read in the Transitional namespaces, and a part
that prefixes SpreadsheetML (``<x:row>``) without the prefix.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import posixpath
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree as StdElementTree  # only to write core.xml; parsing goes through defusedxml

from defusedxml import ElementTree
from xlsxwriter.workbook import Workbook

from . import ooxml
from .carry_plan import (
    ROOT_CARRIED,
    WORKBOOK_CARRIED,
    WORKBOOK_WITH_ELEMENT,
    DataSheet,
    Owned,
    Package,
    Plan,
    TeamSheet,
    is_data_table,
    table_span,
)
from .errors import WriteFailed
from .patching import Ours, extended_table, patch_sheet, whole_rows
from .schema import messages, summary
from .schema.sheets import COMPUTED_MARK, HOY_NAME, LIST_NAME_PREFIX, REVIEW_NAME, WAIT_DAYS_NAME, WARN_DAYS_NAME
from .styles import is_our_list, is_our_rule
from .xml_parts import (
    declare_namespaces,
    elements,
    escape,
    insert,
    main_prefix,
    mapped,
    merge_styles,
    relationship,
    relationships,
    renumber,
    transitional,
    unescape,
    unprefixed,
    unprefixed_reader,
)
from .xml_tokens import NotExact

OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SUFFIXES = (".xml", ".rels", ".vml")
SHEET_FOLDERS = {"chartsheet": "xl/chartsheets", "dialogsheet": "xl/dialogsheets", "xlMacrosheet": "xl/macrosheets"}

# CT_Workbook's elements, in order (where the carried pivot caches and external references go).
WORKBOOK_ORDER = (
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
    "definedNames",
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)
PRINT_AREA = "_xlnm.Print_Area"
BUILTIN_NAMES_OF_THE_TOOL = ("_xlnm.Print_Titles", "_xlnm._FilterDatabase", PRINT_AREA)
TOOL_NAMES = (WARN_DAYS_NAME, WAIT_DAYS_NAME, REVIEW_NAME, HOY_NAME, *summary.RESUMEN_NAMES.values())
CORE_NAMESPACES = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcmitype": "http://purl.org/dc/dcmitype/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
MODIFIED_BY = "cartera_xls"  # the program that modified the workbook last, on behalf of whoever refreshed it


@dataclass
class Part:
    """A part of the package being written, until zipped: XlsxWriter's temp file, or its buffer (``in_memory``)."""

    where: Any  # a temp file's path, or a StringIO / BytesIO
    binary: bool

    def read(self) -> bytes:
        if isinstance(self.where, str):
            return Path(self.where).read_bytes()
        data = self.where.getvalue()
        return data if isinstance(data, bytes) else data.encode("utf-8")

    def write(self, data: bytes) -> None:
        if isinstance(self.where, str):
            Path(self.where).write_bytes(data)
        else:
            self.where = io.BytesIO(data)
        self.binary = True  # written as bytes: zipped as they are

    def discard(self) -> None:
        if isinstance(self.where, str):
            Path(self.where).unlink()


class Merge:
    """One merge of a source package into XlsxWriter's parts."""

    def __init__(
        self,
        plan: Plan,
        source: Package,
        files: list[tuple[Any, str, bool]],
        book: Workbook,
        tmpdir: str | None,
        written_at: dt.datetime,
        placed_styles: tuple[bytes, list[int]] | None = None,
    ) -> None:
        self.plan = plan
        self.placed_styles = placed_styles
        self.written_at = written_at
        self.source = source
        self.parts: dict[str, Part] = {name: Part(path, binary) for path, name, binary in files}
        self.order = [name for _, name, _ in files]
        self.book = book
        self.tmpdir = tmpdir
        self.carried: dict[str, str] = {}  # source part → its name in the new package
        self.new_types: dict[str, tuple[str, bool]] = {}  # new part → content type, and whether by its extension
        self.removed_types: set[str] = set()
        self.workbook_rels: list[tuple[str, str, str]] = []  # (kind URI, target from xl/, source part) added to workbook.xml.rels
        self.pivot_caches: list[tuple[str, str]] = []  # (cacheId, new rel id)
        self.external_references: list[str] = []  # new rel ids, in the source's order
        self.table_id = self._largest_table_id()
        self._styles_merged = False
        self.xf_map: list[int] = []
        self.dxf_map: list[int] = []
        self.retyped_sheets: dict[str, tuple[str, str]] = {}  # workbook rel id → (kind URI, part) of a sheet that is not a worksheet
        self._strings: list[bytes] | None = None
        self._strings_based = False  # the team's shared strings are the package's: their cells keep their indices

    # --- the whole merge ---------------------------------------------------------------------
    def run(self) -> None:
        self._on_the_team_styles()
        self._on_the_team_strings()
        sheet_parts = self._sheet_parts()
        for team in self.plan.team_sheets:
            if team.name in self.book.patched_team and team.kind == "worksheet":
                self._patch_data_sheet(team.name, team.member, sheet_parts[team.name][0])  # a copy's cells laid over
            else:
                self._carry_sheet(team, sheet_parts[team.name])
        for name, member in self.plan.data_sheets.items():
            if name in sheet_parts:
                self._patch_data_sheet(name, member, sheet_parts[name][0])
        self._carry_workbook_parts()
        if "xl/theme/theme1.xml" in self.source.names and "xl/theme/theme1.xml" in self.parts:
            self._write("xl/theme/theme1.xml", transitional(self.source.archive.read("xl/theme/theme1.xml")))
        self._update_workbook()
        self._carry_document_properties()
        self._update_content_types()

    def files(self) -> list[tuple[Any, str, bool]]:
        return [(self.parts[name].where, name, self.parts[name].binary) for name in self.order if name in self.parts]

    # --- the parts being written -----------------------------------------------------------------
    def _read(self, name: str) -> bytes:
        return self.parts[name].read()

    def _write(self, name: str, data: bytes, binary: bool | None = None) -> None:
        if name not in self.parts:
            if self.book.in_memory:
                self.parts[name] = Part(io.BytesIO(), True)
            else:
                descriptor, path = tempfile.mkstemp(dir=self.tmpdir)
                os.close(descriptor)
                self.parts[name] = Part(path, True)
            self.order.append(name)
        self.parts[name].write(data)

    def _write_pieces(self, name: str, pieces: Iterable[bytes]) -> None:
        """Write a part given piece by piece: straight to its temp file, or joined in memory (``in_memory``)."""
        if self.book.in_memory or name not in self.parts or not isinstance(self.parts[name].where, str):
            self._write(name, b"".join(pieces))
            return
        with Path(self.parts[name].where).open("wb") as target:
            for piece in pieces:
                target.write(piece)
        self.parts[name].binary = True

    def _remove(self, name: str) -> None:
        part = self.parts.pop(name, None)
        if part is not None:
            part.discard()
        self.removed_types.add(name)

    def _new_name(self, source_name: str) -> str:
        """A name for a carried part: its own where free, else the next free number of its kind."""
        if source_name not in self.parts and source_name not in self.new_types:
            return source_name
        folder, base = posixpath.split(source_name)
        match = re.fullmatch(r"(.*?)(\d*)(\.[^.]+)", base)
        stem, suffix = (match.group(1), match.group(3)) if match else (base, "")
        number = 1
        while True:
            candidate = posixpath.join(folder, f"{stem}{number}{suffix}")
            if candidate not in self.parts and candidate not in self.new_types:
                return candidate
            number += 1

    # --- sheets --------------------------------------------------------------------------------
    def _sheet_parts(self) -> dict[str, tuple[str, str]]:
        """Sheet name → (its part, its relationship id in workbook.xml) in XlsxWriter's package."""
        workbook = ooxml.parse(self._read(ooxml.WORKBOOK))
        ns = ooxml.namespaces(workbook)
        targets = self._workbook_targets()
        return {sheet.get("name", ""): (targets[sheet.get(ns.rid, "")], sheet.get(ns.rid, "")) for sheet in workbook.iter(ns.tag("sheet"))}

    def _workbook_targets(self) -> dict[str, str]:
        rels = ooxml.parse(self._read("xl/_rels/workbook.xml.rels"))
        return {rel.get("Id", ""): ooxml.resolve("xl", rel.get("Target", "")) for rel in rels}

    def _carry_sheet(self, team: TeamSheet, placeholder: tuple[str, str]) -> None:
        """Replace a placeholder by the team's sheet as it was, with everything it points to."""
        part, rel_id = placeholder
        data = self._sheet_xml(self.source.archive.read(team.member), self._main_prefix(team.member))
        if team.kind != "worksheet":  # a chart sheet, a dialog sheet: its own part name, type and kind
            self._remove(part)
            folder = {"chartsheet": "xl/chartsheets", "dialogsheet": "xl/dialogsheets", "xlMacrosheet": "xl/macrosheets"}.get(
                team.kind, "xl"
            )
            part = self._new_name(posixpath.join(folder, PurePosixPath(team.member).name))
            self.retyped_sheets[rel_id] = (f"{OFFICE_DOCUMENT}/{team.kind}", part)
            self.new_types[part] = (self.source.content_type(team.member)[0], False)
        self._write(part, data)
        self._write_rels(part, team.member)

    def _main_prefix(self, member: str) -> bytes | None:
        """The prefix a team's part gives the main namespace, read from its root (its first kilobytes)."""
        with self.source.archive.open(member) as stream:
            return main_prefix(transitional(stream.read(1 << 16)))

    def _sheet_xml(self, data: bytes, prefix: bytes | None = None) -> bytes:
        """A sheet's XML as the new package needs it: not selected, Transitional; styles and strings remapped only if need be.

        The team's styles and shared strings are normally the package's own (ours appended), so their cells
        keep every index; a package whose parts could not be used as the base has them remapped here.
        """
        data = unprefixed(transitional(data), prefix)
        data = _TAB_SELECTED.sub(b"", data)
        if not self._styles_merged:
            data = renumber(data, rb'(<(?:c|row)\b[^>]*? s=")(\d+)(")', self._style)
            data = renumber(data, rb'(<col\b[^>]*? style=")(\d+)(")', self._style)
            data = self._dxf(data, rb'(<cfRule\b[^>]*? dxfId=")(\d+)(")')
        if not self._strings_based and b't="s"' in data:
            strings = self._shared_strings()
            data = re.sub(
                rb'<c((?: [^>]*?)?) t="s"((?: [^>]*?)?)><v>(\d+)</v></c>',
                lambda m: b"<c" + m.group(1) + b' t="inlineStr"' + m.group(2) + b"><is>" + strings[int(m.group(3))] + b"</is></c>",
                data,
            )
        return data

    def _style(self, index: bytes) -> bytes:
        """A cell style index of the source as its index in the merged styles."""
        self._merge_styles()
        return mapped(self.xf_map, index)

    def _dxf(self, data: bytes, pattern: bytes = rb'( dxfId=")(\d+)(")') -> bytes:
        """Differential format indices of the source as their indices in the merged styles."""
        if b"dxfId=" not in data:
            return data
        self._merge_styles()
        return renumber(data, pattern, lambda value: mapped(self.dxf_map, value))

    def _shared_strings(self) -> list[bytes]:
        """The source's shared strings, each as the inside of an inline string (rich text kept)."""
        if self._strings is None:
            name = next((n for n in ("xl/sharedStrings.xml", "xl/SharedStrings.xml") if n in self.source.names), None)
            data = transitional(self.source.archive.read(name)) if name else b""
            prefix_match = re.search(rb"<(\w+:)?sst\b", data)
            prefix = prefix_match.group(1) or b"" if prefix_match else b""
            items = re.findall(
                rb"<" + re.escape(prefix) + rb"si>(.*?)</" + re.escape(prefix) + rb"si>|<" + re.escape(prefix) + rb"si/>", data, re.S
            )
            self._strings = [item if not prefix else item.replace(b"<" + prefix, b"<").replace(b"</" + prefix, b"</") for item in items]
        return self._strings

    def _write_rels(self, part: str, source_part: str) -> None:
        """Write the relationships of a carried part; its targets carried too."""
        entries: list[bytes] = []
        for rel_id, rel_type, target, mode in ooxml.relationships(self.source.archive, source_part):
            kind_uri = transitional(rel_type.encode()).decode()
            if mode:  # a link outside the package, or a place in the document
                entries.append(relationship(rel_id, kind_uri, target, external=mode == "External"))
                continue
            carried = self._carry_part(target)
            relative = posixpath.relpath(carried, posixpath.dirname(part) or ".")
            entries.append(relationship(rel_id, kind_uri, relative))
        if entries:
            self._write(ooxml.rels_name(part), relationships(entries))

    def _carry_part(self, source_part: str) -> str:
        """Copy one part (and what it points to) into the new package; return its new name."""
        if source_part in self.carried:
            return self.carried[source_part]
        name = self._new_name(source_part)
        self.carried[source_part] = name
        self.new_types[name] = self.source.content_type(source_part)
        data = self.source.archive.read(source_part)
        if name.endswith(XML_SUFFIXES):
            data = transitional(data)
        if "/tables/" in name:  # a table id is unique in the workbook
            self.table_id += 1
            data = re.sub(rb'(<(?:\w+:)?table\b[^>]*? id=")\d+(")', rb"\g<1>" + str(self.table_id).encode() + rb"\g<2>", data, count=1)
        if "/pivotTables/" in name:
            data = self._dxf(data)
        self._write(name, data)
        self._write_rels(name, source_part)
        return name

    def _largest_table_id(self) -> int:
        largest = 0
        for name in self.parts:
            if name.startswith("xl/tables/"):
                match = re.search(rb'<table\b[^>]*? id="(\d+)"', self._read(name)[:2048])
                largest = max(largest, int(match.group(1)) if match else 0)
        return largest

    # --- the data sheets: the team's, patched ------------------------------------------------
    def _patch_data_sheet(self, sheet: str, source_member: str, part: str) -> None:
        """The team's data sheet with everything it points to, the tool's cells, dropdowns and colours put in.

        The team's part is read and written piece by piece: a sheet of 200,000 sales never sits whole in memory.
        """
        owned = self.book.owned.get(sheet, Owned(0, {}))
        ours = Ours(self._read(part), owned.header_row, frozenset(owned.columns), _is_our_rule, _is_our_list, owned.team_rows)
        with self.source.archive.open(source_member) as team:
            read = unprefixed_reader(team.read, self._main_prefix(source_member))  # <x:row> as Excel writes it
            try:
                self._write_pieces(part, patch_sheet(read, ours, self._sheet_xml))
            except NotExact as exc:  # fail closed: nothing is written from a guess
                detail = messages.NOT_EXACT_XML.format(sheet=sheet, detail=exc)
                raise WriteFailed(messages.CANNOT_WRITE.format(path=self.plan.source.name, detail=detail)) from None
        if ooxml.rels_name(part) in self.parts:  # XlsxWriter's own for the sheet: the team's replace them
            self._remove(ooxml.rels_name(part))
        self._write_rels(part, source_member)
        layout = self.plan.layouts.get(sheet)
        for _, rel_type, target, mode in ooxml.relationships(self.source.archive, source_member):
            if not mode and ooxml.kind(rel_type) == "table" and layout is not None and target in self.carried:
                self._extend_table(self.carried[target], layout, owned)

    def _extend_table(self, part: str, layout: DataSheet, owned: Owned) -> None:
        """The team's data table grown over the tool's columns that follow it (a first refresh adds them there), and
        over rows of data typed under it (LibreOffice and Google Sheets do not grow it as Excel does)."""
        data = self._read(part)
        span = table_span(data)
        if span is None or not is_data_table(span, layout.area):
            return
        added: list[str] = []
        while span[3] + 1 + len(added) in owned.columns:
            added.append(owned.columns[span[3] + 1 + len(added)])
        last_row = layout.table_rows if layout.table_rows is not None and layout.table_rows > span[2] else None
        if not added and last_row is None:
            return
        self._write(part, extended_table(data, span, added, last_row))

    # --- workbook-level parts ------------------------------------------------------------------
    def _carry_workbook_parts(self) -> None:
        """Pivot caches, external links, connections, custom XML, people of threaded comments, cell metadata."""
        archive = self.source.archive
        workbook, ns = self.source.workbook, self.source.ns
        rels = ooxml.relationships(archive, ooxml.WORKBOOK)
        by_id = {rel_id: (rel_type, target) for rel_id, rel_type, target, _ in rels}
        caches = [(cache.get(ns.rid, ""), cache.get("cacheId", "")) for cache in workbook.iter(ns.tag("pivotCache"))]
        externals = [ref.get(ns.rid, "") for ref in workbook.iter(ns.tag("externalReference"))]
        for number, (rel_type, target) in enumerate(by_id.values(), start=1):
            kind = ooxml.kind(rel_type)
            if kind not in WORKBOOK_WITH_ELEMENT and kind not in WORKBOOK_CARRIED:
                continue
            if kind == "sheetMetadata" and "xl/metadata.xml" in self.parts:
                continue  # XlsxWriter wrote its own (the same dynamic-array metadata)
            new_id = f"rIdEquipo{number}"
            self.workbook_rels.append((transitional(rel_type.encode()).decode(), self._carry_part(target), new_id))
        new_ids = {part: rel_id for _, part, rel_id in self.workbook_rels}
        self.pivot_caches = [  # in the source's order: a pivot table finds its cache by id
            (cache_id, new_ids[self.carried[by_id[old][1]]]) for old, cache_id in caches if by_id.get(old, ("", ""))[1] in self.carried
        ]
        self.external_references = [
            new_ids[self.carried[by_id[old][1]]] for old in externals if by_id.get(old, ("", ""))[1] in self.carried
        ]
        for _, kind, target, _ in ooxml.relationships(archive, ""):
            if any(kind.endswith(known) for known in ROOT_CARRIED):
                carried = self._carry_part(target)
                root = self._read("_rels/.rels")
                self._write(
                    "_rels/.rels", root.replace(b"</Relationships>", relationship("rIdEquipoUI", kind, carried) + b"</Relationships>")
                )

    def _update_workbook(self) -> None:
        """Defined names with their sheets' new positions, pivot caches, external references, retyped sheets."""
        data = self._read(ooxml.WORKBOOK)
        out_index = {unescape(name): index for index, name in enumerate(re.findall(rb'<sheet name="([^"]*)"', data))}
        names = self._defined_names(out_index)
        if names:
            if b"<definedNames>" in data:
                data = data.replace(b"</definedNames>", b"".join(names) + b"</definedNames>")
            else:
                data = insert(data, "definedNames", b"<definedNames>" + b"".join(names) + b"</definedNames>", WORKBOOK_ORDER)
        if self.external_references:
            refs = b"".join(f'<externalReference r:id="{rel_id}"/>'.encode() for rel_id in self.external_references)
            data = insert(data, "externalReferences", b"<externalReferences>" + refs + b"</externalReferences>", WORKBOOK_ORDER)
        if self.pivot_caches:
            caches = b"".join(f'<pivotCache cacheId="{cache}" r:id="{rel_id}"/>'.encode() for cache, rel_id in self.pivot_caches)
            data = insert(data, "pivotCaches", b"<pivotCaches>" + caches + b"</pivotCaches>", WORKBOOK_ORDER)
        data = self._workbook_settings(data)
        self._write(ooxml.WORKBOOK, data)
        rels = self._read("xl/_rels/workbook.xml.rels")
        for rel_id, (kind_uri, part) in self.retyped_sheets.items():
            rels = re.sub(
                rb'<Relationship Id="' + re.escape(rel_id.encode()) + rb'" Type="[^"]*" Target="[^"]*"/>',
                relationship(rel_id, kind_uri, posixpath.relpath(part, "xl")),
                rels,
            )
        added = b"".join(relationship(rel_id, kind, posixpath.relpath(part, "xl")) for kind, part, rel_id in self.workbook_rels)
        self._write("xl/_rels/workbook.xml.rels", rels.replace(b"</Relationships>", added + b"</Relationships>"))

    def _workbook_settings(self, data: bytes) -> bytes:
        """The team's structure protection and calculation settings (manual, iterative…) on our workbook part.

        Excel still recalculates on opening (``fullCalcOnLoad``): the cached values of the team's formulas are theirs.
        """
        workbook, ns = self.source.workbook, self.source.ns
        protection = workbook.find(ns.tag("workbookProtection"))
        if protection is not None and b"<workbookProtection" not in data:
            data = insert(data, "workbookProtection", _empty_element("workbookProtection", protection.attrib), WORKBOOK_ORDER)
        calculation = workbook.find(ns.tag("calcPr"))
        if calculation is not None:
            settings = {**calculation.attrib, "fullCalcOnLoad": "1"}
            data = re.sub(rb"<calcPr\b[^>]*/>", lambda _: _empty_element("calcPr", settings), data, count=1)  # ours: XlsxWriter's
        return data

    def _carry_document_properties(self) -> None:
        """The team's title, author, keywords…: only the modification date and who modified it change."""
        if "docProps/core.xml" not in self.source.names or "docProps/core.xml" not in self.parts:
            return
        properties = ElementTree.fromstring(self.source.archive.read("docProps/core.xml"))
        for prefix, uri in CORE_NAMESPACES.items():
            StdElementTree.register_namespace(prefix, uri)
        for tag, value in (
            (f"{{{CORE_NAMESPACES['cp']}}}lastModifiedBy", MODIFIED_BY),
            (f"{{{CORE_NAMESPACES['dcterms']}}}modified", self.written_at.strftime("%Y-%m-%dT%H:%M:%SZ")),
        ):
            element = properties.find(tag)
            if element is None:
                element = StdElementTree.SubElement(properties, tag)
            element.text = value
            if tag.endswith("modified"):
                element.set(f"{{{CORE_NAMESPACES['xsi']}}}type", "dcterms:W3CDTF")
        declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        self._write("docProps/core.xml", declaration + StdElementTree.tostring(properties, encoding="unicode").encode("utf-8"))

    def _defined_names(self, out_index: Mapping[str, int]) -> list[bytes]:
        """The source's defined names, each scoped to its sheet's new position; the tool's own names left out.

        The team's workbook part is read as an XML tree: attribute order is theirs (Google Sheets
        writes ``<sheet state=… name=…>``), so no pattern over its bytes can be trusted.
        """
        archive = self.source.archive
        workbook, ns = self.source.workbook, self.source.ns
        source_sheets = [sheet.get("name", "") for sheet in workbook.iter(ns.tag("sheet"))]
        members = dict(ooxml.sheet_members(archive))
        written_as = {team.member: team.name for team in self.plan.team_sheets}
        out_name = {name: written_as.get(members.get(name, ""), name) for name in source_sheets}
        carried_sheets = set(written_as.values())
        found: list[bytes] = []
        for element in workbook.iter(ns.tag("definedName")):
            attributes = dict(element.attrib)
            name = attributes.get("name")
            scope = attributes.get("localSheetId")
            if name is None or (scope is None and (name in TOOL_NAMES or name.startswith((COMPUTED_MARK, LIST_NAME_PREFIX)))):
                continue  # the tool defines its own names again
            if scope is not None:
                index = int(scope) if scope.isdigit() else len(source_sheets)
                target = out_name.get(source_sheets[index], "") if index < len(source_sheets) else ""
                if target not in out_index:
                    continue  # scoped to a sheet the tool regenerates
                theirs = target in carried_sheets or target in self.plan.data_sheets  # patched: the team's print settings
                if name in BUILTIN_NAMES_OF_THE_TOOL and not theirs:
                    continue  # the tool's own print titles and filters on the sheets it writes
                attributes["localSheetId"] = str(out_index[target])
            found.append(f"<definedName{_attributes(attributes)}>{escape(element.text or '')}</definedName>".encode())
        return found

    def _update_content_types(self) -> None:
        """Overrides for the carried parts (or the extension's default when the source relied on one); removed sheets out."""
        data = self._read("[Content_Types].xml")
        for name in self.removed_types:
            data = re.sub(rb'<Override PartName="/' + re.escape(name.encode()) + rb'" ContentType="[^"]*"/>', b"", data)
        defaults = {
            extension.decode().lower(): content_type.decode()
            for extension, content_type in re.findall(rb'<Default Extension="([^"]+)" ContentType="([^"]+)"', data)
        }
        added: list[bytes] = []
        for name, (content_type, by_default) in self.new_types.items():
            extension = PurePosixPath(name).suffix.lstrip(".").lower()
            if name not in self.parts or name.endswith(".rels"):
                continue
            if by_default and extension not in defaults:
                defaults[extension] = content_type
                added.append(f'<Default Extension="{extension}" ContentType="{content_type}"/>'.encode())
            elif not by_default or defaults[extension] != content_type:
                # ours defaults the extension to another type (.bin: our VBA project, their printer settings)
                added.append(f'<Override PartName="/{name}" ContentType="{content_type}"/>'.encode())
        self._write("[Content_Types].xml", data.replace(b"</Types>", b"".join(added) + b"</Types>"))

    # --- styles and shared strings: the team's, ours appended ------------------------------------
    def _written_by_xlsxwriter(self, folder: str) -> list[str]:
        return [name for name in self.order if name.startswith(folder) and name.endswith(".xml")]

    def _on_the_team_styles(self) -> None:
        """The team's ``styles.xml`` with XlsxWriter's formats appended, as :meth:`Carrier.place_styles` merged it.

        XlsxWriter wrote its cells with their places in it already; only its differential formats move. Every
        cell, row and column of the team's keeps its style index: their sheets need no rewriting. Without a
        placement (no styles part the tool can read) XlsxWriter's styles stay the base and the team's are remapped.
        """
        if self.placed_styles is None or "xl/styles.xml" not in self.parts:
            return
        merged, dxf_map = self.placed_styles
        self._write("xl/styles.xml", merged)
        self._styles_merged = True
        for name in self._written_by_xlsxwriter("xl/worksheets/") + self._written_by_xlsxwriter("xl/tables/"):
            data = self._read(name)
            if b"DxfId=" in data or b"dxfId=" in data:  # a conditional format's, a table column's
                self._write(name, renumber(data, rb'((?:dxfId|DxfId)=")(\d+)(")', lambda value: mapped(dxf_map, value)))

    def _on_the_team_strings(self) -> None:
        """The team's shared strings as the package's, XlsxWriter's put in and its cells pointed at them.

        The team's cells keep every index. A string of theirs no carried sheet uses any more (last
        refresh's Resumen…) gives its place to one of ours, so refreshing again and again does not grow
        the part; one of ours they already have is not repeated.
        """
        name = next((n for n in ("xl/sharedStrings.xml", "xl/SharedStrings.xml") if n in self.source.names), None)
        if name is None or "xl/sharedStrings.xml" not in self.parts:
            return
        theirs = transitional(self.source.archive.read(name))
        theirs = unprefixed(theirs, main_prefix(theirs))  # <x:sst> as Excel writes it
        root = re.search(rb"<sst\b[^>]*?(/?)>", theirs)
        ours = self._read("xl/sharedStrings.xml")
        our_root = re.search(rb"<sst\b[^>]*>", ours)
        if root is None or our_root is None:  # not a part we can read: their strings are inlined instead
            return
        items = [] if root.group(1) else [text for tag, text in elements(theirs[root.end() : theirs.rfind(b"</")]) if tag == "si"]
        our_items = [text for tag, text in elements(ours[our_root.end() : ours.rfind(b"</sst>")]) if tag == "si"]
        used = self._strings_in_use()
        free = [index for index in range(len(items)) if used is not None and index not in used]
        for index in free:
            items[index] = _EMPTY_STRING
        at = {item: index for index, item in reversed(list(enumerate(items))) if used is None or index in used}
        placed: list[int] = []
        free.reverse()  # the lowest free place first
        for item in our_items:
            if item not in at:
                if free:
                    at[item] = free.pop()
                    items[at[item]] = item
                else:
                    at[item] = len(items)
                    items.append(item)
            placed.append(at[item])
        total = str(len(items)).encode()
        opening = re.sub(rb'\s(?:count|uniqueCount)="\d*"', b"", root.group(0).rstrip(b"/>").rstrip(b">"))
        opening += b' count="' + total + b'" uniqueCount="' + total + b'">'
        declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        self._write("xl/sharedStrings.xml", declaration + opening + b"".join(items) + b"</sst>")
        self._strings_based = True
        if placed != list(range(len(placed))):
            for part in self._written_by_xlsxwriter("xl/worksheets/"):
                self._write(part, renumber(self._read(part), rb'(<c\b[^>]*? t="s"[^>]*><v>)(\d+)(</v>)', lambda v: mapped(placed, v)))

    def _strings_in_use(self) -> set[int] | None:
        """The shared strings the sheets the package carries use; ``None`` when a sheet's cells cannot be read for sure."""
        used: set[int] = set()
        members = [team.member for team in self.plan.team_sheets if team.kind == "worksheet"] + list(self.plan.data_sheets.values())
        for member in members:
            if member not in self.source.names:
                continue
            with self.source.archive.open(member) as stream:
                for piece in whole_rows(unprefixed_reader(stream.read, self._main_prefix(member))):
                    found = _SHARED_CELL.findall(piece)
                    if len(found) != piece.count(b't="s"'):  # a cell written some other way (a prefix…): keep every string
                        return None
                    used.update(map(int, found))
        return used

    def _merge_styles(self) -> None:
        """The team's cell styles and differential formats merged into ours, when theirs could not be the base."""
        if self._styles_merged or "xl/styles.xml" not in self.source.names or "xl/styles.xml" not in self.parts:
            return
        self._styles_merged = True
        theirs = transitional(self.source.archive.read("xl/styles.xml"))
        merged, self.xf_map, self.dxf_map = merge_styles(self._read("xl/styles.xml"), theirs)
        merged = declare_namespaces(merged, theirs)
        self._write("xl/styles.xml", merged)


_TAB_SELECTED = re.compile(rb' tabSelected="(?:1|true)"')  # a sheet selected in the team's workbook (the tool selects its own)
_SHARED_CELL = re.compile(rb'<c\b[^>]*?\st="s"[^>]*>\s*<v>(\d+)</v>')
_EMPTY_STRING = b"<si><t></t></si>"  # the place of a string no sheet uses any more

# A validation, as Excel writes one with a rule (<dataValidation …>…</dataValidation>) or only an input message (<dataValidation …/>).


def _attributes(attributes: Mapping[str, str]) -> str:
    """A parsed element's unprefixed attributes as XML (`` a="v" b="w"``); SpreadsheetML's own are never namespaced."""
    return "".join(f' {key}="{escape(value)}"' for key, value in attributes.items() if not key.startswith("{"))


def _empty_element(tag: str, attributes: Mapping[str, str]) -> bytes:
    """``<tag a="v" …/>`` from a parsed element's attributes."""
    return f"<{tag}{_attributes(attributes)}/>".encode()


def _is_our_rule(rule: bytes) -> bool:
    """Whether a conditional format's rule, in the main block (``<formula>``) or where Excel moves it (``<xm:f>``), is the tool's."""
    formula = _FORMULA.search(rule)
    return formula is not None and is_our_rule(html.unescape(formula.group(1).decode("utf-8")))


def _is_our_list(validation: bytes) -> bool:
    """Whether a validation, in the main block or where Excel moves it, is one of the tool's dropdowns.

    Not the team's list on its «Listas de precios» sheet.
    """
    formula = _FORMULA.search(validation)
    return formula is not None and is_our_list(html.unescape(formula.group(1).decode("utf-8")))


# A rule's or a validation's first formula: ``<formula>``, ``<formula1>`` in the main block, ``<xm:f>`` in x14.
_FORMULA = re.compile(rb"<(?:formula1?|xm:f)>([^<]*)</(?:formula1?|xm:f)>")
