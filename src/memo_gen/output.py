"""Write files whole or not at all, and a record's files all together or not at all.

Every file is first *staged*: written and flushed to disk in the target folder without a
name (Linux ``O_TMPFILE``), so a process killed at that point, even by SIGKILL, leaves
nothing behind. Only once every file of a record is staged are they *committed*: each is
given its name (a hard link for a new file; a hidden name, then an atomic rename over an
old one), with SIGINT and SIGTERM held back until the last is in place, so an interrupted
run leaves either all of a record's files or none of them, each complete. A reader sees the
old file or the complete new one, never a part. (SIGKILL cannot be held back: in the instant
between two names it leaves the first file named, complete, and no other.)

Where ``O_TMPFILE`` is missing (not Linux, or a file system without it) a file is staged
under a hidden name ``.<name>.<random>.part`` instead; it is removed on every failure a
process survives (an exception, Ctrl-C, SIGTERM), but SIGKILL or a power cut can leave it.

:func:`output_stem` makes the safe start of the names of a record's files.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from memo_gen.errors import OutputError

_PROC_FD = Path("/proc/self/fd")


@dataclass
class Staged:
    """A complete file on disk, not yet under its name."""

    path: Path
    descriptor: int | None = None
    """An open ``O_TMPFILE`` descriptor: the file has no name yet."""
    temporary: Path | None = None
    """Or the hidden name the file is staged under."""

    def discard(self) -> None:
        """Forget the file: it never appears."""
        if self.descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(self.descriptor)
            self.descriptor = None
        if self.temporary is not None:
            with contextlib.suppress(OSError):
                self.temporary.unlink()
            self.temporary = None


def _cannot(folder: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"cannot write to {folder}: {exc.strerror or exc}; choose another folder with -o "
        "or fix its permissions"
    )


def stage(path: Path, data: bytes) -> Staged:
    """Write ``data`` for ``path`` to disk, in ``path``'s folder, without giving it the name."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot(folder, exc) from exc
    staged = _anonymous(path) or _hidden(path)
    try:
        handle = staged.descriptor
        if handle is None:
            assert staged.temporary is not None
            handle = os.open(staged.temporary, os.O_WRONLY)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            os.fsync(handle)
        finally:
            if handle != staged.descriptor:
                os.close(handle)
    except BaseException as exc:
        staged.discard()
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
    return staged


def _anonymous(path: Path) -> Staged | None:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not _PROC_FD.is_dir():
        return None
    try:
        # Mode 0o666 less the umask, as for any new file (mkstemp would give 0o600).
        descriptor = os.open(path.parent, flag | os.O_WRONLY, 0o666)
    except OSError:
        return None  # a file system without O_TMPFILE: EOPNOTSUPP, EISDIR on old kernels
    return Staged(path, descriptor=descriptor)


def _hidden(path: Path) -> Staged:
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise _cannot(path.parent, exc) from exc
    os.close(handle)
    temporary = Path(name)
    temporary.chmod(0o666 & ~_umask())
    return Staged(path, temporary=temporary)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (they are delivered on leaving), where POSIX allows."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def commit(files: Sequence[Staged]) -> None:
    """Give every staged file its name, all with signals held; the files are then closed."""
    try:
        with signals_held():
            for staged in files:
                _name(staged)
            for folder in {staged.path.parent for staged in files}:
                _sync_folder(folder)
    finally:
        for staged in files:
            staged.discard()


def _name(staged: Staged) -> None:
    path = staged.path
    try:
        if staged.descriptor is not None:
            try:
                _link(staged.descriptor, path)  # a new file appears complete, with no other name
                return
            except FileExistsError:
                staged.temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
                _link(staged.descriptor, staged.temporary)
        assert staged.temporary is not None
        # rename() replaces a symlink, never what it points to: nothing is written elsewhere.
        staged.temporary.replace(path)
        staged.temporary = None
    except OSError as exc:
        raise OutputError(
            f"cannot write {path}: {exc.strerror or exc}; remove what is in the way or choose "
            "another folder with -o"
        ) from exc


def _link(descriptor: int, path: Path) -> None:
    # linkat(AT_SYMLINK_FOLLOW) of /proc/self/fd/N names an O_TMPFILE file. A src_dir_fd makes
    # os.link call linkat; without one it calls link(), which links the /proc symlink itself
    # and fails with EXDEV.
    folder = os.open(_PROC_FD, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(str(descriptor), path, src_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def _sync_folder(folder: Path) -> None:
    # The new names survive a power cut only once the folder itself is on disk.
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def write_files(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files together: all complete, or (on any failure) none of them new."""
    staged: list[Staged] = []
    try:
        for path, data in files:
            staged.append(stage(path, data))
    except BaseException:
        for done in staged:
            done.discard()
        raise
    commit(staged)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the complete new one,
    never a part; on any failure no temporary file is left behind."""
    write_files([(path, data)])


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def output_stem(source: str | Path | None, default: str) -> str:
    """A safe file-name stem from a record's name: its stem, with anything that is not a
    letter, digit, ``.``, ``_`` or ``-`` replaced, never empty, never hidden."""
    if source is None or str(source) == "-":
        return default
    stem = unicodedata.normalize("NFC", Path(str(source)).stem)
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._")
    return stem[:100] or default
