"""The packaging hook: an XlsxWriter workbook whose package is the team's, with the tool's parts and cells.

XlsxWriter writes the sheets the tool generates, the cells it owns on the data
sheets, and an empty placeholder for each sheet of the team's. Just before it
zips its parts (its documented hook, ``Workbook._get_packager``; the version is
pinned below 4), :class:`Carrier` places the tool's formats in the team's
styles (before the first cell is written) and then merges the team's package
in (:mod:`cartera_xls.carry_merge`). :func:`plan` (:mod:`cartera_xls.carry_plan`)
decides what is carried.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.packager import Packager
from xlsxwriter.styles import Styles
from xlsxwriter.workbook import Workbook

from .carry_merge import Merge
from .carry_plan import DataSheet, Owned, Package, Plan, TeamSheet, plan
from .schema import summary
from .xml_parts import escape, fonts_in_order, main_prefix, merge_styles, transitional, unprefixed

__all__ = ["Carrier", "CarryingWorkbook", "DataSheet", "Owned", "Plan", "TeamSheet", "plan"]


class CarryingWorkbook(Workbook):  # type: ignore[misc]  # XlsxWriter ships no type hints
    """An XlsxWriter workbook whose package also carries the team's parts (see :class:`Carrier`)."""

    def __init__(self, filename: str, options: dict[str, Any], carrier: Carrier | None) -> None:
        self.placement: list[int] = []  # XlsxWriter's cell format index → its place in the team's styles (set before cells)
        super().__init__(filename, options)
        self.carrier = carrier
        self.owned: dict[str, Owned] = {}  # data sheet → its columns that are the tool's (the writer says which)
        self.patched_team: set[str] = set()  # team sheets with cells laid over them (a conflicted copy's), not copied as stored

    def add_format(self, properties: dict[str, Any] | None = None) -> Format:
        """XlsxWriter's ``add_format``, making formats that write their place in the team's styles (see :class:`_PlacedFormat`)."""
        format_properties = self.default_format_properties.copy()
        if properties:
            format_properties.update(properties)
        placed = _PlacedFormat(format_properties, self.xf_format_indices, self.dxf_format_indices)
        placed.placement = self.placement
        self.formats.append(placed)
        return placed

    def _get_packager(self) -> Packager:
        packager = _CarryingPackager(self.carrier, self)
        return packager


class _PlacedFormat(Format):  # type: ignore[misc]
    """A cell format whose cells say where it sits in the package's styles: the team's, with XlsxWriter's appended.

    XlsxWriter numbers its formats as it writes cells; the carrier numbers them all before the first cell
    (:meth:`Carrier.place_styles`) and fills ``placement``, so no cell of the tool's is renumbered afterwards.
    """

    placement: list[int]

    def _get_xf_index(self) -> int:
        index: int = super()._get_xf_index()
        return self.placement[index] if index < len(self.placement) else index


class _CarryingPackager(Packager):  # type: ignore[misc]
    """XlsxWriter's packager, handing its parts to the carrier before they are zipped."""

    def __init__(self, carrier: Carrier | None, book: Workbook) -> None:
        super().__init__()
        self.carrier = carrier
        self.book = book

    def _write_worksheet_files(self) -> None:
        if self.carrier is not None:
            self.carrier.place_styles(self.book)
        super()._write_worksheet_files()

    def _create_package(self) -> list[tuple[Any, str, bool]]:
        files: list[tuple[Any, str, bool]] = super()._create_package()
        if self.carrier is None:
            return files
        return self.carrier.merge(files, self.book, self.tmpdir)


class Carrier:
    """Merges the team's parts of the source package into the package XlsxWriter is about to zip.

    ``written_at`` is when the document properties say it was last modified.
    """

    def __init__(self, plan: Plan, written_at: dt.datetime) -> None:
        self.plan = plan
        self.written_at = written_at
        self.placed_styles: tuple[bytes, list[int]] | None = None  # the merged styles.xml, and where XlsxWriter's dxfs went

    def place_styles(self, book: Workbook) -> None:
        """Before XlsxWriter writes a cell: the team's ``styles.xml`` with XlsxWriter's formats appended, and each format's place.

        Every format is numbered now (XlsxWriter would number them as cells come), XlsxWriter's
        styles part is written as it will be, merged into the team's, and each format learns its
        place (``CarryingWorkbook.placement``): the team's cells keep their indices, the tool's are
        written with theirs. A styles part that cannot be read leaves XlsxWriter's numbering (the
        merge remaps then).
        """
        with zipfile.ZipFile(self.plan.source) as archive:
            if "xl/styles.xml" not in archive.NameToInfo:
                return
            theirs = transitional(archive.read("xl/styles.xml"))
        theirs = fonts_in_order(unprefixed(theirs, main_prefix(theirs)))
        if re.search(rb"<styleSheet\b", theirs) is None:
            return
        for cell_format in book.formats:
            Format._get_xf_index(cell_format)  # XlsxWriter's own number, in the order the formats were made
        book._prepare_format_properties()
        written = _KeptOpen()
        styles = Styles()
        styles._set_style_properties(
            [
                book.xf_formats,
                book.palette,
                book.font_count,
                book.num_formats,
                book.border_count,
                book.fill_count,
                book.custom_colors,
                book.dxf_formats,
                book.has_comments,
            ]
        )
        styles._set_filehandle(written)
        styles._assemble_xml_file()
        merged, xf_map, dxf_map = merge_styles(theirs, written.getvalue().encode("utf-8"), stamp_slot)
        book.placement[:] = xf_map
        self.placed_styles = (merged, dxf_map)

    def merge(self, files: list[tuple[Any, str, bool]], book: Workbook, tmpdir: str | None) -> list[tuple[Any, str, bool]]:
        with zipfile.ZipFile(self.plan.source) as archive:
            merge = Merge(self.plan, Package(archive), files, book, tmpdir, self.written_at, self.placed_styles)
            merge.run()
            return merge.files()


# «"Actualizado el "» and «"Calculado al "», as styles.xml stores them: how each stamp format starts
_STAMP_STARTS = tuple(escape(summary.STAMP.split("dd")[0].format(words=words)).encode() for words in summary.STAMP_WORDS_ALL)
_BEFORE_WHO, _AFTER_WHO = (re.escape(escape(part).encode()) for part in summary.STAMP_BY.split("{who}"))
_TIME = re.escape(escape(summary.STAMP_TIME).encode())
_STAMP_SIGNED = re.compile(rb"(?:" + _TIME + rb")?(?:" + _BEFORE_WHO + rb"(?:(?!&quot;).)*" + _AFTER_WHO + rb")?")


def stamp_slot(code: bytes) -> bytes:
    """The key of the tool's stamp formats, its words, when and who left out: one place in styles.xml whoever refreshes,
    whatever the day, as of today or not."""
    start = next((start for start in _STAMP_STARTS if code.startswith(start)), None)
    return b"" if start is None else _STAMP_START_KEY + _STAMP_SIGNED.sub(b"", code[len(start) :])


_STAMP_START_KEY = b"stamp:"


class _KeptOpen(io.StringIO):
    """A buffer XlsxWriter's writers can close: what they wrote stays readable."""

    def close(self) -> None:
        pass
