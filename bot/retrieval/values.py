"""Readers for front-matter values, which real archives fill inconsistently and an
attacker fills with whatever breaks things (`season: .inf`, `sec: 1e300`, a dict where a
name belongs, a 5 MB title).

Each reader returns a clean value, an empty one when the value is absent, or raises
BadValue when it is there but unusable. Every value a Document keeps is bounded here, so
nothing further down (numpy int32 columns, SQLite, the cache's JSON, chat messages) can
overflow or choke on it. `Fields` reads one file's front matter: a field that can't be
used is dropped and noted, and the loader warns once per file with the notes.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from bot.weblinks import MAX_URL_CHARS, is_youtube_id
from bot.weblinks import web_url as safe_web_url

MAX_NUMBER = 2**31 - 1        # season and episode numbers: fits every integer column
MAX_SECONDS = 100 * 3600      # a transcript second or a duration; longer is a typo, not a talk
MAX_LABEL_CHARS = 2000        # titles, names, headers, topics (the archive's longest: 867)
MAX_TEXT_CHARS = 20_000       # descriptions (the archive's longest: 1954)
MAX_ITEMS = 100               # guests, topics, speakers per document (the archive's most: 9)
NO_LIMIT = 2**62              # transcript lines: bounded by the file's size (frontmatter.py)
_ISO_DURATION = re.compile(r"^P(?:T)?(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9})S)?$", re.I)


class BadValue(ValueError):
    """A value that is present but can't be used; the message says why."""


def text(value, limit: int = MAX_LABEL_CHARS) -> str:
    """A one-line-or-more string; numbers and dates count as text, yes/no does not."""
    if value is None:
        return ""
    if isinstance(value, str):
        result = value.strip()
    elif isinstance(value, bool):
        raise BadValue(f"a yes/no value, not text ({value})")
    elif isinstance(value, (int, float, dt.date)) and not _non_finite(value):
        result = _str_of_scalar(value)
    else:
        raise BadValue(f"{_kind(value)}, not text")
    if len(result) > limit:
        raise BadValue(f"longer than {limit} characters ({len(result)})")
    return result


def whole_number(value, maximum: int) -> int | None:
    """A whole number from 0 to `maximum` (a float is cut to its whole part)."""
    if value is None or value == "":
        return None
    number = _number(value, int)
    if number is None or not 0 <= number <= maximum:
        raise BadValue(f"not a whole number from 0 to {maximum}: {_show(value)}")
    return number


def seconds(value) -> float | None:
    """A time in seconds from 0 to MAX_SECONDS, fractions kept (`12.5`, `"12.5"`)."""
    if value is None or value == "":
        return None
    number = _number(value, float)
    if number is None or _non_finite(number) or not 0 <= number <= MAX_SECONDS:
        raise BadValue(f"not a time from 0 to {MAX_SECONDS} seconds: {_show(value)}")
    return number


def _number(value, convert):
    """`convert` of a finite number or a short numeric string; None for anything else."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not _non_finite(value):
        return convert(value)
    if isinstance(value, str) and len(value) <= 20:
        try:
            return convert(value.strip())
        except ValueError:
            return None
    return None


def iso_date(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            pass
    raise BadValue(f"not a date: {_show(value)}")


def duration(value) -> int | None:
    """Seconds from an ISO 8601 duration such as PT00H59M34S (or a plain number)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = whole_number(value, MAX_SECONDS)
        return seconds or None
    match = _ISO_DURATION.match(value.strip()) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        raise BadValue(f"not a duration like PT1H2M3S: {_show(value)}")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if total > MAX_SECONDS:
        raise BadValue(f"longer than {MAX_SECONDS // 3600} hours: {_show(value)}")
    return total or None


def link_id(value) -> str | None:
    """A YouTube video id (the rule is `bot.weblinks`): nothing that could change the link."""
    found = text(value)
    if found and not is_youtube_id(found):
        raise BadValue(f"not a YouTube video id (11 characters of A-Z a-z 0-9 _ -): {_show(value)}")
    return found or None


def web_url(value) -> str | None:
    """An http(s) link, made safe to post by the one rule in `bot.weblinks`."""
    found = text(value, limit=MAX_URL_CHARS)
    url = safe_web_url(found) if found else None
    if found and url is None:
        raise BadValue(f"not an http(s) link: {_show(value)}")
    return url


class Fields:
    """One file's front matter (or one transcript item), read field by field: a field
    that can't be used reads as empty and is noted once, with how often it happened."""

    def __init__(self, data, where: str = "", notes: dict | None = None) -> None:
        self.data = data if isinstance(data, dict) else {}
        self._where = where
        self._notes: dict[str, list] = {} if notes is None else notes

    def get(self, key: str, read=text, *args):
        try:
            return read(self.data.get(key), *args)
        except BadValue as bad:
            self.note(key, str(bad))
            return read(None, *args)

    def texts(self, key: str, limit: int = MAX_LABEL_CHARS) -> list[str]:
        """A list of texts (or one text); bad items dropped, at most MAX_ITEMS kept."""
        value = self.data.get(key)
        if isinstance(value, dict):
            self.note(key, "a mapping, not a list")
            return []
        found = []
        for item in value if isinstance(value, list) else [value]:
            try:
                item_text = text(item, limit)
            except BadValue as bad:
                self.note(key, str(bad))
                continue
            if item_text:
                found.append(item_text)
        return self.at_most(key, found)

    def at_most(self, key: str, items: list) -> list:
        if len(items) > MAX_ITEMS:
            self.note(key, f"more than {MAX_ITEMS} items ({len(items)}); the first {MAX_ITEMS} kept")
        return items[:MAX_ITEMS]

    def mapping(self, key: str) -> "Fields":
        return Fields(self.list_or_map(key, dict), f"{self._where}{key}.", self._notes)

    def items(self, key: str) -> list:
        return self.list_or_map(key, list)

    def list_or_map(self, key: str, kind: type):
        value = self.data.get(key)
        if value is not None and not isinstance(value, kind):
            self.note(key, f"{_kind(value)}, not {'a list' if kind is list else 'a mapping'}")
        return value if isinstance(value, kind) else kind()

    def reading(self, data) -> "Fields":
        """Another part of the same document (a transcript's sidecar or chapters file),
        whose dropped fields are noted with this one's."""
        return Fields(data, self._where, self._notes)

    def item(self, value, where: str) -> "Fields":
        """One entry of a list field (a transcript line), noted under the list's name."""
        return Fields(value, f"{self._where}{where}.", self._notes)

    def note(self, key: str, why: str) -> None:
        seen = self._notes.setdefault(f"{self._where}{key}", [0, why])
        seen[0] += 1

    def dropped(self) -> list[str]:
        """'season (not a whole number ...)', 'transcript.sec ×3 (...)': what was dropped."""
        return [f"{key}{f' ×{count}' if count > 1 else ''} ({why})"
                for key, (count, why) in self._notes.items()]


def _str_of_scalar(value) -> str:
    try:
        return str(value)
    except ValueError:  # an int of more than 4300 digits
        raise BadValue("a number too long to show") from None


def _non_finite(value) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def _kind(value) -> str:
    kinds = {dict: "a mapping", list: "a list", bytes: "binary data", set: "a set"}
    return next((name for t, name in kinds.items() if isinstance(value, t)), type(value).__name__)


def _show(value) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
