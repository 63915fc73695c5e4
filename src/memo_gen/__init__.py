"""memo-gen: a diplomatic visit record rendered as a memorandum and a fact sheet.

For programs, :func:`build` does what ``memo-gen build`` does::

    import memo_gen

    result = memo_gen.build(["visit.yaml"], "out")
    for outcome in result.outcomes:
        print(outcome.paths or outcome.error)

Errors are those of :mod:`memo_gen.errors`; nothing is printed.
"""

from __future__ import annotations

import os

# Nothing more is imported here: ``memo-gen`` handles Ctrl-C from its first line
# (memo_gen.__main__), which runs only once this module is loaded.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from memo_gen.backends.theme import PageSize
    from memo_gen.document import DocumentKind, Format
    from memo_gen.official.signing import SigningKey
    from memo_gen.pipeline import BuildResult

__version__ = "0.1.0"


def build(
    records: Sequence[str | os.PathLike[str] | None] = (None,),
    output_dir: str | os.PathLike[str] = "out",
    *,
    documents: Sequence[DocumentKind] = ("memo", "factsheet"),
    formats: Sequence[Format] = ("docx", "pdf"),
    lang: str | Sequence[str] | None = None,
    fallback: str | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    page_size: PageSize | None = None,
    draft: bool = False,
    pdfa: bool = False,
    signing_key: SigningKey | None = None,
    jobs: int = 1,
    raise_errors: bool = False,
) -> BuildResult:
    """Render records (file paths; ``None`` for the embedded sample record) into
    ``output_dir``, as ``memo-gen build`` does, and merge their files into its
    ``manifest.json``.

    Each record's :class:`~memo_gen.pipeline.Outcome` says which files it wrote or why it
    wrote none; with ``raise_errors`` the first failure is raised instead, as a
    :class:`~memo_gen.errors.MemoGenError`. ``jobs`` > 1 renders records in that many worker
    processes.
    """
    from pathlib import Path

    from memo_gen.pipeline import BuildSettings
    from memo_gen.pipeline import build as run

    settings = BuildSettings(
        kinds=tuple(documents),
        formats=tuple(formats),
        output_dir=Path(output_dir),
        template_dir=Path(template_dir) if template_dir is not None else None,
        page_size=page_size,
        languages=(lang,) if isinstance(lang, str) else tuple(lang or ()),
        fallback=fallback,
        draft=draft,
        pdfa=pdfa,
        signing_key=signing_key,
    )
    sources = [os.fspath(record) if record is not None else None for record in records]
    return run(sources, settings, jobs=jobs, raise_errors=raise_errors)
