"""The pin store shared by two service processes (or replicas): no lost writes, and kill -9
safe, on both engines."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.models import Moment
from bot.store.pins import Actor, PinEntry, PinStore

WRITER = Path(__file__).with_name("pin_writer.py")
PER_WRITER = 300


def address(db) -> str:
    return db.url if db.engine == "postgresql" else str(db.path)


def start_writer(db, name: str, count: int, *extra: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, str(WRITER), address(db), name, str(count), *extra],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "READY"
    return process


def test_two_writer_processes_at_once_lose_no_pin(db):
    db.prepare()  # schema in place: both writers race only on pins
    writers = [start_writer(db, name, PER_WRITER) for name in ("slack", "discord")]
    for w in writers:
        w.stdin.write("go\n")
        w.stdin.flush()
    outputs = [w.communicate(timeout=60) for w in writers]
    for w, (out, err) in zip(writers, outputs):
        assert w.returncode == 0, err
    reported = [int(line) for out, _ in outputs for line in out.split()]

    pins = PinStore(db).all()
    assert len(pins) == 2 * PER_WRITER
    assert sorted(p.pin_id for p in pins) == sorted(reported)
    assert {p.question for p in pins} == {f"question {i} from {n}" for n in ("slack", "discord")
                                          for i in range(PER_WRITER)}
    assert len(PinStore(db).audit()) == 2 * PER_WRITER
    # Whether the two interleaved depends on the machine's scheduling (on a busy machine
    # one may finish before the other starts), so it is not asserted: no pin may be lost
    # either way.


def test_writer_killed_inside_a_transaction_leaves_every_committed_pin(db, open_db):
    writer = start_writer(db, "victim", 50, "--hang-after", "20")
    writer.stdin.write("go\n")
    writer.stdin.flush()
    committed = []
    for line in writer.stdout:
        if line.strip() == "IN_TRANSACTION":
            break
        committed.append(int(line))
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    assert writer.returncode == -signal.SIGKILL
    assert len(committed) == 20

    reopened = PinStore(open_db())  # like a restarted service
    pins = reopened.all()
    assert [p.pin_id for p in pins] == committed
    assert "question 20 from victim" not in {p.question for p in pins}  # the open transaction is gone
    if db.engine == "sqlite":
        with sqlite3.connect(db.path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The dead writer's lock is gone: the store takes new pins right away.
    question = "after the crash"
    pin, _ = reopened.add(PinEntry(question, question, Moment(text="https://example.org")),
                          Actor("test", "m", "m"), "2025-01-01T00:00:00Z")
    assert reopened.get(pin.pin_id).question == question


def test_writer_killed_at_a_random_moment_keeps_what_it_reported(db, open_db):
    writer = start_writer(db, "busy", 100_000)
    writer.stdin.write("go\n")
    writer.stdin.flush()
    reported = [int(writer.stdout.readline()) for _ in range(60)]
    writer.send_signal(signal.SIGKILL)  # it is somewhere in its next add
    writer.wait(timeout=10)
    stored = {p.pin_id for p in PinStore(open_db()).all()}
    assert set(reported) <= stored
