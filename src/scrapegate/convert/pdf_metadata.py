"""What a PDF's Info dictionary says about it (the source of the ``pdf_metadata`` object)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

# D:YYYYMMDDHHmmSSOHH'mm' where everything after the year is optional (PDF 32000-1, 7.9.4).
_PDF_DATE = re.compile(
    r"^(?:D:)?(?P<year>\d{4})(?P<month>\d{2})?(?P<day>\d{2})?(?P<hour>\d{2})?(?P<minute>\d{2})?"
    r"(?P<second>\d{2})?(?:(?P<sign>[Zz+\-])(?:(?P<tzh>\d{2})'?(?:(?P<tzm>\d{2})'?)?)?)?"
)


@dataclass(frozen=True)
class PdfInfo:
    """Dates are ISO-8601 UTC; ``modified_at`` feeds the page JSON, not ``pdf_metadata``."""

    num_pages: int
    title: str | None
    author: str | None
    created_at: str | None
    producer: str | None
    encrypted: bool
    modified_at: str | None


def parse_pdf_date(value: str | None) -> str | None:
    """A PDF date as ISO-8601 UTC with milliseconds and ``Z``; None when absent or invalid."""
    if not value:
        return None
    match = _PDF_DATE.match(value.strip())
    if match is None:
        return None
    parts = match.groupdict()
    offset = timedelta(0)
    if parts["sign"] in ("+", "-"):
        offset = timedelta(hours=int(parts["tzh"] or 0), minutes=int(parts["tzm"] or 0))
        if parts["sign"] == "-":
            offset = -offset
    try:
        moment = datetime(
            int(parts["year"]),
            int(parts["month"] or 1),
            int(parts["day"] or 1),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            tzinfo=timezone(offset),
        )
    except ValueError:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", "").strip()
    return text or None


def is_encrypted(document: pdfium.PdfDocument) -> bool:
    """True for documents with a security handler that opened without a password
    (owner-password-only permissions); password-protected ones never get this far."""
    return bool(pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1)


def document_metadata(document: pdfium.PdfDocument, num_pages: int) -> PdfInfo:
    info = document.get_metadata_dict(skip_empty=True)
    return PdfInfo(
        num_pages=num_pages,
        title=_clean(info.get("Title")),
        author=_clean(info.get("Author")),
        created_at=parse_pdf_date(_clean(info.get("CreationDate"))),
        producer=_clean(info.get("Producer")),
        encrypted=is_encrypted(document),
        modified_at=parse_pdf_date(_clean(info.get("ModDate"))),
    )
