"""Firecrawl v1: scrape, map, crawl and batch scrape, with v1's names, defaults and links.

Every route reads its body in v1 terms, rewrites it to v2 terms (``v1_translate``) and then runs
exactly as its v2 twin does; only ``next`` and start links point back at ``/v1``, and map answers
its links as plain strings.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import (
    BatchServiceDep,
    CrawlServiceDep,
    MapServiceDep,
    PollingPrincipal,
    ReadPrincipal,
    ScrapeServiceDep,
    SettingsDep,
    ValidationDep,
    WritePrincipal,
)
from scrapegate.api.firecrawl.errors import FirecrawlRoute
from scrapegate.api.firecrawl.v1_models import (
    V1BatchScrapeBody,
    V1CrawlBody,
    V1MapBody,
    V1MapResponse,
    V1ScrapeBody,
)
from scrapegate.api.firecrawl.v1_translate import (
    plan_v1_batch,
    plan_v1_crawl,
    plan_v1_map,
    plan_v1_scrape,
)
from scrapegate.api.firecrawl.v2_batch_routes import (
    batch_errors_answer,
    batch_link,
    batch_status_answer,
)
from scrapegate.api.firecrawl.v2_crawl_models import (
    ActiveCrawlsResponse,
    CancelResponse,
    JobErrorsResponse,
    JobStartedResponse,
    JobStatusResponse,
)
from scrapegate.api.firecrawl.v2_crawl_routes import (
    active_answer,
    crawl_link,
    errors_answer,
    status_answer,
)
from scrapegate.api.firecrawl.v2_job_pages import PageWindow
from scrapegate.api.firecrawl.v2_models import ScrapeResponse, WireBody
from scrapegate.api.firecrawl.v2_routes import FIRECRAWL_BODY_LIMIT, scrape_document
from scrapegate.api.params import resource_id
from scrapegate.errors import Timeout

router = APIRouter(tags=["firecrawl"], route_class=FirecrawlRoute)
VERSION = "v1"
SKIP_QUERY = Query(0, description="successful documents to skip")
LIMIT_QUERY = Query(None, description="documents per page (at most 100)")


def _json(body: WireBody) -> Response:
    return JSONResponse(body.wire())


@router.post(
    "/v1/scrape",
    summary="Firecrawl v1: scrape one URL",
    response_class=JSONResponse,
    responses={200: {"model": ScrapeResponse, "description": "The scraped Document"}},
    openapi_extra={"requestBody": json_body(V1ScrapeBody)},
)
async def scrape(
    request: Request, who: WritePrincipal, scrapes: ScrapeServiceDep, validation: ValidationDep
) -> Response:
    received = time.monotonic()
    plan = plan_v1_scrape(await read_json(request, FIRECRAWL_BODY_LIMIT), validation)
    document = await scrape_document(request, who, scrapes, plan, received)
    return _json(ScrapeResponse(data=document))


@router.post(
    "/v1/map",
    summary="Firecrawl v1: discover a site's URLs (links as strings)",
    response_class=JSONResponse,
    responses={200: {"model": V1MapResponse, "description": "The links found"}},
    openapi_extra={"requestBody": json_body(V1MapBody)},
)
async def map_site(
    request: Request, who: WritePrincipal, maps: MapServiceDep, validation: ValidationDep
) -> Response:
    plan = plan_v1_map(await read_json(request, FIRECRAWL_BODY_LIMIT), validation)
    result = await maps.map(who, plan.request)
    if plan.explicit_timeout and result.stop_reason == "timeout":
        raise Timeout("Map timed out")
    return _json(V1MapResponse(links=[item.url for item in result.urls]))


@router.post(
    "/v1/crawl",
    summary="Firecrawl v1: start a crawl",
    response_class=JSONResponse,
    responses={200: {"model": JobStartedResponse, "description": "The crawl's id"}},
    openapi_extra={"requestBody": json_body(V1CrawlBody)},
)
async def start_crawl(
    request: Request,
    who: WritePrincipal,
    crawls: CrawlServiceDep,
    validation: ValidationDep,
    settings: SettingsDep,
) -> Response:
    plan = plan_v1_crawl(await read_json(request, FIRECRAWL_BODY_LIMIT), validation)
    started = await crawls.start(who, plan.request)
    link = crawl_link(settings.public_base_url, started.crawl_id, VERSION)
    return _json(JobStartedResponse(id=started.crawl_id, url=link, warning=plan.warning))


@router.get(
    "/v1/crawl/active",
    summary="Firecrawl v1: the organization's running crawls",
    response_class=JSONResponse,
    responses={200: {"model": ActiveCrawlsResponse, "description": "Running crawls"}},
)
async def active_crawls(who: ReadPrincipal, crawls: CrawlServiceDep) -> Response:
    return await active_answer(who, crawls)


@router.get(
    "/v1/crawl/{crawl_id}",
    summary="Firecrawl v1: crawl status and one page of its Documents",
    response_class=JSONResponse,
    responses={200: {"model": JobStatusResponse, "description": "Status and Documents"}},
)
async def crawl_status_page(
    crawl_id: str,
    who: PollingPrincipal,
    crawls: CrawlServiceDep,
    settings: SettingsDep,
    skip: int = SKIP_QUERY,
    limit: int | None = LIMIT_QUERY,
) -> Response:
    window = PageWindow.of(skip, limit)
    base = settings.public_base_url
    return _json(await status_answer(crawl_id, who, crawls, window, base, VERSION))


@router.delete(
    "/v1/crawl/{crawl_id}",
    summary="Firecrawl v1: cancel a crawl (409 once it has finished)",
    response_class=JSONResponse,
    responses={200: {"model": CancelResponse, "description": "Cancelled"}},
)
async def cancel_crawl(crawl_id: str, who: WritePrincipal, crawls: CrawlServiceDep) -> Response:
    await crawls.cancel(who, resource_id(crawl_id, "Crawl"))
    return _json(CancelResponse())


@router.get(
    "/v1/crawl/{crawl_id}/errors",
    summary="Firecrawl v1: a crawl's failed pages and the URLs robots.txt kept out",
    response_class=JSONResponse,
    responses={200: {"model": JobErrorsResponse, "description": "Failed pages"}},
)
async def crawl_errors(
    crawl_id: str, who: ReadPrincipal, crawls: CrawlServiceDep, scrapes: ScrapeServiceDep
) -> Response:
    return _json(await errors_answer(crawl_id, who, crawls, scrapes))


@router.post(
    "/v1/batch/scrape",
    summary="Firecrawl v1: scrape many URLs with the same options",
    response_class=JSONResponse,
    responses={200: {"model": JobStartedResponse, "description": "The batch's id"}},
    openapi_extra={"requestBody": json_body(V1BatchScrapeBody)},
)
async def start_batch(
    request: Request,
    who: WritePrincipal,
    batches: BatchServiceDep,
    validation: ValidationDep,
    settings: SettingsDep,
) -> Response:
    plan = plan_v1_batch(await read_json(request, FIRECRAWL_BODY_LIMIT), validation)
    accepted = await batches.submit(who, plan.request, request.headers.get("user-agent"))
    invalid = list(plan.invalid_urls) if plan.invalid_urls is not None else None
    link = batch_link(settings.public_base_url, accepted.batch_id, VERSION)
    return _json(JobStartedResponse(id=accepted.batch_id, url=link, invalid_urls=invalid))


@router.get(
    "/v1/batch/scrape/{batch_id}",
    summary="Firecrawl v1: batch status and one page of its Documents",
    response_class=JSONResponse,
    responses={200: {"model": JobStatusResponse, "description": "Status and Documents"}},
)
async def batch_status_page(
    batch_id: str,
    who: PollingPrincipal,
    batches: BatchServiceDep,
    scrapes: ScrapeServiceDep,
    settings: SettingsDep,
    skip: int = SKIP_QUERY,
    limit: int | None = LIMIT_QUERY,
) -> Response:
    window = PageWindow.of(skip, limit)
    base = settings.public_base_url
    answer = await batch_status_answer(batch_id, who, batches, scrapes, window, base, VERSION)
    return _json(answer)


@router.delete(
    "/v1/batch/scrape/{batch_id}",
    summary="Firecrawl v1: cancel a batch's pending URLs (409 once it has finished)",
    response_class=JSONResponse,
    responses={200: {"model": CancelResponse, "description": "Cancelled"}},
)
async def cancel_batch(batch_id: str, who: WritePrincipal, batches: BatchServiceDep) -> Response:
    await batches.cancel(who, resource_id(batch_id, "Batch"))
    return _json(CancelResponse())


@router.get(
    "/v1/batch/scrape/{batch_id}/errors",
    summary="Firecrawl v1: a batch's failed URLs",
    response_class=JSONResponse,
    responses={200: {"model": JobErrorsResponse, "description": "Failed URLs"}},
)
async def batch_errors(
    batch_id: str, who: ReadPrincipal, batches: BatchServiceDep, scrapes: ScrapeServiceDep
) -> Response:
    return _json(await batch_errors_answer(batch_id, who, batches, scrapes))
