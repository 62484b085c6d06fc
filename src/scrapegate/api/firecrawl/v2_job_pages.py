"""A crawl's or a batch's state as Firecrawl reports it, with one page of its Documents.

Firecrawl pages over *successful* documents (``skip``/``limit``), while the core pages over all
of a job's pages or items; the helpers here read core windows until the asked page is full.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import orjson

from scrapegate.api.firecrawl.v2_crawl_models import JobError, JobStatus, JobStatusResponse
from scrapegate.api.firecrawl.v2_document import CREDIT_MICROCENTS, DocumentView, document_from
from scrapegate.api.firecrawl.v2_models import Document
from scrapegate.domain.scrape_document import ScrapeResultDocument
from scrapegate.domain.timefmt import iso
from scrapegate.errors import InvalidRequest

PAGE_MAX_DOCUMENTS = 100
PAGE_MAX_BYTES = 10 * 1024 * 1024
CORE_WINDOW = 200  # core pages/items read per lookup while filling a Firecrawl page
RESULT_TTL = timedelta(hours=24)  # how long the core keeps a finished crawl or batch
CRAWL_STATUSES: dict[str, JobStatus] = {
    "discovering": "scraping",
    "running": "scraping",
    "completed": "completed",
    "partial": "completed",
    "failed": "failed",
}
BATCH_STATUSES: dict[str, JobStatus] = {
    "pending": "scraping",
    "running": "scraping",
    "completed": "completed",
    "failed": "failed",
    "cancelled": "cancelled",
}


@dataclass(frozen=True)
class PageWindow:
    """``skip`` documents, then at most ``limit`` (None: as many as fit, at most 100)."""

    skip: int = 0
    limit: int | None = None

    @classmethod
    def of(cls, skip: int, limit: int | None) -> PageWindow:
        if skip < 0:
            raise InvalidRequest("skip must not be negative", "skip")
        if limit is not None and limit <= 0:
            raise InvalidRequest("limit must be greater than 0", "limit")
        return cls(skip, limit)

    @property
    def size(self) -> int:
        return min(self.limit or PAGE_MAX_DOCUMENTS, PAGE_MAX_DOCUMENTS)

    @property
    def wanted(self) -> int:
        """Successful documents to find: this page's, and one more to know if a next exists."""
        return self.skip + self.size + 1


@dataclass(frozen=True)
class JobState:
    """What every status answer reports, from the core view of a crawl or a batch."""

    status: JobStatus
    completed: int  # pages or items finished, successfully or not
    total: int
    microcents: int
    created_at: datetime
    expires_at: datetime | None
    error: str | None = None


def crawl_status(core_status: str, cancelled: bool) -> JobStatus:
    return "cancelled" if cancelled else CRAWL_STATUSES.get(core_status, "scraping")


def batch_status(core_status: str) -> JobStatus:
    return BATCH_STATUSES.get(core_status, "scraping")


def credits_used(microcents: int) -> int:
    return math.ceil(microcents / CREDIT_MICROCENTS)


def expires_at(created_at: datetime, expires: datetime | None) -> str:
    """While running, a day from the start; once finished, the core's own expiry."""
    stamp = iso(expires or created_at + RESULT_TTL)
    assert stamp is not None  # a datetime always formats
    return stamp


def next_url(base: str, window: PageWindow, shown: int) -> str:
    query = f"skip={window.skip + shown}"
    return f"{base}?{query}&limit={window.limit}" if window.limit is not None else f"{base}?{query}"


def documents_page(
    results: Sequence[dict[str, Any]], view: DocumentView, window: PageWindow
) -> list[Document]:
    """The window's documents, stopping before the page would pass 10 MiB (never empty)."""
    documents: list[Document] = []
    size = 0
    for result in results[window.skip : window.skip + window.size]:
        document = document_from(cast(ScrapeResultDocument, result), view)
        size += len(orjson.dumps(document.wire()))
        if documents and size > PAGE_MAX_BYTES:
            break
        documents.append(document)
    return documents


def status_response(
    state: JobState,
    results: Sequence[dict[str, Any]],
    view: DocumentView,
    window: PageWindow,
    base_url: str,
) -> JobStatusResponse:
    """``next`` only when documents exist beyond this page now; ``error`` only on failure.
    Once the job ended every page counts as done: pages a cancel kept from running too."""
    data = documents_page(results, view, window)
    more = len(results) > window.skip + len(data)
    failed = state.status == "failed"
    return JobStatusResponse(
        status=state.status,
        completed=state.completed if state.status == "scraping" else state.total,
        total=state.total,
        credits_used=credits_used(state.microcents),
        expires_at=expires_at(state.created_at, state.expires_at),
        next=next_url(base_url, window, len(data)) if more else None,
        data=data,
        error=(state.error or "The job failed") if failed else None,
    )


def job_error(
    job_id: str, url: str, code: str | None, message: str | None, at: datetime | None
) -> JobError:
    return JobError(
        id=job_id, timestamp=iso(at), url=url, code=code, error=message or code or "Failed"
    )
