"""What memo-gen reads as a record, and how much it says about a bad one.

Only a regular file (or ``-``, standard input) is read as a record: a named pipe, a device,
a folder or a socket is refused at once with a clear input error (exit 3). A record with
many problems gets the first 50 and a count of the others, and one with a mapping of more
keys than a record can hold is refused while it is read. The "did you mean" of an unknown
field never offers the field's own name.

The tests run the real command line; a case that blocked or took minutes before runs in a
subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from memo_gen.cli import cli
from memo_gen.errors import MAX_PROBLEMS
from memo_gen.record.readers import read_yaml
from memo_gen.resources import data_dir

UNKNOWN_KEYS = 200_000


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def in_a_process(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``memo-gen ARGS`` in a new interpreter, stopped after ``timeout`` seconds."""
    return subprocess.run(
        [sys.executable, "-m", "memo_gen", *args],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL, timeout=timeout,
    )  # fmt: skip


def assert_refused(code: int, output: str, errors: str, expected: int, message: str) -> None:
    """Exit ``expected`` with the one line ``Error: …message…``, and no traceback."""
    assert code == expected, errors
    assert errors.splitlines() == [errors.splitlines()[0]], errors
    assert errors.startswith("Error: ") and message in errors, errors
    assert "Traceback" not in output + errors


def short_readout() -> dict[str, Any]:
    """The short sample record as plain data."""
    data, _lines = read_yaml((data_dir() / "short-readout.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --- only regular files ----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "validate"])
def test_a_named_pipe_is_refused_at_once(tmp_path: Path, command: str) -> None:
    pipe = tmp_path / "record.yaml"
    os.mkfifo(pipe)  # reading it waited for a writer for ever
    out = tmp_path / "out"
    args = [command, str(pipe), *(["-o", str(out)] if command == "build" else [])]
    done = in_a_process(*args, timeout=60)
    assert_refused(
        done.returncode, done.stdout, done.stderr, 3,
        f"{pipe}: is a named pipe (FIFO), not a record file; to read a pipe, give -",
    )  # fmt: skip
    assert not out.exists()


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "record.yaml"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    yield path
    listener.close()


def test_a_device_is_refused(tmp_path: Path) -> None:
    # /dev/zero never ends: it was read up to the size limit, then refused as too large.
    result = invoke("build", "/dev/zero", "-o", str(tmp_path / "out"))
    assert_refused(
        result.exit_code, result.stdout, result.stderr, 3,
        "/dev/zero: is a device, not a record file",
    )  # fmt: skip
    assert not (tmp_path / "out").exists()


def test_a_socket_is_refused(unix_socket: Path) -> None:
    result = invoke("validate", str(unix_socket))
    assert_refused(
        result.exit_code, result.stdout, result.stderr, 3,
        f"{unix_socket}: is a socket, not a record file",
    )  # fmt: skip


def test_a_folder_is_refused_by_validate(tmp_path: Path) -> None:
    folder = tmp_path / "record.yaml"
    folder.mkdir()
    result = invoke("validate", str(folder))
    assert_refused(
        result.exit_code, result.stdout, result.stderr, 3,
        f"{folder}: is a folder, not a record file",
    )  # fmt: skip


def test_a_link_to_a_record_is_read(tmp_path: Path) -> None:
    # The user names the record; a link to a regular file is followed.
    link = tmp_path / "record.yaml"
    link.symlink_to(data_dir() / "short-readout.yaml")
    result = invoke("validate", str(link))
    assert result.exit_code == 0, result.stderr


# --- many problems ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def many_unknown_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid record with 200,000 unknown keys at its top (2.8 MB of JSON, under the
    10 MB limit)."""
    data = short_readout() | {f"k{index:06d}": 1 for index in range(UNKNOWN_KEYS)}
    path = tmp_path_factory.mktemp("records") / "many-keys.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")
    return path


def test_a_mapping_of_more_keys_than_a_record_holds_is_refused_while_read(
    many_unknown_keys: Path,
) -> None:
    # It took minutes (every key checked, each told with a suggestion), and printed a line
    # for each.
    done = in_a_process("validate", str(many_unknown_keys))
    assert_refused(
        done.returncode, done.stdout, done.stderr, 4,
        "not a valid visit record: the mapping that starts on line 1 has more than 10,000 "
        "keys, over the limit of 10,000 entries; remove some, or raise the limit with "
        "--max-items",
    )  # fmt: skip


def test_the_first_problems_are_listed_and_the_others_counted(many_unknown_keys: Path) -> None:
    done = in_a_process("validate", "--max-items", "1000000", str(many_unknown_keys))
    assert done.returncode == 4, done.stderr
    first, *listed, last = done.stderr.splitlines()
    assert first == f"Error: {many_unknown_keys}: not a valid visit record (200,000 problems)"
    assert len(listed) == MAX_PROBLEMS
    assert last == f"  … and {UNKNOWN_KEYS - MAX_PROBLEMS:,} more problems"
    # The first keys of the file, each on its own line (counted right to the end of a long
    # file).
    text = many_unknown_keys.read_text(encoding="utf-8")
    line = text[: text.index('"k000000"')].count("\n") + 1
    assert listed[0] == f"  k000000: unknown field; remove it or check its spelling (line {line})"
    assert listed[-1].startswith(f"  k{MAX_PROBLEMS - 1:06d}: unknown field")
    assert listed[-1].endswith(f"(line {line + MAX_PROBLEMS - 1})")


def test_problems_found_while_reading_are_capped_too(tmp_path: Path) -> None:
    record = tmp_path / "duplicates.yaml"
    record.write_text("visit:\n" + "  title: A\n" * 121, encoding="utf-8")
    result = invoke("validate", str(record))
    assert result.exit_code == 3, result.stderr
    first, *listed, last = result.stderr.splitlines()
    assert first == f"Error: {record}: the YAML cannot be read as a record"
    assert len(listed) == MAX_PROBLEMS
    assert listed[0] == "  visit.title: duplicate key 'title' (first given on line 2) (line 3)"
    assert last == "  … and 70 more problems"


# --- did you mean ----------------------------------------------------------------------------


def validate_with(tmp_path: Path, change: Any) -> list[str]:
    """The problems ``validate`` prints for the short readout changed by ``change``."""
    data = short_readout()
    change(data)
    record = tmp_path / "record.json"
    record.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    result = invoke("validate", str(record))
    assert result.exit_code == 4, result.stderr
    assert "Traceback" not in result.stderr
    return [line.strip() for line in result.stderr.splitlines()[1:]]


@pytest.mark.parametrize(
    ("where", "key", "message"),
    [
        # Spelt right, in the wrong place (also within a list's entry): told where it belongs.
        ("visit", "notes", "visit.notes: 'notes' is not a field here; it belongs in visit.source"),
        (
            "participant",
            "notes",
            "participants[0].notes: 'notes' is not a field here; it belongs in visit.source",
        ),
        # Names that only look like a field's: the characters that differ are named.
        (
            "visit",
            "notes ",
            "visit.notes : unknown field: its name holds U+0020 SPACE (did you mean 'notes'? "
            "it belongs in visit.source)",
        ),
        (
            "visit",
            "n\u043etes",
            "visit.n\u043etes: unknown field: its name holds U+043E CYRILLIC SMALL LETTER O "
            "(did you mean 'notes'? it belongs in visit.source)",
        ),
        (
            "participant",
            "title\u200b",
            "participants[0].title\u200b: unknown field: its name holds U+200B ZERO WIDTH "
            "SPACE (did you mean 'title'?)",
        ),
        # A near name: a field of this place first, else one of another place, said where.
        ("participant", "titel", "participants[0].titel: unknown field (did you mean 'title'?)"),
        (
            "visit",
            "note",
            "visit.note: unknown field (did you mean 'notes'? it belongs in visit.source)",
        ),
    ],
)
def test_an_unknown_field_is_never_offered_its_own_name(
    tmp_path: Path, where: str, key: str, message: str
) -> None:
    def add(data: dict[str, Any]) -> None:
        target = data["visit"] if where == "visit" else data["participants"][0]
        target[key] = "x"

    problems = validate_with(tmp_path, add)
    assert [problem.rsplit(" (line ", 1)[0] for problem in problems] == [message]
