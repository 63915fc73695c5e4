"""What each process keeps between documents (the DOCX backend's prepared template, the PDF's
font choices) never leaks from one document into another: the same document gives the same
bytes whatever was rendered before it."""

from __future__ import annotations

from memo_gen.backends import docx as docx_backend
from memo_gen.backends.theme import load_theme
from memo_gen.compose.composer import Composer
from memo_gen.record.loader import load_record
from memo_gen.render import render_bytes
from memo_gen.resources import data_dir, templates_dir


def test_documents_do_not_leak_into_each_other() -> None:
    composer = Composer()
    a4 = load_theme(templates_dir())
    letter = a4.with_page_size("letter")
    sample = load_record(None)
    short = load_record(data_dir() / "short-readout.yaml")
    cases = [
        (composer.compose(sample, "memo"), a4),
        (composer.compose(short, "factsheet"), letter),
        (composer.compose(sample, "factsheet", "ru"), a4),
        (composer.compose(short, "memo"), a4),
    ]
    docx_backend._PREPARED.clear()
    first = [(render_bytes(d, "docx", t), render_bytes(d, "pdf", t)) for d, t in cases]
    again = [(render_bytes(d, "docx", t), render_bytes(d, "pdf", t)) for d, t in reversed(cases)]
    assert first == again[::-1]
    # One prepared template per theme and language, whatever the number of documents.
    assert len(docx_backend._PREPARED) == 3
