"""POST /api/v1/batch, GET and DELETE /api/v1/batch/{batch_id}."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from scrapegate.api.batch_models import (
    BatchAcceptedResponse,
    BatchCancelResponse,
    BatchRequestBody,
    BatchStatusResponse,
)
from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import (
    BatchServiceDep,
    ReadPrincipal,
    SettingsDep,
    ValidationDep,
    WritePrincipal,
)
from scrapegate.api.params import MAX_PAGE, page_window, resource_id
from scrapegate.domain.batch_request import parse_batch_request
from scrapegate.jobs.batch_views import BatchCancelled, BatchPage

router = APIRouter(prefix="/api/v1", tags=["batch"])
BATCH_BODY_LIMIT = 10 * 1024 * 1024


@router.post(
    "/batch",
    summary="Submit up to 100 scrapes",
    status_code=202,
    response_model=BatchAcceptedResponse,
    openapi_extra={"requestBody": json_body(BatchRequestBody)},
)
async def submit_batch(
    request: Request,
    response: Response,
    who: WritePrincipal,
    batches: BatchServiceDep,
    validation: ValidationDep,
    settings: SettingsDep,
) -> BatchAcceptedResponse:
    body = await read_json(request, BATCH_BODY_LIMIT)
    breq = parse_batch_request(body, validation, settings.batch.max_items)
    source = request.headers.get("x-alterlab-source") or request.headers.get("user-agent")
    accepted = BatchAcceptedResponse.of(await batches.submit(who, breq, source))
    response.headers["Location"] = accepted.poll_url
    return accepted


@router.get(
    "/batch/{batch_id}", summary="Batch status and results", response_model=BatchStatusResponse
)
async def get_batch(
    batch_id: str,
    who: ReadPrincipal,
    batches: BatchServiceDep,
    include_results: bool = True,
    offset: int = Query(0),
    limit: int = Query(MAX_PAGE),
) -> BatchPage:
    offset, limit = page_window(offset, limit)
    return await batches.status(
        who,
        resource_id(batch_id, "Batch"),
        include_results=include_results,
        offset=offset,
        limit=limit,
    )


@router.delete(
    "/batch/{batch_id}",
    summary="Cancel a batch's pending items",
    response_model=BatchCancelResponse,
)
async def cancel_batch(
    batch_id: str, who: WritePrincipal, batches: BatchServiceDep
) -> BatchCancelled:
    return await batches.cancel(who, resource_id(batch_id, "Batch"))
