"""Labels of the summary sheets: Resumen, Análisis, Concentración, Geografía, Productos, Vendedores."""

from __future__ import annotations

# Indicator keys → the team's names, in the order of the seeds' eight sales indicators.
INDICATORS = (
    ("ventas", "Número de ventas"),
    ("facturacion", "Facturación"),
    ("nuevos", "Clientes nuevos"),
    ("perdidos", "Clientes perdidos"),
    ("perdidos_por_nuevo", "Clientes perdidos por cada nuevo"),
    ("contactos", "Llamadas y contactos de venta"),
    ("dias_cierre", "Días para cerrar una venta"),
    ("satisfaccion", "Satisfacción media (1–5)"),
    ("nps", "NPS (recomendación)"),
    ("reclamos", "Reclamos recibidos"),
)
PERIOD_CURRENT = "Periodo actual"
PERIOD_PREVIOUS = "Periodo anterior"
PERIOD_LAST_YEAR = "Mismo periodo del año anterior"
CHANGE_PREVIOUS = "Variación vs anterior"
CHANGE_LAST_YEAR = "Variación vs año anterior"
INDICATOR = "Indicador"
PERIOD_RANGE = "{start} – {end}"
PERIOD_NAMES = {"mes": "mes", "trimestre": "trimestre", "año": "año"}

RESUMEN_TITLE = "Resumen de la cartera al {hoy}"
DATA_AS_OF = "Datos al {hoy}."
RESUMEN_SUBTITLE = "Indicadores del {period} en curso (hasta hoy) frente al mismo tramo del {period} anterior y del año anterior."
MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
TREND_TITLE = "Últimos 12 meses"
TREND_COLUMNS = ("Mes", "Facturación", "Ventas", "Clientes nuevos", "Clientes perdidos", "Contactos", "Reclamos")
ESTADO_TITLE = "Clientes por estado"
SEMAFORO_TITLE = "Clientes por semáforo"
COUNT = "Clientes"
CHART_REVENUE = "Facturación por mes"
CHART_NEW_LOST = "Clientes nuevos y perdidos por mes"
CHART_ESTADOS = "Clientes por estado"
CHART_SEMAFORO = "Semáforo"
CHART_PARETO = "Concentración de la facturación (Pareto)"
CLOSE_SOURCE_OPPORTUNITIES = "Días para cerrar: oportunidades ganadas (apertura → cierre)."
CLOSE_SOURCE_FIRST_PURCHASE = "Días para cerrar: del primer contacto a la primera compra (no hay hoja Oportunidades)."
MISSING_SHEET_NOTE = "Sin hoja {sheet}: este indicador no se calcula."

ANALISIS_TITLE = "Análisis de la cartera en 5 ejes"
AXIS_SEGMENTS = "1. Segmentos de clientes"
AXIS_ESTADOS = "2. Estados de clientes"
AXIS_ORIGIN = "3. Razones de alta: origen de los clientes"
AXIS_CHURN = "4. Razones de baja"
AXIS_RECOMMENDATION = "5. Nivel de recomendación"
NO_VALUE = "(sin dato)"
SEGMENT_COLUMNS = ("Clientes", "Compradores", "Facturación 12 meses", "Participación")
ORIGIN_COLUMNS = ("Clientes", "Compradores", "Conversión", "Facturación 12 meses", "Participación")
CHURN_COLUMNS = ("Clientes perdidos", "Participación")
RECOMMENDATION_COLUMNS = ("Clientes", "Participación")
PROMOTERS = "Promotores (9–10)"
PASSIVES = "Pasivos (7–8)"
DETRACTORS = "Detractores (0–6)"
NPS_LABEL = "NPS"
NO_SURVEYS = "Sin encuestas: no hay datos de recomendación."

CONCENTRACION_TITLE = "Concentración de la facturación (últimos 12 meses)"
PARETO_COLUMNS = ("Puesto", "ID", "Cliente", "Facturación 12 meses", "Participación", "Participación acumulada", "ABC")
TOP_SHARE = "Participación de los {n} primeros"
HERFINDAHL = "Índice de Herfindahl (0–10.000)"
CONCENTRATION_OK = "La facturación está repartida: ningún umbral de concentración se supera."
CONCENTRATION_TOP1 = "Atención: un solo cliente ({client}) hace el {share} de la facturación (umbral {threshold})."
CONCENTRATION_TOP5 = "Atención: los cinco primeros clientes hacen el {share} de la facturación (umbral {threshold})."
NO_REVENUE = "No hay facturación en los últimos 12 meses."

GEOGRAFIA_TITLE = "Clientes y facturación por región y ciudad"
BY_REGION = "Por región"
BY_CITY = "Por ciudad"

PRODUCTOS_TITLE = "Productos, venta cruzada y próximo producto a ofrecer"
PRODUCT_COLUMNS = ("Producto", "Clientes", "Unidades", "Facturación", "Participación")
PAIRS_TITLE = "Se compran juntos (clientes que compran ambos)"
PAIR_COLUMNS = ("Producto A", "Producto B", "Clientes con ambos", "Soporte", "Confianza A→B", "Lift")
OFFER_TITLE = "Producto a ofrecer a cada cliente"
OFFER_COLUMNS = ("ID", "Cliente", "Vendedor", "Producto a ofrecer", "Lift")
NO_SALES = "Sin hoja Ventas: no hay datos de productos."

VENDEDORES_TITLE = "Cartera por vendedor"
SALESPERSON = "Vendedor"
NO_SALESPERSON = "(sin vendedor)"
SALESPERSON_EXTRA = ("Facturación 12 meses", "Contactos 90 días", "Acciones vencidas")
