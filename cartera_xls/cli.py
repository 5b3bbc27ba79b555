"""The command line: parse arguments, call the library, turn errors into Spanish and an exit code.

Exit codes: 0 done, 1 ``validate`` found problems, 2 unusable input or usage.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from .schema import messages
from .schema.sheets import DATE_FORMAT

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from .cartera import Cartera

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_UNUSABLE = 2
PROBLEMS_SHOWN = 10
DEBUG_VARIABLE = "CARTERA_XLS_DEBUG"  # set it to see the traceback of an unexpected error


class UsageError(Exception):
    """The arguments do not make a valid command."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors to ``main`` instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.format_usage()}error: {message}")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:  # --help: through the same console as the rest (an ASCII console, a closed pipe)
            _Console(cast(TextIO, file or sys.stdout)).write(message)


def _date(text: str) -> dt.date:
    """``--hoy`` as the team writes dates (``25/11/2026``) or as ISO (``2026-11-25``)."""
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date() if "/" in text else dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(messages.BAD_DATE_ARGUMENT.format(value=text)) from None


@contextlib.contextmanager
def _in_spanish() -> Iterator[None]:
    """argparse's own words in Spanish while the parser is built and used (its gettext hooks, put back after)."""
    english, english_plural = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def spanish(message: str) -> str:
        return messages.ARGPARSE.get(message, message)

    def spanish_plural(singular: str, plural: str, count: int) -> str:
        return spanish(singular if count == 1 else plural)

    argparse._ = spanish  # type: ignore[attr-defined]
    argparse.ngettext = spanish_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = english, english_plural  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with a help text for every command."""
    with _in_spanish():
        return _build_parser()


PROGRAM = "cartera-xls"  # the console script (pyproject.toml); run as a module, the program is «python -m cartera_xls»
MODULE_PROGRAM = "python -m cartera_xls"


def program_name(argv0: str | None = None) -> str:
    """The program as it was invoked, for the help and usage lines: ``cartera-xls`` (also ``cartera-xls.exe``) or the module."""
    invoked = Path(sys.argv[0] if argv0 is None else argv0).name
    return PROGRAM if Path(invoked).stem.lower() == PROGRAM else MODULE_PROGRAM


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=program_name(), description=messages.CLI_DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar=messages.CLI_COMMAND_METAVAR)
    refresh = commands.add_parser("refresh", help=messages.CLI_REFRESH_HELP, description=messages.CLI_REFRESH_HELP)
    refresh.add_argument("archivo", type=Path, help=messages.CLI_FILE_HELP)
    refresh.add_argument("-o", "--salida", type=Path, help=messages.CLI_OUTPUT_HELP)
    refresh.add_argument("--hoy", type=_date, help=messages.CLI_HOY_HELP)
    refresh.add_argument("--ics", metavar="AGENDA.ics", help=messages.CLI_ICS_HELP)  # text: «agendas/» keeps its slash
    refresh.add_argument("--forzar", action="store_true", help=messages.CLI_FORCE_HELP)
    refresh.add_argument("--ventas", type=Path, metavar="VENTAS", help=messages.CLI_SALES_HELP)
    validate = commands.add_parser("validate", help=messages.CLI_VALIDATE_HELP, description=messages.CLI_VALIDATE_HELP)
    validate.add_argument("archivo", type=Path, help=messages.CLI_FILE_HELP)
    validate.add_argument("--hoy", type=_date, help=messages.CLI_HOY_HELP)
    validate.add_argument("--ventas", type=Path, metavar="VENTAS", help=messages.CLI_SALES_HELP)
    init = commands.add_parser("init", help=messages.CLI_INIT_HELP, description=messages.CLI_INIT_HELP)
    init.add_argument("archivo", type=Path, help=messages.CLI_NEW_FILE_HELP)
    demo = commands.add_parser("demo", help=messages.CLI_DEMO_HELP, description=messages.CLI_DEMO_HELP)
    demo.add_argument("carpeta", type=Path, nargs="?", default=Path(), help=messages.CLI_DEMO_DIR_HELP)
    demo.add_argument("--hoy", type=_date, help=messages.CLI_HOY_HELP)
    return parser


class _Console:
    """A terminal stream that never fails the command: accents degraded where the console cannot show them, a closed pipe ignored.

    ``refresh cartera.xlsx | head -1`` closes the pipe after the first line, when
    the file is already written: the rest of the summary is dropped quietly and
    the command keeps its own exit status.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.closed_pipe = False

    def write(self, text: str) -> int:
        if self.closed_pipe:
            return len(text)
        try:
            try:
                return self.stream.write(text)
            except UnicodeEncodeError:
                encoding = getattr(self.stream, "encoding", None) or "ascii"
                return self.stream.write(_degraded(text, encoding))
        except BrokenPipeError:
            self._pipe_closed()
            return len(text)

    def flush(self) -> None:
        if not self.closed_pipe:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._pipe_closed()

    def isatty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def _pipe_closed(self) -> None:
        self.closed_pipe = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            # Python flushes stdout again at exit: point it at nothing, so no "Exception ignored" either.
            os.dup2(os.open(os.devnull, os.O_WRONLY), self.stream.fileno())


def _degraded(text: str, encoding: str) -> str:
    """``Número`` as ``Numero`` on a console that cannot show accents; ``?`` for what has no plain form."""
    shown = []
    for char in text:
        try:
            char.encode(encoding)
            shown.append(char)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode(encoding, "ignore").decode(encoding)
            shown.append(plain or messages.CLI_UNPRINTABLE.get(char, "?"))
    return "".join(shown)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; return its exit code. Never lets a traceback reach the team."""
    out = cast(TextIO, _Console(out or sys.stdout))
    err = cast(TextIO, _Console(err or sys.stderr))
    try:
        with _in_spanish():
            args = _build_parser().parse_args(argv)
    except UsageError as exc:
        print(str(exc), file=err)
        return EXIT_UNUSABLE
    from . import cartera as api  # heavy imports only once a command runs
    from .errors import CarteraError

    try:
        if args.command == "refresh":
            from .progress import TerminalProgress

            progress = TerminalProgress(err)
            try:
                result = api.refresh(
                    args.archivo, args.salida, args.hoy, force=args.forzar, progress=progress, ventas=args.ventas, agenda=args.ics
                )
            finally:
                progress.close()
            _summary(result.cartera, out)
            _merges(result.cartera, out, messages.CLI_MERGED)
            print(messages.CLI_WRITTEN.format(path=result.written), file=out)
            if result.backup is not None:
                replaced_other = result.written.resolve() != args.archivo.resolve()
                line = messages.CLI_REPLACED_OTHER if replaced_other else messages.CLI_BACKUP
                print(line.format(path=result.backup, written=result.written.name), file=out)
            if any(problem.code == STARTED_FROM_EXPORT for problem in result.cartera.problems):
                _launcher(result.written, out)  # a workbook just started from an export: ready to double-click, as init's
            _agendas(result.agendas, out)
            return EXIT_OK
        if args.command == "validate":
            cartera = api.load(args.archivo, args.hoy, args.ventas)
            _summary(cartera, out)
            _merges(cartera, out, messages.CLI_WOULD_MERGE)
            return EXIT_PROBLEMS if cartera.errors() else EXIT_OK
        if args.command == "init":
            from .template import write_template

            write_template(args.archivo)
            print(messages.CLI_TEMPLATE_WRITTEN.format(path=args.archivo), file=out)
            _launcher(args.archivo, out)
            return EXIT_OK
        from .demo import DEMO_FILE, write_demo

        path = write_demo(args.carpeta / DEMO_FILE, args.hoy)
        print(messages.CLI_DEMO_WRITTEN.format(path=path), file=out)
        _launcher(path, out)
        return EXIT_OK
    except CarteraError as exc:
        print(printable(str(exc)), file=err)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print(messages.CLI_INTERRUPTED, file=err)
        return EXIT_UNUSABLE
    except Exception as exc:  # a bug: say so in Spanish, never a traceback
        if os.environ.get(DEBUG_VARIABLE):
            raise
        print(messages.CLI_UNEXPECTED.format(detail=f"{type(exc).__name__}: {exc}"), file=err)
        return EXIT_UNUSABLE


def _agendas(written: Mapping[Path, int], out: TextIO) -> None:
    """The calendars exported: one file, or the team's and one per salesperson in a folder."""
    team = next((path for path in written if path.name == messages.ICS_TEAM_FILE and len(written) > 1), None)
    if team is None:
        for path, count in written.items():
            print(messages.CLI_AGENDA_WRITTEN.format(path=path, count=count), file=out)
        return
    others = ", ".join(path.name for path in written if path != team)
    print(printable(messages.CLI_AGENDAS_WRITTEN.format(path=team.parent, team=team.name, count=written[team], files=others)), file=out)


def _merges(cartera: Cartera, out: TextIO, template: str) -> None:
    """What each conflicted copy gave (or would give, for ``validate``), and from whom."""
    for merged in cartera.refreshed.portfolio.merged:
        how = "" if merged.three_way else messages.CLI_MERGED_TWO_WAY
        rows = messages.MERGED_ROWS[merged.rows != 1].format(count=merged.rows)
        if merged.deleted:
            rows += ", " + messages.MERGED_DELETED[merged.deleted != 1].format(count=merged.deleted)
        cells = messages.MERGED_CELLS[merged.cells != 1].format(count=merged.cells)
        fields = {**merged.copy.said(), "rows": rows, "cells": cells, "conflicts": merged.conflicts, "how": how}
        print(printable(template.format(**fields)), file=out)


STARTED_FROM_EXPORT = messages.CLIENTS_FROM_SALES.code


def _launcher(workbook: Path, out: TextIO) -> None:
    """The double-click launchers beside a workbook just written, one per system (those that fail to be written are only not offered)."""
    from .launchers import write_launchers

    try:
        written = write_launchers(Path(workbook))
    except OSError:
        return
    if {"windows", "macos", "linux"} <= set(written):
        print(messages.CLI_LAUNCHERS_WRITTEN.format(**{kind: written[kind].name for kind in ("windows", "macos", "linux")}), file=out)
    elif written:
        print(messages.CLI_LAUNCHER_WRITTEN.format(path=", ".join(path.name for path in written.values())), file=out)


_UNSAFE = dict.fromkeys([*range(0, 32), *range(127, 160), *range(8234, 8239), *range(8294, 8298)], "?")


def printable(text: str) -> str:
    """Text from the workbook made safe for a terminal: no escape sequences, no bidi overrides."""
    return text.translate(_UNSAFE)


def _summary(cartera: Cartera, out: TextIO) -> None:
    print(messages.CLI_SUMMARY_CLIENTS.format(total=len(cartera.clientes)), file=out)
    for line in cartera.summary_lines():
        print(line, file=out)
    stale = cartera.refreshed.figures.stale
    if stale is not None:
        print(printable(messages.CLI_STALE.format(date=stale.strftime(DATE_FORMAT), iso=stale.date().isoformat())), file=out)
    problems = cartera.errors(listed=0)  # each group once: the rows are in Revisar
    if not problems:
        print(messages.CLI_NO_PROBLEMS, file=out)
        return
    print(messages.CLI_SUMMARY_PROBLEMS.format(count=len(problems)), file=out)
    for problem in problems[:PROBLEMS_SHOWN]:
        where = [problem.sheet]
        if problem.row is not None:
            where.append(messages.CLI_WHERE_ROW.format(row=problem.row))
        if problem.client:
            where.append(messages.CLI_WHERE_CLIENT.format(client=problem.client))
        if problem.column:
            where.append(messages.CLI_WHERE_COLUMN.format(column=problem.column))
        line = messages.CLI_PROBLEM_LINE.format(where=", ".join(where), message=problem.message, hint=problem.hint)
        print(printable(line), file=out)
    if len(problems) > PROBLEMS_SHOWN:
        print(messages.CLI_MORE_PROBLEMS.format(count=len(problems) - PROBLEMS_SHOWN), file=out)
