"""`python -m bot store migrate --to postgresql://...`: a SQLite store (here the data folder
the code before the one store left, carried over on the way) copied into PostgreSQL, with
every table counted on both sides."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.app.cli import main
from bot.store.answers import AnswerLog
from bot.store.migrations import TABLES
from bot.store.pins import Actor, PinEntry, PinStore
from bot.store.postgres import PostgresDatabase
from bot.models import Moment
from tests.fakes.legacy_data import legacy_data_folder


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return legacy_data_folder(tmp_path)


def migrate(data_dir: Path, url: str, capsys) -> tuple[int, str]:
    code = main(["store", "migrate", "--to", url, "--from", str(data_dir / "bot.sqlite3")],
                dotenv=None, setup_logging=lambda **_: None)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_everything_is_copied_and_counted(data_dir, postgres_url, capsys):
    code, out = migrate(data_dir, postgres_url, capsys)
    assert code == 0, out
    for table in TABLES:
        assert f"{table} " in out
    assert "MISMATCH" not in out and "set BOT_DATABASE_URL" in out
    db = PostgresDatabase(postgres_url)
    pins = PinStore(db)
    assert [(p.pin_id, p.question, len(p.aliases)) for p in pins.all()] == \
        [(1, "How do I join Omdena?", 1), (2, "Referral code?", 0)]
    fresh, _ = pins.add(PinEntry("New one", "new one", Moment(text="See https://x.org", url="https://x.org")),
                        Actor("slack", "U9", "mod"), "2025-07-01T00:00:00Z")
    assert fresh.pin_id == 4   # after the copied ids (3 was unpinned): no id is ever reused
    assert AnswerLog(db).last_for("U2", ("slack", "C1", "")).pin_id == 1
    db.close()


def test_a_target_that_holds_data_is_refused_and_left_alone(data_dir, postgres_url, capsys):
    assert migrate(data_dir, postgres_url, capsys)[0] == 0
    code, out = migrate(data_dir, postgres_url, capsys)
    assert code == 2 and "already holds data" in out and "pins: 2" in out


def test_the_target_must_be_postgresql(data_dir, capsys):
    code, out = migrate(data_dir, "sqlite:///elsewhere.db", capsys)
    assert code == 2 and "postgresql://" in out
