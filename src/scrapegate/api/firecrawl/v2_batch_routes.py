"""Firecrawl v2 batch scrape: start, status with Documents, cancel, errors.

Each route calls the batch service the AlterLab routes use; ids are the core batch ids and every
lookup is the caller's organization's (a foreign id is a 404).
"""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import (
    BatchServiceDep,
    PollingPrincipal,
    ReadPrincipal,
    ScrapeServiceDep,
    SettingsDep,
    ValidationDep,
    WritePrincipal,
)
from scrapegate.api.firecrawl.errors import FirecrawlRoute
from scrapegate.api.firecrawl.v2_crawl_models import (
    CancelResponse,
    JobError,
    JobErrorsResponse,
    JobStartedResponse,
    JobStatusResponse,
    V2BatchScrapeBody,
)
from scrapegate.api.firecrawl.v2_crawl_routes import finished_at_of
from scrapegate.api.firecrawl.v2_crawl_translate import plan_v2_batch
from scrapegate.api.firecrawl.v2_document import DocumentView
from scrapegate.api.firecrawl.v2_job_pages import (
    CORE_WINDOW,
    JobState,
    PageWindow,
    batch_status,
    job_error,
    status_response,
)
from scrapegate.api.firecrawl.v2_models import WireBody
from scrapegate.api.firecrawl.v2_routes import FIRECRAWL_BODY_LIMIT
from scrapegate.api.params import resource_id
from scrapegate.domain.principal import Principal
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.errors import ScrapegateError
from scrapegate.jobs.batch_service import BatchService
from scrapegate.jobs.batch_views import AnyBatchItem, BatchItemResult, BatchPage, FailedBatchItem
from scrapegate.jobs.scrape_service import ScrapeService

router = APIRouter(tags=["firecrawl"], route_class=FirecrawlRoute)
# When no item's request can be read back (all expired): Firecrawl's default output.
MARKDOWN_ONLY = DocumentView(
    markdown=True, html=False, raw_html=False, links=False, screenshot=False, cache_lookup=False
)


def _json(body: WireBody) -> Response:
    return JSONResponse(body.wire())


def batch_link(base: str, batch_id: str, version: str = "v2") -> str:
    return f"{base.rstrip('/')}/{version}/batch/scrape/{batch_id}"


def _result_of(item: AnyBatchItem) -> dict[str, Any] | None:
    return item.result if isinstance(item, BatchItemResult) else None


async def batch_items(
    batches: BatchService, who: Principal, batch_id: str, wanted: int | None
) -> tuple[BatchPage, list[AnyBatchItem]]:
    """The batch's first view and its items in order, read until ``wanted`` succeeded ones
    are in hand (None: all of them)."""
    offset, items, first = 0, list[AnyBatchItem](), None
    while True:
        page = await batches.status(
            who, batch_id, include_results=True, offset=offset, limit=CORE_WINDOW
        )
        first = first or page
        items.extend(page.items)
        found = sum(1 for item in items if _result_of(item) is not None)
        if page.next_offset is None or (wanted is not None and found >= wanted):
            return first, items
        offset = page.next_offset


async def view_of(
    scrapes: ScrapeService, who: Principal, items: list[AnyBatchItem]
) -> DocumentView:
    """Every item shares the batch's scrape options: one item's stored request tells them."""
    for item in items:
        if isinstance(item, BatchItemResult):
            with contextlib.suppress(ScrapegateError):  # kept for less time than the batch
                job = await scrapes.job_for(who.org_id, item.job_id)
                return DocumentView.of(ScrapeRequest.from_json(job.request))
    return MARKDOWN_ONLY


@router.post(
    "/v2/batch/scrape",
    summary="Firecrawl v2: scrape many URLs with the same options",
    response_class=JSONResponse,
    responses={200: {"model": JobStartedResponse, "description": "The batch's id"}},
    openapi_extra={"requestBody": json_body(V2BatchScrapeBody)},
)
async def start_batch(
    request: Request,
    who: WritePrincipal,
    batches: BatchServiceDep,
    validation: ValidationDep,
    settings: SettingsDep,
) -> Response:
    plan = plan_v2_batch(await read_json(request, FIRECRAWL_BODY_LIMIT), validation)
    source = request.headers.get("user-agent")
    accepted = await batches.submit(who, plan.request, source)
    invalid = list(plan.invalid_urls) if plan.invalid_urls is not None else None
    link = batch_link(settings.public_base_url, accepted.batch_id)
    return _json(JobStartedResponse(id=accepted.batch_id, url=link, invalid_urls=invalid))


@router.get(
    "/v2/batch/scrape/{batch_id}",
    summary="Firecrawl v2: batch status and one page of its Documents",
    response_class=JSONResponse,
    responses={200: {"model": JobStatusResponse, "description": "Status and Documents"}},
)
async def batch_status_page(
    batch_id: str,
    who: PollingPrincipal,
    batches: BatchServiceDep,
    scrapes: ScrapeServiceDep,
    settings: SettingsDep,
    skip: int = Query(0, description="successful documents to skip"),
    limit: int | None = Query(None, description="documents per page (at most 100)"),
) -> Response:
    window = PageWindow.of(skip, limit)
    base = settings.public_base_url
    return _json(await batch_status_answer(batch_id, who, batches, scrapes, window, base))


async def batch_status_answer(
    batch_id: str,
    who: Principal,
    batches: BatchService,
    scrapes: ScrapeService,
    window: PageWindow,
    base_url: str,
    version: str = "v2",
) -> JobStatusResponse:
    """A batch's status page; ``next`` points at the route of the asking ``version``."""
    first, items = await batch_items(batches, who, resource_id(batch_id, "Batch"), window.wanted)
    state = JobState(
        status=batch_status(first.status),
        completed=first.completed + first.failed,
        total=first.total_requests,
        microcents=first.credits_used,
        created_at=first.created_at,
        expires_at=first.expires_at,
        error="Every URL of the batch failed" if first.status == "failed" else None,
    )
    results = [result for item in items if (result := _result_of(item)) is not None]
    view = await view_of(scrapes, who, items)
    base = batch_link(base_url, first.batch_id, version)
    return status_response(state, results, view, window, base)


@router.delete(
    "/v2/batch/scrape/{batch_id}",
    summary="Firecrawl v2: cancel a batch's pending URLs (409 once it has finished)",
    response_class=JSONResponse,
    responses={200: {"model": CancelResponse, "description": "Cancelled"}},
)
async def cancel_batch(batch_id: str, who: WritePrincipal, batches: BatchServiceDep) -> Response:
    await batches.cancel(who, resource_id(batch_id, "Batch"))
    return _json(CancelResponse())


@router.get(
    "/v2/batch/scrape/{batch_id}/errors",
    summary="Firecrawl v2: a batch's failed URLs",
    response_class=JSONResponse,
    responses={200: {"model": JobErrorsResponse, "description": "Failed URLs"}},
)
async def batch_errors(
    batch_id: str, who: ReadPrincipal, batches: BatchServiceDep, scrapes: ScrapeServiceDep
) -> Response:
    return _json(await batch_errors_answer(batch_id, who, batches, scrapes))


async def batch_errors_answer(
    batch_id: str, who: Principal, batches: BatchService, scrapes: ScrapeService
) -> JobErrorsResponse:
    _, items = await batch_items(batches, who, resource_id(batch_id, "Batch"), None)
    errors: list[JobError] = []
    for item in items:
        if isinstance(item, FailedBatchItem):
            at = await finished_at_of(scrapes, who, item.job_id)
            errors.append(job_error(item.job_id, item.url, item.error_code, item.error, at))
    return JobErrorsResponse(errors=errors, robots_blocked=[])
