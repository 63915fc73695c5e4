"""Read a record file (YAML or JSON, or ``-`` for standard input) into a :class:`VisitRecord`."""

from __future__ import annotations

import hashlib
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from memo_gen.errors import InputError, MemoGenError
from memo_gen.official.manifest import open_regular
from memo_gen.record.limits import DEFAULT_LIMITS, Limits
from memo_gen.resources import sample_record_path

if TYPE_CHECKING:
    from memo_gen.record.model import VisitRecord
    from memo_gen.record.readers import Lines
    from memo_gen.record.translations import Fallback, TextLanguage

DEFAULT_MAX_INPUT_BYTES = 10 * 1024 * 1024
SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
STDIN = "-"


def display_name(source: str | Path) -> str:
    """How messages name a source."""
    return "<stdin>" if str(source) == STDIN else str(source)


def read_bytes(
    source: str | Path, *, max_bytes: int = DEFAULT_MAX_INPUT_BYTES, stdin: BinaryIO | None = None
) -> bytes:
    """The raw bytes of a file, or of standard input for ``-``, refusing more than
    ``max_bytes``. Only a regular file is read (a link to one is followed): a named pipe
    would wait for a writer for ever, a device such as /dev/zero never end."""
    try:
        if str(source) == STDIN:
            data = (stdin or sys.stdin.buffer).read(max_bytes + 1)
        else:
            with open_regular(Path(source), follow=True) as handle:
                data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise InputError(
            "no such file; check the name, or start a record with `memo-gen new PATH`"
        ) from exc
    except OSError as exc:
        kind = _not_a_file(source)
        if kind is not None:
            raise InputError(kind) from exc
        raise InputError(
            f"cannot be read: {exc.strerror or exc}; check the file's permissions"
        ) from exc
    if len(data) > max_bytes:
        raise InputError(
            f"larger than {max_bytes:,} bytes; if it is really a record, raise the limit "
            "with --max-input-size"
        )
    return data


def _not_a_file(source: str | Path) -> str | None:
    """Why ``source`` is refused when it is not a regular file, else ``None``."""
    try:
        mode = Path(source).stat().st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a record file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a record file; to read a pipe, give - (standard input)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a record file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a record file"
    return None


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is allowed); other encodings are refused with advice."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("the file is UTF-16 text; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line} cannot be decoded; "
            "save the file as UTF-8"
        ) from exc


def format_of(source: str | Path, text: str) -> str:
    """``yaml`` or ``json``, by the file's suffix; standard input is JSON when it starts like
    JSON."""
    if str(source) == STDIN:
        return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    suffix = Path(source).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError("unknown record format; name the file .yaml, .yml or .json")
    return SUFFIXES[suffix]


def parse_record(text: str, fmt: str, limits: Limits = DEFAULT_LIMITS) -> VisitRecord:
    """A validated record from YAML or JSON text, in the record's own language."""
    from memo_gen.record.validate import validate_record

    data, lines = parse_data(text, fmt, limits)
    return validate_record(data, lines, limits)


def parse_data(text: str, fmt: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Any, Lines]:
    """The data of YAML or JSON text, and the line of each of its values."""
    # Imported here: pydantic and the model take about 0.2 s to load, which `memo-gen
    # --help` and `--version` (they import this module's constants) do not need.
    from memo_gen.record.readers import read_json, read_yaml

    # No mapping of a record holds more keys than a list may hold entries (the glossary at
    # most that): one that does is refused while it is read, not key by key.
    data, lines = (read_json if fmt == "json" else read_yaml)(text, limits.max_items)
    if data is None:
        raise InputError("the file holds no data (only comments?); start from `memo-gen new PATH`")
    return data, lines


@dataclass(frozen=True)
class LoadedRecord:
    """A validated record and where it came from."""

    record: VisitRecord
    name: str
    """The file's name without its folder (``-`` for standard input)."""
    sha256: str
    """SHA-256 of the bytes the record was read from, in hex."""
    fallback: Fallback | None = None
    """The texts the fallback language gave, when it gave any (``--fallback``)."""


@dataclass(frozen=True)
class RecordFile:
    """A record file read and parsed, to be validated in each language it is written in."""

    data: Any
    lines: Lines
    name: str
    """The file's name without its folder (``-`` for standard input)."""
    shown: str
    """How messages name the file."""
    sha256: str
    limits: Limits = DEFAULT_LIMITS

    @property
    def language(self) -> str:
        """The language the record's ``document.language`` names (English when none)."""
        from memo_gen.record.validate import record_language

        return record_language(self.data)

    def validated(self, language: TextLanguage | None = None) -> LoadedRecord:
        """The record with its texts in ``language`` (default: :attr:`language`)."""
        from memo_gen.record.validate import validate_in

        try:
            record, fallback = validate_in(self.data, self.lines, self.limits, language)
        except MemoGenError as exc:
            raise exc.about(self.shown) from exc
        return LoadedRecord(record, self.name, self.sha256, fallback)


def read_record(
    source: str | Path | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    stdin: BinaryIO | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> RecordFile:
    """Read and parse a record; ``None`` means the embedded sample record. ``limits``
    bounds its lists and texts (:mod:`memo_gen.record.limits`).

    Every error is a :class:`MemoGenError` whose message begins with the source's name.
    """
    source = sample_record_path() if source is None else source
    try:
        data = read_bytes(source, max_bytes=max_bytes, stdin=stdin)
        text = decode(data)
        if not text.strip():
            raise InputError("the file is empty; start from `memo-gen new PATH`")
        parsed, lines = parse_data(text, format_of(source, text), limits)
    except MemoGenError as exc:
        raise exc.about(display_name(source)) from exc
    name = STDIN if str(source) == STDIN else Path(source).name
    # A file name that is not UTF-8 holds surrogates, which UTF-8 text cannot.
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    sha256 = hashlib.sha256(data).hexdigest()
    return RecordFile(parsed, lines, name, display_name(source), sha256, limits)


def load(
    source: str | Path | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    stdin: BinaryIO | None = None,
    limits: Limits = DEFAULT_LIMITS,
    language: TextLanguage | None = None,
) -> LoadedRecord:
    """Load and validate a record (:func:`read_record`), its texts in ``language``
    (default: the record's own)."""
    read = read_record(source, max_bytes=max_bytes, stdin=stdin, limits=limits)
    return read.validated(language)


def load_record(
    source: str | Path | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
    stdin: BinaryIO | None = None,
    limits: Limits = DEFAULT_LIMITS,
    language: TextLanguage | None = None,
) -> VisitRecord:
    """The record alone of :func:`load`."""
    return load(source, max_bytes=max_bytes, stdin=stdin, limits=limits, language=language).record
