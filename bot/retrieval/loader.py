"""Find knowledge files in folders and load each into a LoadedDocument.

What can be loaded is; what can't is skipped with one warning naming the file and the
reason. Only a knowledge set with nothing loadable at all is an error.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.errors import UserError
from bot.retrieval.articles import load_article
from bot.retrieval.documents import EXTENSIONS, LoadedDocument, SkippedFile
from bot.retrieval.episode_files import is_episode, load_episode
from bot.retrieval.frontmatter import FrontMatterError, is_template, parse_front_matter, split_front_matter
from bot.retrieval.people import PEOPLE_FOLDER, load_people
from bot.retrieval.values import as_text

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Knowledge:
    documents: tuple[LoadedDocument, ...]
    skipped: tuple[SkippedFile, ...]


def knowledge_files(folders: list[Path]) -> list[Path]:
    """Every knowledge file under the folders, in a stable order; people files excluded."""
    files: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise UserError(f"knowledge folder not found: {folder}")
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).parts
            if any(p.startswith(".") or p == PEOPLE_FOLDER for p in relative[:-1]):
                continue
            if path.name.startswith(".") or path.suffix.lower() not in EXTENSIONS:
                continue
            if path.is_file():
                files.append(path)
    return files


def document_id(path: Path) -> str:
    """The file name without its extension(s): `slug.md.md` is still `slug`."""
    name = path.name
    while Path(name).suffix.lower() in EXTENSIONS:
        name = name[: -len(Path(name).suffix)]
    return name or path.name


def load_knowledge(folders: list[Path]) -> Knowledge:
    files = knowledge_files(folders)
    people = load_people(folders)
    documents: list[LoadedDocument] = []
    skipped: list[SkippedFile] = []
    seen: dict[str, Path] = {}
    for path in files:
        doc_id = document_id(path)
        try:
            if doc_id in seen:
                raise _Skip(f"same document id as {seen[doc_id]}")
            documents.append(load_file(path, doc_id, people))
            seen[doc_id] = path
        except _Skip as skip:
            log.warning("skipped %s: %s", path, skip)
            skipped.append(SkippedFile(str(path), str(skip)))
    if not documents:
        where = ", ".join(str(f) for f in folders)
        raise UserError(f"no loadable knowledge document in {where}")
    return Knowledge(tuple(documents), tuple(skipped))


class _Skip(Exception):
    """A file that can't be loaded; the message is the reason."""


def load_file(path: Path, doc_id: str, people: dict[str, str]) -> LoadedDocument:
    text = _read_text(path)
    yaml_text, body = split_front_matter(text)
    front: dict = {}
    if yaml_text is not None:
        if is_template(yaml_text):
            raise _Skip("template with {{ }} placeholders, not a document")
        try:
            front = parse_front_matter(yaml_text)
        except FrontMatterError as exc:
            raise _Skip(str(exc)) from None
    if is_episode(front):
        loaded = load_episode(doc_id, str(path), front, people)
    else:
        loaded = load_article(doc_id, str(path), front, body)
    if not loaded.sections and not (is_episode(front) and as_text(front.get("title"))):
        raise _Skip("no text to answer from")
    return loaded


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _Skip(f"too large ({size // 1024 // 1024} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise _Skip(f"unreadable: {exc.strerror or exc}") from None
    if not data.strip():
        raise _Skip("empty file")
    if b"\x00" in data[:8192]:
        raise _Skip("binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Skip("not UTF-8 text") from None
