"""POST /api/v1/batch, GET and DELETE /api/v1/batch/{batch_id} (spec core-api §12)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from scrapegate.accounts.keys import Principal
from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.domain.batch_request import parse_batch_request
from scrapegate.errors import InvalidRequest, NotFound

router = APIRouter(prefix="/api/v1", tags=["batch"])
BATCH_BODY_LIMIT = 10 * 1024 * 1024
MAX_PAGE = 1_000


def _batch_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound("Batch not found") from None


@router.post("/batch", summary="Submit up to 100 scrapes")
async def submit_batch(
    request: Request, who: Principal = Depends(require("write"))
) -> JSONResponse:
    services = services_of(request)
    body = await read_json(request, BATCH_BODY_LIMIT)
    breq = parse_batch_request(body, services.validation, services.settings.batch.max_items)
    source = request.headers.get("x-alterlab-source") or request.headers.get("user-agent")
    accepted = await services.batches.submit(who, breq, source)
    return JSONResponse(accepted, status_code=202, headers={"Location": accepted["poll_url"]})


@router.get("/batch/{batch_id}", summary="Batch status and results")
async def get_batch(
    batch_id: str,
    request: Request,
    include_results: bool = True,
    offset: int = Query(0),
    limit: int = Query(MAX_PAGE),
    who: Principal = Depends(require("read")),
) -> dict[str, Any]:
    if offset < 0 or limit < 0:
        raise InvalidRequest("offset and limit must not be negative", "offset")
    return await services_of(request).batches.status(
        who,
        _batch_id(batch_id),
        include_results=include_results,
        offset=offset,
        limit=min(limit, MAX_PAGE) or MAX_PAGE,
    )


@router.delete("/batch/{batch_id}", summary="Cancel a batch's pending items")
async def cancel_batch(
    batch_id: str, request: Request, who: Principal = Depends(require("write"))
) -> dict[str, Any]:
    return await services_of(request).batches.cancel(who, _batch_id(batch_id))
