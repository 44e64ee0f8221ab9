"""The jobs of `python -m bot`: each takes the parsed arguments and the settings.

Chat-facing jobs (`ask`, `latest`, `console`) answer through the same core as Slack and
Discord; tool jobs (`search`, `eval`, `index`) read the index directly. Heavy imports
happen inside each job.
"""
from __future__ import annotations

import getpass
import json
import sys

from bot.app.settings import Settings
from bot.errors import UserError
from bot.models import ERROR, REFUSED, Invocation


def ask(args, settings: Settings) -> int:
    """The reply a member would get in chat, as plain text."""
    from bot.core.inputs import question_or_usage

    question = question_or_usage(args.question, 'try `python -m bot ask "How do I join Omdena?"`')
    print(_answer(settings, "ask", question))
    return 0


def latest(args, settings: Settings) -> int:
    if not args.json:
        print(_answer(settings, "latest"))
        return 0
    from bot.app.wiring import open_searcher
    from bot.retrieval.episode_lookup import newest_episode

    searcher, _ = open_searcher(settings)
    episode = newest_episode(searcher.index.documents.values())
    if episode is None:
        raise UserError("no episode with a season and episode number in the knowledge")
    print(json.dumps(episode_json(episode), ensure_ascii=False))
    return 0


def search(args, settings: Settings) -> int:
    from bot.app.wiring import open_searcher
    from bot.core.inputs import question_or_usage

    question = question_or_usage(args.question, 'try `python -m bot search "How do I join Omdena?"`')
    require_between(args.k, "-k", 1, 100)
    searcher, _ = open_searcher(settings)
    print(json.dumps(searcher.search(question, args.k).to_json(), ensure_ascii=False))
    return 0


def evaluate(args, settings: Settings) -> int:
    from bot.app.progress import terminal_progress
    from bot.app.wiring import open_searcher
    from bot.core.answering import answer
    from bot.core.evaluation import evaluate as score, gold_coverage
    from bot.core.question_set import read_questions
    from bot.core.evaluation_report import render_report

    require_between(args.k, "-k", 1, 100)
    questions = read_questions(args.file)
    with terminal_progress() as progress:
        # eval embeds what the archive lacks: it measures what members see
        searcher, loaded = open_searcher(settings, progress, max_missing=None)
        _warn_about_gold_coverage(args.file, gold_coverage(questions, searcher.index.documents), settings)
        report = score(lambda question, k, previous: answer(searcher, question, k, previous), questions, args.k,
                       progress)
    report.index_seconds = loaded.seconds
    print(json.dumps(report.figures()) if args.json else render_report(report, from_cache=loaded.from_cache))
    return 0


def index(args, settings: Settings) -> int:
    """The index (and the semantic layer's vectors, when it is installed), built or refreshed."""
    from bot.app.progress import terminal_progress
    from bot.app.wiring import knowledge_sources, load_embedder, open_index, searcher_for

    with terminal_progress() as progress:
        loaded = open_index(settings, rebuild=args.rebuild, progress=progress)
    built = loaded.index
    how = "loaded from cache" if loaded.from_cache else "built"
    folders = knowledge_sources(settings).folders()
    if len(folders) > 1:
        print("knowledge folders, first wins for a document id found twice: " + ", ".join(map(str, folders)))
    print(f"{how} in {loaded.seconds:.2f} s: {len(built.documents)} documents, "
          f"{len(built.episodes)} episodes, {len(built.passages)} passages")
    for skipped in built.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}")
    embedder = load_embedder(settings)
    if embedder is not None:
        with terminal_progress() as progress:
            searcher = searcher_for(settings, built, embedder, max_missing=None, progress=progress)
        print(f"semantic layer: {searcher.semantic.chunks} chunks embedded ({embedder.model_id})")
    return 0


def health(args, settings: Settings) -> int:
    from bot.app.wiring import knowledge_sources
    from bot.ops.health import check_health
    from bot.store import open_database

    db = open_database(settings.database_url, settings.data_dir)   # not opened yet: the check says why it can't be
    try:
        result = check_health(knowledge_sources(settings), settings.cache_dir, db)
    finally:
        db.close()
    print(result.line)
    return 0 if result.ok else 1


def store(args, settings: Settings) -> int:
    """`store migrate --to URL`: copy the SQLite store into an empty PostgreSQL database."""
    from bot.store import DATABASE_FILE, POSTGRES_SCHEMES
    from bot.store.copy import copy_store
    from bot.store.postgres import PostgresDatabase
    from bot.store.sqlite import SqliteDatabase

    if not args.to.startswith(POSTGRES_SCHEMES):
        raise UserError("--to must be a postgresql:// URL")
    source_file = args.source or settings.data_dir / DATABASE_FILE
    if not source_file.is_file():
        raise UserError(f"no SQLite store at {source_file} (use --from FILE)")
    source, target = SqliteDatabase(source_file), PostgresDatabase(args.to)
    try:
        counts = copy_store(source, target)
    finally:
        source.close()
        target.close()
    for table in counts:
        print(f"{table.name:<22} {table.source:>8} -> {table.target:>8}  {'ok' if table.ok else 'MISMATCH'}")
    if not all(t.ok for t in counts):
        print("counts differ: the target is incomplete; drop its tables and run again")
        return 1
    print(f"copied {sum(t.source for t in counts)} rows into {target.describe()}; "
          "set BOT_DATABASE_URL to use it")
    return 0


def sync(args, settings: Settings) -> int:
    from bot.app.progress import terminal_progress

    with terminal_progress() as progress:
        results = _sync_archives(args, settings, progress)
    for result in results:
        for line in _sync_lines(result):
            print(line)
    if any(not isinstance(r, Exception) and r.changed for r in results):
        from bot.app.wiring import open_index

        # Warm the cache for the folder list the running bots will use, so their reload is quick.
        with terminal_progress() as progress:
            loaded = open_index(settings, progress=progress)
        print(f"knowledge: {len(loaded.index.episodes)} episodes, {len(loaded.index.passages)} passages")
    return 1 if any(isinstance(r, Exception) for r in results) else 0


def _sync_archives(args, settings: Settings, progress) -> list:
    """One archive (`--repo` or `--feed`), or every archive synced before; `--fresh`
    re-clones (or fetches again) with the recorded repository, branch and paths unless told
    otherwise."""
    from bot.ops.feed_sync import resync_feeds, sync_feed
    from bot.ops.sync import resync_all, sync_archive

    if args.repo and args.feed:
        raise UserError("give --repo or --feed, not both")
    if args.feed:
        if args.branch or args.path:
            raise UserError("--branch and --path are for --repo")
        return [sync_feed(settings.data_dir, args.feed, args.name, args.fresh, args.accept_losses)]
    if args.repo:
        return [sync_archive(settings.data_dir, args.repo, args.branch, args.path or None, args.name, args.fresh,
                             accept_losses=args.accept_losses, progress=progress)]
    if args.branch or args.path or args.name:
        raise UserError("--branch, --path and --name need --repo or --feed")
    results = [*resync_all(settings.data_dir, accept_losses=args.accept_losses, fresh=args.fresh, progress=progress),
               *resync_feeds(settings.data_dir, accept_losses=args.accept_losses, fresh=args.fresh)]
    if not results:
        raise UserError("nothing synced yet: python -m bot sync --repo URL [--path SUBDIR ...] or --feed URL")
    return results


def _sync_lines(result) -> list[str]:
    """What `sync` prints for one archive: the outcome, then what changed and was skipped."""
    from bot.ops.archives import FEED
    from bot.ops.feed_sync import shown_url

    if isinstance(result, Exception):
        return [f"failed: {result}"]
    a, change = result.archive, result.change
    if a.kind == FEED:
        head = f"{a.name}: {result.action} from {shown_url(a.repo)}, {len(result.downloaded)} file(s) downloaded"
        notes = [f"  skipped {s.entry}: {s.reason}" for s in result.skipped]
    else:
        head = f"{a.name}: {result.action} at {a.commit[:12]} ({a.branch}) from {a.repo}"
        notes = []
    head += f": {change.summary()}" if change else ""
    return [head, *(f"  {line}" for line in (change.details() if change else ())), *notes]


def _warn_about_gold_coverage(file, coverage: tuple[int, int], settings: Settings) -> None:
    """Scoring against knowledge that lacks the set's documents prints zeros: say why first."""
    present, total = coverage
    if total and not present:
        folders = ", ".join(str(f) for f in settings.knowledge)
        print(f"warning: none of the {total} documents {file} expects answers from is in the knowledge "
              f"({folders}); every figure will be 0. Pass --knowledge with the archive it was written for.",
              file=sys.stderr)
    elif present < total:
        print(f"note: {total - present} of the {total} documents {file} expects answers from are not in "
              "the knowledge; their questions can't be hit.", file=sys.stderr)


def discord(args, settings: Settings) -> int:
    from bot.app.services import run_discord

    return run_discord(settings, sync=args.sync, guild_id=args.guild, clear=args.clear)


def slack(args, settings: Settings) -> int:
    from bot.app.services import run_slack

    return run_slack(settings, http=args.http, port=args.port)


def slack_manifest(args, settings: Settings) -> int:
    """The Slack app manifest for SLACK_COMMAND_PREFIX, Socket Mode or (--http URL) HTTP mode."""
    from bot.adapters.slack.manifest import manifest_json

    if args.http is not None and not args.http.startswith("https://"):
        raise UserError("--http takes the https:// URL Slack will post to, e.g. https://bot.example.org/slack/events")
    sys.stdout.write(manifest_json(settings.slack_command_prefix, args.http))
    return 0


def console(args, settings: Settings) -> int:
    from bot.adapters.console import run_console
    from bot.app.wiring import build_core

    return run_console(build_core(settings, rate_limit=False), args.user or login(), args.moderator)


def pins(args, settings: Settings) -> int:
    from bot.app.wiring import open_database, open_searcher
    from bot.core.context import utc_now
    from bot.core.pin_transfer import export_pins, import_pins
    from bot.store.pins import Actor, PinStore

    store = PinStore(open_database(settings))
    if args.pins_action == "export":
        count = export_pins(store, args.file)
        print(f"exported {count} pin{'s' if count != 1 else ''} to {args.file}")
        return 0
    searcher, _ = open_searcher(settings)
    at = utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
    counts = import_pins(store, args.file, searcher.index, Actor("cli", login(), login()), at, replace=args.replace)
    print(f"imported {args.file}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


def report(args, settings: Settings) -> int:
    from bot.app.wiring import open_database
    from bot.store.answers import AnswerLog

    require_between(args.n, "-n", 1, 10_000)
    lines = AnswerLog(open_database(settings)).report(limit=args.n)
    if not lines:
        print("Nothing to report: every question found an answer and none was marked unhelpful.")
        return 0
    print("Questions to pin next (most frequent first):")
    for line in lines:
        why = ", ".join(part for part in (
            f"{line.not_found}× not found" if line.not_found else "",
            f"{line.not_helpful}× not helpful" if line.not_helpful else "") if part)
        print(f"{line.total:>4}  {line.example}  ({why})")
    return 0


def require_between(value: int, flag: str, low: int, high: int) -> None:
    if not low <= value <= high:
        raise UserError(f"{flag} must be between {low} and {high}")


def episode_json(doc) -> dict:
    return {
        "doc": doc.doc_id, "title": doc.title, "season": doc.season, "episode": doc.episode,
        "guests": list(doc.guests), "released": doc.released, "url": doc.link_at(None),
        "description": doc.description,
        "chapters": [{"title": c.title, "start": c.sec, "url": doc.link_at(c.sec)} for c in doc.chapters],
    }


def login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "console"


def _answer(settings: Settings, command: str, text: str = "") -> str:
    """One command through the core, as the console's user; a refusal is a UserError."""
    from bot.app.wiring import build_core

    reply = build_core(settings, rate_limit=False).handle(Invocation(
        platform="cli", user_id=login(), user_name=login(), channel_id="cli", command=command, text=text))
    if reply.kind in (ERROR, REFUSED):
        raise UserError(reply.text)
    return reply.text


JOBS = {
    "ask": ask, "search": search, "latest": latest, "eval": evaluate, "index": index, "health": health,
    "sync": sync, "discord": discord, "slack": slack, "console": console, "pins": pins, "report": report,
    "store": store,
    "slack-manifest": slack_manifest,
}
