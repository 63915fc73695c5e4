"""The PDF backend, checked on real files with real readers (pdftotext, pypdf, qpdf, pdffonts)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from reportlab import rl_config
from reportlab.platypus import BaseDocTemplate
from reportlab.platypus.doctemplate import LayoutError

from memo_gen.backends.pdf import render_pdf
from memo_gen.backends.pdf_fonts import SHIPPED_FAMILIES, FontChain, missing_glyphs
from memo_gen.backends.theme import MM, TextStyle, Theme, load_theme
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
from memo_gen.errors import TemplateError

THEME = load_theme(Path(__file__).resolve().parent.parent / "templates")

KAZAKH = ["Мұрат Нұртілеу", "Қасым-Жомарт Тоқаев", "Ә Ғ Қ Ң Ө Ұ Ү Һ І ә ғ қ ң ө ұ ү һ і"]
AZERBAIJANI = ["Ceyhun Bayramov", "Əlisəmid oğlu", "İ ı ş ğ ə", "Ə Ğ I Ş Ç Ö Ü"]
RUSSIAN = ["Министерство иностранных дел Республики Казахстан", "Ёлка, съезд, объём"]
CURRENCY = ["1 250 000 ₸", "480 ₼", "₸ and ₼ together"]
HOSTILE = [
    "<b>not bold</b>",
    '<font color="red">not red</font>',
    '<a href="javascript:alert(1)">x</a>',
    "&amp;",
    "{{ 7*7 }}",
    "0.1 <A <0.9 & S&P 500",
]
UNICODE = KAZAKH + AZERBAIJANI + RUSSIAN + CURRENCY
BANNER, CAVEAT, FOOTER = "UNCLASSIFIED", "FOR OFFICIAL USE ONLY", "Ref. MFA-12/345"
CREATED = dt.datetime(2025, 3, 13, 9, 30, tzinfo=dt.UTC)
STANDARD_14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats", "Arial")

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext")
needs_pdffonts = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="no pdffonts")
needs_qpdf = pytest.mark.skipif(shutil.which("qpdf") is None, reason="no qpdf")


def runs(text: str, bold: bool = False, italic: bool = False) -> tuple[Run, ...]:
    return (Run(text, bold=bold, italic=italic),)


def document(blocks: list[Block], furniture: Furniture | None = None) -> Document:
    metadata = Metadata(
        title="Memorandum of conversation — Тоқаев / Bayramov",
        author="Мұрат Нұртілеу",
        subject="Official visit, Astana, 13 March 2025",
        keywords=("Kazakhstan", "Azerbaijan", "Əlisəmid"),
        language="en-GB",
        created=CREATED,
    )
    return Document("memo", tuple(blocks), metadata, furniture or Furniture(footer=FOOTER))


def full_document() -> Document:
    """A document with every block type, every test string, and banners on every page."""
    blocks: list[Block] = [
        Paragraph(runs("MINISTRY OF FOREIGN AFFAIRS"), style="letterhead"),
        Paragraph(runs("MEMORANDUM OF CONVERSATION"), style="title"),
        Paragraph(runs("Astana, 13 March 2025"), style="subtitle"),
        HeaderBlock(
            (
                HeaderField("TO", runs("First Deputy Minister")),
                HeaderField("FROM:", runs(KAZAKH[0])),
                HeaderField("SUBJECT", runs("Visit of " + AZERBAIJANI[0])),
            )
        ),
        Heading(runs("Summary"), level=1),
        Heading(runs("Participants"), level=2),
        Heading(runs("Delegation"), level=3),
    ]
    blocks += [Paragraph(runs(text), number=f"{i}.") for i, text in enumerate(UNICODE, 1)]
    blocks += [Paragraph(runs(text)) for text in HOSTILE]
    blocks += [
        Paragraph((Run("Bold: "), Run(KAZAKH[1] + " " + CURRENCY[0], bold=True))),
        Paragraph((Run("Italic: "), Run(AZERBAIJANI[1] + " " + CURRENCY[1], italic=True))),
        Paragraph((Run("Both: "), Run(AZERBAIJANI[2] + " ₸", bold=True, italic=True))),
        Paragraph((Run("Site: "), Run("mfa.gov.kz", link="https://www.gov.kz/memleket"))),
        Paragraph((Run("Trap: "), Run("click me", link="javascript:alert(1)"))),
        Paragraph(runs("We value our partnership, said the minister."), style="quote"),
        Paragraph(runs("Source: MFA press release"), style="note"),
        List(
            (ListItem((Paragraph(runs("first bullet")),)), ListItem((Paragraph(runs("second")),)))
        ),
        List(
            (
                ListItem((Paragraph(runs("numbered one")), Paragraph(runs("its continuation")))),
                ListItem((Paragraph(runs("numbered two")),)),
            ),
            ordered=True,
            start=3,
        ),
        Table(
            header=(runs("Indicator"), runs("Value"), runs("Unit")),
            rows=((runs("Trade turnover"), runs("480"), runs("USD mn ₸")),),
            widths=(0.5, 0.25, 0.25),
            align=("left", "right", "center"),
        ),
        Chart(
            "Trade turnover",
            "USD mn",
            (
                ChartBar("2023", 480.0),
                ChartBar("Тоқаев 2024", 520.5),
                ChartBar("Plan", 1000, "target"),
            ),
        ),
        Rule(),
        PageBreak(),
        Paragraph(runs("Drafted: " + KAZAKH[0]), style="signature"),
    ]
    return document(blocks, Furniture(BANNER, CAVEAT, FOOTER))


@pytest.fixture(scope="module")
def full_pdf() -> bytes:
    return render_pdf(full_document(), THEME)


@pytest.fixture(scope="module")
def long_table_pdf() -> bytes:
    rows = tuple((runs(f"row-{i:04d}"), runs(f"{i * 1.5:.1f}")) for i in range(200))
    table = Table(
        (runs("HeaderIndicator"), runs("HeaderValue")), rows, (0.7, 0.3), ("left", "right")
    )
    return render_pdf(document([Heading(runs("Figures")), table]), THEME)


def write(tmp_path: Path, pdf: bytes, name: str = "out.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdftotext(path: Path, *args: str) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8", *args, str(path), "-"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


# --- text: every string arrives, exactly, and markup stays text ----------------------------


@needs_pdftotext
def test_pdftotext_finds_every_string(full_pdf: bytes, tmp_path: Path) -> None:
    # -raw keeps the content order; the default layout mode sees the numbers' hanging indent
    # as a column of its own and drops the spaces of "Ә Ғ Қ …", a line of single letters.
    text = squash(pdftotext(write(tmp_path, full_pdf), "-raw"))
    for expected in [*UNICODE, *HOSTILE, "Trade turnover", KAZAKH[1] + " " + CURRENCY[0]]:
        assert expected in text


def test_pypdf_finds_every_string(full_pdf: bytes) -> None:
    text = squash(" ".join(page_texts(full_pdf)))
    for expected in [*UNICODE, *HOSTILE, "numbered one", "its continuation", "first bullet"]:
        assert expected in text


def test_markup_in_text_is_not_interpreted(full_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(full_pdf))
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None:
                uris.append(str(action.get("/URI")))
    # Only the https link became a link; the javascript: one and the markup stayed text.
    assert uris == ["https://www.gov.kz/memleket"]


def test_list_markers_and_paragraph_numbers(full_pdf: bytes) -> None:
    text = squash(" ".join(page_texts(full_pdf)))
    assert "• first bullet" in text
    assert "3. numbered one" in text and "4. numbered two" in text
    assert f"1. {KAZAKH[0]}" in text


# --- fonts: only embedded TrueType, never a standard font, every glyph covered ---------------


@needs_pdffonts
def test_pdffonts_lists_only_embedded_truetype(full_pdf: bytes, tmp_path: Path) -> None:
    rows = fonts(write(tmp_path, full_pdf))
    assert rows
    names = [row[0] for row in rows]
    for row in rows:
        assert row[1] == "TrueType", row
        assert row[-5] == "yes", f"not embedded: {row}"
    for name in names:
        assert not any(std.lower() in name.lower() for std in STANDARD_14), name
    # Bold/italic runs and the fallback for ₸ ₼ used the right faces.
    for face in ("LiberationSerif-Bold", "LiberationSerif-Italic", "NotoSerif-Regular"):
        assert any(name.endswith("+" + face) for name in names), (face, names)
    assert any(name.endswith("+NotoSerif-BoldItalic") for name in names)


@needs_pdffonts
def test_plain_latin_embeds_only_the_main_font(tmp_path: Path) -> None:
    pdf = render_pdf(document([Paragraph(runs("Plain text."))]), THEME)
    names = [row[0] for row in fonts(write(tmp_path, pdf))]
    assert names and all("LiberationSerif" in name for name in names)


def test_helvetica_never_written() -> None:
    pdf = render_pdf(full_document(), THEME)
    assert b"Helvetica" not in pdf and b"/Type1" not in pdf


@pytest.mark.parametrize(
    ("bold", "italic"), [(False, False), (True, False), (False, True), (True, True)]
)
def test_font_chain_covers_every_test_character(bold: bool, italic: bool) -> None:
    for text in [*UNICODE, *HOSTILE]:
        assert missing_glyphs(text, bold=bold, italic=italic) == set(), text


def test_missing_glyphs_reports_what_no_font_has() -> None:
    assert missing_glyphs("abc 漢 \U0001f99c") == {"漢", "\U0001f99c"}
    assert missing_glyphs("₸", fonts=["Liberation Serif"]) == {"₸"}
    assert missing_glyphs("₸", fonts=["Liberation Serif", "Noto Serif"]) == set()


def test_fallback_segments_pick_the_first_font_with_the_glyph() -> None:
    chain = FontChain(("Liberation Serif", "Noto Serif", "DejaVu Sans"))
    assert chain.segments("Тоқаев: 5 ₸.") == [
        ("Liberation Serif", "Тоқаев: 5 "),
        ("Noto Serif", "₸"),
        ("Liberation Serif", "."),
    ]
    assert chain.segments("a\u2713b") == [
        ("Liberation Serif", "a"),
        ("DejaVu Sans", "\u2713"),
        ("Liberation Serif", "b"),
    ]


def test_shipped_fonts_and_licences_exist() -> None:
    folder = Path(__file__).resolve().parent.parent / "src" / "memo_gen" / "fonts"
    for files in SHIPPED_FAMILIES.values():
        for name in files:
            assert (folder / name).stat().st_size > 100_000
    for licence in ("LICENSE-Liberation.txt", "LICENSE-Noto.txt", "LICENSE-DejaVu.txt"):
        assert (folder / licence).read_text(encoding="utf-8").strip()


def test_unknown_theme_font_is_a_template_error() -> None:
    theme = Theme(pdf_font="Comic Sans")
    with pytest.raises(TemplateError, match="Comic Sans"):
        render_pdf(document([Paragraph(runs("x"))]), theme)


def test_bad_theme_colour_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match="colour"):
        render_pdf(document([Paragraph(runs("x"))]), Theme(colour="red-ish"))


def test_bad_theme_alignment_is_a_template_error() -> None:
    theme = Theme(styles={"body": TextStyle(align="centre")})  # type: ignore[arg-type]
    with pytest.raises(TemplateError, match="centre"):
        render_pdf(document([Paragraph(runs("x"))]), theme)


# --- the file is sound --------------------------------------------------------------------


@needs_qpdf
@pytest.mark.parametrize("which", ["full", "long_table"])
def test_qpdf_check_passes(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    pdf = request.getfixturevalue(f"{which}_pdf")
    result = subprocess.run(["qpdf", "--check", str(write(tmp_path, pdf))], capture_output=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_empty_document_is_one_page() -> None:
    pdf = render_pdf(document([]), THEME)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


@pytest.mark.parametrize(("size", "expected"), [("a4", (595.28, 841.89)), ("letter", (612, 792))])
def test_page_size(size: str, expected: tuple[float, float]) -> None:
    theme = THEME.with_page_size(size)  # type: ignore[arg-type]
    page = pypdf.PdfReader(io.BytesIO(render_pdf(document([]), theme))).pages[0]
    assert float(page.mediabox.width) == pytest.approx(expected[0], abs=0.01)
    assert float(page.mediabox.height) == pytest.approx(expected[1], abs=0.01)


# --- furniture: banners top and bottom, footer, the true page count --------------------------


def test_banner_and_caveat_twice_on_every_page(full_pdf: bytes) -> None:
    pages = page_texts(full_pdf)
    assert len(pages) >= 2
    for text in pages:
        assert text.count(BANNER) == 2
        assert text.count(CAVEAT) == 2
        assert FOOTER in text


def test_no_banner_when_unset(long_table_pdf: bytes) -> None:
    assert all(BANNER not in text for text in page_texts(long_table_pdf))


def test_page_x_of_y_has_the_true_total(long_table_pdf: bytes) -> None:
    pages = page_texts(long_table_pdf)
    total = len(pages)
    assert total > 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text


@needs_pdftotext
def test_page_labels_with_pdftotext(full_pdf: bytes, tmp_path: Path) -> None:
    path = write(tmp_path, full_pdf)
    total = len(pypdf.PdfReader(path).pages)
    first = pdftotext(path, "-f", "1", "-l", "1")
    last = pdftotext(path, "-f", str(total), "-l", str(total))
    assert "Page 1 of " + str(total) in first
    assert f"Page {total} of {total}" in last
    assert first.count(BANNER) == 2 and last.count(BANNER) == 2


def test_custom_page_label_and_no_page_numbers() -> None:
    furniture = Furniture(footer="F", page_label="Бет {page} / {pages}")
    text = page_texts(render_pdf(document([Paragraph(runs("x"))], furniture), THEME))[0]
    assert "Бет 1 / 1" in text
    hidden = Furniture(footer="F", page_numbers=False)
    text = page_texts(render_pdf(document([Paragraph(runs("x"))], hidden), THEME))[0]
    assert "1" not in text


# --- layout: tables, long words, headings -------------------------------------------------


def test_table_header_repeats_on_every_page(long_table_pdf: bytes) -> None:
    pages = page_texts(long_table_pdf)
    assert len(pages) > 2
    for text in pages:
        assert "HeaderIndicator" in text and "HeaderValue" in text
    everything = " ".join(pages)
    assert all(f"row-{i:04d}" in everything for i in range(200))


def test_huge_table_cell_splits_instead_of_raising() -> None:
    words = ("lorem ipsum dolor " * 2300)[:40_000]
    table = Table(
        (runs("Key"), runs("Text")),
        ((runs("short"), runs(words)), (runs("after"), runs("END-OF-TABLE"))),
        (0.25, 0.75),
        ("left", "left"),
    )
    pdf = render_pdf(document([table]), THEME)
    pages = page_texts(pdf)
    assert len(pages) > 3
    assert "END-OF-TABLE" in pages[-1]
    assert "Key" in pages[1]  # the header repeats on the pages the split row continues on


def test_huge_unbroken_word_in_a_table_cell() -> None:
    table = Table((runs("K"),), ((runs("y" * 40_000),),), (1.0,), ("left",))
    pdf = render_pdf(document([table]), THEME)
    assert squash(" ".join(page_texts(pdf))).replace(" ", "").count("y") == 40_000


@needs_pdftotext
def test_long_word_and_long_url_wrap_inside_the_margins(tmp_path: Path) -> None:
    word = ("Ceyhun" + "Тоқаев") * 420
    word = word[:5000]
    url = "https://example.org/" + "path/" * 80 + "end"
    blocks: list[Block] = [
        Paragraph(runs(word)),
        Paragraph((Run(url, link=url),)),
        # One text per row: side by side, pdftotext would interleave the two columns' lines.
        Table(
            (runs("HA"), runs("HB")),
            ((runs(word), ()), (runs(url), ())),
            (0.5, 0.5),
            ("left", "left"),
        ),
    ]
    path = write(tmp_path, render_pdf(document(blocks), THEME))
    text = re.sub(r"\s+", "", pdftotext(path))
    # Drop what comes between the pieces of a split text: footers and repeated table headers.
    text = re.sub(r"Ref\.MFA-12/345Page\d+of\d+|HAHB", "", text)
    assert text.count(word) == 2
    assert text.count(url) == 2
    right_edge = THEME.page_width_pt - THEME.margin_right_mm * MM
    boxes = pdftotext(path, "-bbox")
    x_max = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert x_max and max(x_max) <= right_edge + 1.0


def fillers_on_page_one() -> int:
    """How many one-line filler paragraphs page 1 holds (so the tests follow the theme)."""
    blocks: list[Block] = [Paragraph(runs(f"filler {i}.")) for i in range(200)]
    first = page_texts(render_pdf(document(blocks), THEME))[0]
    return sum(f"filler {i}." in first for i in range(200))


def test_heading_never_ends_a_page() -> None:
    # Move a heading down the page one filler paragraph at a time, past the page end.
    full = fillers_on_page_one()
    for filler in range(full - 6, full + 1):
        blocks: list[Block] = [Paragraph(runs(f"filler {i}")) for i in range(filler)]
        blocks += [Heading(runs("HEADING-MARK")), Paragraph(runs("AFTER-MARK"))]
        pages = page_texts(render_pdf(document(blocks), THEME))
        heading = next(i for i, text in enumerate(pages) if "HEADING-MARK" in text)
        assert "AFTER-MARK" in pages[heading], f"heading alone at the foot with {filler}"


def test_signature_lines_stay_on_one_page() -> None:
    lines = ["Drafted: Мұрат Нұртілеу", "Cleared: Desk", "Approved: Director", "Distribution: All"]
    full = fillers_on_page_one()
    for filler in range(full - 6, full + 1):
        blocks: list[Block] = [Paragraph(runs(f"filler {i}")) for i in range(filler)]
        blocks += [Rule(), *(Paragraph(runs(line), style="signature") for line in lines)]
        pages = page_texts(render_pdf(document(blocks), THEME))
        holding = [i for i, text in enumerate(pages) if any(line in text for line in lines)]
        assert len(holding) == 1, f"signature block split with {filler} filler paragraphs"


def test_layout_error_becomes_template_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise LayoutError("Flowable <Table> too large on page 1")

    monkeypatch.setattr(BaseDocTemplate, "build", fail)
    with pytest.raises(TemplateError, match="too large") as caught:
        render_pdf(document([Paragraph(runs("x"))]), THEME)
    assert isinstance(caught.value.__cause__, LayoutError)


def test_chart_with_many_bars_fits_a_page() -> None:
    bars = tuple(ChartBar(f"bar {i}", float(i - 20)) for i in range(120))
    pdf = render_pdf(document([Chart("Many", "", bars)]), THEME)
    assert len(page_texts(pdf)) == 1


def test_chart_rejects_non_finite_values() -> None:
    with pytest.raises(TemplateError, match="finite"):
        render_pdf(document([Chart("Bad", "", (ChartBar("x", float("nan")),))]), THEME)


# --- metadata and determinism -------------------------------------------------------------


def test_metadata_and_language(full_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(full_pdf))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Memorandum of conversation — Тоқаев / Bayramov"
    assert meta.author == "Мұрат Нұртілеу"
    assert meta.subject == "Official visit, Astana, 13 March 2025"
    assert str(meta["/Keywords"]) == "Kazakhstan, Azerbaijan, Əlisəmid"
    assert meta.creator == "memo-gen"
    assert meta.creation_date == CREATED
    assert str(reader.root_object["/Lang"]) == "en-GB"


def test_same_document_gives_the_same_bytes(full_pdf: bytes) -> None:
    assert render_pdf(full_document(), THEME) == full_pdf


def test_creation_date_changes_the_bytes_but_the_clock_does_not() -> None:
    doc = document([Paragraph(runs("x"))])
    other = Document(doc.kind, doc.blocks, Metadata("t", "a", created=None), doc.furniture)
    assert render_pdf(doc, THEME) != render_pdf(other, THEME)
    meta = pypdf.PdfReader(io.BytesIO(render_pdf(other, THEME))).metadata
    assert meta is not None and meta.creation_date == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def test_reportlab_settings_are_restored() -> None:
    before = (rl_config.invariant, rl_config.pageCompression, rl_config.documentLang)
    render_pdf(document([Paragraph(runs("x"))]), THEME)
    assert (rl_config.invariant, rl_config.pageCompression, rl_config.documentLang) == before


def test_same_bytes_in_another_process_with_hostile_settings(
    full_pdf: bytes, tmp_path: Path
) -> None:
    # A developer's ~/.reportlab_settings, RL_* variables and SOURCE_DATE_EPOCH must not
    # change the output.
    home = tmp_path / "home"
    home.mkdir()
    (home / ".reportlab_settings").write_text(
        "invariant=0\npageCompression=0\nuseA85=0\nttfAsciiReadable=0\n"
        "canvas_basefontname='Courier'\ndefaultGraphicsFontName='Courier'\n"
        "documentLang='xx'\nuriWasteReduce=0\npdfComments=1\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "HOME": str(home),
        "SOURCE_DATE_EPOCH": "1234567890",
        "RL_pageCompression": "0",
        "PYTHONHASHSEED": "12345",
    }
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import test_pdf_backend as t; from memo_gen.backends.pdf import render_pdf;"
        "sys.stdout.buffer.write(render_pdf(t.full_document(), t.THEME))"
    )
    tests_dir = str(Path(__file__).resolve().parent)
    result = subprocess.run(
        [sys.executable, "-c", script, tests_dir], env=env, capture_output=True, check=True
    )
    assert result.stdout == full_pdf


def test_the_c_accelerators_do_not_change_a_byte() -> None:
    # rl_accel is a dependency for speed only: with or without it, the same PDF.
    script = """
import hashlib, sys
if sys.argv[1] == "without":
    sys.modules["_rl_accel"] = None  # as if it were not installed
from reportlab.lib import rl_accel
from memo_gen.record.loader import load_record
from memo_gen.render import Renderer
files = Renderer.create().render(load_record(), ("memo", "factsheet"), ("pdf",), "ru")
print(rl_accel.fp_str.__module__, *(hashlib.sha256(d).hexdigest() for d in files.values()))
"""
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, which], capture_output=True, text=True, check=True
        ).stdout.split()
        for which in ("with", "without")
    ]
    assert [run[0] for run in runs] == ["_rl_accel", "reportlab.lib.rl_accel"]
    assert runs[0][1:] == runs[1][1:]
