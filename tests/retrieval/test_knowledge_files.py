"""Hostile knowledge folders: links out of the folder, special files, odd names and
sizes. The bot never reads outside the folder it was given, never blocks on a file,
and one such entry never stops the rest from loading (or the cache from being built)."""
from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path

import pytest

from bot.retrieval.cache import FileDigests, knowledge_fingerprint
from bot.retrieval.cached_index import open_index
from bot.retrieval.knowledge_files import MAX_FILE_BYTES, UnreadableFile, read_inside, scan_folder
from bot.retrieval.loader import load_knowledge

from tests.fakes.knowledge import episode_text, write

SECRET = "SLACK_BOT_TOKEN=xoxb-never-quote-me"


@pytest.fixture
def folder(tmp_path):
    """A knowledge folder with one good episode, and a secret just outside it."""
    knowledge = tmp_path / "knowledge"
    write(knowledge, "_podcast/good.md", episode_text(title="Good", guests=("guest1",)))
    write(tmp_path, "outside/.env", SECRET + "\n")
    write(tmp_path, "outside/guest1.md", '---\ntitle: "Leaked Name"\n---\n')
    write(tmp_path, "outside/post.md", f"# Tokens\n\nThe token is {SECRET}.\n")
    return knowledge


def load_in_time(folders, seconds=20.0):
    """load_knowledge in a thread: a loader that opens a FIFO would block forever."""
    result = {}
    worker = threading.Thread(target=lambda: result.update(k=load_knowledge(folders)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "loading blocked"
    return result["k"]


def every_text(folder, cache_dir=None) -> str:
    index = open_index([folder], cache_dir).index
    documents = " ".join(str(d) for d in index.documents.values())
    return index.passages.blob.decode() + documents


def reasons(knowledge) -> dict[str, str]:
    return {Path(s.path).name: s.reason for s in knowledge.skipped}


def test_a_link_to_the_bots_own_env_file_is_never_read_or_quoted(folder, tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path / "outside")  # the bot's working folder, where its .env lives
    (folder / "_posts").mkdir()
    os.symlink("/proc/self/cwd/.env", folder / "_posts" / "x.md")
    os.symlink("../../outside/post.md", folder / "_posts" / "relative.md")
    with caplog.at_level(logging.WARNING):
        knowledge = load_in_time([folder])
    assert reasons(knowledge) == {"x.md": "symbolic link (not followed)",
                                  "relative.md": "symbolic link (not followed)"}
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert "x.md: symbolic link" in warnings and "relative.md: symbolic link" in warnings
    assert "xoxb" not in every_text(folder, tmp_path / "cache")


def test_linked_folders_and_people_are_not_followed(folder, tmp_path):
    os.symlink(tmp_path / "outside", folder / "_podcast" / "more")
    os.symlink(tmp_path / "outside", folder / "_people")  # guest names from outside the folder
    knowledge = load_in_time([folder])
    [good] = knowledge.documents
    assert good.document.guests == ("Guest",)  # the transcript's name for guest1, not "Leaked Name"
    assert reasons(knowledge) == {"more": "symbolic link (not followed)", "_people": "symbolic link (not followed)"}
    assert "xoxb" not in every_text(folder)


def test_a_link_inside_the_folder_is_not_followed_either(folder):
    os.symlink("good.md", folder / "_podcast" / "alias.md")
    knowledge = load_in_time([folder])
    assert [d.document.doc_id for d in knowledge.documents] == ["good"]
    assert reasons(knowledge) == {"alias.md": "symbolic link (not followed)"}


def test_the_folder_given_may_itself_be_a_link(folder, tmp_path):
    os.symlink(folder, tmp_path / "link")
    assert [d.document.doc_id for d in load_in_time([tmp_path / "link"]).documents] == ["good"]


def test_fifos_sockets_and_devices_are_skipped_without_being_opened(folder, tmp_path):
    os.mkfifo(folder / "_podcast" / "pipe.md")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "_podcast" / "sock.md"))
    try:
        os.mknod(folder / "_podcast" / "zero.md", 0o600 | 0o020000, os.makedev(1, 5))  # /dev/zero
        device = True
    except PermissionError:
        device = False
    try:
        knowledge = load_in_time([folder])
        key = knowledge_fingerprint([folder])  # the fingerprint doesn't block on them either
    finally:
        server.close()
    found = reasons(knowledge)
    assert found.pop("pipe.md") == "not a regular file (a FIFO)"
    assert found.pop("sock.md") == "not a regular file (a socket)"
    assert found == ({"zero.md": "not a regular file (a device)"} if device else {})
    assert len(key) == 64


def test_hidden_files_and_folders_named_like_files_are_skipped(folder):
    write(folder, "_podcast/.draft.md", episode_text(title="Draft"))
    write(folder, ".git/HEAD.md", "# not knowledge\n\nat all\n")
    write(folder, "_podcast/folder.md/inner.md", episode_text(title="Inner"))
    knowledge = load_in_time([folder])
    assert [d.document.doc_id for d in knowledge.documents] == ["good"]
    assert reasons(knowledge) == {".draft.md": "hidden file", "folder.md": "folder named like a knowledge file"}


def test_names_that_are_not_clean_text_are_skipped_and_the_cache_still_builds(folder, tmp_path):
    write(folder, os.fsdecode(b"_podcast/bad\xff.md"), episode_text(title="Bad bytes"))
    write(folder, "_podcast/new\nline.md", episode_text(title="Forged log line"))
    knowledge = load_in_time([folder])
    assert sorted(s.reason for s in knowledge.skipped) == ["name has control characters", "name is not UTF-8"]
    assert "Bad bytes" not in every_text(folder, tmp_path / "cache")  # writing the cache did not fail


def test_a_file_over_the_size_cap_is_skipped(folder):
    write(folder, "_posts/huge.md", b"# Big\n\n" + b"word " * (MAX_FILE_BYTES // 5))
    knowledge = load_in_time([folder])
    assert reasons(knowledge) == {"huge.md": "larger than the 5 MB limit"}


def test_reading_never_trusts_the_size_on_disk():
    """/proc files report size 0: the reader reads until the end, and only up to the cap."""
    root = os.path.realpath("/proc/self")
    assert os.stat("/proc/self/status").st_size == 0
    assert b"Name:" in read_inside(Path("/proc/self/status"), root)
    with pytest.raises(UnreadableFile, match="larger than"):
        read_inside(Path("/proc/self/status"), root, limit=10)


def test_reading_refuses_a_path_that_resolves_outside_the_folder(folder, tmp_path):
    os.symlink(tmp_path / "outside", folder / "_podcast" / "out")
    with pytest.raises(UnreadableFile, match="outside the knowledge folder"):
        read_inside(folder / "_podcast" / "out" / ".env", os.path.realpath(folder))


def test_one_unreadable_file_does_not_fail_the_fingerprint():
    """`/proc/self/mem` is a regular file that fails to read (EIO): its digest says so."""
    digests = FileDigests()
    first = digests.digest(Path("/proc/self/mem"), os.path.realpath("/proc/self"))
    assert first == digests.digest(Path("/proc/self/mem"), os.path.realpath("/proc/self"))


def test_the_fingerprint_neither_reads_through_links_nor_fails_on_them(folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path / "outside")
    before = knowledge_fingerprint([folder])
    os.symlink("/proc/self/mem", folder / "_podcast" / "mem.md")
    with_link = knowledge_fingerprint([folder])
    assert with_link != before  # the refused link is part of what changed...
    (tmp_path / "outside" / ".env").write_text("SLACK_BOT_TOKEN=rotated\n")
    os.symlink("/proc/self/cwd/.env", folder / "_podcast" / "env.md")
    key = knowledge_fingerprint([folder])
    (tmp_path / "outside" / ".env").write_text("SLACK_BOT_TOKEN=rotated-again\n")
    assert knowledge_fingerprint([folder]) == key  # ...but never what it points at


def test_one_rule_decides_for_loader_people_and_fingerprint(folder):
    write(folder, "_people/guest1.md", '---\ntitle: "Ada Lovelace"\n---\n')
    os.symlink("guest1.md", folder / "_people" / "linked.md")
    scan = scan_folder(folder)
    assert [f.relative for f in scan.files] == ["_people/guest1.md", "_podcast/good.md"]
    assert [f.person for f in scan.files] == [True, False]
    knowledge = load_in_time([folder])
    assert knowledge.documents[0].document.guests == ("Ada Lovelace",)
    assert {s.path for s in knowledge.skipped} == {s.path for s in scan.refused}
