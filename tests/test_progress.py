"""The progress line: only on a terminal, only after the delay, cleared at the end."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import cartera_xls
from cartera_xls.progress import AT_SAVING, AT_VERIFYING, TerminalProgress
from cartera_xls.schema import messages
from cartera_xls.schema.sheets import DATA_SHEETS

from .conftest import HOY


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_draws_stages_on_a_terminal_and_clears_the_line(basic_file: Path) -> None:
    terminal = FakeTerminal()
    progress = TerminalProgress(terminal, delay=0.0)
    stages: list[tuple[str, float]] = []

    def spy(stage: str, fraction: float) -> None:
        stages.append((stage, fraction))
        progress(stage, fraction)
        progress.draw()

    cartera_xls.refresh(basic_file, hoy=HOY, progress=spy)
    progress.close()
    in_order = [stage for n, (stage, _) in enumerate(stages) if n == 0 or stages[n - 1][0] != stage]
    assert in_order == [
        messages.PROGRESS_READING,
        messages.PROGRESS_RULES,
        messages.PROGRESS_WRITING,
        messages.PROGRESS_SAVING,
        messages.PROGRESS_VERIFYING,
        messages.PROGRESS_DONE,
    ]
    fractions = [fraction for _, fraction in stages]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    writing = [fraction for stage, fraction in stages if stage == messages.PROGRESS_WRITING]
    data_sheets = [table for table in cartera_xls.load(basic_file, hoy=HOY).refreshed.tables.values() if table.spec in DATA_SHEETS]
    assert len(writing) == 1 + len(data_sheets)  # the start, then one step per data sheet
    shown = terminal.getvalue()
    assert "[" + "#" * 9 + "·" * 11 + "] " + messages.PROGRESS_SAVING in shown
    drawn = [line for line in shown.split("\r") if line]
    assert all(line.endswith("\033[K") for line in drawn)  # each line clears what a longer one left
    assert shown.endswith("\r\033[K")


def test_silent_when_not_a_terminal_or_quick() -> None:
    pipe = io.StringIO()
    progress = TerminalProgress(pipe, delay=0.0)
    progress(messages.PROGRESS_READING, 0.0)
    progress.draw()
    progress.close()
    assert pipe.getvalue() == ""
    terminal = FakeTerminal()
    quick = TerminalProgress(terminal)  # the default delay has not passed
    quick(messages.PROGRESS_READING, 0.0)
    quick.draw()
    quick.close()
    assert terminal.getvalue() == ""


def test_the_bar_moves_on_during_a_long_stage_but_never_past_the_next_mark() -> None:
    now = [0.0]
    terminal = FakeTerminal()
    progress = TerminalProgress(terminal, delay=0.0, clock=lambda: now[0])
    progress(messages.PROGRESS_READING, 0.0)
    now[0] = 16.0
    progress(messages.PROGRESS_SAVING, AT_SAVING)  # 0.45 of the bar in 16 s: the rest of the stretch is expected in ~18 s
    assert progress.shown() == AT_SAVING
    now[0] = 16.0 + 9.25
    assert progress.shown() == pytest.approx(AT_SAVING + (AT_VERIFYING - AT_SAVING) / 2, abs=0.01)
    now[0] = 1000.0
    assert AT_SAVING < progress.shown() < AT_VERIFYING
    progress.draw()
    assert "[" + "#" * 18 + "·" * 2 + "] " + messages.PROGRESS_SAVING in terminal.getvalue()
    progress(messages.PROGRESS_VERIFYING, AT_VERIFYING)
    assert progress.shown() >= AT_VERIFYING
