"""POST /api/v1/search, GET /api/v1/search/{search_id}, POST /api/v1/search/batch."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic_core import to_json

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import PollingPrincipal, SearchServiceDep, ValidationDep, WritePrincipal
from scrapegate.api.params import resource_id
from scrapegate.api.search_models import (
    SearchAcceptedResponse,
    SearchBatchAcceptedResponse,
    SearchBatchRequestBody,
    SearchRequestBody,
    SearchResultResponse,
    SearchStatusResponse,
)
from scrapegate.domain.search_request import parse_search_batch_request, parse_search_request

router = APIRouter(prefix="/api/v1", tags=["search"])
SEARCH_BODY_LIMIT = 1024 * 1024


def _source(request: Request) -> str | None:
    return request.headers.get("x-alterlab-source") or request.headers.get("user-agent")


@router.post(
    "/search",
    summary="Web search, optionally scraping each result",
    response_class=JSONResponse,
    responses={
        200: {"model": SearchResultResponse, "description": "The finished search"},
        202: {"model": SearchAcceptedResponse, "description": "Accepted: poll the search"},
    },
    openapi_extra={"requestBody": json_body(SearchRequestBody)},
)
async def search(
    request: Request, who: WritePrincipal, searches: SearchServiceDep, validation: ValidationDep
) -> Response:
    searches.require_enabled()
    body = await read_json(request, SEARCH_BODY_LIMIT)
    req = parse_search_request(body, validation)
    answer = await searches.search(who, req, _source(request))
    if answer.accepted is not None:
        accepted = SearchAcceptedResponse.of(answer.accepted)
        return Response(
            accepted.model_dump_json(),
            status_code=202,
            headers={"Location": accepted.poll_url},
            media_type="application/json",
        )
    return JSONResponse(answer.result)  # the stored body, as the search job wrote it


@router.post(
    "/search/batch",
    summary="Submit 2 to 100 searches",
    status_code=202,
    response_model=SearchBatchAcceptedResponse,
    openapi_extra={"requestBody": json_body(SearchBatchRequestBody)},
)
async def search_batch(
    request: Request,
    response: Response,
    who: WritePrincipal,
    searches: SearchServiceDep,
    validation: ValidationDep,
) -> SearchBatchAcceptedResponse:
    searches.require_enabled()
    body = await read_json(request, SEARCH_BODY_LIMIT)
    breq = parse_search_batch_request(body, validation)
    accepted = SearchBatchAcceptedResponse.of(
        await searches.submit_batch(who, breq, _source(request))
    )
    response.headers["Location"] = accepted.poll_url
    return accepted


@router.get(
    "/search/{search_id}",
    summary="A search's status and results",
    response_class=Response,
    responses={
        200: {
            "model": SearchResultResponse | SearchStatusResponse,
            "description": "The completed search, or where it stands",
            "content": {"application/json": {}},
        }
    },
)
async def get_search(search_id: str, who: PollingPrincipal, searches: SearchServiceDep) -> Response:
    searches.require_enabled()
    view = await searches.status(who, resource_id(search_id, "Search"))
    if isinstance(view, dict):  # completed: the stored body, serialised as a dict route did
        return Response(to_json(view), media_type="application/json")
    body = SearchStatusResponse.model_validate(view).model_dump_json()
    return Response(body, media_type="application/json")
