"""Moderator-curated answers: pins, their aliases and an audit row for every change.

The store is dumb on purpose: callers resolve targets and normalise phrases (see
`bot.core.matching`); every method is one transaction, and every change writes its
audit row in the same transaction, so the trail can't disagree with the pins. Changes
are durable at commit and run one at a time (`PINS_LOCK`), also across replicas: a
phrase is checked free and taken in one step, and the audit ids grow in commit order, so
`version()` tells every process when to re-read.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, fields

from bot.models import Moment
from bot.store.database import Database, Session

log = logging.getLogger(__name__)

PINS_LOCK = "pins"


@dataclass(frozen=True)
class Actor:
    platform: str
    user_id: str
    user_name: str


@dataclass(frozen=True)
class Alias:
    phrase: str
    normalized: str


@dataclass(frozen=True)
class Pin:
    pin_id: int
    question: str
    normalized: str
    target: Moment
    pinned_by: str
    pinned_at: str
    uses: int = 0
    aliases: tuple[Alias, ...] = ()


@dataclass(frozen=True)
class PinEntry:
    """A pin to be written: what `add` and `import_entries` take."""

    question: str
    normalized: str
    target: Moment
    aliases: tuple[Alias, ...] = ()


# A moment is stored flat, one column per field; its text lives in the `quote` column.
MOMENT_COLUMNS = tuple("quote" if f.name == "text" else f.name for f in fields(Moment))


def moment_values(moment: Moment | None) -> list:
    return [None if moment is None else getattr(moment, f.name) for f in fields(Moment)]


def moment_from_row(row) -> Moment:
    return Moment(*(row[column] for column in MOMENT_COLUMNS))


ADD_ALIAS = ("INSERT INTO pin_aliases (pin_id, phrase, normalized, added_by, added_at) VALUES (?, ?, ?, ?, ?)"
             " ON CONFLICT (normalized) DO NOTHING")


class PhraseTaken(Exception):
    """An alias or question already belongs to another pin."""

    def __init__(self, pin_id: int) -> None:
        super().__init__(pin_id)
        self.pin_id = pin_id


class PinStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading -------------------------------------------------------------------
    def all(self) -> list[Pin]:
        with self.db.read() as conn:
            return _load_pins(conn)

    def get(self, pin_id: int) -> Pin | None:
        with self.db.read() as conn:
            return _load_pin(conn, pin_id)

    def version(self) -> int:
        """Grows with every change in any process: cheap cache key for matchers."""
        with self.db.read() as conn:
            return conn.execute("SELECT coalesce(max(audit_id), 0) AS version FROM pin_audit").fetchone()["version"]

    def audit(self) -> list[dict]:
        with self.db.read() as conn:
            return [dict(r) for r in conn.execute("SELECT * FROM pin_audit ORDER BY audit_id")]

    # -- changing ------------------------------------------------------------------
    def add(self, entry: PinEntry, actor: Actor, at: str) -> tuple[Pin, bool]:
        """Pin `entry`; a pin for the same normalised question gets the new target.

        Returns the pin and whether an existing one was replaced.
        """
        with self.db.write(lock=PINS_LOCK) as conn:
            pin_id, replaced = _upsert(conn, entry, actor, at)
            pin = _load_pin(conn, pin_id)
        log.info("pin #%d %s by %s (%s:%s): %r -> %s", pin_id, "replaced" if replaced else "added",
                 actor.user_name, actor.platform, actor.user_id, entry.question, _describe(entry.target))
        return pin, replaced

    def add_alias(self, pin_id: int, alias: Alias, actor: Actor, at: str) -> Pin | None:
        with self.db.write(lock=PINS_LOCK) as conn:
            if _load_pin(conn, pin_id) is None:
                return None
            _check_free(conn, alias.normalized, pin_id)
            conn.execute(ADD_ALIAS, (pin_id, alias.phrase, alias.normalized, actor.user_name, at))
            _audit(conn, actor, at, "alias", pin_id, {"alias": alias.phrase})
            pin = _load_pin(conn, pin_id)
        log.info("pin #%d alias %r added by %s (%s:%s)", pin_id, alias.phrase,
                 actor.user_name, actor.platform, actor.user_id)
        return pin

    def remove(self, pin_id: int, actor: Actor, at: str) -> Pin | None:
        with self.db.write(lock=PINS_LOCK) as conn:
            pin = _load_pin(conn, pin_id)
            if pin is None:
                return None
            conn.execute("DELETE FROM pin_aliases WHERE pin_id = ?", (pin_id,))
            conn.execute("DELETE FROM pins WHERE pin_id = ?", (pin_id,))
            _audit(conn, actor, at, "unpin", pin_id, {"question": pin.question, "target": _audit_moment(pin.target)})
        log.info("pin #%d removed by %s (%s:%s): %r", pin_id, actor.user_name, actor.platform,
                 actor.user_id, pin.question)
        return pin

    def record_use(self, pin_id: int, at: str) -> None:
        """A counter on the answer path: not worth a disk flush (see database.py)."""
        self.db.write_one("UPDATE pins SET uses = uses + 1, last_used_at = ? WHERE pin_id = ?", (at, pin_id),
                          durable=False)

    def import_entries(self, entries: list[PinEntry], actor: Actor, at: str, replace: bool) -> dict:
        """All entries in one transaction: every one is written, or none is."""
        counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
        with self.db.write(lock=PINS_LOCK) as conn:
            wanted = {e.normalized for e in entries}
            if replace:
                for row in conn.execute("SELECT pin_id, question, normalized FROM pins").fetchall():
                    if row["normalized"] not in wanted:
                        conn.execute("DELETE FROM pin_aliases WHERE pin_id = ?", (row["pin_id"],))
                        conn.execute("DELETE FROM pins WHERE pin_id = ?", (row["pin_id"],))
                        _audit(conn, actor, at, "unpin", row["pin_id"], {"question": row["question"], "by": "import"})
                        counts["removed"] += 1
            for entry in entries:
                existing = _load_pins(conn, "WHERE normalized = ?", (entry.normalized,))
                if existing and existing[0].question == entry.question and _same_target(existing[0].target, entry.target):
                    pin_id = existing[0].pin_id  # re-importing an export must not rewrite history
                    counts["unchanged"] += 1
                else:
                    pin_id, replaced = _upsert(conn, entry, actor, at, action="import")
                    counts["updated" if replaced else "added"] += 1
                known = {a.normalized for a in existing[0].aliases} if existing else set()
                for alias in entry.aliases:
                    if alias.normalized in known:
                        continue
                    _check_free(conn, alias.normalized, pin_id)
                    conn.execute(ADD_ALIAS, (pin_id, alias.phrase, alias.normalized, actor.user_name, at))
                    _audit(conn, actor, at, "import:alias", pin_id, {"alias": alias.phrase})
        log.info("pins imported by %s: %s", actor.user_name, counts)
        return counts


def _upsert(conn: Session, entry: PinEntry, actor: Actor, at: str, action: str = "pin") -> tuple[int, bool]:
    _check_free(conn, entry.normalized, None, aliases_only=True)
    row = conn.execute("SELECT pin_id FROM pins WHERE normalized = ?", (entry.normalized,)).fetchone()
    values = moment_values(entry.target)
    if row:
        pin_id = row["pin_id"]
        assignments = ", ".join(f"{c} = ?" for c in MOMENT_COLUMNS)
        conn.execute(f"UPDATE pins SET question = ?, {assignments}, pinned_by = ?, pinned_by_id = ?, platform = ?,"
                     " pinned_at = ? WHERE pin_id = ?",
                     (entry.question, *values, actor.user_name, actor.user_id, actor.platform, at, pin_id))
    else:
        columns = ", ".join(MOMENT_COLUMNS)
        marks = ", ".join("?" for _ in MOMENT_COLUMNS)
        pin_id = conn.execute(
            f"INSERT INTO pins (question, normalized, {columns}, pinned_by, pinned_by_id, platform, pinned_at)"
            f" VALUES (?, ?, {marks}, ?, ?, ?, ?) RETURNING pin_id",
            (entry.question, entry.normalized, *values, actor.user_name, actor.user_id, actor.platform, at),
        ).fetchone()["pin_id"]
    _audit(conn, actor, at, action if not row else f"{action}:replace", pin_id,
           {"question": entry.question, "target": _audit_moment(entry.target)})
    return pin_id, bool(row)


def _same_target(a: Moment, b: Moment) -> bool:
    """Same moment (or same note): a re-resolved quote of the same second is no change."""
    if a.from_document and a.start is not None:
        return (a.doc_id, a.start) == (b.doc_id, b.start)
    return (a.doc_id, a.start, a.text) == (b.doc_id, b.start, b.text)


def _check_free(conn: Session, normalized: str, pin_id: int | None, aliases_only: bool = False) -> None:
    """A phrase may belong to one pin only, or matching would be ambiguous."""
    owner = conn.execute("SELECT pin_id FROM pin_aliases WHERE normalized = ?", (normalized,)).fetchone()
    if owner is None and not aliases_only:
        owner = conn.execute("SELECT pin_id FROM pins WHERE normalized = ?", (normalized,)).fetchone()
    if owner is not None and owner["pin_id"] != pin_id:
        raise PhraseTaken(owner["pin_id"])


def _audit(conn: Session, actor: Actor, at: str, action: str, pin_id: int | None, detail: dict) -> None:
    conn.execute("INSERT INTO pin_audit (at, platform, actor_id, actor_name, action, pin_id, detail)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (at, actor.platform, actor.user_id, actor.user_name, action, pin_id,
                  json.dumps(detail, ensure_ascii=False)))


def _load_pin(conn: Session, pin_id: int) -> Pin | None:
    found = _load_pins(conn, "WHERE pin_id = ?", (pin_id,))
    return found[0] if found else None


def _load_pins(conn: Session, where: str = "", params: tuple = ()) -> list[Pin]:
    rows = conn.execute(f"SELECT * FROM pins {where} ORDER BY pin_id", params).fetchall()
    aliases: dict[int, list[Alias]] = {}
    for a in conn.execute(f"SELECT pin_id, phrase, normalized FROM pin_aliases"
                          f" WHERE pin_id IN (SELECT pin_id FROM pins {where}) ORDER BY alias_id", params):
        aliases.setdefault(a["pin_id"], []).append(Alias(a["phrase"], a["normalized"]))
    return [Pin(r["pin_id"], r["question"], r["normalized"], moment_from_row(r),
                r["pinned_by"], r["pinned_at"], r["uses"], tuple(aliases.get(r["pin_id"], ())))
            for r in rows]


def _describe(target: Moment) -> str:
    if target.from_document:
        return f"{target.doc_id}@{target.start}"
    return f"text {target.text[:60]!r}"


def _audit_moment(moment: Moment) -> dict:
    """The moment as the audit trail has always written it (its text under `quote`)."""
    return dict(zip(MOMENT_COLUMNS, moment_values(moment)))
