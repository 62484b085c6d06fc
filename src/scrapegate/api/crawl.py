"""Crawl routes (spec core-api §13): start, progress and results, cancel, event stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from scrapegate.accounts.keys import Principal
from scrapegate.api.auth import authenticate, require, services_of
from scrapegate.api.body import read_json
from scrapegate.api.params import MAX_PAGE, page_window, resource_id
from scrapegate.domain.crawl_request import parse_crawl_request
from scrapegate.errors import Forbidden
from scrapegate.jobs.crawl_events import CrawlEvent
from scrapegate.jobs.crawl_service import CrawlService
from scrapegate.jobs.crawl_views import completed_data
from scrapegate.storage.protocols import Storage

router = APIRouter(prefix="/api/v1", tags=["crawl"])
PING_S = 15.0


@router.post("/crawl", summary="Start a crawl")
async def start_crawl(request: Request, who: Principal = Depends(require("write"))) -> JSONResponse:
    services = services_of(request)
    req = parse_crawl_request(await read_json(request), services.validation)
    accepted = await services.crawls.start(who, req)
    return JSONResponse(accepted, status_code=202, headers={"Location": accepted["poll_url"]})


@router.get("/crawl/{crawl_id}", summary="Crawl progress and results")
async def get_crawl(
    crawl_id: str,
    request: Request,
    include_results: bool = False,
    offset: int = Query(0),
    limit: int = Query(MAX_PAGE),
    who: Principal = Depends(require("read")),
) -> dict[str, Any]:
    offset, limit = page_window(offset, limit)
    return await services_of(request).crawls.status(
        who,
        resource_id(crawl_id, "Crawl"),
        include_results=include_results,
        offset=offset,
        limit=limit,
    )


@router.delete("/crawl/{crawl_id}", summary="Cancel a crawl")
async def cancel_crawl(
    crawl_id: str, request: Request, who: Principal = Depends(require("write"))
) -> dict[str, Any]:
    return await services_of(request).crawls.cancel(who, resource_id(crawl_id, "Crawl"))


def _sse(event: CrawlEvent) -> bytes:
    return (
        f"id: {event.id}\nevent: {event.event}\n".encode()
        + b"data: "
        + orjson.dumps(event.data)
        + b"\n\n"
    )


@router.get("/crawl/{crawl_id}/stream", summary="Crawl progress as Server-Sent Events")
async def stream_crawl(crawl_id: str, request: Request) -> StreamingResponse:
    who = await authenticate(request, query_key=True)
    if not who.has_scope("read"):
        raise Forbidden("This API key lacks the 'read' scope", {"required_scope": "read"})
    services = services_of(request)
    crawl = await services.crawls.owned(who.org_id, resource_id(crawl_id, "Crawl"))
    last = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    last_id = int(last) if last and last.isdigit() else 0
    return StreamingResponse(
        _events(request, services.crawls, crawl.id, last_id, last is None),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache"},
    )


async def _events(
    request: Request, crawls: CrawlService, crawl_id: str, last_id: int, fresh: bool
) -> AsyncIterator[bytes]:
    yield b"retry: 3000\n\n"
    storage = services_of(request).storage
    crawl = await storage.crawls.get(crawl_id)
    if crawl is not None and crawl.completed_at is not None:
        async for chunk in _finished_stream(crawls, crawl_id, last_id, fresh, storage):
            yield chunk
        return
    while not await request.is_disconnected():
        sent = False
        for event in crawls.events.since(crawl_id, last_id):
            yield _sse(event)
            last_id, sent = event.id, True
            if event.event == "crawl.completed":
                return
        if not sent:
            before = last_id
            await crawls.events.wait(crawl_id, PING_S)
            if not crawls.events.since(crawl_id, before):
                yield b": ping\n\n"


async def _finished_stream(
    crawls: CrawlService, crawl_id: str, last_id: int, fresh: bool, storage: Storage
) -> AsyncIterator[bytes]:
    """A finished crawl: replay after Last-Event-ID, or just its crawl.completed, then close."""
    logged = crawls.events.since(crawl_id, 0 if fresh else last_id)
    events = [e for e in logged if e.event == "crawl.completed"] if fresh else logged
    for event in events:
        yield _sse(event)
    if not any(e.event == "crawl.completed" for e in events):
        crawl = await storage.crawls.get(crawl_id)
        if crawl is not None:
            data = await completed_data(storage, crawl)
            yield _sse(CrawlEvent(last_id + 1, "crawl.completed", data))
