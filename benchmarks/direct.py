"""The baseline: a hand-written python-docx + ReportLab program that produces the same
content as memo-gen's sample memorandum and fact sheet.

It is what a developer would write without memo-gen, and written with care, not as a
strawman: the record is read with PyYAML (libyaml when present), the content of each
document is built once as a short list of blocks, and two small writers set it with
python-docx's ordinary API and with ReportLab's platypus. Styles are configured once and
passed as objects, tables are filled row by row (``row.cells``, not ``table.cell(i, j)``),
the TrueType fonts are registered once per process, and ``Page X of Y`` uses the usual
two-pass canvas. Same text, tables, header block, classification banner, footer with page
numbers, embedded Liberation Serif from ``src/memo_gen/fonts``.

What it does not do is what memo-gen adds on top: validation, templates, escaping of every
value for Markdown, font fallback chains, deterministic bytes.

    python benchmarks/direct.py [RECORD] [-o DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import docx
import yaml
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    HRFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "astana-2025-03-13.yaml"
FONTS = ROOT / "src" / "memo_gen" / "fonts"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
TITLES = {
    "memorandum": "MEMORANDUM",
    "memorandum-of-conversation": "MEMORANDUM OF CONVERSATION",
    "information-memorandum": "INFORMATION MEMORANDUM",
}
VISIT_KINDS = {
    "state": "State visit",
    "official": "Official visit",
    "working": "Working visit",
    "consultations": "Consultations",
    "other": "Visit",
}

# --- the record's values as text ---------------------------------------------------------


def load(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=loader)  # type: ignore[no-any-return]


def date(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value["as_published"])
    if isinstance(value, dt.date):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    parts = str(value).split("-")
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return str(value)


def number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def person(p: dict[str, Any]) -> str:
    name = p.get("name")
    if p.get("native_name"):
        name = f"{name} ({p['native_name']})" if name else p["native_name"]
    return ", ".join(x for x in (name, p.get("title"), p.get("organisation")) if x)


def place(p: dict[str, Any] | None) -> str:
    if not p:
        return ""
    country = (p.get("country") or {}).get("name")
    return ", ".join(x for x in (p.get("venue"), p.get("city"), country) if x)


def label(value: str) -> str:
    return value.replace("-", " ").replace("_", " ")


def figure_value(f: dict[str, Any]) -> str:
    text = f"×{number(f['multiplier'])}" if f.get("value") is None else number(f["value"])
    return f"about {text}" if f.get("approximate") else text


def figure_unit(f: dict[str, Any]) -> str:
    text = " ".join(x for x in (f.get("scale"), f.get("currency"), f.get("unit")) if x)
    return f"{text} per {f['per']}" if f.get("per") else text


def figure_period(f: dict[str, Any]) -> str:
    if f.get("period"):
        return str(f["period"])
    return f"over {f['base_period']}" if f.get("base_period") else ""


def figure_text(f: dict[str, Any]) -> str:
    amount = " ".join(x for x in (figure_value(f), figure_unit(f)) if x)
    period = figure_period(f)
    return f"{amount} ({period})" if period else amount


def source_line(source: dict[str, Any]) -> str:
    parts: list[str] = [source.get("publisher") or source["title"]]
    if source.get("publisher") and source.get("title"):
        parts.append(source["title"])
    if source.get("date"):
        parts.append(date(source["date"]))
    return "Source: " + ", ".join(parts) + "."


def agreement_runs(a: dict[str, Any]) -> list[Run]:
    tail = ""
    if a.get("count"):
        tail += f" ({a['count']} documents)"
    if a.get("date"):
        tail += f", {date(a['date'])}"
    if a.get("institutions"):
        tail += "; " + "; ".join(a["institutions"])
    return [(a["title"], True, False), (tail, False, False)]


# --- the content: a few kinds of blocks --------------------------------------------------
# A block is (kind, ...): ("p", style, runs), ("h", level, text), ("bullets", [runs…]),
# ("num", number, runs), ("header", [(label, text)…]), ("table", head, rows, widths, right),
# ("rule",). A run is (text, bold, italic).

Run = tuple[str, bool, bool]
Block = tuple[Any, ...]


def plain(text: str) -> list[Run]:
    return [(text, False, False)]


def memo_blocks(rec: dict[str, Any]) -> list[Block]:
    d, v = rec["document"], rec["visit"]
    people = {p["id"]: p for p in rec["participants"]}
    figures = {f["id"]: f for f in rec["figures"]}
    out: list[Block] = [("p", "letterhead", plain(d["ministry"]))]
    out.append(("p", "letterhead", plain(d["department"])))
    out.append(("p", "title", plain(TITLES[d["kind"]])))
    out.append(("p", "subtitle", plain(f"Ref. {d['reference']}")))
    fields = [
        (lbl, "; ".join(person(p) for p in d.get(key) or []))
        for lbl, key in (("TO:", "to"), ("FROM:", "from"), ("THROUGH:", "through"), ("CC:", "cc"))
    ]
    fields = [f for f in fields if f[1]]
    fields += [("DATE:", date(d.get("date") or v["start"])), ("SUBJECT:", d["subject"])]
    out.append(("header", fields))
    out.append(("h", 1, "Summary"))
    out += [("p", "body", plain(text)) for text in rec["summary"]]

    out.append(("h", 1, "Participants"))
    names = {c["code"]: c["name"] for c in (v["host"], v["guest"])}
    groups: dict[str, list[dict[str, Any]]] = {}
    for p in rec["participants"]:
        if p.get("present", True):
            groups.setdefault(names.get(p.get("country"), p.get("country")), []).append(p)
    for country, members in groups.items():
        out.append(("p", "body", [(country, True, False)]))
        out.append(("bullets", [plain(person(p)) for p in members]))
    absent = [p for p in rec["participants"] if not p.get("present", True)]
    out.append(("p", "body", [("Mentioned, not present", True, False)]))
    out.append(("bullets", [plain(person(p)) for p in absent]))

    out.append(("h", 1, "Programme"))
    items = []
    for m in rec["meetings"]:
        tail = f" ({label(m['format'])})"
        if m.get("date"):
            tail += f", {date(m['date'])}"
        tail += f", {place(m.get('place'))}. Participants: "
        tail += "; ".join(people[i].get("name") or people[i]["title"] for i in m["participants"])
        item = [(m["title"], True, False), (tail, False, False)]
        for text in m.get("summary", []):
            item += [("\n", False, False), (text, False, False)]
        items.append(item)
    out.append(("bullets", items))

    out.append(("h", 1, "Background"))
    occasion = v["occasion"]
    out.append(
        (
            "header",
            [
                ("Visit:", v["title"]),
                ("Type:", VISIT_KINDS[v["kind"]]),
                ("Dates:", date(v["start"])),
                ("Place:", place(v.get("place"))),
                ("Host:", v["host"]["name"]),
                ("Guest:", v["guest"]["name"]),
                ("Occasion:", f"{occasion['description']} ({date(occasion['date'])})"),
            ],
        )
    )
    out += [("p", "body", plain(text)) for text in rec["background"]]

    out.append(("h", 1, "Discussion"))
    counter = 0
    for topic in rec["topics"]:
        out.append(("h", 2, topic["title"]))
        for text in topic.get("summary", []) + topic.get("points", []):
            counter += 1
            out.append(("num", counter, plain(text)))
        for q in (q for q in rec["quotes"] if q["topic"] == topic["id"]):
            speaker = people[q["speaker"]].get("name") or people[q["speaker"]]["title"]
            counter += 1
            if q["kind"] == "direct":
                out.append(("num", counter, plain(f"{speaker} said:")))
                out.append(("p", "quote", plain(f"“{q['text']}”")))
            else:
                out.append(("num", counter, plain(f"{speaker} (reported): {q['text']}")))
        if topic.get("figures"):
            cited = "; ".join(
                f"{figures[i]['label']}, {figure_text(figures[i])}" for i in topic["figures"]
            )
            counter += 1
            out.append(("num", counter, plain(f"Figures cited: {cited}.")))

    out.append(("h", 1, "Key figures"))
    out.append(figures_table(rec["figures"], basis=True))

    out.append(("h", 1, "Agreements and documents"))
    signed = [a for a in rec["agreements"] if not a.get("background")]
    earlier = [a for a in rec["agreements"] if a.get("background")]
    out.append(("p", "body", plain("Signed during the visit:")))
    out.append(("bullets", [agreement_runs(a) for a in signed]))
    out.append(("p", "body", plain("Referred to:")))
    out.append(("bullets", [agreement_runs(a) for a in earlier]))
    out.append(("p", "body", plain("Related initiatives:")))
    items = []
    for i in rec["initiatives"]:
        what = ", ".join(
            x for x in (label(i["kind"]), date(i.get("date")), place(i.get("place"))) if x
        )
        tail = f" ({what})." + "".join(f" {text}" for text in i.get("summary", []))
        items.append([(i["title"], True, False), (tail, False, False)])
    out.append(("bullets", items))

    out.append(("h", 1, "Outcomes and follow-up"))
    out.append(("bullets", [plain(o["text"]) for o in rec["outcomes"]]))
    rows = [
        [plain(a["what"]), plain(a["who"]), plain(date(a["due"])), plain(label(a["status"]))]
        for a in rec["actions"]
    ]
    head = ["Follow-up action", "Responsible", "Due", "Status"]
    out.append(("table", head, rows, (52, 24, 13, 11), ()))

    out.append(("h", 1, "Frameworks and abbreviations"))
    items = [
        [(f["acronym"], True, False), (f": {f['name']}", False, False)]
        if f.get("acronym")
        else plain(f["name"])
        for f in rec["frameworks"]
    ]
    items += [[(k, True, False), (f": {x}", False, False)] for k, x in rec["glossary"].items()]
    out.append(("bullets", items))
    out.append(("p", "note", plain(source_line(v["source"]))))
    out += [("p", "note", plain(note)) for note in v["source"]["notes"]]
    out.append(("rule",))
    out.append(("p", "signature", plain(f"Drafted by: {person(d['drafted_by'])}")))
    cleared = "; ".join(person(p) for p in d["cleared_by"])
    out.append(("p", "signature", plain(f"Cleared by: {cleared}")))
    out.append(("p", "signature", plain(f"Approved by: {person(d['approved_by'])}")))
    out.append(("p", "signature", plain("Distribution: " + "; ".join(d["distribution"]))))
    return out


def figures_table(figures: list[dict[str, Any]], basis: bool) -> Block:
    rows = []
    for f in figures:
        first = plain(f["label"])
        if basis and f.get("basis"):
            first = [
                (f["label"] + " (", False, False),
                (f["basis"], False, True),
                (")", False, False),
            ]
        cells = (figure_value(f), figure_unit(f), figure_period(f), label(f["kind"]), f["source"])
        rows.append([first, *(plain(c) for c in cells)])
    head = ["Figure", "Value", "Unit", "Period", "Kind", "Source"]
    return ("table", head, rows, (33, 11, 15, 14, 10, 17), (1,))


SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}


def period_kind(f: dict[str, Any]) -> str:
    period = figure_period(f)
    if f["kind"] in ("target", "forecast"):
        return f"{period} ({f['kind']})" if period else f["kind"].capitalize()
    return period


def charts(rec: dict[str, Any]) -> list[tuple[str, str, list[tuple[str, float, str]]]]:
    """The figures that compare (a value, the same currency, unit and rate), a chart for
    each group of two or more, in the smallest scale of the group."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for f in rec["figures"]:
        if f.get("value") is not None and f["kind"] != "change":
            key = (f.get("currency", ""), f.get("unit", ""), f.get("per", ""))
            groups.setdefault(key, []).append(f)
    found = []
    for group in groups.values():
        if len(group) < 2:
            continue
        scale = min((f.get("scale") for f in group), key=lambda s: SCALES.get(s or "", 1))
        unit = figure_unit({**group[0], "scale": scale})
        bars = []
        for f in group:
            value = f["value"] * SCALES.get(f.get("scale") or "", 1) / SCALES.get(scale or "", 1)
            name = f["kind"].capitalize() if not f.get("period") else str(f["period"])
            if f.get("period") and f["kind"] != "actual":
                name = f"{f['period']} ({f['kind']})"
            bars.append((name, value, number(round(value, 6))))
        found.append((group[0]["label"], unit, bars))
    return found


def factsheet_blocks(rec: dict[str, Any]) -> list[Block]:
    v = rec["visit"]
    where = f"{date(v['start'])} · {place(v.get('place'))}"
    out: list[Block] = [("p", "title", plain("FACT SHEET"))]
    out.append(("p", "subtitle", plain(f"{v['title']}\n{where}")))
    out.append(("h", 1, "The visit at a glance"))
    names = {c["code"]: c["name"] for c in (v["host"], v["guest"])}
    sides: dict[str, list[str]] = {}
    for p in rec["participants"]:
        if p.get("role") == "principal" and p.get("present", True):
            sides.setdefault(names[p["country"]], []).append(p.get("name") or p["title"])
    principals = "; ".join(f"{side}: {', '.join(people)}" for side, people in sides.items())
    glance = [
        ("Principals:", principals),
        ("Visit:", f"{VISIT_KINDS[v['kind']]}, hosted by {v['host']['name']}"),
        ("Occasion:", v["occasion"]["description"]),
        ("Meetings:", "; ".join(m["title"] for m in rec["meetings"])),
    ]
    out.append(("header", glance))
    out.append(("h", 1, "Key figures"))
    rows = [
        [plain(f["label"]), plain(f"{figure_value(f)} {figure_unit(f)}"), plain(period_kind(f))]
        for f in rec["figures"]
    ]
    out.append(("table", ["Figure", "Value", "Period"], rows, (56, 26, 18), ()))
    out.append(("charts", charts(rec)))
    out.append(("h", 1, "Agreements signed"))
    signed = [a for a in rec["agreements"] if not a.get("background")]
    out.append(("bullets", [agreement_runs(a) for a in signed]))
    areas = ", ".join(dict.fromkeys(label(a) for t in rec["topics"] for a in t["areas"]))
    frameworks = [
        f"{f['acronym']} ({f['name']})" if f.get("acronym") else f["name"]
        for f in rec["frameworks"]
    ]
    out.append(
        (
            "header",
            [
                ("Areas of cooperation:", areas[:1].upper() + areas[1:] + "."),
                ("Frameworks:", "; ".join(frameworks) + "."),
            ],
        )
    )
    sources = {f["source"] for f in rec["figures"]}
    out.append(("p", "note", plain(f"{source_line(v['source'])} Figures: {sources.pop()}.")))
    return out


# --- the charts: one ReportLab drawing, embedded as is in the PDF, as a PNG in the DOCX ----


def chart_drawing(found: list[tuple[str, str, list[tuple[str, float, str]]]]) -> Drawing:
    width, gap, size = 165 * mm, 8 * mm, 9
    panel = (width - gap * (len(found) - 1)) / len(found)
    rows = max(len(bars) for _, _, bars in found)
    height = 3 * size * 1.3 + rows * 16 + 6
    drawing = Drawing(width, height)
    shades = [colors.HexColor("#1F2A44"), colors.HexColor("#7F8797")]
    for index, (title, unit, bars) in enumerate(found):
        left = index * (panel + gap)
        y = height - size
        for line in simpleSplit(title, FONT + "-Bold", size, panel)[:2]:
            drawing.add(String(left, y, line, fontName=FONT + "-Bold", fontSize=size))
            y -= size * 1.3
        drawing.add(String(left, y, unit, fontName=FONT, fontSize=size - 1))
        label_w = max(stringWidth(b[0], FONT, size - 1) for b in bars) + 6
        value_w = max(stringWidth(b[2], FONT, size - 1) for b in bars) + 6
        scale = (panel - label_w - value_w) / max(b[1] for b in bars)
        for row, (name, value, text) in enumerate(bars):
            middle = y - 12 - row * 16
            drawing.add(String(left, middle - 3, name, fontName=FONT, fontSize=size - 1))
            bar = Rect(left + label_w, middle - 5, value * scale, 10, strokeWidth=0.3)
            bar.fillColor = shades[row % 2]
            drawing.add(bar)
            x = left + label_w + value * scale + 3
            drawing.add(String(x, middle - 3, text, fontName=FONT, fontSize=size - 1))
    return drawing


def png(drawing: Drawing) -> bytes:
    """The drawing at 300 dpi, painted with Pillow shape by shape (what memo-gen does too;
    ReportLab's renderPM would need the cairo library)."""
    scale = 300 / 72
    image = Image.new("RGB", (round(drawing.width * scale), round(drawing.height * scale)), "white")
    pen = ImageDraw.Draw(image)
    fonts: dict[tuple[str, int], Any] = {}

    def at(x: float, y: float) -> tuple[float, float]:
        return x * scale, (drawing.height - y) * scale

    def rgb(colour: Any) -> tuple[int, int, int]:
        return tuple(round(c * 255) for c in colour.rgb())

    for shape in drawing.contents:
        if isinstance(shape, Rect):
            box = (*at(shape.x, shape.y + shape.height), *at(shape.x + shape.width, shape.y))
            pen.rectangle(box, fill=rgb(shape.fillColor), outline=rgb(shape.strokeColor), width=1)
        elif isinstance(shape, String):
            key = (shape.fontName, round(shape.fontSize * scale))
            if key not in fonts:
                path = pdfmetrics.getFont(shape.fontName).face.filename
                fonts[key] = ImageFont.truetype(path, key[1])
            pen.text(at(shape.x, shape.y), shape.text, fill="black", font=fonts[key], anchor="ls")
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def furniture(rec: dict[str, Any]) -> tuple[str, str]:
    d = rec["document"]
    return d["classification"], f"{d['reference']} · Version {d['version']}"


# --- DOCX with python-docx ----------------------------------------------------------------

# name: (size, bold, italic, centred, space before, space after, left indent mm)
PARA_STYLES = {
    "body": (11.5, False, False, False, 0, 6, 0),
    "letterhead": (12, True, False, True, 0, 2, 0),
    "title": (15, True, False, True, 10, 2, 0),
    "subtitle": (11, False, False, True, 0, 12, 0),
    "quote": (11.5, False, True, False, 0, 6, 10),
    "note": (9, False, False, False, 0, 3, 0),
    "signature": (10.5, False, False, False, 0, 2, 0),
}
HEADING_SIZES = (12.5, 11.5)
NAVY = RGBColor(0x1F, 0x2A, 0x44)


def docx_styles(document: Any) -> dict[str, Any]:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(11.5)
    found = {"body": normal}
    for name, (size, bold, italic, centred, before, after, indent) in PARA_STYLES.items():
        style = normal if name == "body" else styles.add_style(f"Memo {name}", 1)
        style.base_style = normal
        style.font.size, style.font.bold, style.font.italic = Pt(size), bold, italic
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.line_spacing = 1.0
        fmt.left_indent = Mm(indent)
        if centred:
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        found[name] = style
    for level, size in enumerate(HEADING_SIZES, start=1):
        style = styles[f"Heading {level}"]
        style.font.name, style.font.size = "Times New Roman", Pt(size)
        style.font.bold, style.font.italic, style.font.color.rgb = True, False, NAVY
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(4)
        found[f"h{level}"] = style
    table_text = styles.add_style("Memo table", 1)
    table_text.base_style = normal
    table_text.font.size = Pt(10)
    table_text.paragraph_format.space_after = Pt(0)
    found["table"] = table_text
    found["bullet"] = styles["List Bullet"]
    return found


def para(container: Any, style: Any) -> Any:
    """A new paragraph in ``style``. python-docx's ``style=`` setter scans every style of the
    template on each call (``styles.default``), so the id is set directly: the usual fix."""
    paragraph = container.add_paragraph()
    paragraph._p.style = style.style_id
    return paragraph


def add_runs(paragraph: Any, runs: list[Run]) -> None:
    for text, bold, italic in runs:
        parts = text.split("\n")
        for index, part in enumerate(parts):
            run = paragraph.add_run(part)
            run.bold, run.italic = bold or None, italic or None
            if index < len(parts) - 1:
                run.add_break()


def add_field(paragraph: Any, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def shade(cell: Any) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), "E3E6EC")
    cell._tc.get_or_add_tcPr().append(shading)


def build_docx(blocks: list[Block], banner: str, footer: str) -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)
    text_width = Mm(165)
    st = docx_styles(document)
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run(banner).bold = True
    foot = section.footer.paragraphs[0]
    foot.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    foot.add_run(f"{footer}\tPage ")
    add_field(foot, "PAGE")
    foot.add_run(" of ")
    add_field(foot, "NUMPAGES")
    bottom = section.footer.add_paragraph()
    bottom.alignment = WD_ALIGN_PARAGRAPH.CENTER
    bottom.add_run(banner).bold = True

    for block in blocks:
        kind = block[0]
        if kind == "p":
            add_runs(para(document, st[block[1]]), block[2])
        elif kind == "h":
            para(document, st[f"h{block[1]}"]).add_run(block[2])
        elif kind == "bullets":
            for runs in block[1]:
                add_runs(para(document, st["bullet"]), runs)
        elif kind == "num":
            paragraph = para(document, st["body"])
            paragraph.paragraph_format.left_indent = Mm(7)
            paragraph.paragraph_format.first_line_indent = Mm(-7)
            add_runs(paragraph, [(f"{block[1]}.\t", False, False), *block[2]])
        elif kind == "header":
            table = document.add_table(rows=0, cols=2)
            for name, value in block[1]:
                cells = table.add_row().cells
                cells[0].width, cells[1].width = Mm(28), text_width - Mm(28)
                cells[0].paragraphs[0].add_run(name).bold = True
                cells[1].paragraphs[0].add_run(value)
            para(document, st["body"]).paragraph_format.space_after = Pt(10)
        elif kind == "table":
            _, names, rows, widths, right = block
            table = document.add_table(rows=0, cols=len(names))
            table.style = document.styles["Table Grid"]
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            columns = [text_width * w // sum(widths) for w in widths]
            cells = table.add_row().cells
            for i, (cell, name) in enumerate(zip(cells, names, strict=True)):
                cell.width = columns[i]
                paragraph = cell.paragraphs[0]
                paragraph._p.style = st["table"].style_id
                paragraph.add_run(name).bold = True
                shade(cell)
            header_row = table.rows[0]._tr.get_or_add_trPr()
            header_row.append(OxmlElement("w:tblHeader"))
            for row in rows:
                cells = table.add_row().cells
                for i, (cell, runs) in enumerate(zip(cells, row, strict=True)):
                    cell.width = columns[i]
                    paragraph = cell.paragraphs[0]
                    paragraph._p.style = st["table"].style_id
                    if i in right:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    add_runs(paragraph, runs)
            para(document, st["body"])
        elif kind == "charts":
            picture = io.BytesIO(png(chart_drawing(block[1])))
            document.add_picture(picture, width=text_width)
        elif kind == "rule":
            paragraph = para(document, st["body"])
            borders = OxmlElement("w:pBdr")
            line = OxmlElement("w:bottom")
            for key, value in (("val", "single"), ("sz", "4"), ("space", "1"), ("color", "7F8797")):
                line.set(qn(f"w:{key}"), value)
            borders.append(line)
            paragraph._p.get_or_add_pPr().append(borders)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- PDF with ReportLab -------------------------------------------------------------------

FONT = "LiberationSerif"
_registered = False


def register_fonts() -> None:
    global _registered
    if _registered:
        return
    faces = {"": "Regular", "-Bold": "Bold", "-Italic": "Italic", "-BoldItalic": "BoldItalic"}
    for suffix, file in faces.items():
        path = FONTS / f"LiberationSerif-{file}.ttf"
        pdfmetrics.registerFont(TTFont(FONT + suffix, str(path)))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=FONT + "-Bold",
        italic=FONT + "-Italic",
        boldItalic=FONT + "-BoldItalic",
    )
    _registered = True


def pdf_styles() -> dict[str, ParagraphStyle]:
    found = {}
    for name, (size, bold, italic, centred, before, after, indent) in PARA_STYLES.items():
        face = FONT + ("-Bold" if bold else "-Italic" if italic else "")
        found[name] = ParagraphStyle(
            name,
            fontName=face,
            fontSize=size,
            leading=size * 1.2,
            spaceBefore=before,
            spaceAfter=after,
            leftIndent=indent * mm,
            alignment=TA_CENTER if centred else TA_LEFT,
        )
    for level, size in enumerate(HEADING_SIZES, start=1):
        found[f"h{level}"] = ParagraphStyle(
            f"h{level}",
            fontName=FONT + "-Bold",
            fontSize=size,
            leading=size * 1.2,
            spaceBefore=12,
            spaceAfter=4,
            textColor=colors.HexColor("#1F2A44"),
            keepWithNext=1,
        )
    body = found["body"]
    found["item"] = ParagraphStyle("item", parent=body, leftIndent=7 * mm, bulletIndent=0)
    found["cell"] = ParagraphStyle("cell", parent=body, fontSize=10, leading=12, spaceAfter=0)
    found["cell-right"] = ParagraphStyle("cell-right", parent=found["cell"], alignment=TA_RIGHT)
    found["cell-head"] = ParagraphStyle("cell-head", parent=found["cell"], fontName=FONT + "-Bold")
    found["label"] = ParagraphStyle("label", parent=body, fontName=FONT + "-Bold", spaceAfter=0)
    found["value"] = ParagraphStyle("value", parent=body, spaceAfter=0)
    return found


def markup(runs: list[Run]) -> str:
    out = []
    for text, bold, italic in runs:
        piece = escape(text).replace("\n", "<br/>")
        piece = f"<b>{piece}</b>" if bold else piece
        out.append(f"<i>{piece}</i>" if italic else piece)
    return "".join(out)


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """The usual recipe for "Page X of Y": hold the pages, then draw the footers."""

    banner = footer = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.furniture(total)
            super().showPage()
        super().save()

    def furniture(self, total: int) -> None:
        width, height = self._pagesize
        self.setFont(FONT + "-Bold", 10)
        self.drawCentredString(width / 2, height - 10 * mm - 10, self.banner)
        self.drawCentredString(width / 2, 10 * mm + 9 * 1.4, self.banner)
        self.setFont(FONT, 9)
        self.setFillColor(colors.HexColor("#333333"))
        self.drawString(25 * mm, 10 * mm, self.footer)
        self.drawRightString(width - 20 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")


def build_pdf(blocks: list[Block], banner: str, footer: str, title: str) -> bytes:
    register_fonts()
    st = pdf_styles()
    width = 165 * mm
    grey = colors.HexColor("#7F8797")
    story: list[Any] = []
    for block in blocks:
        kind = block[0]
        if kind == "p":
            story.append(Paragraph(markup(block[2]), st[block[1]]))
        elif kind == "h":
            story.append(Paragraph(escape(block[2]), st[f"h{block[1]}"]))
        elif kind == "bullets":
            story += [Paragraph(markup(r), st["item"], bulletText="•") for r in block[1]]
        elif kind == "num":
            story.append(Paragraph(markup(block[2]), st["item"], bulletText=f"{block[1]}."))
        elif kind == "header":
            data = [
                [Paragraph(escape(name), st["label"]), Paragraph(escape(value), st["value"])]
                for name, value in block[1]
            ]
            table = Table(data, colWidths=[28 * mm, width - 28 * mm], hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ]
                )
            )
            story += [table, HRFlowable(width="100%", thickness=0.75, spaceBefore=4, spaceAfter=10)]
        elif kind == "table":
            _, names, rows, widths, right = block
            data = [[Paragraph(escape(name), st["cell-head"]) for name in names]]
            data += [
                [
                    Paragraph(markup(r), st["cell-right" if i in right else "cell"])
                    for i, r in enumerate(row)
                ]
                for row in rows
            ]
            table = Table(
                data,
                colWidths=[width * w / sum(widths) for w in widths],
                repeatRows=1,
                hAlign="LEFT",
            )
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, grey),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E3E6EC")),
                    ]
                )
            )
            story += [table, Spacer(1, 6)]
        elif kind == "charts":
            story += [chart_drawing(block[1]), Spacer(1, 6)]
        elif kind == "rule":
            story.append(
                HRFlowable(width="100%", thickness=0.5, color=grey, spaceBefore=2, spaceAfter=6)
            )
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=(595.2756, 841.8898),
        title=title,
        leftMargin=25 * mm,
        rightMargin=20 * mm,
        topMargin=25 * mm,
        bottomMargin=22 * mm,
    )
    canvas = type("Canvas", (NumberedCanvas,), {"banner": banner, "footer": footer})
    template.build(story, canvasmaker=canvas)
    return out.getvalue()


# --- the program --------------------------------------------------------------------------


def render_all(rec: dict[str, Any]) -> dict[str, bytes]:
    """Memo and fact sheet, DOCX and PDF, in memory."""
    banner, footer = furniture(rec)
    files = {}
    for kind, blocks in (("memo", memo_blocks(rec)), ("factsheet", factsheet_blocks(rec))):
        files[f"{kind}.docx"] = build_docx(blocks, banner, footer)
        files[f"{kind}.pdf"] = build_pdf(blocks, banner, footer, rec["document"]["subject"])
    return files


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("record", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("-o", "--output-dir", type=Path, default=Path("out-direct"))
    args = parser.parse_args(argv)
    files = render_all(load(args.record))
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = args.output_dir / f"{args.record.stem}-{name}"
        path.write_bytes(data)
        sys.stdout.write(f"{path}\n")


if __name__ == "__main__":
    main()
