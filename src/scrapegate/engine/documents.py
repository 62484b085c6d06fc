"""PDFs and images after a tier accepted them: text, markdown and OCR."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from dataclasses import dataclass

from scrapegate.convert import Converted, ConvertOptions
from scrapegate.convert.ocr import ocr_image, page_ocr, sniff_image_type
from scrapegate.convert.pdf import PdfDocument, looks_like_pdf, read_pdf
from scrapegate.convert.textdocs import convert_text_document
from scrapegate.domain.document_extras import OcrResultItem, PdfMetadata
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.engine.attempts import FetchedPage
from scrapegate.errors import ScrapegateError, UnsupportedContentType
from scrapegate.fetchers.base import Fetcher, FetchError, FetchRequest

MAX_PAGE_IMAGES = 20
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\((\S+?)(?:\s+\"[^\"]*\")?\)")


@dataclass
class DocumentOutcome:
    converted: Converted | None
    pdf_metadata: PdfMetadata | None = None
    ocr_results: list[OcrResultItem] | None = None  # None: no OCR ran; [] is still sent
    ocr_used: bool = False  # False with an OCR add-on: nothing was OCR'd, the add-on is refunded


def is_pdf(page: FetchedPage) -> bool:
    return page.response.media_type == "application/pdf" or looks_like_pdf(page.response.body)


def formats_of(req: ScrapeRequest) -> list[str]:
    return [f for f in (req.formats or ("markdown",)) if f != "raw"]


async def pdf_outcome(
    req: ScrapeRequest, page: FetchedPage, options: ConvertOptions, ocr_ready: bool
) -> DocumentOutcome:
    ocr = page_ocr(req.ocr_language) if ocr_ready else None
    doc = await asyncio.to_thread(read_pdf, page.response.body, ocr=ocr)
    body = doc.markdown if req.pdf_format == "markdown" else doc.text
    converted = convert_text_document(
        body, kind="text", url=page.response.url, formats=formats_of(req), options=options
    )
    converted = _with_pdf_fields(converted, doc, page.response.url)
    ocr_used = any(not p.has_text_layer for p in doc.pages)
    return DocumentOutcome(converted, pdf_metadata=doc.metadata, ocr_used=ocr_used)


def _with_pdf_fields(converted: Converted, doc: PdfDocument, url: str) -> Converted:
    formats = dict(converted.formats)
    if "json" in formats:
        formats["json"] = doc.page_json(url)
    if "text" in formats:
        formats["text"] = doc.text
    metadata = {
        **converted.metadata,
        "title": doc.metadata.get("title"),
        "author": doc.metadata.get("author"),
        "published_at": doc.metadata.get("created_at"),
    }
    return dataclasses.replace(
        converted,
        formats=formats,
        metadata=metadata,
        title=metadata["title"],
        author=metadata["author"],
        published_at=metadata["published_at"],
    )


async def image_outcome(
    req: ScrapeRequest, page: FetchedPage, options: ConvertOptions
) -> DocumentOutcome:
    result = await ocr_image(page.response.body, req.ocr_language)
    converted = convert_text_document(
        result.text, kind="text", url=page.response.url, formats=formats_of(req), options=options
    )
    return DocumentOutcome(
        converted, ocr_results=[result.as_item(page.response.url)], ocr_used=True
    )


async def page_images_outcome(
    req: ScrapeRequest, page: FetchedPage, converted: Converted, fetcher: Fetcher, policy: NetPolicy
) -> DocumentOutcome:
    """``advanced.ocr`` on an HTML page: OCR the images of its main content."""
    results: list[OcrResultItem] = []
    for url in _image_urls(converted.markdown):
        data = await _download(fetcher, policy, url)
        if data is None or sniff_image_type(data) is None:
            continue
        try:
            result = await ocr_image(data, req.ocr_language)
        except ScrapegateError:
            continue  # one unreadable image does not fail the scrape
        results.append(result.as_item(url))
    return DocumentOutcome(converted, ocr_results=results, ocr_used=bool(results))


def _image_urls(markdown: str) -> list[str]:
    urls = [u for u in MARKDOWN_IMAGE.findall(markdown) if u.startswith(("http://", "https://"))]
    return list(dict.fromkeys(urls))[:MAX_PAGE_IMAGES]


async def _download(fetcher: Fetcher, policy: NetPolicy, url: str) -> bytes | None:
    try:
        response = await fetcher.fetch(
            FetchRequest(url=url, policy=policy, timeout_s=15, max_response_bytes=MAX_IMAGE_BYTES)
        )
    except (FetchError, ScrapegateError):
        return None
    if response.status_code >= 400 or response.truncated:
        return None
    return response.body


def unsupported(page: FetchedPage, detail: str) -> UnsupportedContentType:
    media = page.response.media_type or "application/octet-stream"
    return UnsupportedContentType(detail, {"content_type": media})
