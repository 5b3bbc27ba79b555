"""Excel's own save, as a transform of a package: what Excel 2010 and later write when the team presses Save.

Excel cannot run here; this stands in for it between two refreshes. Its output has the shape of the real
Excel-saved files kept in ``tests/data/excel-x14/`` (and ``test_excel_loop`` checks it against them):

- a data validation or a conditional format whose formula names another sheet moves from the main block
  to the worksheet's extension list (``{CCE6A557-…}``: ``x14:dataValidation`` with ``x14:formula1/xm:f``
  and ``xm:sqref``; ``{78C0D931-…}``: ``x14:cfRule`` with ``xm:f`` and an inline ``x14:dxf``, no dxfId);
  one that reads a workbook name stays where it is;
- every worksheet says ``mc:Ignorable`` with ``xr:uid``; every row ``x14ac:dyDescent``; tables ``xr:uid``;
- the shared-string table is rebuilt in the order cells use it (inline strings become shared ones);
- ``calcPr`` is reset and ``calcChain.xml`` dropped.

The GUIDs are derived from the content, so saving the same package twice gives the same bytes.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from pathlib import Path

from cartera_xls import ooxml

X14_VALIDATIONS = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
X14_FORMATS = "{78C0D931-6437-407d-A8EE-F0AAD7539E65}"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
NAMESPACES = {
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "x14ac": "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac",
    "xr": "http://schemas.microsoft.com/office/spreadsheetml/2014/revision",
    "xr2": "http://schemas.microsoft.com/office/spreadsheetml/2015/revision2",
    "xr3": "http://schemas.microsoft.com/office/spreadsheetml/2016/revision3",
}
_OTHER_SHEET = re.compile(r"(?:'(?:[^']|'')+'|[A-Za-z_\u00c0-\uffff][\w.\u00c0-\uffff]*)!")
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')


def _as_excel_writes(formula: str) -> str:
    """A formula as Excel stores it: no leading ``=``, a sheet name quoted only where it must be."""
    return re.sub(r"'([A-Za-z_][\w.]*)'!", r"\1!", formula.removeprefix("="))


def names_another_sheet(formula: str) -> bool:
    """Whether a formula refers to another sheet directly (``Listas!$A$2``, ``'Mi hoja'!A1``), strings aside."""
    return _OTHER_SHEET.search(_STRING_LITERAL.sub('""', formula)) is not None


def _guid(*seeds: str) -> str:
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "|".join(seeds))).upper() + "}"


def excel_save(path: Path) -> Path:
    """Rewrite the workbook at ``path`` as Excel's Save would; returns ``path``."""
    with zipfile.ZipFile(path) as original:
        parts = {item.filename: original.read(item.filename) for item in original.infolist()}
        sheets = [member for _, member in ooxml.sheet_members(original)]
    styles = parts.get("xl/styles.xml", b"").decode("utf-8")
    collection = re.search(r"<dxfs\b[^>]*>(.*?)</dxfs>", styles, re.S)
    dxfs = re.findall(r"<dxf>(.*?)</dxf>", collection.group(1), re.S) if collection else []
    strings = _shared_strings(parts.get("xl/sharedStrings.xml", b"").decode("utf-8"))
    order: dict[str, int] = {}
    for member in sheets:
        xml = parts[member].decode("utf-8")
        xml = _moved_rules(xml, member, dxfs)
        xml = _shared_cells(xml, strings, order)
        xml = _excel_attributes(xml, member)
        parts[member] = xml.encode("utf-8")
    parts["xl/sharedStrings.xml"] = _string_table(order).encode("utf-8")
    if "xl/sharedStrings.xml" not in _targets(parts):
        parts["xl/_rels/workbook.xml.rels"] = (
            parts["xl/_rels/workbook.xml.rels"]
            .decode()
            .replace(
                "</Relationships>",
                '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
                ' Target="sharedStrings.xml"/></Relationships>',
            )
            .encode()
        )
        types = parts["[Content_Types].xml"].decode()
        if "/xl/sharedStrings.xml" not in types:
            parts["[Content_Types].xml"] = types.replace(
                "</Types>",
                '<Override PartName="/xl/sharedStrings.xml"'
                ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            ).encode()
    for name in [name for name in parts if name.startswith("xl/tables/") and name.endswith(".xml")]:
        revision = f' xmlns:mc="{NAMESPACES["mc"]}" mc:Ignorable="xr" xmlns:xr="{NAMESPACES["xr"]}" xr:uid="{_guid(name)}"'
        parts[name] = re.sub(rb"(<table\b)(?![^>]*xr:uid)", rb"\1" + revision.encode(), parts[name], count=1)
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    parts["xl/workbook.xml"] = re.sub(r"<calcPr\b[^>]*/>", '<calcPr calcId="191029"/>', workbook).encode("utf-8")
    _drop_calc_chain(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as saved:
        for name, data in parts.items():
            saved.writestr(name, data)
    return path


def _targets(parts: dict[str, bytes]) -> set[str]:
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    return {"xl/" + target.lstrip("/").removeprefix("xl/") for target in re.findall(r'Target="([^"]+)"', rels)}


def _drop_calc_chain(parts: dict[str, bytes]) -> None:
    parts.pop("xl/calcChain.xml", None)
    parts["xl/_rels/workbook.xml.rels"] = re.sub(
        rb'<Relationship [^>]*Target="(?:/xl/)?calcChain.xml"[^>]*/>', b"", parts["xl/_rels/workbook.xml.rels"]
    )
    parts["[Content_Types].xml"] = re.sub(rb'<Override PartName="/xl/calcChain.xml"[^>]*/>', b"", parts["[Content_Types].xml"])


# --- rules that name another sheet: to the extension list ------------------------------------------------


def _moved_rules(xml: str, member: str, dxfs: list[str]) -> str:
    moved_validations: list[str] = []
    moved_formats: list[str] = []

    def validation(match: re.Match[str]) -> str:
        attributes, body = match.group(1), match.group(2) or ""
        formula = re.search(r"<formula1>(.*?)</formula1>", body, re.S)
        if formula is None or not names_another_sheet(formula.group(1)):
            return match.group(0)
        sqref = re.search(r'\ssqref="([^"]*)"', attributes)
        kept = re.sub(r'\ssqref="[^"]*"', "", attributes)
        uid = _guid(member, "dv", str(len(moved_validations)), formula.group(1))
        second = re.search(r"<formula2>(.*?)</formula2>", body, re.S)
        moved_validations.append(
            f'<x14:dataValidation{kept} xr:uid="{uid}"><x14:formula1><xm:f>{_as_excel_writes(formula.group(1))}</xm:f></x14:formula1>'
            + (f"<x14:formula2><xm:f>{second.group(1)}</xm:f></x14:formula2>" if second else "")
            + f"<xm:sqref>{sqref.group(1) if sqref else ''}</xm:sqref></x14:dataValidation>"
        )
        return ""

    xml = re.sub(r"<dataValidation\b([^>]*?)(?:/>|>(.*?)</dataValidation>)", validation, xml, flags=re.S)
    xml = _without_empty(xml, "dataValidations", "dataValidation")

    def formatting(match: re.Match[str]) -> str:
        sqref, rules = match.group(1), match.group(2)
        kept: list[str] = []
        for rule in re.findall(r"<cfRule\b.*?</cfRule>|<cfRule\b[^>]*/>", rules, re.S):
            formula = re.search(r"<formula>(.*?)</formula>", rule, re.S)
            if formula is None or not names_another_sheet(formula.group(1)):
                kept.append(rule)
                continue
            attributes = re.match(r"<cfRule\b([^>]*?)/?>", rule).group(1)  # type: ignore[union-attr]
            dxf_id = re.search(r'\sdxfId="(\d+)"', attributes)
            attributes = re.sub(r'\sdxfId="\d+"', "", attributes)
            dxf = f"<x14:dxf>{dxfs[int(dxf_id.group(1))]}</x14:dxf>" if dxf_id and int(dxf_id.group(1)) < len(dxfs) else ""
            uid = _guid(member, "cf", str(len(moved_formats)), formula.group(1))
            moved_formats.append(
                f'<x14:conditionalFormatting xmlns:xm="{XM}"><x14:cfRule{attributes} id="{uid}">'
                f"<xm:f>{_as_excel_writes(formula.group(1))}</xm:f>"
                f"{dxf}</x14:cfRule><xm:sqref>{sqref}</xm:sqref></x14:conditionalFormatting>"
            )
        return f'<conditionalFormatting sqref="{sqref}">{"".join(kept)}</conditionalFormatting>' if kept else ""

    xml = re.sub(r'<conditionalFormatting sqref="([^"]*)">(.*?)</conditionalFormatting>', formatting, xml, flags=re.S)
    extensions: list[tuple[str, str, str, int | None]] = []
    if moved_formats:
        extensions.append((X14_FORMATS, "x14:conditionalFormattings", "".join(moved_formats), None))
    if moved_validations:
        extensions.append((X14_VALIDATIONS, "x14:dataValidations", "".join(moved_validations), len(moved_validations)))
    for uri, container, children, count in extensions:
        xml = _into_extension_list(xml, uri, container, children, count)
    return xml


def _without_empty(xml: str, container: str, child: str) -> str:
    def counted(match: re.Match[str]) -> str:
        found = len(re.findall(rf"<{child}\b", match.group(0)))
        return re.sub(r'count="\d+"', f'count="{found}"', match.group(0), count=1) if found else ""

    return re.sub(rf"<{container}\b[^>]*>.*?</{container}>", counted, xml, flags=re.S)


def _into_extension_list(xml: str, uri: str, container: str, children: str, count: int | None) -> str:
    """The moved rules into the worksheet's extension list: beside Excel's earlier ones of the same kind, or a new ``<ext>``."""
    existing = re.search(rf'<ext\b[^>]*uri="{re.escape(uri)}"[^>]*>(.*?)</ext>', xml, re.S | re.I)
    if existing is not None:
        closing = f"</{container}>"
        at = xml.index(closing, existing.start())
        xml = xml[:at] + children + xml[at:]
        if count is not None:
            opening = re.search(rf"<{container}\b[^>]*>", xml[existing.start() :])
            assert opening is not None
            total = len(re.findall(r"<x14:dataValidation\b", xml[existing.start() : xml.index(closing, existing.start())]))
            start = existing.start() + opening.start()
            xml = xml[:start] + re.sub(r'count="\d+"', f'count="{total}"', opening.group(0)) + xml[start + len(opening.group(0)) :]
        return xml
    counted = f' count="{count}" xmlns:xm="{XM}"' if count is not None else ""  # the rules' containers declare xm themselves
    extension = f'<ext uri="{uri}" xmlns:x14="{X14}"><{container}{counted}>{children}</{container}></ext>'
    if "<extLst>" in xml:
        return (
            xml.replace("<extLst>", "<extLst>" + extension, 1)
            if uri == X14_FORMATS
            else xml.replace("</extLst>", extension + "</extLst>", 1)
        )
    return xml.replace("</worksheet>", f"<extLst>{extension}</extLst></worksheet>")


# --- what Excel adds everywhere ------------------------------------------------------------------------


def _excel_attributes(xml: str, member: str) -> str:
    end = xml.find(">", xml.find("<worksheet"))
    root = xml[xml.find("<worksheet") : end]
    added = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items() if f"xmlns:{prefix}=" not in root)
    if "mc:Ignorable" not in root:
        added += ' mc:Ignorable="x14ac xr xr2 xr3"'
    if "xr:uid" not in root:
        added += f' xr:uid="{_guid(member)}"'
    closing = end - 1 if xml[end - 1] == "/" else end
    xml = xml[:closing] + added + xml[closing:]
    return re.sub(r"<row\b(?![^>]*dyDescent)([^>]*?)(/?)>", r'<row\1 x14ac:dyDescent="0.25"\2>', xml)


# --- the shared-string table, rebuilt ------------------------------------------------------------------


def _shared_strings(sst: str) -> list[str]:
    return list(re.findall(r"<si>(.*?)</si>|<si/>", sst, re.S))


def _shared_cells(xml: str, strings: list[str], order: dict[str, int]) -> str:
    def place(item: str) -> int:
        return order.setdefault(item, len(order))

    def shared(match: re.Match[str]) -> str:
        return f'<c{match.group(1)} t="s"{match.group(2)}><v>{place(strings[int(match.group(3))])}</v></c>'

    def inline(match: re.Match[str]) -> str:
        return f'<c{match.group(1)} t="s"{match.group(2)}><v>{place(match.group(3))}</v></c>'

    xml = re.sub(r'<c((?:\s(?!t=)[\w:]+="[^"]*")*)\st="s"((?:\s[\w:]+="[^"]*")*)><v>(\d+)</v></c>', shared, xml)
    return re.sub(r'<c((?:\s(?!t=)[\w:]+="[^"]*")*)\st="inlineStr"((?:\s[\w:]+="[^"]*")*)><is>(.*?)</is></c>', inline, xml, flags=re.S)


def _string_table(order: dict[str, int]) -> str:
    items = "".join(f"<si>{item}</si>" for item in order)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="{len(order)}" uniqueCount="{len(order)}">{items}</sst>'
    )
