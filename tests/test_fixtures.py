"""Table-driven tests of the record fixtures in ``tests/fixtures/records``.

Every file in ``invalid/`` has an entry in :data:`INVALID` giving the exception it raises and
the exact problems, as ``str(Problem)``: field path, message and line. Every file in ``valid/``
loads, and the tests below check the values it loads to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from memo_gen.errors import InputError, InvalidRecordError, MemoGenError
from memo_gen.record.fields import PartialDate
from memo_gen.record.loader import load_record
from memo_gen.record.model import RelativeDate, VisitRecord
from memo_gen.record.validate import MEMO_DATE_MESSAGE


def memo_date(line: int) -> str:
    """The problem of a record without the memorandum's date."""
    return f"document.date: {MEMO_DATE_MESSAGE} (line {line})"


EXIT_CODES: dict[type[MemoGenError], int] = {InputError: 3, InvalidRecordError: 4}


@dataclass(frozen=True)
class Expected:
    """What loading an invalid fixture raises: the class, its message (after the file name)
    and every problem in order."""

    error: type[MemoGenError]
    message: str
    problems: list[str]


INVALID: dict[str, Expected] = {
    "array.json": Expected(
        InvalidRecordError,
        "a visit record must be a mapping of fields (visit, document, …); this one is a list",
        [],
    ),
    "bad-codes.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (8 problems)",
        [
            memo_date(1),
            "document.language: must be a language tag such as en, ru, kk or az (line 2)",
            "visit.host.code: 'kz' is not an ISO 3166-1 alpha-2 country code (line 6)",
            "visit.guest.code: 'AZE' is not an ISO 3166-1 alpha-2 country code (line 7)",
            (
                "visit.third_countries[0].code: 'XX' is not an ISO 3166-1 alpha-2 country code "
                "(line 9)"
            ),
            (
                "visit.source.url: must be a link starting with http://, https:// or mailto:, with "
                "no spaces (line 11)"
            ),
            "figures[0].currency: 'usd' is not an ISO 4217 currency code (line 16)",
            "figures[1].currency: 'ABC' is not an ISO 4217 currency code (line 20)",
        ],
    ),
    "bad-date-forms.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (7 problems)",
        [
            "document.date: must be a complete date (YYYY-MM-DD) (line 2)",
            "visit.start: '2025-3-13' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) (line 5)",
            "visit.end: '13.03.2025' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) (line 6)",
            (
                "meetings[0].date: '2025-03-13T10:00' is not an ISO date (YYYY, YYYY-MM or "
                "YYYY-MM-DD) (line 10)"
            ),
            (
                "meetings[1].date: '25-03-13' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) "
                "(line 13)"
            ),
            "agreements[0].date: must be an ISO date such as 2025-03-13, 2025-03 or 2025 (line 17)",
            "agreements[1].date.offset_days: must be a whole number (line 22)",
        ],
    ),
    "boolean-for-number.json": Expected(
        InvalidRecordError,
        "not a valid visit record (3 problems)",
        [
            "figures[0].approximate: must be true or false (line 4)",
            "figures[0].value: must be a number (line 4)",
            "participants[0].group: must be true or false (line 7)",
        ],
    ),
    "boolean-for-number.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (5 problems)",
        [
            "visit.occasion.anniversary: must be a whole number (line 6)",
            "figures[0].value: must be a number (line 10)",
            "figures[1].multiplier: must be a number (line 14)",
            "figures[2].value: must be a number (line 17)",
            "agreements[0].count: must be a whole number (line 21)",
        ],
    ),
    "control-character.json": Expected(
        InvalidRecordError,
        "not a valid visit record (3 problems)",
        [
            "visit.title: contains the control character U+0007 at position 9; remove it (line 2)",
            "summary[0]: contains the control character U+0000 at position 8; remove it (line 3)",
            "summary[1]: contains the control character U+D800 at position 18; remove it (line 3)",
        ],
    ),
    "control-character.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (4 problems)",
        [
            "visit.title: contains the control character U+0007 at position 15; remove it (line 2)",
            "summary[0]: contains the control character U+001B at position 8; remove it (line 5)",
            "summary[1]: contains the control character U+007F at position 20; remove it (line 6)",
            "summary[2]: contains the control character U+0085 at position 14; remove it (line 7)",
        ],
    ),
    "duplicate-ids.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (2 problems)",
        [
            (
                "participants[1].id: duplicate id 'nurtleu' (already used at participants[0].id) "
                "(line 7)"
            ),
            "topics[0].id: duplicate id 'talks' (already used at meetings[0].id) (line 13)",
        ],
    ),
    "duplicate-keys.json": Expected(
        InputError,
        "the JSON cannot be read as a record",
        [
            "visit: duplicate key 'visit' (first given on line 2) (line 6)",
        ],
    ),
    "duplicate-keys.yaml": Expected(
        InputError,
        "the YAML cannot be read as a record",
        [
            "visit.title: duplicate key 'title' (first given on line 2) (line 4)",
            "participants[0].id: duplicate key 'id' (first given on line 6) (line 8)",
        ],
    ),
    "empty-string.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (6 problems)",
        [
            "visit.title: must not be empty (line 2)",
            "summary[0]: must not be empty (line 5)",
            "summary[1]: must not be empty (line 6)",
            (
                "participants[0].id: must be an id: up to 64 letters, digits, '_', '.' or '-', "
                "e.g. 'nurtleu' (line 8)"
            ),
            "glossary: key '': must not be empty (line 11)",
            "glossary.MFA: must not be empty (line 12)",
        ],
    ),
    "end-before-start-partial.json": Expected(
        InvalidRecordError,
        "not a valid visit record (1 problem)",
        [
            "visit.end: the visit ends (2024) before it starts (2025-03) (line 5)",
        ],
    ),
    "end-before-start.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (1 problem)",
        [
            "visit.end: the visit ends (2025-03-12) before it starts (2025-03-13) (line 4)",
        ],
    ),
    "incomplete.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (8 problems)",
        [
            memo_date(3),
            "visit.title: required field is missing (line 5)",
            "visit.place: give at least one of: venue, city, country (line 7)",
            "participants[0].id: required field is missing (line 9)",
            "participants[1]: give at least one of: name, title (line 10)",
            (
                "participants[1].country: 'KZ' is not one of the visit's countries (none); add it "
                "to visit.host, visit.guest, visit.sides or visit.third_countries (line 11)"
            ),
            "figures[0].label: required field is missing (line 13)",
            "agreements[0]: give at least one of: title, field (line 16)",
        ],
    ),
    "line-break-in-line.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (4 problems)",
        [
            "visit.title: must be a single line (it holds a line break) (line 2)",
            "participants[0].name: must be a single line (it holds a line break) (line 8)",
            "participants[1].title: must be a single line (it holds a line break) (line 10)",
            "participants[2].name: must be a single line (it holds a line break) (line 12)",
        ],
    ),
    "merge-key.yaml": Expected(
        InputError,
        "the YAML cannot be read as a record",
        [
            "meetings[0]: YAML merge keys (<<) are not supported; write the fields out (line 7)",
        ],
    ),
    "multi-document.yaml": Expected(
        InputError,
        (
            "not well-formed YAML: expected a single document in the stream, but found another "
            "document (line 4, column 1)"
        ),
        [],
    ),
    "nan.json": Expected(
        InputError,
        "not well-formed JSON: expected a value (line 4, column 48)",
        [],
    ),
    "no-visit.json": Expected(
        InvalidRecordError,
        "not a valid visit record (2 problems)",
        [
            "visit: required field is missing (line 1)",
            memo_date(2),
        ],
    ),
    "non-finite.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (4 problems)",
        [
            "figures[0].value: must be a finite number, not inf (line 7)",
            "figures[1].value: must be a finite number, not -inf (line 10)",
            "figures[2].value: must be a finite number, not nan (line 13)",
            "figures[3].multiplier: must be a finite number, not nan (line 17)",
        ],
    ),
    "not-well-formed.json": Expected(
        InputError,
        "not well-formed JSON: expected a key in double quotes (line 2, column 62)",
        [],
    ),
    "not-well-formed.yaml": Expected(
        InputError,
        (
            "not well-formed YAML: while parsing a flow sequence, did not find expected ',' or "
            "']' (line 4, column 13)"
        ),
        [],
    ),
    "participant-country.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (1 problem)",
        [
            (
                "participants[1].country: 'TR' is not one of the visit's countries (AZ, KZ); add "
                "it to visit.host, visit.guest, visit.sides or visit.third_countries (line 12)"
            ),
        ],
    ),
    "python-tag.yaml": Expected(
        InputError,
        "the YAML cannot be read as a record",
        [
            (
                "visit.title: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is "
                "not allowed; records hold only plain text, numbers, lists and mappings (line 2)"
            ),
            (
                "summary: the YAML tag 'tag:yaml.org,2002:python/object/new:builtins.list' is "
                "not allowed; records hold only plain text, numbers, lists and mappings (line 4)"
            ),
            (
                "document: the YAML tag '!custom' is not allowed; records hold only plain text, "
                "numbers, lists and mappings (line 5)"
            ),
        ],
    ),
    "scalar.yaml": Expected(
        InvalidRecordError,
        "a visit record must be a mapping of fields (visit, document, …); this one is a text",
        [],
    ),
    "unknown-field.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (4 problems)",
        [
            "visit.titel: unknown field (did you mean 'title'?) (line 3)",
            "particpants: unknown field (did you mean 'participants'?) (line 5)",
            "colour: unknown field; remove it or check its spelling (line 8)",
            "figures[0].valeu: unknown field (did you mean 'value'?) (line 12)",
        ],
    ),
    "unknown-references.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (10 problems)",
        [
            (
                "visit.occasion.agreement: 'treaty-2004' is not the id of any entry in agreements "
                "(did you mean 'treaty-2005'?) (line 7)"
            ),
            (
                "meetings[0].participants[1]: 'bairamov' is not the id of any entry in "
                "participants (did you mean 'bayramov'?) (line 16)"
            ),
            (
                "meetings[0].participants[2]: 'tokayev' is not the id of any entry in participants "
                "(known: nurtleu, bayramov) (line 16)"
            ),
            (
                "topics[0].meeting: 'audience' is not the id of any entry in meetings (known: "
                "talks) (line 20)"
            ),
            (
                "topics[0].figures[0]: 'trade-2024' is not the id of any entry in figures (the "
                "record has no figures) (line 21)"
            ),
            "quotes[0].kind: required field is missing (line 23)",
            (
                "quotes[0].speaker: must be an id: up to 64 letters, digits, '_', '.' or '-', e.g. "
                "'nurtleu' (line 23)"
            ),
            (
                "quotes[0].speaker: 'nurtlеu' is not the id of any entry in participants (did you "
                "mean 'nurtleu'?) (line 23)"
            ),
            (
                "agreements[0].signed_by: names signatories, but it has no status: signatories go "
                "with status signed or initialled; set the status the source gives, or leave "
                "signed_by out (line 28)"
            ),
            (
                "agreements[0].signed_by[0]: 'tokayev' is not the id of any entry in participants "
                "(known: nurtleu, bayramov) (line 28)"
            ),
        ],
    ),
    "unreal-date.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (6 problems)",
        [
            "document.date: '2023-02-29' is not a real date (line 2)",
            "visit.start: '2025-02-30' is not a real date (line 5)",
            "visit.end: '2025-13' is not a real date (line 6)",
            "agreements[0].date: '2025-04-31' is not a real date (line 10)",
            "meetings[0].date: '2025-00' is not a real date (line 14)",
            "meetings[1].date: '2025-03-00' is not a real date (line 17)",
        ],
    ),
    "wrong-enum.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (7 problems)",
        [
            memo_date(1),
            (
                "document.kind: must be one of 'memorandum', 'memorandum-of-conversation' or "
                "'information-memorandum' (got 'memo') (line 2)"
            ),
            (
                "participants[0].role: must be one of 'principal', 'delegation-member', "
                "'interlocutor', 'interpreter', 'note-taker' or 'other' (got 'chief') (line 10)"
            ),
            (
                "participants[0].side: must be one of 'host', 'guest', 'third-party' or 'other' "
                "(got 'home') (line 11)"
            ),
            (
                "meetings[0].format: must be one of 'talks', 'consultations', 'audience', "
                "'reception', 'signing', 'press-conference', 'call', 'telephone-call', "
                "'video-call' or 'other' (got 'dinner') (line 15)"
            ),
            (
                "figures[0].scale: must be one of 'thousand', 'million', 'billion' or 'trillion' "
                "(got 'millions') (line 24)"
            ),
            (
                "figures[0].kind: must be one of 'actual', 'target', 'forecast' or 'change' (got "
                "'estimate') (line 25)"
            ),
        ],
    ),
    "wrong-types.yaml": Expected(
        InvalidRecordError,
        "not a valid visit record (9 problems)",
        [
            "visit.title: must be text (quote it if it is a number) (line 2)",
            "visit.place: must be a mapping of fields (line 4)",
            "summary: must be a list (line 5)",
            "participants: must be a list (line 6)",
            "meetings[0].title: must be text (quote it if it is a number) (line 11)",
            "meetings[0].time: must be text (line 12)",
            "meetings[1].time: must be a time of day as HH:MM, e.g. 09:30 (line 15)",
            (
                "meetings[2].id: must be an id: up to 64 letters, digits, '_', '.' or '-', e.g. "
                "'nurtleu' (line 16)"
            ),
            "glossary: must be a mapping of keys to values (line 18)",
        ],
    ),
}

INVALID_DIR = Path(__file__).resolve().parent / "fixtures" / "records" / "invalid"
VALID_DIR = Path(__file__).resolve().parent / "fixtures" / "records" / "valid"


def test_every_invalid_fixture_has_an_expectation() -> None:
    files = {path.name for path in INVALID_DIR.iterdir()}
    assert files == set(INVALID), "add or remove the fixture's entry in INVALID"
    assert {name.rsplit(".", 1)[1] for name in files} == {"yaml", "json"}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_fixture(name: str) -> None:
    expected = INVALID[name]
    path = INVALID_DIR / name
    with pytest.raises(MemoGenError) as caught:
        load_record(path)
    error = caught.value
    assert type(error) is expected.error
    assert error.exit_code == EXIT_CODES[expected.error]
    assert error.message == f"{path}: {expected.message}"
    assert [str(problem) for problem in error.problems] == expected.problems
    assert "\n" not in error.message
    assert all("\n" not in str(problem) for problem in error.problems)


def test_invalid_problems_have_paths_and_lines() -> None:
    error = _error("unknown-references.yaml")
    first = error.problems[0]
    assert (first.path, first.line) == ("visit.occasion.agreement", 7)
    assert first.message.startswith("'treaty-2004' is not the id of any entry in agreements")


def _error(name: str) -> MemoGenError:
    with pytest.raises(MemoGenError) as caught:
        load_record(INVALID_DIR / name)
    return caught.value


# --- valid fixtures ----------------------------------------------------------------------


def _load(name: str) -> VisitRecord:
    return load_record(VALID_DIR / name)


@pytest.mark.parametrize("name", sorted(p.name for p in VALID_DIR.iterdir()))
def test_valid_fixture_loads(name: str) -> None:
    record = _load(name)
    assert record.visit.title


def test_valid_fixtures_include_json() -> None:
    assert {p.suffix for p in VALID_DIR.iterdir()} == {".yaml", ".json"}


def test_text_rule_yaml_maps_line_breaks_and_applies_nfc() -> None:
    record = _load("text-rule.yaml")
    assert record.visit.title == "Visit of the Minister of Foreign Affairs of Azerbaijan"
    assert record.summary == (
        "First line\nsecond line\nthird line\nfourth line",
        "Ceyhun Bayramov met the minister in Bakı and Astana: ş, é, Й.",
        "Paragraph one.\nParagraph two.\nParagraph three.\nEnd.",
    )
    nurtleu, bayramov = record.participants
    assert nurtleu.native_name == "Мұрат Нұртілеу"
    assert bayramov.name == "Jeyhun Bayramov"
    assert bayramov.title == "Xarici İşlər Naziri"
    assert bayramov.title is not None
    assert "\u0130" in bayramov.title  # one code point, not I + combining dot above
    assert "\u0307" not in bayramov.title


def test_text_rule_json_maps_line_breaks_and_applies_nfc() -> None:
    record = _load("text-rule.json")
    assert record.visit.title == "Talks in Astana"
    assert record.summary == ("Line one\nline two\nline three", "Gül and şəhər")
    assert len(record.summary[1]) == len("Gül and şəhər") == 13
    assert record.participants[0].native_name == "Мұрат Нұртілеу"


def test_yaml_1_2_scalars_stay_text() -> None:
    record = _load("yaml-1-2-scalars.yaml")
    assert record.visit.host is not None
    assert record.visit.host.code == "NO"
    assert record.visit.place is not None and record.visit.place.country is not None
    assert record.visit.place.country.code == "NO"
    assert [p.id for p in record.participants] == ["no-host", "yes"]
    assert record.participants[0].country == "NO"
    assert record.meetings[0].time == "10:30"
    assert record.initiatives[0].id == "on"
    assert record.initiatives[0].title == "Off"
    assert record.glossary == {"NO": "Norway", "off": "on"}
    figure = record.figures[0]
    assert (figure.id, figure.label, figure.unit, figure.value) == ("nan", "NaN", "inf", 1500.0)


def test_integer_year_is_a_partial_date() -> None:
    record = _load("yaml-1-2-scalars.yaml")
    assert record.visit.start == PartialDate(2025)
    assert record.initiatives[0].date == PartialDate(2019)
    assert _load("minimal.json").visit.start == PartialDate(2025)


def test_partial_date_forms() -> None:
    record = _load("partial-dates.yaml")
    assert record.visit.start == PartialDate(2025, 3, 13)
    assert record.visit.end == PartialDate(2025, 3)
    dates = {agreement.id: agreement.date for agreement in record.agreements}
    assert dates == {
        "by-day": PartialDate(2005, 5, 24),
        "by-month": PartialDate(2025, 3),
        "by-year-text": PartialDate(2024),
        "by-year-int": PartialDate(2024),
        "in-words": RelativeDate(as_published="last year", approximately=PartialDate(2024)),
    }
    assert str(dates["by-month"]) == "2025-03"


def test_irregular_readout() -> None:
    record = _load("irregular-readout.yaml")
    visit = record.visit
    assert visit.start == RelativeDate(as_published="yesterday", offset_days=-1)
    assert visit.end == PartialDate(2024, 10)
    assert visit.host is None and visit.guest is None
    assert visit.event == "CICA Ministerial Council"
    assert [c.code for c in visit.third_countries] == ["KZ", "AZ", "TR"]
    assert visit.source is not None
    assert visit.source.release_number == "No. 412/24"
    assert len(visit.source.notes) == 2
    assert visit.occasion is not None and visit.occasion.agreement == "treaty-1994"

    people = {p.id: p for p in record.participants}
    assert people["kz-minister"].name is None
    assert people["kz-minister"].title == "Minister of Foreign Affairs of Kazakhstan"
    assert people["tr-delegation"].group is True
    assert people["president"].present is False
    assert people["chamber"].country is None and people["chamber"].organisation

    meeting = record.meetings[0]
    assert meeting.date == RelativeDate(
        as_published="yesterday", offset_days=-1, approximately=PartialDate(2024, 10, 1)
    )
    assert record.topics[0].areas == ("transport", "transit", "trade", "regional")

    cargo, growth = record.figures
    assert cargo.approximate is True and cargo.value == 2.7 and cargo.kind is None
    assert growth.value is None and growth.multiplier == 2.5
    assert (growth.kind, growth.change_of, growth.base_period) == ("change", "cargo-2023", "2022")

    assert [q.kind for q in record.quotes] == ["reported", "reported"]
    assert record.quotes[0].id is None

    energy, treaty = record.agreements
    assert energy.title is None and energy.field == "energy and customs"
    assert energy.signed_by == () and len(energy.institutions) == 2
    assert treaty.background is True and treaty.kind == "treaty"
    assert record.initiatives[0].date == RelativeDate(
        as_published="over the past two years", approximately=PartialDate(2023)
    )
    assert record.actions[0].due == RelativeDate(as_published="in the coming months")
