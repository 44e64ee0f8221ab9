"""What sync reports and refuses, through real git repositories: a revision that makes a
loaded file unloadable changes nothing unless its losses are accepted; a link out of the
checkout or an out-of-range value in a revision never reaches the index."""
from __future__ import annotations

import os

import pytest

from bot.app.cli import main
from bot.ops.archives import archive_root, read_archives
from bot.ops.sync import SyncError, sync_archive
from bot.retrieval.cached_index import open_index
from bot.retrieval.documents import SkippedFile

from tests.fakes.git_repo import ArchiveRepo, checkout_files as snapshot, git

PATHS = ("_podcast", "_people")
BROKEN = "---\ntitle: [unclosed\nseason: 1\n---\n"


@pytest.fixture
def origin(tmp_path):
    repo = ArchiveRepo(tmp_path / "website")
    repo.add_episode("volunteering-in-ai", 17, 7, ["Volunteering with Omdena helped my career a lot."])
    repo.add_episode("mlops-zoomcamp", 17, 8, ["Kubeflow pipelines for beginners."])
    repo.commit("two episodes")
    return repo


@pytest.fixture
def cli(data_dir, tmp_path, monkeypatch, capsys):
    """`python -m bot sync ARGS...`: (exit code, printed lines)."""
    monkeypatch.setenv("BOT_DATA_DIR", str(data_dir))
    (tmp_path / "sample").mkdir()

    def run(*args: str) -> tuple[int, list[str]]:
        code = main(["sync", *args, "--knowledge", str(tmp_path / "sample")])
        return code, capsys.readouterr().out.splitlines()
    return run


def test_a_revision_that_breaks_a_loaded_episode_is_refused_and_changes_nothing(origin, data_dir, cli):
    assert cli("--repo", str(origin.path), "--path", "_podcast", "--path", "_people")[0] == 0
    root = archive_root(data_dir, "website")
    before, record = snapshot(root), read_archives(data_dir)
    origin.write("_podcast/mlops-zoomcamp.md", BROKEN)
    broken = origin.commit("a typo in one episode")
    with pytest.raises(SyncError, match=r"skips 1 file\(s\) the live checkout loads: _podcast/mlops-zoomcamp.md "
                                        r"\(invalid YAML.*--accept-losses"):
        sync_archive(data_dir, str(origin.path), paths=PATHS)
    assert snapshot(root) == before and read_archives(data_dir) == record
    code, lines = cli()
    assert code == 1 and any(line.startswith(f"failed: revision {broken[:12]} skips 1 file") for line in lines)
    assert "mlops-zoomcamp" in open_index([root], None).index.documents  # still served


def test_accept_losses_takes_the_revision_and_reports_the_loss(origin, data_dir, cli):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    origin.write("_podcast/mlops-zoomcamp.md", BROKEN)
    origin.commit("a typo in one episode")
    code, lines = cli("--accept-losses")
    assert code == 0
    assert any(ln.startswith("website: updated at ") and ln.endswith(
        ": 0 added, 0 changed, 1 dropped, 1 skipped (1 loaded before)") for ln in lines), lines
    assert "  dropped: mlops-zoomcamp" in lines
    assert any(ln.startswith("  skipped: _podcast/mlops-zoomcamp.md (invalid YAML front matter at line 3")
               and ln.endswith("; loaded before)") for ln in lines), lines


def test_the_report_names_what_a_revision_adds_changes_and_drops(origin, data_dir):
    first = sync_archive(data_dir, str(origin.path), paths=PATHS)
    assert first.change.added == ("mlops-zoomcamp", "volunteering-in-ai") and not first.change.dropped
    origin.add_episode("new-episode", 17, 9, ["Brand new."])
    origin.add_episode("volunteering-in-ai", 17, 7, ["Volunteering with Omdena, said differently."])
    git(origin.path, "rm", "-q", "_podcast/mlops-zoomcamp.md")  # deleted upstream: reported, not refused
    origin.write("_podcast/_template.md", '---\ntitle: "{{ title }}"\nseason: {{ s }}\n---\n')
    origin.commit("one added, one changed, one deleted, a template")
    change = sync_archive(data_dir, str(origin.path), paths=PATHS).change
    assert (change.added, change.changed, change.dropped) == (("new-episode",), ("volunteering-in-ai",),
                                                              ("mlops-zoomcamp",))
    assert change.skipped == (SkippedFile("_podcast/_template.md",
                                          "template with {{ }} placeholders, not a document"),)
    assert change.lost == ()
    assert change.details()[:3] == ["added: new-episode", "changed: volunteering-in-ai",
                                    "dropped: mlops-zoomcamp"]


def test_an_unchanged_archive_reports_no_change(origin, data_dir, cli):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    code, lines = cli()
    assert code == 0 and [ln for ln in lines if ln.startswith("website:")][0].endswith(f"from {origin.path}")


def test_a_link_out_of_the_checkout_in_a_revision_is_reported_and_never_read(origin, data_dir, tmp_path,
                                                                                monkeypatch, cli):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / ".env").write_text("SLACK_BOT_TOKEN=xoxb-never-quote-me\n")
    monkeypatch.chdir(tmp_path / "app")  # the bot's working folder
    os.symlink("/proc/self/cwd/.env", origin.path / "_podcast" / "x.md")
    os.symlink("../../app/.env", origin.path / "_podcast" / "relative.md")
    origin.commit("links out of the archive")
    code, lines = cli()
    root = archive_root(data_dir, "website")
    index = open_index([root], tmp_path / "cache").index
    assert "xoxb" not in index.passages.blob.decode() and "x" not in index.documents
    assert os.path.islink(root / "_podcast" / "x.md")  # checked out as git has it, never followed
    assert code == 0
    assert any(ln.startswith("  skipped: _podcast/relative.md (symbolic link (not followed)), "
                             "_podcast/x.md (symbolic link (not followed))") for ln in lines), lines


def test_a_revision_with_a_second_past_int32_is_taken_and_the_bot_still_starts(origin, data_dir, cli, tmp_path):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    text = (origin.path / "_podcast" / "mlops-zoomcamp.md").read_text().replace("sec: 0\n", "sec: 2147483648\n")
    origin.write("_podcast/mlops-zoomcamp.md", text.replace("season: 17", "season: .inf"))
    origin.commit("hostile numbers")
    code, lines = cli()  # the command also warms the cache, which builds the index
    assert code == 0 and any("knowledge: 2 episodes" in ln for ln in lines), lines
    index = open_index([archive_root(data_dir, "website")], tmp_path / "cache").index
    assert index.documents["mlops-zoomcamp"].season is None
    assert [p.start for p in index.passages_of("mlops-zoomcamp")] == [0]  # the bad second inherited 0
