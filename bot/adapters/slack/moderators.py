"""Who may pin: user ids from settings, members of a user group, workspace admins/owners.

Group membership and admin flags come from the Web API and are cached briefly, so a
burst of moderator commands costs one call, and a demoted admin loses rights within a
minute. A failed lookup counts as "not a moderator" (logged): refusing is the safe side.
"""
from __future__ import annotations

import logging
import time

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.web_api import WebApiFailure, call

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
            users = (await call(client.usergroups_users_list, usergroup=self._group_id)).get("users")
        except WebApiFailure as failure:
            log.warning("moderator group lookup failed: %s", failure.reason)
            return frozenset()
        members = frozenset(u for u in users if isinstance(u, str)) if isinstance(users, list) else frozenset()
        self._group = (now, members)
        return members

    async def _is_admin(self, client: AsyncWebClient, user_id: str) -> bool:
        now = self._clock()
        cached = self._admins.get(user_id)
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        try:
            user = (await call(client.users_info, user=user_id)).get("user")
        except WebApiFailure as failure:
            log.warning("users.info failed for a moderator check: %s", failure.reason)
            return False
        user = user if isinstance(user, dict) else {}
        admin = any(user.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner"))
        if len(self._admins) > 10_000:   # bounded: the cache is a convenience, not a registry
            self._admins.clear()
        self._admins[user_id] = (now, admin)
        return admin

