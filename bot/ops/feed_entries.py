"""A podcast's RSS feed -> its episodes, each with the files to fetch for it.

feedparser reads what podcast apps read (RSS and Atom, any encoding, real-world broken XML,
RFC 822 dates, iTunes tags). It keeps only the last of repeated `podcast:` tags, though,
and an item may list several `<podcast:transcript>`s (JSON, WebVTT, SubRip, HTML), so those
tags are read again per item with the standard library's XML parser.

Every value is bounded by the knowledge rules (bot/retrieval/values.py) before it is
stored; an entry that can't become an episode is skipped with a reason, never fatal. A
feed declaring XML entities is refused whole: no podcast feed needs them, and entity
expansion is how XML is made to explode. Every link must be http(s) (`web_url`).

The sync runs `read_feed` in a child process (feed_child.py): feedparser's fallback parser
for broken XML spends minutes on a few hostile megabytes, and a thread can't be stopped.
"""
from __future__ import annotations

import calendar
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import urljoin

import feedparser

from bot.retrieval.formats.cues import parse_clock
from bot.retrieval.text import clean_inline, clean_markdown
from bot.retrieval.values import (MAX_ITEMS, MAX_LABEL_CHARS, MAX_NUMBER, MAX_SECONDS, MAX_TEXT_CHARS, BadValue,
                                  text, whole_number)
from bot.weblinks import web_url

MAX_FEED_BYTES = 20 * 1024 * 1024   # a daily show's 3000 episodes with long notes stay under it
MAX_EPISODES = 5000
PODCAST_NAMESPACE = "podcastindex.org/namespace/"
# Transcript types the bot reads, best first (JSON and WebVTT carry speakers; SubRip doesn't).
TRANSCRIPT_TYPES = {"application/json": ".json", "text/vtt": ".vtt", "application/x-subrip": ".srt",
                    "application/srt": ".srt", "text/srt": ".srt", "application/x-srt": ".srt"}
_PREFERENCE = (".json", ".vtt", ".srt")
_ENTITY_MARKS = tuple("<!ENTITY".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


class FeedError(Exception):
    """The document is not a feed the bot can read; the message says why."""


@dataclass(frozen=True)
class FeedEpisode:
    key: str                              # the guid (else link or enclosure): the same episode every sync
    title: str
    released: str | None = None           # ISO date
    season: int | None = None
    episode: int | None = None
    page: str | None = None               # the episode's web page
    audio: str | None = None              # the enclosure
    transcript: tuple[str, str] | None = None  # (url, ".json" | ".vtt" | ".srt")
    chapters: str | None = None
    guests: tuple[str, ...] = ()
    description: str = ""
    duration: int | None = None


@dataclass(frozen=True)
class SkippedEntry:
    entry: str                            # its title, or its position in the feed
    reason: str


@dataclass(frozen=True)
class _PodcastTags:
    transcripts: tuple[tuple[str, str], ...]   # (url, type), in feed order
    chapters: str | None
    guests: tuple[str, ...]


def read_feed(data: bytes, base_url: str) -> tuple[list[FeedEpisode], list[SkippedEntry]]:
    """The feed's episodes and the entries skipped; FeedError when it is no feed."""
    if any(mark in data for mark in _ENTITY_MARKS):
        raise FeedError("the feed declares XML entities; refused")
    # Bytes, never a URL or a path: given a string, feedparser would fetch or open it itself.
    parsed = feedparser.parse(data, response_headers={"content-location": base_url}, sanitize_html=False,
                              resolve_relative_uris=False)
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not a feed with episodes{f' ({problem})' if problem else ''}"[:200])
    tags = _podcast_tags(data)
    episodes, skipped = [], []
    for position, entry in enumerate(parsed.entries[:MAX_EPISODES], 1):
        try:
            episodes.append(_episode(entry, base_url, tags))
        except BadValue as bad:
            skipped.append(SkippedEntry(_name(entry, position), str(bad)))
    if len(parsed.entries) > MAX_EPISODES:
        skipped.append(SkippedEntry(f"entries after {MAX_EPISODES}", "the feed has too many entries"))
    return episodes, skipped


def _episode(entry, base_url: str, tags: dict[str, _PodcastTags]) -> FeedEpisode:
    key = _key(entry, base_url)
    found = tags.get(key) or _single_tags(entry)
    transcript = _best_transcript(found.transcripts, base_url)
    return FeedEpisode(
        key=key,
        title=clean_inline(_bounded(entry.get("title"))),
        released=_date(entry.get("published_parsed") or entry.get("updated_parsed")),
        season=_number(entry.get("itunes_season")) or (1 if _number(entry.get("itunes_episode")) else None),
        episode=_number(entry.get("itunes_episode")),
        page=web_url(urljoin(base_url, entry.get("link") or "")) if entry.get("link") else None,
        audio=_enclosure(entry, base_url),
        transcript=transcript,
        chapters=web_url(urljoin(base_url, found.chapters)) if found.chapters else None,
        guests=found.guests,
        description=_description(entry),
        duration=_duration(entry.get("itunes_duration")),
    )


def _key(entry, base_url: str) -> str:
    enclosures = entry.get("enclosures") or [{}]
    for value in (entry.get("id"), entry.get("link"), enclosures[0].get("href")):
        if isinstance(value, str) and value.strip():
            return _bounded(value.strip())
    raise BadValue("no guid, link or enclosure to know the episode by")


def _best_transcript(found, base_url: str) -> tuple[str, str] | None:
    """The most useful transcript the bot can read; BadValue naming why none is usable."""
    usable, refused = [], []
    for url, kind in found:
        link = web_url(urljoin(base_url, url))
        extension = TRANSCRIPT_TYPES.get(kind.split(";")[0].strip().lower()) or _extension(url)
        if link is None:
            refused.append(f"not an http(s) link: {_shown(url)}")
        elif extension is None:
            refused.append(f"a type the bot can't read ({_shown(kind) or 'none'})")
        else:
            usable.append((link, extension))
    if usable:
        return min(usable, key=lambda found: _PREFERENCE.index(found[1]))
    raise BadValue("no podcast:transcript" + (f": {'; '.join(refused[:3])}" if refused else ""))


def _extension(url: str) -> str | None:
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return next((ext for ext in _PREFERENCE if path.endswith(ext)), None)


def _enclosure(entry, base_url: str) -> str | None:
    for enclosure in entry.get("enclosures") or []:
        kind = str(enclosure.get("type") or "")
        if kind.startswith(("audio/", "video/")) or not kind:
            link = web_url(urljoin(base_url, str(enclosure.get("href") or "")))
            if link:
                return link
    return None


def _podcast_tags(data: bytes) -> dict[str, _PodcastTags]:
    """Per item key: its podcast:transcript, podcast:chapters and guest podcast:person
    tags. {} when the XML is too broken for a strict parser (feedparser's last-of-each
    tag is used then)."""
    found: dict[str, _PodcastTags] = {}
    try:
        for _, element in ElementTree.iterparse(BytesIO(data), events=("end",)):
            if _local(element.tag) == "item":
                key = _item_key(element)
                if key:
                    found.setdefault(key, _item_tags(element))
                element.clear()
    except ElementTree.ParseError:
        return {}
    return found


def _item_key(item) -> str | None:
    for child in item:
        if _local(child.tag) == "guid" and (child.text or "").strip():
            return _bounded(child.text.strip())
    for child in item:
        if _local(child.tag) == "link" and not child.tag.startswith("{") and (child.text or "").strip():
            return _bounded(child.text.strip())
    return None


def _item_tags(item) -> _PodcastTags:
    transcripts, chapters, guests = [], None, []
    for child in item:
        if PODCAST_NAMESPACE not in child.tag:
            continue
        name = _local(child.tag)
        if name == "transcript" and child.get("url"):
            transcripts.append((child.get("url"), child.get("type") or ""))
        elif name == "chapters" and child.get("url") and chapters is None:
            chapters = child.get("url")
        elif name == "person" and (child.get("role") or "").lower() == "guest" and (child.text or "").strip():
            guests.append(clean_inline(_bounded(child.text)))
    return _PodcastTags(tuple(transcripts[:MAX_ITEMS]), chapters, tuple(guests[:MAX_ITEMS]))


def _single_tags(entry) -> _PodcastTags:
    transcript, chapters = entry.get("podcast_transcript") or {}, entry.get("podcast_chapters") or {}
    transcripts = ((transcript.get("url"), transcript.get("type") or ""),) if transcript.get("url") else ()
    return _PodcastTags(transcripts, chapters.get("url"), ())


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _bounded(value, limit: int = MAX_LABEL_CHARS) -> str:
    try:
        return text(value, limit)
    except BadValue:
        return text(value[:limit]) if isinstance(value, str) else ""


def _number(value) -> int | None:
    try:
        return whole_number(value, MAX_NUMBER)
    except BadValue:
        return None


def _date(parsed) -> str | None:
    if not parsed:
        return None
    try:
        return time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm(parsed)))
    except (OverflowError, ValueError, TypeError):
        return None


def _duration(value) -> int | None:
    """itunes:duration: `1:02:03`, `62:03` or seconds."""
    if not isinstance(value, str) or not value.strip():
        return None
    found = parse_clock(value) if ":" in value else _number(value.strip())
    return int(found) if found and found <= MAX_SECONDS else None


def _description(entry) -> str:
    """The show notes as plain text (feedparser has already sanitised the HTML)."""
    html = entry.get("summary") or ""
    return clean_markdown(html[: 4 * MAX_TEXT_CHARS])[:MAX_TEXT_CHARS] if isinstance(html, str) else ""


def _name(entry, position: int) -> str:
    title = clean_inline(_bounded(entry.get("title"), 80))
    return f"“{title}”" if title else f"entry {position}"


def _shown(value) -> str:
    """Untrusted text for a log line: short, one line, no control characters."""
    shown = str(value or "")[:100]
    return "".join(c if c.isprintable() else "?" for c in shown)
