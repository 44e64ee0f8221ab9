"""Checks every message the bot posted: Slack's size limits and no live mention markup."""
from __future__ import annotations

import json
import re

# Anything Slack would turn into a ping or a link: <!channel>, <!here>, <@U1>, <!subteam^S1>, <#C1>, <http..|x>.
LIVE_MARKUP = re.compile(r"<[!@#][^>]*>")


def texts_of(params: dict) -> list[str]:
    """Every string Slack reads as mrkdwn in a posted message (fallback text and block
    texts); `plain_text` objects (headers, buttons) are shown as they are, never parsed."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict) and node.get("type") == "plain_text":
            return
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "blocks", "elements", "fields") or isinstance(value, (dict, list)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(params.get("text", ""))
    blocks = params.get("blocks") or []
    walk(json.loads(blocks) if isinstance(blocks, str) else blocks)
    return found


def blocks_of(params: dict) -> list[dict]:
    blocks = params.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def assert_within_limits(params: dict) -> None:
    blocks = blocks_of(params)
    assert len(blocks) <= 50, f"{len(blocks)} blocks"
    for block in blocks:
        if block["type"] in ("section", "header"):
            limit = 3000 if block["type"] == "section" else 150
            assert len(block["text"]["text"]) <= limit, f"{block['type']} of {len(block['text']['text'])} chars"
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                assert len(element["text"]) <= 3000


def assert_inert(params: dict) -> None:
    """No mention, broadcast or hand-made link markup anywhere in the message."""
    for text in texts_of(params):
        assert not LIVE_MARKUP.search(text), f"live markup in {text[:200]!r}"
        assert "@channel" not in text and "@here" not in text and "@everyone" not in text


def linked_urls(params: dict) -> list[str]:
    """The targets of every labelled <url|label> link: the only kind that can hide its URL."""
    return [url for text in texts_of(params) for url in re.findall(r"<(https?://[^|>]*)\|", text)]
