"""The summary sheets: Resumen, Análisis, Concentración, Geografía, Productos, Vendedores.

Every table is declared here as a :class:`Sheet` of :class:`Column` (key, Spanish
label, number format); :mod:`cartera_xls.indicators` builds DataFrames under the
English keys and the writer looks the labels and formats up by key. Adding an
indicator is one entry in :data:`INDICATORS` plus its computation.
"""

from __future__ import annotations

from dataclasses import dataclass

from .structure import Column, Fmt, Kind, Sheet


def _number(key: str, label: str, number_format: Fmt) -> Column:
    return Column(key, label, Kind.NUMBER, number_format=number_format)


def _text(key: str, label: str) -> Column:
    return Column(key, label)


# --- Resumen: the eight sales indicators of the seeds, keyed -------------------------
INDICATORS = Sheet(
    key="indicadores",
    label="Indicador",
    columns=(
        _number("ventas", "Número de ventas", Fmt.COUNT),
        _number("facturacion", "Facturación", Fmt.MONEY),
        _number("nuevos", "Clientes nuevos", Fmt.COUNT),
        _number("perdidos", "Clientes perdidos", Fmt.COUNT),
        _number("perdidos_por_nuevo", "Clientes perdidos por cada nuevo", Fmt.RATIO),
        _number("contactos", "Llamadas y contactos de venta", Fmt.COUNT),
        _number("satisfaccion", "Satisfacción media (1–5)", Fmt.ONE_DECIMAL),
        _number("nps", "NPS (recomendación)", Fmt.WHOLE),
        _number("reclamos", "Reclamos recibidos", Fmt.COUNT),
    ),
)
PERIOD_CURRENT = "actual"
PERIOD_PREVIOUS = "anterior"
PERIOD_LAST_YEAR = "anio_anterior"
PERIOD_LAST_FULL = "ultimo_completo"
PERIODS_TABLE = Sheet(
    key="periodos",
    label="Indicadores del periodo",
    columns=(
        _text(PERIOD_CURRENT, "Periodo actual"),
        _text(PERIOD_PREVIOUS, "Periodo anterior"),
        _text(PERIOD_LAST_YEAR, "Mismo periodo del año anterior"),
        _text(PERIOD_LAST_FULL, "Último periodo completo"),
        _number("var_anterior", "Variación vs anterior", Fmt.CHANGE),
        _number("var_anio_anterior", "Variación vs año anterior", Fmt.CHANGE),
    ),
)
# Each period column and the change column that compares the current period with it.
CHANGES = (("var_anterior", PERIOD_PREVIOUS), ("var_anio_anterior", PERIOD_LAST_YEAR))
# Indicators that are scores: their change is the difference in points (NPS +50 → −50 is −100 points, not −200 %).
POINT_CHANGES = ("satisfaccion", "nps")
CONTACTS_LABEL = "{label} ({types})"  # the row names the contact types of Reglas that count
UNCOVERED_NOTE = (
    "{sheet}: datos desde el {date}. Un periodo o mes anterior queda en blanco; uno que empieza antes y termina después "
    "cuenta solo desde el {date}, y sin variación si empieza más de {slack} días antes."
)
MISSING_SHEET_NOTE = "Sin hoja {sheet}: {indicators} no se calculan."
EMPTY_SHEET_NOTE = "La hoja {sheet} no tiene filas: {indicators} no se calculan."
LEFT_OUT_NOTE = "Fuera de las cifras: {lines} de {sheet} ({share} de la facturación) {what}; vea la hoja Revisar."
LEFT_OUT_UNKNOWN = "{verb} un cliente que no está en Clientes"
LEFT_OUT_BLANK = "no {verb} cliente"
LEFT_OUT_BOTH = "no cuentan: {blank} sin cliente y {unknown} con un cliente que no está en Clientes"
HISTORY_NOTE = (
    "Clientes nuevos y perdidos: en blanco en los periodos que empiezan antes del {date}, porque Ventas empieza el {first} "
    "y hacen falta {days} días de compras anteriores (dias_perdido) para saber quién es nuevo y quién se perdió."
)
NEW_UNKNOWN_NOTE = (
    "Clientes nuevos: Ventas empieza el {first} y hacen falta {days} días de datos antes de una primera compra "
    "(dias_cliente_nuevo) para saber que es nueva; {count} que compraron por primera vez después cuentan como activos."
)
NEW_UNKNOWN_ONE = "1 cliente"
NEW_UNKNOWN_MANY = "{count} clientes"
LEFT_OUT_ONE = ("1 línea", "nombra", "tiene")  # (how many, the verbs that agree)
LEFT_OUT_MANY = ("{count} líneas", "nombran", "tienen")
LEFT_OUT_TINY = "menos del 0,1 %"
MISSING_SHEET_INDICATORS = {
    "ventas": "el número de ventas, la facturación y los clientes nuevos",
    "seguimiento": "las llamadas y contactos de venta",
    "encuestas": "la satisfacción y el NPS",
    "reclamos": "los reclamos",
}

# Days to close a sale, over windows long enough to hold some closed deals.
CLOSING_TITLE = "Días para cerrar una venta"
CLOSING_WINDOWS = (("90d", 90), ("12m", 365))
CLOSING = Sheet(
    key="cierre",
    label="Ventas cerradas en",
    columns=(
        _number("dias", "Días para cerrar (media)", Fmt.ONE_DECIMAL),
        _number("ventas", "Ventas cerradas", Fmt.COUNT),
    ),
)
CLOSING_ROWS = {"90d": "Últimos 90 días", "12m": "Últimos 12 meses"}
CLOSE_SOURCES = {
    "oportunidades": "Desde la hoja Oportunidades: oportunidades ganadas, de la apertura al cierre.",
    "primer_contacto": "No hay hoja Oportunidades: del primer contacto registrado en Seguimiento a la primera compra.",
}
CLOSE_UNAVAILABLE = "No se calcula: hacen falta la hoja Oportunidades, o las hojas Seguimiento y Ventas."

PERIOD_RANGE = "{start} – {end}"
RESUMEN_TITLE = "Resumen de la cartera al {hoy}"
# Workbook names over the Resumen's tables (header included), for the team's own charts and formulas: each table
# has a fixed place on the sheet, whatever notes come or go.
RESUMEN_NAMES = {
    "indicators": "Resumen_indicadores",
    "closing": "Resumen_cierre",
    "by_estado": "Resumen_estados",
    "by_semaforo": "Resumen_semaforo",
    "trend": "Resumen_12meses",
}
DATA_AS_OF = "Datos al {hoy}. «12 meses» son los 365 días del {first} al {hoy}."
TREND_TITLE = "Últimos 12 meses: los 365 días del {first} al {hoy}, como «Facturación 12 meses» en Clientes"
RESUMEN_SUBTITLE = (
    "Indicadores del {period} en curso (hasta hoy) frente al mismo tramo del {period} anterior y del año anterior, "
    "y el último {period} completo."
)
PARTIAL_MONTH = "{month} ({first}–{last})"  # a month in part: «nov 2026 (1–18)», «dic 2025 (19–31)»
MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")

TREND = Sheet(
    key="tendencia",
    label="Últimos 12 meses",
    columns=(
        _text("mes", "Mes"),
        _number("facturacion", "Facturación", Fmt.MONEY),
        _number("ventas", "Ventas", Fmt.COUNT),
        _number("nuevos", "Clientes nuevos", Fmt.COUNT),
        _number("perdidos", "Clientes perdidos", Fmt.COUNT),
        _number("contactos", "Contactos", Fmt.COUNT),
        _number("reclamos", "Reclamos", Fmt.COUNT),
    ),
)
COUNTS = Sheet(key="conteo", label="Clientes", columns=(Column("clientes", "Clientes", Kind.NUMBER),))
ESTADO_TITLE = "Clientes por estado"
ESTADO_LABEL = "Estado"
SEMAFORO_TITLE = "Clientes por semáforo"
CHART_REVENUE = "Facturación por mes"
CHART_NEW_LOST = "Clientes nuevos y perdidos por mes"
CHART_ESTADOS = "Clientes por estado"
CHART_SEMAFORO = "Semáforo"
CHART_PARETO = "Concentración de la facturación (Pareto)"
CHART_PARETO_TOP = "Concentración de la facturación (Pareto): los {count} primeros de {total} clientes"
STALE_DATA = "Los datos terminan el {date}: use --hoy {iso} para analizarlos a esa fecha (hoy casi todos aparecen como perdidos)."
STALE_AFTER_DAYS = 365
# The refresh date, as a number format over the date itself; {signed}: when and by whom (STAMP_TIME, STAMP_BY), or nothing.
STAMP = '"{words} "dd/mm/yyyy{signed}'
STAMP_STALE = '"{words} "dd/mm/yyyy{signed}" — hace más de {days} días: actualice la cartera"'
STAMP_WORDS = "Actualizado el"  # a refresh as of the real today
STAMP_WORDS_AS_OF = "Calculado al"  # a refresh as of another day (--hoy): its colours compare with that day too
STAMP_WORDS_ALL = (STAMP_WORDS, STAMP_WORDS_AS_OF)
STAMP_TIME = '" a las "hh:mm'  # a refresh as of today says its time; one as of another day (--hoy) does not
STAMP_BY = '" por {who}"'  # the user who refreshed, as the system names them
STALE_DAYS = 7

# --- Análisis ----------------------------------------------------------------------------
ANALISIS_TITLE = "Análisis de la cartera en 5 ejes, y los referidos"
AXIS_SEGMENTS = "1. Segmentos de clientes"
AXIS_ESTADOS = "2. Estados de clientes"
AXIS_ORIGIN = "3. Razones de alta: origen de los clientes"
AXIS_CHURN = "4. Razones de baja"
AXIS_RECOMMENDATION = "5. Nivel de recomendación"
NO_VALUE = "(sin dato)"
SEGMENTS = Sheet(
    key="segmentos",
    label="Segmentos",
    columns=(
        _number("clientes", "Clientes", Fmt.COUNT),
        _number("compradores", "Compradores", Fmt.COUNT),
        _number("facturacion_12m", "Facturación 12 meses", Fmt.MONEY),
        _number("participacion", "Participación", Fmt.PERCENT),
    ),
)
ESTADO_REVENUE = Sheet(
    key="estados",
    label="Estados",
    columns=(_number("clientes", "Clientes", Fmt.COUNT), _number("facturacion_12m", "Facturación 12 meses", Fmt.MONEY)),
)
ORIGINS = Sheet(
    key="origenes",
    label="Origen",
    columns=(
        _number("clientes", "Clientes", Fmt.COUNT),
        _number("compradores", "Compradores", Fmt.COUNT),
        _number("conversion", "Conversión", Fmt.PERCENT),
        _number("facturacion_12m", "Facturación 12 meses", Fmt.MONEY),
        _number("participacion", "Participación", Fmt.PERCENT),
    ),
)
CHURN = Sheet(
    key="bajas",
    label="Bajas",
    columns=(_number("perdidos", "Clientes perdidos", Fmt.COUNT), _number("participacion", "Participación", Fmt.PERCENT)),
)
RECOMMENDATION = Sheet(
    key="recomendacion",
    label="Recomendación",
    columns=(_number("clientes", "Clientes", Fmt.COUNT), _number("participacion", "Participación", Fmt.PERCENT)),
)
PROMOTERS = "Promotores (9–10)"
PASSIVES = "Pasivos (7–8)"
DETRACTORS = "Detractores (0–6)"
NPS_LABEL = "NPS"
RECOMMENDATION_ROWS = {"promotores": PROMOTERS, "pasivos": PASSIVES, "detractores": DETRACTORS, "nps": NPS_LABEL}
NO_SURVEYS = "Sin encuestas: no hay datos de recomendación."
AXIS_REFERRALS = "6. Capacidad de atraer clientes: referidos por cliente"
REFERRALS = Sheet(
    key="referidos",
    label="Referidos",
    columns=(
        _text("id", "ID"),
        _text("referente", "Cliente que recomendó"),
        _number("clientes", "Clientes que trajo", Fmt.COUNT),
        _number("compradores", "De ellos compran", Fmt.COUNT),
        _number("facturacion_12m", "Facturación 12 meses de sus referidos", Fmt.MONEY),
    ),
)
NO_REFERRALS = "Ningún cliente tiene «Referido por»: no hay datos de referidos."

# --- Concentración ---------------------------------------------------------------------
CONCENTRACION_TITLE = "Concentración de la facturación (últimos 12 meses)"
PARETO = Sheet(
    key="pareto",
    label="Pareto",
    columns=(
        _number("puesto", "Puesto", Fmt.WHOLE),
        _text("id", "ID"),
        _text("cliente", "Cliente"),
        _number("facturacion_12m", "Facturación 12 meses", Fmt.MONEY),
        _number("participacion", "Participación", Fmt.PERCENT),
        _number("acumulada", "Participación acumulada", Fmt.PERCENT),
        _text("abc", "ABC"),
    ),
)
TOP_SHARE = "Participación de los {n} primeros"
TOP_SHARE_ONE = "Participación del primero"
HERFINDAHL = "Índice de Herfindahl (0–10.000)"
CONCENTRATION_OK = "La facturación está repartida: ningún umbral de concentración se supera."
CONCENTRATION_TOP1 = "Atención: un solo cliente ({client}) hace el {share} de la facturación (umbral {threshold})."
CONCENTRATION_TOP5 = "Atención: los cinco primeros clientes hacen el {share} de la facturación (umbral {threshold})."
NO_REVENUE = "No hay facturación en los últimos 12 meses."

# --- Geografía -----------------------------------------------------------------------------
GEOGRAFIA_TITLE = "Clientes y facturación por región y ciudad"
BY_COUNTRY = "Por país"
BY_REGION = "Por región"
BY_CITY = "Por ciudad"

# --- Productos -----------------------------------------------------------------------------
PRODUCTOS_TITLE = "Productos (últimos 12 meses), venta cruzada y próximo producto a ofrecer (todo el historial)"
PRODUCTS = Sheet(
    key="productos",
    label="Producto",
    columns=(
        _number("clientes", "Clientes", Fmt.COUNT),
        _number("unidades", "Unidades 12 meses", Fmt.COUNT),
        _number("facturacion", "Facturación 12 meses", Fmt.MONEY),
        _number("participacion", "Participación", Fmt.PERCENT),
    ),
)
PAIRS_TITLE = "Se compran juntos, en todo el historial (pares que compran {minimum} clientes o más): {shown}, por soporte × lift"
PAIRS_SHOWN = {0: "ninguno", 1: "el único"}  # how many of the pairs the table shows, by how many there are
PAIRS_SHOWN_ALL = "los {total}"
PAIRS_SHOWN_SOME = "los {shown} más fuertes de {total}"
NO_PAIRS = "Ningún par de productos lo compran {minimum} clientes o más (min_clientes_par en Reglas)."
PAIRS = Sheet(
    key="pares",
    label="Pares",
    columns=(
        _text("producto_a", "Producto A"),
        _text("producto_b", "Producto B"),
        _number("clientes", "Clientes con ambos", Fmt.COUNT),
        _number("soporte", "Soporte", Fmt.PERCENT),
        _number("confianza", "Confianza A→B", Fmt.PERCENT),
        _number("lift", "Lift", Fmt.RATIO),
    ),
)
OFFER_TITLE = "Producto a ofrecer a cada cliente: el de su par más fuerte con algo que ya compra (solo pares con lift mayor que 1)"
OFFERS = Sheet(
    key="ofertas",
    label="Ofertas",
    columns=(
        _text("id", "ID"),
        _text("cliente", "Cliente"),
        _text("vendedor", "Vendedor"),
        _text("producto", "Producto a ofrecer"),
        _text("porque", "Porque compra"),
        _number("lift", "Lift del par", Fmt.RATIO),
        _number("soporte", "Soporte", Fmt.PERCENT),
        _number("confianza", "Confianza", Fmt.PERCENT),
    ),
)
NO_SALES = "Sin hoja Ventas: no hay datos de productos."
NO_SALES_ROWS = "La hoja {sheet} no tiene filas: no hay datos de productos."
NO_PRODUCT_COLUMN = "La hoja {sheet} no tiene la columna «{column}»: añádala para ver los productos."
NO_RECENT_PRODUCTS = "No hay ventas con producto en los últimos 12 meses."
NO_COLUMN = "Clientes no tiene la columna «{column}»: añádala y complétela para ver esta tabla."

# --- Vendedores ----------------------------------------------------------------------------
VENDEDORES_TITLE = "Cartera por vendedor"
SALESPERSON = "Vendedor"
NO_SALESPERSON = "(sin vendedor)"
# Beside one count column per estado and per semáforo colour (their names are the labels).
SALESPEOPLE = Sheet(
    key="vendedores",
    label="Vendedor",
    columns=(
        _number("facturacion_12m", "Facturación 12 meses", Fmt.MONEY),
        _number("contactos_90d", "Contactos 90 días", Fmt.COUNT),
        _number("vencidas", "Acciones vencidas", Fmt.COUNT),
    ),
)

# --- The figures: notebook name (``cartera.indicadores``, Spanish as the team names them) and table headers --


@dataclass(frozen=True)
class Figure:
    """One figure of the summary sheets (a field of ``indicators.Indicators``), as a notebook shows it."""

    key: str
    name: str  # its key in ``cartera.indicadores``
    table: Sheet | None = None  # the headers of its table, when it is one


FIGURES = (
    Figure("periods", "periodos", PERIODS_TABLE),
    Figure("ranges", "rangos"),
    Figure("trend", "tendencia", TREND),
    Figure("by_estado", "estados", COUNTS),
    Figure("by_semaforo", "semaforo", COUNTS),
    Figure("estado_revenue", "estados_facturacion", ESTADO_REVENUE),
    Figure("segments", "segmentos", SEGMENTS),
    Figure("origins", "origenes", ORIGINS),
    Figure("churn", "bajas", CHURN),
    Figure("recommendation", "recomendacion", RECOMMENDATION),
    Figure("pareto", "pareto", PARETO),
    Figure("concentration", "concentracion"),
    Figure("countries", "paises", SEGMENTS),
    Figure("regions", "regiones", SEGMENTS),
    Figure("cities", "ciudades", SEGMENTS),
    Figure("products", "productos", PRODUCTS),
    Figure("pairs", "pares", PAIRS),
    Figure("pairs_total", "pares_total"),
    Figure("offers", "ofertas", OFFERS),
    Figure("salespeople", "vendedores", SALESPEOPLE),
    Figure("closing", "dias_cierre", CLOSING),
    Figure("closing_source", "fuente_dias_cierre"),
    Figure("uncovered", "sin_datos_antes"),
    Figure("referrals", "referidos", REFERRALS),
    Figure("stale", "datos_hasta"),
    Figure("left_out", "fuera_de_las_cifras"),
    Figure("history", "nuevos_y_perdidos_desde"),
    Figure("new_unknown", "nuevos_sin_historia"),
)
FIGURE_NAMES = {figure.key: figure.name for figure in FIGURES}
FIGURE_TABLES = {figure.key: figure.table for figure in FIGURES if figure.table is not None}
