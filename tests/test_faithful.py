"""Nothing added: the documents say what the record says, in the words of the language, and
nothing more.

For a record, its four files (memorandum and fact sheet, DOCX and PDF) are read back as text
(every ``w:t`` of the DOCX body, headers and footers; ``pdftotext`` for the PDF) and checked:

* **Residue.** Every word (a Unicode ``\\w+`` token) must be a word of one of the record's own
  strings, a word of the language's labels (all literal text of the set's templates, every
  string of its ``language.toml`` with the English defaults for what it leaves out, and the
  words memo-gen falls back on for a known value the set has no word for), a word of one of
  the record's dates as the language formats it, a number, or a code the record holds (a
  currency or country code). Anything else was made up.
* **Tied labels.** A label tied to a field the record leaves out must not appear (after the
  record's own strings are taken out of the text): text a template prints only under a
  condition that is false for the record (``{% if visit.kind %}Type:``, the ``Host:`` of a
  ``[("Host:", visit.host), …] if country`` loop, the ``"Dates:"`` of ``"Dates:" if
  visit.end``), the word of every known value the record does not use (the visit kinds, the
  figure kinds, the meeting formats, the roles, the agreement statuses …), quotation marks
  with no direct quotation, the version's label with no version, the draft watermark, and
  the "not given in the source" phrases where the record gives the value.
* **Dates.** The memorandum's DATE is the memorandum's own date, never the visit's; with no
  visit start, the memorandum says the source does not give it.

The tied labels come from the templates themselves: their syntax tree is walked, and every
piece of literal text is kept with the conditions it is printed under; a condition is
evaluated on the context the templates see (:func:`memo_gen.compose.context`) when it reads
only that context, and left as unknown (the text may appear) otherwise.

Random records come from :func:`faithful_strategies.visit_records` (record words in an
alphabet no label uses; ``MEMO_GEN_HYPOTHESIS_EXAMPLES`` raises the 25 examples); the real
readouts of ``tests/fixtures/records/readouts`` are checked in English and in Russian. The
last tests render with a patched copy of the templates, to prove the checks fail when a
template invents something.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import io
import itertools
import operator
import os
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel.dates import format_date
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import Environment, nodes
from pydantic import BaseModel

from faithful_strategies import visit_records
from memo_gen.compose.composer import SIDE_LABELS, context
from memo_gen.compose.formatting import Formatter, babel_locale, label
from memo_gen.compose.languages import TemplateFolder, Words, load_words
from memo_gen.document import DocumentKind, Format
from memo_gen.errors import MemoGenError
from memo_gen.record.fields import PartialDate
from memo_gen.record.loader import load_record
from memo_gen.record.model import VOCABULARIES, VisitRecord
from memo_gen.record.validate import validate_record
from memo_gen.render import Renderer
from memo_gen.resources import templates_dir
from test_nothing_lost import pdf_text

EXAMPLES = int(os.environ.get("MEMO_GEN_HYPOTHESIS_EXAMPLES", "25"))
HAVE_PDFTOTEXT = shutil.which("pdftotext") is not None
READOUTS = Path(__file__).resolve().parent / "fixtures" / "records" / "readouts"
LANGUAGES = ("en", "ru", "kk", "az")
KINDS: tuple[DocumentKind, ...] = ("memo", "factsheet")
FORMATS: tuple[Format, ...] = ("docx", "pdf")
QUOTATION_MARKS = "“”«»"
"""The marks the templates put around a direct quotation (and nowhere else)."""

WORD = re.compile(r"\w+")

# --- reading the files back -----------------------------------------------------------------

_DOCX_PARTS = re.compile(r"word/(document|header\d*|footer\d*)\.xml")
_DOCX_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|<w:t\s*/>|</w:p>|<w:tab/>|<w:br/>")


def docx_text(data: bytes) -> str:
    """The text of a DOCX's body, headers and footers: runs joined, a line per paragraph."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in sorted(package.namelist()):
            if _DOCX_PARTS.fullmatch(name):
                xml = package.read(name).decode("utf-8")
                for match in _DOCX_TEXT.finditer(xml):
                    if match.group(1) is not None:
                        parts.append(html.unescape(match.group(1)))
                    elif match.group(0) == "</w:p>":
                        parts.append("\n")
                    else:
                        parts.append(" ")
                parts.append("\n")
    return "".join(parts)


def normalise(text: str) -> str:
    """NFC, soft hyphens and zero-width spaces out, white space squeezed to single spaces."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "").replace("\u200b", "")
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFC", text))


def _bounded(phrase: str) -> str:
    """A pattern for ``phrase`` not inside a longer word."""
    before = r"(?<!\w)" if WORD.match(phrase[0]) else ""
    after = r"(?!\w)" if WORD.match(phrase[-1]) else ""
    return before + re.escape(phrase) + after


def find(phrase: str, text: str, ignore_case: bool) -> re.Match[str] | None:
    return re.search(_bounded(phrase), text, re.IGNORECASE if ignore_case else 0)


# --- the language's labels --------------------------------------------------------------------

Bindings = Mapping[str, nodes.Node]
Condition = tuple[nodes.Node, bool, Bindings, frozenset[str]]
"""An expression, whether it must be true or false, the loop names bound to literal
expressions, and the names that mean something else than the context's at that point."""


@dataclass(frozen=True)
class Piece:
    """A phrase of literal text a template prints, with the conditions it is printed under."""

    phrase: str
    conditions: tuple[Condition, ...]


# Macro parameters that always receive the context's value of the same name (the templates
# call areas_block(areas, record.cooperation) and countries(visit)); any other parameter is
# unknown.
MACRO_ARGUMENTS = frozenset({"areas", "cooperation", "visit"})
_DIRECTIVE = re.compile(r"^\s*(:::|```)")
_MARKDOWN_LEAD = re.compile(r"^(#+|-|>|:)(\s+|$)")


def phrases(text: str) -> list[str]:
    """The phrases of a piece of template text, without its Markdown: one per line (per
    cell of a table row), fenced-div and chart lines left out."""
    found = []
    for line in text.splitlines():
        if _DIRECTIVE.match(line):
            continue
        for cell in line.split("|"):
            cell = _MARKDOWN_LEAD.sub("", cell.strip()).replace("**", "").replace("\\", "")
            cell = " ".join(cell.split())
            if any(char.isalpha() for char in cell):
                found.append(cell)
    return found


def literal_strings(node: nodes.Node, skip: bool = False) -> Iterator[str]:
    """Every literal string of a template that can be printed: its text, and the string
    constants that are not compared against, passed to a filter or a test, or used as a
    key."""
    if isinstance(node, nodes.TemplateData):
        yield "\n".join(line for line in node.data.splitlines() if not _DIRECTIVE.match(line))
        return
    if isinstance(node, nodes.Const):
        if isinstance(node.value, str) and not skip:
            yield node.value
        return
    if isinstance(node, nodes.Compare):
        skip = True
    if isinstance(node, nodes.Filter | nodes.Test):
        if node.node is not None:
            yield from literal_strings(node.node, skip)
        return
    if isinstance(node, nodes.Getitem):
        yield from literal_strings(node.node, skip)
        return
    if isinstance(node, nodes.Pair):
        yield from literal_strings(node.value, skip)
        return
    for child in node.iter_child_nodes():
        yield from literal_strings(child, skip)


class _Pieces:
    """Walks a template, collecting the pieces of literal text it prints."""

    def __init__(self, template: nodes.Template) -> None:
        self.pieces: list[Piece] = []
        # Names a template sets or loops over are not the context's (anywhere in it).
        assigned = {name.name for name in template.find_all(nodes.Name) if name.ctx == "store"}
        self.walk(template, (), {}, frozenset(assigned - MACRO_ARGUMENTS))

    def add(self, text: str, conditions: tuple[Condition, ...]) -> None:
        self.pieces += [Piece(phrase, conditions) for phrase in phrases(text)]

    def printed(
        self,
        expr: nodes.Node,
        conditions: tuple[Condition, ...],
        bound: Bindings,
        shadowed: frozenset[str],
    ) -> None:
        if isinstance(expr, nodes.TemplateData):
            self.add(expr.data, conditions)
        elif isinstance(expr, nodes.Const) and isinstance(expr.value, str):
            self.add(expr.value, conditions)
        elif isinstance(expr, nodes.CondExpr):
            self.printed(expr.expr1, (*conditions, (expr.test, True, bound, shadowed)), bound,
                         shadowed)  # fmt: skip
            if expr.expr2 is not None:
                self.printed(expr.expr2, (*conditions, (expr.test, False, bound, shadowed)),
                             bound, shadowed)  # fmt: skip
        elif isinstance(expr, nodes.Name) and expr.name in bound:
            self.printed(bound[expr.name], conditions, {}, shadowed)
        elif isinstance(expr, nodes.Filter) and expr.node is not None:
            self.printed(expr.node, conditions, bound, shadowed)

    def walk(
        self,
        node: nodes.Node,
        conditions: tuple[Condition, ...],
        bound: Bindings,
        shadowed: frozenset[str],
    ) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                self.printed(child, conditions, bound, shadowed)
        elif isinstance(node, nodes.If):
            before: tuple[Condition, ...] = ()
            for branch in [node, *node.elif_]:
                test: Condition = (branch.test, True, bound, shadowed)
                self.walk_all(branch.body, (*conditions, *before, test), bound, shadowed)
                before += ((branch.test, False, bound, shadowed),)
            self.walk_all(node.else_, (*conditions, *before), bound, shadowed)
        elif isinstance(node, nodes.For):
            self.walk_for(node, conditions, bound, shadowed)
        elif isinstance(node, nodes.Macro):
            names = {arg.name for arg in node.args} - MACRO_ARGUMENTS
            self.walk_all(node.body, (), {}, shadowed | names)
        else:
            for statement in node.iter_child_nodes():
                if isinstance(statement, nodes.Stmt | nodes.Template):
                    self.walk(statement, conditions, bound, shadowed)

    def walk_all(
        self,
        body: Sequence[nodes.Node],
        conditions: tuple[Condition, ...],
        bound: Bindings,
        shadowed: frozenset[str],
    ) -> None:
        for child in body:
            self.walk(child, conditions, bound, shadowed)

    def walk_for(
        self,
        node: nodes.For,
        conditions: tuple[Condition, ...],
        bound: Bindings,
        shadowed: frozenset[str],
    ) -> None:
        target = node.target
        literal = (
            isinstance(node.iter, nodes.List)
            and isinstance(target, nodes.Tuple)
            and all(isinstance(name, nodes.Name) for name in target.items)
            and all(
                isinstance(item, nodes.Tuple) and len(item.items) == len(target.items)
                for item in node.iter.items
            )
        )
        if literal:
            # [("Host:", visit.host), ("Guest:", visit.guest)] if country: each item in turn.
            assert isinstance(node.iter, nodes.List) and isinstance(target, nodes.Tuple)
            for item in node.iter.items:
                assert isinstance(item, nodes.Tuple)
                names = [name.name for name in target.items if isinstance(name, nodes.Name)]
                binding: dict[str, nodes.Node] = {**bound}
                binding.update(zip(names, item.items, strict=True))
                tests: tuple[Condition, ...] = ()
                if node.test is not None:
                    tests = ((node.test, True, binding, shadowed),)
                self.walk_all(node.body, (*conditions, *tests), binding, shadowed)
            return
        inner = shadowed | {name.name for name in target.find_all(nodes.Name)}
        iterated: Condition = (node.iter, True, bound, shadowed)
        self.walk_all(node.body, (*conditions, iterated), bound, inner)
        self.walk_all(node.else_, (*conditions, (node.iter, False, bound, shadowed)), bound,
                      shadowed)  # fmt: skip


OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "in": lambda a, b: a in b,
    "notin": lambda a, b: a not in b,
    "gt": operator.gt,
    "lt": operator.lt,
}


class Unknown(Exception):
    """An expression that does not read only the context."""


def evaluate(
    expr: nodes.Node, env: Mapping[str, Any], bound: Bindings,
    shadowed: frozenset[str],
) -> Any:  # fmt: skip
    """The value of a template expression on the context, if it reads only the context."""
    if isinstance(expr, nodes.Name):
        if expr.name in bound:
            return evaluate(bound[expr.name], env, {}, shadowed)
        if expr.name in shadowed or expr.name not in env:
            raise Unknown(expr.name)
        return env[expr.name]
    if isinstance(expr, nodes.Const):
        return expr.value
    if isinstance(expr, nodes.Getattr):
        value = evaluate(expr.node, env, bound, shadowed)
        if isinstance(value, Mapping):
            if expr.attr not in value:
                raise Unknown(expr.attr)
            return value[expr.attr]
        if not hasattr(value, expr.attr):
            raise Unknown(expr.attr)
        return getattr(value, expr.attr)
    if isinstance(expr, nodes.Not):
        return not evaluate(expr.node, env, bound, shadowed)
    if isinstance(expr, nodes.And | nodes.Or):
        sides: list[bool | None] = []
        for side in (expr.left, expr.right):
            try:
                sides.append(bool(evaluate(side, env, bound, shadowed)))
            except Unknown:
                sides.append(None)
        if isinstance(expr, nodes.And):
            if False in sides:
                return False
            if None in sides:
                raise Unknown("and")
            return True
        if True in sides:
            return True
        if None in sides:
            raise Unknown("or")
        return False
    if isinstance(expr, nodes.Tuple | nodes.List):
        return tuple(evaluate(item, env, bound, shadowed) for item in expr.items)
    if isinstance(expr, nodes.Filter) and expr.name == "length" and expr.node is not None:
        return len(evaluate(expr.node, env, bound, shadowed))
    if isinstance(expr, nodes.Compare):
        left = evaluate(expr.expr, env, bound, shadowed)
        result = True
        for operand in expr.ops:
            right = evaluate(operand.expr, env, bound, shadowed)
            if operand.op not in OPERATIONS:
                raise Unknown(operand.op)
            result = result and bool(OPERATIONS[operand.op](left, right))
            left = right
        return result
    raise Unknown(type(expr).__name__)


def describe(expr: nodes.Node, bound: Bindings) -> str:
    """A template expression as (roughly) its source: ``visit.kind``, ``not is_visit``."""
    if isinstance(expr, nodes.Name):
        return describe(bound[expr.name], {}) if expr.name in bound else expr.name
    if isinstance(expr, nodes.Getattr):
        return f"{describe(expr.node, bound)}.{expr.attr}"
    if isinstance(expr, nodes.Const):
        return repr(expr.value)
    if isinstance(expr, nodes.Not):
        return f"not {describe(expr.node, bound)}"
    if isinstance(expr, nodes.And | nodes.Or):
        operator = "and" if isinstance(expr, nodes.And) else "or"
        return f"{describe(expr.left, bound)} {operator} {describe(expr.right, bound)}"
    if isinstance(expr, nodes.Compare):
        ops = " ".join(f"{op.op} {describe(op.expr, bound)}" for op in expr.ops)
        return f"{describe(expr.expr, bound)} {ops}"
    return type(expr).__name__


def is_false(condition: Condition, env: Mapping[str, Any]) -> bool:
    """True when the condition surely does not hold for the record."""
    expr, wanted, bound, shadowed = condition
    try:
        return bool(evaluate(expr, env, bound, shadowed)) != wanted
    except Unknown:
        return False


@dataclass(frozen=True)
class Labels:
    """What one template set (one language) prints of its own."""

    language: str
    words: Words
    tokens: frozenset[str]
    """Every word of the set's labels, case-folded."""
    literals: tuple[str, ...]
    """Every phrase of literal text in the set's templates."""
    pieces: Mapping[str, tuple[Piece, ...]]
    """By document: the pieces of its template and the shared macros."""
    date_label: str
    """The label in front of the memorandum's date (``DATE:``)."""

    @property
    def formatter(self) -> Formatter:
        return Formatter(self.words)

    def term_phrases(self, group: str, value: str) -> list[str]:
        """What a known value reads as in this language (for a qualifier, the words around
        the number)."""
        if group == "qualifier":
            pattern = self.words.term(value, group)
            if pattern is None:
                about = self.words.approximately
                pattern = about if value == "about" else f"{label(value)} {{value}}"
            return [part.strip() for part in pattern.split("{value}") if part.strip()]
        word = self.formatter.term(value, group)
        return [word] if word else []


def _words_strings(words: Words) -> dict[str, list[str]]:
    """The text of every setting of a ``language.toml`` (the English default where it has
    none), in the parts around its placeholders (``Page``, ``of``); of a date pattern, its
    quoted literals only (``г.``)."""
    found = {}
    for item in dataclasses.fields(Words):
        value = getattr(words, item.name)
        if item.name in ("language", "terms") or not isinstance(value, str):
            continue
        if item.name in ("date", "month", "year", "day_month"):
            value = " ".join(re.findall(r"'([^']*)'", value))
        parts = (" ".join(part.split()) for part in re.split(r"\{[a-z_]+\}", value))
        found[item.name] = [part for part in parts if part]
    return found


def _date_label(template: nodes.Template) -> str:
    for output in template.find_all(nodes.Output):
        for before, value in zip(output.nodes, output.nodes[1:], strict=False):
            if (
                isinstance(before, nodes.TemplateData)
                and isinstance(value, nodes.Filter)
                and value.name == "date"
                and isinstance(value.node, nodes.Getattr)
                and value.node.attr == "date"
                and isinstance(value.node.node, nodes.Name)
                and value.node.node.name == "document"
            ):
                return phrases(before.data)[-1]
    raise AssertionError("the memorandum template does not print document.date")


@functools.cache
def labels_of(template_root: Path, language: str) -> Labels:
    """The labels of the set ``language`` of a template folder."""
    folder = TemplateFolder(template_root).choose(language, language).folder
    words = load_words(folder)
    environment = Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    parsed = {
        path.name: environment.parse(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.j2"))
    }
    texts = [text for template in parsed.values() for text in literal_strings(template)]
    texts += [part for parts in _words_strings(words).values() for part in parts]
    formatter = Formatter(words)
    for group, values in VOCABULARIES.items():
        for value in values:
            texts.append(formatter.term(value, group))
            if group == "qualifier":
                texts.append(words.term(value, group) or f"{label(value)} {words.approximately}")
    for group_words in words.terms.values():
        texts += group_words.values()
    texts += [side for key, side in SIDE_LABELS.items() if words.term(key, "side") is None]
    texts = [re.sub(r"\{[a-z_]+\}", " ", text) for text in texts]
    macros = [piece for name, tree in parsed.items() if name.startswith("_")
              for piece in _Pieces(tree).pieces]  # fmt: skip
    pieces: dict[str, tuple[Piece, ...]] = {
        kind: (*_Pieces(parsed[f"{kind}.md.j2"]).pieces, *macros)
        for kind in KINDS
        if f"{kind}.md.j2" in parsed
    }
    return Labels(
        language=words.language,
        words=words,
        tokens=frozenset(token.casefold() for text in texts for token in tokens(text)),
        literals=tuple(
            dict.fromkeys(
                phrase
                for tree in parsed.values()
                for text in literal_strings(tree)
                for phrase in phrases(text)
            )
        ),
        pieces=pieces,
        date_label=_date_label(parsed["memo.md.j2"]),
    )


# --- what the record holds --------------------------------------------------------------------

# Fields whose strings are ids, references, known values, codes or times, not the record's
# own words. A visit's kind and the areas are the record's own words when not known values.
NOT_WORDS = {"id", "speaker", "topic", "meeting", "participants", "figures", "agreements",
             "signed_by", "change_of", "agreement", "kind", "status", "role", "side", "format",
             "language", "scale", "qualifier", "truncated", "time", "schema_", "areas",
             "cooperation"}  # fmt: skip
CODES = {"code", "country", "currency"}
FREE_WORDING = {("Visit", "kind"): "visit-kind", ("Topic", "areas"): "area",
                ("VisitRecord", "cooperation"): "area"}  # fmt: skip


@dataclass
class Facts:
    """The record's own strings, its codes and its dates."""

    strings: list[str] = dataclasses.field(default_factory=list)
    codes: set[str] = dataclasses.field(default_factory=set)
    dates: list[PartialDate] = dataclasses.field(default_factory=list)

    def collect(self, value: Any, owner: str = "", name: str = "") -> None:
        if isinstance(value, BaseModel):
            for field in type(value).model_fields:
                self.collect(getattr(value, field), type(value).__name__, field)
        elif isinstance(value, PartialDate):
            self.dates.append(value)
        elif isinstance(value, tuple | list):
            for item in value:
                self.collect(item, owner, name)
        elif isinstance(value, dict):
            for key, item in value.items():
                self.strings.append(str(key))
                self.collect(item, owner, name)
        elif isinstance(value, str):
            group = FREE_WORDING.get((owner, name))
            if name in CODES:
                self.codes.add(value)
            elif name not in NOT_WORDS or (group and value not in VOCABULARIES[group]):
                self.strings.append(value)


def facts_of(record: VisitRecord) -> Facts:
    facts = Facts()
    facts.collect(record)
    return facts


def present_values(record: VisitRecord) -> dict[str, set[str]]:
    """The known values the record uses, by vocabulary."""
    figures, agreements = record.figures, record.agreements
    found: dict[str, set[str | None]] = {
        "visit-kind": {*record.visit.kind},
        "side": {p.side for p in record.participants},
        "role": {p.role for p in record.participants},
        "meeting-format": {m.format for m in record.meetings},
        "area": {*(area for topic in record.topics for area in topic.areas), *record.cooperation},
        "figure-kind": {f.kind for f in figures},
        "scale": {f.scale for f in figures},
        "qualifier": {f.bound for f in figures},
        "agreement-kind": {a.kind for a in agreements},
        "agreement-status": {a.status for a in agreements},
        "initiative-kind": {i.kind for i in record.initiatives},
        "action-status": {a.status for a in record.actions},
    }
    return {group: {value for value in values if value} for group, values in found.items()}


def date_words(record_dates: Sequence[PartialDate], words: Words) -> set[str]:
    """The words of the record's dates as the language writes them."""
    formatter, locale = Formatter(words), babel_locale(words.language)
    found: set[str] = set()
    for day in record_dates:
        found.update(token.casefold() for token in tokens(formatter.date(day)))
        if day.month is not None:
            text = format_date(day.earliest, words.day_month, locale=locale)
            found.update(token.casefold() for token in tokens(str(text)))
    return found


# --- the checks -------------------------------------------------------------------------------

Files = Mapping[tuple[DocumentKind, Format], bytes]


def read_files(files: Files) -> dict[str, str]:
    """Each file's text, by ``memo.docx``-style name."""
    texts = {}
    for (kind, fmt), data in files.items():
        texts[f"{kind}.{fmt}"] = docx_text(data) if fmt == "docx" else pdf_text(data)
    return texts


def _snippet(text: str, token: str) -> str:
    match = re.search(_bounded(token), text)
    if match is None:
        return ""
    return normalise(text[max(match.start() - 40, 0) : match.end() + 40])


def residue(record: VisitRecord, name: str, text: str, labels: Labels) -> list[str]:
    """The words of a file that come from neither the record, nor the labels, nor its dates,
    nor numbers and codes."""
    facts = facts_of(record)
    own = {token.casefold() for string in facts.strings for token in tokens(string)}
    allowed = own | labels.tokens | date_words(facts.dates, labels.words)
    allowed |= {code.casefold() for code in facts.codes}
    left = {token for token in tokens(text) if not token.isdigit()}
    left = {token for token in left if token.casefold() not in allowed}
    if name.endswith(".pdf"):
        # A word too long for its line or its table cell (a link, a label in a narrow
        # column) is split over two lines, with no hyphen: its parts are the last word of a
        # line and the first of the next.
        lines = [tokens(line) for line in text.splitlines()]
        for this, following in itertools.pairwise(lines):
            if this and following and (this[-1] in left or following[0] in left):
                joined = (this[-1] + following[0]).casefold()
                if joined in allowed or any(joined in word for word in own):
                    left -= {this[-1], following[0]}
    return [f"{name}: not from the record or the labels: {token!r} in “{_snippet(text, token)}”"
            for token in sorted(left)]  # fmt: skip


def without_furniture(text: str, record: VisitRecord, labels: Labels) -> str:
    """The PDF's text without the page furniture drawn on each page, so that a paragraph
    running over a page break reads on."""
    page = re.escape(labels.words.page_label).replace(r"\{page\}", r"\d+")
    page = page.replace(r"\{pages\}", r"\d+")
    document = record.document
    furniture = {line for line in (document.classification, document.handling) if line}
    kept = []
    for line in text.replace("\f", "\n").splitlines():
        if re.fullmatch(page, line.strip()) or line.strip() in furniture:
            continue
        if document.reference and line.strip().startswith(document.reference):
            continue
        kept.append(line)
    return "\n".join(kept)


def without_record(text: str, record: VisitRecord) -> str:
    """The text with every one of the record's strings taken out (longest first)."""
    text = normalise(text)
    strings = {normalise(string) for string in facts_of(record).strings}
    for string in sorted(strings, key=len, reverse=True):
        if string:
            text = re.sub(_bounded(string), " ¦ ", text)
    return text


def tied_problems(
    record: VisitRecord, kind: str, name: str, text: str, labels: Labels
) -> list[str]:
    """Labels tied to what the record leaves out, found in ``text`` (the file's text with
    the record's strings taken out)."""
    env = {
        **context(record, labels.words),
        "words": labels.words,
        "cooperation": record.cooperation,
    }
    # A phrase any template prints only under a false condition, and this document's
    # template nowhere else (under a condition that holds or may hold).
    printable = {
        piece.phrase
        for piece in labels.pieces[kind]
        if not any(is_false(condition, env) for condition in piece.conditions)
    }
    forbidden: dict[str, str] = {}  # phrase → why
    for piece in (piece for pieces in labels.pieces.values() for piece in pieces):
        false = [c for c in piece.conditions if is_false(c, env)]
        if false and piece.phrase not in printable:
            expr, wanted, bound, _ = false[0]
            test = describe(expr, bound)
            forbidden.setdefault(piece.phrase, f"printed only if {'' if wanted else 'not '}{test}")

    words, present = labels.words, present_values(record)
    allowed_terms = {phrase for group, values in present.items() for value in values
                     for phrase in labels.term_phrases(group, value)}  # fmt: skip
    absent_terms: dict[str, str] = {}
    for group, values in VOCABULARIES.items():
        for value in values:
            if value not in present[group]:
                for phrase in labels.term_phrases(group, value):
                    absent_terms.setdefault(phrase, f"the word for {group} {value!r}")

    settings_text = _words_strings(words)
    current = [a for a in record.agreements if not a.background]
    unused = {
        "draft": True,
        "version": record.document.version is None,
        "not_given": record.visit.start is not None,
        "status_not_given": all(a.status for a in current),
        "over": not any(f.base_period for f in record.figures),
        "per": not any(f.per for f in record.figures),
    }
    for key, parts in settings_text.items():
        for part in parts:
            if unused.get(key) and any(char.isalpha() for char in part):
                absent_terms.setdefault(part, f"language.toml's {key}, which is not used")
    allowed = (
        printable
        | (set(labels.literals) - set(forbidden))
        | allowed_terms
        | {part for key, parts in settings_text.items() if not unused.get(key) for part in parts}
    )

    problems = []
    checks = [(p, w, False) for p, w in forbidden.items()]
    checks += [(p, w, True) for p, w in absent_terms.items() if p.casefold()
               not in {a.casefold() for a in allowed}]  # fmt: skip
    # A template's phrase that is, but for case and punctuation, a word memo-gen prints for
    # a value the record gives: the side "Гостевая сторона" of a delegation, printed
    # "Гостевая сторона:" before its principals; the agreement kind of "Programme: …".
    allowed_words = {tuple(t.casefold() for t in tokens(phrase)) for phrase in allowed_terms}
    for phrase, why, ignore_case in checks:
        same_words = tuple(t.casefold() for t in tokens(phrase)) in allowed_words
        if phrase in allowed or (not ignore_case and same_words):
            continue
        searched = text
        for other in allowed:
            if other != phrase and find(phrase, other, ignore_case):
                flags = re.IGNORECASE if ignore_case else 0
                searched = re.sub(_bounded(other), " ¦ ", searched, flags=flags)
        match = find(phrase, searched, ignore_case)
        if match is not None:
            around = searched[max(match.start() - 50, 0) : match.end() + 50]
            problems.append(f"{name}: {phrase!r} ({why}) in “{around}”")
    if not any(q.kind == "direct" for q in record.quotes):
        marks = sorted({char for char in text if char in QUOTATION_MARKS})
        if marks:
            problems.append(f"{name}: quotation marks {marks} with no direct quotation")
    return problems


def date_problems(record: VisitRecord, name: str, text: str, labels: Labels) -> list[str]:
    """The memorandum's DATE is its own date; with no visit start, it says so."""
    text, words = normalise(text), labels.words
    problems = []
    expected = Formatter(words).date(record.document.date)
    found = [m.end() for m in re.finditer(re.escape(labels.date_label), text)]
    if not found:
        problems.append(f"{name}: no {labels.date_label!r}")
    for end in found:
        after = text[end : end + len(expected) + 1].strip()
        if not after.startswith(expected):
            problems.append(f"{name}: {labels.date_label} {after!r}…, not the memorandum's "
                            f"date {expected!r}")  # fmt: skip
    if record.visit.start is None and normalise(words.not_given) not in text:
        problems.append(f"{name}: no start, yet no {words.not_given!r}")
    return problems


def check_documents(record: VisitRecord, files: Files, labels: Labels) -> list[str]:
    """Everything the documents say that the record does not (empty when faithful)."""
    problems = []
    for name, text in read_files(files).items():
        kind = name.split(".")[0]
        problems += residue(record, name, text, labels)
        if name.endswith(".pdf"):
            text = without_furniture(text, record, labels)
        problems += tied_problems(record, kind, name, without_record(text, record), labels)
        if kind == "memo":
            problems += date_problems(record, name, text, labels)
    return problems


@functools.cache
def renderer(template_root: Path | None = None) -> Renderer:
    return Renderer.create(template_root)


def render(
    record: VisitRecord, language: str, formats: Sequence[Format] = FORMATS,
    template_root: Path | None = None,
) -> Files:  # fmt: skip
    """The record's memorandum and fact sheet in ``language`` (``--lang``)."""
    return renderer(template_root).render(record, KINDS, formats, lang=language)


def shipped(language: str) -> Labels:
    """The labels of the shipped templates in ``language``."""
    return labels_of(templates_dir(), language)


def _needs_reader(fmt: Format) -> None:
    if fmt == "pdf" and not HAVE_PDFTOTEXT:
        pytest.skip("pdftotext is not installed: the PDF's text cannot be read")


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(record=visit_records(), language=st.sampled_from(LANGUAGES))
def test_nothing_is_added_to_a_random_record(
    fmt: Format, record: VisitRecord, language: str
) -> None:
    _needs_reader(fmt)
    problems = check_documents(record, render(record, language, (fmt,)), shipped(language))
    assert problems == [], "\n".join(problems)


def _readouts() -> list[Path | None]:
    return [*sorted(READOUTS.glob("*.yaml"))] or [None]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", _readouts(), ids=lambda path: path.stem if path else "none")
def test_nothing_is_added_to_a_readout(path: Path | None, language: str, fmt: Format) -> None:
    if path is None:
        pytest.skip(f"no readout fixtures (*.yaml) in {READOUTS}")
    _needs_reader(fmt)
    try:
        record = load_record(path)
    except MemoGenError as exc:
        pytest.skip(f"{path.name} does not load (yet): {exc}")
    problems = check_documents(record, render(record, language, (fmt,)), shipped(language))
    assert problems == [], "\n".join(problems)


# --- the checks can fail ----------------------------------------------------------------------


def _defect_record() -> VisitRecord:
    """A record with a host, a start and a participant, and no kind, guest or role."""
    return validate_record({
        "document": {"date": "2025-05-02", "reference": "ŞÜ/12"},
        "visit": {"title": "Çöğüş şəğ", "start": "2025-03-13",
                  "host": {"name": "Ğəşö", "code": "KZ"}},
        "participants": [{"id": "p0", "name": "Üğçə Şöğ", "country": "KZ"}],
    })  # fmt: skip


DEFECTS = {
    # The memorandum calls an encounter of unknown kind an official visit.
    "invented-visit-kind": (
        "memo.md.j2",
        '{% if visit.kind %}\nType:\n: {{ visit.kind | map("term", "visit-kind") | join(", ") }}',
        '{% if true %}\nType:\n: {{ visit.kind | map("term", "visit-kind") | join(", ") '
        'or "official visit" }}',
    ),
    # The memorandum is dated with the visit's start.
    "visit-start-as-date": (
        "memo.md.j2",
        "{{ document.date | date }}",
        "{{ (visit.start or document.date) | date }}",
    ),
    # A participant with no role is called a delegate.
    "invented-role": (
        "_macros.md.j2",
        "{% macro role(p) %}",
        "{% macro role(p) %}{% if not p.role %} (delegate){% endif %}",
    ),
    # The fact sheet names a guest the record does not give.
    "guest-label-without-guest": (
        "factsheet.md.j2",
        "{% if visit.host or visit.guest or visit.sides %}",
        "{% if true %}\nGuest:\n: \n\n{% endif %}\n"
        "{% if visit.host or visit.guest or visit.sides %}",
    ),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_the_check_catches_an_invented_fact(tmp_path: Path, defect: str) -> None:
    """A copy of the shipped templates with one defect: the checks, with the shipped
    templates' labels, must report it (in the DOCX, so that this holds without pdftotext)."""
    template, old, new = DEFECTS[defect]
    root = tmp_path / "templates"
    shutil.copytree(templates_dir(), root)
    path = root / "en" / template
    source = path.read_text(encoding="utf-8")
    assert old in source, f"the defect no longer applies to {template}: update DEFECTS"
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    record, labels = _defect_record(), shipped("en")
    assert not record.visit.kind and record.visit.guest is None
    assert record.participants[0].role is None
    assert check_documents(record, render(record, "en", ("docx",)), labels) == []
    files = Renderer.create(root).render(record, KINDS, ("docx",), lang="en")
    assert check_documents(record, files, labels), f"the checks missed the defect {defect}"
