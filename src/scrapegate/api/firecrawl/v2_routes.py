"""Firecrawl v2: ``POST /v2/scrape``, ``GET /v2/scrape/{id}``, ``POST /v2/map``, and 501 for
Firecrawl's cloud-only routes. The same services, auth, billing and rules as ``/api/v1``."""

from __future__ import annotations

import time
from typing import Any, cast

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import (
    MapServiceDep,
    PollingPrincipal,
    ScrapeServiceDep,
    ValidationDep,
    WritePrincipal,
)
from scrapegate.api.firecrawl.errors import FirecrawlRoute, not_supported
from scrapegate.api.firecrawl.v2_document import DocumentView, document_from, map_response
from scrapegate.api.firecrawl.v2_models import (
    Document,
    MapResponse,
    ScrapeResponse,
    V2MapBody,
    V2ScrapeBody,
)
from scrapegate.api.firecrawl.v2_translate import ScrapePlan, plan_v2_map, plan_v2_scrape
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import Job
from scrapegate.domain.scrape_document import ScrapeResultDocument
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.errors import Conflict, Timeout, error_from_code
from scrapegate.jobs.scrape_service import ScrapeAccepted, ScrapeService

router = APIRouter(tags=["firecrawl"], route_class=FirecrawlRoute)

FIRECRAWL_BODY_LIMIT = 10 * 1024 * 1024
# Firecrawl features that only its cloud offers: every method, every sub-path, answers 501.
CLOUD_ONLY_PREFIXES = (
    "/v2/agent",
    "/v2/browser",
    "/v2/monitor",
    "/v2/parse",
    "/v1/deep-research",
    "/v1/llmstxt",
    "/v1/x402",
)
CLOUD_ONLY_PATHS = (
    "/v2/scrape/{scrape_id}/interact",
    "/v2/search/research",
    "/v2/search/developer",
    "/v2/search/gov",
)
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


def _json(body: ScrapeResponse | MapResponse) -> Response:
    return JSONResponse(body.wire())


def _finished(job: Job) -> ScrapeResultDocument:
    if job.status == "failed":
        raise error_from_code(
            job.error_code or "INTERNAL_ERROR", job.error or "Job failed", job.error_details
        )
    return cast(ScrapeResultDocument, job.result)


async def _hold(
    scrapes: ScrapeService, who: Principal, accepted: ScrapeAccepted, deadline: float
) -> ScrapeResultDocument:
    """The core let go of the request before Firecrawl's ``timeout``: wait out the rest."""
    job = await scrapes.job_for(who.org_id, accepted.job_id)
    remaining = deadline - time.monotonic()
    if not job.terminal and remaining > 0:
        job = await scrapes.wait(job, remaining)
    if not job.terminal:
        raise Timeout("Scrape timed out", {"scrapeId": job.id})
    return _finished(job)


@router.post(
    "/v2/scrape",
    summary="Firecrawl v2: scrape one URL",
    response_class=JSONResponse,
    responses={200: {"model": ScrapeResponse, "description": "The scraped Document"}},
    openapi_extra={"requestBody": json_body(V2ScrapeBody)},
)
async def scrape(
    request: Request, who: WritePrincipal, scrapes: ScrapeServiceDep, validation: ValidationDep
) -> Response:
    received = time.monotonic()
    plan = plan_v2_scrape(await read_json(request, FIRECRAWL_BODY_LIMIT), validation)
    document = await scrape_document(request, who, scrapes, plan, received)
    return _json(ScrapeResponse(data=document))


async def scrape_document(
    request: Request, who: Principal, scrapes: ScrapeService, plan: ScrapePlan, received: float
) -> Document:
    """The plan's scrape as a Document, held until it ends or ``timeout`` passes."""
    source = request.headers.get("user-agent")
    answer = await scrapes.scrape(who, plan.request, source)
    raw: dict[str, Any] | None = answer.result
    if raw is not None:
        result = cast(ScrapeResultDocument, raw)
        cached_at = raw.get("cached_at")
    else:
        assert answer.accepted is not None  # a ScrapeAnswer holds one or the other
        result = await _hold(scrapes, who, answer.accepted, received + plan.hold_seconds)
        cached_at = None
    return document_from(result, plan.view, cached_at)


@router.get(
    "/v2/scrape/{scrape_id}",
    summary="Firecrawl v2: a finished scrape, while its result is kept (1 hour)",
    response_class=JSONResponse,
    responses={200: {"model": ScrapeResponse, "description": "The scraped Document"}},
)
async def scrape_status(
    scrape_id: str, who: PollingPrincipal, scrapes: ScrapeServiceDep
) -> Response:
    job = await scrapes.job_for(who.org_id, scrape_id)
    if job.type != "scrape":
        raise error_from_code("NOT_FOUND", "Job not found", None)
    if not job.terminal:
        raise Conflict("Scrape is still in progress")
    view = DocumentView.of(ScrapeRequest.from_json(job.request))
    return _json(ScrapeResponse(data=document_from(_finished(job), view)))


@router.post(
    "/v2/map",
    summary="Firecrawl v2: discover a site's URLs",
    response_class=JSONResponse,
    responses={200: {"model": MapResponse, "description": "The links found"}},
    openapi_extra={"requestBody": json_body(V2MapBody)},
)
async def map_site(
    request: Request, who: WritePrincipal, maps: MapServiceDep, validation: ValidationDep
) -> Response:
    plan = plan_v2_map(await read_json(request, FIRECRAWL_BODY_LIMIT), validation)
    result = await maps.map(who, plan.request)
    if plan.explicit_timeout and result.stop_reason == "timeout":
        raise Timeout("Map timed out")
    return _json(map_response(result))


async def cloud_only(request: Request) -> Response:
    return not_supported()


# Plain routes, kept out of OpenAPI: they read no body and describe nothing.
for _prefix in CLOUD_ONLY_PREFIXES:
    router.add_route(_prefix, cloud_only, methods=ALL_METHODS, include_in_schema=False)
    router.add_route(f"{_prefix}/{{rest:path}}", cloud_only, ALL_METHODS, include_in_schema=False)
for _path in CLOUD_ONLY_PATHS:
    router.add_route(_path, cloud_only, methods=ALL_METHODS, include_in_schema=False)
