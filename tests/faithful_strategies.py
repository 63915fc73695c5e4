"""Hypothesis strategies for :mod:`test_faithful`: valid visit records whose every optional
field is independently present or absent, and whose every string of the record's own is made
of words that no label of any language can contain.

Every record string (a :data:`~memo_gen.record.fields.Line` or
:data:`~memo_gen.record.fields.Text`) is built of words of two to eight letters drawn from
:data:`LETTERS`, Azerbaijani letters that neither English nor Russian writes (the shipped
fonts draw them), so a word of a document that is not one of the record's, nor a label of
the language, nor part of a date or a number, was added by memo-gen. Ids are plain ASCII
(``p0``, ``f1``): none should ever be printed. Vocabulary fields take known values, or for
the visit's kind, a topic's areas and the record's cooperation, now and then the record's
own wording (words of the same alphabet). The records are small, so that four files render
quickly, and consistent (references resolve, participants' countries are the visit's,
signatories only with status signed or initialled); they are built through
:func:`memo_gen.record.validate.validate_record`, so a strategy that drew an invalid record
fails loudly rather than being filtered."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from memo_gen.record.model import (
    VOCABULARIES,
    AgreementKind,
    AgreementStatus,
    Area,
    FigureKind,
    InitiativeKind,
    MeetingFormat,
    ParticipantRole,
    Qualifier,
    Scale,
    VisitKind,
    VisitRecord,
)
from memo_gen.record.validate import validate_record

LETTERS = "əğışçöüƏĞŞÇÖÜ"
"""The alphabet of the record's own words."""
FIRST_LETTERS = LETTERS.replace("ı", "")
"""Letters a word may start with: a dotless ı capitalised (by a template's ``sentence``
filter) would be an ASCII I, which is not the record's any more."""

COUNTRY_CODES = ["KZ", "AZ", "TR", "UY", "MN", "PK", "MX", "US", "AU", "LK", "AF", "RU", "DE"]
CURRENCIES = ["USD", "EUR", "KZT", "AZN", "RUB"]
LANGUAGES = ["en", "ru", "kk", "az"]

word: SearchStrategy[str] = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(FIRST_LETTERS),
    st.text(alphabet=LETTERS, min_size=1, max_size=7),
)
"""One word of the record's own (2–8 letters)."""


def words(min_size: int = 1, max_size: int = 4) -> SearchStrategy[str]:
    """A line: words separated by spaces."""
    return st.lists(word, min_size=min_size, max_size=max_size).map(" ".join)


def paragraphs() -> SearchStrategy[str]:
    """A text: a sentence or two, now and then over two lines."""
    sentences = st.lists(words(1, 6).map(lambda s: s + "."), min_size=1, max_size=2)
    return st.builds(
        lambda parts, separator: separator.join(parts), sentences, st.sampled_from([" ", "\n"])
    )


def _vocabulary(values: Any) -> SearchStrategy[str]:
    return st.sampled_from(get_args(values))


def _known_or_own(values: Any) -> SearchStrategy[str]:
    """A known word (or, now and then, the record's own wording)."""
    return st.one_of(_vocabulary(values), _vocabulary(values), words(1, 3))


# --- dates --------------------------------------------------------------------------------------

full_days = st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2035, 12, 31))


@st.composite
def partial_dates(draw: DrawFn) -> str:
    """``2025``, ``2025-03`` or ``2025-03-13``."""
    day = draw(full_days)
    precision = draw(st.sampled_from(["year", "month", "day", "day"]))
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


@st.composite
def relative_dates(draw: DrawFn) -> dict[str, Any]:
    value: dict[str, Any] = {"as_published": draw(words(1, 3))}
    if draw(st.booleans()):
        value["offset_days"] = draw(st.integers(-400, 400))
    if draw(st.booleans()):
        value["approximately"] = draw(partial_dates())
    return value


def date_refs() -> SearchStrategy[Any]:
    return st.one_of(partial_dates(), partial_dates(), relative_dates())


# --- helpers ------------------------------------------------------------------------------------


class Optional:
    """Draws each optional field of one entry independently present or absent."""

    def __init__(self, draw: DrawFn, entry: dict[str, Any]) -> None:
        self.draw = draw
        self.entry = entry

    def __call__(self, key: str, strategy: SearchStrategy[Any]) -> None:
        if self.draw(st.booleans()):
            self.entry[key] = self.draw(strategy)


def _few(strategy: SearchStrategy[Any], max_size: int = 2, min_size: int = 1) -> Any:
    return st.lists(strategy, min_size=min_size, max_size=max_size)


@st.composite
def countries(draw: DrawFn, code: str) -> dict[str, Any]:
    return {"name": draw(words(1, 2)), "code": code}


@st.composite
def places(draw: DrawFn) -> dict[str, Any]:
    place: dict[str, Any] = {}
    maybe = Optional(draw, place)
    maybe("venue", words(1, 3))
    maybe("city", words(1, 2))
    maybe("country", countries(draw(st.sampled_from(COUNTRY_CODES))))
    if not place:
        place["city"] = draw(words(1, 2))
    return place


@st.composite
def persons(draw: DrawFn) -> dict[str, Any]:
    person: dict[str, Any] = {}
    maybe = Optional(draw, person)
    maybe("name", words(1, 3))
    maybe("title", words(1, 4))
    maybe("organisation", words(1, 3))
    if "name" not in person and "title" not in person:
        person["name"] = draw(words(1, 3))
    return person


# --- the record ---------------------------------------------------------------------------------


@st.composite
def documents(draw: DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = {"date": draw(full_days).isoformat()}
    maybe = Optional(draw, document)
    maybe("kind", st.sampled_from(["memorandum", "memorandum-of-conversation",
                                   "information-memorandum"]))  # fmt: skip
    maybe("reference", st.builds(lambda w, n: f"{w}/{n}", word, st.integers(1, 9999)))
    maybe("classification", words(1, 2))
    maybe("handling", words(1, 3))
    maybe("ministry", words(1, 4))
    maybe("department", words(1, 4))
    for key in ("to", "from", "through", "cc", "cleared_by"):
        maybe(key, _few(persons()))
    maybe("subject", words(1, 5))
    maybe("drafted_by", persons())
    maybe("approved_by", persons())
    maybe("distribution", _few(words(1, 3)))
    maybe("language", st.sampled_from(LANGUAGES))
    maybe("version", st.one_of(words(1, 2), st.integers(1, 9).map(str)))
    return document


@st.composite
def visit_records(draw: DrawFn) -> VisitRecord:
    """A valid record, built through :func:`memo_gen.record.validate.validate_record`."""
    data: dict[str, Any] = {"document": draw(documents())}
    visit: dict[str, Any] = {"title": draw(words(1, 6))}
    maybe_visit = Optional(draw, visit)
    maybe_visit("kind", _few(_known_or_own(VisitKind), max_size=2))
    if draw(st.booleans()):
        start = draw(date_refs())
        visit["start"] = start
        if isinstance(start, str) and len(start) == 10 and draw(st.booleans()):
            first = dt.date.fromisoformat(start)
            visit["end"] = (first + dt.timedelta(days=draw(st.integers(0, 40)))).isoformat()
        elif draw(st.integers(0, 3)) == 0:
            visit["end"] = draw(relative_dates())
        if isinstance(start, str) and len(start) == 10 and draw(st.integers(0, 3)) == 0:
            data["document"]["date"] = start  # the memorandum written on the visit's day
    maybe_visit("place", places())

    codes = draw(st.lists(st.sampled_from(COUNTRY_CODES), min_size=4, max_size=4, unique=True))
    maybe_visit("host", countries(codes[0]))
    maybe_visit("guest", countries(codes[1]))
    if draw(st.booleans()):
        visit["sides"] = [draw(countries(code)) for code in codes[2 : 2 + draw(st.integers(1, 2))]]
    if draw(st.integers(0, 2)) == 0:
        visit["third_countries"] = [draw(countries(codes[3]))]
    maybe_visit("event", words(1, 4))
    visit_countries = [c["code"] for key in ("host", "guest") if key in visit for c in [visit[key]]]
    visit_countries += [
        c["code"] for key in ("sides", "third_countries") for c in visit.get(key, [])
    ]
    if "place" in visit and "country" in visit["place"]:
        visit_countries.append(visit["place"]["country"]["code"])
    data["visit"] = visit

    maybe = Optional(draw, data)
    maybe("summary", _few(paragraphs()))
    maybe("background", _few(paragraphs()))

    # participants
    participants = []
    for index in range(draw(st.integers(0, 3))):
        p: dict[str, Any] = {"id": f"p{index}"}
        maybe_p = Optional(draw, p)
        maybe_p("name", words(1, 3))
        maybe_p("honorific", words(1, 2))
        maybe_p("post_nominals", words(1, 1))
        maybe_p("native_name", words(1, 3))
        maybe_p("title", words(1, 4))
        if "name" not in p and "title" not in p:
            p["title"] = draw(words(1, 4))
        if visit_countries:
            maybe_p("country", st.sampled_from(visit_countries))
        maybe_p("organisation", words(1, 3))
        maybe_p("side", st.sampled_from(VOCABULARIES["side"]))
        maybe_p("role", _vocabulary(ParticipantRole))
        maybe_p("group", st.booleans())
        maybe_p("present", st.booleans())
        participants.append(p)
    if participants:
        data["participants"] = participants
    people = [p["id"] for p in participants]

    # meetings
    meetings = []
    for index in range(draw(st.integers(0, 2))):
        m: dict[str, Any] = {"id": f"m{index}", "title": draw(words(1, 4))}
        maybe_m = Optional(draw, m)
        maybe_m("format", _vocabulary(MeetingFormat))
        maybe_m("date", date_refs())
        maybe_m("time", st.builds(lambda h, mi: f"{h:02d}:{mi:02d}", st.integers(0, 23),
                                  st.integers(0, 59)))  # fmt: skip
        maybe_m("place", places())
        if people:
            maybe_m("participants", st.lists(st.sampled_from(people), min_size=1, unique=True))
        maybe_m("summary", _few(paragraphs()))
        meetings.append(m)
    if meetings:
        data["meetings"] = meetings
    meeting_ids = [m["id"] for m in meetings]

    # figures
    figures = []
    for index in range(draw(st.integers(0, 3))):
        f: dict[str, Any] = {"id": f"f{index}", "label": draw(words(1, 4))}
        maybe_f = Optional(draw, f)
        maybe_f("kind", _vocabulary(FigureKind))
        value = st.one_of(
            st.integers(-5_000, 10**7), st.integers(-50_000, 10**6).map(lambda n: n / 10)
        )
        if draw(st.integers(0, 3)) > 0:
            f["value"] = draw(value)
            maybe_f("multiplier", st.integers(2, 20))
        else:
            f["multiplier"] = draw(st.integers(2, 20))
        maybe_f("scale", _vocabulary(Scale))
        maybe_f("unit", words(1, 1))
        maybe_f("currency", st.sampled_from(CURRENCIES))
        maybe_f("per", words(1, 1))
        maybe_f("period", st.one_of(words(1, 3), st.integers(1995, 2035).map(str)))
        maybe_f("months", st.integers(1, 24))
        maybe_f("qualifier", _vocabulary(Qualifier))
        if f.get("qualifier") in (None, "about"):
            maybe_f("approximate", st.booleans())
        if index > 0:
            maybe_f("change_of", st.sampled_from([f"f{i}" for i in range(index)]))
        maybe_f("base_period", words(1, 3))
        maybe_f("basis", words(1, 5))
        maybe_f("source", words(1, 3))
        figures.append(f)
    if figures:
        data["figures"] = figures
    figure_ids = [f["id"] for f in figures]

    # topics
    topics = []
    for index in range(draw(st.integers(0, 2))):
        t: dict[str, Any] = {"id": f"t{index}", "title": draw(words(1, 4))}
        maybe_t = Optional(draw, t)
        maybe_t("areas", _few(_known_or_own(Area), max_size=3))
        if meeting_ids:
            maybe_t("meeting", st.sampled_from(meeting_ids))
        maybe_t("summary", _few(paragraphs()))
        maybe_t("points", _few(paragraphs()))
        if figure_ids:
            maybe_t("figures", st.lists(st.sampled_from(figure_ids), min_size=1, unique=True))
        topics.append(t)
    if topics:
        data["topics"] = topics
    topic_ids = [t["id"] for t in topics]
    maybe("cooperation", _few(_known_or_own(Area), max_size=3))

    # quotes
    quotes = []
    for index in range(draw(st.integers(0, 2)) if people else 0):
        q: dict[str, Any] = {
            "speaker": draw(st.sampled_from(people)),
            "text": draw(paragraphs()),
            "kind": draw(st.sampled_from(["direct", "reported"])),
        }
        maybe_q = Optional(draw, q)
        maybe_q("id", st.just(f"q{index}"))
        maybe_q("truncated", st.sampled_from(["start", "end", "both"]))
        if topic_ids:
            maybe_q("topic", st.sampled_from(topic_ids))
        if meeting_ids:
            maybe_q("meeting", st.sampled_from(meeting_ids))
        maybe_q("occasion", words(1, 3))
        quotes.append(q)
    if quotes:
        data["quotes"] = quotes

    # agreements
    agreements = []
    for index in range(draw(st.integers(0, 2))):
        a: dict[str, Any] = {"id": f"a{index}"}
        maybe_a = Optional(draw, a)
        maybe_a("title", words(1, 5))
        maybe_a("field", words(1, 3))
        if "title" not in a and "field" not in a:
            a["title"] = draw(words(1, 5))
        maybe_a("kind", _vocabulary(AgreementKind))
        maybe_a("status", _vocabulary(AgreementStatus))
        maybe_a("date", date_refs())
        maybe_a("count", st.integers(1, 50))
        if people and a.get("status") in ("signed", "initialled"):
            maybe_a("signed_by", st.lists(st.sampled_from(people), min_size=1, unique=True))
        maybe_a("institutions", _few(words(1, 3)))
        if meeting_ids:
            maybe_a("meeting", st.sampled_from(meeting_ids))
        maybe_a("background", st.booleans())
        agreements.append(a)
    if agreements:
        data["agreements"] = agreements
    agreement_ids = [a["id"] for a in agreements]

    # the occasion and the source (the occasion may name an agreement)
    if draw(st.booleans()):
        occasion: dict[str, Any] = {"description": draw(paragraphs())}
        maybe_o = Optional(draw, occasion)
        maybe_o("anniversary", st.integers(1, 100))
        if agreement_ids:
            maybe_o("agreement", st.sampled_from(agreement_ids))
        maybe_o("date", partial_dates())
        visit["occasion"] = occasion
    if draw(st.booleans()):
        source: dict[str, Any] = {}
        maybe_s = Optional(draw, source)
        maybe_s("publisher", words(1, 4))
        maybe_s("title", words(1, 5))
        maybe_s("url", word.map(lambda w: f"https://example.org/{w}"))
        maybe_s("date", partial_dates())
        maybe_s("release_number", st.builds(lambda w, n: f"{w}/{n}", word, st.integers(1, 999)))
        maybe_s("language", st.sampled_from(LANGUAGES))
        maybe_s("notes", _few(paragraphs()))
        maybe_s("incomplete", st.booleans())
        visit["source"] = source

    # initiatives, outcomes, actions, frameworks, glossary
    initiatives = []
    for index in range(draw(st.integers(0, 1))):
        i: dict[str, Any] = {"id": f"i{index}", "title": draw(words(1, 4))}
        maybe_i = Optional(draw, i)
        maybe_i("kind", _vocabulary(InitiativeKind))
        maybe_i("date", date_refs())
        maybe_i("place", places())
        maybe_i("summary", _few(paragraphs()))
        if figure_ids:
            maybe_i("figures", st.lists(st.sampled_from(figure_ids), min_size=1, unique=True))
        if agreement_ids:
            maybe_i("agreements", st.lists(st.sampled_from(agreement_ids), min_size=1,
                                           unique=True))  # fmt: skip
        initiatives.append(i)
    if initiatives:
        data["initiatives"] = initiatives
    outcomes = []
    for _ in range(draw(st.integers(0, 2))):
        o: dict[str, Any] = {"text": draw(paragraphs())}
        if topic_ids:
            Optional(draw, o)("topic", st.sampled_from(topic_ids))
        outcomes.append(o)
    if outcomes:
        data["outcomes"] = outcomes
    actions = []
    for _ in range(draw(st.integers(0, 2))):
        action: dict[str, Any] = {"what": draw(paragraphs())}
        maybe_action = Optional(draw, action)
        maybe_action("who", words(1, 3))
        maybe_action("due", date_refs())
        maybe_action("status", st.sampled_from(VOCABULARIES["action-status"]))
        actions.append(action)
    if actions:
        data["actions"] = actions
    if draw(st.booleans()):
        framework: dict[str, Any] = {"name": draw(words(1, 4))}
        Optional(draw, framework)("acronym", word.map(str.upper))
        data["frameworks"] = [framework]
    if draw(st.integers(0, 3)) == 0:
        data["glossary"] = {draw(word): draw(words(1, 4))}
    return validate_record(data)
