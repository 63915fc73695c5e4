"""The document model: what a memorandum or a fact sheet says and how it is structured.

One model serves both output formats. It holds text already composed from the record and
the templates; it does no I/O and knows nothing of python-docx or ReportLab. Every class is a
frozen dataclass so a document can be compared, hashed and written as JSON for golden tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

Align = Literal["left", "center", "right"]

ParagraphStyle = Literal[
    "body",  # running text
    "letterhead",  # issuing ministry and department, centred, at the top of page 1
    "title",  # MEMORANDUM OF CONVERSATION, FACT SHEET
    "subtitle",  # the reference number or the visit's date and place under the title
    "quote",  # a direct quotation, indented
    "note",  # small print: source line, notes on the source
    "signature",  # drafted / cleared / approved lines and distribution
]


LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\u2028\u2029]")
"""Line and page breaks as Word, Windows and Unicode write them: each is one ``\n``."""
CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""What no document can hold: control characters but tab and line feed (the breaks above
are taken first), lone surrogates and the noncharacters U+FFFE and U+FFFF."""


def clean(text: str) -> str:
    """Text as every format can hold it: NFC, one ``\n`` for each line break, and none of
    :data:`CONTROLS`. A record's text is refused, never cleaned, when it holds a control
    (:mod:`memo_gen.record.fields`); this keeps a template's literal text safe too."""
    return CONTROLS.sub("", LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", text)))


DocumentKind = Literal["memo", "factsheet"]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = ("memo", "factsheet")
Format = Literal["docx", "pdf"]
"""The file formats memo-gen writes a document in."""


@dataclass(frozen=True)
class Run:
    """A stretch of text with one look; ``\\n`` inside ``text`` is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None
    """Target of a link (http, https or mailto only: :data:`LINK_SCHEMES`)."""


LINK_SCHEMES = ("http://", "https://", "mailto:")
"""The only links a document holds; any other target (``javascript:``, ``file:``) stays
plain text in every format."""


def followable(target: str) -> bool:
    """Whether ``target`` is a link a reader may follow (:data:`LINK_SCHEMES`)."""
    return target.lower().startswith(LINK_SCHEMES)


@dataclass(frozen=True)
class Heading:
    """A section heading; it stays on the page of the block that follows it."""

    runs: tuple[Run, ...]
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of runs in one of the :data:`ParagraphStyle` styles."""

    runs: tuple[Run, ...]
    style: ParagraphStyle = "body"
    number: str | None = None
    """A paragraph number such as ``"3."``, set in a hanging indent."""
    align: Align | None = None
    """Overrides the style's alignment."""
    keep_with_next: bool = False
    """Stays on the page of the block after it (the line that introduces a quotation)."""


@dataclass(frozen=True)
class ListItem:
    """One item of a :class:`List`: one or more paragraphs (the first carries the marker)."""

    blocks: tuple[Paragraph, ...]


@dataclass(frozen=True)
class List:
    """A bulleted or numbered list."""

    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1


@dataclass(frozen=True)
class Table:
    """A table with a header row that repeats on every page the table spans."""

    header: tuple[tuple[Run, ...], ...]
    rows: tuple[tuple[tuple[Run, ...], ...], ...]
    widths: tuple[float, ...]
    """Relative column widths, summing to 1."""
    align: tuple[Align, ...]
    """Alignment of each column."""


@dataclass(frozen=True)
class HeaderField:
    """One line of a memorandum's header block: ``TO: First Deputy Minister``."""

    label: str
    value: tuple[Run, ...]


@dataclass(frozen=True)
class HeaderBlock:
    """The TO / FROM / THROUGH / DATE / SUBJECT / REF block, labels aligned in one column."""

    fields: tuple[HeaderField, ...]
    label_width_mm: float | None = None
    """Width of the label column; ``None``: the theme's."""


@dataclass(frozen=True)
class ChartBar:
    """One bar of a chart."""

    label: str
    value: float
    kind: str = "actual"
    """The figure's kind as the document words it (``target``, ``прогноз``); bars of one
    kind share a shade."""
    text: str = ""
    """The value as the document writes it (``1,000``, ``533,4``); empty: the backend's
    own rendering of ``value``."""


@dataclass(frozen=True)
class Chart:
    """A bar chart of figures that compare; drawn by both backends from the same data.
    Consecutive charts share a row of the page."""

    title: str
    unit: str
    bars: tuple[ChartBar, ...]


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the text block."""


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


Block = Heading | Paragraph | List | Table | HeaderBlock | Chart | Rule | PageBreak


@dataclass(frozen=True)
class Furniture:
    """What appears on every page around the text."""

    classification: str | None = None
    """Banner at the top and bottom of every page, e.g. ``UNCLASSIFIED``."""
    handling: str | None = None
    """Handling caveat printed with the banner."""
    footer: str | None = None
    """Running footer text at the left, e.g. the reference number."""
    page_numbers: bool = True
    """``Page X of Y`` at the right of the footer."""
    page_label: str = "Page {page} of {pages}"
    """Wording of the page number (``{page}`` and ``{pages}`` are filled in)."""
    watermark: str | None = None
    """Text set large and light across every page, behind the text (``DRAFT``); ``None``:
    no watermark."""


@dataclass(frozen=True)
class Metadata:
    """Document properties written into both formats."""

    title: str
    author: str
    subject: str = ""
    keywords: tuple[str, ...] = ()
    language: str = "en"
    created: dt.datetime | None = None


@dataclass(frozen=True)
class Document:
    """A complete document: its blocks, its page furniture and its properties."""

    kind: DocumentKind
    blocks: tuple[Block, ...]
    metadata: Metadata
    furniture: Furniture = field(default_factory=Furniture)

    def to_json(self) -> str:
        """The document as stable, readable JSON (for golden files)."""
        return json.dumps(_plain(self), indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, **items}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def plain_text(runs: tuple[Run, ...]) -> str:
    """The text of some runs, without their looks."""
    return "".join(run.text for run in runs)
