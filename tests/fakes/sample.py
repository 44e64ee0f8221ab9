"""The shipped sample knowledge, and builders of the core's inputs, for tests."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.models import Invocation

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
EPISODE_ID = "open-source-and-volunteering-in-ai-for-data-ml-career-growth"
ARTICLE_ID = "my-experience-with-omdena"
YOUTUBE_ID = "aHdaIwOEI8Q"


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class SecondsClock:
    """time.time() as tests move it by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def invocation(command: str, text: str = "", *, user: str = "u1", moderator: bool = False,
               channel: str = "c1", thread: str | None = None, **options) -> Invocation:
    return Invocation(platform="test", user_id=user, user_name=f"name-{user}", channel_id=channel,
                      command=command, text=text, thread_id=thread, is_moderator=moderator, options=options)
