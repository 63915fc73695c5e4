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
its exit code and problems; another error its traceback as a note). A child that ends with
no readable result (killed, out of memory) raises :class:`HelperLost`, and its share is done
here. When this process stops early (an error, Ctrl-C), the child is killed; when this
process is killed, Linux kills the child. Where no process can be started, there is no
helper.
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

from memo_gen.output import signals_held

A = TypeVar("A")
R = TypeVar("R")


def available() -> bool:
    """Whether a helper can work side by side with this process: ``fork`` exists and so do
    two CPUs."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) >= 2


class HelperLost(Exception):
    """The helper ended without a readable result (killed, out of memory, a crash): its
    share is to be done here instead."""


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
        """Wait for the child's result; raise its error, or :class:`HelperLost`."""
        assert self._from_child is not None
        descriptor, self._from_child = self._from_child, None
        with os.fdopen(descriptor, "rb") as pipe:
            data = pipe.read()
        status = self._wait()
        try:
            succeeded, value = pickle.loads(data)
        except Exception as exc:  # nothing, or a part: the child did not finish writing
            raise HelperLost(_ending(status)) from exc
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
            self._wait()

    def _wait(self) -> int | None:
        """Reap the child (with Ctrl-C held back, so that it never stays a zombie); its
        wait status."""
        pid, self._pid = self._pid, 0
        if not pid:
            return None
        with signals_held(), contextlib.suppress(ChildProcessError):
            return os.waitpid(pid, 0)[1]
        return None


def _ending(status: int | None) -> str:
    if status is not None and os.WIFSIGNALED(status):
        return f"the helper process was killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return "the helper process ended without a result"


@contextlib.contextmanager
def helper(get_ready: Callable[[], None], work: Callable[[A], R]) -> Iterator[Helper[A, R] | None]:
    """Fork a child that runs ``get_ready()`` at once, then ``work(x)`` on the ``x`` it is
    sent; ``None`` when no process can be started (a limit on processes or open files).
    Leaving the block, the child is gone."""
    child: Helper[A, R] | None = None
    try:
        # Ctrl-C and SIGTERM wait until the child exists and is sure to be stopped.
        with signals_held():
            child = _start(get_ready, work)
        yield child
    finally:
        if child is not None:
            child.stop()


def _start(get_ready: Callable[[], None], work: Callable[[A], R]) -> Helper[A, R] | None:
    opened: list[int] = []
    try:
        opened += os.pipe()
        opened += os.pipe()
        work_read, work_write, result_read, result_write = opened
        parent = os.getpid()
        pid = os.fork()
    except OSError:
        for descriptor in opened:
            os.close(descriptor)
        return None
    if pid == 0:  # the child: never returns
        _child(get_ready, work, parent, work_read, result_write, (work_write, result_read))
    os.close(work_read)
    os.close(result_write)
    return Helper(pid, work_write, result_read)


def _child(
    get_ready: Callable[[], None],
    work: Callable[[Any], Any],
    parent: int,
    read: int,
    write: int,
    parents: tuple[int, int],
) -> None:
    try:
        # The parent decides when to stop, and kills this process (also when it is killed).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
        _die_with(parent)
        for descriptor in parents:
            os.close(descriptor)
        # Nothing of the terminal's or a caller's pipes stays open here.
        quiet = os.open(os.devnull, os.O_RDWR)
        for standard in (0, 1, 2):
            os.dup2(quiet, standard)
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


def _die_with(parent: int) -> None:
    """Have Linux kill this process when its parent dies (PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(0)


def _read_all(descriptor: int) -> bytes:
    with os.fdopen(descriptor, "rb") as pipe:
        return pipe.read()


def _pickled_error(exc: BaseException) -> bytes:
    exc.add_note("".join(traceback.format_exception(exc)).rstrip())
    try:
        payload = pickle.dumps((False, exc))
        pickle.loads(payload)  # an error whose class cannot be built again from its pickle
        return payload
    except Exception:  # goes back as its description
        fallback = RuntimeError(f"{type(exc).__name__}: {exc}")
        fallback.add_note("".join(traceback.format_exception(exc)).rstrip())
        return pickle.dumps((False, fallback))
