"""POST /api/v1/unsubscribe (spec platform-api A.13, #64): public; the signed token authorises."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from scrapegate.api.auth import services_of
from scrapegate.api.body import read_json
from scrapegate.api.public_rate import per_ip_public_access

router = APIRouter(prefix="/api/v1", tags=["unsubscribe"])


@router.post(
    "/unsubscribe",
    summary="Unsubscribe from an e-mail type",
    dependencies=[Depends(per_ip_public_access("unsubscribe"))],
)
async def unsubscribe(request: Request) -> dict[str, Any]:
    body = await read_json(request)
    return await services_of(request).unsubscribes.unsubscribe(body)
