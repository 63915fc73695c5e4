"""A composed document → the bytes of its file: rendered by a backend and, for a PDF,
finished (PDF/A, then the signature).

A backend is imported only when its format is asked for (ReportLab is slow to import), and
so are the finishing steps: PDF/A (pikepdf), then the signature (pyHanko), always in that
order, since nothing may change a signed file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from memo_gen.backends.theme import Theme
from memo_gen.document import Document, Format

if TYPE_CHECKING:
    from memo_gen.document import DocumentKind
    from memo_gen.official.signing import Signer

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
    """Make every PDF a PDF/A-2b file (:mod:`memo_gen.official.pdfa`)."""

    def output(self, document: Document, fmt: Format, signer: Signer | None = None) -> Output:
        """One document in one format; a PDF signed by ``signer`` when one is given."""
        if fmt == "docx":
            from memo_gen.backends.docx import render_docx

            return Output(document.kind, fmt, render_docx(document, self.theme))
        from memo_gen.backends.pdf import render_pdf_counted

        data, pages = render_pdf_counted(document, self.theme)
        if self.pdfa:
            from memo_gen.official.pdfa import to_pdfa

            data = to_pdfa(data, document.metadata)
        if signer is not None:
            from memo_gen.official.signing import sign_pdf

            data = sign_pdf(data, signer)
        return Output(document.kind, fmt, data, pages)

    def outputs(
        self,
        tasks: Sequence[Task],
        signer: Signer | None = None,
        elsewhere: Mapping[tuple[DocumentKind, Format], Callable[[], Output]] | None = None,
    ) -> list[Output]:
        """Every task's output, in the order of ``tasks``. A DOCX states the pages of the
        same document's PDF, when that is among the tasks. ``elsewhere`` holds the tasks
        being rendered in another process (:mod:`memo_gen.helper`), each with the call that
        waits for its output: taken after this process rendered the others."""
        elsewhere = elsewhere or {}
        outputs = [
            self.output(document, fmt, signer)
            for document, fmt in tasks
            if (document.kind, fmt) not in elsewhere
        ]
        outputs += [wait() for wait in elsewhere.values()]
        made = {(output.kind, output.format): output for output in outputs}
        pages = {kind: output.pages for (kind, fmt), output in made.items() if fmt == "pdf"}
        return [
            replace(made[(d.kind, fmt)], pages=pages.get(d.kind)) if fmt == "docx" else
            made[(d.kind, fmt)]
            for d, fmt in tasks
        ]  # fmt: skip
