"""`python -m bot sync`: clone or fast-forward an archive repository into the data folder.

The checkout lives at `data_dir/archive/<name>` and is recorded in `archives.json`
(see archives.py), which makes it a knowledge folder for every bot reading that data
folder; their live reload notices the change. With `--path`, the checkout is sparse:
only those folders exist in it.

Whatever fails (bad URL, network, a rewritten history, a missing `--path`) leaves the
previous checkout and record untouched, so the previous knowledge keeps serving:
- a first sync, or one that changes repository, branch or paths, clones into a hidden
  temporary folder, checks it, and swaps it in with two renames;
- a routine sync fetches, verifies the paths exist and the update is a fast-forward,
  and only then runs `git merge --ff-only` in place.
Git runs as a subprocess without a shell, never prompts, and URLs are logged without
credentials.
"""
from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .archives import (ARCHIVE_DIR, SyncedArchive, archive_root, read_archives, record_archive,
                       redact_url, valid_name)
from .errors import UserError

log = logging.getLogger(__name__)

GIT_TIMEOUT_SECONDS = 900
_CREDENTIALS = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")  # user:token@ in a URL


class SyncError(UserError):
    """The sync did not happen; the previous checkout is still the one serving."""


@dataclass(frozen=True)
class SyncOutcome:
    archive: SyncedArchive
    action: str                   # "cloned", "updated" or "unchanged"
    previous_commit: str | None

    @property
    def changed(self) -> bool:
        return self.action != "unchanged"


def sync_archive(data_dir: Path, repo: str, branch: str | None = None, paths=(),
                 name: str | None = None, fresh: bool = False) -> SyncOutcome:
    paths = tuple(clean_path(p) for p in paths)
    name = name or name_from_url(repo)
    if not valid_name(name):
        raise SyncError(f"archive name {name!r} must be letters, digits, '.', '_' or '-' (use --name)")
    with _sync_lock(data_dir):
        _remove_leftovers(data_dir, name)
        root = archive_root(data_dir, name)
        current = _checkout_state(root)
        previous = current[2] if current else None
        reuse = (current is not None and not fresh and current[0] == repo
                 and (branch is None or branch == current[1])
                 and paths == _recorded_paths(data_dir, name))
        if reuse:
            action, branch, commit = _fast_forward(root, current[1], paths)
        else:
            action, branch, commit = _clone_and_swap(root, repo, branch, paths)
        archive = SyncedArchive(name, redact_url(repo), branch, paths, commit,
                                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        record_archive(data_dir, archive)
    log.info("archive %s %s at %s from %s", name, action, commit[:12], archive.repo)
    return SyncOutcome(archive, action, previous)


def resync_all(data_dir: Path) -> list[SyncOutcome | SyncError]:
    """Sync every recorded archive again, from the origin its checkout remembers."""
    results: list[SyncOutcome | SyncError] = []
    for archive in read_archives(data_dir):
        state = _checkout_state(archive_root(data_dir, archive.name))
        repo = state[0] if state else archive.repo
        try:
            results.append(sync_archive(data_dir, repo, archive.branch or None, archive.paths, archive.name))
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


def _fast_forward(root: Path, branch: str, paths: tuple[str, ...]) -> tuple[str, str, str]:
    before = _git(["rev-parse", "HEAD"], root)
    remote_ref = f"refs/remotes/origin/{branch}"
    _git(["fetch", "--quiet", "--no-tags", "origin", f"+refs/heads/{branch}:{remote_ref}"], root)
    target = _git(["rev-parse", "--verify", f"{remote_ref}^{{commit}}"], root)
    if target == before:
        return "unchanged", branch, before
    _require_paths(root, target, paths, branch)
    if _git(["merge-base", "--is-ancestor", before, target], root, check=False) is None:
        raise SyncError(f"branch {branch} is not a fast-forward of the checked-out {before[:12]} "
                        "(history was rewritten upstream); run sync again with --fresh to re-clone")
    _git(["merge", "--ff-only", "--quiet", target], root)
    return "updated", branch, target


def _clone_and_swap(root: Path, repo: str, branch: str | None, paths) -> tuple[str, str, str]:
    root.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}-incoming-"))
    try:
        args = ["clone", "--quiet", "--no-checkout"]
        if branch:
            args += ["--branch", branch]
        if paths and ("://" in repo or "@" in repo):
            args.append("--filter=blob:none")  # fetch only the blobs the sparse paths need
        _git([*args, "--", repo, str(incoming)], None)
        branch = _git(["symbolic-ref", "--short", "HEAD"], incoming)
        _require_paths(incoming, "HEAD", paths, branch)
        if paths:
            _git(["sparse-checkout", "set", "--no-cone", *(f"/{p}" for p in paths)], incoming)
        _git(["checkout", "--quiet", branch], incoming)
        commit = _git(["rev-parse", "HEAD"], incoming)
        _check_loadable(incoming)
        _swap(incoming, root)
        return "cloned", branch, commit
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def _swap(incoming: Path, root: Path) -> None:
    """Two renames: readers see the old checkout, then (a moment later) the new one."""
    if not root.exists():
        os.rename(incoming, root)
        return
    old = root.parent / f".{root.name}-old-{os.getpid()}-{time.time_ns()}"
    os.rename(root, old)
    try:
        os.rename(incoming, root)
    except OSError:
        os.rename(old, root)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _require_paths(checkout: Path, rev: str, paths, branch: str) -> None:
    for path in paths:
        if _git(["cat-file", "-e", f"{rev}:{path}"], checkout, check=False) is None:
            raise SyncError(f"--path {path} does not exist on branch {branch} of the repository")


def _check_loadable(folder: Path) -> None:
    from .retrieval.loader import load_knowledge

    try:
        knowledge = load_knowledge([folder])
    except UserError:
        raise SyncError("the new checkout holds no usable knowledge (check --path)") from None
    if not knowledge.documents:
        raise SyncError("the new checkout holds no knowledge files (check --path)")


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


def _recorded_paths(data_dir: Path, name: str) -> tuple[str, ...] | None:
    return next((a.paths for a in read_archives(data_dir) if a.name == name), None)


def _remove_leftovers(data_dir: Path, name: str) -> None:
    """Temporary folders of a sync that was killed half-way."""
    for leftover in (data_dir / ARCHIVE_DIR).glob(f".{name}-*-*"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def _sync_lock(data_dir: Path):
    folder = data_dir / ARCHIVE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".sync.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncError("another sync is running on this data folder; try again later") from None
        yield


def _git(args: list[str], cwd: Path | None, check: bool = True) -> str | None:
    """Run git; its stripped stdout, or None (check=False) / SyncError on failure."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never",
           "GIT_COMMITTER_NAME": "podcast-answer-bot", "GIT_COMMITTER_EMAIL": "bot@localhost"}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise SyncError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise SyncError(f"git {args[0]} took longer than {GIT_TIMEOUT_SECONDS} s") from None
    if done.returncode == 0:
        return done.stdout.strip()
    if not check:
        return None
    raise SyncError(f"git {args[0]} failed: {_last_line(done.stderr)}")


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("warning:")]
    return _CREDENTIALS.sub(r"\1", lines[-1]) if lines else "no message"
