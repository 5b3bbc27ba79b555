"""The summary sheets: Resumen (first, the dashboard), Análisis, Concentración, Geografía, Productos, Vendedores.

Plain formatted ranges (not Excel tables, so charts and titles can sit around
them) and native Excel charts that point at those ranges. Every table's
headers and number formats come from its declaration in
:mod:`cartera_xls.schema.summary`, looked up by the keys of the figures. Every
sheet prints on A4 landscape, fitted to the page width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name, xl_range_abs
from xlsxwriter.worksheet import Worksheet

from .data_writing import LINE_HEIGHT, header_lines, text_lines
from .indicators import COVERED_SLACK_DAYS, SEGMENT_KEYS, Indicators
from .pipeline import Refreshed
from .problems import thousands
from .rules import first_day_12m
from .schema import Column, Fmt, Sheet
from .schema import summary as labels
from .schema.sheets import (
    ANALISIS,
    CLIENTES,
    CONCENTRACION,
    DATA_SHEETS,
    DATE_FORMAT,
    GEOGRAFIA,
    HOY_NAME,
    PRODUCTOS,
    RESUMEN,
    SEGUIMIENTO,
    SEMAFOROS,
    VENDEDORES,
    VENTAS,
)
from .styles import SEMAFORO_COLOURS, SIN_ALERTA_CHART, Formats, print_setup
from .tables import is_missing

CHART_SIZE = {"width": 560, "height": 300}
HEADER_ROOM = 16  # characters of the narrowest column a summary header may wrap in
PAGE_HEIGHT = 500.0  # points of rows on an A4 landscape page between the print margins (595 less 79), with some room
PAGE_WIDTH = 806.0  # points of columns on an A4 landscape page between the print margins (842 less 36)
CHAR_PIXELS, CELL_PADDING, POINTS_PER_PIXEL = 7, 5, 0.75  # a column «width» characters wide is width × 7 + 5 pixels (Calibri 11)
PARETO_CHART_CLIENTS = 30
ESTADO_COLOURS = ("#5B9BD5", "#70AD47", "#FFC000", "#ED7D31", "#A5A5A5", "#595959")


RESUMEN_WIDTHS = [48.0, *[16.0] * 7]  # characters: the indicator or month, then its figures
WRAP_ROOM = 0.9  # of a merged range's width that a wrapped italic sentence fills, a little generous: fonts vary
FIRST_ROWS_KEPT = 5  # a long table's first rows stay on its header's page
URGENT_NOTES = 2  # the Resumen's rows for warnings under the indicators: an old export, sales left out


@dataclass(frozen=True)
class Block:
    """Where a written table sits: header row, first and last data rows, first column."""

    header_row: int
    first_row: int
    last_row: int
    first_col: int

    def column_range(self, sheet: str, offset: int) -> list[Any]:
        """A chart reference ``[sheet, first_row, col, last_row, col]`` to one column of the block."""
        col = self.first_col + offset
        return [sheet, self.first_row, col, self.last_row, col]


class SummaryWriter:
    """Writes the summary sheets of one workbook."""

    def __init__(self, book: xlsxwriter.Workbook, formats: Formats, refreshed: Refreshed) -> None:
        self.book = book
        self.formats = formats
        self.refreshed = refreshed
        self.figures: Indicators = refreshed.figures
        self.big_title = book.add_format({"bold": True, "font_size": 16, "font_color": "#1F4E78"})
        self.section = book.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78", "bottom": 1})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})
        self.paragraph = book.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.warning = book.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE", "text_wrap": True, "valign": "top"})
        self.ok = book.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"})
        self.label = book.add_format({"bold": True})
        self.heights: dict[str, dict[int, float]] = {}  # sheet → row → the height given to it (header rows)

    # --- helpers -----------------------------------------------------------------
    def _keep_together(self, sheet: Worksheet, units: list[tuple[int, int]], widths: list[float] | None = None) -> None:
        """Page breaks so that no unit (a section's title, a table's header and its rows) starts on one page and ends on the next.

        Pages are estimated as Excel prints them (rows of 15 points on an A4
        landscape page between :data:`styles.PRINT_MARGINS`, shrunk to fit the
        page's width when the columns of ``widths`` characters are wider); a
        unit longer than a page still runs over, but starts on a page of its own.
        """
        heights = self.heights.get(sheet.name, {})
        columns = sum((width * CHAR_PIXELS + CELL_PADDING) * POINTS_PER_PIXEL for width in widths or [])
        page = PAGE_HEIGHT * max(1.0, columns / PAGE_WIDTH)  # fitted to the width, more rows fit in a page
        page_start, breaks = 0, []
        for first, last in units:
            used = sum(heights.get(r, LINE_HEIGHT) for r in range(page_start, last + 1))
            if used > page and first > page_start:
                breaks.append(first)
                page_start = first
        sheet.set_h_pagebreaks(breaks)

    def _across(self, sheet: Worksheet, row: int, widths: list[float], text: str, cell_format: Format) -> None:
        """A sentence on one row, merged across columns of ``widths`` characters and wrapped there, never clipped at the page edge.

        The row is made tall enough for its lines: no application fits a merged cell's height on opening.
        """
        sheet.merge_range(row, 0, row, len(widths) - 1, text, cell_format)
        lines = text_lines(text, sum(widths) * WRAP_ROOM)
        if lines > 1:
            sheet.set_row(row, LINE_HEIGHT * lines)
            self.heights.setdefault(sheet.name, {})[row] = LINE_HEIGHT * lines

    def _sheet(self, name: str) -> Worksheet:
        sheet = self.book.add_worksheet(name)
        print_setup(sheet, self.refreshed.hoy)
        sheet.hide_gridlines(2)
        return sheet

    def _hoy(self) -> str:
        return self.refreshed.hoy.strftime(DATE_FORMAT)

    def _first_12m(self) -> str:
        return first_day_12m(pd.Timestamp(self.refreshed.hoy)).strftime(DATE_FORMAT)

    def _title(self, sheet: Worksheet, text: str, subtitle: str | None = None) -> None:
        sheet.write_string(0, 0, text, self.big_title)
        sheet.write_string(1, 0, subtitle or labels.DATA_AS_OF.format(hoy=self._hoy(), first=self._first_12m()), self.note)

    def _headers(self, sheet: Worksheet, row: int, col: int, headers: list[str], numeric: list[bool]) -> None:
        """A header row; a number column's header sits right, over its numbers, a text column's left with its text.

        Tall enough for every header wrapped in the narrowest column of the
        summary sheets (two lines at least), so none is clipped.
        """
        for offset, (header, right) in enumerate(zip(headers, numeric, strict=True)):
            sheet.write_string(row, col + offset, header, self.formats.header_right if right else self.formats.header_text)
        lines = max(2, *(header_lines(header, HEADER_ROOM) for header in headers))
        sheet.set_row(row, LINE_HEIGHT * lines)
        self.heights.setdefault(sheet.name, {})[row] = LINE_HEIGHT * lines

    def _table(self, sheet: Worksheet, row: int, col: int, frame: pd.DataFrame, spec: Sheet, index_label: str | None = None) -> Block:
        """Write ``frame`` (columns keyed as in ``spec``; its index too when ``index_label``) as a formatted range.

        Text is indented one step, so a left-aligned name never touches the
        right-aligned number before it («1  C0013», «12,0 %  A»).
        """
        columns = [_column(spec, key) for key in frame.columns]
        numeric = [column.number_format is not None for column in columns]
        titles = [column.label for column in columns]
        if index_label is not None:
            titles, numeric = [index_label, *titles], [False, *numeric]
        self._headers(sheet, row, col, titles, numeric)
        shift = 1 if index_label is not None else 0
        cell_formats = [self.formats.declared(column) or self.formats.text for column in columns]
        if index_label is not None:
            for r, index in enumerate(frame.index, start=row + 1):
                self._cell(sheet, r, col, index, self.formats.text)
        for c, key in enumerate(frame.columns):
            series, target = frame[key], col + shift + c
            if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
                self._numbers(sheet, row + 1, target, series.to_numpy(dtype="float64", na_value=np.nan), cell_formats[c])
            else:
                write_string, cell_format = sheet.write_string, cell_formats[c]
                for r, value in enumerate(series.tolist(), start=row + 1):
                    if type(value) is str:  # the common case, kept tight
                        write_string(r, target, value, cell_format)
                    else:
                        self._cell(sheet, r, target, value, cell_format)
        return Block(row, row + 1, row + max(len(frame), 1), col)

    @staticmethod
    def _numbers(sheet: Worksheet, first_row: int, col: int, values: np.ndarray, cell_format: Format | None) -> None:
        """A column of numbers written as they are (thousands of offers): a blank where there is none, no per-cell checks."""
        write_number, write_blank = sheet.write_number, sheet.write_blank
        for r, value in enumerate(values.tolist(), start=first_row):
            if value != value:  # NaN: no figure
                write_blank(r, col, None, cell_format)
            else:
                write_number(r, col, value, cell_format)

    def _attribute(self, sheet: Worksheet, row: int, key: str, frame: pd.DataFrame) -> Block:
        """Clients by one of their columns (``key``), or, when Clientes has no such column, a note that says so under the header."""
        label = CLIENTES.column(key).label
        block = self._table(sheet, row, 0, frame, labels.SEGMENTS, label)
        if frame.empty:
            sheet.write_string(block.first_row, 0, labels.NO_COLUMN.format(column=label), self.note)
        return block

    def _cell(self, sheet: Worksheet, row: int, col: int, value: Any, cell_format: Format | None) -> None:
        if is_missing(value):
            sheet.write_blank(row, col, None, cell_format)
        elif isinstance(value, pd.Timestamp):
            sheet.write_datetime(row, col, value.to_pydatetime(), self.formats.number(Fmt.MONTH))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, col, float(value), cell_format)
        else:
            sheet.write_string(row, col, str(value), cell_format)

    def _chart(self, kind: str, title: str, subtype: str | None = None) -> Any:
        options = {"type": kind} | ({"subtype": subtype} if subtype else {})
        chart = self.book.add_chart(options)
        chart.set_title({"name": title, "name_font": {"size": 12}})
        chart.set_size(CHART_SIZE)
        return chart

    # --- sheets -------------------------------------------------------------------
    def resumen(self) -> Worksheet:
        """The dashboard: the eight indicators against two references, 12-month trend and four charts."""
        sheet = self._sheet(RESUMEN)
        figures = self.figures
        title = labels.RESUMEN_TITLE.format(hoy=self._hoy())
        self._title(sheet, title, labels.RESUMEN_SUBTITLE.format(period=self.refreshed.parameters.periodo))
        stamp(sheet, self.formats, 2, 0, span=5)  # room for «… a las 09:30 por lucia — hace más de 7 días: actualice la cartera»
        block = self._indicators(sheet, 3)
        sheet.set_row(3, 62)  # three lines: the period's name and its dates
        self._name(labels.RESUMEN_NAMES["indicators"], block, len(figures.periods.columns))
        # Every table has a fixed place, whatever is said: the two warnings (an old export, sales left out) have
        # their rows under the indicators, blank without them, and the other notes go under the last table.
        urgent, notes = self._notes()
        for offset, text in enumerate(urgent[:URGENT_NOTES], start=block.last_row + 1):  # painted across the table
            self._across(sheet, offset, RESUMEN_WIDTHS[: len(figures.periods.columns) + 1], text, self.warning)
        row = block.last_row + URGENT_NOTES + 2
        sheet.write_string(row, 0, labels.CLOSING_TITLE, self.section)
        if figures.closing_source is None:
            sheet.write_string(row + 1, 0, labels.CLOSE_UNAVAILABLE, self.note)
            self._name(labels.RESUMEN_NAMES["closing"], Block(row + 1, row + 1, row + 1, 0), 0)  # in its place, saying why not
        else:
            closing = figures.closing.rename(index=labels.CLOSING_ROWS)
            block = self._table(sheet, row + 1, 0, closing, labels.CLOSING, labels.CLOSING.label)
            sheet.write_string(block.last_row + 1, 0, labels.CLOSE_SOURCES[figures.closing_source], self.note)
            self._name(labels.RESUMEN_NAMES["closing"], block, len(closing.columns))
        top = row + 1 + (1 + len(labels.CLOSING_ROWS) + 1) + 2  # its header, its rows, where it comes from
        sheet.write_string(top, 0, labels.ESTADO_TITLE, self.section)
        estados = self._table(sheet, top + 1, 0, figures.by_estado, labels.COUNTS, labels.ESTADO_LABEL)
        sheet.write_string(top, 3, labels.SEMAFORO_TITLE, self.section)
        semaforo = self._table(sheet, top + 1, 3, figures.by_semaforo, labels.COUNTS, labels.CHART_SEMAFORO)
        self._name(labels.RESUMEN_NAMES["by_estado"], estados, 1)
        self._name(labels.RESUMEN_NAMES["by_semaforo"], semaforo, 1)

        trend_top = max(estados.last_row, semaforo.last_row) + 3
        sheet.write_string(trend_top, 0, labels.TREND_TITLE.format(first=self._first_12m(), hoy=self._hoy()), self.section)
        trend = self._table(sheet, trend_top + 1, 0, figures.trend, labels.TREND)
        self._name(labels.RESUMEN_NAMES["trend"], trend, len(figures.trend.columns) - 1)
        for offset, text in enumerate([*urgent[URGENT_NOTES:], *notes], start=trend.last_row + 2):
            self._across(sheet, offset, RESUMEN_WIDTHS[: len(figures.trend.columns) + 1], text, self.paragraph)

        for col, width in enumerate(RESUMEN_WIDTHS):
            sheet.set_column(col, col, width)
        self._resumen_charts(sheet, estados, semaforo, trend)
        return sheet

    def _indicators(self, sheet: Worksheet, row: int) -> Block:
        """The indicators (rows) per period and their changes: each row in its indicator's format."""
        table = self.figures.periods
        headers = [labels.INDICATORS.label]
        for key in table.columns:
            label = labels.PERIODS_TABLE.column(key).label
            headers.append(f"{label}\n{self._range(key)}" if key in self.figures.ranges else label)
        self._headers(sheet, row, 0, headers, [False] + [True] * len(table.columns))
        points = self.formats.number(Fmt.POINTS)
        for r, (key, values) in enumerate(zip(table.index, table.itertuples(index=False), strict=True), start=row + 1):
            indicator = labels.INDICATORS.column(key)
            self._cell(sheet, r, 0, self._indicator_label(key), self.formats.text)
            for c, (column_key, value) in enumerate(zip(table.columns, values, strict=True), start=1):
                period_column = labels.PERIODS_TABLE.column(column_key)
                if period_column.number_format:
                    cell_format = points if key in labels.POINT_CHANGES else self.formats.declared(period_column)
                else:
                    cell_format = self.formats.declared(indicator)
                self._cell(sheet, r, c, value, cell_format)
        return Block(row, row + 1, row + max(len(table), 1), 0)

    def _indicator_label(self, key: str) -> str:
        label = labels.INDICATORS.column(key).label
        followups = self.refreshed.tables.get(SEGUIMIENTO.key)
        if key == "contactos" and followups is not None and "contact_type" in followups.frame:
            return labels.CONTACTS_LABEL.format(label=label, types=self.refreshed.parameters.tipos_contacto_venta)
        return label

    def _name(self, name: str, block: Block, last_offset: int) -> None:
        """A workbook name over a summary table, its header included: the team's charts and formulas can use it."""
        reference = xl_range_abs(block.header_row, block.first_col, block.last_row, block.first_col + last_offset)
        self.book.define_name(name, f"='{RESUMEN}'!{reference}")

    def _notes(self) -> tuple[list[str], list[str]]:
        """What the indicators cannot say: the warnings (an old export, the sales left out of every figure), then
        the notes (sheets that start too late to compare, sheets that are missing)."""
        stale = self.figures.stale
        urgent = [labels.STALE_DATA.format(date=stale.strftime(DATE_FORMAT), iso=stale.date().isoformat())] if stale is not None else []
        urgent += self._left_out()
        notes = [
            labels.UNCOVERED_NOTE.format(sheet=_spec(key).label, date=first.strftime(DATE_FORMAT), slack=COVERED_SLACK_DAYS)
            for key, first in self.figures.uncovered.items()
        ]
        history = self.figures.history
        if history is not None:
            days = int(self.refreshed.parameters.dias_perdido)
            first = (history - pd.Timedelta(days=days)).strftime(DATE_FORMAT)
            notes.append(labels.HISTORY_NOTE.format(date=history.strftime(DATE_FORMAT), first=first, days=days))
        unknown = self.figures.new_unknown
        if unknown is not None:
            count, since = unknown
            clients = labels.NEW_UNKNOWN_ONE if count == 1 else labels.NEW_UNKNOWN_MANY.format(count=thousands(count))
            days = int(self.refreshed.parameters.dias_cliente_nuevo)
            notes.append(labels.NEW_UNKNOWN_NOTE.format(first=since.strftime(DATE_FORMAT), days=days, count=clients))
        for key, indicators in labels.MISSING_SHEET_INDICATORS.items():
            table = self.refreshed.tables.get(key)
            if table is None:
                notes.append(labels.MISSING_SHEET_NOTE.format(sheet=_spec(key).label, indicators=indicators))
            elif table.frame.empty:
                notes.append(labels.EMPTY_SHEET_NOTE.format(sheet=table.name, indicators=indicators))
        return urgent, notes

    def _left_out(self) -> list[str]:
        """The sales no figure counts, said where the totals are: how many lines, what share of the revenue."""
        left_out, sales = self.figures.left_out, self.refreshed.tables.get(VENTAS.key)
        if left_out is None or sales is None:
            return []
        count, blank = int(left_out["lineas"]), int(left_out["sin_cliente"])
        lines, names, has = labels.LEFT_OUT_ONE if count == 1 else labels.LEFT_OUT_MANY
        if blank == 0:
            what = labels.LEFT_OUT_UNKNOWN.format(verb=names)
        elif blank == count:
            what = labels.LEFT_OUT_BLANK.format(verb=has)
        else:
            what = labels.LEFT_OUT_BOTH.format(blank=thousands(blank), unknown=thousands(count - blank))
        share = left_out["participacion"]
        if pd.isna(share):
            shown = "—"
        elif 0 < share < 0.001:
            shown = labels.LEFT_OUT_TINY  # a sale of 54 in 400.000 is not «0,0 %»
        else:
            shown = f"{share * 100:.1f} %".replace(".", ",")
        lines = lines.format(count=thousands(count))
        return [labels.LEFT_OUT_NOTE.format(lines=lines, sheet=sales.name, share=shown, what=what)]

    def _range(self, key: str) -> str:
        start, end = self.figures.ranges[key]
        return labels.PERIOD_RANGE.format(start=start.strftime(DATE_FORMAT), end=end.strftime(DATE_FORMAT))

    def _resumen_charts(self, sheet: Worksheet, estados: Block, semaforo: Block, trend: Block) -> None:
        name = RESUMEN
        trend_keys = list(self.figures.trend.columns)
        revenue = self._chart("column", labels.CHART_REVENUE)
        revenue.add_series(
            {
                "name": labels.TREND.column("facturacion").label,
                "categories": trend.column_range(name, trend_keys.index("mes")),
                "values": trend.column_range(name, trend_keys.index("facturacion")),
                "fill": {"color": "#1F4E78"},
            }
        )
        revenue.set_legend({"none": True})
        revenue.set_y_axis(_value_axis(self.figures.trend["facturacion"]))
        sheet.insert_chart(3, 8, revenue)

        new_lost = self._chart("column", labels.CHART_NEW_LOST)
        for key, colour in (("nuevos", "#70AD47"), ("perdidos", "#C00000")):
            offset = trend_keys.index(key)
            new_lost.add_series(
                {
                    "name": [name, trend.header_row, offset],
                    "categories": trend.column_range(name, trend_keys.index("mes")),
                    "values": trend.column_range(name, offset),
                    "fill": {"color": colour},
                }
            )
        new_lost.set_legend({"position": "bottom"})
        new_lost.set_y_axis(_value_axis(pd.concat([self.figures.trend["nuevos"], self.figures.trend["perdidos"]])))
        sheet.insert_chart(3, 17, new_lost)

        estado_colours = list(ESTADO_COLOURS)
        by_estado = self._counts_chart("bar", labels.CHART_ESTADOS, estados, estado_colours, self.figures.by_estado)
        by_estado.set_y_axis({"reverse": True})
        sheet.insert_chart(20, 8, by_estado)
        semaforo_colours = [SEMAFORO_COLOURS[colour].chart if colour in SEMAFORO_COLOURS else SIN_ALERTA_CHART for colour in SEMAFOROS]
        sheet.insert_chart(
            20, 17, self._counts_chart("column", labels.CHART_SEMAFORO, semaforo, semaforo_colours, self.figures.by_semaforo)
        )

    def _counts_chart(self, kind: str, title: str, block: Block, colours: list[str], counts: pd.DataFrame) -> Any:
        """One bar per row of a counts table, each in its own colour, with its number on it."""
        chart = self._chart(kind, title)
        chart.add_series(
            {
                "name": labels.COUNTS.label,
                "categories": block.column_range(RESUMEN, 0),
                "values": block.column_range(RESUMEN, 1),
                "points": [{"fill": {"color": colour}} for colour in colours],
                "data_labels": {"value": True},
            }
        )
        chart.set_legend({"none": True})
        axis = _value_axis(counts.iloc[:, 0]) if len(counts.columns) else _value_axis(pd.Series(dtype="float64"))
        (chart.set_x_axis if kind == "bar" else chart.set_y_axis)(axis)  # a bar chart's values run along x
        return chart

    def analisis(self) -> Worksheet:
        """The five axes of portfolio analysis."""
        sheet = self._sheet(ANALISIS)
        figures = self.figures
        self._title(sheet, labels.ANALISIS_TITLE)
        units: list[tuple[int, int]] = []  # what must not be cut by a page: (first row, last row)
        row = 3
        sheet.write_string(row, 0, labels.AXIS_SEGMENTS, self.section)
        section = row
        row += 1
        for key in SEGMENT_KEYS:
            block = self._attribute(sheet, row, key, figures.segments[key])
            units.append((section if key == SEGMENT_KEYS[0] else block.header_row, block.last_row))
            row = block.last_row + 2
        for title, frame, spec, index_label in (
            (labels.AXIS_ESTADOS, figures.estado_revenue, labels.ESTADO_REVENUE, labels.ESTADO_LABEL),
            (labels.AXIS_ORIGIN, figures.origins, labels.ORIGINS, CLIENTES.column("source").label),
            (labels.AXIS_CHURN, figures.churn, labels.CHURN, CLIENTES.column("churn_reason").label),
        ):
            sheet.write_string(row, 0, title, self.section)
            last = self._table(sheet, row + 1, 0, frame, spec, index_label).last_row
            units.append((row, last))
            row = last + 2
        sheet.write_string(row, 0, labels.AXIS_RECOMMENDATION, self.section)
        if "encuestas" in self.refreshed.tables:
            table = figures.recommendation.rename(index=labels.RECOMMENDATION_ROWS)
            last = self._table(sheet, row + 1, 0, table, labels.RECOMMENDATION, "").last_row
        else:
            sheet.write_string(row + 1, 0, labels.NO_SURVEYS, self.note)
            last = row + 1
        units.append((row, last))
        row = last + 2
        sheet.write_string(row, 0, labels.AXIS_REFERRALS, self.section)
        if figures.referrals.empty:
            sheet.write_string(row + 1, 0, labels.NO_REFERRALS, self.note)
            last = row + 1
        else:
            last = self._table(sheet, row + 1, 0, figures.referrals, labels.REFERRALS).last_row
        units.append((row, last))
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 5, 18)
        self._keep_together(sheet, units)
        return sheet

    def concentracion(self) -> Worksheet:
        """Pareto table, top shares, Herfindahl, a Pareto chart and a plain warning."""
        sheet = self._sheet(CONCENTRACION)
        figures = self.figures
        self._title(sheet, labels.CONCENTRACION_TITLE)
        summary = figures.concentration
        messages_row = 3
        if figures.pareto.empty:
            sheet.write_string(messages_row, 0, labels.NO_REVENUE, self.note)
        elif summary["warnings"]:
            for offset, text in enumerate(summary["warnings"]):
                sheet.write_string(messages_row + offset, 0, text, self.warning)
        else:
            sheet.merge_range(messages_row, 0, messages_row, len(labels.PARETO.columns) - 1, labels.CONCENTRATION_OK, self.ok)
        row = messages_row + 3
        percent = self.formats.number(Fmt.PERCENT)
        for offset, n in enumerate((1, 5, 10)):
            sheet.write_string(row + offset, 2, labels.TOP_SHARE_ONE if n == 1 else labels.TOP_SHARE.format(n=n), self.label)
            sheet.write_number(row + offset, 3, summary[f"top{n}"], percent)
        sheet.write_string(row + 3, 2, labels.HERFINDAHL, self.label)
        sheet.write_number(row + 3, 3, summary["herfindahl"], self.formats.number(Fmt.COUNT))
        block = self._table(sheet, row + 6, 0, figures.pareto, labels.PARETO)
        sheet.freeze_panes(block.first_row, 0)
        sheet.repeat_rows(block.header_row)  # a client a row: its header on every page
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 1, 10)
        sheet.set_column(2, 2, 28)
        sheet.set_column(3, 6, 16)
        if not figures.pareto.empty:
            keys = list(figures.pareto.columns)
            client, revenue, cumulative_col = keys.index("cliente"), keys.index("facturacion_12m"), keys.index("acumulada")
            last = min(block.last_row, block.first_row + PARETO_CHART_CLIENTS - 1)
            total = len(figures.pareto)
            title = (
                labels.CHART_PARETO_TOP.format(count=PARETO_CHART_CLIENTS, total=total)
                if total > PARETO_CHART_CLIENTS
                else labels.CHART_PARETO
            )
            chart = self._chart("column", title)
            chart.add_series(
                {
                    "name": labels.PARETO.column("facturacion_12m").label,
                    "categories": [CONCENTRACION, block.first_row, client, last, client],
                    "values": [CONCENTRACION, block.first_row, revenue, last, revenue],
                    "fill": {"color": "#1F4E78"},
                }
            )
            cumulative = self.book.add_chart({"type": "line"})
            cumulative.add_series(
                {
                    "name": labels.PARETO.column("acumulada").label,
                    "categories": [CONCENTRACION, block.first_row, client, last, client],
                    "values": [CONCENTRACION, block.first_row, cumulative_col, last, cumulative_col],
                    "y2_axis": True,
                    "line": {"color": "#C00000", "width": 2.25},
                }
            )
            chart.combine(cumulative)
            chart.set_y_axis({"num_format": Fmt.COUNT})
            cumulative.set_y2_axis({"num_format": Fmt.WHOLE_PERCENT, "max": 1})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 760, "height": 360})
            sheet.insert_chart(row, 8, chart)
        return sheet

    def geografia(self) -> Worksheet:
        """Clients and revenue by region and by city."""
        sheet = self._sheet(GEOGRAFIA)
        self._title(sheet, labels.GEOGRAFIA_TITLE)
        figures = self.figures
        units, row = [], 3
        for title, key, frame in (
            (labels.BY_COUNTRY, "country", figures.countries),
            (labels.BY_REGION, "region", figures.regions),
            (labels.BY_CITY, "city", figures.cities),
        ):
            sheet.write_string(row, 0, title, self.section)
            block = self._attribute(sheet, row + 1, key, frame)
            units.append((row, min(block.last_row, block.first_row + FIRST_ROWS_KEPT - 1)))
            top, row = row, block.last_row + 2
        self._keep_together(sheet, units)
        sheet.repeat_rows(top, block.header_row)  # often pages of cities: their title on every page
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 4, 18)
        return sheet

    def productos(self) -> Worksheet:
        """Products, cross-selling pairs and the next product to offer each client."""
        sheet = self._sheet(PRODUCTOS)
        self._title(sheet, labels.PRODUCTOS_TITLE)
        figures = self.figures
        if figures.products.empty:
            sheet.write_string(3, 0, self._no_products(), self.note)
            return sheet
        block = self._table(sheet, 3, 0, figures.products, labels.PRODUCTS, labels.PRODUCTS.label)
        units = [(0, block.last_row)]  # what must not be cut by a page: (first row, last row)
        row = block.last_row + 2
        minimum = int(self.refreshed.parameters.min_clientes_par)
        total, shown = figures.pairs_total, len(figures.pairs)
        count = (
            labels.PAIRS_SHOWN_SOME.format(shown=shown, total=thousands(total))
            if total > shown
            else labels.PAIRS_SHOWN.get(total, labels.PAIRS_SHOWN_ALL.format(total=total))
        )
        sheet.write_string(row, 0, labels.PAIRS_TITLE.format(minimum=minimum, shown=count), self.section)
        if figures.pairs.empty:
            sheet.write_string(row + 1, 0, labels.NO_PAIRS.format(minimum=minimum), self.note)
            units.append((row, row + 1))
            row += 3
        else:
            last = self._table(sheet, row + 1, 0, figures.pairs, labels.PAIRS).last_row
            units.append((row, last))
            row = last + 2
        sheet.write_string(row, 0, labels.OFFER_TITLE, self.section)
        offers = self._table(sheet, row + 1, 0, figures.offers, labels.OFFERS)
        units.append((row, min(offers.last_row, offers.first_row + FIRST_ROWS_KEPT - 1)))
        sheet.repeat_rows(row, offers.header_row)  # one per client, often pages long: its title on every page it runs to
        # Three tables share the columns: each column as wide as the longest product or name in it.
        frames = (figures.products.reset_index(), figures.pairs, figures.offers)
        widths: list[float] = []
        for col in range(max(len(frame.columns) for frame in frames)):
            texts = [value for frame in frames if col < len(frame.columns) for value in frame.iloc[:, col] if isinstance(value, str)]
            widths.append(min(max([PRODUCT_MIN_WIDTH, *(len(text) + 3 for text in texts)]), PRODUCT_MAX_WIDTH))
            sheet.set_column(col, col, widths[-1])
        self._keep_together(sheet, units, widths)
        return sheet

    def _no_products(self) -> str:
        """Why Productos has no table: no Ventas sheet, no rows in it, no product column, or no such sale in 12 months."""
        sales = self.refreshed.tables.get(VENTAS.key)
        if sales is None:
            return labels.NO_SALES
        if sales.frame.empty:
            return labels.NO_SALES_ROWS.format(sheet=sales.name)
        if "product" not in sales.frame:
            return labels.NO_PRODUCT_COLUMN.format(sheet=sales.name, column=VENTAS.column("product").label)
        return labels.NO_RECENT_PRODUCTS

    def vendedores(self) -> Worksheet:
        """Per salesperson: clients by estado and semáforo, revenue, contacts, overdue actions."""
        sheet = self._sheet(VENDEDORES)
        self._title(sheet, labels.VENDEDORES_TITLE)
        table = self.figures.salespeople
        block = self._table(sheet, 3, 0, table, labels.SALESPEOPLE, labels.SALESPEOPLE.label)
        for offset, column in enumerate(table.columns, start=1):
            if column in self.formats.semaforo:
                sheet.write_string(block.header_row, offset, str(column), self.formats.semaforo_header[str(column)])
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, len(table.columns), 11)
        sheet.set_row(block.header_row, 30)
        return sheet


def _spec(key: str) -> Sheet:
    return next(spec for spec in DATA_SHEETS if spec.key == key)


STAMP_WIDTH = 80  # characters the stamp's longest words take in its bold italic («… actualice la cartera»)


def stamp(sheet: Worksheet, formats: Formats, row: int, col: int, span: int = 1) -> None:
    """«Actualizado el dd/mm/aaaa a las hh:mm por lucia», turning orange with «actualice la cartera» when over a week old.

    The cell holds the refresh moment itself (``formats.stamped``); its number
    format says the words, and a conditional format against the workbook's day (``HOY_NAME``) swaps
    them, so it stays true however long the file sits unrefreshed. A number does
    not spill into the next cells, so it is merged across ``span`` columns to have room.
    """
    moment = formats.stamped.at
    if span > 1:
        sheet.merge_range(row, col, row, col + span - 1, "", formats.stamp)
    sheet.write_datetime(row, col, moment, formats.stamp)
    cell = f"${xl_col_to_name(col)}${row + 1}"
    sheet.conditional_format(
        row, col, row, col, {"type": "formula", "criteria": f"={HOY_NAME}-{cell}>{labels.STALE_DAYS}", "format": formats.stale_stamp}
    )


PRODUCT_MIN_WIDTH = 16  # characters: the Productos columns, fitted to their longest text within these bounds
PRODUCT_MAX_WIDTH = 45
SMALL_AXIS = 5  # below this largest value, a value axis counts in whole steps (never «0, 1, 1» from 0,2 steps)


def _value_axis(values: pd.Series) -> dict[str, Any]:
    """A value axis from zero whose labels never repeat: whole steps when the values are small (or all zero)."""
    top = float(pd.to_numeric(values, errors="coerce").max(skipna=True) or 0)
    axis: dict[str, Any] = {"min": 0, "num_format": Fmt.COUNT}
    if top < SMALL_AXIS:
        axis.update({"max": max(1, math.ceil(top)), "major_unit": 1})
    return axis


def _column(spec: Sheet, key: str) -> Column:
    """The declared column of a table; the estado and colour columns of Vendedores are counts named by their value."""
    try:
        return spec.column(key)
    except KeyError:
        return Column(key, key, number_format=Fmt.COUNT)
