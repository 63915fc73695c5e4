"""A source's lines → its sentences, each knowing the line it stands on; and :class:`Cited`,
a drafted value with that line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from memo_gen.draft.sources import Line, Source

MAX_SENTENCE = 3_000
"""Characters in a sentence the extractors read: a longer run without a full stop is no
sentence of a readout (a table flattened, a list of links), and reading it would only risk
a wrong value."""

_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "hon", "jr", "sr", "gen", "lt", "col",
    "maj", "capt", "amb", "rep", "sen", "gov", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "h.e",
    "inc", "ltd", "co", "dept", "approx", "fig", "art", "para", "г", "гг", "т", "тыс", "млн",
    "млрд", "трлн", "руб", "долл", "им", "ул", "д", "стр", "ст", "пп", "п", "см"
})  # fmt: skip
_END = re.compile(r"[.!?…]+[\"”»’)]*(?=\s+)")


@dataclass(frozen=True)
class Sentence:
    """One sentence and the line it stands on."""

    line: Line
    text: str


@dataclass(frozen=True)
class Cited:
    """A drafted value and the source line it came from."""

    value: Any
    line: Line
    evidence: str | None = None
    """The words of the line the value stands for, when they are not the value itself (a
    country's code, a meeting's format)."""
    note: str | None = None
    """Where the value comes from, for one no single line gives (the source's language)."""


def split(text: str) -> list[str]:
    """The sentences of one line of text."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        rest = text[end:].lstrip()
        if not rest or not (rest[0].isupper() or rest[0] in "\"“«'‘(" or rest[0].isdigit()):
            continue
        # The word before the stop: only the last few characters are looked at, so that a
        # long run of letters costs no more than a short one.
        word = re.search(
            r"([\w.]+)[.!?…]*$", text[max(start, match.start() - 40) : match.start() + 1]
        )
        before = word.group(1).rstrip(".").casefold() if word else ""
        initials = re.fullmatch(r"(?:[^\W\d_]\.)*[^\W\d_]", before) is not None  # "J", "G.L"
        if match.group().startswith(".") and (before in _ABBREVIATIONS or initials):
            continue  # "Mr. Lavrov", "Antony J. Blinken", "млрд. долл."
        sentences.append(text[start:end].strip())
        start = end
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


def sentences(source: Source) -> Iterator[Sentence]:
    """Every sentence of the source short enough to read, in order."""
    for line in source.lines:
        for text in split(line.text):
            if len(text) <= MAX_SENTENCE:
                yield Sentence(line, text)
