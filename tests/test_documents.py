"""The four files of a record, checked with real readers: pdftotext, pypdf, qpdf, pdffonts,
python-docx and LibreOffice."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from memo_gen.document import DOCUMENT_KINDS
from memo_gen.record.loader import LoadedRecord, load, load_record
from memo_gen.record.model import VisitRecord
from memo_gen.render import Renderer

HAVE_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None
HAVE_QPDF = shutil.which("qpdf") is not None
HAVE_SOFFICE = shutil.which("soffice") is not None
STANDARD_14 = re.compile(r"Helvetica|Times-|Courier|Symbol|ZapfDingbats")

# Fields whose values are ids, codes or enumerations: they steer the documents rather than
# appear in them word for word.
NOT_TEXT = {"$schema", "id", "speaker", "topic", "meeting", "participants", "figures",
            "agreements", "signed_by", "change_of", "agreement", "kind", "status", "role",
            "side", "format", "areas", "language", "country", "code", "scale"}  # fmt: skip
HOSTILE_TITLE = '<b>Bold?</b> <font color="red">red</font> & &amp; {{ 7*7 }} **x** # h'
HOSTILE_RECORD = {
    "document": {
        "reference": "REF/<1>&2",
        "classification": "RESTRICTED <onDraw name=x/>",
        "date": "2025-03-14",
        "ministry": "Ministry <img src=x> of Foreign Affairs",
        "to": [{"name": "Мұрат Нұртілеу", "title": "Министр иностранных дел"}],
        "from": [{"name": "Ceyhun Əlisəmid oğlu Bayramov", "title": "İş qrupu"}],
    },
    "visit": {"title": HOSTILE_TITLE, "start": "2025-03-13"},
    "summary": ['<a href="javascript:alert(1)">click</a> [x](javascript:alert(1))'],
    "participants": [
        {"id": "a", "name": "Қасым-Жомарт Тоқаев", "title": "Президент"},
        {"id": "b", "name": "Ceyhun Bayramov", "title": "Xarici işlər naziri İı Şş Ğğ Əə"},
    ],
    "topics": [{"id": "t", "title": "| a | b |", "summary": ["x" * 3000, "{% for %}"]}],
    "figures": [{"id": "f", "label": "Trade <b>&lt;", "value": 533.4, "currency": "KZT"}],
}


def record_strings(value: Any, key: str = "") -> Iterator[str]:
    """Every string a record holds, except ids, codes and enumerations."""
    if key in NOT_TEXT:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child_key, child in value.items():
            if key == "glossary":
                yield str(child_key)
            yield from record_strings(child, str(child_key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from record_strings(item, key)


def squeeze(text: str) -> str:
    """Text without white space, so that line wrapping cannot hide a match."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    if HAVE_POPPLER:
        return subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
            check=True,
        ).stdout  # fmt: skip
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    """All text of a DOCX: body, tables, headers and footers, read from its XML."""
    with zipfile.ZipFile(path) as archive:
        parts = [
            n
            for n in archive.namelist()
            if re.match(r"word/(document|header\d*|footer\d*)\.xml", n)
        ]
        xml = "".join(archive.read(name).decode("utf-8") for name in parts)
    texts = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)
    return "\n".join(html.unescape(t) for t in texts)


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    result = subprocess.run(
        [sys.executable, "-m", "memo_gen", "build", "-o", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    *printed, manifest = result.stdout.splitlines()
    assert Path(manifest).name == "manifest.json"
    names = sorted(Path(p).name for p in printed)
    assert names == [
        "astana-2025-03-13-factsheet.docx",
        "astana-2025-03-13-factsheet.pdf",
        "astana-2025-03-13-memo.docx",
        "astana-2025-03-13-memo.pdf",
    ]
    return {Path(p).name.removeprefix("astana-2025-03-13-"): Path(p) for p in printed}


@pytest.fixture(scope="module")
def libreoffice_pdfs(
    sample_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    if not HAVE_SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("lo")
    docs = [str(sample_files["memo.docx"]), str(sample_files["factsheet.docx"])]
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *docs],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    converted = {name: out / f"astana-2025-03-13-{name}.pdf" for name in ("memo", "factsheet")}
    for path in converted.values():
        assert path.is_file(), f"LibreOffice did not convert {path.name}"
    return converted


def extracted(path: Path) -> str:
    return pdf_text(path) if path.suffix == ".pdf" else docx_text(path)


@pytest.mark.parametrize("name", ["memo.pdf", "memo.docx"])
def test_every_record_string_reaches_the_memo(sample_files: dict[str, Path], name: str) -> None:
    record = load_record()
    text = squeeze(extracted(sample_files[name]))
    missing = [
        s for s in record_strings(record.model_dump(by_alias=True)) if squeeze(s) not in text
    ]
    assert missing == []


@pytest.mark.parametrize("name", ["factsheet.pdf", "factsheet.docx"])
def test_the_fact_sheet_carries_its_sections(sample_files: dict[str, Path], name: str) -> None:
    record = load_record()
    text = squeeze(extracted(sample_files[name]))
    wanted = [record.visit.title, "13 March 2025", "Astana, Kazakhstan"]
    wanted += [p.name for p in record.participants if p.role == "principal" and p.name]
    wanted += [f.label for f in record.figures] + [f.name for f in record.frameworks]
    wanted += [a.title for a in record.agreements if not a.background and a.title]
    wanted += ["Topics discussed", "Cooperation:", "Source:", "FACT SHEET"]
    assert [w for w in wanted if squeeze(w) not in text] == []


@pytest.mark.skipif(not HAVE_QPDF, reason="qpdf is not installed")
@pytest.mark.parametrize("name", ["memo.pdf", "factsheet.pdf"])
def test_pdf_structure_is_valid(sample_files: dict[str, Path], name: str) -> None:
    result = subprocess.run(
        ["qpdf", "--check", str(sample_files[name])], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils is not installed")
@pytest.mark.parametrize("name", ["memo.pdf", "factsheet.pdf"])
def test_every_pdf_font_is_embedded(sample_files: dict[str, Path], name: str) -> None:
    output = subprocess.run(
        ["pdffonts", str(sample_files[name])], capture_output=True, text=True, check=True
    ).stdout
    rows = output.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        assert not STANDARD_14.search(row.split()[0]), row
        # columns: name type encoding emb sub uni object ID
        assert " yes " in row[row.find("  ") :], row


def test_pdf_pages_numbers_banner_and_metadata(sample_files: dict[str, Path]) -> None:
    reader = PdfReader(sample_files["memo.pdf"])
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        assert text.count("UNCLASSIFIED") == 2
        assert "MFA-KZ/BIL/2025/0313" in text
    info = reader.metadata
    assert info is not None
    assert (
        info.title
        == "Official visit of the Minister of Foreign Affairs of Azerbaijan, Astana, 13 March 2025"
    )
    assert info.author is not None and info.author.startswith("Ministry of Foreign Affairs")
    assert reader.root_object.get("/Lang") == "en"
    assert len(PdfReader(sample_files["factsheet.pdf"]).pages) == 1


def test_docx_furniture_fields_and_properties(sample_files: dict[str, Path]) -> None:
    path = sample_files["memo.docx"]
    with zipfile.ZipFile(path) as archive:
        footers = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")
        )
        headers = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("word/header")
        )
        everything = b"".join(archive.read(n) for n in archive.namelist())
    assert re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", footers)
    assert re.search(r"<w:instrText[^>]*>\s*NUMPAGES\s*</w:instrText>", footers)
    assert "UNCLASSIFIED" in headers and "UNCLASSIFIED" in footers
    assert b"python-docx" not in everything
    properties = open_docx(str(path)).core_properties
    assert properties.author.startswith("Ministry of Foreign Affairs")
    assert properties.created is not None and properties.created.date().isoformat() == "2025-03-14"
    assert properties.title.startswith("Official visit")


def test_libreoffice_opens_both_docx_and_the_fact_sheet_is_one_page(
    libreoffice_pdfs: dict[str, Path],
) -> None:
    assert len(PdfReader(libreoffice_pdfs["factsheet"]).pages) == 1
    memo = PdfReader(libreoffice_pdfs["memo"])
    assert len(memo.pages) >= 2
    last = len(memo.pages)
    assert f"Page {last} of {last}" in memo.pages[-1].extract_text()
    text = squeeze(pdf_text(libreoffice_pdfs["memo"]))
    for name in ("Мұрат Нұртілеу", "Қасым-Жомарт Тоқаев", "Ceyhun Bayramov"):
        assert squeeze(name) in text


def test_a_table_that_fits_on_a_page_is_not_split(libreoffice_pdfs: dict[str, Path]) -> None:
    # As in the PDF: the table starts on the page of its heading and its header row is not
    # repeated on a second page.
    pages = [squeeze(page.extract_text()) for page in PdfReader(libreoffice_pdfs["memo"]).pages]
    header = squeeze("Figure Value Unit Period Kind Source")
    assert [squeeze("Key figures") in text for text in pages if header in text] == [True]


def test_same_record_same_bytes(sample_files: dict[str, Path], tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "memo_gen", "build", "-o", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    first = sample_files["memo.pdf"].parent
    for path in map(Path, result.stdout.split()):
        original = sample_files.get(path.name.removeprefix("astana-2025-03-13-"))
        assert path.read_bytes() == (original or first / path.name).read_bytes(), path.name


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[VisitRecord, list[Path]]:
    from memo_gen.record.validate import validate_record

    record = validate_record(HOSTILE_RECORD)
    out = tmp_path_factory.mktemp("hostile")
    loaded = LoadedRecord(record, "hostile.yaml", "0" * 64)
    files = Renderer.create().files(loaded, "hostile", DOCUMENT_KINDS, ("docx", "pdf"))
    for file in files:
        (out / file.name).write_bytes(file.data)
    return record, [out / file.name for file in files]


def test_hostile_text_renders_literally(hostile_files: tuple[VisitRecord, list[Path]]) -> None:
    record, paths = hostile_files
    for path in paths:
        if "memo" not in path.name:
            continue
        text = squeeze(extracted(path))
        missing = [
            s for s in record_strings(record.model_dump(by_alias=True)) if squeeze(s) not in text
        ]
        assert missing == [], path.name


def test_hostile_pdf_has_no_injected_links(hostile_files: tuple[VisitRecord, list[Path]]) -> None:
    _, paths = hostile_files
    for path in paths:
        if path.suffix == ".pdf":
            for page in PdfReader(path).pages:
                for annotation in page.get("/Annots") or []:
                    uri = str(annotation.get_object().get("/A", {}).get("/URI", ""))
                    assert not uri.lower().startswith("javascript"), uri


def test_letter_page_size(tmp_path: Path) -> None:
    renderer = Renderer.create(page_size="letter")
    [file] = renderer.files(load(), "s", ("factsheet",), ("pdf",))
    box = PdfReader(io.BytesIO(file.data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_invalid_record_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("visit: {title: X}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "memo_gen", "build", str(bad), "-o", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 4
    assert "document.date: required: the memorandum's own date" in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_broken_template_dir_exits_5_and_writes_nothing(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "memo.md.j2").write_text("{{ nope }}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "memo_gen", "pdf", "--template-dir", str(templates), "-o", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 5, result.stderr
    assert result.stderr.startswith("Error: memo.md.j2, line 1")
    assert "Traceback" not in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize("record", ["sample", "hostile"])
def test_every_letter_has_a_glyph_in_the_pdf_fonts(record: str) -> None:
    from memo_gen.backends.pdf import missing_glyphs
    from memo_gen.record.validate import validate_record

    loaded = load_record() if record == "sample" else validate_record(HOSTILE_RECORD)
    text = "".join(record_strings(loaded.model_dump(by_alias=True)))
    assert missing_glyphs(text) == set()
    assert missing_glyphs(text, bold=True) == set()
    assert missing_glyphs(text, italic=True) == set()


def test_a_quotation_starts_on_the_page_of_its_speaker(sample_files: dict[str, Path]) -> None:
    """The sample's "Murat Nurtleu said:" once ended page 2, its words on page 3."""
    pages = [squeeze(page.extract_text()) for page in PdfReader(sample_files["memo.pdf"]).pages]
    for speaker, words in [
        ("MuratNurtleusaid:", "“KazakhstanandAzerbaijandemonstrate"),
        ("JeyhunBayramovsaid:", "“WeconsiderKazakhstan"),
    ]:
        (page,) = [text for text in pages if speaker in text]
        assert words in page
