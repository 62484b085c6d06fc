"""Request and response bodies of the scrape feedback routes (api/feedback.py)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from scrapegate.api.body_docs import RequestModel
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.domain.feedback_records import IssueType
from scrapegate.platform.feedback import MAX_TEXT


class FeedbackReceiptBody(WireModel):
    feedback_id: str
    status: str
    message: str
    analysis_queued: bool
    support_ticket_id: str | None
    support_ticket_ref: str | None


class FeedbackBody(WireModel):
    """A stored feedback; ``analysis`` is the re-check's stored JSON, null until it ends."""

    feedback_id: str = Field(validation_alias="id")
    job_id: str
    issue_type: str
    description: str | None
    expected_content: str | None
    url: str
    analysis_queued: bool
    analysis_status: str
    analysis: dict[str, Any] | None
    support_ticket_id: str | None
    support_ticket_ref: str | None
    created_at: WireTime
    analyzed_at: WireTime | None


class FeedbackRequestBody(RequestModel):
    """``POST /api/v1/feedback/scrape``: a problem with one of the caller's jobs."""

    job_id: str
    issue_type: IssueType
    description: str | None = Field(None, max_length=MAX_TEXT)
    expected_content: str | None = Field(None, max_length=MAX_TEXT)
