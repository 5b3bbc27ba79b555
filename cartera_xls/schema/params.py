"""The rule thresholds of the ``Reglas`` sheet, with their defaults and descriptions."""

from __future__ import annotations

from .structure import Parameter

WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
PERIODS = ("mes", "trimestre", "año")

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "dias_perdido",
        365,
        "Días sin comprar a partir de los cuales un cliente se da por perdido (o el doble de su umbral de inactividad, si es mayor).",
        minimum=1,
    ),
    Parameter("dias_cliente_nuevo", 90, "Días desde la primera compra durante los que un cliente se considera nuevo.", minimum=1),
    Parameter("dias_inactivo", 180, "Días sin comprar para considerar inactivo a un cliente con menos de 3 compras.", minimum=1),
    Parameter(
        "dias_inactivo_min",
        60,
        "Mínimo de días sin comprar para considerar inactivo a un cliente con 3 o más compras.",
        minimum=1,
    ),
    Parameter(
        "factor_intervalo",
        2,
        "Un cliente con 3 o más compras está inactivo si pasa este múltiplo de su intervalo habitual sin comprar.",
        minimum=1,
    ),
    Parameter(
        "percentil_pasivo",
        25,
        "Percentil inferior (facturación y número de compras de 12 meses) que marca a un cliente como pasivo.",
        minimum=0,
        maximum=100,
    ),
    Parameter(
        "factor_volumen",
        1.0,
        "Volumen alto: facturación de 12 meses mayor que este múltiplo del promedio por cliente comprador.",
        minimum=0,
    ),
    Parameter(
        "factor_volumen_bajo",
        0.5,
        "Volumen bajo: facturación de 12 meses menor que este múltiplo del promedio; entre ambos, medio.",
        minimum=0,
    ),
    Parameter("abc_a", 80, "Clase A: clientes que hacen este porcentaje acumulado de la facturación.", minimum=0, maximum=100),
    Parameter("abc_b", 95, "Clase B: hasta este porcentaje acumulado; el resto es clase C.", minimum=0, maximum=100),
    Parameter("prob_alta", 70, "Probabilidad de compra (%) a partir de la cual un prospecto es prioritario.", minimum=0, maximum=100),
    Parameter("dias_aviso", 7, "Días de antelación con que se avisa de una acción o recompra próxima.", minimum=0),
    Parameter("dias_sin_contacto", 30, "Días sin contacto tras los que se recuerda llamar a un cliente activo o nuevo.", minimum=1),
    Parameter("dias_espera_respuesta", 10, "Días de espera de una respuesta del cliente antes de recordarle.", minimum=0),
    Parameter("dia_seguimiento", "viernes", "Día fijo de la semana para el seguimiento de clientes.", choices=WEEKDAYS),
    Parameter("dias_agenda", 14, "Días hacia adelante que cubre la hoja Agenda.", minimum=1),
    Parameter(
        "umbral_top1",
        20,
        "Aviso de concentración si un solo cliente supera este porcentaje de la facturación.",
        minimum=0,
        maximum=100,
    ),
    Parameter(
        "umbral_top5",
        50,
        "Aviso de concentración si los cinco primeros clientes superan este porcentaje.",
        minimum=0,
        maximum=100,
    ),
    Parameter("periodo", "mes", "Periodo de los indicadores del Resumen.", choices=PERIODS),
    Parameter("moneda", "€", "Símbolo de moneda de los importes."),
    Parameter("respaldos", 10, "Cuántos respaldos del libro se guardan en la carpeta «respaldos».", minimum=0),
)

PARAMETERS_BY_KEY = {p.key: p for p in PARAMETERS}
