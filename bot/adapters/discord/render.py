"""Reply -> Discord message parts (content + embeds). Pure: no network, no client.

Everything that came from a transcript, a title, a pin or a user is escaped so it renders
as the words it is (`markdown.py`: no formatting, no masked links, no pings), the only
masked links are the bot's own to URLs that pass `bot.weblinks`, and every part is
trimmed to Discord's limits at a sentence end. Senders still pass `no_mentions()`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from bot import models
from bot.models import EpisodeCard, Moment, PersonCard, Reply
from bot.timefmt import player_time
from bot.weblinks import play_verb, web_url

from bot.adapters.discord.markdown import cut, escape, escape_keeping_code, escape_label, masked_link

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
TITLE_LIMIT = 256
FOOTER_LIMIT = 2048
QUOTE_LIMIT = 1500          # a longer quote stops being "the moment"; the link plays the rest
ALTERNATIVE_LINE_LIMIT = 200
ANSWER_FOOTER = "answer id: {}"
ANSWER_FOOTER_RE = re.compile(r"answer id: (\S+)")
EMBED_COLOUR = 0x2B7A78

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*\s")


@dataclass(frozen=True)
class DiscordMessage:
    content: str | None
    embeds: tuple[discord.Embed, ...] = ()
    ephemeral: bool = False
    answer_id: str | None = None  # when set, the sender attaches the feedback buttons


def no_mentions() -> discord.AllowedMentions:
    """Nothing the bot sends may ping anyone: not @everyone, roles, users or replies."""
    return discord.AllowedMentions.none()


def render(reply: Reply) -> DiscordMessage:
    if reply.kind in (models.ANSWER, models.PINNED) and reply.answer is not None:
        return DiscordMessage(None, (_answer_embed(reply),), reply.ephemeral, reply.answer_id)
    if reply.kind == models.EPISODE and reply.episode is not None:
        return DiscordMessage(None, (_episode_embed(reply.episode),), reply.ephemeral)
    if reply.kind == models.PERSON and reply.people:
        return DiscordMessage(None, tuple(_person_embed(c) for c in reply.people[:3]), reply.ephemeral)
    if reply.kind in (models.NOT_FOUND, models.EPISODES) and reply.suggestions:
        head = reply.text.strip().splitlines()[0] if reply.text.strip() else "Closest episodes:"
        return DiscordMessage(fit(head, CONTENT_LIMIT), (_suggestions_embed(reply.suggestions),), reply.ephemeral)
    return render_text(reply)


def render_text(reply: Reply) -> DiscordMessage:
    """Plain replies (help, lists, refusals, errors): the core's text, escaped."""
    text = reply.text.strip() or "Done."
    if reply.error_ref and reply.error_ref not in text:
        text = f"{text} (ref {reply.error_ref})"
    private = reply.ephemeral or reply.kind in (models.ERROR, models.REFUSED)
    return DiscordMessage(fit(text, CONTENT_LIMIT, keep_code=True), (), private)


def error_message(ref: str) -> DiscordMessage:
    """What a user sees when the adapter itself failed: short, private, with a reference."""
    return DiscordMessage(f"Sorry, something went wrong (ref {ref}).", (), True)


# --- embeds -----------------------------------------------------------------------------

def _answer_embed(reply: Reply) -> discord.Embed:
    moment: Moment = reply.answer
    embed = discord.Embed(title=fit(_heading(moment.title, moment.code), TITLE_LIMIT),
                          url=web_url(moment.url), colour=EMBED_COLOUR)
    lines = [_blockquote(fit(moment.text, QUOTE_LIMIT))]
    if moment.speaker:
        lines.append(f"— **{fit(moment.speaker, 200)}**")
    if play := _play_line(moment):
        lines.append(play)
    embed.description = _join_within(lines, DESCRIPTION_LIMIT)
    if moment.chapter:
        embed.add_field(name="Chapter", value=fit(moment.chapter, FIELD_LIMIT), inline=True)
    if moment.released:
        embed.add_field(name="Released", value=fit(moment.released, FIELD_LIMIT), inline=True)
    if reply.alternatives:
        others = [_alternative_line(m) for m in reply.alternatives]
        embed.add_field(name="Next best moments", value=_join_within(others, FIELD_LIMIT), inline=False)
    if reply.suggestions:  # episodes on the question's topic, offered beside the quote
        embed.add_field(name="Episodes on this topic", inline=False,
                        value=_join_within([_card_line(c) for c in reply.suggestions[:5]], FIELD_LIMIT))
    if reply.notes:
        embed.add_field(name="Note", value=_join_within([fit(n, FIELD_LIMIT) for n in reply.notes], FIELD_LIMIT),
                        inline=False)
    footer = []
    if reply.pin is not None:
        footer.append(f"Pinned answer #{reply.pin.pin_id} by {reply.pin.pinned_by}")
    if reply.answer_id:
        footer.append(ANSWER_FOOTER.format(reply.answer_id))
    if footer:
        embed.set_footer(text=" · ".join(footer)[:FOOTER_LIMIT])
    return embed


def _play_line(moment: Moment) -> str:
    """"▶ Watch from 26:25" (or "Listen") linked when the link starts there; else the time
    in words ("At 26:25") beside a link to the page or source, when there is one."""
    at = player_time(moment.start) if moment.start is not None else ""
    verb = play_verb(moment.url)
    if at and verb:
        return masked_link(f"▶ {verb.capitalize()} from {at}", moment.url) or ""
    opened = masked_link("▶ Open the episode" if at else "▶ Open the source", moment.url)
    return " · ".join(part for part in (f"At {at}" if at else "", opened) if part)


def _episode_embed(card: EpisodeCard) -> discord.Embed:
    embed = discord.Embed(title=fit(_heading(card.title, card.code), TITLE_LIMIT), url=web_url(card.url),
                          description=fit(card.description, DESCRIPTION_LIMIT) or None, colour=EMBED_COLOUR)
    if card.guests:
        embed.add_field(name="Guests", value=fit(", ".join(card.guests), FIELD_LIMIT), inline=True)
    if card.released:
        embed.add_field(name="Released", value=fit(card.released, FIELD_LIMIT), inline=True)
    if card.chapters:
        lines = [f"`{player_time(c.start):>7}` " + (masked_link(_link_text(c.title), c.url) or fit(c.title, 180))
                 for c in card.chapters]
        embed.add_field(name="Chapters", value=_join_within(lines, FIELD_LIMIT), inline=False)
    return embed


def _suggestions_embed(cards: tuple[EpisodeCard, ...]) -> discord.Embed:
    return discord.Embed(description=_join_within([_card_line(c) for c in cards], DESCRIPTION_LIMIT),
                         colour=EMBED_COLOUR)


def _card_line(card: EpisodeCard) -> str:
    heading = _heading(card.title, card.code)
    return "• " + (masked_link(_link_text(heading), card.url) or fit(heading, 180))


def _person_embed(card: PersonCard) -> discord.Embed:
    embed = discord.Embed(title=fit(card.name, TITLE_LIMIT), description=fit(card.description, DESCRIPTION_LIMIT) or None,
                          colour=EMBED_COLOUR)
    if card.episodes:
        embed.add_field(name=card.episodes_heading, value=_join_within([_card_line(c) for c in card.episodes], FIELD_LIMIT), inline=False)
    return embed


def _alternative_line(m: Moment) -> str:
    where = _heading(m.title, m.code) + (f", {m.chapter}" if m.chapter else "")
    at = f" @ {player_time(m.start)}" if m.start is not None else ""
    link = masked_link(_link_text(where, ALTERNATIVE_LINE_LIMIT - 20) + at, m.url)
    return f"• {link}" if link else f"• {fit(where, ALTERNATIVE_LINE_LIMIT - 20)}{at}"


def _heading(title: str, code: str | None) -> str:
    return f"{title} ({code})" if code else title


# --- escaping and trimming -----------------------------------------------------------

def _link_text(text: str, limit: int = 180) -> str:
    # Square brackets read better as parentheses in a link label (escaped either way).
    return fit(text.replace("[", "(").replace("]", ")"), limit, escape_with=escape_label)


def fit(text: str, limit: int, keep_code: bool = False, escape_with=None) -> str:
    """`text` escaped and no longer than `limit`, cut at a sentence end when it must be cut."""
    escape_text = escape_with or (escape_keeping_code if keep_code else escape)
    escaped = escape_text(text)
    budget = limit
    while len(escaped) > limit and budget > 1:
        escaped = escape_text(trim(text, budget))
        budget -= max(len(escaped) - limit, 1)   # escapes took room: cut the raw text shorter
    return cut(escaped, limit)


def trim(text: str, limit: int) -> str:
    """At most `limit` characters: up to the last sentence end, else the last word, plus '…'."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: max(limit - 1, 0)]
    ends = [m.end() for m in _SENTENCE_END.finditer(head + " ")]
    if ends and ends[-1] > limit // 3:
        return head[: ends[-1]].rstrip()
    if not (head[-1:].isspace() or text[len(head)].isspace()) and " " in head.strip():
        head = head.rsplit(None, 1)[0]          # drop the cut word
    return head.rstrip(" ,;:") + "…"


def _blockquote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def _join_within(lines: list[str], limit: int) -> str:
    """Whole lines only, as many as fit; the first line is trimmed if it alone is too long."""
    out: list[str] = []
    size = 0
    for line in lines:
        extra = len(line) + (1 if out else 0)
        if size + extra > limit:
            if not out:
                out.append(cut(line, limit))
            break
        out.append(line)
        size += extra
    return "\n".join(out)


def answer_id_from_footer(footer: str | None) -> str | None:
    match = ANSWER_FOOTER_RE.search(footer or "")
    return match.group(1) if match else None
