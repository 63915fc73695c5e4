"""The DOCX backend: a :class:`~memo_gen.document.Document` as a Word file.

It starts from python-docx's bundled template and removes what that template says about
itself (thumbnail, creator, 2013 dates, theme fonts, Word 2010 leftovers). Every style it
uses is rewritten from the theme, so the DOCX looks and paginates like the PDF. The blocks are
written as WordprocessingML directly: faster than python-docx's object layer, and the only way
to get real fields, repeating table headers and exact cell widths.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterable, Iterator
from typing import Any

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Emu, Twips

from memo_gen.backends.docx_xml import (
    Element,
    ParaLook,
    RunLook,
    TableLook,
    WatermarkLook,
    column_widths,
    define_style,
    el,
    has_theme_font,
    language_tag,
    mm_twips,
    package_bytes,
    page_break_paragraph,
    page_label_runs,
    paragraph,
    pin_fonts,
    ppr,
    pt_twips,
    replace_children,
    rpr,
    set_core_properties,
    strip_template,
    sub,
    table,
    text_run,
    watermark_run,
)
from memo_gen.backends.theme import MM, Theme
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
    clean,
    followable,
)

_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
_STYLE_NAMES = {
    "body": "Normal",
    "letterhead": "Letterhead",
    "title": "Title",
    "subtitle": "Subtitle",
    "quote": "Quote",
    "note": "Note",
    "signature": "Signature",
}
# The signature block stays together, like the PDF keeps it.
_KEEP_WITH_NEXT = frozenset({"letterhead", "title", "subtitle", "signature"})
_LINK_COLOUR = "#0B4F9C"
# An empty paragraph exactly 1 pt high: carries a page break or closes a table.
_SPACER = ParaLook(before=0, after=0, line=20, line_rule="exact", mark=RunLook(size_pt=1))


def render_docx(document: Document, theme: Theme) -> bytes:
    """The document as the bytes of a .docx file; the same input gives the same bytes."""
    lang = language_tag(document.metadata.language)
    prepared = _prepared(theme, lang)
    word = docx.Document(io.BytesIO(prepared.package))
    ids = prepared.ids
    writer = _Writer(word.part, theme, ids, prepared.blocks)
    for block in document.blocks:
        writer.block(block)
    body = word.element.body
    section = body.find(qn("w:sectPr"))
    for element in writer.finish():
        section.addprevious(element)
    _furniture(word, document.furniture, theme, ids)
    set_core_properties(word, document.metadata, lang)
    styles = {prepared.styles_name: prepared.styles}
    return package_bytes(word, document.metadata.created, styles)


@dataclasses.dataclass(frozen=True)
class _Prepared:
    """python-docx's template made memo-gen's (stripped, its styles rewritten from the theme,
    the page set up), once per process for each theme and language.

    Its styles part, 350 KB of the template's 370, is kept aside as bytes and emptied in the
    package: each document opens the small rest and gets the styles back when its zip is
    written, so no document parses, searches or serialises them again.
    """

    package: bytes
    ids: _StyleIds
    styles_name: str
    styles: bytes
    blocks: dict[tuple[Block, bool, bool], tuple[tuple[Element, ...], bool]] = dataclasses.field(
        default_factory=dict, compare=False
    )
    """The body elements blocks gave in documents of this theme and language
    (:meth:`_Writer.block`)."""


_BLOCKS_MAX = 4_000
"""Blocks whose elements are kept per theme and language, at most."""

_PREPARED: dict[tuple[str, str], _Prepared] = {}


def _prepared(theme: Theme, lang: str) -> _Prepared:
    key = (repr(theme), lang)
    if key not in _PREPARED:
        if len(_PREPARED) >= 8:  # a few themes and languages per process, 0.4 MB each
            del _PREPARED[next(iter(_PREPARED))]
        word = docx.Document()
        strip_template(word, lang)
        ids = _set_up_styles(word.styles, theme, lang)
        _set_up_page(word, theme)
        part: Any = word.part.part_related_by(RT.STYLES)
        styles = part.blob
        replace_children(part.element, [])
        saved = io.BytesIO()
        word.save(saved)
        _PREPARED[key] = _Prepared(saved.getvalue(), ids, part.partname.membername, styles)
    return _PREPARED[key]


@dataclasses.dataclass(frozen=True)
class _StyleIds:
    """Style ids, looked up once: a paragraph names its style by id, not by name."""

    paragraph: dict[str, str]
    headings: tuple[str, ...]
    table: str
    header: str
    footer: str


class _Writer:
    """Turns blocks into body elements, in order."""

    def __init__(
        self,
        part: Any,
        theme: Theme,
        ids: _StyleIds,
        kept: dict[tuple[Block, bool, bool], tuple[tuple[Element, ...], bool]] | None = None,
    ) -> None:
        self._part = part
        self._theme = theme
        self._ids = ids
        self._out: list[Element] = []
        self._break_pending = False
        self._text_width = pt_twips(theme.text_width_pt)
        self._charts: list[Chart] = []
        self._pictures = 0
        self._kept = {} if kept is None else kept
        self._linked = False
        """Whether a link was written (its relationship's id depends on the links before)."""

    def finish(self) -> list[Element]:
        self._flush_charts()
        # A page break with nothing after it would only add a blank page: it is dropped.
        return self._out

    def block(self, block: Block) -> None:
        if isinstance(block, Chart):
            self._charts.append(block)  # consecutive charts share rows, as in the PDF
            return
        self._flush_charts()
        if isinstance(block, PageBreak):
            self._break_pending = True
            return
        # A record saved again (memo-gen watch) or rendered again has mostly the same blocks:
        # each block's elements are made once and copied (a block's elements depend on the
        # block, the theme and language, and whether a page break is pending and anything
        # came before it), except where they hold a link, whose id depends on what came
        # before.
        key = (block, self._break_pending, not self._out)
        kept = self._kept.get(key)
        if kept is not None:
            elements, self._break_pending = kept
            self._out += [element.__deepcopy__(None) for element in elements]
            return
        start, self._linked = len(self._out), False
        self._build(block)
        if not self._linked:
            if len(self._kept) >= _BLOCKS_MAX:  # a record edited for hours: start afresh
                self._kept.clear()
            elements = tuple(element.__deepcopy__(None) for element in self._out[start:])
            self._kept[key] = (elements, self._break_pending)

    def _build(self, block: Block) -> None:
        match block:
            case Heading():
                level = min(max(block.level, 1), len(self._ids.headings))
                self._emit(ParaLook(style_id=self._ids.headings[level - 1]), self._runs(block.runs))
            case Paragraph():
                self._paragraph(block)
            case List():
                self._list(block)
            case Table():
                self._table(block)
            case HeaderBlock():
                self._header_block(block)
            case Rule():
                theme = self._theme
                # A rule opens what follows (the signature block): it never ends a page alone.
                rule = _rule(2, 0.5, theme.table_border, theme.space_after_pt)
                self._emit(dataclasses.replace(rule, keep_next=True))

    def _emit(self, look: ParaLook, runs: Iterable[Element] = ()) -> None:
        if self._break_pending:
            look = dataclasses.replace(look, page_break_before=True)
            self._break_pending = False
        if look.page_break_before or not self._out:
            # ReportLab drops the space before a page's first paragraph; Word and LibreOffice
            # keep it. Dropping it here too keeps both formats at the same height.
            look = dataclasses.replace(look, before=0)
        self._out.append(paragraph(look, runs))

    def _emit_table(self, tbl: Element, after: ParaLook) -> None:
        if self._break_pending:
            # Word ignores pageBreakBefore inside a table, so the break gets its own line.
            self._out.append(page_break_paragraph(_SPACER))
            self._break_pending = False
        self._out.append(tbl)
        # A paragraph after every table keeps two tables from merging into one.
        self._out.append(paragraph(after))

    def _runs(self, runs: Iterable[Run], bold: bool = False) -> Iterator[Element]:
        for run in runs:
            look = RunLook(bold=run.bold or bold, italic=run.italic)
            target = _link_target(run.link)
            if target is None:
                yield text_run(run.text, look)
                continue
            self._linked = True
            rid = self._part.relate_to(target, RT.HYPERLINK, is_external=True)
            link = el("w:hyperlink", {"r:id": rid})
            link.append(
                text_run(run.text, dataclasses.replace(look, colour=_LINK_COLOUR, underline=True))
            )
            yield link

    def _hang(self, markers: Iterable[str], style: str) -> float:
        """Width in mm of a hanging indent that fits every marker, as the PDF sizes it."""
        size = self._theme.style(style).size_pt or self._theme.size_pt
        widest = max((_marker_width_pt(marker, size) for marker in markers), default=0.0)
        return max(self._theme.list_indent_mm, (widest + 5) / MM)

    def _paragraph(
        self,
        para: Paragraph,
        marker: str | None = None,
        hang_mm: float | None = None,
        after_pt: float | None = None,
    ) -> None:
        """A paragraph; with a marker (its number, a bullet) or a hang, in a hanging indent
        where the marker is followed by a tab."""
        runs = list(self._runs(para.runs))
        if hang_mm is None and para.number is not None:
            marker = para.number  # a list's marker replaces a paragraph's own number
        style = self._theme.style(para.style)
        look = ParaLook()
        if marker is not None or hang_mm is not None:
            hang = self._hang([marker or ""], para.style) if hang_mm is None else hang_mm
            look = ParaLook(left=mm_twips(style.indent_mm + hang))
            if marker is not None:
                runs[:0] = [text_run(marker), text_run("\t")]
                look = dataclasses.replace(look, hanging=mm_twips(hang))
        look = dataclasses.replace(
            look,
            style_id=self._ids.paragraph.get(para.style, self._ids.paragraph["body"]),
            jc=_JC.get(para.align or ""),
            after=None if after_pt is None else pt_twips(after_pt),
            keep_next=para.keep_with_next,
        )
        self._emit(look, runs)

    def _list(self, items: List) -> None:
        numbers = range(items.start, items.start + len(items.items))
        markers = [f"{n}." if items.ordered else "\u2022" for n in numbers]
        hang = self._hang(markers, "body")
        for marker, item in zip(markers, items.items, strict=True):
            blocks = item.blocks or (Paragraph(runs=()),)
            for index, para in enumerate(blocks):
                # Paragraphs of one item sit close; the item's last one takes the full space.
                after = 2.0 if index < len(blocks) - 1 else None
                self._paragraph(para, marker if index == 0 else None, hang, after)

    def _table(self, data: Table) -> None:
        rows = [(True, data.header)] if data.header else []
        rows += [(False, row) for row in data.rows]
        columns = max((len(row) for _, row in rows), default=0)
        if columns == 0:
            return  # a table without cells is not valid WordprocessingML
        theme = self._theme
        look = TableLook(
            columns=column_widths(data.widths, columns, self._text_width),
            border=(theme.table_border_pt, theme.table_border),
            # LibreOffice adds the lines' width to a row's height; ReportLab does not.
            padding=(
                pt_twips(max(0.0, theme.table_padding_pt - theme.table_border_pt / 2)),
                pt_twips(theme.table_padding_pt),
            ),
            header_fill=theme.table_header_fill,
        )
        aligns = [*data.align[:columns], *["left"] * (columns - len(data.align))]
        cell_looks = [ParaLook(style_id=self._ids.table, jc=_JC.get(align)) for align in aligns]
        built = []
        for header, row in rows:
            cells = row + ((),) * (columns - len(row))
            paras = [
                paragraph(cell_looks[c], self._runs(cell, header)) for c, cell in enumerate(cells)
            ]
            built.append((header, paras))
        gap = dataclasses.replace(_SPACER, line=pt_twips(theme.space_after_pt))
        self._emit_table(table(look, built), gap)

    def _header_block(self, block: HeaderBlock) -> None:
        if not block.fields:
            return
        theme = self._theme
        label_mm = block.label_width_mm or theme.header_label_width_mm
        label_width = min(mm_twips(label_mm), self._text_width // 2)
        look = TableLook(
            columns=(label_width, self._text_width - label_width), border=None, padding=(0, 0)
        )
        # Rows as the PDF spaces them: 1.5 pt above and below each line, labels in bold.
        row_look = ParaLook(style_id=self._ids.paragraph["body"], before=30, after=30)
        # A header block is a few lines: it stays on one page, as the PDF keeps it.
        keep = dataclasses.replace(row_look, keep_next=True)
        rows = []
        for index, field in enumerate(block.fields):
            label = clean(field.label).strip()
            label = label if not label or label.endswith(":") else f"{label}:"
            row = keep if index < len(block.fields) - 1 else row_look
            cells = [
                paragraph(row, [text_run(label, RunLook(bold=True))]),
                paragraph(row, self._runs(field.value)),
            ]
            rows.append((False, cells))
        if theme.header_rule:
            after = _rule(4, 0.75, theme.colour, theme.header_space_after_pt)
        else:
            after = dataclasses.replace(_SPACER, line=pt_twips(theme.header_space_after_pt))
        self._emit_table(table(look, rows), after)

    def _flush_charts(self) -> None:
        """The pending charts, a row at a time, each row a PNG of the drawing the PDF embeds
        (:mod:`memo_gen.backends.chart`), as wide as the text, with the values as alt text."""
        if not self._charts:
            return
        # ReportLab draws the charts: imported only when a document has one.
        from memo_gen.backends.chart import alt_text, chart_png, chart_row_drawing, chart_rows
        from memo_gen.backends.pdf_fonts import FontChain

        theme, charts = self._theme, self._charts
        self._charts = []
        chain, width = FontChain.of(theme), theme.text_width_pt
        room = theme.page_height_pt - (theme.margin_top_mm + theme.margin_bottom_mm) * MM
        look = ParaLook(
            style_id=self._ids.paragraph["body"], before=0, after=pt_twips(theme.space_after_pt)
        )
        for row in chart_rows(charts, width):
            drawing = chart_row_drawing(row, theme, chain, width, room - theme.space_after_pt)
            self._pictures += 1
            run = el("w:r")
            sub(run, "w:drawing").append(
                self._picture(chart_png(drawing), drawing.width, drawing.height, alt_text(row))
            )
            self._emit(look, [run])

    def _picture(self, png: bytes, width_pt: float, height_pt: float, alt: str) -> Element:
        """An inline picture ``width_pt`` × ``height_pt`` with its alt text (``descr``)."""
        rid, _ = self._part.get_or_add_image(io.BytesIO(png))
        number = self._pictures
        size = (Emu(round(width_pt * 12700)), Emu(round(height_pt * 12700)))
        inline = CT_Inline.new_pic_inline(number, rid, f"chart-{number}.png", *size)
        doc_pr = inline.find(qn("wp:docPr"))
        doc_pr.set("name", f"Chart {number}")
        doc_pr.set("descr", clean(alt))
        return inline


def _link_target(link: str | None) -> str | None:
    """The link's target when it is one a reader may follow, else ``None``."""
    if not link:
        return None
    target = clean(link).strip()
    return target if followable(target) else None


def _rule(before_pt: float, width_pt: float, colour: str, after_pt: float) -> ParaLook:
    """An empty paragraph ``before_pt`` high whose bottom border is the line."""
    return dataclasses.replace(
        _SPACER,
        line=pt_twips(before_pt),
        after=pt_twips(after_pt),
        bottom_border=(width_pt, colour),
    )


def _marker_width_pt(marker: str, size: float) -> float:
    """A marker's width in a Times-like face (digits half an em, stops a quarter); the
    DOCX backend has no font metrics, and only needs to size a hanging indent."""
    return sum(0.25 if char in ".,:;" else 0.5 for char in marker) * size


def _set_up_styles(styles: Any, theme: Theme, lang: str) -> _StyleIds:
    root = styles.element
    font = theme.docx_font
    # Theme attributes (asciiTheme …) win over named fonts, so none may survive anywhere.
    for rfonts in root.iter(qn("w:rFonts")):
        if has_theme_font(rfonts):
            pin_fonts(rfonts, font)
    defaults = root.find(qn("w:docDefaults"))
    replace_children(
        defaults.find(qn("w:rPrDefault")), [rpr(RunLook(font, size_pt=theme.size_pt, lang=lang))]
    )
    replace_children(
        defaults.find(qn("w:pPrDefault")), [ppr(ParaLook(after=0, line=240, line_rule="auto"))]
    )

    def line(size: float) -> int:
        return pt_twips(size * theme.leading)

    def text_style(name: str, keep_next: bool = False) -> tuple[ParaLook, RunLook]:
        look = theme.style(name)
        size = look.size_pt or theme.size_pt
        after = theme.space_after_pt if look.space_after_pt is None else look.space_after_pt
        para = ParaLook(
            keep_next=keep_next,
            widow_control=True,
            before=pt_twips(look.space_before_pt),
            after=pt_twips(after),
            line=line(size),
            left=mm_twips(look.indent_mm) if look.indent_mm else None,
            jc=_JC.get(look.align or "left"),
        )
        run = RunLook(font, look.bold, look.italic, theme.colour, size)
        return para, run

    normal = styles["Normal"]
    paragraph_ids = {"body": define_style(styles, "Normal", None, *text_style("body"))}
    for key, name in _STYLE_NAMES.items():
        if key != "body":
            looks = text_style(key, keep_next=key in _KEEP_WITH_NEXT)
            paragraph_ids[key] = define_style(styles, name, normal, *looks)
    headings = []
    for level in (1, 2, 3):
        sizes = theme.heading_sizes_pt or (theme.size_pt,)
        size = sizes[min(level, len(sizes)) - 1]
        para = ParaLook(
            keep_next=True,  # a heading never ends a page alone
            keep_lines=True,
            before=pt_twips(theme.heading_space_before_pt),
            after=pt_twips(theme.heading_space_after_pt),
            line=line(size),
            outline_level=level - 1,
        )
        run = RunLook(font, bold=True, colour=theme.heading_colour, size_pt=size)
        headings.append(define_style(styles, f"Heading {level}", normal, para, run))
    table_id = define_style(
        styles,
        "Table Text",
        normal,
        ParaLook(before=0, after=0, line=line(theme.table_size_pt)),
        RunLook(font, colour=theme.colour, size_pt=theme.table_size_pt),
    )
    banner = ParaLook(before=0, after=0, line=line(theme.banner_size_pt), jc="center")
    banner_run = RunLook(font, colour=theme.banner_colour, size_pt=theme.banner_size_pt)
    header_id = define_style(styles, "Header", normal, banner, banner_run)
    # The footer reference sits at the left, the page number at a right tab at the margin.
    foot = ParaLook(
        tabs=(("right", pt_twips(theme.text_width_pt)),),
        before=0,
        after=0,
        line=line(theme.footer_size_pt),
    )
    foot_run = RunLook(font, colour=theme.footer_colour, size_pt=theme.footer_size_pt)
    footer_id = define_style(styles, "Footer", normal, foot, foot_run)
    return _StyleIds(paragraph_ids, tuple(headings), table_id, header_id, footer_id)


def _set_up_page(word: Any, theme: Theme) -> None:
    for section in word.sections:
        section.page_width = Twips(pt_twips(theme.page_width_pt))
        section.page_height = Twips(pt_twips(theme.page_height_pt))
        section.top_margin = Twips(mm_twips(theme.margin_top_mm))
        section.bottom_margin = Twips(mm_twips(theme.margin_bottom_mm))
        section.left_margin = Twips(mm_twips(theme.margin_left_mm))
        section.right_margin = Twips(mm_twips(theme.margin_right_mm))
        section.header_distance = Twips(mm_twips(theme.header_distance_mm))
        section.footer_distance = Twips(mm_twips(theme.footer_distance_mm))
        section.gutter = Twips(0)


def _furniture(word: Any, furniture: Furniture, theme: Theme, ids: _StyleIds) -> None:
    """Banner centred at the top and the bottom of every page (classification, then the
    handling caveat; mirrored at the bottom, as the PDF does); reference and page X of Y."""
    lines = [
        (furniture.classification, RunLook(bold=theme.banner_bold)),
        (furniture.handling, RunLook(size_pt=theme.banner_size_pt - 1)),
    ]
    banner = [(_one_line(text), look) for text, look in lines if text and text.strip()]
    watermark = _one_line(furniture.watermark or "").strip()
    for section in word.sections:
        # One header and one footer serve every page, the first included.
        section.different_first_page_header_footer = False
        if banner or watermark:
            top = paragraph(ParaLook(style_id=ids.header), _banner_runs(banner))
            replace_children(section.header.part.element, [top])
        bottom = []
        if furniture.footer or furniture.page_numbers:
            runs = [text_run(_one_line(furniture.footer))] if furniture.footer else []
            if furniture.page_numbers:
                runs += [text_run("\t"), *page_label_runs(furniture.page_label)]
            bottom.append(paragraph(ParaLook(style_id=ids.footer), runs))
        if banner:
            look = ParaLook(style_id=ids.header, before=pt_twips(2))
            bottom.append(paragraph(look, _banner_runs(banner[::-1])))
        if bottom:
            replace_children(section.footer.part.element, bottom)
    if watermark:
        _add_watermark(word, watermark, theme)


def _add_watermark(word: Any, text: str, theme: Theme) -> None:
    """The watermark in every header part, so that every page shows it, whichever header
    (default, first page, even pages) a page takes. It rides in the header's first paragraph:
    a paragraph of its own would make the header taller and could move the text."""
    look = _watermark_look(text, theme)
    if look.width_pt <= 0:
        return  # nothing to see (only zero-width characters)
    headers = sorted(
        (part for part in word.part.package.iter_parts() if part.content_type == CT.WML_HEADER),
        key=lambda part: str(part.partname),
    )
    for number, part in enumerate(headers, start=1):
        root = part.element
        first = root.find(qn("w:p"))
        if first is None:
            first = sub(root, "w:p")
        props = first.find(qn("w:pPr"))
        first.insert(0 if props is None else 1, watermark_run(text, look, number))


def _watermark_look(text: str, theme: Theme) -> WatermarkLook:
    """The WordArt's box and slant: the PDF's watermark's, from the same font files."""
    # Imported for a draft only: it loads Pillow to measure the fonts.
    from memo_gen.backends.watermark import watermark_geometry

    shape = watermark_geometry(text, theme)
    return WatermarkLook(
        font=theme.docx_font,
        colour=theme.watermark_colour,
        width_pt=shape.width,
        # WordArt stretches the letters to fill the box: a box a capital high keeps their
        # proportions, and their size that of the PDF's.
        height_pt=shape.cap_height,
        # VML turns clockwise: the PDF's rise of 54.7° is 305°.
        rotation=round(360 - shape.angle) % 360,
    )


def _one_line(text: str) -> str:
    return " ".join(clean(text).split("\n"))


def _banner_runs(lines: list[tuple[str, RunLook]]) -> list[Element]:
    return [
        text_run(f"\n{text}" if index else text, look) for index, (text, look) in enumerate(lines)
    ]
