"""Request and response models of the search routes (``api/search.py``).

Each response model mirrors a dataclass of ``jobs.search_views``; a completed search is the
stored body the search job wrote, sent as is and documented by ``SearchResultResponse``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, Field

from scrapegate.api.batch_models import batch_url
from scrapegate.api.body_docs import RequestModel, one_of
from scrapegate.api.scrape_request_models import AdvancedBody, CostControlsBody, Format
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.domain.request_rules import PROFILES
from scrapegate.domain.search_request import (
    BATCH_SEARCH_EVENTS,
    MAX_BATCH_QUERIES,
    MAX_QUERY_CHARS,
    MIN_BATCH_QUERIES,
    SAFE_SEARCH,
    SEARCH_EVENTS,
    TIME_RANGES,
)
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


class SearchOptionsBody(RequestModel):
    """What every query of a search asks for, and how its results are scraped."""

    num_results: int = Field(10, ge=1, le=50)
    country: str | None = Field(None, description="ISO 3166-1 alpha-2")
    language: str | None = Field(None, description="ISO 639-1")
    time_range: Annotated[str, one_of(TIME_RANGES)] | None = None
    safe_search: Annotated[str, one_of(SAFE_SEARCH)] | bool = "moderate"
    scrape_results: bool = Field(False, description="scrape each result with the engine")
    formats: list[Format] | None = None
    extraction_schema: dict[str, Any] | None = None
    extraction_profile: Annotated[str, one_of(PROFILES)] | None = None
    extraction_prompt: str | None = None
    advanced: AdvancedBody | None = None
    cost_controls: CostControlsBody | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = Field(None, min_length=16, max_length=256)


class SearchRequestBody(SearchOptionsBody):
    """``POST /api/v1/search``."""

    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    domain: str | None = Field(None, description="restrict results to this domain")
    page: int = Field(1, ge=1, le=10)
    sync: bool = Field(True, description="false: always 202, poll the search")
    webhook_events: list[Annotated[str, one_of(SEARCH_EVENTS)]] | None = None


class SearchBatchRequestBody(SearchOptionsBody):
    """``POST /api/v1/search/batch``."""

    queries: list[Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS)]] = Field(
        min_length=MIN_BATCH_QUERIES, max_length=MAX_BATCH_QUERIES
    )
    webhook_events: list[Annotated[str, one_of(BATCH_SEARCH_EVENTS)]] | None = None
