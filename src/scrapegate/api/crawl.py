"""Crawl routes: start, progress and results, cancel, event stream."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from scrapegate.api.auth import authenticate
from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.crawl_models import (
    CrawlCancelResponse,
    CrawlListResponse,
    CrawlRequestBody,
    CrawlStartedResponse,
    CrawlStatusResponse,
)
from scrapegate.api.deps import (
    CrawlServiceDep,
    ReadPrincipal,
    StorageDep,
    ValidationDep,
    WritePrincipal,
)
from scrapegate.api.params import MAX_PAGE, page_window, resource_id
from scrapegate.domain.crawl_request import parse_crawl_request
from scrapegate.domain.records import CrawlEvent
from scrapegate.errors import Forbidden, InvalidRequest
from scrapegate.jobs.crawl_events import CrawlEventLog, crawl_topic
from scrapegate.jobs.crawl_service import CRAWL_STATUSES
from scrapegate.jobs.crawl_views import CrawlCancelled, CrawlList, CrawlView, completed_data
from scrapegate.storage.protocols import Storage

router = APIRouter(prefix="/api/v1", tags=["crawl"])
PING_S = 15.0
LIST_PAGE = 100


@router.post(
    "/crawl",
    summary="Start a crawl",
    status_code=202,
    response_model=CrawlStartedResponse,
    openapi_extra={"requestBody": json_body(CrawlRequestBody)},
)
async def start_crawl(
    request: Request,
    response: Response,
    who: WritePrincipal,
    crawls: CrawlServiceDep,
    validation: ValidationDep,
) -> CrawlStartedResponse:
    req = parse_crawl_request(await read_json(request), validation)
    accepted = CrawlStartedResponse.of(await crawls.start(who, req))
    response.headers["Location"] = accepted.poll_url
    return accepted


@router.get("/crawl", summary="List the organization's crawls", response_model=CrawlListResponse)
async def list_crawls(
    who: ReadPrincipal,
    crawls: CrawlServiceDep,
    status: str | None = None,
    offset: int = Query(0),
    limit: int = Query(LIST_PAGE),
) -> CrawlList:
    if status is not None and status not in ("active", *CRAWL_STATUSES):
        raise InvalidRequest(
            f"status must be 'active' or one of {', '.join(CRAWL_STATUSES)}", "status"
        )
    offset, limit = page_window(offset, min(limit, LIST_PAGE) if limit else LIST_PAGE)
    return await crawls.list(who, status=status, offset=offset, limit=limit)


@router.get(
    "/crawl/{crawl_id}", summary="Crawl progress and results", response_model=CrawlStatusResponse
)
async def get_crawl(
    crawl_id: str,
    who: ReadPrincipal,
    crawls: CrawlServiceDep,
    include_results: bool = False,
    offset: int = Query(0),
    limit: int = Query(MAX_PAGE),
) -> CrawlView:
    offset, limit = page_window(offset, limit)
    return await crawls.status(
        who,
        resource_id(crawl_id, "Crawl"),
        include_results=include_results,
        offset=offset,
        limit=limit,
    )


@router.delete("/crawl/{crawl_id}", summary="Cancel a crawl", response_model=CrawlCancelResponse)
async def cancel_crawl(
    crawl_id: str, who: WritePrincipal, crawls: CrawlServiceDep
) -> CrawlCancelled:
    return await crawls.cancel(who, resource_id(crawl_id, "Crawl"))


def _sse(event: CrawlEvent) -> bytes:
    return (
        f"id: {event.id}\nevent: {event.event}\n".encode()
        + b"data: "
        + orjson.dumps(event.data)
        + b"\n\n"
    )


@router.get("/crawl/{crawl_id}/stream", summary="Crawl progress as Server-Sent Events")
async def stream_crawl(
    crawl_id: str,
    request: Request,
    crawls: CrawlServiceDep,
    storage: StorageDep,
    include_results: bool = True,
) -> StreamingResponse:
    # Its own authentication: an EventSource cannot send headers, so ``?api_key=`` counts here.
    who = await authenticate(request, query_key=True)
    if not who.has_scope("read"):
        raise Forbidden("This API key lacks the 'read' scope", {"required_scope": "read"})
    crawl = await crawls.owned(who.org_id, resource_id(crawl_id, "Crawl"))
    last = request.headers.get("last-event-id") or request.query_params.get("last_event_id")
    last_id = int(last) if last and last.isdigit() else 0
    stream = EventStream(crawls.events, crawl.id, include_results)
    return StreamingResponse(
        stream.run(request, last_id, fresh=last is None, storage=storage),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache"},
    )


class EventStream:
    """One client's view of a crawl's event log: replay, then follow until crawl.completed."""

    def __init__(self, log: CrawlEventLog, crawl_id: str, include_results: bool) -> None:
        self._log = log
        self._crawl_id = crawl_id
        self._include_results = include_results

    async def _batch(self, last_id: int) -> list[CrawlEvent]:
        events = await self._log.since(self._crawl_id, last_id)
        return await self._log.with_results(events) if self._include_results else events

    async def run(
        self, request: Request, last_id: int, *, fresh: bool, storage: Storage
    ) -> AsyncIterator[bytes]:
        yield b"retry: 3000\n\n"
        crawl = await storage.crawls.get(self._crawl_id)
        if crawl is not None and crawl.completed_at is not None:
            async for chunk in self._finished(last_id, fresh, storage):
                yield chunk
            return
        async with self._log.bus.subscribe() as subscription:
            await subscription.add(crawl_topic(self._crawl_id))
            while not await request.is_disconnected():
                events = await self._batch(last_id)
                for event in events:
                    yield _sse(event)
                    last_id = event.id
                    if event.event == "crawl.completed":
                        return
                if not events and not await self._log.wait(subscription, PING_S):
                    yield b": ping\n\n"

    async def _finished(self, last_id: int, fresh: bool, storage: Storage) -> AsyncIterator[bytes]:
        """A finished crawl: replay after Last-Event-ID, or just its crawl.completed, then close."""
        while events := await self._log.since(self._crawl_id, last_id):
            chosen = [e for e in events if e.event == "crawl.completed"] if fresh else events
            if self._include_results:
                chosen = await self._log.with_results(chosen)
            for event in chosen:
                yield _sse(event)
                if event.event == "crawl.completed":
                    return
            last_id = events[-1].id
        crawl = await storage.crawls.get(self._crawl_id)
        if crawl is not None:
            data = await completed_data(storage, crawl)
            yield _sse(CrawlEvent(last_id + 1, self._crawl_id, "crawl.completed", data))
