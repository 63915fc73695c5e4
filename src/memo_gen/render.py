"""A record → its documents as files: compose, render with a backend, finish, write atomically.

A backend is imported only when its format is asked for (ReportLab is slow to import), and
so are the PDF's finishing steps: PDF/A (pikepdf), then the signature (pyHanko), always in
that order, since nothing may change a signed file. Every document of a record is rendered
and finished in memory before the first file is written, and the files are written together
(:func:`memo_gen.output.write_files`), so a failure or an interruption leaves no new file
behind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from memo_gen.compose import Composer, DocumentKind
from memo_gen.document import Document
from memo_gen.loader import LoadedRecord
from memo_gen.manifest import Entry, entry_for
from memo_gen.model import VisitRecord
from memo_gen.output import write_files
from memo_gen.resources import templates_dir
from memo_gen.theme import PageSize, Theme, load_theme

if TYPE_CHECKING:
    from memo_gen.signing import Signer

Format = Literal["docx", "pdf"]


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
class Output:
    """One document in one format, in memory: what its file will hold."""

    kind: DocumentKind
    format: Format
    data: bytes
    pages: int | None = None
    """The pages of memo-gen's layout: a PDF's own; for a DOCX, those of the same document's
    PDF when it was made too (a word processor lays a DOCX out afresh), else ``None``."""


@dataclass(frozen=True)
class Written:
    """A file written, and its manifest entry."""

    path: Path
    entry: Entry


@dataclass(frozen=True)
class Renderer:
    """Renders records with one set of templates and one theme."""

    composer: Composer
    theme: Theme
    draft: bool = False
    """Mark every page with the language's draft watermark (``DRAFT``, ``ПРОЕКТ``)."""
    pdfa: bool = False
    """Make every PDF a PDF/A-2b file (:mod:`memo_gen.pdfa`)."""

    @classmethod
    def create(
        cls,
        template_dir: Path | None = None,
        page_size: PageSize | None = None,
        draft: bool = False,
        pdfa: bool = False,
    ) -> Renderer:
        folder = template_dir or templates_dir()
        theme = load_theme(folder).with_page_size(page_size)
        return cls(Composer(folder), theme, draft, pdfa)

    def outputs(
        self,
        record: VisitRecord,
        kinds: Sequence[DocumentKind],
        formats: Sequence[Format],
        lang: str | None = None,
        signer: Signer | None = None,
    ) -> list[Output]:
        """Every asked-for document of a record, in memory, in ``lang`` (default: the
        record's ``document.language``, see :meth:`Composer.choose`); each PDF signed by
        ``signer`` when one is given."""
        outputs: list[Output] = []
        for kind in kinds:
            document = self.composer.compose(record, kind, lang, draft=self.draft)
            made: dict[Format, Output] = {}
            # The PDF first, so that the DOCX can state the pages of its layout.
            for fmt in sorted(formats, key=lambda fmt: fmt != "pdf"):
                made[fmt] = self._output(document, fmt, signer, made.get("pdf"))
            outputs.extend(made[fmt] for fmt in formats)
        return outputs

    def _output(
        self, document: Document, fmt: Format, signer: Signer | None, pdf: Output | None
    ) -> Output:
        if fmt == "docx":
            from memo_gen.backends.docx import render_docx

            pages = pdf.pages if pdf else None
            return Output(document.kind, fmt, render_docx(document, self.theme), pages)
        from memo_gen.backends.pdf import render_pdf_counted

        data, pages = render_pdf_counted(document, self.theme)
        if self.pdfa:
            from memo_gen.pdfa import to_pdfa

            data = to_pdfa(data, document.metadata)
        if signer is not None:
            from memo_gen.signing import sign_pdf

            data = sign_pdf(data, signer)
        return Output(document.kind, fmt, data, pages)

    def render(
        self,
        record: VisitRecord,
        kinds: Sequence[DocumentKind],
        formats: Sequence[Format],
        lang: str | None = None,
    ) -> dict[tuple[DocumentKind, Format], bytes]:
        """The bytes of :meth:`outputs`, by document and format."""
        outputs = self.outputs(record, kinds, formats, lang)
        return {(output.kind, output.format): output.data for output in outputs}

    def write(
        self,
        loaded: LoadedRecord,
        stem: str,
        out_dir: Path,
        kinds: Sequence[DocumentKind],
        formats: Sequence[Format],
        lang: str | None = None,
        signer: Signer | None = None,
    ) -> list[Written]:
        """Render, then write ``<stem>-<kind>.<format>`` files (``<stem>-<kind>-draft.<format>``
        for a draft) into ``out_dir``; returns what was written, with the manifest entry of
        each file."""
        outputs = self.outputs(loaded.record, kinds, formats, lang, signer)
        # A draft never takes the place of the final files (nor of their signatures).
        mark = "-draft" if self.draft else ""
        paths = [out_dir / f"{stem}-{output.kind}{mark}.{output.format}" for output in outputs]
        write_files([(path, output.data) for path, output in zip(paths, outputs, strict=True)])
        return [
            Written(path, self._entry(path.name, output, loaded, signed=signer is not None))
            for path, output in zip(paths, outputs, strict=True)
        ]

    def _entry(self, name: str, output: Output, loaded: LoadedRecord, signed: bool) -> Entry:
        pdf = output.format == "pdf"
        return entry_for(
            name,
            output.data,
            output.format,
            output.kind,
            output.pages,
            loaded.name,
            loaded.sha256,
            signed=signed and pdf,
            pdfa=self.pdfa and pdf,
            draft=self.draft,
        )
