"""POST /api/v1/scrape and /api/v1/scrape/estimate."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic_core import to_json

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import (
    EstimatorDep,
    ReadPrincipal,
    ResponseCacheDep,
    ScrapeServiceDep,
    ValidationDep,
    WritePrincipal,
)
from scrapegate.api.scrape_models import (
    ScrapeAcceptedResponse,
    ScrapeResultResponse,
)
from scrapegate.api.scrape_request_models import ScrapeRequestBody
from scrapegate.domain.scrape_request import parse_estimate_request, parse_scrape_request
from scrapegate.engine.estimate import CostEstimate

router = APIRouter(prefix="/api/v1", tags=["scrape"])


@router.post(
    "/scrape",
    summary="Scrape one URL",
    response_class=JSONResponse,
    responses={
        200: {"model": ScrapeResultResponse, "description": "The finished scrape"},
        202: {"model": ScrapeAcceptedResponse, "description": "Accepted: poll the job"},
    },
    openapi_extra={"requestBody": json_body(ScrapeRequestBody)},
)
async def scrape(
    request: Request, who: WritePrincipal, scrapes: ScrapeServiceDep, validation: ValidationDep
) -> Response:
    req = parse_scrape_request(await read_json(request), validation)
    source = request.headers.get("x-alterlab-source") or request.headers.get("user-agent")
    answer = await scrapes.scrape(who, req, source)
    if answer.accepted is not None:
        accepted = ScrapeAcceptedResponse.of(answer.accepted)
        return Response(
            accepted.model_dump_json(),
            status_code=202,
            headers={"Location": accepted.poll_url},
            media_type="application/json",
        )
    # The stored scrape result, sent as is: no validation of a large body on the hot path, and
    # the same encoder as GET /jobs/{id}, so a result reads the same from both.
    return Response(to_json(answer.result), media_type="application/json")


@router.post(
    "/scrape/estimate",
    summary="Estimate the cost of a scrape",
    response_model=CostEstimate,  # the engine's own TypedDict: no mirror model
    openapi_extra={"requestBody": json_body(ScrapeRequestBody)},
)
async def estimate(
    request: Request,
    who: ReadPrincipal,
    validation: ValidationDep,
    cache: ResponseCacheDep,
    estimator: EstimatorDep,
) -> CostEstimate:
    req = parse_estimate_request(await read_json(request), validation)
    cache_possible = req.cache and await cache.exists(req, who.org_id)
    return await estimator.estimate(req, who.org_id, cache_possible)
