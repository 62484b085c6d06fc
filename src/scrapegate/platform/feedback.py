"""Scrape feedback: store it, queue a free re-check, open a ticket.

A feedback row references the reported job and its request-log row. The re-check (a tier-4
scrape, see ``feedback_diagnosis``) runs at most once per job and ``DAILY_ANALYSES_PER_ORG``
times per organization and UTC day, for jobs not older than ``RECHECK_MAX_AGE``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, get_args

from scrapegate.domain.feedback_records import IssueType, ScrapeFeedback
from scrapegate.domain.records import Job, new_id, utcnow
from scrapegate.errors import InvalidRequest, NotFound
from scrapegate.storage.protocols import Storage

log = logging.getLogger(__name__)

ISSUE_TYPES: tuple[str, ...] = get_args(IssueType)
MAX_TEXT = 5_000
RECHECK_MAX_AGE = timedelta(days=7)
DAILY_ANALYSES_PER_ORG = 20
TICKET_ISSUES = frozenset({"blocked", "captcha_page", "wrong_content", "extraction_error"})


class FeedbackTicketOpener(Protocol):
    """Opens a support ticket for a feedback (the support module implements it)."""

    async def open_feedback_ticket(
        self, *, user_id: str, org_id: str, subject: str, body: str, metadata: dict[str, Any]
    ) -> tuple[str, str]:
        """(ticket id, ticket reference)."""
        ...


class DiagnosisQueue(Protocol):
    """Runs the background re-check of a feedback and stores its outcome on the row."""

    def submit(self, feedback: ScrapeFeedback, original_content: str | None) -> None: ...
    async def aclose(self) -> None:
        """Cancel the re-checks still running (server shutdown)."""
        ...


@dataclass(frozen=True)
class FeedbackInput:
    job_id: str
    issue_type: str
    description: str | None
    expected_content: str | None


@dataclass(frozen=True)
class ReportedJob:
    job_id: str
    url: str
    created_at: datetime
    content: str | None  # the original result's text, when the job still holds it


def _optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise InvalidRequest(f"{key} must be a string of at most {MAX_TEXT} characters", key)
    return value.strip() or None


def parse_feedback(body: Any) -> FeedbackInput:
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    job_id = body.get("job_id")
    if not isinstance(job_id, str) or not job_id.strip():
        raise InvalidRequest("job_id is required", "job_id")
    try:
        job_id = str(uuid.UUID(job_id.strip()))
    except ValueError:
        raise NotFound("Job not found") from None  # unknown ids are 404, like any id
    issue_type = body.get("issue_type")
    if issue_type not in ISSUE_TYPES:
        raise InvalidRequest(f"issue_type must be one of {', '.join(ISSUE_TYPES)}", "issue_type")
    return FeedbackInput(
        job_id=job_id,
        issue_type=str(issue_type),
        description=_optional_text(body, "description"),
        expected_content=_optional_text(body, "expected_content"),
    )


def result_text(result: dict[str, Any] | None) -> str | None:
    """The text a job returned: ``content`` itself, or its markdown/text/html format."""
    content = (result or {}).get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        for name in ("markdown", "text", "html"):
            if isinstance(content.get(name), str):
                return str(content[name])
    return None


@dataclass(frozen=True)
class FeedbackReceipt:
    """The answer to #30: the feedback is stored; whether a re-check or a ticket follows."""

    feedback_id: str
    message: str
    analysis_queued: bool
    support_ticket_id: str | None
    support_ticket_ref: str | None
    status: str = "received"


def start_of_utc_day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


class FeedbackService:
    def __init__(
        self,
        storage: Storage,
        diagnosis: DiagnosisQueue,
        request_log_id: Callable[[str], str],
        *,
        tickets: FeedbackTicketOpener | None = None,
        support_enabled: bool = False,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._storage = storage
        self._diagnosis = diagnosis
        self._request_log_id = request_log_id  # a job's fixed request-log row id
        self._tickets = tickets if support_enabled else None
        self._clock = clock
        # Count-then-insert of the daily cap: serialised within this process.
        self._queue_lock = asyncio.Lock()

    async def submit(self, body: Any, *, user_id: str, org_id: str) -> FeedbackReceipt:
        given = parse_feedback(body)
        job = await self._reported_job(org_id, given.job_id)
        feedback = ScrapeFeedback(
            id=new_id(),
            org_id=org_id,
            user_id=user_id,
            job_id=job.job_id,
            request_log_id=self._request_log_id(job.job_id),
            issue_type=given.issue_type,
            url=job.url,
            description=given.description,
            expected_content=given.expected_content,
            created_at=self._clock(),
        )
        async with self._queue_lock:
            feedback.analysis_queued = await self._may_recheck(job, org_id)
            feedback.analysis_status = "queued" if feedback.analysis_queued else "not_queued"
            await self._storage.feedback.create(feedback)  # Conflict on a repeat
        await self._open_ticket(feedback)
        if feedback.analysis_queued:
            self._diagnosis.submit(feedback, job.content)
        return FeedbackReceipt(
            feedback_id=feedback.id,
            message=self._message(feedback),
            analysis_queued=feedback.analysis_queued,
            support_ticket_id=feedback.support_ticket_id,
            support_ticket_ref=feedback.support_ticket_ref,
        )

    async def aclose(self) -> None:
        await self._diagnosis.aclose()

    async def view(self, feedback_id: str, org_id: str) -> ScrapeFeedback:
        feedback = await self._storage.feedback.get(feedback_id)
        if feedback is None or feedback.org_id != org_id:
            raise NotFound("Feedback not found")
        return feedback

    async def _reported_job(self, org_id: str, job_id: str) -> ReportedJob:
        """The caller's scrape job; once the job row expired, its request-log row stands in."""
        job = await self._storage.jobs.get(job_id)
        if job is not None:
            return self._owned_job(job, org_id)
        row = await self._storage.feedback.request_log_entry(self._request_log_id(job_id))
        if row is None or row.org_id != org_id or not row.url:
            raise NotFound("Job not found")
        return ReportedJob(job_id, row.url, row.created_at, None)

    @staticmethod
    def _owned_job(job: Job, org_id: str) -> ReportedJob:
        url = job.request.get("url")
        if job.org_id != org_id or job.type != "scrape" or not isinstance(url, str):
            raise NotFound("Job not found")
        return ReportedJob(job.id, url, job.created_at, result_text(job.result))

    async def _may_recheck(self, job: ReportedJob, org_id: str) -> bool:
        now = self._clock()
        if now - job.created_at > RECHECK_MAX_AGE:
            return False
        if await self._storage.feedback.job_was_analysed(job.job_id):
            return False
        used = await self._storage.feedback.analyses_since(org_id, start_of_utc_day(now))
        return used < DAILY_ANALYSES_PER_ORG

    async def _open_ticket(self, feedback: ScrapeFeedback) -> None:
        if self._tickets is None or feedback.issue_type not in TICKET_ISSUES:
            return
        try:
            (
                feedback.support_ticket_id,
                feedback.support_ticket_ref,
            ) = await self._tickets.open_feedback_ticket(
                user_id=feedback.user_id,
                org_id=feedback.org_id,
                subject=f"Scrape feedback: {feedback.issue_type} on {feedback.url}"[:200],
                body=feedback.description or f"Reported issue: {feedback.issue_type}",
                metadata={
                    "feedback_id": feedback.id,
                    "job_id": feedback.job_id,
                    "issue_type": feedback.issue_type,
                    "url": feedback.url,
                    "expected_content": feedback.expected_content,
                },
            )
        except Exception:  # the feedback is stored either way; the ticket is a convenience
            log.exception("opening the support ticket of feedback %s failed", feedback.id)
            return
        await self._storage.feedback.save(feedback)

    @staticmethod
    def _message(feedback: ScrapeFeedback) -> str:
        parts = ["Thanks, your feedback was received."]
        if feedback.analysis_queued:
            parts.append("A diagnostic re-check of the page is running.")
        if feedback.support_ticket_ref:
            parts.append(f"Support ticket {feedback.support_ticket_ref} was opened.")
        return " ".join(parts)
