"""Drafts: the DRAFT watermark (ПРОЕКТ in Russian) across every page of both formats.

The PDF draws it first on each page (behind the text), on the page's diagonal, in an opaque
grey and the embedded fonts, and marks it with its ActualText so that pdftotext reads the
word. The DOCX carries Word's own watermark (VML WordArt named ``PowerPlusWaterMarkObject…``)
in every header part. LibreOffice shows that WordArt on every page but exports it to PDF as
outlines, not text: in its PDFs the watermark is found by its fill colour on every page.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import uuid
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import docx
import pikepdf
import pypdf
import pytest
from lxml import etree
from pypdf.generic import ContentStream

from memo_gen.backends.docx import _add_watermark, render_docx
from memo_gen.backends.pdf import render_pdf
from memo_gen.backends.theme import PAGE_SIZES_PT, load_theme
from memo_gen.compose.composer import Composer
from memo_gen.document import (
    DOCUMENT_KINDS,
    Document,
    DocumentKind,
    Format,
    Furniture,
    Metadata,
    Paragraph,
    Run,
)
from memo_gen.record.loader import load_record
from memo_gen.render import Renderer
from memo_gen.resources import data_dir
from test_imports import loaded

REPO = Path(__file__).resolve().parent.parent
THEME = load_theme(REPO / "templates")
WORDS = {"en": "DRAFT", "ru": "ПРОЕКТ"}
LANGUAGES = tuple(WORDS)
STANDARD_14 = re.compile(r"Helvetica|Times-|Courier|Symbol|ZapfDingbats")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
OFFICE = "{urn:schemas-microsoft-com:office:office}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
GREY = tuple(int(THEME.watermark_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils is not installed",
)

Files = dict[tuple[str, DocumentKind, Format], bytes]


# --- helpers ------------------------------------------------------------------------------


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pdftotext_pages(pdf: Path, *args: str) -> list[str]:
    """The text of every page of a PDF file, one pdftotext run per page."""
    pages = len(pypdf.PdfReader(pdf).pages)
    return [
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", *args, "-f", str(n), "-l", str(n), str(pdf), "-"],
            check=True, capture_output=True, text=True,
        ).stdout
        for n in range(1, pages + 1)
    ]  # fmt: skip


def operations(page: pypdf.PageObject) -> list[tuple[list[object], bytes]]:
    """The operators of a page's content stream, with their operands."""
    contents = page.get_contents()
    assert contents is not None
    return [(list(args), op) for args, op in ContentStream(contents, page.pdf).operations]


def is_watermark_grey(args: Sequence[object]) -> bool:
    return len(args) == 3 and all(
        abs(float(value) - want) < 0.002  # type: ignore[arg-type]
        for value, want in zip(args, GREY, strict=True)
    )


def grey_fills(page: pypdf.PageObject) -> int:
    """How many paths a page fills in the watermark's grey (LibreOffice draws WordArt so)."""
    count, grey = 0, False
    for args, op in operations(page):
        if op in (b"rg", b"sc", b"scn"):
            grey = is_watermark_grey(args)
        elif op in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*") and grey:
            count += 1
    return count


def libreoffice_pdfs(documents: Mapping[str, bytes], folder: Path) -> dict[str, Path]:
    """DOCX files converted to PDF by one LibreOffice run with a private profile."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    paths = []
    for name, data in documents.items():
        path = folder / f"{name}.docx"
        path.write_bytes(data)
        paths.append(str(path))
    profile = (folder / f"lo-profile-{uuid.uuid4().hex}").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), *paths],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdfs = {name: folder / f"{name}.pdf" for name in documents}
    for pdf in pdfs.values():
        assert pdf.is_file(), f"LibreOffice did not convert {pdf.name}"
    return pdfs


def header_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {
            name: package.read(name)
            for name in package.namelist()
            if re.fullmatch(r"word/header\d*\.xml", name)
        }


def watermark_shapes(xml: bytes) -> list[etree._Element]:
    return [
        shape
        for shape in etree.fromstring(xml).iter(f"{V}shape")
        if shape.get("id", "").startswith("PowerPlusWaterMarkObject")
    ]


def style_of(shape: etree._Element) -> dict[str, str]:
    return dict(item.split(":", 1) for item in shape.get("style", "").split(";"))


def synthetic(furniture: Furniture, paragraphs: int = 1) -> Document:
    body = tuple(Paragraph((Run(f"Paragraph {n} " + "text " * 60),)) for n in range(paragraphs))
    return Document("memo", body, Metadata(title="t", author="a"), furniture)


# --- fixtures -----------------------------------------------------------------------------


def rendered(draft: bool) -> Files:
    """The sample record's memo and fact sheet in both formats and languages."""
    renderer = Renderer.create(draft=draft)
    files: Files = {}
    for lang in LANGUAGES:
        documents = renderer.render(load_record(), DOCUMENT_KINDS, ("pdf", "docx"), lang)
        files.update({(lang, kind, fmt): data for (kind, fmt), data in documents.items()})
    return files


@pytest.fixture(scope="module")
def drafts() -> Files:
    """The documents as drafts."""
    return rendered(draft=True)


@pytest.fixture(scope="module")
def finals() -> Files:
    """The same documents without ``draft``."""
    return rendered(draft=False)


@pytest.fixture(scope="module")
def draft_files(drafts: Files, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("drafts")
    paths = {}
    for (lang, kind, fmt), data in drafts.items():
        path = folder / f"{kind}-{lang}.{fmt}"
        path.write_bytes(data)
        paths[f"{kind}-{lang}.{fmt}"] = path
    return paths


@pytest.fixture(scope="module")
def libreoffice(
    drafts: Files, finals: Files, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """Every draft DOCX, and the English finals, as LibreOffice exports them to PDF."""
    documents = {f"draft-{kind}-{lang}": drafts[(lang, kind, "docx")] for lang, kind, _ in drafts}
    documents |= {f"final-{kind}-en": finals[("en", kind, "docx")] for kind in DOCUMENT_KINDS}
    return libreoffice_pdfs(documents, tmp_path_factory.mktemp("draft-lo"))


# --- the document model -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_compose_sets_the_watermark_only_for_a_draft(lang: str, kind: DocumentKind) -> None:
    composer = Composer()
    draft = composer.compose(load_record(), kind, lang, draft=True)
    assert draft.furniture.watermark == WORDS[lang]
    assert composer.compose(load_record(), kind, lang).furniture.watermark is None
    # Nothing else changes: the watermark is the only difference.
    final = composer.compose(load_record(), kind, lang)
    assert draft.blocks == final.blocks and draft.metadata == final.metadata


def test_renderer_passes_draft_on() -> None:
    assert Renderer.create().draft is False
    assert Renderer.create(draft=True).draft is True


# --- PDF ----------------------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_pdf_every_page_reads_the_watermark(
    draft_files: dict[str, Path], lang: str, kind: DocumentKind
) -> None:
    pdf = draft_files[f"{kind}-{lang}.pdf"]
    pages = pdftotext_pages(pdf)
    assert len(pages) >= (2 if kind == "memo" else 1)
    for number, text in enumerate(pages, start=1):
        assert WORDS[lang] in text.split(), f"page {number}"
    # In content order too (-raw), as one word, not letters strewn across the page.
    for number, text in enumerate(pdftotext_pages(pdf, "-raw"), start=1):
        assert WORDS[lang] in text.split(), f"page {number}"


@needs_poppler
@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_watermark_adds_one_word_and_garbles_none(
    drafts: Files, finals: Files, lang: str, tmp_path: Path
) -> None:
    for kind in DOCUMENT_KINDS:
        draft, final = tmp_path / "draft.pdf", tmp_path / "final.pdf"
        draft.write_bytes(drafts[(lang, kind, "pdf")])
        final.write_bytes(finals[(lang, kind, "pdf")])
        for args in ((), ("-raw",)):
            pairs = zip(pdftotext_pages(draft, *args), pdftotext_pages(final, *args), strict=True)
            for number, (marked, plain) in enumerate(pairs, start=1):
                added = Counter(marked.split()) - Counter(plain.split())
                lost = Counter(plain.split()) - Counter(marked.split())
                assert (added, lost) == (Counter([WORDS[lang]]), Counter()), f"{kind} {number}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_pdf_watermark_is_drawn_first_behind_the_text(
    drafts: Files, lang: str, kind: DocumentKind
) -> None:
    reader = pypdf.PdfReader(io.BytesIO(drafts[(lang, kind, "pdf")]))
    for number, page in enumerate(reader.pages, start=1):
        ops = operations(page)
        first_text = next(i for i, (_, op) in enumerate(ops) if op in (b"Tj", b"TJ"))
        spans = [
            i
            for i, (args, op) in enumerate(ops)
            if op == b"BDC" and str(args[1].get("/ActualText")) == WORDS[lang]  # type: ignore[attr-defined]
        ]
        assert len(spans) == 1, f"page {number}"
        # The page's first text is the watermark's, so all the rest is painted over it.
        assert spans[0] < first_text < ops.index(([], b"EMC"), spans[0]), f"page {number}"
        colours = [args for args, op in ops[: spans[0]] if op == b"rg"]
        assert colours and is_watermark_grey(colours[-1]), f"page {number}"


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_pdf_watermark_follows_the_page_diagonal(size: str) -> None:
    theme = THEME.with_page_size(size)  # type: ignore[arg-type]
    pdf = render_pdf(synthetic(Furniture(watermark="DRAFT")), theme)
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    width, height = PAGE_SIZES_PT[size]
    rotations = [
        [float(v) for v in args]  # type: ignore[arg-type]
        for args, op in operations(page)
        if op == b"cm" and abs(float(args[1])) > 0.1  # type: ignore[arg-type]
    ]
    assert len(rotations) == 1
    a, b, _, _, e, f = rotations[0]
    assert math.degrees(math.atan2(b, a)) == pytest.approx(math.degrees(math.atan2(height, width)))
    assert (e, f) == pytest.approx((width / 2, height / 2))  # centred on the page


@needs_poppler
@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_fonts_stay_embedded(draft_files: dict[str, Path], lang: str) -> None:
    for kind in DOCUMENT_KINDS:
        output = subprocess.run(
            ["pdffonts", str(draft_files[f"{kind}-{lang}.pdf"])],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        rows = output.splitlines()[2:]
        assert rows
        for row in rows:
            assert not STANDARD_14.search(row.split()[0]), row
            assert " yes " in row[row.find("  ") :], row


def transparency(pdf: bytes) -> list[str]:
    """Everything in a PDF that makes it transparent, direct objects included: alpha below
    1, soft masks, blend modes other than Normal, transparency groups."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def visit(obj: object) -> None:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Stream):
            visit(obj.stream_dict)
        elif isinstance(obj, pikepdf.Array):
            for item in obj:
                visit(item)
        elif isinstance(obj, pikepdf.Dictionary):
            for key in ("/CA", "/ca"):
                if key in obj and float(obj[key]) < 1:
                    found.append(f"{key} {float(obj[key])}")
            if "/SMask" in obj and obj["/SMask"] != pikepdf.Name("/None"):
                found.append("/SMask")
            if obj.get("/BM") not in (None, pikepdf.Name.Normal, pikepdf.Name.Compatible):
                found.append(f"/BM {obj['/BM']}")
            if obj.get("/S") == pikepdf.Name.Transparency:
                found.append("transparency group")
            for name in obj.keys():  # noqa: SIM118 (pikepdf types keys() as str)
                if name not in ("/Parent", "/P"):
                    visit(obj[name])

    with pikepdf.open(io.BytesIO(pdf)) as document:
        visit(document.trailer)
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_pdf_has_no_transparency(drafts: Files, lang: str, kind: DocumentKind) -> None:
    assert transparency(drafts[(lang, kind, "pdf")]) == []


@needs_poppler
def test_pdf_without_draft_has_no_watermark(finals: Files, tmp_path: Path) -> None:
    for (lang, kind, fmt), data in finals.items():
        if fmt != "pdf":
            continue
        path = tmp_path / f"{kind}-{lang}.pdf"
        path.write_bytes(data)
        assert all(WORDS[lang] not in text for text in pdftotext_pages(path)), path.name
        for page in pypdf.PdfReader(path).pages:
            assert all(op != b"BDC" for _, op in operations(page))


def test_pdf_drafts_keep_the_banners(drafts: Files) -> None:
    reader = pypdf.PdfReader(io.BytesIO(drafts[("en", "memo", "pdf")]))
    for page in reader.pages:
        assert page.extract_text().count("UNCLASSIFIED") == 2


def test_pdf_long_draft_marks_every_page() -> None:
    pdf = render_pdf(synthetic(Furniture(watermark="ПРОЕКТ"), paragraphs=40), THEME)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        marks = [args for args, op in operations(page) if op == b"BDC"]
        assert [str(args[1]["/ActualText"]) for args in marks] == ["ПРОЕКТ"]  # type: ignore[index]


def test_blank_watermark_draws_nothing() -> None:
    final = render_pdf(synthetic(Furniture()), THEME)
    assert render_pdf(synthetic(Furniture(watermark=" \n ")), THEME) == final
    assert render_docx(synthetic(Furniture(watermark=" ")), THEME) == render_docx(
        synthetic(Furniture()), THEME
    )


# --- DOCX ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_docx_every_header_part_holds_the_watermark(
    drafts: Files, lang: str, kind: DocumentKind
) -> None:
    data = drafts[(lang, kind, "docx")]
    headers = header_parts(data)
    assert headers
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
    # Every header a section refers to is one of them.
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    used = {f"word/{targets[ref.get(f'{R}id')]}" for ref in body.iter(f"{W}headerReference")}
    assert used and used <= set(headers)
    for name, xml in headers.items():
        [shape] = watermark_shapes(xml)
        assert shape.get("type") == "#_x0000_t136"
        assert shape.get(f"{OFFICE}spid", "").startswith("_x0000_s")
        assert shape.get("fillcolor") == THEME.watermark_colour
        style = style_of(shape)
        assert style["rotation"] == "305"  # the A4 page's diagonal, as in the PDF
        assert int(style["z-index"]) < 0  # behind the text
        assert style["mso-position-horizontal"] == style["mso-position-vertical"] == "center"
        [path] = shape.iter(f"{V}textpath")
        assert path.get("string") == WORDS[lang], name
        assert "bold" in path.get("style", "")
        assert not list(shape.iter(f"{V}fill")), "no transparency"
        # The shape type it names travels with it.
        types = etree.fromstring(xml).iter(f"{V}shapetype")
        assert [t.get("id") for t in types] == ["_x0000_t136"]


def test_docx_draft_never_imports_reportlab(tmp_path: Path) -> None:
    # The DOCX measures its WordArt with Pillow (backends.watermark), not the PDF backend.
    record = str(data_dir() / "short-readout.yaml")
    modules = loaded("docx", "--draft", record, "-o", str(tmp_path))
    assert "memo_gen.backends.docx" in modules
    assert not {m for m in modules if m.split(".")[0] == "reportlab"}
    assert not {m for m in modules if m.startswith("memo_gen.backends.pdf")}
    files = sorted(tmp_path.glob("*.docx"))
    assert files
    for path in files:
        headers = header_parts(path.read_bytes())
        assert headers, path.name
        assert all(len(watermark_shapes(xml)) == 1 for xml in headers.values()), path.name


def pdf_watermark_geometry(pdf: bytes) -> tuple[float, float, float]:
    """The first page's watermark as drawn: its length and cap height in points (from where
    its centred, cap-centred text starts) and its slant in degrees anticlockwise."""
    ops = operations(pypdf.PdfReader(io.BytesIO(pdf)).pages[0])
    start = next(i for i, (_, op) in enumerate(ops) if op == b"BDC")
    a, b = (float(v) for v in ops[start - 1][0][:2])  # type: ignore[arg-type]
    assert ops[start - 1][1] == b"cm"
    x, y = (float(v) for v in next(args for args, op in ops[start:] if op == b"Tm")[4:])  # type: ignore[arg-type]
    return -2 * x, -2 * y, math.degrees(math.atan2(b, a))


@pytest.mark.parametrize("size", ["a4", "letter"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_docx_wordart_matches_the_pdf_watermark(lang: str, size: str) -> None:
    theme = THEME.with_page_size(size)  # type: ignore[arg-type]
    document = synthetic(Furniture(watermark=WORDS[lang]))
    # The PDF's figures come from ReportLab's metrics, the DOCX's from Pillow's.
    width, cap_height, angle = pdf_watermark_geometry(render_pdf(document, theme))
    [xml] = header_parts(render_docx(document, theme)).values()
    [shape] = watermark_shapes(xml)
    style = style_of(shape)
    assert float(style["width"].removesuffix("pt")) == pytest.approx(width, rel=0.02)
    assert float(style["height"].removesuffix("pt")) == pytest.approx(cap_height, rel=0.02)
    assert 360 - int(style["rotation"]) == pytest.approx(angle, rel=0.02)


def test_docx_watermark_without_a_banner() -> None:
    data = render_docx(synthetic(Furniture(watermark="DRAFT")), THEME)
    [xml] = header_parts(data).values()
    assert len(watermark_shapes(xml)) == 1
    # The header holds one paragraph: the watermark does not make it taller.
    assert len(etree.fromstring(xml).findall(f"{W}p")) == 1


def test_docx_watermark_shares_the_banner_paragraph() -> None:
    data = render_docx(synthetic(Furniture("SECRET", "NOFORN", watermark="DRAFT")), THEME)
    header = etree.fromstring(header_parts(data)["word/header1.xml"])
    [para] = header.findall(f"{W}p")
    texts = "".join(t.text or "" for t in para.iter(f"{W}t"))
    assert texts == "SECRETNOFORN" and len(watermark_shapes(etree.tostring(header))) == 1


def test_docx_first_page_and_even_page_headers_get_it_too() -> None:
    word = docx.Document()
    section = word.sections[0]
    section.different_first_page_header_footer = True
    word.settings.odd_and_even_pages_header_footer = True
    for header in (section.header, section.first_page_header, section.even_page_header):
        header.paragraphs[0].text = "banner"
    _add_watermark(word, "DRAFT", THEME)
    ids = []
    for header in (section.header, section.first_page_header, section.even_page_header):
        [shape] = watermark_shapes(etree.tostring(header._element))
        ids.append((shape.get("id"), shape.get(f"{OFFICE}spid")))
        assert header.paragraphs[0].text == "banner"
    assert len(set(ids)) == 3  # each shape its own id


def test_docx_namespaces_are_declared_once(drafts: Files) -> None:
    for xml in header_parts(drafts[("en", "memo", "docx")]).values():
        root = etree.fromstring(xml)
        assert root.nsmap["v"] == V.strip("{}") and root.nsmap["o"] == OFFICE.strip("{}")
        assert xml.count(b"xmlns:v=") == 1


def test_docx_without_draft_has_no_watermark(finals: Files) -> None:
    for (_, _, fmt), data in finals.items():
        if fmt == "docx":
            assert all(not watermark_shapes(xml) for xml in header_parts(data).values())


def test_drafts_are_deterministic(drafts: Files) -> None:
    again = Renderer.create(draft=True).render(load_record(), DOCUMENT_KINDS, ("pdf", "docx"))
    for (kind, fmt), data in again.items():
        assert data == drafts[("en", kind, fmt)], f"{kind}.{fmt}"


# --- LibreOffice ----------------------------------------------------------------------------


def test_libreoffice_shows_the_watermark_on_every_page(libreoffice: dict[str, Path]) -> None:
    for name, pdf in libreoffice.items():
        reader = pypdf.PdfReader(pdf)
        fills = [grey_fills(page) for page in reader.pages]
        if name.startswith("draft-"):
            assert all(fills), f"{name}: pages without the watermark: {fills}"
        else:
            assert not any(fills), name
        if name.startswith("draft-memo"):
            assert len(reader.pages) >= 2


@needs_poppler
def test_libreoffice_keeps_the_text_and_banners_of_drafts(libreoffice: dict[str, Path]) -> None:
    for name, pdf in libreoffice.items():
        # (LibreOffice 7.4 exports WordArt as outlines: the word is seen, not extracted.)
        for number, text in enumerate(pdftotext_pages(pdf), start=1):
            assert text.count("UNCLASSIFIED") == 2, f"{name} page {number}"


def test_libreoffice_paginates_drafts_as_finals(libreoffice: dict[str, Path]) -> None:
    # The watermark rides in the header's first paragraph: the header is no taller.
    for kind in DOCUMENT_KINDS:
        draft = pypdf.PdfReader(libreoffice[f"draft-{kind}-en"])
        final = pypdf.PdfReader(libreoffice[f"final-{kind}-en"])
        assert len(draft.pages) == len(final.pages)
        for a, b in zip(draft.pages, final.pages, strict=True):
            assert a.extract_text() == b.extract_text()
