"""``memo-gen watch``: render a record, then again each time it or its templates are saved.

Everything stays loaded between two renders (the libraries, the compiled templates, the
fonts), so a render after a save costs only the rendering. Each render is a build of the one
record (:func:`memo_gen.pipeline.build`): its files and manifest are written as one change of
the folder, the same bytes as ``memo-gen build`` writes, and a record or template that fails
writes nothing, so the last good files stay in place until the next save that renders.

Saves are noticed through the operating system's file events (watchdog: inotify, FSEvents,
ReadDirectoryChangesW), on the *folders* of the record and of the templates, not on the files:
an editor that saves by writing a new file and renaming it over the old one (vim, many IDEs)
replaces the file a watch on it would follow. An event only wakes the watch up; what counts as
a save is a change of a file's modification time, size or inode, so reading the files (this
process does, to render them) and saves that change nothing render nothing.

This module never prints: the command line hears of each render through a callback.
"""

from __future__ import annotations

import contextlib
import os
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memo_gen.errors import MemoGenError, as_error
from memo_gen.helper import Helper
from memo_gen.pipeline import (
    BuildResult,
    BuildSettings,
    Outcome,
    build,
    default_jobs,
    forget_templates,
)

QUIET = 0.05
"""Seconds without a further file event before a save is taken as finished: an editor's save
is a few events (write, close, rename) within milliseconds."""
WAKE = 0.5
"""Seconds between two looks at the files when no event comes (a folder whose events the
system does not report, such as some network folders, is still watched, only more slowly)."""

THEME_FILE = "theme.toml"

Signature = tuple[int, int, int] | None
"""A file's modification time (ns), size and inode; ``None`` when it does not exist."""


@dataclass(frozen=True)
class Saved:
    """What changed since the last render."""

    record: bool = False
    templates: bool = False
    """A file of the template folder other than its theme (templates, ``language.toml``)."""
    theme: bool = False

    def __bool__(self) -> bool:
        return self.record or self.templates or self.theme


@dataclass(frozen=True)
class Render:
    """One render: the build's result, or the error that stopped it (nothing written)."""

    number: int
    """1 for the first render, then one more for each save."""
    seconds: float
    """From the render's start (the save settled) to its files written."""
    result: BuildResult | None = None
    error: MemoGenError | None = None

    @property
    def outcome(self) -> Outcome | None:
        """The record's outcome, when it rendered."""
        return self.result.outcomes[0] if self.result and self.result.outcomes else None


def signature(path: Path) -> Signature:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def template_signatures(folder: Path, output_dir: Path | None = None) -> dict[str, Signature]:
    """Every file of a template folder that a render may read, by its path in the folder
    (left out: hidden files, editors' backups ``name~`` and autosaves ``#name#``, and an
    output folder inside it: the files a render writes are no save)."""
    found: dict[str, Signature] = {}
    skipped = output_dir.resolve() if output_dir is not None else None
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(".") and (Path(root) / name).resolve() != skipped
        )
        for name in files:
            if name.startswith((".", "#")) or name.endswith("~"):
                continue
            path = Path(root) / name
            found[path.relative_to(folder).as_posix()] = signature(path)
    return found


class Files:
    """The files a render reads, and whether they changed since they were last looked at."""

    def __init__(self, record: Path, template_dir: Path | None, output_dir: Path) -> None:
        self.record = record
        self.template_dir = template_dir
        self.output_dir = output_dir
        self._record = signature(record)
        self._templates = self._template_state()

    def _template_state(self) -> dict[str, Signature]:
        if self.template_dir is None:
            return {}
        return template_signatures(self.template_dir, self.output_dir)

    def changed(self) -> Saved:
        """What changed since the last call (or since this was made)."""
        record, templates = signature(self.record), self._template_state()
        theme = templates.get(THEME_FILE) != self._templates.get(THEME_FILE)
        others = {k: v for k, v in templates.items() if k != THEME_FILE}
        before = {k: v for k, v in self._templates.items() if k != THEME_FILE}
        saved = Saved(record != self._record, others != before, theme)
        self._record, self._templates = record, templates
        return saved


class Wakeups:
    """File events in the folders of the record and of the templates, as wake-ups."""

    def __init__(self, record: Path, template_dir: Path | None) -> None:
        # Imported here: only ``memo-gen watch`` needs it.
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        self._events: queue.SimpleQueue[None] = queue.SimpleQueue()
        events = self._events

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                # Opening and reading a file (this process renders them) is no save.
                if event.event_type not in ("opened", "closed_no_write"):
                    events.put(None)

        self._observer: Any = Observer()
        self._observer.daemon = True
        self._observer.schedule(Handler(), str(record.parent), recursive=False)
        if template_dir is not None:
            self._observer.schedule(Handler(), str(template_dir), recursive=True)

    def __enter__(self) -> Wakeups:
        self._observer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._observer.stop()
        self._observer.join(timeout=2)

    def wait(self, quiet: float) -> None:
        """Until an event comes (or :data:`WAKE` passes), then until none comes for
        ``quiet`` seconds."""
        try:
            self._events.get(timeout=WAKE)
        except queue.Empty:
            return
        while True:
            try:
                self._events.get(timeout=quiet)
            except queue.Empty:
                return


def watch(
    record: Path,
    settings: BuildSettings,
    on_render: Callable[[Render], None],
    *,
    quiet: float = QUIET,
    renders: int | None = None,
    helper: bool | None = None,
    check: Callable[[], None] = lambda: None,
) -> None:
    """Render ``record`` with ``settings``, then again after every save of it or of a file
    of ``settings.template_dir``, telling ``on_render`` of each; until interrupted (or,
    for tests and benchmarks, after ``renders`` renders). A second process renders some
    of the files meanwhile (:mod:`memo_gen.helper`): with ``helper`` always, with
    ``False`` never, by default when CPU time is free for it (:func:`spare_cpu`).

    ``check`` is called at least every :data:`WAKE` seconds while waiting, and raises to
    end the watch: an interruption that Python could not raise where it landed (inside a
    finalizer, say) is dropped, and only the signal handler's record of it is left."""
    files = Files(record, settings.template_dir, settings.output_dir)  # before the render
    on_render(_render(1, record, settings, None))
    with contextlib.ExitStack() as stack:
        # Forked now, once everything is loaded, and before the file events' thread starts.
        beside = stack.enter_context(Helper()) if helper is not False else None
        wakeups = stack.enter_context(Wakeups(record, settings.template_dir))
        number = 1
        while renders is None or number < renders:
            number += 1
            saved = _next_save(files, wakeups, quiet, check)
            if saved.theme or saved.templates:
                forget_templates(settings, theme=saved.theme)
            use = beside if helper or spare_cpu() else None
            on_render(_render(number, record, settings, use))


def spare_cpu() -> bool:
    """Whether some CPU time is free for the helper: the load average of the last minute is
    below the number of this process's CPUs. Where every CPU is busy with other work, a
    second process only makes a render slower, by the work of handing files over and of
    sharing a CPU (as measured for ``memo-gen build``'s single record: README,
    Performance). Short of that the helper pays: a file it cannot take at once is rendered
    here (:mod:`memo_gen.helper`), so this process never waits for more than the one file
    the helper renders (``benchmarks/watch.py`` at a load of 1 to 2 on 2 CPUs: about 100 ms
    a save with the helper, 130 to 150 without)."""
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):  # not known (Windows): try the helper
        return True
    return load < default_jobs()


def _next_save(files: Files, wakeups: Wakeups, quiet: float, check: Callable[[], None]) -> Saved:
    while True:
        check()
        wakeups.wait(quiet)
        saved = files.changed()
        if saved:
            return saved


def _render(number: int, record: Path, settings: BuildSettings, helper: Helper | None) -> Render:
    start = time.perf_counter()
    try:
        result = build([str(record)], settings, raise_errors=True, helper=helper)
    except MemoGenError as exc:
        return Render(number, time.perf_counter() - start, error=exc)
    except Exception as exc:  # a bug, or a library's failure: told, and the watch goes on
        return Render(number, time.perf_counter() - start, error=as_error(exc))
    return Render(number, time.perf_counter() - start, result=result)
