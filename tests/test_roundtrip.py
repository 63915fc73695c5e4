"""Property tests: a valid record dumped as YAML or JSON loads back equal to itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from memo_gen.errors import InvalidRecordError
from memo_gen.record.fields import clean_text
from memo_gen.record.loader import parse_record
from memo_gen.record.model import VisitRecord
from memo_gen.record.readers import _plain_scalar
from strategies import is_clean_text, lines, satisfies_text_rule, texts, visit_records

_YAML_1_1 = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


def dump(record: VisitRecord) -> dict[str, Any]:
    return record.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def strings(data: Any) -> Iterator[str]:
    """Every string value in plain data (mapping keys are always read as text)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from strings(item)


def written_plain_but_read_as_a_number(text: str) -> bool:
    """True for text PyYAML's dumper (YAML 1.1) writes unquoted but memo-gen's reader (YAML
    1.2 core schema) types as a number: ``09``, ``1e5``, ``0o17``, ``+.5``, ``-.nan``, and a
    partial date before the year 1000 such as ``0009``. See
    :func:`test_pyyaml_dump_of_yaml_1_2_numbers_reads_back_differently`."""
    tag = _YAML_1_1.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag == _STR and not isinstance(_plain_scalar(text), str)


# --- the strategies themselves ---------------------------------------------------------------


@given(lines())
def test_line_strategy_satisfies_the_text_rule(text: str) -> None:
    assert satisfies_text_rule(text, line=True)
    assert clean_text(text) == text
    assert "\n" not in text


@given(texts())
def test_text_strategy_satisfies_the_text_rule(text: str) -> None:
    assert satisfies_text_rule(text, line=False)
    assert clean_text(text) == text


@given(
    st.text(
        alphabet=st.characters(exclude_categories=["Cc", "Cs"], exclude_characters="\ufffe\uffff")
        | st.sampled_from("\t\n\r\x0b\x0c\u2028\u2029 \u0301\u0327")
    )
)
def test_text_rule_is_idempotent(raw: str) -> None:
    cleaned = clean_text(raw)
    assert clean_text(cleaned) == cleaned
    assert is_clean_text(cleaned, line=False) or cleaned == ""


# --- round trips ---------------------------------------------------------------------------------


@given(visit_records())
def test_yaml_round_trip(record: VisitRecord) -> None:
    data = dump(record)
    assume(not any(written_plain_but_read_as_a_number(s) for s in strings(data)))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert parse_record(text, "yaml") == record


@settings(max_examples=40)
@given(
    visit_records(),
    st.sampled_from([20, 80, 1000]),
    st.booleans(),
    st.sampled_from([None, True, False]),
)
def test_yaml_round_trip_in_other_styles(
    record: VisitRecord, width: int, allow_unicode: bool, flow: bool | None
) -> None:
    data = dump(record)
    assume(not any(written_plain_but_read_as_a_number(s) for s in strings(data)))
    text = yaml.safe_dump(
        data, allow_unicode=allow_unicode, sort_keys=False, width=width, default_flow_style=flow
    )
    assert parse_record(text, "yaml") == record


@given(visit_records(), st.booleans(), st.sampled_from([None, 2]))
def test_json_round_trip(record: VisitRecord, ensure_ascii: bool, indent: int | None) -> None:
    data = dump(record)
    loaded = parse_record(json.dumps(data, ensure_ascii=ensure_ascii, indent=indent), "json")
    assert loaded == record
    assert dump(loaded) == data


def test_sample_round_trips() -> None:
    from memo_gen.record.loader import load_record

    record = load_record()
    data = dump(record)
    assert parse_record(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "yaml") == record
    assert parse_record(json.dumps(data, ensure_ascii=False), "json") == record


# --- the known gap between PyYAML's dumper and memo-gen's YAML 1.2 reader -------------------------


@pytest.mark.parametrize("text", ["09", "1e5", "0o17", "+.5", "-.nan"])
def test_yaml_1_2_numbers_are_recognised(text: str) -> None:
    assert written_plain_but_read_as_a_number(text)
    assert yaml.safe_dump({"title": text}) == f"title: {text}\n"


@pytest.mark.xfail(
    strict=True,
    raises=InvalidRecordError,
    reason="PyYAML's safe_dump follows YAML 1.1 and leaves text such as 09, 1e5 or 0o17 "
    "unquoted; memo-gen reads YAML 1.2, where they are numbers",
)
@pytest.mark.parametrize(
    ("title", "start"), [("09", "2025"), ("1e5", "2025"), ("0o17", "2025"), ("Talks", "0009")]
)
def test_pyyaml_dump_of_yaml_1_2_numbers_reads_back_differently(title: str, start: str) -> None:
    record = parse_record(json.dumps({"visit": {"title": title, "start": start}}), "json")
    text = yaml.safe_dump(dump(record), allow_unicode=True, sort_keys=False)
    assert parse_record(text, "yaml") == record
