"""Replacing an archive's folder as a whole, shared by the git and the feed sync.

A new revision is prepared in a hidden sibling (`.<name>-incoming-…`), checked, and swapped
in with two renames, so a reader sees the old folder or the new one, never half of either.
One sync runs per data folder at a time (a lock file); a sync killed half-way leaves
hidden folders that the next one clears, putting back a folder parked mid-swap.
"""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bot.ops.archives import ARCHIVE_DIR, SYNC_LOCK, archive_root, old_checkouts
from bot.ops.git_command import SyncError

log = logging.getLogger(__name__)


def incoming_folder(root: Path) -> Path:
    """An empty hidden folder beside `root` for the next revision."""
    root.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}-incoming-"))


def swap_in(incoming: Path, root: Path) -> None:
    """Two renames: readers see the old folder, then (a moment later) the new one. In
    between the folder is missing; live reload waits that out (archives.swapping_archives)."""
    if not root.exists():
        os.rename(incoming, root)
        return
    old = root.parent / f".{root.name}-old-{time.time_ns()}-{os.getpid()}"  # see archives.old_checkouts
    os.rename(root, old)
    try:
        os.rename(incoming, root)
    except OSError:
        os.rename(old, root)
        raise
    shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(data_dir: Path, name: str) -> None:
    """Temporary folders of a sync that was killed half-way; one killed between the two
    renames of a swap left no folder, so the previous one is put back first."""
    root = archive_root(data_dir, name)
    if not root.exists():
        for old in old_checkouts(data_dir, name)[-1:]:
            os.rename(old, root)
            log.warning("restored checkout %s left by an interrupted sync", root)
    for leftover in (data_dir / ARCHIVE_DIR).glob(f".{name}-*-*"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def sync_lock(data_dir: Path):
    folder = data_dir / ARCHIVE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / SYNC_LOCK, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncError("another sync is running on this data folder; try again later") from None
        yield
