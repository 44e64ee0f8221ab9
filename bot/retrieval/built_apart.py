"""Build the index in a child process; this process only maps the cache it writes.

A build holds every token, posting and passage of the archive at once (hundreds of MB
at ten times today's archive). Done inside a serving process, that memory stays with
it after the build (the allocator keeps it), and a live reload would hold the old
index and the new build at once. Done in a child, it goes back to the system when the
child exits, and the service maps the new generation of the cache like any start.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
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
    exit_code = _build_in_child(folders, cache_dir)
    if exit_code == 0:
        loaded = open_index(folders, cache_dir, progress=progress, build=False)
        if loaded is not None:
            return IndexLoad(loaded.index, False, loaded.seconds)
    log.warning("the index built in a child process could not be used (exit code %s); building here",
                exit_code)
    return open_index(folders, cache_dir, rebuild, progress)


def _build_in_child(folders: list[Path], cache_dir: Path) -> int:
    """Run this module as a fresh interpreter (not multiprocessing: its spawn would re-run
    the parent's `__main__`, the bot's command line) and wait for it."""
    package_root = Path(__file__).resolve().parents[2]  # `-m` imports `bot` from the working folder
    paths = [os.path.abspath(path) for path in (cache_dir, *folders)]  # as the parent meant them
    command = [sys.executable, "-m", "bot.retrieval.built_apart", *paths]
    return subprocess.run(command, stdin=subprocess.DEVNULL, cwd=package_root).returncode


def _main(arguments: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    cache_dir, *folders = map(Path, arguments)
    open_index(folders, cache_dir, rebuild=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
