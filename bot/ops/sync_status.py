"""How the last syncs went, per archive, for the services' /metrics.

`sync` runs in its own process (cron, `docker compose run`), so it leaves its outcome in
`data_dir/sync_status.json`: per archive, runs by result (cloned, updated, unchanged,
failed), when it last ran and when it last succeeded. The running services read it when
Prometheus scrapes them, so an archive that has not synced for a day can raise an alert.
Written under the sync lock; replaced atomically; unreadable means "no syncs yet".
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from bot.atomic_file import write_atomically
from bot.ops.git_command import SyncError

log = logging.getLogger(__name__)

STATUS_FILE = "sync_status.json"
FAILED = "failed"

Outcome = TypeVar("Outcome")


@dataclass(frozen=True)
class SyncStatus:
    archive: str
    last_result: str
    last_run: float                     # seconds since the epoch
    last_success: float | None = None
    runs: dict[str, int] = field(default_factory=dict)   # result -> how many runs ended so


def read_sync_status(data_dir: Path) -> list[SyncStatus]:
    path = data_dir / STATUS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [SyncStatus(str(s["archive"]), str(s["last_result"]), float(s["last_run"]),
                           None if s.get("last_success") is None else float(s["last_success"]),
                           {str(k): int(v) for k, v in (s.get("runs") or {}).items()})
                for s in raw.get("archives", [])]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("ignoring unreadable sync status %s (%s)", path, type(exc).__name__)
        return []


def recorded_sync(data_dir: Path, archive: str, sync: Callable[[], Outcome]) -> Outcome:
    """`sync()` (under the sync lock), its result counted: the outcome's action, or FAILED
    when it raises SyncError (which goes on to the caller)."""
    try:
        outcome = sync()
    except SyncError:
        record_sync_result(data_dir, archive, FAILED)
        raise
    record_sync_result(data_dir, archive, outcome.action)
    return outcome


def record_sync_result(data_dir: Path, archive: str, result: str, now: float | None = None) -> None:
    """Count one run of `archive` ending in `result` (callers hold the sync lock)."""
    now = time.time() if now is None else now
    known = {s.archive: s for s in read_sync_status(data_dir)}
    before = known.get(archive)
    runs = dict(before.runs) if before else {}
    runs[result] = runs.get(result, 0) + 1
    last_success = before.last_success if before else None
    known[archive] = SyncStatus(archive, result, now, last_success if result == FAILED else now, runs)
    payload = {"archives": [asdict(s) for _, s in sorted(known.items())]}
    try:
        write_atomically(data_dir / STATUS_FILE, json.dumps(payload, indent=2) + "\n")
    except OSError as exc:   # the metrics lose one run; the sync itself stands
        log.warning("could not record the sync status in %s: %s", data_dir / STATUS_FILE, exc.strerror or exc)
