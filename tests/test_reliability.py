"""Nothing half-written, the same bytes every time, output names that stay in their folder,
no network: tested on real processes, killed with real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from big_record import big_record
from memo_gen import output
from memo_gen.errors import OutputError
from memo_gen.output import output_stem, stage, write_atomic, write_files

MEMO_GEN = [sys.executable, "-m", "memo_gen"]
HAVE_O_TMPFILE = hasattr(os, "O_TMPFILE") and Path("/proc/self/fd").is_dir()
POSIX = os.name == "posix"

SHORT_RECORD = (
    "visit:\n  title: Short readout\n  start: 2025-03-13\nsummary: [Talks held.]\n"
    "document: {date: 2025-03-14}\n"
)


def listing(folder: Path) -> dict[str, bytes]:
    """Every entry of a folder (hidden ones too) and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture(scope="module")
def big_yaml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-topic record: rendering it takes several seconds of CPU."""
    path = tmp_path_factory.mktemp("big") / "big.yaml"
    path.write_text(yaml.safe_dump(big_record(2_000), allow_unicode=True), encoding="utf-8")
    return path


# --- staging and committing, in process -----------------------------------------------------


@pytest.mark.skipif(not HAVE_O_TMPFILE, reason="needs Linux O_TMPFILE")
def test_a_staged_file_has_no_name_until_committed(tmp_path: Path) -> None:
    staged = [stage(tmp_path / "a.pdf", b"a" * 100_000), stage(tmp_path / "b.docx", b"b")]
    assert listing(tmp_path) == {}
    output.commit(staged)
    assert listing(tmp_path) == {"a.pdf": b"a" * 100_000, "b.docx": b"b"}


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.pdf", b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "a.pdf").stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_existing_file_is_replaced_whole(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"old")
    write_files([(tmp_path / "a.pdf", b"new"), (tmp_path / "b.pdf", b"other")])
    assert listing(tmp_path) == {"a.pdf": b"new", "b.pdf": b"other"}


def test_a_failure_while_staging_writes_none_of_the_files(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"old")
    (tmp_path / "blocker").write_bytes(b"a file where a folder should be")
    with pytest.raises(OutputError, match=r"cannot write to .*blocker.*; choose another folder"):
        write_files([(tmp_path / "a.pdf", b"new"), (tmp_path / "blocker" / "b.pdf", b"b")])
    assert listing(tmp_path) == {"a.pdf": b"old", "blocker": b"a file where a folder should be"}


def test_a_folder_in_the_way_is_an_output_error_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").mkdir()
    with pytest.raises(OutputError, match=r"cannot write .*a\.pdf: .*; remove what is in the way"):
        write_atomic(tmp_path / "a.pdf", b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]
    assert list((tmp_path / "a.pdf").iterdir()) == []


def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").symlink_to(outside)
    write_atomic(out / "a.pdf", b"new")
    assert not (out / "a.pdf").is_symlink()
    assert (out / "a.pdf").read_bytes() == b"new"
    assert outside.read_bytes() == b"precious"


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_without_o_tmpfile_the_hidden_temporary_is_removed_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    monkeypatch.setattr(output, "_anonymous", lambda path: None)
    real_write = os.write

    def failing_write(handle: int, data: bytes | memoryview) -> int:
        if len(data) > 10:
            raise failure
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(OutputError if isinstance(failure, OSError) else KeyboardInterrupt):
        write_files([(tmp_path / "a.pdf", b"small"), (tmp_path / "b.pdf", b"large" * 10)])
    assert listing(tmp_path) == {}


def test_without_o_tmpfile_files_are_still_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output, "_anonymous", lambda path: None)
    (tmp_path / "a.pdf").write_bytes(b"old")
    write_files([(tmp_path / "a.pdf", b"new"), (tmp_path / "b.pdf", b"b")])
    assert listing(tmp_path) == {"a.pdf": b"new", "b.pdf": b"b"}


# --- killed processes ------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _kill_mid_render(record: Path, out: Path, signum: int) -> subprocess.CompletedProcess[str]:
    """Start ``memo-gen build``, wait until it has spent 1.5 s of CPU (imports and loading take
    under one; rendering 2,000 topics several), then send ``signum``."""
    process = subprocess.Popen(
        [*MEMO_GEN, "build", str(record), "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        while _cpu_seconds(process.pid) < 1.5:
            assert process.poll() is None, "the render ended before it could be interrupted"
            time.sleep(0.02)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
        process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize(
    ("signum", "code", "stderr"),
    [
        (signal.SIGKILL, -signal.SIGKILL, ""),
        (signal.SIGTERM, 143, "Error: interrupted (SIGTERM); every file already listed is "
         "complete, and no file of the record being rendered was written\n"),
        (signal.SIGINT, 130, "Error: interrupted (SIGINT); every file already listed is "
         "complete, and no file of the record being rendered was written\n"),
    ],
    ids=["SIGKILL", "SIGTERM", "SIGINT"],
)  # fmt: skip
def test_a_killed_render_leaves_the_folder_as_it_was(
    big_yaml: Path, tmp_path: Path, signum: int, code: int, stderr: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "big-memo.pdf").write_bytes(b"the previous, complete memo")
    (out / "notes.txt").write_bytes(b"not ours")
    before = listing(out)
    result = _kill_mid_render(big_yaml, out, signum)
    assert (result.returncode, result.stdout, result.stderr) == (code, "", stderr)
    assert listing(out) == before


@pytest.mark.skipif(not HAVE_O_TMPFILE, reason="needs Linux O_TMPFILE")
def test_sigkill_after_staging_leaves_no_temporary_file(tmp_path: Path) -> None:
    script = f"""
        import os, signal
        from pathlib import Path
        from memo_gen.output import stage
        out = Path({str(tmp_path)!r})
        staged = [stage(out / "a-memo.pdf", b"%" * 5_000_000), stage(out / "a-memo.docx", b"PK")]
        os.kill(os.getpid(), signal.SIGKILL)
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], check=False)
    assert result.returncode == -signal.SIGKILL
    assert listing(tmp_path) == {}


@pytest.mark.skipif(not (HAVE_O_TMPFILE and POSIX), reason="needs Linux O_TMPFILE and signals")
def test_sigterm_while_naming_the_files_waits_until_all_are_named(tmp_path: Path) -> None:
    # The signal arrives after the first file is named: it is held until the second is too.
    script = f"""
        import os, signal, sys
        from pathlib import Path
        from memo_gen import output
        from memo_gen.cli import _terminated
        from memo_gen.errors import Interrupted
        signal.signal(signal.SIGTERM, _terminated)
        out = Path({str(tmp_path)!r})
        staged = [output.stage(out / "a.pdf", b"a"), output.stage(out / "b.pdf", b"b")]
        link = output._link
        def link_then_terminate(descriptor, path):
            link(descriptor, path)
            os.kill(os.getpid(), signal.SIGTERM)
        output._link = link_then_terminate
        try:
            output.commit(staged)
        except Interrupted as exc:
            sys.exit(exc.exit_code)
        sys.exit("the signal was lost")
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], check=False)
    assert result.returncode == 143
    assert listing(tmp_path) == {"a.pdf": b"a", "b.pdf": b"b"}


# --- the same bytes ---------------------------------------------------------------------------


def test_two_processes_a_second_apart_give_the_same_bytes(tmp_path: Path) -> None:
    record = tmp_path / "short.yaml"
    record.write_text(SHORT_RECORD, encoding="utf-8")
    epoch = 1_741_824_000  # 2025-03-13 00:00 UTC
    builds = []
    for number, zone in enumerate(["UTC", "Asia/Almaty"]):
        out = tmp_path / f"out{number}"
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "TZ": zone}
        subprocess.run(
            [*MEMO_GEN, "build", str(record), "-o", str(out)], env=env, check=True,
            capture_output=True,
        )  # fmt: skip
        builds.append(listing(out))
        time.sleep(1.1)  # a different second on the clock; the bytes must not notice
    assert sorted(builds[0]) == [
        "manifest.json",
        "short-factsheet.docx", "short-factsheet.pdf", "short-memo.docx", "short-memo.pdf",
    ]  # fmt: skip
    assert builds[0] == builds[1]

    with zipfile.ZipFile(tmp_path / "out0" / "short-memo.docx") as package:
        entries = package.infolist()
    names = [entry.filename for entry in entries]
    assert names[0] == "[Content_Types].xml"
    assert names[1:] == sorted(names[1:])
    assert {entry.date_time for entry in entries} == {(2025, 3, 14, 0, 0, 0)}
    info = PdfReader(tmp_path / "out0" / "short-memo.pdf").metadata
    assert info is not None and str(info["/CreationDate"]).startswith("D:20250314000000")


# --- output names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "stem"),
    [
        ("../../etc/passwd.yaml", "passwd"),
        ("/tmp/a b;rm -rf ~.yaml", "a_b_rm_-rf"),
        ("..yaml", "record"),
        ("...yaml", "record"),
        (".hidden.yaml", "hidden"),
        ("$(reboot).json", "reboot"),
        ("visit\u202egpj.exe.yaml", "visit_gpj.exe"),
        ("Мұрат Нұртілеу.yaml", "Мұрат_Нұртілеу"),
        ("s\u0327.yaml", "ş"),
        ("a" * 300 + ".yaml", "a" * 100),
        ("-", "record"),
    ],
)
def test_output_stems_are_safe_names(source: str, stem: str) -> None:
    assert output_stem(source, "record") == stem


def test_output_files_stay_in_the_output_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in" / "..." / "x"
    folder.mkdir(parents=True)
    record = folder / "..\u202eevil name.yaml"
    record.write_text(SHORT_RECORD, encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run(
        [*MEMO_GEN, "docx", "--doc", "memo", str(record), "-o", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    [written, manifest] = [Path(line) for line in result.stdout.splitlines()]
    assert written.resolve().parent == manifest.resolve().parent == out.resolve()
    assert written.name == "evil_name-memo.docx"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "..\u202eevil name.yaml",
        "evil_name-memo.docx",
        "manifest.json",
    ]


# --- no network -------------------------------------------------------------------------------


def test_no_network_access_while_building(tmp_path: Path) -> None:
    record = tmp_path / "links.yaml"
    record.write_text(
        "visit:\n  title: Links\n  start: 2025-03-13\n"
        "  source: {url: 'http://127.0.0.1:9/readout', title: Readout}\n"
        "background:\n"
        '  - <img src="http://127.0.0.1:9/x.png"> <a href="https://example.org/">x</a>\n'
        "document:\n  reference: <link href='http://127.0.0.1:9/'/>\n  date: 2025-03-14\n",
        encoding="utf-8",
    )
    guard = f"""
        import socket, sys
        def refuse(*args, **kwargs):
            sys.stderr.write("network access attempted\\n")
            raise SystemExit(99)
        for name in ("connect", "connect_ex", "sendto", "sendmsg", "bind"):
            setattr(socket.socket, name, refuse)
        socket.getaddrinfo = socket.create_connection = socket.gethostbyname = refuse
        from memo_gen.cli import main
        sys.argv = ["memo-gen", "build", {str(record)!r}, "-o", {str(tmp_path / "out")!r}]
        main()
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(guard)], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert len(result.stdout.split()) == 5  # 4 files and the manifest
