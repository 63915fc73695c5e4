"""Organisations and formats a readout names, with the abbreviations it gives them.

"Organization of Turkic States (OTS)" gives a name and its abbreviation; "within the UN, OTS,
CICA, CIS" gives abbreviations alone, drafted with the abbreviation as the name (the text
does not expand them, and no list of expansions stands in for it); a capitalised name
headed by Organization, Union, Commonwealth, Forum, Alliance or Summit ("Antalya Diplomacy
Forum", "Caspian Summit") gives a name alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memo_gen.draft import places
from memo_gen.draft.sentences import Sentence

# Abbreviations that are no organisation: countries, currencies, ministries, measures.
_NOT_ORGANISATIONS = frozenset({
    "US", "USA", "UK", "UAE", "RF", "MFA", "MOFA", "FM", "GDP", "USD", "EUR", "RUB", "KZT",
    "AZN", "UZS", "CNY", "COVID", "AI", "IT", "PR", "TV", "VIP", "CEO", "BTC", "PhD", "РФ",
    "США", "МИД", "ОАЭ", "ВВП", "СМИ", "HE", "QNA", "APS", "TASS", "RIA", "MEA", "ТАСС", "РИА",
    "КНР"
})  # fmt: skip
_EN_HEADS = r"(?:Organi[sz]ation|Union|Commonwealth|Forum|Alliance|Summit|United Nations)"
_EN_WORD = r"(?:[A-Z][\w'’-]*|of|the|and|for|on|in)"
_EN_NAMED = re.compile(
    rf"(?<![\w-])(?P<name>(?:[A-Z][a-z][\w'’-]*\s+)(?:(?:[A-Z][\w'’-]*|of)\s+){{0,6}}?{_EN_HEADS}"
    rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s*){{1,5}})?|United Nations)"
    rf"(?:\s*\((?P<acronym>[A-Z]{{2,8}})\))?"
    # Not a part of a longer name: "United Nations General Assembly" names another body.
    rf"(?!\s+[A-Z][a-z])"
)
_EN_EXPANDED = re.compile(
    rf"(?<![\w-])(?P<name>[A-Z][\w'’-]*(?:\s+{_EN_WORD}){{1,9}})\s*\((?P<acronym>[A-Z]{{2,8}})\)"
)
_RU_EXPANDED = re.compile(
    r"(?<![\w-])(?P<name>[А-ЯЁ][\w-]*(?:\s+[\w-]+){1,7}?)\s*\((?P<acronym>[А-ЯЁA-Z]{2,8})\)"
)
_ACRONYM = r"[A-ZА-ЯЁ]{2,8}"
_EN_LISTED = re.compile(
    rf"(?:(?:within|in|of|at|under|with|to|and)\s+|,\s*)"
    rf"(?:the\s+(?:framework|format|platforms?)\s+of\s+)?"
    rf"(?:the\s+)?(?P<list>{_ACRONYM}(?:\s*,\s*(?:the\s+)?{_ACRONYM})*(?:,?\s+and\s+(?:the\s+)?{_ACRONYM})?)\b"
)
_RU_LISTED = re.compile(
    rf"(?:в рамках|на площадке|на площадках|в|во|при|с|членами|член)\s+"
    rf"(?P<list>{_ACRONYM}(?:\s*,\s*{_ACRONYM})*(?:,?\s+и\s+{_ACRONYM})?)(?![\w-])"
)


@dataclass(frozen=True)
class Organisation:
    """An organisation the readout names: its name as written, and its abbreviation."""

    name: str
    acronym: str | None
    start: int


def _initials_match(name: str, acronym: str) -> bool:
    """Whether an abbreviation can stand for a name: their first letters agree."""
    return name[:1].upper() == acronym[:1].upper()


def organisations(sentence: Sentence, language: str) -> list[Organisation]:
    """The organisations one sentence names."""
    text = sentence.text
    found: list[Organisation] = []
    expanded = _RU_EXPANDED if language == "ru" else _EN_EXPANDED
    for match in expanded.finditer(text):
        name, acronym = match.group("name"), match.group("acronym")
        # The name runs back to the word that starts the abbreviation: "the Organization
        # of Turkic States (OTS)" from "Organization".
        words = name.split()
        for index, word in enumerate(words):
            rest = " ".join(words[index:])
            if word[:1].isupper() and _initials_match(rest, acronym):
                name = rest
                break
        else:
            continue
        if acronym not in _NOT_ORGANISATIONS and not _is_country(name, language):
            found.append(Organisation(name, acronym, match.start()))
    if language == "en":
        for match in _EN_NAMED.finditer(text):
            name = re.sub(r"^(?:The|In|At|On|Within|During)\s+", "", match.group("name")).strip()
            if any(o.name == name or name in o.name for o in found):
                continue
            if not _is_country(name, language):
                found.append(Organisation(name, match.group("acronym"), match.start()))
    listed = _RU_LISTED if language == "ru" else _EN_LISTED
    for match in listed.finditer(text):
        for acronym in re.findall(_ACRONYM, match.group("list")):
            if acronym in _NOT_ORGANISATIONS or _is_country(acronym, language):
                continue
            found.append(Organisation(acronym, acronym, match.start("list")))
    return found


def _is_country(name: str, language: str) -> bool:
    return any(n.start == 0 and n.end == len(name) for n in places.countries(name, language))
