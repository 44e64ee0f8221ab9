"""YAML an operator hands the bot (`pins import`), parsed within bounds.

PyYAML's safe loader still lets one file cost without limit: an alias stands for its
anchored value wherever it is used (ten lines of nested aliases stand for a billion
values once walked), every value is a Python object (millions for a 10 MB list), and
deep nesting recurses until Python's stack runs out. Files the bot writes use none of
this, so aliases are refused and nesting and the number of values are capped; every
failure is a one-line UserError with the line number.
"""
from __future__ import annotations

import yaml

from bot.errors import UserError

MAX_DEPTH = 20
MAX_VALUES = 200_000


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(problem="aliases (*name) are not allowed here", problem_mark=event.start_mark)
        self._values += 1
        self._depth += 1
        if self._values > MAX_VALUES or self._depth > MAX_DEPTH:
            why = f"more than {MAX_VALUES} values" if self._values > MAX_VALUES else f"nested deeper than {MAX_DEPTH} levels"
            raise yaml.MarkedYAMLError(problem=why, problem_mark=event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_bounded_yaml(text: str, name: str):
    """The document in `text`; `name` (the file) prefixes every error."""
    try:
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1})" if mark else ""
        raise UserError(f"{name} is not valid YAML: {exc.problem or exc.context}{where}") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{name} is not valid YAML: {_first_line(exc)}") from None
    except (ValueError, RecursionError) as exc:  # an integer of 5,000 digits, a date like 2024-13-45
        raise UserError(f"{name} holds a value that cannot be read: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
