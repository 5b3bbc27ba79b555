"""The rule thresholds of the ``Reglas`` sheet: one typed field each, with its default, description and bounds."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, fields

from .sheets import CONTACT_TYPES
from .structure import Parameter, fold, parameter

WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
PERIOD_MONTH = "mes"
PERIOD_QUARTER = "trimestre"
PERIOD_YEAR = "año"
PERIODS = (PERIOD_MONTH, PERIOD_QUARTER, PERIOD_YEAR)
TEMPLATE_CURRENCY = "€"  # what ``init`` writes in Reglas: a new workbook says its currency, the team changes it
_LIST_SEPARATORS = re.compile(r"\s*[,;]\s*")


def time_zone(text: str) -> str:
    """An IANA time zone name (``Europe/Madrid``, ``America/Lima``) as the calendar needs it."""
    name = text.strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise ValueError(name) from None
    return name


def contact_types(text: str) -> str:
    """A list of contact types of Seguimiento (``llamada, visita``), written back in their canonical spelling."""
    by_fold = {fold(kind): kind for kind in CONTACT_TYPES}
    names = [name for name in _LIST_SEPARATORS.split(text.strip()) if name]
    if not names or any(fold(name) not in by_fold for name in names):
        raise ValueError(text)
    return ", ".join(dict.fromkeys(by_fold[fold(name)] for name in names))


_HOLIDAY = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")


def holidays(text: str) -> str:
    """Days off, separated by commas: ``25/12`` every year, ``06/04/2026`` once; written back as ``dd/mm`` or ``dd/mm/yyyy``."""
    days = []
    for item in (part for part in _LIST_SEPARATORS.split(text.strip()) if part):
        match = _HOLIDAY.match(item)
        if match is None:
            raise ValueError(text)
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        try:
            dt.date(int(year) if year else 2024, month, day)  # 2024: a leap year, so 29/02 is a day
        except ValueError:
            raise ValueError(text) from None
        days.append(f"{day:02d}/{month:02d}" + (f"/{year}" if year else ""))
    return ", ".join(dict.fromkeys(days))


@dataclass(frozen=True)
class Parameters:
    """Every threshold of the rules, as the team sets it in the ``Reglas`` sheet (defaults otherwise).

    Numbers typed as whole numbers stay ``int`` (``20`` is written back as ``20``).
    """

    dias_perdido: int = parameter(
        365,
        "Días sin comprar a partir de los cuales un cliente se da por perdido (o el doble de su umbral de inactividad, si es mayor).",
        minimum=1,
    )
    dias_cliente_nuevo: int = parameter(90, "Días desde la primera compra durante los que un cliente se considera nuevo.", minimum=1)
    dias_inactivo: int = parameter(180, "Días sin comprar para considerar inactivo a un cliente con menos de 3 compras.", minimum=1)
    dias_inactivo_min: int = parameter(
        60, "Mínimo de días sin comprar para considerar inactivo a un cliente con 3 o más compras.", minimum=1
    )
    factor_intervalo: float = parameter(
        2,
        "Con 3 o más compras, inactivo tras este múltiplo de su intervalo habitual sin comprar (nunca más de un año).",
        minimum=1,
    )
    percentil_pasivo: float = parameter(
        25,
        "Percentil inferior (facturación y número de compras de 12 meses) que marca a un cliente como pasivo. "
        "En facturación, un grupo de empatados que no cabe entero en el percentil no se marca (nunca más de esa parte); "
        "en compras, los empates se deshacen por la facturación y luego por los días sin comprar; "
        "con menos de 4 clientes por clasificar no se marca ninguno.",
        minimum=0,
        maximum=100,
    )
    factor_volumen: float = parameter(
        1.0, "Volumen alto: facturación de 12 meses mayor que este múltiplo del promedio por cliente comprador.", minimum=0
    )
    factor_volumen_bajo: float = parameter(
        0.5, "Volumen bajo: facturación de 12 meses menor que este múltiplo del promedio; entre ambos, medio.", minimum=0
    )
    abc_a: float = parameter(
        80,
        "Clase A: clientes que hacen este porcentaje acumulado de la facturación (a igual facturación, igual clase).",
        minimum=0,
        maximum=100,
    )
    abc_b: float = parameter(95, "Clase B: hasta este porcentaje acumulado; el resto es clase C.", minimum=0, maximum=100)
    prob_alta: float = parameter(70, "Probabilidad de compra (%) a partir de la cual un prospecto es prioritario.", minimum=0, maximum=100)
    dias_aviso: int = parameter(
        7,
        "Días de antelación con que una acción o un recordatorio se pone en amarillo. Si su fecha pasa sin un contacto "
        "registrado en Seguimiento, queda en su fecha y se pone en rojo (vencido): nunca se corre a otro día.",
        minimum=0,
    )
    dias_sin_contacto: int = parameter(
        30,
        "Días sin contacto tras los que se recuerda llamar a un cliente activo o nuevo (el recordatorio cae en el día de seguimiento). "
        "Cuentan desde lo más reciente: su último contacto, su última compra, su alta o el primer contacto anotado en Seguimiento.",
        minimum=1,
    )
    dias_espera_respuesta: int = parameter(
        10,
        "Días en verde esperando que el cliente diga si le interesa; pasados, recordatorio en amarillo. "
        "Un cliente sin nada pendiente no tiene color: «sin alerta».",
        minimum=0,
    )
    dia_seguimiento: str = parameter(
        "viernes",
        "Día fijo de la semana para el seguimiento de clientes. Es día hábil aunque sea sábado o domingo (salvo feriado).",
        choices=WEEKDAYS,
    )
    feriados: str = parameter(
        "",
        "Feriados separados por comas: 25/12 (cada año), 06/04/2026 (una vez). Días hábiles: de lunes a viernes y el día de "
        "seguimiento, salvo feriados. Un recordatorio que calcula la herramienta y cae en feriado, o en sábado o domingo que no "
        "es el día de seguimiento, pasa al siguiente día hábil; las fechas que escribe el equipo no se mueven.",
        check=holidays,
    )
    dias_agenda: int = parameter(
        14,
        "Días hacia adelante que cubre la hoja Agenda: una fila por acción pendiente (un cliente puede tener varias).",
        minimum=1,
    )
    zona_horaria: str = parameter(
        "Europe/Madrid",
        "Zona horaria del equipo (nombre IANA, p. ej. America/Lima): la hora de las acciones en el calendario exportado.",
        check=time_zone,
    )
    min_clientes_par: int = parameter(
        3, "Venta cruzada: un par de productos se muestra y se usa para ofrecer solo si lo compran al menos estos clientes.", minimum=1
    )
    tipos_contacto_venta: str = parameter(
        "llamada, visita, reunión",
        "Tipos de contacto de Seguimiento que cuentan como «llamadas y contactos de venta» en el Resumen, separados por comas.",
        check=contact_types,
    )
    umbral_top1: float = parameter(
        20, "Aviso de concentración si un solo cliente supera este porcentaje de la facturación.", minimum=0, maximum=100
    )
    umbral_top5: float = parameter(
        50, "Aviso de concentración si los cinco primeros clientes superan este porcentaje.", minimum=0, maximum=100
    )
    periodo: str = parameter("mes", "Periodo de los indicadores del Resumen.", choices=PERIODS)
    moneda: str = parameter(
        "",
        "Moneda de los importes: símbolo (€, S/, $) o código (USD). Vacía: la del formato de los importes de Ventas.",
    )
    anio_minimo: int = parameter(
        1990,
        "Año más antiguo posible en las fechas de las hojas (p. ej. el de fundación del negocio): una fecha anterior se avisa en Revisar.",
        minimum=1900,
        maximum=2100,
    )
    anios_futuro: int = parameter(
        2,
        "Años hacia adelante que puede estar una fecha escrita (una próxima acción, un cierre previsto): una posterior se avisa en Revisar.",
        minimum=0,
        maximum=100,
    )
    respaldos: int = parameter(10, "Cuántos respaldos del libro se guardan en la carpeta «respaldos».", minimum=0)

    @property
    def holidays(self) -> tuple[frozenset[str], frozenset[str]]:
        """The days off of ``feriados``: (``dd/mm`` every year, ``dd/mm/yyyy`` once)."""
        listed = [item for item in holidays(self.feriados).split(", ") if item]
        return frozenset(item for item in listed if item.count("/") == 1), frozenset(item for item in listed if item.count("/") == 2)

    @property
    def sales_contact_types(self) -> tuple[str, ...]:
        """The contact types that count as sales contacts, canonical."""
        return tuple(contact_types(self.tipos_contacto_venta).split(", "))


PARAMETERS: tuple[Parameter, ...] = tuple(
    Parameter(
        f.name,
        f.default,  # type: ignore[arg-type]
        f.metadata["description"],
        f.metadata["choices"],
        f.metadata["minimum"],
        f.metadata["maximum"],
        f.metadata["check"],
        f.type in ("int", int),
    )
    for f in fields(Parameters)
)
PARAMETERS_BY_KEY = {p.key: p for p in PARAMETERS}
