"""Small builders for knowledge files in the DataTalks.Club format, for tests."""
from __future__ import annotations

from pathlib import Path

import yaml


def episode_text(title="Test Episode", season=1, episode=1, youtube="vid123", guests=("guest1",),
                 transcript=None, extra=None) -> str:
    front = {"title": title, "season": season, "episode": episode, "guests": list(guests),
             "ids": {"youtube": youtube}}
    front.update(extra or {})
    front["transcript"] = transcript if transcript is not None else [
        {"header": "Intro"},
        {"line": "Welcome to the show, today we talk about gardening robots.", "sec": 5, "time": "0:05", "who": "Host"},
        {"line": "Thanks. Gardening robots water tomatoes automatically.", "sec": 12, "time": "0:12", "who": "Guest"},
    ]
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\nLinks:\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
