"""PAdES baseline B-B signatures of memo-gen's PDFs, with pyHanko.

The key is a PKCS#12 file (``.p12``/``.pfx``) holding a private key and its certificate, and
usually the certificate's chain. :func:`load_signer` reads and checks it once;
:func:`sign_pdf` then signs any number of PDFs in memory. A signature is an incremental
update: the unsigned file is a prefix of the signed one, so sign last (after any PDF/A
conversion) and let no tool rewrite the file afterwards. The update adds the signature, its
form field (``/AcroForm``) and the extensions that name what it uses (``/Extensions``); /Info,
the XMP packet and the PDF version stay as they were, so a PDF/A file keeps its claim. A
signature records the time it was made, so signed files are never byte-for-byte reproducible:
a manifest should record the hash of the unsigned file, or of the signed one as written.

pyHanko, asn1crypto and cryptography are imported only inside the functions: importing
``pyhanko.sign`` takes about 400 ms, and a run without ``--sign`` should not pay for it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from memo_gen.errors import SigningError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import SimpleSigner

__all__ = [
    "FIELD_NAME",
    "PASSPHRASE_VARIABLE",
    "Signer",
    "SigningKey",
    "load_signer",
    "sign_pdf",
]

PASSPHRASE_VARIABLE = "MEMO_GEN_SIGN_PASSPHRASE"
"""The environment variable the command line reads the key file's passphrase from."""

FIELD_NAME = "Signature"
"""The name of the (invisible) signature field each signed PDF gets."""

MAX_KEY_FILE_BYTES = 1024 * 1024
"""A PKCS#12 file is a few kilobytes; anything far larger is the wrong file."""

_EXPORT_HINT = "export the key with its certificate as PKCS#12 (openssl pkcs12 -export)"


@dataclass(frozen=True)
class SigningKey:
    """What the command line collects to sign with: a PKCS#12 file, its passphrase (``None``:
    none given), and the reason and location the signature states. Plain data: it can be
    pickled and sent to worker processes, which each call :func:`load_signer`."""

    path: Path
    passphrase: bytes | None = field(repr=False)
    reason: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Signer:
    """A checked key, ready to sign: pyHanko's signer with the reason and location to state.

    Holds the private key in memory, unencrypted. It would pickle, but that sends the bare
    key through a pipe: give worker processes the :class:`SigningKey` instead, and let each
    call :func:`load_signer` once."""

    pyhanko_signer: SimpleSigner = field(repr=False)
    reason: str | None
    location: str | None
    subject: str
    """The certificate's subject, for messages (``CN=…, O=…``)."""


def load_signer(key: SigningKey) -> Signer:
    """Read the PKCS#12 file of ``key`` and check that it can sign now.

    Raises :class:`SigningError` with one line saying what is wrong and what to do when the
    file is missing or unreadable, is not PKCS#12, needs a passphrase that is missing or wrong,
    or lacks the private key or its certificate; when the certificate has expired or is not
    valid yet; or when it is not meant for signatures.

    Key usage: a certificate whose key usage extension is present but allows neither
    ``digitalSignature`` nor ``nonRepudiation`` (say, a TLS key-encipherment or a CA
    certificate) is refused: no validator would accept a signature made with it. A certificate
    with either bit is accepted, and so is one without the extension (RFC 5280 § 4.2.1.3: no
    extension, no restriction). Either bit vouches for signatures in RFC 5280, but pyHanko's
    validator by default trusts a signature only when ``nonRepudiation`` is set: a certificate
    with ``digitalSignature`` alone signs, and ``pyhanko sign validate`` reports the signature
    as valid but untrusted unless its key usage policy is relaxed. Refusing such certificates
    would refuse many real signing certificates for the sake of one validator's default.
    Extended key usage is not checked.
    """
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = key.path
    data = _read_key_file(path)
    _require_pkcs12_structure(path, data)
    try:
        try:
            private_key, certificate, chain = pkcs12.load_key_and_certificates(data, key.passphrase)
        except ValueError:
            if key.passphrase is None:
                raise
            # A passphrase set for a file that has none (one left in the environment).
            private_key, certificate, chain = pkcs12.load_key_and_certificates(data, None)
    except ValueError as exc:
        # The structure parsed above, so what fails here is the decryption or the MAC check.
        if key.passphrase is None:
            raise SigningError(
                f"{path}: the key file is protected by a passphrase and none was given; "
                f"set {PASSPHRASE_VARIABLE} to it"
            ) from exc
        raise SigningError(
            f"{path}: wrong passphrase (or a damaged key file); "
            f"set {PASSPHRASE_VARIABLE} to the key file's passphrase"
        ) from exc
    except UnsupportedAlgorithm as exc:
        # cryptography's error for a cipher or key type its build does not support.
        raise SigningError(
            f"{path}: the key file is encrypted in a way that cannot be read "
            f"({_one_line(exc)}); export it again with AES (openssl pkcs12 -export)"
        ) from exc
    if private_key is None:
        raise SigningError(f"{path}: the key file holds no private key; {_EXPORT_HINT}")
    if certificate is None:
        # cryptography pairs the certificate with the key by its public key: any other
        # certificates are of someone else (a CA, a stale export).
        others = f" (only {len(chain)} other certificate(s))" if chain else ""
        raise SigningError(
            f"{path}: the key file holds no certificate for its private key{others}; {_EXPORT_HINT}"
        )
    _require_valid_now(path, certificate)
    _require_signing_usage(path, certificate)
    return Signer(
        _pyhanko_signer(private_key, certificate, list(chain)),
        key.reason,
        key.location,
        certificate.subject.rfc4514_string(),
    )


def sign_pdf(data: bytes, signer: Signer) -> bytes:
    """``data``, a PDF, with a PAdES baseline B-B signature appended as an incremental
    update: SHA-256, subfilter ``/ETSI.CAdES.detached``, an invisible field named
    :data:`FIELD_NAME`, the signer's reason and location. The result begins with ``data``.

    Raises :class:`SigningError` when pyHanko cannot read or sign the PDF (for instance, one
    that already has a signature field of that name)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=signer.reason,
        location=signer.location,
    )
    # A field spec without a box is a field without an appearance on the page: invisible.
    field_spec = fields.SigFieldSpec(sig_field_name=FIELD_NAME)
    try:
        writer = _metadata_keeping_writer()(io.BytesIO(data))
        pdf_signer = signers.PdfSigner(metadata, signer.pyhanko_signer, new_field_spec=field_spec)
        output = pdf_signer.sign_pdf(writer)
    except (PdfError, ValueError) as exc:  # pyHanko's SigningError is a ValueError
        raise SigningError(f"the PDF cannot be signed: {_one_line(exc)}") from exc
    return cast(io.BytesIO, output).getvalue()


@functools.cache
def _metadata_keeping_writer() -> type[IncrementalPdfFileWriter]:
    """pyHanko's incremental writer, made to leave the document's metadata alone.

    By default pyHanko's writer sets ``/ModDate`` and appends itself to ``/Producer`` in the
    Info dictionary, and re-serialises the XMP packet with ``pdf:Producer`` set to itself
    alone. On a PDF/A file that breaks the agreement of Info and XMP that PDF/A requires
    (pyHanko #755 also reports XMP made invalid, #462 XMP it cannot parse). The maintainer's
    advice (pyHanko #223) is to override ``_update_meta``, an internal method:
    ``test_signing_leaves_metadata_alone`` fails if a pyHanko release stops calling it.

    It also keeps the PDF version at 1.7 at most: for an ECDSA key on a curve of ISO 32002
    (P-256 among them) pyHanko declares PDF 2.0, which a PDF/A-2 file (based on PDF 1.7)
    must not; the extension it registers still names the curve."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class MetadataKeepingWriter(IncrementalPdfFileWriter):
        def _update_meta(self) -> None:
            pass

        def ensure_output_version(self, version: tuple[int, int]) -> None:
            super().ensure_output_version(min(version, (1, 7)))  # type: ignore[no-untyped-call]

    return MetadataKeepingWriter


# --- the checks ----------------------------------------------------------------------------


def _read_key_file(path: Path) -> bytes:
    """The file's bytes, or a SigningError saying why they cannot be read."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise SigningError(
            f"{path}: no such key file; give the path of a PKCS#12 (.p12/.pfx) file"
        ) from exc
    except IsADirectoryError as exc:
        raise SigningError(
            f"{path}: is a folder, not a key file; give the path of a PKCS#12 (.p12/.pfx) file"
        ) from exc
    except OSError as exc:
        raise SigningError(
            f"{path}: the key file cannot be read ({exc.strerror or exc}); check its permissions"
        ) from exc
    if len(data) > MAX_KEY_FILE_BYTES:
        raise SigningError(
            f"{path}: larger than {MAX_KEY_FILE_BYTES // 1024} KiB, too large for a key file; "
            "give the path of a PKCS#12 (.p12/.pfx) file"
        )
    return data


def _require_pkcs12_structure(path: Path, data: bytes) -> None:
    """Tell a file that is not PKCS#12 at all from one whose passphrase is wrong: cryptography
    reports both as a ValueError, with only its wording to tell them apart."""
    from asn1crypto import pkcs12 as asn1_pkcs12

    if data.lstrip().startswith(b"-----BEGIN"):
        raise SigningError(
            f"{path}: a PEM file, not a PKCS#12 file; convert it with "
            "openssl pkcs12 -export -inkey key.pem -in cert.pem -out key.p12"
        )
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        # asn1crypto parses lazily: reach into the structure to make it parse.
        pfx["version"].native  # noqa: B018
        pfx["auth_safe"]["content_type"].native  # noqa: B018
    except (ValueError, TypeError) as exc:
        raise SigningError(f"{path}: not a PKCS#12 (.p12/.pfx) file; {_EXPORT_HINT}") from exc


def _require_valid_now(path: Path, certificate: x509.Certificate) -> None:
    now = dt.datetime.now(dt.UTC)
    subject = certificate.subject.rfc4514_string()
    if now < certificate.not_valid_before_utc:
        raise SigningError(
            f"{path}: the certificate of {subject} is not valid until "
            f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC; "
            "sign later or check the computer's clock"
        )
    if now > certificate.not_valid_after_utc:
        raise SigningError(
            f"{path}: the certificate of {subject} expired on "
            f"{certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC; "
            "renew it or use a current one"
        )


def _require_signing_usage(path: Path, certificate: x509.Certificate) -> None:
    from cryptography import x509

    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return  # no key usage extension: every usage is allowed
    if not (usage.digital_signature or usage.content_commitment):
        raise SigningError(
            f"{path}: the certificate of {certificate.subject.rfc4514_string()} is not for "
            "signing (its key usage has neither digitalSignature nor nonRepudiation); "
            "use a document-signing certificate"
        )


def _pyhanko_signer(
    private_key: PrivateKeyTypes,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
) -> SimpleSigner:
    """pyHanko's signer for a key and certificate cryptography has read, with the file's other
    certificates to embed as the chain."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    # pyHanko works on asn1crypto structures; DER is the bridge (as its own loader does).
    key_info = asn1_keys.PrivateKeyInfo.load(
        private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    store.register_multiple(asn1_certificate(cert) for cert in chain)
    return SimpleSigner(
        signing_cert=asn1_certificate(certificate), signing_key=key_info, cert_registry=store
    )


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line, its type when it has none."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
