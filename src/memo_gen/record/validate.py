"""Plain data to a :class:`VisitRecord`, with every problem reported at once.

Field errors come from the model; the checks here cover what one field cannot see on its
own: ids unique across the record, every id a record refers to defined, a participant's
country one of the visit's countries, and the visit not ending before it starts. The
checks read the plain data, so they run even when some fields are malformed and a user
sees every problem in one pass.
"""

from __future__ import annotations

import difflib
import functools
import heapq
import math
import unicodedata
from collections.abc import Iterator
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from memo_gen.errors import MAX_PROBLEMS, InvalidRecordError, Problem
from memo_gen.record.codes import COUNTRY_CODES
from memo_gen.record.fields import PartialDate
from memo_gen.record.limits import DEFAULT_LIMITS, FLAGS, Limits
from memo_gen.record.model import UNION_TAGS, VisitRecord
from memo_gen.record.readers import Lines, Path_, dotted
from memo_gen.record.translations import MISSING, TAG, TRANSLATED, Fallback, TextLanguage

ID_SECTIONS = ("participants", "meetings", "topics", "quotes", "figures", "agreements",
               "initiatives")  # fmt: skip

# (section, field, referred section): ``field`` holds one id or a list of ids.
REFERENCES = (
    ("meetings", "participants", "participants"),
    ("topics", "meeting", "meetings"),
    ("topics", "figures", "figures"),
    ("quotes", "speaker", "participants"),
    ("quotes", "topic", "topics"),
    ("quotes", "meeting", "meetings"),
    ("figures", "change_of", "figures"),
    ("agreements", "signed_by", "participants"),
    ("agreements", "meeting", "meetings"),
    ("initiatives", "figures", "figures"),
    ("initiatives", "agreements", "agreements"),
    ("outcomes", "topic", "topics"),
)


TOP = "the top of the record"
"""How messages name the place of the record's own fields."""


@functools.cache
def _field_places() -> dict[str, list[str]]:
    """Each field name → the places in a record where it belongs (``visit.source``, …);
    worked out on the first unknown field, not as every process starts."""
    places: dict[str, list[str]] = {}

    def walk(cls: type[BaseModel], path: str, seen: frozenset[type]) -> None:
        for name, info in cls.model_fields.items():
            key = info.alias or name
            places.setdefault(key, []).append(path or TOP)
            for inner in _models_in(info.annotation):
                if inner not in seen:
                    walk(inner, f"{path}.{key}" if path else key, seen | {inner})

    walk(VisitRecord, "", frozenset({VisitRecord}))
    return places


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in get_args(annotation):
        yield from _models_in(argument)


_PATTERN_MESSAGES = {
    "^[A-Za-z0-9]": "must be an id: up to 64 letters, digits, '_', '.' or '-', e.g. 'nurtleu'",
    "^(https?://": "must be a link starting with http://, https:// or mailto:, with no spaces",
    "^[a-z]{2,3}": "must be a language tag such as en, ru, kk or az",
    "^([01]": "must be a time of day as HH:MM, e.g. 09:30",
}
_TYPE_MESSAGES = {
    "missing": "required field is missing",
    "bool_type": "must be true or false",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "string_type": "must be text",
}


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _unknown_field(error["loc"])
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')} (got {error['input']!r})"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        for start, message in _PATTERN_MESSAGES.items():
            if pattern.startswith(start):
                return message
    if kind in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[kind]
    text = error["msg"].removeprefix("Value error, ")
    return text[:1].lower() + text[1:]


def _unknown_field(loc: tuple[str | int, ...]) -> str:
    """What to say of a key that is not a field where it is. The suggestion is never the
    key itself: a name that only looks like a field's (a Cyrillic о, a space at its end, a
    zero-width character) has the characters that differ named."""
    path = [part for part in loc if part not in UNION_TAGS]
    key = str(path[-1]) if path else ""
    here = ".".join(part for part in path[:-1] if isinstance(part, str)) or TOP
    places = _field_places()
    if key in places:
        # Spelt right, but in the wrong place: say where it belongs.
        where = ", ".join(dict.fromkeys(places[key]))
        return f"'{key}' is not a field here; it belongs in {where}"
    # Characters that look like others or cannot be seen: named beside a suggestion.
    odd = [c for c in dict.fromkeys(key) if not c.isascii() or not c.isprintable() or c == " "]
    names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip() for c in odd)
    holds = f": its name holds {names}" if odd else ""
    # A field of this place first; else one of anywhere, saying where it belongs.
    fields_here = sorted(name for name, where in places.items() if here in where)
    close = difflib.get_close_matches(key, fields_here, n=1, cutoff=0.75)
    if close:
        return f"unknown field{holds} (did you mean '{close[0]}'?)"
    close = difflib.get_close_matches(key, sorted(places), n=1, cutoff=0.75)
    if close:
        where = ", ".join(dict.fromkeys(places[close[0]]))
        return f"unknown field{holds} (did you mean '{close[0]}'? it belongs in {where})"
    return "unknown field; remove it or check its spelling"


def line_of(path: Path_, lines: Lines) -> int | None:
    """The line of ``path`` or, if it is absent (a missing field), of its nearest parent."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


MEMO_DATE = ("document", "date")
MEMO_DATE_MESSAGE = (
    "required: the memorandum's own date, YYYY-MM-DD (the day it is written); memo-gen never "
    "dates it with the visit's date"
)


def _place(error: ErrorDetails, lines: Lines) -> tuple[str, int | None]:
    """Where a field error is reported: its dotted path and line (cheap, unlike wording
    it: problems are ordered and counted by place, and only the first ones worded)."""
    path = tuple(p for p in error["loc"] if p not in UNION_TAGS)
    if error["type"] == "missing" and MEMO_DATE[: len(path)] == path:
        return dotted(MEMO_DATE), line_of(path, lines)
    if len(path) >= 2 and path[-1] == "[key]":  # a mapping's key, e.g. of the glossary
        return dotted(path[:-2]) or "(record)", line_of(path[:-1], lines)
    return dotted(path) or "(record)", line_of(path, lines)


def _problem(error: ErrorDetails, lines: Lines) -> Problem:
    path = tuple(p for p in error["loc"] if p not in UNION_TAGS)
    where, line = _place(error, lines)
    if error["type"] == "missing" and MEMO_DATE[: len(path)] == path:
        # A record without a document section lacks the one thing of it that is required.
        return Problem(where, MEMO_DATE_MESSAGE, line)
    message = _message(error)
    if len(path) >= 2 and path[-1] == "[key]":
        # repr() shows invisible characters escaped, but picks double quotes for a key that
        # holds a single quote; the message always quotes with single ones.
        message = f"key '{repr(str(path[-2]))[1:-1]}': {message}"
    return Problem(where, message, line)


def _items(data: Any, section: str) -> Iterator[tuple[int, dict[str, Any]]]:
    entries = data.get(section)
    if isinstance(entries, list):
        for index, entry in enumerate(entries):
            if isinstance(entry, dict):
                yield index, entry


def _refs(value: Any, path: Path_) -> Iterator[tuple[str, Path_]]:
    if isinstance(value, str):
        yield value, path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield item, (*path, index)


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _date(value: Any) -> PartialDate | None:
    # The same forms the model reads: ISO text, or a bare year written as an integer.
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return PartialDate(value)
    try:
        return PartialDate.parse(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None


SIGNING_STATUSES = ("signed", "initialled")


def check_references(data: dict[str, Any], lines: Lines) -> list[Problem]:
    """The checks across fields: ids, references, countries, date order."""
    problems: list[Problem] = []

    def report(path: Path_, message: str) -> None:
        problems.append(Problem(dotted(path), message, line_of(path, lines)))

    ids: dict[str, dict[str, Path_]] = {section: {} for section in ID_SECTIONS}
    first_use: dict[str, Path_] = {}
    for section in ID_SECTIONS:
        for index, entry in _items(data, section):
            ident, path = entry.get("id"), (section, index, "id")
            if not isinstance(ident, str):
                continue
            if ident in first_use:
                report(path, f"duplicate id '{ident}' (already used at {dotted(first_use[ident])})")
                continue
            first_use[ident] = path
            ids[section][ident] = path

    for section, field, target in REFERENCES:
        for index, entry in _items(data, section):
            for ident, ref_path in _refs(entry.get(field), (section, index, field)):
                if ident not in ids[target]:
                    report(ref_path, _unknown_id(ident, target, ids[target]))
    occasion_ref = _get(data, "visit", "occasion", "agreement")
    for ident, ref_path in _refs(occasion_ref, ("visit", "occasion", "agreement")):
        if ident not in ids["agreements"]:
            report(ref_path, _unknown_id(ident, "agreements", ids["agreements"]))

    countries = _visit_countries(data)
    for index, entry in _items(data, "participants"):
        code = entry.get("country")
        if isinstance(code, str) and code in COUNTRY_CODES and code not in countries:
            known = ", ".join(sorted(countries)) or "none"
            report(("participants", index, "country"),
                   f"'{code}' is not one of the visit's countries ({known}); add it to "
                   "visit.host, visit.guest, visit.sides or visit.third_countries")  # fmt: skip

    for index, entry in _items(data, "agreements"):
        if entry.get("signed_by") and entry.get("status") not in SIGNING_STATUSES:
            status = entry.get("status")
            given = f"its status is {status!r}" if isinstance(status, str) else "it has no status"
            report(
                ("agreements", index, "signed_by"),
                f"names signatories, but {given}: signatories go with status signed or "
                "initialled; set the status the source gives, or leave signed_by out",
            )

    start, end = _date(_get(data, "visit", "start")), _date(_get(data, "visit", "end"))
    if start is not None and end is not None and end.latest < start.earliest:
        report(("visit", "end"), f"the visit ends ({end}) before it starts ({start})")
    return problems


def _unknown_id(ident: str, section: str, known: dict[str, Path_]) -> str:
    close = difflib.get_close_matches(ident, known, n=1, cutoff=0.6)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif known:
        hint = "known: " + ", ".join(list(known)[:6]) + (", …" if len(known) > 6 else "")
    else:
        hint = f"the record has no {section}"
    return f"'{ident}' is not the id of any entry in {section} ({hint})"


def _visit_countries(data: Any) -> set[str]:
    visit = _get(data, "visit")
    found = [_get(visit, "host"), _get(visit, "guest"), _get(visit, "place", "country")]
    for key in ("sides", "third_countries"):
        listed = _get(visit, key)
        found += listed if isinstance(listed, list) else []
    return {c["code"] for c in found if isinstance(c, dict) and isinstance(c.get("code"), str)}


def _order(problem: Problem) -> tuple[float, str]:
    return (problem.line if problem.line is not None else math.inf, problem.path)


def check_sizes(data: Any, lines: Lines, limits: Limits, path: Path_ = ()) -> list[Problem]:
    """Lists (and the glossary) longer than ``limits.max_items``, wherever they are."""
    problems: list[Problem] = []
    children: list[tuple[str | int, Any]] = []
    if isinstance(data, list):
        children = list(enumerate(data))
    elif isinstance(data, dict):
        children = list(data.items())
    if len(children) > limits.max_items and (isinstance(data, list) or path == ("glossary",)):
        problems.append(Problem(
            dotted(path) or "(record)",
            f"has {len(children):,} entries, over the limit of {limits.max_items:,} for one "
            f"list; remove some, or raise the limit with {FLAGS['max_items']}",
            line_of(path, lines),
        ))  # fmt: skip
    for key, child in children:
        if isinstance(child, list | dict):
            problems += check_sizes(child, lines, limits, (*path, key))
    return problems


def validate_record(
    data: Any,
    lines: Lines | None = None,
    limits: Limits = DEFAULT_LIMITS,
    language: TextLanguage | None = None,
) -> VisitRecord:
    """Build a :class:`VisitRecord` from plain data or raise :class:`InvalidRecordError`
    listing the problems, ordered by line (the first :data:`MAX_PROBLEMS` worded, the
    others counted); ``limits`` bounds lists and texts, and ``language`` picks the text of
    each text given in several languages (default: the record's ``document.language``)."""
    return validate_in(data, lines, limits, language)[0]


def validate_in(
    data: Any,
    lines: Lines | None = None,
    limits: Limits = DEFAULT_LIMITS,
    language: TextLanguage | None = None,
) -> tuple[VisitRecord, Fallback | None]:
    """:func:`validate_record`, and the texts that ``language``'s fallback gave (none when
    it gave none)."""
    lines = lines or {}
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {_kind_name(data)}"
        raise InvalidRecordError(
            f"a visit record must be a mapping of fields (visit, document, …); this one is {kind}"
        )
    language = language or TextLanguage(record_language(data))
    sizes = check_sizes(data, lines, limits)
    outcome, translated = _model_errors(data, limits, language)
    record, errors = (outcome, []) if isinstance(outcome, VisitRecord) else (None, outcome)
    references = check_references(data, lines)
    if sizes or errors or references or record is None:
        found: list[Problem | ErrorDetails] = [*sizes, *errors, *references]
        count = f"{len(found):,} problem{'s' if len(found) != 1 else ''}"
        raise InvalidRecordError(
            # A record with texts in several languages is read in one: say which.
            f"not a valid visit record{f' in {language.language}' if translated else ''} ({count})",
            _first(found, lines),
            more=max(len(found) - MAX_PROBLEMS, 0),
        )
    if language.fallback is None:
        return record, None
    # Read again without the fallback: the texts it would lack are those it stood in for.
    strict, _ = _model_errors(data, limits, TextLanguage(language.language))
    if isinstance(strict, VisitRecord):
        return record, None
    places = [_place(error, lines) for error in strict if error["type"] == MISSING]
    places.sort(key=lambda place: (place[1] or 0, place[0]))  # in the record's order
    return record, Fallback(language.fallback, tuple(where for where, _ in places))


def record_language(data: Any) -> str:
    """The language a record's ``document.language`` names, before it is validated
    (English when it names none)."""
    document = data.get("document") if isinstance(data, dict) else None
    language = document.get("language") if isinstance(document, dict) else None
    return language if isinstance(language, str) and TAG.match(language) else "en"


def _model_errors(
    data: dict[str, Any], limits: Limits, language: TextLanguage
) -> tuple[VisitRecord | list[ErrorDetails], bool]:
    """The record, or pydantic's errors of it; and whether it gives a text in several
    languages."""
    context = {**limits.context(), **language.context()}
    try:
        outcome: VisitRecord | list[ErrorDetails] = VisitRecord.model_validate(
            data, context=context
        )
    except ValidationError as exc:
        outcome = exc.errors(include_url=False)
    return outcome, bool(context.get(TRANSLATED))


def _first(found: list[Problem | ErrorDetails], lines: Lines) -> list[Problem]:
    """The first :data:`MAX_PROBLEMS` problems by line (in the order found on one line),
    a field error worded only if it is among them: wording an unknown field looks for a
    close name (about half a millisecond), so a record of 200,000 of them took minutes."""

    def place(item: Problem | ErrorDetails) -> tuple[float, str]:
        if isinstance(item, Problem):
            return _order(item)
        where, line = _place(item, lines)
        return (line if line is not None else math.inf, where)

    first = heapq.nsmallest(MAX_PROBLEMS, range(len(found)), key=lambda i: (place(found[i]), i))
    return [
        item if isinstance(item, Problem) else _problem(item, lines)
        for item in (found[i] for i in first)
    ]


def _kind_name(data: Any) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(
        type(data), type(data).__name__
    )
