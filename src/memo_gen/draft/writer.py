"""A drafted record → YAML text, every drafted value followed by a comment that quotes the
source line it came from.

The tree it writes is plain dicts and lists whose leaves are :class:`Cited` values. Strings
are written plain where YAML reads them back as the same text, double-quoted otherwise (so
"NO", "10:30" or "#1" stay text); comments are one line each, with the excerpt cleaned of
anything that could end a comment.
"""

from __future__ import annotations

import json
import re
from typing import Any

from memo_gen.draft.sentences import Cited
from memo_gen.draft.sources import Source

EXCERPT = 72
"""Characters of the source line quoted in a comment."""

_PLAIN = re.compile(r"[^\W\d_][\w .,'’()–—/&+-]*", re.UNICODE)
_RESERVED = frozenset({
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "Y", "N", "Yes", "No",
    "On", "Off", "True", "False", "Null", "YES", "NO", "ON", "OFF", "TRUE", "FALSE", "NULL"
})  # fmt: skip


def scalar(value: Any) -> str:
    """One value as YAML: numbers as numbers, text plain or double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value)
    if re.fullmatch(r"\d{4}-\d\d(-\d\d)?", text):
        return text  # an ISO date: the record's reader keeps it as text
    if (
        _PLAIN.fullmatch(text)
        and text not in _RESERVED
        and not text.endswith((" ", ":", ","))
        and ": " not in text
        and " #" not in text
        and text.isprintable()
    ):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON leaves these as they are; YAML readers take them as line breaks.
    return quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\N")


def excerpt(cited: Cited, width: int = EXCERPT) -> str:
    """The part of the cited line around the evidence, with … where it is cut."""
    text = cited.line.text
    needle = cited.evidence if cited.evidence is not None else str(cited.value)
    at = text.find(needle) if needle else -1
    if len(text) <= width:
        piece = text
    else:
        centre = at + len(needle) // 2 if at >= 0 else 0
        start = max(0, min(centre - width // 2, len(text) - width))
        piece = text[start : start + width]
        piece = ("…" if start > 0 else "") + piece + ("…" if start + width < len(text) else "")
    # Nothing in a comment may end the line early or be taken for one.
    return "".join(char if char.isprintable() else " " for char in piece).replace('"', "'")


def comment(cited: Cited, source: Source) -> str:
    if cited.note is not None:
        return f"# {cited.note}"
    return f'# {source.unit} {cited.line.number}: "{excerpt(cited)}"'


def _is_scalar_list(items: list[Any]) -> bool:
    return all(
        isinstance(item, Cited) and not isinstance(item.value, dict | list) for item in items
    )


def write(tree: dict[str, Any], source: Source, header: list[str]) -> str:
    """The YAML text of a drafted record."""
    out = [f"# {line}" if line else "#" for line in header]
    out.append("")
    for key, value in tree.items():
        if _empty(value):
            continue
        _entry(out, key, value, 0, source)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _empty(value: Any) -> bool:
    return isinstance(value, dict | list) and not value


def _entry(out: list[str], key: str, value: Any, indent: int, source: Source) -> None:
    pad = " " * indent
    if isinstance(value, Cited):
        if isinstance(value.value, dict):  # a relative date: {as_published: …}
            inner = ", ".join(f"{k}: {scalar(v)}" for k, v in value.value.items())
            out.append(f"{pad}{key}: {{{inner}}}  {comment(value, source)}")
        else:
            out.append(f"{pad}{key}: {scalar(value.value)}  {comment(value, source)}")
    elif isinstance(value, dict):
        out.append(f"{pad}{key}:")
        for inner_key, inner in value.items():
            if not _empty(inner):
                _entry(out, inner_key, inner, indent + 2, source)
    elif isinstance(value, list):
        if _is_scalar_list(value) and len({item.line.number for item in value}) == 1:
            items = ", ".join(scalar(item.value) for item in value)
            out.append(f"{pad}{key}: [{items}]  {comment(value[0], source)}")
            return
        out.append(f"{pad}{key}:")
        for item in value:
            _item(out, item, indent + 2, source)


def _item(out: list[str], item: Any, indent: int, source: Source) -> None:
    pad = " " * indent
    if isinstance(item, Cited):
        out.append(f"{pad}- {scalar(item.value)}  {comment(item, source)}")
        return
    first = True
    for key, value in item.items():
        if _empty(value):
            continue
        lines: list[str] = []
        _entry(lines, key, value, indent + 2, source)
        if first:
            lines[0] = f"{pad}- {lines[0][indent + 2 :]}"
            first = False
        out.extend(lines)
