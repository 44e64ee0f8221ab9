"""The knowledge model: what a loaded file becomes before it is cut into passages.

Values that cross module boundaries are frozen dataclasses; `Document` is also what
the index cache stores, so it stays plain (strings, numbers, tuples).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from bot.weblinks import media_link, web_url, youtube_link

EPISODE = "episode"
ARTICLE = "article"
TRANSCRIPT_EXTENSIONS = (".vtt", ".srt", ".json")  # WebVTT, SubRip, Podcasting 2.0 JSON
EXTENSIONS = (".md", ".markdown", ".txt", *TRANSCRIPT_EXTENSIONS)  # what can be a document


@dataclass(frozen=True)
class Utterance:
    """One transcript line (or one article paragraph, with `sec` None)."""

    text: str
    sec: int | None
    who: str | None


@dataclass(frozen=True)
class Section:
    """A run of utterances under one header (an episode chapter, an article heading)."""

    header: str | None
    utterances: tuple[Utterance, ...]


@dataclass(frozen=True)
class Chapter:
    title: str
    sec: int | None


@dataclass(frozen=True)
class Document:
    """Metadata of one knowledge file; its body lives in `LoadedDocument.sections`."""

    doc_id: str
    kind: str
    title: str
    path: str = ""
    short: str = ""
    season: int | None = None
    episode: int | None = None
    guests: tuple[str, ...] = ()
    youtube_id: str | None = None
    url: str | None = None          # an episode's web page, an article's source
    audio_url: str | None = None    # an episode's audio (or video) file: plays from a second with `#t=`
    released: str | None = None  # ISO date, when the archive says when it came out
    description: str = ""
    topics: tuple[str, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    speakers: tuple[str, ...] = ()  # names as the transcript writes them ("Sara"), in order
    duration: int | None = None     # seconds, when the archive says

    @property
    def code(self) -> str | None:
        """`s17e07`, the way the community refers to an episode."""
        if self.season is None or self.episode is None:
            return None
        return f"s{self.season:02d}e{self.episode:02d}"

    @cached_property  # the router asks it of every episode for every person a question names
    def hosts(self) -> tuple[str, ...]:
        """Speakers who are not guests: the people asking the questions.

        Transcripts name speakers by first name ("Sara") while guests are full names
        ("Sara El-Ateif") or ids ("saraelateif"), so a speaker is a guest when their
        name starts a guest's name or id."""
        guests = [g.lower() for g in self.guests]

        def is_guest(speaker: str) -> bool:
            name = speaker.lower()
            first = name.split()[0] if name.split() else name
            return any(g == name or first in g.split() or g.replace(" ", "").startswith(first)
                       for g in guests if g)  # "Swyx" is the guest "Shawn Swyx Wang"
        return tuple(s for s in self.speakers if not is_guest(s)) if guests else ()

    def link_at(self, sec: int | None) -> str | None:
        """A link that starts playing at `sec`: the YouTube video, else the audio file with a
        media fragment; without a second (a card), the web page first. The source link for
        articles. Checked here too, not only at load: a document may come from an index
        cache written before."""
        video = youtube_link(self.youtube_id, sec)
        if video:
            return video
        if sec is not None:
            return media_link(self.audio_url, sec) or web_url(self.url)
        return web_url(self.url) or media_link(self.audio_url)


@dataclass(frozen=True)
class Person:
    """Someone the archive knows: a `_people/` entry (id = file stem), or a guest or host
    the episodes name without one (id = the name)."""

    person_id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class LoadedDocument:
    document: Document
    sections: tuple[Section, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


def document_to_dict(doc: Document) -> dict:
    return {
        "doc_id": doc.doc_id, "kind": doc.kind, "title": doc.title, "path": doc.path,
        "short": doc.short, "season": doc.season, "episode": doc.episode,
        "guests": list(doc.guests), "youtube_id": doc.youtube_id, "url": doc.url,
        "audio_url": doc.audio_url, "released": doc.released, "description": doc.description,
        "topics": list(doc.topics),
        "chapters": [[c.title, c.sec] for c in doc.chapters],
        "speakers": list(doc.speakers), "duration": doc.duration,
    }


def document_from_dict(data: dict) -> Document:
    return Document(
        doc_id=data["doc_id"], kind=data["kind"], title=data["title"], path=data["path"],
        short=data["short"], season=data["season"], episode=data["episode"],
        guests=tuple(data["guests"]), youtube_id=data["youtube_id"], url=data["url"],
        audio_url=data.get("audio_url"), released=data["released"], description=data["description"],
        topics=tuple(data["topics"]),
        chapters=tuple(Chapter(title, sec) for title, sec in data["chapters"]),
        speakers=tuple(data["speakers"]), duration=data["duration"],
    )
