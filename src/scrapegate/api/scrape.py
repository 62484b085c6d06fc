"""POST /api/v1/scrape and /api/v1/scrape/estimate."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic_core import to_json

from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.api.scrape_models import ScrapeAcceptedResponse, ScrapeResultResponse
from scrapegate.domain.principal import Principal
from scrapegate.domain.scrape_request import parse_estimate_request, parse_scrape_request

router = APIRouter(prefix="/api/v1", tags=["scrape"])


@router.post(
    "/scrape",
    summary="Scrape one URL",
    response_class=JSONResponse,
    responses={
        200: {"model": ScrapeResultResponse, "description": "The finished scrape"},
        202: {"model": ScrapeAcceptedResponse, "description": "Accepted: poll the job"},
    },
)
async def scrape(request: Request, who: Principal = Depends(require("write"))) -> Response:
    services = services_of(request)
    req = parse_scrape_request(await read_json(request), services.validation)
    source = request.headers.get("x-alterlab-source") or request.headers.get("user-agent")
    answer = await services.scrape.scrape(who, req, source)
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


@router.post("/scrape/estimate", summary="Estimate the cost of a scrape")
async def estimate(request: Request, who: Principal = Depends(require("read"))) -> dict[str, Any]:
    services = services_of(request)
    req = parse_estimate_request(await read_json(request), services.validation)
    cache_possible = req.cache and await services.cache.exists(req, who.org_id)
    return await services.estimator.estimate(req, who.org_id, cache_possible)
