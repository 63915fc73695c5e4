"""``memo-gen verify``: check the files in a folder against its ``manifest.json``.

:func:`verify_folder` re-reads the manifest and checks each listed file: it is there, a
regular file (a link is not followed), of the size and SHA-256 listed, and a PDF opens
(without repairs) with the pages listed; and it names the ``.pdf`` and ``.docx`` files in the
folder that the manifest does not list. pikepdf is imported only to count a PDF's pages.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from memo_gen.errors import InputError, Problem, VerificationError
from memo_gen.official.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    OUTPUT_SUFFIXES,
    REWRITE,
    ManifestEntry,
    open_regular,
    parse_manifest,
    read_bounded,
)

_CHUNK = 1024 * 1024


def pdf_page_count(data: bytes) -> int:
    """The number of pages of a PDF; :class:`ValueError` if it does not open (without
    repairs)."""
    return _page_count(io.BytesIO(data))


def _page_count(stream: BinaryIO) -> int:
    import pikepdf  # here: a run that writes no manifest of a PDF never needs it

    try:
        # No recovery: a PDF that opens only once qpdf rebuilds it is not the file written.
        with pikepdf.open(stream, attempt_recovery=False) as pdf:
            return len(pdf.pages)
    except (pikepdf.PdfError, RuntimeError, OSError) as exc:
        raise ValueError(f"does not open as a PDF: {_reason(exc)}") from exc


def _reason(exc: Exception) -> str:
    """qpdf's message without the stream's name, which names a Python object."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    named = re.fullmatch(r"stream <[^>]*>(?: \(([^)]*)\))?: (.*)", reason)
    if named:
        reason = f"{named[2]} ({named[1]})" if named[1] else named[2]
    return reason[:200]


@dataclass(frozen=True)
class VerifyReport:
    """What :func:`verify_folder` found: the files checked and one problem per file that
    does not match (files not in the manifest among them)."""

    manifest: Path
    checked: tuple[str, ...]
    """The names the manifest lists, in its order."""
    problems: tuple[Problem, ...] = ()
    """One per listed file that does not match, then one per file in :attr:`unlisted`."""
    unlisted: tuple[str, ...] = ()
    """``.pdf`` and ``.docx`` files in the folder that the manifest does not list."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def passed(self) -> tuple[str, ...]:
        """The names checked that match the manifest."""
        failed = {problem.path for problem in self.problems}
        return tuple(name for name in self.checked if name not in failed)

    def error(self) -> VerificationError | None:
        """The problems as one error (exit code 8), or ``None`` when every file matches."""
        if self.ok:
            return None
        count = len({problem.path for problem in self.problems})
        files = "1 file does" if count == 1 else f"{count} files do"
        return VerificationError(f"{files} not match {self.manifest}", self.problems)

    def raise_for_problems(self) -> None:
        """Raise :meth:`error`, if there is one."""
        error = self.error()
        if error is not None:
            raise error


def verify_folder(folder: Path) -> VerifyReport:
    """Check the files in ``folder`` against its ``manifest.json``; :class:`InputError` if
    the manifest is missing, unreadable or not a manifest (an unsafe name included)."""
    where = folder / MANIFEST_NAME
    entries = parse_manifest(_read_manifest(where), str(where))
    problems: list[Problem] = []
    for entry in entries:
        message = _check(folder / entry.name, entry)
        if message:
            problems.append(Problem(entry.name, message))
    unlisted = _unlisted(folder, {entry.name for entry in entries})
    problems += [
        Problem(name, "not in the manifest (a .pdf or .docx file memo-gen did not list)")
        for name in unlisted
    ]
    return VerifyReport(where, tuple(e.name for e in entries), tuple(problems), unlisted)


def _read_manifest(where: Path) -> bytes:
    try:
        # As for the files it lists: the manifest memo-gen wrote, not a link to another.
        data = read_bounded(where, follow=False)
    except FileNotFoundError as exc:
        raise InputError(
            f"{where}: no such file; give the folder memo-gen wrote the files to "
            "(memo-gen verify DIR), or render them again to write one"
        ) from exc
    except OSError as exc:
        if where.is_symlink():
            raise InputError(
                f"{where}: a symbolic link, not the manifest memo-gen wrote; verify the folder "
                "the files were written to"
            ) from exc
        raise InputError(
            f"{where}: cannot be read: {exc.strerror or exc}; check the file's permissions"
        ) from exc
    if len(data) > MAX_MANIFEST_BYTES:
        raise InputError(
            f"{where}: larger than {MAX_MANIFEST_BYTES:,} bytes, too large for a manifest; "
            f"{REWRITE}"
        )
    return data


def _check(path: Path, entry: ManifestEntry) -> str | None:
    """What differs between the file at ``path`` and its entry, or ``None``."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISLNK(mode):
        return "a symbolic link, not the file memo-gen wrote"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    differences: list[str] = []
    try:
        # Without following links: the file checked is the one lstat saw, never elsewhere.
        with open_regular(path, follow=False) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size != entry.size:
                differences.append(f"size {size}, manifest says {entry.size}")
            digest = hashlib.sha256()
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != entry.sha256:
                differences.append(
                    f"sha256 differs: manifest {entry.sha256[:12]}…, "
                    f"file {digest.hexdigest()[:12]}…"
                )
            if entry.format == "pdf":
                handle.seek(0)
                differences += _check_pages(handle, entry.pages)
    except OSError as exc:
        differences.append(f"cannot be read: {exc.strerror or exc}")
    return "; ".join(differences) or None


def _check_pages(handle: BinaryIO, listed: int | None) -> list[str]:
    try:
        pages = _page_count(handle)
    except ValueError as exc:
        return [str(exc)]
    if listed is not None and pages != listed:
        return [f"{pages} pages, manifest says {listed}"]
    return []


def _unlisted(folder: Path, listed: set[str]) -> tuple[str, ...]:
    """The names of ``.pdf`` and ``.docx`` files in ``folder`` not in ``listed``, sorted."""
    # Some file systems (macOS) list names decomposed; memo-gen writes them composed.
    known = {unicodedata.normalize("NFC", name) for name in listed}
    found = []
    try:
        children = list(os.scandir(folder))
    except OSError:
        return ()  # the manifest was read from it: a folder that vanished since is no finding
    for child in children:
        if Path(child.name).suffix.lower() not in OUTPUT_SUFFIXES:
            continue
        if child.is_dir(follow_symlinks=False):
            continue
        if unicodedata.normalize("NFC", child.name) not in known:
            found.append(child.name)
    return tuple(sorted(found))
