"""`python -m bot health`: exit 0 only with loadable knowledge and a writable data folder."""
from __future__ import annotations

import pytest

from bot.app.cli import main

from tests.fakes.knowledge import write_episode


@pytest.fixture
def knowledge(tmp_path):
    folder = tmp_path / "knowledge"
    write_episode(folder, "volunteering-in-ai", 17, 7, ["Volunteering with Omdena helped my career."])
    return folder


def test_healthy_builds_then_uses_the_cache(knowledge, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["health", "--knowledge", str(knowledge)]) == 0
    first = capsys.readouterr().out.strip().splitlines()
    assert len(first) == 1 and first[0].startswith("ok:") and "built" in first[0]
    assert main(["health", "--knowledge", str(knowledge)]) == 0
    assert "from cache" in capsys.readouterr().out


def test_missing_knowledge_is_unhealthy_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["health", "--knowledge", str(tmp_path / "nowhere")]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("unhealthy:") and "nowhere" in out[0]


def test_unwritable_data_folder_is_unhealthy(knowledge, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # chmod does not stop root; a file in the way does
    monkeypatch.setenv("BOT_DATA_DIR", str(blocker / "data"))
    assert main(["health", "--knowledge", str(knowledge)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "not writable" in out[0]


def test_knowledge_without_passages_is_unhealthy(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["health", "--knowledge", str(empty)]) == 1
    assert capsys.readouterr().out.startswith("unhealthy:")
