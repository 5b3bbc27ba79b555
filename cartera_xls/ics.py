"""The agenda as calendar events (RFC 5545), one all-day event per action."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from . import __version__
from .schema import messages
from .tables import is_missing

LINE_LIMIT = 75  # octets per line before folding (RFC 5545 §3.1)


def escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    )


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > LINE_LIMIT:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def agenda_calendar(plan: pd.DataFrame, hoy: dt.date) -> str:
    """The iCalendar text of an agenda frame (see :func:`cartera_xls.followup.agenda`)."""
    stamp = hoy.strftime("%Y%m%dT000000Z")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//cartera_xls//{__version__}//ES", "CALSCALE:GREGORIAN"]
    for row in plan.to_dict("records"):
        day = pd.Timestamp(row["fecha"]).date()
        client = _text(row["cliente"])
        summary = messages.ICS_SUMMARY.format(action=_text(row["accion"]), client=client)
        description = messages.ICS_DESCRIPTION.format(
            client=client,
            company=_text(row["empresa"]),
            phone=_text(row["telefono"]),
            email=_text(row["email"]),
            reason=_text(row["motivo"]),
            colour=_text(row["semaforo"]),
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape(_text(row['id']))}-{day:%Y%m%d}@cartera-xls",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(summary)}",
            f"DESCRIPTION:{escape(description)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold_line(line) for line in lines) + "\r\n"


def write_calendar(plan: pd.DataFrame, hoy: dt.date, path: Path) -> int:
    """Write the agenda to ``path`` (through a temp file); return the number of events."""
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(agenda_calendar(plan, hoy).encode("utf-8"))
    temp.replace(path)
    return len(plan)
