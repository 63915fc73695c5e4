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
from memo_gen.errors import OutputError
from memo_gen.folder import commit
from memo_gen.official.manifest import entry_for
from memo_gen.output import output_stem, write_atomic

MEMO_GEN = [sys.executable, "-m", "memo_gen"]
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


# --- a change of a folder, in process --------------------------------------------------------


def change(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into ``folder`` as one change, with (meaningless) manifest entries."""
    entries = [entry_for(name, data, name.rsplit(".", 1)[1], "memo", None, "r.yaml", "0" * 64)
               for name, data in files.items()]  # fmt: skip
    commit(folder, list(files.items()), entries)


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.yaml", b"x")
    change(tmp_path, {"a.pdf": b"x"})
    umask = os.umask(0)
    os.umask(umask)
    for name in ("a.yaml", "a.pdf", "manifest.json"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask


def test_existing_files_are_replaced_whole_and_nothing_else_is_left(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"old")
    change(tmp_path, {"a.pdf": b"new", "b.pdf": b"other"})
    assert set(listing(tmp_path)) == {"a.pdf", "b.pdf", "manifest.json"}
    assert (listing(tmp_path)["a.pdf"], listing(tmp_path)["b.pdf"]) == (b"new", b"other")


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failure_while_staging_changes_nothing_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    change(tmp_path, {"a.pdf": b"old"})
    before = listing(tmp_path)
    real_write = os.write

    def failing_write(handle: int, data: bytes | memoryview) -> int:
        if len(data) > 10:
            raise failure
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(OutputError if isinstance(failure, OSError) else KeyboardInterrupt):
        change(tmp_path, {"a.pdf": b"small", "b.pdf": b"large" * 10})
    assert listing(tmp_path) == before


@pytest.mark.parametrize("write", ["atomic", "change"])
def test_a_folder_in_the_way_is_an_output_error_and_leaves_nothing(
    tmp_path: Path, write: str
) -> None:
    (tmp_path / "a.pdf").mkdir()
    with pytest.raises(
        OutputError, match=r"cannot write .*a\.pdf: .*; remove (it|what is in the way)"
    ):
        if write == "atomic":
            write_atomic(tmp_path / "a.pdf", b"new")
        else:
            change(tmp_path, {"b.pdf": b"b", "a.pdf": b"new"})
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]
    assert list((tmp_path / "a.pdf").iterdir()) == []


@pytest.mark.parametrize("write", ["atomic", "change"])
def test_a_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path, write: str) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.pdf").symlink_to(outside)
    if write == "atomic":
        write_atomic(out / "a.pdf", b"new")
    else:
        change(out, {"a.pdf": b"new"})
    assert not (out / "a.pdf").is_symlink()
    assert (out / "a.pdf").read_bytes() == b"new"
    assert outside.read_bytes() == b"precious"


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
        (signal.SIGTERM, 143, "Error: interrupted (SIGTERM); the records finished are written and "
         "in the manifest, nothing of the others\n"),
        (signal.SIGINT, 130, "Error: interrupted (SIGINT); the records finished are written and "
         "in the manifest, nothing of the others\n"),
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


@pytest.mark.skipif(not POSIX, reason="needs POSIX signals")
def test_sigterm_while_naming_the_files_waits_until_all_are_named(tmp_path: Path) -> None:
    # The signal arrives after the first file is named: it is held until the change is done.
    script = f"""
        import os, signal, sys
        from pathlib import Path
        from memo_gen.cli import _interrupted
        from memo_gen.errors import Interrupted
        from memo_gen.folder import commit
        from memo_gen.official.manifest import entry_for
        signal.signal(signal.SIGTERM, _interrupted)
        out = Path({str(tmp_path)!r})
        files = [("a.pdf", b"a"), ("b.pdf", b"b")]
        entries = [entry_for(n, d, "pdf", "memo", None, "r", "0" * 64) for n, d in files]
        replace = Path.replace
        def replace_then_terminate(self, target):
            result = replace(self, target)
            if Path(target).name == "a.pdf":
                os.kill(os.getpid(), signal.SIGTERM)
            return result
        Path.replace = replace_then_terminate
        try:
            commit(out, files, entries)
        except Interrupted as exc:
            sys.exit(exc.exit_code)
        sys.exit("the signal was lost")
    """
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], check=False)
    assert result.returncode == 143
    assert set(listing(tmp_path)) == {"a.pdf", "b.pdf", "manifest.json"}


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
