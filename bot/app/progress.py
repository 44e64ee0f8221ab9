"""Progress on the operator's terminal: one line on standard error, redrawn in place at
most ten times a second and wiped when the job is done. When standard error is not a
terminal (a pipe, a log file, cron), nothing is drawn at all."""
from __future__ import annotations

import contextlib
import sys
import time
from typing import Callable, Iterator, TextIO

from bot.printable import PrintableStream, printable
from bot.progress import Progress, no_progress

CLEAR_LINE = "\r\x1b[K"


class TerminalProgress:
    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic,
                 interval: float = 0.1) -> None:
        self.stream, self.clock, self.interval = stream, clock, interval
        self._shown_at: float | None = None
        self._last_what = ""

    def __call__(self, what: str, done: int | None = None, total: int | None = None) -> None:
        now = self.clock()
        finished = done is not None and total is not None and done >= total
        if what == self._last_what and not finished and self._shown_at is not None \
                and now - self._shown_at < self.interval:
            return
        count = "" if done is None else f": {done}" if total is None else f": {done}/{total}"
        self.stream.write(f"{CLEAR_LINE}{printable(what)}{count}\r")   # our own control codes, its text clean
        self.stream.flush()
        self._shown_at, self._last_what = now, what

    def finish(self) -> None:
        if self._shown_at is not None:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
            self._shown_at = None


@contextlib.contextmanager
def terminal_progress(stream: TextIO | None = None) -> Iterator[Progress]:
    """A Progress drawing on `stream` (standard error) if it is a terminal, else none;
    the line is wiped on the way out, before the job prints its result."""
    stream = stream or sys.stderr
    if isinstance(stream, PrintableStream):   # it would drop the codes that redraw the line
        stream = stream.stream
    if not stream.isatty():
        yield no_progress
        return
    progress = TerminalProgress(stream)
    try:
        yield progress
    finally:
        progress.finish()
