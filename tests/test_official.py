"""Official correspondence, end to end through the real command line: drafts, PDF/A-2b and
PAdES signatures together, the passphrase (environment or terminal prompt, never an option),
keys that cannot sign (no file written), the manifest across runs and batches, and
``memo-gen verify``.

Each command runs as ``python -m memo_gen`` in its own process with no terminal on standard
input (or under a pseudo-terminal, for the prompt); click's runner is used where a usage
error or the help is all there is to see. Signatures are checked by pyHanko's validator
against the throw-away CA of :mod:`certificates`, PDF/A by pikepdf, the files by qpdf,
pdftotext and pypdf.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from pypdf import PdfReader

from certificates import PASSPHRASE, Authority, assert_valid, validate
from memo_gen import cli
from memo_gen.official.signing import PASSPHRASE_VARIABLE
from test_imports import PDFA, SIGNING, imported

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE = DATA / "astana-2025-03-13.yaml"
SHORT = DATA / "short-readout.yaml"
STEM = SAMPLE.stem
ORDER = (("memo", "docx"), ("memo", "pdf"), ("factsheet", "docx"), ("factsheet", "pdf"))
"""The files of one record, in the order they are printed."""
REASON = "Approved for release to the Embassy"
LOCATION = "Astana, Ministry of Foreign Affairs"

needs_qpdf = pytest.mark.skipif(shutil.which("qpdf") is None, reason="no qpdf")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext")
needs_pty = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")


# --- running memo-gen ------------------------------------------------------------------------


def environment(passphrase: str | None = None) -> dict[str, str]:
    """This process's environment, with the signing passphrase set to ``passphrase`` (left
    out when ``None``)."""
    env = {key: value for key, value in os.environ.items() if key != PASSPHRASE_VARIABLE}
    if passphrase is not None:
        env[PASSPHRASE_VARIABLE] = passphrase
    return env


def memo_gen(*args: str | Path, passphrase: str | None = None) -> subprocess.CompletedProcess[str]:
    """``memo-gen ARGS`` in a new process, standard input not a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "memo_gen", *map(str, args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment(passphrase),
        timeout=300,
        check=False,
    )


def invoke(*args: str | Path) -> Result:
    """``memo-gen ARGS`` in this process, with click's runner."""
    return CliRunner().invoke(cli.cli, list(map(str, args)), prog_name="memo-gen")


def names(stem: str, *, draft: bool = False) -> list[str]:
    """A record's file names, in the order they are printed (a draft's end in ``-draft``)."""
    mark = "-draft" if draft else ""
    return [f"{stem}-{kind}{mark}.{fmt}" for kind, fmt in ORDER]


def verified(folder: Path, listed: list[str]) -> list[str]:
    """What ``memo-gen verify`` prints when every file listed matches."""
    ok = [f"OK  {name}" for name in sorted(listed)]
    return [*ok, f"All {len(listed)} files listed match {folder / 'manifest.json'}"]


def manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """The folder's manifest entries, by name."""
    document = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {entry["name"]: entry for entry in document["files"]}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def everything_in(folder: Path) -> list[str]:
    """Every name in the folder, hidden ones too (an empty list if it is not there)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- keys ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> Authority:
    return Authority.create()


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="module")
def key_file(ca: Authority, keys: Path) -> Path:
    """A signing officer's PKCS#12 file, protected by :data:`PASSPHRASE`."""
    return ca.signing_key_file(keys / "officer.p12")


# --- 1. the official build: draft, PDF/A-2b, signed, in a manifest, verified ------------------


@dataclass(frozen=True)
class Run:
    out: Path
    result: subprocess.CompletedProcess[str]

    def names(self) -> list[str]:
        return names(STEM, draft=True)

    def pdfs(self) -> list[Path]:
        return [self.out / name for name in self.names() if name.endswith(".pdf")]


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory, key_file: Path) -> Run:
    out = tmp_path_factory.mktemp("official") / "out"
    result = memo_gen(
        "build",
        "--pdfa",
        "--sign",
        key_file,
        "--sign-reason",
        REASON,
        "--sign-location",
        LOCATION,
        "--draft",
        "-o",
        out,
        passphrase=PASSPHRASE.decode(),
    )
    return Run(out, result)


@pytest.fixture
def done(official: Run) -> Run:
    """The official build, which must have succeeded."""
    assert official.result.returncode == 0, official.result.stderr
    return official


def test_official_build_prints_the_four_files_then_the_manifest(official: Run) -> None:
    result = official.result
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = official.out
    expected = [str(out / name) for name in official.names()] + [str(out / "manifest.json")]
    assert result.stdout.splitlines() == expected
    assert everything_in(out) == sorted([*official.names(), "manifest.json"])


def test_every_pdf_is_signed_validly_with_reason_and_location(done: Run, ca: Authority) -> None:
    for path in done.pdfs():
        checked = validate(path.read_bytes(), ca)
        assert_valid(checked)  # intact, valid, trusted, the entire file
        assert checked.signature.sig_object["/Reason"] == REASON, path.name
        assert checked.signature.sig_object["/Location"] == LOCATION, path.name


def test_signed_pdfs_still_claim_pdfa_2b(done: Run) -> None:
    for path in done.pdfs():
        with pikepdf.open(path) as pdf:
            xmp = pdf.open_metadata()
            assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "B"), path.name
            intents = pdf.Root.get("/OutputIntents")
            assert intents is not None and len(intents) >= 1, path.name
            assert intents[0].S == "/GTS_PDFA1"
            title = str(pdf.docinfo["/Title"])
            assert title, path.name
            assert xmp["dc:title"] == title, path.name
            assert xmp["pdf:Producer"] == str(pdf.docinfo["/Producer"]), path.name
            # PDF/A-2 is PDF 1.7: the signature's update must not declare a later version.
            assert pdf.pdf_version == "1.7", path.name
            assert str(pdf.Root.get("/Version", "/1.7")) == "/1.7", path.name


@needs_pdftotext
def test_every_page_of_every_pdf_says_draft(done: Run) -> None:
    for path in done.pdfs():
        pages = len(PdfReader(path).pages)
        for number in range(1, pages + 1):
            command = ["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number)]
            text = subprocess.run(
                [*command, str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
            assert "DRAFT" in text, f"{path.name}, page {number}"


@needs_qpdf
def test_qpdf_finds_nothing_wrong(done: Run) -> None:
    for path in done.pdfs():
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "No syntax or stream encoding errors" in check.stdout


def test_the_manifest_describes_the_official_files(done: Run) -> None:
    entries = manifest(done.out)
    assert sorted(entries) == sorted(done.names())
    for name, entry in entries.items():
        pdf = entry["format"] == "pdf"
        assert name.endswith(f".{entry['format']}")
        assert (entry["signed"], entry["pdfa"], entry["draft"]) == (pdf, pdf, True), name
        assert entry["record"] == {"name": SAMPLE.name, "sha256": sha256(SAMPLE)}, name
        assert entry["sha256"] == sha256(done.out / name), name
        assert entry["size"] == (done.out / name).stat().st_size, name
    for kind in ("memo", "factsheet"):
        pdf_pages = len(PdfReader(done.out / f"{STEM}-{kind}-draft.pdf").pages)
        assert entries[f"{STEM}-{kind}-draft.pdf"]["pages"] == pdf_pages
        assert entries[f"{STEM}-{kind}-draft.docx"]["pages"] == pdf_pages
    assert entries[f"{STEM}-memo-draft.pdf"]["pages"] > 1


def test_verify_accepts_the_official_folder(done: Run, ca: Authority, keys: Path) -> None:
    root = keys / "ca.pem"
    root.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
    for trust, signer in (((), "not checked against a trust root"), ((root,), "trusted")):
        result = memo_gen("verify", done.out, *[a for t in trust for a in ("--trust", t)])
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        # Each signed PDF's line is followed by one on its signature (test_verify_signatures).
        files = [line for line in lines if not line.startswith("    ")]
        assert files == verified(done.out, done.names())
        for path in done.pdfs():
            under = lines[lines.index(f"OK  {path.name}") + 1]
            assert under.startswith('    signature "Signature": intact, covers the entire file')
            assert f"; signer {signer}" in under


# --- 2. the passphrase is never an option ----------------------------------------------------


@pytest.mark.parametrize("command", ["pdf", "build"])
def test_the_help_names_the_variable_and_offers_no_passphrase_option(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert PASSPHRASE_VARIABLE in result.output
    assert "--passphrase" not in result.output
    assert "--sign KEY.p12" in result.output


@pytest.mark.parametrize("command", ["pdf", "build"])
def test_a_passphrase_option_is_refused(command: str, key_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(command, "--sign", key_file, "--passphrase", "x", "-o", out)
    assert result.exit_code == 2
    assert "No such option" in result.output and "--passphrase" in result.output
    assert everything_in(out) == []


# --- 3. a key that cannot sign: exit 7, one line, no file at all ----------------------------


@pytest.fixture(scope="module")
def noise(keys: Path) -> Path:
    path = keys / "noise.p12"
    path.write_bytes(os.urandom(2048))
    return path


@pytest.mark.parametrize(
    ("key", "passphrase", "message"),
    [
        pytest.param("key_file", "not the passphrase", "wrong passphrase", id="wrong-passphrase"),
        pytest.param("noise", PASSPHRASE.decode(), "not a PKCS#12", id="random-bytes"),
        pytest.param(
            "key_file",
            None,
            f"none was given; set {PASSPHRASE_VARIABLE}",
            id="no-passphrase-no-terminal",
        ),
    ],
)
def test_an_unusable_key_writes_nothing(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    key: str,
    passphrase: str | None,
    message: str,
) -> None:
    path: Path = request.getfixturevalue(key)
    out = tmp_path / "out"
    out.mkdir()
    result = memo_gen("build", "--pdfa", "--sign", path, "-o", out, passphrase=passphrase)
    assert result.returncode == 7, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: {path}: ")
    assert message in lines[0]
    if key == "key_file":
        assert "passphrase" in lines[0]
    assert everything_in(out) == []  # no PDF, no DOCX, no manifest, no temporary file


# --- 4. a reason or a place needs a key --------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("pdf", "--sign-reason", REASON),
        ("pdf", "--sign-location", LOCATION),
        ("build", "--sign-reason", REASON, "--sign-location", LOCATION),
    ],
    ids=["pdf-reason", "pdf-location", "build-both"],
)
def test_reason_or_location_without_a_key_is_a_usage_error(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    out = tmp_path / "out"
    result = invoke(*args, "-o", out)
    assert result.exit_code == 2, result.output
    assert "need --sign KEY.p12" in result.output
    assert everything_in(out) == []


# --- 5. the prompt on a terminal ---------------------------------------------------------------


def read_until(fd: int, marker: bytes, seconds: float) -> bytes:
    """What the terminal shows until ``marker`` (or the time is up, or it closes)."""
    seen = b""
    deadline = time.monotonic() + seconds
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end is closed: the process is gone
            break
        if not chunk:
            break
        seen += chunk
    return seen


@dataclass(frozen=True)
class Prompted:
    """How ``memo-gen pdf --doc memo --sign KEY`` ended, run on a terminal."""

    returncode: int
    stdout: str
    terminal: bytes
    """What the terminal showed: the prompt, what was echoed, standard error."""


Answer = Callable[["subprocess.Popen[bytes]", int], None]


def at_the_prompt(key_file: Path, out: Path, answer: Answer) -> Prompted:
    """Run ``memo-gen pdf --doc memo --sign KEY_FILE -o OUT`` with standard input and error
    on a pseudo-terminal and no passphrase in the environment; once it asks for the
    passphrase, ``answer(process, terminal)``."""
    argv = [sys.executable, "-m", "memo_gen", "pdf", "--doc", "memo"]
    argv += ["--sign", str(key_file), "-o", str(out)]
    prompt = f"Passphrase of {key_file}: ".encode()
    leader, follower = os.openpty()
    try:
        # A session of its own, so that the prompt cannot reach the terminal pytest runs in
        # (its /dev/tty): getpass turns echo off on standard input, the pseudo-terminal.
        with subprocess.Popen(
            argv,
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=follower,
            env=environment(None),
            start_new_session=True,
        ) as process:
            os.close(follower)
            follower = -1
            # The prompt's last character is written once echo is off.
            shown = read_until(leader, prompt, 30)
            if prompt not in shown:
                process.kill()
                process.communicate()
                pytest.fail(f"no prompt for the passphrase; the terminal showed {shown!r}")
            answer(process, leader)
            stdout, _ = process.communicate(timeout=120)
            shown += read_until(leader, b"\0", 1)  # the rest, up to the terminal's closing
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    return Prompted(process.returncode, stdout.decode(), shown)


@needs_pty
def test_the_passphrase_is_asked_on_a_terminal_and_not_echoed(
    tmp_path: Path, key_file: Path, ca: Authority
) -> None:
    out = tmp_path / "out"

    def type_it(process: subprocess.Popen[bytes], terminal: int) -> None:
        os.write(terminal, PASSPHRASE + b"\n")

    ended = at_the_prompt(key_file, out, type_it)
    assert ended.returncode == 0, ended.terminal.decode(errors="replace")
    assert PASSPHRASE not in ended.terminal  # not echoed
    pdf = out / f"{STEM}-memo.pdf"
    assert ended.stdout.splitlines() == [str(pdf), str(out / "manifest.json")]
    assert_valid(validate(pdf.read_bytes(), ca))
    assert manifest(out)[pdf.name]["signed"] is True


@needs_pty
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_at_the_prompt_exits_as_interrupted(
    tmp_path: Path, key_file: Path, signum: signal.Signals
) -> None:
    out = tmp_path / "out"

    def interrupt(process: subprocess.Popen[bytes], terminal: int) -> None:
        process.send_signal(signum)

    ended = at_the_prompt(key_file, out, interrupt)
    assert everything_in(out) == []
    assert ended.returncode == 128 + signum, ended.terminal
    assert f"Error: interrupted ({signum.name})".encode() in ended.terminal
    assert ended.stdout == ""


@needs_pty
def test_end_of_input_at_the_prompt_is_no_passphrase(tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "out"

    def end_of_input(process: subprocess.Popen[bytes], terminal: int) -> None:
        os.write(terminal, b"\x04")  # Ctrl-D

    ended = at_the_prompt(key_file, out, end_of_input)
    assert everything_in(out) == []
    assert ended.returncode == 7, ended.terminal
    assert f"Error: {key_file}: ".encode() in ended.terminal
    assert PASSPHRASE_VARIABLE.encode() in ended.terminal
    assert ended.stdout == ""


# --- 6. PDF/A without a signature is reproducible ------------------------------------------


def test_pdfa_without_a_signature_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert memo_gen("pdf", "--pdfa", "-o", first).returncode == 0
    # The second run starts in a later second than the first ended in: a clock in the
    # files (a creation date, an /ID) would differ.
    time.sleep(1 - time.time() % 1 + 0.01)
    assert memo_gen("pdf", "--pdfa", "-o", second).returncode == 0
    for name in (f"{STEM}-memo.pdf", f"{STEM}-factsheet.pdf", "manifest.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert all(entry["pdfa"] and not entry["signed"] for entry in manifest(first).values())


# --- 7. one manifest across runs; verify names what changed -----------------------------------


def test_runs_into_one_folder_share_a_manifest_that_verify_checks(tmp_path: Path) -> None:
    out = tmp_path / "out"
    docx = memo_gen("docx", "-o", out)
    assert docx.returncode == 0, docx.stderr
    pdf = memo_gen("pdf", "-o", out)
    assert pdf.returncode == 0, pdf.stderr
    assert pdf.stdout.splitlines()[-1] == str(out / "manifest.json")

    entries = manifest(out)
    assert sorted(entries) == sorted(names(STEM))
    for name, entry in entries.items():
        assert entry["sha256"] == sha256(out / name), name
        # The DOCX run made no PDF to take a page count from.
        assert (entry["pages"] is None) == name.endswith(".docx"), name

    check = invoke("verify", out)
    assert check.exit_code == 0, check.output
    assert check.stdout.splitlines() == verified(out, names(STEM))

    docx_path = out / f"{STEM}-memo.docx"
    original = docx_path.read_bytes()
    tampered = bytearray(original)
    tampered[len(tampered) // 2] ^= 0x01
    docx_path.write_bytes(bytes(tampered))
    check = invoke("verify", out)
    assert check.exit_code == 8
    assert f"  {docx_path.name}: sha256 differs" in check.stderr
    assert check.stdout.splitlines() == [
        f"OK  {name}" for name in sorted(names(STEM)) if name != docx_path.name
    ]

    docx_path.write_bytes(original)
    (out / f"{STEM}-memo.pdf").unlink()
    check = invoke("verify", out)
    assert check.exit_code == 8
    assert f"  {STEM}-memo.pdf: missing" in check.stderr.splitlines()
    assert f"OK  {docx_path.name}" in check.stdout.splitlines()


# --- 8. a DOCX run loads no PDF library and states no pages -----------------------------------


def test_docx_alone_loads_no_pdf_library_and_lists_no_pages(tmp_path: Path) -> None:
    # The short readout: its documents have no chart (whose picture ReportLab draws).
    modules = imported("docx", str(SHORT), "-o", str(tmp_path))
    assert not modules & ({"reportlab"} | PDFA | SIGNING)
    entries = manifest(tmp_path)
    assert sorted(entries) == sorted(n for n in names(SHORT.stem) if n.endswith(".docx"))
    for name, entry in entries.items():
        assert entry["pages"] is None, name
        assert (entry["signed"], entry["pdfa"], entry["draft"]) == (False, False, False), name


# --- 9 and 10. batches -----------------------------------------------------------------------


def batch_folder(folder: Path, broken: bool = False) -> Path:
    """The two sample records (and, if ``broken``, one that lacks its start date)."""
    folder.mkdir()
    for record in (SAMPLE, SHORT):
        shutil.copyfile(record, folder / record.name)
    if broken:
        (folder / "broken.yaml").write_text("visit:\n  title: No memo date\n", encoding="utf-8")
    return folder


def check_batch(out: Path, ca: Authority) -> None:
    """Both records' files are there, listed, signed and PDF/A; the folder verifies."""
    entries = manifest(out)
    expected = names(SAMPLE.stem) + names(SHORT.stem)
    assert sorted(entries) == sorted(expected)
    for record in (SAMPLE, SHORT):
        for name in names(record.stem):
            entry = entries[name]
            assert entry["record"] == {"name": record.name, "sha256": sha256(record)}, name
            assert entry["sha256"] == sha256(out / name), name
            if name.endswith(".pdf"):
                assert entry["signed"] and entry["pdfa"], name
                assert_valid(validate((out / name).read_bytes(), ca))
            else:
                assert not entry["signed"] and not entry["pdfa"], name
    assert invoke("verify", out).exit_code == 0


def test_a_batch_signs_every_pdf_and_lists_every_file(
    tmp_path: Path, key_file: Path, ca: Authority
) -> None:
    folder = batch_folder(tmp_path / "records")
    out = tmp_path / "out"
    args = ("build", folder, "-j", "2", "--sign", key_file, "--pdfa", "-o", out)
    result = memo_gen(*args, passphrase=PASSPHRASE.decode())
    assert result.returncode == 0, result.stderr
    printed = [str(out / name) for name in names(SAMPLE.stem) + names(SHORT.stem)]
    assert result.stdout.splitlines() == [*printed, str(out / "manifest.json")]
    check_batch(out, ca)


def test_a_failing_record_in_a_batch_is_left_out_of_the_manifest(
    tmp_path: Path, key_file: Path, ca: Authority
) -> None:
    folder = batch_folder(tmp_path / "records", broken=True)
    out = tmp_path / "out"
    args = ("build", folder, "-j", "2", "--sign", key_file, "--pdfa", "-o", out)
    result = memo_gen(*args, passphrase=PASSPHRASE.decode())
    assert result.returncode == 4, result.stderr
    assert "Error: 1 of 3 records failed" in result.stderr.splitlines()
    assert not [name for name in everything_in(out) if name.startswith("broken")]
    check_batch(out, ca)
