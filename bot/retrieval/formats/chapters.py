"""Podcasting 2.0 chapters (`STEM.chapters.json`): `{"chapters": [{"startTime", "title"}]}`.

Chapters marked `"toc": false` are not part of the table of contents and are left out;
the rest are put in order of their start. A chapter without a title or a usable start is
dropped and noted."""
from __future__ import annotations

from bot.retrieval.documents import Chapter
from bot.retrieval.formats.podcast_json import json_items
from bot.retrieval.text import clean_inline
from bot.retrieval.values import Fields, seconds


def read_chapters(source: str, notes: Fields) -> tuple[Chapter, ...]:
    found: list[tuple[float, str]] = []
    for value, chapter in json_items(source, "chapters", "a chapters file", notes):
        if value.get("toc") is False:
            continue
        start, title = chapter.get("startTime", seconds), clean_inline(chapter.get("title"))
        for key, missing in (("startTime", start is None), ("title", not title)):
            if missing and key not in value:
                chapter.note(key, "missing")
        if start is not None and title:
            found.append((start, title))
    found.sort(key=lambda c: c[0])
    return tuple(Chapter(title, int(start)) for start, title in notes.at_most("chapters", found))
