"""``memo-gen build`` with many records: folders, worker processes, a failing record that
does not stop the others, the summary and the exit code, the progress bar."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from memo_gen import cli
from memo_gen.pipeline import BuildSettings, Outcome, record_sources, render_many
from memo_gen.resources import data_dir

SHORT = data_dir() / "short-readout.yaml"
FILES = ("memo.docx", "memo.pdf", "factsheet.docx", "factsheet.pdf")


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli.cli, list(args), prog_name="memo-gen")


def records(folder: Path, names: list[str], broken: tuple[str, ...] = ()) -> list[Path]:
    """Copies of the short readout named ``names``; those in ``broken`` lack the memorandum's
    date (exit code 4)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / name
        if name in broken:
            path.write_text("visit:\n  title: No memorandum date\n", encoding="utf-8")
        else:
            shutil.copyfile(SHORT, path)
        paths.append(path)
    return paths


def written(out: Path, stem: str) -> list[Path]:
    return [out / f"{stem}-{name}" for name in FILES]


def listed(out: Path) -> list[str]:
    """The names the folder's manifest lists."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return [entry["name"] for entry in manifest["files"]]


def test_one_failing_record_does_not_stop_the_others(runner: CliRunner, tmp_path: Path) -> None:
    first, bad, last = records(tmp_path / "in", ["a.yaml", "b.yaml", "c.yaml"], ("b.yaml",))
    out = tmp_path / "out"
    result = invoke(runner, "build", str(first), str(bad), str(last), "-j", "1", "-o", str(out))
    assert result.exit_code == 4
    # Every path, in the order of the records, and nothing of the broken one.
    good = written(out, "a") + written(out, "c")
    # The manifest last: it lists the files of the records that rendered, and only those.
    assert result.stdout.splitlines() == [str(p) for p in good] + [str(out / "manifest.json")]
    assert listed(out) == sorted(p.name for p in good)
    assert all(p.stat().st_size > 0 for p in good)
    assert not any(p.exists() for p in written(out, "b"))
    lines = result.stderr.splitlines()
    assert lines[0] == f"Error: {bad}: not a valid visit record (1 problem)"
    assert lines[1].startswith("  document.date: required")
    assert lines[-1] == "Error: 1 of 3 records failed"


def test_worker_processes_write_every_record(runner: CliRunner, tmp_path: Path) -> None:
    names = [f"r{n}.yaml" for n in range(5)]
    paths = records(tmp_path / "in", names, ("r1.yaml", "r3.yaml"))
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "memo_gen", "build", *map(str, paths), "-j", "2", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 4, done.stderr
    good = [p for stem in ("r0", "r2", "r4") for p in written(out, stem)]
    assert done.stdout.splitlines() == [str(p) for p in good] + [str(out / "manifest.json")]
    assert sorted(out.iterdir()) == sorted([*good, out / "manifest.json"])
    assert listed(out) == sorted(p.name for p in good)
    assert done.stderr.count("not a valid visit record") == 2
    assert done.stderr.splitlines()[-1] == "Error: 2 of 5 records failed"
    # No progress bar when stderr is not a terminal.
    assert "Rendering" not in done.stderr


def test_a_folder_stands_for_its_records_in_order(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    records(folder, ["b.yml", "a.yaml", "c.json"])
    (folder / "c.json").write_text(
        '{"visit": {"title": "Talks"}, "document": {"date": "2025-04-01"}}', encoding="utf-8"
    )
    (folder / "notes.txt").write_text("not a record", encoding="utf-8")
    (folder / ".hidden.yaml").write_text("not: [a record", encoding="utf-8")
    (folder / "sub.yaml").mkdir()
    assert record_sources([str(folder)]) == [str(folder / n) for n in ("a.yaml", "b.yml", "c.json")]
    out = tmp_path / "out"
    result = invoke(runner, "build", str(folder), "-j", "2", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        *(str(p) for stem in ("a", "b", "c") for p in written(out, stem)),
        str(out / "manifest.json"),
    ]
    assert result.stderr == ""


def test_a_folder_without_records_is_an_input_error(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = invoke(runner, "build", str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 3
    assert "holds no record" in result.stderr
    assert not (tmp_path / "out").exists()


def test_each_failure_names_its_record(runner: CliRunner, tmp_path: Path) -> None:
    paths = records(tmp_path / "in", ["a.yaml", "b.yaml"])
    for path in paths:
        path.write_text("visit: [not a mapping]\n", encoding="utf-8")
    result = invoke(runner, "build", *map(str, paths), "-j", "1", "-o", str(tmp_path / "out"))
    assert result.exit_code == 4
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert [e.split(": ")[1] for e in errors[:2]] == [str(p) for p in paths]
    assert errors[-1] == "Error: 2 of 2 records failed"
    assert not (tmp_path / "out").exists()


def test_an_output_folder_that_cannot_be_made_stops_the_build_before_rendering(
    runner: CliRunner, tmp_path: Path
) -> None:
    paths = records(tmp_path / "in", ["a.yaml", "b.yaml"])
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = invoke(runner, "build", *map(str, paths), "-j", "1", "-o", str(blocker / "out"))
    assert result.exit_code == 6
    assert result.stderr == (
        f"Error: cannot write to {blocker / 'out'}: it is inside {blocker}, not a folder; "
        "choose another folder with -o\n"
    )


def test_quiet_still_prints_the_paths(runner: CliRunner, tmp_path: Path) -> None:
    paths = records(tmp_path / "in", ["a.yaml", "b.yaml"])
    out = tmp_path / "out"
    result = invoke(runner, "build", *map(str, paths), "--quiet", "-o", str(out))
    assert result.exit_code == 0
    printed = [str(p) for s in ("a", "b") for p in written(out, s)]
    assert result.stdout.splitlines() == [*printed, str(out / "manifest.json")]
    assert result.stderr == ""


def test_one_record_keeps_the_single_record_messages(runner: CliRunner, tmp_path: Path) -> None:
    (bad,) = records(tmp_path / "in", ["bad.yaml"], ("bad.yaml",))
    result = invoke(runner, "build", str(bad), "-j", "2", "-o", str(tmp_path / "out"))
    assert result.exit_code == 4
    assert "records failed" not in result.stderr


def test_render_many_keeps_the_order_and_reports_as_records_finish(tmp_path: Path) -> None:
    paths = records(tmp_path / "in", ["a.yaml", "b.yaml", "c.yaml"], ("b.yaml",))
    settings = BuildSettings(("memo",), ("docx",), tmp_path / "out")
    finished: list[Outcome] = []
    outcomes = list(render_many([str(p) for p in paths], settings, 2, finished.append))
    assert [o.source for o in outcomes] == [str(p) for p in paths]
    assert sorted(str(o.source) for o in finished) == sorted(str(p) for p in paths)
    assert [o.failed for o in outcomes] == [False, True, False]
    assert outcomes[1].exit_code == 4
    assert outcomes[1].problems
    assert [file.name for file in outcomes[0].files] == ["a-memo.docx"]
    assert not (tmp_path / "out").exists()  # rendered in the workers, written by build()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("quiet", [False, True])
def test_progress_bar_on_a_terminal_only_without_quiet(tmp_path: Path, quiet: bool) -> None:
    paths = records(tmp_path / "in", ["a.yaml", "b.yaml"])
    leader, follower = os.openpty()
    argv = [sys.executable, "-m", "memo_gen", "build", *map(str, paths), "-j", "2"]
    argv += ["-o", str(tmp_path / "out"), *(["--quiet"] if quiet else [])]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=follower) as process:
        os.close(follower)
        stdout, _ = process.communicate(timeout=300)
        terminal = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the pseudo-terminal is closed once the process is gone
                break
            if not chunk:
                break
            terminal += chunk
    os.close(leader)
    assert process.returncode == 0
    assert len(stdout.splitlines()) == 9  # 8 files and the manifest
    assert (b"Rendering" in terminal) is not quiet


def _children(pid: int) -> set[int]:
    """The processes ``pid`` started (Linux)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _gone(pids: set[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not [pid for pid in pids if Path(f"/proc/{pid}").exists() and _alive(pid)]:
            return True
        time.sleep(0.05)
    return False


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="Linux signals and /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_batch_writes_what_finished_and_leaves_no_worker(
    tmp_path: Path, signum: int
) -> None:
    names = [f"r{n:02d}.yaml" for n in range(16)]
    paths = records(tmp_path / "in", names)
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "memo_gen", "build", *map(str, paths), "-j", "2", "-o", str(out)]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None
        first = process.stdout.readline()  # one record is written
        workers = _children(process.pid)
        process.send_signal(signum)
        _, errors = process.communicate(timeout=300)
    assert first
    assert workers, "no worker process was started"
    assert _gone(workers), "a worker outlived its parent"
    if process.returncode == 0:
        pytest.skip("every record was rendered before the signal arrived")
    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 128 + signum, errors
        name = signal.Signals(signum).name
        assert errors.decode().splitlines() == [
            f"Error: interrupted ({name}); the records finished are written and in the "
            "manifest, nothing of the others"
        ]
    verify = subprocess.run(
        [sys.executable, "-m", "memo_gen", "verify", str(out)], capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stderr
    # Each record's files are all there or none is, each listed in the manifest.
    for path in paths:
        present = [p.exists() for p in written(out, path.stem)]
        assert all(present) or not any(present), path
    on_disk = sorted(p.name for p in out.iterdir() if p.suffix in (".pdf", ".docx"))
    assert set(listed(out)) == set(on_disk)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def _half_a_result() -> None:
    """In a pool's worker: send the start of a result (its length and a few bytes), then
    wait to be stopped, as a worker stopped while it sends its files back leaves things."""
    import struct

    frame = sys._getframe()
    while frame is not None and "result_queue" not in frame.f_locals:
        frame = frame.f_back  # type: ignore[assignment]
    assert frame is not None
    writer = frame.f_locals["result_queue"]._writer
    os.write(writer.fileno(), struct.pack("!i", 1_000_000) + b"half")
    time.sleep(600)


def test_stopping_workers_while_one_sends_its_result_does_not_hang() -> None:
    import concurrent.futures
    import threading

    from memo_gen.pipeline import _stop

    pool = concurrent.futures.ProcessPoolExecutor(max_workers=1)
    pool.submit(_half_a_result)
    time.sleep(1.0)  # the worker has sent its half message
    stopping = threading.Thread(target=_stop, args=(pool,), daemon=True)
    stopping.start()
    stopping.join(timeout=30)
    assert not stopping.is_alive(), "stopping the pool waits for ever for the rest of a result"


def test_records_that_would_write_the_same_files_are_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    first = records(tmp_path / "a", ["visit.yaml"])[0]
    second = records(tmp_path / "b", ["Visit.yml"])[0]
    out = tmp_path / "out"
    result = invoke(runner, "build", str(first), str(second), "-o", str(out))
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: {first} and {second} would both write Visit-memo and Visit-factsheet; rename "
        "one, or render them into different folders with -o\n"
    )
    assert not out.exists()


def test_a_manifest_of_a_later_memo_gen_is_kept_and_nothing_written(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    later = '{"manifest": 2, "generator": "memo-gen 9", "files": [], "signatures": []}\n'
    (out / "manifest.json").write_text(later, encoding="utf-8")
    result = invoke(runner, "docx", str(SHORT), "-o", str(out))
    assert result.exit_code == 6
    assert "written by a later memo-gen (manifest version 2)" in result.stderr
    assert [p.name for p in out.iterdir()] == ["manifest.json"]
    assert (out / "manifest.json").read_text(encoding="utf-8") == later


def test_a_broken_manifest_is_replaced_with_a_warning(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{not json", encoding="utf-8")
    result = invoke(runner, "docx", str(SHORT), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Warning: {out / 'manifest.json'}: not valid JSON")
    assert result.stderr.endswith("; replaced by a manifest of this run's files\n")
    assert listed(out) == ["short-readout-factsheet.docx", "short-readout-memo.docx"]


def test_a_draft_does_not_replace_the_final_files(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke(runner, "docx", str(SHORT), "-o", str(out)).exit_code == 0
    final = {p.name: p.read_bytes() for p in out.glob("*.docx")}
    result = invoke(runner, "docx", str(SHORT), "--draft", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert {p.name: p.read_bytes() for p in out.glob("*.docx") if p.name in final} == final
    drafts = ["short-readout-factsheet-draft.docx", "short-readout-memo-draft.docx"]
    assert listed(out) == sorted([*final, *drafts])


# --- the library entry point --------------------------------------------------------------


def test_a_program_builds_without_the_command_line(tmp_path: Path) -> None:
    import memo_gen
    from memo_gen.official.verify import verify_folder

    out = tmp_path / "out"
    broken = tmp_path / "broken.yaml"
    broken.write_text("visit:\n  title: No memorandum date\n", encoding="utf-8")
    result = memo_gen.build([SHORT, broken], out, formats=["pdf"])
    good, bad = result.outcomes
    assert [p.name for p in good.paths] == ["short-readout-memo.pdf", "short-readout-factsheet.pdf"]
    assert bad.failed and bad.exit_code == 4 and bad.paths == ()
    assert result.failed == (bad,)
    assert result.manifest == out / "manifest.json"
    assert verify_folder(out).problems == ()


def test_a_program_can_have_the_first_failure_raised(tmp_path: Path) -> None:
    import memo_gen
    from memo_gen.errors import InvalidRecordError

    broken = tmp_path / "broken.yaml"
    broken.write_text("visit:\n  title: No memorandum date\n", encoding="utf-8")
    with pytest.raises(InvalidRecordError):
        memo_gen.build([broken], tmp_path / "out", raise_errors=True)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_a_failed_outcome_carries_the_error_itself(tmp_path: Path) -> None:
    """Its class and exit code, not a copy of its words (it crosses from worker processes)."""
    import pickle

    from memo_gen.document import DOCUMENT_KINDS
    from memo_gen.errors import InvalidRecordError
    from memo_gen.pipeline import render_one

    broken = tmp_path / "broken.yaml"
    broken.write_text("visit:\n  title: No memorandum date\n", encoding="utf-8")
    settings = BuildSettings(DOCUMENT_KINDS, ("pdf",), tmp_path / "out")
    outcome = pickle.loads(pickle.dumps(render_one(str(broken), settings)))
    assert isinstance(outcome.error, InvalidRecordError)
    assert outcome.error.message == f"{broken}: not a valid visit record (1 problem)"
    assert (outcome.exit_code, outcome.failed) == (4, True)
    assert [p.path for p in outcome.problems] == ["document.date"]
