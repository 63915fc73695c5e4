"""A folder is always consistent: after a kill at any step of a build over it, or a disk
that fills at any byte of its last writes, the next memo-gen run finds each record's files
all old or all new, with a manifest that matches, and no staging file
(:mod:`memo_gen.folder`).

The kills are real: ``tests/kill_at.py`` runs the command line and sends itself SIGKILL at
the N-th step that touches the folder (each open, write, fsync, close, rename and unlink),
for every N. The full disk is simulated in this process, byte by byte.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from memo_gen.errors import OutputError
from memo_gen.folder import JOURNAL_NAME, STAGE_PREFIX, commit
from memo_gen.official.manifest import MANIFEST_NAME
from memo_gen.official.verify import verify_folder
from memo_gen.pipeline import BuildSettings, render_source
from memo_gen.resources import data_dir

KILL_AT = Path(__file__).with_name("kill_at.py")
MEMO_GEN = [sys.executable, "-m", "memo_gen"]
SHORT = data_dir() / "short-readout.yaml"
pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")


def digests(folder: Path) -> dict[str, str]:
    """Every entry of a folder (hidden ones too) and the SHA-256 of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def run(*argv: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*map(str, argv)], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A record in two versions, ``old/visit.yaml`` and ``new/visit.yaml``: the folders
    ``old/out`` and ``new/out`` of their memorandum."""
    root = tmp_path_factory.mktemp("versions")
    old_record, new_record = root / "old" / "visit.yaml", root / "new" / "visit.yaml"
    for record, title in ((old_record, "Consultations"), (new_record, "Talks, revised")):
        record.parent.mkdir()
        text = SHORT.read_text(encoding="utf-8")
        record.write_text(text.replace("Consultations with the Ambassador", title), "utf-8")
        result = run(*MEMO_GEN, "build", record, "--doc", "memo", "-o", record.parent / "out")
        assert result.returncode == 0, result.stderr
    return root / "old" / "out", root / "new" / "out"


def whole_version(out: Path, old: Path, new: Path) -> str:
    """Which version of the record's files ``out`` holds: ``old`` or ``new``; fails the
    test on a mix, a staging file or a manifest that does not match."""
    found = digests(out)
    assert not [name for name in found if name.startswith((STAGE_PREFIX, JOURNAL_NAME))]
    report = verify_folder(out)
    assert report.ok, report.problems
    for label, folder in (("old", old), ("new", new)):
        if found == digests(folder):
            return label
    raise AssertionError(f"neither the old nor the new files: {sorted(found)}")


def test_a_kill_at_every_step_of_a_build_leaves_the_old_or_the_new_files(
    versions: tuple[Path, Path], tmp_path: Path
) -> None:
    old, new = versions
    new_record = new.parent / "visit.yaml"
    counted = tmp_path / "counted"
    shutil.copytree(old, counted)
    build = ["build", new_record, "--doc", "memo", "-o"]
    result = run(sys.executable, KILL_AT, 0, counted, *build, counted)
    assert result.returncode == 0, result.stderr
    steps = int(result.stderr.rsplit("steps: ", 1)[1])
    assert steps >= 25  # two files, the manifest and the journal: each open, write, rename…
    seen = {"old": 0, "new": 0}
    for number in range(1, steps + 1):
        out = tmp_path / f"killed-{number}"
        shutil.copytree(old, out)
        killed = run(sys.executable, KILL_AT, number, out, *build, out)
        assert killed.returncode == -signal.SIGKILL, (number, killed.stderr)
        # The next run in the folder finishes or undoes the change: verify, or a build.
        if number % 4:
            after = run(*MEMO_GEN, "verify", out)
            assert after.returncode == 0, (number, after.stdout, after.stderr)
        else:
            other = tmp_path / "other.yaml"
            other.write_bytes(SHORT.read_bytes())
            after = run(*MEMO_GEN, "docx", other, "-o", out)
            assert after.returncode == 0, (number, after.stderr)
            report = verify_folder(out)
            assert report.ok, (number, report.problems)
            for name in ("other-memo.docx", "other-factsheet.docx"):
                (out / name).unlink()  # the record's files are compared below without them
            _drop_entries(out, "other-")
        seen[whole_version(out, old, new)] += 1
    print(f"kill steps: {steps}; folders left consistent: {sum(seen.values())} {seen}")
    assert seen["old"] and seen["new"]  # both sides of the moment of change were hit


def _drop_entries(out: Path, prefix: str) -> None:
    """Remove the entries of files named ``prefix…`` from the folder's manifest."""
    import json

    path = out / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["files"] = [e for e in manifest["files"] if not e["name"].startswith(prefix)]
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def test_a_disk_that_fills_at_any_byte_of_the_last_writes_changes_nothing(
    versions: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = versions
    settings = BuildSettings(("memo",), ("docx", "pdf"), tmp_path)
    rendered = render_source(str(new.parent / "visit.yaml"), settings)
    files = [(file.name, file.data) for file in rendered.files]
    entries = [file.entry for file in rendered.files]
    documents = sum(len(data) for _, data in files)
    out = tmp_path / "out"
    shutil.copytree(old, out)
    before = digests(out)
    budget = [0]
    real_write = os.write

    def full_disk(descriptor: int, data: bytes | memoryview) -> int:
        if budget[0] <= 0:
            raise OSError(28, "No space left on device")
        written = real_write(descriptor, bytes(data)[: budget[0]])
        budget[0] -= written
        return written

    monkeypatch.setattr(os, "fsync", lambda descriptor: None)  # durability is not tested here
    monkeypatch.setattr(os, "write", full_disk)
    # Every byte of the manifest and the journal (the last writes); every 1,009th before.
    boundaries = [*range(0, documents, 1009), *range(documents, documents + 8192)]
    failures = 0
    boundary = 0
    for boundary in boundaries:
        budget[0] = boundary
        try:
            commit(out, files, entries)
        except OutputError as exc:
            assert "No space left on device; nothing was changed" in exc.message
            assert digests(out) == before, boundary
            failures += 1
            continue
        break  # the disk was large enough: the change is whole
    else:
        raise AssertionError("the change never fit")
    monkeypatch.undo()
    print(f"disk full at {failures} byte boundaries, {boundary - documents} after the documents")
    assert failures == boundaries.index(boundary)
    assert boundary - documents > 1000  # the manifest and the journal: every byte was tried
    assert whole_version(out, old, new) == "new"


@pytest.fixture
def old_copy(versions: tuple[Path, Path], tmp_path: Path) -> Path:
    """A copy of the old version's folder."""
    out = tmp_path / "out"
    shutil.copytree(versions[0], out)
    return out


def test_staging_files_an_older_memo_gen_left_are_removed(
    versions: tuple[Path, Path], old_copy: Path
) -> None:
    out = old_copy
    leftovers = [".visit-memo.pdf.k3j_9x0a.part", ".manifest.json.0123456789ab.part"]
    kept = [".notes.txt.part", "visit-memo.pdf.part"]
    for name in leftovers + kept:
        (out / name).write_bytes(b"left")
    result = run(*MEMO_GEN, "verify", out)
    assert result.returncode == 0, result.stderr
    assert sorted(set(digests(out)) - set(digests(versions[0]))) == sorted(kept)


def test_a_journal_that_names_a_file_outside_the_folder_is_refused(
    old_copy: Path, tmp_path: Path
) -> None:
    out = old_copy
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (out / ".memo-gen-stage.x.a").write_text("evil", encoding="utf-8")
    (out / JOURNAL_NAME).write_text(
        '{"journal": 1, "renames": [[".memo-gen-stage.x.a", "../victim.txt"]]}', "utf-8"
    )
    result = run(*MEMO_GEN, "verify", out)
    assert result.returncode == 6
    assert "is not a file in the folder; remove it" in result.stderr
    assert victim.read_text(encoding="utf-8") == "keep me"
