"""A record → its documents as files in memory: compose each document, render it in every
asked-for format (:mod:`memo_gen.files`), name each file and make its manifest entry.

Nothing here writes: the pipeline writes a record's files and their manifest entries
together (:func:`memo_gen.folder.commit`), so a failure or an interruption while rendering
leaves no new file behind.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from memo_gen.backends.theme import PageSize, Theme, theme_for
from memo_gen.compose.composer import Composer
from memo_gen.compose.languages import LanguageChoice
from memo_gen.document import Document, DocumentKind, Format
from memo_gen.files import Backends, Output
from memo_gen.official.manifest import ManifestEntry, entry_for
from memo_gen.record.loader import LoadedRecord
from memo_gen.record.model import VisitRecord
from memo_gen.record.translations import Fallback

if TYPE_CHECKING:
    from memo_gen.helper import Helper
    from memo_gen.official.signing import Signer

__all__ = ["Format", "Output", "RenderedFile", "Renderer", "render_bytes"]


def render_bytes(document: Document, fmt: Format, theme: Theme) -> bytes:
    """One document in one format."""
    return Backends(theme).output(document, fmt).data


@dataclass(frozen=True)
class RenderedFile:
    """A file of a record, rendered and not yet written: its name, bytes and manifest entry."""

    name: str
    data: bytes
    entry: ManifestEntry


@dataclass(frozen=True)
class Renderer:
    """Renders records with one set of templates and one theme."""

    composer: Composer
    theme: Theme
    draft: bool = False
    """Mark every page with the language's draft watermark (``DRAFT``, ``ПРОЕКТ``)."""
    pdfa: bool = False
    """Make every PDF a PDF/A-2b file (:mod:`memo_gen.official.pdfa`)."""

    @classmethod
    def create(
        cls,
        template_dir: Path | None = None,
        page_size: PageSize | None = None,
        draft: bool = False,
        pdfa: bool = False,
    ) -> Renderer:
        theme = theme_for(template_dir, page_size)
        return cls(Composer(template_dir, page_size), theme, draft, pdfa)

    @functools.cached_property
    def backends(self) -> Backends:
        """The backends and the PDF's finishing this renderer uses (made once)."""
        return Backends(self.theme, self.pdfa)

    def outputs(
        self,
        record: VisitRecord,
        kinds: Sequence[DocumentKind],
        formats: Sequence[Format],
        lang: str | LanguageChoice | None = None,
        signer: Signer | None = None,
        helper: Helper | None = None,
        fallback: Fallback | None = None,
    ) -> list[Output]:
        """Every asked-for document of a record, in memory, in ``lang`` (default: the
        record's ``document.language``, see :meth:`Composer.choose`); each PDF signed by
        ``signer`` when one is given. A ``helper`` renders one file of each document in its
        process meanwhile, as soon as the document is composed (:meth:`_for_helper`). A
        ``fallback`` (texts from another language) is said in each document's source note."""
        documents: list[Document] = []
        elsewhere: dict[tuple[DocumentKind, Format], Callable[[], Output]] = {}
        for kind in kinds:
            document = self.composer.compose(
                record, kind, lang, draft=self.draft, fallback=fallback
            )
            documents.append(document)
            if helper is not None:
                fmt = self._for_helper(document, formats, signer)
                if fmt is not None:
                    elsewhere[(kind, fmt)] = helper.render(document, fmt, self.theme, self.pdfa)
        tasks = [(document, fmt) for document in documents for fmt in formats]
        return self.backends.outputs(tasks, signer, elsewhere)

    def _for_helper(
        self, document: Document, formats: Sequence[Format], signer: Signer | None
    ) -> Format | None:
        """Which of a document's files a helper renders: its PDF, the longest to make; its
        DOCX when the PDF is signed (here, where the key is) or laid out here already (a
        fact sheet, by its fitting: only its writing is left)."""
        from memo_gen.backends.pdf import laid_out

        if "pdf" in formats and signer is None and not laid_out(document, self.theme):
            return "pdf"
        return "docx" if "docx" in formats else None

    def render(
        self,
        record: VisitRecord,
        kinds: Sequence[DocumentKind],
        formats: Sequence[Format],
        lang: str | LanguageChoice | None = None,
    ) -> dict[tuple[DocumentKind, Format], bytes]:
        """The bytes of :meth:`outputs`, by document and format."""
        outputs = self.outputs(record, kinds, formats, lang)
        return {(output.kind, output.format): output.data for output in outputs}

    def files(
        self,
        loaded: LoadedRecord,
        stem: str,
        kinds: Sequence[DocumentKind],
        formats: Sequence[Format],
        lang: str | LanguageChoice | None = None,
        signer: Signer | None = None,
        helper: Helper | None = None,
        *,
        named: str | None = None,
    ) -> list[RenderedFile]:
        """Every asked-for file of a record, named ``<stem>-<kind>.<format>``
        (``<stem>-<kind>-draft.<format>`` for a draft; with a language ``named``, it follows
        the kind: ``<stem>-<kind>-kk.<format>``), with its manifest entry."""
        outputs = self.outputs(loaded.record, kinds, formats, lang, signer, helper, loaded.fallback)
        # A draft never takes the place of the final files (nor of their signatures).
        mark = "-draft" if self.draft else ""
        files = []
        for output in outputs:
            language = f"-{named}" if named else ""
            name = f"{stem}-{output.kind}{language}{mark}.{output.format}"
            entry = self._entry(name, output, loaded, signed=signer is not None)
            files.append(RenderedFile(name, output.data, entry))
        return files

    def _entry(
        self, name: str, output: Output, loaded: LoadedRecord, signed: bool
    ) -> ManifestEntry:
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
