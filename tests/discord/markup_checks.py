"""Reads a message the bot sent to Discord the way Discord's markdown would, and reports
anything live that the bot did not mean: masked links, mentions, headings, spoilers...

A character preceded by an odd number of backslashes is escaped (shown as itself).
The bot's own markup is known: `> ` quote lines, `— **speaker**`, `` `0:00` `` chapter
times, `[label](url)` links and `<https://…>` shown URLs.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bot.weblinks import is_youtube_id, web_url

OWN_CODE = re.compile(r"`\s*\d+:\d\d(?::\d\d)?`")
OWN_BOLD = re.compile(r"^— \*\*.*\*\*$")


def live_characters(text: str) -> list[tuple[int, str]]:
    """(position, char) of every unescaped character, backslash escapes resolved."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and not text[i + 1].isalnum() and not text[i + 1].isspace():
            i += 2
            continue
        out.append((i, text[i]))
        i += 1
    return out


def masked_link_urls(text: str) -> list[str]:
    """URLs of `[label](url)` links whose brackets are live."""
    live = "".join(c if (i, c) in set(live_characters(text)) else "\0" for i, c in enumerate(text))
    return re.findall(r"\[[^\[\]]*\]\(([^)\s]*)\)", live)


def problems(text: str) -> list[str]:
    found = []
    live = live_characters(text)
    chars = {i: c for i, c in live}
    shown = "".join(c if i in chars else "\0" for i, c in enumerate(text))
    for match in re.finditer(r"<([^>\s]*)>", shown):
        if not (match.group(1).startswith("https://") and web_url(match.group(1)) == match.group(1)):
            found.append(f"live <…>: {match.group(0)}")
    shown = re.sub(r"<https://[^>\s]*>", "<url>", shown)      # a shown URL is one token
    if re.search(r"@(everyone|here)", text):
        found.append("@everyone/@here")
    if re.search(r"\|\||~~|__", shown):
        found.append("spoiler, strike or underline")
    for line in shown.split("\n"):
        body = line[2:] if line.startswith("> ") else line          # the bot's quote block
        if re.match(r"\s*(#|>|-|\+|\d+[.)]\s)", body):
            found.append(f"line markup: {line[:40]!r}")
        if "`" in OWN_CODE.sub("", body):
            found.append(f"code: {line[:60]!r}")
        if "*" in body and not OWN_BOLD.match(body):
            found.append(f"emphasis: {line[:60]!r}")
    return found


def assert_only_youtube_links(url: str) -> None:
    """A link the bot made: YouTube's watch URL with a valid id, `v` and `t` only."""
    parts = urlsplit(url)
    params = parse_qs(parts.query)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.youtube.com", "/watch"), url
    assert set(params) <= {"v", "t"} and all(len(v) == 1 for v in params.values()), url
    assert is_youtube_id(params["v"][0]), url


def markdown_texts(body: dict) -> list[str]:
    """Every text of a sent message that Discord renders as markdown."""
    texts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        texts += [embed.get("title") or "", embed.get("description") or ""]
        texts += [t for f in embed.get("fields") or [] for t in (f["name"], f["value"])]
    return texts


def assert_inert_with_youtube_links_only(body: dict) -> None:
    for text in markdown_texts(body):
        if not body.get("embeds"):
            # A plain-text reply keeps the core's `code` spans (commands in help and errors);
            # a backtick pair from the archive quoted there shows as code too: inert inside.
            text = re.sub(r"`[^`\n]+`", "", text)
        assert not problems(text), f"{problems(text)} in {text[:300]!r}"
        for url in masked_link_urls(text):
            assert_only_youtube_links(url)
    for embed in body.get("embeds") or []:
        if embed.get("url"):
            assert_only_youtube_links(embed["url"])
