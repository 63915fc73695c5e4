"""One record in several languages: a text given as {en: …, ru: …, kk: …}, ``--lang`` with
one language or several, ``--fallback``, and ``validate --lang`` listing what is left to
translate. The documents are read back with real readers (pdftotext, the DOCX's XML)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from pypdf import PdfReader

from memo_gen import cli
from memo_gen.errors import InvalidRecordError
from memo_gen.record.loader import load_record, parse_record
from memo_gen.record.translations import TextLanguage
from memo_gen.resources import STARTER_RECORD, sample_record_path, templates_dir
from test_documents import docx_text, pdf_text, squeeze

SAMPLE = sample_record_path()
TITLES = {
    "en": "Official visit of the Minister of Foreign Affairs of the Republic of Azerbaijan to "
    "Kazakhstan",
    "ru": "Официальный визит Министра иностранных дел Азербайджанской Республики в Казахстан",
    "kk": "Әзербайжан Республикасы Сыртқы істер министрінің Қазақстанға ресми сапары",
    "az": "Azərbaycan Respublikasının Xarici İşlər Nazirinin Qazaxıstana rəsmi səfəri",
}


def starter_text() -> str:
    return (templates_dir() / STARTER_RECORD).read_text(encoding="utf-8")


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli.cli, list(args), prog_name="memo-gen")


def sample_data() -> dict[str, object]:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def write(data: object, path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def without(data: dict[str, object], language: str) -> dict[str, object]:
    """The record with ``language`` taken out of every text given in several languages."""

    def strip(value: object) -> object:
        if isinstance(value, dict):
            if value and all(isinstance(v, str) for v in value.values()) and "en" in value:
                return {k: v for k, v in value.items() if k != language}
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    stripped = strip(data)
    assert isinstance(stripped, dict)
    return stripped


# --- reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", sorted(TITLES))
def test_a_text_is_read_in_the_language_asked_for(language: str) -> None:
    record = load_record(language=TextLanguage(language))
    assert record.visit.title == TITLES[language]
    # A plain string stands as written in every language.
    assert record.visit.place is not None and record.visit.place.city == "Astana"
    assert record.participants[0].name == "Murat Nurtleu"


def test_the_record_language_is_the_default_and_a_subtag_finds_its_language() -> None:
    assert load_record().visit.title == TITLES["en"]
    assert load_record(language=TextLanguage("ru-RU")).visit.title == TITLES["ru"]
    data = sample_data()
    data["visit"]["title"] = {"en": "Visit", "kk-Cyrl": "Сапар"}  # type: ignore[index]
    assert parse_record(yaml.safe_dump(data), "yaml").visit.title == "Visit"
    from memo_gen.record.validate import validate_record

    record = validate_record(data, language=TextLanguage("kk"))
    assert record.visit.title == "Сапар"


def test_a_missing_translation_names_the_field_the_language_and_the_line(tmp_path: Path) -> None:
    path = write(without(sample_data(), "kk"), tmp_path / "visit.yaml")
    with pytest.raises(InvalidRecordError) as caught:
        load_record(path, language=TextLanguage("kk"))
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 5
    assert problems[0].startswith("visit.title: has no text in 'kk' (it has en, ru, az)")
    assert all("--fallback en" in p and re.search(r"\(line \d+\)$", p) for p in problems)
    fields = [p.split(":", 1)[0] for p in problems]
    assert fields == [
        "visit.title", "summary[0]", "summary[1]", "participants[0].title",
        "participants[1].title",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ({}, "gives no text"),
        ({"english": "Visit"}, "'english' is not a language tag"),
        ({"en": 2025}, "must be text"),
        ({"en": "Visit", "ru": "Визит\u202e"}, "U+202E"),
    ],
)
def test_a_bad_mapping_is_refused_with_a_clear_message(text: object, message: str) -> None:
    data = sample_data()
    data["visit"]["title"] = text  # type: ignore[index]
    from memo_gen.record.validate import validate_record

    with pytest.raises(InvalidRecordError) as caught:
        validate_record(data, language=TextLanguage("ru"))
    assert [p.path for p in caught.value.problems] == ["visit.title"]
    assert message in str(caught.value.problems[0])


# --- validate --lang --------------------------------------------------------------------------


def test_validate_lang_lists_every_text_left_to_translate(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(without(sample_data(), "ru"), tmp_path / "visit.yaml")
    result = invoke(runner, "validate", "--lang", "en,ru", str(path))
    assert result.exit_code == 4, result.output
    assert result.stdout.startswith(f"{path}: OK in en (")
    lines = result.stderr.splitlines()
    assert lines[0] == f"Error: {path}: not a valid visit record in ru (5 problems)"
    assert all("has no text in 'ru'" in line for line in lines[1:]) and len(lines) == 6
    complete = invoke(runner, "validate", "--lang", "kk")
    assert complete.exit_code == 0 and complete.stdout.startswith("sample record: OK in kk (")


def test_lang_refuses_what_is_not_a_language_tag(runner: CliRunner) -> None:
    for option in ("--lang", "--fallback"):
        result = invoke(runner, "pdf", option, "en,<script>" if option == "--lang" else "EN!")
        assert result.exit_code == 2
        assert "is not a language tag" in result.stderr


# --- rendering --------------------------------------------------------------------------------


def test_build_writes_each_document_in_each_language(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "build", "--lang", "en,ru,kk", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    expected = sorted(
        f"astana-2025-03-13-{kind}-{language}.{fmt}"
        for kind in ("memo", "factsheet")
        for language in ("en", "ru", "kk")
        for fmt in ("docx", "pdf")
    )
    assert names == sorted([*expected, "manifest.json"])
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(entry["name"] for entry in manifest["files"]) == expected
    for language in ("en", "ru", "kk"):
        memo = tmp_path / f"astana-2025-03-13-memo-{language}.pdf"
        assert PdfReader(memo).root_object.get("/Lang") == language
        assert squeeze(TITLES[language]) in squeeze(pdf_text(memo))
        docx = tmp_path / f"astana-2025-03-13-memo-{language}.docx"
        assert squeeze(TITLES[language]) in squeeze(docx_text(docx))
        others = [TITLES[other] for other in TITLES if other != language]
        assert not any(squeeze(title) in squeeze(pdf_text(memo)) for title in others)


def test_a_missing_translation_is_refused_and_nothing_is_written(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(without(sample_data(), "kk"), tmp_path / "visit.yaml")
    out = tmp_path / "out"
    result = invoke(runner, "build", "--lang", "kk", "-o", str(out), str(path))
    assert result.exit_code == 4
    assert "visit.title: has no text in 'kk'" in result.stderr
    assert not out.exists() or sorted(p.name for p in out.iterdir()) in ([], ["manifest.json"])


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_fallback_renders_the_record_and_says_so_in_the_source_note(
    runner: CliRunner, tmp_path: Path, fmt: str
) -> None:
    path = write(without(sample_data(), "ru"), tmp_path / "visit.yaml")
    out = tmp_path / "out"
    result = invoke(runner, fmt, "--lang", "ru", "--fallback", "en", "-o", str(out), str(path))
    assert result.exit_code == 0, result.output
    assert "5 texts not in ru taken from en (said in the source note)" in result.stderr
    read = pdf_text if fmt == "pdf" else docx_text
    note = squeeze(
        "Тексты, которых в записи нет на русском языке, приведены на английском языке: "
        "visit.title, summary[0], summary[1], participants[0].title, participants[1].title."
    )
    for kind in ("memo", "factsheet"):
        text = squeeze(read(out / f"visit-{kind}.{fmt}"))
        assert note in text, kind
        assert squeeze(TITLES["en"]) in text  # the fallback's text, where Russian is missing
        assert "Источник:" in text or "Источник" in text


def test_a_template_that_does_not_print_the_note_still_gets_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "memo.md.j2").write_text("# {{ visit.title }}\n", encoding="utf-8")
    (folder / "factsheet.md.j2").write_text("# {{ visit.title }}\n", encoding="utf-8")
    path = write(without(sample_data(), "ru"), tmp_path / "visit.yaml")
    args = ["pdf", "--template-dir", str(folder), "--lang", "en", "--fallback", "ru"]
    result = invoke(runner, *args, "-o", str(tmp_path / "ok"), str(path))
    assert result.exit_code == 0, result.output  # nothing is missing in English
    assert "record gives no English text" not in pdf_text(tmp_path / "ok" / "visit-memo.pdf")
    data = sample_data()
    data["visit"]["title"] = {"ru": TITLES["ru"]}  # type: ignore[index]
    path = write(data, tmp_path / "visit.yaml")
    result = invoke(runner, *args, "-o", str(tmp_path / "out"), str(path))
    assert result.exit_code == 0, result.output
    text = squeeze(pdf_text(tmp_path / "out" / "visit-memo.pdf"))
    assert squeeze(TITLES["ru"]) in text
    assert squeeze("Where the record gives no text in the language of this document") in text


def test_markup_in_a_translation_renders_literally(runner: CliRunner, tmp_path: Path) -> None:
    data = sample_data()
    hostile = "Визит <b>&amp; {{ record }} {% raw %} **жирный** Қазақ ə"
    data["visit"]["title"] = {"en": "Visit", "ru": hostile}  # type: ignore[index]
    path = write(data, tmp_path / "visit.yaml")
    result = invoke(runner, "build", "--lang", "ru", "-o", str(tmp_path / "out"), str(path))
    assert result.exit_code == 0, result.output
    for name in ("visit-memo.pdf", "visit-memo.docx"):
        file = tmp_path / "out" / name
        text = pdf_text(file) if file.suffix == ".pdf" else docx_text(file)
        assert squeeze(hostile) in squeeze(text), name


def test_the_starter_record_shows_a_text_in_several_languages() -> None:
    lines = starter_text().splitlines()
    start = lines.index("  # title:")
    example = [line.replace("# ", "", 1) for line in lines[start : start + 4]]
    plain = lines.index("  title: Official visit of the Minister of Foreign Affairs")
    text = "\n".join([*lines[:plain], *example, *lines[plain + 1 :]])
    from memo_gen.record.loader import parse_data
    from memo_gen.record.validate import validate_record

    data, read_lines = parse_data(text, "yaml")
    record = validate_record(data, read_lines, language=TextLanguage("ru"))
    assert record.visit.title == "Официальный визит Министра иностранных дел"


def test_validate_tells_each_language_its_own_problems(runner: CliRunner, tmp_path: Path) -> None:
    data = sample_data()
    data["visit"]["title"] = {"en": "x" * 2_000, "ru": "\x07Визит"}  # type: ignore[index]
    path = write(data, tmp_path / "visit.yaml")
    result = invoke(runner, "validate", "--lang", "en,ru,kk", str(path))
    assert result.exit_code == 4
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith("Error: ")] == [
        f"Error: {path}: not a valid visit record in {language} (1 problem)"
        for language in ("en", "ru", "kk")
    ]
    assert "over the limit of 1,000" in lines[1]
    assert "control character U+0007" in lines[3]
    assert "has no text in 'kk' (it has en, ru)" in lines[5]
