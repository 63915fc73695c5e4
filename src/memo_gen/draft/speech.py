"""Words a readout attributes to one person: direct quotations and reported statements.

A direct quotation is text in quotation marks with its speaker named right beside it
('"…," Nurtleu said', 'Lavrov said: "…"', '«…», — сказал Лавров'); a readout that drops the
opening mark of a paragraph-long quotation ('… all spheres," Nurtleu said.') counts too, the
quotation then running from the paragraph's start. A reported statement is a sentence whose
subject is one person and whose verb reports speech ("noted that", "stressed", "отметил",
"подчеркнул"); it is kept whole, as published. Words of "the sides" or "the ministers"
belong to no one speaker and are not drafted; nor is a quotation whose speaker the text does
not name or does not name unambiguously.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memo_gen.draft import places
from memo_gen.draft.people import Person, people_in
from memo_gen.draft.sentences import Sentence
from memo_gen.draft.sources import Line

_EN_SAID = (
    r"(?:said|says|added|noted|stressed|emphasi[sz]ed|underlined|underscored|stated|"
    r"declared|remarked|continued|told|highlighted|pointed out)"
)
_RU_SAID = (
    r"(?:сказал|отметил|заявил|подчеркнул|добавил|указал|сообщил|констатировал|"
    r"уточнил|пояснил|резюмировал|выразил)(?:а|и)?"
)
_OPEN, _CLOSE = '“"«„', '”"»“'
# Words of at most 40 letters: an unbounded run would make the search quadratic on a long
# line without spaces.
_WHO = r"(?P<who>[^\W\d_][\w.'’-]{0,40}(?:\s+[^\W\d_][\w.'’-]{0,40}){0,4})"

_EN_AFTER = re.compile(
    rf"[“\"](?P<q>[^“”\"]{{8,3000}}?)[,.!?]?[”\"],?\s+"
    rf"(?:{_WHO}\s+{_EN_SAID}|{_EN_SAID}\s+{_WHO.replace('who', 'who2')})(?=[\s.,;:]|$)"
)
_EN_BEFORE = re.compile(rf"{_WHO}\s+{_EN_SAID}:\s*[“\"](?P<q>[^“”\"]{{8,3000}}?)[”\"]")
_EN_NO_OPENING = re.compile(rf"^(?P<q>[^“”\"]{{20,3000}}?)[,.!?]?[”\"],?\s+{_WHO}\s+{_EN_SAID}[.,]")
_RU_AFTER = re.compile(
    rf"«(?P<q>[^«»]{{8,3000}}?)[,.!?]?»,?\s*[—–-]\s*{_RU_SAID}\s+{_WHO}(?=[\s.,;:]|$)"
)
_RU_BEFORE = re.compile(rf"{_WHO}\s+{_RU_SAID}:\s*«(?P<q>[^«»]{{8,3000}}?)»")

_EN_REPORTED = re.compile(
    r"^(?P<who>(?:[^\s,]+\s+){0,7}?[^\s,]+)(?:,\s*(?:for (?:his|her) part|in turn),)?"
    r"\s+(?:also\s+)?"
    r"(?:noted|stressed|emphasi[sz]ed|underlined|underscored|pointed out|said|stated|"
    r"highlighted|reaffirmed|reiterated|told (?:\w+\s+){0,2}?(?=that\b)|added)\b"
    r"(?:\s+that\b)?,?"
)
_RU_REPORTED = re.compile(
    r"^(?P<who>(?:[^\s,]+\s+){0,7}?[^\s,]+)(?:,\s*(?:в свою очередь|со своей стороны),)?"
    r"\s+(?:также\s+)?"
    r"(?:отметил|подчеркнул|заявил|сообщил|указал|констатировал|сказал|напомнил|добавил)"
    r"(?:а|и)?\b(?:\s+(?:журналистам|собеседнику|коллеге))?(?:,?\s*что\b)?,?"
)
_RU_ACCORDING = re.compile(r"^По словам (?P<who>[^,]{3,80}),")
_GROUPS = re.compile(
    r"\b(?:sides|parties|ministers|delegations|leaders|participants|both|they|we|"
    r"стороны|министры|делегации|участники|они|мы)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Speech:
    """Words of one person: ``kind`` is ``direct`` or ``reported``."""

    speaker: int
    """Index of the speaker in the people drafted."""
    text: str
    kind: str
    line: Line


def speaker(who: str, people: list[Person], language: str) -> int | None:
    """The one person ``who`` names: by name or surname, or by an office only one person
    drafted holds ("the Kazakh Foreign Minister", "the Secretary")."""
    if _GROUPS.search(who):
        return None
    named = people_in(who, people, language)
    if named:
        return named[0][1] if len({index for _, index in named}) == 1 else None
    words = {w.casefold() for w in re.findall(r"[^\W\d_]+", who)}
    heads = {
        "minister",
        "president",
        "secretary",
        "chairman",
        "ambassador",
        "speaker",
        "министр",
        "президент",
        "госсекретарь",
        "посол",
        "председатель",
    }
    if not words & heads:
        return None
    country = None
    for named_country in places.adjectives(who, language):
        country = named_country.code
    candidates = []
    for index, person in enumerate(people):
        title_words = {w.casefold() for w in re.findall(r"[^\W\d_]+", person.title or "")}
        office_words = words & (heads | {"foreign", "deputy", "prime", "state", "first"})
        if not office_words <= title_words and not (
            "foreign" in office_words
            and "foreign" not in title_words
            and "affairs" in title_words
            and office_words - {"foreign"} <= title_words
        ):
            continue
        if country is not None and person.country != country:
            continue
        candidates.append(index)
    return candidates[0] if len(candidates) == 1 else None


def direct(line: Line, people: list[Person], language: str) -> list[Speech]:
    """The quotations of one line (paragraph) with a named speaker."""
    found: list[Speech] = []
    patterns = [_RU_AFTER, _RU_BEFORE] if language == "ru" else [_EN_AFTER, _EN_BEFORE]
    text = line.text
    for pattern in patterns:
        for match in pattern.finditer(text):
            who = match.groupdict().get("who") or match.groupdict().get("who2") or ""
            index = speaker(who, people, language)
            if index is not None:
                found.append(Speech(index, match.group("q").strip(" ,"), "direct", line))
    if language == "en" and not any(mark in text for mark in "“«") and text.count('"') == 1:
        opening = _EN_NO_OPENING.match(text)
        if opening is not None:
            index = speaker(opening.group("who"), people, language)
            if index is not None:
                found.append(Speech(index, opening.group("q").strip(" ,"), "direct", line))
    return found


def reported(sentence: Sentence, people: list[Person], language: str) -> Speech | None:
    """The words one person said, when the sentence reports them ("X noted that …",
    "По словам X, …"): the clause reported, as published."""
    text = sentence.text
    if any(mark in text for mark in _OPEN + _CLOSE):
        return None  # a quotation, or words in quotation marks: not reported speech
    if re.search(r"\b(?:not|never|не)\b", text.split(",")[0]):
        return None  # "did not stress", "не отметил"
    pattern = _RU_REPORTED if language == "ru" else _EN_REPORTED
    match = pattern.match(text)
    if match is None and language == "ru":
        match = _RU_ACCORDING.match(text)
    if match is None:
        return None
    index = speaker(match.group("who"), people, language)
    if index is None:
        return None
    # The words reported, without who said them: "Nurtleu noted that over …" → "over …".
    clause = text[match.end() :].strip().rstrip(".").strip()
    if len(clause.split()) < 3:
        return None  # "Lavrov said so." reports nothing a reader could use
    return Speech(index, clause, "reported", sentence.line)
