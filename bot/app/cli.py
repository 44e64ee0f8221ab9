"""`python -m bot ...`: parse the command line, read settings, wire, run one job.

Heavy or platform imports happen inside the job that needs them, so `search` with a
warm cache starts fast and needs no tokens.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.app.settings import Settings, load_dotenv, log_options
from bot.app.jobs import CORE_JOBS, add_core_parsers
from bot.errors import UserError

log = logging.getLogger("bot")

MAX_QUESTION_CHARS = 2000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Answer questions from podcast archives.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--knowledge", action="append", metavar="DIR",
                        help="knowledge folder (repeatable; default: $BOT_KNOWLEDGE or knowledge/)")
    common.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="job", required=True, metavar="COMMAND")

    ask = sub.add_parser("ask", parents=[common], help="answer a question with the best moment")
    ask.add_argument("question")
    search = sub.add_parser("search", parents=[common], help="ranked moments, for tools")
    search.add_argument("question")
    search.add_argument("--json", action="store_true", help="one JSON object (the default output)")
    search.add_argument("-k", type=int, default=5, help="how many results (default 5)")
    latest = sub.add_parser("latest", parents=[common], help="the newest episode")
    latest.add_argument("--json", action="store_true")
    ev = sub.add_parser("eval", parents=[common], help="score a question set (JSONL)")
    ev.add_argument("file", type=Path)
    ev.add_argument("-k", type=int, default=5)
    ev.add_argument("--json", action="store_true")
    index = sub.add_parser("index", parents=[common], help="build or refresh the index cache")
    index.add_argument("--rebuild", action="store_true", help="ignore the cache")
    sub.add_parser("health", parents=[common], help="exit 0 when the knowledge loads and the data folder is writable")
    sync = sub.add_parser("sync", parents=[common], help="clone or fast-forward an archive repository into the knowledge")
    sync.add_argument("--repo", metavar="URL", help="git repository (default: sync every archive synced before)")
    sync.add_argument("--branch", help="branch to follow (default: the repository's default branch)")
    sync.add_argument("--path", action="append", default=[], metavar="SUBDIR",
                      help="only this folder of the repository (repeatable), e.g. _podcast")
    sync.add_argument("--name", help="archive name under data/archive/ (default: from the URL)")
    sync.add_argument("--fresh", action="store_true", help="re-clone instead of fast-forwarding")
    discord_job = sub.add_parser("discord", parents=[common], help="run the Discord bot (needs DISCORD_TOKEN)")
    discord_job.add_argument("--sync", action="store_true", help="register the slash commands with Discord, then exit")
    discord_job.add_argument("--guild", type=int, metavar="ID", help="with --sync: register in this server only (instant)")
    slack_job = sub.add_parser("slack", parents=[common], help="run the Slack app (Socket Mode, or --http)")
    slack_job.add_argument("--http", action="store_true", help="serve /slack/events over HTTP instead of Socket Mode")
    slack_job.add_argument("--port", type=int, default=3000, help="with --http: port to listen on (default 3000)")
    add_core_parsers(sub, common)
    return parser


# Long-running services log to standard output (what containers collect); the other
# jobs print their results there, so their log lines go to standard error.
SERVICE_JOBS = frozenset({"slack", "discord", "sync"})


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    load_dotenv()
    _configure_logging(args, os.environ)  # before anything that may log, settings included
    try:
        settings = Settings.from_env(knowledge=args.knowledge)
        return _JOBS[args.job](args, settings)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - the operator gets one masked log event, not a raw traceback
        log.exception("python -m bot %s failed", args.job)
        return 1


def _configure_logging(args, environ) -> None:
    from bot.app.logs import configure_logging

    level, as_json = log_options(environ)
    configure_logging(level="DEBUG" if args.verbose else level, as_json=as_json,
                      stream=sys.stdout if args.job in SERVICE_JOBS else sys.stderr)


def clean_question(text: str) -> str:
    """The question as searched: one line of printable text, not empty, bounded."""
    if any(not ch.isprintable() and ch not in "\t\n\r" for ch in text):
        raise UserError("the question contains control characters")
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UserError("the question is empty: try `python -m bot ask \"How do I join Omdena?\"`")
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise UserError(f"the question is too long ({len(cleaned)} characters, at most {MAX_QUESTION_CHARS})")
    return cleaned


def open_searcher(settings: Settings):
    from bot.retrieval.search import Searcher
    from bot.retrieval.cached_index import open_index

    loaded = open_index(list(settings.knowledge), settings.cache_dir)
    return Searcher(loaded.index), loaded


def _ask(args, settings: Settings) -> int:
    from bot.app.text_output import render_result
    from bot.retrieval.search import episode_first

    question = clean_question(args.question)
    searcher, _ = open_searcher(settings)
    print(render_result(episode_first(searcher.search(question, 4)), datetime.now(timezone.utc)))
    return 0


def _search(args, settings: Settings) -> int:
    question = clean_question(args.question)
    if not 1 <= args.k <= 100:
        raise UserError("-k must be between 1 and 100")
    searcher, _ = open_searcher(settings)
    print(json.dumps(searcher.search(question, args.k).to_json(), ensure_ascii=False))
    return 0


def _latest(args, settings: Settings) -> int:
    from bot.app.text_output import episode_json, render_episode
    from bot.retrieval.episode_lookup import newest_episode

    searcher, _ = open_searcher(settings)
    episode = newest_episode(searcher.index.documents.values())
    if episode is None:
        raise UserError("no episode with a season and episode number in the knowledge")
    print(json.dumps(episode_json(episode), ensure_ascii=False) if args.json else render_episode(episode))
    return 0


def _eval(args, settings: Settings) -> int:
    from bot.core.evaluation import evaluate, read_questions
    from bot.app.text_output import render_eval

    questions = read_questions(args.file)
    searcher, loaded = open_searcher(settings)
    report = evaluate(searcher.search, questions, args.k)
    report.index_seconds = loaded.seconds
    if args.json:
        print(json.dumps(report.figures()))
    else:
        print(render_eval(report, from_cache=loaded.from_cache))
    return 0


def _index(args, settings: Settings) -> int:
    from bot.retrieval.cached_index import open_index

    loaded = open_index(list(settings.knowledge), settings.cache_dir, rebuild=args.rebuild)
    index = loaded.index
    how = "loaded from cache" if loaded.from_cache else "built"
    print(f"{how} in {loaded.seconds:.2f} s: {len(index.documents)} documents, "
          f"{len(index.episodes)} episodes, {len(index.passages)} passages")
    for skipped in index.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}")
    return 0


def _health(args, settings: Settings) -> int:
    from bot.ops.health import check_health

    health = check_health(settings)
    print(health.line)
    return 0 if health.ok else 1


def _sync(args, settings: Settings) -> int:
    from bot.ops.archives import knowledge_folders
    from bot.retrieval.cached_index import open_index
    from bot.ops.sync import resync_all, sync_archive

    if args.repo:
        results = [sync_archive(settings.data_dir, args.repo, args.branch, args.path, args.name, args.fresh)]
    elif args.branch or args.path or args.name or args.fresh:
        raise UserError("--branch, --path, --name and --fresh need --repo")
    else:
        results = resync_all(settings.data_dir)
        if not results:
            raise UserError("nothing synced yet: python -m bot sync --repo URL [--path SUBDIR ...]")
    for result in results:
        if isinstance(result, Exception):
            print(f"failed: {result}")
        else:
            a = result.archive
            print(f"{a.name}: {result.action} at {a.commit[:12]} ({a.branch}) from {a.repo}")
    if any(not isinstance(r, Exception) and r.changed for r in results):
        # Warm the cache for the folder list the running bots will use, so their reload is quick.
        loaded = open_index(list(knowledge_folders(settings.configured_knowledge, settings.data_dir)),
                            settings.cache_dir)
        print(f"knowledge: {len(loaded.index.episodes)} episodes, {len(loaded.index.passages)} passages")
    return 1 if any(isinstance(r, Exception) for r in results) else 0


def _discord(args, settings: Settings) -> int:
    from bot.adapters.discord.service import run  # imports discord.py only for this job

    return run(settings, sync=args.sync, guild_id=args.guild)


def _slack(args, settings: Settings) -> int:
    from bot.adapters.slack.service import run  # imports slack_bolt only for this job

    return run(settings, http=args.http, port=args.port)


_JOBS = {
    "ask": _ask, "search": _search, "latest": _latest, "eval": _eval, "index": _index,
    "health": _health, "sync": _sync, "discord": _discord, "slack": _slack, **CORE_JOBS,
}
