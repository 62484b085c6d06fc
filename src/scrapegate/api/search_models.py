"""Response models of the search routes (``api/search.py``).

Each mirrors a dataclass of ``jobs.search_views``; a completed search is the stored body the
search job wrote, sent as is and documented by ``SearchResultResponse``.
"""

from __future__ import annotations

from typing import Any

from pydantic import MISSING

from scrapegate.api.batch_models import batch_url
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.jobs.search_views import SearchAccepted, SearchBatchAccepted


def search_url(search_id: str) -> str:
    return f"/api/v1/search/{search_id}"


class SearchAcceptedResponse(WireModel):
    search_id: str
    job_id: str
    status: str
    poll_url: str
    created_at: WireTime

    @classmethod
    def of(cls, accepted: SearchAccepted) -> SearchAcceptedResponse:
        return cls.model_validate(vars(accepted) | {"poll_url": search_url(accepted.search_id)})


class SearchBatchAcceptedResponse(WireModel):
    batch_id: str
    type: str
    status: str
    job_ids: list[str]
    search_ids: list[str]
    total_queries: int
    estimated_credits: int
    created_at: WireTime
    poll_url: str

    @classmethod
    def of(cls, accepted: SearchBatchAccepted) -> SearchBatchAcceptedResponse:
        return cls.model_validate(vars(accepted) | {"poll_url": batch_url(accepted.batch_id)})


class SearchStatusResponse(WireModel):
    """A search not completed: pending or running, or failed (with the error keys)."""

    search_id: str
    status: str
    query: Any
    created_at: WireTime
    error: str | MISSING = MISSING
    error_code: str | MISSING | None = MISSING
    error_details: dict[str, Any] | MISSING | None = MISSING
    credits_refunded: int | MISSING = MISSING


class SearchResultResponse(WireModel):
    """A completed search (as ``search_views.search_body`` stores it)."""

    search_id: str
    status: str
    query: str
    results: list[dict[str, Any]]
    results_count: int
    results_requested: int
    page: int
    provider: str
    credits_used: int
    cost_breakdown: dict[str, int]
    featured_snippet: Any
    knowledge_panel: Any
    people_also_ask: list[Any]
    duration_ms: int
    created_at: WireTime
    warning: str | None
