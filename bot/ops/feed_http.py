"""Fetching a podcast feed and the files it names, as a hostile feed can't abuse it.

Everything a feed names is untrusted: a transcript URL can say `file:///etc/passwd`, point
at the bot's own Redis on 127.0.0.1, redirect there, or never end. So each request:
- goes only to http(s) URLs without credentials, following at most MAX_REDIRECTS
  redirects, each checked like the first;
- connects only to public addresses, checked on the address actually connected to (the
  resolver below filters what DNS answers, so a name can't resolve to 127.0.0.1 after
  the check). The one exception is the feed's own host and port: the operator chose
  it, and a feed on a private host may serve its files from there;
- reads at most `limit` bytes, asks for no compression (nothing to inflate into a bomb),
  and takes at most REQUEST_SECONDS in all (CONNECT_SECONDS to connect, READ_SECONDS
  between two reads);
- sends If-None-Match / If-Modified-Since when it has them: 304 means "unchanged".
Any failure is a FetchError whose message is one short line for the operator.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

MAX_REDIRECTS = 5
CONNECT_SECONDS = 10
READ_SECONDS = 20
REQUEST_SECONDS = 60
MAX_URL_CHARS = 2048
USER_AGENT = "podcast-answer-bot feed sync"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A request that did not give a usable answer; the message says why."""


@dataclass(frozen=True)
class Validators:
    """What the server said identifies a version of a file, to ask "changed since?"."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        found = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {name: value for name, value in found.items() if value}


@dataclass(frozen=True)
class Fetched:
    url: str                      # where the answer came from, after redirects
    body: bytes | None            # None: not modified since `validators`
    validators: Validators


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; FetchError for anything else."""
    if not isinstance(url, str) or len(url) > MAX_URL_CHARS or any(c.isspace() for c in url):
        raise FetchError("not an http(s) link")
    try:
        parsed = URL(url)
    except ValueError:
        raise FetchError("not an http(s) link") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(f"not an http(s) link ({parsed.scheme or 'no'} scheme)")
    if parsed.user is not None or parsed.password is not None:
        raise FetchError("a link with a user name or password in it")
    return parsed.scheme, parsed.host.lower().rstrip("."), parsed.port or 0


class AddressPolicy:
    """Public addresses anywhere; private and local ones only at the feed's own host and port."""

    def __init__(self, feed_url: str) -> None:
        self.trusted = origin(feed_url)[1:]

    def refusal(self, host: str, port: int, address: str) -> str | None:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return f"{host} resolves to {address}, not an address"
        if ip.version == 6 and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_global and not ip.is_multicast:
            return None
        if (host.lower().rstrip("."), port) == self.trusted:
            return None
        return f"{host} is a private or local address ({ip}), not the feed's own host"


class _GuardedResolver(AbstractResolver):
    """The system resolver, keeping only addresses the policy allows."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        found = await self._inner.resolve(host, port, family)
        allowed = [r for r in found if self._policy.refusal(host, port, r["host"]) is None]
        if not allowed:
            raise OSError(self._policy.refusal(host, port, found[0]["host"]) if found else f"{host} has no address")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


class FeedClient:
    """`async with FeedClient(feed_url) as client: await client.get(url, limit)`."""

    def __init__(self, feed_url: str, request_seconds: float = REQUEST_SECONDS) -> None:
        self.policy = AddressPolicy(feed_url)
        self._timeout = aiohttp.ClientTimeout(total=request_seconds, sock_connect=CONNECT_SECONDS,
                                              sock_read=READ_SECONDS)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "FeedClient":
        connector = aiohttp.TCPConnector(resolver=_GuardedResolver(self.policy), limit=8)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=self._timeout, auto_decompress=False, trust_env=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        return self

    async def __aexit__(self, *exc) -> None:
        await self._session.close()

    async def get(self, url: str, limit: int, validators: Validators | None = None) -> Fetched:
        """The body (at most `limit` bytes) or None when unchanged; FetchError otherwise."""
        try:
            return await self._follow(url, limit, validators or Validators())
        except FetchError:
            raise
        except asyncio.TimeoutError:
            raise FetchError("no complete answer in time") from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            raise FetchError(_reason(exc)) from None

    async def _follow(self, url: str, limit: int, validators: Validators) -> Fetched:
        for _ in range(MAX_REDIRECTS + 1):
            _, host, port = origin(url)
            self._check_literal(host, port)
            async with self._session.get(url, allow_redirects=False, headers=validators.headers()) as response:
                if response.status in _REDIRECTS:
                    url = urljoin(url, response.headers.get("Location", ""))
                    continue
                if response.status == 304 and validators.headers():
                    return Fetched(url, None, validators)
                if response.status != 200:
                    raise FetchError(f"HTTP {response.status}")
                body = await _read_at_most(response, limit)
                return Fetched(url, body, Validators(response.headers.get("ETag"), response.headers.get("Last-Modified")))
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _check_literal(self, host: str, port: int) -> None:
        """An address written in the URL never reaches the resolver: check it here."""
        try:
            ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            return
        why = self.policy.refusal(host, port, host.strip("[]"))
        if why:
            raise FetchError(why)


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes:
    if response.headers.get("Content-Encoding", "identity").lower() not in ("identity", ""):
        raise FetchError("compressed although no compression was asked for")
    if (response.content_length or 0) > limit:
        raise FetchError(f"larger than {_size(limit)}")
    chunks, total = [], 0
    async for chunk in response.content.iter_chunked(1 << 16):
        total += len(chunk)
        if total > limit:
            raise FetchError(f"larger than {_size(limit)}")
        chunks.append(chunk)
    return b"".join(chunks)


def _size(limit: int) -> str:
    return f"{limit / 1024 / 1024:g} MB" if limit >= 1 << 20 else f"{limit // 1024} kB"


def _reason(exc: Exception) -> str:
    cause = getattr(exc, "os_error", None) or exc
    text = str(cause) or type(cause).__name__
    return " ".join(text.split())[:200]
