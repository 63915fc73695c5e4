"""How much a record may hold: entries in one list, characters in one line or one text.

The defaults are far beyond any real readout (the sample has 8 topics; a 2,000-topic record
still renders) and keep a mistaken or hostile file from taking minutes and gigabytes. Each
limit has a command-line flag; the problem reported names the limit and the flag. The input
file's size is limited separately (``--max-input-size``, :mod:`memo_gen.record.loader`).

Validation reads the limits from the pydantic validation context (``{"limits": Limits}``);
without one, the defaults apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CONTEXT_KEY = "limits"


@dataclass(frozen=True)
class Limits:
    """The limits one validation applies."""

    max_items: int = 10_000
    """Entries in any one list (topics, participants, paragraphs …) or the glossary."""
    max_line_length: int = 1_000
    """Characters in one line of text: a name, a title, a label."""
    max_text_length: int = 100_000
    """Characters in one text that may hold paragraphs: a summary, a quote."""

    def context(self) -> dict[str, Any]:
        """The pydantic validation context that carries these limits."""
        return {CONTEXT_KEY: self}


DEFAULT_LIMITS = Limits()

FLAGS = {
    "max_items": "--max-items",
    "max_line_length": "--max-line-length",
    "max_text_length": "--max-text-length",
}
"""The command-line flag that raises each limit."""


def from_context(context: Any) -> Limits:
    """The limits a validation context carries, or the defaults."""
    found = context.get(CONTEXT_KEY) if isinstance(context, dict) else None
    return found if isinstance(found, Limits) else DEFAULT_LIMITS
