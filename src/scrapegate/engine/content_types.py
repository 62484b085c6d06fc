"""Which target content types a request can turn into output (spec core-api §7, content types)."""

from __future__ import annotations

from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.engine.attempts import FetchedPage
from scrapegate.errors import FeatureUnavailable, UnsupportedContentType


def check_content_type(req: ScrapeRequest, page: FetchedPage) -> None:
    if page.text is not None or req.formats == ("raw",):
        return
    media = page.response.media_type or "application/octet-stream"
    if media == "application/pdf" or page.response.body.startswith(b"%PDF-"):
        raise FeatureUnavailable(
            'PDF parsing is not available on this server yet; request formats=["raw"] to get '
            "the document bytes.",
            "pdf",
        )
    if media.startswith("image/"):
        raise UnsupportedContentType(
            'Images can only be processed with mode "ocr".', {"content_type": media}
        )
    raise UnsupportedContentType(
        f'Content type {media} is not supported; request formats=["raw"] to get the bytes.',
        {"content_type": media},
    )
