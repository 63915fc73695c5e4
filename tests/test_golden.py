"""Golden files: the document model (JSON) and the normalised DOCX XML of the sample records,
in every language memo-gen ships templates for (the record's texts read in that language).

After an intended change, regenerate with
``MEMO_GEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from memo_gen.backends.theme import load_theme
from memo_gen.compose.composer import Composer
from memo_gen.document import DOCUMENT_KINDS, DocumentKind
from memo_gen.record.loader import load_record
from memo_gen.record.translations import TextLanguage
from memo_gen.render import render_bytes
from memo_gen.resources import data_dir, templates_dir

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("MEMO_GEN_UPDATE_GOLDEN") == "1"
RECORDS = ["astana-2025-03-13", "short-readout"]
LANGUAGES = ["en", "ru", "kk", "az"]


def check_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with the golden file ``name`` (or rewrite it when updating)."""
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    assert actual == expected, (
        f"{name} differs from its golden file; if the change is intended, run "
        "MEMO_GEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py and review the diff"
    )


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
@pytest.mark.parametrize("stem", RECORDS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_document_model(lang: str, stem: str, kind: DocumentKind) -> None:
    record = load_record(data_dir() / f"{stem}.yaml", language=TextLanguage(lang))
    check_golden(f"{stem}-{lang}-{kind}.json", Composer().compose(record, kind, lang).to_json())


DOCX_PARTS = re.compile(r"word/(document|header\d*|footer\d*|numbering)\.xml|docProps/core\.xml")


def normalised_docx_xml(data: bytes) -> str:
    """The parts of a DOCX that carry its content, each parsed and pretty-printed, so that a
    difference reads as a change of structure, not of zip bytes."""
    parser = etree.XMLParser(remove_blank_text=True)
    sections = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(n for n in archive.namelist() if DOCX_PARTS.fullmatch(n)):
            tree = etree.fromstring(archive.read(name), parser)
            pretty = etree.tostring(tree, pretty_print=True, encoding="unicode")
            sections.append(f"=== {name} ===\n{pretty}")
    return "".join(sections)


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
@pytest.mark.parametrize("stem", RECORDS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_docx_xml(lang: str, stem: str, kind: DocumentKind) -> None:
    record = load_record(data_dir() / f"{stem}.yaml", language=TextLanguage(lang))
    document = Composer().compose(record, kind, lang)
    data = render_bytes(document, "docx", load_theme(templates_dir()))
    check_golden(f"{stem}-{lang}-{kind}.docx.xml", normalised_docx_xml(data))
