"""Split a Markdown file into its YAML front matter and its body, tolerantly.

Real archives have a stray line before the opening `---` now and then, so the opening
fence may come a few lines late; a `---` inside a YAML value (for instance an anchor id
like `Work---Sara`) is not a fence because a fence is a whole line.
"""
from __future__ import annotations

import re

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster
_MAX_STRAY_LINES = 3
_TEMPLATE_KEYS = re.compile(r"^(title|short|season|episode|guests)\s*:.*(\{\{|\{%)", re.M)


class FrontMatterError(ValueError):
    """The front matter exists but cannot be read; the message says why."""


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Return (yaml_text or None, body)."""
    lines = text.split("\n")
    opening = None
    for i, line in enumerate(lines[: _MAX_STRAY_LINES + 1]):
        if line.strip() == "---":
            opening = i
            break
    if opening is None:
        return None, text
    for j in range(opening + 1, len(lines)):
        if lines[j].rstrip() == "---":
            return "\n".join(lines[opening + 1 : j]), "\n".join(lines[j + 1 :])
    return None, text  # an opening fence with no closing one is just a horizontal rule


def is_template(yaml_text: str) -> bool:
    """A site-generator template (`title: "{{ title }}"`), not a real document."""
    return bool(_TEMPLATE_KEYS.search(yaml_text))


def parse_front_matter(yaml_text: str) -> dict:
    try:
        data = yaml.load(yaml_text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise FrontMatterError(f"invalid YAML front matter{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter is not a YAML mapping")
    return data
