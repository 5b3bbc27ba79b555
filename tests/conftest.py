"""Shared helpers: build workbooks the way people build them, and read cells back."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from cartera_xls.safety import BACKUP_DIR
from cartera_xls.writing import USER_VARIABLE

HOY = dt.date(2026, 11, 2)
# Who the refresh stamp names: one name on every machine, so the goldens hold everywhere (a test may set another).
os.environ[USER_VARIABLE] = "equipo"


def _program(command: str, in_ci: str, elsewhere: str) -> str:
    """A program the real-app tests run: its path; in CI its absence fails them (``in_ci`` says why), elsewhere skips them."""
    import os
    import shutil

    found = shutil.which(command)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(in_ci)
        pytest.skip(elsewhere)
    return found


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's command; the real-app tests fail in CI without it, and are skipped elsewhere."""
    return _program(
        "soffice", "LibreOffice (soffice) must be installed in CI: .ci/run installs libreoffice-calc-nogui", "LibreOffice is not installed"
    )


@pytest.fixture(scope="session")
def faketime() -> str:
    """Debian's faketime: LibreOffice opened on another day than the refresh's (installed with LibreOffice by instalar.sh)."""
    return _program("faketime", "faketime must be installed in CI: scripts/instalar.sh installs it", "faketime is not installed")


class Formula(str):
    """A cell that ``make_workbook`` writes as a formula; any other text stays text."""


def backups(folder: Path) -> list[Path]:
    """The backups kept in ``folder``'s respaldos/ (not the base that conflicted copies are merged against)."""
    kept = folder / BACKUP_DIR
    return sorted(path for path in kept.iterdir() if "(base para fusionar)" not in path.name) if kept.is_dir() else []


def make_workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """Write ``sheets`` (name → rows) with openpyxl, as Excel users' files are."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                if isinstance(value, str) and not isinstance(value, Formula):
                    cell.data_type = "s"  # openpyxl would turn "=..." into a formula
    book.save(path)
    return path


def cells(path: Path, sheet: str) -> list[list[Any]]:
    """Every value of a sheet as openpyxl reads it (formulas as text)."""
    book = openpyxl.load_workbook(path)
    try:
        return [list(row) for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()


def column_values(path: Path, sheet: str, header: str, header_row: int = 1) -> list[Any]:
    """The values under ``header`` in a sheet, blank trailing rows dropped."""
    rows = cells(path, sheet)
    titles = rows[header_row - 1]
    index = titles.index(header)
    values = [row[index] for row in rows[header_row:]]
    while values and values[-1] is None:
        values.pop()
    return values


def sheet_names(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def basic_portfolio() -> dict[str, list[list[Any]]]:
    """Three clients, a few sales and contacts: the smallest useful portfolio."""
    return {
        "Clientes": [
            ["ID", "Nombre", "Empresa", "Teléfono", "Email", "Vendedor"],
            ["C0001", "Ana Quispe", "Tienda Ana", "+51 900 111 222", "ana@ejemplo.pe", "Carla"],
            ["C0002", "Luis García", "Farmacia Luis", "+51 900 333 444", "luis@ejemplo.pe", "Óscar"],
            ["C0003", "Rosa Mamani", "Panadería Rosa", None, None, "Carla"],
        ],
        "Ventas": [
            ["Fecha", "Cliente", "Producto", "Importe"],
            [dt.datetime(2026, 10, 1), "C0001", "Maca", 120.5],
            [dt.datetime(2026, 9, 1), "C0001", "Stevia", 80],
            [dt.datetime(2026, 10, 15), "Luis García", "Quinua", 300],
        ],
    }


@pytest.fixture
def basic_file(tmp_path: Path) -> Path:
    return make_workbook(tmp_path / "cartera.xlsx", basic_portfolio())


def flatten(rows: Iterable[Iterable[Any]]) -> list[Any]:
    return [value for row in rows for value in row]


UNKNOWN_KIND = "http://example.com/relationships/algo-nuevo"


def with_unknown_part(path: Path) -> Path:
    """The workbook with a part of a kind the tool does not know, linked from workbook.xml (as a future Excel feature would be)."""
    import zipfile

    with zipfile.ZipFile(path) as original:
        parts = {item.filename: original.read(item.filename) for item in original.infolist()}
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", f'<Relationship Id="rIdNuevo" Type="{UNKNOWN_KIND}" Target="nuevo/parte1.xml"/></Relationships>'
    ).encode()
    parts["xl/nuevo/parte1.xml"] = b'<?xml version="1.0"?><algo xmlns="http://example.com/nuevo"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
    return path


CORPUS = Path(__file__).resolve().parent / "data" / "excel-saved"


def with_clientes(source: Path, target: Path, rows: Sequence[Sequence[str]] = (("Nombre", "Notas"), ("Ana Quispe", "VIP"))) -> Path:
    """``source`` (a workbook Excel saved) with a minimal Clientes sheet added at package level, as a team would add one."""
    import re
    import zipfile
    from xml.sax.saxutils import escape

    with zipfile.ZipFile(source) as original:
        parts = {item.filename: original.read(item.filename) for item in original.infolist()}
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    sheet_id = max((int(i) for i in re.findall(r'sheetId="(\d+)"', workbook)), default=0) + 1
    workbook = re.sub(
        r"</(\w+:)?sheets>",
        lambda m: f'<sheet name="Clientes" sheetId="{sheet_id}" r:id="rIdClientes"/></{m.group(1) or ""}sheets>',
        workbook,
    )
    parts["xl/workbook.xml"] = workbook.encode("utf-8")
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", f'<Relationship Id="rIdClientes" Type="{kind}" Target="worksheets/clientes_prueba.xml"/></Relationships>'
    ).encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    worksheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    override = f'<Override PartName="/xl/worksheets/clientes_prueba.xml" ContentType="{worksheet_type}"/>'
    parts["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode("utf-8")
    cells = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c>' for c, value in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    parts["xl/worksheets/clientes_prueba.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + cells + "</sheetData></worksheet>"
    ).encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for name, data in parts.items():
            copy.writestr(name, data)
    return target


# Every workbook the tool writes during the tests is checked as Excel would check it: Microsoft's Open XML SDK
# validator, then the cross-part checks the SDK leaves out (tests/package_checks.py). A test fails on any error
# that the workbooks it started from (those in its temporary folder the tool did not write) did not already have.

VALIDATED_KEY = "validated_workbooks"
_seen: dict[Path, tuple[int, int]] = {}
_validated: list[Path] = []


def written_by_the_tool(path: Path) -> bool:
    """Whether cartera_xls wrote the workbook at ``path``, and no other program saved it since.

    The tool marks its workbooks with a custom property, which LibreOffice and openpyxl keep when
    they save one again; the workbook part's ``fileVersion`` is XlsxWriter's only until then.
    """
    import zipfile

    from cartera_xls.schema.sheets import MARKER_PROPERTY

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            marked = "docProps/custom.xml" in names and MARKER_PROPERTY.encode() in archive.read("docProps/custom.xml")
            return marked and XLSXWRITER_FILE_VERSION in archive.read("xl/workbook.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


XLSXWRITER_FILE_VERSION = b'<fileVersion appName="xl" lastEdited="4" lowestEdited="4" rupBuild="4505"/>'


def excel_problems(path: Path) -> list[str]:
    """What Excel's validator and the cross-part checks find in the workbook at ``path``, one line each."""
    return [f"{where}: {what}" for where, what in _problems(path)]


def _problems(path: Path) -> list[tuple[str, str]]:
    """(where, what) of each problem: where is the part and the element, what is the same for the same problem anywhere."""
    status = path.stat()
    key = (path, status.st_mtime_ns, status.st_size)
    if key not in _problems_found:
        _problems_found[key] = _look_for_problems(path)
    return _problems_found[key]


_problems_found: dict[tuple[Path, int, int], list[tuple[str, str]]] = {}


def _look_for_problems(path: Path) -> list[tuple[str, str]]:
    from . import openxml_sdk, package_checks

    findings = openxml_sdk.validator().validate(path)
    found = [(f"{finding.part} {finding.where}".strip(), f"[{finding.code}] {finding.description}") for finding in findings]
    if any(finding.code == openxml_sdk.UNOPENABLE for finding in findings):
        return found  # nothing else can be read of it
    for problem in package_checks.check(path):
        where, _, what = problem.partition(": ")
        found.append((where, what))
    return found


def new_excel_problems(written: Path, inputs: Iterable[Path]) -> list[str]:
    """The problems of ``written`` that none of ``inputs`` already had (anywhere: carried parts are renamed and reordered)."""
    problems = _problems(written)
    if not problems:
        return []
    known = {what for source in inputs for _, what in _problems(source)}
    return [f"{where}: {what}" for where, what in problems if what not in known]


def fresh_workbooks(base: Path) -> list[Path]:
    """The workbooks under ``base`` written or changed since the last look (the tool's temp files left out)."""
    fresh = []
    for path in sorted([*base.rglob("*.xlsx"), *base.rglob("*.xlsm")]):
        if path.name.startswith((".", "~$")) or BACKUP_DIR in path.parts or not path.is_file():
            continue  # temp files; backups are copies of workbooks already looked at
        status = path.stat()
        stamp = (status.st_mtime_ns, status.st_size)
        if _seen.get(path) != stamp:
            _seen[path] = stamp
            fresh.append(path)
    return fresh


def _inputs_beside(path: Path, base: Path) -> list[Path]:
    """The workbooks the test that wrote ``path`` started from: those in its folder not written by the tool."""
    folder = base / path.relative_to(base).parts[0]
    return [source for source in sorted(folder.rglob("*.xls[xm]")) if source != path and not written_by_the_tool(source)]


@pytest.fixture(autouse=True)
def _excel_opens_what_the_tool_writes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterable[None]:
    """After each test, validate every workbook the tool wrote during it (``@pytest.mark.damaged`` tests break theirs on purpose)."""
    yield
    started = time.perf_counter()
    try:
        _validate_fresh(request, tmp_path_factory.getbasetemp())
    finally:
        _validation_seconds[0] += time.perf_counter() - started


_validation_seconds = [0.0]


def _validate_fresh(request: pytest.FixtureRequest, base: Path) -> None:
    fresh = fresh_workbooks(base)
    if request.node.get_closest_marker("damaged") is not None:
        return
    failures = []
    for path in fresh:
        if not written_by_the_tool(path):
            continue
        _validated.append(path)
        failures += [f"{path.relative_to(base)}: {problem}" for problem in new_excel_problems(path, _inputs_beside(path, base))]
    if failures:
        pytest.fail("Excel would not open cleanly what the tool wrote:\n" + "\n".join(failures[:40]), pytrace=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # a pytest-xdist worker: the controller adds the counts up
        output[VALIDATED_KEY] = (len(_validated), _validation_seconds[0])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    count, seconds = node.workeroutput.get(VALIDATED_KEY, (0, 0.0))
    _validated.extend(Path("-") for _ in range(count))
    _validation_seconds[0] += seconds


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(
        f"Workbooks written by the tool and validated with Microsoft's Open XML SDK: {len(_validated)}"
        f" ({_validation_seconds[0]:.0f} s of the workers' time)"
    )
