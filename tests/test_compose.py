"""Templates → Markdown → document model: structure, literal values, template errors."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from memo_gen.compose.composer import Composer, delegations
from memo_gen.compose.markdown import to_blocks
from memo_gen.compose.templating import RenderedMarkdown, TemplateSet
from memo_gen.document import (
    Document,
    HeaderBlock,
    Heading,
    List,
    Paragraph,
    Run,
    Table,
    plain_text,
)
from memo_gen.errors import TemplateError
from memo_gen.record.loader import load_record
from memo_gen.record.model import VisitRecord
from memo_gen.record.validate import validate_record
from memo_gen.resources import templates_dir

HOSTILE = [
    "# not a heading",
    "| not | a | cell |",
    "**not bold** and _not italic_",
    "[not a link](javascript:alert(1))",
    '<b>not bold</b> <font color="red">x</font> &amp; &',
    "{{ 7*7 }} {% for x in y %}",
    "::: title",
    "> not a quote",
    "1. not a list",
    "---",
    "\ue0000\ue001 looks like a placeholder",
]


def all_runs(document: Document) -> list[Run]:
    """Every text run of a document, in order."""
    runs: list[Run] = []
    for block in document.blocks:
        if isinstance(block, Paragraph | Heading):
            runs += block.runs
        elif isinstance(block, List):
            runs += [r for item in block.items for p in item.blocks for r in p.runs]
        elif isinstance(block, Table):
            runs += [r for cell in block.header for r in cell]
            runs += [r for row in block.rows for cell in row for r in cell]
        elif isinstance(block, HeaderBlock):
            runs += [r for field in block.fields for r in field.value]
    return runs


def document_text(document: Document) -> str:
    return "\n".join(run.text for run in all_runs(document))


def minimal(**extra: Any) -> VisitRecord:
    data: dict[str, Any] = {
        "document": {"date": "2025-03-14"},
        "visit": {"title": "A visit", "start": "2025-03-13"},
    }
    data.update(extra)
    return validate_record(data)


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer()


def test_sample_memo_has_the_sections_in_order(composer: Composer) -> None:
    memo = composer.compose(load_record(), "memo")
    headings = [plain_text(b.runs) for b in memo.blocks if isinstance(b, Heading) and b.level == 1]
    assert headings == [
        "Summary",
        "Participants",
        "Programme",
        "Background",
        "Discussion",
        "Key figures",
        "Agreements and documents",
        "Outcomes and follow-up",
        "Frameworks and abbreviations",
    ]
    first = memo.blocks[:4]
    assert [b.style for b in first if isinstance(b, Paragraph)] == [
        "letterhead",
        "letterhead",
        "title",
        "subtitle",
    ]
    header = next(b for b in memo.blocks if isinstance(b, HeaderBlock))
    assert [f.label for f in header.fields] == ["TO:", "FROM:", "DATE:", "SUBJECT:"]
    assert plain_text(header.fields[2].value) == "14 March 2025"


def test_discussion_paragraphs_are_numbered_continuously(composer: Composer) -> None:
    memo = composer.compose(load_record(), "memo")
    numbers = [b.number for b in memo.blocks if isinstance(b, Paragraph) and b.number]
    assert numbers == [f"{n}." for n in range(1, len(numbers) + 1)]
    assert len(numbers) >= 10


def test_direct_quotes_are_quote_paragraphs_attributed_to_their_speaker(composer: Composer) -> None:
    memo = composer.compose(load_record(), "memo")
    blocks = list(memo.blocks)
    quotes = [i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.style == "quote"]
    assert len(quotes) == 2
    for index in quotes:
        before = blocks[index - 1]
        assert isinstance(before, Paragraph)
        assert plain_text(before.runs) in ("Murat Nurtleu said:", "Jeyhun Bayramov said:")


def test_key_figures_table(composer: Composer) -> None:
    memo = composer.compose(load_record(), "memo")
    table = next(b for b in memo.blocks if isinstance(b, Table))
    assert [plain_text(c) for c in table.header] == [
        "Figure",
        "Value",
        "Unit",
        "Period",
        "Kind",
        "Source",
    ]
    assert len(table.rows) == 7
    assert abs(sum(table.widths) - 1) < 1e-9
    assert table.align[1] == "right"
    first = [plain_text(c) for c in table.rows[0]]
    assert first[1:] == ["533.4", "million USD", "2024", "actual", "Kazakh MFA"]


def test_participants_grouped_by_delegation_host_first() -> None:
    groups = delegations(load_record())
    assert [g.label for g in groups] == ["Kazakhstan", "Azerbaijan"]
    assert [p.id for p in groups[0].members] == ["nurtleu", "tokayev"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_record_text_never_becomes_structure(composer: Composer, hostile: str) -> None:
    benign = minimal(summary=["plain"], figures=[{"id": "f", "label": "plain", "value": 1}])
    # Copied, not validated: validation refuses private-use characters such as the
    # placeholders', and composing must keep text literal even so (defence in depth).
    figure = benign.figures[0].model_copy(update={"label": hostile})
    attack = benign.model_copy(update={"summary": (hostile,), "figures": (figure,)})
    for kind in ("memo", "factsheet"):
        good, bad = composer.compose(benign, kind), composer.compose(attack, kind)
        assert [type(b) for b in bad.blocks] == [type(b) for b in good.blocks]
        runs = all_runs(bad)
        assert any(run.text == hostile for run in runs) or hostile in document_text(bad)
        assert not any(run.link for run in runs)
        assert not any(run.bold and hostile in run.text for run in runs if kind == "memo")


def test_multi_line_values_keep_their_line_breaks(composer: Composer) -> None:
    record = minimal(summary=["first line\nsecond line\n\nnew paragraph?"])
    memo = composer.compose(record, "memo")
    assert "first line\nsecond line\n\nnew paragraph?" in document_text(memo)


def test_links_only_for_safe_schemes() -> None:
    source = RenderedMarkdown(
        "[\ue0000\ue001](\ue0001\ue001) [x](\ue0002\ue001)\n",
        ("a", "javascript:alert(1)", "https://example.org/?q=a b"),
    )
    blocks = to_blocks(source)
    paragraph = blocks[0]
    assert isinstance(paragraph, Paragraph)
    links = [run.link for run in paragraph.runs]
    assert None in links
    assert "https://example.org/?q=a b" in links
    assert "javascript:alert(1)" not in links


def copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    return folder


def test_undefined_name_names_the_template_and_line(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    (folder / "memo.md.j2").write_text("# Title\n\n{{ visit.nonexistent }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"memo\.md\.j2, line 3"):
        Composer(folder).compose(minimal(), "memo")


def test_syntax_error_names_the_template_and_line(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    (folder / "factsheet.md.j2").write_text("ok\n\n{% for %}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"factsheet\.md\.j2, line 3"):
        Composer(folder).compose(minimal(), "factsheet")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("ok\n{{ 1 / 0 }}\n", r"^memo\.md\.j2, line 2: ZeroDivisionError: division by zero"),
        (
            "{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}\n{{ again(0) }}\n",
            r"^memo\.md\.j2, line 1: RecursionError: maximum recursion depth exceeded",
        ),
        ("{{ [1][5] }}\n", r"^memo\.md\.j2, line 1: list object has no element 5"),
    ],
)
def test_any_failure_inside_a_template_names_its_file_and_line(
    tmp_path: Path, template: str, message: str
) -> None:
    folder = copy_templates(tmp_path)
    (folder / "memo.md.j2").write_text(template, encoding="utf-8")
    with pytest.raises(TemplateError, match=message) as caught:
        Composer(folder).compose(minimal(), "memo")
    assert caught.value.exit_code == 5


def test_templates_run_in_a_sandbox(tmp_path: Path) -> None:
    folder = copy_templates(tmp_path)
    (folder / "memo.md.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    with pytest.raises(TemplateError, match=r"memo\.md\.j2"):
        Composer(folder).compose(minimal(), "memo")


def test_record_values_are_never_rendered_as_templates(composer: Composer) -> None:
    payload = "{{ ''.__class__.__mro__ }} {% for x in range(3) %}x{% endfor %}"
    memo = composer.compose(minimal(summary=[payload]), "memo")
    assert payload in document_text(memo)


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("Title\n---\n", "underlining"),
        ("text :::\n", "':::'"),
        ("::: nonsense\nx\n:::\n", "unknown fenced div"),
        ("::: table widths=1,2,3\n| a | b |\n|--|--|\n| 1 | 2 |\n:::\n", "3 widths"),
    ],
)
def test_template_markdown_mistakes_are_reported(markdown: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        to_blocks(RenderedMarkdown(markdown, ()))


def test_missing_template_folder_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="does not exist"):
        TemplateSet(tmp_path / "nowhere", {})


def test_metadata_and_furniture_come_from_the_record(composer: Composer) -> None:
    memo = composer.compose(load_record(), "memo")
    assert memo.metadata.author == (
        "Ministry of Foreign Affairs of the Republic of Kazakhstan, "
        "Department of Bilateral Cooperation"
    )
    assert memo.metadata.created is not None
    assert memo.metadata.created.date().isoformat() == "2025-03-14"
    assert memo.metadata.language == "en"
    assert memo.furniture.classification == "UNCLASSIFIED"
    assert memo.furniture.footer == "MFA-KZ/BIL/2025/0313 · Version 1"
    factsheet = composer.compose(load_record(), "factsheet")
    assert factsheet.metadata.title.startswith("Fact sheet: ")
