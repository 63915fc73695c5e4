"""The code lists validation checks against, and Babel as their source."""

from __future__ import annotations

from pathlib import Path

from babel.numbers import list_currencies

from memo_gen.record import codes
from memo_gen.record.codes import COUNTRY_CODES, CURRENCY_CODES, country_codes_from_babel


def test_the_country_codes_are_babels() -> None:
    """Run ``python -m memo_gen.record.codes`` when Babel's list changes."""
    assert country_codes_from_babel() == COUNTRY_CODES


def test_the_written_list_is_what_the_command_writes() -> None:
    text = Path(codes.__file__).read_text(encoding="utf-8")
    assert codes.source_text(text, COUNTRY_CODES) == text


def test_babels_territories_that_are_not_countries_are_left_out() -> None:
    for code in ("001", "419", "EU", "EZ", "UN", "QO", "XA", "ZZ", "AC", "IC"):
        assert code not in COUNTRY_CODES
    assert {"XK", "KZ", "AZ", "PS", "TW", "HK"} <= COUNTRY_CODES


def test_babel_knows_every_currency_code() -> None:
    """Babel has no list of current ISO 4217 codes (see memo_gen.record.codes), but each of ours
    is one of its codes."""
    assert set(list_currencies()) >= CURRENCY_CODES
