"""`python -m bot ...`: parse the command line, read settings, run one job.

Heavy or platform imports happen inside the job that needs them (`bot.app.jobs`), so
`search` with a warm cache starts fast and needs no tokens.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Callable

from bot.app.settings import Settings, load_dotenv, log_options
from bot.errors import StoreUnavailable, Unreachable, UserError
from bot.printable import printable_output

log = logging.getLogger("bot")

# Long-running services log to standard output (what containers collect); the other
# jobs print their results there, so their log lines go to standard error.
SERVICE_JOBS = frozenset({"slack", "discord", "sync"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Answer questions from podcast archives.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--knowledge", action="append", metavar="DIR",
                        help="knowledge folder (repeatable; default: $BOT_KNOWLEDGE or knowledge/)")
    common.add_argument("-v", "--verbose", action="store_true", help="log more (DEBUG), tracebacks included")
    sub = parser.add_subparsers(dest="job", required=True, metavar="COMMAND")
    _question_jobs(sub, common)
    _knowledge_jobs(sub, common)
    _service_jobs(sub, common)
    _store_jobs(sub, common)
    return parser


def _question_jobs(sub, common) -> None:
    ask = _job(sub, "ask", common, "answer a question as the bot does in chat")
    ask.add_argument("question", help="the question, quoted")
    search = _job(sub, "search", common,
                            "ranked moments as one JSON object, for tools (ask is for people)")
    search.add_argument("question", help="the question, quoted")
    search.add_argument("-k", type=int, default=5, help="how many results (default 5)")
    latest = _job(sub, "latest", common, "the newest episode")
    latest.add_argument("--json", action="store_true", help="the episode as one JSON object, for tools")
    ev = _job(sub, "eval", common, "score a question set (JSONL) by what members would see")
    ev.add_argument("file", type=Path, help="the question set, one JSON object per line (see eval/README.md)")
    ev.add_argument("-k", type=int, default=5, help="results per question that count (default 5)")
    ev.add_argument("--json", action="store_true", help="the figures as one JSON object instead of a report")
    console = _job(sub, "console", common, "talk to the bot in the terminal (or a pipe)")
    console.add_argument("--moderator", action="store_true", help="act as a moderator (may pin)")
    console.add_argument("--user", default=None, help="your name in the session (default: your login)")


def _knowledge_jobs(sub, common) -> None:
    index = _job(sub, "index", common, "build or refresh the index cache")
    index.add_argument("--rebuild", action="store_true", help="ignore the cache")
    _job(sub, "health", common, "exit 0 when the knowledge loads, the data folder is writable and the store works")
    sync = _job(sub, "sync", common,
                "clone or fast-forward an archive repository, or fetch a podcast feed, into the knowledge")
    sync.add_argument("--repo", metavar="URL", help="git repository (default: sync every archive synced before)")
    sync.add_argument("--feed", metavar="URL", help="a podcast's RSS feed with podcast:transcript tags")
    sync.add_argument("--branch", help="branch to follow (default: the recorded one, else the repository's default)")
    sync.add_argument("--path", action="append", default=[], metavar="SUBDIR",
                      help="only this folder of the repository (repeatable), e.g. _podcast "
                           "(default: the recorded folders)")
    sync.add_argument("--name", help="archive name under data/archive/ (default: from the URL)")
    sync.add_argument("--fresh", action="store_true",
                      help="re-clone instead of fast-forwarding (after a force-push), with the recorded paths; "
                           "a feed: fetch every file again")
    sync.add_argument("--accept-losses", action="store_true",
                      help="take a revision even if it skips files the current checkout loads")


def _service_jobs(sub, common) -> None:
    discord_job = _job(sub, "discord", common, "run the Discord bot (needs DISCORD_TOKEN)")
    discord_job.add_argument("--sync", action="store_true", help="register the slash commands with Discord, then exit")
    discord_job.add_argument("--clear", action="store_true",
                             help="remove the registered commands (of --guild, else the global ones), then exit")
    discord_job.add_argument("--guild", type=int, metavar="ID",
                             help="with --sync or --clear: this server only (instant)")
    slack_job = _job(sub, "slack", common, "run the Slack app (Socket Mode, or --http)")
    slack_job.add_argument("--http", action="store_true", help="serve /slack/events over HTTP instead of Socket Mode")
    slack_job.add_argument("--port", type=int, default=3000, help="with --http: port to listen on (default 3000)")
    manifest = _job(sub, "slack-manifest", common,
                              "print the Slack app manifest for these settings (command prefix, mode)")
    manifest.add_argument("--http", metavar="URL",
                          help="HTTP mode: Slack sends requests to URL (https://YOUR-HOST/slack/events) "
                               "instead of Socket Mode")


def _store_jobs(sub, common) -> None:
    pins = _job(sub, "pins", None, "export or import the pinned answers as YAML")
    action = pins.add_subparsers(dest="pins_action", required=True, metavar="ACTION")
    export = _job(action, "export", common, "write every pin to FILE.yaml")
    export.add_argument("file", type=Path, help="where to write (YAML)")
    imp = _job(action, "import", common, "validate FILE.yaml and apply it all-or-nothing")
    imp.add_argument("file", type=Path, help="a file written by pins export (YAML)")
    imp.add_argument("--replace", action="store_true", help="also remove pins that are not in the file")
    report = _job(sub, "report", common, "questions that found nothing or were unhelpful")
    report.add_argument("-n", type=int, default=30, help="how many lines (default 30)")
    store = _job(sub, "store", None, "move the store between engines")
    store_action = store.add_subparsers(dest="store_action", required=True, metavar="ACTION")
    migrate = _job(store_action, "migrate", common,
                   "copy the SQLite store into an empty PostgreSQL database, checking counts")
    migrate.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host:5432/dbname")
    migrate.add_argument("--from", dest="source", type=Path, metavar="FILE",
                         help="the SQLite file (default: bot.sqlite3 in $BOT_DATA_DIR)")


def _job(sub, name: str, common, about: str) -> argparse.ArgumentParser:
    """A subcommand whose `-h` starts with what it does, as the command list says it."""
    return sub.add_parser(name, parents=[common] if common else [], help=about, description=about)


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("podcast-answer-bot")
    except PackageNotFoundError:   # run from a source tree that was never installed
        return "(not installed)"


def main(argv: list[str] | None = None, *, dotenv: Path | None = Path(".env"),
         setup_logging: Callable[..., None] | None = None) -> int:
    """Run one job; `dotenv=None` reads no `.env`, `setup_logging` replaces the logging setup.

    Everything it prints (results, errors, log lines, argparse's messages) is written
    through `printable`: archive text and typed text never reach the terminal raw."""
    with printable_output():
        return _run(argv, dotenv, setup_logging)


def _run(argv: list[str] | None, dotenv: Path | None, setup_logging: Callable[..., None] | None) -> int:
    from bot.app.jobs import JOBS

    args = build_parser().parse_args(argv)
    if dotenv is not None:
        load_dotenv(dotenv)
    _configure_logging(args, os.environ, setup_logging)  # before anything that may log, settings included
    try:
        _check_text_arguments(args)
        settings = Settings.from_env(knowledge=args.knowledge)
        return JOBS[args.job](args, settings)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"error: the store can't be used: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the operator gets one masked log event, not a raw traceback
        reason = outside_cause(exc)
        if reason is None:   # a bug: the traceback is what the operator needs to report it
            log.exception("python -m bot %s failed", args.job)
        else:                # the network, a file: one line; the traceback with -v / BOT_LOG_LEVEL=DEBUG
            log.error("python -m bot %s failed: %s", args.job, reason)
            log.debug("traceback of the failure above", exc_info=True)
        return 1


def _check_text_arguments(args) -> None:
    """Invalid UTF-8 in an argument arrives as lone surrogates, which nothing can store or
    print: refuse it now, naming the argument. File names are left alone (they need not
    be UTF-8 and are only handed back to the file system)."""
    from bot.core.inputs import require_readable

    for name, value in vars(args).items():
        if name in ("knowledge", "file"):
            continue
        try:
            require_readable(*(value if isinstance(value, list) else [value]))
        except UserError:
            raise UserError(f"the {name} argument is not valid UTF-8 text") from None


def outside_cause(exc: BaseException) -> str | None:
    """One line for a failure outside the bot (unreachable service, refused file), or None.
    `Unreachable` already says what failed and which setting to check; any other error
    raised by the operating system or a timeout (itself or as the cause it was raised
    from) is named; one that merely happened while handling such an error is a bug."""
    if isinstance(exc, Unreachable):
        return str(exc)
    seen, cause = set(), exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, (OSError, TimeoutError)):
            detail = " ".join(str(cause).split())[:300]
            return f"{type(cause).__name__}{f': {detail}' if detail else ''}"
        cause = cause.__cause__
    return None


def _configure_logging(args, environ, setup_logging) -> None:
    if setup_logging is None:
        from bot.app.logs import configure_logging as setup_logging

    level, as_json = log_options(environ)
    setup_logging(level="DEBUG" if args.verbose else level, as_json=as_json,
                  stream=sys.stdout if args.job in SERVICE_JOBS else sys.stderr)
