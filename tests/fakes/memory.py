"""Memory a call allocates, for tests that bound what one input may cost (not timing:
the same input allocates the same on any machine)."""
from __future__ import annotations

import tracemalloc
from typing import Callable


def peak_mb(run: Callable[[], object]) -> float:
    """Peak megabytes allocated while `run()` runs (Python objects and numpy arrays)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        run()
        return (tracemalloc.get_traced_memory()[1] - before) / 1e6
    finally:
        tracemalloc.stop()


def retained_mb(run: Callable[[], object]) -> float:
    """Megabytes still allocated after `run()` returned (what a cache kept)."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        run()
        return (tracemalloc.get_traced_memory()[0] - before) / 1e6
    finally:
        tracemalloc.stop()
