"""Plain Markdown articles (blog posts, notes): cut at headings and paragraphs."""
from __future__ import annotations

import re

from bot.retrieval.documents import ARTICLE, Document, LoadedDocument, Section, Utterance
from bot.retrieval.text import clean_inline, clean_markdown
from bot.retrieval.values import as_iso_date, as_strings, as_text

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_URL_KEYS = ("url", "link", "canonical_url", "source", "permalink")


def load_article(doc_id: str, path: str, front: dict, body: str) -> LoadedDocument:
    title_heading, sections = _sections(body)
    url = next((as_text(front.get(k)) for k in _URL_KEYS if as_text(front.get(k)).startswith("http")), None)
    document = Document(
        doc_id=doc_id,
        kind=ARTICLE,
        title=clean_inline(as_text(front.get("title"))) or title_heading or doc_id,
        path=path,
        short=clean_inline(as_text(front.get("subtitle"))),
        url=url,
        released=as_iso_date(front.get("datepublished")) or as_iso_date(front.get("date")),
        description=clean_inline(as_text(front.get("description"))),
        topics=tuple(as_strings(front.get("tags"))),
        guests=(),
    )
    return LoadedDocument(document, sections)


def _sections(body: str) -> tuple[str | None, tuple[Section, ...]]:
    """Returns the first heading (a title for files without front matter) and sections."""
    sections: list[Section] = []
    first_heading: str | None = None
    header: str | None = None
    paragraphs: list[str] = []
    block: list[str] = []
    in_code = False

    def end_block() -> None:
        text = clean_markdown(" ".join(block))
        if text:
            paragraphs.append(text)
        block.clear()

    def end_section() -> None:
        end_block()
        if paragraphs:
            sections.append(Section(header, tuple(Utterance(p, None, None) for p in paragraphs)))
        paragraphs.clear()

    for line in body.split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            end_block()
            continue
        heading = None if in_code else _HEADING.match(line)
        if heading:
            end_section()
            header = clean_markdown(heading.group(2)) or None
            first_heading = first_heading or header
        elif not line.strip() or _BULLET.match(line):
            end_block()
            if line.strip():
                block.append(_BULLET.sub("", line))
        else:
            block.append(line)
    end_section()
    return first_heading, tuple(sections)
