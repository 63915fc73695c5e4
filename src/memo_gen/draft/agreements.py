"""Agreements and other documents a readout names, with the status its own verb gives.

A document is a phrase headed by a kind of document ("Plan of Inter-Ministerial Cooperation
for 2025-2026", "40 memorandums on inter-university cooperation", "Соглашение о …"). Its
status is the verb right beside it: "signed the …", "the signing of the …", "… were signed"
→ signed; adopted, approved, initialled, ratified, "entered into force" likewise; "plan to
sign", "will sign" → planned. A verb that is denied ("did not sign", "не подписали") or only
wished ("ready to sign", "could sign") gives nothing, and the document is not drafted unless
its name is a proper title; a proper title with no verb beside it is drafted with no status
(the documents then say the source gives none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from memo_gen.draft.dates import date_spans, find_dates
from memo_gen.draft.sentences import Sentence

_EN_KINDS = [
    (r"memorand(?:um|a|ums)(?: of understanding)?", "memorandum"),
    (r"agreements?|accords?", "agreement"),
    (r"treat(?:y|ies)", "treaty"),
    (r"conventions?", "convention"),
    (r"protocols?", "protocol"),
    (r"road ?maps?", "roadmap"),
    (r"declarations?", "declaration"),
    (r"(?:joint )?statements?", "statement"),
    (r"programmes?|programs?", "programme"),
    (r"plans?", "plan"),
    (r"decisions?", "decision"),
    (r"contracts?", "contract"),
]
_RU_KINDS = [
    (r"[Мм]еморандум(?:ы|у)?(?: о взаимопонимании)?", "memorandum"),
    (r"[Сс]оглашени[еяй]", "agreement"),
    (r"[Дд]оговор(?:ы)?", "treaty"),
    (r"[Кк]онвенци[яю]", "convention"),
    (r"[Пп]ротокол(?:ы)?", "protocol"),
    (r"[Дд]орожн(?:ая|ую) карт[аy]", "roadmap"),
    (r"[Дд]екларация|[Дд]екларацию", "declaration"),
    (r"[Сс]овместн(?:ое|ые) заявлени[ея]|[Зз]аявление", "statement"),
    (r"[Пп]рограмм[ау]", "programme"),
    (r"[Пп]лан(?:ы)?", "plan"),
    (r"[Рр]ешени[ея]|[Пп]остановлени[ея]", "decision"),
    (r"[Кк]онтракт(?:ы)?", "contract"),
]

_EN_STATUS = [
    (r"sign(?:ed|ing)|inked", "signed"),
    (r"initiall?(?:ed|ing)", "initialled"),
    (r"adopt(?:ed|ion of|ing)", "adopted"),
    (r"approv(?:ed|al of|ing)", "approved"),
    (r"ratif(?:ied|ication of|ying)", "ratified"),
]
_EN_PASSIVE = [
    (r"signed", "signed"),
    (r"initiall?ed", "initialled"),
    (r"adopted", "adopted"),
    (r"approved", "approved"),
    (r"ratified", "ratified"),
    (r"entered into force", "in-force"),
]
_EN_PLANNED = (
    r"(?:plan(?:s|ned)?|intend(?:s|ed)?|agreed|are|is) to (?:sign|"
    r"adopt|conclude)|will (?:sign|adopt)"
)
_RU_STATUS = [
    (r"подписа(?:ли|л|ла|но|ны|н|на|ние)|подписан(?:ие|ии)", "signed"),
    (r"парафирова\w*", "initialled"),
    (r"приня(?:ли|л|ла|то|ты|т|та)|приняти[ея]", "adopted"),
    (r"утверди(?:ли|л)|утвержд\w*|одобри(?:ли|л)|одобрен\w*", "approved"),
    (r"ратифицирова\w*", "ratified"),
    (r"вступи\w* в силу", "in-force"),
]
_RU_PLANNED = r"(?:планиру\w*|намерен\w*|предполага\w*) (?:подписать|принять)|будет подписан\w*"
_DENIED = {
    "en": (
        r"\b(?:not|never|no|yet to|failed to|refused to|ready to|"
        r"could|would|should|may|might|hope to|hoped to|prepar\w+)\b"
    ),
    "ru": r"(?:\bне\b|\bни\b|готов\w*|могли бы|может|надеются|подготовк\w*)",
}
_DETERMINERS = {
    "en": r"(?:(?:of|the|a|an|on|also|several|joint|a number of|two|three|\d+)\s+)*",
    # Also up to two adjectives: "был подписан межправительственный меморандум".
    "ru": r"(?:(?:также|ряд|\d+|[а-яё]+(?:ый|ий|ое|ая|ые|ую|ой|ое))\s+){0,3}",
}
_TAIL_STOP = {
    "en": (
        r"\s(?:was|were|is|are|has|have|had|which|that|by|during|"
        r"at|in the presence|following|as well as|and (?:a|an|"
        r"the)\s|and (?=[a-z]\w*ed\b)|with the participation|"
        r"and (?=(?:\w+\s+)?(?:plan|agreement|memorand|protocol|programm?e?|declaration|"
        r"resolution|decision|treaty|convention|roadmap)))\b|"
        r"[,;:.()\[\]]|\s[-–—]\s"
    ),
    "ru": (
        r"\s(?:был[аои]?|будет|котор\w+|в ходе|в присутствии|"
        r"по итогам|а также|и (?=[а-яё]+(?:ли|ла|л|но|ны)\b)|не|стороны|министры|главы|"
        r"и (?=(?:[а-яё]+\s+)?(?:план|соглашени|меморандум|протокол|программ|декларац|"
        r"постановлени|решени|договор|конвенци))|"
        r"[а-яё]+(?:али|яли|или|ыли|ели))\b|[,;:.()\[\]«»]|\s[-–—]\s"
    ),
}


@dataclass
class Agreement:
    """A document the readout names."""

    fields: dict[str, Any] = field(default_factory=dict)
    start: int = 0
    end: int = 0


def _kinds(language: str) -> list[tuple[str, str]]:
    return _RU_KINDS if language == "ru" else _EN_KINDS


def _heads(language: str) -> re.Pattern[str]:
    body = "|".join(f"(?:{pattern})" for pattern, _ in _kinds(language))
    flags = 0 if language == "ru" else re.IGNORECASE
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


def _kind_of(head: str, language: str) -> str:
    for pattern, kind in _kinds(language):
        if re.fullmatch(pattern, head, 0 if language == "ru" else re.IGNORECASE):
            return kind
    return "other"


def _nominative(title: str) -> str:
    """A Russian title's first words from the accusative to the nominative ("Дорожную карту"
    → "Дорожная карта", "Конвенцию о …" → "Конвенция о …")."""
    words = title.split(" ")
    for index, word in enumerate(words[:3]):
        if word[:1].isupper() or index == 0 or word.endswith(("ую", "у", "ю")):
            if word.endswith("ую"):
                words[index] = word[:-2] + "ая"
            elif word.endswith("ю") and word[:-1].endswith(("ци", "ри", "ни")):
                words[index] = word[:-1] + "я"
            elif word.endswith("у") and word.lower().startswith(("карт", "программ")):
                words[index] = word[:-1] + "а"
    return " ".join(words)


def agreements(sentence: Sentence, language: str) -> list[Agreement]:
    """The documents one sentence names, with the status its verb gives."""
    text = sentence.text
    found: list[Agreement] = []
    for match in _heads(language).finditer(text):
        head_start, head_end = match.span()
        if any(a.start <= head_start < a.end for a in found):
            continue
        # Capitalised modifiers before the head belong to the title: "Joint Action Plan".
        start = head_start
        while True:
            before = re.search(r"([A-ZА-ЯЁ][\w-]*)\s+$", text[:start])
            if before is None or before.group(1).lower() in ("the", "a", "an", "and"):
                break
            if re.search(r"\b(?:signed|adopted|approved)\s+$", text[: before.start(1)]):
                break
            start = before.start(1)
            if start == 0:
                break
        if language == "ru":
            # Russian adjectives before the head are the name's too: "итоговую декларацию".
            adjective = re.search(
                r"(?<![\w-])((?:[а-яё]+(?:ую|ая|ое|ый|ий|ые)\s+){1,2})$", text[:start]
            )
            if adjective is not None:
                start = adjective.start(1)
        tail = re.search(_TAIL_STOP[language], text[head_end:])
        end = head_end + (tail.start() if tail else len(text) - head_end)
        title = text[start:end].strip()
        title = re.sub(r"\s+(?:on|between|of|for|о|об|по|между)$", "", title)
        count = None
        number = re.search(r"(\d{1,4})\s+$", text[:start])
        if number is not None:
            count = int(number.group(1))
            start = number.start(1)
        status = _status(text, start, end, language)
        proper = _is_proper(title, head_start - start, language)
        if status is None and not proper:
            continue
        if status == "denied":
            if not proper:
                continue
            status = None
        if language == "ru":
            title = _nominative(title)
        fields: dict[str, Any] = {"title": title, "kind": _kind_of(match.group(), language)}
        if status is not None:
            fields["status"] = status
        if count is not None and count > 1:
            fields["count"] = count
        date = _date_beside(text, end, language)
        if date is None and status in ("signed", "adopted", "approved", "initialled"):
            date = _date_of_sentence(text, language)
        if date is not None:
            fields["date"] = date
        found.append(Agreement(fields, start, end))
    return found


def _is_proper(title: str, head_offset: int, language: str) -> bool:
    """A title of its own: capitalised and naming what it is about ("Treaty on Strategic
    Partnership …", "Минские соглашения"), not "an agreement" or a sentence's first word."""
    words = title.split()
    if not words or not words[0][:1].isupper():
        return False  # "decision of President …", "statement of the Ministry"
    capitals = sum(1 for word in words if word[:1].isupper())
    return (len(words) >= 2 and capitals >= 2) or (
        len(words) >= 3
        and title[head_offset : head_offset + 1].isupper()
        and capitals >= 1
        and re.search(r"\s(?:on|of|between|о|об|между)\s", title) is not None
    )


def _status(text: str, start: int, end: int, language: str) -> str | None:
    """The status the verb beside the document gives; ``denied`` for a verb denied or only
    wished; ``None`` for no verb."""
    before = text[max(0, start - 80) : start]
    after = text[end : end + 60]
    determiners = _DETERMINERS[language]
    if language == "ru":
        planned = re.search(rf"(?:{_RU_PLANNED})\s+{determiners}$", before)
        if planned:
            return "planned"
        for pattern, status in _RU_STATUS:
            verb = re.search(rf"(?<![\w-])(?:{pattern})\s+{determiners}$", before, re.IGNORECASE)
            passive = re.match(rf"^[^,.;]{{0,30}}?(?<![\w-])(?:{pattern})\b", after, re.IGNORECASE)
            if verb or passive:
                where = before[verb.start() - 30 if verb else 0 :] if verb else after[:30]
                if re.search(
                    _DENIED["ru"], where if verb else after[: passive.end()] if passive else ""
                ):
                    return "denied"
                return status
        return None
    if re.search(rf"(?:{_EN_PLANNED})\s+{determiners}$", before, re.IGNORECASE):
        return "planned"
    for pattern, status in _EN_STATUS:
        verb = re.search(rf"(?<![\w-])(?:{pattern})\s+{determiners}$", before, re.IGNORECASE)
        if verb:
            if re.search(_DENIED["en"], before[max(0, verb.start() - 30) : verb.start()], re.I):
                return "denied"
            return status
    for pattern, status in _EN_PASSIVE:
        passive = re.match(
            rf"^(?:\s*\([^)]*\))?\s*(?:[,][^,]{{0,80}},\s*)?"
            rf"(?P<aux>was|were|has been|have been|had been|is|are|will be|would be)\s+"
            rf"(?P<neg>not\s+|never\s+)?(?:also\s+|jointly\s+|successfully\s+)?(?:{pattern})\b",
            after,
            re.IGNORECASE,
        )
        if passive:
            if passive.group("neg") or passive.group("aux") == "would be":
                return "denied"
            if passive.group("aux") == "will be":
                return "planned"
            return status
    return None


def _date_beside(text: str, end: int, language: str) -> str | None:
    """A complete date in brackets right after the title, or after "signed on"."""
    after = text[end : end + 60]
    bracket = re.match(r"^\s*\(([^()]{6,40})\)", after)
    piece = bracket.group(1) if bracket else None
    if piece is None:
        dated = re.match(r"^[^.;]{0,20}?\b(?:signed on|dated|от)\s+(.{6,40})", after)
        piece = dated.group(1) if dated else None
    if piece is None:
        return None
    dates = find_dates(piece, language)
    if dates and dates[0].start <= 1 and not dates[0].is_relative and dates[0].last is None:
        value = dates[0].value
        return value if isinstance(value, str) else None
    return None


def _date_of_sentence(text: str, language: str) -> Any:
    """The one date a sentence gives, complete or in words ("Yesterday in Tashkent, … signed
    a Declaration"): the day of the signing it reports. None when it gives several."""
    dates = [d for d in find_dates(text, language) if d.last is None]
    if len(dates) != 1:
        return None
    if any(not dates[0].start <= start < dates[0].end for start, _ in date_spans(text, language)):
        return None  # another day named without its year: which one is the signing's?
    date = dates[0]
    if date.is_relative:
        return dict(date.value)
    return date.value if len(str(date.value)) == 10 else None
