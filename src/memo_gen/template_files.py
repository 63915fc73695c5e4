"""A template folder's files, read as untrusted input: only a regular file inside the folder,
never through a symbolic link, never more than :data:`MAX_FILE_BYTES` (for the composer's
templates and words, and the backends' theme alike)."""

from __future__ import annotations

import stat
from pathlib import Path

from memo_gen.errors import TemplateError
from memo_gen.official.manifest import open_regular

MAX_FILE_BYTES = 1024 * 1024
"""Bytes in one file of a template folder (memo-gen's largest template has 7,000)."""


def read_folder_file(path: Path, what: str = "template") -> bytes | None:
    """The bytes of a file in a template folder, or ``None`` when there is none.

    A template folder is untrusted input, so only a regular file inside it is read: a
    symbolic link (which could lead to any file the user can read) and anything that is
    not a regular file (a FIFO would block for ever, a device never end) are refused, and
    so is a file of more than :data:`MAX_FILE_BYTES`. The folders on the way are the
    caller's to check (:class:`~memo_gen.compose.languages.TemplateFolder` and the template
    loader do). ``what`` names the kind of file in the message about its size.
    """
    try:
        # No link followed, a FIFO opened without waiting, and refused unless regular.
        with open_regular(path, follow=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise TemplateError(f"{path}: {_refusal(path, exc)}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise TemplateError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes; is it a {what}?")
    return data


def _refusal(path: Path, exc: OSError) -> str:
    """Why a file of a template folder was not read, for the user."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        mode = 0
    if stat.S_ISLNK(mode):
        return (
            "is a symbolic link; memo-gen reads a template folder's files only from inside "
            "it: put the file itself there"
        )
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if mode and not stat.S_ISREG(mode):
        return "is not a regular file (a named pipe, a device or a socket); put a file there"
    return f"cannot be read: {exc.strerror or exc}"
