"""Template sets per language, and the words memo-gen writes outside the templates.

A template folder holds one set of templates per language, each in a subfolder named by its
language tag (``en/``, ``ru/``) with ``memo.md.j2``, ``factsheet.md.j2`` and
``language.toml``; ``theme.toml`` and any shared partials sit at the folder's root. A folder
that has ``memo.md.j2`` or ``factsheet.md.j2`` at its root is a single set instead, in the
language its ``language.toml`` names (English when it has none).

``language.toml`` holds what memo-gen itself words in that language: the Babel patterns of
dates, the page label, the metadata title of a fact sheet, the words for a record's
enumerated values (``official`` → ``официальный визит``) and for scales and figure kinds.
A missing key takes the English default, so an English set needs next to nothing.

This module never imports Babel (that happens in :mod:`memo_gen.compose.formatting`, when a
document is formatted), so ``memo-gen validate`` stays quick.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memo_gen.errors import TemplateError
from memo_gen.record.translations import primary
from memo_gen.template_files import read_folder_file

LANGUAGE_FILE = "language.toml"
TEMPLATE_NAMES = ("memo.md.j2", "factsheet.md.j2")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Words:
    """The words and patterns of one language (``language.toml``); defaults are English."""

    language: str = DEFAULT_LANGUAGE
    """BCP 47 tag: Babel's locale, the DOCX ``w:lang`` and the PDF ``/Lang``."""
    date: str = "d MMMM y"
    """Babel pattern of a complete date: ``13 March 2025`` / ``13 марта 2025 г.``."""
    month: str = "LLLL y"
    """Babel pattern of a month: ``March 2025`` / ``март 2025 г.``."""
    year: str = "y"
    """Babel pattern of a year: ``2025`` / ``2025 г.``."""
    day_month: str = "d MMMM"
    """Babel pattern of the first day of a range across months: ``30 April`` – 2 May 2025."""
    range_same_month: str | None = None
    """A range of days in one month, its days' Babel patterns in the braces:
    ``{first:y 'жылғы' d}–{last:d MMMM}`` (default: ``13–15`` and the last day's date)."""
    range_same_year: str | None = None
    """A range across months of one year, likewise: ``{first:d MMMM} – {last:d MMMM y}``
    (default: the first day in ``day_month``, then the last day's date)."""
    page_label: str = "Page {page} of {pages}"
    version: str = "Version {version}"
    factsheet_title: str = "Fact sheet: {title}"
    memo_keyword: str = "memorandum"
    factsheet_keyword: str = "fact sheet"
    approximately: str = "about {value}"
    per: str = "{unit} per {per}"
    over: str = "over {period}"
    other_participants: str = "Other participants"
    not_given: str = "not given in the source"
    """Said where a document cannot leave a value out and the record does not give it."""
    status_not_given: str = "Status not given in the source"
    """The heading of agreements whose status the record does not give."""
    percent: str = "{value}%"
    """A value in per cent: ``48.1%``, ``48,1 %``."""
    draft: str = "DRAFT"
    """The watermark across every page of a draft (``--draft``)."""
    more: str = "…\u00a0and {count} more {what}: see the memorandum"
    """What a fact sheet says after the first entries of a list longer than its page
    holds; ``{what}`` is the word in ``[terms.count-FORM]`` for the count's plural form."""
    shortened: str = "{text}… (full text in the memorandum)"
    """A text of a fact sheet cut short to keep it to one page."""
    fallback_note: str = (
        "Where the record gives no text in the language of this document, the text is shown "
        "in {language}: {fields}."
    )
    """Said in the source note when some texts came from the fallback language
    (``--fallback``): ``{language}`` is the word in ``[terms.language]`` for it (Babel's
    name of the language when there is none), ``{fields}`` the texts' paths in the record."""
    terms: dict[str, dict[str, str]] = field(default_factory=dict)
    """Words for enumerated values, by group: ``terms["visit-kind"]["official"]``."""

    def term(self, value: str, group: str) -> str | None:
        """The word for ``value`` in ``group`` (``""`` for a value that says nothing, such as
        ``other``), or ``None`` when the set gives none."""
        return self.terms.get(group, {}).get(value)


COUNTED: dict[str, tuple[str, str]] = {
    "agreement": ("agreement", "agreements"),
    "area": ("area of cooperation", "areas of cooperation"),
    "country": ("country", "countries"),
    "figure": ("figure", "figures"),
    "framework": ("framework", "frameworks"),
    "interlocutor": ("interlocutor", "interlocutors"),
    "kind": ("type", "types"),
    "meeting": ("meeting", "meetings"),
    "other-agreement": ("agreement with another status", "agreements with other statuses"),
    "other-principal": ("principal of another delegation", "principals of other delegations"),
    "principal": ("principal", "principals"),
    "topic": ("topic", "topics"),
}
"""What a fact sheet's lists count, in English, one and many: the words of a set whose
``language.toml`` has no ``[terms.count-one]`` and ``[terms.count-other]``."""


_TEXT_KEYS = (
    "language", "date", "month", "year", "day_month", "range_same_month", "range_same_year",
    "page_label", "version",
    "factsheet_title", "memo_keyword", "factsheet_keyword", "approximately", "per", "over",
    "other_participants", "not_given", "status_not_given", "percent", "draft", "more",
    "shortened", "fallback_note",
)  # fmt: skip


def load_words(folder: Path) -> Words:
    """The ``language.toml`` of a template set (English defaults when there is none)."""
    path = folder / LANGUAGE_FILE
    data = read_folder_file(path)
    if data is None:
        return Words()
    try:
        raw: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: not valid TOML: {exc}") from exc
    unknown = sorted(set(raw) - {*_TEXT_KEYS, "terms"})
    if unknown:
        raise TemplateError(f"{path}: unknown key {unknown[0]!r}")
    values: dict[str, Any] = {}
    for key in _TEXT_KEYS:
        if key in raw:
            if not isinstance(raw[key], str):
                raise TemplateError(f"{path}: {key} must be text")
            values[key] = raw[key]
    terms = raw.get("terms", {})
    if not isinstance(terms, dict) or not all(
        isinstance(group, dict) and all(isinstance(w, str) for w in group.values())
        for group in terms.values()
    ):
        raise TemplateError(f"{path}: [terms.GROUP] tables must map values to text")
    return Words(**values, terms={name: dict(group) for name, group in terms.items()})


@dataclass(frozen=True)
class LanguageChoice:
    """The template set a record's documents are written with."""

    language: str
    """The language of the set used (a folder name, or the single set's language)."""
    folder: Path
    fell_back_from: str | None = None
    """The record's language when no set exists for it and English stands in."""


class TemplateFolder:
    """A template folder: one set per language, or a single set at its root."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise TemplateError(f"template folder {root} does not exist")
        self.root = root
        self.single = any((root / name).is_file() for name in TEMPLATE_NAMES)
        self._words: dict[Path, Words] = {}
        self._sets: dict[str, Path] | None = None

    def sets(self) -> dict[str, Path]:
        """Language → folder of every template set, in name order (the folder is read once)."""
        if self._sets is None:
            if self.single:
                self._sets = {self.words(self.root).language: self.root}
            else:
                sets = {
                    child.name: child
                    for child in sorted(self.root.iterdir())
                    if child.is_dir() and any((child / name).is_file() for name in TEMPLATE_NAMES)
                }
                for child in sets.values():
                    if child.is_symlink():
                        # Its templates could include any file where the link leads.
                        raise TemplateError(
                            f"{child}: is a symbolic link; memo-gen reads a template folder's "
                            "files only from inside it: put the folder itself there"
                        )
                self._sets = sets
        return self._sets

    def words(self, folder: Path) -> Words:
        if folder not in self._words:
            self._words[folder] = load_words(folder)
        return self._words[folder]

    def _find(self, tag: str) -> tuple[str, Path] | None:
        sets = self.sets()
        for name in (tag, primary(tag)):
            for language, folder in sets.items():
                if language.lower() == name.lower():
                    return language, folder
        if self.single:
            # A single set answers to its own language's primary subtag too (ru-RU → ru).
            ((language, folder),) = sets.items()
            if primary(language) == primary(tag):
                return language, folder
        return None

    def choose(self, requested: str | None, record_language: str) -> LanguageChoice:
        """The set for ``requested`` (``--lang``), else for the record's language.

        A language asked for with ``--lang`` must have a set (a :class:`TemplateError`
        names the ones there are); a record's own language without a set falls back to
        English (or to the folder's only set), and the choice says so.
        """
        sets = self.sets()
        if not sets:
            raise TemplateError(
                f"template folder {self.root} has no templates: neither memo.md.j2 at its "
                "root nor language subfolders such as en/ and ru/"
            )
        available = ", ".join(sets)
        if requested is not None:
            found = self._find(requested)
            if found is None:
                raise TemplateError(
                    f"no templates for language {requested!r} in {self.root} "
                    f"(available: {available})"
                )
            return LanguageChoice(*found)
        found = self._find(record_language)
        if found is not None:
            return LanguageChoice(*found)
        # A folder with a single set (a user's own) writes every record in its language.
        fallback = next(iter(sets.items())) if self.single else self._find(DEFAULT_LANGUAGE)
        if fallback is None:
            raise TemplateError(
                f"no templates for the record's language {record_language!r} in {self.root}, "
                f"and none for English to fall back on (available: {available}); "
                "choose one with --lang"
            )
        return LanguageChoice(*fallback, fell_back_from=record_language)
