"""The records memo-gen ships: the embedded sample, the short readout and the starter template.

The sample's completeness test checks that the record holds what the Kazakh MFA's press
release of 13 March 2025 says, so that a document rendered from it cannot silently lose a
figure, a quotation or a participant.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from memo_gen.record.fields import PartialDate
from memo_gen.record.loader import load_record, parse_record
from memo_gen.record.model import Figure, VisitRecord
from memo_gen.record.readers import read_json, read_yaml
from memo_gen.resources import (
    STARTER_RECORD,
    data_dir,
    sample_record_path,
    schema_path,
    templates_dir,
)

KAZAKH_LETTERS = set("ӘәҒғҚқҢңӨөҰұҮүҺһІі")
EN_DASH = "\u2013"


@pytest.fixture(scope="module")
def sample() -> VisitRecord:
    return load_record()


def _texts(record: VisitRecord) -> Iterator[str]:
    """Every string of a record, however deep."""

    def walk(value: object) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(key)
                yield from walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                yield from walk(item)

    yield from walk(record.model_dump(mode="json"))


def test_sample_is_the_embedded_default(sample: VisitRecord) -> None:
    assert sample_record_path().name == "astana-2025-03-13.yaml"
    assert sample == load_record(sample_record_path())
    assert sample.visit.start == PartialDate(2025, 3, 13)
    assert sample.visit.host is not None and sample.visit.host.code == "KZ"
    assert sample.visit.guest is not None and sample.visit.guest.code == "AZ"


def test_every_string_of_the_sample_satisfies_the_text_rule(sample: VisitRecord) -> None:
    for text in _texts(sample):
        assert unicodedata.is_normalized("NFC", text), text
        assert text == text.strip() and text, text


# --- completeness against the press release --------------------------------------------------


def test_sample_quotes(sample: VisitRecord) -> None:
    quotes = {quote.id: quote for quote in sample.quotes}
    trust = quotes["nurtleu-trust"]
    assert trust.speaker == "nurtleu" and trust.kind == "direct"
    assert (
        "Kazakhstan and Azerbaijan demonstrate a high level of mutual understanding and trust"
        in trust.text
    )
    assert "especially in trade, economic and investment spheres" in trust.text
    partner = quotes["bayramov-partner"]
    assert partner.speaker == "bayramov" and partner.kind == "direct"
    assert "We consider Kazakhstan as a key partner in Central Asia." in partner.text
    assert "including transportation, investment, energy and education" in partner.text
    reported = quotes["nurtleu-relations"]
    assert reported.kind == "reported"
    assert "qualitatively new level of interaction" in reported.text


def _figure(sample: VisitRecord, ident: str) -> Figure:
    (figure,) = [f for f in sample.figures if f.id == ident]
    return figure


def test_sample_figures(sample: VisitRecord) -> None:
    trade = _figure(sample, "trade-2024")
    assert (trade.value, trade.scale, trade.currency, trade.period, trade.kind) == (
        533.4,
        "million",
        "USD",
        "2024",
        "actual",
    )
    growth = _figure(sample, "trade-growth")
    assert (growth.multiplier, growth.kind, growth.change_of) == (5, "change", "trade-2024")
    assert growth.basis is not None and "fivefold" in growth.basis
    target = _figure(sample, "trade-target")
    assert (target.value, target.scale, target.currency, target.kind) == (
        1,
        "billion",
        "USD",
        "target",
    )
    btc = _figure(sample, "btc-2024")
    assert (btc.value, btc.scale, btc.unit, btc.period, btc.kind) == (
        1.4,
        "million",
        "t",
        "2024",
        "actual",
    )
    forecast = _figure(sample, "btc-medium-term")
    assert (forecast.value, forecast.scale, forecast.unit, forecast.per, forecast.kind) == (
        2.2,
        "million",
        "t",
        "year",
        "forecast",
    )
    universities = _figure(sample, "kz-universities")
    assert (universities.value, universities.unit) == (23, "universities")
    memorandums = _figure(sample, "university-memorandums")
    assert (memorandums.value, memorandums.unit) == (40, "memorandums")
    assert len(sample.figures) == 7
    (batch,) = [a for a in sample.agreements if a.id == "inter-university-memorandums"]
    assert batch.count == 40


def test_sample_figures_are_cited_by_topics(sample: VisitRecord) -> None:
    cited = {ident for topic in sample.topics for ident in topic.figures}
    assert cited == {f.id for f in sample.figures}


def test_sample_agreements_and_initiatives(sample: VisitRecord) -> None:
    agreements = {a.id: a for a in sample.agreements}
    plan = agreements["plan-2025-2026"]
    assert plan.title == f"Plan of Inter-Ministerial Cooperation for 2025{EN_DASH}2026"
    assert (plan.kind, plan.status, plan.background) == ("plan", "signed", False)
    treaty = agreements["treaty-2005"]
    assert treaty.title is not None and "Strategic Partnership and Allied Relations" in treaty.title
    assert treaty.date == PartialDate(2005, 5, 24)
    assert treaty.background is True
    occasion = sample.visit.occasion
    assert occasion is not None
    assert (occasion.anniversary, occasion.agreement) == (20, "treaty-2005")
    assert occasion.date == PartialDate(2005, 5, 24)
    initiatives = {i.id: i for i in sample.initiatives}
    fund = initiatives["investment-fund"]
    assert fund.kind == "fund"
    assert fund.title == "Kazakh-Azerbaijani Investment Fund for Direct Investments"
    assert fund.date == PartialDate(2024)


def test_sample_frameworks(sample: VisitRecord) -> None:
    acronyms = [f.acronym or f.name for f in sample.frameworks]
    assert acronyms == ["UN", "OTS", "CICA", "CIS", "OIC", "Caspian Summit"]
    names = {f.acronym: f.name for f in sample.frameworks}
    assert names["OTS"] == "Organization of Turkic States"


def test_sample_participants(sample: VisitRecord) -> None:
    people = {p.id: p for p in sample.participants}
    nurtleu, bayramov, tokayev = people["nurtleu"], people["bayramov"], people["tokayev"]
    assert (nurtleu.name, nurtleu.country, nurtleu.side) == ("Murat Nurtleu", "KZ", "host")
    assert (bayramov.name, bayramov.country, bayramov.side) == ("Jeyhun Bayramov", "AZ", "guest")
    assert (tokayev.name, tokayev.country) == ("Kassym-Jomart Tokayev", "KZ")
    assert nurtleu.native_name == "Мұрат Нұртілеу"
    assert tokayev.native_name == "Қасым-Жомарт Тоқаев"
    for person in (nurtleu, tokayev):
        assert person.native_name is not None
        assert KAZAKH_LETTERS & set(person.native_name), person.native_name
    # The Azerbaijani spelling: "C" is the Azerbaijani letter for the sound English writes "J".
    assert bayramov.native_name == "Ceyhun Bayramov"
    assert bayramov.title == "Minister of Foreign Affairs of the Republic of Azerbaijan"
    assert {"nurtleu", "bayramov"} <= set(sample.meetings[0].participants)
    assert set(sample.meetings[1].participants) == {"tokayev", "bayramov"}


def test_sample_text_mentions_the_release_wording(sample: VisitRecord) -> None:
    text = "\n".join(_texts(sample))
    for phrase in (
        "533.4",
        "fivefold",
        "1 billion",
        "1.4 million tons",
        "2.2 million tons per year",
        "23 universities",
        "40 memorandums",
        f"Baku{EN_DASH}Tbilisi{EN_DASH}Ceyhan",
        "Caspian Summit",
    ):
        assert phrase in text, phrase


# --- the other shipped records ---------------------------------------------------------------


def test_short_readout_loads() -> None:
    record = load_record(data_dir() / "short-readout.yaml")
    assert record.visit.kind == ("consultations",)
    assert [p.name for p in record.participants] == [None, None]
    assert [p.title for p in record.participants] == [
        "Deputy Minister of Foreign Affairs",
        "Ambassador of the Republic of Azerbaijan",
    ]
    assert record.figures == ()


def test_starter_template_validates() -> None:
    text = (templates_dir() / STARTER_RECORD).read_text(encoding="utf-8")
    assert "{schema_uri}" in text
    record = parse_record(text.replace("{schema_uri}", schema_path().as_uri()), "yaml")
    assert record.visit.title == "Official visit of the Minister of Foreign Affairs"
    assert record.participants[0].id == "host-minister"


def test_starter_template_commented_examples_validate() -> None:
    """The commented-out sections of the starter record are valid once uncommented."""
    lines = (templates_dir() / STARTER_RECORD).read_text(encoding="utf-8").splitlines()
    start = lines.index("# quotes:")
    uncommented = "\n".join(lines[:start] + [line.removeprefix("# ") for line in lines[start:]])
    record = parse_record(uncommented, "yaml")
    assert record.quotes[0].speaker == "host-minister"
    assert record.figures[0].value == 100
    assert record.agreements[0].kind == "plan"
    assert record.frameworks[0].acronym == "UN"


def test_shipped_data_is_where_resources_say(repo: Path) -> None:
    assert data_dir() == repo / "data"
    assert templates_dir() == repo / "templates"
    assert schema_path().is_file()


# --- the shipped JSON Schema describes what the loader reads ---------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "data/astana-2025-03-13.yaml",
        "data/short-readout.yaml",
        *sorted(
            f"tests/fixtures/records/valid/{path.name}"
            for path in (Path(__file__).parent / "fixtures" / "records" / "valid").iterdir()
        ),
    ],
)
def test_shipped_records_follow_the_json_schema(repo: Path, name: str) -> None:
    text = (repo / name).read_text(encoding="utf-8")
    data, _ = read_json(text) if name.endswith(".json") else read_yaml(text)
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft202012Validator(schema).iter_errors(data)
    ]
    assert errors == []
