"""In-app notifications and the admin broadcast (B.10)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import NotificationsDep, ReadPrincipal, admin_access
from scrapegate.api.notification_models import (
    ActiveNotificationsBody,
    BroadcastBody,
    BroadcastRequestBody,
    DismissedBody,
    DismissRequestBody,
    NotificationHistoryBody,
)
from scrapegate.domain.notification_records import Audience
from scrapegate.domain.principal import Principal
from scrapegate.platform.notifications import Dismissal, NotificationEntry, NotificationPage

router = APIRouter(prefix="/api/v1", tags=["notifications"])


def audience_of(who: Principal) -> Audience:
    return Audience(user_id=who.user_id, org_id=who.org_id)


@router.get(
    "/notifications/active",
    summary="Notifications to show now",
    response_model=ActiveNotificationsBody,
)
async def active_notifications(
    who: ReadPrincipal, notifications: NotificationsDep
) -> ActiveNotificationsBody:
    shown = await notifications.active(audience_of(who))
    return ActiveNotificationsBody.model_validate({"notifications": shown})


# Dismissing changes no data of the organization, so the read scope suffices.
@router.post(
    "/notifications/dismiss",
    summary="Dismiss a notification for the caller",
    response_model=DismissedBody,
    openapi_extra={"requestBody": json_body(DismissRequestBody)},
)
async def dismiss_notification(
    request: Request, who: ReadPrincipal, notifications: NotificationsDep
) -> Dismissal:
    body = await read_json(request)
    return await notifications.dismiss(audience_of(who), body)


@router.get(
    "/notifications/history",
    summary="Notifications of the last 90 days",
    response_model=NotificationHistoryBody,
)
async def notification_history(
    who: ReadPrincipal,
    notifications: NotificationsDep,
    limit: int | None = None,
    offset: int | None = None,
) -> NotificationPage:
    return await notifications.history(audience_of(who), limit, offset)


@router.post(
    "/admin/notifications",
    summary="Broadcast a notification",
    status_code=201,
    response_model=BroadcastBody,
    dependencies=[Depends(admin_access)],
    openapi_extra={"requestBody": json_body(BroadcastRequestBody)},
)
async def broadcast_notification(
    request: Request, notifications: NotificationsDep
) -> NotificationEntry:
    return await notifications.broadcast(await read_json(request))
