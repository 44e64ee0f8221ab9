"""A document in both a synced archive and a configured folder (the sample shipped in the
image holds s17e07, and so does the DataTalks.Club archive): the archive's copy is
served, so upstream fixes reach members, and `index` says which copy was kept."""
from __future__ import annotations

from bot.app import wiring
from bot.app.cli import main
from bot.app.settings import Settings
from bot.ops.archives import SyncedArchive, archive_root, record_archive
from tests.fakes.sample import EPISODE_ID, KNOWLEDGE

FIXED_TITLE = "Open Source and Volunteering (title fixed upstream)"


def synced_copy_of_the_sample_episode(data_dir):
    """What `sync` leaves: a checkout under data/archive/ and its record."""
    original = (KNOWLEDGE / f"{EPISODE_ID}.md").read_text(encoding="utf-8")
    fixed = original.replace("title: 'Open Source and Volunteering: Building AI Projects and Career Momentum'",
                             f"title: '{FIXED_TITLE}'", 1)
    assert fixed != original
    copy = archive_root(data_dir, "website") / "_podcast" / f"{EPISODE_ID}.md"
    copy.parent.mkdir(parents=True)
    copy.write_text(fixed, encoding="utf-8")
    record_archive(data_dir, SyncedArchive("website", "https://example.org/website.git", "main", ("_podcast",),
                                           "0" * 40, "2026-11-01T00:00:00Z"))
    return copy


def test_the_synced_archive_wins_over_the_configured_folder(data_dir):
    copy = synced_copy_of_the_sample_episode(data_dir)
    settings = Settings(semantic=False, knowledge=(KNOWLEDGE,), data_dir=data_dir)
    searcher, _ = wiring.open_searcher(settings)
    document = searcher.index.documents[EPISODE_ID]
    assert document.title == FIXED_TITLE and document.path == str(copy)
    [skipped] = searcher.index.skipped
    assert skipped.path == str(KNOWLEDGE / f"{EPISODE_ID}.md")
    assert "my-experience-with-omdena" in searcher.index.documents   # the rest of the sample still serves


def test_index_says_which_copy_was_kept(data_dir, monkeypatch, capsys):
    copy = synced_copy_of_the_sample_episode(data_dir)
    monkeypatch.setenv("BOT_DATA_DIR", str(data_dir))
    assert main(["index", "--knowledge", str(KNOWLEDGE)], dotenv=None, setup_logging=lambda **kw: None) == 0
    out = capsys.readouterr().out
    assert f"first wins for a document id found twice: {archive_root(data_dir, 'website')}, {KNOWLEDGE}" in out
    assert f"skipped {KNOWLEDGE / (EPISODE_ID + '.md')}: same document id as {copy}, which is kept" in out
