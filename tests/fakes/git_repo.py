"""A local git repository standing in for the community website's archive."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.fakes.knowledge import numbered_episode_text as episode_text

_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=_ENV, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def checkout_files(folder: Path) -> dict[str, bytes]:
    """Every file of a checkout but its .git, by path: to tell that a sync changed nothing."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(folder).parts}


class ArchiveRepo:
    """`_podcast/` episodes, `_people/` guests, `_posts/` articles, plus noise outside them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main")
        self.write("_people/someguest.md", "---\ntitle: Sara El-Ateif\n---\n")
        self.write("README.md", "# The website\n\nNot knowledge.\n")
        self.write("_layouts/page.md", "---\ntitle: layout\n---\nlayout noise about Omdena\n")

    def write(self, relative: str, text: str) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def add_episode(self, slug: str, season: int, episode: int, lines: list[str]) -> None:
        self.write(f"_podcast/{slug}.md", episode_text(slug, season, episode, lines))

    def commit(self, message: str = "update") -> str:
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "-m", message)
        return git(self.path, "rev-parse", "HEAD")

    def rewrite_last_commit(self) -> str:
        self.write("_podcast/rewritten.md", episode_text("rewritten", 1, 1, ["history was rewritten"]))
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--amend", "-m", "rewritten")
        return git(self.path, "rev-parse", "HEAD")
