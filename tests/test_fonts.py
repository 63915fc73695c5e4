"""memo_gen.backends.fonts reads the shipped fonts' cmaps itself (fontTools would slow a draft
render; see ``covered``): it must read them as fontTools does."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from memo_gen.backends.fonts import FONTS_DIR, SHIPPED_FAMILIES, covered, units_per_em

FACES = [FONTS_DIR / name for files in SHIPPED_FAMILIES.values() for name in files]


@pytest.mark.parametrize("path", FACES, ids=lambda path: path.name)
def test_the_cmap_reader_agrees_with_fonttools(path: Path) -> None:
    font = TTFont(path, lazy=True)
    notdef = font.getGlyphOrder()[0]
    cmap = font.getBestCmap()
    assert covered(path) == {code for code, glyph in cmap.items() if glyph != notdef}
    assert units_per_em(path) == font["head"].unitsPerEm
