"""Figures a readout gives: a number with its scale, currency or unit, and what bounds it.

"533.4 million US dollars", "$6 billion", "1.4 million tons per year", "23 universities",
"a 5.3 percent decrease", "8,5 млрд долларов", "2,365 трлн рублей", "fivefold". A number
with nothing that says what it counts is no figure, nor is a number inside a date, a year,
an ordinal ("20th anniversary") or a compound ("44-day"). The period is the year the clause
gives ("in 2024", "в 2024 году"); the kind only where a word says it: a change for a rise or
fall in per cent, a target for an intention ("to increase … to"), a forecast for an
expectation, actual for what "amounted to" or "reached" a value. Numbers are read in the
source's language: "1,200" is twelve hundred in English, "8,5" eight and a half in Russian.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from memo_gen.draft.dates import date_spans, iter_years
from memo_gen.draft.sentences import Sentence

_SCALES = {
    "en": [
        (r"thousand", "thousand"),
        (r"million|mln|mn", "million"),
        (r"billion|bln|bn", "billion"),
        (r"trillion|trln|tn", "trillion"),
    ],
    "ru": [
        (r"тыс\.?|тысяч[аи]?", "thousand"),
        (r"млн\.?|миллион(?:а|ов)?", "million"),
        (r"млрд\.?|миллиард(?:а|ов)?", "billion"),
        (r"трлн\.?|триллион(?:а|ов)?", "trillion"),
    ],
}
_CURRENCIES = {
    "en": [
        (r"(?:US|U\.S\.|American)\s+dollars?", "USD"),
        (r"dollars?|USD", "USD"),
        (r"euros?|EUR", "EUR"),
        (r"tenge|KZT", "KZT"),
        (r"manats?|AZN", "AZN"),
        (r"(?:roubles|rubles|RUB)", "RUB"),
        (r"yuan|CNY", "CNY"),
        (r"soums?|sums|UZS", "UZS"),
        (r"pounds sterling|GBP", "GBP"),
        (r"Swiss francs|CHF", "CHF"),
    ],
    "ru": [
        (r"долл(?:аров|ара|ар)?\.?(?:\s+США)?", "USD"),
        (r"евро", "EUR"),
        (r"руб(?:лей|ля|ль)?\.?", "RUB"),
        (r"тенге", "KZT"),
        (r"манат(?:ов|а)?", "AZN"),
        (r"юаней|юаня", "CNY"),
        (r"сум(?:ов)?", "UZS"),
    ],
}
_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "₸": "KZT", "₽": "RUB", "₼": "AZN"}
_UNITS = {
    "en": [
        (r"percent|per cent|%", "%"),
        (r"tons|tonnes|t", "t"),
        (r"kilometers|kilometres|km", "km"),
        (r"cubic met(?:er|re)s", "m³"),
        (r"barrels", "barrels"),
    ],
    "ru": [
        (r"%|процент(?:а|ов)?", "%"),
        (r"тонн[аы]?|т\.?", "t"),
        (r"км|километр(?:а|ов)?", "km"),
        (r"куб(?:ических|\.)?\s*м(?:етров)?|кубометров", "m³"),
        (r"баррел(?:ей|я)", "barrels"),
    ],
}
_PER = {"en": r"\s+(?:per\s+year|a\s+year|annually|per\s+annum)", "ru": r"\s+(?:в\s+год|ежегодно)"}
_NOT_COUNTED = frozenset({
    "years", "months", "days", "weeks", "hours", "minutes", "seconds", "times", "decades",
    "centuries", "percent", "people's", "km", "kilometers", "tons", "tonnes"
})  # fmt: skip
_QUALIFIERS = {
    "en": [
        (r"about|around|approximately|some|roughly", "about"),
        (r"nearly|almost", "nearly"),
        (r"more than|over|exceeding|above", "more-than"),
        (r"at least", "at-least"),
        (r"less than|under|below", "less-than"),
        (r"up to", "up-to"),
    ],
    "ru": [
        (r"около|порядка|примерно|приблизительно", "about"),
        (r"почти|практически", "nearly"),
        (r"более|свыше|больше", "more-than"),
        (r"не менее", "at-least"),
        (r"менее", "less-than"),
    ],
}
_MULTIPLES = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_RISE = {
    "en": r"(?:increas\w*|grew|grow\w*|rose|ris\w*|up|higher|more|growth|gain\w*)",
    "ru": r"(?:вырос\w*|увеличи\w*|рост\w*|больше|выше|прирост\w*)",
}
_FALL = {
    "en": r"(?:decreas\w*|declin\w*|fell|fall\w*|dropped|drop\w*|down|lower|less|reduc\w*)",
    "ru": r"(?:снизи\w*|сократи\w*|уменьши\w*|спад\w*|меньше|ниже|падени\w*)",
}
_TARGET = {
    "en": (
        r"\b(?:intention|intend\w*|aim\w*|target\w*|goal|plan\w* to|"
        r"seek\w* to|to increase|to bring|to raise|to reach|to boost)\b"
    ),
    "ru": r"(?:намерен\w*|планиру\w*|цель\w*|довести|нарастить|увеличить)",
}
_FORECAST = {
    "en": r"\b(?:expected|projected|forecast\w*|will reach|is set to)\b",
    "ru": r"(?:ожида\w*|прогноз\w*|составит|достигнет)",
}
_ACTUAL = {
    "en": r"\b(?:amounted to|reached|reaching|totall?ed|stood at)\b",
    "ru": r"(?:составил\w*|достиг\w*|превысил\w*)",
}
_MEASURES = {
    "en": (
        r"(?:bilateral trade turnover|trade turnover|mutual trade|"
        r"bilateral trade|trade|turnover|exports?|imports?|(?:direct )?investments?|"
        r"volume of [\w -]{3,40}?|GDP)"
    ),
    "ru": (
        r"(?:товарооборот\w*|взаимн\w+ торговл\w+|торговл\w+|"
        r"экспорт\w*|импорт\w*|инвестици\w*|капиталовложени\w*|"
        r"объем\w* [\w -]{3,40}?)"
    ),
}


@dataclass
class Figure:
    """One figure as the readout gives it."""

    fields: dict[str, Any] = field(default_factory=dict)
    """The record's figure fields drafted (label, value, scale, currency, unit …)."""
    start: int = 0
    end: int = 0


def _alternatives(pairs: list[tuple[str, str]]) -> str:
    return "|".join(f"(?:{pattern})" for pattern, _ in pairs)


def _lookup(pairs: list[tuple[str, str]], text: str) -> str | None:
    for pattern, value in pairs:
        if re.fullmatch(pattern, text, re.IGNORECASE):
            return value
    return None


def _number(language: str) -> str:
    if language == "ru":
        return r"(?P<num>\d{1,3}(?:[  ]\d{3})+|\d+)(?:,(?P<frac>\d+))?"
    return r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"


def _pattern(language: str) -> re.Pattern[str]:
    symbol = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
    scale = _alternatives(_SCALES[language])
    currency = _alternatives(_CURRENCIES[language])
    unit = _alternatives(_UNITS[language])
    counted = r"[a-z][a-z-]{2,30}s" if language == "en" else r"(?!)"
    return re.compile(
        rf"(?<![\w.,-])(?P<symbol>{symbol})?\s?{_number(language)}(?![\w-])(?!\.\d)"
        rf"(?:\s*(?P<scale>{scale})(?![\w]))?"
        rf"(?:\s*(?P<currency>{currency})(?![\w])|\s*(?P<unit>{unit})(?![\w])|\s+(?P<counted>{counted})\b)?"
        rf"(?P<per>{_PER[language]})?",
        re.IGNORECASE,
    )


def _value(match: re.Match[str], language: str) -> float | int:
    whole = (
        re.sub(r"[,  ]", "", match.group("num"))
        if language == "en"
        else re.sub(r"[  ]", "", match.group("num"))
    )
    frac = match.group("frac")
    return float(f"{whole}.{frac}") if frac else int(whole)


def figures(sentence: Sentence, language: str) -> list[Figure]:
    """The figures of one sentence, in order."""
    text = sentence.text
    dates = date_spans(text, language)
    years = list(iter_years(text))
    found: list[Figure] = []
    for match in _pattern(language).finditer(text):
        start, end = match.span()
        if any(s <= match.start("num") < e for s, e in dates):
            continue
        symbol, scale, currency = (
            match.group("symbol"),
            match.group("scale"),
            match.group("currency"),
        )
        unit, counted = match.group("unit"), match.group("counted")
        if not (symbol or currency or unit or counted):
            continue  # "12 thousand" of what the text does not say here
        if re.fullmatch(r"(?:1[89]|20)\d\d", match.group("num")) and not (
            symbol or scale or currency or unit
        ):
            continue  # "2024 universities" is unlikely; "in 2024 years" is a year
        if counted and (counted.lower() in _NOT_COUNTED or match.group("frac")):
            continue
        if counted and text[end : end + 1] == "'":
            continue
        fields: dict[str, Any] = {}
        fields["value"] = _value(match, language)
        if scale:
            fields["scale"] = _lookup(_SCALES[language], scale)
        code = _SYMBOLS.get(symbol) if symbol else None
        if currency:
            code = _lookup(_CURRENCIES[language], currency)
        if code:
            fields["currency"] = code
        elif unit:
            fields["unit"] = _lookup(_UNITS[language], unit)
        elif counted:
            if scale is None and not _counted_noun(counted):
                continue
            fields["unit"] = counted
        if match.group("per"):
            fields["per"] = "year"
        _qualify(text[:start], fields, language)
        _kind(text, start, end, fields, language)
        period = _period(text, start, end, years)
        if period:
            fields["period"] = period
        fields["label"] = _label(text[:start], counted, language)
        fields["basis"] = _basis(text, start, end)
        if fields["label"] is None:
            fields["label"] = fields["basis"]
        found.append(Figure(fields, start, end))
    found += _multiples(text, language)
    return found


def _counted_noun(word: str) -> bool:
    """A plural noun that can be counted ("universities", "memorandums"); not an adjective or
    a verb that happens to end in s."""
    return word.lower().endswith(
        (
            "ies",
            "ums",
            "ents",
            "ors",
            "ers",
            "ities",
            "ions",
            "ers",
            "ts",
            "es",
            "ls",
            "ns",
            "ps",
            "ks",
            "ds",
            "gs",
            "rs",
        )
    )


def _qualify(before: str, fields: dict[str, Any], language: str) -> None:
    tail = before[-24:].lower()
    for pattern, qualifier in _QUALIFIERS[language]:
        if re.search(rf"(?<![\w-])(?:{pattern})\s*(?:\$|€)?\s*$", tail):
            fields["qualifier"] = qualifier
            return


def _kind(text: str, start: int, end: int, fields: dict[str, Any], language: str) -> None:
    before, after = text[max(0, start - 40) : start], text[end : end + 30]
    if fields.get("unit") == "%":
        rise, fall = _RISE[language], _FALL[language]
        by = r"(?:by|на)?\s*$"
        if re.search(rf"{fall}\s*{by}", before, re.I) or re.match(rf"\s*{fall}\b", after, re.I):
            fields["value"] = -fields["value"]
            fields["kind"] = "change"
        elif re.search(rf"{rise}\s*{by}", before, re.I) or re.match(rf"\s*{rise}\b", after, re.I):
            fields["kind"] = "change"
        return
    window = text[max(0, start - 120) : start]
    clause = re.split(r"[,;]\s+(?=[^\d])", window)[-1]
    if re.search(_FORECAST[language], clause, re.I):
        fields["kind"] = "forecast"
    elif re.search(_TARGET[language], clause, re.I):
        fields["kind"] = "target"
    elif re.search(_ACTUAL[language], text[max(0, start - 30) : start], re.I):
        fields["kind"] = "actual"


def _period(text: str, start: int, end: int, years: list[re.Match[str]]) -> str | None:
    """The year the clause gives for the figure: the first within 40 characters after it,
    else the last within 60 before it (with no other number between); with the months
    before it when they are named ("January–December 2022")."""
    for year in years:
        if end <= year.start() <= end + 40 and not re.search(r"[;.]|\d", text[end : year.start()]):
            months = re.search(
                r"(?<![\w-])([A-ZА-ЯЁа-яё][a-zа-яё]+\s*[–-]\s*[A-Za-zА-ЯЁа-яё][a-zа-яё]+)\s+$",
                text[: year.start()],
            )
            if months and _is_month_range(months.group(1)):
                return f"{months.group(1)} {year.group()}"
            return year.group()
    for year in reversed(years):
        if start - 60 <= year.start() and year.end() <= start:
            # "In 2024, trade amounted to …"; not "… in 2024 and is expected to reach …".
            between = text[year.end() : start].removeprefix(",")
            if not re.search(r"[;.,]|\d|\s(?:and|but|while|и|а|но)\s", between):
                return year.group()
    return None


def _label(before: str, counted: str | None, language: str) -> str | None:
    """What is measured: the nearest measure the sentence names before the figure, or the
    counted noun."""
    matches = list(re.finditer(rf"(?<![\w-]){_MEASURES[language]}(?![\w-])", before, re.I))
    if matches:
        label = matches[-1].group().strip()
        return label[0].upper() + label[1:]
    if counted:
        return counted[0].upper() + counted[1:]
    return None


def _basis(text: str, start: int, end: int) -> str:
    """The clause that gives the figure, as published."""
    # A comma between digits is a decimal comma ("8,5"), not a clause's end.
    stops = [m.start() for m in re.finditer(r"[,;:](?!\d)|[\[\]()]", text)]
    left = max((i for i in stops if i < start), default=-1)
    left = 0 if left < 0 or start - left > 120 else left + 1
    right = min((i for i in stops if i >= end), default=len(text))
    right = right if right - end <= 60 else end
    return text[left:right].strip(" .")


def _multiples(text: str, language: str) -> list[Figure]:
    found = []
    if language == "en":
        pattern = r"(?<![\w-])(?P<n>" + "|".join(_MULTIPLES) + r")fold\b"
        for match in re.finditer(pattern, text, re.IGNORECASE):
            n = _MULTIPLES[match.group("n").lower()]
            fields = {"multiplier": n, "kind": "change", "basis": _basis(text, *match.span())}
            fields["label"] = _label(text[: match.start()], None, language) or fields["basis"]
            found.append(Figure(fields, *match.span()))
    else:
        for match in re.finditer(r"(?<![\w-])в (?P<n>\d{1,2}) раза?\b", text):
            fields = {
                "multiplier": int(match.group("n")),
                "kind": "change",
                "basis": _basis(text, *match.span()),
            }
            fields["label"] = _label(text[: match.start()], None, language) or fields["basis"]
            found.append(Figure(fields, *match.span()))
    return found


def _is_month_range(text: str) -> bool:
    from memo_gen.draft.dates import _months

    first, _, last = re.split(r"\s*([–-])\s*", text, maxsplit=1)
    names = {**_months("en"), **_months("ru")}
    return first.lower() in names and last.lower() in names
