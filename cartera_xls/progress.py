"""A progress line on the terminal for refreshes that take more than a couple of seconds.

The library only reports stages (``progress(stage, fraction)``); this module draws them,
and only when stderr is a terminal, so pipes, logs and CI see nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TextIO

from .schema import messages

Report = Callable[[str, float], None]  # (stage, fraction of the bar done)

# Where each stage starts on the bar: the share of a refresh's time spent before it (L benchmark).
AT_RULES, AT_WRITING, AT_SAVING, AT_VERIFYING = 0.1, 0.2, 0.45, 0.97

CHECKPOINTS = (0.0, AT_RULES, AT_WRITING, AT_SAVING, AT_VERIFYING, 1.0)
CREEP_LIMIT = 0.9  # a stage longer than expected fills at most this share of its stretch of the bar

DELAY = 2.0  # seconds before the line appears: short refreshes stay quiet
TICK = 0.5
WIDTH = 20
CLEAR_TO_END = "\033[K"


def quiet(stage: str, fraction: float) -> None:
    """A report that shows nothing (the library's default)."""


class TerminalProgress:
    """Draws ``[#####·····] Escribiendo el libro… 12 s`` on ``stream`` while a refresh runs."""

    def __init__(self, stream: TextIO, delay: float = DELAY, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.delay = delay
        self.clock = clock
        self.started = self.stage_started = clock()
        self.stage = ""
        self.fraction = 0.0
        self.drawn = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, stage: str, fraction: float) -> None:
        self.stage, self.fraction, self.stage_started = stage, fraction, self.clock()
        if self.enabled and self._thread is None:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            self.draw()

    def shown(self) -> float:
        """The reported fraction, moved on within a long stage at the pace the run has kept so far.

        Saving the workbook is half of a big refresh and reports nothing while it runs;
        the bar keeps moving toward the next stage's mark without ever reaching it.
        """
        took = self.stage_started - self.started
        target = next((mark for mark in CHECKPOINTS if mark > self.fraction), self.fraction)
        if self.fraction <= 0 or took <= 0 or target <= self.fraction:
            return self.fraction
        expected = (target - self.fraction) * took / self.fraction
        return self.fraction + (target - self.fraction) * min(CREEP_LIMIT, (self.clock() - self.stage_started) / expected)

    def draw(self) -> None:
        """Redraw the line, once the delay has passed."""
        elapsed = self.clock() - self.started
        if not self.enabled or elapsed < self.delay:
            return
        filled = round(self.shown() * WIDTH)
        bar = "#" * filled + "·" * (WIDTH - filled)
        line = messages.PROGRESS_LINE.format(bar=bar, stage=self.stage, seconds=int(elapsed))
        self.stream.write("\r" + line + CLEAR_TO_END)  # a shorter stage name leaves nothing of the longer one behind
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Stop drawing and clear the line."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.drawn:
            self.stream.write("\r" + CLEAR_TO_END)
            self.stream.flush()
