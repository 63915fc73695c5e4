"""Countries and cities named in a text, in English or Russian, with their ISO codes.

Country names are Babel's (CLDR's) in the source's language, with the forms official texts
use besides ("the Russian Federation", "США") and, in Russian, the case forms of one-word
names ("Казахстана", "в России"); adjectives ("Azerbaijani", "казахстанский") name a country
too. Cities are only the capitals and meeting places listed here, because no library holds
city names: a city the list does not know is not drafted.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from memo_gen.record.codes import COUNTRY_CODES


@dataclass(frozen=True)
class Named:
    """A country or city found at ``start``–``end`` of a text."""

    start: int
    end: int
    code: str
    """The country's ISO 3166-1 alpha-2 code (for a city, its country's)."""
    city: str | None = None
    """The city's name in the nominative (Russian) or as written (English)."""


# Names Babel does not give, or gives otherwise.
_EXTRA_NAMES = {
    "en": {
        "Russian Federation": "RU",
        "United States of America": "US",
        "USA": "US",
        "U.S.": "US",
        "US": "US",
        "United Kingdom": "GB",
        "Great Britain": "GB",
        "UK": "GB",
        "Turkey": "TR",
        "Türkiye": "TR",
        "Kyrgyz Republic": "KG",
        "Kyrgyzstan": "KG",
        "Republic of Korea": "KR",
        "UAE": "AE",
        "Czech Republic": "CZ",
    },
    "ru": {
        "Российская Федерация": "RU",
        "Российской Федерации": "RU",
        "РФ": "RU",
        "США": "US",
        "Соединенные Штаты Америки": "US",
        "Соединённые Штаты Америки": "US",
        "Соединенных Штатов": "US",
        "Соединённых Штатов": "US",
        "Великобритания": "GB",
        "Кыргызстан": "KG",
        "Кыргызская Республика": "KG",
        "Республика Корея": "KR",
        "ОАЭ": "AE",
        "Турецкая Республика": "TR",
    },
}
# Babel names that are also common words or given names.
_AMBIGUOUS = frozenset({"Jordan", "Chad", "Georgia", "Guinea", "Niger", "Turkey", "Mali"})

_DEMONYMS = {
    "Kazakh": "KZ",
    "Kazakhstani": "KZ",
    "Azerbaijani": "AZ",
    "Russian": "RU",
    "Uzbek": "UZ",
    "Kyrgyz": "KG",
    "Tajik": "TJ",
    "Turkmen": "TM",
    "Turkish": "TR",
    "American": "US",
    "Chinese": "CN",
    "Australian": "AU",
    "Mongolian": "MN",
    "Pakistani": "PK",
    "Mexican": "MX",
    "Afghan": "AF",
    "Sri Lankan": "LK",
    "Belarusian": "BY",
    "Ukrainian": "UA",
    "Armenian": "AM",
    "Iranian": "IR",
    "Indian": "IN",
    "Japanese": "JP",
    "German": "DE",
    "French": "FR",
    "British": "GB",
    "Italian": "IT",
    "Spanish": "ES",
    "Uruguayan": "UY",
    "Hungarian": "HU",
    "Polish": "PL",
    "Emirati": "AE",
    "Saudi": "SA",
    "Qatari": "QA",
    "Egyptian": "EG",
    "Israeli": "IL",
    "Indonesian": "ID",
    "Malaysian": "MY",
    "Vietnamese": "VN",
    "Canadian": "CA",
    "Brazilian": "BR",
    "Serbian": "RS",
    "Austrian": "AT",
    "Swiss": "CH",
    "Dutch": "NL",
    "Belgian": "BE",
    "Greek": "GR",
    "Bulgarian": "BG",
    "Romanian": "RO",
    "Moldovan": "MD",
    "Lithuanian": "LT",
    "Latvian": "LV",
    "Estonian": "EE",
    "Finnish": "FI",
    "Swedish": "SE",
    "Norwegian": "NO",
    "Danish": "DK",
    "Omani": "OM",
    "Kuwaiti": "KW",
    "Iraqi": "IQ",
    "Syrian": "SY",
    "Lebanese": "LB",
    "Algerian": "DZ",
    "Moroccan": "MA",
    "Nigerian": "NG",
    "South African": "ZA",
    "Thai": "TH",
    "Singaporean": "SG",
    "Bangladeshi": "BD",
    "Cuban": "CU",
    "Argentine": "AR",
    "Chilean": "CL",
    "Slovak": "SK",
    "Czech": "CZ",
    "Croatian": "HR",
    "Slovenian": "SI",
    "Kenyan": "KE",
    "Ethiopian": "ET",
    "Jordanian": "JO",
    "Georgian": "GE",
    "Korean": "KR",
    "Portuguese": "PT",
    "Irish": "IE",
}
_RU_ADJECTIVES = {
    "казахстанск": "KZ",
    "казахск": "KZ",
    "российск": "RU",
    "азербайджанск": "AZ",
    "узбекистанск": "UZ",
    "узбекск": "UZ",
    "кыргызск": "KG",
    "киргизск": "KG",
    "таджикистанск": "TJ",
    "таджикск": "TJ",
    "туркменск": "TM",
    "турецк": "TR",
    "американск": "US",
    "китайск": "CN",
    "белорусск": "BY",
    "украинск": "UA",
    "монгольск": "MN",
    "уругвайск": "UY",
    "грузинск": "GE",
    "армянск": "AM",
    "иранск": "IR",
    "индийск": "IN",
    "японск": "JP",
    "германск": "DE",
    "немецк": "DE",
    "французск": "FR",
    "британск": "GB",
    "пакистанск": "PK",
    "афганск": "AF",
    "австралийск": "AU",
    "венгерск": "HU",
    "польск": "PL",
    "итальянск": "IT",
    "испанск": "ES",
    "сербск": "RS",
}

# (English, Russian nominative, country). Brest is left out: there is one in France too.
_CITIES = [
    ("Astana", "Астана", "KZ"),
    ("Nur-Sultan", "Нур-Султан", "KZ"),
    ("Almaty", "Алматы", "KZ"),
    ("Shymkent", "Шымкент", "KZ"),
    ("Turkistan", "Туркестан", "KZ"),
    ("Aktau", "Актау", "KZ"),
    ("Baku", "Баку", "AZ"),
    ("Shusha", "Шуша", "AZ"),
    ("Ganja", "Гянджа", "AZ"),
    ("Moscow", "Москва", "RU"),
    ("Saint Petersburg", "Санкт-Петербург", "RU"),
    ("St. Petersburg", "Петербург", "RU"),
    ("Kazan", "Казань", "RU"),
    ("Sochi", "Сочи", "RU"),
    ("Tashkent", "Ташкент", "UZ"),
    ("Samarkand", "Самарканд", "UZ"),
    ("Bukhara", "Бухара", "UZ"),
    ("Bishkek", "Бишкек", "KG"),
    ("Cholpon-Ata", "Чолпон-Ата", "KG"),
    ("Dushanbe", "Душанбе", "TJ"),
    ("Ashgabat", "Ашхабад", "TM"),
    ("Minsk", "Минск", "BY"),
    ("Ankara", "Анкара", "TR"),
    ("Istanbul", "Стамбул", "TR"),
    ("Antalya", "Анталья", "TR"),
    ("Beijing", "Пекин", "CN"),
    ("Shanghai", "Шанхай", "CN"),
    ("Washington", "Вашингтон", "US"),
    ("New York", "Нью-Йорк", "US"),
    ("Tbilisi", "Тбилиси", "GE"),
    ("Yerevan", "Ереван", "AM"),
    ("Tehran", "Тегеран", "IR"),
    ("Kyiv", "Киев", "UA"),
    ("Ulaanbaatar", "Улан-Батор", "MN"),
    ("Islamabad", "Исламабад", "PK"),
    ("Mexico City", "Мехико", "MX"),
    ("Colombo", "Коломбо", "LK"),
    ("Kabul", "Кабул", "AF"),
    ("Montevideo", "Монтевидео", "UY"),
    ("Canberra", "Канберра", "AU"),
    ("Berlin", "Берлин", "DE"),
    ("Paris", "Париж", "FR"),
    ("London", "Лондон", "GB"),
    ("Brussels", "Брюссель", "BE"),
    ("Geneva", "Женева", "CH"),
    ("Davos", "Давос", "CH"),
    ("New Delhi", "Нью-Дели", "IN"),
    ("Tokyo", "Токио", "JP"),
    ("Seoul", "Сеул", "KR"),
    ("Abu Dhabi", "Абу-Даби", "AE"),
    ("Dubai", "Дубай", "AE"),
    ("Doha", "Доха", "QA"),
    ("Riyadh", "Эр-Рияд", "SA"),
    ("Cairo", "Каир", "EG"),
    ("Budapest", "Будапешт", "HU"),
    ("Warsaw", "Варшава", "PL"),
    ("Rome", "Рим", "IT"),
    ("Madrid", "Мадрид", "ES"),
    ("Vienna", "Вена", "AT"),
    ("Belgrade", "Белград", "RS"),
    ("Chisinau", "Кишинёв", "MD"),
    ("Riga", "Рига", "LV"),
    ("Vilnius", "Вильнюс", "LT"),
    ("Tallinn", "Таллин", "EE"),
    ("Helsinki", "Хельсинки", "FI"),
    ("Stockholm", "Стокгольм", "SE"),
    ("Oslo", "Осло", "NO"),
    ("Copenhagen", "Копенгаген", "DK"),
    ("Prague", "Прага", "CZ"),
    ("Athens", "Афины", "GR"),
    ("Sofia", "София", "BG"),
    ("Bucharest", "Бухарест", "RO"),
    ("Jakarta", "Джакарта", "ID"),
    ("Kuala Lumpur", "Куала-Лумпур", "MY"),
    ("Hanoi", "Ханой", "VN"),
    ("Bangkok", "Бангкок", "TH"),
    ("Ottawa", "Оттава", "CA"),
    ("Brasilia", "Бразилиа", "BR"),
    ("Havana", "Гавана", "CU"),
    ("Buenos Aires", "Буэнос-Айрес", "AR"),
    ("Dhaka", "Дакка", "BD"),
    ("Muscat", "Маскат", "OM"),
    ("Tegucigalpa", "Тегусигальпа", "HN"),
    ("Guatemala City", "Гватемала", "GT"),
    ("San Salvador", "Сан-Сальвадор", "SV"),
    ("Managua", "Манагуа", "NI"),
    ("Panama City", "Панама", "PA"),
    ("Bogotá", "Богота", "CO"),
    ("Quito", "Кито", "EC"),
    ("Lima", "Лима", "PE"),
    ("Santiago", "Сантьяго", "CL"),
    ("Asunción", "Асунсьон", "PY"),
    ("Caracas", "Каракас", "VE"),
    ("Santo Domingo", "Санто-Доминго", "DO"),
    ("Nairobi", "Найроби", "KE"),
    ("Addis Ababa", "Аддис-Абеба", "ET"),
    ("Abuja", "Абуджа", "NG"),
    ("Pretoria", "Претория", "ZA"),
    ("Algiers", "Алжир", "DZ"),
    ("Rabat", "Рабат", "MA"),
    ("Tunis", "Тунис", "TN"),
    ("Dakar", "Дакар", "SN"),
    ("Accra", "Аккра", "GH"),
    ("Luanda", "Луанда", "AO"),
    ("Kigali", "Кигали", "RW"),
    ("Beirut", "Бейрут", "LB"),
    ("Damascus", "Дамаск", "SY"),
    ("Manama", "Манама", "BH"),
    ("Kathmandu", "Катманду", "NP"),
    ("Phnom Penh", "Пномпень", "KH"),
    ("Vientiane", "Вьентьян", "LA"),
    ("Manila", "Манила", "PH"),
    ("Wellington", "Веллингтон", "NZ"),
    ("Dublin", "Дублин", "IE"),
    ("Lisbon", "Лиссабон", "PT"),
    ("Bern", "Берн", "CH"),
    ("Ljubljana", "Любляна", "SI"),
    ("Zagreb", "Загреб", "HR"),
    ("Sarajevo", "Сараево", "BA"),
    ("Podgorica", "Подгорица", "ME"),
    ("Skopje", "Скопье", "MK"),
    ("Tirana", "Тирана", "AL"),
    ("Valletta", "Валлетта", "MT"),
    ("Nicosia", "Никосия", "CY"),
    ("Reykjavik", "Рейкьявик", "IS"),
    ("Bratislava", "Братислава", "SK"),
    ("Goa", "Гоа", "IN"),
    ("Mumbai", "Мумбаи", "IN"),
    ("Tianjin", "Тяньцзинь", "CN"),
    ("Guangzhou", "Гуанчжоу", "CN"),
    ("Xi'an", "Сиань", "CN"),
    ("Osaka", "Осака", "JP"),
    ("Jeddah", "Джидда", "SA"),
    ("Izmir", "Измир", "TR"),
    ("Vladivostok", "Владивосток", "RU"),
    ("Nizhny Novgorod", "Нижний Новгород", "RU"),
    ("Yekaterinburg", "Екатеринбург", "RU"),
    ("Novosibirsk", "Новосибирск", "RU"),
    ("Turkestan", "Туркестан", "KZ"),
    ("Karaganda", "Караганда", "KZ"),
    ("Atyrau", "Атырау", "KZ"),
    ("Khiva", "Хива", "UZ"),
    ("Osh", "Ош", "KG"),
    ("Batumi", "Батуми", "GE"),
    ("Amman", "Амман", "JO"),
    ("Baghdad", "Багдад", "IQ"),
    ("Kuwait City", "Эль-Кувейт", "KW"),
]


def russian_forms(word: str) -> list[str]:
    """The case forms of a one-word Russian name: Казахстан → Казахстана, Казахстане …;
    names ending in a vowel other than а or я do not change (Баку, Сочи)."""
    if word.endswith("ия"):
        stem = word[:-2]
        return [word, stem + "ии", stem + "ию", stem + "ией"]
    if word.endswith("а"):
        stem = word[:-1]
        return [word, stem + "ы", stem + "и", stem + "е", stem + "у", stem + "ой"]
    if word.endswith("ь"):
        stem = word[:-1]
        return [word, stem + "и", stem + "ью", stem + "ем", stem + "я", stem + "е", stem + "ю"]
    if word.endswith("й"):
        stem = word[:-1]
        return [word, stem + "я", stem + "ю", stem + "ем", stem + "е"]
    if word[-1] in "оиуыэеёю":
        return [word]
    return [word, word + "а", word + "у", word + "ом", word + "е"]


def _forms(name: str, language: str) -> list[str]:
    if language == "ru" and " " not in name and "-" not in name:
        return russian_forms(name)
    if language == "ru" and "-" in name:  # Нур-Султан → Нур-Султане; Нью-Йорк → Нью-Йорке
        head, _, last = name.rpartition("-")
        return [f"{head}-{form}" for form in russian_forms(last)]
    return [name]


@functools.cache
def _country_table(language: str) -> dict[str, str]:
    """Every written form of a country name in ``language`` → its code."""
    from babel import Locale

    table: dict[str, str] = {}
    for code, name in Locale(language).territories.items():
        if code not in COUNTRY_CODES or name in _AMBIGUOUS:
            continue
        name = re.sub(r"\s*\(.*\)$", "", name)  # "Myanmar (Burma)"
        for form in _forms(name, language):
            table.setdefault(form, code)
            table.setdefault(form.replace("ё", "е"), code)
    for name, code in _EXTRA_NAMES[language].items():
        for form in _forms(name, language):
            table[form] = code
    return table


@functools.cache
def _city_table(language: str) -> dict[str, tuple[str, str]]:
    """Every written form of a known city in ``language`` → (its name, its country)."""
    table: dict[str, tuple[str, str]] = {}
    countries = _country_table(language)
    for english, russian, code in _CITIES:
        name = russian if language == "ru" else english
        if name in countries:
            continue  # "Алжир", "Панама": the country's name too, so neither can be told
        for form in _forms(name, language):
            table.setdefault(form, (name, code))
            table.setdefault(form.replace("ё", "е"), (name, code))
    return table


@functools.cache
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(names, key=len, reverse=True)
    alternatives = "|".join(re.escape(name) for name in ordered)
    # Whole words only, in the case written: "Chinese" is not "China", "us" is not "US".
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])")


def countries(text: str, language: str) -> Iterator[Named]:
    """The countries a text names, by name."""
    table = _country_table(language)
    for match in _pattern(tuple(table)).finditer(text):
        yield Named(match.start(), match.end(), table[match.group()])


def cities(text: str, language: str) -> Iterator[Named]:
    """The known cities a text names."""
    table = _city_table(language)
    for match in _pattern(tuple(table)).finditer(text):
        name, code = table[match.group()]
        yield Named(match.start(), match.end(), code, name)


_DEMONYM = re.compile(
    r"(?<![\w-])("
    + "|".join(sorted(map(re.escape, _DEMONYMS), key=len, reverse=True))
    + r")(?![\w])"
)
_RU_ADJECTIVE = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(_RU_ADJECTIVES, key=len, reverse=True)) + r")[а-яё]{1,4}\b",
    re.IGNORECASE,
)


def adjectives(text: str, language: str) -> Iterator[Named]:
    """The countries a text names by adjective: "Azerbaijani", "казахстанская"."""
    if language == "ru":
        for match in _RU_ADJECTIVE.finditer(text):
            yield Named(match.start(), match.end(), _RU_ADJECTIVES[match.group(1).lower()])
        return
    for match in _DEMONYM.finditer(text):
        yield Named(match.start(), match.end(), _DEMONYMS[match.group(1)])


def country_name(code: str, language: str) -> str:
    """The country's name in ``language``, as Babel gives it."""
    from babel import Locale

    name: str = Locale(language).territories.get(code, code)
    return re.sub(r"\s*\(.*\)$", "", name)
