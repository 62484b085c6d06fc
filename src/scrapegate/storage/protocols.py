"""Repository protocols. Two implementations each: ``storage.memory`` and ``storage.sql``.

Every method is its own transaction. Methods that must be atomic under concurrent writers
(ledger movements, job claiming) say so; the contract suite in tests/contract checks it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from scrapegate.domain.records import (
    ApiKey,
    Batch,
    CacheEntry,
    Crawl,
    CrawlEvent,
    CrawlPage,
    DomainAttempt,
    HealthSample,
    Job,
    JobCounts,
    JobTombstone,
    LedgerEntry,
    LedgerKind,
    Organization,
    Report,
    UsageRow,
    UsageSummary,
    User,
    WebhookDelivery,
)
from scrapegate.storage.analytics_protocol import RequestLogQueries
from scrapegate.storage.blog_protocol import BlogRepository
from scrapegate.storage.extraction_protocol import (
    ExtractionRunRepository,
    ExtractionTemplateRepository,
    LlmKeyRepository,
)
from scrapegate.storage.feedback_protocol import FeedbackRepository
from scrapegate.storage.kb_protocol import KbRepository
from scrapegate.storage.notification_protocol import (
    NotificationRepository,
    SupportPreferenceRepository,
)
from scrapegate.storage.oauth_protocol import OAuthRepository
from scrapegate.storage.platform_events_protocol import (
    AnalyticsEventRepository,
    AnnouncementRepository,
    UnsubscribeRepository,
)
from scrapegate.storage.support_protocol import SupportRepository


class OrganizationRepository(Protocol):
    async def create(self, org: Organization) -> Organization:
        """Insert; raises ``scrapegate.errors.Conflict`` when the slug exists."""
        ...

    async def get(self, org_id: str) -> Organization | None: ...
    async def get_by_slug(self, slug: str) -> Organization | None: ...
    async def list_all(self) -> list[Organization]:
        """Every organization, oldest first."""
        ...


class UserRepository(Protocol):
    async def create(self, user: User) -> User: ...
    async def get(self, user_id: str) -> User | None: ...
    async def get_by_name(self, name: str) -> User | None: ...


class ApiKeyRepository(Protocol):
    async def create(self, key: ApiKey) -> ApiKey: ...
    async def get(self, key_id: str) -> ApiKey | None: ...
    async def get_by_hash(self, key_hash: str) -> ApiKey | None: ...
    async def list_for_org(self, org_id: str) -> list[ApiKey]:
        """Newest first, revoked included."""
        ...

    async def revoke(self, key_id: str, at: datetime) -> bool:
        """False when the key does not exist or was already revoked."""
        ...

    async def touch(self, key_id: str, at: datetime) -> None: ...


class LedgerRepository(Protocol):
    async def balance(self, org_id: str) -> int:
        """Current balance in microcents (0 for an organization without entries)."""
        ...

    async def apply(
        self,
        org_id: str,
        amount: int,
        kind: LedgerKind,
        *,
        job_id: str | None = None,
        idempotency_key: str | None = None,
        note: str | None = None,
    ) -> LedgerEntry | None:
        """Atomically add ``amount`` (signed) to the balance and record the entry.

        A negative amount that would take the balance below zero changes nothing and returns
        None. When ``idempotency_key`` was used before for this organization, nothing changes and
        the earlier entry is returned. Safe under concurrent callers on every implementation.
        """
        ...

    async def entries(self, org_id: str, *, job_id: str | None = None) -> list[LedgerEntry]:
        """Oldest first."""
        ...


class JobRepository(Protocol):
    async def create(self, job: Job) -> Job: ...
    async def create_many(self, jobs: Sequence[Job]) -> None:
        """Create the jobs in one write; ids already stored are left as they are."""
        ...

    async def get(self, job_id: str) -> Job | None: ...
    async def save(self, job: Job) -> None:
        """Write every field of an existing job."""
        ...

    async def save_held(self, job: Job, owner: str) -> bool:
        """Write every field of the job only while ``owner`` holds it (running, its lease
        owner); False otherwise. Terminal states go through here, so a job that ran twice
        (its first worker presumed dead) ends once."""
        ...

    async def claim(self, job_id: str, owner: str, lease_until: datetime) -> Job | None:
        """Atomically move a pending job (or a running one whose lease expired) to running for
        ``owner``; increments ``run_count``. None when another owner holds it or it is terminal."""
        ...

    async def find_inflight(self, org_id: str, request_hash: str) -> Job | None:
        """A pending or running job of this organization with this request hash."""
        ...

    async def list_unfinished(self) -> list[Job]:
        """Pending and running jobs, oldest first: what a restarted worker pool resumes."""
        ...

    async def list_effects_pending(self, ended_before: datetime, *, limit: int) -> list[Job]:
        """Ended jobs still marked ``effects_pending`` that ended before ``ended_before``."""
        ...

    async def effects_done(self, job_id: str) -> None:
        """Clear ``effects_pending`` (the job's after-effects all ran)."""
        ...

    async def queue_position(self, job: Job) -> int:
        """1 + the number of pending jobs of the same organization created before this one."""
        ...

    async def expire(self, now: datetime, tombstone_ttl_s: int) -> int:
        """Delete terminal jobs whose ``expires_at`` passed, leaving tombstones; drop tombstones
        past ``forget_at``. Returns the number of jobs expired."""
        ...

    async def tombstone(self, job_id: str) -> JobTombstone | None: ...
    async def counts(self, now: datetime, ended_since: datetime) -> JobCounts:
        """Pending and running jobs, running ones whose lease lapsed before ``now``, the
        creation time of the oldest pending job, and the jobs completed or failed at or after
        ``ended_since`` with their average run time."""
        ...

    async def get_many(self, job_ids: Sequence[str]) -> list[Job]:
        """The jobs that exist among ``job_ids``, in the order given."""
        ...


class CacheRepository(Protocol):
    async def get(self, key: str, now: datetime) -> CacheEntry | None:
        """A live entry (``expires_at`` after ``now``) or None."""
        ...

    async def put(self, entry: CacheEntry) -> None:
        """Insert or replace."""
        ...

    async def purge(self, now: datetime) -> int: ...


class UsageRepository(Protocol):
    async def append(self, row: UsageRow) -> None: ...
    async def append_once(self, row: UsageRow) -> None:
        """Insert unless a row with this id exists (a replayed job logs its scrape once)."""
        ...

    async def append_many(self, rows: Sequence[UsageRow]) -> None:
        """Insert every row in one transaction (the request log is written in batches)."""
        ...

    async def summary(self, org_id: str, since: datetime, until: datetime) -> UsageSummary:
        """Scrape rows (``kind == "scrape"``) in [since, until): count and summed credits."""
        ...

    async def list_for_org(self, org_id: str, *, limit: int = 100) -> list[UsageRow]:
        """Newest first."""
        ...


class PlaybookRepository(Protocol):
    async def record(self, attempt: DomainAttempt) -> None: ...
    async def recent(
        self, domain: str, *, org_id: str | None, limit: int = 50
    ) -> list[DomainAttempt]:
        """Newest first; ``org_id`` None pools every organization."""
        ...


class WebhookDeliveryRepository(Protocol):
    async def create(self, delivery: WebhookDelivery) -> WebhookDelivery: ...
    async def get(self, delivery_id: str) -> WebhookDelivery | None: ...
    async def save(self, delivery: WebhookDelivery) -> None: ...
    async def list_pending(self) -> list[WebhookDelivery]:
        """Deliveries not yet delivered or given up, oldest first (resumed after a restart)."""
        ...

    async def list_for_org(self, org_id: str, *, limit: int = 100) -> list[WebhookDelivery]: ...


class BatchRepository(Protocol):
    async def create(self, batch: Batch) -> Batch: ...
    async def get(self, batch_id: str) -> Batch | None: ...
    async def save(self, batch: Batch) -> None: ...
    async def finish(self, batch_id: str, at: datetime, expires_at: datetime) -> bool:
        """Atomically set ``completed_at``/``expires_at`` when still unset; True for the caller
        that did it (exactly one caller sends the completion webhook)."""
        ...

    async def count_unfinished(self, org_id: str) -> int: ...
    async def purge(self, now: datetime) -> int:
        """Delete batches whose ``expires_at`` passed."""
        ...


class CrawlRepository(Protocol):
    async def create(self, crawl: Crawl) -> Crawl:
        """Insert; ``NotFound`` for an unknown organization, ``Conflict`` for a duplicate id."""
        ...

    async def get(self, crawl_id: str) -> Crawl | None: ...
    async def save(self, crawl: Crawl) -> None:
        """Write every field of an existing crawl but ``robots_blocked`` (only
        ``add_robots_blocked`` moves that count); ``NotFound`` when it is missing."""
        ...

    async def add_robots_blocked(self, crawl_id: str, urls: Sequence[str], *, keep: int) -> int:
        """Record URLs robots.txt kept out of the crawl: the ones not yet listed join its list
        (in order, while it holds fewer than ``keep``) and add to ``Crawl.robots_blocked``.

        Atomic under concurrent callers: no URL is listed twice and the list never exceeds
        ``keep``. Once the list is full, new URLs are counted without being checked for
        repeats. Returns how many were counted; ``NotFound`` for an unknown crawl.
        """
        ...

    async def list_robots_blocked(self, crawl_id: str) -> list[str]:
        """The crawl's listed robots-blocked URLs, in the order they were recorded."""
        ...

    async def add_pages(self, pages: Sequence[CrawlPage], *, max_pages: int) -> list[CrawlPage]:
        """Insert, in order, the pages whose ``url_key`` is new for their crawl while the crawl
        holds fewer than ``max_pages`` pages; returns the inserted ones with ``seq`` assigned.

        Atomic and safe under concurrent callers: a crawl never exceeds ``max_pages`` pages nor
        holds a ``url_key`` twice. ``NotFound`` when a page's crawl does not exist.
        """
        ...

    async def mark_page(self, crawl_id: str, job_id: str, status: str, at: datetime) -> bool:
        """Set the status of the crawl's page fetched by ``job_id`` (no page: nothing changes);
        ``completed_at`` becomes ``at`` for a terminal status, None for "queued". True when the
        status changed (a replayed hook finds it already set)."""
        ...

    async def page_counts(self, crawl_id: str) -> dict[str, int]:
        """``{"queued": n, "completed": n, "failed": n, "total": n}``."""
        ...

    async def list_pages(self, crawl_id: str, *, offset: int, limit: int) -> list[CrawlPage]:
        """By ``seq`` ascending."""
        ...

    async def finish(
        self, crawl_id: str, *, status: str, stop_reason: str, at: datetime, expires_at: datetime
    ) -> bool:
        """Atomically set status/stop_reason/completed_at/expires_at when ``completed_at`` is
        still unset; True for the one caller that did it."""
        ...

    async def count_unfinished(self, org_id: str) -> int: ...
    async def list_unfinished(self) -> list[Crawl]:
        """Crawls without ``completed_at``, oldest first (resumed after a restart)."""
        ...

    async def list_for_org(
        self, org_id: str, *, statuses: Sequence[str] | None, offset: int, limit: int
    ) -> tuple[list[Crawl], int]:
        """The organization's crawls, newest first, optionally only those in ``statuses``;
        with the total count of matching crawls."""
        ...

    async def job_totals(self, crawl_id: str) -> tuple[int, int, int]:
        """Over the crawl's page jobs: credits used, credits refunded, jobs running now."""
        ...

    async def add_event(self, crawl_id: str, event: str, data: dict[str, Any]) -> CrawlEvent:
        """Append to the crawl's event log; ids grow monotonically (across all crawls)."""
        ...

    async def events_since(self, crawl_id: str, last_id: int, *, limit: int) -> list[CrawlEvent]:
        """Events of the crawl with ``id > last_id``, oldest first."""
        ...

    async def purge(self, now: datetime) -> int:
        """Delete crawls whose ``expires_at`` passed, with their pages; returns the crawl count."""
        ...


class ReportRepository(Protocol):
    async def create(self, report: Report) -> Report:
        """Insert; ``Conflict`` for a duplicate id."""
        ...

    async def get(self, report_id: str) -> Report | None: ...
    async def purge(self, older_than: datetime) -> int:
        """Delete reports created before ``older_than``; returns how many."""
        ...


class HealthSampleRepository(Protocol):
    async def add(self, sample: HealthSample) -> None: ...
    async def latest(self) -> HealthSample | None:
        """The most recent sample by ``taken_at``."""
        ...

    async def uptime(self, since: datetime) -> tuple[int, int]:
        """Samples taken at or after ``since``: (all of them, those with ``core_operational``)."""
        ...

    async def purge(self, older_than: datetime) -> int:
        """Delete samples taken before ``older_than``; returns how many."""
        ...


@dataclass
class Storage:
    """Every repository of one backend, plus its lifecycle."""

    organizations: OrganizationRepository
    users: UserRepository
    api_keys: ApiKeyRepository
    ledger: LedgerRepository
    jobs: JobRepository
    cache: CacheRepository
    usage: UsageRepository
    playbook: PlaybookRepository
    webhooks: WebhookDeliveryRepository
    batches: BatchRepository
    crawls: CrawlRepository
    reports: ReportRepository
    analytics: RequestLogQueries
    analytics_events: AnalyticsEventRepository
    announcements: AnnouncementRepository
    unsubscribes: UnsubscribeRepository
    health: HealthSampleRepository
    oauth: OAuthRepository
    feedback: FeedbackRepository
    support: SupportRepository
    blog: BlogRepository
    kb: KbRepository
    notifications: NotificationRepository
    support_preferences: SupportPreferenceRepository
    templates: ExtractionTemplateRepository
    extractions: ExtractionRunRepository
    llm_keys: LlmKeyRepository
    backend: str  # "memory", "sqlite" or "postgresql"
    closer: Callable[[], Awaitable[None]] | None = None
    pinger: Callable[[], Awaitable[bool]] | None = None

    async def close(self) -> None:
        if self.closer is not None:
            await self.closer()

    async def ping(self) -> bool:
        return True if self.pinger is None else await self.pinger()
