"""How record values read in a document: dates, numbers, figures, people.

These are the filters the templates use. They return plain text; names keep their letters
exactly (no case changes). Dates and numbers follow the template set's language through
Babel (``13 марта 2025 г.``, ``533,4``); Babel is imported only here, on the first date or
number formatted, so commands that format nothing never load it.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from memo_gen.compose.languages import COUNTED, Words
from memo_gen.record.fields import PartialDate
from memo_gen.record.model import VOCABULARIES, Figure, Participant, Person, Place, RelativeDate
from memo_gen.record.translations import Fallback, primary

if TYPE_CHECKING:
    from babel import Locale

SCALE_FACTORS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}


@functools.cache
def babel_locale(tag: str) -> Locale:
    """Babel's locale for a BCP 47 tag (``ru``, ``az-Latn``), English when Babel has none."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@dataclass(frozen=True)
class _Day:
    """A day that formats itself with a Babel pattern: ``"{first:d MMMM}".format(first=…)``."""

    formatter: Formatter
    day: dt.date

    def __format__(self, pattern: str) -> str:
        return self.formatter._format_date(self.day, pattern)


DOTTED_I = frozenset({"az", "tr", "crh", "gag"})
"""Languages whose i has a dotted capital İ, and whose I is the capital of dotless ı."""

NAMED_FALLBACKS = 12
"""How many texts from a fallback language the source note names."""


class Formatter:
    """The filters of one language."""

    def __init__(self, words: Words | None = None) -> None:
        self.words = words or Words()
        self.locale = self.words.language

    # --- dates and numbers (Babel) -------------------------------------------------------

    def _format_date(self, day: dt.date, pattern: str) -> str:
        from babel.dates import format_date

        return str(format_date(day, pattern, locale=babel_locale(self.locale)))

    def date(self, value: PartialDate | RelativeDate | None) -> str:
        """``13 March 2025``, ``March 2025``, ``2025`` (``13 марта 2025 г.``, ``март 2025 г.``,
        ``2025 г.``), or a relative date as published."""
        if value is None:
            return ""
        if isinstance(value, RelativeDate):
            return value.as_published
        first = dt.date(value.year, value.month or 1, value.day or 1)
        if value.month is None:
            return self._format_date(first, self.words.year)
        return self._format_date(first, self.words.date if value.day else self.words.month)

    def date_range(
        self, start: PartialDate | RelativeDate | None, end: PartialDate | RelativeDate | None
    ) -> str:
        """``13 March 2025``, ``13–15 March 2025``, ``30 April – 2 May 2025``; nothing when
        the record gives no start."""
        if start is None:
            return ""
        if end is None or end == start:
            return self.date(start)
        same_year = (
            isinstance(start, PartialDate)
            and isinstance(end, PartialDate)
            and start.is_complete
            and end.is_complete
            and start.year == end.year
        )
        if same_year:
            assert isinstance(start, PartialDate) and isinstance(end, PartialDate)
            days = {"first": _Day(self, start.earliest), "last": _Day(self, end.earliest)}
            if start.month == end.month:
                if self.words.range_same_month:
                    return self.words.range_same_month.format(**days)
                return f"{start.day}–{self.date(end)}"
            if self.words.range_same_year:
                return self.words.range_same_year.format(**days)
            first = self._format_date(start.earliest, self.words.day_month)
            return f"{first} – {self.date(end)}"
        return f"{self.date(start)} – {self.date(end)}"

    def number(self, value: float | int | None) -> str:
        """``533.4``, ``130,000``, ``1`` (no trailing ``.0``; every digit the record gives);
        ``533,4`` and ``130 000`` in Russian."""
        if value is None:
            return ""
        from babel.numbers import format_decimal

        exact = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
        # Precision for every digit of any float (up to 309), not the default 28.
        with localcontext(prec=400):
            if exact == exact.to_integral_value():
                exact = exact.quantize(Decimal(1))
            text = format_decimal(
                exact, locale=babel_locale(self.locale), decimal_quantization=False
            )
        return str(text)

    def more(self, count: int, what: str) -> str:
        """``… and 1,994 more agreements: see the memorandum``: what the fact sheet says
        after the first entries of a list when it leaves ``count`` out; ``what`` names the
        entries (``agreement``: its word in ``[terms.count-FORM]``, by the count's plural
        form: ``документ``, ``документа``, ``документов``)."""
        form = str(babel_locale(self.locale).plural_form(count))
        english = COUNTED.get(what, (what, what))[0 if form == "one" else 1]
        word = self.words.term(what, f"count-{form}") or self.words.term(what, "count-other")
        return self.words.more.format(count=self.number(count), what=word or english)

    def shortened(self, text: str, chars: int) -> str:
        """``text`` cut to about ``chars`` characters (at a space near the end, if any, and
        never between a letter and its accent), marked as cut short; ``text`` itself when it
        is not longer."""
        if len(text) <= chars:
            return text
        end = chars
        while end > 0 and unicodedata.combining(text[end]):
            end -= 1
        cut = text[:end]
        space = cut.rfind(" ")
        if space >= end * 2 // 3:
            cut = cut[:space]
        return self.words.shortened.format(text=cut.rstrip(" ,;:.-–—"))

    # --- figures -------------------------------------------------------------------------

    def fallback_note(self, fallback: Fallback) -> str:
        """What the source note says of the texts a fallback language gave (the first
        :data:`NAMED_FALLBACKS` named, the others counted)."""
        language = self.words.term(fallback.language, "language")
        if language is None:
            name = babel_locale(self.locale).languages.get(primary(fallback.language))
            language = name or fallback.language
        fields = list(fallback.fields[:NAMED_FALLBACKS])
        if len(fallback.fields) > NAMED_FALLBACKS:
            fields.append(f"… ({self.number(len(fallback.fields))})")
        return self.words.fallback_note.format(language=language, fields=", ".join(fields))

    def term(self, value: str | None, group: str) -> str:
        """The set's word for a known value (``official`` in ``visit-kind``); a known value
        the set has no word for as words (``press-conference`` → ``press conference``);
        ``other`` and an absent value as nothing; the record's own wording as written."""
        if value is None:
            return ""
        word = self.words.term(value, group)
        if word is not None:
            return word
        if value == "other":
            return ""
        return label(value) if value in VOCABULARIES.get(group, ()) else value

    def figure_value(self, figure: Figure) -> str:
        """The amount as the record bounds it: ``533.4``, ``about 130,000``, ``more than
        40``, ``×5``; a change with its sign: ``+48.1``, ``-5.3``."""
        if figure.value is None:
            text = f"×{self.number(figure.multiplier)}"
        else:
            text = self.number(figure.value)
            if figure.kind == "change" and figure.value > 0:
                text = f"+{text}"
        bound = figure.bound
        if bound is None:
            return text
        pattern = self.words.term(bound, "qualifier")
        if pattern is None:
            pattern = self.words.approximately if bound == "about" else f"{label(bound)} {{value}}"
        return pattern.format(value=text)

    def figure_amount(self, figure: Figure) -> str:
        """The amount and what it counts: ``533.4 million USD``, ``+48.1%``."""
        value, unit = self.figure_value(figure), self.figure_unit(figure)
        if unit == "%":
            return self.words.percent.format(value=value)
        return " ".join(part for part in (value, unit) if part)

    def scaled_unit(self, figure: Figure, scale: str | None) -> str:
        """What an amount in ``scale`` counts: ``million USD``, ``million t per year``."""
        scale_word = self.term(scale, "scale") if scale else ""
        parts = [scale_word, figure.currency or "", figure.unit or ""]
        text = " ".join(part for part in parts if part)
        return self.words.per.format(unit=text, per=figure.per).strip() if figure.per else text

    def figure_unit(self, figure: Figure) -> str:
        """What the amount counts: ``million USD``, ``million t per year``, ``universities``."""
        return self.scaled_unit(figure, figure.scale)

    def figure_period(self, figure: Figure) -> str:
        """The period: ``2024``, ``medium term``, ``over the past five years``."""
        # Both when both are given: a change's period and the one it is measured from.
        over = self.words.over.format(period=figure.base_period) if figure.base_period else ""
        return ", ".join(part for part in (figure.period, over) if part)

    def figure_text(self, figure: Figure) -> str:
        """The figure in one phrase: ``533.4 million USD (2024)``; a target or forecast says
        so: ``1 billion USD (target)``, ``2.2 million t per year (medium term, forecast)``."""
        amount = self.figure_amount(figure)
        notes = [self.figure_period(figure)]
        if figure.kind in ("target", "forecast"):
            notes.append(self.term(figure.kind, "figure-kind"))
        inside = ", ".join(note for note in notes if note)
        return f"{amount} ({inside})" if inside else amount

    def filters(self) -> dict[str, Callable[..., Any]]:
        """The Jinja filters of this language."""
        return {
            "date": self.date,
            "date_range": self.date_range,
            "number": self.number,
            "figure_value": self.figure_value,
            "figure_amount": self.figure_amount,
            "figure_unit": self.figure_unit,
            "figure_period": self.figure_period,
            "figure_text": self.figure_text,
            "term": self.term,
            "person": person,
            "short_name": short_name,
            "people": people,
            "place": place,
            "label": label,
            "sentence": self.sentence,
        }

    def sentence(self, value: str) -> str:
        """The first letter in upper case (for labels that start a sentence or a cell), by
        the language's rule: Azerbaijani and Turkish write i → İ (Python's str.upper gives I)."""
        if primary(self.locale) in DOTTED_I and value[:1] == "i":
            return "İ" + value[1:]
        return sentence(value)


def person(value: Person | Participant) -> str:
    """``Name, Title, Organisation``; for a participant with the honorific, post-nominals
    and native spelling as the record gives them: ``H.E. Name PhD (Native), Title``."""
    if not isinstance(value, Participant):
        return ", ".join(part for part in (value.name, value.title, value.organisation) if part)
    # Post-nominals follow the name (before its native spelling), else the office.
    name = value.name or value.native_name
    if name and value.post_nominals:
        name = f"{name} {value.post_nominals}"
    if value.name and value.native_name:
        name = f"{name} ({value.native_name})"
    parts = [part for part in (name, value.title, value.organisation) if part]
    if not name and value.post_nominals:
        parts[0] = f"{parts[0]} {value.post_nominals}"
    if value.honorific:
        parts[0] = f"{value.honorific} {parts[0]}"
    return ", ".join(parts)


def short_name(value: Participant) -> str:
    """How a participant is named in a line of text: honorific and name, else the office."""
    if value.name:
        return f"{value.honorific} {value.name}" if value.honorific else value.name
    return value.title or value.native_name or ""


def people(values: Iterable[Person | Participant]) -> str:
    """Several people separated by semicolons."""
    return "; ".join(person(value) for value in values)


def place(value: Place | None) -> str:
    """``Venue, City, Country``."""
    if value is None:
        return ""
    country = value.country.name if value.country else None
    return ", ".join(part for part in (value.venue, value.city, country) if part)


def label(value: str) -> str:
    """A record's enumerated value as words: ``press-conference`` → ``press conference``."""
    return value.replace("-", " ").replace("_", " ")


def sentence(value: str) -> str:
    """The first letter in upper case (for labels that start a sentence or a cell)."""
    return value[:1].upper() + value[1:]


FILTERS: dict[str, Any] = Formatter().filters()
"""The English filters (the templates' filters in the default language)."""
