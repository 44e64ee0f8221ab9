"""How a long job says how far it got (files loaded, passages cut, questions scored).

A `Progress` is a plain callable handed down by the entry point: `index`, `sync` and
`eval` give one that draws on the terminal (bot/app/progress.py), everyone else gets
`no_progress`. Callers report often; the receiver decides what is worth drawing.
"""
from __future__ import annotations

from typing import Callable

# (what, done, total): "files loaded", 120, 238; `done` and `total` may be None.
Progress = Callable[[str, "int | None", "int | None"], None]


def no_progress(what: str, done: int | None = None, total: int | None = None) -> None:
    """Nobody is watching."""


def labelled(progress: Progress, label: str) -> Progress:
    """`progress` with `label: ` before each report (e.g. which archive a sync checks)."""
    if progress is no_progress:
        return no_progress
    return lambda what, done=None, total=None: progress(f"{label}: {what}", done, total)
