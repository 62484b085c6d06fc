"""Firecrawl v2 crawl: start, status with Documents, cancel, errors, active crawls.

Each route calls the crawl service the AlterLab routes use; ids are the core crawl ids and every
lookup is the caller's organization's (a foreign id is a 404).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import (
    CrawlServiceDep,
    PollingPrincipal,
    ReadPrincipal,
    ScrapeServiceDep,
    SettingsDep,
    ValidationDep,
    WritePrincipal,
)
from scrapegate.api.firecrawl.errors import FirecrawlRoute
from scrapegate.api.firecrawl.v2_crawl_models import (
    ActiveCrawl,
    ActiveCrawlsResponse,
    CancelResponse,
    JobError,
    JobErrorsResponse,
    JobStartedResponse,
    JobStatusResponse,
    V2CrawlBody,
)
from scrapegate.api.firecrawl.v2_crawl_translate import plan_v2_crawl
from scrapegate.api.firecrawl.v2_document import DocumentView
from scrapegate.api.firecrawl.v2_job_pages import (
    CORE_WINDOW,
    JobState,
    PageWindow,
    crawl_status,
    job_error,
    status_response,
)
from scrapegate.api.firecrawl.v2_models import WireBody
from scrapegate.api.firecrawl.v2_routes import FIRECRAWL_BODY_LIMIT
from scrapegate.api.params import resource_id
from scrapegate.domain.crawl_request import crawl_from_options
from scrapegate.domain.principal import Principal
from scrapegate.domain.request_documents import CrawlOptionsDocument
from scrapegate.domain.timefmt import iso
from scrapegate.errors import ScrapegateError
from scrapegate.jobs.crawl_service import CrawlService
from scrapegate.jobs.crawl_views import CrawlPageResult, CrawlPageView, CrawlResultsView
from scrapegate.jobs.scrape_service import ScrapeService

router = APIRouter(tags=["firecrawl"], route_class=FirecrawlRoute)
ACTIVE_LISTED = 100
# The stored core options shown back under Firecrawl's names in the active-crawls list.
ACTIVE_OPTIONS: dict[str, Callable[[CrawlOptionsDocument], object]] = {
    "limit": lambda o: o["max_pages"],
    "maxDiscoveryDepth": lambda o: o["max_depth"],
    "sitemap": lambda o: o["sitemap"],
    "allowExternalLinks": lambda o: o["allow_external_links"],
    "allowSubdomains": lambda o: o["include_subdomains"],
    "ignoreRobotsTxt": lambda o: not o["respect_robots"],
    "ignoreQueryParameters": lambda o: o["ignore_query_parameters"],
    "deduplicateSimilarURLs": lambda o: o["deduplicate_similar_urls"],
    "maxConcurrency": lambda o: o["max_concurrency"],
    "delay": lambda o: o["delay"],
}


def _json(body: WireBody) -> Response:
    return JSONResponse(body.wire())


def crawl_link(base: str, crawl_id: str, version: str = "v2") -> str:
    return f"{base.rstrip('/')}/{version}/crawl/{crawl_id}"


async def crawl_pages(
    crawls: CrawlService, who: Principal, crawl_id: str, wanted: int | None
) -> tuple[CrawlResultsView, list[CrawlPageView]]:
    """The crawl's first view and its pages in order, read until ``wanted`` succeeded ones
    are in hand (None: all of them)."""
    offset, pages, first = 0, list[CrawlPageView](), None
    while True:
        view = await crawls.status(
            who, crawl_id, include_results=True, offset=offset, limit=CORE_WINDOW
        )
        assert isinstance(view, CrawlResultsView)  # include_results gives the pages
        first = first or view
        pages.extend(view.pages)
        found = sum(1 for page in pages if _result_of(page) is not None)
        if view.next_offset is None or (wanted is not None and found >= wanted):
            return first, pages
        offset = view.next_offset


def _result_of(page: CrawlPageView) -> dict[str, object] | None:
    return page.result if isinstance(page, CrawlPageResult) else None


@router.post(
    "/v2/crawl",
    summary="Firecrawl v2: start a crawl",
    response_class=JSONResponse,
    responses={200: {"model": JobStartedResponse, "description": "The crawl's id"}},
    openapi_extra={"requestBody": json_body(V2CrawlBody)},
)
async def start_crawl(
    request: Request,
    who: WritePrincipal,
    crawls: CrawlServiceDep,
    validation: ValidationDep,
    settings: SettingsDep,
) -> Response:
    plan = plan_v2_crawl(await read_json(request, FIRECRAWL_BODY_LIMIT), validation)
    started = await crawls.start(who, plan.request)
    link = crawl_link(settings.public_base_url, started.crawl_id)
    return _json(JobStartedResponse(id=started.crawl_id, url=link, warning=plan.warning))


async def active_answer(who: Principal, crawls: CrawlService) -> Response:
    listed = await crawls.list(who, status="active", offset=0, limit=ACTIVE_LISTED)
    active: list[ActiveCrawl] = []
    for item in listed.crawls:
        options = (await crawls.owned(who.org_id, item.crawl_id)).options
        active.append(
            ActiveCrawl(
                id=item.crawl_id,
                team_id=who.org_id,
                url=item.url,
                created_at=iso(item.created_at) or "",
                options={name: read(options) for name, read in ACTIVE_OPTIONS.items()},
            )
        )
    return _json(ActiveCrawlsResponse(crawls=active))


@router.get(
    "/v2/crawl/active",
    summary="Firecrawl v2: the organization's running crawls",
    response_class=JSONResponse,
    responses={200: {"model": ActiveCrawlsResponse, "description": "Running crawls"}},
)
async def active_crawls(who: ReadPrincipal, crawls: CrawlServiceDep) -> Response:
    return await active_answer(who, crawls)


@router.get(
    "/v2/crawl/ongoing",
    summary="Firecrawl v2: the organization's running crawls (alias of /v2/crawl/active)",
    response_class=JSONResponse,
    responses={200: {"model": ActiveCrawlsResponse, "description": "Running crawls"}},
)
async def ongoing_crawls(who: ReadPrincipal, crawls: CrawlServiceDep) -> Response:
    return await active_answer(who, crawls)


@router.get(
    "/v2/crawl/{crawl_id}",
    summary="Firecrawl v2: crawl status and one page of its Documents",
    response_class=JSONResponse,
    responses={200: {"model": JobStatusResponse, "description": "Status and Documents"}},
)
async def crawl_status_page(
    crawl_id: str,
    who: PollingPrincipal,
    crawls: CrawlServiceDep,
    settings: SettingsDep,
    skip: int = Query(0, description="successful documents to skip"),
    limit: int | None = Query(None, description="documents per page (at most 100)"),
) -> Response:
    window = PageWindow.of(skip, limit)
    return _json(await status_answer(crawl_id, who, crawls, window, settings.public_base_url))


async def status_answer(
    crawl_id: str,
    who: Principal,
    crawls: CrawlService,
    window: PageWindow,
    base_url: str,
    version: str = "v2",
) -> JobStatusResponse:
    """A crawl's status page; ``next`` points at the route of the asking ``version``."""
    crawl = await crawls.owned(who.org_id, resource_id(crawl_id, "Crawl"))
    view = DocumentView.of(crawl_from_options(crawl.options).page)
    first, pages = await crawl_pages(crawls, who, crawl.id, window.wanted)
    state = JobState(
        status=crawl_status(first.status, first.cancelled),
        completed=first.completed + first.failed,
        total=first.total,
        microcents=first.credits_used,
        created_at=first.created_at,
        expires_at=first.expires_at,
        error=first.error,
    )
    results = [result for page in pages if (result := _result_of(page)) is not None]
    base = crawl_link(base_url, crawl.id, version)
    return status_response(state, results, view, window, base)


@router.delete(
    "/v2/crawl/{crawl_id}",
    summary="Firecrawl v2: cancel a crawl (409 once it has finished)",
    response_class=JSONResponse,
    responses={200: {"model": CancelResponse, "description": "Cancelled"}},
)
async def cancel_crawl(crawl_id: str, who: WritePrincipal, crawls: CrawlServiceDep) -> Response:
    await crawls.cancel(who, resource_id(crawl_id, "Crawl"))
    return _json(CancelResponse())


async def finished_at_of(scrapes: ScrapeService, who: Principal, job_id: str) -> datetime | None:
    """When a failed page's job ended, while the core still keeps the job."""
    with contextlib.suppress(ScrapegateError):
        return (await scrapes.job_for(who.org_id, job_id)).completed_at
    return None


@router.get(
    "/v2/crawl/{crawl_id}/errors",
    summary="Firecrawl v2: a crawl's failed pages and the URLs robots.txt kept out",
    response_class=JSONResponse,
    responses={200: {"model": JobErrorsResponse, "description": "Failed pages"}},
)
async def crawl_errors(
    crawl_id: str, who: ReadPrincipal, crawls: CrawlServiceDep, scrapes: ScrapeServiceDep
) -> Response:
    return _json(await errors_answer(crawl_id, who, crawls, scrapes))


async def errors_answer(
    crawl_id: str, who: Principal, crawls: CrawlService, scrapes: ScrapeService
) -> JobErrorsResponse:
    first, pages = await crawl_pages(crawls, who, resource_id(crawl_id, "Crawl"), None)
    errors: list[JobError] = []
    for page in pages:
        if page.status == "failed":
            at = await finished_at_of(scrapes, who, page.job_id)
            errors.append(job_error(page.job_id, page.url, page.error_code, page.error, at))
    return JobErrorsResponse(errors=errors, robots_blocked=first.robots_blocked)
