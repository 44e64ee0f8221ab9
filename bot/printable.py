"""Text for a terminal or a pipe: what it shows, never what it obeys.

Archive text and what people type reach the output of the command line and the console
(quotes, titles, file names, questions in error messages and log lines). A terminal
obeys control characters: ESC starts sequences that recolour, retitle or query it, BEL
rings it, CR and BS overwrite what it showed, and bidi overrides reorder the line.
`printable` keeps every newline (the bot's own line breaks) and every visible character;
other control characters go (a space where one separated words), and a lone surrogate,
which no encoding can write, becomes U+FFFD. `PrintableStream` applies it to everything
written through it: the command line wraps standard output and error once, at start.
"""
from __future__ import annotations

import io
import sys
from contextlib import contextmanager
from typing import Iterator, TextIO

_C0_C1 = [*range(0x00, 0x20), *range(0x7F, 0xA0)]
_BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_SURROGATES = range(0xD800, 0xE000)
_TABLE = {
    **{c: " " if chr(c).isspace() else None for c in _C0_C1 + _BIDI_CONTROLS},
    **{c: "\ufffd" for c in _SURROGATES},
    ord("\n"): "\n",
}


def printable(text: str) -> str:
    """`text` as a terminal should receive it (see the module's docstring)."""
    return text.translate(_TABLE)


class PrintableStream(io.TextIOBase):
    """Writes `printable(text)` to `stream`; what the stream's encoding lacks becomes '?'."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        clean = printable(text)
        try:
            self.stream.write(clean)
        except UnicodeEncodeError:  # e.g. PYTHONIOENCODING=ascii and a curly quote
            encoding = getattr(self.stream, "encoding", None) or "ascii"
            self.stream.write(clean.encode(encoding, "replace").decode(encoding))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"


def printable_stream(stream: TextIO) -> TextIO:
    return stream if isinstance(stream, PrintableStream) else PrintableStream(stream)


@contextmanager
def printable_output() -> Iterator[None]:
    """Standard output and error written through `printable` while the block runs."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = printable_stream(sys.stdout), printable_stream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
