"""Security markings: the classification and its handling caveat at the top and at the bottom
of every page of the memorandum and the fact sheet, in the PDF, in the DOCX and in the DOCX
as LibreOffice lays it out.

test_documents and test_pdf_backend count the banner on each page; these tests find where
on the page it is: once in the top margin, once in the bottom margin, the classification the
outermost line at both edges, nowhere in the text between.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from memo_gen.backends.theme import MM, load_theme
from memo_gen.document import DOCUMENT_KINDS, DocumentKind
from memo_gen.record.loader import load_record
from memo_gen.record.model import VisitRecord
from memo_gen.render import Renderer
from test_draft import libreoffice_pdfs

REPO = Path(__file__).resolve().parent.parent
THEME = load_theme(REPO / "templates")
CLASSIFICATION = "RESTRICTED"
CAVEAT = "FOR OFFICIAL USE ONLY"
VERSION = "rev. 2"
XHTML = "{http://www.w3.org/1999/xhtml}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext")


@dataclass(frozen=True)
class Word:
    """A word pdftotext found, with its box in points from the page's top left corner."""

    text: str
    x: float
    top: float
    bottom: float


@dataclass(frozen=True)
class Page:
    height: float
    words: tuple[Word, ...]

    def find(self, phrase: str) -> list[float]:
        """The vertical middle of every place the words of ``phrase`` stand in a row on one
        line."""
        tokens = phrase.split()
        ordered = sorted(self.words, key=lambda w: (round(w.top, 1), w.x))
        found = []
        for start in range(len(ordered) - len(tokens) + 1):
            run = ordered[start : start + len(tokens)]
            if [w.text for w in run] == tokens and all(abs(w.top - run[0].top) < 1 for w in run):
                found.append((run[0].top + run[0].bottom) / 2)
        return found


def pdf_pages(pdf: Path) -> list[Page]:
    """Every page's words and their places (``pdftotext -bbox``)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-bbox", str(pdf), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    root = ET.fromstring(out)
    pages = []
    for page in root.iter(f"{XHTML}page"):
        words = tuple(
            Word(w.text or "", float(w.get("xMin", 0)), float(w.get("yMin", 0)),
                 float(w.get("yMax", 0)))
            for w in page.iter(f"{XHTML}word")
        )  # fmt: skip
        pages.append(Page(float(page.get("height", 0)), words))
    return pages


def marked_record() -> VisitRecord:
    """The sample record, marked RESTRICTED and FOR OFFICIAL USE ONLY, in revision 2."""
    record = load_record()
    document = record.document.model_copy(
        update={"classification": CLASSIFICATION, "handling": CAVEAT, "version": VERSION}
    )
    return record.model_copy(update={"document": document})


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The marked record's memo and fact sheet, PDF and DOCX, as files."""
    folder = tmp_path_factory.mktemp("marked")
    files = Renderer.create().render(marked_record(), DOCUMENT_KINDS, ("pdf", "docx"))
    paths = {}
    for (kind, fmt), data in files.items():
        paths[f"{kind}.{fmt}"] = folder / f"{kind}.{fmt}"
        paths[f"{kind}.{fmt}"].write_bytes(data)
    return paths


@pytest.fixture(scope="module")
def libreoffice(
    marked: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    documents: dict[str, bytes] = {k: marked[f"{k}.docx"].read_bytes() for k in DOCUMENT_KINDS}
    return libreoffice_pdfs(documents, tmp_path_factory.mktemp("marked-lo"))


def check_banners(pdf: Path, pages_at_least: int) -> None:
    """Every page: the classification and the caveat once in the top margin and once in the
    bottom margin, the classification outermost, neither anywhere else."""
    pages = pdf_pages(pdf)
    assert len(pages) >= pages_at_least
    top_margin, bottom_margin = THEME.margin_top_mm * MM, THEME.margin_bottom_mm * MM
    for number, page in enumerate(pages, start=1):
        where = f"{pdf.name} page {number}"
        places = {}
        for phrase in (CLASSIFICATION, CAVEAT):
            found = page.find(phrase)
            top = [y for y in found if y < top_margin]
            bottom = [y for y in found if y > page.height - bottom_margin]
            assert (len(top), len(bottom), len(found)) == (1, 1, 2), f"{where}: {phrase} {found}"
            places[phrase] = (top[0], bottom[0])
        assert places[CLASSIFICATION][0] < places[CAVEAT][0], f"{where}: top"
        assert places[CLASSIFICATION][1] > places[CAVEAT][1], f"{where}: bottom"


@needs_pdftotext
@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_pdf_banners_top_and_bottom_of_every_page(marked: dict[str, Path], kind: str) -> None:
    check_banners(marked[f"{kind}.pdf"], 2 if kind == "memo" else 1)


@needs_pdftotext
@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_libreoffice_banners_top_and_bottom_of_every_page(
    libreoffice: dict[str, Path], kind: DocumentKind
) -> None:
    check_banners(libreoffice[kind], 2 if kind == "memo" else 1)


def part_lines(package: zipfile.ZipFile, name: str) -> list[str]:
    """The lines of a part's text: each paragraph, split at its line breaks."""
    pieces = {f"{W}br": "\n", f"{W}tab": "\t", f"{W}p": "\n"}
    text = "".join(
        (node.text or "") if node.tag == f"{W}t" else pieces.get(node.tag, "")
        for node in ET.fromstring(package.read(name)).iter()
    )
    return text.split("\n")


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_docx_every_header_and_footer_carries_the_banner(
    marked: dict[str, Path], kind: str
) -> None:
    with zipfile.ZipFile(marked[f"{kind}.docx"]) as package:
        body = ET.fromstring(package.read("word/document.xml"))
        rels = ET.fromstring(package.read("word/_rels/document.xml.rels"))
        targets = {rel.get("Id"): f"word/{rel.get('Target')}" for rel in rels}
        parts = {
            ref.tag.removeprefix(W): targets[ref.get(f"{R}id")]
            for section in body.iter(f"{W}sectPr")
            for ref in section
            if ref.tag in (f"{W}headerReference", f"{W}footerReference")
        }
        assert set(parts) == {"headerReference", "footerReference"}
        names = [n for n in package.namelist() if re.fullmatch(r"word/(header|footer)\d*\.xml", n)]
        assert sorted(names) == sorted(parts.values())
        for name in names:
            lines = part_lines(package, name)
            # The classification and the caveat each on a line of its own, in that order at
            # the top and the other way round at the bottom.
            banner = [line for line in lines if line in (CLASSIFICATION, CAVEAT)]
            order = [CLASSIFICATION, CAVEAT] if "header" in name else [CAVEAT, CLASSIFICATION]
            assert banner == order, name


def check_version(pdf: Path, pages_at_least: int) -> None:
    """Every page's footer, in the bottom margin, states the record's version."""
    pages = pdf_pages(pdf)
    assert len(pages) >= pages_at_least
    bottom_margin = THEME.margin_bottom_mm * MM
    for number, page in enumerate(pages, start=1):
        found = page.find(f"Version {VERSION}")
        assert [y > page.height - bottom_margin for y in found] == [True], (pdf.name, number)


@needs_pdftotext
@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_the_version_is_in_the_footer_of_every_page(
    marked: dict[str, Path], libreoffice: dict[str, Path], kind: DocumentKind
) -> None:
    pages = 2 if kind == "memo" else 1
    check_version(marked[f"{kind}.pdf"], pages)
    check_version(libreoffice[kind], pages)
    with zipfile.ZipFile(marked[f"{kind}.docx"]) as package:
        footers = [n for n in package.namelist() if re.fullmatch(r"word/footer\d*\.xml", n)]
        assert footers
        for name in footers:
            assert any(f"Version {VERSION}" in line for line in part_lines(package, name)), name
