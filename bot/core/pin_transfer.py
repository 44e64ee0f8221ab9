"""`pins export` / `pins import`: curated answers as a YAML file moderators review in git.

The file uses the `/pin` target syntax (`DOC_ID@MM:SS`, a YouTube link with `t=`) or a
`note` with a link. Import checks every entry against the knowledge first and reports
all bad entries by position; only a clean file is applied, in one transaction. The file
is read and parsed within bounds (operator_files, bounded_yaml); export never replaces
anything but a regular file (atomic_file) and never creates folders.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import yaml

from bot.atomic_file import write_atomically
from bot.core.bounded_yaml import load_bounded_yaml
from bot.core.operator_files import read_text_file
from bot.errors import UserError
from bot.models import Moment
from bot.store.pins import Actor, Alias, PhraseTaken, Pin, PinEntry, PinStore
from bot.timefmt import player_time
from bot.core.inputs import MAX_QUESTION_CHARS, tidy
from bot.core.matching import normalize
from bot.core.resolve import resolve_target
from bot.core.targets import AnswerRef, NoteRef, parse_target

MAX_QUOTE_CHARS = 5000  # an article paragraph, copied from a logged answer
MAX_FILE_BYTES = 10_000_000
MAX_LISTED_PROBLEMS = 20

HEADER = ("# Pinned answers of the podcast bot. Edit and apply with:\n"
          "#   python -m bot pins import FILE.yaml\n"
          "# target: DOC_ID@MM:SS or a YouTube link with t=;  note: a short text with a link.\n")


def export_pins(pins: PinStore, path: Path) -> int:
    entries = [_entry_dict(p) for p in pins.all()]
    text = HEADER + yaml.safe_dump({"pins": entries}, sort_keys=False, allow_unicode=True, width=100)
    path = Path(path)
    if not path.parent.is_dir():  # a mistyped folder is not created
        raise UserError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(entries)


def import_pins(pins: PinStore, path: Path, index, actor: Actor, at: str, replace: bool = False) -> dict:
    entries = read_entries(path, index)
    try:
        return pins.import_entries(entries, actor, at, replace)
    except PhraseTaken as taken:
        raise UserError(f"{path}: a question or alias already belongs to pin #{taken.pin_id}; nothing imported.") from None


def read_entries(path: Path, index) -> list[PinEntry]:
    """Every entry validated; a UserError lists all bad ones by position."""
    data = load_bounded_yaml(read_text_file(Path(path), "pins file", MAX_FILE_BYTES), str(path))
    items = data.get("pins") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise UserError(f"{path}: expected a list of pins under `pins:`; nothing imported.")
    entries, problems, owners = [], [], {}
    for position, item in enumerate(items, start=1):
        try:
            entry = _entry(item, index)
            for phrase in (entry.normalized, *(a.normalized for a in entry.aliases)):
                if owners.setdefault(phrase, position) != position:
                    raise UserError(f"“{phrase}” is also used by entry {owners[phrase]}")
            entries.append(entry)
        except UserError as exc:
            problems.append(f"  entry {position}{_label(item)}: {exc}")
    if problems:
        more = len(problems) - MAX_LISTED_PROBLEMS
        listed = problems[:MAX_LISTED_PROBLEMS] + ([f"  … and {more} more"] if more > 0 else [])
        raise UserError(f"{path}: {len(problems)} bad entr{'y' if len(problems) == 1 else 'ies'}, "
                        "nothing imported:\n" + "\n".join(listed))
    return entries


def _entry(item, index) -> PinEntry:
    if not isinstance(item, dict):
        raise UserError("expected a mapping with `question` and `target` or `note`")
    question = _text(item.get("question"), "question")
    aliases = item.get("aliases") or []
    if not isinstance(aliases, list):
        raise UserError("`aliases` must be a list of phrasings")
    if ("target" in item) == ("note" in item):
        raise UserError("give exactly one of `target` or `note`")
    if "note" in item:
        target = parse_target(_text(item["note"], "note"))
        if not isinstance(target, NoteRef):
            raise UserError("`note` must be a short text with a link")
    else:
        scalar = item["target"] if isinstance(item["target"], (str, int)) else None
        raw = _text(str(scalar) if scalar is not None else None, "target")
        if raw in index.documents:  # an article: no second to point at, so the quote comes along
            doc = index.documents[raw]
            resolved = Moment(text=_text(item.get("quote"), "quote", MAX_QUOTE_CHARS), doc_id=doc.doc_id, title=doc.title,
                                 code=doc.code, released=doc.released, url=doc.link_at(None))
            return PinEntry(question, normalize(question), resolved, _aliases(aliases))
        target = parse_target(raw)
        if isinstance(target, (AnswerRef, NoteRef)):
            raise UserError("`target` must be DOC_ID@MM:SS, a YouTube link with t=, or an article id with `quote`")
    resolved, _ = resolve_target(target, index, answers=None, asker=None)
    return PinEntry(question, normalize(question), resolved, _aliases(aliases))


def _aliases(aliases: list) -> tuple[Alias, ...]:
    return tuple(Alias(p, normalize(p)) for p in (_text(a, "alias") for a in aliases))


def _text(value, name: str, limit: int = MAX_QUESTION_CHARS) -> str:
    if not isinstance(value, str) or not tidy(value):
        raise UserError(f"`{name}` must be non-empty text")
    value = tidy(value)
    if len(value) > limit:
        raise UserError(f"`{name}` is longer than {limit} characters")
    return value


def _label(item) -> str:
    question = item.get("question") if isinstance(item, dict) else None
    return f" (“{textwrap.shorten(question, 60)}”)" if isinstance(question, str) else ""


def _entry_dict(pin: Pin) -> dict:
    entry: dict = {"question": pin.question}
    if pin.aliases:
        entry["aliases"] = [a.phrase for a in pin.aliases]
    if pin.target.from_document and pin.target.start is not None:
        entry["target"] = f"{pin.target.doc_id}@{player_time(pin.target.start)}"
    elif pin.target.from_document:
        entry.update(target=pin.target.doc_id, quote=pin.target.text)
    else:
        entry["note"] = pin.target.text
    entry.update(pinned_by=pin.pinned_by, pinned_at=pin.pinned_at, uses=pin.uses)
    return entry
