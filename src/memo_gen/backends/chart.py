"""The charts of a document as one ReportLab drawing per row: the single piece of drawing
code both backends use. The PDF embeds the drawing itself (vector graphics, text in the
embedded fonts, so its labels can be searched and copied); the DOCX embeds a PNG of the very
same drawing, rendered at print resolution, with an alt text that states every value.

Consecutive charts share a row, side by side, as many as fit at :data:`MIN_PANEL_MM` each
(two on A4 or Letter). Each panel is a horizontal bar chart: the title (wrapped to two lines),
the unit, then one row per bar with its label at the left and its value after the bar; bars
of one kind (actual, target, forecast) share a shade across the row.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

from memo_gen.backends.pdf_fonts import FontChain, clean, face_name, parse_colour
from memo_gen.backends.theme import MM, Theme
from memo_gen.document import Chart, ChartBar
from memo_gen.errors import TemplateError

MIN_PANEL_MM = 70.0
"""The narrowest a chart may be; a row holds as many charts as fit at this width."""
GAP_MM = 8.0
"""Space between two charts of a row."""
PNG_DPI = 300
"""Resolution of the DOCX's picture of a chart row (print resolution)."""
_TITLE_LINES = 2


def per_row(width: float) -> int:
    """How many charts fit side by side in ``width`` points."""
    return max(1, int((width + GAP_MM * MM) // ((MIN_PANEL_MM + GAP_MM) * MM)))


def chart_rows(charts: Sequence[Chart], width: float) -> list[tuple[Chart, ...]]:
    """Consecutive charts in rows of as many as fit side by side."""
    count = per_row(width)
    return [tuple(charts[i : i + count]) for i in range(0, len(charts), count)]


def value_text(bar: ChartBar) -> str:
    """A bar's value as the document writes it."""
    if bar.text:
        return bar.text
    if bar.value == int(bar.value) and abs(bar.value) < 1e15:
        return f"{int(bar.value):,}"
    return f"{bar.value:,.1f}" if abs(bar.value) >= 1000 else f"{bar.value:.4g}"


def alt_text(charts: Sequence[Chart]) -> str:
    """Every chart's title, unit and values in words, for readers who cannot see the
    picture: ``Bilateral trade turnover (million USD): 2024: 533.4; Target: 1,000.``"""
    parts = []
    for chart in charts:
        title = clean(chart.title).replace("\n", " ")
        unit = f" ({clean(chart.unit)})" if chart.unit else ""
        values = "; ".join(f"{clean(bar.label)}: {value_text(bar)}" for bar in chart.bars)
        parts.append(f"{title}{unit}: {values}.")
    return " ".join(parts).replace("\n", " ")


class _Painter:
    """Draws into one drawing with the theme's ink and the font chain's faces."""

    def __init__(self, drawing: Drawing, theme: Theme, chain: FontChain) -> None:
        self.drawing, self.chain = drawing, chain
        self.size = theme.table_size_pt - 1
        self.ink = parse_colour(theme.colour, "text colour")

    def measure(self, value: str, bold: bool = False) -> float:
        return float(stringWidth(value, self.chain.font_for(value, bold), self.size))

    def text(self, x: float, y: float, value: str, bold: bool = False) -> None:
        # A chart String has one font: the first of the chain that has all of its glyphs.
        self.drawing.add(
            String(
                x,
                y,
                value,
                fontName=self.chain.font_for(value, bold),
                fontSize=self.size,
                fillColor=self.ink,
                textAnchor="start",
            )
        )

    def fit(self, value: str, room: float, bold: bool = False) -> str:
        """``value`` shortened with an ellipsis until it fits ``room``."""
        while len(value) > 1 and self.measure(value, bold) > room:
            value = value[:-2] + "\u2026"
        return value

    def wrap(self, value: str, room: float, lines: int, bold: bool = False) -> list[str]:
        """``value`` in at most ``lines`` lines of ``room``; the last one shortened."""
        words, out, current = value.split(), [], ""
        for word in words:
            trial = f"{current} {word}".strip()
            if current and self.measure(trial, bold) > room:
                out.append(current)
                current = word
            else:
                current = trial
        out.append(current)
        if len(out) > lines:
            out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
        return [self.fit(line, room, bold) for line in out]


def _title_lines(chart: Chart, painter: _Painter, width: float) -> list[str]:
    title = clean(chart.title).replace("\n", " ")
    return painter.wrap(title, width, _TITLE_LINES, bold=True)


def _pitch(painter: _Painter) -> float:
    return painter.size * 1.6


def chart_row_drawing(
    charts: Sequence[Chart], theme: Theme, chain: FontChain, width: float, room: float
) -> Drawing:
    """One row of charts side by side across ``width``, at most ``room`` high."""
    if not charts:
        raise ValueError("a chart row needs at least one chart")
    for chart in charts:
        if any(not math.isfinite(b.value) for b in chart.bars):
            raise TemplateError(f"chart {chart.title!r}: every value must be a finite number")
    gap = GAP_MM * MM
    panel_w = (width - gap * (len(charts) - 1)) / len(charts)
    drawing = Drawing(width, 1)
    drawing.hAlign = "LEFT"
    # The renderer would otherwise open the drawing with a Helvetica Tf (an unembedded font).
    painter = _Painter(drawing, theme, chain)
    drawing.initialFontName, drawing.initialFontSize = face_name(chain.primary), painter.size
    titles = [_title_lines(chart, painter, panel_w) for chart in charts]
    # The bars of every chart in a row start at one height: under the tallest heading.
    heading = max(len(lines) for lines in titles) + any(chart.unit for chart in charts)
    bars = max(len(chart.bars) for chart in charts)
    top = heading * painter.size * 1.25 + 4
    height = min(top + _pitch(painter) * bars + 2, room)
    drawing.height = height
    kinds = list(dict.fromkeys(bar.kind for chart in charts for bar in chart.bars))
    shades = [
        parse_colour(theme.heading_colour, "heading colour"),
        parse_colour(theme.table_border, "table border"),
        parse_colour(theme.table_header_fill, "table header fill"),
    ]
    fill = {kind: shades[i % len(shades)] for i, kind in enumerate(kinds)}
    for index, (chart, lines) in enumerate(zip(charts, titles, strict=True)):
        left = index * (panel_w + gap)
        _panel(painter, chart, lines, fill, left, panel_w, height, height - top)
    return drawing


def _panel(
    painter: _Painter,
    chart: Chart,
    lines: list[str],
    fill: dict[str, object],
    left: float,
    width: float,
    height: float,
    top: float,
) -> None:
    size, ink, leading = painter.size, painter.ink, painter.size * 1.25
    y = height - size
    for line in lines:
        painter.text(left, y, line, bold=True)
        y -= leading
    if chart.unit:
        painter.text(left, y, painter.fit(clean(chart.unit).replace("\n", " "), width))
    pitch = _pitch(painter)
    labels = [clean(b.label).replace("\n", " ") for b in chart.bars]
    values = [value_text(b) for b in chart.bars]
    label_w = min(max([painter.measure(s) for s in labels] + [0]) + 6, width * 0.45)
    value_w = max([painter.measure(s) for s in values] + [0]) + 4
    low = min([0.0, *(b.value for b in chart.bars)])
    high = max([0.0, *(b.value for b in chart.bars)])
    scale = max(width - value_w - label_w, 1.0) / ((high - low) or 1.0)
    zero = left + label_w - low * scale
    thick = pitch * 0.62
    for i, (bar, label, value) in enumerate(zip(chart.bars, labels, values, strict=True)):
        middle = top - pitch * (i + 0.5)
        start, end = sorted((zero, zero + bar.value * scale))
        painter.drawing.add(
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
        painter.text(left, middle - size / 3, painter.fit(label, label_w - 6))
        # A value sits after the end of its bar; a negative one right of the zero line.
        painter.text(max(end, zero) + 3, middle - size / 3, value)
    bottom = top - pitch * len(chart.bars)
    painter.drawing.add(Line(zero, bottom, zero, top, strokeColor=ink, strokeWidth=0.5))


def chart_png(drawing: Drawing, dpi: int = PNG_DPI) -> bytes:
    """The drawing as PNG bytes at ``dpi`` (with that density recorded in the file); the
    same drawing always gives the same bytes.

    The chart's drawing holds only rectangles, lines and strings, so Pillow paints them
    directly, with the same embedded TrueType faces: no bitmap renderer (renderPM and its
    cairo library) is needed to install memo-gen.
    """
    scale = dpi / 72
    size = (round(drawing.width * scale), round(drawing.height * scale))
    return _painted(size, dpi, tuple(_strokes(drawing, scale)))


Stroke = tuple[Any, ...]
"""One thing Pillow paints: its kind, then the arguments it is painted with."""


def _strokes(drawing: Drawing, scale: float) -> list[Stroke]:
    """What painting the drawing takes, in Pillow's terms: everything the picture depends on."""

    def point(x: float, y: float) -> tuple[float, float]:
        return x * scale, (drawing.height - y) * scale  # ReportLab's y axis points up

    strokes: list[Stroke] = []
    for shape in drawing.contents:
        if isinstance(shape, Rect):
            left, top = point(shape.x, shape.y + shape.height)
            right, bottom = point(shape.x + shape.width, shape.y)
            stroke = max(round(float(shape.strokeWidth or 0) * scale), 1)
            outline = _rgb(shape.strokeColor) if shape.strokeColor is not None else None
            width = stroke if shape.strokeColor is not None else 0
            strokes.append(
                ("rect", (left, top, right, bottom), _rgb(shape.fillColor), outline, width)
            )
        elif isinstance(shape, Line):
            stroke = max(round(float(shape.strokeWidth or 0) * scale), 1)
            start, end = point(shape.x1, shape.y1), point(shape.x2, shape.y2)
            strokes.append(("line", (start, end), _rgb(shape.strokeColor), stroke))
        elif isinstance(shape, String):
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}.get(shape.textAnchor, "ls")
            font = (shape.fontName, round(shape.fontSize * scale))
            where = point(shape.x, shape.y)
            strokes.append(("text", where, shape.text, _rgb(shape.fillColor), font, anchor))
        else:
            raise TemplateError(f"the chart holds a shape the DOCX cannot draw: {shape!r}")
    return strokes


@functools.lru_cache(maxsize=16)
def _painted(size: tuple[int, int], dpi: int, strokes: tuple[Stroke, ...]) -> bytes:
    """The PNG of ``strokes`` on a white ``size`` picture. Remembered: encoding the PNG is
    most of a chart's cost, and a record saved again (``memo-gen watch``) or rendered in
    several formats or languages often draws the same chart."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    pen = ImageDraw.Draw(image)
    for kind, *args in strokes:
        if kind == "rect":
            box, fill, outline, width = args
            pen.rectangle(box, fill=fill, outline=outline, width=width)
        elif kind == "line":
            ends, fill, width = args
            pen.line(ends, fill=fill, width=width)
        else:
            where, text, fill, (face, pixels), anchor = args
            pen.text(where, text, fill=fill, font=_pil_font(face, pixels), anchor=anchor)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi), optimize=False)
    return out.getvalue()


def _rgb(colour: Any) -> tuple[int, int, int] | None:
    if colour is None:
        return None
    red, green, blue = colour.rgb()
    return round(red * 255), round(green * 255), round(blue * 255)


@functools.lru_cache(maxsize=32)
def _pil_font(face: str, pixels: int) -> Any:
    """The Pillow font for a registered ReportLab face, from the same TrueType file."""
    from PIL import ImageFont

    return ImageFont.truetype(pdfmetrics.getFont(face).face.filename, pixels)
