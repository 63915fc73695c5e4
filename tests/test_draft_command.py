"""`memo-gen draft`: a starter record drafted from a readout.

The command line (files, standard output, errors and their exit codes), each extractor on
small English and Russian snippets (with the cases it must not draft), the source-line
comments, hostile inputs, and the evaluation on benchmarks/draft_eval/ against its targets,
including that every drafted record renders once the fields validate lists are supplied.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from memo_gen import cli
from memo_gen.draft import agreements, dates, figures, organisations, people, speech, topics
from memo_gen.draft.record import draft_source, plain
from memo_gen.draft.sentences import Sentence, split
from memo_gen.draft.sources import Line, read_source
from memo_gen.errors import InputError
from memo_gen.record.readers import read_yaml
from memo_gen.record.validate import validate_record

HERE = Path(__file__).resolve().parent
SNIPPETS = HERE / "fixtures" / "draft"
REPO = HERE.parent
CORPUS = REPO / "benchmarks" / "draft_eval"
MEMO_DATE = "document.date"


def invoke(runner: CliRunner, *args: str, stdin: str | bytes | None = None) -> Result:
    return runner.invoke(cli.cli, list(args), input=stdin, prog_name="memo-gen")


def sentence(text: str) -> Sentence:
    return Sentence(Line(1, text), text)


def missing_paths(text: str) -> list[str]:
    """The fields `memo-gen validate` says a drafted record lacks."""
    data, lines = read_yaml(text)
    try:
        validate_record(data, lines)
    except Exception as exc:
        return [problem.path for problem in getattr(exc, "problems", ())]
    return []


# --- the command line --------------------------------------------------------------------


def test_draft_writes_a_record_that_lacks_only_the_memorandum_date(
    runner: CliRunner, tmp_path: Path
) -> None:
    record = tmp_path / "visit.yaml"
    result = invoke(runner, "draft", str(SNIPPETS / "astana-talks.txt"), "-o", str(record))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{record}\n"
    assert result.stderr.startswith("To supply: document.date: required")
    text = record.read_text(encoding="utf-8")
    assert missing_paths(text) == [MEMO_DATE]
    validated = invoke(runner, "validate", str(record))
    assert validated.exit_code == 4
    assert "document.date: required" in validated.stderr
    assert validated.stderr.count("\n  ") == 1  # exactly one problem


def test_draft_prints_to_standard_output_by_default(runner: CliRunner) -> None:
    result = invoke(runner, "draft", str(SNIPPETS / "astana-talks.txt"))
    assert result.exit_code == 0
    assert result.stdout.startswith("# yaml-language-server: $schema=")
    assert "name: Murat Nurtleu" in result.stdout


def test_draft_reads_standard_input(runner: CliRunner) -> None:
    text = (SNIPPETS / "astana-meeting-ru.txt").read_text(encoding="utf-8")
    result = invoke(runner, "draft", "-", stdin=text.encode("utf-8"))
    assert result.exit_code == 0
    assert "name: Сергей Лавров" in result.stdout
    assert "language: ru" in result.stdout


def test_draft_refuses_to_replace_a_file_without_force(runner: CliRunner, tmp_path: Path) -> None:
    record = tmp_path / "visit.yaml"
    record.write_text("mine\n", encoding="utf-8")
    result = invoke(runner, "draft", str(SNIPPETS / "astana-talks.txt"), "-o", str(record))
    assert result.exit_code == 6
    assert "exists" in result.stderr
    assert record.read_text(encoding="utf-8") == "mine\n"
    forced = invoke(runner, "draft", str(SNIPPETS / "astana-talks.txt"), "-o", str(record),
                    "--force")  # fmt: skip
    assert forced.exit_code == 0
    assert "Murat Nurtleu" in record.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "missing.txt", "no such file"),
        (b"", "empty.txt", "holds no text"),
        (b"   \n\t\n", "blank.txt", "holds no text"),
        (b"\xff\xfe\x00a", "utf16.txt", "UTF-16"),
        (b"caf\xe9", "latin1.txt", "not UTF-8"),
        (b"PK\x03\x04broken", "broken.docx", "not a DOCX"),
        (b"<html><script>x</script></html>", "scripts.html", "holds no text"),
    ],
)
def test_unreadable_sources_are_input_errors(
    runner: CliRunner, tmp_path: Path, content: bytes | None, name: str, message: str
) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    record = tmp_path / "out.yaml"
    result = invoke(runner, "draft", str(source), "-o", str(record))
    assert result.exit_code == 3, result.stderr
    assert result.stderr.startswith(f"Error: {source}: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not record.exists()
    assert list(tmp_path.iterdir()) == ([source] if content is not None else [])


def test_a_source_over_the_size_limit_is_refused(runner: CliRunner) -> None:
    source = SNIPPETS / "astana-talks.txt"
    result = invoke(runner, "draft", str(source), "--max-input-size", "100")
    assert result.exit_code == 3
    assert "larger than 100 bytes" in result.stderr


def test_a_folder_is_not_a_source(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "draft", str(tmp_path))
    assert result.exit_code == 3
    assert "folder" in result.stderr


def test_lang_chooses_how_the_source_is_read(tmp_path: Path) -> None:
    source = SNIPPETS / "astana-meeting-ru.txt"
    assert read_source(source).language == "ru"
    assert read_source(source, lang="en").language == "en"
    assert read_source(SNIPPETS / "astana-talks.txt").language == "en"


def test_an_unknown_lang_is_a_usage_error(runner: CliRunner) -> None:
    result = invoke(runner, "draft", str(SNIPPETS / "astana-talks.txt"), "--lang", "kk")
    assert result.exit_code == 2


def test_draft_loads_no_rendering_library(tmp_path: Path) -> None:
    import json
    import subprocess

    probe = (
        "import json, sys\n"
        "from memo_gen.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    source, record = SNIPPETS / "astana-talks.txt", tmp_path / "visit.yaml"
    done = subprocess.run(
        [sys.executable, "-c", probe, "draft", str(source), "-o", str(record)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    modules = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert record.exists()
    rendering = {"reportlab", "docx", "jinja2", "markdown_it", "PIL", "lxml", "pikepdf", "pyhanko"}
    assert not modules & rendering


# --- sources --------------------------------------------------------------------------------


def test_html_blocks_keep_the_line_they_start_on(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Site | News</title>\n"
        '<link rel="canonical" href="https://example.org/news/1">\n'
        "<script>var a = '<p>not text</p>';</script></head>\n"
        "<body><h1>Ministers meet</h1>\n"
        "<p>First &amp; second\nline.</p>\n"
        "<p>Third</p></body></html>\n",
        encoding="utf-8",
    )
    source = read_source(page)
    assert source.title == Line(4, "Ministers meet")
    assert source.url == "https://example.org/news/1"
    assert [(line.number, line.text) for line in source.lines] == [
        (4, "Ministers meet"),
        (5, "First & second line."),
        (7, "Third"),
    ]


def test_markdown_loses_its_markup(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "---\ntitle: x\n---\n# Ministers **meet**\n\n- a [link](https://x.org) and `code`\n",
        encoding="utf-8",
    )
    source = read_source(page)
    assert source.title == Line(4, "Ministers meet")
    assert [line.text for line in source.lines] == ["Ministers meet", "a link and code"]


def test_docx_paragraphs_are_numbered(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Ministers meet in Astana", level=1)
    document.add_paragraph(
        "Minister of Foreign Affairs of the Republic of Azerbaijan Jeyhun Bayramov "
        "held talks with Minister of Foreign Affairs of the Republic of Kazakhstan Murat Nurtleu."
    )
    table = document.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = "In a table"
    path = tmp_path / "readout.docx"
    document.save(str(path))
    drafted = draft_source(path)
    assert drafted.source.unit == "paragraph"
    assert [line.number for line in drafted.source.lines] == [1, 2, 3]
    text = drafted.text()
    assert '# paragraph 2: "' in text
    assert drafted.data()["visit"]["title"] == "Ministers meet in Astana"
    names = [p["name"] for p in drafted.data()["participants"]]
    assert names == ["Jeyhun Bayramov", "Murat Nurtleu"]


def test_sentences_split_at_full_stops_not_at_initials() -> None:
    assert split("Mr. Antony J. Blinken met G.L. Peiris. They spoke. Млрд. долл. США") == [
        "Mr. Antony J. Blinken met G.L. Peiris.",
        "They spoke.",
        "Млрд. долл. США",
    ]


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "value", "last"),
    [
        ("On 13 March 2025, talks", "en", "2025-03-13", None),
        ("On March 13, 2025, talks", "en", "2025-03-13", None),
        ("13 марта 2025 года в Астане", "ru", "2025-03-13", None),
        ("в марте 2025 года", "ru", "2025-03", None),
        ("In March 2025 Baku hosted", "en", "2025-03", None),
        ("from 18th - 21st December 2012", "en", "2012-12-18", "2012-12-21"),
        ("с 18 по 21 декабря 2012 года", "ru", "2012-12-18", "2012-12-21"),
        ("the ministers met on Tuesday", "en", {"as_published": "on Tuesday"}, None),
        ("министры в понедельник встретились", "ru", {"as_published": "в понедельник"}, None),
        ("во вторник", "ru", {"as_published": "во вторник"}, None),
        ("в среду", "ru", {"as_published": "в среду"}, None),
    ],
)
def test_dates(text: str, language: str, value: Any, last: str | None) -> None:
    found = dates.find_dates(text, language)
    assert [(d.value, d.last) for d in found] == [(value, last)]


@pytest.mark.parametrize(
    "text", ["31 February 2025", "on 20 May", "in 2024", "the 20th anniversary", "2025-13-01"]
)
def test_not_a_calendar_date(text: str) -> None:
    assert dates.find_dates(text, "en") == []


def test_a_weekday_is_never_a_calendar_date(tmp_path: Path) -> None:
    source = tmp_path / "call.txt"
    source.write_text(
        "ISLAMABAD, 6 July 2022 - Foreign Minister Bilawal Bhutto Zardari had a telephone "
        "conversation on Wednesday with the United States Secretary of State, Antony Blinken.\n",
        encoding="utf-8",
    )
    visit = draft_source(source).data()["visit"]
    assert visit["start"] == {"as_published": "on Wednesday"}
    assert visit["source"]["date"] == "2022-07-06"  # the dateline's: the release's date
    assert visit["kind"] == "telephone-call"


def test_yesterday_counts_from_a_dated_dateline(tmp_path: Path) -> None:
    source = tmp_path / "signing.txt"
    source.write_text(
        "TASHKENT, 24 April 2024 - Yesterday in Tashkent, the Minister of Foreign Affairs of "
        "the Republic of Uzbekistan, Bakhtiyor Saidov, and Lord David Cameron signed a "
        "Declaration on Comprehensive Cooperation.\n",
        encoding="utf-8",
    )
    data = draft_source(source).data()
    assert data["agreements"][0]["date"] == {"as_published": "Yesterday", "offset_days": -1}


def test_a_dateline_without_a_year_gives_no_date(tmp_path: Path) -> None:
    source = tmp_path / "dateline.txt"
    source.write_text(
        "ASTANA, Kazakhstan, May 20 - President Kassym-Jomart Tokayev met Numan Kurtulmus, "
        "Chairman of the Grand National Assembly of Türkiye.\n",
        encoding="utf-8",
    )
    visit = draft_source(source).data()["visit"]
    assert "start" not in visit
    assert "date" not in visit["source"]
    assert visit["source"]["notes"] == ["Dateline: ASTANA, Kazakhstan, May 20 (no year)"]


# --- people --------------------------------------------------------------------------------


def names(text: str, language: str = "en") -> list[tuple[Any, ...]]:
    return [
        (m.name, m.title, m.country, m.honorific)
        for m in people.mentions(text, language)
        if not m.single
    ]


def test_people_with_offices_and_countries() -> None:
    assert names(
        "Deputy Prime Minister - Minister of Foreign Affairs of the Republic of Kazakhstan "
        "Murat Nurtleu held talks with the Minister of Foreign Affairs of the Republic of "
        "Azerbaijan Jeyhun Bayramov."
    ) == [
        (
            "Murat Nurtleu",
            "Deputy Prime Minister - Minister of Foreign Affairs of the Republic of Kazakhstan",
            "KZ",
            None,
        ),
        (
            "Jeyhun Bayramov",
            "Minister of Foreign Affairs of the Republic of Azerbaijan",
            "AZ",
            None,
        ),
    ]
    assert names(
        "Secretary of State Antony J. Blinken spoke with Australian Foreign Minister Penny Wong."
    ) == [
        ("Antony J. Blinken", "Secretary of State", None, None),
        ("Penny Wong", "Foreign Minister", "AU", None),
    ]
    abdali = (
        "His Excellency Mr. Shaida M. Abdali, Non-Resident Ambassador of Afghanistan to Sri "
        "Lanka, arrived."
    )
    assert names(abdali) == [
        (
            "Shaida M. Abdali",
            "Non-Resident Ambassador of Afghanistan to Sri Lanka",
            "AF",
            "His Excellency Mr.",
        ),
    ]


def test_people_in_russian_in_the_nominative() -> None:
    text = (
        "Министр иностранных дел Казахстана Мурат Нуртлеу провёл в Астане встречу с министром "
        "иностранных дел России Сергеем Лавровым."
    )
    assert names(text, "ru") == [
        ("Мурат Нуртлеу", "Министр иностранных дел Казахстана", "KZ", None),
        ("Сергей Лавров", "министр иностранных дел России", "RU", None),
    ]


def test_no_person_without_a_name_of_two_words() -> None:
    assert names("The Minister of Foreign Affairs of Azerbaijan arrived.") == []
    assert names("The Kazakh-Azerbaijani Investment Fund was set up in 2024.") == []
    assert names("The United Nations General Assembly met in New York.") == []
    assert names("Президент Казахстана провёл встречу.", "ru") == []


def test_a_surname_only_points_at_someone_named() -> None:
    found = [(m, 1) for m in people.mentions("Nurtleu said so. Lavrov noted it.", "en")]
    assert people.collect(found, "en") == []


# --- speech --------------------------------------------------------------------------------


def drafted(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(draft_source(path).text())
    return data


def test_quotes_and_reported_speech() -> None:
    english = drafted(SNIPPETS / "astana-talks.txt")["quotes"]
    assert english == [
        {"speaker": "bayramov", "kind": "direct",
         "text": "We consider Kazakhstan as a key partner in Central Asia"},
        {"speaker": "nurtleu", "kind": "reported",
         "text": "relations between the two countries have reached a qualitatively new level"},
    ]  # fmt: skip
    russian = drafted(SNIPPETS / "astana-meeting-ru.txt")["quotes"]
    assert [(q["speaker"], q["kind"]) for q in russian] == [
        ("nurtleu", "direct"),
        ("lavrov", "reported"),
    ]
    assert russian[1]["text"] == "у внешнеполитических ведомств двух стран налажены тесные контакты"


def test_words_of_no_one_speaker_are_not_quotes() -> None:
    known = [people.Person("Murat Nurtleu"), people.Person("Jeyhun Bayramov")]
    for text in [
        "The sides noted that trade has grown.",
        "The ministers stressed the importance of transit.",
        "Nurtleu did not stress that trade has grown.",
        "Стороны отметили, что товарооборот вырос.",
        "An official noted that trade has grown.",
    ]:
        language = "ru" if "Стороны" in text else "en"
        assert speech.reported(sentence(text), known, language) is None, text
    # A quotation with no speaker beside it.
    assert speech.direct(Line(1, 'The "strategic partnership" was praised.'), known, "en") == []


# --- figures -------------------------------------------------------------------------------


def figure_fields(text: str, language: str = "en") -> list[dict[str, Any]]:
    keys = ("value", "multiplier", "scale", "currency", "unit", "per", "period", "kind",
            "qualifier")  # fmt: skip
    return [
        {k: f.fields[k] for k in keys if k in f.fields}
        for f in figures.figures(sentence(text), language)
    ]


def test_figures() -> None:
    assert figure_fields("Trade reached 533.4 million US dollars in 2024.") == [
        {"value": 533.4, "scale": "million", "currency": "USD", "period": "2024", "kind": "actual"}
    ]
    assert figure_fields("It is expected to reach 2.2 million tons per year.") == [
        {"value": 2.2, "scale": "million", "unit": "t", "per": "year", "kind": "forecast"}
    ]
    assert figure_fields("Exports fell by 16.4 percent, imports rose 27%.") == [
        {"value": -16.4, "unit": "%", "kind": "change"},
        {"value": 27, "unit": "%", "kind": "change"},
    ]
    assert figure_fields("Trade grew fivefold.") == [{"multiplier": 5, "kind": "change"}]
    assert figure_fields("About 12 thousand students study in Russia.") == [
        {"value": 12, "scale": "thousand", "unit": "students", "qualifier": "about"}
    ]
    assert figure_fields("товарооборот составил около 2,365 трлн рублей", "ru") == [
        {"value": 2.365, "scale": "trillion", "currency": "RUB", "kind": "actual",
         "qualifier": "about"}
    ]  # fmt: skip
    assert figure_fields("Exports were $4.7 billion in January-December 2022.") == [
        {"value": 4.7, "scale": "billion", "currency": "USD",
         "period": "January-December 2022"}
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "On 13 March 2025 the ministers met.",
        "The 20th anniversary of the Treaty (May 24, 2005) was marked.",
        "After the 44-day war, in 2020, the region changed.",
        "The ministers met 3 times in 12 years.",
        "The number reached 12 thousand, the minister said.",
        "Resolution No. 2254 was recalled.",
    ],
)
def test_not_a_figure(text: str) -> None:
    assert figure_fields(text) == []


# --- agreements ----------------------------------------------------------------------------


def documents(text: str, language: str = "en") -> list[tuple[Any, ...]]:
    found = agreements.agreements(sentence(text), language)
    return [(a.fields["title"], a.fields.get("status")) for a in found]


def test_agreements_with_the_status_the_text_gives() -> None:
    assert documents("The talks ended with the signing of the Plan of Cooperation for 2025.") == [
        ("Plan of Cooperation for 2025", "signed")
    ]
    assert documents("40 memorandums on inter-university cooperation were signed.") == [
        ("memorandums on inter-university cooperation", "signed")
    ]
    assert documents("They approved the convention on the legal status of delegations.") == [
        ("convention on the legal status of delegations", "approved")
    ]
    assert documents("The sides plan to sign a memorandum on agriculture.") == [
        ("memorandum on agriculture", "planned")
    ]
    signed = "Министры подписали Соглашение о сотрудничестве в области образования."
    assert documents(signed, "ru") == [
        ("Соглашение о сотрудничестве в области образования", "signed")
    ]
    assert documents("Министры утвердили итоговую декларацию.", "ru") == [
        ("итоговая декларация", "approved")
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The ministers did not sign the agreement on visa-free travel.", "en"),
        ("The sides are ready to sign an agreement on trade.", "en"),
        ("The agreement on trade has not been signed.", "en"),
        ("An agreement on trade could be signed next year.", "en"),
        ("Стороны не подписали соглашение о торговле.", "ru"),
    ],
)
def test_no_signed_agreement_where_the_text_denies_it(text: str, language: str) -> None:
    assert all(status != "signed" for _, status in documents(text, language))


def test_a_proper_title_denied_is_kept_without_a_status() -> None:
    assert documents("The ministers did not sign the Agreement on Visa-Free Travel.") == [
        ("Agreement on Visa-Free Travel", None)
    ]


# --- organisations and topics --------------------------------------------------------------


def test_organisations_with_their_abbreviations() -> None:
    found = organisations.organisations(
        sentence(
            "They will work within the Organization of Turkic States (OTS), the UN, CICA and "
            "the Caspian Summit; the MFA and the US said so."
        ),
        "en",
    )
    assert [(o.name, o.acronym) for o in found] == [
        ("Organization of Turkic States", "OTS"),
        ("Caspian Summit", None),
        ("UN", "UN"),
        ("CICA", "CICA"),
    ]
    russian = organisations.organisations(
        sentence("в рамках Шанхайской организации сотрудничества (ШОС) и СНГ"), "ru"
    )
    assert [(o.name, o.acronym) for o in russian] == [
        ("Шанхайской организации сотрудничества", "ШОС"),
    ]


def test_topics_and_cooperation() -> None:
    found = topics.topic(sentence("The sides discussed trade, energy and culture."), "en")
    assert found is not None
    assert found.areas == ("trade", "energy", "culture")
    agreed = "The ministers agreed to intensify cooperation in agriculture, industry and space."
    assert topics.cooperation(sentence(agreed), "en") == ("agriculture", "industry", "space")
    assert topics.cooperation(sentence("They discussed cooperation in agriculture."), "en") == ()
    assert topics.topic(sentence("Стороны обсудили вопросы торговли и энергетики."), "ru") == (
        topics.Topic("Вопросы торговли и энергетики", ("trade", "energy"))
    )


# --- the commented YAML --------------------------------------------------------------------

_COMMENTED = re.compile(
    r'^(?P<value>.*\S)  # (?P<unit>line|paragraph) (?P<n>\d+): "(?P<quote>.*)"$'
)


@pytest.mark.parametrize("name", ["astana-talks.txt", "astana-meeting-ru.txt"])
def test_every_value_names_its_source_line(name: str) -> None:
    drafted_record = draft_source(SNIPPETS / name)
    lines = {line.number: line.text for line in drafted_record.source.lines}
    values = 0
    for row in drafted_record.text().splitlines():
        if not row.strip() or row.lstrip().startswith("#") or row.rstrip().endswith(":"):
            continue
        if row.lstrip().startswith("language:"):
            assert "# the source's language: most of its letters are" in row
            continue
        match = _COMMENTED.match(row)
        assert match is not None, row
        quote = match.group("quote").strip("…").replace("'", '"')
        source_line = lines[int(match.group("n"))].replace("'", '"')
        # The excerpt is a piece of that very line.
        assert quote in source_line, (row, source_line)
        values += 1
    assert values > 20


def test_the_yaml_reads_back_as_the_draft() -> None:
    for name in ["astana-talks.txt", "astana-meeting-ru.txt"]:
        drafted_record = draft_source(SNIPPETS / name)
        assert read_yaml(drafted_record.text())[0] == plain(drafted_record.tree)


def test_the_memorandum_date_is_never_drafted() -> None:
    for name in ["astana-talks.txt", "astana-meeting-ru.txt"]:
        data = draft_source(SNIPPETS / name).data()
        assert "date" not in data["document"]


# --- hostile input -------------------------------------------------------------------------

HOSTILE = {
    "markup.txt": "Minister <b>Jeyhun Bayramov</b> & co. <script>alert(1)</script> {{ x }} #x: y",
    "controls.txt": "Minister\x00 of\x07 Foreign\x1b Affairs Murat\x0b Nurtleu\x7f said\x85 so.",
    "long-line.txt": "The sides discussed trade. " * 20_000 + "x" * 200_000,
    "cyrillic-latin.txt": "Nazir Ceyhun Bayramov və Мұрат Нұртілеу, Qazaqstan Respublikası. "
    "Министр Әлихан Смайылов провёл переговоры с министром Ceyhun Bayramovым.",
    "rtl.txt": "Minister of Foreign Affairs Faisal Farhan held talks with وزير الخارجية "
    "\u202eevil\u202c Ahmed Attaf on 13 March 2025.",
    "quotes.txt": '"Unclosed quotation said Nurtleu. «Ёлка», — \u2028 сказал. "" NO: yes',
    "only-marks.txt": "\u0301\u0301 \u200b\u200b\ufeff",
    "numbers.txt": "1,2,3,4 million 5.5.5 billion $$$ 99999999999999999999999 billion US dollars",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_gives_a_record_or_a_clear_error(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    source = tmp_path / name
    source.write_text(HOSTILE[name], encoding="utf-8")
    record = tmp_path / "out.yaml"
    result = invoke(runner, "draft", str(source), "-o", str(record))
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 0:
        text = record.read_text(encoding="utf-8")
        assert missing_paths(text) in ([MEMO_DATE], [MEMO_DATE, "visit.title"])
    else:
        assert result.exit_code == 3, result.stderr
        assert not record.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        {name, *(["out.yaml"] if result.exit_code == 0 else [])}
    )


def test_hostile_html_and_a_zip_bomb_docx(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><h1>T</h1><p>Ministers &lt;met&gt; &#0; &#xD800; &bogus; <p><p>"
        + "<div>" * 5_000
        + "Minister of Foreign Affairs Murat Nurtleu met Minister Jeyhun Bayramov."
        + "</div>" * 5_000,
        encoding="utf-8",
    )
    drafted_record = draft_source(page)
    assert validate_record({**drafted_record.data(), "document": {"date": "2025-01-01"}})

    import zipfile

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (80 * 1024 * 1024))
    with pytest.raises(InputError, match="unpacks to"):
        read_source(bomb)


# --- the evaluation ------------------------------------------------------------------------


def _evaluation() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "draft_eval", REPO / "benchmarks" / "draft_eval.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["draft_eval"] = module
    spec.loader.exec_module(module)
    return module


needs_corpus = pytest.mark.skipif(
    not any(CORPUS.glob("*.expected.yaml")), reason="benchmarks/draft_eval/ holds no readouts"
)


@needs_corpus
def test_the_evaluation_meets_its_targets() -> None:
    evaluation = _evaluation()
    totals, each = evaluation.evaluate(CORPUS)
    assert len(each) >= 10
    assert evaluation.missed_targets(totals) == [], evaluation.table(totals)


def corpus_readouts() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        path
        for path in CORPUS.iterdir()
        if path.suffix in (".txt", ".md", ".html")
        and path.with_name(path.stem + ".expected.yaml").exists()
    )


_PLACEHOLDERS = {MEMO_DATE: "2000-01-01", "visit.title": "Placeholder title"}


@needs_corpus
@pytest.mark.parametrize("readout", corpus_readouts(), ids=lambda path: path.name)
def test_each_draft_renders_once_the_missing_fields_are_supplied(
    readout: Path, tmp_path: Path
) -> None:
    import memo_gen

    text = draft_source(readout).text()
    missing = missing_paths(text)
    assert set(missing) <= set(_PLACEHOLDERS), missing
    data, _ = read_yaml(text)
    for path in missing:
        section, key = path.split(".")
        data.setdefault(section, {})[key] = _PLACEHOLDERS[path]
    record = tmp_path / f"{readout.stem}.yaml"
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    validate_record(read_yaml(record.read_text(encoding="utf-8"))[0])
    result = memo_gen.build([record], tmp_path / "out", raise_errors=True)
    assert len(result.outcomes[0].paths) == 4
