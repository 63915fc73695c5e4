"""An output folder's documents and its ``manifest.json``, changed together: after a crash at
any moment, the next memo-gen run in the folder finds either the old files or the new ones,
with a manifest that matches them.

A change (:func:`commit`) happens under the folder's lock (:func:`locked`), with Ctrl-C,
SIGTERM and SIGHUP held back, in three steps:

1. **Stage.** Every new file, the new manifest among them, is written under a hidden
   staging name ``.memo-gen-stage.<change>.<name>``, and so is the journal, which lists each
   staging name and the name it takes; then all of them are flushed to disk (together: the
   disk writes them side by side), and the folder too. A crash here leaves staging files and
   nothing else: the folder is as it was.
2. **Decide.** The journal is renamed to ``.memo-gen-journal.json``, once every file it
   lists and itself are on disk. That rename is the moment the change happens: a crash
   before it undoes the change, a crash after it completes it.
3. **Apply.** Each staging file is renamed to its name, replacing the old file atomically;
   the folder is flushed and the journal removed.

:func:`recover` completes a change whose journal is in place (renaming the staging files
still there) and removes every other staging file. Every run calls it under the lock before
it reads or changes the folder (``build``, ``docx``, ``pdf`` and ``verify``), and step 3 is
that same function. A full disk can fail only steps 1 and 2, which are then undone; the
renames of step 3 need no space. Targets that a rename could not replace (a folder of the
same name) are refused before step 2.

The lock is advisory: it keeps memo-gen runs apart, not other programs.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import stat
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from memo_gen.errors import InputError, OutputError
from memo_gen.official.manifest import (
    MANIFEST_NAME,
    ManifestEntry,
    manifest_bytes,
    previous_manifest,
    read_bounded,
    unsafe_name,
)
from memo_gen.output import signals_held, sync_folder

STAGE_PREFIX = ".memo-gen-stage."
JOURNAL_NAME = ".memo-gen-journal.json"
LOCK_NAME = ".manifest.lock"
"""The hidden file locked instead of the folder where a folder cannot be locked."""
_JOURNAL_VERSION = 1
_OLD_TEMPORARY = re.compile(
    r"\.(?:.+\.(?:pdf|docx)|manifest\.json)\.(?:[a-z0-9_]{8}|[0-9a-f]{12})\.part"
)
"""The hidden temporary files of memo-gen 0.1 and earlier, which a SIGKILL could leave."""


def commit(
    folder: Path,
    files: Sequence[tuple[str, bytes]],
    entries: Sequence[ManifestEntry],
    on_broken: Callable[[InputError], None] | None = None,
) -> Path:
    """Write ``files`` (plain names in ``folder``, and their bytes) and merge ``entries``
    into the folder's manifest, all as one change; returns the manifest's path.

    A manifest that is not readable is given to ``on_broken`` and replaced; one that must
    not be replaced is an :class:`OutputError` (see
    :func:`~memo_gen.official.manifest.previous_manifest`), and so is any failure to write,
    after which the folder is as it was.
    """
    with signals_held(), locked(folder):
        recover(folder)
        manifest = manifest_bytes(entries, previous_manifest(folder), on_broken=on_broken)
        change = secrets.token_hex(6)
        contents = [*files, (MANIFEST_NAME, manifest)]
        renames = [(f"{STAGE_PREFIX}{change}.{name}", name) for name, _ in contents]
        journal = f"{STAGE_PREFIX}{change}.journal"
        staged = [journal]
        try:
            _refuse_unreplaceable(folder, [name for name, _ in contents])
            staging = [(name, data) for (name, _), (_, data) in zip(renames, contents, strict=True)]
            staging.append((journal, _journal_bytes(renames)))
            _write_all(folder, staging, staged)
            sync_folder(folder)
            (folder / journal).replace(folder / JOURNAL_NAME)  # the change happens here
        except BaseException as exc:
            for name in staged:
                with contextlib.suppress(OSError):
                    (folder / name).unlink()
            if isinstance(exc, OSError):
                raise OutputError(
                    f"cannot write to {folder}: {exc.strerror or exc}; nothing was changed "
                    "(free some space, fix the folder's permissions or choose another with -o)"
                ) from exc
            raise
        sync_folder(folder)
        try:
            recover(folder)
        except OutputError as exc:
            raise OutputError(
                f"{exc.message}; the next memo-gen run in {folder} completes the change"
            ) from exc
    return folder / MANIFEST_NAME


def _write_all(folder: Path, files: Sequence[tuple[str, bytes]], staged: list[str]) -> None:
    """Create each of ``files`` in ``folder`` (names that must not exist), then flush them all
    to disk, side by side (each flush in a thread of its own: the file system can write them
    in one go rather than one after the other); every name is added to ``staged`` before its
    file is created. :class:`OSError` as raised, once every file is closed."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptors: list[int] = []
    failures: list[BaseException] = []

    def flush(descriptor: int) -> None:
        try:
            os.fsync(descriptor)
        except BaseException as exc:
            failures.append(exc)

    try:
        for name, data in files:
            staged.append(name)
            # Mode 0o666 less the umask, as for any new file (mkstemp would give 0o600).
            descriptors.append(os.open(folder / name, flags, 0o666))
            view = memoryview(data)
            while view:
                view = view[os.write(descriptors[-1], view) :]
        threads = [threading.Thread(target=flush, args=(d,)) for d in descriptors[1:]]
        for thread in threads:
            thread.start()
        flush(descriptors[0])  # here meanwhile
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


def refuse_unwritable(folder: Path) -> None:
    """An :class:`OutputError` now, before anything is rendered, when ``folder`` cannot be
    created or written to (it is created only when the first files are written)."""
    probe = folder
    while not probe.exists() and not probe.is_symlink() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        reason = "is not a folder" if probe == folder else f"is inside {probe}, not a folder"
        raise OutputError(f"cannot write to {folder}: it {reason}; choose another folder with -o")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write to {folder}: permission denied; choose another folder with -o or "
            "fix its permissions"
        )


def recover(folder: Path) -> bool:
    """Complete the change whose journal is in ``folder`` and remove every other staging
    file; the caller holds the folder's lock. Returns whether a change was completed."""
    journal = folder / JOURNAL_NAME
    try:
        data: bytes | None = read_bounded(journal, follow=False)
    except FileNotFoundError:
        data = None
    except OSError as exc:
        raise _cannot_finish(folder, exc) from exc
    try:
        if data is not None:
            for staging, name in _parse_journal(data, journal):
                with contextlib.suppress(FileNotFoundError):  # renamed before the crash
                    (folder / staging).replace(folder / name)
            sync_folder(folder)
            journal.unlink()
        leftovers = [child.name for child in folder.iterdir() if _leftover(child.name)]
        for name in leftovers:
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
        if data is not None or leftovers:
            sync_folder(folder)
    except OSError as exc:
        raise _cannot_finish(folder, exc) from exc
    return data is not None


def recover_folder(folder: Path) -> None:
    """:func:`recover` under the lock, where ``folder`` exists and anything is left to do
    (so that a folder that needs nothing is not written to, nor locked)."""
    try:
        names = [child.name for child in folder.iterdir()]
    except OSError:
        return  # no folder (yet): nothing to recover; its reader says what is wrong
    if any(name == JOURNAL_NAME or _leftover(name) for name in names):
        with signals_held(), locked(folder):
            recover(folder)


@contextlib.contextmanager
def settled(folder: Path) -> Iterator[None]:
    """``folder`` with any change an interrupted run began finished, and changed by no other
    memo-gen run while inside (for reading it whole, as ``verify`` does). A folder that
    does not exist is left to the reader to report."""
    if not folder.is_dir():
        yield
        return
    with locked(folder, create=False):
        recover(folder)  # idempotent: an interruption here leaves it for the next run
        yield


def _leftover(name: str) -> bool:
    """Whether ``name`` is a staging file (of a change not decided, once the journal's
    renames are done)."""
    return name.startswith(STAGE_PREFIX) or _OLD_TEMPORARY.fullmatch(name) is not None


def _cannot_finish(folder: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"cannot finish the change an interrupted memo-gen run began in {folder}: "
        f"{exc.strerror or exc}; run memo-gen again where it may write to that folder"
    )


def _refuse_unreplaceable(folder: Path, names: Sequence[str]) -> None:
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISDIR((folder / name).lstat().st_mode):
                raise OutputError(
                    f"cannot write {folder / name}: a folder is in the way; remove it or "
                    "choose another folder with -o"
                )


def _journal_bytes(renames: Sequence[tuple[str, str]]) -> bytes:
    document = {"journal": _JOURNAL_VERSION, "renames": [list(pair) for pair in renames]}
    return (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")


def _parse_journal(data: bytes, where: Path) -> list[tuple[str, str]]:
    """The renames a journal lists; :class:`OutputError` for anything memo-gen did not write
    (a rename that leaves the folder, or one of a file that is not a staging file)."""
    try:
        document = json.loads(data.decode("utf-8"))
        if document["journal"] != _JOURNAL_VERSION:
            raise ValueError(f"journal version {document['journal']!r}")
        renames = [(str(staging), str(name)) for staging, name in document["renames"]]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise OutputError(
            f"{where}: not a journal memo-gen wrote ({exc}); remove it and render again"
        ) from exc
    for staging, name in renames:
        if not staging.startswith(STAGE_PREFIX) or unsafe_name(staging):
            raise OutputError(f"{where}: {staging!r} is not a staging file; remove it")
        if name != MANIFEST_NAME and unsafe_name(name):
            raise OutputError(f"{where}: {name!r} is not a file in the folder; remove it")
    return renames


@contextlib.contextmanager
def locked(folder: Path, *, create: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (created first, unless ``create`` is false).

    POSIX: ``flock`` on the folder itself, which leaves nothing in it (Linux, macOS and the
    BSDs lock a folder opened read-only); where that is refused (NFS emulates ``flock`` with
    byte-range locks, which want a file open for writing) the hidden file
    :data:`LOCK_NAME` in the folder is locked instead, and left there (removing it would
    race with a run about to lock it; ``verify`` ignores it). Windows: ``msvcrt.locking`` on
    :data:`LOCK_NAME`. The lock is released when the descriptor is closed, also when the
    process dies.
    """
    if create:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _cannot_lock(folder, exc) from exc
    if sys.platform == "win32":
        with _windows_lock(folder / LOCK_NAME):
            yield
        return
    import fcntl

    descriptor = -1
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    except OSError:
        if descriptor >= 0:
            os.close(descriptor)
        try:
            descriptor = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise _cannot_lock(folder, exc) from exc
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError as exc:
            os.close(descriptor)
            raise _cannot_lock(folder, exc) from exc
    try:
        yield
    finally:
        os.close(descriptor)  # releases the lock


if sys.platform == "win32":

    @contextlib.contextmanager
    def _windows_lock(path: Path) -> Iterator[None]:
        import msvcrt

        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_BINARY, 0o666)
        except OSError as exc:
            raise _cannot_lock(path.parent, exc) from exc
        try:
            while True:
                try:
                    # Locks the first byte; LK_LOCK itself retries for about 10 seconds.
                    msvcrt.locking(descriptor, msvcrt.LK_LOCK, 1)
                    break
                except OSError as exc:
                    if exc.errno != errno.EDEADLOCK:  # not "still locked": give up
                        raise _cannot_lock(path.parent, exc) from exc
            try:
                yield
            finally:
                os.lseek(descriptor, 0, os.SEEK_SET)
                msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(descriptor)


def _cannot_lock(folder: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"cannot write to {folder}: {exc.strerror or exc}; choose another folder with -o "
        "or fix its permissions"
    )
