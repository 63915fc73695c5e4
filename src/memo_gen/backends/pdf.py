"""The PDF backend: renders a :class:`~memo_gen.document.Document` with ReportLab.

Every piece of text in the model is data: it reaches ReportLab's Paragraph markup only escaped,
split into font runs by :class:`~memo_gen.backends.pdf_fonts.FontChain`, so no record text can
inject markup and no letter falls into a standard font. The output is a function of the
Document and the Theme alone: ReportLab runs with ``invariant``, the creation date comes from
the document's metadata, and the ``rl_config`` values that shape the bytes are pinned.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import math
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle as RLStyle
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, HRFlowable, PageTemplate, Spacer
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus.doctemplate import LayoutError

from memo_gen.backends.chart import chart_row_drawing, chart_rows
from memo_gen.backends.pdf_fonts import FontChain, clean, face_name, missing_glyphs, parse_colour
from memo_gen.backends.theme import MM, Theme
from memo_gen.backends.watermark import watermark_geometry
from memo_gen.document import (
    Block,
    Chart,
    Document,
    Furniture,
    HeaderBlock,
    Heading,
    List,
    PageBreak,
    Paragraph,
    Rule,
    Run,
    Table,
)
from memo_gen.errors import TemplateError

__all__ = ["fits_pages", "laid_out", "missing_glyphs", "render_pdf"]

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
_EPOCH_2000 = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # ReportLab's own invariant date

# rl_config values that change layout or bytes. ReportLab also takes them from
# ~/.reportlab_settings, reportlab_settings.py and RL_* variables, so the build pins them.
_PINNED_RL_CONFIG: dict[str, Any] = {
    "invariant": 1,
    "pageCompression": 1,
    "useA85": 1,
    "wrapA85": 0,
    "pdfMultiLine": 0,
    "pdfComments": 0,
    "ttfAsciiReadable": 1,
    "reserveTTFNotdef": 1,
    "documentLang": None,
    "std14Embed": False,
    "canvas_baseColor": None,
    "platypus_link_underline": 0,
    "paraFontSizeHeightOffset": 1,
    "overlapAttachedSpace": 1,
    "longTableOptimize": 1,
    "allowShortTableRows": 1,
    "allowTableBoundsErrors": 1,
    "defCWRF": 0.02,
    "spaceShrinkage": 0.05,
    "decimalSymbol": ".",
    "unShapedFontGlob": None,
}

# Paragraph style settings given explicitly so that no ReportLab default or settings file can
# change them: long words and URLs are split instead of overflowing, no hyphenation, no shaping.
# uriWasteReduce stays 0: in ReportLab 5.1 a URL split by it that is still longer than a line
# is not split again and runs off the page (test_long_word_and_long_url_wrap_...).
_FIXED_STYLE: dict[str, Any] = {
    "firstLineIndent": 0,
    "allowWidows": 0,
    "allowOrphans": 0,
    "splitLongWords": 1,
    "wordWrap": None,
    "uriWasteReduce": 0,
    "hyphenationLang": "",
    "embeddedHyphenation": 0,
    "shaping": 0,
    "justifyLastLine": 0,
}


def render_pdf(document: Document, theme: Theme) -> bytes:
    """The document as PDF bytes; the same Document and Theme always give the same bytes."""
    return render_pdf_counted(document, theme)[0]


def render_pdf_counted(document: Document, theme: Theme) -> tuple[bytes, int]:
    """The document as PDF bytes, and how many pages it has."""
    if laid_out(document, theme):
        kept = _LAID_OUT.pop(id(document))
        return kept.save(), kept.pages
    out = io.BytesIO()
    pages = _build(document, theme, out)
    return out.getvalue(), pages


class _TooLong(Exception):
    """A page beyond the ones :func:`fits_pages` allows has begun."""


@dataclass
class _LaidOut:
    """A document laid out in full by :func:`fits_pages`, its file not yet written."""

    document: Document
    theme: Theme
    template: BaseDocTemplate
    out: io.BytesIO
    pages: int

    def save(self) -> bytes:
        """The file: what :func:`_build` writes for the same document and theme."""
        with _pinned_rl_config(), _compression_kept():
            self.template.canv.save()
        return self.out.getvalue()


_LAID_OUT: dict[int, _LaidOut] = {}
"""The last document :func:`fits_pages` found to fit, by its ``id``: a fact sheet is laid
out to know that it fits one page, then rendered as PDF with that same layout."""


def laid_out(document: Document, theme: Theme) -> bool:
    """Whether :func:`fits_pages` laid this very document out on ``theme`` (its PDF then
    costs only its writing)."""
    found = _LAID_OUT.get(id(document))
    return found is not None and found.document is document and found.theme == theme


def fits_pages(document: Document, theme: Theme, pages: int) -> bool:
    """Whether the document's layout takes at most ``pages`` pages. The layout stops as the
    first page beyond them begins, so a long document costs no more than those pages. One
    that fits is kept, unwritten, for :func:`render_pdf_counted` of the same document and
    theme: the layout is the PDF's own (page furniture included), only its writing waits."""
    out = io.BytesIO()
    try:
        template, count = _lay_out(document, theme, out, stop_after=pages)
    except _TooLong:
        return False
    _LAID_OUT.clear()  # one kept at a time: the document just composed
    _LAID_OUT[id(document)] = _LaidOut(document, theme, template, out, count)
    return True


def _build(document: Document, theme: Theme, out: io.BytesIO) -> int:
    """Lay the document out and write it into ``out``; return its page count."""
    template, pages = _lay_out(document, theme, out)
    with _pinned_rl_config(), _compression_kept():
        template.canv.save()
    return pages


def _lay_out(
    document: Document, theme: Theme, out: io.BytesIO, stop_after: int | None = None
) -> tuple[BaseDocTemplate, int]:
    """Lay the document out, not yet written (its canvas holds the pages until saved), and
    count its pages; with ``stop_after``, raise :class:`_TooLong` as page ``stop_after + 1``
    begins."""
    chain = FontChain.of(theme)
    story = _Story(theme, chain).blocks(document.blocks)
    meta = document.metadata
    template = BaseDocTemplate(
        out,
        pagesize=(theme.page_width_pt, theme.page_height_pt),
        leftMargin=theme.margin_left_mm * MM,
        rightMargin=theme.margin_right_mm * MM,
        topMargin=theme.margin_top_mm * MM,
        bottomMargin=theme.margin_bottom_mm * MM,
        title=clean(meta.title),
        author=clean(meta.author),
        subject=clean(meta.subject),
        keywords=", ".join(clean(k) for k in meta.keywords),
        creator="memo-gen",
        lang=meta.language,
        displayDocTitle=1,
        invariant=1,
        pageCompression=1,
        # Without it every page would start with a Helvetica Tf (an unembedded font).
        initialFontName=face_name(chain.primary),
        initialFontSize=theme.size_pt,
    )
    # No frame padding: the text block is exactly the theme's, as in the DOCX.
    frame = Frame(
        template.leftMargin,
        template.bottomMargin,
        template.width,
        template.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="text",
    )
    furniture = _Furniture(document.furniture, theme, chain)
    # onPage runs when a page begins, before its flowables are drawn: the watermark goes
    # first in the page's content and so lies behind the text.
    on_page: Any = furniture.watermark
    maker: Any = functools.partial(_PagedCanvas, furniture=furniture, created=meta.created)
    if stop_after is not None:
        on_page = functools.partial(_stop_beyond, stop_after, furniture.watermark)
    template._doSave = 0  # written by the caller, if at all
    page = PageTemplate(id="page", frames=[frame], onPage=on_page)
    template.addPageTemplates([page])
    with _pinned_rl_config():
        try:
            template.build(story or [Spacer(1, 0)], canvasmaker=maker)
        except LayoutError as exc:
            detail = str(exc).split("\n", 1)[0][:300]
            raise TemplateError(
                f"the PDF cannot be laid out: a block is too large for a page ({detail})"
            ) from exc
    return template, int(template.page)


def _stop_beyond(last: int, then: Any, canvas: Canvas, doc: BaseDocTemplate) -> None:
    """The page callback of a measurement: page ``last + 1`` must not begin; a page that
    may begins as it would in the file (``then``)."""
    if doc.page > last:
        raise _TooLong
    then(canvas, doc)


@contextlib.contextmanager
def _pinned_rl_config() -> Iterator[None]:
    missing = object()
    saved = {name: getattr(rl_config, name, missing) for name in _PINNED_RL_CONFIG}
    try:
        for name, value in _PINNED_RL_CONFIG.items():
            setattr(rl_config, name, value)
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                delattr(rl_config, name)
            else:
                setattr(rl_config, name, value)


class _KeptCompression(pdfdoc.PDFStreamFilterZCompress):  # type: ignore[misc]
    """ReportLab's Flate filter, each stream compressed once: a document written again
    (``memo-gen watch``) has mostly the same font subsets and CMaps, whose compression is
    half of a fact sheet's. The same bytes compress to the same bytes."""

    def __init__(self) -> None:
        self.kept: dict[bytes, bytes] = {}

    def encode(self, text: str | bytes) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else text
        found = self.kept.pop(data, None)
        if found is None:
            found = zlib.compress(data)
            if len(self.kept) >= _COMPRESSED_MAX:
                del self.kept[next(iter(self.kept))]  # the one used least lately
        self.kept[data] = found
        return found


_COMPRESSED_MAX = 256
"""Streams kept compressed (a page's content changes with its text: mostly fonts')."""
_KEPT_COMPRESSION = _KeptCompression()


@contextlib.contextmanager
def _compression_kept() -> Iterator[None]:
    """ReportLab compressing streams with :class:`_KeptCompression` while a file is
    written (its filter is looked up by name as each stream is made)."""
    default = pdfdoc.PDFZCompress
    pdfdoc.PDFZCompress = _KEPT_COMPRESSION
    try:
        yield
    finally:
        pdfdoc.PDFZCompress = default


@dataclass
class _Remembered:
    """What the PDF backend keeps of the paragraphs it made with one theme.

    A record saved again (``memo-gen watch``), rendered in several formats or as a draft has
    mostly the same paragraphs. Building a paragraph's markup (each letter's font) and
    parsing it is a fifth of a PDF's time, and breaking its lines about as much: each is
    done once per paragraph (and width). ReportLab's fragments and lines are read by a
    layout, never changed (it marks fragments as text, the same mark each time; splitting
    a paragraph makes new ones), so paragraphs of equal markup and style share them."""

    parsed: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], Any]] = default(default_factory=dict)
    """By look, runs and marker: the markup as ReportLab cleaned it, its fragments, the
    bullet's fragments."""
    lines: dict[tuple[Any, ...], tuple[Any, ...]] = default(default_factory=dict)
    """By the same and a width: the paragraph as its first layout at that width left it."""

    def keep(self, store: dict[Any, Any], key: Any, value: Any) -> None:
        if len(store) >= _REMEMBERED_MAX:  # a record edited for hours: start afresh
            store.clear()
        store[key] = value


_REMEMBERED: dict[str, _Remembered] = {}
"""By theme (its ``repr``)."""
_REMEMBERED_MAX = 5_000
"""Paragraphs (and paragraph widths) kept per theme, at most (about 6 kB each: 30 MB)."""


class _Paragraph(RLParagraph):  # type: ignore[misc]
    """ReportLab's Paragraph, laid out once per width.

    ReportLab lays a paragraph out again each time it asks for its size: a table's cells to
    size its rows and again to draw them, a heading kept with what follows once for the
    group and again on the page. A paragraph's lines depend on the width alone (and its text
    and style, which do not change), so a second call for the same width keeps the lines of
    the first, as long as they are still the paragraph's (splitting a paragraph can drop
    them): half the calls of a memorandum, with the same result. A paragraph not yet laid
    out takes the lines an equal paragraph had at that width (:class:`_Remembered`).
    """

    _wrapped: tuple[float, Any, tuple[float, float]] | None = None
    """The width of the last layout, its lines, and the size it gave."""
    _remembered: _Remembered | None = None
    _key: tuple[Any, ...] = ()
    width: float
    height: float

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        wrapped = self._wrapped
        if (
            wrapped is not None
            and wrapped[0] == availWidth
            and self.__dict__.get("blPara") is wrapped[1]
            and (self.width, self.height) == wrapped[2]
        ):
            return wrapped[2]
        remembered = self._remembered if wrapped is None else None  # as parsed: never laid out
        key = (self._key, availWidth)
        kept = remembered.lines.get(key) if remembered is not None else None
        if kept is not None:
            frags, lines, widths, width, height = kept
            self.frags, self.blPara, self._wrapWidths = list(frags), lines, list(widths)
            self.width, self.height = width, height
            size: tuple[float, float] = (width, height)
        else:
            size = super().wrap(availWidth, availHeight)
            if remembered is not None and "blPara" in self.__dict__:
                lines = (tuple(self.frags), self.blPara, tuple(self._wrapWidths), *size)
                remembered.keep(remembered.lines, key, lines)
        self._wrapped = (availWidth, self.__dict__.get("blPara"), size)
        return size


@dataclass(frozen=True)
class _Look:
    """A ReportLab style plus the bold/italic its text starts in (for choosing fallback faces)."""

    style: RLStyle
    bold: bool
    italic: bool
    key: tuple[Any, ...] = ()
    """What made the style (with the theme): equal keys, equal styles."""


class _Story:
    """Turns the model's blocks into ReportLab flowables."""

    def __init__(self, theme: Theme, chain: FontChain) -> None:
        self.theme, self.chain = theme, chain
        self.width = theme.text_width_pt
        self.ink = parse_colour(theme.colour, "text colour")
        self._looks: dict[tuple[Any, ...], _Look] = {}
        if len(_REMEMBERED) >= 8:  # a few themes per process
            _REMEMBERED.clear()
        self._remembered = _REMEMBERED.setdefault(repr(theme), _Remembered())

    def look(
        self,
        name: str,
        *,
        size: float | None = None,
        bold: bool | None = None,
        italic: bool | None = None,
        align: str | None = None,
        indent: float = 0.0,
        before: float | None = None,
        after: float | None = None,
        colour: str | None = None,
        keep_with_next: bool = False,
    ) -> _Look:
        """The style ``name`` of the theme, with the given settings overriding it."""
        t, theme = self.theme.style(name), self.theme
        size = size if size is not None else t.size_pt or theme.size_pt
        bold = t.bold if bold is None else bold
        italic = t.italic if italic is None else italic
        align = align or t.align or "left"
        if align not in _ALIGN:
            raise TemplateError(
                f"theme: style {name!r} has alignment {align!r}, not one of {', '.join(_ALIGN)}"
            )
        before = t.space_before_pt if before is None else before
        if after is None:
            after = theme.space_after_pt if t.space_after_pt is None else t.space_after_pt
        key = (name, size, bold, italic, align, indent, before, after, colour, keep_with_next)
        if key not in self._looks:
            face = face_name(self.chain.primary, bold, italic)
            style = RLStyle(
                f"memo-{len(self._looks)}",
                fontName=face,
                fontSize=size,
                leading=size * theme.leading,
                alignment=_ALIGN[align],
                leftIndent=t.indent_mm * MM + indent,
                spaceBefore=before,
                spaceAfter=after,
                textColor=parse_colour(colour, "heading colour") if colour else self.ink,
                bulletFontName=face,
                bulletFontSize=size,
                bulletIndent=t.indent_mm * MM,
                keepWithNext=int(keep_with_next),
                **_FIXED_STYLE,
            )
            self._looks[key] = _Look(style, bold, italic, key)
        return self._looks[key]

    def para(self, runs: Sequence[Run], look: _Look, marker: str | None = None) -> RLParagraph:
        remembered, key = self._remembered, (look.key, tuple(runs), marker)
        parsed = remembered.parsed.get(key)
        if parsed is not None:
            text, frags, bullet = parsed
            paragraph = _Paragraph(text, look.style, bulletText=bullet, frags=list(frags))
        else:
            text = "".join(self.chain.run_markup(run, look.bold, look.italic) for run in runs)
            if marker is not None:
                marker_markup = self.chain.run_markup(Run(marker), look.bold, look.italic)
                text = f"<bullet>{marker_markup}</bullet>{text}"
            paragraph = _Paragraph(text, look.style)
            if paragraph.style is not look.style or not look.key:
                return paragraph  # (never, for memo-gen's markup and styles)
            parsed = (paragraph.text, tuple(paragraph.frags), paragraph.bulletText)
            remembered.keep(remembered.parsed, key, parsed)
        paragraph._remembered, paragraph._key = remembered, key
        return paragraph

    def blocks(self, blocks: Sequence[Block]) -> list[Flowable]:
        story: list[Flowable] = []
        charts: list[Chart] = []  # consecutive charts share rows
        for index, block in enumerate(blocks):
            if isinstance(block, Chart):
                charts.append(block)
                continue
            story.extend(self.charts(charts))
            charts = []
            flowables = self.block(block)
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            # The drafted / cleared / approved / distribution lines stay on one page.
            if _is_signature(block) and _is_signature(following) and flowables:
                flowables[-1].keepWithNext = 1
            story.extend(flowables)
        story.extend(self.charts(charts))
        return story

    def charts(self, charts: Sequence[Chart]) -> list[Flowable]:
        """Charts in rows, each row one vector drawing (the DOCX shows a picture of it)."""
        theme, out = self.theme, []
        # At most the height of the text block: a drawing cannot split across pages.
        room = theme.page_height_pt - (theme.margin_top_mm + theme.margin_bottom_mm) * MM
        room -= theme.space_after_pt
        for row in chart_rows(charts, self.width):
            drawing = chart_row_drawing(row, theme, self.chain, self.width, room)
            out += [drawing, Spacer(1, theme.space_after_pt)]
        return out

    def block(self, block: Block) -> list[Flowable]:
        theme = self.theme
        if isinstance(block, Heading):
            sizes = theme.heading_sizes_pt or (theme.size_pt,)
            size = sizes[min(max(block.level, 1), len(sizes)) - 1]
            look = self.look(
                "heading",
                size=size,
                bold=True,
                italic=False,
                align="left",
                before=theme.heading_space_before_pt,
                after=theme.heading_space_after_pt,
                colour=theme.heading_colour,
                keep_with_next=True,
            )
            return [self.para(block.runs, look)]
        if isinstance(block, Paragraph):
            return [self.paragraph(block)]
        if isinstance(block, List):
            return self.list_block(block)
        if isinstance(block, Table):
            return self.table(block)
        if isinstance(block, HeaderBlock):
            return self.header_block(block)
        if isinstance(block, Chart):
            return self.charts([block])
        if isinstance(block, Rule):
            line_colour = parse_colour(theme.table_border, "table border")
            rule = HRFlowable(
                width="100%",
                thickness=0.5,
                color=line_colour,
                spaceBefore=2,
                spaceAfter=theme.space_after_pt,
            )
            rule.keepWithNext = 1  # a rule opens what follows; it never ends a page alone
            return [rule]
        if isinstance(block, PageBreak):
            return [RLPageBreak()]
        raise TypeError(f"unknown block {type(block).__name__}")

    def hang(self, markers: Sequence[str], look: _Look) -> float:
        """Width of a hanging indent that fits every marker (long numbers push it wider)."""
        widest = max(self.chain.width(m, look.style.fontSize, look.bold) for m in markers)
        # ReportLab starts the text at least 0.6 em after the marker's end.
        return max(self.theme.list_indent_mm * MM, widest + 0.6 * float(look.style.fontSize) + 0.5)

    def paragraph(
        self,
        block: Paragraph,
        marker: str | None = None,
        hang: float | None = None,
        after: float | None = None,
    ) -> RLParagraph:
        """A paragraph; with a marker (its number, a bullet) or a hang, in a hanging indent."""
        marker = block.number if marker is None else marker
        keep = block.keep_with_next
        look = self.look(block.style, align=block.align, after=after, keep_with_next=keep)
        if marker is None and hang is None:
            return self.para(block.runs, look)
        if hang is None:
            # "00." too, so that paragraphs 9 and 10 keep their text in one column.
            hang = self.hang([marker or "", "00."], look)
        look = self.look(
            block.style, align=block.align, after=after, indent=hang, keep_with_next=keep
        )
        return self.para(block.runs, look, marker)

    def list_block(self, block: List) -> list[Flowable]:
        numbers = range(block.start, block.start + len(block.items))
        markers = [f"{n}." if block.ordered else "\u2022" for n in numbers]
        if not markers:
            return []
        hang = self.hang(markers, self.look("body"))
        out: list[Flowable] = []
        for marker, item in zip(markers, block.items, strict=True):
            for index, para in enumerate(item.blocks):
                # Paragraphs of one item sit close; the item's last one takes the full space.
                after = 2.0 if index < len(item.blocks) - 1 else None
                out.append(self.paragraph(para, marker if index == 0 else None, hang, after))
        return out

    def table(self, block: Table) -> list[Flowable]:
        columns = max([len(block.header), len(block.widths), *(len(r) for r in block.rows)])
        if columns == 0 or not (block.header or block.rows):
            return []
        widths = list(block.widths)
        if len(widths) != columns or not all(w > 0 and math.isfinite(w) for w in widths):
            widths = [1.0] * columns
        align = [*block.align, *["left"] * columns][:columns]
        size = self.theme.table_size_pt
        head = [
            self.look("table", size=size, bold=True, italic=False, align=a, before=0, after=0)
            for a in align
        ]
        body = [
            self.look("table", size=size, bold=False, italic=False, align=a, before=0, after=0)
            for a in align
        ]
        data = [[self.para(c, head[i]) for i, c in enumerate(_pad(block.header, columns))]]
        data = data if block.header else []
        data += [
            [self.para(c, body[i]) for i, c in enumerate(_pad(r, columns))] for r in block.rows
        ]
        pad = self.theme.table_padding_pt
        border = parse_colour(self.theme.table_border, "table border")
        style: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), face_name(self.chain.primary)),
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), self.theme.table_border_pt, border),
            *[
                (f"{side}PADDING", (0, 0), (-1, -1), pad)
                for side in ("LEFT", "RIGHT", "TOP", "BOTTOM")
            ],
        ]
        if block.header:
            fill = parse_colour(self.theme.table_header_fill, "table header fill")
            style.append(("BACKGROUND", (0, 0), (-1, 0), fill))
        # splitInRow lets a row taller than a page break inside its cells instead of raising
        # LayoutError; repeatRows carries the header onto every page the table spans.
        table = RLTable(
            data,
            colWidths=[self.width * w / sum(widths) for w in widths],
            style=style,
            hAlign="LEFT",
            repeatRows=1 if block.header else 0,
            splitByRow=1,
            splitInRow=1,
        )
        return [table, Spacer(1, self.theme.space_after_pt)]

    def header_block(self, block: HeaderBlock) -> list[Flowable]:
        if not block.fields:
            return []
        label_look = self.look("body", bold=True, italic=False, align="left", before=0, after=0)
        value_look = self.look("body", align="left", before=0, after=0)
        label_mm = block.label_width_mm or self.theme.header_label_width_mm
        label_width = min(label_mm * MM, self.width / 2)
        data = []
        for field in block.fields:
            label = field.label if field.label.rstrip().endswith(":") else f"{field.label}:"
            data.append([self.para((Run(label),), label_look), self.para(field.value, value_look)])
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTNAME", (0, 0), (-1, -1), face_name(self.chain.primary)),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
        table = RLTable(
            data,
            colWidths=[label_width, self.width - label_width],
            style=style,
            hAlign="LEFT",
            splitByRow=1,
            splitInRow=1,
        )
        after = self.theme.header_space_after_pt
        if not self.theme.header_rule:
            return [table, Spacer(1, after)]
        rule = HRFlowable(
            width="100%", thickness=0.75, color=self.ink, spaceBefore=4, spaceAfter=after
        )
        return [table, rule]


def _is_signature(block: Block | None) -> bool:
    return isinstance(block, Paragraph) and block.style == "signature"


def _pad(cells: Sequence[tuple[Run, ...]], columns: int) -> list[tuple[Run, ...]]:
    return [*cells, *[()] * (columns - len(cells))]


class _Furniture:
    """Draws the watermark on a new page; the banners, the footer and ``Page X of Y`` on a
    finished one."""

    def __init__(self, furniture: Furniture, theme: Theme, chain: FontChain) -> None:
        self.f, self.theme, self.chain = furniture, theme, chain
        self.banner_colour = parse_colour(theme.banner_colour, "banner colour")
        self.footer_colour = parse_colour(theme.footer_colour, "footer colour")
        self.watermark_colour = parse_colour(theme.watermark_colour, "watermark colour")

    def watermark(self, canvas: Canvas, doc: Any = None) -> None:
        """The watermark, large, bold and light, centred along the page's rising diagonal.

        Opaque grey, not transparency: PDF/A-2 allows transparency, but memo-gen's files have
        none, so no question of a blending colour space arises, and an opaque grey prints the
        same everywhere; the text drawn over it stays black. Its size and slant are the DOCX's
        (backends.watermark). It is text in the embedded fonts, wrapped in a span with its
        ActualText: pdftotext and the like do not join letters set on a slant into a word,
        and read the ActualText instead.
        """
        text = _line(self.f.watermark or "")
        shape = watermark_geometry(text, self.theme)
        if shape.size <= 0:
            return
        width, height = self.theme.page_width_pt, self.theme.page_height_pt
        canvas.saveState()
        canvas.setFillColor(self.watermark_colour)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(shape.angle)
        # The baseline half a cap height below the centre centres the capitals on it.
        baseline = -shape.cap_height / 2
        canvas.addLiteral(f"/Span <</ActualText {_pdf_text_string(text)}>> BDC")
        self.chain.draw(canvas, text, 0.0, baseline, shape.size, True, "centre", 0.0)
        canvas.addLiteral("EMC")
        canvas.restoreState()

    def paint(self, canvas: Canvas, page: int, pages: int) -> None:
        theme, f, chain = self.theme, self.f, self.chain
        left, right = theme.margin_left_mm * MM, theme.page_width_pt - theme.margin_right_mm * MM
        middle, size, room = (left + right) / 2, theme.banner_size_pt, right - left
        lines = [(f.classification, theme.banner_bold, size), (f.handling, False, size - 1)]
        banners = [(_line(text), bold, s) for text, bold, s in lines if text and text.strip()]
        label = footer = ""
        if f.page_numbers:
            label = _line(f.page_label.replace("{pages}", str(pages)).replace("{page}", str(page)))
        if f.footer:
            footer = _line(f.footer)
        small, gap = theme.footer_size_pt, 12.0
        label_w, footer_w = chain.width(label, small), chain.width(footer, small)
        canvas.saveState()
        canvas.setFillColor(self.footer_colour)
        y = theme.footer_distance_mm * MM
        if label:
            chain.draw(canvas, label, right, y, small, False, "right", room)
        if footer:
            chain.draw(canvas, footer, left, y, small, False, "left", room - label_w - gap)
        canvas.setFillColor(self.banner_colour)
        # The classification is the outermost line at both edges, the caveat inside it. At the
        # bottom it shares the footer line when it fits between the footer and the page number.
        if banners:
            half = chain.width(banners[0][0], size, banners[0][1]) / 2
            fits = left + footer_w + gap <= middle - half and middle + half <= right - label_w - gap
            y += 0 if fits or not (label or footer) else small * 1.4
        for text, bold, s in banners:
            chain.draw(canvas, text, middle, y, s, bold, "centre", room)
            y += s * 1.25
        y = theme.page_height_pt - theme.header_distance_mm * MM - size
        for text, bold, s in banners:
            chain.draw(canvas, text, middle, y, s, bold, "centre", room)
            y -= s * 1.25
        canvas.restoreState()


def _line(text: str) -> str:
    return clean(text).replace("\n", " ").strip()


def _pdf_text_string(text: str) -> str:
    """A PDF text string in hex, UTF-16BE with its byte order mark: any letter, no escapes."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class _PagedCanvas(Canvas):  # type: ignore[misc]
    """A canvas that holds every page until the end, so each can say ``Page X of Y``."""

    def __init__(
        self, *args: Any, furniture: _Furniture, created: dt.datetime | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._held: list[dict[str, Any]] = []
        _set_creation_date(self._doc, created)

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._furniture.paint(self, number, pages)
            super().showPage()
        super().save()


class _Stamp:
    """Stands in for ReportLab's TimeStamp: the document's own date, not now or the env."""

    def __init__(self, when: dt.datetime) -> None:
        when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        minutes = int((when.utcoffset() or dt.timedelta()).total_seconds() // 60)
        self.t = when.timestamp()
        self.lt = time.struct_time((*when.timetuple()[:8], 0))
        self.YMDhms = tuple(when.timetuple())[:6]
        self.dhh, self.dmm = int(minutes / 60), abs(minutes) % 60
        self.tzname = when.tzname() or "UTC"


def _set_creation_date(pdf_doc: Any, created: dt.datetime | None) -> None:
    stamp = _Stamp(created or _EPOCH_2000)
    pdf_doc._timeStamp = stamp
    # ReportLab seeds the file /ID from its own timestamp (which SOURCE_DATE_EPOCH changes);
    # reseed it from ours so that the bytes depend on the document alone.
    signature = hashlib.md5(usedforsecurity=False)
    signature.update(b"a reportlab document")
    signature.update(ascii(stamp.t).encode())
    pdf_doc.signature = signature
