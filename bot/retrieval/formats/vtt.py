"""WebVTT (`.vtt`): cues with `<v Speaker>` voice tags, as podcast hosts and YouTube write them.

One cue may hold several voices (`<v Ann>Hi</v> <v Bob>Hello</v>`): each becomes its own
cue at the same time. A cue without a voice has no speaker of its own (the merger lets
it continue the last one). Everything else about messy files is cues.py's job.
"""
from __future__ import annotations

import re

from bot.retrieval.formats.cues import Cue, clean_cue_text, cue_blocks, speaker_name, timing
from bot.retrieval.values import BadValue, Fields

# `<v Name>`, `<v.loud Name>`; the name runs to the '>' (no '<' inside: linear scanning)
_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?(?:\s([^<>]*))?>", re.I)


def read_vtt(text: str, notes: Fields) -> list[Cue]:
    cues: list[Cue] = []
    for line, payload in cue_blocks(text, spaces_end_a_cue=False):
        start, end = timing(line)
        if start is None:
            notes.note("cue", f"a cue whose start is not a time: {line.strip()[:40]!r}")
            continue
        for who, words in _voices("\n".join(payload), notes):
            cleaned = clean_cue_text(words)
            if cleaned:
                cues.append(Cue(start, end, cleaned, who))
    return cues


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
