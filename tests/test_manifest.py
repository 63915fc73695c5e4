"""The integrity manifest and ``memo-gen verify``, on the sample record's four real files:
a folder as written passes; a changed, truncated, missing, extra or linked file is named with
what differs; a manifest that is broken or names a path is refused."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from memo_gen import __version__, cli
from memo_gen.errors import InputError, Problem, VerificationError
from memo_gen.official.manifest import (
    MANIFEST_NAME,
    ManifestEntry,
    entry_for,
    manifest_bytes,
    parse_manifest,
    sha256_hex,
)
from memo_gen.official.verify import pdf_page_count, verify_folder
from memo_gen.record.loader import load_record
from memo_gen.render import Renderer
from memo_gen.resources import sample_record_path

STEM = sample_record_path().stem
NAMES = tuple(
    sorted(f"{STEM}-{kind}.{fmt}" for kind in ("memo", "factsheet") for fmt in ("docx", "pdf"))
)
MEMO_PDF = f"{STEM}-memo.pdf"
MEMO_DOCX = f"{STEM}-memo.docx"


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    """The sample record's four files, by name (rendered once for the module)."""
    files = Renderer.create().render(load_record(None), ["memo", "factsheet"], ["docx", "pdf"])
    return {f"{STEM}-{kind}.{fmt}": data for (kind, fmt), data in files.items()}


def entries_of(files: dict[str, bytes]) -> list[ManifestEntry]:
    """Entries as a run makes them: a DOCX gets the page count of its document's PDF."""
    record = sample_record_path()
    record_sha = sha256_hex(record.read_bytes())
    entries = []
    for name, data in files.items():
        stem, fmt = name.rsplit(".", 1)
        kind = stem.rsplit("-", 1)[1]
        pages = pdf_page_count(files[f"{stem}.pdf"]) if f"{stem}.pdf" in files else None
        entries.append(entry_for(name, data, fmt, kind, pages, record.name, record_sha))
    return entries


@pytest.fixture
def folder(tmp_path: Path, rendered: dict[str, bytes]) -> Path:
    """A folder holding the four files and their manifest, as a run writes them."""
    out = tmp_path / "out"
    out.mkdir()
    for name, data in rendered.items():
        (out / name).write_bytes(data)
    (out / MANIFEST_NAME).write_bytes(manifest_bytes(entries_of(rendered)))
    return out


def failure(folder: Path) -> VerificationError:
    with pytest.raises(VerificationError) as caught:
        verify_folder(folder).raise_for_problems()
    assert caught.value.exit_code == 8
    return caught.value


def rewrite_manifest(folder: Path, change: Callable[[dict[str, object]], None]) -> None:
    document = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    change(document)
    (folder / MANIFEST_NAME).write_text(json.dumps(document), encoding="utf-8")


# --- verify ---------------------------------------------------------------------------------


def test_a_folder_as_written_passes(folder: Path) -> None:
    report = verify_folder(folder)
    assert report.ok
    assert report.error() is None
    assert report.checked == report.passed == NAMES
    assert report.manifest == folder / MANIFEST_NAME
    report.raise_for_problems()


def test_a_flipped_byte_in_a_pdf_names_the_file_and_its_sha256(folder: Path) -> None:
    path = folder / MEMO_PDF
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    listed = json.loads((folder / MANIFEST_NAME).read_bytes())["files"][NAMES.index(MEMO_PDF)]
    error = failure(folder)
    assert error.message == f"1 file does not match {folder / MANIFEST_NAME}"
    assert [problem.path for problem in error.problems] == [MEMO_PDF]
    message = error.problems[0].message
    assert message.startswith(
        f"sha256 differs: manifest {listed['sha256'][:12]}…, file {sha256_hex(bytes(data))[:12]}…"
    )
    assert "size" not in message
    assert verify_folder(folder).passed == tuple(name for name in NAMES if name != MEMO_PDF)


def test_a_truncated_file_reports_its_size(folder: Path, rendered: dict[str, bytes]) -> None:
    path = folder / MEMO_DOCX
    full = len(rendered[MEMO_DOCX])
    path.write_bytes(rendered[MEMO_DOCX][: full // 2])
    (problem,) = failure(folder).problems
    assert problem.path == MEMO_DOCX
    assert problem.message.startswith(f"size {full // 2}, manifest says {full}; sha256 differs")


def test_a_truncated_pdf_does_not_open(folder: Path, rendered: dict[str, bytes]) -> None:
    (folder / MEMO_PDF).write_bytes(rendered[MEMO_PDF][:-200])
    (problem,) = failure(folder).problems
    assert problem.path == MEMO_PDF
    assert "does not open as a PDF" in problem.message


def test_a_pdf_that_does_not_open_fails_even_with_a_matching_hash(folder: Path) -> None:
    garbage = b"%PDF-1.4\nnot really a PDF\n"
    (folder / MEMO_PDF).write_bytes(garbage)

    def relist(document: dict[str, object]) -> None:
        files = document["files"]
        assert isinstance(files, list)
        files[NAMES.index(MEMO_PDF)].update(sha256=sha256_hex(garbage), size=len(garbage))

    rewrite_manifest(folder, relist)
    (problem,) = failure(folder).problems
    assert problem == Problem(MEMO_PDF, "does not open as a PDF: can't find startxref")


def test_a_wrong_page_count_is_named(folder: Path) -> None:
    def more_pages(document: dict[str, object]) -> None:
        files = document["files"]
        assert isinstance(files, list)
        files[NAMES.index(MEMO_PDF)]["pages"] = 99

    rewrite_manifest(folder, more_pages)
    (problem,) = failure(folder).problems
    pages = len(PdfReader(folder / MEMO_PDF).pages)
    assert problem == Problem(MEMO_PDF, f"{pages} pages, manifest says 99")


def test_a_deleted_file_is_missing(folder: Path) -> None:
    (folder / MEMO_DOCX).unlink()
    report = verify_folder(folder)
    assert report.problems == (Problem(MEMO_DOCX, "missing"),)
    assert MEMO_DOCX in report.checked
    assert MEMO_DOCX not in report.passed


def test_an_extra_docx_is_not_in_the_manifest(folder: Path) -> None:
    shutil.copyfile(folder / MEMO_DOCX, folder / "other-memo.docx")
    shutil.copyfile(folder / MEMO_PDF, folder / "OTHER.PDF")
    # Not memo-gen's outputs: ignored.
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    (folder / f".{MEMO_PDF}.1a2b3c.part").write_bytes(b"x")
    (folder / "sub.pdf").mkdir()
    report = verify_folder(folder)
    assert report.unlisted == ("OTHER.PDF", "other-memo.docx")
    assert [problem.path for problem in report.problems] == ["OTHER.PDF", "other-memo.docx"]
    assert all("not in the manifest" in problem.message for problem in report.problems)
    assert report.passed == NAMES
    assert failure(folder).message.startswith("2 files do not match")


def test_a_symbolic_link_is_not_followed(folder: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.pdf"
    (folder / MEMO_PDF).rename(elsewhere)
    (folder / MEMO_PDF).symlink_to(elsewhere)
    (problem,) = failure(folder).problems
    assert problem == Problem(MEMO_PDF, "a symbolic link, not the file memo-gen wrote")


def test_every_difference_is_reported_at_once(folder: Path) -> None:
    (folder / MEMO_DOCX).unlink()
    (folder / MEMO_PDF).write_bytes(b"changed")
    (folder / "extra.docx").write_bytes(b"x")
    error = failure(folder)
    assert error.message == f"3 files do not match {folder / MANIFEST_NAME}"
    assert [problem.path for problem in error.problems] == [MEMO_DOCX, MEMO_PDF, "extra.docx"]


@pytest.mark.parametrize(
    "name", ["../x.pdf", "../../etc/passwd.pdf", "sub/x.pdf", "/tmp/x.pdf", "a\\b.pdf", "C:x.pdf"]
)
def test_a_manifest_naming_a_path_is_refused(folder: Path, tmp_path: Path, name: str) -> None:
    (tmp_path / "x.pdf").write_bytes(b"outside")

    def point_outside(document: dict[str, object]) -> None:
        files = document["files"]
        assert isinstance(files, list)
        files[0]["name"] = name

    rewrite_manifest(folder, point_outside)
    with pytest.raises(InputError, match="is a path, not a file name") as caught:
        verify_folder(folder)
    assert caught.value.exit_code == 3
    assert caught.value.message.startswith(f"{folder / MANIFEST_NAME}: files[0]: {name!r}")


@pytest.mark.parametrize("name", ["../x.pdf", "sub/x.pdf", "..", ".", "", MANIFEST_NAME])
def test_entry_for_refuses_what_is_not_a_plain_file_name(name: str) -> None:
    with pytest.raises(ValueError, match="name"):
        entry_for(name, b"x", "pdf", "memo", 1, "r.yaml", "0" * 64)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("{", "not valid JSON"),
        ("[]", "not a memo-gen manifest"),
        ('{"files": []}', "not a memo-gen manifest"),
        ('{"manifest": 2, "generator": "memo-gen 9", "files": []}', "version 2 is unknown"),
        ('{"manifest": true, "generator": "x", "files": []}', "version true is unknown"),
        ('{"manifest": 1.0, "generator": "x", "files": []}', "version 1.0 is unknown"),
        ('{"manifest": 1, "generator": "x"}', '"files" is not a list'),
        ('{"manifest": 1, "generator": "x", "files": [], "extra": 1}', "unknown keys"),
        ('{"manifest": 1, "manifest": 1, "generator": "x", "files": []}', "appears twice"),
        ('{"manifest": 1, "generator": "x", "files": [NaN]}', "NaN is not a JSON number"),
        ('{"manifest": 1, "generator": "x", "files": [{}]}', "files[0]: missing keys"),
        ("\ufeff{}", "not valid JSON"),
    ],
)
def test_a_malformed_manifest_is_an_input_error(folder: Path, text: str, what: str) -> None:
    (folder / MANIFEST_NAME).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        verify_folder(folder)
    assert caught.value.exit_code == 3
    assert caught.value.message.startswith(f"{folder / MANIFEST_NAME}: ")
    assert what in caught.value.message
    assert ";" in caught.value.message  # it says what to do


@pytest.mark.parametrize(
    ("field", "value", "what"),
    [
        ("sha256", "ABC", "sha256: not 64 lowercase hex digits"),
        ("size", -1, "size: not a whole number"),
        ("size", True, "size: not a whole number"),
        ("pages", "5", "pages: not a whole number"),
        ("format", "odt", "format: 'odt' is not one of"),
        ("signed", "no", "signed: not true or false"),
        ("record", {"name": "r.yaml"}, '"record" is not an object'),
    ],
)
def test_a_wrong_field_is_an_input_error(
    folder: Path, field: str, value: object, what: str
) -> None:
    def spoil(document: dict[str, object]) -> None:
        files = document["files"]
        assert isinstance(files, list)
        files[1][field] = value

    rewrite_manifest(folder, spoil)
    with pytest.raises(InputError, match="files\\[1\\]") as caught:
        verify_folder(folder)
    assert what in caught.value.message


def test_a_name_listed_twice_is_refused(folder: Path) -> None:
    def twice(document: dict[str, object]) -> None:
        files = document["files"]
        assert isinstance(files, list)
        files.append(files[0])

    rewrite_manifest(folder, twice)
    with pytest.raises(InputError, match="is listed twice"):
        verify_folder(folder)


def test_a_missing_manifest_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        verify_folder(tmp_path)
    assert caught.value.message == (
        f"{tmp_path / MANIFEST_NAME}: no such file; give the folder memo-gen wrote the files "
        "to (memo-gen verify DIR), or render them again to write one"
    )
    with pytest.raises(InputError, match="no such file"):
        verify_folder(tmp_path / "nowhere")


def test_a_manifest_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).mkdir()
    with pytest.raises(InputError, match="cannot be read"):
        verify_folder(tmp_path)


def test_names_outside_ascii_round_trip(tmp_path: Path, rendered: dict[str, bytes]) -> None:
    name = "визит-Əliyev-memo.pdf"
    (tmp_path / name).write_bytes(rendered[MEMO_PDF])
    entry = entry_for(name, rendered[MEMO_PDF], "pdf", "memo", 5, "визит.yaml", "0" * 64)
    data = manifest_bytes([entry])
    assert name.encode("utf-8") in data  # written as UTF-8, not \u escapes
    (tmp_path / MANIFEST_NAME).write_bytes(data)
    assert verify_folder(tmp_path).passed == (name,)


# --- writing and merging --------------------------------------------------------------------


def test_the_manifest_holds_the_documented_schema(rendered: dict[str, bytes]) -> None:
    entries = entries_of(rendered)
    document = json.loads(manifest_bytes(entries))
    assert document["manifest"] == 1
    assert document["generator"] == f"memo-gen {__version__}"
    assert [item["name"] for item in document["files"]] == list(NAMES)
    memo = document["files"][NAMES.index(MEMO_PDF)]
    record = sample_record_path()
    assert memo == {
        "name": MEMO_PDF,
        "format": "pdf",
        "kind": "memo",
        "sha256": sha256_hex(rendered[MEMO_PDF]),
        "size": len(rendered[MEMO_PDF]),
        "pages": len(PdfReader(io.BytesIO(rendered[MEMO_PDF])).pages),
        "record": {"name": record.name, "sha256": sha256_hex(record.read_bytes())},
        "signed": False,
        "pdfa": False,
        "draft": False,
    }
    # The DOCX carries its document's PDF page count.
    assert document["files"][NAMES.index(MEMO_DOCX)]["pages"] == memo["pages"]
    assert parse_manifest(manifest_bytes(entries)) == tuple(sorted(entries, key=lambda e: e.name))


def test_the_bytes_are_deterministic(rendered: dict[str, bytes]) -> None:
    entries = entries_of(rendered)
    data = manifest_bytes(entries)
    assert manifest_bytes(reversed(entries)) == data
    assert manifest_bytes(entries, previous=data) == data
    assert data.endswith(b"}\n")
    assert data.startswith(b'{\n  "files": [\n    {\n      "draft": false,')
    text = data.decode("utf-8")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


def test_merging_keeps_earlier_entries_and_replaces_same_names(
    rendered: dict[str, bytes],
) -> None:
    entries = {entry.name: entry for entry in entries_of(rendered)}
    first = manifest_bytes([entries[MEMO_PDF], entries[MEMO_DOCX]])
    newer = replace(entries[MEMO_PDF], sha256="f" * 64, size=1, signed=True)
    other = entry_for("other-memo.pdf", b"x", "pdf", "memo", 1, "other.yaml", "e" * 64)
    merged = parse_manifest(manifest_bytes([newer, other], previous=first))
    assert merged == (entries[MEMO_DOCX], newer, other)


def test_a_broken_previous_manifest_starts_fresh(rendered: dict[str, bytes]) -> None:
    entry = entries_of(rendered)[0]
    broken: list[InputError] = []
    data = manifest_bytes([entry], previous=b"{not json", on_broken=broken.append)
    assert parse_manifest(data) == (entry,)
    assert len(broken) == 1
    assert "not valid JSON" in broken[0].message
    fine: list[InputError] = []
    manifest_bytes([entry], previous=manifest_bytes([entry]), on_broken=fine.append)
    assert fine == []


def test_the_pdf_page_count_matches_pypdf(rendered: dict[str, bytes]) -> None:
    for name in NAMES:
        if name.endswith(".pdf"):
            count = pdf_page_count(rendered[name])
            assert count == len(PdfReader(io.BytesIO(rendered[name])).pages)
            assert count >= 1
    assert pdf_page_count(rendered[MEMO_PDF]) > 1  # the memorandum runs over several pages
    with pytest.raises(ValueError, match="does not open as a PDF"):
        pdf_page_count(rendered[MEMO_PDF][:1000])


def test_importing_the_module_does_not_import_pikepdf() -> None:
    probe = (
        "import sys, memo_gen.official.manifest, memo_gen.official.verify; "
        "print('pikepdf' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


# --- the command ----------------------------------------------------------------------------


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli.cli, list(args), prog_name="memo-gen")


def test_verify_command_passes(runner: CliRunner, folder: Path) -> None:
    result = invoke(runner, "verify", str(folder))
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    summary = f"All 4 files listed match {folder / MANIFEST_NAME}\n"
    assert result.stdout == "".join(f"OK  {name}\n" for name in NAMES) + summary


def test_verify_command_defaults_to_out(
    runner: CliRunner, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder.parent)
    result = invoke(runner, "verify")
    assert result.exit_code == 0, result.stderr
    *passed, summary = result.stdout.splitlines()
    assert (len(passed), summary) == (len(NAMES), f"All 4 files listed match out/{MANIFEST_NAME}")


def test_verify_command_fails_with_exit_8(runner: CliRunner, folder: Path) -> None:
    (folder / MEMO_DOCX).unlink()
    result = invoke(runner, "verify", str(folder))
    assert result.exit_code == 8
    assert result.stderr == (
        f"Error: 1 file does not match {folder / MANIFEST_NAME}; {VerificationError.advice}\n"
        f"  {MEMO_DOCX}: missing\n"
    )
    assert f"OK  {MEMO_DOCX}" not in result.stdout
    assert f"OK  {MEMO_PDF}\n" in result.stdout


def test_verify_command_refuses_a_broken_manifest_with_exit_3(
    runner: CliRunner, folder: Path
) -> None:
    (folder / MANIFEST_NAME).write_text("{", encoding="utf-8")
    result = invoke(runner, "verify", str(folder))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {folder / MANIFEST_NAME}: not valid JSON")


def test_verify_in_a_real_process(folder: Path) -> None:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "memo_gen", "verify", str(folder)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )

    passed = run()
    assert (passed.returncode, passed.stderr) == (0, "")
    path = folder / MEMO_PDF
    path.write_bytes(path.read_bytes()[:-1] + b"!")
    failed = run()
    assert failed.returncode == 8
    assert f"  {MEMO_PDF}: sha256 differs" in failed.stderr


def test_a_manifest_that_is_a_symbolic_link_is_refused(folder: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    (folder / MANIFEST_NAME).rename(elsewhere)
    (folder / MANIFEST_NAME).symlink_to(elsewhere)
    with pytest.raises(InputError, match="a symbolic link, not the manifest memo-gen wrote"):
        verify_folder(folder)
