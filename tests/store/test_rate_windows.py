"""The per-member question budget in the store (each test on SQLite and PostgreSQL): it
holds across replicas, also when they count the same member at the same moment."""
from __future__ import annotations

import threading

from bot.ratelimit import WINDOW_SECONDS
from bot.store.rate_windows import RateLimitWindows
from tests.fakes.sample import SecondsClock


def test_the_budget_holds_across_replicas_and_refills(open_db):
    clock = SecondsClock(1000.0)
    one, other = RateLimitWindows(open_db(), 3, clock), RateLimitWindows(open_db(), 3, clock)
    assert [one.try_acquire("slack:U1"), other.try_acquire("slack:U1"), one.try_acquire("slack:U1")] == [0, 0, 0]
    clock.now += 10
    assert other.try_acquire("slack:U1") == WINDOW_SECONDS - 10   # the first use leaves the window then
    assert one.try_acquire("slack:U2") == 0                        # members have their own budgets
    clock.now += WINDOW_SECONDS - 10
    assert other.try_acquire("slack:U1") == 0


def test_replicas_racing_for_one_member_let_exactly_the_budget_through(open_db):
    replicas = [RateLimitWindows(open_db(), 5, lambda: 1000.0) for _ in range(3)]
    admitted = []

    def ask(limiter) -> None:
        for _ in range(6):
            if limiter.try_acquire("slack:UBUSY") == 0:
                admitted.append(1)
    threads = [threading.Thread(target=ask, args=(r,)) for r in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(admitted) == 5


def test_zero_turns_the_limit_off_without_touching_the_store(db):
    assert all(RateLimitWindows(db, 0).try_acquire("slack:U1") == 0 for _ in range(20))
    assert not (db.engine == "sqlite" and db.path.exists())
