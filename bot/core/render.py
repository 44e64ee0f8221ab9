"""Plain-text renderings of replies: what the console prints and adapters fall back to.

Nothing here adds a mention; quotes and titles are copied as they are and the
platform renderers escape them.
"""
from __future__ import annotations

import textwrap

from bot.command_table import COMMANDS
from bot.models import EpisodeCard, Moment, PersonCard, PinInfo
from bot.store.pins import Pin
from bot.timefmt import player_time

NOT_FOUND_TEXT = "I couldn't find that in the episodes."
OFFERED_HEAD = "Episodes on this topic:"


def moment_text(moment: Moment) -> str:
    lines = [textwrap.fill(f"“{moment.text}”", width=88)]
    who = moment.speaker or ("the article" if moment.start is None and moment.from_document else None)
    if who:
        lines.append(f"  — {who}")
    if moment.from_document:
        where = moment.title + (f" ({moment.code})" if moment.code else "")
        at = f" @ {player_time(moment.start)}" if moment.start is not None else ""
        lines.append(f"  {where}{at}")
    if moment.url:
        lines.append(f"  {moment.url}")
    return "\n".join(lines)


def answer_text(answer: Moment, alternatives: tuple[Moment, ...], notes: tuple[str, ...],
                offered: tuple[EpisodeCard, ...] = ()) -> str:
    parts = [moment_text(answer)]
    if notes:
        parts.append("\n".join(notes))
    if alternatives:
        parts.append("Next best moments:\n" + "\n".join(f"  • {_short(m)}" for m in alternatives))
    if offered:
        parts.append(f"{OFFERED_HEAD}\n" + "\n".join(f"  • {card_line(c)}" for c in offered))
    return "\n\n".join(parts)


def pinned_text(answer: Moment, pin: PinInfo, notes: tuple[str, ...]) -> str:
    head = f"Pinned answer (pinned by {pin.pinned_by} on {pin.pinned_at[:10]}):"
    body = moment_text(answer) if answer.from_document else textwrap.fill(answer.text, width=88)
    return "\n\n".join([head, body] + (["\n".join(notes)] if notes else []))


def not_found_text(suggestions: tuple[EpisodeCard, ...], missing: str | None = None) -> str:
    head = f"I couldn't find anything about “{missing}” in the episodes." if missing else NOT_FOUND_TEXT
    if not suggestions:
        return head
    return head + " The closest episodes:\n" + "\n".join(f"  • {card_line(c)}" for c in suggestions)


def card_line(card: EpisodeCard) -> str:
    code = f" ({card.code})" if card.code else ""
    released = f", {card.released}" if card.released else ""
    link = f" — {card.url}" if card.url else ""
    return f"{card.title}{code}{released}{link}"


def card_text(card: EpisodeCard) -> str:
    lines = [card.title + (f" ({card.code})" if card.code else "")]
    if card.guests:
        lines.append(f"  with {', '.join(card.guests)}")
    if card.released:
        lines.append(f"  released {card.released}")
    if card.url:
        lines.append(f"  {card.url}")
    if card.description:
        lines += ["", textwrap.fill(card.description, width=88)]
    if card.chapters:
        lines += ["", "Chapters:"]
        lines += [f"  {player_time(c.start):>8}  {c.title}" + (f" — {c.url}" if c.url else "") for c in card.chapters]
    return "\n".join(lines)


def episodes_text(query: str, cards: tuple[EpisodeCard, ...]) -> str:
    return f"Episodes on “{query}”:\n" + "\n".join(f"  • {card_line(c)}" for c in cards)


def matching_episodes_text(query: str, cards: tuple[EpisodeCard, ...]) -> str:
    return (f"Several episodes match “{query}”; say which one (e.g. by code):\n"
            + "\n".join(f"  • {card_line(c)}" for c in cards))


def person_text(card: PersonCard) -> str:
    lines = [card.name]
    if card.description:
        lines.append(textwrap.fill(card.description, width=88))
    lines.append(card.episodes_heading + ":")
    lines += [f"  • {card_line(c)}" for c in card.episodes]
    return "\n".join(lines)


def people_text(cards: tuple[PersonCard, ...]) -> str:
    head = [] if len(cards) == 1 else [f"{len(cards)} people have that name:"]
    return "\n\n".join(head + [person_text(c) for c in cards])


def count_text(catalog) -> str:
    episodes = catalog.episodes
    newest = catalog.newest()
    text = f"The archive has {len(episodes)} episode{'s' if len(episodes) != 1 else ''}"
    if newest is not None:
        text += f"; the newest is “{newest.title}” ({newest.code})"
    return text + "."


def pin_line(pin: Pin) -> str:
    target = pin.target
    if target.from_document:
        where = f"{target.code or target.doc_id} @ {player_time(target.start)}"
    else:
        where = f"note: {textwrap.shorten(target.text, 80)}"
    served = f"served {pin.uses} time{'s' if pin.uses != 1 else ''}"
    line = f"#{pin.pin_id} “{pin.question}” → {where} (pinned by {pin.pinned_by}, {pin.pinned_at[:10]}, {served})"
    if pin.aliases:
        line += "\n      also: " + "; ".join(f"“{a.phrase}”" for a in pin.aliases)
    return line


def pins_text(pins: list[Pin]) -> str:
    if not pins:
        return "No pinned answers yet. Moderators can add one with `/pin QUESTION | TARGET`."
    return f"Pinned answers ({len(pins)}):\n" + "\n".join(pin_line(p) for p in pins)


def help_text(is_moderator: bool) -> str:
    lines = ["I answer questions with the exact podcast moment. Commands:"]
    for spec in COMMANDS:
        if spec.moderator_only and not is_moderator:
            continue
        usage = f" {spec.usage}" if spec.usage else ""
        lines.append(f"  /{spec.name}{usage} — {spec.description}")
    lines.append("Example: /ask How do I join Omdena?")
    return "\n".join(lines)


def _short(moment: Moment) -> str:
    where = moment.title + (f" ({moment.code})" if moment.code else "")
    if moment.chapter:
        where += f", “{moment.chapter}”"
    at = f" @ {player_time(moment.start)}" if moment.start is not None else ""
    link = f" — {moment.url}" if moment.url else ""
    return f"{where}{at}{link}"
