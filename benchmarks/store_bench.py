"""What the store costs one answered question, on both engines, beside retrieval (not a test).

Per question the store does: the rate-limit window, the pin match (its version check),
the answer log, and for Slack the de-duplication claim and its "answered" mark. This
times exactly those calls, N questions in a row, on
  - SQLite as the bot now uses it (kept connections, durability per write),
  - SQLite as the bot used it before (a connection opened and closed per operation,
    synchronous=FULL), the same SQL, as the baseline of this run,
  - PostgreSQL (a pool, the local test server; a fresh database, dropped afterwards),
and prints each p50/p99 beside the retrieval time (search, k=4) and `Core.handle` p50.

    .venv/bin/python benchmarks/store_bench.py [--questions 2000] [--repeat 3] [--knowledge DIR ...]
"""
from __future__ import annotations

import argparse
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.app.settings import Settings  # noqa: E402
from bot.app.wiring import build_core  # noqa: E402
from bot.core.matching import PinMatcher  # noqa: E402
from bot.models import Invocation, Moment  # noqa: E402
from bot.retrieval.cached_index import open_index  # noqa: E402
from bot.retrieval.search import Searcher  # noqa: E402
from bot.store.answers import AnswerLog, LoggedAnswer, new_answer_id  # noqa: E402
from bot.store.pins import Actor, PinEntry, PinStore  # noqa: E402
from bot.store.postgres import PostgresDatabase  # noqa: E402
from bot.store.rate_windows import RateLimitWindows  # noqa: E402
from bot.store.slack_claims import SlackClaims  # noqa: E402
from bot.store.sqlite import SqliteDatabase  # noqa: E402
from tests.fakes.stores import SERVER_URL, admin, drop_database, with_database  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "datatalksclub"
QUESTIONS = ("How do I find volunteering projects?", "What is a good hackathon strategy?",
             "How do I build a portfolio in machine learning?", "How do I get a mentor?",
             "How to start with open source?", "What does a data engineer do?")
PINS = 30
AT = "2025-06-01T12:00:00Z"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def seed_pins(db) -> PinStore:
    pins = PinStore(db)
    for i in range(PINS):
        question = f"pinned question number {i} about topic {i}"
        url = f"https://example.org/{i}"
        pins.add(PinEntry(question, question, Moment(text=f"See {url}", url=url)), Actor("bench", "m", "m"), AT)
    return pins


def entry(i: int, question: str) -> LoggedAnswer:
    return LoggedAnswer(answer_id=new_answer_id(), asked_at=AT, platform="slack", channel_id=f"C{i % 7}",
                        thread_id="", user_id=f"U{i % 1000}", question=question, normalized=question.lower(),
                        kind="answer", target=Moment(text="a quote", doc_id="doc", start=60, url="https://y.t/x"))


def store_share(db, n: int) -> list[float]:
    """Seconds per question spent in the store, as the core and the Slack adapter spend them."""
    pins = seed_pins(db)
    matcher = PinMatcher(lambda: [(p.pin_id, p.question) for p in pins.all()], pins.version)
    answers, limiter, claims = AnswerLog(db), RateLimitWindows(db, 5), SlackClaims(db)
    timings = []
    for i in range(n):
        question = QUESTIONS[i % len(QUESTIONS)]
        keys = (f"event:Ev{i}-{secrets.token_hex(2)}", f"msg:C1:{i}.{secrets.token_hex(2)}")
        started = time.perf_counter()
        limiter.try_acquire(f"slack:U{i % 1000}")
        claims.claim(*keys)
        matcher.match(question)
        answers.record(entry(i, question))
        claims.mark_answered(*keys)
        claims.release(*keys)
        timings.append(time.perf_counter() - started)
    return timings


def store_share_before(path: Path, n: int) -> list[float]:
    """The same pin check and answer log as before the one store: a connection opened and
    closed per operation with synchronous=FULL (the rate limit was in memory; the Slack
    claims had a kept connection of their own)."""
    db = SqliteDatabase(path)
    seed_pins(db)
    db.close()
    claims = sqlite3.connect(path.with_name("slack_state.sqlite3"), isolation_level=None)
    claims.execute("PRAGMA journal_mode=WAL")
    claims.execute("PRAGMA synchronous=NORMAL")
    claims.execute("CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, claimed_at REAL, answered_at REAL)")
    columns = "answer_id, asked_at, platform, channel_id, thread_id, user_id, question, normalized, kind"
    timings = []
    for i in range(n):
        question = QUESTIONS[i % len(QUESTIONS)]
        started = time.perf_counter()
        claims.execute("BEGIN IMMEDIATE")
        claims.execute("INSERT INTO claims (key, claimed_at) VALUES (?, ?)", (f"event:Ev{i}", time.time()))
        claims.execute("COMMIT")
        with _old_connection(path) as conn:
            conn.execute("SELECT coalesce(max(audit_id), 0) FROM pin_audit").fetchone()
        with _old_connection(path) as conn:
            conn.execute("BEGIN IMMEDIATE")
            e = entry(i, question)
            conn.execute(f"INSERT INTO answers ({columns}) VALUES ({', '.join('?' * 9)})",
                         (e.answer_id, e.asked_at, e.platform, e.channel_id, e.thread_id, e.user_id, e.question,
                          e.normalized, e.kind))
            conn.execute("COMMIT")
        claims.execute("UPDATE claims SET answered_at = ? WHERE key = ?", (time.time(), f"event:Ev{i}"))
        timings.append(time.perf_counter() - started)
    claims.close()
    return timings


class _old_connection:
    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=30, isolation_level=None)

    def __enter__(self) -> sqlite3.Connection:
        for pragma in ("busy_timeout = 30000", "foreign_keys = ON", "synchronous = FULL"):
            self.conn.execute(f"PRAGMA {pragma}")
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.close()


def handle_times(settings: Settings, db, searcher: Searcher, n: int) -> list[float]:
    from bot.knowledge_handle import KnowledgeHandle

    core = build_core(settings, KnowledgeHandle(searcher), db=db)
    timings = []
    for i in range(n):
        invocation = Invocation(platform="bench", user_id=f"U{i % 1000}", user_name="u", channel_id="C1",
                                command="ask", text=QUESTIONS[i % len(QUESTIONS)])
        started = time.perf_counter()
        core.handle(invocation)
        timings.append(time.perf_counter() - started)
    return timings


def search_times(searcher: Searcher, n: int) -> list[float]:
    timings = []
    for i in range(n):
        started = time.perf_counter()
        searcher.search(QUESTIONS[i % len(QUESTIONS)], 4)
        timings.append(time.perf_counter() - started)
    return timings


def one_run(searcher: Searcher, n: int, tmp: Path, run: int) -> dict[str, list[float]]:
    name = f"bot_bench_{secrets.token_hex(4)}"
    with admin() as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = with_database(SERVER_URL, name)
    results = {}
    try:
        for label, make in (("sqlite", lambda: SqliteDatabase(tmp / f"now{run}" / "bot.sqlite3")),
                            ("postgresql", lambda: PostgresDatabase(url))):
            db = make()
            results[label] = store_share(db, n)
            settings = Settings(data_dir=tmp / f"core{run}", rate_limit_per_minute=10**9)
            results[f"handle {label}"] = handle_times(settings, db, searcher, n // 2)
            db.close()
        (tmp / f"before{run}").mkdir()
        results["sqlite before"] = store_share_before(tmp / f"before{run}" / "bot.sqlite3", n)
        results["search"] = search_times(searcher, n)
    finally:
        drop_database(name)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--knowledge", action="append", type=Path,
                        help="knowledge folders (default: ../shared/corpus when present, else the sample)")
    args = parser.parse_args()
    folders = args.knowledge or ([CORPUS, REPO / "knowledge"] if CORPUS.is_dir() else [REPO / "knowledge"])
    with tempfile.TemporaryDirectory() as tmp:
        index = open_index(folders, Path(tmp) / "cache").index
        searcher = Searcher(index)
        print(f"{args.questions} questions per engine and run, {len(index.passages)} passages; "
              "store share = rate limit + Slack claim + pin match + answer log + answered mark")
        for run in range(args.repeat):
            r = one_run(searcher, args.questions, Path(tmp), run)
            p50 = {k: statistics.median(v) * 1000 for k, v in r.items()}
            p99 = {k: percentile(v, 99) * 1000 for k, v in r.items()}
            print(f"run {run + 1}: store share p50/p99 ms: SQLite {p50['sqlite']:.3f}/{p99['sqlite']:.3f}, "
                  f"PostgreSQL {p50['postgresql']:.3f}/{p99['postgresql']:.3f}, "
                  f"SQLite before {p50['sqlite before']:.3f}/{p99['sqlite before']:.3f} "
                  f"({p50['sqlite before'] / p50['sqlite']:.1f}x the SQLite share now); "
                  f"retrieval (search k=4) p50 {p50['search']:.3f} ms; "
                  f"Core.handle p50 SQLite {p50['handle sqlite']:.3f} ms, PostgreSQL {p50['handle postgresql']:.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
