"""The fact sheet stays on one page, whatever the record holds.

A list longer than the page holds shows its first entries and says how many more the
memorandum lists ("… and 1,994 more agreements: see the memorandum"); a text longer than the
page holds is cut short and says so. Checked in the PDF (pypdf, pdftotext) and in the DOCX
(python-docx, and LibreOffice's layout of it), in English and Russian. LibreOffice converts
every DOCX of this file in one run: it takes seconds to start.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from big_record import big_record
from memo_gen.compose.composer import Composer
from memo_gen.compose.formatting import Formatter
from memo_gen.compose.languages import TemplateFolder
from memo_gen.document import Document, HeaderBlock, List, Paragraph, Table, plain_text
from memo_gen.record.codes import COUNTRY_CODES
from memo_gen.record.limits import Limits
from memo_gen.record.loader import load_record
from memo_gen.record.model import VOCABULARIES, VisitRecord
from memo_gen.record.validate import validate_record
from memo_gen.render import Renderer
from memo_gen.resources import data_dir, templates_dir

HAVE_SOFFICE = shutil.which("soffice") is not None
HAVE_PDFTOTEXT = shutil.which("pdftotext") is not None
LANGUAGES = ("en", "ru", "kk", "az")
WORDED = ("en", "ru")
"""The languages whose overflow wording the tests below spell out (every one must fit a page)."""
LONG = Limits(max_line_length=10_000)
"""Lines up to 10,000 characters (the default refuses more than 1,000)."""


def agreements(count: int) -> dict[str, Any]:
    data = big_record(1)
    data["agreements"] = [
        {"id": f"a{i}", "title": f"Agreement {i} on trade and transit", "status": "signed",
         "date": "2025-03-13"}
        for i in range(1, count + 1)
    ]  # fmt: skip
    return data


def participants(count: int) -> dict[str, Any]:
    """Principals (two in three, of two countries) and people they met (one in three)."""
    data = big_record(1)
    data["participants"] = [
        {"id": f"p{i}", "name": f"Participant {i} Nurtleuov", "title": "Deputy Minister",
         "country": "KZ" if i % 2 else "AZ", "role": "interlocutor" if i % 3 == 0 else "principal"}
        for i in range(1, count + 1)
    ]  # fmt: skip
    data["quotes"] = []
    return data


def huge_texts() -> dict[str, Any]:
    """A 5,000-character title and summary, and an occasion that is one 3,000-letter word."""
    data = big_record(1)
    data["visit"]["title"] = ("Official visit on trade and transit " * 150)[:5_000]
    data["visit"]["occasion"] = {"description": "Anniversary" + "ә" * 3_000}
    data["summary"] = [("The sides met. " * 400)[:5_000]]
    return data


RECORDS: dict[str, Callable[[], dict[str, Any]]] = {
    "agreements": lambda: agreements(2_000),
    "participants": lambda: participants(500),
    "texts": huge_texts,
}


def squeeze(text: str) -> str:
    """Text without white space (NBSP too), so that line wrapping cannot hide a match."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    if HAVE_PDFTOTEXT:
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        return done.stdout
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    """The DOCX's paragraphs and table cells, read with python-docx."""
    document = open_docx(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def ru_form(count: int, one: str, few: str, many: str) -> str:
    """The Russian noun after a whole number: 1, 21 документ; 2, 22 документа; 5, 11
    документов (the rule written out here, independently of Babel's)."""
    if count % 10 == 1 and count % 100 != 11:
        return one
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return few
    return many


def number(count: int, lang: str) -> str:
    """A count as the documents write it, white space left out: 1,994 and 1994."""
    return f"{count:,}" if lang == "en" else str(count)


FORMS = {
    "en": {
        "agreement": ("agreement", "agreements", "agreements"),
        "principal": ("principal", "principals", "principals"),
        "interlocutor": ("interlocutor", "interlocutors", "interlocutors"),
        "meeting": ("meeting", "meetings", "meetings"),
        "other-agreement": ("agreement with another status", "agreements with other statuses",
                            "agreements with other statuses"),
    },
    "ru": {
        "agreement": ("документ", "документа", "документов"),
        "principal": ("главный участник", "главных участника", "главных участников"),
        "interlocutor": ("собеседник", "собеседника", "собеседников"),
        "meeting": ("мероприятие", "мероприятия", "мероприятий"),
        "other-agreement": ("документ с другим статусом", "документа с другими статусами",
                            "документов с другими статусами"),
    },
}  # fmt: skip
"""Words for one, for a few and for many, by language."""


def more(count: int, what: str, lang: str) -> str:
    """The overflow line for ``count`` hidden entries, white space left out."""
    if lang == "en":
        noun = FORMS[lang][what][0 if count == 1 else 1]
        return squeeze(f"… and {number(count, lang)} more {noun}: see the memorandum")
    noun = ru_form(count, *FORMS[lang][what])
    return squeeze(f"… и ещё {count} {noun}: см. служебную записку")


SHORTENED = {
    "en": "… (full text in the memorandum)",
    "ru": "… (полный текст — в служебной записке)",
}


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict[str, Path]]:
    """Each record's fact sheet in each language: its PDF, its DOCX, and (when LibreOffice
    is installed) LibreOffice's PDF of the DOCX."""
    out = tmp_path_factory.mktemp("sheets")
    renderer = Renderer.create()
    files: dict[tuple[str, str], dict[str, Path]] = {}
    for name, make in RECORDS.items():
        record = validate_record(make(), limits=LONG)
        for lang in LANGUAGES:
            rendered = renderer.render(record, ("factsheet",), ("pdf", "docx"), lang)
            paths = {}
            for fmt in ("pdf", "docx"):
                paths[fmt] = out / f"{name}-{lang}.{fmt}"
                paths[fmt].write_bytes(rendered[("factsheet", fmt)])
            files[(name, lang)] = paths
    if HAVE_SOFFICE:
        converted = out / "libreoffice"
        docs = [str(paths["docx"]) for paths in files.values()]
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless",
             "--norestore", "--convert-to", "pdf", "--outdir", str(converted), *docs],
            capture_output=True, check=True, timeout=300,
        )  # fmt: skip
        for (name, lang), paths in files.items():
            paths["libreoffice"] = converted / f"{name}-{lang}.pdf"
    return files


CASES = [(name, lang) for name in RECORDS for lang in LANGUAGES]


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_the_pdf_is_one_page(sheets: dict[tuple[str, str], dict[str, Path]], name: str,
                             lang: str) -> None:  # fmt: skip
    assert len(PdfReader(sheets[(name, lang)]["pdf"]).pages) == 1


@pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_the_docx_is_one_page_in_libreoffice(
    sheets: dict[tuple[str, str], dict[str, Path]], name: str, lang: str
) -> None:
    path = sheets[(name, lang)]["libreoffice"]
    assert path.is_file(), f"LibreOffice did not convert {name}-{lang}.docx"
    assert len(PdfReader(path).pages) == 1


def texts(paths: dict[str, Path]) -> dict[str, str]:
    """The squeezed text of the PDF and of the DOCX."""
    return {"pdf": squeeze(pdf_text(paths["pdf"])), "docx": squeeze(docx_text(paths["docx"]))}


def shown(pattern: str, text: str) -> list[int]:
    """The numbers of the entries a text shows (``Agreement 17 on`` → 17), in order."""
    return [int(n) for n in re.findall(pattern, text)]


@pytest.mark.parametrize("lang", WORDED)
def test_the_first_agreements_are_shown_and_the_rest_counted(
    sheets: dict[tuple[str, str], dict[str, Path]], lang: str
) -> None:
    for fmt, text in texts(sheets[("agreements", lang)]).items():
        numbers = shown(r"Agreement(\d+)ontrade", text)
        assert numbers == list(range(1, len(numbers) + 1)), fmt
        assert 3 <= len(numbers) < 2_000, fmt
        assert more(2_000 - len(numbers), "agreement", lang) in text, fmt


@pytest.mark.parametrize("lang", WORDED)
def test_the_first_participants_are_shown_and_the_rest_counted(
    sheets: dict[tuple[str, str], dict[str, Path]], lang: str
) -> None:
    """Each delegation's first principals, then how many more it has; the first people met,
    then how many more."""
    record = validate_record(participants(500))
    principals: dict[str, set[int]] = {"KZ": set(), "AZ": set()}
    for person in record.participants:
        if person.role == "principal" and person.country:
            principals[person.country].add(int(person.id[1:]))
    others = 500 - sum(map(len, principals.values()))
    for fmt, text in texts(sheets[("participants", lang)]).items():
        numbers = shown(r"Participant(\d+)Nurtleuov", text)
        for members in principals.values():
            seen = [n for n in numbers if n in members]
            assert seen == sorted(members)[: len(seen)] and seen, fmt
            assert more(len(members) - len(seen), "principal", lang) in text, fmt
        seen_others = [n for n in numbers if not any(n in m for m in principals.values())]
        assert seen_others, fmt
        assert more(others - len(seen_others), "interlocutor", lang) in text, fmt


@pytest.mark.parametrize("lang", WORDED)
def test_long_texts_are_cut_short_with_a_marker(
    sheets: dict[tuple[str, str], dict[str, Path]], lang: str
) -> None:
    for fmt, text in texts(sheets[("texts", lang)]).items():
        assert squeeze("Official visit on trade and transit") in text, fmt
        assert text.count(squeeze(SHORTENED[lang])) == 2, fmt  # the title and the occasion
        assert "Anniversaryәәә" in text, fmt


def crowded() -> dict[str, Any]:
    """Every list of the fact sheet long: principals and people met, types, countries,
    meetings, figures, agreements of every status, topics, areas and frameworks."""
    data = participants(300)
    data["visit"]["kind"] = [f"kind {i}" for i in range(40)]
    codes = sorted(COUNTRY_CODES - {"KZ", "AZ"})[:100]
    data["visit"]["sides"] = [{"name": f"Side {code}", "code": code} for code in codes]
    data["meetings"] = [{"id": f"m{i}", "title": f"Meeting {i} on all matters"} for i in range(300)]
    data["figures"] += [
        {"id": f"g{i}", "label": f"Trade {i}", "value": i + 1.5, "currency": "USD"}
        for i in range(300)
    ]
    statuses = [*VOCABULARIES["agreement-status"], None]
    data["agreements"] = [
        {"id": f"a{j}-{i}", "title": f"Agreement {i} of group {j}", **({"status": s} if s else {})}
        for j, s in enumerate(statuses)
        for i in range(20)
    ]
    data["topics"] = [
        {"id": f"t{i}", "title": f"Topic {i}", "areas": [f"own area {i}"]} for i in range(300)
    ]
    data["cooperation"] = [f"cooperation area {i}" for i in range(300)]
    data["frameworks"] = [{"name": f"Framework {i}", "acronym": f"F{i}"} for i in range(300)]
    return data


@pytest.mark.parametrize("lang", WORDED)
def test_every_list_is_cut_to_fit(tmp_path: Path, lang: str) -> None:
    record = validate_record(crowded())
    path = tmp_path / "crowded.pdf"
    path.write_bytes(
        Renderer.create().render(record, ("factsheet",), ("pdf",), lang)[("factsheet", "pdf")]
    )
    assert len(PdfReader(path).pages) == 1
    text = squeeze(pdf_text(path))
    meetings = shown(r"Meeting(\d+)onall", text)
    assert meetings == list(range(len(meetings)))
    nouns = {
        "en": [
            f"more {n}" for n in ("types", "countries", "figures", "topics", "areas", "frameworks")
        ],
        "ru": ["видов", "стран", "показател", "тем", "направлени", "формат"],
    }[lang]
    for noun in nouns:  # some of each kind are left out
        assert re.search(r"\d" + squeeze(noun), text), noun
    assert more(300 - len(meetings), "meeting", lang) in text
    groups = len(set(shown(r"ofgroup(\d+)", text)))
    statuses = len(VOCABULARIES["agreement-status"]) + 1
    assert more((statuses - groups) * 20, "other-agreement", lang) in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_cut_sheet_fits_letter_paper_too(tmp_path: Path, lang: str) -> None:
    record = validate_record(agreements(2_000))
    renderer = Renderer.create(page_size="letter")
    rendered = renderer.render(record, ("factsheet",), ("pdf", "docx"), lang)
    for fmt in ("pdf", "docx"):
        (tmp_path / f"letter.{fmt}").write_bytes(rendered[("factsheet", fmt)])
    assert len(PdfReader(tmp_path / "letter.pdf").pages) == 1
    if HAVE_SOFFICE:  # the DOCX too, as a word processor lays it out
        converted = tmp_path / "libreoffice"
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
             "--norestore", "--convert-to", "pdf", "--outdir", str(converted),
             str(tmp_path / "letter.docx")],
            capture_output=True, check=True, timeout=300,
        )  # fmt: skip
        assert len(PdfReader(converted / "letter.pdf").pages) == 1


def document_text(document: Document) -> str:
    parts: list[str] = []
    for block in document.blocks:
        if isinstance(block, HeaderBlock):
            parts += [plain_text(field.value) for field in block.fields]
        elif isinstance(block, Paragraph):
            parts.append(plain_text(block.runs))
        elif isinstance(block, List):
            parts += [plain_text(p.runs) for item in block.items for p in item.blocks]
        elif isinstance(block, Table):
            parts += [plain_text(cell) for row in block.rows for cell in row]
    return "\n".join(parts)


def ordinary_records() -> list[Path]:
    """The samples and the fixtures: real readouts and other valid records."""
    fixtures = Path(__file__).parent / "fixtures" / "records"
    return [data_dir() / "astana-2025-03-13.yaml", data_dir() / "short-readout.yaml",
            *sorted((fixtures / "readouts").glob("*.yaml")),
            *sorted((fixtures / "valid").glob("*.yaml"))]  # fmt: skip


@pytest.mark.parametrize("lang", WORDED)
def test_an_ordinary_record_loses_nothing(lang: str) -> None:
    """The samples and the fixtures fit the page as they are: nothing is cut."""
    composer = Composer()
    for path in ordinary_records():
        text = document_text(composer.compose(load_record(path), "factsheet", lang))
        assert "see the memorandum" not in text and "служебную записку" not in text, path
        assert "(full text in" not in text and "(полный текст" not in text, path


def test_the_memorandum_lists_every_agreement_the_fact_sheet_counts() -> None:
    record: VisitRecord = validate_record(agreements(2_000))
    memo = document_text(Composer().compose(record, "memo"))
    assert all(f"Agreement {i} on trade" in memo for i in (1, 999, 2_000))


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 документ"), (2, "2 документа"), (4, "4 документа"), (5, "5 документов"),
     (11, "11 документов"), (12, "12 документов"), (21, "21 документ"), (22, "22 документа"),
     (111, "111 документов"), (1_994, "1\u00a0994 документа")],
)  # fmt: skip
def test_russian_counts_take_the_right_form(count: int, expected: str) -> None:
    words = TemplateFolder(templates_dir()).words(templates_dir() / "ru")
    assert Formatter(words).more(count, "agreement") == (
        f"…\u00a0и ещё {expected}: см. служебную записку"
    )


def test_english_counts_take_the_right_form() -> None:
    words = TemplateFolder(templates_dir()).words(templates_dir() / "en")
    formatter = Formatter(words)
    assert formatter.more(1, "agreement") == "…\u00a0and 1 more agreement: see the memorandum"
    assert formatter.more(1_994, "agreement") == (
        "…\u00a0and 1,994 more agreements: see the memorandum"
    )
