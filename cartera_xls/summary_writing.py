"""The summary sheets: Resumen (first, the dashboard), Análisis, Concentración, Geografía, Productos, Vendedores.

Plain formatted ranges (not Excel tables, so charts and titles can sit around
them) and native Excel charts that point at those ranges. Every sheet prints on
A4 landscape, fitted to the page width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .models import is_missing
from .schema import summary as labels
from .schema.sheets import ANALISIS, CLIENTES, CONCENTRACION, DATA_SHEETS, GEOGRAFIA, PRODUCTOS, RESUMEN, SEMAFOROS, VENDEDORES
from .styles import SEMAFORO_COLOURS, Formats

if TYPE_CHECKING:
    from .cartera import Cartera
    from .indicators import Indicators

A4 = 9
CHART_SIZE = {"width": 560, "height": 300}
PARETO_CHART_CLIENTS = 30
ESTADO_COLOURS = ("#5B9BD5", "#70AD47", "#FFC000", "#ED7D31", "#A5A5A5", "#595959")
INDICATOR_FORMATS = {
    "ventas": "#,##0",
    "nuevos": "#,##0",
    "perdidos": "#,##0",
    "perdidos_por_nuevo": "0.00",
    "contactos": "#,##0",
    "dias_cierre": "0.0",
    "satisfaccion": "0.0",
    "nps": "0",
    "reclamos": "#,##0",
}
CHANGE_FORMAT = "+0%;-0%;0%"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"


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


def money_format(currency: str) -> str:
    """Amounts with the team's currency: ``"S/" #,##0.00``; the euro goes after the number."""
    symbol = currency.replace('"', "")
    return f'#,##0.00 "{symbol}"' if symbol == "€" else f'"{symbol}" #,##0.00'


class SummaryWriter:
    """Writes the summary sheets of one workbook."""

    def __init__(self, book: xlsxwriter.Workbook, formats: Formats, cartera: Cartera) -> None:
        self.book = book
        self.formats = formats
        self.cartera = cartera
        self.figures: Indicators = cartera.figures
        self.money = formats.number(money_format(str(cartera.params["moneda"])))
        self.count = formats.number(COUNT_FORMAT)
        self.percent = formats.number(PERCENT_FORMAT)
        self.tally = (self.count, self.count, self.money, self.percent)  # the segment, region and product tables
        self.big_title = book.add_format({"bold": True, "font_size": 16, "font_color": "#1F4E78"})
        self.section = book.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78", "bottom": 1})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})
        self.warning = book.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
        self.ok = book.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"})
        self.label = book.add_format({"bold": True})

    # --- helpers -----------------------------------------------------------------
    def _sheet(self, name: str) -> Worksheet:
        sheet = self.book.add_worksheet(name)
        sheet.set_paper(A4)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.hide_gridlines(2)
        return sheet

    def _title(self, sheet: Worksheet, text: str, subtitle: str | None = None) -> None:
        sheet.write_string(0, 0, text, self.big_title)
        as_of = labels.DATA_AS_OF.format(hoy=self.cartera.hoy.strftime("%d/%m/%Y"))
        sheet.write_string(1, 0, subtitle or as_of, self.note)

    def _table(
        self,
        sheet: Worksheet,
        row: int,
        col: int,
        frame: pd.DataFrame,
        index_label: str | None,
        formats: Sequence[Format | None] = (),
        row_formats: Sequence[Format | None] | None = None,
    ) -> Block:
        """Write ``frame`` (with its index when ``index_label``) as a formatted range; return its block."""
        headers = ([index_label] if index_label is not None else []) + [str(c) for c in frame.columns]
        for offset, header in enumerate(headers):
            sheet.write_string(row, col + offset, header, self.formats.header)
        sheet.set_row(row, 30)  # room for two lines of header
        shift = 1 if index_label is not None else 0
        for r, (index, values) in enumerate(zip(frame.index, frame.itertuples(index=False), strict=True), start=row + 1):
            if index_label is not None:
                self._cell(sheet, r, col, index, None)
            for c, value in enumerate(values):
                cell_format = row_formats[r - row - 1] if row_formats is not None else (formats[c] if c < len(formats) else None)
                self._cell(sheet, r, col + shift + c, value, cell_format)
        return Block(row, row + 1, row + max(len(frame), 1), col)

    def _cell(self, sheet: Worksheet, row: int, col: int, value: Any, cell_format: Format | None) -> None:
        if is_missing(value):
            sheet.write_blank(row, col, None, cell_format)
        elif isinstance(value, pd.Timestamp):
            sheet.write_datetime(row, col, value.to_pydatetime(), self.formats.number("mmm yyyy"))
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
        period = labels.PERIOD_NAMES[str(self.cartera.params["periodo"])]
        title = labels.RESUMEN_TITLE.format(hoy=self.cartera.hoy.strftime("%d/%m/%Y"))
        self._title(sheet, title, labels.RESUMEN_SUBTITLE.format(period=period))
        table = figures.periodos.copy()
        table.columns = pd.Index([f"{name}\n{self._range(name)}" if name in figures.rangos else name for name in table.columns])
        keys = [key for key, _ in labels.INDICATORS]
        value_formats = [self.money if key == "facturacion" else self.formats.number(INDICATOR_FORMATS[key]) for key in keys]
        block = self._table(sheet, 3, 0, table, labels.INDICATOR, row_formats=value_formats)
        change = self.formats.number(CHANGE_FORMAT)
        for r in range(block.first_row, block.last_row + 1):  # the two change columns are percentages
            for c in (4, 5):
                value = table.iat[r - block.first_row, c - 1]
                self._cell(sheet, r, c, value, change)
        sheet.set_row(3, 62)  # three lines: the period's name and its dates
        notes = block.last_row + 1
        sheet.write_string(notes, 0, self._closing_note(), self.note)
        for offset, missing in enumerate(self._missing_sheets(), start=1):
            sheet.write_string(notes + offset, 0, labels.MISSING_SHEET_NOTE.format(sheet=missing), self.note)

        top = notes + 4
        sheet.write_string(top, 0, labels.ESTADO_TITLE, self.section)
        estados = self._table(sheet, top + 1, 0, figures.estados, labels.ESTADO_TITLE.split()[-1].capitalize())
        sheet.write_string(top, 3, labels.SEMAFORO_TITLE, self.section)
        semaforo = self._table(sheet, top + 1, 3, figures.semaforo, labels.CHART_SEMAFORO)

        trend_top = estados.last_row + 3
        sheet.write_string(trend_top, 0, labels.TREND_TITLE, self.section)
        trend_formats = [None, self.money, *[self.count] * 5]
        trend = self._table(sheet, trend_top + 1, 0, figures.tendencia, None, trend_formats)

        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 6, 16)
        self._resumen_charts(sheet, estados, semaforo, trend)
        return sheet

    def _range(self, name: str) -> str:
        start, end = self.figures.rangos[name]
        return labels.PERIOD_RANGE.format(start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y"))

    def _closing_note(self) -> str:
        has_opportunities = "oportunidades" in self.cartera.tables
        return labels.CLOSE_SOURCE_OPPORTUNITIES if has_opportunities else labels.CLOSE_SOURCE_FIRST_PURCHASE

    def _missing_sheets(self) -> list[str]:
        return [spec.label for spec in DATA_SHEETS if spec.key not in self.cartera.tables]

    def _resumen_charts(self, sheet: Worksheet, estados: Block, semaforo: Block, trend: Block) -> None:
        name = RESUMEN
        revenue = self._chart("column", labels.CHART_REVENUE)
        revenue.add_series(
            {
                "name": labels.TREND_COLUMNS[1],
                "categories": trend.column_range(name, 0),
                "values": trend.column_range(name, 1),
                "fill": {"color": "#1F4E78"},
            }
        )
        revenue.set_legend({"none": True})
        revenue.set_y_axis({"num_format": "#,##0"})
        sheet.insert_chart(3, 8, revenue)

        new_lost = self._chart("column", labels.CHART_NEW_LOST)
        for offset, colour in ((3, "#70AD47"), (4, "#C00000")):
            new_lost.add_series(
                {
                    "name": [name, trend.header_row, offset],
                    "categories": trend.column_range(name, 0),
                    "values": trend.column_range(name, offset),
                    "fill": {"color": colour},
                }
            )
        new_lost.set_legend({"position": "bottom"})
        sheet.insert_chart(3, 17, new_lost)

        estado_colours = list(ESTADO_COLOURS)
        by_estado = self._counts_chart("bar", labels.CHART_ESTADOS, estados, estado_colours)
        by_estado.set_y_axis({"reverse": True})
        sheet.insert_chart(20, 8, by_estado)
        semaforo_colours = [SEMAFORO_COLOURS[colour][1] for colour in SEMAFOROS]
        sheet.insert_chart(20, 17, self._counts_chart("column", labels.CHART_SEMAFORO, semaforo, semaforo_colours))

    def _counts_chart(self, kind: str, title: str, block: Block, colours: list[str]) -> Any:
        """One bar per row of a counts table, each in its own colour, with its number on it."""
        chart = self._chart(kind, title)
        chart.add_series(
            {
                "name": labels.COUNT,
                "categories": block.column_range(RESUMEN, 0),
                "values": block.column_range(RESUMEN, 1),
                "points": [{"fill": {"color": colour}} for colour in colours],
                "data_labels": {"value": True},
            }
        )
        chart.set_legend({"none": True})
        return chart

    def analisis(self) -> Worksheet:
        """The five axes of portfolio analysis."""
        sheet = self._sheet(ANALISIS)
        figures = self.figures
        self._title(sheet, labels.ANALISIS_TITLE)
        row = 3
        sheet.write_string(row, 0, labels.AXIS_SEGMENTS, self.section)
        row += 1
        for name, table in figures.segmentos.items():
            block = self._table(sheet, row, 0, table, name, self.tally)
            row = block.last_row + 2
        estado_table = figures.estados.join(self._revenue_by("estado"))
        sheet.write_string(row, 0, labels.AXIS_ESTADOS, self.section)
        estado_label = labels.ESTADO_TITLE.split()[-1].capitalize()
        row = self._table(sheet, row + 1, 0, estado_table, estado_label, [self.count, self.money]).last_row + 2
        sheet.write_string(row, 0, labels.AXIS_ORIGIN, self.section)
        row = (
            self._table(
                sheet, row + 1, 0, figures.origenes, self._label("source"), [self.count, self.count, self.percent, self.money, self.percent]
            ).last_row
            + 2
        )
        sheet.write_string(row, 0, labels.AXIS_CHURN, self.section)
        row = self._table(sheet, row + 1, 0, figures.bajas, self._label("churn_reason"), [self.count, self.percent]).last_row + 2
        sheet.write_string(row, 0, labels.AXIS_RECOMMENDATION, self.section)
        if "encuestas" in self.cartera.tables:
            self._table(sheet, row + 1, 0, figures.recomendacion, "", [self.count, self.percent])
        else:
            sheet.write_string(row + 1, 0, labels.NO_SURVEYS, self.note)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 5, 18)
        return sheet

    def _label(self, key: str) -> str:
        return CLIENTES.column(key).label

    def _revenue_by(self, column: str) -> pd.Series:
        computed = self.cartera.computed
        return computed.groupby(column)["facturacion_12m"].sum().rename(labels.SEGMENT_COLUMNS[2])

    def concentracion(self) -> Worksheet:
        """Pareto table, top shares, Herfindahl, a Pareto chart and a plain warning."""
        sheet = self._sheet(CONCENTRACION)
        figures = self.figures
        self._title(sheet, labels.CONCENTRACION_TITLE)
        summary = figures.concentracion
        messages_row = 3
        if figures.pareto.empty:
            sheet.write_string(messages_row, 0, labels.NO_REVENUE, self.note)
        elif summary["warnings"]:
            for offset, text in enumerate(summary["warnings"]):
                sheet.write_string(messages_row + offset, 0, text, self.warning)
        else:
            sheet.write_string(messages_row, 0, labels.CONCENTRATION_OK, self.ok)
        row = messages_row + 3
        for offset, n in enumerate((1, 5, 10)):
            sheet.write_string(row + offset, 2, labels.TOP_SHARE.format(n=n), self.label)
            sheet.write_number(row + offset, 3, summary[f"top{n}"], self.percent)
        sheet.write_string(row + 3, 2, labels.HERFINDAHL, self.label)
        sheet.write_number(row + 3, 3, summary["herfindahl"], self.count)
        rank = self.formats.number("0")
        block = self._table(sheet, row + 6, 0, figures.pareto, None, [rank, None, None, self.money, self.percent, self.percent, None])
        sheet.freeze_panes(block.first_row, 0)
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 1, 10)
        sheet.set_column(2, 2, 28)
        sheet.set_column(3, 6, 16)
        if not figures.pareto.empty:
            last = min(block.last_row, block.first_row + PARETO_CHART_CLIENTS - 1)
            chart = self._chart("column", labels.CHART_PARETO)
            chart.add_series(
                {
                    "name": labels.PARETO_COLUMNS[3],
                    "categories": [CONCENTRACION, block.first_row, 2, last, 2],
                    "values": [CONCENTRACION, block.first_row, 3, last, 3],
                    "fill": {"color": "#1F4E78"},
                }
            )
            cumulative = self.book.add_chart({"type": "line"})
            cumulative.add_series(
                {
                    "name": labels.PARETO_COLUMNS[5],
                    "categories": [CONCENTRACION, block.first_row, 2, last, 2],
                    "values": [CONCENTRACION, block.first_row, 5, last, 5],
                    "y2_axis": True,
                    "line": {"color": "#C00000", "width": 2.25},
                }
            )
            chart.combine(cumulative)
            chart.set_y_axis({"num_format": "#,##0"})
            cumulative.set_y2_axis({"num_format": "0%", "max": 1})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 760, "height": 360})
            sheet.insert_chart(row, 8, chart)
        return sheet

    def geografia(self) -> Worksheet:
        """Clients and revenue by region and by city."""
        sheet = self._sheet(GEOGRAFIA)
        self._title(sheet, labels.GEOGRAFIA_TITLE)
        sheet.write_string(3, 0, labels.BY_REGION, self.section)
        block = self._table(sheet, 4, 0, self.figures.regiones, self._label("region"), self.tally)
        sheet.write_string(block.last_row + 2, 0, labels.BY_CITY, self.section)
        self._table(sheet, block.last_row + 3, 0, self.figures.ciudades, self._label("city"), self.tally)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 4, 18)
        return sheet

    def productos(self) -> Worksheet:
        """Products, cross-selling pairs and the next product to offer each client."""
        sheet = self._sheet(PRODUCTOS)
        self._title(sheet, labels.PRODUCTOS_TITLE)
        figures = self.figures
        if figures.productos.empty:
            sheet.write_string(3, 0, labels.NO_SALES, self.note)
            return sheet
        ratio = self.formats.number("0.00")
        block = self._table(sheet, 3, 0, figures.productos, labels.PRODUCT_COLUMNS[0], self.tally)
        row = block.last_row + 2
        sheet.write_string(row, 0, labels.PAIRS_TITLE, self.section)
        block = self._table(sheet, row + 1, 0, figures.pares, None, [None, None, self.count, self.percent, self.percent, ratio])
        row = block.last_row + 2
        sheet.write_string(row, 0, labels.OFFER_TITLE, self.section)
        clients = self.cartera.tables["clientes"].frame
        names = clients.drop_duplicates("id").set_index("id")
        offers = figures.ofertas
        table = pd.DataFrame(
            {
                labels.OFFER_COLUMNS[0]: offers["id"],
                labels.OFFER_COLUMNS[1]: offers["id"].map(names["name"]),
                labels.OFFER_COLUMNS[2]: offers["id"].map(names["salesperson"]) if "salesperson" in names else None,
                labels.OFFER_COLUMNS[3]: offers["producto"],
                labels.OFFER_COLUMNS[4]: offers["lift"],
            }
        )
        self._table(sheet, row + 1, 0, table, None, [None, None, None, None, ratio])
        sheet.set_column(0, 1, 30)
        sheet.set_column(2, 5, 16)
        return sheet

    def vendedores(self) -> Worksheet:
        """Per salesperson: clients by estado and semáforo, revenue, contacts, overdue actions."""
        sheet = self._sheet(VENDEDORES)
        self._title(sheet, labels.VENDEDORES_TITLE)
        table = self.figures.vendedores
        column_formats = [self.money if column == labels.SALESPERSON_EXTRA[0] else self.count for column in table.columns]
        block = self._table(sheet, 3, 0, table, labels.SALESPERSON, column_formats)
        for offset, column in enumerate(table.columns, start=1):
            if column in self.formats.semaforo:
                sheet.write_string(block.header_row, offset, str(column), self.formats.semaforo[str(column)])
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, len(table.columns), 11)
        sheet.set_row(block.header_row, 30)
        return sheet
