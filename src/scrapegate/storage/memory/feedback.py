"""Scrape feedback in memory."""

from __future__ import annotations

from datetime import datetime

from scrapegate.domain.feedback_records import ScrapeFeedback
from scrapegate.domain.records import UsageRow
from scrapegate.errors import Conflict
from scrapegate.storage.memory.state import MemoryState, detached


class MemoryFeedbackRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state  # the request log lives there
        self._rows: dict[str, ScrapeFeedback] = {}

    async def create(self, feedback: ScrapeFeedback) -> ScrapeFeedback:
        for row in self._rows.values():
            if (row.job_id, row.issue_type) == (feedback.job_id, feedback.issue_type):
                raise Conflict("Feedback of this issue type was already sent for this job")
        if feedback.id in self._rows:
            raise Conflict(f"feedback {feedback.id!r} already exists")
        self._rows[feedback.id] = detached(feedback)
        return feedback

    async def get(self, feedback_id: str) -> ScrapeFeedback | None:
        found = self._rows.get(feedback_id)
        return detached(found) if found else None

    async def save(self, feedback: ScrapeFeedback) -> None:
        stored = self._rows.get(feedback.id)
        if stored is None:
            return
        stored.analysis_status = feedback.analysis_status
        stored.analysis = detached(feedback.analysis)
        stored.analyzed_at = feedback.analyzed_at
        stored.support_ticket_id = feedback.support_ticket_id
        stored.support_ticket_ref = feedback.support_ticket_ref

    async def analyses_since(self, org_id: str, since: datetime) -> int:
        return sum(
            1
            for row in self._rows.values()
            if row.org_id == org_id and row.analysis_queued and row.created_at >= since
        )

    async def job_was_analysed(self, job_id: str) -> bool:
        return any(r.job_id == job_id and r.analysis_queued for r in self._rows.values())

    async def request_log_entry(self, row_id: str) -> UsageRow | None:
        for row in reversed(self._state.usage):
            if row.id == row_id:
                return detached(row)
        return None
