"""In-app notifications, their per-user receipts and support e-mail preferences."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from scrapegate.domain.records import utcnow

Severity = Literal["info", "warning", "critical"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "critical")


@dataclass
class Notification:
    """Addressed to one user (``user_id``), to every member of an organization (``org_id`` only)
    or to everybody (neither)."""

    id: str
    type: str  # low_balance, balance_exhausted, crawl_failed, admin_broadcast, ...
    severity: Severity
    title: str
    message: str
    link: str | None = None
    org_id: str | None = None
    user_id: str | None = None
    # Unique when set: the same server event never creates two notifications.
    dedupe_key: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Audience:
    """Who is looking: a user acting in an organization."""

    user_id: str
    org_id: str


@dataclass(frozen=True)
class NotificationView:
    """A notification as one user sees it."""

    notification: Notification
    read_at: datetime | None = None
    dismissed_at: datetime | None = None


@dataclass(frozen=True)
class NotificationQuery:
    """Which of an audience's notifications: ``active`` hides dismissed and expired ones;
    ``since`` drops older ones. Newest first."""

    audience: Audience
    now: datetime
    active: bool
    since: datetime | None = None
    limit: int = 50
    offset: int = 0


@dataclass
class SupportPreferences:
    """A user's support e-mail choices; stored only once changed (defaults: all true)."""

    user_id: str
    email_admin_reply: bool = True
    email_status_change: bool = True
    email_resolved: bool = True
    updated_at: datetime | None = None
