"""The page theme both backends read: page size, margins, fonts, sizes, spacing, colours.

It comes from ``theme.toml`` in the template folder, so a user's copy of the templates can
change the look of both formats at once.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, get_args

from memo_gen.document import ParagraphStyle
from memo_gen.errors import TemplateError
from memo_gen.template_files import read_folder_file

THEME_FILE = "theme.toml"
MM = 72 / 25.4
"""Points in a millimetre."""

PAGE_SIZES_PT = {"a4": (595.2756, 841.8898), "letter": (612.0, 792.0)}
PageSize = Literal["a4", "letter"]


@dataclass(frozen=True)
class TextStyle:
    """How a paragraph style looks; ``None`` means the body text's value."""

    size_pt: float | None = None
    bold: bool = False
    italic: bool = False
    align: Literal["left", "center", "right", "justify"] | None = None
    space_before_pt: float = 0.0
    space_after_pt: float | None = None
    indent_mm: float = 0.0


@dataclass(frozen=True)
class Theme:
    """Every setting of ``theme.toml``, with lengths in the units its names say."""

    page_size: PageSize = "a4"
    margin_top_mm: float = 25
    margin_bottom_mm: float = 22
    margin_left_mm: float = 25
    margin_right_mm: float = 20
    header_distance_mm: float = 10
    footer_distance_mm: float = 10
    docx_font: str = "Times New Roman"
    pdf_font: str = "Liberation Serif"
    pdf_fallback: tuple[str, ...] = ("Noto Serif", "DejaVu Sans")
    size_pt: float = 11.5
    leading: float = 1.2
    space_after_pt: float = 6
    colour: str = "#000000"
    styles: dict[str, TextStyle] = field(default_factory=dict)
    heading_sizes_pt: tuple[float, ...] = (12.5, 11.5, 11.5)
    heading_space_before_pt: float = 12
    heading_space_after_pt: float = 4
    heading_colour: str = "#000000"
    header_label_width_mm: float = 28
    header_space_after_pt: float = 10
    header_rule: bool = True
    table_size_pt: float = 10
    table_header_fill: str = "#E3E6EC"
    table_border: str = "#7F8797"
    table_border_pt: float = 0.5
    table_padding_pt: float = 3
    list_indent_mm: float = 7
    banner_size_pt: float = 10
    banner_bold: bool = True
    banner_colour: str = "#000000"
    footer_size_pt: float = 9
    footer_colour: str = "#333333"
    watermark_colour: str = "#D0D0D0"

    def style(self, name: str) -> TextStyle:
        """The look of a paragraph style (``body`` when the theme does not name it)."""
        return self.styles.get(name, TextStyle())

    def with_page_size(self, size: PageSize | None) -> Theme:
        """This theme on another page size (``None`` keeps the theme's)."""
        return self if size is None else replace(self, page_size=size)

    @property
    def page_width_pt(self) -> float:
        return PAGE_SIZES_PT[self.page_size][0]

    @property
    def page_height_pt(self) -> float:
        return PAGE_SIZES_PT[self.page_size][1]

    @property
    def text_width_pt(self) -> float:
        """Width of the text block between the side margins."""
        return self.page_width_pt - (self.margin_left_mm + self.margin_right_mm) * MM


@functools.cache
def theme_for(template_dir: Path | None, page_size: PageSize | None = None) -> Theme:
    """The theme of a template folder (memo-gen's own when ``None``), on ``page_size``
    paper when one is given; read once per process (a batch worker renders many records
    with it)."""
    from memo_gen.resources import templates_dir

    return load_theme(template_dir or templates_dir()).with_page_size(page_size)


def load_theme(folder: Path) -> Theme:
    """Read ``theme.toml`` from a template folder; a missing file gives the defaults."""
    path = folder / THEME_FILE
    data = read_folder_file(path, "theme")
    if data is None:
        return Theme()
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: not a valid theme: {exc}") from exc
    _check_keys(path, raw)
    try:
        return _theme(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise TemplateError(f"{path}: not a valid theme: {exc}") from exc


_TEXT_STYLE_KEYS = tuple(f.name for f in fields(TextStyle))
_PARAGRAPH_STYLES = get_args(ParagraphStyle)
_KEYS: dict[str, tuple[str, ...]] = {
    "page": ("size", "margin_top_mm", "margin_bottom_mm", "margin_left_mm", "margin_right_mm",
             "header_distance_mm", "footer_distance_mm"),
    "fonts": ("docx", "pdf", "pdf_fallback"),
    "text": ("size_pt", "leading", "space_after_pt", "colour"),
    "styles": _PARAGRAPH_STYLES,  # a table per paragraph style, of TextStyle's keys
    "headings": ("size_pt", "space_before_pt", "space_after_pt", "colour"),
    "header_block": ("label_width_mm", "space_after_pt", "rule"),
    "table": ("size_pt", "header_fill", "border", "border_pt", "padding_pt"),
    "list": ("indent_mm",),
    "banner": ("size_pt", "bold", "colour"),
    "footer": ("size_pt", "colour"),
    "watermark": ("colour",),
}  # fmt: skip
"""The tables of ``theme.toml`` and the keys each may hold (what :func:`_theme` reads)."""


def _check_keys(path: Path, raw: dict[str, Any]) -> None:
    """Refuse a key or table :func:`_theme` would not read: a typo would silently leave
    the default in place."""

    def check(table: dict[str, Any], known: tuple[str, ...], where: str) -> None:
        prefix = f"{where}." if where else ""
        for key, value in table.items():
            if key in known:
                continue
            kind = "table" if isinstance(value, dict) else "key"
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"did you mean '{prefix}{close[0]}'?" if close else f"known: {', '.join(known)}"
            raise TemplateError(f"{path}: unknown {kind} '{prefix}{key}' ({hint})")

    def table(value: Any, name: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise TemplateError(f"{path}: '{name}' must be a table ([{name}])")
        return value

    check(raw, tuple(_KEYS), "")
    for name, values in raw.items():
        check(table(values, name), _KEYS[name], name)
    for name, values in table(raw.get("styles", {}), "styles").items():
        check(table(values, f"styles.{name}"), _TEXT_STYLE_KEYS, f"styles.{name}")


def _theme(raw: dict[str, Any]) -> Theme:
    page, fonts, text = raw.get("page", {}), raw.get("fonts", {}), raw.get("text", {})
    headings, header = raw.get("headings", {}), raw.get("header_block", {})
    table, lists = raw.get("table", {}), raw.get("list", {})
    banner, footer = raw.get("banner", {}), raw.get("footer", {})
    watermark = raw.get("watermark", {})
    size = page.get("size", "a4")
    if size not in PAGE_SIZES_PT:
        raise ValueError(f"page.size must be a4 or letter, not {size!r}")
    default = Theme()
    return Theme(
        page_size=size,
        margin_top_mm=float(page.get("margin_top_mm", default.margin_top_mm)),
        margin_bottom_mm=float(page.get("margin_bottom_mm", default.margin_bottom_mm)),
        margin_left_mm=float(page.get("margin_left_mm", default.margin_left_mm)),
        margin_right_mm=float(page.get("margin_right_mm", default.margin_right_mm)),
        header_distance_mm=float(page.get("header_distance_mm", default.header_distance_mm)),
        footer_distance_mm=float(page.get("footer_distance_mm", default.footer_distance_mm)),
        docx_font=str(fonts.get("docx", default.docx_font)),
        pdf_font=str(fonts.get("pdf", default.pdf_font)),
        pdf_fallback=tuple(str(f) for f in fonts.get("pdf_fallback", default.pdf_fallback)),
        size_pt=float(text.get("size_pt", default.size_pt)),
        leading=float(text.get("leading", default.leading)),
        space_after_pt=float(text.get("space_after_pt", default.space_after_pt)),
        colour=str(text.get("colour", default.colour)),
        styles={name: TextStyle(**values) for name, values in raw.get("styles", {}).items()},
        heading_sizes_pt=tuple(float(s) for s in headings.get("size_pt", default.heading_sizes_pt)),
        heading_space_before_pt=float(headings.get("space_before_pt", 12)),
        heading_space_after_pt=float(headings.get("space_after_pt", 4)),
        heading_colour=str(headings.get("colour", default.heading_colour)),
        header_label_width_mm=float(header.get("label_width_mm", 28)),
        header_space_after_pt=float(header.get("space_after_pt", 10)),
        header_rule=bool(header.get("rule", True)),
        table_size_pt=float(table.get("size_pt", default.table_size_pt)),
        table_header_fill=str(table.get("header_fill", default.table_header_fill)),
        table_border=str(table.get("border", default.table_border)),
        table_border_pt=float(table.get("border_pt", default.table_border_pt)),
        table_padding_pt=float(table.get("padding_pt", default.table_padding_pt)),
        list_indent_mm=float(lists.get("indent_mm", default.list_indent_mm)),
        banner_size_pt=float(banner.get("size_pt", default.banner_size_pt)),
        banner_bold=bool(banner.get("bold", default.banner_bold)),
        banner_colour=str(banner.get("colour", default.banner_colour)),
        footer_size_pt=float(footer.get("size_pt", default.footer_size_pt)),
        footer_colour=str(footer.get("colour", default.footer_colour)),
        watermark_colour=str(watermark.get("colour", default.watermark_colour)),
    )
