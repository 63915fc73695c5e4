"""The fact sheet's charts: which figures compare, the ```chart block, and the chart in both
formats (a vector drawing in the PDF, a PNG at print resolution with alt text in the DOCX);
the fact sheet stays one page in both formats and both languages."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from memo_gen.compose.comparisons import ChartMaker
from memo_gen.compose.composer import Composer
from memo_gen.compose.formatting import Formatter
from memo_gen.compose.markdown import to_blocks
from memo_gen.compose.templating import RenderedMarkdown
from memo_gen.document import Chart, ChartBar
from memo_gen.record.loader import load_record
from memo_gen.record.validate import validate_record
from memo_gen.resources import data_dir

HAVE_POPPLER = shutil.which("pdftotext") is not None
HAVE_SOFFICE = shutil.which("soffice") is not None
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
EMU_PER_INCH = 914400


def figure(id: str, value: float, **extra: Any) -> dict[str, Any]:
    """A figure of the one measure these tests compare, unless ``extra`` says otherwise."""
    return {"id": id, "label": "Trade turnover", "value": value, **extra}


def charts_of(*figures: dict[str, Any], line: str | None = None) -> list[Chart]:
    record = validate_record(
        {
            "document": {"date": "2025-03-14"},
            "visit": {"title": "A visit", "start": "2025-03-13"},
            "figures": list(figures),
        }
    )
    ids = (line or " ".join(f["id"] for f in figures)).split()
    return ChartMaker(record, Formatter())(ids)


def test_the_sample_fact_sheet_charts_trade_and_oil_transit() -> None:
    sheet = Composer().compose(load_record(), "factsheet")
    charts = [block for block in sheet.blocks if isinstance(block, Chart)]
    assert charts == [
        Chart(
            "Bilateral trade turnover",
            "million USD",
            (
                ChartBar("2024", 533.4, "actual", "533.4"),
                ChartBar("Target", 1000.0, "target", "1,000"),
            ),
        ),
        Chart(
            "Oil transported through the Baku–Tbilisi–Ceyhan pipeline",
            "million t per year",
            (
                ChartBar("2024", 1.4, "actual", "1.4"),
                ChartBar("medium term (forecast)", 2.2, "forecast", "2.2"),
            ),
        ),
    ]


def test_the_russian_chart_writes_russian_numbers() -> None:
    sheet = Composer().compose(load_record(), "factsheet", "ru")
    chart = next(block for block in sheet.blocks if isinstance(block, Chart))
    assert chart.unit == "млн USD"
    assert [(bar.label, bar.text) for bar in chart.bars] == [
        ("2024", "533,4"),
        ("Цель", "1\u00a0000"),
    ]


def test_no_chart_when_nothing_compares() -> None:
    short = load_record(data_dir() / "short-readout.yaml")
    for lang in ("en", "ru"):
        sheet = Composer().compose(short, "factsheet", lang)
        assert not any(isinstance(block, Chart) for block in sheet.blocks)


@pytest.mark.parametrize(
    ("figures", "bars"),
    [
        # Different units, currencies or rates do not compare.
        ([figure("a", 1, unit="t"), figure("b", 2, unit="universities")], []),
        ([figure("a", 1, currency="USD"), figure("b", 2, currency="EUR")], []),
        ([figure("a", 1, unit="t"), figure("b", 2, unit="t", per="year")], []),
        # A multiplier or a change is no bar; one bar is no chart.
        ([figure("a", 1), {"id": "b", "label": "x", "multiplier": 5}], []),
        ([figure("a", 1), figure("b", 2, kind="change")], []),
        ([figure("a", 1)], []),
        # Unlike measures that share a unit: turnover, exports and imports are not one chart.
        (
            [
                figure("a", 6, currency="USD"),
                figure("b", 4, currency="USD", label="Exports"),
                figure("c", 2, currency="USD", label="Imports"),
            ],
            [],
        ),
        # The same measure whatever the case and spacing of its label.
        ([figure("a", 1), figure("b", 2, label="trade  Turnover")], [1.0, 2.0]),
        # A full year beside four months is no comparison; equal periods are.
        ([figure("a", 6, period="2024"), figure("b", 2, period="January–April 2025")], []),
        (
            [
                figure("a", 6, period="2024"),
                figure("b", 2, period="January–April 2025", months=4),
            ],
            [],
        ),
        (
            [
                figure("a", 1.5, period="January–April 2024", months=4),
                figure("b", 2, period="January–April 2025", months=4),
            ],
            [1.5, 2.0],
        ),
        ([figure("a", 6, period="2023"), figure("b", 7, period="2024")], [6.0, 7.0]),
        # A bound other than "about" cannot be drawn as a bar.
        ([figure("a", 1), figure("b", 2, qualifier="more-than")], []),
        ([figure("a", 1), figure("b", 2, qualifier="about")], [1.0, 2.0]),
        # A target with no period is drawn beside the actual years of its measure.
        (
            [
                figure("a", 533.4, period="2024", kind="actual"),
                figure("b", 1000, kind="target"),
            ],
            [533.4, 1000.0],
        ),
        # A rate carries its period's length: a forecast "in the medium term" compares.
        (
            [
                figure("a", 1.4, unit="t", per="year", period="2024"),
                figure("b", 2.2, unit="t", per="year", period="medium term", kind="forecast"),
            ],
            [1.4, 2.2],
        ),
        # Scales convert to the smallest; case does not matter for units.
        (
            [
                figure("a", 500, scale="thousand", unit="t"),
                figure("b", 2, scale="million", unit="T"),
            ],
            [500.0, 2000.0],
        ),
    ],
)
def test_which_figures_compare(figures: list[dict[str, Any]], bars: list[float]) -> None:
    charts = charts_of(*figures)
    assert [bar.value for chart in charts for bar in chart.bars] == bars


def test_one_line_gives_a_chart_per_group_and_none_twice() -> None:
    figures = [figure("a", 1, unit="t"), figure("b", 2, unit="t"), figure("c", 3), figure("d", 4)]
    record = validate_record(
        {"document": {"date": "2025-03-14"}, "visit": {"title": "A visit"}, "figures": figures}
    )
    maker = ChartMaker(record, Formatter())
    assert [len(c.bars) for c in maker(["a", "b", "c", "d", "unknown"])] == [2, 2]
    assert maker(["b", "a"]) == []  # charted already


def test_a_chart_fence_asks_the_resolver_line_by_line() -> None:
    asked: list[list[str]] = []

    def resolver(ids: Any) -> list[Chart]:
        asked.append(list(ids))
        return [Chart("t", "", (ChartBar("x", 1),))]

    source = RenderedMarkdown("```chart\n# a comment\n\ue0000\ue001 b\n\nc d\n```\n", ("a",))
    blocks = to_blocks(source, resolver)
    assert asked == [["a", "b"], ["c", "d"]]
    assert len(blocks) == 2
    assert to_blocks(source) == ()  # no resolver: no chart


# --- the files ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    """The sample's files in English and Russian, and the short readout's fact sheets."""
    found: dict[str, dict[str, Path]] = {}
    for lang in ("en", "ru"):
        out = tmp_path_factory.mktemp(lang)
        sample = out / "sample.yaml"
        shutil.copy(data_dir() / "astana-2025-03-13.yaml", sample)
        short = data_dir() / "short-readout.yaml"
        result = subprocess.run(
            [sys.executable, "-m", "memo_gen", "build", "--lang", lang, "-o", str(out),
             str(sample), str(short)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        found[lang] = {p.name: p for p in out.iterdir()}
    return found


def picture(docx: Path) -> tuple[Any, bytes]:
    """The DOCX's one drawing (wp:inline) and the bytes of its media part."""
    from lxml import etree

    with zipfile.ZipFile(docx) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert len(media) == 1, media
        return body.find(f".//{WP}inline"), archive.read(media[0])


@pytest.mark.parametrize(
    ("lang", "values"), [("en", ["533.4", "1,000", "1.4", "2.2"]), ("ru", ["533,4", "1 000"])]
)
def test_docx_chart_is_a_print_resolution_png_with_alt_text(
    built: dict[str, dict[str, Path]], lang: str, values: list[str]
) -> None:
    inline, png = picture(built[lang]["sample-factsheet.docx"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    extent = inline.find(f"{WP}extent")
    width_in = int(extent.get("cx")) / EMU_PER_INCH
    height_in = int(extent.get("cy")) / EMU_PER_INCH
    assert image.width / width_in >= 200 and image.height / height_in >= 200
    assert round(image.info["dpi"][0]) >= 200
    # As wide as the text: A4 less 25 mm and 20 mm margins.
    assert abs(width_in * 25.4 - (210 - 45)) < 0.5
    descr = inline.find(f"{WP}docPr").get("descr").replace("\u00a0", " ")
    assert "Bilateral trade turnover" in descr
    for value in values:
        assert value in descr


def test_the_chart_png_is_the_same_each_time(built: dict[str, dict[str, Path]]) -> None:
    from memo_gen.backends.chart import chart_png, chart_row_drawing
    from memo_gen.backends.pdf_fonts import FontChain
    from memo_gen.backends.theme import load_theme
    from memo_gen.resources import templates_dir

    sheet = Composer().compose(load_record(), "factsheet")
    charts = [block for block in sheet.blocks if isinstance(block, Chart)]
    theme = load_theme(templates_dir())
    drawing = chart_row_drawing(charts, theme, FontChain.of(theme), theme.text_width_pt, 800)
    _, png = picture(built["en"]["sample-factsheet.docx"])
    assert chart_png(drawing) == chart_png(drawing) == png


def test_no_picture_without_a_chart(built: dict[str, dict[str, Path]]) -> None:
    with zipfile.ZipFile(built["en"]["short-readout-factsheet.docx"]) as archive:
        assert not [n for n in archive.namelist() if n.startswith("word/media/")]


def pdf_text(path: Path) -> str:
    if HAVE_POPPLER:
        return subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def images_in(path: Path) -> int:
    count = 0
    for page in PdfReader(path).pages:
        resources = page.get("/Resources") or {}
        for xobject in (resources.get("/XObject") or {}).values():
            count += xobject.get_object().get("/Subtype") == "/Image"
    return count


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Bilateral trade turnover", "million USD", "Target", "533.4", "1,000",
                "million t per year", "medium term (forecast)"]),
        ("ru", ["млн USD", "Цель", "533,4", "1 000", "medium term (прогноз)"]),
    ],
)  # fmt: skip
def test_pdf_chart_is_vector_with_searchable_labels(
    built: dict[str, dict[str, Path]], lang: str, words: list[str]
) -> None:
    path = built[lang]["sample-factsheet.pdf"]
    text = re.sub(r"\s+", " ", pdf_text(path).replace("\u00a0", " "))
    for word in words:
        assert word in text
    assert images_in(path) == 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_pdf_fact_sheet_is_one_page(built: dict[str, dict[str, Path]], lang: str) -> None:
    assert len(PdfReader(built[lang]["sample-factsheet.pdf"]).pages) == 1


@pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_the_docx_fact_sheets_are_one_page_in_libreoffice(
    built: dict[str, dict[str, Path]], tmp_path: Path
) -> None:
    for lang in ("en", "ru"):
        out = tmp_path / lang
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
             "--norestore", "--convert-to", "pdf", "--outdir", str(out),
             str(built[lang]["sample-factsheet.docx"])],
            capture_output=True, check=True, timeout=180,
        )  # fmt: skip
        converted = PdfReader(out / "sample-factsheet.pdf")
        assert len(converted.pages) == 1, lang
        if lang == "ru":
            assert "Стр. 1 из 1" in converted.pages[0].extract_text()


def test_russian_memo_in_both_formats(built: dict[str, dict[str, Path]]) -> None:
    pdf = built["ru"]["sample-memo.pdf"]
    text = pdf_text(pdf)
    for word in ("ЗАПИСЬ БЕСЕДЫ", "КОМУ:", "ТЕМА:", "14 марта 2025 г.", "533,4", "Стр. 1 из"):
        assert word in text, word
    assert PdfReader(pdf).root_object.get("/Lang") == "ru"
    with zipfile.ZipFile(built["ru"]["sample-memo.docx"]) as archive:
        document = archive.read("word/document.xml").decode()
        styles = archive.read("word/styles.xml").decode()
        footer = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")
        )
    for word in ("ЗАПИСЬ БЕСЕДЫ", "КОМУ:", "14 марта 2025 г.", "533,4"):
        assert word in document, word
    assert 'w:lang w:val="ru-RU"' in styles
    assert "Стр. " in footer and " из " in footer


def test_the_same_record_gives_the_same_russian_files(
    built: dict[str, dict[str, Path]], tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "memo_gen", "build", "--lang", "ru", "-o", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    *paths, _ = map(Path, result.stdout.split())  # the manifest names another record file
    for path in paths:
        original = built["ru"][path.name.replace("astana-2025-03-13-", "sample-")]
        assert path.read_bytes() == original.read_bytes(), path.name


def test_a_bar_says_what_it_is() -> None:
    (chart,) = charts_of(
        figure("a", 533.4, period="2024", kind="actual"),
        figure("b", 1000, kind="target"),
        figure("c", 700, period="2025", kind="forecast"),
        figure("d", 600, period="2023"),
        figure("e", 650, period="2022", qualifier="about"),
    )
    assert chart.title == "Trade turnover"
    assert [(bar.label, bar.text) for bar in chart.bars] == [
        ("2024", "533.4"),
        ("Target", "1,000"),
        ("2025 (forecast)", "700"),
        ("2023", "600"),
        ("2022", "about 650"),
    ]
