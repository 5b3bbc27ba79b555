"""Turn one raw cell value into a typed value, the way a Spanish-speaking team types them.

Readers hand over ``str``, ``float``, ``int``, ``bool``, ``date`` or ``datetime``
(see :mod:`cartera_xls.sources`); each parser returns the typed value, ``None``
for a blank, or raises :class:`BadValue` carrying the problem template.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from .schema import LAST_DAY, Column, Kind, fold, messages, within_dates
from .schema.sheets import NO, PROBABILITY_WORDS, SI

EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)
_TRUE = {"si", "s", "x", "1", "true", "verdadero", "yes", "y", "ok"}
_FALSE = {"no", "n", "0", "false", "falso", "-"}
_CURRENCY = re.compile(r"[€$£¥]|(?<![a-z])(?:eur|usd|ars|clp|cop|mxn|pen|uyu|bs\.?|s/\.?)(?![a-z])|\s", re.IGNORECASE)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_TIME = re.compile(r"[ T](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_PROBABILITY_WORDS = {fold(word): value for word, value in PROBABILITY_WORDS}


class BadValue(ValueError):
    """A cell value that cannot be read as its column's type."""

    def __init__(self, template: messages.Template, **fields: Any) -> None:
        super().__init__(template[0])
        self.template = template
        self.fields = fields


def is_blank(raw: Any) -> bool:
    """True for empty cells and cells holding only spaces."""
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, float) and math.isnan(raw))


def parse_text(raw: Any) -> str:
    """Text as typed; numbers lose a spurious ``.0``, dates read dd/mm/yyyy."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return SI if raw else NO
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.strftime("%d/%m/%Y %H:%M") if raw.time() != dt.time() else raw.strftime("%d/%m/%Y")
    if isinstance(raw, dt.date):
        return raw.strftime("%d/%m/%Y")
    return str(raw)


def parse_id(raw: Any) -> str:
    """An identifier: text without surrounding spaces; ``12.0`` becomes ``"12"``."""
    return parse_text(raw).strip()


def parse_number(raw: Any) -> float:
    """Amounts typed as ``1.234,56``, ``1,234.56``, ``€ 1.234``, ``$1,234`` or ``(300)``."""
    if isinstance(raw, bool):
        raise BadValue(messages.BAD_NUMBER)
    if isinstance(raw, (int, float)):
        return float(raw)
    if not isinstance(raw, str):
        raise BadValue(messages.BAD_NUMBER)
    text = _CURRENCY.sub("", raw)
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    if text.endswith("-"):  # accounting style "300-"
        negative, text = True, text[:-1]
    text = _normalise_separators(text)
    try:
        value = float(text)
    except ValueError:
        raise BadValue(messages.BAD_NUMBER) from None
    if not math.isfinite(value):
        raise BadValue(messages.BAD_NUMBER)
    return -value if negative else value


def _normalise_separators(text: str) -> str:
    """Make ``text`` a Python float literal, guessing which separator is decimal."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:  # the last one is the decimal separator
        thousands, decimal = (".", ",") if text.rfind(",") > text.rfind(".") else (",", ".")
        return text.replace(thousands, "").replace(decimal, ".")
    for sep, count in ((",", commas), (".", dots)):
        if count > 1:  # 1.234.567 — only thousands
            return text.replace(sep, "")
        if count == 1:
            whole, _, frac = text.partition(sep)
            if len(frac) == 3 and whole.lstrip("-+") not in ("", "0"):
                return whole + frac  # 1.234 or 1,234 — thousands
            return whole + "." + frac
    return text


def parse_integer(raw: Any) -> int:
    """A whole number such as a 1–5 score."""
    try:
        value = parse_number(raw)
    except BadValue:
        raise BadValue(messages.BAD_INTEGER) from None
    if not value.is_integer():
        raise BadValue(messages.BAD_INTEGER)
    return int(value)


def parse_bool(raw: Any) -> bool:
    """``sí/si/x/1/true`` and ``no/0/false``."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        key = fold(raw)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise BadValue(messages.BAD_BOOL)


def parse_percent(raw: Any) -> float:
    """A probability in 0–1 from ``70%``, ``0,7``, ``70`` or ``alta/media/baja``."""
    if isinstance(raw, str):
        key = fold(raw)
        if key in _PROBABILITY_WORDS:
            return _PROBABILITY_WORDS[key]
        stripped = raw.strip()
        if stripped.endswith("%"):
            try:
                return _in_unit_range(parse_number(stripped[:-1]) / 100)
            except BadValue:
                raise BadValue(messages.BAD_PERCENT) from None
    try:
        value = parse_number(raw)
    except BadValue:
        raise BadValue(messages.BAD_PERCENT) from None
    return _in_unit_range(value / 100 if value > 1 else value)


def _in_unit_range(value: float) -> float:
    if not 0 <= value <= 1:
        raise BadValue(messages.BAD_PERCENT)
    return round(value, 10)


def date_parser(date1904: bool = False) -> Callable[[Any], dt.date]:
    """A date parser for a workbook, which may use the 1904 date system."""
    epoch = EXCEL_EPOCH_1904 if date1904 else EXCEL_EPOCH
    after_last = (LAST_DAY - epoch).days + 1  # the serial of the day after LAST_DAY

    def parse_date(raw: Any) -> dt.date:
        """Dates as cells, Excel serials, ``dd/mm/yyyy`` (day first) or ``yyyy-mm-dd``."""
        if isinstance(raw, dt.datetime):
            return _in_excel_range(raw.date())
        if isinstance(raw, dt.date):
            return _in_excel_range(raw)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if 1 <= raw < after_last:
                # Excel's serial 60 is 29/02/1900, a day that never was: earlier serials count from 31/12/1899.
                shift = 1 if not date1904 and raw < 61 else 0
                return epoch + dt.timedelta(days=int(raw) + shift)
            raise BadValue(messages.BAD_DATE)
        if isinstance(raw, str):
            return _in_excel_range(_parse_date_text(raw.strip()))
        raise BadValue(messages.BAD_DATE)

    return parse_date


def date_time_parser(date1904: bool = False) -> Callable[[Any], dt.date]:
    """Like :func:`date_parser`, but a time of day (a datetime, a serial's fraction, ``27/11/2026 10:30``) is kept."""
    parse_date = date_parser(date1904)

    def parse_date_time(raw: Any) -> dt.date:
        day = parse_date(raw)
        if isinstance(raw, dt.datetime):
            moment = raw.replace(tzinfo=None, microsecond=0)
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            seconds = round((raw - int(raw)) * 86400)
            moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
        elif isinstance(raw, str) and (match := _TIME.search(raw.strip())):
            hours, minutes = int(match.group(1)), int(match.group(2))
            if hours > 23 or minutes > 59:
                raise BadValue(messages.BAD_DATE)
            moment = dt.datetime.combine(day, dt.time(hours, minutes))
        else:
            return day
        return moment if moment.time() != dt.time() else day

    return parse_date_time


def _in_excel_range(value: dt.date) -> dt.date:
    """Excel cannot show dates before 1900; years past LAST_DAY are typos."""
    if not within_dates(value):
        raise BadValue(messages.BAD_DATE)
    return value


def _parse_date_text(text: str) -> dt.date:
    match = _YMD.match(text)
    try:
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        match = _DMY.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            if year < 100:
                year += 2000 if year < 70 else 1900
            return dt.date(year, month, day)
    except ValueError:
        pass  # 31/02/2024 and the like
    raise BadValue(messages.BAD_DATE)


def choice_parser(column: Column) -> Callable[[Any], str]:
    """A parser that maps any spelling of a choice to its canonical value."""
    lookup = column.choice_lookup()
    allowed = ", ".join(column.choices)

    def parse_choice(raw: Any) -> str:
        key = fold(parse_text(raw))
        if key in lookup:
            return lookup[key]
        raise BadValue(messages.BAD_CHOICE, choices=allowed)

    return parse_choice


def bounded(parser: Callable[[Any], Any], column: Column) -> Callable[[Any], Any]:
    """Wrap ``parser`` with the column's minimum/maximum check."""
    if column.minimum is None and column.maximum is None:
        return parser
    low = -math.inf if column.minimum is None else column.minimum
    high = math.inf if column.maximum is None else column.maximum

    def parse_bounded(raw: Any) -> Any:
        value = parser(raw)
        if not low <= value <= high:
            raise BadValue(messages.OUT_OF_RANGE, minimum=_fmt(low), maximum=_fmt(high))
        return value

    return parse_bounded


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def parser_for(column: Column, date1904: bool = False) -> Callable[[Any], Any]:
    """The parser of a column's kind, with its bounds applied."""
    parsers: dict[Kind, Callable[[Any], Any]] = {
        Kind.TEXT: parse_text,
        Kind.ID: parse_id,
        Kind.NUMBER: parse_number,
        Kind.INTEGER: parse_integer,
        Kind.BOOL: parse_bool,
        Kind.PERCENT: parse_percent,
        Kind.DATE: date_parser(date1904),
        Kind.ANY: lambda raw: raw,
    }
    if column.with_time:
        parsers[Kind.DATE] = date_time_parser(date1904)
    parser = choice_parser(column) if column.kind is Kind.CHOICE else parsers[column.kind]
    return bounded(parser, column)
