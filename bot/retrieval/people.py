"""People from `_people/` folders: file stem = guest id, `title` = name, the Markdown body =
who they are (shown on person cards)."""
from __future__ import annotations

import logging

from bot.retrieval.frontmatter import FrontMatterError, is_template, parse_front_matter, split_front_matter
from bot.retrieval.knowledge_files import FolderScan, KnowledgeFile, UnreadableFile, document_id
from bot.retrieval.documents import Person
from bot.retrieval.text import clean_markdown
from bot.retrieval.values import MAX_TEXT_CHARS, BadValue, text

log = logging.getLogger(__name__)


def load_people(scans: list[FolderScan]) -> dict[str, Person]:
    """Guest id -> Person, from the person files the scans found (read like any knowledge file)."""
    people: dict[str, Person] = {}
    for file in (f for scan in scans for f in scan.files if f.person):
        person_id = document_id(file.path)
        person = _person(file, person_id)
        if person is not None:
            people.setdefault(person_id, person)
    return people


def _person(file: KnowledgeFile, person_id: str) -> Person | None:
    try:
        yaml_text, body = split_front_matter(file.read_bytes().decode("utf-8-sig"))
        if yaml_text is None or is_template(yaml_text):
            return None
        name = text(parse_front_matter(yaml_text).get("title"))
        return Person(person_id, name, text(clean_markdown(body), MAX_TEXT_CHARS)) if name else None
    except (OSError, UnreadableFile, UnicodeDecodeError, FrontMatterError, BadValue) as exc:
        log.debug("no guest name from %s: %s", file.path, exc)  # templates are expected here
    except Exception as exc:  # a case nobody foresaw costs this one name, not the archive
        log.warning("no guest name from %s: %s: %s", file.path, type(exc).__name__, exc)
    return None
