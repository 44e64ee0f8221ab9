"""The one error type whose message is meant for the user, shown verbatim."""


class UserError(Exception):
    """Bad input or setup the user can fix; the message is short and says how."""
