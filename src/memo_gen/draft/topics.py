"""Topics a readout says were discussed, and areas it says the sides cooperate or agreed to
cooperate in.

A topic comes from a sentence that says something was discussed ("discussed", "exchanged
views on", "обсудили"): its title is what the sentence says was discussed, as published,
and its areas are the known areas the sentence names ("trade", "cultural" → culture). Areas
of cooperation come only from a sentence in which the sides agree or confirm to cooperate
("agreed to intensify cooperation in agriculture …", "договорились развивать
сотрудничество в …"); a topic merely discussed is not one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memo_gen.draft.sentences import Sentence

_EN_AREAS = [
    (r"politics|political", "politics"),
    (r"trade", "trade"),
    (r"econom(?:y|ic)", "economy"),
    (r"investments?", "investment"),
    (r"energy", "energy"),
    (r"transport(?:ation)?", "transport"),
    (r"transit", "transit"),
    (r"agricultur(?:e|al)", "agriculture"),
    (r"industr(?:y|ial)", "industry"),
    (r"space", "space"),
    (r"telecommunications?", "telecommunications"),
    (r"digital(?:i[sz]ation)?", "digital"),
    (r"cultur(?:e|al)", "culture"),
    (r"humanitarian", "humanitarian"),
    (r"education(?:al)?", "education"),
    (r"science|scientific", "science"),
    (r"health(?:care)?", "health"),
    (r"environment(?:al)?", "environment"),
    (r"security", "security"),
    (r"defen[cs]e", "defence"),
    (r"consular", "consular"),
    (r"regional", "regional"),
    (r"multilateral", "multilateral"),
]
_RU_AREAS = [
    (r"политич\w*|политик\w*", "politics"),
    (r"торгов\w*|торговл\w*", "trade"),
    (r"экономи\w*", "economy"),
    (r"инвестиц\w*", "investment"),
    (r"энергет\w*", "energy"),
    (r"транспорт\w*", "transport"),
    (r"транзит\w*", "transit"),
    (r"сельск\w+ хозяйств\w*|агропромышлен\w*", "agriculture"),
    (r"промышлен\w*", "industry"),
    (r"космическ\w*|космос\w*", "space"),
    (r"телекоммуникац\w*", "telecommunications"),
    (r"цифров\w*", "digital"),
    (r"культур\w*", "culture"),
    (r"гуманитарн\w*", "humanitarian"),
    (r"образовани\w*|образовательн\w*", "education"),
    (r"наук\w*|научн\w*", "science"),
    (r"здравоохранени\w*", "health"),
    (r"экологи\w*", "environment"),
    (r"безопасност\w*", "security"),
    (r"оборон\w*", "defence"),
    (r"консульск\w*", "consular"),
    (r"регионал\w*", "regional"),
    (r"многосторонн\w*", "multilateral"),
]
_EN_DISCUSSED = re.compile(
    r"\b(?:discussed|exchanged (?:their )?views on|reviewed|considered|touched upon|focused on)\b"
)
_EN_PASSIVE = re.compile(
    r"^(?:.*?,\s*)?(?P<what>[^,]{6,160}?)\s+(?:was|were)\s+(?:also\s+)?discussed\b"
)
_RU_DISCUSSED = re.compile(
    r"(?:обсудили|обсуждались|обсуждался|обсуждалась|обменялись мнениями по|рассмотрели|затронули)"
)
_EN_COOPERATE = re.compile(
    r"\b(?:agreed|confirmed|decided|resolved)\s+(?:their\s+\w+\s+)?to\s+(?:further\s+)?"
    r"(?:intensify|expand|strengthen|develop|deepen|enhance|boost|step up|increase)\s+"
    r"(?:the\s+)?(?:bilateral\s+)?cooperation\s+in\b(?P<what>[^.;]*)"
)
_RU_COOPERATE = re.compile(
    r"договорились\s+(?:о\s+)?(?:активизир\w+|расшир\w+|укреп\w+|разв\w+|углуб\w+|наращ\w+)\s+"
    r"сотрудничеств\w*\s+в\b(?P<what>[^.;]*)"
)


@dataclass(frozen=True)
class Topic:
    """A subject discussed, as published, and the known areas it names."""

    title: str
    areas: tuple[str, ...]


def _areas(text: str, language: str) -> tuple[str, ...]:
    table = _RU_AREAS if language == "ru" else _EN_AREAS
    # "regional security" is one area, which no known word names: neither "regional" nor
    # "security" alone.
    text = re.sub(
        r"\b(?:regional\s+security|региональн\w+\s+безопасност\w*)", " ", text, flags=re.I
    )
    found: list[tuple[int, str]] = []
    for pattern, area in table:
        match = re.search(rf"(?<![\w-])(?:{pattern})(?![\w-])", text, re.IGNORECASE)
        if match is not None:
            found.append((match.start(), area))
    areas: list[str] = []
    for _, area in sorted(found):
        if area not in areas:
            areas.append(area)
    return tuple(areas)


def topic(sentence: Sentence, language: str) -> Topic | None:
    """The topic a sentence says was discussed, if it says one was."""
    text = sentence.text
    if language == "ru":
        match = _RU_DISCUSSED.search(text)
        if match is None:
            return None
        what = re.split(r"[,;.]|\sи\s(?=[а-яё]+ли\b)", text[match.end() :].strip())[0].strip()
    else:
        passive = _EN_PASSIVE.match(text)
        active = _EN_DISCUSSED.search(text)
        if passive is not None:
            what = re.sub(r"^(?:During|At|In) the \w+\s+", "", passive.group("what").strip())
        elif active is not None:
            # What was discussed runs to the clause's end: a list keeps its commas ("trade,
            # energy and culture"), a next verb ends it (", confirmed …", "and agreed …").
            what = re.split(
                r"[;.]|,?\s(?:and|as well as)\s(?=[a-z]+ed\b)|,\s(?=[a-z]+ed\b)"
                r"|,\s(?:which|where)\b",
                text[active.end() :].strip(),
            )[0]
            what = what.strip()
        else:
            return None
    what = re.sub(r"\s+(?:including|in particular|such as|в том числе|включая)$", "", what)
    if len(what) < 6 or len(what) > 200:
        return None
    title = what[0].upper() + what[1:]
    return Topic(title, _areas(text, language))


def cooperation(sentence: Sentence, language: str) -> tuple[str, ...]:
    """The known areas a sentence says the sides agreed to cooperate in."""
    pattern = _RU_COOPERATE if language == "ru" else _EN_COOPERATE
    match = pattern.search(sentence.text)
    if match is None or re.search(r"\b(?:not|не)\b", sentence.text[: match.start()]):
        return ()
    return _areas(match.group("what"), language)
