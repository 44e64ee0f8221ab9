"""Reply -> Slack Block Kit message plus a plain-text fallback. Pure functions.

Everything that came from a transcript, a question or a user is escaped (&, <, >), so a
quote can never become `<!channel>`, a user or group mention, or a disguised link. Mrkdwn
objects are `verbatim` so Slack does not auto-link names either. Slack's limits (3000
characters per section text, 50 blocks) are met by trimming quotes at sentence ends.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot import models
from bot.models import EpisodeCard, Moment, PersonCard, Reply
from bot.timefmt import player_time
from bot.weblinks import play_verb, web_url

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
MAX_BLOCKS = 50
FALLBACK_LIMIT = 300          # notification preview; the blocks carry the full answer
ALTERNATIVE_SNIPPET = 160
ANSWER_BLOCK_PREFIX = "answer:"   # block_id carrying the answer id (read back by "Pin as answer")
HELPFUL, NOT_HELPFUL, SHARE = "feedback_helpful", "feedback_not_helpful", "share_answer"

_SPECIAL_WORDS = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_BARE_URL = re.compile(r"https?://(?:(?!&lt;|&gt;)[^\s<>|])+")   # stops at escaped < >
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]?(?=\s)")


@dataclass(frozen=True)
class SlackMessage:
    text: str
    blocks: list[dict] = field(default_factory=list)

    def as_kwargs(self) -> dict:
        """Arguments shared by chat.postMessage, chat.postEphemeral and respond()."""
        return {"text": self.text, "blocks": self.blocks, "unfurl_links": False, "unfurl_media": False}


def escape(text: str) -> str:
    """Make user or transcript text inert in mrkdwn (Slack's three control characters)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A zero-width space keeps a bare "@channel" from ever being read as a broadcast.
    return _SPECIAL_WORDS.sub(lambda m: "@\u200b" + m.group(1), text)


def trim(text: str, limit: int) -> str:
    """Cut at the last sentence end that fits (else a word boundary), marking the cut."""
    if len(text) <= limit:
        return text
    room = text[: max(limit - 2, 0)]
    ends = [m.end() for m in _SENTENCE_END.finditer(room + " ")]
    if ends and ends[-1] >= limit // 2:
        return room[: ends[-1]].rstrip() + " …"
    cut = room.rsplit(" ", 1)[0]
    if len(cut) < limit // 2:   # no usable word boundary: a hard cut, but never half an entity
        cut = re.sub(r"&[a-z]*$", "", room)
    return cut.rstrip() + "…"


def link(url: str | None, label: str) -> str:
    """An explicit mrkdwn link, only to a URL that passes `bot.weblinks` (so no `|`, `>`
    or space can end it early and turn the rest into a label); else the label as text."""
    safe = web_url(url)
    return f"<{escape(safe)}|{escape(label)}>" if safe else escape(label)


def autolink(escaped: str) -> str:
    """Make bare http(s) URLs in already-escaped text clickable as `<url>`: Slack shows the
    URL itself, so such a link can't be disguised (verbatim text is not auto-linked).
    A URL that `bot.weblinks` refuses stays plain text."""
    def wrap(match: re.Match) -> str:
        url = match.group(0)
        tail = len(url) - len(url.rstrip(".,;:!?)\"'”’"))
        url, rest = (url[:-tail], url[-tail:]) if tail else (url, "")
        safe = web_url(url.replace("&amp;", "&"))
        return f"<{escape(safe)}>{rest}" if safe else url + rest
    return _BARE_URL.sub(wrap, escaped)


def render(reply: Reply, question: str | None = None, shareable: bool = False,
           shared_by: str | None = None) -> SlackMessage:
    """The whole message for a reply; `shareable` adds the "Share in channel" button."""
    head = _question_block(question, shared_by)
    if reply.kind in (models.ANSWER, models.PINNED) and reply.answer is not None:
        body = _answer_blocks(reply, shareable)
    elif reply.kind == models.EPISODE and reply.episode is not None:
        # Notes head the card: an announcement's "New episode!" lives there (the fallback
        # text is not shown when there are blocks).
        notes = [_context([f"*{escape(n)}*" for n in reply.notes])] if reply.notes else []
        body = notes + _episode_blocks(reply.episode)
    elif reply.kind == models.PERSON and reply.people:
        body = [block for card in reply.people[:3] for block in _person_blocks(card)]
    elif reply.kind in (models.NOT_FOUND, models.EPISODES) and reply.suggestions:
        body = _suggestion_blocks(reply)
    else:
        body = _text_blocks(_plain_text(reply))
    blocks = _fit(head + body)
    return SlackMessage(text=fallback_text(reply), blocks=blocks)


def fallback_text(reply: Reply) -> str:
    """Short plain text for notifications and clients without Block Kit."""
    if reply.answer is not None and reply.kind in (models.ANSWER, models.PINNED):
        moment = reply.answer
        who = f"{moment.speaker}: " if moment.speaker else ""
        at = f" ({player_time(moment.start)})" if moment.start is not None else ""
        summary = f"{who}{moment.text} — {moment.title}{at}"
    else:
        summary = _plain_text(reply)
    return trim(escape(" ".join(summary.split())), FALLBACK_LIMIT)


def text_message(text: str) -> SlackMessage:
    """A short notice (errors, confirmations) in the same escaped form."""
    return SlackMessage(text=trim(escape(text), FALLBACK_LIMIT), blocks=_text_blocks(text))


def _plain_text(reply: Reply) -> str:
    text = reply.text or "Done."
    if reply.error_ref and reply.error_ref not in text:
        text = f"{text} (ref {reply.error_ref})"
    return text


def _mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str, block_id: str | None = None) -> dict:
    block = {"type": "section", "text": _mrkdwn(trim(text, SECTION_LIMIT))}
    if block_id:
        block["block_id"] = block_id[:255]
    return block


def _context(texts: list[str]) -> dict:
    return {"type": "context", "elements": [_mrkdwn(trim(t, SECTION_LIMIT)) for t in texts[:10]]}


def _question_block(question: str | None, shared_by: str | None) -> list[dict]:
    if not question:
        return []
    who = f"{escape(shared_by)} asked" if shared_by else "Question"
    return [_context([f"*{who}:* {trim(escape(' '.join(question.split())), 500)}"])]


def _answer_blocks(reply: Reply, shareable: bool) -> list[dict]:
    moment = reply.answer
    assert moment is not None
    blocks: list[dict] = []
    if reply.kind == models.PINNED and reply.pin is not None:
        pin = reply.pin
        blocks.append(_context([f":pushpin: Pinned answer by {escape(pin.pinned_by)} on {escape(pin.pinned_at[:10])}"]))
    blocks.append(_moment_section(moment, f"{ANSWER_BLOCK_PREFIX}{reply.answer_id or ''}"))
    if reply.alternatives:
        lines = ["*Next best moments*"] + [_alternative_line(m) for m in reply.alternatives[:5]]
        blocks.append(_context(["\n".join(lines)]))
    if reply.notes:
        blocks.append(_context([escape(n) for n in reply.notes]))
    if reply.suggestions:  # episodes on the question's topic, offered beside the quote
        lines = ["*Episodes on this topic*"] + [_card_line(c) for c in reply.suggestions[:5]]
        blocks.append(_context(["\n".join(lines)]))
    if reply.answer_id:
        blocks.append(_answer_actions(reply.answer_id, shareable))
    return blocks


def _moment_section(moment: Moment, block_id: str) -> dict:
    place = [f"_{escape(moment.title)}_"]
    if moment.code:
        place.append(escape(moment.code))
    if moment.chapter:
        place.append(f"chapter: {escape(moment.chapter)}")
    footer = " · ".join(place) + _play_line(moment)
    speaker = f"*{escape(moment.speaker)}*\n" if moment.speaker else ""
    room = SECTION_LIMIT - len(speaker) - len(footer) - 8
    quote = trim(escape(" ".join(moment.text.split())), max(room, 200))
    linked = autolink(quote)
    quote = linked if len(linked) <= max(room, 200) else quote
    return _section(f"{speaker}>{quote}\n{footer}", block_id)


def _play_line(moment: Moment) -> str:
    """"▶ watch from 48:52" (or "listen") linked when the link starts there; else the time
    in words ("at 48:52") beside a plain "open" link: a web page or no link at all."""
    at = player_time(moment.start) if moment.start is not None else ""
    verb = play_verb(moment.url)
    if at and verb:
        return "\n" + link(moment.url, f"▶ {verb} from {at}")
    parts = ([f"at {at}"] if at else []) + ([link(moment.url, "open")] if moment.url else [])
    return "\n" + " · ".join(parts) if parts else ""


def _alternative_line(moment: Moment) -> str:
    who = f"{escape(moment.speaker)} in " if moment.speaker else ""
    at = link(moment.url, player_time(moment.start)) if moment.start is not None else link(moment.url, "open")
    snippet = trim(escape(" ".join(moment.text.split())), ALTERNATIVE_SNIPPET)
    return f"• {who}_{escape(moment.title)}_ at {at}: “{snippet}”"


def _answer_actions(answer_id: str, shareable: bool) -> dict:
    def button(label: str, action_id: str, style: str | None = None) -> dict:
        b = {"type": "button", "text": {"type": "plain_text", "text": label, "emoji": True},
             "action_id": action_id, "value": answer_id[:2000]}
        if style:
            b["style"] = style
        return b

    elements = [button(":thumbsup: Helpful", HELPFUL), button(":thumbsdown: Not helpful", NOT_HELPFUL)]
    if shareable:
        elements.append(button("Share in channel", SHARE, "primary"))
    return {"type": "actions", "block_id": f"actions:{answer_id}"[:255], "elements": elements}


def _episode_blocks(card: EpisodeCard) -> list[dict]:
    title = f"{card.code} · {card.title}" if card.code else card.title
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": trim(title, HEADER_LIMIT)}}]
    facts = []
    if card.guests:
        facts.append("with " + escape(", ".join(card.guests)))
    if card.released:
        facts.append(escape(card.released))
    if card.url:
        facts.append(link(card.url, "▶ watch"))
    if facts:
        blocks.append(_context([" · ".join(facts)]))
    if card.description:
        blocks.append(_section(trim(escape(card.description), SECTION_LIMIT)))
    lines = [f"{link(c.url, player_time(c.start)) if c.start is not None else '•'} {escape(c.title)}" for c in card.chapters]
    blocks.extend(_section(chunk) for chunk in _chunks(lines, SECTION_LIMIT))
    return blocks


def _person_blocks(card: PersonCard) -> list[dict]:
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": trim(card.name, HEADER_LIMIT)}}]
    if card.description:
        blocks.append(_section(trim(escape(card.description), SECTION_LIMIT)))
    head = f"*{escape(card.episodes_heading)}:*"
    blocks.extend(_section(chunk) for chunk in _chunks([head] + [_card_line(c) for c in card.episodes], SECTION_LIMIT))
    return blocks


def _card_line(card: EpisodeCard) -> str:
    code = f"{escape(card.code)} · " if card.code else ""
    guests = f" with {escape(', '.join(card.guests))}" if card.guests else ""
    return f"• {code}{link(card.url, card.title)}{guests}"


def _suggestion_blocks(reply: Reply) -> list[dict]:
    headline = (reply.text or "").strip().splitlines()[0] if reply.text.strip() else "Closest episodes:"
    lines = [f"*{escape(headline)}*"]
    lines.extend(_card_line(card) for card in reply.suggestions[:10])
    return [_section(chunk) for chunk in _chunks(lines, SECTION_LIMIT)]


def _text_blocks(text: str) -> list[dict]:
    lines = [autolink(trim(line, SECTION_LIMIT - 200)) for line in escape(text).splitlines()] or [""]
    return [_section(chunk or " ") for chunk in _chunks(lines, SECTION_LIMIT)]


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Pack lines into texts of at most `limit` characters, never splitting a line."""
    chunks, current = [], ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def _fit(blocks: list[dict]) -> list[dict]:
    """At most 50 blocks; the actions block (feedback, share) is kept when trimming."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    actions = [b for b in blocks if b["type"] == "actions"]
    rest = [b for b in blocks if b["type"] != "actions"]
    room = MAX_BLOCKS - len(actions) - 1
    more = _context(["… more in the episode page."])
    return rest[:room] + [more] + actions
