"""Keeping the fact sheet to one page.

A fact sheet is composed as it is first; when that does not fit its page, it is composed
again with a :class:`Budget`: every list shows at most so many entries, then says how many
more the memorandum lists (``… and 1,994 more agreements: see the memorandum``), and, when
even that cannot make room, every text longer than so many characters is cut short with a
mark that says so. The budget is measured, never guessed: the most entries per list that
still fit are found by laying the sheet out (:mod:`memo_gen.backends.measure`), so a list
that fits is never cut, and the search takes a bounded number of layouts.

The templates see the budget as ``fit``: ``fit.take(list)`` is the entries to show and
``fit.more(list, "agreement")`` the line that counts the rest (empty when nothing is left
out); ``fit.more_in(groups, …)`` counts the entries of groups left out whole. Texts are cut
here, in the values a template printed, so the templates need nothing for them (link
targets and chart figure ids stay whole: :func:`memo_gen.compose.markdown.to_blocks`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from memo_gen.compose.formatting import Formatter
from memo_gen.compose.templating import RenderedMarkdown
from memo_gen.document import Document

T = TypeVar("T")

TEXT_BUDGETS = (None, 400, 120, 40)
"""The characters a text may keep, tried in turn (``None``: all of it) until the lists can
be cut to fit; the last is what a sheet is left with when nothing fits."""


@dataclass(frozen=True)
class Budget:
    """How much of each list and of each text a fact sheet shows (``None``: all)."""

    entries: int | None = None
    chars: int | None = None


class Fit:
    """A budget as the templates see it (``fit``), noting what it cut."""

    def __init__(self, budget: Budget, formatter: Formatter) -> None:
        self.budget = budget
        self.formatter = formatter
        self.cut = False
        """Whether a list was cut."""

    def take(self, items: Sequence[T]) -> list[T]:
        """The entries of ``items`` to show: the first ones, as many as the budget allows."""
        limit = self.budget.entries
        if limit is None or len(items) <= limit:
            return list(items)
        self.cut = True
        return list(items[:limit])

    def more(self, items: Sequence[object], what: str, before: str = "") -> str:
        """``before`` and the line that counts the entries of ``items`` that :meth:`take`
        leaves out (``… and 3 more meetings: see the memorandum``), or nothing."""
        limit = self.budget.entries
        if limit is None or len(items) <= limit:
            return ""
        return before + self.formatter.more(len(items) - limit, what)

    def more_in(
        self, groups: Sequence[tuple[object, Sequence[object]]], what: str, before: str = ""
    ) -> str:
        """``before`` and the line that counts the entries of the ``(key, entries)`` groups
        that :meth:`take` leaves out whole (``… and 40 more agreements with other
        statuses``), or nothing."""
        limit = self.budget.entries
        if limit is None or len(groups) <= limit:
            return ""
        hidden = sum(len(entries) for _, entries in groups[limit:])
        return before + self.formatter.more(hidden, what)


def shorten(
    rendered: RenderedMarkdown, chars: int | None, formatter: Formatter
) -> RenderedMarkdown:
    """``rendered`` with every value longer than ``chars`` cut short (marked as such)."""
    if chars is None:
        return rendered
    values = tuple(formatter.shortened(value, chars) for value in rendered.values)
    return RenderedMarkdown(rendered.text, values)


@dataclass(frozen=True)
class Composed:
    """A fact sheet composed with a budget, and what the budget did."""

    document: Document
    lists_cut: bool
    """Whether the budget left entries of a list out."""
    longest_text: int
    """The characters of the longest value the template printed."""


Compose = Callable[[Budget], Composed]
Fits = Callable[[Document, bool], bool]
"""Whether a document fits its page; with ``True``, the page less the room a sheet that
had to be cut keeps free (:func:`memo_gen.backends.measure.cautious`)."""


def one_page(compose: Compose, fits: Fits) -> Document:
    """The fact sheet as it is when it fits. Else its lists are cut to the most entries
    that fit: with every text whole when one entry per list leaves room for them, else with
    texts cut to the first of :data:`TEXT_BUDGETS` that does (and, when the lists are then
    whole, to as many characters as fit)."""
    whole = compose(Budget())
    if fits(whole.document, False):
        return whole.document

    def attempt(budget: Budget) -> Composed | None:
        composed = compose(budget)
        return composed if fits(composed.document, True) else None

    for chars in TEXT_BUDGETS:
        if chars is not None and whole.longest_text <= chars:
            continue  # no text is that long: cutting texts would change nothing
        found = _most_entries(attempt, chars)
        if found is None:
            continue
        if chars is not None and not found.lists_cut:
            # Only the texts are too long: they keep as much as fits, within half a line
            # (all of them does not fit: that is the whole sheet).
            texts = _largest(
                chars, whole.longest_text, 40, found, attempt, lambda n: Budget(None, n)
            )
            return texts.document
        return found.document
    # Even one entry per list and the shortest texts overflow (a template that ignores the
    # budget, say): the sheet runs on, as short as it can be made.
    return compose(Budget(1, TEXT_BUDGETS[-1])).document


Attempt = Callable[[Budget], Composed | None]
"""A budget → the sheet composed with it, or ``None`` when that overflows."""


def _most_entries(attempt: Attempt, chars: int | None) -> Composed | None:
    """The sheet with texts cut to ``chars`` and the most entries per list that fit, or
    ``None`` when one entry does not. The count doubles until the sheet overflows or no list
    is cut, then is halved back: about 2·log₂ of it layouts, each of at most two pages."""
    best, entries = attempt(Budget(1, chars)), 1
    while best is not None and best.lists_cut:
        more = attempt(Budget(entries * 2, chars))
        if more is None:
            return _largest(entries, entries * 2, 1, best, attempt, lambda n: Budget(n, chars))
        best, entries = more, entries * 2
    return best


def _largest(
    fitting: int,
    overflowing: int,
    step: int,
    best: Composed,
    attempt: Attempt,
    budget: Callable[[int], Budget],
) -> Composed:
    """The sheet of the largest ``budget(number)`` that fits, ``number`` between
    ``fitting`` (whose sheet is ``best``) and ``overflowing``, found within ``step``."""
    while overflowing - fitting > step:
        middle = (fitting + overflowing) // 2
        composed = attempt(budget(middle))
        if composed is None:
            overflowing = middle
        else:
            best, fitting = composed, middle
    return best
