"""The parameters in force: the typed :class:`~cartera_xls.schema.params.Parameters`, overridden by the ``Reglas`` sheet."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .parsing import BadValue, is_blank, parse_number, parse_text
from .problems import Problem, thousands
from .schema import Parameter, fold, messages
from .schema.params import PARAMETERS, Parameters
from .tables import SheetTable

_BY_FOLDED = {fold(p.key): p for p in PARAMETERS}


@dataclass(frozen=True)
class ParametersRead:
    """The rules in force, the problems found and what to write back to the sheet."""

    parameters: Parameters = field(default_factory=Parameters)
    problems: tuple[Problem, ...] = ()
    rejected: dict[str, Any] = field(default_factory=dict)  # key → the unusable value as typed
    unknown_rows: tuple[tuple[Any, ...], ...] = ()  # rows naming no parameter, kept as typed

    def shown(self) -> dict[str, Any]:
        """The value to write back for each parameter: in force, or as typed when unusable."""
        return {**dataclasses.asdict(self.parameters), **self.rejected}


def read_parameters(table: SheetTable | None) -> ParametersRead:
    """Parameters from the Reglas sheet; an unusable value is reported and the default kept."""
    if table is None:
        return ParametersRead()
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    rejected: dict[str, Any] = {}
    unknown_rows: list[tuple[Any, ...]] = []
    label = table.spec.column("value").label
    for row, name, raw in zip(table.frame.index, table.frame["parameter"], table.frame["value"], strict=True):
        if not isinstance(name, str):
            continue
        parameter = _BY_FOLDED.get(fold(name))
        if parameter is None:
            problems.append(
                Problem.of(
                    messages.UNKNOWN_PARAMETER,
                    table.name,
                    int(row),
                    table.spec.column("parameter").label,
                    name,
                    messages.SEVERITY_WARNING,
                )
            )
            description = table.frame.at[row, "description"] if "description" in table.frame else None
            unknown_rows.append((name, raw, description))
            continue
        if is_blank(raw):
            continue
        try:
            values[parameter.key] = parse_parameter(parameter, raw)
        except BadValue:
            rejected[parameter.key] = raw
            allowed = _allowed(parameter)
            problems.append(
                Problem.of(
                    messages.BAD_PARAMETER,
                    table.name,
                    int(row),
                    label,
                    raw,
                    messages.SEVERITY_WARNING,
                    parameter=parameter.key,
                    default=parameter.default,
                    allowed=allowed,
                )
            )
    return ParametersRead(dataclasses.replace(Parameters(), **values), tuple(problems), rejected, tuple(unknown_rows))


def parse_parameter(parameter: Parameter, raw: Any) -> Any:
    """One value typed in Reglas, checked against the parameter's type, choices and bounds."""
    if parameter.choices:
        key = fold(parse_text(raw))
        match = next((choice for choice in parameter.choices if fold(choice) == key), None)
        if match is None:
            raise BadValue(messages.BAD_PARAMETER)
        return match
    if isinstance(parameter.default, str):
        text = parse_text(raw).strip()
        if parameter.check is None:
            return text
        try:
            return parameter.check(text)
        except ValueError:
            raise BadValue(messages.BAD_PARAMETER) from None
    text = raw.strip() if isinstance(raw, str) else raw
    percent = isinstance(text, str) and text.endswith("%")
    number = parse_number(text[:-1] if percent else text)
    if parameter.maximum == 100 and (percent is False and 0 < number <= 1 and not isinstance(raw, str)):
        number *= 100  # a cell formatted as 80 % holds 0.8
    low = parameter.minimum if parameter.minimum is not None else float("-inf")
    high = parameter.maximum if parameter.maximum is not None else float("inf")
    if not low <= number <= high:
        raise BadValue(messages.BAD_PARAMETER)
    if parameter.whole and not number.is_integer():
        raise BadValue(messages.BAD_PARAMETER)  # a number of days or of backups is whole
    if isinstance(parameter.default, int) and number.is_integer():
        return int(number)
    return number


def _allowed(parameter: Parameter) -> str:
    """What the parameter accepts, said in the hint of a refused value."""
    if parameter.choices:
        return messages.ALLOWED_VALUES.format(choices=", ".join(parameter.choices))
    if isinstance(parameter.default, str) or parameter.minimum is None or parameter.maximum is None:
        return ""
    template = messages.ALLOWED_WHOLE_RANGE if parameter.whole else messages.ALLOWED_RANGE
    return template.format(minimum=_spanish(parameter.minimum), maximum=_spanish(parameter.maximum))


def _spanish(number: float) -> str:
    """``36.500``, ``0,5``: a number as the team writes it."""
    return thousands(int(number)) if float(number).is_integer() else f"{number:g}".replace(".", ",")
