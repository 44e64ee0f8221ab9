"""SubRip (`.srt`): numbered cues, `00:01:02,500 --> 00:01:05,000`, no speakers.

Styling (`<i>`, `<font color>`, `{\\an8}`) and the rest of the mess are cues.py's job."""
from __future__ import annotations

from bot.retrieval.formats.cues import Cue, clean_cue_text, timed_payloads
from bot.retrieval.values import Fields


def read_srt(text: str, notes: Fields) -> list[Cue]:
    timed = ((start, end, clean_cue_text(payload))
             for start, end, payload in timed_payloads(text, spaces_end_a_cue=True, notes=notes))
    return [Cue(start, end, cleaned) for start, end, cleaned in timed if cleaned]
