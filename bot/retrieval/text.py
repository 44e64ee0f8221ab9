"""Small text clean-ups shared by the loaders: what readers see, not what BM25 sees."""
from __future__ import annotations

import html
import re

# No inner run may cross the next opening bracket: with `<[^>]+>`, text such as "<<<<..."
# made every '<' scan to the end of the paragraph (quadratic: minutes for 100 kB).
_TAG = re.compile(r"<[^<>]+>")
_MD_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^)\[\]]*\)")
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\([^)\[\]]*\)")
_KRAMDOWN_ATTR = re.compile(r"\{:[^{}]*\}")
_EMPHASIS = re.compile(r"(\*\*|__|`)")


def clean_inline(text: str) -> str:
    """Collapse white space and drop HTML entities, keeping every word."""
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())


def clean_markdown(text: str) -> str:
    """Markdown/HTML paragraph to plain reading text."""
    text = _MD_IMAGE.sub(" ", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _KRAMDOWN_ATTR.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _EMPHASIS.sub("", text)
    return clean_inline(text)
