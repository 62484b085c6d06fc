"""What a search looks like on the wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Never, NotRequired, TypedDict, cast
from urllib.parse import unquote, urlsplit

from scrapegate.domain.json_types import JsonValue
from scrapegate.domain.records import Batch, Job
from scrapegate.domain.search_request import SearchRequest
from scrapegate.domain.timefmt import iso
from scrapegate.errors import ScrapegateError
from scrapegate.fetchers.search_provider import SearchHit

DISPLAY_SEGMENTS = 3


@dataclass(frozen=True)
class ResultScrape:
    """How the scrape of one result ended: its scrape response, or the error that ended it."""

    response: dict[str, Any] | None = None
    error: ScrapegateError | None = None
    error_code: str | None = None  # e.g. TIMEOUT when the sync budget ran out first

    @property
    def credits(self) -> int:
        return int((self.response or {}).get("credits_used") or 0)


def display_url(url: str) -> str:
    """``example.com › docs › api`` — the host without ``www.`` and the first path segments."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    segments = [unquote(s) for s in parts.path.split("/") if s][:DISPLAY_SEGMENTS]
    return " › ".join([host, *segments])


class ResultScrapeSummary(TypedDict):
    """How a result's scrape went, beside its content."""

    status_code: int | None
    credits_used: int
    tier_used: str | None
    error: str | None  # the error code when the scrape failed
    message: NotRequired[str | None]  # only when it failed


class SearchResultItem(TypedDict):
    """One result of a search body; the scrape keys only with ``scrape_results``."""

    position: int
    title: str
    url: str
    display_url: str
    snippet: str
    date_published: str | None
    source_engine: str | None
    content: NotRequired[JsonValue]  # the page as converted: text, or one entry per format
    scrape: NotRequired[ResultScrapeSummary]
    extraction_result: NotRequired[JsonValue]  # shaped by the user's extraction schema


def result_item(hit: SearchHit, scraped: ResultScrape | None) -> SearchResultItem:
    item: SearchResultItem = {
        "position": hit.position,
        "title": hit.title,
        "url": hit.url,
        "display_url": display_url(hit.url),
        "snippet": hit.snippet,
        "date_published": hit.published_date[:10] if hit.published_date else None,
        "source_engine": hit.engine,
    }
    if scraped is not None:
        _add_scraped_fields(item, scraped)
    return item


def _add_scraped_fields(item: SearchResultItem, scraped: ResultScrape) -> None:
    if scraped.response is None:
        code = scraped.error.code if scraped.error else scraped.error_code or "INTERNAL_ERROR"
        item["content"] = None
        item["scrape"] = {
            "status_code": None,
            "credits_used": 0,
            "tier_used": None,
            "error": code,
            "message": scraped.error.detail if scraped.error else None,
        }
        return
    response = scraped.response
    item["content"] = response.get("content")
    item["scrape"] = {
        "status_code": response.get("status_code"),
        "credits_used": scraped.credits,
        "tier_used": (response.get("billing") or {}).get("tier_used"),
        "error": None,
    }
    if "extraction_result" in response:
        item["extraction_result"] = response["extraction_result"]


@dataclass(frozen=True)
class SearchOutcome:
    hits: list[SearchHit]
    scrapes: list[ResultScrape] | None  # one per hit, with scrape_results
    search_credits: int
    duration_ms: int
    warning: str | None = None


class CostBreakdown(TypedDict):
    search: int
    scrape: int


class SearchBody(TypedDict):
    """A completed search: stored as the job's result and sent as is."""

    search_id: str
    status: str
    query: str
    results: list[SearchResultItem]
    results_count: int
    results_requested: int
    page: int
    provider: str
    credits_used: int
    cost_breakdown: CostBreakdown
    featured_snippet: None  # no provider gives these three yet
    knowledge_panel: None
    people_also_ask: list[Never]
    duration_ms: int
    created_at: str | None
    warning: str | None


def search_body(job: Job, req: SearchRequest, outcome: SearchOutcome, provider: str) -> SearchBody:
    scrapes: list[ResultScrape | None] = (
        list(outcome.scrapes) if outcome.scrapes is not None else [None] * len(outcome.hits)
    )
    scrape_credits = sum(s.credits for s in outcome.scrapes or [])
    return {
        "search_id": job.id,
        "status": "completed",
        "query": req.query,
        "results": [result_item(h, s) for h, s in zip(outcome.hits, scrapes, strict=True)],
        "results_count": len(outcome.hits),
        "results_requested": req.options.num_results,
        "page": req.options.page,
        "provider": provider,
        "credits_used": outcome.search_credits + scrape_credits,
        "cost_breakdown": {"search": outcome.search_credits, "scrape": scrape_credits},
        "featured_snippet": None,
        "knowledge_panel": None,
        "people_also_ask": [],
        "duration_ms": outcome.duration_ms,
        "created_at": iso(job.created_at),
        "warning": outcome.warning,
    }


@dataclass(frozen=True)
class SearchStatus:
    """A search not completed (yet): ``GET /api/v1/search/{id}`` while pending or running."""

    search_id: str
    status: str
    query: Any  # as the request stored it
    created_at: datetime


@dataclass(frozen=True)
class FailedSearch(SearchStatus):
    error: str
    error_code: str | None
    error_details: dict[str, Any] | None
    credits_refunded: int


def stored_search_body(job: Job) -> SearchBody | None:
    """A search job's stored result: the body ``search_body`` wrote when it completed."""
    return cast(SearchBody | None, job.result)


def search_status_view(job: Job) -> SearchBody | SearchStatus:
    """The stored search body once completed, else where the search stands."""
    body = stored_search_body(job)
    if job.status == "completed" and body is not None:
        return body
    view = SearchStatus(job.id, job.status, job.request.get("query"), job.created_at)
    if job.status != "failed":
        return view
    return FailedSearch(
        **vars(view),
        error=job.error or "Search failed",
        error_code=job.error_code,
        error_details=job.error_details,
        credits_refunded=job.credits_refunded,
    )


@dataclass(frozen=True)
class SearchAccepted:
    """A ``sync: false`` search to poll (``api/`` adds where)."""

    search_id: str
    job_id: str
    status: str
    created_at: datetime


def accepted_body(job: Job) -> SearchAccepted:
    return SearchAccepted(job.id, job.id, "pending", job.created_at)


class SearchWebhookData(TypedDict):
    search_id: str
    query: str | None
    status: str
    results_count: int
    credits_used: int


class SearchCompletedData(SearchWebhookData):
    result: SearchBody | None


class SearchFailedData(SearchWebhookData):
    error: str | None
    error_code: str | None


def search_webhook(job: Job) -> tuple[str, SearchCompletedData | SearchFailedData]:
    """``search.completed`` / ``search.failed`` for an asynchronous search."""
    body = stored_search_body(job)
    data: SearchWebhookData = {
        "search_id": job.id,
        "query": job.request.get("query"),
        "status": job.status,
        "results_count": body.get("results_count", 0) if body else 0,
        "credits_used": body.get("credits_used", job.credits_used) if body else job.credits_used,
    }
    if job.status == "completed":
        completed: SearchCompletedData = {**data, "result": body}
        return "search.completed", completed
    failed: SearchFailedData = {**data, "error": job.error, "error_code": job.error_code}
    return "search.failed", failed


@dataclass(frozen=True)
class SearchBatchAccepted:
    """``POST /api/v1/search/batch`` accepted (``api/`` adds where to poll)."""

    batch_id: str
    type: str
    status: str
    job_ids: list[str]
    search_ids: list[str]
    total_queries: int
    estimated_credits: int
    created_at: datetime


def batch_accepted_body(batch: Batch) -> SearchBatchAccepted:
    return SearchBatchAccepted(
        batch_id=batch.id,
        type="search",
        status="pending",
        job_ids=batch.job_ids,
        search_ids=batch.job_ids,
        total_queries=len(batch.job_ids),
        estimated_credits=batch.estimated_credits,
        created_at=batch.created_at,
    )


class SearchBatchItemData(TypedDict):
    index: int
    query: str
    search_id: str
    status: str
    results_count: int


class SearchBatchWebhookData(TypedDict):
    """``batch.search.completed`` data."""

    batch_id: str
    total_queries: int
    completed: int
    failed: int
    credits_used: int
    items: list[SearchBatchItemData]


def batch_search_webhook(batch: Batch, jobs: list[Job]) -> SearchBatchWebhookData:
    """``batch.urls`` holds the queries of a search batch."""
    by_id = {j.id: j for j in jobs}
    items: list[SearchBatchItemData] = []
    for index, (job_id, query) in enumerate(zip(batch.job_ids, batch.urls, strict=True)):
        job = by_id.get(job_id)
        body = stored_search_body(job) if job else None
        items.append(
            {
                "index": index,
                "query": query,
                "search_id": job_id,
                "status": job.status if job else "failed",
                "results_count": body.get("results_count", 0) if body else 0,
            }
        )
    completed = sum(1 for j in jobs if j.status == "completed")
    bodies = [body for j in jobs if (body := stored_search_body(j))]
    return {
        "batch_id": batch.id,
        "total_queries": len(batch.job_ids),
        "completed": completed,
        "failed": len(batch.job_ids) - completed,
        "credits_used": sum(body.get("credits_used", 0) for body in bodies),
        "items": items,
    }
