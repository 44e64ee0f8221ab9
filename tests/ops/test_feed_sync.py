"""A podcast feed as the archive, against a podcast host on 127.0.0.1: the first sync
stores every episode, a later one exactly what is new or changed, an unchanged feed costs
one request; hostile entries are skipped with a reason and never reach outside."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.app import wiring
from bot.app.cli import main
from bot.app.settings import Settings
from bot.knowledge_handle import KnowledgeHandle
from bot.ops.archives import FEED, archive_root, read_archives
from bot.ops.feed_child import read_feed_apart
from bot.ops.feed_entries import FeedError
from bot.ops.feed_http import FeedClient
from bot.ops.feed_store import STATE_FILE
from bot.ops.feed_sync import name_from_feed, sync_feed
from bot.ops.git_command import SyncError
from bot.ops.live_knowledge import start_live_knowledge
from bot.retrieval.cached_index import open_index
from bot.retrieval.search import Searcher

from tests.fakes.feed_server import FeedServer, rss
from tests.fakes.transcripts import (SOURDOUGH_SRT, TELESCOPE_CHAPTERS, TELESCOPE_JSON, VOICE_VTT)

NAME = "show"


class Recorder:
    """An announcement channel: the replies posted to it."""

    def __init__(self):
        self.replies = []

    async def __call__(self, reply):
        self.replies.append(reply)


@pytest.fixture
def host():
    server = FeedServer().start()
    yield server
    server.stop()


def episode(host: FeedServer, number: int, transcript: tuple[str, str, str], **extra) -> dict:
    """An item whose transcript (path, body, type) the host serves."""
    path, body, kind = transcript
    return {"title": f"Episode {number}", "guid": f"guid-{number}", "season": 1, "episode": number,
            "date": f"Tue, 0{number} Apr 2024 10:00:00 GMT", "link": f"https://show.example/{number}",
            "audio": f"https://cdn.show.example/{number}.mp3",
            "transcripts": [(host.put(path, body, kind), kind)], **extra}


def publish(host: FeedServer, items: list[dict]) -> str:
    return host.put("/feed.xml", rss(items), "application/rss+xml")


def two_episodes(host: FeedServer) -> list[dict]:
    chapters = host.put("/1.chapters.json", TELESCOPE_CHAPTERS, "application/json")
    return [episode(host, 1, ("/1.json", TELESCOPE_JSON, "application/json"), chapters=chapters, guests=["Priya Raman"]),
            episode(host, 2, ("/2.vtt", VOICE_VTT, "text/vtt"))]


def sync(host: FeedServer, data_dir: Path, **options):
    return sync_feed(data_dir, host.url("/feed.xml"), NAME, **options)


def top(data_dir: Path, question: str):
    return Searcher(open_index([archive_root(data_dir, NAME)], None).index).search(question, 1).hits[0]


def test_two_episodes_then_a_third_then_nothing_new(host, data_dir):
    items = two_episodes(host)
    publish(host, items)
    first = sync(host, data_dir)
    assert first.action == "created" and first.skipped == ()
    assert sorted(first.downloaded) == ["s01e01-episode-1.chapters.json", "s01e01-episode-1.json",
                                        "s01e02-episode-2.vtt"]
    [record] = read_archives(data_dir)
    assert (record.kind, record.repo, record.name) == (FEED, host.url("/feed.xml"), NAME)
    mirror = top(data_dir, "grinding a parabolic mirror carborundum")
    assert (mirror.document.doc_id, mirror.start, mirror.passage.section) == ("s01e01-episode-1", 300, "Mirrors")
    assert mirror.url == "https://cdn.show.example/1.mp3#t=300" and mirror.document.guests == ("Priya Raman",)
    assert top(data_dir, "rooftop hive smoker flea market").start == 83

    host.requests.clear()
    items.append(episode(host, 3, ("/3.srt", SOURDOUGH_SRT, "application/x-subrip")))
    publish(host, items)
    second = sync(host, data_dir)
    assert second.action == "updated" and second.downloaded == ("s01e03-episode-3.srt",)
    assert second.change.added == ("s01e03-episode-3",) and second.change.changed == second.change.dropped == ()
    assert host.downloads() == ["/feed.xml", "/3.srt"]  # the others were asked "changed?" and were not
    assert top(data_dir, "sourdough starter flour water").document.code == "s01e03"

    host.requests.clear()
    third = sync(host, data_dir)
    assert third.action == "unchanged" and third.downloaded == () and third.change is None
    assert host.requests == [("/feed.xml", 304)]


def test_a_changed_transcript_is_fetched_again_and_a_broken_one_keeps_the_stored(host, data_dir):
    items = two_episodes(host)
    publish(host, items)
    sync(host, data_dir)
    host.put("/2.vtt", VOICE_VTT.replace("flea market", "car boot sale"), "text/vtt")
    host.put("/feed.xml", rss(items) + "\n", "application/rss+xml")  # a new build of the same feed
    changed = sync(host, data_dir)
    assert changed.downloaded == ("s01e02-episode-2.vtt",) and changed.change.changed == ("s01e02-episode-2",)
    assert "car boot sale" in top(data_dir, "car boot sale").passage.text

    host.put("/2.vtt", "<html>maintenance</html>", "text/vtt")
    host.put("/feed.xml", rss(items) + "\n\n", "application/rss+xml")
    kept = sync(host, data_dir)
    assert kept.action == "unchanged" and [s.reason for s in kept.skipped] == [
        f"kept the stored s01e02-episode-2.vtt: {host.url('/2.vtt')}: no cue with text in the transcript"]
    assert "car boot sale" in top(data_dir, "car boot sale").passage.text


def test_an_episode_that_leaves_the_feed_stays_in_the_archive(host, data_dir):
    items = two_episodes(host)
    publish(host, items)
    sync(host, data_dir)
    publish(host, items[1:])  # feeds often list only the latest episodes
    outcome = sync(host, data_dir)
    assert outcome.action == "unchanged" and top(data_dir, "parabolic mirror").document.doc_id == "s01e01-episode-1"


def test_hostile_entries_are_skipped_with_a_reason_and_nothing_leaves_the_folder(host, data_dir, tmp_path):
    other = FeedServer().start()  # another service on this machine: not the feed's host
    try:
        other.put("/secret.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nthe secret of the other service\n", "text/vtt")
        host.redirects["/to-file.vtt"] = "file:///etc/passwd"
        host.redirects["/to-other.vtt"] = other.url("/secret.vtt")
        host.redirects["/loop.vtt"] = "/loop.vtt"
        host.endless.add("/endless.vtt")
        host.put("/page.vtt", "<html><body>Not a transcript</body></html>", "text/vtt")
        good = episode(host, 1, ("/1.vtt", VOICE_VTT, "text/vtt"))
        sneaky = episode(host, 2, ("/2.srt", SOURDOUGH_SRT, "application/x-subrip"),
                         title="../../../../etc/passwd .env", season=None, episode=None)
        hostile = {
            "file link": "file:///etc/passwd", "script": "javascript:alert(1)", "redirect to a file": "/to-file.vtt",
            "another local service": other.url("/secret.vtt"), "redirect to it": "/to-other.vtt",
            "redirect loop": "/loop.vtt", "missing": "/404.vtt", "endless": "/endless.vtt", "a web page": "/page.vtt",
        }
        items = [good, sneaky] + [
            {"title": title, "guid": title, "transcripts": [(host.url(url) if url.startswith("/") else url, "text/vtt")]}
            for title, url in hostile.items()] + [{"title": "no id at all", "transcripts": [("/1.vtt", "text/vtt")]}]
        publish(host, items)
        outcome = sync(host, data_dir)
    finally:
        other.stop()
    reasons = {s.entry: s.reason for s in outcome.skipped}
    assert reasons == {
        "“file link”": "no podcast:transcript: not an http(s) link: file:///etc/passwd",
        "“script”": "no podcast:transcript: not an http(s) link: javascript:alert(1)",
        "“redirect to a file”": f"{host.url('/to-file.vtt')}: not an http(s) link (file scheme)",
        "“another local service”": f"{other.url('/secret.vtt')}: 127.0.0.1 is a private or local address "
                                   "(127.0.0.1), not the feed's own host",
        "“redirect to it”": f"{host.url('/to-other.vtt')}: 127.0.0.1 is a private or local address (127.0.0.1), "
                            "not the feed's own host",
        "“redirect loop”": f"{host.url('/loop.vtt')}: more than 5 redirects",
        "“missing”": f"{host.url('/404.vtt')}: HTTP 404",
        "“endless”": f"{host.url('/endless.vtt')}: larger than 5 MB",
        "“a web page”": f"{host.url('/page.vtt')}: no cue with text in the transcript",
        "“no id at all”": "no guid, link or enclosure to know the episode by",
    }
    assert other.requests == []
    root = archive_root(data_dir, NAME)
    assert sorted(p.name for p in root.iterdir()) == [
        STATE_FILE, "etc-passwd-env.srt", "etc-passwd-env.yaml", "s01e01-episode-1.vtt", "s01e01-episode-1.yaml"]
    assert sorted(p.name for p in (data_dir / "archive").iterdir()) == [".sync.lock", NAME]


@pytest.mark.parametrize("feed, why", [
    ("<html><body>A podcast website, not its feed</body></html>", "not a feed with episodes"),
    ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
     "<rss><channel><item><title>&b;</title></item></channel></rss>", "the feed declares XML entities; refused"),
])
def test_a_feed_that_cannot_be_read_changes_nothing(feed, why, host, data_dir):
    publish(host, two_episodes(host))
    sync(host, data_dir)
    before, record = sorted(p.name for p in archive_root(data_dir, NAME).iterdir()), read_archives(data_dir)
    host.put("/feed.xml", feed, "text/html")
    with pytest.raises(SyncError, match=why):
        sync(host, data_dir)
    assert sorted(p.name for p in archive_root(data_dir, NAME).iterdir()) == before
    assert read_archives(data_dir) == record


@pytest.mark.parametrize("url, why", [
    ("file:///etc/passwd", r"not an http\(s\) link \(file scheme\)"),
    ("https://user:secret@feeds.example.com/rss", "a link with a user name or password in it"),
    ("http://127.0.0.1:9/feed.xml", "Connect call failed|Cannot connect"),
])
def test_a_feed_url_that_is_no_feed_is_refused_before_anything_is_written(url, why, data_dir):
    with pytest.raises(SyncError, match=why):
        sync_feed(data_dir, url, NAME)
    assert read_archives(data_dir) == [] and not archive_root(data_dir, NAME).exists()


def test_a_request_that_never_answers_is_cut_off_and_the_rest_is_stored(host, data_dir):
    host.hanging.add("/slow.vtt")
    publish(host, [episode(host, 1, ("/1.vtt", VOICE_VTT, "text/vtt")),
                   {"title": "Slow", "guid": "slow", "transcripts": [(host.url("/slow.vtt"), "text/vtt")]}])
    outcome = sync(host, data_dir, client=lambda url: FeedClient(url, request_seconds=1))
    assert [(s.entry, s.reason) for s in outcome.skipped] == [
        ("“Slow”", f"{host.url('/slow.vtt')}: no complete answer in time")]
    assert top(data_dir, "rooftop hive").document.doc_id == "s01e01-episode-1"


def test_a_tampered_state_file_is_ignored_and_everything_fetched_again(host, data_dir):
    publish(host, two_episodes(host))
    sync(host, data_dir)
    state = archive_root(data_dir, NAME) / STATE_FILE
    data = json.loads(state.read_text())
    data["episodes"]["guid-1"]["stem"] = "../../escaped"
    state.write_text(json.dumps(data))
    outcome = sync(host, data_dir)
    assert len(outcome.downloaded) == 3 and outcome.action == "unchanged"  # the same files again
    assert not (data_dir / "escaped.json").exists()


def test_the_feed_name_comes_from_its_url_and_a_git_archive_name_is_not_taken_over(data_dir):
    assert name_from_feed("https://www.feeds.example.com/podcast/rss.xml?token=s3cret") == "feeds.example.com-podcast-rss"
    (data_dir).mkdir()
    (data_dir / "archives.json").write_text(json.dumps({"archives": [
        {"name": NAME, "repo": "https://github.com/x/y", "branch": "main", "paths": [], "commit": "abc"}]}))
    with pytest.raises(SyncError, match="is a git archive"):
        sync_feed(data_dir, "https://feeds.example.com/rss", NAME)


async def test_live_reload_and_announcements_pick_up_a_synced_episode(host, data_dir, tmp_path):
    items = two_episodes(host)
    publish(host, items)
    await asyncio.to_thread(sync, host, data_dir)
    (tmp_path / "nothing-else").mkdir()  # the feed is the only archive: its episodes are the news
    settings = Settings.from_env({"BOT_SEMANTIC": "0", "BOT_DATA_DIR": str(data_dir), "BOT_KNOWLEDGE": str(tmp_path / "nothing-else"),
                                  "BOT_RELOAD_SECONDS": "0"})
    handle = KnowledgeHandle(Searcher(wiring.open_index(settings).index))
    slack = Recorder()
    live = await start_live_knowledge(wiring.knowledge_sources(settings), settings.cache_dir, handle,
                                      {"slack": slack}, settings.reload_seconds, wiring.open_database(settings))
    items.append(episode(host, 3, ("/3.srt", SOURDOUGH_SRT, "application/x-subrip")))
    publish(host, items)
    await asyncio.to_thread(sync, host, data_dir)
    index = await asyncio.to_thread(live.watcher.check_once)
    await live.announcer.on_swap(index)
    [reply] = slack.replies
    assert reply.episode.code == "s01e03" and reply.episode.url == "https://show.example/3"
    assert handle.searcher.search("sourdough starter flour", 1).hits[0].document.doc_id == "s01e03-episode-3"
    await live.stop()


def test_the_command_line_syncs_a_feed_and_then_every_recorded_one(host, data_dir, monkeypatch, capsys):
    publish(host, two_episodes(host) + [{"title": "Broken", "guid": "b", "transcripts": [("/nope.vtt", "text/vtt")]}])
    monkeypatch.setenv("BOT_DATA_DIR", str(data_dir))
    quiet = {"dotenv": None, "setup_logging": lambda **_: None}
    assert main(["sync", "--feed", host.url("/feed.xml?token=s3cret"), "--name", NAME], **quiet) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{NAME}: created from {host.url('/feed.xml')}, 3 file(s) downloaded: 2 added")
    assert "skipped “Broken”: " in out and "s3cret" not in out
    assert main(["sync"], **quiet) == 0
    assert capsys.readouterr().out == f"{NAME}: unchanged from {host.url('/feed.xml')}, 0 file(s) downloaded\n" \
        "  skipped “Broken”: " + f"{host.url('/nope.vtt')}: HTTP 404\n"


def test_a_feed_larger_than_the_limit_is_refused(host, data_dir):
    host.endless.add("/feed.xml")
    with pytest.raises(SyncError, match="larger than 20 MB"):
        sync(host, data_dir)
    assert read_archives(data_dir) == []


async def test_reading_a_feed_is_cut_off_when_it_takes_too_long():
    broken = b"<rss><channel>" + b"<item><title>t<b>" * 300_000  # minutes in feedparser's loose parser
    with pytest.raises(FeedError, match="reading the feed took longer than 1 s; refused"):
        await read_feed_apart(broken, "https://feeds.example.com/rss", seconds=1)


def test_a_host_name_that_resolves_to_this_machine_is_refused_unless_it_is_the_feeds(host, data_dir):
    publish(host, [episode(host, 1, ("/1.vtt", VOICE_VTT, "text/vtt")),
                   {"title": "By name", "guid": "n", "transcripts": [(f"http://localhost:{host.port}/1.vtt", "text/vtt")]}])
    outcome = sync(host, data_dir)
    assert [(s.entry, s.reason) for s in outcome.skipped] == [
        ("“By name”", f"http://localhost:{host.port}/1.vtt: localhost is a private or local address (127.0.0.1), "
                      "not the feed's own host")]
