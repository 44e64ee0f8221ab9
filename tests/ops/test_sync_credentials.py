"""A private archive over HTTP: the token is used for each sync and never stored."""
from __future__ import annotations

import logging

import pytest

from bot.ops.archives import archive_root, read_archives
from bot.ops.sync import SyncError, resync_all, sync_archive

from tests.fakes.git_http import PrivateGitServer
from tests.fakes.git_repo import ArchiveRepo, git

TOKEN = "s3cret-token"
PATHS = ("_podcast", "_people")


@pytest.fixture
def host(tmp_path):
    origin = ArchiveRepo(tmp_path / "host" / "website")
    origin.add_episode("volunteering-in-ai", 17, 7, ["Volunteering with Omdena helped my career a lot."])
    origin.commit("first episode")
    git(origin.path, "config", "uploadpack.allowFilter", "true")  # like GitHub: partial clones work
    with PrivateGitServer(tmp_path / "host", TOKEN) as server:
        yield origin, server


def files_mentioning(folder, secret):
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_a_token_in_the_url_is_used_once_and_never_written(host, tmp_path, monkeypatch, caplog):
    origin, server = host
    monkeypatch.delenv("BOT_SYNC_TOKEN", raising=False)
    data_dir = tmp_path / "data"
    with caplog.at_level(logging.DEBUG):
        outcome = sync_archive(data_dir, server.url("website", f"bot:{TOKEN}"), paths=PATHS)
    root = archive_root(data_dir, "website")
    assert outcome.action == "cloned" and (root / "_podcast" / "volunteering-in-ai.md").exists()
    assert git(root, "remote", "get-url", "origin") == server.url("website")
    assert files_mentioning(data_dir, TOKEN) == [] and TOKEN not in caplog.text
    assert read_archives(data_dir)[0].repo == server.url("website")

    origin.add_episode("mlops-zoomcamp", 17, 8, ["Kubeflow pipelines for beginners."])
    head = origin.commit("second episode")
    [failure] = resync_all(data_dir)  # no token anywhere now: the host refuses
    assert isinstance(failure, SyncError) and TOKEN not in str(failure)
    monkeypatch.setenv("BOT_SYNC_TOKEN", TOKEN)
    with caplog.at_level(logging.DEBUG):
        [outcome] = resync_all(data_dir)
    assert outcome.action == "updated" and outcome.archive.commit == head
    assert (root / "_podcast" / "mlops-zoomcamp.md").exists()
    assert files_mentioning(data_dir, TOKEN) == [] and TOKEN not in caplog.text
    assert git(root, "remote", "get-url", "origin") == server.url("website")


def test_a_checkout_that_stored_a_token_is_cleaned_on_the_next_sync(host, tmp_path, monkeypatch):
    origin, server = host
    monkeypatch.setenv("BOT_SYNC_TOKEN", TOKEN)
    data_dir = tmp_path / "data"
    sync_archive(data_dir, server.url("website"), paths=PATHS)
    root = archive_root(data_dir, "website")
    git(root, "remote", "set-url", "origin", server.url("website", f"bot:{TOKEN}"))  # as older versions left it
    assert resync_all(data_dir)[0].action == "unchanged"
    assert files_mentioning(data_dir, TOKEN) == []
