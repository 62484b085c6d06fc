"""POST /api/v1/unsubscribe: public; the signed token authorises."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from scrapegate.api.auth import services_of
from scrapegate.api.body import read_json
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.api.wire import WireModel
from scrapegate.platform.unsubscribe import Unsubscribed

router = APIRouter(prefix="/api/v1", tags=["unsubscribe"])


class UnsubscribedBody(WireModel):
    ok: bool
    message: str


@router.post(
    "/unsubscribe",
    summary="Unsubscribe from an e-mail type",
    response_model=UnsubscribedBody,
    dependencies=[Depends(per_ip_public_access("unsubscribe"))],
)
async def unsubscribe(request: Request) -> Unsubscribed:
    body = await read_json(request)
    return await services_of(request).unsubscribes.unsubscribe(body)
