"""Split a Markdown file into its YAML front matter and its body, tolerantly.

Real archives have a stray line before the opening `---` now and then, so the opening
fence may come a few lines late; a `---` inside a YAML value (for instance an anchor id
like `Work---Sara`) is not a fence because a fence is a whole line.

Parsing never raises anything but FrontMatterError: a date like 2024-13-45 or an integer
of 5000 digits stays text (values.py judges it), and YAML aliases that would repeat more
than the file's own size (a "billion laughs") make the front matter unreadable.
"""
from __future__ import annotations

import re

import yaml
from yaml.constructor import SafeConstructor

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster
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


class _Loader(_SAFE_LOADER):
    """The safe loader, with number and date constructors that keep what they can't read
    as text instead of raising ValueError out of the parser."""


def _lenient(construct):
    def build(loader, node):
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)
    return build


for _tag, _construct in (("int", SafeConstructor.construct_yaml_int),
                         ("float", SafeConstructor.construct_yaml_float),
                         ("timestamp", SafeConstructor.construct_yaml_timestamp)):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _lenient(_construct))


def parse_front_matter(yaml_text: str) -> dict:
    try:
        data = yaml.load(yaml_text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise FrontMatterError(f"invalid YAML front matter{where}: {problem}") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise FrontMatterError(f"unreadable YAML front matter ({type(exc).__name__})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter is not a YAML mapping")
    if "&" in yaml_text and "*" in yaml_text:  # an alias needs an anchor: most files have neither
        budget = 2 * len(yaml_text) + 1000
        if expanded_size(data, budget) > budget:
            raise FrontMatterError("YAML aliases repeat more text than the file holds")
    return data


def expanded_size(data, limit: int) -> int:
    """Characters and values in `data` with every alias written out in full (a shared
    or recursive structure counts each time it is reached); stops counting past `limit`."""
    sizes: dict[int, int] = {}
    open_ids: set[int] = set()
    stack = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (dict, list, set, tuple)) or (id(node) in sizes and not children_done):
            continue
        members = [*node.keys(), *node.values()] if isinstance(node, dict) else list(node)
        if not children_done:
            if id(node) in open_ids:
                return limit + 1  # a structure that contains itself never ends
            open_ids.add(id(node))
            stack.append((node, True))
            stack.extend((m, False) for m in members)
            continue
        open_ids.discard(id(node))
        sizes[id(node)] = min(limit + 1, 1 + sum(_size(m, sizes) for m in members))
    return _size(data, sizes)


def _size(value, sizes: dict[int, int]) -> int:
    if isinstance(value, (str, bytes)):
        return len(value) + 1
    return sizes.get(id(value), 1)
