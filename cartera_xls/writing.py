"""Write the regenerated workbook with XlsxWriter: every sheet, in the order the team finds them.

Resumen and Agenda first, then the data sheets as the team keeps them (see
:mod:`cartera_xls.data_writing`), the summary sheets, the team's other sheets,
Revisar, Reglas, the instructions and the hidden lists that feed the dropdowns.
User text is always written with ``write_string`` and the workbook is opened
with ``strings_to_formulas`` and ``strings_to_urls`` off, so a client called
``=HYPERLINK(...)`` stays text; formulas are written only where the team's
workbook had them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import io
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.worksheet import Worksheet

from . import carry
from .cell_writing import CellWriter
from .checks import client_label
from .data_writing import (
    EXTRA_ROWS_WITH_DROPDOWN,
    LINE_HEIGHT,
    MIN_WIDTH,
    WRAPPED_WIDTH,
    Written,
    fit,
    header_width,
    set_header_height,
    text_lines,
    write_data_sheet,
    write_typed,
)
from .parsing import is_blank
from .pipeline import Portfolio, Refreshed
from .problems import Problem, grouped
from .progress import AT_SAVING, AT_WRITING, Report, quiet
from .raw import Formula, column_letters
from .schema import Kind, Sheet, fold, messages
from .schema.params import PARAMETERS
from .schema.sheets import (
    AGENDA_SHEET,
    CLIENTES,
    COMPUTED_MARK,
    DATA_PLACE,
    DATA_SHEETS,
    DATE_FORMAT,
    FIXED_LISTS,
    HOY_NAME,
    INSTRUCCIONES,
    LIST_CLIENTES,
    LIST_VENDEDORES,
    LISTAS,
    MARKER_PROPERTY,
    REGLAS,
    REGLAS_PLACE,
    RENAMED_MARK,
    REVIEW_NAME,
    REVISAR_SHEET,
    SHEET_ORDER,
    TEAM_PLACE,
    WAIT_DAYS_NAME,
    WARN_DAYS_NAME,
    GeneratedSheet,
)
from .styles import TABLE_STYLE, Formats, colour_follow_up, list_name, mark_for_review, print_setup, stamped, today_formula
from .summary_writing import STAMP_WIDTH, SummaryWriter, stamp
from .tables import SheetCells, SheetTable, UnknownSheet
from .version import __version__

IN_MEMORY_CELLS = 200_000
DOCUMENT_DATE = dt.datetime(2000, 1, 1)  # fixed, so the same data gives the same bytes
INSTRUCTIONS_WIDTH = 80  # characters: a portrait A4 page, the text wrapped within it
MAX_PAGE_BREAKS = 1023  # Excel's limit of manual page breaks in a sheet


def write_workbook(
    refreshed: Refreshed, path: Path, progress: Report = quiet, plan: carry.Plan | None = None, who: str | None = None
) -> None:
    """Write ``refreshed`` as a complete workbook at ``path`` (which must not be the original).

    ``plan`` says what of the source package is carried (see :mod:`cartera_xls.carry`);
    ``progress`` hears the data sheets go by (their share of the cells) and the save;
    ``who`` is the name the refresh stamp gives (by default :func:`who_refreshes`; "" for none).
    """
    progress(messages.PROGRESS_WRITING, AT_WRITING)
    portfolio = refreshed.portfolio
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "nan_inf_to_errors": True,
        "date_1904": portfolio.date1904,
        # A small workbook is assembled in memory: its parts' temp files cost more than writing them (a tenth of a
        # one-client refresh); a large one keeps them on disk, so memory stays within the benchmark's bounds.
        "in_memory": sum(len(table.frame) * len(table.frame.columns) for table in refreshed.tables.values()) < IN_MEMORY_CELLS,
    }
    # The team's document properties say it was modified on the day of the refresh (its «hoy»): by day, so the
    # same data refreshed twice that day gives the same bytes.
    modified = dt.datetime.combine(refreshed.hoy, dt.time(), dt.UTC)
    book = carry.CarryingWorkbook(str(path), options, carry.Carrier(plan, modified) if plan is not None else None)
    book.set_properties({"created": DOCUMENT_DATE, "title": CLIENTES.label})
    for name, value in plan.custom_properties if plan is not None else ():
        if name != MARKER_PROPERTY:
            book.set_custom_property(name, value)
    book.set_custom_property(MARKER_PROPERTY, __version__)
    macros = plan is not None and plan.vba is not None and path.suffix.lower() == ".xlsm"
    if macros and plan is not None and plan.vba is not None:
        _keep_macros(book, plan)
    now = dt.datetime.now()
    formats = Formats(book, refreshed.parameters.moneda, stamped(refreshed.hoy, now, who_refreshes() if who is None else who))
    define_hidden_name(book, HOY_NAME, today_formula(refreshed.hoy, now.date()))  # the day the live colours and the stamp compare with
    writer = CellWriter(formats, portfolio.date1904)
    lists = _collect_lists(refreshed.tables)
    list_ranges = _list_ranges(book, lists)
    summary = SummaryWriter(book, formats, refreshed)
    writers: dict[str, Callable[[], object]] = {
        "resumen": summary.resumen,
        "agenda": lambda: write_agenda(book, writer, refreshed),
        "analisis": summary.analisis,
        "concentracion": summary.concentracion,
        "geografia": summary.geografia,
        "productos": summary.productos,
        "vendedores": summary.vendedores,
        "revisar": lambda: write_problems(book, writer, grouped(refreshed.problems), refreshed.hoy),
        "instrucciones": lambda: write_instructions(book, formats, refreshed.hoy),
        "listas": lambda: write_lists(book, formats, lists),
    }
    for place in SHEET_ORDER:
        if isinstance(place, GeneratedSheet):
            writers[place.key]()
        elif place == DATA_PLACE:
            _write_data_sheets(book, writer, refreshed, list_ranges, plan, macros, progress)
        elif place == TEAM_PLACE:
            _write_team_places(book, writer, portfolio, plan)
        elif place == REGLAS_PLACE:
            write_parameters(book, writer, portfolio, refreshed.hoy, plan)
    if macros and plan is not None:
        _free_codenames(book, plan)
    _in_the_teams_order(book, portfolio)
    progress(messages.PROGRESS_SAVING, AT_SAVING)
    try:
        book.close()
    except FileCreateError as exc:  # XlsxWriter wraps the disk's own error: hand that on, the caller says it in Spanish
        cause = exc.args[0] if exc.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(exc)) from None


def _in_the_teams_order(book: xlsxwriter.Workbook, portfolio: Portfolio) -> None:
    """The sheets in the order the team left them; a sheet the workbook did not have goes after the one the tool writes
    before it (so the summary sheets of a first refresh come together, where ``SHEET_ORDER`` puts them).

    XlsxWriter numbers its sheets as they are added: the list is reordered with every number that points at a
    sheet (its index, sheet-scoped names) moved with it. The tool activates no sheet: the first tab opens.
    """
    renamed = {sheet.source_name: sheet.name for sheet in portfolio.unknown if sheet.source_name}
    theirs = [renamed.get(name, name) for name in portfolio.sheet_order]
    sheets = list(book.worksheets_objs)
    names = [sheet.name for sheet in sheets]
    ordered = [name for name in theirs if name in names]
    for at, name in enumerate(names):
        if name not in ordered:
            ordered.insert(ordered.index(names[at - 1]) + 1 if at else 0, name)
    if ordered == names:
        return
    by_name = {sheet.name: sheet for sheet in sheets}
    moved = {by_name[name].index: new for new, name in enumerate(ordered)}
    book.worksheets_objs[:] = [by_name[name] for name in ordered]
    for sheet in book.worksheets_objs:
        sheet.index = moved[sheet.index]
    for name in book.defined_names:
        if isinstance(name[1], int) and name[1] >= 0:
            name[1] = moved[name[1]]


USER_VARIABLE = "CARTERA_XLS_USUARIO"  # the name the stamp gives, when the system's login name says little («user»)


def who_refreshes() -> str:
    """Who the refresh stamp names: ``CARTERA_XLS_USUARIO``, else the login name of this machine (nothing when it has none)."""
    named = os.environ.get(USER_VARIABLE, "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):  # no login name (a container without one): the stamp says only when
        return ""


def _write_data_sheets(
    book: xlsxwriter.Workbook,
    writer: CellWriter,
    refreshed: Refreshed,
    list_ranges: dict[str, str],
    plan: carry.Plan | None,
    macros: bool,
    progress: Report,
) -> None:
    """Clientes, Ventas… in the schema's order, the progress line moving by each one's share of the cells."""
    tables = [table for spec in DATA_SHEETS if (table := refreshed.tables.get(spec.key))]
    sizes = [len(table.frame) * (len(table.slots) + (len(refreshed.clients.columns) if table.spec is CLIENTES else 0)) for table in tables]
    done, total = 0, max(sum(sizes), 1)
    validated = plan.validated_columns if plan is not None else {}
    for table, size in zip(tables, sizes, strict=True):
        sheet = write_table(book, writer, table, list_ranges, refreshed, validated.get(table.name, frozenset()), _patched(plan, table))
        if macros and plan is not None and table.name in plan.codenames:
            sheet.set_vba_name(plan.codenames[table.name])
        done += size
        progress(messages.PROGRESS_WRITING, AT_WRITING + (AT_SAVING - AT_WRITING) * done / total)


def _write_team_places(book: xlsxwriter.Workbook, writer: CellWriter, portfolio: Portfolio, plan: carry.Plan | None) -> None:
    """The team's sheets: carried whole from their package (here only their places), or written from their cells.

    A team sheet a conflicted copy changed alone gets the copy's cells laid over it (see :mod:`merging`).
    """
    taken = {sheet.name: sheet.cells for sheet in portfolio.taken}
    if plan is not None:
        for team in plan.team_sheets:
            placeholder = book.add_worksheet(team.name)
            if team.state == "hidden":
                placeholder.hide()
            elif team.state == "veryHidden":
                placeholder.very_hidden()
            if team.name in taken and team.kind == "worksheet" and isinstance(book, carry.CarryingWorkbook):
                _write_taken(placeholder, writer, taken[team.name])
                book.patched_team.add(team.name)  # patched with these cells, not copied as stored
    else:
        for unknown in portfolio.unknown:
            sheet = write_unknown(book, writer, unknown)
            if unknown.name in taken:
                _write_taken(sheet, writer, taken[unknown.name])
    for unknown in portfolio.beside:  # a conflicted copy's version of a team sheet: written from its values
        write_unknown(book, writer, unknown)


def _write_taken(sheet: Worksheet, writer: CellWriter, cells: Mapping[tuple[int, int], tuple[Any, Formula | None]]) -> None:
    """A conflicted copy's cells of a team sheet, over the team's; a cell it emptied is written empty."""
    for (row, col), (value, formula) in cells.items():
        if value is None and formula is None:
            sheet.write_blank(row, col, None, writer.formats.number("General"))  # a format makes the empty cell replace theirs
        else:
            writer.write(sheet, row, col, value, None, formula)


def write_table(
    book: xlsxwriter.Workbook,
    writer: CellWriter,
    table: SheetTable,
    list_ranges: dict[str, str],
    refreshed: Refreshed,
    validated: frozenset[int] = frozenset(),
    patched: bool = False,
) -> Worksheet:
    """One data sheet as the team keeps it, with its dropdowns and, on Clientes, the computed columns and their colours.

    A column the team validates with its own list keeps theirs: the tool's dropdown is not added there.
    ``patched``: only what the tool owns is written; the rest of the sheet is the team's, as it was (see ``carry``).
    """
    sheet = book.add_worksheet(table.name)
    if table.state == "hidden":  # the team hid it: it stays hidden
        sheet.hide()
    elif table.state == "veryHidden":
        sheet.very_hidden()
    if not patched:
        print_setup(sheet, refreshed.hoy)
    computed = refreshed.clients if table.spec is CLIENTES else None
    written = write_data_sheet(sheet, writer, table, table_name(table), computed, patched=patched)
    _declare_owned(book, table, written, patched)
    for column in written.columns:
        if column.col in validated:
            continue
        if column.column is not None and not column.computed and column.column.dropdown in list_ranges:
            sheet.data_validation(
                written.first_row,
                column.col,
                written.last_row + EXTRA_ROWS_WITH_DROPDOWN,
                column.col,
                {"validate": "list", "source": list_ranges[column.column.dropdown], "error_type": "warning", "ignore_blank": True},
            )
    if computed is not None:
        mark_computed_columns(book, table, written)
    mark_for_review(sheet, writer.formats, review_cells(refreshed.problems, table, written))
    semaforo_col, due_col, since_col = written.col("semaforo"), written.col("proximo_contacto"), written.col("esperando_desde")
    if computed is not None and len(table.frame) and semaforo_col is not None and due_col is not None:
        rows, cols = (written.first_row, written.last_row), (written.columns[0].col, written.columns[-1].col)
        waiting = (since_col, wait_days(refreshed)) if since_col is not None else None
        colour_follow_up(sheet, writer.formats, rows, cols, semaforo_col, due_col, warn_days(refreshed), waiting)
    return sheet


def review_cells(problems: Iterable[Problem], table: SheetTable, written: Written) -> list[tuple[int, int, int]]:
    """The cells of ``table`` that Revisar lists, ``(row, first_col, last_col)`` 0-based: the cell of the column it names, else the row."""
    by_label = {c.label: c.col for c in written.columns if c.label}
    whole_row = (written.columns[0].col, written.columns[-1].col) if written.columns else (0, 0)
    cells = []
    for problem in problems:
        if problem.sheet != table.name or problem.row is None or problem.row - 1 < written.first_row:
            continue
        if problem.severity == messages.SEVERITY_INFO:  # said for the record (an ID the tool gave): nothing to correct
            continue
        col = by_label.get(problem.column)
        first, last = (col, col) if col is not None else whole_row
        cells.append((problem.row - 1, first, last))
    return cells


def _patched(plan: carry.Plan | None, table: SheetTable) -> bool:
    """Whether a data sheet is the team's part, patched (not written whole): it is in the package the plan carries."""
    return plan is not None and table.name in plan.data_sheets


def _declare_owned(book: xlsxwriter.Workbook, table: SheetTable, written: Written, patched: bool) -> None:
    """Tell the carrier which columns of a patched sheet are the tool's (their header and every cell below it)."""
    if patched and isinstance(book, carry.CarryingWorkbook):
        book.owned[table.name] = carry.Owned(table.header_row, {c.col: c.label for c in written.owned}, table.not_data)


def define_hidden_name(book: xlsxwriter.Workbook, name: str, formula: str) -> None:
    """A workbook name the team does not see in its name box: one of the tool's (marks, lists, the day it compares with).

    XlsxWriter's ``define_name`` has no option for it; its list entry's fourth field is the hidden flag (pinned to 3.3).
    """
    book.define_name(name, formula)
    book.defined_names[-1][3] = True


def mark_computed_columns(book: xlsxwriter.Workbook, table: SheetTable, written: Written) -> None:
    """A hidden workbook name over each computed column (see ``schema.sheets.COMPUTED_MARK``), and over each the team renamed."""
    quoted = table.name.replace("'", "''")
    for column in written.columns:
        if column.computed:
            letters = column_letters(column.col)
            define_hidden_name(book, COMPUTED_MARK + column.slot, f"='{quoted}'!${letters}:${letters}")
    for key, col in table.renamed_computed.items():  # the team's now: marked so the next refresh says it again
        letters = column_letters(col)
        define_hidden_name(book, COMPUTED_MARK + RENAMED_MARK + key, f"='{quoted}'!${letters}:${letters}")


def wait_days(refreshed: Refreshed) -> str:
    """``dias_espera_respuesta`` as the conditional formats read it: the Reglas cell, or the value in force."""
    default = int(refreshed.parameters.dias_espera_respuesta)
    return f"IF(ISNUMBER({WAIT_DAYS_NAME}),{WAIT_DAYS_NAME},{default})"


def warn_days(refreshed: Refreshed) -> str:
    """``dias_aviso`` as the conditional formats read it: the Reglas cell (by its name), or the value in force when it is not a number."""
    default = int(refreshed.parameters.dias_aviso)
    return f"IF(ISNUMBER({WARN_DAYS_NAME}),{WARN_DAYS_NAME},{default})"


def _keep_macros(book: xlsxwriter.Workbook, plan: carry.Plan) -> None:
    """The .xlsm's VBA project (and its signature), with the code names its macros use."""
    assert plan.vba is not None
    if plan.vba_signature is not None:
        book.add_signed_vba_project(io.BytesIO(plan.vba), io.BytesIO(plan.vba_signature), True, True)
    else:
        book.add_vba_project(io.BytesIO(plan.vba), True)
    if "" in plan.codenames:
        book.set_vba_name(plan.codenames[""])


def _free_codenames(book: xlsxwriter.Workbook, plan: carry.Plan) -> None:
    """A VBA code name for each sheet the tool writes, none already a team sheet's.

    XlsxWriter would name them ``Sheet1``, ``Sheet2``…, which an English Excel's
    sheets already are; two sheets with one code name make Excel repair the file.
    """
    team = {sheet.name for sheet in plan.team_sheets}
    taken = set(plan.team_codenames) | {name.casefold() for name in plan.codenames.values()}
    number = 0
    for sheet in book.worksheets():
        if sheet.name in team or sheet.vba_codename is not None:
            continue  # a team sheet is carried with its own code name
        number += 1
        while f"sheet{number}" in taken:
            number += 1
        sheet.set_vba_name(f"Sheet{number}")


def table_name(table: SheetTable) -> str:
    """The Excel table of a data sheet keeps the team's table name (their structured references keep working)."""
    theirs = table.team_table()
    return theirs[0] if theirs is not None and theirs[0] else f"Tabla{table.spec.key.capitalize()}"


NUMERIC_KINDS = (Kind.DATE, Kind.NUMBER, Kind.INTEGER, Kind.PERCENT)  # right-aligned: the text after them is indented


def write_agenda(book: xlsxwriter.Workbook, writer: CellWriter, refreshed: Refreshed) -> None:
    """The follow-up plan: a title with the date, then one row per action."""
    formats = writer.formats
    sheet = book.add_worksheet(AGENDA_SHEET.label)
    parameters = refreshed.parameters
    title = messages.AGENDA_TITLE.format(hoy=refreshed.hoy.strftime(DATE_FORMAT), days=int(parameters.dias_agenda))
    sheet.write_string(0, 0, title, formats.title)
    plan = refreshed.agenda
    columns = AGENDA_SHEET.columns
    top = 3
    sheet.add_table(
        top,
        0,
        top + max(len(plan), 1),
        len(columns) - 1,
        {
            "name": "TablaAgenda",
            "style": TABLE_STYLE,
            "columns": [{"header": column.label, "header_format": formats.header} for column in columns],
        },
    )
    keys = [column.key for column in columns]
    rows = np.arange(top + 1, top + 1 + len(plan))
    widths = []
    for col, column in enumerate(columns):
        width = write_typed(sheet, writer, rows, col, column, plan[column.key])
        widths.append(fit(max(width, header_width(column.label))))
        # Text right after a right-aligned column is indented, so it never touches it («14/11/2026 09:30Carla»);
        # only there: a style on every text cell of a long agenda costs time for nothing.
        after_number = col > 0 and columns[col - 1].kind in NUMERIC_KINDS and column.kind not in NUMERIC_KINDS
        sheet.set_column(col, col, widths[-1], formats.text if after_number else None)
    set_header_height(sheet, top, [(column.label, width) for column, width in zip(columns, widths, strict=True)])
    # Merged over as many columns as «… hace más de 7 días: actualice la cartera» needs (a number never spills over).
    needed = STAMP_WIDTH + len(formats.stamped.signed)
    room = next((count for count in range(1, len(widths) + 1) if sum(widths[:count]) >= needed), len(widths))
    stamp(sheet, formats, 1, 0, span=room)
    if len(plan):
        span = (top + 1, top + len(plan))
        waiting = (keys.index("esperando_desde"), wait_days(refreshed))  # the same live rules as Clientes
        light, due = keys.index("semaforo"), keys.index("fecha")
        colour_follow_up(sheet, formats, span, (0, len(keys) - 1), light, due, warn_days(refreshed), waiting)
    else:
        sheet.write_string(top + 1, 0, messages.AGENDA_EMPTY)
    sheet.freeze_panes(top + 1, 0)
    print_setup(sheet, refreshed.hoy, header_row=top)
    salespeople = plan["vendedor"].fillna("").astype(str).str.casefold().to_numpy()
    changes = [top + 1 + row for row in range(1, len(plan)) if salespeople[row] != salespeople[row - 1]]
    sheet.set_h_pagebreaks(changes[:MAX_PAGE_BREAKS])  # each salesperson's agenda on pages of its own


def write_unknown(book: xlsxwriter.Workbook, writer: CellWriter, unknown: UnknownSheet) -> Worksheet:
    """A sheet the tool does not know: every value and formula where it was, with its number format."""
    sheet = book.add_worksheet(unknown.name)
    details = unknown.details
    for r, row in enumerate(unknown.rows):
        for c, value in enumerate(row):
            formula = details.formulas.get((r, c))
            flag = unknown.flagged.get((r, c))
            if formula is not None or flag is not None or not is_blank(value):
                writer.write(sheet, r, c, value, None, formula, flag)
    if unknown.hidden:
        sheet.hide()
    return sheet


def write_problems(book: xlsxwriter.Workbook, writer: CellWriter, problems: Sequence[Problem], hoy: dt.date) -> None:
    """The Revisar sheet: one row per problem, with where and what to do."""
    sheet = book.add_worksheet(REVISAR_SHEET.label)
    define_hidden_name(book, REVIEW_NAME, f"='{REVISAR_SHEET.label}'!$A$1")  # what the marks of the cells it lists read
    print_setup(sheet, hoy, header_row=0)
    rows = [tuple(getattr(p, column.key) for column in REVISAR_SHEET.columns) for p in problems]
    _plain_table(sheet, writer, "TablaRevisar", REVISAR_SHEET, rows)


def write_parameters(
    book: xlsxwriter.Workbook, writer: CellWriter, portfolio: Portfolio, hoy: dt.date, plan: carry.Plan | None = None
) -> None:
    """The Reglas sheet: the team's as it was, with the parameters it lacks added below; every parameter when it had none."""
    in_force = portfolio.parameters.shown()  # the defaults, or what the workbook said (its currency, guessed from Ventas)
    table = portfolio.tables.get(REGLAS.key) or _reglas_table(in_force)
    if "description" not in table.slots:  # every parameter says what it does, in a column after the team's
        described = table.frame["parameter"].map(lambda name: DESCRIPTIONS.get(fold(name)) if isinstance(name, str) else None)
        positions = {**table.positions, "description": max(table.position(slot) for slot in table.slots) + 1}
        table = dataclasses.replace(
            table, frame=table.frame.assign(description=described), slots=(*table.slots, "description"), positions=positions
        )
    listed = {fold(name) for name in table.frame["parameter"] if isinstance(name, str)}
    missing = [p for p in PARAMETERS if fold(p.key) not in listed]
    appended = [{"parameter": p.key, "value": in_force[p.key], "description": p.description} for p in missing]
    sheet = book.add_worksheet(table.name)
    patched = _patched(plan, table)
    if not patched:
        print_setup(sheet, hoy)
    written = write_data_sheet(sheet, writer, table, table_name(table), appended=appended, patched=patched)
    _declare_owned(book, table, written, patched)
    rows = [row - 1 for row, name in zip(table.frame.index, table.frame["parameter"], strict=True) if isinstance(name, str)]
    names = [fold(name) for name in table.frame["parameter"] if isinstance(name, str)]
    names += [fold(extra["parameter"]) for extra in appended]
    rows += [table.header_row + 1 + table.cells.height + offset for offset in range(len(appended))]
    quoted = table.name.replace("'", "''")
    column = column_letters(table.position("value"))
    for parameter, name in (("dias_aviso", WARN_DAYS_NAME), ("dias_espera_respuesta", WAIT_DAYS_NAME)):
        row = rows[names.index(fold(parameter))]
        book.define_name(name, f"='{quoted}'!${column}${row + 1}")


DESCRIPTIONS = {fold(p.key): p.description for p in PARAMETERS}


def _reglas_table(values: Mapping[str, Any]) -> SheetTable:
    """The Reglas sheet of a workbook that had none: every parameter in force, as a team's sheet would read."""
    slots = tuple(column.key for column in REGLAS.columns)
    rows = [(p.key, values[p.key], p.description) for p in PARAMETERS]
    index = pd.Index(range(2, len(rows) + 2), dtype="int64")
    frame = pd.DataFrame(dict(zip(slots, zip(*rows, strict=True), strict=True)), index=index)
    cells = SheetCells(top=(tuple(column.label for column in REGLAS.columns),), below=tuple(zip(*rows, strict=True)))
    return SheetTable(REGLAS, REGLAS.label, frame, slots, labels={c.key: c.label for c in REGLAS.columns}, cells=cells)


def write_instructions(book: xlsxwriter.Workbook, formats: Formats, hoy: dt.date) -> None:
    """How to use the workbook, in the team's words: one column of text wrapped to a portrait page."""
    sheet = book.add_worksheet(INSTRUCCIONES)
    sheet.write_string(0, 0, messages.INSTRUCTIONS_TITLE, formats.title)
    for row, line in enumerate(messages.INSTRUCTIONS, start=2):
        if line:
            sheet.write_string(row, 0, line, formats.wrap)
            sheet.set_row(row, LINE_HEIGHT * text_lines(line, INSTRUCTIONS_WIDTH))
    sheet.set_column(0, 0, INSTRUCTIONS_WIDTH, formats.wrap)
    print_setup(sheet, hoy, landscape=False)


def write_lists(book: xlsxwriter.Workbook, formats: Formats, lists: dict[str, list[str]]) -> None:
    """The hidden Listas sheet that feeds every dropdown."""
    sheet = book.add_worksheet(LISTAS)
    for col, (name, values) in enumerate(lists.items()):
        sheet.write_string(0, col, name, formats.header)
        for row, value in enumerate(values, start=1):
            sheet.write_string(row, col, value)
        sheet.set_column(col, col, 20)
    sheet.hide()


def _plain_table(sheet: Worksheet, writer: CellWriter, name: str, spec: Sheet, rows: Sequence[Sequence[Any]]) -> None:
    """A sheet that is one Excel table of plain values, its columns as ``spec`` declares them."""
    formats = writer.formats
    sheet.add_table(
        0,
        0,
        max(len(rows), 1),
        len(spec.columns) - 1,
        {"name": name, "style": TABLE_STYLE, "columns": [{"header": c.label, "header_format": formats.header} for c in spec.columns]},
    )
    # Sentences wrap; so does a narrower text column any of whose texts is wider than it («C0012 · María Fernández Soto»
    # in Revisar's Cliente), so nothing is cut where the next column has something
    wrapped = {
        c: column.width
        for c, column in enumerate(spec.columns)
        if column.width is not None
        and (column.width >= WRAPPED_WIDTH or (column.kind not in NUMERIC_KINDS and any(_wider(row[c], column.width) for row in rows)))
    }
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            writer.write(sheet, r, c, value)
        lines = max((text_lines(row[c], width) for c, width in wrapped.items() if isinstance(row[c], str)), default=1)
        if lines > 1:
            sheet.set_row(r, LINE_HEIGHT * lines)
    for c, column in enumerate(spec.columns):
        width = column.width or MIN_WIDTH
        # Every cell at the top of its row, beside wrapped text; text indented, so «64» and «C0061» never touch.
        plain = formats.top if column.kind in NUMERIC_KINDS else formats.text_top
        sheet.set_column(c, c, width, formats.wrap if c in wrapped else plain)
    sheet.freeze_panes(1, 0)


def _wider(value: Any, width: float) -> bool:
    """Whether a text needs more characters than a column's width."""
    return isinstance(value, str) and len(value) > width


def _collect_lists(tables: Mapping[str, SheetTable]) -> dict[str, list[str]]:
    lists = {name: list(values) for name, values in FIXED_LISTS.items()}
    clients = tables[CLIENTES.key].frame
    # «C004 · Ana Pérez»: the ID alone says nothing to whoever picks it; the reader takes the ID back from either form.
    labelled = {client_id: client_label(client_id, name) for client_id, name in zip(clients["id"], clients["name"], strict=True)}
    lists[LIST_CLIENTES] = [labelled[client_id] for client_id in sorted(k for k in labelled if isinstance(k, str) and k)]
    salespeople: set[str] = set()
    for table in tables.values():
        if "salesperson" in table.frame:
            salespeople.update(v.strip() for v in table.frame["salesperson"] if isinstance(v, str) and v.strip())
    lists[LIST_VENDEDORES] = sorted(salespeople)
    return {name: values for name, values in lists.items() if values}


def _list_ranges(book: xlsxwriter.Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    """Each list's dropdown source: a hidden workbook name over its column of Listas (see ``schema.sheets.LIST_NAME_PREFIX``)."""
    sources: dict[str, str] = {}
    for col, (name, values) in enumerate(lists.items()):
        letters = column_letters(col)
        define_hidden_name(book, list_name(name), f"='{LISTAS}'!${letters}$2:${letters}${len(values) + 1}")
        sources[name] = f"={list_name(name)}"
    return sources
