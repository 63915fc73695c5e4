"""A 2,000-topic record renders in both formats, every topic in each (time and memory are
measured by benchmarks/scaling.py, never asserted)."""

from __future__ import annotations

import io
import re
import zipfile

from pypdf import PdfReader

from big_record import big_record
from memo_gen.record.validate import validate_record
from memo_gen.render import Renderer


def test_two_thousand_topics_render_in_both_formats() -> None:
    record = validate_record(big_record(2_000))
    files = Renderer.create().render(record, ("memo", "factsheet"), ("docx", "pdf"))
    with zipfile.ZipFile(io.BytesIO(files[("memo", "docx")])) as package:
        body = package.read("word/document.xml").decode("utf-8")
    reader = PdfReader(io.BytesIO(files[("memo", "pdf")]))
    pdf = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) > 100
    for text in (body, re.sub(r"\s+", " ", pdf)):
        for number in (1, 999, 2_000):
            assert f"[{number}a]" in text and f"[{number}b]" in text
            assert f"Quote {number}." in text
    assert len(PdfReader(io.BytesIO(files[("factsheet", "pdf")])).pages) >= 1
