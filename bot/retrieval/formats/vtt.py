"""WebVTT (`.vtt`): cues with `<v Speaker>` voice tags, as podcast hosts and YouTube write them.

One cue may hold several voices (`<v Ann>Hi</v> <v Bob>Hello</v>`): each becomes its own
cue at the same time. A cue without a voice has no speaker of its own (the merger lets
it continue the last one). YouTube's automatic captions time each word
(`word<00:00:28.900><c> next</c>`) and keep a cue on screen until the next one, even over
a long silence: the last word's time (plus a second) is when speech ended, so the merger
sees the pause. Everything else about messy files is cues.py's job.
"""
from __future__ import annotations

import re

from bot.retrieval.formats.cues import Cue, clean_cue_text, parse_clock, speaker_name, timed_payloads
from bot.retrieval.values import BadValue, Fields

# `<v Name>`, `<v.loud Name>`; the name runs to the '>' (no '<' inside: linear scanning)
_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?(?:\s([^<>]*))?>", re.I)
_WORD_TIME = re.compile(r"<(\d[\d:.]{3,14})>")
LAST_WORD_SECONDS = 1.0   # how long the last timed word is taken to last


def read_vtt(text: str, notes: Fields) -> list[Cue]:
    cues: list[Cue] = []
    for start, end, payload in timed_payloads(text, spaces_end_a_cue=False, notes=notes):
        spoken = _spoken_until(payload, start, end)
        for who, words in _voices(payload, notes):
            cleaned = clean_cue_text(words)
            if cleaned:
                cues.append(Cue(start, end, cleaned, who, spoken))
    return cues


def _spoken_until(payload: str, start: float, end: float | None) -> float | None:
    """When the cue's timed words end, if they are timed (see the module doc)."""
    times = [t for t in map(parse_clock, _WORD_TIME.findall(payload)) if t is not None and t >= start]
    if not times:
        return None
    spoken = max(times) + LAST_WORD_SECONDS
    return spoken if end is None else min(end, spoken)


def _voices(payload: str, notes: Fields) -> list[tuple[str | None, str]]:
    """(speaker, text) for each voice span of a cue's payload, in order."""
    parts: list[tuple[str | None, str]] = []
    who, begin = None, 0
    for match in _VOICE.finditer(payload):
        parts.append((who, payload[begin:match.start()]))
        try:
            who = speaker_name(match.group(1) or "")
        except BadValue as bad:
            notes.note("voice", str(bad))
            who = None
        begin = match.end()
    parts.append((who, payload[begin:]))
    return [(who, words) for who, words in parts if words.strip()]
