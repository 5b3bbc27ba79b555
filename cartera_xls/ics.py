"""The agenda as calendar events (RFC 5545) that can be imported again and again.

One event per action of the agenda. Its ``UID`` names the client and the
action (not its date), so a calendar that imports the next export updates the
event instead of adding another. An action with a time of day is a timed event
in the team's time zone (``zona_horaria`` in Reglas, with its ``VTIMEZONE``);
the others are all-day events. An overdue action is placed on the day of the
export, marked «VENCIDA», where someone will see it. Exported over a previous
export, an unchanged event keeps its ``SEQUENCE`` and ``DTSTAMP``, a changed one
gets the next ``SEQUENCE``, and an action that is no longer pending is exported
once more as ``STATUS:CANCELLED`` so the calendar removes it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import WriteFailed
from .followup import AGENDA_KEY, AGENDA_OVERDUE
from .safety import real_path
from .schema import messages
from .schema.sheets import DATE_FORMAT
from .sources import SUFFIXES as WORKBOOK_SUFFIXES
from .tables import is_missing
from .version import __version__

LINE_LIMIT = 75  # octets per line before folding (RFC 5545 §3.1)
PRODUCT = "cartera_xls"
UID_DOMAIN = "cartera-xls"
TIMED_LENGTH = "PT30M"  # a timed action blocks half an hour
KEEP_CANCELLED_DAYS = 30  # a cancelled event is exported again while this recent, then dropped
_CONTENT = ("DTSTART", "DTEND", "DURATION", "SUMMARY", "DESCRIPTION", "STATUS")  # what makes a new SEQUENCE


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


def unfold(text: str) -> list[str]:
    """Content lines of an iCalendar text, folded lines joined again."""
    return re.sub(r"\r?\n[ \t]", "", text).splitlines()


@dataclass(frozen=True)
class Event:
    """One VEVENT: its UID, the lines that say what it is, and its revision."""

    uid: str
    content: tuple[str, ...]  # DTSTART…STATUS lines, in order
    sequence: int = 0
    stamp: str = ""
    day: dt.date | None = None

    def lines(self) -> list[str]:
        head = [f"UID:{self.uid}", f"DTSTAMP:{self.stamp}", f"SEQUENCE:{self.sequence}"]
        return ["BEGIN:VEVENT", *head, *self.content, "END:VEVENT"]


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def _description(row: Mapping[Hashable, Any], client: str) -> str:
    """Who, how to reach them, why and the light: one line each, a line without its value left out."""
    company = _text(row["empresa"]).strip()
    lines = [messages.ICS_CLIENT.format(client=client) + (messages.ICS_COMPANY.format(company=company) if company else "")]
    for template, field, value in (
        (messages.ICS_PHONE, "phone", row["telefono"]),
        (messages.ICS_EMAIL, "email", row["email"]),
        (messages.ICS_REASON, "reason", row["motivo"]),
        (messages.ICS_COLOUR, "colour", row["semaforo"]),
    ):
        if _text(value).strip():
            lines.append(template.format(**{field: _text(value)}))
    return "\n".join(lines)


def agenda_path(path: str | Path) -> Path:
    """Where ``--ics agenda`` writes: ``agenda.ics`` (a name without an extension gets .ics, as ``-o`` gets .xlsx)."""
    path = Path(path)
    return path if path.suffix else path.with_name(path.name + messages.ICS_SUFFIX)


def _events(plan: pd.DataFrame, hoy: dt.date, zone: str) -> Iterator[Event]:
    for row in plan.to_dict("records"):
        moment = pd.Timestamp(row["fecha"])
        client = _text(row["cliente"])
        summary = messages.ICS_SUMMARY.format(action=_text(row["accion"]), client=client)
        description = _description(row, client)
        if row[AGENDA_OVERDUE]:  # on today's date, where someone sees it, marked as overdue
            summary = messages.ICS_OVERDUE.format(date=moment.strftime(DATE_FORMAT), summary=summary)
            day, timed = hoy, False
        else:
            day, timed = moment.date(), moment != moment.normalize()
        if timed:
            when = [f"DTSTART;TZID={zone}:{moment:%Y%m%dT%H%M%S}", f"DURATION:{TIMED_LENGTH}"]
        else:
            when = [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}"]
        content = (*when, f"SUMMARY:{escape(summary)}", f"DESCRIPTION:{escape(description)}", "STATUS:CONFIRMED")
        yield Event(f"{escape(_text(row[AGENDA_KEY]))}@{UID_DOMAIN}", content, day=day)


def read_previous(text: str) -> dict[str, Event]:
    """The events of an earlier export of this tool, by UID (nothing from a calendar it did not write)."""
    lines = unfold(text)
    if not any(line.startswith("PRODID:") and PRODUCT in line for line in lines):
        return {}
    events: dict[str, Event] = {}
    current: list[str] | None = None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT" and current is not None:
            fields = {name: value for name, _, value in (entry.partition(":") for entry in current)}
            names = {entry.partition(":")[0].split(";")[0]: entry for entry in current}
            start = re.search(r"(\d{8})", names.get("DTSTART", ""))
            day = dt.datetime.strptime(start.group(1), "%Y%m%d").date() if start else None
            content = tuple(entry for entry in current if entry.partition(":")[0].split(";")[0] in _CONTENT)
            sequence = fields.get("SEQUENCE", "0")
            uid = fields.get("UID", "")
            if uid:
                events[uid] = Event(uid, content, int(sequence) if sequence.isdigit() else 0, fields.get("DTSTAMP", ""), day)
            current = None
        elif current is not None:
            current.append(line)
    return events


def _cancelled(event: Event) -> bool:
    return "STATUS:CANCELLED" in event.content


def agenda_calendar(
    plan: pd.DataFrame, hoy: dt.date, zone: str = "UTC", previous: Mapping[str, Event] | None = None, now: dt.datetime | None = None
) -> str:
    """The iCalendar text of an agenda frame (see :func:`cartera_xls.followup.agenda`), revised against an earlier export."""
    previous = previous or {}
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    events: list[Event] = []
    for event in _events(plan, hoy, zone):
        before = previous.get(event.uid)
        if before is not None and before.content == event.content:
            events.append(Event(event.uid, event.content, before.sequence, before.stamp or stamp, event.day))
        else:
            sequence = before.sequence + 1 if before is not None else 0
            events.append(Event(event.uid, event.content, sequence, stamp, event.day))
    current = {event.uid for event in events}
    for uid, before in previous.items():
        if uid in current:
            continue
        if _cancelled(before):  # said already: repeated while recent, for a calendar that missed an export
            if before.day is not None and before.day >= hoy - dt.timedelta(days=KEEP_CANCELLED_DAYS):
                events.append(before)
            continue
        content = (*(line for line in before.content if not line.startswith("STATUS:")), "STATUS:CANCELLED")
        events.append(Event(uid, content, before.sequence + 1, stamp, before.day))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{PRODUCT}//{__version__}//ES", "CALSCALE:GREGORIAN"]
    if any(f";TZID={zone}:" in line for event in events for line in event.content):
        years = sorted({event.day.year for event in events if event.day is not None} or {hoy.year})
        lines += time_zone_lines(zone, years[0] - 1, years[-1] + 1)
    for event in events:
        lines += event.lines()
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold_line(line) for line in lines) + "\r\n"


def time_zone_lines(zone: str, first_year: int, last_year: int) -> list[str]:
    """A VTIMEZONE for ``zone``: each change of offset between those years (found from the tz database), or one fixed offset."""
    tz = zoneinfo.ZoneInfo(zone)
    start = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    changes: list[tuple[dt.datetime, dt.timedelta, dt.timedelta]] = []
    moment = start
    offset = moment.astimezone(tz).utcoffset() or dt.timedelta()
    while moment < end:  # day by day, then to the hour: offsets change at most a few times a year, on the hour
        following = moment + dt.timedelta(days=1)
        new = following.astimezone(tz).utcoffset() or dt.timedelta()
        if new != offset:  # the first second with the new offset
            low, high = int(moment.timestamp()), int(following.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                at = dt.datetime.fromtimestamp(middle, dt.UTC).astimezone(tz).utcoffset() or dt.timedelta()
                low, high = (middle, high) if at == offset else (low, middle)
            changes.append((dt.datetime.fromtimestamp(high, dt.UTC), offset, new))
            offset = new
        moment = following
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone}"]
    if not changes:
        name = start.astimezone(tz).tzname() or zone
        lines += ["BEGIN:STANDARD", "DTSTART:19700101T000000", *_offsets(offset, offset), f"TZNAME:{name}", "END:STANDARD"]
    for instant, before, after in changes:
        kind = "DAYLIGHT" if (instant.astimezone(tz).dst() or dt.timedelta()) > dt.timedelta() else "STANDARD"
        local = (instant + before).replace(tzinfo=None)  # the wall clock time it happens at, in the old offset
        name = instant.astimezone(tz).tzname() or zone
        lines += [f"BEGIN:{kind}", f"DTSTART:{local:%Y%m%dT%H%M%S}", *_offsets(before, after), f"TZNAME:{name}", f"END:{kind}"]
    lines.append("END:VTIMEZONE")
    return lines


def _offsets(before: dt.timedelta, after: dt.timedelta) -> list[str]:
    return [f"TZOFFSETFROM:{_offset(before)}", f"TZOFFSETTO:{_offset(after)}"]


def _offset(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def is_folder(path: str | Path) -> bool:
    """Whether ``--ics`` names a folder (one that exists, or written with a trailing slash): a calendar per salesperson there."""
    text = str(path)
    return Path(path).is_dir() or text.endswith(("/", os.sep))


def check_target(path: str | Path, workbooks: Iterable[Path]) -> None:
    """Refuse, before anything is written, an agenda that could not be exported: over a workbook, or into a missing folder."""
    workbooks = {real_path(p).resolve() for p in workbooks if p.exists()}
    if is_folder(path):
        folder = Path(path)
        if not folder.is_dir():
            raise WriteFailed(messages.ICS_NO_FOLDER.format(path=folder))
    else:
        file = agenda_path(path)
        if file.suffix.lower() in WORKBOOK_SUFFIXES or (file.exists() and real_path(file).resolve() in workbooks):
            raise WriteFailed(messages.ICS_ON_WORKBOOK.format(path=file.name))
        folder = file.parent
        if not folder.is_dir():
            raise WriteFailed(messages.ICS_NO_FOLDER.format(path=folder))
        if file.is_dir():
            raise WriteFailed(messages.ICS_NOT_WRITABLE.format(path=file, detail=messages.ICS_IS_FOLDER_DETAIL))
    if not os.access(folder, os.W_OK):
        raise WriteFailed(messages.ICS_NOT_WRITABLE.format(path=folder, detail=messages.ICS_READ_ONLY_DETAIL))


_UNSAFE_IN_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def salesperson_file(name: str) -> str:
    """``agenda - Lucía Ramírez.ics``: a salesperson's calendar, named so every system accepts the file."""
    safe = _UNSAFE_IN_NAME.sub("_", name).strip(" .") or "_"
    return messages.ICS_SALESPERSON_FILE.format(name=safe)


def write_calendars(plan: pd.DataFrame, hoy: dt.date, folder: Path, zone: str = "UTC", now: dt.datetime | None = None) -> dict[Path, int]:
    """Every action in ``agenda.ics`` and each salesperson's in a calendar of their own, so each subscribes to theirs.

    An action keeps its UID in both, so a calendar that imports the next export
    updates it; one handed to another salesperson is cancelled in the first's.
    A salesperson with nothing pending keeps a calendar, now empty of actions.
    """
    written = {folder / messages.ICS_TEAM_FILE: write_calendar(plan, hoy, folder / messages.ICS_TEAM_FILE, zone, now)}
    names = plan["vendedor"].map(lambda value: "" if is_missing(value) else str(value).strip())
    files = {name: folder / salesperson_file(name) for name in dict.fromkeys(names) if name}
    earlier = {
        path
        for path in folder.glob(messages.ICS_SALESPERSON_FILE.format(name="*"))
        if read_previous(path.read_bytes().decode("utf-8", "replace"))
    }
    for name, path in files.items():
        written[path] = write_calendar(plan[(names == name).to_numpy()], hoy, path, zone, now)
    for path in sorted(earlier - set(files.values())):  # nothing pending any more: its events are cancelled
        written[path] = write_calendar(plan.iloc[:0], hoy, path, zone, now)
    return written


def write_calendar(plan: pd.DataFrame, hoy: dt.date, path: Path, zone: str = "UTC", now: dt.datetime | None = None) -> int:
    """Write the agenda to ``path`` (through a temp file), revising an earlier export there; return the number of actions."""
    previous = read_previous(path.read_bytes().decode("utf-8", "replace")) if path.is_file() else {}
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_bytes(agenda_calendar(plan, hoy, zone, previous, now).encode("utf-8"))
    temp.replace(path)
    return len(plan)
