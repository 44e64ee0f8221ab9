"""Discord markdown made inert: text from the archive, a pin or a member shows as itself.

discord.py's `escape_markdown` is not enough for hostile text: it leaves anything that
looks like a URL alone and escapes a `[..](..)` with one backslash in front, so
`[[x](https://evil.example)` still renders as a live masked link. Here every character
Discord reads as markup is backslash-escaped wherever it stands (`\\ * _ ~ | ` [ ] < >`,
and `#` and list markers at a line start), `@everyone`/`@here` get a zero-width space, and a
bare URL is shown as itself in `<…>` (clickable, no preview) after the one link rule in
`bot.weblinks`. The only masked links in a message are the bot's own (`masked_link`).
"""
from __future__ import annotations

import re

from discord.utils import escape_mentions

from bot.weblinks import web_url

_MARKUP = re.compile(r"([\\*_~|`\[\]<>])")
_LINE_MARKER = re.compile(r"(?m)^(\s*)(#|[-+]|\d+[.)])")   # headings, list items, `-#` subtext
_BARE_URL = re.compile(r"https?://[^\s<>]+", re.I)
_URL_TAIL = ".,:;!?\"'”’"
_CODE_SPAN = re.compile(r"(`[^`\n]+`)")


def escape(text: str) -> str:
    """`text` as words on Discord: no formatting, no links but shown URLs, no pings."""
    parts = []
    last = 0
    for match in _BARE_URL.finditer(text):
        url, tail = _split_tail(match.group(0))
        safe = web_url(url)
        parts.append(_escape_words(text[last:match.start()]))
        parts.append((f"<{safe}>" if safe else _unlinked(url)) + _escape_words(tail))
        last = match.end()
    parts.append(_escape_words(text[last:]))
    return _escape_line_markers("".join(parts))


def escape_label(text: str) -> str:
    """Text for inside a masked link's `[label]`: escaped, and a URL in it is not a link
    (an escaped `:` keeps Discord from seeing one), so a label never shows a second address."""
    return _escape_line_markers(_unlinked(text))


def escape_keeping_code(text: str) -> str:
    """Like `escape`, but `inline code` spans the core wrote (`/pin QUESTION | TARGET`) stay code."""
    parts = _CODE_SPAN.split(text)
    return "".join(escape_mentions(p) if i % 2 else escape(p) for i, p in enumerate(parts))


def masked_link(label: str, url: str | None) -> str | None:
    """`[label](url)` for an already-escaped label, or None when `url` is not a safe web link."""
    safe = web_url(url)
    return f"[{label}]({safe})" if safe else None


def cut(escaped: str, limit: int) -> str:
    """At most `limit` characters of escaped text, never ending in half an escape."""
    head = escaped[:limit]
    trailing = len(head) - len(head.rstrip("\\"))
    return head[:-1] if trailing % 2 else head


def _escape_words(text: str) -> str:
    return escape_mentions(_MARKUP.sub(r"\\\1", text))


def _unlinked(text: str) -> str:
    """Escaped, with `:` escaped too, so Discord finds no URL to turn into a link."""
    return _escape_words(text).replace(":", "\\:")


def _escape_line_markers(text: str) -> str:
    return _LINE_MARKER.sub(lambda m: m.group(1) + "".join("\\" + c if not c.isdigit() else c
                                                            for c in m.group(2)), text)


def _split_tail(url: str) -> tuple[str, str]:
    """Sentence punctuation after a URL is not part of it; nor is a `)` it never opened."""
    end = len(url)
    while end and (url[end - 1] in _URL_TAIL or (url[end - 1] == ")" and _unopened(url[:end]))):
        end -= 1
    return url[:end], url[end:]


def _unopened(url: str) -> bool:
    return url.count("(") < url.count(")")
