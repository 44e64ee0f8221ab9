"""Turning retrieval results, pins and logged answers into the neutral reply model."""
from __future__ import annotations

from datetime import date, datetime

from bot.models import ChapterLink, EpisodeCard, Moment
from bot.retrieval.hits import Hit
from bot.store.pins import PinTarget

OLD_AFTER_YEARS = 3


def moment_from_hit(hit: Hit) -> Moment:
    doc = hit.document
    return Moment(text=hit.text, speaker=hit.speaker, doc_id=doc.doc_id, title=doc.title, code=doc.code,
                  chapter=hit.passage.section, start=hit.start, url=hit.url, released=doc.released)


def moment_from_target(target: PinTarget, documents: dict) -> Moment:
    """A pin's moment, with title and link from the current knowledge when it still has the episode."""
    doc = documents.get(target.doc_id) if target.doc_id else None
    return Moment(
        text=target.quote, speaker=target.speaker, doc_id=target.doc_id or "",
        title=doc.title if doc else (target.title or "Note from the moderators"),
        code=doc.code if doc else target.code, chapter=target.chapter, start=target.start,
        url=(doc.link_at(target.start) if doc else None) or target.url,
        released=doc.released if doc else target.released)


def target_from_moment(moment: Moment) -> PinTarget:
    """The snapshot of a shown moment that the answer log keeps and a pin can reuse."""
    return PinTarget(quote=moment.text, doc_id=moment.doc_id or None, start=moment.start, speaker=moment.speaker,
                     chapter=moment.chapter, title=moment.title, code=moment.code, released=moment.released,
                     url=moment.url)


def episode_card(doc, with_chapters: bool = False) -> EpisodeCard:
    chapters = tuple(ChapterLink(c.title, c.sec, doc.link_at(c.sec)) for c in doc.chapters) if with_chapters else ()
    return EpisodeCard(doc_id=doc.doc_id, title=doc.title, code=doc.code, guests=tuple(doc.guests),
                       released=doc.released, url=doc.link_at(None), description=doc.description, chapters=chapters)


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
