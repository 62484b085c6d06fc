"""In-app notifications and the ``Notifier``
that the server's own events go through.

Visibility: a notification addressed to a user shows to that user; one with only an
organization shows to every member acting in it; one with neither is global. Dismissal and
``read_at`` are per user. ``read_at`` is set by the first ``/active`` listing that returns the
notification; that listing still shows ``null`` (the notification was unread when fetched),
later ones show the time.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from scrapegate.config import BillingSettings
from scrapegate.domain.notification_records import (
    SEVERITIES,
    Audience,
    Notification,
    NotificationQuery,
    NotificationView,
    Severity,
)
from scrapegate.domain.records import Crawl, Job, new_id, utcnow
from scrapegate.errors import InvalidRequest, NotFound
from scrapegate.platform.announcements import text_field, time_field
from scrapegate.storage.notification_protocol import NotificationRepository
from scrapegate.storage.protocols import Storage

log = logging.getLogger(__name__)

ACTIVE_LIMIT = 50
HISTORY_DEFAULT = 20
HISTORY_MAX = 100
HISTORY_DAYS = 90
REPEAT_AFTER = timedelta(hours=24)
# Server-created notifications leave /active by themselves (a new one comes if still true).
BALANCE_NOTICE_TTL = timedelta(days=7)
CRAWL_NOTICE_TTL = timedelta(days=30)
MAX_TITLE = 200
MAX_MESSAGE = 2_000
MAX_LINK = 2_048


@dataclass(frozen=True)
class NotificationEntry:
    """A notification as one user sees it, flat; each route shows the fields it documents."""

    id: str
    type: str
    severity: Severity
    title: str
    message: str
    link: str | None
    organization_id: str | None
    created_at: datetime
    expires_at: datetime | None
    read_at: datetime | None
    dismissed_at: datetime | None

    @classmethod
    def of(cls, view: NotificationView) -> NotificationEntry:
        item = view.notification
        return cls(
            id=item.id,
            type=item.type,
            severity=item.severity,
            title=item.title,
            message=item.message,
            link=item.link,
            organization_id=item.org_id,
            created_at=item.created_at,
            expires_at=item.expires_at,
            read_at=view.read_at,
            dismissed_at=view.dismissed_at,
        )


@dataclass(frozen=True)
class NotificationPage:
    notifications: list[NotificationEntry]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.notifications) < self.total


@dataclass(frozen=True)
class Dismissal:
    notification_id: str
    dismissed_at: datetime
    status: str = "dismissed"


def canonical_uuid(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return value if str(uuid.UUID(value)) == value else None
    except ValueError:
        return None


def link_field(body: dict[str, Any]) -> str | None:
    link = text_field(body, "link", MAX_LINK)
    if link is None or (link.startswith("/") and not link.startswith("//")):
        return link
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidRequest("link must be an http(s) URL or a path", field="link")
    return link


def required_text(body: dict[str, Any], key: str, limit: int) -> str:
    value = text_field(body, key, limit)
    if value is None:
        raise InvalidRequest(f"{key} is required (1-{limit} characters)", field=key)
    return value


def parse_broadcast(body: Any, now: datetime) -> Notification:
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    severity = body.get("severity", "info")
    if severity not in SEVERITIES:
        raise InvalidRequest(f"severity must be one of {', '.join(SEVERITIES)}", "severity")
    expires = time_field(body, "expires_at")
    if expires is not None and expires <= now:
        raise InvalidRequest("expires_at must be in the future", field="expires_at")
    org = body.get("organization_id")
    if org is not None and not isinstance(org, str):
        raise InvalidRequest("organization_id must be a string", field="organization_id")
    return Notification(
        id=new_id(),
        type="admin_broadcast",
        severity=cast(Severity, severity),
        title=required_text(body, "title", MAX_TITLE),
        message=required_text(body, "message", MAX_MESSAGE),
        link=link_field(body),
        org_id=org,
        created_at=now,
        expires_at=expires,
    )


def page_bounds(limit: int | None, offset: int | None) -> tuple[int, int]:
    """Offset pagination: over-large limits clamp, negative values are 400."""
    wanted = HISTORY_DEFAULT if limit is None else limit
    start = 0 if offset is None else offset
    if wanted < 0 or start < 0:
        raise InvalidRequest("limit and offset must not be negative")
    return min(wanted, HISTORY_MAX), start


class NotificationService:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._repository: NotificationRepository = storage.notifications

    async def active(self, audience: Audience) -> list[NotificationEntry]:
        now = utcnow()
        query = NotificationQuery(audience, now, active=True, limit=ACTIVE_LIMIT)
        views, _ = await self._repository.query(query)
        unread = [v.notification.id for v in views if v.read_at is None]
        await self._repository.mark_read(audience.user_id, unread, now)
        return [NotificationEntry.of(v) for v in views]

    async def dismiss(self, audience: Audience, body: Any) -> Dismissal:
        raw = body.get("notification_id") if isinstance(body, dict) else None
        if not isinstance(raw, str) or not raw:
            raise InvalidRequest("notification_id is required", field="notification_id")
        notification_id = canonical_uuid(raw)
        found = None
        if notification_id is not None:
            found = await self._repository.view(audience, notification_id)
        if found is None:
            raise NotFound("Notification not found")
        at = await self._repository.dismiss(audience.user_id, found.notification.id, utcnow())
        return Dismissal(notification_id=found.notification.id, dismissed_at=at)

    async def history(
        self, audience: Audience, limit: int | None, offset: int | None
    ) -> NotificationPage:
        size, start = page_bounds(limit, offset)
        now = utcnow()
        since = now - timedelta(days=HISTORY_DAYS)
        query = NotificationQuery(audience, now, False, since=since, limit=size, offset=start)
        views, total = await self._repository.query(query)
        shown = [NotificationEntry.of(v) for v in views]
        return NotificationPage(notifications=shown, total=total, limit=size, offset=start)

    async def broadcast(self, body: Any) -> NotificationEntry:
        notification = parse_broadcast(body, utcnow())
        if notification.org_id is not None:
            org_id = canonical_uuid(notification.org_id)
            if org_id is None or await self._storage.organizations.get(org_id) is None:
                raise InvalidRequest("Unknown organization", field="organization_id")
        await self._repository.add(notification)
        return NotificationEntry.of(NotificationView(notification))


class Notifier:
    """Creates the server's own notifications; each event creates at most one (dedupe keys)."""

    def __init__(self, storage: Storage, billing: BillingSettings) -> None:
        self._storage = storage
        self._repository: NotificationRepository = storage.notifications
        self._billing = billing

    async def notify(
        self, notification: Notification, *, repeat_after: timedelta | None = None
    ) -> Notification | None:
        """Store ``notification`` unless its dedupe key exists or, with ``repeat_after``, one
        of its type went to the same addressee within that time. The stored one, or None."""
        item = notification
        if repeat_after is not None:
            since = item.created_at - repeat_after
            if await self._repository.latest_of_type(item.type, item.org_id, item.user_id, since):
                return None
        if not await self._repository.add(item):
            return None
        log.info(
            "notification %s (%s) for org=%s user=%s", item.id, item.type, item.org_id, item.user_id
        )
        return item

    async def job_finished(self, job: Job) -> None:
        """Runner finish hook: a job that cost credits may have taken the balance low."""
        if self._billing.enabled and job.credits_used > 0:
            await self.check_balance(job.org_id)

    async def check_balance(self, org_id: str) -> Notification | None:
        balance = await self._storage.ledger.balance(org_id)
        if balance >= self._billing.warn_low_microcents and balance > 0:
            return None
        now = utcnow()
        day = now.strftime("%Y-%m-%d")
        if balance <= 0:
            kind, severity, title = "balance_exhausted", "critical", "Your balance is used up"
            message = "Requests that cost credits are refused until you add funds."
        else:
            kind, severity, title = "low_balance", "warning", "Your balance is running low"
            message = f"Balance left: ${balance / 1_000_000:.2f}. Add funds to keep scraping."
        notification = Notification(
            id=new_id(),
            type=kind,
            severity=cast(Severity, severity),
            title=title,
            message=message,
            link="/api/v1/usage",
            org_id=org_id,
            dedupe_key=f"org:{org_id}:{kind}:{day}",
            created_at=now,
            expires_at=now + BALANCE_NOTICE_TTL,
        )
        return await self.notify(notification, repeat_after=REPEAT_AFTER)

    async def crawl_finished(self, crawl: Crawl, status: str) -> None:
        """Crawl finish hook: a failed crawl tells the user whose key started it."""
        if status != "failed":
            return
        try:
            await self._crawl_failed(crawl)
        except Exception:  # a notification must never keep a crawl from ending
            log.exception("could not notify the failure of crawl %s", crawl.id)

    async def _crawl_failed(self, crawl: Crawl) -> None:
        key = await self._storage.api_keys.get(crawl.key_id) if crawl.key_id else None
        await self.notify(
            Notification(
                id=new_id(),
                type="crawl_failed",
                severity="warning",
                title="A crawl failed",
                message=f"The crawl of {crawl.url} failed: {crawl.error or 'no page succeeded'}.",
                link=f"/api/v1/crawl/{crawl.id}",
                org_id=crawl.org_id,
                user_id=key.user_id if key else None,
                dedupe_key=f"crawl_failed:{crawl.id}",
                expires_at=utcnow() + CRAWL_NOTICE_TTL,
            )
        )
