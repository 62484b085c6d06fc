"""Declarative schema. Column names equal the record field names in ``domain.records``
(a job's nested ``origin`` is flattened into columns of its own, see ``storage/sql/jobs.py``).

Every change here needs a new Alembic revision in ``storage/migrations/versions``; the contract
suite compares this metadata with the migrated schema on both databases.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from scrapegate.storage.sql.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON 'null' and SQL NULL would otherwise both appear; None always means SQL NULL here.
NullableJSON: JSON = JSON(none_as_null=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        str: String(),
    }


class OrganizationRow(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    slug: Mapped[str] = mapped_column(unique=True)
    is_personal: Mapped[bool]
    suspended: Mapped[bool]
    created_at: Mapped[datetime]


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    personal_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    is_admin: Mapped[bool]
    created_at: Mapped[datetime]


class ApiKeyRow(Base):
    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_org_id_created_at", "org_id", "created_at"),)

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str]
    key_hash: Mapped[str] = mapped_column(unique=True)
    key_prefix: Mapped[str]
    scopes: Mapped[list[str]] = mapped_column(JSON())
    rpm_limit: Mapped[int | None]
    concurrency_limit: Mapped[int | None]
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class OrgBalanceRow(Base):
    """One row per organization: the row every ledger movement updates (and locks)."""

    __tablename__ = "org_balances"
    __table_args__ = (CheckConstraint("balance >= 0", name="non_negative"),)

    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    balance: Mapped[int] = mapped_column(BigInteger)


class LedgerEntryRow(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_org_id_created_at", "org_id", "created_at"),
        Index("ix_ledger_entries_org_id_job_id", "org_id", "job_id"),
        Index("uq_ledger_entries_org_id_idempotency_key", "org_id", "idempotency_key", unique=True),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str]
    balance_after: Mapped[int] = mapped_column(BigInteger)
    job_id: Mapped[str | None]
    idempotency_key: Mapped[str | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_org_id_request_hash_status", "org_id", "request_hash", "status"),
        Index("ix_jobs_status_created_at", "status", "created_at"),
        Index("ix_jobs_org_id_status_created_at", "org_id", "status", "created_at"),
        Index("ix_jobs_expires_at", "expires_at"),
        Index("ix_jobs_effects_pending_completed_at", "effects_pending", "completed_at"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str]
    key_id: Mapped[str | None]
    type: Mapped[str]
    request: Mapped[dict[str, Any]]
    request_hash: Mapped[str]
    status: Mapped[str]
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(NullableJSON)
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None]
    error_details: Mapped[dict[str, Any] | None] = mapped_column(NullableJSON)
    credits_used: Mapped[int] = mapped_column(BigInteger)
    credits_reserved: Mapped[int] = mapped_column(BigInteger)
    credits_refunded: Mapped[int] = mapped_column(BigInteger)
    current_tier: Mapped[str | None]
    attempt: Mapped[int]
    run_count: Mapped[int]
    effects_pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    lease_owner: Mapped[str | None]
    lease_until: Mapped[datetime | None]
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None]
    links: Mapped[list[str] | None] = mapped_column(NullableJSON)
    source_client: Mapped[str | None]
    batch_id: Mapped[str | None]
    crawl_id: Mapped[str | None]
    depth: Mapped[int] = mapped_column(server_default="0")
    crawl_max_concurrency: Mapped[int | None]
    crawl_host_interval_s: Mapped[float | None] = mapped_column(Float)
    crawl_follow_links: Mapped[bool | None]
    crawl_keep_raw_html: Mapped[bool | None]
    estimated_credits: Mapped[int] = mapped_column(BigInteger, server_default="0")
    size_bytes: Mapped[int] = mapped_column(BigInteger, server_default="0")


class JobTombstoneRow(Base):
    __tablename__ = "job_tombstones"

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str]
    expired_at: Mapped[datetime]
    forget_at: Mapped[datetime] = mapped_column(index=True)


class CacheEntryRow(Base):
    __tablename__ = "cache_entries"

    key: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str]
    response: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class UsageLogRow(Base):
    __tablename__ = "usage_log"
    __table_args__ = (
        Index("ix_usage_log_org_id_created_at", "org_id", "created_at"),
        # Every dashboard query filters on organization, kind and a time window; crawl_id rides
        # along so that splitting crawl rows from the others needs no table lookups.
        Index(
            "ix_usage_log_org_id_kind_created_at_crawl_id",
            "org_id",
            "kind",
            "created_at",
            "crawl_id",
        ),
        Index("ix_usage_log_org_id_domain_created_at", "org_id", "domain", "created_at"),
        Index("ix_usage_log_org_id_job_id", "org_id", "job_id"),
        Index("ix_usage_log_org_id_crawl_id", "org_id", "crawl_id"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str | None]
    key_id: Mapped[str | None]
    route: Mapped[str]
    method: Mapped[str]
    status_code: Mapped[int]
    latency_ms: Mapped[int]
    created_at: Mapped[datetime]
    kind: Mapped[str]
    job_id: Mapped[str | None]
    url: Mapped[str | None] = mapped_column(Text)
    domain: Mapped[str | None]
    mode: Mapped[str | None]
    tier: Mapped[str | None]
    credits: Mapped[int] = mapped_column(BigInteger)
    bytes: Mapped[int] = mapped_column(BigInteger)
    cache_hit: Mapped[bool]
    error_code: Mapped[str | None]
    source: Mapped[str | None]
    user_id: Mapped[str | None]
    endpoint_type: Mapped[str | None]
    status: Mapped[str]
    target_status_code: Mapped[int | None]
    tiers_attempted: Mapped[list[str]] = mapped_column(JSON)
    proxy_country: Mapped[str | None]
    crawl_id: Mapped[str | None]
    batch_id: Mapped[str | None]
    schedule_id: Mapped[str | None]
    monitor_id: Mapped[str | None]
    source_client: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]


class DomainAttemptRow(Base):
    __tablename__ = "playbook_attempts"
    __table_args__ = (
        Index("ix_playbook_attempts_domain_org_id_created_at", "domain", "org_id", "created_at"),
        Index("ix_playbook_attempts_domain_created_at", "domain", "created_at"),
    )

    # Surrogate key: attempts have no identity of their own, and it breaks created_at ties.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str]
    domain: Mapped[str]
    tier: Mapped[str]
    success: Mapped[bool]
    created_at: Mapped[datetime]


class WebhookDeliveryRow(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_status_created_at", "status", "created_at"),
        Index("ix_webhook_deliveries_org_id_created_at", "org_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str]
    event: Mapped[str]
    url: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]]
    job_id: Mapped[str | None]
    status: Mapped[str]
    attempts: Mapped[int]
    response_code: Mapped[int | None]
    response_snippet: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class BatchRow(Base):
    __tablename__ = "batches"
    __table_args__ = (
        Index("ix_batches_org_id_completed_at", "org_id", "completed_at"),
        Index("ix_batches_expires_at", "expires_at"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    key_id: Mapped[str | None]
    job_ids: Mapped[list[str]] = mapped_column(JSON)
    urls: Mapped[list[str]] = mapped_column(JSON)
    type: Mapped[str]
    estimated_credits: Mapped[int] = mapped_column(BigInteger)
    invalid_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None]
    webhook_events: Mapped[list[str] | None] = mapped_column(NullableJSON)
    cancelled: Mapped[bool]
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]


class CrawlRow(Base):
    __tablename__ = "crawls"
    __table_args__ = (
        Index("ix_crawls_org_id_completed_at", "org_id", "completed_at"),
        Index("ix_crawls_expires_at", "expires_at"),
    )

    id: Mapped[str] = mapped_column(primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    key_id: Mapped[str | None]
    url: Mapped[str] = mapped_column(Text)
    options: Mapped[dict[str, Any]]
    status: Mapped[str]
    cancelled: Mapped[bool]
    stop_reason: Mapped[str | None]
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None]
    max_pages: Mapped[int]
    estimated_pages: Mapped[int]
    robots_blocked: Mapped[int]
    credits_used: Mapped[int] = mapped_column(BigInteger)
    credits_refunded: Mapped[int] = mapped_column(BigInteger)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None]
    webhook_events: Mapped[list[str] | None] = mapped_column(NullableJSON)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    robots: Mapped[dict[str, Any] | None] = mapped_column(NullableJSON)


def table_of(model: type[Base]) -> Table:
    """The Core table of a model: repositories run Core statements for atomic conditional writes."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


ORGANIZATIONS = table_of(OrganizationRow)
USERS = table_of(UserRow)
API_KEYS = table_of(ApiKeyRow)
ORG_BALANCES = table_of(OrgBalanceRow)
LEDGER_ENTRIES = table_of(LedgerEntryRow)
JOBS = table_of(JobRow)
JOB_TOMBSTONES = table_of(JobTombstoneRow)
CACHE_ENTRIES = table_of(CacheEntryRow)
USAGE_LOG = table_of(UsageLogRow)
PLAYBOOK_ATTEMPTS = table_of(DomainAttemptRow)
WEBHOOK_DELIVERIES = table_of(WebhookDeliveryRow)
BATCHES = table_of(BatchRow)
CRAWLS = table_of(CrawlRow)


# Imported last (it needs ``Base``): its tables join this metadata; repositories import them here.
from scrapegate.storage.sql.blog_models import *  # noqa: E402, F403
from scrapegate.storage.sql.crawl_models import *  # noqa: E402, F403
from scrapegate.storage.sql.extraction_models import *  # noqa: E402, F403
from scrapegate.storage.sql.kb_models import *  # noqa: E402, F403
from scrapegate.storage.sql.llm_key_models import *  # noqa: E402, F403
from scrapegate.storage.sql.oauth_models import *  # noqa: E402, F403
from scrapegate.storage.sql.platform_models import *  # noqa: E402, F403
from scrapegate.storage.sql.support_models import *  # noqa: E402, F403
