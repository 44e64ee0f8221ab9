"""Podcasting 2.0 JSON transcripts: `{"segments": [{"speaker", "startTime", "endTime", "body"}]}`.

Hosts write a segment per sentence, per phrase or per word; the merger joins them. A
segment without a usable `startTime` or `body` is dropped and noted."""
from __future__ import annotations

import json

from bot.retrieval.formats.cues import Cue, TranscriptError, clean_cue_text, seconds, speaker_name
from bot.retrieval.values import NO_LIMIT, BadValue, Fields, text


def read_podcast_json(source: str, notes: Fields) -> list[Cue]:
    data = parse_json(source, "transcript")
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise TranscriptError('not a Podcasting 2.0 transcript (no "segments" list)')
    cues: list[Cue] = []
    root = notes.reading(data)
    for value in root.items("segments"):
        if not isinstance(value, dict):
            root.note("segments", "a segment that is not a mapping")
            continue
        segment = root.item(value, "segments")
        start = segment.get("startTime", seconds)
        body = clean_cue_text(segment.get("body", text, NO_LIMIT))
        if start is None and body and "startTime" not in value:
            segment.note("startTime", "missing")
        if start is not None and body:  # an empty segment says nothing
            cues.append(Cue(start, segment.get("endTime", seconds), body, _speaker(segment)))
    return cues


def parse_json(source: str, what: str):
    """JSON as Python values; TranscriptError for what isn't plain JSON (NaN, nesting deep
    enough to exhaust the stack, integers of thousands of digits)."""
    try:
        return json.loads(source, parse_constant=_no_constants)
    except RecursionError:
        raise TranscriptError(f"{what} JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError is one
        raise TranscriptError(f"invalid {what} JSON: {str(exc)[:120]}") from None


def _speaker(segment: Fields) -> str | None:
    try:
        return speaker_name(segment.get("speaker"))
    except BadValue as bad:
        segment.note("speaker", str(bad))
        return None


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number JSON allows")
