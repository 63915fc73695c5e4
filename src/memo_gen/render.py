"""A record → its documents as files: compose, render with a backend, write atomically.

A backend is imported only when its format is asked for (ReportLab is slow to import).
Every document of a record is rendered in memory before the first file is written, and the
files are written together (:func:`memo_gen.output.write_files`), so a failure or an
interruption leaves no new file behind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from memo_gen.compose import Composer, DocumentKind
from memo_gen.document import Document
from memo_gen.model import VisitRecord
from memo_gen.output import write_files
from memo_gen.resources import templates_dir
from memo_gen.theme import PageSize, Theme, load_theme

Format = Literal["docx", "pdf"]
FORMATS: tuple[Format, ...] = ("docx", "pdf")


def render_bytes(document: Document, fmt: Format, theme: Theme) -> bytes:
    """One document in one format."""
    if fmt == "pdf":
        from memo_gen.backends.pdf import render_pdf

        return render_pdf(document, theme)
    from memo_gen.backends.docx import render_docx

    return render_docx(document, theme)


def output_stem(source: str | Path | None, default: str) -> str:
    """A safe file-name stem from a record's name: its stem, with anything that is not a
    letter, digit, ``.``, ``_`` or ``-`` replaced, never empty, never hidden."""
    if source is None or str(source) == "-":
        return default
    stem = unicodedata.normalize("NFC", Path(str(source)).stem)
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._")
    return stem[:100] or default


@dataclass(frozen=True)
class Renderer:
    """Renders records with one set of templates and one theme."""

    composer: Composer
    theme: Theme
    draft: bool = False
    """Mark every page with the language's draft watermark (``DRAFT``, ``ПРОЕКТ``)."""

    @classmethod
    def create(
        cls,
        template_dir: Path | None = None,
        page_size: PageSize | None = None,
        draft: bool = False,
    ) -> Renderer:
        folder = template_dir or templates_dir()
        return cls(Composer(folder), load_theme(folder).with_page_size(page_size), draft)

    def render(
        self,
        record: VisitRecord,
        kinds: Sequence[DocumentKind],
        formats: Sequence[Format],
        lang: str | None = None,
    ) -> dict[tuple[DocumentKind, Format], bytes]:
        """Every asked-for document of a record, in memory, in ``lang`` (default: the
        record's ``document.language``, see :meth:`Composer.choose`)."""
        files: dict[tuple[DocumentKind, Format], bytes] = {}
        for kind in kinds:
            document = self.composer.compose(record, kind, lang, draft=self.draft)
            for fmt in formats:
                files[(kind, fmt)] = render_bytes(document, fmt, self.theme)
        return files

    def write(
        self,
        record: VisitRecord,
        stem: str,
        out_dir: Path,
        kinds: Sequence[DocumentKind],
        formats: Sequence[Format],
        lang: str | None = None,
    ) -> list[Path]:
        """Render, then write ``<stem>-<kind>.<format>`` files into ``out_dir``; returns the
        paths written."""
        files = self.render(record, kinds, formats, lang)
        paths = {key: out_dir / f"{stem}-{key[0]}.{key[1]}" for key in files}
        write_files([(paths[key], data) for key, data in files.items()])
        return list(paths.values())
