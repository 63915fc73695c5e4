"""Each way the documents once said more than the record, as a test of its own.

A record is composed into the document model of both documents, in English and Russian, and
its text is read line by line: a header field as ``Label: value``, a paragraph as its text.
The random records and the real-readout fixtures of :mod:`test_faithful` cover the same
ground in general; these name the cases.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from memo_gen.compose.composer import Composer
from memo_gen.document import (
    Chart,
    Document,
    HeaderBlock,
    Heading,
    List,
    Paragraph,
    Table,
    plain_text,
)
from memo_gen.errors import InvalidRecordError
from memo_gen.record.model import VisitRecord
from memo_gen.record.validate import validate_record

MEMO_DATE = {"date": "2025-03-14"}


def record(**sections: Any) -> VisitRecord:
    """A record of the given sections, with the memorandum's date unless ``document`` is
    given; ``visit`` defaults to a title alone."""
    data: dict[str, Any] = {"document": MEMO_DATE, "visit": {"title": "Talks in Astana"}}
    data.update(sections)
    return validate_record(data)


def lines(document: Document) -> list[str]:
    """The document's text, a line per header field, heading, paragraph, list item or row."""
    found: list[str] = []
    for block in document.blocks:
        if isinstance(block, HeaderBlock):
            found += [f"{f.label} {plain_text(f.value)}" for f in block.fields]
        elif isinstance(block, Paragraph | Heading):
            found.append(plain_text(block.runs))
        elif isinstance(block, List):
            found += [plain_text(p.runs) for item in block.items for p in item.blocks]
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                found.append(" | ".join(plain_text(cell) for cell in row))
    return found


def both(data: VisitRecord, lang: str = "en") -> list[str]:
    """The lines of the memorandum, then of the fact sheet."""
    composer = Composer()
    return lines(composer.compose(data, "memo", lang)) + lines(
        composer.compose(data, "factsheet", lang)
    )


def text(data: VisitRecord, lang: str = "en") -> str:
    return "\n".join(both(data, lang))


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidRecordError) as caught:
        validate_record(data)
    return [str(problem) for problem in caught.value.problems]


# --- left-out fields are not claims ------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_kind_no_visit_claim(lang: str) -> None:
    found = text(record(), lang).casefold()
    for word in ("official", "visit:", "type:", "официальн", "визит:", "вид:"):
        assert word not in found


def test_a_kind_given_is_printed_and_a_visit_is_called_one() -> None:
    found = both(record(visit={"title": "X", "kind": "official"}))
    assert "Visit: X" in found and "Type: official visit" in found


def test_a_memo_without_its_date_is_refused_with_what_to_put_there() -> None:
    (problem,) = problems({"visit": {"title": "X", "start": "2025-03-13"}})
    assert problem.startswith("document.date: required: the memorandum's own date, YYYY-MM-DD")


def test_the_memo_is_dated_with_its_own_date_never_the_visits() -> None:
    data = record(visit={"title": "X", "start": {"as_published": "On Tuesday"}})
    found = both(data)
    assert "DATE: 14 March 2025" in found
    assert "Date: On Tuesday" in found  # the visit's date, as published, in the background
    assert not any(line.startswith("DATE: On") for line in found)


@pytest.mark.parametrize(("lang", "line"), [("en", "Date: not given in the source"),
                                            ("ru", "Дата: в источнике не указано")])  # fmt: skip
def test_no_date_at_all_is_said_plainly(lang: str, line: str) -> None:
    assert line in both(record(), lang)


def test_a_quote_needs_its_kind() -> None:
    data = {
        "document": MEMO_DATE,
        "visit": {"title": "X"},
        "participants": [{"id": "a", "name": "A"}],
        "quotes": [{"speaker": "a", "text": "Words."}],
    }
    assert problems(data) == ["quotes[0].kind: required field is missing"]


def test_reported_speech_is_not_put_in_quotation_marks() -> None:
    data = record(
        participants=[{"id": "a", "name": "Ali"}],
        quotes=[{"speaker": "a", "kind": "reported", "text": "Trade must grow."}],
    )
    found = text(data)
    assert "Ali (reported): Trade must grow." in found
    assert "“" not in found and "”" not in found


def test_a_text_cut_off_at_the_source_is_marked() -> None:
    data = record(
        participants=[{"id": "a", "name": "Ali"}],
        quotes=[{"speaker": "a", "kind": "direct", "text": "the talks were", "truncated": "end"}],
    )
    assert "“the talks were […]”" in text(data)


def test_no_memo_kind_is_a_plain_memorandum() -> None:
    memo = lines(Composer().compose(record(), "memo"))
    assert "MEMORANDUM" in memo and "MEMORANDUM OF CONVERSATION" not in memo


def test_no_meeting_format_no_figure_kind_no_action_status() -> None:
    data = record(
        meetings=[{"id": "m", "title": "Meeting at the ministry"}],
        figures=[{"id": "f", "label": "Trade", "value": 5, "currency": "USD"}],
        actions=[{"what": "Prepare the next round."}],
    )
    found = text(data)
    assert "Meeting at the ministry" in found and "(talks)" not in found
    for word in ("actual", "open", "talks)"):
        assert word not in found.replace("Talks in Astana", "")


# --- labels that match the record --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "heading"),
    [("signed", "Signed:"), ("initialled", "Initialled:"), ("adopted", "Adopted:"),
     ("accepted", "Accepted:"), ("announced", "Announced:"),
     ("under-negotiation", "Under negotiation:"), (None, "Status not given in the source:")],
)  # fmt: skip
def test_each_status_is_listed_under_its_own_heading(status: str | None, heading: str) -> None:
    agreement: dict[str, Any] = {"id": "d", "title": "Joint Declaration", "kind": "declaration"}
    if status:
        agreement["status"] = status
    memo = lines(Composer().compose(record(agreements=[agreement]), "memo"))
    at = memo.index(heading)
    assert memo[at + 1].startswith("Joint Declaration")
    others = {"Signed:", "Adopted:", "Accepted:", "Status not given in the source:"} - {heading}
    assert not others & set(memo)
    sheet = lines(Composer().compose(record(agreements=[agreement]), "factsheet"))
    assert f"{heading} Joint Declaration" in sheet
    assert "Agreements signed" not in sheet and "Signed during the visit:" not in memo


def test_signatories_go_only_with_a_signature() -> None:
    data = {
        "document": MEMO_DATE,
        "visit": {"title": "X"},
        "participants": [{"id": "a", "name": "A"}],
        "agreements": [{"id": "d", "title": "D", "status": "adopted", "signed_by": ["a"]}],
    }
    (problem,) = problems(data)
    assert problem.startswith(
        "agreements[0].signed_by: names signatories, but its status is 'adopted'"
    )


def test_topics_discussed_are_not_areas_of_cooperation() -> None:
    data = record(topics=[{"id": "t", "title": "The war", "areas": ["security", "regional"]}])
    found = text(data)
    assert "Topics discussed: security, regional agenda." in found
    assert "cooperation" not in found.casefold()
    data = record(cooperation=["trade", "customs"])
    assert "Areas of cooperation: trade, customs." in both(data)
    assert "Cooperation: trade, customs." in both(data)


def test_a_sidelines_meeting_is_worded_as_what_it_is() -> None:
    data = record(
        visit={
            "title": "Meeting of the ministers",
            "kind": "meeting",
            "event": "Antalya Diplomacy Forum",
            "sides": [{"name": "Azerbaijan", "code": "AZ"}, {"name": "Russia", "code": "RU"}],
        }
    )
    found = both(data)
    assert "Title: Meeting of the ministers" in found
    assert "Type: meeting" in found and "Sides: Azerbaijan, Russia" in found
    assert "Countries: Azerbaijan, Russia" in found
    assert "Event: Antalya Diplomacy Forum" in found
    joined = "\n".join(found)
    for claim in ("Visit:", "Also represented", "Host", "Guest", "hosted", "(host)"):
        assert claim not in joined


def test_more_than_one_kind_and_the_sources_own_words() -> None:
    data = record(visit={"title": "X", "kind": ["working", "first political consultations"]})
    assert "Type: working visit, first political consultations" in both(data)


def test_vague_and_misspelt_words_are_refused() -> None:
    data = {"document": MEMO_DATE, "visit": {"title": "X", "kind": ["oficial", "other"]}}
    assert [p.split(" (line")[0] for p in problems(data)] == [
        "visit.kind[0]: 'oficial' is close to the known word 'official'; use 'official', or "
        "reword it if you mean something else",
        "visit.kind[1]: 'other' tells the reader nothing: write the kind in words, or leave it out",
    ]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_other_is_never_printed_raw(lang: str) -> None:
    data = record(
        participants=[{"id": "a", "name": "Ali", "role": "other", "side": "other"}],
        meetings=[{"id": "m", "title": "Lunch", "format": "other", "participants": ["a"]}],
        initiatives=[{"id": "i", "title": "Fund", "kind": "other"}],
    )
    found = text(data, lang)
    for raw in ("other", "(other)", "иное", "иная роль", "иной формат"):
        assert raw not in found


def test_honorifics_and_officials_met_are_printed_as_given() -> None:
    data = record(
        visit={"title": "X", "host": {"name": "Sri Lanka", "code": "LK"}},
        participants=[
            {"id": "a", "name": "Zalmai Rassoul", "honorific": "His Excellency Dr.",
             "post_nominals": "PhD", "role": "principal", "country": "LK"},
            {"id": "p", "name": "Mahinda Rajapaksa", "title": "President", "country": "LK",
             "role": "interlocutor"},
        ],
    )  # fmt: skip
    found = both(data)
    assert "His Excellency Dr. Zalmai Rassoul PhD" in found
    assert "Mahinda Rajapaksa, President (met by the delegation)" in found
    assert "Also met: Mahinda Rajapaksa, President" in found
    assert not any(line.startswith("Principals:") and "Rajapaksa" in line for line in found)


# --- values that keep their meaning -------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "en", "ru"),
    [
        ({"value": 48.1, "unit": "%", "kind": "change"}, "+48.1%", "+48,1\u00a0%"),
        ({"value": -5.3, "unit": "%", "kind": "change"}, "-5.3%", "-5,3\u00a0%"),
        ({"value": 40, "unit": "memorandums", "qualifier": "more-than"},
         "more than 40 memorandums", "более 40 memorandums"),
        ({"value": 2.7, "scale": "million", "unit": "t", "approximate": True},
         "about 2.7 million t", "около 2,7 млн t"),
        ({"value": 1.5, "currency": "USD", "scale": "billion", "period": "January–April 2025",
          "months": 4}, "1.5 billion USD", "1,5 млрд USD"),
    ],
)  # fmt: skip
def test_signs_bounds_and_periods_are_kept(figure: dict[str, Any], en: str, ru: str) -> None:
    data = record(figures=[{"id": "f", "label": "Trade", **figure}])
    for lang, amount in (("en", en), ("ru", ru)):
        sheet = lines(Composer().compose(data, "factsheet", lang))
        row = next(line for line in sheet if line.startswith("Trade |"))
        assert row.split(" | ")[1] == amount
    if "period" in figure:
        assert "January–April 2025" in text(data)


def test_unlike_figures_get_no_chart() -> None:
    usd = {"currency": "USD", "scale": "billion", "period": "2024"}
    data = record(
        figures=[
            {"id": "t", "label": "Trade turnover", "value": 6, **usd},
            {"id": "e", "label": "Exports", "value": 4, **usd},
            {"id": "i", "label": "Imports", "value": 2, **usd},
            {"id": "p", "label": "Exports", "value": 1.5, "currency": "USD", "scale": "billion",
             "period": "January–April 2025", "months": 4},
        ]
    )  # fmt: skip
    sheet = Composer().compose(data, "factsheet")
    assert not any(isinstance(block, Chart) for block in sheet.blocks)


@pytest.mark.parametrize(
    ("lang", "pattern"),
    [("en", r"2025\.\s+Figures: Kazakh MFA\.$"), ("ru", r"2025 г\.\s+Показатели: Kazakh MFA\.$")],
)
def test_the_source_line_ends_its_sentence_before_the_figures_source(
    lang: str, pattern: str
) -> None:
    from memo_gen.record.loader import load_record

    sheet = lines(Composer().compose(load_record(), "factsheet", lang))
    (source,) = [line for line in sheet if re.search(pattern, line)]
    assert source.startswith(("Source:", "Источник:"))
