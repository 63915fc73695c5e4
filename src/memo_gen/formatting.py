"""How record values read in a document: dates, numbers, figures, people.

These are the filters the templates use. They return plain text; names keep their letters
exactly (no case changes). Dates and numbers follow the template set's language through
Babel (``13 марта 2025 г.``, ``533,4``); Babel is imported only here, on the first date or
number formatted, so commands that format nothing never load it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from memo_gen.fields import PartialDate
from memo_gen.languages import Words
from memo_gen.model import Figure, Participant, Person, Place, RelativeDate

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
        self, start: PartialDate | RelativeDate, end: PartialDate | RelativeDate | None
    ) -> str:
        """``13 March 2025``, ``13–15 March 2025``, ``30 April – 2 May 2025``."""
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
            if start.month == end.month:
                return f"{start.day}–{self.date(end)}"
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

    # --- figures -------------------------------------------------------------------------

    def term(self, value: str, group: str) -> str:
        """The set's word for an enumerated value (``official`` in ``visit-kind``), else the
        value as words (``press-conference`` → ``press conference``)."""
        return self.words.term(group, value) or label(value)

    def figure_value(self, figure: Figure) -> str:
        """The amount: ``533.4``, ``about 130,000``, ``×5``."""
        if figure.value is None:
            text = f"×{self.number(figure.multiplier)}"
        else:
            text = self.number(figure.value)
        return self.words.approximately.format(value=text) if figure.approximate else text

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
        """The figure in one phrase: ``533.4 million USD (2024)``."""
        parts = (self.figure_value(figure), self.figure_unit(figure))
        amount = " ".join(part for part in parts if part)
        period = self.figure_period(figure)
        return f"{amount} ({period})" if period else amount

    def filters(self) -> dict[str, Callable[..., Any]]:
        """The Jinja filters of this language."""
        return {
            "date": self.date,
            "date_range": self.date_range,
            "number": self.number,
            "figure_value": self.figure_value,
            "figure_unit": self.figure_unit,
            "figure_period": self.figure_period,
            "figure_text": self.figure_text,
            "term": self.term,
            "person": person,
            "people": people,
            "place": place,
            "label": label,
            "sentence": sentence,
        }


def person(value: Person | Participant) -> str:
    """``Name, Title, Organisation``, with the native spelling of a participant's name."""
    name = value.name
    if isinstance(value, Participant) and value.native_name and name:
        name = f"{name} ({value.native_name})"
    elif isinstance(value, Participant) and value.native_name:
        name = value.native_name
    return ", ".join(part for part in (name, value.title, value.organisation) if part)


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
