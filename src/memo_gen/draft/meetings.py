"""The meetings a readout reports, and what it says of the visit as a whole: its kind, its
event, where it went.

A meeting is a sentence that names two or more of the people drafted and a verb of
meeting: "held talks with" (talks), "held consultations" (consultations), "telephone
conversation" (telephone-call), "video conference" (video-call), "was received by"
(audience), "met" (no format: the text does not say). Its date and city are the ones the
same sentence gives ("in Astana", "в Астане"). The visit's kind is the one the text names
("official visit", "рабочий визит"); its event the forum on whose sidelines it met ("on the
sidelines of the Antalya Diplomacy Forum").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from memo_gen.draft import places
from memo_gen.draft.dates import find_dates
from memo_gen.draft.people import Person, people_in
from memo_gen.draft.sentences import Sentence

_EN_FORMATS = [
    (
        (
            r"\b(?:telephone|phone)\s+(?:conversation|call|talk)s?\b|"
            r"\bspoke\s+(?:by|on the|over the)\s+(?:tele)?phone\b"
        ),
        "telephone-call",
    ),
    (
        r"\bvideo\s*(?:conference|call|link)\b|\bvideoconference\b|\bvideo-conference\b",
        "video-call",
    ),
    (
        (
            r"\b(?:held|had|holds|conducted|hold)\s+(?:bilateral\s+|"
            r"official\s+|comprehensive\s+)?(?:talks|negotiations)\b|"
            r"\btalks\s+(?:were held|took place)\b"
        ),
        "talks",
    ),
    (r"\b(?:held|hold|holds)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}consultations\b", "consultations"),
    (r"\b(?:was|were)\s+(?:also\s+)?received\s+by\b|\breceived\b", "audience"),
    (
        r"\bmet\b|\bmeets\b|\bmeetings?\s+(?:with|between)\b|\b(?:held|had)\s+(?:an?\s+)?"
        r"(?:[\w-]+\s+){0,3}meetings?\b|\bco-chair(?:ed|s)?\b|\bcalled\s+on\b",
        None,
    ),
]
_RU_FORMATS = [
    (r"телефонн\w+\s+разговор\w*|по\s+телефону", "telephone-call"),
    (r"видеоконференц\w*|видеосвяз\w*", "video-call"),
    (
        r"\bпровел[аи]?\s+(?:[\w-]+\s+){0,4}переговоры\b|\bпереговоры\s+(?:прошли|состоялись)\b",
        "talks",
    ),
    (r"\bпровел[аи]?\s+(?:[\w-]+\s+){0,3}консультации\b", "consultations"),
    (r"\bпринял[аи]?\b(?!\s+участие)|\bбыл[аи]?\s+принят\w*", "audience"),
    (r"\bвстретил\w*|\bвстреч\w+\s+с\b|\bпровел[аи]?\s+(?:[\w-]+\s+){0,4}встречу\b", None),
    (r"\bразговор\w*|\bбесед\w+|\bпобеседовал\w*", None),
]
_TITLES = {
    "en": {
        "talks": "Talks",
        "consultations": "Consultations",
        "telephone-call": "Telephone conversation",
        "video-call": "Video conference",
        "audience": "Audience",
        None: "Meeting",
    },
    "ru": {
        "talks": "Переговоры",
        "consultations": "Консультации",
        "telephone-call": "Телефонный разговор",
        "video-call": "Видеоконференция",
        "audience": "Приём",
        None: "Встреча",
    },
}
_EN_KIND = re.compile(r"\b(state|official|working|private)\s+visit\b", re.IGNORECASE)
_RU_KIND = re.compile(r"\b(государственн|официальн|рабоч|частн)\w*\s+визит\w*", re.IGNORECASE)
_RU_KINDS = {
    "государственн": "state",
    "официальн": "official",
    "рабоч": "working",
    "частн": "private",
}
_EN_EVENT = re.compile(
    r"\b(?:on the sidelines of|on the margins of|within the framework of|"
    r"during (?:their|his|her) participation in)\s+(?:the\s+)?"
    r"(?P<event>(?:\d+(?:st|nd|rd|th)\s+)?[A-Z][\w'’-]*"
    r"(?:\s+(?:[A-Z][\w'’-]*|of|the|and|on|for|\d{4}))*)"
)
_EVENT_HEADS = re.compile(
    r"\b(?:Forum|Summit|Meeting|Council|Session|Assembly|Conference|Congress|Week|Dialogue"
    r"|Games|Expo|Ministerial)\b"
)


# "…, сообщили в среду в МИД", "the ministry said on Monday": the day of the report.
_REPORTED_WHEN = re.compile(
    r"\b(?:said|reported|announced|told|stated|сообщил\w*|заявил\w*|сказал\w*|передает|передаёт)\s+$",
    re.IGNORECASE,
)


@dataclass
class Meeting:
    """One meeting the readout reports."""

    format: str | None
    title: str
    people: list[int]
    sentence: Sentence
    date: Any = None
    last: str | None = None
    city: places.Named | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def meetings(sentence: Sentence, people: list[Person], language: str) -> list[Meeting]:
    """The meetings a sentence reports: one, or one with each of the others for "held
    separate meetings with A and B" ("провёл отдельные встречи с …")."""
    found = meeting(sentence, people, language)
    if found is None:
        return []
    if len(found.people) > 2 and re.search(r"\bseparate\b|отдельн", sentence.text, re.I):
        host, *others = found.people
        return [
            Meeting(
                found.format,
                found.title,
                [host, other],
                sentence,
                found.date,
                found.last,
                found.city,
            )
            for other in others
        ]
    return [found]


def meeting(sentence: Sentence, people: list[Person], language: str) -> Meeting | None:
    """The meeting a sentence reports, if it names two people or more and how they met."""
    text = sentence.text
    found_people = people_in(text, people, language)
    named = [index for _, index in found_people]
    if len(named) < 2 or re.search(r"\brespectively\b|соответственно", text):
        return None
    with_ = re.search(r"\bwith\b", text) if language == "en" else None
    if with_ is not None and not any(start < with_.start() for start, _ in found_people):
        return None  # "the Foreign Secretary held meetings with A and B": who met them?
    if re.search(
        r"\b(?:not|never|will|would|plan\w*|не|будет|планиру\w*)\s+(?:\w+\s+)?(?:meet|hold|held|встрет|провед)",
        text,
    ):
        return None  # a meeting denied or only planned
    table = _RU_FORMATS if language == "ru" else _EN_FORMATS
    plain = text.replace("ё", "е").replace("Ё", "Е")  # "провёл" as "провел"
    for pattern, kind in table:
        if re.search(pattern, plain, re.IGNORECASE):
            found = Meeting(kind, _TITLES[language][kind], named, sentence)
            dates = [
                d
                for d in find_dates(text, language)
                if (d.is_relative or d.last or "-" in str(d.value)[5:])
                and not _REPORTED_WHEN.search(text[: d.start])
            ]
            if dates:
                found.date, found.last = dates[0].value, dates[0].last
            found.city = city(text, language)
            return found
    return None


def city(text: str, language: str) -> places.Named | None:
    """The known city a sentence says something took place in ("in Astana", "в Астане")."""
    for named in places.cities(text, language):
        before = text[: named.start]
        if re.search(r"(?:\bin|\bв|\bво)\s+$", before, re.IGNORECASE):
            return named
    return None


def visit_kind(text: str, language: str) -> str | None:
    """The kind of visit a sentence names: state, official, working, private."""
    if language == "ru":
        match = _RU_KIND.search(text)
        return _RU_KINDS[match.group(1).lower()] if match else None
    match = _EN_KIND.search(text)
    return match.group(1).lower() if match else None


def destination(text: str, language: str) -> places.Named | None:
    """Where a visit went, when a sentence says so: "visit to Sri Lanka", "визит в Уругвай",
    "who is in Astana on an official visit"."""
    if visit_kind(text, language) is None:
        return None  # "the visit to Pakistan of …" in a sentence on someone else's visit
    pattern = r"\bvisit\s+to\s+(?:the\s+)?$" if language == "en" else r"\bвизит\w*\s+в[о]?\s+$"
    for named in [*places.countries(text, language), *places.cities(text, language)]:
        if re.search(pattern, text[: named.start], re.IGNORECASE):
            return named
    if visit_kind(text, language) is not None:
        return city(text, language)
    return None


def event(text: str, language: str) -> str | None:
    """The multilateral event on whose sidelines the sentence's meeting took place."""
    if language != "en":
        return None  # Russian gives the event's name in the genitive ("на полях форума")
    match = _EN_EVENT.search(text)
    if match is None:
        return None
    name = re.sub(r"\s+(?:of|the|and|on|for)$", "", match.group("event").strip())
    return name if _EVENT_HEADS.search(name) else None


_EVENT_VERBS = {
    "en": re.compile(
        r"\b(?:took part|participated|attended|headed|led|co-chaired|signed|visited|arrived|"
        r"held|met|received|spoke|paid)\b",
        re.IGNORECASE,
    ),
    "ru": re.compile(
        r"(?:принял\w* участие|участвовал\w*|возглавил\w*|подписал\w*|посетил\w*|прибыл\w*|"
        r"находится|провел\w*|встретил\w*|состоял\w*|подписан\w*)",
        re.IGNORECASE,
    ),
}


def when_and_where(
    sentence: Sentence, people: list[Person], language: str, lead: bool = False
) -> tuple[Any, Any]:
    """The date (complete or in words) and the city of the encounter a sentence reports
    ("held in Minsk on 12 April 2024", "15 июля 2025 года в Тяньцзине … принял участие"),
    when it says what was done and, unless it is the lead sentence, by a person drafted."""
    text = sentence.text
    plain = text.replace("ё", "е")
    if not _EVENT_VERBS[language].search(plain):
        return None, None
    if not lead and not people_in(text, people, language):
        return None, None
    if re.search(r"\b(?:will|would|plan\w*|is to|are to|будет|планиру\w*|предстоит)\b", text):
        return None, None  # an encounter to come
    dates = [
        d
        for d in find_dates(text, language)
        if (d.is_relative or d.last or "-" in str(d.value)[5:])
        and not _REPORTED_WHEN.search(text[: d.start])
    ]
    return (dates[0] if dates else None), city(text, language)
