"""`python -m bot health`: is this installation able to answer?

Healthy means: the data folder is writable (cache, archives, and the SQLite store live
there), the store works (it opens, its schema is whole and current, and a committed write
succeeds, on whichever engine is configured), and the knowledge loads, from the index
cache or by a build. The container health check runs this; it prints one line either way
and exits 0 only when healthy.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.ops.archives import KnowledgeSources
from bot.store.database import Database


@dataclass(frozen=True)
class Health:
    ok: bool
    line: str


def check_data_dir(data_dir: Path) -> str | None:
    """None when a file can be created, written and removed there; else why not."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=data_dir, prefix=".health-", suffix=".tmp")
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return f"data folder {data_dir} is not writable ({exc.strerror or type(exc).__name__})"
    return None


def check_service(data_dir: Path, db: Database, thorough: bool = True) -> str | None:
    """None, or why the service can't work: the data folder, then the store. A running
    service's /healthz passes `thorough=False` (no full read of a SQLite file)."""
    return check_data_dir(data_dir) or db.check(thorough)


def check_health(sources: KnowledgeSources, cache_dir: Path, db: Database) -> Health:
    from bot.retrieval.cached_index import open_index

    problem = check_service(sources.data_dir, db)
    if problem:
        return Health(False, f"unhealthy: {problem}")
    try:
        loaded = open_index(list(sources.folders()), cache_dir)
    except Exception as exc:  # any failure to load is the answer, not a crash
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Health(False, f"unhealthy: knowledge does not load ({reason})")
    index = loaded.index
    if not index.passages:
        return Health(False, "unhealthy: the knowledge has no passages to answer from")
    how = "from cache" if loaded.from_cache else "built"
    return Health(True, f"ok: {len(index.episodes)} episodes, {len(index.passages)} passages "
                        f"({how} in {loaded.seconds:.2f} s); data folder {sources.data_dir} writable; "
                        f"{db.describe()} ok")
