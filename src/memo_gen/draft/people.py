"""People named in a readout, with the office and the country the text gives them.

A person is drafted only from a form that says who they are:

* an office, then a name: "Minister of Foreign Affairs of the Republic of Azerbaijan Jeyhun
  Bayramov", "Australian Foreign Minister Penny Wong", "Министр иностранных дел Казахстана
  Мурат Нуртлеу" (in Russian only with the office in the nominative, so that the name is too);
* a name, a comma, an office: "Numan Kurtulmus, Chairman of the Grand National Assembly of
  Türkiye";
* a name of two to four words that speaks or acts ("Sergey Lavrov said", "Сергей Лавров
  отметил").

A surname alone ("Nurtleu said", "Лавровым") only points at a person already drafted. The
country is the one the office names ("of Azerbaijan", "Australian", "Казахстана"); none is
guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from memo_gen.draft import places

_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+|\S")

_EN_HEADS = frozenset({
    "Minister", "President", "Secretary", "Chairman", "Chairwoman", "Chair", "Speaker",
    "Ambassador", "Director", "Head", "Representative", "Envoy", "Spokesperson", "Spokesman",
    "Spokeswoman", "Adviser", "Advisor", "Governor", "Mayor", "King", "Queen", "Emir", "Prince",
    "Sultan", "Chancellor", "Commissioner", "Consul", "Counsellor", "Premier",
    "Secretary-General", "Director-General", "Vice-President", "Vice-Chairman", "Akim"
})  # fmt: skip
# Fields an office is named after, before its head: "External Affairs Minister".
_OFFICE_FIELDS = frozenset(
    ["External", "Affairs", "Trade", "Finance", "Defence", "Defense", "Economy", "Energy",
     "Interior", "Justice", "Culture", "Health", "Education", "Agriculture", "Transport"]
)  # fmt: skip
_EN_MODIFIERS = frozenset({
    "First", "Deputy", "Acting", "Vice", "Senior", "Executive", "Chief", "Special", "Permanent",
    "Additional", "Assistant", "Under", "Foreign", "Prime", "State", "General", "Grand",
    "Supreme", "Federal", "Minister-Counsellor", "Plenipotentiary", "Extraordinary",
    "Non-Resident", "Resident", "Crown", "Presidential", "High"
})  # fmt: skip
# Capitalised words of offices, institutions and regions: never part of a person's name.
_EN_INSTITUTIONS = frozenset({
    "Affairs", "Culture", "Defence", "Defense", "Economy", "Economic", "Finance", "Trade",
    "Industry", "Energy", "Education", "Health", "Justice", "Interior", "Agriculture",
    "Transport", "Investment", "Investments", "Development", "Integration", "Cooperation",
    "Relations", "Commerce", "Labour", "Labor", "Tourism", "Science", "Security", "Council",
    "Assembly", "Parliament", "Senate", "Mazhilis", "Majilis", "Government", "Cabinet",
    "Ministry", "Department", "Division", "Office", "Committee", "Commission", "Service",
    "Agency", "Bank", "Fund", "Union", "Organization", "Organisation", "Nations", "States",
    "Federation", "Republic", "Kingdom", "Emirates", "Asia", "Europe", "Africa", "America",
    "Americas", "East", "Middle", "Central", "South", "North", "West", "Political", "National",
    "International", "Bilateral", "Multilateral", "Foreign", "State", "Protocol",
    "Press", "Information", "Digital", "Communications", "Infrastructure", "Environment",
    "Ecology", "Emergency", "Social", "Protection", "Sport", "Youth", "Policy", "Planning",
    "Strategic", "Legal", "Consular", "Chamber", "House", "People's", "Kurultai", "Majlis",
    "Khural", "Duma", "Verkhovna", "Rada", "Milli", "Majlisi", "Oliy", "Jogorku", "Kenesh",
    "Secretariat", "Administration", "Embassy", "Mission", "Consulate", "Delegation", "Region",
    "Regional", "Global", "World", "Pacific", "Atlantic", "Caspian", "Turkic", "Independent",
    "Commonwealth", "Minister", "Ministers", "President", "Presidents", "Secretary", "Deputy",
    "Prime", "Chairman", "Speaker", "Ambassador", "Director", "Head", "Spokesperson", "General",
    "The", "This", "That", "These", "Those", "His", "Her", "Their", "Our", "During", "On", "In",
    "At", "After", "Before", "Within", "According", "Also", "However", "Meanwhile", "Today",
    "Yesterday", "Both", "Sides", "Parties", "Excellency", "Mr", "Mrs", "Ms", "Dr", "Prof",
    "Hon", "Sir", "Lord", "Lady", "Madam", "Honorable", "Honourable", "Day", "Days", "Year",
    "Years", "External", "Democratic", "Socialist", "Islamic", "Arab", "United", "Federal",
    "Plurinational", "Community", "Abroad", "Diaspora", "Expatriates", "Overseas",
    "Nationals", "Councillor", "Commercial", "Business", "Twitter"
})  # fmt: skip
_HONORIFICS = (
    "His Excellency Dr.",
    "His Excellency Mr.",
    "Her Excellency Dr.",
    "Her Excellency Ms.",
    "His Excellency",
    "Her Excellency",
    "H.E.",
    "HE",
    "Hon. Prof.",
    "Hon.",
    "Prof.",
    "Dr.",
    "Dr",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Mr",
    "Mrs",
    "Ms",
    "Sir",
    "the Hon.",
)
_PARTICLES = frozenset({"al", "bin", "ibn", "de", "van", "von", "der", "da", "ul", "el", "bint"})

_EN_ACTS = frozenset({
    "said", "says", "noted", "stressed", "emphasized", "emphasised", "underlined",
    "underscored", "highlighted", "pointed", "added", "told", "stated", "declared", "expressed",
    "met", "meets", "held", "holds", "received", "visited", "thanked", "welcomed", "informed",
    "briefed", "spoke", "discussed", "called", "invited", "paid", "led", "headed", "signed",
    "reaffirmed", "reiterated", "confirmed", "praised", "congratulated", "conveyed", "assured",
    "proposed", "announced", "recalled"
})  # fmt: skip

_RU_HEADS = (
    "Первый заместитель министра",
    "первый заместитель министра",
    "Заместитель министра",
    "заместитель министра",
    "Заместитель Министра",
    "Заместитель Премьер-министра",
    "Заместитель Премьер-Министра",
    "Вице-министр",
    "вице-министр",
    "Вице-премьер",
    "вице-премьер",
    "Премьер-министр",
    "премьер-министр",
    "Министр",
    "министр",
    "Президент",
    "президент",
    "Председатель",
    "председатель",
    "Спикер",
    "спикер",
    "Государственный секретарь",
    "государственный секретарь",
    "Госсекретарь",
    "госсекретарь",
    "Генеральный секретарь",
    "генеральный секретарь",
    "Чрезвычайный и Полномочный Посол",
    "Посол",
    "посол",
    "Глава МИД",
    "глава МИД",
    "Глава",
    "глава",
    "Директор",
    "директор",
    "Пресс-секретарь",
    "пресс-секретарь",
    "Официальный представитель",
    "официальный представитель",
)
_RU_TAIL_WORDS = frozenset({
    "иностранных", "дел", "по", "делам", "внешних", "связей", "республики", "республика",
    "федерации", "МИД", "МИДа", "департамента", "управления", "министерства", "правительства",
    "парламента", "сената", "мажилиса", "думы", "государственной", "совета", "безопасности",
    "экономики", "торговли", "и", "интеграции", "промышленности", "энергетики", "образования",
    "культуры", "обороны", "финансов", "национальной", "в", "при", "Республики",
    "Федерации", "Совета", "Министерства"
})  # fmt: skip
_RU_ACT = re.compile(
    r"^(?:[а-яё]+(?:ил|ал|ел|ял|ул|ыл|ол|ёл|ег|ёг|шел|шёл)(?:а|и|ся|ась|ись)?|сказал\w*)$"
)


@dataclass
class Person:
    """A person the text names, and the lines it says so on."""

    name: str | None
    title: str | None = None
    country: str | None = None
    honorific: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    """For each field drafted, the number of the line it came from."""

    @property
    def surname(self) -> str | None:
        return self.name.split()[-1] if self.name else None


@dataclass(frozen=True)
class Mention:
    """A person found at ``start``–``end`` of a sentence, before merging."""

    start: int
    end: int
    name: str | None
    title: str | None = None
    country: str | None = None
    honorific: str | None = None
    single: bool = False
    """A surname alone: it only points at a person already known."""


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _capitalised(word: str) -> bool:
    """A word that can be part of a name: capital first letter and some small letters."""
    return word[:1].isupper() and any(char.islower() for char in word)


def _is_place(word: str, language: str) -> bool:
    return any(True for _ in places.countries(word, language)) or any(
        True for _ in places.cities(word, language)
    )


_RU_INSTITUTIONS = frozenset({
    "Федерации", "Федерация", "Республики", "Республика", "Народной", "Народная", "Китайской",
    "Российской", "Министр", "Министра", "Министерства", "Министерство", "Президент",
    "Президента", "Председатель", "Председателя", "Совета", "Совет", "Организации",
    "Организация", "Государственного", "Государственный", "Генеральный", "Первый", "Первого",
    "Заместитель", "Глава", "Главы", "Посол", "Посла", "Спикер", "Парламента", "Сената", "Думы",
    "Мажилиса", "Правительства", "Содружества", "Независимых", "Государств", "Объединенных",
    "Объединённых", "Наций", "Генеральной", "Ассамблеи", "Заседание", "Встреча", "Переговоры",
    "Сегодня", "Вчера", "Накануне", "Министры", "Стороны", "Как", "По", "Об", "При", "Для",
    "Также", "Кроме", "Между", "Пресс-служба"
})  # fmt: skip


def _name_word(word: str, language: str) -> bool:
    if not _capitalised(word) or word in _EN_INSTITUTIONS or word in _EN_HEADS:
        return False
    if word in _RU_INSTITUTIONS:
        return False
    if word in places._DEMONYMS or _is_place(word, language):
        return False
    if language == "ru" and any(True for _ in places.adjectives(word, "ru")):
        return False
    return not _is_month_or_day(word, language)


def _is_month_or_day(word: str, language: str) -> bool:
    from memo_gen.draft.dates import _months, _weekdays

    lowered = word.lower()
    return lowered in _months(language) or lowered in _weekdays(language)


def _read_name(tokens: list[_Token], i: int, text: str, language: str) -> tuple[int, str] | None:
    """The name starting at token ``i``: two to four words (initials and particles such as
    "al" besides), as written; with the index after it."""
    j, words, parts_end = i, 0, i
    while j < len(tokens):
        word = tokens[j].text
        if len(word) == 1 and word.isupper() and j + 1 < len(tokens) and tokens[j + 1].text == ".":
            j += 2  # an initial: "J." or the "G." of "G.L."
            parts_end = j
            continue
        if word.lower() in _PARTICLES and j + 1 < len(tokens) and words:
            if _name_word(tokens[j + 1].text, language):
                j += 1
                continue
            break
        if _name_word(word, language):
            words += 1
            j += 1
            parts_end = j
            continue
        break
    initials = parts_end - i - words  # tokens of initials and particles, dots included
    if not 1 <= words <= 4 or words + (initials > 0) < 2:
        return None
    if not _name_word(tokens[parts_end - 1].text, language):
        return None
    # Nothing joined to the last word: "Tokayev's" is fine, "Bayramov-led" is not a name.
    return parts_end, text[tokens[i].start : tokens[parts_end - 1].end]


def _honorific_before(text: str, start: int) -> tuple[int, str | None]:
    before = text[:start].rstrip()
    for honorific in _HONORIFICS:
        if before.endswith(honorific) and (
            len(before) == len(honorific) or not before[-len(honorific) - 1].isalnum()
        ):
            begin = len(before) - len(honorific)
            return begin, honorific.removeprefix("the ")
    return start, None


# --- English ----------------------------------------------------------------------------


def _office_country(office: str, language: str) -> str | None:
    """The country an office names: "of Azerbaijan" before "to Sri Lanka"."""
    found = list(places.countries(office, language))
    if not found and language == "ru":
        # "министр иностранных дел Азербайджанской Республики"
        adjectives = list(places.adjectives(office, language))
        return adjectives[-1].code if adjectives else None
    if not found:
        return None
    if language == "en":
        for named in found:
            if re.search(r"\bto\s+(?:the\s+)?(?:Republic\s+of\s+)?$", office[: named.start]):
                continue
            return named.code
        return None
    return found[0].code


def _english_offices(text: str, tokens: list[_Token]) -> Iterator[tuple[int, int, int]]:
    """Offices in a sentence: (first token, head token, token after the office)."""
    i = 0
    while i < len(tokens):
        if tokens[i].text not in _EN_HEADS:
            i += 1
            continue
        head = i
        first = i
        while first > 0 and (
            tokens[first - 1].text in _EN_MODIFIERS
            or tokens[first - 1].text in ("-", "–")
            or tokens[first - 1].text in _OFFICE_FIELDS  # "External Affairs Minister"
        ):
            if tokens[first - 1].text in ("-", "–") and not (
                first >= 2 and tokens[first - 2].text in _EN_MODIFIERS
            ):
                break
            first -= 1
        j = i + 1
        while j < len(tokens):
            word = tokens[j].text
            if (
                word in _EN_HEADS
                or word == "General"
                or (
                    word in _EN_MODIFIERS
                    and (
                        j + 1 < len(tokens)
                        and (tokens[j + 1].text in _EN_HEADS or tokens[j + 1].text in _EN_MODIFIERS)
                    )
                )
            ):
                j += 1
                continue
            in_institution = (
                word == "in"
                and j + 2 < len(tokens)
                and tokens[j + 1].text == "the"
                and tokens[j + 2].text in ("Ministry", "Embassy", "Office", "Department")
            )  # "Secretary (Economic Relations) in the Ministry of External Affairs"
            if (word in ("of", "for", "to", "on") or in_institution) and j + 1 < len(tokens):
                k = j + 1
                while k < len(tokens):
                    word = tokens[k].text
                    if (
                        word in ("the", "of", "and", "for")
                        or word in _EN_INSTITUTIONS
                        or (word in _EN_MODIFIERS or word in _EN_HEADS)
                    ):
                        k += 1
                    elif (place_end := _place_at(text, tokens, k)) is not None:
                        k = place_end  # "Sri Lanka", "United States" whole
                    elif (
                        word == ","
                        and k + 1 < len(tokens)
                        and (
                            tokens[k + 1].text in _EN_INSTITUTIONS
                            or _place_at(text, tokens, k + 1) is not None
                        )
                    ):
                        k += 1  # "for Africa, Central Asia and the Middle East"
                    else:
                        break
                if k == j + 1:
                    break
                while k > j + 1 and tokens[k - 1].text in ("the", "of", "and", "for"):
                    k -= 1
                if k <= j + 1:
                    break
                j = k
                continue
            if (
                word in ("-", "–", "—", "and")
                and j + 1 < len(tokens)
                and (tokens[j + 1].text in _EN_HEADS or tokens[j + 1].text in _EN_MODIFIERS)
            ):
                j += 1
                continue
            close = next(
                (k for k in range(j + 2, min(j + 6, len(tokens))) if tokens[k].text == ")"), None
            )
            if word == "(" and close is not None:
                j = close + 1  # "Additional Secretary (Americas)", "Secretary (Economic Relations)"
                continue
            break
        yield first, head, j
        i = j


def _place_at(text: str, tokens: list[_Token], k: int, language: str = "en") -> int | None:
    """The index of the token after a country or city name that starts at token ``k``."""
    if not tokens[k].text[:1].isupper():
        return None
    rest = text[tokens[k].start : tokens[k].start + 60]
    for named in [*places.countries(rest, language), *places.cities(rest, language)]:
        if named.start == 0:
            end = tokens[k].start + named.end
            return next((i for i in range(k, len(tokens)) if tokens[i].start >= end), len(tokens))
    return None


def _english(text: str) -> Iterator[Mention]:
    tokens = _tokens(text)
    taken: list[tuple[int, int]] = []
    for first, _head, after in _english_offices(text, tokens):
        office_start = tokens[first].start
        office = text[office_start : tokens[after - 1].end]
        # A country adjective or possessive before the office: "Australian Foreign Minister".
        country = None
        before = text[:office_start]
        adjective = re.search(r"([\w-]+(?: [\w-]+)?)(?:'s|’s)?\s+$", before)
        if adjective:
            for named in places.adjectives(adjective.group(1), "en"):
                country = named.code
            for named in places.countries(adjective.group(1), "en"):
                country = named.code
        country = _office_country(office, "en") or country
        title = office
        # The name follows the office, or an appositive after a comma.
        at = after
        if at < len(tokens) and tokens[at].text == ",":
            at += 1
        begin, honorific = at, None
        for honorific_text in _HONORIFICS:
            words = _tokens(honorific_text)
            if [t.text for t in tokens[at : at + len(words)]] == [w.text for w in words]:
                begin, honorific = at + len(words), honorific_text.removeprefix("the ")
                break
        name = _read_name(tokens, begin, text, "en") if begin < len(tokens) else None
        if name is not None:
            end, written = name
            taken.append((tokens[first].start, tokens[end - 1].end))
            after_name = re.match(r"\s+of\s+(?:the\s+)?", text[tokens[end - 1].end :])
            if country is None and after_name is not None:
                rest = text[tokens[end - 1].end + after_name.end() :]
                country = next(
                    (n.code for n in places.countries(rest[:40], "en") if n.start == 0), None
                )
            yield Mention(office_start, tokens[end - 1].end, written, title, country, honorific)
            continue
        # A surname after the office ("President Tokayev", "Secretary Blinken").
        if (
            begin < len(tokens)
            and _name_word(tokens[begin].text, "en")
            and (begin + 1 >= len(tokens) or not _capitalised(tokens[begin + 1].text))
        ):
            yield Mention(
                office_start, tokens[begin].end, tokens[begin].text, title, country, single=True
            )
            continue
        # Name, office: "Numan Kurtulmus, Chairman of …".
        if first >= 3 and tokens[first - 1].text == ",":
            lead = first - 1
            if lead >= 1 and tokens[lead - 1].text == "the":
                lead -= 1
            for start in range(max(0, lead - 6), lead):
                name = _read_name(tokens, start, text, "en")
                if name is not None and name[0] == lead:
                    honorific_start, honorific = _honorific_before(text, tokens[start].start)
                    yield Mention(
                        honorific_start, tokens[after - 1].end, name[1], title, country, honorific
                    )
                    taken.append((tokens[start].start, tokens[after - 1].end))
                    break
    # Names that speak or act: "Sergey Lavrov said".
    for i in range(len(tokens)):
        if any(start <= tokens[i].start < end for start, end in taken):
            continue
        if i > 0 and _name_word(tokens[i - 1].text, "en"):
            continue
        name = _read_name(tokens, i, text, "en")
        if name is None:
            continue
        end, written = name
        if end < len(tokens) and tokens[end].text in _EN_ACTS:
            honorific_start, honorific = _honorific_before(text, tokens[i].start)
            yield Mention(honorific_start, tokens[end - 1].end, written, honorific=honorific)
        elif (
            end < len(tokens)
            and tokens[end].text in ("and", ",")
            and i > 0
            and (tokens[i - 1].text in ("with", "between", "by"))
        ):
            yield Mention(tokens[i].start, tokens[end - 1].end, written)
    # Surnames that speak: "Nurtleu said", '…," Bayramov said.'
    for i, token in enumerate(tokens):
        if (
            _name_word(token.text, "en")
            and i + 1 < len(tokens)
            and tokens[i + 1].text in _EN_ACTS
            and (i == 0 or not _capitalised(tokens[i - 1].text))
        ):
            yield Mention(token.start, token.end, token.text, single=True)


# --- Russian ----------------------------------------------------------------------------

_RU_HEAD = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, _RU_HEADS)) + r")(?![\w-])")


def _russian(text: str) -> Iterator[Mention]:
    tokens = _tokens(text)
    for match in _RU_HEAD.finditer(text):
        start = match.start()
        adjective = re.search(r"([а-яёА-ЯЁ-]+)\s+$", text[:start])
        country = None
        if adjective:
            for named in places.adjectives(adjective.group(1), "ru"):
                country = named.code
        # The office's tail: lower-case genitive words and country names.
        at = next((k for k, t in enumerate(tokens) if t.start >= match.end()), len(tokens))
        while at < len(tokens):
            word = tokens[at].text
            if word in _RU_TAIL_WORDS or (
                word[:1].islower()
                and word.isalpha()
                and (word.endswith(("ых", "их", "ов", "ей", "ии", "ия", "а", "и", "ы")))
            ):
                at += 1
                continue
            if (
                _is_place(word, "ru")
                or (word.isupper() and len(word) > 1)
                or word in _RU_INSTITUTIONS
                or any(True for _ in places.adjectives(word, "ru"))
            ):
                at += 1
                continue
            if (place_end := _place_at(text, tokens, at, "ru")) is not None:
                at = place_end
                continue
            break
        office_end = (
            tokens[at - 1].end if at > 0 and tokens[at - 1].start >= match.start() else match.end()
        )
        office = text[start:office_end]
        country = _office_country(office, "ru") or country
        name = _read_name(tokens, at, text, "ru") if at < len(tokens) else None
        if name is not None:
            end, written = name
            yield Mention(start, tokens[end - 1].end, written, office, country)
        elif (
            at < len(tokens)
            and _name_word(tokens[at].text, "ru")
            and (at + 1 >= len(tokens) or not _capitalised(tokens[at + 1].text))
        ):
            yield Mention(start, tokens[at].end, tokens[at].text, office, country, single=True)
    # Names followed by a verb in the past tense are in the nominative: "Сергей Лавров
    # отметил"; and after one: "— сказал Лавров".
    for i in range(len(tokens)):
        if i > 0 and _name_word(tokens[i - 1].text, "ru"):
            continue
        name = _read_name(tokens, i, text, "ru")
        if name is not None:
            end, written = name
            if end < len(tokens) and _RU_ACT.match(tokens[end].text):
                yield Mention(tokens[i].start, tokens[end - 1].end, written)
                continue
        token = tokens[i]
        if not _name_word(token.text, "ru"):
            continue
        after_verb = (
            i > 0
            and _RU_ACT.match(tokens[i - 1].text)
            and (i + 1 >= len(tokens) or not _capitalised(tokens[i + 1].text))
        )
        before_verb = (
            i + 1 < len(tokens)
            and _RU_ACT.match(tokens[i + 1].text)
            and (i == 0 or not _capitalised(tokens[i - 1].text))
        )
        if after_verb or before_verb:
            yield Mention(token.start, token.end, token.text, single=True)


_RU_INSTRUMENTAL = {
    "министром": "министр", "Министром": "Министр", "президентом": "президент",
    "Президентом": "Президент", "председателем": "председатель",
    "Председателем": "Председатель", "послом": "посол", "Послом": "Посол",
    "главой": "глава", "Главой": "Глава", "госсекретарем": "госсекретарь",
    "Госсекретарем": "Госсекретарь", "заместителем министра": "заместитель министра",
    "Заместителем министра": "Заместитель министра", "премьер-министром": "премьер-министр",
    "Премьер-министром": "Премьер-министр", "спикером": "спикер",
    "государственным секретарем": "государственный секретарь",
    "Государственным секретарем": "Государственный секретарь",
}  # fmt: skip
_RU_WITH = re.compile(
    r"(?<![\w-])(?:с|со)\s+(?P<head>"
    + "|".join(sorted(map(re.escape, _RU_INSTRUMENTAL), key=len, reverse=True))
    + r")(?![\w-])"
)


def _from_instrumental(first: str, last: str) -> str | None:
    """A name in the instrumental case in the nominative ("Сергеем Лавровым" → "Сергей
    Лавров", "Марией Захаровой" → "Мария Захарова"); ``None`` when the endings are not
    ones it knows."""
    male = first.endswith(("ом", "ем"))
    if first.endswith("ом"):
        first = first[:-2]
    elif first.endswith("ем"):
        first = first[:-2] + "й"
    elif first.endswith("ей"):
        first = first[:-2] + "я"
    elif first.endswith("ой"):
        first = first[:-2] + "а"
    else:
        return None
    if male and last.endswith(("ым", "ом")):
        last = last[:-2]
    elif male and last.endswith("им"):
        last = last[:-2] + "ий"
    elif not male and last.endswith("ой"):
        last = last[:-2] + "а"
    elif last[-1] not in "оиуеэюя":  # only a name that does not change may stay as it is
        return None
    return f"{first} {last}"


def _russian_instrumental(text: str) -> Iterator[Mention]:
    """People met "with" an office and a name, in the instrumental case: "с министром
    иностранных дел России Сергеем Лавровым" → Сергей Лавров, министр иностранных дел
    России."""
    tokens = _tokens(text)
    for match in _RU_WITH.finditer(text):
        at = next((k for k, t in enumerate(tokens) if t.start >= match.end()), len(tokens))
        while at < len(tokens) and (
            tokens[at].text in _RU_TAIL_WORDS
            or tokens[at].text in _RU_INSTITUTIONS
            or (tokens[at].text[:1].islower() and tokens[at].text.isalpha())
            or _is_place(tokens[at].text, "ru")
            or (tokens[at].text.isupper() and len(tokens[at].text) > 1)
            or any(True for _ in places.adjectives(tokens[at].text, "ru"))
        ):
            at += 1
        if at + 1 >= len(tokens) or at == 0:
            continue
        first, last = tokens[at].text, tokens[at + 1].text
        if not (_name_word(first, "ru") and _name_word(last, "ru")):
            continue
        name = _from_instrumental(first, last)
        if name is None:
            continue
        office_end = tokens[at - 1].end if tokens[at - 1].start >= match.end() else match.end()
        head = match.group("head")
        title = _RU_INSTRUMENTAL[head] + text[match.end() : office_end]
        country = _office_country(title, "ru")
        yield Mention(match.start("head"), tokens[at + 1].end, name, title.strip(), country)


def mentions(text: str, language: str) -> list[Mention]:
    """The people a sentence names, in order, each once (the longest reading)."""
    if language == "ru":
        found = [*_russian(text), *_russian_instrumental(text)]
    else:
        found = list(_english(text))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for mention in found:
        if any(k.start <= mention.start < k.end and k.name == mention.name for k in kept):
            continue
        if any(k.start <= mention.start and mention.end <= k.end for k in kept):
            continue
        kept.append(mention)
    return kept


_RU_ENDINGS = (
    "ыми",
    "ими",
    "ому",
    "ему",
    "ого",
    "его",
    "ой",
    "ей",
    "ым",
    "им",
    "ом",
    "ем",
    "ою",
    "ею",
    "а",
    "я",
    "у",
    "ю",
    "е",
    "ы",
    "и",
    "й",
)


def stem(word: str, language: str) -> str:
    """A name's word without its Russian case ending (Лавровым, Лаврова → лавров)."""
    word = word.lower().replace("ё", "е")
    if language != "ru":
        return word.removesuffix("'s").removesuffix("’s")
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def same_name(written: str, name: str, language: str) -> bool:
    """Whether ``written`` (a name in any case, or a surname) names ``name``."""
    ours = [stem(w, language) for w in name.split()]
    theirs = [stem(w, language) for w in written.split()]
    if len(theirs) == 1:
        return bool(ours) and theirs[0] == ours[-1]
    return theirs == ours or (theirs[-1] == ours[-1] and theirs[0] == ours[0])


def collect(found: list[tuple[Mention, int]], language: str) -> list[Person]:
    """The people of a readout from their mentions (each with its line), merged by name: a
    full name once, with the first office and country given for it; a surname alone adds
    an office or a country to the person it names, never a person."""
    people: list[Person] = []
    for mention, line in found:
        if mention.single or mention.name is None:
            continue
        person = next(
            (p for p in people if p.name and same_name(mention.name, p.name, language)), None
        )
        if person is None:
            person = Person(mention.name, lines={"name": line})
            people.append(person)
        _add(person, mention, line)
    for mention, line in found:
        if mention.single and mention.name is not None:
            matches = [p for p in people if p.name and same_name(mention.name, p.name, language)]
            if len(matches) == 1:
                _add(matches[0], mention, line)
    return people


def _add(person: Person, mention: Mention, line: int) -> None:
    for key in ("title", "country", "honorific"):
        value = getattr(mention, key)
        if value is not None and getattr(person, key) is None:
            setattr(person, key, value)
            person.lines[key] = line


def people_in(text: str, people: list[Person], language: str) -> list[tuple[int, int]]:
    """The people (as (position, index in ``people``)) a sentence names by their name or
    surname, in any case, in the order it names them; each once."""
    tokens = _tokens(text)
    seen: dict[int, int] = {}
    for index, person in enumerate(people):
        if not person.name:
            continue
        surname = stem(person.name.split()[-1], language)
        for token in tokens:
            if _capitalised(token.text) and stem(token.text, language) == surname:
                seen.setdefault(index, token.start)
                break
    return sorted((start, index) for index, start in seen.items())
