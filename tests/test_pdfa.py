"""PDF/A-2b conversion, checked on real PDFs of the sample record with several readers:
pikepdf, pypdf, qpdf, pdffonts, pdftotext, Pillow (the ICC profile) and, when its optional
dependencies are installed, pikepdf's own PDF/A validator."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import pikepdf
import pypdf
import pytest
from PIL import ImageCms
from reportlab.pdfgen.canvas import Canvas

from memo_gen.backends.pdf import render_pdf
from memo_gen.document import Document, DocumentKind, Furniture, Metadata
from memo_gen.errors import OutputError
from memo_gen.official.pdfa import (
    CONFORMANCE,
    OUTPUT_CONDITION,
    PART,
    PDF_VERSION,
    icc_profile,
    to_pdfa,
)
from memo_gen.record.loader import load_record, parse_record
from memo_gen.render import Renderer, render_bytes
from test_pdf_backend import (
    THEME,
    fonts,
    full_document,
    needs_pdffonts,
    needs_pdftotext,
    needs_qpdf,
    pdftotext,
    write,
)

ICC_FILE = Path(__file__).resolve().parent.parent / "src" / "memo_gen" / "icc" / "sRGB.icc"
RUSSIAN_TITLE = "Официальный визит Министра иностранных дел Азербайджана в Астану"
RUSSIAN_RECORD = f"""
document:
  language: ru
  date: 2025-03-14
  ministry: Министерство иностранных дел Республики Казахстан
  subject: {RUSSIAN_TITLE}
visit:
  title: {RUSSIAN_TITLE}
  start: 2025-03-13
"""


@dataclass(frozen=True)
class Converted:
    """A document of a record: its metadata, its PDF as rendered and as PDF/A."""

    metadata: Metadata
    pdf: bytes
    pdfa: bytes


def convert(document: Document, pdf: bytes | None = None) -> Converted:
    pdf = render_pdf(document, THEME) if pdf is None else pdf
    return Converted(document.metadata, pdf, to_pdfa(pdf, document.metadata))


def render_record(text: str | None, kind: DocumentKind, lang: str | None) -> Converted:
    renderer = Renderer.create()
    record = load_record() if text is None else parse_record(text, "yaml")
    document = renderer.composer.compose(record, kind, lang)
    return convert(document, render_bytes(document, "pdf", renderer.theme))


SAMPLES = ("en-memo", "en-factsheet", "ru-factsheet")


@functools.cache
def case(name: str) -> Converted:
    """A converted document by name: ``LANG-KIND`` of the sample record (the fact sheet has
    the charts), ``full`` (every kind of block, a link, Kazakh and Azerbaijani properties) or
    ``russian`` (a record written in Russian, title and all) or ``draft`` (``full`` under a
    watermark, the likeliest place for transparency)."""
    if name == "full":
        return convert(full_document())
    if name == "russian":
        return render_record(RUSSIAN_RECORD, "memo", None)
    if name == "draft":
        if "watermark" not in {field.name for field in fields(Furniture)}:
            pytest.skip("no watermark in this version of memo-gen")
        document = full_document()
        draft: dict[str, Any] = {"watermark": "DRAFT"}  # by name: older memo-gen has none
        furniture = replace(document.furniture, **draft)
        return convert(replace(document, furniture=furniture))
    lang, kind = name.split("-")
    return render_record(None, "memo" if kind == "memo" else "factsheet", lang)


@pytest.fixture(params=SAMPLES)
def sample(request: pytest.FixtureRequest) -> Converted:
    return case(request.param)


@pytest.fixture(params=[*SAMPLES, "full", "russian", "draft"])
def every(request: pytest.FixtureRequest) -> Converted:
    return case(request.param)


@pytest.fixture
def full() -> Converted:
    return case("full")


@pytest.fixture
def russian() -> Converted:
    return case("russian")


def opened(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


XMP_KEYS = (
    "pdfaid:part",
    "pdfaid:conformance",
    "dc:title",
    "dc:creator",
    "dc:description",
    "dc:subject",
    "dc:language",
    "pdf:Keywords",
    "pdf:Producer",
    "xmp:CreatorTool",
    "xmp:CreateDate",
    "xmp:ModifyDate",
    "xmp:MetadataDate",
)


def xmp_of(data: bytes) -> dict[str, Any]:
    """The XMP properties memo-gen writes, as pikepdf reads them (a Seq as a list, a Bag as a
    set, a language alternative as its default)."""
    with opened(data) as pdf:
        meta = pdf.open_metadata()
        return {key: meta[key] for key in XMP_KEYS if key in meta}


def info_of(data: bytes) -> dict[str, str]:
    with opened(data) as pdf:
        return {str(key): str(value) for key, value in pdf.docinfo.items()}


def pdf_date(text: str) -> dt.datetime:
    """ReportLab's ``D:20250313000000+00'00'`` as a datetime, read independently of pdfa.py."""
    return dt.datetime.strptime(re.sub(r"'(\d\d)'$", r"\1", text), "D:%Y%m%d%H%M%S%z")


def walk(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary | pikepdf.Stream]:
    """Every dictionary and stream reachable from the catalog, each once."""
    stack: list[Any] = [pdf.Root]
    seen: set[tuple[int, int]] = set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            stack.extend(obj)
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            yield obj
            stack.extend(value for key, value in obj.items() if key != "/Parent")


# --- the PDF/A claim: XMP packet on the catalog ---------------------------------------------


def test_xmp_declares_pdfa_2b(sample: Converted) -> None:
    xmp = xmp_of(sample.pdfa)
    assert xmp["pdfaid:part"] == "2" == str(PART)
    assert xmp["pdfaid:conformance"] == "B" == CONFORMANCE


def test_xmp_packet_is_a_plain_metadata_stream(sample: Converted) -> None:
    with opened(sample.pdfa) as pdf:
        stream = pdf.Root.Metadata
        assert stream.Type == pikepdf.Name.Metadata and stream.Subtype == pikepdf.Name.XML
        assert "/Filter" not in stream  # readable as text, as PDF/A-1 even demands
        packet = stream.read_bytes()
    header = packet.split(b"?>", 1)[0]
    assert header.startswith(b"<?xpacket begin=")
    assert b"bytes=" not in header and b"encoding=" not in header  # ISO 19005-2, 6.6.2.1
    assert packet.rstrip().endswith(b'<?xpacket end="w"?>')
    packet.decode("utf-8")


def test_xmp_agrees_with_the_info_reportlab_wrote(sample: Converted) -> None:
    before, after, xmp = info_of(sample.pdf), info_of(sample.pdfa), xmp_of(sample.pdfa)
    # /Info is what ReportLab wrote, entry for entry; the XMP packet mirrors it.
    assert after == before
    assert xmp["dc:title"] == after["/Title"] == sample.metadata.title
    assert xmp["dc:creator"] == [after["/Author"]]
    assert xmp["dc:description"] == after["/Subject"]
    assert xmp["pdf:Keywords"] == after["/Keywords"]
    assert xmp["dc:subject"] == set(sample.metadata.keywords)
    assert xmp["pdf:Producer"] == after["/Producer"] == "ReportLab PDF Library - (opensource)"
    assert xmp["xmp:CreatorTool"] == after["/Creator"] == "memo-gen"
    assert xmp["dc:language"] == {sample.metadata.language}


def test_dates_are_one_instant_in_info_and_xmp(sample: Converted) -> None:
    info, xmp = info_of(sample.pdfa), xmp_of(sample.pdfa)
    created = pdf_date(info["/CreationDate"])
    assert created == sample.metadata.created
    assert pdf_date(info["/ModDate"]) == created
    for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
        assert dt.datetime.fromisoformat(xmp[key]) == created, key
        assert dt.datetime.fromisoformat(xmp[key]).utcoffset() is not None, key


def test_creator_is_an_ordered_array(full: Converted) -> None:
    # pikepdf #150: a dc:creator that is not an rdf:Seq fails validation.
    with opened(full.pdfa) as pdf:
        packet = pdf.Root.Metadata.read_bytes().decode()
    creator = re.search(r"<dc:creator[^>]*>(.*?)</dc:creator>", packet, re.S)
    assert creator is not None
    assert re.fullmatch(
        r"\s*<rdf:Seq>\s*<rdf:li>Мұрат Нұртілеу</rdf:li>\s*</rdf:Seq>\s*", creator[1]
    )


def test_pypdf_reads_the_claim_and_the_properties(sample: Converted) -> None:
    xmp = pypdf.PdfReader(io.BytesIO(sample.pdfa)).xmp_metadata
    assert xmp is not None
    assert xmp.pdfaid_part == "2"
    assert xmp.pdfaid_conformance == "B"
    assert xmp.dc_title == {"x-default": sample.metadata.title}
    assert xmp.dc_creator == [sample.metadata.author]
    assert sample.metadata.created is not None
    # pypdf gives the instant in UTC, without a zone.
    assert xmp.xmp_create_date == sample.metadata.created.astimezone(dt.UTC).replace(tzinfo=None)


def test_properties_missing_from_info_come_from_the_metadata(full: Converted) -> None:
    with opened(full.pdf) as pdf:
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/CreationDate", "/ModDate"):
            del pdf.docinfo[key]
        stripped = io.BytesIO()
        pdf.save(stripped)
    created = dt.datetime(2025, 3, 14, 10, 5, 7, 123, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    metadata = Metadata("Заголовок", "Автор", "Тема", ("один", "два"), "kk", created)
    out = to_pdfa(stripped.getvalue(), metadata)
    info, xmp = info_of(out), xmp_of(out)
    assert info["/Title"] == xmp["dc:title"] == "Заголовок"
    assert [info["/Author"]] == xmp["dc:creator"] == ["Автор"]
    assert info["/Subject"] == xmp["dc:description"] == "Тема"
    assert info["/Keywords"] == xmp["pdf:Keywords"] == "один, два"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20250314100507+05'00'"
    assert xmp["xmp:CreateDate"] == xmp["xmp:MetadataDate"] == "2025-03-14T10:05:07+05:00"
    assert xmp["dc:language"] == {"kk"}


def test_what_xml_cannot_hold_leaves_info_and_xmp_alike(full: Converted) -> None:
    with opened(full.pdf) as pdf:
        pdf.docinfo.Title = "Memo\x01 of\ufffe talks\tin Astana"
        odd = io.BytesIO()
        pdf.save(odd)
    out = to_pdfa(odd.getvalue(), full.metadata)
    assert info_of(out)["/Title"] == xmp_of(out)["dc:title"] == "Memo of talks\tin Astana"


def test_an_earlier_xmp_packet_is_replaced_whole(full: Converted) -> None:
    with opened(full.pdf) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfaid:part"] = "1"
            meta["pdfaid:amd"] = "2005"
            meta["dc:rights"] = "stale"
        stale = io.BytesIO()
        pdf.save(stale)
    with opened(to_pdfa(stale.getvalue(), full.metadata)) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert "pdfaid:amd" not in meta and "dc:rights" not in meta


# --- colour: the sRGB output intent ---------------------------------------------------------


def test_one_srgb_output_intent(sample: Converted) -> None:
    with opened(sample.pdfa) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.Type == pikepdf.Name.OutputIntent
        assert intent.S == pikepdf.Name.GTS_PDFA1
        assert str(intent.OutputConditionIdentifier) == "sRGB IEC61966-2.1" == OUTPUT_CONDITION
        assert str(intent.Info) == OUTPUT_CONDITION
        profile = intent.DestOutputProfile
        assert profile.N == 3
        assert profile.read_bytes() == ICC_FILE.read_bytes()
    assert "/OutputIntents" not in opened(sample.pdf).Root  # ReportLab cannot write one


def test_shipped_icc_profile_is_an_srgb_display_profile() -> None:
    data = icc_profile()
    assert data == ICC_FILE.read_bytes()
    assert int.from_bytes(data[:4], "big") == len(data)  # the header's size is the file's
    assert data[36:40] == b"acsp"
    assert data[12:16] == b"mntr" and data[16:20] == b"RGB "
    assert data[8] < 5  # PDF/A-2 takes ICC versions before 5
    profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    assert (profile.profile.profile_description or "").strip() == "sRGB"
    # LittleCMS converts with it exactly as with its own built-in sRGB.
    srgb, lab = ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB")
    from PIL import Image

    colours = Image.new("RGB", (3, 1))
    colours.putpixel((0, 0), (200, 30, 40))
    colours.putpixel((1, 0), (10, 120, 250))
    colours.putpixel((2, 0), (128, 128, 128))
    ours = ImageCms.applyTransform(colours, ImageCms.buildTransform(profile, lab, "RGB", "LAB"))
    built_in = ImageCms.applyTransform(colours, ImageCms.buildTransform(srgb, lab, "RGB", "LAB"))
    assert ours is not None and built_in is not None
    assert ours.tobytes() == built_in.tobytes()


# --- the file: header, trailer, encryption, qpdf ---------------------------------------------


def test_header_version_and_trailer_id(sample: Converted) -> None:
    assert sample.pdfa.startswith(f"%PDF-{PDF_VERSION}\n".encode())
    assert all(byte > 127 for byte in sample.pdfa.split(b"\n")[1][1:5])  # binary comment
    with opened(sample.pdfa) as pdf, opened(sample.pdf) as original:
        assert (1, 4) <= tuple(int(n) for n in pdf.pdf_version.split(".")) <= (1, 7)
        assert not pdf.is_encrypted
        assert "/Encrypt" not in pdf.trailer
        first, second = (bytes(part) for part in pdf.trailer.ID)
        # The document keeps its permanent identifier; the second one marks this version.
        assert first == bytes(original.trailer.ID[0])
        assert len(second) == 16


def test_encryption_is_removed(full: Converted) -> None:
    with opened(full.pdf) as pdf:
        locked = io.BytesIO()
        pdf.save(locked, encryption=pikepdf.Encryption(owner="owner", user="", R=6))
    with opened(locked.getvalue()) as pdf:
        assert pdf.is_encrypted
    with opened(to_pdfa(locked.getvalue(), full.metadata)) as pdf:
        assert not pdf.is_encrypted and "/Encrypt" not in pdf.trailer


def test_a_password_protected_pdf_is_refused(full: Converted) -> None:
    with opened(full.pdf) as pdf:
        locked = io.BytesIO()
        pdf.save(locked, encryption=pikepdf.Encryption(owner="owner", user="secret", R=6))
    with pytest.raises(OutputError) as caught:
        to_pdfa(locked.getvalue(), full.metadata)
    assert caught.value.exit_code == 6
    assert "password" in caught.value.message and "; " in caught.value.message


def test_what_is_not_a_pdf_is_an_output_error() -> None:
    with pytest.raises(OutputError) as caught:
        to_pdfa(b"%PDF-1.4\nthis is no PDF", Metadata("t", "a"))
    assert caught.value.exit_code == 6
    assert caught.value.message.startswith("the PDF cannot be converted to PDF/A")
    assert isinstance(caught.value.__cause__, pikepdf.PdfError)
    assert " at 0x" not in caught.value.message  # no Python repr of the in-memory file


def test_a_damaged_pdf_is_refused_not_repaired(full: Converted) -> None:
    truncated = full.pdf[: full.pdf.rindex(b"startxref")]  # qpdf could rebuild the xref
    with pytest.raises(OutputError, match=r"it is damaged \(file is damaged\); render it"):
        to_pdfa(truncated, full.metadata)


@needs_qpdf
def test_qpdf_check_passes(every: Converted, tmp_path: Path) -> None:
    done = subprocess.run(
        ["qpdf", "--check", str(write(tmp_path, every.pdfa))], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors" in done.stdout


def test_same_input_same_bytes(full: Converted) -> None:
    # A second apart: an ID or a date taken from the clock would differ.
    time.sleep(1.1)
    assert to_pdfa(full.pdf, full.metadata) == full.pdfa
    assert b"pikepdf " not in full.pdfa  # no tool version stamped in by pikepdf


def test_other_metadata_other_bytes(full: Converted) -> None:
    other = to_pdfa(full.pdf, replace(full.metadata, language="kk"))
    assert other != full.pdfa
    assert xmp_of(other)["dc:language"] == {"kk"}


# --- fonts, transparency, annotations --------------------------------------------------------


@needs_pdffonts
def test_pdffonts_sees_every_font_embedded(every: Converted, tmp_path: Path) -> None:
    rows = fonts(write(tmp_path, every.pdfa))
    assert rows
    for row in rows:
        assert row[-5] == "yes", f"not embedded: {row}"  # the emb column


def test_every_font_carries_its_font_file(every: Converted) -> None:
    with opened(every.pdfa) as pdf:
        found = [obj for obj in walk(pdf) if obj.get("/Type") == pikepdf.Name.Font]
        assert found
        for font in found:
            if font.Subtype in (pikepdf.Name.Type0, pikepdf.Name.Type3):
                continue
            descriptor = font.FontDescriptor
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font.BaseFont


def test_a_font_not_embedded_is_refused() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 720, "Standard 14, never embedded")
    canvas.showPage()
    canvas.save()
    with pytest.raises(OutputError, match=r"not embedded \(Helvetica\); use a theme"):
        to_pdfa(buffer.getvalue(), Metadata("t", "a"))


def test_no_transparency(every: Converted) -> None:
    with opened(every.pdfa) as pdf:
        for obj in walk(pdf):
            assert obj.get("/SMask", pikepdf.Name.None_) == pikepdf.Name.None_
            for alpha in ("/CA", "/ca"):
                assert float(obj.get(alpha, 1)) >= 1, alpha
            assert obj.get("/BM", pikepdf.Name.Normal) in (pikepdf.Name.Normal, "/Compatible")
            group = obj.get("/Group")
            assert group is None or group.get("/S") != pikepdf.Name.Transparency
        for page in pdf.pages:
            assert "/Group" not in page.obj


def test_links_are_printable_and_still_links(full: Converted) -> None:
    with opened(full.pdfa) as pdf:
        links = [a for page in pdf.pages for a in page.obj.get("/Annots", pikepdf.Array())]
        assert [str(link.A.URI) for link in links] == ["https://www.gov.kz/memleket"]
        for link in links:
            assert int(link.F) & 4  # Print
            assert not int(link.F) & (1 | 2 | 32 | 256)  # Invisible, Hidden, NoView, Toggle…
            assert list(link.Border) == [0, 0, 0]  # borderless: printing shows nothing new


def test_a_hidden_annotation_is_refused(full: Converted) -> None:
    with opened(full.pdf) as pdf:
        (link,) = [a for page in pdf.pages for a in page.obj.get("/Annots", pikepdf.Array())]
        link.F = 2  # Hidden
        hidden = io.BytesIO()
        pdf.save(hidden)
    with pytest.raises(OutputError, match="hidden annotation"):
        to_pdfa(hidden.getvalue(), full.metadata)


def test_pages_are_untouched(full: Converted) -> None:
    with opened(full.pdf) as before, opened(full.pdfa) as after:
        assert len(before.pages) == len(after.pages)
        for old, new in zip(before.pages, after.pages, strict=True):
            assert old.obj.Contents.read_bytes() == new.obj.Contents.read_bytes()
            assert list(old.mediabox) == list(new.mediabox)
            assert "/Trans" in old.obj and "/Trans" not in new.obj  # the empty one, only


# --- text ------------------------------------------------------------------------------------


@needs_pdftotext
def test_pdftotext_reads_the_same_text(every: Converted, tmp_path: Path) -> None:
    before = pdftotext(write(tmp_path, every.pdf, "before.pdf"))
    after = pdftotext(write(tmp_path, every.pdfa, "after.pdf"))
    assert len(before.split()) > 20
    assert after == before


# --- Russian ---------------------------------------------------------------------------------


def test_russian_record_keeps_its_cyrillic_title(russian: Converted) -> None:
    assert russian.metadata.title == RUSSIAN_TITLE and russian.metadata.language == "ru"
    xmp, info = xmp_of(russian.pdfa), info_of(russian.pdfa)
    assert xmp["dc:title"] == info["/Title"] == RUSSIAN_TITLE
    assert xmp["dc:description"] == RUSSIAN_TITLE
    assert xmp["dc:creator"] == ["Министерство иностранных дел Республики Казахстан"]
    assert xmp["dc:language"] == {"ru"}
    assert "служебная записка" in xmp["pdf:Keywords"]
    with opened(russian.pdfa) as pdf:
        assert str(pdf.Root.Lang) == "ru"
        # UTF-8 in the packet, letter for letter (not character references).
        assert RUSSIAN_TITLE.encode() in pdf.Root.Metadata.read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(russian.pdfa))
    assert reader.xmp_metadata is not None
    assert reader.xmp_metadata.dc_title == {"x-default": RUSSIAN_TITLE}
    assert reader.metadata is not None and reader.metadata.title == RUSSIAN_TITLE


# --- a second opinion: pikepdf's PDF/A validator ----------------------------------------------


def test_pikepdf_validator_approves(every: Converted) -> None:
    # pikepdf.pdfa (an allow-list validator built from veraPDF's rules) needs fontTools.
    pytest.importorskip("fontTools", reason="pikepdf.pdfa needs fontTools (pikepdf[pdfa])")
    from pikepdf import pdfa

    report = pdfa.validate_written(io.BytesIO(every.pdfa), "2b")
    assert report.passed, [str(finding) for finding in report.findings]
    assert not pdfa.validate_written(io.BytesIO(every.pdf), "2b").passed


# --- packaging: pikepdf only when asked for --------------------------------------------------


def test_importing_pdfa_does_not_import_pikepdf() -> None:
    probe = "import sys, memo_gen.official.pdfa; print('pikepdf' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
