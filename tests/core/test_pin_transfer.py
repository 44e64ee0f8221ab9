"""`pins export` / `pins import`: a YAML file moderators review; import is all-or-nothing."""
from __future__ import annotations

import textwrap

import pytest
import yaml

from bot.core.pin_transfer import export_pins, import_pins
from bot.errors import UserError
from bot.store.pins import Actor, PinStore

from tests.fakes.sample import ARTICLE_ID, EPISODE_ID, YOUTUBE_ID, invocation

CLI = Actor("cli", "ops", "ops")
AT = "2025-06-02T00:00:00Z"


def write(tmp_path, text: str):
    path = tmp_path / "pins.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def snapshot(db):
    store = PinStore(db)
    return store.all(), store.audit()


def test_export_then_import_into_a_fresh_store_round_trips(core, db, index, tmp_path):
    moderator = dict(moderator=True)
    core.handle(invocation("pin", "How do I join Omdena? | s17e07@26:25", **moderator))
    core.handle(invocation("pin", "alias 1 | how do I sign up for Omdena", **moderator))
    core.handle(invocation("pin", "Referral code? | See https://omdena.com/blog", **moderator))
    answered = core.handle(invocation("ask", "omdena referral code"))
    assert answered.answer.doc_id == ARTICLE_ID  # an article answer: no second to point at
    core.handle(invocation("pin", moderator=True, answer_id=answered.answer_id))
    path = tmp_path / "pins.yaml"
    assert export_pins(PinStore(db), path) == 3
    data = yaml.safe_load(path.read_text())
    assert data["pins"][0]["target"] == f"{EPISODE_ID}@26:25"
    assert data["pins"][0]["aliases"] == ["how do I sign up for Omdena"]
    assert data["pins"][1]["note"] == "See https://omdena.com/blog"
    assert data["pins"][2]["target"] == ARTICLE_ID and data["pins"][2]["quote"]

    from bot.store.sqlite import SqliteDatabase
    fresh = PinStore(SqliteDatabase(tmp_path / "fresh.sqlite3"))
    assert import_pins(fresh, path, index, CLI, AT) == {"added": 3, "updated": 0, "unchanged": 0, "removed": 0}
    assert [(p.question, p.target.doc_id, p.target.start, [a.phrase for a in p.aliases]) for p in fresh.all()] == \
        [(p.question, p.target.doc_id, p.target.start, [a.phrase for a in p.aliases]) for p in PinStore(db).all()]
    # Importing the same file again changes nothing and writes no history.
    audit_before = fresh.audit()
    assert import_pins(fresh, path, index, CLI, AT)["unchanged"] == 3
    assert fresh.audit() == audit_before


def test_malformed_file_changes_nothing_and_names_every_bad_entry(core, db, index, tmp_path):
    core.handle(invocation("pin", "How do I join Omdena? | s17e07@26:25", moderator=True))
    before = snapshot(db)
    path = write(tmp_path, f"""
        pins:
          - question: A good new pin
            target: {EPISODE_ID}@1:43
          - question: Unknown episode
            target: nope@10
          - question: Too late
            target: https://youtu.be/{YOUTUBE_ID}?t=99999
          - target: {EPISODE_ID}@10
          - question: Both
            target: {EPISODE_ID}@10
            note: see https://x.org
          - question: A good new pin
            target: {EPISODE_ID}@2:00
          - just a string
        """)
    with pytest.raises(UserError) as error:
        import_pins(PinStore(db), path, index, CLI, AT)
    message = str(error.value)
    assert "6 bad entries, nothing imported" in message
    for position, words in ((2, "No document `nope`"), (3, "beyond the end"), (4, "`question`"),
                            (5, "exactly one of"), (6, "also used by entry 1"), (7, "mapping")):
        assert any(line.strip().startswith(f"entry {position}") and words in line for line in message.splitlines())
    assert "entry 1 " not in message
    assert snapshot(db) == before


@pytest.mark.parametrize("text", ["pins: [unclosed", "pins: 42", "- question: [1, 2]\n  target: x@1"])
def test_unreadable_files_change_nothing(core, db, index, tmp_path, text):
    before = snapshot(db)
    with pytest.raises(UserError, match="nothing imported|not valid YAML"):
        import_pins(PinStore(db), write(tmp_path, text), index, CLI, AT)
    assert snapshot(db) == before


def test_a_conflict_found_while_writing_rolls_back_the_whole_import(core, db, index, tmp_path):
    core.handle(invocation("pin", "How do I join Omdena? | s17e07@26:25", moderator=True))
    core.handle(invocation("pin", "alias 1 | how do I sign up for Omdena", moderator=True))
    before = snapshot(db)
    path = write(tmp_path, f"""
        pins:
          - question: First new pin
            target: {EPISODE_ID}@1:43
          - question: How do I sign up for Omdena?
            target: {EPISODE_ID}@2:00
        """)
    with pytest.raises(UserError, match="already belongs to pin #1; nothing imported"):
        import_pins(PinStore(db), path, index, CLI, AT)
    assert snapshot(db) == before


def test_replace_removes_pins_missing_from_the_file(core, db, index, tmp_path):
    core.handle(invocation("pin", "Old question? | s17e07@26:25", moderator=True))
    path = write(tmp_path, f"""
        pins:
          - question: New question?
            target: {EPISODE_ID}@1:43
        """)
    counts = import_pins(PinStore(db), path, index, CLI, AT, replace=True)
    assert counts == {"added": 1, "updated": 0, "unchanged": 0, "removed": 1}
    assert [p.question for p in PinStore(db).all()] == ["New question?"]
    assert [a["action"] for a in PinStore(db).audit()][-2:] == ["unpin", "import"]
