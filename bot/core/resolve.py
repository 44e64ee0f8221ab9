"""Checking a parsed pin target against the knowledge and the answer log.

Moments are resolved to a snapshot (quote, speaker, chapter) at pin time, so a pin
still reads well if the episode later leaves the knowledge.
"""
from __future__ import annotations

from bot.errors import UserError
from bot.models import Invocation, Moment
from bot.store.answers import NOT_FOUND, AnswerLog, LoggedAnswer
from bot.timefmt import player_time
from bot.core.targets import AnswerRef, MomentRef, NoteRef, Target, YouTubeRef

QUOTE_MIN_WORDS = 25
# Transcripts end before the recording does; allow a little past the last line.
END_GRACE_SECONDS = 120


def resolve_target(target: Target, index, answers: AnswerLog | None,
                   asker: Invocation | None) -> tuple[Moment, LoggedAnswer | None]:
    """The pin target, and the logged answer it came from (for the default question).

    `last` means the latest answer given to the asker (`asker.user_id`) in the asker's
    conversation; `answers` and `asker` are only needed for answer targets.
    """
    if isinstance(target, AnswerRef):
        answer = _answer(target, answers, asker)
        return answer.target, answer
    if isinstance(target, NoteRef):
        return Moment(text=target.text, url=target.url), None
    if isinstance(target, YouTubeRef):
        docs = [d for d in index.documents.values() if d.youtube_id == target.video_id]
        if not docs:
            raise UserError(f"No episode in the knowledge has the YouTube id `{target.video_id}`.")
        return moment_at(index, docs[0], target.sec), None
    if isinstance(target, MomentRef):
        return moment_at(index, _document(index, target.doc), target.sec), None
    raise TypeError(target)


def moment_at(index, doc, sec: int) -> Moment:
    """The utterance playing at `sec`, with following lines until the quote says something."""
    lines = _utterances(index, doc.doc_id)
    if not lines:
        raise UserError(f"`{doc.doc_id}` has no timed transcript; pin a text with a link instead.")
    last = max(start for start, *_ in lines)
    if sec < 0 or sec > last + END_GRACE_SECONDS:
        raise UserError(f"{player_time(sec)} is beyond the end of {doc.code or doc.doc_id} "
                        f"(its transcript ends at {player_time(last)}).")
    at = max((i for i, line in enumerate(lines) if line[0] <= sec), default=0)
    start, speaker, chapter, _ = lines[at]
    words: list[str] = []
    for line_start, line_speaker, line_chapter, text in lines[at:]:
        if words and (line_chapter != chapter or len(words) >= QUOTE_MIN_WORDS):
            break
        words.extend(text.split())
    return Moment(text=" ".join(words), doc_id=doc.doc_id, start=sec, speaker=speaker, chapter=chapter,
                     title=doc.title, code=doc.code, released=doc.released, url=doc.link_at(sec))


def _utterances(index, doc_id: str) -> list[tuple[int, str | None, str | None, str]]:
    """(second, speaker, chapter, text) of a document's timed lines, once each, in order."""
    seen: dict[int, tuple[int, str | None, str | None, str]] = {}
    for passage in index.passages_of(doc_id):
        for i, (_, sec, who) in enumerate(passage.utterances):
            if sec is not None:
                seen.setdefault(sec, (sec, who, passage.section, passage.utterance_text(i)))
    return [seen[s] for s in sorted(seen)]


def _document(index, name: str):
    doc = index.documents.get(name)
    if doc is None:
        code = name.lower()
        doc = next((d for d in index.documents.values() if d.code == code), None)
    if doc is None:
        raise UserError(f"No document `{name}` in the knowledge; use its id (file name) or an episode code like s17e07.")
    return doc


def _answer(target: AnswerRef, answers: AnswerLog, asker: Invocation) -> LoggedAnswer:
    if target.answer_id:
        answer = answers.get(target.answer_id)
        if answer is None:
            raise UserError(f"I don't know an answer with id `{target.answer_id}`.")
    else:
        answer = answers.last_for(asker.user_id, asker.conversation)
        if answer is None:
            raise UserError("I haven't answered you in this conversation yet; ask first, then `/pin last`.")
    if answer.kind == NOT_FOUND:
        raise UserError("My last reply to you here found nothing, so there is no answer to pin.")
    if answer.target is None or not answer.target.text:  # episode or person cards quote nothing
        raise UserError("My last reply to you here showed episodes, not a moment, so there is no answer to pin.")
    return answer

