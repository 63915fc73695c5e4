"""WordprocessingML building blocks for the DOCX backend: text, runs, paragraph and run
properties, fields, tables; the package's properties; the deterministic rewrite of the zip.

Elements are made with python-docx's own parser so they sit in its trees like native ones.
They are typed ``Any`` because lxml ships no type stubs.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import itertools
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import NamespacePrefixedTag, nsdecls, qn
from docx.oxml.parser import oxml_parser, parse_xml

from memo_gen.document import Metadata, clean

Element = Any
"""An lxml element of a python-docx tree."""

# The characters XML 1.0 cannot hold (lxml refuses them with a ValueError). Spelt out, the
# complement of XML's Char production compiles ten times faster than the negated class.

_LANGUAGE_TAGS = {"en": "en-GB", "ru": "ru-RU", "kk": "kk-KZ", "az": "az-Latn-AZ"}
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_PROPERTY_LIMIT = 255  # python-docx refuses longer core properties
_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>memo-gen</Application><DocSecurity>0</DocSecurity>"
    b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)

CONTENT_TYPES = "[Content_Types].xml"
PAGE_LABEL = re.compile(r"\{(page|pages)\}")


def language_tag(code: str) -> str:
    """The BCP-47 tag Word and LibreOffice expect for a record's language code."""
    code = clean(code).strip()
    return _LANGUAGE_TAGS.get(code.lower(), code) or _LANGUAGE_TAGS["en"]


def hex_colour(value: str) -> str:
    """``#1F2A44`` as Word writes it (``1F2A44``); anything else is ``auto``."""
    digits = value.strip().lstrip("#").upper()
    return digits if re.fullmatch("[0-9A-F]{6}", digits) else "auto"


def pt_twips(points: float) -> int:
    return round(points * 20)


def mm_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def el(tag: str, attrs: dict[str, str] | None = None, text: str | None = None) -> Element:
    """A new element; ``attrs`` use prefixed names such as ``w:val``. (What python-docx's
    ``OxmlElement`` makes, with each name worked out once: a document makes thousands.)"""
    name, namespaces = _clark(tag)
    attrib = {_qualified(key): value for key, value in attrs.items()} if attrs else None
    element = oxml_parser.makeelement(name, attrib=attrib, nsmap=namespaces)
    if text is not None:
        element.text = text
    return element


@functools.cache
def _clark(tag: str) -> tuple[str, dict[str, str]]:
    """A prefixed tag's ``{namespace}name`` and its namespace declaration."""
    prefixed = NamespacePrefixedTag(tag)
    return prefixed.clark_name, prefixed.nsmap


_qualified = functools.cache(qn)


def sub(parent: Element, tag: str, attrs: dict[str, str] | None = None) -> Element:
    child = el(tag, attrs)
    parent.append(child)
    return child


def pin_fonts(rfonts: Element, font: str) -> None:
    """Name ``font`` in all four script slots and drop theme fonts, which would win."""
    for attr in _THEME_FONT_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in _FONT_SLOTS:
        rfonts.set(qn(attr), font)


def has_theme_font(rfonts: Element) -> bool:
    return any(qn(attr) in rfonts.attrib for attr in _THEME_FONT_ATTRS)


@dataclass(frozen=True)
class RunLook:
    """Character formatting; ``None`` and ``False`` mean "as the style says"."""

    font: str | None = None
    bold: bool = False
    italic: bool = False
    colour: str | None = None
    size_pt: float | None = None
    underline: bool = False
    lang: str | None = None


@dataclass(frozen=True)
class ParaLook:
    """Paragraph formatting in twips; ``None`` and ``False`` mean "as the style says"."""

    style_id: str | None = None
    keep_next: bool = False
    keep_lines: bool = False
    page_break_before: bool = False
    widow_control: bool = False
    bottom_border: tuple[float, str] | None = None
    """Width in points and colour of a line under the paragraph."""
    tabs: tuple[tuple[str, int], ...] = ()
    before: int | None = None
    after: int | None = None
    line: int | None = None
    line_rule: str = "atLeast"
    left: int | None = None
    hanging: int | None = None
    jc: str | None = None
    outline_level: int | None = None
    mark: RunLook | None = None
    """Formatting of the paragraph mark (sets an empty paragraph's height)."""


def rpr(look: RunLook) -> Element:
    """``w:rPr`` for ``look``; children in the order the schema demands."""
    props = el("w:rPr")
    if look.font:
        pin_fonts(sub(props, "w:rFonts"), look.font)
    if look.bold:
        sub(props, "w:b")
        sub(props, "w:bCs")
    if look.italic:
        sub(props, "w:i")
        sub(props, "w:iCs")
    if look.colour:
        sub(props, "w:color", {"w:val": hex_colour(look.colour)})
    if look.size_pt is not None:
        half_points = str(round(look.size_pt * 2))
        sub(props, "w:sz", {"w:val": half_points})
        sub(props, "w:szCs", {"w:val": half_points})
    if look.underline:
        sub(props, "w:u", {"w:val": "single"})
    if look.lang:
        sub(props, "w:lang", {"w:val": look.lang, "w:eastAsia": look.lang, "w:bidi": look.lang})
    return props


def ppr(look: ParaLook) -> Element:
    """``w:pPr`` for ``look``; children in the order the schema demands."""
    props = el("w:pPr")
    if look.style_id:
        sub(props, "w:pStyle", {"w:val": look.style_id})
    for flag, tag in (
        (look.keep_next, "w:keepNext"),
        (look.keep_lines, "w:keepLines"),
        (look.page_break_before, "w:pageBreakBefore"),
        (look.widow_control, "w:widowControl"),
    ):
        if flag:
            sub(props, tag)
    if look.bottom_border:
        width, colour = look.bottom_border
        borders = sub(props, "w:pBdr")
        sub(borders, "w:bottom", _border_attrs(width, colour))
    if look.tabs:
        tabs = sub(props, "w:tabs")
        for kind, pos in look.tabs:
            sub(tabs, "w:tab", {"w:val": kind, "w:pos": str(pos)})
    spacing = {
        name: str(value)
        for name, value in (
            ("w:before", look.before),
            ("w:after", look.after),
            ("w:line", look.line),
        )
        if value is not None
    }
    if look.line is not None:
        spacing["w:lineRule"] = look.line_rule
    if spacing:
        sub(props, "w:spacing", spacing)
    indent = {
        name: str(value)
        for name, value in (("w:left", look.left), ("w:hanging", look.hanging))
        if value is not None
    }
    if indent:
        sub(props, "w:ind", indent)
    if look.jc:
        sub(props, "w:jc", {"w:val": look.jc})
    if look.outline_level is not None:
        sub(props, "w:outlineLvl", {"w:val": str(look.outline_level)})
    if look.mark:
        props.append(rpr(look.mark))
    return props


def _border_attrs(width_pt: float, colour: str) -> dict[str, str]:
    # Border widths are in eighths of a point; Word's thinnest line is 2 (a quarter point).
    eighths = str(max(2, round(width_pt * 8)))
    return {"w:val": "single", "w:sz": eighths, "w:space": "0", "w:color": hex_colour(colour)}


def text_run(text: str, look: RunLook | None = None) -> Element:
    """A run of ``text``: each ``\\n`` a line break, each tab a tab, nothing else special."""
    # Copying a finished run is several times faster than building it again, and a record
    # saved again (memo-gen watch) or rendered again has mostly the same runs.
    return copy.deepcopy(_text_run_model(text, look))


@functools.lru_cache(maxsize=4096)
def _text_run_model(text: str, look: RunLook | None) -> Element:
    run = el("w:r")
    if look is not None and look != RunLook():
        run.append(copy.deepcopy(_rpr_model(look)))
    for index, line in enumerate(clean(text).split("\n")):
        if index:
            sub(run, "w:br")
        for position, piece in enumerate(line.split("\t")):
            if position:
                sub(run, "w:tab")
            if piece:
                # preserve keeps leading and trailing spaces, which XML would otherwise drop.
                run.append(el("w:t", {"xml:space": "preserve"}, piece))
    return run


def field_runs(instruction: str, cached: str) -> list[Element]:
    """A complex field (``PAGE``, ``NUMPAGES``) that Word and LibreOffice update on layout;
    ``cached`` is what a reader that does not update fields shows."""
    runs = []
    for part in ("begin", "instr", "separate", "result", "end"):
        run = el("w:r")
        if part == "instr":
            run.append(el("w:instrText", {"xml:space": "preserve"}, f" {instruction} "))
        elif part == "result":
            run.append(el("w:t", None, cached))
        else:
            sub(run, "w:fldChar", {"w:fldCharType": part})
        runs.append(run)
    return runs


@functools.lru_cache(maxsize=512)
def _ppr_model(look: ParaLook) -> Element:
    return ppr(look)


@functools.lru_cache(maxsize=512)
def _rpr_model(look: RunLook) -> Element:
    return rpr(look)


def paragraph(look: ParaLook, runs: Iterable[Element] = ()) -> Element:
    para = el("w:p")
    if look != ParaLook():
        # Copying a finished pPr is several times faster than building it again.
        para.append(copy.deepcopy(_ppr_model(look)))
    para.extend(runs)
    return para


def page_break_paragraph(look: ParaLook) -> Element:
    run = el("w:r")
    sub(run, "w:br", {"w:type": "page"})
    return paragraph(look, [run])


def page_label_runs(label: str) -> list[Element]:
    """``Page {page} of {pages}`` as text and PAGE / NUMPAGES fields."""
    runs: list[Element] = []
    for index, piece in enumerate(PAGE_LABEL.split(label)):
        if index % 2:
            runs += field_runs("PAGE" if piece == "page" else "NUMPAGES", "1")
        elif piece:
            runs.append(text_run(piece))
    return runs


# VML, Office and Word 2003 namespaces: a watermark is VML WordArt, as Word writes it.
_VML_NAMESPACES = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"'
)
# Word's definition of WordArt "plain text" (shape type 136), written with every watermark:
# a reader need not know the type by its number.
_PLAIN_TEXT_FORMULAS = (
    "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3",
    "if @0 @3 0", "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6",
    "mid @8 @5", "mid @7 @8", "mid @6 @7", "sum @6 0 @5",
)  # fmt: skip
_PLAIN_TEXT_SHAPE_TYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"'
    ' path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(f'<v:f eqn="{eqn}"/>' for eqn in _PLAIN_TEXT_FORMULAS)
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom"'
    ' o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight"'
    ' xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>'
    "</v:shapetype>"
)


@dataclass(frozen=True)
class WatermarkLook:
    """A watermark's WordArt: its font, its fill and its box before rotation, in points."""

    font: str
    colour: str
    width_pt: float
    height_pt: float
    rotation: int
    """Degrees clockwise, as VML counts: 315 rises at 45°."""


def watermark_run(text: str, look: WatermarkLook, number: int) -> Element:
    """A run holding Word's watermark: WordArt ``text`` centred on the page behind the text,
    named ``PowerPlusWaterMarkObject…`` so that Word (Design → Watermark) and LibreOffice
    know it for one. ``number`` tells apart the watermarks of a document's header parts."""
    style = ";".join((
        "position:absolute", "margin-left:0", "margin-top:0",
        f"width:{look.width_pt:.1f}pt", f"height:{look.height_pt:.1f}pt",
        f"rotation:{look.rotation}",
        # Behind the text, centred on the page as the PDF's is.
        "z-index:-251654144", "mso-wrap-edited:f",
        "mso-position-horizontal:center", "mso-position-horizontal-relative:page",
        "mso-position-vertical:center", "mso-position-vertical-relative:page",
    ))  # fmt: skip
    font = re.sub(r'[";]', "", clean(look.font))
    text_style = f'font-family:"{font}";font-size:1pt;font-weight:bold'
    digits = hex_colour(look.colour)
    colour = "silver" if digits == "auto" else f"#{digits}"
    xml = (
        f"<w:r {nsdecls('w')} {_VML_NAMESPACES}><w:rPr><w:noProof/></w:rPr><w:pict>"
        f"{_PLAIN_TEXT_SHAPE_TYPE}"
        f'<v:shape id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{2048 + number}"'
        f' type="#_x0000_t136" style={quoteattr(style)} o:allowincell="f"'
        f' fillcolor={quoteattr(colour)} stroked="f">'
        f"<v:textpath style={quoteattr(text_style)}"
        f" string={quoteattr(' '.join(clean(text).split()))}/>"
        '<w10:wrap anchorx="page" anchory="page"/></v:shape></w:pict></w:r>'
    )
    return parse_xml(xml)


def replace_children(parent: Element, children: Iterable[Element]) -> None:
    for old in list(parent):
        parent.remove(old)
    parent.extend(children)


def define_style(styles: Any, name: str, base: Any, para: ParaLook, run: RunLook) -> str:
    """Set a paragraph style's whole look, adding the style if the template lacks it.
    The old pPr and rPr go entirely: the template's carry numbering, borders, theme colours."""
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base is not None:
        style.base_style = base
    element = style.element
    for tag in ("w:pPr", "w:rPr"):
        for old in element.findall(qn(tag)):
            element.remove(old)
    element.append(ppr(para))
    element.append(rpr(run))
    return str(style.style_id)


@dataclass(frozen=True)
class TableLook:
    """How a table is drawn; widths in twips."""

    columns: tuple[int, ...]
    border: tuple[float, str] | None
    """Width in points and colour of every line, or ``None`` for no lines."""
    padding: tuple[int, int]
    """Cell margins (top and bottom, left and right) in twips."""
    header_fill: str | None = None


def column_widths(relative: Sequence[float], columns: int, total: int) -> tuple[int, ...]:
    """Twips per column from relative widths; bad or missing widths give equal columns.
    Rounded by running sums so the columns add up to ``total`` exactly."""
    weights = [w if w > 0 and math.isfinite(w) else 0.0 for w in relative]
    if len(weights) != columns or sum(weights) <= 0:
        weights = [1.0] * columns
    scale, edges, running = total / sum(weights), [0], 0.0
    for weight in weights:
        running += weight
        edges.append(round(running * scale))
    return tuple(b - a for a, b in itertools.pairwise(edges))


def _keep_with_next(para: Element) -> None:
    """Keep a paragraph on the page of the next one (``w:keepNext``, after any style)."""
    props = para.find(qn("w:pPr"))
    if props is None:
        props = el("w:pPr")
        para.insert(0, props)
    if props.find(qn("w:keepNext")) is None:
        style = props.find(qn("w:pStyle"))
        props.insert(0 if style is None else 1, el("w:keepNext"))


def table(look: TableLook, rows: Iterable[tuple[bool, Sequence[Element]]]) -> Element:
    """A fixed-layout table; ``rows`` yields (is header row, one ``w:p`` per column)."""
    tbl = el("w:tbl")
    props = sub(tbl, "w:tblPr")
    sub(props, "w:tblW", {"w:w": str(sum(look.columns)), "w:type": "dxa"})
    sub(props, "w:tblInd", {"w:w": "0", "w:type": "dxa"})
    borders = sub(props, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        attrs = _border_attrs(*look.border) if look.border else {"w:val": "nil"}
        sub(borders, f"w:{side}", attrs)
    # Fixed layout: Word and LibreOffice keep the widths given instead of fitting the text.
    sub(props, "w:tblLayout", {"w:type": "fixed"})
    margins = sub(props, "w:tblCellMar")
    vertical, horizontal = look.padding
    for side in ("top", "left", "bottom", "right"):
        width = vertical if side in ("top", "bottom") else horizontal
        sub(margins, f"w:{side}", {"w:w": str(width), "w:type": "dxa"})
    grid = sub(tbl, "w:tblGrid")
    for width in look.columns:
        sub(grid, "w:gridCol", {"w:w": str(width)})
    # Cell properties are the same down a column: build them once and copy.
    plain = [_cell_props(width, None) for width in look.columns]
    filled = [_cell_props(width, look.header_fill) for width in look.columns]
    rows = list(rows)
    for number, (is_header, cells) in enumerate(rows, start=1):
        if number < len(rows):
            for para in cells:
                _keep_with_next(para)
        row = sub(tbl, "w:tr")
        if is_header:
            # tblHeader repeats the row at the top of every page; a header never splits.
            row_props = sub(row, "w:trPr")
            sub(row_props, "w:cantSplit")
            sub(row_props, "w:tblHeader")
        for template, para in zip(filled if is_header else plain, cells, strict=True):
            cell = sub(row, "w:tc")
            cell.append(copy.deepcopy(template))
            cell.append(para)
    return tbl


def _cell_props(width: int, fill: str | None) -> Element:
    props = el("w:tcPr")
    # Every cell carries its width: Word ignores column widths without them.
    sub(props, "w:tcW", {"w:w": str(width), "w:type": "dxa"})
    if fill:
        sub(props, "w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": hex_colour(fill)})
    return props


ZipTime = tuple[int, int, int, int, int, int]


def zip_time(when: dt.datetime | None) -> ZipTime:
    """The zip entries' timestamp: ``when`` in UTC, within what a zip can hold."""
    if when is None:
        return _ZIP_EPOCH
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    if when.year < 1980:
        return _ZIP_EPOCH
    if when.year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def normalise_zip(
    data: bytes, when: dt.datetime | None, replace: Mapping[str, bytes] | None = None
) -> bytes:
    """Rewrite a saved package so equal content gives equal bytes: one timestamp, a fixed
    entry order, fixed compression and a fixed "made on" system (it differs by OS).
    ``replace`` gives some entries their content (name → bytes) instead of the saved one."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    return zip_entries(entries, when, replace)


def package_bytes(
    word: Any, when: dt.datetime | None, replace: Mapping[str, bytes] | None = None
) -> bytes:
    """``normalise_zip`` of the document as python-docx saves it, made in one pass: the
    entries python-docx would write are taken as they are, and zipped once (saving, then
    reading back and zipping again cost a DOCX about 6 ms)."""
    from docx.opc.pkgwriter import PackageWriter

    class Entries:
        """Stands in for python-docx's zip writer: keeps what it is given."""

        def __init__(self) -> None:
            self.entries: dict[str, bytes] = {}

        def write(self, name: Any, blob: bytes) -> None:
            self.entries[name.membername] = blob

    writer: Any = PackageWriter
    steps = ("_write_content_types_stream", "_write_pkg_rels", "_write_parts")
    if not all(hasattr(writer, step) for step in steps):  # another python-docx
        saved = io.BytesIO()
        word.save(saved)
        return normalise_zip(saved.getvalue(), when, replace)
    # What python-docx's OpcPackage.save and PackageWriter.write do, into Entries.
    package = word.part.package
    for part in package.parts:
        part.before_marshal()
    sink = Entries()
    writer._write_content_types_stream(sink, package.parts)
    writer._write_pkg_rels(sink, package.rels)
    writer._write_parts(sink, package.parts)
    return zip_entries(sink.entries, when, replace)


def zip_entries(
    entries: Mapping[str, bytes], when: dt.datetime | None, replace: Mapping[str, bytes] | None
) -> bytes:
    """The zip of ``entries`` (``replace`` taking the place of some), as
    :func:`normalise_zip` writes it.

    Written here, byte for byte as :mod:`zipfile` writes it (:func:`_zipfile_entries`), so
    that an entry's compressed form can be kept: most of a package (its styles, 350 KB,
    above all) is the same in every document, and compressing it again cost a DOCX 3 ms."""
    stamp = zip_time(when)
    entries = {**entries, **(replace or {})}
    names = sorted(entries, key=lambda n: (n != CONTENT_TYPES, n))
    if not all(name.isascii() for name in names) or sum(map(len, entries.values())) > _SMALL:
        return _zipfile_entries(entries, names, stamp)
    date = (stamp[0] - 1980) << 9 | stamp[1] << 5 | stamp[2]
    clock = stamp[3] << 11 | stamp[4] << 5 | (stamp[5] // 2)
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name in names:
        data = entries[name]
        crc, deflated = _deflated(data)
        encoded = name.encode("ascii")
        sizes = (crc, len(deflated), len(data), len(encoded))
        # The local header, then the central directory's entry (version 2.0, MS-DOS, no
        # flags, no extra field, no comment), as zipfile writes them.
        header = struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0, 8, clock, date, *sizes, 0)
        entry = struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, 0, 8, clock, date, *sizes,
            0, 0, 0, 0, _FILE_MODE, offset,
        )  # fmt: skip
        central.append(entry + encoded)
        local += (header, encoded, deflated)
        offset += len(header) + len(encoded) + len(deflated)
    directory = b"".join(central)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(names), len(names), len(directory), offset, 0
    )
    return b"".join((*local, directory, end))


_SMALL = 1 << 30
"""Packages up to this size (well below what needs ZIP64) are written by :func:`zip_entries`."""
_FILE_MODE = 0o600 << 16
"""The permissions :mod:`zipfile` gives an entry written with none."""
_DEFLATED: dict[bytes, tuple[int, bytes]] = {}
"""Entries' contents → their CRC and compressed form, for the entries seen most lately."""
_DEFLATED_MAX = 64


def _deflated(data: bytes) -> tuple[int, bytes]:
    """The CRC-32 of ``data`` and ``data`` deflated as :mod:`zipfile` does at level 6."""
    found = _DEFLATED.pop(data, None)
    if found is None:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        found = (zlib.crc32(data), compressor.compress(data) + compressor.flush())
        if len(_DEFLATED) >= _DEFLATED_MAX:
            del _DEFLATED[next(iter(_DEFLATED))]  # the one used least lately
    _DEFLATED[data] = found
    return found


def _zipfile_entries(entries: Mapping[str, bytes], names: Sequence[str], stamp: ZipTime) -> bytes:
    """What :func:`zip_entries` writes, written by :mod:`zipfile` (for names that are not
    ASCII, and for very large packages)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()


def strip_template(word: Any, lang: str) -> None:
    """Remove the template's thumbnail, bibliography store and Word 2010 style copy, and
    its claims about the application and the language."""
    package = word.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _APP_XML
    for rid, rel in list(word.part.rels.items()):
        if rel.reltype == RT.CUSTOM_XML or rel.reltype.endswith("/stylesWithEffects"):
            del word.part.rels[rid]
    settings = word.settings.element
    for old in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(old)
    for font_lang in settings.findall(qn("w:themeFontLang")):
        font_lang.attrib.clear()
        font_lang.set(qn("w:val"), lang)
    for compat in settings.iter(qn("w:compatSetting")):
        # Word 2013+ layout: a table's border, not its text, lines up with the margin.
        if compat.get(qn("w:name")) == "compatibilityMode":
            compat.set(qn("w:val"), "15")


def set_core_properties(word: Any, meta: Metadata, lang: str) -> None:
    props = word.core_properties
    author = _property(meta.author)
    props.title = _property(meta.title)
    props.subject = _property(meta.subject)
    props.author = author
    props.last_modified_by = author
    props.keywords = _property(", ".join(meta.keywords))
    props.comments = ""
    props.category = ""
    props.language = lang
    props.revision = 1
    if meta.created is None:
        # No date is better than the template's 2013 one.
        core = word.part.package.part_related_by(RT.CORE_PROPERTIES).element
        for tag in ("dcterms:created", "dcterms:modified"):
            for old in core.findall(qn(tag)):
                core.remove(old)
        return
    created = meta.created
    if created.tzinfo is not None:
        created = created.astimezone(dt.UTC).replace(tzinfo=None)
    props.created = created
    props.modified = created


def _property(text: str) -> str:
    return clean(text).strip()[:_PROPERTY_LIMIT]
