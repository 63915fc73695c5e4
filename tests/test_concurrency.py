"""Runs into one folder at the same time: each adds its files to the one ``manifest.json``,
none is lost (the read, merge and write of the manifest hold a lock on the folder,
:func:`memo_gen.folder.commit`).

Real ``memo-gen build`` processes race only for the few milliseconds of the manifest's
write: without the lock, eight at once lost entries in most rounds, two at once in about
one round in ten. A second test widens that window (a sleep between the read and the write,
in processes that render nothing) so that without the lock it loses entries every time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from memo_gen import cli
from memo_gen.folder import LOCK_NAME
from memo_gen.official.manifest import MANIFEST_NAME
from memo_gen.resources import data_dir

SHORT = data_dir() / "short-readout.yaml"
FILES = ("memo.docx", "memo.pdf", "factsheet.docx", "factsheet.pdf")
ROUNDS = 3
TIMEOUT = 120
BUILD = [sys.executable, "-m", "memo_gen", "build", "--doc", "all", "-j", "1"]
"""``-j 1``: each build is one process, so that eight at once fit on a machine of few CPUs."""
LEFT = {MANIFEST_NAME} | ({LOCK_NAME} if sys.platform == "win32" else set())
"""What the manifest's write leaves in the folder: nothing but the manifest where the folder
itself is locked."""


def listed(out: Path) -> set[str]:
    """The names the folder's manifest lists."""
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    return {entry["name"] for entry in manifest["files"]}


def run_at_once(argvs: list[list[str]]) -> list[tuple[int, str]]:
    """Start every command, then wait for all: their exit codes and stderr."""
    processes = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for argv in argvs
    ]
    results = []
    for process in processes:
        try:
            _, stderr = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for other in processes:
                other.kill()
            raise
        results.append((process.returncode, stderr))
    return results


@pytest.mark.parametrize("count", [2, 8])
def test_builds_at_once_into_one_folder_keep_every_entry(tmp_path: Path, count: int) -> None:
    out = tmp_path / "out"
    expected: set[str] = set()
    for round_ in range(ROUNDS):
        records = []
        for number in range(count):
            record = tmp_path / "in" / f"r{round_}-{number}.yaml"
            record.parent.mkdir(exist_ok=True)
            shutil.copyfile(SHORT, record)
            records.append(record)
            expected |= {f"{record.stem}-{name}" for name in FILES}
        argvs = [[*BUILD, str(record), "-o", str(out)] for record in records]
        for code, stderr in run_at_once(argvs):
            assert code == 0, stderr
        # Every file of every record so far, and nothing else (the lock leaves no file).
        assert listed(out) == expected, f"round {round_}: lost {sorted(expected - listed(out))}"
        assert {child.name for child in out.iterdir()} == expected | LEFT
        verify = CliRunner().invoke(cli.cli, ["verify", str(out)], prog_name="memo-gen")
        assert verify.exit_code == 0, verify.output


# Writes the manifest entry of one file named by argv[2] into the folder argv[1], as a build
# does, but sleeping between reading the manifest and writing it: without the lock every
# process reads the same manifest, and the last to write drops the others' entries.
SLOW_WRITER = """
import sys, time
from pathlib import Path
import memo_gen.folder as folder_change
import memo_gen.official.manifest as manifest

merge = manifest.manifest_bytes

def slow_merge(*args, **kwargs):
    data = merge(*args, **kwargs)
    time.sleep(float(sys.argv[3]))
    return data

folder_change.manifest_bytes = slow_merge
folder, name = Path(sys.argv[1]), sys.argv[2]
entry = manifest.entry_for(name, name.encode(), "pdf", "memo", 1, "r.yaml", "0" * 64)
folder_change.commit(folder, [(name, name.encode())], [entry])
"""


def test_slow_writers_at_once_keep_every_entry(tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = [f"w{number}-memo.pdf" for number in range(4)]
    argvs = [[sys.executable, "-c", SLOW_WRITER, str(out), name, "0.5"] for name in names]
    for code, stderr in run_at_once(argvs):
        assert code == 0, stderr
    assert listed(out) == set(names)
    assert {child.name for child in out.iterdir()} == set(names) | LEFT


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl.flock is POSIX")
def test_a_folder_that_cannot_be_locked_falls_back_to_a_lock_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl
    import stat

    from memo_gen.folder import commit
    from memo_gen.official.manifest import entry_for

    flock = fcntl.flock

    def refuse_folders(descriptor: int, operation: int) -> None:
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):  # as NFS refuses a read-only descriptor
            raise OSError(9, "Bad file descriptor")
        flock(descriptor, operation)

    monkeypatch.setattr(fcntl, "flock", refuse_folders)
    out = tmp_path / "out"
    entry = entry_for("a-memo.pdf", b"%PDF", "pdf", "memo", 1, "a.yaml", "0" * 64)
    assert commit(out, [("a-memo.pdf", b"%PDF")], [entry]) == out / MANIFEST_NAME
    assert listed(out) == {"a-memo.pdf"}
    assert {child.name for child in out.iterdir()} == {"a-memo.pdf", MANIFEST_NAME, LOCK_NAME}
