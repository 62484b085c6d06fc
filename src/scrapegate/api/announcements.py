"""The announcement banner: public read (#5) and the admin route that sets it (B.10)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from scrapegate.api.announcement_models import (
    AnnouncementBody,
    AnnouncementRequestBody,
    StoredAnnouncementBody,
)
from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import AnnouncementsDep, admin_access
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.platform.announcements import AnnouncementView, StoredAnnouncement

router = APIRouter(prefix="/api/v1", tags=["announcement"])


@router.get(
    "/announcement/active",
    summary="The announcement to show now",
    response_model=AnnouncementBody,
    dependencies=[Depends(per_ip_public_access("announcement"))],
)
async def active_announcement(announcements: AnnouncementsDep) -> AnnouncementView:
    return await announcements.active()


@router.get(
    "/admin/announcement",
    summary="The stored announcement",
    response_model=StoredAnnouncementBody,
    dependencies=[Depends(admin_access)],
)
async def stored_announcement(announcements: AnnouncementsDep) -> StoredAnnouncement:
    return await announcements.current()


@router.put(
    "/admin/announcement",
    summary="Set the announcement (bumps its version)",
    response_model=StoredAnnouncementBody,
    dependencies=[Depends(admin_access)],
    openapi_extra={"requestBody": json_body(AnnouncementRequestBody)},
)
async def set_announcement(request: Request, announcements: AnnouncementsDep) -> StoredAnnouncement:
    body = await read_json(request)
    return await announcements.publish(body)
