"""The one error type whose message is meant for the user, shown verbatim, and the one
reference that ties a "something went wrong" reply to the operator's log line."""

import secrets


class UserError(Exception):
    """Bad input or setup the user can fix; the message is short and says how."""


def new_error_ref() -> str:
    """A short reference a member can quote to a moderator, e.g. `3FA9C1`."""
    return secrets.token_hex(3).upper()
