"""The fact sheet's bar chart as a ReportLab drawing: vector graphics in the PDF, in the
embedded fonts."""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.pdfbase.pdfmetrics import stringWidth

from memo_gen.backends.pdf_fonts import FontChain, clean, face_name, parse_colour
from memo_gen.document import Chart
from memo_gen.errors import TemplateError
from memo_gen.theme import MM, Theme

_CHART_HEIGHT = 55 * MM


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) >= 1000 else f"{value:.4g}"


def chart_drawing(
    chart: Chart, theme: Theme, chain: FontChain, width: float, room: float
) -> Drawing:
    """A horizontal bar chart: one row per bar, its label at the left, its value at its end."""
    if any(not math.isfinite(b.value) for b in chart.bars):
        raise TemplateError(f"chart {chart.title!r}: every value must be a finite number")
    size, ink = theme.table_size_pt - 1, parse_colour(theme.colour, "text colour")
    kinds = list(dict.fromkeys(b.kind for b in chart.bars))
    legend_h, title_h = (14.0 if len(kinds) > 1 else 0.0), size + 8
    height = min(max(_CHART_HEIGHT, title_h + legend_h + 14 * len(chart.bars) + 4), room)
    pitch = (height - title_h - legend_h) / max(len(chart.bars), 1)
    small = min(size, pitch * 0.8)  # labels shrink when many bars share the height
    drawing = Drawing(width, height)
    drawing.hAlign = "LEFT"
    # The renderer would otherwise open the drawing with a Helvetica Tf (an unembedded font).
    drawing.initialFontName, drawing.initialFontSize = face_name(chain.primary), size

    def text(x: float, y: float, value: str, anchor: str = "start", bold: bool = False) -> None:
        # A chart String has one font: the first of the chain that has all of its glyphs.
        font = chain.font_for(value, bold)
        drawing.add(
            String(
                x,
                y,
                value,
                fontName=font,
                fontSize=size if bold else small,
                fillColor=ink,
                textAnchor=anchor,
            )
        )

    def measure(value: str) -> float:
        return float(stringWidth(value, chain.font_for(value), small))

    title = clean(chart.title) + (f" ({clean(chart.unit)})" if chart.unit else "")
    text(0, height - size, title.replace("\n", " "), bold=True)
    labels = [clean(b.label).replace("\n", " ") for b in chart.bars]
    values = [_number(b.value) for b in chart.bars]
    label_w = min(max([measure(s) for s in labels] + [0]) + 8, width * 0.4)
    value_w = max([measure(s) for s in values] + [0]) + 6
    low = min([0.0, *(b.value for b in chart.bars)])
    high = max([0.0, *(b.value for b in chart.bars)])
    scale = (width - value_w - label_w) / ((high - low) or 1.0)
    zero = label_w - low * scale
    top, bottom = height - title_h, legend_h
    thick = min(pitch * 0.65, 16.0)
    shades = [
        parse_colour(theme.heading_colour, "heading colour"),
        parse_colour(theme.table_border, "table border"),
        parse_colour(theme.table_header_fill, "table header fill"),
    ]
    fill = {kind: shades[i % len(shades)] for i, kind in enumerate(kinds)}
    for i, (bar, label, value) in enumerate(zip(chart.bars, labels, values, strict=True)):
        middle = top - pitch * (i + 0.5)
        start, end = sorted((zero, zero + bar.value * scale))
        drawing.add(
            Rect(
                start,
                middle - thick / 2,
                max(end - start, 0.5),
                thick,
                fillColor=fill[bar.kind],
                strokeColor=ink,
                strokeWidth=0.3,
            )
        )
        while len(label) > 1 and measure(label) > label_w - 8:
            label = label[:-2] + "\u2026"  # a label too long for its column is shortened
        text(0, middle - small / 3, label)
        # A value sits after the end of its bar; a negative one right of the zero line.
        text(max(end, zero) + 3, middle - small / 3, value)
    drawing.add(Line(zero, bottom, zero, top, strokeColor=ink, strokeWidth=0.5))
    x = label_w
    for kind in kinds if legend_h else []:
        drawing.add(Rect(x, 2, 8, 8, fillColor=fill[kind], strokeColor=ink, strokeWidth=0.3))
        text(x + 11, 3, kind)
        x += 11 + measure(kind) + 14
    return drawing
