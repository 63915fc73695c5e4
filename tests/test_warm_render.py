"""What the backends keep between renders (a DOCX's blocks and compressed parts, a PDF's font
subsets and compressed streams) gives the bytes a fresh process gives, whatever came before:
``memo-gen watch`` renders the same record again and again in one process."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import memo_gen
from memo_gen.backends import docx_xml
from memo_gen.document import DocumentKind, Format

REFERENCE = "MFA-KZ/BIL/2025/0313"
RENDER = """
import hashlib, sys
from pathlib import Path
from memo_gen.backends.theme import load_theme
from memo_gen.compose.composer import Composer
from memo_gen.record.loader import load_record
from memo_gen.render import render_bytes
from memo_gen.resources import templates_dir

theme, composer = load_theme(templates_dir()), Composer()
for line in sys.stdin.read().split():
    path, kind, fmt = line.split(",")
    data = render_bytes(composer.compose(load_record(Path(path)), kind), fmt, theme)
    print(hashlib.sha256(data).hexdigest())
"""


def test_the_zip_is_the_one_zipfile_writes() -> None:
    chance = random.Random(7)
    for _ in range(50):
        entries = {
            chance.choice(["[Content_Types].xml", f"word/part{n}.xml", f"z{n}"]): chance.choice(
                [
                    b"",
                    os.urandom(chance.randint(1, 3000)),
                    b"<w:p/>" * chance.randint(1, 20000),
                ]
            )
            for n in range(chance.randint(0, 10))
        }
        when = docx_xml.zip_time(None)
        names = sorted(entries, key=lambda n: (n != docx_xml.CONTENT_TYPES, n))
        expected = docx_xml._zipfile_entries(entries, names, when)
        assert docx_xml.zip_entries(entries, None, None) == expected
        assert docx_xml.zip_entries(entries, None, None) == expected  # compressed once
        with zipfile.ZipFile(io.BytesIO(expected)) as package:
            assert package.testzip() is None


def test_renders_after_others_are_those_of_a_fresh_process(tmp_path: Path) -> None:
    import hashlib

    from memo_gen.backends.theme import load_theme
    from memo_gen.compose.composer import Composer
    from memo_gen.record.loader import load_record
    from memo_gen.render import render_bytes
    from memo_gen.resources import data_dir, templates_dir

    sample = (data_dir() / "astana-2025-03-13.yaml").read_text("utf-8")
    records = [data_dir() / "astana-2025-03-13.yaml", data_dir() / "short-readout.yaml"]
    for number in range(3):  # each save changes the reference all four files print
        saved = tmp_path / f"saved-{number}.yaml"
        saved.write_text(sample.replace(REFERENCE, f"MFA-KZ/BIL/2025/{number:04d}"), "utf-8")
        records.append(saved)
    kinds: tuple[DocumentKind, ...] = ("memo", "factsheet")
    formats: tuple[Format, ...] = ("docx", "pdf")
    cases = [(record, kind, fmt) for record in records for kind in kinds for fmt in formats]
    theme, composer = load_theme(templates_dir()), Composer()

    def here(case: tuple[Path, DocumentKind, Format]) -> str:
        record, kind, fmt = case
        document = composer.compose(load_record(record), kind)
        return hashlib.sha256(render_bytes(document, fmt, theme)).hexdigest()

    warm = [here(case) for case in cases] + [here(case) for case in reversed(cases)]
    fresh = subprocess.run(
        [sys.executable, "-c", RENDER],
        input="\n".join(f"{record},{kind},{fmt}" for record, kind, fmt in cases),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(memo_gen.__file__).parent.parent)},
        timeout=300,
    ).stdout.split()
    assert warm == fresh + fresh[::-1]


def test_blocks_with_links_and_page_breaks_are_made_afresh() -> None:
    """A link's relationship id depends on the links before it, a paragraph's look on a page
    break before it: the same blocks in another order give the bytes a fresh start gives."""
    from dataclasses import replace

    from memo_gen.backends import docx as docx_backend
    from memo_gen.backends.theme import load_theme
    from memo_gen.compose.composer import Composer
    from memo_gen.document import PageBreak, Paragraph, Run
    from memo_gen.record.loader import load_record
    from memo_gen.render import render_bytes
    from memo_gen.resources import templates_dir

    theme = load_theme(templates_dir())
    memo = Composer().compose(load_record(None), "memo")
    first = Paragraph((Run("The readout: "), Run("here", link="https://example.org/a")))
    second = Paragraph((Run("The photos: "), Run("there", link="https://example.org/b")))
    blocks = memo.blocks
    orders = [
        (first, *blocks[:3], PageBreak(), second, *blocks[3:]),
        (second, PageBreak(), *blocks[:3], first, *blocks[3:], first),
        (PageBreak(), *blocks[:3], second, PageBreak(), first, *blocks[3:]),
    ]
    documents = [replace(memo, blocks=order) for order in orders]
    warm = [render_bytes(document, "docx", theme) for document in documents * 2]
    fresh = []
    for document in documents:
        docx_backend._PREPARED.clear()  # the prepared template, with the blocks it keeps
        fresh.append(render_bytes(document, "docx", theme))
    assert warm == fresh * 2
