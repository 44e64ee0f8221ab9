"""Lenient readers for front-matter values, which real archives fill inconsistently."""
from __future__ import annotations

import datetime as dt


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
