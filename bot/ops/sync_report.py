"""What a new revision of an archive changes for the bot, compared with the live checkout.

`sync` loads both checkouts the way the bot loads knowledge and compares the documents
by id: added, changed (anything the bot would read differently), dropped (gone from the
new revision), and the files the new revision skips. A skipped file that the live
checkout loads is a *loss*: one broken front matter upstream would otherwise make an
episode vanish without a word, so `sync` refuses such a revision unless told to accept
it. A document whose file was deleted or renamed upstream is dropped and reported, but
not refused: that is the archive's own decision, visible in its history. `check_revision`
is that judgement, for the git and the feed sync alike.
"""
from __future__ import annotations

import dataclasses
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from bot.ops.git_command import SyncError
from bot.progress import Progress, labelled, no_progress
from bot.retrieval.documents import LoadedDocument, SkippedFile
from bot.retrieval.loader import Knowledge, collect_knowledge

log = logging.getLogger(__name__)

_SHOWN = 10  # ids or files listed per line; the rest are counted


@dataclass(frozen=True)
class KnowledgeChange:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    dropped: tuple[str, ...]
    skipped: tuple[SkippedFile, ...]   # every file the new revision skips (paths inside the checkout)
    lost: tuple[SkippedFile, ...]      # of those, the files the live checkout loads
    documents: int                     # how many documents the new revision loads

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.changed)} changed, {len(self.dropped)} dropped, "
                f"{len(self.skipped)} skipped ({len(self.lost)} loaded before)")

    def details(self) -> list[str]:
        """One line per kind of change that happened, naming documents and files."""
        lines = [f"{label}: {_listed(ids)}" for label, ids in
                 (("added", self.added), ("changed", self.changed), ("dropped", self.dropped)) if ids]
        if self.skipped:
            lines.append(f"skipped: {_listed([_skip_text(s, s in self.lost) for s in self.skipped])}")
        return lines


def compare_checkouts(live: Path | None, incoming: Path,
                      progress: Progress = no_progress) -> tuple[KnowledgeChange, Knowledge]:
    """The change from `live` (None: nothing yet) to `incoming`, and incoming's knowledge."""
    new = collect_knowledge([incoming], labelled(progress, "new revision"))
    old = _live_knowledge(live, labelled(progress, "live checkout")) if live is not None else Knowledge((), ())
    old_docs = _by_id(old, live) if live is not None else {}
    new_docs = _by_id(new, incoming)
    loaded_before = {path for path, _ in old_docs.values()}
    skipped = tuple(SkippedFile(_inside(s.path, incoming), s.reason) for s in new.skipped)
    change = KnowledgeChange(
        added=tuple(i for i in new_docs if i not in old_docs),
        changed=tuple(i for i in new_docs if i in old_docs and new_docs[i] != old_docs[i]),
        dropped=tuple(i for i in old_docs if i not in new_docs),
        skipped=skipped,
        lost=tuple(s for s in skipped if s.path in loaded_before),
        documents=len(new.documents),
    )
    return change, new


def check_revision(incoming: Path, live: Path | None, accept_losses: bool, label: str,
                   progress: Progress = no_progress) -> KnowledgeChange:
    """The revision's change against the live folder; SyncError when it must not be swapped
    in: it loads nothing, it skips files the live folder loads (unless `accept_losses`), or
    its index can't be built. `label` names the revision in the error."""
    from bot.retrieval.index import build_index

    change, knowledge = compare_checkouts(live, incoming, progress)
    if not change.documents:
        raise SyncError("the new checkout holds no usable knowledge (check --path)")
    if change.lost and not accept_losses:
        files = "; ".join(f"{s.path} ({s.reason})" for s in change.lost[:3])
        more = f" and {len(change.lost) - 3} more" if len(change.lost) > 3 else ""
        raise SyncError(f"{label} skips {len(change.lost)} file(s) the live checkout loads: "
                        f"{files}{more}; nothing changed (sync --accept-losses takes it anyway)")
    try:
        build_index(knowledge, progress=progress)  # what the bots will do with it next: it must not fail there
    except Exception as exc:
        raise SyncError(f"the new checkout's knowledge cannot be indexed ({type(exc).__name__}: {exc})") from None
    return change


def _live_knowledge(live: Path, progress: Progress) -> Knowledge:
    try:
        return collect_knowledge([live], progress)
    except Exception as exc:  # a damaged live checkout: everything new counts as added
        log.warning("could not read the live checkout %s to compare (%s)", live, exc)
        return Knowledge((), ())


def _by_id(knowledge: Knowledge, folder: Path) -> dict[str, tuple[str, LoadedDocument]]:
    """doc id -> (path inside the checkout, the document as the bot reads it there)."""
    found = {}
    for loaded in knowledge.documents:
        relative = _inside(loaded.document.path, folder)
        same_anywhere = dataclasses.replace(loaded.document, path=relative)
        found[loaded.document.doc_id] = (relative, LoadedDocument(same_anywhere, loaded.sections))
    return found


def _inside(path: str, folder: Path) -> str:
    return Path(os.path.relpath(path, folder)).as_posix()


def _skip_text(skipped: SkippedFile, lost: bool) -> str:
    return f"{skipped.path} ({skipped.reason}{'; loaded before' if lost else ''})"


def _listed(items) -> str:
    items = list(items)
    more = f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    return ", ".join(items[:_SHOWN]) + more
