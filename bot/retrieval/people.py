"""Guest display names from `_people/` folders (file stem = guest id, `title` = name)."""
from __future__ import annotations

import logging

from bot.retrieval.frontmatter import FrontMatterError, is_template, parse_front_matter, split_front_matter
from bot.retrieval.knowledge_files import FolderScan, KnowledgeFile, UnreadableFile, document_id
from bot.retrieval.values import BadValue, text

log = logging.getLogger(__name__)


def load_people(scans: list[FolderScan]) -> dict[str, str]:
    """Guest id -> name, from the person files the scans found (read like any knowledge file)."""
    names: dict[str, str] = {}
    for file in (f for scan in scans for f in scan.files if f.person):
        name = _person_name(file)
        if name:
            names.setdefault(document_id(file.path), name)
    return names


def _person_name(file: KnowledgeFile) -> str | None:
    try:
        yaml_text, _ = split_front_matter(file.read_bytes().decode("utf-8-sig"))
        if yaml_text is None or is_template(yaml_text):
            return None
        return text(parse_front_matter(yaml_text).get("title")) or None
    except (OSError, UnreadableFile, UnicodeDecodeError, FrontMatterError, BadValue) as exc:
        log.debug("no guest name from %s: %s", file.path, exc)  # templates are expected here
    except Exception as exc:  # a case nobody foresaw costs this one name, not the archive
        log.warning("no guest name from %s: %s: %s", file.path, type(exc).__name__, exc)
    return None
