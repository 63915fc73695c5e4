"""Markdown from a template → blocks of the document model.

The Markdown is CommonMark with tables, definition lists and fenced divs (``::: name``).
Raw HTML is off. A fenced div gives its paragraphs a style (``::: letterhead``), numbers
them (``::: numbered``), turns a definition list into a memorandum's header block
(``::: header``; ``::: header label=40`` for a label column 40 mm wide), gives a table
its column widths (``::: table widths=40,20,20,20``), or starts a new page
(``::: pagebreak``). ``#`` to ``###`` are headings of levels 1–3; a thematic break
(``---``) is a rule; a block quote holds quotation paragraphs.

A fenced ```` ```chart ```` block names figures to compare, one comparison per line, figure
ids separated by spaces (``trade-2024 trade-target``); a line starting with ``#`` is a
comment. This module does not know the record: :func:`to_blocks` hands each line's ids to
the ``charts`` resolver it is given, which returns the charts they make (none when nothing
compares).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from typing import cast, get_args

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin

from memo_gen.compose.templating import RenderedMarkdown
from memo_gen.document import (
    Align,
    Block,
    Chart,
    HeaderBlock,
    HeaderField,
    Heading,
    List,
    ListItem,
    PageBreak,
    Paragraph,
    ParagraphStyle,
    Rule,
    Run,
    Table,
    followable,
)
from memo_gen.errors import TemplateError

_STYLES = frozenset(get_args(ParagraphStyle))

ChartResolver = Callable[[Sequence[str]], Sequence[Chart]]
"""Figure ids of one line of a ```` ```chart ```` block → the charts they make."""


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    container_plugin(parser, "div", validate=lambda *_: True)
    deflist_plugin(parser)
    return parser


_PARSER = _parser()


@functools.lru_cache(maxsize=16)
def _tokens(text: str) -> tuple[Token, ...]:
    """The token stream of a rendered template. Record values are placeholders in the text,
    so a record saved again with other values parses to the same tokens: ``memo-gen watch``
    and a batch of like records parse each document's Markdown once. The tokens are only
    read, never changed."""
    return tuple(_PARSER.parse(text))


class _Blocks:
    """Walks the token stream of one rendered template."""

    def __init__(
        self,
        source: RenderedMarkdown,
        tokens: Sequence[Token],
        charts: ChartResolver | None = None,
        original: RenderedMarkdown | None = None,
    ) -> None:
        self.source = source
        self.tokens = tokens
        self.charts = charts
        self.original = original or source
        """The values as printed, for what is not text: link targets and figure ids."""
        self.position = 0
        self.number = 0  # paragraph numbers run on through every ``::: numbered``

    def next(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def until(self, closing: str) -> Iterator[Token]:
        """The tokens up to (and consuming) the next one of type ``closing``."""
        while (token := self.next()).type != closing:
            yield token

    def blocks(self, closing: str | None = None, style: str | None = None) -> list[Block]:
        """Blocks up to the token ``closing`` (or the end), in a fenced div's ``style``."""
        found: list[Block] = []
        while self.position < len(self.tokens):
            token = self.next()
            if token.type == closing:
                return found
            found.extend(self.block(token, style))
        if closing is not None:
            raise TemplateError(f"the template's Markdown is missing a closing {closing}")
        return found

    def block(self, token: Token, style: str | None) -> list[Block]:
        kind = token.type
        if kind == "paragraph_open":
            return [self.paragraph(style)]
        if kind == "heading_open":
            if not token.markup.startswith("#"):
                raise TemplateError(
                    "the template makes a heading by underlining a line ('---' or '==='); "
                    "put a blank line before a rule, and write headings with '#'"
                )
            runs = self.inline(self.next())
            self.next()
            return [Heading(runs, level=min(int(token.tag[1]), 3))]
        if kind in ("bullet_list_open", "ordered_list_open"):
            return [self.list(token)]
        if kind == "blockquote_open":
            return self.blocks("blockquote_close", "quote")
        if kind == "hr":
            return [Rule()]
        if kind == "table_open":
            return [self.table()]
        if kind == "container_div_open":
            return self.div(token.info.strip())
        if kind == "fence" and token.info.strip() == "chart":
            return self.chart(token)
        if kind in ("fence", "code_block"):
            return [Paragraph((Run(self.source.restore(token.content.rstrip("\n"))),), "body")]
        raise TemplateError(f"the template uses Markdown that memo-gen does not render: {kind}")

    def chart(self, token: Token) -> list[Block]:
        """The charts of a ```` ```chart ```` block: each line's ids, resolved."""
        found: list[Block] = []
        for line in self.original.restore(token.content).splitlines():
            ids = line.split()
            if not ids or ids[0].startswith("#"):
                continue
            if self.charts is not None:
                found.extend(self.charts(ids))
        return found

    def paragraph(self, style: str | None) -> Paragraph:
        runs = self.inline(self.next())
        self.next()  # paragraph_close
        if style == "numbered":
            self.number += 1
            return Paragraph(runs, "body", number=f"{self.number}.")
        return Paragraph(runs, cast(ParagraphStyle, style if style in _STYLES else "body"))

    def div(self, info: str) -> list[Block]:
        name, _, arguments = info.partition(" ")
        if name == "pagebreak":
            self.blocks("container_div_close")
            return [PageBreak()]
        if name == "header":
            return [self.header_block(_label_width(arguments))]
        if name == "table":
            widths = _widths(arguments)
            inner = self.blocks("container_div_close")
            return [_with_widths(block, widths) for block in inner]
        if name not in _STYLES and name != "numbered":
            raise TemplateError(f"unknown fenced div '::: {name}' in the template")
        return self.blocks("container_div_close", name)

    def header_block(self, label_width_mm: float | None = None) -> HeaderBlock:
        fields: list[HeaderField] = []
        label = ""
        for token in self.until("container_div_close"):
            if token.type == "inline" and self.tokens[self.position - 2].type == "dt_open":
                label = "".join(run.text for run in self.inline(token))
            elif token.type == "inline":
                fields.append(HeaderField(label, self.inline(token)))
        return HeaderBlock(tuple(fields), label_width_mm)

    def list(self, opening: Token) -> List:
        ordered = opening.type == "ordered_list_open"
        closing = "ordered_list_close" if ordered else "bullet_list_close"
        items: list[ListItem] = []
        while (token := self.next()).type != closing:
            if token.type == "list_item_open":
                blocks = self.blocks("list_item_close")
                paragraphs = tuple(b for b in blocks if isinstance(b, Paragraph))
                items.append(ListItem(paragraphs))
        start = int(opening.attrs.get("start", 1)) if ordered else 1
        return List(tuple(items), ordered=ordered, start=start)

    def table(self) -> Table:
        header: list[tuple[Run, ...]] = []
        rows: list[tuple[tuple[Run, ...], ...]] = []
        aligns: list[Align] = []
        row: list[tuple[Run, ...]] = []
        for token in self.until("table_close"):
            if token.type == "th_open":
                style = str(token.attrs.get("style", ""))
                aligns.append(cast(Align, style.removeprefix("text-align:") or "left"))
            elif token.type == "inline":
                row.append(self.inline(token))
            elif token.type == "tr_close":
                if header:
                    rows.append(tuple(row))
                else:
                    header = row
                row = []
        count = len(header)
        even = tuple(1 / count for _ in range(count)) if count else ()
        return Table(tuple(header), tuple(rows), even, tuple(aligns))

    def inline(self, token: Token) -> tuple[Run, ...]:
        if ":::" in token.content:
            raise TemplateError(
                "a fenced div marker ':::' is not on a line of its own in the template's "
                f"Markdown: {self.source.restore(token.content)[:80]!r}"
            )
        runs: list[Run] = []
        bold = italic = 0
        link: str | None = None
        for child in token.children or []:
            kind = child.type
            if kind in ("text", "code_inline"):
                text = self.source.restore(child.content)
                if text:
                    runs.append(Run(text, bool(bold), bool(italic), link))
            elif kind == "softbreak":
                runs.append(Run(" ", bool(bold), bool(italic), link))
            elif kind == "hardbreak":
                runs.append(Run("\n", bool(bold), bool(italic), link))
            elif kind in ("strong_open", "strong_close"):
                bold += 1 if kind == "strong_open" else -1
            elif kind in ("em_open", "em_close"):
                italic += 1 if kind == "em_open" else -1
            elif kind == "link_open":
                href = self.original.restore(urllib.parse.unquote(str(child.attrs.get("href", ""))))
                link = href if followable(href) else None
            elif kind == "link_close":
                link = None
        return _merge(runs)


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    """Adjacent runs with the same looks become one."""
    merged: list[Run] = []
    for run in runs:
        previous = merged[-1] if merged else None
        if previous and (previous.bold, previous.italic, previous.link) == (
            run.bold,
            run.italic,
            run.link,
        ):
            merged[-1] = Run(previous.text + run.text, run.bold, run.italic, run.link)
        else:
            merged.append(run)
    return tuple(merged)


def _widths(arguments: str) -> tuple[float, ...]:
    for part in arguments.split():
        key, _, value = part.partition("=")
        if key == "widths":
            try:
                numbers = [float(n) for n in value.split(",")]
            except ValueError:
                raise TemplateError(f"bad table widths '{value}' in the template") from None
            total = sum(numbers)
            return tuple(n / total for n in numbers)
    return ()


def _label_width(arguments: str) -> float | None:
    """``label=40`` of a ``::: header`` div: its label column's width in mm."""
    for part in arguments.split():
        key, _, value = part.partition("=")
        if key == "label":
            try:
                width = float(value)
            except ValueError:
                width = -1.0
            if not 0 < width < 1000:
                raise TemplateError(f"bad header label width '{value}' in the template")
            return width
    return None


def _with_widths(block: Block, widths: tuple[float, ...]) -> Block:
    if not isinstance(block, Table) or not widths:
        return block
    if len(widths) != len(block.header):
        raise TemplateError(
            f"the template gives {len(widths)} widths for a table of {len(block.header)} columns"
        )
    return Table(block.header, block.rows, widths, block.align)


def to_blocks(
    source: RenderedMarkdown,
    charts: ChartResolver | None = None,
    original: RenderedMarkdown | None = None,
) -> tuple[Block, ...]:
    """The document-model blocks of a rendered template; ``charts`` resolves the figure ids
    of ```` ```chart ```` blocks (without it, such blocks give no chart). ``original`` is
    the same Markdown before its texts were cut short (:mod:`memo_gen.compose.fitting`):
    link targets and figure ids come from it, so a link shown cut short still leads where
    it did."""
    blocks = _Blocks(source, _tokens(source.text), charts, original).blocks()
    return _keep_introductions(blocks)


def _keep_introductions(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """A paragraph followed by a quotation ("… said:") keeps with it: a page never ends
    between a speaker and the words."""
    kept = list(blocks)
    for index, (block, following) in enumerate(itertools.pairwise(blocks)):
        if (
            isinstance(block, Paragraph)
            and block.style != "quote"
            and isinstance(following, Paragraph)
            and following.style == "quote"
        ):
            kept[index] = dataclasses.replace(block, keep_with_next=True)
    return tuple(kept)
