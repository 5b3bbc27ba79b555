"""The schema: sheets, columns, aliases, parameters and every Spanish text.

Other modules import from here and never spell a label themselves:

- :mod:`.structure` — what a column, a sheet and a parameter are;
- :mod:`.sheets` — the sheets and columns of the workbook;
- :mod:`.params` — the rule thresholds of the ``Reglas`` sheet;
- :mod:`.summary` — the tables and labels of the summary sheets;
- :mod:`.messages` — problems, errors and command line sentences.
"""

from . import messages, params, sheets, summary
from .structure import FIRST_DAY, LAST_DAY, Column, Fmt, Kind, Parameter, Sheet, fold, header_key, within_dates

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "Column",
    "Fmt",
    "Kind",
    "Parameter",
    "Sheet",
    "fold",
    "header_key",
    "messages",
    "params",
    "sheets",
    "summary",
    "within_dates",
]
