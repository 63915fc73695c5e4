"""The draft watermark's geometry, which both backends take from here so that they agree.

The word lies along the page's rising diagonal, in the bold face of the theme's PDF font
(falling back, character by character, to the next shipped family that has the glyph, as
:class:`~memo_gen.backends.pdf_fonts.FontChain` does). Its widths and cap height come from the
shipped font files, read with Pillow: the DOCX backend sizes its WordArt by them without
importing ReportLab.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from memo_gen.backends.fonts import SHIPPED_FAMILIES, covered, face_path, units_per_em
from memo_gen.backends.theme import Theme

# The word spans this share of the page's diagonal, clear of the banners and the footer in
# the corners; its size is at most this share of the page's width (a short word).
LENGTH = 0.6
MAX_SIZE = 0.3


@dataclass(frozen=True)
class WatermarkGeometry:
    """The watermark's bold font size, and its box before rotation, in points."""

    size: float
    width: float
    cap_height: float
    angle: float
    """Degrees anticlockwise from the horizontal: the slant of the page's diagonal."""


def watermark_geometry(text: str, theme: Theme) -> WatermarkGeometry:
    """The geometry of ``text`` (one line) on the theme's page; size 0 when it has no width."""
    families = _families(theme)
    em = sum(_advance(_face_for(char, families), char) for char in text)
    angle = math.degrees(math.atan2(theme.page_height_pt, theme.page_width_pt))
    if em <= 0:
        return WatermarkGeometry(0.0, 0.0, 0.0, angle)
    diagonal = math.hypot(theme.page_width_pt, theme.page_height_pt)
    size = min(LENGTH * diagonal / em, MAX_SIZE * theme.page_width_pt)
    return WatermarkGeometry(
        size, em * size, _cap_height(face_path(families[0], True)) * size, angle
    )


def _families(theme: Theme) -> tuple[str, ...]:
    # Every shipped family follows the theme's own, as in FontChain.of.
    return tuple(dict.fromkeys((theme.pdf_font, *theme.pdf_fallback, *SHIPPED_FAMILIES)))


def _face_for(char: str, families: tuple[str, ...]) -> Path:
    """The bold face of the first family with the glyph; the last one's (its empty box) when
    none has it, as FontChain draws it."""
    for family in families:
        path = face_path(family, True)
        if ord(char) in covered(path):
            return path
    return face_path(families[-1], True)


@functools.cache
def _font(path: Path) -> ImageFont.FreeTypeFont:
    # One pixel per design unit: Pillow's whole-pixel advances and bounding boxes are then
    # the font's own numbers, exactly (no hinting rounds them). Basic layout: no kerning or
    # ligatures, which the PDF (ReportLab) does not apply either.
    return ImageFont.truetype(str(path), units_per_em(path), layout_engine=ImageFont.Layout.BASIC)


@functools.cache
def _advance(path: Path, char: str) -> float:
    """One character's advance, in ems."""
    return float(_font(path).getlength(char)) / units_per_em(path)


@functools.cache
def _cap_height(path: Path) -> float:
    """The height of a capital H above the baseline, in ems."""
    return -float(_font(path).getbbox("H", anchor="ls")[1]) / units_per_em(path)
