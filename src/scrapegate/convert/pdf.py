"""PDF to text and markdown with PDFium; OCR for pages without text.

Output conventions:
- ``markdown``: pages in order; every page after the first starts with a ``<!-- page N -->``
  marker line (an HTML comment, invisible when rendered). Headings come from font size (the
  largest heading size is ``#``), bold body-size lines become the next level; aligned multi-column
  rows become pipe tables; bullet lines become ``-`` lists; monospaced runs become fenced code
  blocks. Reading order is PDFium's (content-stream) order.
- ``text``: pages joined by ``"\\n\\f\\n"`` (a form feed on its own line); blocks separated by a
  blank line, list items prefixed ``- ``, table rows tab-separated.
- Documents longer than ``max_pages``: only the first ``max_pages`` pages are read; ``metadata``
  then holds ``"truncated": true`` and ``"pages_read"`` while ``num_pages`` keeps the real count.
- With ``ocr``, pages without text, or with under ``SCANNED_PAGE_MAX_CHARS`` characters over an
  image (a stamped scan), are rendered and OCR'd; their text is the OCR text and
  ``has_text_layer`` is False.
- Bare page numbers and running headers/footers are removed (``pdf_layout.strip_running_lines``).
- Pages whose OCR failed are listed in ``metadata["ocr_failed_pages"]``, pages PDFium could not
  load in ``metadata["unreadable_pages"]`` (both only when non-empty; when no page at all can
  be loaded the PDF is ``corrupt_pdf``).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

from scrapegate.convert.pagejson import PdfPageJson
from scrapegate.convert.pdf_layout import (
    Block,
    TextLine,
    assign_headings,
    page_blocks,
    strip_running_lines,
)
from scrapegate.convert.pdf_metadata import PdfInfo, document_metadata
from scrapegate.convert.pdf_render import block_markdown, block_text, escape_markdown, join_blocks
from scrapegate.convert.pdf_textpage import PDFIUM_LOCK, read_lines
from scrapegate.domain.document_extras import PdfMetadata
from scrapegate.errors import UnsupportedContentType

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"
MAX_PAGES = 500
PAGE_MARKER = "<!-- page {number} -->"
TEXT_PAGE_SEPARATOR = "\n\f\n"
OCR_RENDER_DPI = 300
# Caps the rendered bitmap of very large pages (memory is width × height bytes in grayscale).
MAX_RENDER_SIDE_PX = 5000

# A page with fewer visible characters than this over an image is treated as a scan and OCR'd.
SCANNED_PAGE_MAX_CHARS = 20

PageOcr = Callable[[bytes], str]


@dataclass(frozen=True)
class PdfPage:
    number: int
    text: str
    markdown: str
    has_text_layer: bool


@dataclass(frozen=True)
class PdfDocument:
    pages: tuple[PdfPage, ...]
    metadata: PdfMetadata
    markdown: str
    text: str
    modified_at: str | None = field(default=None)

    def page_json(self, url: str) -> PdfPageJson:
        """The ``json`` format for PDFs."""
        return {
            "@type": "DigitalDocument",
            "page": {
                "url": url,
                "title": self.metadata["title"],
                "description": None,
                "language": None,
                "canonical_url": None,
                "author": self.metadata["author"],
                "published_at": self.metadata["created_at"],
                "modified_at": self.modified_at,
                "site_name": None,
                "image": None,
                "favicon": None,
            },
            "pdf": self.metadata.copy(),
            "pages": [{"number": p.number, "text": p.text} for p in self.pages],
            "main_text": self.text,
        }


@dataclass(frozen=True)
class _RawPage:
    """One page before layout: its text lines, or OCR text for pages without a text layer."""

    number: int
    lines: tuple[TextLine, ...]
    ocr_text: str | None = None
    ocr_failed: bool = False
    unreadable: bool = False


def _unsupported(detail: str, reason: str) -> UnsupportedContentType:
    return UnsupportedContentType(detail, {"reason": reason, "content_type": PDF_CONTENT_TYPE})


def _open_document(data: bytes) -> pdfium.PdfDocument:
    if not data:
        raise _unsupported("The PDF is empty.", "corrupt_pdf")
    try:
        with PDFIUM_LOCK:
            return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (
            pdfium_c.FPDF_ERR_PASSWORD,
            pdfium_c.FPDF_ERR_SECURITY,
        ):
            raise _unsupported(
                "The PDF is encrypted (password-protected) and cannot be read.", "encrypted_pdf"
            ) from exc
        raise _unsupported(f"The PDF could not be read: {exc}", "corrupt_pdf") from exc


def _render_png(page: pdfium.PdfPage) -> bytes:
    width, height = page.get_size()
    scale = min(OCR_RENDER_DPI / 72, MAX_RENDER_SIDE_PX / max(width, height, 1.0))
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        buffer = io.BytesIO()
        # The PIL image shares the bitmap's memory: encode before closing the bitmap.
        bitmap.to_pil().save(buffer, format="PNG")
    finally:
        bitmap.close()
    return buffer.getvalue()


def _has_image(page: pdfium.PdfPage) -> bool:
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        page_object = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(page_object) == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return True
    return False


def _looks_scanned(page: pdfium.PdfPage, lines: Sequence[TextLine]) -> bool:
    """No text layer, or only a stamp-sized one (page number, "Confidential") over an image."""
    if not lines:
        return True
    visible = sum(len(line.text.replace(" ", "")) for line in lines)
    return visible < SCANNED_PAGE_MAX_CHARS and _has_image(page)


def _page_lines_or_image(
    document: pdfium.PdfDocument, index: int, want_image: bool
) -> tuple[list[TextLine], bytes | None]:
    """The page's text lines; for scanned pages, when ``want_image``, also a PNG rendering."""
    with PDFIUM_LOCK:
        page = document[index]
        try:
            textpage = page.get_textpage()
            try:
                lines = read_lines(textpage.raw)
            finally:
                textpage.close()
            scanned = want_image and _looks_scanned(page, lines)
            image = _render_png(page) if scanned else None
        finally:
            page.close()
    return lines, image


def _run_ocr(ocr: PageOcr, image: bytes, number: int) -> tuple[str | None, bool]:
    try:
        return ocr(image).strip(), False
    except Exception:
        # One failed page must not lose the rest of the document.
        logger.warning("OCR of PDF page %d failed", number, exc_info=True)
        return None, True


def _read_page(document: pdfium.PdfDocument, index: int, ocr: PageOcr | None) -> _RawPage:
    number = index + 1
    try:
        lines, image = _page_lines_or_image(document, index, ocr is not None)
    except pdfium.PdfiumError as exc:
        logger.warning("PDF page %d could not be loaded: %s", number, exc)
        return _RawPage(number, (), unreadable=True)
    if image is None or ocr is None:
        return _RawPage(number, tuple(lines))
    text, failed = _run_ocr(ocr, image, number)
    return _RawPage(number, (), ocr_text=text, ocr_failed=failed)


def _ocr_page(raw: _RawPage) -> PdfPage:
    paragraphs = [p.strip() for p in (raw.ocr_text or "").split("\n\n") if p.strip()]
    text = "\n\n".join(paragraphs)
    markdown = "\n\n".join(escape_markdown(p) for p in paragraphs)
    return PdfPage(raw.number, text, markdown, has_text_layer=False)


def _layout_pages(raw_pages: Sequence[_RawPage]) -> list[PdfPage]:
    kept_lines = strip_running_lines([raw.lines for raw in raw_pages])
    blocks_by_page: list[list[Block]] = [page_blocks(lines) for lines in kept_lines]
    with_headings = assign_headings(blocks_by_page)
    pages: list[PdfPage] = []
    for raw, blocks in zip(raw_pages, with_headings, strict=True):
        if raw.ocr_text is not None or raw.ocr_failed:
            pages.append(_ocr_page(raw))
            continue
        text = join_blocks(blocks, block_text)
        markdown = join_blocks(blocks, block_markdown)
        pages.append(PdfPage(raw.number, text, markdown, has_text_layer=bool(raw.lines)))
    return pages


def _join_markdown(pages: Sequence[PdfPage]) -> str:
    parts: list[str] = []
    for page in pages:
        if page.number > 1:
            parts.append(PAGE_MARKER.format(number=page.number))
        if page.markdown:
            parts.append(page.markdown)
    return "\n\n".join(parts)


def _read_all(
    document: pdfium.PdfDocument, max_pages: int, ocr: PageOcr | None
) -> tuple[PdfInfo, list[_RawPage]]:
    with PDFIUM_LOCK:
        total = len(document)
        info = document_metadata(document, total)
    count = min(total, max(max_pages, 0))
    raw_pages = [_read_page(document, index, ocr) for index in range(count)]
    if raw_pages and all(raw.unreadable for raw in raw_pages):
        raise _unsupported("The PDF could not be read: no page could be loaded.", "corrupt_pdf")
    return info, raw_pages


def _pdf_metadata(info: PdfInfo, raw_pages: Sequence[_RawPage]) -> PdfMetadata:
    metadata: PdfMetadata = {
        "num_pages": info.num_pages,
        "title": info.title,
        "author": info.author,
        "created_at": info.created_at,
        "producer": info.producer,
        "encrypted": info.encrypted,
    }
    if len(raw_pages) < info.num_pages:
        metadata["truncated"] = True
        metadata["pages_read"] = len(raw_pages)
    unreadable = [raw.number for raw in raw_pages if raw.unreadable]
    if unreadable:
        metadata["unreadable_pages"] = unreadable
    failed = [raw.number for raw in raw_pages if raw.ocr_failed]
    if failed:
        metadata["ocr_failed_pages"] = failed
    return metadata


def read_pdf(data: bytes, *, max_pages: int = MAX_PAGES, ocr: PageOcr | None = None) -> PdfDocument:
    """Text, markdown and metadata of a PDF. ``ocr`` turns a PNG of a page without a text layer
    into text. Raises ``UnsupportedContentType`` (reason ``encrypted_pdf`` or ``corrupt_pdf``).

    Blocking (PDFium and OCR work); run it in a worker thread from async code.
    """
    document = _open_document(data)
    try:
        info, raw_pages = _read_all(document, max_pages, ocr)
    except pdfium.PdfiumError as exc:
        raise _unsupported(f"The PDF could not be read: {exc}", "corrupt_pdf") from exc
    finally:
        with PDFIUM_LOCK:
            document.close()
    pages = _layout_pages(raw_pages)
    return PdfDocument(
        pages=tuple(pages),
        metadata=_pdf_metadata(info, raw_pages),
        markdown=_join_markdown(pages),
        text=TEXT_PAGE_SEPARATOR.join(page.text for page in pages),
        modified_at=info.modified_at,
    )


def looks_like_pdf(data: bytes) -> bool:
    """A ``%PDF-`` signature within the first 1,024 bytes (readers tolerate leading junk)."""
    return b"%PDF-" in data[:1024]
