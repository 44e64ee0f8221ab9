"""Small builders for knowledge files in the DataTalks.Club format, for tests:
`episode_text` (one gardening-robots episode, fields overridable) and
`numbered_episode_text` / `write_episode` (an episode per slug, season and number)."""
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


def numbered_episode_text(slug: str, season: int, episode: int, lines: list[str], who: str = "Alexey") -> str:
    front = {
        "title": f"Episode {slug.replace('-', ' ').title()}",
        "short": slug.replace("-", " "),
        "season": season,
        "episode": episode,
        "guests": ["someguest"],
        "ids": {"youtube": f"yt{season:02d}{episode:02d}abc"},
        "links": {"youtube": f"https://www.youtube.com/watch?v=yt{season:02d}{episode:02d}abc"},
        "description": f"Season {season} episode {episode} about {slug}.",
        "dateadded": f"2024-{(episode % 12) + 1:02d}-01",
        "transcript": [{"header": "Introduction"}] + [
            {"line": line, "sec": 10 * i, "time": f"0:{10 * i:02d}", "who": who}
            for i, line in enumerate(lines)
        ],
    }
    return "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n"


def write_episode(folder: Path, slug: str, season: int, episode: int, lines: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(numbered_episode_text(slug, season, episode, lines), encoding="utf-8")
    return path


def write_person(folder: Path, slug: str, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(f"---\ntitle: {name}\n---\n", encoding="utf-8")
    return path
