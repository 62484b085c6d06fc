"""Which target content types a request turns into output, and how."""

from __future__ import annotations

from dataclasses import dataclass

from scrapegate.convert import ConvertOptions
from scrapegate.convert.ocr import sniff_image_type
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.engine.documents import (
    DocumentOutcome,
    image_outcome,
    is_pdf,
    page_images_outcome,
    pdf_outcome,
    unsupported,
)
from scrapegate.engine.escalation import Accepted
from scrapegate.fetchers.base import Fetcher


@dataclass(frozen=True)
class DocumentDeps:
    ocr_ready: bool
    image_fetcher: Fetcher | None  # downloads page images for advanced.ocr
    policy: NetPolicy


async def process_document(
    req: ScrapeRequest, accepted: Accepted, options: ConvertOptions, deps: DocumentDeps
) -> DocumentOutcome:
    page = accepted.page
    if req.formats == ("raw",):
        return DocumentOutcome(accepted.converted)
    if req.mode == "pdf":
        if not is_pdf(page):
            raise unsupported(page, 'mode "pdf" needs a PDF document at the URL')
        return await pdf_outcome(req, page, options, deps.ocr_ready)
    if req.mode == "ocr":
        return await _ocr_mode(req, accepted, options)
    if page.text is not None:
        if req.advanced.ocr and page.is_html and accepted.converted is not None:
            if deps.image_fetcher is None:
                return DocumentOutcome(accepted.converted)
            return await page_images_outcome(
                req, page, accepted.converted, deps.image_fetcher, deps.policy
            )
        return DocumentOutcome(accepted.converted)
    if is_pdf(page) and req.mode == "auto":
        return await pdf_outcome(req, page, options, deps.ocr_ready)
    if (page.response.media_type or "").startswith("image/"):
        raise unsupported(page, 'Images can only be processed with mode "ocr".')
    raise unsupported(
        page,
        f"Content type {page.response.media_type or 'unknown'} is not "
        'supported; request formats=["raw"] to get the bytes.',
    )


async def _ocr_mode(
    req: ScrapeRequest, accepted: Accepted, options: ConvertOptions
) -> DocumentOutcome:
    page = accepted.page
    if is_pdf(page):
        return await pdf_outcome(req, page, options, ocr_ready=True)
    if sniff_image_type(page.response.body) is not None:
        return await image_outcome(req, page, options)
    raise unsupported(page, 'mode "ocr" needs an image (PNG, JPEG, WebP, GIF, TIFF) or a PDF')
