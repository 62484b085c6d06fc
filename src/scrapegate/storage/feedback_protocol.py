"""Storage of scrape feedback."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from scrapegate.domain.feedback_records import ScrapeFeedback
from scrapegate.domain.records import UsageRow


class FeedbackRepository(Protocol):
    async def create(self, feedback: ScrapeFeedback) -> ScrapeFeedback:
        """Raises Conflict when the job already has feedback of this issue type."""
        ...

    async def get(self, feedback_id: str) -> ScrapeFeedback | None: ...
    async def save(self, feedback: ScrapeFeedback) -> None:
        """Write the mutable fields: analysis and support-ticket columns."""
        ...

    async def analyses_since(self, org_id: str, since: datetime) -> int:
        """Feedback rows of the organization with a queued re-check created at or after
        ``since``."""
        ...

    async def job_was_analysed(self, job_id: str) -> bool:
        """Whether any feedback on this job already queued a re-check."""
        ...

    async def request_log_entry(self, row_id: str) -> UsageRow | None:
        """The request-log row with this id (a job's row outlives the job itself)."""
        ...
