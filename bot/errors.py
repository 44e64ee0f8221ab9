"""The one error type whose message is meant for the user, shown verbatim, and the one
reference that ties a "something went wrong" reply to the operator's log line."""

import secrets


class UserError(Exception):
    """Bad input or setup the user can fix; the message is short and says how."""


class Unreachable(Exception):
    """A service the bot needs did not answer at all (network, DNS, timeout); the message
    says what failed and which setting to check."""


def new_error_ref() -> str:
    """A short reference a member can quote to a moderator, e.g. `3FA9C1`."""
    return secrets.token_hex(3).upper()


class StoreUnavailable(Exception):
    """The bot's store (SQLite file or PostgreSQL server) can't be read or written right now.

    The message says which store and why, for the operator; members get a fixed sentence.
    Questions are still answered from the archive when only the store fails; pins and
    other moderator actions fail with a clear reply instead of "something went wrong".
    """


STORE_DOWN_TEXT = ("I can't reach my database right now, so I couldn't do that and nothing was saved. "
                   "Please try again in a minute; if it keeps happening, tell the bot's operator (ref {ref}).")
