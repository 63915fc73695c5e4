"""The coverage table ``fonts/coverage.txt``, made from the fonts memo-gen ships.

Validation (:mod:`memo_gen.record.glyphs`) reads the table and never loads a font; this module,
which does (with ReportLab), writes it: run ``python -m memo_gen.backends.coverage`` after
changing a font, and ``tests/test_glyphs.py`` checks the shipped table is up to date.
"""

from __future__ import annotations

import hashlib

from memo_gen.record.glyphs import TABLE, excluded


def table_text() -> str:
    """``fonts/coverage.txt`` as the shipped fonts define it (imports ReportLab)."""
    from reportlab.pdfbase.ttfonts import TTFont

    from memo_gen.backends.pdf_fonts import FONTS_DIR, SHIPPED_FAMILIES

    faces: list[set[int]] = [set(), set(), set(), set()]
    header = [
        "# Code points every face (regular, bold, italic, bold italic) of memo-gen's PDF fonts",
        "# can draw, counting each face as covered when any shipped family has the glyph.",
        "# Made by `python -m memo_gen.backends.coverage` from these files; do not edit by hand.",
    ]
    for family, files in SHIPPED_FAMILIES.items():
        for index, filename in enumerate(files):
            path = FONTS_DIR / filename
            font = TTFont(f"coverage {family} {index}", str(path))
            faces[index] |= set(font.face.charToGlyph)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            header.append(f"# {filename} sha256 {digest}")
    codes = sorted(code for code in set.intersection(*faces) if not excluded(code))
    lines: list[str] = []
    start = previous = codes[0]
    for code in [*codes[1:], -1]:
        if code != previous + 1:
            lines.append(f"{start:04X}" if start == previous else f"{start:04X}-{previous:04X}")
            start = code
        previous = code
    return "\n".join([*header, *lines]) + "\n"


def main() -> None:
    """Rewrite ``fonts/coverage.txt`` from the shipped fonts (silently: only the command
    line prints; ``git diff`` shows what changed)."""
    TABLE.write_text(table_text(), encoding="ascii")


if __name__ == "__main__":  # pragma: no cover
    main()
