"""Request and response models of the batch routes (``api/batch.py``).

Each response model mirrors a dataclass of ``jobs.batch_views``; fields are declared in wire
order, and a ``MISSING`` default leaves a key out when the dataclass has no such attribute.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, Discriminator, Field, Tag

from scrapegate.api.body_docs import RequestModel, one_of
from scrapegate.api.scrape_request_models import ScrapeFieldsBody, ScrapeRequestBody
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.domain.batch_request import BATCH_EVENTS
from scrapegate.jobs.batch_views import BatchAccepted, ExpiredBatchItem


def batch_url(batch_id: str) -> str:
    return f"/api/v1/batch/{batch_id}"


class ExpiredBatchItemBody(WireModel):
    """An item whose job was purged: its keys come in this order."""

    index: int
    job_id: None
    url: str
    status: str
    error: str
    error_code: str
    credits_used: int


class BatchItemBody(WireModel):
    index: int
    job_id: str
    url: str
    status: str
    credits_used: int
    result: dict[str, Any] | MISSING | None = MISSING  # completed, with include_results
    error: str | MISSING | None = MISSING  # failed items only
    error_code: str | MISSING | None = MISSING


def _item_kind(item: Any) -> str:
    expired = isinstance(item, ExpiredBatchItem | ExpiredBatchItemBody)
    return "expired" if expired else "item"


BatchItemUnion = Annotated[
    Annotated[ExpiredBatchItemBody, Tag("expired")] | Annotated[BatchItemBody, Tag("item")],
    Discriminator(_item_kind),
]


class BatchBody(WireModel):
    batch_id: str
    type: str
    status: str
    total_requests: int
    total_urls: int
    completed: int
    failed: int
    pending: int
    running: int
    credits_used: int
    estimated_credits: int
    invalid_items: list[dict[str, Any]]
    created_at: WireTime
    completed_at: WireTime | None
    expires_at: WireTime | None
    items: list[BatchItemUnion]


class BatchStatusResponse(BatchBody):
    has_more: bool
    next_offset: int | None


class BatchAcceptedResponse(BatchBody):
    job_ids: list[str]
    poll_url: str

    @classmethod
    def of(cls, accepted: BatchAccepted) -> BatchAcceptedResponse:
        return cls.model_validate(vars(accepted) | {"poll_url": batch_url(accepted.batch_id)})


class BatchCancelResponse(WireModel):
    batch_id: str
    status: str
    cancelled_jobs: int
    credits_refunded: int


class BatchRequestBody(RequestModel):
    """``POST /api/v1/batch``: exactly one of ``requests`` and ``urls``."""

    requests: list[ScrapeRequestBody] | None = None
    urls: list[ScrapeRequestBody | str] | None = Field(
        None, description="scrape requests, or plain URL strings"
    )
    defaults: ScrapeFieldsBody | None = Field(
        None, description="applied to every item that does not set a field (one level deep)"
    )
    ignore_invalid: bool = False
    webhook_url: str | None = None
    webhook_secret: str | None = Field(None, min_length=16, max_length=256)
    webhook_events: list[Annotated[str, one_of(BATCH_EVENTS)]] | None = None
