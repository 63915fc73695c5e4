"""The hostile corpus: each input with its expected outcome, run through the real command line
(`memo-gen build`). A refused input exits with its code, prints its ``Error:`` line and writes
nothing; an accepted one renders both documents in both formats, each string found literally
in the text of the memorandum's DOCX and PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from memo_gen.cli import cli
from test_documents import docx_text, pdf_text, squeeze
from test_hostile import billion_laughs

VISIT = "visit:\n  title: {title}\n  start: 2025-03-13\ndocument:\n  date: 2025-03-14\n"


@dataclass(frozen=True)
class Case:
    name: str
    content: bytes
    suffix: str = ".yaml"
    code: int = 0
    error: str = ""
    """A fragment of the stderr of a refused input."""
    found: tuple[str, ...] = ()
    """Strings the rendered memorandum must hold, in both formats."""


def yaml_case(name: str, summary: str, found: tuple[str, ...] = (), **kw: object) -> Case:
    text = VISIT.format(title="Hostile") + f"summary:\n  - {summary}\n"
    return Case(name, text.encode(), found=found, **kw)  # type: ignore[arg-type]


MARKUP = '"<font color=\\"red\\">x</font> <onDraw name=\\"showPage\\"/> <img src=\\"/etc/passwd\\"/> <a href=\\"javascript:alert(1)\\">y</a>"'  # noqa: E501
TEMPLATE = "\"{{ ''.__class__.__mro__ }} {% for x in y %}{% endfor %}\""
WORD = "Ə" * 3_000
PARAGRAPH = " ".join(f"söz{i}" for i in range(6_000))[:40_000]

# fmt: off
CASES = [
    yaml_case("reportlab-markup", MARKUP, found=('<fontcolor="red">x</font>',
              '<onDrawname="showPage"/>', '<imgsrc="/etc/passwd"/>',
              '<ahref="javascript:alert(1)">y</a>')),
    yaml_case("jinja-syntax", TEMPLATE, found=("{{''.__class__.__mro__}}{%forxiny%}{%endfor%}",)),
    yaml_case("markdown", '"# h\\n| a | b |\\n**b** [l](javascript:x) ::: title"',
              found=("#h|a|b|**b**[l](javascript:x):::title",)),
    yaml_case("vertical-tab", '"line one\\vline two"', found=("lineone", "linetwo")),
    yaml_case("control-character", '"bell\\a"', code=4,
              error="contains the control character U+0007 at position 5; remove it"),
    yaml_case("right-to-left-override", '"file\\u202Efdp.exe"', code=4,
              error="contains U+202E RIGHT-TO-LEFT OVERRIDE at position 5, a bidirectional "
              "control"),
    yaml_case("hebrew", "שלום", code=4, error="contains right-to-left text (U+05E9 HEBREW"),
    yaml_case("zero-width", '"a\\u200Bb c\\u200Dd e\\u2060f g\\uFEFFh"',
              found=("a\u200bbc\u200dde\u2060fg\ufeffh",)),
    yaml_case("only-zero-width", '"\\u200B\\u200D"', code=4,
              error="must not be empty (it holds only invisible characters)"),
    yaml_case("dotted-and-dotless-i", "İstanbul, Iğdır, ılıq, DİYARBAKIR, Şəki, İsmayıllı",
              found=("İstanbul,Iğdır,ılıq,DİYARBAKIR,Şəki,İsmayıllı",)),
    yaml_case("emoji", '"flag 😀 and 🧿"', code=4,
              error="contains U+1F9FF NAZAR AMULET (🧿) at position 12, which no font"),
    yaml_case("cjk", "会谈", code=4, error="which no font memo-gen ships can draw"),
    yaml_case("3000-character-word", f"a{WORD}z", found=(f"a{WORD[:300]}", "Ə" * 50 + "z")),
    yaml_case("40000-character-paragraph", PARAGRAPH, found=(PARAGRAPH[:200], PARAGRAPH[-200:])),
    yaml_case("over-the-text-limit", "x" * 100_001, code=4,
              error="over the limit of 100,000 for one text; shorten it, or raise the limit with "
              "--max-text-length"),
    Case("empty-file", b"", code=3, error="the file is empty"),
    Case("0-byte-json", b"", suffix=".json", code=3, error="the file is empty"),
    Case("binary-garbage", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff", code=3, error="not UTF-8"),
    Case("json-array", b'[{"visit": {"title": "x", "start": "2025"}}]', suffix=".json", code=4,
         error="a visit record must be a mapping of fields"),
    Case("duplicate-keys", (VISIT.format(title="A") + "visit: {title: B}\n").encode(), code=3,
         error="duplicate key 'visit' (first given on line 1)"),
    Case("billion-laughs", billion_laughs().encode(), code=3,
         error="is this a 'billion laughs' file?"),
    Case("python-tag", b"visit: !!python/object/apply:os.system [echo pwned]\n", code=3,
         error="the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    Case("topics-over-the-list-limit",
         (VISIT.format(title="A") + "topics:\n"
          + "".join(f"  - {{id: t{i}, title: T}}\n" for i in range(10_001))).encode(),
         code=4, error="topics: has 10,001 entries, over the limit of 10,000 for one list"),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    record = tmp_path / f"{case.name}{case.suffix}"
    record.write_bytes(case.content)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(record), "-o", str(out)])
    assert result.exit_code == case.code, result.stderr
    if case.code:
        assert result.stderr.startswith("Error: ")
        assert case.error in result.stderr
        assert "Traceback" not in result.stderr
        assert not out.exists() or list(out.iterdir()) == []
        return
    *written, manifest = [Path(line) for line in result.stdout.splitlines()]
    assert (len(written), manifest.name) == (4, "manifest.json")
    memo = {path.suffix: path for path in written if "-memo." in path.name}
    texts = {"docx": squeeze(docx_text(memo[".docx"])), "pdf": squeeze(pdf_text(memo[".pdf"]))}
    for fmt, text in texts.items():
        assert [s for s in case.found if squeeze(s) not in text] == [], fmt
        # A word longer than a page's rest runs on over the footer: count its letters.
        assert text.count("Ə") >= case.content.decode().count("Ə"), fmt
