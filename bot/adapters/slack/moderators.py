"""Who may pin: user ids from settings, members of a user group, workspace admins/owners.

Group membership and admin flags come from the Web API and are cached briefly, so a
burst of moderator commands costs one call, and a demoted admin loses rights within a
minute. A failed lookup counts as "not a moderator" (logged): refusing is the safe side.
"""
from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0


class ModeratorCheck:
    def __init__(self, user_ids: tuple[str, ...] = (), group_id: str = "",
                 cache_seconds: float = CACHE_SECONDS, clock=time.monotonic) -> None:
        self._user_ids = frozenset(user_ids)
        self._group_id = group_id
        self._ttl = cache_seconds
        self._clock = clock
        self._group: tuple[float, frozenset[str]] | None = None
        self._admins: dict[str, tuple[float, bool]] = {}

    async def is_moderator(self, client: AsyncWebClient, user_id: str) -> bool:
        if user_id in self._user_ids:
            return True
        if self._group_id and user_id in await self._group_members(client):
            return True
        return await self._is_admin(client, user_id)

    async def _group_members(self, client: AsyncWebClient) -> frozenset[str]:
        now = self._clock()
        if self._group and now - self._group[0] < self._ttl:
            return self._group[1]
        try:
            resp = await client.usergroups_users_list(usergroup=self._group_id)
            members = frozenset(resp.get("users") or ())
        except (SlackApiError, OSError, TimeoutError) as exc:
            log.warning("moderator group lookup failed: %s", _reason(exc))
            return frozenset()
        self._group = (now, members)
        return members

    async def _is_admin(self, client: AsyncWebClient, user_id: str) -> bool:
        now = self._clock()
        cached = self._admins.get(user_id)
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        try:
            resp = await client.users_info(user=user_id)
            user = resp.get("user") or {}
            admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        except (SlackApiError, OSError, TimeoutError) as exc:
            log.warning("users.info failed for a moderator check: %s", _reason(exc))
            return False
        if len(self._admins) > 10_000:   # bounded: the cache is a convenience, not a registry
            self._admins.clear()
        self._admins[user_id] = (now, admin)
        return admin


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "unknown_error"))
    return type(exc).__name__
