"""The integrity manifest ``manifest.json`` written beside a run's files: what it holds, how
it is read, merged and written.

The manifest is JSON in UTF-8, keys sorted, indented by 2, ending in a newline; the same
entries always give the same bytes (no dates, no host names)::

    {
      "files": [
        {
          "draft": false,
          "format": "pdf",
          "kind": "memo",
          "name": "astana-2025-03-13-memo.pdf",
          "pages": 5,
          "pdfa": false,
          "record": {"name": "astana-2025-03-13.yaml", "sha256": "…"},
          "sha256": "…",
          "signed": false,
          "size": 12345
        }
      ],
      "generator": "memo-gen 0.1.0",
      "manifest": 1
    }

``manifest``
    The version of this schema, the integer 1. Another version is refused, as is any key
    not listed here (a later memo-gen that adds one writes version 2).
``generator``
    ``memo-gen`` and the version that last wrote the manifest; not checked.
``files``
    One entry per file, sorted by ``name`` (by code point), names unique:

    ``name``
        The file's name in the manifest's folder: no folder, no ``/``, ``\\`` or ``:``,
        not ``.`` or ``..``, not ``manifest.json``, ending in ``.<format>``.
    ``format``
        ``"pdf"`` or ``"docx"``.
    ``kind``
        The document: ``"memo"`` or ``"factsheet"`` (not checked against a list).
    ``sha256``, ``size``
        The SHA-256 of the file's bytes (64 lowercase hex digits) and its size in bytes.
    ``pages``
        The number of pages, or ``null``. For a PDF, the count of the file itself. A DOCX
        has no pages of its own (the word processor that opens it lays it out), so its
        ``pages`` is that of memo-gen's own layout of the same document (its PDF) when the
        run made one, else ``null``; ``verify`` checks it only for PDFs.
    ``record``
        The record the file was rendered from: its file name (no folder; ``-`` for
        standard input) and the SHA-256 of its bytes. Not checked: the record need not be
        in the folder.
    ``signed``, ``pdfa``, ``draft``
        Whether the file was signed (``--sign``), made PDF/A (``--pdfa``), marked draft.

Several runs into one folder keep one manifest: :func:`manifest_bytes` merges new entries
into the previous manifest, replacing entries of the same name. The read, the merge and the
write happen under an exclusive lock on the folder, in one change with the files the entries
list (:func:`memo_gen.folder.commit`), so that runs into one folder at the same time each add
their entries and none is lost, and a crash never leaves files the manifest does not match.

``memo-gen verify`` checks a folder against its manifest (:mod:`memo_gen.official.verify`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from memo_gen import __version__
from memo_gen.errors import InputError, OutputError

if TYPE_CHECKING:
    from memo_gen.document import Format

MANIFEST_NAME = "manifest.json"
VERSION = 1
GENERATOR = f"memo-gen {__version__}"
FORMATS: tuple[Format, ...] = ("docx", "pdf")
OUTPUT_SUFFIXES = frozenset(f".{fmt}" for fmt in FORMATS)
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
"""A manifest of 10,000 records' four files is about 20 MB; anything far larger is not one."""

_ENTRY_KEYS = frozenset(
    {"name", "format", "kind", "sha256", "size", "pages", "record", "signed", "pdfa", "draft"}
)
_RECORD_KEYS = frozenset({"name", "sha256"})
_TOP_KEYS = frozenset({"manifest", "generator", "files"})
_SHA256 = re.compile(r"[0-9a-f]{64}")
REWRITE = "render the files again to write a new manifest"
"""What to do about a manifest that cannot be read."""


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data``, as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def unsafe_name(name: str) -> str | None:
    """Why ``name`` is not a plain file name in the manifest's folder, or ``None``."""
    if not name:
        return "is empty"
    if any(char in name for char in "/\\:\0"):
        # ``\\`` and ``:`` too: on Windows they make a path (``a\\b``, ``C:x``).
        return "is a path, not a file name (it holds '/', '\\', ':' or NUL)"
    if name in (".", ".."):
        return "names a folder, not a file"
    if name == MANIFEST_NAME:
        return "is the manifest itself"
    return None


@dataclass(frozen=True)
class ManifestEntry:
    """One file of the manifest; every field is checked on creation (:class:`ValueError`)."""

    name: str
    format: Format
    kind: str
    sha256: str
    size: int
    pages: int | None
    record_name: str
    record_sha256: str
    signed: bool = False
    pdfa: bool = False
    draft: bool = False

    def __post_init__(self) -> None:
        fault = self._fault()
        if fault:
            raise ValueError(f"{self.name!r}: {fault}")

    def _fault(self) -> str | None:
        if not isinstance(self.name, str):
            return "name: not a string"
        unsafe = unsafe_name(self.name)
        if unsafe:
            return f"name {unsafe}"
        if self.format not in FORMATS:
            return f"format: {self.format!r} is not one of {', '.join(FORMATS)}"
        if not self.name.endswith(f".{self.format}"):
            return f"name: does not end in .{self.format}, its format"
        if not isinstance(self.kind, str) or not self.kind:
            return "kind: not a non-empty string"
        for label, digest in (("sha256", self.sha256), ("record sha256", self.record_sha256)):
            if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
                return f"{label}: not 64 lowercase hex digits"
        if not _count(self.size):
            return "size: not a whole number of bytes"
        if self.pages is not None and not _count(self.pages):
            return "pages: not a whole number of pages or null"
        if not isinstance(self.record_name, str) or not self.record_name:
            return "record name: not a non-empty string"
        if "/" in self.record_name or "\0" in self.record_name:
            return "record name: a path, not a file name"
        for label, flag in (("signed", self.signed), ("pdfa", self.pdfa), ("draft", self.draft)):
            if not isinstance(flag, bool):
                return f"{label}: not true or false"
        return None

    def as_json(self) -> dict[str, Any]:
        """The entry as the manifest holds it."""
        return {
            "name": self.name,
            "format": self.format,
            "kind": self.kind,
            "sha256": self.sha256,
            "size": self.size,
            "pages": self.pages,
            "record": {"name": self.record_name, "sha256": self.record_sha256},
            "signed": self.signed,
            "pdfa": self.pdfa,
            "draft": self.draft,
        }


def _count(value: object) -> bool:
    # bool is an int in Python; true is not a size.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def entry_for(
    name: str,
    data: bytes,
    fmt: str,
    kind: str,
    pages: int | None,
    record_name: str,
    record_sha256: str,
    *,
    signed: bool = False,
    pdfa: bool = False,
    draft: bool = False,
) -> ManifestEntry:
    """The entry of a file about to be written as ``name`` with the bytes ``data``.

    ``pages``: for a PDF, :func:`pdf_page_count` of ``data``; for a DOCX, the page count of
    the same document's PDF when the run rendered one, else ``None``. ``record_name`` is
    the record's file name without its folder (``-`` for standard input). A name that is
    not a plain file name, or any other bad field, is a :class:`ValueError` (a bug of the
    caller: memo-gen's own names are always plain).
    """
    return ManifestEntry(
        name=name,
        format=cast("Format", fmt),
        kind=kind,
        sha256=sha256_hex(data),
        size=len(data),
        pages=pages,
        record_name=record_name,
        record_sha256=record_sha256,
        signed=signed,
        pdfa=pdfa,
        draft=draft,
    )


# --- reading and writing the manifest -------------------------------------------------------


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_manifest(data: bytes, where: str = MANIFEST_NAME) -> tuple[ManifestEntry, ...]:
    """The entries of a manifest's bytes; :class:`InputError` (its message starting with
    ``where``) if they are not a manifest this memo-gen can read."""

    def refuse(what: str, advice: str = REWRITE) -> InputError:
        return InputError(f"{where}: {what}; {advice}")

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(f"not UTF-8 text (byte {exc.start})") from exc
    try:
        document = json.loads(
            text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as exc:
        raise refuse(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    except (ValueError, RecursionError) as exc:
        raise refuse(f"not valid JSON: {exc}") from exc
    if not isinstance(document, dict) or "manifest" not in document:
        raise refuse('not a memo-gen manifest (no "manifest" version)')
    version = document["manifest"]
    if type(version) is not int or version != VERSION:  # not true, not 1.0
        raise refuse(
            f"manifest version {json.dumps(version)} is unknown to {GENERATOR} (it reads "
            f"version {VERSION})",
            "verify it with the memo-gen that wrote it, or render the files again",
        )
    unknown = sorted(set(document) - _TOP_KEYS)
    if unknown or not isinstance(document.get("generator"), str):
        raise refuse(f"unknown keys {unknown}" if unknown else '"generator" is not a string')
    files = document.get("files")
    if not isinstance(files, list):
        raise refuse('"files" is not a list')
    entries: list[ManifestEntry] = []
    seen: set[str] = set()
    for number, item in enumerate(files):
        try:
            entry = _entry_from_json(item)
        except ValueError as exc:
            raise refuse(f"files[{number}]: {exc}") from exc
        if entry.name in seen:
            raise refuse(f"files[{number}]: {entry.name!r} is listed twice")
        seen.add(entry.name)
        entries.append(entry)
    return tuple(entries)


def _entry_from_json(item: object) -> ManifestEntry:
    if not isinstance(item, dict):
        raise ValueError("not an object")
    keys = set(item)
    if keys != _ENTRY_KEYS:
        missing, extra = sorted(_ENTRY_KEYS - keys), sorted(keys - _ENTRY_KEYS)
        raise ValueError(f"missing keys {missing}" if missing else f"unknown keys {extra}")
    record = item["record"]
    if not isinstance(record, dict) or set(record) != _RECORD_KEYS:
        raise ValueError('"record" is not an object of "name" and "sha256"')
    return ManifestEntry(
        name=item["name"],
        format=item["format"],
        kind=item["kind"],
        sha256=item["sha256"],
        size=item["size"],
        pages=item["pages"],
        record_name=record["name"],
        record_sha256=record["sha256"],
        signed=item["signed"],
        pdfa=item["pdfa"],
        draft=item["draft"],
    )


def manifest_bytes(
    entries: Iterable[ManifestEntry],
    previous: bytes | None = None,
    *,
    on_broken: Callable[[InputError], None] | None = None,
) -> bytes:
    """The manifest of ``entries`` merged into ``previous`` (the folder's manifest so far, or
    ``None``): an entry replaces the previous one of its name, the others are kept; of two
    entries of one name in ``entries``, the last wins.

    A ``previous`` that is not a readable manifest is left out (the new manifest lists only
    ``entries``) and given to ``on_broken``, for the caller to warn.
    """
    merged: dict[str, ManifestEntry] = {}
    if previous is not None:
        try:
            merged = {entry.name: entry for entry in parse_manifest(previous)}
        except InputError as exc:
            if on_broken is not None:
                on_broken(exc)
    for entry in entries:
        merged[entry.name] = entry
    document: Mapping[str, Any] = {
        "manifest": VERSION,
        "generator": GENERATOR,
        "files": [merged[name].as_json() for name in sorted(merged)],
    }
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def previous_manifest(folder: Path) -> bytes | None:
    """The bytes of ``folder``'s manifest, or ``None`` if it has none (for
    :func:`manifest_bytes`); :class:`OutputError` if it is there but must not be replaced:
    it cannot be read, is too large to be read whole, or was written by a later memo-gen
    (replacing it would drop entries this memo-gen cannot read)."""
    path = folder / MANIFEST_NAME
    try:
        data = read_bounded(path)
    except (FileNotFoundError, NotADirectoryError):
        return None  # no manifest yet (writing into the folder says what is in the way)
    except OSError as exc:
        raise OutputError(
            f"cannot read {path}: {exc.strerror or exc}; fix its permissions or remove it"
        ) from exc
    keep = "render into another folder with -o, or move it away"
    if len(data) > MAX_MANIFEST_BYTES:
        raise OutputError(f"{path} is larger than {MAX_MANIFEST_BYTES:,} bytes; {keep}")
    version = _version(data)
    if version is not None and version > VERSION:
        raise OutputError(
            f"{path} was written by a later memo-gen (manifest version {version}); {keep}"
        )
    return data


def _version(data: bytes) -> int | None:
    """The version a manifest's bytes claim, if they are JSON with an integer one."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        return None
    version = document.get("manifest") if isinstance(document, dict) else None
    return version if type(version) is int else None


def read_bounded(path: Path, *, follow: bool = True) -> bytes:
    """A regular file's bytes, up to :data:`MAX_MANIFEST_BYTES` (+1, to tell it is larger)."""
    with open_regular(path, follow=follow) as handle:
        return handle.read(MAX_MANIFEST_BYTES + 1)


def open_regular(path: Path, *, follow: bool) -> BinaryIO:
    """``path`` opened for reading; :class:`OSError` unless it is a regular file."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise IsADirectoryError(0, "not a regular file", str(path))
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
