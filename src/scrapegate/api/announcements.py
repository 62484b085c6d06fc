"""The announcement banner: public read (#5) and the admin route that sets it (B.10)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.api.public_rate import per_ip_public_access

router = APIRouter(prefix="/api/v1", tags=["announcement"])


@router.get(
    "/announcement/active",
    summary="The announcement to show now",
    dependencies=[Depends(per_ip_public_access("announcement"))],
)
async def active_announcement(request: Request) -> dict[str, Any]:
    return await services_of(request).announcements.active()


@router.get(
    "/admin/announcement",
    summary="The stored announcement",
    dependencies=[Depends(require("admin"))],
)
async def stored_announcement(request: Request) -> dict[str, Any]:
    return await services_of(request).announcements.current()


@router.put(
    "/admin/announcement",
    summary="Set the announcement (bumps its version)",
    dependencies=[Depends(require("admin"))],
)
async def set_announcement(request: Request) -> dict[str, Any]:
    body = await read_json(request)
    return await services_of(request).announcements.publish(body)
