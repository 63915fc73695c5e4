"""The Kazakh and Azerbaijani documents, read back from the files: Babel's month names and
number separators of each locale in the text of the PDF and of the DOCX, the language each
file declares, and every letter of both alphabets in regular, bold and italic."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from pypdf import PdfReader

from memo_gen import cli
from memo_gen.backends.fonts import face_path
from memo_gen.backends.theme import load_theme
from memo_gen.compose.formatting import Formatter
from memo_gen.compose.languages import load_words
from memo_gen.record import glyphs
from memo_gen.record.fields import PartialDate
from memo_gen.resources import sample_record_path, templates_dir
from test_documents import HAVE_POPPLER, docx_text, pdf_text, squeeze

KAZAKH = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
AZERBAIJANI = "əğıöüçşƏĞİÖÜÇŞ"

EXPECTED = {
    "kk": {
        "dates": ["2025 жылғы 14 наурыз", "2025 жылғы 13 наурыз"],
        "numbers": ["533,4", "1 234,5"],
        "labels": ["Қысқаша мазмұны", "Қатысушылар"],
    },
    "az": {
        "dates": ["14 mart 2025", "13 mart 2025"],
        "numbers": ["533,4", "1.234,5"],
        "labels": ["Qısa məzmun", "İştirakçılar"],
    },
}
"""What each language's memo must show: the memo's and the visit's dates (month names),
figures with the locale's decimal comma and group separator, and headings."""


def record_with_letters(folder: Path) -> Path:
    """The sample, with a figure of four digits and the letters of both alphabets in plain,
    bold (a heading) and italic (the source note) text."""
    data = yaml.safe_load(sample_record_path().read_text(encoding="utf-8"))
    data["figures"][0]["value"] = 1234.5
    data["background"].append(f"{KAZAKH} {AZERBAIJANI}")
    data["topics"][0]["title"] = f"{KAZAKH} {AZERBAIJANI}"
    data["visit"]["source"]["notes"].append(f"{KAZAKH} {AZERBAIJANI}")
    path = folder / "letters.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kk-az")
    record = record_with_letters(out)
    result = CliRunner().invoke(
        cli.cli, ["build", "--lang", "kk,az", "-o", str(out / "out"), str(record)]
    )
    assert result.exit_code == 0, result.output
    return out / "out"


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_dates_numbers_and_labels_follow_the_locale(files: Path, language: str, fmt: str) -> None:
    path = files / f"letters-memo-{language}.{fmt}"
    text = squeeze(pdf_text(path) if fmt == "pdf" else docx_text(path))
    expected = EXPECTED[language]
    for value in (*expected["dates"], *expected["numbers"], *expected["labels"]):
        assert squeeze(value) in text, (language, fmt, value)


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_each_file_declares_its_language(files: Path, language: str) -> None:
    for kind in ("memo", "factsheet"):
        pdf = PdfReader(files / f"letters-{kind}-{language}.pdf")
        assert pdf.root_object.get("/Lang") == language
        xml = subprocess.run(
            ["unzip", "-p", str(files / f"letters-{kind}-{language}.docx"), "word/styles.xml"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert re.search(rf'<w:lang w:val="{language}(-[A-Za-z]+)*"', xml)  # az-Latn-AZ


@pytest.mark.parametrize("letter", list(KAZAKH + AZERBAIJANI))
def test_the_glyph_check_knows_every_letter(letter: str) -> None:
    assert glyphs.refusal(f"a{letter}b") is None


def test_every_face_of_the_theme_has_every_letter() -> None:
    family = load_theme(templates_dir()).pdf_font
    for bold in (False, True):
        for italic in (False, True):
            path = face_path(family, bold, italic)
            cmap = TTFont(path)["cmap"].getBestCmap()
            assert [c for c in KAZAKH + AZERBAIJANI if ord(c) not in cmap] == [], path.name


@pytest.mark.skipif(not HAVE_POPPLER, reason="needs pdffonts")
@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_letters_come_back_from_plain_bold_and_italic_text(files: Path, language: str) -> None:
    path = files / f"letters-memo-{language}.pdf"
    text = pdf_text(path)
    assert text.count(f"{KAZAKH} {AZERBAIJANI}") >= 3  # background, topic heading, note
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert any("Bold" in row for row in rows) and any("Italic" in row for row in rows)
    assert all(row.split()[-5] == "yes" for row in rows), fonts.stdout  # every font embedded


@pytest.mark.parametrize(
    ("language", "same_month", "across_months"),
    [
        ("kk", "2025 жылғы 13–15 наурыз", "2025 жылғы 30 сәуір – 2 мамыр"),
        ("az", "13–15 mart 2025", "30 aprel – 2 may 2025"),
        ("ru", "13–15 марта 2025 г.", "30 апреля – 2 мая 2025 г."),
    ],
)
def test_date_ranges_are_worded_as_each_language_writes_them(
    language: str, same_month: str, across_months: str
) -> None:
    formatter = Formatter(load_words(templates_dir() / language))
    march = formatter.date_range(PartialDate(2025, 3, 13), PartialDate(2025, 3, 15))
    spring = formatter.date_range(PartialDate(2025, 4, 30), PartialDate(2025, 5, 2))
    assert (march, spring) == (same_month, across_months)
