"""Links declared by knowledge files are checked at load: a bad id or URL is dropped with
one warning naming the file, and the document still loads."""
from __future__ import annotations

import logging

import pytest

from bot.retrieval.documents import EPISODE, Document
from bot.retrieval.loader import load_knowledge
from tests.fakes.knowledge import episode_text, write

EVIL = "https://evil.example"


def load_episode(tmp_path, ids: dict, links: dict | None = None):
    write(tmp_path, "ep.md", episode_text(extra={"ids": ids, **({"links": links} if links else {})}))
    return {d.document.doc_id: d.document for d in load_knowledge([tmp_path]).documents}["ep"]


@pytest.mark.parametrize("bad_id", [f"abc)[pwn]({EVIL}", "x&list=evil", "aHdaIwOEI8Q&list=evil", "short", "a b c"])
def test_an_invalid_video_id_is_dropped_with_a_warning_and_the_episode_loads_without_a_link(tmp_path, caplog, bad_id):
    with caplog.at_level(logging.WARNING, logger="bot"):
        doc = load_episode(tmp_path, {"youtube": bad_id})
    assert doc.youtube_id is None and doc.link_at(10) is None and doc.link_at(None) is None
    assert doc.title == "Test Episode"
    warnings = [r.getMessage() for r in caplog.records if "ids.youtube" in r.getMessage()]
    assert len(warnings) == 1 and "ep.md" in warnings[0] and "not a YouTube video id" in warnings[0]


def test_the_id_comes_from_links_youtube_when_ids_youtube_is_not_one(tmp_path, caplog):
    # As in the real archive: `ids.youtube: NfAJAr7FvyY&t`, links.youtube `...watch?v=NfAJAr7FvyY&t`.
    with caplog.at_level(logging.WARNING, logger="bot"):
        doc = load_episode(tmp_path, {"youtube": "NfAJAr7FvyY&t"},
                           {"youtube": "https://www.youtube.com/watch?v=NfAJAr7FvyY&t"})
    assert doc.link_at(65) == "https://www.youtube.com/watch?v=NfAJAr7FvyY&t=65s"
    assert any("dropped ids.youtube" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("link", ["javascript:alert(1)", f"https://www.youtube.com/watch?v=abc)[pwn]({EVIL}",
                                  f"{EVIL}/watch?v=aHdaIwOEI8Q"])
def test_links_youtube_that_is_not_a_youtube_video_gives_no_link(tmp_path, caplog, link):
    with caplog.at_level(logging.WARNING, logger="bot"):
        doc = load_episode(tmp_path, {}, {"youtube": link})
    assert doc.link_at(5) is None and doc.url is None
    assert any("links.youtube" in r.getMessage() and "ep.md" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("front, url", [
    ("url: javascript:alert(1)\nlink: https://ok.example/post", "https://ok.example/post"),
    ("source: LinkedIn", None),
    (f"url: 'https://ok.example/x)[pwn]({EVIL}'", "https://ok.example/x%29%5Bpwn%5D%28https://evil.example"),
    ("url: httpfoo", None),
])
def test_an_articles_url_is_the_first_http_link_among_its_url_fields(tmp_path, front, url):
    write(tmp_path, "post.md", f"---\ntitle: A post\n{front}\n---\nSome words about links.\n")
    doc = load_knowledge([tmp_path]).documents[0].document
    assert doc.url == url and doc.link_at(None) == url


def test_a_document_from_an_older_cache_still_gets_no_injected_link():
    doc = Document("ep", EPISODE, "T", youtube_id="x&list=evil", url=f"https://ok.example/)[pwn]({EVIL}")
    assert doc.link_at(5) == "https://ok.example/%29%5Bpwn%5D%28https://evil.example"
    assert Document("ep", EPISODE, "T", youtube_id="x&list=evil").link_at(5) is None
