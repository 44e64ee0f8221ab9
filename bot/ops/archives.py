"""The record of synced archives: which knowledge folders `python -m bot sync` added.

`data_dir/archives.json` lists each archive (name, repository, branch, paths, commit,
kind). Every archive's root, `data_dir/archive/<name>`, is a knowledge folder: a git
checkout (kind "git"; sparse when `--path` was given, so only those folders exist in it),
or the files of a podcast feed (kind "feed": `repo` is the feed's URL, `commit` a digest
of the files it stored).

Settings read the record once at start, and live reload reads it on every tick, so a
running bot learns an archive synced by another process without a restart. The record
is replaced atomically; a missing or unreadable record means "no synced archives".
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bot.atomic_file import write_atomically

log = logging.getLogger(__name__)

RECORD_FILE = "archives.json"
ARCHIVE_DIR = "archive"
SYNC_LOCK = ".sync.lock"
GIT, FEED = "git", "feed"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class SyncedArchive:
    name: str
    repo: str                     # credentials stripped: the record must hold no secret
    branch: str
    paths: tuple[str, ...]
    commit: str
    synced_at: str                # ISO timestamp, UTC
    kind: str = GIT               # GIT or FEED


def archive_root(data_dir: Path, name: str) -> Path:
    return data_dir / ARCHIVE_DIR / name


def valid_name(name: str) -> bool:
    return bool(_NAME.match(name)) and name not in (".", "..")


def read_archives(data_dir: Path) -> list[SyncedArchive]:
    path = data_dir / RECORD_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [_archive(item) for item in raw.get("archives", [])]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("ignoring unreadable archive record %s (%s)", path, type(exc).__name__)
        return []


def record_archive(data_dir: Path, archive: SyncedArchive) -> None:
    """Add or replace one archive in the record (callers hold the sync lock)."""
    archives = [a for a in read_archives(data_dir) if a.name != archive.name] + [archive]
    archives.sort(key=lambda a: a.name)
    payload = {"archives": [asdict(a) for a in archives]}
    write_atomically(data_dir / RECORD_FILE, json.dumps(payload, indent=2) + "\n")


def old_checkouts(data_dir: Path, name: str) -> list[Path]:
    """Where a sync parks the previous checkout during its swap (`.<name>-old-<ns>-<pid>`), oldest first."""
    prefix = f".{name}-old-"
    parked = []
    for path in (data_dir / ARCHIVE_DIR).glob(f"{prefix}*"):
        stamp = path.name[len(prefix):].split("-")[0]
        if stamp.isdigit():  # not another archive's folder whose name merely starts alike
            parked.append((int(stamp), path))
    return [path for _, path in sorted(parked)]


def swapping_archives(data_dir: Path) -> list[str]:
    """Recorded archives caught between the two renames of a swap: the checkout is missing
    and the previous one is parked beside it. (A checkout deleted by hand has no parked copy.)"""
    return [a.name for a in read_archives(data_dir) if valid_name(a.name)
            and not archive_root(data_dir, a.name).is_dir() and old_checkouts(data_dir, a.name)]


def synced_folders(data_dir: Path) -> list[Path]:
    """Checkouts that exist: a deleted one must not stop the bot from starting."""
    roots = [archive_root(data_dir, a.name) for a in read_archives(data_dir) if valid_name(a.name)]
    return [root for root in roots if root.is_dir()]


@dataclass(frozen=True)
class KnowledgeSources:
    """Where a service's knowledge comes from: whatever `sync` has recorded in the data
    folder (read anew on each call: a sync made by another process joins without a
    restart), then the configured folders."""

    configured: tuple[Path, ...]
    data_dir: Path

    def folders(self) -> tuple[Path, ...]:
        return knowledge_folders(self.configured, self.data_dir)

    def roots(self) -> list[Path]:
        """Configured folders and every recorded archive's root, even while a sync swaps it."""
        return [*self.configured, *(archive_root(self.data_dir, a.name) for a in read_archives(self.data_dir))]

    def swapping(self) -> list[str]:
        return swapping_archives(self.data_dir)


def knowledge_folders(configured, data_dir: Path) -> tuple[Path, ...]:
    """Synced archives, then the configured folders; each folder once. A document id found
    twice is taken from the folder listed first (the loader's rule), so an archive's copy
    wins over the sample shipped in the image: upstream fixes to it reach members."""
    folders: list[Path] = []
    seen: set[Path] = set()
    for folder in [*synced_folders(data_dir), *configured]:
        key = Path(folder).resolve()
        if key not in seen:
            seen.add(key)
            folders.append(Path(folder))
    return tuple(folders)


def redact_url(url: str) -> str:
    """The URL without a user or token (`https://x-access-token:...@github.com/...`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "[unparseable url]"
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _archive(item: dict) -> SyncedArchive:
    return SyncedArchive(
        name=str(item["name"]), repo=str(item["repo"]), branch=str(item.get("branch") or ""),
        paths=tuple(str(p) for p in item.get("paths") or ()), commit=str(item.get("commit") or ""),
        synced_at=str(item.get("synced_at") or ""), kind=FEED if item.get("kind") == FEED else GIT,
    )


