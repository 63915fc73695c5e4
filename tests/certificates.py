"""A throw-away certificate authority, PKCS#12 key files it vouches for, and pyHanko's verdict
on a signed PDF: what the signing tests (``test_signing.py``, ``test_official.py``) share.

Nothing here is a fixture: each test module makes its own authority (once per module, the
keys take a moment to generate) from :meth:`Authority.create`.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

if TYPE_CHECKING:
    from pyhanko.sign.validation import EmbeddedPdfSignature, PdfSignatureStatus

PASSPHRASE = b"correct horse battery staple"
"""The passphrase of the key files :func:`write_p12` writes, unless told otherwise."""
NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)


def key_usage(
    *,
    digital_signature: bool = True,
    non_repudiation: bool = True,
    key_encipherment: bool = False,
    ca: bool = False,
) -> x509.KeyUsage:
    """A key usage extension; by default digitalSignature and nonRepudiation."""
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=non_repudiation,
        key_encipherment=key_encipherment,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "memo-gen tests"),
        ]
    )


@dataclass(frozen=True)
class Authority:
    """A throw-away certificate authority."""

    key: CertificateIssuerPrivateKeyTypes
    certificate: x509.Certificate

    @classmethod
    def create(cls, common_name: str = "memo-gen Test CA") -> Authority:
        """A new self-signed CA with an EC P-256 key, valid from yesterday for 30 days."""
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name(common_name))
            .issuer_name(name(common_name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - DAY)
            .not_valid_after(NOW + 30 * DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                key_usage(digital_signature=False, non_repudiation=False, ca=True), critical=True
            )
            .sign(key, hashes.SHA256())
        )
        return cls(key, certificate)

    def issue(
        self,
        key: CertificateIssuerPrivateKeyTypes,
        *,
        subject: str = "Signing Officer",
        not_before: dt.datetime = NOW - DAY,
        not_after: dt.datetime = NOW + 30 * DAY,
        usage: x509.KeyUsage | None = None,
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        )
        if usage is not None:
            builder = builder.add_extension(usage, critical=True)
        return builder.sign(self.key, hashes.SHA256())

    def signing_key_file(
        self, path: Path, *, passphrase: bytes | None = PASSPHRASE, **issue: Any
    ) -> Path:
        """Write a PKCS#12 file of a new EC key, the certificate this CA issues for it (by
        default for digitalSignature and nonRepudiation; keyword arguments go to
        :meth:`issue`) and the CA's certificate as its chain."""
        key = ec.generate_private_key(ec.SECP256R1())
        issue.setdefault("usage", key_usage())
        certificate = self.issue(key, **issue)
        return write_p12(path, key, certificate, [self.certificate], passphrase)

    def asn1_certificate(self) -> object:
        """The CA certificate as pyHanko's validator takes it (an asn1crypto certificate)."""
        from asn1crypto import x509 as asn1_x509

        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return asn1_x509.Certificate.load(der)


def write_p12(
    path: Path,
    key: CertificateIssuerPrivateKeyTypes | None,
    certificate: x509.Certificate | None,
    chain: list[x509.Certificate],
    passphrase: bytes | None = PASSPHRASE,
) -> Path:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer", cast(Any, key), certificate, chain, encryption
        )
    )
    return path


# --- pyHanko's verdict -----------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """A signed file's one signature, with pyHanko's verdict on it."""

    signature: EmbeddedPdfSignature
    status: PdfSignatureStatus


def validate(data: bytes, ca: Authority, accept_usage: set[str] | None = None) -> Checked:
    """Validate the file's only signature against the CA alone (nothing fetched); with
    ``accept_usage``, a key usage policy other than pyHanko's default (nonRepudiation)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data))
    signatures = reader.embedded_signatures
    assert len(signatures) == 1
    context = ValidationContext(trust_roots=[ca.asn1_certificate()])
    usage = KeyUsageConstraints(key_usage=accept_usage) if accept_usage is not None else None
    status = validate_pdf_signature(signatures[0], context, key_usage_settings=usage)
    return Checked(signatures[0], status)


def assert_valid(checked: Checked) -> None:
    """The signature is intact, valid, trusted (the CA's), covers the entire file and
    allows no later change pyHanko objects to; SHA-256."""
    from pyhanko.sign.validation import SignatureCoverageLevel

    status = checked.status
    assert status.intact, report(status)
    assert status.valid, report(status)
    assert status.trusted, report(status)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.docmdp_ok
    assert status.bottom_line
    assert status.md_algorithm == "sha256"


def report(status: PdfSignatureStatus) -> str:
    """pyHanko's account of a signature, for a failed assertion."""
    return str(status.pretty_print_details())  # type: ignore[no-untyped-call]
