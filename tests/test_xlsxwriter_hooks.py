"""XlsxWriter's private hooks the carrier relies on (issue 33, point 7): checked, so a new XlsxWriter fails here, clearly.

``carry.py`` subclasses XlsxWriter's packager and format and drives its styles writer directly. pyproject.toml pins the
minor version these were read on; this test says which hook changed when that pin is moved.
"""

from __future__ import annotations

import inspect
import io

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.packager import Packager
from xlsxwriter.styles import Styles
from xlsxwriter.workbook import Workbook

# (owner, method, its parameters) as carry.py calls or overrides them
HOOKS = (
    (Packager, "_write_worksheet_files", ["self"]),
    (Packager, "_create_package", ["self"]),
    (Format, "_get_xf_index", ["self"]),
    (Workbook, "_prepare_format_properties", ["self"]),
    (Styles, "_set_style_properties", ["self", "properties"]),
    (Styles, "_set_filehandle", ["self", "filehandle"]),
    (Styles, "_assemble_xml_file", ["self"]),
)
# What carry.py hands _set_style_properties, in the order it reads them
STYLE_PROPERTIES = (
    "xf_formats",
    "palette",
    "font_count",
    "num_formats",
    "border_count",
    "fill_count",
    "custom_colors",
    "dxf_formats",
    "has_comments",
)


def _changed(what: str) -> str:
    return f"XlsxWriter {xlsxwriter.__version__} changed {what}, which cartera_xls/carry.py relies on: read carry.py against it first"


def test_the_private_hooks_carry_uses_are_as_it_reads_them() -> None:
    for owner, name, parameters in HOOKS:
        method = getattr(owner, name, None)
        assert callable(method), _changed(f"{owner.__name__}.{name} (gone)")
        assert list(inspect.signature(method).parameters) == parameters, _changed(f"the parameters of {owner.__name__}.{name}")
    styles = Styles()
    styles._set_style_properties(list(range(len(STYLE_PROPERTIES))))
    assert [getattr(styles, name) for name in STYLE_PROPERTIES] == list(range(len(STYLE_PROPERTIES))), _changed(
        "the order of Styles._set_style_properties"
    )
    book = Workbook(io.BytesIO(), {"in_memory": True})
    assert all(hasattr(book, name) for name in STYLE_PROPERTIES), _changed("the workbook's style attributes")
    book.define_name("cartera_prueba", "=1")  # writing.define_hidden_name sets the fourth field of its entry: hidden
    assert book.defined_names[-1][0] == "cartera_prueba" and book.defined_names[-1][3] is False, _changed("Workbook.defined_names")
    book.close()
