"""Reading a feed in a child process that may take at most PARSE_SECONDS and PARSE_MEMORY.

feedparser falls back to a forgiving parser for XML that isn't well-formed, and that parser
spent over a minute on 5 MB of hostile markup (8 s on 1.4 MB of nesting); a thread can't be
stopped, a child can. The child is `python -m bot.ops.feed_child BASE_URL`: the feed's bytes
on standard input, its episodes as JSON on standard output.
"""
from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict

from bot.ops.feed_entries import FeedEpisode, FeedError, SkippedEntry, read_feed

PARSE_SECONDS = 120                  # a well-formed 20 MB feed of 5000 episodes: ~16 s on 2 cores
PARSE_MEMORY = 2 * 1024 ** 3


async def read_feed_apart(data: bytes, base_url: str,
                          seconds: float = PARSE_SECONDS) -> tuple[list[FeedEpisode], list[SkippedEntry]]:
    """`read_feed` in a child process bounded in time and memory; FeedError as it would raise."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.ops.feed_child", base_url, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(child.communicate(data), seconds)
    except asyncio.TimeoutError:
        child.kill()
        await child.wait()
        raise FeedError(f"reading the feed took longer than {seconds:g} s; refused") from None
    try:
        answer = json.loads(out)
    except ValueError:
        last = (err.decode(errors="replace").strip().splitlines() or ["no answer"])[-1]
        raise FeedError(f"reading the feed failed ({last[:120]})") from None
    if answer.get("error"):
        raise FeedError(answer["error"])
    episodes = [FeedEpisode(**{**e, "transcript": tuple(e["transcript"]) if e["transcript"] else None,
                               "guests": tuple(e["guests"])}) for e in answer["episodes"]]
    return episodes, [SkippedEntry(**s) for s in answer["skipped"]]


def _main() -> None:
    """The child: the feed's bytes on standard input, its episodes as JSON on standard output."""
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (PARSE_MEMORY, PARSE_MEMORY))
    except (ValueError, OSError):  # a lower hard limit is already in force: keep it
        pass
    try:
        episodes, skipped = read_feed(sys.stdin.buffer.read(), sys.argv[1])
        answer = {"episodes": [asdict(e) for e in episodes], "skipped": [asdict(s) for s in skipped]}
    except FeedError as exc:
        answer = {"error": str(exc)}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _main()
