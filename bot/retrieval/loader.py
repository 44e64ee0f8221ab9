"""Find knowledge files in folders and load each into a LoadedDocument.

What can be loaded is; what can't is skipped with one warning naming the file and the
reason, whatever went wrong inside it: one file never stops the rest from loading. Only a
knowledge set with nothing loadable at all is an error. Which files are knowledge, and
how they are read, is knowledge_files.py's rule; a transcript is loaded with its parts
(metadata, chapters) by formats/episode.py.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import UserError
from bot.progress import Progress, no_progress
from bot.retrieval.articles import load_article
from bot.retrieval.documents import LoadedDocument, SkippedFile
from bot.retrieval.episode_files import is_episode, load_episode
from bot.retrieval.formats.cues import TranscriptError
from bot.retrieval.formats.episode import load_transcript_episode
from bot.retrieval.frontmatter import FrontMatterError, is_template, parse_front_matter, split_front_matter
from bot.retrieval.knowledge_files import (KnowledgeFile, UnreadableFile, document_id, is_transcript_name,
                                           scan_folder, scan_folders)
from bot.retrieval.people import load_people
from bot.retrieval.values import BadValue, Fields, text

__all__ = ["Knowledge", "collect_knowledge", "document_id", "knowledge_files", "load_file", "load_knowledge"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Knowledge:
    documents: tuple[LoadedDocument, ...]
    skipped: tuple[SkippedFile, ...]
    people: dict = field(default_factory=dict)  # guest id -> Person


def knowledge_files(folders: list[Path]) -> list[Path]:
    """Every knowledge file under the folders, in a stable order; people files excluded."""
    return [f.path for f in _document_files([scan_folder(folder) for folder in folders])]


def load_knowledge(folders: list[Path], progress: Progress = no_progress) -> Knowledge:
    knowledge = collect_knowledge(folders, progress)
    if not knowledge.documents:
        where = ", ".join(str(f) for f in folders)
        raise UserError(f"no loadable knowledge document in {where}")
    return knowledge


def collect_knowledge(folders: list[Path], progress: Progress = no_progress) -> Knowledge:
    """Every document that loads and every file skipped, even when nothing loads."""
    scans = scan_folders(folders)
    people = load_people(scans)
    names = {person_id: person.name for person_id, person in people.items()}
    documents: list[LoadedDocument] = []
    skipped = [_skip(refused.path, refused.reason) for scan in scans for refused in scan.refused]
    seen: dict[str, Path] = {}
    parts = _episode_parts(scans)
    files = _document_files(scans)
    for number, file in enumerate(files, 1):
        progress("files loaded", number, len(files))
        doc_id = document_id(file.path)
        try:
            if doc_id in seen:
                raise _Skip(f"same document id as {seen[doc_id]}, which is kept (the folder listed first wins)")
            documents.append(load_file(file, doc_id, names, parts.get(file.episode_key, ())))
            seen[doc_id] = file.path
        except (_Skip, TranscriptError) as skip:
            skipped.append(_skip(str(file.path), str(skip)))
        except Exception as exc:  # a case nobody foresaw costs this one file, not the archive
            log.debug("loading %s failed", file.path, exc_info=True)
            skipped.append(_skip(str(file.path), f"could not be loaded ({type(exc).__name__}: {exc})"[:300]))
    return Knowledge(tuple(documents), tuple(skipped), people)


class _Skip(Exception):
    """A file that can't be loaded; the message is the reason."""


def _skip(path: str, reason: str) -> SkippedFile:
    log.warning("skipped %s: %s", path, reason)
    return SkippedFile(path, reason)


def _document_files(scans) -> list[KnowledgeFile]:
    return [f for scan in scans for f in scan.files if not f.person and not f.part]


def _episode_parts(scans) -> dict[str, list[KnowledgeFile]]:
    parts: dict[str, list[KnowledgeFile]] = {}
    for file in (f for scan in scans for f in scan.files if f.part):
        parts.setdefault(file.episode_key, []).append(file)
    return parts


def load_file(file: KnowledgeFile, doc_id: str, people: dict[str, str], parts=()) -> LoadedDocument:
    if is_transcript_name(file.path.name):
        fields = Fields({})
        loaded = load_transcript_episode(file, _read_text(file), doc_id, people, parts, fields)
    else:
        loaded, fields = _load_markdown(file, doc_id, people)
    if fields.dropped():
        log.warning("%s: dropped %s", file.path, "; ".join(fields.dropped()[:10]))
    return loaded


def _load_markdown(file: KnowledgeFile, doc_id: str, people: dict[str, str]) -> tuple[LoadedDocument, Fields]:
    source = _read_text(file)
    yaml_text, body = split_front_matter(source)
    front: dict = {}
    if yaml_text is not None:
        if is_template(yaml_text):
            raise _Skip("template with {{ }} placeholders, not a document")
        try:
            front = parse_front_matter(yaml_text)
        except FrontMatterError as exc:
            raise _Skip(str(exc)) from None
    fields = Fields(front)
    if is_episode(front):
        loaded = load_episode(doc_id, str(file.path), fields, people)
    else:
        loaded = load_article(doc_id, str(file.path), fields, body)
    if not loaded.sections and not (is_episode(front) and _has_title(front)):
        raise _Skip("no text to answer from")
    return loaded, fields


def _has_title(front: dict) -> bool:
    try:
        return bool(text(front.get("title")))
    except BadValue:
        return False


def _read_text(file: KnowledgeFile) -> str:
    try:
        return file.read_text()
    except UnreadableFile as exc:
        raise _Skip(str(exc)) from None
    except OSError as exc:
        raise _Skip(f"unreadable: {exc.strerror or exc}") from None
