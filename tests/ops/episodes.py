"""Tiny episode files in the DataTalks.Club front-matter shape, for ops tests."""
from __future__ import annotations

from pathlib import Path

import yaml


def episode_text(slug: str, season: int, episode: int, lines: list[str], who: str = "Alexey") -> str:
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
    path.write_text(episode_text(slug, season, episode, lines), encoding="utf-8")
    return path


def write_person(folder: Path, slug: str, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(f"---\ntitle: {name}\n---\n", encoding="utf-8")
    return path
