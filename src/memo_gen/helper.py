"""A second process that renders some files while this one does the rest (``memo-gen watch``).

Python's threads do not render side by side, processes do. A watch renders the same record
again and again, so it keeps one helper for its whole life, forked once everything is loaded
(libraries, fonts, templates): it starts warm and stays warm. As soon as a document is
composed, one of its files goes to the helper (the document and the theme, pickled: a
millisecond; which file, :meth:`memo_gen.render.Renderer.outputs` decides), and this process
goes on composing and rendering the others; the file's bytes come back when this process
needs them. The helper renders with the same code as this process
(:meth:`memo_gen.files.Backends.output`), so the bytes are the same.

The helper takes a file only when it is free: one asked for while it still renders an
earlier one is held here, and rendered here once this process has rendered its own files,
before it waits for the helper's (a busy machine, or a helper slower than this process,
then costs no waiting for files this process could render meanwhile).

The helper only renders: it never writes a file nor prints. Ctrl-C and a closed terminal are
this process's to handle (the helper ignores them, as the batch workers of
:mod:`memo_gen.pipeline` do), and it ends when this process closes it, or dies. A helper
that is gone (killed, say) is not replaced: its work is done here again, and from then on
everything is rendered here.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from memo_gen.backends.theme import Theme
from memo_gen.document import Document, Format
from memo_gen.errors import InternalError, MemoGenError, as_error
from memo_gen.files import Backends, Output


class Helper:
    """A forked process that renders files for this one, one at a time, in order."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self._process: Any = context.Process(
            target=_serve, args=(theirs, os.getpid()), name="memo-gen helper", daemon=True
        )
        self._process.start()
        theirs.close()
        self._sent = 0
        """Requests sent, each numbered: its answer comes back with its number."""
        self._gone = False
        self._latest: _Sent | None = None
        """The last request sent."""

    def render(
        self, document: Document, fmt: Format, theme: Theme, pdfa: bool
    ) -> Callable[[], Output]:
        """Start rendering ``document`` in ``fmt`` (a PDF as PDF/A with ``pdfa``, never
        signed) in the helper; the call returned waits for it (and raises its error). The
        calls must be made in the order of the requests.

        While the helper renders an earlier file, this one is held here instead: rendered
        here when the call returned is made, or when the earlier file's call is (before it
        waits for the helper)."""

        def here() -> Output:
            return Backends(theme, pdfa).output(document, fmt)

        if self._gone:
            return here
        latest = self._latest
        if latest is not None and latest.busy(self._conn):
            held = _Held(here)
            latest.before.append(held)
            return held.output
        number = self._sent
        try:
            self._conn.send((number, document, fmt, theme, pdfa))
        except OSError:
            self._gone = True
            return here
        self._sent += 1
        sent = self._latest = _Sent()

        def wait() -> Output:
            for held in sent.before:  # this process's work first: then the helper's
                held.run()
            sent.before.clear()
            try:
                answer = self._answer(number)
            except (OSError, EOFError):
                self._gone = True
                return here()
            finally:
                sent.answered = True
            if isinstance(answer, MemoGenError):
                raise answer
            assert isinstance(answer, Output)
            return answer

        return wait

    def _answer(self, number: int) -> Output | MemoGenError:
        while True:
            got, answer = self._conn.recv()
            if got == number:
                return answer  # type: ignore[no-any-return]
            if got > number:
                raise InternalError("the helper process answered out of order")
            # An earlier request's answer, not taken: its render failed here meanwhile.

    def close(self) -> None:
        """End the helper (it may be rendering: its work is not needed any more)."""
        self._conn.close()
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Sent:
    """A request sent to the helper, and the files held here until its answer is taken."""

    def __init__(self) -> None:
        self.answered = False
        self.before: list[_Held] = []

    def busy(self, conn: Connection) -> bool:
        """Whether the helper may still be rendering it (its answer is neither taken nor
        waiting to be read)."""
        return not self.answered and not conn.poll()


class _Held:
    """A file held here: rendered once, when it is first needed."""

    def __init__(self, render: Callable[[], Output]) -> None:
        self._render = render
        self._output: Output | None = None
        self._error: BaseException | None = None

    def run(self) -> None:
        if self._output is None and self._error is None:
            try:
                self._output = self._render()
            except Exception as exc:  # raised by output(), where the file is asked for
                self._error = exc

    def output(self) -> Output:
        self.run()
        if self._error is not None:
            raise self._error
        assert self._output is not None
        return self._output


def _serve(conn: Connection, parent: int) -> None:
    """The helper's life: render each document sent, send back its output or its error."""
    # The batch workers' start: Ctrl-C and SIGHUP are the parent's, and the helper ends
    # with its parent even if that is killed.
    from memo_gen.pipeline import _worker_started

    _worker_started(parent)
    while True:
        try:
            number, document, fmt, theme, pdfa = conn.recv()
        except (EOFError, OSError):
            return  # the parent closed its end: the watch is over
        try:
            answer: Output | MemoGenError = Backends(theme, pdfa).output(document, fmt)
        except Exception as exc:
            answer = as_error(exc)
        with contextlib.suppress(OSError):
            conn.send((number, answer))
