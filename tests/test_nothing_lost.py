"""Nothing lost: a record with arbitrary Unicode in every string either renders, with every
string found in the text of the DOCX and of the PDF, or is refused with a clear message.

Records come from :func:`strategies.visit_records` (valid structure, ids and references), as
JSON, with every text field replaced by hostile text: control characters, line and paragraph
separators, combining marks, zero-width characters, right-to-left letters and controls, emoji
and other astral characters, words of thousands of letters, long paragraphs and, now and then,
any code point at all. The comparison follows the documented text rule
(:mod:`memo_gen.record.fields`): both sides normalised alike (NFD, so NFC forms compare equal),
white space and U+200B ZERO WIDTH SPACE squeezed out (line wrapping must not hide a match, and
a PDF drops either where a line breaks), and soft hyphens U+00AD left out (the PDF leaves them
out). A text split up by a page break inside a table row (page furniture and the rest of the
row come between its parts), or longer than 1,000 characters, is checked by its characters:
every one must be there, at least as often as the record holds it.

300 examples by default; ``MEMO_GEN_HYPOTHESIS_EXAMPLES=5000`` runs more.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import tempfile
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy
from pypdf import PdfReader

from memo_gen.document import Furniture
from memo_gen.errors import InvalidRecordError
from memo_gen.record import glyphs
from memo_gen.record.loader import parse_record
from memo_gen.record.model import VisitRecord
from memo_gen.render import Renderer
from strategies import visit_records

LONG = 1_000
"""Texts longer than this may run over a page break inside a table row."""
EXAMPLES = int(os.environ.get("MEMO_GEN_HYPOTHESIS_EXAMPLES", "300"))
HAVE_PDFTOTEXT = subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0

# Keys whose strings are ids, codes, enumerations, dates, times or links: not free text.
NOT_TEXT = {"$schema", "id", "speaker", "topic", "meeting", "participants", "figures",
            "agreements", "signed_by", "change_of", "agreement", "kind", "status", "role",
            "side", "format", "areas", "language", "country", "code", "scale", "currency",
            "start", "end", "date", "due", "approximately", "time", "url", "qualifier",
            "truncated", "cooperation"}  # fmt: skip
# Keys of texts that may hold paragraphs; every other string is one line.
PARAGRAPHS = {"summary", "background", "points", "text", "what", "description", "notes"}

# --- hostile text -------------------------------------------------------------------------------

DRAWABLE = [
    chr(code)
    for code in range(0x21, 0x30000)
    if glyphs.drawable(chr(code))
    and glyphs.refusal(chr(code)) is None
    and not chr(code).isspace()
    and unicodedata.category(chr(code)) != "Cn"
]
"""Every visible or zero-width character the shipped fonts draw (astral ones included)."""
SPECIAL = ["\u0301", "\u0307", "\u0327", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
           "\u00ad", "😀", "\U00010300", "İ", "ı", "ə", "Ә", "қ", "<", "&", "{{", "{%", "%}",
           "`", "*", "_", "#", "|", "[", "]", "(", ")", ":::", "\\"]  # fmt: skip
SPACES = [" ", "  ", "\t", "\u00a0", "\u2009"]
BREAKS = ["\n", "\n\n", "\r\n", "\r", "\x0b", "\x0c", "\u2028", "\u2029"]
REFUSED = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\u200f", "\u05d0",
           "\u0627", "\u4e00", "\ue000", "\U0001f9ff", "\U000e0041", "\ufffe"]  # fmt: skip


def _word(long: bool) -> SearchStrategy[str]:
    letters = st.sampled_from(DRAWABLE) | st.sampled_from(SPECIAL)
    short = st.lists(letters, min_size=1, max_size=8).map("".join)
    if not long:
        return short
    # A word of thousands of letters: a pattern repeated, so it is cheap to draw.
    pattern = st.lists(letters, min_size=1, max_size=5).map("".join)
    words = st.builds(lambda part, n: (part * n)[:n], pattern, st.integers(3_000, 5_000))
    return st.one_of(short, short, short, words)


@st.composite
def hostile_text(draw: DrawFn, paragraph: bool, wild: bool, long: bool) -> str:
    """Text that the text rule accepts; with ``wild``, now and then text it may refuse: any
    code point at all, or one that is always refused."""
    separators = st.sampled_from(SPACES + (BREAKS if paragraph else []))
    text = draw(_word(long and paragraph))
    for _ in range(draw(st.integers(0, 4))):
        text += draw(separators) + draw(_word(long and paragraph))
    if unicodedata.category(text[0]).startswith("M"):
        text = "a" + text  # a combining mark needs a letter to go on; see the wild cases
    if long and paragraph and draw(st.integers(0, 20)) == 0:
        # A paragraph of some 40,000 characters, every word different.
        text += draw(separators) + " ".join(f"w{i}ə" for i in range(6_000))
    if long and not paragraph and draw(st.integers(0, 200)) == 0:
        text += "x" * 1_000  # a line over the limit
    if wild and draw(st.integers(0, 19)) == 0:
        odd = draw(st.sampled_from(REFUSED) | st.characters() | st.text(min_size=1, max_size=8))
        at = draw(st.integers(0, len(text)))
        text = text[:at] + odd + text[at:]
    edges = st.sampled_from(["", " ", "\t", "\n", "\x0b", "\u2028"] if paragraph else ["", " "])
    return draw(edges) + text + draw(edges)


@st.composite
def hostile_records(draw: DrawFn) -> dict[str, Any]:
    """A valid record's plain data with every text string (glossary keys too) replaced."""
    record = draw(visit_records())
    data = record.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    wild, long = draw(st.integers(0, 3)) == 0, draw(st.integers(0, 7)) == 0

    def replace(value: Any, key: str) -> Any:
        if isinstance(value, str):
            if key in NOT_TEXT:
                return value
            return draw(hostile_text(key in PARAGRAPHS, wild, long))
        if isinstance(value, dict):
            items = list(value.items())
            if key == "glossary":
                return {draw(hostile_text(False, wild, long)): replace(v, "") for _, v in items}
            return {k: replace(v, k) for k, v in items}
        if isinstance(value, list):
            return [replace(item, key) for item in value]
        return value

    return dict(replace(data, ""))


# --- what the documents hold --------------------------------------------------------------------


def record_strings(value: Any, key: str = "", path: str = "") -> Iterator[tuple[str, str]]:
    """Every text string of a (validated) record's dump, with its path."""
    if isinstance(value, str):
        if key not in NOT_TEXT:
            yield path, value
    elif isinstance(value, dict):
        for child_key, child in value.items():
            if key == "glossary":
                yield f"{path}[{child_key!r}]", str(child_key)
            yield from record_strings(child, str(child_key), f"{path}.{child_key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from record_strings(item, key, f"{path}[{index}]")


def _squeezed(text: str) -> str:
    # Canonically decomposed: equal to comparing NFC forms, and a soft hyphen between a
    # letter and its combining mark cannot keep them from matching.
    return unicodedata.normalize("NFD", re.sub(r"[\s\u200b]+", "", text))


def found_text(extracted: str) -> str:
    """A document's text for the comparison: no white space, zero-width spaces or soft
    hyphens, decomposed."""
    return _squeezed(extracted.replace("\u00ad", ""))


def wanted_text(value: str) -> str:
    """What ``value`` must appear as: squeezed and decomposed, without soft hyphens (the PDF
    leaves them out)."""
    return found_text(value)


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(
            package.read(name).decode("utf-8")
            for name in package.namelist()
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)
        )
    import html

    return "".join(html.unescape(t) for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def pdf_text(data: bytes) -> str:
    if HAVE_PDFTOTEXT:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(data)
            handle.flush()
            return subprocess.run(
                ["pdftotext", "-raw", "-enc", "UTF-8", handle.name, "-"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
    return "\f".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_found_text(data: bytes, furniture: Furniture) -> str:
    """The PDF's text for the comparison, with the body of every page joined up: the page
    furniture (drawn last on each page) moves to the end, so that a paragraph running over
    a page break reads on."""
    pages = [found_text(page) for page in pdf_text(data).split("\f") if page.strip()]
    bodies, furnitures = [], []
    for number, page in enumerate(pages, start=1):
        banners = [text for text in (furniture.classification, furniture.handling) if text]
        label = furniture.page_label.replace("{pages}", str(len(pages)))
        drawn = [label.replace("{page}", str(number))] if furniture.page_numbers else []
        drawn += [furniture.footer or "", *banners, *banners]
        suffix = found_text("".join(drawn))
        cut = len(page) - len(suffix) if suffix and page.endswith(suffix) else len(page)
        bodies.append(page[:cut])
        furnitures.append(page[cut:])
    return "".join(bodies + furnitures)


REASON = re.compile(r"^key '.*': |U\+[0-9A-F]+ [^,]*|[\d,]+ characters|at position \d+")
ALLOWED_REFUSALS = re.compile(
    r"(key '.*': )?("
    r"contains the control character U\+[0-9A-F]{4,} at position \d+; remove it"
    r"|contains right-to-left text \(U\+[0-9A-F]{4,} .*\), which memo-gen cannot lay out; .+"
    r"|contains U\+[0-9A-F]{4,}.* at position \d+, a bidirectional control .+; remove it"
    r"|contains U\+[0-9A-F]{4,}.* at position \d+, which no font memo-gen ships can draw; .+"
    r"|must not be empty( \(it holds only invisible characters\))?"
    r"|starts with U\+[0-9A-F]{4,} .*, a combining mark with no letter to go on; .+"
    r"|must be a single line \(it holds a line break\)"
    r"|is [\d,]+ characters long, over the limit of [\d,]+ for one (line|text); shorten it, "
    r"or raise the limit with --max-(line|text)-length"
    r")"
)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer.create()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=hostile_records(), ascii_json=st.booleans())
def test_every_string_reaches_both_formats_or_the_record_is_refused(
    renderer: Renderer, data: dict[str, Any], ascii_json: bool
) -> None:
    text = json.dumps(data, ensure_ascii=ascii_json, indent=1)
    try:
        record = parse_record(text, "json")
    except InvalidRecordError as exc:
        assert exc.exit_code == 4
        assert exc.problems
        for problem in exc.problems:
            assert problem.path and problem.line is not None, problem
            assert "\n" not in str(problem), problem
            assert ALLOWED_REFUSALS.fullmatch(problem.message), problem.message
        event(f"refused: {REASON.sub('', exc.problems[0].message).split(',')[0]}")
        return
    event("rendered")
    _check_rendered(renderer, record)


def in_pieces(value: str, lines: list[str]) -> bool:
    """True if ``value`` reads on through the lines in order, where other lines may come
    between: a table row split over a page break goes on after the rest of the row, the
    page's furniture and the repeated header row."""
    wanted = found_text(value)
    position = 0
    for line in lines:
        rest = wanted[position:]
        if position == 0:
            # The value may start within a line (after a label or a number).
            for start in range(len(line)):
                piece = line[start:].removesuffix("-")
                if wanted.startswith(line[start:]) or wanted.startswith(piece):
                    position = len(line) - start if wanted.startswith(line[start:]) else len(piece)
                    break
        elif line.startswith(rest):
            return True
        elif rest.startswith(line) or rest.startswith(line.removesuffix("-")):
            position += len(line) if rest.startswith(line) else len(line) - 1
        if position >= len(wanted):
            return True
    return False


def _check_rendered(renderer: Renderer, record: VisitRecord) -> None:
    files = renderer.render(record, ("memo",), ("docx", "pdf"))
    furniture = renderer.composer.compose(record, "memo").furniture
    wanted = list(record_strings(record.model_dump(by_alias=True)))
    pdf_lines = [found_text(line) for line in pdf_text(files[("memo", "pdf")]).splitlines()]
    texts = {
        "docx": (found_text(docx_text(files[("memo", "docx")])), []),
        "pdf": (pdf_found_text(files[("memo", "pdf")], furniture), [x for x in pdf_lines if x]),
    }
    for fmt, (found, lines) in texts.items():
        # A text may be split up by a page break inside a table row (page furniture, the
        # repeated header row and the rest of the row come between its parts): a text found
        # neither whole nor line by line is checked by its characters instead, which must all
        # be there, as often as the record holds them, with those of the long texts.
        apart = [
            text
            for _, text in wanted
            if len(text) > LONG or (wanted_text(text) not in found and not in_pieces(text, lines))
        ]
        needed = Counter("".join(found_text(text) for text in apart))
        short_of = {c: n - found.count(c) for c, n in needed.items() if found.count(c) < n}
        if fmt == "pdf" and short_of and all(_is_mark(c) for c in short_of):
            # pdftotext drops a glyph drawn where the same glyph was just drawn (it takes it
            # for fake bold): combining marks with no letter between them, stacked at one
            # point. pypdf reads what the PDF holds.
            found = found_text(pypdf_text(files[("memo", "pdf")]))
            short_of = {c: n - found.count(c) for c, n in needed.items() if found.count(c) < n}
        assert short_of == {}, f"{fmt}: characters lost: {short_of}"


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def pypdf_text(data: bytes) -> str:
    return "\f".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
