"""Dashboard job routes: the job store plus the request log.

Unfinished jobs exist only in the job store; terminal ones are read from the request log, so they
stay listed after their result expired. The detail prefers the job store while the job is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, TypedDict, cast

from scrapegate.domain.records import Job, UsageRow
from scrapegate.domain.scrape_document import BillingDocument
from scrapegate.errors import InvalidRequest, NotFound
from scrapegate.storage.analytics_protocol import LogQuery
from scrapegate.storage.protocols import Storage

STATUS_ALIASES = {"queued": "pending", "processing": "running", "succeeded": "completed"}
STATUSES = ("pending", "running", "completed", "failed")
MODES = ("auto", "html", "light", "js", "pdf", "ocr")
MAX_SEARCH = 200
MASK = "***"
MASKED_KEYS = ("headers", "cookies", "body")
SECRET_WORDS = ("secret", "password", "token", "api_key", "apikey", "authorization", "cookie")
ALL_TIME = timedelta(days=366 * 20)


@dataclass(frozen=True)
class JobFilter:
    status: str | None = None
    mode: str | None = None
    search: str | None = None
    source: str | None = None

    @classmethod
    def checked(
        cls, status: str | None, mode: str | None, search: str | None, source: str | None
    ) -> JobFilter:
        status = STATUS_ALIASES.get(status, status) if status else None
        if status is not None and status not in STATUSES:
            raise InvalidRequest(f"status must be one of: {', '.join(STATUSES)}", "status")
        if mode is not None and mode not in MODES:
            raise InvalidRequest(f"mode must be one of: {', '.join(MODES)}", "mode")
        if search is not None and len(search) > MAX_SEARCH:
            raise InvalidRequest(f"search must be at most {MAX_SEARCH} characters", "search")
        return cls(status, mode, search or None, source)


@dataclass(frozen=True)
class JobSummary:
    id: str
    url: str | None
    mode: str | None
    status: str
    source: str | None
    credits_used: int
    tier_used: str | None
    status_code: int | None  # the target's status
    error_code: str | None
    response_time_ms: int | None
    created_at: datetime
    completed_at: datetime | None


class ReservedBilling(TypedDict):
    """A kept job whose result holds no billing object (unfinished, failed, or a search)."""

    credits_used: int
    credits_reserved: int
    credits_refunded: int


class LoggedBilling(TypedDict):
    """What the request log knows once the job itself is gone."""

    credits_used: int
    cached: bool


JobBilling = BillingDocument | ReservedBilling | LoggedBilling


@dataclass(frozen=True)
class JobDetail(JobSummary):
    started_at: datetime | None
    api_key_id: str | None
    error: str | None
    request: dict[str, Any] | None  # the stored request, sanitised
    billing: JobBilling
    result_available: bool
    result_expires_at: datetime | None
    result: dict[str, Any] | None  # the stored result, while it is kept


@dataclass(frozen=True)
class JobPage:
    jobs: list[JobSummary]
    total: int
    limit: int
    offset: int
    has_more: bool


@dataclass(frozen=True)
class RecentJobs:
    jobs: list[JobSummary]
    total: int


def _unfinished_summary(job: Job) -> JobSummary:
    return JobSummary(
        id=job.id,
        url=job.request.get("url"),
        mode=job.request.get("mode"),
        status=job.status,
        source=job.origin.source,
        credits_used=0,
        tier_used=job.current_tier,
        status_code=None,
        error_code=None,
        response_time_ms=None,
        created_at=job.created_at,
        completed_at=None,
    )


def row_summary(row: UsageRow) -> JobSummary:
    return JobSummary(
        id=row.job_id or row.id,
        url=row.url,
        mode=row.mode,
        status=row.status,
        source=row.source,
        credits_used=row.credits,
        tier_used=row.tier,
        status_code=row.target_status_code,
        error_code=row.error_code,
        response_time_ms=row.latency_ms,
        created_at=row.created_at,
        completed_at=row.completed_at or row.created_at,
    )


def _keeps(job: Job, wanted: JobFilter) -> bool:
    return (
        (wanted.status is None or job.status == wanted.status)
        and (wanted.mode is None or job.request.get("mode") == wanted.mode)
        and (wanted.search is None or wanted.search in str(job.request.get("url", "")))
        and (wanted.source is None or job.origin.source == wanted.source)
    )


def sanitised(value: Any, key: str = "") -> Any:
    """The request as stored, with header values, cookies, bodies and secrets masked."""
    lowered = key.lower()
    if lowered in MASKED_KEYS and isinstance(value, dict):
        return {name: MASK for name in value}
    if lowered in MASKED_KEYS or any(word in lowered for word in SECRET_WORDS):
        return MASK if value is not None else None
    if isinstance(value, dict):
        return {k: sanitised(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [sanitised(item) for item in value]
    return value


class DashboardJobs:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def _unfinished(self, org_id: str, wanted: JobFilter) -> list[Job]:
        if wanted.status in ("completed", "failed"):
            return []
        jobs = [
            j
            for j in await self._storage.jobs.list_unfinished()
            if j.org_id == org_id and _keeps(j, wanted)
        ]
        return sorted(jobs, key=lambda j: (j.created_at, j.id), reverse=True)

    def _log_query(self, org_id: str, now: datetime, wanted: JobFilter) -> LogQuery:
        base = LogQuery(org_id, now - ALL_TIME, now + timedelta(seconds=1))
        return replace(
            base,
            status=wanted.status,
            mode=wanted.mode,
            url_contains=wanted.search,
            source=wanted.source,
        )

    async def page(
        self, org_id: str, wanted: JobFilter, offset: int, limit: int, now: datetime
    ) -> JobPage:
        pending = await self._unfinished(org_id, wanted)
        items = [_unfinished_summary(j) for j in pending[offset : offset + limit]]
        logged_total = 0
        if wanted.status not in ("pending", "running"):
            query = self._log_query(org_id, now, wanted)
            logged_total = await self._storage.analytics.count_rows(query)
            rows = await self._storage.analytics.list_rows(
                query, offset=max(offset - len(pending), 0), limit=limit - len(items)
            )
            items.extend(row_summary(r) for r in rows)
        total = len(pending) + logged_total
        return JobPage(items, total, limit, offset, has_more=offset + len(items) < total)

    async def recent(self, org_id: str, limit: int, now: datetime) -> RecentJobs:
        page = await self.page(org_id, JobFilter(), 0, limit, now)
        return RecentJobs(page.jobs, total=len(page.jobs))

    async def detail(self, org_id: str, job_id: str, now: datetime) -> JobDetail:
        job = await self._storage.jobs.get(job_id)
        if job is not None and job.org_id != org_id:
            job = None
        row = await self._storage.analytics.row_for_job(org_id, job_id)
        if job is None and row is None:
            raise NotFound("Job not found")
        return _detail(job, row, now)


def _detail(job: Job | None, row: UsageRow | None, now: datetime) -> JobDetail:
    if job is not None:
        view = replace(
            _unfinished_summary(job),
            completed_at=job.completed_at,
            credits_used=job.credits_used,
            error_code=job.error_code,
            tier_used=job.current_tier,
        )
    elif row is not None:
        view = row_summary(row)
    else:
        raise NotFound("Job not found")
    if row is not None:
        view = replace(view, status_code=row.target_status_code, response_time_ms=row.latency_ms)
    available = job is not None and job.status == "completed" and _retained(job, now)
    return JobDetail(
        **vars(view),  # every field of the summary, as adjusted above
        started_at=job.started_at if job else None,
        api_key_id=job.key_id if job else row.key_id if row else None,
        error=job.error if job else None,
        request=sanitised(job.request) if job else None,
        billing=_billing(job, row),
        result_available=available,
        result_expires_at=job.expires_at if available and job else None,
        result=job.result if available and job else None,
    )


def _retained(job: Job, now: datetime) -> bool:
    return job.expires_at is not None and job.expires_at > now


def _billing(job: Job | None, row: UsageRow | None) -> JobBilling:
    """The billing object stored with the scrape result, else what the rows know."""
    stored = (job.result or {}).get("billing") if job else None
    if isinstance(stored, dict):
        return cast(BillingDocument, stored)  # the engine wrote it with the result
    if job is not None:
        return {
            "credits_used": job.credits_used,
            "credits_reserved": job.credits_reserved,
            "credits_refunded": job.credits_refunded,
        }
    return {"credits_used": row.credits if row else 0, "cached": row.cache_hit if row else False}
