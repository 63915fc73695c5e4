"""A composed document → the bytes of its file: rendered by a backend and, for a PDF,
finished (PDF/A, then the signature); and the helper process that renders a share of a
record's files.

A backend is imported only when its format is asked for (ReportLab is slow to import), and
so are the finishing steps: PDF/A (pikepdf), then the signature (pyHanko), always in that
order, since nothing may change a signed file.

With a helper (:func:`helper_for`, :mod:`memo_gen.sidecar`), what needs ReportLab (the PDF
files, and a DOCX with a chart, whose picture ReportLab draws) is rendered by the helper,
which loaded ReportLab and the fonts while this process read and composed the record; this
process renders the other DOCX files and never loads ReportLab.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from memo_gen import sidecar
from memo_gen.document import (
    Block,
    Chart,
    ChartBar,
    Document,
    Furniture,
    HeaderBlock,
    HeaderField,
    Heading,
    List,
    ListItem,
    Metadata,
    Paragraph,
    Run,
    Table,
)
from memo_gen.theme import Theme

if TYPE_CHECKING:
    from memo_gen.document import DocumentKind
    from memo_gen.sidecar import Helper
    from memo_gen.signing import Signer

Format = Literal["docx", "pdf"]
Task = tuple[Document, Format]
"""One document to render in one format."""


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
class Backends:
    """The two backends and the PDF's finishing, with one theme."""

    theme: Theme
    pdfa: bool = False
    """Make every PDF a PDF/A-2b file (:mod:`memo_gen.pdfa`)."""

    def output(self, document: Document, fmt: Format, signer: Signer | None = None) -> Output:
        """One document in one format; a PDF signed by ``signer`` when one is given."""
        if fmt == "docx":
            from memo_gen.backends.docx import render_docx

            return Output(document.kind, fmt, render_docx(document, self.theme))
        from memo_gen.backends.pdf import render_pdf_counted

        data, pages = render_pdf_counted(document, self.theme)
        if self.pdfa:
            from memo_gen.pdfa import to_pdfa

            data = to_pdfa(data, document.metadata)
        if signer is not None:
            from memo_gen.signing import sign_pdf

            data = sign_pdf(data, signer)
        return Output(document.kind, fmt, data, pages)

    def outputs(
        self,
        tasks: Sequence[Task],
        signer: Signer | None = None,
        helper: Helper[list[Task], list[Output]] | None = None,
    ) -> list[Output]:
        """Every task's output, in the order of ``tasks``; with a ``helper``, it renders
        those that need ReportLab while this process renders the others. A DOCX states the
        pages of the same document's PDF, when that is among the tasks."""
        if helper is None:
            outputs = [self.output(document, fmt, signer) for document, fmt in tasks]
        else:
            theirs = [task for task in tasks if needs_reportlab(*task)]
            mine = [task for task in tasks if not needs_reportlab(*task)]
            helper.send(theirs)
            outputs = [self.output(*task, signer) for task in mine]
            try:
                outputs += helper.result()
            except sidecar.HelperLost:  # killed (out of memory?): its share is done here
                outputs += [self.output(*task, signer) for task in theirs]
        made = {(output.kind, output.format): output for output in outputs}
        pages = {kind: output.pages for (kind, fmt), output in made.items() if fmt == "pdf"}
        return [
            replace(made[(d.kind, fmt)], pages=pages.get(d.kind)) if fmt == "docx" else
            made[(d.kind, fmt)]
            for d, fmt in tasks
        ]  # fmt: skip

    def get_ready(self, formats: Sequence[Format]) -> None:
        """Load what rendering ``formats`` with ReportLab needs, and register the theme's
        fonts."""
        from memo_gen.backends.pdf import render_pdf_counted  # noqa: F401
        from memo_gen.backends.pdf_fonts import FontChain

        FontChain.of(self.theme)
        if self.pdfa:
            import pikepdf  # noqa: F401
        # A small document of every kind of block, rendered once, so that what the libraries
        # do only the first time (styles, caches) is done before the real work arrives.
        for fmt in formats:
            self.output(_warm_up(), fmt)


def _warm_up() -> Document:
    words = (Run("Warm "), Run("up", bold=True), Run(" once", italic=True))
    blocks: tuple[Block, ...] = (
        HeaderBlock((HeaderField("TO:", words),)),
        Heading(words),
        Paragraph(words, number="1."),
        List((ListItem((Paragraph(words),)),)),
        Table(((Run("A"),), (Run("B"),)), (((Run("1"),), (Run("2"),)),), (0.5, 0.5),
              ("left", "right")),
        Chart("Warm-up", "units", (ChartBar("one", 1.0), ChartBar("two", 2.0, "target"))),
    )  # fmt: skip
    furniture = Furniture(classification="WARM-UP", footer="warm-up")
    return Document("factsheet", blocks, Metadata(title="warm-up", author="memo-gen"), furniture)


def needs_reportlab(document: Document, fmt: Format) -> bool:
    """Whether rendering needs ReportLab: a PDF, or a DOCX with a chart (its picture)."""
    return fmt == "pdf" or any(isinstance(block, Chart) for block in document.blocks)


@contextlib.contextmanager
def helper_for(
    backends: Backends, formats: Sequence[Format], signer: Signer | None, wanted: bool
) -> Iterator[Helper[list[Task], list[Output]] | None]:
    """A helper process for one record's files (:mod:`memo_gen.sidecar`) when it is
    ``wanted``, PDF files are asked for and there are two CPUs; else ``None``. Start it
    before reading the record: it gets ready meanwhile."""
    if not (wanted and "pdf" in formats and sidecar.available()):
        yield None
        return

    def work(tasks: list[Task]) -> list[Output]:
        return [backends.output(document, fmt, signer) for document, fmt in tasks]

    with sidecar.helper(lambda: backends.get_ready(formats), work) as child:
        yield child
