"""Running git for `python -m bot sync`: no shell, no prompts, no secret on disk or in logs.

A token for a private repository comes from `BOT_SYNC_TOKEN`, or from credentials written
into the `--repo` URL for that one sync. Either way it reaches git only through the
environment of the git process and a credential helper given with `-c` on its command
line (the helper's text names the variable, not the token). The checkout's remote keeps
the credential-free URL, so `.git/config` never holds the token, and a configured
`store`/`cache` helper is switched off for these calls so git can't save it either.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.ops.archives import redact_url
from bot.errors import UserError

TOKEN_VARIABLE = "BOT_SYNC_TOKEN"
GIT_TIMEOUT_SECONDS = 900
_DEFAULT_USERNAME = "x-access-token"  # GitHub takes any user name with a token; this one is conventional
_CREDENTIALS = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")  # user:token@ in a URL
# Answers only `get`; `store` and `erase` are ignored, so nothing is written anywhere.
_HELPER = ('!f() { test "$1" = get && printf "username=%s\\npassword=%s\\n" '
           '"$GIT_SYNC_USERNAME" "$GIT_SYNC_PASSWORD"; }; f')


class SyncError(UserError):
    """The sync did not happen; the previous checkout is still the one serving."""


@dataclass(frozen=True)
class Auth:
    username: str
    token: str

    def __repr__(self) -> str:  # never print the token, even in a traceback
        return f"Auth(username={self.username!r}, token=...)"


def auth_for(repo: str, environ=os.environ) -> Auth | None:
    """Credentials in the URL win for this sync; otherwise the token from the environment."""
    try:
        parts = urlsplit(repo)
        username, password = parts.username, parts.password
    except ValueError:
        username = password = None
    if password:
        return Auth(unquote(username or _DEFAULT_USERNAME), unquote(password))
    token = environ.get(TOKEN_VARIABLE, "").strip()
    if token:
        return Auth(unquote(username) if username else _DEFAULT_USERNAME, token)
    return None


def clean_url(repo: str) -> str:
    """The URL the checkout's remote stores: without user or token."""
    return redact_url(repo)


def git(args: list[str], cwd: Path | None, check: bool = True, auth: Auth | None = None) -> str | None:
    """Run git; its stripped stdout, or None (check=False) / SyncError on failure."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never",
           "GIT_COMMITTER_NAME": "podcast-answer-bot", "GIT_COMMITTER_EMAIL": "bot@localhost"}
    env.pop(TOKEN_VARIABLE, None)  # git and its hooks get the token only through the helper below
    prefix: list[str] = []
    if auth is not None:
        # An empty helper first clears any configured one (e.g. `store`, which would save the token).
        prefix = ["-c", "credential.helper=", "-c", f"credential.helper={_HELPER}"]
        env.update(GIT_SYNC_USERNAME=auth.username, GIT_SYNC_PASSWORD=auth.token)
    try:
        done = subprocess.run(["git", *prefix, *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise SyncError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise SyncError(f"git {args[0]} took longer than {GIT_TIMEOUT_SECONDS} s") from None
    if done.returncode == 0:
        return done.stdout.strip()
    if not check:
        return None
    raise SyncError(f"git {args[0]} failed: {_reason(done.stderr, auth)}")


def _reason(text: str, auth: Auth | None) -> str:
    """One line: git's first `fatal:` line (the rest is advice), else its last line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("warning:")]
    line = next((ln for ln in lines if ln.startswith("fatal:")), lines[-1] if lines else "no message")
    line = _CREDENTIALS.sub(r"\1", line)
    return line.replace(auth.token, "[token]") if auth is not None else line
