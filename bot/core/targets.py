"""The `/pin` text syntax, parsed without looking anything up.

    /pin QUESTION | DOC_ID@SECONDS         (or DOC_ID@MM:SS, DOC_ID@H:MM:SS; s17e07@26:25)
    /pin QUESTION | https://www.youtube.com/watch?v=ID&t=1585s   (youtu.be/ID?t=90, t=1m5s)
    /pin QUESTION | last                   the bot's previous answer to you in this conversation
    /pin last                              the same, for the question that was asked
    /pin QUESTION | any short text with a link
    /pin alias PIN_ID | other phrasing
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

from bot.errors import UserError
from bot.weblinks import is_youtube_url, web_url, youtube_video_id
from bot.core.inputs import strip_mentions, tidy

MAX_NOTE_CHARS = 500

PIN_USAGE = ("Usage: `/pin QUESTION | TARGET` where TARGET is `DOC_ID@SECONDS` (or `@MM:SS`), "
             "a YouTube link with `t=`, `last` (my previous answer to you here), or a short text with a link; "
             "`/pin alias PIN_ID | other phrasing`.")

_URL = re.compile(r"https?://\S+", re.I)
_MOMENT = re.compile(r"^(?P<doc>[A-Za-z0-9][\w.-]*)\s*@\s*(?P<time>[^\s@/]+)$", re.I)
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")
_UNITS = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$", re.I)


@dataclass(frozen=True)
class MomentRef:
    doc: str          # a doc id or an episode code
    sec: int


@dataclass(frozen=True)
class YouTubeRef:
    video_id: str
    sec: int


@dataclass(frozen=True)
class AnswerRef:
    answer_id: str | None   # None: the last answer to the asker in the conversation


@dataclass(frozen=True)
class NoteRef:
    text: str
    url: str


Target = MomentRef | YouTubeRef | AnswerRef | NoteRef


@dataclass(frozen=True)
class PinRequest:
    question: str | None    # None: take the question of the referenced answer
    target: Target


@dataclass(frozen=True)
class AliasRequest:
    pin_id: int
    phrase: str


def parse_pin_text(text: str) -> PinRequest | AliasRequest:
    text = tidy(text)
    if text.lower() == "last":
        return PinRequest(None, AnswerRef(None))
    if "|" not in text:
        raise UserError(PIN_USAGE)
    head, target = (part.strip() for part in text.split("|", 1))
    alias = re.match(r"^alias\s+#?(\d+)$", head, re.I)
    if alias:
        if not target:
            raise UserError("Say the other phrasing after `|`: `/pin alias 3 | how can I sign up for Omdena`.")
        return AliasRequest(int(alias.group(1)), target)
    if not head or not target:
        raise UserError(PIN_USAGE)
    return PinRequest(head, parse_target(target))


def parse_target(target: str) -> Target:
    target = " ".join(strip_mentions(tidy(target)).split())  # a note must not ping anyone
    if target.lower() == "last":
        return AnswerRef(None)
    moment = _MOMENT.match(target)
    if moment:
        return MomentRef(moment.group("doc"), parse_seconds(moment.group("time")))
    urls = _URL.findall(target)
    if len(urls) == 1 and urls[0] == target and is_youtube_url(urls[0]):
        return parse_youtube(urls[0])
    if urls:
        if len(target) > MAX_NOTE_CHARS:
            raise UserError(f"A pinned note can be at most {MAX_NOTE_CHARS} characters; this one has {len(target)}.")
        url = web_url(urls[0].rstrip(".,;:!?)\"'>"))
        if url is None:
            raise UserError("The link in a pinned note must be a plain http(s) link.")
        return NoteRef(target, url)
    raise UserError("I don't understand that target. " + PIN_USAGE)


def parse_seconds(value: str) -> int:
    """1585, 1585s, 26:25, 1:02:03, 1m5s, 1h2m3s -> seconds."""
    value = value.strip()
    clock = _CLOCK.match(value)
    if clock:
        hours, minutes, seconds = (int(g or 0) for g in clock.groups())
        if seconds >= 60 or (clock.group(1) and minutes >= 60):
            raise UserError(f"`{value}` is not a valid time.")
        return hours * 3600 + minutes * 60 + seconds
    units = _UNITS.match(value)
    if value and units and any(units.groups()):
        hours, minutes, seconds = (int(g or 0) for g in units.groups())
        return hours * 3600 + minutes * 60 + seconds
    raise UserError(f"`{value}` is not a time: use seconds (1585), MM:SS (26:25) or H:MM:SS.")


def parse_youtube(url: str) -> YouTubeRef:
    video_id = youtube_video_id(url)
    query = parse_qs(urlparse(url).query)
    times = query.get("t") or query.get("start")
    if video_id is None:
        raise UserError("That YouTube link has no video id (11 letters, digits, - or _).")
    if not times:
        raise UserError("That YouTube link has no moment: add `t=`, e.g. `&t=1585s` (YouTube's "
                        "Share → Start at gives such a link).")
    return YouTubeRef(video_id, parse_seconds(times[0]))
