"""POST /api/v1/batch, GET and DELETE /api/v1/batch/{batch_id} (spec core-api §12)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.api.params import MAX_PAGE, page_window, resource_id
from scrapegate.domain.batch_request import parse_batch_request
from scrapegate.domain.principal import Principal

router = APIRouter(prefix="/api/v1", tags=["batch"])
BATCH_BODY_LIMIT = 10 * 1024 * 1024


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
    offset, limit = page_window(offset, limit)
    return await services_of(request).batches.status(
        who,
        resource_id(batch_id, "Batch"),
        include_results=include_results,
        offset=offset,
        limit=limit,
    )


@router.delete("/batch/{batch_id}", summary="Cancel a batch's pending items")
async def cancel_batch(
    batch_id: str, request: Request, who: Principal = Depends(require("write"))
) -> dict[str, Any]:
    return await services_of(request).batches.cancel(who, resource_id(batch_id, "Batch"))
