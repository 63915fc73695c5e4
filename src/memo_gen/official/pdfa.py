"""PDF/A-2b: memo-gen's ReportLab PDFs made fit for long-term archiving, in memory.

ReportLab already embeds every font (TrueType subsets), paints only DeviceRGB, uses no
transparency and writes a file /ID. What PDF/A-2b adds is done here with pikepdf, without
touching the page content: an sRGB output intent (``memo_gen/icc/sRGB.icc``), an XMP
metadata packet that says ``pdfaid:part 2, conformance B`` and repeats the document
information dictionary (/Info), annotations marked printable, no encryption. A PDF that
cannot be made conforming that way (a font not embedded, a hidden annotation) is refused
with an :class:`~memo_gen.errors.OutputError` rather than labelled PDF/A.

pikepdf is imported only when a conversion is asked for. A signature must come after the
conversion: converting rewrites the whole file, which would break it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from importlib import resources
from typing import TYPE_CHECKING, Any

from memo_gen.document import Metadata
from memo_gen.errors import OutputError

if TYPE_CHECKING:
    import pikepdf

__all__ = ["CONFORMANCE", "OUTPUT_CONDITION", "PART", "PDF_VERSION", "icc_profile", "to_pdfa"]

PART = 2
CONFORMANCE = "B"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
"""The output intent's condition: the registered name of the sRGB colour space."""
PDF_VERSION = "1.7"
"""The header version: PDF/A-2 is based on PDF 1.7 (ISO 32000-1), and allows 1.0 to 1.7."""

_REGISTRY = "http://www.color.org"
_TOOL = "memo-gen"

# Annotation flags (ISO 32000-1, table 165). PDF/A wants Print set and the other four clear.
_INVISIBLE, _HIDDEN, _PRINT, _NO_VIEW, _TOGGLE_NO_VIEW = 1, 2, 4, 32, 256
_NOT_SHOWN = _INVISIBLE | _HIDDEN | _NO_VIEW | _TOGGLE_NO_VIEW

# Characters XML 1.0 cannot hold (control characters, surrogates, U+FFFE and U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def icc_profile() -> bytes:
    """The sRGB ICC profile memo-gen ships for the output intent (see ``icc/README.md``)."""
    return resources.files("memo_gen").joinpath("icc", "sRGB.icc").read_bytes()


def to_pdfa(data: bytes, metadata: Metadata) -> bytes:
    """The PDF as PDF/A-2b: the same pages, plus an sRGB output intent and XMP metadata that
    agrees with the file's /Info (the document's ``metadata`` fills in what /Info lacks and
    gives the language). The same bytes and metadata always give the same bytes.

    Raises :class:`OutputError` if the PDF cannot be read or cannot be made PDF/A-2b.
    """
    import pikepdf

    out = io.BytesIO()
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            _require_intact(pdf)
            _require_embedded_fonts(pdf)
            _make_annotations_printable(pdf)
            _drop_empty_transitions(pdf)
            _set_output_intent(pdf)
            _write_metadata(pdf, metadata)
            pdf.save(
                out,
                encryption=False,
                deterministic_id=True,  # keeps /ID[0]; /ID[1] from the content, not the clock
                min_version=PDF_VERSION,
                object_stream_mode=pikepdf.ObjectStreamMode.disable,
                compress_streams=True,
                stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
                recompress_flate=False,
                normalize_content=False,
                linearize=False,
                qdf=False,
                fix_metadata_version=False,
                preserve_pdfa=True,
            )
            _require_intact(pdf)
    except pikepdf.PasswordError as exc:
        raise OutputError(
            "the PDF cannot be converted to PDF/A: it is encrypted with a password, and PDF/A "
            "forbids encryption; convert the unencrypted PDF"
        ) from exc
    except pikepdf.PdfError as exc:
        raise OutputError(
            f"the PDF cannot be converted to PDF/A: pikepdf cannot read it ({_qpdf(str(exc))}); "
            "render it again, and if this recurs, report it with the record"
        ) from exc
    return out.getvalue()


def _require_intact(pdf: pikepdf.Pdf) -> None:
    """Refuse a PDF qpdf had to repair to read or write: what it rebuilt may have lost pages,
    and a PDF/A file should be a faithful copy."""
    problems = pdf.get_warnings()
    if problems:
        raise OutputError(
            f"the PDF cannot be converted to PDF/A: it is damaged ({_qpdf(problems[0])}); "
            "render it again, and if this recurs, report it with the record"
        )


def _qpdf(message: str) -> str:
    # qpdf names an in-memory file by its Python repr, which says nothing and changes each run.
    return re.sub(r"^(stream )?<[^<>]* object at 0x[0-9a-fA-F]+>:?\s*", "", message)


def _require_embedded_fonts(pdf: pikepdf.Pdf) -> None:
    """Refuse a PDF with a font that is not embedded: PDF/A needs every glyph in the file."""
    missing = sorted({_font_name(font) for font in _fonts(pdf) if not _embedded(font)})
    if missing:
        raise OutputError(
            f"the PDF cannot be converted to PDF/A: {len(missing)} font(s) not embedded "
            f"({', '.join(missing)}); use a theme whose fonts are TrueType files"
        )


def _fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every font dictionary reachable from the document: on pages, in forms, in
    annotations' appearances, inside composite fonts."""
    import pikepdf

    containers = pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array
    stack: list[Any] = [pdf.Root]
    seen: set[tuple[int, int]] = set()
    while stack:
        obj = stack.pop()
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font:
                yield obj
            # /Parent only leads back up the page tree, already on the way down.
            children = [value for key, value in obj.items() if key != "/Parent"]
        stack.extend(child for child in children if isinstance(child, containers))


def _embedded(font: pikepdf.Dictionary) -> bool:
    # A composite font's glyphs are in its descendant, itself a font found on the walk; a
    # Type 3 font's glyphs are content streams of the file.
    if font.get("/Subtype") in ("/Type0", "/Type3"):
        return True
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _font_name(font: pikepdf.Dictionary) -> str:
    name = str(font.get("/BaseFont", "/unnamed")).lstrip("/")
    return re.sub(r"^[A-Z]{6}\+", "", name)  # the subset tag says nothing to the reader


def _make_annotations_printable(pdf: pikepdf.Pdf) -> None:
    """Set the Print flag PDF/A asks of every annotation; ReportLab's links are borderless, so
    a printout does not change. An annotation hidden on screen is refused: showing it would
    change the look."""
    import pikepdf

    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            if annotation.get("/Subtype") == pikepdf.Name.Popup:
                continue
            flags = int(annotation.get("/F", 0))
            if flags & _NOT_SHOWN:
                raise OutputError(
                    f"the PDF cannot be converted to PDF/A: page {number} has a hidden "
                    "annotation, which PDF/A forbids; remove it from the PDF"
                )
            annotation.F = flags | _PRINT


def _drop_empty_transitions(pdf: pikepdf.Pdf) -> None:
    """Remove the empty page transition ReportLab writes on every page: it means no more than
    no transition at all, and validators that know only the common page keys flag it."""
    for page in pdf.pages:
        transition = page.obj.get("/Trans")
        if transition is not None and len(transition.keys()) == 0:
            del page.obj.Trans


def _set_output_intent(pdf: pikepdf.Pdf) -> None:
    """Declare sRGB as the colour space the DeviceRGB colours of the pages mean."""
    import pikepdf

    profile = pdf.make_stream(icc_profile())
    profile.N = 3
    profile.Alternate = pikepdf.Name.DeviceRGB
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String(OUTPUT_CONDITION),
        RegistryName=pikepdf.String(_REGISTRY),
        Info=pikepdf.String(OUTPUT_CONDITION),
        DestOutputProfile=profile,
    )
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])


def _write_metadata(pdf: pikepdf.Pdf, metadata: Metadata) -> None:
    """Write the XMP packet from /Info, filling in /Info from ``metadata`` where it has no
    entry, so that the two say the same thing."""
    import pikepdf

    info = pdf.docinfo

    def text(key: str, fallback: str) -> str:
        value = str(info[key]) if key in info else ""
        # What XML cannot hold leaves /Info too, or the XMP packet (which drops it) would differ.
        value = _NOT_XML.sub("", value or fallback)
        if value:
            info[key] = pikepdf.String(value)
        elif key in info:
            del info[key]
        return value

    title = text("/Title", metadata.title)
    author = text("/Author", metadata.author)
    subject = text("/Subject", metadata.subject)
    keywords = text("/Keywords", ", ".join(metadata.keywords))
    creator = text("/Creator", _TOOL)
    producer = text("/Producer", "")
    created = _date(info, "/CreationDate", metadata.created)
    modified = _date(info, "/ModDate", created)

    # A fresh packet: nothing stale from an earlier one can contradict the claim.
    if "/Metadata" in pdf.Root:
        del pdf.Root.Metadata
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        if title:
            xmp["dc:title"] = title
        if author:
            xmp["dc:creator"] = [author]  # a one-item rdf:Seq, as /Author is one string
        if subject:
            xmp["dc:description"] = subject
        if keywords:
            # The keywords one by one when they make up /Keywords, else /Keywords whole.
            words = list(metadata.keywords)
            xmp["dc:subject"] = words if ", ".join(words) == keywords else [keywords]
            xmp["pdf:Keywords"] = keywords
        if metadata.language:
            xmp["dc:language"] = [metadata.language]
        if creator:
            xmp["xmp:CreatorTool"] = creator
        if producer:
            xmp["pdf:Producer"] = producer
        if created is not None:
            xmp["xmp:CreateDate"] = created.isoformat()
        if modified is not None:
            xmp["xmp:ModifyDate"] = modified.isoformat()
            xmp["xmp:MetadataDate"] = modified.isoformat()
        xmp["pdfaid:part"] = str(PART)
        xmp["pdfaid:conformance"] = CONFORMANCE
    if "/Lang" not in pdf.Root and metadata.language:
        pdf.Root.Lang = pikepdf.String(metadata.language)


def _date(info: pikepdf.Dictionary, key: str, fallback: dt.datetime | None) -> dt.datetime | None:
    """The instant of a date of /Info, else ``fallback``; /Info is rewritten in the canonical
    form, so that it and the XMP packet give the same instant to the second."""
    import pikepdf

    when = _parse_pdf_date(str(info[key])) if key in info else None
    when = when or (fallback.replace(microsecond=0) if fallback is not None else None)
    if when is None:
        if key in info:
            del info[key]
        return None
    info[key] = pikepdf.String(_format_pdf_date(when))
    return when


def _parse_pdf_date(text: str) -> dt.datetime | None:
    """A PDF date such as ``D:20250314000000+00'00'`` (ISO 32000-1, 7.9.4), to the second;
    ``None`` if it is not one. Fields left out take their lowest value (``D:2025`` is the
    start of 2025), as the standard says; ReportLab always writes them all."""
    from pikepdf.models.metadata import decode_pdf_date

    try:
        return decode_pdf_date(text.strip())
    except ValueError:  # not a date, or 20251341…, +99'00': digits, but no date or zone
        return None


def _format_pdf_date(when: dt.datetime) -> str:
    """``when`` as ReportLab writes a PDF date, ``D:20250314000000+00'00'``.

    pikepdf's ``encode_pdf_date`` writes the offset as ``+00'00``, without the closing
    apostrophe ReportLab writes: it is added back, so that /Info keeps the bytes it had
    (tests/golden, tests/test_pdfa.py).
    The dates here have whole-minute offsets (the record's date in UTC, or one read from
    /Info), which pikepdf writes as memo-gen did."""
    from pikepdf.models.metadata import encode_pdf_date

    text = encode_pdf_date(when)
    return f"{text}'" if when.utcoffset() is not None else text
