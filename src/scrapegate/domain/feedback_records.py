"""Scrape feedback and its diagnostic re-check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from scrapegate.domain.records import utcnow

IssueType = Literal[
    "captcha_page",
    "incomplete_scrape",
    "blocked",
    "wrong_content",
    "slow_response",
    "extraction_error",
    "encoding_error",
    "other",
]
# not_queued: no re-check (too old, cap reached, already checked); then queued → running → done.
AnalysisStatus = Literal["not_queued", "queued", "running", "completed", "failed"]


@dataclass
class ScrapeFeedback:
    id: str
    org_id: str
    user_id: str
    job_id: str
    request_log_id: str  # the job's request-log row (a fixed id derived from the job id)
    issue_type: str
    url: str
    description: str | None = None
    expected_content: str | None = None
    analysis_queued: bool = False
    analysis_status: str = "not_queued"
    analysis: dict[str, Any] | None = None
    support_ticket_id: str | None = None
    support_ticket_ref: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    analyzed_at: datetime | None = None
