"""A transcript file and its parts (metadata, chapters) -> one episode.

The transcript's cues become utterances (cues.py); chapters cut them into sections, so a
passage never bleeds across a chapter and a moment names its chapter. Metadata comes from
the sidecar (sidecar.py); without one the episode still loads, titled by its file name.
A part that can't be read costs only what it would have added, noted like a bad value.
"""
from __future__ import annotations

import os

from bot.retrieval.documents import EPISODE, Chapter, Document, LoadedDocument, Section, Utterance
from bot.retrieval.episode_files import guest_names
from bot.retrieval.formats import sidecar
from bot.retrieval.formats.chapters import read_chapters
from bot.retrieval.formats.cues import Cue, TranscriptError, merge_cues
from bot.retrieval.formats.podcast_json import read_podcast_json
from bot.retrieval.formats.srt import read_srt
from bot.retrieval.formats.vtt import read_vtt
from bot.retrieval.frontmatter import FrontMatterError
from bot.retrieval.knowledge_files import CHAPTERS_SUFFIX, KnowledgeFile, UnreadableFile, decode_text
from bot.retrieval.text import clean_inline
from bot.retrieval.values import MAX_NUMBER, MAX_TEXT_CHARS, Fields, duration, text, whole_number

READERS = {".vtt": read_vtt, ".srt": read_srt, ".json": read_podcast_json}


def load_transcript_episode(file: KnowledgeFile, source: str, doc_id: str, people: dict[str, str],
                            parts, notes: Fields) -> LoadedDocument:
    """TranscriptError when the transcript holds nothing to answer from."""
    cues = READERS[os.path.splitext(file.path.name)[1].lower()](source, notes)
    chapters = _chapters(parts, notes)
    utterances = merge_cues(cues, breaks=[c.sec or 0 for c in chapters])
    if not utterances:
        raise TranscriptError("no cue with text in the transcript")
    meta = notes.reading(_metadata(parts, notes))
    sections = _sections(utterances, chapters)
    speakers = tuple(notes.at_most("speakers", list(dict.fromkeys(u.who for u in utterances if u.who))))
    document = Document(
        doc_id=doc_id,
        kind=EPISODE,
        title=clean_inline(meta.get("title")) or doc_id,
        path=str(file.path),
        short=clean_inline(meta.get("short")),
        season=meta.get("season", whole_number, MAX_NUMBER),
        episode=meta.get("episode", whole_number, MAX_NUMBER),
        guests=guest_names(meta, people, speakers),
        youtube_id=sidecar.youtube_id(meta),
        url=sidecar.page_url(meta),
        audio_url=sidecar.audio_url(meta),
        released=sidecar.released(meta),
        description=clean_inline(meta.get("description", text, MAX_TEXT_CHARS)),
        topics=tuple(meta.texts("topics")),
        chapters=chapters,
        speakers=speakers,
        duration=meta.get("duration", duration) or _last_second(cues),
    )
    return LoadedDocument(document, sections)


def check_transcript(extension: str, data: bytes) -> None:
    """Raise TranscriptError or UnreadableFile unless `data` loads as a transcript with text:
    what a feed sync asks of a download before storing it."""
    if not merge_cues(READERS[extension](decode_text(data), Fields({}))):
        raise TranscriptError("no cue with text in the transcript")


def check_chapters(data: bytes) -> None:
    read_chapters(decode_text(data), Fields({}))


def _metadata(parts, notes: Fields) -> dict:
    """The first sidecar's mapping (`.yaml` before `.md`); {} without a readable one."""
    for part in sorted(parts, key=lambda p: p.path.name.lower().endswith(sidecar.MARKDOWN)):
        if part.path.name.lower().endswith(CHAPTERS_SUFFIX):
            continue
        source = _read_part(part, notes)
        if source is None:
            return {}
        try:
            return sidecar.read_sidecar(part.path.name, source)
        except FrontMatterError as exc:
            notes.note(part.path.name, str(exc))
            return {}
    return {}


def _chapters(parts, notes: Fields) -> tuple[Chapter, ...]:
    for part in parts:
        if part.path.name.lower().endswith(CHAPTERS_SUFFIX):
            source = _read_part(part, notes)
            try:
                return read_chapters(source, notes) if source is not None else ()
            except TranscriptError as exc:
                notes.note(part.path.name, str(exc))
    return ()


def _read_part(part: KnowledgeFile, notes: Fields) -> str | None:
    try:
        return part.read_text()
    except UnreadableFile as exc:
        notes.note(part.path.name, str(exc))
    except OSError as exc:
        notes.note(part.path.name, f"unreadable: {exc.strerror or exc}")
    return None


def _sections(utterances: tuple[Utterance, ...], chapters: tuple[Chapter, ...]) -> tuple[Section, ...]:
    """Utterances under the chapter they start in (those before the first chapter: none)."""
    sections: list[Section] = []
    header, current = None, []
    following = iter(chapters)
    upcoming = next(following, None)
    for utterance in utterances:
        while upcoming is not None and utterance.sec >= (upcoming.sec or 0):
            if current:
                sections.append(Section(header, tuple(current)))
            header, current = upcoming.title, []
            upcoming = next(following, None)
        current.append(utterance)
    sections.append(Section(header, tuple(current)))
    return tuple(sections)


def _last_second(cues: list[Cue]) -> int | None:
    last = max((c.speech_end for c in cues), default=0)
    return int(last) or None
