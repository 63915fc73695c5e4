"""The DOCX backend, read back with real readers: python-docx, the raw XML, LibreOffice.

Documents here are synthetic so that each test can say exactly what it expects; the golden
and sample tests cover documents composed from records.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memo_gen.backends.docx import render_docx
from memo_gen.backends.docx_xml import column_widths, language_tag, mm_twips
from memo_gen.backends.theme import Theme, load_theme
from memo_gen.document import (
    Block,
    Chart,
    ChartBar,
    Document,
    Furniture,
    HeaderBlock,
    HeaderField,
    Heading,
    List,
    ListItem,
    Metadata,
    PageBreak,
    Paragraph,
    Rule,
    Run,
    Table,
)
from memo_gen.document import clean as clean_text

REPO = Path(__file__).resolve().parent.parent
THEME = load_theme(REPO / "templates")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CREATED = dt.datetime(2025, 3, 14, 9, 30, 0)

KAZAKH = ("Мұрат Нұртілеу", "Қасым-Жомарт Тоқаев")
AZERBAIJANI = ("Ceyhun Bayramov", "Əlisəmid oğlu", "İ ı ş ğ ə")
RUSSIAN = ("Министерство иностранных дел",)
MARKUP = ("<b>", "&amp;", "{{ 7*7 }}", "<w:t>")
NAMES = KAZAKH + AZERBAIJANI + RUSSIAN


def runs(text: str) -> tuple[Run, ...]:
    return (Run(text),)


def sample(**changes: object) -> Document:
    """A memo-like document with one of every block."""
    blocks: tuple[Block, ...] = (
        Paragraph(runs("Ministry of Foreign Affairs of the Republic of Kazakhstan"), "letterhead"),
        Paragraph(runs("MEMORANDUM OF CONVERSATION"), "title"),
        Paragraph(runs("MFA-KZ/BIL/2025/0313"), "subtitle"),
        HeaderBlock(
            (
                HeaderField("TO", runs("First Deputy Minister")),
                HeaderField("FROM:", runs("Director, Department of Bilateral Cooperation")),
                HeaderField("SUBJECT", runs("Official visit, Astana, 13 March 2025")),
            )
        ),
        Heading(runs("Participants"), 1),
        *(Paragraph(runs(name)) for name in NAMES),
        Heading(runs("Discussion"), 2),
        Paragraph(
            (
                Run("Talks were held "),
                Run("in Astana", bold=True),
                Run(" and ", italic=True),
                Run("the release", link="https://www.gov.kz/memleket/entities/mfa?a=1&b=2"),
                Run(" / "),
                Run("not a link", link="javascript:alert(1)"),
                Run("."),
            ),
            number="1.",
        ),
        Paragraph(tuple(Run(text) for text in MARKUP), number="2."),
        Heading(runs("Quotes"), 3),
        Paragraph(runs("Our relations are at a new level."), "quote"),
        List((ListItem((Paragraph(runs("Energy")),)), ListItem((Paragraph(runs("Transit")),)))),
        List(
            (ListItem((Paragraph(runs("Plan signed")), Paragraph(runs("in two copies")))),),
            ordered=True,
            start=3,
        ),
        Table(
            header=(runs("Figure"), runs("Value"), runs("Period")),
            rows=(
                (runs("Trade turnover"), runs("533.4"), runs("2024")),
                (runs("Target"), runs("1,000")),  # one cell short: padded, not dropped
            ),
            widths=(0.5, 0.25, 0.25),
            align=("left", "right", "center"),
        ),
        Chart("Trade turnover", "USD million", (ChartBar("2024", 533.4), ChartBar("Goal", 1000))),
        Rule(),
        PageBreak(),
        Paragraph(runs("Drafted: Desk Officer"), "signature"),
        Paragraph(runs("Source: press release"), "note"),
    )
    document = Document(
        kind="memo",
        blocks=blocks,
        metadata=Metadata(
            title="Memorandum of conversation",
            author="Ministry of Foreign Affairs",
            subject="Official visit",
            keywords=("Kazakhstan", "Azerbaijan"),
            language="kk",
            created=CREATED,
        ),
        furniture=Furniture(
            classification="UNCLASSIFIED", handling="For official use", footer="MFA-KZ/0313"
        ),
    )
    return replace(document, **changes)  # type: ignore[arg-type]


def render(document: Document, theme: Theme = THEME) -> bytes:
    return render_docx(document, theme)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def xml(data: bytes, name: str) -> ET.Element:
    return ET.fromstring(parts(data)[name])


def xml_text(root: ET.Element) -> str:
    return "".join(node.text or "" for node in root.iter(f"{W}t"))


def docx_text(data: bytes) -> str:
    """Every paragraph's text, table cells included, as python-docx reads it."""
    word = docx.Document(io.BytesIO(data))
    lines = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def sample_docx() -> bytes:
    return render(sample())


# --- text -------------------------------------------------------------------------------


def test_every_string_reaches_the_docx(sample_docx: bytes) -> None:
    read, raw = docx_text(sample_docx), xml_text(xml(sample_docx, "word/document.xml"))
    # The chart's words are in its picture and its alt text (test_chart_is_a_picture_...).
    expected = [*NAMES, *MARKUP, "Trade turnover", "533.4", "1,000", "Source: press"]
    expected += ["First Deputy Minister", "the release", "not a link", "Plan signed"]
    for text in expected:
        assert text in read
        assert text in raw


def test_markup_stays_text(sample_docx: bytes) -> None:
    body = xml(sample_docx, "word/document.xml")
    assert "{{ 7*7 }}" in xml_text(body)
    assert "49" not in xml_text(body)
    # No element outside the WordprocessingML namespaces was created from the text.
    assert all(str(node.tag).startswith("{http") for node in body.iter())


def test_newlines_become_one_break_each_and_tabs_stay() -> None:
    document = sample(blocks=(Paragraph(runs("one\r\ntwo\nthree\x0bfour\tfive")),))
    body = xml(render(document), "word/document.xml")
    assert len(list(body.iter(f"{W}br"))) == 3
    assert len(list(body.iter(f"{W}tab"))) == 1
    assert docx_text(render(document)) == "one\ntwo\nthree\nfour\tfive"


def test_xml_illegal_characters_are_dropped_not_fatal() -> None:
    bad = "a\x00b\x1bc\ufffed\uffffe\ud800f"
    document = sample(
        blocks=(Paragraph(runs(bad)), Table((runs(bad),), ((runs(bad),),), (1.0,), ("left",))),
        metadata=Metadata(title=bad, author=bad),
        furniture=Furniture(classification=bad, footer=bad),
    )
    data = render(document)
    assert docx_text(data).split("\n")[0] == "abcdef"
    assert docx.Document(io.BytesIO(data)).core_properties.title == "abcdef"


@settings(max_examples=30)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_text_renders_and_reads_back(text: str) -> None:
    data = render(sample(blocks=(Paragraph(runs(text)),)))
    assert docx_text(data) == clean_text(text)


# --- fonts, language, styles --------------------------------------------------------------


def test_fonts_fill_all_four_slots_without_theme_fonts(sample_docx: bytes) -> None:
    styles = xml(sample_docx, "word/styles.xml")
    slots = ("ascii", "hAnsi", "eastAsia", "cs")
    for element in styles.iter(f"{W}rFonts"):
        assert not [name for name in element.attrib if name.lower().endswith("theme")]
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert default is not None
    assert [default.get(f"{W}{slot}") for slot in slots] == ["Times New Roman"] * 4
    used = {"Normal", "Heading1", "Heading2", "Heading3", "Title", "Subtitle", "Quote"}
    used |= {"Letterhead", "Note", "Signature", "TableText", "Header", "Footer"}
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    for style_id in used:
        rpr = by_id[style_id].find(f"{W}rPr")
        assert rpr is not None, style_id
        rfonts = rpr.find(f"{W}rFonts")
        assert rfonts is not None
        assert [rfonts.get(f"{W}{slot}") for slot in slots] == ["Times New Roman"] * 4
        size, size_cs = rpr.find(f"{W}sz"), rpr.find(f"{W}szCs")
        assert size is not None and size_cs is not None
        assert size.get(f"{W}val") == size_cs.get(f"{W}val")


def test_theme_font_is_the_one_named() -> None:
    styles = xml(render(sample(), replace(THEME, docx_font="Arial")), "word/styles.xml")
    names = {rfonts.get(f"{W}ascii") for rfonts in styles.iter(f"{W}rFonts")}
    assert "Arial" in names
    assert "Times New Roman" not in names


@pytest.mark.parametrize(
    ("code", "tag"),
    [("kk", "kk-KZ"), ("az", "az-Latn-AZ"), ("ru", "ru-RU"), ("en", "en-GB"), ("de-CH", "de-CH")],
)
def test_document_language(code: str, tag: str) -> None:
    assert language_tag(code) == tag
    data = render(sample(metadata=Metadata(title="t", author="a", language=code)))
    lang = xml(data, "word/styles.xml").find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang is not None
    assert [lang.get(f"{W}{a}") for a in ("val", "eastAsia", "bidi")] == [tag] * 3
    assert docx.Document(io.BytesIO(data)).core_properties.language == tag


def test_headings_keep_with_next_and_use_their_level(sample_docx: bytes) -> None:
    styles = xml(sample_docx, "word/styles.xml")
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    for level in (1, 2, 3):
        assert by_id[f"Heading{level}"].find(f"{W}pPr/{W}keepNext") is not None
    word = docx.Document(io.BytesIO(sample_docx))
    style_of = {p.text: p.style.name if p.style else "" for p in word.paragraphs}
    levels = {text: name for text, name in style_of.items() if name.startswith("Heading")}
    assert levels == {"Participants": "Heading 1", "Discussion": "Heading 2", "Quotes": "Heading 3"}


def test_paragraph_styles_and_run_looks(sample_docx: bytes) -> None:
    word = docx.Document(io.BytesIO(sample_docx))
    style_of = {p.text: p.style.name if p.style else "" for p in word.paragraphs}
    assert style_of["MEMORANDUM OF CONVERSATION"] == "Title"
    assert style_of["Our relations are at a new level."] == "Quote"
    assert style_of["Drafted: Desk Officer"] == "Signature"
    assert style_of["Source: press release"] == "Note"
    talks = next(p for p in word.paragraphs if "Talks" in p.text)
    looks = {run.text: (run.bold, run.italic) for run in talks.runs}
    assert looks["in Astana"] == (True, None)
    assert looks[" and "] == (None, True)


# --- blocks -----------------------------------------------------------------------------


def test_numbers_and_list_markers_hang(sample_docx: bytes) -> None:
    word = docx.Document(io.BytesIO(sample_docx))
    texts = [p.text for p in word.paragraphs]
    assert "1.\tTalks were held in Astana and the release / not a link." in texts
    assert "•\tEnergy" in texts
    assert "3.\tPlan signed" in texts
    assert "in two copies" in texts  # the item's second paragraph has no marker
    numbered = next(p for p in word.paragraphs if p.text.startswith("1.\t"))
    indent = numbered.paragraph_format
    assert indent.first_line_indent is not None and indent.first_line_indent < 0
    assert indent.left_indent == -indent.first_line_indent


def test_links_only_for_safe_schemes(sample_docx: bytes) -> None:
    body = xml(sample_docx, "word/document.xml")
    links = list(body.iter(f"{W}hyperlink"))
    assert [xml_text(link) for link in links] == ["the release"]
    rels = ET.fromstring(parts(sample_docx)["word/_rels/document.xml.rels"])
    targets = {rel.get("Id"): rel for rel in rels}
    rel = targets[links[0].get(f"{R}id")]
    assert rel.get("Target") == "https://www.gov.kz/memleket/entities/mfa?a=1&b=2"
    assert rel.get("TargetMode") == "External"
    assert "javascript" not in parts(sample_docx)["word/_rels/document.xml.rels"].decode()


def test_table_header_widths_fill_and_alignment(sample_docx: bytes) -> None:
    body = xml(sample_docx, "word/document.xml")
    table = next(t for t in body.iter(f"{W}tbl") if "Figure" in xml_text(t))
    rows = table.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(row.find(f"{W}trPr/{W}tblHeader") is None for row in rows[1:])
    layout = table.find(f"{W}tblPr/{W}tblLayout")
    assert layout is not None and layout.get(f"{W}type") == "fixed"
    grid = [int(col.get(f"{W}w", "0")) for col in table.iter(f"{W}gridCol")]
    assert sum(grid) == round(THEME.text_width_pt * 20)
    assert abs(grid[0] - 2 * grid[1]) <= 2  # rounded to whole twips
    for row in rows:
        cells = row.findall(f"{W}tc")
        assert len(cells) == 3  # the short row was padded
        widths = [int(c.find(f"{W}tcPr/{W}tcW").get(f"{W}w", "")) for c in cells]  # type: ignore[union-attr]
        assert widths == grid
    fills = {shd.get(f"{W}fill") for shd in rows[0].iter(f"{W}shd")}
    assert fills == {THEME.table_header_fill.lstrip("#").upper()}
    assert not list(rows[1].iter(f"{W}shd"))
    jcs = [jc.get(f"{W}val") for jc in rows[1].iter(f"{W}jc")]
    assert jcs == ["left", "right", "center"]
    border = table.find(f"{W}tblPr/{W}tblBorders/{W}insideH")
    assert border is not None and border.get(f"{W}color") == THEME.table_border.lstrip("#")
    size = table.find(f".//{W}pPr/{W}pStyle")
    assert size is not None and size.get(f"{W}val") == "TableText"


def test_header_block_is_a_borderless_aligned_table(sample_docx: bytes) -> None:
    body = xml(sample_docx, "word/document.xml")
    block = next(t for t in body.iter(f"{W}tbl") if "SUBJECT:" in xml_text(t))
    assert {b.get(f"{W}val") for b in block.iter() if b.tag.endswith(("}top", "}insideH"))} >= {
        "nil"
    }
    grid = [int(col.get(f"{W}w", "0")) for col in block.iter(f"{W}gridCol")]
    assert grid[0] == mm_twips(THEME.header_label_width_mm)
    labels = [xml_text(row.findall(f"{W}tc")[0]) for row in block.findall(f"{W}tr")]
    assert labels == ["TO:", "FROM:", "SUBJECT:"]
    for row in block.findall(f"{W}tr"):
        assert row.findall(f"{W}tc")[0].find(f".//{W}rPr/{W}b") is not None
    # The rule under the block is the bottom border of the paragraph that follows it.
    following = list(body.find(f"{W}body"))  # type: ignore[arg-type]
    after = following[following.index(block) + 1]
    assert after.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None


def test_rule_and_page_break(sample_docx: bytes) -> None:
    body = xml(sample_docx, "word/document.xml")
    borders = list(body.iter(f"{W}pBdr"))
    assert len(borders) == 2  # under the header block, and the Rule
    signature = next(p for p in body.iter(f"{W}p") if xml_text(p) == "Drafted: Desk Officer")
    assert signature.find(f"{W}pPr/{W}pageBreakBefore") is not None


def test_chart_is_a_picture_with_its_values_as_alt_text(sample_docx: bytes) -> None:
    body = xml(sample_docx, "word/document.xml")
    [doc_pr] = body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    )
    assert doc_pr.get("descr") == "Trade turnover (USD million): 2024: 533.4; Goal: 1,000."
    media = [name for name in parts(sample_docx) if name.startswith("word/media/")]
    assert len(media) == 1 and parts(sample_docx)[media[0]].startswith(b"\x89PNG")


def test_page_break_before_a_table_is_a_break_run() -> None:
    table = Table((), ((runs("x"),),), (1.0,), ("left",))
    body = xml(
        render(sample(blocks=(Paragraph(runs("a")), PageBreak(), table))), "word/document.xml"
    )
    assert [br.get(f"{W}type") for br in body.iter(f"{W}br")] == ["page"]


def test_two_tables_in_a_row_stay_two() -> None:
    table = Table((runs("h"),), ((runs("x"),),), (1.0,), ("left",))
    word = docx.Document(io.BytesIO(render(sample(blocks=(table, table)))))
    assert len(word.tables) == 2


def test_empty_and_degenerate_blocks() -> None:
    blocks = (
        Table((), (), (), ()),
        HeaderBlock(()),
        List(()),
        List((ListItem(()),)),
        Heading(runs("Deep"), 7),
        Chart("Empty", "", ()),
        PageBreak(),
    )
    data = render(sample(blocks=blocks))
    assert "Deep" in docx_text(data)
    assert render(sample(blocks=())) != b""


# --- page, furniture ----------------------------------------------------------------------


def test_page_size_and_margins() -> None:
    for size, (width, height) in (("a4", (11906, 16838)), ("letter", (12240, 15840))):
        data = render(sample(), THEME.with_page_size(size))  # type: ignore[arg-type]
        section = xml(data, "word/document.xml").find(f"{W}body/{W}sectPr")
        assert section is not None
        page, margins = section.find(f"{W}pgSz"), section.find(f"{W}pgMar")
        assert page is not None and margins is not None
        assert (int(page.get(f"{W}w", "")), int(page.get(f"{W}h", ""))) == (width, height)
        assert int(margins.get(f"{W}left", "")) == mm_twips(THEME.margin_left_mm)
        assert int(margins.get(f"{W}footer", "")) == mm_twips(THEME.footer_distance_mm)


def test_footer_has_page_fields_and_banner(sample_docx: bytes) -> None:
    files = parts(sample_docx)
    footer = ET.fromstring(files["word/footer1.xml"])
    instructions = [node.text.strip() for node in footer.iter(f"{W}instrText") if node.text]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [node.get(f"{W}fldCharType") for node in footer.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"] * 2
    text = xml_text(footer)
    assert text.startswith("MFA-KZ/0313Page 1 of 1")
    assert "UNCLASSIFIED" in text and "For official use" in text
    header = ET.fromstring(files["word/header1.xml"])
    assert xml_text(header) == "UNCLASSIFIEDFor official use"
    word = docx.Document(io.BytesIO(sample_docx))
    section = word.sections[0]
    assert not section.different_first_page_header_footer
    assert section.footer.paragraphs[0].text.startswith("MFA-KZ/0313\tPage")


def test_page_label_wording_and_no_numbers() -> None:
    furniture = Furniture(footer="Ref", page_label="Бет {page} / {pages}")
    footer = xml(render(sample(furniture=furniture)), "word/footer1.xml")
    assert xml_text(footer) == "RefБет 1 / 1"
    data = render(sample(furniture=Furniture(footer="Ref", page_numbers=False)))
    assert b"NUMPAGES" not in parts(data)["word/footer1.xml"]
    assert "word/header1.xml" not in parts(data)  # no banner: no header at all


# --- package, determinism -----------------------------------------------------------------


def test_core_properties_and_no_template_leftovers(sample_docx: bytes) -> None:
    props = docx.Document(io.BytesIO(sample_docx)).core_properties
    assert props.title == "Memorandum of conversation"
    assert props.author == props.last_modified_by == "Ministry of Foreign Affairs"
    assert props.subject == "Official visit"
    assert props.keywords == "Kazakhstan, Azerbaijan"
    assert props.created == props.modified == CREATED.replace(tzinfo=dt.UTC)
    assert props.revision == 1
    assert props.comments == props.category == ""
    files = parts(sample_docx)
    for name, blob in files.items():
        assert b"python-docx" not in blob.lower(), name
    assert not [name for name in files if "thumbnail" in name or "customXml" in name]
    assert "word/stylesWithEffects.xml" not in files
    assert b"<Application>memo-gen</Application>" in files["docProps/app.xml"]
    assert b"savePreviewPicture" not in files["word/settings.xml"]


def test_long_properties_are_cut_not_fatal() -> None:
    data = render(sample(metadata=Metadata(title="T" * 400, author="a", keywords=("k",) * 200)))
    props = docx.Document(io.BytesIO(data)).core_properties
    assert props.title == "T" * 255
    assert len(props.keywords) == 255


def test_same_document_same_bytes(sample_docx: bytes) -> None:
    assert render(sample()) == sample_docx
    with zipfile.ZipFile(io.BytesIO(sample_docx)) as package:
        infos = package.infolist()
    names = [info.filename for info in infos]
    assert names[0] == "[Content_Types].xml"
    assert names[1:] == sorted(names[1:])
    assert {info.date_time for info in infos} == {(2025, 3, 14, 9, 30, 0)}
    assert {info.create_system for info in infos} == {0}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}


def test_timestamps_without_and_with_a_time_zone() -> None:
    undated = render(sample(metadata=Metadata(title="t", author="a")))
    with zipfile.ZipFile(io.BytesIO(undated)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert b"dcterms:created" not in parts(undated)["docProps/core.xml"]
    astana = dt.timezone(dt.timedelta(hours=5))
    when = dt.datetime(2025, 3, 14, 14, 30, tzinfo=astana)
    dated = render(sample(metadata=Metadata(title="t", author="a", created=when)))
    created = docx.Document(io.BytesIO(dated)).core_properties.created
    assert created == CREATED.replace(tzinfo=dt.UTC)
    with zipfile.ZipFile(io.BytesIO(dated)) as package:
        assert package.infolist()[0].date_time == (2025, 3, 14, 9, 30, 0)


def test_column_widths_add_up() -> None:
    assert sum(column_widths((1 / 3, 1 / 3, 1 / 3), 3, 9637)) == 9637
    assert column_widths((0.0, -1.0), 2, 100) == (50, 50)
    assert column_widths((0.5,), 2, 100) == (50, 50)
    assert column_widths((float("inf"), float("nan")), 2, 100) == (50, 50)


# --- LibreOffice ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample and a 200-row table, converted to PDF by one LibreOffice run."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("docx-lo")
    long_table = Table(
        header=(runs("Indicator heading"), runs("Amount heading")),
        rows=tuple((runs(f"Row {n}"), runs(str(n * 7))) for n in range(1, 201)),
        widths=(0.7, 0.3),
        align=("left", "right"),
    )
    documents = {"sample": sample(), "long": sample(blocks=(long_table,))}
    paths = []
    for name, document in documents.items():
        path = folder / f"{name}.docx"
        path.write_bytes(render(document))
        paths.append(str(path))
    profile = (folder / f"lo-profile-{uuid.uuid4().hex}").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(folder), *paths], check=True, capture_output=True, timeout=180
    )
    pdfs = {name: folder / f"{name}.pdf" for name in documents}
    assert all(pdf.is_file() for pdf in pdfs.values())
    return pdfs


def pdf_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    result = subprocess.run(
        ["pdftotext", *pages, str(pdf), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(result.stdout.split())


def test_libreoffice_shows_every_script_and_page_numbers(converted: dict[str, Path]) -> None:
    text = pdf_text(converted["sample"])
    # pdftotext drops the narrow spaces between single letters ("İ ı ş"), so compare without.
    squeezed = text.replace(" ", "")
    for name in (*NAMES, *MARKUP):
        assert name.replace(" ", "") in squeezed
    assert "Мұрат Нұртілеу" in text and "Əlisəmid oğlu" in text
    assert "Page 1 of 2" in text
    assert "Page 2 of 2" in text
    assert text.count("UNCLASSIFIED") == 4  # top and bottom of both pages


def test_libreoffice_repeats_the_table_header(converted: dict[str, Path]) -> None:
    first, second = pdf_text(converted["long"], 1), pdf_text(converted["long"], 2)
    assert "Indicator heading" in first and "Row 1 " in first
    assert "Indicator heading" in second
    assert "Row 200" in pdf_text(converted["long"])
    assert "Page 2 of" in second


def test_a_paragraph_that_keeps_with_the_next_gets_keep_next() -> None:
    """The line that introduces a quotation ("… said:") never ends a page alone."""
    blocks = (
        Paragraph(runs("Murat Nurtleu said:"), keep_with_next=True),
        Paragraph(runs("“Words.”"), "quote"),
        Paragraph(runs("Figures cited: none.")),
    )
    body = xml(render(sample(blocks=blocks)), "word/document.xml")
    keeps = {xml_text(p): p.find(f"{W}pPr/{W}keepNext") is not None for p in body.iter(f"{W}p")}
    assert keeps["Murat Nurtleu said:"] is True
    assert keeps["Figures cited: none."] is False
