"""What of the team's package a refresh carries, decided before anything is written.

:func:`plan` walks the source package from its root: the team's own sheets are
carried whole, the data sheets (Clientes, Ventas…) are the team's too and are
patched, the sheets the tool generates are its own. Whatever the tool cannot
carry yet is named in Spanish (:attr:`Plan.lost`), so an in-place refresh can
refuse before it starts.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from defusedxml import ElementTree

from . import ooxml
from .schema import messages
from .styles import is_our_list

# Workbook-level relationships: carried with an element of workbook.xml, carried alone, or the tool's own.
WORKBOOK_WITH_ELEMENT = {"externalLink", "pivotCacheDefinition"}
WORKBOOK_CARRIED = {
    "connections",
    "customXml",
    "person",
    "sheetMetadata",
    "FeaturePropertyBag",  # Excel 365's checkboxes in cells
    "richValueRel",  # Excel 365's images in cells
    "rdRichValue",
    "rdRichValueStructure",
    "rdRichValueTypes",
}
WORKBOOK_OWNED = {"worksheet", "chartsheet", "dialogsheet", "xlMacrosheet", "theme", "styles", "sharedStrings", "calcChain", "vbaProject"}
ROOT_OWNED = {"officeDocument", "core-properties", "extended-properties", "custom-properties", "metadata/thumbnail", "thumbnail"}
ROOT_CARRIED = {"ui/extensibility", "extensibility"}  # a ribbon customisation (customUI) of an .xlsm
# What the team can have that is not carried yet, in its words, by relationship kind.
NOT_CARRIED = {
    "slicer": messages.CONTENT_SLICERS,
    "slicerCache": messages.CONTENT_SLICERS,
    "timeline": messages.CONTENT_TIMELINES,
    "timelineCache": messages.CONTENT_TIMELINES,
    "powerPivotData": messages.CONTENT_DATA_MODEL,
    "queryTable": messages.CONTENT_QUERIES,
}


@dataclass(frozen=True)
class TeamSheet:
    """One of the team's sheets, carried whole."""

    name: str  # its name in the regenerated workbook
    member: str  # its part in the source package
    kind: str  # worksheet, chartsheet, dialogsheet…
    state: str  # visible, hidden or veryHidden


@dataclass(frozen=True)
class Owned:
    """The columns of a data sheet that are the tool's, from the header row (0-based) down: column → its header."""

    header_row: int
    columns: Mapping[int, str]
    team_rows: frozenset[int] = frozenset()  # 0-based rows that stay the team's in those columns too (totals, labels)


@dataclass(frozen=True)
class DataSheet:
    """A data sheet the tool rewrites, as the scan found it: what the team may have added around its cells."""

    head: bytes  # its XML before the cells (root element, code name)
    tail: bytes  # and after them
    area: tuple[int, int, int, int]  # header row, first and last column, last row (0-based): where the tool writes its table
    table_rows: int | None = None  # 0-based last row the team's table grows to over rows typed under it


@dataclass(frozen=True, kw_only=True)
class Plan:
    """What of the source package the regenerated workbook carries, and what it cannot."""

    source: Path
    team_sheets: tuple[TeamSheet, ...] = ()
    data_sheets: Mapping[str, str] = field(default_factory=dict)  # data sheet name → its part in the source
    layouts: Mapping[str, DataSheet] = field(default_factory=dict)  # data sheet name → what the scan found
    lost: tuple[str, ...] = ()  # what cannot be carried, in the team's words
    vba: bytes | None = None
    vba_signature: bytes | None = None
    codenames: Mapping[str, str] = field(default_factory=dict)  # sheet name ("" for the workbook) → VBA code name
    team_codenames: frozenset[str] = frozenset()  # the code names the team's carried sheets keep (casefolded)
    custom_properties: tuple[tuple[str, Any], ...] = ()
    validated_columns: Mapping[str, frozenset[int]] = field(default_factory=dict)  # data sheet → columns with the team's own lists

    @property
    def macros(self) -> bool:
        return self.vba is not None


# --- planning ---------------------------------------------------------------------------------


def plan(
    source: Path, data_sheets: Mapping[str, DataSheet], renamed: Mapping[str, str], generated: Iterable[str], ours: bool
) -> Plan | None:
    """What to carry from ``source``; ``None`` when it is not an OOXML package (nothing to carry at package level).

    ``data_sheets`` are the sheets the tool reads and rewrites, ``renamed`` the
    team's sheets written under another name, ``generated`` the names of the
    sheets the tool writes (regenerated from scratch when ``ours``). Every part
    reachable from the package's root is either carried or the tool's own;
    anything else is named in :attr:`Plan.lost`.
    """
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    with zipfile.ZipFile(source) as archive:
        package = Package(archive)
        workbook, ns = package.workbook, package.ns
        rels = {rel_id: (kind, target) for rel_id, kind, target, _ in ooxml.relationships(archive, ooxml.WORKBOOK)}
        data = set(data_sheets)
        generated_names = {name.casefold() for name in generated}  # only our exact names: «Analisis» is the team's
        team: list[TeamSheet] = []
        data_members: dict[str, str] = {}
        owned: set[str] = {ooxml.WORKBOOK}
        carried: set[str] = set()
        lost: list[str] = []
        for sheet in workbook.iter(ns.tag("sheet")):
            name = sheet.get("name", "")
            kind, member = rels.get(sheet.get(ns.rid, ""), ("", ""))
            if name in data:  # the team's, patched: only the tool's cells and ranges change
                data_members[name] = member
                carried.update(package.reachable(member))
            elif ours and name.casefold() in generated_names:
                owned.update(package.reachable(member))  # ours: regenerated
            else:
                team.append(TeamSheet(renamed.get(name, name), member, ooxml.kind(kind), sheet.get("state", "visible")))
                carried.update(package.reachable(member))
        for kind, target in rels.values():
            rel_kind = ooxml.kind(kind)
            if rel_kind in WORKBOOK_OWNED:
                owned.update(package.reachable(target))  # the VBA project's signature with it
            elif rel_kind in WORKBOOK_WITH_ELEMENT or rel_kind in WORKBOOK_CARRIED:
                carried.update(package.reachable(target))
        for _, kind, target, _ in ooxml.relationships(archive, ""):
            if any(kind.endswith(known) for known in ROOT_CARRIED):
                carried.update(package.reachable(target))
            elif any(kind.endswith(known) for known in ROOT_OWNED):
                owned.add(target)
        kinds = package.kinds()
        for part in package.reachable_from_root():
            if part not in owned and part not in carried:
                lost.append(
                    _lost_label(kinds.get(part, ""), part, next((s.name for s in team if part in package.reachable(s.member)), None))
                )
        for part in carried:
            if kinds.get(part) in NOT_CARRIED:  # carried as parts, but Excel also needs what the tool does not write yet
                lost.append(NOT_CARRIED[kinds[part]])
        if b"slicerCache" in archive.read(ooxml.WORKBOOK) or b"timelineCache" in archive.read(ooxml.WORKBOOK):
            lost.append(messages.CONTENT_SLICERS)
        vba = archive.read("xl/vbaProject.bin") if "xl/vbaProject.bin" in archive.NameToInfo else None
        signature = archive.read("xl/vbaProjectSignature.bin") if "xl/vbaProjectSignature.bin" in archive.NameToInfo else None
        return Plan(
            source=source,
            team_sheets=tuple(team),
            data_sheets=data_members,
            layouts=dict(data_sheets),
            lost=tuple(dict.fromkeys(lost)),
            vba=vba,
            vba_signature=signature,
            codenames=_codenames(workbook, ns, data_sheets) if vba is not None else {},
            team_codenames=frozenset(filter(None, (_sheet_codename(archive, sheet.member) for sheet in team)))
            if vba is not None
            else frozenset(),
            custom_properties=_custom_properties(archive),
            validated_columns={name: _validated_columns(layout.tail) for name, layout in data_sheets.items()},
        )


def _lost_label(kind: str, target: str, sheet: str | None = None) -> str:
    label = NOT_CARRIED.get(kind) or messages.CONTENT_PART.format(part=PurePosixPath(target).name or kind)
    return messages.CONTENT_IN_SHEET.format(what=label, sheet=sheet) if sheet else label


def _codenames(workbook: Any, ns: ooxml.Namespaces, data_sheets: Mapping[str, DataSheet]) -> dict[str, str]:
    """The VBA code names the macros use: the workbook's and the data sheets' (the team's sheets carry theirs)."""
    names: dict[str, str] = {}
    props = workbook.find(ns.tag("workbookPr"))
    if props is not None and props.get("codeName"):
        names[""] = props.get("codeName", "")
    for name, layout in data_sheets.items():
        match = re.search(rb'<sheetPr\b[^>]*?codeName="([^"]+)"', layout.head)
        if match:
            names[name] = match.group(1).decode()
    return names


def _sheet_codename(archive: zipfile.ZipFile, member: str) -> str | None:
    """A sheet's VBA code name (``<sheetPr codeName>``), read up to its first cells only, casefolded as VBA compares them."""
    if member not in archive.NameToInfo:
        return None
    with archive.open(member) as stream:
        for _, element in ElementTree.iterparse(stream, events=("start",)):
            local = ooxml.local_name(element.tag)
            if local == "sheetPr":
                code = element.get("codeName")
                return code.casefold() if code else None
            if local in ("sheetData", "dimension", "sheetViews"):
                return None
    return None


def table_span(data: bytes) -> tuple[int, int, int, int] | None:
    """The cells a table part spans (its ``ref``)."""
    root = ooxml.parse(data)
    return ooxml.cell_range(root.get("ref", "")) if root.get("ref") else None


def is_data_table(span: tuple[int, int, int, int], area: tuple[int, int, int, int]) -> bool:
    """Whether a table of a data sheet is its data table (the tool writes it again): on the header row, over its first column."""
    header_row, first_col, _, _ = area
    return span[0] == header_row and span[1] <= first_col <= span[3]


def _custom_properties(archive: zipfile.ZipFile) -> tuple[tuple[str, Any], ...]:
    """The team's own custom document properties (text, numbers, yes/no), to be written again."""
    if "docProps/custom.xml" not in archive.NameToInfo:
        return ()
    found: list[tuple[str, Any]] = []
    for prop in ooxml.parse(archive.read("docProps/custom.xml")):
        name = prop.get("name", "")
        for value in prop:
            tag = ooxml.local_name(value.tag)
            text = value.text or ""
            if tag == "lpwstr":
                found.append((name, text))
            elif tag in ("i4", "int"):
                found.append((name, int(text)))
            elif tag in ("r8", "decimal"):
                found.append((name, float(text)))
            elif tag == "bool":
                found.append((name, text.lower() in ("1", "true")))
    return tuple(found)


def _table_target(table_part: bytes, rels: list[tuple[str, str, str, str]]) -> str | None:
    """The table part a ``<tablePart r:id>`` points at."""
    match = re.search(rb'r:id="([^"]+)"', table_part)
    return next((target for rel_id, _, target, _ in rels if match and rel_id == match.group(1).decode()), None)


def _validated_columns(sheet: bytes) -> frozenset[int]:
    """The columns of a data sheet under the team's own validation, in the main block or in x14 (not the tool's dropdowns)."""
    columns: set[int] = set()
    main = [(formula, _SQREF.search(attributes)) for attributes, formula in _MAIN_VALIDATION.findall(sheet)]
    moved = [(formula, _X14_SQREF.search(rest)) for formula, rest in _X14_VALIDATION.findall(sheet)]
    for formula, sqref in [*main, *moved]:
        if sqref is None or is_our_list(html.unescape(re.sub(rb"</?[\w:]+>", b"", formula).decode("utf-8"))):
            continue
        for reference in sqref.group(1).decode().split():
            span = ooxml.cell_range(reference)
            if span is not None:
                columns.update(range(span[1], span[3] + 1))
    return frozenset(columns)


_MAIN_VALIDATION = re.compile(rb"<dataValidation\b([^>]*)>(.*?)</dataValidation>", re.S)
_X14_VALIDATION = re.compile(rb"<x14:dataValidation\b[^>]*>(?:<x14:formula1>(.*?)</x14:formula1>)?(.*?)</x14:dataValidation>", re.S)
_SQREF = re.compile(rb'sqref="([^"]+)"')
_X14_SQREF = re.compile(rb"<xm:sqref>([^<]+)</xm:sqref>")


class Package:
    """The source package: parts, their relationships and content types."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        types = ooxml.parse(archive.read("[Content_Types].xml"))
        self.overrides: dict[str, str] = {}
        self.defaults: dict[str, str] = {}
        for item in types:
            tag = ooxml.local_name(item.tag)
            if tag == "Override":
                self.overrides[item.get("PartName", "").lstrip("/")] = item.get("ContentType", "")
            elif tag == "Default":
                self.defaults[item.get("Extension", "").lower()] = item.get("ContentType", "")
        self._reachable: dict[str, list[str]] = {}
        self.workbook = ooxml.parse(archive.read(ooxml.WORKBOOK))  # read once: the merge looks at it several times
        self.ns = ooxml.namespaces(self.workbook)

    def content_type(self, part: str) -> tuple[str, bool]:
        """A part's content type, and whether the package gives it by its extension (a default) rather than by name."""
        if part in self.overrides:
            return self.overrides[part], False
        return self.defaults.get(PurePosixPath(part).suffix.lstrip(".").lower(), "application/octet-stream"), True

    def reachable(self, part: str) -> list[str]:
        """``part`` and every internal part its relationships lead to, each once."""
        if part in self._reachable:
            return self._reachable[part]
        found: list[str] = []
        pending = [part]
        while pending:
            current = pending.pop()
            if current in found or current not in self.names:
                continue
            found.append(current)
            for _, _, target, mode in ooxml.relationships(self.archive, current):
                if not mode:
                    pending.append(target)
        self._reachable[part] = found
        return found

    def reachable_from_root(self) -> list[str]:
        """Every part the package's relationships lead to, from ``_rels/.rels`` down."""
        found: list[str] = []
        for _, _, target, mode in ooxml.relationships(self.archive, ""):
            if not mode:
                found.extend(part for part in self.reachable(target) if part not in found)
        return found

    def kinds(self) -> dict[str, str]:
        """Each part → the kind of a relationship that points at it."""
        found: dict[str, str] = {}
        for part in ["", *self.reachable_from_root()]:
            for _, rel_type, target, mode in ooxml.relationships(self.archive, part):
                if not mode:
                    found.setdefault(target, ooxml.kind(rel_type))
        return found
