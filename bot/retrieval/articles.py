"""Plain Markdown articles (blog posts, notes): cut at headings and paragraphs."""
from __future__ import annotations

import re

from bot.retrieval.documents import ARTICLE, Document, LoadedDocument, Section, Utterance
from bot.retrieval.text import clean_inline, clean_markdown
from bot.retrieval.values import MAX_LABEL_CHARS, MAX_TEXT_CHARS, Fields, iso_date, text, web_url

# The closing #s are stripped in code: `(.*?)\s*#*\s*$` backtracks cubically on a long line.
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_URL_KEYS = ("url", "link", "canonical_url", "source", "permalink")


def load_article(doc_id: str, path: str, fields: Fields, body: str) -> LoadedDocument:
    title_heading, sections = _sections(body, fields)
    document = Document(
        doc_id=doc_id,
        kind=ARTICLE,
        title=clean_inline(fields.get("title")) or title_heading or doc_id,
        path=path,
        short=clean_inline(fields.get("subtitle")),
        url=_source_link(fields),
        released=fields.get("datepublished", iso_date) or fields.get("date", iso_date),
        description=clean_inline(fields.get("description", text, MAX_TEXT_CHARS)),
        topics=tuple(fields.texts("tags")),
        guests=(),
    )
    return LoadedDocument(document, sections)


def _source_link(fields: Fields) -> str | None:
    """The first link among the keys archives use for it; other text there is no link."""
    for key in _URL_KEYS:
        value = fields.data.get(key)
        if isinstance(value, str) and value.strip().startswith("http"):
            link = fields.get(key, web_url)
            if link:
                return link
    return None


def _heading(line: str, fields: Fields) -> str | None:
    """The text of a Markdown heading line (closing #s dropped), "" for an empty one,
    None when the line is no heading."""
    match = _HEADING.match(line)
    if not match:
        return None
    heading = clean_markdown(match.group(2).rstrip().rstrip("#").rstrip())
    if len(heading) > MAX_LABEL_CHARS:
        fields.note("heading", f"longer than {MAX_LABEL_CHARS} characters ({len(heading)})")
        return ""
    return heading


def _sections(body: str, fields: Fields) -> tuple[str | None, tuple[Section, ...]]:
    """Returns the first heading (a title for files without front matter) and sections."""
    sections: list[Section] = []
    first_heading: str | None = None
    header: str | None = None
    paragraphs: list[str] = []
    block: list[str] = []
    in_code = False

    def end_block() -> None:
        paragraph = clean_markdown(" ".join(block))
        if paragraph:
            paragraphs.append(paragraph)
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
        heading = None if in_code else _heading(line, fields)
        if heading is not None:
            end_section()
            header = heading or None
            first_heading = first_heading or header
        elif not line.strip() or _BULLET.match(line):
            end_block()
            if line.strip():
                block.append(_BULLET.sub("", line))
        else:
            block.append(line)
    end_section()
    return first_heading, tuple(sections)
