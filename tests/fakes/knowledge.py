"""Small builders for knowledge files in the DataTalks.Club format, for tests:
`episode_text` (one gardening-robots episode, fields overridable) and
`numbered_episode_text` / `write_episode` (an episode per slug, season and number)."""
from __future__ import annotations

from pathlib import Path

import yaml


def episode_text(title="Test Episode", season=1, episode=1, youtube="vid12345678", guests=("guest1",),
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
        "ids": {"youtube": f"yt{season:02d}{episode:02d}abcde"},
        "links": {"youtube": f"https://www.youtube.com/watch?v=yt{season:02d}{episode:02d}abcde"},
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


def write_person(folder: Path, slug: str, name: str, about: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(f"---\ntitle: {name}\n---\n\n{about}\n", encoding="utf-8")
    return path


def conversation_episode(slug: str, season: int, episode: int, title: str, guest: str, guest_name: str,
                         exchanges: list[tuple[str, str]], topics: tuple[str, ...] = ()) -> str:
    """An episode of an interview: Alexey introduces the guest, then asks and they answer."""
    youtube = f"{slug[:6]:_<6}{season:02d}{episode:03d}"  # 11 characters, as YouTube ids are
    lines = [("Alexey", f"Welcome to the show. Today we have {guest_name} with us.")]
    for question, answer in exchanges:
        lines += [("Alexey", question), (guest_name.split()[0], answer)]
    front = {
        "title": title, "season": season, "episode": episode, "guests": [guest], "topics": list(topics),
        "ids": {"youtube": youtube}, "dateadded": f"2024-{(season + episode) % 12 + 1:02d}-01",
        "transcript": [{"header": "Introduction"}] + [
            {"line": line, "sec": 60 * i, "time": f"{i}:00", "who": who} for i, (who, line) in enumerate(lines)],
    }
    return "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n"


def write_conversation_archive(folder: Path) -> Path:
    """Three interviews with two guests, their `_people/` entries, for questions about the
    archive (the newest episode, a person, episodes on a topic) and follow-ups."""
    write_person(folder / "_people", "adalovelace", "Ada Lovelace",
                 "Ada Lovelace leads data science at Analytical Engines, a Tesla supplier.")
    write_person(folder / "_people", "gracehopper", "Grace Hopper", "Grace Hopper builds compilers at Navy Labs.")
    episodes = [
        ("careers-in-data-science", 1, 1, "Careers in Data Science", "adalovelace", "Ada Lovelace", [
            ("How did you get your first data science job?",
             "I joined a Kaggle competition, built a portfolio of three notebooks and sent it to every startup in town."),
            ("What should a beginner learn first?",
             "Beginners should learn SQL first and statistics second, because every interview tests both."),
        ], ("careers", "kaggle")),
        ("compilers-and-debugging", 1, 2, "Compilers and Debugging", "gracehopper", "Grace Hopper", [
            ("How do you debug a program nobody understands?",
             "I print everything, then I remove a moth from the relay, and then I write the bug report."),
            ("How long did your first compiler take?",
             "The first compiler took me three years of evenings and a lot of coffee."),
        ], ("compilers",)),
        ("feature-stores-in-production", 2, 1, "Feature Stores in Production", "adalovelace", "Ada Lovelace", [
            ("When does a team need a feature store?",
             "A feature store pays off once two models share features; before that, a table is enough."),
            ("How do you keep features fresh?",
             "We recompute the streaming features every single minute and the batch features every night."),
        ], ("mlops", "feature stores")),
    ]
    for slug, season, number, title, guest, name, exchanges, topics in episodes:
        path = folder / "_podcast" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(conversation_episode(slug, season, number, title, guest, name, exchanges, topics),
                        encoding="utf-8")
    return folder
