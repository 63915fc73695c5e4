"""Write single files whole or not at all; hold signals back while a change is made; name a
record's files safely.

:func:`write_atomic` writes one file so that a reader sees the old file or the complete new
one, never a part (memo-gen's output folders change through :mod:`memo_gen.folder`, which
builds on :func:`write_new` and :func:`sync_folder`). :func:`output_stem` makes the safe start
of the names of a record's files.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from memo_gen.errors import OutputError

HELD_SIGNALS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals that end memo-gen as an interruption; held back while a change is made."""


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back (they are delivered on leaving), where POSIX
    allows."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) with ``data``, flushed to disk; on any failure the
    file is removed. :class:`OSError` as raised."""
    # Mode 0o666 less the umask, as for any new file (mkstemp would give 0o600).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    handle = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
    except BaseException:
        os.close(handle)
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    os.close(handle)


def sync_folder(folder: Path) -> None:
    """Flush ``folder``'s names to disk: a new name survives a power cut only once its
    folder is on disk (where a folder cannot be opened, as on Windows, nothing is done)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the complete new one,
    never a part: written under a hidden name, then renamed (which replaces a symlink at
    ``path``, never what it points to). Ctrl-C and SIGTERM wait until the rename is done, and
    on any failure the hidden file is removed (only SIGKILL or a power cut can leave it)."""
    folder = path.parent
    temporary = folder / f".{path.name}.{secrets.token_hex(6)}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with signals_held():
            write_new(temporary, data)
            try:
                temporary.replace(path)
            except BaseException:
                with contextlib.suppress(OSError):
                    temporary.unlink()
                raise
            sync_folder(folder)
    except OSError as exc:
        raise OutputError(
            f"cannot write {path}: {exc.strerror or exc}; remove what is in the way or choose "
            "another folder or name"
        ) from exc


def output_stem(source: str | Path | None, default: str) -> str:
    """A safe file-name stem from a record's name: its stem, with anything that is not a
    letter, digit, ``.``, ``_`` or ``-`` replaced, never empty, never hidden."""
    if source is None or str(source) == "-":
        return default
    stem = unicodedata.normalize("NFC", Path(str(source)).stem)
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._")
    return stem[:100] or default
