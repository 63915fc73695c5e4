"""The TrueType fonts the PDF backend embeds, and the choice of font for each character.

ReportLab's standard fonts draw every letter outside WinAnsi (Cyrillic, Azerbaijani ə ğ ı ş,
Kazakh ә қ ң ұ) as a black box, and a TrueType font draws a character outside its cmap as an
empty box, in both cases silently. So memo-gen embeds only fonts it ships, registers each as a
family (so ``<b>``/``<i>`` pick the right face), and splits every run of text by the first font
of the chain ``[theme.pdf_font, *theme.pdf_fallback]`` whose face has the glyph.

It also turns the model's text into ReportLab Paragraph markup. That markup is built from
escaped text only: record text is data, never markup (``<font color=…>`` in a record once
reached an ``eval`` in ReportLab, CVE-2023-33733).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont

# The font table lives in fonts (no ReportLab there); it is re-exported for older importers.
from memo_gen.backends.fonts import FONTS_DIR as FONTS_DIR
from memo_gen.backends.fonts import SHIPPED_FAMILIES as SHIPPED_FAMILIES
from memo_gen.backends.fonts import face_path
from memo_gen.backends.theme import Theme
from memo_gen.document import Run, followable
from memo_gen.document import clean as plain
from memo_gen.errors import TemplateError

_SUBSETS_KEPT = 256
"""Font subsets (and their CMaps) kept per process: what a few documents use."""


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """ReportLab's ToUnicode CMap of a font subset, with each code point as UTF-16BE.

    ReportLab (5.1) writes ``<%04X>``, which for a character beyond U+FFFF (an emoji, Old
    Italic) gives five hex digits, so readers extract U+1F60 for U+1F600, or nothing. UTF-16
    is what the PDF specification asks for; below U+10000 the bytes are the same as before.
    A document rendered again (``memo-gen watch``) mostly has the same subsets: each CMap is
    made once.
    """
    return _unicode_cmap(fontname, tuple(subset))


@functools.lru_cache(maxsize=_SUBSETS_KEPT)
def _unicode_cmap(fontname: str, subset: tuple[int, ...]) -> str:
    pairs = [
        f"<{index:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>"
        for index, code in enumerate(subset)
    ]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
        "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar", *pairs, "endbfchar", "endcmap",
        "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])  # fmt: skip


# ttfonts looks the function up by its global name when it embeds a subset.
ttfonts.makeToUnicodeCMap = _to_unicode_cmap

# Characters that are layout, not glyphs: they stay in the font of the text around them.
_LAYOUT_CHARS = frozenset("\n")

# The chains FontChain.of made, by their families.
_CHAINS: dict[tuple[str, ...], FontChain] = {}

# family → its four faces' cmaps (code point → glyph), filled once per process.
_CMAPS: dict[str, tuple[dict[int, int], ...]] = {}


def face_name(family: str, bold: bool = False, italic: bool = False) -> str:
    """The name a face is registered under: the family name for the regular face."""
    suffix = {(False, False): "", (True, False): " Bold", (False, True): " Italic"}
    return family + suffix.get((bold, italic), " Bold Italic")


def register_family(family: str) -> None:
    """Register the four faces of a shipped family with ReportLab, once per process."""
    if family in _CMAPS:
        return
    cmaps = []
    for bold, italic in ((False, False), (True, False), (False, True), (True, True)):
        path = face_path(family, bold, italic)
        try:
            # asciiReadable is given so that rl_config.ttfAsciiReadable cannot change the bytes.
            font = TTFont(face_name(family, bold, italic), str(path), asciiReadable=1)
        except (OSError, TTFError) as exc:
            raise TemplateError(f"cannot load the font file {path}: {exc}") from exc
        _keep_subsets(font)
        pdfmetrics.registerFont(font)
        cmaps.append(font.face.charToGlyph)
    # The family mapping is what lets <b>/<i> (and a style that starts in the bold face) find
    # the right face; without it ReportLab cannot tell the faces belong together.
    pdfmetrics.registerFontFamily(
        family,
        normal=face_name(family),
        bold=face_name(family, True),
        italic=face_name(family, False, True),
        boldItalic=face_name(family, True, True),
    )
    _CMAPS[family] = tuple(cmaps)


def _keep_subsets(font: TTFont) -> None:
    """Make each subset of ``font``'s file once: a document rendered again (``memo-gen
    watch``) mostly embeds the same subsets, and cutting one out of the font file is a
    tenth of writing a PDF. The subset is a function of the font file and the characters
    alone, so the bytes are the same. (And split strings into subsets faster.)"""
    face: Any = font.face
    make: Callable[[Sequence[int]], bytes] = face.makeSubset

    @functools.lru_cache(maxsize=_SUBSETS_KEPT)
    def kept(subset: tuple[int, ...]) -> bytes:
        return make(list(subset))

    def make_subset(subset: Sequence[int]) -> bytes:
        return kept(tuple(subset))

    face.makeSubset = make_subset  # this face's alone: ReportLab calls it on the instance
    split: Callable[..., list[tuple[int, bytes]]] = font.splitString

    def split_string(text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        """ReportLab's ``splitString``, at once where each character already has its code
        in the document's first subset (as most do, once a few lines are drawn): a tenth
        of drawing a page went to it, one character at a time."""
        state = font.state.get(doc) if isinstance(text, str) else None
        if state is not None:
            assignments = state.assignments
            try:
                codes = bytes([assignments[c] for c in map(ord, text.replace("\xa0", " "))])
            except (KeyError, ValueError):  # a character new here, or in a later subset
                return split(text, doc, encoding)
            return [(0, codes)] if codes else []
        return split(text, doc, encoding)

    font.splitString = split_string


def _has_glyph(family: str, char: str, bold: bool, italic: bool) -> bool:
    register_family(family)
    return ord(char) in _CMAPS[family][int(bold) + 2 * int(italic)]


class FontChain:
    """The main font and its fallbacks, in the order they are tried for each character."""

    def __init__(self, families: Sequence[str]) -> None:
        if not families:
            raise TemplateError("the theme names no PDF font")
        self.families = tuple(dict.fromkeys(families))
        self.primary = self.families[0]
        # Only the main family is loaded up front; a fallback is loaded when a character
        # first needs it, so plain Latin text costs one family.
        register_family(self.primary)
        self._choice: dict[tuple[str, bool, bool], str | None] = {}
        # Characters the main family draws, by (bold, italic): most text is only those.
        self._in_primary: dict[tuple[bool, bool], set[str]] = {}

    @classmethod
    def of(cls, theme: Theme) -> FontChain:
        # Every shipped family follows the theme's own, so that whatever validation lets
        # through (memo_gen.record.glyphs: the coverage of all shipped fonts) has a glyph here too,
        # however a user's theme narrows the fallbacks.
        families = (theme.pdf_font, *theme.pdf_fallback, *SHIPPED_FAMILIES)
        # One chain per process for each list of families: its choices are only caches.
        if families not in _CHAINS:
            _CHAINS[families] = cls(families)
        return _CHAINS[families]

    def family_for(self, char: str, bold: bool = False, italic: bool = False) -> str | None:
        """The first family whose face has the glyph, or None when no font has it."""
        key = (char, bold, italic)
        if key not in self._choice:
            found = (f for f in self.families if _has_glyph(f, char, bold, italic))
            self._choice[key] = next(found, None)
        return self._choice[key]

    def segments(
        self, text: str, bold: bool = False, italic: bool = False
    ) -> list[tuple[str, str]]:
        """Split text into ``(family, text)`` pieces, each drawable in that family's face.

        A character no font has goes to the last fallback (it shows as that font's empty box);
        :func:`missing_glyphs` is how callers and tests find such characters beforehand.
        """
        known = self._in_primary.setdefault((bold, italic), set(_LAYOUT_CHARS))
        if known.issuperset(text):
            return [(self.primary, text)] if text else []  # the common case, without a loop
        pieces: list[tuple[str, str]] = []
        current, start = self.primary, 0
        for index, char in enumerate(text):
            if char in _LAYOUT_CHARS:
                continue
            family = self.family_for(char, bold, italic) or self.families[-1]
            if family == self.primary:
                known.add(char)
            if family != current:
                if index > start:
                    pieces.append((current, text[start:index]))
                current, start = family, index
        if start < len(text):
            pieces.append((current, text[start:]))
        return pieces

    def font_for(self, text: str, bold: bool = False, italic: bool = False) -> str:
        """One face for a whole string (chart labels): the first family that has every glyph."""
        needed = {c for c in text if c not in _LAYOUT_CHARS}
        for family in self.families:
            if all(_has_glyph(family, c, bold, italic) for c in needed):
                return face_name(family, bold, italic)
        return face_name(self.families[-1], bold, italic)

    def run_markup(self, run: Run, bold: bool = False, italic: bool = False) -> str:
        """Paragraph markup for a run in a paragraph that starts bold/italic as given."""
        bold, italic = bold or run.bold, italic or run.italic
        parts = []
        for family, text in self.segments(clean(run.text), bold, italic):
            escaped = escape(text).replace("\n", "<br/>")
            if family != self.primary:
                # The concrete face: <font name=family> would reset bold and italic.
                escaped = (
                    f"<font name={quoteattr(face_name(family, bold, italic))}>{escaped}</font>"
                )
            parts.append(escaped)
        body = "".join(parts)
        if run.bold:
            body = f"<b>{body}</b>"
        if run.italic:
            body = f"<i>{body}</i>"
        link = clean(run.link or "").strip()
        # Other schemes (javascript:, file:, data:) stay plain text: a link is data too.
        if followable(link):
            body = f"<a href={quoteattr(link)}>{body}</a>"
        return body

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width of one line of text set in the chain's faces."""
        return sum(
            float(pdfmetrics.stringWidth(piece, face_name(family, bold), size))
            for family, piece in self.segments(text, bold)
        )

    def draw(
        self,
        canvas: Any,
        text: str,
        x: float,
        y: float,
        size: float,
        bold: bool,
        anchor: str,
        room: float,
    ) -> None:
        """Draw one line on a canvas (anchored left/centre/right), shrunk to fit ``room``."""
        text = clean(text).replace("\n", " ")
        natural = self.width(text, size, bold)
        if natural > room > 0:
            size *= room / natural
        x -= {"left": 0.0, "centre": 0.5, "right": 1.0}[anchor] * self.width(text, size, bold)
        for family, piece in self.segments(text, bold):
            canvas.setFont(face_name(family, bold), size)
            canvas.drawString(x, y, piece)
            x += pdfmetrics.stringWidth(piece, face_name(family, bold), size)

    def missing(self, text: str, bold: bool = False, italic: bool = False) -> set[str]:
        return {
            c
            for c in set(text)
            if c not in _LAYOUT_CHARS and self.family_for(c, bold, italic) is None
        }


def clean(text: str) -> str:
    """Text as every format can hold it (:func:`memo_gen.document.clean`), with tabs as
    spaces and without soft hyphens."""
    # Soft hyphens are dropped: ReportLab 5.1 loses the rest of a word longer than a line
    # that holds one and mixes fonts (test_nothing_lost found it). The DOCX keeps them.
    return plain(text).translate({0x09: " ", 0xAD: None})


def missing_glyphs(
    text: str,
    fonts: Iterable[str] | None = None,
    *,
    bold: bool = False,
    italic: bool = False,
) -> set[str]:
    """The characters of ``text`` that no font of the chain can draw (default: the theme's)."""
    chain = FontChain(tuple(fonts) if fonts is not None else FontChain.of(Theme()).families)
    return chain.missing(clean(text), bold, italic)


def parse_colour(value: str, what: str) -> Any:
    """A theme colour (``#RRGGBB``) as ReportLab's colour; ``what`` names it in the error."""
    try:
        return colors.HexColor(value)
    except (ValueError, TypeError) as exc:
        raise TemplateError(f"theme: {what} {value!r} is not a #RRGGBB colour") from exc
