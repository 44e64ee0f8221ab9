"""`python -m bot sync --feed URL`: a podcast's RSS feed as the archive.

The feed is read (feed_entries.py); for each episode its transcript (`podcast:transcript`,
JSON, WebVTT or SubRip), chapters (`podcast:chapters`) and a sidecar of the feed's metadata
are stored under `data_dir/archive/<name>/` (feed_store.py), recorded in `archives.json`
like a git archive, so live reload and announcements pick the episodes up.

What is stored already is asked for again with its ETag/Last-Modified (304: kept as is);
the feed itself too, so an unchanged feed costs one request (unless the last sync left an
entry to try again). A download is checked to load
before it is stored. An entry whose files can't be had is skipped with a reason; one that
was stored before keeps its stored files. An episode that leaves the feed (many feeds list
only the latest episodes) stays in the archive. Requests go only where feed_http.py allows.

Like the git sync, a new revision is written to a hidden sibling folder (unchanged files
are hard-linked from the live one), checked with the same rules (sync_report.check_revision)
and swapped in whole; a sync that fails leaves the live folder and record as they were. A
sync is bounded: SYNC_SECONDS in all and MAX_SYNC_BYTES downloaded; entries past either
are left for the next sync.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.ops.archives import FEED, SyncedArchive, archive_root, read_archives, record_archive, valid_name
from bot.ops.feed_child import read_feed_apart
from bot.ops.feed_entries import MAX_FEED_BYTES, FeedEpisode, FeedError, SkippedEntry
from bot.ops.feed_http import FeedClient, FetchError, origin
from bot.ops.feed_store import (STATE_FILE, FeedState, StoredEpisode, StoredFile, new_stem, read_state,
                                sidecar_text)
from bot.ops.folder_swap import incoming_folder, remove_leftovers, swap_in, sync_lock
from bot.ops.git_command import SyncError
from bot.ops.sync_report import KnowledgeChange, check_revision
from bot.ops.sync_status import recorded_sync
from bot.atomic_file import write_atomically
from bot.retrieval.formats.cues import TranscriptError
from bot.retrieval.formats.episode import check_chapters, check_transcript
from bot.retrieval.knowledge_files import MAX_FILE_BYTES, UnreadableFile

log = logging.getLogger(__name__)

MAX_CHAPTERS_BYTES = 1024 * 1024
SYNC_SECONDS = 15 * 60
MAX_SYNC_BYTES = 1024 ** 3
PARALLEL_REQUESTS = 4


@dataclass(frozen=True)
class FeedOutcome:
    archive: SyncedArchive
    action: str                               # "created", "updated" or "unchanged"
    downloaded: tuple[str, ...] = ()          # files fetched anew, as named in the archive
    skipped: tuple[SkippedEntry, ...] = ()    # entries not stored (or kept as stored), with why
    change: KnowledgeChange | None = None

    @property
    def changed(self) -> bool:
        return self.action != "unchanged"


def sync_feed(data_dir: Path, url: str, name: str | None = None, fresh: bool = False,
              accept_losses: bool = False, client=FeedClient, budget_seconds: float = SYNC_SECONDS) -> FeedOutcome:
    """Fetch what is new or changed and swap it in; SyncError when nothing could change.
    `client` builds the HTTP client from the feed URL (a test seam)."""
    try:
        origin(url)
    except FetchError as exc:
        raise SyncError(f"--feed {shown_url(url)}: {exc}") from None
    name = name or name_from_feed(url)
    if not valid_name(name):
        raise SyncError(f"archive name {name!r} must be letters, digits, '.', '_' or '-' (use --name)")
    if any(a.name == name and a.kind != FEED for a in read_archives(data_dir)):
        raise SyncError(f"archive {name} is a git archive; give the feed another --name")
    with sync_lock(data_dir):
        outcome = recorded_sync(data_dir, name, lambda: _fetch_and_swap(data_dir, url, name, fresh, accept_losses,
                                                                        client, budget_seconds))
    log.info("feed %s %s from %s: %d downloaded, %d skipped%s", name, outcome.action, shown_url(url),
             len(outcome.downloaded), len(outcome.skipped), f"; {outcome.change.summary()}" if outcome.change else "")
    return outcome


def _fetch_and_swap(data_dir: Path, url: str, name: str, fresh: bool, accept_losses: bool, client,
                    budget_seconds: float) -> FeedOutcome:
    """sync_feed's work, under the sync lock."""
    remove_leftovers(data_dir, name)
    root = archive_root(data_dir, name)
    live = root if root.is_dir() else None
    state = read_state(root) if live is not None and not fresh else FeedState()
    previous = next((a.commit for a in read_archives(data_dir) if a.name == name), "")
    incoming = incoming_folder(root)
    try:
        run = _Run(url, live, incoming, state, time.monotonic() + budget_seconds)
        asyncio.run(run.fetch(client))
        outcome = _finish(run, root, name, previous, accept_losses)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    record_archive(data_dir, outcome.archive)
    return outcome


def resync_feeds(data_dir: Path, accept_losses: bool = False, fresh: bool = False) -> list[FeedOutcome | SyncError]:
    """Sync every recorded feed again (`fresh`: every file fetched again)."""
    results: list[FeedOutcome | SyncError] = []
    for archive in (a for a in read_archives(data_dir) if a.kind == FEED):
        try:
            results.append(sync_feed(data_dir, archive.repo, archive.name, fresh=fresh, accept_losses=accept_losses))
        except SyncError as exc:
            log.error("sync of feed %s failed: %s", archive.name, exc)
            results.append(exc)
    return results


def name_from_feed(url: str) -> str:
    """`feeds.example.com-podcast-rss` for https://feeds.example.com/podcast/rss.xml."""
    _, host, _ = origin(url)
    path = re.sub(r"\.(xml|rss|atom)$", "", url.split("://", 1)[-1].split("?", 1)[0].split("#", 1)[0].partition("/")[2])
    words = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{host.removeprefix('www.')}-{path}").strip(".-")
    return words[:64].rstrip(".-") or "feed"


def shown_url(url: str) -> str:
    """The feed's URL for logs and output: without its query (private feeds put tokens there)."""
    base = str(url).split("?", 1)[0].split("#", 1)[0][:200]
    return "".join(c if c.isprintable() and not c.isspace() else "?" for c in base)


@dataclass
class _Run:
    """One sync's work: what it fetched, stored and skipped."""

    url: str
    live: Path | None
    incoming: Path
    state: FeedState
    deadline: float
    unchanged_feed: bool = False
    stored: FeedState = field(default_factory=FeedState)
    downloaded: list[str] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    budget_bytes: int = MAX_SYNC_BYTES

    async def fetch(self, client) -> None:
        async with client(self.url) as http:
            # after a sync that left entries for later, the feed is read even if unchanged
            known = self.state.feed if self.live is not None and self.state.complete else None
            try:
                feed = await http.get(self.url, MAX_FEED_BYTES, known.validators if known else None)
                if feed.body is None:
                    self.unchanged_feed = True
                    return
                episodes, self.skipped = await read_feed_apart(feed.body, feed.url)
            except (FetchError, FeedError) as exc:
                raise SyncError(f"feed {shown_url(self.url)}: {exc}") from None
            except Exception as exc:  # a feed that breaks the parser in a way nobody foresaw
                log.debug("reading feed %s failed", shown_url(self.url), exc_info=True)
                raise SyncError(f"feed {shown_url(self.url)} could not be read ({type(exc).__name__})") from None
            self.stored.feed = StoredFile("feed", self.url, feed.validators.etag, feed.validators.last_modified)
            episodes = self._with_stems(episodes)
            limit = asyncio.Semaphore(PARALLEL_REQUESTS)
            await asyncio.gather(*(self._episode(http, episode, stem, limit) for episode, stem in episodes))
        self._keep_the_rest()

    def _with_stems(self, episodes: list[FeedEpisode]) -> list[tuple[FeedEpisode, str]]:
        """Each episode once, with its stem: the one it had, else a new one (in feed order)."""
        taken = {e.stem for e in self.state.episodes.values()}
        found, seen = [], set()
        for episode in episodes:
            if episode.key in seen:
                self.skipped.append(SkippedEntry(f"“{episode.title[:80]}”", "the same guid as an earlier entry"))
                continue
            seen.add(episode.key)
            known = self.state.episodes.get(episode.key)
            stem = known.stem if known else new_stem(episode, taken)
            taken.add(stem)
            found.append((episode, stem))
        return found

    async def _episode(self, http, episode: FeedEpisode, stem: str, limit: asyncio.Semaphore) -> None:
        async with limit:
            if time.monotonic() > self.deadline or self.budget_bytes <= 0:
                self._skip(episode, "this sync's time or download budget is spent; the next sync continues")
                return
            try:
                await self._store(http, episode, stem)
            except Exception as exc:  # one entry nobody foresaw costs that entry, not the sync
                log.warning("feed entry %s could not be stored", _shown(episode.key), exc_info=True)
                self._skip(episode, f"could not be stored ({type(exc).__name__})")

    async def _store(self, http, episode: FeedEpisode, stem: str) -> None:
        """The episode's transcript, chapters and sidecar in the new revision (or why not)."""
        before = self.state.episodes.get(episode.key) or StoredEpisode(stem)
        url, extension = episode.transcript
        try:
            transcript = await self._file(http, f"{stem}{extension}", url, before.transcript, MAX_FILE_BYTES,
                                          lambda data: check_transcript(extension, data), episode)
        except _NotStored as failed:
            self._skip(episode, str(failed))
            return
        chapters = None
        if episode.chapters:
            try:
                chapters = await self._file(http, f"{stem}.chapters.json", episode.chapters, before.chapters,
                                            MAX_CHAPTERS_BYTES, check_chapters, episode)
            except _NotStored as failed:
                self._skip(episode, f"stored without chapters: {failed}")
        (self.incoming / f"{stem}.yaml").write_text(sidecar_text(episode), encoding="utf-8")
        self.stored.episodes[episode.key] = StoredEpisode(stem, transcript, chapters)

    async def _file(self, http, name: str, url: str, before: StoredFile | None, limit: int, check,
                    episode: FeedEpisode) -> StoredFile:
        """The file stored under `name`: fetched if new or changed, else kept."""
        have = before is not None and self._live_has(before.name)
        asking = before.validators if have and before.url == url and before.name == name else None
        try:
            fetched = await http.get(url, min(limit, self.budget_bytes), asking)
            if fetched.body is None:
                self._keep(name)
                return before
            check(fetched.body)
        except (FetchError, TranscriptError, UnreadableFile) as exc:
            if have:
                self._keep(before.name)
                self._skip(episode, f"kept the stored {before.name}: {_shown(url)}: {exc}")
                return before
            raise _NotStored(f"{_shown(url)}: {exc}") from None
        self.budget_bytes -= len(fetched.body)
        (self.incoming / name).write_bytes(fetched.body)
        self.downloaded.append(name)
        return StoredFile(name, url, fetched.validators.etag, fetched.validators.last_modified)

    def _keep_the_rest(self) -> None:
        """Episodes stored before but not (or no longer) in this feed keep their files."""
        for key, before in self.state.episodes.items():
            if key in self.stored.episodes or before.transcript is None or not self._live_has(before.transcript.name):
                continue
            for stored in (before.transcript, before.chapters, StoredFile(f"{before.stem}.yaml", "")):
                if stored is not None and self._live_has(stored.name):
                    self._keep(stored.name)
            self.stored.episodes[key] = before

    def _live_has(self, name: str) -> bool:
        return self.live is not None and (self.live / name).is_file()

    def _keep(self, name: str) -> None:
        """The live file, unchanged, in the new revision: a hard link (a copy if that fails)."""
        target = self.incoming / name
        if target.exists():
            return
        try:
            os.link(self.live / name, target)
        except OSError:
            shutil.copy2(self.live / name, target)

    def _skip(self, episode: FeedEpisode, reason: str) -> None:
        """An entry (or one of its files) left for a later sync to try again."""
        self.stored.complete = False
        self.skipped.append(SkippedEntry(f"“{episode.title[:80]}”" if episode.title else episode.key[:80], reason))


class _NotStored(Exception):
    """A file of an entry that could not be fetched or read; the message says why."""


def _finish(run: _Run, root: Path, name: str, previous: str, accept_losses: bool) -> FeedOutcome:
    """Swap the new revision in when it differs from the live one; the outcome."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if run.unchanged_feed or (run.live is not None and _same_files(run.incoming, run.live)):
        if not run.unchanged_feed:  # the same files; remember the feed's and files' new validators
            write_atomically(root / STATE_FILE, run.stored.to_json())
        revision = previous or _digest(root)
        return FeedOutcome(SyncedArchive(name, run.url, "", (), revision, now, FEED), "unchanged",
                           tuple(run.downloaded), tuple(run.skipped))
    (run.incoming / STATE_FILE).write_text(run.stored.to_json(), encoding="utf-8")
    change = check_revision(run.incoming, run.live, accept_losses, f"feed {shown_url(run.url)}")
    revision = _digest(run.incoming)
    swap_in(run.incoming, root)
    return FeedOutcome(SyncedArchive(name, run.url, "", (), revision, now, FEED),
                       "updated" if run.live is not None else "created", tuple(run.downloaded),
                       tuple(run.skipped), change)


def _same_files(incoming: Path, live: Path) -> bool:
    """Whether the new revision stores exactly what the live one does (the state file aside);
    a kept file is a hard link of the live one, so it is compared without being read."""
    names = {p.name for p in incoming.iterdir()}
    if names != {p.name for p in live.iterdir() if p.name != STATE_FILE}:
        return False
    return all(os.path.samefile(incoming / n, live / n) or (incoming / n).read_bytes() == (live / n).read_bytes()
               for n in names)


def _digest(folder: Path) -> str:
    """The stored files' names and contents (the state file aside), as one hex digest."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.name != STATE_FILE and path.is_file():
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:40]


def _shown(url: str) -> str:
    return shown_url(url)[:120]
