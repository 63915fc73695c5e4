"""A cache of compiled templates on disk, so that a new process does not compile them again.

Compiling the memorandum's and the fact sheet's templates takes Jinja longer than rendering
them (about 50 ms of a cold ``memo-gen build``). Jinja can keep each template's compiled
code in a file; this is that cache, with memo-gen's rules:

* it lives in ``$MEMO_GEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/memo-gen``, else
  ``~/.cache/memo-gen``, in a folder only its user may enter; ``MEMO_GEN_CACHE_DIR=`` (empty)
  turns it off;
* an entry is used only for the same template source (Jinja checks a checksum), the same
  Jinja, memo-gen and Python versions, and the same environment settings, filters and tests;
* it never fails a run: a folder that cannot be made, read or written means no cache.

The cache changes how fast the documents are made, never what they contain. It is Jinja's
``FileSystemBytecodeCache`` with these rules added (see :class:`TemplateCache`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from memo_gen import __version__

ENV_VAR = "MEMO_GEN_CACHE_DIR"


def cache_dir() -> Path | None:
    """The folder of the cache, or ``None`` when it is turned off."""
    configured = os.environ.get(ENV_VAR)
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base else Path.home() / ".cache"
    return root / "memo-gen"


def _fingerprint(environment: jinja2.Environment) -> str:
    """What besides the source decides the compiled code of a template."""
    env = environment
    settings = (
        type(env).__module__,
        type(env).__qualname__,
        getattr(env, "code_version", None),  # memo-gen's own filters put into the code
        jinja2.__version__,
        __version__,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        bool(env.autoescape),
        env.finalize is not None,
        env.optimized,
        env.is_async,
        sorted(env.extensions),
        sorted(env.filters),
        sorted(env.tests),
    )
    return hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:16]


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's ``FileSystemBytecodeCache`` in one folder, with what it does not do itself.

    It writes an entry to a temporary file and renames it into place, so that concurrent
    builds never read a half-written entry, and it reads entries in Jinja's own format. What
    this class adds, each a guarantee Jinja's class does not give:

    * the key: Jinja's is the template's name and file only (``get_cache_key``), so an entry
      compiled by another environment, Jinja or memo-gen would be loaded; here the key also
      holds :func:`_fingerprint` (same key, same file names as before);
    * the folder: Jinja's class expects it to exist and checks nothing about a folder it is
      given; here it is made (mode 0700) and used only when it is this user's alone, since
      the compiled code in it is run;
    * never failing: Jinja's class raises when the folder is missing or cannot be written
      (``NamedTemporaryFile``), and when an entry is damaged after its magic header
      (``pickle.load``: ``UnpicklingError``, ``EOFError``); here each means no cache.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), "%s.jinja")
        self.folder = folder
        self._usable: bool | None = None

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        key = self.get_cache_key(f"{_fingerprint(environment)}|{name}", filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        if not self._ready(create=False):
            return
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not self._ready(create=True):
            return
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)

    def _ready(self, create: bool) -> bool:
        """Whether the folder exists (made if ``create``) and is this user's alone."""
        if self._usable is not None:
            return self._usable
        try:
            if create:
                self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = self.folder.lstat()
        except OSError:
            return False  # not there yet (or cannot be made): try again next time
        self._usable = stat.S_ISDIR(info.st_mode) and _private(info)
        return self._usable


def _private(info: os.stat_result) -> bool:
    """Owned by this user and closed to others: compiled code is only loaded from there."""
    if not hasattr(os, "getuid"):
        return True  # Windows: the folder is in the user's own profile
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


_CACHES: dict[Path, TemplateCache] = {}


def template_cache() -> TemplateCache | None:
    """The process's cache of compiled templates, or ``None`` when it is turned off."""
    folder = cache_dir()
    if folder is None:
        return None
    if folder not in _CACHES:
        _CACHES[folder] = TemplateCache(folder)
    return _CACHES[folder]
