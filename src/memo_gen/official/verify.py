"""``memo-gen verify``: check the files in a folder against its ``manifest.json``, and the
signatures of its signed PDFs.

:func:`verify_folder` re-reads the manifest and checks each listed file: it is there, a
regular file (a link is not followed), of the size and SHA-256 listed, and a PDF opens
(without repairs) with the pages listed; and it names the ``.pdf`` and ``.docx`` files in the
folder that the manifest does not list.

A manifest entry can be rewritten along with its file, so a PDF the manifest marks signed
(or one that holds a signature the manifest does not mention, which is itself a mismatch)
also has each of its signatures validated with pyHanko: the signed bytes are unchanged, the
signature covers the entire file (memo-gen signs the final revision: anything appended
afterwards fails), and the signer's certificate was valid at the time the signature states
(memo-gen's signatures carry no timestamp token, so that is the signer's own claim). With
trust roots (``--trust CERT``), the certificate's chain must lead to one of them, checked at
that time; without, the signer is reported as not checked against a trust root, which is no
failure. Nothing is fetched: no OCSP, no CRL, no certificate (revocation is not checked).

pikepdf is imported only for PDFs (to count pages and see whether one holds a signature),
pyHanko only for PDFs with a signature or marked signed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from memo_gen.errors import InputError, Problem, VerificationError
from memo_gen.official.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    OUTPUT_SUFFIXES,
    REWRITE,
    ManifestEntry,
    open_regular,
    parse_manifest,
    read_bounded,
)

if TYPE_CHECKING:
    import pikepdf
    from cryptography import x509
    from pyhanko.sign.validation import EmbeddedPdfSignature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

_CHUNK = 1024 * 1024

MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024
"""A certificate, or a bundle of a few, is a few kilobytes; anything far larger is the wrong
file."""

NOT_CHECKED = "not checked against a trust root (pass --trust CERT)"
"""What a passing signature's summary says of its signer when no trust roots were given."""

_TRUST_HINT = (
    "give --trust the certificate (PEM or DER) of the authority that issued the signing "
    "certificates"
)


def pdf_page_count(data: bytes) -> int:
    """The number of pages of a PDF; :class:`ValueError` if it does not open (without
    repairs)."""
    return _page_count(io.BytesIO(data))


def _page_count(stream: BinaryIO) -> int:
    return _read_pdf(stream)[0]


def _read_pdf(stream: BinaryIO) -> tuple[int, bool]:
    """A PDF's page count, and whether it holds a signature; :class:`ValueError` if it does not
    open (without repairs)."""
    import pikepdf  # here: a run that writes no manifest of a PDF never needs it

    try:
        # No recovery: a PDF that opens only once qpdf rebuilds it is not the file written.
        with pikepdf.open(stream, attempt_recovery=False) as pdf:
            return len(pdf.pages), _holds_signature(pdf)
    except (pikepdf.PdfError, RuntimeError, OSError) as exc:
        raise ValueError(f"does not open as a PDF: {_reason(exc)}") from exc


def _holds_signature(pdf: pikepdf.Pdf) -> bool:
    """Whether a field of the PDF's form is a signature field with a value (a signature).

    Seen with pikepdf, which has the file open already, so that a PDF without a signature
    never loads pyHanko. The field type is inherited from a parent field (ISO 32000-1,
    12.7.3.1)."""
    import pikepdf

    form = pdf.Root.get("/AcroForm")
    fields = form.get("/Fields") if isinstance(form, pikepdf.Dictionary) else None
    if not isinstance(fields, pikepdf.Array):
        return False
    pending: list[tuple[Any, Any]] = [(item, None) for item in fields]
    seen: set[tuple[int, int]] = set()
    while pending:
        item, inherited = pending.pop()
        if not isinstance(item, pikepdf.Dictionary):
            continue
        if item.is_indirect:
            if item.objgen in seen:  # a form whose /Kids loop back must not loop here
                continue
            seen.add(item.objgen)
        kind = item.get("/FT", inherited)
        if kind == "/Sig" and "/V" in item:
            return True
        kids = item.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            pending += [(kid, kind) for kid in kids]
    return False


def _reason(exc: Exception) -> str:
    """qpdf's message without the stream's name, which names a Python object."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    named = re.fullmatch(r"stream <[^>]*>(?: \(([^)]*)\))?: (.*)", reason)
    if named:
        reason = f"{named[2]} ({named[1]})" if named[1] else named[2]
    return reason[:200]


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF, as :func:`verify_folder` found it."""

    field_name: str
    """The name of the signature's form field (memo-gen's: ``Signature``)."""
    signer: str
    """The subject of the signing certificate (``CN=…,O=…``); empty if it cannot be read."""
    signed_at: dt.datetime | None
    """The signing time the signature states, in UTC; ``None`` if it states none."""
    trust_root: str | None
    """The subject of the trust root the signer's chain leads to; ``None`` when no trust
    roots were given, or when the chain leads to none of them (a problem then says so)."""
    problems: tuple[str, ...] = ()
    """What is wrong with the signature; none when it passes."""

    def summary(self) -> str:
        """What was checked of a passing signature, in one line."""
        when = f"signed {self.signed_at:%Y-%m-%d %H:%M} UTC" if self.signed_at else "signed"
        if self.trust_root is None:
            trust = f"signer {NOT_CHECKED}"
        else:
            trust = f"signer trusted (chain to {self.trust_root})"
        return (
            f'signature "{self.field_name}": intact, covers the entire file, {when} by '
            f"{self.signer} (certificate valid then); {trust}"
        )


@dataclass(frozen=True)
class VerifyReport:
    """What :func:`verify_folder` found: the files checked and one problem per file that
    does not match (files not in the manifest among them)."""

    manifest: Path
    checked: tuple[str, ...]
    """The names the manifest lists, in its order."""
    problems: tuple[Problem, ...] = ()
    """One per listed file that does not match, then one per file in :attr:`unlisted`."""
    unlisted: tuple[str, ...] = ()
    """``.pdf`` and ``.docx`` files in the folder that the manifest does not list."""
    signatures: Mapping[str, tuple[SignatureCheck, ...]] = field(default_factory=dict)
    """The signatures checked, by the name of their file: of every PDF marked signed or
    holding a signature that could be read (their problems are among :attr:`problems`)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def passed(self) -> tuple[str, ...]:
        """The names checked that match the manifest."""
        failed = {problem.path for problem in self.problems}
        return tuple(name for name in self.checked if name not in failed)

    def error(self) -> VerificationError | None:
        """The problems as one error (exit code 8), or ``None`` when every file matches."""
        if self.ok:
            return None
        count = len({problem.path for problem in self.problems})
        files = "1 file does" if count == 1 else f"{count} files do"
        return VerificationError(f"{files} not match {self.manifest}", self.problems)

    def raise_for_problems(self) -> None:
        """Raise :meth:`error`, if there is one."""
        error = self.error()
        if error is not None:
            raise error


def verify_folder(folder: Path, trust: Sequence[Path] = ()) -> VerifyReport:
    """Check the files in ``folder`` against its ``manifest.json``, and the signatures of its
    signed PDFs (against the certificates in the files ``trust``, if any). A change an
    interrupted memo-gen run began in the folder is finished first, and no memo-gen run
    changes the folder while it is checked (:func:`memo_gen.folder.settled`).

    :class:`InputError` if the manifest is missing, unreadable or not a manifest (an unsafe
    name included), or a ``trust`` file is missing, unreadable or holds no certificate."""
    from memo_gen.folder import settled

    trust_roots = load_trust_roots(trust)  # first: a broken --trust file is an error anyway
    with settled(folder):
        return _verify(folder, trust_roots)


def _verify(folder: Path, trust_roots: tuple[bytes, ...]) -> VerifyReport:
    where = folder / MANIFEST_NAME
    entries = parse_manifest(_read_manifest(where), str(where))
    problems: list[Problem] = []
    signatures: dict[str, tuple[SignatureCheck, ...]] = {}
    for entry in entries:
        message, checks = _check(folder / entry.name, entry, trust_roots)
        if message:
            problems.append(Problem(entry.name, message))
        if checks:
            signatures[entry.name] = checks
    unlisted = _unlisted(folder, {entry.name for entry in entries})
    problems += [
        Problem(name, "not in the manifest (a .pdf or .docx file memo-gen did not list)")
        for name in unlisted
    ]
    names = tuple(e.name for e in entries)
    return VerifyReport(where, names, tuple(problems), unlisted, signatures)


def load_trust_roots(paths: Sequence[Path]) -> tuple[bytes, ...]:
    """The certificates in the files ``paths`` (DER, or PEM with one or more), as DER;
    :class:`InputError` naming the file if one is missing, unreadable or holds no
    certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    roots: list[bytes] = []
    for path in paths:
        data = _read_certificate_file(path)
        try:
            if b"-----BEGIN" in data:
                certificates = x509.load_pem_x509_certificates(data)
            else:
                certificates = [x509.load_der_x509_certificate(data)]
        except ValueError as exc:
            raise InputError(
                f"{path}: not an X.509 certificate (PEM or DER); {_TRUST_HINT}"
            ) from exc
        roots += [certificate.public_bytes(Encoding.DER) for certificate in certificates]
    return tuple(roots)


def _read_certificate_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CERTIFICATE_FILE_BYTES + 1)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file; {_TRUST_HINT}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: a folder, not a certificate file; {_TRUST_HINT}") from exc
    except OSError as exc:
        raise InputError(
            f"{path}: cannot be read ({exc.strerror or exc}); check its permissions"
        ) from exc
    if len(data) > MAX_CERTIFICATE_FILE_BYTES:
        raise InputError(
            f"{path}: larger than {MAX_CERTIFICATE_FILE_BYTES // 1024} KiB, too large for a "
            f"certificate file; {_TRUST_HINT}"
        )
    return data


def _read_manifest(where: Path) -> bytes:
    try:
        # As for the files it lists: the manifest memo-gen wrote, not a link to another.
        data = read_bounded(where, follow=False)
    except FileNotFoundError as exc:
        raise InputError(
            f"{where}: no such file; give the folder memo-gen wrote the files to "
            "(memo-gen verify DIR), or render them again to write one"
        ) from exc
    except OSError as exc:
        if where.is_symlink():
            raise InputError(
                f"{where}: a symbolic link, not the manifest memo-gen wrote; verify the folder "
                "the files were written to"
            ) from exc
        raise InputError(
            f"{where}: cannot be read: {exc.strerror or exc}; check the file's permissions"
        ) from exc
    if len(data) > MAX_MANIFEST_BYTES:
        raise InputError(
            f"{where}: larger than {MAX_MANIFEST_BYTES:,} bytes, too large for a manifest; "
            f"{REWRITE}"
        )
    return data


def _check(
    path: Path, entry: ManifestEntry, trust_roots: tuple[bytes, ...]
) -> tuple[str | None, tuple[SignatureCheck, ...]]:
    """What differs between the file at ``path`` and its entry (``None``: nothing), and the
    signatures checked."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "missing", ()
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}", ()
    if stat.S_ISLNK(mode):
        return "a symbolic link, not the file memo-gen wrote", ()
    if not stat.S_ISREG(mode):
        return "not a regular file", ()
    differences: list[str] = []
    checks: tuple[SignatureCheck, ...] = ()
    try:
        # Without following links: the file checked is the one lstat saw, never elsewhere.
        with open_regular(path, follow=False) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size != entry.size:
                differences.append(f"size {size}, manifest says {entry.size}")
            digest = hashlib.sha256()
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != entry.sha256:
                differences.append(
                    f"sha256 differs: manifest {entry.sha256[:12]}…, "
                    f"file {digest.hexdigest()[:12]}…"
                )
            if entry.format == "pdf":
                handle.seek(0)
                found, checks = _check_pdf(handle, entry, trust_roots)
                differences += found
    except OSError as exc:
        differences.append(f"cannot be read: {exc.strerror or exc}")
    return "; ".join(differences) or None, checks


def _check_pdf(
    handle: BinaryIO, entry: ManifestEntry, trust_roots: tuple[bytes, ...]
) -> tuple[list[str], tuple[SignatureCheck, ...]]:
    """What differs between the PDF in ``handle`` and its entry: pages, and signatures (of a
    PDF marked signed or holding one); and the signatures checked."""
    try:
        pages, holds_signature = _read_pdf(handle)
    except ValueError as exc:
        return [str(exc)], ()
    differences: list[str] = []
    if entry.pages is not None and pages != entry.pages:
        differences.append(f"{pages} pages, manifest says {entry.pages}")
    if not entry.signed and not holds_signature:
        return differences, ()
    if not entry.signed:
        differences.append("holds a signature, but the manifest says unsigned")
    handle.seek(0)
    try:
        checks = _check_signatures(handle, trust_roots)
    except ValueError as exc:
        return [*differences, str(exc)], ()
    if entry.signed and not checks:
        differences.append("the manifest says signed, but the PDF holds no signature")
    differences += [
        f'signature "{check.field_name}": {problem}'
        for check in checks
        for problem in check.problems
    ]
    return differences, checks


# --- signatures (pyHanko) -------------------------------------------------------------------


def _check_signatures(
    handle: BinaryIO, trust_roots: tuple[bytes, ...]
) -> tuple[SignatureCheck, ...]:
    """Each signature of the PDF in ``handle``, validated; :class:`ValueError` if pyHanko
    cannot read the PDF's signatures."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    _quiet_pyhanko_logs()
    try:
        signatures = PdfFileReader(handle).embedded_signatures
    except Exception as exc:
        # The file is the input under test: whatever pyHanko trips over is a finding about
        # the file, never a crash of verify.
        raise ValueError(f"its signatures cannot be read: {_one_line(exc)}") from exc
    return tuple(_check_signature(signature, trust_roots) for signature in signatures)


def _check_signature(
    signature: EmbeddedPdfSignature, trust_roots: tuple[bytes, ...]
) -> SignatureCheck:
    """One signature: its bytes intact and the whole file covered, its certificate valid at
    the signing time it states, and, given trust roots, its chain leading to one of them."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    name = str(signature.field_name)
    try:
        certificate = _certificate(signature.signer_cert)
        stated = signature.self_reported_timestamp
        signed_at = stated.astimezone(dt.UTC) if stated is not None else None
        context = ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(root) for root in trust_roots],
            allow_fetching=False,  # no network: no OCSP, CRL or certificate is fetched
            # Nothing to check revocation with (memo-gen embeds no OCSP or CRL): not a failure.
            revocation_mode="soft-fail",
            # The chain is judged when the signature says it was made: a certificate that
            # expired since still vouches for it.
            moment=signed_at,
        )
        status = validate_pdf_signature(
            signature,
            context,
            key_usage_settings=_key_usage(signature),
            skip_diff=True,  # anything after the signature fails on coverage below
        )
    except Exception as exc:
        # As above: a signature pyHanko cannot take apart is a failed signature.
        return SignatureCheck(name, "", None, None, (f"cannot be validated: {_one_line(exc)}",))
    signer = certificate.subject.rfc4514_string()
    problems: list[str] = []
    if not status.intact:
        problems.append("the signed bytes were changed (their digest is not the one signed)")
    elif not status.valid:
        problems.append("the signature does not match the signer's key (forged or damaged)")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        problems.append(
            "covers only part of the file: something was added or changed after it was signed"
        )
    problems += _validity_problems(certificate, signed_at)
    trust_root = None
    if not problems:  # trust is judged of an otherwise sound signature only
        indic = status.trust_problem_indic
        indication = str(indic.standard_name) if indic is not None else None  # the AdES name
        if trust_roots and status.bottom_line and status.validation_path is not None:
            trust_root = _certificate(status.validation_path.first).subject.rfc4514_string()
        elif trust_roots or indication not in (None, "NO_CERTIFICATE_CHAIN_FOUND"):
            # Without trust roots no chain is ever found; anything else pyHanko objects to
            # (an algorithm it no longer accepts, say) is a failure all the same.
            problems.append(_untrusted(signer, indication))
    return SignatureCheck(name, signer, signed_at, trust_root, tuple(problems))


def _key_usage(signature: EmbeddedPdfSignature) -> KeyUsageConstraints:
    """The key usage :func:`memo_gen.official.signing.load_signer` accepts: digitalSignature
    or nonRepudiation, or no key usage extension at all (no restriction, RFC 5280 § 4.2.1.3).
    pyHanko's default asks for nonRepudiation."""
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    if signature.signer_cert.key_usage_value is None:
        return KeyUsageConstraints(key_usage=set())
    return KeyUsageConstraints(
        key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
    )


def _validity_problems(certificate: x509.Certificate, signed_at: dt.datetime | None) -> list[str]:
    """The signer's certificate was valid at the signing time the signature states."""
    if signed_at is None:
        return ["states no signing time, so its certificate's validity cannot be checked"]
    before, after = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if before <= signed_at <= after:
        return []
    return [
        f"the certificate of {certificate.subject.rfc4514_string()} was not valid when it "
        f"signed ({signed_at:%Y-%m-%d %H:%M} UTC; valid from {before:%Y-%m-%d %H:%M} to "
        f"{after:%Y-%m-%d %H:%M} UTC)"
    ]


_UNTRUSTED = {
    "NO_CERTIFICATE_CHAIN_FOUND": "the certificate of {signer} does not lead to a --trust root",
    "CHAIN_CONSTRAINTS_FAILURE": (
        "the certificate of {signer} is not fit for signing (its key usage, or a limit of its "
        "chain)"
    ),
    "EXPIRED": "a certificate in the chain of {signer} was not valid when it signed",
    "NOT_YET_VALID": "a certificate in the chain of {signer} was not valid when it signed",
    "REVOKED_NO_POE": "the certificate of {signer} is revoked",
    "REVOKED_CA_NO_POE": "a certificate in the chain of {signer} is revoked",
    "CRYPTO_CONSTRAINTS_FAILURE": "it uses an algorithm that is no longer accepted",
}
"""pyHanko's (AdES) reasons not to trust a signature, in words."""


def _untrusted(signer: str, indication: str | None) -> str:
    default = "the certificate of {signer} is not trusted (" + (indication or "no reason") + ")"
    return _UNTRUSTED.get(indication or "", default).format(signer=signer)


def _certificate(asn1_certificate: Any) -> x509.Certificate:
    """An asn1crypto certificate (pyHanko's) as a cryptography one, for its typed fields."""
    from cryptography import x509

    return x509.load_der_x509_certificate(asn1_certificate.dump())


@functools.cache
def _quiet_pyhanko_logs() -> None:
    """pyHanko logs each chain it cannot build as a warning with a traceback, and Python
    prints such records on stderr when no logging is set up. verify says what it found in its
    own words: a handler that drops the records (as a library should add itself) keeps them
    off stderr; a program that sets up logging still gets them."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).addHandler(logging.NullHandler())


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line (at most 200 characters), its type when it has
    none."""
    text = " ".join(str(exc).split())[:200]
    return text or type(exc).__name__


def _unlisted(folder: Path, listed: set[str]) -> tuple[str, ...]:
    """The names of ``.pdf`` and ``.docx`` files in ``folder`` not in ``listed``, sorted."""
    # Some file systems (macOS) list names decomposed; memo-gen writes them composed.
    known = {unicodedata.normalize("NFC", name) for name in listed}
    found = []
    try:
        children = list(os.scandir(folder))
    except OSError:
        return ()  # the manifest was read from it: a folder that vanished since is no finding
    for child in children:
        if Path(child.name).suffix.lower() not in OUTPUT_SUFFIXES:
            continue
        if child.is_dir(follow_symlinks=False):
            continue
        if unicodedata.normalize("NFC", child.name) not in known:
            found.append(child.name)
    return tuple(sorted(found))
