"""``memo-gen verify`` checks the signatures of signed PDFs, not only their bytes against the
manifest: a signed PDF changed together with its manifest entry fails, as do a signature the
manifest does not mention, a manifest that says signed of an unsigned PDF, a signer outside
the ``--trust`` roots and a certificate not valid when it signed; a broken ``--trust`` file
is an input error (exit 3).

Each folder holds one memorandum PDF (of the short readout, rendered once) and a manifest
made as a run makes it; the PDFs are signed with the throw-away CA of :mod:`certificates`.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization

from certificates import DAY, NOW, PASSPHRASE, Authority
from memo_gen import cli
from memo_gen.errors import InputError, VerificationError
from memo_gen.official.manifest import MANIFEST_NAME, entry_for, manifest_bytes, sha256_hex
from memo_gen.official.signing import Signer, SigningKey, load_signer, sign_pdf
from memo_gen.official.verify import pdf_page_count, verify_folder
from memo_gen.record.loader import load_record
from memo_gen.resources import data_dir
from test_imports import SIGNING, imported

NAME = "short-readout-memo.pdf"
NOT_CHECKED = "not checked against a trust root (pass --trust CERT)"


@pytest.fixture(scope="module")
def ca() -> Authority:
    return Authority.create()


@pytest.fixture(scope="module")
def other_ca() -> Authority:
    return Authority.create("Someone Else's CA")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    from memo_gen.render import Renderer

    record = load_record(data_dir() / "short-readout.yaml")
    return Renderer.create().render(record, ["memo"], ["pdf"])[("memo", "pdf")]


@pytest.fixture(scope="module")
def signer(ca: Authority, keys: Path) -> Signer:
    return load_signer(SigningKey(ca.signing_key_file(keys / "officer.p12"), PASSPHRASE))


@pytest.fixture(scope="module")
def signed(unsigned: bytes, signer: Signer) -> bytes:
    return sign_pdf(unsigned, signer)


@pytest.fixture(scope="module")
def ca_pem(ca: Authority, keys: Path) -> Path:
    return write_certificate(keys / "ca.pem", ca, serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def other_pem(other_ca: Authority, keys: Path) -> Path:
    return write_certificate(keys / "other.pem", other_ca, serialization.Encoding.PEM)


def write_certificate(path: Path, ca: Authority, encoding: serialization.Encoding) -> Path:
    path.write_bytes(ca.certificate.public_bytes(encoding))
    return path


def folder_of(folder: Path, data: bytes, *, signed: bool) -> Path:
    """``folder`` with the PDF ``data`` as :data:`NAME` and a manifest listing it as a run
    would (its sha256, size and pages those of ``data``), marked ``signed`` or not."""
    folder.mkdir()
    (folder / NAME).write_bytes(data)
    record = b"visit: {}\n"
    entry = entry_for(
        NAME,
        data,
        "pdf",
        "memo",
        pdf_page_count(data),
        "short-readout.yaml",
        sha256_hex(record),
        signed=signed,
    )
    (folder / MANIFEST_NAME).write_bytes(manifest_bytes([entry]))
    return folder


def verify(folder: Path, *trust: Path) -> Result:
    """``memo-gen verify FOLDER --trust CERT…`` in this process."""
    args = ["verify", str(folder)]
    for path in trust:
        args += ["--trust", str(path)]
    return CliRunner().invoke(cli.cli, args, prog_name="memo-gen")


def altered(data: bytes) -> bytes:
    """``data`` with one letter of the document's title changed (a byte the signature
    covers, outside any compressed stream: the PDF still opens, with the same pages)."""
    at = data.index(b"/Title (") + len(b"/Title (")
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def failure_of(result: Result) -> str:
    """The problem line ``verify`` printed for :data:`NAME`, after checking it failed."""
    assert result.exit_code == VerificationError.exit_code, result.output
    assert result.stderr.startswith("Error: 1 file does not match"), result.stderr
    assert f"OK  {NAME}" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"  {NAME}: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- the issue: a signed PDF changed together with its manifest entry -----------------------


def test_an_altered_signed_pdf_with_its_entry_rewritten_fails(
    signed: bytes, tmp_path: Path
) -> None:
    changed = altered(signed)
    folder = folder_of(tmp_path / "out", changed, signed=True)  # sha256 and size of `changed`
    report = verify_folder(folder)
    assert not report.ok
    [problem] = report.problems
    assert problem.path == NAME
    assert 'signature "Signature": the signed bytes were changed' in problem.message
    assert "sha256" not in problem.message  # the manifest matches: only the signature tells
    line = failure_of(verify(folder))
    assert 'signature "Signature": the signed bytes were changed' in line


def test_an_update_appended_after_signing_fails(signed: bytes, tmp_path: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    # An incremental update leaves the signed bytes as they were: the signature is intact,
    # but it no longer covers the whole file.
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("fr")
    writer.update_root()  # type: ignore[no-untyped-call]
    output = io.BytesIO()
    writer.write(output)  # type: ignore[no-untyped-call]
    changed = output.getvalue()
    assert changed.startswith(signed)
    line = failure_of(verify(folder_of(tmp_path / "out", changed, signed=True)))
    assert 'signature "Signature": covers only part of the file' in line


def test_a_byte_appended_after_signing_fails(signed: bytes, tmp_path: Path) -> None:
    line = failure_of(verify(folder_of(tmp_path / "out", signed + b"\n", signed=True)))
    assert 'signature "Signature": covers only part of the file' in line


def test_a_damaged_signature_fails_without_a_traceback(signed: bytes, tmp_path: Path) -> None:
    # A hex digit in the middle of the signature's /Contents (its CMS structure).
    start = signed.index(b"/Contents <") + len(b"/Contents <")
    at = start + 400
    damaged = signed[:at] + (b"0" if signed[at : at + 1] != b"0" else b"1") + signed[at + 1 :]
    line = failure_of(verify(folder_of(tmp_path / "out", damaged, signed=True)))
    assert 'signature "Signature":' in line


# --- intact signatures ----------------------------------------------------------------------


def test_an_intact_signed_pdf_passes_without_trust_roots(signed: bytes, tmp_path: Path) -> None:
    folder = folder_of(tmp_path / "out", signed, signed=True)
    result = verify(folder)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    ok, signature, summary = result.stdout.splitlines()
    assert ok == f"OK  {NAME}"
    assert signature.startswith('    signature "Signature": intact, covers the entire file, ')
    assert "by O=memo-gen tests,CN=Signing Officer" in signature
    assert signature.endswith(f"; signer {NOT_CHECKED}")
    assert summary == f"The 1 file listed match {folder / MANIFEST_NAME}"


@pytest.mark.parametrize(
    "encoding", [serialization.Encoding.PEM, serialization.Encoding.DER], ids=["pem", "der"]
)
def test_an_intact_signed_pdf_passes_with_the_ca_as_trust_root(
    signed: bytes, ca: Authority, tmp_path: Path, encoding: serialization.Encoding
) -> None:
    folder = folder_of(tmp_path / "out", signed, signed=True)
    root = write_certificate(tmp_path / "ca.crt", ca, encoding)
    result = verify(folder, root)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    signature = result.stdout.splitlines()[1]
    assert "intact, covers the entire file" in signature
    assert signature.endswith("; signer trusted (chain to O=memo-gen tests,CN=memo-gen Test CA)")
    assert NOT_CHECKED not in result.stdout


def test_the_report_holds_each_signature(signed: bytes, ca_pem: Path, tmp_path: Path) -> None:
    folder = folder_of(tmp_path / "out", signed, signed=True)
    [untrusted] = verify_folder(folder).signatures[NAME]
    [trusted] = verify_folder(folder, [ca_pem]).signatures[NAME]
    for check in (untrusted, trusted):
        assert (check.field_name, check.signer, check.problems) == (
            "Signature",
            "O=memo-gen tests,CN=Signing Officer",
            (),
        )
        assert check.signed_at is not None
        assert abs(check.signed_at - NOW) < DAY
    assert untrusted.trust_root is None
    assert trusted.trust_root == "O=memo-gen tests,CN=memo-gen Test CA"


def test_one_of_several_trust_roots_is_enough(
    signed: bytes, ca_pem: Path, other_pem: Path, tmp_path: Path
) -> None:
    result = verify(folder_of(tmp_path / "out", signed, signed=True), other_pem, ca_pem)
    assert result.exit_code == 0, result.output
    assert "signer trusted (chain to O=memo-gen tests,CN=memo-gen Test CA" in result.stdout


def test_a_pem_bundle_is_a_list_of_trust_roots(
    signed: bytes, ca_pem: Path, other_pem: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(other_pem.read_bytes() + ca_pem.read_bytes())
    result = verify(folder_of(tmp_path / "out", signed, signed=True), bundle)
    assert result.exit_code == 0, result.output


def test_a_real_process_prints_only_its_own_lines(
    signed: bytes, other_pem: Path, tmp_path: Path
) -> None:
    # pyHanko logs a chain it cannot build with a traceback; with no logging set up, Python
    # would print it on stderr (pytest's own log capture hides that from click's runner).
    folder = folder_of(tmp_path / "out", signed, signed=True)
    for trust, code in (((), 0), ((other_pem,), 8)):
        options = [arg for path in trust for arg in ("--trust", str(path))]
        done = subprocess.run(
            [sys.executable, "-m", "memo_gen", "verify", str(folder), *options],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        assert done.returncode == code, done.stderr
        expected = ["", NOT_CHECKED] if code == 0 else ["Error: 1 file does not match", "--trust"]
        assert len(done.stderr.splitlines()) == (0 if code == 0 else 2), done.stderr
        assert expected[0] in done.stderr
        assert expected[1] in done.stdout + done.stderr


# --- trust and the certificate's validity ---------------------------------------------------


def test_a_signer_outside_the_trust_roots_fails(
    signed: bytes, other_pem: Path, tmp_path: Path
) -> None:
    folder = folder_of(tmp_path / "out", signed, signed=True)
    line = failure_of(verify(folder, other_pem))
    assert (
        'signature "Signature": the certificate of O=memo-gen tests,CN=Signing Officer does not '
        "lead to a --trust root" in line
    )


def test_a_certificate_expired_since_signing_passes(
    ca: Authority, ca_pem: Path, unsigned: bytes, tmp_path: Path
) -> None:
    # A certificate that expires two seconds from now (certificates count whole seconds).
    expires = time.time() + 2
    key = ca.signing_key_file(
        tmp_path / "brief.p12", not_after=NOW.fromtimestamp(int(expires), NOW.tzinfo)
    )
    data = sign_pdf(unsigned, load_signer(SigningKey(key, PASSPHRASE)))
    folder = folder_of(tmp_path / "out", data, signed=True)
    time.sleep(max(0.0, int(expires) + 2.5 - time.time()))  # past pyHanko's 1 s tolerance
    for trust in ((), (ca_pem,)):
        result = verify(folder, *trust)
        assert (result.exit_code, result.stderr) == (0, ""), result.output


def test_a_certificate_not_valid_when_it_signed_fails(
    ca: Authority, ca_pem: Path, unsigned: bytes, tmp_path: Path
) -> None:
    from pyhanko.sign.signers import SimpleSigner

    # load_signer refuses such a key; pyHanko's own loader signs with it.
    key = ca.signing_key_file(tmp_path / "early.p12", not_before=NOW + DAY, not_after=NOW + 2 * DAY)
    early = SimpleSigner.load_pkcs12_data(key.read_bytes(), [], PASSPHRASE)
    data = sign_pdf(unsigned, Signer(early, None, None, "early"))
    folder = folder_of(tmp_path / "out", data, signed=True)
    for trust in ((), (ca_pem,)):
        line = failure_of(verify(folder, *trust))
        assert "the certificate of O=memo-gen tests,CN=Signing Officer was not valid when it " in (
            line
        )


# --- the manifest and the file disagree -----------------------------------------------------


def test_a_manifest_saying_signed_of_an_unsigned_pdf_fails(unsigned: bytes, tmp_path: Path) -> None:
    line = failure_of(verify(folder_of(tmp_path / "out", unsigned, signed=True)))
    assert line == f"  {NAME}: the manifest says signed, but the PDF holds no signature"


def test_a_signature_the_manifest_does_not_mention_fails(signed: bytes, tmp_path: Path) -> None:
    line = failure_of(verify(folder_of(tmp_path / "out", signed, signed=False)))
    assert line == f"  {NAME}: holds a signature, but the manifest says unsigned"


def test_an_unsigned_pdf_listed_unsigned_passes_without_pyhanko(
    unsigned: bytes, tmp_path: Path
) -> None:
    folder = folder_of(tmp_path / "out", unsigned, signed=False)
    result = verify(folder)
    assert (result.exit_code, result.stdout.splitlines()[0]) == (0, f"OK  {NAME}"), result.output
    assert len(result.stdout.splitlines()) == 2  # no signature line
    assert not imported("verify", str(folder)) & SIGNING


# --- a broken --trust file ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a certificate\n", "not an X.509 certificate (PEM or DER)"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not an X.509"),
        (b"", "not an X.509 certificate (PEM or DER)"),
        (None, "no such file"),
    ],
    ids=["text", "bad-pem", "empty", "missing"],
)
def test_a_broken_trust_file_is_an_input_error(
    signed: bytes, tmp_path: Path, content: bytes | None, expected: str
) -> None:
    folder = folder_of(tmp_path / "out", signed, signed=True)
    trust = tmp_path / "trust.pem"
    if content is not None:
        trust.write_bytes(content)
    result = verify(folder, trust)
    assert result.exit_code == InputError.exit_code, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {trust}: {expected}"), line
    assert "Traceback" not in result.output
    assert result.stdout == ""
    with pytest.raises(InputError, match=re.escape(expected)):
        verify_folder(folder, [trust])


def test_a_folder_as_trust_file_is_an_input_error(signed: bytes, tmp_path: Path) -> None:
    folder = folder_of(tmp_path / "out", signed, signed=True)
    result = verify(folder, tmp_path)
    assert result.exit_code == InputError.exit_code, result.output
    assert result.stderr.startswith(f"Error: {tmp_path}: a folder, not a certificate file")


def test_the_help_explains_trust() -> None:
    result = CliRunner().invoke(cli.cli, ["verify", "--help"], prog_name="memo-gen")
    assert result.exit_code == 0
    assert "--trust CERT" in result.output
    assert "signature" in result.output
