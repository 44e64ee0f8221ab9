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
from bot.retrieval.source_links import video_id
from bot.retrieval.values import (MAX_NUMBER, MAX_SECONDS, MAX_TEXT_CHARS, NO_LIMIT, Fields, duration,
                                  iso_date, text, whole_number)


def is_episode(front: dict) -> bool:
    return isinstance(front.get("transcript"), list) or (
        "season" in front and "episode" in front
    )


def load_episode(doc_id: str, path: str, fields: Fields, people: dict[str, str]) -> LoadedDocument:
    sections = _sections(fields)
    speakers = tuple(fields.at_most("transcript.who", list(
        dict.fromkeys(u.who for s in sections for u in s.utterances if u.who))))
    short = fields.get("short")
    document = Document(
        doc_id=doc_id,
        kind=EPISODE,
        title=fields.get("title") or short or doc_id,
        path=path,
        short=short,
        season=fields.get("season", whole_number, MAX_NUMBER),
        episode=fields.get("episode", whole_number, MAX_NUMBER),
        guests=guest_names(fields, people, speakers),
        youtube_id=video_id(fields),
        released=fields.get("dateadded", iso_date) or fields.get("date", iso_date),
        description=clean_inline(fields.get("description", text, MAX_TEXT_CHARS)
                                 or fields.get("intro", text, MAX_TEXT_CHARS)),
        topics=tuple(fields.texts("topics")),
        chapters=_chapters(sections, fields),
        speakers=speakers,
        duration=fields.get("duration", duration),
    )
    return LoadedDocument(document, sections)


def _sections(fields: Fields) -> tuple[Section, ...]:
    sections: list[Section] = []
    header: str | None = None
    current: list[Utterance] = []
    explicit: list[bool] = []  # whether current[i] had its own sec and who
    last_sec = 0
    for value in fields.items("transcript"):
        if not isinstance(value, dict):
            fields.note("transcript", "an entry that is not a mapping")
            continue
        item = fields.item(value, "transcript")
        if "header" in value and "line" not in value:
            if current:
                sections.append(Section(header, tuple(current)))
            header, current, explicit = clean_inline(item.get("header")) or None, [], []
            continue
        line = clean_inline(item.get("line", text, NO_LIMIT))
        if not line:
            continue
        sec = item.get("sec", whole_number, MAX_SECONDS)
        who = item.get("who").rstrip(":").strip() or None  # some files write "Theo:"
        full = sec is not None and who is not None
        sec = last_sec if sec is None else sec
        last_sec = sec
        if current and current[-1].text == line:
            if full and not explicit[-1]:
                current[-1], explicit[-1] = Utterance(line, sec, who), True
            continue
        current.append(Utterance(line, sec, who))
        explicit.append(full)
    if current:
        sections.append(Section(header, tuple(current)))
    return tuple(sections)


def guest_names(fields: Fields, people: dict[str, str], speakers: tuple[str, ...]) -> tuple[str, ...]:
    """The `guests` field as names: a `_people` entry's name, else (for an id such as
    "saraelateif") the transcript's name for the guest, else as written ("Priya Raman")."""
    return tuple(people.get(g) or (" " not in g and _speaker_named_like(g, speakers)) or g
                 for g in fields.texts("guests"))


def _speaker_named_like(guest_id: str, speakers: tuple[str, ...]) -> str | None:
    """Without a `_people` entry, the transcript's name for the guest ("Sara" for the id
    "saraelateif") reads better than the id."""
    wanted = guest_id.lower()
    for who in speakers:
        name = who.lower().replace(" ", "")
        if len(name) >= 3 and wanted.startswith(name):
            return who
    return None


def _chapters(sections: tuple[Section, ...], fields: Fields) -> tuple[Chapter, ...]:
    chapters = [Chapter(s.header, s.utterances[0].sec) for s in sections if s.header]
    if chapters or not isinstance(fields.data.get("quotableClips"), list):
        return tuple(chapters)
    found = []
    for value in fields.items("quotableClips"):
        clip = fields.item(value, "quotableClips")
        name = clean_inline(clip.get("name"))
        if name:
            found.append(Chapter(name, clip.get("startOffset", whole_number, MAX_SECONDS)))
    return tuple(found)
