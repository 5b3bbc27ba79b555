"""The refresh as a pure pipeline: raw workbook → checked portfolio → rules and figures as of ``hoy``.

``run(book, hoy, reglas)`` returns one frozen :class:`Refreshed` holding the
tables, the problems, the typed rules in force, the computed client columns,
the agenda and every figure of the summary sheets, all under English keys. No
step changes its input: checks return new tables, rules return new frames. The
writer takes a :class:`Refreshed`; the notebook facade is a view over one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import checks, followup, indicators, merging, rules
from .errors import CarteraError, DateOutOfRange
from .parameters import ParametersRead, read_parameters
from .problems import Problem, named
from .raw import RawSheet, RawWorkbook
from .reading import ReadResult, empty_table, read_tables
from .schema import FIRST_DAY, LAST_DAY, Kind, fold, messages, within_dates
from .schema.params import TEMPLATE_CURRENCY, Parameters
from .schema.sheets import CLIENTES, DATA_SHEETS, DATE_FORMAT, ESTADO_PERDIDO, REGLAS, SEGUIMIENTO, VENTAS
from .tables import CLIENT_ID, SheetTable, UnknownSheet, is_missing


@dataclass(frozen=True)
class Portfolio:
    """What was read and checked: the tables with resolved clients, the other sheets and the problems.

    Independent of the as-of date, so one portfolio can be computed for several dates.
    """

    tables: Mapping[str, SheetTable]
    unknown: tuple[UnknownSheet, ...] = ()
    problems: tuple[Problem, ...] = ()
    parameters: ParametersRead = dataclasses.field(default_factory=ParametersRead)
    generated: bool = False  # read from a workbook that cartera_xls wrote
    date1904: bool = False  # its dates count from 1904 (kept in the workbook written)
    sheet_order: tuple[str, ...] = ()  # the workbook's sheets, in order (problems are listed in it)
    merged: tuple[merging.Merged, ...] = ()  # the conflicted copies merged in
    beside: tuple[UnknownSheet, ...] = ()  # a copy's version of a team sheet it changed, written beside the team's
    taken: tuple[merging.TakenSheet, ...] = ()  # a copy's cells of a team sheet only it changed, laid over the team's

    def problem_order(self, problem: Problem) -> tuple[int, int]:
        """Problems sort by the sheet's place in the workbook, then by row."""
        order = self.sheet_order
        return (order.index(problem.sheet) if problem.sheet in order else len(order), problem.row or 0)

    def frame(self, key: str) -> pd.DataFrame | None:
        """The typed frame of a data sheet, ``None`` when the workbook lacks it."""
        table = self.tables.get(key)
        return table.frame if table is not None else None

    @classmethod
    def empty(cls) -> Portfolio:
        """Every data sheet with no rows (the template of ``init``)."""
        tables = {spec.key: empty_table(spec) for spec in DATA_SHEETS}
        for key, table in tables.items():
            if table.spec is not CLIENTES:
                tables[key] = dataclasses.replace(table, frame=table.frame.assign(**{CLIENT_ID: pd.Series([], dtype="object")}))
        return cls(tables, parameters=ParametersRead(Parameters(moneda=TEMPLATE_CURRENCY)))


@dataclass(frozen=True)
class Refreshed:
    """A portfolio computed as of ``hoy``: everything the regenerated workbook and the notebook show."""

    portfolio: Portfolio
    hoy: dt.date
    parameters: Parameters
    clients: pd.DataFrame  # the computed columns of Clientes (schema order), indexed like the clients
    agenda: pd.DataFrame  # one row per action (keys of followup.AGENDA_KEYS)
    figures: indicators.Indicators
    findings: tuple[Problem, ...] = ()  # what the rules found as of ``hoy`` (a purchase after a Fecha de baja)

    @property
    def tables(self) -> Mapping[str, SheetTable]:
        return self.portfolio.tables

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem: those of the workbook, then those of the rules, in sheet and row order."""
        if not self.findings:
            return self.portfolio.problems
        return tuple(sorted((*self.portfolio.problems, *self.findings), key=self.portfolio.problem_order))


def prepare(book: RawWorkbook, extra_problems: Iterable[Problem] = (), copies: Sequence[ConflictedCopy] = ()) -> Portfolio:
    """Read and check ``book``: conflicted copies merged, IDs assigned, client references resolved, every problem found and sorted.

    ``copies``: Dropbox's conflicted copies beside it, each with the base it is merged against (see :mod:`merging`).
    """
    read = read_tables(book)
    tables_read, merge_problems, merged, beside, taken = _merged(read, copies, book)
    clients, assigned = checks.assign_ids(tables_read[CLIENTES.key])
    problems = [*read.problems, *merge_problems, *assigned, *checks.duplicate_ids(clients)]
    pairs = checks.duplicate_pairs(clients)
    problems.extend(checks.suspected_duplicates(clients, pairs))
    problems.extend(checks.same_names(clients, pairs))
    problems.extend(checks.bad_emails(clients))
    problems.extend(checks.short_phones(clients))
    suggester = functools.cache(lambda: checks.client_suggester(clients))  # built only when a name matches no client
    twins = checks.twin_labels(clients, pairs)
    problems.extend(checks.unknown_referrers(clients, suggester))
    tables = {CLIENTES.key: clients}
    for key, table in tables_read.items():
        if key == CLIENTES.key:
            continue
        if table.spec in DATA_SHEETS:
            client_ids, found = checks.resolve_clients(clients, table, suggester, twins)
            problems.extend(found)
            table = dataclasses.replace(table, frame=table.frame.assign(**{CLIENT_ID: client_ids}))
        tables[key] = table
    tables, spellings = checks.one_spelling_per_salesperson(tables)
    problems.extend(spellings)
    problems.extend(checks.near_salespeople(tables))
    problems.extend(checks.unlisted_products(tables.get(VENTAS.key), checks.product_catalog(read.unknown)))
    problems.extend(checks.repeated_sales(tables.get(VENTAS.key)))
    problems = checks.actions_without_a_date(tables.get(SEGUIMIENTO.key), problems)
    parameters = _with_the_teams_currency(read_parameters(tables.get(REGLAS.key)), book, tables.get(VENTAS.key), tables.get(REGLAS.key))
    problems.extend(parameters.problems)
    problems.extend(extra_problems)
    problems = named(problems, checks.client_rows(tables, ((p.sheet, p.row) for p in problems if p.row is not None)))
    sheet_order = tuple(raw.name for raw in book.sheets)
    portfolio = Portfolio(
        tables, tuple(read.unknown), (), parameters, read.generated, book.date1904, sheet_order, tuple(merged), tuple(beside), tuple(taken)
    )
    return dataclasses.replace(portfolio, problems=tuple(sorted(problems, key=portfolio.problem_order)))


@dataclass(frozen=True)
class ConflictedCopy:
    """A conflicted copy read, and the workbook as the last refresh wrote it when that can be its ancestor."""

    copy: merging.Copy
    book: RawWorkbook
    base: RawWorkbook | None


def _merged(
    read: ReadResult, copies: Sequence[ConflictedCopy], book: RawWorkbook
) -> tuple[dict[str, SheetTable], list[Problem], list[merging.Merged], list[UnknownSheet], list[merging.TakenSheet]]:
    """The workbook's tables with each conflicted copy merged in, what to say, what each copy gave, team sheets to add and to patch."""
    tables = read.tables
    problems: list[Problem] = []
    merged: list[merging.Merged] = []
    beside: list[UnknownSheet] = []
    patched: list[merging.TakenSheet] = []
    taken = {fold(sheet.name) for sheet in book.sheets}
    bases: dict[int, ReadResult] = {}
    for found in copies:
        try:
            theirs = read_tables(found.book)
            if found.base is not None and id(found.base) not in bases:  # one base for every copy: read once
                bases[id(found.base)] = read_tables(found.base)
            base = bases[id(found.base)] if found.base is not None else None
        except CarteraError:  # a copy that cannot be read as a portfolio: said, left where it is
            problems.append(Problem.of(messages.CONFLICTED_COPY, book.path.name, None, "", found.copy.path.name, messages.SEVERITY_WARNING))
            continue
        tables, said, done = merging.merge(tables, base.tables if base is not None else None, theirs.tables, found.copy)
        sheets, cells, about = merging.team_sheets(
            read.unknown, base.unknown if base is not None else None, theirs.unknown, found.copy, taken
        )
        notes = merging.notes_not_taken(book.path, found.base.path if found.base is not None else None, found.book.path, found.copy)
        problems.extend([*said, *about, *notes])
        beside.extend(sheets)
        patched.extend(cells)
        merged.append(done)
    return tables, problems, merged, beside, patched


def _with_the_teams_currency(
    read: ParametersRead, book: RawWorkbook, sales: SheetTable | None, reglas: SheetTable | None
) -> ParametersRead:
    """The currency Reglas names or, when it names none, the one the team's own Importe cells in Ventas show.

    When Reglas names one and the Importe cells show another (older versions
    wrote «€» in every Reglas), Reglas wins and Revisar says so.
    """
    if sales is None or "amount" not in sales.positions:
        return read
    raw = next((sheet for sheet in book.sheets if sheet.name == sales.name), None)
    if raw is None:
        return read
    found = raw.details.currencies.get(sales.positions["amount"])
    if not found:
        return read
    read = _mixed_currencies(read, raw, sales, found)
    named_currency = read.parameters.moneda
    if not named_currency:
        return dataclasses.replace(read, parameters=dataclasses.replace(read.parameters, moneda=found))
    if fold(named_currency) == fold(found) or reglas is None:
        return read
    rows = [
        int(row)
        for row, name in zip(reglas.frame.index, reglas.frame["parameter"], strict=True)
        if isinstance(name, str) and fold(name) == "moneda"
    ]
    if not rows:
        return read
    problem = Problem.of(
        messages.CURRENCY_MISMATCH,
        reglas.name,
        rows[0],
        reglas.header("value"),
        named_currency,
        messages.SEVERITY_WARNING,
        found=found,
        sales=sales.name,
    )
    return dataclasses.replace(read, problems=(*read.problems, problem))


def _mixed_currencies(read: ParametersRead, raw: RawSheet, sales: SheetTable, found: str) -> ParametersRead:
    """Importe cells formatted in another currency than the rest of the column: summed as if they were in it, so said."""
    column = sales.positions["amount"]
    others = raw.details.other_currencies.get(column, {})
    amounts = sales.frame["amount"]
    problems = [
        Problem.of(
            messages.CURRENCY_MIXED,
            sales.name,
            row,
            sales.header("amount"),
            symbol,
            messages.SEVERITY_WARNING,
            found=found,
            sales=sales.name,
        )
        for row, symbol in sorted(others.items())
        if row in amounts.index and not is_missing(amounts.at[row])
    ]
    return dataclasses.replace(read, problems=(*read.problems, *problems)) if problems else read


def compute(portfolio: Portfolio, hoy: dt.date, parameters: Parameters | None = None) -> Refreshed:
    """The computed client columns, the agenda and the summary figures of ``portfolio`` as of ``hoy``.

    ``parameters`` defaults to the rules the workbook's Reglas sheet sets.
    """
    if not within_dates(hoy):
        first, last = (day.strftime(DATE_FORMAT) for day in (FIRST_DAY, LAST_DAY))
        raise DateOutOfRange(messages.DATE_OUT_OF_RANGE.format(value=hoy.strftime(DATE_FORMAT), first=first, last=last))
    parameters = parameters if parameters is not None else portfolio.parameters.parameters
    day = rules.timestamp(hoy)
    clients = portfolio.tables[CLIENTES.key].frame
    sheets = rules.Sheets(
        clients=clients,
        sales=portfolio.frame("ventas"),
        followups=portfolio.frame("seguimiento"),
        opportunities=portfolio.frame("oportunidades"),
        surveys=portfolio.frame("encuestas"),
        complaints=portfolio.frame("reclamos"),
    )
    metrics = pd.concat(
        [
            rules.purchase_metrics(clients, sheets.sales, day),
            rules.contact_metrics(clients, sheets.followups, day),
            rules.other_metrics(sheets, day),
        ],
        axis=1,
    )
    data_from = rules.data_start(sheets.sales, day)
    metrics["estado"] = rules.estados(clients, metrics, parameters, day, data_from)
    metrics["perdido_desde"] = rules.lost_since(clients, metrics, parameters, day)
    metrics.loc[metrics["estado"] == ESTADO_PERDIDO, "compra_esperada"] = pd.NaT  # a lost client is not expected back
    metrics["volumen"] = rules.volumen(metrics, parameters)
    metrics["abc"] = rules.abc(metrics, parameters)
    metrics = metrics.join(rules.rfm(metrics, metrics["estado"]))
    probability = clients["purchase_probability"] if "purchase_probability" in clients else pd.Series(np.nan, index=clients.index)
    metrics["probabilidad"] = probability.astype("float64")
    committed = rules.committed_actions(clients, sheets.followups, day)
    logged_from = rules.logging_start(sheets.followups, day)
    found = followup.actions(clients.join(metrics), committed, parameters, day, sheets.followups is not None, logged_from)
    metrics = metrics.join(followup.semaforo(metrics, found, day))
    figures = indicators.compute(indicators.Inputs(clients.join(metrics), sheets, parameters, day))
    offers = figures.offers.drop_duplicates("id").set_index("id")["producto"]
    metrics["producto_sugerido"] = rules.per_client(clients["id"], offers).astype("object")
    metrics.loc[metrics["estado"] == ESTADO_PERDIDO, "producto_sugerido"] = None
    computed = metrics[[column.key for column in CLIENTES.computed_columns]]
    plan = followup.agenda(clients, metrics, found, parameters, day)
    findings = (*_reactivated(portfolio, metrics, day), *_after_hoy(portfolio, day), *_dates_out_of_bounds(portfolio, parameters, day))
    return Refreshed(portfolio, hoy, parameters, computed, plan, figures, findings)


def _after_hoy(portfolio: Portfolio, day: pd.Timestamp) -> tuple[Problem, ...]:
    """Sales dated after ``hoy``: out of every figure (a year typed 2062 for 2026, or a sale not made yet), so said in Revisar."""
    table = portfolio.tables.get(VENTAS.key)
    if table is None or "date" not in table.frame:
        return ()
    dates = table.frame["date"]
    later = (dates.dt.normalize() > day).fillna(False).to_numpy(dtype=bool)
    if not later.any():
        return ()
    label, hoy = table.header("date"), day.strftime(DATE_FORMAT)
    found = [
        Problem.of(messages.SALE_AFTER_HOY, table.name, int(row), label, when.date(), messages.SEVERITY_WARNING, hoy=hoy)
        for row, when in zip(table.frame.index[later], dates[later], strict=True)
    ]
    return tuple(named(found, checks.client_rows(portfolio.tables, ((p.sheet, p.row) for p in found if p.row is not None))))


def _dates_out_of_bounds(portfolio: Portfolio, parameters: Parameters, day: pd.Timestamp) -> tuple[Problem, ...]:
    """Dates the team typed before the business could exist or years ahead (``anio_minimo``, ``anios_futuro``): a year mistyped.

    Said, never changed; the row counts as it is. A sale after ``hoy`` is said by :func:`_after_hoy` alone.
    """
    earliest = pd.Timestamp(parameters.anio_minimo, 1, 1)
    latest = day + pd.DateOffset(years=parameters.anios_futuro)
    hoy = day.strftime(DATE_FORMAT)
    found: list[Problem] = []
    for table in portfolio.tables.values():
        if table.spec not in DATA_SHEETS:
            continue
        for column in table.spec.input_columns:
            if column.kind is not Kind.DATE or column.key not in table.frame:
                continue
            dates = table.frame[column.key]
            early = (dates < earliest).fillna(False).to_numpy(dtype=bool)
            late = (
                np.zeros(len(dates), dtype=bool)
                if (table.spec is VENTAS and column.key == "date")
                else (dates > latest).fillna(False).to_numpy(dtype=bool)
            )
            label = table.header(column.key)
            for row, when in zip(table.frame.index[early], dates[early], strict=True):
                found.append(
                    Problem.of(
                        messages.DATE_BEFORE_BUSINESS,
                        table.name,
                        int(row),
                        label,
                        when.date(),
                        messages.SEVERITY_WARNING,
                        year=parameters.anio_minimo,
                    )
                )
            for row, when in zip(table.frame.index[late], dates[late], strict=True):
                found.append(
                    Problem.of(
                        messages.DATE_FAR_AHEAD,
                        table.name,
                        int(row),
                        label,
                        when.date(),
                        messages.SEVERITY_WARNING,
                        years=parameters.anios_futuro,
                        hoy=hoy,
                    )
                )
    return tuple(named(found, checks.client_rows(portfolio.tables, ((p.sheet, p.row) for p in found if p.row is not None))))


def _reactivated(portfolio: Portfolio, metrics: pd.DataFrame, day: pd.Timestamp) -> tuple[Problem, ...]:
    """A client who bought after its Fecha de baja, flagged in Revisar (the rules treat it as reactivated)."""
    table = portfolio.tables[CLIENTES.key]
    clients = table.frame
    found = rules.reactivated(clients, metrics, day)
    if not found.any():
        return ()
    label = table.header("churn_date")
    return tuple(
        dataclasses.replace(
            Problem.of(
                messages.BOUGHT_AFTER_CHURN,
                table.name,
                int(row),
                label,
                churn.date(),
                messages.SEVERITY_WARNING,
                last=last.strftime(DATE_FORMAT),
            ),
            client=checks.client_label(client_id, name),
        )
        for row, churn, last, client_id, name in zip(
            clients.index[found],
            clients.loc[found, "churn_date"],
            metrics.loc[found, "ultima_compra"],
            clients.loc[found, "id"],
            clients.loc[found, "name"],
            strict=True,
        )
    )


def run(book: RawWorkbook, hoy: dt.date, parameters: Parameters | None = None, extra_problems: Iterable[Problem] = ()) -> Refreshed:
    """The whole refresh of a raw workbook as of ``hoy``, as one frozen value."""
    return compute(prepare(book, extra_problems), hoy, parameters)
