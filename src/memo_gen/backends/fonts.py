"""The TrueType fonts memo-gen ships, and which characters each face draws.

Kept free of ReportLab so that the DOCX backend can measure its watermark with the same fonts
as the PDF (``memo-gen docx`` never imports ReportLab).
"""

from __future__ import annotations

import functools
import struct
from pathlib import Path

from memo_gen.errors import TemplateError

FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"

# Family name (as the theme spells it) → files of its regular, bold, italic, bold-italic faces.
SHIPPED_FAMILIES: dict[str, tuple[str, str, str, str]] = {
    "Liberation Serif": (
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ),
    "Noto Serif": (
        "NotoSerif-Regular.ttf",
        "NotoSerif-Bold.ttf",
        "NotoSerif-Italic.ttf",
        "NotoSerif-BoldItalic.ttf",
    ),
    "DejaVu Sans": (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf",
    ),
}


def face_path(family: str, bold: bool = False, italic: bool = False) -> Path:
    """The file of one face of a shipped family."""
    files = SHIPPED_FAMILIES.get(family)
    if files is None:
        known = ", ".join(sorted(SHIPPED_FAMILIES))
        raise TemplateError(
            f"theme names PDF font {family!r}, which memo-gen does not ship ({known})"
        )
    return FONTS_DIR / files[int(bold) + 2 * int(italic)]


def _table(data: bytes, tag: bytes) -> int:
    """Where a table of a TrueType file starts."""
    (tables,) = struct.unpack_from(">H", data, 4)
    for n in range(tables):
        name, offset = struct.unpack_from(">4s4xL", data, 12 + 16 * n)
        if name == tag:
            return int(offset)
    raise ValueError(f"no {tag.decode()} table")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"cannot read the font file {path}: {exc}") from exc


@functools.cache
def units_per_em(path: Path) -> int:
    """The font's design units to the em (its ``head`` table's unitsPerEm)."""
    data = _read(path)
    try:
        (units,) = struct.unpack_from(">H", data, _table(data, b"head") + 18)
    except (ValueError, struct.error) as exc:
        raise TemplateError(f"cannot read the font file {path}: {exc}") from exc
    return int(units)


@functools.cache
def covered(path: Path) -> frozenset[int]:
    """The code points a font file maps to a glyph (its Unicode cmap, formats 4 and 12).

    Pillow measures text but cannot say whether a face has a glyph; this small reader does,
    for the fallback between families that the PDF's FontChain makes with ReportLab.

    Not fontTools (a test-only dependency) nor ReportLab's TTFont: the DOCX backend calls
    this for a draft's watermark and never imports ReportLab, and fontTools slows the render.
    Measured in fresh interpreters (20 runs each, fontTools 4.69.1): reading the bold face of
    the first family takes 2.8 ms here and 25 ms with fontTools (``TTFont(lazy=True)
    .getBestCmap()``, mostly its import), all three families 4.2 ms and 39 ms.
    tests/test_fonts.py checks that both read the same code points from every shipped face.
    """
    data = _read(path)
    subtables: dict[int, int] = {}
    try:
        start = _table(data, b"cmap")
        (count,) = struct.unpack_from(">H", data, start + 2)
        for n in range(count):
            platform, encoding, offset = struct.unpack_from(">HHL", data, start + 4 + 8 * n)
            if (platform, encoding) in ((3, 10), (3, 1), (0, 3), (0, 4)):
                (kind,) = struct.unpack_from(">H", data, start + offset)
                subtables.setdefault(kind, start + offset)
        # Format 12 (all of Unicode) when the font has it, else format 4 (the BMP).
        if 12 in subtables:
            return _format_12(data, subtables[12])
        if 4 in subtables:
            return _format_4(data, subtables[4])
    except (ValueError, struct.error) as exc:
        raise TemplateError(f"cannot read the font file {path}: {exc}") from exc
    raise TemplateError(f"the font file {path} has no Unicode cmap")


def _format_12(data: bytes, at: int) -> frozenset[int]:
    (groups,) = struct.unpack_from(">L", data, at + 12)
    codes: set[int] = set()
    for n in range(groups):
        first, last, glyph = struct.unpack_from(">LLL", data, at + 16 + 12 * n)
        # Glyph 0 is .notdef, the empty box: a code mapped to it has no glyph.
        codes.update(range(first if glyph else first + 1, last + 1))
    return frozenset(codes)


def _format_4(data: bytes, at: int) -> frozenset[int]:
    (segments,) = struct.unpack_from(">H", data, at + 6)
    segments //= 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, at + 16 + 4 * segments)
    ranges_at = at + 16 + 6 * segments
    ranges = struct.unpack_from(f">{segments}H", data, ranges_at)
    codes: set[int] = set()
    for n, (first, last, delta, offset) in enumerate(
        zip(starts, ends, deltas, ranges, strict=True)
    ):
        for code in range(first, min(last, 0xFFFE) + 1):
            if offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                # idRangeOffset counts from its own place in the array (the spec's pointer trick).
                where = ranges_at + 2 * n + offset + 2 * (code - first)
                (glyph,) = struct.unpack_from(">H", data, where)
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                codes.add(code)
    return frozenset(codes)
