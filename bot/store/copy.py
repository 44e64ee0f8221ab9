"""Copying a whole store into another (`python -m bot store migrate --to postgresql://...`).

Every table, parents first, in one transaction on the target, which must be empty (a
half-copied store is never left behind: it all commits or none of it). Rows keep their
ids, and the target's counters start where the source's stood (SQLite remembers the
highest id ever given, so a removed pin's number is never handed out again: `/unpin 3`
in an old message must not hit a new pin). Afterwards each table's rows are counted on
both sides.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserError
from bot.store.database import Database, Session
from bot.store.migrations import NUMBERED, TABLES

BATCH = 1000


@dataclass(frozen=True)
class TableCount:
    name: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


def copy_store(source: Database, target: Database) -> list[TableCount]:
    taken = {table: n for table, n in _counts(target).items() if n}
    if taken:
        held = ", ".join(f"{table}: {n}" for table, n in taken.items())
        raise UserError(f"{target.describe()} already holds data ({held}); copy into an empty database")
    with source.read() as reading, target.write() as writing:
        for table in TABLES:
            _copy_table(reading, writing, table, in_order=source.engine == "sqlite")
        if target.engine == "postgresql":
            for table, column in NUMBERED.items():
                writing.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), ?, false)",
                                (_next_id(reading, table, column, source.engine),))
    before, after = _counts(source), _counts(target)
    return [TableCount(table, before[table], after[table]) for table in TABLES]


def _copy_table(reading: Session, writing: Session, table: str, in_order: bool) -> None:
    # SQLite's rowid is the order rows were written in; PostgreSQL numbers them again in that order.
    cursor = reading.execute(f"SELECT * FROM {table}" + (" ORDER BY rowid" if in_order else ""))
    columns = [d[0] for d in cursor.description if d[0] != "rowid"]
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    while rows := cursor.fetchmany(BATCH):
        writing.executemany(insert, [tuple(row[c] for c in columns) for row in rows])


def _next_id(reading: Session, table: str, column: str, engine: str) -> int:
    highest = reading.execute(f"SELECT coalesce(max({column}), 0) AS n FROM {table}").fetchone()["n"]
    if engine == "sqlite":   # AUTOINCREMENT's memory of ids given out, removed rows included
        row = reading.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        highest = max(highest, row["seq"] if row else 0)
    return highest + 1


def _counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {table: s.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"] for table in TABLES}
