"""What a search looks like on the wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

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


def result_item(hit: SearchHit, scraped: ResultScrape | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "position": hit.position,
        "title": hit.title,
        "url": hit.url,
        "display_url": display_url(hit.url),
        "snippet": hit.snippet,
        "date_published": hit.published_date[:10] if hit.published_date else None,
        "source_engine": hit.engine,
    }
    if scraped is not None:
        item.update(_scraped_fields(scraped))
    return item


def _scraped_fields(scraped: ResultScrape) -> dict[str, Any]:
    if scraped.response is None:
        code = scraped.error.code if scraped.error else scraped.error_code or "INTERNAL_ERROR"
        return {
            "content": None,
            "scrape": {
                "status_code": None,
                "credits_used": 0,
                "tier_used": None,
                "error": code,
                "message": scraped.error.detail if scraped.error else None,
            },
        }
    response = scraped.response
    fields: dict[str, Any] = {
        "content": response.get("content"),
        "scrape": {
            "status_code": response.get("status_code"),
            "credits_used": scraped.credits,
            "tier_used": (response.get("billing") or {}).get("tier_used"),
            "error": None,
        },
    }
    if "extraction_result" in response:
        fields["extraction_result"] = response["extraction_result"]
    return fields


@dataclass(frozen=True)
class SearchOutcome:
    hits: list[SearchHit]
    scrapes: list[ResultScrape] | None  # one per hit, with scrape_results
    search_credits: int
    duration_ms: int
    warning: str | None = None


def search_body(
    job: Job, req: SearchRequest, outcome: SearchOutcome, provider: str
) -> dict[str, Any]:
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


def search_status_view(job: Job) -> dict[str, Any] | SearchStatus:
    """The stored search body once completed, else where the search stands."""
    if job.status == "completed" and job.result is not None:
        return job.result
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


def search_webhook(job: Job) -> tuple[str, dict[str, Any]]:
    """``search.completed`` / ``search.failed`` for an asynchronous search."""
    data: dict[str, Any] = {
        "search_id": job.id,
        "query": job.request.get("query"),
        "status": job.status,
        "results_count": (job.result or {}).get("results_count", 0),
        "credits_used": (job.result or {}).get("credits_used", job.credits_used),
    }
    if job.status == "completed":
        return "search.completed", data | {"result": job.result}
    return "search.failed", data | {"error": job.error, "error_code": job.error_code}


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


def batch_search_webhook(batch: Batch, jobs: list[Job]) -> dict[str, Any]:
    """``batch.search.completed`` data; ``batch.urls`` holds the queries of a search batch."""
    by_id = {j.id: j for j in jobs}
    items = []
    for index, (job_id, query) in enumerate(zip(batch.job_ids, batch.urls, strict=True)):
        job = by_id.get(job_id)
        items.append(
            {
                "index": index,
                "query": query,
                "search_id": job_id,
                "status": job.status if job else "failed",
                "results_count": ((job.result if job else None) or {}).get("results_count", 0),
            }
        )
    return {
        "batch_id": batch.id,
        "total_queries": len(batch.job_ids),
        "completed": sum(1 for j in jobs if j.status == "completed"),
        "failed": len(batch.job_ids) - sum(1 for j in jobs if j.status == "completed"),
        "credits_used": sum(int((j.result or {}).get("credits_used", 0)) for j in jobs),
        "items": items,
    }
