"""Whether a document fits on one page: what keeps the fact sheet to one page
(:mod:`memo_gen.compose.fitting`) asks here.

A document short enough to fit even if every letter were as wide as the widest the fonts
have is answered without ReportLab (``memo-gen docx`` of a short record never imports it);
any other is laid out by the PDF backend, up to the first page beyond one.
"""

from __future__ import annotations

import math
from dataclasses import replace

from memo_gen.backends.theme import MM, Theme
from memo_gen.document import (
    Block,
    Document,
    HeaderBlock,
    Heading,
    List,
    Paragraph,
    Rule,
    Run,
    Table,
    plain_text,
)

WIDEST_ASCII_EM = 1.2
"""No ASCII character of the fonts a theme may name is wider than this (in ems)."""
WIDEST_EM = 3.0
"""Nor any other character (the widest, ⸻ in Noto Serif, is 2.84 ems)."""
ROOM_PT = 28.0
"""What a fact sheet that had to be cut leaves free at the foot of its page (two lines):
a word processor lays the DOCX out a little differently from the PDF."""


def fits_page(document: Document, theme: Theme) -> bool:
    """Whether the document takes one page of ``theme``."""
    if _surely_fits(document, theme):
        return True
    from memo_gen.backends.pdf import fits_pages

    return fits_pages(document, theme, 1)


def cautious(theme: Theme) -> Theme:
    """``theme`` less :data:`ROOM_PT` at the foot of its page: a fact sheet that had to be
    cut is fitted to it, so that it stays on one page in a word processor too. (The sheet is
    composed for the paper it is printed on: ``--page-size`` reaches the composer.)"""
    return replace(theme, margin_bottom_mm=theme.margin_bottom_mm + ROOM_PT / MM)


def _surely_fits(document: Document, theme: Theme) -> bool:
    """Whether the document fits one page even with every letter at its widest; ``False``
    also when that cannot be told without laying it out (a chart, a page break)."""
    room = theme.page_height_pt - (theme.margin_top_mm + theme.margin_bottom_mm) * MM
    return sum(_most_height(block, theme) for block in document.blocks) <= room


def _lines(runs: tuple[Run, ...], size: float, width: float) -> int:
    """The most lines ``runs`` can take in a column ``width`` wide."""
    if width <= 0:
        return 1_000_000
    total = 0
    for line in plain_text(runs).split("\n"):
        ems = sum(WIDEST_ASCII_EM if char.isascii() else WIDEST_EM for char in line)
        total += max(1, math.ceil(ems * size / width))
    return total


def _most_height(block: Block, theme: Theme) -> float:
    """The most height ``block`` can take (the spacing of the PDF backend, each line a
    point taller than its leading)."""
    width, leading = theme.text_width_pt, theme.leading

    def text(runs: tuple[Run, ...], size: float, column: float) -> float:
        return _lines(runs, size, column) * (size * leading + 1)

    if isinstance(block, Heading):
        size = max(theme.heading_sizes_pt or (theme.size_pt,))
        spacing = theme.heading_space_before_pt + theme.heading_space_after_pt
        return text(block.runs, size, width) + spacing
    if isinstance(block, Paragraph):
        style = theme.style(block.style)
        size = style.size_pt or theme.size_pt
        after = theme.space_after_pt if style.space_after_pt is None else style.space_after_pt
        indent = style.indent_mm * MM + (theme.list_indent_mm * MM * 2 if block.number else 0)
        return text(block.runs, size, width - indent) + style.space_before_pt + after
    if isinstance(block, List):
        column = width - theme.list_indent_mm * MM * 2
        return sum(
            text(p.runs, theme.size_pt, column) + theme.space_after_pt
            for item in block.items
            for p in item.blocks
        )
    if isinstance(block, HeaderBlock):
        label = min((block.label_width_mm or theme.header_label_width_mm) * MM, width / 2)
        rows = sum(
            max(
                text((Run(field.label),), theme.size_pt, label - 4),
                text(field.value, theme.size_pt, width - label - 4),
            )
            + 3
            for field in block.fields
        )
        return rows + 5 + theme.header_space_after_pt
    if isinstance(block, Table):
        size, pad = theme.table_size_pt, theme.table_padding_pt
        columns = max(len(block.header), *(len(row) for row in block.rows), 1)
        shares = block.widths if len(block.widths) == columns else (1.0,) * columns
        widths = [width * share / sum(shares) - 2 * pad for share in shares]
        return (
            sum(
                max(
                    (text(cell, size, column) for cell, column in zip(row, widths, strict=False)),
                    default=0.0,
                )
                + 2 * pad
                + 1
                for row in (block.header, *block.rows)
            )
            + theme.space_after_pt
        )
    if isinstance(block, Rule):
        return 3 + theme.space_after_pt
    return math.inf  # a chart, a page break: only the layout can tell
