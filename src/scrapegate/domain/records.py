"""Stored records: plain data shared by the storage implementations and the services."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from scrapegate.domain.invalid_item import InvalidItem
from scrapegate.domain.job_origin import JobOrigin
from scrapegate.domain.request_documents import CrawlOptionsDocument
from scrapegate.domain.robots_record import RobotsRecord

JobStatus = Literal["pending", "running", "completed", "failed"]
LedgerKind = Literal["deposit", "reserve", "release", "adjustment"]
Scope = Literal["read", "write", "admin"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Organization:
    id: str
    name: str
    slug: str
    is_personal: bool = False
    suspended: bool = False
    created_at: datetime = field(default_factory=utcnow)


@dataclass
class User:
    id: str
    name: str
    personal_org_id: str
    is_admin: bool = False
    created_at: datetime = field(default_factory=utcnow)


@dataclass
class ApiKey:
    id: str
    org_id: str
    user_id: str
    name: str
    key_hash: str  # SHA-256 hex of the full key; the key itself is never stored
    key_prefix: str  # first 12 characters, for display
    scopes: tuple[str, ...] = ("read", "write")
    rpm_limit: int | None = None
    concurrency_limit: int | None = None
    created_at: datetime = field(default_factory=utcnow)
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass
class LedgerEntry:
    """One balance movement. ``amount`` is signed microcents (reserves negative)."""

    id: str
    org_id: str
    amount: int
    kind: LedgerKind
    balance_after: int
    job_id: str | None = None
    idempotency_key: str | None = None
    note: str | None = None
    created_at: datetime = field(default_factory=utcnow)


@dataclass
class Job:
    id: str
    org_id: str
    key_id: str | None
    type: str  # "scrape" or "search"
    # The validated request as JSON: a ScrapeRequestDocument, or a SearchRequestDocument for a
    # search job. Read-only, so both fit; readers look keys up without narrowing on ``type``.
    request: Mapping[str, Any]
    request_hash: str  # canonical body hash, for coalescing identical in-flight requests
    status: JobStatus = "pending"
    created_at: datetime = field(default_factory=utcnow)
    started_at: datetime | None = None
    completed_at: datetime | None = None
    expires_at: datetime | None = None  # result retention end, set at completion
    result: dict[str, Any] | None = None
    error: str | None = None
    error_code: str | None = None
    error_details: dict[str, Any] | None = None
    credits_used: int = 0
    credits_reserved: int = 0
    credits_refunded: int = 0
    current_tier: str | None = None
    attempt: int = 0
    run_count: int = 0  # how many times a worker picked it up
    # Ended, but the request-log row, webhooks and crawl/batch hooks may not all have run yet
    # (the worker can die in between); the reaper replays them, each step being idempotent.
    effects_pending: bool = False
    lease_owner: str | None = None
    lease_until: datetime | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    # A crawl page's links, found when it completed (its raw HTML is then kept only if asked).
    links: list[str] | None = None
    origin: JobOrigin = field(default_factory=JobOrigin)
    estimated_credits: int = 0  # the minimum cost reserved at admission (microcents)
    size_bytes: int = 0  # decompressed bytes of the page received, for the request log

    @property
    def terminal(self) -> bool:
        return self.status in ("completed", "failed")


@dataclass
class JobTombstone:
    id: str
    org_id: str
    expired_at: datetime
    forget_at: datetime


@dataclass
class CacheEntry:
    key: str
    org_id: str
    response: dict[str, Any]
    created_at: datetime
    expires_at: datetime


@dataclass
class UsageRow:
    """One line of the request log: every API request and every scrape writes one."""

    id: str
    org_id: str | None
    key_id: str | None
    route: str
    method: str
    status_code: int
    latency_ms: int
    created_at: datetime = field(default_factory=utcnow)
    kind: Literal["request", "scrape"] = "request"
    job_id: str | None = None
    url: str | None = None
    domain: str | None = None
    mode: str | None = None
    tier: str | None = None
    credits: int = 0
    bytes: int = 0
    cache_hit: bool = False
    error_code: str | None = None
    # api | playground | crawl | batch | schedule | monitor | firecrawl
    source: str | None = None
    user_id: str | None = None
    endpoint_type: str | None = None  # scrape | batch | crawl | map | search | extract | firecrawl
    status: str = "completed"  # completed | failed | cancelled
    target_status_code: int | None = None  # the target's HTTP status; status_code is ours
    tiers_attempted: list[str] = field(default_factory=list)
    proxy_country: str | None = None
    crawl_id: str | None = None
    batch_id: str | None = None
    schedule_id: str | None = None
    monitor_id: str | None = None
    source_client: str | None = None  # X-AlterLab-Source, else User-Agent
    completed_at: datetime | None = None


@dataclass
class UsageSummary:
    requests: int
    credits: int


@dataclass
class DomainAttempt:
    """Outcome of the final attempt of one scrape, kept per domain for the tier playbook."""

    org_id: str
    domain: str
    tier: str
    success: bool
    created_at: datetime = field(default_factory=utcnow)


@dataclass
class WebhookDelivery:
    id: str  # the delivery id, identical across attempts
    org_id: str
    event: str
    url: str
    payload: dict[str, Any]
    job_id: str | None = None
    status: Literal["pending", "delivered", "failed"] = "pending"
    attempts: int = 0
    response_code: int | None = None
    response_snippet: str | None = None
    latency_ms: int | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)


@dataclass
class Batch:
    """A group of scrape jobs submitted together."""

    id: str
    org_id: str
    key_id: str | None
    job_ids: list[str]
    urls: list[str]
    type: str = "scrape"
    estimated_credits: int = 0
    invalid_items: list[InvalidItem] = field(default_factory=list)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_events: list[str] | None = None
    cancelled: bool = False
    created_at: datetime = field(default_factory=utcnow)
    completed_at: datetime | None = None  # all items terminal (or cancelled)
    expires_at: datetime | None = None  # results kept 24 h after completion


@dataclass
class Crawl:
    """A site crawl: discovered pages become scrape jobs."""

    id: str
    org_id: str
    key_id: str | None
    url: str
    options: CrawlOptionsDocument  # the validated crawl options, incl. the page request template
    status: str = "discovering"  # discovering | running | completed | partial | failed
    cancelled: bool = False  # a cancelled crawl shows as partial/failed with this set
    # finished | max_pages | max_credits | deadline | cancelled | error
    stop_reason: str | None = None
    error: str | None = None
    error_code: str | None = None
    max_pages: int = 50
    estimated_pages: int = 0
    # Distinct URLs robots.txt kept out; only ``add_robots_blocked`` changes it (``save`` keeps it).
    robots_blocked: int = 0
    credits_used: int = 0
    credits_refunded: int = 0
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_events: list[str] | None = None
    created_at: datetime = field(default_factory=utcnow)
    started_at: datetime | None = None
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    # robots.txt as fetched at the start, so any process can apply it.
    robots: RobotsRecord | None = None


@dataclass
class CrawlPage:
    """One page of a crawl and the scrape job fetching it."""

    crawl_id: str
    url_key: str  # normalised URL, unique per crawl
    url: str
    depth: int
    job_id: str
    seq: int = 0  # insertion order within the crawl (assigned by the repository, 1-based)
    status: str = "queued"  # queued | completed | failed (mirrors the job's terminal state)
    created_at: datetime = field(default_factory=utcnow)
    completed_at: datetime | None = None


@dataclass
class CrawlEvent:
    """One entry of a crawl's event log (the SSE stream); ids grow monotonically."""

    id: int
    crawl_id: str
    event: str
    # The event's JSON payload, one shape per event; read-only, so each payload type fits.
    data: Mapping[str, Any]
    created_at: datetime = field(default_factory=utcnow)


@dataclass
class Report:
    """A site-analysis report: submitted by a client or computed here."""

    id: str
    source: Literal["server", "submitted"]
    domain: str
    url: str
    score: int
    grade: str
    title: str | None = None
    signals: list[dict[str, Any]] = field(default_factory=list)
    anti_bot_stack: list[dict[str, Any]] = field(default_factory=list)
    tech_stack: dict[str, Any] = field(default_factory=dict)
    pagination: dict[str, Any] = field(default_factory=dict)
    api_endpoints: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    cookie_count: int = 0
    has_login_wall: bool = False
    has_cookie_gate: bool = False
    estimated_credits: dict[str, Any] = field(default_factory=dict)
    org_id: str | None = None  # who paid for a server analysis; None for submissions
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class JobCounts:
    """What the job queue holds right now (``GET /api/v1/health/jobs``)."""

    pending: int
    running: int
    stalled: int  # running, but the lease lapsed: the worker holding it is presumed dead
    oldest_pending_at: datetime | None
    completed_recently: int = 0  # ended since the ``ended_since`` given to ``counts``
    failed_recently: int = 0
    avg_duration_ms: float | None = None  # started_at to completed_at of those, on average


def average_duration_ms(spans: Sequence[tuple[datetime | None, datetime | None]]) -> float | None:
    """Mean of ``end - start`` in milliseconds over the spans with both ends; None without any."""
    durations = [(end - start).total_seconds() * 1000 for start, end in spans if start and end]
    return sum(durations) / len(durations) if durations else None


@dataclass
class HealthSample:
    """One probe of every service, kept 31 days for the public status page's uptime."""

    id: str
    taken_at: datetime
    overall_status: str
    core_operational: bool  # api and scraper both operational: what uptime counts
    services: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class AnalyticsEvent:
    """One beacon event of the dashboard UI."""

    id: str
    name: str
    ts: datetime
    visitor_id: str | None = None
    user_id: str | None = None
    path: str | None = None
    props: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utcnow)


AnnouncementStyle = Literal["info", "success", "warning", "critical"]


@dataclass
class Announcement:
    """One version of the site-wide announcement (A.2); the highest version is the current one."""

    id: str
    version: int
    enabled: bool
    text: str | None = None
    cta: str | None = None
    cta_url: str | None = None
    style: AnnouncementStyle = "info"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    updated_at: datetime = field(default_factory=utcnow)


@dataclass
class EmailUnsubscribe:
    """A user's opt-out of one e-mail type (A.13); type ``all`` covers every type."""

    user_id: str
    type: str
    created_at: datetime = field(default_factory=utcnow)
