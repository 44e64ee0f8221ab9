"""`python -m bot sync`: clone or fast-forward an archive repository into the data folder.

The checkout lives at `data_dir/archive/<name>` and is recorded in `archives.json`
(see archives.py), which makes it a knowledge folder for every bot reading that data
folder; their live reload notices the change. With `--path`, the checkout is sparse:
only those folders exist in it.

Whatever fails (bad URL, network, a rewritten history, a missing `--path`, files that
no longer load) leaves the previous checkout and record untouched, so the previous
knowledge keeps serving. The live checkout is never changed in place (a reload in the
middle of a merge would see half a tree): every new revision is cloned into a hidden
sibling folder, checked (the paths exist, it is a fast-forward, at least one document
loads, no file the live checkout loads is skipped now, the index builds), and swapped in
with two renames. What the revision adds, changes, drops and skips is compared with the
live checkout (sync_report.py) and returned with the outcome. A routine update asks the remote for the
branch head first and clones with `--reference` to the live checkout, so an unchanged
archive costs one round trip and a changed one downloads only the new objects.
Git runs as in gitcmd.py: no shell, no prompts, credentials never stored.
"""
from __future__ import annotations

import dataclasses
import logging
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot.ops.archives import GIT, SyncedArchive, archive_root, read_archives, record_archive, redact_url, valid_name
from bot.ops.folder_swap import incoming_folder, remove_leftovers, swap_in, sync_lock
from bot.ops.git_command import Auth, SyncError, auth_for, clean_url, git as _git
from bot.ops.sync_report import KnowledgeChange, check_revision
from bot.ops.sync_status import recorded_sync
from bot.progress import Progress, labelled, no_progress

log = logging.getLogger(__name__)

__all__ = ["SyncError", "SyncOutcome", "sync_archive", "resync_all", "clean_path", "name_from_url"]


@dataclass(frozen=True)
class SyncOutcome:
    archive: SyncedArchive
    action: str                   # "cloned", "updated" or "unchanged"
    previous_commit: str | None
    change: KnowledgeChange | None = None  # what the new revision changed; None when unchanged

    @property
    def changed(self) -> bool:
        return self.action != "unchanged"


@dataclass(frozen=True)
class _Revision:
    """What to fetch and how to judge it."""
    url: str
    branch: str | None
    paths: tuple[str, ...]
    auth: Auth | None
    accept_losses: bool
    progress: Progress = no_progress


def sync_archive(data_dir: Path, repo: str, branch: str | None = None, paths=None,
                 name: str | None = None, fresh: bool = False, accept_losses: bool = False,
                 progress: Progress = no_progress) -> SyncOutcome:
    """Clone or fast-forward; `accept_losses` takes a revision that skips files the live
    checkout loads (refused otherwise). An archive synced before keeps its recorded paths
    when `paths` is None, and its branch when `branch` is None and the repository is the
    same: `--fresh` re-clones what was there, not the whole repository."""
    name = name or name_from_url(repo)
    if not valid_name(name):
        raise SyncError(f"archive name {name!r} must be letters, digits, '.', '_' or '-' (use --name)")
    if any(a.name == name and a.kind != GIT for a in read_archives(data_dir)):
        raise SyncError(f"archive {name} is a podcast feed; give the repository another --name")
    auth, url = auth_for(repo), clean_url(repo)
    progress = labelled(progress, name)
    with sync_lock(data_dir):
        return recorded_sync(data_dir, name, lambda: _sync_locked(data_dir, url, auth, branch, paths, name, fresh,
                                                                  accept_losses, progress))


def _sync_locked(data_dir: Path, url: str, auth: Auth | None, branch: str | None, paths, name: str,
                 fresh: bool, accept_losses: bool, progress: Progress) -> SyncOutcome:
    """sync_archive's work, under the sync lock."""
    recorded = next((a for a in read_archives(data_dir) if a.name == name), None)
    if paths is None:
        paths = recorded.paths if recorded else ()
    if branch is None and recorded and recorded.branch and clean_url(recorded.repo) == url:
        branch = recorded.branch
    paths = tuple(clean_path(p) for p in paths)
    remove_leftovers(data_dir, name)
    root = archive_root(data_dir, name)
    current = _checkout_state(root)
    previous = current[2] if current else None
    reuse = (current is not None and not fresh and clean_url(current[0]) == url
             and (branch is None or branch == current[1])
             and recorded is not None and paths == recorded.paths)
    revision = _Revision(url, branch, paths, auth, accept_losses, progress)
    if reuse:
        action, branch, commit, change = _update(root, revision, current)
    else:
        action, branch, commit, change = _clone_and_swap(root, revision)
    archive = SyncedArchive(name, url, branch, paths, commit,
                            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    record_archive(data_dir, archive)
    log.info("archive %s %s at %s from %s%s", name, action, commit[:12], archive.repo,
             f": {change.summary()}" if change else "")
    return SyncOutcome(archive, action, previous, change)


def resync_all(data_dir: Path, accept_losses: bool = False, fresh: bool = False,
               progress: Progress = no_progress) -> list[SyncOutcome | SyncError]:
    """Sync every recorded git archive again, from the origin its checkout remembers, with
    its recorded branch and paths (`fresh`: re-cloned)."""
    results: list[SyncOutcome | SyncError] = []
    for archive in (a for a in read_archives(data_dir) if a.kind == GIT):
        state = _checkout_state(archive_root(data_dir, archive.name))
        repo = state[0] if state else archive.repo
        try:
            results.append(sync_archive(data_dir, repo, archive.branch or None, archive.paths, archive.name,
                                        fresh=fresh, accept_losses=accept_losses, progress=progress))
        except SyncError as exc:
            log.error("sync of archive %s failed: %s", archive.name, exc)
            results.append(exc)
    return results


def clean_path(path: str) -> str:
    """A folder inside the repository, as git names it; nothing that escapes it."""
    pure = PurePosixPath(path.strip().replace("\\", "/"))
    parts = [p for p in pure.parts if p not in ("", ".", "/")]
    if pure.is_absolute() or not parts or ".." in parts or any(p.startswith("-") for p in parts):
        raise SyncError(f"--path {path!r} must be a folder inside the repository, like _podcast")
    return "/".join(parts)


def name_from_url(repo: str) -> str:
    tail = re.split(r"[/:]", redact_url(repo).rstrip("/"))[-1]
    tail = tail[:-4] if tail.endswith(".git") else tail
    return re.sub(r"[^A-Za-z0-9._-]", "-", tail).strip(".-") or "archive"


def _update(root: Path, revision: _Revision, current: tuple[str, str, str]):
    origin, branch, before = current
    url = revision.url
    if origin != url:  # a checkout from before credentials were kept out of .git/config
        _git(["remote", "set-url", "origin", url], root)
    heads = _git(["ls-remote", "--heads", "--", url, f"refs/heads/{branch}"], root, auth=revision.auth)
    target = next((ln.split()[0] for ln in heads.splitlines() if ln.endswith(f"\trefs/heads/{branch}")), None)
    if target is None:
        raise SyncError(f"branch {branch} no longer exists in the repository")
    if target == before:
        return "unchanged", branch, before, None
    following = dataclasses.replace(revision, branch=branch)
    _, _, commit, change = _clone_and_swap(root, following, reference=root, before=before)
    return "updated", branch, commit, change


def _clone_and_swap(root: Path, revision: _Revision, reference: Path | None = None,
                    before: str | None = None) -> tuple[str, str, str, KnowledgeChange]:
    """Clone into a hidden sibling, check it, swap it in; the live checkout is only renamed."""
    url, branch, paths, auth = revision.url, revision.branch, revision.paths, revision.auth
    incoming = incoming_folder(root)
    revision.progress("cloning", None, None)
    try:
        args = ["clone", "--quiet", "--no-checkout"]
        if branch:
            args += ["--branch", branch]
        if paths and ("://" in url or "@" in url):
            args.append("--filter=blob:none")  # fetch only the blobs the sparse paths need
        if reference is not None:
            # Objects the live checkout has aren't downloaded again; --dissociate copies them,
            # so the new checkout doesn't depend on the old one, which is deleted after the swap.
            args += ["--reference-if-able", str(reference), "--dissociate"]
        _git([*args, "--", url, str(incoming)], None, auth=auth)
        branch = _git(["symbolic-ref", "--short", "HEAD"], incoming)
        if before and _git(["merge-base", "--is-ancestor", before, "HEAD"], incoming, check=False) is None:
            raise SyncError(f"branch {branch} is not a fast-forward of the checked-out {before[:12]} "
                            "(history was rewritten upstream); run sync again with --fresh to re-clone")
        _require_paths(incoming, "HEAD", paths, branch)
        if paths:
            _git(["sparse-checkout", "set", "--no-cone", *(f"/{p}" for p in paths)], incoming)
        _git(["checkout", "--quiet", branch], incoming, auth=auth)  # may fetch the blobs it needs
        commit = _git(["rev-parse", "HEAD"], incoming)
        change = check_revision(incoming, root if root.is_dir() else None, revision.accept_losses,
                                f"revision {commit[:12]}", revision.progress)
        swap_in(incoming, root)
        return "cloned", branch, commit, change
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def _require_paths(checkout: Path, rev: str, paths, branch: str) -> None:
    for path in paths:
        if _git(["cat-file", "-e", f"{rev}:{path}"], checkout, check=False) is None:
            raise SyncError(f"--path {path} does not exist on branch {branch} of the repository")


def _checkout_state(root: Path) -> tuple[str, str, str] | None:
    """(origin URL, branch, commit) of an existing checkout, or None if there is none."""
    if not (root / ".git").exists():
        return None
    origin = _git(["remote", "get-url", "origin"], root, check=False)
    branch = _git(["symbolic-ref", "--short", "HEAD"], root, check=False)
    commit = _git(["rev-parse", "HEAD"], root, check=False)
    if not (origin and branch and commit):
        log.warning("checkout %s is damaged; it will be replaced by a fresh clone", root)
        return None
    return origin, branch, commit


