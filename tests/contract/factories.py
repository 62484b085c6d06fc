"""Record builders for the contract suite: valid defaults, overridable fields."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapegate.domain.records import (
    ApiKey,
    DomainAttempt,
    Job,
    Organization,
    UsageRow,
    User,
    WebhookDelivery,
    new_id,
)
from scrapegate.storage.protocols import Storage

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """A fixed instant ``seconds`` after T0 (timestamps never depend on the clock)."""
    return T0 + timedelta(seconds=seconds)


async def add_org(storage: Storage, slug: str = "acme") -> Organization:
    return await storage.organizations.create(Organization(id=new_id(), name=slug, slug=slug))


async def add_user(storage: Storage, org: Organization, name: str = "alice") -> User:
    return await storage.users.create(User(id=new_id(), name=name, personal_org_id=org.id))


def make_key(org: Organization, user: User, secret: str, **fields: Any) -> ApiKey:
    values: dict[str, Any] = {
        "id": new_id(),
        "org_id": org.id,
        "user_id": user.id,
        "name": f"key {secret}",
        "key_hash": hashlib.sha256(secret.encode()).hexdigest(),
        "key_prefix": secret[:12],
    }
    values.update(fields)
    return ApiKey(**values)


def make_job(org_id: str, request_hash: str = "hash-1", **fields: Any) -> Job:
    values: dict[str, Any] = {
        "id": new_id(),
        "org_id": org_id,
        "key_id": None,
        "type": "scrape",
        "request": {"url": "https://example.com/", "formats": ["markdown"]},
        "request_hash": request_hash,
    }
    values.update(fields)
    return Job(**values)


def make_usage(org_id: str | None, created_at: datetime, **fields: Any) -> UsageRow:
    values: dict[str, Any] = {
        "id": new_id(),
        "org_id": org_id,
        "key_id": None,
        "route": "/v1/scrape",
        "method": "POST",
        "status_code": 200,
        "latency_ms": 120,
        "created_at": created_at,
    }
    values.update(fields)
    return UsageRow(**values)


def make_attempt(org_id: str, created_at: datetime, **fields: Any) -> DomainAttempt:
    values: dict[str, Any] = {
        "org_id": org_id,
        "domain": "example.com",
        "tier": "1",
        "success": True,
        "created_at": created_at,
    }
    values.update(fields)
    return DomainAttempt(**values)


def make_delivery(org_id: str, created_at: datetime, **fields: Any) -> WebhookDelivery:
    values: dict[str, Any] = {
        "id": new_id(),
        "org_id": org_id,
        "event": "job.completed",
        "url": "https://hooks.example.com/endpoint",
        "payload": {"job_id": "j1", "status": "completed"},
        "created_at": created_at,
        "updated_at": created_at,
    }
    values.update(fields)
    return WebhookDelivery(**values)
