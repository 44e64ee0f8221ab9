"""Lenient readers for front-matter values, which real archives fill inconsistently."""
from __future__ import annotations

import datetime as dt
import re

_ISO_DURATION = re.compile(r"^P(?:T)?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$", re.I)


def as_text(value) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value >= 0 else None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def as_strings(value) -> list[str]:
    if isinstance(value, list):
        return [as_text(v) for v in value if as_text(v)]
    return [as_text(value)] if as_text(value) else []


def as_iso_date(value) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = as_text(value)
    try:
        return dt.date.fromisoformat(text[:10]).isoformat() if text else None
    except ValueError:
        return None


def as_duration(value) -> int | None:
    """Seconds from an ISO 8601 duration such as PT00H59M34S (or a plain number)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if value > 0 else None
    match = _ISO_DURATION.match(as_text(value))
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds
