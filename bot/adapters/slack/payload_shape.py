"""The shape of a Slack request payload, as Bolt and our listeners read it.

Bolt's context extraction and listener matching index into the payload without checking
types (`payload["authorizations"][0]`, `body["event"].get(...)`, `actions[0]["action_id"]`),
and our listeners read ids as strings. A payload that is valid JSON but not shaped like
Slack's (a string where Slack sends an object, a list of numbers as `actions`) would
crash there, after the signature check, as a 500. `problem(payload)` names the first
field of the wrong JSON type, checked against the shapes Slack documents for what this
app receives (slash commands, `app_mention` and `message` events, block actions,
message shortcuts, url_verification); fields not listed here may hold anything.

A spec is a type, None (JSON null), a dict of field specs (an object; absent fields are
fine), a one-item list (an array of that spec), or a tuple of alternatives. `_required`
adds the fields each kind of request must carry.
"""
from __future__ import annotations

TEXT = str
NULLABLE = (str, None)          # Slack sends null here for org-wide installs and the like
FLAG = (bool, str, None)        # Slack sends booleans; some form fields say "true"

_MESSAGE = {"ts": TEXT, "thread_ts": TEXT, "bot_id": NULLABLE, "user": TEXT, "text": TEXT, "subtype": TEXT,
            "blocks": [{"block_id": TEXT, "type": TEXT, "elements": list}]}
_EVENT = {"type": TEXT, "subtype": TEXT, "user": TEXT, "channel": TEXT, "text": TEXT, "ts": TEXT, "thread_ts": TEXT,
          "event_ts": TEXT, "channel_type": TEXT, "bot_id": NULLABLE, "team": NULLABLE, "user_team": NULLABLE,
          "message": _MESSAGE, "previous_message": _MESSAGE, "item": dict, "assistant_thread": dict}
PAYLOAD = {
    "type": TEXT, "token": TEXT, "challenge": TEXT, "team_id": NULLABLE, "enterprise_id": NULLABLE,
    "api_app_id": TEXT, "command": TEXT, "text": TEXT, "user_id": TEXT, "user_name": TEXT, "channel_id": TEXT,
    "channel_name": TEXT, "response_url": TEXT, "trigger_id": TEXT, "callback_id": TEXT, "event_id": TEXT,
    "message_ts": TEXT, "is_enterprise_install": FLAG, "is_ext_shared_channel": FLAG,
    "enterprise": ({"id": NULLABLE}, None),
    "team": ({"id": NULLABLE, "enterprise_id": NULLABLE, "domain": NULLABLE}, None),
    "user": {"id": TEXT, "team_id": NULLABLE, "username": TEXT, "name": TEXT},
    "channel": {"id": TEXT, "name": TEXT},
    "authorizations": [{"team_id": NULLABLE, "user_id": TEXT, "enterprise_id": NULLABLE, "is_bot": FLAG,
                        "is_enterprise_install": FLAG}],
    "event": _EVENT,
    "container": {"type": TEXT, "message_ts": TEXT, "thread_ts": TEXT, "channel_id": TEXT},
    "message": _MESSAGE, "previous_message": _MESSAGE,
    "actions": [{"type": TEXT, "action_id": TEXT, "block_id": TEXT, "value": TEXT, "action_ts": TEXT}],
    "view": {"id": TEXT, "callback_id": TEXT, "team_id": NULLABLE, "app_installed_team_id": NULLABLE},
    "response_urls": [{"response_url": TEXT}],
    "function_data": dict, "item": dict, "assistant_thread": dict,
}


def problem(payload: object) -> str | None:
    """None when `payload` is shaped like a Slack payload, else which field is not."""
    if not isinstance(payload, dict):
        return f"the payload is a JSON {_json_type(payload)}, not an object"
    return _problem(payload, PAYLOAD, "payload") or next(
        (f"payload.{path} is missing" for path in _required(payload) if not _at(payload, path)), None)


def _required(payload: dict) -> tuple[str, ...]:
    """What each kind of request must carry for Bolt to route it and a listener to answer."""
    kind = payload.get("type")
    if "command" in payload:
        return ("command", "user_id")
    if kind == "block_actions":
        return ("user.id", "actions.0.action_id")
    if kind in ("message_action", "shortcut"):
        return ("user.id", "callback_id")
    if kind == "event_callback":
        event = payload.get("event") or {}
        if event.get("type") == "app_mention" or (event.get("type") == "message" and not event.get("subtype")):
            return ("event.type", "event.channel") + (("event.user",) if event.get("type") == "app_mention" else ())
        return ("event.type",)
    return ()


def _at(payload: dict, path: str) -> object:
    value: object = payload
    for step in path.split("."):
        if isinstance(value, list) and step.isdigit():
            value = value[int(step)] if int(step) < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def _problem(value: object, spec, where: str) -> str | None:
    for option in spec if isinstance(spec, tuple) else (spec,):
        if isinstance(option, dict) and isinstance(value, dict):
            return next((found for key, sub in option.items()
                         if key in value and (found := _problem(value[key], sub, f"{where}.{key}"))), None)
        if isinstance(option, list) and isinstance(value, list):
            return next((found for i, item in enumerate(value)
                         if (found := _problem(item, option[0], f"{where}[{i}]"))), None)
        if option is None and value is None:
            return None
        if isinstance(option, type) and isinstance(value, option):
            return None
    return f"{where} is a JSON {_json_type(value)}, not what Slack sends there"


def _json_type(value: object) -> str:
    for kind, name in ((bool, "boolean"), (str, "string"), ((int, float), "number"), (dict, "object"),
                       (list, "array"), (type(None), "null")):
        if isinstance(value, kind):
            return name
    return type(value).__name__
