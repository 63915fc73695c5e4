"""Dates written in English or Russian → ISO dates, or the wording of a relative date.

"13 March 2025", "March 13, 2025", "13 марта 2025 года", "13.03.2025" and "2025-03-13" are
complete dates; "March 2025" and "в марте 2025 года" dates known to the month; a range
("18th - 21st December 2012", "с 18 по 21 декабря 2012 года") gives a first and a last day.
"today", "on Tuesday", "в понедельник" are relative: kept as published
(``{as_published: "on Tuesday"}``), never turned into a calendar date, because the day they
count from is the release's, which a readout rarely prints. A day and month without a year
("May 20") is no date the record can hold, and is not drafted. Month and weekday names are
Babel's (CLDR's) for the language.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from babel import Locale


@dataclass(frozen=True)
class FoundDate:
    """A date at ``start``–``end`` of a text."""

    start: int
    end: int
    value: Any
    """An ISO date (``2025-03-13``, ``2025-03``) or ``{"as_published": wording}``."""
    last: str | None = None
    """The last day of a range, as an ISO date."""

    @property
    def is_relative(self) -> bool:
        return isinstance(self.value, dict)


@functools.cache
def _months(language: str) -> dict[str, int]:
    """Every written form of a month name (lower case) → its number."""
    locale = Locale(language)
    names: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                names[name.lower().rstrip(".")] = number
    if language == "en":
        names["sept"] = 9
    if language == "ru":
        # The prepositional case ("в марте"), which CLDR does not give: from the nominative.
        for number, name in locale.months["stand-alone"]["wide"].items():
            stem = name.lower()[:-1] if name.lower()[-1] in "ьй" else name.lower()
            names[stem + "е"] = number
    return {name: number for name, number in names.items() if len(name) >= 3}


@functools.cache
def _weekdays(language: str) -> tuple[str, ...]:
    """The weekday names (lower case), with the accusative Russian uses after "в"."""
    names = [name.lower() for name in Locale(language).days["format"]["wide"].values()]
    if language == "ru":
        names += [name[:-1] + "у" for name in names if name.endswith("а")]
    return tuple(names)


_ORDINAL = r"(?:st|nd|rd|th)?"


@functools.cache
def _patterns(language: str) -> list[tuple[str, re.Pattern[str]]]:
    month = "(?P<month>" + "|".join(sorted(map(re.escape, _months(language)), key=len)[::-1])
    month += r")\.?"
    day, last, year = r"(?P<day>\d{1,2})", r"(?P<last>\d{1,2})", r"(?P<year>(?:1[89]|20)\d\d)"
    weekday = "|".join(_weekdays(language))
    found: list[tuple[str, str]] = [
        ("iso", r"(?P<year>(?:1[89]|20)\d\d)-(?P<mm>\d\d)-(?P<dd>\d\d)"),
    ]
    if language == "ru":
        found += [
            (
                "range",
                rf"(?:с\s+)?{day}\s*(?:-|–|—|по)\s*{last}\s+{month}\s+{year}(?:\s+(?:года|г\.))?",
            ),
            ("day", rf"{day}\s+{month}\s+{year}(?:\s+(?:года|г\.))?"),
            ("dotted", r"(?P<dd>\d\d)\.(?P<mm>\d\d)\.(?P<year>(?:1[89]|20)\d\d)"),
            ("month", rf"(?<!\d\s)(?:в\s+)?{month}\s+{year}(?:\s+(?:года|г\.))?"),
            ("relative", rf"(?:сегодня|вчера|завтра|накануне|(?:в|во)\s+(?:{weekday}))"),
        ]
    else:
        found += [
            (
                "range",
                rf"(?:from\s+)?{day}{_ORDINAL}\s*(?:-|–|—|to|and)\s*{last}{_ORDINAL}\s+(?:of\s+)?{month},?\s+{year}",
            ),
            (
                "range-md",
                rf"{month}\s+{day}{_ORDINAL}\s*(?:-|–|—|to)\s*{last}{_ORDINAL},?\s+{year}",
            ),
            ("day", rf"{day}{_ORDINAL}\s+(?:of\s+)?{month},?\s+{year}"),
            ("month-day", rf"{month}\s+{day}{_ORDINAL},?\s+{year}"),
            ("month", rf"(?<!\d\s)(?:in\s+)?{month}\s+{year}"),
            (
                "relative",
                rf"(?:today|yesterday|tomorrow|(?:(?:earlier|later)\s+)?on\s+(?:{weekday}))",
            ),
        ]
    flags = re.IGNORECASE
    return [(kind, re.compile(rf"(?<![\w-]){body}(?![\w-])", flags)) for kind, body in found]


def _iso(year: str, month: int, day: int | None) -> str | None:
    try:
        dt.date(int(year), month, day or 1)
    except ValueError:
        return None
    return f"{year}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def find_dates(text: str, language: str) -> list[FoundDate]:
    """The dates written in a text, in order; a date inside another (a range's day) once."""
    months = _months(language)
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _patterns(language):
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            date = _read(kind, match, months)
            if date is not None:
                found.append(date)
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda date: date.start)


def _read(kind: str, match: re.Match[str], months: dict[str, int]) -> FoundDate | None:
    groups = match.groupdict()
    start, end = match.start(), match.end()
    if kind == "relative":
        return FoundDate(start, end, {"as_published": match.group()})
    if kind in ("iso", "dotted"):
        value = _iso(groups["year"], int(groups["mm"]), int(groups["dd"]))
        return FoundDate(start, end, value) if value else None
    month = months.get(groups["month"].lower().rstrip("."))
    if month is None:
        return None
    if kind == "month":
        value = _iso(groups["year"], month, None)
        return FoundDate(start, end, value) if value else None
    first = _iso(groups["year"], month, int(groups["day"]))
    if first is None:
        return None
    if kind.startswith("range"):
        last = _iso(groups["year"], month, int(groups["last"]))
        if last is None or last < first:
            return None
        return FoundDate(start, end, first, last)
    return FoundDate(start, end, first)


def date_spans(text: str, language: str) -> list[tuple[int, int]]:
    """Where dates stand in a text (their numbers are no figures), also a day and month
    without a year ("May 20") and a bare year after "in"/"в"."""
    spans = [(date.start, date.end) for date in find_dates(text, language)]
    months = "|".join(sorted(map(re.escape, _months(language)), key=len)[::-1])
    loose = (
        rf"(?<![\w-])(?:\d{{1,2}}{_ORDINAL}\s+(?:{months})"
        rf"|(?:{months})\s+\d{{1,2}}{_ORDINAL})(?![\w-])"
    )
    spans += [(m.start(), m.end()) for m in re.finditer(loose, text, re.IGNORECASE)]
    return spans


def iter_years(text: str) -> Iterator[re.Match[str]]:
    """Four-digit years (1800–2099) in a text."""
    return re.finditer(r"(?<![\w.,-])(?:1[89]|20)\d\d(?![\w%])", text)


OFFSETS = {
    "today": 0,
    "сегодня": 0,
    "yesterday": -1,
    "вчера": -1,
    "накануне": -1,
    "tomorrow": 1,
    "завтра": 1,
}
"""Days from the release's date that a relative date's words fix; a weekday fixes none."""

_DATELINE_PLACE = re.compile(
    r"^\W*[A-ZА-ЯЁ][\w.'’-]*(?:[ ,]+(?:[A-ZА-ЯЁ][\w.'’-]*|\([\w .'’-]{1,30}\))){0,4}[ ,]+$"
)
_DATELINE_END = re.compile(r"^\s*(?:\([\w .'’-]{1,30}\))?\s*(?:[-–—:.]\s*|$)")
_AGENCY_DATELINE = re.compile(r"^(\W*[A-ZА-ЯЁ][\w.'’ -]{0,40}?)\s*\([\w .'’-]{1,30}\)\s*[-–—]\s*")


def dateline(text: str, language: str) -> tuple[int, str | None] | None:
    """A dateline at the start of a line ("ASTANA, 13 March 2025 —", "МОСКВА, 22 мая",
    "TEGUCIGALPA (QNA) -"): where it ends, and its date when it gives one with a year."""
    head = text[:80]
    spans: list[tuple[int, int, FoundDate | None]] = [
        (d.start, d.end, d) for d in find_dates(head, language) if not d.is_relative
    ]
    spans += [(start, end, None) for start, end in date_spans(head, language)]
    for start, end, found in sorted(spans, key=lambda span: (span[0], -span[1])):
        if not _DATELINE_PLACE.match(text[:start]):
            continue
        tail = _DATELINE_END.match(text[end:])
        if tail is None:
            return None
        value = str(found.value) if found is not None else None
        return end + tail.end(), value if value is not None and len(value) == 10 else None
    agency = _AGENCY_DATELINE.match(text)
    return (agency.end(), None) if agency else None
