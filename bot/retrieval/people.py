"""Guest display names from `_people/` folders (file stem = guest id, `title` = name)."""
from __future__ import annotations

import logging
from pathlib import Path

from bot.retrieval.frontmatter import FrontMatterError, is_template, parse_front_matter, split_front_matter
from bot.retrieval.values import as_text

log = logging.getLogger(__name__)

PEOPLE_FOLDER = "_people"


def load_people(folders: list[Path]) -> dict[str, str]:
    names: dict[str, str] = {}
    for folder in folders:
        for people_dir in sorted(p for p in folder.rglob(PEOPLE_FOLDER) if p.is_dir()):
            for path in sorted(people_dir.glob("*.md")):
                name = _person_name(path)
                if name:
                    names.setdefault(path.stem, name)
    return names


def _person_name(path: Path) -> str | None:
    try:
        yaml_text, _ = split_front_matter(path.read_text(encoding="utf-8"))
        if yaml_text is None or is_template(yaml_text):
            return None
        return as_text(parse_front_matter(yaml_text).get("title")) or None
    except (OSError, UnicodeDecodeError, FrontMatterError) as exc:
        log.debug("no guest name from %s: %s", path, exc)
        return None
