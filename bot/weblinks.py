"""The links the bot posts: built with urllib.parse and checked by one rule, here.

Whatever ends up inside a chat link came from a knowledge file, a pin or a member, so it
is treated as hostile. A URL is kept only when it is http(s) with a host and no
credentials; every character that could end or reshape a link in Slack's `<url|label>`
or Discord's `[label](url)` / `<url>` (spaces, quotes, brackets, parentheses, pipes,
angle brackets, backslashes) is percent-encoded, so the result is always one link to
the place it names. A YouTube video id is 11 characters of [A-Za-z0-9_-], nothing else.
An episode without a video links to its audio file with a W3C media fragment (`#t=83`),
which browsers' players start from; a web page gets no time, so replies say it in words.
"""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

MAX_URL_CHARS = 2048          # Discord refuses longer embed URLs; no real link is that long
YOUTUBE_WATCH = "https://www.youtube.com/watch"
YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be"})

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")
# RFC 3986 characters that are safe inside every link syntax we write; anything else is
# percent-encoded (`%` is kept so an already-encoded URL stays as it was).
_KEEP = "/:@!$&*+,;=-._~%"


def is_youtube_id(value: object) -> bool:
    return isinstance(value, str) and _YOUTUBE_ID.fullmatch(value) is not None


def youtube_link(video_id: str | None, sec: int | None = None) -> str | None:
    """The watch URL that starts playing at `sec`; None when `video_id` is not an id."""
    if not is_youtube_id(video_id):
        return None
    params = {"v": video_id}
    if sec is not None and int(sec) >= 0:
        params["t"] = f"{int(sec)}s"
    return f"{YOUTUBE_WATCH}?{urlencode(params)}"


def media_link(url: str | None, sec: int | None = None) -> str | None:
    """An audio or video file's URL that starts playing at `sec` (`#t=SECONDS`, replacing
    any fragment it had); None when `url` is not a safe web link."""
    safe = web_url(url)
    if safe is None:
        return None
    base = safe.split("#", 1)[0]
    return f"{base}#t={int(sec)}" if sec is not None and int(sec) >= 0 else base


def play_verb(url: str | None) -> str | None:
    """What following `url` does at the moment it names: "watch" for a YouTube link with a
    time, "listen" for a media fragment; None when the link does not start at a time (a web
    page, no link), so a reply says the time in words beside it ("at 23:41")."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if (parts.hostname or "") in YOUTUBE_HOSTS and "t" in parse_qs(parts.query):
        return "watch"
    if parts.fragment.startswith("t="):
        return "listen"
    return None


def is_youtube_url(url: str) -> bool:
    try:
        return (urlsplit(url).hostname or "") in YOUTUBE_HOSTS
    except ValueError:
        return False


def youtube_video_id(url: str) -> str | None:
    """The video a YouTube link points at (watch?v=, youtu.be/ID, /shorts/, /live/, /embed/),
    when that is a valid id; anything else in the link is not kept."""
    if not is_youtube_url(url):
        return None
    parts = urlsplit(url)
    path = parts.path.split("/")
    if parts.hostname == "youtu.be":
        video_id = path[1] if len(path) > 1 else ""
    elif len(path) > 2 and path[1] in ("shorts", "live", "embed"):
        video_id = path[2]
    else:
        video_id = (parse_qs(parts.query).get("v") or [""])[0]
    return video_id if is_youtube_id(video_id) else None


def web_url(value: object) -> str | None:
    """`value` as a safe http(s) link, or None when it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_URL_CHARS or any(_is_space_or_control(c) for c in text):
        return None
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port      # .port raises on a port that isn't one
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or "@" in parts.netloc:
        return None   # user:password@host can disguise the real host, and leaks credentials
    netloc = _ascii_host(host)
    if netloc is None:
        return None
    if port is not None:
        netloc += f":{port}"
    url = urlunsplit((parts.scheme.lower(), netloc, quote(parts.path, safe=_KEEP),
                      quote(parts.query, safe=_KEEP + "?"), quote(parts.fragment, safe=_KEEP + "?")))
    return url if len(url) <= MAX_URL_CHARS else None


def _ascii_host(host: str) -> str | None:
    """The host as it goes on the wire: IDNA for names, brackets for IPv6; None if invalid."""
    try:
        address = ipaddress.ip_address(host)
        return f"[{host}]" if address.version == 6 else host
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    return ascii_host if _HOST.fullmatch(ascii_host) else None


def _is_space_or_control(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cc"
