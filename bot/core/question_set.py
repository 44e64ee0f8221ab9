"""Reading a question set for `eval` (JSONL, the `../shared/eval` format).

The file is an operator's, and can be anything (operator_files bounds the reading).
Every field the scoring reads is checked here, so a bad line is one error naming the
file and the line, never a crash halfway through a run: a `start` of "ten", an `id`
that is a list (used as a key), a line nested 5,000 deep or a 5,000-digit number.
"""
from __future__ import annotations

import json
from pathlib import Path

from bot.core.operator_files import read_text_file
from bot.errors import UserError

MAX_FILE_BYTES = 50_000_000
TEXT_FIELDS = ("id", "follows", "intent", "style", "person", "name", "doc", "contains")
SECONDS_FIELDS = ("start", "end")


def read_questions(path: Path) -> list[dict]:
    """Every question of the file, checked; a UserError `FILE:LINE: why` for the first bad one."""
    text = read_text_file(path, "question set", MAX_FILE_BYTES)
    questions = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError):  # bad JSON, a 5,000-digit number, nesting too deep
            raise UserError(f"{path}:{number}: not a JSON object") from None
        problem = question_problem(item)
        if problem:
            raise UserError(f"{path}:{number}: {problem}")
        questions.append(item)
    return questions


def question_problem(item) -> str | None:
    """Why a parsed line cannot be scored, or None."""
    if not isinstance(item, dict) or not isinstance(item.get("question"), str):
        return 'needs a "question" string'
    also, docs = item.get("also"), item.get("docs")
    if also is not None and not (isinstance(also, list) and all(isinstance(g, dict) for g in also)):
        return '"also" must be a list of gold answers'
    if docs is not None and not (isinstance(docs, list) and all(_is_text(d) for d in docs)):
        return '"docs" must be a list of document ids'
    return next(filter(None, map(_field_problem, [item, *(also or [])])), None)


def _field_problem(fields: dict) -> str | None:
    for key in TEXT_FIELDS:
        if fields.get(key) is not None and not _is_text(fields[key]):
            return f'"{key}" must be text'
    for key in SECONDS_FIELDS:
        value = fields.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return f'"{key}" must be a number of seconds'
    return None


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())
