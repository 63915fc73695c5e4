"""How record values read in a document: dates, numbers, figures, people.

These are the filters the templates use. They return plain text; names keep their letters
exactly (no case changes).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from memo_gen.fields import PartialDate
from memo_gen.model import Figure, Participant, Person, Place, RelativeDate

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def date(value: PartialDate | RelativeDate | None) -> str:
    """``13 March 2025``, ``March 2025``, ``2025``, or a relative date as published."""
    if value is None:
        return ""
    if isinstance(value, RelativeDate):
        return value.as_published
    if value.month is None:
        return str(value.year)
    month = MONTHS[value.month - 1]
    return f"{value.day} {month} {value.year}" if value.day else f"{month} {value.year}"


def date_range(start: PartialDate | RelativeDate, end: PartialDate | RelativeDate | None) -> str:
    """``13 March 2025``, ``13–15 March 2025``, ``30 April – 2 May 2025``."""
    if end is None or end == start:
        return date(start)
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
            return f"{start.day}–{date(end)}"
        return f"{start.day} {MONTHS[(start.month or 1) - 1]} – {date(end)}"
    return f"{date(start)} – {date(end)}"


def number(value: float | int | None) -> str:
    """``533.4``, ``130,000``, ``1`` (no trailing ``.0``)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


def figure_value(figure: Figure) -> str:
    """The amount: ``533.4``, ``about 130,000``, ``×5``."""
    text = f"×{number(figure.multiplier)}" if figure.value is None else number(figure.value)
    return f"about {text}" if figure.approximate else text


def figure_unit(figure: Figure) -> str:
    """What the amount counts: ``million USD``, ``million t per year``, ``universities``."""
    parts = [figure.scale or "", figure.currency or "", figure.unit or ""]
    text = " ".join(part for part in parts if part)
    return f"{text} per {figure.per}" if figure.per else text


def figure_period(figure: Figure) -> str:
    """The period: ``2024``, ``medium term``, ``over the past five years``."""
    if figure.period:
        return figure.period
    return f"over {figure.base_period}" if figure.base_period else ""


def figure_text(figure: Figure) -> str:
    """The figure in one phrase: ``533.4 million USD (2024)``."""
    amount = " ".join(part for part in (figure_value(figure), figure_unit(figure)) if part)
    period = figure_period(figure)
    return f"{amount} ({period})" if period else amount


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


FILTERS: dict[str, Any] = {
    "date": date,
    "date_range": date_range,
    "number": number,
    "figure_value": figure_value,
    "figure_unit": figure_unit,
    "figure_period": figure_period,
    "figure_text": figure_text,
    "person": person,
    "people": people,
    "place": place,
    "label": label,
    "sentence": sentence,
}
