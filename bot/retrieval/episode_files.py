"""Turn the front matter of a DataTalks.Club episode file into a LoadedDocument.

Transcripts are messy in known ways, handled here:
- an utterance without `sec` inherits the previous one (0 at the very start);
- an utterance without `who` keeps `who=None` rather than guessing a speaker;
- seconds that jump backwards are kept as given: each line's own second is the best
  evidence of where it is said (passages take their span as min..max);
- a line repeated right after itself is one utterance, keeping whichever copy carries
  the explicit second and speaker.
"""
from __future__ import annotations

from bot.retrieval.documents import EPISODE, Chapter, Document, LoadedDocument, Section, Utterance
from bot.retrieval.text import clean_inline
from bot.retrieval.values import as_duration, as_int, as_iso_date, as_strings, as_text


def is_episode(front: dict) -> bool:
    return isinstance(front.get("transcript"), list) or (
        "season" in front and "episode" in front
    )


def load_episode(doc_id: str, path: str, front: dict, people: dict[str, str]) -> LoadedDocument:
    sections = _sections(front.get("transcript") or [])
    ids = front.get("ids") if isinstance(front.get("ids"), dict) else {}
    youtube_id = as_text(ids.get("youtube")) or None
    links = front.get("links") if isinstance(front.get("links"), dict) else {}
    document = Document(
        doc_id=doc_id,
        kind=EPISODE,
        title=as_text(front.get("title")) or as_text(front.get("short")) or doc_id,
        path=path,
        short=as_text(front.get("short")),
        season=as_int(front.get("season")),
        episode=as_int(front.get("episode")),
        guests=tuple(people.get(g) or _speaker_named_like(g, sections) or g for g in as_strings(front.get("guests"))),
        youtube_id=youtube_id,
        url=as_text(links.get("youtube")) or None,
        released=as_iso_date(front.get("dateadded")) or as_iso_date(front.get("date")),
        description=clean_inline(as_text(front.get("description")) or as_text(front.get("intro"))),
        topics=tuple(as_strings(front.get("topics"))),
        chapters=_chapters(sections, front.get("quotableClips")),
        speakers=tuple(dict.fromkeys(u.who for s in sections for u in s.utterances if u.who)),
        duration=as_duration(front.get("duration")),
    )
    return LoadedDocument(document, sections)


def _sections(items: list) -> tuple[Section, ...]:
    sections: list[Section] = []
    header: str | None = None
    current: list[Utterance] = []
    explicit: list[bool] = []  # whether current[i] had its own sec and who
    last_sec = 0
    for item in items:
        if not isinstance(item, dict):
            continue
        if "header" in item and "line" not in item:
            if current:
                sections.append(Section(header, tuple(current)))
            header, current, explicit = clean_inline(as_text(item["header"])) or None, [], []
            continue
        text = clean_inline(as_text(item.get("line")))
        if not text:
            continue
        sec = as_int(item.get("sec"))
        who = as_text(item.get("who")).rstrip(":").strip() or None  # some files write "Theo:"
        full = sec is not None and who is not None
        sec = last_sec if sec is None else sec
        last_sec = sec
        if current and current[-1].text == text:
            if full and not explicit[-1]:
                current[-1], explicit[-1] = Utterance(text, sec, who), True
            continue
        current.append(Utterance(text, sec, who))
        explicit.append(full)
    if current:
        sections.append(Section(header, tuple(current)))
    return tuple(sections)


def _speaker_named_like(guest_id: str, sections: tuple[Section, ...]) -> str | None:
    """Without a `_people` entry, the transcript's name for the guest ("Sara" for the id
    "saraelateif") reads better than the id."""
    wanted = guest_id.lower()
    for who in dict.fromkeys(u.who for s in sections for u in s.utterances if u.who):
        name = who.lower().replace(" ", "")
        if len(name) >= 3 and wanted.startswith(name):
            return who
    return None


def _chapters(sections: tuple[Section, ...], clips) -> tuple[Chapter, ...]:
    chapters = [Chapter(s.header, s.utterances[0].sec) for s in sections if s.header]
    if chapters or not isinstance(clips, list):
        return tuple(chapters)
    return tuple(
        Chapter(clean_inline(as_text(c.get("name"))), as_int(c.get("startOffset")))
        for c in clips
        if isinstance(c, dict) and as_text(c.get("name"))
    )
