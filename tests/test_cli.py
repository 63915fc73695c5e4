"""The command line: exit codes, one line per problem on stderr, and the shipped files.

Most tests run the command in-process with click's runner; a few run ``python -m memo_gen``
in a real subprocess, as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from memo_gen import __version__, cli
from memo_gen.errors import MemoGenError
from memo_gen.record.loader import load_record, parse_record
from memo_gen.record.validate import MEMO_DATE_MESSAGE
from memo_gen.resources import schema_path

SAMPLE_OK = "sample record: OK (4 participants, 2 meetings, 6 topics, 7 figures, 3 agreements)\n"
REGENERATE = "memo-gen schema > data/visit-record.schema.json"


def invoke(runner: CliRunner, *args: str, stdin: str | bytes | None = None) -> Result:
    return runner.invoke(cli.cli, list(args), input=stdin, prog_name="memo-gen")


def billion_laughs(folder: Path) -> Path:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 9)]
    path = folder / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def expected_stderr(source: Path) -> str:
    """What ``validate`` must print for a failing record: the error, then one indented line
    per problem (the messages themselves are pinned in test_fixtures)."""
    with pytest.raises(MemoGenError) as caught:
        load_record(source)
    error = caught.value
    return "".join([f"Error: {error.message}\n", *(f"  {p}\n" for p in error.problems)])


# --- --version, validate ---------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(runner: CliRunner, flag: str) -> None:
    result = invoke(runner, flag)
    assert result.exit_code == 0
    assert result.stdout == f"memo-gen, version {__version__}\n"
    assert __version__ == "0.1.0"


def test_help_lists_the_commands_and_exit_codes(runner: CliRunner) -> None:
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    words = " ".join(result.stdout.split())
    for phrase in ("validate", "schema", "new", "3 unreadable input, 4 invalid record"):
        assert phrase in words


def test_validate_without_argument_checks_the_sample(runner: CliRunner) -> None:
    result = invoke(runner, "validate")
    assert (result.exit_code, result.stdout, result.stderr) == (0, SAMPLE_OK, "")


def test_validate_valid_fixtures(runner: CliRunner, records_dir: Path) -> None:
    paths = sorted(str(p) for p in (records_dir / "valid").iterdir())
    result = invoke(runner, "validate", *paths)
    assert result.exit_code == 0, result.stderr
    assert [line.split(": OK (")[0] for line in result.stdout.splitlines()] == paths


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("not-well-formed.yaml", 3),
        ("python-tag.yaml", 3),
        ("bomb", 3),
        ("incomplete.yaml", 4),
        ("duplicate-keys.json", 3),
        ("unknown-references.yaml", 4),
    ],
)
def test_validate_failures(
    runner: CliRunner, records_dir: Path, tmp_path: Path, name: str, code: int
) -> None:
    path = billion_laughs(tmp_path) if name == "bomb" else records_dir / "invalid" / name
    result = invoke(runner, "validate", str(path))
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == expected_stderr(path)
    assert result.stderr.startswith(f"Error: {path}: ")
    assert "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_validate_prints_one_line_per_problem(runner: CliRunner, records_dir: Path) -> None:
    path = records_dir / "invalid" / "incomplete.yaml"
    lines = invoke(runner, "validate", str(path)).stderr.splitlines()
    assert lines[0] == f"Error: {path}: not a valid visit record (8 problems)"
    assert len(lines) == 9
    assert lines[1] == f"  document.date: {MEMO_DATE_MESSAGE} (line 3)"
    assert all(line.startswith("  ") for line in lines[1:])


def test_validate_reports_every_record_and_exits_with_the_first_failure(
    runner: CliRunner, records_dir: Path
) -> None:
    invalid = records_dir / "invalid"
    result = invoke(
        runner,
        "validate",
        str(records_dir / "valid" / "minimal.json"),
        str(invalid / "incomplete.yaml"),
        str(invalid / "nan.json"),
    )
    assert result.exit_code == 4
    assert result.stdout.startswith(f"{records_dir / 'valid' / 'minimal.json'}: OK (")
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert [line.split(": ")[1] for line in errors] == [
        str(invalid / "incomplete.yaml"),
        str(invalid / "nan.json"),
    ]


def test_validate_max_input_size(runner: CliRunner, records_dir: Path) -> None:
    path = records_dir / "valid" / "minimal.json"
    result = invoke(runner, "validate", "--max-input-size", "10", str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: {path}: larger than 10 bytes; if it is really a record, raise the limit with "
        "--max-input-size\n"
    )
    assert invoke(runner, "validate", "--max-input-size", "1000", str(path)).exit_code == 0


def test_validate_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "validate", str(tmp_path / "nope.yaml"))
    assert (result.exit_code, result.stderr) == (
        3,
        f"Error: {tmp_path / 'nope.yaml'}: no such file; check the name, or start a record "
        "with `memo-gen new PATH`\n",
    )


# --- standard input --------------------------------------------------------------------------


def test_validate_stdin_yaml(runner: CliRunner, repo: Path) -> None:
    text = (repo / "data" / "short-readout.yaml").read_bytes()
    result = invoke(runner, "validate", "-", stdin=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "<stdin>: OK (2 participants, 1 meeting, 0 topics, 0 figures, 0 agreements)\n"
    )


def test_validate_stdin_json(runner: CliRunner) -> None:
    result = invoke(
        runner,
        "validate",
        "-",
        stdin='{"visit": {"title": "T"}, "document": {"date": "2025-03-14"}}',
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<stdin>: OK (0 participants")


def test_validate_stdin_errors(runner: CliRunner) -> None:
    result = invoke(runner, "validate", "-", stdin="visit: !!python/name:os.system\n")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "Error: <stdin>: the YAML cannot be read as a record",
        "  visit: the YAML tag 'tag:yaml.org,2002:python/name:os.system' is not allowed; "
        "records hold only plain text, numbers, lists and mappings (line 1)",
    ]
    empty = invoke(runner, "validate", "-", stdin="")
    assert (empty.exit_code, empty.stderr) == (
        3,
        "Error: <stdin>: the file is empty; start from `memo-gen new PATH`\n",
    )


# --- errors: usage, internal, --debug --------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bogus"], "No such command 'bogus'"),
        (["validate", "--bogus"], "--bogus"),
        (["validate", "--max-input-size", "0"], "Invalid value for '--max-input-size'"),
        (["validate", "--max-input-size", "ten"], "Invalid value for '--max-input-size'"),
        (["new"], "Missing argument 'PATH'"),
        (["new", "a.yaml", "b.yaml"], "Got unexpected extra argument (b.yaml)"),
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str], message: str) -> None:
    result = invoke(runner, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.startswith("Usage: memo-gen")
    assert "\nError: " in result.stderr


def test_internal_error_exits_1_without_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "read_record", broken)
    result = invoke(runner, "validate")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: internal error (RuntimeError: boom); run again with --debug for the traceback "
        "and please report it\n"
    )


def test_debug_lets_the_error_through(runner: CliRunner, records_dir: Path) -> None:
    result = invoke(runner, "--debug", "validate", str(records_dir / "invalid" / "nan.json"))
    assert result.exit_code == 1
    assert isinstance(result.exception, MemoGenError)
    assert result.exception.exit_code == 3


# --- schema ----------------------------------------------------------------------------------


def test_schema_matches_the_shipped_file(runner: CliRunner, repo: Path) -> None:
    result = invoke(runner, "schema")
    assert result.exit_code == 0
    shipped = (repo / "data" / "visit-record.schema.json").read_text(encoding="utf-8")
    assert result.stdout == shipped, f"the shipped schema is out of date; run: {REGENERATE}"
    assert schema_path() == repo / "data" / "visit-record.schema.json"


def test_schema_is_json_schema(runner: CliRunner) -> None:
    schema = json.loads(invoke(runner, "schema").stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "memo-gen visit record"
    assert REGENERATE in schema["$comment"]
    assert schema["required"] == ["document", "visit"]
    assert schema["additionalProperties"] is False
    assert "$schema" in schema["properties"]


# --- new -------------------------------------------------------------------------------------


def test_new_writes_a_record_that_validates(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "drafts" / "visit.yaml"
    result = invoke(runner, "new", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"{path}\n", "")
    text = path.read_text(encoding="utf-8")
    assert "{schema_uri}" not in text
    assert text.startswith(f"# yaml-language-server: $schema={schema_path().as_uri()}\n")
    assert load_record(path).visit.title == "Official visit of the Minister of Foreign Affairs"
    check = invoke(runner, "validate", str(path))
    assert check.exit_code == 0 and check.stdout.startswith(f"{path}: OK (1 participant,")
    assert [p.name for p in path.parent.iterdir()] == ["visit.yaml"]  # no temporary file left


def test_new_refuses_to_overwrite_without_force(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "visit.yaml"
    path.write_text("keep me\n", encoding="utf-8")
    result = invoke(runner, "new", str(path))
    assert result.exit_code == 6
    assert result.stderr == (
        f"Error: {path} exists; choose another name or add --force to replace it\n"
    )
    assert path.read_text(encoding="utf-8") == "keep me\n"
    forced = invoke(runner, "new", "--force", str(path))
    assert forced.exit_code == 0
    assert load_record(path).participants[0].id == "host-minister"


def test_new_dash_prints_to_stdout(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "new", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("# yaml-language-server: $schema=file://")
    assert "{schema_uri}" not in result.stdout
    assert parse_record(result.stdout, "yaml").visit.kind == ("official",)
    assert not (tmp_path / "-").exists()


# --- a real process --------------------------------------------------------------------------


def run(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    process = subprocess.run(
        [sys.executable, "-m", "memo_gen", *args],
        cwd=cwd,
        input=stdin.decode("utf-8"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    return process


def test_subprocess_validate_sample(tmp_path: Path) -> None:
    process = run("validate", cwd=tmp_path)
    assert (process.returncode, process.stdout, process.stderr) == (0, SAMPLE_OK, "")


def test_subprocess_validate_failures(tmp_path: Path, records_dir: Path) -> None:
    bomb = billion_laughs(tmp_path)
    tagged = records_dir / "invalid" / "python-tag.yaml"
    process = run("validate", str(tagged), str(bomb), cwd=tmp_path)
    assert process.returncode == 3
    assert process.stdout == ""
    assert process.stderr == expected_stderr(tagged) + expected_stderr(bomb)
    assert "Traceback" not in process.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.yaml"]  # nothing was executed


def test_subprocess_stdin_and_incomplete_record(tmp_path: Path, records_dir: Path) -> None:
    incomplete = (records_dir / "invalid" / "incomplete.yaml").read_bytes()
    process = run("validate", "-", cwd=tmp_path, stdin=incomplete)
    assert process.returncode == 4
    lines = process.stderr.splitlines()
    assert lines[0] == "Error: <stdin>: not a valid visit record (8 problems)"
    assert lines[1:3] == [
        f"  document.date: {MEMO_DATE_MESSAGE} (line 3)",
        "  visit.title: required field is missing (line 5)",
    ]
    assert len(lines) == 9


def test_subprocess_debug_shows_the_traceback(tmp_path: Path, records_dir: Path) -> None:
    process = run("--debug", "validate", str(records_dir / "invalid" / "nan.json"), cwd=tmp_path)
    assert process.returncode == 1
    assert "Traceback (most recent call last)" in process.stderr
    assert "memo_gen.errors.InputError: " in process.stderr
    assert process.stderr.rstrip().endswith(
        "not well-formed JSON: expected a value (line 4, column 48)"
    )


def test_subprocess_usage_error(tmp_path: Path) -> None:
    process = run("validate", "--no-such-option", cwd=tmp_path)
    assert process.returncode == 2
    assert process.stderr.startswith("Usage: memo-gen validate")
    assert "Error: No such option" in process.stderr and "--no-such-option" in process.stderr


def test_a_reader_that_goes_away_stops_the_printing_quietly(tmp_path: Path) -> None:
    # `memo-gen build | head -1`, with head gone before the first line: the files and the
    # manifest are written, nothing is said, and the exit code is that of SIGPIPE.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "memo_gen", "build", "-o", str(tmp_path / "out")],
            stdout=write_end, stderr=subprocess.PIPE, check=False,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, b"")
    written = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert written == [".docx", ".docx", ".json", ".pdf", ".pdf"]


# A library that warns as memo-gen loads the record, as pyHanko does on import with a newer
# cryptography (CryptographyDeprecationWarning is a UserWarning, shown by default).
FOREIGN_WARNING = """
import sys, warnings
import memo_gen.record.loader as loader
from memo_gen import cli
read = loader.read_record
def warning_read(*args, **kwargs):
    warnings.warn("a library's deprecation", UserWarning, stacklevel=1)
    return read(*args, **kwargs)
cli.read_record = warning_read
cli.main(sys.argv[1:])
"""


@pytest.mark.parametrize("debug", [False, True])
def test_foreign_warnings_stay_off_stderr_unless_debug(debug: bool) -> None:
    args = ["--debug", "validate"] if debug else ["validate"]
    process = subprocess.run(
        [sys.executable, "-c", FOREIGN_WARNING, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert "OK" in process.stdout
    if debug:
        assert "UserWarning: a library's deprecation" in process.stderr
    else:
        assert process.stderr == ""
