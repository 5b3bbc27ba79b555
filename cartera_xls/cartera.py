"""The notebook API: ``load`` a workbook into a :class:`Cartera`, ``save`` or ``refresh`` it.

A :class:`Cartera` is a view over one :class:`~cartera_xls.pipeline.Refreshed`:
its properties mirror the workbook's sheets under their Spanish names
(``clientes``, ``ventas``, ``agenda``, ``revisar``, ``indicadores``…); its
methods are English (``save``, ``as_of``, ``models``…). The command line is a
thin layer over these same functions.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import pipeline
from .data_writing import layout
from .errors import CarteraError, UnreadableWorkbook, WriteFailed
from .ics import agenda_path, check_target, is_folder, write_calendar, write_calendars
from .merging import Copy, base_path
from .problems import LISTED, Problem, grouped
from .progress import AT_RULES, Report, quiet
from .raw import RawWorkbook
from .reading import with_sales
from .safety import BACKUP_DIR, check_not_open, conflicted_copies, fingerprint, keep_base, refresh_lock, set_aside
from .saving import Source, bulk_work, is_in_place, output_path, save
from .schema import messages
from .schema import summary as labels
from .schema.params import PARAMETERS
from .schema.sheets import AGENDA_SHEET, CLIENTES, DATA_SHEETS, DATE_FORMAT, ESTADOS, PROBLEM_CODE, REGLAS, REVISAR_SHEET, SEMAFOROS
from .sources import open_workbook

if TYPE_CHECKING:
    from .models import Row


def _conflicted_copies(path: Path) -> tuple[list[pipeline.ConflictedCopy], list[Problem]]:
    """Dropbox's conflicted copies beside ``path``, read, each with the base it is merged against; those unreadable, said.

    The base (the workbook as the last refresh wrote it) is an ancestor of a
    copy saved after it; a copy older than the base is merged two-way.
    """
    copies: list[pipeline.ConflictedCopy] = []
    unreadable: list[Problem] = []
    base_file = base_path(path, path.parent / BACKUP_DIR)
    base: RawWorkbook | None = None
    found = conflicted_copies(path)
    if found and base_file.is_file():
        try:
            base = open_workbook(base_file)
        except CarteraError:  # a damaged base only makes the merge two-way
            base = None
    for copy_path in found:
        try:
            book = open_workbook(copy_path)
        except CarteraError:
            unreadable.append(Problem.of(messages.CONFLICTED_COPY, path.name, None, "", copy_path.name, messages.SEVERITY_WARNING))
            continue
        ancestor = base if base is not None and base_file.stat().st_mtime <= copy_path.stat().st_mtime else None
        copies.append(pipeline.ConflictedCopy(Copy.of(copy_path), book, ancestor))
    return copies, unreadable


class Cartera:
    """A customer portfolio read from a workbook and computed as of a date.

    ``cartera.clientes``, ``cartera.ventas``, … are pandas DataFrames with the
    team's headers, indexed by Excel row (``fila``); ``cartera.revisar`` lists
    the problems; ``cartera.models("clientes")`` gives pydantic models;
    ``cartera.as_of(date)`` recomputes for another date without reading again.
    """

    def __init__(self, refreshed: pipeline.Refreshed, source: Source | None = None) -> None:
        self.refreshed = refreshed
        self.source = source

    @classmethod
    def from_path(cls, path: str | Path, hoy: dt.date | None = None, progress: Report = quiet, ventas: str | Path | None = None) -> Cartera:
        """Read and check a workbook (and its sales apart, ``ventas``) and compute it as of ``hoy`` (see :func:`load`)."""
        path = Path(path)
        with bulk_work():
            progress(messages.PROGRESS_READING, 0.0)
            digest = fingerprint(path) if path.is_file() else ""
            book = open_workbook(path)
            if ventas is not None:
                book = with_sales(book, open_workbook(Path(ventas)))
            progress(messages.PROGRESS_RULES, AT_RULES)
            copies, unreadable = _conflicted_copies(path)
            portfolio = pipeline.prepare(book, unreadable, copies)
            refreshed = pipeline.compute(portfolio, hoy or dt.date.today())
        return cls(refreshed, Source(path, digest, portfolio.generated))

    @classmethod
    def empty(cls, hoy: dt.date | None = None) -> Cartera:
        """A portfolio with every data sheet and no rows (the template of ``init``)."""
        return cls(pipeline.compute(pipeline.Portfolio.empty(), hoy or dt.date.today()))

    def as_of(self, hoy: dt.date) -> Cartera:
        """The same portfolio computed as of another date, without reading the workbook again."""
        return Cartera(pipeline.compute(self.refreshed.portfolio, hoy), self.source)

    # --- what notebooks look at: the sheets, by their Spanish names ----------------
    @property
    def hoy(self) -> dt.date:
        """The date the rules were computed for."""
        return self.refreshed.hoy

    @property
    def problems(self) -> list[Problem]:
        """Every problem found, as :class:`Problem` values (``revisar`` shows them as a table)."""
        return list(self.refreshed.problems)

    def _frame(self, key: str) -> pd.DataFrame:
        table = self.refreshed.tables.get(key)
        if table is None:
            spec = next(s for s in DATA_SHEETS if s.key == key)
            return pd.DataFrame(columns=[c.label for c in spec.input_columns])
        frame = table.labelled()
        computed = self.refreshed.clients
        if key == CLIENTES.key and len(computed.columns):
            labels = {c.slot: c.label for c in layout(table, list(computed.columns)) if c.computed}  # as the sheet names them
            frame = frame.join(computed.rename(columns=labels))
        return frame

    @property
    def clientes(self) -> pd.DataFrame:
        """Clients with every column, computed ones included."""
        return self._frame("clientes")

    @property
    def ventas(self) -> pd.DataFrame:
        """Sales lines."""
        return self._frame("ventas")

    @property
    def seguimiento(self) -> pd.DataFrame:
        """Contacts with clients."""
        return self._frame("seguimiento")

    @property
    def oportunidades(self) -> pd.DataFrame:
        """Sales opportunities."""
        return self._frame("oportunidades")

    @property
    def encuestas(self) -> pd.DataFrame:
        """Satisfaction survey answers."""
        return self._frame("encuestas")

    @property
    def reclamos(self) -> pd.DataFrame:
        """Complaints."""
        return self._frame("reclamos")

    @property
    def revisar(self) -> pd.DataFrame:
        """Every problem found, as in the Revisar sheet, with each one's stable code (``Código``: ``bad-date``…) to filter by."""
        columns = (*REVISAR_SHEET.columns, PROBLEM_CODE)
        rows = [tuple(getattr(p, column.key) for column in columns) for p in grouped(self.refreshed.problems)]
        return pd.DataFrame(rows, columns=[column.label for column in columns])

    @property
    def reglas(self) -> pd.DataFrame:
        """The parameters in force, as in the Reglas sheet."""
        values = self.refreshed.parameters
        rows = [(p.key, getattr(values, p.key), p.description) for p in PARAMETERS]
        return pd.DataFrame(rows, columns=[c.label for c in REGLAS.columns])

    @property
    def agenda(self) -> pd.DataFrame:
        """The follow-up plan, as in the Agenda sheet."""
        columns = AGENDA_SHEET.columns
        frame = self.refreshed.agenda[[column.key for column in columns]]
        frame.columns = pd.Index([column.label for column in columns])
        return frame

    @property
    def indicadores(self) -> dict[str, Any]:
        """Every figure of the summary sheets by its Spanish name: DataFrames with the sheets' headers."""
        return {labels.FIGURE_NAMES[name]: _labelled(name, value) for name, value in vars(self.refreshed.figures).items()}

    def models(self, sheet: str) -> list[Row]:
        """The rows of a sheet (``"clientes"``, ``"ventas"``…) as validated pydantic models."""
        from .models import rows_as_models  # pydantic only when a notebook asks for models

        table = self.refreshed.tables.get(sheet)
        return rows_as_models(table) if table is not None else []

    def errors(self, listed: int = LISTED) -> list[Problem]:
        """Problems that need the team's attention (information notes left out), alike ones grouped as in Revisar."""
        return [p for p in grouped(self.refreshed.problems, listed) if p.severity != messages.SEVERITY_INFO]

    def export_agenda(self, path: str | Path) -> int:
        """Write the agenda as calendar events (.ics; added to a name without an extension); return how many. Never over a workbook.

        Given a folder, ``agenda.ics`` there holds every action and each
        salesperson gets a calendar of their own (see :meth:`export_agendas`).
        """
        if is_folder(path):
            return self.export_agendas(path)[Path(path) / messages.ICS_TEAM_FILE]
        check_target(path, self._workbooks())
        try:
            return write_calendar(self.refreshed.agenda, self.hoy, agenda_path(path), self.refreshed.parameters.zona_horaria)
        except OSError as exc:
            raise WriteFailed(messages.CANNOT_WRITE.format(path=agenda_path(path), detail=exc.strerror or exc)) from None

    def export_agendas(self, folder: str | Path) -> dict[Path, int]:
        """Write ``agenda.ics`` with every action and ``agenda - <Vendedor>.ics`` for each salesperson into ``folder``.

        Returns each file written with its number of actions. The folder must exist.
        """
        check_target(Path(folder), self._workbooks())
        try:
            return write_calendars(self.refreshed.agenda, self.hoy, Path(folder), self.refreshed.parameters.zona_horaria)
        except OSError as exc:
            raise WriteFailed(messages.CANNOT_WRITE.format(path=folder, detail=exc.strerror or exc)) from None

    def _workbooks(self) -> tuple[Path, ...]:
        return (self.source.path,) if self.source is not None else ()

    def save(self, path: str | Path, *, force: bool = False, keep_backups: int | None = None, progress: Report = quiet) -> Path | None:
        """Write the regenerated workbook to ``path`` (always .xlsx); return the backup of what it replaced.

        Replacing the workbook this portfolio was read from is refused, as
        ``refresh`` refuses it, when it holds content the new one cannot carry
        (unless ``force``) or when it changed on disk since it was read.
        """
        target = output_path(path, self.source.path if self.source is not None else None)
        replacing = self.source is not None and is_in_place(target, self.source)
        backup = save(self.refreshed, target, self.source, force=force, keep_backups=keep_backups, progress=progress)
        keep_base(target, base_path(target, target.parent / BACKUP_DIR))
        if replacing:  # the workbook on disk is now the one just written; the copies merged into it are kept aside
            self.source = Source(target, fingerprint(target), generated=True)
            for merged in self.refreshed.portfolio.merged:
                set_aside(merged.copy.path, target.parent / BACKUP_DIR)
        return backup

    # --- summaries -------------------------------------------------------------------
    def summary_lines(self) -> list[str]:
        """Clients per estado and per colour, for the command line summary (nothing to count in an empty workbook)."""
        lines: list[str] = []
        if not len(self.refreshed.clients):
            return lines
        for template, column, order in (
            (messages.CLI_SUMMARY_ESTADOS, "estado", ESTADOS),
            (messages.CLI_SUMMARY_SEMAFORO, "semaforo", SEMAFOROS),
        ):
            counts = self.refreshed.clients[column].value_counts()
            shown = ", ".join(f"{name} {counts[name]}" for name in order if counts.get(name, 0))
            lines.append(template.format(counts=shown))
        return lines

    def _repr_html_(self) -> str:
        """A short summary for notebooks: clients per estado and colour, and the problems found."""

        def row(cells: list[str], tag: str = "td") -> str:
            return "<tr>" + "".join(f"<{tag}>{html.escape(cell)}</{tag}>" for cell in cells) + "</tr>"

        computed = self.refreshed.clients
        estados = computed["estado"].value_counts()
        colours = computed["semaforo"].value_counts()
        source = self.source.path.name if self.source is not None else ""
        parts = [
            f"<p><b>{html.escape(messages.HTML_TITLE.format(source=source, hoy=self.hoy.strftime(DATE_FORMAT)))}</b></p>",
            "<table>",
            row([messages.HTML_ESTADO, *ESTADOS, messages.HTML_TOTAL], "th"),
            row([messages.HTML_CLIENTES, *(str(estados.get(name, 0)) for name in ESTADOS), str(len(computed))]),
            row([messages.HTML_SEMAFORO, *SEMAFOROS], "th"),
            row([messages.HTML_CLIENTES, *(str(colours.get(name, 0)) for name in SEMAFOROS)]),
            "</table>",
            f"<p>{html.escape(messages.HTML_PROBLEMS.format(count=len(self.errors())))}</p>",
        ]
        return "\n".join(parts)

    def __repr__(self) -> str:
        source = self.source.path.name if self.source is not None else ""
        return f"<Cartera {source} clientes={len(self.refreshed.clients)} hoy={self.hoy.isoformat()}>"


def _labelled(name: str, value: Any) -> Any:
    """A figure as the summary sheets show it: headers and row names in Spanish."""
    spec = labels.FIGURE_TABLES.get(name)
    if name == "segments":
        return {CLIENTES.column(key).label: _labelled("regions", table) for key, table in value.items()}
    if name == "ranges":
        return {labels.PERIODS_TABLE.column(key).label: span for key, span in value.items()}
    if spec is None or not isinstance(value, pd.DataFrame):
        return value
    keyed = {column.key: column.label for column in spec.columns}
    frame = value.rename(columns=lambda key: keyed.get(key, key))
    if name == "periods":
        frame = frame.rename(index={column.key: column.label for column in labels.INDICATORS.columns})
        frame.index.name = labels.INDICATORS.label
    elif name == "closing":
        frame = frame.rename(index=labels.CLOSING_ROWS)
    elif name == "recommendation":
        frame = frame.rename(index=labels.RECOMMENDATION_ROWS)
    return frame


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did: the portfolio, where it was written and the backup kept."""

    cartera: Cartera
    written: Path
    backup: Path | None
    agendas: dict[Path, int] = field(default_factory=dict)  # each calendar exported (``agenda``) and its number of actions


def load(path: str | Path, hoy: dt.date | None = None, ventas: str | Path | None = None) -> Cartera:
    """Read a portfolio workbook (.xlsx, .xlsm, .xls, .xlsb, .ods, .csv) and apply the rules as of ``hoy``.

    ``ventas``: a sales workbook or CSV kept apart (a billing export), read with it.
    """
    return Cartera.from_path(path, hoy, ventas=ventas)


def refresh(
    path: str | Path,
    output: str | Path | None = None,
    hoy: dt.date | None = None,
    force: bool = False,
    progress: Report | None = None,
    ventas: str | Path | None = None,
    agenda: str | Path | None = None,
) -> RefreshResult:
    """Read ``path``, apply the rules and write the regenerated workbook through :func:`saving.save`.

    In place by default (the output is always .xlsx: ``cartera.xls`` gives
    ``cartera.xlsx`` beside it); the replaced file is kept in ``respaldos/``.
    The refresh lock is held from reading to replacing. ``agenda`` exports the
    agenda there too (a file, or a folder for a calendar per salesperson); it is
    checked before anything is written, so a path that cannot take it leaves the
    workbook untouched.
    """
    progress = progress or quiet
    path = Path(path)
    if path.is_dir():
        raise UnreadableWorkbook(messages.IS_A_FOLDER.format(path=path))
    target = output_path(output if output is not None else path, path)
    if agenda is not None:
        check_target(agenda, (path, target))
    if target.absolute() == path.absolute():
        check_not_open(path)  # in place: refused before the work; with -o only the target's lock matters (checked on save)
    with refresh_lock(path):
        cartera = Cartera.from_path(path, hoy, progress, ventas)
        backup = cartera.save(target, force=force, progress=progress)
        progress(messages.PROGRESS_DONE, 1.0)
    if agenda is None:
        return RefreshResult(cartera, target, backup)
    agendas = cartera.export_agendas(agenda) if is_folder(agenda) else {agenda_path(agenda): cartera.export_agenda(agenda)}
    return RefreshResult(cartera, target, backup, agendas)
