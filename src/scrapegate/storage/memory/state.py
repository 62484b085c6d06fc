"""The shared state behind the in-memory repositories (one instance per storage)."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field
from typing import TypeVar

from scrapegate.domain.records import (
    ApiKey,
    Batch,
    CacheEntry,
    Crawl,
    CrawlEvent,
    CrawlPage,
    DomainAttempt,
    Job,
    JobTombstone,
    LedgerEntry,
    Organization,
    UsageRow,
    User,
    WebhookDelivery,
)
from scrapegate.errors import NotFound

R = TypeVar("R")


def detached(record: R) -> R:
    """A deep copy: callers mutate what they get, and only save() may change stored state."""
    return copy.deepcopy(record)


@dataclass
class MemoryState:
    organizations: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    api_keys: dict[str, ApiKey] = field(default_factory=dict)
    balances: dict[str, int] = field(default_factory=dict)
    ledger_entries: list[LedgerEntry] = field(default_factory=list)
    ledger_keys: dict[tuple[str, str], LedgerEntry] = field(default_factory=dict)
    ledger_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    jobs: dict[str, Job] = field(default_factory=dict)
    tombstones: dict[str, JobTombstone] = field(default_factory=dict)
    jobs_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    cache: dict[str, CacheEntry] = field(default_factory=dict)
    usage: list[UsageRow] = field(default_factory=list)
    # Attempts keep their insertion order: it breaks created_at ties like the SQL sequence does.
    attempts: list[DomainAttempt] = field(default_factory=list)
    webhooks: dict[str, WebhookDelivery] = field(default_factory=dict)
    batches: dict[str, Batch] = field(default_factory=dict)
    crawls: dict[str, Crawl] = field(default_factory=dict)
    # Per crawl, pages keyed by url_key; dict order is insertion order, i.e. seq order.
    crawl_pages: dict[str, dict[str, CrawlPage]] = field(default_factory=dict)
    crawl_events: dict[str, list[CrawlEvent]] = field(default_factory=dict)
    crawl_event_seq: int = 0
    crawl_robots_blocked: dict[str, list[str]] = field(default_factory=dict)  # the listed URLs

    def require_organization(self, org_id: str) -> None:
        # Mirrors the SQL foreign keys, so both backends refuse the same orphans.
        if org_id not in self.organizations:
            raise NotFound(f"organization {org_id} does not exist")
