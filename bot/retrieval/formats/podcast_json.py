"""Podcasting 2.0 JSON transcripts: `{"segments": [{"speaker", "startTime", "endTime", "body"}]}`.

Hosts write a segment per sentence, per phrase or per word; the merger joins them. A
segment without a usable `startTime` or `body` is dropped and noted."""
from __future__ import annotations

import json

from bot.retrieval.formats.cues import Cue, TranscriptError, clean_cue_text, speaker_name
from bot.retrieval.values import NO_LIMIT, BadValue, Fields, seconds, text


def read_podcast_json(source: str, notes: Fields) -> list[Cue]:
    cues: list[Cue] = []
    for value, segment in json_items(source, "segments", "a Podcasting 2.0 transcript", notes):
        start = segment.get("startTime", seconds)
        body = clean_cue_text(segment.get("body", text, NO_LIMIT))
        if start is None and body and "startTime" not in value:
            segment.note("startTime", "missing")
        if start is not None and body:  # an empty segment says nothing
            cues.append(Cue(start, segment.get("endTime", seconds), body, _speaker(segment)))
    return cues


def json_items(source: str, key: str, what: str, notes: Fields):
    """(mapping, its Fields) for each item of the list `key` of a Podcasting 2.0 JSON file;
    TranscriptError when the file is not `what`, an item that is no mapping noted and dropped."""
    data = parse_json(source)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise TranscriptError(f'not {what} (no "{key}" list)')
    root = notes.reading(data)
    for value in root.items(key):
        if isinstance(value, dict):
            yield value, root.item(value, key)
        else:
            root.note(key, "an item that is not a mapping")


def parse_json(source: str):
    """JSON as Python values; TranscriptError for what isn't plain JSON (NaN, nesting deep
    enough to exhaust the stack, integers of thousands of digits)."""
    try:
        return json.loads(source, parse_constant=_no_constants)
    except RecursionError:
        raise TranscriptError("JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError is one
        raise TranscriptError(f"invalid JSON: {str(exc)[:120]}") from None


def _speaker(segment: Fields) -> str | None:
    try:
        return speaker_name(segment.get("speaker"))
    except BadValue as bad:
        segment.note("speaker", str(bad))
        return None


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number JSON allows")
