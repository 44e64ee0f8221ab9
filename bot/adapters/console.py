"""The terminal adapter: try the bot locally, or drive it from a pipe.

A line starting with `/` is a command as typed in chat (`/ask ...`, `/pin ...`); any
other line is a question. `/helpful` and `/unhelpful` rate the last answer; `/quit`
or end of input stops. Output is each reply's plain text, then a blank line.

Input is read as UTF-8 whatever the locale says; bytes that are not UTF-8 arrive at the
core as lone surrogates, which it refuses with a short reply like any unreadable chat
message. Output goes through `printable`, so archive text never drives the terminal.
"""
from __future__ import annotations

import sys
from typing import Iterable, Iterator, TextIO

from bot.models import Invocation, Reply
from bot.printable import printable_stream

PLATFORM = "console"
FEEDBACK = {"helpful": True, "unhelpful": False}


def parse_line(line: str) -> tuple[str, str] | None:
    """(command, text) for a typed line; None for a blank one."""
    line = line.strip()
    if not line:
        return None
    if not line.startswith("/"):
        return "ask", line
    name, _, rest = line[1:].partition(" ")
    return name.lower(), rest.strip()


class ConsoleSession:
    def __init__(self, core, user: str = "you", moderator: bool = False, out: TextIO = sys.stdout) -> None:
        self.core = core
        self.user = user
        self.moderator = moderator
        self.out = out
        self.last_answer_id: str | None = None  # of the last reply to a question; None if it quoted nothing
        self.asked = False

    def run(self, lines: Iterable[str], prompt: bool = False) -> None:
        self._prompt(prompt)
        for line in lines:
            parsed = parse_line(line)
            if parsed and parsed[0] in ("quit", "exit"):
                return
            if parsed:
                self._show(self.handle(*parsed))
            self._prompt(prompt)

    def handle(self, name: str, text: str) -> Reply:
        if name in FEEDBACK:
            if not self.last_answer_id:
                why = "My last reply quoted no answer" if self.asked else "I haven't answered a question yet"
                return Reply(kind="error", text=f"{why}, so there is nothing to rate.", ephemeral=True)
            return self.core.feedback(PLATFORM, self.user, self.last_answer_id, FEEDBACK[name])
        reply = self.core.handle(Invocation(
            platform=PLATFORM, user_id=self.user, user_name=self.user, channel_id="console",
            command=name, text=text, is_moderator=self.moderator))
        if name == "ask" and reply.kind not in ("error", "refused"):
            self.asked, self.last_answer_id = True, reply.answer_id
        return reply

    def _show(self, reply: Reply) -> None:
        print(reply.text, file=self.out)
        if reply.answer_id:
            pin_hint = ", /pin last" if self.moderator else ""
            print(f"(answer {reply.answer_id}: /helpful, /unhelpful{pin_hint})", file=self.out)
        print(file=self.out, flush=True)

    def _prompt(self, enabled: bool) -> None:
        if enabled:
            print("> ", end="", file=self.out, flush=True)


def run_console(core, user: str, moderator: bool, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    interactive = stdin.isatty()
    out = printable_stream(out)
    if interactive:
        role = "moderator" if moderator else "member"
        print(f"Podcast bot console as {user} ({role}). Type a question, /help, or /quit.", file=out)
    ConsoleSession(core, user, moderator, out).run(utf8_lines(stdin), prompt=interactive)
    return 0


def utf8_lines(stdin: TextIO) -> Iterator[str]:
    """The input's lines decoded as UTF-8, invalid bytes kept as lone surrogates
    (`surrogateescape`): one bad line gets a reply, not the end of the session."""
    source = getattr(stdin, "buffer", None)
    if source is None:  # already text (a StringIO)
        yield from stdin
        return
    for raw in source:
        yield raw.decode("utf-8", errors="surrogateescape")
