"""How a feed archive lies on disk: file names, the sidecar, and what the last sync knew.

    data/archive/<name>/s02e04-building-your-own-telescope.json            the transcript
    data/archive/<name>/s02e04-building-your-own-telescope.chapters.json   its chapters
    data/archive/<name>/s02e04-building-your-own-telescope.yaml            metadata from the feed
    data/archive/<name>/.feed-state                                        validators, stems

Names come from the feed, which is untrusted: a stem is made here of [a-z0-9-] only
(`../../etc`, `.env`, NUL bytes and 5 kB titles all become plain slugs), is given once per
episode and remembered, so an episode keeps its document id (pins and gold labels name
it) when its title is edited. `.feed-state` is hidden and has no knowledge extension, so
the loader never reads it; it is swapped in with the files it describes.
"""
from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from bot.ops.feed_entries import FeedEpisode
from bot.ops.feed_http import Validators

log = logging.getLogger(__name__)

STATE_FILE = ".feed-state"
MAX_STEM_CHARS = 80
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class StoredFile:
    name: str                       # inside the archive folder
    url: str                        # where it was fetched from
    etag: str | None = None
    last_modified: str | None = None

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)


@dataclass
class StoredEpisode:
    stem: str
    transcript: StoredFile | None = None
    chapters: StoredFile | None = None


@dataclass
class FeedState:
    feed: StoredFile | None = None
    episodes: dict[str, StoredEpisode] = field(default_factory=dict)   # by FeedEpisode.key
    complete: bool = True   # False: an entry failed for now, so the next sync reads the feed even if unchanged

    def to_json(self) -> str:
        return json.dumps({"version": 1, "feed": asdict(self.feed) if self.feed else None, "complete": self.complete,
                           "episodes": {key: asdict(e) for key, e in self.episodes.items()}}, indent=1)


def read_state(root: Path) -> FeedState:
    """What the last sync stored; an empty state (everything fetched anew) if unreadable."""
    path = root / STATE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return FeedState(_file(raw.get("feed")),
                         {str(key): StoredEpisode(_stem(value["stem"]), _file(value.get("transcript")),
                                                  _file(value.get("chapters")))
                          for key, value in raw["episodes"].items()},
                         raw.get("complete") is not False)
    except FileNotFoundError:
        return FeedState()
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("ignoring unreadable feed state %s (%s): every file is fetched again", path, type(exc).__name__)
        return FeedState()


def new_stem(episode: FeedEpisode, taken: set[str]) -> str:
    """A file stem for an episode seen for the first time, unlike any in `taken`."""
    code = f"s{episode.season:02d}e{episode.episode:02d}-" if episode.season is not None and episode.episode is not None else ""
    stem = (code + slug(episode.title))[:MAX_STEM_CHARS].strip("-") or "episode"
    unique, number = stem, 2
    while unique in taken:
        unique, number = f"{stem}-{number}", number + 1
    return unique


def slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return _NOT_SLUG.sub("-", ascii_title).strip("-")[:MAX_STEM_CHARS]


def sidecar_text(episode: FeedEpisode) -> str:
    """The metadata file (formats/sidecar.py reads it), from the feed's values."""
    values = {"title": episode.title, "date": episode.released, "season": episode.season,
              "episode": episode.episode, "url": episode.page, "audio": episode.audio,
              "guests": list(episode.guests), "duration": episode.duration, "description": episode.description}
    kept = {key: value for key, value in values.items() if value not in (None, "", [])}
    return yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, width=100)


def _file(value) -> StoredFile | None:
    if value is None:
        return None
    stored = StoredFile(**{key: value.get(key) for key in ("name", "url", "etag", "last_modified")})
    if _stem(stored.name) != stored.name or not isinstance(stored.url, str):
        raise ValueError("a stored file name that this program would not have written")
    return stored


def _stem(value) -> str:
    """A name as this module writes them; anything else means the state was tampered with."""
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9][a-z0-9.-]{0,120}", value) or ".." in value:
        raise ValueError("a stored name that this program would not have written")
    return value
