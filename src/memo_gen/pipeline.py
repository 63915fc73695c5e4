"""A build, from record files to written files and the folder's manifest: the one place
where that happens, for the command line and for programs (:func:`build`).

A build takes :class:`BuildSettings` and the records' sources, refuses records that would
write files of the same names and a folder whose manifest must not be replaced, finishes a
change an interrupted run left in the folder, and renders each record (load, choose the
language, compose, render, finish with PDF/A and signature, all in memory:
:meth:`~memo_gen.render.Renderer.files`) one after another in this process or side by side
in worker processes. This process alone writes: the files of the records rendered so far and
their manifest entries, as one change (:func:`memo_gen.folder.commit`), at most every
:data:`COMMIT_INTERVAL` seconds and at the end, also after a failure or an interruption. It
never prints: the caller hears of each record through callbacks and gets a
:class:`BuildResult`.

Each record is rendered on its own: one that fails does not stop the others. A worker
returns an :class:`Outcome` (the files rendered, or the error itself), never prints;
outcomes come back in the order the records were given. Every worker renders with one
:class:`~memo_gen.render.Renderer` per set of options for its whole life, so templates are
compiled and fonts registered once per process.

Ctrl-C, SIGTERM and SIGHUP are the parent's to handle: workers ignore SIGINT and SIGHUP, and
when the parent is interrupted it cancels the records not started, stops its workers and
writes the records finished. A worker never outlives its parent: on Linux the kernel ends it
when the parent dies (``PR_SET_PDEATHSIG``), elsewhere it checks every second.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from memo_gen.errors import (
    EXIT_OK,
    InputError,
    InternalError,
    MemoGenError,
    Problem,
    as_error,
)
from memo_gen.record.limits import DEFAULT_LIMITS, Limits
from memo_gen.record.loader import (
    DEFAULT_MAX_INPUT_BYTES,
    STDIN,
    SUFFIXES,
    display_name,
    read_record,
)

if TYPE_CHECKING:
    import concurrent.futures

    from memo_gen.backends.theme import PageSize
    from memo_gen.document import DocumentKind, Format
    from memo_gen.helper import Helper
    from memo_gen.official.manifest import ManifestEntry
    from memo_gen.official.signing import Signer, SigningKey
    from memo_gen.render import RenderedFile, Renderer


@dataclass(frozen=True)
class BuildSettings:
    """Everything but the record that decides what a record's rendering writes."""

    kinds: tuple[DocumentKind, ...]
    formats: tuple[Format, ...]
    output_dir: Path
    template_dir: Path | None = None
    page_size: PageSize | None = None
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES
    limits: Limits = DEFAULT_LIMITS
    languages: tuple[str, ...] = ()
    """The languages to write each document in (``--lang``; the template sets' and the
    texts'); none: each record's own. With several, each file's name says its language."""
    fallback: str | None = None
    """The language whose text stands in for a text the record lacks in the language being
    written (``--fallback``); none: such a record is refused."""
    draft: bool = False
    pdfa: bool = False
    signing_key: SigningKey | None = None
    """Sign every PDF with this key (each process loads it once)."""


COMMIT_INTERVAL = 0.5
"""Seconds between two writes of a batch's finished records: each rewrites the manifest."""


@dataclass(frozen=True)
class Outcome:
    """What became of one record: its files, rendered, then written; or why none was."""

    source: str | None
    paths: tuple[Path, ...] = ()
    """The files written."""
    error: MemoGenError | None = None
    """Why the record wrote nothing: the error itself, its message naming the record."""
    warnings: tuple[str, ...] = ()
    entries: tuple[ManifestEntry, ...] = ()
    """The manifest entries of the files written, in the order of ``paths``."""
    files: tuple[RenderedFile, ...] = ()
    """The files rendered and not yet written (none once they are)."""

    def written(self, folder: Path) -> Outcome:
        """This outcome once its files are written into ``folder``."""
        paths = tuple(folder / file.name for file in self.files)
        entries = tuple(file.entry for file in self.files)
        return replace(self, paths=paths, entries=entries, files=())

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def exit_code(self) -> int:
        return self.error.exit_code if self.error is not None else EXIT_OK

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.error.problems if self.error is not None else ()


def record_sources(arguments: Sequence[str]) -> list[str]:
    """The records the arguments name, in order: a file (or ``-``) as given, a folder as every
    ``*.yaml``, ``*.yml`` and ``*.json`` file in it, sorted by name (hidden files skipped)."""
    sources: list[str] = []
    for argument in arguments:
        folder = Path(argument)
        if argument == STDIN or not folder.is_dir():
            sources.append(argument)
            continue
        found = sorted(
            str(path)
            for path in folder.iterdir()
            if path.suffix.lower() in SUFFIXES and not path.name.startswith(".") and path.is_file()
        )
        if not found:
            raise InputError(f"{argument}: the folder holds no record (.yaml, .yml or .json)")
        sources.extend(found)
    return sources


def default_jobs() -> int:
    """How many worker processes to start by default: the CPUs this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


# --- one record ---------------------------------------------------------------------------

_RENDERERS: dict[tuple[Path | None, str | None, bool, bool], Renderer] = {}
_SIGNERS: dict[SigningKey, Signer] = {}


def _renderer(settings: BuildSettings) -> Renderer:
    """This process's renderer for the settings' templates, page size, draft and PDF/A."""
    from memo_gen.render import Renderer

    key = (settings.template_dir, settings.page_size, settings.draft, settings.pdfa)
    if key not in _RENDERERS:
        _RENDERERS[key] = Renderer.create(*key)
    return _RENDERERS[key]


def forget_templates(settings: BuildSettings, *, theme: bool = False) -> None:
    """Read the settings' template folder again at the next render (``memo-gen watch``,
    after a file of it was saved): its templates and words, and with ``theme`` its theme.
    What else this process keeps stays (fonts, python-docx's prepared template for an
    unchanged theme, and compiled templates whose source did not change: the template
    cache checks each source)."""
    from memo_gen.backends.theme import theme_for

    if theme:
        theme_for.cache_clear()
    key = (settings.template_dir, settings.page_size, settings.draft, settings.pdfa)
    _RENDERERS.pop(key, None)


def signer(key: SigningKey | None) -> Signer | None:
    """This process's signer for a key: read and checked once (:func:`load_signer`)."""
    if key is None:
        return None
    if key not in _SIGNERS:
        from memo_gen.official.signing import load_signer

        _SIGNERS[key] = load_signer(key)
    return _SIGNERS[key]


def stem_for(source: str | None) -> str:
    """The start of the names of a record's files (``None``: the sample record)."""
    from memo_gen.output import output_stem
    from memo_gen.resources import sample_record_path

    return output_stem(source, "record") if source else sample_record_path().stem


def refuse_clashing_names(sources: Sequence[str | None]) -> None:
    """An :class:`InputError` when two records would write files of the same names (also
    names that differ only in case, the same file on some file systems): the second
    record's files would replace the first's."""
    seen: dict[str, str | None] = {}
    for source in sources:
        stem = stem_for(source)
        if stem.casefold() in seen:
            pair = (seen[stem.casefold()], source)
            names = " and ".join(display_name(s) if s else "the sample record" for s in pair)
            raise InputError(
                f"{names} would both write {stem}-memo and {stem}-factsheet; rename one, or "
                "render them into different folders with -o"
            )
        seen[stem.casefold()] = source


def render_source(
    source: str | None, settings: BuildSettings, helper: Helper | None = None
) -> Outcome:
    """Load and render one record (``None``: the sample record), its files in memory;
    raises its error. A ``helper`` renders some files in its own process meanwhile."""
    from memo_gen.record.translations import TextLanguage

    kinds, formats = settings.kinds, settings.formats
    key = signer(settings.signing_key)
    renderer = _renderer(settings)
    read = read_record(source, max_bytes=settings.max_bytes, limits=settings.limits)
    files: list[RenderedFile] = []
    warnings = []
    for language in settings.languages or (None,):
        choice = renderer.composer.folder.choose(language, read.language)
        written_in = renderer.composer.folder.words(choice.folder).language
        loaded = read.validated(TextLanguage(written_in, settings.fallback))
        named = language if len(settings.languages) > 1 else None
        files += renderer.files(loaded, stem_for(source), kinds, formats, choice, key, helper,
                                named=named)  # fmt: skip
        if choice.fell_back_from:
            warnings.append(
                f"{_name(source)}: no templates for its language {choice.fell_back_from!r}; "
                f"writing in {choice.language} (choose with --lang)"
            )
        if loaded.fallback:
            fields = loaded.fallback.fields
            warnings.append(
                f"{_name(source)}: {len(fields)} text{'s' if len(fields) != 1 else ''} not in "
                f"{written_in} taken from {loaded.fallback.language} (said in the source "
                f"note): {', '.join(fields[:5])}{', …' if len(fields) > 5 else ''}"
            )
    return Outcome(source, warnings=tuple(warnings), files=tuple(files))


def render_one(source: str | None, settings: BuildSettings) -> Outcome:
    """:func:`render_source`, with its failure as the outcome (the workers' entry point)."""
    try:
        return render_source(source, settings)
    except Exception as exc:
        return Outcome(source, error=as_error(exc).about(_name(source)))


@dataclass(frozen=True)
class BuildResult:
    """What a build did: each record's outcome in the order given, and the manifest."""

    outcomes: tuple[Outcome, ...]
    manifest: Path | None = None
    """The folder's ``manifest.json``, when the build wrote any file."""
    warnings: tuple[str, ...] = ()
    """About the manifest (a broken one replaced)."""

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.failed)


def build(
    sources: Sequence[str | None],
    settings: BuildSettings,
    *,
    jobs: int = 1,
    raise_errors: bool = False,
    on_finished: Callable[[Outcome], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_manifest: Callable[[Path, Sequence[str]], None] | None = None,
    helper: Helper | None = None,
) -> BuildResult:
    """Render every record of ``sources`` (``None``: the sample record) with ``settings``,
    in ``jobs`` worker processes when there are several, and write their files, with the
    output folder's manifest.

    A record that fails is an :class:`Outcome` with its error, and the others are rendered;
    with ``raise_errors`` the first failure is raised instead (as :class:`MemoGenError`,
    records one by one in this process). ``on_finished`` hears of each record as it
    finishes rendering (for a progress bar), ``on_outcome`` of each once it is written (or
    failed), in the order of ``sources``, and ``on_manifest`` of the manifest at the end.
    The records finished are written also when the build is interrupted or raises.
    With ``raise_errors``, a ``helper`` renders some files in its process meanwhile
    (``memo-gen watch``, :mod:`memo_gen.helper`).
    """
    from memo_gen.folder import recover_folder, refuse_unwritable
    from memo_gen.official.manifest import previous_manifest

    sources = list(sources)
    refuse_clashing_names(sources)
    refuse_unwritable(settings.output_dir)
    recover_folder(settings.output_dir)  # a change an interrupted run began is finished first
    previous_manifest(settings.output_dir)  # one that must not be replaced stops the build now
    writer = _Writer(settings.output_dir)
    outcomes: list[Outcome] = []  # in the order of sources, as rendered

    def record_finished(outcome: Outcome) -> None:
        writer.add(outcome)  # written with the next change, even if a callback fails
        if on_finished is not None:
            on_finished(outcome)

    def tell(outcomes: Sequence[Outcome]) -> None:
        for outcome in outcomes:
            if on_outcome is not None:
                on_outcome(outcome)

    try:
        if raise_errors:
            rendered: Generator[Outcome, None, None] = _raising(
                sources, settings, record_finished, helper
            )
        else:
            rendered = render_many(sources, settings, jobs, record_finished)
        # closing(): an interruption stops the workers, and reports the records they
        # finished meanwhile, before the last change below is written.
        with contextlib.closing(rendered):
            for outcome in rendered:
                outcomes.append(outcome)
                if writer.due():
                    writer.write()
                    tell(writer.take_written(outcomes))
        writer.write()
        tell(writer.take_written(outcomes))
    finally:
        writer.write()  # after an interruption or a failure: the records finished
        if writer.manifest is not None and on_manifest is not None:
            on_manifest(writer.manifest, writer.warnings)
    return BuildResult(tuple(writer.final(o) for o in outcomes), writer.manifest, writer.warnings)


def _raising(
    sources: Sequence[str | None],
    settings: BuildSettings,
    done: Callable[[Outcome], None],
    helper: Helper | None = None,
) -> Generator[Outcome, None, None]:
    """The records one by one in this process, the first failure raised as it is."""
    for source in sources:
        outcome = render_source(source, settings, helper)
        done(outcome)
        yield outcome


class _Writer:
    """The records rendered and not yet written, and the changes that write them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending: list[Outcome] = []
        self.written: dict[str | None, Outcome] = {}
        """Each record whose files are written (or that has none), by its source."""
        self.told = 0
        """How many outcomes, in the order of sources, were taken by :meth:`take_written`."""
        self.manifest: Path | None = None
        self.warnings: tuple[str, ...] = ()
        self.last = time.monotonic()

    def add(self, outcome: Outcome) -> None:
        self.pending.append(outcome)

    def due(self) -> bool:
        """Whether it is time to write the records finished (a change rewrites the whole
        manifest: many records a second each with their own change would take long)."""
        return bool(self.pending) and time.monotonic() - self.last >= COMMIT_INTERVAL

    def write(self) -> None:
        """Write the files of every record finished, and their entries, in one change."""
        from memo_gen.folder import commit
        from memo_gen.official.manifest import MANIFEST_NAME

        pending, self.pending = self.pending, []
        files = [file for outcome in pending for file in outcome.files]
        if files:
            path = self.folder / MANIFEST_NAME

            def broken(error: InputError) -> None:
                reason = error.message.split(";")[0].removeprefix(f"{MANIFEST_NAME}: ")
                warning = f"{path}: {reason}; replaced by a manifest of this run's files"
                self.warnings = (*self.warnings, warning)

            contents = [(file.name, file.data) for file in files]
            self.manifest = commit(self.folder, contents, [f.entry for f in files], broken)
        for outcome in pending:
            self.written[outcome.source] = outcome.written(self.folder)
        self.last = time.monotonic()

    def final(self, outcome: Outcome) -> Outcome:
        """The outcome as written (or as rendered, if it was not)."""
        return self.written.get(outcome.source, outcome)

    def take_written(self, outcomes: Sequence[Outcome]) -> list[Outcome]:
        """The outcomes not yet taken, in order, up to the first not yet written."""
        taken = []
        while self.told < len(outcomes) and outcomes[self.told].source in self.written:
            taken.append(self.written[outcomes[self.told].source])
            self.told += 1
        return taken


def _name(source: str | None) -> str:
    """How messages name a record."""
    return display_name(source) if source is not None else "sample record"


# --- many records -------------------------------------------------------------------------


def _worker_started(parent: int) -> None:
    # Ctrl-C and a closed terminal reach every process of the terminal's group: the parent
    # decides what it stops. SIGTERM ends a worker at once: a worker writes nothing.
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with(parent)


def _end_with(parent: int) -> None:
    """End this worker when its parent ends, even by SIGKILL: otherwise it waits for work
    on a pipe whose other end it holds itself, for ever."""
    if sys.platform.startswith("linux"):
        import ctypes

        set_parent_death_signal = 1  # PR_SET_PDEATHSIG, <linux/prctl.h>
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(set_parent_death_signal, int(signal.SIGKILL), 0, 0, 0) == 0:
            if os.getppid() != parent:
                os._exit(1)  # the parent ended before the signal was set
            return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def render_many(
    sources: Sequence[str | None],
    settings: BuildSettings,
    jobs: int,
    done: Callable[[Outcome], None] | None = None,
) -> Generator[Outcome, None, None]:
    """Every record's outcome, in the order of ``sources``; with ``jobs`` > 1 in that many
    worker processes. ``done`` is called in this thread as each record finishes, in the
    order they finish (for a progress bar)."""
    if jobs <= 1 or len(sources) <= 1:
        for source in sources:
            outcome = render_one(source, settings)
            if done:
                done(outcome)
            yield outcome
        return
    import concurrent.futures  # here: a single record needs no pool
    import multiprocessing

    from memo_gen.output import signals_held

    if multiprocessing.get_start_method() == "fork":
        _preload(settings)  # forked workers start with it all in memory, loaded once
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=min(jobs, len(sources)),
        initializer=_worker_started,
        initargs=(os.getpid(),),
    )
    futures = [pool.submit(render_one, source, settings) for source in sources]
    index = {future: number for number, future in enumerate(futures)}
    reported: set[concurrent.futures.Future[Outcome]] = set()
    try:
        pending = set(futures)
        finished = 0
        while finished < len(futures):
            if pending:
                # Ctrl-C and SIGTERM are held back while waiting and delivered between waits:
                # raised inside wait(), they would leave its locks on the futures taken, and
                # stopping the pool would then wait for ever.
                with signals_held():
                    ready, pending = concurrent.futures.wait(
                        pending, timeout=0.1, return_when=concurrent.futures.FIRST_COMPLETED
                    )
                for future in ready:
                    reported.add(future)
                    if done:
                        done(_result(future, sources[index[future]]))
            while finished < len(futures) and futures[finished].done():
                future = futures[finished]
                if future not in reported:  # finished since the wait: reported first
                    reported.add(future)
                    pending.discard(future)
                    if done:
                        done(_result(future, sources[finished]))
                yield _result(future, sources[finished])
                finished += 1
    except BaseException:
        _stop(pool)
        # Records that finished while this process was being stopped are reported too, so
        # that they are written.
        unreported = [f for f in futures if f not in reported and f.done() and not f.cancelled()]
        for future in unreported:
            if done and future.exception() is None:
                done(future.result())
        raise
    pool.shutdown()


def _preload(settings: BuildSettings) -> None:
    """Load what every worker needs: the model, the templates, the asked-for backends."""
    import memo_gen.record.validate

    _renderer(settings)
    signer(settings.signing_key)
    if "docx" in settings.formats:
        import memo_gen.backends.docx
    if "pdf" in settings.formats:
        import memo_gen.backends.pdf  # noqa: F401


def _result(future: concurrent.futures.Future[Outcome], source: str | None) -> Outcome:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool as exc:
        message = f"a worker process ended unexpectedly ({exc}); the record was not rendered"
        return Outcome(source, error=InternalError(message).about(_name(source)))


def _stop(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Stop the workers: their current records and the others end as a broken pool's
    (their futures hold :class:`BrokenProcessPool`)."""
    # Nothing is cancelled: on Python 3.11 the pool, finding its workers gone, sets an
    # exception on every record it still holds, and a cancelled one raises InvalidStateError
    # in its thread (a traceback on stderr).
    # The executor has no public way to stop its workers before Python 3.14.
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.terminate()
    for process in list(processes.values()):
        process.join(timeout=10)
    # A worker stopped while it sent its files back leaves half a message in the results
    # pipe, and the pool's thread would wait for the rest for ever (and the interpreter for
    # that thread as it exits). With the workers gone, this process holds the pipe's only
    # writing end: closing it ends that wait (the reader sees the end of the pipe).
    results = getattr(pool, "_result_queue", None)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()
    pool.shutdown(wait=True)
