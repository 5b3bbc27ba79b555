"""The progress line: only on a terminal, only after the delay, cleared at the end."""

from __future__ import annotations

import io
from pathlib import Path

import cartera_xls
from cartera_xls.progress import TerminalProgress
from cartera_xls.schema import messages

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
    assert [stage for stage, _ in stages] == [messages.PROGRESS_READING, messages.PROGRESS_WRITING, messages.PROGRESS_DONE]
    shown = terminal.getvalue()
    assert "[" + "#" * 8 + "·" * 12 + "] " + messages.PROGRESS_WRITING in shown
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
