"""A record → its documents as files: compose each document, render it in every asked-for
format (:mod:`memo_gen.files`), write the files atomically.

Every document of a record is rendered and finished in memory before the first file is
written, and the files are written together (:func:`memo_gen.output.write_files`), so a
failure or an interruption leaves no new file behind.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from memo_gen.backends.theme import PageSize, Theme, theme_for
from memo_gen.compose.composer import Composer
from memo_gen.compose.languages import LanguageChoice
from memo_gen.document import Document, DocumentKind, Format
from memo_gen.files import Backends, Output
from memo_gen.official.manifest import ManifestEntry, entry_for
from memo_gen.output import write_files
from memo_gen.record.loader import LoadedRecord
from memo_gen.record.model import VisitRecord

if TYPE_CHECKING:
    from memo_gen.official.signing import Signer

__all__ = ["Format", "Output", "Renderer", "Written", "render_bytes"]


def render_bytes(document: Document, fmt: Format, theme: Theme) -> bytes:
    """One document in one format."""
    return Backends(theme).output(document, fmt).data


@dataclass(frozen=True)
class Written:
    """A file written, and its manifest entry."""

    path: Path
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
        return cls(Composer(template_dir), theme, draft, pdfa)

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
    ) -> list[Output]:
        """Every asked-for document of a record, in memory, in ``lang`` (default: the
        record's ``document.language``, see :meth:`Composer.choose`); each PDF signed by
        ``signer`` when one is given."""
        documents = [self.composer.compose(record, kind, lang, draft=self.draft) for kind in kinds]
        tasks = [(document, fmt) for document in documents for fmt in formats]
        return self.backends.outputs(tasks, signer)

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

    def write(
        self,
        loaded: LoadedRecord,
        stem: str,
        out_dir: Path,
        kinds: Sequence[DocumentKind],
        formats: Sequence[Format],
        lang: str | LanguageChoice | None = None,
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
