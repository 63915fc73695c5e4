"""A readout → a drafted record: the extractors' findings assembled in the record's schema,
checked against it, and written as commented YAML.

What the draft holds is only what the extractors found; a field they did not find is left
out. Before it is written, the draft is validated with the two fields a person must always
supply (``document.date``, ``visit.title``) standing in: any drafted value the record would
refuse (a name with a character the documents cannot draw, a reference to an entry that
fell out) is dropped, so that once those fields are supplied the record validates.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memo_gen.draft import agreements as agreements_
from memo_gen.draft import figures as figures_
from memo_gen.draft import meetings as meetings_
from memo_gen.draft import organisations as organisations_
from memo_gen.draft import people as people_
from memo_gen.draft import places, speech, topics
from memo_gen.draft.dates import OFFSETS, date_spans, dateline, find_dates
from memo_gen.draft.sentences import Cited, Sentence, sentences
from memo_gen.draft.sources import Line, Source, read_source
from memo_gen.draft.writer import write
from memo_gen.errors import InvalidRecordError, Problem
from memo_gen.record.loader import DEFAULT_MAX_INPUT_BYTES

STAND_INS = {("document", "date"): "2000-01-01", ("visit", "title"): "(stand-in)"}
"""Values a person must supply, standing in while the draft is checked."""

Tree = dict[str, Any]


@dataclass
class Draft:
    """A drafted record: its tree of cited values and the source it came from."""

    source: Source
    tree: Tree
    dropped: list[str] = field(default_factory=list)
    """Drafted values the record would refuse, left out (their field paths)."""
    schema_uri: str | None = None
    """The JSON Schema the written record points editors at."""

    def data(self) -> dict[str, Any]:
        """The record as plain data, without the citations."""
        data: dict[str, Any] = plain(self.tree)
        return data

    def text(self) -> str:
        """The record as YAML, each value with the source line it came from."""
        uri = self.schema_uri
        header = [] if uri is None else [f"yaml-language-server: $schema={uri}", ""]
        header += [
            f"Drafted by `memo-gen draft` from {self.source.name} (read as "
            f"{'Russian' if self.source.language == 'ru' else 'English'}).",
            f"Each value names the {self.source.unit} of the source it came from: check it there.",
            "Nothing the source does not state is filled in. `memo-gen validate` on this file",
            "lists what must still be supplied: document.date is the memorandum's own date,",
            "never the readout's.",
        ]
        return write(self.tree, self.source, header)

    def missing(self) -> list[Problem]:
        """What ``memo-gen validate`` says the written draft still lacks, with its lines."""
        from memo_gen.record.readers import read_yaml
        from memo_gen.record.validate import validate_record

        data, lines = read_yaml(self.text())
        try:
            validate_record(data, lines)
        except InvalidRecordError as exc:
            return list(exc.problems)
        return []


def plain(value: Any) -> Any:
    """A tree of cited values as plain data."""
    if isinstance(value, Cited):
        return value.value
    if isinstance(value, dict):
        return {key: plain(inner) for key, inner in value.items() if not _empty(inner)}
    if isinstance(value, list):
        return [plain(item) for item in value if not _empty(item)]
    return value


def _empty(value: Any) -> bool:
    return isinstance(value, dict | list) and not value


def draft_source(
    path: str | Path,
    *,
    lang: str | None = None,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    schema_uri: str | None = None,
) -> Draft:
    """Draft a record from a readout file (``-`` for standard input); ``schema_uri`` is the
    JSON Schema its first line points editors at."""
    source = read_source(path, lang=lang, max_bytes=max_bytes)
    tree = assemble(source)
    dropped = prune(tree)
    return Draft(source, tree, dropped, schema_uri)


# --- assembling ---------------------------------------------------------------------------


_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
            "a",
            "g",
            "q",
            "n",
            "o",
            "u",
            "u",
            "h",
            "i",
        ],
        strict=True,
    )
)


def slug(text: str, default: str) -> str:
    """An id from a name: Latin letters, digits and hyphens (Нуртлеу → nurtleu)."""
    letters = []
    for char in text.lower():
        if char in _CYRILLIC:
            letters.append(_CYRILLIC[char].strip("-"))
        else:
            char = {"ə": "e", "ı": "i", "ß": "ss", "ø": "o", "ł": "l"}.get(char, char)
            letters.append(unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode())
    ident = re.sub(r"[^a-z0-9]+", "-", "".join(letters)).strip("-")[:40]
    return ident or default


def _unique(ident: str, taken: set[str]) -> str:
    candidate, n = ident, 2
    while candidate in taken:
        candidate, n = f"{ident}-{n}", n + 1
    taken.add(candidate)
    return candidate


def assemble(source: Source) -> Tree:
    """The drafted record of a source, as a tree of cited values."""
    language = source.language
    lines = {line.number: line for line in source.lines}
    found_dateline = _dateline(source)
    sents = []
    for sentence in sentences(source):
        # The dateline names where and when the release was filed, not the meeting: the
        # extractors read the sentence without it.
        if found_dateline is not None and sentence.line == found_dateline[0]:
            head = sentence.line.text[: found_dateline[1]].strip()
            if sentence.text.startswith(head):
                sentence = Sentence(sentence.line, sentence.text[len(head) :].strip(" -–—:."))
        if sentence.text:
            sents.append(sentence)
    # The headline last: the body says the same with more (a date, a place, a full title).
    if source.title is not None:
        sents.sort(key=lambda s: s.line.number == source.title.number)  # type: ignore[union-attr]

    found: list[tuple[people_.Mention, int]] = []
    for sentence in sents:
        for mention in people_.mentions(sentence.text, language):
            found.append((mention, sentence.line.number))
    people = people_.collect(found, language)
    taken: set[str] = set()
    person_ids = [
        _unique(slug(p.surname or p.name or "", f"person-{i + 1}"), taken)
        for i, p in enumerate(people)
    ]

    tree: Tree = {"document": {}, "visit": {}}
    tree["document"]["language"] = Cited(language, source.lines[0], note=_language_note(source))
    visit: Tree = tree["visit"]

    # Meetings, and the visit's date, place, kind and event.
    meetings: list[meetings_.Meeting] = []
    for sentence in sents:
        for found_meeting in meetings_.meetings(sentence, people, language):
            if not any(
                m.format == found_meeting.format and set(m.people) == set(found_meeting.people)
                for m in meetings
            ):
                meetings.append(found_meeting)
    for sentence in sents:
        kind = meetings_.visit_kind(sentence.text, language)
        if kind is not None and "kind" not in visit:
            visit["kind"] = Cited(kind, sentence.line, evidence=f"{kind} visit")
        event = meetings_.event(sentence.text, language)
        if event is not None and "event" not in visit:
            visit["event"] = Cited(event, sentence.line)
    if "kind" not in visit and meetings:
        # No kind of visit named: the kind of encounter the first meeting is.
        first = meetings[0]
        kind = {
            "talks": "talks",
            "consultations": "consultations",
            None: "meeting",
            "telephone-call": "telephone-call",
            "video-call": "video-call",
        }.get(first.format)
        if kind is not None:
            visit["kind"] = Cited(kind, first.sentence.line, evidence="")
    _visit_dates(visit, meetings, sents, people, language)
    named_countries: dict[str, Line] = {}
    for sentence in sents:
        for named in places.countries(sentence.text, language):
            named_countries.setdefault(named.code, sentence.line)
    destination = _visit_place(visit, meetings, sents, people, language, named_countries)

    participants = []
    for index, person in enumerate(people):
        entry: Tree = {"id": Cited(person_ids[index], lines[person.lines["name"]], person.name)}
        for key in ("name", "honorific", "title"):
            value = getattr(person, key)
            if value is not None:
                entry[key] = Cited(value, lines[person.lines[key]])
        if person.country is not None:
            entry["country"] = Cited(
                person.country, lines[person.lines["country"]], evidence=person.title or person.name
            )
        participants.append(entry)
    tree["participants"] = participants
    _countries(visit, people, meetings, destination, sents, language)

    tree["meetings"] = _meetings(meetings, person_ids, language, named_countries)
    tree["topics"], tree["cooperation"] = _topics(sents, language)
    tree["quotes"] = _quotes(source, sents, people, person_ids, language)
    tree["figures"] = _figures(sents, language)
    tree["agreements"] = _agreements(sents, language, source.title)
    tree["frameworks"] = _frameworks(sents, language)
    _source(visit, source, found_dateline, language)
    if source.title is not None:
        tree["visit"] = {"title": Cited(source.title.text, source.title), **visit}
    if "date" in visit["source"]:
        _offsets(tree)
    return tree


def _language_note(source: Source) -> str:
    if source.language_given:
        return "the source's language, as --lang gives it"
    script = "Cyrillic" if source.language == "ru" else "Latin"
    return f"the source's language: most of its letters are {script}"


def _dateline(source: Source) -> tuple[Line, int, str | None] | None:
    """The release's dateline, in one of its first lines: the line, where the dateline ends
    in it, and its date (when it gives one with a year)."""
    for line in source.lines[:4]:
        if source.title is not None and line.number == source.title.number:
            continue
        found = dateline(line.text, source.language)
        if found is not None:
            return line, found[0], found[1]
    return None


def _offsets(tree: Tree) -> None:
    """Give a relative date whose words fix its day ("yesterday") its offset from the
    release's date; a weekday keeps none."""

    def visit(node: Any) -> None:
        if isinstance(node, Cited) and isinstance(node.value, dict):
            words = str(node.value.get("as_published", "")).casefold()
            if words in OFFSETS and "offset_days" not in node.value:
                node.value["offset_days"] = OFFSETS[words]
        elif isinstance(node, dict):
            for inner in node.values():
                visit(inner)
        elif isinstance(node, list):
            for inner in node:
                visit(inner)

    visit(tree)


_ON_VISIT = re.compile(r"\bvisit|визит", re.IGNORECASE)
"""A sentence on the visit itself names it."""


def _visit_dates(
    visit: Tree,
    meetings: list[meetings_.Meeting],
    sents: list[Sentence],
    people: list[people_.Person],
    language: str,
) -> None:
    """The visit's first (and last) day: a range the text gives for the visit, else the first
    meeting's date, else that of the first encounter a sentence reports."""
    for sentence in sents:
        if not _ON_VISIT.search(sentence.text):
            continue
        for date in find_dates(sentence.text, language):
            if date.last is not None:
                span = sentence.text[date.start : date.end]
                visit["start"] = Cited(date.value, sentence.line, evidence=span)
                visit["end"] = Cited(date.last, sentence.line, evidence=span)
                return
    for meeting in meetings:
        if meeting.date is not None:
            evidence = meeting.date["as_published"] if isinstance(meeting.date, dict) else None
            visit["start"] = Cited(meeting.date, meeting.sentence.line, evidence=evidence)
            return
    if any(_undated_visit_day(s.text, language) for s in sents):
        return  # "с рабочим визитом с 13 июля": the visit began on a day given with no year
    dated = []
    for index, sentence in enumerate(sents):
        date, _ = meetings_.when_and_where(sentence, people, language, lead=index == 0)
        if date is not None:
            dated.append((date, sentence))
    if not dated:
        return
    date, sentence = dated[0]
    span = sentence.text[date.start : date.end]
    visit["start"] = Cited(date.value, sentence.line, evidence=span)
    if date.last is not None:
        visit["end"] = Cited(date.last, sentence.line, evidence=span)
    elif not date.is_relative:
        # The last day the text dates an encounter of the visit: "On 13 April 2024, …".
        last, where = max(
            ((d, s) for d, s in dated if not d.is_relative and len(str(d.value)) == 10),
            key=lambda pair: str(pair[0].value),
        )
        if str(last.value) > str(date.value):
            visit["end"] = Cited(last.value, where.line, evidence=where.text[last.start : last.end])


def _undated_visit_day(text: str, language: str) -> bool:
    """Whether a sentence on the visit gives a day without its year ("с 13 июля", "18 и 19
    января"): the visit's first day is then one the draft cannot write."""
    if not _ON_VISIT.search(text):
        return False
    complete = [(d.start, d.end) for d in find_dates(text, language) if not d.is_relative]
    return any(
        not any(s <= start < e for s, e in complete) for start, _ in date_spans(text, language)
    )


def _visit_place(
    visit: Tree,
    meetings: list[meetings_.Meeting],
    sents: list[Sentence],
    people: list[people_.Person],
    language: str,
    named_countries: dict[str, Line],
) -> places.Named | None:
    """The visit's place: where the text says the visit went, else the first meeting's city."""
    for sentence in sents:
        named = meetings_.destination(sentence.text, language)
        if named is not None:
            visit["place"] = _place(named, sentence, language, named_countries)
            return named
    for meeting in meetings:
        if meeting.city is not None:
            visit["place"] = _place(meeting.city, meeting.sentence, language, named_countries)
            return meeting.city
    for index, sentence in enumerate(sents):
        _, where = meetings_.when_and_where(sentence, people, language, lead=index == 0)
        if isinstance(where, places.Named):
            visit["place"] = _place(where, sentence, language, named_countries)
            return where
    return None


def _place(
    named: places.Named, sentence: Sentence, language: str, named_countries: dict[str, Line]
) -> Tree:
    """A place; a city's country only when the same paragraph names that country ("in
    Brest, Belarus"): that Minsk is in Belarus is not the draft's to add."""
    evidence = sentence.text[named.start : named.end]
    place: Tree = {}
    if named.city is not None:
        place["city"] = Cited(named.city, sentence.line, evidence=evidence)
        for country in places.countries(sentence.line.text, language):
            if country.code == named.code:
                evidence = sentence.line.text[country.start : country.end]
                place["country"] = _country(named.code, sentence, language, evidence)
                break
    else:
        place["country"] = _country(named.code, sentence, language, evidence)
    return place


def _country(code: str, sentence: Sentence | Line, language: str, evidence: str | None) -> Tree:
    line = sentence.line if isinstance(sentence, Sentence) else sentence
    name = places.country_name(code, language)
    return {
        "name": Cited(name, line, evidence=evidence),
        "code": Cited(code, line, evidence=evidence),
    }


def _countries(
    visit: Tree,
    people: list[people_.Person],
    meetings: list[meetings_.Meeting],
    destination: places.Named | None,
    sents: list[Sentence],
    language: str,
) -> None:
    """Every participant's country among the visit's: host and guest where the text says who
    visited whom, else the sides that met; the others as third countries."""
    first_line: dict[str, tuple[Line, str | None]] = {}
    for person in people:
        if person.country is not None and person.country not in first_line:
            line = next(s.line for s in sents if s.line.number == person.lines["country"])
            first_line[person.country] = (line, person.title or person.name)
    if not first_line:
        return
    met = {people[i].country for m in meetings for i in m.people if people[i].country}
    guest = None
    is_visit = "kind" in visit and visit["kind"].value in (
        "state",
        "official",
        "working",
        "private",
    )
    if is_visit and destination is not None:
        visitors = {
            people[i].country
            for s in sents
            if meetings_.visit_kind(s.text, language)
            for _, i in people_.people_in(s.text, people, language)
            if people[i].country not in (None, destination.code)
        }
        if len(visitors) == 1:
            guest = visitors.pop()
    if guest is not None and destination is not None and destination.code in first_line:
        line, evidence = first_line[guest]
        visit["host"] = _country(
            destination.code,
            first_line[destination.code][0],
            language,
            first_line[destination.code][1],
        )
        visit["guest"] = _country(guest, line, language, evidence)
        others = [c for c in first_line if c not in (guest, destination.code)]
    else:
        sides = [c for c in first_line if c in met] or list(first_line)
        visit["sides"] = [_country(c, first_line[c][0], language, first_line[c][1]) for c in sides]
        others = [c for c in first_line if c not in sides]
    if others:
        visit["third_countries"] = [
            _country(c, first_line[c][0], language, first_line[c][1]) for c in others
        ]


def _meetings(
    meetings: list[meetings_.Meeting],
    person_ids: list[str],
    language: str,
    named_countries: dict[str, Line],
) -> list[Tree]:
    entries = []
    taken: set[str] = set()
    for meeting in meetings:
        line = meeting.sentence.line
        ident = _unique(slug(meeting.format or "meeting", "meeting"), taken)
        entry: Tree = {
            "id": Cited(ident, line, evidence=meeting.title),
            "title": Cited(meeting.title, line, evidence=""),
        }
        if meeting.format is not None:
            entry["format"] = Cited(meeting.format, line, evidence="")
        if meeting.date is not None:
            evidence = meeting.date["as_published"] if isinstance(meeting.date, dict) else None
            entry["date"] = Cited(meeting.date, line, evidence=evidence)
        if meeting.city is not None:
            entry["place"] = _place(meeting.city, meeting.sentence, language, named_countries)
        entry["participants"] = [Cited(person_ids[i], line, evidence="") for i in meeting.people]
        entries.append(entry)
    return entries


def _topics(sents: list[Sentence], language: str) -> tuple[list[Tree], list[Cited]]:
    entries: list[Tree] = []
    areas: list[Cited] = []
    for sentence in sents:
        found = topics.topic(sentence, language)
        if found is not None:
            entry: Tree = {
                "id": Cited(f"topic-{len(entries) + 1}", sentence.line, evidence=found.title),
                "title": Cited(found.title, sentence.line, evidence=found.title[1:]),
            }
            if found.areas:
                entry["areas"] = [Cited(a, sentence.line, evidence="") for a in found.areas]
            entries.append(entry)
        for area in topics.cooperation(sentence, language):
            if area not in [a.value for a in areas]:
                areas.append(Cited(area, sentence.line, evidence=""))
    return entries, areas


def _quotes(
    source: Source,
    sents: list[Sentence],
    people: list[people_.Person],
    person_ids: list[str],
    language: str,
) -> list[Tree]:
    said: list[speech.Speech] = []
    for line in source.lines:
        said += speech.direct(line, people, language)
    for sentence in sents:
        found = speech.reported(sentence, people, language)
        if found is not None:
            said.append(found)
    entries = []
    seen: set[tuple[int, str]] = set()
    for words in said:
        if (words.speaker, words.text) in seen:
            continue
        seen.add((words.speaker, words.text))
        entries.append(
            {
                "speaker": Cited(person_ids[words.speaker], words.line, evidence=""),
                "kind": Cited(words.kind, words.line, evidence=words.text[:40]),
                "text": Cited(words.text, words.line),
            }
        )
    return entries


_FIGURE_ORDER = (
    "label",
    "value",
    "multiplier",
    "scale",
    "currency",
    "unit",
    "per",
    "period",
    "kind",
    "qualifier",
    "basis",
)


def _figures(sents: list[Sentence], language: str) -> list[Tree]:
    entries: list[Tree] = []
    for sentence in sents:
        for figure in figures_.figures(sentence, language):
            evidence = sentence.text[figure.start : figure.end]
            entry: Tree = {
                "id": Cited(f"figure-{len(entries) + 1}", sentence.line, evidence=evidence)
            }
            for key in _FIGURE_ORDER:
                if key in figure.fields:
                    value = figure.fields[key]
                    shown = value if key in ("label", "basis", "period") else evidence
                    entry[key] = Cited(value, sentence.line, evidence=str(shown))
            entries.append(entry)
    return entries


def _agreements(sents: list[Sentence], language: str, source_title: Line | None) -> list[Tree]:
    entries: list[Tree] = []
    titles: list[frozenset[str]] = []
    for sentence in sents:
        for agreement in agreements_.agreements(sentence, language):
            fields = agreement.fields
            # Once per document: the headline's "sign Declaration on …" and the body's
            # "signed a Declaration on … between the two countries" are one.
            key = frozenset(re.findall(r"\w+", fields["title"].casefold()))
            if any(key <= seen or seen <= key for seen in titles):
                continue
            headline = source_title is not None and sentence.line == source_title
            if headline and any(len(key & seen) >= len(key) / 2 for seen in titles):
                continue  # the headline's shorter words for a document the body names
            titles.append(key)
            line = sentence.line
            entry: Tree = {
                "id": Cited(f"agreement-{len(entries) + 1}", line, evidence=fields["title"])
            }
            for name in ("title", "kind", "status", "count", "date"):
                if name in fields:
                    evidence = fields["title"] if name in ("title", "kind") else None
                    if name == "status":
                        evidence = sentence.text[max(0, agreement.start - 30) : agreement.end]
                    entry[name] = Cited(fields[name], line, evidence=evidence)
            entries.append(entry)
    return entries


def _frameworks(sents: list[Sentence], language: str) -> list[Tree]:
    found: list[tuple[organisations_.Organisation, Line]] = []
    for sentence in sents:
        for organisation in organisations_.organisations(sentence, language):
            found.append((organisation, sentence.line))
    # One entry per organisation: a name with its abbreviation absorbs the abbreviation alone.
    expanded = {o.acronym: (o, line) for o, line in found if o.acronym and o.name != o.acronym}
    entries: list[Tree] = []
    seen: set[str] = set()
    for organisation, line in found:
        if organisation.acronym in expanded:
            organisation, line = expanded[organisation.acronym]
        key = organisation.name.casefold()
        if key in seen:
            continue
        seen.add(key)
        entry: Tree = {}
        if organisation.acronym:
            entry["acronym"] = Cited(organisation.acronym, line)
        entry["name"] = Cited(organisation.name, line)
        entries.append(entry)
    return entries


def _source(
    visit: Tree, source: Source, found: tuple[Line, int, str | None] | None, language: str
) -> None:
    """The source's headline, address, language, and release date (the dateline's)."""
    fields: Tree = {}
    if source.title is not None:
        fields["title"] = Cited(source.title.text, source.title)
    if source.url is not None:
        fields["url"] = Cited(source.url, source.lines[0], evidence="")
    if found is not None:
        line, end, date = found
        if date is not None:
            fields["date"] = Cited(date, line, evidence=line.text[:end])
        else:
            note = line.text[:end].strip(" -–—:.")
            fields["notes"] = [Cited(f"Dateline: {note} (no year)", line, evidence=note)]
    else:
        # A date at the very start of the first lines ("date 2025-03-13 | Kazakh MFA").
        for line in source.lines[:3]:
            dates = [d for d in find_dates(line.text[:40], language) if not d.is_relative]
            if dates and dates[0].start <= 12 and len(str(dates[0].value)) == 10:
                text = line.text[dates[0].start : dates[0].end]
                fields["date"] = Cited(dates[0].value, line, evidence=text)
                break
    fields["language"] = Cited(language, source.lines[0], note=_language_note(source))
    visit["source"] = fields


# --- checking ------------------------------------------------------------------------------


def prune(tree: Tree) -> list[str]:
    """Drop every drafted value the record would refuse (with the stand-ins supplied); the
    paths dropped, in order."""
    from pydantic import ValidationError

    from memo_gen.record.limits import DEFAULT_LIMITS
    from memo_gen.record.model import UNION_TAGS, VisitRecord
    from memo_gen.record.validate import check_references

    dropped: list[str] = []
    for _ in range(200):
        data = plain(tree)
        for (section, key), value in STAND_INS.items():
            data.setdefault(section, {}).setdefault(key, value)
        locations: list[tuple[Any, ...]] = []
        try:
            VisitRecord.model_validate(data, context=DEFAULT_LIMITS.context())
        except ValidationError as exc:
            locations += [
                tuple(p for p in error["loc"] if p not in UNION_TAGS) for error in exc.errors()
            ]
        locations += [_parse_path(problem.path) for problem in check_references(data, {})]
        if not locations:
            break
        removed = [_remove(tree, location) for location in locations]
        if not any(removed):
            break  # nothing left that a drafted value could be blamed for
        dropped += [path for path in removed if path]
    return dropped


def _parse_path(path: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _remove(tree: Tree, location: tuple[Any, ...]) -> str:
    """Remove the value at ``location`` (or, when it is not there, the list entry that lacks
    it); what was removed, as a path, or "" when nothing was."""
    node: Any = tree
    entry: tuple[Any, Any, int] | None = None  # (list, its path, index) of the last entry
    parent: Any = None
    key: Any = None
    walked: list[str] = []
    for part in location:
        if isinstance(node, dict) and part in node:
            parent, key, node = node, part, node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            entry = (node, ".".join(walked), part)
            parent, key, node = node, part, node[part]
        else:
            break
        walked.append(str(part))
    else:
        if parent is not None:
            del parent[key]
            return ".".join(walked)
    if entry is not None:
        items, path, index = entry
        del items[index]
        return f"{path}[{index}]"
    if parent is not None and isinstance(parent, dict):
        del parent[key]
        return ".".join(walked)
    return ""
