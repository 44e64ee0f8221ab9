"""Gateway payloads a Discord client receives: interactions and messages, wire format."""
from __future__ import annotations

import itertools

from tests.fakes.fake_discord import (APP_ID, BASIC_PERMISSIONS, BOT_ID, CHANNEL_ID, GUILD_ID, PIN_MESSAGES,
                          message_json, user_json)

USER_ID = 700000000000000001
MODERATOR_ID = 700000000000000002
_ids = itertools.count(800000000000000000)

SLASH, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


def next_id() -> int:
    return next(_ids)


def member(user_id: int = USER_ID, roles=(), permissions: int = BASIC_PERMISSIONS) -> dict:
    return {"user": user_json(user_id, f"user{user_id % 100}"), "roles": [str(r) for r in roles],
            "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0,
            "permissions": str(permissions), "nick": None}


def interaction(kind: int, data: dict, *, user: dict | None = None, channel_id: int = CHANNEL_ID,
                channel_type: int = 0, message: dict | None = None) -> dict:
    iid = next_id()
    payload = {
        "id": str(iid), "application_id": str(APP_ID), "type": kind, "data": data, "token": f"tok-{iid}",
        "version": 1, "guild_id": str(GUILD_ID), "channel_id": str(channel_id),
        "channel": {"id": str(channel_id), "type": channel_type, "guild_id": str(GUILD_ID), "name": "general",
                    "position": 0, "permission_overwrites": [], "nsfw": False},
        "member": user or member(), "app_permissions": str(BASIC_PERMISSIONS | PIN_MESSAGES),
        "locale": "en-US", "guild_locale": "en-US", "attachment_size_limit": 8 * 1024 * 1024,
        "entitlements": [], "authorizing_integration_owners": {"0": str(GUILD_ID)}, "context": 0,
    }
    if message is not None:
        payload["message"] = message
    return payload


def slash(name: str, user: dict | None = None, **options) -> dict:
    opts = [{"name": k, "type": 4 if isinstance(v, int) else 3, "value": v} for k, v in options.items()]
    return interaction(SLASH, {"id": str(next_id()), "name": name, "type": 1, "options": opts}, user=user)


def autocomplete(name: str, option: str, current: str) -> dict:
    opts = [{"name": option, "type": 3, "value": current, "focused": True}]
    return interaction(AUTOCOMPLETE, {"id": str(next_id()), "name": name, "type": 1, "options": opts})


def message_command(name: str, target: dict, user: dict | None = None) -> dict:
    data = {"id": str(next_id()), "name": name, "type": 3, "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}}}
    return interaction(SLASH, data, user=user)


def button(custom_id: str, message: dict, user: dict | None = None) -> dict:
    return interaction(COMPONENT, {"custom_id": custom_id, "component_type": 2}, user=user, message=message)


def modal_submit(custom_id: str, values: dict[str, str], user: dict | None = None) -> dict:
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
    return interaction(MODAL_SUBMIT, {"custom_id": custom_id, "components": rows}, user=user)


def bot_answer(answer_id: str, channel_id: int = CHANNEL_ID) -> dict:
    """A message the bot posted earlier: an answer embed with the feedback buttons."""
    buttons = [{"type": 2, "style": 2, "label": "Helpful", "custom_id": f"podbot:fb:y:{answer_id}"},
               {"type": 2, "style": 2, "label": "Not helpful", "custom_id": f"podbot:fb:n:{answer_id}"}]
    return message_json(next_id(), "", user_json(BOT_ID, "podbot", bot=True), channel_id,
                        embeds=[{"type": "rich", "description": "> a quote",
                                 "footer": {"text": f"answer id: {answer_id}"}}],
                        components=[{"type": 1, "components": buttons}])


def user_message(content: str, *, channel_id: int = CHANNEL_ID, mentions_bot: bool = False,
                 author_id: int = USER_ID) -> dict:
    data = message_json(next_id(), content, user_json(author_id, "asker"), channel_id)
    data["member"] = {k: v for k, v in member(author_id).items() if k != "user"}
    if mentions_bot:
        data["mentions"] = [user_json(BOT_ID, "podbot", bot=True)]
    return data


def followup_of(event: dict) -> str:
    """The path (a regex) of the webhook follow-ups answering an interaction."""
    return rf"/webhooks/{APP_ID}/tok-{event['id']}"
