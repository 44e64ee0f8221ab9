"""Archive sync against a local git repository: clone, fast-forward, and failures that
leave the previous checkout and record serving."""
from __future__ import annotations

import pytest

from bot.ops.archives import archive_root, read_archives
from bot.app.cli import main
from bot.app import wiring
from bot.app.settings import Settings
from bot.retrieval.search import Searcher
from bot.retrieval.cached_index import open_index
from bot.ops.sync import SyncError, clean_path, name_from_url, sync_archive
from bot.ops.sync_status import read_sync_status

from tests.fakes.git_repo import ArchiveRepo, checkout_files as snapshot, git

PATHS = ("_podcast", "_people")


@pytest.fixture
def origin(tmp_path):
    repo = ArchiveRepo(tmp_path / "website")
    repo.add_episode("volunteering-in-ai", 17, 7, ["Volunteering with Omdena helped my career a lot."])
    repo.commit("first episode")
    return repo


def test_first_sync_clones_only_the_paths_and_joins_the_knowledge(origin, data_dir, tmp_path):
    outcome = sync_archive(data_dir, str(origin.path), paths=PATHS)
    root = archive_root(data_dir, "website")
    assert outcome.action == "cloned" and outcome.archive.branch == "main"
    assert sorted(p.name for p in root.iterdir() if p.name != ".git") == ["_people", "_podcast"]
    [record] = read_archives(data_dir)
    assert record.paths == PATHS and record.commit == git(origin.path, "rev-parse", "HEAD")
    settings = Settings.from_env({"BOT_SEMANTIC": "0", "BOT_DATA_DIR": str(data_dir), "BOT_KNOWLEDGE": str(tmp_path / "none")},
                                 knowledge=None)
    assert root in wiring.knowledge_sources(settings).folders()
    index = open_index([root], None).index
    hit = Searcher(index).search("volunteering omdena", 1).hits[0]
    assert hit.document.doc_id == "volunteering-in-ai"
    assert hit.document.guests == ("Sara El-Ateif",)  # _people resolved inside the sparse checkout


def test_new_commits_fast_forward_in_place(origin, data_dir):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    origin.add_episode("mlops-zoomcamp", 17, 8, ["Kubeflow pipelines for beginners."])
    head = origin.commit("second episode")
    outcome = sync_archive(data_dir, str(origin.path), paths=PATHS)
    assert outcome.action == "updated" and outcome.archive.commit == head
    assert (archive_root(data_dir, "website") / "_podcast" / "mlops-zoomcamp.md").exists()
    assert sync_archive(data_dir, str(origin.path), paths=PATHS).action == "unchanged"


def test_bad_url_on_first_sync_leaves_nothing(tmp_path, data_dir):
    with pytest.raises(SyncError, match="git clone failed"):
        sync_archive(data_dir, str(tmp_path / "no-such-repo"), paths=PATHS, name="website")
    assert not archive_root(data_dir, "website").exists() and read_archives(data_dir) == []
    assert [p.name for p in (data_dir / "archive").iterdir()] == [".sync.lock"]  # no temp folder left


def test_bad_url_later_keeps_the_previous_checkout(origin, data_dir, tmp_path):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    before, record = snapshot(archive_root(data_dir, "website")), read_archives(data_dir)
    with pytest.raises(SyncError):
        sync_archive(data_dir, str(tmp_path / "moved-away"), paths=PATHS, name="website")
    assert snapshot(archive_root(data_dir, "website")) == before and read_archives(data_dir) == record


def test_network_error_keeps_the_previous_checkout(origin, data_dir, tmp_path):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    before, record = snapshot(archive_root(data_dir, "website")), read_archives(data_dir)
    origin.path.rename(tmp_path / "unreachable")  # the remote vanishes: asking for its head fails
    with pytest.raises(SyncError, match="git ls-remote failed: fatal: .* does not appear to be a git repository"):
        sync_archive(data_dir, str(origin.path), paths=PATHS)
    assert snapshot(archive_root(data_dir, "website")) == before and read_archives(data_dir) == record


def test_rewritten_history_is_refused_until_fresh(origin, data_dir):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    root = archive_root(data_dir, "website")
    before, head = snapshot(root), git(root, "rev-parse", "HEAD")
    rewritten = origin.rewrite_last_commit()
    with pytest.raises(SyncError, match="not a fast-forward"):
        sync_archive(data_dir, str(origin.path), paths=PATHS)
    assert snapshot(root) == before and git(root, "rev-parse", "HEAD") == head
    assert sync_archive(data_dir, str(origin.path), paths=PATHS, fresh=True).archive.commit == rewritten


def test_missing_path_is_refused_on_clone_and_on_update(origin, data_dir):
    with pytest.raises(SyncError, match="_posts does not exist"):
        sync_archive(data_dir, str(origin.path), paths=("_podcast", "_posts"))
    assert not archive_root(data_dir, "website").exists()
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    before = snapshot(archive_root(data_dir, "website"))
    git(origin.path, "rm", "-q", "-r", "_people")
    origin.commit("people moved")
    with pytest.raises(SyncError, match="_people does not exist"):
        sync_archive(data_dir, str(origin.path), paths=PATHS)
    assert snapshot(archive_root(data_dir, "website")) == before


def test_a_checkout_without_knowledge_is_not_swapped_in(origin, data_dir):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    before = snapshot(archive_root(data_dir, "website"))
    with pytest.raises(SyncError, match="no usable knowledge"):
        sync_archive(data_dir, str(origin.path), paths=("_people",), name="website")
    assert snapshot(archive_root(data_dir, "website")) == before


def test_credentials_never_reach_the_record_or_the_error(data_dir):
    url = "https://bot:s3cret-token@127.0.0.1:9/website.git"  # port 9: refused at once
    with pytest.raises(SyncError) as failure:
        sync_archive(data_dir, url, paths=PATHS)
    assert "s3cret-token" not in str(failure.value)
    assert name_from_url(url) == "website"


@pytest.mark.parametrize("bad", ["../etc", "/abs", "a/../../b", "", "-c"])
def test_paths_must_stay_inside_the_repository(bad):
    with pytest.raises(SyncError):
        clean_path(bad)


def test_cli_sync_then_resync_all(origin, data_dir, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("BOT_DATA_DIR", str(data_dir))
    knowledge = tmp_path / "sample"
    knowledge.mkdir()
    args = ["--knowledge", str(knowledge)]
    assert main(["sync", "--repo", str(origin.path), "--path", "_podcast", "--path", "_people", *args]) == 0
    out = capsys.readouterr().out
    assert "website: cloned" in out and "knowledge: 1 episodes" in out
    origin.add_episode("mlops-zoomcamp", 17, 8, ["Kubeflow pipelines for beginners."])
    origin.commit()
    assert main(["sync", *args]) == 0  # no --repo: every recorded archive
    assert "website: updated" in capsys.readouterr().out
    assert main(["sync", "--path", "_podcast", *args]) == 2


def test_a_deleted_checkout_does_not_stop_the_bot(origin, data_dir, tmp_path):
    import shutil

    sync_archive(data_dir, str(origin.path), paths=PATHS)
    shutil.rmtree(archive_root(data_dir, "website"))
    settings = Settings.from_env({"BOT_SEMANTIC": "0", "BOT_DATA_DIR": str(data_dir), "BOT_KNOWLEDGE": str(tmp_path / "k")})
    assert wiring.knowledge_sources(settings).folders() == (tmp_path / "k",)


def break_every_episode(origin):
    for path in (origin.path / "_podcast").glob("*.md"):
        path.write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")  # YAML error: skipped on load
    return origin.commit("broken front matter")


def test_an_update_that_loads_no_document_is_not_swapped_in(origin, data_dir, monkeypatch, capsys, tmp_path):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    root = archive_root(data_dir, "website")
    before, record, head = snapshot(root), read_archives(data_dir), git(root, "rev-parse", "HEAD")
    break_every_episode(origin)
    with pytest.raises(SyncError, match="no usable knowledge"):
        sync_archive(data_dir, str(origin.path), paths=PATHS)
    assert snapshot(root) == before and git(root, "rev-parse", "HEAD") == head
    assert read_archives(data_dir) == record
    assert sorted(p.name for p in (data_dir / "archive").iterdir()) == [".sync.lock", "website"]
    monkeypatch.setenv("BOT_DATA_DIR", str(data_dir))
    (tmp_path / "sample").mkdir()
    assert main(["sync", "--knowledge", str(tmp_path / "sample")]) == 1
    [line] = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("failed: ")]  # logs share stdout
    assert "no usable knowledge" in line


def test_an_update_is_verified_beside_the_live_checkout_which_changes_only_by_rename(origin, data_dir, monkeypatch):
    import bot.ops.sync

    sync_archive(data_dir, str(origin.path), paths=PATHS)
    root = archive_root(data_dir, "website")
    before, checked = snapshot(root), []
    real_check = bot.ops.sync.check_revision

    def check(folder, *args):  # a reload at this moment must still see the old tree, whole
        checked.append((folder, snapshot(root)))
        return real_check(folder, *args)

    monkeypatch.setattr(bot.ops.sync, "check_revision", check)
    origin.add_episode("mlops-zoomcamp", 17, 8, ["Kubeflow pipelines for beginners."])
    head = origin.commit("second episode")
    assert sync_archive(data_dir, str(origin.path), paths=PATHS).action == "updated"
    [(folder, live_during_check)] = checked
    assert folder != root and folder.parent == root.parent and live_during_check == before
    assert git(root, "rev-parse", "HEAD") == head and (root / "_podcast" / "mlops-zoomcamp.md").exists()
    assert git(root, "status", "--porcelain") == ""
    assert not (root / ".git" / "objects" / "info" / "alternates").exists()  # no tie to the deleted old one
    assert git(root, "fsck", "--connectivity-only") is not None


def test_a_sync_killed_between_the_renames_puts_the_previous_checkout_back(origin, data_dir):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    root = archive_root(data_dir, "website")
    before = snapshot(root)
    root.rename(root.parent / ".website-old-123-45")  # as swap_in leaves it when killed there
    assert sync_archive(data_dir, str(origin.path), paths=PATHS).action == "unchanged"
    assert snapshot(root) == before
    assert sorted(p.name for p in (data_dir / "archive").iterdir()) == [".sync.lock", "website"]


def test_fresh_after_a_force_push_reclones_with_the_recorded_repository_and_paths(origin, data_dir, monkeypatch,
                                                                                   capsys, tmp_path):
    """The advice a refused update prints (`sync --fresh`) works as printed, and keeps the
    folder filter: the site's layouts and README never join the knowledge."""
    monkeypatch.setenv("BOT_DATA_DIR", str(data_dir))
    (tmp_path / "sample").mkdir()
    args = ["--knowledge", str(tmp_path / "sample")]
    assert main(["sync", "--repo", str(origin.path), "--path", "_podcast", "--path", "_people", *args]) == 0
    root = archive_root(data_dir, "website")
    rewritten = origin.rewrite_last_commit()
    assert main(["sync", *args]) == 1
    assert "run sync again with --fresh" in capsys.readouterr().out
    assert main(["sync", "--fresh", *args]) == 0
    assert "website: cloned" in capsys.readouterr().out
    assert git(root, "rev-parse", "HEAD") == rewritten
    assert sorted(p.name for p in root.iterdir() if p.name != ".git") == ["_people", "_podcast"]
    [record] = read_archives(data_dir)
    assert record.paths == PATHS and record.branch == "main"

    origin.rewrite_last_commit()
    assert main(["sync", "--fresh", "--repo", str(origin.path), *args]) == 0   # --repo without --path
    assert sorted(p.name for p in root.iterdir() if p.name != ".git") == ["_people", "_podcast"]
    assert read_archives(data_dir)[0].paths == PATHS
    [status] = read_sync_status(data_dir)   # what the services' /metrics report
    assert status.runs == {"cloned": 3, "failed": 1} and status.last_result == "cloned"
    assert status.last_success == status.last_run


def test_new_paths_replace_the_recorded_ones(origin, data_dir):
    sync_archive(data_dir, str(origin.path), paths=PATHS)
    origin.write("_posts/omdena.md", "# Omdena\n\nApply to a project on their website.\n")
    origin.commit("a post")
    outcome = sync_archive(data_dir, str(origin.path), paths=(*PATHS, "_posts"))
    assert outcome.action == "cloned" and outcome.archive.paths == (*PATHS, "_posts")
    assert (archive_root(data_dir, "website") / "_posts" / "omdena.md").exists()
