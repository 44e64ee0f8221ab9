"""A broken store must not look healthy, and must not cost a member their answer.

With the SQLite file truncated or read-only, or the PostgreSQL server gone: `health`
fails with a clear line; a question still gets its searched answer (logging it fails,
so the reply has no answer id and no feedback buttons, and the operator gets a log
line); pins and other moderator actions fail with a clear reply, not "something went
wrong"."""
from __future__ import annotations

import logging
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.adapters.slack.render import HELPFUL, render
from bot.app.cli import main
from bot.app.settings import Settings
from bot.app.wiring import build_core, open_database
from bot.store import open_database as open_store
from bot.models import ANSWER, ERROR, INFO
from bot.store.postgres import PostgresDatabase
from tests.fakes.sample import KNOWLEDGE, invocation
from tests.fakes.stores import admin

QUESTION = "How do I find volunteering projects?"
STORE_DOWN = "can't reach my database"


@contextmanager
def read_only(path: Path):
    """The file or folder can't be written, even by root (who ignores permission bits)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"running as root, and `chattr +i` is refused here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def settings_for(data_dir: Path, url: str = "") -> Settings:
    return Settings(semantic=False, knowledge=(KNOWLEDGE,), data_dir=data_dir, database_url=url, rate_limit_per_minute=5)


def core_on(data_dir: Path):
    """A core whose store breaks under it (as a running service's would): no check at start."""
    settings = settings_for(data_dir)
    return build_core(settings, db=open_store(settings.database_url, settings.data_dir))


def used_store(data_dir: Path) -> Path:
    """A store with pins and answers in it, closed (so everything is in the main file)."""
    settings = settings_for(data_dir)
    db = open_database(settings)
    core = build_core(settings, db=db)
    core.handle(invocation("pin", "How do I join Omdena? | See https://omdena.com/projects", moderator=True))
    for n in range(30):
        assert core.handle(invocation("ask", f"{QUESTION} {n}", user=f"u{n}")).answer_id
    db.close()
    return data_dir / "bot.sqlite3"


@pytest.fixture
def health(monkeypatch, capsys):
    """`python -m bot health` on a data folder (and a store URL): (exit code, its line)."""
    def run(data_dir: Path, url: str = "") -> tuple[int, str]:
        monkeypatch.setenv("BOT_DATA_DIR", str(data_dir))
        monkeypatch.setenv("BOT_DATABASE_URL", url)
        code = main(["health", "--knowledge", str(KNOWLEDGE)], dotenv=None, setup_logging=lambda **_: None)
        return code, capsys.readouterr().out.strip()
    return run


def assert_answers_but_refuses_pins(core, caplog, readable: bool = False) -> None:
    with caplog.at_level(logging.ERROR, logger="bot"):
        answer = core.handle(invocation("ask", QUESTION, user="member"))
    assert answer.kind == ANSWER and answer.answer and answer.answer_id is None
    assert HELPFUL not in str(render(answer).blocks)          # no buttons for an unlogged answer
    assert "logging the answer skipped, the store is unavailable" in caplog.text
    pinned = core.handle(invocation("pin", "Referral code? | See https://omdena.com", moderator=True))
    assert pinned.kind == ERROR and STORE_DOWN in pinned.text and pinned.error_ref in pinned.text
    listed = core.handle(invocation("pins", moderator=True))
    if readable:   # a read-only store still lists its pins
        assert listed.kind == INFO and "How do I join Omdena?" in listed.text
    else:
        assert listed.kind == ERROR and STORE_DOWN in listed.text


# -- SQLite ---------------------------------------------------------------------------

@pytest.mark.parametrize("keep", [100, None], ids=["header-only", "half"])
def test_a_truncated_file_is_unhealthy(tmp_path, health, keep):
    path = used_store(tmp_path / "data")
    data = path.read_bytes()
    path.write_bytes(data[: keep or len(data) // 2])
    code, line = health(tmp_path / "data")
    assert code == 1 and line.startswith("unhealthy: SQLite store") and str(path) in line


def test_a_truncated_file_still_answers_questions_and_refuses_pins_clearly(tmp_path, caplog):
    path = used_store(tmp_path / "data")
    path.write_bytes(path.read_bytes()[:100])
    assert_answers_but_refuses_pins(core_on(tmp_path / "data"), caplog)


def test_a_read_only_file_is_unhealthy_and_still_answers(tmp_path, health, caplog):
    path = used_store(tmp_path / "data")
    with read_only(path):
        code, line = health(tmp_path / "data")
        assert code == 1 and line.startswith("unhealthy: SQLite store") and "readonly" in line.replace("-", "")
        assert_answers_but_refuses_pins(core_on(tmp_path / "data"), caplog, readable=True)


def test_a_read_only_folder_still_answers(tmp_path, health, caplog):
    path = used_store(tmp_path / "data")
    with read_only(path.parent):
        code, line = health(tmp_path / "data")
        assert code == 1 and "not writable" in line
        assert_answers_but_refuses_pins(core_on(tmp_path / "data"), caplog)


def test_feedback_on_a_broken_store_says_so(tmp_path):
    path = used_store(tmp_path / "data")
    core = core_on(tmp_path / "data")
    answer_id = core.handle(invocation("ask", QUESTION, user="member")).answer_id
    path.write_bytes(path.read_bytes()[:100])
    voted = core.feedback("test", "member", answer_id, helpful=True)
    assert voted.kind == ERROR and STORE_DOWN in voted.text


# -- PostgreSQL ---------------------------------------------------------------------------

def test_an_unreachable_server_is_unhealthy_in_one_line(tmp_path, health):
    code, line = health(tmp_path / "data", "postgresql://bot:secret-pw@127.0.0.1:1/bot")
    assert code == 1 and line.startswith("unhealthy: PostgreSQL store 127.0.0.1:1/bot")
    assert "secret-pw" not in line and len(line.splitlines()) == 1


@pytest.fixture
def own_database(postgres_run):
    """A database this test may take away from the bot (connections refused, sessions ended)."""
    url = postgres_run.new_database()
    name = url.rsplit("/", 1)[1]

    def go_away() -> None:
        with admin() as conn:
            conn.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))

    def come_back() -> None:
        with admin() as conn:
            conn.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    yield url, go_away, come_back
    come_back()


def test_a_server_that_goes_away_costs_no_answer_and_is_unhealthy(tmp_path, own_database, health, caplog):
    url, go_away, come_back = own_database
    db = PostgresDatabase(url, wait_seconds=1, down_seconds=0)   # no fail-fast window: no timing in the test
    core = build_core(settings_for(tmp_path / "data", url), db=db)
    assert core.handle(invocation("ask", QUESTION, user="member")).answer_id
    assert core.handle(invocation("pin", "Referral code? | See https://omdena.com", moderator=True)).kind == INFO
    go_away()
    assert_answers_but_refuses_pins(core, caplog)
    code, line = health(tmp_path / "data", url)
    assert code == 1 and line.startswith("unhealthy: PostgreSQL store") and "accepting connections" in line
    come_back()
    back = core.handle(invocation("ask", "Referral code?", user="member"))   # the pool reconnects by itself
    assert back.answer_id and back.pin is not None
    db.close()


def test_a_service_does_not_start_on_a_store_it_cannot_use(tmp_path, monkeypatch, capsys):
    for name, value in {"BOT_DATA_DIR": str(tmp_path / "data"), "BOT_DATABASE_URL": "postgresql://127.0.0.1:1/bot",
                        "SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"}.items():
        monkeypatch.setenv(name, value)
    code = main(["slack", "--http", "--knowledge", str(KNOWLEDGE)], dotenv=None, setup_logging=lambda **_: None)
    assert code == 2 and "cannot open the database: PostgreSQL store 127.0.0.1:1/bot" in capsys.readouterr().err

