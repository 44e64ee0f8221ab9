"""The neutral message model both chat adapters and the console speak.

An adapter turns a platform event into one `Invocation`, hands it to the core, and
renders the `Reply` it gets back. No platform types cross this line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# Reply kinds: what the renderer should draw.
ANSWER = "answer"          # a searched answer: `answer` + `alternatives`
PINNED = "pinned"          # a moderator-curated answer: `answer` (maybe text-only) + `pin`
NOT_FOUND = "not_found"    # nothing good enough: `suggestions` holds the closest episodes
EPISODE = "episode"        # one episode card: `episode`
EPISODES = "episodes"      # several candidate episodes: `suggestions`
PERSON = "person"          # who someone is and their episodes: `people`
INFO = "info"              # help, pin lists, confirmations: `text` says it all
REFUSED = "refused"        # permission denied or rate limited: short, private
ERROR = "error"            # bad input or a failure: short, private, maybe `error_ref`


# Invocation option: the id of the bot's answer a platform reply points at (a follow-up).
REPLY_TO_ANSWER = "reply_to_answer"


@dataclass(frozen=True)
class Invocation:
    platform: str                 # "slack", "discord", "console"
    user_id: str
    user_name: str
    channel_id: str
    command: str                  # a name from the command table
    text: str = ""                # what the user typed after the command
    thread_id: str | None = None  # thread or conversation the reply belongs to
    is_moderator: bool = False    # decided by the adapter from platform roles/settings
    options: Mapping[str, str] = field(default_factory=dict)  # structured input from UI (e.g. answer_id)

    @property
    def conversation(self) -> tuple[str, str, str]:
        """Where 'the bot's previous answer' to this user is looked up (with `user_id`)."""
        return (self.platform, self.channel_id, self.thread_id or "")


@dataclass(frozen=True)
class Moment:
    """What a reply quotes, what a pin answers with and what the answer log keeps: an
    utterance span of an episode, an article paragraph, or a moderator's note (no
    document). A snapshot: it still reads well if the episode leaves the knowledge."""

    text: str
    speaker: str | None = None
    doc_id: str | None = None     # None: a moderator's note with a link
    title: str | None = None
    code: str | None = None       # "s17e07"
    chapter: str | None = None
    start: int | None = None      # seconds; None for articles and notes
    url: str | None = None        # starts playing at `start`
    released: str | None = None   # ISO date of the episode/article

    @property
    def from_document(self) -> bool:
        return self.doc_id is not None


@dataclass(frozen=True)
class ChapterLink:
    title: str
    start: int | None
    url: str | None


@dataclass(frozen=True)
class EpisodeCard:
    doc_id: str
    title: str
    code: str | None
    guests: tuple[str, ...]
    released: str | None
    url: str | None
    description: str
    chapters: tuple[ChapterLink, ...] = ()


@dataclass(frozen=True)
class PersonCard:
    name: str
    description: str              # from `_people/`, when the archive has an entry
    role: str                     # "guest" or "host"
    episodes: tuple[EpisodeCard, ...]  # newest first, at most a few
    episode_count: int            # all of them
    hosted: int = 0               # episodes they host, when they also host

    @property
    def episodes_heading(self) -> str:
        """"Guest of 4 episodes (host of 178)", "Host of 178 episodes; the newest"."""
        def count(n: int) -> str:
            return f"{n} episode{'s' if n != 1 else ''}"
        if self.role == "host":
            return f"Host of {count(self.episode_count)}; the newest"
        return f"Guest of {count(self.episode_count)}" + (f" (host of {self.hosted})" if self.hosted else "")


@dataclass(frozen=True)
class PinInfo:
    pin_id: int
    question: str
    pinned_by: str
    pinned_at: str                # ISO timestamp, UTC


@dataclass(frozen=True)
class Reply:
    kind: str
    text: str                     # complete plain-text rendering: fallback and console output
    answer: Moment | None = None
    alternatives: tuple[Moment, ...] = ()
    episode: EpisodeCard | None = None
    suggestions: tuple[EpisodeCard, ...] = ()   # NOT_FOUND, EPISODES; beside an ANSWER: episodes on the topic
    people: tuple[PersonCard, ...] = ()
    pin: PinInfo | None = None
    ephemeral: bool = False       # only the asker sees it
    answer_id: str | None = None  # for feedback buttons and "pin this answer"
    notes: tuple[str, ...] = ()   # e.g. "This advice is from 2021, more than three years ago."
    error_ref: str | None = None
