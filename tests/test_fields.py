"""Unit tests of the scalar types, the text rule and the error types."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic_core import PydanticCustomError

from memo_gen.errors import (
    InputError,
    InvalidRecordError,
    MemoGenError,
    OutputError,
    Problem,
    TemplateError,
)
from memo_gen.record.fields import PartialDate, clean_text
from memo_gen.record.loader import parse_record
from memo_gen.record.readers import dotted


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("2025-03", dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
        ("2025-12", dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2025-02", dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        ("2025-03-13", dt.date(2025, 3, 13), dt.date(2025, 3, 13)),
        ("9999-12", dt.date(9999, 12, 1), dt.date(9999, 12, 31)),
    ],
)
def test_partial_date_range(text: str, earliest: dt.date, latest: dt.date) -> None:
    date = PartialDate.parse(text)
    assert (date.earliest, date.latest) == (earliest, latest)
    assert str(date) == text
    assert date.is_complete == (len(text) == 10)


def test_visit_ending_in_the_last_month_of_9999() -> None:
    record = parse_record(
        "visit: {title: x, start: 2025, end: 9999-12}\ndocument: {date: 2025-03-14}", "yaml"
    )
    assert record.visit.end == PartialDate(9999, 12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-30", "'2025-02-30' is not a real date"),
        ("2025-00", "'2025-00' is not a real date"),
        ("2025-03-00", "'2025-03-00' is not a real date"),
        ("0000", "'0000' is not a real date"),
        ("2025-3", "'2025-3' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("20250313", "'20250313' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("", "'' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    ],
)
def test_partial_date_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        PartialDate.parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  a  ", "a"),
        ("a\r\nb\rc\x0bd\x0ce\u2028f\u2029g", "a\nb\nc\nd\ne\nf\ng"),
        ("s\u0327", "ş"),
        ("I\u0307", "İ"),
        ("\u0418\u0306", "Й"),
        ("a\tb", "a\tb"),
        ("\n\n text \n", "text"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "code", "position"),
    [
        ("ab\x07", "0007", 3),
        ("\x00", "0000", 1),
        ("a\x7f", "007F", 2),
        ("x\x9fy", "009F", 2),
        # at the edges too, where str.strip() would otherwise drop them silently
        ("\x1cname", "001C", 1),
        ("name\x85", "0085", 5),
        (" \x1f", "001F", 2),
    ],
)
def test_clean_text_refuses_control_characters(raw: str, code: str, position: int) -> None:
    with pytest.raises(PydanticCustomError) as caught:
        clean_text(raw)
    assert str(caught.value) == (
        f"contains the control character U+{code} at position {position}; remove it"
    )


def test_problem_str() -> None:
    assert str(Problem("visit.title", "must not be empty", 3)) == (
        "visit.title: must not be empty (line 3)"
    )
    assert str(Problem("visit", "required field is missing")) == (
        "visit: required field is missing"
    )
    assert str(Problem("", "a mapping key must be plain text", 1)) == (
        "a mapping key must be plain text (line 1)"
    )


def test_dotted_paths() -> None:
    assert dotted(("participants", 0, "name")) == "participants[0].name"
    assert dotted(("meetings", 1, "participants", 2)) == "meetings[1].participants[2]"
    assert dotted(()) == ""


def test_exit_codes_are_as_documented() -> None:
    codes = {
        cls: cls.exit_code
        for cls in (MemoGenError, InputError, InvalidRecordError, TemplateError, OutputError)
    }
    assert codes == {
        MemoGenError: 1,
        InputError: 3,
        InvalidRecordError: 4,
        TemplateError: 5,
        OutputError: 6,
    }
    error = InputError("m", [Problem("a", "b", 1)])
    assert (error.message, error.problems, str(error)) == ("m", (Problem("a", "b", 1),), "m")
