"""A knowledge folder written by an attacker: every string the bot may quote (titles,
chapters, speakers, guests, descriptions, transcript lines) carries Slack and Discord
markup, and the link fields try to smuggle links and URL parameters.

All three episodes talk about quokkas, so one question finds them; `QUESTION` finds
the first. Shared by the Slack and Discord tests, which check that whatever the bot
posts from it is inert and links only where the bot means to.
"""
from __future__ import annotations

from pathlib import Path

import yaml

EVIL = "https://evil.example/pwn"
VALID_ID = "quOKKa12345"
QUESTION = "Where do zanzibar quokkas sleep at night?"
CODES = ("s97e01", "s97e02", "s97e03")

# Markup each platform would act on, written into every field the bot shows.
MARKUP = (
    f"[[x]({EVIL}) [y](<{EVIL}>) <{EVIL}|official docs> "
    "<@123456789012345678> <@!123456789012345678> <@&123456789012345678> <#123456789012345678> "
    "@everyone @here <!channel> <!here> <@U12345> <#C12345> <!subteam^S123|@mods> "
    "||spoiler|| **bold** __under__ ~~strike~~ `code` <t:1700000000:R> </ask:123456789012345678>"
)


def _episode(number: int, youtube: str, links: dict) -> dict:
    return {
        "title": f"# Quokka night {number} {MARKUP}",
        "short": f"-# quokkas {number}",
        "season": 97, "episode": number,
        "guests": ["mallory", "trudy"],
        "ids": {"youtube": youtube},
        "links": links,
        "description": f"> 1. Quokka episode {MARKUP}",
        "transcript": [
            {"header": f"- Zanzibar quokkas {MARKUP}"},
            {"line": f"Zanzibar quokkas sleep at night in the bushes, I promise. {MARKUP}",
             "sec": 10 * number, "time": "0:10", "who": f"[Mal]({EVIL}) @everyone"},
            {"line": f"Quokkas also nap at noon, which is a lot of sleeping. {MARKUP}",
             "sec": 20 * number, "time": "0:20", "who": "Alexey"},
            {"header": f"# Night shift {MARKUP}"},
            {"line": f"At night quokkas forage for leaves and sleep again before dawn. {MARKUP}",
             "sec": 300 * number, "time": "5:00", "who": f"[Mal]({EVIL}) @everyone"},
        ],
    }


EPISODES = {
    # a valid id: every link must be exactly YouTube's, with v and t only
    "quokka-night-1": _episode(1, VALID_ID, {"youtube": "javascript:alert(1)"}),
    # link injection through the id: dropped, and no link at all (links.youtube is not http)
    "quokka-night-2": _episode(2, f"abc)[pwn]({EVIL}", {"youtube": "javascript:alert(1)"}),
    # parameter injection through the id; links.youtube smuggles a masked link after the URL
    "quokka-night-3": _episode(3, "x&list=evil", {"youtube": f"https://www.youtube.com/watch?v=abc)[pwn]({EVIL}"}),
}
GUESTS = {"mallory": {"title": f"Mallory {MARKUP}"},
          "trudy": {"title": "Trudy Quokkason", "description": f"# Trudy {MARKUP}"}}
PERSON_QUESTION = "Who is Trudy Quokkason?"    # a person card listing the episodes above


def write_hostile_archive(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for slug, front in EPISODES.items():
        text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n"
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    people = folder / "_people"
    people.mkdir(exist_ok=True)
    for person, front in GUESTS.items():
        (people / f"{person}.md").write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n",
                                             encoding="utf-8")
    return folder
