"""A template folder (``--template-dir``) is untrusted input: its files are read only from
inside it, and what its templates make and do is bounded.

Each test runs the real command line on a copy of memo-gen's templates changed the way a
hostile template pack would, and checks the exit code (5, a template error), the one line
that says why (with the template's file and line where one is to blame), that no
traceback is shown and that no file is written. A case that could block for ever on a
regression (a FIFO) runs in a subprocess with a timeout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from memo_gen.cli import cli
from memo_gen.compose.sandbox import MAX_OUTPUT_CHARS, MAX_STEPS, MAX_VALUE_CHARS
from memo_gen.resources import data_dir, templates_dir
from memo_gen.template_files import MAX_FILE_BYTES
from test_documents import docx_text

SECRET = "secret-of-the-user-7f3a"
"""The text of a file outside the template folder, which must never reach a document."""


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A copy of memo-gen's templates: a template pack to spoil."""
    folder = tmp_path / "pack"
    shutil.copytree(templates_dir(), folder)
    return folder


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file of the user's outside the template folder."""
    path = tmp_path / "private" / "secret.txt"
    path.parent.mkdir()
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


def build(pack: Path, out: Path, *more: str) -> Result:
    record = data_dir() / "short-readout.yaml"
    args = ["build", str(record), "--doc", "memo", "--template-dir", str(pack), "-o", str(out)]
    return CliRunner().invoke(cli, [*args, *more])


def build_in_a_process(pack: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """The build in a new interpreter, stopped after a minute if it blocks."""
    record = data_dir() / "short-readout.yaml"
    args = ["build", str(record), "--doc", "memo", "--template-dir", str(pack), "-o", str(out)]
    return subprocess.run(
        [sys.executable, "-m", "memo_gen", *args],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL, timeout=60,
    )  # fmt: skip


def assert_refused(code: int, stdout: str, stderr: str, out: Path, *phrases: str) -> None:
    """Exit 5 with one line ``Error: …`` holding ``phrases``; no traceback; no file."""
    assert code == 5, stderr
    assert stderr.startswith("Error: ")
    assert len(stderr.splitlines()) == 1, stderr
    for phrase in phrases:
        assert phrase in stderr
    assert "Traceback" not in stdout + stderr
    assert SECRET not in stdout + stderr
    assert not out.exists() or list(out.iterdir()) == []


def memo(pack: Path, text: str) -> None:
    (pack / "en" / "memo.md.j2").write_text(text, encoding="utf-8")


# --- files only from inside the folder -------------------------------------------------------


def test_a_link_to_a_file_outside_is_not_included(pack: Path, secret: Path, tmp_path: Path) -> None:
    (pack / "en" / "notes.md").symlink_to(secret)
    memo(pack, '{% include "notes.md" %}\n')
    result = build(pack, tmp_path / "out")
    assert_refused(
        result.exit_code, result.stdout, result.stderr, tmp_path / "out",
        "memo.md.j2, line 1: ", "notes.md: is a symbolic link",
        "reads a template folder's files only from inside it",
    )  # fmt: skip


def test_a_linked_folder_on_the_way_is_refused(pack: Path, secret: Path, tmp_path: Path) -> None:
    (pack / "en" / "parts").symlink_to(secret.parent, target_is_directory=True)
    memo(pack, '{% include "parts/secret.txt" %}\n')
    result = build(pack, tmp_path / "out")
    assert_refused(
        result.exit_code, result.stdout, result.stderr, tmp_path / "out",
        "memo.md.j2, line 1: ", "parts: is a symbolic link",
    )  # fmt: skip


@pytest.mark.parametrize("name", ["memo.md.j2", "_macros.md.j2", "language.toml"])
def test_a_file_of_the_set_that_is_a_link_is_refused(pack: Path, tmp_path: Path, name: str) -> None:
    original = tmp_path / "elsewhere" / name
    original.parent.mkdir()
    (pack / "en" / name).rename(original)
    (pack / "en" / name).symlink_to(original)  # even to a harmless copy: links are refused
    result = build(pack, tmp_path / "out")
    assert_refused(
        result.exit_code, result.stdout, result.stderr, tmp_path / "out",
        f"{name}: is a symbolic link",
    )  # fmt: skip


def test_a_theme_that_is_a_link_is_refused(pack: Path, secret: Path, tmp_path: Path) -> None:
    (pack / "theme.toml").unlink()
    (pack / "theme.toml").symlink_to(secret)
    result = build(pack, tmp_path / "out")
    assert_refused(
        result.exit_code, result.stdout, result.stderr, tmp_path / "out",
        "theme.toml: is a symbolic link",
    )  # fmt: skip


def test_a_language_set_that_is_a_linked_folder_is_refused(pack: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere-en"
    (pack / "en").rename(elsewhere)
    (pack / "en").symlink_to(elsewhere, target_is_directory=True)
    result = build(pack, tmp_path / "out")
    assert_refused(
        result.exit_code, result.stdout, result.stderr, tmp_path / "out",
        f"{pack / 'en'}: is a symbolic link",
    )  # fmt: skip


def test_the_template_folder_itself_may_be_a_link(pack: Path, tmp_path: Path) -> None:
    # The folder the user names is the user's choice; only what is inside it is checked.
    (tmp_path / "link").symlink_to(pack, target_is_directory=True)
    result = build(tmp_path / "link", tmp_path / "out")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    "statement",
    [
        '{% include "../../private/secret.txt" %}',
        '{% include "en/../../private/secret.txt" %}',
        '{% import "../../private/secret.txt" as parts %}',
        '{% extends "../../private/secret.txt" %}',
        "{% include '/etc/passwd' %}",
        "{% include '/" + "../" * 12 + "etc/passwd' %}",
    ],
)
def test_names_that_leave_the_folder_are_not_found(
    pack: Path, secret: Path, tmp_path: Path, statement: str
) -> None:
    memo(pack, statement + "\n")
    result = build(pack, tmp_path / "out")
    assert_refused(result.exit_code, result.stdout, result.stderr, tmp_path / "out", "not found")


@pytest.mark.parametrize(
    ("name", "template"),
    [
        ("en/pipe", '{% include "pipe" %}\n'),
        ("en/language.toml", None),
        ("theme.toml", None),
    ],
)
def test_a_named_pipe_in_the_folder_is_refused_at_once(
    pack: Path, tmp_path: Path, name: str, template: str | None
) -> None:
    (pack / name).unlink(missing_ok=True)
    os.mkfifo(pack / name)  # reading it would wait for a writer for ever
    if template is not None:
        memo(pack, template)
    done = build_in_a_process(pack, tmp_path / "out")
    assert_refused(
        done.returncode, done.stdout, done.stderr, tmp_path / "out",
        f"{Path(name).name}: is not a regular file",
    )  # fmt: skip


def test_a_template_file_larger_than_the_limit_is_refused(pack: Path, tmp_path: Path) -> None:
    memo(pack, "x" * (MAX_FILE_BYTES + 1))
    result = build(pack, tmp_path / "out")
    assert_refused(
        result.exit_code, result.stdout, result.stderr, tmp_path / "out",
        f"memo.md.j2: larger than {MAX_FILE_BYTES:,} bytes",
    )  # fmt: skip


# --- what templates make and do is bounded ---------------------------------------------------


@pytest.mark.parametrize(
    ("template", "what"),
    [
        ("{{ 'A' * 2000000000 }}", "'*' would make a value of 2,000,000,000 characters"),
        ("{{ ['A'] * 2000000000 }}", "'*' would make a value of"),
        ("{{ 'A'|center(2000000000) }}", "the filter center would make a value"),
        ("{{ 'A'.ljust(2000000000) }}", "str.ljust would make a value"),
        ("{{ '{:>2000000000}'.format(1) }}", "str.format would make a value"),
        ("{{ '%2000000000d' % 1 }}", "'%' would make a value"),
        ("{{ '%d'|format(1)|indent(2000000000, true) }}", "the filter indent would make"),
        ("{% set s = 'A' * 4000000 %}{{ range(1000)|join(s) }}", "the filter join would make"),
        ("{% set s = 'A' * 4000000 %}{{ s.replace('A', s) }}", "str.replace would make"),
        ("{% set s = 'A' * 4000000 %}{% set s = s ~ s %}", "the '~' operator would make"),
        ("{% set s = 'A' * 4000000 %}{% set s = s + s %}", "'+' would make"),
        ("{{ 10 ** (10 ** 9) }}", "'**' would make a number of more than"),
    ],
)
def test_a_huge_value_is_refused_before_it_is_made(
    pack: Path, tmp_path: Path, template: str, what: str
) -> None:
    memo(pack, f"# Memo\n\n{template}\n")
    result = build(pack, tmp_path / "out")
    limit = "bits" if "number" in what else f"over the limit of {MAX_VALUE_CHARS:,}"
    assert_refused(
        result.exit_code, result.stdout, result.stderr, tmp_path / "out",
        f"memo.md.j2, line 3: {what}", limit,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("template", "line", "what"),
    [
        (
            "{% for i in range(10**30) %}x{% endfor %}",
            1,
            "range() of more than 100,000 numbers",
        ),
        (
            "{% for i in range(100000) %}\n{% for j in range(100000) %}{% endfor %}{% endfor %}",
            2,
            f"the template runs more than {MAX_STEPS:,} loop iterations and calls",
        ),
        (
            "{% macro again(n) %}{{ again(n) }}{{ again(n) }}{% endmacro %}\n{{ again(0) }}",
            1,
            "RecursionError: maximum recursion depth exceeded",
        ),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}\n"
            "Some words of the template's own, again and again.\n{% endfor %}{% endfor %}",
            2,
            f"the template writes more than {MAX_OUTPUT_CHARS:,} characters",
        ),
        (
            "{% macro page() %}{% for i in range(100000) %}" + "x" * 600 + "{% endfor %}"
            "{% endmacro %}\n{% for i in range(1000) %}{% set text = page() %}{% endfor %}",
            1,
            f"the template writes more than {MAX_OUTPUT_CHARS:,} characters",
        ),
        ("ok\n{{ 1 / 0 }}", 2, "ZeroDivisionError: division by zero"),
    ],
    ids=["range", "nested-loops", "branching-recursion", "output", "output-in-a-macro", "1/0"],
)
def test_a_template_that_never_ends_is_stopped(
    pack: Path, tmp_path: Path, template: str, line: int, what: str
) -> None:
    memo(pack, template + "\n")
    result = build(pack, tmp_path / "out")
    assert_refused(
        result.exit_code, result.stdout, result.stderr, tmp_path / "out",
        f"Error: memo.md.j2, line {line}: {what}",
    )  # fmt: skip


@pytest.mark.parametrize(
    "template",
    [
        "{{ visit.model_dump_json(indent=100000000) }}",
        "{{ [].append(1) }}",
        "{{ lipsum(100000000) }}",
    ],
)
def test_what_the_sandbox_does_not_allow(pack: Path, tmp_path: Path, template: str) -> None:
    memo(pack, template + "\n")
    result = build(pack, tmp_path / "out")
    assert_refused(result.exit_code, result.stdout, result.stderr, tmp_path / "out", "line 1: ")


def test_a_text_a_template_prints_is_the_same_for_every_record(pack: Path, tmp_path: Path) -> None:
    # Jinja works out a constant ({{ "…" }}) once, when it compiles the template; it was
    # turned into a placeholder for a value of that first render, so the next record's
    # memorandum showed another value in its place.
    memo(pack, '# {{ "Words of the template" }}: {{ visit.title }}\n')
    records = [str(data_dir() / "short-readout.yaml"), str(data_dir() / "astana-2025-03-13.yaml")]
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["build", *records, "--doc", "memo", "--template-dir", str(pack), "-o", str(out),
              "--jobs", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    memos = sorted(out.glob("*-memo.docx"))
    assert len(memos) == 2
    for path in memos:
        assert "Words of the template:" in docx_text(path), path.name
