"""The announcement banner: public read (#5) and the admin route that sets it (B.10)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from scrapegate.api.announcement_models import AnnouncementBody, StoredAnnouncementBody
from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.platform.announcements import AnnouncementView, StoredAnnouncement

router = APIRouter(prefix="/api/v1", tags=["announcement"])


@router.get(
    "/announcement/active",
    summary="The announcement to show now",
    response_model=AnnouncementBody,
    dependencies=[Depends(per_ip_public_access("announcement"))],
)
async def active_announcement(request: Request) -> AnnouncementView:
    return await services_of(request).announcements.active()


@router.get(
    "/admin/announcement",
    summary="The stored announcement",
    response_model=StoredAnnouncementBody,
    dependencies=[Depends(require("admin"))],
)
async def stored_announcement(request: Request) -> StoredAnnouncement:
    return await services_of(request).announcements.current()


@router.put(
    "/admin/announcement",
    summary="Set the announcement (bumps its version)",
    response_model=StoredAnnouncementBody,
    dependencies=[Depends(require("admin"))],
)
async def set_announcement(request: Request) -> StoredAnnouncement:
    body = await read_json(request)
    return await services_of(request).announcements.publish(body)
