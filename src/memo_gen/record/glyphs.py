"""Which characters memo-gen can put into its documents, decided without loading a font.

A PDF draws a character its fonts lack as an empty box, silently; and ReportLab lays out
right-to-left scripts only with its ``rlbidi`` package, which is not published on PyPI, so
Hebrew or Arabic would come out in the wrong order. Validation therefore refuses, with the
field, the position and the character's name:

* a character that no font memo-gen ships can draw in every face (regular, bold, italic and
  bold italic), e.g. a Chinese ideograph, most emoji, a private-use character;
* right-to-left letters and digits (Hebrew, Arabic, Syriac, Thaana, N'Ko …) and the
  bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C), which
  reorder how text around them is shown.

The font coverage comes from ``fonts/coverage.txt``, a table of code-point ranges made from
the shipped font files by ``python -m memo_gen.backends.coverage`` (a test checks it matches
them), so ``memo-gen validate`` needs neither ReportLab nor the fonts. The PDF backend tries every
shipped family after the theme's own, so whatever passes here has a glyph there.
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "fonts" / "coverage.txt"

# Characters that are layout, not glyphs: the backends turn them into breaks and spaces.
LAYOUT = frozenset("\n\t")

# Bidirectional classes of right-to-left text (R, AL, AN) and of the explicit embeddings,
# overrides and isolates. U+200E LEFT-TO-RIGHT MARK is class L but exists only for bidi.
_RTL_CLASSES = frozenset({"R", "AL", "AN"})
_BIDI_CONTROL_CLASSES = frozenset({"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"})
_LRM = "\u200e"
# The blocks of right-to-left scripts (Hebrew to Arabic Extended, their presentation forms,
# and the astral ones): their combining marks are class NSM, not R, yet belong to them.
_RTL_BLOCKS = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFE), (0x10800, 0x10FFF),
               (0x1E800, 0x1EFFF))  # fmt: skip


def excluded(code: int) -> bool:
    """Code points that never count as drawable whatever a font maps: controls, surrogates,
    private use (its meaning is private to whoever wrote it) and noncharacters."""
    return (
        code <= 0x1F
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xF8FF  # surrogates, then the BMP private-use area
        or 0xFDD0 <= code <= 0xFDEF
        or (code & 0xFFFE) == 0xFFFE
        or code >= 0xF0000  # planes 15 and 16: private use
    )


@functools.cache
def _ranges() -> tuple[tuple[int, ...], tuple[int, ...]]:
    starts: list[int] = []
    ends: list[int] = []
    for raw in TABLE.read_text(encoding="ascii").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            first, _, last = line.partition("-")
            starts.append(int(first, 16))
            ends.append(int(last or first, 16))
    return tuple(starts), tuple(ends)


def drawable(char: str) -> bool:
    """True if a shipped font draws ``char`` in every face."""
    starts, ends = _ranges()
    code = ord(char)
    index = bisect.bisect_right(starts, code) - 1
    return index >= 0 and code <= ends[index]


def describe(char: str) -> str:
    """``U+1F600 GRINNING FACE (😀)``: the code point, its name, and the character itself when
    it is visible on its own."""
    text = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    name = unicodedata.name(char, "")
    if name:
        text += f" {name}"
    elif category == "Co":
        text += " (a private-use character)"
    elif category == "Cn":
        text += " (not a character Unicode has assigned)"
    if category[0] not in "MCZ":
        text += f" ({char})"
    return text


def refusal(text: str) -> tuple[str, str, int] | None:
    """Why ``text`` cannot go into a document, or None: ``(kind, character, position)``, the
    first offending character and its 1-based position. ``kind`` is ``"rtl"``, ``"bidi"`` or
    ``"glyph"``."""
    if text.isascii():
        return None  # every printable ASCII character is drawable; controls are refused earlier
    found: tuple[int, str, str] | None = None
    for char in set(text):
        if char in LAYOUT:
            continue
        kind = _kind(char)
        if kind is not None:
            position = text.index(char)
            if found is None or position < found[0]:
                found = (position, kind, char)
    if found is None:
        return None
    position, kind, char = found
    return kind, char, position + 1


@functools.cache
def _kind(char: str) -> str | None:
    bidi = unicodedata.bidirectional(char)
    if bidi in _BIDI_CONTROL_CLASSES or char == _LRM or char in "\u200f\u061c":
        return "bidi"
    if bidi in _RTL_CLASSES or any(low <= ord(char) <= high for low, high in _RTL_BLOCKS):
        return "rtl"
    if not drawable(char):
        return "glyph"
    return None


def message(kind: str, char: str, position: int) -> str:
    """The problem's wording; says what to do."""
    where = f"{describe(char)} at position {position}"
    if kind == "rtl":
        return (
            f"contains right-to-left text ({where}), which memo-gen cannot lay out; "
            "write it in a left-to-right script (transliterate it)"
        )
    if kind == "bidi":
        return (
            f"contains {where}, a bidirectional control that reorders how the text around it "
            "is shown; remove it"
        )
    return f"contains {where}, which no font memo-gen ships can draw; remove or replace it"
