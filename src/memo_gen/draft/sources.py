"""A readout file → its lines of text, each with the number a person finds it by.

Plain text and Markdown are numbered by their lines, HTML by the line of the file where a
block of text starts, DOCX by paragraph. Every line is cleaned the same way: NFC, no control
characters, no invisible formatting characters, white space collapsed; the text itself is
kept letter for letter.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from memo_gen.document import CONTROLS
from memo_gen.errors import InputError, MemoGenError
from memo_gen.record.loader import (
    DEFAULT_MAX_INPUT_BYTES,
    STDIN,
    decode,
    display_name,
    read_bytes,
)

LANGUAGES = ("en", "ru")
"""The languages whose readouts the extractors know."""

MAX_DOCX_CONTENT = 64 * 1024 * 1024
"""Bytes a DOCX may unpack to: a small file that unpacks to gigabytes is refused."""

# Invisible characters that carry no letter: zero-width and bidirectional controls, the soft
# hyphen, the byte-order mark. Left in, they would split words a reader sees as one.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")


@dataclass(frozen=True)
class Line:
    """One line (or paragraph) of the source and where it is."""

    number: int
    text: str


@dataclass(frozen=True)
class Source:
    """A readout as lines of text, with what its markup says outright."""

    name: str
    lines: tuple[Line, ...]
    language: str
    """``en`` or ``ru``: the language the extractors read it in."""
    unit: str = "line"
    """What :attr:`Line.number` counts: ``line``, or ``paragraph`` for DOCX."""
    title: Line | None = None
    """The headline, where the markup marks one (an HTML or Markdown heading, a DOCX title)."""
    url: str | None = None
    """The page's own address, where the HTML gives it (canonical link or og:url)."""
    language_given: bool = False
    """Whether the language was given (``--lang``) rather than told from the letters."""

    def line(self, number: int) -> Line | None:
        """The line with this number."""
        for line in self.lines:
            if line.number == number:
                return line
        return None


def clean_line(text: str) -> str:
    """One line as the extractors read it: NFC, control and invisible characters taken out,
    white space collapsed to single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = CONTROLS.sub(" ", text.replace("\t", " "))
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def read_source(
    source: str | Path, *, lang: str | None = None, max_bytes: int = DEFAULT_MAX_INPUT_BYTES
) -> Source:
    """Read a readout file (``-`` for standard input) into lines; :class:`InputError` if it
    cannot be read or holds no text."""
    name = display_name(source)
    try:
        data = read_bytes(source, max_bytes=max_bytes)
        kind = _kind(source, data)
        if kind == "docx":
            numbered, title = _docx_lines(data)
            lines, url, unit = _numbered(numbered), None, "paragraph"
        else:
            text = decode(data)
            if kind == "html":
                parser = _TextParser()
                try:
                    parser.feed(text)
                    parser.close()
                except (AssertionError, ValueError) as exc:  # html.parser's own complaints
                    raise InputError(f"the HTML cannot be read: {exc}") from exc
                lines, title, url, unit = _numbered(parser.blocks), parser.title, parser.url, "line"
            elif kind == "markdown":
                lines, title, url, unit = _markdown_lines(text), None, None, "line"
                title = _markdown_title(text)
            else:
                lines = _numbered(enumerate(text.split("\n"), start=1))
                title, url, unit = _text_title(lines), None, "line"
        if not lines:
            raise InputError("holds no text to draft from")
    except MemoGenError as exc:
        raise exc.about(name) from exc
    language = lang if lang is not None else detect_language(lines)
    return Source(name, lines, language, unit, title, url, language_given=lang is not None)


def detect_language(lines: tuple[Line, ...]) -> str:
    """``ru`` when Cyrillic letters outnumber Latin ones, else ``en``."""
    cyrillic = latin = 0
    for line in lines:
        for char in line.text:
            if "\u0400" <= char <= "\u04ff":
                cyrillic += 1
            elif char.isascii() and char.isalpha():
                latin += 1
    return "ru" if cyrillic > latin else "en"


def _kind(source: str | Path, data: bytes) -> str:
    """``docx``, ``html``, ``markdown`` or ``text``: by the file's suffix, else by its first
    bytes."""
    suffix = "" if str(source) == STDIN else Path(source).suffix.lower()
    if suffix == ".docx":
        return "docx"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in (".txt", ".text"):
        return "text"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return "html"
    return "text"


def _numbered(pairs: object) -> tuple[Line, ...]:
    lines = []
    for number, raw in pairs:  # type: ignore[attr-defined]
        text = clean_line(raw)
        if text:
            lines.append(Line(number, text))
    return tuple(lines)


def _text_title(lines: tuple[Line, ...]) -> Line | None:
    """A plain text's first line, when it reads as a headline: short, not a sentence, and
    followed by more text."""
    if len(lines) < 2:
        return None
    first = lines[0]
    text = first.text
    if len(text) > 160 or text.endswith((".", ":", ";", ",")) or "|" in text:
        return None
    if not text[0].isalpha() or not text[0].isupper():
        return None
    return first


# --- Markdown ---------------------------------------------------------------------------

_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_MD_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,3}[.)]\s+)+")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def _markdown_text(line: str) -> str:
    text = _MD_LINK.sub(r"\1", line)
    text = _MD_PREFIX.sub("", text)
    text = text.rstrip("#").rstrip() if line.lstrip().startswith("#") else text
    return _MD_EMPHASIS.sub("", text)


def _markdown_lines(text: str) -> tuple[Line, ...]:
    raw = text.split("\n")
    pairs = []
    in_front_matter = bool(raw) and raw[0].strip() == "---"
    for number, line in enumerate(raw, start=1):
        if in_front_matter:
            if number > 1 and line.strip() in ("---", "..."):
                in_front_matter = False
            continue
        if re.fullmatch(r"\s*(=+|-{3,}|\*{3,}|_{3,})\s*", line):
            continue  # a setext underline or a rule: no text
        pairs.append((number, _markdown_text(line)))
    return _numbered(pairs)


def _markdown_title(text: str) -> Line | None:
    raw = text.split("\n")
    for number, line in enumerate(raw, start=1):
        if re.match(r"^\s{0,3}#\s+\S", line):
            cleaned = clean_line(_markdown_text(line))
            return Line(number, cleaned) if cleaned else None
        if number < len(raw) and line.strip() and re.fullmatch(r"\s*=+\s*", raw[number]):
            cleaned = clean_line(_markdown_text(line))
            return Line(number, cleaned) if cleaned else None
    return None


# --- HTML -------------------------------------------------------------------------------

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr",
    "ul"
})  # fmt: skip
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe"})


@dataclass
class _Block:
    line: int
    parts: list[str] = field(default_factory=list)


class _TextParser(HTMLParser):
    """HTML → blocks of text with the file line each starts on; the first ``h1`` (or the
    page title) and the canonical address."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self.title: Line | None = None
        self.url: str | None = None
        self._page_title: Line | None = None
        self._current: _Block | None = None
        self._skipping: list[str] = []
        self._in: str | None = None  # "title" or "h1" while inside one
        self._heading: list[str] = []
        self._heading_line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.url = self.url or _web_address(values.get("href", ""))
        if tag == "meta" and values.get("property", "").lower() == "og:url":
            self.url = self.url or _web_address(values.get("content", ""))
        if tag == "title" or (tag == "h1" and self.title is None):
            self._in, self._heading, self._heading_line = tag, [], self.getpos()[0]
        if tag in _SKIPPED and tag != "head":
            self._skipping.append(tag)
        if tag in _BLOCKS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIPPED:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and tag == self._skipping[-1]:
            self._skipping.pop()
        if tag == self._in:
            text = clean_line(" ".join(self._heading))
            if text:
                line = Line(self._heading_line, text)
                if tag == "h1":
                    self.title = line
                else:
                    self._page_title = self._page_title or line
            self._in = None
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._heading.append(data)
        if self._skipping or self._in == "title":
            return
        if self._current is None:
            if not data.strip():
                return
            # The block starts where its first letters are, not at the tag's line.
            offset = len(data) - len(data.lstrip())
            self._current = _Block(self.getpos()[0] + data.count("\n", 0, offset))
        self._current.parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()
        if self.title is None:
            self.title = self._page_title

    def _flush(self) -> None:
        if self._current is not None:
            self.blocks.append((self._current.line, " ".join(self._current.parts)))
            self._current = None


def _web_address(value: str) -> str | None:
    value = value.strip()
    if re.fullmatch(r"https?://[^\s<>\"]{1,1990}", value):
        return value
    return None


# --- DOCX -------------------------------------------------------------------------------


def _docx_lines(data: bytes) -> tuple[list[tuple[int, str]], Line | None]:
    """The paragraphs of a DOCX (tables' cells in order), numbered from 1; its title is the
    first paragraph styled Title or Heading 1."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError("not a DOCX file (it is not a ZIP archive)") from exc
    if unpacked > MAX_DOCX_CONTENT:
        raise InputError(
            f"the DOCX unpacks to {unpacked:,} bytes, over {MAX_DOCX_CONTENT:,}; is it a readout?"
        )
    import docx  # python-docx: imported only for a DOCX source
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs: list[Paragraph] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row.cells:
                        paragraphs.extend(cell.paragraphs)
            else:
                paragraphs.append(block)
        numbered: list[tuple[int, str]] = []
        title: Line | None = None
        for number, paragraph in enumerate(paragraphs, start=1):
            text = paragraph.text
            numbered.append((number, text))
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            if title is None and style in ("Title", "Heading 1") and clean_line(text):
                title = Line(number, clean_line(text))
    except Exception as exc:  # python-docx and lxml raise many kinds for a broken file
        raise InputError(f"the DOCX cannot be read ({type(exc).__name__})") from exc
    return numbered, title
