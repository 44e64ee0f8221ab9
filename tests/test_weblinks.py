"""The one rule for links the bot posts (bot/weblinks.py): pure, no fakes."""
from __future__ import annotations

import pytest

from bot.weblinks import is_youtube_id, media_link, play_verb, web_url, youtube_link, youtube_video_id

EVIL = "https://evil.example"


@pytest.mark.parametrize("value", ["aHdaIwOEI8Q", "a-b_c-d_e-f", "00000000000"])
def test_youtube_ids_are_eleven_url_safe_characters(value):
    assert is_youtube_id(value)


@pytest.mark.parametrize("value", ["", "abc", "aHdaIwOEI8Qx", "x&list=evil", f"abc)[pwn]({EVIL}", "aHdaIwOEI8 ",
                                   "aHdaIwOEI8Ä", "aHdaIwOEI8\n", None, 12345678901, ["aHdaIwOEI8Q"]])
def test_anything_else_is_not_an_id_and_builds_no_link(value):
    assert not is_youtube_id(value)
    assert youtube_link(value, 5) is None


def test_youtube_links_are_built_with_v_and_t_only():
    assert youtube_link("aHdaIwOEI8Q", 1585) == "https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=1585s"
    assert youtube_link("aHdaIwOEI8Q") == "https://www.youtube.com/watch?v=aHdaIwOEI8Q"


@pytest.mark.parametrize("url, video", [
    ("https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=5", "aHdaIwOEI8Q"),
    ("https://youtube.com/watch?v=NfAJAr7FvyY&t", "NfAJAr7FvyY"),
    ("https://youtu.be/aHdaIwOEI8Q?t=90", "aHdaIwOEI8Q"),
    ("https://www.youtube.com/shorts/aHdaIwOEI8Q", "aHdaIwOEI8Q"),
    ("https://www.youtube.com/watch?v=abc)[pwn](https://evil.example", None),
    ("https://www.youtube.com/watch?v=x&list=evil", None),
    ("https://youtube.com.evil.example/watch?v=aHdaIwOEI8Q", None),
    ("https://evil.example/watch?v=aHdaIwOEI8Q", None),
    ("not a url", None),
])
def test_the_video_a_youtube_link_points_at(url, video):
    assert youtube_video_id(url) == video


@pytest.mark.parametrize("value, url", [
    ("https://omdena.com/projects/#our_challenges", "https://omdena.com/projects/#our_challenges"),
    ("HTTPS://Example.COM/a?b=1&c=2", "https://example.com/a?b=1&c=2"),
    ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_%28bar%29"),
    (f"https://ok.example/x)[pwn]({EVIL}", "https://ok.example/x%29%5Bpwn%5D%28https://evil.example"),
    ("https://ok.example/a|b>c<d", "https://ok.example/a%7Cb%3Ec%3Cd"),
    ("https://ok.example/?q=`x`\\\"'", "https://ok.example/?q=%60x%60%5C%22%27"),
    ("https://bücher.example/ä", "https://xn--bcher-kva.example/%C3%A4"),
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ("https://ok.example/%41%20", "https://ok.example/%41%20"),
])
def test_web_links_come_out_as_one_link_with_markup_characters_encoded(value, url):
    assert web_url(value) == url
    assert web_url(url) == url            # idempotent: checking twice changes nothing


@pytest.mark.parametrize("value", [
    "javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://ok.example/", "//ok.example/", "ok.example",
    "https://", "https://user:secret@ok.example/", "https://youtube.com@evil.example/", "https://ok.example\\@evil.example",
    "https://ok .example/", "https://ok.example/a b", "https://ok.example/\n[x](https://evil.example)",
    "https://ok.example>/", "http://[::1", "http://ok.example:99999/", "https://" + "a" * 3000 + ".example",
    None, 42, "",
])
def test_anything_that_is_not_a_plain_http_link_is_refused(value):
    assert web_url(value) is None


@pytest.mark.parametrize("url, sec, link", [
    ("https://cdn.example.com/ep1.mp3", 83, "https://cdn.example.com/ep1.mp3#t=83"),
    ("https://cdn.example.com/ep1.mp3#t=10", 83, "https://cdn.example.com/ep1.mp3#t=83"),  # its own fragment replaced
    ("https://cdn.example.com/ep1.mp3?x=1", None, "https://cdn.example.com/ep1.mp3?x=1"),
    ("https://cdn.example.com/ep(1).mp3", 5, "https://cdn.example.com/ep%281%29.mp3#t=5"),
    ("javascript:alert(1)//x.mp3", 5, None),
    ("file:///etc/passwd", 5, None),
    (None, 5, None),
])
def test_audio_links_start_playing_with_a_media_fragment(url, sec, link):
    assert media_link(url, sec) == link


@pytest.mark.parametrize("url, verb", [
    ("https://www.youtube.com/watch?v=aHdaIwOEI8Q&t=1519s", "watch"),
    ("https://cdn.example.com/ep1.mp3#t=83", "listen"),
    ("https://www.youtube.com/watch?v=aHdaIwOEI8Q", None),   # no time in it
    ("https://example.com/episodes/1", None),                 # a web page: the time is said in words
    (None, None),
])
def test_a_link_says_whether_it_starts_at_the_moment(url, verb):
    assert play_verb(url) == verb
