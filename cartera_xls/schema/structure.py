"""Building blocks of the schema: what a column and a sheet are.

Only types live here; the actual sheets, columns and labels are in
:mod:`cartera_xls.schema.sheets`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any


class Fmt(StrEnum):
    """Number formats by role; the writer turns ``MONEY`` into the team's currency format."""

    COUNT = "#,##0"
    MONEY = "money"
    PERCENT = "0.0%"
    WHOLE_PERCENT = "0%"
    CHANGE = "+0%;-0%;0%"
    POINTS = '+0.0" pts";-0.0" pts";0.0" pts"'
    RATIO = "0.00"
    ONE_DECIMAL = "0.0"
    WHOLE = "0"
    AMOUNT = "#,##0.00"
    DATE = "dd/mm/yyyy"
    DATE_TIME = "dd/mm/yyyy hh:mm"
    TIME = "hh:mm"
    DURATION = "[h]:mm:ss"
    MONTH = "mmm yyyy"
    GENERAL = "General"


class Kind(Enum):
    """How the values of a column are parsed and written."""

    TEXT = "texto"
    ID = "id"  # text, but numbers typed as 12.0 become "12"
    NUMBER = "número"  # amounts and quantities: 1.234,56 / 1,234.56 / € 300
    INTEGER = "entero"  # scores such as satisfaction 1-5
    DATE = "fecha"
    BOOL = "sí/no"
    PERCENT = "porcentaje"
    CHOICE = "lista"  # one of a fixed list of canonical values
    ANY = "cualquiera"  # kept as typed (the values of the Reglas sheet)


_SEPARATORS = re.compile(r"[\s_.:\-/()]+")


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Key for case-, accent- and space-insensitive comparisons.

    ``"  Teléfono  Móvil "`` and ``"telefono movil"`` fold to the same key.
    """
    if not text.isascii():  # ASCII needs no decomposing (most IDs, codes and emails)
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class Column:
    """One column of a known sheet.

    ``key`` is the Python identifier used in code and models; ``label`` is the
    Spanish header the team sees; ``aliases`` are other headers accepted on read.
    """

    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    choice_aliases: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    computed: bool = False
    dropdown: str | None = None  # name of a list on the hidden lists sheet
    width: int | None = None  # fixed width; fitted to the content when None
    number_format: str | None = None  # Excel format; the kind's default when None
    with_time: bool = False  # a date that may carry a time of day (10:30), kept in the rules
    stands_for: str | None = None  # when the sheet lacks the column with this key, this one serves as it

    def header_keys(self) -> set[str]:
        """Header keys (:func:`header_key`) that identify this column."""
        return {header_key(self.label), *(header_key(alias) for alias in self.aliases)}

    def choice_lookup(self) -> dict[str, str]:
        """Folded spelling → canonical choice."""
        lookup = {fold(choice): choice for choice in self.choices}
        lookup.update({fold(alias): canonical for alias, canonical in self.choice_aliases})
        return lookup


_TRAILING_DIGITS = re.compile(r"(?<=[a-z]{3})\d+$")


@functools.lru_cache(maxsize=1 << 14)
def header_key(text: str) -> str:
    """Key for matching headers and sheet names as exports spell them.

    Folded, then without spaces and with trailing digits dropped:
    ``NOMBRECLIENTE``, ``Nombre cliente`` and ``nombre_cliente`` match, and so do
    ``TELEFONO1`` and ``Teléfono``, ``NIF20`` and ``NIF``, ``Ventas 2025`` and
    ``Ventas`` (digits stay when fewer than three letters precede them: ``M2``).
    """
    return _TRAILING_DIGITS.sub("", fold(text).replace(" ", ""))


@dataclass(frozen=True)
class Sheet:
    """One known sheet: its Spanish name, aliases and columns."""

    key: str
    label: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    description: str = ""
    _by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {c.key: c for c in self.columns})

    def column(self, key: str) -> Column:
        """The column with this key."""
        return self._by_key[key]

    @property
    def input_columns(self) -> tuple[Column, ...]:
        """Columns the team types (everything but computed columns)."""
        return tuple(c for c in self.columns if not c.computed)

    @property
    def computed_columns(self) -> tuple[Column, ...]:
        """Columns the refresh recomputes and never reads as input."""
        return tuple(c for c in self.columns if c.computed)

    @property
    def required_columns(self) -> tuple[Column, ...]:
        """Columns without which the sheet cannot be used."""
        return tuple(c for c in self.columns if c.required)

    def name_keys(self) -> set[str]:
        """Sheet name keys (:func:`header_key`) that identify this sheet."""
        return {header_key(self.label), *(header_key(alias) for alias in self.aliases)}


@dataclass(frozen=True)
class Parameter:
    """One rule threshold, shown and edited in the ``Reglas`` sheet."""

    key: str
    default: float | int | str
    description: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    check: Callable[[str], str] | None = None  # for text: the canonical value, or ValueError
    whole: bool = False  # a count (of days, of backups): whole numbers only


FIRST_DAY = dt.date(1900, 1, 1)  # Excel shows no date before it
LAST_DAY = dt.date(2149, 12, 31)  # years past it are typos, and dates plus rule days stay within what pandas holds


def within_dates(day: dt.date) -> bool:
    """Whether a date (or a date and time) is one the tool accepts: from FIRST_DAY to LAST_DAY, both included."""
    return FIRST_DAY <= (day.date() if isinstance(day, dt.datetime) else day) <= LAST_DAY


MAX_PARAMETER = 3_650  # ten years of days: no rule needs more, and dates plus it stay within what pandas holds


def parameter(
    default: float | str,
    description: str,
    *,
    choices: tuple[str, ...] = (),
    minimum: float | None = None,
    maximum: float | None = None,
    check: Callable[[str], str] | None = None,
) -> Any:
    """A field of :class:`~cartera_xls.schema.params.Parameters`: its default, description and bounds.

    A number without a maximum of its own is bounded by :data:`MAX_PARAMETER`, so
    that every value the team may type stays within what the dates can hold.
    """
    if maximum is None and not isinstance(default, str):
        maximum = MAX_PARAMETER
    metadata = {"description": description, "choices": choices, "minimum": minimum, "maximum": maximum, "check": check}
    return field(default=default, metadata=metadata)
