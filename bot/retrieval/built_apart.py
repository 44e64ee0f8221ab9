"""Build the index in a child process; this process only maps the cache it writes.

A build holds every token, posting and passage of the archive at once (hundreds of MB
at ten times today's archive). Done inside a serving process, that memory stays with
it after the build (the allocator keeps it), and a live reload would hold the old
index and the new build at once. Done in a child, it goes back to the system when the
child exits, and the service maps the new generation of the cache like any start.
"""
from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

from bot.progress import Progress, no_progress
from bot.retrieval.cached_index import IndexLoad, open_index

log = logging.getLogger(__name__)


def open_index_built_apart(folders: list[Path], cache_dir: Path | None, rebuild: bool = False,
                           progress: Progress = no_progress) -> IndexLoad:
    """`open_index`, with any build done by a child process (when there is a cache to
    hand the result over in). Should the child fail, or its cache be unreadable here,
    the build happens in this process after all: answering matters more."""
    if cache_dir is None:
        return open_index(folders, cache_dir, rebuild, progress)
    if not rebuild:
        loaded = open_index(folders, cache_dir, progress=progress, build=False)
        if loaded is not None:
            return loaded
    context = multiprocessing.get_context("spawn")  # not fork: this process runs threads
    child = context.Process(target=_build, args=(list(folders), cache_dir), name="index-build", daemon=True)
    child.start()
    child.join()
    if child.exitcode == 0:
        loaded = open_index(folders, cache_dir, progress=progress, build=False)
        if loaded is not None:
            return IndexLoad(loaded.index, False, loaded.seconds)
    log.warning("the index built in a child process could not be used (exit code %s); building here",
                child.exitcode)
    return open_index(folders, cache_dir, rebuild, progress)


def _build(folders: list[Path], cache_dir: Path) -> None:
    open_index(folders, cache_dir, rebuild=True)
