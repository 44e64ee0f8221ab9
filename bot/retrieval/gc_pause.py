"""Python's cycle collector paused while an index is loaded or built.

Loading and building allocate millions of small objects that all stay alive (tokens,
vocabulary entries, documents): each allocation burst triggers collections that walk
every tracked object, so the work grows with the square of the archive. None of it
is garbage until the build ends; one collection afterwards (by the next allocations)
does the job.
"""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def gc_paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
