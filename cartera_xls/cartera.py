"""The notebook API: ``load`` a workbook into a :class:`Cartera`, ``save`` or ``refresh`` it.

The command line is a thin layer over these same functions.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import checks, followup, indicators, rules
from .errors import ContentWouldBeLost, WorkbookChanged, WriteFailed
from .ics import write_calendar
from .models import SheetTable, UnknownSheet
from .parameters import ParameterRead, read_parameters
from .problems import Problem
from .progress import AT_RULES, AT_VERIFYING, Report, quiet
from .reading import read_tables, typed_frame
from .safety import atomic_write, check_not_open, conflicted_copies, fingerprint, refresh_lock
from .schema import messages
from .schema.params import PARAMETERS
from .schema.sheets import (
    AGENDA_COLUMNS,
    CLIENTES,
    DATA_SHEETS,
    ESTADO_PERDIDO,
    ESTADOS,
    GENERATED_SHEETS,
    REGLAS,
    REVISAR_COLUMNS,
    SEMAFOROS,
)
from .sources import check_written, open_workbook, uncarried_content
from .writing import write_workbook

if TYPE_CHECKING:
    from .row_models import Row

OUTPUT_SUFFIX = ".xlsx"


class Cartera:
    """A customer portfolio read from a workbook: tables, rules in force, problems.

    ``cartera.clientes``, ``cartera.ventas``, … are pandas DataFrames with the
    team's headers, indexed by Excel row (``fila``); ``cartera.revisar`` lists
    the problems; ``cartera.modelos("clientes")`` gives pydantic models.
    """

    def __init__(
        self,
        tables: dict[str, SheetTable],
        unknown: list[UnknownSheet],
        problems: list[Problem],
        parameters: ParameterRead,
        hoy: dt.date,
        source: Path | None = None,
        generated: bool = False,
    ) -> None:
        self.tables = tables
        self.unknown = unknown
        self.problems = problems
        self._parameters = parameters
        self.hoy = hoy
        self.source = source
        self.generated = generated  # read from a workbook that cartera_xls wrote
        self.computed, self.agenda_frame, self.figures = _apply_rules(tables, parameters.values, hoy)

    @classmethod
    def from_path(cls, path: str | Path, hoy: dt.date | None = None, progress: Report = quiet) -> Cartera:
        """Read and check a workbook (see :func:`load`)."""
        with _bulk_work():
            return cls._from_path(Path(path), hoy, progress)

    @classmethod
    def _from_path(cls, path: Path, hoy: dt.date | None, progress: Report) -> Cartera:
        progress(messages.PROGRESS_READING, 0.0)
        book = open_workbook(path)
        progress(messages.PROGRESS_RULES, AT_RULES)
        read = read_tables(book)
        clients = read.tables[CLIENTES.key]
        problems = [*read.problems, *checks.assign_ids(clients), *checks.duplicate_ids(clients)]
        problems.extend(checks.suspected_duplicates(clients))
        for spec in DATA_SHEETS[1:]:
            table = read.tables.get(spec.key)
            if table is not None:
                problems.extend(checks.resolve_clients(clients, table))
        parameters = read_parameters(read.tables.get(REGLAS.key))
        problems.extend(parameters.problems)
        for copy in conflicted_copies(path):
            problems.append(Problem.of(messages.CONFLICTED_COPY, path.name, None, "", copy.name, messages.SEVERITY_WARNING))
        order = {raw.name: position for position, raw in enumerate(book.sheets)}
        problems.sort(key=lambda p: (order.get(p.sheet, len(order)), p.row or 0))
        return cls(read.tables, read.unknown, problems, parameters, hoy or dt.date.today(), path, book.generated)

    @classmethod
    def empty(cls, hoy: dt.date | None = None) -> Cartera:
        """A portfolio with every data sheet and no rows (the template of ``init``)."""
        tables = {}
        for spec in DATA_SHEETS:
            slots = [column.key for column in spec.input_columns]
            index = pd.Index([], dtype="int64")
            frame = typed_frame(spec, {slot: [] for slot in slots}, index, slots)
            tables[spec.key] = SheetTable(spec, spec.label, frame, slots)
        for spec in DATA_SHEETS[1:]:
            checks.resolve_clients(tables[CLIENTES.key], tables[spec.key])
        return cls(tables, [], [], read_parameters(None), hoy or dt.date.today())

    # --- what notebooks look at ------------------------------------------------
    @property
    def params(self) -> dict[str, Any]:
        """The rule thresholds in force (Reglas sheet over the defaults)."""
        return self._parameters.values

    def _frame(self, key: str) -> pd.DataFrame:
        table = self.tables.get(key)
        if table is None:
            spec = next(s for s in DATA_SHEETS if s.key == key)
            return pd.DataFrame(columns=[c.label for c in spec.input_columns])
        frame = table.labelled()
        if key == CLIENTES.key and len(self.computed.columns):
            computed = self.computed.copy()
            computed.columns = pd.Index([CLIENTES.column(k).label for k in computed.columns])
            frame = frame.join(computed)
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
        """Every problem found, as in the Revisar sheet."""
        rows = [(p.sheet, p.row, p.column, p.value, p.message, p.hint, p.severity) for p in self.problems]
        return pd.DataFrame(rows, columns=list(REVISAR_COLUMNS))

    @property
    def reglas(self) -> pd.DataFrame:
        """The parameters in force."""
        labels = [c.label for c in REGLAS.columns]
        return pd.DataFrame([(p.key, self.params[p.key], p.description) for p in PARAMETERS], columns=labels)

    def modelos(self, sheet: str) -> list[Row]:
        """The rows of a sheet (``"clientes"``, ``"ventas"``…) as validated pydantic models."""
        from .row_models import rows_as_models  # pydantic only when a notebook asks for models

        table = self.tables.get(sheet)
        return rows_as_models(table) if table is not None else []

    @property
    def indicadores(self) -> dict[str, Any]:
        """Every figure of the summary sheets, by name (DataFrames, and a dict for concentration)."""
        return dict(vars(self.figures))

    @property
    def agenda(self) -> pd.DataFrame:
        """The follow-up plan, as in the Agenda sheet."""
        frame = self.agenda_frame.drop(columns=["fila"])
        frame.columns = pd.Index(list(AGENDA_COLUMNS))
        return frame

    def export_agenda(self, path: str | Path) -> int:
        """Write the agenda as calendar events (.ics); return how many."""
        try:
            return write_calendar(self.agenda_frame, self.hoy, Path(path))
        except OSError as exc:
            raise WriteFailed(messages.CANNOT_WRITE.format(path=path, detail=exc.strerror or exc)) from None

    def summary_lines(self) -> list[str]:
        """Clients per estado and per colour, for the command line summary."""
        lines = []
        for template, column, order in (
            (messages.CLI_SUMMARY_ESTADOS, "estado", ESTADOS),
            (messages.CLI_SUMMARY_SEMAFORO, "semaforo", SEMAFOROS),
        ):
            counts = self.computed[column].value_counts()
            shown = ", ".join(f"{name} {counts[name]}" for name in order if counts.get(name, 0))
            lines.append(template.format(counts=shown))
        return lines

    def _repr_html_(self) -> str:
        """A short summary for notebooks: clients per estado and colour, and the problems found."""

        def row(cells: list[str], tag: str = "td") -> str:
            return "<tr>" + "".join(f"<{tag}>{html.escape(cell)}</{tag}>" for cell in cells) + "</tr>"

        estados = self.computed["estado"].value_counts()
        colours = self.computed["semaforo"].value_counts()
        source = self.source.name if self.source is not None else ""
        parts = [
            f"<p><b>{html.escape(messages.HTML_TITLE.format(source=source, hoy=self.hoy.strftime('%d/%m/%Y')))}</b></p>",
            "<table>",
            row([messages.HTML_ESTADO, *ESTADOS, messages.HTML_TOTAL], "th"),
            row([messages.HTML_CLIENTES, *(str(estados.get(name, 0)) for name in ESTADOS), str(len(self.computed))]),
            row([messages.HTML_SEMAFORO, *SEMAFOROS], "th"),
            row([messages.HTML_CLIENTES, *(str(colours.get(name, 0)) for name in SEMAFOROS)]),
            "</table>",
            f"<p>{html.escape(messages.HTML_PROBLEMS.format(count=len(self.errores())))}</p>",
        ]
        return "\n".join(parts)

    def __repr__(self) -> str:
        return f"<Cartera {self.source.name if self.source else ''} clientes={len(self.computed)} hoy={self.hoy.isoformat()}>"

    def errores(self) -> list[Problem]:
        """Problems that need the team's attention (information notes left out)."""
        return [p for p in self.problems if p.severity != messages.SEVERITY_INFO]

    # --- writing -----------------------------------------------------------------
    def typed_parameters(self) -> dict[str, Any]:
        """Each parameter as it goes back to Reglas: in force, or as typed when unusable."""
        return self._parameters.shown()

    def unknown_parameter_rows(self) -> list[tuple[Any, ...]]:
        """Rows of Reglas that name no known parameter, kept as typed."""
        return self._parameters.unknown_rows

    def save(
        self,
        path: str | Path,
        keep_backups: int | None = None,
        before_replace: Callable[[], None] | None = None,
        progress: Report = quiet,
    ) -> Path | None:
        """Write the regenerated workbook to ``path`` atomically; return the backup of what it replaced."""
        path = Path(path).with_suffix(OUTPUT_SUFFIX)
        check_not_open(path)
        keep = int(self.params["respaldos"]) if keep_backups is None else keep_backups
        with _bulk_work():
            return atomic_write(path, lambda temp: write_workbook(self, temp, progress), _verifier(self, progress), keep, before_replace)


@contextmanager
def _bulk_work() -> Iterator[None]:
    """Hold the cyclic garbage collector off while reading or writing a workbook.

    Both allocate millions of small tuples that never form a cycle, and with the
    collector on it walks the whole heap again and again as they pile up
    (measured on the L benchmark: about 4 s of a 35 s refresh, same peak memory).
    Reference counting still frees everything; the few cycles made meanwhile are
    collected once the collector is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _apply_rules(
    tables: dict[str, SheetTable], params: dict[str, Any], hoy: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame, indicators.Indicators]:
    """Computed columns of Clientes (schema order), the agenda and the summary figures, as of ``hoy``."""
    day = rules.timestamp(hoy)
    clients = tables[CLIENTES.key].frame

    def frame(spec_key: str) -> pd.DataFrame | None:
        table = tables.get(spec_key)
        return table.frame if table is not None else None

    inputs = rules.Inputs(clients, frame("ventas"), frame("seguimiento"), frame("encuestas"), frame("reclamos"))
    metrics = pd.concat(
        [
            rules.purchase_metrics(clients, inputs.sales, day),
            rules.contact_metrics(clients, inputs.followups, day),
            rules.other_metrics(inputs, day),
        ],
        axis=1,
    )
    metrics["estado"] = rules.estados(clients, metrics, params, day)
    metrics["perdido_desde"] = rules.lost_since(clients, metrics, params, day)
    metrics["volumen"] = rules.volumen(metrics, params)
    metrics["abc"] = rules.abc(metrics, params)
    metrics = metrics.join(rules.rfm(metrics, metrics["estado"]))
    probability = clients["purchase_probability"] if "purchase_probability" in clients else pd.Series(np.nan, index=clients.index)
    metrics["probabilidad"] = probability.astype("float64")
    metrics = metrics.join(followup.semaforo(metrics, params, day))
    figures = indicators.compute(
        indicators.Inputs(
            clients.join(metrics),
            params,
            day,
            inputs.sales,
            inputs.followups,
            frame("oportunidades"),
            inputs.surveys,
            inputs.complaints,
        )
    )
    offers = figures.ofertas.drop_duplicates("id").set_index("id")["producto"]
    metrics["producto_sugerido"] = rules.per_client(clients["id"], offers).astype("object")
    metrics.loc[metrics["estado"] == ESTADO_PERDIDO, "producto_sugerido"] = None
    computed = metrics[[column.key for column in CLIENTES.computed_columns]]
    return computed, followup.agenda(clients, metrics, params, day), figures


def _verifier(cartera: Cartera, progress: Report = quiet) -> Callable[[Path], None]:
    """A check that a written file is whole and holds every row of every data sheet."""
    heights = {table.spec.label: table.header_row + 1 + len(table.frame) for table in cartera.tables.values() if table.spec in DATA_SHEETS}

    def verify(path: Path) -> None:
        progress(messages.PROGRESS_VERIFYING, AT_VERIFYING)
        try:
            check_written(path, heights)
        except Exception as exc:
            raise WriteFailed(messages.CANNOT_WRITE.format(path=path, detail=exc)) from None

    return verify


@dataclass
class RefreshResult:
    """What a refresh did: the portfolio, where it was written and the backup kept."""

    cartera: Cartera
    written: Path
    backup: Path | None


def load(path: str | Path, hoy: dt.date | None = None) -> Cartera:
    """Read a portfolio workbook (.xlsx, .xlsm, .xls, .xlsb, .ods) and apply the rules as of ``hoy``."""
    return Cartera.from_path(path, hoy)


def refresh(
    path: str | Path,
    output: str | Path | None = None,
    hoy: dt.date | None = None,
    force: bool = False,
    progress: Report | None = None,
) -> RefreshResult:
    """Read ``path``, apply the rules and write the regenerated workbook.

    In place by default (the output is always .xlsx: ``cartera.xls`` gives
    ``cartera.xlsx`` beside it); the replaced file is kept in ``respaldos/``.
    Replacing a workbook that holds content the new one cannot carry (charts,
    images, macros…) is refused unless ``force``; the file must not change on
    disk while the refresh runs.
    """
    progress = progress or quiet
    path = Path(path)
    check_not_open(path)
    target = (Path(output) if output is not None else path).with_suffix(OUTPUT_SUFFIX)
    with refresh_lock(path):
        before = fingerprint(path) if path.is_file() else ""
        cartera = Cartera.from_path(path, hoy, progress)
        in_place = target.exists() and target.resolve() == path.resolve()
        if in_place and not force:
            ours = GENERATED_SHEETS if cartera.generated else ()
            lost = uncarried_content(path, ours)
            if lost:
                raise ContentWouldBeLost(messages.CANNOT_CARRY.format(path=path.name, what="; ".join(lost)))

        def unchanged() -> None:
            if in_place and fingerprint(path) != before:
                raise WorkbookChanged(messages.CHANGED_ON_DISK.format(path=path.name))

        backup = cartera.save(target, before_replace=unchanged, progress=progress)
        progress(messages.PROGRESS_DONE, 1.0)
    return RefreshResult(cartera, target, backup)
