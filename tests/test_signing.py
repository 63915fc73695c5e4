"""PAdES signatures (memo_gen.official.signing): memos signed with a throw-away CA's key and checked
with pyHanko's own validator, qpdf and pdftotext; every unusable key refused with a message
that says what to do."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from certificates import (
    DAY,
    NOW,
    PASSPHRASE,
    Authority,
    assert_valid,
    key_usage,
    validate,
    write_p12,
)
from memo_gen.errors import SigningError
from memo_gen.official.signing import (
    FIELD_NAME,
    PASSPHRASE_VARIABLE,
    Signer,
    SigningKey,
    load_signer,
    sign_pdf,
)
from memo_gen.record.loader import load_record
from memo_gen.render import Renderer, render_bytes

needs_qpdf = pytest.mark.skipif(shutil.which("qpdf") is None, reason="no qpdf")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no pdftotext")

REASON = "Approved for release"
LOCATION = "Astana"


@pytest.fixture(scope="module")
def ca() -> Authority:
    return Authority.create()


MakeKey = Callable[..., Path]


@pytest.fixture
def make_key(tmp_path: Path, ca: Authority) -> MakeKey:
    """Writes a PKCS#12 file of a new EC key and a certificate the CA issues for it;
    keyword arguments go to :meth:`Authority.issue`."""

    def make(filename: str = "signer.p12", **issue: Any) -> Path:
        return ca.signing_key_file(tmp_path / filename, **issue)

    return make


@pytest.fixture
def key_file(make_key: MakeKey) -> Path:
    return make_key()


@pytest.fixture
def signer(key_file: Path) -> Signer:
    return load_signer(SigningKey(key_file, PASSPHRASE, REASON, LOCATION))


@pytest.fixture(scope="module")
def memo_pdf() -> bytes:
    record = load_record(None)
    return Renderer.create().render(record, ["memo"], ["pdf"])[("memo", "pdf")]


@pytest.fixture(scope="module")
def memo_pdf_ru() -> bytes:
    record = load_record(None)
    return Renderer.create().render(record, ["memo"], ["pdf"], lang="ru")[("memo", "pdf")]


@pytest.fixture
def signed(memo_pdf: bytes, signer: Signer) -> bytes:
    return sign_pdf(memo_pdf, signer)


# --- helpers -------------------------------------------------------------------------------


def pdftotext(data: bytes, tmp_path: Path, filename: str) -> str:
    path = tmp_path / filename
    path.write_bytes(data)
    command = ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def refusal(key: SigningKey) -> SigningError:
    """The error load_signer raises for the key; one line, exit code 7."""
    with pytest.raises(SigningError) as caught:
        load_signer(key)
    error = caught.value
    assert error.exit_code == 7
    assert "\n" not in error.message
    assert error.message.startswith(f"{key.path}: ")
    return error


# --- a signed memo validates ---------------------------------------------------------------


def test_signed_memo_validates_against_the_ca(signed: bytes, ca: Authority) -> None:
    assert_valid(validate(signed, ca))


def test_signature_is_pades_with_reason_and_location(signed: bytes, ca: Authority) -> None:
    checked = validate(signed, ca)
    signature = checked.signature.sig_object
    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature["/Filter"] == "/Adobe.PPKLite"
    assert signature["/Reason"] == REASON
    assert signature["/Location"] == LOCATION
    assert checked.signature.field_name == FIELD_NAME
    # PAdES B-B: the signing certificate is bound by signingCertificateV2, and the signing
    # time is in /M, not in a CMS signingTime attribute.
    attributes = {a["type"].native for a in checked.signature.signer_info["signed_attrs"]}
    assert "signing_certificate_v2" in attributes
    assert "signing_time" not in attributes
    signed_at = checked.status.signer_reported_dt
    assert signed_at is not None
    assert abs(signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert "Signing Officer" in checked.status.signing_cert.subject.human_friendly


def test_signature_field_is_invisible_and_printable(signed: bytes) -> None:
    with pikepdf.open(io.BytesIO(signed)) as pdf:
        fields = [f for f in pdf.Root.AcroForm.Fields if f.get("/FT") == "/Sig"]
        assert len(fields) == 1
        widget = fields[0]
        assert str(widget.T) == FIELD_NAME
        assert [float(x) for x in widget.Rect] == [0, 0, 0, 0]  # no area: nothing drawn
        assert int(widget.F) & 4  # Print, as PDF/A asks of every annotation
        assert "/AP" not in widget or not widget.AP.get("/N")


def test_signing_is_an_incremental_update(memo_pdf: bytes, signed: bytes) -> None:
    assert signed.startswith(memo_pdf)
    assert len(signed) > len(memo_pdf)
    assert signed[len(memo_pdf) :].rstrip().endswith(b"%%EOF")


@needs_qpdf
def test_signed_file_passes_qpdf_check(signed: bytes, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


@needs_pdftotext
def test_signing_leaves_the_text_alone(memo_pdf: bytes, signed: bytes, tmp_path: Path) -> None:
    before = pdftotext(memo_pdf, tmp_path, "unsigned.pdf")
    assert "MEMORANDUM" in before
    assert pdftotext(signed, tmp_path, "signed.pdf") == before


def test_signing_leaves_metadata_alone(memo_pdf: bytes, signed: bytes) -> None:
    """pyHanko would add itself to /Producer, set /ModDate and write an XMP packet of its own;
    on a PDF/A file that breaks the agreement of /Info and XMP (see signing.py)."""
    with pikepdf.open(io.BytesIO(memo_pdf)) as before, pikepdf.open(io.BytesIO(signed)) as after:
        assert dict(after.docinfo.items()) == dict(before.docinfo.items())
        assert "pyHanko" not in str(after.docinfo.get("/Producer"))
        assert ("/Metadata" in after.Root) == ("/Metadata" in before.Root)


def test_signs_a_rewritten_pdf_with_xmp_and_xref_streams(
    memo_pdf: bytes, signer: Signer, ca: Authority
) -> None:
    """A file saved by pikepdf with object streams (so cross-reference streams) and an XMP
    packet: signed, valid, its XMP packet and /Info untouched."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(memo_pdf)) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:title"] = "Меморандум"
            xmp["pdfaid:part"] = "2"
            xmp["pdfaid:conformance"] = "B"
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    rewritten = out.getvalue()
    assert b"/XRefStm" in rewritten or b"/Type /XRef" in rewritten

    signed = sign_pdf(rewritten, signer)

    assert signed.startswith(rewritten)
    assert_valid(validate(signed, ca))
    with pikepdf.open(io.BytesIO(rewritten)) as before, pikepdf.open(io.BytesIO(signed)) as after:
        assert after.Root.Metadata.read_bytes() == before.Root.Metadata.read_bytes()
        assert dict(after.docinfo.items()) == dict(before.docinfo.items())


def test_signs_pdfa_output(signer: Signer, ca: Authority, tmp_path: Path) -> None:
    """memo_gen.official.pdfa's PDF/A-2b file signs and validates, and keeps what makes it
    PDF/A: its XMP packet (pdfaid, and pdf:Producer equal to /Producer) and its output intent."""
    pdfa = pytest.importorskip(
        "memo_gen.official.pdfa", reason="memo_gen.official.pdfa is not written yet"
    )
    renderer = Renderer.create()
    document = renderer.composer.compose(load_record(None), "memo")
    data = pdfa.to_pdfa(render_bytes(document, "pdf", renderer.theme), document.metadata)
    assert isinstance(data, bytes)

    signed = sign_pdf(data, signer)

    assert signed.startswith(data)
    assert_valid(validate(signed, ca))
    with pikepdf.open(io.BytesIO(data)) as before, pikepdf.open(io.BytesIO(signed)) as after:
        assert after.Root.Metadata.read_bytes() == before.Root.Metadata.read_bytes()
        assert dict(after.docinfo.items()) == dict(before.docinfo.items())
        assert after.Root.OutputIntents[0].S == "/GTS_PDFA1"
        meta = after.open_metadata()
        assert meta["pdfaid:part"] == "2"
        assert meta["pdf:Producer"] == str(after.docinfo["/Producer"])
    if shutil.which("qpdf"):
        path = tmp_path / "signed-pdfa.pdf"
        path.write_bytes(signed)
        assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


@needs_pdftotext
def test_cyrillic_memo_signs_and_validates(
    memo_pdf_ru: bytes, key_file: Path, ca: Authority, tmp_path: Path
) -> None:
    signer = load_signer(SigningKey(key_file, PASSPHRASE, "Утверждено к отправке", "Астана"))
    signed = sign_pdf(memo_pdf_ru, signer)

    checked = validate(signed, ca)
    assert_valid(checked)
    assert checked.signature.sig_object["/Reason"] == "Утверждено к отправке"
    assert checked.signature.sig_object["/Location"] == "Астана"
    text = pdftotext(signed, tmp_path, "signed-ru.pdf")
    assert "ЗАПИСЬ БЕСЕДЫ" in text
    assert text == pdftotext(memo_pdf_ru, tmp_path, "unsigned-ru.pdf")


def test_rsa_key_signs(memo_pdf: bytes, ca: Authority, tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = ca.issue(key, usage=key_usage())
    path = write_p12(tmp_path / "rsa.pfx", key, certificate, [ca.certificate])
    checked = validate(sign_pdf(memo_pdf, load_signer(SigningKey(path, PASSPHRASE))), ca)
    assert_valid(checked)
    assert "/Reason" not in checked.signature.sig_object  # none given, none stated


def test_unencrypted_key_file_needs_no_passphrase(
    memo_pdf: bytes, ca: Authority, tmp_path: Path
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = ca.issue(key, usage=key_usage())
    path = write_p12(tmp_path / "open.p12", key, certificate, [ca.certificate], passphrase=None)
    assert_valid(validate(sign_pdf(memo_pdf, load_signer(SigningKey(path, None))), ca))


def test_a_passphrase_given_for_a_key_file_without_one_is_not_an_error(
    memo_pdf: bytes, ca: Authority, tmp_path: Path
) -> None:
    path = ca.signing_key_file(tmp_path / "open.p12", passphrase=None)
    signer = load_signer(SigningKey(path, b"left over in the environment"))
    assert_valid(validate(sign_pdf(memo_pdf, signer), ca))


def test_an_ec_key_keeps_the_pdf_version(memo_pdf: bytes, signer: Signer) -> None:
    # pyHanko declares PDF 2.0 for a P-256 key; a PDF/A-2 file must stay PDF 1.7 at most.
    import pikepdf

    with pikepdf.open(io.BytesIO(sign_pdf(memo_pdf, signer))) as pdf:
        assert "/Version" not in pdf.Root or str(pdf.Root.Version) <= "/1.7"
        assert pdf.pdf_version <= "1.7"


def test_signer_signs_many_files(memo_pdf: bytes, memo_pdf_ru: bytes, signer: Signer) -> None:
    assert sign_pdf(memo_pdf, signer).startswith(memo_pdf)
    assert sign_pdf(memo_pdf_ru, signer).startswith(memo_pdf_ru)


# --- key usage: refuse only a certificate that is plainly not for signing --------------------


def test_certificate_without_signing_key_usage_is_refused(make_key: MakeKey) -> None:
    usage = key_usage(digital_signature=False, non_repudiation=False, key_encipherment=True)
    path = make_key(usage=usage)
    error = refusal(SigningKey(path, PASSPHRASE))
    assert "not for signing" in error.message
    assert "digitalSignature" in error.message and "nonRepudiation" in error.message


def test_digital_signature_alone_is_accepted(
    make_key: MakeKey, memo_pdf: bytes, ca: Authority
) -> None:
    """Signs; pyHanko's validator then wants nonRepudiation by default, and trusts the
    signature once its policy accepts digitalSignature."""
    usage = key_usage(non_repudiation=False)
    signed = sign_pdf(memo_pdf, load_signer(SigningKey(make_key(usage=usage), PASSPHRASE)))
    strict = validate(signed, ca).status
    assert strict.intact and strict.valid and not strict.trusted
    assert_valid(validate(signed, ca, accept_usage={"digital_signature"}))


def test_certificate_without_key_usage_extension_is_accepted(
    make_key: MakeKey, memo_pdf: bytes
) -> None:
    signer = load_signer(SigningKey(make_key(usage=None), PASSPHRASE))
    assert sign_pdf(memo_pdf, signer).startswith(memo_pdf)


# --- unusable keys -------------------------------------------------------------------------


def test_wrong_passphrase(key_file: Path) -> None:
    error = refusal(SigningKey(key_file, b"wrong"))
    assert "wrong passphrase" in error.message
    assert PASSPHRASE_VARIABLE in error.message


def test_missing_passphrase(key_file: Path) -> None:
    error = refusal(SigningKey(key_file, None))
    assert "passphrase" in error.message and "none was given" in error.message
    assert PASSPHRASE_VARIABLE in error.message


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.p12"
    path.write_bytes(bytes(range(256)) * 8)
    error = refusal(SigningKey(path, PASSPHRASE))
    assert "not a PKCS#12" in error.message
    assert "openssl pkcs12 -export" in error.message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.p12"
    path.write_bytes(b"")
    assert "not a PKCS#12" in refusal(SigningKey(path, PASSPHRASE)).message


def test_pem_file(tmp_path: Path, ca: Authority) -> None:
    path = tmp_path / "cert.pem"
    path.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
    error = refusal(SigningKey(path, PASSPHRASE))
    assert "PEM file" in error.message and "openssl pkcs12 -export" in error.message


def test_missing_path(tmp_path: Path) -> None:
    error = refusal(SigningKey(tmp_path / "nowhere.p12", PASSPHRASE))
    assert "no such key file" in error.message


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert "folder" in refusal(SigningKey(tmp_path, PASSPHRASE)).message


def test_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.p12"
    path.write_bytes(b"\0" * (2 * 1024 * 1024))
    assert "too large" in refusal(SigningKey(path, PASSPHRASE)).message


def test_expired_certificate(make_key: MakeKey) -> None:
    path = make_key(not_before=NOW - 60 * DAY, not_after=NOW - DAY)
    error = refusal(SigningKey(path, PASSPHRASE))
    assert "expired on" in error.message
    assert (NOW - DAY).strftime("%Y-%m-%d") in error.message
    assert "renew" in error.message


def test_certificate_not_yet_valid(make_key: MakeKey) -> None:
    path = make_key(not_before=NOW + DAY, not_after=NOW + 30 * DAY)
    error = refusal(SigningKey(path, PASSPHRASE))
    assert "not valid until" in error.message


def test_file_without_private_key(ca: Authority, tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    path = write_p12(tmp_path / "cert-only.p12", None, ca.issue(key, usage=key_usage()), [])
    assert "no private key" in refusal(SigningKey(path, PASSPHRASE)).message


def test_file_without_certificate(tmp_path: Path) -> None:
    path = write_p12(tmp_path / "key-only.p12", ec.generate_private_key(ec.SECP256R1()), None, [])
    assert "no certificate" in refusal(SigningKey(path, PASSPHRASE)).message


def test_file_with_only_certificates_of_other_keys(ca: Authority, tmp_path: Path) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    certificates = [ca.issue(other, usage=key_usage()), ca.certificate]
    key = ec.generate_private_key(ec.SECP256R1())
    path = write_p12(tmp_path / "mismatch.p12", key, None, certificates)
    error = refusal(SigningKey(path, PASSPHRASE))
    assert "no certificate for its private key (only 2 other certificate(s))" in error.message


def test_key_file_cryptography_cannot_decrypt(
    key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.exceptions import UnsupportedAlgorithm

    def unsupported(data: bytes, password: bytes | None) -> object:
        raise UnsupportedAlgorithm("RC2-40-CBC is not supported")

    monkeypatch.setattr(pkcs12, "load_key_and_certificates", unsupported)
    error = refusal(SigningKey(key_file, PASSPHRASE))
    assert "encrypted in a way that cannot be read (RC2-40-CBC" in error.message
    assert "export it again with AES" in error.message


# --- failures while signing ----------------------------------------------------------------


def test_signing_a_signed_file_again_is_refused(signed: bytes, signer: Signer) -> None:
    with pytest.raises(SigningError, match="cannot be signed") as caught:
        sign_pdf(signed, signer)
    assert caught.value.exit_code == 7
    assert "\n" not in caught.value.message


def test_signing_what_is_not_a_pdf_is_refused(signer: Signer) -> None:
    with pytest.raises(SigningError, match="cannot be signed"):
        sign_pdf(b"not a PDF at all", signer)


# --- what the command line and the workers rely on ----------------------------------------


def test_signing_key_pickles_and_hides_its_passphrase(key_file: Path) -> None:
    key = SigningKey(key_file, PASSPHRASE, REASON, LOCATION)
    assert pickle.loads(pickle.dumps(key)) == key
    assert PASSPHRASE.decode() not in repr(key)


def test_importing_signing_imports_no_signing_library() -> None:
    """pyHanko takes 400 ms to import: only a run that signs should pay for it."""
    code = (
        "import sys; import memo_gen.official.signing; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pyhanko', 'pyhanko_certvalidator', 'asn1crypto', 'cryptography')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
