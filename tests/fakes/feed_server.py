"""A podcast host on 127.0.0.1 for the feed sync tests: serves a feed and its files with
ETags (and 304 for If-None-Match), redirects, a file that never ends and a request that
hangs, and remembers every request it answered."""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape, quoteattr

ENDLESS_CHUNK = b"WEBVTT\n\n" + b"x" * (64 * 1024 - 8)
HANG_SECONDS = 10  # longer than any client timeout in the tests; the server gives up after it


@dataclass
class FeedServer:
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)   # path -> (body, content type)
    redirects: dict[str, str] = field(default_factory=dict)             # path -> Location
    endless: set[str] = field(default_factory=set)                      # paths that never end
    hanging: set[str] = field(default_factory=set)                      # paths that never answer
    requests: list[tuple[str, int]] = field(default_factory=list)       # (path, status) answered

    def start(self) -> "FeedServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                server._answer(self)

            def log_message(self, *args):  # quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def put(self, path: str, body: str | bytes, content_type: str = "text/plain") -> str:
        self.files[path] = (body.encode() if isinstance(body, str) else body, content_type)
        return self.url(path)

    def downloads(self) -> list[str]:
        """Paths answered with content (200), in order."""
        return [path for path, status in self.requests if status == 200]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        if path in self.hanging:
            time.sleep(HANG_SECONDS)
            return self._send(handler, path, 504)
        if path in self.redirects:
            return self._send(handler, path, 302, headers={"Location": self.redirects[path]})
        if path in self.endless:
            return self._stream(handler, path)
        if path not in self.files:
            return self._send(handler, path, 404, b"not here")
        body, kind = self.files[path]
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if handler.headers.get("If-None-Match") == etag:
            return self._send(handler, path, 304, headers={"ETag": etag})
        self._send(handler, path, 200, body, {"ETag": etag, "Content-Type": kind})

    def _send(self, handler, path: str, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.requests.append((path, status))
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if body:
            handler.wfile.write(body)

    def _stream(self, handler, path: str) -> None:
        """No Content-Length, and more than any limit: the client must stop reading itself."""
        self.requests.append((path, 200))
        handler.send_response(200)
        handler.send_header("Content-Type", "text/vtt")
        handler.end_headers()
        try:
            for _ in range(400):  # 25 MB at most, then the server gives up
                handler.wfile.write(ENDLESS_CHUNK)
        except OSError:
            pass  # the client hung up: what it should do


def rss(items: list[dict], title: str = "The Test Show") -> str:
    """A Podcasting 2.0 feed; each item: title, guid, date, season, episode, link, audio,
    transcripts [(url, type)], chapters, guests."""
    body = []
    for item in items:
        tags = [f"<title>{escape(item.get('title', ''))}</title>"]
        if item.get("guid"):
            tags.append(f'<guid isPermaLink="false">{escape(item["guid"])}</guid>')
        for name, tag in (("date", "pubDate"), ("link", "link"), ("season", "itunes:season"),
                          ("episode", "itunes:episode")):
            if item.get(name) is not None:
                tags.append(f"<{tag}>{escape(str(item[name]))}</{tag}>")
        if item.get("audio"):
            tags.append(f'<enclosure url={quoteattr(item["audio"])} type="audio/mpeg" length="1000"/>')
        tags += [f"<podcast:transcript url={quoteattr(url)} type={quoteattr(kind)}/>"
                 for url, kind in item.get("transcripts", ())]
        if item.get("chapters"):
            tags.append(f'<podcast:chapters url={quoteattr(item["chapters"])} type="application/json+chapters"/>')
        tags += [f'<podcast:person role="guest">{escape(g)}</podcast:person>' for g in item.get("guests", ())]
        tags.append('<podcast:person role="host">Hosting Harry</podcast:person>')
        body.append("<item>" + "".join(tags) + "</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
            'xmlns:podcast="https://podcastindex.org/namespace/1.0">'
            f"<channel><title>{escape(title)}</title><link>https://example.com/</link>"
            + "".join(body) + "</channel></rss>")
