"""Every error a user can cause, through the real command line: its class, its exit code and
its one ``Error: …`` line, which says what to do."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from memo_gen.errors import (
    InputError,
    InternalError,
    Interrupted,
    InvalidRecordError,
    MemoGenError,
    OutputError,
    SigningError,
    TemplateError,
    VerificationError,
)


@dataclass(frozen=True)
class Case:
    """A command that fails, given a scratch folder, and the first line it prints."""

    args: Callable[[Path], list[str]]
    first_line: Callable[[Path], str]


def _record(
    folder: Path, text: str = "visit: {title: A visit}\ndocument: {date: 2025-03-14}\n"
) -> str:
    path = folder / "visit.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _templates(folder: Path) -> str:
    path = folder / "templates"
    path.mkdir()
    (path / "memo.md.j2").write_text("{{ no_such_name }}\n", encoding="utf-8")
    return str(path)


def _blocked(folder: Path) -> str:
    (folder / "a-file").write_text("not a folder", encoding="utf-8")
    return str(folder / "a-file" / "out")


CASES: dict[type[MemoGenError], tuple[int, Case]] = {
    InputError: (3, Case(
        lambda d: ["validate", str(d / "missing.yaml")],
        lambda d: f"Error: {d / 'missing.yaml'}: no such file; check the name, or start a "
        "record with `memo-gen new PATH`",
    )),
    InvalidRecordError: (4, Case(
        lambda d: ["validate", _record(d, "visit: {title: A visit}\n")],
        lambda d: f"Error: {d / 'visit.yaml'}: not a valid visit record (1 problem)",
    )),
    TemplateError: (5, Case(
        lambda d: ["pdf", "--doc", "memo", "--template-dir", _templates(d), "-o", str(d)],
        lambda d: "Error: memo.md.j2, line 1: 'no_such_name' is undefined; fix the template or "
        "theme, or leave out --template-dir to use memo-gen's own",
    )),
    OutputError: (6, Case(
        lambda d: ["docx", _record(d), "-o", _blocked(d)],
        lambda d: f"Error: cannot write to {d / 'a-file' / 'out'}: it is inside {d / 'a-file'}, "
        "not a folder; choose another folder with -o",
    )),
    SigningError: (7, Case(
        lambda d: ["pdf", "--sign", str(d / "missing.p12"), "-o", str(d / "out")],
        lambda d: f"Error: {d / 'missing.p12'}: no such key file; give the path of a PKCS#12 "
        "(.p12/.pfx) file",
    )),
    VerificationError: (8, Case(
        lambda d: ["verify", _manifest_of_a_missing_file(d)],
        lambda d: f"Error: 1 file does not match {d / 'manifest.json'}; do not send these "
        "files: restore them from the originals or render them again",
    )),
}  # fmt: skip


def _manifest_of_a_missing_file(folder: Path) -> str:
    from memo_gen.official.manifest import entry_for, manifest_bytes

    entry = entry_for("a-memo.pdf", b"%PDF", "pdf", "memo", 1, "a.yaml", "0" * 64)
    (folder / "manifest.json").write_bytes(manifest_bytes([entry]))
    return str(folder)


def _subclasses(cls: type[MemoGenError]) -> set[type[MemoGenError]]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))


def test_the_table_covers_every_error_class() -> None:
    # InternalError is no user's doing: test_cli.py makes one happen and checks its line.
    assert set(CASES) == _subclasses(MemoGenError) - {InternalError}
    assert {cls: cls.exit_code for cls in CASES} == {cls: code for cls, (code, _) in CASES.items()}


@pytest.mark.parametrize("error", list(CASES), ids=lambda cls: cls.__name__)
def test_each_error_class_exit_code_and_message(error: type[MemoGenError], tmp_path: Path) -> None:
    code, case = CASES[error]
    result = subprocess.run(
        [sys.executable, "-m", "memo_gen", *case.args(tmp_path)],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    first, *rest = result.stderr.splitlines()
    assert (result.returncode, first) == (code, case.first_line(tmp_path))
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert all(line.startswith("  ") for line in rest), "problems are indented lines"


def test_a_usage_error_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "memo_gen", "pdf", "--page-size", "a3"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith("Error: Invalid value for '--page-size'")


@pytest.mark.parametrize(("signum", "code"), [(2, 130), (15, 143)])
def test_interruptions_exit_with_128_plus_the_signal(signum: int, code: int) -> None:
    # Killed processes are in test_reliability; here the mapping itself.
    assert Interrupted(signum).exit_code == code
    assert isinstance(Interrupted(signum), KeyboardInterrupt)


def test_an_error_about_a_file_keeps_its_class_problems_and_code() -> None:
    from memo_gen.errors import Problem, as_error

    error = InvalidRecordError("not a valid visit record (1 problem)", [Problem("visit", "x")])
    named = error.about("visit.yaml")
    assert type(named) is InvalidRecordError and named.exit_code == 4
    assert named.message == "visit.yaml: not a valid visit record (1 problem)"
    assert named.problems == error.problems
    assert named.about("visit.yaml") is named  # named once
    assert as_error(error) is error
    internal = as_error(RuntimeError("boom"))
    assert type(internal) is InternalError and internal.exit_code == 1
    assert internal.line.startswith("internal error (RuntimeError: boom); run again with --debug")


def test_a_field_in_the_wrong_place_is_told_where_it_belongs() -> None:
    from memo_gen.record.validate import validate_record

    data = {"document": {"date": "2025-03-14"}, "visit": {"title": "X", "notes": ["n"]}}
    with pytest.raises(InvalidRecordError) as caught:
        validate_record(data)
    assert [str(p) for p in caught.value.problems] == [
        "visit.notes: 'notes' is not a field here; it belongs in visit.source"
    ]
