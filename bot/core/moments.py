"""Turning retrieval results, pins and logged answers into the neutral reply model."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from bot.models import ChapterLink, EpisodeCard, Moment, PersonCard
from bot.retrieval.hits import Hit

OLD_AFTER_YEARS = 3
NOTE_TITLE = "Note from the moderators"


def moment_from_hit(hit: Hit) -> Moment:
    doc = hit.document
    return Moment(text=hit.text, speaker=hit.speaker, doc_id=doc.doc_id, title=doc.title, code=doc.code,
                  chapter=hit.passage.section, start=hit.start, url=hit.url, released=doc.released)


def refreshed(moment: Moment, documents: dict) -> Moment:
    """A stored moment with title, code, link and date from the current knowledge when it
    still has the document (a note gets a title of its own)."""
    doc = documents.get(moment.doc_id) if moment.doc_id else None
    if doc is None:
        return replace(moment, title=moment.title or NOTE_TITLE)
    return replace(moment, title=doc.title, code=doc.code, released=doc.released,
                   url=doc.link_at(moment.start) or moment.url)


def episode_card(doc, with_chapters: bool = False) -> EpisodeCard:
    chapters = tuple(ChapterLink(c.title, c.sec, doc.link_at(c.sec)) for c in doc.chapters) if with_chapters else ()
    return EpisodeCard(doc_id=doc.doc_id, title=doc.title, code=doc.code, guests=tuple(doc.guests),
                       released=doc.released, url=doc.link_at(None), description=doc.description, chapters=chapters)


MAX_PERSON_EPISODES = 5


def person_card(person, episodes, hosted: int = 0) -> PersonCard:
    """Who someone is, and their episodes newest first (a host's: the newest few)."""
    role = "guest" if any(person.name in d.guests for d in episodes) else "host"
    return PersonCard(name=person.name, description=person.description, role=role,
                      episodes=tuple(episode_card(d) for d in episodes[:MAX_PERSON_EPISODES]),
                      episode_count=len(episodes), hosted=hosted)


def moment_notes(moment: Moment, now: datetime) -> tuple[str, ...]:
    """Where the moment comes from, and a warning when the advice may be dated."""
    where = f"From chapter “{moment.chapter}”" if moment.chapter else "From"
    episode = moment.code or (f"“{moment.title}”" if moment.title else None)
    notes = []
    if episode:
        released = f", released {moment.released}" if moment.released else ""
        notes.append(f"{where} {'of ' if moment.chapter else ''}{episode}{released}.")
    released_on = _parse_date(moment.released)
    if released_on and _years_later(released_on, OLD_AFTER_YEARS) < now.date():
        notes.append(f"This advice is from {released_on.year}, more than {OLD_AFTER_YEARS} years ago; "
                     "things may have changed.")
    return tuple(notes)


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
