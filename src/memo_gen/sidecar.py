"""A helper process: forked early, it gets ready while this process works, then does a share
of the work it is sent.

A single record's files split in two: what needs ReportLab (the PDF files, and the DOCX files
with charts, whose pictures ReportLab draws) and the rest. On a machine with two or more CPUs
a child is forked before the record is even read; it loads ReportLab and registers the fonts
while this process reads, validates and composes the record, then renders the share it is
sent and sends the files back through a pipe. It writes no file: this process writes
everything, all together (:mod:`memo_gen.output`). Where there is no ``fork`` (not POSIX), on
macOS (forking a process that has loaded system frameworks is unsafe there) or with a single
CPU, there is no helper and the work is done here, in turn.

An error in the child is raised here, as it was raised there (a :class:`MemoGenError` keeps
its exit code and problems; another error its traceback as a note). When this process stops
early (an error, Ctrl-C), the child is killed.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

A = TypeVar("A")
R = TypeVar("R")


def available() -> bool:
    """Whether a helper can work side by side with this process: ``fork`` exists and so do
    two CPUs."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) >= 2


class Helper(Generic[A, R]):
    """A forked child waiting for its work (:meth:`send`), then its result (:meth:`result`)."""

    def __init__(self, pid: int, to_child: int, from_child: int) -> None:
        self._pid = pid
        self._to_child: int | None = to_child
        self._from_child: int | None = from_child

    def send(self, work: A) -> None:
        """Give the child its work; it starts as soon as it is ready."""
        assert self._to_child is not None
        descriptor, self._to_child = self._to_child, None
        # A child that has died (an error while getting ready) has closed its end: its
        # error is what :meth:`result` reports.
        with contextlib.suppress(BrokenPipeError), os.fdopen(descriptor, "wb") as pipe:
            pipe.write(pickle.dumps(work))

    def result(self) -> R:
        """Wait for the child's result; raise its error."""
        assert self._from_child is not None
        descriptor, self._from_child = self._from_child, None
        with os.fdopen(descriptor, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self._pid, 0)
        self._pid = 0
        if not data:
            raise RuntimeError("the helper process ended without a result")
        succeeded, value = pickle.loads(data)
        if succeeded:
            return value  # type: ignore[no-any-return]
        raise value

    def stop(self) -> None:
        """Kill the child if it is still there, and close the pipes."""
        for descriptor in (self._to_child, self._from_child):
            if descriptor is not None:
                with contextlib.suppress(OSError):
                    os.close(descriptor)
        self._to_child = self._from_child = None
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0


@contextlib.contextmanager
def helper(get_ready: Callable[[], None], work: Callable[[A], R]) -> Iterator[Helper[A, R]]:
    """Fork a child that runs ``get_ready()`` at once, then ``work(x)`` on the ``x`` it is
    sent; leaving the block, the child is gone."""
    work_read, work_write = os.pipe()
    result_read, result_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(work_write)
        os.close(result_read)
        _child(get_ready, work, work_read, result_write)
    os.close(work_read)
    os.close(result_write)
    child: Helper[A, R] = Helper(pid, work_write, result_read)
    try:
        yield child
    finally:
        child.stop()


def _child(
    get_ready: Callable[[], None], work: Callable[[Any], Any], read: int, write: int
) -> None:
    # Ctrl-C reaches the whole terminal's process group: the parent decides, and kills this
    # process if it has to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        received: list[bytes] = []
        # Read the work as it comes, so that the parent never waits for this process to be
        # ready before it goes on with its own share.
        reader = threading.Thread(target=lambda: received.append(_read_all(read)))
        reader.start()
        try:
            get_ready()
            reader.join()
            payload = pickle.dumps((True, work(pickle.loads(received[0]))))
        except BaseException as exc:  # every error goes back to the parent
            payload = _pickled_error(exc)
        with contextlib.suppress(BrokenPipeError), os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    finally:
        # No clean-up of the parent's (atexit, buffered output, temporary files) may run here.
        os._exit(0)


def _read_all(descriptor: int) -> bytes:
    with os.fdopen(descriptor, "rb") as pipe:
        return pipe.read()


def _pickled_error(exc: BaseException) -> bytes:
    exc.add_note("".join(traceback.format_exception(exc)).rstrip())
    try:
        return pickle.dumps((False, exc))
    except Exception:  # an error that cannot be pickled goes back as its description
        fallback = RuntimeError(f"{type(exc).__name__}: {exc}")
        fallback.add_note("".join(traceback.format_exception(exc)).rstrip())
        return pickle.dumps((False, fallback))
