"""The glyph coverage table validation uses matches the shipped fonts."""

from __future__ import annotations

import pytest

from memo_gen.backends import coverage
from memo_gen.record import glyphs


def test_the_table_matches_the_shipped_fonts() -> None:
    # After changing a font: python -m memo_gen.backends.coverage
    assert glyphs.TABLE.read_text(encoding="ascii") == coverage.table_text()


@pytest.mark.parametrize(
    ("text", "kind", "char"),
    [
        ("Şəki Қызылорда İı 😀 ₸ ₼ a\u200bb", None, None),
        ("talks 会谈", "glyph", "会"),
        ("a\ue000", "glyph", "\ue000"),
        ("שלום", "rtl", "ש"),
        ("a\u05c7", "rtl", "\u05c7"),
        ("file\u202efdp.exe", "bidi", "\u202e"),
        ("a\u200eb", "bidi", "\u200e"),
    ],
)
def test_refusal(text: str, kind: str | None, char: str | None) -> None:
    found = glyphs.refusal(text)
    assert (found[0], found[1]) == (kind, char) if found else kind is None
