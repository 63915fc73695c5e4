"""Languages: template sets per language, Babel dates and numbers, the choice of language."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from memo_gen.cli import cli
from memo_gen.compose.composer import Composer
from memo_gen.compose.formatting import Formatter
from memo_gen.compose.languages import TemplateFolder, Words, load_words
from memo_gen.document import Document, HeaderBlock, Heading, List, Paragraph, Table, plain_text
from memo_gen.errors import TemplateError
from memo_gen.record.fields import PartialDate
from memo_gen.record.loader import load_record
from memo_gen.record.model import VisitRecord
from memo_gen.record.validate import validate_record
from memo_gen.resources import templates_dir

NBSP = "\u00a0"


def document_text(document: Document) -> str:
    """Every text of a document's blocks, header blocks included."""
    texts = []
    for block in document.blocks:
        if isinstance(block, HeaderBlock):
            texts += [plain_text(field.value) for field in block.fields]
        elif isinstance(block, Paragraph | Heading):
            texts.append(plain_text(block.runs))
        elif isinstance(block, List):
            texts += [plain_text(p.runs) for item in block.items for p in item.blocks]
        elif isinstance(block, Table):
            texts += [plain_text(cell) for row in (block.header, *block.rows) for cell in row]
    return "\n".join(texts)


@pytest.fixture(scope="module")
def russian() -> Formatter:
    return Formatter(load_words(templates_dir() / "ru"))


@pytest.fixture(scope="module")
def english() -> Formatter:
    return Formatter(load_words(templates_dir() / "en"))


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer()


def with_language(language: str) -> VisitRecord:
    data = load_record().model_dump(by_alias=True, mode="json")
    data["document"]["language"] = language
    return validate_record(data)


@pytest.mark.parametrize(
    ("value", "en", "ru"),
    [
        (PartialDate(2025, 3, 13), "13 March 2025", "13 марта 2025 г."),
        (PartialDate(2025, 3), "March 2025", "март 2025 г."),
        (PartialDate(2025, 5), "May 2025", "май 2025 г."),
        (PartialDate(2025), "2025", "2025 г."),
    ],
)
def test_dates(
    english: Formatter, russian: Formatter, value: PartialDate, en: str, ru: str
) -> None:
    assert english.date(value) == en
    assert russian.date(value) == ru


def test_date_ranges(english: Formatter, russian: Formatter) -> None:
    start, end = PartialDate(2025, 4, 30), PartialDate(2025, 5, 2)
    assert english.date_range(start, end) == "30 April – 2 May 2025"
    assert russian.date_range(start, end) == "30 апреля – 2 мая 2025 г."
    assert russian.date_range(PartialDate(2025, 3, 13), PartialDate(2025, 3, 15)) == (
        "13–15 марта 2025 г."
    )


@pytest.mark.parametrize(
    ("value", "en", "ru"),
    [
        (533.4, "533.4", "533,4"),
        (1.0, "1", "1"),
        (130000, "130,000", f"130{NBSP}000"),
        (1234567.25, "1,234,567.25", f"1{NBSP}234{NBSP}567,25"),
        (0.123456789, "0.123456789", "0,123456789"),  # every digit the record gives
        (-2.5, "-2.5", "-2,5"),
    ],
)
def test_numbers(english: Formatter, russian: Formatter, value: float, en: str, ru: str) -> None:
    assert english.number(value) == en
    assert russian.number(value) == ru


def test_the_grouping_space_has_a_glyph_in_the_pdf_fonts(russian: Formatter) -> None:
    from memo_gen.backends.pdf import missing_glyphs

    text = russian.number(1234567.5) + russian.date(PartialDate(2025, 3, 13))
    assert missing_glyphs(text) == set()


def test_russian_memo_labels_dates_and_numbers(composer: Composer) -> None:
    memo = composer.compose(load_record(), "memo", "ru")
    text = document_text(memo)
    header = next(b for b in memo.blocks if isinstance(b, HeaderBlock))
    assert [f.label for f in header.fields] == ["КОМУ:", "ОТ:", "ДАТА:", "ТЕМА:"]
    assert plain_text(header.fields[2].value) == "14 марта 2025 г."
    titles = [plain_text(b.runs) for b in memo.blocks if isinstance(b, Paragraph)]
    assert "ЗАПИСЬ БЕСЕДЫ" in titles
    assert "Исх. № MFA-KZ/BIL/2025/0313" in titles
    headings = [plain_text(b.runs) for b in memo.blocks if isinstance(b, Heading)]
    assert "Краткое содержание" in headings and "Основные показатели" in headings
    assert "533,4" in text and "марта" in text
    assert "официальный визит" in text
    assert memo.metadata.language == "ru"
    assert memo.furniture.page_label == "Стр. {page} из {pages}"
    assert memo.furniture.footer == "MFA-KZ/BIL/2025/0313 · Версия 1"


def test_record_text_stays_as_written_in_russian(composer: Composer) -> None:
    record = load_record()
    memo = composer.compose(record, "memo", "ru")
    text = document_text(memo)
    for value in (record.visit.title, record.summary[0], "Мұрат Нұртілеу", "Ceyhun Bayramov"):
        assert value in text


def test_russian_fact_sheet(composer: Composer) -> None:
    sheet = composer.compose(load_record(), "factsheet", "ru")
    assert sheet.metadata.title.startswith("Справка: ")
    assert plain_text(next(b for b in sheet.blocks if isinstance(b, Paragraph)).runs) == "СПРАВКА"
    assert "13 марта 2025 г." in document_text(sheet)
    assert "справка" in sheet.metadata.keywords and "торговля" in sheet.metadata.keywords


def test_english_stays_the_default(composer: Composer) -> None:
    memo = composer.compose(load_record(), "memo")
    assert memo.metadata.language == "en"
    assert memo.furniture.page_label == "Page {page} of {pages}"


def test_the_records_language_chooses_the_set(composer: Composer) -> None:
    record = with_language("ru")
    assert composer.choose(record).language == "ru"
    assert composer.compose(record, "memo").metadata.language == "ru"
    assert composer.choose(with_language("ru-RU")).language == "ru"
    assert composer.choose(record, "en").language == "en"  # --lang wins


def test_a_language_without_templates_falls_back_to_english(composer: Composer) -> None:
    choice = composer.choose(with_language("uz"))
    assert (choice.language, choice.fell_back_from) == ("en", "uz")


def test_lang_without_templates_is_a_template_error(composer: Composer) -> None:
    with pytest.raises(
        TemplateError, match=r"no templates for language 'uz'.*available: az, en, kk, ru"
    ):
        composer.compose(load_record(), "memo", "uz")


def test_a_single_language_folder(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(templates_dir() / "ru", folder)
    shutil.copy(templates_dir() / "theme.toml", folder)
    templates = TemplateFolder(folder)
    assert templates.single and list(templates.sets()) == ["ru"]
    # The record says en; a folder with a single set writes every record in its language.
    assert Composer(folder).choose(load_record()).fell_back_from == "en"
    memo = Composer(folder).compose(load_record(), "memo")
    assert memo.metadata.language == "ru"
    with pytest.raises(TemplateError, match="available: ru"):
        Composer(folder).compose(load_record(), "memo", "en")


def test_an_old_style_folder_is_english(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "memo.md.j2").write_text("# {{ visit.start | date }}\n", encoding="utf-8")
    memo = Composer(folder).compose(load_record(), "memo")
    assert memo.metadata.language == "en"
    assert plain_text(memo.blocks[0].runs) == "13 March 2025"  # type: ignore[union-attr]


def test_language_file_mistakes_are_template_errors(tmp_path: Path) -> None:
    (tmp_path / "language.toml").write_text('lang = "ru"\n', encoding="utf-8")
    with pytest.raises(TemplateError, match="unknown key 'lang'"):
        load_words(tmp_path)
    (tmp_path / "language.toml").write_text("date = 3\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="date must be text"):
        load_words(tmp_path)
    assert load_words(tmp_path / "nowhere") == Words()


@pytest.mark.parametrize("language", ["ru", "kk", "az"])
def test_every_term_group_covers_the_records_values(language: str) -> None:
    from typing import get_args

    from memo_gen.record import model

    words = load_words(templates_dir() / language)
    groups = {
        "visit-kind": model.VisitKind,
        "role": model.ParticipantRole,
        "meeting-format": model.MeetingFormat,
        "scale": model.Scale,
        "figure-kind": model.FigureKind,
        "agreement-status": model.AgreementStatus,
        "area": model.Area,
    }
    for group, values in groups.items():
        missing = [v for v in get_args(values) if words.term(v, group) is None]
        assert missing == [], group


def test_cli_lang_option_and_fallback_warning(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["pdf", "--lang", "ru", "--doc", "memo", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["pdf", "--lang", "xx", "-o", str(tmp_path / "none")])
    assert result.exit_code == 5
    assert "no templates for language 'xx'" in result.stderr
    record = tmp_path / "uz.json"
    data = load_record().model_dump(by_alias=True, mode="json")
    data["document"]["language"] = "uz"
    record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(cli, ["pdf", str(record), "--doc", "memo", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "no templates for its language 'uz'; writing in en" in result.stderr


def test_validate_does_not_import_babel() -> None:
    code = (
        "import sys\n"
        "from memo_gen.cli import cli\n"
        "try:\n"
        "    cli.main(['validate'], standalone_mode=False)\n"
        "finally:\n"
        "    print('babel' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
