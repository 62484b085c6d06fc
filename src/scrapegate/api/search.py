"""POST /api/v1/search, GET /api/v1/search/{search_id}, POST /api/v1/search/batch (§15)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.api.params import resource_id
from scrapegate.domain.principal import Principal
from scrapegate.domain.search_request import parse_search_batch_request, parse_search_request
from scrapegate.jobs.search_service import SearchService

router = APIRouter(prefix="/api/v1", tags=["search"])
SEARCH_BODY_LIMIT = 1024 * 1024


def _search_service(request: Request) -> SearchService:
    return services_of(request).search


def _source(request: Request) -> str | None:
    return request.headers.get("x-alterlab-source") or request.headers.get("user-agent")


@router.post("/search", summary="Web search, optionally scraping each result")
async def search(request: Request, who: Principal = Depends(require("write"))) -> JSONResponse:
    service = _search_service(request)
    service.require_enabled()
    body = await read_json(request, SEARCH_BODY_LIMIT)
    req = parse_search_request(body, services_of(request).validation)
    answer = await service.search(who, req, _source(request))
    if answer.accepted is not None:
        return JSONResponse(
            answer.accepted, status_code=202, headers={"Location": answer.accepted["poll_url"]}
        )
    return JSONResponse(answer.result)


@router.post("/search/batch", summary="Submit 2 to 100 searches")
async def search_batch(
    request: Request, who: Principal = Depends(require("write"))
) -> JSONResponse:
    service = _search_service(request)
    service.require_enabled()
    body = await read_json(request, SEARCH_BODY_LIMIT)
    breq = parse_search_batch_request(body, services_of(request).validation)
    accepted = await service.submit_batch(who, breq, _source(request))
    return JSONResponse(accepted, status_code=202, headers={"Location": accepted["poll_url"]})


@router.get("/search/{search_id}", summary="A search's status and results")
async def get_search(
    search_id: str, request: Request, who: Principal = Depends(require("read", polling=True))
) -> dict[str, Any]:
    service = _search_service(request)
    service.require_enabled()
    return await service.status(who, resource_id(search_id, "Search"))
